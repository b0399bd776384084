/* check.h -- the smallest test harness: CHECK macros that print file:line
   with the expected and actual values, a failure count, and a seeded PRNG
   (xorshift32) whose seed comes from $SEED when set and is printed on
   failure. */
#ifndef WM_CHECK_H
#define WM_CHECK_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "wm_common.h"

static int check_failures;
/* Only the first failures are printed, so one broken loop cannot bury the rest. */
#define CHECK_PRINT_LIMIT 20
#define CHECK_REPORT(...) \
    do { \
        if (check_failures++ < CHECK_PRINT_LIMIT) \
            fprintf(stderr, __VA_ARGS__); \
    } while (0)
static uint32_t check_seed = 0x9e3779b9u;

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (!(cond)) {                                                      \
            CHECK_REPORT("%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
        }                                                                   \
    } while (0)

/* |actual - expected| <= tol */
#define CHECK_NEAR(actual, expected, tol)                                   \
    do {                                                                    \
        double a_ = (actual), e_ = (expected), t_ = (tol);                  \
        if (!(fabs(a_ - e_) <= t_)) {                                       \
            CHECK_REPORT("%s:%d: %s = %.9g, expected %.9g +- %.3g\n", __FILE__, __LINE__, \
                         #actual, a_, e_, t_);                              \
        }                                                                   \
    } while (0)

#define CHECK_EQ_INT(actual, expected)                                      \
    do {                                                                    \
        long long a_ = (actual), e_ = (expected);                            \
        if (a_ != e_) {                                                     \
            CHECK_REPORT("%s:%d: %s = %lld, expected %lld\n", __FILE__, __LINE__, #actual, a_, e_); \
        }                                                                   \
    } while (0)

static inline void check_seed_from_env(void)
{
    const char* s = getenv("SEED");
    if (s)
        check_seed = (uint32_t)strtoul(s, NULL, 0);
    if (check_seed == 0)
        check_seed = 1;
}

static inline uint32_t check_rand(void)
{
    uint32_t x = check_seed;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return check_seed = x;
}

/* Uniform in [-1, 1). */
static inline float check_noise(void) { return (float)((double)check_rand() / 2147483648.0 - 1.0); }

/* Hostile input: 10% of samples are NaN, +Inf or -Inf, the rest noise in
   [-amp, amp). For "fed 10% NaN/Inf for a million samples, stays finite and
   bounded" tests. */
static inline float check_hostile(float amp)
{
    uint32_t r = check_rand();
    if (r % 10 == 0) {
        const float bad[3] = {NAN, INFINITY, -INFINITY};
        return bad[(r >> 8) % 3];
    }
    return amp * check_noise();
}

/* Fills x with n hostile samples; returns how many are NaN or Inf. */
static inline unsigned check_hostile_block(float* x, int n, float amp)
{
    unsigned bad = 0;
    for (int i = 0; i < n; i++) {
        x[i] = check_hostile(amp);
        bad += !wm_is_finite(x[i]);
    }
    return bad;
}

static inline int check_finish(const char* name, uint32_t initial_seed)
{
    if (check_failures) {
        fprintf(stderr, "%s: %d check(s) failed (SEED=%u)\n", name, check_failures, initial_seed);
        return 1;
    }
    printf("%s: ok\n", name);
    return 0;
}

#endif
