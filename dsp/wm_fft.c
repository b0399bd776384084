/* wm_fft.c -- KissFFT's real transform (kiss_fftr) with arena placement.
   KissFFT (c) Mark Borgerding, BSD licence, built from the pinned npm
   package kissfft-js (see CMakeLists.txt, WAMIX_KISSFFT_DIR). */
#include "wm_fft.h"

#include "kiss_fftr.h"

static int valid_size(int n) { return n >= WM_FFT_MIN_SIZE && n <= WM_FFT_MAX_SIZE && (n & (n - 1)) == 0; }

/* Bytes of one kiss_fftr config (KissFFT reports it when given no memory). */
static size_t config_bytes(int n)
{
    size_t bytes = 0;
    kiss_fftr_alloc(n, 0, NULL, &bytes);
    return bytes;
}

size_t wm_fft_memory_size(int n)
{
    return valid_size(n) ? 2 * (config_bytes(n) + 16) : 0;
}

int wm_fft_init(wm_fft* f, wm_arena* a, int n)
{
    if (!valid_size(n))
        return WM_ERR_ARG;
    size_t mark = wm_arena_mark(a), bytes = config_bytes(n);
    void* forward_mem = wm_arena_alloc(a, bytes, 16);
    void* inverse_mem = wm_arena_alloc(a, bytes, 16);
    if (!forward_mem || !inverse_mem) {
        wm_arena_rollback(a, mark);
        return WM_ERR_NOMEM;
    }
    size_t len = bytes;
    f->forward = kiss_fftr_alloc(n, 0, forward_mem, &len);
    len = bytes;
    f->inverse = kiss_fftr_alloc(n, 1, inverse_mem, &len);
    f->n = n;
    f->scale = 1.0f / (float)n;
    return WM_OK;
}

void wm_fft_forward(const wm_fft* f, const float* in, wm_complex* out)
{
    kiss_fftr((kiss_fftr_cfg)f->forward, in, (kiss_fft_cpx*)out);
}

void wm_fft_inverse_unscaled(const wm_fft* f, const wm_complex* in, float* out)
{
    kiss_fftri((kiss_fftr_cfg)f->inverse, (const kiss_fft_cpx*)in, out);
}

void wm_fft_inverse(const wm_fft* f, const wm_complex* in, float* out)
{
    wm_fft_inverse_unscaled(f, in, out);
    const float k = f->scale;
    for (int i = 0; i < f->n; i++)
        out[i] *= k;
}
