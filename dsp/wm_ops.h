/* wm_ops.h -- stateless operations over float blocks: gain, gain ramp,
   mix, crossfades, bus summing, peak, sanitising and (de)interleaving.

   Every operation comes twice. wm_ops_<op> runs four samples per step with
   wm_v4 (WASM SIMD128, SSE natively, plain scalar code in a build with
   neither). wm_ops_<op>_scalar, its twin in the same build, runs one sample
   per step: it is the reference that tests compare the SIMD version with,
   and the baseline for benchmarks. The two return bit-identical results
   (NaN payloads aside), because no operation reorders its arithmetic. One
   condition: the compiler must not fuse a * b + c into an FMA in one
   version and not in the other. WASM and default x86-64 have no FMA; with
   -mfma or -march=native, GCC's default -ffp-contract=fast could break
   the equality (the test still passed with -march=native here).

   Common shape: input blocks, output blocks, scalar parameters, then n,
   so a benchmark can wrap every op in the same loop. n is the number of
   samples per channel (frames). Any n works, not only multiples of 4, and
   n <= 0 does nothing. Pointers need no alignment beyond float's. Outputs
   must not overlap inputs, except where a function allows an exact alias
   (y == x). NaN and Inf pass through the arithmetic like any value
   (0 * Inf is NaN), so sanitise first where that matters. */
#ifndef WM_OPS_H
#define WM_OPS_H

/* y[i] = x[i] * g.
   x, y: n samples; y == x allowed. Any n >= 0, any alignment.
   Realtime: safe. */
void wm_ops_gain(const float* x, float* y, float g, int n);
void wm_ops_gain_scalar(const float* x, float* y, float g, int n);

/* y[i] = x[i] * (g0 + step * (i + 1)): a linear gain ramp. The first
   sample gets one step past g0 and the last gets g0 + step * n. Each
   sample's gain is computed from its index in float, never accumulated,
   so the last gain is exactly g0 + step * (float)n, and a caller that
   carries on from that value joins without a step.
   x, y: n samples; y == x allowed. Any n >= 0, any alignment.
   Realtime: safe. */
void wm_ops_gain_ramp(const float* x, float* y, float g0, float step, int n);
void wm_ops_gain_ramp_scalar(const float* x, float* y, float g0, float step, int n);

/* y[i] = a * x1[i] + b * x2[i].
   x1, x2, y: n samples; y == x1 or y == x2 allowed. Any n >= 0, any
   alignment. Realtime: safe. */
void wm_ops_mix(const float* x1, const float* x2, float* y, float a, float b, int n);
void wm_ops_mix_scalar(const float* x1, const float* x2, float* y, float a, float b, int n);

/* A linear (equal-gain) crossfade from x1 to x2 over the block:
   y[i] = (1 - t) * x1[i] + t * x2[i] with t = (i + 1) / n. The last
   sample is exactly x2; the first already holds 1/n of x2.
   x1, x2, y: n samples; y == x1 or y == x2 allowed. Any n >= 0, any
   alignment. Realtime: safe. */
void wm_ops_xfade(const float* x1, const float* x2, float* y, int n);
void wm_ops_xfade_scalar(const float* x1, const float* x2, float* y, int n);

/* An equal-power crossfade from x1 to x2 over the block, with the same t:
   y[i] = a * x1[i] + b * x2[i], (a, b) = (1 - t, t) / sqrt((1 - t)^2 + t^2).
   a^2 + b^2 = 1 at every sample (to rounding), a = b = -3.01 dB at the
   midpoint, and the last sample is exactly x2. This is the linear fade
   renormalised to unit power, not the sin/cos law, so no sine is needed.
   The two laws agree at both ends and at the midpoint. Elsewhere a gain
   differs by up to 0.067: the incoming side starts with slope 1, not pi/2.
   x1, x2, y: n samples; y == x1 or y == x2 allowed. Any n >= 0, any
   alignment. Realtime: safe. */
void wm_ops_xfade_power(const float* x1, const float* x2, float* y, int n);
void wm_ops_xfade_power_scalar(const float* x1, const float* x2, float* y, int n);

/* y[i] += x[i] * g: sums one source into a bus.
   x, y: n samples; y must not overlap x. Any n >= 0, any alignment.
   Realtime: safe. */
void wm_ops_sum(const float* x, float* y, float g, int n);
void wm_ops_sum_scalar(const float* x, float* y, float g, int n);

/* Returns max |x[i]|, or 0 for an empty block. NaN samples are skipped,
   as if absent, so a block of nothing but NaN reads 0. +-Inf counts: a
   block holding one returns +Inf.
   x: n samples. Any n >= 0, any alignment. Realtime: safe. */
float wm_ops_peak(const float* x, int n);
float wm_ops_peak_scalar(const float* x, int n);

/* Replaces NaN and +-Inf by +0 in place and returns how many it replaced.
   Every finite value, denormals and -0 included, is left bit for bit.
   x: n samples. Any n >= 0, any alignment. Realtime: safe. */
int wm_ops_sanitize(float* x, int n);
int wm_ops_sanitize_scalar(float* x, int n);

/* Two planar channels to one interleaved block: y[2i] = l[i], y[2i+1] = r[i].
   l, r: n samples; y: 2n. No overlap. Any n >= 0, any alignment.
   Realtime: safe. */
void wm_ops_interleave2(const float* l, const float* r, float* y, int n);
void wm_ops_interleave2_scalar(const float* l, const float* r, float* y, int n);

/* One interleaved stereo block to two planar channels:
   l[i] = x[2i], r[i] = x[2i+1].
   x: 2n samples; l, r: n. No overlap. Any n >= 0, any alignment.
   Realtime: safe. */
void wm_ops_deinterleave2(const float* x, float* l, float* r, int n);
void wm_ops_deinterleave2_scalar(const float* x, float* l, float* r, int n);

/* Planar channels to one interleaved block: y[i * channels + c] = ch[c][i].
   ch: `channels` blocks of n samples; y: n * channels. No overlap.
   channels >= 1, any count (tested up to 8); channels < 1 does nothing.
   Two channels take the SIMD path of wm_ops_interleave2. Other counts
   run the scalar loop in both versions. Any n >= 0, any alignment.
   Realtime: safe. */
void wm_ops_interleave(const float* const* ch, float* y, int channels, int n);
void wm_ops_interleave_scalar(const float* const* ch, float* y, int channels, int n);

/* The inverse: ch[c][i] = x[i * channels + c]. Same rules as above. */
void wm_ops_deinterleave(const float* x, float* const* ch, int channels, int n);
void wm_ops_deinterleave_scalar(const float* x, float* const* ch, int channels, int n);

#endif
