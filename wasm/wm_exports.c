/* wm_exports.c -- the flat C ABI of the WASM module.

   Everything crosses as int, float and pointer (byte offsets into linear
   memory). Sessions are named by small integer handles, never by raw
   pointers, so a stale or forged handle from JavaScript is an error code
   rather than a wild write. The memory plan is in docs/memory.md: the arena
   spans from __heap_base to the end of the fixed-size memory. */
#include <emscripten/emscripten.h>

#include "wm_analyzer.h"
#include "wm_session.h"
#include "wm_module_arena.h"

#define WM_EXPORT EMSCRIPTEN_KEEPALIVE
#define WM_ABI_VERSION 1

#define WM_MAX_SESSIONS 4
static wm_session* sessions[WM_MAX_SESSIONS];
static size_t session_ends[WM_MAX_SESSIONS];
/* Each session's analyzer of the master output, and where it writes a
   spectrum (fft/2 dB values) then a waveform (fft samples). */
static wm_analyzer session_analyzers[WM_MAX_SESSIONS];
static float* session_analysis[WM_MAX_SESSIONS];
#define WM_ANALYSIS_FLOATS (WM_ANALYZER_MAX_FFT / 2 + WM_ANALYZER_MAX_FFT)

WM_EXPORT int wamix_abi_version(void) { return WM_ABI_VERSION; }
WM_EXPORT const char* wamix_strerror(int err) { return wm_strerror(err); }

WM_EXPORT size_t wamix_arena_size(void) { return the_arena()->size; }
WM_EXPORT size_t wamix_arena_used(void) { return the_arena()->used; }
WM_EXPORT size_t wamix_arena_remaining(void) { return wm_arena_remaining(the_arena()); }

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
                          int stream_count, int stream_ring_frames, int record_ring_frames, int reverb_ir_frames)
{
    memset(c, 0, sizeof *c);
    c->reverb_ir_frames = reverb_ir_frames;
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

/* Where the host writes the channel count of each track (WM_MIXER_MAX_TRACKS
   bytes) before passing it as track_channels. */
static unsigned char track_channel_list[WM_MIXER_MAX_TRACKS];
WM_EXPORT unsigned char* wamix_track_channels(void) { return track_channel_list; }

/* Arena bytes a session with this config takes; 0 for a bad config.
   reverb_ir_frames > 0 puts a reverb on every bus (dsp/wm_busverb.h). */
WM_EXPORT size_t wamix_session_memory_size(float sample_rate, int max_block, int track_count,
                                           const unsigned char* track_channels, int channels, int bus_count,
                                           int clips_per_track, int pool_pages, int pool_page_floats,
                                           int command_ring_bytes, int reply_ring_bytes, int stream_count,
                                           int stream_ring_frames, int record_ring_frames, int reverb_ir_frames)
{
    wm_session_config c;
    if (!session_config(&c, sample_rate, max_block, track_count, track_channels, channels, bus_count,
                        clips_per_track, pool_pages, pool_page_floats, command_ring_bytes, reply_ring_bytes,
                        stream_count, stream_ring_frames, record_ring_frames, reverb_ir_frames))
        return 0;
    size_t bytes = wm_session_memory_size(&c);
    return bytes ? bytes + wm_analyzer_memory_size(WM_ANALYZER_MAX_FFT) + WM_ANALYSIS_FLOATS * sizeof(float) + 16 : 0;
}

/* Returns a handle >= 1, or a negative WM_ERR_* code. Span byte offsets in
   POOL_ALLOC replies are linear-memory addresses. The last four arguments
   may be 0: no streams, no record ring, no bus reverbs (wm_session.h). */
WM_EXPORT int wamix_session_create(float sample_rate, int max_block, int track_count,
                                   const unsigned char* track_channels, int channels, int bus_count,
                                   int clips_per_track, int pool_pages, int pool_page_floats,
                                   int command_ring_bytes, int reply_ring_bytes, int stream_count,
                                   int stream_ring_frames, int record_ring_frames, int reverb_ir_frames)
{
    wm_session_config c;
    if (!session_config(&c, sample_rate, max_block, track_count, track_channels, channels, bus_count,
                        clips_per_track, pool_pages, pool_page_floats, command_ring_bytes, reply_ring_bytes,
                        stream_count, stream_ring_frames, record_ring_frames, reverb_ir_frames))
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
    release_unused_arena(session_ends, WM_MAX_SESSIONS, handle - 1);
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
WM_EXPORT const wm_param_info* wamix_reverb_param_info(int id) { return wm_busverb_param_get_info(id); }

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


/* ---- For the demo page: EQ curves from the engine's coefficients. */

/* Strip `strip`'s EQ as it runs now (wm_session_eq_coefs): the address of
   [section count, then b0 b1 b2 a1 a2 per section], rewritten by each call;
   NULL for a bad handle or strip. On request only (the worklet answers a
   message), never per block. Thread: the audio thread. */
static float eq_coefs[1 + 5 * WM_EQ_SECTIONS];
WM_EXPORT const float* wamix_session_eq_coefs(int handle, int strip)
{
    wm_session* s = session_of(handle);
    int n = s ? wm_session_eq_coefs(s, strip, eq_coefs + 1) : WM_ERR_HANDLE;
    eq_coefs[0] = (float)n;
    return n >= 0 ? eq_coefs : NULL;
}

