/* wm_fft.h -- real FFT of power-of-two sizes on KissFFT (a dependency taken
   from the npm package kissfft-js at build time, never copied here), with
   its configuration placed in the arena.

   Forward: n real samples -> n/2 + 1 complex bins, unscaled (a full-scale
   sine on a bin reads n/2). Inverse: n/2 + 1 bins -> n real samples, scaled
   by 1/n, so inverse(forward(x)) == x.
   Realtime: the transforms are safe (no allocation: out of place, power-of-
   two sizes, memory placed at init). Thread: an instance may be used from
   one thread at a time (KissFFT keeps scratch in the config). */
#ifndef WM_FFT_H
#define WM_FFT_H

#include "wm_arena.h"
#include "wm_common.h"

#define WM_FFT_MIN_SIZE 4
#define WM_FFT_MAX_SIZE (1 << 18)

/* Layout-compatible with kiss_fft_cpx. */
typedef struct {
    float re, im;
} wm_complex;

typedef struct {
    int n;
    float scale;    /* 1/n */
    void* forward;  /* kiss_fftr_cfg */
    void* inverse;  /* kiss_fftr_cfg */
} wm_fft;

/* Arena bytes that wm_fft_init needs for size n (0 for an invalid n). */
size_t wm_fft_memory_size(int n);

/* n: a power of two in [WM_FFT_MIN_SIZE, WM_FFT_MAX_SIZE]. Returns WM_OK,
   WM_ERR_ARG for another n, or WM_ERR_NOMEM (the arena is left as it was).
   Not realtime: computes twiddles. */
int wm_fft_init(wm_fft* f, wm_arena* a, int n);

/* in: n samples; out: n/2 + 1 bins. in and out must not overlap. */
void wm_fft_forward(const wm_fft* f, const float* in, wm_complex* out);

/* in: n/2 + 1 bins (the imaginary parts of bins 0 and n/2 are ignored);
   out: n samples, scaled by 1/n. */
void wm_fft_inverse(const wm_fft* f, const wm_complex* in, float* out);

/* The same without the 1/n scaling (out is n times the signal), for callers
   that fold the scale into their own data (e.g. a convolver's IR spectra). */
void wm_fft_inverse_unscaled(const wm_fft* f, const wm_complex* in, float* out);

#endif
