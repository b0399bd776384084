/* wm_session.c -- the session: a mixer, its pool, and the command protocol
   (command ring in, reply ring out, status block and levels). Written for
   wamix.

   Design. The page is the only writer of the command ring and the reader
   of the reply ring; the audio thread owns everything else. Each block it
   pops at most max_commands_per_block records into a scratch buffer as
   large as the ring's largest record (so no record can ever be too long to
   pop and stall the ring), decodes each from that private copy (never from
   shared memory twice), validates every word, applies it through the
   modules' own setters, and replies into a preallocated scratch record.
   Then it renders and republishes the status block under a sequence
   number. All buffers come from the arena at creation. */
#include "wm_session.h"

#include "wm_lanes.h"

#define WM_SESSION_MIN_RING_BYTES 64
#define WM_SESSION_MAX_RING_BYTES (1 << 26)

struct wm_session {
    wm_session_config cfg;
    wm_pool pool;
    wm_mixer* mixer;
    wm_lanes lanes;
    wm_ring cmd;   /* we are its consumer (and owner) */
    wm_ring reply; /* we are its producer (and owner) */
    wm_streams streams; /* stream rings in, record ring out (wm_streams.h) */
    uint32_t* cmd_buf;   /* cmd capacity words: any record fits */
    int cmd_buf_bytes;
    uint32_t* reply_buf; /* reply_words words */
    int reply_words;
    wm_pool_span* spans; /* (reply_words - 3) / 3 */
    int max_spans;
    uint32_t* status;    /* WM_SESSION_STATUS_WORDS */
    float* levels;
    wm_busverb* reverbs; /* bus_count of them, or NULL */
    int strips;
    uintptr_t base;
    uint32_t applied, rejected, clamped, dropped, blocks;
    int32_t last_error;
    uint32_t last_op;
};

static int ring_bytes_ok(int b)
{
    return b >= WM_SESSION_MIN_RING_BYTES && b <= WM_SESSION_MAX_RING_BYTES && (b & (b - 1)) == 0;
}

/* The config with defaults filled in; 0 when invalid. */
static int normalize(const wm_session_config* in, wm_session_config* out)
{
    if (!in)
        return 0;
    *out = *in;
    if (out->pool_page_floats == 0)
        out->pool_page_floats = WM_POOL_PAGE_FLOATS;
    if (out->pool_max_slots == 0)
        out->pool_max_slots = 256;
    if (out->max_commands_per_block == 0)
        out->max_commands_per_block = WM_SESSION_DEFAULT_COMMANDS_PER_BLOCK;
    if (out->automation_lanes == 0)
        out->automation_lanes = WM_SESSION_DEFAULT_LANES;
    if (out->automation_events == 0)
        out->automation_events = WM_SESSION_DEFAULT_LANE_EVENTS;
    out->mixer.pool = NULL;
    if (!wm_lanes_memory_size(out->automation_lanes, out->automation_events, out->mixer.max_block))
        return 0;
    if (out->max_commands_per_block < 1 || out->max_commands_per_block > WM_SESSION_MAX_COMMANDS_PER_BLOCK)
        return 0;
    if (!ring_bytes_ok(out->command_ring_bytes) || !ring_bytes_ok(out->reply_ring_bytes))
        return 0;
    if (wm_pool_memory_size(out->pool_pages, out->pool_page_floats, out->pool_max_slots) == 0)
        return 0;
    if (wm_mixer_memory_size(&out->mixer) == 0)
        return 0;
    int streams_ok;
    wm_streams_memory_size(out->stream_count, out->stream_ring_frames, out->record_ring_frames, out->mixer.max_block,
                           &streams_ok);
    if (out->reverb_ir_frames < 0 || (out->reverb_ir_frames > 0 && out->mixer.bus_count > 0 &&
        !wm_busverb_memory_size(out->reverb_ir_frames, out->mixer.max_block, out->mixer.sample_rate)))
        return 0;
    return streams_ok;
}

/* ---- Bus reverbs (wm_busverb), when the config asks for them. */

static int has_reverbs(const wm_session_config* c) { return c->reverb_ir_frames > 0 && c->mixer.bus_count > 0; }

static size_t reverbs_memory_size(const wm_session_config* c)
{
    if (!has_reverbs(c))
        return 0;
    size_t one = wm_busverb_memory_size(c->reverb_ir_frames, c->mixer.max_block, c->mixer.sample_rate);
    return (size_t)c->mixer.bus_count * (sizeof(wm_busverb) + one + 64) + 64;
}

static void run_reverb(void* ctx, int bus, float* const* io, int n)
{
    wm_session* s = ctx;
    wm_busverb_process(&s->reverbs[bus], &s->pool, io, n);
}

static int create_reverbs(wm_session* s, wm_arena* a)
{
    const wm_mixer_config* mc = &s->cfg.mixer;
    if (!has_reverbs(&s->cfg))
        return WM_OK;
    s->reverbs = wm_arena_alloc(a, (size_t)mc->bus_count * sizeof(wm_busverb), 64);
    if (!s->reverbs)
        return WM_ERR_NOMEM;
    for (int b = 0; b < mc->bus_count; b++) {
        int err = wm_busverb_init(&s->reverbs[b], a, s->cfg.reverb_ir_frames, mc->max_block, mc->sample_rate);
        if (err != WM_OK)
            return err;
    }
    wm_mixer_set_bus_insert(s->mixer, run_reverb, s);
    return WM_OK;
}

static int reply_words_for(const wm_session_config* c)
{
    int ring_max = c->reply_ring_bytes / 4 - 1; /* largest payload in words */
    int64_t want = 3 + 3 * (int64_t)c->pool_pages;
    return want < ring_max ? (int)want : ring_max;
}

size_t wm_session_memory_size(const wm_session_config* cfg)
{
    wm_session_config c;
    if (!normalize(cfg, &c))
        return 0;
    int strips = c.mixer.track_count + c.mixer.bus_count + 1;
    int rw = reply_words_for(&c);
    size_t n = sizeof(wm_session) + 64;
    n += wm_pool_memory_size(c.pool_pages, c.pool_page_floats, c.pool_max_slots) + 64;
    n += wm_mixer_memory_size(&c.mixer) + 64;
    n += wm_lanes_memory_size(c.automation_lanes, c.automation_events, c.mixer.max_block) + 64;
    n += wm_ring_memory_size(WM_RING_RECORDS, c.command_ring_bytes / 4, 1) + 64;
    n += wm_ring_memory_size(WM_RING_RECORDS, c.reply_ring_bytes / 4, 1) + 64;
    n += (size_t)c.command_ring_bytes + 64;
    n += (size_t)rw * 4 + 64;
    n += (size_t)(rw / 3 + 1) * sizeof(wm_pool_span) + 64;
    n += WM_SESSION_STATUS_WORDS * 4 + 64;
    int ok;
    n += wm_streams_memory_size(c.stream_count, c.stream_ring_frames, c.record_ring_frames, c.mixer.max_block, &ok);
    n += ((size_t)strips * WM_SESSION_LV_STRIP + WM_SESSION_LV_EXTRA_COUNT) * sizeof(float) + 64;
    n += reverbs_memory_size(&c);
    return n;
}

wm_session* wm_session_create(wm_arena* a, const wm_session_config* cfg, const void* address_base,
                              int* err)
{
    int e = WM_ERR_ARG;
    wm_session_config c;
    if (!a || !normalize(cfg, &c)) {
        if (err)
            *err = e;
        return NULL;
    }
    size_t mark = wm_arena_mark(a);
    e = WM_ERR_NOMEM;
    wm_session* s = wm_arena_alloc(a, sizeof *s, 64);
    if (!s)
        goto fail;
    s->cfg = c;
    s->base = (uintptr_t)address_base;
    s->strips = c.mixer.track_count + c.mixer.bus_count + 1;
    int r = wm_pool_init(&s->pool, a, c.pool_pages, c.pool_page_floats, c.pool_max_slots);
    if (r != WM_OK) {
        e = r;
        goto fail;
    }
    wm_mixer_config mc = c.mixer;
    mc.pool = &s->pool;
    s->mixer = wm_mixer_create(a, &mc, &r);
    if (!s->mixer) {
        e = r;
        goto fail;
    }
    r = wm_lanes_init(&s->lanes, a, s->mixer, c.automation_lanes, c.automation_events, c.mixer.max_block);
    if (r != WM_OK) {
        e = r;
        goto fail;
    }
    r = wm_ring_create(&s->cmd, a, WM_RING_RECORDS, c.command_ring_bytes / 4, 1);
    if (r != WM_OK) {
        e = r;
        goto fail;
    }
    r = wm_ring_create(&s->reply, a, WM_RING_RECORDS, c.reply_ring_bytes / 4, 1);
    if (r != WM_OK) {
        e = r;
        goto fail;
    }
    s->cmd_buf_bytes = c.command_ring_bytes;
    s->cmd_buf = wm_arena_alloc(a, (size_t)c.command_ring_bytes, 16);
    s->reply_words = reply_words_for(&c);
    s->reply_buf = wm_arena_alloc(a, (size_t)s->reply_words * 4, 16);
    s->max_spans = (s->reply_words - 3) / 3;
    s->spans = wm_arena_alloc(a, (size_t)(s->max_spans + 1) * sizeof(wm_pool_span), 16);
    s->status = wm_arena_alloc(a, WM_SESSION_STATUS_WORDS * 4, 64);
    s->levels = wm_arena_alloc(a, ((size_t)s->strips * WM_SESSION_LV_STRIP + WM_SESSION_LV_EXTRA_COUNT) * sizeof(float), 16);
    if (!s->cmd_buf || !s->reply_buf || !s->spans || !s->status || !s->levels)
        goto fail;
    r = wm_streams_init(&s->streams, a, c.stream_count, c.stream_ring_frames, c.record_ring_frames, c.mixer.max_block);
    if (r == WM_OK)
        r = create_reverbs(s, a);
    if (r != WM_OK) {
        e = r;
        goto fail;
    }
    s->status[WM_SESSION_ST_LATENCY] = (uint32_t)wm_mixer_latency(s->mixer);
    if (err)
        *err = WM_OK;
    return s;
fail:
    wm_arena_rollback(a, mark);
    if (err)
        *err = e;
    return NULL;
}

/* Frames from the page are kept below 2^53 (what a JavaScript number holds
   exactly), so no position, loop end or clip end can overflow an int64;
   anything larger (or negative) becomes -1, which every consumer rejects. */
#define WM_SESSION_MAX_FRAME ((int64_t)1 << 53)
static int64_t frame64(uint32_t lo, uint32_t hi)
{
    int64_t f = (int64_t)(((uint64_t)hi << 32) | lo);
    return f >= 0 && f < WM_SESSION_MAX_FRAME ? f : -1;
}

static float f32(uint32_t bits)
{
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static double f64(uint32_t lo, uint32_t hi)
{
    uint64_t bits = ((uint64_t)hi << 32) | lo;
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

static void reply(wm_session* s, int words)
{
    if (wm_ring_push_record(&s->reply, s->reply_buf, words * 4) != 1)
        s->dropped++;
}

/* Param setters: WM_OK and WM_ERR_RANGE are applied. */
static int setter_result(wm_session* s, int r)
{
    if (r == WM_ERR_RANGE) {
        s->clamped++;
        return WM_OK;
    }
    return r;
}

static int op_clip_add(wm_session* s, const uint32_t* w)
{
    int track = (int32_t)w[2];
    int handle = (int32_t)w[3];
    wm_clip c;
    c.sample = handle;
    c.start = frame64(w[4], w[5]);
    c.offset = (int32_t)w[6];
    c.length = (int32_t)w[7];
    c.gain_db = f32(w[8]);
    c.fade_in = (int32_t)w[9];
    c.fade_out = (int32_t)w[10];
    wm_clips* list = (track >= 0 && track < s->cfg.mixer.track_count) ? wm_mixer_clips(s->mixer, track) : NULL;
    wm_pool_info info;
    int r;
    if (!list)
        r = WM_ERR_ARG;
    else if (wm_pool_query(&s->pool, handle, &info) != WM_OK)
        r = WM_ERR_HANDLE;
    else if (c.start < 0 || c.offset < 0 || c.length < 1 || !wm_is_finite(c.gain_db) ||
             (int64_t)c.offset + c.length > info.frames)
        r = WM_ERR_ARG;
    else
        r = wm_clips_add(list, &c);
    s->reply_buf[0] = w[1];
    s->reply_buf[1] = (uint32_t)r;
    reply(s, 2);
    return r < 0 ? r : WM_OK;
}

static int op_pool_alloc(wm_session* s, const uint32_t* w)
{
    int frames = (int32_t)w[2], channels = (int32_t)w[3], rate = (int32_t)w[4];
    int h = wm_pool_alloc(&s->pool, frames, channels, rate); /* validates all three */
    int count = 0;
    if (h > 0) {
        int need = wm_pool_spans(&s->pool, h, 0, frames, NULL, 0);
        if (need < 0 || need > s->max_spans) {
            wm_pool_free(&s->pool, h);
            h = need < 0 ? need : WM_ERR_LIMIT;
        } else {
            int live = h;
            count = wm_pool_spans(&s->pool, h, 0, frames, s->spans, need);
            for (int i = 0; i < count && h > 0; i++) {
                uintptr_t addr = (uintptr_t)s->spans[i].data;
                if (addr < s->base || addr - s->base > 0xffffffffu)
                    h = WM_ERR_RANGE;
                s->reply_buf[3 + 3 * i] = (uint32_t)(addr - s->base);
                s->reply_buf[4 + 3 * i] = (uint32_t)s->spans[i].frame;
                s->reply_buf[5 + 3 * i] = (uint32_t)s->spans[i].frames;
            }
            if (h < 0) {
                wm_pool_free(&s->pool, live);
                count = 0;
            }
        }
    }
    if (h < 0)
        count = 0;
    s->reply_buf[0] = w[1];
    s->reply_buf[1] = (uint32_t)h;
    s->reply_buf[2] = (uint32_t)count;
    reply(s, 3 + 3 * count);
    return h < 0 ? h : WM_OK;
}

/* A parameter value: the AudioParam value setter when a lane automates
   it (setValueAtTime(value, now)), else the parameter's own setter. */
static int set_param(wm_session* s, int strip, int id, float value)
{
    int r = wm_lanes_set_value(&s->lanes, strip, id, value);
    if (r == WM_LANES_UNBOUND)
        r = strip == WM_LANES_MIXER ? wm_mixer_set_param(s->mixer, id, value)
                                    : wm_strip_set_param(wm_mixer_strip(s->mixer, strip), id, value);
    return setter_result(s, r);
}

/* The strip index of a command word, or WM_LANES_MIXER for 0xFFFFFFFF
   (AUTOMATE), or WM_LANES_MIXER - 1 (invalid). */
static int strip_word(const wm_session* s, uint32_t w, int mixer_ok)
{
    if (w < (uint32_t)s->strips)
        return (int)w;
    return mixer_ok && w == 0xffffffffu ? WM_LANES_MIXER : WM_LANES_MIXER - 1;
}

static const uint8_t op_words[WM_SESSION_OP_COUNT] = {0, 4, 3, 2, 3, 6, 11, 3, 5, 3, 3, 2, 9, 0, 4, 2, 2,
                                                      [WM_SESSION_OP_REVERB_LOAD] = 5,
                                                      [WM_SESSION_OP_REVERB_PARAM] = 4};

/* REVERB_LOAD: started (the reply follows when the IR plays) or replied
   to at once with the error. */
static int op_reverb_load(wm_session* s, const uint32_t* w)
{
    uint32_t bus = w[2];
    int r = s->reverbs && bus < (uint32_t)s->cfg.mixer.bus_count
                ? wm_busverb_load(&s->reverbs[bus], &s->pool, (int32_t)w[3], f32(w[4]), w[1])
                : WM_ERR_ARG;
    if (r != WM_OK) {
        s->reply_buf[0] = w[1];
        s->reply_buf[1] = (uint32_t)r;
        reply(s, 2);
    }
    return r;
}

/* Replies to the reverb loads that finished in this block. */
static void reply_reverbs(wm_session* s)
{
    for (int b = 0; s->reverbs && b < s->cfg.mixer.bus_count; b++) {
        int result;
        if (wm_busverb_take_result(&s->reverbs[b], &s->reply_buf[0], &result)) {
            s->reply_buf[1] = (uint32_t)result;
            reply(s, 2);
        }
    }
}

/* Applies one record of `bytes` bytes in s->cmd_buf: WM_OK or WM_ERR_*. */
static int apply(wm_session* s, int bytes)
{
    const uint32_t* w = s->cmd_buf;
    if (bytes < 4 || (bytes & 3))
        return WM_ERR_ARG;
    uint32_t op = w[0];
    if (op == 0 || op >= WM_SESSION_OP_COUNT || !op_words[op] || (uint32_t)bytes != 4u * op_words[op])
        return WM_ERR_ARG;
    wm_transport* t = wm_mixer_transport(s->mixer);
    switch (op) {
    case WM_SESSION_OP_SET_STRIP_PARAM: {
        int strip = strip_word(s, w[1], 0);
        if (strip < 0)
            return WM_ERR_ARG;
        if (w[2] >= (uint32_t)WM_STRIP_PARAM_COUNT)
            return WM_ERR_PARAM;
        return set_param(s, strip, (int)w[2], f32(w[3]));
    }
    case WM_SESSION_OP_SET_MIXER_PARAM:
        if (w[1] >= (uint32_t)WM_MIXER_PARAM_COUNT)
            return WM_ERR_PARAM;
        return set_param(s, WM_LANES_MIXER, (int)w[1], f32(w[2]));
    case WM_SESSION_OP_TRANSPORT:
        if (w[1] == 0)
            wm_transport_play(t);
        else if (w[1] == 1)
            wm_transport_pause(t);
        else if (w[1] == 2)
            wm_transport_stop(t);
        else
            return WM_ERR_ARG;
        return WM_OK;
    case WM_SESSION_OP_SEEK:
        return wm_transport_seek(t, frame64(w[1], w[2]));
    case WM_SESSION_OP_LOOP:
        if (w[5] > 1)
            return WM_ERR_ARG;
        return wm_transport_set_loop(t, frame64(w[1], w[2]), frame64(w[3], w[4]), (int)w[5]);
    case WM_SESSION_OP_CLIP_ADD:
        return op_clip_add(s, w);
    case WM_SESSION_OP_CLIP_REMOVE: {
        int track = (int32_t)w[1];
        if (track < 0 || track >= s->cfg.mixer.track_count)
            return WM_ERR_ARG;
        return wm_clips_remove(wm_mixer_clips(s->mixer, track), (int32_t)w[2]);
    }
    case WM_SESSION_OP_POOL_ALLOC:
        return op_pool_alloc(s, w);
    case WM_SESSION_OP_POOL_COMMIT: {
        int r = wm_pool_commit(&s->pool, (int32_t)w[1], (int32_t)w[2]);
        return r < 0 ? r : WM_OK;
    }
    case WM_SESSION_OP_POOL_COMPLETE: {
        int r = wm_pool_complete(&s->pool, (int32_t)w[1], (int32_t)w[2]);
        return r < 0 ? r : WM_OK;
    }
    case WM_SESSION_OP_POOL_FREE:
        return wm_pool_free(&s->pool, (int32_t)w[1]);
    case WM_SESSION_OP_AUTOMATE: {
        int strip = strip_word(s, w[1], 1);
        if (strip < WM_LANES_MIXER || w[3] >= (uint32_t)WM_LANES_KINDS)
            return WM_ERR_ARG;
        if (w[2] >= (uint32_t)WM_STRIP_PARAM_COUNT)
            return WM_ERR_PARAM;
        return wm_lanes_event(&s->lanes, strip, (int)w[2], (int)w[3], f64(w[4], w[5]), f32(w[6]), f64(w[7], w[8]));
    }
    case WM_SESSION_OP_STREAM_BIND:
        return wm_streams_bind(&s->streams, s->mixer, w[1], w[2], w[3]);
    case WM_SESSION_OP_STREAM_UNBIND:
        return wm_streams_unbind(&s->streams, w[1]);
    case WM_SESSION_OP_RECORD:
        return wm_streams_record(&s->streams, w[1]);
    case WM_SESSION_OP_REVERB_LOAD:
        return op_reverb_load(s, w);
    case WM_SESSION_OP_REVERB_PARAM:
        if (!s->reverbs || w[1] >= (uint32_t)s->cfg.mixer.bus_count)
            return WM_ERR_ARG;
        return setter_result(s, wm_busverb_set_param(&s->reverbs[w[1]], (int32_t)w[2], f32(w[3])));
    default:
        return WM_ERR_ARG;
    }
}

static void store_status(uint32_t* st, int i, uint32_t v) { __atomic_store_n(&st[i], v, __ATOMIC_RELAXED); }

static void publish_status(wm_session* s)
{
    uint32_t* st = s->status;
    uint32_t seq = st[WM_SESSION_ST_SEQ] + 1u; /* odd: being written */
    __atomic_store_n(&st[WM_SESSION_ST_SEQ], seq, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    const wm_transport* t = wm_mixer_transport(s->mixer);
    uint64_t pos = (uint64_t)t->position;
    store_status(st, WM_SESSION_ST_POSITION_LO, (uint32_t)pos);
    store_status(st, WM_SESSION_ST_POSITION_HI, (uint32_t)(pos >> 32));
    store_status(st, WM_SESSION_ST_STATE, (uint32_t)t->state);
    store_status(st, WM_SESSION_ST_APPLIED, s->applied);
    store_status(st, WM_SESSION_ST_REJECTED, s->rejected);
    store_status(st, WM_SESSION_ST_LAST_ERROR, (uint32_t)s->last_error);
    store_status(st, WM_SESSION_ST_LAST_REJECTED_OP, s->last_op);
    store_status(st, WM_SESSION_ST_REPLIES_DROPPED, s->dropped);
    store_status(st, WM_SESSION_ST_CLAMPED, s->clamped);
    store_status(st, WM_SESSION_ST_BLOCKS, s->blocks);
    store_status(st, WM_SESSION_ST_LATENCY, (uint32_t)wm_mixer_latency(s->mixer));
    store_status(st, WM_SESSION_ST_RING_STATUS, wm_ring_status(&s->cmd));
    store_status(st, WM_SESSION_ST_PENDING_WORDS, (uint32_t)wm_ring_available_read(&s->cmd));
    store_status(st, WM_SESSION_ST_LOOP_ON, (uint32_t)t->loop_on);
    const wm_streams* sm = &s->streams;
    store_status(st, WM_SESSION_ST_STREAM_UNDERRUNS, sm->underruns);
    store_status(st, WM_SESSION_ST_STREAM_SILENT_FRAMES, sm->silent_frames);
    store_status(st, WM_SESSION_ST_RECORD_OVERRUNS, sm->record_overruns);
    store_status(st, WM_SESSION_ST_RECORD_DROPPED_FRAMES, sm->record_dropped);
    store_status(st, WM_SESSION_ST_RECORDED_LO, (uint32_t)sm->recorded);
    store_status(st, WM_SESSION_ST_RECORDED_HI, (uint32_t)(sm->recorded >> 32));
    store_status(st, WM_SESSION_ST_RECORDING, (uint32_t)sm->recording);
    store_status(st, WM_SESSION_ST_STREAM_RING_STATUS, wm_streams_ring_status(sm));
    store_status(st, WM_SESSION_ST_LANES, (uint32_t)s->lanes.bound);
    __atomic_store_n(&st[WM_SESSION_ST_SEQ], seq + 1u, __ATOMIC_RELEASE); /* even: done */
}

int wm_session_process(wm_session* s, int n)
{
    if (!s || n < 0 || n > s->cfg.mixer.max_block)
        return WM_ERR_ARG;
    int taken = 0;
    while (taken < s->cfg.max_commands_per_block) {
        s->cmd_buf[0] = 0;
        int bytes = wm_ring_pop_record(&s->cmd, s->cmd_buf, s->cmd_buf_bytes);
        if (bytes <= 0)
            break; /* empty or corrupt (the buffer holds any record, so never WM_ERR_RANGE) */
        taken++;
        int r = apply(s, bytes);
        if (r == WM_OK) {
            s->applied++;
        } else {
            s->rejected++;
            s->last_error = r;
            s->last_op = bytes >= 4 ? s->cmd_buf[0] : 0;
        }
    }
    wm_streams_pull(&s->streams, s->mixer, n);
    /* In chunks while lanes are bound (wm_lanes_begin), else in one go. */
    int at = 0;
    do {
        int len = wm_lanes_begin(&s->lanes, n - at);
        wm_mixer_process_part(s->mixer, at, len, at + len == n);
        at += len;
    } while (at < n);
    wm_streams_capture(&s->streams, s->mixer, n);
    reply_reverbs(s);
    s->blocks++;
    publish_status(s);
    return taken;
}

void* wm_session_command_ring(wm_session* s) { return s ? (void*)s->cmd.hdr : NULL; }
void* wm_session_reply_ring(wm_session* s) { return s ? (void*)s->reply.hdr : NULL; }
const uint32_t* wm_session_status(const wm_session* s) { return s ? s->status : NULL; }

const float* wm_session_update_levels(wm_session* s)
{
    if (!s)
        return NULL;
    for (int i = 0; i < s->strips; i++) {
        wm_strip_levels lv;
        wm_strip_get_levels(wm_mixer_strip(s->mixer, i), &lv);
        float* o = s->levels + WM_SESSION_LV_STRIP * i;
        o[0] = lv.peak_db[0];
        o[1] = lv.peak_db[1];
        o[2] = lv.rms_db[0];
        o[3] = lv.rms_db[1];
        o[4] = lv.comp_gr_db;
    }
    wm_mixer_master_levels m;
    wm_mixer_get_master_levels(s->mixer, &m);
    float* x = s->levels + WM_SESSION_LV_STRIP * s->strips;
    x[WM_SESSION_LV_MASTER_MOMENTARY] = m.momentary_lufs;
    x[WM_SESSION_LV_MASTER_SHORT_TERM] = m.short_term_lufs;
    x[WM_SESSION_LV_MASTER_INTEGRATED] = m.integrated_lufs;
    x[WM_SESSION_LV_LIMITER_GR] = m.limiter_gr_db;
    x[WM_SESSION_LV_TRUE_PEAK_L] = m.true_peak_dbtp[0];
    x[WM_SESSION_LV_TRUE_PEAK_R] = m.true_peak_dbtp[1];
    return s->levels;
}

int wm_session_level_count(const wm_session* s)
{
    return s ? WM_SESSION_LV_STRIP * s->strips + WM_SESSION_LV_EXTRA_COUNT : 0;
}
wm_mixer* wm_session_mixer(wm_session* s) { return s ? s->mixer : NULL; }
wm_pool* wm_session_pool(wm_session* s) { return s ? &s->pool : NULL; }
int wm_session_strip_count(const wm_session* s) { return s ? s->strips : 0; }
void* wm_session_stream_ring(wm_session* s, int i) { return s ? wm_streams_ring(&s->streams, i) : NULL; }
void* wm_session_record_ring(wm_session* s) { return s ? wm_streams_record_ring(&s->streams) : NULL; }

wm_busverb* wm_session_reverb(wm_session* s, int bus)
{
    return s && s->reverbs && bus >= 0 && bus < s->cfg.mixer.bus_count ? &s->reverbs[bus] : NULL;
}

int wm_session_eq_coefs(wm_session* s, int strip, float* out)
{
    const wm_strip* st = s ? wm_mixer_strip(s->mixer, strip) : NULL;
    if (!st || !out)
        return WM_ERR_ARG;
    const wm_eq* eq = st->eq_run;
    for (int i = 0; i < eq->n_active; i++) {
        wm_biquad_coefs k = wm_biquad4_coefs_lane(&eq->sec[eq->active[i]].coefs, st->eq_lane);
        float* o = out + 5 * i;
        o[0] = k.b0;
        o[1] = k.b1;
        o[2] = k.b2;
        o[3] = k.a1;
        o[4] = k.a2;
    }
    return eq->n_active;
}
