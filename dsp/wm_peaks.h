/* wm_peaks.h -- a waveform overview: the minimum and maximum sample of
   each of a fixed number of buckets, computed in one streaming pass over a
   signal of known length, in memory that depends only on the bucket count.

   Bucket b (0 <= b < buckets) covers frames [floor(b N / B), floor((b+1) N / B))
   of a signal of N frames and B buckets: every frame lands in exactly one
   bucket, the buckets differ in length by at most one frame, and a bucket
   is empty only when N < B. The channels of a frame are pooled: a bucket's
   min and max are over every channel of its frames (a mono overview of a
   stereo file). NaN samples are ignored; an empty bucket (or one that saw
   only NaN) reads min = max = 0.

   Feed the interleaved signal in chunks of any size (wm_peaks_process); the
   result does not depend on how it is split. Frames past N are ignored.

   Memory: 2 * buckets floats from the arena, whatever N.
   Thread: one thread per instance (the main thread's tool instance of the
   WASM module, in the page). */
#ifndef WM_PEAKS_H
#define WM_PEAKS_H

#include "wm_arena.h"
#include "wm_common.h"

#define WM_PEAKS_MAX_BUCKETS 65536
#define WM_PEAKS_MAX_FRAMES ((int64_t)1 << 40)

typedef struct {
    float* minmax;      /* 2 * buckets: min, max of bucket b at 2b, 2b + 1 */
    int buckets, channels;
    int64_t total;      /* N */
    int64_t pos;        /* frames taken so far */
    int bucket;         /* the bucket frame `pos` belongs to */
    int64_t bucket_end; /* the first frame of the next bucket */
    int fresh;          /* the current bucket has no sample yet */
} wm_peaks;

/* Arena bytes wm_peaks_init takes; 0 for a bad bucket count.
   Realtime: safe. Thread: any. */
size_t wm_peaks_memory_size(int buckets);

/* wm_peaks_init -- an overview of `total_frames` frames (0 .. WM_PEAKS_MAX_FRAMES)
   of `channels` (1 .. WM_MAX_CHANNELS) channels in `buckets`
   (1 .. WM_PEAKS_MAX_BUCKETS) buckets, every bucket 0 until fed. Returns
   WM_OK, WM_ERR_ARG, or WM_ERR_NOMEM (arena untouched).
   Realtime: no (O(buckets)). Thread: any, before use. */
int wm_peaks_init(wm_peaks* p, wm_arena* a, int buckets, int64_t total_frames, int channels);

/* wm_peaks_process -- take the next `frames` interleaved frames. Returns the
   frames taken (fewer once the total is reached), or WM_ERR_ARG (NULL data
   with frames > 0, or frames < 0). Realtime: safe, O(frames * channels).
   Thread: the instance's. */
int wm_peaks_process(wm_peaks* p, const float* interleaved, int frames);

/* The first frame of bucket b: floor(b N / B). Realtime: safe. Thread: any. */
int64_t wm_peaks_bucket_start(const wm_peaks* p, int b);

#endif
