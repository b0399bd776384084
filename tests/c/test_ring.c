/* test_ring.c -- the SPSC ring in shared memory: geometry and header
   layout; a sequence generator and verifier across ~100x the capacity with
   random chunk sizes, checked call by call against a model of the ring
   (frames of 1, 2, 3 and 8 channels, and variable-length records),
   including indices that wrap past 2^32; canaries around the shared block
   and behind every destination; two real threads (pthreads) at random
   rates and chunk sizes, 12 million samples and a million records, nothing
   lost, duplicated or reordered; corrupted headers and record lengths, one
   by one and as a random fuzz, never touching memory outside the ring's
   data and the caller's counts.

   The sample for sequence position s is 1 + k / 2^23 with k the top 23 bits
   of a hash of s: exact in float32, so the verifier compares bit for bit,
   and a lost, repeated or swapped sample shows. SEED=n changes the chunk
   sizes, rates and sequences. */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "ring_sequence.h"
#include "wm_ring.h"

enum { GUARD = 256, CANARY = 0xA5 };

static float seq_value(uint32_t s, uint32_t seed) { return ring_seq_value(s, seed); }
static int rec_len(uint32_t k, uint32_t seed, int max_len) { return (int)ring_rec_len(k, seed, (uint32_t)max_len); }
static unsigned char rec_byte(uint32_t k, int j) { return ring_rec_byte(k, (uint32_t)j); }

static uint32_t rand_below(uint32_t* state, uint32_t n)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return n ? x % n : 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A shared block with GUARD canary bytes on either side, 64-byte aligned. */
typedef struct {
    unsigned char* base; /* malloc'd: the test may allocate, dsp/ may not */
    unsigned char* ring; /* base + GUARD */
    size_t bytes;
} block;

static void block_open(block* b, size_t bytes)
{
    b->bytes = bytes;
    b->base = aligned_alloc(64, (GUARD * 2 + bytes + 63) / 64 * 64);
    memset(b->base, CANARY, GUARD * 2 + bytes);
    b->ring = b->base + GUARD;
}

static int block_guards_ok(const block* b)
{
    for (size_t i = 0; i < GUARD; i++)
        if (b->base[i] != CANARY || b->ring[b->bytes + i] != CANARY)
            return 0;
    return 1;
}

static uint32_t* header_word(const block* b, int byte_offset) { return (uint32_t*)(b->ring + byte_offset); }

/* ---- geometry, layout, arguments ---------------------------------------- */

static void test_geometry(void)
{
    CHECK_EQ_INT(wm_ring_memory_size(WM_RING_FRAMES, 64, 2), 192 + 64 * 8);
    CHECK_EQ_INT(wm_ring_memory_size(WM_RING_RECORDS, 1024, 1), 192 + 4096);
    CHECK_EQ_INT(wm_ring_memory_size(WM_RING_FRAMES, 2, 32), 192 + 2 * 128);
    const int bad[][3] = {
        {WM_RING_FRAMES, 0, 1}, {WM_RING_FRAMES, 1, 1}, {WM_RING_FRAMES, 3, 1},
        {WM_RING_FRAMES, 96, 2}, {WM_RING_FRAMES, -64, 1}, {WM_RING_FRAMES, 1 << 25, 1},
        {WM_RING_FRAMES, 64, 0}, {WM_RING_FRAMES, 64, 33}, {WM_RING_FRAMES, 64, -1},
        {WM_RING_RECORDS, 64, 2}, {WM_RING_RECORDS, 64, 0}, {0, 64, 1}, {3, 64, 1},
        {WM_RING_FRAMES, 1 << 24, 32}, /* 2 GiB of data: over WM_RING_MAX_DATA_BYTES */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_EQ_INT(wm_ring_memory_size(bad[i][0], bad[i][1], bad[i][2]), 0);

    block b;
    size_t size = wm_ring_memory_size(WM_RING_FRAMES, 64, 3);
    block_open(&b, size + 64);
    wm_ring r, c;
    CHECK_EQ_INT(wm_ring_init(&r, b.ring + 4, size, WM_RING_FRAMES, 64, 3), WM_ERR_ARG); /* misaligned */
    CHECK_EQ_INT(wm_ring_init(&r, b.ring, size - 1, WM_RING_FRAMES, 64, 3), WM_ERR_NOMEM);
    CHECK_EQ_INT(wm_ring_init(&r, b.ring, size, WM_RING_FRAMES, 63, 3), WM_ERR_ARG);
    CHECK_EQ_INT(wm_ring_init(NULL, b.ring, size, WM_RING_FRAMES, 64, 3), WM_ERR_ARG);
    CHECK_EQ_INT(wm_ring_attach(&c, b.ring, size), WM_ERR_HANDLE); /* nothing formatted yet */
    CHECK(c.hdr == NULL);
    CHECK_EQ_INT(wm_ring_init(&r, b.ring, size, WM_RING_FRAMES, 64, 3), WM_OK);

    /* The header words sit where the layout says. */
    CHECK_EQ_INT(*header_word(&b, 0), WM_RING_MAGIC);
    CHECK(memcmp(b.ring, "WRNG", 4) == 0);
    CHECK_EQ_INT(*header_word(&b, 4), 1);
    CHECK_EQ_INT(*header_word(&b, 8), WM_RING_FRAMES);
    CHECK_EQ_INT(*header_word(&b, 12), 3);
    CHECK_EQ_INT(*header_word(&b, 16), 12);
    CHECK_EQ_INT(*header_word(&b, 20), 64);
    CHECK_EQ_INT(*header_word(&b, 24), 192);
    CHECK_EQ_INT(*header_word(&b, 28), 64 * 12);
    float frame[6] = {1, 2, 3, 4, 5, 6};
    CHECK_EQ_INT(wm_ring_push(&r, frame, 2), 2);
    CHECK_EQ_INT(*header_word(&b, WM_RING_OFF_WRITE), 2);
    CHECK(memcmp(b.ring + WM_RING_HEADER_BYTES, frame, sizeof frame) == 0);

    CHECK_EQ_INT(wm_ring_attach(&c, b.ring + 64, size), WM_ERR_HANDLE);
    CHECK_EQ_INT(wm_ring_attach(&c, b.ring + 4, size), WM_ERR_ARG);
    CHECK_EQ_INT(wm_ring_attach(&c, b.ring, size - 4), WM_ERR_HANDLE); /* does not fit */
    CHECK_EQ_INT(wm_ring_attach(&c, b.ring, size), WM_OK);
    CHECK_EQ_INT(c.capacity, 64);
    CHECK_EQ_INT(c.channels, 3);
    CHECK_EQ_INT(wm_ring_available_read(&c), 2);
    float out[6] = {0};
    CHECK_EQ_INT(wm_ring_pop(&c, out, 5), 2);
    CHECK(memcmp(out, frame, sizeof frame) == 0);
    CHECK_EQ_INT(*header_word(&b, WM_RING_OFF_READ), 2);
    CHECK_EQ_INT(wm_ring_underruns(&c), 1);
    CHECK_EQ_INT(*header_word(&b, WM_RING_OFF_UNDERRUNS), 1);

    /* Wrong kind, NULL and detached rings are argument errors. */
    unsigned char rec[8] = {0};
    CHECK_EQ_INT(wm_ring_push_record(&r, rec, 4), WM_ERR_ARG);
    CHECK_EQ_INT(wm_ring_pop_record(&c, rec, 8), WM_ERR_ARG);
    CHECK_EQ_INT(wm_ring_next_record_bytes(&c), WM_ERR_ARG);
    CHECK_EQ_INT(wm_ring_push(&r, NULL, 1), WM_ERR_ARG);
    CHECK_EQ_INT(wm_ring_pop(NULL, out, 1), WM_ERR_ARG);
    CHECK_EQ_INT(wm_ring_push(&r, frame, 0), 0);
    CHECK_EQ_INT(wm_ring_push(&r, frame, -5), 0);
    wm_ring detached;
    CHECK_EQ_INT(wm_ring_attach(&detached, b.ring + 128, size), WM_ERR_HANDLE);
    CHECK_EQ_INT(wm_ring_push(&detached, frame, 1), WM_ERR_ARG);
    CHECK_EQ_INT(wm_ring_available_read(&detached), 0);
    CHECK_EQ_INT(wm_ring_status(&detached), 0);
    CHECK(block_guards_ok(&b));
    free(b.base);

    /* From the arena: aligned, and a refusal consumes nothing. */
    static _Alignas(64) unsigned char mem[4096];
    wm_arena a;
    wm_arena_init(&a, mem + 8, sizeof mem - 8);
    wm_arena_alloc(&a, 3, 1);
    CHECK_EQ_INT(wm_ring_create(&r, &a, WM_RING_FRAMES, 1024, 2), WM_ERR_NOMEM);
    CHECK_EQ_INT(a.used, 3);
    CHECK_EQ_INT(wm_ring_create(&r, &a, WM_RING_FRAMES, 100, 2), WM_ERR_ARG);
    CHECK_EQ_INT(a.used, 3);
    CHECK_EQ_INT(wm_ring_create(&r, &a, WM_RING_RECORDS, 256, 1), WM_OK);
    CHECK(((uintptr_t)r.hdr & 63) == 0);
    CHECK_EQ_INT(wm_ring_available_write(&r), 256);
    CHECK_EQ_INT(r.max_record_bytes, 1020);
}

/* ---- single thread against a model --------------------------------------- */

static void frames_against_model(int channels, uint32_t start_index, uint32_t seed)
{
    enum { CAP = 64, MAXCHUNK = 2 * CAP + 1, TAIL = 4 };
    const float sentinel = -7.0f;
    size_t size = wm_ring_memory_size(WM_RING_FRAMES, CAP, channels);
    block b;
    block_open(&b, size);
    wm_ring p, c;
    CHECK_EQ_INT(wm_ring_init(&p, b.ring, size, WM_RING_FRAMES, CAP, channels), WM_OK);
    CHECK_EQ_INT(wm_ring_attach(&c, b.ring, size), WM_OK);
    /* Start both indices just short of 2^32 so the run crosses the wrap
       (equal indices: an empty ring, not a corruption). */
    *header_word(&b, WM_RING_OFF_WRITE) = start_index;
    *header_word(&b, WM_RING_OFF_READ) = start_index;

    static float src[MAXCHUNK * 8], dst[(MAXCHUNK + TAIL) * 8];
    uint32_t rng = seed, written = 0, read = 0, overruns = 0, underruns = 0, bad = 0;
    while (read < 100u * CAP) {
        uint32_t used = written - read;
        int want = (int)rand_below(&rng, MAXCHUNK + 1);
        for (int i = 0; i < want * channels; i++)
            src[i] = seq_value(written * (uint32_t)channels + (uint32_t)i, seed);
        CHECK_EQ_INT(wm_ring_available_write(&p), CAP - used);
        int n = wm_ring_push(&p, src, want);
        int expect = want < (int)(CAP - used) ? want : (int)(CAP - used);
        CHECK_EQ_INT(n, expect);
        overruns += n < want;
        written += (uint32_t)(n > 0 ? n : 0);

        used = written - read;
        want = (int)rand_below(&rng, MAXCHUNK + 1);
        for (int i = 0; i < (MAXCHUNK + TAIL) * channels; i++)
            dst[i] = sentinel;
        CHECK_EQ_INT(wm_ring_available_read(&c), used);
        n = wm_ring_pop(&c, dst, want);
        expect = want < (int)used ? want : (int)used;
        CHECK_EQ_INT(n, expect);
        underruns += n < want;
        for (int i = 0; i < n * channels; i++)
            bad += dst[i] != seq_value(read * (uint32_t)channels + (uint32_t)i, seed);
        for (int i = n * channels; i < (MAXCHUNK + TAIL) * channels; i++)
            bad += dst[i] != sentinel;
        read += (uint32_t)(n > 0 ? n : 0);
    }
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(wm_ring_overruns(&p), overruns);
    CHECK_EQ_INT(wm_ring_underruns(&c), underruns);
    CHECK_EQ_INT(*header_word(&b, WM_RING_OFF_WRITE), start_index + written);
    CHECK_EQ_INT(wm_ring_status(&c), 0);
    CHECK(block_guards_ok(&b));
    if (bad)
        fprintf(stderr, "frames: %d channels, start %u: %u bad samples\n", channels, start_index, bad);
    free(b.base);
}

static void records_against_model(uint32_t start_index, uint32_t seed)
{
    enum { CAP = 64, MAXREC = 4 * (CAP - 1), TAIL = 16 };
    size_t size = wm_ring_memory_size(WM_RING_RECORDS, CAP, 1);
    block b;
    block_open(&b, size);
    wm_ring p, c;
    CHECK_EQ_INT(wm_ring_init(&p, b.ring, size, WM_RING_RECORDS, CAP, 1), WM_OK);
    CHECK_EQ_INT(wm_ring_attach(&c, b.ring, size), WM_OK);
    *header_word(&b, WM_RING_OFF_WRITE) = start_index;
    *header_word(&b, WM_RING_OFF_READ) = start_index;
    CHECK_EQ_INT(c.max_record_bytes, MAXREC);

    static unsigned char src[MAXREC], dst[MAXREC + TAIL];
    int pending[CAP]; /* lengths of the records in the ring, by number % CAP */
    uint32_t rng = seed, pushed = 0, popped = 0, used = 0, words_moved = 0, overruns = 0, bad = 0;
    uint32_t refused_big = 0;
    while (words_moved < 100u * CAP) {
        /* Mostly short commands, now and then one up to the ring's limit. */
        int max_len = rand_below(&rng, 8) == 0 ? MAXREC : 24;
        int len = rec_len(pushed, seed, max_len);
        pending[pushed % CAP] = len;
        for (int j = 0; j < len; j++)
            src[j] = rec_byte(pushed, j);
        uint32_t words = WM_RING_RECORD_WORDS(len);
        int got = wm_ring_push_record(&p, src, len);
        CHECK_EQ_INT(got, words <= CAP - used ? 1 : 0);
        if (got == 1) {
            used += words;
            pushed++;
        } else {
            overruns++;
        }

        int pops = (int)rand_below(&rng, 3);
        for (int k = 0; k < pops; k++) {
            int expect_len = popped < pushed ? pending[popped % CAP] : 0;
            CHECK_EQ_INT(wm_ring_next_record_bytes(&c), expect_len);
            int room = rand_below(&rng, 6) == 0 ? (int)rand_below(&rng, MAXREC) : MAXREC;
            memset(dst, 0xEE, sizeof dst);
            int n = wm_ring_pop_record(&c, dst, room);
            if (popped == pushed) {
                CHECK_EQ_INT(n, 0);
            } else if (expect_len > room) {
                CHECK_EQ_INT(n, WM_ERR_RANGE);
                refused_big++;
                CHECK_EQ_INT(wm_ring_next_record_bytes(&c), expect_len); /* still there */
            } else {
                CHECK_EQ_INT(n, expect_len);
                for (int j = 0; j < n; j++)
                    bad += dst[j] != rec_byte(popped, j);
                for (int j = n; j < MAXREC + TAIL; j++)
                    bad += dst[j] != 0xEE;
                used -= WM_RING_RECORD_WORDS(n);
                words_moved += WM_RING_RECORD_WORDS(n);
                popped++;
            }
        }
        CHECK_EQ_INT(wm_ring_available_read(&c), used);
    }
    CHECK_EQ_INT(bad, 0);
    CHECK(refused_big > 0);
    CHECK_EQ_INT(wm_ring_overruns(&p), overruns);
    CHECK_EQ_INT(wm_ring_underruns(&c), 0); /* an empty record poll is not an underrun */
    CHECK_EQ_INT(wm_ring_status(&c), 0);
    CHECK(block_guards_ok(&b));
    free(b.base);
}

static void test_record_padding(void)
{
    size_t size = wm_ring_memory_size(WM_RING_RECORDS, 8, 1);
    block b;
    block_open(&b, size);
    wm_ring r;
    wm_ring_init(&r, b.ring, size, WM_RING_RECORDS, 8, 1);
    memset(b.ring + WM_RING_HEADER_BYTES, 0xFF, 32);
    *header_word(&b, WM_RING_OFF_WRITE) = 6; /* the record wraps: words 6, 7, 0 */
    *header_word(&b, WM_RING_OFF_READ) = 6;
    CHECK_EQ_INT(wm_ring_push_record(&r, "abcdef", 6), 1);
    const uint32_t* d = (const uint32_t*)(b.ring + WM_RING_HEADER_BYTES);
    CHECK_EQ_INT(d[6], 6);
    CHECK(memcmp(&d[7], "abcd", 4) == 0);
    CHECK(memcmp(&d[0], "ef\0\0", 4) == 0);
    CHECK_EQ_INT(d[1], 0xFFFFFFFFu); /* untouched beyond the record */
    char out[8] = {0};
    CHECK_EQ_INT(wm_ring_pop_record(&r, out, 8), 6);
    CHECK(memcmp(out, "abcdef", 6) == 0);
    CHECK_EQ_INT(wm_ring_push_record(&r, out, 4 * 7 + 1), WM_ERR_ARG); /* over max_record_bytes */
    CHECK_EQ_INT(wm_ring_push_record(&r, out, 0), WM_ERR_ARG);
    CHECK_EQ_INT(wm_ring_pop_record(&r, out, -1), WM_ERR_ARG);
    CHECK(block_guards_ok(&b));
    free(b.base);
}

/* ---- two threads ---------------------------------------------------------- */

typedef struct {
    wm_ring ring;
    uint32_t total; /* frames, or records */
    uint32_t seed;
    int max_chunk;
    uint32_t moved;
    uint32_t bad;
    long long first_bad;
} side;

/* After a thousand calls in a row that moved nothing, give the CPU away:
   on two cores shared with other jobs the peer may be waiting for one. */
static void backoff(int* idle, int moved)
{
    *idle = moved > 0 ? 0 : *idle + 1;
    if (*idle > 1000)
        sched_yield();
}

/* Random rates: now and then a side stops for a random while, so the ring
   runs full, empty and everything in between. */
static void random_pause(uint32_t* rng)
{
    if (rand_below(rng, 32) == 0) {
        volatile uint32_t spin = 0;
        uint32_t n = rand_below(rng, 4000);
        for (uint32_t i = 0; i < n; i++)
            spin += i;
    }
}

static void* produce_frames(void* arg)
{
    side* s = arg;
    uint32_t rng = s->seed ^ 0x1234567u, ch = s->ring.channels;
    int idle = 0;
    float* src = malloc(sizeof(float) * (size_t)s->max_chunk * ch);
    while (s->moved < s->total) {
        uint32_t want = 1 + rand_below(&rng, (uint32_t)s->max_chunk);
        if (want > s->total - s->moved)
            want = s->total - s->moved;
        for (uint32_t i = 0; i < want * ch; i++)
            src[i] = seq_value(s->moved * ch + i, s->seed);
        int n = wm_ring_push(&s->ring, src, (int)want);
        s->moved += (uint32_t)n;
        backoff(&idle, n);
        random_pause(&rng);
    }
    free(src);
    return NULL;
}

static void* consume_frames(void* arg)
{
    side* s = arg;
    uint32_t rng = s->seed ^ 0x7654321u, ch = s->ring.channels;
    int idle = 0;
    float* dst = malloc(sizeof(float) * (size_t)s->max_chunk * ch);
    double deadline = now_s() + 50.0;
    while (s->moved < s->total && now_s() < deadline) {
        for (int spin = 0; spin < 256 && s->moved < s->total; spin++) {
            int n = wm_ring_pop(&s->ring, dst, 1 + (int)rand_below(&rng, (uint32_t)s->max_chunk));
            for (uint32_t i = 0; i < (uint32_t)n * ch; i++) {
                if (dst[i] != seq_value(s->moved * ch + i, s->seed) && s->bad++ == 0)
                    s->first_bad = (long long)s->moved * ch + i;
            }
            s->moved += (uint32_t)n;
            backoff(&idle, n);
            random_pause(&rng);
        }
    }
    free(dst);
    return NULL;
}

static void test_threads_frames(uint32_t seed)
{
    const int channels = 2, capacity = 512;
    const uint32_t samples = 12000000;
    size_t size = wm_ring_memory_size(WM_RING_FRAMES, capacity, channels);
    block b;
    block_open(&b, size);
    side prod = {.total = samples / channels, .seed = seed, .max_chunk = 300};
    side cons = prod;
    CHECK_EQ_INT(wm_ring_init(&prod.ring, b.ring, size, WM_RING_FRAMES, capacity, channels), WM_OK);
    CHECK_EQ_INT(wm_ring_attach(&cons.ring, b.ring, size), WM_OK);
    pthread_t tp, tc;
    double t0 = now_s();
    pthread_create(&tc, NULL, consume_frames, &cons);
    pthread_create(&tp, NULL, produce_frames, &prod);
    pthread_join(tc, NULL);
    double dt = now_s() - t0;
    if (cons.moved < cons.total)
        fprintf(stderr, "consumer timed out at %u of %u frames\n", cons.moved, cons.total);
    pthread_join(tp, NULL);
    CHECK_EQ_INT(cons.moved, cons.total);
    CHECK_EQ_INT(prod.moved, prod.total);
    CHECK_EQ_INT(cons.bad, 0);
    if (cons.bad)
        fprintf(stderr, "first bad sample at %lld\n", cons.first_bad);
    CHECK_EQ_INT(wm_ring_available_read(&cons.ring), 0);
    CHECK_EQ_INT(wm_ring_status(&cons.ring), 0);
    CHECK(block_guards_ok(&b));
    printf("test_ring: threads, frames: %u samples (%d ch, capacity %d frames, chunks 1..%d, random pauses) "
           "in %.2f s: %.1f Msamples/s; lost/duplicated/reordered: %u; overruns %u, underruns %u\n",
           cons.moved * channels, channels, capacity, prod.max_chunk, dt, cons.moved * channels / dt / 1e6,
           cons.bad, wm_ring_overruns(&prod.ring), wm_ring_underruns(&cons.ring));
    free(b.base);
}

/* Flat out: 128-frame stereo blocks, no pauses; the throughput ceiling. */
static void* produce_flat(void* arg)
{
    side* s = arg;
    static float src[128 * 2];
    int idle = 0;
    while (s->moved < s->total) {
        for (int i = 0; i < 256; i++)
            src[i] = (float)(s->moved + (uint32_t)i / 2);
        int n = wm_ring_push(&s->ring, src, 128);
        s->moved += (uint32_t)n;
        backoff(&idle, n);
    }
    return NULL;
}

static void* consume_flat(void* arg)
{
    side* s = arg;
    static float dst[128 * 2];
    int idle = 0;
    while (s->moved < s->total) {
        int n = wm_ring_pop(&s->ring, dst, 128);
        for (int i = 0; i < 2 * n; i++)
            s->bad += dst[i] != (float)(s->moved + (uint32_t)i / 2);
        s->moved += (uint32_t)n;
        backoff(&idle, n);
    }
    return NULL;
}

static void test_threads_flat(void)
{
    size_t size = wm_ring_memory_size(WM_RING_FRAMES, 1024, 2);
    block b;
    block_open(&b, size);
    side prod = {.total = 8u << 20}, cons = prod; /* 2^23 frames: exact in float */
    wm_ring_init(&prod.ring, b.ring, size, WM_RING_FRAMES, 1024, 2);
    wm_ring_attach(&cons.ring, b.ring, size);
    pthread_t tp, tc;
    double t0 = now_s();
    pthread_create(&tc, NULL, consume_flat, &cons);
    pthread_create(&tp, NULL, produce_flat, &prod);
    pthread_join(tc, NULL);
    pthread_join(tp, NULL);
    double dt = now_s() - t0;
    CHECK_EQ_INT(cons.moved, cons.total);
    CHECK_EQ_INT(cons.bad, 0);
    printf("test_ring: threads, frames flat out: %u samples in 128-frame stereo blocks in %.2f s: %.1f Msamples/s\n",
           cons.moved * 2, dt, cons.moved * 2 / dt / 1e6);
    free(b.base);
}

static void* produce_records(void* arg)
{
    side* s = arg;
    uint32_t rng = s->seed ^ 0xabcdefu;
    unsigned char src[256];
    int idle = 0;
    while (s->moved < s->total) {
        int len = rec_len(s->moved, s->seed, s->max_chunk);
        for (int j = 0; j < len; j++)
            src[j] = rec_byte(s->moved, j);
        int got = wm_ring_push_record(&s->ring, src, len);
        s->moved += (uint32_t)got;
        backoff(&idle, got);
        random_pause(&rng);
    }
    return NULL;
}

static void* consume_records(void* arg)
{
    side* s = arg;
    uint32_t rng = s->seed ^ 0xfedcbau;
    unsigned char dst[256];
    int idle = 0;
    double deadline = now_s() + 50.0;
    while (s->moved < s->total && now_s() < deadline) {
        for (int spin = 0; spin < 256 && s->moved < s->total; spin++) {
            int n = wm_ring_pop_record(&s->ring, dst, (int)sizeof dst);
            if (n < 0 && s->bad++ == 0)
                s->first_bad = s->moved;
            if (n > 0) {
                int ok = n == rec_len(s->moved, s->seed, s->max_chunk);
                for (int j = 0; ok && j < n; j++)
                    ok = dst[j] == rec_byte(s->moved, j);
                if (!ok && s->bad++ == 0)
                    s->first_bad = s->moved;
                s->moved++;
            }
            backoff(&idle, n);
            random_pause(&rng);
        }
    }
    return NULL;
}

static void test_threads_records(uint32_t seed)
{
    const int capacity = 256;
    size_t size = wm_ring_memory_size(WM_RING_RECORDS, capacity, 1);
    block b;
    block_open(&b, size);
    side prod = {.total = 1000000, .seed = seed, .max_chunk = 64};
    side cons = prod;
    CHECK_EQ_INT(wm_ring_init(&prod.ring, b.ring, size, WM_RING_RECORDS, capacity, 1), WM_OK);
    CHECK_EQ_INT(wm_ring_attach(&cons.ring, b.ring, size), WM_OK);
    pthread_t tp, tc;
    double t0 = now_s();
    pthread_create(&tc, NULL, consume_records, &cons);
    pthread_create(&tp, NULL, produce_records, &prod);
    pthread_join(tc, NULL);
    double dt = now_s() - t0;
    pthread_join(tp, NULL);
    CHECK_EQ_INT(cons.moved, cons.total);
    CHECK_EQ_INT(cons.bad, 0);
    if (cons.bad)
        fprintf(stderr, "first bad record: %lld\n", cons.first_bad);
    CHECK_EQ_INT(wm_ring_status(&cons.ring), 0);
    CHECK(block_guards_ok(&b));
    printf("test_ring: threads, records: %u records of 1..%d bytes in %.2f s: %.2f Mrecords/s; "
           "lost/duplicated/reordered/damaged: %u\n", cons.moved, prod.max_chunk, dt, cons.moved / dt / 1e6, cons.bad);
    free(b.base);
}

/* ---- corrupted headers ----------------------------------------------------- */

typedef struct {
    block b;
    wm_ring p, c;
    size_t size;
} pair;

static void pair_open(pair* x, int kind, int capacity, int channels)
{
    x->size = wm_ring_memory_size(kind, capacity, channels);
    block_open(&x->b, x->size);
    CHECK_EQ_INT(wm_ring_init(&x->p, x->b.ring, x->size, kind, capacity, channels), WM_OK);
    CHECK_EQ_INT(wm_ring_attach(&x->c, x->b.ring, x->size), WM_OK);
}

/* After a corruption: nothing moves, dst is untouched, the status says why. */
static void expect_dead(pair* x, uint32_t bit, int line)
{
    float src[64 * 4] = {0}, dst[64 * 4];
    for (int i = 0; i < 64 * 4; i++)
        dst[i] = -3.0f;
    int failures = check_failures;
    CHECK_EQ_INT(wm_ring_available_read(&x->c), 0);
    CHECK_EQ_INT(wm_ring_pop(&x->c, dst, 64), 0);
    CHECK_EQ_INT(wm_ring_push(&x->p, src, 1), 0);
    CHECK_EQ_INT(wm_ring_available_write(&x->p), 0);
    CHECK(wm_ring_status(&x->c) & bit);
    for (int i = 0; i < 64 * 4; i++)
        CHECK(dst[i] == -3.0f);
    CHECK(block_guards_ok(&x->b));
    if (check_failures != failures)
        fprintf(stderr, "  (corruption case at line %d)\n", line);
}

/* After reset the same two structs move a sequence again. */
static void expect_recovers(pair* x)
{
    wm_ring_reset(&x->p);
    CHECK_EQ_INT(wm_ring_status(&x->c), 0);
    float src[8 * 4], dst[8 * 4];
    for (int i = 0; i < 8 * 4; i++)
        src[i] = seq_value((uint32_t)i, 77);
    CHECK_EQ_INT(wm_ring_push(&x->p, src, 8), 8);
    CHECK_EQ_INT(wm_ring_pop(&x->c, dst, 8), 8);
    CHECK(memcmp(src, dst, 8 * x->c.elem_bytes) == 0);
}

static void test_corrupt_frames(void)
{
    pair x;
    pair_open(&x, WM_RING_FRAMES, 64, 4);
    float src[32 * 4] = {0};
    wm_ring_push(&x.p, src, 10);
    uint32_t* w = header_word(&x.b, WM_RING_OFF_WRITE);
    uint32_t* r = header_word(&x.b, WM_RING_OFF_READ);

    *w = *r + 65; /* more than the capacity published */
    expect_dead(&x, WM_RING_BAD_INDEX, __LINE__);
    expect_recovers(&x);

    *r = *w + 1; /* the reader ahead of the writer */
    expect_dead(&x, WM_RING_BAD_INDEX, __LINE__);
    expect_recovers(&x);

    *w = 0x80000000u; /* far away */
    expect_dead(&x, WM_RING_BAD_INDEX, __LINE__);
    expect_recovers(&x);

    *header_word(&x.b, 20) = 1u << 20; /* capacity grows: would read past the data */
    expect_dead(&x, WM_RING_BAD_GEOMETRY, __LINE__);
    wm_ring late;
    CHECK_EQ_INT(wm_ring_attach(&late, x.b.ring, x.size), WM_ERR_HANDLE); /* does not fit */
    expect_recovers(&x);

    *header_word(&x.b, 20) = 32; /* shrinks */
    expect_dead(&x, WM_RING_BAD_GEOMETRY, __LINE__);
    expect_recovers(&x);

    *header_word(&x.b, 16) = 4; /* element size: 1 channel */
    expect_dead(&x, WM_RING_BAD_GEOMETRY, __LINE__);
    expect_recovers(&x);

    *header_word(&x.b, 0) ^= 1; /* magic */
    expect_dead(&x, WM_RING_BAD_GEOMETRY, __LINE__);
    expect_recovers(&x);

    *header_word(&x.b, WM_RING_OFF_STATUS) = 0x80; /* a peer reported trouble */
    expect_dead(&x, 0x80, __LINE__);
    expect_recovers(&x);

    /* Fields checked only at attach: a late attacher refuses them. */
    const int attach_only[] = {4, 8, 12, 24, 28};
    for (int i = 0; i < 5; i++) {
        uint32_t keep = *header_word(&x.b, attach_only[i]);
        *header_word(&x.b, attach_only[i]) = keep + 1;
        CHECK_EQ_INT(wm_ring_attach(&late, x.b.ring, x.size), WM_ERR_HANDLE);
        *header_word(&x.b, attach_only[i]) = keep;
    }
    CHECK_EQ_INT(wm_ring_attach(&late, x.b.ring, x.size), WM_OK);
    CHECK(block_guards_ok(&x.b));
    free(x.b.base);
}

static void test_corrupt_records(void)
{
    pair x;
    pair_open(&x, WM_RING_RECORDS, 64, 1);
    uint32_t* data = (uint32_t*)(x.b.ring + WM_RING_HEADER_BYTES);
    unsigned char dst[300];
    const uint32_t lengths[] = {0, 0xFFFFFFFFu, 4 * 63 + 1, 0x80000000u, 13};
    for (int i = 0; i < 5; i++) {
        wm_ring_reset(&x.p);
        CHECK_EQ_INT(wm_ring_push_record(&x.p, "0123456789", 10), 1); /* 4 words published */
        data[0] = lengths[i]; /* 13 bytes would need 5 words */
        memset(dst, 0xEE, sizeof dst);
        CHECK_EQ_INT(wm_ring_next_record_bytes(&x.c), 0);
        CHECK_EQ_INT(wm_ring_pop_record(&x.c, dst, (int)sizeof dst), 0);
        CHECK(wm_ring_status(&x.c) & WM_RING_BAD_RECORD);
        CHECK_EQ_INT(wm_ring_push_record(&x.p, "x", 1), 0);
        for (size_t j = 0; j < sizeof dst; j++)
            CHECK(dst[j] == 0xEE);
        CHECK(block_guards_ok(&x.b));
    }
    wm_ring_reset(&x.p);
    CHECK_EQ_INT(wm_ring_push_record(&x.p, "fine", 4), 1);
    CHECK_EQ_INT(wm_ring_pop_record(&x.c, dst, 4), 4);
    CHECK(memcmp(dst, "fine", 4) == 0);
    free(x.b.base);
}

/* Random operations interleaved with random writes of header words and
   record length words, from both "sides" and from a hostile third party.
   Whatever happens: counts within what was asked, nothing written past them
   in the destination, nothing outside the shared block, and after a reset
   the ring works again. */
static void fuzz(int kind, uint32_t seed)
{
    enum { CAP = 64, CH = 2, ITER = 200000 };
    pair x;
    pair_open(&x, kind, CAP, kind == WM_RING_FRAMES ? CH : 1);
    uint32_t rng = seed ^ (uint32_t)kind;
    static float fsrc[CAP * 2 * CH], fdst[(CAP * 2 + 4) * CH];
    static unsigned char bsrc[4 * CAP], bdst[4 * CAP + 16];
    uint32_t dead_moves = 0, corrupted = 0, detected = 0;
    for (int it = 0; it < ITER; it++) {
        uint32_t op = rand_below(&rng, 16);
        uint32_t status_before = wm_ring_status(&x.c);
        if (op < 5) {
            int want = (int)rand_below(&rng, CAP * 2);
            int n = kind == WM_RING_FRAMES ? wm_ring_push(&x.p, fsrc, want)
                                           : wm_ring_push_record(&x.p, bsrc, 1 + (int)rand_below(&rng, 4 * (CAP - 1)));
            CHECK(n >= 0 && n <= (kind == WM_RING_FRAMES ? want : 1));
            dead_moves += status_before && n > 0;
        } else if (op < 10) {
            int want = (int)rand_below(&rng, CAP * 2);
            if (kind == WM_RING_FRAMES) {
                for (int i = 0; i < (CAP * 2 + 4) * CH; i++)
                    fdst[i] = -5.0f;
                int n = wm_ring_pop(&x.c, fdst, want);
                CHECK(n >= 0 && n <= want && n <= CAP);
                for (int i = (n > 0 ? n : 0) * CH; i < (CAP * 2 + 4) * CH; i++)
                    CHECK(fdst[i] == -5.0f);
                dead_moves += status_before && n > 0;
            } else {
                int room = 4 * want;
                memset(bdst, 0xEE, sizeof bdst);
                int n = wm_ring_pop_record(&x.c, bdst, room);
                CHECK(n == WM_ERR_RANGE || (n >= 0 && n <= room && n <= 4 * (CAP - 1)));
                for (int j = n > 0 ? n : 0; j < (int)sizeof bdst; j++)
                    CHECK(bdst[j] == 0xEE);
                dead_moves += status_before && n > 0;
            }
        } else if (op < 14) {
            CHECK(wm_ring_available_read(&x.c) <= CAP);
            CHECK(wm_ring_available_write(&x.p) <= CAP);
        } else if (op == 14) {
            corrupted++;
            uint32_t v;
            switch (rand_below(&rng, 4)) {
            case 0: v = rand_below(&rng, 0xFFFFFFFFu); break;
            case 1: v = rand_below(&rng, 2 * CAP); break;
            case 2: v = 0; break;
            default: v = 0xFFFFFFFFu - rand_below(&rng, 4); break;
            }
            if (kind == WM_RING_RECORDS && rand_below(&rng, 2))
                ((uint32_t*)(x.b.ring + WM_RING_HEADER_BYTES))[rand_below(&rng, CAP)] = v;
            else
                *header_word(&x.b, 4 * (int)rand_below(&rng, WM_RING_HEADER_BYTES / 4)) = v;
        } else if (rand_below(&rng, 8) == 0) {
            detected += wm_ring_status(&x.c) != 0;
            wm_ring_reset(&x.p);
        }
        CHECK(block_guards_ok(&x.b));
        if (check_failures > 20)
            break;
    }
    CHECK_EQ_INT(dead_moves, 0);
    wm_ring_reset(&x.p);
    if (kind == WM_RING_FRAMES) {
        expect_recovers(&x);
    } else {
        CHECK_EQ_INT(wm_ring_push_record(&x.p, "again", 5), 1);
        CHECK_EQ_INT(wm_ring_pop_record(&x.c, bdst, 5), 5);
        CHECK(memcmp(bdst, "again", 5) == 0);
    }
    printf("test_ring: fuzz %s: %d operations, %u header/length corruptions, %u resets found the status set; "
           "guards intact: %s\n", kind == WM_RING_FRAMES ? "frames" : "records", ITER, corrupted, detected,
           block_guards_ok(&x.b) ? "yes" : "NO");
    free(x.b.base);
}

int main(void)
{
    check_seed_from_env();
    const uint32_t seed = check_seed;
    test_geometry();
    const int channels[] = {1, 2, 3, 8};
    for (int i = 0; i < 4; i++) {
        frames_against_model(channels[i], 0, seed + (uint32_t)i);
        frames_against_model(channels[i], 0xFFFFFF00u, seed + 10u + (uint32_t)i);
    }
    records_against_model(0, seed);
    records_against_model(0xFFFFFFC0u, seed + 1);
    test_record_padding();
    test_corrupt_frames();
    test_corrupt_records();
    fuzz(WM_RING_FRAMES, seed);
    fuzz(WM_RING_RECORDS, seed);
    test_threads_frames(seed);
    test_threads_flat();
    test_threads_records(seed);
    return check_finish("test_ring", seed);
}
