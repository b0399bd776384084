/* wm_kaiser.h -- the Kaiser window, for the windowed-sinc FIR designs that
   modules compute at init (true peak, half-band oversampling, resampling).
   Double precision; never called on the audio path. */
#ifndef WM_KAISER_H
#define WM_KAISER_H

#include <math.h>

/* The modified Bessel function I0, by its power series sum ((x/2)^k / k!)^2. */
static inline double wm_bessel_i0(double x)
{
    double term = 1.0, sum = 1.0, q = x * x / 4.0;
    for (int k = 1; term > 1e-17 * sum; k++) {
        term *= q / ((double)k * k);
        sum += term;
    }
    return sum;
}

/* The Kaiser window at r in [-1, 1] (the ends included), 0 beyond;
   not normalised: its peak, at r = 0, is I0(beta). */
static inline double wm_kaiser(double r, double beta)
{
    return fabs(r) > 1.0 ? 0.0 : wm_bessel_i0(beta * sqrt(1.0 - r * r));
}

#endif
