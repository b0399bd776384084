/* wm_math.h -- exp, log, sin and cos in double precision, without tables,
   for every transcendental function wamix evaluates (filter design,
   automation curves, windows, twiddles, level conversions).

   Why not libm: its exp, log, pow, sin and cos (double and float) carry
   lookup tables and a large-argument reduction that cost the audio module
   about 8 KB of its 48 KB gzip budget (measured: a module calling pow,
   exp, log, sin, cos, tan and log10 is 9.1 KB gzip, one without them
   0.2 KB). wamix calls them off the per-sample path and on arguments of
   modest size, where a two-step reduction and a short polynomial are as
   accurate (within 2 ulp of the exact result: tests/c/test_math.c).

   Domain: wm_exp any x (overflow to +Inf above 709.78, 0 below -745.13);
   wm_log any x (-Inf at 0, NaN below 0); wm_sin, wm_cos within 2 ulp for
   |x| <= 2^20 (beyond that the reduction loses accuracy; NaN for Inf).
   NaN in, NaN out. Realtime: safe (no allocation, no errno, no tables).
   Thread: any. */
#ifndef WM_MATH_H
#define WM_MATH_H

#define WM_LN10 2.302585092994045684

double wm_exp(double x);
double wm_log(double x);
double wm_sin(double x);
double wm_cos(double x);

/* Derived forms, as wamix uses them. */
static inline double wm_tan(double x) { return wm_sin(x) / wm_cos(x); }
static inline double wm_pow10(double x) { return wm_exp(x * WM_LN10); }
static inline double wm_log10(double x) { return wm_log(x) * (1.0 / WM_LN10); }
/* a^b for a > 0 (wamix raises ratios of frequencies and Qs). */
static inline double wm_pow_pos(double a, double b) { return wm_exp(b * wm_log(a)); }

#endif
