/* wm_gain.h -- a gain over planar channels that glides between settings
   along a linear ramp (in amplitude) of a fixed length, so that moving a
   fader never clicks. At rest it is a plain multiply.
   Realtime: safe. Thread: one thread per instance. */
#ifndef WM_GAIN_H
#define WM_GAIN_H

#include "wm_common.h"
#include "wm_smooth.h"

/* Gains at or below this are silence (exactly 0). */
#define WM_GAIN_MIN_DB (-96.0f)
#define WM_GAIN_MAX_DB 24.0f

typedef struct {
    wm_smooth gain;     /* linear */
    unsigned nonfinite; /* input samples that were NaN or +-Inf, output as 0 */
} wm_gain;

/* ramp_ms: length of the glide between two settings (e.g. 10 ms). */
int wm_gain_init(wm_gain* g, float gain_db, float ramp_ms, float sample_rate);

/* Sets the target in dB, clamped to [WM_GAIN_MIN_DB, WM_GAIN_MAX_DB];
   returns WM_ERR_RANGE when it had to clamp and WM_ERR_ARG (target kept)
   for NaN. */
int wm_gain_set_db(wm_gain* g, float gain_db);

/* Multiplies n frames of each channel in place; NaN and Inf become 0 and
   are counted in `nonfinite`. */
void wm_gain_process(wm_gain* g, float* const* ch, int channels, int n);

#endif
