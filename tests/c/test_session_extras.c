/* test_session_extras.c -- what the demo page reads from a session beyond
   the basic protocol: a bus reverb loaded from the pool by REVERB_LOAD (its
   reply once the IR plays; then the master is the input convolved with the
   IR, frame for frame), REVERB_PARAM, the commands refused without
   reverbs; a compressor's gain reduction in the level region against the
   static curve; the master's true peak; the EQ's coefficients as the
   engine runs them, whose response is the RBJ design's at the band's
   frequency. */
#include <stdlib.h>

#include "check.h"
#include "session_config.h"
#include "wm_session.h"

enum { FS = 48000, BLOCK = 128, IR_FRAMES = 2000 };

typedef struct {
    void* mem;
    wm_session* s;
    wm_ring cmd, reply;
} fixture;

static void open_session(fixture* f, int reverb_frames)
{
    wm_session_config c;
    memset(&c, 0, sizeof c);
    c.mixer = (wm_mixer_config){.sample_rate = FS, .max_block = BLOCK, .track_count = 2, .bus_count = 1,
                                .clips_per_track = 4, .track_channels = {2, 2}};
    c.pool_pages = 16;
    c.pool_max_slots = 8;
    c.command_ring_bytes = 4096;
    c.reply_ring_bytes = 4096;
    c.reverb_ir_frames = reverb_frames;
    f->s = session_open(&c, &f->mem);
    CHECK(f->s != NULL);
    CHECK((wm_session_reverb(f->s, 0) != NULL) == (reverb_frames > 0));
    wm_ring_attach(&f->cmd, wm_session_command_ring(f->s), 1u << 20);
    wm_ring_attach(&f->reply, wm_session_reply_ring(f->s), 1u << 20);
}

static uint32_t fbits(float x)
{
    uint32_t u;
    memcpy(&u, &x, 4);
    return u;
}

static void push(fixture* f, const uint32_t* w, int words) { CHECK_EQ_INT(wm_ring_push_record(&f->cmd, w, 4 * words), 1); }

static void set_strip(fixture* f, int strip, int id, float v)
{
    uint32_t w[4] = {WM_SESSION_OP_SET_STRIP_PARAM, (uint32_t)strip, (uint32_t)id, fbits(v)};
    push(f, w, 4);
}

/* Pops one reply; returns 1 and its [request, result] when there is one. */
static int pop_reply(fixture* f, int32_t* w)
{
    int32_t rec[16];
    if (wm_ring_pop_record(&f->reply, rec, sizeof rec) != 8)
        return 0;
    w[0] = rec[0];
    w[1] = rec[1];
    return 1;
}

/* Renders one block with `in` (n stereo frames, or NULL for silence) into track 0. */
static const float* render(fixture* f, float l, float r)
{
    float* in[2] = {wm_mixer_track_input(wm_session_mixer(f->s), 0, 0), wm_mixer_track_input(wm_session_mixer(f->s), 0, 1)};
    for (int i = 0; i < BLOCK; i++) {
        in[0][i] = i == 0 ? l : 0.0f;
        in[1][i] = i == 0 ? r : 0.0f;
    }
    wm_session_process(f->s, BLOCK);
    return wm_mixer_output(wm_session_mixer(f->s), 0);
}

/* Loads planar stereo frames into the pool through the protocol; returns the handle. */
static int load_sample(fixture* f, float* const* planes, int frames)
{
    uint32_t alloc[5] = {WM_SESSION_OP_POOL_ALLOC, 42, (uint32_t)frames, 2, FS};
    push(f, alloc, 5);
    wm_session_process(f->s, 0);
    int32_t w[64];
    CHECK_EQ_INT(wm_ring_pop_record(&f->reply, w, sizeof w) >= 12, 1);
    int handle = w[1];
    char* base = f->mem;
    for (int s = 0; s < w[2]; s++) {
        float* dst = (float*)(base + (uint32_t)w[3 + 3 * s]);
        for (int i = 0; i < w[5 + 3 * s]; i++)
            for (int c = 0; c < 2; c++)
                dst[2 * i + c] = planes[c][w[4 + 3 * s] + i];
    }
    uint32_t done[3] = {WM_SESSION_OP_POOL_COMPLETE, (uint32_t)handle, (uint32_t)frames};
    push(f, done, 3);
    return handle;
}

static void test_reverb(void)
{
    fixture f;
    open_session(&f, IR_FRAMES);
    float* ir[2] = {malloc(IR_FRAMES * sizeof(float)), malloc(IR_FRAMES * sizeof(float))};
    for (int i = 0; i < IR_FRAMES; i++) {
        ir[0][i] = 0.5f * check_noise() * expf(-5.0f * i / IR_FRAMES);
        ir[1][i] = 0.5f * check_noise() * expf(-5.0f * i / IR_FRAMES);
    }
    int h = load_sample(&f, ir, IR_FRAMES);
    uint32_t load[5] = {WM_SESSION_OP_REVERB_LOAD, 77, 0, (uint32_t)h, fbits(0.0f)};
    uint32_t bad_bus[5] = {WM_SESSION_OP_REVERB_LOAD, 78, 1, (uint32_t)h, fbits(0.0f)};
    push(&f, load, 5);
    push(&f, bad_bus, 5);
    int32_t r[2] = {0, 1};
    int blocks = 0, got = 0;
    for (; blocks < 100 && !got; blocks++) {
        render(&f, 0, 0);
        while (!got && pop_reply(&f, r)) {
            if (r[0] == 77)
                got = 1;
            else
                CHECK(r[0] == 78 && r[1] == WM_ERR_ARG);
        }
    }
    CHECK_EQ_INT(got, 1);
    CHECK_EQ_INT(r[1], WM_OK);
    CHECK_EQ_INT(wm_session_status(f.s)[WM_SESSION_ST_REJECTED], 1);
    /* Track 0: direct path off (fader at -96 dB), send 0 pre-fader at 0 dB,
       pan 0 (identity on a stereo track), limiter off: the master is the
       impulse convolved with the IR, delayed by the mixer's latency. */
    set_strip(&f, 0, WM_STRIP_FADER_DB, -96.0f);
    set_strip(&f, 0, WM_STRIP_SEND0_DB, 0.0f);
    set_strip(&f, 0, WM_STRIP_SEND0_PRE, 1.0f);
    for (int b = 0; b < 2 * WM_CONVOLVER_MAX_PARTITION / BLOCK + 8; b++)
        render(&f, 0, 0);
    int latency = wm_mixer_latency(wm_session_mixer(f.s));
    int frames = (IR_FRAMES + latency + 2 * BLOCK) / BLOCK * BLOCK;
    float* out[2] = {malloc(frames * sizeof(float)), malloc(frames * sizeof(float))};
    for (int at = 0; at < frames; at += BLOCK) {
        render(&f, at == 0 ? 0.8f : 0.0f, at == 0 ? -0.4f : 0.0f);
        for (int c = 0; c < 2; c++)
            memcpy(out[c] + at, wm_mixer_output(wm_session_mixer(f.s), c), BLOCK * sizeof(float));
    }
    double worst = 0;
    for (int t = 0; t < frames - BLOCK; t++) {
        int k = t - latency;
        double want[2] = {k >= 0 && k < IR_FRAMES ? 0.8 * ir[0][k] : 0.0, k >= 0 && k < IR_FRAMES ? -0.4 * ir[1][k] : 0.0};
        for (int c = 0; c < 2; c++)
            worst = fmax(worst, fabs(out[c][t] - want[c]));
    }
    printf("session reverb: REVERB_LOAD replied after %d blocks; impulse through the bus = IR within %.2g\n", blocks, worst);
    CHECK(worst < 1e-5);

    /* Wet off: the bus is silent (after the 20 ms glide). */
    uint32_t wet[4] = {WM_SESSION_OP_REVERB_PARAM, 0, WM_BUSVERB_WET_DB, fbits(-120.0f)};
    uint32_t bad_id[4] = {WM_SESSION_OP_REVERB_PARAM, 0, WM_BUSVERB_PARAM_COUNT, fbits(0.0f)};
    push(&f, wet, 4);
    push(&f, bad_id, 4);
    for (int b = 0; b < 20; b++)
        render(&f, 0, 0);
    const float* o = render(&f, 0.9f, 0.9f);
    float peak = 0;
    for (int i = 0; i < BLOCK; i++)
        peak = fmaxf(peak, fabsf(o[i]));
    CHECK(peak < 1e-5f);
    CHECK_EQ_INT(wm_session_status(f.s)[WM_SESSION_ST_REJECTED], 2);
    for (int c = 0; c < 2; c++) {
        free(ir[c]);
        free(out[c]);
    }
    free(f.mem);

    /* Without reverbs both opcodes are refused; the load is replied to. */
    open_session(&f, 0);
    push(&f, load, 5);
    push(&f, wet, 4);
    wm_session_process(f.s, BLOCK);
    CHECK_EQ_INT(pop_reply(&f, r), 1);
    CHECK(r[0] == 77 && r[1] == WM_ERR_ARG);
    CHECK_EQ_INT(wm_session_status(f.s)[WM_SESSION_ST_REJECTED], 2);
    free(f.mem);
}

/* DC into track 0 with the compressor on: its gain reduction in the level
   region is the static curve's, (L - T)(1 - 1/R) above the knee. */
static void test_levels(void)
{
    fixture f;
    open_session(&f, 0);
    set_strip(&f, 0, WM_STRIP_COMP_ON, 1);
    set_strip(&f, 0, WM_STRIP_COMP_THRESHOLD_DB, -30);
    set_strip(&f, 0, WM_STRIP_COMP_RATIO, 4);
    set_strip(&f, 0, WM_STRIP_COMP_KNEE_DB, 6);
    for (int b = 0; b < 200; b++) {
        for (int c = 0; c < 2; c++) {
            float* in = wm_mixer_track_input(wm_session_mixer(f.s), 0, c);
            for (int i = 0; i < BLOCK; i++)
                in[i] = 0.5f;
        }
        wm_session_process(f.s, BLOCK);
    }
    const float* lv = wm_session_update_levels(f.s);
    double want = (20 * log10(0.5) + 30) * (1 - 1.0 / 4);
    printf("session levels: compressor gain reduction %.3f dB (static curve %.3f); track 1 %.3f\n", lv[4], want,
           lv[WM_SESSION_LV_STRIP + 4]);
    CHECK_NEAR(lv[4], want, 0.02);
    CHECK(lv[WM_SESSION_LV_STRIP + 4] == 0.0f); /* track 1: compressor off */
    free(f.mem);

    /* True peak: a sine at fs/4 sampled at 45 degrees off its crests reads
       3.01 dB below its amplitude on a sample meter; the true peak is the
       amplitude (BS.1770 oversampling, within its 0.3 dB tolerance band). */
    open_session(&f, 0);
    for (int b = 0; b < 400; b++) {
        for (int c = 0; c < 2; c++) {
            float* in = wm_mixer_track_input(wm_session_mixer(f.s), 1, c);
            for (int i = 0; i < BLOCK; i++)
                in[i] = 0.5f * (float)sin(M_PI / 2 * (b * BLOCK + i) + M_PI / 4);
        }
        wm_session_process(f.s, BLOCK);
    }
    lv = wm_session_update_levels(f.s);
    const float* master = lv + WM_SESSION_LV_STRIP * 3;
    printf("session true peak of a 12 kHz sine of amplitude 0.5: %.2f / %.2f dBTP, sample peak %.2f dB\n",
           lv[WM_SESSION_LV_STRIP * 4 + WM_SESSION_LV_TRUE_PEAK_L], lv[WM_SESSION_LV_STRIP * 4 + WM_SESSION_LV_TRUE_PEAK_R],
           master[0]);
    CHECK_NEAR(master[0], 20 * log10(0.5 / sqrt(2)), 0.01);
    CHECK_NEAR(lv[WM_SESSION_LV_STRIP * 4 + WM_SESSION_LV_TRUE_PEAK_L], 20 * log10(0.5), 0.3);
    CHECK_NEAR(lv[WM_SESSION_LV_STRIP * 4 + WM_SESSION_LV_TRUE_PEAK_R], 20 * log10(0.5), 0.3);
    free(f.mem);
}

/* |H| in dB of a cascade of (b0 b1 b2 a1 a2) sections at f Hz, in double. */
static double cascade_db(const float* k, int n, double f)
{
    double w = 2 * M_PI * f / FS, mag = 1;
    for (int s = 0; s < n; s++, k += 5) {
        double nr = k[0] + k[1] * cos(w) + k[2] * cos(2 * w), ni = -k[1] * sin(w) - k[2] * sin(2 * w);
        double dr = 1 + k[3] * cos(w) + k[4] * cos(2 * w), di = -k[3] * sin(w) - k[4] * sin(2 * w);
        mag *= sqrt((nr * nr + ni * ni) / (dr * dr + di * di));
    }
    return 20 * log10(mag);
}

static void test_eq_coefs(void)
{
    fixture f;
    open_session(&f, 0);
    float k[5 * WM_EQ_SECTIONS];
    CHECK_EQ_INT(wm_session_eq_coefs(f.s, 0, k), 0); /* everything off: no section runs */
    CHECK_EQ_INT(wm_session_eq_coefs(f.s, 4, k), WM_ERR_ARG);
    CHECK_EQ_INT(wm_session_eq_coefs(f.s, -1, k), WM_ERR_ARG);
    int master = 3, b3 = WM_STRIP_EQ0_ON + 3 * WM_STRIP_BAND_STRIDE;
    set_strip(&f, master, b3 + 0, 1);                                   /* on */
    set_strip(&f, master, b3 + 2, 1000);                                /* freq */
    set_strip(&f, master, b3 + 3, 2);                                   /* Q */
    set_strip(&f, master, b3 + 4, 6);                                   /* gain */
    set_strip(&f, master, WM_STRIP_LOWCUT_ON, 1);
    set_strip(&f, master, WM_STRIP_LOWCUT_FREQ_HZ, 100);
    set_strip(&f, master, WM_STRIP_LOWCUT_SLOPE, 24);
    for (int b = 0; b < 400; b++)
        wm_session_process(f.s, BLOCK);
    int n = wm_session_eq_coefs(f.s, master, k);
    /* 2 sections for the 24 dB/octave low cut, 1 for the band */
    /* In series order: the low cut's two sections, then the band. Independent
       references: the Butterworth law |H|^2 = 1 / (1 + (tan(pi f/fs) /
       tan(pi fc/fs))^8) of wm_eq.h, and the peaking band's gain at its centre. */
    double cut = -10 * log10(1 + pow(tan(M_PI * 1000 / FS) / tan(M_PI * 100 / FS), -8));
    double at_band = cascade_db(k, n, 1000), band = cascade_db(k + 10, 1, 1000), at_cut = cascade_db(k, 2, 100);
    printf("session EQ coefficients: %d sections; |H| %.4f dB at 1 kHz (want %.4f), band %.4f dB, cut %.4f dB at 100 Hz\n",
           n, at_band, 6 + cut, band, at_cut);
    CHECK_EQ_INT(n, 3);
    CHECK_NEAR(band, 6, 0.01);
    CHECK_NEAR(at_band, 6 + cut, 0.01);
    CHECK_NEAR(at_cut, -10 * log10(2.0), 0.01);
    CHECK_NEAR(cascade_db(k, n, 15000), 0, 0.05);
    free(f.mem);
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_reverb();
    test_levels();
    test_eq_coefs();
    return check_finish("test_session_extras", seed);
}
