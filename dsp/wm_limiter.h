/* wm_limiter.h -- a lookahead peak limiter, 1 or 2 channels linked (one gain
   for all channels), whose sample-peak output never exceeds the ceiling,
   whatever the input.

   Per input sample the gain it needs is r = min(1, ceiling / peak) (peak:
   the largest |x| over the channels; in true-peak mode also the 4x
   oversampled peaks on either side of the sample). The gain applied to a
   sample is at most its r by construction: a sliding minimum of r over the
   lookahead, averaged over the lookahead (a linear attack ramp that lands on
   the peak), then a release that can only move the gain up toward that
   average, never above it. The release is exponential in dB with time
   constant release_ms, measured from the moment the peak leaves. Lookahead
   0 is an instant limiter (a clipper with a release).

   True-peak mode holds what its 4x detector reads at the ceiling. Against
   an ideal reconstruction (16x, tests/c/test_limiter.c) the output reads up
   to about +0.6 dB over on loud program material (+1 dB with lookahead 0):
   the detector's own under-reading. Material with strong energy near fs/2
   can read several dB over. The sample peak never exceeds the ceiling.

   Exactness: the limiter aims WM_LIMITER_MARGIN under the ceiling, enough
   for float rounding never to push a sample over. A final hard clamp at the
   ceiling stays as a safety net and counts every engagement in `clamped`
   (the tests show it never engages). Inputs more than about 186 dB over the
   ceiling are muted rather than attenuated (the gain is held in 2^-31 steps).

   Latency (wm_limiter_latency): lookahead in samples, plus
   WM_LIMITER_TP_DELAY in true-peak mode. Changing the lookahead or the mode
   changes the latency: the limiter crossfades from the old delay to the new
   one over WM_LIMITER_FADE_MS (both sides limited, so the mix is too). A
   new ceiling applies to audio entering from the next sample on (reaching
   the output `latency` samples later); the attack ramp and the release glide
   the gain there. A new release time changes a rate, never the gain.
   Switching true-peak mode on covers the inter-sample peaks of audio from
   WM_LIMITER_TP_DELAY samples before the switch on.

   Non-finite input samples are replaced by 0 and counted in `nonfinite`.
   There is no decaying float state (the gain is bounded below by 0 and
   2^-126), so nothing needs flushing.
   Thread: one thread per instance; setters and process on the same thread
   (or serialised by the caller). */
#ifndef WM_LIMITER_H
#define WM_LIMITER_H

#include "wm_arena.h"
#include "wm_common.h"
#include "wm_truepeak.h"

#define WM_LIMITER_MIN_CEILING_DB (-60.0f)
#define WM_LIMITER_MAX_CEILING_DB 0.0f
#define WM_LIMITER_MAX_LOOKAHEAD_MS 10.0f
#define WM_LIMITER_MIN_RELEASE_MS 1.0f
#define WM_LIMITER_MAX_RELEASE_MS 10000.0f
#define WM_LIMITER_MIN_RATE 8000.0f
#define WM_LIMITER_MAX_RATE 384000.0f
#define WM_LIMITER_FADE_MS 5.0f
/* A sample's true-peak need is known once the detector has seen the
   interval after it: the detector's delay plus one sample. */
#define WM_LIMITER_TP_DELAY (WM_TRUEPEAK_DELAY + 1)
#define WM_LIMITER_MARGIN (1.0f - 1.0f / 262144.0f) /* 2^-18: -0.000033 dB */

typedef struct {
    float ceiling_db;   /* WM_LIMITER_MIN_CEILING_DB .. 0 */
    float lookahead_ms; /* 0 .. WM_LIMITER_MAX_LOOKAHEAD_MS */
    float release_ms;   /* WM_LIMITER_MIN_RELEASE_MS .. WM_LIMITER_MAX_RELEASE_MS */
    int true_peak;      /* 0: sample peak, 1: true peak (4x oversampled) */
} wm_limiter_params;

/* One gain computer: a lookahead, a detection delay, and its state. Two
   exist so that a change of lookahead or mode can crossfade. */
typedef struct {
    struct wm_limiter_slot* deque; /* (need, sample) pairs, needs increasing */
    uint32_t* held;                /* the window minimum, in 2^-31 steps */
    uint32_t head, tail;           /* deque positions (tail - head = count) */
    uint32_t deque_mask, held_mask;
    uint64_t sum;                  /* of held over the window: exact */
    uint64_t full;                 /* sum when the window is all 1.0 */
    float inv_full;
    int lookahead; /* samples; the window is lookahead + 1 */
    int delay;     /* detection delay: 0 or WM_LIMITER_TP_DELAY */
    double level;  /* log2 of the release envelope, <= 0 */
} wm_limiter_chain;

typedef struct {
    wm_limiter_chain chain[2];
    int cur;       /* the chain in charge (being faded in while fading) */
    int fade_left; /* samples left in the crossfade, 0 when none */
    int fade_len;
    float* line[WM_MAX_CHANNELS]; /* delayed input */
    float* need;                  /* required gain per input sample */
    uint32_t line_mask, need_mask;
    uint32_t t; /* input sample clock (wraps) */
    wm_truepeak tp[WM_MAX_CHANNELS];
    float tp_prev;  /* detector peak of the previous sample */
    int tp_running; /* some chain in use needs true-peak detection */
    int channels;
    int max_lookahead;
    float sample_rate;
    wm_limiter_params target;
    float ceiling_lin;
    float aim;        /* ceiling_lin * WM_LIMITER_MARGIN */
    float clamp_lin;  /* safety clamp level */
    int clamp_hold;   /* samples until clamp_lin drops to a lowered ceiling */
    double release_a; /* per-sample decay of the release envelope's log */
    float gain;       /* last gain applied, for metering */
    unsigned nonfinite;
    unsigned clamped; /* output samples the safety clamp had to touch */
} wm_limiter;

/* wm_limiter_memory_size -- arena bytes wm_limiter_init takes (an upper
   bound including alignment). Parameters: sample_rate in Hz, channels.
   Returns 0 for arguments init would reject. Realtime: safe. Thread: any. */
size_t wm_limiter_memory_size(float sample_rate, int channels);

/* wm_limiter_init -- take the delay line and the window memory from the
   arena, sized for WM_LIMITER_MAX_LOOKAHEAD_MS, and start at rest on p.
   Parameters: arena to take from; sample_rate WM_LIMITER_MIN_RATE ..
   WM_LIMITER_MAX_RATE; channels 1..WM_MAX_CHANNELS; p within the ranges of
   wm_limiter_params. Returns WM_OK; WM_ERR_ARG for NULL, NaN, a bad rate or
   channel count; WM_ERR_RANGE for a parameter out of its range;
   WM_ERR_NOMEM when the arena is too small. On failure the arena is left as
   it was. Realtime: no (arena allocation, filter design). Thread: any,
   before use. */
int wm_limiter_init(wm_limiter* l, wm_arena* arena, float sample_rate, int channels, const wm_limiter_params* p);

/* wm_limiter_reset -- forget all audio (silence in the delay line, gain 1)
   and jump to the target parameters. Counters are kept.
   Realtime: safe (O(lookahead)). Thread: the audio thread. */
void wm_limiter_reset(wm_limiter* l);

/* wm_limiter_set_ceiling_db / _set_lookahead_ms / _set_release_ms -- store
   a new value (see the top of this file for when each takes effect).
   Out-of-range values are clamped and applied (WM_ERR_RANGE); NaN is
   rejected and the value kept (WM_ERR_ARG).
   wm_limiter_set_true_peak -- 0 for sample peak, anything else true peak.
   Realtime: safe (one powf or expf at most). Thread: the audio thread. */
int wm_limiter_set_ceiling_db(wm_limiter* l, float ceiling_db);
int wm_limiter_set_lookahead_ms(wm_limiter* l, float lookahead_ms);
int wm_limiter_set_release_ms(wm_limiter* l, float release_ms);
void wm_limiter_set_true_peak(wm_limiter* l, int on);

/* wm_limiter_process -- limit n >= 0 frames of channels in[0..channels-1]
   into out[...]. out[c] may be in[c] (in place).
   Realtime: safe (no allocation; per frame a few compares and a deque
   step, a division when a peak is over the ceiling, a fast exp2/log2
   while the gain moves; 48 multiply-adds per channel in true-peak mode;
   O(lookahead) once when a lookahead or mode change starts its crossfade).
   Thread: the audio thread. */
void wm_limiter_process(wm_limiter* l, const float* const* in, float* const* out, int n);

/* wm_limiter_latency -- the delay in samples from input to output of the
   configuration in charge (a lookahead or mode change counts from the
   process call that starts its crossfade). Realtime: safe. Thread: the
   audio thread, or a reader that tolerates a stale value. */
int wm_limiter_latency(const wm_limiter* l);

/* wm_limiter_reduction_db -- the gain reduction applied to the last output
   frame, in dB, >= 0 (6 means the gain was -6 dB). Realtime: safe (one
   log10f). Thread: the audio thread, or a reader that tolerates a torn
   value. */
float wm_limiter_reduction_db(const wm_limiter* l);

#endif
