/* wm_biquad.c -- RBJ cookbook biquads in transposed direct form II.

   Design: Robert Bristow-Johnson, "Cookbook formulae for audio equalizer
   biquad filter coefficients" (the bilinear transform of second-order analog
   prototypes, prewarped at the centre frequency). Written from the formulas
   for wamix; MIT licence like the rest of the project.

   TDF-II keeps two state words per channel and behaves well in float when
   coefficients change under it, which is why it is the kernel here. */
#include "wm_biquad.h"
#include "wm_ops.h"

#define WM_PI 3.14159265358979323846

wm_biquad_coefs wm_biquad_identity(void)
{
    wm_biquad_coefs c = {1.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    return c;
}

wm_biquad_coefs wm_biquad_design(const wm_biquad_params* p, float sample_rate)
{
    double fs = sample_rate;
    double f0 = wm_clampf(p->freq_hz, WM_BIQUAD_MIN_HZ, 0.49f * sample_rate);
    double q = wm_clampf(p->q, WM_BIQUAD_MIN_Q, WM_BIQUAD_MAX_Q);
    double gain_db = wm_clampf(p->gain_db, -WM_BIQUAD_MAX_GAIN_DB, WM_BIQUAD_MAX_GAIN_DB);
    double w0 = 2.0 * WM_PI * f0 / fs;
    double cw = wm_cos(w0);
    double alpha = wm_sin(w0) / (2.0 * q);
    double A = wm_pow10(gain_db / 40.0);
    double sa = 2.0 * sqrt(A) * alpha;
    double b0, b1, b2, a0, a1, a2;

    switch (p->type) {
    case WM_BIQUAD_LOWPASS:
        b0 = (1.0 - cw) / 2.0; b1 = 1.0 - cw; b2 = b0;
        a0 = 1.0 + alpha; a1 = -2.0 * cw; a2 = 1.0 - alpha;
        break;
    case WM_BIQUAD_HIGHPASS:
        b0 = (1.0 + cw) / 2.0; b1 = -(1.0 + cw); b2 = b0;
        a0 = 1.0 + alpha; a1 = -2.0 * cw; a2 = 1.0 - alpha;
        break;
    case WM_BIQUAD_BANDPASS:
        b0 = alpha; b1 = 0.0; b2 = -alpha;
        a0 = 1.0 + alpha; a1 = -2.0 * cw; a2 = 1.0 - alpha;
        break;
    case WM_BIQUAD_NOTCH:
        b0 = 1.0; b1 = -2.0 * cw; b2 = 1.0;
        a0 = 1.0 + alpha; a1 = -2.0 * cw; a2 = 1.0 - alpha;
        break;
    case WM_BIQUAD_ALLPASS:
        b0 = 1.0 - alpha; b1 = -2.0 * cw; b2 = 1.0 + alpha;
        a0 = 1.0 + alpha; a1 = -2.0 * cw; a2 = 1.0 - alpha;
        break;
    case WM_BIQUAD_PEAKING:
        b0 = 1.0 + alpha * A; b1 = -2.0 * cw; b2 = 1.0 - alpha * A;
        a0 = 1.0 + alpha / A; a1 = -2.0 * cw; a2 = 1.0 - alpha / A;
        break;
    case WM_BIQUAD_LOWSHELF:
        b0 = A * ((A + 1.0) - (A - 1.0) * cw + sa);
        b1 = 2.0 * A * ((A - 1.0) - (A + 1.0) * cw);
        b2 = A * ((A + 1.0) - (A - 1.0) * cw - sa);
        a0 = (A + 1.0) + (A - 1.0) * cw + sa;
        a1 = -2.0 * ((A - 1.0) + (A + 1.0) * cw);
        a2 = (A + 1.0) + (A - 1.0) * cw - sa;
        break;
    case WM_BIQUAD_HIGHSHELF:
        b0 = A * ((A + 1.0) + (A - 1.0) * cw + sa);
        b1 = -2.0 * A * ((A - 1.0) + (A + 1.0) * cw);
        b2 = A * ((A + 1.0) + (A - 1.0) * cw - sa);
        a0 = (A + 1.0) - (A - 1.0) * cw + sa;
        a1 = 2.0 * ((A - 1.0) - (A + 1.0) * cw);
        a2 = (A + 1.0) - (A - 1.0) * cw - sa;
        break;
    default:
        return wm_biquad_identity();
    }
    wm_biquad_coefs c = {(float)(b0 / a0), (float)(b1 / a0), (float)(b2 / a0),
                         (float)(a1 / a0), (float)(a2 / a0)};
    return c;
}

float wm_biquad_response_db(const wm_biquad_coefs* c, float freq_hz, float sample_rate)
{
    double w = 2.0 * WM_PI * freq_hz / sample_rate;
    double c1 = wm_cos(w), s1 = wm_sin(w), c2 = wm_cos(2.0 * w), s2 = wm_sin(2.0 * w);
    /* H = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2), z = e^jw */
    double nr = c->b0 + c->b1 * c1 + c->b2 * c2, ni = -(c->b1 * s1 + c->b2 * s2);
    double dr = 1.0 + c->a1 * c1 + c->a2 * c2, di = -(c->a1 * s1 + c->a2 * s2);
    double mag2 = (nr * nr + ni * ni) / (dr * dr + di * di);
    return mag2 > 1e-24 ? (float)(10.0 * wm_log10(mag2)) : -240.0f;
}

/* One TDF-II step: returns y and advances the state (z1, z2). */
static inline float tdf2_tick(const wm_biquad_coefs* c, float x, float* z1, float* z2)
{
    float y = c->b0 * x + *z1;
    *z1 = c->b1 * x - c->a1 * y + *z2;
    *z2 = c->b2 * x - c->a2 * y;
    return y;
}

void wm_biquad_run(const wm_biquad_coefs* c, float z[2], const float* in, float* out, int n)
{
    const wm_biquad_coefs k = *c; /* locals, so the compiler keeps them in registers */
    float z1 = z[0], z2 = z[1];
    for (int i = 0; i < n; i++)
        out[i] = tdf2_tick(&k, in[i], &z1, &z2);
    z[0] = z1;
    z[1] = z2;
}

/* Keeps the glide well defined: NaN keeps the previous value, the rest is
   clamped to what a design accepts. */
static wm_biquad_params sane_params(const wm_biquad_params* p, const wm_biquad_params* prev, float sample_rate)
{
    wm_biquad_params s = *p;
    if ((unsigned)s.type >= WM_BIQUAD_TYPE_COUNT)
        s.type = prev->type;
    s.freq_hz = wm_clampf(s.freq_hz == s.freq_hz ? s.freq_hz : prev->freq_hz, WM_BIQUAD_MIN_HZ, 0.49f * sample_rate);
    s.q = wm_clampf(s.q == s.q ? s.q : prev->q, WM_BIQUAD_MIN_Q, WM_BIQUAD_MAX_Q);
    s.gain_db = wm_clampf(s.gain_db == s.gain_db ? s.gain_db : prev->gain_db, -WM_BIQUAD_MAX_GAIN_DB,
                          WM_BIQUAD_MAX_GAIN_DB);
    return s;
}

void wm_biquad_run_ramp(wm_biquad_coefs* c, const wm_biquad_coefs* step, float z[2], const float* in, float* out,
                        int n)
{
    wm_biquad_coefs k = *c;
    float z1 = z[0], z2 = z[1];
    for (int i = 0; i < n; i++) {
        k.b0 += step->b0;
        k.b1 += step->b1;
        k.b2 += step->b2;
        k.a1 += step->a1;
        k.a2 += step->a2;
        out[i] = tdf2_tick(&k, in[i], &z1, &z2);
    }
    z[0] = z1;
    z[1] = z2;
    *c = k;
}

int wm_filter_init(wm_filter* f, const wm_biquad_params* p, int channels, float sample_rate, float smooth_ms)
{
    if (!(sample_rate >= 1000.0f && sample_rate <= 768000.0f) || channels < 1 ||
        channels > WM_MAX_CHANNELS || !(smooth_ms >= 0.0f))
        return WM_ERR_ARG;
    memset(f, 0, sizeof *f);
    f->sample_rate = sample_rate;
    f->channels = channels;
    /* One-pole glide evaluated once per sub-block: after smooth_ms the
       remaining distance has shrunk to 1/e. */
    float subblocks = smooth_ms * 0.001f * sample_rate / WM_FILTER_SUBBLOCK;
    f->glide = subblocks > 1.0f ? 1.0f - (float)wm_exp(-1.0 / subblocks) : 1.0f;
    wm_biquad_params flat = {WM_BIQUAD_PEAKING, 1000.0f, 0.707f, 0.0f};
    f->target = sane_params(p, &flat, sample_rate);
    f->current = f->target;
    f->coefs = f->coefs_end = wm_biquad_design(&f->current, sample_rate);
    return WM_OK;
}

void wm_filter_set(wm_filter* f, const wm_biquad_params* p)
{
    f->target = sane_params(p, &f->target, f->sample_rate);
    f->moving = 1;
}

void wm_filter_reset(wm_filter* f)
{
    memset(f->z, 0, sizeof f->z);
    f->phase = 0;
    f->current = f->target;
    f->coefs = f->coefs_end = wm_biquad_design(&f->current, f->sample_rate);
    f->moving = 0;
    f->ramping = 0;
}

/* Moves `current` one sub-block closer to `target` (snapping when the rest
   of the distance is inaudible, so that the filter comes to rest) and sets
   up the coefficient ramp across the sub-block. */
static void glide_step(wm_filter* f)
{
    wm_biquad_params* c = &f->current;
    const wm_biquad_params* t = &f->target;
    float k = f->glide;
    c->type = t->type;
    c->freq_hz *= (float)wm_pow_pos(t->freq_hz / c->freq_hz, k);
    c->q *= (float)wm_pow_pos(t->q / c->q, k);
    c->gain_db += (t->gain_db - c->gain_db) * k;
    if (fabsf(c->freq_hz / t->freq_hz - 1.0f) < 1e-4f && fabsf(c->q / t->q - 1.0f) < 1e-4f &&
        fabsf(c->gain_db - t->gain_db) < 1e-3f) {
        *c = *t;
        f->moving = 0;
    }
    f->coefs = f->coefs_end;
    f->coefs_end = wm_biquad_design(c, f->sample_rate);
    const float k_step = 1.0f / WM_FILTER_SUBBLOCK;
    f->coef_step.b0 = (f->coefs_end.b0 - f->coefs.b0) * k_step;
    f->coef_step.b1 = (f->coefs_end.b1 - f->coefs.b1) * k_step;
    f->coef_step.b2 = (f->coefs_end.b2 - f->coefs.b2) * k_step;
    f->coef_step.a1 = (f->coefs_end.a1 - f->coefs.a1) * k_step;
    f->coef_step.a2 = (f->coefs_end.a2 - f->coefs.a2) * k_step;
    f->ramping = 1;
}

/* Flushes decaying tails before they turn denormal, and clears a state that
   a pathological (huge but finite) input overflowed, rather than emit NaN
   forever. */
static void settle_state(wm_filter* f)
{
    for (int c = 0; c < f->channels; c++) {
        float* z = f->z[c];
        if (!wm_is_finite(z[0]) || !wm_is_finite(z[1])) {
            z[0] = z[1] = 0.0f;
            f->unstable_resets++;
        }
        z[0] = wm_flush_denormal(z[0]);
        z[1] = wm_flush_denormal(z[1]);
    }
}

void wm_filter_process(wm_filter* f, float* const* ch, int n)
{
    /* Sub-blocks are counted from the filter's own frame clock, not from the
       start of each call, so any split of a signal into blocks gives the
       same output. */
    int i = 0;
    while (i < n) {
        if (f->phase == 0 && f->moving)
            glide_step(f);
        int len = WM_FILTER_SUBBLOCK - f->phase;
        if (len > n - i)
            len = n - i;
        for (int c = 0; c < f->channels; c++)
            f->nonfinite += (unsigned)wm_ops_sanitize(ch[c] + i, len);
        if (f->ramping) {
            wm_biquad_coefs c0 = f->coefs;
            for (int c = 0; c < f->channels; c++) {
                f->coefs = c0; /* every channel walks the same ramp */
                wm_biquad_run_ramp(&f->coefs, &f->coef_step, f->z[c], ch[c] + i, ch[c] + i, len);
            }
        } else {
            for (int c = 0; c < f->channels; c++)
                wm_biquad_run(&f->coefs, f->z[c], ch[c] + i, ch[c] + i, len);
        }
        f->phase = (f->phase + len) % WM_FILTER_SUBBLOCK;
        if (f->phase == 0) {
            if (f->ramping) {
                f->coefs = f->coefs_end; /* land exactly, free of accumulated rounding */
                f->ramping = f->moving;
            }
            settle_state(f);
        }
        i += len;
    }
}
