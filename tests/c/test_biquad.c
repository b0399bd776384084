/* test_biquad.c -- the RBJ designs against their analog prototypes, and the
   TDF-II kernel against a double-precision direct form I reference.

   Independent reference: the cookbook defines each filter as the bilinear
   transform of an analog prototype H(s), prewarped so that f0 maps to f0.
   Evaluating H(s) at s = j tan(pi f / fs) / tan(pi f0 / fs) therefore gives
   the exact digital magnitude at f without touching our coefficients. */
#include <complex.h>
#include <string.h>

#include "check.h"
#include "wm_biquad.h"

static const double PI = 3.14159265358979323846;

/* The cookbook's analog prototypes, normalised to w0 = 1. */
static double complex prototype(wm_biquad_type t, double complex s, double q, double gain_db)
{
    double A = pow(10.0, gain_db / 40.0), rA = sqrt(A);
    double complex s2 = s * s;
    switch (t) {
    case WM_BIQUAD_LOWPASS: return 1.0 / (s2 + s / q + 1.0);
    case WM_BIQUAD_HIGHPASS: return s2 / (s2 + s / q + 1.0);
    case WM_BIQUAD_BANDPASS: return (s / q) / (s2 + s / q + 1.0);
    case WM_BIQUAD_NOTCH: return (s2 + 1.0) / (s2 + s / q + 1.0);
    case WM_BIQUAD_ALLPASS: return (s2 - s / q + 1.0) / (s2 + s / q + 1.0);
    case WM_BIQUAD_PEAKING: return (s2 + s * (A / q) + 1.0) / (s2 + s / (A * q) + 1.0);
    case WM_BIQUAD_LOWSHELF: return A * (s2 + (rA / q) * s + A) / (A * s2 + (rA / q) * s + 1.0);
    case WM_BIQUAD_HIGHSHELF: return A * (A * s2 + (rA / q) * s + 1.0) / (s2 + (rA / q) * s + A);
    default: return 1.0;
    }
}

static double analytic_db(wm_biquad_type t, double f, double f0, double q, double gain_db, double fs)
{
    double complex s = I * tan(PI * f / fs) / tan(PI * f0 / fs);
    return 20.0 * log10(cabs(prototype(t, s, q, gain_db)));
}

/* |H| of the float coefficients measured the hard way: run a long sine
   through the kernel and take the steady-state amplitude by correlation. */
static double measured_db(const wm_biquad_coefs* c, double f, double fs)
{
    enum { SETTLE = 48000, MEASURE = 48000 };
    static float x[SETTLE + MEASURE], y[SETTLE + MEASURE];
    for (int i = 0; i < SETTLE + MEASURE; i++)
        x[i] = (float)sin(2.0 * PI * f * i / fs);
    float z[2] = {0, 0};
    wm_biquad_run(c, z, x, y, SETTLE + MEASURE);
    double re = 0, im = 0;
    for (int i = SETTLE; i < SETTLE + MEASURE; i++) {
        re += y[i] * sin(2.0 * PI * f * i / fs);
        im += y[i] * cos(2.0 * PI * f * i / fs);
    }
    return 20.0 * log10(2.0 * sqrt(re * re + im * im) / MEASURE);
}

/* Float32 coefficients cannot place poles this close to z = 1 exactly: at
   48 kHz, below about 150 Hz, rounding a1 and a2 moves the response by up
   to 0.05 dB near f0 (the notch is the most sensitive). That
   is the price of float32 TDF-II, documented in docs/dsp.md; the bound here
   keeps it from getting worse. */
#define LOW_F0_TOLERANCE_DB 0.05

static void test_magnitude_against_prototypes(void)
{
    double worst_low = 0.0;
    const double fs = 48000.0;
    const double f0s[] = {40.0, 100.0, 150.0, 1000.0, 6000.0, 16000.0};
    const double qs[] = {0.5, 0.7071, 3.0};
    const double gains[] = {-12.0, 6.0};
    const double probes[] = {0.25, 0.5, 0.9, 1.0, 1.1, 2.0, 4.0};
    int compared = 0;
    for (int t = 0; t < WM_BIQUAD_TYPE_COUNT; t++)
        for (int a = 0; a < 6; a++)
            for (int b = 0; b < 3; b++)
                for (int g = 0; g < 2; g++) {
                    wm_biquad_params p = {(wm_biquad_type)t, (float)f0s[a], (float)qs[b], (float)gains[g]};
                    wm_biquad_coefs c = wm_biquad_design(&p, (float)fs);
                    for (int k = 0; k < 7; k++) {
                        double f = f0s[a] * probes[k];
                        if (f >= 0.49 * fs)
                            continue;
                        double want = analytic_db((wm_biquad_type)t, f, f0s[a], qs[b], gains[g], fs);
                        if (want < -60.0) /* deep in a stop band or notch: float coefs cannot be exact */
                            continue;
                        double got = wm_biquad_response_db(&c, (float)f, (float)fs);
                        double tol = f0s[a] >= 150.0 ? 0.01 : LOW_F0_TOLERANCE_DB;
                        if (fabs(got - want) > tol)
                            fprintf(stderr, "type %d f0 %g q %g gain %g at %g Hz:\n", t, f0s[a], qs[b], gains[g], f);
                        CHECK_NEAR(got, want, tol);
                        if (f0s[a] < 150.0 && fabs(got - want) > worst_low)
                            worst_low = fabs(got - want);
                        compared++;
                    }
                }
    CHECK(compared > 800);
    printf("magnitude: %d points within 0.01 dB for f0 >= 150 Hz; worst below 150 Hz %.3f dB\n", compared,
           worst_low);
}

/* The response function is what UIs draw: it must match what the filter
   actually does to a sine, not just the formula. */
static void test_response_matches_measured_sine(void)
{
    const float fs = 48000.0f;
    for (int t = 0; t < WM_BIQUAD_TYPE_COUNT; t++) {
        wm_biquad_params p = {(wm_biquad_type)t, 1500.0f, 1.2f, 9.0f};
        wm_biquad_coefs c = wm_biquad_design(&p, fs);
        const double freqs[] = {300.0, 1500.0, 4100.0};
        for (int k = 0; k < 3; k++) {
            double want = wm_biquad_response_db(&c, (float)freqs[k], fs);
            if (want < -40.0)
                continue;
            CHECK_NEAR(measured_db(&c, freqs[k], fs), want, 0.01);
        }
    }
}

/* Direct form I in double: y = b0 x + b1 x1 + b2 x2 - a1 y1 - a2 y2. */
static void reference_df1(const wm_biquad_coefs* c, const float* x, double* y, int n)
{
    double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
    for (int i = 0; i < n; i++) {
        double v = (double)c->b0 * x[i] + (double)c->b1 * x1 + (double)c->b2 * x2 - (double)c->a1 * y1 -
                   (double)c->a2 * y2;
        x2 = x1; x1 = x[i];
        y2 = y1; y1 = v;
        y[i] = v;
    }
}

static void test_impulse_against_direct_form(void)
{
    enum { N = 4096 };
    static float x[N], y[N];
    static double ref[N];
    const float f0s[] = {40.0f, 440.0f, 5000.0f, 18000.0f};
    double worst_snr = 1e9;
    for (int t = 0; t < WM_BIQUAD_TYPE_COUNT; t++)
        for (int a = 0; a < 4; a++) {
            wm_biquad_params p = {(wm_biquad_type)t, f0s[a], 4.0f, -9.0f};
            wm_biquad_coefs c = wm_biquad_design(&p, 48000.0f);
            memset(x, 0, sizeof x);
            x[0] = 1.0f;
            float z[2] = {0, 0};
            wm_biquad_run(&c, z, x, y, N);
            reference_df1(&c, x, ref, N);
            double sig = 0, err = 0;
            for (int i = 0; i < N; i++) {
                sig += ref[i] * ref[i];
                err += (y[i] - ref[i]) * (y[i] - ref[i]);
            }
            CHECK(sig > 1e-6); /* the reference is not silent */
            double snr_db = 10.0 * log10(sig / fmax(err, 1e-300));
            double floor_db = f0s[a] >= 440.0f ? 100.0 : 65.0; /* the 40 Hz poles sit closest to z = 1 */
            if (snr_db < floor_db)
                fprintf(stderr, "type %d f0 %g: SNR %.1f dB\n", t, f0s[a], snr_db);
            CHECK(snr_db >= floor_db);
            worst_snr = fmin(worst_snr, snr_db);
        }
    printf("impulse: TDF-II float vs DF-I double, worst SNR %.1f dB\n", worst_snr);
}

static void test_in_place_equals_out_of_place(void)
{
    enum { N = 1000 };
    float x[N], y[N], w[N];
    for (int i = 0; i < N; i++)
        x[i] = w[i] = check_noise();
    wm_biquad_params p = {WM_BIQUAD_HIGHSHELF, 3000.0f, 0.7f, 6.0f};
    wm_biquad_coefs c = wm_biquad_design(&p, 44100.0f);
    float z1[2] = {0, 0}, z2[2] = {0, 0};
    wm_biquad_run(&c, z1, x, y, N);
    wm_biquad_run(&c, z2, w, w, N);
    CHECK(memcmp(y, w, sizeof y) == 0);
}

static void test_design_limits(void)
{
    /* Out-of-range parameters are clamped, never NaN. */
    wm_biquad_params wild[] = {{WM_BIQUAD_LOWPASS, 1e9f, 1e-9f, 1e9f}, {WM_BIQUAD_PEAKING, -5.0f, -1.0f, -1e9f},
                               {(wm_biquad_type)99, 1000.0f, 1.0f, 0.0f}};
    for (int i = 0; i < 3; i++) {
        wm_biquad_coefs c = wm_biquad_design(&wild[i], 48000.0f);
        float v[5] = {c.b0, c.b1, c.b2, c.a1, c.a2};
        for (int k = 0; k < 5; k++)
            CHECK(wm_is_finite(v[k]));
    }
    wm_biquad_coefs id = wm_biquad_design(&wild[2], 48000.0f);
    CHECK(id.b0 == 1.0f && id.b1 == 0.0f && id.a1 == 0.0f);
    /* Lowpass: DC gain 1, -3.01 dB at the cutoff for Q = 1/sqrt(2). */
    wm_biquad_params lp = {WM_BIQUAD_LOWPASS, 2000.0f, 0.70710678f, 0.0f};
    wm_biquad_coefs c = wm_biquad_design(&lp, 48000.0f);
    CHECK_NEAR(wm_biquad_response_db(&c, 1e-3f, 48000.0f), 0.0, 1e-4);
    CHECK_NEAR(wm_biquad_response_db(&c, 2000.0f, 48000.0f), -3.0103, 0.001);
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_magnitude_against_prototypes();
    test_response_matches_measured_sine();
    test_impulse_against_direct_form();
    test_in_place_equals_out_of_place();
    test_design_limits();
    return check_finish("test_biquad", seed);
}
