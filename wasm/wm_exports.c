/* wm_exports.c -- the flat C ABI of the WASM module.

   Everything crosses as int, float and pointer (byte offsets into linear
   memory). Sessions are named by small integer handles, never by raw
   pointers, so a stale or forged handle from JavaScript is an error code
   rather than a wild write. The memory plan is in docs/memory.md: the arena
   spans from __heap_base to the end of the fixed-size memory. */
#include <emscripten/emscripten.h>

#include "wm_analyzer.h"
#include "wm_resample.h"
#include "wm_session.h"
#include "wm_wav.h"

#define WM_EXPORT EMSCRIPTEN_KEEPALIVE
#define WM_ABI_VERSION 1

extern unsigned char __heap_base; /* first byte after data and stack (wasm-ld) */

static wm_arena arena;
static int arena_ready;
#define WM_MAX_SESSIONS 4
static wm_session* sessions[WM_MAX_SESSIONS];
static size_t session_ends[WM_MAX_SESSIONS];
#define WM_MAX_TOOLS 8 /* scratch buffers and resamplers (see the end of this file) */
static void* tools[WM_MAX_TOOLS];
static unsigned char tool_kinds[WM_MAX_TOOLS];
static size_t tool_ends[WM_MAX_TOOLS];
/* Each session's analyzer of the master output, and where it writes a
   spectrum (fft/2 dB values) then a waveform (fft samples). */
static wm_analyzer session_analyzers[WM_MAX_SESSIONS];
static float* session_analysis[WM_MAX_SESSIONS];
#define WM_ANALYSIS_FLOATS (WM_ANALYZER_MAX_FFT / 2 + WM_ANALYZER_MAX_FFT)

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

WM_EXPORT int wamix_abi_version(void) { return WM_ABI_VERSION; }
WM_EXPORT const char* wamix_strerror(int err) { return wm_strerror(err); }

WM_EXPORT size_t wamix_arena_size(void) { return the_arena()->size; }
WM_EXPORT size_t wamix_arena_used(void) { return the_arena()->used; }
WM_EXPORT size_t wamix_arena_remaining(void) { return wm_arena_remaining(the_arena()); }
/* The arena is a stack: destroying a session returns its memory once
   every session created after it is gone too. */
static void release_unused_arena(void)
{
    size_t top = 0;
    for (int i = 0; i < WM_MAX_SESSIONS; i++) {
        if (sessions[i] && session_ends[i] > top)
            top = session_ends[i];
    }
    for (int i = 0; i < WM_MAX_TOOLS; i++) {
        if (tools[i] && tool_ends[i] > top)
            top = tool_ends[i];
    }
    wm_arena_rollback(the_arena(), top);
}

/* ---- Sessions (dsp/wm_session.h): a mixer, its pool and the command
   protocol, and an analyzer of its master output. Handles
   1..WM_MAX_SESSIONS. */

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
    size_t bytes = wm_session_memory_size(&c);
    return bytes ? bytes + wm_analyzer_memory_size(WM_ANALYZER_MAX_FFT) + WM_ANALYSIS_FLOATS * sizeof(float) + 16 : 0;
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
    wm_arena* a = the_arena();
    size_t start = wm_arena_mark(a);
    sessions[slot] = wm_session_create(a, &c, NULL, &err);
    if (sessions[slot]) {
        err = wm_analyzer_init(&session_analyzers[slot], a, 2, WM_ANALYZER_MAX_FFT);
        session_analysis[slot] = wm_arena_alloc(a, WM_ANALYSIS_FLOATS * sizeof(float), 16);
        if (err == WM_OK && !session_analysis[slot])
            err = WM_ERR_NOMEM;
        if (err != WM_OK) {
            sessions[slot] = NULL;
            wm_arena_rollback(a, start);
        }
    }
    if (!sessions[slot])
        return err;
    session_ends[slot] = wm_arena_mark(a);
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
    if (!s)
        return WM_ERR_HANDLE;
    int taken = wm_session_process(s, frames);
    if (taken >= 0) {
        const wm_mixer* m = wm_session_mixer(s);
        const float* out[2] = {wm_mixer_output(m, 0), wm_mixer_output(m, 1)};
        wm_analyzer_process(&session_analyzers[handle - 1], out, frames);
    }
    return taken;
}

/* The master analyzer's settings, all at once (the analyzer validates
   them: a power-of-two size, smoothing in [0, 1], min below max). */
WM_EXPORT int wamix_session_analyzer_config(int handle, int fft_size, float smoothing, float min_db, float max_db)
{
    if (!session_of(handle))
        return WM_ERR_HANDLE;
    wm_analyzer* an = &session_analyzers[handle - 1];
    int err = wm_analyzer_set_fft_size(an, fft_size);
    if (err == WM_OK)
        err = wm_analyzer_set_smoothing(an, smoothing);
    return err == WM_OK ? wm_analyzer_set_range_db(an, min_db, max_db) : err;
}

/* Computes a spectrum of the master into the analysis block; returns the
   fft size (the block holds fft_size/2 dB values, then fft_size samples). */
WM_EXPORT int wamix_session_analyze(int handle)
{
    if (!session_of(handle))
        return WM_ERR_HANDLE;
    wm_analyzer* an = &session_analyzers[handle - 1];
    float* block = session_analysis[handle - 1];
    wm_analyzer_compute(an);
    wm_analyzer_frequency_db(an, block, an->fft_size / 2);
    wm_analyzer_time_domain(an, block + an->fft_size / 2, an->fft_size);
    return an->fft_size;
}

WM_EXPORT int wamix_analysis_floats(void) { return WM_ANALYSIS_FLOATS; }

WM_EXPORT const float* wamix_session_analysis(int handle)
{
    return session_of(handle) ? session_analysis[handle - 1] : NULL;
}

/* The sample pool's region (where POOL_ALLOC spans point) and its size in
   bytes: a host that copies sample data for the page checks against them. */
WM_EXPORT const float* wamix_session_pool_region(int handle)
{
    wm_session* s = session_of(handle);
    return s ? wm_session_pool(s)->region : NULL;
}

WM_EXPORT size_t wamix_session_pool_bytes(int handle)
{
    wm_session* s = session_of(handle);
    const wm_pool* p = s ? wm_session_pool(s) : NULL;
    return p ? (size_t)p->pages_total * (size_t)p->page_floats * sizeof(float) : 0;
}

/* The strip and mixer parameter tables (dsp/wm_strip.h, dsp/wm_mixer.h):
   the address of row id (wm_param_info: name pointer, min, max, default as
   float32, unit pointer, stepped as int32; 24 bytes), NULL past the end. */
WM_EXPORT const wm_param_info* wamix_strip_param_info(int id) { return wm_strip_param_get_info(id); }
WM_EXPORT const wm_param_info* wamix_mixer_param_info(int id) { return wm_mixer_param_get_info(id); }

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

/* ---- Offline tools (js/wav.js, js/resample.js, js/render.js): scratch
   buffers, the WAV reader and resamplers. Buffers
   and resamplers live in the arena on the same stack as engines and
   sessions, as handles 1..WM_MAX_TOOLS in a table of their own; every
   address JavaScript passes is checked to lie inside the arena.
   Built for size (clang's minsize): none of it is on the audio path. */
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)

enum { TOOL_BUFFER = 1, TOOL_RESAMPLER = 2 };

static void* tool_of(int handle, int kind)
{
    return handle >= 1 && handle <= WM_MAX_TOOLS && tool_kinds[handle - 1] == kind ? tools[handle - 1] : NULL;
}

/* Places `bytes` (64-byte aligned, zeroed) in the arena under a new handle;
   for a resampler, init_resampler designs it there. */
static int tool_create(int kind, size_t bytes, const int* resample_args)
{
    int slot = 0;
    while (slot < WM_MAX_TOOLS && tools[slot])
        slot++;
    if (slot == WM_MAX_TOOLS)
        return WM_ERR_LIMIT;
    wm_arena* a = the_arena();
    size_t mark = wm_arena_mark(a);
    void* p = bytes ? wm_arena_alloc(a, bytes, 64) : NULL;
    if (!p)
        return bytes ? WM_ERR_NOMEM : WM_ERR_ARG;
    if (resample_args) {
        int err = wm_resample_init(p, a, resample_args[0], resample_args[1], resample_args[2],
                                   (wm_resample_quality)resample_args[3]);
        if (err) {
            wm_arena_rollback(a, mark);
            return err;
        }
    }
    tools[slot] = p;
    tool_kinds[slot] = (unsigned char)kind;
    tool_ends[slot] = wm_arena_mark(a);
    return slot + 1;
}

WM_EXPORT int wamix_tool_destroy(int handle)
{
    if (handle < 1 || handle > WM_MAX_TOOLS || !tools[handle - 1])
        return WM_ERR_HANDLE;
    tools[handle - 1] = NULL;
    tool_kinds[handle - 1] = 0;
    release_unused_arena();
    return WM_OK;
}

/* A scratch buffer of `bytes` (>= 1): a handle, or a negative WM_ERR_*. */
WM_EXPORT int wamix_buffer_create(int bytes)
{
    return bytes > 0 ? tool_create(TOOL_BUFFER, (size_t)bytes, NULL) : WM_ERR_ARG;
}

WM_EXPORT void* wamix_buffer_data(int handle) { return tool_of(handle, TOOL_BUFFER); }

/* 1 when [p, p + bytes) lies inside the arena's region. */
static int in_arena(const void* p, uint64_t bytes)
{
    const wm_arena* a = the_arena();
    uint64_t at = (uintptr_t)p, lo = (uintptr_t)a->base;
    return at >= lo && at - lo <= a->size && bytes <= a->size - (at - lo);
}

/* The WAV reader (dsp/wm_wav.h) on a wm_wav_info (64 bytes) and windows
   that JavaScript keeps in a buffer. WM_WAV_ERR_ARG for an address
   outside the arena. */
WM_EXPORT int wamix_wav_begin(wm_wav_info* info, uint32_t file_size)
{
    if (!in_arena(info, sizeof *info))
        return WM_WAV_ERR_ARG;
    wm_wav_begin(info, file_size);
    return WM_OK;
}

WM_EXPORT int wamix_wav_parse(wm_wav_info* info, const uint8_t* window, int bytes)
{
    if (bytes < 0 || !in_arena(info, sizeof *info) || !in_arena(window, (uint64_t)bytes))
        return WM_WAV_ERR_ARG;
    return wm_wav_parse(info, window, (size_t)bytes);
}

/* Converts `frames` frames at src into interleaved floats at dst; returns
   the frames converted (0 when an address or the format is not valid).
   The info is copied first, so what is checked is what is used. */
WM_EXPORT int wamix_wav_convert(const wm_wav_info* info, const uint8_t* src, int frames, float* dst)
{
    if (frames < 0 || !in_arena(info, sizeof *info))
        return 0;
    wm_wav_info copy = *info;
    uint64_t samples = (uint64_t)frames * copy.channels;
    if (copy.bits > 64 || !in_arena(src, samples * (copy.bits / 8)) || !in_arena(dst, samples * sizeof(float)))
        return 0;
    return (int)wm_wav_convert(&copy, src, (size_t)frames, dst);
}

/* A streaming resampler (dsp/wm_resample.h), quality 0 high, 1 fast:
   a handle, or a negative WM_ERR_*. */
WM_EXPORT int wamix_resampler_create(int in_rate_hz, int out_rate_hz, int channels, int quality)
{
    size_t bytes = wm_resample_memory_size(in_rate_hz, out_rate_hz, channels, (wm_resample_quality)quality);
    if (!bytes)
        return WM_ERR_ARG;
    const int args[4] = {in_rate_hz, out_rate_hz, channels, quality};
    return tool_create(TOOL_RESAMPLER, sizeof(wm_resample), args);
}

/* Planar arrays laid end to end: channel c of the input at in + c *
   in_frames, of the output at out + c * out_capacity. */
static int planar(const wm_resample* r, float* base, int frames, float** ptrs)
{
    if (frames < 0 || !in_arena(base, (uint64_t)frames * (unsigned)r->channels * sizeof(float)))
        return 0;
    for (int c = 0; c < r->channels; c++)
        ptrs[c] = base + (size_t)c * (size_t)frames;
    return 1;
}

/* Takes all in_frames when out_capacity >= wamix_resampler_out_frames;
   returns the frames written per channel, or a negative WM_ERR_*. */
WM_EXPORT int wamix_resampler_process(int handle, float* in, int in_frames, float* out, int out_capacity)
{
    wm_resample* r = tool_of(handle, TOOL_RESAMPLER);
    float *ip[WM_MAX_CHANNELS], *op[WM_MAX_CHANNELS];
    if (!r)
        return WM_ERR_HANDLE;
    if (!planar(r, in, in_frames, ip) || !planar(r, out, out_capacity, op))
        return WM_ERR_ARG;
    return wm_resample_process(r, (const float* const*)ip, in_frames, NULL, op, out_capacity);
}

WM_EXPORT int wamix_resampler_flush(int handle, float* out, int out_capacity)
{
    wm_resample* r = tool_of(handle, TOOL_RESAMPLER);
    float* op[WM_MAX_CHANNELS];
    if (!r)
        return WM_ERR_HANDLE;
    return planar(r, out, out_capacity, op) ? wm_resample_flush(r, op, out_capacity) : WM_ERR_ARG;
}

WM_EXPORT int wamix_resampler_out_frames(int handle, int in_frames)
{
    wm_resample* r = tool_of(handle, TOOL_RESAMPLER);
    return !r ? WM_ERR_HANDLE : in_frames < 0 ? WM_ERR_ARG : wm_resample_out_frames(r, in_frames);
}

#pragma clang attribute pop
