/* wm_fastmath.h -- fast log2 / exp2 and the dB conversions built on them,
   for per-sample work where log10f/powf would dominate (dynamics gain
   computers).

   Method: a float is 2^e * m with m in [1, 2), so log2(x) = e + log2(m):
   the exponent is read from the bits and log2(m) comes from a polynomial.
   exp2(x) splits x into floor(x) + f: 2^floor(x) is written into the
   exponent bits and 2^f comes from a polynomial. The polynomials are
   minimax fits (Remez exchange, computed for wamix) constrained to be exact
   at both ends of their interval, so both functions are continuous across
   powers of two and exact at integers: wm_fast_log2(1) == 0,
   wm_fast_exp2(0) == 1, wm_fast_db_to_lin(0) == 1.

   Error bounds, checked by tests/c/test_fastmath.c against log10/pow in
   double (every float of [1e-6, 1e3] for lin_to_db, a dense sweep for the
   rest):
     wm_fast_log2        |error| <= 2e-5 for every finite x > 0
     wm_fast_lin_to_db   |error| <= 0.0002 dB over [1e-6, 1e3]
     wm_fast_exp2        relative error <= 4e-6 over [-126, 126]
     wm_fast_db_to_lin   relative error <= 5e-6 (0.00005 dB) over [-120, +60] dB
   Monotonic up to float rounding: as x grows, wm_fast_log2 can step back by
   at most 3e-7 plus one ulp of its result; wm_fast_exp2 never decreases.

   Edge cases: no function returns NaN or Inf.
     wm_fast_log2: the sign is ignored; 0 and denormals give a value in
       [-127, -126) (below any level of interest, never -inf); Inf and NaN
       give a finite value in [128, 129).
     wm_fast_lin_to_db: floored at WM_SILENCE_DB (so 0 and denormals read
       the floor, like wm_lin_to_db).
     wm_fast_exp2: x is clamped to [-126, 126]; NaN is treated as -126.
   Header-only (inlined into the loops that use it). Realtime: safe.
   Thread: any (pure functions). */
#ifndef WM_FASTMATH_H
#define WM_FASTMATH_H

#include "wm_common.h"

#define WM_DB_PER_LOG2 6.0205999132796239f /* 20 log10(2) */
#define WM_LOG2_PER_DB 0.16609640474436813f /* log2(10) / 20 */

/* cond ? a : b as a bit select on a mask. gcc does not vectorise a loop in
   which `a > b ? a : b` on floats feeds arithmetic (its default
   -ftrapping-math blocks the if-conversion); this form vectorises with gcc
   and clang alike. */
static inline float wm_fast_select(int cond, float a, float b)
{
    uint32_t m = 0u - (uint32_t)(cond != 0), ab, bb;
    memcpy(&ab, &a, sizeof ab);
    memcpy(&bb, &b, sizeof bb);
    ab = (ab & m) | (bb & ~m);
    memcpy(&a, &ab, sizeof a);
    return a;
}

/* max(a, b) and min(a, b), vectorisable; if a is NaN the result is b. */
static inline float wm_fast_maxf(float a, float b) { return wm_fast_select(a > b, a, b); }
static inline float wm_fast_minf(float a, float b) { return wm_fast_select(a < b, a, b); }

/* log2|x| */
static inline float wm_fast_log2(float x)
{
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    bits &= 0x7fffffffu;
    float e = (float)(int32_t)(bits >> 23) - 127.0f;
    uint32_t mbits = (bits & 0x007fffffu) | 0x3f800000u; /* m in [1, 2) */
    float m;
    memcpy(&m, &mbits, sizeof m);
    float f = m - 1.0f;
    /* log2(1 + f) on [0, 1), degree 5, p(0) = 0 and p(1) = 1 */
    float p = f * (1.44191704f +
                   f * (-0.709096459f + f * (0.415606094f + f * (-0.193575737f + f * 0.0451490616f))));
    return e + p;
}

/* 2^x */
static inline float wm_fast_exp2(float x)
{
    x = wm_fast_minf(wm_fast_maxf(x, -126.0f), 126.0f); /* NaN becomes -126 */
    int32_t i = (int32_t)x;
    i -= x < (float)i; /* floor, for negative x too */
    float f = x - (float)i; /* exact: [0, 1) */
    /* 2^f on [0, 1), degree 4, p(0) = 1 and p(1) = 2 */
    float p = 1.0f + f * (0.693032121f + f * (0.241379763f + f * (0.0520323690f + f * 0.0135557473f)));
    uint32_t sbits = (uint32_t)(i + 127) << 23; /* 2^i */
    float s;
    memcpy(&s, &sbits, sizeof s);
    return s * p;
}

/* 20 log10|x|, floored at WM_SILENCE_DB. */
static inline float wm_fast_lin_to_db(float x)
{
    float db = WM_DB_PER_LOG2 * wm_fast_log2(x);
    return db > WM_SILENCE_DB ? db : WM_SILENCE_DB;
}

/* 10^(db / 20). */
static inline float wm_fast_db_to_lin(float db) { return wm_fast_exp2(WM_LOG2_PER_DB * db); }

#endif
