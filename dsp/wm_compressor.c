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
   (mean square, gain smoothing), which are inherently serial. */
#include "wm_compressor.h"

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
    return samples > 0.0f ? 1.0f - expf(-1.0f / samples) : 1.0f;
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
static int copy_sanitized(const float* src, float* dst, int n)
{
    int bad = 0;
    for (int i = 0; i < n; i++) {
        int ok = wm_is_finite(src[i]);
        dst[i] = ok ? src[i] : 0.0f;
        bad += !ok;
    }
    return bad;
}

static void run_subblock(wm_compressor* c, const float* const* in, float* const* out, const float* const* key,
                         int off, int n)
{
    float x[WM_MAX_CHANNELS][WM_COMP_SUBBLOCK];   /* sanitised input */
    float det[WM_MAX_CHANNELS][WM_COMP_SUBBLOCK]; /* key, then its power, then the target reduction */
    float gain[WM_COMP_SUBBLOCK], makeup[WM_COMP_SUBBLOCK]; /* gain: reduction in dB, then linear */
    float* det_ch[WM_MAX_CHANNELS];
    const int nch = c->channels, rms = c->p.detect == WM_COMP_RMS;

    /* the key is copied (and filtered) only when it is not the input */
    const int own_key = key || c->p.sidechain_hpf_hz > 0.0f;
    for (int ch = 0; ch < WM_MAX_CHANNELS; ch++)
        det_ch[ch] = det[ch];
    for (int ch = 0; ch < nch; ch++) {
        c->nonfinite += (uint32_t)copy_sanitized(in[ch] + off, x[ch], n);
        if (key)
            c->nonfinite += (uint32_t)copy_sanitized(key[ch] + off, det[ch], n);
        else if (own_key)
            memcpy(det[ch], x[ch], (size_t)n * sizeof(float));
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
        const float* k = own_key ? det[ch] : x[ch];
        float ms = c->mean_sq[ch], sum = 0.0f;
        for (int i = 0; i < n; i++)
            det[ch][i] = wm_fast_minf(k[i] * k[i], POWER_CEILING); /* NaN too */
        if (rms)
            for (int i = 0; i < n; i++)
                det[ch][i] = ms = keep_rms * ms + k_rms * det[ch][i];
        else {
            for (int i = 0; i < n; i++)
                sum += det[ch][i];
            ms = wm_one_pole_block(ms, keep_rms, sum / (float)n, n);
        }
        c->mean_sq[ch] = ms;
    }

    const int lanes = c->p.link ? 1 : nch; /* linked: lane 0 carries the loudest channel */
    for (int ch = 1; ch < nch && c->p.link; ch++)
        for (int i = 0; i < n; i++)
            det[0][i] = wm_fast_maxf(det[ch][i], det[0][i]);
    for (int l = 0; l < lanes; l++)
        for (int i = 0; i < n; i++)
            det[l][i] = static_gr_db(c, 0.5f * WM_DB_PER_LOG2 * wm_fast_log2(det[l][i]));

    for (int i = 0; i < n; i++)
        makeup[i] = wm_smooth_next(&c->makeup);

    /* Every channel keeps its own smoothed reduction even when linked: fed
       the same target they stay identical, and a change of link reaches the
       gain through the smoothing instead of as a step. Linked channels whose
       reductions agree share one computation (the usual case). */
    int shared = c->p.link;
    for (int ch = 1; ch < nch; ch++)
        shared &= c->gr_db[ch] == c->gr_db[0];
    /* Attack where the target is above y, release below: both steps move y
       toward t, the faster one further, so the step wanted is the larger of
       the two (rising, attack faster) or the smaller (falling, release
       slower), and the other way round when the attack is the slower one. A
       max (or min) of two independent multiply-adds is a shorter serial
       path than a compare, a select and then the multiply-add. */
    const float ka = c->attack_coef, kr = c->release_coef, keep_a = 1.0f - ka, keep_r = 1.0f - kr;
    const int attack_faster = ka >= kr;
    for (int ch = 0; ch < nch; ch++) {
        if (ch == 0 || !shared) {
            const float* target = det[c->p.link ? 0 : ch];
            float y = c->gr_db[ch], peak = c->gr_max_db;
            for (int i = 0; i < n; i++) {
                float t = target[i], ya = keep_a * y + ka * t, yr = keep_r * y + kr * t;
                y = attack_faster ? (ya > yr ? ya : yr) : (ya < yr ? ya : yr); /* finite: max or min */
                gain[i] = y;
                peak = y > peak ? y : peak;
            }
            c->gr_db[ch] = y;
            c->gr_max_db = peak;
            for (int i = 0; i < n; i++)
                gain[i] = wm_fast_db_to_lin(makeup[i] - gain[i]);
        } else {
            c->gr_db[ch] = c->gr_db[0];
        }
        float* o = out[ch] + off;
        for (int i = 0; i < n; i++)
            o[i] = x[ch][i] * gain[i];
    }
}

void wm_compressor_process(wm_compressor* c, const float* const* in, float* const* out, const float* const* key,
                           int n)
{
    /* Sub-blocks follow the compressor's own frame clock, so denormal
       flushes land on the same frames whatever the caller's block sizes. */
    int i = 0;
    while (i < n) {
        int len = WM_COMP_SUBBLOCK - c->phase;
        if (len > n - i)
            len = n - i;
        run_subblock(c, in, out, key, i, len);
        c->phase = (c->phase + len) % WM_COMP_SUBBLOCK;
        if (c->phase == 0)
            for (int ch = 0; ch < c->channels; ch++) {
                c->mean_sq[ch] = wm_flush_denormal(c->mean_sq[ch]);
                c->gr_db[ch] = wm_flush_denormal(c->gr_db[ch]);
            }
        i += len;
    }
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
