/* fuzz_ring.c -- libFuzzer target: the shared ring buffer (wm_ring) with
   a hostile peer.

   The input picks a ring (frames or records, capacity, channels) placed in
   a block of exactly wm_ring_memory_size bytes, then interleaves pushes
   and pops (into buffers of exactly the size passed), length queries,
   attaches claiming fewer bytes than the block has, owner resets, and
   overwrites of any header or data word with values around the ring's
   limits, as a page writing into shared memory can.

   Checked on top of the sanitizers (which catch any access outside the
   block and the buffers): a successful attach fits the bytes it was given;
   no pop returns more than was asked or than the ring can hold; counts stay
   within the capacity; and while nobody has overwritten anything since the
   last reset, the consumer gets exactly the bytes the producer pushed, in
   order (a model FIFO). Thread: the fuzzer's (both ends on one thread). */
#include "fuzz_input.h"
#include "wm_ring.h"

enum { MODEL_BYTES = 1 << 16 };

typedef struct {
    unsigned char* mem;
    size_t bytes;
    wm_ring own, prod, cons;
    int cons_ok;
    /* the model: bytes pushed and not yet popped, valid while !tampered */
    unsigned char q[MODEL_BYTES];
    size_t head, tail;
    int tampered;
} rig;

static void model_push(rig* g, const void* src, size_t n)
{
    if (g->tail + n > MODEL_BYTES) {
        g->tampered = 1; /* out of model room: stop comparing */
        return;
    }
    memcpy(g->q + g->tail, src, n);
    g->tail += n;
}

static void model_pop(rig* g, const void* got, size_t n)
{
    if (g->tampered)
        return;
    FZ_CHECK(g->head + n <= g->tail && memcmp(g->q + g->head, got, n) == 0);
    g->head += n;
}

static void push(rig* g, fz_in* in)
{
    if (g->own.kind == WM_RING_RECORDS) {
        int bytes = fz_int(in, (int32_t)g->prod.max_record_bytes);
        if (bytes <= 0 || (uint32_t)bytes > g->prod.max_record_bytes) {
            unsigned char one = 0;
            FZ_CHECK(wm_ring_push_record(&g->prod, &one, bytes) == WM_ERR_ARG);
            return;
        }
        unsigned char* src = malloc((size_t)bytes);
        for (int i = 0; i < bytes; i++)
            src[i] = fz_u8(in);
        int r = wm_ring_push_record(&g->prod, src, bytes);
        FZ_CHECK(r == 0 || r == 1);
        if (r == 1) {
            uint32_t len = (uint32_t)bytes;
            model_push(g, &len, 4);
            model_push(g, src, (size_t)bytes);
        }
        free(src);
    } else {
        int frames = fz_u8(in) % (2 * g->own.capacity + 2);
        int floats = frames * (int)g->own.channels;
        float* src = malloc((size_t)floats * 4 + 4);
        fz_fill(in, src, floats);
        int r = wm_ring_push(&g->prod, src, frames);
        FZ_CHECK(r >= 0 && r <= frames);
        model_push(g, src, (size_t)r * g->own.channels * 4);
        free(src);
    }
}

/* Pops with the consumer's own view of the geometry (after an overwrite and
   a re-attach it may differ from the owner's); a detached consumer must
   refuse. */
static void pop(rig* g, fz_in* in)
{
    wm_ring* c = &g->cons;
    if (!g->cons_ok) {
        float x;
        FZ_CHECK(wm_ring_pop_record(c, &x, 4) == WM_ERR_ARG && wm_ring_pop(c, &x, 1) == WM_ERR_ARG);
        return;
    }
    if (c->kind == WM_RING_RECORDS) {
        int max_bytes = fz_int(in, (int32_t)c->max_record_bytes);
        /* no record is longer than max_record_bytes: a larger claim gets a
           buffer a little longer than that, still checked to its end */
        size_t room = max_bytes <= 0 ? 1 : (uint32_t)max_bytes < c->max_record_bytes + 64 ? (size_t)max_bytes
                                                                                          : c->max_record_bytes + 64;
        unsigned char* dst = malloc(room);
        int next = wm_ring_next_record_bytes(c);
        int r = wm_ring_pop_record(c, dst, max_bytes);
        if (max_bytes < 0) {
            FZ_CHECK(r == WM_ERR_ARG);
        } else {
            FZ_CHECK(r == 0 || r == WM_ERR_RANGE || (r >= 1 && r <= max_bytes && (uint32_t)r <= c->max_record_bytes));
            FZ_CHECK(r != WM_ERR_RANGE || next > max_bytes);
            if (r > 0) {
                uint32_t len = (uint32_t)r;
                model_pop(g, &len, 4);
                model_pop(g, dst, (size_t)r);
            }
        }
        free(dst);
    } else {
        int frames = fz_int(in, (int32_t)c->capacity);
        if (frames < 0 || frames > (int)(4 * c->capacity))
            frames = (int)(c->capacity + 1);
        size_t floats = (size_t)frames * c->channels;
        float* dst = malloc(floats * 4 + 4);
        int r = wm_ring_pop(c, dst, frames);
        FZ_CHECK(r >= 0 && r <= frames && (uint32_t)r <= c->capacity);
        if (r > 0)
            model_pop(g, dst, (size_t)r * c->channels * 4);
        free(dst);
    }
}

/* The consumer attaches claiming `bytes` of the block. */
static void attach_consumer(rig* g, size_t bytes)
{
    g->cons_ok = wm_ring_attach(&g->cons, g->mem, bytes) == WM_OK;
    if (g->cons_ok)
        FZ_CHECK(WM_RING_HEADER_BYTES + (size_t)g->cons.capacity * g->cons.elem_bytes <= bytes &&
                 (g->cons.kind == WM_RING_FRAMES || g->cons.kind == WM_RING_RECORDS));
}

static void tamper(rig* g, fz_in* in)
{
    uint32_t* words = (uint32_t*)g->mem;
    size_t at = fz_u8(in) < 200 ? fz_u8(in) % (WM_RING_HEADER_BYTES / 4) : fz_u16(in) % (g->bytes / 4);
    words[at] = (uint32_t)fz_int(in, (int32_t)g->own.capacity);
    g->tampered = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static rig g;
    fz_in in = {data, size};
    int kind = fz_u8(&in) & 1 ? WM_RING_RECORDS : WM_RING_FRAMES;
    int capacity = 2 << fz_u8(&in) % 10;
    int channels = kind == WM_RING_FRAMES ? 1 + fz_u8(&in) % 4 : 1;
    g.bytes = wm_ring_memory_size(kind, capacity, channels);
    FZ_CHECK(g.bytes > 0);
    void* mem = NULL;
    FZ_CHECK(posix_memalign(&mem, WM_RING_ALIGN, g.bytes) == 0);
    g.mem = mem;
    FZ_CHECK(wm_ring_init(&g.own, g.mem, g.bytes, kind, capacity, channels) == WM_OK);
    FZ_CHECK(wm_ring_attach(&g.prod, g.mem, g.bytes) == WM_OK);
    attach_consumer(&g, g.bytes);
    FZ_CHECK(g.cons_ok);
    g.head = g.tail = 0;
    g.tampered = 0;
    while (fz_more(&in)) {
        uint8_t k = fz_u8(&in);
        if (k < 80) {
            push(&g, &in);
        } else if (k < 160) {
            pop(&g, &in);
        } else if (k < 200) {
            tamper(&g, &in);
        } else if (k < 220) {
            attach_consumer(&g, g.bytes - fz_u16(&in) % (g.bytes + 1));
        } else if (k < 230) {
            wm_ring_reset(&g.own); /* the owner's way back: empty, healthy */
            FZ_CHECK(wm_ring_status(&g.own) == 0 && wm_ring_available_read(&g.own) == 0);
            g.head = g.tail = 0;
            g.tampered = 0;
            attach_consumer(&g, g.bytes);
            FZ_CHECK(g.cons_ok);
        } else {
            int r = wm_ring_available_read(&g.cons), w = wm_ring_available_write(&g.prod);
            FZ_CHECK(r >= 0 && (uint32_t)r <= g.own.capacity && w >= 0 && (uint32_t)w <= g.own.capacity);
            if (!g.tampered && g.cons_ok)
                FZ_CHECK((uint32_t)(r + w) == g.own.capacity);
        }
    }
    free(g.mem);
    return 0;
}
