/* test_saturate.c -- the saturator: both curves against their formulas in
   double, symmetry and bounds, the warm curve's even harmonics and DC
   blocker, aliasing with and without 2x oversampling (measured with the
   reference FFT), exact latency and dry/wet alignment, glides without
   clicks, hostile input, reset and block-split invariance. */
#include <string.h>

#include "check.h"
#include "ref_fft.h"
#include "wm_saturate.h"

enum { FS = 48000, NFFT = 65536 };
static const double PI = 3.14159265358979323846;

static double soft_ref(double x)
{
    if (fabs(x) >= 3.0)
        return x > 0 ? 1.0 : -1.0;
    return x * (27.0 + x * x) / (27.0 + 9.0 * x * x);
}

static double warm_ref(double x) { return x >= 0.0 ? soft_ref(x) : x / (1.0 - x); }

static void make(wm_saturate* s, int channels, int oversample, wm_saturate_curve curve, float drive_db)
{
    CHECK(wm_saturate_init(s, channels, FS, oversample, 20.0f) == WM_OK);
    wm_saturate_set_curve(s, curve);
    wm_saturate_set_drive_db(s, drive_db);
    wm_saturate_reset(s);
}

static void process_mono(wm_saturate* s, float* x, int n)
{
    float* ch[1] = {x};
    wm_saturate_process(s, ch, n);
}

static void test_static_curves(void)
{
    double err_soft = 0, err_warm = 0;
    int odd = 1, bounded = 1, monotonic = 1;
    float prev_s = -2.0f, prev_w = -2.0f;
    for (int k = -200000; k <= 200000; k++) {
        float x = k * 5e-5f;
        float ys = wm_saturate_shape(WM_SATURATE_SOFT, x), yw = wm_saturate_shape(WM_SATURATE_WARM, x);
        err_soft = fmax(err_soft, fabs(ys - soft_ref(x)));
        err_warm = fmax(err_warm, fabs(yw - warm_ref(x)));
        odd &= wm_saturate_shape(WM_SATURATE_SOFT, -x) == -ys;
        bounded &= fabsf(ys) <= 1.0f && fabsf(yw) <= 1.0f;
        /* monotonic to within twice the rounding error measured above */
        monotonic &= ys >= prev_s - 4e-7f && yw >= prev_w - 4e-7f;
        prev_s = ys;
        prev_w = yw;
    }
    const float wild[] = {1e3f, -1e3f, 3.4e38f, -3.4e38f, INFINITY, -INFINITY, NAN};
    for (int k = 0; k < 7; k++)
        for (int c = 0; c < 2; c++)
            bounded &= fabsf(wm_saturate_shape((wm_saturate_curve)c, wild[k])) <= 1.0f;
    CHECK(err_soft <= 2e-7 && err_warm <= 2e-7);
    CHECK(odd && bounded && monotonic);
    CHECK(wm_saturate_shape(WM_SATURATE_WARM, -1.0f) == -0.5f); /* the halves differ */
    printf("saturate: curves vs double formula on [-10, 10]: soft %.3g, warm %.3g\n", err_soft, err_warm);

    /* Through process(): drive 0 dB, mix 1, no oversampling, a slow ramp. */
    enum { N = FS };
    static float x[N], y[N];
    for (int i = 0; i < N; i++)
        x[i] = (float)(-5.0 + 10.0 * i / N);
    wm_saturate s;
    make(&s, 1, 1, WM_SATURATE_SOFT, 0.0f);
    memcpy(y, x, sizeof y);
    process_mono(&s, y, N);
    double e1 = 0;
    for (int i = 0; i < N; i++)
        e1 = fmax(e1, fabs(y[i] - soft_ref(x[i])));
    /* Warm: the curve, then the DC blocker, both in double. */
    make(&s, 1, 1, WM_SATURATE_WARM, 0.0f);
    memcpy(y, x, sizeof y);
    process_mono(&s, y, N);
    double r = exp(-2.0 * PI * WM_SATURATE_DC_HZ / FS), v1 = 0, h = 0, e2 = 0;
    for (int i = 0; i < N; i++) {
        double v = warm_ref(x[i]);
        h = v - v1 + r * h;
        v1 = v;
        e2 = fmax(e2, fabs(y[i] - h));
    }
    CHECK(e1 <= 2e-7 && e2 <= 2e-5);
    printf("saturate: process() on a slow ramp vs double: soft %.3g, warm + DC blocker %.3g\n", e1, e2);
}

/* Level in dB at the bin nearest f: the largest within +-3 bins (the
   window's main lobe). */
static double bin_db(const double* mag, double f)
{
    int k = (int)(f * NFFT / FS + 0.5);
    double m = -400;
    for (int j = k - 3; j <= k + 3; j++)
        if (j >= 0 && j <= NFFT / 2)
            m = fmax(m, mag[j]);
    return m;
}

static double re[NFFT], im[NFFT], mag[NFFT / 2 + 1];
static float sig[2 * NFFT];

/* Runs a sine of `amp` at the bin nearest hz through s for 2 NFFT samples
   (the first half lets filters settle) and takes the spectrum of the rest;
   returns the frequency actually used. */
static double sine_spectrum(wm_saturate* s, double hz, double amp)
{
    double f0 = floor(hz * NFFT / FS + 0.5) * FS / NFFT;
    for (int i = 0; i < 2 * NFFT; i++)
        sig[i] = (float)(amp * sin(2.0 * PI * f0 * i / FS));
    process_mono(s, sig, 2 * NFFT);
    ref_spectrum_db(sig + NFFT, NFFT, re, im, mag);
    return f0;
}

static void test_warm_even_harmonics_no_dc(void)
{
    wm_saturate s;
    double h2[2];
    for (int c = 0; c < 2; c++) {
        make(&s, 1, 1, (wm_saturate_curve)c, 0.0f);
        double f0 = sine_spectrum(&s, 1000.0, 0.5);
        h2[c] = bin_db(mag, 2 * f0) - bin_db(mag, f0);
    }
    /* DC: an exact 1 kHz (48 samples a period), one second to settle, then
       the mean over the next 1000 periods. */
    make(&s, 1, 1, WM_SATURATE_WARM, 0.0f);
    for (int i = 0; i < 2 * FS; i++)
        sig[i] = (float)(0.5 * sin(2.0 * PI * 1000.0 * i / FS));
    process_mono(&s, sig, 2 * FS);
    double mean = 0, static_mean = 0;
    for (int i = FS; i < 2 * FS; i++) {
        mean += sig[i];
        static_mean += warm_ref(0.5 * sin(2.0 * PI * 1000.0 * i / FS));
    }
    mean /= FS;
    static_mean /= FS;
    CHECK(h2[1] > -30.0);  /* warm: a strong 2nd harmonic */
    CHECK(h2[0] < -100.0); /* soft: odd symmetric, none */
    CHECK(fabs(mean) < 1e-5 && fabs(static_mean) > 1e-2);
    printf("saturate: 1 kHz at -6 dBFS, H2 = %.1f dBc warm, %.1f dBc soft\n", h2[1], h2[0]);
    printf("saturate: warm DC %.3g after the blocker (curve alone %.3g)\n", mean, static_mean);
}

/* Power of everything that is neither the fundamental nor one of its
   harmonics (each +-6 bins), in dB relative to the fundamental. */
static double aliased_dbc(double f0)
{
    double k0 = f0 * NFFT / FS, alias = 0, fund = 0;
    for (int k = 1; k <= NFFT / 2; k++) {
        double p = pow(10.0, mag[k] / 10.0), h = floor(k / k0 + 0.5);
        if (h >= 1 && fabs(k - h * k0) <= 6.0)
            fund += h == 1 ? p : 0.0;
        else
            alias += p;
    }
    return 10.0 * log10(alias / fund);
}

static void test_aliasing(void)
{
    const float drives[2] = {18.0f, 12.0f};
    for (int d = 0; d < 2; d++) {
        double a[2];
        for (int os = 1; os <= 2; os++) {
            wm_saturate s;
            make(&s, 1, os, WM_SATURATE_SOFT, drives[d]);
            a[os - 1] = aliased_dbc(sine_spectrum(&s, 7000.0, 0.5));
        }
        printf("saturate: 7 kHz at -6 dBFS, drive +%.0f dB: aliased energy %.1f dBc plain, %.1f dBc 2x "
               "oversampled (%.1f dB better)\n",
               drives[d], a[0], a[1], a[0] - a[1]);
        CHECK(a[0] - a[1] >= (d == 0 ? 20.0 : 35.0));
    }
}

static void test_latency_and_alignment(void)
{
    enum { N = 4096 };
    static float x[N], y[N];
    wm_saturate s;
    make(&s, 1, 2, WM_SATURATE_WARM, 12.0f);
    const int lat = wm_saturate_latency(&s);
    CHECK_EQ_INT(lat, WM_SATURATE_OS_LATENCY);
    wm_saturate_set_mix(&s, 0.0f);
    wm_saturate_reset(&s);
    for (int i = 0; i < N; i++)
        x[i] = y[i] = check_noise();
    process_mono(&s, y, N);
    int exact = 1;
    for (int i = 0; i < N; i++)
        exact &= y[i] == (i >= lat ? x[i - lat] : 0.0f);
    CHECK(exact); /* mix 0: the input, delayed by the reported latency */

    /* Wet and dry line up: at a small level the curve is linear, so half
       wet plus half dry is the delayed input (a one-sample misalignment
       would miss by about 0.1 at 5 kHz). */
    make(&s, 1, 2, WM_SATURATE_SOFT, -24.0f);
    wm_saturate_set_output_db(&s, 24.0f);
    wm_saturate_set_mix(&s, 0.5f);
    wm_saturate_reset(&s);
    for (int i = 0; i < N; i++)
        x[i] = y[i] = (float)(0.3 * sin(2.0 * PI * 1000.0 * i / FS) + 0.3 * sin(2.0 * PI * 5000.0 * i / FS + 1.0));
    process_mono(&s, y, N);
    double err = 0;
    for (int i = 200; i < N; i++)
        err = fmax(err, fabs(y[i] - x[i - lat]));
    CHECK(err < 2e-4);
    printf("saturate: 2x oversampling latency %d samples; mix 0 is the delayed input bit for bit; "
           "50%% mix at low level vs delayed input, max error %.3g\n", lat, err);
    make(&s, 1, 1, WM_SATURATE_SOFT, 0.0f);
    CHECK_EQ_INT(wm_saturate_latency(&s), 0);
}

/* At a small level (drive -24 dB, output +24 dB: the curve is linear to
   1e-7) the oversampled path is the half-band filter twice: its impulse
   response, read with a plain DFT (it is finite), is flat through the
   audio band and symmetric about the reported latency (linear phase). */
static void test_oversampled_response(void)
{
    enum { N = 4096 };
    static float y[N];
    wm_saturate s;
    make(&s, 1, 2, WM_SATURATE_SOFT, -24.0f);
    wm_saturate_set_output_db(&s, 24.0f);
    wm_saturate_reset(&s);
    memset(y, 0, sizeof y);
    y[0] = 0.01f;
    process_mono(&s, y, N);
    const int lat = wm_saturate_latency(&s);
    double asym = 0;
    for (int k = 1; k <= lat; k++)
        asym = fmax(asym, fabs(y[lat - k] - y[lat + k]) / 0.01);
    for (int i = 0; i < N; i++) {
        re[i] = y[i] / 0.01;
        im[i] = 0.0;
    }
    ref_fft(re, im, N);
    double flat = 0;
    for (int k = 1; (double)k * FS / N <= 20000.0; k++)
        flat = fmax(flat, fabs(10.0 * log10(re[k] * re[k] + im[k] * im[k])));
    /* The half-band itself, at the doubled rate (its DTFT from the taps):
       what falls in 28..48 kHz, the image of 0..20 kHz, is rejected. */
    double stop = -400;
    for (double f = 28000.0; f <= 48000.0; f += 10.0) {
        double w = 2.0 * PI * f / (2.0 * FS), hr = 0.5 * cos(w * lat), hi = -0.5 * sin(w * lat);
        for (int i = 0; i < WM_SATURATE_PHASE_TAPS; i++) {
            hr += s.phase_coef[i] * cos(w * 2 * i);
            hi -= s.phase_coef[i] * sin(w * 2 * i);
        }
        stop = fmax(stop, 10.0 * log10(hr * hr + hi * hi));
    }
    CHECK(asym < 1e-6);
    CHECK(flat < 0.02);
    CHECK(stop < -60.0);
    printf("saturate: 2x path small-signal response within %.4f dB up to 20 kHz, impulse response symmetric "
           "about %d samples to %.2g; half-band stopband (28..48 kHz at 96 kHz) <= %.1f dB\n",
           flat, lat, asym, stop);
}

/* Fourth difference, as in test_filter.c. */
static double max_click(const float* y, int from, int to)
{
    double m = 0;
    for (int i = from + 4; i < to; i++)
        m = fmax(m, fabs(y[i] - 4.0 * y[i - 1] + 6.0 * y[i - 2] - 4.0 * y[i - 3] + y[i - 4]));
    return m;
}

/* Drive, output, mix and curve all change at once, mid-sine; returns the
   click metric around the change for the given ramp. */
static double change_click(float ramp_ms)
{
    enum { N = FS / 4, CHANGE = FS / 10 + 7 };
    static float x[N];
    for (int i = 0; i < N; i++)
        x[i] = (float)(0.25 * sin(2.0 * PI * 200.0 * i / FS));
    wm_saturate s;
    CHECK(wm_saturate_init(&s, 1, FS, 2, ramp_ms) == WM_OK);
    wm_saturate_set_mix(&s, 0.3f);
    wm_saturate_reset(&s);
    process_mono(&s, x, CHANGE);
    wm_saturate_set_drive_db(&s, 15.0f);
    wm_saturate_set_output_db(&s, -9.0f);
    wm_saturate_set_mix(&s, 1.0f);
    wm_saturate_set_curve(&s, WM_SATURATE_WARM);
    process_mono(&s, x + CHANGE, N - CHANGE);
    return max_click(x, CHANGE - 4, N);
}

static void test_glide_does_not_click(void)
{
    double smooth = change_click(20.0f), hard = change_click(0.0f);
    printf("saturate: drive+output+mix+curve change on a 200 Hz sine: click metric %.3g gliding 20 ms, "
           "%.3g switched at once\n", smooth, hard);
    CHECK(smooth < 2e-3);
    CHECK(hard > 20.0 * smooth);
}

static void test_hostile_input(void)
{
    enum { N = 1000000, B = 1000 };
    static float a[B], b[B];
    wm_saturate s;
    CHECK(wm_saturate_init(&s, 2, FS, 2, 5.0f) == WM_OK);
    unsigned expected = 0;
    double peak = 0;
    int finite = 1;
    for (int done = 0; done < N; done += B) {
        expected += check_hostile_block(a, B, 1.0f) + check_hostile_block(b, B, 1.0f);
        wm_saturate_set_drive_db(&s, 24.0f * (check_noise() + 1.0f));
        wm_saturate_set_output_db(&s, 6.0f * check_noise());
        wm_saturate_set_mix(&s, 0.5f + 0.5f * check_noise());
        wm_saturate_set_curve(&s, (wm_saturate_curve)(check_rand() & 1));
        float* ch[2] = {a, b};
        wm_saturate_process(&s, ch, B);
        for (int i = 0; i < B; i++) {
            finite &= wm_is_finite(a[i]) && wm_is_finite(b[i]);
            peak = fmax(peak, fmax(fabs(a[i]), fabs(b[i])));
        }
    }
    CHECK(finite);
    CHECK(peak < 6.0); /* |dry| < 1, |wet| <= about 2.2 (DC blocker, FIR overshoot), output <= +6 dB */
    CHECK_EQ_INT(s.nonfinite, expected);
    printf("saturate: hostile 1e6 frames x 2: %u non-finite counted, output peak %.3f\n", s.nonfinite, peak);

    /* Finite but huge input overflows the upsampler; nothing is poisoned. */
    for (int i = 0; i < B; i++)
        a[i] = b[i] = (i & 1) ? 3.4e38f : -3.4e38f;
    wm_saturate_set_drive_db(&s, 48.0f);
    wm_saturate_set_mix(&s, 1.0f);
    float* ch[2] = {a, b};
    wm_saturate_process(&s, ch, B);
    for (int i = 0; i < B; i++)
        a[i] = b[i] = 0.1f;
    wm_saturate_process(&s, ch, B);
    CHECK(wm_is_finite(a[B - 1]) && fabsf(a[B - 1]) <= 4.0f);
}

/* n frames of two channels in blocks cycling through sizes (one call when
   sizes is NULL); at frame `change` every parameter gets a new target. */
static void run_split(wm_saturate* s, float* l, float* r, int n, int change, const int* sizes, int nsizes)
{
    int done = 0, k = 0;
    while (done < n) {
        int stop = done < change ? change : n;
        int len = sizes ? sizes[k++ % nsizes] : stop - done;
        if (len > stop - done)
            len = stop - done;
        float* ch[2] = {l + done, r + done};
        wm_saturate_process(s, ch, len);
        done += len;
        if (done == change) {
            wm_saturate_set_drive_db(s, 20.0f);
            wm_saturate_set_output_db(s, -6.0f);
            wm_saturate_set_mix(s, 0.7f);
            wm_saturate_set_curve(s, WM_SATURATE_WARM);
        }
    }
}

static void test_block_split(void)
{
    /* Noise, then a silence long enough for the DC blocker's tail to
       reach the denormal flush (about 50000 frames). */
    enum { N = 80000, NOISE = 20000, CHANGE = 5555 };
    static float al[N], ar[N], bl[N], br[N];
    const int sizes[] = {1, 2, 3, 21, 128, 300};
    for (int os = 1; os <= 2; os++) {
        for (int i = 0; i < N; i++) {
            al[i] = bl[i] = i < NOISE ? check_noise() : 0.0f;
            ar[i] = br[i] = i < NOISE ? check_noise() : 0.0f;
        }
        wm_saturate a, b;
        make(&a, 2, os, WM_SATURATE_SOFT, 6.0f);
        make(&b, 2, os, WM_SATURATE_SOFT, 6.0f);
        run_split(&a, al, ar, N, CHANGE, NULL, 0);
        run_split(&b, bl, br, N, CHANGE, sizes, 6);
        CHECK(memcmp(al, bl, sizeof al) == 0);
        CHECK(memcmp(ar, br, sizeof ar) == 0);
        CHECK(a.ch[0].dc_out == 0.0f && a.ch[1].dc_out == 0.0f); /* the tail was flushed */
    }
}

static void test_reset(void)
{
    enum { N = 777 };
    float l[N], r[N], l2[N], r2[N];
    wm_saturate s, fresh;
    make(&s, 2, 2, WM_SATURATE_WARM, 12.0f);
    make(&fresh, 2, 2, WM_SATURATE_WARM, 12.0f);
    for (int i = 0; i < N; i++) {
        l[i] = check_noise();
        r[i] = check_noise();
    }
    float* ch[2] = {l, r};
    wm_saturate_process(&s, ch, N);
    for (int c = 0; c < 2; c++) /* dirty on every channel */
        CHECK(s.ch[c].dc_out != 0.0f && s.ch[c].x[0] != 0.0f && s.ch[c].even[0] != 0.0f);
    wm_saturate_reset(&s);
    for (int i = 0; i < N; i++) {
        l[i] = l2[i] = check_noise();
        r[i] = r2[i] = check_noise();
    }
    float* ch2[2] = {l2, r2};
    wm_saturate_process(&s, ch, N);
    wm_saturate_process(&fresh, ch2, N);
    CHECK(memcmp(l, l2, sizeof l) == 0 && memcmp(r, r2, sizeof r) == 0);
}

static void test_bad_arguments(void)
{
    wm_saturate s;
    CHECK(wm_saturate_init(&s, 0, FS, 1, 10.0f) == WM_ERR_ARG);
    CHECK(wm_saturate_init(&s, 3, FS, 1, 10.0f) == WM_ERR_ARG);
    CHECK(wm_saturate_init(&s, 1, 0.0f, 1, 10.0f) == WM_ERR_ARG);
    CHECK(wm_saturate_init(&s, 1, FS, 4, 10.0f) == WM_ERR_ARG);
    CHECK(wm_saturate_init(&s, 1, FS, 2, NAN) == WM_ERR_ARG);
    CHECK(wm_saturate_init(&s, 1, FS, 2, 10.0f) == WM_OK);
    CHECK(wm_saturate_set_drive_db(&s, NAN) == WM_ERR_ARG);
    CHECK(s.drive.target == 1.0f);
    CHECK(wm_saturate_set_drive_db(&s, 100.0f) == WM_ERR_RANGE);
    CHECK_NEAR(s.drive.target, pow(10.0, WM_SATURATE_MAX_DRIVE_DB / 20.0), 1e-2);
    CHECK(wm_saturate_set_output_db(&s, -INFINITY) == WM_ERR_RANGE);
    CHECK(wm_saturate_set_mix(&s, 1.5f) == WM_ERR_RANGE);
    CHECK(s.mix.target == 1.0f);
    CHECK(wm_saturate_set_curve(&s, (wm_saturate_curve)7) == WM_ERR_ARG);
    CHECK(s.warm.target == 0.0f);
    wm_saturate_process(&s, NULL, 0);
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_static_curves();
    test_warm_even_harmonics_no_dc();
    test_aliasing();
    test_latency_and_alignment();
    test_oversampled_response();
    test_glide_does_not_click();
    test_hostile_input();
    test_block_split();
    test_reset();
    test_bad_arguments();
    return check_finish("test_saturate", seed);
}
