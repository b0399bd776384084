/* wm_exports.c -- the flat C ABI of the WASM module.

   Everything crosses as int, float and pointer (byte offsets into linear
   memory). Engines are named by small integer handles, never by raw
   pointers, so a stale or forged handle from JavaScript is an error code
   rather than a wild write. The memory plan is in docs/memory.md: the arena
   spans from __heap_base to the end of the fixed-size memory. */
#include <emscripten/emscripten.h>

#include "wm_engine.h"
#include "wm_session.h"

#define WM_EXPORT EMSCRIPTEN_KEEPALIVE
#define WM_MAX_ENGINES 8
#define WM_ABI_VERSION 1

extern unsigned char __heap_base; /* first byte after data and stack (wasm-ld) */

static wm_arena arena;
static int arena_ready;
static wm_engine* engines[WM_MAX_ENGINES];
static size_t engine_ends[WM_MAX_ENGINES]; /* arena fill level after each */
#define WM_MAX_SESSIONS 4
static wm_session* sessions[WM_MAX_SESSIONS];
static size_t session_ends[WM_MAX_SESSIONS];

static wm_arena* the_arena(void)
{
    if (!arena_ready) {
        size_t start = (size_t)&__heap_base;
        size_t end = (size_t)__builtin_wasm_memory_size(0) * 65536u;
        wm_arena_init(&arena, &__heap_base, end - start);
        arena_ready = 1;
    }
    return &arena;
}

static wm_engine* engine_of(int handle)
{
    return handle >= 1 && handle <= WM_MAX_ENGINES ? engines[handle - 1] : NULL;
}

WM_EXPORT int wamix_abi_version(void) { return WM_ABI_VERSION; }
WM_EXPORT const char* wamix_strerror(int err) { return wm_strerror(err); }

WM_EXPORT size_t wamix_arena_size(void) { return the_arena()->size; }
WM_EXPORT size_t wamix_arena_used(void) { return the_arena()->used; }
WM_EXPORT size_t wamix_arena_remaining(void) { return wm_arena_remaining(the_arena()); }
WM_EXPORT size_t wamix_engine_memory_size(int channels, int max_block)
{
    return wm_engine_memory_size(channels, max_block);
}

/* Returns a handle >= 1, or a negative WM_ERR_* code. */
WM_EXPORT int wamix_engine_create(float sample_rate, int channels, int max_block)
{
    int slot = 0;
    while (slot < WM_MAX_ENGINES && engines[slot])
        slot++;
    if (slot == WM_MAX_ENGINES)
        return WM_ERR_LIMIT;
    int err;
    engines[slot] = wm_engine_create(the_arena(), sample_rate, channels, max_block, &err);
    if (!engines[slot])
        return err;
    engine_ends[slot] = wm_arena_mark(the_arena());
    return slot + 1;
}

/* The arena is a stack: destroying an engine or a session returns its
   memory once every engine and session created after it is gone too. */
static void release_unused_arena(void)
{
    size_t top = 0;
    for (int i = 0; i < WM_MAX_ENGINES; i++) {
        if (engines[i] && engine_ends[i] > top)
            top = engine_ends[i];
    }
    for (int i = 0; i < WM_MAX_SESSIONS; i++) {
        if (sessions[i] && session_ends[i] > top)
            top = session_ends[i];
    }
    wm_arena_rollback(the_arena(), top);
}

WM_EXPORT int wamix_engine_destroy(int handle)
{
    if (!engine_of(handle))
        return WM_ERR_HANDLE;
    engines[handle - 1] = NULL;
    release_unused_arena();
    return WM_OK;
}

WM_EXPORT float* wamix_engine_input(int handle, int channel)
{
    wm_engine* e = engine_of(handle);
    return e ? wm_engine_input(e, channel) : NULL;
}

WM_EXPORT float* wamix_engine_output(int handle, int channel)
{
    wm_engine* e = engine_of(handle);
    return e ? wm_engine_output(e, channel) : NULL;
}

WM_EXPORT float* wamix_engine_param_block(int handle)
{
    wm_engine* e = engine_of(handle);
    return e ? wm_engine_param_block(e) : NULL;
}

WM_EXPORT const float* wamix_engine_meter_block(int handle)
{
    wm_engine* e = engine_of(handle);
    return e ? wm_engine_meter_block(e) : NULL;
}

WM_EXPORT int wamix_engine_set_param(int handle, int id, float value)
{
    wm_engine* e = engine_of(handle);
    return e ? wm_engine_set_param(e, id, value) : WM_ERR_HANDLE;
}

/* Returns how many staged values were rejected or clamped, or WM_ERR_HANDLE. */
WM_EXPORT int wamix_engine_apply_params(int handle)
{
    wm_engine* e = engine_of(handle);
    return e ? wm_engine_apply_params(e) : WM_ERR_HANDLE;
}

WM_EXPORT int wamix_engine_process(int handle, int frames)
{
    wm_engine* e = engine_of(handle);
    if (!e)
        return WM_ERR_HANDLE;
    if (frames < 0 || frames > wm_engine_max_block(e))
        return WM_ERR_ARG;
    wm_engine_process(e, frames);
    return WM_OK;
}

WM_EXPORT int wamix_engine_reset(int handle)
{
    wm_engine* e = engine_of(handle);
    if (!e)
        return WM_ERR_HANDLE;
    wm_engine_reset(e);
    return WM_OK;
}

/* Computes a spectrum of the output into the analysis block; returns the
   fft size (the block holds fft_size/2 dB values, then fft_size samples). */
WM_EXPORT int wamix_engine_analyze(int handle)
{
    wm_engine* e = engine_of(handle);
    return e ? wm_engine_analyze(e) : WM_ERR_HANDLE;
}

WM_EXPORT const float* wamix_engine_analysis(int handle)
{
    wm_engine* e = engine_of(handle);
    return e ? wm_engine_analysis(e) : NULL;
}

WM_EXPORT int wamix_analysis_floats(void) { return WM_ANALYZER_MAX_FFT / 2 + WM_ANALYZER_MAX_FFT; }

WM_EXPORT int wamix_param_count(void) { return WM_PARAM_COUNT; }
WM_EXPORT int wamix_meter_count(void) { return WM_METER_COUNT; }

WM_EXPORT const char* wamix_param_name(int id)
{
    const wm_param_info* p = wm_param_get_info(id);
    return p ? p->name : NULL;
}

WM_EXPORT float wamix_param_min(int id)
{
    const wm_param_info* p = wm_param_get_info(id);
    return p ? p->min : 0.0f;
}

WM_EXPORT float wamix_param_max(int id)
{
    const wm_param_info* p = wm_param_get_info(id);
    return p ? p->max : 0.0f;
}

WM_EXPORT float wamix_param_default(int id)
{
    const wm_param_info* p = wm_param_get_info(id);
    return p ? p->def : 0.0f;
}

/* ---- Sessions (dsp/wm_session.h): a mixer, its pool and the command
   protocol. Handles 1..WM_MAX_SESSIONS in a table of their own. Sessions
   share the arena stack with engines: destroying a session returns its
   memory once every engine and session created after it is gone. */

static wm_session* session_of(int handle)
{
    return handle >= 1 && handle <= WM_MAX_SESSIONS ? sessions[handle - 1] : NULL;
}

/* track_channels: the address of track_count bytes (1 or 2 each) in linear
   memory, or 0 for every track `channels`. Returns 0 when it is not
   inside the memory. */
static int session_config(wm_session_config* c, float sample_rate, int max_block, int track_count,
                          const unsigned char* track_channels, int channels, int bus_count, int clips_per_track,
                          int pool_pages, int pool_page_floats, int command_ring_bytes, int reply_ring_bytes,
                          int stream_count, int stream_ring_frames, int record_ring_frames)
{
    memset(c, 0, sizeof *c);
    if (track_count < 1 || track_count > WM_MIXER_MAX_TRACKS)
        return 0;
    c->mixer.sample_rate = sample_rate;
    c->mixer.max_block = max_block;
    c->mixer.track_count = track_count;
    c->mixer.bus_count = bus_count;
    c->mixer.clips_per_track = clips_per_track;
    size_t mem_end = (size_t)__builtin_wasm_memory_size(0) * 65536u;
    if (track_channels && ((size_t)track_channels >= mem_end || mem_end - (size_t)track_channels < (size_t)track_count))
        return 0;
    for (int t = 0; t < track_count; t++)
        c->mixer.track_channels[t] = (unsigned char)(track_channels ? track_channels[t] : channels);
    c->pool_pages = pool_pages;
    c->pool_page_floats = pool_page_floats;
    c->command_ring_bytes = command_ring_bytes;
    c->reply_ring_bytes = reply_ring_bytes;
    c->stream_count = stream_count;
    c->stream_ring_frames = stream_ring_frames;
    c->record_ring_frames = record_ring_frames;
    return 1;
}

/* Arena bytes a session with this config takes; 0 for a bad config. */
WM_EXPORT size_t wamix_session_memory_size(float sample_rate, int max_block, int track_count,
                                           const unsigned char* track_channels, int channels, int bus_count,
                                           int clips_per_track, int pool_pages, int pool_page_floats,
                                           int command_ring_bytes, int reply_ring_bytes, int stream_count,
                                           int stream_ring_frames, int record_ring_frames)
{
    wm_session_config c;
    if (!session_config(&c, sample_rate, max_block, track_count, track_channels, channels, bus_count,
                        clips_per_track, pool_pages, pool_page_floats, command_ring_bytes, reply_ring_bytes,
                        stream_count, stream_ring_frames, record_ring_frames))
        return 0;
    return wm_session_memory_size(&c);
}

/* Returns a handle >= 1, or a negative WM_ERR_* code. Span byte offsets in
   POOL_ALLOC replies are linear-memory addresses. The last three arguments
   (streams and recording, wm_session.h) may be 0: no streams, no record ring. */
WM_EXPORT int wamix_session_create(float sample_rate, int max_block, int track_count,
                                   const unsigned char* track_channels, int channels, int bus_count,
                                   int clips_per_track, int pool_pages, int pool_page_floats,
                                   int command_ring_bytes, int reply_ring_bytes, int stream_count,
                                   int stream_ring_frames, int record_ring_frames)
{
    wm_session_config c;
    if (!session_config(&c, sample_rate, max_block, track_count, track_channels, channels, bus_count,
                        clips_per_track, pool_pages, pool_page_floats, command_ring_bytes, reply_ring_bytes,
                        stream_count, stream_ring_frames, record_ring_frames))
        return WM_ERR_ARG;
    int slot = 0;
    while (slot < WM_MAX_SESSIONS && sessions[slot])
        slot++;
    if (slot == WM_MAX_SESSIONS)
        return WM_ERR_LIMIT;
    int err;
    sessions[slot] = wm_session_create(the_arena(), &c, NULL, &err);
    if (!sessions[slot])
        return err;
    session_ends[slot] = wm_arena_mark(the_arena());
    return slot + 1;
}

WM_EXPORT int wamix_session_destroy(int handle)
{
    if (!session_of(handle))
        return WM_ERR_HANDLE;
    sessions[handle - 1] = NULL;
    release_unused_arena();
    return WM_OK;
}

/* Byte offsets of the command ring's and the reply ring's headers (js/ring.js
   attaches to them), and of the status block (WM_SESSION_STATUS_WORDS
   uint32, layout in dsp/wm_session.h); 0 for a bad handle. */
WM_EXPORT void* wamix_session_command_ring(int handle)
{
    wm_session* s = session_of(handle);
    return s ? wm_session_command_ring(s) : NULL;
}

WM_EXPORT void* wamix_session_reply_ring(int handle)
{
    wm_session* s = session_of(handle);
    return s ? wm_session_reply_ring(s) : NULL;
}

WM_EXPORT const uint32_t* wamix_session_status(int handle)
{
    wm_session* s = session_of(handle);
    return s ? wm_session_status(s) : NULL;
}

/* Byte offsets of stream i's ring header and of the record ring's (frames
   rings: js/stream.js attaches to them); 0 out of range, without recording
   or for a bad handle. */
WM_EXPORT void* wamix_session_stream_ring(int handle, int i)
{
    wm_session* s = session_of(handle);
    return s ? wm_session_stream_ring(s, i) : NULL;
}

WM_EXPORT void* wamix_session_record_ring(int handle)
{
    wm_session* s = session_of(handle);
    return s ? wm_session_record_ring(s) : NULL;
}

/* The master output, channel 0 or 1: max_block floats. */
WM_EXPORT const float* wamix_session_output(int handle, int channel)
{
    wm_session* s = session_of(handle);
    return s ? wm_mixer_output(wm_session_mixer(s), channel) : NULL;
}

/* A track's external input for the next block (marks it filled). */
WM_EXPORT float* wamix_session_track_input(int handle, int track, int channel)
{
    wm_session* s = session_of(handle);
    return s ? wm_mixer_track_input(wm_session_mixer(s), track, channel) : NULL;
}

/* Applies pending commands (bounded), renders n frames: the number of
   commands taken, or WM_ERR_HANDLE / WM_ERR_ARG. */
WM_EXPORT int wamix_session_process(int handle, int frames)
{
    wm_session* s = session_of(handle);
    return s ? wm_session_process(s, frames) : WM_ERR_HANDLE;
}

/* Refreshes the level region in the arena and returns its address: per
   strip (tracks, buses, master) peak L, peak R, RMS L, RMS R in dB, then
   master momentary, short-term, integrated LUFS and limiter gain
   reduction. wamix_session_level_count gives its floats. */
WM_EXPORT const float* wamix_session_levels(int handle)
{
    wm_session* s = session_of(handle);
    return s ? wm_session_update_levels(s) : NULL;
}

WM_EXPORT int wamix_session_level_count(int handle)
{
    wm_session* s = session_of(handle);
    return s ? wm_session_level_count(s) : WM_ERR_HANDLE;
}

WM_EXPORT int wamix_session_latency(int handle)
{
    wm_session* s = session_of(handle);
    return s ? wm_mixer_latency(wm_session_mixer(s)) : WM_ERR_HANDLE;
}
