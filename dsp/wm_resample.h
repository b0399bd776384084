/* wm_resample.h -- sample-rate conversion by any rational ratio, streaming,
   planar, 1..WM_MAX_CHANNELS channels sharing one filter.

   A Kaiser-windowed sinc low-pass evaluated at the exact fractional position
   of every output frame. Output frame k is the input signal at the instant
   k * in_rate_hz / out_rate_hz, in input frames: frame 0 of the output is
   frame 0 of the input, with nothing to trim. The position is kept as an
   integer fraction in_rate/out_rate reduced by their gcd, so the ratio is
   exact and there is no drift however long the stream: a stream of n input
   frames, flushed, gives exactly wm_resample_stream_frames() output frames.

   Latency: output frame k is produced by the call that delivers input frame
   floor(k * in_rate_hz / out_rate_hz) + wm_resample_latency_frames() (half
   the filter, in input frames), or by wm_resample_flush at the end.

   Qualities, measured by tests/c/test_resample.c ("Nyquist" is the lower of
   the two Nyquist frequencies):
   - WM_RESAMPLE_HIGH: 144 taps at the lower rate, cut-off at 0.95 Nyquist.
     Flat within 0.0001 dB to 0.9 Nyquist; aliases and images of everything
     at or above Nyquist at least 110 dB down; a mid-band sine comes out
     within -125 dB of the analytic one (-105 dB at 0.9 Nyquist).
   - WM_RESAMPLE_FAST: 16 taps at the lower rate, cut-off at 0.9 Nyquist,
     for live streams. -0.1 dB at 0.68 Nyquist, -3 dB at 0.84; aliases and
     images of content above 1.2 Nyquist at least 68 dB down; content
     between 1.0 and 1.2 Nyquist folds back into 0.8 to 1.0 Nyquist with
     as little as 15 dB attenuation. A mid-band sine within -70 dB.
   Downsampling stretches the filter by in_rate / out_rate (more taps).
   When out_rate / gcd is at most 512 (512 out_rate / in_rate when
   downsampling) every output phase has its own row of coefficients (every
   pair of 44.1, 48, 88.2, 96 kHz, and 22.05 -> 48 kHz); otherwise the row
   is interpolated linearly between the two nearest of a grid of that many
   rows per input frame.
   Equal rates give the input back unchanged, frame for frame.

   Thread: one thread per instance. */
#ifndef WM_RESAMPLE_H
#define WM_RESAMPLE_H

#include "wm_arena.h"
#include "wm_common.h"

#define WM_RESAMPLE_MIN_RATE_HZ 1000
#define WM_RESAMPLE_MAX_RATE_HZ 768000
#define WM_RESAMPLE_MAX_DOWN 64 /* in_rate_hz <= 64 * out_rate_hz */

typedef enum { WM_RESAMPLE_HIGH = 0, WM_RESAMPLE_FAST = 1 } wm_resample_quality;

typedef struct {
    const float* coef;            /* phases + 1 rows of taps; row p is phase p / phases */
    float* blend;                 /* the row interpolated for the current output */
    float* hist[WM_MAX_CHANNELS]; /* 2 * taps each: every sample stored twice */
    int channels, taps, phases;
    int up, down;           /* out_rate_hz and in_rate_hz over their gcd */
    int step_in;            /* whole input frames per output: down / up */
    int step_row, step_rem; /* (down % up) * phases = step_row * up + step_rem */
    float inv_up;
    int pos;            /* where the newest sample sits in hist */
    int need;           /* input frames to push before the next output is ready */
    int row, rem;       /* the next output's phase: (row + rem / up) / phases */
    int zeros;          /* flush zeros pushed since the last real input */
    unsigned nonfinite; /* input samples replaced by 0 because NaN or Inf */
} wm_resample;

/* wm_resample_memory_size -- arena bytes wm_resample_init will take (an upper
   bound, alignment included); 0 when the arguments are invalid.
   Realtime: safe. Thread: any. */
size_t wm_resample_memory_size(int in_rate_hz, int out_rate_hz, int channels, wm_resample_quality quality);

/* wm_resample_init -- design the filter into the arena and start a stream.
   Parameters: r (out) the instance; a the arena the coefficient table and
   history come from; rates in [WM_RESAMPLE_MIN_RATE_HZ,
   WM_RESAMPLE_MAX_RATE_HZ] with in_rate_hz <= WM_RESAMPLE_MAX_DOWN *
   out_rate_hz; channels 1..WM_MAX_CHANNELS.
   Returns WM_OK, WM_ERR_ARG (r untouched), or WM_ERR_NOMEM when the arena
   is too small (the arena is left as it was).
   Realtime: no (designs the table: a few ms). Thread: any, before use. */
int wm_resample_init(wm_resample* r, wm_arena* a, int in_rate_hz, int out_rate_hz, int channels,
                     wm_resample_quality quality);

/* wm_resample_reset -- forget the history and start a new stream at output
   frame 0. The nonfinite count is kept.
   Realtime: safe. Thread: the instance's thread. */
void wm_resample_reset(wm_resample* r);

/* wm_resample_process -- feed input, collect every output frame that is
   ready, up to out_capacity.
   Parameters: in[c] in_frames >= 0 frames per channel; out[c] room for
   out_capacity >= 0 frames, not overlapping the input; in_used (may be NULL)
   receives how many input frames were taken. Input is taken in full unless
   out_capacity runs out first: size out with wm_resample_out_frames and it
   never does. NaN and Inf inputs are replaced by 0 and counted.
   Returns the number of frames written to each out[c].
   Realtime: safe (no allocation). Thread: the instance's thread. */
int wm_resample_process(wm_resample* r, const float* const* in, int in_frames, int* in_used, float* const* out,
                        int out_capacity);

/* wm_resample_flush -- end the stream: write the frames still held back by
   the filter (those at instants before the end of the input).
   Returns the number written; fewer than out_capacity means the tail is
   complete. Call wm_resample_reset before starting another stream.
   Realtime: safe. Thread: the instance's thread. */
int wm_resample_flush(wm_resample* r, float* const* out, int out_capacity);

/* wm_resample_out_frames -- exactly how many frames the next
   wm_resample_process of in_frames frames will return, given room.
   Never more than ceil((in_frames + 1) * out_rate_hz / in_rate_hz).
   wm_resample_tail_frames -- exactly how many frames flush has left to write.
   Realtime: safe. Thread: the instance's thread. */
int wm_resample_out_frames(const wm_resample* r, int in_frames);
int wm_resample_tail_frames(const wm_resample* r);

/* wm_resample_latency_frames -- half the filter length, in input frames
   (see the top of this file). Realtime: safe. Thread: any. */
int wm_resample_latency_frames(const wm_resample* r);

/* wm_resample_stream_frames -- the length of a whole stream of in_frames
   frames once resampled and flushed: ceil(in_frames * out_rate_hz /
   in_rate_hz). For sizing the destination of a file conversion.
   Realtime: safe. Thread: any. */
int64_t wm_resample_stream_frames(int in_rate_hz, int out_rate_hz, int64_t in_frames);

#endif
