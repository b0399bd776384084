/* test_streams.c -- streams into tracks and the recording of the master,
   through the session's commands and the real rings (the page's ends are
   wm_ring structs attached here):
   - a stream bound to a stereo track through a neutral chain (fader 0 dB,
     pan centre, limiter off) comes out sample-exact, delayed by exactly
     wm_mixer_latency frames, against a model of the feed with random
     block sizes and random short feeds: every underrun is silence at the
     end of its block, the stream resumes in sequence, and the counters
     (session status and the ring's own word) agree with the model; the
     record ring holds exactly the master output; no allocation;
   - a mono track takes (L + R) / 2 (at the centre pan law);
   - mode 0 is pulled only while the transport plays, mode 1 always;
   - a full record ring drops whole blocks and counts them, and what is
     recorded is exactly the blocks that fitted;
   - hostile command words (a table, then 100,000 random records against a
     model of the rules), and corrupted ring headers: rejected or silent,
     counted, and nothing outside the corrupted ring's own header changes
     (the memory after it is compared byte for byte, with a canary guard
     past the arena); unbinding recovers the ring. */
#define _GNU_SOURCE
#include <stdlib.h>

#include "alloc_count.h"
#include "check.h"
#include "ring_sequence.h"
#include "wm_session.h"

enum { FS = 48000, BLOCK = 128, TRACKS = 3, STREAMS = 3, RING = 1024, REC = 2048, GUARD = 4096 };
enum { OP_BIND = WM_SESSION_OP_STREAM_BIND, OP_UNBIND = WM_SESSION_OP_STREAM_UNBIND, OP_RECORD = WM_SESSION_OP_RECORD };
#define CANARY 0xa5

typedef struct {
    unsigned char* mem;
    size_t bytes; /* the arena; GUARD canary bytes follow */
    wm_session* s;
    wm_ring cmd;
    wm_ring prod[STREAMS]; /* the Workers' ends: producers */
    wm_ring rec;           /* consumer */
    int latency;
} fixture;

static void open_fixture(fixture* f, int record_frames)
{
    wm_session_config c;
    memset(&c, 0, sizeof c);
    c.mixer.sample_rate = FS;
    c.mixer.max_block = BLOCK;
    c.mixer.track_count = TRACKS;
    c.mixer.clips_per_track = 4;
    c.mixer.track_channels[0] = 2;
    c.mixer.track_channels[1] = 1;
    c.mixer.track_channels[2] = 2;
    c.pool_pages = 4;
    c.command_ring_bytes = 65536;
    c.reply_ring_bytes = 4096;
    c.stream_count = STREAMS;
    c.stream_ring_frames = RING;
    c.record_ring_frames = record_frames;
    f->bytes = wm_session_memory_size(&c);
    CHECK(f->bytes > 0);
    f->mem = malloc(f->bytes + GUARD);
    memset(f->mem + f->bytes, CANARY, GUARD);
    wm_arena a;
    wm_arena_init(&a, f->mem, f->bytes);
    int err = 1;
    f->s = wm_session_create(&a, &c, f->mem, &err);
    CHECK(f->s != NULL && err == WM_OK);
    CHECK_EQ_INT(wm_ring_attach(&f->cmd, wm_session_command_ring(f->s), 1u << 20), WM_OK);
    for (int i = 0; i < STREAMS; i++)
        CHECK_EQ_INT(wm_ring_attach(&f->prod[i], wm_session_stream_ring(f->s, i), 1u << 20), WM_OK);
    CHECK(wm_session_stream_ring(f->s, STREAMS) == NULL && wm_session_stream_ring(f->s, -1) == NULL);
    if (record_frames)
        CHECK_EQ_INT(wm_ring_attach(&f->rec, wm_session_record_ring(f->s), 1u << 20), WM_OK);
    else
        CHECK(wm_session_record_ring(f->s) == NULL);
    f->latency = wm_mixer_latency(wm_session_mixer(f->s));
    CHECK(f->latency > 0);
}

static int guard_intact(const fixture* f)
{
    for (int i = 0; i < GUARD; i++)
        if (f->mem[f->bytes + i] != CANARY)
            return 0;
    return 1;
}

static int cmd(fixture* f, int words, uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3)
{
    uint32_t w[4] = {w0, w1, w2, w3};
    return wm_ring_push_record(&f->cmd, w, 4 * words);
}

static uint32_t st(const fixture* f, int i) { return wm_session_status(f->s)[i]; }
static uint64_t recorded(const fixture* f)
{
    return ((uint64_t)st(f, WM_SESSION_ST_RECORDED_HI) << 32) | st(f, WM_SESSION_ST_RECORDED_LO);
}

/* Sample c of stream frame i (exactly representable, never 0). */
static float feed_value(int stream, uint32_t i, int c) { return ring_seq_value(2u * i + (uint32_t)c, 77u + (uint32_t)stream); }

/* Pushes frames [from, from + n) of the stream's sequence; returns the frames taken. */
static int feed(fixture* f, int stream, uint32_t from, int n)
{
    float buf[2 * 2 * RING];
    for (int i = 0; i < n; i++)
        for (int c = 0; c < 2; c++)
            buf[2 * i + c] = feed_value(stream, from + (uint32_t)i, c);
    return wm_ring_push(&f->prod[stream], buf, n);
}

static const float* out(fixture* f, int ch) { return wm_mixer_output(wm_session_mixer(f->s), ch); }

/* Random block sizes and feeds, with underruns; the model is the track's
   expected input (fed frames in order, then silence to the block's end). */
static void test_exact_with_underruns(void)
{
    enum { BLOCKS = 3000, MAXF = BLOCKS * BLOCK };
    fixture f;
    open_fixture(&f, REC);
    float* model = calloc(2 * MAXF, sizeof(float)); /* expected track input */
    float* master = calloc(2 * MAXF, sizeof(float));
    float* rec = calloc(2 * MAXF + 2 * REC, sizeof(float));
    cmd(&f, 4, OP_BIND, 0, 0, WM_STREAM_MODE_LIVE);
    cmd(&f, 2, OP_RECORD, 1, 0, 0);
    uint32_t fed = 0, used = 0, underruns = 0, silent = 0;
    int total = 0, got_rec = 0;
    for (int b = 0; b < BLOCKS; b++) {
        int n = 1 + (int)(check_rand() % BLOCK);
        /* 25 blocks fed more than they take, 25 fed less; never more than fits */
        int want = (int)(check_rand() % (b % 50 < 25 ? 2 * BLOCK : BLOCK / 4));
        int room = RING - (int)(fed - used);
        fed += (uint32_t)feed(&f, 0, fed, want < room ? want : room);
        int got = (int)(fed - used) < n ? (int)(fed - used) : n;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 2; c++)
                model[2 * (total + i) + c] = i < got ? feed_value(0, used + (uint32_t)i, c) : 0.0f;
        used += (uint32_t)got;
        if (got < n) {
            underruns++;
            silent += (uint32_t)(n - got);
        }
        counting = 1;
        wm_session_process(f.s, n);
        counting = 0;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 2; c++)
                master[2 * (total + i) + c] = out(&f, c)[i];
        total += n;
        got_rec += wm_ring_pop(&f.rec, rec + 2 * got_rec, REC);
    }
    int bad = 0, bad_rec = 0;
    for (int t = 0; t < total; t++)
        for (int c = 0; c < 2; c++) {
            float want = t < f.latency ? 0.0f : model[2 * (t - f.latency) + c];
            bad += master[2 * t + c] != want;
            bad_rec += rec[2 * t + c] != master[2 * t + c];
        }
    printf("streams: %d frames in %d random blocks, %u fed, %u underruns (%u silent frames): %d samples off the model "
           "delayed by %d; recording %d frames, %d samples off the master\n",
           total, BLOCKS, fed, underruns, silent, bad, f.latency, got_rec, bad_rec);
    CHECK_EQ_INT(bad, 0);
    CHECK(underruns > 100 && underruns < BLOCKS / 2); /* both paths taken */
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_STREAM_UNDERRUNS), underruns);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_STREAM_SILENT_FRAMES), silent);
    CHECK_EQ_INT(wm_ring_underruns(&f.prod[0]), underruns); /* the ring's own word */
    CHECK_EQ_INT(got_rec, total);
    CHECK_EQ_INT(bad_rec, 0);
    CHECK_EQ_INT(recorded(&f), (uint64_t)total);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_RECORD_OVERRUNS), 0);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_RECORDING), 1);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_STREAM_RING_STATUS), 0);
    CHECK_EQ_INT(allocations, 0);
    CHECK(guard_intact(&f));
    free(model);
    free(master);
    free(rec);
    free(f.mem);
}

static void test_mono(void)
{
    fixture f;
    open_fixture(&f, 0);
    cmd(&f, 4, OP_BIND, 1, 1, WM_STREAM_MODE_LIVE);
    double worst = 0;
    int frame = 0;
    for (int b = 0; b < 8; b++, frame += BLOCK) {
        feed(&f, 1, (uint32_t)frame, BLOCK);
        wm_session_process(f.s, BLOCK);
        for (int i = 0; i < BLOCK; i++) {
            int t = frame + i - f.latency;
            double x = t < 0 ? 0.0 : 0.5 * ((double)feed_value(1, (uint32_t)t, 0) + feed_value(1, (uint32_t)t, 1));
            for (int c = 0; c < 2; c++) { /* a mono track at the centre: cos(pi/4) on each side */
                double e = fabs(out(&f, c)[i] - x * sqrt(0.5));
                worst = e > worst ? e : worst;
            }
        }
    }
    printf("streams: mono track takes (L + R) / 2: worst error %.3g at the centre pan law\n", worst);
    CHECK(worst < 1e-6);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_REJECTED), 0);
    free(f.mem);
}

static void test_modes(void)
{
    fixture f;
    open_fixture(&f, 0);
    cmd(&f, 4, OP_BIND, 0, 0, WM_STREAM_MODE_TRANSPORT);
    cmd(&f, 4, OP_BIND, 2, 2, WM_STREAM_MODE_LIVE);
    CHECK_EQ_INT(feed(&f, 0, 0, 512), 512);
    CHECK_EQ_INT(feed(&f, 2, 0, 512), 512);
    int bad = 0;
    for (int b = 0; b < 2; b++) { /* stopped: only the live stream plays */
        wm_session_process(f.s, BLOCK);
        for (int i = 0; i < BLOCK; i++) {
            int t = b * BLOCK + i - f.latency;
            bad += out(&f, 0)[i] != (t < 0 ? 0.0f : feed_value(2, (uint32_t)t, 0));
        }
    }
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(wm_ring_available_read(&f.prod[0]), 512);
    CHECK_EQ_INT(wm_ring_available_read(&f.prod[2]), 256);
    cmd(&f, 2, WM_SESSION_OP_TRANSPORT, 0, 0, 0); /* play */
    wm_session_process(f.s, BLOCK);
    int a0 = wm_ring_available_read(&f.prod[0]), a2 = wm_ring_available_read(&f.prod[2]);
    cmd(&f, 2, WM_SESSION_OP_TRANSPORT, 1, 0, 0); /* pause */
    wm_session_process(f.s, BLOCK);
    wm_session_process(f.s, BLOCK);
    printf("streams: stopped 2 blocks, playing 1, paused 2: transport stream %d -> %d -> %d frames left, live "
           "stream 256 -> %d -> %d\n",
           512, a0, wm_ring_available_read(&f.prod[0]), a2, wm_ring_available_read(&f.prod[2]));
    CHECK_EQ_INT(a0, 384);
    CHECK_EQ_INT(a2, 128);
    CHECK_EQ_INT(wm_ring_available_read(&f.prod[0]), 384);
    CHECK_EQ_INT(wm_ring_available_read(&f.prod[2]), 0);
    /* the live stream ran dry in the second paused block; the paused one never underruns */
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_STREAM_UNDERRUNS), 1);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_STREAM_SILENT_FRAMES), BLOCK);
    CHECK_EQ_INT(wm_ring_underruns(&f.prod[0]), 0);
    free(f.mem);
}

static void test_record_overrun(void)
{
    enum { BLOCKS = 24 };
    fixture f;
    open_fixture(&f, REC);
    static float master[BLOCKS][2 * BLOCK], got[2 * BLOCKS * BLOCK];
    cmd(&f, 4, OP_BIND, 0, 0, WM_STREAM_MODE_LIVE);
    cmd(&f, 2, OP_RECORD, 1, 0, 0);
    int popped = 0, kept[BLOCKS], nkept = 0;
    for (int b = 0; b < BLOCKS; b++) {
        feed(&f, 0, (uint32_t)(b * BLOCK), BLOCK);
        int room = REC - (int)(recorded(&f) - (uint64_t)popped);
        wm_session_process(f.s, BLOCK);
        for (int i = 0; i < BLOCK; i++)
            for (int c = 0; c < 2; c++)
                master[b][2 * i + c] = out(&f, c)[i];
        if (room >= BLOCK)
            kept[nkept++] = b;
        if (b == 19 || b == 20) /* a pop too small for a block, then one that makes room */
            popped += wm_ring_pop(&f.rec, got + 2 * popped, 100);
    }
    int dropped = BLOCKS - nkept;
    printf("streams: record ring of %d frames, never drained for 20 blocks of %d: %u frames recorded, %u overruns "
           "(%u frames dropped), expected %d\n",
           REC, BLOCK, (unsigned)recorded(&f), st(&f, WM_SESSION_ST_RECORD_OVERRUNS),
           st(&f, WM_SESSION_ST_RECORD_DROPPED_FRAMES), dropped);
    CHECK(dropped >= 4);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_RECORD_OVERRUNS), dropped);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_RECORD_DROPPED_FRAMES), dropped * BLOCK);
    CHECK_EQ_INT(recorded(&f), (uint64_t)nkept * BLOCK);
    CHECK_EQ_INT(wm_ring_overruns(&f.rec), 0); /* never a partial push */
    popped += wm_ring_pop(&f.rec, got + 2 * popped, BLOCKS * BLOCK);
    CHECK_EQ_INT(popped, nkept * BLOCK);
    CHECK(nkept > 16 && kept[16] > 16); /* something after the gap was recorded */
    int bad = 0;
    for (int k = 0; k < nkept; k++)
        bad += memcmp(got + 2 * BLOCK * k, master[kept[k]], sizeof master[0]) != 0;
    CHECK_EQ_INT(bad, 0);
    cmd(&f, 2, OP_RECORD, 0, 0, 0);
    wm_session_process(f.s, BLOCK);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_RECORDING), 0);
    CHECK_EQ_INT(recorded(&f), (uint64_t)nkept * BLOCK);
    CHECK_EQ_INT(wm_ring_available_read(&f.rec), 0);
    free(f.mem);
}

/* The documented rules for one record of `words` words, on a model of the
   bindings; returns 1 when it must be applied (and applies it). */
static int model_apply(int* bound, int has_record, const uint32_t* w, int words)
{
    if (w[0] == OP_BIND && words == 4) {
        if (w[1] >= STREAMS || w[2] >= TRACKS || w[3] > 1)
            return 0;
        for (int i = 0; i < STREAMS; i++)
            if (i != (int)w[1] && bound[i] == (int)w[2])
                return 0;
        bound[w[1]] = (int)w[2];
        return 1;
    }
    if (w[0] == OP_UNBIND && words == 2 && w[1] < STREAMS) {
        bound[w[1]] = -1;
        return 1;
    }
    return w[0] == OP_RECORD && words == 2 && w[1] <= 1 && has_record;
}

static uint32_t hostile_word(void)
{
    uint32_t r = check_rand();
    switch (r % 8) {
    case 0: return 0xffffffffu - (r >> 8) % 3;
    case 1: return r;
    case 2: return 0x80000000u + (r >> 8) % 3;
    default: return (r >> 8) % 4; /* mostly near the limits, so that many are valid */
    }
}

static void test_hostile_words(void)
{
    for (int with_record = 0; with_record < 2; with_record++) {
        fixture f;
        open_fixture(&f, with_record ? REC : 0);
        int bound[STREAMS] = {-1, -1, -1};
        uint32_t applied = 0, rejected = 0;
        for (int round = 0; round < 1000; round++) {
            for (int k = 0; k < 100; k++) {
                uint32_t w[6];
                uint32_t ops[6] = {OP_BIND, OP_UNBIND, OP_RECORD, 0, WM_SESSION_OP_COUNT, 0xffffffffu};
                w[0] = ops[check_rand() % 6];
                uint32_t r = check_rand(); /* half the time the right length */
                int words = r % 2 ? 1 + (int)(r >> 8) % 5 : (w[0] == OP_BIND ? 4 : 2);
                for (int i = 1; i < words; i++)
                    w[i] = hostile_word();
                if (wm_ring_push_record(&f.cmd, w, 4 * words) == 1) {
                    if (model_apply(bound, with_record, w, words))
                        applied++;
                    else
                        rejected++;
                }
            }
            wm_session_process(f.s, BLOCK);
        }
        /* which streams are bound now: play, feed each, one block */
        cmd(&f, 2, WM_SESSION_OP_TRANSPORT, 0, 0, 0);
        applied++;
        for (int i = 0; i < STREAMS; i++)
            feed(&f, i, 0, BLOCK);
        wm_session_process(f.s, BLOCK);
        int wrong = 0;
        for (int i = 0; i < STREAMS; i++)
            wrong += wm_ring_available_read(&f.prod[i]) != (bound[i] >= 0 ? 0 : BLOCK);
        printf("streams: 100,000 random stream records (%s recording): %u applied, %u rejected (model: %u, %u); "
               "bindings %d %d %d, %d unlike the model\n",
               with_record ? "with" : "without", st(&f, WM_SESSION_ST_APPLIED), st(&f, WM_SESSION_ST_REJECTED),
               applied, rejected, bound[0], bound[1], bound[2], wrong);
        CHECK_EQ_INT(st(&f, WM_SESSION_ST_APPLIED), applied);
        CHECK_EQ_INT(st(&f, WM_SESSION_ST_REJECTED), rejected);
        CHECK(applied > 1000 && rejected > 1000);
        CHECK_EQ_INT(wrong, 0);
        CHECK(guard_intact(&f));
        free(f.mem);
    }
}

/* Bytes [from, the end of the guard): a snapshot and a comparison. */
static unsigned char* snapshot(const fixture* f, const void* from)
{
    size_t off = (size_t)((const unsigned char*)from - f->mem), n = f->bytes + GUARD - off;
    unsigned char* copy = malloc(n);
    memcpy(copy, f->mem + off, n);
    return copy;
}

static int same_since(const fixture* f, const void* from, const unsigned char* copy, size_t skip_at, size_t skip)
{
    size_t off = (size_t)((const unsigned char*)from - f->mem), n = f->bytes + GUARD - off;
    for (size_t i = 0; i < n; i++)
        if ((i < skip_at || i >= skip_at + skip) && f->mem[off + i] != copy[i])
            return 0;
    return 1;
}

static void test_corrupt_headers(void)
{
    fixture f;
    open_fixture(&f, REC);
    cmd(&f, 4, OP_BIND, 0, 0, WM_STREAM_MODE_LIVE);
    cmd(&f, 4, OP_BIND, 1, 2, WM_STREAM_MODE_LIVE);
    uint32_t* h0 = wm_session_stream_ring(f.s, 0);
    void* after0 = wm_session_stream_ring(f.s, 1); /* ring 0's data ends where ring 1 starts */
    CHECK((unsigned char*)after0 >= (unsigned char*)h0 + wm_ring_memory_size(WM_RING_FRAMES, RING, 2));
    uint32_t underruns = 0;
    int bad = 0;
    unsigned char* before = NULL;
    for (int b = 0; b < 12; b++) {
        if (b == 2) { /* the page's side writes nonsense into ring 0's indices, then its geometry */
            before = snapshot(&f, wm_session_stream_ring(f.s, 2));
            h0[16] = h0[32] + RING + 7;
        }
        if (b == 4)
            h0[5] = 1u << 20, h0[7] = 0x7fffffffu;
        if (b == 6) { /* the unbind recovers it */
            CHECK(same_since(&f, wm_session_stream_ring(f.s, 2), before, 0, 0));
            cmd(&f, 2, OP_UNBIND, 0, 0, 0);
            cmd(&f, 4, OP_BIND, 0, 0, WM_STREAM_MODE_LIVE);
            wm_session_process(f.s, 0); /* applies them, renders nothing */
        }
        int fed0 = feed(&f, 0, (uint32_t)(b * BLOCK), BLOCK);
        feed(&f, 1, (uint32_t)(b * BLOCK), BLOCK);
        CHECK_EQ_INT(fed0, (b >= 2 && b < 6) ? 0 : BLOCK); /* the producer refuses a corrupt ring */
        wm_session_process(f.s, BLOCK);
        underruns += b >= 2 && b < 6;
        if (b == 3)
            CHECK_EQ_INT(st(&f, WM_SESSION_ST_STREAM_RING_STATUS), WM_RING_BAD_INDEX);
        if (b == 5)
            CHECK(st(&f, WM_SESSION_ST_STREAM_RING_STATUS) & WM_RING_BAD_INDEX);
        /* track 2 (stream 1) plays exactly throughout; track 0 is silent while its ring is corrupt */
        for (int i = BLOCK / 2; i < BLOCK; i++) {
            int t = b * BLOCK + i - f.latency; /* the track input's frame */
            float want = t < 0 ? 0.0f : feed_value(1, (uint32_t)t, 0);
            if (t >= 0 && (t < 2 * BLOCK || t >= 6 * BLOCK))
                want += feed_value(0, (uint32_t)t, 0);
            bad += out(&f, 0)[i] != want;
        }
    }
    printf("streams: ring 0's indices then geometry corrupted for 4 blocks: %u underruns counted, the memory after "
           "the rings unchanged, %d samples off (stream 1 exact throughout, stream 0 silent, then back after unbind)\n",
           st(&f, WM_SESSION_ST_STREAM_UNDERRUNS), bad);
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_STREAM_UNDERRUNS), underruns);
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_STREAM_RING_STATUS), 0);
    free(before);

    /* the record ring's read index corrupted by its consumer: blocks dropped, nothing written */
    uint32_t* hr = wm_session_record_ring(f.s);
    size_t hr_at = (size_t)((unsigned char*)hr - (unsigned char*)wm_session_stream_ring(f.s, 2));
    cmd(&f, 2, OP_RECORD, 1, 0, 0);
    wm_session_process(f.s, BLOCK);
    before = snapshot(&f, wm_session_stream_ring(f.s, 2));
    hr[32] = hr[16] + 12345;
    for (int b = 0; b < 3; b++)
        wm_session_process(f.s, BLOCK);
    CHECK(same_since(&f, wm_session_stream_ring(f.s, 2), before, hr_at, WM_RING_HEADER_BYTES));
    CHECK_EQ_INT(st(&f, WM_SESSION_ST_RECORD_OVERRUNS), 3);
    CHECK_EQ_INT(recorded(&f), BLOCK);
    CHECK(st(&f, WM_SESSION_ST_STREAM_RING_STATUS) & WM_RING_BAD_INDEX);
    CHECK(guard_intact(&f));
    free(before);
    free(f.mem);
}

static void test_config(void)
{
    wm_session_config c;
    memset(&c, 0, sizeof c);
    c.mixer.sample_rate = FS;
    c.mixer.max_block = BLOCK;
    c.mixer.track_count = 1;
    c.mixer.clips_per_track = 1;
    c.mixer.track_channels[0] = 2;
    c.pool_pages = 1;
    c.command_ring_bytes = c.reply_ring_bytes = 1024;
    size_t plain = wm_session_memory_size(&c);
    CHECK(plain > 0);
    c.record_ring_frames = 0;
    const int bad[][3] = {{-1, 0, 0}, {WM_STREAMS_MAX + 1, 0, 0}, {1, 100, 0}, {1, 64, 0}, {1, 1 << 25, 0},
                          {0, 0, 64}, {0, 0, 1000}, {0, 0, -128}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        c.stream_count = bad[i][0], c.stream_ring_frames = bad[i][1], c.record_ring_frames = bad[i][2];
        CHECK_EQ_INT(wm_session_memory_size(&c), 0);
    }
    c.stream_count = WM_STREAMS_MAX, c.stream_ring_frames = 128, c.record_ring_frames = 128;
    size_t full = wm_session_memory_size(&c);
    CHECK(full > plain + (WM_STREAMS_MAX + 1) * 128 * 8);
    c.stream_count = 0, c.stream_ring_frames = 0;
    size_t rec_only = wm_session_memory_size(&c);
    c.stream_ring_frames = 12345; /* ignored without streams */
    CHECK_EQ_INT(wm_session_memory_size(&c), rec_only);
    CHECK(rec_only > plain + 128 * 8);
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_config();
    test_exact_with_underruns();
    test_mono();
    test_modes();
    test_record_overrun();
    test_hostile_words();
    test_corrupt_headers();
    return check_finish("test_streams", seed);
}
