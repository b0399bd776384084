/* wm_ops.c -- block operations in SIMD, each with its scalar twin; written
   for wamix.

   The SIMD versions use wm_v4 (wm_simd.h): four samples per step through
   unaligned loads and stores, then the twin finishes the last n % 4
   samples, so the tail is the reference code itself. Operations whose
   gain depends on the sample's position (ramp, crossfades) give each lane
   its index as an integer converted to float, exactly as the twin does,
   rather than stepping a float accumulator: the two versions then agree
   bit for bit at any n, and their scalar loops take a start index
   (*_from) so the tail knows where it is. */
#include "wm_ops.h"

#include "wm_common.h"
#include "wm_simd.h"

/* The twins stay one sample per step. Otherwise -O3 vectorises them and a
   benchmark would compare SIMD with the compiler's SIMD. GCC has no
   per-loop switch before version 14, clang takes no optimize attribute. */
#if defined(__clang__)
#define SCALAR_FN
#define SCALAR_LOOP _Pragma("clang loop vectorize(disable)")
#elif defined(__GNUC__)
#define SCALAR_FN __attribute__((optimize("no-tree-vectorize")))
#define SCALAR_LOOP
#else
#define SCALAR_FN
#define SCALAR_LOOP
#endif

/* Integer lanes to float, each rounded as (float)i rounds it. */
static inline wm_v4 v4_float(wm_v4i v) { return __builtin_convertvector(v, wm_v4); }

static inline wm_v4 v4_sqrt(wm_v4 v)
{
#if defined(__wasm_simd128__)
    return (wm_v4)wasm_f32x4_sqrt((v128_t)v);
#elif defined(__SSE2__)
    return (wm_v4)_mm_sqrt_ps((__m128)v);
#else
    return (wm_v4){sqrtf(v[0]), sqrtf(v[1]), sqrtf(v[2]), sqrtf(v[3])};
#endif
}

/* ---- gain ---- */

SCALAR_FN void wm_ops_gain_scalar(const float* x, float* y, float g, int n)
{
    SCALAR_LOOP
    for (int i = 0; i < n; i++)
        y[i] = x[i] * g;
}

void wm_ops_gain(const float* x, float* y, float g, int n)
{
    const wm_v4 gv = wm_v4_splat(g);
    int i = 0;
    for (; i + 4 <= n; i += 4)
        wm_v4_store(y + i, wm_v4_load(x + i) * gv);
    wm_ops_gain_scalar(x + i, y + i, g, n - i);
}

/* ---- gain ramp ---- */

SCALAR_FN static void gain_ramp_from(const float* x, float* y, float g0, float step, int i, int n)
{
    SCALAR_LOOP
    for (; i < n; i++)
        y[i] = x[i] * (g0 + step * (float)(i + 1));
}

void wm_ops_gain_ramp_scalar(const float* x, float* y, float g0, float step, int n)
{
    gain_ramp_from(x, y, g0, step, 0, n);
}

void wm_ops_gain_ramp(const float* x, float* y, float g0, float step, int n)
{
    const wm_v4 g0v = wm_v4_splat(g0), stepv = wm_v4_splat(step);
    wm_v4i pos = {1, 2, 3, 4};
    int i = 0;
    for (; i + 4 <= n; i += 4, pos += 4)
        wm_v4_store(y + i, wm_v4_load(x + i) * (g0v + stepv * v4_float(pos)));
    gain_ramp_from(x, y, g0, step, i, n);
}

/* ---- mix ---- */

SCALAR_FN void wm_ops_mix_scalar(const float* x1, const float* x2, float* y, float a, float b, int n)
{
    SCALAR_LOOP
    for (int i = 0; i < n; i++)
        y[i] = a * x1[i] + b * x2[i];
}

void wm_ops_mix(const float* x1, const float* x2, float* y, float a, float b, int n)
{
    const wm_v4 av = wm_v4_splat(a), bv = wm_v4_splat(b);
    int i = 0;
    for (; i + 4 <= n; i += 4)
        wm_v4_store(y + i, av * wm_v4_load(x1 + i) + bv * wm_v4_load(x2 + i));
    wm_ops_mix_scalar(x1 + i, x2 + i, y + i, a, b, n - i);
}

/* ---- crossfades ----
   t = (i + 1) / n by division, not by a multiply with 1 / n: n / n is
   exactly 1, so the last sample is exactly x2 (x1 * 0 + x2 * 1). */

SCALAR_FN static void xfade_from(const float* x1, const float* x2, float* y, int i, int n)
{
    SCALAR_LOOP
    for (; i < n; i++) {
        float t = (float)(i + 1) / (float)n;
        y[i] = (1.0f - t) * x1[i] + t * x2[i];
    }
}

void wm_ops_xfade_scalar(const float* x1, const float* x2, float* y, int n)
{
    xfade_from(x1, x2, y, 0, n);
}

void wm_ops_xfade(const float* x1, const float* x2, float* y, int n)
{
    const wm_v4 nv = wm_v4_splat((float)n), one = wm_v4_splat(1.0f);
    wm_v4i pos = {1, 2, 3, 4};
    int i = 0;
    for (; i + 4 <= n; i += 4, pos += 4) {
        wm_v4 t = v4_float(pos) / nv;
        wm_v4_store(y + i, (one - t) * wm_v4_load(x1 + i) + t * wm_v4_load(x2 + i));
    }
    xfade_from(x1, x2, y, i, n);
}

SCALAR_FN static void xfade_power_from(const float* x1, const float* x2, float* y, int i, int n)
{
    SCALAR_LOOP
    for (; i < n; i++) {
        float t = (float)(i + 1) / (float)n, u = 1.0f - t;
        float r = 1.0f / sqrtf(u * u + t * t);
        y[i] = (u * r) * x1[i] + (t * r) * x2[i];
    }
}

void wm_ops_xfade_power_scalar(const float* x1, const float* x2, float* y, int n)
{
    xfade_power_from(x1, x2, y, 0, n);
}

void wm_ops_xfade_power(const float* x1, const float* x2, float* y, int n)
{
    const wm_v4 nv = wm_v4_splat((float)n), one = wm_v4_splat(1.0f);
    wm_v4i pos = {1, 2, 3, 4};
    int i = 0;
    for (; i + 4 <= n; i += 4, pos += 4) {
        wm_v4 t = v4_float(pos) / nv, u = one - t;
        wm_v4 r = one / v4_sqrt(u * u + t * t);
        wm_v4_store(y + i, (u * r) * wm_v4_load(x1 + i) + (t * r) * wm_v4_load(x2 + i));
    }
    xfade_power_from(x1, x2, y, i, n);
}

/* ---- bus sum ---- */

SCALAR_FN void wm_ops_sum_scalar(const float* x, float* y, float g, int n)
{
    SCALAR_LOOP
    for (int i = 0; i < n; i++)
        y[i] = y[i] + x[i] * g;
}

void wm_ops_sum(const float* x, float* y, float g, int n)
{
    const wm_v4 gv = wm_v4_splat(g);
    int i = 0;
    for (; i + 4 <= n; i += 4)
        wm_v4_store(y + i, wm_v4_load(y + i) + wm_v4_load(x + i) * gv);
    wm_ops_sum_scalar(x + i, y + i, g, n - i);
}

/* ---- peak ----
   The maximum is exact whatever the order, so four running maxima give
   the twin's result bit for bit. */

SCALAR_FN float wm_ops_peak_scalar(const float* x, int n)
{
    float peak = 0.0f;
    SCALAR_LOOP
    for (int i = 0; i < n; i++) {
        float a = fabsf(x[i]);
        if (a > peak) /* false for NaN: skipped */
            peak = a;
    }
    return peak;
}

float wm_ops_peak(const float* x, int n)
{
    wm_v4 peak = wm_v4_splat(0.0f);
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        wm_v4i a = (wm_v4i)wm_v4_abs(wm_v4_load(x + i));
        /* NaN lanes (|x| bits above +Inf's) are zeroed before the max:
           wm_v4_max keeps a different operand on NaN under SSE and WASM. */
        peak = wm_v4_max(peak, (wm_v4)(a & (a <= 0x7f800000)));
    }
    float head = wm_v4_hmax(peak), tail = wm_ops_peak_scalar(x + i, n - i);
    return tail > head ? tail : head;
}

/* ---- sanitise ---- */

SCALAR_FN int wm_ops_sanitize_scalar(float* x, int n)
{
    int replaced = 0;
    SCALAR_LOOP
    for (int i = 0; i < n; i++) {
        if (!wm_is_finite(x[i])) {
            x[i] = 0.0f;
            replaced++;
        }
    }
    return replaced;
}

int wm_ops_sanitize(float* x, int n)
{
    wm_v4i replaced = {0, 0, 0, 0};
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        wm_v4 v = wm_v4_load(x + i), clean = wm_v4_sanitize(v);
        replaced -= (wm_v4i)clean != (wm_v4i)v; /* -1 in each replaced lane */
        wm_v4_store(x + i, clean);
    }
    return replaced[0] + replaced[1] + replaced[2] + replaced[3] + wm_ops_sanitize_scalar(x + i, n - i);
}

/* ---- interleave, deinterleave ---- */

SCALAR_FN void wm_ops_interleave2_scalar(const float* l, const float* r, float* y, int n)
{
    SCALAR_LOOP
    for (int i = 0; i < n; i++) {
        y[2 * i] = l[i];
        y[2 * i + 1] = r[i];
    }
}

void wm_ops_interleave2(const float* l, const float* r, float* y, int n)
{
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        wm_v4 a = wm_v4_load(l + i), b = wm_v4_load(r + i);
        wm_v4_store(y + 2 * i, __builtin_shufflevector(a, b, 0, 4, 1, 5));
        wm_v4_store(y + 2 * i + 4, __builtin_shufflevector(a, b, 2, 6, 3, 7));
    }
    wm_ops_interleave2_scalar(l + i, r + i, y + 2 * i, n - i);
}

SCALAR_FN void wm_ops_deinterleave2_scalar(const float* x, float* l, float* r, int n)
{
    SCALAR_LOOP
    for (int i = 0; i < n; i++) {
        l[i] = x[2 * i];
        r[i] = x[2 * i + 1];
    }
}

void wm_ops_deinterleave2(const float* x, float* l, float* r, int n)
{
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        wm_v4 a = wm_v4_load(x + 2 * i), b = wm_v4_load(x + 2 * i + 4);
        wm_v4_store(l + i, __builtin_shufflevector(a, b, 0, 2, 4, 6));
        wm_v4_store(r + i, __builtin_shufflevector(a, b, 1, 3, 5, 7));
    }
    wm_ops_deinterleave2_scalar(x + 2 * i, l + i, r + i, n - i);
}

SCALAR_FN void wm_ops_interleave_scalar(const float* const* ch, float* y, int channels, int n)
{
    for (int c = 0; c < channels; c++) {
        const float* x = ch[c];
        SCALAR_LOOP
        for (int i = 0; i < n; i++)
            y[i * channels + c] = x[i];
    }
}

void wm_ops_interleave(const float* const* ch, float* y, int channels, int n)
{
    if (channels == 2)
        wm_ops_interleave2(ch[0], ch[1], y, n);
    else
        wm_ops_interleave_scalar(ch, y, channels, n);
}

SCALAR_FN void wm_ops_deinterleave_scalar(const float* x, float* const* ch, int channels, int n)
{
    for (int c = 0; c < channels; c++) {
        float* y = ch[c];
        SCALAR_LOOP
        for (int i = 0; i < n; i++)
            y[i] = x[i * channels + c];
    }
}

void wm_ops_deinterleave(const float* x, float* const* ch, int channels, int n)
{
    if (channels == 2)
        wm_ops_deinterleave2(x, ch[0], ch[1], n);
    else
        wm_ops_deinterleave_scalar(x, ch, channels, n);
}
