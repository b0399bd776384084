/* test_ops.c -- the block operations of wm_ops. Every SIMD version must
   match its scalar twin bit for bit, and the twin must match a double
   precision reference written here. Both run for every size in SIZES, at
   pointer offsets 0..3 floats for inputs and outputs, with canaries around
   every output. They also run in place where allowed, and on clean and on
   hostile (NaN/Inf) input. After the sweep come the promised properties
   (crossfade ends and power, the NaN-blind peak, sanitise counts). Last, a
   throughput figure per op is printed, never asserted. */
#include <float.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "wm_ops.h"
#include "wm_simd.h" /* WM_SIMD_NAME, to label the figures */

#define EPS ((double)FLT_EPSILON)
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const int SIZES[] = {0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 64, 127, 128, 129, 1000, 4096 + 3};
enum { MAX_N = 4096 + 3, MAX_CH = 8, GUARD = 16, CAP = GUARD + 3 + MAX_CH * MAX_N + GUARD };
#define CANARY 1234.5f

/* ---- one call of an op, and its two versions behind one signature ---- */

/* Planar blocks hold n floats, interleaved ones n * channels. */
typedef struct {
    const float* in[MAX_CH];
    float* out[MAX_CH];
    float a, b; /* the op's scalar parameters, in the order of its signature */
    int channels, n;
    double value; /* what the op returned, if anything */
} call;

#define WRAP_VOID(op, args) \
    static void op##_simd(call* c) { wm_ops_##op args; } \
    static void op##_twin(call* c) { wm_ops_##op##_scalar args; }
#define WRAP_VALUE(op, args) \
    static void op##_simd(call* c) { c->value = wm_ops_##op args; } \
    static void op##_twin(call* c) { c->value = wm_ops_##op##_scalar args; }

WRAP_VOID(gain, (c->in[0], c->out[0], c->a, c->n))
WRAP_VOID(gain_ramp, (c->in[0], c->out[0], c->a, c->b, c->n))
WRAP_VOID(mix, (c->in[0], c->in[1], c->out[0], c->a, c->b, c->n))
WRAP_VOID(xfade, (c->in[0], c->in[1], c->out[0], c->n))
WRAP_VOID(xfade_power, (c->in[0], c->in[1], c->out[0], c->n))
WRAP_VOID(sum, (c->in[0], c->out[0], c->a, c->n))
WRAP_VALUE(peak, (c->in[0], c->n))
WRAP_VALUE(sanitize, (c->out[0], c->n))
WRAP_VOID(interleave2, (c->in[0], c->in[1], c->out[0], c->n))
WRAP_VOID(deinterleave2, (c->in[0], c->out[0], c->out[1], c->n))
WRAP_VOID(interleave, (c->in, c->out[0], c->channels, c->n))
WRAP_VOID(deinterleave, (c->in[0], c->out, c->channels, c->n))

/* ---- comparisons that say where they failed ---- */

static char where[128];     /* the op and case being run */
static double worst_in_eps; /* largest error seen, in units of EPS * scale */

static int same_bits(float a, float b) { return memcmp(&a, &b, sizeof a) == 0; }

/* Equal, or both NaN (NaN payloads may differ between two instructions). */
static int same_value(double a, double b) { return (a != a && b != b) || a == b; }

/* got within k * EPS * scale of the double reference; a non-finite
   reference must be matched in kind (NaN by NaN, Inf by the same Inf). */
static void near(int line, int i, float got, double want, double k, double scale)
{
    int ok;
    if (want != want)
        ok = got != got;
    else if (isinf(want))
        ok = got == want;
    else {
        double err = fabs(got - want);
        ok = err <= k * EPS * scale;
        if (scale > 0.0 && err / (EPS * scale) > worst_in_eps)
            worst_in_eps = err / (EPS * scale);
    }
    if (!ok)
        CHECK_REPORT("%s:%d: %s: [%d] = %.9g, expected %.9g +- %.3g\n", __FILE__, line, where, i, got,
                     want, k * EPS * scale);
}
#define NEAR(i, got, want, k, scale) near(__LINE__, (i), (got), (want), (k), (scale))

static void exact(int line, int i, float got, float want)
{
    if (!same_bits(got, want))
        CHECK_REPORT("%s:%d: %s: [%d] = %.9g, expected exactly %.9g\n", __FILE__, line, where, i, got, want);
}
#define EXACT(i, got, want) exact(__LINE__, (i), (got), (want))

/* ---- the references: the twin's result against double precision ----
   `before` holds what the outputs held before the call (sum's bus,
   sanitise's data). Tolerances count the float roundings on each path. */

static void check_gain(const call* c, const float* const* before)
{
    for (int i = 0; i < c->n; i++)
        NEAR(i, c->out[0][i], (double)c->in[0][i] * c->a, 0.5, fabs((double)c->in[0][i] * c->a));
}

static void check_gain_ramp(const call* c, const float* const* before)
{
    for (int i = 0; i < c->n; i++) {
        double x = c->in[0][i];
        NEAR(i, c->out[0][i], x * (c->a + (double)c->b * (i + 1)), 2.0,
             fabs(x) * (fabs(c->a) + fabs(c->b) * (i + 1)));
    }
}

static void check_mix(const call* c, const float* const* before)
{
    for (int i = 0; i < c->n; i++) {
        double p = (double)c->a * c->in[0][i], q = (double)c->b * c->in[1][i];
        NEAR(i, c->out[0][i], p + q, 1.0, fabs(p) + fabs(q));
    }
}

static void check_xfade(const call* c, const float* const* before)
{
    for (int i = 0; i < c->n; i++) {
        double t = (i + 1.0) / c->n, x1 = c->in[0][i], x2 = c->in[1][i];
        NEAR(i, c->out[0][i], (1.0 - t) * x1 + t * x2, 2.0, fabs(x1) + fabs(x2));
    }
}

static void check_xfade_power(const call* c, const float* const* before)
{
    for (int i = 0; i < c->n; i++) {
        double t = (i + 1.0) / c->n, u = 1.0 - t, r = 1.0 / sqrt(u * u + t * t);
        double x1 = c->in[0][i], x2 = c->in[1][i];
        NEAR(i, c->out[0][i], u * r * x1 + t * r * x2, 4.0, fabs(x1) + fabs(x2));
    }
}

static void check_sum(const call* c, const float* const* before)
{
    for (int i = 0; i < c->n; i++) {
        double y0 = before[0][i], p = (double)c->in[0][i] * c->a;
        NEAR(i, c->out[0][i], y0 + p, 1.0, fabs(y0) + fabs(p));
    }
}

static void check_peak(const call* c, const float* const* before)
{
    double peak = 0.0;
    for (int i = 0; i < c->n; i++) {
        double a = fabs((double)c->in[0][i]);
        if (a == a && a > peak)
            peak = a;
    }
    NEAR(-1, (float)c->value, peak, 0.0, 1.0);
}

static void check_sanitize(const call* c, const float* const* before)
{
    int bad = 0;
    for (int i = 0; i < c->n; i++) {
        int finite = isfinite(before[0][i]);
        bad += !finite;
        EXACT(i, c->out[0][i], finite ? before[0][i] : 0.0f);
    }
    NEAR(-1, (float)c->value, bad, 0.0, 1.0);
}

static void check_interleave2(const call* c, const float* const* before)
{
    for (int i = 0; i < c->n; i++) {
        EXACT(2 * i, c->out[0][2 * i], c->in[0][i]);
        EXACT(2 * i + 1, c->out[0][2 * i + 1], c->in[1][i]);
    }
}

static void check_deinterleave2(const call* c, const float* const* before)
{
    for (int i = 0; i < c->n; i++) {
        EXACT(i, c->out[0][i], c->in[0][2 * i]);
        EXACT(i, c->out[1][i], c->in[0][2 * i + 1]);
    }
}

static void check_interleave(const call* c, const float* const* before)
{
    for (int ch = 0; ch < c->channels; ch++)
        for (int i = 0; i < c->n; i++)
            EXACT(i * c->channels + ch, c->out[0][i * c->channels + ch], c->in[ch][i]);
}

static void check_deinterleave(const call* c, const float* const* before)
{
    for (int ch = 0; ch < c->channels; ch++)
        for (int i = 0; i < c->n; i++)
            EXACT(i, c->out[ch][i], c->in[0][i * c->channels + ch]);
}

/* ---- the op table ---- */

/* Gains that never cross zero, so Inf * gain is Inf in float and in double. */
static void ramp_params(call* c)
{
    c->a = 0.25f + 0.75f * (float)check_rand() / 4294967296.0f;
    c->b = c->a * 0.9f * check_noise() / (float)(c->n > 0 ? c->n : 1);
}

static void any_params(call* c)
{
    c->a = 2.0f * check_noise();
    c->b = 2.0f * check_noise();
}

enum { CH = -1 }; /* in a count of planes or floats per frame: one per channel */

typedef struct {
    const char* name;
    void (*simd)(call*);
    void (*twin)(call*);
    void (*check)(const call*, const float* const* before);
    void (*params)(call*);
    int ins, outs;           /* planes */
    int in_width, out_width; /* floats per frame in each plane */
    int min_ch, max_ch;
    unsigned in_place; /* bit k: out[0] may be in[k] */
} op;

#define OP(name, params, ins, outs, in_width, out_width, min_ch, max_ch, in_place) \
    {#name, name##_simd, name##_twin, check_##name, params, ins, outs, in_width, out_width, min_ch, max_ch, in_place}

static const op OPS[] = {
    OP(gain, any_params, 1, 1, 1, 1, 1, 1, 1u),
    OP(gain_ramp, ramp_params, 1, 1, 1, 1, 1, 1, 1u),
    OP(mix, any_params, 2, 1, 1, 1, 1, 1, 3u),
    OP(xfade, any_params, 2, 1, 1, 1, 1, 1, 3u),
    OP(xfade_power, any_params, 2, 1, 1, 1, 1, 1, 3u),
    OP(sum, any_params, 1, 1, 1, 1, 1, 1, 0u),
    OP(peak, any_params, 1, 0, 1, 1, 1, 1, 0u),
    OP(sanitize, any_params, 0, 1, 1, 1, 1, 1, 0u), /* its data is the output's prior content */
    OP(interleave2, any_params, 2, 1, 1, 2, 2, 2, 0u),
    OP(deinterleave2, any_params, 1, 2, 2, 1, 2, 2, 0u),
    OP(interleave, any_params, CH, 1, 1, CH, 1, MAX_CH, 0u),
    OP(deinterleave, any_params, 1, CH, CH, 1, 1, MAX_CH, 0u),
};

static int resolve(int count, int channels) { return count == CH ? channels : count; }

/* ---- guarded buffers ---- */

static float in_mem[MAX_CH][CAP], simd_mem[MAX_CH][CAP], twin_mem[MAX_CH][CAP], alias_mem[CAP];
static float in_copy[MAX_CH][MAX_CH * MAX_N], before_mem[MAX_CH][MAX_CH * MAX_N];

/* A window of len floats at offset off (0..3) inside mem, canaries on both sides. */
static float* place(float* mem, int off, int len)
{
    for (int i = 0; i < GUARD + off; i++)
        mem[i] = CANARY;
    for (int i = 0; i < GUARD; i++)
        mem[GUARD + off + len + i] = CANARY;
    return mem + GUARD + off;
}

static void check_canaries(const float* mem, const float* window, int len, const char* which)
{
    const float* end = window + len;
    for (const float* p = mem; p < window; p++)
        if (!same_bits(*p, CANARY))
            CHECK_REPORT("%s: %s: wrote %d floats before its output\n", where, which, (int)(window - p));
    for (const float* p = end; p < end + GUARD; p++)
        if (!same_bits(*p, CANARY))
            CHECK_REPORT("%s: %s: wrote at [%d], past its output\n", where, which, len + (int)(p - end));
}

static void fill(float* x, int len, int hostile)
{
    for (int i = 0; i < len; i++)
        x[i] = hostile ? check_hostile(1.0f) : check_noise();
}

/* ---- the sweep ---- */

/* Runs both versions of o on the same inputs at the given offsets, then
   compares them with each other and with the reference, and repeats the
   call in place for each input that may alias the output. */
static void run(const op* o, int n, int channels, int in_off, int out_off, int hostile)
{
    const int ins = resolve(o->ins, channels), outs = resolve(o->outs, channels);
    const int len = n > 0 ? n : 0;
    const int in_len = len * resolve(o->in_width, channels), out_len = len * resolve(o->out_width, channels);
    snprintf(where, sizeof where, "%s n=%d channels=%d offsets in %d out %d%s", o->name, n, channels, in_off,
             out_off, hostile ? " hostile" : "");

    call s = {.n = n, .channels = channels}, t;
    o->params(&s);
    for (int k = 0; k < ins; k++) {
        float* x = place(in_mem[k], (in_off + k) & 3, in_len);
        fill(x, in_len, hostile);
        memcpy(in_copy[k], x, sizeof(float) * in_len);
        s.in[k] = x;
    }
    t = s;
    const float* before[MAX_CH];
    for (int k = 0; k < outs; k++) {
        int off = (out_off + k) & 3;
        before[k] = before_mem[k];
        s.out[k] = place(simd_mem[k], off, out_len);
        t.out[k] = place(twin_mem[k], off, out_len);
        fill(before_mem[k], out_len, hostile);
        memcpy(s.out[k], before_mem[k], sizeof(float) * out_len);
        memcpy(t.out[k], before_mem[k], sizeof(float) * out_len);
    }

    o->simd(&s);
    o->twin(&t);

    for (int k = 0; k < ins; k++)
        CHECK(memcmp(s.in[k], in_copy[k], sizeof(float) * in_len) == 0);
    for (int k = 0; k < outs; k++) {
        check_canaries(simd_mem[k], s.out[k], out_len, "simd");
        check_canaries(twin_mem[k], t.out[k], out_len, "twin");
        for (int i = 0; i < out_len; i++)
            if (!same_value(s.out[k][i], t.out[k][i]))
                CHECK_REPORT("%s: out[%d][%d]: simd %.9g, twin %.9g\n", where, k, i, s.out[k][i], t.out[k][i]);
    }
    if (!same_value(s.value, t.value))
        CHECK_REPORT("%s: returned simd %.9g, twin %.9g\n", where, s.value, t.value);
    o->check(&t, before);

    for (int k = 0; k < ins; k++) {
        if (!(o->in_place >> k & 1))
            continue;
        call a = s;
        float* y = place(alias_mem, out_off, out_len);
        memcpy(y, in_copy[k], sizeof(float) * in_len);
        a.in[k] = a.out[0] = y;
        o->simd(&a);
        check_canaries(alias_mem, y, out_len, "simd in place");
        for (int i = 0; i < out_len; i++)
            if (!same_value(y[i], s.out[0][i]))
                CHECK_REPORT("%s: simd with out == in[%d]: [%d] = %.9g, out of place %.9g\n", where, k, i, y[i],
                             s.out[0][i]);
        memcpy(y, in_copy[k], sizeof(float) * in_len);
        a.out[0] = y;
        o->twin(&a);
        check_canaries(alias_mem, y, out_len, "twin in place");
        for (int i = 0; i < out_len; i++)
            if (!same_value(y[i], t.out[0][i]))
                CHECK_REPORT("%s: twin with out == in[%d]: [%d] = %.9g, out of place %.9g\n", where, k, i, y[i],
                             t.out[0][i]);
    }
}

static void test_sweep(void)
{
    for (int j = 0; j < COUNT(OPS); j++) {
        const op* o = &OPS[j];
        int cases = 0, failures = check_failures;
        worst_in_eps = 0.0;
        for (int hostile = 0; hostile <= 1; hostile++)
            for (int ch = o->min_ch; ch <= o->max_ch; ch++)
                for (int z = 0; z < COUNT(SIZES); z++)
                    for (int off = 0; off < 16; off++, cases++)
                        run(o, SIZES[z], ch, off & 3, off >> 2, hostile);
        run(o, -3, o->min_ch, 1, 2, 0); /* n < 0 does nothing */
        printf("%-13s %5d cases: %s, twin vs double: worst error %.2f eps x |terms|\n", o->name, cases,
               check_failures == failures ? "simd == twin" : "FAILED", worst_in_eps);
    }
}

/* ---- properties the header promises ---- */

static void test_xfade_laws(void)
{
    static float one[MAX_N], zero[MAX_N], a[MAX_N], b[MAX_N];
    for (int i = 0; i < MAX_N; i++)
        one[i] = 1.0f;
    double worst_power = 0.0, worst_sum = 0.0;
    for (int n = 1; n <= MAX_N; n += n < 300 ? 1 : 97) {
        snprintf(where, sizeof where, "xfade laws n=%d", n);
        /* equal gain: the gains are a line from (1 - 1/n, 1/n) to exactly (0, 1) */
        wm_ops_xfade(one, zero, a, n);
        wm_ops_xfade(zero, one, b, n);
        EXACT(n - 1, a[n - 1], 0.0f);
        EXACT(n - 1, b[n - 1], 1.0f);
        NEAR(0, b[0], 1.0 / n, 0.5, 1.0 / n);
        for (int i = 0; i < n; i++)
            worst_sum = fmax(worst_sum, fabs((double)a[i] + b[i] - 1.0));
        /* equal power: a^2 + b^2 = 1 throughout, -3.01 dB each at the midpoint */
        wm_ops_xfade_power(one, zero, a, n);
        wm_ops_xfade_power(zero, one, b, n);
        EXACT(n - 1, a[n - 1], 0.0f);
        EXACT(n - 1, b[n - 1], 1.0f);
        for (int i = 0; i < n; i++) {
            worst_power = fmax(worst_power, fabs((double)a[i] * a[i] + (double)b[i] * b[i] - 1.0));
            if (i > 0)
                CHECK(a[i] <= a[i - 1] && b[i] >= b[i - 1]);
        }
        if (n % 2 == 0) {
            EXACT(n / 2 - 1, a[n / 2 - 1], b[n / 2 - 1]);
            NEAR(n / 2 - 1, a[n / 2 - 1], sqrt(0.5), 1.0, 1.0);
        }
    }
    CHECK(worst_sum <= EPS);
    CHECK(worst_power <= 4.0 * EPS); /* a and b carry about 2 eps each (t, u, the sum of squares, sqrt, 1 / r) */
    printf("xfade: max |a + b - 1| = %.3g (equal gain), max |a^2 + b^2 - 1| = %.3g (equal power)\n", worst_sum,
           worst_power);

    /* Whatever x1 holds (finite), the last sample is x2 itself. */
    static float x1[MAX_N], x2[MAX_N], y[MAX_N];
    fill(x1, MAX_N, 0);
    fill(x2, MAX_N, 0);
    for (int n = 1; n <= 300; n++) {
        wm_ops_xfade(x1, x2, y, n);
        CHECK(y[n - 1] == x2[n - 1]);
        wm_ops_xfade_power(x1, x2, y, n);
        CHECK(y[n - 1] == x2[n - 1]);
    }
}

static void test_ramp_continues(void)
{
    static float one[MAX_N], y[MAX_N];
    for (int i = 0; i < MAX_N; i++)
        one[i] = 1.0f;
    for (int z = 1; z < COUNT(SIZES); z++) {
        int n = SIZES[z];
        float g0 = 0.8f, step = (0.1f - g0) / (float)n;
        snprintf(where, sizeof where, "gain_ramp continues n=%d", n);
        wm_ops_gain_ramp(one, y, g0, step, n);
        EXACT(n - 1, y[n - 1], g0 + step * (float)n); /* where the next block starts */
        NEAR(n - 1, y[n - 1], 0.1, 2.0, 1.0);
    }
}

static float from_bits(uint32_t bits)
{
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static void test_peak_skips_nan(void)
{
    const float nans[4] = {from_bits(0x7fc00000u), from_bits(0xffc00000u), from_bits(0x7f800001u),
                           from_bits(0xffffffffu)};
    float x[11];
    CHECK(wm_ops_peak(x, 0) == 0.0f && wm_ops_peak_scalar(x, 0) == 0.0f);
    for (int n = 1; n <= 11; n++) {
        for (int i = 0; i < n; i++)
            x[i] = nans[i % 4];
        CHECK(wm_ops_peak(x, n) == 0.0f && wm_ops_peak_scalar(x, n) == 0.0f); /* nothing but NaN */
        /* the largest at every position (every lane, and the tail), NaN and smaller values around it */
        for (int at = 0; at < n; at++) {
            for (int i = 0; i < n; i++)
                x[i] = i % 2 ? nans[i % 4] : -0.25f;
            x[at] = -0.75f;
            CHECK(wm_ops_peak(x, n) == 0.75f && wm_ops_peak_scalar(x, n) == 0.75f);
            x[at] = -INFINITY;
            CHECK(wm_ops_peak(x, n) == INFINITY && wm_ops_peak_scalar(x, n) == INFINITY);
        }
    }
}

static void test_sanitize_counts(void)
{
    const float finite[] = {0.5f, -0.0f, 1e-40f /* denormal */, FLT_MAX, -FLT_MAX, FLT_MIN};
    const float bad[] = {from_bits(0x7fc00000u), from_bits(0xffc00000u), INFINITY, -INFINITY,
                         from_bits(0x7f800001u), from_bits(0xffffffffu)};
    float x[13], y[13], want[13];
    for (int n = 0; n <= 13; n++) {
        snprintf(where, sizeof where, "sanitize n=%d", n);
        for (int round = 0; round < 50; round++) {
            int count = 0;
            for (int i = 0; i < n; i++) {
                uint32_t r = check_rand();
                int is_bad = (r & 3) == 0;
                count += is_bad;
                x[i] = y[i] = is_bad ? bad[(r >> 2) % 6] : finite[(r >> 2) % 6];
                want[i] = is_bad ? 0.0f : x[i];
            }
            CHECK_EQ_INT(wm_ops_sanitize(x, n), count);
            CHECK_EQ_INT(wm_ops_sanitize_scalar(y, n), count);
            for (int i = 0; i < n; i++) {
                EXACT(i, x[i], want[i]);
                EXACT(i, y[i], want[i]);
            }
        }
    }
}

/* ---- throughput (printed, not asserted) ---- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Msamples/s, the best of three runs of about 2^23 samples each. */
static double throughput(void (*version)(call*), call* c, int samples_per_call)
{
    const int reps = (1 << 23) / samples_per_call;
    double best = 0.0;
    for (int trial = 0; trial < 3; trial++) {
        double t0 = now_s();
        for (int r = 0; r < reps; r++)
            version(c);
        best = fmax(best, (double)reps * samples_per_call / (now_s() - t0) / 1e6);
    }
    return best;
}

static void bench(void)
{
    enum { BENCH_CH = 4, BENCH_N = 4096 };
    static float mem[2 * MAX_CH][BENCH_CH * BENCH_N] __attribute__((aligned(64)));
    const int sizes[2] = {128, BENCH_N};
    printf("throughput, %s build (Msamples/s of output; frames x channels for (de)interleave, "
           "%d channels for the N-channel ones):\n",
           WM_SIMD_NAME, BENCH_CH);
    for (int j = 0; j < COUNT(OPS); j++) {
        const op* o = &OPS[j];
        int channels = o->max_ch < BENCH_CH ? o->max_ch : BENCH_CH;
        for (int z = 0; z < 2; z++) {
            call c = {.a = 0.5f, .b = 1e-4f, .channels = channels, .n = sizes[z]};
            for (int k = 0; k < 2 * MAX_CH; k++)
                fill(mem[k], BENCH_CH * BENCH_N, 0);
            for (int k = 0; k < MAX_CH; k++) {
                c.in[k] = mem[k];
                c.out[k] = mem[MAX_CH + k];
            }
            int outs = resolve(o->outs, channels) * resolve(o->out_width, channels);
            int samples = c.n * (outs > 0 ? outs : 1);
            double simd = throughput(o->simd, &c, samples), twin = throughput(o->twin, &c, samples);
            printf("  %-13s n=%4d  simd %6.0f  scalar %6.0f  x%.1f\n", o->name, c.n, simd, twin, simd / twin);
        }
    }
}

int main(void)
{
    check_seed_from_env();
    const uint32_t seed = check_seed;
    test_sweep();
    test_xfade_laws();
    test_ramp_continues();
    test_peak_skips_nan();
    test_sanitize_counts();
    bench();
    return check_finish("test_ops", seed);
}
