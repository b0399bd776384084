/* wm_busverb.h -- a convolution reverb as a bus insert: a wm_convolver
   whose impulse response is taken from a sample in the pool and replaced
   in bounded steps on the audio thread, while the old one keeps playing.

   Loading (wm_busverb_load, then one step per wm_busverb_process):
     1. copy: the sample's frames are copied out of the pool into the
        reverb's own planar IR buffers, WM_BUSVERB_COPY_FRAMES per block (so
        the pool sample may be freed as soon as the load completes; freed
        before that, the load fails with WM_ERR_HANDLE);
     2. prepare: wm_convolver_load_begin, then wm_convolver_load_step with
        WM_BUSVERB_LOAD_FRAMES of work per block;
     3. swap: wm_convolver_swap crossfades from the old response over
        fade_ms. The load is then complete.
   Each load ends with one result (WM_OK, or the error that stopped it),
   taken once with wm_busverb_take_result, tagged with the caller's request
   id. One load at a time: wm_busverb_load refuses another (WM_ERR_LIMIT)
   until the previous result has been taken.

   Parameters (WM_BUSVERB_PARAMS): the convolver's wet and dry gains and
   pre-delay. A reverb with no IR loaded yet outputs the dry path only
   (dry -120 dB by default: silence, as a 100% wet reverb bus should).

   Memory: all from the arena at init (wm_busverb_memory_size: the
   convolver plus 2 * max_ir_frames floats).
   Thread: the audio thread for everything but memory_size. */
#ifndef WM_BUSVERB_H
#define WM_BUSVERB_H

#include "wm_convolver.h"
#include "wm_pool.h"

#define WM_BUSVERB_COPY_FRAMES 4096 /* IR frames copied from the pool per block */
#define WM_BUSVERB_LOAD_FRAMES 8192 /* convolver preparation work per block (IR frames) */

/* id, name, min, max, default, unit, stepped */
#define WM_BUSVERB_PARAMS(X)                                                          \
    X(WM_BUSVERB_WET_DB, "reverb_wet_db", -120.0f, 24.0f, 0.0f, "dB", 0)              \
    X(WM_BUSVERB_DRY_DB, "reverb_dry_db", -120.0f, 24.0f, -120.0f, "dB", 0)           \
    X(WM_BUSVERB_PREDELAY_MS, "reverb_predelay_ms", 0.0f, 500.0f, 0.0f, "ms", 0)

#define WM_BUSVERB_PARAM_ENUM(id, name, lo, hi, def, unit, stepped) id,
typedef enum { WM_BUSVERB_PARAMS(WM_BUSVERB_PARAM_ENUM) WM_BUSVERB_PARAM_COUNT } wm_busverb_param_id;
#undef WM_BUSVERB_PARAM_ENUM

enum { WM_BUSVERB_IDLE, WM_BUSVERB_COPY, WM_BUSVERB_BEGIN, WM_BUSVERB_PREPARE, WM_BUSVERB_SWAP, WM_BUSVERB_DONE };

typedef struct {
    wm_convolver conv;
    float* ir[2];       /* max_ir_frames each: the IR being loaded */
    int max_ir_frames;
    int stage;          /* WM_BUSVERB_IDLE .. _DONE */
    int handle, channels, frames, copied;
    float fade_ms;
    uint32_t request;
    int result;         /* of the finished load (stage DONE) */
    float params[WM_BUSVERB_PARAM_COUNT];
} wm_busverb;

/* NULL for an unknown id. Realtime: safe. Thread: any. */
const wm_param_info* wm_busverb_param_get_info(int id);

/* Arena bytes wm_busverb_init takes; 0 for bad arguments.
   Realtime: safe. Thread: any. */
size_t wm_busverb_memory_size(int max_ir_frames, int max_block, float sample_rate_hz);

/* wm_busverb_init -- a stereo reverb for IRs of up to max_ir_frames
   (1 .. WM_CONVOLVER_MAX_IR_FRAMES) frames, parameters at their defaults.
   Returns WM_OK, WM_ERR_ARG or WM_ERR_NOMEM (arena rolled back).
   Realtime: no. Thread: any, before use. */
int wm_busverb_init(wm_busverb* r, wm_arena* a, int max_ir_frames, int max_block, float sample_rate_hz);

/* wm_busverb_set_param -- WM_OK, WM_ERR_RANGE (clamped, applied),
   WM_ERR_ARG (NaN: ignored) or WM_ERR_PARAM. Realtime: safe. Thread: audio. */
int wm_busverb_set_param(wm_busverb* r, int id, float value);

/* wm_busverb_load -- start replacing the IR with pool sample `handle`
   (mono or stereo, completely loaded, 1..max_ir_frames frames), crossfading
   over fade_ms (0..WM_CONVOLVER_MAX_FADE_MS). Returns WM_OK (the result
   follows later), WM_ERR_HANDLE, WM_ERR_ARG (not loaded yet, too long, a
   bad fade) or WM_ERR_LIMIT (a load under way or its result not taken).
   Realtime: safe. Thread: audio. */
int wm_busverb_load(wm_busverb* r, const wm_pool* pool, int handle, float fade_ms, uint32_t request);

/* wm_busverb_process -- one bounded step of a load under way, then the
   reverb over n frames of io[0..1] in place. Realtime: safe. Thread: audio. */
void wm_busverb_process(wm_busverb* r, const wm_pool* pool, float* const* io, int n);

/* wm_busverb_take_result -- 1 and the request id and result of a finished
   load (once), else 0. Realtime: safe. Thread: audio. */
int wm_busverb_take_result(wm_busverb* r, uint32_t* request, int* result);

#endif
