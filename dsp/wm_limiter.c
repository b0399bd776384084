/* wm_limiter.c -- lookahead peak limiter, written for wamix.

   Algorithm (the usual lookahead design, as in Signalsmith's limiter
   write-up; the code is ours):
   1. need[k] = min(1, aim / peak[k]) for every input sample k, with
      aim = ceiling * WM_LIMITER_MARGIN.
   2. hold[k] = min(need[k-L .. k]): a sliding minimum over the window of
      W = L + 1 samples (monotonic deque, O(1) amortised).
   3. avg[k] = mean(hold[k-L .. k]): every hold in that window covers sample
      k - L, so avg[k] <= need[k-L]: the gain that reaches the output with
      sample k - L never exceeds what it needs. The holds are quantised down
      to 2^-31 and summed in an integer, so the running sum is exact (no
      drift) and the mean of a window of ones is exactly 1.0.
   4. Release in the log domain: level <- a * level (a = exp(-1/(release
      fs))), gain = min(avg, 2^level), and level = log2(gain) whenever avg
      wins. The gain never exceeds avg, so step 3's bound holds.
   The rounding of the division in 1, of the mean in 3 and of the final
   multiply each stays within a few float ulps, far inside the 2^-18 margin.

   True-peak mode: 4x oversampled detection (wm_truepeak) per channel; the
   need of sample k also covers the oversampled points between k-1 and k+1,
   known WM_LIMITER_TP_DELAY samples later. The gain computer then runs that
   many samples behind the input, which adds to the latency.

   A lookahead or mode change primes the second gain computer from the
   stored needs (the last 2W of them rebuild its window exactly) and
   crossfades between the two delays: (1 - f) a + f b with |a|, |b| under
   the ceiling stays under it. */
#include "wm_limiter.h"

#include "wm_fastmath.h"

struct wm_limiter_slot {
    float need;
    uint32_t at; /* input sample index */
};

#define CHUNK 64
#define HELD_ONE 2147483648.0f   /* 2^31: a held gain of 1.0 */
#define RELEASE_SNAP (-1e-5)     /* log2 gain this close to 0 lands on 1.0 */

static uint32_t pow2_at_least(uint32_t n)
{
    uint32_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

static int lookahead_samples(float sample_rate, float lookahead_ms)
{
    return (int)floor((double)lookahead_ms * sample_rate / 1000.0 + 0.5);
}

typedef struct {
    uint32_t line, need, held, deque; /* ring sizes, powers of two */
} ring_sizes;

static ring_sizes plan(float sample_rate)
{
    uint32_t w = (uint32_t)lookahead_samples(sample_rate, WM_LIMITER_MAX_LOOKAHEAD_MS) + 1;
    uint32_t line = (uint32_t)(w + WM_LIMITER_TP_DELAY);
    ring_sizes s = {pow2_at_least(line > WM_TRUEPEAK_TAPS ? line : WM_TRUEPEAK_TAPS),
                    pow2_at_least(2 * w + WM_LIMITER_TP_DELAY), pow2_at_least(w), pow2_at_least(w + 1)};
    return s;
}

static int valid_rate(float sample_rate, int channels)
{
    return sample_rate >= WM_LIMITER_MIN_RATE && sample_rate <= WM_LIMITER_MAX_RATE && channels >= 1 &&
           channels <= WM_MAX_CHANNELS;
}

size_t wm_limiter_memory_size(float sample_rate, int channels)
{
    if (!valid_rate(sample_rate, channels))
        return 0;
    ring_sizes s = plan(sample_rate);
    size_t chain = s.deque * sizeof(struct wm_limiter_slot) + s.held * sizeof(uint32_t) + 2 * 15;
    return (size_t)channels * (s.line * sizeof(float) + 15) + s.need * sizeof(float) + 15 + 2 * chain;
}

/* Steps 2 and 3 for sample k with need r: returns the window's mean hold. */
static inline float window_push(wm_limiter_chain* c, float r, uint32_t k)
{
    uint32_t w = (uint32_t)c->lookahead + 1;
    while (c->tail != c->head && c->deque[(c->tail - 1) & c->deque_mask].need >= r)
        c->tail--;
    c->deque[c->tail++ & c->deque_mask] = (struct wm_limiter_slot){r, k};
    if (k - c->deque[c->head & c->deque_mask].at >= w)
        c->head++; /* one sample enters per step, so at most one leaves */
    uint32_t q = (uint32_t)(c->deque[c->head & c->deque_mask].need * HELD_ONE);
    c->sum = c->sum - c->held[(k - w) & c->held_mask] + q; /* read before the write: the slots may coincide */
    c->held[k & c->held_mask] = q;
    return c->sum == c->full ? 1.0f : (float)(int64_t)c->sum * c->inv_full;
}

/* The gain a chain applies at input time t (to the sample it outputs). */
static inline float chain_gain(wm_limiter_chain* c, const float* need, uint32_t need_mask, double release_a,
                               uint32_t t)
{
    uint32_t k = t - (uint32_t)c->delay;
    float avg = window_push(c, need[k & need_mask], k);
    double level = c->level * release_a;
    if (level > RELEASE_SNAP)
        level = 0.0;
    float g = level == 0.0 ? 1.0f : wm_fast_exp2((float)level);
    if (avg < g) {
        g = avg;
        level = wm_fast_log2(avg);
    }
    c->level = level;
    return g;
}

/* Rebuilds a chain's window for a new lookahead and delay from the stored
   needs, as if it had been running all along. */
static void chain_prime(wm_limiter* l, wm_limiter_chain* c, int lookahead, int delay)
{
    uint32_t w = (uint32_t)lookahead + 1;
    c->lookahead = lookahead;
    c->delay = delay;
    c->full = (uint64_t)w << 31;
    c->inv_full = 1.0f / (float)c->full;
    c->head = c->tail = 0;
    c->sum = 0;
    memset(c->held, 0, (c->held_mask + 1) * sizeof *c->held);
    /* 2W - 1 steps: the last W holds then see complete windows. */
    uint32_t last = l->t - 1 - (uint32_t)delay;
    for (uint32_t k = last - 2 * (w - 1);; k++) {
        window_push(c, l->need[k & l->need_mask], k);
        if (k == last)
            break;
    }
}

/* Restarts the detectors on the last input samples. */
static void truepeak_start(wm_limiter* l)
{
    float prev = 0.0f;
    for (int c = 0; c < l->channels; c++) {
        float p = 0.0f;
        wm_truepeak_reset(&l->tp[c]);
        for (uint32_t k = l->t - WM_TRUEPEAK_TAPS; k != l->t; k++)
            wm_truepeak_process(&l->tp[c], &l->line[c][k & l->line_mask], &p, 1);
        prev = p > prev ? p : prev;
    }
    l->tp_prev = prev;
}

/* Starts the crossfade to the target lookahead and mode, if they differ. */
static void start_change(wm_limiter* l)
{
    int lookahead = lookahead_samples(l->sample_rate, l->target.lookahead_ms);
    int delay = l->target.true_peak ? WM_LIMITER_TP_DELAY : 0;
    wm_limiter_chain* old = &l->chain[l->cur];
    if (lookahead == old->lookahead && delay == old->delay)
        return;
    wm_limiter_chain* c = &l->chain[!l->cur];
    chain_prime(l, c, lookahead, delay);
    c->level = old->level;
    l->cur = !l->cur;
    l->fade_left = l->fade_len;
    if (delay && !l->tp_running) {
        truepeak_start(l);
        l->tp_running = 1;
    }
}

/* The safety net: counted, never expected to act. */
static inline float clamp(float y, float lim, unsigned* count)
{
    if (fabsf(y) > lim) {
        (*count)++;
        y = copysignf(lim, y);
    }
    return y;
}

/* Up to CHUNK frames, with no event (fade end, clamp change) inside. The
   hot state lives in locals so that stores to the output cannot alias it. */
static void run(wm_limiter* l, const float* const* in, float* const* out, int off, int len)
{
    float tp[WM_MAX_CHANNELS][CHUNK];
    int tp_running = l->tp_running, channels = l->channels;
    if (tp_running)
        for (int c = 0; c < channels; c++)
            wm_truepeak_process(&l->tp[c], in[c] + off, tp[c], len);
    wm_limiter_chain cur = l->chain[l->cur], old = l->chain[!l->cur];
    int fading = l->fade_left != 0;
    float* line[WM_MAX_CHANNELS] = {l->line[0], l->line[1]}; /* line[1] is NULL and unused in mono */
    float* need = l->need;
    const uint32_t line_mask = l->line_mask, need_mask = l->need_mask;
    const uint32_t lag = (uint32_t)(cur.delay + cur.lookahead), lag_old = (uint32_t)(old.delay + old.lookahead);
    const float aim = l->aim, lim = l->clamp_lin;
    const double release_a = l->release_a;
    float tp_prev = l->tp_prev, g = l->gain;
    unsigned nonfinite = 0, clamped = 0;
    uint32_t t = l->t;
    int fade_at = l->fade_len - l->fade_left;
    for (int i = 0; i < len; i++, t++) {
        float peak = 0.0f, tpeak = 0.0f;
        for (int c = 0; c < channels; c++) {
            float v = in[c][off + i];
            if (!wm_is_finite(v)) {
                v = 0.0f;
                nonfinite++;
            }
            line[c][t & line_mask] = v;
            peak = fabsf(v) > peak ? fabsf(v) : peak;
            if (tp_running)
                tpeak = tp[c][i] > tpeak ? tp[c][i] : tpeak;
        }
        need[t & need_mask] = peak > aim ? aim / peak : 1.0f;
        if (tp_running) {
            float q = tpeak > tp_prev ? tpeak : tp_prev;
            float* r = &need[(t - WM_LIMITER_TP_DELAY) & need_mask];
            tp_prev = tpeak;
            if (q > aim && aim / q < *r)
                *r = aim / q;
        }
        g = chain_gain(&cur, need, need_mask, release_a, t);
        uint32_t at = (t - lag) & line_mask;
        if (!fading) {
            for (int c = 0; c < channels; c++)
                out[c][off + i] = clamp(line[c][at] * g, lim, &clamped);
        } else {
            float g_old = chain_gain(&old, need, need_mask, release_a, t);
            uint32_t at_old = (t - lag_old) & line_mask;
            float f = (float)(fade_at + i + 1) / (float)l->fade_len; /* lands on 1 exactly */
            for (int c = 0; c < channels; c++)
                out[c][off + i] =
                    clamp((1.0f - f) * (line[c][at_old] * g_old) + f * (line[c][at] * g), lim, &clamped);
        }
    }
    l->chain[l->cur] = cur;
    l->chain[!l->cur] = old;
    l->t = t;
    l->tp_prev = tp_prev;
    l->gain = g;
    l->nonfinite += nonfinite;
    l->clamped += clamped;
}

/* Events at the end of a chunk: the clamp following a lowered ceiling, the
   end of a crossfade (and the start of the next one, if one is waiting). */
static void advance(wm_limiter* l, int len)
{
    if (l->clamp_hold) {
        l->clamp_hold -= len;
        if (!l->clamp_hold)
            l->clamp_lin = l->ceiling_lin;
    }
    if (l->fade_left) {
        l->fade_left -= len;
        if (!l->fade_left) {
            l->tp_running = l->chain[l->cur].delay != 0;
            start_change(l);
        }
    }
}

void wm_limiter_process(wm_limiter* l, const float* const* in, float* const* out, int n)
{
    if (!l->fade_left)
        start_change(l);
    for (int done = 0; done < n;) {
        int len = n - done < CHUNK ? n - done : CHUNK;
        if (l->fade_left && l->fade_left < len)
            len = l->fade_left;
        if (l->clamp_hold && l->clamp_hold < len)
            len = l->clamp_hold;
        run(l, in, out, done, len);
        advance(l, len);
        done += len;
    }
}

void wm_limiter_reset(wm_limiter* l)
{
    l->t = 0;
    for (int c = 0; c < l->channels; c++) {
        memset(l->line[c], 0, (l->line_mask + 1) * sizeof(float));
        wm_truepeak_reset(&l->tp[c]);
    }
    for (uint32_t k = 0; k <= l->need_mask; k++)
        l->need[k] = 1.0f;
    l->cur = 0;
    l->fade_left = 0;
    l->chain[0].level = 0.0;
    chain_prime(l, &l->chain[0], lookahead_samples(l->sample_rate, l->target.lookahead_ms),
                l->target.true_peak ? WM_LIMITER_TP_DELAY : 0);
    l->tp_running = l->target.true_peak;
    l->tp_prev = 0.0f;
    l->clamp_lin = l->ceiling_lin;
    l->clamp_hold = 0;
    l->gain = 1.0f;
}

int wm_limiter_set_ceiling_db(wm_limiter* l, float ceiling_db)
{
    if (ceiling_db != ceiling_db)
        return WM_ERR_ARG;
    float db = wm_clampf(ceiling_db, WM_LIMITER_MIN_CEILING_DB, WM_LIMITER_MAX_CEILING_DB);
    l->target.ceiling_db = db;
    l->ceiling_lin = wm_db_to_lin(db);
    l->aim = l->ceiling_lin * WM_LIMITER_MARGIN;
    if (l->ceiling_lin >= l->clamp_lin) {
        l->clamp_lin = l->ceiling_lin;
    } else {
        /* Samples already analysed leave under the old ceiling. */
        l->clamp_hold = l->max_lookahead + WM_LIMITER_TP_DELAY;
    }
    return db == ceiling_db ? WM_OK : WM_ERR_RANGE;
}

int wm_limiter_set_lookahead_ms(wm_limiter* l, float lookahead_ms)
{
    if (lookahead_ms != lookahead_ms)
        return WM_ERR_ARG;
    l->target.lookahead_ms = wm_clampf(lookahead_ms, 0.0f, WM_LIMITER_MAX_LOOKAHEAD_MS);
    return l->target.lookahead_ms == lookahead_ms ? WM_OK : WM_ERR_RANGE;
}

int wm_limiter_set_release_ms(wm_limiter* l, float release_ms)
{
    if (release_ms != release_ms)
        return WM_ERR_ARG;
    float ms = wm_clampf(release_ms, WM_LIMITER_MIN_RELEASE_MS, WM_LIMITER_MAX_RELEASE_MS);
    l->target.release_ms = ms;
    l->release_a = wm_exp(-1000.0 / ((double)ms * l->sample_rate));
    return ms == release_ms ? WM_OK : WM_ERR_RANGE;
}

void wm_limiter_set_true_peak(wm_limiter* l, int on) { l->target.true_peak = on != 0; }

WM_COLD int wm_limiter_init(wm_limiter* l, wm_arena* arena, float sample_rate, int channels, const wm_limiter_params* p)
{
    if (!l || !arena || !p || !valid_rate(sample_rate, channels) || p->ceiling_db != p->ceiling_db ||
        p->lookahead_ms != p->lookahead_ms || p->release_ms != p->release_ms)
        return WM_ERR_ARG;
    if (p->ceiling_db < WM_LIMITER_MIN_CEILING_DB || p->ceiling_db > WM_LIMITER_MAX_CEILING_DB ||
        p->lookahead_ms < 0.0f || p->lookahead_ms > WM_LIMITER_MAX_LOOKAHEAD_MS ||
        p->release_ms < WM_LIMITER_MIN_RELEASE_MS || p->release_ms > WM_LIMITER_MAX_RELEASE_MS)
        return WM_ERR_RANGE;
    ring_sizes s = plan(sample_rate);
    size_t mark = wm_arena_mark(arena);
    memset(l, 0, sizeof *l);
    int ok = 1;
    for (int c = 0; c < channels; c++)
        ok &= (l->line[c] = wm_arena_alloc(arena, s.line * sizeof(float), 16)) != NULL;
    ok &= (l->need = wm_arena_alloc(arena, s.need * sizeof(float), 16)) != NULL;
    for (int k = 0; k < 2; k++) {
        ok &= (l->chain[k].deque = wm_arena_alloc(arena, s.deque * sizeof(struct wm_limiter_slot), 16)) != NULL;
        ok &= (l->chain[k].held = wm_arena_alloc(arena, s.held * sizeof(uint32_t), 16)) != NULL;
    }
    if (!ok) {
        wm_arena_rollback(arena, mark);
        return WM_ERR_NOMEM;
    }
    l->line_mask = s.line - 1;
    l->need_mask = s.need - 1;
    for (int k = 0; k < 2; k++) {
        l->chain[k].held_mask = s.held - 1;
        l->chain[k].deque_mask = s.deque - 1;
    }
    l->channels = channels;
    l->sample_rate = sample_rate;
    l->max_lookahead = lookahead_samples(sample_rate, WM_LIMITER_MAX_LOOKAHEAD_MS);
    l->fade_len = lookahead_samples(sample_rate, WM_LIMITER_FADE_MS);
    for (int c = 0; c < channels; c++)
        wm_truepeak_init(&l->tp[c]);
    l->target = *p;
    l->target.true_peak = p->true_peak != 0;
    wm_limiter_set_ceiling_db(l, p->ceiling_db);
    wm_limiter_set_release_ms(l, p->release_ms);
    wm_limiter_reset(l);
    return WM_OK;
}

int wm_limiter_latency(const wm_limiter* l)
{
    const wm_limiter_chain* c = &l->chain[l->cur];
    return c->lookahead + c->delay;
}

float wm_limiter_reduction_db(const wm_limiter* l) { return l->gain >= 1.0f ? 0.0f : -wm_lin_to_db(l->gain); }
