/* wm_common.h -- error codes, unit conversions and numeric guards shared by
   every wamix module.

   Error convention: functions that can fail return an int, WM_OK (0) on
   success and a negative WM_ERR_* code otherwise. Audio-path functions
   (*_process) return void: everything that can fail is checked earlier. */
#ifndef WM_COMMON_H
#define WM_COMMON_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wm_math.h"

enum {
    WM_OK = 0,
    WM_ERR_ARG = -1,    /* argument invalid: NULL, NaN, negative size, ... */
    WM_ERR_NOMEM = -2,  /* the arena has no room left for this request */
    WM_ERR_RANGE = -3,  /* value out of its range: clamped and applied */
    WM_ERR_HANDLE = -4, /* unknown handle, or one already destroyed */
    WM_ERR_PARAM = -5,  /* unknown parameter id */
    WM_ERR_LIMIT = -6,  /* a fixed limit reached (engines, sample slots, events) */
    WM_ERR_FULL = -7    /* the sample pool has no room for this sample */
};

/* A short English sentence for an error code; never NULL. */
const char* wm_strerror(int err);

#define WM_MAX_CHANNELS 2

/* Set-up and configuration code (init, design, setters): compiled for
   size, since it runs per command rather than per sample. */
#if defined(__clang__)
#define WM_COLD __attribute__((cold, minsize))
#else
#define WM_COLD __attribute__((cold))
#endif
#define WM_SILENCE_DB (-120.0f) /* what meters report for digital silence */

static inline float wm_db_to_lin(float db) { return (float)wm_pow10(0.05 * db); }

/* Decibels with a floor, so silence is WM_SILENCE_DB and never -inf or NaN. */
static inline float wm_lin_to_db(float lin)
{
    const float floor_lin = 1e-6f; /* 10^(WM_SILENCE_DB / 20) */
    return lin > floor_lin ? 20.0f * (float)wm_log10(lin) : WM_SILENCE_DB;
}

/* Tests the exponent bits rather than calling isfinite(), so the check
   survives -ffast-math. */
static inline int wm_is_finite(float x)
{
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    return (bits & 0x7f800000u) != 0x7f800000u;
}

static inline float wm_clampf(float x, float lo, float hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

/* The rule every parameter setter follows: NaN is rejected (WM_ERR_ARG,
   *value untouched, the caller keeps its old setting); anything else is
   clamped into [lo, hi] and applied, with WM_ERR_RANGE if it had to be. */
static inline int wm_check_range(float* value, float lo, float hi)
{
    if (*value != *value)
        return WM_ERR_ARG;
    float clamped = wm_clampf(*value, lo, hi);
    int err = clamped == *value ? WM_OK : WM_ERR_RANGE;
    *value = clamped;
    return err;
}

/* One row of a parameter table (the engine's, a strip's, the mixer's):
   the tables are X-macros, mirrored by js/params.js and checked by tests. */
typedef struct {
    const char* name;
    float min, max, def;
    const char* unit;
    int stepped; /* whole numbers only (types, switches, counts) */
} wm_param_info;

/* wm_check_range for a table's parameter, rounding stepped ones: NaN is
   WM_ERR_ARG (*value untouched); a value clamped or rounded is applied and
   reported as WM_ERR_RANGE. */
static inline int wm_param_check(const wm_param_info* info, float* value)
{
    int err = wm_check_range(value, info->min, info->max);
    if (err != WM_ERR_ARG && info->stepped && roundf(*value) != *value) {
        *value = roundf(*value);
        err = WM_ERR_RANGE;
    }
    return err;
}

/* The first step of every table setter: wm_param_check against the row,
   or WM_ERR_PARAM when there is none (an unknown id). */
static inline int wm_param_accept(const wm_param_info* info, float* value)
{
    return info ? wm_param_check(info, value) : WM_ERR_PARAM;
}

/* True for the results of wm_param_accept that leave the value unapplied. */
static inline int wm_param_refused(int err) { return err == WM_ERR_ARG || err == WM_ERR_PARAM; }

/* Filter state below this magnitude is flushed to zero at block ends, so
   decaying tails never reach the denormal range (WASM has no FTZ mode). */
#define WM_DENORMAL_FLUSH 1e-15f
static inline float wm_flush_denormal(float x)
{
    return fabsf(x) < WM_DENORMAL_FLUSH ? 0.0f : x;
}

/* x^n for n >= 0, by repeated squaring (log2 n multiplies, no libm). */
static inline float wm_powi(float x, int n)
{
    float r = 1.0f;
    for (; n > 0; n >>= 1, x *= x)
        if (n & 1)
            r *= x;
    return r;
}

/* A one-pole average y <- keep * y + (1 - keep) * v moved on by n >= 0
   samples at once, v's mean over them standing in for the samples:
   y + (1 - keep^n) * (mean - y). Exact for a constant v; otherwise the
   weights of the samples, keep^(n-1-i) (1 - keep), are replaced by their
   mean, an error that vanishes as (1 - keep) n does (block meters). */
static inline float wm_one_pole_block(float y, float keep, float mean, int n)
{
    return y + (1.0f - wm_powi(keep, n)) * (mean - y);
}

#endif
