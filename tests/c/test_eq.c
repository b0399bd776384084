/* test_eq.c -- the four-lane multi-band EQ against independent references:
   the product of analytic responses (the RBJ analog prototypes through the
   prewarped bilinear map; Butterworth |H|^2 for the cuts), a double
   precision direct-form cascade, the scalar kernel lane by lane; glides
   that do not click, exact bypass, hostile input, reset, block splits. */
#include <complex.h>
#include <string.h>

#include "check.h"
#include "ref_fft.h"
#include "wm_eq.h"

enum { FS = 48000, LANES = WM_EQ_LANES, MAX_SECTIONS = WM_EQ_SECTIONS };
static const double PI = 3.14159265358979323846;

/* What one lane is set to: the public API's own structs. */
typedef struct {
    wm_eq_band band[WM_EQ_BANDS];
    wm_eq_cut low, high;
} lane_setting;

/* Four different lanes; every f0 >= 150 Hz (where float32 coefficients
   meet 0.01 dB, see docs/dsp.md). */
static const lane_setting settings[LANES] = {
    {{{WM_BIQUAD_PEAKING, 250.0f, 1.0f, 6.0f, 1},
      {WM_BIQUAD_LOWSHELF, 150.0f, 0.7f, -4.0f, 1},
      {WM_BIQUAD_HIGHSHELF, 6000.0f, 0.7f, 3.0f, 1},
      {WM_BIQUAD_NOTCH, 3000.0f, 8.0f, 0.0f, 1}},
     {150.0f, 24, 1},
     {12000.0f, 12, 1}},
    {{{WM_BIQUAD_PEAKING, 200.0f, 0.5f, 6.0f, 1},
      {WM_BIQUAD_PEAKING, 400.0f, 1.0f, -6.0f, 1},
      {WM_BIQUAD_PEAKING, 800.0f, 2.0f, 6.0f, 1},
      {WM_BIQUAD_PEAKING, 1600.0f, 4.0f, -6.0f, 1},
      {WM_BIQUAD_PEAKING, 3200.0f, 3.0f, 9.0f, 1},
      {WM_BIQUAD_PEAKING, 5000.0f, 1.5f, -3.0f, 1},
      {WM_BIQUAD_PEAKING, 7000.0f, 0.7f, 4.0f, 1},
      {WM_BIQUAD_PEAKING, 15000.0f, 2.0f, -9.0f, 1}},
     {20.0f, 12, 0},
     {8000.0f, 48, 1}},
    {{{WM_BIQUAD_LOWSHELF, 400.0f, 1.0f, 8.0f, 1},
      {WM_BIQUAD_NOTCH, 1000.0f, 4.0f, 0.0f, 1},
      {WM_BIQUAD_HIGHSHELF, 2000.0f, 0.5f, -10.0f, 1},
      {WM_BIQUAD_PEAKING, 9000.0f, 2.0f, 12.0f, 0}}, /* set but disabled */
     {300.0f, 48, 1},
     {5000.0f, 24, 1}},
    {{{WM_BIQUAD_BANDPASS, 1000.0f, 0.7f, 0.0f, 1},
      {WM_BIQUAD_PEAKING, 2000.0f, 3.0f, -8.0f, 1}},
     {200.0f, 12, 1},
     {20000.0f, 12, 0}},
};

static void apply(wm_eq* eq, int lane, const lane_setting* s)
{
    for (int b = 0; b < WM_EQ_BANDS; b++) {
        wm_eq_band band = s->band[b];
        if (band.freq_hz == 0.0f) /* an unused slot: a disabled flat band */
            band = (wm_eq_band){WM_BIQUAD_PEAKING, 1000.0f, 0.7071f, 0.0f, 0};
        CHECK(wm_eq_set_band(eq, lane, b, &band) == WM_OK);
    }
    CHECK(wm_eq_set_cut(eq, lane, WM_EQ_LOW_CUT, &s->low) == WM_OK);
    CHECK(wm_eq_set_cut(eq, lane, WM_EQ_HIGH_CUT, &s->high) == WM_OK);
}

/* An EQ at rest on `s` in every lane (s[l] for lane l). */
static void make(wm_eq* eq, const lane_setting* s)
{
    CHECK(wm_eq_init(eq, FS, 20.0f) == WM_OK);
    for (int l = 0; l < LANES; l++)
        apply(eq, l, &s[l]);
    wm_eq_reset(eq);
}

/* ---- Independent references ---- */

/* The cookbook's analog prototypes, normalised to w0 = 1. */
static double complex prototype(wm_biquad_type t, double complex s, double q, double gain_db)
{
    double A = pow(10.0, gain_db / 40.0), rA = sqrt(A);
    double complex s2 = s * s;
    switch (t) {
    case WM_BIQUAD_BANDPASS: return (s / q) / (s2 + s / q + 1.0);
    case WM_BIQUAD_NOTCH: return (s2 + 1.0) / (s2 + s / q + 1.0);
    case WM_BIQUAD_PEAKING: return (s2 + s * (A / q) + 1.0) / (s2 + s / (A * q) + 1.0);
    case WM_BIQUAD_LOWSHELF: return A * (s2 + (rA / q) * s + A) / (A * s2 + (rA / q) * s + 1.0);
    case WM_BIQUAD_HIGHSHELF: return A * (A * s2 + (rA / q) * s + 1.0) / (s2 + (rA / q) * s + A);
    default: return NAN;
    }
}

/* Butterworth of order N = slope / 6 after prewarping: |H|^2 = 1 / (1 + r^2N). */
static double butterworth_db(const wm_eq_cut* c, int high_pass, double f)
{
    double r = tan(PI * f / FS) / tan(PI * c->freq_hz / FS);
    if (high_pass)
        r = 1.0 / r;
    return -10.0 * log10(1.0 + pow(r, 2.0 * c->slope_db / 6.0));
}

static double analytic_db(const lane_setting* s, double f)
{
    double db = 0.0;
    for (int b = 0; b < WM_EQ_BANDS; b++) {
        const wm_eq_band* p = &s->band[b];
        if (!p->enabled)
            continue;
        double complex w = I * tan(PI * f / FS) / tan(PI * p->freq_hz / FS);
        db += 20.0 * log10(cabs(prototype(p->type, w, p->q, p->gain_db)));
    }
    if (s->low.enabled)
        db += butterworth_db(&s->low, 1, f);
    if (s->high.enabled)
        db += butterworth_db(&s->high, 0, f);
    return db;
}

/* The lane's sixteen sections in series order (low cut, bands, high cut),
   the identity where off; float coefficients from wm_biquad_design with
   the Butterworth Qs computed here. */
static void lane_slots(const lane_setting* s, wm_biquad_coefs c[MAX_SECTIONS])
{
    const wm_eq_cut* cuts[2] = {&s->low, &s->high};
    for (int k = 0; k < MAX_SECTIONS; k++)
        c[k] = wm_biquad_identity();
    for (int side = 0; side < 2; side++) {
        const wm_eq_cut* cut = cuts[side];
        int order = cut->slope_db / 6, first = side == 0 ? 0 : WM_EQ_CUT_SECTIONS + WM_EQ_BANDS;
        for (int k = 0; cut->enabled && k < order / 2; k++) {
            wm_biquad_params p = {side == 0 ? WM_BIQUAD_HIGHPASS : WM_BIQUAD_LOWPASS, cut->freq_hz,
                                  (float)(1.0 / (2.0 * cos((2 * k + 1) * PI / (2.0 * order)))), 0.0f};
            c[first + k] = wm_biquad_design(&p, FS);
        }
    }
    for (int b = 0; b < WM_EQ_BANDS; b++)
        if (s->band[b].enabled) {
            wm_biquad_params p = {s->band[b].type, s->band[b].freq_hz, s->band[b].q, s->band[b].gain_db};
            c[WM_EQ_CUT_SECTIONS + b] = wm_biquad_design(&p, FS);
        }
}

static int is_identity(const wm_biquad_coefs* c)
{
    wm_biquad_coefs id = wm_biquad_identity();
    return memcmp(c, &id, sizeof id) == 0;
}

/* ---- Tests ---- */

/* Direct form I in double over the lane's float coefficients, in series. */
static void reference_cascade(const wm_biquad_coefs* c, double* y, int n)
{
    for (int s = 0; s < MAX_SECTIONS; s++) {
        double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
        for (int i = 0; i < n; i++) {
            double v = c[s].b0 * y[i] + c[s].b1 * x1 + c[s].b2 * x2 - c[s].a1 * y1 - c[s].a2 * y2;
            x2 = x1;
            x1 = y[i];
            y2 = y1;
            y1 = v;
            y[i] = v;
        }
    }
}

/* The impulse response of each lane: its spectrum, and the curve that
   wm_eq_response_db draws, against the analytic product; its samples
   against a double-precision cascade. */
static void test_impulse_response(void)
{
    enum { N = 32768 };
    static float x[LANES][N];
    static double re[N], im[N];
    wm_eq eq;
    make(&eq, settings);
    double worst_curve = 0.0, worst_measured = 0.0, worst_deep = 0.0, worst_snr = 1e9;
    int points = 0;
    memset(x, 0, sizeof x);
    for (int l = 0; l < LANES; l++)
        x[l][0] = 1.0f;
    float* io[LANES] = {x[0], x[1], x[2], x[3]};
    wm_eq_process(&eq, (const float* const*)io, io, N);
    for (int l = 0; l < LANES; l++) {
        for (int k = 0; k < 240; k++) {
            double f = 20.0 * pow(23000.0 / 20.0, k / 239.0), want = analytic_db(&settings[l], f);
            if (want < -60.0) /* deep in a stop band or a notch */
                continue;
            double got = wm_eq_response_db(&eq, l, (float)f);
            CHECK_NEAR(got, want, 0.01);
            worst_curve = fmax(worst_curve, fabs(got - want));
            points++;
        }
        /* Deep in a cut's skirt at low frequencies the float32 rounding
           noise of the recursion (about -86 dB re the impulse) shows, so
           0.01 dB is asserted down to -20 dB. */
        for (int i = 0; i < N; i++) {
            re[i] = x[l][i];
            im[i] = 0.0;
        }
        ref_fft(re, im, N);
        for (int k = 8; k < N / 2; k += 8) {
            double f = (double)k * FS / N, want = analytic_db(&settings[l], f);
            if (want < -60.0)
                continue;
            double got = 10.0 * log10(re[k] * re[k] + im[k] * im[k]);
            CHECK_NEAR(got, want, want >= -20.0 ? 0.01 : 0.5);
            if (want >= -20.0)
                worst_measured = fmax(worst_measured, fabs(got - want));
            else
                worst_deep = fmax(worst_deep, fabs(got - want));
            points++;
        }
        wm_biquad_coefs c[MAX_SECTIONS];
        lane_slots(&settings[l], c);
        memset(re, 0, sizeof re);
        re[0] = 1.0;
        reference_cascade(c, re, N);
        double sig = 0, err = 0;
        for (int i = 0; i < N; i++) {
            sig += re[i] * re[i];
            err += (x[l][i] - re[i]) * (x[l][i] - re[i]);
        }
        double snr = 10.0 * log10(sig / fmax(err, 1e-300));
        CHECK(snr > 90.0); /* lanes 0 and 2: float32 TDF-II with poles at 150-300 Hz, near z = 1 */
        worst_snr = fmin(worst_snr, snr);
    }
    printf("eq: magnitude vs analytic product, %d points in 4 lanes (up to 16 sections): worst %.4f dB "
           "(response_db), %.4f dB (impulse spectrum above -20 dB), %.3f dB (impulse spectrum, -60 to -20 dB)\n",
           points, worst_curve, worst_measured, worst_deep);
    printf("eq: impulse response vs double-precision direct-form cascade, worst SNR %.1f dB\n", worst_snr);
}

/* Each lane, with its own settings, is bit for bit its own chain of scalar
   biquads: nothing leaks between lanes. Lane 3 is all off and has no input:
   it must write silence. */
static void test_lanes_are_independent(void)
{
    enum { N = 9000 };
    static float x[LANES][N], ref[LANES][N];
    lane_setting s[LANES];
    memcpy(s, settings, sizeof s);
    memset(&s[3], 0, sizeof s[3]); /* lane 3: everything off */
    s[3].low = (wm_eq_cut){20.0f, 12, 0};
    s[3].high = (wm_eq_cut){20000.0f, 12, 0};
    wm_eq eq;
    make(&eq, s);
    int identical = 0;
    for (int l = 0; l < LANES; l++) {
        for (int i = 0; i < N; i++)
            x[l][i] = ref[l][i] = check_noise();
        wm_biquad_coefs c[MAX_SECTIONS];
        lane_slots(&s[l], c);
        for (int k = 0; k < MAX_SECTIONS; k++) {
            float z[2] = {0, 0};
            if (!is_identity(&c[k]))
                wm_biquad_run(&c[k], z, ref[l], ref[l], N);
        }
    }
    for (int i = 0; i < N; i++) {
        x[3][i] = 1.0f;
        ref[3][i] = 0.0f;
    }
    const float* in[LANES] = {x[0], x[1], x[2], NULL};
    float* out[LANES] = {x[0], x[1], x[2], x[3]};
    wm_eq_process(&eq, in, out, N);
    for (int l = 0; l < LANES; l++)
        identical += memcmp(x[l], ref[l], sizeof x[l]) == 0;
    CHECK_EQ_INT(identical, LANES);
    printf("eq: %d of %d lanes with different settings bit-identical to their own scalar wm_biquad_run chain\n",
           identical, LANES);
}

/* The largest fourth difference of y (as tests/c/test_filter.c): a 1 kHz
   sine at 48 kHz passes at -71 dB, the broadband energy of a click at up
   to +24 dB. */
static double max_click(const float* y, int from, int to)
{
    double m = 0;
    for (int i = from + 4; i < to; i++)
        m = fmax(m, fabs(y[i] - 4.0 * y[i - 1] + 6.0 * y[i - 2] - 4.0 * y[i - 3] + y[i - 4]));
    return m;
}

/* One change per lane, from[l] -> to[l], while a 1 kHz sine plays: through
   the EQ, and through scalar biquads whose coefficients switch at once. */
static void glide_round(const lane_setting* from, const lane_setting* to, double* worst_smooth, double* least_ratio)
{
    enum { BLOCK = 128, N = 188 * BLOCK, CHANGE = 40 * BLOCK };
    static float smooth[LANES][N], hard[LANES][N];
    for (int i = 0; i < N; i++)
        smooth[0][i] = (float)(0.25 * sin(2.0 * PI * 1000.0 * i / FS));
    for (int l = 0; l < LANES; l++) {
        memcpy(smooth[l], smooth[0], sizeof smooth[0]);
        memcpy(hard[l], smooth[0], sizeof smooth[0]);
    }
    wm_eq eq;
    make(&eq, from);
    for (int done = 0; done < N; done += BLOCK) {
        if (done == CHANGE)
            for (int l = 0; l < LANES; l++)
                apply(&eq, l, &to[l]);
        float* io[LANES] = {smooth[0] + done, smooth[1] + done, smooth[2] + done, smooth[3] + done};
        wm_eq_process(&eq, (const float* const*)io, io, BLOCK);
    }
    CHECK(!eq.moving); /* arrived */
    for (int l = 0; l < LANES; l++) {
        wm_biquad_coefs c0[MAX_SECTIONS], c1[MAX_SECTIONS];
        lane_slots(&from[l], c0);
        lane_slots(&to[l], c1);
        for (int k = 0; k < MAX_SECTIONS; k++) {
            float z[2] = {0, 0};
            wm_biquad_run(&c0[k], z, hard[l], hard[l], CHANGE);
            wm_biquad_run(&c1[k], z, hard[l] + CHANGE, hard[l] + CHANGE, N - CHANGE);
        }
        double s = max_click(smooth[l], CHANGE - 4, N), h = max_click(hard[l], CHANGE - 4, N);
        double settled = max_click(smooth[l], N - FS / 20, N);
        if (!(s < 2e-3 && h > 10.0 * s && settled > 1e-6 && settled < 1e-3))
            fprintf(stderr, "lane %d: smooth %g hard %g settled %g\n", l, s, h, settled);
        CHECK(settled > 1e-6 && settled < 1e-3); /* not silent, and the metric rejects the sine */
        CHECK(s < 2e-3);                         /* no click while gliding */
        CHECK(h > 10.0 * s);                     /* and the metric does see a hard switch */
        *worst_smooth = fmax(*worst_smooth, s);
        *least_ratio = fmin(*least_ratio, h / s);
        for (int k = 0; k < 12; k++) { /* landed on the target */
            double f = 150.0 * pow(2.0, k * 0.6);
            if (analytic_db(&to[l], f) > -60.0)
                CHECK_NEAR(wm_eq_response_db(&eq, l, (float)f), analytic_db(&to[l], f), 0.01);
        }
    }
}

static void test_glides_do_not_click(void)
{
    const wm_eq_cut low_off = {20.0f, 12, 0}, high_off = {20000.0f, 12, 0};
    const lane_setting a[LANES] = {
        {{{WM_BIQUAD_PEAKING, 1000.0f, 1.0f, 12.0f, 0}}, low_off, high_off},
        {{{WM_BIQUAD_PEAKING, 1000.0f, 2.0f, 9.0f, 1}}, low_off, high_off},
        {{{0}}, low_off, {3000.0f, 12, 1}},
        {{{WM_BIQUAD_PEAKING, 300.0f, 1.0f, 6.0f, 1}}, low_off, high_off},
    };
    const lane_setting b[LANES] = {
        {{{WM_BIQUAD_PEAKING, 1000.0f, 1.0f, 12.0f, 1}}, low_off, high_off}, /* enable */
        {{{WM_BIQUAD_HIGHSHELF, 2000.0f, 0.7f, 6.0f, 1}}, low_off, high_off}, /* type change */
        {{{0}}, low_off, {3000.0f, 48, 1}},                                    /* slope */
        {{{WM_BIQUAD_PEAKING, 3000.0f, 1.0f, 6.0f, 1}}, low_off, high_off},   /* sweep */
    };
    const lane_setting c[LANES] = {
        {{{0}}, low_off, high_off},
        {{{WM_BIQUAD_NOTCH, 2000.0f, 4.0f, 0.0f, 1}}, low_off, high_off},
        {{{WM_BIQUAD_HIGHSHELF, 300.0f, 0.7071f, -18.0f, 1}}, low_off, high_off},
        {{{0}}, low_off, {12000.0f, 12, 1}},
    };
    const lane_setting d[LANES] = {
        {{{0}}, {500.0f, 24, 1}, high_off},                                      /* a cut on */
        {{{WM_BIQUAD_NOTCH, 2000.0f, 4.0f, 0.0f, 0}}, low_off, high_off},        /* notch off */
        {{{WM_BIQUAD_HIGHSHELF, 5000.0f, 0.7071f, 6.0f, 1}}, low_off, high_off}, /* shelf sweep */
        {{{0}}, low_off, {2000.0f, 24, 1}},                                      /* cut moves, slope */
    };
    double worst = 0.0, ratio = 1e9;
    glide_round(a, b, &worst, &ratio);
    glide_round(b, a, &worst, &ratio); /* disable, type back, slope down, sweep down */
    glide_round(c, d, &worst, &ratio);
    glide_round(d, c, &worst, &ratio); /* cut off, notch on, ... */
    printf("eq: 16 glides (band/cut on and off, type, slope, sweeps): worst fourth difference %.2g; "
           "a hard switch is at least %.0fx larger\n",
           worst, ratio);
}

static void test_disabled_sections_bypass_exactly(void)
{
    enum { N = FS };
    static float x[LANES][N], y[LANES][N];
    wm_eq eq;
    make(&eq, settings);
    const lane_setting off = {{{0}}, {20.0f, 12, 0}, {20000.0f, 12, 0}};
    for (int l = 0; l < LANES; l++) {
        for (int i = 0; i < N; i++)
            x[l][i] = check_noise();
        apply(&eq, l, &off);
    }
    float* ix[LANES] = {x[0], x[1], x[2], x[3]};
    float* iy[LANES] = {y[0], y[1], y[2], y[3]};
    wm_eq_process(&eq, (const float* const*)ix, ix, N); /* glide out: 1 s */
    CHECK_EQ_INT(eq.n_active, 0);
    CHECK(!eq.moving);
    wm_eq_process(&eq, (const float* const*)ix, iy, N);
    CHECK(memcmp(x, y, sizeof x) == 0);
    CHECK(wm_eq_response_db(&eq, 0, 1000.0f) == 0.0f);
    printf("eq: all sections off after the glide: %d sections run, output bit-identical to input\n", eq.n_active);
}

static void test_hostile_input(void)
{
    enum { BLOCK = 128, BLOCKS = 1954 }; /* 4 lanes x 250,112 frames: over 1,000,000 samples */
    static float x[LANES][BLOCK];
    wm_eq eq;
    make(&eq, settings);
    long bad = 0;
    double peak = 0.0;
    int finite = 1;
    for (int r = 0; r < BLOCKS; r++) {
        if (r % 40 == 0) /* keep the settings gliding from one lane's to another's */
            for (int l = 0; l < LANES; l++)
                apply(&eq, l, &settings[(l + r / 40) % LANES]);
        for (int l = 0; l < LANES; l++)
            for (int i = 0; i < BLOCK; i++) {
                x[l][i] = check_hostile(1.0f);
                bad += !wm_is_finite(x[l][i]);
            }
        float* io[LANES] = {x[0], x[1], x[2], x[3]};
        wm_eq_process(&eq, (const float* const*)io, io, BLOCK);
        for (int l = 0; l < LANES; l++)
            for (int i = 0; i < BLOCK; i++) {
                finite &= wm_is_finite(x[l][i]);
                peak = fmax(peak, fabs(x[l][i]));
            }
    }
    CHECK(finite);
    CHECK(peak < 16.0); /* |input| < 1; the largest boost in the settings is +12 dB */
    CHECK_EQ_INT(eq.nonfinite, bad);
    CHECK_EQ_INT(eq.unstable_resets, 0);
    printf("eq: hostile %d samples while gliding (%ld NaN/Inf replaced and counted), output finite, peak %.2f\n",
           LANES * BLOCK * BLOCKS, bad, peak);
}

static void test_reset_and_block_split(void)
{
    enum { N = 20000 };
    static float x[LANES][N], y[LANES][N], w[LANES][N];
    wm_eq eq, fresh;
    make(&eq, settings);
    make(&fresh, settings);
    for (int l = 0; l < LANES; l++)
        for (int i = 0; i < N; i++)
            x[l][i] = check_noise();
    float* ix[LANES] = {x[0], x[1], x[2], x[3]};
    float* iy[LANES] = {y[0], y[1], y[2], y[3]};
    float* iw[LANES] = {w[0], w[1], w[2], w[3]};
    wm_eq_process(&eq, (const float* const*)ix, ix, N);
    for (int l = 0; l < LANES; l++) { /* every lane has state before the reset */
        int dirty = 0;
        for (int k = 0; k < eq.n_active; k++)
            dirty |= eq.sec[eq.active[k]].z[0][l] != 0.0f;
        CHECK(dirty);
    }
    wm_eq_reset(&eq);
    for (int l = 0; l < LANES; l++)
        for (int i = 0; i < N; i++)
            x[l][i] = y[l][i] = check_noise();
    wm_eq_process(&eq, (const float* const*)ix, ix, N);
    wm_eq_process(&fresh, (const float* const*)iy, iw, N); /* out of place */
    CHECK(memcmp(x, w, sizeof x) == 0);

    /* Block split while gliding: one call against random block sizes. */
    wm_eq whole, split;
    make(&whole, settings);
    make(&split, settings);
    for (int l = 0; l < LANES; l++) {
        apply(&whole, l, &settings[(l + 1) % LANES]);
        apply(&split, l, &settings[(l + 1) % LANES]);
        for (int i = 0; i < N; i++)
            x[l][i] = y[l][i] = check_noise();
    }
    wm_eq_process(&whole, (const float* const*)ix, ix, N);
    static const int sizes[] = {1, 2, 3, 21, 128, 300};
    for (int done = 0; done < N;) {
        int len = sizes[check_rand() % 6];
        if (len > N - done)
            len = N - done;
        float* io[LANES] = {y[0] + done, y[1] + done, y[2] + done, y[3] + done};
        wm_eq_process(&split, (const float* const*)io, io, len);
        done += len;
    }
    CHECK(memcmp(x, y, sizeof x) == 0);
}

static void test_bad_settings(void)
{
    wm_eq eq;
    CHECK(wm_eq_init(&eq, 100.0f, 20.0f) == WM_ERR_ARG);
    CHECK(wm_eq_init(&eq, FS, NAN) == WM_ERR_ARG);
    make(&eq, settings);
    wm_eq_band ok = {WM_BIQUAD_PEAKING, 1000.0f, 1.0f, 3.0f, 1}, bad = ok;
    CHECK(wm_eq_set_band(&eq, 4, 0, &ok) == WM_ERR_ARG);
    CHECK(wm_eq_set_band(&eq, 0, 8, &ok) == WM_ERR_ARG);
    CHECK(wm_eq_set_band(&eq, 0, 0, NULL) == WM_ERR_ARG);
    bad.type = WM_BIQUAD_LOWPASS; /* the cuts are for that */
    CHECK(wm_eq_set_band(&eq, 0, 0, &bad) == WM_ERR_ARG);
    bad = ok;
    bad.q = NAN;
    CHECK(wm_eq_set_band(&eq, 0, 0, &bad) == WM_ERR_ARG);
    wm_eq_cut cut = {1000.0f, 36, 1};
    CHECK(wm_eq_set_cut(&eq, 0, WM_EQ_LOW_CUT, &cut) == WM_ERR_ARG);
    cut.slope_db = 24;
    CHECK(wm_eq_set_cut(&eq, 0, (wm_eq_cut_side)2, &cut) == WM_ERR_ARG);
    CHECK(!eq.moving); /* nothing above was applied */
    apply(&eq, 0, &settings[0]); /* the same values again (a host resending its snapshot) */
    CHECK(!eq.moving);           /* start no glide: nothing is redesigned */
    bad = ok;
    bad.freq_hz = 1e6f;
    CHECK(wm_eq_set_band(&eq, 0, 0, &bad) == WM_ERR_RANGE); /* clamped to 0.49 fs and applied */
    CHECK(eq.moving);
}

static void test_denormals_flushed(void)
{
    static float x[LANES][FS];
    wm_eq eq;
    make(&eq, settings);
    memset(x, 0, sizeof x);
    for (int l = 0; l < LANES; l++)
        x[l][0] = 1.0f;
    float* io[LANES] = {x[0], x[1], x[2], x[3]};
    for (int s = 0; s < 20; s++) { /* 20 s of decay */
        wm_eq_process(&eq, (const float* const*)io, io, FS);
        memset(x, 0, sizeof x);
    }
    int flushed = 1;
    for (int k = 0; k < eq.n_active; k++)
        for (int l = 0; l < LANES; l++)
            flushed &= eq.sec[eq.active[k]].z[0][l] == 0.0f && eq.sec[eq.active[k]].z[1][l] == 0.0f;
    CHECK(flushed);
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_impulse_response();
    test_lanes_are_independent();
    test_glides_do_not_click();
    test_disabled_sections_bypass_exactly();
    test_hostile_input();
    test_reset_and_block_split();
    test_bad_settings();
    test_denormals_flushed();
    return check_finish("test_eq", seed);
}
