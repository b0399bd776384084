/* wm_biquad.h -- second-order IIR filters: the eight RBJ cookbook designs,
   a transposed direct form II kernel, and a smoothed multichannel filter
   whose parameters can move while it plays without clicks.

   Units: frequencies in Hz, gain in dB, Q dimensionless (for the shelves Q
   sets the slope the same way: Q = 1/sqrt(2) is the steepest shelf without
   overshoot). */
#ifndef WM_BIQUAD_H
#define WM_BIQUAD_H

#include "wm_common.h"

typedef enum {
    WM_BIQUAD_LOWPASS = 0,
    WM_BIQUAD_HIGHPASS,
    WM_BIQUAD_BANDPASS, /* constant 0 dB peak gain */
    WM_BIQUAD_NOTCH,
    WM_BIQUAD_ALLPASS,
    WM_BIQUAD_PEAKING,
    WM_BIQUAD_LOWSHELF,
    WM_BIQUAD_HIGHSHELF,
    WM_BIQUAD_TYPE_COUNT
} wm_biquad_type;

/* Normalised so that a0 == 1:
   y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2] */
typedef struct {
    float b0, b1, b2, a1, a2;
} wm_biquad_coefs;

typedef struct {
    wm_biquad_type type;
    float freq_hz;
    float q;
    float gain_db; /* used by peaking and the shelves */
} wm_biquad_params;

/* Limits that every design is clamped to (the cutoff also to 0.49 fs). */
#define WM_BIQUAD_MIN_HZ 10.0f
#define WM_BIQUAD_MIN_Q 0.025f
#define WM_BIQUAD_MAX_Q 40.0f
#define WM_BIQUAD_MAX_GAIN_DB 48.0f

/* The RBJ cookbook design, computed in double and rounded once.
   Parameters are clamped to the limits above; an unknown type gives the
   identity filter. */
wm_biquad_coefs wm_biquad_design(const wm_biquad_params* p, float sample_rate);

/* The identity filter (b0 = 1, everything else 0). */
wm_biquad_coefs wm_biquad_identity(void);

/* |H(e^jw)| in dB of the given coefficients at freq_hz, evaluated in double:
   for tests and for drawing response curves. */
float wm_biquad_response_db(const wm_biquad_coefs* c, float freq_hz, float sample_rate);

/* Filters n samples through one channel's state z[2] (TDF-II), the bare
   kernel: no denormal flush, no guard. in and out may alias. Realtime: safe. */
void wm_biquad_run(const wm_biquad_coefs* c, float z[2], const float* in, float* out, int n);

/* Filters like wm_biquad_run while the coefficients c move by `step` every
   sample (c is advanced in place). Any straight line between two stable
   biquads is stable: the stability triangle of (a1, a2) is convex. */
void wm_biquad_run_ramp(wm_biquad_coefs* c, const wm_biquad_coefs* step, float z[2], const float* in, float* out,
                        int n);

/* A filter over up to WM_MAX_CHANNELS planar channels that share their
   coefficients. Parameter changes glide: frequency and Q move geometrically,
   gain linearly in dB, with a time constant of smooth_ms. While they move the
   coefficients are redesigned once per WM_FILTER_SUBBLOCK frames and ramped
   linearly in between, sample by sample, so they never step; at rest the
   plain kernel runs and nothing is redesigned. A change of type cannot
   glide and switches at once, keeping the state. */
#define WM_FILTER_SUBBLOCK 32

typedef struct {
    wm_biquad_params target;
    wm_biquad_params current;
    wm_biquad_coefs coefs;     /* in use now */
    wm_biquad_coefs coefs_end; /* where the current sub-block's ramp ends */
    wm_biquad_coefs coef_step; /* per-sample ramp increment */
    float sample_rate;
    float glide;    /* fraction of the remaining distance covered per sub-block */
    int channels;
    int moving;     /* current != target */
    int ramping;    /* coefs are moving toward coefs_end */
    int phase;      /* frames into the current sub-block */
    float z[WM_MAX_CHANNELS][2];
    int unstable_resets; /* blocks whose state went non-finite and was cleared */
    unsigned nonfinite;  /* input samples that were NaN or +-Inf, replaced by 0 */
} wm_filter;

/* Starts at rest on p (no glide from anywhere). channels in 1..WM_MAX_CHANNELS.
   Returns WM_ERR_ARG for a bad sample rate or channel count. */
int wm_filter_init(wm_filter* f, const wm_biquad_params* p, int channels, float sample_rate, float smooth_ms);

/* Sets the target; the filter glides there. Cheap: no trigonometry here.
   Realtime: safe. */
void wm_filter_set(wm_filter* f, const wm_biquad_params* p);

/* Clears the state of every channel and jumps to the target. */
void wm_filter_reset(wm_filter* f);

/* Filters n frames of each channel in place; NaN and Inf in the input are
   replaced by 0 and counted in `nonfinite`. Realtime: safe. */
void wm_filter_process(wm_filter* f, float* const* ch, int n);

#endif
