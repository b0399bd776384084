/* test_math.c -- wm_exp, wm_log, wm_sin, wm_cos against the C library in
   ulps of the library's result (which glibc rounds within an ulp): random
   arguments over each function's whole range and densely over the ranges
   wamix uses, and the special values. */
#include <float.h>

#include "check.h"
#include "wm_math.h"

/* |a - b| in units of the last place of b (the spacing of doubles at b). */
static double ulps(double a, double b)
{
    if (a == b)
        return 0.0;
    double spacing = nextafter(fabs(b), INFINITY) - fabs(b);
    if (b == 0.0)
        spacing = DBL_TRUE_MIN;
    return fabs(a - b) / spacing;
}

static double uniform(double lo, double hi) { return lo + (hi - lo) * ((double)check_rand() / 4294967296.0); }

typedef double (*fn)(double);

/* Worst ulps of ours against the library at `count` random points of [lo, hi). */
static double worst(fn ours, fn libm, double lo, double hi, int count)
{
    double w = 0.0;
    for (int i = 0; i < count; i++) {
        double x = uniform(lo, hi);
        double u = ulps(ours(x), libm(x));
        w = u > w ? u : w;
    }
    return w;
}

/* sin and cos near their zeros are compared in absolute terms: there the
   result is the rounding of x - n pi/2, and both libraries are exact only
   to the spacing of x. */
static double worst_abs(fn ours, fn libm, double lo, double hi, int count)
{
    double w = 0.0;
    for (int i = 0; i < count; i++) {
        double x = uniform(lo, hi);
        double d = fabs(ours(x) - libm(x));
        w = d > w ? d : w;
    }
    return w;
}

static double log_of_wide(double e) { return exp2(e); }

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    enum { N = 400000 };
    double e_all = worst(wm_exp, exp, -745.0, 709.7, N), e_near = worst(wm_exp, exp, -20.0, 20.0, N);
    double l_near = worst(wm_log, log, 1e-6, 1e6, N), l_one = worst(wm_log, log, 0.5, 2.0, N);
    double l_wide = 0.0; /* every binade, subnormals included */
    for (int i = 0; i < N; i++) {
        double x = log_of_wide(uniform(-1074.0, 1023.9));
        double u = ulps(wm_log(x), log(x));
        l_wide = u > l_wide ? u : l_wide;
    }
    double s_turn = worst(wm_sin, sin, -4.0 * M_PI, 4.0 * M_PI, N), c_turn = worst(wm_cos, cos, -4.0 * M_PI, 4.0 * M_PI, N);
    double s_far = worst_abs(wm_sin, sin, -1048576.0, 1048576.0, N), c_far = worst_abs(wm_cos, cos, -1048576.0, 1048576.0, N);
    printf("math: worst ulps against libm: exp %.2f (all of [-745, 709.7]) %.2f ([-20, 20]); log %.2f ([1e-6, 1e6]) "
           "%.2f ([0.5, 2]) %.2f (every binade); sin %.2f, cos %.2f (|x| <= 4 pi); |x| <= 2^20 absolute error "
           "sin %.1e, cos %.1e\n",
           e_all, e_near, l_near, l_one, l_wide, s_turn, c_turn, s_far, c_far);
    CHECK(e_all <= 2.0 && e_near <= 2.0);
    CHECK(l_near <= 2.0 && l_one <= 2.0 && l_wide <= 2.0);
    CHECK(s_turn <= 2.0 && c_turn <= 2.0);
    CHECK(s_far <= 1e-15 && c_far <= 1e-15);

    /* Exact points and special values. */
    CHECK(wm_exp(0.0) == 1.0 && wm_log(1.0) == 0.0 && wm_sin(0.0) == 0.0 && wm_cos(0.0) == 1.0);
    CHECK(wm_sin(M_PI / 2.0) == 1.0 && wm_cos(M_PI) == -1.0);
    CHECK(wm_exp(710.0) == INFINITY && wm_exp(-746.0) == 0.0 && wm_exp(INFINITY) == INFINITY && wm_exp(-INFINITY) == 0.0);
    CHECK(wm_log(0.0) == -INFINITY && wm_log(INFINITY) == INFINITY && isnan(wm_log(-1.0)));
    CHECK(isnan(wm_exp(NAN)) && isnan(wm_log(NAN)) && isnan(wm_sin(NAN)) && isnan(wm_cos(INFINITY)));
    CHECK(ulps(wm_log(DBL_TRUE_MIN), log(DBL_TRUE_MIN)) <= 2.0 && ulps(wm_exp(-744.0), exp(-744.0)) <= 2.0);
    CHECK(ulps(wm_pow10(-3.0), 1e-3) <= 4.0 && ulps(wm_log10(1000.0), 3.0) <= 4.0);
    CHECK(ulps(wm_tan(0.3), tan(0.3)) <= 4.0 && ulps(wm_pow_pos(2.0, 0.5), sqrt(2.0)) <= 4.0);
    return check_finish("test_math", seed);
}
