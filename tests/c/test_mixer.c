/* test_mixer.c -- the mixer: exact sums into the master, mute and solo
   against the tracks' known contributions, a solo-safe bus, pre- and
   post-fader sends, 256 stereo tracks in the stated arena without
   allocating, a too-small arena, hostile input; and a rough render cost. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <time.h>

#include "alloc_count.h"
#include "check.h"
#include "wm_mixer.h"
#include "wm_ops.h"

enum { FS = 48000, BLOCK = 128 };
static const double PI = 3.14159265358979323846;


static wm_mixer_config config(int tracks, int buses, int channels)
{
    wm_mixer_config c;
    memset(&c, 0, sizeof c);
    c.sample_rate = FS;
    c.max_block = BLOCK;
    c.track_count = tracks;
    c.bus_count = buses;
    c.clips_per_track = 64;
    for (int t = 0; t < tracks; t++)
        c.track_channels[t] = (unsigned char)channels;
    return c;
}

static wm_mixer* make_mixer(const wm_mixer_config* c, void** mem)
{
    size_t need = wm_mixer_memory_size(c);
    *mem = malloc(need);
    wm_arena a;
    wm_arena_init(&a, *mem, need);
    int err;
    wm_mixer* m = wm_mixer_create(&a, c, &err);
    CHECK(m != NULL && err == WM_OK);
    return m;
}

/* Feeds every track DC (level[t] left, level[t] * 0.5 right) for `blocks`
   blocks; returns the last master output frame in l, r. */
static void run_dc(wm_mixer* m, int tracks, const float* level, int blocks, float* l, float* r)
{
    for (int b = 0; b < blocks; b++) {
        for (int t = 0; t < tracks; t++) {
            int chans = wm_mixer_track(m, t)->cfg.channels;
            for (int ch = 0; ch < chans; ch++) {
                float* in = wm_mixer_track_input(m, t, ch);
                for (int i = 0; i < BLOCK; i++)
                    in[i] = ch ? 0.5f * level[t] : level[t];
            }
        }
        wm_mixer_process(m, BLOCK);
    }
    *l = wm_mixer_output(m, 0)[BLOCK - 1];
    *r = wm_mixer_output(m, 1)[BLOCK - 1];
}

static void test_sum_mute_solo(void)
{
    enum { N = 8 };
    wm_mixer_config c = config(N, 0, 2);
    for (int t = 0; t < N; t += 2)
        c.track_channels[t] = 1; /* even tracks mono, panned by the spec's law */
    void* mem;
    wm_mixer* m = make_mixer(&c, &mem);
    float level[N];
    double el = 0, er = 0, contrib_l[N], contrib_r[N];
    for (int t = 0; t < N; t++) {
        level[t] = 0.01f * (float)(t + 1);
        float pan = -0.8f + 0.2f * (float)t;
        wm_strip_set_param(wm_mixer_track(m, t), WM_STRIP_PAN, pan);
        if (c.track_channels[t] == 1) {
            double x = (pan + 1.0) / 2.0;
            contrib_l[t] = level[t] * cos(x * PI / 2);
            contrib_r[t] = level[t] * sin(x * PI / 2);
        } else if (pan <= 0) { /* stereo: L = inL + inR cos(x pi/2), R = inR sin(x pi/2), x = pan + 1 */
            double x = pan + 1.0;
            contrib_l[t] = level[t] + 0.5 * level[t] * cos(x * PI / 2);
            contrib_r[t] = 0.5 * level[t] * sin(x * PI / 2);
        } else {
            double x = pan;
            contrib_l[t] = level[t] * cos(x * PI / 2);
            contrib_r[t] = 0.5 * level[t] + level[t] * sin(x * PI / 2);
        }
        el += contrib_l[t];
        er += contrib_r[t];
    }
    float l, r;
    run_dc(m, N, level, 40, &l, &r);
    printf("mixer %d tracks (mono and stereo, panned) into the master: L %.7f (expected %.7f) R %.7f (expected %.7f)\n",
           N, l, el, r, er);
    CHECK_NEAR(l, el, 1e-6);
    CHECK_NEAR(r, er, 1e-6);

    wm_strip_set_param(wm_mixer_track(m, 3), WM_STRIP_MUTE, 1);
    run_dc(m, N, level, 40, &l, &r);
    printf("mixer track 3 muted: master L %.7f (expected %.7f)\n", l, el - contrib_l[3]);
    CHECK_NEAR(l, el - contrib_l[3], 1e-6);
    CHECK_NEAR(r, er - contrib_r[3], 1e-6);

    wm_strip_set_param(wm_mixer_track(m, 4), WM_STRIP_SOLO, 1);
    run_dc(m, N, level, 40, &l, &r);
    printf("mixer track 4 soloed: master L %.7f R %.7f (track alone %.7f %.7f)\n", l, r, contrib_l[4], contrib_r[4]);
    CHECK_NEAR(l, contrib_l[4], 1e-7);
    CHECK_NEAR(r, contrib_r[4], 1e-7);
    free(mem);
}

static void test_buses(void)
{
    wm_mixer_config c = config(3, 2, 2);
    void* mem;
    wm_mixer* m = make_mixer(&c, &mem);
    wm_strip* t0 = wm_mixer_track(m, 0);
    wm_strip* t1 = wm_mixer_track(m, 1);
    wm_strip* b0 = wm_mixer_bus(m, 0);
    wm_strip* b1 = wm_mixer_bus(m, 1);
    /* Track 0: fader -12 dB, pre-fader send to bus 0 at -6 dB, post-fader
       send to bus 1 at 0 dB. */
    wm_strip_set_param(t0, WM_STRIP_FADER_DB, -12.0f);
    wm_strip_set_param(t0, WM_STRIP_SEND0_DB, -6.0f);
    wm_strip_set_param(t0, WM_STRIP_SEND0_PRE, 1.0f);
    wm_strip_set_param(t0, WM_STRIP_SEND0_DB + WM_STRIP_SEND_STRIDE, 0.0f);
    const float level[3] = {0.1f, 0.05f, 0.02f};
    float l, r;
    run_dc(m, 3, level, 40, &l, &r);
    double pre = 0.1 * pow(10, -6 / 20.0), post = 0.1 * pow(10, -12 / 20.0);
    printf("mixer sends at fader -12 dB: pre (-6 dB) %.7f (expected %.7f), post (0 dB) %.7f (expected %.7f)\n",
           wm_strip_out(b0, 0)[BLOCK - 1], pre, wm_strip_out(b1, 0)[BLOCK - 1], post);
    CHECK_NEAR(wm_strip_out(b0, 0)[BLOCK - 1], pre, 1e-7);
    CHECK_NEAR(wm_strip_out(b1, 0)[BLOCK - 1], post, 1e-7);
    CHECK_NEAR(l, post + 0.05 + 0.02 + pre + post, 1e-6);
    wm_strip_set_param(t0, WM_STRIP_FADER_DB, 0.0f);
    run_dc(m, 3, level, 40, &l, &r);
    printf("mixer sends at fader 0 dB: pre %.7f (expected %.7f), post %.7f (expected %.7f)\n",
           wm_strip_out(b0, 0)[BLOCK - 1], pre, wm_strip_out(b1, 0)[BLOCK - 1], 0.1);
    CHECK_NEAR(wm_strip_out(b0, 0)[BLOCK - 1], pre, 1e-7);
    CHECK_NEAR(wm_strip_out(b1, 0)[BLOCK - 1], 0.1, 1e-7);

    /* Solo-safe: bus 0 safe, bus 1 not; track 1 sends to both and is soloed. */
    wm_strip_set_param(b0, WM_STRIP_SOLO_SAFE, 1);
    wm_strip_set_param(t1, WM_STRIP_SEND0_DB, 0.0f);
    wm_strip_set_param(t1, WM_STRIP_SEND0_DB + WM_STRIP_SEND_STRIDE, 0.0f);
    wm_strip_set_param(t1, WM_STRIP_SOLO, 1);
    run_dc(m, 3, level, 40, &l, &r);
    printf("mixer track 1 soloed: safe bus %.7f (expected %.7f, track 0 silent), unsafe bus %.7f, master %.7f (expected %.7f)\n",
           wm_strip_out(b0, 0)[BLOCK - 1], 0.05, wm_strip_out(b1, 0)[BLOCK - 1], l, 0.1);
    CHECK_NEAR(wm_strip_out(b0, 0)[BLOCK - 1], 0.05, 1e-7); /* only the audible track */
    CHECK(wm_strip_out(b1, 0)[BLOCK - 1] == 0.0f);
    CHECK_NEAR(l, 0.05 + 0.05, 1e-7);
    /* A muted track's pre-fader send is cut too. */
    wm_strip_set_param(t1, WM_STRIP_SOLO, 0);
    wm_strip_set_param(t0, WM_STRIP_MUTE, 1);
    run_dc(m, 3, level, 40, &l, &r);
    CHECK_NEAR(wm_strip_out(b0, 0)[BLOCK - 1], 0.05, 1e-7);
    /* Soloing bus 1 keeps the tracks that feed it (upstream); track 2 is muted. */
    wm_strip_set_param(t0, WM_STRIP_MUTE, 0);
    wm_strip_set_param(b1, WM_STRIP_SOLO, 1);
    run_dc(m, 3, level, 40, &l, &r);
    CHECK_NEAR(l, (0.1 + 0.05) + (pre + 0.05) + (0.1 + 0.05), 1e-6); /* tracks, bus 0 (safe), bus 1 */
    free(mem);
}

static void test_arena_and_no_allocation(void)
{
    wm_mixer_config c = config(256, 16, 2);
    size_t need = wm_mixer_memory_size(&c);
    unsigned char* mem = malloc(need);
    wm_arena a;
    int err;
    wm_arena_init(&a, mem, need / 2);
    CHECK(wm_mixer_create(&a, &c, &err) == NULL);
    CHECK_EQ_INT(err, WM_ERR_NOMEM);
    CHECK_EQ_INT(a.used, 0);
    wm_arena_init(&a, mem, need);
    CHECK(wm_mixer_create(&a, &c, &err) != NULL);
    size_t used = a.used;
    wm_arena_init(&a, mem, used - 1); /* one byte short */
    CHECK(wm_mixer_create(&a, &c, &err) == NULL && err == WM_ERR_NOMEM && a.used == 0);
    wm_arena_init(&a, mem, need);
    wm_mixer* m = wm_mixer_create(&a, &c, &err);
    CHECK(m != NULL);
    printf("mixer 256 stereo tracks + 16 buses: memory_size %.2f MiB, used %.2f MiB\n", need / 1048576.0,
           a.used / 1048576.0);
    CHECK(a.used <= need);
    c.track_channels[7] = 3;
    CHECK(wm_mixer_create(&a, &c, &err) == NULL && err == WM_ERR_ARG);
    c.track_channels[7] = 2;
    c.track_count = 257;
    CHECK(wm_mixer_create(&a, &c, &err) == NULL && err == WM_ERR_ARG);

    /* Hostile input on track 9, every insert on, sends to every bus: no
       allocation, a finite master. */
    for (int t = 0; t < 256; t++)
        for (int b = 0; b < 16; b++)
            wm_strip_set_param(wm_mixer_track(m, t), WM_STRIP_SEND0_DB + b * WM_STRIP_SEND_STRIDE, -20.0f);
    wm_strip* t9 = wm_mixer_track(m, 9);
    wm_strip_set_param(t9, WM_STRIP_COMP_ON, 1);
    wm_strip_set_param(t9, WM_STRIP_SAT_ON, 1);
    wm_strip_set_param(t9, WM_STRIP_EQ0_ON, 1);
    wm_mixer_set_param(m, WM_MIXER_LIMITER_ON, 1);
    int finite = 1;
    float peak = 0.0f;
    counting = 1;
    for (int b = 0; b < 200; b++) {
        for (int ch = 0; ch < 2; ch++)
            check_hostile_block(wm_mixer_track_input(m, 9, ch), BLOCK, 4.0f);
        wm_mixer_process(m, BLOCK);
        for (int i = 0; i < BLOCK; i++)
            finite &= wm_is_finite(wm_mixer_output(m, 0)[i]) && wm_is_finite(wm_mixer_output(m, 1)[i]);
        if (b >= 10) /* after the limiter's 10 ms fade-in */
            for (int ch = 0; ch < 2; ch++)
                peak = fmaxf(peak, wm_ops_peak(wm_mixer_output(m, ch), BLOCK));
    }
    counting = 0;
    wm_mixer_master_levels lv;
    wm_mixer_get_master_levels(m, &lv);
    printf("mixer hostile input on one track: %d allocations, master finite %d, output peak %.3f dBFS (ceiling -1), "
           "M %.1f LUFS, track 9's EQ replaced %d samples\n",
           allocations, finite, 20 * log10(peak), lv.momentary_lufs, t9->eq_run->nonfinite);
    CHECK_EQ_INT(allocations, 0);
    CHECK(finite);
    CHECK(peak <= powf(10.0f, -1.0f / 20.0f) && peak > 0.5f);
    CHECK(wm_is_finite(lv.correlation) && wm_is_finite(lv.momentary_lufs) && t9->eq_run->nonfinite > 0);
    free(mem);
}

/* Two mixers with every insert, sends and a bus, fed the same noise, one
   in 128-frame blocks and one in random blocks: bit-identical outputs. */
static void test_block_split(void)
{
    enum { T = 4, FRAMES = 64 * BLOCK };
    wm_mixer_config c = config(T, 1, 2);
    c.track_channels[1] = 1;
    void* mem[2];
    wm_mixer* m[2];
    static float out[2][2][FRAMES], in[T][2][FRAMES];
    for (int t = 0; t < T; t++)
        for (int i = 0; i < FRAMES; i++)
            in[t][0][i] = 0.5f * check_noise(), in[t][1][i] = 0.5f * check_noise();
    for (int k = 0; k < 2; k++) {
        m[k] = make_mixer(&c, &mem[k]);
        for (int t = 0; t < T; t++) {
            wm_strip* s = wm_mixer_track(m[k], t);
            const int ids[] = {WM_STRIP_COMP_ON, WM_STRIP_SAT_ON, WM_STRIP_LOWCUT_ON, WM_STRIP_EQ2_ON};
            for (int j = 0; j < 4; j++)
                wm_strip_set_param(s, ids[j], 1);
            wm_strip_set_param(s, WM_STRIP_EQ2_GAIN_DB, 6);
            wm_strip_set_param(s, WM_STRIP_PAN, 0.3f * (float)t - 0.5f);
            wm_strip_set_param(s, WM_STRIP_FADER_DB, -3.0f * (float)t);
            wm_strip_set_param(s, WM_STRIP_SEND0_DB, -6);
            wm_strip_set_param(s, WM_STRIP_SEND0_PRE, (float)(t & 1));
        }
        wm_mixer_set_param(m[k], WM_MIXER_LIMITER_ON, 1);
        wm_mixer_set_param(m[k], WM_MIXER_LIMITER_CEILING_DB, -6);
        for (int at = 0; at < FRAMES;) {
            int n = k == 0 ? BLOCK : 1 + (int)(check_rand() % BLOCK);
            n = n < FRAMES - at ? n : FRAMES - at;
            for (int t = 0; t < T; t++)
                for (int ch = 0; ch < c.track_channels[t]; ch++)
                    memcpy(wm_mixer_track_input(m[k], t, ch), in[t][ch] + at, (size_t)n * sizeof(float));
            wm_mixer_process(m[k], n);
            for (int ch = 0; ch < 2; ch++)
                memcpy(out[k][ch] + at, wm_mixer_output(m[k], ch), (size_t)n * sizeof(float));
            at += n;
        }
    }
    int same = memcmp(out[0], out[1], sizeof out[0]) == 0;
    printf("mixer block split (128 vs random 1..128, every insert, sends, bus, limiter): bit-identical %d, peak %.3f\n",
           same, wm_ops_peak(out[0][0], FRAMES));
    CHECK(same);
    CHECK(wm_ops_peak(out[0][0], FRAMES) > 0.1f);
    free(mem[0]);
    free(mem[1]);
}

/* Tracks share EQs four lanes at a time (wm_strip_share_eq) and run their
   compressors four at a time (wm_strip_compress). Each lane is its own
   filter and smoother, so every track of a mixed mono/stereo mixer, each
   with its own bands, cuts and compressor (or none), changed mid-run and
   reset mid-run, must give bit for bit what a strip processed alone gives
   on the same input. */
static void test_eq_packs(void)
{
    enum { T = 7, BLOCKS = 40 };
    static const unsigned char chans[T] = {1, 2, 1, 1, 2, 2, 1};
    wm_mixer_config c = config(T, 0, 1);
    memcpy(c.track_channels, chans, T);
    void* mem;
    wm_mixer* m = make_mixer(&c, &mem);
    wm_strip alone[T];
    static unsigned char arena_mem[T][1 << 16];
    int shared = 0;
    for (int t = 0; t < T; t++) {
        wm_arena a;
        wm_arena_init(&a, arena_mem[t], sizeof arena_mem[t]);
        wm_strip_config sc = {FS, BLOCK, chans[t]};
        CHECK_EQ_INT(wm_strip_init(&alone[t], &a, &sc), WM_OK);
        shared += wm_mixer_track(m, t)->eq_run != &wm_mixer_track(m, t)->eq;
    }
    CHECK_EQ_INT(shared, 4); /* packs: tracks 0-2 (4 lanes), 3-4 (3), 5-6 (3) */
    float worst = 0.0f;
    for (int b = 0; b < BLOCKS; b++) {
        for (int t = 0; t < T; t++) {
            wm_strip* s[2] = {wm_mixer_track(m, t), &alone[t]};
            for (int k = 0; k < 2; k++) {
                if (b == 0) {
                    wm_strip_set_param(s[k], WM_STRIP_EQ0_ON + (t % 8) * WM_STRIP_BAND_STRIDE, 1);
                    wm_strip_set_param(s[k], WM_STRIP_EQ0_GAIN_DB + (t % 8) * WM_STRIP_BAND_STRIDE, 3.0f * (float)(t - 3));
                    wm_strip_set_param(s[k], t & 1 ? WM_STRIP_LOWCUT_ON : WM_STRIP_HIGHCUT_ON, (float)(t % 3 != 0));
                    wm_strip_set_param(s[k], WM_STRIP_LOWCUT_SLOPE, 12.0f * (float)(1 + t % 3));
                    wm_strip_set_param(s[k], WM_STRIP_COMP_ON, (float)(t != 2));
                    wm_strip_set_param(s[k], WM_STRIP_COMP_THRESHOLD_DB, -30.0f + 3.0f * (float)t);
                    wm_strip_set_param(s[k], WM_STRIP_COMP_RELEASE_MS, 20.0f + 10.0f * (float)t);
                }
                if (b == 15 && t == 5)
                    wm_strip_set_param(s[k], WM_STRIP_COMP_ON, 0.0f); /* releases, then drops out of the group */
                if (b == 10 && t == 3)
                    wm_strip_set_param(s[k], WM_STRIP_EQ3_FREQ_HZ, 5000.0f); /* a glide on one lane */
                if (b == 25 && t == 4)
                    wm_strip_reset(s[k]); /* a reset of a guest's lanes alone */
            }
            for (int ch = 0; ch < chans[t]; ch++) {
                float* in = wm_mixer_track_input(m, t, ch);
                for (int i = 0; i < BLOCK; i++)
                    in[i] = 0.5f * check_noise();
                memcpy(wm_strip_input(&alone[t], ch), in, BLOCK * sizeof(float));
            }
            wm_strip_process(&alone[t], BLOCK);
        }
        wm_mixer_process(m, BLOCK);
        for (int t = 0; t < T; t++)
            for (int ch = 0; ch < 2; ch++)
                for (int i = 0; i < BLOCK; i++) {
                    float d = fabsf(wm_strip_out(wm_mixer_track(m, t), ch)[i] - wm_strip_out(&alone[t], ch)[i]);
                    worst = d > worst ? d : worst;
                }
    }
    printf("EQ packs and compressor groups: 7 mono/stereo tracks in 3 shared EQs against 7 strips alone: largest "
           "difference %g\n", worst);
    CHECK(worst == 0.0f);
    free(mem);
}

/* The reference chain on 256 stereo tracks: low cut 80 Hz, 4 peaking bands,
   compressor -24 dB 4:1 5/100 ms knee 6 dB, pan spread, fader 1/sqrt(N),
   master limiter -1 dB. Noise at -12 dBFS in every track. Not asserted. */
static void bench_reference_chain(void)
{
    enum { N = 256, BLOCKS = 2000 };
    wm_mixer_config c = config(N, 0, 2);
    void* mem;
    wm_mixer* m = make_mixer(&c, &mem);
    for (int t = 0; t < N; t++) {
        wm_strip* s = wm_mixer_track(m, t);
        wm_strip_set_param(s, WM_STRIP_LOWCUT_ON, 1);
        wm_strip_set_param(s, WM_STRIP_LOWCUT_FREQ_HZ, 80);
        for (int k = 0; k < 4; k++) {
            int band = WM_STRIP_EQ0_ON + (k + 1) * WM_STRIP_BAND_STRIDE;
            wm_strip_set_param(s, band, 1);
            wm_strip_set_param(s, band + 4, (k & 1) ? -3.0f : 3.0f);
        }
        wm_strip_set_param(s, WM_STRIP_COMP_ON, 1);
        wm_strip_set_param(s, WM_STRIP_COMP_THRESHOLD_DB, -24);
        wm_strip_set_param(s, WM_STRIP_COMP_RATIO, 4);
        wm_strip_set_param(s, WM_STRIP_COMP_ATTACK_MS, 5);
        wm_strip_set_param(s, WM_STRIP_COMP_RELEASE_MS, 100);
        wm_strip_set_param(s, WM_STRIP_COMP_KNEE_DB, 6);
        wm_strip_set_param(s, WM_STRIP_PAN, -1.0f + 2.0f * (float)t / (N - 1));
        wm_strip_set_param(s, WM_STRIP_FADER_DB, (float)(20 * log10(1.0 / sqrt(N))));
    }
    wm_mixer_set_param(m, WM_MIXER_LIMITER_ON, 1);
    wm_mixer_set_param(m, WM_MIXER_LIMITER_CEILING_DB, -1);
    struct timespec t0, t1;
    double total = 0;
    for (int b = 0; b < BLOCKS; b++) {
        for (int t = 0; t < N; t++)
            for (int ch = 0; ch < 2; ch++) {
                float* in = wm_mixer_track_input(m, t, ch);
                for (int i = 0; i < BLOCK; i++)
                    in[i] = 0.25f * check_noise();
            }
        clock_gettime(CLOCK_MONOTONIC, &t0);
        wm_mixer_process(m, BLOCK);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (b >= 100)
            total += (t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) * 1e-3;
    }
    wm_mixer_master_levels lv;
    wm_mixer_get_master_levels(m, &lv);
    printf("mixer reference chain, 256 stereo tracks: %.0f us per 128-frame block natively (budget 2667 us); "
           "master peak %.2f dBFS, limiter GR %.2f dB\n",
           total / (BLOCKS - 100), lv.peak_db[0], lv.limiter_gr_db);
    free(mem);
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_sum_mute_solo();
    test_buses();
    test_arena_and_no_allocation();
    test_block_split();
    test_eq_packs();
    bench_reference_chain();
    return check_finish("test_mixer", seed);
}
