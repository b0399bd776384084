/* test_session.c -- the session's command protocol through the real rings:
   fader, mute, transport, seek and loop commands; POOL_ALLOC spans that lie
   in the pool and cover the sample; an impulse loaded through the spans
   and placed by CLIP_ADD lands at frame N + latency; 100,000 random and
   hostile records; the per-block bound; no allocation. */
#define _GNU_SOURCE
#include <stdlib.h>

#include "alloc_count.h"
#include "check.h"
#include "session_config.h"
#include "wm_session.h"

enum { FS = 48000, BLOCK = 128, TRACKS = 2, BUSES = 1 };


typedef struct {
    void* mem;
    wm_session* s;
    wm_ring cmd;   /* the page's side: producer */
    wm_ring reply; /* the page's side: consumer */
} fixture;

static wm_session_config config(void)
{
    wm_session_config c;
    memset(&c, 0, sizeof c);
    c.mixer.sample_rate = FS;
    c.mixer.max_block = BLOCK;
    c.mixer.track_count = TRACKS;
    c.mixer.bus_count = BUSES;
    c.mixer.clips_per_track = 16;
    c.mixer.track_channels[0] = 1;
    c.mixer.track_channels[1] = 2;
    c.pool_pages = 64;
    c.pool_page_floats = 256;
    c.pool_max_slots = 32;
    c.command_ring_bytes = 65536;
    c.reply_ring_bytes = 16384;
    return c;
}

static void open_fixture(fixture* f)
{
    wm_session_config c = config();
    f->s = session_open(&c, &f->mem);
    CHECK(f->s != NULL);
    CHECK_EQ_INT(wm_ring_attach(&f->cmd, wm_session_command_ring(f->s), 1u << 20), WM_OK);
    CHECK_EQ_INT(wm_ring_attach(&f->reply, wm_session_reply_ring(f->s), 1u << 20), WM_OK);
}

static int push(fixture* f, const uint32_t* w, int words)
{
    return wm_ring_push_record(&f->cmd, w, 4 * words);
}

static uint32_t fbits(float x)
{
    uint32_t u;
    memcpy(&u, &x, 4);
    return u;
}

static uint32_t st(fixture* f, int i) { return wm_session_status(f->s)[i]; }
static int64_t position(fixture* f)
{
    return (int64_t)(((uint64_t)st(f, WM_SESSION_ST_POSITION_HI) << 32) | st(f, WM_SESSION_ST_POSITION_LO));
}

/* DC into track 1 (stereo), `blocks` blocks; the last output sample of L. */
static float run_dc(fixture* f, float dc, int blocks)
{
    for (int b = 0; b < blocks; b++) {
        for (int ch = 0; ch < 2; ch++) {
            float* in = wm_mixer_track_input(wm_session_mixer(f->s), 1, ch);
            for (int i = 0; i < BLOCK; i++)
                in[i] = dc;
        }
        wm_session_process(f->s, BLOCK);
    }
    return wm_mixer_output(wm_session_mixer(f->s), 0)[BLOCK - 1];
}

static void test_params_transport(void)
{
    fixture f;
    open_fixture(&f);
    float a0 = run_dc(&f, 0.5f, 20);
    uint32_t fader[4] = {1, 1, WM_STRIP_FADER_DB, fbits(-6.0206f)};
    CHECK_EQ_INT(push(&f, fader, 4), 1);
    float a1 = run_dc(&f, 0.5f, 20);
    uint32_t mute[4] = {1, 1, WM_STRIP_MUTE, fbits(1.0f)};
    push(&f, mute, 4);
    float a2 = run_dc(&f, 0.5f, 20);
    printf("session fader via ring: %.6f -> %.6f at -6.02 dB (ratio %.5f); muted %.3g\n", a0, a1, a1 / a0, a2);
    CHECK_NEAR(a0, 0.5, 1e-5);
    CHECK_NEAR(a1 / a0, 0.5, 1e-4);
    CHECK_NEAR(a2, 0.0, 1e-9);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_APPLIED), 2);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_REJECTED), 0);

    uint32_t seek[3] = {4, 48000, 0}, play[2] = {3, 0}, stop[2] = {3, 2};
    push(&f, seek, 3);
    push(&f, play, 2);
    wm_session_process(f.s, BLOCK);
    printf("session seek 48000 + play, one block: position %lld state %u\n", (long long)position(&f),
           st(&f, WM_SESSION_ST_STATE));
    CHECK_EQ_INT(position(&f), 48000 + BLOCK);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_STATE), WM_TRANSPORT_PLAYING);
    push(&f, stop, 2);
    wm_session_process(f.s, BLOCK);
    CHECK_EQ_INT(position(&f), 48000);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_STATE), WM_TRANSPORT_STOPPED);

    uint32_t loop[6] = {5, 0, 0, 1000, 0, 1}, seek900[3] = {4, 900, 0};
    push(&f, loop, 6);
    push(&f, seek900, 3);
    push(&f, play, 2);
    for (int b = 0; b < 8; b++)
        wm_session_process(f.s, BLOCK);
    printf("session loop [0, 1000) from 900, 1024 frames: position %lld (expected 924)\n", (long long)position(&f));
    CHECK_EQ_INT(position(&f), 924);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_LOOP_ON), 1);

    /* 64-bit seek: hi word used */
    uint32_t far[3] = {4, 5, 1};
    push(&f, stop, 2);
    push(&f, far, 3);
    wm_session_process(f.s, 0);
    CHECK_EQ_INT(position(&f), ((int64_t)1 << 32) + 5);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_REJECTED), 0);
    free(f.mem);
}

/* Pops one reply into w; returns its words (0 when none). */
static int pop_reply(fixture* f, uint32_t* w, int max_words)
{
    int b = wm_ring_pop_record(&f->reply, w, 4 * max_words);
    return b > 0 ? b / 4 : 0;
}

static void test_pool_clip_impulse(void)
{
    fixture f;
    open_fixture(&f);
    wm_pool* pool = wm_session_pool(f.s);
    uint32_t w[4096];
    /* fragment the pool: four one-page samples, free the 1st and 3rd */
    int small[4];
    for (int i = 0; i < 4; i++) {
        uint32_t a[5] = {8, (uint32_t)(100 + i), 200, 1, FS};
        push(&f, a, 5);
    }
    wm_session_process(f.s, 0);
    for (int i = 0; i < 4; i++) {
        CHECK_EQ_INT(pop_reply(&f, w, 4096), 6);
        CHECK_EQ_INT(w[0], 100 + i);
        small[i] = (int32_t)w[1];
        CHECK(small[i] > 0);
    }
    uint32_t fr0[2] = {11, (uint32_t)small[0]}, fr2[2] = {11, (uint32_t)small[2]};
    push(&f, fr0, 2);
    push(&f, fr2, 2);

    enum { FRAMES = 3000, AT = 100, N = 1000 };
    uint32_t alloc[5] = {8, 7, FRAMES, 1, FS};
    push(&f, alloc, 5);
    wm_session_process(f.s, 0);
    int words = pop_reply(&f, w, 4096);
    int handle = (int32_t)w[1], spans = (int)w[2];
    CHECK_EQ_INT(w[0], 7);
    CHECK(handle > 0);
    CHECK_EQ_INT(words, 3 + 3 * spans);
    const unsigned char* lo = (const unsigned char*)pool->region;
    const unsigned char* hi = lo + (size_t)pool->pages_total * (size_t)pool->page_floats * 4;
    int next = 0;
    float* impulse_at = NULL;
    for (int i = 0; i < spans; i++) {
        unsigned char* addr = (unsigned char*)f.mem + w[3 + 3 * i];
        int first = (int)w[4 + 3 * i], n = (int)w[5 + 3 * i];
        CHECK(addr >= lo && addr + (size_t)n * 4 <= hi);
        CHECK_EQ_INT(first, next);
        if (AT >= first && AT < first + n)
            impulse_at = (float*)(void*)addr + (AT - first);
        next = first + n;
    }
    printf("session POOL_ALLOC %d mono frames: handle %d, %d span(s), cover [0, %d), all inside the pool\n", FRAMES,
           handle, spans, next);
    CHECK_EQ_INT(next, FRAMES);
    CHECK(spans >= 2); /* the fragmented pool splits it */
    CHECK(impulse_at != NULL);
    if (impulse_at)
        *impulse_at = 1.0f; /* the loader's write */

    uint32_t commit[3] = {9, (uint32_t)handle, 1500}, complete[3] = {10, (uint32_t)handle, FRAMES};
    uint32_t add[11] = {6, 42, 0, (uint32_t)handle, N, 0, AT, 2000, fbits(0.0f), 0, 0};
    uint32_t play[2] = {3, 0};
    push(&f, commit, 3);
    push(&f, complete, 3);
    push(&f, add, 11);
    push(&f, play, 2);
    static float out[40 * BLOCK];
    for (int b = 0; b < 40; b++) {
        wm_session_process(f.s, BLOCK);
        memcpy(out + b * BLOCK, wm_mixer_output(wm_session_mixer(f.s), 0), BLOCK * sizeof(float));
    }
    CHECK_EQ_INT(pop_reply(&f, w, 4096), 2);
    CHECK_EQ_INT(w[0], 42);
    CHECK((int32_t)w[1] >= 0);
    int peak = 0;
    for (int i = 1; i < 40 * BLOCK; i++)
        if (fabsf(out[i]) > fabsf(out[peak]))
            peak = i;
    int lat = wm_mixer_latency(wm_session_mixer(f.s));
    printf("session impulse at clip start %d: output peak %.6f at frame %d (expected %d + latency %d = %d)\n", N,
           out[peak], peak, N, lat, N + lat);
    CHECK_EQ_INT(peak, N + lat);
    CHECK_NEAR(out[peak], 0.70710678, 1e-4); /* mono track, centre pan */
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_REJECTED), 0);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_APPLIED), 11);

    /* stale handle after free: CLIP_ADD replies WM_ERR_HANDLE */
    uint32_t fr[2] = {11, (uint32_t)handle};
    add[1] = 43;
    push(&f, fr, 2);
    push(&f, add, 11);
    wm_session_process(f.s, 0);
    CHECK_EQ_INT(pop_reply(&f, w, 4096), 2);
    CHECK_EQ_INT((int32_t)w[1], WM_ERR_HANDLE);
    CHECK_EQ_INT((int32_t)st(&f, WM_SESSION_ST_LAST_ERROR), WM_ERR_HANDLE);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_LAST_REJECTED_OP), 6);
    free(f.mem);
}

static uint32_t small_int(void) { return (uint32_t)((int)(check_rand() % 300) - 5); }

static void test_fuzz(void)
{
    fixture f;
    open_fixture(&f);
    static const int words_of[12] = {0, 4, 3, 2, 3, 6, 11, 3, 5, 3, 3, 2};
    int known[256], nknown = 0;
    uint32_t w[64], r[4096];
    long pushed = 0, blocks = 0, nonfinite = 0, replies = 0;
    counting = 1;
    allocations = 0;
    for (int k = 0; k < 100000; k++) {
        int kind = (int)(check_rand() % 4), words;
        uint32_t op = 1 + check_rand() % 11;
        if (kind == 0) { /* anything */
            words = (int)(check_rand() % 41);
            for (int i = 0; i < words; i++)
                w[i] = check_rand();
            if (words && check_rand() % 2)
                w[0] = check_rand() % 16;
        } else {
            words = words_of[op];
            w[0] = op;
            for (int i = 1; i < words; i++)
                w[i] = kind == 1 ? check_rand() : small_int();
            if (kind == 2) { /* valid-looking, hostile where it matters */
                const uint32_t hostile[] = {TRACKS + BUSES + 1, 0x80000000u, 0xffffffffu, WM_STRIP_PARAM_COUNT,
                                            fbits(NAN), fbits(INFINITY), 0x7fffffffu};
                w[1 + check_rand() % (unsigned)(words - 1)] = hostile[check_rand() % 7];
                if (nknown && (op == 3 + 6 || op == 10 || op == 11))
                    w[1] = (uint32_t)known[check_rand() % (unsigned)nknown];
                if (nknown && op == 6)
                    w[3] = (uint32_t)known[check_rand() % (unsigned)nknown];
            } else if (kind == 3) { /* valid, so the state moves */
                if (op == 8) {
                    w[2] = check_rand() % 4000;
                    w[3] = 1 + check_rand() % 2;
                    w[4] = FS;
                } else if (op == 6 && nknown) {
                    w[2] = check_rand() % TRACKS;
                    w[3] = (uint32_t)known[check_rand() % (unsigned)nknown];
                    w[5] = 0;
                    w[6] = 0;
                    w[7] = 1 + check_rand() % 100;
                    w[8] = fbits(-6.0f);
                    w[9] = w[10] = 0;
                } else if ((op == 9 || op == 10 || op == 11) && nknown) {
                    w[1] = (uint32_t)known[check_rand() % (unsigned)nknown];
                } else if (op == 4 || op == 5) {
                    w[2] = 0;
                    if (op == 5)
                        w[4] = 0;
                }
            }
        }
        int ok;
        if (words == 0) {
            ok = wm_ring_push_record(&f.cmd, w, 1 + (int)(check_rand() % 3)); /* not a whole word */
        } else {
            ok = push(&f, w, words);
        }
        while (ok == 0) { /* ring full: let the audio thread run */
            wm_session_process(f.s, BLOCK);
            blocks++;
            ok = words ? push(&f, w, words) : wm_ring_push_record(&f.cmd, w, 2);
        }
        pushed += ok == 1;
        if (k % 97 == 0) {
            wm_session_process(f.s, BLOCK);
            blocks++;
            for (int ch = 0; ch < 2; ch++) {
                const float* o = wm_mixer_output(wm_session_mixer(f.s), ch);
                for (int i = 0; i < BLOCK; i++)
                    nonfinite += !wm_is_finite(o[i]);
            }
            int n;
            while ((n = pop_reply(&f, r, 4096)) > 0) {
                replies++;
                if (n >= 3 && (int32_t)r[1] > 0 && nknown < 256 && n == 3 + 3 * (int)r[2])
                    known[nknown++] = (int32_t)r[1]; /* a POOL_ALLOC reply */
            }
        }
    }
    while (st(&f, WM_SESSION_ST_PENDING_WORDS) || wm_ring_available_read(&f.cmd)) {
        wm_session_process(f.s, BLOCK);
        blocks++;
    }
    counting = 0;
    uint32_t applied = st(&f, WM_SESSION_ST_APPLIED), rejected = st(&f, WM_SESSION_ST_REJECTED);
    printf("session fuzz: %ld records pushed in %ld blocks: %u applied (%u clamped), %u rejected, last error %d "
           "(op %u), %ld replies read, %u dropped, %ld non-finite output samples, %d allocations, ring status %u\n",
           pushed, blocks, applied, st(&f, WM_SESSION_ST_CLAMPED), rejected,
           (int32_t)st(&f, WM_SESSION_ST_LAST_ERROR), st(&f, WM_SESSION_ST_LAST_REJECTED_OP), replies,
           st(&f, WM_SESSION_ST_REPLIES_DROPPED), nonfinite, allocations, st(&f, WM_SESSION_ST_RING_STATUS));
    CHECK_EQ_INT(pushed, 100000);
    CHECK_EQ_INT((long)applied + (long)rejected, pushed);
    CHECK(rejected > 50000);
    CHECK(applied > 1000);
    CHECK_EQ_INT(nonfinite, 0);
    CHECK_EQ_INT(allocations, 0);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_RING_STATUS), 0);

    /* afterwards a valid command still works */
    uint32_t stop[2] = {3, 2}, seek[3] = {4, 12345, 0}, fader[4] = {1, TRACKS + BUSES, WM_STRIP_FADER_DB, fbits(-3.0f)};
    push(&f, stop, 2);
    push(&f, seek, 3);
    push(&f, fader, 4);
    wm_session_process(f.s, 0);
    CHECK_EQ_INT(position(&f), 12345);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_APPLIED), applied + 3);
    CHECK_NEAR(wm_strip_get_param(wm_mixer_master(wm_session_mixer(f.s)), WM_STRIP_FADER_DB), -3.0, 0);
    free(f.mem);
}

static void test_flood(void)
{
    fixture f;
    open_fixture(&f);
    enum { COUNT = 1000 };
    for (int i = 0; i < COUNT; i++) {
        uint32_t c[4] = {1, 0, WM_STRIP_PAN, fbits(-1.0f + 2.0f * (float)i / (COUNT - 1))};
        CHECK_EQ_INT(push(&f, c, 4), 1);
    }
    int taken[5];
    for (int b = 0; b < 5; b++)
        taken[b] = wm_session_process(f.s, BLOCK);
    printf("session flood of %d commands: taken per block %d %d %d %d %d (bound %d)\n", COUNT, taken[0], taken[1],
           taken[2], taken[3], taken[4], WM_SESSION_DEFAULT_COMMANDS_PER_BLOCK);
    CHECK_EQ_INT(taken[0], 256);
    CHECK_EQ_INT(taken[1], 256);
    CHECK_EQ_INT(taken[2], 256);
    CHECK_EQ_INT(taken[3], COUNT - 768);
    CHECK_EQ_INT(taken[4], 0);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_APPLIED), COUNT);
    CHECK_NEAR(wm_strip_get_param(wm_mixer_track(wm_session_mixer(f.s), 0), WM_STRIP_PAN), 1.0, 0);

    /* the bound holds within a block: after one block 256 are in, 744 wait */
    for (int i = 0; i < COUNT; i++) {
        uint32_t c[2] = {3, 1};
        push(&f, c, 2);
    }
    wm_session_process(f.s, BLOCK);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_PENDING_WORDS), (COUNT - 256) * 3);

    /* replies into a full reply ring are dropped and counted, never block:
       1500 failing POOL_ALLOCs reply 4 ring words each into 4096 */
    for (int i = 0; i < 6; i++)
        wm_session_process(f.s, 0); /* drain the pause flood */
    for (int i = 0; i < 1500; i++) {
        uint32_t c[5] = {8, (uint32_t)i, 10, 3 /* bad channels */, FS};
        CHECK_EQ_INT(push(&f, c, 5), 1);
    }
    for (int i = 0; i < 8; i++)
        wm_session_process(f.s, 0);
    printf("session 1500 replies into a 16 KiB reply ring nobody reads: %u dropped (expected %d)\n",
           st(&f, WM_SESSION_ST_REPLIES_DROPPED), 1500 - 1024);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_REPLIES_DROPPED), 1500 - 1024);

    /* levels and bad arguments */
    const float* lv = wm_session_update_levels(f.s);
    CHECK(lv != NULL && wm_session_level_count(f.s) == WM_SESSION_LV_STRIP * (TRACKS + BUSES + 1) + WM_SESSION_LV_EXTRA_COUNT);
    CHECK_EQ_INT(wm_session_process(f.s, BLOCK + 1), WM_ERR_ARG);
    CHECK_EQ_INT(wm_session_process(f.s, -1), WM_ERR_ARG);
    free(f.mem);

    wm_session_config c = config();
    c.command_ring_bytes = 1000; /* not a power of two */
    CHECK_EQ_INT(wm_session_memory_size(&c), 0);
    c = config();
    size_t need = wm_session_memory_size(&c);
    void* mem = malloc(need / 2);
    wm_arena a;
    wm_arena_init(&a, mem, need / 2);
    int err = 0;
    CHECK(wm_session_create(&a, &c, mem, &err) == NULL && err == WM_ERR_NOMEM);
    CHECK_EQ_INT(a.used, 0);
    printf("session memory for %d tracks, %d bus, %d pool pages of %d floats, 64 KiB + 16 KiB rings: %zu bytes\n",
           TRACKS, BUSES, c.pool_pages, c.pool_page_floats, need);
    free(mem);
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_params_transport();
    test_pool_clip_impulse();
    test_fuzz();
    test_flood();
    return check_finish("test_session", seed);
}
