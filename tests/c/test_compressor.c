/* test_compressor.c -- the compressor against the textbook: the static
   curve of Giannoulis, Massberg & Reiss (JAES 2012) written here in
   double, one-pole time constants (63% of a step), the analytic response of
   a bilinear 2nd-order Butterworth high-pass for the sidechain filter; then
   the properties every module owes: hostile input, reset, block split. */
#include <float.h>

#include "check.h"
#include "wm_compressor.h"

enum { FS = 48000 };
static const double PI = 3.14159265358979323846;

/* Output level in dB for a steady input level x: the paper's three cases. */
static double textbook_out_db(double x, double thr, double ratio, double knee)
{
    if (2.0 * (x - thr) < -knee)
        return x;
    if (knee > 0.0 && 2.0 * fabs(x - thr) <= knee)
        return x + (1.0 / ratio - 1.0) * (x - thr + knee / 2.0) * (x - thr + knee / 2.0) / (2.0 * knee);
    return thr + (x - thr) / ratio;
}

static double db(double lin) { return 20.0 * log10(lin); }

static wm_compressor make(const wm_compressor_params* p, int channels)
{
    wm_compressor c;
    int err = wm_compressor_init(&c, p, channels, FS);
    CHECK_EQ_INT(err, WM_OK);
    return c;
}

static void run_mono(wm_compressor* c, const float* in, float* out, const float* key, int n)
{
    const float* ci[1] = {in};
    float* co[1] = {out};
    const float* ck[1] = {key};
    wm_compressor_process(c, ci, co, key ? ck : NULL, n);
}

/* Amplitude of the component at hz in x[0..n) (n a whole number of periods). */
static double tone_amplitude(const float* x, int n, double hz)
{
    double re = 0, im = 0;
    for (int i = 0; i < n; i++) {
        re += x[i] * sin(2.0 * PI * hz * i / FS);
        im += x[i] * cos(2.0 * PI * hz * i / FS);
    }
    return 2.0 * sqrt(re * re + im * im) / n;
}

/* A 1 kHz square wave: |x| is constant, so the detector has no ripple and
   the gain of every sample is out/in. */
static float square(int i, double amp) { return (float)((i / 24) % 2 ? -amp : amp); }

/* Steady-state gain in dB of a 1 kHz sine of the given peak amplitude. */
static double sine_gain_db(const wm_compressor_params* p, double amp, int settle, int measure)
{
    static float x[FS], y[FS];
    wm_compressor c = make(p, 1);
    for (int i = 0; i < settle + measure; i++)
        x[i] = (float)(amp * sin(2.0 * PI * 1000.0 * i / FS));
    run_mono(&c, x, y, NULL, settle + measure);
    return db(tone_amplitude(y + settle, measure, 1000.0) / amp);
}

/* Steady-state gain on sines from threshold - 30 dB to threshold + 30 dB.
   Peak mode: a sine at fs/48 has a sample on every crest; a near-instant
   attack catches each crest and a long release barely sags between them.
   RMS mode: a sine's level is its peak - 3.01 dB. */
static void test_static_curve(void)
{
    const float shapes[][2] = {{2.0f, 0.0f}, {4.0f, 6.0f}, {10.0f, 12.0f}, {INFINITY, 0.0f}, {3.0f, 24.0f}};
    for (int mode = 0; mode < 2; mode++) {
        double worst = 0;
        for (int s = 0; s < 5; s++) {
            wm_compressor_params p = wm_compressor_defaults();
            p.threshold_db = -20.0f;
            p.ratio = shapes[s][0];
            p.knee_db = shapes[s][1];
            p.detect = mode ? WM_COMP_RMS : WM_COMP_PEAK;
            p.attack_ms = mode ? 10.0f : 0.02f;
            p.release_ms = mode ? 200.0f : 2000.0f;
            p.rms_ms = 50.0f;
            for (int level = -50; level <= 10; level += 2) {
                double amp = pow(10.0, level / 20.0) * (mode ? sqrt(2.0) : 1.0);
                double got = sine_gain_db(&p, amp, mode ? FS * 3 / 4 : FS / 4, FS / 5);
                double want = textbook_out_db(level, p.threshold_db, p.ratio, p.knee_db) - level;
                if (fabs(got - want) > 0.1)
                    fprintf(stderr, "%s ratio %g knee %g level %d dB:\n", mode ? "rms" : "peak", p.ratio, p.knee_db,
                            level);
                CHECK_NEAR(got, want, 0.1);
                worst = fmax(worst, fabs(got - want));
            }
        }
        printf("compressor: static curve (%s, 5 ratio/knee settings, thr-30..thr+30 dB) worst error %.3f dB\n",
               mode ? "RMS" : "peak", worst);
    }
}

/* The soft knee, on the curve the UI draws (which is the function the
   processing uses, checked above): equal to the textbook, continuous, and
   its slope falls linearly from 1 to 1/ratio across the knee. */
static void test_soft_knee(void)
{
    wm_compressor_params p = wm_compressor_defaults();
    p.threshold_db = -20.0f;
    p.ratio = 5.0f;
    p.knee_db = 12.0f;
    wm_compressor c = make(&p, 1);
    const double h = 0.01, s = 1.0 - 1.0 / p.ratio;
    double worst_slope = 0, worst_value = 0, worst_jump = 0;
    float prev = wm_compressor_curve_db(&c, -40.0f);
    for (int k = 1; k <= 4000; k++) {
        double x = -40.0 + k * h;
        float y = wm_compressor_curve_db(&c, (float)x);
        /* the analytic slope at the midpoint of the step */
        double u = (x - h / 2.0 - p.threshold_db + p.knee_db / 2.0) / p.knee_db;
        double want = 1.0 - s * fmin(fmax(u, 0.0), 1.0);
        worst_slope = fmax(worst_slope, fabs((y - prev) / h - want));
        worst_value = fmax(worst_value, fabs(y - textbook_out_db(x, p.threshold_db, p.ratio, p.knee_db)));
        worst_jump = fmax(worst_jump, fabs(y - prev));
        prev = y;
    }
    CHECK(worst_value < 1e-4);
    CHECK(worst_slope < 0.01);
    CHECK(worst_jump <= h * 1.01);
    printf("compressor: soft knee 12 dB ratio 5: curve vs textbook worst %.1e dB, slope vs 1 -> 1/ratio worst "
           "deviation %.4f, no jump (largest step %.4f dB per %.2f dB)\n",
           worst_value, worst_slope, worst_jump, h);
}

/* Time for the gain reduction (dB) to cover 63.2% of a level step, up and
   down, measured sample by sample on square waves; gives the relative
   error against attack_ms and release_ms. */
static void step_times(const wm_compressor_params* p, double* attack_err, double* release_err)
{
    enum { N = FS * 8 };
    static float x[N], y[N];
    wm_compressor c = make(p, 1);
    const int up = FS / 2, down = FS * 3;
    for (int i = 0; i < N; i++)
        x[i] = square(i, i >= up && i < down ? 1.0 : 0.01);
    run_mono(&c, x, y, NULL, N);
    double gr_hi = db(fabs(x[down - 1] / y[down - 1]));
    CHECK(gr_hi > 10.0);
    int t_up = -1, t_down = -1;
    for (int i = up; i < down && t_up < 0; i++)
        if (db(fabs(x[i] / y[i])) >= (1.0 - exp(-1.0)) * gr_hi)
            t_up = i - up + 1;
    for (int i = down; i < N && t_down < 0; i++)
        if (db(fabs(x[i] / y[i])) <= exp(-1.0) * gr_hi)
            t_down = i - down + 1;
    *attack_err = fabs(t_up * 1000.0 / FS - p->attack_ms) / p->attack_ms;
    *release_err = fabs(t_down * 1000.0 / FS - p->release_ms) / p->release_ms;
}

static void test_attack_release(void)
{
    const float times[][2] = {{1.0f, 10.0f}, {5.0f, 50.0f}, {20.0f, 200.0f}, {80.0f, 1000.0f}};
    double worst_a = 0, worst_r = 0, rms_a, rms_r;
    for (int k = 0; k < 4; k++) {
        wm_compressor_params p = wm_compressor_defaults();
        p.knee_db = 0.0f;
        p.attack_ms = times[k][0];
        p.release_ms = times[k][1];
        double ea, er;
        step_times(&p, &ea, &er);
        CHECK(ea < 0.1 && er < 0.1);
        worst_a = fmax(worst_a, ea);
        worst_r = fmax(worst_r, er);
    }
    /* RMS detection adds the lag of its window: small when it is short. */
    wm_compressor_params p = wm_compressor_defaults();
    p.detect = WM_COMP_RMS;
    p.rms_ms = 1.0f;
    p.attack_ms = 30.0f;
    p.release_ms = 300.0f;
    step_times(&p, &rms_a, &rms_r);
    CHECK(rms_a < 0.1 && rms_r < 0.1);
    printf("compressor: time to 63%% of a step, peak: attack worst %.1f%%, release worst %.1f%% (1..80 ms, 10..1000 "
           "ms); RMS 1 ms window: attack %.1f%%, release %.1f%%\n",
           100 * worst_a, 100 * worst_r, 100 * rms_a, 100 * rms_r);
}

/* An external key drives the gain: a loud key reduces a quiet input; a
   silent key leaves a loud input untouched, bit for bit. */
static void test_external_sidechain(void)
{
    enum { N = FS / 2, M = FS / 5 };
    static float x[N], k[N], y[N];
    wm_compressor_params p = wm_compressor_defaults();
    p.knee_db = 0.0f;
    wm_compressor c = make(&p, 1);
    for (int i = 0; i < N; i++) {
        x[i] = (float)(0.01 * sin(2.0 * PI * 1000.0 * i / FS)); /* -40 dB, far below threshold */
        k[i] = square(i, 1.0);                                  /* 0 dB key */
    }
    run_mono(&c, x, y, k, N);
    double gr = -db(tone_amplitude(y + N - M, M, 1000.0) / 0.01);
    double want = 0.0 - textbook_out_db(0.0, p.threshold_db, p.ratio, 0.0);
    CHECK_NEAR(gr, want, 0.01);

    for (int i = 0; i < N; i++) {
        x[i] = (float)sin(2.0 * PI * 1000.0 * i / FS); /* 0 dB, far above threshold */
        k[i] = 0.0f;
    }
    wm_compressor_reset(&c);
    run_mono(&c, x, y, k, N);
    CHECK(memcmp(x, y, sizeof x) == 0);
    printf("compressor: external key at 0 dB reduces a -40 dB input by %.3f dB (textbook %.3f); silent key: "
           "0 dB input passes bit-exact\n",
           gr, want);
}

/* |H|^2 in dB of the bilinear (prewarped) 2nd-order Butterworth high-pass. */
static double butterworth_hp_db(double f, double fc)
{
    double w = tan(PI * f / FS) / tan(PI * fc / FS), w4 = w * w * w * w;
    return 10.0 * log10(w4 / (1.0 + w4));
}

/* Mean gain reduction in dB on a DC input of 0.01 under a 40 Hz key. */
static double hpf_gr_db(float hpf_hz)
{
    enum { SETTLE = FS * 2, M = FS / 2, N = SETTLE + M };
    static float x[N], k[N], y[N];
    wm_compressor_params p = wm_compressor_defaults();
    p.threshold_db = -40.0f;
    p.knee_db = 0.0f;
    p.detect = WM_COMP_RMS;
    p.rms_ms = 200.0f;
    p.sidechain_hpf_hz = hpf_hz;
    wm_compressor c = make(&p, 1);
    for (int i = 0; i < N; i++) {
        x[i] = 0.01f;
        k[i] = (float)sin(2.0 * PI * 40.0 * i / FS);
    }
    run_mono(&c, x, y, k, N);
    double sum = 0;
    for (int i = SETTLE; i < N; i++) /* a whole number of 40 Hz periods */
        sum += -db(y[i] / 0.01);
    return sum / M;
}

static void test_sidechain_hpf(void)
{
    const double level = db(sqrt(0.5)), thr = -40.0;
    double without = hpf_gr_db(0.0f), with = hpf_gr_db(200.0f);
    double h = butterworth_hp_db(40.0, 200.0);
    double want_without = level - textbook_out_db(level, thr, 4.0, 0.0);
    double want_with = (level + h) - textbook_out_db(level + h, thr, 4.0, 0.0);
    CHECK_NEAR(without, want_without, 0.1);
    CHECK_NEAR(with, want_with, 0.1);
    CHECK(without - with > 15.0);
    printf("compressor: 40 Hz key, RMS %.2f dB: GR %.2f dB without HPF (textbook %.2f), %.2f dB with a 200 Hz HPF "
           "(textbook with the analytic %.2f dB attenuation: %.2f)\n",
           level, without, want_without, with, h, want_with);
}

/* The meter reads what the signal shows: 20 log10(in/out) + makeup, now and
   as a maximum since the last read. */
static void test_gain_reduction_meter(void)
{
    enum { N = FS / 10 };
    static float x[N], y[N];
    wm_compressor_params p = wm_compressor_defaults();
    p.makeup_db = 6.0f;
    wm_compressor c = make(&p, 1);
    double worst = 0, max_seen = 0, first_read = 0;
    for (int i = 0; i < N; i++)
        x[i] = square(i, i < N / 2 ? 1.0 : 0.1);
    for (int b = 0; b < N / 128; b++) { /* a worklet's blocks: read the meter after each */
        run_mono(&c, x + 128 * b, y + 128 * b, NULL, 128);
        int last = 128 * b + 127;
        double measured = db(fabs(x[last] / y[last])) + 6.0;
        worst = fmax(worst, fabs(wm_compressor_gain_reduction_db(&c) - measured));
        for (int i = 128 * b; i <= last; i++)
            max_seen = fmax(max_seen, db(fabs(x[i] / y[i])) + 6.0);
        if (b == N / 256) { /* the block in which the loud part ends */
            first_read = wm_compressor_read_max_gain_reduction_db(&c);
            CHECK_NEAR(first_read, max_seen, 0.001);
            max_seen = 0;
        }
    }
    double max_read = wm_compressor_read_max_gain_reduction_db(&c);
    CHECK_NEAR(max_read, max_seen, 0.001);
    CHECK(max_read < first_read); /* only what followed the first read */
    CHECK(wm_compressor_read_max_gain_reduction_db(&c) == 0.0f); /* nothing processed since */
    CHECK(worst < 0.001);
    printf("compressor: gain-reduction meter vs measured level difference: worst %.5f dB\n", worst);
}

/* Linked, a loud channel (either side) reduces a quiet one by the same
   gain; unlinked, the quiet channel passes untouched; switching link glides. */
static void test_stereo_link(void)
{
    enum { N = FS / 4 };
    static float loud[N], quiet[N], ol[N], oq[N];
    for (int i = 0; i < N; i++) {
        loud[i] = square(i, 1.0);
        quiet[i] = square(i, 0.01);
    }
    wm_compressor_params p = wm_compressor_defaults();
    p.knee_db = 0.0f;
    double want = -textbook_out_db(0.0, p.threshold_db, p.ratio, 0.0);
    for (int side = 0; side < 2; side++) {
        const float* in[2] = {side ? quiet : loud, side ? loud : quiet};
        float* out[2] = {side ? oq : ol, side ? ol : oq};
        wm_compressor c = make(&p, 2);
        wm_compressor_process(&c, in, out, NULL, N);
        int same = 1;
        for (int i = 0; i < N; i++)
            same &= oq[i] == quiet[i] * (ol[i] / loud[i]); /* |loud| = 1: ol/loud is the gain, exactly */
        CHECK(same);
        CHECK_NEAR(db(fabs(oq[N - 1] / quiet[N - 1])), -want, 0.01);
    }

    p.link = 0;
    const float* in[2] = {loud, quiet};
    float* out[2] = {ol, oq};
    wm_compressor c = make(&p, 2);
    wm_compressor_process(&c, in, out, NULL, N);
    CHECK(memcmp(oq, quiet, sizeof quiet) == 0);
    CHECK_NEAR(db(fabs(ol[N - 1] / loud[N - 1])), -want, 0.01);

    /* Unlinked -> linked mid-stream: the quiet channel's gain moves by no
       more per sample than the attack allows (no step). */
    p.link = 1;
    wm_compressor_set(&c, &p);
    wm_compressor_process(&c, in, out, NULL, N);
    double k_attack = 1.0 - exp(-1000.0 / (p.attack_ms * FS)), worst_step = 0, prev = 0.0; /* was untouched */
    for (int i = 0; i < N; i++) {
        double g = db(fabs(oq[i] / quiet[i]));
        worst_step = fmax(worst_step, fabs(g - prev));
        prev = g;
    }
    CHECK(worst_step <= k_attack * want * 1.01);
    CHECK_NEAR(db(fabs(oq[N - 1] / quiet[N - 1])), -want, 0.01);
    printf("compressor: stereo link: quiet channel reduced %.2f dB with the loud one (identical gains); unlinked "
           "untouched; link switch largest gain step %.3f dB/sample\n",
           want, worst_step);
}

/* Compressors processed as a group (their smoothing side by side in the
   lanes of a wm_v4) give bit for bit what each gives alone: mono and
   stereo, linked and unlinked (a stereo compressor whose channels
   disagree takes two lanes: after the change below five lanes need two
   passes of four), RMS mode, attack slower than release, settings changed
   mid-run, random block sizes. Compressors at different points of their
   sub-block clocks are refused, untouched. */
static void test_group(void)
{
    enum { K = 4, N = FS / 2, MAXB = 300 };
    static const int chans[K] = {2, 1, 2, 2};
    static float in[K][2][N], group_out[K][2][N], alone_out[K][2][N];
    wm_compressor group[K], alone[K];
    for (int k = 0; k < K; k++) {
        wm_compressor_params p = wm_compressor_defaults();
        p.threshold_db = -30.0f + 5.0f * (float)k;
        p.attack_ms = k == 2 ? 300.0f : 2.0f + (float)k; /* compressor 2: attack slower than release */
        p.release_ms = 50.0f + 40.0f * (float)k;
        p.link = k != 3;                                 /* compressor 3: unlinked, two lanes */
        p.detect = k == 1 ? WM_COMP_RMS : WM_COMP_PEAK;
        group[k] = alone[k] = make(&p, chans[k]);
        for (int ch = 0; ch < chans[k]; ch++)
            for (int i = 0; i < N; i++) /* bursts, louder on the left */
                in[k][ch][i] = (float)((ch ? 0.2 : 1.0) * ((i / (2400 + 700 * k)) % 2 ? 0.9 : 0.05)) * check_noise();
    }
    for (int at = 0; at < N;) {
        int n = 1 + (int)(check_rand() % MAXB);
        n = n < N - at ? n : N - at;
        if (at > N / 2 && at - n <= N / 2) /* a change mid-run: compressor 0 unlinked too */
            for (int k = 0; k < 2; k++) {
                wm_compressor* c = k ? &alone[0] : &group[0];
                wm_compressor_params p = c->p;
                p.link = 0;
                p.makeup_db = 3.0f;
                wm_compressor_set(c, &p);
            }
        float* io[K][2];
        wm_compressor* all[K];
        for (int k = 0; k < K; k++) {
            all[k] = &group[k];
            for (int ch = 0; ch < chans[k]; ch++) {
                io[k][ch] = group_out[k][ch] + at;
                memcpy(io[k][ch], in[k][ch] + at, (size_t)n * sizeof(float));
            }
            const float* ai[2] = {in[k][0] + at, in[k][1] + at};
            float* ao[2] = {alone_out[k][0] + at, alone_out[k][1] + at};
            wm_compressor_process(&alone[k], ai, ao, NULL, n);
        }
        float* const* ios[K] = {io[0], io[1], io[2], io[3]};
        CHECK_EQ_INT(wm_compressor_process_group(all, ios, K, n), WM_OK);
        at += n;
    }
    int same = 1;
    float most_gr = 0.0f;
    for (int k = 0; k < K; k++) {
        for (int ch = 0; ch < chans[k]; ch++)
            same &= memcmp(group_out[k][ch], alone_out[k][ch], sizeof group_out[k][ch]) == 0;
        same &= group[k].gr_max_db == alone[k].gr_max_db;
        most_gr = fmaxf(most_gr, group[k].gr_max_db);
    }
    printf("compressor group: 4 compressors (mono, stereo linked and unlinked, RMS, slow attack) side by side: "
           "bit-identical to each alone %d, largest reduction %.1f dB\n", same, most_gr);
    CHECK(same);
    CHECK(most_gr > 6.0f); /* they did compress */

    float x[64] = {0.5f}, before = x[0];
    float* one[1] = {x};
    float* const* pair[2] = {one, one};
    wm_compressor a = make(&alone[1].p, 1), b = make(&alone[1].p, 1);
    wm_compressor_process_group((wm_compressor* []){&a}, pair, 1, 5); /* a is 5 frames into its sub-block */
    x[0] = before;
    CHECK_EQ_INT(wm_compressor_process_group((wm_compressor* []){&a, &b}, pair, 2, 64), WM_ERR_ARG);
    CHECK(x[0] == before && b.phase == 0);
}

/* The largest fourth difference of y: it rejects a 1 kHz sine (-71 dB) and
   sees the broadband energy of a step in the signal or its slope. */
static double max_click(const float* y, int from, int to)
{
    double m = 0;
    for (int i = from + 4; i < to; i++)
        m = fmax(m, fabs(y[i] - 4.0 * y[i - 1] + 6.0 * y[i - 2] - 4.0 * y[i - 3] + y[i - 4]));
    return m;
}

/* A parameter jump while a sine is compressed: the output's click metric
   against the same gain change applied at once. */
static void test_parameter_changes_do_not_click(void)
{
    enum { N = FS / 2, CHANGE = FS / 4 };
    static float x[N], y[N];
    for (int i = 0; i < N; i++)
        x[i] = (float)(0.5 * sin(2.0 * PI * 1000.0 * i / FS));
    wm_compressor_params a = wm_compressor_defaults();
    a.threshold_db = -10.0f;
    a.knee_db = 0.0f;
    a.attack_ms = 5.0f;
    a.release_ms = 50.0f;
    wm_compressor_params changes[5];
    for (int k = 0; k < 5; k++)
        changes[k] = a;
    changes[0].threshold_db = -35.0f;
    changes[1].ratio = 1.5f;
    changes[2].knee_db = 36.0f;
    changes[3].makeup_db = 12.0f;
    changes[4].detect = WM_COMP_RMS;
    double worst_ratio = 1e9, worst_click = 0;
    for (int k = 0; k < 5; k++) {
        wm_compressor c = make(&a, 1);
        run_mono(&c, x, y, NULL, CHANGE);
        wm_compressor_set(&c, &changes[k]);
        run_mono(&c, x + CHANGE, y + CHANGE, NULL, N - CHANGE);
        double g0 = y[CHANGE - FS / 1000 * 3 / 4] / x[CHANGE - FS / 1000 * 3 / 4]; /* on a crest */
        double g1 = y[N - FS / 1000 * 3 / 4] / x[N - FS / 1000 * 3 / 4];
        CHECK(fabs(db(g1 / g0)) > 1.0); /* the change does something */
        static float hard[N];
        for (int i = 0; i < N; i++)
            hard[i] = (float)(x[i] * (i < CHANGE ? g0 : g1));
        double smooth = max_click(y, CHANGE - 4, N), step = max_click(hard, CHANGE - 4, N);
        CHECK(smooth < 5e-3);
        CHECK(step > 50.0 * smooth);
        worst_ratio = fmin(worst_ratio, step / smooth);
        worst_click = fmax(worst_click, smooth);
    }
    printf("compressor: parameter jumps (threshold, ratio, knee, makeup, mode): click metric worst %.2e, at least "
           "%.0fx below the same change applied at once\n",
           worst_click, worst_ratio);
}

static void test_hostile_input(void)
{
    enum { N = 500000, B = 128 };
    static float l[N], r[N], kl[N], kr[N];
    long long bad = 0;
    for (int i = 0; i < N; i++) {
        l[i] = check_hostile(2.0f);
        r[i] = check_hostile(2.0f);
        kl[i] = check_hostile(2.0f);
        kr[i] = check_hostile(2.0f);
        bad += !isfinite(l[i]) + !isfinite(r[i]);
    }
    wm_compressor_params p = wm_compressor_defaults();
    p.makeup_db = 6.0f;
    p.sidechain_hpf_hz = 100.0f;
    p.detect = WM_COMP_RMS;
    for (int ext = 0; ext < 2; ext++) {
        static float ol[N], or_[N];
        wm_compressor c = make(&p, 2);
        for (int i = 0; i < N; i += B) {
            const float* in[2] = {l + i, r + i};
            const float* key[2] = {kl + i, kr + i};
            float* out[2] = {ol + i, or_ + i};
            wm_compressor_process(&c, in, out, ext ? key : NULL, N - i < B ? N - i : B);
        }
        long long want = bad;
        for (int i = 0; i < N && ext; i++)
            want += !isfinite(kl[i]) + !isfinite(kr[i]);
        CHECK_EQ_INT(c.nonfinite, want);
        double limit = 2.0 * pow(10.0, 6.0 / 20.0) * 1.0001;
        int ok = 1;
        for (int i = 0; i < N; i++)
            ok &= isfinite(ol[i]) && isfinite(or_[i]) && fabsf(ol[i]) <= limit && fabsf(or_[i]) <= limit;
        CHECK(ok);
        CHECK(isfinite(wm_compressor_gain_reduction_db(&c)));
        if (ext == 0)
            printf("compressor: 1000000 hostile samples (10%% NaN/Inf): output finite, |out| <= %.2f, %lld "
                   "non-finite counted\n",
                   limit, (long long)c.nonfinite);
    }
    /* Huge finite samples overflow x^2 (and the key filter) but not the
       detector; clean input afterwards is compressed normally. At unity
       makeup the output of a finite input stays finite. */
    p.makeup_db = 0.0f;
    wm_compressor c = make(&p, 1);
    static float x[FS], y[FS];
    for (int i = 0; i < FS; i++)
        x[i] = (i & 1) ? 3e38f : -3e38f;
    run_mono(&c, x, y, NULL, FS);
    int ok = 1;
    for (int i = 0; i < FS; i++)
        ok &= isfinite(y[i]);
    CHECK(ok);
    for (int i = 0; i < FS; i++)
        x[i] = square(i, 0.01); /* -40 dB: below threshold */
    for (int k = 0; k < 3; k++) /* release from +240 dB of reduction takes a while */
        run_mono(&c, x, y, NULL, FS);
    CHECK(db(fabs(y[FS - 1] / x[FS - 1])) == 0.0);
}

/* Stereo, RMS, sidechain HPF, external key, parameter change mid-stream:
   any split into blocks, and in place, give the same bits. */
static void test_block_split_and_in_place(void)
{
    enum { N = 30000, CHANGE = 12000 };
    static float l[N], r[N], kl[N], kr[N], a0[N], a1[N], b0[N], b1[N];
    for (int i = 0; i < N; i++) {
        l[i] = (float)(0.8 * sin(2.0 * PI * 300.0 * i / FS)) * check_noise();
        r[i] = check_noise();
        kl[i] = check_noise();
        kr[i] = (float)sin(2.0 * PI * 50.0 * i / FS);
    }
    wm_compressor_params p = wm_compressor_defaults(), q;
    p.detect = WM_COMP_RMS;
    p.sidechain_hpf_hz = 150.0f;
    p.link = 0;
    q = p;
    q.threshold_db = -30.0f;
    q.makeup_db = 4.0f;
    q.sidechain_hpf_hz = 600.0f;
    q.link = 1;
    wm_compressor whole = make(&p, 2), split = make(&p, 2);
    const float* in[2] = {l, r};
    const float* key[2] = {kl, kr};
    float* out[2] = {a0, a1};
    wm_compressor_process(&whole, in, out, key, CHANGE);
    wm_compressor_set(&whole, &q);
    const float* in2[2] = {l + CHANGE, r + CHANGE};
    const float* key2[2] = {kl + CHANGE, kr + CHANGE};
    float* out2[2] = {a0 + CHANGE, a1 + CHANGE};
    wm_compressor_process(&whole, in2, out2, key2, N - CHANGE);

    memcpy(b0, l, sizeof b0); /* the split run works in place */
    memcpy(b1, r, sizeof b1);
    const int sizes[] = {1, 2, 3, 21, 128, 300};
    for (int done = 0; done < N;) {
        int end = done < CHANGE ? CHANGE : N;
        int len = sizes[check_rand() % 6];
        len = len < end - done ? len : end - done;
        const float* bi[2] = {b0 + done, b1 + done};
        float* bo[2] = {b0 + done, b1 + done};
        const float* bk[2] = {kl + done, kr + done};
        wm_compressor_process(&split, bi, bo, bk, len);
        done += len;
        if (done == CHANGE)
            wm_compressor_set(&split, &q);
    }
    CHECK(memcmp(a0, b0, sizeof a0) == 0);
    CHECK(memcmp(a1, b1, sizeof a1) == 0);
    CHECK(whole.gr_db[0] > 1.0f); /* it did compress */
}

static void test_reset(void)
{
    enum { N = 4096 };
    static float l[N], r[N], a0[N], a1[N], b0[N], b1[N];
    wm_compressor_params p = wm_compressor_defaults();
    p.link = 0;
    p.sidechain_hpf_hz = 80.0f;
    p.makeup_db = 3.0f;
    wm_compressor c = make(&p, 2), fresh = make(&p, 2);
    for (int i = 0; i < N; i++) {
        l[i] = check_noise();
        r[i] = 0.5f * check_noise();
    }
    const float* in[2] = {l, r};
    float* oa[2] = {a0, a1};
    float* ob[2] = {b0, b1};
    wm_compressor_process(&c, in, oa, NULL, N - 7); /* leaves the sub-block clock mid-way */
    for (int ch = 0; ch < 2; ch++) /* dirty before reset, every channel */
        CHECK(c.gr_db[ch] > 0.0f && c.mean_sq[ch] > 0.0f && c.hpf.z[ch][0] != 0.0f);
    wm_compressor_reset(&c);
    CHECK(wm_compressor_read_max_gain_reduction_db(&c) == 0.0f);
    wm_compressor_process(&c, in, oa, NULL, N);
    wm_compressor_process(&fresh, in, ob, NULL, N);
    CHECK(memcmp(a0, b0, sizeof a0) == 0);
    CHECK(memcmp(a1, b1, sizeof a1) == 0);
}

static void test_denormals_flushed(void)
{
    static float x[FS], y[FS];
    wm_compressor_params p = wm_compressor_defaults();
    p.detect = WM_COMP_RMS;
    wm_compressor c = make(&p, 1);
    for (int i = 0; i < FS; i++)
        x[i] = square(i, 1.0);
    run_mono(&c, x, y, NULL, FS);
    memset(x, 0, sizeof x);
    for (int k = 0; k < 10; k++)
        run_mono(&c, x, y, NULL, FS);
    CHECK(c.mean_sq[0] == 0.0f && c.gr_db[0] == 0.0f);
}

/* A knee too small to matter (a denormal, as a page may send) is a hard
   knee: the curve is the hard one, and silence, a tone and silence again
   leave the gain reduction finite and at rest. */
static void test_tiny_knee_is_hard(void)
{
    static float x[FS], y[FS];
    const float knees[] = {1e-40f, FLT_MIN, 1e-30f, 1e-6f};
    for (int k = 0; k < 4; k++) {
        wm_compressor_params p = wm_compressor_defaults();
        p.knee_db = knees[k];
        wm_compressor c = make(&p, 1);
        double worst = 0;
        for (double in = -80.0; in <= 20.0; in += 0.25)
            worst = fmax(worst, fabs(wm_compressor_curve_db(&c, (float)in) - textbook_out_db(in, -20.0, 4.0, 0.0)));
        CHECK(worst < 1e-3);
        p.knee_db = 0.0f;
        wm_compressor hard = make(&p, 1);
        for (int i = 0; i < FS; i++)
            x[i] = i < FS / 4 || i >= FS / 2 ? 0.0f : (float)(0.5 * sin(2 * PI * 1000.0 * i / FS));
        run_mono(&c, x, y, NULL, FS);
        run_mono(&hard, x, x, NULL, FS);
        CHECK(isfinite(c.gr_db[0]));
        CHECK_NEAR(c.gr_db[0], hard.gr_db[0], 1e-4);
        CHECK_NEAR(y[FS / 2 - 1], x[FS / 2 - 1], 1e-6);
    }
}

static void test_parameters(void)
{
    wm_compressor c;
    wm_compressor_params p = wm_compressor_defaults();
    CHECK_EQ_INT(wm_compressor_init(&c, &p, 0, FS), WM_ERR_ARG);
    CHECK_EQ_INT(wm_compressor_init(&c, &p, WM_MAX_CHANNELS + 1, FS), WM_ERR_ARG);
    CHECK_EQ_INT(wm_compressor_init(&c, &p, 1, NAN), WM_ERR_ARG);
    CHECK_EQ_INT(wm_compressor_init(&c, NULL, 1, FS), WM_ERR_ARG);
    p.ratio = 0.5f;
    CHECK_EQ_INT(wm_compressor_init(&c, &p, 1, FS), WM_ERR_ARG);
    p.ratio = NAN;
    CHECK_EQ_INT(wm_compressor_init(&c, &p, 1, FS), WM_ERR_ARG);
    p = wm_compressor_defaults();
    p.ratio = INFINITY;
    CHECK_EQ_INT(wm_compressor_init(&c, &p, 1, FS), WM_OK);
    CHECK(c.slope == 1.0f);

    wm_compressor_params q = p;
    q.threshold_db = -500.0f;
    q.sidechain_hpf_hz = 5.0f;
    CHECK_EQ_INT(wm_compressor_set(&c, &q), WM_ERR_RANGE);
    CHECK(c.p.threshold_db == -100.0f && c.p.sidechain_hpf_hz == 20.0f);
    q.attack_ms = NAN;
    q.detect = (wm_comp_detect)7;
    CHECK_EQ_INT(wm_compressor_set(&c, &q), WM_ERR_ARG);
    CHECK(c.p.attack_ms == p.attack_ms && c.p.detect == p.detect);
    /* nothing to do: n = 0 */
    float x[1] = {1.0f};
    run_mono(&c, x, x, NULL, 0);
    CHECK(x[0] == 1.0f);
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_static_curve();
    test_soft_knee();
    test_attack_release();
    test_external_sidechain();
    test_sidechain_hpf();
    test_gain_reduction_meter();
    test_stereo_link();
    test_group();
    test_parameter_changes_do_not_click();
    test_hostile_input();
    test_block_split_and_in_place();
    test_reset();
    test_denormals_flushed();
    test_tiny_knee_is_hard();
    test_parameters();
    return check_finish("test_compressor", seed);
}
