/* wm_strip.c -- a channel strip composed of the wamix modules: EQ with cuts,
   compressor, saturation, width/pan, fader, mute, sends, meters. Written for
   wamix.

   The strip owns three sets of buffers: the input (filled by its owner and
   processed in place by the inserts), the pre-fader tap (the stereo output
   of width/pan) and the output (the tap times fader and mute). Sends read
   either tap with their own gliding gains, kept as two smoothers per send,
   one per tap: switching a send between pre and post crossfades the two
   over the ramp instead of jumping. Grouped parameters (bands, cuts,
   compressor) are collected as dirty bits and handed over once per commit. */
#include "wm_strip.h"

#include "wm_ops.h"

#define WM_STRIP_MAX_BLOCK (1 << 20)
#define WM_STRIP_METER_RMS_MS 300.0f
#define WM_STRIP_METER_RELEASE_DB_PER_S 12.0f
#define DIRTY_LOWCUT 8
#define DIRTY_HIGHCUT 9
#define DIRTY_COMP 10
#define DIRTY_EQ 0x3ffu /* bands and cuts */
#define DIRTY_ALL 0x7ffu

#define WM_STRIP_PARAM_INFO(id, name, lo, hi, def, unit, stepped) {name, lo, hi, def, unit, stepped},
static const wm_param_info param_table[WM_STRIP_PARAM_COUNT] = {WM_STRIP_PARAMS(WM_STRIP_PARAM_INFO)};
#undef WM_STRIP_PARAM_INFO

_Static_assert(WM_STRIP_EQ7_ON == WM_STRIP_EQ0_ON + 7 * WM_STRIP_BAND_STRIDE, "band layout");
_Static_assert(WM_STRIP_SEND15_DB == WM_STRIP_SEND0_DB + 15 * WM_STRIP_SEND_STRIDE, "send layout");

static const wm_biquad_type band_types[] = {WM_BIQUAD_PEAKING, WM_BIQUAD_LOWSHELF, WM_BIQUAD_HIGHSHELF,
                                            WM_BIQUAD_NOTCH, WM_BIQUAD_BANDPASS};

const wm_param_info* wm_strip_param_get_info(int id)
{
    return id >= 0 && id < WM_STRIP_PARAM_COUNT ? &param_table[id] : NULL;
}

static int config_ok(const wm_strip_config* cfg)
{
    return cfg && cfg->sample_rate >= 8000.0f && cfg->sample_rate <= 384000.0f && cfg->max_block >= 1 &&
           cfg->max_block <= WM_STRIP_MAX_BLOCK && (cfg->channels == 1 || cfg->channels == 2);
}

static size_t buffer_bytes(int max_block) { return (size_t)max_block * sizeof(float) + 64; }

size_t wm_strip_memory_size(const wm_strip_config* cfg)
{
    return config_ok(cfg) ? (size_t)(cfg->channels + 4) * buffer_bytes(cfg->max_block) : 0;
}

static int is_on(const wm_strip* s, int id) { return s->params[id] >= 0.5f; }

int wm_strip_muted(const wm_strip* s) { return is_on(s, WM_STRIP_MUTE) || s->solo_muted; }

/* A fader or send level in dB as a gain: -96 dB and below is silence. */
static float level(float db) { return db <= WM_GAIN_MIN_DB ? 0.0f : wm_db_to_lin(db); }

/* The send glides carry gain x level; while the send is driven its level
   comes per frame and the glides carry the mute and tap factor alone. */
static void update_send(wm_strip* s, int k)
{
    float db = s->params[WM_STRIP_SEND0_DB + k * WM_STRIP_SEND_STRIDE];
    float g = wm_strip_muted(s) ? 0.0f : s->drive[2 + k] ? 1.0f : level(db);
    int pre = is_on(s, WM_STRIP_SEND0_PRE + k * WM_STRIP_SEND_STRIDE);
    wm_smooth_set(&s->send_pre[k], pre ? g : 0.0f);
    wm_smooth_set(&s->send_post[k], pre ? 0.0f : g);
}

static void update_mute(wm_strip* s)
{
    wm_smooth_set(&s->mute.gain, wm_strip_muted(s) ? 0.0f : 1.0f);
    for (int k = 0; k < WM_STRIP_MAX_SENDS; k++)
        update_send(s, k);
}

/* Stepped values are rounded; the cut slopes snap to 12, 24 or 48. */
/* The cut slopes take only 12, 24 or 48 dB/octave. */
static float snap_slope(int id, float v)
{
    if (id == WM_STRIP_LOWCUT_SLOPE || id == WM_STRIP_HIGHCUT_SLOPE)
        return v < 18.0f ? 12.0f : (v < 36.0f ? 24.0f : 48.0f);
    return v;
}

/* Takes a stored value to its module, or marks its group dirty. */
static void apply(wm_strip* s, int id)
{
    float v = s->params[id];
    if (id >= WM_STRIP_EQ0_ON && id < WM_STRIP_COMP_ON) {
        s->dirty |= 1u << ((id - WM_STRIP_EQ0_ON) / WM_STRIP_BAND_STRIDE);
    } else if (id >= WM_STRIP_COMP_ON && id <= WM_STRIP_COMP_MAKEUP_DB) {
        s->dirty |= 1u << DIRTY_COMP;
    } else if (id >= WM_STRIP_SEND0_DB) {
        update_send(s, (id - WM_STRIP_SEND0_DB) / WM_STRIP_SEND_STRIDE);
    } else {
        switch (id) {
        case WM_STRIP_FADER_DB:
            if (!s->drive[0])
                wm_gain_set_db(&s->fader, v);
            break;
        case WM_STRIP_PAN:
            if (!s->drive[1])
                wm_stereo_set_pan(&s->stereo, v);
            break;
        case WM_STRIP_WIDTH: wm_stereo_set_width(&s->stereo, v); break;
        case WM_STRIP_MUTE: update_mute(s); break;
        case WM_STRIP_LOWCUT_ON:
        case WM_STRIP_LOWCUT_FREQ_HZ:
        case WM_STRIP_LOWCUT_SLOPE: s->dirty |= 1u << DIRTY_LOWCUT; break;
        case WM_STRIP_HIGHCUT_ON:
        case WM_STRIP_HIGHCUT_FREQ_HZ:
        case WM_STRIP_HIGHCUT_SLOPE: s->dirty |= 1u << DIRTY_HIGHCUT; break;
        case WM_STRIP_SAT_ON:
            wm_saturate_set_mix(&s->sat, v);
            s->sat_active |= v != 0.0f;
            break;
        case WM_STRIP_SAT_DRIVE_DB: wm_saturate_set_drive_db(&s->sat, v); break;
        case WM_STRIP_SAT_CURVE: wm_saturate_set_curve(&s->sat, (wm_saturate_curve)(int)v); break;
        default: break; /* solo and solo_safe are read by the mixer */
        }
    }
}

WM_COLD int wm_strip_set_param(wm_strip* s, int id, float value)
{
    float v = value;
    int err = wm_param_accept(wm_strip_param_get_info(id), &v);
    if (wm_param_refused(err))
        return err;
    float slope = snap_slope(id, v);
    if (slope != v) {
        v = slope;
        err = WM_ERR_RANGE;
    }
    s->params[id] = v;
    apply(s, id);
    return err;
}

/* The drive slot of a parameter: 0 fader, 1 pan, 2 + k send k; -1 none. */
static int drive_slot(int id)
{
    int send = id - WM_STRIP_SEND0_DB;
    if (id == WM_STRIP_FADER_DB || id == WM_STRIP_PAN)
        return id == WM_STRIP_PAN;
    return send >= 0 && id < WM_STRIP_PARAM_COUNT && send % WM_STRIP_SEND_STRIDE == 0 ? 2 + send / WM_STRIP_SEND_STRIDE
                                                                                    : -1;
}

/* A glide carried with another factor: value, target and step times to / from. */
static void rescale(wm_smooth* g, float from, float to)
{
    g->value = g->value / from * to;
    g->target = g->target / from * to;
    g->step = g->step / from * to;
}

int wm_strip_drive(wm_strip* s, int id, const float* values)
{
    int slot = drive_slot(id), k = slot - 2;
    if (slot < 0)
        return WM_ERR_PARAM;
    float lv = level(s->params[id]);
    int change = !s->drive[slot] != !values, snap = values && lv == 0.0f;
    s->drive[slot] = values;
    if (!change)
        return WM_OK;
    for (int t = 0; k >= 0 && t < 2 && !snap; t++)
        rescale(t ? &s->send_post[k] : &s->send_pre[k], values ? lv : 1.0f, values ? 1.0f : lv);
    apply(s, id); /* hands a parameter back to its setter, or sets a send's glides to the tap factor */
    for (int t = 0; k >= 0 && t < 2 && snap; t++)
        wm_smooth_snap(t ? &s->send_post[k] : &s->send_pre[k]);
    return WM_OK;
}

float wm_strip_get_param(const wm_strip* s, int id)
{
    return id >= 0 && id < WM_STRIP_PARAM_COUNT ? s->params[id] : NAN;
}

static void commit_cut(wm_strip* s, wm_eq_cut_side side, int first_id)
{
    const float* p = s->params + first_id; /* on, freq_hz, slope */
    wm_eq_cut c = {p[1], (int)p[2], p[0] >= 0.5f};
    for (int lane = 0; lane < s->cfg.channels; lane++)
        wm_eq_set_cut(s->eq_run, s->eq_lane + lane, side, &c);
}

static void commit_compressor(wm_strip* s)
{
    const float* p = s->params;
    wm_compressor_params c = wm_compressor_defaults();
    int on = is_on(s, WM_STRIP_COMP_ON);
    c.threshold_db = p[WM_STRIP_COMP_THRESHOLD_DB];
    c.ratio = on ? p[WM_STRIP_COMP_RATIO] : 1.0f;
    c.attack_ms = p[WM_STRIP_COMP_ATTACK_MS];
    c.release_ms = p[WM_STRIP_COMP_RELEASE_MS];
    c.knee_db = p[WM_STRIP_COMP_KNEE_DB];
    c.makeup_db = on ? p[WM_STRIP_COMP_MAKEUP_DB] : 0.0f;
    wm_compressor_set(&s->comp, &c);
    s->comp_active |= on;
}

void wm_strip_commit(wm_strip* s)
{
    if (!s->dirty)
        return;
    for (int k = 0; k < WM_EQ_BANDS; k++) {
        if (!(s->dirty & (1u << k)))
            continue;
        const float* p = s->params + WM_STRIP_EQ0_ON + k * WM_STRIP_BAND_STRIDE; /* on, type, freq, q, gain */
        wm_eq_band b = {band_types[(int)p[1]], p[2], p[3], p[4], p[0] >= 0.5f};
        for (int lane = 0; lane < s->cfg.channels; lane++)
            wm_eq_set_band(s->eq_run, s->eq_lane + lane, k, &b);
    }
    if (s->dirty & (1u << DIRTY_LOWCUT))
        commit_cut(s, WM_EQ_LOW_CUT, WM_STRIP_LOWCUT_ON);
    if (s->dirty & (1u << DIRTY_HIGHCUT))
        commit_cut(s, WM_EQ_HIGH_CUT, WM_STRIP_HIGHCUT_ON);
    if (s->dirty & (1u << DIRTY_COMP))
        commit_compressor(s);
    s->dirty = 0;
}

void wm_strip_set_solo_muted(wm_strip* s, int muted)
{
    muted = muted != 0;
    if (muted == s->solo_muted)
        return;
    s->solo_muted = muted;
    update_mute(s);
}

WM_COLD int wm_strip_init(wm_strip* s, wm_arena* a, const wm_strip_config* cfg)
{
    if (!s || !a || !config_ok(cfg))
        return WM_ERR_ARG;
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    size_t mark = wm_arena_mark(a);
    size_t bytes = (size_t)cfg->max_block * sizeof(float);
    int ok = 1;
    for (int c = 0; c < 2; c++) {
        if (c < cfg->channels)
            ok = ok && (s->in[c] = wm_arena_alloc(a, bytes, 64));
        ok = ok && (s->pre[c] = wm_arena_alloc(a, bytes, 64));
        ok = ok && (s->out[c] = wm_arena_alloc(a, bytes, 64));
    }
    if (!ok) {
        wm_arena_rollback(a, mark);
        return WM_ERR_NOMEM;
    }
    float fs = cfg->sample_rate;
    int ramp = (int)(WM_STRIP_RAMP_MS * 0.001f * fs + 0.5f);
    wm_compressor_params cp = wm_compressor_defaults();
    cp.ratio = 1.0f;
    s->eq_run = &s->eq;
    int err = wm_eq_init(&s->eq, fs, WM_STRIP_EQ_SMOOTH_MS);
    if (err == WM_OK)
        err = wm_compressor_init(&s->comp, &cp, cfg->channels, fs);
    if (err == WM_OK)
        err = wm_saturate_init(&s->sat, cfg->channels, fs, 1, WM_STRIP_RAMP_MS);
    if (err == WM_OK)
        err = wm_stereo_init(&s->stereo, cfg->channels, fs, WM_STRIP_RAMP_MS);
    if (err == WM_OK)
        err = wm_gain_init(&s->fader, 0.0f, WM_STRIP_RAMP_MS, fs);
    if (err == WM_OK)
        err = wm_gain_init(&s->mute, 0.0f, WM_STRIP_RAMP_MS, fs);
    for (int c = 0; c < 2 && err == WM_OK; c++)
        err = wm_meter_init(&s->meter[c], fs, WM_STRIP_METER_RMS_MS, WM_STRIP_METER_RELEASE_DB_PER_S);
    if (err != WM_OK) {
        wm_arena_rollback(a, mark);
        return err;
    }
    for (int k = 0; k < WM_STRIP_MAX_SENDS; k++) {
        wm_smooth_init(&s->send_pre[k], 0.0f, ramp);
        wm_smooth_init(&s->send_post[k], 0.0f, ramp);
    }
    for (int id = 0; id < WM_STRIP_PARAM_COUNT; id++) {
        s->params[id] = param_table[id].def;
        apply(s, id);
    }
    s->dirty = DIRTY_ALL;
    wm_strip_commit(s);
    wm_strip_reset(s);
    return WM_OK;
}

float* wm_strip_input(wm_strip* s, int channel)
{
    return channel >= 0 && channel < s->cfg.channels ? s->in[channel] : NULL;
}

const float* wm_strip_pre(const wm_strip* s, int channel) { return channel == 0 || channel == 1 ? s->pre[channel] : NULL; }
const float* wm_strip_out(const wm_strip* s, int channel) { return channel == 0 || channel == 1 ? s->out[channel] : NULL; }

/* A driven gain: dst = dst * keep + src * glide * level(db[i]) per frame,
   both channels (keep 0 or 1; the glide moves on n frames). Returns the
   last frame's level. The fader and the sends share this one loop. */
static float driven(const float* db, wm_smooth* glide, float* const* src, float* const* dst, float keep, int n)
{
    float lv = 0.0f;
    for (int i = 0; i < n; i++) {
        if (i == 0 || db[i] != db[i - 1])
            lv = level(db[i]);
        float k = wm_smooth_next(glide) * lv;
        for (int c = 0; c < 2; c++)
            dst[c][i] = dst[c][i] * keep + src[c][i] * k;
    }
    return lv;
}

/* The fader from per-frame dB values (out * 0 + out * k: the output is
   finite, sanitised by wm_stereo); it ends at rest at the last one. */
static void drive_fader(wm_strip* s, int n)
{
    wm_smooth unity = {1.0f, 1.0f, 0.0f, 0, 1};
    float g = driven(s->drive[0], &unity, s->out, s->out, 0.0f, n);
    if (n > 0) {
        s->fader.gain.value = s->fader.gain.target = g;
        s->fader.gain.remaining = 0;
    }
}

static int clamp_block(const wm_strip* s, int n) { return n < 0 ? 0 : (n > s->cfg.max_block ? s->cfg.max_block : n); }

void wm_strip_eq_lanes(wm_strip* s, float** lanes)
{
    for (int c = 0; c < s->cfg.channels; c++)
        lanes[s->eq_lane + c] = s->in[c];
}

/* Runs the compressors of a batch of strips as one group, then tells each
   whether its compressor still has work. */
static void compress_batch(wm_strip* const* batch, int count, int n)
{
    wm_compressor* comps[WM_COMP_GROUP] = {NULL};
    float* const* io[WM_COMP_GROUP] = {NULL};
    for (int k = 0; k < count; k++) {
        comps[k] = &batch[k]->comp;
        io[k] = batch[k]->in;
    }
    wm_compressor_process_group(comps, io, count, n);
    for (int k = 0; k < count; k++) {
        wm_strip* s = batch[k];
        s->comp_active = is_on(s, WM_STRIP_COMP_ON) || s->comp.makeup.remaining > 0 ||
                         s->comp.makeup.value != 0.0f || wm_compressor_gain_reduction_db(&s->comp) >= WM_STRIP_COMP_REST_DB;
    }
}

void wm_strip_compress(wm_strip* strips, int count, int n)
{
    wm_strip* batch[WM_COMP_GROUP];
    int size = 0;
    for (int k = 0; k < count; k++) {
        wm_strip* s = &strips[k];
        if (!s->comp_active)
            continue;
        if (size == WM_COMP_GROUP || (size && s->comp.phase != batch[0]->comp.phase)) {
            compress_batch(batch, size, clamp_block(s, n));
            size = 0;
        }
        batch[size++] = s;
    }
    if (size)
        compress_batch(batch, size, clamp_block(batch[0], n));
}

void wm_strip_finish(wm_strip* s, int n)
{
    n = clamp_block(s, n);
    if (s->sat_active) {
        wm_saturate_process(&s->sat, s->in, n);
        s->sat_active = s->sat.mix.value != 0.0f || s->sat.mix.remaining > 0;
    }
    if (s->drive[1])
        wm_stereo_process_pan(&s->stereo, (const float* const*)s->in, s->pre, n, s->drive[1]);
    else
        wm_stereo_process(&s->stereo, (const float* const*)s->in, s->pre, n);
    for (int c = 0; c < 2; c++)
        memcpy(s->out[c], s->pre[c], (size_t)n * sizeof(float));
    if (s->drive[0])
        drive_fader(s, n);
    else
        wm_gain_process(&s->fader, s->out, 2, n);
    wm_gain_process(&s->mute, s->out, 2, n);
    for (int c = 0; c < 2; c++)
        wm_meter_process_block(&s->meter[c], s->out[c], n);
}

void wm_strip_process(wm_strip* s, int n)
{
    wm_strip_commit(s);
    float* lanes[WM_EQ_LANES] = {NULL};
    wm_strip_eq_lanes(s, lanes);
    wm_eq_process(s->eq_run, (const float* const*)lanes, lanes, clamp_block(s, n));
    wm_strip_compress(s, 1, n);
    wm_strip_finish(s, n);
}

/* dst += src * g, with g gliding; one gain per frame for both channels. */
static void add_smoothed(wm_smooth* g, float* const* src, float* const* dst, int n)
{
    if (g->value == 0.0f && g->remaining == 0)
        return;
    int i = 0;
    for (; i < n && g->remaining > 0; i++) {
        float k = wm_smooth_next(g);
        dst[0][i] += src[0][i] * k;
        dst[1][i] += src[1][i] * k;
    }
    if (i < n && g->value != 0.0f)
        for (int c = 0; c < 2; c++)
            wm_ops_sum(src[c] + i, dst[c] + i, g->value, n - i);
}

/* dst += src * g * level(db[i]): a driven send, g its mute and tap glide. */
static void add_driven(wm_smooth* g, float* const* src, float* const* dst, const float* db, int n)
{
    if (g->value != 0.0f || g->remaining > 0)
        driven(db, g, src, dst, 1.0f, n);
}

void wm_strip_add_send(wm_strip* s, int k, float* const* dst, int n)
{
    if (k < 0 || k >= WM_STRIP_MAX_SENDS)
        return;
    n = clamp_block(s, n);
    const float* db = s->drive[2 + k];
    if (db) {
        add_driven(&s->send_pre[k], s->pre, dst, db, n);
        add_driven(&s->send_post[k], s->out, dst, db, n);
        return;
    }
    add_smoothed(&s->send_pre[k], s->pre, dst, n);
    add_smoothed(&s->send_post[k], s->out, dst, n);
}

int wm_strip_send_active(const wm_strip* s, int k)
{
    const wm_smooth* a = &s->send_pre[k];
    const wm_smooth* b = &s->send_post[k];
    return a->value != 0.0f || a->remaining > 0 || b->value != 0.0f || b->remaining > 0;
}

void wm_strip_get_levels(const wm_strip* s, wm_strip_levels* out)
{
    for (int c = 0; c < 2; c++) {
        out->peak_db[c] = wm_meter_peak_db(&s->meter[c]);
        out->rms_db[c] = wm_meter_rms_db(&s->meter[c]);
    }
    out->comp_gr_db = s->comp_active ? wm_compressor_gain_reduction_db(&s->comp) : 0.0f;
}

WM_COLD int wm_strip_share_eq(wm_strip* s, wm_strip* host, int lane)
{
    if (!s || !host || s == host || host->eq_run != &host->eq || lane < host->cfg.channels ||
        lane + s->cfg.channels > WM_EQ_LANES || host->cfg.sample_rate != s->cfg.sample_rate)
        return WM_ERR_ARG;
    s->eq_run = &host->eq;
    s->eq_lane = lane;
    s->dirty |= DIRTY_EQ;
    wm_strip_commit(s);
    wm_eq_reset_lanes(s->eq_run, lane, s->cfg.channels);
    return WM_OK;
}

void wm_strip_reset(wm_strip* s)
{
    wm_eq_reset_lanes(s->eq_run, s->eq_lane, s->cfg.channels);
    wm_compressor_reset(&s->comp);
    wm_saturate_reset(&s->sat);
    wm_stereo_reset(&s->stereo);
    wm_smooth_snap(&s->fader.gain);
    wm_smooth_snap(&s->mute.gain);
    for (int k = 0; k < WM_STRIP_MAX_SENDS; k++) {
        wm_smooth_snap(&s->send_pre[k]);
        wm_smooth_snap(&s->send_post[k]);
    }
    for (int c = 0; c < 2; c++)
        wm_meter_reset(&s->meter[c]);
    s->comp_active = is_on(s, WM_STRIP_COMP_ON);
    s->sat_active = is_on(s, WM_STRIP_SAT_ON);
}
