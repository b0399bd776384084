/* wm_partconv.c -- one level of partitioned convolution, run in bounded steps.

   Algorithm: uniformly partitioned overlap-save with a frequency-domain
   delay line (W. G. Gardner, "Efficient Convolution without Input-Output
   Delay", JAES 43(3), 1995; F. Wefers, "Partitioned convolution algorithms
   for real-time auralization", PhD thesis, RWTH Aachen, 2014, ch. 4-5).
   A job: X = FFT of the last 2n input frames into the delay line;
   Y = sum over p of X[j - p] H[p]; the last n frames of IFFT(Y) are output.

   The 2n-point real FFT is decimated in time down to leaves of `leaf`
   points (leaf r holds frames r, r + R, r + 2R, ..., R = 2n / leaf), which
   KissFFT transforms; each radix-2 stage then merges the half spectra E
   (even frames) and O (odd frames) of two real sequences of q/2 points into
   the half spectrum of q points (Cooley-Tukey; the second line because E
   and O are spectra of real sequences):
       X[k] = E[k] + W^k O[k],  X[q/2 - k] = conj(E[k] - W^k O[k]),  k <= q/4
   with W = exp(-2 pi i / q). The inverse runs the stages backwards:
       2 E[k] = X[k] + conj(X[q/2 - k]),  2 O[k] = (X[k] - conj(X[q/2 - k])) conj(W^k)
   then unscaled inverse leaves, so it returns 2n times the signal; the
   kernel spectra carry the 1/(2n). Each leaf and each chunk of butterflies
   is one step, which is what lets a job be cut into even slices.
   Written for wamix; MIT licence like the rest of the project. */
#include "wm_partconv.h"

#include "wm_simd.h"

#define CHUNK 256      /* butterflies per stage step */
#define MAC_BINS 1024 /* bins of one partition per multiply step */

/* Cost units, measured natively (tests/c/test_convolver.c prints the
   resulting spread per block): one unit is about one radix-2 butterfly of
   a stage (0.5 ns here); a KissFFT leaf of q points, with its gather or
   scatter, costs about 4/3 q log2(q); a complex multiply-add of the
   spectral product, streamed from memory, about 2. */
static long long leaf_units(int q) { return (long long)q * __builtin_ctz(q) * 4 / 3; }
static long long chunk_units(int butterflies) { return butterflies; }
static long long multiply_units(long long bins_x_parts) { return bins_x_parts * 2; }

enum { TASK_FORWARD, TASK_MULTIPLY, TASK_INVERSE };

typedef struct {
    float* re;
    float* im;
} spec_ptr;

/* Spectrum o of a buffer holding spectra of q points (q/2 + 1 bins, stride
   q/2 + 4): real parts from base, imaginary parts from base + cap. */
static spec_ptr at(float* base, int cap, int o, int q)
{
    int stride = q / 2 + 4;
    return (spec_ptr){base + (size_t)o * stride, base + cap + (size_t)o * stride};
}

static wm_v4 reverse(wm_v4 v) { return (wm_v4){v[3], v[2], v[1], v[0]}; }

size_t wm_pc_twiddle_floats(int q) { return (size_t)q / 2; }

void wm_pc_twiddle_fill(float* tw, int q)
{
    for (int k = 0; k < q / 4; k++) {
        double a = 2.0 * 3.14159265358979323846 * k / q;
        tw[k] = (float)wm_cos(a);
        tw[q / 4 + k] = (float)-wm_sin(a);
    }
}

/* Forward butterflies k in [k0, k1) (k1 <= q/4), and k = q/4 with k0 = 0. */
static void merge(spec_ptr e, spec_ptr o, spec_ptr x, const float* tw, int q, int k0, int k1)
{
    const int h = q / 2, quarter = q / 4;
    for (int k = k0; k < k1; k += 4) {
        wm_v4 er = wm_v4_load(e.re + k), ei = wm_v4_load(e.im + k);
        wm_v4 pr = wm_v4_load(o.re + k), pi = wm_v4_load(o.im + k);
        wm_v4 cr = wm_v4_load(tw + k), ci = wm_v4_load(tw + quarter + k);
        wm_v4 tr = pr * cr - pi * ci, ti = pr * ci + pi * cr;
        wm_v4_store(x.re + k, er + tr);
        wm_v4_store(x.im + k, ei + ti);
        wm_v4_store(x.re + h - k - 3, reverse(er - tr));
        wm_v4_store(x.im + h - k - 3, reverse(ti - ei));
    }
    if (k0 == 0) { /* W^(q/4) = -i */
        x.re[quarter] = e.re[quarter] + o.im[quarter];
        x.im[quarter] = e.im[quarter] - o.re[quarter];
    }
}

/* Inverse butterflies, the mirror of merge (both outputs doubled). */
static void split(spec_ptr x, spec_ptr e, spec_ptr o, const float* tw, int q, int k0, int k1)
{
    const int h = q / 2, quarter = q / 4;
    for (int k = k0; k < k1; k += 4) {
        wm_v4 ar = wm_v4_load(x.re + k), ai = wm_v4_load(x.im + k);
        wm_v4 br = reverse(wm_v4_load(x.re + h - k - 3)), bi = -reverse(wm_v4_load(x.im + h - k - 3));
        wm_v4 cr = wm_v4_load(tw + k), ci = wm_v4_load(tw + quarter + k);
        wm_v4 dr = ar - br, di = ai - bi;
        wm_v4_store(e.re + k, ar + br);
        wm_v4_store(e.im + k, ai + bi);
        wm_v4_store(o.re + k, dr * cr + di * ci);
        wm_v4_store(o.im + k, di * cr - dr * ci);
    }
    if (k0 == 0) {
        e.re[quarter] = 2.0f * x.re[quarter];
        e.im[quarter] = 0.0f;
        o.re[quarter] = -2.0f * x.im[quarter];
        o.im[quarter] = 0.0f;
    }
}

int wm_pc_xform_buffer_floats(int n, int leaf) { return 2 * (n + 4 * (2 * n / leaf)); }

void wm_pc_xform_setup(wm_pc_xform* x, int n, int leaf, const wm_fft* fft, const float* const* tw, float* buf0,
                       float* buf1)
{
    x->n = n;
    x->leaf = leaf;
    x->leaves = 2 * n / leaf;
    x->stages = __builtin_ctz(x->leaves);
    x->chunk = n / 2 < CHUNK ? n / 2 : CHUNK;
    int per_stage = n / 2 / x->chunk;
    x->steps = x->leaves + x->stages * per_stage;
    x->units = x->leaves * leaf_units(leaf) + (long long)x->stages * per_stage * chunk_units(x->chunk);
    x->fft = fft;
    x->tw = tw;
    x->buf[0] = buf0;
    x->buf[1] = buf1;
    x->cap = n + 4 * x->leaves;
}

/* Runs butterflies [c chunk, (c + 1) chunk) of a stage whose larger
   spectra have q points, numbered o * q/4 + k: merge (forward) pairs in[o]
   and in[o + pairs] into out[o]; split in[o] into out[o], out[o + pairs]. */
static void stage_chunk(const wm_pc_xform* x, int forward, int q, int c, float* in, int in_cap, float* out,
                        int out_cap, int pairs)
{
    const int quarter = q / 4;
    const float* tw = x->tw[__builtin_ctz(q)];
    int g = c * x->chunk, end = g + x->chunk;
    while (g < end) {
        int o = g / quarter, k0 = g % quarter, k1 = k0 + (end - g < quarter - k0 ? end - g : quarter - k0);
        if (forward)
            merge(at(in, in_cap, o, q / 2), at(in, in_cap, o + pairs, q / 2), at(out, out_cap, o, q), tw, q, k0, k1);
        else
            split(at(in, in_cap, o, q), at(out, out_cap, o, q / 2), at(out, out_cap, o + pairs, q / 2), tw, q, k0,
                  k1);
        g += k1 - k0;
    }
}

long long wm_pc_forward_step(const wm_pc_xform* x, int step, const wm_pc_source* src, float* dest,
                             float* leaf_scratch)
{
    if (step < x->leaves) {
        float* in = leaf_scratch;
        wm_complex* out = (wm_complex*)(leaf_scratch + x->leaf);
        for (int m = 0; m < x->leaf; m++) {
            int i = m * x->leaves + step;
            float v = i < src->valid ? src->base[(uint32_t)(src->start + i) & src->mask] : 0.0f;
            if (src->nonfinite) {
                if (!wm_is_finite(v)) {
                    v = 0.0f;
                    (*src->nonfinite)++;
                }
                v = wm_flush_denormal(v);
            }
            in[m] = v * src->scale;
        }
        wm_fft_forward(x->fft, in, out);
        spec_ptr d = x->stages ? at(x->buf[0], x->cap, step, x->leaf) : at(dest, x->n + 4, 0, x->leaf);
        for (int k = 0; k <= x->leaf / 2; k++) {
            d.re[k] = out[k].re;
            d.im[k] = out[k].im;
        }
        return leaf_units(x->leaf);
    }
    int per_stage = x->n / 2 / x->chunk, s = step - x->leaves, i = s / per_stage + 1;
    int last = i == x->stages;
    stage_chunk(x, 1, x->leaf << i, s % per_stage, x->buf[(i - 1) & 1], x->cap, last ? dest : x->buf[i & 1],
                last ? x->n + 4 : x->cap, x->leaves >> i);
    return chunk_units(x->chunk);
}

/* Step of the inverse transform of the spectrum src: stages, then leaves,
   whose valid halves are added into ring from frame start on. */
static long long inverse_step(const wm_pc_xform* x, int step, float* src, float* ring, int64_t start, uint32_t mask,
                              float* leaf_scratch)
{
    int per_stage = x->n / 2 / x->chunk, stage_steps = x->stages * per_stage;
    if (step < stage_steps) {
        int i = step / per_stage + 1, first = i == 1;
        stage_chunk(x, 0, 2 * x->n >> (i - 1), step % per_stage, first ? src : x->buf[(i + 1) & 1],
                    first ? x->n + 4 : x->cap, x->buf[i & 1], x->cap, 1 << (i - 1));
        return chunk_units(x->chunk);
    }
    int r = step - stage_steps;
    spec_ptr s = x->stages ? at(x->buf[x->stages & 1], x->cap, r, x->leaf) : at(src, x->n + 4, 0, x->leaf);
    wm_complex* in = (wm_complex*)leaf_scratch;
    float* out = leaf_scratch + x->leaf + 2;
    for (int k = 0; k <= x->leaf / 2; k++)
        in[k] = (wm_complex){s.re[k], s.im[k]};
    wm_fft_inverse_unscaled(x->fft, in, out);
    /* Frames m R + r >= n of the 2n are the valid (non-aliased) half. */
    for (int m = x->leaf / 2; m < x->leaf; m++)
        ring[(uint32_t)(start + m * x->leaves + r - x->n) & mask] += out[m];
    return leaf_units(x->leaf);
}

static size_t floats_bytes(size_t count) { return count * sizeof(float) + 64; }

size_t wm_pc_level_memory_size(int n, int leaf, int parts, int channels)
{
    size_t spectrum = 2 * (size_t)(n + 4);
    return (size_t)channels * floats_bytes((size_t)parts * spectrum) + floats_bytes(spectrum) +
           2 * floats_bytes((size_t)wm_pc_xform_buffer_floats(n, leaf));
}

int wm_pc_level_init(wm_pc_level* l, wm_arena* a, int n, int leaf, const wm_fft* fft, const float* const* tw,
                     int parts, int channels, int delay, int ticks)
{
    size_t mark = wm_arena_mark(a), spectrum = 2 * (size_t)(n + 4);
    int ok = 1;
    memset(l, 0, sizeof *l);
    for (int c = 0; c < channels; c++)
        ok = ok && (l->fdl[c] = wm_arena_alloc(a, (size_t)parts * spectrum * sizeof(float), 64)) != NULL;
    float* buf[2];
    for (int i = 0; i < 2; i++)
        ok = ok && (buf[i] = wm_arena_alloc(a, (size_t)wm_pc_xform_buffer_floats(n, leaf) * sizeof(float), 64));
    ok = ok && (l->y = wm_arena_alloc(a, spectrum * sizeof(float), 64)) != NULL;
    if (!ok) {
        wm_arena_rollback(a, mark);
        return WM_ERR_NOMEM;
    }
    wm_pc_xform_setup(&l->xf, n, leaf, fft, tw, buf[0], buf[1]);
    l->parts = parts;
    l->channels = channels;
    l->spec = n + 4;
    l->delay = delay;
    l->ticks = ticks;
    wm_pc_level_reset(l);
    return WM_OK;
}

void wm_pc_level_reset(wm_pc_level* l)
{
    for (int c = 0; c < l->channels; c++)
        memset(l->fdl[c], 0, (size_t)l->parts * 2 * l->spec * sizeof(float));
    l->newest = 0;
    l->slots = 0;
    l->total = l->done = 0;
    l->tick = l->ticks; /* no job running */
}

void wm_pc_launch(wm_pc_level* l, int64_t now, unsigned slots, const wm_pc_kernel* k)
{
    l->newest = (l->newest + 1) % l->parts;
    l->launch = now;
    l->slots = slots;
    l->tick = l->task = l->step = 0;
    l->done = l->task_done = 0;
    l->total = l->channels * l->xf.units;
    for (int s = 0; s < WM_PC_SLOTS; s++) {
        int parts = (slots >> s & 1u) ? k[s].parts : 0;
        l->kparts[s] = parts;
        if (parts > 0)
            l->total += l->channels * (multiply_units((long long)l->spec * parts) + l->xf.units);
    }
}

void wm_pc_drop(wm_pc_level* l, int slot) { l->slots &= ~(1u << slot); }

/* Tasks in order: the forward transform of each channel, then for each
   slot and channel the spectral product and its inverse transform. */
static int task_count(const wm_pc_level* l) { return l->channels * (1 + 2 * WM_PC_SLOTS); }

static void decode(const wm_pc_level* l, int task, int* kind, int* slot, int* ch)
{
    if (task < l->channels) {
        *kind = TASK_FORWARD, *slot = 0, *ch = task;
        return;
    }
    int u = task - l->channels;
    *slot = u / (2 * l->channels);
    *ch = u % (2 * l->channels) / 2;
    *kind = u % 2 ? TASK_INVERSE : TASK_MULTIPLY;
}

static long long task_units(const wm_pc_level* l, int kind, int slot)
{
    if (kind == TASK_FORWARD)
        return l->xf.units;
    if (l->kparts[slot] == 0)
        return 0;
    return kind == TASK_MULTIPLY ? multiply_units((long long)l->spec * l->kparts[slot]) : l->xf.units;
}

static int task_steps(const wm_pc_level* l, int kind, int slot)
{
    if (kind == TASK_MULTIPLY)
        return l->kparts[slot] * ((l->spec + MAC_BINS - 1) / MAC_BINS);
    return l->xf.steps;
}

/* One bin range of one partition of y = sum over p of X[newest - p] H[p]:
   partition by partition, so each step streams contiguous memory while y
   stays in cache. */
static long long multiply_step(wm_pc_level* l, int ch, const float* h)
{
    const int spec = l->spec, ranges = (spec + MAC_BINS - 1) / MAC_BINS, p = l->step / ranges;
    const int k0 = l->step % ranges * MAC_BINS, k1 = k0 + MAC_BINS < spec ? k0 + MAC_BINS : spec;
    const float* x = l->fdl[ch] + (size_t)((l->newest - p + l->parts) % l->parts) * 2 * spec;
    const float* hp = h + (size_t)p * 2 * spec;
    float *yr = l->y, *yi = l->y + spec;
    for (int k = k0; k < k1; k += 4) {
        wm_v4 xr = wm_v4_load(x + k), xi = wm_v4_load(x + spec + k);
        wm_v4 hr = wm_v4_load(hp + k), hi = wm_v4_load(hp + spec + k);
        wm_v4 pr = xr * hr - xi * hi, pi = xr * hi + xi * hr;
        if (p > 0) {
            pr += wm_v4_load(yr + k);
            pi += wm_v4_load(yi + k);
        }
        wm_v4_store(yr + k, pr);
        wm_v4_store(yi + k, pi);
    }
    return multiply_units(k1 - k0);
}

static void next_task(wm_pc_level* l)
{
    l->task++;
    l->step = 0;
    l->task_done = 0;
}

static long long run_step(wm_pc_level* l, const wm_pc_io* io, const wm_pc_kernel* k)
{
    int kind, slot, ch;
    decode(l, l->task, &kind, &slot, &ch);
    long long units = task_units(l, kind, slot);
    if (units == 0 || (kind != TASK_FORWARD && !(l->slots >> slot & 1u))) {
        long long credit = units - l->task_done; /* skipped: counted as done */
        next_task(l);
        return credit;
    }
    long long done;
    if (kind == TASK_FORWARD) {
        wm_pc_source src = {io->in[ch], l->launch - 2 * l->xf.n, io->in_mask, 2 * l->xf.n, 1.0f, NULL};
        done = wm_pc_forward_step(&l->xf, l->step, &src, l->fdl[ch] + (size_t)l->newest * 2 * l->spec, io->scratch);
    } else if (kind == TASK_MULTIPLY) {
        done = multiply_step(l, ch, k[slot].spectra[ch]);
    } else {
        done = inverse_step(&l->xf, l->step, l->y, io->out[slot][ch], l->launch + l->delay, io->out_mask,
                            io->scratch);
    }
    l->task_done += done;
    if (++l->step == task_steps(l, kind, slot))
        next_task(l);
    return done;
}

void wm_pc_slice(wm_pc_level* l, const wm_pc_io* io, const wm_pc_kernel* k)
{
    if (l->tick >= l->ticks)
        return;
    l->tick++;
    long long target = l->total * l->tick / l->ticks;
    while (l->done < target && l->task < task_count(l))
        l->done += run_step(l, io, k);
}
