/* test_busverb.c -- the bus reverb: an IR taken from the pool in bounded
   steps (one copy or preparation step per block, the result only after
   ceil(frames / WM_BUSVERB_COPY_FRAMES) copy blocks), after which the output
   equals the direct convolution of the whole input history with the new IR
   (double-precision reference); a second load while one is under way is
   refused; a sample freed mid-copy fails the load with WM_ERR_HANDLE and
   the old IR keeps playing; bad loads refused at once; dry/wet parameters;
   no allocation while loading and playing. */
#define _GNU_SOURCE
#include <stdlib.h>

#include "alloc_count.h"
#include "check.h"
#include "wm_busverb.h"

enum { FS = 48000, BLOCK = 128, MAX_IR = 20000, PAGES = 64, PAGE_FLOATS = 4096 };

typedef struct {
    void* mem;
    wm_arena arena;
    wm_pool pool;
    wm_busverb r;
} fixture;

static void open_fixture(fixture* f)
{
    size_t bytes = wm_pool_memory_size(PAGES, PAGE_FLOATS, 16) + wm_busverb_memory_size(MAX_IR, BLOCK, FS) + 4096;
    f->mem = malloc(bytes);
    wm_arena_init(&f->arena, f->mem, bytes);
    CHECK_EQ_INT(wm_pool_init(&f->pool, &f->arena, PAGES, PAGE_FLOATS, 16), WM_OK);
    CHECK_EQ_INT(wm_busverb_init(&f->r, &f->arena, MAX_IR, BLOCK, FS), WM_OK);
}

/* Puts planar channels into the pool as one interleaved sample; returns its handle. */
static int pool_put(wm_pool* p, float* const* planes, int channels, int frames, int complete)
{
    int h = wm_pool_alloc(p, frames, channels, FS);
    CHECK(h > 0);
    wm_pool_span spans[64];
    int n = wm_pool_spans(p, h, 0, frames, spans, 64);
    for (int s = 0; s < n; s++)
        for (int i = 0; i < spans[s].frames; i++)
            for (int c = 0; c < channels; c++)
                spans[s].data[i * channels + c] = planes[c][spans[s].frame + i];
    if (complete)
        CHECK_EQ_INT(wm_pool_complete(p, h, frames), frames);
    return h;
}

/* A decaying noise IR, different per channel. */
static void make_ir(float* const* ir, int frames)
{
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < frames; i++)
            ir[c][i] = 0.5f * check_noise() * expf(-4.0f * (float)i / (float)frames);
}

/* Runs n blocks of noise through the reverb, recording input and output from `at`. */
static void run(fixture* f, float* const* x, float* const* y, int* at, int blocks)
{
    for (int b = 0; b < blocks; b++) {
        float l[BLOCK], r[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            l[i] = x[0][*at + i] = 0.25f * check_noise();
            r[i] = x[1][*at + i] = 0.25f * check_noise();
        }
        float* io[2] = {l, r};
        wm_busverb_process(&f->r, &f->pool, io, BLOCK);
        memcpy(y[0] + *at, l, sizeof l);
        memcpy(y[1] + *at, r, sizeof r);
        *at += BLOCK;
    }
}

/* max |y - x * h| over frames [from, to), the convolution over the whole input history. */
static double conv_error(float* const* x, float* const* y, float* const* h, int h_frames, int from, int to)
{
    double worst = 0;
    for (int c = 0; c < 2; c++)
        for (int t = from; t < to; t++) {
            double acc = 0;
            for (int k = 0; k < h_frames && k <= t; k++)
                acc += (double)h[c][k] * x[c][t - k];
            double e = fabs(acc - y[c][t]);
            worst = e > worst ? e : worst;
        }
    return worst;
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    fixture f;
    open_fixture(&f);
    enum { TOTAL = 160 * 1024 };
    float* x[2] = {malloc(TOTAL * sizeof(float)), malloc(TOTAL * sizeof(float))};
    float* y[2] = {malloc(TOTAL * sizeof(float)), malloc(TOTAL * sizeof(float))};
    float* h[2] = {malloc(MAX_IR * sizeof(float)), malloc(MAX_IR * sizeof(float))};
    float* g[2] = {malloc(MAX_IR * sizeof(float)), malloc(MAX_IR * sizeof(float))};
    int at = 0;

    /* No IR yet: silence (wet has nothing, dry is off). */
    run(&f, x, y, &at, 4);
    for (int i = 0; i < at; i++)
        CHECK(y[0][i] == 0.0f && y[1][i] == 0.0f);

    /* Bad loads are refused at once. */
    const int H_FRAMES = 9000;
    make_ir(h, H_FRAMES);
    int loading = pool_put(&f.pool, h, 2, 100, 0);
    CHECK_EQ_INT(wm_busverb_load(&f.r, &f.pool, loading, 0, 1), WM_ERR_ARG); /* not complete */
    CHECK_EQ_INT(wm_busverb_load(&f.r, &f.pool, 12345, 0, 1), WM_ERR_HANDLE);
    CHECK_EQ_INT(wm_busverb_load(&f.r, &f.pool, 0, 0, 1), WM_ERR_HANDLE);
    CHECK_EQ_INT(wm_pool_free(&f.pool, loading), WM_OK);
    float* big[2] = {calloc(MAX_IR + 1, sizeof(float)), calloc(MAX_IR + 1, sizeof(float))};
    int too_long = pool_put(&f.pool, big, 2, MAX_IR + 1, 1);
    CHECK_EQ_INT(wm_busverb_load(&f.r, &f.pool, too_long, 0, 1), WM_ERR_ARG);
    CHECK_EQ_INT(wm_pool_free(&f.pool, too_long), WM_OK);

    /* A stereo IR: bounded steps, then the exact convolution. */
    int ir = pool_put(&f.pool, h, 2, H_FRAMES, 1);
    CHECK_EQ_INT(wm_busverb_load(&f.r, &f.pool, ir, NAN, 7), WM_ERR_ARG);
    CHECK_EQ_INT(wm_busverb_load(&f.r, &f.pool, ir, 0, 7), WM_OK);
    CHECK_EQ_INT(wm_busverb_load(&f.r, &f.pool, ir, 0, 8), WM_ERR_LIMIT);
    counting = 1;
    uint32_t req = 0;
    int result = 1, blocks = 0;
    while (!wm_busverb_take_result(&f.r, &req, &result) && blocks < 1000) {
        run(&f, x, y, &at, 1);
        blocks++;
    }
    int copy_blocks = (H_FRAMES + WM_BUSVERB_COPY_FRAMES - 1) / WM_BUSVERB_COPY_FRAMES;
    CHECK(blocks > copy_blocks); /* at least the copy steps, then preparation and the swap */
    CHECK_EQ_INT(req, 7);
    CHECK_EQ_INT(result, WM_OK);
    CHECK_EQ_INT(wm_busverb_take_result(&f.r, &req, &result), 0); /* once */
    CHECK_EQ_INT(wm_pool_free(&f.pool, ir), WM_OK); /* the reverb has its own copy */
    int settled = at + 2 * WM_CONVOLVER_MAX_PARTITION + BLOCK;
    run(&f, x, y, &at, (settled - at) / BLOCK + 24);
    counting = 0;
    CHECK_EQ_INT(allocations, 0);
    double err = conv_error(x, y, h, H_FRAMES, settled, at);
    CHECK(err < 2e-5);
    printf("busverb: loaded in %d blocks (%d copy), then |y - x*h| <= %.2g\n", blocks, copy_blocks, err);

    /* A sample freed mid-copy: the load fails, the old IR keeps playing. */
    make_ir(g, MAX_IR);
    int next = pool_put(&f.pool, g, 2, MAX_IR, 1);
    CHECK_EQ_INT(wm_busverb_load(&f.r, &f.pool, next, 50, 9), WM_OK);
    run(&f, x, y, &at, 1);
    CHECK_EQ_INT(wm_busverb_take_result(&f.r, &req, &result), 0);
    CHECK_EQ_INT(wm_pool_free(&f.pool, next), WM_OK);
    run(&f, x, y, &at, 1);
    CHECK_EQ_INT(wm_busverb_take_result(&f.r, &req, &result), 1);
    CHECK_EQ_INT(req, 9);
    CHECK_EQ_INT(result, WM_ERR_HANDLE);
    int from = at;
    run(&f, x, y, &at, 64);
    CHECK(conv_error(x, y, h, H_FRAMES, from, at) < 2e-5);

    /* A mono IR replaces it with a crossfade; afterwards both channels run through it. */
    int mono = pool_put(&f.pool, g, 1, 3000, 1);
    CHECK_EQ_INT(wm_busverb_load(&f.r, &f.pool, mono, 20, 10), WM_OK);
    for (blocks = 0; !wm_busverb_take_result(&f.r, &req, &result) && blocks < 1000; blocks++)
        run(&f, x, y, &at, 1);
    CHECK_EQ_INT(result, WM_OK);
    settled = at + 2 * WM_CONVOLVER_MAX_PARTITION + (int)(0.02 * FS) + BLOCK;
    run(&f, x, y, &at, (settled - at) / BLOCK + 24);
    float* gg[2] = {g[0], g[0]};
    CHECK(conv_error(x, y, gg, 3000, settled, at) < 2e-5);

    /* Dry on, wet off: the input passes unchanged (after the glides). */
    CHECK_EQ_INT(wm_busverb_set_param(&f.r, WM_BUSVERB_DRY_DB, 0.0f), WM_OK);
    CHECK_EQ_INT(wm_busverb_set_param(&f.r, WM_BUSVERB_WET_DB, -200.0f), WM_ERR_RANGE);
    CHECK_EQ_INT(wm_busverb_set_param(&f.r, WM_BUSVERB_PREDELAY_MS, NAN), WM_ERR_ARG);
    CHECK_EQ_INT(wm_busverb_set_param(&f.r, WM_BUSVERB_PARAM_COUNT, 0), WM_ERR_PARAM);
    CHECK(f.r.params[WM_BUSVERB_WET_DB] == -120.0f);
    run(&f, x, y, &at, 64);
    double worst = 0;
    for (int i = at - 8 * BLOCK; i < at; i++)
        worst = fmax(worst, fabs(y[0][i] - x[0][i]));
    CHECK(worst < 1e-5);
    CHECK(wm_busverb_param_get_info(WM_BUSVERB_PREDELAY_MS) != NULL);
    CHECK(wm_busverb_param_get_info(-1) == NULL);

    for (int c = 0; c < 2; c++) {
        free(x[c]);
        free(y[c]);
        free(h[c]);
        free(g[c]);
        free(big[c]);
    }
    free(f.mem);
    return check_finish("test_busverb", seed);
}
