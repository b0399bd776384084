/* wm_saturate.h -- a saturator: drive into a static curve, an output gain
   on the saturated (wet) signal, and a dry/wet mix:
       y = (1 - mix) * dry + mix * output * curve(drive * x)
   Planar, 1 or 2 channels, processed in place.

   Curves (wm_saturate_shape evaluates them, for tests and for drawing):
   - WM_SATURATE_SOFT: odd-symmetric soft clip, a rational tanh-like
     curve: for |x| <= 3, f(x) = x (27 + x^2) / (27 + 9 x^2); beyond, +-1.
     It is monotonic (f' = 9 (x^2 - 9)^2 / (27 + 9 x^2)^2 >= 0), slope 1
     at 0, and reaches +-1 at |x| = 3 with zero slope, so it never exceeds
     1. In float it is within 2e-7 of the formula.
   - WM_SATURATE_WARM: asymmetric. x >= 0: the soft clip above (clean
     until its knee). x < 0: f(x) = x / (1 - x), which bends from the first
     decibel (curvature 2 at 0 against 0 on the positive side) and tends to
     -1. Both halves have slope 1 at 0. The asymmetry makes even harmonics
     and a DC offset; the offset is removed by a one-pole DC blocker,
     y[n] = v[n] - v[n-1] + R y[n-1], R = exp(-2 pi WM_SATURATE_DC_HZ / rate)
     (rate = the oversampled rate), on the warm curve's output only.
   A change of curve crossfades the two over ramp_ms. Drive, output and mix
   glide along linear ramps (in amplitude) of ramp_ms.

   Oversampling (chosen at init, since it sets the latency): 2x, by a
   linear-phase half-band FIR of 2 WM_SATURATE_PHASE_TAPS - 1 taps (Kaiser
   window, designed at init) run as two polyphase branches: one is a pure
   delay, the other WM_SATURATE_PHASE_TAPS taps. The same filter upsamples,
   then the curve runs at twice the rate, then it downsamples. Small-signal
   response: flat within 0.01 dB to 0.42 fs (20 kHz at 48 kHz); images
   above 0.58 fs are rejected by 67 dB or more (90 dB above 0.625 fs).
   The latency is WM_SATURATE_OS_LATENCY input samples (an integer), and
   the dry signal is delayed by as much so that the mix never combs;
   without oversampling it is 0. wm_saturate_latency() reports it.

   Non-finite input samples are replaced by 0 and counted in `nonfinite`.
   The DC blocker's state is flushed below WM_DENORMAL_FLUSH at every
   sample (not at block ends, which would depend on the block split).
   Thread: one thread per instance; setters and process on the same thread
   (or serialised by the caller). */
#ifndef WM_SATURATE_H
#define WM_SATURATE_H

#include "wm_common.h"
#include "wm_smooth.h"

typedef enum { WM_SATURATE_SOFT = 0, WM_SATURATE_WARM, WM_SATURATE_CURVE_COUNT } wm_saturate_curve;

#define WM_SATURATE_PHASE_TAPS 32 /* a multiple of 4 */
#define WM_SATURATE_OS_LATENCY (WM_SATURATE_PHASE_TAPS - 1)
#define WM_SATURATE_DC_HZ 5.0f
#define WM_SATURATE_MIN_DRIVE_DB (-24.0f)
#define WM_SATURATE_MAX_DRIVE_DB 48.0f
#define WM_SATURATE_MIN_OUTPUT_DB (-48.0f)
#define WM_SATURATE_MAX_OUTPUT_DB 24.0f

#define WM_SATURATE_CHUNK 64 /* frames the oversampler runs at a time */

typedef struct {
    /* Linear histories, oldest first: the tail of the previous chunk that
       the filters still need, then the current chunk. Whole chunks are
       written before they are read, so loads never wait on stores. */
    float x[WM_SATURATE_PHASE_TAPS - 1 + WM_SATURATE_CHUNK];    /* input (the dry delay line too) */
    float even[WM_SATURATE_PHASE_TAPS - 1 + WM_SATURATE_CHUNK]; /* shaped samples of the filtered branch */
    float odd[WM_SATURATE_PHASE_TAPS / 2 + WM_SATURATE_CHUNK];  /* shaped samples of the delay branch */
    float dc_in, dc_out;                                        /* DC blocker state */
} wm_saturate_channel;

typedef struct {
    wm_smooth drive, output, mix; /* linear gains, mix in 0..1 */
    wm_smooth warm;               /* 0 = soft curve, 1 = warm curve */
    float phase_coef[WM_SATURATE_PHASE_TAPS]; /* the half-band's even taps */
    float dc_coef;
    int channels;
    int oversample; /* 1 or 2 */
    wm_saturate_channel ch[WM_MAX_CHANNELS];
    unsigned nonfinite;
} wm_saturate;

/* wm_saturate_init -- set up at rest: drive 0 dB, output 0 dB, mix 1, soft
   curve. Parameters: channels 1..WM_MAX_CHANNELS; sample_rate in Hz;
   oversample 1 (off) or 2; ramp_ms >= 0, the glide time of every setter.
   Returns WM_OK, or WM_ERR_ARG for a bad argument.
   Realtime: safe (no allocation; designs the filter: trig, a few thousand
   flops). Thread: any, before use. */
int wm_saturate_init(wm_saturate* s, int channels, float sample_rate, int oversample, float ramp_ms);

/* wm_saturate_set_drive_db / _output_db / _mix -- store a target; the value
   glides there. Out-of-range values are clamped and applied
   (WM_ERR_RANGE); NaN is rejected and the target kept (WM_ERR_ARG).
   Realtime: safe (one powf for the dB setters). Thread: the audio thread. */
int wm_saturate_set_drive_db(wm_saturate* s, float drive_db);
int wm_saturate_set_output_db(wm_saturate* s, float output_db);
int wm_saturate_set_mix(wm_saturate* s, float mix);

/* wm_saturate_set_curve -- crossfade to another curve over ramp_ms.
   Returns WM_ERR_ARG (curve kept) for an unknown curve.
   Realtime: safe. Thread: the audio thread. */
int wm_saturate_set_curve(wm_saturate* s, wm_saturate_curve curve);

/* wm_saturate_latency -- the delay, in samples, of both the wet and the
   dry path: WM_SATURATE_OS_LATENCY with oversampling, else 0.
   Realtime: safe. Thread: any. */
int wm_saturate_latency(const wm_saturate* s);

/* wm_saturate_shape -- the static curve at x (no drive, no DC blocker).
   Realtime: safe. Thread: any (pure). */
float wm_saturate_shape(wm_saturate_curve curve, float x);

/* wm_saturate_reset -- clear every history and the DC blocker, jump to the
   targets. The nonfinite count is kept. Realtime: safe. Thread: the audio
   thread. */
void wm_saturate_reset(wm_saturate* s);

/* wm_saturate_process -- n >= 0 frames of each channel, in place.
   Realtime: safe (no allocation, no pow/exp/trig; at most two divisions
   per curve evaluation). Thread: the audio thread. */
void wm_saturate_process(wm_saturate* s, float* const* ch, int n);

#endif
