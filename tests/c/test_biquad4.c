/* test_biquad4.c -- four biquads across the lanes of a vector: each lane is
   bit-identical to the scalar kernel wm_biquad_run (fixed and ramped),
   NULL lanes, hostile input, reset, block-split invariance, bad
   coefficients, denormal flushing. */
#include <string.h>

#include "check.h"
#include "wm_biquad4.h"

enum { FS = 48000, LANES = WM_BIQUAD4_LANES };

/* Four different filters, one per lane. */
static const wm_biquad_params lane_params[LANES] = {
    {WM_BIQUAD_LOWPASS, 700.0f, 0.7071f, 0.0f},
    {WM_BIQUAD_PEAKING, 3000.0f, 4.0f, 9.0f},
    {WM_BIQUAD_HIGHSHELF, 8000.0f, 0.8f, -6.0f},
    {WM_BIQUAD_NOTCH, 120.0f, 2.0f, 0.0f},
};

static void make(wm_biquad4* f, wm_biquad_coefs c[LANES])
{
    CHECK(wm_biquad4_init(f) == WM_OK);
    for (int l = 0; l < LANES; l++) {
        c[l] = wm_biquad_design(&lane_params[l], FS);
        CHECK(wm_biquad4_set_lane(f, l, &c[l]) == WM_OK);
    }
}

/* Runs n frames through f in blocks drawn from {1, 2, 3, 21, 128, 300}. */
static void run_split(wm_biquad4* f, const wm_biquad4_coefs* step, float* const* x, int n)
{
    static const int sizes[] = {1, 2, 3, 21, 128, 300};
    for (int done = 0; done < n;) {
        int len = sizes[check_rand() % 6];
        if (len > n - done)
            len = n - done;
        const float* in[LANES];
        float* out[LANES];
        for (int l = 0; l < LANES; l++) {
            in[l] = x[l] ? x[l] + done : NULL;
            out[l] = x[l] ? x[l] + done : NULL;
        }
        if (step)
            wm_biquad4_run_ramp(f, step, in, out, len);
        else
            wm_biquad4_run(f, in, out, len);
        done += len;
    }
}

static void test_lanes_equal_scalar_kernel(void)
{
    enum { N = 48000 };
    static float x[LANES][N], ref[LANES][N];
    wm_biquad4 f;
    wm_biquad_coefs c[LANES];
    make(&f, c);
    for (int l = 0; l < LANES; l++) {
        for (int i = 0; i < N; i++)
            x[l][i] = ref[l][i] = check_noise();
        float z[2] = {0, 0};
        wm_biquad_run(&c[l], z, ref[l], ref[l], N);
    }
    float* io[LANES] = {x[0], x[1], x[2], x[3]};
    run_split(&f, NULL, io, N);
    int identical = 0;
    for (int l = 0; l < LANES; l++)
        identical += memcmp(x[l], ref[l], sizeof x[l]) == 0;
    CHECK_EQ_INT(identical, LANES);
    CHECK_EQ_INT(f.nonfinite, 0);
    printf("biquad4: %d of %d lanes x %d frames bit-identical to wm_biquad_run (fixed coefficients)\n", identical,
           LANES, N);
}

/* The coefficients glide from each lane's filter to another along the
   ramp of wm_biquad_run_ramp, 32 frames per leg, for many legs. */
static void test_ramp_equals_scalar_ramp(void)
{
    enum { LEG = 32, LEGS = 300, N = LEG * LEGS };
    static float x[LANES][N], ref[LANES][N];
    wm_biquad4 f;
    wm_biquad_coefs c[LANES];
    make(&f, c);
    for (int l = 0; l < LANES; l++)
        for (int i = 0; i < N; i++)
            x[l][i] = ref[l][i] = check_noise();
    float z[LANES][2] = {{0}};
    for (int leg = 0; leg < LEGS; leg++) {
        wm_biquad4_coefs step4;
        for (int l = 0; l < LANES; l++) {
            wm_biquad_params p = lane_params[(l + leg) % LANES];
            p.freq_hz *= 1.0f + 0.1f * (float)(leg % 7);
            wm_biquad_coefs to = wm_biquad_design(&p, FS), step;
            step.b0 = (to.b0 - c[l].b0) / LEG;
            step.b1 = (to.b1 - c[l].b1) / LEG;
            step.b2 = (to.b2 - c[l].b2) / LEG;
            step.a1 = (to.a1 - c[l].a1) / LEG;
            step.a2 = (to.a2 - c[l].a2) / LEG;
            wm_biquad4_coefs_set_lane(&step4, l, &step);
            wm_biquad_run_ramp(&c[l], &step, z[l], ref[l] + leg * LEG, ref[l] + leg * LEG, LEG);
        }
        float* io[LANES] = {x[0] + leg * LEG, x[1] + leg * LEG, x[2] + leg * LEG, x[3] + leg * LEG};
        run_split(&f, &step4, io, LEG);
        for (int l = 0; l < LANES; l++) { /* the ramp's end point, too */
            wm_biquad_coefs got = wm_biquad4_coefs_lane(&f.c, l);
            CHECK(memcmp(&got, &c[l], sizeof got) == 0);
        }
    }
    int identical = 0;
    for (int l = 0; l < LANES; l++)
        identical += memcmp(x[l], ref[l], sizeof x[l]) == 0;
    CHECK_EQ_INT(identical, LANES);
    printf("biquad4: %d of %d lanes x %d frames bit-identical to wm_biquad_run_ramp (%d ramps)\n", identical, LANES,
           N, LEGS);
}

static void test_null_lanes(void)
{
    enum { N = 1000 };
    static float a[N], a_ref[N], silent_out[N], untouched[N], untouched_copy[N];
    wm_biquad4 f;
    wm_biquad_coefs c[LANES];
    make(&f, c);
    for (int i = 0; i < N; i++) {
        a[i] = a_ref[i] = check_noise();
        untouched[i] = untouched_copy[i] = check_noise();
        silent_out[i] = 1.0f;
    }
    float z[2] = {0, 0};
    wm_biquad_run(&c[0], z, a_ref, a_ref, N);
    /* lane 0 in place; lane 1 reads silence; lane 2 is read but not
       written; lane 3 absent. */
    const float* in[LANES] = {a, NULL, untouched, NULL};
    float* out[LANES] = {a, silent_out, NULL, NULL};
    wm_biquad4_run(&f, in, out, N);
    CHECK(memcmp(a, a_ref, sizeof a) == 0);
    int zeros = 0;
    for (int i = 0; i < N; i++)
        zeros += silent_out[i] == 0.0f;
    CHECK_EQ_INT(zeros, N);
    CHECK(memcmp(untouched, untouched_copy, sizeof untouched) == 0);
}

static void test_hostile_input(void)
{
    enum { BLOCK = 1000, ROUNDS = 250 }; /* 4 lanes x 250,000 frames = 1,000,000 samples */
    static float x[LANES][BLOCK];
    wm_biquad4 f;
    wm_biquad_coefs c[LANES];
    make(&f, c);
    long bad = 0;
    double peak = 0.0;
    int finite = 1;
    for (int r = 0; r < ROUNDS; r++) {
        for (int l = 0; l < LANES; l++)
            for (int i = 0; i < BLOCK; i++) {
                x[l][i] = check_hostile(1.0f);
                bad += !wm_is_finite(x[l][i]);
            }
        float* io[LANES] = {x[0], x[1], x[2], x[3]};
        wm_biquad4_run(&f, (const float* const*)io, io, BLOCK);
        for (int l = 0; l < LANES; l++)
            for (int i = 0; i < BLOCK; i++) {
                finite &= wm_is_finite(x[l][i]);
                peak = fmax(peak, fabs(x[l][i]));
            }
    }
    CHECK(finite);
    CHECK(peak < 8.0); /* |input| < 1 through at most +9 dB of peaking gain */
    CHECK_EQ_INT(f.nonfinite, bad);
    CHECK_EQ_INT(f.unstable_resets, 0);
    printf("biquad4: hostile 1,000,000 samples (%ld NaN/Inf replaced and counted), output finite, peak %.2f\n", bad,
           peak);
}

static void test_reset_and_block_split(void)
{
    enum { N = 4096 };
    static float x[LANES][N], y[LANES][N], w[LANES][N];
    wm_biquad4 f, fresh;
    wm_biquad_coefs c[LANES];
    make(&f, c);
    make(&fresh, c);
    for (int l = 0; l < LANES; l++)
        for (int i = 0; i < N; i++)
            x[l][i] = check_noise();
    float* ix[LANES] = {x[0], x[1], x[2], x[3]};
    wm_biquad4_run(&f, (const float* const*)ix, ix, N);
    int dirty = 0;
    for (int l = 0; l < LANES; l++)
        dirty += f.z[0][l] != 0.0f && f.z[1][l] != 0.0f;
    CHECK_EQ_INT(dirty, LANES); /* every lane has state before the reset */
    wm_biquad4_reset(&f);
    for (int l = 0; l < LANES; l++)
        for (int i = 0; i < N; i++)
            x[l][i] = y[l][i] = w[l][i] = check_noise();
    float* iy[LANES] = {y[0], y[1], y[2], y[3]};
    float* iw[LANES] = {w[0], w[1], w[2], w[3]};
    wm_biquad4_run(&f, (const float* const*)ix, ix, N); /* after reset, one call */
    wm_biquad4_run(&fresh, (const float* const*)iy, iw, N); /* fresh, out of place */
    CHECK(memcmp(x, w, sizeof x) == 0);
    wm_biquad4 split;
    make(&split, c);
    run_split(&split, NULL, iy, N); /* fresh, random block sizes, in place */
    CHECK(memcmp(x, y, sizeof x) == 0);
}

static void test_bad_coefficients(void)
{
    wm_biquad4 f;
    wm_biquad_coefs c[LANES];
    make(&f, c);
    wm_biquad4_coefs before = f.c;
    wm_biquad_coefs nan_c = c[0], unstable = {1.0f, 0.0f, 0.0f, -1.9f, 1.0f}, outside = {1.0f, 0.0f, 0.0f, 2.1f, 0.9f};
    nan_c.a1 = NAN;
    CHECK(wm_biquad4_set_lane(&f, 4, &c[0]) == WM_ERR_ARG);
    CHECK(wm_biquad4_set_lane(&f, -1, &c[0]) == WM_ERR_ARG);
    CHECK(wm_biquad4_set_lane(&f, 0, NULL) == WM_ERR_ARG);
    CHECK(wm_biquad4_set_lane(&f, 0, &nan_c) == WM_ERR_ARG);
    CHECK(wm_biquad4_set_lane(&f, 1, &unstable) == WM_ERR_ARG); /* poles on the unit circle */
    CHECK(wm_biquad4_set_lane(&f, 2, &outside) == WM_ERR_ARG);
    CHECK(memcmp(&before, &f.c, sizeof before) == 0);
    CHECK(wm_biquad4_init(NULL) == WM_ERR_ARG);
}

static void test_denormals_flushed(void)
{
    static float x[LANES][FS];
    wm_biquad4 f;
    wm_biquad_coefs c[LANES];
    make(&f, c);
    memset(x, 0, sizeof x);
    for (int l = 0; l < LANES; l++)
        x[l][0] = 1.0f;
    float* io[LANES] = {x[0], x[1], x[2], x[3]};
    for (int s = 0; s < 20; s++) { /* 20 s of decay */
        wm_biquad4_run(&f, (const float* const*)io, io, FS);
        memset(x, 0, sizeof x);
    }
    int flushed = 0;
    for (int l = 0; l < LANES; l++)
        flushed += f.z[0][l] == 0.0f && f.z[1][l] == 0.0f;
    CHECK_EQ_INT(flushed, LANES);
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_lanes_equal_scalar_kernel();
    test_ramp_equals_scalar_ramp();
    test_null_lanes();
    test_hostile_input();
    test_reset_and_block_split();
    test_bad_coefficients();
    test_denormals_flushed();
    return check_finish("test_biquad4", seed);
}
