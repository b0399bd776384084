/* test_strip.c -- the channel strip: levels through fader, mute and pan
   against analytic gains (the StereoPannerNode formula), compressor and
   saturation switched on and off without clicks, an EQ band changed as one
   set, parameter errors, NaN input. */
#include <stdlib.h>

#include "check.h"
#include "wm_strip.h"

enum { FS = 48000, BLOCK = 128 };
static const double PI = 3.14159265358979323846;

static wm_strip* make_strip(int channels, void** mem)
{
    wm_strip_config cfg = {FS, BLOCK, channels};
    size_t need = wm_strip_memory_size(&cfg);
    *mem = malloc(need);
    wm_arena a;
    wm_arena_init(&a, *mem, need);
    static wm_strip strips[4];
    static int next;
    wm_strip* s = &strips[next++ % 4];
    CHECK_EQ_INT(wm_strip_init(s, &a, &cfg), WM_OK);
    return s;
}

/* Runs `blocks` blocks of DC (l, r) through the strip. */
static void run_dc(wm_strip* s, float l, float r, int blocks)
{
    for (int b = 0; b < blocks; b++) {
        for (int i = 0; i < BLOCK; i++) {
            s->in[0][i] = l;
            if (s->cfg.channels == 2)
                s->in[1][i] = r;
        }
        wm_strip_process(s, BLOCK);
    }
}

static void test_levels(void)
{
    void* mem;
    wm_strip* s = make_strip(1, &mem);
    double worst = 0;
    const float pans[] = {-1.0f, -0.5f, 0.0f, 0.3f, 1.0f};
    const float faders[] = {0.0f, -6.0f, -20.0f, 6.0f};
    for (int p = 0; p < 5; p++) {
        for (int f = 0; f < 4; f++) {
            wm_strip_set_param(s, WM_STRIP_PAN, pans[p]);
            wm_strip_set_param(s, WM_STRIP_FADER_DB, faders[f]);
            run_dc(s, 0.5f, 0, 20);
            double x = (pans[p] + 1.0) / 2.0, g = pow(10.0, faders[f] / 20.0);
            double el = 0.5 * cos(x * PI / 2) * g, er = 0.5 * sin(x * PI / 2) * g;
            worst = fmax(worst, fmax(fabs(s->out[0][BLOCK - 1] - el), fabs(s->out[1][BLOCK - 1] - er)));
            CHECK_NEAR(s->out[0][BLOCK - 1], el, 1e-6);
            CHECK_NEAR(s->out[1][BLOCK - 1], er, 1e-6);
            CHECK_NEAR(s->pre[0][BLOCK - 1], el / g, 1e-6); /* the pre tap ignores the fader */
        }
    }
    printf("strip mono DC through pan x fader (20 cases): max error vs spec formula %.3g\n", worst);
    /* Mute ramps to exact silence, not a jump, and back. */
    wm_strip_set_param(s, WM_STRIP_MUTE, 1);
    run_dc(s, 0.5f, 0, 1);
    CHECK(s->out[1][0] > 0.0f && s->out[1][BLOCK - 1] < s->out[1][0]); /* pan 1: all on the right */
    run_dc(s, 0.5f, 0, 10);
    CHECK(s->out[0][BLOCK - 1] == 0.0f && s->out[1][BLOCK - 1] == 0.0f);
    wm_strip_set_param(s, WM_STRIP_MUTE, 0);
    free(mem);

    /* Stereo input, pan 0.5: L = inL cos(pi/4), R = inR + inL sin(pi/4). */
    s = make_strip(2, &mem);
    wm_strip_set_param(s, WM_STRIP_PAN, 0.5f);
    run_dc(s, 0.3f, 0.2f, 20);
    double el = 0.3 * cos(0.5 * PI / 2), er = 0.2 + 0.3 * sin(0.5 * PI / 2);
    printf("strip stereo DC pan 0.5: L %.7f (expected %.7f) R %.7f (expected %.7f)\n", s->out[0][BLOCK - 1], el,
           s->out[1][BLOCK - 1], er);
    CHECK_NEAR(s->out[0][BLOCK - 1], el, 1e-6);
    CHECK_NEAR(s->out[1][BLOCK - 1], er, 1e-6);
    /* A sine through fader -12 dB at pan 0: the RMS meter reads the analytic level. */
    wm_strip_set_param(s, WM_STRIP_PAN, 0.0f);
    wm_strip_set_param(s, WM_STRIP_FADER_DB, -12.0f);
    for (int b = 0; b < 3 * FS / BLOCK; b++) {
        for (int i = 0; i < BLOCK; i++)
            s->in[0][i] = s->in[1][i] = (float)(0.5 * sin(2 * PI * 1000.0 * (b * BLOCK + i) / FS));
        wm_strip_process(s, BLOCK);
    }
    wm_strip_levels lv;
    wm_strip_get_levels(s, &lv);
    double expect = 20 * log10(0.5 / sqrt(2.0)) - 12.0;
    printf("strip sine -6 dBFS, fader -12 dB: RMS %.3f dB (expected %.3f), peak %.3f dB (expected %.3f)\n",
           lv.rms_db[0], expect, lv.peak_db[0], 20 * log10(0.5) - 12.0);
    CHECK_NEAR(lv.rms_db[0], expect, 0.05);
    CHECK_NEAR(lv.rms_db[1], expect, 0.05);
    CHECK_NEAR(lv.peak_db[0], 20 * log10(0.5) - 12.0, 0.05);
    free(mem);
}

/* The largest fourth difference (as in test_filter.c): a sine at 1 kHz
   passes at -71 dB, a click at up to +24 dB. */
static double max_click(const float* y, int from, int to)
{
    double m = 0;
    for (int i = from + 4; i < to; i++)
        m = fmax(m, fabs(y[i] - 4.0 * y[i - 1] + 6.0 * y[i - 2] - 4.0 * y[i - 3] + y[i - 4]));
    return m;
}

/* Renders a 1 kHz sine at amp through a mono strip (left output), setting
   param to on at frame `on_at` and off at `off_at`. */
static void render_switch(int param, float amp, int on_at, int off_at, float* y, int n, wm_strip** out_strip,
                          void** mem)
{
    wm_strip* s = make_strip(1, mem);
    wm_strip_set_param(s, WM_STRIP_PAN, -1.0f); /* left gets the input at unity */
    wm_strip_set_param(s, WM_STRIP_COMP_THRESHOLD_DB, -24.0f);
    wm_strip_set_param(s, WM_STRIP_SAT_DRIVE_DB, 12.0f);
    wm_strip_reset(s);
    for (int at = 0; at < n; at += BLOCK) {
        if (at == on_at)
            wm_strip_set_param(s, param, 1);
        if (at == off_at)
            wm_strip_set_param(s, param, 0);
        for (int i = 0; i < BLOCK; i++)
            s->in[0][i] = (float)(amp * sin(2 * PI * 1000.0 * (at + i) / FS));
        wm_strip_process(s, BLOCK);
        memcpy(y + at, s->out[0], BLOCK * sizeof(float));
    }
    *out_strip = s; /* *mem stays allocated: the caller inspects the strip, then frees it */
}

static void test_switches_do_not_click(void)
{
    enum { N = 2 * FS / BLOCK * BLOCK, ON = 128 * 50, OFF = 128 * 300 };
    static float y[N], hard[N];
    const int params[2] = {WM_STRIP_COMP_ON, WM_STRIP_SAT_ON};
    const char* names[2] = {"compressor", "saturation"};
    for (int k = 0; k < 2; k++) {
        wm_strip* s;
        void* mem;
        render_switch(params[k], 0.5f, ON, OFF, y, N, &s, &mem);
        double before = max_click(y, 0, ON);
        double settled_on = max_click(y, ON + FS / 4, OFF);
        double on_edge = max_click(y, ON - 8, ON + FS / 4);
        double off_edge = max_click(y, OFF - 8, N);
        /* The same switch made hard: the settled processed signal (a whole
           number of periods later) spliced in at once. */
        for (int i = 0; i < ON + 64; i++)
            hard[i] = i < ON ? (float)(0.5 * sin(2 * PI * 1000.0 * i / FS)) : y[i + FS / 4];
        double hard_edge = max_click(hard, ON - 8, ON + 64);
        printf("%s on/off: 4th difference dry %.2e, on %.2e, switching on %.2e, off %.2e; spliced hard %.2e\n",
               names[k], before, settled_on, on_edge, off_edge, hard_edge);
        /* Saturation only crossfades, so switching stays within the settled
           signals' own figure. The compressor's attack starting from 0 dB
           reduction bends the envelope as a signal crossing its threshold
           does: bounded, and far below a splice. */
        double bound = k == 0 ? 5e-3 : fmax(before, settled_on) * 1.05;
        CHECK(on_edge <= bound);
        CHECK(off_edge <= bound);
        CHECK(hard_edge > 10.0 * on_edge);
        /* Once off and at rest the module is skipped, and the strip is a wire. */
        CHECK(!(k == 0 ? s->comp_active : s->sat_active));
        CHECK(fabs(y[N - 1] - 0.5 * sin(2 * PI * 1000.0 * (N - 1) / FS)) < 1e-6);
        free(mem);
    }
    /* The compressor did compress: -6 dBFS peak, threshold -24, ratio 4, knee 6. */
}

static void test_band_is_one_set(void)
{
    void* mem;
    wm_strip* s = make_strip(2, &mem);
    const wm_eq_voice* v = &s->eq.voice[WM_EQ_CUT_SECTIONS + 3][1];
    int b3 = WM_STRIP_EQ0_ON + 3 * WM_STRIP_BAND_STRIDE;
    CHECK_EQ_INT(wm_strip_set_param(s, b3 + 2, 2000.0f), WM_OK);
    CHECK_EQ_INT(wm_strip_set_param(s, b3 + 3, 2.0f), WM_OK);
    CHECK_EQ_INT(wm_strip_set_param(s, b3 + 4, 9.0f), WM_OK);
    CHECK_EQ_INT(wm_strip_set_param(s, b3 + 0, 1.0f), WM_OK);
    /* Nothing reached the EQ yet: the band still holds its defaults. */
    CHECK(v->target.freq_hz == 1000.0f && v->target.gain_db == 0.0f && !v->on);
    CHECK(s->dirty == 1u << 3);
    wm_strip_commit(s);
    CHECK(v->target.freq_hz == 2000.0f && v->target.q == 2.0f && v->target.gain_db == 9.0f && v->on);
    CHECK(s->dirty == 0);
    run_dc(s, 0, 0, FS / BLOCK);
    double r = wm_eq_response_db(&s->eq, 1, 2000.0f);
    printf("strip band 3 set as one (2 kHz, Q 2, +9 dB): response at 2 kHz %.4f dB in both lanes\n", r);
    CHECK_NEAR(r, 9.0, 0.01);
    CHECK_NEAR(wm_eq_response_db(&s->eq, 0, 2000.0f), 9.0, 0.01);
    free(mem);
}

static void test_param_errors(void)
{
    void* mem;
    wm_strip* s = make_strip(1, &mem);
    CHECK_EQ_INT(wm_strip_set_param(s, WM_STRIP_PARAM_COUNT, 0), WM_ERR_PARAM);
    CHECK_EQ_INT(wm_strip_set_param(s, WM_STRIP_FADER_DB, NAN), WM_ERR_ARG);
    CHECK(wm_strip_get_param(s, WM_STRIP_FADER_DB) == 0.0f);
    CHECK_EQ_INT(wm_strip_set_param(s, WM_STRIP_FADER_DB, 40.0f), WM_ERR_RANGE);
    CHECK(wm_strip_get_param(s, WM_STRIP_FADER_DB) == 12.0f);
    CHECK_EQ_INT(wm_strip_set_param(s, WM_STRIP_LOWCUT_SLOPE, 30.0f), WM_ERR_RANGE);
    CHECK(wm_strip_get_param(s, WM_STRIP_LOWCUT_SLOPE) == 24.0f);
    CHECK_EQ_INT(wm_strip_set_param(s, WM_STRIP_MUTE, 0.7f), WM_ERR_RANGE);
    CHECK(wm_strip_get_param(s, WM_STRIP_MUTE) == 1.0f);
    CHECK(strcmp(wm_strip_param_get_info(WM_STRIP_SEND15_PRE)->name, "send15_pre") == 0);
    CHECK(strcmp(wm_strip_param_get_info(WM_STRIP_EQ7_GAIN_DB)->name, "eq7_gain_db") == 0);
    printf("strip parameters: %d\n", WM_STRIP_PARAM_COUNT);
    free(mem);
}

static void test_nonfinite_input(void)
{
    void* mem;
    wm_strip* s = make_strip(2, &mem);
    const int ids[] = {WM_STRIP_COMP_ON, WM_STRIP_SAT_ON, WM_STRIP_LOWCUT_ON, WM_STRIP_EQ0_ON};
    for (int k = 0; k < 4; k++)
        wm_strip_set_param(s, ids[k], 1);
    unsigned injected = 0;
    int finite = 1;
    for (int b = 0; b < 1000000 / (2 * BLOCK); b++) {
        injected += check_hostile_block(s->in[0], BLOCK, 1.0f);
        injected += check_hostile_block(s->in[1], BLOCK, 1.0f);
        wm_strip_process(s, BLOCK);
        for (int i = 0; i < BLOCK; i++)
            finite &= wm_is_finite(s->out[0][i]) && wm_is_finite(s->out[1][i]) && fabsf(s->out[0][i]) < 10.0f;
    }
    CHECK(finite);
    CHECK_EQ_INT(s->eq_run->nonfinite, (int)injected); /* the EQ, the first insert, replaces them */
    printf("strip hostile input: %u non-finite samples replaced, output finite\n", injected);
    free(mem);
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_levels();
    test_switches_do_not_click();
    test_band_is_one_set();
    test_param_errors();
    test_nonfinite_input();
    return check_finish("test_strip", seed);
}
