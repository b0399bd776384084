/* wm_analyzer.c -- the Web Audio AnalyserNode's analysis, as the spec
   defines it (Web Audio API, "The AnalyserNode Interface": "Time-Domain
   Down-Mixing" and "FFT Windowing and Smoothing over Time"):
     x^[n] = x[n] w[n],  w[n] = 0.42 - 0.5 cos(2 pi n / N) + 0.08 cos(4 pi n / N)
     X[k]  = (1/N) sum_n x^[n] e^(-2 pi i k n / N),      k = 0 .. N/2 - 1
     X^[k] = tau X^_-1[k] + (1 - tau) |X[k]|   (non-finite -> 0)
     Y[k]  = 20 log10 X^[k]
     bytes: floor(255 (Y - min_db) / (max_db - min_db)) and floor(128 (1 + x)),
     each clipped to 0..255.
   The FFT is wm_fft (KissFFT), unscaled; the 1/N is applied to the bins.
   Written for wamix. */
#include "wm_analyzer.h"

static int is_pow2(int n) { return n > 0 && (n & (n - 1)) == 0; }

static int log2i(int n)
{
    int e = 0;
    while ((1 << e) < n)
        e++;
    return e;
}

static int fft_index(int n) { return log2i(n) - log2i(WM_ANALYZER_MIN_FFT); }

static int valid_max(int max_fft_size)
{
    return is_pow2(max_fft_size) && max_fft_size >= WM_ANALYZER_MIN_FFT && max_fft_size <= WM_ANALYZER_MAX_FFT;
}

#define ALIGN_SLACK 15

size_t wm_analyzer_memory_size(int max_fft_size)
{
    if (!valid_max(max_fft_size))
        return 0;
    size_t n = (size_t)max_fft_size, bytes = 0;
    for (int size = WM_ANALYZER_MIN_FFT; size <= max_fft_size; size *= 2)
        bytes += wm_fft_memory_size(size);
    bytes += 3 * (n * sizeof(float) + ALIGN_SLACK);               /* ring, window, frame */
    bytes += (n / 2 + 1) * sizeof(wm_complex) + ALIGN_SLACK;      /* bins */
    bytes += 2 * (n / 2 * sizeof(float) + ALIGN_SLACK);           /* smoothed, db */
    return bytes;
}

static float* take_floats(wm_arena* a, size_t count) { return wm_arena_alloc(a, count * sizeof(float), 16); }

/* Only the current size's bins: a later size change clears its own. */
static void clear_spectrum(wm_analyzer* an)
{
    int bins = an->fft_size / 2;
    memset(an->smoothed, 0, (size_t)bins * sizeof(float));
    for (int k = 0; k < bins; k++)
        an->db[k] = WM_ANALYZER_FLOOR_DB;
    an->fresh = 1;
}

int wm_analyzer_init(wm_analyzer* an, wm_arena* a, int channels, int max_fft_size)
{
    if (!an || !a || channels < 1 || channels > WM_MAX_CHANNELS || !valid_max(max_fft_size))
        return WM_ERR_ARG;
    size_t mark = wm_arena_mark(a), n = (size_t)max_fft_size;
    memset(an, 0, sizeof *an);
    for (int size = WM_ANALYZER_MIN_FFT; size <= max_fft_size; size *= 2)
        if (wm_fft_init(&an->fft[fft_index(size)], a, size) != WM_OK)
            goto nomem;
    an->ring = take_floats(a, n);
    an->window = take_floats(a, n);
    an->frame = take_floats(a, n);
    an->bins = wm_arena_alloc(a, (n / 2 + 1) * sizeof(wm_complex), 16);
    an->smoothed = take_floats(a, n / 2);
    an->db = take_floats(a, n / 2);
    if (!an->ring || !an->window || !an->frame || !an->bins || !an->smoothed || !an->db)
        goto nomem;

    const double two_pi = 6.283185307179586476925;
    for (size_t i = 0; i < n; i++) {
        double t = two_pi * (double)i / (double)n;
        an->window[i] = (float)(0.42 - 0.5 * wm_cos(t) + 0.08 * wm_cos(2.0 * t));
    }
    an->max_fft_size = max_fft_size;
    an->fft_size = max_fft_size < 2048 ? max_fft_size : 2048;
    an->channels = channels;
    an->smoothing = 0.8f;
    an->min_db = -100.0f;
    an->max_db = -30.0f;
    wm_analyzer_reset(an);
    return WM_OK;
nomem:
    wm_arena_rollback(a, mark);
    memset(an, 0, sizeof *an);
    return WM_ERR_NOMEM;
}

void wm_analyzer_reset(wm_analyzer* an)
{
    memset(an->ring, 0, (size_t)an->max_fft_size * sizeof(float));
    an->write = 0;
    clear_spectrum(an);
}

int wm_analyzer_set_fft_size(wm_analyzer* an, int fft_size)
{
    if (!is_pow2(fft_size))
        return WM_ERR_ARG;
    int err = WM_OK;
    if (fft_size < WM_ANALYZER_MIN_FFT || fft_size > an->max_fft_size) {
        fft_size = fft_size < WM_ANALYZER_MIN_FFT ? WM_ANALYZER_MIN_FFT : an->max_fft_size;
        err = WM_ERR_RANGE;
    }
    if (fft_size != an->fft_size) {
        an->fft_size = fft_size;
        clear_spectrum(an);
    }
    return err;
}

int wm_analyzer_set_smoothing(wm_analyzer* an, float tau)
{
    int err = wm_check_range(&tau, 0.0f, 1.0f);
    if (err != WM_ERR_ARG)
        an->smoothing = tau;
    return err;
}

int wm_analyzer_set_range_db(wm_analyzer* an, float min_db, float max_db)
{
    int e1 = wm_check_range(&min_db, WM_ANALYZER_FLOOR_DB, WM_ANALYZER_CEILING_DB);
    int e2 = wm_check_range(&max_db, WM_ANALYZER_FLOOR_DB, WM_ANALYZER_CEILING_DB);
    if (e1 == WM_ERR_ARG || e2 == WM_ERR_ARG || !(min_db < max_db))
        return WM_ERR_ARG;
    an->min_db = min_db;
    an->max_db = max_db;
    return e1 != WM_OK ? e1 : e2;
}

/* Replaces a non-finite x by 0 and counts it; written without a branch on
   the value so the loops below vectorise. */
static inline float sanitize(float x, unsigned* bad)
{
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    uint32_t finite = (bits & 0x7f800000u) != 0x7f800000u;
    *bad += finite ^ 1u;
    bits &= 0u - finite;
    memcpy(&x, &bits, sizeof x);
    return x;
}

void wm_analyzer_process(wm_analyzer* an, const float* const* in, int n)
{
    const int mask = an->max_fft_size - 1;
    unsigned bad = 0;
    int done = 0;
    while (done < n) {
        int run = an->max_fft_size - an->write; /* contiguous room before the ring wraps */
        if (run > n - done)
            run = n - done;
        float* dst = an->ring + an->write;
        const float* l = in[0] + done;
        if (an->channels == 1) {
            for (int i = 0; i < run; i++)
                dst[i] = sanitize(l[i], &bad);
        } else {
            const float* r = in[1] + done;
            for (int i = 0; i < run; i++) /* halves first: L + R could overflow */
                dst[i] = 0.5f * sanitize(l[i], &bad) + 0.5f * sanitize(r[i], &bad);
        }
        an->write = (an->write + run) & mask;
        done += run;
    }
    an->nonfinite += bad;
    if (n > 0)
        an->fresh = 1;
}

int wm_analyzer_compute(wm_analyzer* an)
{
    if (!an->fresh)
        return 0;
    const int n = an->fft_size, stride = an->max_fft_size / n, mask = an->max_fft_size - 1;
    const int start = (an->write - n) & mask;
    for (int i = 0; i < n; i++)
        an->frame[i] = an->ring[(start + i) & mask] * an->window[i * stride];
    wm_fft_forward(&an->fft[fft_index(n)], an->frame, an->bins);

    /* 1/n is a power of two, so scaling before squaring is exact and keeps
       re^2 + im^2 from overflowing until the input itself is absurd. */
    const float scale = 1.0f / (float)n, tau = an->smoothing, fresh_part = 1.0f - tau;
    for (int k = 0; k < n / 2; k++) {
        float re = an->bins[k].re * scale, im = an->bins[k].im * scale;
        float x = tau * an->smoothed[k] + fresh_part * sqrtf(re * re + im * im);
        if (!wm_is_finite(x) || x < WM_DENORMAL_FLUSH)
            x = 0.0f;
        an->smoothed[k] = x;
        an->db[k] = x > 0.0f ? 20.0f * (float)wm_log10(x) : WM_ANALYZER_FLOOR_DB;
    }
    an->fresh = 0;
    return 1;
}

static int clamp_len(int len, int count) { return len < 0 ? 0 : (len < count ? len : count); }

int wm_analyzer_frequency_db(const wm_analyzer* an, float* out, int len)
{
    len = clamp_len(len, an->fft_size / 2);
    memcpy(out, an->db, (size_t)len * sizeof(float));
    return len;
}

/* As the spec's prose puts it: Y clipped to [min_db, max_db], then scaled,
   so max_db is exactly 255 whatever the rounding of the scale. */
int wm_analyzer_frequency_bytes(const wm_analyzer* an, uint8_t* out, int len)
{
    len = clamp_len(len, an->fft_size / 2);
    const double min_db = an->min_db, max_db = an->max_db, range = max_db - min_db;
    for (int k = 0; k < len; k++) {
        double y = an->db[k];
        out[k] = y >= max_db ? 255 : (y <= min_db ? 0 : (uint8_t)floor(255.0 * (y - min_db) / range));
    }
    return len;
}

int wm_analyzer_time_domain(const wm_analyzer* an, float* out, int len)
{
    len = clamp_len(len, an->fft_size);
    const int mask = an->max_fft_size - 1, start = (an->write - an->fft_size) & mask;
    for (int i = 0; i < len; i++)
        out[i] = an->ring[(start + i) & mask];
    return len;
}

/* floor(128 (1 + x)) = 128 + floor(128 x): 128 x is exact in float, so the
   result is exact even where 1 + x would round (|x| below 2^-24). */
int wm_analyzer_time_domain_bytes(const wm_analyzer* an, uint8_t* out, int len)
{
    len = clamp_len(len, an->fft_size);
    const int mask = an->max_fft_size - 1, start = (an->write - an->fft_size) & mask;
    for (int i = 0; i < len; i++) {
        float f = floorf(128.0f * an->ring[(start + i) & mask]);
        out[i] = (uint8_t)(128 + (int)wm_clampf(f, -128.0f, 127.0f));
    }
    return len;
}
