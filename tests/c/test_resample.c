/* test_resample.c -- the resampler against analytic sines at the output
   instants, spectra of aliases and images measured with the reference FFT,
   exact frame counts over an hour of input, block-split invariance, reset,
   hostile input and arena exhaustion.

   Independent reference: resampling x(t) = A sin(2 pi f t / in_rate) must
   give A sin(2 pi f k / out_rate) at output frame k (the header puts output
   k at input instant k in_rate / out_rate), so sines are compared with the
   formula computed in double, never with another resampler. */
#include <string.h>
#include <time.h>

#include "check.h"
#include "ref_fft.h"
#include "wm_resample.h"
#include "wm_simd.h" /* WM_SIMD_NAME, to label the figures */

static const double PI = 3.14159265358979323846;
static const char* const QNAME[2] = {"HIGH", "FAST"};

typedef struct {
    int in_hz, out_hz;
} pair;

/* The common rates in every direction, then odd ones. */
static const pair PAIRS[] = {
    {44100, 48000}, {44100, 88200}, {44100, 96000}, {48000, 44100}, {48000, 88200}, {48000, 96000},
    {88200, 44100}, {88200, 48000}, {88200, 96000}, {96000, 44100}, {96000, 48000}, {96000, 88200},
    {44100, 47999}, {22050, 48000}, {48000, 7999},
};
enum { NPAIRS = sizeof PAIRS / sizeof PAIRS[0] };
enum { SIG_MAX = 200000 }; /* frames of the sine buffers, in and out */

static unsigned char arena_mem[16 << 20];
static wm_arena arena;

/* An instance in a fresh arena (every earlier instance is gone). */
static void make(wm_resample* r, int in_hz, int out_hz, int channels, wm_resample_quality q)
{
    wm_arena_init(&arena, arena_mem, sizeof arena_mem);
    int err = wm_resample_init(r, &arena, in_hz, out_hz, channels, q);
    CHECK_EQ_INT(err, WM_OK);
}

static double lower_nyquist(pair p) { return 0.5 * (p.in_hz < p.out_hz ? p.in_hz : p.out_hz); }

/* A sin(2 pi f n / in_hz), n in [0, n_in), resampled in one call without
   flush; returns the first output frame whose window holds no start-up zero.
   *made gets the number of output frames. */
static int resample_sine(wm_resample* r, pair p, double f, double amp, float* x, int n_in, float* y, int* made)
{
    CHECK(n_in <= SIG_MAX);
    n_in = n_in < SIG_MAX ? n_in : SIG_MAX;
    for (int i = 0; i < n_in; i++)
        x[i] = (float)(amp * sin(2.0 * PI * f * i / p.in_hz));
    const float* in[1] = {x};
    float* out[1] = {y};
    int used = 0;
    CHECK(wm_resample_out_frames(r, n_in) <= SIG_MAX);
    *made = wm_resample_process(r, in, n_in, &used, out, SIG_MAX);
    CHECK_EQ_INT(used, n_in);
    return (int)((double)wm_resample_latency_frames(r) * p.out_hz / p.in_hz) + 2;
}

/* Amplitude (least squares on sin and cos at f) and SNR against the
   analytic sine over output frames [k0, k1). */
static void fit_sine(const float* y, int k0, int k1, double f, double out_hz, double amp, double* gain_db,
                     double* snr_db)
{
    double ss = 0, cc = 0, sc = 0, ys = 0, yc = 0, sig = 0, err = 0;
    for (int k = k0; k < k1; k++) {
        double s = sin(2.0 * PI * f * k / out_hz), c = cos(2.0 * PI * f * k / out_hz);
        ss += s * s, cc += c * c, sc += s * c, ys += y[k] * s, yc += y[k] * c;
        sig += amp * s * amp * s;
        err += (y[k] - amp * s) * (y[k] - amp * s);
    }
    double det = ss * cc - sc * sc, a = (ys * cc - yc * sc) / det, b = (yc * ss - ys * sc) / det;
    *gain_db = 20.0 * log10(sqrt(a * a + b * b) / amp);
    *snr_db = 10.0 * log10(sig / fmax(err, 1e-300));
}

/* Passband: sines up to the band edge (0.9 of the lower Nyquist for HIGH,
   0.68 for FAST) come out at the analytic instants with their amplitude;
   plus a mid-band sine (0.3) for the SNR and one at the cut-off. */
static void test_passband_and_snr(wm_resample_quality q)
{
    enum { MEASURE = 16384, BAND = 6, MID = 6, CUT = 7 };
    static const double fracs[2][8] = {{0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.3, 0.95},
                                       {0.02, 0.1, 0.25, 0.4, 0.6, 0.68, 0.3, 0.84}};
    const double* fr = fracs[q];
    float* x = malloc(sizeof(float) * SIG_MAX);
    float* y = malloc(sizeof(float) * SIG_MAX);
    double worst_ripple = 0, worst_mid_snr = 1e9;
    for (int pi = 0; pi < NPAIRS; pi++) {
        pair p = PAIRS[pi];
        wm_resample r;
        make(&r, p.in_hz, p.out_hz, 1, q);
        double ripple = 0, band_snr = 1e9, gain_db[8], snr_db[8];
        for (int fi = 0; fi < 8; fi++) {
            double f = fr[fi] * lower_nyquist(p);
            wm_resample_reset(&r);
            int n_in = (int)((MEASURE + 4.0 * r.taps) * p.in_hz / p.out_hz);
            int made, k0 = resample_sine(&r, p, f, 0.5, x, n_in, y, &made);
            fit_sine(y, k0, made, f, p.out_hz, 0.5, &gain_db[fi], &snr_db[fi]);
            if (fi < BAND) {
                ripple = fmax(ripple, fabs(gain_db[fi]));
                band_snr = fmin(band_snr, snr_db[fi]);
            }
        }
        double ripple_max = q == WM_RESAMPLE_HIGH ? 0.01 : 0.12, snr_min = q == WM_RESAMPLE_HIGH ? 100.0 : 65.0;
        CHECK(ripple <= ripple_max);
        CHECK(snr_db[MID] >= snr_min);
        if (ripple > ripple_max || snr_db[MID] < snr_min)
            fprintf(stderr, "  at %d -> %d\n", p.in_hz, p.out_hz);
        worst_ripple = fmax(worst_ripple, ripple);
        worst_mid_snr = fmin(worst_mid_snr, snr_db[MID]);
        printf("%s %5d -> %5d (%d taps, %s phases): ripple %.5f dB to %.0f Hz, %+.2f dB at %.0f Hz; SNR %.1f dB "
               "mid-band, %.1f dB worst in band\n",
               QNAME[q], p.in_hz, p.out_hz, r.taps, r.phases == r.up ? "exact" : "interpolated", ripple,
               fr[BAND - 1] * lower_nyquist(p), gain_db[CUT], fr[CUT] * lower_nyquist(p), snr_db[MID], band_snr);
    }
    printf("%s all pairs: passband ripple within %.5f dB to %.2f Nyquist, mid-band SNR >= %.1f dB\n", QNAME[q],
           worst_ripple, fr[BAND - 1], worst_mid_snr);
    free(x);
    free(y);
}

/* Level, relative to amp, of everything in the output spectrum except the
   main lobe of a tone at f (when f is below the output Nyquist): aliases,
   images and noise together. The tone sits exactly on a bin, so its own
   Blackman-Harris lobe covers +-3 bins and nothing else. */
static double spur_db(wm_resample* r, pair p, double f, float* x, float* y)
{
    enum { N = 16384 };
    static double re[N], im[N], mag[N / 2 + 1];
    wm_resample_reset(r);
    int n_in = (int)((N + 4.0 * r->taps) * p.in_hz / p.out_hz);
    int made, k0 = resample_sine(r, p, f, 1.0, x, n_in, y, &made);
    CHECK(made - k0 >= N);
    ref_spectrum_db(y + k0, N, re, im, mag);
    double wsum = 0, w2 = 0;
    for (int i = 0; i < N; i++) {
        double w = ref_blackman_harris(i, N);
        wsum += w, w2 += w * w;
    }
    double enbw = N * w2 / (wsum * wsum); /* bins: a tone's power summed over its lobe */
    int tone = f < 0.5 * p.out_hz ? (int)lround(f * N / p.out_hz) : -100;
    double power = 0;
    for (int k = 1; k <= N / 2; k++)
        if (abs(k - tone) > 4)
            power += pow(10.0, mag[k] / 10.0);
    return 10.0 * log10(power / enbw + 1e-300);
}

/* A tone whose aliases (downsampling) or first image (upsampling) fall at
   s times the lower Nyquist, on an output bin; 0 when there is none. */
static double tone_for_stop(pair p, double s)
{
    enum { N = 16384 };
    double nyq = lower_nyquist(p);
    double f = p.in_hz > p.out_hz ? s * nyq : (2.0 - s) * nyq;
    if (f <= 0.05 * nyq || f >= 0.98 * 0.5 * p.in_hz)
        return 0.0;
    return round(f * N / p.out_hz) * p.out_hz / N;
}

static void test_stopband(wm_resample_quality q)
{
    const double stops[] = {1.0 + 1.0 / 512, 1.02, 1.05, 1.1, 1.2, 1.36, 1.5, 2.0, 3.0, 5.0};
    float* x = malloc(sizeof(float) * SIG_MAX);
    float* y = malloc(sizeof(float) * SIG_MAX);
    double all_worst = -400;
    for (int pi = 0; pi < NPAIRS; pi++) {
        pair p = PAIRS[pi];
        if (p.in_hz == p.out_hz)
            continue;
        wm_resample r;
        make(&r, p.in_hz, p.out_hz, 1, q);
        double worst = -400, worst_far = -400; /* from 1.0 and from 1.2 Nyquist */
        for (int si = 0; si < 10; si++) {
            double f = tone_for_stop(p, stops[si]);
            if (f == 0.0)
                continue;
            double db = spur_db(&r, p, f, x, y);
            worst = fmax(worst, db);
            if (stops[si] >= 1.2)
                worst_far = fmax(worst_far, db);
        }
        if (q == WM_RESAMPLE_HIGH) {
            CHECK(worst <= -100.0);
            all_worst = fmax(all_worst, worst);
            printf("HIGH %5d -> %5d: %s rejected by %.1f dB (stop band from Nyquist)\n", p.in_hz, p.out_hz,
                   p.in_hz > p.out_hz ? "aliases" : "images", -worst);
        } else {
            CHECK(worst_far <= -65.0);
            all_worst = fmax(all_worst, worst_far);
            if (worst_far > -400)
                printf("FAST %5d -> %5d: %s rejected by %.1f dB from 1.2 Nyquist, %.1f dB from Nyquist\n", p.in_hz,
                       p.out_hz, p.in_hz > p.out_hz ? "aliases" : "images", -worst_far, -worst);
            else
                printf("FAST %5d -> %5d: aliases rejected by %.1f dB from Nyquist (no input above 1.2 Nyquist)\n",
                       p.in_hz, p.out_hz, -worst);
        }
    }
    printf("%s all pairs: stop-band rejection >= %.1f dB (%s)\n", QNAME[q], -all_worst,
           q == WM_RESAMPLE_HIGH ? "from the lower Nyquist" : "from 1.2 x the lower Nyquist");
    /* The two cases of the brief, by name. */
    wm_resample r;
    pair down = {96000, 44100}, up = {44100, 96000};
    make(&r, 96000, 44100, 1, q);
    double alias = spur_db(&r, down, round(30000.0 * 16384 / 44100) * 44100 / 16384, x, y);
    make(&r, 44100, 96000, 1, q);
    double image = spur_db(&r, up, round(15000.0 * 16384 / 96000) * 96000 / 16384, x, y);
    if (q == WM_RESAMPLE_HIGH) {
        CHECK(alias <= -100.0);
        CHECK(image <= -100.0);
    }
    printf("%s 96000 -> 44100 of a 30 kHz sine: residual %.1f dB; 44100 -> 96000 of 15 kHz: images %.1f dB\n",
           QNAME[q], alias, image);
    free(x);
    free(y);
}

/* Frame counts: predicted exactly, and the whole stream is
   ceil(n * out / in) frames (computed here with unreduced rates). */
static void test_counts_and_latency(void)
{
    float* x = calloc(20000, sizeof(float));
    float* y = calloc(40000, sizeof(float));
    const float* in[1] = {x};
    float* out[1] = {y};
    for (int pi = 0; pi < NPAIRS; pi++)
        for (int q = 0; q < 2; q++) {
            pair p = PAIRS[pi];
            wm_resample r;
            make(&r, p.in_hz, p.out_hz, 1, (wm_resample_quality)q);
            int lat = wm_resample_latency_frames(&r);
            const int lengths[] = {0, 1, 2, lat - 1, lat, lat + 1, 1000, 12345};
            for (int li = 0; li < 8; li++) {
                int n = lengths[li], used;
                wm_resample_reset(&r);
                int predicted = wm_resample_out_frames(&r, n);
                CHECK(predicted <= ((int64_t)(n + 1) * p.out_hz + p.in_hz - 1) / p.in_hz); /* the stated bound */
                int made = wm_resample_process(&r, in, n, &used, out, 40000);
                CHECK_EQ_INT(made, predicted);
                int tail = wm_resample_tail_frames(&r);
                int flushed = wm_resample_flush(&r, out, 40000);
                CHECK_EQ_INT(flushed, tail);
                CHECK_EQ_INT(wm_resample_tail_frames(&r), 0);
                int64_t want = ((int64_t)n * p.out_hz + p.in_hz - 1) / p.in_hz;
                CHECK_EQ_INT(made + flushed, want);
                CHECK_EQ_INT(wm_resample_stream_frames(p.in_hz, p.out_hz, n), want);
            }
            /* Latency: after input frame i, every output k with
               floor(k in / out) + latency <= i is out, and no other. */
            wm_resample_reset(&r);
            int total = 0;
            for (int i = 0; i < 3000; i++) {
                total += wm_resample_process(&r, in, 1, NULL, out, 40000);
                int64_t want = i < lat ? 0 : ((int64_t)(i - lat + 1) * p.out_hz + p.in_hz - 1) / p.in_hz;
                CHECK_EQ_INT(total, want);
            }
        }
    const pair shown[] = {{44100, 48000}, {96000, 44100}, {48000, 7999}};
    for (int q = 0; q < 2; q++)
        for (int i = 0; i < 3; i++) {
            wm_resample r;
            make(&r, shown[i].in_hz, shown[i].out_hz, 1, (wm_resample_quality)q);
            int lat = wm_resample_latency_frames(&r);
            printf("%s %5d -> %5d: latency %d input frames (%.2f ms)\n", QNAME[q], shown[i].in_hz,
                   shown[i].out_hz, lat, 1000.0 * lat / shown[i].in_hz);
        }
    free(x);
    free(y);
}

/* An hour of a 1 kHz sine at 44.1 kHz to 47999 Hz (up/down = 6857/6300, so
   the rows are interpolated): every call returns the predicted count, the
   total is exact, and the last output frames still sit on the analytic
   sine (a drift of a hundredth of a frame would cost the SNR dearly). The
   input comes from a table indexed by (n f) mod in_hz, exact forever. */
static void test_long_run_no_drift(wm_resample_quality q, int seconds)
{
    enum { IN_HZ = 44100, OUT_HZ = 47999, F = 1000, BLOCK = 8192, WINDOW = 65536 };
    float* sin_in = malloc(sizeof(float) * IN_HZ);
    float* x = malloc(sizeof(float) * BLOCK);
    float* y = malloc(sizeof(float) * 2 * BLOCK);
    for (int j = 0; j < IN_HZ; j++)
        sin_in[j] = (float)(0.5 * sin(2.0 * PI * j / IN_HZ));
    wm_resample r;
    make(&r, IN_HZ, OUT_HZ, 1, q);
    const int64_t n_total = (int64_t)seconds * IN_HZ;
    int64_t fed = 0, k = 0, first_k = (int64_t)wm_resample_latency_frames(&r) * 2;
    int64_t last_k = wm_resample_stream_frames(IN_HZ, OUT_HZ, n_total - 2 * r.taps) - WINDOW;
    double sig[2] = {0, 0}, err[2] = {0, 0};
    int phase = 0, mismatches = 0;
    const float* in[1] = {x};
    float* out[1] = {y};
    while (fed < n_total) {
        int n = (int)(n_total - fed < BLOCK ? n_total - fed : 1 + check_rand() % BLOCK);
        for (int i = 0; i < n; i++) {
            x[i] = sin_in[phase];
            phase = phase + F >= IN_HZ ? phase + F - IN_HZ : phase + F;
        }
        int predicted = wm_resample_out_frames(&r, n), used = 0;
        int made = wm_resample_process(&r, in, n, &used, out, 2 * BLOCK);
        mismatches += made != predicted || used != n;
        for (int i = 0; i < made; i++, k++) {
            int w = k >= first_k && k < first_k + WINDOW ? 0 : (k >= last_k && k < last_k + WINDOW ? 1 : -1);
            if (w < 0)
                continue;
            double ref = 0.5 * sin(2.0 * PI * (double)(k * F % OUT_HZ) / OUT_HZ);
            sig[w] += ref * ref;
            err[w] += (y[i] - ref) * (y[i] - ref);
        }
        fed += n;
    }
    k += wm_resample_flush(&r, out, 2 * BLOCK);
    CHECK_EQ_INT(mismatches, 0);
    CHECK_EQ_INT(k, ((int64_t)n_total * OUT_HZ + IN_HZ - 1) / IN_HZ);
    double snr_first = 10.0 * log10(sig[0] / err[0]), snr_last = 10.0 * log10(sig[1] / err[1]);
    CHECK(fabs(snr_last - snr_first) < 0.5);
    CHECK(snr_last >= (q == WM_RESAMPLE_HIGH ? 100.0 : 60.0));
    printf("%s 44100 -> 47999, %d s of input (%lld frames): %lld output frames, exact; 1 kHz SNR %.1f dB at "
           "the start, %.1f dB at the end\n",
           QNAME[q], seconds, (long long)n_total, (long long)k, snr_first, snr_last);
    free(sin_in);
    free(x);
    free(y);
}

/* Stereo noise through one call, and through random blocks with either
   exact or starved output capacity: the same bits. */
static void test_block_split(void)
{
    enum { N = 20000, CAP = 3 * N };
    static float x[2][N], ref[2][CAP], got[2][CAP];
    static const int sizes[] = {1, 2, 3, 21, 128, 300};
    const pair pairs[] = {{44100, 48000}, {44100, 47999}, {96000, 44100}, {48000, 7999}};
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < N; i++)
            x[c][i] = check_noise();
    for (int pi = 0; pi < 4; pi++)
        for (int q = 0; q < 2; q++)
            for (int starve = 0; starve < 2; starve++) {
                wm_resample r;
                make(&r, pairs[pi].in_hz, pairs[pi].out_hz, 2, (wm_resample_quality)q);
                const float* in[2] = {x[0], x[1]};
                float* out[2] = {ref[0], ref[1]};
                int n_ref = wm_resample_process(&r, in, N, NULL, out, CAP);
                float* tail[2] = {ref[0] + n_ref, ref[1] + n_ref};
                n_ref += wm_resample_flush(&r, tail, CAP - n_ref);
                wm_resample_reset(&r);
                int fed = 0, n_got = 0, bad = 0;
                while (fed < N) {
                    int n = sizes[check_rand() % 6];
                    n = n < N - fed ? n : N - fed;
                    int cap = starve ? (int)(check_rand() % 4) : wm_resample_out_frames(&r, n), used;
                    const float* bin[2] = {x[0] + fed, x[1] + fed};
                    float* bout[2] = {got[0] + n_got, got[1] + n_got};
                    int made = wm_resample_process(&r, bin, n, &used, bout, cap);
                    bad += !starve && (made != cap || used != n);
                    fed += used;
                    n_got += made;
                }
                for (int more = 1; more;) {
                    float* bout[2] = {got[0] + n_got, got[1] + n_got};
                    int cap = starve ? 3 : CAP - n_got, made = wm_resample_flush(&r, bout, cap);
                    n_got += made;
                    more = made == cap && made > 0;
                }
                CHECK_EQ_INT(bad, 0);
                CHECK_EQ_INT(n_got, n_ref);
                for (int c = 0; c < 2; c++)
                    CHECK(memcmp(got[c], ref[c], sizeof(float) * n_ref) == 0);
            }
    printf("block split {1,2,3,21,128,300}, exact and starved output room: bit-identical, 4 pairs x 2 modes\n");
}

/* reset() then the same input: the same output as a fresh instance; and
   the state was dirty (without reset the output differs), both channels. */
static void test_reset(void)
{
    enum { N = 3000, CAP = 4 * N };
    static float a[2][N], b[2][N], fresh[2][CAP], again[2][CAP], dirty[2][CAP];
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < N; i++)
            a[c][i] = check_noise(), b[c][i] = check_noise();
    const float* ina[2] = {a[0], a[1]};
    const float* inb[2] = {b[0], b[1]};
    for (int q = 0; q < 2; q++) {
        wm_resample r;
        make(&r, 44100, 47999, 2, (wm_resample_quality)q);
        float* o[3][2] = {{fresh[0], fresh[1]}, {again[0], again[1]}, {dirty[0], dirty[1]}};
        int n_fresh = wm_resample_process(&r, inb, N, NULL, o[0], CAP);
        wm_resample_process(&r, ina, N, NULL, o[1], CAP);
        wm_resample_reset(&r);
        int n_again = wm_resample_process(&r, inb, N, NULL, o[1], CAP);
        wm_resample_reset(&r);
        wm_resample_process(&r, ina, 1234, NULL, o[2], CAP);
        wm_resample_process(&r, inb, N, NULL, o[2], CAP);
        CHECK_EQ_INT(n_again, n_fresh);
        for (int c = 0; c < 2; c++) {
            CHECK(memcmp(fresh[c], again[c], sizeof(float) * n_fresh) == 0);
            CHECK(memcmp(fresh[c], dirty[c], sizeof(float) * 100) != 0);
        }
    }
}

/* 10% NaN/Inf in a million samples: finite, bounded, all counted. */
static void test_hostile(void)
{
    enum { FRAMES = 500000, BLOCK = 1000 };
    static float x[2][BLOCK], y[2][2 * BLOCK];
    for (int q = 0; q < 2; q++) {
        wm_resample r;
        make(&r, 44100, 47999, 2, (wm_resample_quality)q);
        unsigned bad = 0;
        int finite = 1;
        float peak = 0;
        const float* in[2] = {x[0], x[1]};
        float* out[2] = {y[0], y[1]};
        for (int done = 0; done < FRAMES; done += BLOCK) {
            for (int c = 0; c < 2; c++)
                for (int i = 0; i < BLOCK; i++) {
                    x[c][i] = check_hostile(1.0f);
                    bad += !wm_is_finite(x[c][i]);
                }
            int made = wm_resample_process(&r, in, BLOCK, NULL, out, 2 * BLOCK);
            for (int c = 0; c < 2; c++)
                for (int i = 0; i < made; i++) {
                    finite = finite && wm_is_finite(y[c][i]);
                    peak = fmaxf(peak, fabsf(y[c][i]));
                }
        }
        CHECK(finite);
        CHECK(peak < 4.0f);
        CHECK_EQ_INT(r.nonfinite, bad);
        printf("%s hostile: %d samples, %u NaN/Inf counted, output finite, peak %.2f\n", QNAME[q], 2 * FRAMES,
               r.nonfinite, peak);
    }
}

/* Too small an arena: WM_ERR_NOMEM, nothing consumed, the instance left
   alone; memory_size() always suffices, even from an odd base. */
static void test_arena_and_arguments(void)
{
    static unsigned char mem[1 << 20];
    const pair pairs[] = {{44100, 48000}, {44100, 47999}, {48000, 7999}};
    for (int pi = 0; pi < 3; pi++)
        for (int q = 0; q < 2; q++) {
            size_t need = wm_resample_memory_size(pairs[pi].in_hz, pairs[pi].out_hz, 2, (wm_resample_quality)q);
            CHECK(need > 0 && need + 200 <= sizeof mem);
            int seen_ok = 0, order_bad = 0;
            for (int step = 0; step <= 64; step++) {
                wm_arena a;
                wm_arena_init(&a, mem + 3, 100 + need * step / 64);
                CHECK(wm_arena_alloc(&a, 40, 16) != NULL); /* someone else's block */
                size_t mark = wm_arena_mark(&a);
                wm_resample r, untouched;
                memset(&r, 0xAB, sizeof r);
                memcpy(&untouched, &r, sizeof r);
                int err = wm_resample_init(&r, &a, pairs[pi].in_hz, pairs[pi].out_hz, 2, (wm_resample_quality)q);
                if (err == WM_ERR_NOMEM) {
                    CHECK_EQ_INT(wm_arena_mark(&a), mark);
                    CHECK(memcmp(&r, &untouched, sizeof r) == 0);
                    order_bad += seen_ok;
                } else {
                    CHECK_EQ_INT(err, WM_OK);
                    CHECK(a.used - mark <= need);
                    seen_ok = 1;
                }
            }
            CHECK(seen_ok);
            CHECK_EQ_INT(order_bad, 0);
        }
    wm_arena a;
    wm_arena_init(&a, mem, sizeof mem);
    wm_resample r;
    const int bad[][3] = {{999, 48000, 1}, {44100, 768001, 1}, {48000, 749, 1}, {44100, 48000, 0},
                          {44100, 48000, 3}, {-44100, 48000, 1}};
    for (int i = 0; i < 6; i++) {
        CHECK_EQ_INT(wm_resample_init(&r, &a, bad[i][0], bad[i][1], bad[i][2], WM_RESAMPLE_HIGH), WM_ERR_ARG);
        CHECK_EQ_INT(wm_resample_memory_size(bad[i][0], bad[i][1], bad[i][2], WM_RESAMPLE_HIGH), 0);
    }
    CHECK_EQ_INT(wm_resample_init(&r, &a, 44100, 48000, 1, (wm_resample_quality)7), WM_ERR_ARG);
    CHECK_EQ_INT(wm_resample_init(NULL, &a, 44100, 48000, 1, WM_RESAMPLE_HIGH), WM_ERR_ARG);
    CHECK_EQ_INT(wm_resample_init(&r, NULL, 44100, 48000, 1, WM_RESAMPLE_HIGH), WM_ERR_ARG);
    CHECK_EQ_INT(a.used, 0);
    CHECK_EQ_INT(wm_resample_init(&r, &a, 48000, 750, 1, WM_RESAMPLE_HIGH), WM_ERR_ARG); /* 64x: below min rate */
    CHECK_EQ_INT(wm_resample_init(&r, &a, 64000, 1000, 1, WM_RESAMPLE_FAST), WM_OK);  /* 64x down: the limit */
    CHECK_EQ_INT(wm_resample_init(&r, &a, 64001, 1000, 1, WM_RESAMPLE_FAST), WM_ERR_ARG);
    printf("memory: HIGH stereo 44100 -> 48000 %zu bytes, 44100 -> 47999 %zu, 48000 -> 7999 %zu; FAST 44100 -> "
           "48000 %zu\n",
           wm_resample_memory_size(44100, 48000, 2, WM_RESAMPLE_HIGH),
           wm_resample_memory_size(44100, 47999, 2, WM_RESAMPLE_HIGH),
           wm_resample_memory_size(48000, 7999, 2, WM_RESAMPLE_HIGH),
           wm_resample_memory_size(44100, 48000, 2, WM_RESAMPLE_FAST));
}

/* Equal rates: the input comes back frame for frame, bit for bit. */
static void test_equal_rates_identity(void)
{
    enum { N = 5000 };
    static float x[N], y[N + 10];
    for (int i = 0; i < N; i++)
        x[i] = check_noise();
    for (int q = 0; q < 2; q++) {
        wm_resample r;
        make(&r, 48000, 48000, 1, (wm_resample_quality)q);
        const float* in[1] = {x};
        float* out[1] = {y};
        int made = wm_resample_process(&r, in, N, NULL, out, N + 10);
        float* tail[1] = {y + made};
        made += wm_resample_flush(&r, tail, N + 10 - made);
        CHECK_EQ_INT(made, N);
        CHECK(memcmp(x, y, sizeof x) == 0);
    }
}

/* Not asserted: output throughput, 44.1 -> 48 kHz stereo in 128-frame blocks. */
static void bench(wm_resample_quality q, int out_hz)
{
    enum { BLOCK = 128, BLOCKS = 20000 };
    static float x[2][BLOCK], y[2][2 * BLOCK];
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < BLOCK; i++)
            x[c][i] = check_noise();
    wm_resample r;
    make(&r, 44100, out_hz, 2, q);
    const float* in[2] = {x[0], x[1]};
    float* out[2] = {y[0], y[1]};
    struct timespec t0, t1;
    long long frames = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int b = 0; b < BLOCKS; b++)
        frames += wm_resample_process(&r, in, BLOCK, NULL, out, 2 * BLOCK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    printf("perf %s 44100 -> %d stereo, 128-frame blocks (%s): %.1f Msamples/s output (%.1f M frames/s, %.0fx "
           "realtime)\n",
           QNAME[q], out_hz, WM_SIMD_NAME, 2e-6 * frames / s, 1e-6 * frames / s, frames / s / out_hz);
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_arena_and_arguments();
    test_equal_rates_identity();
    test_counts_and_latency();
    test_block_split();
    test_reset();
    test_hostile();
    for (int q = 0; q < 2; q++) {
        test_passband_and_snr((wm_resample_quality)q);
        test_stopband((wm_resample_quality)q);
    }
    test_long_run_no_drift(WM_RESAMPLE_FAST, 3600);
    test_long_run_no_drift(WM_RESAMPLE_HIGH, 600);
    for (int q = 0; q < 2; q++) {
        bench((wm_resample_quality)q, 48000);
        bench((wm_resample_quality)q, 47999);
    }
    return check_finish("test_resample", seed);
}
