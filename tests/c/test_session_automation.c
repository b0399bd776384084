/* test_session_automation.c -- AUTOMATE through the session's command ring:
   every output frame of a DC track against the Web Audio formulas
   (setValueAtTime, linear and exponential ramps, setTargetAtTime,
   cancelScheduledValues, cancelAndHoldAtTime, the value setter mid-ramp),
   computed here in double, for the fader (dB to linear), the pan (mono and
   stereo laws) and a send level, within 1e-6, with host blocks of several
   sizes (bit-identical output for every split); k-rate parameters on their
   32-frame grid; lanes released after the last event; lanes or events
   exhausted and hostile records rejected with nothing changed; no
   allocation; the cost of a-rate and k-rate lanes. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <time.h>

#include "alloc_count.h"
#include "check.h"
#include "session_config.h"
#include "wm_lanes.h"
#include "wm_session.h"

enum { FS = 48000, MAX_BLOCK = 512, FRAMES = 16384 };
#define PI 3.14159265358979323846
#define MIXER_TARGET 0xffffffffu
#define IN_MONO 0.5  /* track 0 */
#define IN_L 0.5     /* track 1 (stereo) */
#define IN_R 0.25

typedef struct {
    void* mem;
    wm_session* s;
    wm_ring cmd;
} fixture;

static void open_fixture(fixture* f, int lanes, int events, int tracks)
{
    wm_session_config c;
    memset(&c, 0, sizeof c);
    c.mixer.sample_rate = FS;
    c.mixer.max_block = MAX_BLOCK;
    c.mixer.track_count = tracks;
    c.mixer.bus_count = 1;
    c.mixer.clips_per_track = 4;
    for (int t = 0; t < tracks; t++)
        c.mixer.track_channels[t] = t == 0 ? 1 : 2;
    c.pool_pages = 4;
    c.pool_page_floats = 256;
    c.command_ring_bytes = 1 << 20;
    c.reply_ring_bytes = 4096;
    c.automation_lanes = lanes;
    c.automation_events = events;
    f->s = session_open(&c, &f->mem);
    CHECK(f->s != NULL);
    CHECK_EQ_INT(wm_ring_attach(&f->cmd, wm_session_command_ring(f->s), 1u << 22), WM_OK);
}

static void close_fixture(fixture* f) { free(f->mem); }
static uint32_t st(const fixture* f, int i) { return wm_session_status(f->s)[i]; }
static wm_mixer* mixer(fixture* f) { return wm_session_mixer(f->s); }

/* ---- records ---- */

typedef struct {
    int64_t at; /* the engine frame before which it is pushed */
    int words;
    uint32_t w[12]; /* AUTOMATE takes 9; the hostile records are up to 12 long */
} cmd;

static uint32_t fbits(float x)
{
    uint32_t u;
    memcpy(&u, &x, 4);
    return u;
}

static void put_f64(uint32_t* w, double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    w[0] = (uint32_t)u;
    w[1] = (uint32_t)(u >> 32);
}

static cmd automate(int64_t at, uint32_t target, int param, int kind, double time, float value, double tc)
{
    cmd c = {at, 9, {WM_SESSION_OP_AUTOMATE, target, (uint32_t)param, (uint32_t)kind, 0, 0, fbits(value), 0, 0}};
    put_f64(c.w + 4, time);
    put_f64(c.w + 7, tc);
    return c;
}

static cmd set_param(int64_t at, uint32_t strip, int param, float value)
{
    cmd c = {at, 4, {WM_SESSION_OP_SET_STRIP_PARAM, strip, (uint32_t)param, fbits(value)}};
    return c;
}

static int push(fixture* f, const cmd* c) { return wm_ring_push_record(&f->cmd, c->w, 4 * c->words); }

/* ---- the Web Audio formulas, in double ---- */

static double linear(double f, double t0, double v0, double t1, double v1)
{
    return v0 + (v1 - v0) * (f - t0) / (t1 - t0);
}

static double expo(double f, double t0, double v0, double t1, double v1)
{
    return v0 * pow(v1 / v0, (f - t0) / (t1 - t0));
}

static double target(double f, double t0, double v0, double v1, double tau)
{
    return v1 + (v0 - v1) * exp(-(f - t0) / tau);
}

static double lin(double db) { return db <= -96.0 ? 0.0 : pow(10.0, db / 20.0); }

/* ---- scenarios: a parameter's expected value at every frame ---- */

enum { ON_FADER, ON_PAN_MONO, ON_PAN_STEREO, ON_SEND };

/* One command of a scenario: AUTOMATE, or SET_STRIP_PARAM when kind < 0. */
typedef struct {
    int64_t at;
    uint32_t strip;
    int param, kind;
    double time;
    float value;
    double tc;
} event;

typedef struct {
    const char* name;
    int on;
    double (*value)(double f);
    int ncmds;
    event cmds[6];
} scenario;

static cmd to_cmd(const event* e)
{
    return e->kind < 0 ? set_param(e->at, e->strip, e->param, e->value)
                       : automate(e->at, e->strip, e->param, e->kind, e->time, e->value, e->tc);
}

static double v_set(double f) { return f >= 1500.3 ? -3.0 : f >= 1000.0 ? -12.0 : 0.0; }
static double v_linear(double f)
{
    return f >= 2300.5 ? -6.0 : f >= 300.0 ? linear(f, 300.0, -20.0, 2300.5, -6.0) : 0.0;
}
static double v_expo(double f) { return f >= 3000.0 ? -2.0 : f >= 200.0 ? expo(f, 200.0, -40.0, 3000.0, -2.0) : 0.0; }
static double v_target(double f) { return f >= 500.0 ? target(f, 500.0, 0.0, -30.0, 800.0) : 0.0; }
/* cancel(2000) at 512 removes only the ramp: the setValues before it stay. */
static double v_cancel_keeps(double f) { return f >= 1000.0 ? -12.0 : f >= 100.0 ? -6.0 : 0.0; }
/* cancel(2000) at 1600, mid-ramp: the ramp is gone, the value falls back to the setValue's. */
static double v_cancel_mid(double f)
{
    return f >= 1600.0 ? -6.0 : f >= 100.0 ? linear(f, 100.0, -6.0, 4100.0, -30.0) : 0.0;
}
static double v_hold_linear(double f)
{
    double tc = 2500.5;
    return f >= 100.0 ? linear(fmin(f, tc), 100.0, -6.0, 4100.0, -30.0) : 0.0;
}
static double v_hold_expo(double f) { return expo(fmin(f, 1900.25), 0.0, -40.0, 4000.0, -1.0); }
static double v_hold_target(double f) { return f >= 500.0 ? target(fmin(f, 2000.7), 500.0, 0.0, -30.0, 800.0) : 0.0; }
/* The value setter at 2048 mid-ramp: setValueAtTime(-6, 2048), the ramp goes on from there. */
static double v_setter_mid(double f)
{
    return f >= 4000.0 ? -24.0 : f >= 2048.0 ? linear(f, 2048.0, -6.0, 4000.0, -24.0) : linear(f, 0.0, 0.0, 4000.0, -24.0);
}
static double v_pan_mono(double f)
{
    return f >= 3500.0   ? target(f, 3500.0, 1.0, -0.5, 300.0)
           : f >= 3000.5 ? 1.0
           : f >= 1000.0 ? linear(f, 1000.0, -1.0, 3000.5, 1.0)
                         : 0.0;
}
static double v_pan_stereo(double f)
{
    return f >= 2600.0 ? -0.75 : f >= 600.0 ? expo(f, 600.0, 0.1, 2600.0, 0.9) : 0.0;
}
static double v_send(double f)
{
    return f >= 3000.0 ? target(f, 3000.0, 0.0, -20.0, 400.0)
           : f >= 2000.0 ? 0.0 : f >= 1000.0 ? linear(f, 1000.0, -40.0, 2000.0, 0.0) : -96.0;
}

static const scenario scenarios[] = {
    {"setValueAtTime", ON_FADER, v_set, 2,
     {{0, 0, WM_STRIP_FADER_DB, 0, 1000.0, -12.0f, 0}, {0, 0, WM_STRIP_FADER_DB, 0, 1500.3, -3.0f, 0}}},
    {"linearRamp", ON_FADER, v_linear, 2,
     {{0, 0, WM_STRIP_FADER_DB, 0, 300.0, -20.0f, 0}, {0, 0, WM_STRIP_FADER_DB, 1, 2300.5, -6.0f, 0}}},
    {"exponentialRamp", ON_FADER, v_expo, 2,
     {{0, 0, WM_STRIP_FADER_DB, 0, 200.0, -40.0f, 0}, {0, 0, WM_STRIP_FADER_DB, 2, 3000.0, -2.0f, 0}}},
    {"setTarget", ON_FADER, v_target, 1, {{0, 0, WM_STRIP_FADER_DB, 3, 500.0, -30.0f, 800.0}}},
    {"cancelScheduledValues keeps earlier", ON_FADER, v_cancel_keeps, 4,
     {{0, 0, WM_STRIP_FADER_DB, 0, 100.0, -6.0f, 0}, {0, 0, WM_STRIP_FADER_DB, 0, 1000.0, -12.0f, 0},
      {0, 0, WM_STRIP_FADER_DB, 1, 4100.0, -30.0f, 0}, {512, 0, WM_STRIP_FADER_DB, 4, 2000.0, 0, 0}}},
    {"cancelScheduledValues mid-ramp", ON_FADER, v_cancel_mid, 3,
     {{0, 0, WM_STRIP_FADER_DB, 0, 100.0, -6.0f, 0}, {0, 0, WM_STRIP_FADER_DB, 1, 4100.0, -30.0f, 0},
      {1600, 0, WM_STRIP_FADER_DB, 4, 2000.0, 0, 0}}},
    {"cancelAndHold mid linear ramp", ON_FADER, v_hold_linear, 3,
     {{0, 0, WM_STRIP_FADER_DB, 0, 100.0, -6.0f, 0}, {0, 0, WM_STRIP_FADER_DB, 1, 4100.0, -30.0f, 0},
      {1024, 0, WM_STRIP_FADER_DB, 5, 2500.5, 0, 0}}},
    {"cancelAndHold mid exponential ramp", ON_FADER, v_hold_expo, 3,
     {{0, 0, WM_STRIP_FADER_DB, 0, 0.0, -40.0f, 0}, {0, 0, WM_STRIP_FADER_DB, 2, 4000.0, -1.0f, 0},
      {1024, 0, WM_STRIP_FADER_DB, 5, 1900.25, 0, 0}}},
    {"cancelAndHold mid setTarget", ON_FADER, v_hold_target, 2,
     {{0, 0, WM_STRIP_FADER_DB, 3, 500.0, -30.0f, 800.0}, {1024, 0, WM_STRIP_FADER_DB, 5, 2000.7, 0, 0}}},
    {"value setter mid-ramp", ON_FADER, v_setter_mid, 2,
     {{0, 0, WM_STRIP_FADER_DB, 1, 4000.0, -24.0f, 0}, {2048, 0, WM_STRIP_FADER_DB, -1, 0, -6.0f, 0}}},
    {"pan, mono track", ON_PAN_MONO, v_pan_mono, 3,
     {{0, 0, WM_STRIP_PAN, 0, 1000.0, -1.0f, 0}, {0, 0, WM_STRIP_PAN, 1, 3000.5, 1.0f, 0},
      {0, 0, WM_STRIP_PAN, 3, 3500.0, -0.5f, 300.0}}},
    {"pan, stereo track", ON_PAN_STEREO, v_pan_stereo, 3,
     {{0, 1, WM_STRIP_PAN, 0, 600.0, 0.1f, 0}, {0, 1, WM_STRIP_PAN, 2, 2600.0, 0.9f, 0},
      {0, 1, WM_STRIP_PAN, 0, 2600.0, -0.75f, 0}}},
    {"send level", ON_SEND, v_send, 4,
     {{0, 0, WM_STRIP_SEND0_DB, 0, 1000.0, -40.0f, 0}, {0, 0, WM_STRIP_SEND0_DB, 1, 2000.0, 0.0f, 0},
      {0, 0, WM_STRIP_SEND0_DB, 0, 2500.0, 0.0f, 0},
      {0, 0, WM_STRIP_SEND0_DB, 3, 3000.0, -20.0f, 400.0}}},
};
#define SCENARIOS ((int)(sizeof scenarios / sizeof scenarios[0]))

/* Expected master output (L, R) for the parameter value v at the track. */
static void expected_out(int on, double v, double* l, double* r)
{
    double c45 = cos(PI / 4.0);
    if (on == ON_FADER || on == ON_SEND) {
        *l = *r = IN_MONO * c45 * lin(v);
    } else if (on == ON_PAN_MONO) {
        double x = (v + 1.0) / 2.0;
        *l = IN_MONO * cos(x * PI / 2.0);
        *r = IN_MONO * sin(x * PI / 2.0);
    } else if (v <= 0.0) { /* StereoPannerNode, stereo input */
        double x = v + 1.0;
        *l = IN_L + IN_R * cos(x * PI / 2.0);
        *r = IN_R * sin(x * PI / 2.0);
    } else {
        *l = IN_L * cos(v * PI / 2.0);
        *r = IN_R + IN_L * sin(v * PI / 2.0);
    }
}

static int param_of(int on) { return on == ON_FADER ? WM_STRIP_FADER_DB : on == ON_SEND ? WM_STRIP_SEND0_DB : WM_STRIP_PAN; }

/* Renders `frames` frames in host blocks cycling through sizes[], cut so
   that every command is pushed before the block starting at its frame.
   Fills the DC of the scenario's track; records the most lanes seen. */
static void render(fixture* f, const scenario* sc, const int* sizes, int nsizes, int frames, float* out_l,
                   float* out_r, int* lanes_seen)
{
    int track = sc->on == ON_PAN_STEREO ? 1 : 0, next = 0;
    *lanes_seen = 0;
    for (int64_t now = 0, b = 0; now < frames; b++) {
        while (next < sc->ncmds && sc->cmds[next].at <= now)
        {
            cmd c = to_cmd(&sc->cmds[next++]);
            CHECK_EQ_INT(push(f, &c), 1);
        }
        int n = sizes[b % nsizes];
        if (n > frames - now)
            n = (int)(frames - now);
        if (next < sc->ncmds && now + n > sc->cmds[next].at)
            n = (int)(sc->cmds[next].at - now);
        for (int ch = 0; ch < (track ? 2 : 1); ch++) {
            float* in = wm_mixer_track_input(mixer(f), track, ch);
            for (int i = 0; i < n; i++)
                in[i] = (float)(track == 0 ? IN_MONO : ch == 0 ? IN_L : IN_R);
        }
        wm_session_process(f->s, n);
        memcpy(out_l + now, wm_mixer_output(mixer(f), 0), (size_t)n * sizeof(float));
        memcpy(out_r + now, wm_mixer_output(mixer(f), 1), (size_t)n * sizeof(float));
        if ((int)st(f, WM_SESSION_ST_LANES) > *lanes_seen)
            *lanes_seen = (int)st(f, WM_SESSION_ST_LANES);
        now += n;
    }
}

/* A send scenario: track 0 silent on the master (fader -96 dB), its
   pre-fader send 0 to the bus, glides settled before frame 0. */
static void prepare(fixture* f, int on)
{
    if (on != ON_SEND)
        return;
    wm_strip* t = wm_mixer_track(mixer(f), 0);
    wm_strip_set_param(t, WM_STRIP_FADER_DB, -96.0f);
    wm_strip_set_param(t, WM_STRIP_SEND0_PRE, 1.0f);
    wm_strip_reset(t);
}

static const int split_a[] = {128}, split_b[] = {37}, split_c[] = {1, 5, 64, 300, 7}, split_d[] = {512};
static const struct {
    const int* sizes;
    int n;
} splits[] = {{split_a, 1}, {split_b, 1}, {split_c, 5}, {split_d, 1}};

static void test_curves(void)
{
    static float l[FRAMES], r[FRAMES], l0[FRAMES], r0[FRAMES];
    for (int k = 0; k < SCENARIOS; k++) {
        const scenario* sc = &scenarios[k];
        double worst = 0.0;
        int identical = 1, released = 1, bound = 1;
        for (int sp = 0; sp < 4; sp++) {
            fixture f;
            open_fixture(&f, 0, 0, 2);
            prepare(&f, sc->on);
            int latency = wm_mixer_latency(mixer(&f)), seen;
            counting = 1;
            render(&f, sc, splits[sp].sizes, splits[sp].n, FRAMES, l, r, &seen);
            counting = 0;
            for (int i = latency; i < FRAMES; i++) {
                double el, er;
                expected_out(sc->on, sc->value((double)(i - latency)), &el, &er);
                worst = fmax(worst, fmax(fabs(l[i] - el), fabs(r[i] - er)));
            }
            if (sp == 0) {
                memcpy(l0, l, sizeof l);
                memcpy(r0, r, sizeof r);
            } else {
                identical &= !memcmp(l0, l, sizeof l) && !memcmp(r0, r, sizeof r);
            }
            /* Released after the last event, with the final value in force. */
            const wm_strip* strip = wm_mixer_track(mixer(&f), sc->on == ON_PAN_STEREO);
            released &= st(&f, WM_SESSION_ST_LANES) == 0 &&
                        fabs(wm_strip_get_param(strip, param_of(sc->on)) - sc->value(FRAMES)) < 1e-6;
            bound &= seen == 1;
            CHECK_EQ_INT(st(&f, WM_SESSION_ST_REJECTED), 0);
            close_fixture(&f);
        }
        printf("automation %-36s max |output - Web Audio formula| %.2e over %d frames x 4 block splits%s\n",
               sc->name, worst, FRAMES, identical ? ", bit-identical across splits" : ", SPLITS DIFFER");
        CHECK(worst <= 1e-6);
        CHECK(identical);
        CHECK(released);
        CHECK(bound);
    }
    CHECK_EQ_INT(allocations, 0);
}

/* k-rate: an EQ frequency and the limiter ceiling take the timeline's value
   at each multiple of 32 engine frames, through their setters. */
static void test_krate(void)
{
    fixture f;
    open_fixture(&f, 0, 0, 2);
    cmd c[] = {automate(0, 1, WM_STRIP_EQ0_FREQ_HZ + 3 * WM_STRIP_BAND_STRIDE, 1, 5000.0, 4000.0f, 0),
               automate(0, MIXER_TARGET, WM_MIXER_LIMITER_CEILING_DB, 3, 40.0, -12.0f, 700.0)};
    for (int i = 0; i < 2; i++)
        CHECK_EQ_INT(push(&f, &c[i]), 1);
    const int sizes[] = {32, 128, 37, 5, 200};
    double worst_eq = 0.0, worst_ceiling = 0.0;
    int64_t now = 0;
    for (int b = 0; now < 6000; b++) {
        int n = sizes[b % 5];
        wm_session_process(f.s, n);
        now += n;
        double g = (double)((now - 1) / WM_LANES_KRATE * WM_LANES_KRATE); /* the last grid frame rendered */
        double eq = wm_strip_get_param(wm_mixer_track(mixer(&f), 1), WM_STRIP_EQ0_FREQ_HZ + 3 * WM_STRIP_BAND_STRIDE);
        double want = linear(fmin(g, 5000.0), 0.0, 1000.0 /* band 3's default */, 5000.0, 4000.0);
        worst_eq = fmax(worst_eq, fabs(eq - want) / want);
        double ceiling = wm_mixer_get_param(mixer(&f), WM_MIXER_LIMITER_CEILING_DB);
        double want_c = g >= 40.0 ? target(g, 40.0, -1.0, -12.0, 700.0) : -1.0;
        worst_ceiling = fmax(worst_ceiling, fabs(ceiling - want_c) / fabs(want_c));
    }
    printf("automation k-rate (32-frame grid): EQ band 3 freq max rel. error %.2e, limiter ceiling %.2e\n",
           worst_eq, worst_ceiling);
    CHECK(worst_eq <= 1e-6);
    CHECK(worst_ceiling <= 1e-6);
    close_fixture(&f);
}

/* The output with k-rate lanes (a low shelf's gain, the compressor's
   threshold) is the same for any host block split. */
static void test_krate_split(void)
{
    static float out[2][8192];
    const int sizes[2][3] = {{128, 128, 128}, {37, 300, 5}};
    for (int pass = 0; pass < 2; pass++) {
        fixture f;
        open_fixture(&f, 0, 0, 2);
        wm_strip* t = wm_mixer_track(mixer(&f), 0);
        wm_strip_set_param(t, WM_STRIP_EQ0_ON, 1.0f);
        wm_strip_set_param(t, WM_STRIP_EQ0_TYPE, 1.0f); /* low shelf: passes DC times its gain */
        wm_strip_set_param(t, WM_STRIP_COMP_ON, 1.0f);
        wm_strip_reset(t);
        cmd c[] = {automate(0, 0, WM_STRIP_EQ0_GAIN_DB, 1, 3000.0, 12.0f, 0),
                   automate(0, 0, WM_STRIP_COMP_THRESHOLD_DB, 3, 1000.0, -40.0f, 500.0)};
        for (int i = 0; i < 2; i++)
            push(&f, &c[i]);
        for (int at = 0, b = 0; at < 8192; b++) {
            int n = sizes[pass][b % 3] < 8192 - at ? sizes[pass][b % 3] : 8192 - at;
            float* in = wm_mixer_track_input(mixer(&f), 0, 0);
            for (int i = 0; i < n; i++)
                in[i] = (float)IN_MONO;
            wm_session_process(f.s, n);
            memcpy(out[pass] + at, wm_mixer_output(mixer(&f), 0), (size_t)n * sizeof(float));
            at += n;
        }
        close_fixture(&f);
    }
    int same = !memcmp(out[0], out[1], sizeof out[0]);
    printf("automation k-rate low shelf gain + compressor threshold: output %s for blocks of 128 and of 37/300/5 "
           "(level %.4f -> %.4f)\n", same ? "bit-identical" : "DIFFERS", out[0][200], out[0][8191]);
    CHECK(same);
    CHECK(fabs(out[0][8191] - out[0][200]) > 0.1); /* the automation did something */
}

/* A linear ramp of the EQ frequency from 200 Hz: the grid makes it step
   every 32 frames. */
static void test_krate_ramp(void)
{
    fixture f;
    open_fixture(&f, 0, 0, 2);
    int id = WM_STRIP_EQ0_FREQ_HZ + 2 * WM_STRIP_BAND_STRIDE; /* default 400 Hz */
    cmd c[] = {automate(0, 0, id, 0, 100.0, 200.0f, 0), automate(0, 0, id, 1, 3100.0, 2000.0f, 0)};
    for (int i = 0; i < 2; i++)
        push(&f, &c[i]);
    double worst = 0.0;
    for (int64_t now = 0; now < 4096;) {
        wm_session_process(f.s, WM_LANES_KRATE);
        double g = (double)now;
        double want = g >= 3100.0 ? 2000.0 : g >= 100.0 ? linear(g, 100.0, 200.0, 3100.0, 2000.0) : 400.0;
        worst = fmax(worst, fabs(wm_strip_get_param(wm_mixer_track(mixer(&f), 0), id) - want) / want);
        now += WM_LANES_KRATE;
    }
    printf("automation k-rate linear ramp 200 -> 2000 Hz in 32-frame blocks: max rel. error %.2e, lanes after %u\n",
           worst, st(&f, WM_SESSION_ST_LANES));
    CHECK(worst <= 1e-6);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_LANES), 0);
    close_fixture(&f);
}

static void render_plain(fixture* f, int frames, float* l)
{
    for (int at = 0; at < frames; at += 128) {
        float* in = wm_mixer_track_input(mixer(f), 0, 0);
        for (int i = 0; i < 128; i++)
            in[i] = (float)IN_MONO;
        wm_session_process(f->s, 128);
        memcpy(l + at, wm_mixer_output(mixer(f), 0), 128 * sizeof(float));
    }
}

/* Three lanes: the fourth parameter is refused with WM_ERR_LIMIT and
   nothing changes; once the lanes are released it is accepted. Then a lane
   of 4 events refuses a fifth. */
static void test_limits(void)
{
    static float with[8192], without[8192];
    for (int pass = 0; pass < 2; pass++) {
        fixture f;
        open_fixture(&f, 3, 0, 2);
        cmd c[] = {automate(0, 0, WM_STRIP_FADER_DB, 1, 2000.0, -12.0f, 0),
                   automate(0, 0, WM_STRIP_PAN, 1, 2000.0, 0.5f, 0),
                   automate(0, 1, WM_STRIP_FADER_DB, 1, 2000.0, -6.0f, 0),
                   automate(0, 0, WM_STRIP_SEND0_DB, 1, 2000.0, 0.0f, 0)};
        for (int i = 0; i < 3 + pass; i++)
            push(&f, &c[i]);
        render_plain(&f, 8192, pass ? with : without);
        if (pass) {
            printf("automation lanes exhausted: rejected %u, last error %d, last op %u, lanes bound at most 3\n",
                   st(&f, WM_SESSION_ST_REJECTED), (int32_t)st(&f, WM_SESSION_ST_LAST_ERROR),
                   st(&f, WM_SESSION_ST_LAST_REJECTED_OP));
            CHECK_EQ_INT(st(&f, WM_SESSION_ST_REJECTED), 1);
            CHECK_EQ_INT((int32_t)st(&f, WM_SESSION_ST_LAST_ERROR), WM_ERR_LIMIT);
            CHECK_EQ_INT(st(&f, WM_SESSION_ST_LAST_REJECTED_OP), WM_SESSION_OP_AUTOMATE);
            CHECK(!memcmp(with, without, sizeof with));
            CHECK_EQ_INT(wm_strip_get_param(wm_mixer_track(mixer(&f), 0), WM_STRIP_SEND0_DB), -96);
            /* All three were released after 2000 frames: the fourth fits now. */
            CHECK_EQ_INT(st(&f, WM_SESSION_ST_LANES), 0);
            c[3].w[4] = 0, c[3].w[5] = 0; /* time 0: now */
            push(&f, &c[3]);
            wm_session_process(f.s, 128);
            CHECK_EQ_INT(st(&f, WM_SESSION_ST_REJECTED), 1);
        }
        close_fixture(&f);
    }
    fixture f;
    open_fixture(&f, 0, 4, 2);
    for (int i = 0; i < 5; i++) {
        cmd c = automate(0, 0, WM_STRIP_FADER_DB, 0, 1000.0 + i, -1.0f - (float)i, 0);
        push(&f, &c);
    }
    wm_session_process(f.s, 128);
    printf("automation lane of 4 events, 5 pushed: applied %u, rejected %u (error %d)\n",
           st(&f, WM_SESSION_ST_APPLIED), st(&f, WM_SESSION_ST_REJECTED), (int32_t)st(&f, WM_SESSION_ST_LAST_ERROR));
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_APPLIED), 4);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_REJECTED), 1);
    CHECK_EQ_INT((int32_t)st(&f, WM_SESSION_ST_LAST_ERROR), WM_ERR_LIMIT);
    close_fixture(&f);
}

/* Records with one bad word each are rejected, bind no lane and leave the
   output as it was; then 100,000 random AUTOMATE records. */
static void test_hostile(void)
{
    static float ref[4096], out[4096];
    fixture f;
    open_fixture(&f, 0, 0, 2);
    render_plain(&f, 4096, ref);
    close_fixture(&f);

    const double inf = INFINITY;
    cmd bad[] = {
        automate(0, 4, WM_STRIP_FADER_DB, 0, 10.0, -6.0f, 0),            /* strip past the master (2 tracks, 1 bus) */
        automate(0, 0xfffffffeu, 0, 0, 10.0, -6.0f, 0),                  /* not the mixer's 0xFFFFFFFF */
        automate(0, 0, WM_STRIP_PARAM_COUNT, 0, 10.0, -6.0f, 0),         /* param */
        automate(0, MIXER_TARGET, WM_MIXER_PARAM_COUNT, 0, 10.0, -6.0f, 0),
        automate(0, 0, WM_STRIP_FADER_DB, 6, 10.0, -6.0f, 0),            /* kind */
        automate(0, 0, WM_STRIP_FADER_DB, 0xffffffffu, 10.0, -6.0f, 0),
        automate(0, 0, WM_STRIP_FADER_DB, 0, -1.0, -6.0f, 0),            /* time */
        automate(0, 0, WM_STRIP_FADER_DB, 0, NAN, -6.0f, 0),
        automate(0, 0, WM_STRIP_FADER_DB, 0, inf, -6.0f, 0),
        automate(0, 0, WM_STRIP_FADER_DB, 0, 10.0, NAN, 0),              /* value */
        automate(0, 0, WM_STRIP_FADER_DB, 0, 10.0, (float)inf, 0),
        automate(0, 0, WM_STRIP_FADER_DB, 3, 10.0, -6.0f, -5.0),         /* time constant */
        automate(0, 0, WM_STRIP_FADER_DB, 3, 10.0, -6.0f, NAN),
        automate(0, 0, WM_STRIP_FADER_DB, 0, 10.0, -6.0f, inf),
        automate(0, 0, WM_STRIP_FADER_DB, 2, 10.0, 0.0f, 0),             /* exponential ramp to 0 */
    };
    int nbad = (int)(sizeof bad / sizeof bad[0]);
    open_fixture(&f, 0, 0, 2);
    for (int i = 0; i < nbad; i++)
        CHECK_EQ_INT(push(&f, &bad[i]), 1);
    cmd shorter = bad[0], longer = bad[0];
    shorter.words = 8;
    longer.words = 9;
    uint32_t ten[10];
    memcpy(ten, longer.w, 9 * sizeof(uint32_t));
    ten[9] = 0;
    wm_ring_push_record(&f.cmd, shorter.w, 4 * shorter.words);
    wm_ring_push_record(&f.cmd, ten, 40);
    render_plain(&f, 4096, out);
    printf("automation hostile records: %u of %d rejected, lanes bound %u, output unchanged: %s\n",
           st(&f, WM_SESSION_ST_REJECTED), nbad + 2, st(&f, WM_SESSION_ST_LANES),
           memcmp(ref, out, sizeof ref) ? "no" : "yes");
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_REJECTED), nbad + 2);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_APPLIED), 0);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_LANES), 0);
    CHECK(!memcmp(ref, out, sizeof ref));

    /* Random records, biased toward plausible words. */
    int pushed = 0;
    for (int round = 0; round < 1000; round++) {
        for (int r = 0; r < 100; r++) {
            cmd c = automate(0, 0, 0, 0, 0, 0, 0);
            for (int i = 1; i < 9; i++)
                c.w[i] = (check_rand() & 1) ? check_rand() % 8 : check_rand();
            if (check_rand() & 1)
                put_f64(c.w + 4, (double)(check_rand() % 100000));
            if (check_rand() & 1)
                c.w[6] = fbits((float)((int)(check_rand() % 200) - 100));
            if (check_rand() & 1)
                put_f64(c.w + 7, (double)(check_rand() % 1000));
            c.words = (check_rand() % 16) ? 9 : (int)(check_rand() % 12) + 1;
            pushed += push(&f, &c);
        }
        float* in = wm_mixer_track_input(mixer(&f), 0, 0);
        for (int i = 0; i < 128; i++)
            in[i] = (float)IN_MONO;
        wm_session_process(f.s, 128);
        for (int i = 0; i < 128; i++)
            CHECK(wm_is_finite(wm_mixer_output(mixer(&f), 0)[i]));
    }
    uint32_t applied = st(&f, WM_SESSION_ST_APPLIED), rejected = st(&f, WM_SESSION_ST_REJECTED) - (uint32_t)(nbad + 2);
    printf("automation random records: %d pushed, %u applied, %u rejected, lanes bound %u (of 64)\n", pushed, applied,
           rejected, st(&f, WM_SESSION_ST_LANES));
    CHECK_EQ_INT(applied + rejected, pushed);
    CHECK(applied > 1000 && rejected > 1000);
    close_fixture(&f);
}

/* Time per 128-frame block of 64 stereo tracks: no lane, 16 a-rate faders
   (setTarget: every frame differs), 16 a-rate pans (the same), one k-rate
   lane (which cuts every block into 128 / WM_LANES_KRATE chunks). */
static double time_blocks(fixture* f, int blocks)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    for (int b = 0; b < blocks; b++)
        wm_session_process(f->s, 128);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    return ((double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3) / blocks;
}

enum { COST_MODES = 4 };
static int cost_lanes(int mode) { return mode == 1 || mode == 2 ? 16 : mode == 3; }

static void test_cost(void)
{
    static const int ids[COST_MODES] = {0, WM_STRIP_FADER_DB, WM_STRIP_PAN, WM_STRIP_EQ0_FREQ_HZ};
    static const float targets[COST_MODES] = {0.0f, -40.0f, 0.9f, 5000.0f};
    double us[COST_MODES];
    fixture f[COST_MODES];
    for (int mode = 0; mode < COST_MODES; mode++) {
        us[mode] = 1e30;
        open_fixture(&f[mode], 0, 0, 64);
        for (int t = 0; t < cost_lanes(mode); t++) {
            cmd c = automate(0, (uint32_t)t, ids[mode], 3, 0.0, targets[mode], 1e9);
            push(&f[mode], &c);
        }
    }
    /* The best of 20 interleaved runs (thread CPU time): the machine is shared. */
    for (int run = 0; run < 20; run++)
        for (int mode = 0; mode < COST_MODES; mode++)
            us[mode] = fmin(us[mode], time_blocks(&f[mode], 50));
    for (int mode = 0; mode < COST_MODES; mode++) {
        CHECK_EQ_INT(st(&f[mode], WM_SESSION_ST_LANES), cost_lanes(mode));
        close_fixture(&f[mode]);
    }
    printf("automation cost, 64 stereo tracks, us per 128-frame block: no lane %.1f, 16 a-rate faders %+.1f%%, "
           "16 a-rate pans %+.1f%%, 1 k-rate EQ lane %+.1f%% (%d chunks)\n",
           us[0], 100.0 * (us[1] / us[0] - 1.0), 100.0 * (us[2] / us[0] - 1.0), 100.0 * (us[3] / us[0] - 1.0),
           128 / WM_LANES_KRATE);
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_curves();
    test_krate();
    test_krate_ramp();
    test_krate_split();
    test_limits();
    test_hostile();
    test_cost();
    return check_finish("session_automation", seed);
}
