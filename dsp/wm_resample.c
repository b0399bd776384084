/* wm_resample.c -- polyphase windowed-sinc resampling by a rational ratio.

   Method: band-limited interpolation as in J. O. Smith, "Digital Audio
   Resampling Home Page" (CCRMA), in the polyphase form of R. Crochiere and
   L. Rabiner, "Multirate Digital Signal Processing" (1983): each output is
   the dot product of the last `taps` inputs with the row of coefficients
   for its fractional position. The prototype is a sinc cut off at 0.95 (or
   0.9) of the lower Nyquist frequency under a Kaiser window (J. F. Kaiser,
   "Nonrecursive digital filter design using the I0-sinh window function",
   1974). Every row is evaluated from the continuous formula and normalised
   to unity gain at DC. Written for wamix; MIT licence like the rest of the
   project.

   Phase bookkeeping: with up/down = out_rate/in_rate in lowest terms, output
   k sits k * down / up input frames after output 0. The position only ever
   moves by integers (whole frames, rows, and a remainder in units of
   1/(up * phases) of a frame), so it is exact forever. When up is at most
   the grid size every phase owns a row (phases = up, rem stays 0);
   otherwise phases is the grid and rem/up interpolates between two rows. */
#include "wm_resample.h"
#include "wm_kaiser.h"

#include <limits.h>

#include "wm_simd.h"

#define WM_PI 3.14159265358979323846
#define TAP_MULTIPLE 16 /* the dot product eats four wm_v4 per step */
/* Rows per input frame when up is larger: interpolating between them errs
   by about -106 dB at 0.9 Nyquist, less lower down. */
#define GRID 512

typedef struct {
    int half_taps; /* half the filter length, in frames of the lower rate */
    double cutoff; /* -6 dB point, as a fraction of the lower Nyquist */
    double beta;   /* Kaiser window */
} quality_spec;

/* HIGH: 144 taps and beta 11.3 fit the transition between 0.9 and 1.0 of
   the lower Nyquist, with the stop band beyond about 110 dB down. FAST: 16
   taps and beta 7 reach about -70 dB from 1.2 Nyquist. */
static const quality_spec specs[2] = {
    {72, 0.95, 11.3}, /* WM_RESAMPLE_HIGH */
    {8, 0.90, 7.0},   /* WM_RESAMPLE_FAST */
};

typedef struct {
    int up, down, taps, phases;
    double cutoff; /* as a fraction of the input Nyquist */
    double beta;
} geometry;

static int gcd(int a, int b) { return b ? gcd(b, a % b) : a; }

static int rate_ok(int rate_hz)
{
    return rate_hz >= WM_RESAMPLE_MIN_RATE_HZ && rate_hz <= WM_RESAMPLE_MAX_RATE_HZ;
}

static int plan(int in_rate_hz, int out_rate_hz, int channels, wm_resample_quality quality, geometry* g)
{
    if (!rate_ok(in_rate_hz) || !rate_ok(out_rate_hz) || in_rate_hz > WM_RESAMPLE_MAX_DOWN * out_rate_hz ||
        channels < 1 || channels > WM_MAX_CHANNELS || (quality != WM_RESAMPLE_HIGH && quality != WM_RESAMPLE_FAST))
        return 0;
    const quality_spec* s = &specs[quality];
    int div = gcd(in_rate_hz, out_rate_hz);
    g->up = out_rate_hz / div;
    g->down = in_rate_hz / div;
    /* Downsampling stretches the filter over more input frames; its band
       shrinks by the same factor, so fewer rows per frame keep the same
       interpolation error. */
    double stretch = in_rate_hz > out_rate_hz ? (double)in_rate_hz / out_rate_hz : 1.0;
    int taps = 2 * (int)ceil(s->half_taps * stretch);
    g->taps = (taps + TAP_MULTIPLE - 1) / TAP_MULTIPLE * TAP_MULTIPLE;
    int grid = (int)ceil(GRID / stretch);
    g->phases = g->up <= grid ? g->up : grid;
    /* Equal rates: a cut-off at Nyquist makes the single row a unit impulse. */
    g->cutoff = g->up == g->down ? 1.0 : s->cutoff / stretch;
    g->beta = s->beta;
    return 1;
}

/* The prototype at d input frames from the output instant, up to a
   constant factor (design() normalises every row). */
static double prototype(const geometry* g, double d)
{
    double half = 0.5 * g->taps, r = d / half;
    if (r <= -1.0 || r >= 1.0)
        return 0.0;
    double u = g->cutoff * d;
    /* sin(pi u) is not exactly 0 in floating point at integer u */
    double sinc = u == 0.0 ? 1.0 : (u == floor(u) ? 0.0 : wm_sin(WM_PI * u) / (WM_PI * u));
    return sinc * wm_kaiser(r, g->beta);
}

/* Row p is the phase p / phases; its tap k multiplies the input k frames
   older than the newest, which lies taps/2 - phase frames after the output. */
static void design(float* coef, const geometry* g)
{
    for (int p = 0; p <= g->phases; p++) {
        float* row = coef + (size_t)p * g->taps;
        double sum = 0.0;
        for (int k = 0; k < g->taps; k++) {
            row[k] = (float)prototype(g, 0.5 * g->taps - k - (double)p / g->phases);
            sum += row[k]; /* of the stored values: a lone tap becomes exactly 1 */
        }
        for (int k = 0; k < g->taps; k++)
            row[k] = (float)(row[k] / sum);
    }
}

static size_t floats_bytes(size_t count) { return count * sizeof(float) + 64; }

static float* alloc_floats(wm_arena* a, size_t count)
{
    return wm_arena_alloc(a, count * sizeof(float), 64);
}

size_t wm_resample_memory_size(int in_rate_hz, int out_rate_hz, int channels, wm_resample_quality quality)
{
    geometry g;
    if (!plan(in_rate_hz, out_rate_hz, channels, quality, &g))
        return 0;
    return floats_bytes((size_t)(g.phases + 1) * g.taps) + floats_bytes((size_t)g.taps) +
           (size_t)channels * floats_bytes(2 * (size_t)g.taps);
}

int wm_resample_init(wm_resample* r, wm_arena* a, int in_rate_hz, int out_rate_hz, int channels,
                     wm_resample_quality quality)
{
    geometry g;
    if (!r || !a || !plan(in_rate_hz, out_rate_hz, channels, quality, &g))
        return WM_ERR_ARG;
    size_t mark = wm_arena_mark(a);
    float* coef = alloc_floats(a, (size_t)(g.phases + 1) * g.taps);
    float* blend = alloc_floats(a, (size_t)g.taps);
    float* hist[WM_MAX_CHANNELS] = {NULL};
    int ok = coef && blend;
    for (int c = 0; c < channels; c++) {
        hist[c] = alloc_floats(a, 2 * (size_t)g.taps);
        ok = ok && hist[c];
    }
    if (!ok) {
        wm_arena_rollback(a, mark);
        return WM_ERR_NOMEM;
    }
    design(coef, &g);
    memset(r, 0, sizeof *r);
    r->coef = coef;
    r->blend = blend;
    memcpy(r->hist, hist, sizeof hist);
    r->channels = channels;
    r->taps = g.taps;
    r->phases = g.phases;
    r->up = g.up;
    r->down = g.down;
    r->step_in = g.down / g.up;
    int64_t step = (int64_t)(g.down % g.up) * g.phases;
    r->step_row = (int)(step / g.up);
    r->step_rem = (int)(step % g.up);
    r->inv_up = 1.0f / (float)g.up;
    wm_resample_reset(r);
    return WM_OK;
}

void wm_resample_reset(wm_resample* r)
{
    for (int c = 0; c < r->channels; c++)
        memset(r->hist[c], 0, 2 * (size_t)r->taps * sizeof(float));
    r->pos = 0;
    r->need = r->taps / 2 + 1; /* output 0 waits for input frame taps/2 */
    r->row = r->rem = 0;
    r->zeros = 0;
}

/* Takes input frame i (a zero when in is NULL) into every channel's history,
   newest first; each sample is stored twice so the window never wraps. */
static void push(wm_resample* r, const float* const* in, int i)
{
    r->pos = r->pos == 0 ? r->taps - 1 : r->pos - 1;
    for (int c = 0; c < r->channels; c++) {
        float v = in ? in[c][i] : 0.0f;
        if (!wm_is_finite(v)) {
            v = 0.0f;
            r->nonfinite++;
        }
        r->hist[c][r->pos] = r->hist[c][r->pos + r->taps] = v;
    }
    r->need--;
    r->zeros = in ? 0 : r->zeros + 1;
}

static float dot(const float* c, const float* x, int taps)
{
    wm_v4 a0 = wm_v4_splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
    for (int k = 0; k < taps; k += TAP_MULTIPLE) {
        a0 += wm_v4_load(c + k) * wm_v4_load(x + k);
        a1 += wm_v4_load(c + k + 4) * wm_v4_load(x + k + 4);
        a2 += wm_v4_load(c + k + 8) * wm_v4_load(x + k + 8);
        a3 += wm_v4_load(c + k + 12) * wm_v4_load(x + k + 12);
    }
    wm_v4 s = (a0 + a1) + (a2 + a3);
    return (s[0] + s[1]) + (s[2] + s[3]);
}

/* Writes output frame j of every channel, then steps to the next phase. */
static void emit(wm_resample* r, float* const* out, int j)
{
    const float* c = r->coef + (size_t)r->row * r->taps;
    if (r->rem) {
        wm_v4 f = wm_v4_splat((float)r->rem * r->inv_up);
        for (int k = 0; k < r->taps; k += 4) {
            wm_v4 c0 = wm_v4_load(c + k);
            wm_v4_store(r->blend + k, c0 + f * (wm_v4_load(c + r->taps + k) - c0));
        }
        c = r->blend;
    }
    for (int ch = 0; ch < r->channels; ch++)
        out[ch][j] = dot(c, r->hist[ch] + r->pos, r->taps);
    r->row += r->step_row;
    r->rem += r->step_rem;
    if (r->rem >= r->up) {
        r->rem -= r->up;
        r->row++;
    }
    r->need += r->step_in;
    if (r->row >= r->phases) {
        r->row -= r->phases;
        r->need++;
    }
}

/* Emits whenever an output is ready and pushes input otherwise, so the
   window always ends exactly at the newest sample an output needs. */
static int run(wm_resample* r, const float* const* in, int in_frames, int* in_used, float* const* out,
               int out_capacity)
{
    int used = 0, made = 0;
    for (;;) {
        if (r->need == 0) {
            if (made >= out_capacity)
                break;
            emit(r, out, made++);
        } else if (used < in_frames) {
            push(r, in, used++);
        } else {
            break;
        }
    }
    if (in_used)
        *in_used = used;
    return made;
}

int wm_resample_process(wm_resample* r, const float* const* in, int in_frames, int* in_used, float* const* out,
                        int out_capacity)
{
    return run(r, in, in_frames, in_used, out, out_capacity);
}

int wm_resample_flush(wm_resample* r, float* const* out, int out_capacity)
{
    return run(r, NULL, r->taps / 2 - r->zeros, NULL, out, out_capacity);
}

/* With num / up = the next output's phase (num * phases = row * up + rem),
   the j-th output from now lies floor((num + j down) / up) frames past the
   next one's, so it is ready after need + that many input frames. */
int wm_resample_out_frames(const wm_resample* r, int in_frames)
{
    int64_t spare = (int64_t)in_frames - r->need;
    if (spare < 0)
        return 0;
    int64_t num = ((int64_t)r->row * r->up + r->rem) / r->phases;
    int64_t n = ((spare + 1) * r->up - num + r->down - 1) / r->down;
    return n > INT_MAX ? INT_MAX : (int)n;
}

int wm_resample_tail_frames(const wm_resample* r) { return wm_resample_out_frames(r, r->taps / 2 - r->zeros); }

int wm_resample_latency_frames(const wm_resample* r) { return r->taps / 2; }

int64_t wm_resample_stream_frames(int in_rate_hz, int out_rate_hz, int64_t in_frames)
{
    if (!rate_ok(in_rate_hz) || !rate_ok(out_rate_hz) || in_frames <= 0)
        return 0;
    int div = gcd(in_rate_hz, out_rate_hz);
    int64_t up = out_rate_hz / div, down = in_rate_hz / div;
    return in_frames / down * up + (in_frames % down * up + down - 1) / down;
}
