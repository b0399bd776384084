/* test_analyzer.c -- wm_analyzer against the Web Audio spec's AnalyserNode
   formulas: a double-precision model written here (the spec's Blackman
   window, 1/N DFT on the reference FFT of ref_fft.h, smoothing, dB and byte
   mappings) for every fft size from 32 to 32768; the analytic levels of a
   sine on a bin; the smoothing recursion; time-domain data, down-mix,
   run-time size changes, reset, hostile input and the arena budget.
   Throughput is printed, never asserted. */
#include <string.h>
#include <time.h>

#include "check.h"
#include "ref_fft.h"
#include "wm_analyzer.h"

#define MAXN WM_ANALYZER_MAX_FFT
static const double PI = 3.14159265358979323846;
static unsigned char memory[8 << 20];

/* The spec's analysis in double. smoothed[] is the previous block X^_-1. */
typedef struct {
    double smoothed[MAXN / 2];
} ref_model;

static void ref_compute(ref_model* r, const float* x, int n, double tau, double* mag)
{
    static double re[MAXN], im[MAXN];
    for (int i = 0; i < n; i++) {
        double w = 0.42 - 0.5 * cos(2.0 * PI * i / n) + 0.08 * cos(4.0 * PI * i / n);
        re[i] = x[i] * w;
        im[i] = 0.0;
    }
    ref_fft(re, im, n);
    for (int k = 0; k < n / 2; k++) {
        double s = tau * r->smoothed[k] + (1.0 - tau) * hypot(re[k], im[k]) / n;
        r->smoothed[k] = isfinite(s) ? s : 0.0;
        mag[k] = r->smoothed[k];
    }
}

/* Two analyzers can live at once: slot 0 and slot 1 are separate halves
   of the memory. */
static wm_analyzer make_in(int slot, int channels, int max_fft)
{
    wm_arena a;
    wm_analyzer an;
    wm_arena_init(&a, memory + (size_t)slot * (sizeof memory / 2), sizeof memory / 2);
    int err = wm_analyzer_init(&an, &a, channels, max_fft);
    CHECK(err == WM_OK);
    return an;
}

static wm_analyzer make(int channels, int max_fft) { return make_in(0, channels, max_fft); }

static void feed_mono(wm_analyzer* an, const float* x, int n)
{
    const float* in[1] = {x};
    wm_analyzer_process(an, in, n);
}

/* A steady sine exactly on bin k0 of size n (period n), amplitude amp,
   for `frames` samples starting at sample `t0`. */
static void feed_bin_sine(wm_analyzer* an, int n, int k0, double amp, long t0, int frames)
{
    static float x[MAXN];
    for (int done = 0; done < frames;) {
        int run = frames - done < MAXN ? frames - done : MAXN;
        for (int i = 0; i < run; i++)
            x[i] = (float)(amp * sin(2.0 * PI * (double)k0 * (double)((t0 + done + i) % n) / n));
        feed_mono(an, x, run);
        done += run;
    }
}

/* Blackman on a bin: the a0 term of the window lands on k0, a1 on k0 +- 1,
   a2 on k0 +- 2, each with half the sine's amplitude (the other half goes
   to -k0): |X[k0]| = a0/2, |X[k0 +- 1]| = a1/4, |X[k0 +- 2]| = a2/4. */
static void test_sine_on_bin(void)
{
    const double peak = 20.0 * log10(0.42 / 2), side1 = 20.0 * log10(0.5 / 4), side2 = 20.0 * log10(0.08 / 4);
    const int sizes[3] = {32, 2048, 32768};
    double worst = 0.0, worst_rest = -1e9;
    for (int s = 0; s < 3; s++) {
        int n = sizes[s], k0 = n / 4 + 3;
        wm_analyzer an = make(1, MAXN);
        CHECK(wm_analyzer_set_fft_size(&an, n) == WM_OK);
        CHECK(wm_analyzer_set_smoothing(&an, 0.0f) == WM_OK);
        feed_bin_sine(&an, n, k0, 1.0, 12345, n + 77);
        CHECK(wm_analyzer_compute(&an) == 1);
        static float y[MAXN / 2];
        CHECK_EQ_INT(wm_analyzer_frequency_db(&an, y, MAXN), n / 2);
        int arg = 0;
        for (int k = 0; k < n / 2; k++)
            arg = y[k] > y[arg] ? k : arg;
        CHECK_EQ_INT(arg, k0);
        const double expect[5] = {side2, side1, peak, side1, side2};
        for (int d = -2; d <= 2; d++) {
            CHECK_NEAR(y[k0 + d], expect[d + 2], 1e-4);
            worst = fmax(worst, fabs(y[k0 + d] - expect[d + 2]));
        }
        for (int k = 0; k < n / 2; k++)
            if (abs(k - k0) > 2)
                worst_rest = fmax(worst_rest, y[k]);
        CHECK(worst_rest < peak - 110.0); /* float rounding only */
    }
    printf("analyzer: full-scale sine on a bin (n = 32, 2048, 32768): peak %.4f dB = 20 log10(0.42/2), "
           "bins +-1 %.4f, +-2 %.4f; worst deviation %.2g dB; every other bin <= %.1f dB\n",
           peak, side1, side2, worst, worst_rest);

    /* Off a bin: 1 kHz at 48 kHz, n = 2048 -> bin 42.67, the peak is bin 43. */
    wm_analyzer an = make(1, 2048);
    static float x[4096];
    for (int i = 0; i < 4096; i++)
        x[i] = (float)(0.5 * sin(2.0 * PI * 1000.0 * i / 48000.0));
    feed_mono(&an, x, 4096);
    wm_analyzer_compute(&an);
    float y[1024];
    wm_analyzer_frequency_db(&an, y, 1024);
    int arg = 0;
    for (int k = 0; k < 1024; k++)
        arg = y[k] > y[arg] ? k : arg;
    CHECK_EQ_INT(arg, 43);
}

/* X^ after m computes of a steady sine from the zero state is
   (1 - tau^m) a0/2. A compute with no new audio is not a new block. */
static void test_smoothing_recursion(void)
{
    const int n = 1024, k0 = 100;
    const double tau = 0.8;
    wm_analyzer an = make(1, n);
    CHECK_EQ_INT(an.fft_size, 1024);
    double worst = 0.0;
    float y[512], again[512];
    long t = 0;
    for (int m = 1; m <= 40; m++) {
        int step = m == 1 ? n : 128 + m; /* the first block fills the window */
        feed_bin_sine(&an, n, k0, 1.0, t, step);
        t += step;
        CHECK(wm_analyzer_compute(&an) == 1);
        wm_analyzer_frequency_db(&an, y, 512);
        double expect = 20.0 * log10((1.0 - pow(tau, m)) * 0.21);
        CHECK_NEAR(y[k0], expect, 1e-4);
        worst = fmax(worst, fabs(y[k0] - expect));
        CHECK(wm_analyzer_compute(&an) == 0);
        wm_analyzer_frequency_db(&an, again, 512);
        CHECK(memcmp(y, again, sizeof y) == 0);
    }
    printf("analyzer: smoothing, tau 0.8, 40 computes of a bin sine: worst deviation from (1 - tau^m) 0.21 "
           "is %.2g dB; a compute without new audio changes nothing\n", worst);

    /* tau = 1 keeps the previous block (zeros) forever. */
    CHECK(wm_analyzer_set_smoothing(&an, 1.0f) == WM_OK);
    wm_analyzer_reset(&an);
    feed_bin_sine(&an, n, k0, 1.0, 0, 4096);
    wm_analyzer_compute(&an);
    wm_analyzer_frequency_db(&an, y, 512);
    CHECK(y[k0] == WM_ANALYZER_FLOOR_DB);
    CHECK(wm_analyzer_set_smoothing(&an, NAN) == WM_ERR_ARG);
    CHECK(an.smoothing == 1.0f);
    CHECK(wm_analyzer_set_smoothing(&an, 1.5f) == WM_ERR_RANGE);
    CHECK(an.smoothing == 1.0f);
    CHECK(wm_analyzer_set_smoothing(&an, -0.5f) == WM_ERR_RANGE);
    CHECK(an.smoothing == 0.0f);
}

/* Every size from 32 to 32768, smoothing 0.8, 0 and 0.3, five computes
   each, against the double model. Sizes are changed at run time on one
   analyzer, so each new size must start from a zero previous block. */
static void test_against_reference(void)
{
    static float signal[1 << 20];
    static ref_model ref;
    static double mag[MAXN / 2];
    static float y[MAXN / 2];
    const float taus[3] = {0.8f, 0.0f, 0.3f};
    for (long i = 0; i < (long)(sizeof signal / sizeof signal[0]); i++)
        signal[i] = 0.25f * check_noise() + (float)(0.5 * sin(0.0123 * (double)i));
    wm_analyzer an = make(1, MAXN);
    feed_mono(&an, signal, MAXN);
    long pos = MAXN;
    double worst_db = 0.0, worst_lin = 0.0;
    int computes = 0;
    for (int n = WM_ANALYZER_MIN_FFT; n <= MAXN; n *= 2) {
        double size_db = 0.0;
        for (int t = 0; t < 3; t++) {
            CHECK(wm_analyzer_set_fft_size(&an, n) == WM_OK);
            wm_analyzer_set_smoothing(&an, taus[t]);
            if (t > 0) { /* same size again: force a fresh start for the new tau */
                wm_analyzer_set_fft_size(&an, n == MAXN ? n / 2 : n * 2);
                wm_analyzer_set_fft_size(&an, n);
            }
            memset(&ref, 0, sizeof ref);
            for (int c = 0; c < 5; c++) {
                int step = n / 3 + 1 + (int)(check_rand() % 200);
                CHECK(pos + step <= (long)(sizeof signal / sizeof signal[0]));
                feed_mono(&an, signal + pos, step);
                pos += step;
                CHECK(wm_analyzer_compute(&an) == 1);
                computes++;
                ref_compute(&ref, signal + pos - n, n, taus[t], mag);
                wm_analyzer_frequency_db(&an, y, n / 2);
                double peak = 0.0;
                for (int k = 0; k < n / 2; k++)
                    peak = fmax(peak, mag[k]);
                for (int k = 0; k < n / 2; k++) {
                    double ours = y[k] > WM_ANALYZER_FLOOR_DB ? pow(10.0, y[k] / 20.0) : 0.0;
                    double lin = fabs(ours - mag[k]) / peak;
                    CHECK(lin <= 1e-6);
                    worst_lin = fmax(worst_lin, lin);
                    if (mag[k] > 1e-2 * peak) { /* within 40 dB of the peak */
                        double e = fabs(y[k] - 20.0 * log10(mag[k]));
                        CHECK(e <= 1e-4);
                        size_db = fmax(size_db, e);
                    }
                }
            }
        }
        worst_db = fmax(worst_db, size_db);
        if (n == 32 || n == 2048 || n == MAXN)
            printf("analyzer: fft %5d vs double model (tau 0.8 / 0 / 0.3, 5 computes each): worst %.2g dB "
                   "within 40 dB of the peak\n", n, size_db);
    }
    printf("analyzer: all sizes 32..32768, %d computes: worst %.2g dB within 40 dB of the peak; "
           "worst |error| / peak magnitude %.2g over all bins\n", computes, worst_db, worst_lin);
}

static uint8_t ref_byte_freq(float y, float min_db, float max_db)
{
    double b = floor(255.0 * ((double)y - min_db) / ((double)max_db - min_db));
    return (uint8_t)(b < 0 ? 0 : (b > 255 ? 255 : b));
}

static void test_byte_frequency(void)
{
    wm_analyzer an = make(1, 2048);
    wm_analyzer_set_smoothing(&an, 0.0f);
    static float x[4096];
    for (int i = 0; i < 4096; i++)
        x[i] = (float)(0.5 * sin(2.0 * PI * 3000.0 * i / 48000.0)) + 1e-3f * check_noise();
    feed_mono(&an, x, 4096);
    wm_analyzer_compute(&an);
    float y[1024];
    uint8_t b[1024];
    wm_analyzer_frequency_db(&an, y, 1024);
    const float ranges[3][2] = {{-100.0f, -30.0f}, {-200.0f, 0.0f}, {-90.0f, -89.0f}};
    int top = 0, bottom = 0, between = 0, mismatches = 0;
    for (int r = 0; r < 3; r++) {
        CHECK(wm_analyzer_set_range_db(&an, ranges[r][0], ranges[r][1]) == WM_OK);
        CHECK_EQ_INT(wm_analyzer_frequency_bytes(&an, b, 1024), 1024);
        for (int k = 0; k < 1024; k++) {
            mismatches += b[k] != ref_byte_freq(y[k], ranges[r][0], ranges[r][1]);
            top += b[k] == 255;
            bottom += b[k] == 0;
            between += b[k] > 0 && b[k] < 255;
        }
    }
    CHECK_EQ_INT(mismatches, 0);
    CHECK(top > 0 && bottom > 0 && between > 500);

    /* The ends of the range are exact: max_db maps to 255, min_db to 0. */
    int k0 = 128; /* 3 kHz at n = 2048 */
    wm_analyzer_set_range_db(&an, y[k0] - 10.0f, y[k0]);
    wm_analyzer_frequency_bytes(&an, b, 1024);
    CHECK_EQ_INT(b[k0], 255);
    wm_analyzer_set_range_db(&an, y[k0], y[k0] + 10.0f);
    wm_analyzer_frequency_bytes(&an, b, 1024);
    CHECK_EQ_INT(b[k0], 0);
    wm_analyzer_set_range_db(&an, -90.0f, -30.0f);
    CHECK(wm_analyzer_set_range_db(&an, -30.0f, -100.0f) == WM_ERR_ARG);
    CHECK(wm_analyzer_set_range_db(&an, -50.0f, -50.0f) == WM_ERR_ARG);
    CHECK(wm_analyzer_set_range_db(&an, NAN, 0.0f) == WM_ERR_ARG);
    CHECK(wm_analyzer_set_range_db(&an, -10.0f, NAN) == WM_ERR_ARG);
    CHECK(wm_analyzer_set_range_db(&an, 400.0f, 500.0f) == WM_ERR_ARG); /* both clamp to 300 */
    CHECK(an.min_db == -90.0f && an.max_db == -30.0f);
    CHECK(wm_analyzer_set_range_db(&an, -400.0f, 0.0f) == WM_ERR_RANGE);
    CHECK(an.min_db == WM_ANALYZER_FLOOR_DB && an.max_db == 0.0f);
    printf("analyzer: byte frequency data equals floor(255 (Y - min) / (max - min)) on 3072 bins "
           "(%d clipped to 255, %d to 0, %d between); range ends exact\n", top, bottom, between);
}

static void test_time_domain(void)
{
    static float x[5 * MAXN], out[MAXN + 8];
    static uint8_t bytes[MAXN];
    for (int i = 0; i < 5 * MAXN; i++)
        x[i] = 1.2f * check_noise();
    wm_analyzer an = make(1, MAXN);
    int total = 0, mismatches = 0;
    while (total < 5 * MAXN) { /* random block sizes, many wraps of the ring */
        int step = 1 + (int)(check_rand() % 300);
        if (step > 5 * MAXN - total)
            step = 5 * MAXN - total;
        feed_mono(&an, x + total, step);
        total += step;
        if (check_rand() % 8 == 0) {
            int n = 32 << (check_rand() % 11);
            wm_analyzer_set_fft_size(&an, n);
            CHECK_EQ_INT(wm_analyzer_time_domain(&an, out, MAXN), n);
            for (int i = 0; i < n; i++)
                mismatches += out[i] != (total - n + i >= 0 ? x[total - n + i] : 0.0f);
            CHECK_EQ_INT(wm_analyzer_time_domain_bytes(&an, bytes, n), n);
            for (int i = 0; i < n; i++) {
                float v = total - n + i >= 0 ? x[total - n + i] : 0.0f;
                double e = floor(128.0 * (1.0 + (double)v));
                mismatches += bytes[i] != (uint8_t)(e < 0 ? 0 : (e > 255 ? 255 : e));
            }
        }
    }
    CHECK_EQ_INT(mismatches, 0);

    /* len: fewer values than fft_size are a prefix, more leave the rest alone. */
    wm_analyzer_set_fft_size(&an, 64);
    for (int i = 0; i < 72; i++)
        out[i] = 7.0f;
    CHECK_EQ_INT(wm_analyzer_time_domain(&an, out, 72), 64);
    CHECK(out[63] == x[5 * MAXN - 1] && out[64] == 7.0f && out[71] == 7.0f);
    CHECK_EQ_INT(wm_analyzer_time_domain(&an, out, 10), 10);
    CHECK(out[0] == x[5 * MAXN - 64] && out[10] == x[5 * MAXN - 54]);

    /* Byte mapping at the edges, where 1 + x would round in float. */
    const float v[14] = {-1.0f, 1.0f, 0.0f, 0.5f, -0.5f, 2.0f, -3.0f, -1e-20f, 1e-20f, 0.99999994f, -0.99999994f,
                         1.0f / 256, -1.0f / 256, 3e38f};
    const uint8_t expect[14] = {0, 255, 128, 192, 64, 255, 0, 127, 128, 255, 0, 128, 127, 255};
    wm_analyzer_set_fft_size(&an, 32);
    feed_mono(&an, v, 14);
    wm_analyzer_time_domain_bytes(&an, bytes, 32);
    for (int i = 0; i < 14; i++)
        CHECK_EQ_INT(bytes[18 + i], expect[i]);
    printf("analyzer: time-domain data equals the last fft_size samples through %d frames in random "
           "blocks and random sizes; byte mapping exact, edges included\n", 5 * MAXN);
}

static void test_stereo_downmix(void)
{
    enum { N = 8192 };
    static float l[N], r[N], mono[N], neg[N], y1[1024], y2[1024], t[2048];
    for (int i = 0; i < N; i++) {
        l[i] = check_noise();
        r[i] = (float)sin(0.05 * i);
        mono[i] = (float)(0.5 * ((double)l[i] + r[i]));
        neg[i] = -l[i];
    }
    wm_analyzer st = make(2, 2048);
    const float* in[2] = {l, r};
    wm_analyzer_process(&st, in, N);
    wm_analyzer m = make_in(1, 1, 2048);
    feed_mono(&m, mono, N);
    wm_analyzer_time_domain(&st, t, 2048);
    int mismatches = 0;
    for (int i = 0; i < 2048; i++)
        mismatches += t[i] != mono[N - 2048 + i];
    wm_analyzer_compute(&st);
    wm_analyzer_compute(&m);
    wm_analyzer_frequency_db(&st, y1, 1024);
    wm_analyzer_frequency_db(&m, y2, 1024);
    mismatches += memcmp(y1, y2, sizeof y1) != 0;
    CHECK_EQ_INT(mismatches, 0);

    /* L = -R cancels: every bin reads the floor, finite. */
    in[1] = neg;
    wm_analyzer_reset(&st);
    wm_analyzer_process(&st, in, N);
    wm_analyzer_compute(&st);
    wm_analyzer_frequency_db(&st, y1, 1024);
    for (int k = 0; k < 1024; k++)
        CHECK(y1[k] == WM_ANALYZER_FLOOR_DB);
    printf("analyzer: stereo down-mix 0.5 (L + R) bit-identical to a mono analyzer fed the mix; L = -R reads "
           "%.0f dB in every bin\n", WM_ANALYZER_FLOOR_DB);
}

static void test_size_changes(void)
{
    wm_analyzer an = make(1, 4096);
    CHECK_EQ_INT(an.fft_size, 2048);
    CHECK(wm_analyzer_set_fft_size(&an, 1000) == WM_ERR_ARG);
    CHECK(wm_analyzer_set_fft_size(&an, 0) == WM_ERR_ARG);
    CHECK(wm_analyzer_set_fft_size(&an, -64) == WM_ERR_ARG);
    CHECK_EQ_INT(an.fft_size, 2048);
    CHECK(wm_analyzer_set_fft_size(&an, 16) == WM_ERR_RANGE);
    CHECK_EQ_INT(an.fft_size, 32);
    CHECK(wm_analyzer_set_fft_size(&an, 1 << 16) == WM_ERR_RANGE);
    CHECK_EQ_INT(an.fft_size, 4096);

    /* Setting the current size again keeps the smoothing; a new size clears
       it and the readings until the next compute. */
    feed_bin_sine(&an, 4096, 200, 1.0, 0, 4096);
    wm_analyzer_compute(&an);
    float y[2048];
    wm_analyzer_frequency_db(&an, y, 2048);
    float first = y[200];
    CHECK_NEAR(first, 20.0 * log10(0.2 * 0.21), 1e-4);
    CHECK(wm_analyzer_set_fft_size(&an, 4096) == WM_OK);
    feed_bin_sine(&an, 4096, 200, 1.0, 4096, 100);
    wm_analyzer_compute(&an);
    wm_analyzer_frequency_db(&an, y, 2048);
    CHECK_NEAR(y[200], 20.0 * log10(0.36 * 0.21), 1e-4);
    CHECK(wm_analyzer_set_fft_size(&an, 1024) == WM_OK);
    wm_analyzer_frequency_db(&an, y, 2048);
    for (int k = 0; k < 512; k++)
        CHECK(y[k] == WM_ANALYZER_FLOOR_DB);
    CHECK(wm_analyzer_compute(&an) == 1); /* a new size is a new block even without new audio */
    wm_analyzer_frequency_db(&an, y, 2048);
    CHECK_NEAR(y[50], 20.0 * log10(0.2 * 0.21), 1e-4); /* bin 200 of 4096 is bin 50 of 1024 */
}

static void test_reset(void)
{
    static float x[10000];
    for (int i = 0; i < 10000; i++)
        x[i] = check_noise();
    wm_analyzer an = make(1, 4096);
    float y[1024], fresh[1024], t[2048];
    feed_mono(&an, x + 5000, 5000);
    wm_analyzer_compute(&an);
    wm_analyzer_frequency_db(&an, y, 1024);
    CHECK(y[10] > WM_ANALYZER_FLOOR_DB); /* dirty before the reset */
    wm_analyzer_reset(&an);
    wm_analyzer_time_domain(&an, t, 2048);
    wm_analyzer_frequency_db(&an, y, 1024);
    for (int i = 0; i < 2048; i++)
        CHECK(t[i] == 0.0f);
    for (int k = 0; k < 1024; k++)
        CHECK(y[k] == WM_ANALYZER_FLOOR_DB);
    feed_mono(&an, x, 3000);
    wm_analyzer_compute(&an);
    feed_mono(&an, x + 3000, 700);
    wm_analyzer_compute(&an);
    wm_analyzer_frequency_db(&an, y, 1024);
    wm_analyzer b = make_in(1, 1, 4096);
    feed_mono(&b, x, 3000);
    wm_analyzer_compute(&b);
    feed_mono(&b, x + 3000, 700);
    wm_analyzer_compute(&b);
    wm_analyzer_frequency_db(&b, fresh, 1024);
    CHECK(memcmp(y, fresh, sizeof y) == 0);
}

/* Whatever arrives, every reading is finite and the NaN/Inf are counted. */
static void test_hostile(void)
{
    enum { FRAMES = 500000, BLOCK = 128 };
    static float l[BLOCK], r[BLOCK], y[MAXN / 2], t[MAXN];
    static uint8_t b[MAXN];
    const float amps[2] = {1.0f, 3e38f};
    unsigned bad_total = 0;
    long nonfinite_readings = 0;
    float top_db = WM_ANALYZER_FLOOR_DB;
    for (int s = 0; s < 2; s++) {
        wm_analyzer an = make(2, MAXN);
        const float* in[2] = {l, r};
        unsigned bad = 0;
        for (int f = 0, blk = 0; f < FRAMES; f += BLOCK, blk++) {
            bad += check_hostile_block(l, BLOCK, amps[s]) + check_hostile_block(r, BLOCK, amps[s]);
            wm_analyzer_process(&an, in, BLOCK);
            if (blk % 16 == 0) {
                if (blk % 512 == 0)
                    wm_analyzer_set_fft_size(&an, 32 << (check_rand() % 11));
                wm_analyzer_compute(&an);
                int n = wm_analyzer_frequency_db(&an, y, MAXN / 2);
                for (int k = 0; k < n; k++) {
                    nonfinite_readings += !isfinite(y[k]) || y[k] < WM_ANALYZER_FLOOR_DB;
                    if (s == 0)
                        top_db = fmaxf(top_db, y[k]);
                }
                wm_analyzer_frequency_bytes(&an, b, MAXN);
                n = wm_analyzer_time_domain(&an, t, MAXN);
                for (int i = 0; i < n; i++)
                    nonfinite_readings += !isfinite(t[i]);
                wm_analyzer_time_domain_bytes(&an, b, MAXN);
            }
        }
        CHECK_EQ_INT(an.nonfinite, bad);
        for (int k = 0; k < MAXN / 2; k++)
            nonfinite_readings += !isfinite(an.smoothed[k]);
        bad_total += bad;
    }
    CHECK_EQ_INT(nonfinite_readings, 0);
    CHECK(top_db < 0.0f); /* |x| <= 1 cannot exceed 20 log10(0.42) */
    printf("analyzer: 2 x %d stereo frames (2,000,000 samples) of hostile input, amplitude 1 and 3e38: "
           "%u NaN/Inf counted exactly, every reading finite, loudest bin %.2f dB\n", FRAMES, bad_total, top_db);
}

static void test_arena(void)
{
    const int maxes[3] = {32, 2048, MAXN};
    for (int m = 0; m < 3; m++) {
        wm_arena a;
        wm_analyzer an;
        size_t need = wm_analyzer_memory_size(maxes[m]);
        wm_arena_init(&a, memory, need);
        CHECK(wm_analyzer_init(&an, &a, 2, maxes[m]) == WM_OK);
        size_t used = a.used;
        CHECK(used <= need);
        for (int f = 0; f < 10; f++) {
            wm_arena_init(&a, memory, f == 0 ? used - 1 : used * (size_t)f / 10);
            CHECK(wm_analyzer_init(&an, &a, 2, maxes[m]) == WM_ERR_NOMEM);
            CHECK_EQ_INT(a.used, 0);
        }
        printf("analyzer: max fft %5d takes %zu bytes of arena (memory_size %zu); any less is WM_ERR_NOMEM, "
               "rolled back\n", maxes[m], used, need);
    }
    wm_arena a;
    wm_analyzer an;
    wm_arena_init(&a, memory, sizeof memory);
    CHECK(wm_analyzer_init(&an, &a, 0, 2048) == WM_ERR_ARG);
    CHECK(wm_analyzer_init(&an, &a, 3, 2048) == WM_ERR_ARG);
    CHECK(wm_analyzer_init(&an, &a, 1, 16) == WM_ERR_ARG);
    CHECK(wm_analyzer_init(&an, &a, 1, 1000) == WM_ERR_ARG);
    CHECK(wm_analyzer_init(&an, &a, 1, 1 << 16) == WM_ERR_ARG);
    CHECK(wm_analyzer_memory_size(1000) == 0 && wm_analyzer_memory_size(1 << 16) == 0);
    CHECK_EQ_INT(a.used, 0);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void bench(void)
{
    static float l[128], r[128];
    for (int i = 0; i < 128; i++) {
        l[i] = check_noise();
        r[i] = check_noise();
    }
    const float* in[2] = {l, r};
    wm_analyzer an = make(2, MAXN);
    enum { BLOCKS = 200000, COMPUTES = 2000 };
    double t0 = now_s();
    for (int i = 0; i < BLOCKS; i++)
        wm_analyzer_process(&an, in, 128);
    double per_block = (now_s() - t0) / BLOCKS;
    wm_analyzer_set_fft_size(&an, 2048);
    t0 = now_s();
    for (int i = 0; i < COMPUTES; i++) {
        wm_analyzer_process(&an, in, 1);
        wm_analyzer_compute(&an);
    }
    double per_compute = (now_s() - t0) / COMPUTES;
    printf("analyzer throughput (native, not asserted): process stereo 128 frames %.0f ns (%.0fx realtime at "
           "48 kHz); compute fft 2048 %.1f us\n", per_block * 1e9, 128.0 / 48000.0 / per_block, per_compute * 1e6);
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_sine_on_bin();
    test_smoothing_recursion();
    test_against_reference();
    test_byte_frequency();
    test_time_domain();
    test_stereo_downmix();
    test_size_changes();
    test_reset();
    test_hostile();
    test_arena();
    bench();
    return check_finish("test_analyzer", seed);
}
