/* wm_tools.c -- the flat C ABI of dist/wamix-tools.wasm: what a host does
   on its own thread, away from the audio path, and what the audio module
   therefore need not carry: reading WAV files (dsp/wm_wav.h), sample-rate
   conversion (dsp/wm_resample.h) and waveform overviews (dsp/wm_peaks.h).
   The module has its own fixed memory (no imports) and an arena in it. */
#include <emscripten/emscripten.h>

#include "wm_module_arena.h"
#include "wm_peaks.h"
#include "wm_resample.h"
#include "wm_wav.h"

#define WM_EXPORT EMSCRIPTEN_KEEPALIVE
#define WM_MAX_TOOLS 16 /* scratch buffers, resamplers, peak reducers */

static void* tools[WM_MAX_TOOLS];
static unsigned char tool_kinds[WM_MAX_TOOLS];
static size_t tool_ends[WM_MAX_TOOLS];

WM_EXPORT const char* wamix_strerror(int err) { return wm_strerror(err); }
WM_EXPORT size_t wamix_arena_used(void) { return the_arena()->used; }


/* Tools live in the arena as handles 1..WM_MAX_TOOLS; every address
   JavaScript passes is checked to lie inside the arena.
   Built for size (clang's minsize): none of it is on the audio path. */
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)

enum { TOOL_BUFFER = 1, TOOL_RESAMPLER = 2, TOOL_PEAKS = 3 };

static void* tool_of(int handle, int kind)
{
    return handle >= 1 && handle <= WM_MAX_TOOLS && tool_kinds[handle - 1] == kind ? tools[handle - 1] : NULL;
}

/* Places `bytes` (64-byte aligned, zeroed) in the arena under a new handle,
   then init (if any) sets the tool up there from args. */
static int tool_create(int kind, size_t bytes, int (*init)(void*, wm_arena*, const int64_t*), const int64_t* args)
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
    if (init) {
        int err = init(p, a, args);
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
    release_unused_arena(tool_ends, WM_MAX_TOOLS, handle - 1);
    return WM_OK;
}

/* A scratch buffer of `bytes` (>= 1): a handle, or a negative WM_ERR_*. */
WM_EXPORT int wamix_buffer_create(int bytes)
{
    return bytes > 0 ? tool_create(TOOL_BUFFER, (size_t)bytes, NULL, NULL) : WM_ERR_ARG;
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

static int init_resampler(void* p, wm_arena* a, const int64_t* args)
{
    return wm_resample_init(p, a, (int)args[0], (int)args[1], (int)args[2], (wm_resample_quality)args[3]);
}

/* A streaming resampler (dsp/wm_resample.h), quality 0 high, 1 fast:
   a handle, or a negative WM_ERR_*. */
WM_EXPORT int wamix_resampler_create(int in_rate_hz, int out_rate_hz, int channels, int quality)
{
    size_t bytes = wm_resample_memory_size(in_rate_hz, out_rate_hz, channels, (wm_resample_quality)quality);
    if (!bytes)
        return WM_ERR_ARG;
    const int64_t args[4] = {in_rate_hz, out_rate_hz, channels, quality};
    return tool_create(TOOL_RESAMPLER, sizeof(wm_resample), init_resampler, args);
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

/* Waveform overviews (dsp/wm_peaks.h), meant for a main-thread instance
   of the module with a small memory of its own: create one for a file of
   total_frames frames (a tool handle), write up to WAMIX_PEAKS_CHUNK
   interleaved frames at wamix_peaks_input and call wamix_peaks_process for
   each chunk as it arrives, read 2 * buckets floats (min, max per bucket)
   at wamix_peaks_result, then wamix_tool_destroy. */
#define WAMIX_PEAKS_CHUNK 16384
typedef struct {
    wm_peaks p;
    float input[WAMIX_PEAKS_CHUNK * WM_MAX_CHANNELS];
} wamix_peaks_tool;

static int init_peaks(void* p, wm_arena* a, const int64_t* args)
{
    return wm_peaks_init(&((wamix_peaks_tool*)p)->p, a, (int)args[0], args[1], (int)args[2]);
}

WM_EXPORT int wamix_peaks_chunk_frames(void) { return WAMIX_PEAKS_CHUNK; }

WM_EXPORT int wamix_peaks_create(int buckets, double total_frames, int channels)
{
    if (!(total_frames >= 0 && total_frames <= (double)WM_PEAKS_MAX_FRAMES))
        return WM_ERR_ARG;
    const int64_t args[3] = {buckets, (int64_t)total_frames, channels};
    return tool_create(TOOL_PEAKS, sizeof(wamix_peaks_tool), init_peaks, args);
}

WM_EXPORT float* wamix_peaks_input(int handle)
{
    wamix_peaks_tool* t = tool_of(handle, TOOL_PEAKS);
    return t ? t->input : NULL;
}

/* Takes `frames` (0..WAMIX_PEAKS_CHUNK) frames from the input buffer:
   returns the frames taken, or a negative WM_ERR_*. */
WM_EXPORT int wamix_peaks_process(int handle, int frames)
{
    wamix_peaks_tool* t = tool_of(handle, TOOL_PEAKS);
    if (!t)
        return WM_ERR_HANDLE;
    return frames <= WAMIX_PEAKS_CHUNK ? wm_peaks_process(&t->p, t->input, frames) : WM_ERR_ARG;
}

WM_EXPORT const float* wamix_peaks_result(int handle)
{
    wamix_peaks_tool* t = tool_of(handle, TOOL_PEAKS);
    return t ? t->p.minmax : NULL;
}

#pragma clang attribute pop
