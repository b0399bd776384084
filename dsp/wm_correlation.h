/* wm_correlation.h -- stereo correlation coefficient (phase meter).

       r = <L R> / sqrt(<L^2> <R^2>)

   where <.> is a one-pole (exponential) average with time constant time_ms:
   a sample t seconds old weighs exp(-t / time_ms * 1000). r runs from -1
   (one channel the inverse of the other) through 0 (unrelated, or 90
   degrees apart) to +1 (identical up to gain). When either channel's
   average level is below WM_SILENCE_DB the reading is 0, never NaN.
   Realtime: safe. Thread: one thread per instance. */
#ifndef WM_CORRELATION_H
#define WM_CORRELATION_H

#include "wm_common.h"

/* The averages are flushed on this many frames of the meter's own clock,
   so the result does not depend on how the input is split into blocks. */
#define WM_CORRELATION_FLUSH_FRAMES 1024

typedef struct {
    double lr, ll, rr; /* one-pole averages of L*R, L^2, R^2 */
    double coef;       /* 1 - exp(-1 / (time constant in samples)) */
    int phase;         /* frames since the last flush */
    unsigned nonfinite;
} wm_correlation;

/* wm_correlation_init -- sets the time constant and clears the state.
   Parameters: sample_rate in Hz (> 0), time_ms > 0 (300 ms is a common
   phase-meter integration; longer is steadier).
   Returns WM_ERR_ARG when either is not a positive number, else WM_OK.
   Realtime: not meant for it (calls exp). Thread: any, before use. */
int wm_correlation_init(wm_correlation* c, float sample_rate, float time_ms);

/* Clears the averages and the non-finite count. Realtime: safe. */
void wm_correlation_reset(wm_correlation* c);

/* wm_correlation_process -- averages n >= 0 frames of two planar channels.
   A frame in which either sample is NaN or +-Inf is skipped and counted.
   Realtime: safe. Thread: one thread per instance. */
void wm_correlation_process(wm_correlation* c, const float* left, const float* right, int n);

/* The coefficient in [-1, 1]; 0 while either channel is silent. Cheap. */
float wm_correlation_value(const wm_correlation* c);

/* Frames skipped because they held NaN or Inf, since init or reset. */
unsigned wm_correlation_nonfinite(const wm_correlation* c);

#endif
