/* test_fastmath.c -- the fast log2/exp2 and dB conversions against log2 and
   pow in double: every float where the claim is about a float range, a
   dense sweep of bit patterns elsewhere, plus continuity, monotonicity and
   the edge cases (0, denormals, Inf, NaN). */
#include <float.h>

#include "check.h"
#include "wm_fastmath.h"

static float from_bits(uint32_t b)
{
    float x;
    memcpy(&x, &b, sizeof x);
    return x;
}

static uint32_t to_bits(float x)
{
    uint32_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

/* Every float in [1e-6, 1e3]: 2^e * m with the mantissa m in the outer loop,
   so log2(m) in double is computed once per mantissa, and the exponents
   -20..9 in the inner loop. Within each binade the fast log2 must not step
   back by more than float rounding (3e-7 in the polynomial plus one ulp
   of the sum e + p(m)), and lin_to_db must stay within its stated bound. */
static void test_log2_every_float(void)
{
    enum { E_LO = -20, E_HI = 9, NE = E_HI - E_LO + 1 };
    float prev[NE];
    double worst_log2 = 0, worst_db = 0;
    long long tested = 0, decreasing = 0;
    for (uint32_t mant = 0; mant < (1u << 23); mant++) {
        double log2m = log2((double)from_bits(0x3f800000u | mant));
        for (int e = E_LO; e <= E_HI; e++) {
            float x = from_bits(((uint32_t)(e + 127) << 23) | mant);
            float got = wm_fast_log2(x);
            double err = fabs(got - (e + log2m));
            worst_log2 = err > worst_log2 ? err : worst_log2;
            double ulp = nextafterf(fabsf(got), INFINITY) - fabsf(got);
            if (mant > 0 && prev[e - E_LO] - (double)got > 3e-7 + ulp)
                decreasing++;
            prev[e - E_LO] = got;
            if (x < 1e-6f || x > 1e3f)
                continue;
            double db_err = fabs(wm_fast_lin_to_db(x) - 20.0 * log10(2.0) * (e + log2m));
            worst_db = db_err > worst_db ? db_err : worst_db;
            tested++;
        }
    }
    CHECK(tested > 240000000LL);
    CHECK(worst_log2 <= 2e-5);
    CHECK(worst_db <= 0.0002);
    CHECK_EQ_INT(decreasing, 0);
    printf("fastmath: log2 worst |error| %.2e over every float in [2^-20, 2^10)\n", worst_log2);
    printf("fastmath: lin_to_db worst |error| %.6f dB over all %lld floats in [1e-6, 1e3]\n", worst_db, tested);
}

/* Across every power of two of the normal range: continuous (the two
   neighbours of 2^e differ by no more than the function's slope allows)
   and exact at 2^e itself. */
static void test_log2_binade_edges(void)
{
    int bad = 0;
    for (int e = -125; e <= 127; e++) {
        float at = from_bits((uint32_t)(e + 127) << 23);
        float below = from_bits(to_bits(at) - 1);
        if (wm_fast_log2(at) != (float)e)
            bad++;
        if (!(wm_fast_log2(below) <= wm_fast_log2(at) && wm_fast_log2(at) - wm_fast_log2(below) < 1e-4f))
            bad++;
    }
    CHECK_EQ_INT(bad, 0);
}

/* All positive normal floats, every 61st bit pattern: the bound holds far
   outside the audio range too. */
static void test_log2_whole_range(void)
{
    double worst = 0;
    for (uint32_t b = to_bits(FLT_MIN); b < 0x7f800000u; b += 61) {
        float x = from_bits(b);
        double err = fabs(wm_fast_log2(x) - log2((double)x));
        worst = err > worst ? err : worst;
    }
    CHECK(worst <= 2e-5);
}

static void test_log2_edge_cases(void)
{
    float zero = wm_fast_log2(0.0f);
    CHECK(zero >= -127.0f && zero < -126.0f);
    for (uint32_t b = 1; b < 0x00800000u; b += 4099) { /* denormals */
        float v = wm_fast_log2(from_bits(b));
        CHECK(v >= -127.0f && v < -126.0f);
        CHECK(wm_fast_lin_to_db(from_bits(b)) == WM_SILENCE_DB);
    }
    CHECK(wm_fast_lin_to_db(0.0f) == WM_SILENCE_DB);
    CHECK(wm_fast_lin_to_db(-0.0f) == WM_SILENCE_DB);
    CHECK(wm_fast_lin_to_db(1e-7f) == WM_SILENCE_DB);
    CHECK(wm_fast_log2(-8.0f) == wm_fast_log2(8.0f));
    CHECK(wm_fast_log2(1.0f) == 0.0f);
    CHECK(wm_fast_lin_to_db(1.0f) == 0.0f);
    const float bad[3] = {INFINITY, -INFINITY, NAN};
    for (int k = 0; k < 3; k++) {
        float v = wm_fast_log2(bad[k]);
        CHECK(wm_is_finite(v) && v >= 128.0f && v < 129.0f);
        CHECK(wm_is_finite(wm_fast_lin_to_db(bad[k])));
    }
}

/* Relative error of f(x) against want over floats from lo to hi (same
   sign), visiting every `stride`-th bit pattern; also counts decreases. */
static double sweep_relative(float (*f)(float), double (*want)(double), float lo, float hi, uint32_t stride,
                             long long* decreasing)
{
    double worst = 0;
    float prev = -1.0f;
    int neg = lo < 0.0f;
    uint32_t b0 = to_bits(neg ? -hi : lo), b1 = to_bits(neg ? -lo : hi);
    for (uint32_t b = b0; b <= b1; b += stride) {
        /* for negative ranges walk from lo upward: |x| shrinks as b falls */
        float x = neg ? -from_bits(b1 - (b - b0)) : from_bits(b);
        float got = f(x);
        double w = want(x);
        double err = fabs(got - w) / w;
        worst = err > worst ? err : worst;
        if (got < prev)
            (*decreasing)++;
        prev = got;
    }
    return worst;
}

static float exp2_f(float x) { return wm_fast_exp2(x); }
static double exp2_d(double x) { return exp2(x); }
static float db_to_lin_f(float x) { return wm_fast_db_to_lin(x); }
static double db_to_lin_d(double x) { return pow(10.0, x / 20.0); }

static void test_exp2(void)
{
    long long dec = 0;
    /* every float in [1, 2): all the fractions the polynomial sees there */
    double worst = sweep_relative(exp2_f, exp2_d, 1.0f, 1.9999999f, 1, &dec);
    /* dense sweeps across the whole clamp range, both signs */
    double w2 = sweep_relative(exp2_f, exp2_d, 1e-6f, 126.0f, 41, &dec);
    double w3 = sweep_relative(exp2_f, exp2_d, -126.0f, -1e-6f, 41, &dec);
    worst = fmax(worst, fmax(w2, w3));
    CHECK(worst <= 4e-6);
    CHECK_EQ_INT(dec, 0);
    printf("fastmath: exp2 worst relative error %.2e over [-126, 126]\n", worst);

    for (int i = -126; i <= 126; i++)
        CHECK(wm_fast_exp2((float)i) == ldexpf(1.0f, i));
    CHECK(wm_fast_exp2(-1000.0f) == ldexpf(1.0f, -126));
    CHECK(wm_fast_exp2(1000.0f) == ldexpf(1.0f, 126));
    CHECK(wm_fast_exp2(NAN) == ldexpf(1.0f, -126));
    CHECK(wm_fast_exp2(-INFINITY) == ldexpf(1.0f, -126));
    CHECK(wm_fast_exp2(INFINITY) == ldexpf(1.0f, 126));
}

static void test_db_to_lin(void)
{
    long long dec = 0;
    double worst = sweep_relative(db_to_lin_f, db_to_lin_d, 1e-6f, 60.0f, 16, &dec);
    worst = fmax(worst, sweep_relative(db_to_lin_f, db_to_lin_d, -120.0f, -1e-6f, 16, &dec));
    /* near 0 dB, down to the smallest normal floats */
    worst = fmax(worst, sweep_relative(db_to_lin_f, db_to_lin_d, FLT_MIN, 1e-6f, 4093, &dec));
    worst = fmax(worst, sweep_relative(db_to_lin_f, db_to_lin_d, -1e-6f, -FLT_MIN, 4093, &dec));
    CHECK(worst <= 5e-6);
    CHECK_EQ_INT(dec, 0);
    CHECK(wm_fast_db_to_lin(0.0f) == 1.0f);
    printf("fastmath: db_to_lin worst relative error %.2e (%.6f dB) over [-120, +60] dB\n", worst,
           20.0 * log10(1.0 + worst));
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_log2_every_float();
    test_log2_binade_edges();
    test_log2_whole_range();
    test_log2_edge_cases();
    test_exp2();
    test_db_to_lin();
    return check_finish("test_fastmath", seed);
}
