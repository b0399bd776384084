/* fuzz_input.h -- what every libFuzzer target here shares: the input read
   as a stream of choices (zeros once it runs out), values biased toward the
   hostile ones (NaN, infinities, huge, tiny, denormal, signed zero, the
   edges of int32), and a check that aborts, so libFuzzer records the input.
   Thread: the fuzzer's thread. */
#ifndef WM_FUZZ_INPUT_H
#define WM_FUZZ_INPUT_H

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wm_common.h"

typedef struct {
    const uint8_t* p;
    size_t n;
} fz_in;

#define FZ_CHECK(cond)                                                                  \
    do {                                                                                \
        if (!(cond)) {                                                                  \
            fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                    \
        }                                                                               \
    } while (0)

static inline int fz_more(const fz_in* in) { return in->n > 0; }

static inline uint8_t fz_u8(fz_in* in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

static inline uint32_t fz_u16(fz_in* in) { return fz_u8(in) | (uint32_t)fz_u8(in) << 8; }
static inline uint32_t fz_u32(fz_in* in) { return fz_u16(in) | fz_u16(in) << 16; }

static inline float fz_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static inline uint32_t fz_float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* A float: a special value, raw bits, or a moderate value in [-128, 128). */
static inline float fz_float(fz_in* in)
{
    static const float special[] = {NAN, -NAN, INFINITY, -INFINITY, 1e30f, -1e30f, FLT_MAX, -FLT_MAX,
                                    1e-40f, -1e-40f, FLT_MIN, 1e-30f, 0.0f, -0.0f, 1.0f, -1.0f};
    uint8_t k = fz_u8(in);
    if (k < 64)
        return special[k % (sizeof special / sizeof special[0])];
    if (k < 96)
        return fz_bits(fz_u32(in));
    return (float)((int16_t)fz_u16(in)) / 256.0f;
}

/* An int32: small, around a limit the caller names, an edge of int32, or raw. */
static inline int32_t fz_int(fz_in* in, int32_t limit)
{
    uint8_t k = fz_u8(in);
    switch (k & 3) {
    case 0:
        return (int32_t)(k >> 2) - 2; /* -2 .. 61 */
    case 1:
        return limit + (int32_t)(k >> 2) % 5 - 2;
    case 2: {
        static const int32_t edge[] = {INT32_MIN, INT32_MAX, -1, 1 << 30, 1 << 24, 65536, 0x7fff, 2};
        return edge[(k >> 2) & 7];
    }
    default:
        return (int32_t)fz_u32(in);
    }
}

/* n samples: one special value throughout, raw floats from the input, or
   a noise burst of a given level. */
static inline void fz_fill(fz_in* in, float* x, int n)
{
    uint8_t mode = fz_u8(in) % 3;
    if (mode == 0) {
        float v = fz_float(in);
        for (int i = 0; i < n; i++)
            x[i] = v;
    } else if (mode == 1) {
        for (int i = 0; i < n; i++)
            x[i] = fz_more(in) ? fz_float(in) : 0.0f;
    } else {
        float amp = fz_float(in);
        uint32_t r = fz_u32(in) | 1u;
        for (int i = 0; i < n; i++) {
            r ^= r << 13, r ^= r >> 17, r ^= r << 5;
            x[i] = amp * ((float)r / 2147483648.0f - 1.0f);
        }
    }
}

/* 1 when all n samples are finite. */
static inline int fz_finite(const float* x, int n)
{
    for (int i = 0; i < n; i++)
        if (!wm_is_finite(x[i]))
            return 0;
    return 1;
}

/* A handle: mostly small (live, stale, 0, -1, one past the table), now
   and then any int32 up to max's edges. */
static inline int fz_handle(fz_in* in, int max)
{
    return fz_u8(in) < 224 ? (int)(fz_u8(in) % (max + 3)) - 1 : fz_int(in, max);
}

/* A model of WASM linear memory for an exports file compiled natively: one
   64 KiB-aligned block, never freed (the fuzzer reuses it). */
static inline unsigned char* fz_linear_memory(size_t bytes)
{
    void* m = NULL;
    FZ_CHECK(posix_memalign(&m, 65536, bytes) == 0);
    return m;
}

#endif
