/* test_meter.c -- peak and RMS against the analytic values of a full-scale
   sine, the RMS time constant, the peak release, silence and NaN. */
#include "check.h"
#include "wm_meter.h"

enum { FS = 48000 };
static const double PI = 3.14159265358979323846;

static void test_full_scale_sine(void)
{
    static float x[2 * FS];
    for (int i = 0; i < 2 * FS; i++)
        x[i] = (float)cos(2.0 * PI * 1000.0 * (i - (2 * FS - 1)) / FS); /* the last sample is a crest */
    wm_meter m;
    CHECK(wm_meter_init(&m, FS, 300.0f, 12.0f) == WM_OK);
    wm_meter_process(&m, x, 2 * FS);
    CHECK_NEAR(wm_meter_rms_db(&m), -3.0103, 0.01);
    CHECK_NEAR(wm_meter_peak_db(&m), 0.0, 0.01);
}

static void test_rms_time_constant(void)
{
    /* A unit step: after one time constant the mean square is 1 - 1/e. */
    enum { TAU = FS * 300 / 1000 };
    static float x[TAU];
    for (int i = 0; i < TAU; i++)
        x[i] = 1.0f;
    wm_meter m;
    wm_meter_init(&m, FS, 300.0f, 12.0f);
    wm_meter_process(&m, x, TAU);
    CHECK_NEAR(wm_meter_rms_db(&m), 10.0 * log10(1.0 - exp(-1.0)), 0.01);
}

static void test_peak_release_and_silence(void)
{
    static float x[FS];
    wm_meter m;
    wm_meter_init(&m, FS, 300.0f, 12.0f);
    CHECK(wm_meter_peak_db(&m) == WM_SILENCE_DB); /* silence: the floor, not -inf */
    CHECK(wm_meter_rms_db(&m) == WM_SILENCE_DB);
    x[0] = 0.5f;
    wm_meter_process(&m, x, 1);
    x[0] = 0.0f;
    wm_meter_process(&m, x, FS); /* one second later: 12 dB down */
    CHECK_NEAR(wm_meter_peak_db(&m), -6.0206 - 12.0, 0.05);
    for (int k = 0; k < 30; k++)
        wm_meter_process(&m, x, FS);
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

int main(void)
{
    test_full_scale_sine();
    test_rms_time_constant();
    test_peak_release_and_silence();
    test_nonfinite_is_skipped();
    return check_finish("test_meter", 0);
}
