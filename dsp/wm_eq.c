/* wm_eq.c -- the fused multi-band equaliser: every active section of every
   lane in series, per sub-block of at most WM_EQ_SUBBLOCK frames.

   Algorithm: RBJ cookbook biquads (wm_biquad_design) for the bands;
   Butterworth cuts as cascades of second-order sections sharing the cutoff,
   with Qs 1/(2 cos((2k+1) pi / 2N)) (S. Butterworth, "On the theory of
   filter amplifiers", 1930; the pole angles of any filter-design text),
   each section an RBJ low- or high-pass, so the bilinear transform is
   prewarped at the cutoff. The four lanes run in one wm_v4 (wm_biquad4),
   and sections run two at a time per loop, so the second recursion
   overlaps the first. Glides follow wm_filter: one-pole moves of the
   parameters once per sub-block, linear coefficient ramps per sample.
   Written for wamix; MIT licence like the rest of the project. */
#include "wm_eq.h"

#define LOW_CUT0 0
#define BAND0 WM_EQ_CUT_SECTIONS
#define HIGH_CUT0 (WM_EQ_CUT_SECTIONS + WM_EQ_BANDS)

/* Butterworth Qs of the second-order sections, for orders 2, 4 and 8, to
   double precision so that they round to the nearest float. */
static const float butterworth_q[3][WM_EQ_CUT_SECTIONS] = {
    {0.7071067811865475f},
    {0.541196100146197f, 1.3065629648763764f},
    {0.5097955791041592f, 0.6013448869350453f, 0.8999762231364156f, 2.5629154477415055f},
};

/* The design of one lane of a section: the identity blended toward the
   design by mix. The ends are exact, so a band at rest is bit for bit the
   design, and a band switched off is bit for bit the identity. */
static wm_biquad_coefs blend(const wm_biquad_params* p, float mix, float sample_rate)
{
    if (mix == 0.0f)
        return wm_biquad_identity();
    wm_biquad_coefs d = wm_biquad_design(p, sample_rate);
    if (mix != 1.0f) {
        d.b0 = 1.0f + mix * (d.b0 - 1.0f);
        d.b1 *= mix;
        d.b2 *= mix;
        d.a1 *= mix;
        d.a2 *= mix;
    }
    return d;
}

/* Moves one lane of a section one sub-block closer to its target. At mix 0
   the section is silent, so it jumps: that is also how a type change is
   made (fade out, switch, fade in). */
static void glide_voice(wm_eq_voice* v, float k)
{
    wm_biquad_params* c = &v->current;
    const wm_biquad_params* t = &v->target;
    if (v->mix == 0.0f)
        *c = *t;
    int same_type = c->type == t->type;
    float mix_to = v->on && same_type ? 1.0f : 0.0f;
    if (same_type) {
        c->freq_hz *= (float)wm_pow_pos(t->freq_hz / c->freq_hz, k);
        c->q *= (float)wm_pow_pos(t->q / c->q, k);
        c->gain_db += (t->gain_db - c->gain_db) * k;
    }
    v->mix += (mix_to - v->mix) * k;
    if (fabsf(v->mix - mix_to) < 1e-3f)
        v->mix = mix_to;
    if (same_type && fabsf(c->freq_hz / t->freq_hz - 1.0f) < 1e-4f && fabsf(c->q / t->q - 1.0f) < 1e-4f &&
        fabsf(c->gain_db - t->gain_db) < 1e-3f) {
        *c = *t;
        v->moving = v->mix != mix_to;
    }
}

static int section_idle(const wm_eq* eq, int s)
{
    if (eq->sec[s].moving || eq->sec[s].ramping)
        return 0;
    for (int l = 0; l < WM_EQ_LANES; l++)
        if (eq->voice[s][l].mix != 0.0f)
            return 0;
    return 1;
}

/* Rebuilds the list of sections that run. An idle section has identity
   coefficients in every lane; its state, a rounding-level remainder of
   the fade, is cleared so that it starts clean when it comes back. */
static void relist(wm_eq* eq)
{
    eq->n_active = 0;
    for (int s = 0; s < WM_EQ_SECTIONS; s++) {
        if (section_idle(eq, s))
            eq->sec[s].z[0] = eq->sec[s].z[1] = wm_v4_splat(0.0f);
        else
            eq->active[eq->n_active++] = (unsigned char)s;
    }
}

/* At the start of a sub-block: glides the moving lanes of the moving
   sections and sets up their coefficient ramps across the sub-block. */
static void glide_step(wm_eq* eq)
{
    eq->moving = 0;
    for (int s = 0; s < WM_EQ_SECTIONS; s++) {
        wm_eq_section* sec = &eq->sec[s];
        if (!sec->moving)
            continue;
        sec->moving = 0;
        for (int l = 0; l < WM_EQ_LANES; l++) {
            wm_eq_voice* v = &eq->voice[s][l];
            if (!v->moving)
                continue;
            glide_voice(v, eq->glide);
            wm_biquad_coefs c = blend(&v->current, v->mix, eq->sample_rate);
            wm_biquad4_coefs_set_lane(&sec->coefs_end, l, &c);
            sec->moving |= v->moving;
        }
        eq->moving |= sec->moving;
        if (memcmp(&sec->coefs_end, &sec->coefs, sizeof sec->coefs) != 0) {
            const wm_v4 k = wm_v4_splat(1.0f / WM_EQ_SUBBLOCK);
            sec->step.b0 = (sec->coefs_end.b0 - sec->coefs.b0) * k;
            sec->step.b1 = (sec->coefs_end.b1 - sec->coefs.b1) * k;
            sec->step.b2 = (sec->coefs_end.b2 - sec->coefs.b2) * k;
            sec->step.a1 = (sec->coefs_end.a1 - sec->coefs.a1) * k;
            sec->step.a2 = (sec->coefs_end.a2 - sec->coefs.a2) * k;
            sec->ramping = 1;
        }
    }
    relist(eq);
}

/* At the end of a sub-block: lands the ramps exactly (free of accumulated
   rounding), settles the states, and drops sections that went idle. */
static void end_subblock(wm_eq* eq)
{
    int went_idle = 0;
    for (int k = 0; k < eq->n_active; k++) {
        wm_eq_section* sec = &eq->sec[eq->active[k]];
        if (sec->ramping) {
            sec->coefs = sec->coefs_end;
            sec->ramping = 0;
            memset(&sec->step, 0, sizeof sec->step);
            went_idle |= section_idle(eq, eq->active[k]);
        }
        eq->unstable_resets += wm_biquad4_settle(sec->z);
    }
    if (went_idle)
        relist(eq);
}

static void set_voice(wm_eq* eq, int s, int lane, const wm_biquad_params* p, int on)
{
    wm_eq_voice* v = &eq->voice[s][lane];
    if (v->on == on && v->target.type == p->type && v->target.freq_hz == p->freq_hz && v->target.q == p->q &&
        v->target.gain_db == p->gain_db)
        return;
    v->target = *p;
    v->on = on;
    v->moving = eq->sec[s].moving = eq->moving = 1;
}

/* Clamps to the limits of wm_biquad_design: WM_ERR_RANGE if anything moved. */
static int clamp_params(wm_biquad_params* p, float sample_rate)
{
    wm_biquad_params c = *p;
    c.freq_hz = wm_clampf(p->freq_hz, WM_BIQUAD_MIN_HZ, 0.49f * sample_rate);
    c.q = wm_clampf(p->q, WM_BIQUAD_MIN_Q, WM_BIQUAD_MAX_Q);
    c.gain_db = wm_clampf(p->gain_db, -WM_BIQUAD_MAX_GAIN_DB, WM_BIQUAD_MAX_GAIN_DB);
    int err = c.freq_hz != p->freq_hz || c.q != p->q || c.gain_db != p->gain_db ? WM_ERR_RANGE : WM_OK;
    *p = c;
    return err;
}

WM_COLD int wm_eq_set_band(wm_eq* eq, int lane, int band, const wm_eq_band* b)
{
    if (!eq || !b || lane < 0 || lane >= WM_EQ_LANES || band < 0 || band >= WM_EQ_BANDS)
        return WM_ERR_ARG;
    if (b->type != WM_BIQUAD_PEAKING && b->type != WM_BIQUAD_LOWSHELF && b->type != WM_BIQUAD_HIGHSHELF &&
        b->type != WM_BIQUAD_NOTCH && b->type != WM_BIQUAD_BANDPASS)
        return WM_ERR_ARG;
    if (b->freq_hz != b->freq_hz || b->q != b->q || b->gain_db != b->gain_db)
        return WM_ERR_ARG;
    wm_biquad_params p = {b->type, b->freq_hz, b->q, b->gain_db};
    int err = clamp_params(&p, eq->sample_rate);
    set_voice(eq, BAND0 + band, lane, &p, b->enabled != 0);
    return err;
}

WM_COLD int wm_eq_set_cut(wm_eq* eq, int lane, wm_eq_cut_side side, const wm_eq_cut* c)
{
    if (!eq || !c || lane < 0 || lane >= WM_EQ_LANES || (side != WM_EQ_LOW_CUT && side != WM_EQ_HIGH_CUT))
        return WM_ERR_ARG;
    if (c->freq_hz != c->freq_hz || (c->slope_db != 12 && c->slope_db != 24 && c->slope_db != 48))
        return WM_ERR_ARG;
    int row = c->slope_db == 12 ? 0 : c->slope_db == 24 ? 1 : 2; /* of butterworth_q */
    int sections = 1 << row;
    int first = side == WM_EQ_LOW_CUT ? LOW_CUT0 : HIGH_CUT0;
    int err = WM_OK;
    for (int k = 0; k < WM_EQ_CUT_SECTIONS; k++) {
        /* Sections beyond the slope take their 48 dB/octave Q while off. */
        float q = butterworth_q[k < sections ? row : 2][k];
        wm_biquad_params p = {side == WM_EQ_LOW_CUT ? WM_BIQUAD_HIGHPASS : WM_BIQUAD_LOWPASS, c->freq_hz, q, 0.0f};
        err = clamp_params(&p, eq->sample_rate);
        set_voice(eq, first + k, lane, &p, c->enabled && k < sections);
    }
    return err;
}

int wm_eq_init(wm_eq* eq, float sample_rate, float smooth_ms)
{
    if (!eq || !(sample_rate >= 1000.0f && sample_rate <= 768000.0f) || !(smooth_ms >= 0.0f))
        return WM_ERR_ARG;
    memset(eq, 0, sizeof *eq);
    eq->sample_rate = sample_rate;
    /* One-pole glide evaluated once per sub-block: after smooth_ms the
       remaining distance has shrunk to 1/e. */
    float subblocks = smooth_ms * 0.001f * sample_rate / WM_EQ_SUBBLOCK;
    eq->glide = subblocks > 1.0f ? 1.0f - (float)wm_exp(-1.0 / subblocks) : 1.0f;
    const wm_eq_band flat = {WM_BIQUAD_PEAKING, 1000.0f, 0.70710678f, 0.0f, 0};
    const wm_eq_cut low = {20.0f, 12, 0}, high = {20000.0f, 12, 0};
    for (int l = 0; l < WM_EQ_LANES; l++) {
        for (int b = 0; b < WM_EQ_BANDS; b++)
            wm_eq_set_band(eq, l, b, &flat);
        wm_eq_set_cut(eq, l, WM_EQ_LOW_CUT, &low);
        wm_eq_set_cut(eq, l, WM_EQ_HIGH_CUT, &high);
    }
    wm_eq_reset(eq);
    return WM_OK;
}

WM_COLD void wm_eq_reset_lanes(wm_eq* eq, int first, int count)
{
    const wm_biquad_coefs zero = {0};
    eq->moving = 0;
    for (int s = 0; s < WM_EQ_SECTIONS; s++) {
        wm_eq_section* sec = &eq->sec[s];
        sec->moving = 0;
        for (int l = 0; l < WM_EQ_LANES; l++) {
            wm_eq_voice* v = &eq->voice[s][l];
            if (l >= first && l < first + count) {
                v->current = v->target;
                v->mix = v->on ? 1.0f : 0.0f;
                v->moving = 0;
                wm_biquad_coefs c = blend(&v->current, v->mix, eq->sample_rate);
                wm_biquad4_coefs_set_lane(&sec->coefs, l, &c);
                wm_biquad4_coefs_set_lane(&sec->coefs_end, l, &c);
                wm_biquad4_coefs_set_lane(&sec->step, l, &zero);
                sec->z[0][l] = sec->z[1][l] = 0.0f;
            }
            sec->moving |= v->moving;
        }
        sec->ramping = memcmp(&sec->coefs, &sec->coefs_end, sizeof sec->coefs) != 0;
        eq->moving |= sec->moving;
    }
    relist(eq);
}

WM_COLD void wm_eq_reset(wm_eq* eq)
{
    wm_eq_reset_lanes(eq, 0, WM_EQ_LANES);
    eq->phase = 0;
}

/* Sections s and t (t may be NULL) in series over n frames in one loop.
   Always inlined with constant t-nullness and ramp, so each of the four
   combinations compiles to its own loop with the coefficients, steps and
   states in registers. */
static inline __attribute__((always_inline)) void run_pair(wm_eq_section* s, wm_eq_section* t, int ramp, wm_v4* x,
                                                           int n)
{
    wm_biquad4_coefs c = s->coefs, step_c = s->step;
    wm_biquad4_coefs d = t ? t->coefs : c, step_d = t ? t->step : step_c;
    wm_v4 zc[2] = {s->z[0], s->z[1]};
    wm_v4 zd[2] = {t ? t->z[0] : zc[0], t ? t->z[1] : zc[1]};
    for (int i = 0; i < n; i++) {
        if (ramp)
            wm_biquad4_advance(&c, &step_c);
        wm_v4 y = wm_biquad4_tick(&c, x[i], zc);
        if (t) {
            if (ramp)
                wm_biquad4_advance(&d, &step_d);
            y = wm_biquad4_tick(&d, y, zd);
        }
        x[i] = y;
    }
    s->coefs = c;
    s->z[0] = zc[0];
    s->z[1] = zc[1];
    if (t) {
        t->coefs = d;
        t->z[0] = zd[0];
        t->z[1] = zd[1];
    }
}

static void run_cascade(wm_eq* eq, wm_v4* x, int n)
{
    for (int k = 0; k < eq->n_active; k += 2) {
        wm_eq_section* s = &eq->sec[eq->active[k]];
        if (k + 1 == eq->n_active) {
            if (s->ramping)
                run_pair(s, NULL, 1, x, n);
            else
                run_pair(s, NULL, 0, x, n);
            break;
        }
        wm_eq_section* t = &eq->sec[eq->active[k + 1]];
        if (s->ramping || t->ramping) /* a section that is not ramping has a zero step */
            run_pair(s, t, 1, x, n);
        else
            run_pair(s, t, 0, x, n);
    }
}

void wm_eq_process(wm_eq* eq, const float* const* in, float* const* out, int n)
{
    /* Sub-blocks are counted on the EQ's own frame clock, not from the start
       of each call, so any split of a signal into blocks gives the same
       output. */
    wm_v4 frames[WM_EQ_SUBBLOCK];
    for (int i = 0; i < n;) {
        if (eq->phase == 0 && eq->moving)
            glide_step(eq);
        int len = WM_EQ_SUBBLOCK - eq->phase;
        if (len > n - i)
            len = n - i;
        eq->nonfinite += wm_biquad4_pack(in, i, frames, len);
        run_cascade(eq, frames, len);
        wm_biquad4_unpack(frames, out, i, len);
        eq->phase = (eq->phase + len) % WM_EQ_SUBBLOCK;
        if (eq->phase == 0)
            end_subblock(eq);
        i += len;
    }
}

float wm_eq_response_db(const wm_eq* eq, int lane, float freq_hz)
{
    if (lane < 0 || lane >= WM_EQ_LANES)
        return 0.0f;
    float db = 0.0f;
    for (int k = 0; k < eq->n_active; k++) {
        wm_biquad_coefs c = wm_biquad4_coefs_lane(&eq->sec[eq->active[k]].coefs, lane);
        db += wm_biquad_response_db(&c, freq_hz, eq->sample_rate);
    }
    return db;
}
