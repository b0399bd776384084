/* wm_stereo.c -- width (mid/side), pan and balance as one 2x2 matrix.

   Pan follows the panning algorithm of the StereoPannerNode in the W3C Web
   Audio API specification (section "StereoPannerNode", equal-power law for
   mono input, the fold-over law for stereo input). Width is the usual
   mid/side scaling; balance a linear attenuation of the far side.
   Written for wamix from those definitions; MIT licence like the rest of
   the project.

   Gliding: the parameters step once per sub-block along a wm_smooth ramp,
   and the matrix is recomputed at each step and interpolated linearly
   across the sub-block, so the gains are continuous and piecewise linear. */
#include "wm_stereo.h"

#define WM_PI 3.14159265358979323846

/* cos(x pi/2) and sin(x pi/2) for x in [0, 1], written so that both ends
   are exact (cos(pi/2) in floating point is 6e-17, not 0): that is what
   makes pan 0 on a stereo input, and pan +-1, exact. */
static double quarter_cos(double x) { return wm_sin((1.0 - x) * (WM_PI / 2.0)); }
static double quarter_sin(double x) { return wm_sin(x * (WM_PI / 2.0)); }

/* The matrix balance * pan * width for the current parameter values. */
static void compute_matrix(const wm_stereo* s, float m[4])
{
    double pan = s->pan.value, w = s->width.value, bal = s->balance.value;
    double gl = bal > 0.0 ? 1.0 - bal : 1.0, gr = bal < 0.0 ? 1.0 + bal : 1.0;
    if (s->in_channels == 1) {
        double x = (pan + 1.0) / 2.0;
        m[0] = (float)(gl * quarter_cos(x));
        m[2] = (float)(gr * quarter_sin(x));
        m[1] = m[3] = 0.0f;
        return;
    }
    double wd = (1.0 + w) / 2.0, wx = (1.0 - w) / 2.0; /* width: [[wd wx] [wx wd]] */
    double p[4];                                      /* pan */
    if (pan <= 0.0) {
        double x = pan + 1.0;
        p[0] = 1.0, p[1] = quarter_cos(x), p[2] = 0.0, p[3] = quarter_sin(x);
    } else {
        p[0] = quarter_cos(pan), p[1] = 0.0, p[2] = quarter_sin(pan), p[3] = 1.0;
    }
    m[0] = (float)(gl * (p[0] * wd + p[1] * wx));
    m[1] = (float)(gl * (p[0] * wx + p[1] * wd));
    m[2] = (float)(gr * (p[2] * wd + p[3] * wx));
    m[3] = (float)(gr * (p[2] * wx + p[3] * wd));
}

int wm_stereo_init(wm_stereo* s, int in_channels, float sample_rate, float ramp_ms)
{
    if ((in_channels != 1 && in_channels != 2) || !(sample_rate >= 1000.0f && sample_rate <= 768000.0f) ||
        !(ramp_ms >= 0.0f && ramp_ms <= 10000.0f))
        return WM_ERR_ARG;
    memset(s, 0, sizeof *s);
    s->in_channels = in_channels;
    int steps = (int)ceilf(ramp_ms * 0.001f * sample_rate / WM_STEREO_SUBBLOCK);
    wm_smooth_init(&s->pan, 0.0f, steps);
    wm_smooth_init(&s->width, 1.0f, steps);
    wm_smooth_init(&s->balance, 0.0f, steps);
    wm_stereo_reset(s);
    return WM_OK;
}

static int set_param(wm_smooth* p, float value, float lo, float hi)
{
    int err = wm_check_range(&value, lo, hi);
    if (err != WM_ERR_ARG)
        wm_smooth_set(p, value);
    return err;
}

int wm_stereo_set_pan(wm_stereo* s, float pan) { return set_param(&s->pan, pan, -1.0f, 1.0f); }
int wm_stereo_set_width(wm_stereo* s, float width) { return set_param(&s->width, width, 0.0f, 2.0f); }
int wm_stereo_set_balance(wm_stereo* s, float balance) { return set_param(&s->balance, balance, -1.0f, 1.0f); }

void wm_stereo_reset(wm_stereo* s)
{
    wm_smooth_snap(&s->pan);
    wm_smooth_snap(&s->width);
    wm_smooth_snap(&s->balance);
    compute_matrix(s, s->m_end);
    memset(s->m_step, 0, sizeof s->m_step);
    s->phase = 0;
}

/* At a sub-block boundary: one glide step and the matrix ramp toward it,
   or no ramp at all once the parameters are at rest. */
static void begin_subblock(wm_stereo* s)
{
    if (s->pan.remaining == 0 && s->width.remaining == 0 && s->balance.remaining == 0) {
        memset(s->m_step, 0, sizeof s->m_step);
        return;
    }
    wm_smooth_next(&s->pan);
    wm_smooth_next(&s->width);
    wm_smooth_next(&s->balance);
    float start[4];
    memcpy(start, s->m_end, sizeof start);
    compute_matrix(s, s->m_end);
    for (int k = 0; k < 4; k++)
        s->m_step[k] = (s->m_end[k] - start[k]) * (1.0f / WM_STEREO_SUBBLOCK);
}

static inline float take(float x, unsigned* bad)
{
    int ok = wm_is_finite(x);
    *bad += (unsigned)!ok;
    return ok ? x : 0.0f;
}

void wm_stereo_process(wm_stereo* s, const float* const* in, float* const* out, int n)
{
    const int stereo = s->in_channels == 2;
    unsigned bad = 0;
    int i = 0;
    while (i < n) {
        if (s->phase == 0)
            begin_subblock(s);
        int len = WM_STEREO_SUBBLOCK - s->phase;
        if (len > n - i)
            len = n - i;
        const float *e = s->m_end, *st = s->m_step;
        /* Entries are measured back from where the ramp lands (as in
           wm_smooth), so the last frame of a sub-block is exactly m_end
           and, at rest (step 0), every frame is. */
        float left = (float)(WM_STEREO_SUBBLOCK - 1 - s->phase);
        const float* x0 = in[0] + i;
        const float* x1 = in[stereo] + i;
        float *y0 = out[0] + i, *y1 = out[1] + i;
        for (int j = 0; j < len; j++) {
            float r = left - (float)j;
            float a = e[0] - st[0] * r, b = e[1] - st[1] * r;
            float c = e[2] - st[2] * r, d = e[3] - st[3] * r;
            float l = take(x0[j], &bad);
            float rr = stereo ? take(x1[j], &bad) : 0.0f;
            y0[j] = a * l + b * rr;
            y1[j] = c * l + d * rr;
        }
        s->phase = (s->phase + len) % WM_STEREO_SUBBLOCK;
        i += len;
    }
    s->nonfinite += bad;
}

void wm_stereo_process_pan(wm_stereo* s, const float* const* in, float* const* out, int n, const float* pan)
{
    /* Runs of equal pan values, each rendered at rest with its own matrix
       (during a ramp every run is one frame). */
    int len = 1;
    for (int i = 0; i < n; i += len) {
        for (len = 1; i + len < n && pan[i + len] == pan[i]; len++) {
        }
        s->pan.value = s->pan.target = pan[i];
        s->pan.remaining = 0;
        compute_matrix(s, s->m_end);
        memset(s->m_step, 0, sizeof s->m_step);
        const float* x[2] = {in[0] + i, in[s->in_channels == 2] + i};
        float* y[2] = {out[0] + i, out[1] + i};
        wm_stereo_process(s, x, y, len);
    }
}
