/* wm_math.c -- exp, log, sin and cos without tables (why: wm_math.h).

   Each reduces its argument in two steps against a constant split into a
   high part with trailing zero bits (so that n times it is exact) and the
   low remainder (W. J. Cody and W. Waite, "Software Manual for the
   Elementary Functions", 1980), then evaluates a Taylor polynomial on the
   reduced argument, long enough that the truncation is far below an ulp:
     exp:      x = k ln2 + r, |r| <= ln2 / 2, e^r to degree 13, times 2^k;
     log:      x = m 2^e, m in [sqrt(1/2), sqrt(2)), f = m - 1 (exact),
               s = f / (2 + f), ln m = 2 atanh s = 2 s (1 + s^2/3 + ...
               + s^20/21), evaluated as f - s (f - 2 s^2 (1/3 + ...)) so
               that the exact f carries the bulk;
     sin, cos: x = n pi/2 + r, |r| <= pi/4, to degree 17 and 18, and the
               quadrant n mod 4 picks the sign and which of the two.
   Written for wamix; MIT licence like the rest of the project. */
#include "wm_math.h"

#include <math.h>

/* ln 2 and pi/2, each as hi + lo; hi has 32 significant bits. */
#define LN2_HI 6.93147180369123816490e-01
#define LN2_LO 1.90821492927058770002e-10
#define PIO2_HI 1.57079632673412561417e+00
#define PIO2_LO 6.07710050650619224932e-11
#define INV_LN2 1.44269504088896338700
#define INV_PIO2 6.36619772367581382433e-01
#define SQRT_HALF 0.70710678118654752440

double wm_exp(double x)
{
    if (x != x)
        return x;
    if (x > 709.79)
        return HUGE_VAL;
    if (x < -745.2)
        return 0.0;
    double k = floor(x * INV_LN2 + 0.5);
    double r = (x - k * LN2_HI) - k * LN2_LO;
    double p = 1.0 / 6227020800.0; /* 1/13! */
    const double inv_fact[12] = {1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
                                 1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0,
                                 1.0 / 6.0, 0.5, 1.0}; /* 1/12! .. 1/1! */
    for (int i = 0; i < 12; i++)
        p = p * r + inv_fact[i];
    return scalbn(p * r + 1.0, (int)k);
}

double wm_log(double x)
{
    if (x != x || x == HUGE_VAL)
        return x;
    if (x <= 0.0)
        return x == 0.0 ? -HUGE_VAL : NAN;
    int e;
    double m = frexp(x, &e); /* [0.5, 1) */
    if (m < SQRT_HALF) {
        m *= 2.0;
        e--;
    }
    double f = m - 1.0, s = f / (2.0 + f), z = s * s; /* f exact */
    double p = 1.0 / 21.0;                              /* 1/3 + z/5 + ... + z^9/21 */
    for (int k = 19; k >= 3; k -= 2)
        p = p * z + 1.0 / k;
    /* 2 s (1 + z p) = f - s (f - 2 z p): the exact f carries the bulk */
    return e * LN2_HI + ((f - s * (f - 2.0 * z * p)) + e * LN2_LO);
}

/* sin r and cos r for |r| <= pi/4. */
static double sin_kernel(double r)
{
    double z = r * r, p = 1.0 / 355687428096000.0; /* 1/17! */
    const double c[7] = {-1.0 / 1307674368000.0, 1.0 / 6227020800.0, -1.0 / 39916800.0, 1.0 / 362880.0,
                         -1.0 / 5040.0, 1.0 / 120.0, -1.0 / 6.0}; /* -1/15! .. -1/3! */
    for (int i = 0; i < 7; i++)
        p = p * z + c[i];
    return r + r * z * p;
}

static double cos_kernel(double r)
{
    double z = r * r, p = 1.0 / 6402373705728000.0; /* 1/18! */
    const double c[8] = {-1.0 / 20922789888000.0, 1.0 / 87178291200.0, -1.0 / 479001600.0, 1.0 / 3628800.0,
                         -1.0 / 40320.0, 1.0 / 720.0, -1.0 / 24.0, 0.5}; /* -1/16! .. 1/2! (then subtracted) */
    for (int i = 0; i < 8; i++)
        p = p * z + c[i];
    return 1.0 - z * p;
}

/* Quadrant q of x (n mod 4) and the reduced argument. */
static double reduce(double x, int* q)
{
    double n = floor(x * INV_PIO2 + 0.5);
    *q = (int)(n - 4.0 * floor(n * 0.25));
    return (x - n * PIO2_HI) - n * PIO2_LO;
}

double wm_sin(double x)
{
    int q;
    double r = reduce(x, &q);
    double v = q & 1 ? cos_kernel(r) : sin_kernel(r);
    return q & 2 ? -v : v;
}

double wm_cos(double x)
{
    int q;
    double r = reduce(x, &q);
    double v = q & 1 ? sin_kernel(r) : cos_kernel(r);
    return (q + 1) & 2 ? -v : v;
}
