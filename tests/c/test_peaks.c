/* test_peaks.c -- the waveform overview against a direct reference: for
   random lengths, bucket counts, channel counts and chunk splits, each
   bucket's min and max equal those of the frames [floor(bN/B),
   floor((b+1)N/B)) found by a plain scan with the boundaries computed in
   double precision; every frame is in exactly one bucket; NaN is ignored;
   empty buckets read 0; frames past the total are refused; the memory does
   not depend on the signal's length. */
#include <stdlib.h>

#include "check.h"
#include "wm_peaks.h"

/* The reference: bucket b's min and max by a direct scan, boundaries from
   floor() in double (exact for these sizes). */
static void reference(const float* x, int n, int channels, int buckets, float* mm)
{
    for (int b = 0; b < buckets; b++) {
        long first = (long)floor((double)b * n / buckets), end = (long)floor((double)(b + 1) * n / buckets);
        float lo = 0, hi = 0;
        int any = 0;
        for (long f = first; f < end; f++) {
            for (int c = 0; c < channels; c++) {
                float v = x[f * channels + c];
                if (isnan(v))
                    continue;
                lo = any && lo < v ? lo : v;
                hi = any && hi > v ? hi : v;
                any = 1;
            }
        }
        mm[2 * b] = lo;
        mm[2 * b + 1] = hi;
    }
}

static void one_case(int n, int channels, int buckets, int max_chunk, int nan_every)
{
    float* x = malloc(sizeof(float) * ((size_t)n * channels + 1));
    for (int i = 0; i < n * channels; i++)
        x[i] = nan_every && check_rand() % nan_every == 0 ? NAN : check_noise();
    float* want = malloc(sizeof(float) * 2 * (size_t)buckets);
    reference(x, n, channels, buckets, want);

    size_t bytes = wm_peaks_memory_size(buckets);
    void* mem = malloc(bytes);
    wm_arena a;
    wm_arena_init(&a, mem, bytes);
    wm_peaks p;
    CHECK_EQ_INT(wm_peaks_init(&p, &a, buckets, n, channels), WM_OK);
    int fed = 0;
    while (fed < n) {
        int chunk = 1 + (int)(check_rand() % (unsigned)max_chunk);
        if (chunk > n - fed)
            chunk = n - fed;
        CHECK_EQ_INT(wm_peaks_process(&p, x + (size_t)fed * channels, chunk), chunk);
        fed += chunk;
    }
    CHECK_EQ_INT(wm_peaks_process(&p, x, 1), 0); /* past the total */
    CHECK_EQ_INT(p.pos, n);
    for (int b = 0; b < 2 * buckets; b++)
        CHECK(p.minmax[b] == want[b]);
    /* the bucket boundaries partition [0, n) */
    CHECK_EQ_INT(wm_peaks_bucket_start(&p, 0), 0);
    CHECK_EQ_INT(wm_peaks_bucket_start(&p, buckets), n);
    for (int b = 0; b < buckets; b++)
        CHECK_EQ_INT(wm_peaks_bucket_start(&p, b), (long long)floor((double)b * n / buckets));
    free(mem);
    free(want);
    free(x);
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    for (int t = 0; t < 300; t++) {
        int n = (int)(check_rand() % 20000);
        int buckets = 1 + (int)(check_rand() % 700);
        int channels = 1 + (int)(check_rand() % WM_MAX_CHANNELS);
        int max_chunk = 1 + (int)(check_rand() % 3000);
        one_case(n, channels, buckets, max_chunk, t % 3 == 0 ? 7 : 0);
    }
    one_case(5, 2, 16, 3, 0);   /* fewer frames than buckets: empty ones read 0 */
    one_case(1, 1, 1, 1, 1);    /* a single NaN sample: the bucket reads 0 */

    /* A known signal: a ramp over 1000 frames in 10 buckets. */
    {
        float ramp[1000];
        for (int i = 0; i < 1000; i++)
            ramp[i] = (float)i;
        char mem[256];
        wm_arena a;
        wm_arena_init(&a, mem, sizeof mem);
        wm_peaks p;
        CHECK_EQ_INT(wm_peaks_init(&p, &a, 10, 1000, 1), WM_OK);
        CHECK_EQ_INT(wm_peaks_process(&p, ramp, 1000), 1000);
        for (int b = 0; b < 10; b++) {
            CHECK(p.minmax[2 * b] == (float)(100 * b));
            CHECK(p.minmax[2 * b + 1] == (float)(100 * b + 99));
        }
    }

    /* Bounded memory: the same bytes for a second and for a day of audio;
       bad arguments refused. */
    CHECK(wm_peaks_memory_size(1024) > 0 && wm_peaks_memory_size(1024) <= 1024 * 8 + 64);
    {
        char mem[9000];
        wm_arena a;
        wm_arena_init(&a, mem, sizeof mem);
        wm_peaks p;
        CHECK_EQ_INT(wm_peaks_init(&p, &a, 1024, (int64_t)48000 * 86400, 2), WM_OK);
        size_t used = a.used;
        wm_arena_init(&a, mem, sizeof mem);
        CHECK_EQ_INT(wm_peaks_init(&p, &a, 1024, 48000, 2), WM_OK);
        CHECK_EQ_INT(a.used, used);
        float block[256] = {0};
        for (int i = 0; i < 1000; i++)
            wm_peaks_process(&p, block, 128);
        CHECK_EQ_INT(p.pos, 48000);
        CHECK_EQ_INT(wm_peaks_init(&p, &a, 0, 10, 1), WM_ERR_ARG);
        CHECK_EQ_INT(wm_peaks_init(&p, &a, WM_PEAKS_MAX_BUCKETS + 1, 10, 1), WM_ERR_ARG);
        CHECK_EQ_INT(wm_peaks_init(&p, &a, 8, -1, 1), WM_ERR_ARG);
        CHECK_EQ_INT(wm_peaks_init(&p, &a, 8, WM_PEAKS_MAX_FRAMES + 1, 1), WM_ERR_ARG);
        CHECK_EQ_INT(wm_peaks_init(&p, &a, 8, 10, 3), WM_ERR_ARG);
        CHECK_EQ_INT(wm_peaks_init(&p, &a, 4096, 10, 1), WM_ERR_NOMEM);
        CHECK_EQ_INT(wm_peaks_process(&p, NULL, 1), WM_ERR_ARG);
        CHECK_EQ_INT(wm_peaks_process(&p, block, -1), WM_ERR_ARG);
    }
    printf("peaks: 300 random cases match the direct scan bucket for bucket\n");
    return check_finish("test_peaks", seed);
}
