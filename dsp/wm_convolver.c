/* wm_convolver.c -- zero-latency non-uniformly partitioned convolution.

   Algorithm: W. G. Gardner, "Efficient Convolution without Input-Output
   Delay", JAES 43(3), 1995: the head of the IR as a direct FIR, the rest in
   FFT partitions whose size doubles as soon as the time they leave allows,
   each size a uniformly partitioned level (wm_partconv.c; F. Wefers,
   "Partitioned convolution algorithms for real-time auralization", RWTH
   Aachen, 2014, on the frequency-domain delay line and on scheduling).
   With base block B the head covers [0, B), then 3 x B from B, 2 x 2B from
   4B, 2 x 4B from 8B, ...: a level of size n starts at IR frame 2n, so the
   output of an input block is due one whole period after the block ends,
   and its work is sliced evenly over the B-frame ticks of that period
   (the first level, at frame B, runs whole in the tick that ends its block).
   Two IR slots share the input history (the delay lines hold spectra of the
   input only), which is what lets a swap crossfade between two exact
   convolutions. Written for wamix; MIT licence like the rest of the project. */
#include "wm_convolver.h"

#include <limits.h>

#include "wm_simd.h"

typedef struct {
    int block, levels, top, delay_frames;
    int n[WM_CONVOLVER_MAX_LEVELS], parts[WM_CONVOLVER_MAX_LEVELS], offset[WM_CONVOLVER_MAX_LEVELS];
} plan;

static int make_plan(int max_ir_frames, int channels, int max_block, float sample_rate_hz, plan* p)
{
    if (max_ir_frames < 0 || max_ir_frames > WM_CONVOLVER_MAX_IR_FRAMES || channels < 1 ||
        channels > WM_MAX_CHANNELS || max_block < 1 || !(sample_rate_hz >= 1000.0f && sample_rate_hz <= 768000.0f))
        return 0;
    p->block = 16;
    while (p->block < 64 && 2 * p->block <= max_block)
        p->block *= 2;
    int n = p->block, off = p->block, levels = 0;
    while (off < max_ir_frames) {
        int need = (max_ir_frames - off + n - 1) / n;
        int parts = n == WM_CONVOLVER_MAX_PARTITION ? need : (levels == 0 ? 3 : 2);
        p->n[levels] = n;
        p->parts[levels] = parts < need ? parts : need;
        p->offset[levels] = off;
        off += p->parts[levels++] * n;
        n = n < WM_CONVOLVER_MAX_PARTITION ? 2 * n : n;
    }
    p->levels = levels;
    p->top = levels ? p->n[levels - 1] : p->block;
    p->delay_frames = (int)ceil(WM_CONVOLVER_MAX_PREDELAY_MS * 0.001 * sample_rate_hz);
    return 1;
}

/* Counts bytes (arena NULL: wm_convolver_memory_size) or takes them. */
typedef struct {
    wm_arena* a;
    size_t need;
    int failed;
} builder;

static void* take(builder* b, size_t bytes)
{
    b->need += bytes + 64;
    if (!b->a || b->failed)
        return NULL;
    void* p = wm_arena_alloc(b->a, bytes, 64);
    b->failed |= p == NULL;
    return p;
}

static float* take_floats(builder* b, size_t count) { return take(b, count * sizeof(float)); }

static wm_fft* take_fft(builder* b, int n)
{
    wm_fft* f = take(b, sizeof(wm_fft));
    b->need += wm_fft_memory_size(n);
    if (f && wm_fft_init(f, b->a, n) != WM_OK)
        b->failed = 1;
    return f;
}

static void build(wm_convolver* c, builder* b, const plan* p, int channels)
{
    const int B = p->block, top = p->top;
    const float** tw = take(b, (WM_PC_MAX_LOG2 + 1) * sizeof(float*));
    for (int q = 4 * B; q <= 2 * top; q *= 2) {
        float* t = take_floats(b, wm_pc_twiddle_floats(q));
        if (t) {
            wm_pc_twiddle_fill(t, q);
            tw[__builtin_ctz(q)] = t;
        }
    }
    /* Every transform is built on 2B-point leaves: natively that beats one
       KissFFT of the full size, and it makes the finest steps. */
    wm_fft* leaf = take_fft(b, 2 * B);
    size_t spectra = 0;
    for (int L = 0; L < p->levels; L++) {
        int n = p->n[L];
        b->need += wm_pc_level_memory_size(n, 2 * B, p->parts[L], channels);
        if (b->a && !b->failed &&
            wm_pc_level_init(&c->level[L], b->a, n, 2 * B, leaf, tw, p->parts[L], channels, L ? n : 0,
                             L ? n / B : 1) != WM_OK)
            b->failed = 1;
        c->spec_offset[L] = spectra;
        spectra += (size_t)p->parts[L] * 2 * (n + 4);
    }
    int delay_size = 1;
    while (delay_size <= p->delay_frames)
        delay_size *= 2;
    for (int ch = 0; ch < channels; ch++) {
        c->io.in[ch] = take_floats(b, 4 * (size_t)top);
        for (int s = 0; s < WM_PC_SLOTS; s++) {
            c->io.out[s][ch] = take_floats(b, 2 * (size_t)top);
            c->slot[s].head[ch] = take_floats(b, (size_t)B);
            c->slot[s].spectra[ch] = take_floats(b, spectra);
        }
        c->hist[ch] = take_floats(b, 2 * (size_t)B);
        c->delay[ch] = take_floats(b, (size_t)delay_size);
    }
    c->io.in_mask = 4 * (uint32_t)top - 1;
    c->io.out_mask = 2 * (uint32_t)top - 1;
    c->delay_mask = (uint32_t)delay_size - 1;
    c->io.scratch = take_floats(b, 4 * (size_t)B + 4);
    c->load.fft = take_fft(b, 2 * B);
    for (int i = 0; i < 2; i++)
        c->load.buf[i] = take_floats(b, (size_t)wm_pc_xform_buffer_floats(top, 2 * B));
    c->load.scratch = take_floats(b, 4 * (size_t)B + 4);
    c->gains = take_floats(b, 5 * (size_t)B);
}

size_t wm_convolver_memory_size(int max_ir_frames, int channels, int max_block, float sample_rate_hz)
{
    plan p;
    if (!make_plan(max_ir_frames, channels, max_block, sample_rate_hz, &p))
        return 0;
    wm_convolver scratch;
    builder b = {NULL, 0, 0};
    build(&scratch, &b, &p, channels);
    return b.need;
}

int wm_convolver_init(wm_convolver* c, wm_arena* a, int max_ir_frames, int channels, int max_block,
                      float sample_rate_hz)
{
    plan p;
    if (!c || !a || !make_plan(max_ir_frames, channels, max_block, sample_rate_hz, &p))
        return WM_ERR_ARG;
    size_t mark = wm_arena_mark(a);
    wm_convolver t;
    memset(&t, 0, sizeof t);
    builder b = {a, 0, 0};
    build(&t, &b, &p, channels);
    if (b.failed) {
        wm_arena_rollback(a, mark);
        return WM_ERR_NOMEM;
    }
    t.channels = channels;
    t.block = p.block;
    t.levels = p.levels;
    t.max_ir_frames = max_ir_frames;
    t.sample_rate_hz = sample_rate_hz;
    memcpy(t.offset, p.offset, sizeof p.offset);
    t.slot[0].channels = t.slot[1].channels = 1; /* empty: no partitions, a silent head */
    t.incoming = 1;
    t.load.slot = -1;
    t.predelay_queued = -1;
    t.glide_frames = (int)lround(WM_CONVOLVER_GLIDE_MS * 0.001 * sample_rate_hz);
    wm_smooth_init(&t.wet, 1.0f, t.glide_frames);
    wm_smooth_init(&t.dry, 0.0f, t.glide_frames);
    *c = t;
    wm_convolver_reset(c);
    return WM_OK;
}

/* The incoming slot becomes the playing one; the other is free to load. */
static void finish_xfade(wm_convolver* c)
{
    for (int L = 0; L < c->levels; L++)
        wm_pc_drop(&c->level[L], c->active);
    c->active = c->incoming;
    c->incoming = 1 - c->active;
    c->xfade = WM_CONVOLVER_IDLE;
    c->waiting = 0;
}

void wm_convolver_reset(wm_convolver* c)
{
    for (int L = 0; L < c->levels; L++)
        wm_pc_level_reset(&c->level[L]);
    for (int ch = 0; ch < c->channels; ch++) {
        memset(c->io.in[ch], 0, ((size_t)c->io.in_mask + 1) * sizeof(float));
        for (int s = 0; s < WM_PC_SLOTS; s++)
            memset(c->io.out[s][ch], 0, ((size_t)c->io.out_mask + 1) * sizeof(float));
        memset(c->hist[ch], 0, 2 * (size_t)c->block * sizeof(float));
        memset(c->delay[ch], 0, ((size_t)c->delay_mask + 1) * sizeof(float));
    }
    c->hist_pos = 0;
    c->time = 0;
    if (c->xfade != WM_CONVOLVER_IDLE)
        finish_xfade(c);
    if (c->predelay_queued >= 0)
        c->predelay_next = c->predelay_queued;
    c->predelay = c->predelay_next;
    c->predelay_queued = -1;
    c->predelay_pos = 0;
    wm_smooth_snap(&c->wet);
    wm_smooth_snap(&c->dry);
}

static float dot(const float* h, const float* x, int taps)
{
    wm_v4 a0 = wm_v4_splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
    for (int k = 0; k < taps; k += 16) {
        a0 += wm_v4_load(h + k) * wm_v4_load(x + k);
        a1 += wm_v4_load(h + k + 4) * wm_v4_load(x + k + 4);
        a2 += wm_v4_load(h + k + 8) * wm_v4_load(x + k + 8);
        a3 += wm_v4_load(h + k + 12) * wm_v4_load(x + k + 12);
    }
    wm_v4 s = (a0 + a1) + (a2 + a3);
    return (s[0] + s[1]) + (s[2] + s[3]);
}

/* 3f^2 - 2f^3: a fade shaped by it starts and ends with zero slope, so
   it leaves no kink in the signal (a linear fade's ends are heard). */
static double smoothstep(double f) { return f * f * (3.0 - 2.0 * f); }

/* Per-frame gains of the old and new slot: equal power over the fade. */
static void fade_gains(const wm_convolver* c, float* g_old, float* g_new, int len)
{
    for (int i = 0; i < len; i++) {
        int64_t k = c->time + i - c->xfade_start + 1;
        if (c->xfade != WM_CONVOLVER_FADING || k <= 0) {
            g_old[i] = 1.0f, g_new[i] = 0.0f;
        } else if (k >= c->xfade_frames) {
            g_old[i] = 0.0f, g_new[i] = 1.0f;
        } else {
            double phase = 1.57079632679489662 * smoothstep((double)k / c->xfade_frames);
            g_old[i] = (float)wm_cos(phase), g_new[i] = (float)wm_sin(phase);
        }
    }
}

/* Per-frame weight of the new pre-delay read point; 0 when not gliding. */
static int predelay_weights(const wm_convolver* c, float* w, int len)
{
    if (c->predelay == c->predelay_next)
        return 0;
    for (int i = 0; i < len; i++) {
        int k = c->predelay_pos + i + 1;
        w[i] = k >= c->glide_frames ? 1.0f : (float)smoothstep((double)k / c->glide_frames);
    }
    return 1;
}

/* Frames [off, off + len) of the call, all within one tick. */
static void segment(wm_convolver* c, const float* const* in, float* const* out, int off, int len)
{
    const int B = c->block, dual = c->xfade != WM_CONVOLVER_IDLE;
    float *g_wet = c->gains, *g_dry = g_wet + B, *g_old = g_dry + B, *g_new = g_old + B, *g_pd = g_new + B;
    for (int i = 0; i < len; i++) {
        g_wet[i] = wm_smooth_next(&c->wet);
        g_dry[i] = wm_smooth_next(&c->dry);
    }
    if (dual)
        fade_gains(c, g_old, g_new, len);
    const int gliding = predelay_weights(c, g_pd, len);
    const wm_convolver_slot *sa = &c->slot[c->active], *sb = &c->slot[c->incoming];
    int pos = c->hist_pos;
    for (int ch = 0; ch < c->channels; ch++) {
        const float* ha = sa->head[ch < sa->channels ? ch : 0];
        const float* hb = sb->head[ch < sb->channels ? ch : 0];
        float *acc_a = c->io.out[c->active][ch], *acc_b = c->io.out[c->incoming][ch];
        float *ring = c->io.in[ch], *dl = c->delay[ch], *hist = c->hist[ch];
        const float* x = in[ch] + off;
        float* y = out[ch] + off;
        pos = c->hist_pos;
        int64_t t = c->time;
        for (int i = 0; i < len; i++, t++) {
            float v = x[i];
            if (!wm_is_finite(v)) {
                v = 0.0f;
                c->nonfinite++;
            }
            dl[(uint32_t)t & c->delay_mask] = v;
            float u = dl[(uint32_t)(t - c->predelay) & c->delay_mask];
            if (gliding) /* exact at both ends of the glide */
                u = (1.0f - g_pd[i]) * u + g_pd[i] * dl[(uint32_t)(t - c->predelay_next) & c->delay_mask];
            u = wm_flush_denormal(u);
            ring[(uint32_t)t & c->io.in_mask] = u;
            pos = pos == 0 ? B - 1 : pos - 1;
            hist[pos] = hist[pos + B] = u;
            uint32_t o = (uint32_t)t & c->io.out_mask;
            float wet = dot(ha, hist + pos, B) + acc_a[o];
            acc_a[o] = 0.0f;
            if (dual) {
                float wet_b = dot(hb, hist + pos, B) + acc_b[o];
                acc_b[o] = 0.0f;
                wet = g_old[i] * wet + g_new[i] * wet_b;
            }
            y[i] = g_dry[i] * v + g_wet[i] * wet;
        }
    }
    c->hist_pos = pos;
    c->time += len;
    if (gliding)
        c->predelay_pos += len;
}

/* Every B frames: launch the levels whose block just ended, run every
   level's slice, and move the crossfade and the pre-delay glide on (only
   here, so that their timing never depends on how calls split the input). */
static void tick(wm_convolver* c)
{
    const int64_t now = c->time;
    unsigned slots = 1u << c->active;
    if (c->xfade != WM_CONVOLVER_IDLE)
        slots |= 1u << c->incoming;
    for (int L = 0; L < c->levels; L++) {
        wm_pc_level* l = &c->level[L];
        if ((now & (l->xf.n - 1)) == 0) {
            wm_pc_launch(l, now, slots, c->kern[L]);
            if (c->waiting >> L & 1u) {
                c->waiting &= ~(1u << L);
                if (now + l->delay > c->xfade_start)
                    c->xfade_start = now + l->delay;
            }
        }
        wm_pc_slice(l, &c->io, c->kern[L]);
    }
    if (c->xfade == WM_CONVOLVER_PENDING && !c->waiting)
        c->xfade = WM_CONVOLVER_FADING;
    else if (c->xfade == WM_CONVOLVER_FADING && now >= c->xfade_start + c->xfade_frames)
        finish_xfade(c);
    if (c->predelay != c->predelay_next && c->predelay_pos >= c->glide_frames) {
        c->predelay = c->predelay_next;
        c->predelay_pos = 0;
        if (c->predelay_queued >= 0)
            c->predelay_next = c->predelay_queued;
        c->predelay_queued = -1;
    }
}

void wm_convolver_process(wm_convolver* c, const float* const* in, float* const* out, int n)
{
    for (int done = 0; done < n;) {
        int room = c->block - (int)(c->time & (c->block - 1));
        int len = n - done < room ? n - done : room;
        segment(c, in, out, done, len);
        done += len;
        if ((c->time & (c->block - 1)) == 0)
            tick(c);
    }
}

static int set_gain(wm_convolver* c, wm_smooth* s, float db)
{
    int err = wm_check_range(&db, WM_SILENCE_DB, 24.0f);
    if (err == WM_ERR_ARG)
        return err;
    wm_smooth_set(s, db <= WM_SILENCE_DB ? 0.0f : wm_db_to_lin(db));
    if (c->time == 0)
        wm_smooth_snap(s);
    return err;
}

int wm_convolver_set_wet_db(wm_convolver* c, float wet_db) { return set_gain(c, &c->wet, wet_db); }

int wm_convolver_set_dry_db(wm_convolver* c, float dry_db) { return set_gain(c, &c->dry, dry_db); }

int wm_convolver_set_predelay_ms(wm_convolver* c, float predelay_ms)
{
    int err = wm_check_range(&predelay_ms, 0.0f, WM_CONVOLVER_MAX_PREDELAY_MS);
    if (err == WM_ERR_ARG)
        return err;
    int d = (int)lround(predelay_ms * 0.001 * c->sample_rate_hz);
    d = d < (int)c->delay_mask ? d : (int)c->delay_mask;
    if (c->time == 0) {
        c->predelay = c->predelay_next = d;
        c->predelay_queued = -1;
    } else if (c->predelay != c->predelay_next) {
        c->predelay_queued = d;
    } else if (d != c->predelay) {
        c->predelay_next = d;
        c->predelay_pos = 0;
    }
    return err;
}

static int level_parts(const wm_convolver* c, int L, int frames)
{
    int rest = frames - c->offset[L], n = c->level[L].xf.n;
    int parts = rest > 0 ? (rest + n - 1) / n : 0;
    return parts < c->level[L].parts ? parts : c->level[L].parts;
}

/* Moves the load cursor to the next partition that exists, from the
   current one on; 0 when there is none. */
static int seek(wm_convolver* c)
{
    wm_convolver_loader* ld = &c->load;
    while (ld->ch < c->slot[ld->slot].channels) {
        if (ld->level < c->levels && ld->part < c->kern[ld->level][ld->slot].parts)
            return 1;
        if (ld->level < c->levels) {
            ld->level++;
            ld->part = 0;
        } else {
            ld->ch++;
            ld->level = ld->part = 0;
        }
    }
    return 0;
}

int wm_convolver_load_begin(wm_convolver* c, const float* const* ir, int ir_channels, int ir_frames)
{
    if ((ir_channels != 1 && ir_channels != c->channels) || ir_frames < 0 || ir_frames > c->max_ir_frames ||
        (ir_frames > 0 && !ir))
        return WM_ERR_ARG;
    for (int ch = 0; ch < ir_channels && ir_frames > 0; ch++)
        if (!ir[ch])
            return WM_ERR_ARG;
    if (c->xfade != WM_CONVOLVER_IDLE)
        return WM_ERR_LIMIT;
    const int s = 1 - c->active;
    wm_convolver_slot* slot = &c->slot[s];
    wm_convolver_loader* ld = &c->load;
    slot->ready = 0;
    slot->channels = ir_channels;
    slot->frames = ir_frames;
    ld->frames_total = 0;
    for (int L = 0; L < c->levels; L++) {
        c->kern[L][s].parts = level_parts(c, L, ir_frames);
        for (int ch = 0; ch < c->channels; ch++)
            c->kern[L][s].spectra[ch] = slot->spectra[ch < ir_channels ? ch : 0] + c->spec_offset[L];
        ld->frames_total += ir_channels * c->kern[L][s].parts * c->level[L].xf.n;
    }
    for (int ch = 0; ch < ir_channels; ch++)
        for (int k = 0; k < c->block; k++) {
            float v = k < ir_frames ? ir[ch][k] : 0.0f;
            if (!wm_is_finite(v)) {
                v = 0.0f;
                ld->nonfinite++;
            }
            slot->head[ch][k] = wm_flush_denormal(v);
        }
    ld->slot = s;
    for (int ch = 0; ch < ir_channels; ch++)
        ld->ir[ch] = ir[ch];
    ld->ch = ld->level = ld->part = ld->step = 0;
    ld->part_units = 0;
    ld->frames_done = 0;
    if (!seek(c)) {
        slot->ready = 1;
        ld->slot = -1;
    }
    return WM_OK;
}

/* Frames prepared so far, counting the current partition pro rata. */
static int load_progress(const wm_convolver* c)
{
    const wm_convolver_loader* ld = &c->load;
    if (ld->part_units == 0)
        return ld->frames_done;
    return ld->frames_done + (int)(c->level[ld->level].xf.n * ld->part_units / ld->xf.units);
}

int wm_convolver_load_step(wm_convolver* c, int max_frames)
{
    wm_convolver_loader* ld = &c->load;
    if (ld->slot < 0)
        return 0;
    wm_convolver_slot* slot = &c->slot[ld->slot];
    const int start = load_progress(c);
    do {
        const int L = ld->level, n = c->level[L].xf.n, off = c->offset[L] + ld->part * n;
        if (ld->step == 0)
            wm_pc_xform_setup(&ld->xf, n, 2 * c->block, ld->fft, c->level[L].xf.tw, ld->buf[0], ld->buf[1]);
        /* The 1/(2n) of the unscaled inverse transform goes into the IR. */
        wm_pc_source src = {ld->ir[ld->ch], off, 0xffffffffu, slot->frames - off < n ? slot->frames - off : n,
                            0.5f / (float)n, &ld->nonfinite};
        float* dest = slot->spectra[ld->ch] + c->spec_offset[L] + (size_t)ld->part * 2 * (n + 4);
        ld->part_units += wm_pc_forward_step(&ld->xf, ld->step, &src, dest, ld->scratch);
        if (++ld->step == ld->xf.steps) {
            ld->frames_done += n;
            ld->part++;
            ld->step = 0;
            ld->part_units = 0;
            if (!seek(c)) {
                slot->ready = 1;
                ld->slot = -1;
                return 0;
            }
        }
    } while (load_progress(c) - start < max_frames);
    return ld->frames_total - load_progress(c);
}

int wm_convolver_load(wm_convolver* c, const float* const* ir, int ir_channels, int ir_frames)
{
    int err = wm_convolver_load_begin(c, ir, ir_channels, ir_frames);
    while (err == WM_OK && wm_convolver_load_step(c, INT_MAX) > 0)
        continue;
    return err;
}

int wm_convolver_swap(wm_convolver* c, float fade_ms)
{
    if (c->xfade != WM_CONVOLVER_IDLE)
        return WM_ERR_LIMIT;
    const int s = 1 - c->active;
    int err = wm_check_range(&fade_ms, 0.0f, WM_CONVOLVER_MAX_FADE_MS);
    if (err == WM_ERR_ARG || !c->slot[s].ready)
        return WM_ERR_ARG;
    c->slot[s].ready = 0;
    c->incoming = s;
    if (c->time == 0) { /* no history: the new IR's output is exact at once */
        finish_xfade(c);
        return err;
    }
    for (int ch = 0; ch < c->channels; ch++)
        memset(c->io.out[s][ch], 0, ((size_t)c->io.out_mask + 1) * sizeof(float));
    c->xfade_start = c->time;
    c->xfade_frames = (int)lround(fade_ms * 0.001 * c->sample_rate_hz);
    c->waiting = 0;
    for (int L = 0; L < c->levels; L++)
        if (c->kern[L][s].parts > 0)
            c->waiting |= 1u << L;
    c->xfade = c->waiting ? WM_CONVOLVER_PENDING : WM_CONVOLVER_FADING;
    return err;
}

int wm_convolver_busy(const wm_convolver* c) { return c->xfade != WM_CONVOLVER_IDLE; }
