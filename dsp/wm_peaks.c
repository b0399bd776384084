/* wm_peaks.c -- streaming min/max per bucket for waveform overviews.
   Written for wamix.

   The bucket boundaries are exact integers (floor(b N / B) in 64 bits: N <
   2^40 and B <= 2^16 keep the product below 2^56), advanced one bucket at a
   time, so no frame is ever assigned by a floating-point division. */
#include "wm_peaks.h"

size_t wm_peaks_memory_size(int buckets)
{
    return buckets >= 1 && buckets <= WM_PEAKS_MAX_BUCKETS ? (size_t)buckets * 2 * sizeof(float) + 64 : 0;
}

int64_t wm_peaks_bucket_start(const wm_peaks* p, int b)
{
    return (int64_t)b * p->total / p->buckets;
}

/* Moves on to the next bucket that has frames (N < B leaves some empty). */
static void next_bucket(wm_peaks* p)
{
    while (p->bucket < p->buckets && p->pos >= p->bucket_end) {
        p->bucket++;
        p->bucket_end = wm_peaks_bucket_start(p, p->bucket + 1);
    }
    p->fresh = 1;
}

int wm_peaks_init(wm_peaks* p, wm_arena* a, int buckets, int64_t total_frames, int channels)
{
    size_t bytes = wm_peaks_memory_size(buckets);
    if (!p || !a || !bytes || total_frames < 0 || total_frames > WM_PEAKS_MAX_FRAMES || channels < 1 ||
        channels > WM_MAX_CHANNELS)
        return WM_ERR_ARG;
    float* mm = wm_arena_alloc(a, (size_t)buckets * 2 * sizeof(float), 16);
    if (!mm)
        return WM_ERR_NOMEM;
    memset(mm, 0, (size_t)buckets * 2 * sizeof(float));
    p->minmax = mm;
    p->buckets = buckets;
    p->channels = channels;
    p->total = total_frames;
    p->pos = 0;
    p->bucket = 0;
    p->bucket_end = wm_peaks_bucket_start(p, 1);
    next_bucket(p);
    return WM_OK;
}

int wm_peaks_process(wm_peaks* p, const float* x, int frames)
{
    if (!p || frames < 0 || (frames > 0 && !x))
        return WM_ERR_ARG;
    int taken = 0;
    while (taken < frames && p->pos < p->total) {
        int64_t room = p->bucket_end - p->pos;
        int n = frames - taken < room ? frames - taken : (int)room;
        float* mm = p->minmax + 2 * p->bucket;
        float lo = p->fresh ? INFINITY : mm[0], hi = p->fresh ? -INFINITY : mm[1];
        const float* s = x + (size_t)taken * p->channels;
        for (int i = 0; i < n * p->channels; i++) {
            lo = s[i] < lo ? s[i] : lo; /* a NaN compares false: ignored */
            hi = s[i] > hi ? s[i] : hi;
        }
        if (lo <= hi) {
            mm[0] = lo;
            mm[1] = hi;
            p->fresh = 0;
        }
        p->pos += n;
        taken += n;
        if (p->pos >= p->bucket_end)
            next_bucket(p);
    }
    return taken;
}
