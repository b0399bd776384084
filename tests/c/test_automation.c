/* test_automation.c -- the AudioParam timeline against the Web Audio spec's
   formulas evaluated here in double, and against an independent reference
   timeline (the spec's rules applied literally, slowly, at every frame).

   Error measure everywhere: |out - ref| / max(|ref|, 1e-6), i.e. relative,
   turning absolute (1e-12) for values within 1e-6 of zero. Bound: 1e-6. */
#include <time.h>

#include "check.h"
#include "wm_automation.h"

#define TOL 1e-6
static double worst_formula, worst_reference;

static double rel_err(double out, double ref) { return fabs(out - ref) / fmax(fabs(ref), 1e-6); }

static void note(double* worst, double e)
{
    if (e > *worst)
        *worst = e;
}

/* One arena per timeline: tests build many. */
static unsigned char arena_mem[1 << 20];
static wm_arena arena;

static void make(wm_automation* a, float def, float lo, float hi, int capacity, int slots, int points)
{
    wm_automation_config c = wm_automation_config_init(def, lo, hi);
    c.capacity = capacity;
    c.curve_slots = slots;
    c.curve_points = points;
    wm_arena_init(&arena, arena_mem, sizeof arena_mem);
    CHECK(wm_automation_init(a, &arena, &c) == WM_OK);
    CHECK(arena.used <= wm_automation_memory_size(&c));
}

/* Renders [0, n) in blocks of `block` frames. */
static void render_all(wm_automation* a, float* out, int n, int block)
{
    for (int f = 0; f < n; f += block)
        wm_automation_process(a, f, n - f < block ? n - f : block, out + f);
}

typedef double (*formula)(double t, const double* p);

/* Frames [from, to) of out (out[i] is frame i) against f(t, p); returns
   the worst error. */
static double check_formula(const float* out, int from, int to, formula f, const double* p)
{
    double worst = 0;
    for (int i = from; i < to; i++) {
        double want = f(i, p), e = rel_err(out[i], want);
        note(&worst, e);
        if (!(e <= TOL)) {
            CHECK_REPORT("%s:%d: frame %d = %.9g, formula %.9g\n", __FILE__, __LINE__, i, out[i], want);
            break;
        }
    }
    note(&worst_formula, worst);
    return worst;
}

/* p: T0, V0, T1, V1 (tau at p[4] for setTarget) */
static double lin(double t, const double* p) { return p[1] + (p[3] - p[1]) * (t - p[0]) / (p[2] - p[0]); }
static double expo(double t, const double* p) { return p[1] * pow(p[3] / p[1], (t - p[0]) / (p[2] - p[0])); }
static double target(double t, const double* p) { return p[3] + (p[1] - p[3]) * exp(-(t - p[0]) / p[4]); }
static double constant(double t, const double* p) { return p[3] + 0.0 * t; }

static void test_formulas(void)
{
    enum { N = 24000 };
    static float out[N];
    wm_automation a;
    /* setValue at fractional times takes effect at the first frame at or after. */
    make(&a, 0.25f, -10, 10, 16, 0, 0);
    CHECK(wm_automation_set_value_at(&a, 100.0, 1.5f) == WM_OK);
    CHECK(wm_automation_set_value_at(&a, 200.5, -2.0f) == WM_OK);
    render_all(&a, out, 400, 128);
    CHECK(out[99] == 0.25f && out[100] == 1.5f && out[200] == 1.5f && out[201] == -2.0f && out[399] == -2.0f);

    /* Linear ramp with fractional ends, then held at V1. */
    make(&a, 0, -10, 10, 16, 0, 0);
    wm_automation_set_value_at(&a, 1000.25, 3.0f);
    wm_automation_linear_ramp_to(&a, 20000.75, -4.0f);
    render_all(&a, out, N, 128);
    double pl[4] = {1000.25, 3.0, 20000.75, -4.0}, pc[4] = {0, 0, 0, -4.0};
    check_formula(out, 1001, 20001, lin, pl);
    check_formula(out, 20001, N, constant, pc);
    CHECK(out[1000] == 0.0f);

    /* Exponential ramps, positive and negative. */
    for (int sign = 1; sign >= -1; sign -= 2) {
        make(&a, 0, -1e5f, 1e5f, 16, 0, 0);
        wm_automation_set_value_at(&a, 10.0, sign * 20.0f);
        wm_automation_exponential_ramp_to(&a, 22000.5, sign * 20000.0f);
        render_all(&a, out, N, 128);
        double pe[4] = {10.0, sign * 20.0, 22000.5, sign * 20000.0}, pk[4] = {0, 0, 0, sign * 20000.0};
        check_formula(out, 10, 22001, expo, pe);
        check_formula(out, 22001, N, constant, pk);
    }

    /* setTarget, then set to the target when settled (within 2^-26). */
    make(&a, 1.0f, -10, 10, 16, 0, 0);
    wm_automation_set_target_at(&a, 50.5, 0.125f, 900.0);
    render_all(&a, out, N, 128);
    double pt[5] = {50.5, 1.0, 0, 0.125, 900.0};
    check_formula(out, 51, N, target, pt);
    CHECK(out[50] == 1.0f && out[N - 1] == 0.125f);

    /* Curve: linear interpolation of the points over the duration, then the
       last point; a ramp after it starts at its end. */
    static const float pts[5] = {0.0f, 1.0f, -0.5f, 0.25f, 2.0f};
    make(&a, 0.5f, -10, 10, 16, 2, 8);
    CHECK(wm_automation_set_value_curve_at(&a, 300.5, 1000.0, pts, 5) == WM_OK);
    CHECK(wm_automation_linear_ramp_to(&a, 3000.0, -1.0f) == WM_OK);
    render_all(&a, out, 4000, 128);
    CHECK(out[300] == 0.5f && out[3999] == -1.0f);
    for (int i = 301; i < 1301; i++) {
        double x = (i - 300.5) * 4 / 1000.0;
        int k = (int)floor(x);
        double want = pts[k] + (pts[k + 1] - pts[k]) * (x - k);
        note(&worst_formula, rel_err(out[i], want));
        CHECK(rel_err(out[i], want) <= TOL);
    }
    double pr[4] = {1300.5, 2.0, 3000.0, -1.0};
    check_formula(out, 1301, 3000, lin, pr);
}

/* Long segments: the recurrence between anchors does not drift. */
static void test_long_segments(void)
{
    enum { N = 4800000 }; /* 100 s at 48 kHz */
    static float out[N];
    wm_automation a;
    make(&a, 0, 0, 1e6f, 16, 0, 0);
    wm_automation_set_value_at(&a, 0, 1e-3f);
    wm_automation_exponential_ramp_to(&a, N - 0.5, 1e5f);
    render_all(&a, out, N, 128);
    double pe[4] = {0, (double)1e-3f, N - 0.5, 1e5};
    double we = check_formula(out, 0, N, expo, pe);

    make(&a, 5.0f, -1e6f, 1e6f, 16, 0, 0);
    wm_automation_set_target_at(&a, 0, -3.0f, N / 12.0);
    render_all(&a, out, N, 128);
    double pt[5] = {0, 5.0, 0, -3.0, N / 12.0};
    double wt = check_formula(out, 0, N, target, pt);
    printf("100 s segments: exponential ramp worst error %.3g, setTarget %.3g\n", we, wt);
}

/* The same timeline in any block split gives bit-identical values, a ramp
   starting inside a block starts at its frame, and k-rate == a-rate. */
static void build_mixed(wm_automation* a)
{
    static const float pts[4] = {0.3f, 0.9f, 0.1f, 0.6f};
    make(a, 0.2f, -5, 5, 32, 1, 4);
    wm_automation_set_value_at(a, 77, 0.5f);
    wm_automation_linear_ramp_to(a, 1000, 1.0f);
    wm_automation_exponential_ramp_to(a, 5000.3, 0.01f);
    wm_automation_set_target_at(a, 6001, 0.8f, 700);
    wm_automation_set_value_curve_at(a, 9000, 2000, pts, 4);
    wm_automation_exponential_ramp_to(a, 14000, 3.0f);
    wm_automation_set_target_at(a, 15000, 0.0f, 50);
}

static void test_block_splits(void)
{
    enum { N = 20000 };
    static float whole[N], split[N];
    wm_automation a, b;
    build_mixed(&a);
    float kr[N / 100];
    for (int i = 0; i < N / 100; i++)
        kr[i] = wm_automation_value_at(&a, i * 100);
    wm_automation_process(&a, 0, N, whole);
    for (int i = 0; i < N / 100; i++)
        CHECK(kr[i] == whole[i * 100]);
    CHECK(whole[76] == 0.2f && whole[77] == 0.5f && whole[78] > 0.5f); /* the ramp starts at 77 */
    CHECK(whole[14999] > 2.9f && whole[19999] == 0.0f);
    static const int sizes[] = {1, 2, 3, 21, 127, 128, 129, 300};
    for (int trial = 0; trial < 12; trial++) {
        build_mixed(&b);
        for (int f = 0; f < N;) {
            int n = trial < 8 ? sizes[trial] : 1 + (int)(check_rand() % 400);
            if (n > N - f)
                n = N - f;
            wm_automation_process(&b, f, n, split + f);
            f += n;
        }
        CHECK(memcmp(whole, split, sizeof whole) == 0);
    }
}

static void test_ramps_after_set_target(void)
{
    enum { N = 6000 };
    static float out[N];
    wm_automation a;
    /* Not started: the ramp replaces the setTarget, from its start value. */
    make(&a, 2.0f, -10, 10, 16, 0, 0);
    wm_automation_set_target_at(&a, 1000, 0.0f, 300);
    wm_automation_linear_ramp_to(&a, 3000, 4.0f);
    render_all(&a, out, N, 128);
    double p1[4] = {1000, 2.0, 3000, 4.0};
    check_formula(out, 1000, 3000, lin, p1);

    /* Started: from the current time and the setTarget's value there; the
       output stays continuous. */
    make(&a, 2.0f, -10, 10, 16, 0, 0);
    wm_automation_set_target_at(&a, 1000, 0.0f, 300);
    render_all(&a, out, 1536, 128); /* now = 1536 */
    CHECK(wm_automation_exponential_ramp_to(&a, 4000, 3.0f) == WM_OK);
    for (int f = 1536; f < N; f += 128)
        wm_automation_process(&a, f, 128 < N - f ? 128 : N - f, out + f);
    double v0 = 2.0 * exp(-(1536 - 1000) / 300.0);
    double pt[5] = {1000, 2.0, 0, 0.0, 300}, pe[4] = {1536, v0, 4000, 3.0};
    check_formula(out, 1000, 1536, target, pt);
    check_formula(out, 1536, 4000, expo, pe);
    CHECK(rel_err(out[1536], out[1535]) < 0.004); /* one frame of decay */
}

static void test_cancel(void)
{
    enum { N = 4000 };
    static float out[N];
    wm_automation a;
    static const float pts[3] = {1, 3, 2};
    /* cancelScheduledValues mid-ramp: the value before the ramp comes back. */
    make(&a, 0, -10, 10, 16, 1, 3);
    wm_automation_set_value_at(&a, 0, 1.0f);
    wm_automation_linear_ramp_to(&a, 2000, 5.0f);
    render_all(&a, out, 1024, 128);
    CHECK(wm_automation_cancel_scheduled_values(&a, 0) == WM_OK); /* clamped to now */
    wm_automation_process(&a, 1024, 128, out);
    CHECK(out[0] == 1.0f && out[127] == 1.0f);
    /* A curve whose span contains the cancel time goes, with its end value. */
    CHECK(wm_automation_set_value_curve_at(&a, 1500, 1000, pts, 3) == WM_OK);
    CHECK(wm_automation_cancel_scheduled_values(&a, 2500) == WM_OK);
    CHECK(a.count == 1 && wm_automation_value_at(&a, 3000) == 1.0f);

    /* cancelAndHold mid linear, mid exponential, mid setTarget, mid curve:
       the value the original timeline had at the hold time, then constant. */
    for (int kind = 0; kind < 4; kind++) {
        make(&a, 0, -10, 10, 16, 1, 3);
        wm_automation_set_value_at(&a, 0, 1.0f);
        if (kind == 0)
            wm_automation_linear_ramp_to(&a, 2000, 5.0f);
        else if (kind == 1)
            wm_automation_exponential_ramp_to(&a, 2000, 5.0f);
        else if (kind == 2)
            wm_automation_set_target_at(&a, 100, 5.0f, 500);
        else
            wm_automation_set_value_curve_at(&a, 100, 2000, pts, 3);
        wm_automation_set_value_at(&a, 2500, -1.0f);
        render_all(&a, out, 1024, 128);
        CHECK(wm_automation_cancel_and_hold_at(&a, 1300.5) == WM_OK);
        for (int f = 1024; f < N; f += 128)
            wm_automation_process(&a, f, 128 < N - f ? 128 : N - f, out + f);
        double t = 1300.5, want = kind == 0 ? 1.0 + 4.0 * t / 2000
                              : kind == 1 ? pow(5.0, t / 2000)
                              : kind == 2 ? 5.0 - 4.0 * exp(-(t - 100) / 500)
                              : 4.0 - (t - 100) / 1000;
        double pk[4] = {0, 0, 0, want};
        check_formula(out, 1301, N, constant, pk);
        CHECK(out[1299] != out[1300]); /* still moving before */
        /* New automation starts from the held value. */
        CHECK(wm_automation_linear_ramp_to(&a, 5000, 0.0f) == WM_OK);
        double pl[4] = {1300.5, want, 5000, 0.0};
        float v = wm_automation_value_at(&a, 4500);
        CHECK(rel_err(v, lin(4500, pl)) <= TOL);
    }
}

static void test_validation(void)
{
    wm_automation a;
    static const float pts[3] = {1, 2, 3}, bad[3] = {1, NAN, 3};
    make(&a, 1, -10, 10, 8, 1, 3);
    CHECK(wm_automation_exponential_ramp_to(&a, 100, 0.0f) == WM_ERR_ARG);
    CHECK(wm_automation_exponential_ramp_to(&a, 100, -0.0f) == WM_ERR_ARG);
    CHECK(wm_automation_set_value_at(&a, -1, 1) == WM_ERR_ARG);
    CHECK(wm_automation_set_value_at(&a, NAN, 1) == WM_ERR_ARG);
    CHECK(wm_automation_set_value_at(&a, INFINITY, 1) == WM_ERR_ARG);
    CHECK(wm_automation_set_value_at(&a, 10, NAN) == WM_ERR_ARG);
    CHECK(wm_automation_linear_ramp_to(&a, 10, INFINITY) == WM_ERR_ARG);
    CHECK(wm_automation_set_target_at(&a, 10, 1, -1) == WM_ERR_ARG);
    CHECK(wm_automation_set_target_at(&a, 10, 1, NAN) == WM_ERR_ARG);
    CHECK(wm_automation_set_value_curve_at(&a, 10, 100, pts, 1) == WM_ERR_ARG);
    CHECK(wm_automation_set_value_curve_at(&a, 10, 0, pts, 3) == WM_ERR_ARG);
    CHECK(wm_automation_set_value_curve_at(&a, 10, 100, bad, 3) == WM_ERR_ARG);
    CHECK(wm_automation_cancel_scheduled_values(&a, -1) == WM_ERR_ARG);
    CHECK(wm_automation_cancel_and_hold_at(&a, NAN) == WM_ERR_ARG);
    CHECK(a.count == 0 && wm_automation_value_at(&a, 0) == 1.0f);
    /* Curves: no events inside (T, T+D), nothing at [T, T+D). */
    CHECK(wm_automation_set_value_at(&a, 50, 2) == WM_OK);
    CHECK(wm_automation_set_value_curve_at(&a, 10, 100, pts, 3) == WM_ERR_ARG);
    CHECK(wm_automation_set_value_curve_at(&a, 50, 100, pts, 3) == WM_OK); /* at an event: fine */
    CHECK(wm_automation_set_value_at(&a, 50, 1) == WM_ERR_ARG);
    CHECK(wm_automation_linear_ramp_to(&a, 149.9, 1) == WM_ERR_ARG);
    CHECK(wm_automation_set_value_at(&a, 150, 1) == WM_OK); /* at its end: fine */
    CHECK(wm_automation_set_value_curve_at(&a, 200, 100, pts, 3) == WM_ERR_LIMIT); /* one slot */
    CHECK(wm_automation_set_value_curve_at(&a, 10, 30, pts, 3) == WM_ERR_LIMIT);
    static const float four[4] = {1, 2, 3, 4};
    make(&a, 1, -10, 10, 8, 2, 3);
    CHECK(wm_automation_set_value_curve_at(&a, 100, 100, pts, 3) == WM_OK);
    CHECK(wm_automation_set_value_curve_at(&a, 200, 10, four, 4) == WM_ERR_LIMIT); /* too long */
    CHECK(wm_automation_set_value_curve_at(&a, 50, 60, pts, 3) == WM_ERR_ARG);     /* over a curve */
    CHECK(wm_automation_set_value_curve_at(&a, 50, 50, pts, 3) == WM_ERR_ARG);     /* ends at one */
    /* Exponential ramps from 0 or across 0 hold, then jump (spec rule). */
    enum { N = 512 };
    float out[N];
    for (int from_zero = 0; from_zero < 2; from_zero++) {
        make(&a, 0, -10, 10, 8, 0, 0);
        wm_automation_set_value_at(&a, 0, from_zero ? 0.0f : -2.0f);
        CHECK(wm_automation_exponential_ramp_to(&a, 300, 3.0f) == WM_OK);
        render_all(&a, out, N, 128);
        CHECK(out[0] == out[299] && out[299] == (from_zero ? 0.0f : -2.0f) && out[300] == 3.0f);
    }
    /* Init. */
    wm_automation_config c = wm_automation_config_init(0, 1, -1);
    CHECK(wm_automation_memory_size(&c) == 0 && wm_automation_init(&a, &arena, &c) == WM_ERR_ARG);
    c = wm_automation_config_init(0, -1, 1);
    c.curve_slots = 4;
    c.curve_points = 1000;
    unsigned char small[1000];
    wm_arena tiny;
    wm_arena_init(&tiny, small, sizeof small);
    CHECK(wm_automation_init(&a, &tiny, &c) == WM_ERR_NOMEM && tiny.used == 0);
}

static void test_past_and_clamp(void)
{
    enum { N = 4096 };
    static float out[N];
    wm_automation a;
    make(&a, 0, -10, 10, 16, 0, 0);
    wm_automation_set_value_at(&a, 0, 1.0f);
    render_all(&a, out, 1024, 128); /* now = 1024 */
    /* In the past: clamped to now. */
    CHECK(wm_automation_set_value_at(&a, 10, 2.0f) == WM_OK);
    CHECK(wm_automation_value_at(&a, 1024) == 2.0f);
    /* A ramp whose previous event is in the past starts from it: mid-ramp. */
    CHECK(wm_automation_linear_ramp_to(&a, 3024, 4.0f) == WM_OK);
    wm_automation_process(&a, 1024, 1024, out + 1024);
    double p[4] = {1024, 2.0, 3024, 4.0};
    check_formula(out, 1024, 2048, lin, p); /* previous event at 1024 (clamped) */
    make(&a, 0, -10, 10, 16, 0, 0);
    wm_automation_set_value_at(&a, 0, 1.0f);
    wm_automation_process(&a, 0, 1000, out);
    CHECK(wm_automation_linear_ramp_to(&a, 2000, 3.0f) == WM_OK);
    wm_automation_process(&a, 1000, 500, out + 1000);
    double q[4] = {0, 1.0, 2000, 3.0};
    check_formula(out, 1000, 1500, lin, q); /* from the past event: mid-ramp */
    /* A ramp ending in the past ends now. */
    CHECK(wm_automation_linear_ramp_to(&a, 10, -3.0f) == WM_OK);
    CHECK(wm_automation_value_at(&a, 1500) == -3.0f);
    /* No event before a ramp: it starts from the current value, now. */
    make(&a, 0.5f, -10, 10, 16, 0, 0);
    wm_automation_process(&a, 0, 256, out);
    CHECK(wm_automation_linear_ramp_to(&a, 1256, 1.5f) == WM_OK);
    wm_automation_process(&a, 256, 1024, out + 256);
    double r[4] = {256, 0.5, 1256, 1.5};
    check_formula(out, 256, 1256, lin, r);

    /* The spec's clamping example: nominal [0, 1], 0 -> 4 -> 0 over 2 s:
       the automation runs unclamped, only the output is clamped. */
    make(&a, 0, 0, 1, 16, 0, 0);
    wm_automation_set_value_at(&a, 0, 0);
    wm_automation_linear_ramp_to(&a, 1000, 4);
    wm_automation_linear_ramp_to(&a, 2000, 0);
    render_all(&a, out, N, 128);
    CHECK(out[125] == 0.5f && out[250] == 1.0f && out[1749] == 1.0f && out[1875] == 0.5f);
    CHECK(out[2000] == 0.0f);
}

static void test_capacity(void)
{
    enum { CAP = 4 };
    wm_automation a;
    make(&a, 0, -10, 10, CAP, 0, 0);
    for (int i = 0; i < CAP; i++)
        CHECK(wm_automation_set_value_at(&a, 100 * (i + 1), (float)i) == WM_OK);
    CHECK(wm_automation_set_value_at(&a, 1000, 9) == WM_ERR_LIMIT);
    CHECK(wm_automation_set_target_at(&a, 1000, 9, 10) == WM_ERR_LIMIT);
    CHECK(a.count == CAP && wm_automation_value_at(&a, 5000) == 3.0f);
    CHECK(wm_automation_set_value_at(&a, 400, 7) == WM_OK); /* same time as a set: replaces */
    float out[256];
    wm_automation_process(&a, 0, 256, out); /* events at 100 and 200 now past */
    CHECK(a.count == CAP - 1);
    CHECK(wm_automation_set_value_at(&a, 1000, 9) == WM_OK);
    CHECK(wm_automation_value_at(&a, 999) == 7.0f && wm_automation_value_at(&a, 1000) == 9.0f);
    /* Reset: back to the default, empty, frame 0. */
    wm_automation_reset(&a);
    CHECK(a.count == 0 && a.now == 0 && wm_automation_value_at(&a, 10) == 0.0f);
}

/* Hours of continuous automation with 8 slots: never full while the
   pending events (at or after now) fit in 7. */
static void test_long_session(void)
{
    enum { CAP = 8, BLOCK = 128 };
    const int64_t frames = (int64_t)48000 * 3600 * 3; /* 3 hours */
    wm_automation a;
    make(&a, 1, 0, 100, CAP, 0, 0);
    double pending[CAP];
    int npending = 0;
    long inserts = 0, refused = 0;
    float out[BLOCK], lo = 1e30f, hi = -1e30f;
    for (int64_t f = 0; f < frames; f += BLOCK) {
        int kept = 0;
        for (int i = 0; i < npending; i++)
            if (pending[i] >= (double)f)
                pending[kept++] = pending[i];
        npending = kept;
        if (npending < CAP - 1 && check_rand() % 16 == 0) {
            double t = (double)f + (check_rand() % 4800000) / 100.0; /* within 1 s */
            float v = 0.5f + (float)(check_rand() % 1000) / 20.0f;
            int kind = (int)(check_rand() % 4), err;
            err = kind == 0 ? wm_automation_set_value_at(&a, t, v)
                : kind == 1 ? wm_automation_linear_ramp_to(&a, t, v)
                : kind == 2 ? wm_automation_exponential_ramp_to(&a, t, v)
                : wm_automation_set_target_at(&a, t, v, 2000);
            refused += err != WM_OK;
            pending[npending++] = t;
            inserts++;
        }
        wm_automation_process(&a, f, BLOCK, out);
        lo = fminf(lo, out[0]);
        hi = fmaxf(hi, out[BLOCK - 1]);
    }
    CHECK(refused == 0);
    CHECK(lo >= 0.5f && hi <= 50.5f);
    printf("3 h of automation at 48 kHz, capacity %d: %ld inserts, %ld refused\n", CAP, inserts, refused);
}

static float wild_value(void)
{
    uint32_t bits = check_rand();
    float v;
    memcpy(&v, &bits, sizeof v);
    return v; /* any float: NaN and Inf too, about 1 in 256 */
}

static double wild_time(double now)
{
    uint32_t r = check_rand() % 16;
    if (r == 0)
        return check_rand() % 2 ? NAN : -1.0;
    double mag = pow(10.0, -320.0 + (check_rand() % 34000) / 100.0);
    return r < 4 ? mag : now + (r < 8 ? mag : (double)(check_rand() % 3000));
}

/* Extreme but legal arguments and garbage, over jumps in time: every value
   stays finite and in range, whatever is accepted. */
static void test_hostile(void)
{
    wm_automation a;
    static float out[300], curve[16];
    make(&a, 0, -3e38f, 3e38f, 64, 4, 16);
    long accepted = 0, bad = 0;
    int64_t f = 0;
    for (int round = 0; round < 4000; round++) {
        for (int k = 0; k < 4; k++) {
            double t = wild_time((double)f), d = wild_time(0);
            for (int i = 0; i < 16; i++)
                curve[i] = wild_value();
            switch (check_rand() % 7) {
            case 0: accepted += wm_automation_set_value_at(&a, t, wild_value()) == WM_OK; break;
            case 1: accepted += wm_automation_linear_ramp_to(&a, t, wild_value()) == WM_OK; break;
            case 2: accepted += wm_automation_exponential_ramp_to(&a, t, wild_value()) == WM_OK; break;
            case 3: accepted += wm_automation_set_target_at(&a, t, wild_value(), d) == WM_OK; break;
            case 4: accepted += wm_automation_set_value_curve_at(&a, t, d, curve, 2 + round % 15) == WM_OK; break;
            case 5: accepted += wm_automation_cancel_and_hold_at(&a, t) == WM_OK; break;
            default: accepted += wm_automation_cancel_scheduled_values(&a, t) == WM_OK; break;
            }
        }
        int n = 1 + (int)(check_rand() % 300);
        wm_automation_process(&a, f, n, out);
        for (int i = 0; i < n; i++)
            bad += !wm_is_finite(out[i]) || out[i] < -3e38f || out[i] > 3e38f;
        f += n + (check_rand() % 8 == 0 ? (int64_t)check_rand() << (check_rand() % 24) : 0);
    }
    CHECK_EQ_INT(bad, 0);
    CHECK(accepted > 1000);
}

/* ---- The reference: the spec's rules taken literally, evaluated from the
   whole list (nothing dropped) at every frame. ---- */
enum { R_SET, R_LIN, R_EXP, R_TARGET, R_CURVE };
typedef struct {
    int type, n;
    double time, value, tau, dur, cut, inserted_now; /* cut: where a curve stops */
    const float* curve;
} ref_event;
typedef struct {
    ref_event ev[512];
    int count;
    double now, def, lo, hi;
} ref_timeline;

static double ref_own(const ref_timeline* r, int i, double t);

static double ref_curve(const ref_event* e, double t)
{
    if (t >= e->time + e->dur)
        return e->curve[e->n - 1];
    double x = (e->n - 1) / e->dur * (t - e->time);
    int k = (int)floor(x);
    if (k >= e->n - 1)
        return e->curve[e->n - 1];
    return e->curve[k] + ((double)e->curve[k + 1] - e->curve[k]) * (x - k);
}

static double ref_own(const ref_timeline* r, int i, double t)
{
    const ref_event* e = &r->ev[i];
    if (e->type == R_TARGET) {
        double v0 = i > 0 ? ref_own(r, i - 1, e->time) : r->def;
        return e->tau == 0 ? e->value : e->value + (v0 - e->value) * exp(-(t - e->time) / e->tau);
    }
    if (e->type == R_CURVE)
        return ref_curve(e, t < e->cut ? t : e->cut);
    return e->value;
}

static int ref_is_ramp(const ref_event* e) { return e->type == R_LIN || e->type == R_EXP; }

/* A ramp runs from the previous event; after a setTarget, from where that
   stood when the two met; after a curve, from the curve's end. */
static double ref_ramp(const ref_timeline* r, int j, double t, double* start)
{
    const ref_event *p = &r->ev[j - 1], *e = &r->ev[j];
    double t0 = p->type == R_TARGET ? fmax(p->time, e->inserted_now) : p->type == R_CURVE ? p->cut : p->time;
    double v0 = ref_own(r, j - 1, t0), x = (t - t0) / (e->time - t0);
    *start = t0;
    if (e->type == R_LIN)
        return v0 + (e->value - v0) * x;
    if (v0 == 0 || (v0 > 0) != (e->value > 0))
        return v0;
    return v0 * pow(e->value / v0, x);
}

static double ref_value(const ref_timeline* r, double t)
{
    int i = -1;
    while (i + 1 < r->count && r->ev[i + 1].time <= t)
        i++;
    if (i + 1 < r->count && ref_is_ramp(&r->ev[i + 1])) {
        double t0, v = ref_ramp(r, i + 1, t, &t0);
        if (t >= t0)
            return v;
    }
    return i < 0 ? r->def : ref_own(r, i, t);
}

static int ref_in_curve(const ref_timeline* r, double t)
{
    for (int i = 0; i < r->count; i++)
        if (r->ev[i].type == R_CURVE && r->ev[i].time <= t && t < r->ev[i].cut)
            return 1;
    return 0;
}

static void ref_put(ref_timeline* r, ref_event e)
{
    int at = 0;
    while (at < r->count && r->ev[at].time <= e.time)
        at++;
    memmove(&r->ev[at + 1], &r->ev[at], (size_t)(r->count - at) * sizeof e);
    e.inserted_now = r->now;
    r->ev[at] = e;
    r->count++;
}

/* Returns WM_OK or WM_ERR_ARG, as the spec would accept or throw. */
static int ref_insert(ref_timeline* r, int type, double time, double value, double tau, const float* curve, int n,
                      double dur)
{
    if (!(time >= 0 && isfinite(time)) || !isfinite(value) || (type == R_EXP && value == 0) ||
        (type == R_TARGET && !(tau >= 0)))
        return WM_ERR_ARG;
    ref_event e = {type, n, fmax(time, r->now), value, tau, dur, 0, 0, curve};
    if (ref_in_curve(r, e.time))
        return WM_ERR_ARG;
    if (type == R_CURVE) {
        e.cut = e.time + dur;
        if (ref_in_curve(r, e.cut))
            return WM_ERR_ARG;
        for (int i = 0; i < r->count; i++)
            if (r->ev[i].time > e.time && r->ev[i].time < e.cut)
                return WM_ERR_ARG;
    }
    int first = 1;
    for (int i = 0; i < r->count; i++)
        first &= r->ev[i].time > e.time;
    if ((type == R_LIN || type == R_EXP) && first)
        ref_put(r, (ref_event){R_SET, 0, r->now, ref_value(r, r->now), 0, 0, 0, 0, NULL});
    ref_put(r, e);
    if (type == R_CURVE)
        ref_put(r, (ref_event){R_SET, 0, e.cut, curve[n - 1], 0, 0, 0, 0, NULL});
    return WM_OK;
}

static void ref_cancel(ref_timeline* r, double t)
{
    t = fmax(t, r->now);
    int keep = 0;
    for (int i = 0; i < r->count; i++) {
        const ref_event* e = &r->ev[i];
        if (e->time < t && !(e->type == R_CURVE && t <= e->cut))
            r->ev[keep++] = *e;
    }
    r->count = keep;
}

/* The spec's algorithm, step by step. */
static void ref_cancel_and_hold(ref_timeline* r, double tc)
{
    tc = fmax(tc, r->now);
    int e1 = -1, e2 = -1;
    for (int i = 0; i < r->count; i++) {
        if (r->ev[i].time <= tc)
            e1 = i;
        else if (e2 < 0)
            e2 = i;
    }
    double t0 = 0, v = 0;
    if (e2 >= 0 && ref_is_ramp(&r->ev[e2]))
        v = ref_ramp(r, e2, tc, &t0);
    if (e2 >= 0 && ref_is_ramp(&r->ev[e2]) && tc >= t0) {
        r->ev[e2].time = tc;
        r->ev[e2].value = v;
    } else if (e1 >= 0 && r->ev[e1].type == R_TARGET) {
        ref_put(r, (ref_event){R_SET, 0, tc, ref_own(r, e1, tc), 0, 0, 0, 0, NULL});
    } else if (e1 >= 0 && r->ev[e1].type == R_CURVE && tc < r->ev[e1].cut) {
        r->ev[e1].cut = tc;
    }
    while (r->count > 0 && r->ev[r->count - 1].time > tc)
        r->count--;
}

static float curve_pool[8][64];
static int curve_len[8];

/* One random operation on both timelines; returns 1 when mine refused it
   for room (the reference then forgets it too). grid > 0 snaps times to
   its multiples: many events at equal times and at exactly now. */
static int random_op(wm_automation* a, ref_timeline* r, double grid, long* mismatched)
{
    static ref_timeline saved;
    saved = *r;
    uint32_t op = check_rand() % 100;
    double t = r->now + (double)(check_rand() % 24000) - 4000.0; /* a sixth in the past */
    if (grid > 0)
        t = grid * floor(t / grid);
    else if (check_rand() % 2)
        t += (check_rand() % 1000) / 1000.0;
    if (t < 0)
        t = check_rand() % 4 ? 0 : -1; /* -1: invalid */
    float v = 2.5f * check_noise();
    double tau = check_rand() % 8 == 0 ? 0.0 : (double)(check_rand() % 3000);
    double dur = grid > 0 ? grid * (1 + check_rand() % 8) : 1.0 + check_rand() % 6000;
    int c = (int)(check_rand() % 8), mine, ref;
    if (op < 20) {
        mine = wm_automation_set_value_at(a, t, v);
        ref = ref_insert(r, R_SET, t, v, 0, NULL, 0, 0);
    } else if (op < 38) {
        mine = wm_automation_linear_ramp_to(a, t, v);
        ref = ref_insert(r, R_LIN, t, v, 0, NULL, 0, 0);
    } else if (op < 56) {
        mine = wm_automation_exponential_ramp_to(a, t, v);
        ref = ref_insert(r, R_EXP, t, v, 0, NULL, 0, 0);
    } else if (op < 72) {
        mine = wm_automation_set_target_at(a, t, v, tau);
        ref = ref_insert(r, R_TARGET, t, v, tau, NULL, 0, 0);
    } else if (op < 82) {
        mine = wm_automation_set_value_curve_at(a, t, dur, curve_pool[c], curve_len[c]);
        ref = ref_insert(r, R_CURVE, t, 0, 0, curve_pool[c], curve_len[c], dur);
    } else if (op < 95) {
        int hold = op >= 88;
        mine = hold ? wm_automation_cancel_and_hold_at(a, t) : wm_automation_cancel_scheduled_values(a, t);
        ref = t < 0 ? WM_ERR_ARG : WM_OK;
        if (ref == WM_OK && hold)
            ref_cancel_and_hold(r, t);
        else if (ref == WM_OK)
            ref_cancel(r, t);
    } else {
        mine = wm_automation_set_value(a, v);
        ref = ref_insert(r, R_SET, r->now, v, 0, NULL, 0, 0);
    }
    if (mine == WM_ERR_LIMIT) {
        *r = saved;
        return 1;
    }
    *mismatched += mine != ref;
    return 0;
}

/* Random events, cancels and block sizes; every frame compared with the
   reference. Episodes of 60000 frames keep the reference's list short;
   every other one has its times on a grid of 250 frames. */
static void test_random_vs_reference(uint32_t seed)
{
    static ref_timeline r;
    static float out[512];
    long frames = 0, ops = 0, limited = 0, mismatched = 0;
    for (int episode = 0; episode < 40 && !check_failures; episode++) {
        wm_automation a;
        make(&a, 0.5f, -3.0f, 3.0f, 128, 4, 64);
        memset(&r, 0, sizeof r);
        r.def = 0.5;
        r.lo = -3.0;
        r.hi = 3.0;
        for (int c = 0; c < 8; c++) {
            curve_len[c] = 2 + (int)(check_rand() % 63);
            for (int k = 0; k < curve_len[c]; k++)
                curve_pool[c][k] = 4.0f * check_noise();
        }
        for (int64_t now = 0; now < 60000;) {
            int nops = check_rand() % 3 == 0 ? (int)(check_rand() % 4) : 0;
            for (int k = 0; k < nops; k++, ops++)
                limited += random_op(&a, &r, episode % 2 ? 250.0 : 0.0, &mismatched);
            int n = 1 + (int)(check_rand() % 300);
            wm_automation_process(&a, now, n, out);
            for (int i = 0; i < n; i++) {
                double want = ref_value(&r, (double)(now + i));
                want = want < r.lo ? r.lo : want > r.hi ? r.hi : want;
                double e = rel_err(out[i], want);
                note(&worst_reference, e);
                if (!(e <= TOL)) {
                    CHECK_REPORT("%s:%d: episode %d frame %lld = %.9g, reference %.9g\n", __FILE__, __LINE__,
                                 episode, (long long)(now + i), out[i], want);
                    now = INT64_MAX / 2;
                    break;
                }
            }
            now += n;
            r.now = (double)now;
            frames += n;
        }
    }
    CHECK(mismatched == 0);
    printf("random timelines vs reference: %ld frames, %ld operations (%ld refused as full), worst error %.3g\n",
           frames, ops, limited, worst_reference);
    (void)seed;
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void test_throughput(void)
{
    enum { BLOCK = 128, BLOCKS = 1 << 17 };
    static const char* names[4] = {"constant", "linear", "exponential", "setTarget"};
    static float out[BLOCK];
    for (int kind = 0; kind < 4; kind++) {
        wm_automation a;
        make(&a, 0.5f, 0, 1e6f, 16, 0, 0);
        wm_automation_set_value_at(&a, 0, 1.0f);
        if (kind == 1)
            wm_automation_linear_ramp_to(&a, 1e12, 1000.0f);
        else if (kind == 2)
            wm_automation_exponential_ramp_to(&a, 1e9, 1000.0f);
        else if (kind == 3)
            wm_automation_set_target_at(&a, 0, 1000.0f, 1e9);
        double sum = 0, t = seconds();
        int constant = 0;
        for (int b = 0; b < BLOCKS; b++) {
            constant += wm_automation_process(&a, (int64_t)b * BLOCK, BLOCK, out);
            sum += out[b % BLOCK];
        }
        t = seconds() - t;
        CHECK(sum > 0 && (constant == BLOCKS) == (kind == 0));
        printf("process, %-11s segment: %7.1f M values/s (blocks of %d)\n", names[kind],
               (double)BLOCKS * BLOCK / t * 1e-6, BLOCK);
    }
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_formulas();
    test_long_segments();
    test_block_splits();
    test_ramps_after_set_target();
    test_cancel();
    test_validation();
    test_past_and_clamp();
    test_capacity();
    test_hostile();
    test_random_vs_reference(seed);
    test_long_session();
    test_throughput();
    printf("worst error vs the spec formulas: %.3g (bound %.0e)\n", worst_formula, TOL);
    return check_finish("test_automation", seed);
}
