/* wm_biquad4.h -- four independent biquads side by side, one per lane of a
   wm_v4: four channels, or four mono tracks, filtered in one pass.

   Each lane has its own coefficients and its own state. The arithmetic is
   wm_biquad_run's (transposed direct form II), operation for operation, so
   on finite input a lane's output is bit-identical to wm_biquad_run with the
   same coefficients. Why: one biquad is bound by the latency of its
   recursion; four recursions in one vector run in about the time of one.

   I/O is planar: in[0..3] and out[0..3], each pointer to the lane's own
   samples. A NULL input lane is silence; a NULL output lane is not written;
   in[l] == out[l] (in place) is allowed. */
#ifndef WM_BIQUAD4_H
#define WM_BIQUAD4_H

#include "wm_biquad.h"
#include "wm_simd.h"

#define WM_BIQUAD4_LANES 4
/* The state is checked and denormals flushed every this many frames of the
   filter's own clock (so any block split gives the same output). */
#define WM_BIQUAD4_SUBBLOCK 32

/* Lane l of each vector is lane l's coefficient (a0 normalised to 1). */
typedef struct {
    wm_v4 b0, b1, b2, a1, a2;
} wm_biquad4_coefs;

typedef struct {
    wm_biquad4_coefs c;
    wm_v4 z[2];          /* TDF-II state, lane by lane */
    int phase;           /* frames into the current sub-block */
    int nonfinite;       /* input samples that were NaN or +-Inf, replaced by 0 */
    int unstable_resets; /* lanes whose state overflowed and was cleared */
} wm_biquad4;

/* ---- Building blocks, shared with wm_eq. Realtime: safe. Thread: any. ---- */

/* Identity in every lane (b0 = 1, the rest 0). */
wm_biquad4_coefs wm_biquad4_identity(void);

/* Writes / reads lane `lane` (0..3, not checked) of a coefficient set. */
void wm_biquad4_coefs_set_lane(wm_biquad4_coefs* c, int lane, const wm_biquad_coefs* k);
wm_biquad_coefs wm_biquad4_coefs_lane(const wm_biquad4_coefs* c, int lane);

/* One TDF-II step of all four lanes: returns y, advances z. */
static inline wm_v4 wm_biquad4_tick(const wm_biquad4_coefs* c, wm_v4 x, wm_v4 z[2])
{
    wm_v4 y = c->b0 * x + z[0];
    z[0] = c->b1 * x - c->a1 * y + z[1];
    z[1] = c->b2 * x - c->a2 * y;
    return y;
}

/* c += step, coefficient by coefficient (one sample of a linear ramp). */
static inline void wm_biquad4_advance(wm_biquad4_coefs* c, const wm_biquad4_coefs* step)
{
    c->b0 += step->b0;
    c->b1 += step->b1;
    c->b2 += step->b2;
    c->a1 += step->a1;
    c->a2 += step->a2;
}

/* Gathers frames [offset, offset + n) of the four planar lanes into
   frames[0..n) (frames[i][l] = in[l][offset + i]; NULL lanes read 0),
   replacing NaN and +-Inf by 0. Returns how many samples were replaced.
   0 <= n <= WM_BIQUAD4_SUBBLOCK. */
int wm_biquad4_pack(const float* const* in, int offset, wm_v4* frames, int n);

/* Scatters frames[0..n) to out[l][offset + i]; NULL lanes are skipped.
   0 <= n <= WM_BIQUAD4_SUBBLOCK. */
void wm_biquad4_unpack(const wm_v4* frames, float* const* out, int offset, int n);

/* Flushes state below WM_DENORMAL_FLUSH to zero and clears lanes whose
   state is no longer finite; returns how many lanes were cleared. */
int wm_biquad4_settle(wm_v4 z[2]);

/* ---- The filter ---- */

/* Identity coefficients in every lane, zero state, zero counters.
   Returns WM_ERR_ARG if f is NULL. Thread: any (before use). */
int wm_biquad4_init(wm_biquad4* f);

/* Sets lane `lane`'s coefficients, keeping its state (like
   wm_biquad_set_coefs). Rejects with WM_ERR_ARG, changing nothing: a lane
   outside 0..3, a coefficient that is not finite, or poles on or outside
   the unit circle (outside the (a1, a2) stability triangle).
   Realtime: safe. Thread: the thread that runs f. */
int wm_biquad4_set_lane(wm_biquad4* f, int lane, const wm_biquad_coefs* c);

/* Clears the state of all four lanes and the sub-block clock; keeps the
   coefficients and the counters. Realtime: safe. Thread: the thread that runs f. */
void wm_biquad4_reset(wm_biquad4* f);

/* Filters n >= 0 frames of the four lanes with fixed coefficients.
   Non-finite input is replaced by 0 and counted in f->nonfinite.
   Realtime: safe (no allocation, no locks). Thread: one thread per instance. */
void wm_biquad4_run(wm_biquad4* f, const float* const* in, float* const* out, int n);

/* Like wm_biquad4_run while the coefficients move linearly: before each
   frame f->c += *step (the ramp of wm_biquad_run_ramp, lane by lane). The
   caller sizes the ramp and lands it (a straight line between two stable
   biquads stays stable: the (a1, a2) stability triangle is convex).
   Realtime: safe. Thread: one thread per instance. */
void wm_biquad4_run_ramp(wm_biquad4* f, const wm_biquad4_coefs* step, const float* const* in, float* const* out,
                         int n);

#endif
