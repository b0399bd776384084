/* wm_truepeak.c -- 4x polyphase interpolation for true-peak detection.
   Method: ITU-R BS.1770-4, Annex 2 (oversample, then take the peak); the
   filter here is our own Kaiser-windowed sinc, not the Recommendation's
   example coefficients. */
#include "wm_truepeak.h"
#include "wm_kaiser.h"

#define WM_PI 3.14159265358979323846
#define KAISER_BETA 5.0 /* about -50 dB sidelobes: ample for a meter */

WM_COLD void wm_truepeak_init(wm_truepeak* t)
{
    /* Centred on a multiple of the factor, so phase 0 is a pure delay of
       WM_TRUEPEAK_DELAY samples; the one tap that would make the prototype
       symmetric falls on a zero of the sinc and is left out. */
    const double centre = WM_TRUEPEAK_FACTOR * (WM_TRUEPEAK_TAPS - 1 - WM_TRUEPEAK_DELAY);
    for (int p = 0; p < WM_TRUEPEAK_FACTOR; p++) {
        double sum = 0.0;
        double h[WM_TRUEPEAK_TAPS];
        for (int k = 0; k < WM_TRUEPEAK_TAPS; k++) {
            /* tap j = k*4 + p of the prototype, read in reverse so that
               coef[p][0] multiplies the newest sample */
            int j = (WM_TRUEPEAK_TAPS - 1 - k) * WM_TRUEPEAK_FACTOR + p;
            double u = (j - centre) / WM_TRUEPEAK_FACTOR;
            double sinc = u == 0.0 ? 1.0 : wm_sin(WM_PI * u) / (WM_PI * u);
            double r = (j - centre) / (centre + 1.0);
            h[k] = sinc * wm_kaiser(r, KAISER_BETA);
            sum += h[k];
        }
        for (int k = 0; k < WM_TRUEPEAK_TAPS; k++)
            t->coef[k][p] = (float)(h[k] / sum);
    }
    wm_truepeak_reset(t);
}

void wm_truepeak_reset(wm_truepeak* t)
{
    memset(t->hist, 0, sizeof t->hist);
    t->pos = 0;
}

float wm_truepeak_process(wm_truepeak* t, const float* x, float* peaks, int n)
{
    float block_peak = 0.0f;
    for (int i = 0; i < n; i++) {
        float v = wm_is_finite(x[i]) ? x[i] : 0.0f;
        /* newest sample at hist[pos], older ones follow: a contiguous window */
        t->pos = t->pos == 0 ? WM_TRUEPEAK_TAPS - 1 : t->pos - 1;
        t->hist[t->pos] = t->hist[t->pos + WM_TRUEPEAK_TAPS] = v;
        const float* w = &t->hist[t->pos];
        wm_v4 acc = t->coef[0] * w[0];
        for (int k = 1; k < WM_TRUEPEAK_TAPS; k++)
            acc += t->coef[k] * w[k];
        float peak = wm_v4_hmax(wm_v4_abs(acc));
        if (peaks)
            peaks[i] = peak;
        block_peak = peak > block_peak ? peak : block_peak;
    }
    return block_peak;
}
