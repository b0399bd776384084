/* wm_biquad4.c -- four biquads in the four lanes of one vector.

   Algorithm: the transposed direct form II of wm_biquad.c, evaluated on
   wm_v4 values so that four independent recursions share each instruction
   (SIMD across channels: the usual way to hide the latency of an IIR's
   feedback loop, which cannot be vectorised along time). The run gathers
   each frame of the four planar lanes, filters it and scatters it in one
   loop; wm_eq instead packs a sub-block into frames with 4x4 transposes,
   runs its whole cascade over them and unpacks. Written for wamix; MIT
   licence like the rest of the project. */
#include "wm_biquad4.h"

wm_biquad4_coefs wm_biquad4_identity(void)
{
    wm_v4 zero = wm_v4_splat(0.0f);
    wm_biquad4_coefs c = {wm_v4_splat(1.0f), zero, zero, zero, zero};
    return c;
}

void wm_biquad4_coefs_set_lane(wm_biquad4_coefs* c, int lane, const wm_biquad_coefs* k)
{
    c->b0[lane] = k->b0;
    c->b1[lane] = k->b1;
    c->b2[lane] = k->b2;
    c->a1[lane] = k->a1;
    c->a2[lane] = k->a2;
}

wm_biquad_coefs wm_biquad4_coefs_lane(const wm_biquad4_coefs* c, int lane)
{
    wm_biquad_coefs k = {c->b0[lane], c->b1[lane], c->b2[lane], c->a1[lane], c->a2[lane]};
    return k;
}

/* All ones in the lanes whose exponent bits are all ones (NaN, +-Inf). */
static inline wm_v4i nonfinite_mask(wm_v4 v)
{
    return ((wm_v4i)v & 0x7f800000) == 0x7f800000;
}

/* A mask lane is -1 where set, so the count is minus the lane sum. */
static inline int mask_count(wm_v4i m) { return -(m[0] + m[1] + m[2] + m[3]); }

/* Where each lane reads and writes during one sub-block: NULL inputs read
   zeros and NULL outputs write to a scratch buffer, so that the per-frame
   loops never branch. */
typedef struct {
    const float* in[WM_BIQUAD4_LANES];
    float* out[WM_BIQUAD4_LANES];
    float zeros[WM_BIQUAD4_SUBBLOCK];
    float sink[WM_BIQUAD4_SUBBLOCK];
} lanes;

static void lanes_at(lanes* L, const float* const* in, float* const* out, int offset)
{
    for (int l = 0; l < WM_BIQUAD4_LANES; l++) {
        if (in)
            L->in[l] = in[l] ? in[l] + offset : L->zeros;
        if (out)
            L->out[l] = out[l] ? out[l] + offset : L->sink;
    }
}

/* Frame k of the four lanes, NaN and +-Inf replaced by 0 and counted in *bad. */
static inline wm_v4 gather(const lanes* L, int k, wm_v4i* bad)
{
    wm_v4 x = {L->in[0][k], L->in[1][k], L->in[2][k], L->in[3][k]};
    wm_v4i m = nonfinite_mask(x);
    *bad += m;
    return (wm_v4)((wm_v4i)x & ~m);
}

static inline void scatter(const lanes* L, int k, wm_v4 y)
{
    L->out[0][k] = y[0];
    L->out[1][k] = y[1];
    L->out[2][k] = y[2];
    L->out[3][k] = y[3];
}

/* Four frames of four lanes <-> four lanes of four frames: the same 4x4
   transpose both ways. */
static inline void transpose4(wm_v4 v[4])
{
    wm_v4 t0 = __builtin_shufflevector(v[0], v[1], 0, 4, 1, 5);
    wm_v4 t1 = __builtin_shufflevector(v[0], v[1], 2, 6, 3, 7);
    wm_v4 t2 = __builtin_shufflevector(v[2], v[3], 0, 4, 1, 5);
    wm_v4 t3 = __builtin_shufflevector(v[2], v[3], 2, 6, 3, 7);
    v[0] = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
    v[1] = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
    v[2] = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
    v[3] = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
}

int wm_biquad4_pack(const float* const* in, int offset, wm_v4* frames, int n)
{
    lanes L;
    memset(L.zeros, 0, sizeof L.zeros);
    lanes_at(&L, in, NULL, offset);
    wm_v4i bad = {0, 0, 0, 0};
    int k = 0;
    for (; k + 4 <= n; k += 4) {
        wm_v4 v[4];
        for (int l = 0; l < WM_BIQUAD4_LANES; l++)
            v[l] = wm_v4_load(L.in[l] + k);
        transpose4(v);
        for (int j = 0; j < 4; j++) {
            wm_v4i m = nonfinite_mask(v[j]);
            bad += m;
            frames[k + j] = (wm_v4)((wm_v4i)v[j] & ~m);
        }
    }
    for (; k < n; k++)
        frames[k] = gather(&L, k, &bad);
    return mask_count(bad);
}

void wm_biquad4_unpack(const wm_v4* frames, float* const* out, int offset, int n)
{
    lanes L;
    lanes_at(&L, NULL, out, offset);
    int k = 0;
    for (; k + 4 <= n; k += 4) {
        wm_v4 v[4] = {frames[k], frames[k + 1], frames[k + 2], frames[k + 3]};
        transpose4(v);
        for (int l = 0; l < WM_BIQUAD4_LANES; l++)
            wm_v4_store(L.out[l] + k, v[l]);
    }
    for (; k < n; k++)
        scatter(&L, k, frames[k]);
}

int wm_biquad4_settle(wm_v4 z[2])
{
    wm_v4i bad = nonfinite_mask(z[0]) | nonfinite_mask(z[1]);
    z[0] = wm_v4_flush((wm_v4)((wm_v4i)z[0] & ~bad), WM_DENORMAL_FLUSH);
    z[1] = wm_v4_flush((wm_v4)((wm_v4i)z[1] & ~bad), WM_DENORMAL_FLUSH);
    return mask_count(bad);
}

int wm_biquad4_init(wm_biquad4* f)
{
    if (!f)
        return WM_ERR_ARG;
    memset(f, 0, sizeof *f);
    f->c = wm_biquad4_identity();
    return WM_OK;
}

int wm_biquad4_set_lane(wm_biquad4* f, int lane, const wm_biquad_coefs* c)
{
    if (lane < 0 || lane >= WM_BIQUAD4_LANES || !c)
        return WM_ERR_ARG;
    if (!wm_is_finite(c->b0) || !wm_is_finite(c->b1) || !wm_is_finite(c->b2) || !wm_is_finite(c->a1) ||
        !wm_is_finite(c->a2))
        return WM_ERR_ARG;
    if (!(fabsf(c->a2) < 1.0f && fabsf(c->a1) < 1.0f + c->a2))
        return WM_ERR_ARG;
    wm_biquad4_coefs_set_lane(&f->c, lane, c);
    return WM_OK;
}

void wm_biquad4_reset(wm_biquad4* f)
{
    f->z[0] = f->z[1] = wm_v4_splat(0.0f);
    f->phase = 0;
}

/* The body of both runs; step == NULL is the fixed-coefficient run (the
   compiler makes one copy of each). Gathering, filtering and scattering in
   one loop lets the gathers hide under the latency of the recursion. */
static inline __attribute__((always_inline)) void run(wm_biquad4* f, const wm_biquad4_coefs* step,
                                                      const float* const* in, float* const* out, int n)
{
    lanes L;
    memset(L.zeros, 0, sizeof L.zeros);
    for (int i = 0; i < n;) {
        int len = WM_BIQUAD4_SUBBLOCK - f->phase;
        if (len > n - i)
            len = n - i;
        lanes_at(&L, in, out, i);
        wm_biquad4_coefs c = f->c; /* locals, so the compiler keeps them in registers */
        wm_v4 z[2] = {f->z[0], f->z[1]};
        wm_v4i bad = {0, 0, 0, 0};
        for (int k = 0; k < len; k++) {
            if (step)
                wm_biquad4_advance(&c, step);
            scatter(&L, k, wm_biquad4_tick(&c, gather(&L, k, &bad), z));
        }
        f->c = c;
        f->z[0] = z[0];
        f->z[1] = z[1];
        f->nonfinite += mask_count(bad);
        f->phase = (f->phase + len) % WM_BIQUAD4_SUBBLOCK;
        if (f->phase == 0)
            f->unstable_resets += wm_biquad4_settle(f->z);
        i += len;
    }
}

void wm_biquad4_run(wm_biquad4* f, const float* const* in, float* const* out, int n)
{
    run(f, NULL, in, out, n);
}

void wm_biquad4_run_ramp(wm_biquad4* f, const wm_biquad4_coefs* step, const float* const* in, float* const* out,
                         int n)
{
    run(f, step, in, out, n);
}
