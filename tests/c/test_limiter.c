/* test_limiter.c -- the lookahead limiter: its sample-peak output never
   crosses the ceiling whatever the input; exact latency; bit-exact
   transparency under the ceiling; release timing in dB; true-peak mode
   against an independent 16x windowed-sinc reference in double; parameter
   changes while playing; hostile input; reset; block split.

   The soak checks every output sample of about 17 minutes of stereo mixed
   material (noise up to +40 dB, spikes, square waves up to 1e6, sweeps,
   silence/burst steps, DC, +-huge alternation, values up to FLT_MAX,
   NaN/Inf): 2 minutes at 48 kHz for each of eight settings, lookahead 0 and
   10 ms and true-peak mode among them, plus 8 and 192 kHz. For a long soak,
   LIMITER_HOURS=N adds N hours at 48 kHz (cycling through the settings), e.g.
       LIMITER_HOURS=4 build/native/tests/c/test_limiter
   SEED=n changes the material. */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wm_limiter.h"

enum { FS = 48000, MAXB = 512 };
static const double PI = 3.14159265358979323846;

typedef struct {
    float ceiling_db, lookahead_ms, release_ms;
    int true_peak;
} setting;

typedef struct {
    wm_limiter l;
    wm_arena a;
    void* mem;
} fixture;

static void open_fx(fixture* f, float fs, int channels, setting s)
{
    size_t bytes = wm_limiter_memory_size(fs, channels);
    f->mem = malloc(bytes);
    wm_arena_init(&f->a, f->mem, bytes);
    wm_limiter_params p = {s.ceiling_db, s.lookahead_ms, s.release_ms, s.true_peak};
    CHECK_EQ_INT(wm_limiter_init(&f->l, &f->a, fs, channels, &p), WM_OK);
}

/* Processes n frames from (a, b) into (oa, ob) in blocks of `block`, or of
   random sizes from {1, 2, 3, 21, 128, 300} when block is 0. */
static void process_blocks(wm_limiter* l, const float* a, const float* b, float* oa, float* ob, int n, int block)
{
    static const int sizes[] = {1, 2, 3, 21, 128, 300};
    for (int done = 0; done < n;) {
        int len = block ? block : sizes[check_rand() % 6];
        len = len < n - done ? len : n - done;
        const float* in[2] = {a + done, b + done};
        float* out[2] = {oa + done, ob + done};
        wm_limiter_process(l, in, out, len);
        done += len;
    }
}

/* The ceiling as the test computes it (double, rounded once). */
static float lin(double db) { return (float)pow(10.0, db / 20.0); }
static float uniform(void) { return 0.5f * (check_noise() + 1.0f); }

/* ---- mixed material: random segments of adversarial signals ---- */
typedef struct {
    int kind, left, count, period;
    double phase, freq, rate;
    float amp;
    unsigned long bad; /* non-finite samples produced */
} material;

static void next_segment(material* m)
{
    m->kind = (int)(check_rand() % 9);
    m->left = 48 + (int)(check_rand() % (FS / 2)); /* 1 ms .. 0.5 s */
    m->count = 0;
    m->period = 2 + (int)(check_rand() % 2000);
    m->amp = lin(-20.0 + 60.0 * uniform()); /* -20 .. +40 dB */
    m->freq = 20.0 * pow(1000.0, uniform()) / FS;
    m->rate = pow(1000.0, 1.0 / (FS * 2.0)); /* sweeps: x1000 in 2 s */
}

static void material_fill(material* m, float* a, float* b, int n)
{
    static const float extreme[] = {1e30f, -1e30f, FLT_MAX, -FLT_MAX, 1e-40f, 0.0f, 3e38f, 1e20f};
    for (int i = 0; i < n; i++, m->count++) {
        if (m->left-- <= 0)
            next_segment(m);
        float x, y;
        switch (m->kind) {
        case 0: x = m->amp * check_noise(); y = m->amp * check_noise(); break; /* noise */
        case 1: /* quiet noise with isolated single-sample spikes up to +120 dB */
            x = 0.01f * check_noise();
            y = check_rand() % 300 == 0 ? lin(120.0 * uniform()) : 0.0f;
            if (check_rand() % 300 == 0)
                x = -lin(120.0 * uniform());
            break;
        case 2: x = (m->count / (m->period / 2)) % 2 ? m->amp * 1e3f : -m->amp; y = -x; break; /* squares */
        case 3: /* sweep */
            x = m->amp * (float)sin(m->phase);
            y = 0.5f * x;
            m->phase += 2.0 * PI * m->freq;
            m->freq = m->freq * m->rate < 0.5 ? m->freq * m->rate : m->freq;
            break;
        case 4: x = y = (m->count / m->period) % 2 ? m->amp * 1e4f : 0.0f; break; /* silence / burst steps */
        case 5: x = m->amp; y = -2.0f * m->amp; break;                           /* DC */
        case 6: x = m->count % 2 ? 1e6f : -1e6f; y = m->amp * (m->count % 2 ? -1.0f : 1.0f); break;
        case 7: x = extreme[check_rand() % 8]; y = extreme[check_rand() % 8]; break;
        default:
            x = check_hostile(m->amp);
            y = check_hostile(m->amp);
            m->bad += !wm_is_finite(x) + !wm_is_finite(y);
        }
        a[i] = x;
        b[i] = y;
    }
}

/* ---- the independent true-peak reference: 16x windowed sinc, double ---- */
enum { OS = 16, HALF = 64 };
static double kernel[OS][2 * HALF];

static double bessel_i0(double x)
{
    double sum = 1.0, term = 1.0;
    for (int k = 1; k < 40; k++) {
        term *= (x / (2.0 * k)) * (x / (2.0 * k));
        sum += term;
    }
    return sum;
}

static void reference_init(void)
{
    const double beta = 10.0;
    for (int p = 0; p < OS; p++)
        for (int j = 0; j < 2 * HALF; j++) {
            double u = (double)p / OS - (j - HALF + 1); /* distance from sample k + j - HALF + 1 */
            double r = u / HALF;
            double w = fabs(r) < 1.0 ? bessel_i0(beta * sqrt(1.0 - r * r)) / bessel_i0(beta) : 0.0;
            kernel[p][j] = (u == 0.0 ? 1.0 : sin(PI * u) / (PI * u)) * w;
        }
}

/* The largest |value| of x reconstructed at 16 points per sample, each
   local maximum refined by a parabola through its neighbours (so the 16x
   grid itself costs no more than 0.001 dB). If grid4 is not NULL it gets
   the largest of every fourth point: what a BS.1770 4x meter would read
   with this (near ideal) interpolator. */
static double reference_true_peak(const float* x, int n, double* grid4)
{
    double peak = 0.0, peak4 = 0.0, v[OS + 1], before = 0.0; /* the point before v[0] */
    for (int k = HALF; k + HALF < n; k++) {
        v[0] = x[k];
        v[OS] = x[k + 1];
        for (int p = 1; p < OS; p++) {
            double acc = 0.0;
            for (int j = 0; j < 2 * HALF; j++)
                acc += kernel[p][j] * x[k + j - HALF + 1];
            v[p] = acc;
        }
        for (int p = 0; p < OS; p++) {
            double left = p ? v[p - 1] : before, right = v[p + 1];
            peak4 = p % (OS / 4) ? peak4 : fmax(peak4, fabs(v[p]));
            peak = fmax(peak, fabs(v[p]));
            if (k == HALF || fabs(v[p]) < fabs(left) || fabs(v[p]) < fabs(right))
                continue;
            double curv = left - 2.0 * v[p] + right, d = curv != 0.0 ? 0.5 * (left - right) / curv : 0.0;
            peak = fmax(peak, fabs(v[p] - 0.25 * (left - right) * d));
        }
        before = v[OS - 1];
    }
    if (grid4)
        *grid4 = peak4;
    return peak;
}

static void test_reference_reads_sines(void)
{
    enum { N = 4096 };
    static float x[N];
    double worst = 0.0;
    const double freqs[] = {997.0, 12000.0, 19000.0, 20000.0};
    for (int f = 0; f < 4; f++)
        for (int trial = 0; trial < 3; trial++) {
            double phase = 2.0 * PI * uniform();
            for (int i = 0; i < N; i++)
                x[i] = (float)(0.8 * sin(2.0 * PI * freqs[f] * i / FS + phase));
            double err = 20.0 * log10(reference_true_peak(x, N, NULL) / 0.8);
            worst = fmax(worst, fabs(err));
        }
    CHECK(worst < 0.001);
    printf("reference: 16x windowed sinc reads sines up to 20 kHz within %.5f dB\n", worst);
}

/* ---- the soak ---- */
typedef struct {
    double seconds;
    float worst; /* max |out| / ceiling */
    unsigned long clamped;
} soak_stats;

/* Runs `seconds` of material through s, checking every output sample. If
   keep is not NULL, the first keep_frames of output go there (2 channels). */
static void soak(setting s, float fs, double seconds, soak_stats* st, float* keep, int keep_frames)
{
    fixture f;
    open_fx(&f, fs, 2, s);
    material m = {0};
    float a[MAXB], b[MAXB], c = lin(s.ceiling_db), worst = 0.0f;
    const float* in[2] = {a, b};
    float* out[2] = {a, b};
    long frames = (long)(seconds * fs), done = 0;
    int misses = 0;
    while (done < frames) {
        int n = 1 + (int)(check_rand() % MAXB);
        n = n < frames - done ? n : (int)(frames - done);
        material_fill(&m, a, b, n);
        wm_limiter_process(&f.l, in, out, n);
        for (int i = 0; i < n; i++) {
            float v = fabsf(a[i]) > fabsf(b[i]) ? fabsf(a[i]) : fabsf(b[i]);
            if (!(v <= c) && misses++ < 5)
                fprintf(stderr, "ceiling %g dB crossed: %g at frame %ld\n", s.ceiling_db, v, done + i);
            worst = v > worst ? v : worst;
            if (keep && done + i < keep_frames) {
                keep[done + i] = a[i];
                keep[keep_frames + done + i] = b[i];
            }
        }
        done += n;
    }
    CHECK_EQ_INT(misses, 0);
    CHECK_EQ_INT(f.l.nonfinite, m.bad);
    st->seconds += seconds;
    st->worst = worst / c > st->worst ? worst / c : st->worst;
    st->clamped += f.l.clamped;
    free(f.mem);
}

static const setting SETTINGS[] = {
    {0.0f, 0.0f, 50.0f, 0},  {-1.0f, 1.5f, 100.0f, 0}, {-6.0f, 5.0f, 20.0f, 0},  {-0.1f, 10.0f, 500.0f, 0},
    {-60.0f, 3.0f, 1.0f, 0}, {-1.0f, 5.0f, 100.0f, 1},  {-3.0f, 0.0f, 10.0f, 1}, {-0.5f, 10.0f, 200.0f, 1},
};
enum { NSET = sizeof SETTINGS / sizeof SETTINGS[0] };

static void test_ceiling_soak(void)
{
    soak_stats st = {0};
    for (int k = 0; k < NSET; k++)
        soak(SETTINGS[k], FS, 120.0, &st, NULL, 0);
    soak(SETTINGS[1], 8000.0f, 30.0, &st, NULL, 0);
    soak(SETTINGS[7], 192000.0f, 15.0, &st, NULL, 0);
    const char* hours = getenv("LIMITER_HOURS");
    double extra = hours ? atof(hours) * 3600.0 : 0.0;
    for (int k = 0; extra > 0.0; k++, extra -= 600.0) {
        soak(SETTINGS[k % NSET], FS, extra < 600.0 ? extra : 600.0, &st, NULL, 0);
        if ((k + 1) % 6 == 0)
            printf("soak: %.1f hours so far\n", st.seconds / 3600.0);
    }
    CHECK(st.worst <= 1.0f);
    CHECK_EQ_INT(st.clamped, 0);
    printf("soak: %.1f minutes of stereo mixed material (48 kHz over %d settings, plus 8 and 192 kHz),"
           " every sample checked\n", st.seconds / 60.0, NSET);
    printf("soak: max output sample peak %+.6f dB relative to the ceiling\n", 20.0 * log10(st.worst));
    printf("soak: safety clamp engaged %lu times\n", st.clamped);
}

/* Loud program-like material: band-limited (sines up to 16 kHz and
   low-passed noise), +6 to +18 dB over full scale, slowly modulated. */
static void program_fill(float* a, float* b, int n)
{
    double f[4], ph[4], amp[4];
    for (int k = 0; k < 4; k++) {
        f[k] = 40.0 * pow(400.0, uniform()); /* 40 Hz .. 16 kHz */
        ph[k] = 2.0 * PI * uniform();
        amp[k] = 0.3 + uniform();
    }
    double za = 0.0, zb = 0.0, wa = 0.0, wb = 0.0, pole = exp(-2.0 * PI * 6000.0 / FS);
    for (int i = 0; i < n; i++) {
        double env = 1.0 + 0.8 * sin(2.0 * PI * 0.7 * i / FS), s = 0.0;
        for (int k = 0; k < 4; k++)
            s += amp[k] * sin(2.0 * PI * f[k] * i / FS + ph[k]);
        za = pole * za + (1.0 - pole) * 8.0 * check_noise();
        zb = pole * zb + (1.0 - pole) * 8.0 * check_noise();
        wa = pole * wa + (1.0 - pole) * za;
        wb = pole * wb + (1.0 - pole) * zb;
        a[i] = (float)(env * s + wa);
        b[i] = (float)(env * 0.7 * s + wb);
    }
}

/* The output's true peak over the ceiling in dB by the 16x reference
   (out holds both channels), and (*grid4_db) by its 4x grid. */
static double overshoot_db(const float* out, int frames, float ceiling_db, double* grid4_db)
{
    double g0, g1, tp = fmax(reference_true_peak(out, frames, &g0), reference_true_peak(out + frames, frames, &g1));
    *grid4_db = 20.0 * log10(fmax(g0, g1) / lin(ceiling_db));
    return 20.0 * log10(tp / lin(ceiling_db));
}

/* The limiter keeps its own detector's reading of the output at the
   ceiling; what remains is the detector's (wm_truepeak: 12 taps per phase)
   under-reading, up to about 0.5 dB on loud program material. With no
   lookahead the instant gain steps add their own overshoot. On the
   adversarial mix (white noise at +40 dB, sweeps parked near fs/2, +-huge
   alternation) the 4x interpolator sees little of the energy near fs/2 and
   the true peak is not held: up to +4.5 dB with lookahead and +6.9 dB
   without over fifteen seeds, checked here only against a loose bound.
   Program material over the same seeds: +0.59 dB worst with lookahead,
   +1.03 dB without. */
#define TP_TOLERANCE_PROGRAM_DB(la) ((la) > 0.0f ? 0.7 : 1.2)
#define TP_BOUND_MIXED_DB 10.0

static void test_true_peak_mode(void)
{
    enum { N = 8 * FS };
    float* out = malloc(2 * N * sizeof(float));
    for (int k = 0; k < NSET; k++) {
        setting s = SETTINGS[k];
        if (!s.true_peak)
            continue;
        double program, program4, mixed, mixed4;
        fixture f;
        open_fx(&f, FS, 2, s);
        program_fill(out, out + N, N);
        const float* in[2] = {out, out + N};
        float* o[2] = {out, out + N};
        wm_limiter_process(&f.l, in, o, N);
        program = overshoot_db(out, N, s.ceiling_db, &program4);
        free(f.mem);
        soak_stats st = {0};
        soak(s, FS, (double)N / FS, &st, out, N);
        mixed = overshoot_db(out, N, s.ceiling_db, &mixed4);
        CHECK(program <= TP_TOLERANCE_PROGRAM_DB(s.lookahead_ms));
        CHECK(mixed <= TP_BOUND_MIXED_DB);
        printf("true peak: lookahead %g ms: output true peak re ceiling (16x reference) %+.3f dB on loud program,"
               " %+.3f dB on the adversarial mix; an ideal 4x grid reads %+.3f / %+.3f dB\n",
               s.lookahead_ms, program, mixed, program4, mixed4);
    }
    free(out);
}

/* A sine at fs/4 and 45 degrees: every sample is at +-0.707 of its crest,
   which falls half-way between samples. At amplitude 1.2 under a 0 dB
   ceiling the samples (-1.43 dB) pass a sample-peak limiter untouched, and
   a true-peak limiter must take off 20 log10(1.2) = 1.58 dB. */
static void test_true_peak_between_samples(void)
{
    enum { N = FS / 2, ON = FS / 10 };
    static float x[2][N];
    double out_db[2] = {0, 0}, reduction[2] = {0, 0};
    for (int tp = 0; tp < 2; tp++) {
        for (int i = 0; i < N; i++)
            x[0][i] = x[1][i] = i < ON ? 0.0f : (float)(1.2 * sin(PI / 2.0 * i + PI / 4.0));
        fixture f;
        setting s = {0.0f, 2.0f, 100.0f, tp};
        open_fx(&f, FS, 2, s);
        process_blocks(&f.l, x[0], x[1], x[0], x[1], N, 128);
        out_db[tp] = 20.0 * log10(reference_true_peak(x[0] + 2 * ON, N - 2 * ON, NULL));
        reduction[tp] = wm_limiter_reduction_db(&f.l);
        free(f.mem);
    }
    CHECK_NEAR(out_db[0], 20.0 * log10(1.2), 0.001);
    CHECK(reduction[0] == 0.0f);
    CHECK(out_db[1] <= 0.0 && out_db[1] >= -0.1);
    CHECK_NEAR(reduction[1], 20.0 * log10(1.2), 0.1);
    printf("true peak: fs/4 sine with its crest between samples, +1.58 dBTP in: sample mode leaves %+.3f dBTP,"
           " true-peak mode %+.3f dBTP (%.3f dB reduction)\n", out_db[0], out_db[1], reduction[1]);
}

static void test_latency_exact(void)
{
    enum { N = 3000, AT = 700 };
    const float rates[] = {44100.0f, 48000.0f, 96000.0f};
    const float lookaheads[] = {0.0f, 0.5f, 1.5f, 5.0f, 10.0f};
    int checked = 0;
    for (int r = 0; r < 3; r++)
        for (int k = 0; k < 5; k++)
            for (int tp = 0; tp < 2; tp++)
                for (int channels = 1; channels <= 2; channels++) {
                    fixture f;
                    setting s = {0.0f, lookaheads[k], 50.0f, tp};
                    open_fx(&f, rates[r], channels, s);
                    int want = (int)lround(lookaheads[k] * rates[r] / 1000.0) + (tp ? WM_TRUEPEAK_DELAY + 1 : 0);
                    CHECK_EQ_INT(wm_limiter_latency(&f.l), want);
                    static float x[2][N];
                    memset(x, 0, sizeof x);
                    x[0][AT] = 0.5f;
                    x[1][AT] = -0.25f;
                    process_blocks(&f.l, x[0], x[1], x[0], x[1], N, 1000);
                    for (int i = 0; i < N; i++) {
                        CHECK(x[0][i] == (i == AT + want ? 0.5f : 0.0f));
                        if (channels == 2)
                            CHECK(x[1][i] == (i == AT + want ? -0.25f : 0.0f));
                    }
                    checked++;
                    free(f.mem);
                }
    printf("latency: impulse out exactly `latency` samples later, unchanged, in %d configurations\n", checked);
}

static void test_transparent_under_ceiling(void)
{
    enum { N = 4 * FS, LOUD = FS, LOUD_END = FS + FS / 5, CHECK_FROM = FS * 5 / 2 };
    float* x = malloc(4 * N * sizeof(float));
    float *xa = x, *xb = x + N, *ya = x + 2 * N, *yb = x + 3 * N;
    for (int tp = 0; tp < 2; tp++) {
        setting s = {-3.0f, 5.0f, 50.0f, tp};
        float quiet = lin(-4.0); /* every peak at least 1 dB under the ceiling */
        for (int i = 0; i < N; i++) {
            double sines = 0.5 * sin(2.0 * PI * 440.0 * i / FS) + 0.5 * sin(2.0 * PI * 1234.0 * i / FS + 1.0);
            xa[i] = tp ? (float)(quiet * sines) : quiet * check_noise();
            xb[i] = (float)(quiet * sines);
            if (i >= LOUD && i < LOUD_END)
                xa[i] = xb[i] = 10.0f * check_noise(); /* +20 dB */
        }
        fixture f;
        open_fx(&f, FS, 2, s);
        process_blocks(&f.l, xa, xb, ya, yb, N, 128);
        int lat = wm_limiter_latency(&f.l), same = 1;
        for (int i = lat; i < N; i++)
            if ((i < LOUD || i >= CHECK_FROM) && (ya[i] != xa[i - lat] || yb[i] != xb[i - lat]))
                same = 0;
        CHECK(same);
        CHECK(wm_limiter_reduction_db(&f.l) == 0.0f);
        free(f.mem);
    }
    printf("transparent: 1 dB under the ceiling the output is the delayed input, bit-exact"
           " (sample and true-peak mode, before and 1.3 s after a +20 dB burst)\n");
    free(x);
}

/* Time for the gain reduction (in dB) after one peak to fall to 1/e of its
   depth, in ms; *at_2tau gets the fraction left at twice release_ms. */
static double release_63_ms(float release_ms, float depth_db, double* at_2tau)
{
    setting s = {0.0f, 1.0f, release_ms, 0};
    fixture f;
    open_fx(&f, FS, 1, s);
    int lat = wm_limiter_latency(&f.l), at = 1000;
    int n = at + lat + (int)(3.0 * release_ms * FS / 1000.0) + 10;
    float* x = malloc(2 * n * sizeof(float));
    float* y = x + n;
    for (int i = 0; i < n; i++)
        x[i] = 0.01f; /* a probe under the ceiling: y / x is the gain */
    x[at] = lin(depth_db);
    const float* in[1] = {x};
    float* out[1] = {y};
    wm_limiter_process(&f.l, in, out, n);
    double gr0 = -20.0 * log10(y[at + lat] / x[at]), target = gr0 * exp(-1.0), prev = gr0, t63 = -1.0;
    for (int j = 1; at + lat + j < n && t63 < 0.0; j++) {
        double gr = -20.0 * log10(y[at + lat + j] / 0.01);
        if (gr <= target)
            t63 = (j - 1 + (prev - target) / (prev - gr)) * 1000.0 / FS;
        prev = gr;
    }
    *at_2tau = -20.0 * log10(y[at + lat + (int)lround(2.0 * release_ms * FS / 1000.0)] / 0.01) / gr0;
    free(x);
    free(f.mem);
    return t63;
}

static void test_release_timing(void)
{
    const float releases[] = {5.0f, 20.0f, 100.0f, 500.0f, 2000.0f};
    const float depths[] = {6.0f, 24.0f, 48.0f};
    double worst = 0.0, worst_2tau = 0.0;
    for (int r = 0; r < 5; r++)
        for (int d = 0; d < 3; d++) {
            double at_2tau, t = release_63_ms(releases[r], depths[d], &at_2tau);
            double err = fabs(t - releases[r]) / releases[r];
            if (err > 0.1)
                fprintf(stderr, "release %g ms, depth %g dB: 63%% after %.3f ms\n", releases[r], depths[d], t);
            CHECK(err <= 0.1);
            CHECK_NEAR(at_2tau, exp(-2.0), 0.1 * exp(-2.0));
            worst = fmax(worst, err);
            worst_2tau = fmax(worst_2tau, fabs(at_2tau / exp(-2.0) - 1.0));
        }
    printf("release: time to 63%% recovery in dB within %.3f%% of release_ms (5 ms .. 2 s, 6 .. 48 dB deep);"
           " at 2x release within %.3f%% of e^-2\n", 100.0 * worst, 100.0 * worst_2tau);
}

/* Random settings while mixed material plays. Each output frame is checked
   against the highest ceiling in force while the frames still inside the
   limiter were analysed (the last max-lookahead + true-peak-delay frames). */
static void test_changes_while_playing(void)
{
    enum { SECONDS = 60, HIST = 4096 };
    const long span = lround(WM_LIMITER_MAX_LOOKAHEAD_MS * FS / 1000.0) + WM_TRUEPEAK_DELAY + 2;
    static long start[HIST];
    static float ceil_at[HIST];
    fixture f;
    setting s = {0.0f, 5.0f, 50.0f, 0};
    open_fx(&f, FS, 2, s);
    material m = {0};
    float a[MAXB], b[MAXB], now = 1.0f;
    const float* in[2] = {a, b};
    float* out[2] = {a, b};
    int blocks = 0, changes = 0, latency_changes = 0, misses = 0, lat = wm_limiter_latency(&f.l);
    for (long done = 0; done < (long)SECONDS * FS; blocks++) {
        int n = 1 + (int)(check_rand() % MAXB);
        if (check_rand() % 3 == 0) {
            changes++;
            switch (check_rand() % 4) {
            case 0: {
                float db = -20.0f * uniform();
                wm_limiter_set_ceiling_db(&f.l, db);
                now = lin(db);
                break;
            }
            case 1: wm_limiter_set_lookahead_ms(&f.l, 10.0f * uniform()); break;
            case 2: wm_limiter_set_release_ms(&f.l, 1.0f + 999.0f * uniform()); break;
            default: wm_limiter_set_true_peak(&f.l, (int)(check_rand() % 2));
            }
        }
        start[blocks % HIST] = done;
        ceil_at[blocks % HIST] = now;
        material_fill(&m, a, b, n);
        wm_limiter_process(&f.l, in, out, n);
        float bound = 0.0f;
        for (int k = blocks; k >= 0 && k > blocks - HIST; k--) {
            bound = ceil_at[k % HIST] > bound ? ceil_at[k % HIST] : bound;
            if (start[k % HIST] <= done - span)
                break;
        }
        for (int i = 0; i < n; i++)
            misses += !(fabsf(a[i]) <= bound && fabsf(b[i]) <= bound);
        latency_changes += wm_limiter_latency(&f.l) != lat;
        lat = wm_limiter_latency(&f.l);
        done += n;
    }
    CHECK_EQ_INT(misses, 0);
    CHECK_EQ_INT(f.l.clamped, 0);
    CHECK(latency_changes > 100);
    printf("changes: %d random setting changes in %d s (%d latency changes, crossfaded), ceiling never crossed\n",
           changes, SECONDS, latency_changes);
    free(f.mem);
}

static void test_hostile_input(void)
{
    enum { FRAMES = 500000, BLOCK = 250 };
    fixture f;
    setting s = {-1.0f, 2.0f, 50.0f, 1};
    open_fx(&f, FS, 2, s);
    float a[BLOCK], b[BLOCK], c = lin(-1.0), worst = 0.0f;
    const float* in[2] = {a, b};
    float* out[2] = {a, b};
    unsigned long bad = 0;
    int broken = 0;
    for (int done = 0; done < FRAMES; done += BLOCK) {
        bad += check_hostile_block(a, BLOCK, 4.0f) + check_hostile_block(b, BLOCK, 4.0f);
        wm_limiter_process(&f.l, in, out, BLOCK);
        for (int i = 0; i < BLOCK; i++) {
            broken += !(fabsf(a[i]) <= c && fabsf(b[i]) <= c);
            worst = fmaxf(worst, fmaxf(fabsf(a[i]), fabsf(b[i])));
        }
    }
    CHECK_EQ_INT(broken, 0);
    CHECK_EQ_INT(f.l.nonfinite, bad);
    CHECK(wm_is_finite(wm_limiter_reduction_db(&f.l)));
    printf("hostile: 1e6 samples, 10%% NaN/Inf: %lu counted, output finite, peak %+.4f dB re ceiling\n",
           (unsigned long)f.l.nonfinite, 20.0 * log10(worst / c));
    free(f.mem);
}

enum { RN = FS / 2 };
static float rx[2][RN], rz[2][RN], ry[3][2][RN];

static void test_reset(void)
{
    material m = {0};
    material_fill(&m, rx[0], rx[1], RN);
    material_fill(&m, rz[0], rz[1], RN);
    setting s = {-2.0f, 3.0f, 80.0f, 1};
    fixture f[3];
    for (int k = 0; k < 3; k++)
        open_fx(&f[k], FS, 2, s);
    process_blocks(&f[0].l, rx[0], rx[1], ry[0][0], ry[0][1], RN, 128);
    for (int k = 1; k < 3; k++) {
        wm_limiter_set_lookahead_ms(&f[k].l, 7.0f); /* a crossfade under way at the reset */
        process_blocks(&f[k].l, rz[0], rz[1], ry[k][0], ry[k][1], RN, 128);
        wm_limiter_set_lookahead_ms(&f[k].l, 3.0f);
    }
    wm_limiter_reset(&f[2].l);
    for (int k = 1; k < 3; k++)
        process_blocks(&f[k].l, rx[0], rx[1], ry[k][0], ry[k][1], RN, 128);
    for (int c = 0; c < 2; c++) {
        CHECK(memcmp(ry[1][c], ry[0][c], sizeof ry[0][c]) != 0); /* the state was dirty on this channel */
        CHECK(memcmp(ry[2][c], ry[0][c], sizeof ry[0][c]) == 0);
    }
    for (int k = 0; k < 3; k++)
        free(f[k].mem);
}

/* Settings change at two fixed frames; the block sizes in between vary. */
static void run_script(const float* a, const float* b, float* oa, float* ob, int n, int random_blocks)
{
    fixture f;
    setting s = {-1.0f, 5.0f, 40.0f, 0};
    open_fx(&f, FS, 2, s);
    int cut1 = n / 3, cut2 = 2 * n / 3;
    process_blocks(&f.l, a, b, oa, ob, cut1, random_blocks ? 0 : cut1);
    wm_limiter_set_lookahead_ms(&f.l, 2.0f);
    wm_limiter_set_true_peak(&f.l, 1);
    process_blocks(&f.l, a + cut1, b + cut1, oa + cut1, ob + cut1, cut2 - cut1, random_blocks ? 0 : cut2 - cut1);
    wm_limiter_set_ceiling_db(&f.l, -8.0f);
    wm_limiter_set_release_ms(&f.l, 15.0f);
    wm_limiter_set_lookahead_ms(&f.l, 10.0f);
    process_blocks(&f.l, a + cut2, b + cut2, oa + cut2, ob + cut2, n - cut2, random_blocks ? 0 : n - cut2);
    free(f.mem);
}

static void test_block_split(void)
{
    enum { N = 3 * FS };
    float* x = malloc(6 * N * sizeof(float));
    float *a = x, *b = x + N, *oa = x + 2 * N, *ob = x + 3 * N, *ia = x + 4 * N, *ib = x + 5 * N;
    material m = {0};
    material_fill(&m, a, b, N);
    memcpy(ia, a, N * sizeof(float));
    memcpy(ib, b, N * sizeof(float));
    run_script(a, b, oa, ob, N, 0);  /* one call per stretch, out of place */
    run_script(ia, ib, ia, ib, N, 1); /* random blocks, in place */
    CHECK(memcmp(oa, ia, N * sizeof(float)) == 0);
    CHECK(memcmp(ob, ib, N * sizeof(float)) == 0);
    free(x);
}

static void test_init_and_memory(void)
{
    static unsigned char mem[1 << 20];
    wm_arena a;
    wm_limiter l;
    wm_arena_init(&a, mem + 1, sizeof mem - 1); /* an odd base */
    wm_limiter_params p = {-1.0f, 5.0f, 50.0f, 0};
    CHECK_EQ_INT(wm_limiter_init(NULL, &a, FS, 2, &p), WM_ERR_ARG);
    CHECK_EQ_INT(wm_limiter_init(&l, NULL, FS, 2, &p), WM_ERR_ARG);
    CHECK_EQ_INT(wm_limiter_init(&l, &a, FS, 2, NULL), WM_ERR_ARG);
    CHECK_EQ_INT(wm_limiter_init(&l, &a, 1000.0f, 2, &p), WM_ERR_ARG);
    CHECK_EQ_INT(wm_limiter_init(&l, &a, NAN, 2, &p), WM_ERR_ARG);
    CHECK_EQ_INT(wm_limiter_init(&l, &a, FS, 0, &p), WM_ERR_ARG);
    CHECK_EQ_INT(wm_limiter_init(&l, &a, FS, 3, &p), WM_ERR_ARG);
    wm_limiter_params bad[] = {{NAN, 5, 50, 0}, {0.5f, 5, 50, 0}, {-61, 5, 50, 0}, {-1, -1, 50, 0},
                               {-1, 10.5f, 50, 0}, {-1, 5, 0.5f, 0}, {-1, 5, NAN, 0}};
    const int want[] = {WM_ERR_ARG, WM_ERR_RANGE, WM_ERR_RANGE, WM_ERR_RANGE, WM_ERR_RANGE, WM_ERR_RANGE, WM_ERR_ARG};
    for (int k = 0; k < 7; k++)
        CHECK_EQ_INT(wm_limiter_init(&l, &a, FS, 2, &bad[k]), want[k]);
    CHECK_EQ_INT(a.used, 0);
    size_t need = wm_limiter_memory_size(FS, 2);
    CHECK(need > 0 && wm_limiter_memory_size(1000.0f, 2) == 0 && wm_limiter_memory_size(FS, 3) == 0);
    wm_arena_init(&a, mem + 1, need / 2);
    CHECK_EQ_INT(wm_limiter_init(&l, &a, FS, 2, &p), WM_ERR_NOMEM);
    CHECK_EQ_INT(a.used, 0); /* rolled back */
    wm_arena_init(&a, mem + 1, need);
    CHECK_EQ_INT(wm_limiter_init(&l, &a, FS, 2, &p), WM_OK);
    CHECK_EQ_INT(wm_limiter_set_ceiling_db(&l, NAN), WM_ERR_ARG);
    CHECK(l.target.ceiling_db == -1.0f);
    CHECK_EQ_INT(wm_limiter_set_ceiling_db(&l, 3.0f), WM_ERR_RANGE);
    CHECK(l.target.ceiling_db == 0.0f);
    CHECK_EQ_INT(wm_limiter_set_lookahead_ms(&l, 20.0f), WM_ERR_RANGE);
    CHECK_EQ_INT(wm_limiter_set_release_ms(&l, 0.0f), WM_ERR_RANGE);
    CHECK_EQ_INT(wm_limiter_set_release_ms(&l, NAN), WM_ERR_ARG);
    CHECK(l.target.release_ms == WM_LIMITER_MIN_RELEASE_MS);
    printf("memory: %zu bytes at 48 kHz stereo, %zu at 192 kHz\n", need, wm_limiter_memory_size(192000.0f, 2));
}

/* A steady square wave of amplitude 4 under a 0 dB ceiling: 12.04 dB. */
static void test_reduction_meter(void)
{
    fixture f;
    setting s = {0.0f, 2.0f, 50.0f, 0};
    open_fx(&f, FS, 1, s);
    float x[4800];
    for (int i = 0; i < 4800; i++)
        x[i] = (i / 24) % 2 ? 4.0f : -4.0f;
    const float* in[1] = {x};
    float* out[1] = {x};
    wm_limiter_process(&f.l, in, out, 4800);
    CHECK_NEAR(wm_limiter_reduction_db(&f.l), 20.0 * log10(4.0), 1e-3);
    CHECK_NEAR(fabs(x[4799]), 1.0, 1e-4);
    free(f.mem);
}

/* White box: with the gain computer sabotaged (aiming 18 dB over the
   ceiling) the safety clamp holds the ceiling and counts every sample. */
static void test_safety_clamp_counts(void)
{
    enum { N = 1000 };
    fixture f;
    setting s = {-6.0f, 2.0f, 50.0f, 0};
    open_fx(&f, FS, 1, s);
    f.l.aim = 4.0f;
    float x[N];
    for (int i = 0; i < N; i++)
        x[i] = i % 2 ? 1.0f : -1.0f;
    const float* in[1] = {x};
    float* out[1] = {x};
    wm_limiter_process(&f.l, in, out, N);
    int lat = wm_limiter_latency(&f.l);
    for (int i = lat; i < N; i++)
        CHECK_NEAR(fabs(x[i]), lin(-6.0), 1e-6);
    CHECK_EQ_INT(f.l.clamped, N - lat);
    free(f.mem);
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    reference_init();
    test_init_and_memory();
    test_latency_exact();
    test_transparent_under_ceiling();
    test_release_timing();
    test_reduction_meter();
    test_safety_clamp_counts();
    test_reset();
    test_block_split();
    test_hostile_input();
    test_changes_while_playing();
    test_reference_reads_sines();
    test_true_peak_between_samples();
    test_true_peak_mode();
    test_ceiling_soak();
    return check_finish("test_limiter", seed);
}
