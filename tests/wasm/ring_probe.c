/* ring_probe.c -- a test-only WASM module that puts the C ring
   (dsp/wm_ring.c) at one end of a ring in a shared imported memory, so that
   tests/js/ring.test.mjs can run the JavaScript twin (js/ring.js) at the
   other end, in a worker, on the same bytes. Not part of the package.

   The module imports its memory (shared, fixed: PROBE_MEMORY_BYTES); the
   ring lives in `region`, a static block with PROBE_GUARD canary bytes
   (0xA5) before and after the ring that the test checks. One ring at a
   time: probe_create places one (C formats it), probe_attach attaches to
   one JavaScript formatted in the region. Then probe_produce /
   probe_consume move a verifiable sequence (the same one tests/c/test_ring.c
   and tests/js/ring-worker.mjs use: sample s is 1 + k / 2^23, k the top 23
   bits of a hash of s) and count what they moved and every mismatch.

   Build: tests/js/build-ring-probe.sh, or tests/wasm/CMakeLists.txt from
   the WASM build. */
#include <emscripten/emscripten.h>
#include <string.h>

#include "ring_sequence.h"
#include "wm_ring.h"

_Static_assert(WM_RING_THREAD_SAFE, "the probe shares its memory with other threads: build it with -matomics");

#define PROBE EMSCRIPTEN_KEEPALIVE
#define PROBE_REGION_BYTES (1u << 20)
#define PROBE_GUARD 256u
#define PROBE_MAX_CHUNK 4096u /* frames per call, or records */

static _Alignas(64) unsigned char region[PROBE_REGION_BYTES];
static float scratch[PROBE_MAX_CHUNK * WM_RING_MAX_CHANNELS + WM_RING_MAX_CHANNELS];
static unsigned char record[4 * 4096];
static wm_arena arena;
static wm_ring ring;
static uint32_t seed, rng, moved, errors, first_error, max_record_len;

static float seq_value(uint32_t s) { return ring_seq_value(s, seed); }
static uint32_t rec_len(uint32_t k) { return ring_rec_len(k, seed, max_record_len); }
static unsigned char rec_byte(uint32_t k, uint32_t j) { return ring_rec_byte(k, j); }

static uint32_t rand_below(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return n ? rng % n : 0;
}

static void error_at(uint32_t where)
{
    if (errors++ == 0)
        first_error = where;
}

static void start(uint32_t s, uint32_t max_len)
{
    seed = s;
    rng = s ? s : 1u;
    moved = errors = first_error = 0;
    max_record_len = max_len ? max_len : 1u;
}

/* probe_layout -- the C side's layout constants, for the JS test to compare
   with js/ring.js: 0 header bytes, 1 write index offset, 2 read index
   offset, 3 status offset, 4 overruns offset, 5 underruns offset, 6 magic,
   7 max channels, 8 max capacity, 9 alignment, 10 max data bytes. */
PROBE uint32_t probe_layout(int what)
{
    const uint32_t v[] = {WM_RING_HEADER_BYTES, WM_RING_OFF_WRITE, WM_RING_OFF_READ, WM_RING_OFF_STATUS,
                          WM_RING_OFF_OVERRUNS, WM_RING_OFF_UNDERRUNS, WM_RING_MAGIC, WM_RING_MAX_CHANNELS,
                          WM_RING_MAX_CAPACITY, WM_RING_ALIGN, WM_RING_MAX_DATA_BYTES};
    return what >= 0 && what < (int)(sizeof v / sizeof v[0]) ? v[what] : 0;
}

PROBE size_t probe_memory_size(int kind, int capacity, int channels)
{
    return wm_ring_memory_size(kind, capacity, channels);
}

/* The region: its offset in linear memory and its size. */
PROBE uint32_t probe_region(void) { return (uint32_t)(uintptr_t)region; }
PROBE uint32_t probe_region_bytes(void) { return PROBE_REGION_BYTES; }
PROBE uint32_t probe_guard(void) { return PROBE_GUARD; }

/* probe_create -- fill the region with canaries, place a ring of the given
   geometry PROBE_GUARD bytes into it (C formats it) and attach to it.
   Returns the ring's offset in linear memory, or a negative WM_ERR_*. */
PROBE int probe_create(int kind, int capacity, int channels, uint32_t s, uint32_t max_len)
{
    memset(region, 0xA5, sizeof region);
    wm_arena_init(&arena, region + PROBE_GUARD, sizeof region - 2 * PROBE_GUARD);
    start(s, max_len);
    int err = wm_ring_create(&ring, &arena, kind, capacity, channels);
    return err == WM_OK ? (int)(uintptr_t)ring.hdr : err;
}

/* probe_fill_canaries -- the same canaries, for a ring JavaScript will
   format at probe_region() + PROBE_GUARD. */
PROBE void probe_fill_canaries(void) { memset(region, 0xA5, sizeof region); }

/* probe_attach -- attach to a ring formatted by JavaScript at `offset`.
   Returns WM_OK or a negative WM_ERR_*. */
PROBE int probe_attach(uint32_t offset, uint32_t bytes, uint32_t s, uint32_t max_len)
{
    start(s, max_len);
    return wm_ring_attach(&ring, (void*)(uintptr_t)offset, bytes);
}

/* probe_consume -- pop a random 1..max frames and verify them against the
   sequence; also that nothing was written past the frames returned.
   Returns the frames popped (0 when empty or corrupt). */
PROBE int probe_consume(int max)
{
    uint32_t ch = ring.channels;
    if (max < 1 || (uint32_t)max > PROBE_MAX_CHUNK || ch == 0)
        return WM_ERR_ARG;
    int want = 1 + (int)rand_below((uint32_t)max);
    for (uint32_t c = 0; c < ch; c++)
        scratch[(uint32_t)want * ch + c] = -9.0f; /* the frame after the request */
    int n = wm_ring_pop(&ring, scratch, want);
    if (n < 0)
        return n;
    for (uint32_t i = 0; i < (uint32_t)n * ch; i++)
        if (scratch[i] != seq_value(moved * ch + i))
            error_at(moved * ch + i);
    for (uint32_t c = 0; c < ch; c++)
        if (scratch[(uint32_t)want * ch + c] != -9.0f)
            error_at(0xFFFFFFFFu);
    moved += (uint32_t)n;
    return n;
}

/* probe_produce -- push a random 1..max frames of the sequence, stopping
   at `total` frames. Returns the frames pushed. */
PROBE int probe_produce(int max, uint32_t total)
{
    uint32_t ch = ring.channels;
    if (max < 1 || (uint32_t)max > PROBE_MAX_CHUNK || ch == 0)
        return WM_ERR_ARG;
    uint32_t want = 1 + rand_below((uint32_t)max);
    if (want > total - moved)
        want = total - moved;
    for (uint32_t i = 0; i < want * ch; i++)
        scratch[i] = seq_value(moved * ch + i);
    int n = wm_ring_push(&ring, scratch, (int)want);
    if (n > 0)
        moved += (uint32_t)n;
    return n;
}

/* probe_consume_records -- pop up to max records, verifying each one's
   length and bytes. Returns the records popped (negative: an error code). */
PROBE int probe_consume_records(int max)
{
    int count = 0;
    while (count < max) {
        int n = wm_ring_pop_record(&ring, record, (int)sizeof record);
        if (n <= 0)
            return n < 0 ? n : count;
        uint32_t len = (uint32_t)n;
        int ok = len == rec_len(moved);
        for (uint32_t j = 0; ok && j < len; j++)
            ok = record[j] == rec_byte(moved, j);
        if (!ok)
            error_at(moved);
        moved++;
        count++;
    }
    return count;
}

/* probe_produce_records -- push up to max records of the sequence,
   stopping at `total`. Returns the records pushed. */
PROBE int probe_produce_records(int max, uint32_t total)
{
    int count = 0;
    while (count < max && moved < total) {
        uint32_t len = rec_len(moved);
        for (uint32_t j = 0; j < len; j++)
            record[j] = rec_byte(moved, j);
        int got = wm_ring_push_record(&ring, record, (int)len);
        if (got != 1)
            return got < 0 ? got : count;
        moved++;
        count++;
    }
    return count;
}

PROBE uint32_t probe_moved(void) { return moved; }
PROBE uint32_t probe_errors(void) { return errors; }
PROBE uint32_t probe_first_error(void) { return first_error; }
PROBE uint32_t probe_status(void) { return wm_ring_status(&ring); }
PROBE uint32_t probe_overruns(void) { return wm_ring_overruns(&ring); }
PROBE uint32_t probe_underruns(void) { return wm_ring_underruns(&ring); }
PROBE int probe_available_read(void) { return wm_ring_available_read(&ring); }
PROBE int probe_available_write(void) { return wm_ring_available_write(&ring); }
PROBE void probe_reset(void)
{
    wm_ring_reset(&ring);
    moved = errors = first_error = 0;
}
