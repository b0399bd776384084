/* wm_saturate.c -- waveshaping saturation with optional 2x oversampling.

   Soft clip: x (27 + x^2) / (27 + 9 x^2), a rational tanh-like curve in
   common use in music DSP (slope 1 at 0; it meets +-1 with zero slope at
   |x| = 3 and is clamped there; its cubic term is -8/27 x^3 against
   tanh's -1/3 x^3). Warm: that curve for x >= 0, x / (1 - x) below,
   then a one-pole DC blocker (J. O. Smith, "Introduction to Digital
   Filters", the DC blocker section).
   Oversampling: a half-band low-pass designed as a Kaiser-windowed sinc
   (J. F. Kaiser's window; every other tap of a half-band is zero, which
   gives the polyphase split into a pure delay and one short FIR; see
   Vaidyanathan, "Multirate Systems and Filter Banks", ch. 4).
   Written for wamix from those descriptions; MIT licence like the rest of
   the project. */
#include "wm_saturate.h"
#include "wm_kaiser.h"

#include "wm_simd.h"

#define WM_PI 3.14159265358979323846
#define PHASE WM_SATURATE_PHASE_TAPS
/* Kaiser's beta for about -90 dB sidelobes; with 63 taps the transition
   band runs from 0.42 to 0.6 of the input rate (see the header). */
#define KAISER_BETA 8.6

/* The comparisons are ordered so that NaN and +-Inf (an upsampler that
   overflowed on a finite input near FLT_MAX) land on a clamp, never in the
   output. The rational itself keeps rising beyond |x| = 3, hence the input
   clamp; near 3 float rounding lands up to 1 ulp above 1, hence the
   output clamp. */
static inline float soft(float x)
{
    x = x < 3.0f ? x : 3.0f;
    x = x > -3.0f ? x : -3.0f;
    float x2 = x * x;
    float y = x * (27.0f + x2) / (27.0f + 9.0f * x2);
    return wm_clampf(y, -1.0f, 1.0f);
}

static inline float warm(float x)
{
    if (!(x < 0.0f))
        return soft(x);
    return x > -1e30f ? x / (1.0f - x) : -1.0f;
}

float wm_saturate_shape(wm_saturate_curve curve, float x) { return curve == WM_SATURATE_WARM ? warm(x) : soft(x); }

/* The prototype h[j], j = 0 .. 2 PHASE - 2, is centred on the odd tap
   c = PHASE - 1, where it is 1/2; the other taps an even distance from c
   fall on zeros of the sinc. What is left, the even taps h[2i], is the
   one branch that computes; it is normalised to a DC gain of 1/2 so that
   both branches of the upsampler (which doubles them) have unity gain. */
static void design_halfband(float g[PHASE])
{
    const double c = PHASE - 1;
    double h[PHASE], sum = 0.0;
    for (int i = 0; i < PHASE; i++) {
        double d = 2 * i - c; /* odd: the sinc below is never 0/0 */
        double r = d / c;
        h[i] = wm_sin(WM_PI * d / 2.0) / (WM_PI * d / 2.0) * wm_kaiser(r, KAISER_BETA);
        sum += h[i];
    }
    for (int i = 0; i < PHASE; i++)
        g[i] = (float)(0.5 * h[i] / sum);
}

WM_COLD int wm_saturate_init(wm_saturate* s, int channels, float sample_rate, int oversample, float ramp_ms)
{
    if (channels < 1 || channels > WM_MAX_CHANNELS || !(sample_rate >= 1000.0f && sample_rate <= 768000.0f) ||
        (oversample != 1 && oversample != 2) || !(ramp_ms >= 0.0f && ramp_ms <= 10000.0f))
        return WM_ERR_ARG;
    memset(s, 0, sizeof *s);
    s->channels = channels;
    s->oversample = oversample;
    int ramp = (int)(ramp_ms * 0.001f * sample_rate + 0.5f);
    wm_smooth_init(&s->drive, 1.0f, ramp);
    wm_smooth_init(&s->output, 1.0f, ramp);
    wm_smooth_init(&s->mix, 1.0f, ramp);
    wm_smooth_init(&s->warm, 0.0f, ramp);
    s->dc_coef = (float)wm_exp(-2.0 * WM_PI * WM_SATURATE_DC_HZ / ((double)sample_rate * oversample));
    design_halfband(s->phase_coef);
    wm_saturate_reset(s);
    return WM_OK;
}

static int set_gain_db(wm_smooth* g, float db, float lo, float hi)
{
    int err = wm_check_range(&db, lo, hi);
    if (err != WM_ERR_ARG)
        wm_smooth_set(g, wm_db_to_lin(db));
    return err;
}

int wm_saturate_set_drive_db(wm_saturate* s, float drive_db)
{
    return set_gain_db(&s->drive, drive_db, WM_SATURATE_MIN_DRIVE_DB, WM_SATURATE_MAX_DRIVE_DB);
}

int wm_saturate_set_output_db(wm_saturate* s, float output_db)
{
    return set_gain_db(&s->output, output_db, WM_SATURATE_MIN_OUTPUT_DB, WM_SATURATE_MAX_OUTPUT_DB);
}

int wm_saturate_set_mix(wm_saturate* s, float mix)
{
    int err = wm_check_range(&mix, 0.0f, 1.0f);
    if (err != WM_ERR_ARG)
        wm_smooth_set(&s->mix, mix);
    return err;
}

int wm_saturate_set_curve(wm_saturate* s, wm_saturate_curve curve)
{
    if ((unsigned)curve >= WM_SATURATE_CURVE_COUNT)
        return WM_ERR_ARG;
    /* The DC blocker is idle while the soft curve alone plays: it starts
       again from silence rather than from a stale tail. */
    if (s->warm.value == 0.0f) {
        for (int c = 0; c < WM_MAX_CHANNELS; c++)
            s->ch[c].dc_in = s->ch[c].dc_out = 0.0f;
    }
    wm_smooth_set(&s->warm, curve == WM_SATURATE_WARM ? 1.0f : 0.0f);
    return WM_OK;
}

int wm_saturate_latency(const wm_saturate* s) { return s->oversample == 2 ? WM_SATURATE_OS_LATENCY : 0; }

void wm_saturate_reset(wm_saturate* s)
{
    memset(s->ch, 0, sizeof s->ch);
    wm_smooth_snap(&s->drive);
    wm_smooth_snap(&s->output);
    wm_smooth_snap(&s->mix);
    wm_smooth_snap(&s->warm);
}

/* The curve, crossfaded by w (0 soft .. 1 warm); the warm branch, and its
   DC blocker, run only when w > 0. */
static inline float shape(const wm_saturate* s, wm_saturate_channel* st, float v, float w)
{
    float y = 0.0f;
    if (w < 1.0f)
        y = (1.0f - w) * soft(v);
    if (w > 0.0f) {
        float u = warm(v);
        float h = u - st->dc_in + s->dc_coef * st->dc_out;
        st->dc_in = u;
        /* Flushed here, every sample, rather than at block ends: a flush
           at block ends would make the output depend on the block split. */
        st->dc_out = wm_flush_denormal(h);
        y += w * h;
    }
    return y;
}

static inline float dot(const float* a, const float* b)
{
    wm_v4 acc = wm_v4_splat(0.0f);
    for (int k = 0; k < PHASE; k += 4)
        acc += wm_v4_load(a + k) * wm_v4_load(b + k);
    return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

/* The parameters of one frame, taken from the ramps once for all channels. */
typedef struct {
    float drive, gain, mix, warm;
} frame_params;

static frame_params next_params(wm_saturate* s)
{
    frame_params f = {wm_smooth_next(&s->drive), wm_smooth_next(&s->output), wm_smooth_next(&s->mix),
                      wm_smooth_next(&s->warm)};
    return f;
}

static inline float take(float x, unsigned* bad)
{
    if (wm_is_finite(x))
        return x;
    (*bad)++;
    return 0.0f;
}

/* m <= WM_SATURATE_CHUNK frames of one channel through upsampler, curve
   and downsampler, in place. At the doubled rate u[2j] = 2 sum g[i] x[j-i]
   (the filtered branch) and u[2j+1] = x[j - PHASE/2 + 1] (the delay
   branch); the output is y[j] = sum g[i] e[j-i] + o[j - PHASE/2] / 2,
   with e and o the shaped u[2j] and u[2j+1]. Both filters delay by
   PHASE - 1 samples at the doubled rate, so the total is PHASE - 1 input
   samples; the dry sample is x[j - PHASE + 1]. g is symmetric, so the dot
   products run over the oldest-first histories as they are. */
static void oversample_chunk(const wm_saturate* s, wm_saturate_channel* st, float* io, const frame_params* f, int m,
                             unsigned* bad)
{
    float* x = st->x + PHASE - 1;
    float* e = st->even + PHASE - 1;
    float* o = st->odd + PHASE / 2;
    for (int j = 0; j < m; j++)
        x[j] = take(io[j], bad);
    for (int j = 0; j < m; j++) {
        e[j] = shape(s, st, 2.0f * f[j].drive * dot(s->phase_coef, st->x + j), f[j].warm);
        o[j] = shape(s, st, f[j].drive * x[j - PHASE / 2 + 1], f[j].warm);
    }
    for (int j = 0; j < m; j++) {
        float wet = dot(s->phase_coef, st->even + j) + 0.5f * st->odd[j];
        io[j] = (1.0f - f[j].mix) * st->x[j] + f[j].mix * (f[j].gain * wet);
    }
    memmove(st->x, st->x + m, (PHASE - 1) * sizeof(float));
    memmove(st->even, st->even + m, (PHASE - 1) * sizeof(float));
    memmove(st->odd, st->odd + m, (PHASE / 2) * sizeof(float));
}

void wm_saturate_process(wm_saturate* s, float* const* ch, int n)
{
    unsigned bad = 0;
    frame_params f[WM_SATURATE_CHUNK];
    for (int start = 0; start < n; start += WM_SATURATE_CHUNK) {
        int m = n - start < WM_SATURATE_CHUNK ? n - start : WM_SATURATE_CHUNK;
        for (int j = 0; j < m; j++)
            f[j] = next_params(s);
        for (int c = 0; c < s->channels; c++) {
            wm_saturate_channel* st = &s->ch[c];
            float* io = ch[c] + start;
            if (s->oversample == 2) {
                oversample_chunk(s, st, io, f, m, &bad);
                continue;
            }
            for (int j = 0; j < m; j++) {
                float x = take(io[j], &bad);
                io[j] = (1.0f - f[j].mix) * x + f[j].mix * (f[j].gain * shape(s, st, f[j].drive * x, f[j].warm));
            }
        }
    }
    s->nonfinite += bad;
}
