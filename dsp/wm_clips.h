/* wm_clips.h -- one track's clips: a fixed-capacity list of regions of pool
   samples placed on the timeline, rendered span by span into the track's
   buffers.

   A clip plays frames [offset, offset + length) of its sample at timeline
   frames [start, start + length): timeline frame start + k plays sample
   frame offset + k, times gain_db and its fades, so an impulse at sample
   frame offset lands on timeline frame start exactly. Fades are linear:
   fade-in gain k / fade_in for k < fade_in (0 on the first frame), fade-out
   gain (length - 1 - k) / fade_out for the last fade_out frames (0 on the
   last frame); where both apply they multiply.

   Channels: a mono sample feeds every track channel; a stereo sample feeds
   a stereo track channel by channel and a mono track as (L + R) / 2.
   The pool holds samples at the engine's rate: no rate conversion here.
   A clip whose sample has been freed (WM_ERR_HANDLE), and frames beyond
   what the pool has loaded, play silence; handle errors are counted.
   Realtime: every function is safe. Thread: the audio thread (the pool's
   owner). */
#ifndef WM_CLIPS_H
#define WM_CLIPS_H

#include "wm_arena.h"
#include "wm_pool.h"

#define WM_CLIPS_MAX_CAPACITY 4096

typedef struct {
    int sample;     /* pool handle */
    int64_t start;  /* timeline frame of the clip's first frame, >= 0 */
    int32_t offset; /* first sample frame played, >= 0 */
    int32_t length; /* frames, >= 1 */
    float gain_db;  /* -96 .. 24; -96 and below is silence */
    int32_t fade_in, fade_out; /* frames, 0 .. length */
} wm_clip;

typedef struct {
    wm_clip* clips;
    float* gain;         /* linear, per slot */
    unsigned char* used; /* per slot */
    int capacity, count;
    unsigned handle_errors; /* renders of clips whose sample was gone */
} wm_clips;

/* Arena bytes for a list of `capacity` clips (0 for a bad capacity). */
size_t wm_clips_memory_size(int capacity);

/* capacity 1..WM_CLIPS_MAX_CAPACITY. WM_OK, WM_ERR_ARG or WM_ERR_NOMEM
   (arena rolled back). */
int wm_clips_init(wm_clips* l, wm_arena* a, int capacity);

/* Adds a clip; returns its id (>= 0, the slot) or WM_ERR_ARG (a field out
   of range: the clip is not added) or WM_ERR_LIMIT (list full). The sample
   handle is not checked here: a bad one plays silence. */
int wm_clips_add(wm_clips* l, const wm_clip* c);

/* Removes clip `id`: WM_OK or WM_ERR_HANDLE (no such clip). */
int wm_clips_remove(wm_clips* l, int id);

void wm_clips_clear(wm_clips* l);

/* Adds frames [tl_start, tl_start + n) of every clip into out[0..channels-1]
   from out offset 0. scratch: n floats. pool may be NULL (silence). */
void wm_clips_render(wm_clips* l, const wm_pool* pool, int64_t tl_start, int n, float* const* out,
                     int channels, float* scratch);

#endif
