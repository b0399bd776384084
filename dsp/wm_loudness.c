/* wm_loudness.c -- loudness metering per ITU-R BS.1770-4 (K-weighting, mean
   square, gating) with the EBU R 128 time scales (EBU Tech 3341) and the
   loudness range of EBU Tech 3342. Written for wamix from those documents.

   Signal path per channel: sanitise -> true-peak detector (wm_truepeak) and
   K-weighting (two biquads, in double) -> sum of squares per 10 ms. Everything
   after that works on the 10 ms sums: windows are sums over a ring of them,
   gating works on 100 ms steps. Accumulation order depends only on the
   meter's own 10 ms clock, so any split of the input gives the same bits. */
#include "wm_loudness.h"

#define PI 3.14159265358979323846
#define LUFS_OFFSET (-0.691) /* BS.1770: L = -0.691 + 10 log10(sum of G_i * mean square_i) */
#define INPUT_LIMIT 1e6f
#define CHUNK 256

/* Analog prototypes of the two stages, normalised to s = j f / f0:
     shelf     H(s) = (VH s^2 + VB s / Q + 1) / (s^2 + s / Q + 1)
     high-pass H(s) = G s^2 / (s^2 + s / Q + 1)
   BS.1770 publishes only 48 kHz coefficients; these parameters are what
   inverting their bilinear transform (prewarped at f0) gives, and the test
   checks the round trip to 1e-6. G is the passband gain implied by the
   published numerator 1, -2, 1 (+0.043 dB), kept at every rate. */
#define SHELF_F0_HZ 1681.9744509555323
#define SHELF_Q 0.7071752369554193
#define SHELF_VH 1.5848647011308556 /* +4.0 dB */
#define SHELF_VB 1.2587209302325613
#define RLB_F0_HZ 38.13547087611304
#define RLB_Q 0.5003270373250421
#define RLB_G 1.0049948987146884

/* The bilinear transform s <- (1 / K) (1 - 1/z) / (1 + 1/z), K = tan(pi f0 / fs),
   of (n2 s^2 + n1 s + n0) / (s^2 + s / q + 1), into c = {b0, b1, b2, a1, a2}. */
static void bilinear(double n2, double n1, double n0, double f0_hz, double q, double fs, double c[5])
{
    double k = wm_tan(PI * f0_hz / fs), k2 = k * k, a0 = 1.0 + k / q + k2;
    c[0] = (n2 + n1 * k + n0 * k2) / a0;
    c[1] = 2.0 * (n0 * k2 - n2) / a0;
    c[2] = (n2 - n1 * k + n0 * k2) / a0;
    c[3] = 2.0 * (k2 - 1.0) / a0;
    c[4] = (1.0 - k / q + k2) / a0;
}

void wm_loudness_k_weighting(float sample_rate, double shelf[5], double highpass[5])
{
    bilinear(SHELF_VH, SHELF_VB / SHELF_Q, 1.0, SHELF_F0_HZ, SHELF_Q, sample_rate, shelf);
    bilinear(RLB_G, 0.0, 0.0, RLB_F0_HZ, RLB_Q, sample_rate, highpass);
}

/* Both stages in transposed direct form II, in double: the high-pass poles
   sit so close to z = 1 (1 + a1 + a2 is 2.5e-5 at 48 kHz, 1.6e-6 at
   192 kHz) that rounding a1 and a2 to float would move its corner by
   several per cent at high rates. Returns the sum of squares added to `sum`. */
static double k_weighted_sum(const double* s, const double* h, double z[4], const float* x, int n, double sum)
{
    double s1 = z[0], s2 = z[1], h1 = z[2], h2 = z[3];
    for (int i = 0; i < n; i++) {
        double v = x[i];
        double y = s[0] * v + s1;
        s1 = s[1] * v - s[3] * y + s2;
        s2 = s[2] * v - s[4] * y;
        double u = h[0] * y + h1;
        h1 = h[1] * y - h[3] * u + h2;
        h2 = h[2] * y - h[4] * u;
        sum += u * u;
    }
    z[0] = s1;
    z[1] = s2;
    z[2] = h1;
    z[3] = h2;
    return sum;
}

static double lufs_of(double mean_sq) { return LUFS_OFFSET + 10.0 * wm_log10(mean_sq); }
static double mean_sq_of(double lufs) { return wm_pow10((lufs - LUFS_OFFSET) / 10.0); }

static float reading(double mean_sq)
{
    double lufs = mean_sq > 0.0 ? lufs_of(mean_sq) : WM_SILENCE_DB;
    return lufs > WM_SILENCE_DB ? (float)lufs : WM_SILENCE_DB;
}

WM_COLD int wm_loudness_init(wm_loudness* l, float sample_rate, int channels)
{
    if (!(sample_rate >= 8000.0f && sample_rate <= 768000.0f) || channels < 1 || channels > WM_MAX_CHANNELS)
        return WM_ERR_ARG;
    memset(l, 0, sizeof *l);
    wm_loudness_k_weighting(sample_rate, l->shelf, l->highpass);
    for (int c = 0; c < WM_MAX_CHANNELS; c++)
        wm_truepeak_init(&l->tp[c]);
    l->channels = channels;
    l->sub_frames = (int)(sample_rate * WM_LOUDNESS_SUB_MS / 1000.0f + 0.5f);
    wm_loudness_reset(l);
    return WM_OK;
}

void wm_loudness_reset(wm_loudness* l)
{
    memset(l->z, 0, sizeof l->z);
    memset(l->peak, 0, sizeof l->peak);
    memset(l->sum, 0, sizeof l->sum);
    memset(l->ring, 0, sizeof l->ring);
    memset(&l->blocks, 0, sizeof l->blocks);
    memset(&l->short_terms, 0, sizeof l->short_terms);
    for (int c = 0; c < WM_MAX_CHANNELS; c++)
        wm_truepeak_reset(&l->tp[c]);
    l->max_m = l->max_s = 0.0;
    l->frame = l->ring_pos = l->subs = l->sub_in_update = 0;
    l->momentary = l->short_term = l->max_momentary = l->max_short_term = WM_SILENCE_DB;
    l->integrated = WM_LOUDNESS_ABS_GATE_LUFS;
    l->range = 0.0f;
    l->nonfinite = 0;
}

static int bin_of(double lufs)
{
    double b = floor((lufs - WM_LOUDNESS_ABS_GATE_LUFS) / WM_LOUDNESS_HIST_LU);
    return b < 0.0 ? 0 : (b >= WM_LOUDNESS_HIST_BINS ? WM_LOUDNESS_HIST_BINS - 1 : (int)b);
}

static double centre_lufs(int bin) { return WM_LOUDNESS_ABS_GATE_LUFS + (bin + 0.5) * WM_LOUDNESS_HIST_LU; }

static void hist_add(wm_loudness_hist* h, double mean_sq)
{
    h->count[bin_of(lufs_of(mean_sq))]++;
    h->total += mean_sq;
    h->n++;
}

/* The first bin whose centre is above the relative gate, rel_lu below the
   (exact) mean of everything counted, all of which passed the absolute gate.
   The top bin holds everything louder than it and always passes. */
static int hist_gate(const wm_loudness_hist* h, double rel_lu)
{
    double gate = lufs_of(h->total / h->n) + rel_lu;
    int b = bin_of(gate);
    return centre_lufs(b) > gate || b == WM_LOUDNESS_HIST_BINS - 1 ? b : b + 1;
}

static float integrated(const wm_loudness_hist* h)
{
    const double ratio = wm_pow10(WM_LOUDNESS_HIST_LU / 10.0); /* mean square from one bin to the next */
    int b = hist_gate(h, -10.0);
    double bin_mean_sq = mean_sq_of(centre_lufs(b)), sum = 0.0;
    uint32_t n = 0;
    for (; b < WM_LOUDNESS_HIST_BINS; b++, bin_mean_sq *= ratio) {
        sum += h->count[b] * bin_mean_sq;
        n += h->count[b];
    }
    return n > 0 ? (float)lufs_of(sum / n) : WM_LOUDNESS_ABS_GATE_LUFS;
}

/* Nearest rank (counted from 0: round(p (n - 1))) among the n values in
   bins from `first` on. */
static double percentile(const wm_loudness_hist* h, int first, uint32_t n, double p)
{
    uint32_t rank = (uint32_t)(p * (n - 1) + 0.5);
    int b = first;
    while (b < WM_LOUDNESS_HIST_BINS - 1 && rank >= h->count[b])
        rank -= h->count[b++];
    return centre_lufs(b);
}

static float loudness_range(const wm_loudness_hist* h)
{
    int first = hist_gate(h, -20.0);
    uint32_t n = 0;
    for (int b = first; b < WM_LOUDNESS_HIST_BINS; b++)
        n += h->count[b];
    if (n < 2)
        return 0.0f;
    return (float)(percentile(h, first, n, 0.95) - percentile(h, first, n, 0.10));
}

/* Mean square over the last `subs` 10 ms sub-blocks, channels added. */
static double window(const wm_loudness* l, int subs)
{
    double e = 0.0;
    int p = l->ring_pos;
    for (int j = 0; j < subs; j++) {
        p = p == 0 ? WM_LOUDNESS_SHORT_SUBS - 1 : p - 1;
        e += l->ring[p];
    }
    return e / ((double)subs * l->sub_frames);
}

/* Every 100 ms: a gating block and a 3 s value (once their windows are
   full), and fresh readings. */
static void update(wm_loudness* l, double m, double s)
{
    const double gate = mean_sq_of(WM_LOUDNESS_ABS_GATE_LUFS);
    if (l->subs >= WM_LOUDNESS_MOMENTARY_SUBS && m > gate) {
        hist_add(&l->blocks, m);
        l->integrated = integrated(&l->blocks);
    }
    if (l->subs >= WM_LOUDNESS_SHORT_SUBS && s > gate) {
        hist_add(&l->short_terms, s);
        l->range = loudness_range(&l->short_terms);
    }
    l->momentary = reading(m);
    l->short_term = reading(s);
    l->max_momentary = reading(l->max_m);
    l->max_short_term = reading(l->max_s);
}

static void end_sub(wm_loudness* l)
{
    double e = 0.0;
    for (int c = 0; c < l->channels; c++) {
        e += l->sum[c];
        l->sum[c] = 0.0;
        for (int j = 0; j < 4; j++)
            l->z[c][j] = fabs(l->z[c][j]) < WM_DENORMAL_FLUSH ? 0.0 : l->z[c][j];
    }
    l->ring[l->ring_pos] = e;
    l->ring_pos = (l->ring_pos + 1) % WM_LOUDNESS_SHORT_SUBS;
    if (l->subs < WM_LOUDNESS_SHORT_SUBS)
        l->subs++;
    l->frame = 0;
    double m = window(l, WM_LOUDNESS_MOMENTARY_SUBS), s = window(l, WM_LOUDNESS_SHORT_SUBS);
    l->max_m = m > l->max_m ? m : l->max_m;
    l->max_s = s > l->max_s ? s : l->max_s;
    if (++l->sub_in_update == WM_LOUDNESS_UPDATE_SUBS) {
        l->sub_in_update = 0;
        update(l, m, s);
    }
}

void wm_loudness_process(wm_loudness* l, const float* const* ch, int n)
{
    float buf[CHUNK];
    int i = 0;
    while (i < n) {
        int len = l->sub_frames - l->frame;
        len = len < n - i ? len : n - i;
        len = len < CHUNK ? len : CHUNK;
        for (int c = 0; c < l->channels; c++) {
            const float* x = ch[c] + i;
            for (int k = 0; k < len; k++) {
                float v = x[k];
                if (!wm_is_finite(v)) {
                    v = 0.0f;
                    l->nonfinite++;
                }
                buf[k] = wm_clampf(v, -INPUT_LIMIT, INPUT_LIMIT);
            }
            float tp = wm_truepeak_process(&l->tp[c], buf, NULL, len);
            l->peak[c] = tp > l->peak[c] ? tp : l->peak[c];
            l->sum[c] = k_weighted_sum(l->shelf, l->highpass, l->z[c], buf, len, l->sum[c]);
        }
        l->frame += len;
        i += len;
        if (l->frame == l->sub_frames)
            end_sub(l);
    }
}

float wm_loudness_momentary_lufs(const wm_loudness* l) { return l->momentary; }
float wm_loudness_short_term_lufs(const wm_loudness* l) { return l->short_term; }
float wm_loudness_integrated_lufs(const wm_loudness* l) { return l->integrated; }
float wm_loudness_range_lu(const wm_loudness* l) { return l->range; }
float wm_loudness_max_momentary_lufs(const wm_loudness* l) { return l->max_momentary; }
float wm_loudness_max_short_term_lufs(const wm_loudness* l) { return l->max_short_term; }
unsigned wm_loudness_nonfinite(const wm_loudness* l) { return l->nonfinite; }

float wm_loudness_true_peak_dbtp(const wm_loudness* l, int channel)
{
    return channel >= 0 && channel < l->channels ? wm_lin_to_db(l->peak[channel]) : WM_SILENCE_DB;
}
