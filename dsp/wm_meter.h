/* wm_meter.h -- peak and RMS level of one channel.

   Peak: the largest |x| seen, falling back at release_db_per_s once the
   signal drops (a peak programme meter's ballistics; 0 holds forever).
   RMS: the mean square through a one-pole average with time constant
   rms_ms (300 ms is the usual VU-like integration).
   Levels are read in dBFS with a floor of WM_SILENCE_DB, never -inf or NaN.
   Realtime: safe. Thread: one thread per instance. */
#ifndef WM_METER_H
#define WM_METER_H

#include "wm_common.h"

typedef struct {
    float peak;       /* linear */
    float mean_sq;
    float rms_coef;   /* one-pole coefficient per sample */
    float release;    /* peak multiplier per sample */
} wm_meter;

int wm_meter_init(wm_meter* m, float sample_rate, float rms_ms, float release_db_per_s);
void wm_meter_reset(wm_meter* m);

/* Non-finite samples are skipped (the caller sanitises and counts them). */
void wm_meter_process(wm_meter* m, const float* x, int n);

float wm_meter_peak_db(const wm_meter* m);
float wm_meter_rms_db(const wm_meter* m);

#endif
