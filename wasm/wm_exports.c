/* wm_exports.c -- the flat C ABI of the WASM module.

   Everything crosses as int, float and pointer (byte offsets into linear
   memory). Engines are named by small integer handles, never by raw
   pointers, so a stale or forged handle from JavaScript is an error code
   rather than a wild write. The memory plan is in docs/memory.md: the arena
   spans from __heap_base to the end of the fixed-size memory. */
#include <emscripten/emscripten.h>

#include "wm_engine.h"

#define WM_EXPORT EMSCRIPTEN_KEEPALIVE
#define WM_MAX_ENGINES 8
#define WM_ABI_VERSION 1

extern unsigned char __heap_base; /* first byte after data and stack (wasm-ld) */

static wm_arena arena;
static int arena_ready;
static wm_engine* engines[WM_MAX_ENGINES];
static size_t engine_ends[WM_MAX_ENGINES]; /* arena fill level after each */

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

/* The arena is a stack: destroying an engine returns its memory once every
   engine created after it is gone too. */
WM_EXPORT int wamix_engine_destroy(int handle)
{
    if (!engine_of(handle))
        return WM_ERR_HANDLE;
    engines[handle - 1] = NULL;
    size_t top = 0;
    for (int i = 0; i < WM_MAX_ENGINES; i++) {
        if (engines[i] && engine_ends[i] > top)
            top = engine_ends[i];
    }
    wm_arena_rollback(the_arena(), top);
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
