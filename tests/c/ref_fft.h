/* ref_fft.h -- a plain double-precision FFT for tests (iterative radix-2,
   in place), independent of the KissFFT the product uses, plus helpers to
   measure spectra: a Blackman-Harris window and the level of a bin range. */
#ifndef WM_REF_FFT_H
#define WM_REF_FFT_H

#include <math.h>

/* In-place forward FFT of n (a power of two) complex values re[], im[]. */
static inline void ref_fft(double* re, double* im, int n)
{
    for (int i = 1, j = 0; i < n; i++) {
        int bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j ^= bit;
        if (i < j) {
            double t = re[i]; re[i] = re[j]; re[j] = t;
            t = im[i]; im[i] = im[j]; im[j] = t;
        }
    }
    for (int len = 2; len <= n; len <<= 1) {
        double ang = -2.0 * 3.14159265358979323846 / len;
        for (int i = 0; i < n; i += len) {
            for (int k = 0; k < len / 2; k++) {
                double wr = cos(ang * k), wi = sin(ang * k);
                double xr = re[i + k + len / 2] * wr - im[i + k + len / 2] * wi;
                double xi = re[i + k + len / 2] * wi + im[i + k + len / 2] * wr;
                re[i + k + len / 2] = re[i + k] - xr;
                im[i + k + len / 2] = im[i + k] - xi;
                re[i + k] += xr;
                im[i + k] += xi;
            }
        }
    }
}

/* 4-term Blackman-Harris window (sidelobes near -92 dB). */
static inline double ref_blackman_harris(int i, int n)
{
    double x = 2.0 * 3.14159265358979323846 * i / n;
    return 0.35875 - 0.48829 * cos(x) + 0.14128 * cos(2 * x) - 0.01168 * cos(3 * x);
}

/* Power spectrum in dB of n real samples (windowed, normalised so that a
   full-scale sine exactly on a bin reads about 0 dB). mag_db gets n/2 + 1
   values; re and im are scratch of n doubles each. */
static inline void ref_spectrum_db(const float* x, int n, double* re, double* im, double* mag_db)
{
    double wsum = 0;
    for (int i = 0; i < n; i++) {
        double w = ref_blackman_harris(i, n);
        wsum += w;
        re[i] = x[i] * w;
        im[i] = 0;
    }
    ref_fft(re, im, n);
    for (int k = 0; k <= n / 2; k++) {
        double m = 2.0 * sqrt(re[k] * re[k] + im[k] * im[k]) / wsum;
        mag_db[k] = 20.0 * log10(m + 1e-300);
    }
}

#endif
