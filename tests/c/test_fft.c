/* test_fft.c -- the KissFFT wrapper against the double-precision reference
   FFT of ref_fft.h, the round trip, and arena placement. */
#include <stdlib.h>

#include "check.h"
#include "ref_fft.h"
#include "wm_fft.h"

static unsigned char memory[4 << 20];

static void test_against_reference(void)
{
    double worst_snr = 1e9;
    for (int n = WM_FFT_MIN_SIZE; n <= 65536; n *= 2) {
        wm_arena a;
        wm_arena_init(&a, memory, sizeof memory);
        wm_fft f;
        CHECK(wm_fft_init(&f, &a, n) == WM_OK);
        CHECK(a.used <= wm_fft_memory_size(n));
        float* x = wm_arena_alloc(&a, (size_t)n * sizeof(float), 16);
        float* back = wm_arena_alloc(&a, (size_t)n * sizeof(float), 16);
        wm_complex* bins = wm_arena_alloc(&a, (size_t)(n / 2 + 1) * sizeof(wm_complex), 16);
        double* re = malloc((size_t)n * sizeof(double));
        double* im = malloc((size_t)n * sizeof(double));
        for (int i = 0; i < n; i++) {
            x[i] = check_noise();
            re[i] = x[i];
            im[i] = 0.0;
        }
        wm_fft_forward(&f, x, bins);
        ref_fft(re, im, n);
        double sig = 0, err = 0;
        for (int k = 0; k <= n / 2; k++) {
            sig += re[k] * re[k] + im[k] * im[k];
            err += (bins[k].re - re[k]) * (bins[k].re - re[k]) + (bins[k].im - im[k]) * (bins[k].im - im[k]);
        }
        double snr = 10.0 * log10(sig / err);
        CHECK(snr >= 120.0);
        worst_snr = fmin(worst_snr, snr);
        wm_fft_inverse(&f, bins, back);
        double rt = 0;
        for (int i = 0; i < n; i++)
            rt = fmax(rt, fabs(back[i] - x[i]));
        CHECK(rt < 1e-5);
        free(re);
        free(im);
    }
    printf("fft: KissFFT vs double reference, n = 4 .. 65536: worst SNR %.1f dB; round trip within 1e-5\n", worst_snr);
}

static void test_bad_sizes_and_small_arena(void)
{
    wm_arena a;
    wm_fft f;
    wm_arena_init(&a, memory, sizeof memory);
    CHECK(wm_fft_init(&f, &a, 1000) == WM_ERR_ARG);
    CHECK(wm_fft_init(&f, &a, 2) == WM_ERR_ARG);
    CHECK(wm_fft_init(&f, &a, WM_FFT_MAX_SIZE * 2) == WM_ERR_ARG);
    CHECK(wm_fft_memory_size(1000) == 0);
    wm_arena_init(&a, memory, wm_fft_memory_size(1024) / 3);
    CHECK(wm_fft_init(&f, &a, 1024) == WM_ERR_NOMEM);
    CHECK_EQ_INT(a.used, 0);
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_against_reference();
    test_bad_sizes_and_small_arena();
    return check_finish("test_fft", seed);
}
