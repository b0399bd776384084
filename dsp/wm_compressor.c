/* wm_compressor.c -- feed-forward compressor, log-domain gain computer.

   After D. Giannoulis, M. Massberg and J. D. Reiss, "Digital Dynamic Range
   Compressor Design -- A Tutorial and Analysis", J. Audio Eng. Soc. 60(6),
   2012: their static curve with the quadratic soft knee, and their "smooth
   branching" peak detector placed in the log domain, on the gain reduction
   in dB, so that attack and release are exact time constants of the gain
   in dB whatever the level.
   Written for wamix from the paper; MIT licence like the rest of the project.

   The level is detected as a power (x^2, or its one-pole mean in RMS mode):
   10 log10 of it is the level in dB in both modes, so one code path serves
   both. Per sub-block of WM_COMP_SUBBLOCK frames the work is split into
   loops with no dependency between frames (log2, static curve, exp2,
   multiply: the compiler vectorises them) and the two one-pole recursions
   (mean square, gain smoothing), which are inherently serial. The gain
   smoothing, the one that always runs, runs in the lanes of a wm_v4: one
   compressor's lanes alone, or those of up to four side by side
   (wm_compressor_process_group), which is where a mixer of many tracks
   spends its time. */
#include "wm_compressor.h"

#include "wm_biquad4.h"
#include "wm_fastmath.h"

#define HPF_GLIDE_MS 20.0f
#define POWER_CEILING 1e30f /* +300 dB: x^2 of a huge finite sample stays finite */

wm_compressor_params wm_compressor_defaults(void)
{
    wm_compressor_params p = {-20.0f, 4.0f, 6.0f, 10.0f, 100.0f, 0.0f, WM_COMP_PEAK, 10.0f, 1, 0.0f};
    return p;
}

/* Clamps v into [lo, hi], or keeps prev for NaN; records what happened in
   *err (WM_ERR_ARG outranks WM_ERR_RANGE). */
static float sane(float v, float lo, float hi, float prev, int* err)
{
    if (v != v) {
        *err = WM_ERR_ARG;
        return prev;
    }
    if (v < lo || v > hi) {
        if (*err == WM_OK)
            *err = WM_ERR_RANGE;
        return wm_clampf(v, lo, hi);
    }
    return v;
}

/* One-pole coefficient that covers 1 - 1/e of a step in ms milliseconds. */
static float one_pole(float ms, float sample_rate)
{
    float samples = ms * 0.001f * sample_rate;
    return samples > 0.0f ? 1.0f - (float)wm_exp(-1.0 / samples) : 1.0f;
}

/* Validates *p against c->p and installs the result; returns the worst error. */
static int apply_params(wm_compressor* c, const wm_compressor_params* p)
{
    const wm_compressor_params* o = &c->p;
    wm_compressor_params s;
    int err = WM_OK;
    s.threshold_db = sane(p->threshold_db, -100.0f, 20.0f, o->threshold_db, &err);
    s.ratio = sane(p->ratio, 1.0f, INFINITY, o->ratio, &err);
    s.knee_db = sane(p->knee_db, 0.0f, 48.0f, o->knee_db, &err);
    if (s.knee_db < 1e-3f)
        s.knee_db = 0.0f; /* a hard knee: 0.5 / knee overflows for a denormal knee, and 0 * inf is NaN */
    s.attack_ms = sane(p->attack_ms, 0.0f, 1000.0f, o->attack_ms, &err);
    s.release_ms = sane(p->release_ms, 1.0f, 10000.0f, o->release_ms, &err);
    s.makeup_db = sane(p->makeup_db, -48.0f, 48.0f, o->makeup_db, &err);
    s.rms_ms = sane(p->rms_ms, 0.1f, 1000.0f, o->rms_ms, &err);
    s.detect = p->detect;
    if (s.detect != WM_COMP_PEAK && s.detect != WM_COMP_RMS) {
        s.detect = o->detect;
        err = WM_ERR_ARG;
    }
    s.link = p->link != 0;
    s.sidechain_hpf_hz = p->sidechain_hpf_hz == 0.0f
                             ? 0.0f
                             : sane(p->sidechain_hpf_hz, 20.0f, 2000.0f, o->sidechain_hpf_hz, &err);

    c->slope = 1.0f - 1.0f / s.ratio;
    c->half_knee = 0.5f * s.knee_db;
    c->inv_2knee = s.knee_db > 0.0f ? 0.5f / s.knee_db : 0.0f;
    c->attack_coef = one_pole(s.attack_ms, c->sample_rate);
    c->release_coef = one_pole(s.release_ms, c->sample_rate);
    c->rms_coef = one_pole(s.rms_ms, c->sample_rate);
    wm_smooth_set(&c->makeup, s.makeup_db);
    if (s.sidechain_hpf_hz > 0.0f) {
        wm_biquad_params hp = {WM_BIQUAD_HIGHPASS, s.sidechain_hpf_hz, 0.70710678f, 0.0f};
        wm_filter_set(&c->hpf, &hp);
        if (o->sidechain_hpf_hz == 0.0f) /* switched on: start clean at the new cutoff */
            wm_filter_reset(&c->hpf);
    }
    c->p = s;
    return err;
}

WM_COLD int wm_compressor_init(wm_compressor* c, const wm_compressor_params* p, int channels, float sample_rate)
{
    if (!c || !p || channels < 1 || channels > WM_MAX_CHANNELS ||
        !(sample_rate >= 8000.0f && sample_rate <= 768000.0f))
        return WM_ERR_ARG;
    memset(c, 0, sizeof *c);
    c->sample_rate = sample_rate;
    c->channels = channels;
    c->p = wm_compressor_defaults();
    wm_biquad_params hp = {WM_BIQUAD_HIGHPASS, 100.0f, 0.70710678f, 0.0f};
    if (wm_filter_init(&c->hpf, &hp, channels, sample_rate, HPF_GLIDE_MS) != WM_OK)
        return WM_ERR_ARG;
    wm_smooth_init(&c->makeup, c->p.makeup_db, (int)(WM_COMP_MAKEUP_MS * 0.001f * sample_rate));
    if (apply_params(c, p) != WM_OK)
        return WM_ERR_ARG;
    wm_compressor_reset(c);
    return WM_OK;
}

int wm_compressor_set(wm_compressor* c, const wm_compressor_params* p) { return apply_params(c, p); }

void wm_compressor_reset(wm_compressor* c)
{
    wm_filter_reset(&c->hpf);
    wm_smooth_snap(&c->makeup);
    memset(c->mean_sq, 0, sizeof c->mean_sq);
    memset(c->gr_db, 0, sizeof c->gr_db);
    c->gr_max_db = 0.0f;
    c->phase = 0;
}

/* Target gain reduction (>= 0 dB) for a steady level: 0 below the knee,
   slope * (level - threshold) above it, and in the knee the quadratic that
   joins the two with matching value and slope. Branch-free, so the loop
   that calls it vectorises. */
static inline float static_gr_db(const wm_compressor* c, float level_db)
{
    float d = level_db - c->p.threshold_db;
    float k = wm_fast_minf(wm_fast_maxf(d + c->half_knee, 0.0f), c->p.knee_db);
    float over = wm_fast_maxf(d - c->half_knee, 0.0f);
    return c->slope * (k * k * c->inv_2knee + over);
}

float wm_compressor_curve_db(const wm_compressor* c, float in_db)
{
    return in_db - static_gr_db(c, in_db) + c->makeup.target;
}

/* Copies n samples, replacing NaN/Inf by 0; returns how many it replaced. */
static int copy_sanitized(const float* restrict src, float* restrict dst, int n)
{
    int bad = 0;
    for (int i = 0; i < n; i++) {
        int ok = wm_is_finite(src[i]);
        dst[i] = ok ? src[i] : 0.0f;
        bad += !ok;
    }
    return bad;
}

/* One sub-block of one compressor on its way through the three steps. */
typedef struct {
    wm_compressor* c;
    float* const* out;
    int lanes;                                     /* smoothed reductions: 1 while linked channels agree */
    float x[WM_MAX_CHANNELS][WM_COMP_SUBBLOCK];    /* sanitised input */
    float det[WM_MAX_CHANNELS][WM_COMP_SUBBLOCK];  /* key, then its power, then the target reduction */
    float gain[WM_MAX_CHANNELS][WM_COMP_SUBBLOCK]; /* per lane: reduction in dB, then the linear gain */
    float makeup[WM_COMP_SUBBLOCK];
} subblock;

/* Step 1: the target reduction of each frame, from the input or the key. */
static void detect(subblock* w, const float* const* in, const float* const* key, int off, int n)
{
    wm_compressor* c = w->c;
    const int nch = c->channels, rms = c->p.detect == WM_COMP_RMS;
    float* det_ch[WM_MAX_CHANNELS];
    for (int ch = 0; ch < WM_MAX_CHANNELS; ch++)
        det_ch[ch] = w->det[ch];

    /* the key is copied (and filtered) only when it is not the input */
    const int own_key = key || c->p.sidechain_hpf_hz > 0.0f;
    for (int ch = 0; ch < nch; ch++) {
        c->nonfinite += (uint32_t)copy_sanitized(in[ch] + off, w->x[ch], n);
        if (key)
            c->nonfinite += (uint32_t)copy_sanitized(key[ch] + off, w->det[ch], n);
        else if (own_key)
            memcpy(w->det[ch], w->x[ch], (size_t)n * sizeof(float));
    }
    if (c->p.sidechain_hpf_hz > 0.0f)
        wm_filter_process(&c->hpf, det_ch, n);

    /* The power; in RMS mode its one-pole mean, a serial recursion written
       as (1 - k) y + k x (a multiply and an add on the serial path). Peak
       mode uses the power itself and moves the mean on once per sub-block
       from the block's mean power (wm_one_pole_block), so that a switch to
       RMS starts near the truth at no per-sample cost. */
    const float k_rms = c->rms_coef, keep_rms = 1.0f - k_rms;
    for (int ch = 0; ch < nch; ch++) {
        const float* k = own_key ? w->det[ch] : w->x[ch];
        float* det = w->det[ch];
        float ms = c->mean_sq[ch], sum = 0.0f;
        for (int i = 0; i < n; i++)
            det[i] = wm_fast_minf(k[i] * k[i], POWER_CEILING); /* NaN too */
        if (rms)
            for (int i = 0; i < n; i++)
                det[i] = ms = keep_rms * ms + k_rms * det[i];
        else {
            for (int i = 0; i < n; i++)
                sum += det[i];
            ms = wm_one_pole_block(ms, keep_rms, sum / (float)n, n);
        }
        c->mean_sq[ch] = ms;
    }

    const int targets = c->p.link ? 1 : nch; /* linked: lane 0 carries the loudest channel */
    for (int ch = 1; ch < nch && c->p.link; ch++)
        for (int i = 0; i < n; i++)
            w->det[0][i] = wm_fast_maxf(w->det[ch][i], w->det[0][i]);
    for (int l = 0; l < targets; l++)
        for (int i = 0; i < n; i++)
            w->det[l][i] = static_gr_db(c, 0.5f * WM_DB_PER_LOG2 * wm_fast_log2(w->det[l][i]));
    for (int i = 0; i < n; i++)
        w->makeup[i] = wm_smooth_next(&c->makeup);

    /* Every channel keeps its own smoothed reduction even when linked: fed
       the same target they stay identical, and a change of link reaches the
       gain through the smoothing instead of as a step. Linked channels whose
       reductions agree share one lane (the usual case). */
    int shared = c->p.link;
    for (int ch = 1; ch < nch; ch++)
        shared &= c->gr_db[ch] == c->gr_db[0];
    w->lanes = shared ? 1 : nch;
}

/* Step 2, the serial part: the attack/release smoothing of up to four
   lanes (of one or several compressors) side by side in a wm_v4.
   Attack where the target is above y, release below: both steps move y
   toward t, the faster one further, so the step wanted is the larger of
   the two (rising, attack faster) or the smaller (falling, release
   slower), and the other way round when the attack is the slower one. A
   max (or min) of two independent multiply-adds is a shorter serial path
   than a compare, a select and then the multiply-add; a lane that wants
   the min runs negated (below), so that every lane takes the max. */
static void smooth(subblock* const* w, int count, int n)
{
    wm_v4 ka = {0}, kr = {0}, y = {0}, peak = {0}, sign = {1.0f, 1.0f, 1.0f, 1.0f};
    const float* target[4] = {NULL};
    float* gain[4] = {NULL};
    int lanes = 0;
    for (int k = 0; k < count; k++) {
        const wm_compressor* c = w[k]->c;
        for (int l = 0; l < w[k]->lanes; l++, lanes++) {
            target[lanes] = w[k]->det[c->p.link ? 0 : l];
            gain[lanes] = w[k]->gain[l];
            ka[lanes] = c->attack_coef;
            kr[lanes] = c->release_coef;
            y[lanes] = c->gr_db[l];
            sign[lanes] = c->attack_coef >= c->release_coef ? 1.0f : -1.0f;
        }
    }
    const wm_v4 keep_a = 1.0f - ka, keep_r = 1.0f - kr;
    wm_v4 t[WM_COMP_SUBBLOCK];
    for (int at = 0; at < n; at += WM_BIQUAD4_SUBBLOCK) /* the most it packs at once */
        wm_biquad4_pack(target, at, t + at, n - at < WM_BIQUAD4_SUBBLOCK ? n - at : WM_BIQUAD4_SUBBLOCK);
    /* The recursion runs on sign * y: a lane whose attack is the slower one
       takes the min, which is the max of the negated steps (negation is
       exact), so the serial path is two multiply-adds and one max. */
    y *= sign;
    for (int i = 0; i < n; i++) {
        wm_v4 x = sign * t[i];
        y = wm_v4_max(keep_a * y + ka * x, keep_r * y + kr * x); /* finite: the max is exact */
        t[i] = sign * y;
        peak = wm_v4_max(peak, t[i]);
    }
    y *= sign;
    for (int at = 0; at < n; at += WM_BIQUAD4_SUBBLOCK)
        wm_biquad4_unpack(t + at, gain, at, n - at < WM_BIQUAD4_SUBBLOCK ? n - at : WM_BIQUAD4_SUBBLOCK);
    lanes = 0;
    for (int k = 0; k < count; k++) {
        wm_compressor* c = w[k]->c;
        for (int ch = 0; ch < c->channels; ch++)
            c->gr_db[ch] = y[lanes + (w[k]->lanes == 1 ? 0 : ch)];
        for (int l = 0; l < w[k]->lanes; l++, lanes++)
            c->gr_max_db = wm_fast_maxf(c->gr_max_db, peak[lanes]);
    }
}

/* Step 3: makeup minus the reduction, as a gain, times the input. */
static void apply_gain(subblock* w, int off, int n)
{
    for (int l = 0; l < w->lanes; l++)
        for (int i = 0; i < n; i++)
            w->gain[l][i] = wm_fast_db_to_lin(w->makeup[i] - w->gain[l][i]);
    for (int ch = 0; ch < w->c->channels; ch++) {
        const float* restrict g = w->gain[w->lanes == 1 ? 0 : ch];
        const float* restrict x = w->x[ch];
        float* restrict o = w->out[ch] + off; /* the caller's buffer, never the sub-block's own */
        for (int i = 0; i < n; i++)
            o[i] = x[i] * g[i];
    }
}

/* The end of a sub-block on the compressor's own frame clock: sub-blocks
   follow it, so denormal flushes land on the same frames whatever the
   caller's block sizes. */
static void advance(wm_compressor* c, int len)
{
    c->phase = (c->phase + len) % WM_COMP_SUBBLOCK;
    if (c->phase == 0)
        for (int ch = 0; ch < c->channels; ch++) {
            c->mean_sq[ch] = wm_flush_denormal(c->mean_sq[ch]);
            c->gr_db[ch] = wm_flush_denormal(c->gr_db[ch]);
        }
}

/* Compressors side by side (a key only with count 1), sub-block by
   sub-block: each detects, the lanes smooth in passes of four, each
   applies its gain. */
static void run(wm_compressor* const* c, const float* const* const* in, float* const* const* out,
                const float* const* key, int count, int n)
{
    subblock w[WM_COMP_GROUP];
    subblock* batch[WM_COMP_GROUP];
    for (int i = 0; i < n;) {
        int len = WM_COMP_SUBBLOCK - c[0]->phase < n - i ? WM_COMP_SUBBLOCK - c[0]->phase : n - i;
        int lanes = 0, first = 0;
        for (int k = 0; k < count; k++) {
            w[k].c = c[k];
            w[k].out = out[k];
            detect(&w[k], in[k], key, i, len);
            batch[k] = &w[k];
            if (lanes + w[k].lanes > WM_BIQUAD4_LANES) { /* full: smooth what the lanes hold */
                smooth(batch + first, k - first, len);
                first = k;
                lanes = 0;
            }
            lanes += w[k].lanes;
        }
        smooth(batch + first, count - first, len);
        for (int k = 0; k < count; k++) {
            apply_gain(&w[k], i, len);
            advance(c[k], len);
        }
        i += len;
    }
}

void wm_compressor_process(wm_compressor* c, const float* const* in, float* const* out, const float* const* key,
                           int n)
{
    run(&c, &in, &out, key, 1, n);
}

int wm_compressor_process_group(wm_compressor* const* c, float* const* const* io, int count, int n)
{
    if (count < 1 || count > WM_COMP_GROUP)
        return WM_ERR_ARG;
    for (int k = 0; k < count; k++)
        if (c[k]->phase != c[0]->phase)
            return WM_ERR_ARG;
    run(c, (const float* const* const*)io, io, NULL, count, n);
    return WM_OK;
}

float wm_compressor_gain_reduction_db(const wm_compressor* c)
{
    float m = 0.0f;
    for (int ch = 0; ch < c->channels; ch++)
        m = c->gr_db[ch] > m ? c->gr_db[ch] : m;
    return m;
}

float wm_compressor_read_max_gain_reduction_db(wm_compressor* c)
{
    float m = c->gr_max_db;
    c->gr_max_db = 0.0f;
    return m;
}
