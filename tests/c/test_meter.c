/* test_meter.c -- peak and RMS against the analytic values of a full-scale
   sine, the RMS time constant, the peak hold and release, silence and NaN;
   hostile input, reset and block-split invariance. */
#include <float.h>

#include "check.h"
#include "wm_meter.h"

enum { FS = 48000 };

/* The two ways to meter, per sample and per sub-block: the analytic tests
   run on both. */
typedef void (*meter_fn)(wm_meter*, const float*, int);
static const meter_fn METERS[2] = {wm_meter_process, wm_meter_process_block};
static const double PI = 3.14159265358979323846;

static void test_full_scale_sine(meter_fn process)
{
    static float x[2 * FS];
    for (int i = 0; i < 2 * FS; i++)
        x[i] = (float)cos(2.0 * PI * 1000.0 * (i - (2 * FS - 1)) / FS); /* the last sample is a crest */
    wm_meter m;
    CHECK(wm_meter_init(&m, FS, 300.0f, 12.0f) == WM_OK);
    process(&m, x, 2 * FS);
    CHECK_NEAR(wm_meter_rms_db(&m), -3.0103, 0.01);
    CHECK_NEAR(wm_meter_peak_db(&m), 0.0, 0.01);
}

static void test_rms_time_constant(meter_fn process)
{
    /* A unit step: after one time constant the mean square is 1 - 1/e. */
    enum { TAU = FS * 300 / 1000 };
    static float x[TAU];
    for (int i = 0; i < TAU; i++)
        x[i] = 1.0f;
    wm_meter m;
    wm_meter_init(&m, FS, 300.0f, 12.0f);
    process(&m, x, TAU);
    CHECK_NEAR(wm_meter_rms_db(&m), 10.0 * log10(1.0 - exp(-1.0)), 0.01);
}

static void test_peak_release_and_silence(meter_fn process)
{
    static float x[FS];
    wm_meter m;
    wm_meter_init(&m, FS, 300.0f, 12.0f);
    CHECK(wm_meter_peak_db(&m) == WM_SILENCE_DB); /* silence: the floor, not -inf */
    CHECK(wm_meter_rms_db(&m) == WM_SILENCE_DB);
    x[0] = 0.5f;
    process(&m, x, 1);
    x[0] = 0.0f;
    process(&m, x, FS); /* one second later: 12 dB down */
    CHECK_NEAR(wm_meter_peak_db(&m), -6.0206 - 12.0, 0.05);
    for (int k = 0; k < 30; k++)
        process(&m, x, FS);
    CHECK(wm_meter_peak_db(&m) == WM_SILENCE_DB);
    CHECK(wm_meter_rms_db(&m) == WM_SILENCE_DB);
}

static void test_nonfinite_is_skipped(void)
{
    float x[256];
    for (int i = 0; i < 256; i++)
        x[i] = (i % 10 == 0) ? NAN : (i % 10 == 5 ? INFINITY : 0.25f);
    wm_meter m;
    wm_meter_init(&m, FS, 1.0f, 12.0f);
    wm_meter_process(&m, x, 256);
    CHECK(wm_is_finite(wm_meter_peak_db(&m)) && wm_is_finite(wm_meter_rms_db(&m)));
    CHECK_NEAR(wm_meter_peak_db(&m), 20.0 * log10(0.25), 0.01);
    CHECK(wm_meter_init(&m, FS, 0.0f, 12.0f) == WM_ERR_ARG);
    CHECK(wm_meter_init(&m, 0.0f, 300.0f, 12.0f) == WM_ERR_ARG);
}

/* Feeds zeros one sample at a time until the peak drops below `level`;
   returns how many zeros it took (the hold), or -1 after `limit`. */
static int samples_until_fall(wm_meter* m, float level, int limit)
{
    const float zero = 0.0f;
    for (int i = 1; i <= limit; i++) {
        wm_meter_process(m, &zero, 1);
        if (m->peak < level)
            return i;
    }
    return -1;
}

static void test_peak_hold(void)
{
    /* Analytic: a peak p holds for exactly round(hold_ms * fs / 1000) samples,
       then falls by release_db_per_s / fs dB per sample. */
    enum { HOLD = FS / 2 }; /* 500 ms */
    const double release_db = 12.0;
    wm_meter m;
    wm_meter_init(&m, FS, 300.0f, (float)release_db);
    CHECK(wm_meter_set_hold(&m, 500.0f) == WM_OK);
    const float p = 0.5f;
    wm_meter_process(&m, &p, 1);
    int fell = samples_until_fall(&m, p, 2 * FS);
    CHECK_EQ_INT(fell, HOLD + 1);
    printf("peak hold 500 ms: held %d samples = %.3f ms\n", fell - 1, 1000.0 * (fell - 1) / FS);
    CHECK_NEAR(m.peak, p * pow(10.0, -release_db / 20.0 / FS), 1e-7);
    static float zeros[FS];
    wm_meter_process(&m, zeros, FS - 1); /* one second of release after the hold */
    double expected = 20.0 * log10(p) - release_db;
    printf("peak 1 s after the hold: %.4f dB (analytic %.4f)\n", wm_meter_peak_db(&m), expected);
    CHECK_NEAR(wm_meter_peak_db(&m), expected, 0.05);

    /* A lower sample during the hold changes nothing; a new maximum restarts it. */
    wm_meter_reset(&m);
    wm_meter_process(&m, &p, 1);
    const float lower = 0.3f, higher = 0.8f;
    wm_meter_process(&m, zeros, 1000);
    wm_meter_process(&m, &lower, 1);
    CHECK_EQ_INT(samples_until_fall(&m, p, 2 * FS), HOLD - 1000);
    wm_meter_reset(&m);
    wm_meter_process(&m, &p, 1);
    wm_meter_process(&m, zeros, 1000);
    wm_meter_process(&m, &higher, 1);
    CHECK(m.peak == higher);
    CHECK_EQ_INT(samples_until_fall(&m, higher, 2 * FS), HOLD + 1);

    /* A shorter hold cuts a hold in progress; bad values are refused. */
    wm_meter_reset(&m);
    wm_meter_process(&m, &p, 1);
    CHECK(wm_meter_set_hold(&m, 10.0f) == WM_OK);
    CHECK_EQ_INT(samples_until_fall(&m, p, 2 * FS), FS / 100 + 1);
    CHECK(wm_meter_set_hold(&m, NAN) == WM_ERR_ARG);
    CHECK(wm_meter_set_hold(&m, -1.0f) == WM_ERR_ARG);
    CHECK_EQ_INT(m.hold, FS / 100);
    CHECK(wm_meter_set_hold(&m, 1e9f) == WM_ERR_RANGE);
    CHECK_EQ_INT(m.hold, (int)(WM_METER_MAX_HOLD_MS / 1000.0f * FS));
    CHECK(wm_meter_set_hold(&m, 0.0f) == WM_OK);
    CHECK_EQ_INT(m.hold, 0);
}

static void test_hostile_input(void)
{
    wm_meter m;
    wm_meter_init(&m, FS, 300.0f, 12.0f);
    wm_meter_set_hold(&m, 100.0f);
    static float x[1000];
    for (int round = 0; round < 1000; round++) {
        for (int i = 0; i < 1000; i++)
            x[i] = check_hostile(1.0f);
        wm_meter_process(&m, x, 1000);
        float pk = wm_meter_peak_db(&m), rms = wm_meter_rms_db(&m);
        CHECK(wm_is_finite(pk) && wm_is_finite(rms) && pk <= 0.0f && rms <= 0.0f);
    }
    printf("1e6 hostile samples (10%% NaN/Inf): peak %.2f dB, rms %.2f dB, finite\n", wm_meter_peak_db(&m),
           wm_meter_rms_db(&m));
}

/* Bursts of noise with silence between, so that hold and release both act. */
static void bursty_noise(float* x, int n)
{
    for (int i = 0; i < n; i++)
        x[i] = ((i / 3000) % 3 == 0) ? check_noise() * (float)((i % 7000) + 1) / 7000.0f : 0.0f;
}

/* Huge finite samples (whose squares overflow a float) read as a finite
   level, and once the signal is normal again the RMS settles to its level:
   the average never sticks at Inf or NaN. From a mean square of FLT_MAX
   (3.4e38) down to 0.25 is ln(1.4e39) = 90 time constants: 27 s at 300 ms. */
static void test_huge_samples_recover(meter_fn process)
{
    static float x[FS];
    const float huge[] = {1e30f, FLT_MAX, 2e19f};
    for (int k = 0; k < 3; k++) {
        wm_meter m;
        CHECK(wm_meter_init(&m, FS, 300.0f, 12.0f) == WM_OK);
        for (int i = 0; i < FS / 10; i++)
            x[i] = i % 2 ? huge[k] : -huge[k];
        process(&m, x, FS / 10);
        CHECK(isfinite(wm_meter_rms_db(&m)) && isfinite(wm_meter_peak_db(&m)));
        for (int i = 0; i < FS; i++)
            x[i] = 0.5f;
        for (int s = 0; s < 40; s++)
            process(&m, x, FS);
        CHECK_NEAR(wm_meter_rms_db(&m), -6.0206, 0.01); /* DC at 0.5 */
    }
}

static void test_block_split_and_reset(void)
{
    enum { N = 4 * FS };
    static float x[N];
    bursty_noise(x, N);
    wm_meter whole, split;
    wm_meter_init(&whole, FS, 300.0f, 12.0f);
    wm_meter_set_hold(&whole, 50.0f);
    split = whole;
    wm_meter_process(&whole, x, N);
    const int sizes[] = {1, 2, 3, 21, 128, 300};
    for (int i = 0; i < N;) {
        int len = sizes[check_rand() % 6];
        len = len < N - i ? len : N - i;
        wm_meter_process(&split, x + i, len);
        i += len;
    }
    CHECK(whole.peak == split.peak && whole.mean_sq == split.mean_sq && whole.hold_left == split.hold_left);
    /* reset, then the same input, gives the same state */
    CHECK(split.mean_sq > 0.0f);
    wm_meter_reset(&split);
    CHECK(split.peak == 0.0f && split.mean_sq == 0.0f && split.hold_left == 0);
    wm_meter_process(&split, x, N);
    CHECK(whole.peak == split.peak && whole.mean_sq == split.mean_sq && whole.hold_left == split.hold_left);
}

/* The block meter against the per-sample one, metered as a strip does
   (128-frame calls) on bursts that make the peak rise, hold and fall:
   peak within one sub-block of release (0.016 dB; 0.02 checked), RMS within
   0.01 dB wherever it is above -60 dB; a hold ends at most one sub-block
   late. */
static void test_block_matches_per_sample(void)
{
    enum { N = 4 * FS, B = 128 };
    static float x[N];
    bursty_noise(x, N);
    wm_meter ref, blk;
    wm_meter_init(&ref, FS, 300.0f, 12.0f);
    blk = ref;
    double worst_peak = 0.0, worst_rms = 0.0;
    for (int i = 0; i < N; i += B) {
        wm_meter_process(&ref, x + i, B);
        wm_meter_process_block(&blk, x + i, B);
        double dp = fabs(wm_meter_peak_db(&blk) - wm_meter_peak_db(&ref));
        double dr = fabs(wm_meter_rms_db(&blk) - wm_meter_rms_db(&ref));
        worst_peak = fmax(worst_peak, wm_meter_peak_db(&ref) > -60.0f ? dp : 0.0);
        worst_rms = fmax(worst_rms, wm_meter_rms_db(&ref) > -60.0f ? dr : 0.0);
    }
    CHECK(worst_peak < 0.02 && worst_rms < 0.01);
    printf("block meter against per sample, 128-frame calls: peak %.4f dB, RMS %.5f dB worst\n", worst_peak,
           worst_rms);
    /* hold: a 0.5 peak at the start of a 128-frame call, then silence, 10 ms
       hold: the peak must hold at least 480 samples after it and fall at most
       one sub-block later (counted in calls of one sub-block) */
    static float z[B];
    z[0] = 0.5f;
    wm_meter_init(&blk, FS, 300.0f, 12.0f);
    wm_meter_set_hold(&blk, 10.0f);
    wm_meter_process_block(&blk, z, WM_METER_BLOCK);
    z[0] = 0.0f;
    int held = WM_METER_BLOCK; /* samples processed since the peak, the peak still at 0.5 */
    for (; held < FS && blk.peak == 0.5f; held += WM_METER_BLOCK)
        wm_meter_process_block(&blk, z, WM_METER_BLOCK);
    CHECK(held > FS / 100 && held <= FS / 100 + 2 * WM_METER_BLOCK);
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    for (int k = 0; k < 2; k++)
        test_full_scale_sine(METERS[k]);
    for (int k = 0; k < 2; k++)
        test_rms_time_constant(METERS[k]);
    for (int k = 0; k < 2; k++)
        test_peak_release_and_silence(METERS[k]);
    test_nonfinite_is_skipped();
    test_peak_hold();
    test_hostile_input();
    for (int k = 0; k < 2; k++)
        test_huge_samples_recover(METERS[k]);
    test_block_split_and_reset();
    test_block_matches_per_sample();
    return check_finish("test_meter", seed);
}
