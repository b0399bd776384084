/* test_transport.c -- the transport and clips through the mixer: an impulse
   clip lands on its exact frame for random positions and block sizes,
   after a seek and on every pass of a loop; fades have their stated shape;
   stop, pause and resume positions are exact; a clip whose sample was freed
   plays silence. */
#include <stdlib.h>

#include "check.h"
#include "wm_mixer.h"

enum { FS = 48000, MAX_BLOCK = 512, TOTAL = 40000 };

static unsigned char mem[16 << 20];
static wm_arena arena;
static wm_pool pool;
static float out_l[TOTAL + MAX_BLOCK];

/* A fresh pool and a mixer with one stereo track, limiter off. */
static wm_mixer* setup(void)
{
    wm_arena_init(&arena, mem, sizeof mem);
    CHECK_EQ_INT(wm_pool_init(&pool, &arena, 256, 256, 16), WM_OK);
    wm_mixer_config c;
    memset(&c, 0, sizeof c);
    c.sample_rate = FS;
    c.max_block = MAX_BLOCK;
    c.track_count = 1;
    c.clips_per_track = 8;
    c.pool = &pool;
    c.track_channels[0] = 2;
    int err;
    wm_mixer* m = wm_mixer_create(&arena, &c, &err);
    CHECK(m != NULL);
    return m;
}

/* A mono sample whose frame f is fill(f). */
static int make_sample(int frames, float (*fill)(int))
{
    int h = wm_pool_alloc(&pool, frames, 1, FS);
    CHECK(h > 0);
    wm_pool_span spans[64];
    int n = wm_pool_spans(&pool, h, 0, frames, spans, 64);
    for (int s = 0; s < n; s++)
        for (int i = 0; i < spans[s].frames; i++)
            spans[s].data[i] = fill(spans[s].frame + i);
    CHECK_EQ_INT(wm_pool_complete(&pool, h, frames), frames);
    return h;
}

static float impulse_at_10(int f) { return f == 10 ? 1.0f : 0.0f; }
static float ones(int f) { return (void)f, 1.0f; }
static float ramp(int f) { return (float)f / 65536.0f; }

static int add_clip(wm_mixer* m, int sample, int64_t start, int offset, int length, float gain_db, int fin, int fout)
{
    wm_clip c = {sample, start, offset, length, gain_db, fin, fout};
    int id = wm_clips_add(wm_mixer_clips(m, 0), &c);
    CHECK(id >= 0);
    return id;
}

/* Renders engine frames [from, to) into out_l with random block sizes. */
static void render(wm_mixer* m, int from, int to)
{
    for (int at = from; at < to;) {
        int n = 1 + (int)(check_rand() % MAX_BLOCK);
        if (n > to - at)
            n = to - at;
        wm_mixer_process(m, n);
        memcpy(out_l + at, wm_mixer_output(m, 0), (size_t)n * sizeof(float));
        at += n;
    }
}

/* Checks that out_l[0, TOTAL) is 1 exactly at the listed frames and 0 elsewhere. */
static int impulses_exactly_at(const int* frames, int count)
{
    int ok = 1, k = 0;
    for (int i = 0; i < TOTAL; i++) {
        int expected = k < count && frames[k] == i;
        k += expected;
        if (out_l[i] != (expected ? 1.0f : 0.0f)) {
            if (ok)
                fprintf(stderr, "frame %d: %g, expected %d\n", i, out_l[i], expected);
            ok = 0;
        }
    }
    return ok;
}

static void test_impulse_lands_exactly(void)
{
    int worst_ok = 1;
    for (int trial = 0; trial < 20; trial++) {
        wm_mixer* m = setup();
        int lat = wm_mixer_latency(m);
        int h = make_sample(64, impulse_at_10);
        int n = (int)(check_rand() % 20000);
        add_clip(m, h, n, 10, 50, 0.0f, 0, 0); /* offset 10: the impulse is the clip's first frame */
        wm_transport_play(wm_mixer_transport(m));
        render(m, 0, TOTAL);
        int at = n + lat;
        worst_ok &= impulses_exactly_at(&at, 1);

        /* After a seek: play from 0 to an engine frame e, seek to s <= n. */
        m = setup();
        h = make_sample(64, impulse_at_10);
        add_clip(m, h, n, 10, 50, 0.0f, 0, 0);
        int s = (int)(check_rand() % (unsigned)(n + 1)), e = (int)(check_rand() % 10000);
        wm_transport_play(wm_mixer_transport(m));
        render(m, 0, e);
        CHECK_EQ_INT(wm_mixer_transport(m)->position, e);
        wm_transport_seek(wm_mixer_transport(m), s);
        render(m, e, TOTAL);
        at = e + (n - s) + lat;
        int expect_seen = at < TOTAL && !(n < e); /* an impulse before e already played once */
        if (n < e && n + lat < TOTAL) {
            int both[2] = {n + lat, at};
            worst_ok &= impulses_exactly_at(both, at < TOTAL ? 2 : 1);
        } else {
            worst_ok &= impulses_exactly_at(&at, expect_seen);
        }

        /* Inside a loop [a, b): once per pass. */
        m = setup();
        h = make_sample(64, impulse_at_10);
        int a = (int)(check_rand() % 5000), len = 16 + (int)(check_rand() % 3000);
        int pos = a + (int)(check_rand() % (unsigned)len);
        add_clip(m, h, pos, 10, 50, 0.0f, 0, 0);
        CHECK_EQ_INT(wm_transport_set_loop(wm_mixer_transport(m), a, a + len, 1), WM_OK);
        wm_transport_play(wm_mixer_transport(m));
        render(m, 0, TOTAL);
        static int passes[TOTAL];
        int count = 0;
        for (int f = pos + lat; f < TOTAL; f += len)
            passes[count++] = f;
        worst_ok &= impulses_exactly_at(passes, count);
        if (trial == 0)
            printf("transport: impulse at %d lands on output %d (+%d latency); loop [%d, %d): %d passes exact\n", n,
                   n + lat, lat, a, a + len, count);
    }
    CHECK(worst_ok);
    printf("transport: 20 random positions x (plain, after seek, in a loop) with random blocks 1..%d: %s\n", MAX_BLOCK,
           worst_ok ? "every impulse on its frame, silence elsewhere" : "MISPLACED");
}

static void test_fades(void)
{
    wm_mixer* m = setup();
    int lat = wm_mixer_latency(m);
    int h = make_sample(2000, ones);
    const int start = 1000, length = 400, fin = 100, fout = 50;
    add_clip(m, h, start, 300, length, -6.0f, fin, fout);
    wm_transport_play(wm_mixer_transport(m));
    render(m, 0, 4000);
    double g = pow(10.0, -6.0 / 20.0), worst = 0;
    for (int i = 0; i < 4000; i++) {
        int k = i - lat - start;
        double e = 0;
        if (k >= 0 && k < length) {
            e = g;
            if (k < fin)
                e *= (double)k / fin;
            if (k >= length - fout)
                e *= (double)(length - 1 - k) / fout;
        }
        worst = fmax(worst, fabs(out_l[i] - e));
    }
    printf("transport: clip fades (linear in 100, out 50, -6 dB): max error vs formula %.3g; first %.3g, mid %.6f, last %.3g\n",
           worst, out_l[start + lat], out_l[start + lat + 200], out_l[start + lat + length - 1]);
    CHECK(worst < 1e-6);
    CHECK(out_l[start + lat] == 0.0f && out_l[start + lat + length - 1] == 0.0f);
}

static void test_stop_pause_resume(void)
{
    wm_mixer* m = setup();
    int lat = wm_mixer_latency(m);
    wm_transport* t = wm_mixer_transport(m);
    int h = make_sample(60000, ramp);
    add_clip(m, h, 0, 0, 60000, 0.0f, 0, 0);
    wm_transport_play(t);
    render(m, 0, 1000);
    CHECK_EQ_INT(t->position, 1000);
    wm_transport_pause(t);
    render(m, 1000, 1500);
    CHECK_EQ_INT(t->position, 1000);
    wm_transport_play(t);
    render(m, 1500, 1800);
    CHECK_EQ_INT(t->position, 1300);
    /* paused output is silent; resuming continues from the paused frame */
    CHECK(out_l[1000 + lat] == 0.0f && out_l[1499 + lat] == 0.0f);
    CHECK(out_l[999 + lat] == ramp(999) && out_l[1500 + lat] == ramp(1000));
    wm_transport_stop(t);
    CHECK_EQ_INT(t->position, 0);
    CHECK_EQ_INT(wm_transport_seek(t, 5000), WM_OK);
    wm_transport_play(t);
    render(m, 1800, 1900);
    CHECK_EQ_INT(t->position, 5100);
    wm_transport_stop(t);
    CHECK_EQ_INT(t->position, 5000);
    CHECK_EQ_INT(wm_transport_seek(t, -1), WM_ERR_ARG);
    CHECK_EQ_INT(wm_transport_set_loop(t, 100, 110, 1), WM_ERR_ARG);
    printf("transport: play 1000, pause 500, resume 300 -> %lld; stop -> %lld; seek 5000, play 100, stop -> 5000\n",
           1300LL, 0LL);
}

static void test_freed_sample_plays_silence(void)
{
    wm_mixer* m = setup();
    int h = make_sample(4000, ones);
    add_clip(m, h, 0, 0, 4000, 0.0f, 0, 0);
    wm_transport_play(wm_mixer_transport(m));
    render(m, 0, 1000);
    CHECK(out_l[999] == 1.0f);
    CHECK_EQ_INT(wm_pool_free(&pool, h), WM_OK);
    int reuse = make_sample(4000, ones); /* the freed pages, refilled: the old handle must not see them */
    CHECK(reuse > 0 && reuse != h);
    render(m, 1000, 3000);
    int silent = 1;
    for (int i = 1000 + wm_mixer_latency(m); i < 3000; i++)
        silent &= out_l[i] == 0.0f;
    CHECK(silent);
    CHECK(wm_mixer_clips(m, 0)->handle_errors > 0);
    printf("transport: clip of a freed sample: silent %d, %u handle errors counted\n", silent,
           wm_mixer_clips(m, 0)->handle_errors);
    /* clip list limits */
    wm_clips* l = wm_mixer_clips(m, 0);
    wm_clips_clear(l);
    for (int i = 0; i < 8; i++)
        add_clip(m, reuse, i, 0, 10, 0.0f, 0, 0);
    wm_clip c = {reuse, 0, 0, 10, 0.0f, 0, 0};
    CHECK_EQ_INT(wm_clips_add(l, &c), WM_ERR_LIMIT);
    CHECK_EQ_INT(wm_clips_remove(l, 3), WM_OK);
    CHECK_EQ_INT(wm_clips_remove(l, 3), WM_ERR_HANDLE);
    CHECK_EQ_INT(wm_clips_add(l, &c), 3);
    c.fade_in = 11;
    CHECK_EQ_INT(wm_clips_add(l, &c), WM_ERR_ARG);
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_impulse_lands_exactly();
    test_fades();
    test_stop_pause_resume();
    test_freed_sample_plays_silence();
    return check_finish("test_transport", seed);
}
