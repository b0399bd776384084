/* wm_simd.h -- four floats as one value, for processing four channels (or
   four independent lanes) in one instruction.

   Written with the GCC/Clang vector extension, so the same source becomes
   WASM SIMD128 under emcc -msimd128, SSE natively, and plain scalar code
   when neither is enabled (the scalar build that SIMD is compared against).
   Arithmetic (+ - * /) works on wm_v4 directly; the helpers below cover
   what the operators do not. */
#ifndef WM_SIMD_H
#define WM_SIMD_H

#include <stdint.h>
#include <string.h>

typedef float wm_v4 __attribute__((vector_size(16)));
typedef int32_t wm_v4i __attribute__((vector_size(16)));

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define WM_SIMD_NAME "simd128"
#elif defined(__SSE2__)
#include <emmintrin.h>
#define WM_SIMD_NAME "sse2"
#else
#define WM_SIMD_NAME "scalar"
#endif

/* Unaligned load and store (memcpy of 16 bytes compiles to one instruction). */
static inline wm_v4 wm_v4_load(const float* p)
{
    wm_v4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void wm_v4_store(float* p, wm_v4 v) { memcpy(p, &v, sizeof v); }

static inline wm_v4 wm_v4_splat(float x) { return (wm_v4){x, x, x, x}; }

static inline wm_v4 wm_v4_abs(wm_v4 v) { return (wm_v4)((wm_v4i)v & 0x7fffffff); }

static inline wm_v4 wm_v4_min(wm_v4 a, wm_v4 b)
{
#if defined(__wasm_simd128__)
    return (wm_v4)wasm_f32x4_pmin((v128_t)a, (v128_t)b);
#elif defined(__SSE2__)
    return (wm_v4)_mm_min_ps((__m128)a, (__m128)b);
#else
    return (wm_v4){a[0] < b[0] ? a[0] : b[0], a[1] < b[1] ? a[1] : b[1], a[2] < b[2] ? a[2] : b[2],
                   a[3] < b[3] ? a[3] : b[3]};
#endif
}

static inline wm_v4 wm_v4_max(wm_v4 a, wm_v4 b)
{
#if defined(__wasm_simd128__)
    return (wm_v4)wasm_f32x4_pmax((v128_t)a, (v128_t)b);
#elif defined(__SSE2__)
    return (wm_v4)_mm_max_ps((__m128)a, (__m128)b);
#else
    return (wm_v4){a[0] > b[0] ? a[0] : b[0], a[1] > b[1] ? a[1] : b[1], a[2] > b[2] ? a[2] : b[2],
                   a[3] > b[3] ? a[3] : b[3]};
#endif
}

/* Lanes that are NaN or +-Inf become 0 (exponent bits all ones). */
static inline wm_v4 wm_v4_sanitize(wm_v4 v)
{
    wm_v4i bits = (wm_v4i)v;
    wm_v4i finite = (bits & 0x7f800000) != 0x7f800000; /* all ones where finite */
    return (wm_v4)(bits & finite);
}

/* Zeroes lanes whose magnitude is below WM_DENORMAL_FLUSH-like `floor`. */
static inline wm_v4 wm_v4_flush(wm_v4 v, float floor)
{
    wm_v4i keep = wm_v4_abs(v) >= wm_v4_splat(floor);
    return (wm_v4)((wm_v4i)v & keep);
}

static inline float wm_v4_hmax(wm_v4 v)
{
    float a = v[0] > v[1] ? v[0] : v[1], b = v[2] > v[3] ? v[2] : v[3];
    return a > b ? a : b;
}

#endif
