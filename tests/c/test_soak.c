/* test_soak.c -- a 64-track session under continuous command traffic,
   rendered offline for WAMIX_SOAK_SECONDS of audio (default 180; 86400 for
   the 24-hour soak: docs/reliability.md).

   Traffic, all through the command ring as the page sends it: 8 strip
   parameters per block (random strips and parameters, in range), master
   parameters, samples allocated in the pool, written through the spans of
   the reply, committed in two steps and completed, then freed; clips added
   on the live samples and removed; seeks, loops and play/pause/stop; and
   1 in 50 blocks a command that must be rejected (a strip, track, clip,
   handle or opcode that does not exist). Block lengths vary now and then.

   The page keeps its own books, independent of the engine:
   - a transport model (play, pause, stop, seek, loop and the wrap in closed
     form: loop_start + (position + n - loop_end) mod loop length) gives the
     position the status block must show after every block, exactly;
   - the frames rendered while playing, and the engine time (every frame);
   - which commands must be applied and which rejected: every command it
     sends is valid except the deliberate bad ones, and a CLIP_ADD or
     POOL_ALLOC that fails says why in its reply (only "pool full", "no
     free slot" or "track full" may occur), so applied and rejected must
     equal its counts exactly, and applied + rejected == records sent;
   - every CLIP_ADD and POOL_ALLOC gets exactly one reply, none dropped.
   Memory: no heap allocation while rendering, the arena's fill and
   high-water mark as after creation, the block's unused tail (filled with
   a pattern) untouched, and the process's peak RSS unchanged after a
   warm-up (the first 10% of the run, at most 30 s of audio: code pages of
   paths first taken late count, within 256 KiB). */
#include <sys/resource.h>
#include <time.h>

#include "alloc_count.h"
#include "session_page.h"

enum { FS = 48000, BLOCK = 128, TRACKS = 64, BUSES = 4, STRIPS = TRACKS + BUSES + 1, MAX_SAMPLES = 48, MAX_CLIPS = 512 };
#define REQ_CLIP 0xc1100000u /* | track: the reply says which track the clip is on */
#define REQ_POOL 0x9001u

static wm_session_config config(void) { return session_config(TRACKS, BUSES, 8, 256, 4096, 32, 1 << 16, 1 << 14); }

/* The transport as the page understands it. */
typedef struct {
    int64_t position, play_start, loop_start, loop_end;
    int loop_on, state; /* WM_TRANSPORT_* */
} transport_model;

static void model_render(transport_model* t, int n)
{
    if (t->state != WM_TRANSPORT_PLAYING)
        return;
    int64_t end = t->position + n;
    if (t->loop_on && t->position < t->loop_end && end >= t->loop_end)
        end = t->loop_start + (end - t->loop_end) % (t->loop_end - t->loop_start);
    t->position = end;
}

typedef struct {
    int handle, frames, channels, stage; /* stage 0 allocated, 1 half committed, 2 complete */
} sample;

typedef struct {
    int track, id;
} clip;

typedef struct {
    page p;
    transport_model tm;
    sample samples[MAX_SAMPLES];
    int nsamples;
    clip clips[MAX_CLIPS];
    int nclips;
    long want_applied, want_rejected, want_replies, replies, played;
    long clip_fail[8], pool_fail[8]; /* by -error */
} soak;

static uint32_t rnd(uint32_t n) { return check_rand() % n; }

static void send(soak* k, const uint32_t* w, int words, int must_apply)
{
    CHECK(page_push(&k->p, w, words));
    if (must_apply)
        k->want_applied++;
    else
        k->want_rejected++;
}

/* CLIP_ADD and POOL_ALLOC: counted when their reply comes. */
static void send_request(soak* k, const uint32_t* w, int words)
{
    CHECK(page_push(&k->p, w, words));
    k->want_replies++;
}

static void sine_fill(float* x, int first, int frames, int channels, void* ctx)
{
    for (int f = 0; f < frames; f++)
        for (int ch = 0; ch < channels; ch++)
            x[f * channels + ch] = (float)(0.1 * sin(0.01 * (first + f) * (ch + 1)));
}

static void read_replies(soak* k)
{
    uint32_t r[1024];
    int words;
    while ((words = page_reply(&k->p, r, 1024)) > 0) {
        k->replies++;
        int32_t v = (int32_t)r[1];
        if (r[0] == REQ_POOL) {
            if (v > 0 && k->nsamples < MAX_SAMPLES) {
                sample* s = &k->samples[k->nsamples++];
                s->handle = v;
                s->stage = 0;
                wm_pool_info info; /* the page knows what it asked for; the pool must agree */
                CHECK_EQ_INT(wm_pool_query(wm_session_pool(k->p.s), v, &info), WM_OK);
                s->frames = info.frames;
                s->channels = info.channels;
                for (uint32_t i = 0; i < r[2]; i++)
                    sine_fill((float*)(k->p.mem + r[3 + 3 * i]), (int)r[4 + 3 * i], (int)r[5 + 3 * i], s->channels, NULL);
            }
            if (v > 0)
                k->want_applied++;
            else
                k->want_rejected++, k->pool_fail[-v & 7]++;
        } else if ((r[0] & 0xffff0000u) == REQ_CLIP) {
            if (v >= 0 && k->nclips < MAX_CLIPS)
                k->clips[k->nclips++] = (clip){(int)(r[0] & 0xffffu), v};
            if (v >= 0)
                k->want_applied++;
            else
                k->want_rejected++, k->clip_fail[-v & 7]++;
        } else {
            CHECK(0); /* a reply nobody asked for */
        }
    }
}

static void pool_traffic(soak* k)
{
    uint32_t x = rnd(100);
    if (x < 3) {
        uint32_t w[5] = {WM_SESSION_OP_POOL_ALLOC, REQ_POOL, 1000 + rnd(200000), 1 + rnd(2), FS};
        send_request(k, w, 5);
    } else if (x < 8 && k->nsamples) {
        sample* s = &k->samples[rnd((uint32_t)k->nsamples)];
        if (s->stage < 2) {
            uint32_t w[3] = {s->stage == 0 ? WM_SESSION_OP_POOL_COMMIT : WM_SESSION_OP_POOL_COMPLETE,
                             (uint32_t)s->handle, (uint32_t)(s->stage == 0 ? s->frames / 2 : s->frames)};
            send(k, w, 3, 1);
            s->stage++;
        }
    } else if (x < 10 && k->nsamples > 8) {
        int i = (int)rnd((uint32_t)k->nsamples);
        uint32_t w[2] = {WM_SESSION_OP_POOL_FREE, (uint32_t)k->samples[i].handle};
        send(k, w, 2, 1);
        k->samples[i] = k->samples[--k->nsamples];
    }
}

static void clip_traffic(soak* k)
{
    uint32_t x = rnd(100);
    if (x < 6 && k->nsamples) {
        sample* s = &k->samples[rnd((uint32_t)k->nsamples)];
        int track = (int)rnd(TRACKS), offset = (int)rnd((uint32_t)s->frames / 2);
        int length = 1 + (int)rnd((uint32_t)(s->frames - offset));
        uint32_t w[11] = {WM_SESSION_OP_CLIP_ADD, REQ_CLIP | (uint32_t)track, (uint32_t)track, (uint32_t)s->handle, rnd(10 * FS), 0,
                          (uint32_t)offset, (uint32_t)length, page_bits(-6.0f - (float)rnd(30)), rnd(100), rnd(100)};
        send_request(k, w, 11);
    } else if (x < 11 && k->nclips) {
        int i = (int)rnd((uint32_t)k->nclips);
        uint32_t w[3] = {WM_SESSION_OP_CLIP_REMOVE, (uint32_t)k->clips[i].track, (uint32_t)k->clips[i].id};
        send(k, w, 3, 1);
        k->clips[i] = k->clips[--k->nclips];
    }
}

static void transport_traffic(soak* k, long b)
{
    transport_model* t = &k->tm;
    if (b % 997 == 0) {
        uint32_t r = rnd(10);
        int action = r < 6 ? 0 : r < 8 ? 1 : 2; /* mostly playing */
        uint32_t w[2] = {WM_SESSION_OP_TRANSPORT, (uint32_t)action};
        send(k, w, 2, 1);
        if (action == 0) {
            if (t->state == WM_TRANSPORT_STOPPED)
                t->play_start = t->position;
            t->state = WM_TRANSPORT_PLAYING;
        } else if (action == 1) {
            if (t->state == WM_TRANSPORT_PLAYING)
                t->state = WM_TRANSPORT_PAUSED;
        } else {
            t->state = WM_TRANSPORT_STOPPED;
            t->position = t->play_start;
        }
    }
    if (b % 331 == 0) {
        int64_t to = (int64_t)rnd(20 * FS) + (rnd(10) == 0 ? ((int64_t)1 << 40) : 0);
        uint32_t w[3] = {WM_SESSION_OP_SEEK, (uint32_t)to, (uint32_t)((uint64_t)to >> 32)};
        send(k, w, 3, 1);
        t->position = to;
        if (t->state == WM_TRANSPORT_STOPPED)
            t->play_start = to;
    }
    if (b % 701 == 0) {
        int64_t start = rnd(10 * FS), end = start + WM_TRANSPORT_MIN_LOOP + rnd(5 * FS);
        int on = (int)rnd(4) != 0;
        CHECK(page_loop(&k->p, start, end, on));
        k->want_applied++;
        t->loop_start = start, t->loop_end = end, t->loop_on = on;
    }
}

/* A command that must be rejected. */
static void bad_traffic(soak* k)
{
    uint32_t w[11] = {0};
    switch (rnd(5)) {
    case 0: w[0] = WM_SESSION_OP_SET_STRIP_PARAM, w[1] = STRIPS + rnd(100), w[3] = page_bits(0.0f); send(k, w, 4, 0); break;
    case 1: w[0] = WM_SESSION_OP_CLIP_REMOVE, w[1] = TRACKS + rnd(10); send(k, w, 3, 0); break;
    case 2: w[0] = WM_SESSION_OP_POOL_FREE, w[1] = 0; send(k, w, 2, 0); break;
    case 3: w[0] = WM_SESSION_OP_COUNT + rnd(100); send(k, w, 1 + (int)rnd(10), 0); break;
    default: w[0] = WM_SESSION_OP_SET_MIXER_PARAM, w[1] = WM_MIXER_LIMITER_ON, w[2] = page_bits(NAN); send(k, w, 3, 0);
    }
}

static void param_traffic(soak* k)
{
    for (int i = 0; i < 8; i++) {
        int id = (int)rnd(WM_STRIP_PARAM_COUNT);
        const wm_param_info* info = wm_strip_param_get_info(id);
        float v = info->min + (info->max - info->min) * (float)rnd(1001) / 1000.0f;
        if (info->stepped)
            v = roundf(v);
        if (id == WM_STRIP_MUTE || id == WM_STRIP_SOLO)
            v = rnd(8) == 0;
        if (id == WM_STRIP_LOWCUT_SLOPE || id == WM_STRIP_HIGHCUT_SLOPE)
            v = (float[]){12, 24, 48}[rnd(3)];
        CHECK(page_strip_param(&k->p, (int)rnd(STRIPS), id, v));
        k->want_applied++;
    }
    if (rnd(16) == 0) {
        int id = (int)rnd(WM_MIXER_PARAM_COUNT);
        const wm_param_info* info = wm_mixer_param_get_info(id);
        float v = info->stepped ? (float)rnd(2) : info->min + (info->max - info->min) * (float)rnd(1001) / 1000.0f;
        CHECK(page_mixer_param(&k->p, id, v));
        k->want_applied++;
    }
}

static long max_rss_kb(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    const char* env = getenv("WAMIX_SOAK_SECONDS");
    double seconds = env && atof(env) > 0 ? atof(env) : 180.0;
    int64_t frames_goal = (int64_t)(seconds * FS);

    static soak k;
    wm_session_config c = config();
    /* page_open, but with the arena kept, its unused tail patterned */
    size_t bytes = wm_session_memory_size(&c);
    k.p.mem = malloc(bytes);
    k.p.bytes = bytes;
    wm_arena arena;
    wm_arena_init(&arena, k.p.mem, bytes);
    int err;
    k.p.s = wm_session_create(&arena, &c, k.p.mem, &err);
    CHECK(k.p.s != NULL);
    CHECK_EQ_INT(wm_ring_attach(&k.p.cmd, wm_session_command_ring(k.p.s), 1u << 20), WM_OK);
    CHECK_EQ_INT(wm_ring_attach(&k.p.reply, wm_session_reply_ring(k.p.s), 1u << 20), WM_OK);
    size_t used = arena.used, high = arena.high_water;
    memset(k.p.mem + used, 0xa5, bytes - used);

    wm_session_process(k.p.s, BLOCK);
    long rss0 = 0;
    int64_t warm = frames_goal / 10 < 30 * FS ? frames_goal / 10 : 30 * FS;
    counting = 1;
    allocations = 0;
    int64_t rendered = BLOCK;
    long blocks = 0, position_errors = 0;
    clock_t t0 = clock();
    while (rendered < frames_goal) {
        param_traffic(&k);
        pool_traffic(&k);
        clip_traffic(&k);
        transport_traffic(&k, blocks);
        if (rnd(50) == 0)
            bad_traffic(&k);
        int n = rnd(20) == 0 ? 1 + (int)rnd(BLOCK) : BLOCK;
        int64_t played_before = k.tm.state == WM_TRANSPORT_PLAYING ? n : 0;
        wm_session_process(k.p.s, n);
        model_render(&k.tm, n);
        k.played += played_before;
        rendered += n;
        blocks++;
        position_errors += page_position(&k.p) != k.tm.position;
        read_replies(&k);
        if (!rss0 && rendered >= warm)
            rss0 = max_rss_kb();
    }
    counting = 0;
    /* the last replies: one more block applies whatever is pending */
    wm_session_process(k.p.s, 0);
    read_replies(&k);
    double cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
    long rss1 = max_rss_kb();

    const uint32_t* st = wm_session_status(k.p.s);
    int64_t engine_frames = wm_mixer_frames(wm_session_mixer(k.p.s));
    size_t tail_bad = 0;
    for (size_t i = used; i < bytes; i++)
        tail_bad += k.p.mem[i] != 0xa5;
    printf("soak: %.0f s of audio (%lld frames, %ld blocks), %d tracks + %d buses, in %.1f s CPU (%.0fx real time)\n",
           (double)rendered / FS, (long long)rendered, blocks, TRACKS, BUSES, cpu, (double)rendered / FS / cpu);
    printf("soak: commands sent %ld: applied %u (expected %ld), rejected %u (expected %ld: %ld deliberate bad ones, "
           "pool full %ld, no pool slot %ld, track's clips full %ld); pending %u\n",
           k.p.pushed, st[WM_SESSION_ST_APPLIED], k.want_applied, st[WM_SESSION_ST_REJECTED], k.want_rejected,
           k.want_rejected - k.pool_fail[-WM_ERR_FULL] - k.pool_fail[-WM_ERR_LIMIT] - k.clip_fail[-WM_ERR_LIMIT],
           k.pool_fail[-WM_ERR_FULL], k.pool_fail[-WM_ERR_LIMIT], k.clip_fail[-WM_ERR_LIMIT],
           st[WM_SESSION_ST_PENDING_WORDS]);
    printf("soak: replies %ld of %ld requests, %u dropped; transport position off the model after %ld of %ld blocks; "
           "%lld frames played, engine time %lld of %lld\n",
           k.replies, k.want_replies, st[WM_SESSION_ST_REPLIES_DROPPED], position_errors, blocks, (long long)k.played,
           (long long)engine_frames, (long long)rendered);
    printf("soak: %d heap allocations while rendering; arena used %zu -> %zu, high-water %zu -> %zu; unused tail "
           "%zu bytes, %zu changed; peak RSS after the warm-up %ld -> %ld KiB\n",
           allocations, used, arena.used, high, arena.high_water, bytes - used, tail_bad, rss0, rss1);
    CHECK_EQ_INT(st[WM_SESSION_ST_APPLIED] + st[WM_SESSION_ST_REJECTED], k.p.pushed);
    CHECK_EQ_INT(st[WM_SESSION_ST_APPLIED], k.want_applied);
    CHECK_EQ_INT(st[WM_SESSION_ST_REJECTED], k.want_rejected);
    CHECK_EQ_INT(st[WM_SESSION_ST_PENDING_WORDS], 0);
    CHECK_EQ_INT(k.replies, k.want_replies);
    CHECK_EQ_INT(st[WM_SESSION_ST_REPLIES_DROPPED], 0);
    CHECK_EQ_INT(position_errors, 0);
    CHECK_EQ_INT(engine_frames, rendered);
    CHECK_EQ_INT(allocations, 0);
    CHECK(arena.used == used && arena.high_water == high);
    CHECK_EQ_INT(tail_bad, 0);
    CHECK(rss1 - rss0 <= 256);
    free(k.p.mem);
    return check_finish("soak", seed);
}
