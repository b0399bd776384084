/* test_filter.c -- the smoothed multichannel filter: parameter glides that
   do not click, independence from block size, reset, bad parameters. */
#include <string.h>

#include "check.h"
#include "wm_biquad.h"

enum { FS = 48000 };
static const double PI = 3.14159265358979323846;

/* The largest fourth difference of y: a high-pass whose gain is
   (2 sin(w/2))^4, so a 1 kHz sine at 48 kHz passes at -71 dB while the
   broadband energy of a click (a step in the signal or its slope) passes
   at up to +24 dB. */
static double max_click(const float* y, int from, int to)
{
    double m = 0;
    for (int i = from + 4; i < to; i++)
        m = fmax(m, fabs(y[i] - 4.0 * y[i - 1] + 6.0 * y[i - 2] - 4.0 * y[i - 3] + y[i - 4]));
    return m;
}

static void sine(float* x, int n, double hz, double amp)
{
    for (int i = 0; i < n; i++)
        x[i] = (float)(amp * sin(2.0 * PI * hz * i / FS));
}

/* Runs one parameter change through the smoothed filter and, for
   comparison, through a bare kernel whose coefficients switch at once;
   returns the click metric of both around the change. */
static void glide_and_switch(const wm_biquad_params* from, const wm_biquad_params* to, double* smooth_click,
                             double* hard_click, double* settled_click)
{
    enum { N = FS / 2, CHANGE = FS / 10 };
    static float smooth[N], hard[N];
    sine(smooth, N, 1000.0, 0.25);
    memcpy(hard, smooth, sizeof hard);
    wm_filter f;
    CHECK(wm_filter_init(&f, from, 1, FS, 20.0f) == WM_OK);
    float* ch[1] = {smooth};
    wm_filter_process(&f, ch, CHANGE);
    wm_filter_set(&f, to);
    ch[0] = smooth + CHANGE;
    wm_filter_process(&f, ch, N - CHANGE);

    wm_biquad_coefs c0 = wm_biquad_design(from, FS), c1 = wm_biquad_design(to, FS);
    float z[2] = {0, 0};
    wm_biquad_run(&c0, z, hard, hard, CHANGE);
    wm_biquad_run(&c1, z, hard + CHANGE, hard + CHANGE, N - CHANGE);

    *smooth_click = max_click(smooth, CHANGE - 4, N);
    *hard_click = max_click(hard, CHANGE - 4, N);
    *settled_click = max_click(smooth, N - FS / 20, N);
    /* The glide arrives: the coefficients end up exactly the target's. */
    CHECK(!f.moving);
    CHECK(memcmp(&f.coefs, &c1, sizeof c1) == 0);
}

static void test_glide_does_not_click(void)
{
    const wm_biquad_params cases[][2] = {
        {{WM_BIQUAD_PEAKING, 1000.0f, 1.0f, 0.0f}, {WM_BIQUAD_PEAKING, 1000.0f, 1.0f, 12.0f}},
        {{WM_BIQUAD_LOWPASS, 12000.0f, 0.7071f, 0.0f}, {WM_BIQUAD_LOWPASS, 700.0f, 2.0f, 0.0f}},
        {{WM_BIQUAD_HIGHSHELF, 300.0f, 0.7071f, -18.0f}, {WM_BIQUAD_HIGHSHELF, 5000.0f, 0.7071f, 6.0f}},
    };
    for (int k = 0; k < 3; k++) {
        double smooth, hard, settled;
        glide_and_switch(&cases[k][0], &cases[k][1], &smooth, &hard, &settled);
        /* A sine at 0.25 through up to +12 dB: fourth difference <= 1e-3. */
        CHECK(settled > 1e-6 && settled < 1e-3); /* not silent, and the metric rejects the sine */
        if (!(smooth < 2e-3 && hard > 10.0 * smooth))
            fprintf(stderr, "case %d: smooth %g hard %g settled %g\n", k, smooth, hard, settled);
        CHECK(smooth < 2e-3);        /* no click while gliding */
        CHECK(hard > 10.0 * smooth); /* and the metric does see a hard switch */
    }
}

static void test_block_size_independence(void)
{
    enum { N = 20000 };
    static float a0[N], a1[N], b0[N], b1[N];
    for (int i = 0; i < N; i++) {
        a0[i] = b0[i] = check_noise();
        a1[i] = b1[i] = check_noise();
    }
    wm_biquad_params p = {WM_BIQUAD_PEAKING, 200.0f, 2.0f, 9.0f}, q = {WM_BIQUAD_PEAKING, 3000.0f, 0.5f, -6.0f};
    wm_filter whole, split;
    wm_filter_init(&whole, &p, 2, FS, 30.0f);
    wm_filter_init(&split, &p, 2, FS, 30.0f);
    wm_filter_set(&whole, &q);
    wm_filter_set(&split, &q);
    float* ca[2] = {a0, a1};
    wm_filter_process(&whole, ca, N);
    const int sizes[] = {1, 2, 3, 21, 128, 300, 32, 17};
    int done = 0, k = 0;
    while (done < N) {
        int len = sizes[k++ % 8];
        if (len > N - done)
            len = N - done;
        float* cb[2] = {b0 + done, b1 + done};
        wm_filter_process(&split, cb, len);
        done += len;
    }
    CHECK(memcmp(a0, b0, sizeof a0) == 0);
    CHECK(memcmp(a1, b1, sizeof a1) == 0);
}

static void test_reset_clears_every_channel(void)
{
    enum { N = 512 };
    float x0[N], x1[N], y0[N], y1[N];
    wm_biquad_params p = {WM_BIQUAD_LOWPASS, 500.0f, 3.0f, 0.0f};
    wm_filter f, fresh;
    wm_filter_init(&f, &p, 2, FS, 0.0f);
    wm_filter_init(&fresh, &p, 2, FS, 0.0f);
    for (int i = 0; i < N; i++)
        x0[i] = x1[i] = check_noise();
    float* cx[2] = {x0, x1};
    wm_filter_process(&f, cx, N);
    CHECK(f.z[0][0] != 0.0f && f.z[1][0] != 0.0f); /* dirty before reset */
    wm_filter_reset(&f);
    for (int i = 0; i < N; i++) {
        x0[i] = y0[i] = check_noise();
        x1[i] = y1[i] = check_noise();
    }
    float* cy[2] = {y0, y1};
    wm_filter_process(&f, cx, N);
    wm_filter_process(&fresh, cy, N);
    CHECK(memcmp(x0, y0, sizeof x0) == 0);
    CHECK(memcmp(x1, y1, sizeof x1) == 0);
}

static void test_bad_parameters_and_input(void)
{
    wm_biquad_params p = {WM_BIQUAD_HIGHPASS, 100.0f, 0.7f, 0.0f};
    wm_filter f;
    CHECK(wm_filter_init(&f, &p, 3, FS, 10.0f) == WM_ERR_ARG);
    CHECK(wm_filter_init(&f, &p, 1, NAN, 10.0f) == WM_ERR_ARG);
    CHECK(wm_filter_init(&f, &p, 1, FS, 10.0f) == WM_OK);
    wm_biquad_params bad = {(wm_biquad_type)42, NAN, -3.0f, INFINITY};
    wm_filter_set(&f, &bad);
    CHECK(f.target.type == WM_BIQUAD_HIGHPASS);
    CHECK(f.target.freq_hz == 100.0f);
    CHECK(f.target.q == WM_BIQUAD_MIN_Q);
    CHECK(f.target.gain_db == WM_BIQUAD_MAX_GAIN_DB);
    /* Huge finite input overflows the state; the filter recovers. */
    float x[256];
    for (int i = 0; i < 256; i++)
        x[i] = (i & 1) ? 3e38f : -3e38f;
    float* ch[1] = {x};
    wm_filter_process(&f, ch, 256);
    CHECK(f.unstable_resets > 0);
    sine(x, 256, 1000.0, 0.5);
    wm_filter_process(&f, ch, 256);
    wm_filter_process(&f, ch, 256);
    for (int i = 0; i < 256; i++)
        CHECK(wm_is_finite(x[i]) && fabsf(x[i]) < 2.0f);
}

static void test_denormals_flushed(void)
{
    wm_biquad_params p = {WM_BIQUAD_LOWPASS, 100.0f, 0.7f, 0.0f};
    wm_filter f;
    wm_filter_init(&f, &p, 1, FS, 0.0f);
    float x[FS];
    memset(x, 0, sizeof x);
    x[0] = 1.0f;
    float* ch[1] = {x};
    for (int k = 0; k < 20; k++) { /* 20 s of decay */
        wm_filter_process(&f, ch, FS);
        memset(x, 0, sizeof x);
    }
    CHECK(f.z[0][0] == 0.0f && f.z[0][1] == 0.0f);
}

static void test_hostile_input(void)
{
    enum { B = 1000 };
    static float a[B], b[B];
    wm_biquad_params p = {WM_BIQUAD_PEAKING, 3000.0f, 2.0f, 12.0f};
    wm_filter f;
    wm_filter_init(&f, &p, 2, FS, 20.0f);
    unsigned expected = 0;
    double peak = 0.0;
    for (int done = 0; done < 1000000; done += B) {
        expected += check_hostile_block(a, B, 1.0f);
        expected += check_hostile_block(b, B, 1.0f);
        p.freq_hz = 100.0f + 10000.0f * (check_noise() + 1.0f); /* and a moving filter */
        wm_filter_set(&f, &p);
        float* ch[2] = {a, b};
        wm_filter_process(&f, ch, B);
        for (int i = 0; i < B; i++)
            peak = fmax(peak, fmax(fabs(a[i]), fabs(b[i])));
    }
    CHECK(peak < 20.0); /* finite and bounded: +12 dB on a unit input, plus glide transients */
    CHECK_EQ_INT(f.nonfinite, expected);
    printf("filter: hostile 1e6 frames x 2: %u non-finite counted, output peak %.2f\n", f.nonfinite, peak);
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_glide_does_not_click();
    test_block_size_independence();
    test_reset_clears_every_channel();
    test_bad_parameters_and_input();
    test_denormals_flushed();
    test_hostile_input();
    return check_finish("test_filter", seed);
}
