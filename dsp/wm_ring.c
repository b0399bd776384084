/* wm_ring.c -- wait-free SPSC ring buffer in shared memory, written for
   wamix.

   Algorithm: the classic Lamport single-producer single-consumer queue with
   free-running 32-bit indices over a power-of-two capacity. The producer
   owns the write index, the consumer the read index; used = write - read
   (mod 2^32). The producer copies into the free slots and then publishes
   the new write index with a release store; the consumer loads it with
   acquire, copies out, and publishes its read index with release, which the
   producer loads with acquire before reusing those slots. No RMW in the
   hot path, no seq_cst, so each call is a bounded number of loads, stores
   and at most two memcpy: wait-free.

   The header is shared with code we do not trust to be bug-free (a page in
   another thread, a JavaScript twin), so nothing that bounds a copy is taken
   from it: capacity, element size and mask come from this side's private
   struct, every index pair is checked (used <= capacity) and every record
   length is checked against both the ring's limit and the words published.
   Values loaded from shared memory are loaded once into locals (atomics, or
   a volatile read for a record's length word), so a concurrent change
   cannot slip in between the check and the use.

   The layout is documented in wm_ring.h and mirrored by js/ring.js. */
#include "wm_ring.h"

#include <stdatomic.h>
#include <string.h>

struct wm_ring_header {
    /* line 0: geometry, written by the owner at init and reset */
    _Atomic uint32_t magic, version, kind, channels, elem_bytes, capacity, data_offset, data_bytes;
    _Atomic uint32_t status;
    uint32_t pad0[7];
    /* line 1: the producer's */
    _Atomic uint32_t write_index;
    _Atomic uint32_t overruns;
    uint32_t pad1[14];
    /* line 2: the consumer's */
    _Atomic uint32_t read_index;
    _Atomic uint32_t underruns;
    uint32_t pad2[14];
};

_Static_assert(sizeof(struct wm_ring_header) == WM_RING_HEADER_BYTES, "header size");
_Static_assert(sizeof(_Atomic uint32_t) == 4, "atomic words are plain words");
_Static_assert(offsetof(struct wm_ring_header, status) == WM_RING_OFF_STATUS, "status offset");
_Static_assert(offsetof(struct wm_ring_header, write_index) == WM_RING_OFF_WRITE, "write offset");
_Static_assert(offsetof(struct wm_ring_header, overruns) == WM_RING_OFF_OVERRUNS, "overruns offset");
_Static_assert(offsetof(struct wm_ring_header, read_index) == WM_RING_OFF_READ, "read offset");
_Static_assert(offsetof(struct wm_ring_header, underruns) == WM_RING_OFF_UNDERRUNS, "underruns offset");
_Static_assert(WM_RING_HEADER_BYTES % WM_RING_ALIGN == 0, "data starts on a line");

#define RELAXED memory_order_relaxed
#define ACQUIRE memory_order_acquire
#define RELEASE memory_order_release

static uint32_t load_relaxed(const _Atomic uint32_t* p)
{
    return atomic_load_explicit((_Atomic uint32_t*)p, RELAXED);
}

/* Single-writer counter: a load and a store, no RMW. */
static void bump(_Atomic uint32_t* counter)
{
    atomic_store_explicit(counter, load_relaxed(counter) + 1u, RELAXED);
}

static void set_status(const wm_ring* r, uint32_t bits)
{
    atomic_fetch_or_explicit(&r->hdr->status, bits, RELAXED);
}

static int is_pow2(uint32_t x) { return x != 0 && (x & (x - 1)) == 0; }

/* The geometry a valid (kind, capacity, channels) implies; 0 when invalid. */
static uint32_t elem_bytes_of(int kind, int capacity, int channels)
{
    if (kind != WM_RING_FRAMES && kind != WM_RING_RECORDS)
        return 0;
    if (capacity < 2 || (uint32_t)capacity > WM_RING_MAX_CAPACITY || !is_pow2((uint32_t)capacity))
        return 0;
    if (kind == WM_RING_RECORDS ? channels != 1 : (channels < 1 || channels > WM_RING_MAX_CHANNELS))
        return 0;
    uint32_t elem = 4u * (uint32_t)channels;
    if ((uint64_t)capacity * elem > WM_RING_MAX_DATA_BYTES)
        return 0;
    return elem;
}

size_t wm_ring_memory_size(int kind, int capacity, int channels)
{
    uint32_t elem = elem_bytes_of(kind, capacity, channels);
    return elem ? WM_RING_HEADER_BYTES + (size_t)capacity * elem : 0;
}

static void set_private(wm_ring* r, void* mem, uint32_t kind, uint32_t channels, uint32_t elem,
                        uint32_t capacity)
{
    r->hdr = mem;
    r->data = (unsigned char*)mem + WM_RING_HEADER_BYTES;
    r->kind = kind;
    r->channels = channels;
    r->elem_bytes = elem;
    r->capacity = capacity;
    r->mask = capacity - 1u;
    r->max_record_bytes = kind == WM_RING_RECORDS ? 4u * (capacity - 1u) : 0u;
}

static void detach(wm_ring* r) { memset(r, 0, sizeof *r); }

/* Writes the whole header from r's geometry; the magic word goes last, with
   release, so whoever acquires it sees the rest. */
static void write_header(wm_ring* r)
{
    struct wm_ring_header* h = r->hdr;
    atomic_store_explicit(&h->magic, 0u, RELAXED);
    atomic_store_explicit(&h->version, WM_RING_VERSION, RELAXED);
    atomic_store_explicit(&h->kind, r->kind, RELAXED);
    atomic_store_explicit(&h->channels, r->channels, RELAXED);
    atomic_store_explicit(&h->elem_bytes, r->elem_bytes, RELAXED);
    atomic_store_explicit(&h->capacity, r->capacity, RELAXED);
    atomic_store_explicit(&h->data_offset, WM_RING_HEADER_BYTES, RELAXED);
    atomic_store_explicit(&h->data_bytes, r->capacity * r->elem_bytes, RELAXED);
    atomic_store_explicit(&h->write_index, 0u, RELAXED);
    atomic_store_explicit(&h->overruns, 0u, RELAXED);
    atomic_store_explicit(&h->read_index, 0u, RELAXED);
    atomic_store_explicit(&h->underruns, 0u, RELAXED);
    atomic_store_explicit(&h->status, 0u, RELAXED);
    atomic_store_explicit(&h->magic, WM_RING_MAGIC, RELEASE);
}

int wm_ring_init(wm_ring* r, void* mem, size_t bytes, int kind, int capacity, int channels)
{
    if (!r)
        return WM_ERR_ARG;
    detach(r);
    uint32_t elem = elem_bytes_of(kind, capacity, channels);
    if (!mem || ((uintptr_t)mem & (WM_RING_ALIGN - 1)) != 0 || elem == 0)
        return WM_ERR_ARG;
    if (bytes < wm_ring_memory_size(kind, capacity, channels))
        return WM_ERR_NOMEM;
    memset(mem, 0, wm_ring_memory_size(kind, capacity, channels));
    set_private(r, mem, (uint32_t)kind, (uint32_t)channels, elem, (uint32_t)capacity);
    write_header(r);
    return WM_OK;
}

int wm_ring_create(wm_ring* r, wm_arena* arena, int kind, int capacity, int channels)
{
    if (!r || !arena)
        return WM_ERR_ARG;
    size_t bytes = wm_ring_memory_size(kind, capacity, channels);
    if (bytes == 0) {
        detach(r);
        return WM_ERR_ARG;
    }
    size_t mark = wm_arena_mark(arena);
    void* mem = wm_arena_alloc(arena, bytes, WM_RING_ALIGN);
    if (!mem) {
        detach(r);
        return WM_ERR_NOMEM;
    }
    int err = wm_ring_init(r, mem, bytes, kind, capacity, channels);
    if (err != WM_OK)
        wm_arena_rollback(arena, mark);
    return err;
}

int wm_ring_attach(wm_ring* r, void* mem, size_t bytes)
{
    if (!r)
        return WM_ERR_ARG;
    detach(r);
    if (!mem || ((uintptr_t)mem & (WM_RING_ALIGN - 1)) != 0)
        return WM_ERR_ARG;
    if (bytes < WM_RING_HEADER_BYTES)
        return WM_ERR_HANDLE;
    struct wm_ring_header* h = mem;
    if (atomic_load_explicit(&h->magic, ACQUIRE) != WM_RING_MAGIC || load_relaxed(&h->version) != WM_RING_VERSION)
        return WM_ERR_HANDLE;
    uint32_t kind = load_relaxed(&h->kind), channels = load_relaxed(&h->channels);
    uint32_t capacity = load_relaxed(&h->capacity), elem = load_relaxed(&h->elem_bytes);
    if (kind > 2 || channels > WM_RING_MAX_CHANNELS || capacity > WM_RING_MAX_CAPACITY)
        return WM_ERR_HANDLE;
    uint32_t expected = elem_bytes_of((int)kind, (int)capacity, (int)channels);
    if (expected == 0 || elem != expected || load_relaxed(&h->data_offset) != WM_RING_HEADER_BYTES ||
        load_relaxed(&h->data_bytes) != capacity * elem || bytes - WM_RING_HEADER_BYTES < (size_t)capacity * elem)
        return WM_ERR_HANDLE;
    set_private(r, mem, kind, channels, elem, capacity);
    return WM_OK;
}

/* The per-call health check: the sticky status, then the geometry words
   against our own copy. Loads from line 0, which nobody writes while the
   ring is healthy, so they stay in cache. */
static int healthy(const wm_ring* r)
{
    const struct wm_ring_header* h = r->hdr;
    if (load_relaxed(&h->status) != 0)
        return 0;
    if (load_relaxed(&h->magic) != WM_RING_MAGIC || load_relaxed(&h->capacity) != r->capacity ||
        load_relaxed(&h->elem_bytes) != r->elem_bytes) {
        set_status(r, WM_RING_BAD_GEOMETRY);
        return 0;
    }
    return 1;
}

/* used = w - rd, or UINT32_MAX (and the status set) when it cannot be. */
static uint32_t checked_used(const wm_ring* r, uint32_t w, uint32_t rd)
{
    uint32_t used = w - rd;
    if (used > r->capacity) {
        set_status(r, WM_RING_BAD_INDEX);
        return UINT32_MAX;
    }
    return used;
}

int wm_ring_available_read(const wm_ring* r)
{
    if (!r || !r->hdr || !healthy(r))
        return 0;
    uint32_t rd = load_relaxed(&r->hdr->read_index);
    uint32_t w = atomic_load_explicit(&r->hdr->write_index, ACQUIRE);
    uint32_t used = checked_used(r, w, rd);
    return used == UINT32_MAX ? 0 : (int)used;
}

int wm_ring_available_write(const wm_ring* r)
{
    if (!r || !r->hdr || !healthy(r))
        return 0;
    uint32_t w = load_relaxed(&r->hdr->write_index);
    uint32_t rd = atomic_load_explicit(&r->hdr->read_index, ACQUIRE);
    uint32_t used = checked_used(r, w, rd);
    return used == UINT32_MAX ? 0 : (int)(r->capacity - used);
}

/* Copies n elements into the ring starting at slot `at` (< capacity),
   wrapping once at most. */
static void copy_in(const wm_ring* r, uint32_t at, const void* src, uint32_t n)
{
    size_t eb = r->elem_bytes;
    uint32_t first = r->capacity - at < n ? r->capacity - at : n;
    memcpy(r->data + at * eb, src, first * eb);
    memcpy(r->data, (const unsigned char*)src + first * eb, (n - first) * eb);
}

static void copy_out(const wm_ring* r, uint32_t at, void* dst, uint32_t n)
{
    size_t eb = r->elem_bytes;
    uint32_t first = r->capacity - at < n ? r->capacity - at : n;
    memcpy(dst, r->data + at * eb, first * eb);
    memcpy((unsigned char*)dst + first * eb, r->data, (n - first) * eb);
}

/* Bytes of a record payload starting at word slot `at`, wrapping at the
   end of the data (word granularity, so a wrap never splits a word). */
static void bytes_in(const wm_ring* r, uint32_t at, const void* src, uint32_t n)
{
    uint32_t room = (r->capacity - at) * 4u;
    uint32_t first = room < n ? room : n;
    memcpy(r->data + (size_t)at * 4u, src, first);
    memcpy(r->data, (const unsigned char*)src + first, n - first);
}

static void bytes_out(const wm_ring* r, uint32_t at, void* dst, uint32_t n)
{
    uint32_t room = (r->capacity - at) * 4u;
    uint32_t first = room < n ? room : n;
    memcpy(dst, r->data + (size_t)at * 4u, first);
    memcpy((unsigned char*)dst + first, r->data, n - first);
}

int wm_ring_push(wm_ring* r, const float* src, int frames)
{
    if (!r || !r->hdr || r->kind != WM_RING_FRAMES || !src)
        return WM_ERR_ARG;
    if (frames <= 0 || !healthy(r))
        return 0;
    struct wm_ring_header* h = r->hdr;
    uint32_t w = load_relaxed(&h->write_index);
    uint32_t rd = atomic_load_explicit(&h->read_index, ACQUIRE);
    uint32_t used = checked_used(r, w, rd);
    if (used == UINT32_MAX)
        return 0;
    uint32_t room = r->capacity - used;
    uint32_t n = (uint32_t)frames < room ? (uint32_t)frames : room;
    if (n < (uint32_t)frames)
        bump(&h->overruns);
    if (n == 0)
        return 0;
    copy_in(r, w & r->mask, src, n);
    atomic_store_explicit(&h->write_index, w + n, RELEASE);
    return (int)n;
}

int wm_ring_pop(wm_ring* r, float* dst, int frames)
{
    if (!r || !r->hdr || r->kind != WM_RING_FRAMES || !dst)
        return WM_ERR_ARG;
    if (frames <= 0 || !healthy(r))
        return 0;
    struct wm_ring_header* h = r->hdr;
    uint32_t rd = load_relaxed(&h->read_index);
    uint32_t w = atomic_load_explicit(&h->write_index, ACQUIRE);
    uint32_t used = checked_used(r, w, rd);
    if (used == UINT32_MAX)
        return 0;
    uint32_t n = (uint32_t)frames < used ? (uint32_t)frames : used;
    if (n < (uint32_t)frames)
        bump(&h->underruns);
    if (n == 0)
        return 0;
    copy_out(r, rd & r->mask, dst, n);
    atomic_store_explicit(&h->read_index, rd + n, RELEASE);
    return (int)n;
}

int wm_ring_push_record(wm_ring* r, const void* src, int bytes)
{
    if (!r || !r->hdr || r->kind != WM_RING_RECORDS || !src || bytes < 1 ||
        (uint32_t)bytes > r->max_record_bytes)
        return WM_ERR_ARG;
    if (!healthy(r))
        return 0;
    struct wm_ring_header* h = r->hdr;
    uint32_t w = load_relaxed(&h->write_index);
    uint32_t rd = atomic_load_explicit(&h->read_index, ACQUIRE);
    uint32_t used = checked_used(r, w, rd);
    if (used == UINT32_MAX)
        return 0;
    uint32_t words = WM_RING_RECORD_WORDS(bytes);
    if (words > r->capacity - used) {
        bump(&h->overruns);
        return 0;
    }
    uint32_t* slots = (uint32_t*)r->data;
    slots[w & r->mask] = (uint32_t)bytes;
    slots[(w + words - 1u) & r->mask] = 0u; /* the padding of the last word */
    bytes_in(r, (w + 1u) & r->mask, src, (uint32_t)bytes);
    atomic_store_explicit(&h->write_index, w + words, RELEASE);
    return 1;
}

/* Validates the record at the read index. Returns its length, 0 when the
   ring is empty or corrupt; *rd_out gets the read index. */
static uint32_t next_record(const wm_ring* r, uint32_t* rd_out)
{
    struct wm_ring_header* h = r->hdr;
    uint32_t rd = load_relaxed(&h->read_index);
    uint32_t w = atomic_load_explicit(&h->write_index, ACQUIRE);
    uint32_t used = checked_used(r, w, rd);
    if (used == UINT32_MAX || used == 0)
        return 0;
    /* Exactly one load of the length: the check and the copy use this value. */
    uint32_t len = ((const volatile uint32_t*)r->data)[rd & r->mask];
    if (len == 0 || len > r->max_record_bytes || WM_RING_RECORD_WORDS(len) > used) {
        set_status(r, WM_RING_BAD_RECORD);
        return 0;
    }
    *rd_out = rd;
    return len;
}

int wm_ring_pop_record(wm_ring* r, void* dst, int max_bytes)
{
    if (!r || !r->hdr || r->kind != WM_RING_RECORDS || !dst || max_bytes < 0)
        return WM_ERR_ARG;
    if (!healthy(r))
        return 0;
    uint32_t rd = 0;
    uint32_t len = next_record(r, &rd);
    if (len == 0)
        return 0;
    if (len > (uint32_t)max_bytes)
        return WM_ERR_RANGE;
    bytes_out(r, (rd + 1u) & r->mask, dst, len);
    atomic_store_explicit(&r->hdr->read_index, rd + WM_RING_RECORD_WORDS(len), RELEASE);
    return (int)len;
}

int wm_ring_next_record_bytes(wm_ring* r)
{
    if (!r || !r->hdr || r->kind != WM_RING_RECORDS)
        return WM_ERR_ARG;
    if (!healthy(r))
        return 0;
    uint32_t rd = 0;
    return (int)next_record(r, &rd);
}

uint32_t wm_ring_status(const wm_ring* r)
{
    return r && r->hdr ? load_relaxed(&r->hdr->status) : 0u;
}

uint32_t wm_ring_overruns(const wm_ring* r)
{
    return r && r->hdr ? load_relaxed(&r->hdr->overruns) : 0u;
}

uint32_t wm_ring_underruns(const wm_ring* r)
{
    return r && r->hdr ? load_relaxed(&r->hdr->underruns) : 0u;
}

void wm_ring_reset(wm_ring* r)
{
    if (r && r->hdr)
        write_header(r);
}
