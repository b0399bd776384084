/* wm_truepeak.h -- true-peak detection by 4x oversampling (the method of
   ITU-R BS.1770-4 Annex 2): each input sample is followed by three
   interpolated points, and the peak is the largest |value| among all four.
   Catches the inter-sample peaks that a sample-peak meter misses (up to
   +3 dB on a sine at fs/4, more on clipped material).

   The interpolator is a 48-tap windowed-sinc low-pass (12 taps per phase,
   Kaiser window), designed at init; each phase is normalised to unity gain
   at DC. Its delay is WM_TRUEPEAK_DELAY input samples: peaks[i] covers the
   signal from input time i - WM_TRUEPEAK_DELAY - 3/4 to i - WM_TRUEPEAK_DELAY
   (the delayed sample itself and the three points before it).
   Realtime: safe. Thread: one thread per instance. One channel per instance. */
#ifndef WM_TRUEPEAK_H
#define WM_TRUEPEAK_H

#include "wm_common.h"
#include "wm_simd.h"

#define WM_TRUEPEAK_FACTOR 4
#define WM_TRUEPEAK_TAPS 12 /* per phase */
#define WM_TRUEPEAK_DELAY (WM_TRUEPEAK_TAPS / 2 - 1)

/* The four phases sit in the four lanes of one vector per tap: one
   multiply-add per tap computes all four oversampled points. */
typedef struct {
    wm_v4 coef[WM_TRUEPEAK_TAPS];
    float hist[2 * WM_TRUEPEAK_TAPS]; /* each sample stored twice: reads never wrap */
    int pos;
} wm_truepeak;

void wm_truepeak_init(wm_truepeak* t);
void wm_truepeak_reset(wm_truepeak* t);

/* For each of the n input samples writes to peaks[i] (if peaks is not NULL)
   the largest |value| among its four oversampled points, and returns the
   largest over the block (linear).
   Non-finite input is treated as 0 (the caller counts it). */
float wm_truepeak_process(wm_truepeak* t, const float* x, float* peaks, int n);

#endif
