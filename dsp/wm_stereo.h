/* wm_stereo.h -- width, pan and balance: a mono or stereo input to a
   stereo output, in that order (width first, as on a console: the image
   is shaped, then placed, then leaned).

   - Width (0..2), stereo input only: M = (L+R)/2, S = (L-R)/2 * width,
     L = M+S, R = M-S. 0 is mono, 1 unchanged, 2 doubles the side.
   - Pan (-1..1): exactly the Web Audio StereoPannerNode law. Mono input:
     x = (pan+1)/2, L = in cos(x pi/2), R = in sin(x pi/2) (constant power,
     -3.01 dB each at the centre). Stereo input: for pan <= 0, x = pan+1,
     L = inL + inR cos(x pi/2), R = inR sin(x pi/2); for pan > 0, x = pan,
     L = inL cos(x pi/2), R = inR + inL sin(x pi/2). Pan 0 on a stereo
     input is the identity, exactly.
   - Balance (-1..1): the side it leans toward stays at unity; the other
     side is scaled by 1 - |balance| (linear in amplitude: -6.02 dB at
     +-0.5, silent at +-1). It never boosts.

   The three stages are one 2x2 matrix. When a parameter changes it glides
   there along a linear ramp of ramp_ms; the matrix is recomputed (the only
   trigonometry) once per WM_STEREO_SUBBLOCK frames while gliding and its
   entries are interpolated linearly in between. At rest no gain is
   recomputed. Sub-blocks count on the instance's own frame clock, so the
   output does not depend on how the signal is split into blocks.
   Non-finite input samples are replaced by 0 and counted in `nonfinite`.
   Thread: one thread per instance; setters and process on the same thread
   (or serialised by the caller). */
#ifndef WM_STEREO_H
#define WM_STEREO_H

#include "wm_common.h"
#include "wm_smooth.h"

#define WM_STEREO_SUBBLOCK 32

typedef struct {
    /* Parameter values; each ramp step spans one sub-block. */
    wm_smooth pan, width, balance;
    /* out L = m[0] inL + m[1] inR, out R = m[2] inL + m[3] inR
       (mono input: L = m[0] in, R = m[2] in). */
    float m[4];
    float m_end[4];  /* where the current sub-block's ramp lands */
    float m_step[4]; /* per-frame increment of that ramp */
    int in_channels;
    int ramping; /* m is moving toward m_end in this sub-block */
    int phase;   /* frames into the current sub-block */
    unsigned nonfinite;
} wm_stereo;

/* wm_stereo_init -- set up at rest: pan 0, width 1, balance 0.
   Parameters: in_channels 1 (mono) or 2 (stereo); sample_rate in Hz;
   ramp_ms >= 0, the glide time (at least one sub-block).
   Returns WM_OK, or WM_ERR_ARG for a bad argument.
   Realtime: safe (no allocation). Thread: any, before use. */
int wm_stereo_init(wm_stereo* s, int in_channels, float sample_rate, float ramp_ms);

/* wm_stereo_set_pan / _width / _balance -- store a target; the glide starts
   at the next sub-block boundary. Out-of-range values are clamped and
   applied (WM_ERR_RANGE); NaN is rejected and the target kept (WM_ERR_ARG).
   Width has no effect on a mono input.
   Realtime: safe (a few compares, no trigonometry). Thread: the audio thread. */
int wm_stereo_set_pan(wm_stereo* s, float pan);
int wm_stereo_set_width(wm_stereo* s, float width);
int wm_stereo_set_balance(wm_stereo* s, float balance);

/* wm_stereo_reset -- jump to the targets and restart the sub-block clock.
   The nonfinite count is kept. Realtime: safe. Thread: the audio thread. */
void wm_stereo_reset(wm_stereo* s);

/* wm_stereo_process -- n >= 0 frames from in[0..in_channels-1] to out[0..1].
   out[c] may be in[c] (in place); out[0] and out[1] must be distinct.
   Realtime: safe (no allocation; trigonometry only while gliding, once per
   sub-block). Thread: the audio thread. */
void wm_stereo_process(wm_stereo* s, const float* const* in, float* const* out, int n);

/* wm_stereo_process_pan -- wm_stereo_process with an a-rate pan: pan[i]
   (in -1..1, not checked) is the pan of frame i; the pan glide is
   bypassed and the matrix recomputed whenever the value changes. Width and
   balance glides still step at sub-block boundaries but do not ramp within
   a sub-block meanwhile. Ends at rest at pan[n - 1]: a later set_pan to
   that value does not glide.
   Realtime: safe (trigonometry per frame while the pan moves).
   Thread: the audio thread. */
void wm_stereo_process_pan(wm_stereo* s, const float* const* in, float* const* out, int n, const float* pan);

#endif
