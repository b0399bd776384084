/* wm_mixer.c -- tracks -> buses -> master -> limiter -> meters, with solo in
   place, sends, clips on the transport and external inputs. Written for
   wamix.

   Every buffer and strip is placed in the arena by wm_mixer_create; the
   render only clears, sums and calls the modules. The limiter always runs
   and a delay line of its latency runs beside it: "off" crossfades to the
   delayed signal, so switching never clicks and the latency is constant. */
#include "wm_mixer.h"

#include "wm_correlation.h"
#include "wm_limiter.h"
#include "wm_loudness.h"
#include "wm_ops.h"

#define WM_MIXER_CORRELATION_MS 300.0f
#define WM_MIXER_METER_RMS_MS 300.0f
#define WM_MIXER_METER_RELEASE_DB_PER_S 12.0f

typedef struct {
    int64_t start; /* timeline frame */
    int at, len;   /* block offset and length */
} wm_mixer_span;

struct wm_mixer {
    wm_mixer_config cfg;
    wm_strip* tracks;
    wm_strip* buses;
    wm_strip master;
    wm_clips* clips;
    float* ext[WM_MIXER_MAX_TRACKS][2];
    unsigned char ext_filled[WM_MIXER_MAX_TRACKS];
    wm_transport transport;
    wm_mixer_span* spans;
    float* scratch;
    float* out[2];
    wm_limiter limiter;
    float* delay[2]; /* the limiter's latency, for the bypass */
    int delay_len, delay_pos;
    float* dry[2];
    wm_smooth limiter_mix; /* 1: limited, 0: delayed */
    wm_meter meter[2];
    wm_loudness* loudness;
    wm_correlation correlation;
    float params[WM_MIXER_PARAM_COUNT];
    int64_t frames;
    wm_mixer_bus_insert bus_insert;
    void* bus_insert_ctx;
};

#define WM_MIXER_PARAM_INFO(id, name, lo, hi, def, unit, stepped) {name, lo, hi, def, unit, stepped},
static const wm_param_info param_table[WM_MIXER_PARAM_COUNT] = {WM_MIXER_PARAMS(WM_MIXER_PARAM_INFO)};
#undef WM_MIXER_PARAM_INFO

const wm_param_info* wm_mixer_param_get_info(int id)
{
    return id >= 0 && id < WM_MIXER_PARAM_COUNT ? &param_table[id] : NULL;
}

static int config_ok(const wm_mixer_config* c)
{
    if (!c || !(c->sample_rate >= 8000.0f && c->sample_rate <= 384000.0f) || c->max_block < 1 ||
        c->max_block > (1 << 20) || c->track_count < 1 || c->track_count > WM_MIXER_MAX_TRACKS ||
        c->bus_count < 0 || c->bus_count > WM_MIXER_MAX_BUSES || !wm_clips_memory_size(c->clips_per_track))
        return 0;
    for (int t = 0; t < c->track_count; t++)
        if (c->track_channels[t] != 1 && c->track_channels[t] != 2)
            return 0;
    return 1;
}

static size_t blk(size_t bytes) { return bytes + 64; }
static int max_spans(int max_block) { return max_block / WM_TRANSPORT_MIN_LOOP + 2; }

static wm_strip_config strip_config(const wm_mixer_config* c, int channels)
{
    wm_strip_config s = {c->sample_rate, c->max_block, channels};
    return s;
}

WM_COLD size_t wm_mixer_memory_size(const wm_mixer_config* c)
{
    if (!config_ok(c))
        return 0;
    size_t buf = blk((size_t)c->max_block * sizeof(float));
    wm_strip_config stereo = strip_config(c, 2);
    size_t bytes = blk(sizeof(wm_mixer)) + blk((size_t)c->track_count * sizeof(wm_strip)) +
                   blk((size_t)c->bus_count * sizeof(wm_strip)) + blk((size_t)c->track_count * sizeof(wm_clips)) +
                   (size_t)(c->bus_count + 1) * wm_strip_memory_size(&stereo) + 5 * buf +
                   blk((size_t)max_spans(c->max_block) * sizeof(wm_mixer_span)) +
                   wm_limiter_memory_size(c->sample_rate, 2) + blk(sizeof(wm_loudness)) +
                   2 * blk((size_t)(WM_LIMITER_MAX_LOOKAHEAD_MS * 0.001f * c->sample_rate + 2) * sizeof(float));
    for (int t = 0; t < c->track_count; t++) {
        wm_strip_config sc = strip_config(c, c->track_channels[t]);
        bytes += wm_strip_memory_size(&sc) + wm_clips_memory_size(c->clips_per_track) + sc.channels * buf;
    }
    return bytes;
}

static float* alloc_buf(wm_arena* a, int frames) { return wm_arena_alloc(a, (size_t)frames * sizeof(float), 64); }

/* Packs the tracks' EQs four lanes to an EQ, in track order: a track that
   does not fit beside the ones before hosts the next pack. */
static int pack_eqs(wm_mixer* m)
{
    wm_strip* host = NULL;
    int used = 0, err = WM_OK;
    for (int t = 0; t < m->cfg.track_count && err == WM_OK; t++) {
        wm_strip* s = &m->tracks[t];
        if (host && used + s->cfg.channels <= WM_EQ_LANES) {
            err = wm_strip_share_eq(s, host, used);
        } else {
            host = s;
            used = 0;
        }
        used += s->cfg.channels;
    }
    return err;
}

static int place(wm_mixer* m, wm_arena* a)
{
    const wm_mixer_config* c = &m->cfg;
    wm_strip_config stereo = strip_config(c, 2);
    m->tracks = wm_arena_alloc(a, (size_t)c->track_count * sizeof(wm_strip), 64);
    m->buses = c->bus_count ? wm_arena_alloc(a, (size_t)c->bus_count * sizeof(wm_strip), 64) : NULL;
    m->clips = wm_arena_alloc(a, (size_t)c->track_count * sizeof(wm_clips), 64);
    m->spans = wm_arena_alloc(a, (size_t)max_spans(c->max_block) * sizeof(wm_mixer_span), 64);
    m->scratch = alloc_buf(a, c->max_block);
    m->loudness = wm_arena_alloc(a, sizeof(wm_loudness), 64);
    if (!m->tracks || (c->bus_count && !m->buses) || !m->clips || !m->spans || !m->scratch || !m->loudness)
        return WM_ERR_NOMEM;
    int err = WM_OK;
    for (int t = 0; t < c->track_count && err == WM_OK; t++) {
        wm_strip_config sc = strip_config(c, c->track_channels[t]);
        err = wm_strip_init(&m->tracks[t], a, &sc);
        if (err == WM_OK)
            err = wm_clips_init(&m->clips[t], a, c->clips_per_track);
        for (int ch = 0; ch < sc.channels && err == WM_OK; ch++)
            err = (m->ext[t][ch] = alloc_buf(a, c->max_block)) ? WM_OK : WM_ERR_NOMEM;
    }
    if (err == WM_OK)
        err = pack_eqs(m);
    for (int b = 0; b < c->bus_count && err == WM_OK; b++)
        err = wm_strip_init(&m->buses[b], a, &stereo);
    if (err == WM_OK)
        err = wm_strip_init(&m->master, a, &stereo);
    wm_limiter_params lp = {param_table[WM_MIXER_LIMITER_CEILING_DB].def, WM_MIXER_LIMITER_LOOKAHEAD_MS,
                            param_table[WM_MIXER_LIMITER_RELEASE_MS].def, 0};
    if (err == WM_OK)
        err = wm_limiter_init(&m->limiter, a, c->sample_rate, 2, &lp);
    if (err != WM_OK)
        return err;
    m->delay_len = wm_limiter_latency(&m->limiter);
    for (int ch = 0; ch < 2; ch++) {
        m->out[ch] = alloc_buf(a, c->max_block);
        m->dry[ch] = alloc_buf(a, c->max_block);
        m->delay[ch] = alloc_buf(a, m->delay_len + 1);
        if (!m->out[ch] || !m->dry[ch] || !m->delay[ch])
            return WM_ERR_NOMEM;
        err = wm_meter_init(&m->meter[ch], c->sample_rate, WM_MIXER_METER_RMS_MS, WM_MIXER_METER_RELEASE_DB_PER_S);
    }
    if (err == WM_OK)
        err = wm_loudness_init(m->loudness, c->sample_rate, 2);
    if (err == WM_OK)
        err = wm_correlation_init(&m->correlation, c->sample_rate, WM_MIXER_CORRELATION_MS);
    return err;
}

WM_COLD wm_mixer* wm_mixer_create(wm_arena* a, const wm_mixer_config* cfg, int* err)
{
    *err = WM_ERR_ARG;
    if (!a || !config_ok(cfg))
        return NULL;
    size_t mark = wm_arena_mark(a);
    wm_mixer* m = wm_arena_alloc(a, sizeof *m, 64);
    *err = m ? WM_OK : WM_ERR_NOMEM;
    if (m) {
        m->cfg = *cfg;
        *err = place(m, a);
    }
    if (*err != WM_OK) {
        wm_arena_rollback(a, mark);
        return NULL;
    }
    wm_transport_init(&m->transport);
    wm_smooth_init(&m->limiter_mix, 0.0f, (int)(WM_STRIP_RAMP_MS * 0.001f * cfg->sample_rate + 0.5f));
    for (int id = 0; id < WM_MIXER_PARAM_COUNT; id++)
        m->params[id] = param_table[id].def;
    return m;
}

wm_strip* wm_mixer_track(wm_mixer* m, int t) { return t >= 0 && t < m->cfg.track_count ? &m->tracks[t] : NULL; }
wm_strip* wm_mixer_bus(wm_mixer* m, int b) { return b >= 0 && b < m->cfg.bus_count ? &m->buses[b] : NULL; }
wm_strip* wm_mixer_master(wm_mixer* m) { return &m->master; }
wm_strip* wm_mixer_strip(wm_mixer* m, int i)
{
    int t = m->cfg.track_count, b = m->cfg.bus_count;
    return i >= 0 && i < t ? &m->tracks[i] : i >= t && i < t + b ? &m->buses[i - t] : i == t + b ? &m->master : NULL;
}

wm_clips* wm_mixer_clips(wm_mixer* m, int t) { return t >= 0 && t < m->cfg.track_count ? &m->clips[t] : NULL; }
wm_transport* wm_mixer_transport(wm_mixer* m) { return &m->transport; }
const float* wm_mixer_output(const wm_mixer* m, int ch) { return ch == 0 || ch == 1 ? m->out[ch] : NULL; }
int wm_mixer_latency(const wm_mixer* m) { return m->delay_len; }
int64_t wm_mixer_frames(const wm_mixer* m) { return m->frames; }

float* wm_mixer_track_input(wm_mixer* m, int t, int ch)
{
    if (t < 0 || t >= m->cfg.track_count || ch < 0 || ch >= m->cfg.track_channels[t])
        return NULL;
    m->ext_filled[t] = 1;
    return m->ext[t][ch];
}

int wm_mixer_set_param(wm_mixer* m, int id, float value)
{
    float v = value;
    int err = wm_param_accept(wm_mixer_param_get_info(id), &v);
    if (wm_param_refused(err))
        return err;
    m->params[id] = v;
    switch (id) {
    case WM_MIXER_LIMITER_ON: wm_smooth_set(&m->limiter_mix, v); break;
    case WM_MIXER_LIMITER_CEILING_DB: wm_limiter_set_ceiling_db(&m->limiter, v); break;
    default: wm_limiter_set_release_ms(&m->limiter, v); break;
    }
    return err;
}

float wm_mixer_get_param(const wm_mixer* m, int id)
{
    return id >= 0 && id < WM_MIXER_PARAM_COUNT ? m->params[id] : NAN;
}

static int on(const wm_strip* s, int id) { return wm_strip_get_param(s, id) >= 0.5f; }

static void update_solo(wm_mixer* m)
{
    int any = 0, any_bus = 0;
    for (int b = 0; b < m->cfg.bus_count; b++)
        any_bus |= on(&m->buses[b], WM_STRIP_SOLO);
    any = any_bus;
    for (int t = 0; t < m->cfg.track_count && !any; t++)
        any = on(&m->tracks[t], WM_STRIP_SOLO);
    for (int t = 0; t < m->cfg.track_count; t++) {
        wm_strip* s = &m->tracks[t];
        int audible = !any || on(s, WM_STRIP_SOLO);
        for (int b = 0; b < m->cfg.bus_count && any_bus && !audible; b++)
            audible = on(&m->buses[b], WM_STRIP_SOLO) &&
                      wm_strip_get_param(s, WM_STRIP_SEND0_DB + b * WM_STRIP_SEND_STRIDE) > WM_GAIN_MIN_DB;
        wm_strip_set_solo_muted(s, !audible);
    }
    for (int b = 0; b < m->cfg.bus_count; b++) {
        wm_strip* s = &m->buses[b];
        wm_strip_set_solo_muted(s, any && !on(s, WM_STRIP_SOLO) && !on(s, WM_STRIP_SOLO_SAFE));
    }
}

static int plan_spans(wm_mixer* m, int n)
{
    int count = 0;
    if (m->transport.state != WM_TRANSPORT_PLAYING)
        return 0;
    for (int at = 0; at < n;) {
        wm_mixer_span* sp = &m->spans[count++];
        sp->at = at;
        sp->len = wm_transport_span(&m->transport, n - at, &sp->start);
        wm_transport_advance(&m->transport, sp->len);
        at += sp->len;
    }
    return count;
}

/* The track's source into its strip input. */
static void render_source(wm_mixer* m, int t, int spans, int at, int n)
{
    wm_strip* s = &m->tracks[t];
    int chans = s->cfg.channels;
    for (int ch = 0; ch < chans; ch++) {
        if (m->ext_filled[t])
            memcpy(s->in[ch], m->ext[t][ch] + at, (size_t)n * sizeof(float));
        else
            memset(s->in[ch], 0, (size_t)n * sizeof(float));
    }
    for (int k = 0; k < spans; k++) {
        const wm_mixer_span* sp = &m->spans[k];
        float* dst[2] = {s->in[0] + sp->at, chans == 2 ? s->in[1] + sp->at : NULL};
        wm_clips_render(&m->clips[t], m->cfg.pool, sp->start, sp->len, dst, chans, m->scratch);
    }
}

/* The track strips: each commits its settings, the EQ packs run (one pass per host over
   the lanes of all its guests, who follow it), the compressors run four
   at a time, each finishes. */
static void process_tracks(wm_mixer* m, int n)
{
    wm_strip* tracks = m->tracks;
    int count = m->cfg.track_count;
    for (int t = 0; t < count; t++)
        wm_strip_commit(&tracks[t]);
    for (int t = 0; t < count; t++) {
        wm_eq* eq = &tracks[t].eq;
        if (tracks[t].eq_run != eq)
            continue;
        float* lanes[WM_EQ_LANES] = {NULL};
        for (int u = t; u < count && tracks[u].eq_run == eq; u++)
            wm_strip_eq_lanes(&tracks[u], lanes);
        wm_eq_process(eq, (const float* const*)lanes, lanes, n);
    }
    wm_strip_compress(tracks, count, n);
    for (int t = 0; t < count; t++)
        wm_strip_finish(&tracks[t], n);
}

static void add_out(const wm_strip* s, float* const* dst, int n)
{
    for (int ch = 0; ch < 2; ch++)
        wm_ops_sum(s->out[ch], dst[ch], 1.0f, n);
}

static void clear2(float* const* x, int n)
{
    for (int ch = 0; ch < 2; ch++)
        memset(x[ch], 0, (size_t)n * sizeof(float));
}

/* The limiter, and the delayed master beside it, blended by limiter_mix,
   into out (the output at the part's offset). */
static void limit(wm_mixer* m, float* const* out, int n)
{
    const float* const* in = (const float* const*)m->master.out;
    wm_limiter_process(&m->limiter, in, out, n);
    for (int ch = 0; ch < 2; ch++) {
        float* line = m->delay[ch];
        for (int i = 0, pos = m->delay_pos; i < n; i++) {
            m->dry[ch][i] = line[pos];
            line[pos] = in[ch][i];
            pos = pos + 1 == m->delay_len ? 0 : pos + 1;
        }
    }
    m->delay_pos = m->delay_len ? (int)((m->delay_pos + n) % m->delay_len) : 0;
    /* after the ramp the mix is exactly 1 (the limited signal, as is) or
       0 (the delayed one), so the output does not depend on the block split */
    wm_smooth* g = &m->limiter_mix;
    int i = 0;
    for (; i < n && g->remaining > 0; i++) {
        float k = wm_smooth_next(g);
        for (int ch = 0; ch < 2; ch++)
            out[ch][i] = m->dry[ch][i] + (out[ch][i] - m->dry[ch][i]) * k;
    }
    if (g->value == 0.0f)
        for (int ch = 0; ch < 2; ch++)
            memcpy(out[ch] + i, m->dry[ch] + i, (size_t)(n - i) * sizeof(float));
}

void wm_mixer_process_part(wm_mixer* m, int at, int n, int last)
{
    at = at < 0 ? 0 : (at > m->cfg.max_block ? m->cfg.max_block : at);
    n = n < 0 ? 0 : (n > m->cfg.max_block - at ? m->cfg.max_block - at : n);
    float* out[2] = {m->out[0] + at, m->out[1] + at};
    update_solo(m);
    int spans = plan_spans(m, n);
    for (int t = 0; t < m->cfg.track_count; t++)
        render_source(m, t, spans, at, n);
    process_tracks(m, n);
    if (last)
        memset(m->ext_filled, 0, sizeof m->ext_filled);
    for (int b = 0; b < m->cfg.bus_count; b++)
        clear2(m->buses[b].in, n);
    clear2(m->master.in, n);
    for (int t = 0; t < m->cfg.track_count; t++) {
        wm_strip* s = &m->tracks[t];
        add_out(s, m->master.in, n);
        for (int b = 0; b < m->cfg.bus_count; b++)
            if (wm_strip_send_active(s, b))
                wm_strip_add_send(s, b, m->buses[b].in, n);
    }
    for (int b = 0; b < m->cfg.bus_count; b++) {
        if (m->bus_insert)
            m->bus_insert(m->bus_insert_ctx, b, m->buses[b].in, n);
        wm_strip_process(&m->buses[b], n);
        add_out(&m->buses[b], m->master.in, n);
    }
    wm_strip_process(&m->master, n);
    limit(m, out, n);
    for (int ch = 0; ch < 2; ch++)
        wm_meter_process_block(&m->meter[ch], out[ch], n);
    wm_loudness_process(m->loudness, (const float* const*)out, n);
    wm_correlation_process(&m->correlation, out[0], out[1], n);
    m->frames += n;
}

void wm_mixer_process(wm_mixer* m, int n) { wm_mixer_process_part(m, 0, n, 1); }

void wm_mixer_set_bus_insert(wm_mixer* m, wm_mixer_bus_insert fn, void* ctx)
{
    m->bus_insert = fn;
    m->bus_insert_ctx = ctx;
}

void wm_mixer_get_master_levels(const wm_mixer* m, wm_mixer_master_levels* out)
{
    for (int ch = 0; ch < 2; ch++) {
        out->peak_db[ch] = wm_meter_peak_db(&m->meter[ch]);
        out->rms_db[ch] = wm_meter_rms_db(&m->meter[ch]);
        out->true_peak_dbtp[ch] = wm_loudness_true_peak_dbtp(m->loudness, ch);
    }
    out->momentary_lufs = wm_loudness_momentary_lufs(m->loudness);
    out->short_term_lufs = wm_loudness_short_term_lufs(m->loudness);
    out->integrated_lufs = wm_loudness_integrated_lufs(m->loudness);
    out->correlation = wm_correlation_value(&m->correlation);
    out->limiter_gr_db = wm_limiter_reduction_db(&m->limiter);
}
