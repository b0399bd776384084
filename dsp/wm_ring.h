/* wm_ring.h -- a wait-free single-producer single-consumer ring buffer in
   shared memory, with a JavaScript twin (js/ring.js) over the same bytes.

   One thread pushes, one thread pops; neither ever waits for the other.
   The ring lives in memory the caller provides (the arena, or any block
   both sides can see: WASM linear memory shared with JavaScript, a
   SharedArrayBuffer), so C and JavaScript on different threads can be
   either end. Two kinds:
   - frames: audio, interleaved float32 frames of `channels` samples;
   - records: commands, variable-length byte records.

   LAYOUT (identical in dsp/wm_ring.h and js/ring.js; a test compares them)
   A ring is one block of shared memory that starts on a 64-byte boundary:
   a 192-byte header of little-endian 32-bit unsigned words, then the data.

   byte  word  field        written by    meaning
      0     0  magic        owner         0x474E5257 (the bytes "WRNG")
      4     1  version      owner         1
      8     2  kind         owner         1 = frames (float32), 2 = records (uint32 words)
     12     3  channels     owner         floats per frame (records: 1)
     16     4  elem_bytes   owner         bytes per element: 4 * channels (records: 4)
     20     5  capacity     owner         elements (frames or words), a power of two
     24     6  data_offset  owner         192: bytes from the start of the ring to its data
     28     7  data_bytes   owner         capacity * elem_bytes
     32     8  status       either side   sticky error bits, cleared only by reset:
                                          1 index, 2 geometry, 4 record
     36-63     zero
     64    16  write_index  producer      elements ever written, modulo 2^32
     68    17  overruns     producer      pushes refused or truncated for lack of room
     72-127    zero
    128    32  read_index   consumer      elements ever read, modulo 2^32
    132    33  underruns    consumer      frame pops that found fewer frames than asked
    136-191    zero
    192        data         capacity * elem_bytes bytes

   The owner writes words 0-8 at init and at reset, nobody else does; the
   write index and the read index each sit alone on a 64-byte cache line
   with the counter of the side that owns it, so the two threads never
   write to the same line.
   Indices run freely modulo 2^32 and element i lives in slot
   i & (capacity - 1): used = write_index - read_index (mod 2^32) is 0 when
   empty and capacity when full, and anything larger is corruption. No slot
   is sacrificed to tell full from empty.
   Frames: the samples of a frame are interleaved and a frame is never
   split: the wrap falls between frames, and push and pop move whole frames.
   Records: one word holding the payload length in bytes (1 to
   4 * (capacity - 1)), then the payload, zero-padded to whole words. A
   record may wrap around the end of the data; pop_record reassembles it.
   It is published whole: the write index moves past it in one store.
   Ordering: a side writes (or reads) the data, then stores its index with
   release; the other side loads that index with acquire before touching
   the data.
   LAYOUT END

   Validation. Each side keeps its own copy of the geometry (capacity,
   element size, kind) from init or attach and never takes a size from
   shared memory after that; every index and record length loaded from the
   header or the data is checked before use. Whatever another thread writes
   into the shared block, these functions only ever touch the block's own
   data region and the caller's buffers within the counts given. A failed
   check sets a status bit (WM_RING_BAD_*) in the header; from then on every
   push and pop moves nothing (the reader sees an empty ring, the writer a
   full one) until the owner calls wm_ring_reset.

   Realtime: everything except init/create/attach is wait-free: bounded
   work, no locks, no allocation, no system call.
   Thread: one producer thread (push, push_record) and one consumer thread
   (pop, pop_record, next_record_bytes); each side uses its own wm_ring
   struct, attached to the same shared block. Native builds need lock-free
   32-bit atomics (every target wamix supports has them). */
#ifndef WM_RING_H
#define WM_RING_H

#include <stddef.h>
#include <stdint.h>

#include "wm_arena.h"
#include "wm_common.h"

#define WM_RING_MAGIC 0x474E5257u /* "WRNG" */
#define WM_RING_VERSION 1u
#define WM_RING_FRAMES 1
#define WM_RING_RECORDS 2

#define WM_RING_ALIGN 64            /* the ring's start, and each index line */
#define WM_RING_HEADER_BYTES 192    /* = data_offset */
#define WM_RING_OFF_STATUS 32       /* byte offsets in the header */
#define WM_RING_OFF_WRITE 64
#define WM_RING_OFF_OVERRUNS 68
#define WM_RING_OFF_READ 128
#define WM_RING_OFF_UNDERRUNS 132

#define WM_RING_MAX_CHANNELS 32
#define WM_RING_MAX_CAPACITY (1u << 24)   /* elements */
#define WM_RING_MAX_DATA_BYTES (1u << 28) /* 256 MiB */

/* 1 when this build orders memory between threads: native builds, and WASM
   built with -matomics (the shared-memory build). Without -matomics, clang
   lowers the atomics to plain loads and stores: such a WASM module is
   single-threaded and its rings are only safe within one thread. */
#if defined(__wasm__) && !defined(__wasm_atomics__)
#define WM_RING_THREAD_SAFE 0
#else
#define WM_RING_THREAD_SAFE 1
#endif

/* Status bits (sticky until wm_ring_reset). */
#define WM_RING_BAD_INDEX 1u    /* write_index - read_index > capacity */
#define WM_RING_BAD_GEOMETRY 2u /* magic, capacity or element size changed */
#define WM_RING_BAD_RECORD 4u   /* a record length is 0, too large, or unpublished */

/* Words a record of `bytes` payload bytes takes, its length word included. */
#define WM_RING_RECORD_WORDS(bytes) (1u + ((uint32_t)(bytes) + 3u) / 4u)

struct wm_ring_header; /* the shared header; its layout is above */

/* One side's view of a ring: private, never shared. */
typedef struct {
    struct wm_ring_header* hdr; /* start of the shared block */
    unsigned char* data;        /* hdr + WM_RING_HEADER_BYTES */
    uint32_t kind;              /* WM_RING_FRAMES or WM_RING_RECORDS */
    uint32_t channels;
    uint32_t elem_bytes;
    uint32_t capacity; /* elements, a power of two */
    uint32_t mask;     /* capacity - 1 */
    uint32_t max_record_bytes; /* records: 4 * (capacity - 1); frames: 0 */
} wm_ring;

/* wm_ring_memory_size -- bytes of shared memory a ring takes (header and
   data). Parameters: kind WM_RING_FRAMES or WM_RING_RECORDS; capacity in
   elements (frames or words), a power of two from 2 to
   WM_RING_MAX_CAPACITY; channels 1..WM_RING_MAX_CHANNELS (records: 1).
   Returns 0 for arguments wm_ring_init would reject.
   Realtime: safe. Thread: any. */
size_t wm_ring_memory_size(int kind, int capacity, int channels);

/* wm_ring_init -- format a new, empty ring over [mem, mem + bytes) and
   attach r to it as its owner. mem must be 64-byte aligned and bytes at
   least wm_ring_memory_size(kind, capacity, channels). Zeroes the block and
   writes the magic word last (release), so a peer that attaches after
   seeing it sees a whole header. Returns WM_OK, WM_ERR_ARG (NULL,
   misaligned, bad kind, capacity or channels), or WM_ERR_NOMEM (bytes too
   small). Realtime: no (O(size) zeroing). Thread: the owner, before the
   block is handed to the other side. */
int wm_ring_init(wm_ring* r, void* mem, size_t bytes, int kind, int capacity, int channels);

/* wm_ring_create -- take the block from the arena (64-byte aligned) and
   init it. Returns as wm_ring_init; on failure the arena is left as it
   was. Realtime: no. Thread: the arena's thread. */
int wm_ring_create(wm_ring* r, wm_arena* arena, int kind, int capacity, int channels);

/* wm_ring_attach -- attach r to a ring the other side formatted (C or
   JavaScript) at mem, of which `bytes` are accessible. Checks the whole
   geometry (magic, version, kind, channels, element size, power-of-two
   capacity, data offset and size, and that it all fits in bytes) and
   copies it into r. A ring whose status is already set attaches; its
   status says why it moves nothing. Returns WM_OK, WM_ERR_ARG (NULL or
   misaligned) or WM_ERR_HANDLE (no valid ring there). On failure r is left
   detached: calls on it move nothing and return WM_ERR_ARG (or 0).
   Realtime: safe (a few loads). Thread: the side that will use r. */
int wm_ring_attach(wm_ring* r, void* mem, size_t bytes);

/* wm_ring_available_read -- elements (frames, or record words) published
   and not yet read; 0 when the ring is corrupt (and then its status is
   set). wm_ring_available_write -- elements of free room; 0 when corrupt.
   Realtime: safe. Thread: any; exact on the consumer for available_read
   and on the producer for available_write (the other side can only make
   more available). */
int wm_ring_available_read(const wm_ring* r);
int wm_ring_available_write(const wm_ring* r);

/* wm_ring_push -- copy up to `frames` whole frames (frames * channels
   floats) from src into the ring. Returns the frames moved: all of them,
   or fewer when the ring has less room (then `overruns` counts one), or 0
   when it is corrupt. WM_ERR_ARG for a records ring, or a NULL r or src.
   Realtime: safe (at most two memcpy). Thread: the producer. */
int wm_ring_push(wm_ring* r, const float* src, int frames);

/* wm_ring_pop -- copy up to `frames` whole frames out of the ring into dst.
   Returns the frames moved (fewer than asked counts one underrun; 0 when
   the ring is corrupt); dst beyond them is untouched. WM_ERR_ARG for a
   records ring, or a NULL r or dst.
   Realtime: safe (at most two memcpy). Thread: the consumer. */
int wm_ring_pop(wm_ring* r, float* dst, int frames);

/* wm_ring_push_record -- append one record of `bytes` bytes (1 ..
   max_record_bytes), all or nothing. Returns 1 when it was pushed, 0 when
   there is no room for WM_RING_RECORD_WORDS(bytes) words (`overruns`
   counts one) or the ring is corrupt, WM_ERR_ARG for a frames ring, a NULL
   argument, or a length out of range.
   Realtime: safe. Thread: the producer. */
int wm_ring_push_record(wm_ring* r, const void* src, int bytes);

/* wm_ring_pop_record -- remove the oldest record and copy its payload into
   dst. Returns its length in bytes (>= 1); 0 when there is none or the
   ring is corrupt (an empty poll is the normal end of a drain and is not
   an underrun); WM_ERR_RANGE when it is longer than max_bytes (nothing is
   popped: see wm_ring_next_record_bytes); WM_ERR_ARG for a frames ring, a
   NULL argument or a negative max_bytes. Realtime: safe. Thread: the consumer. */
int wm_ring_pop_record(wm_ring* r, void* dst, int max_bytes);

/* wm_ring_next_record_bytes -- the length of the record pop_record would
   return next, 0 when none (or corrupt), WM_ERR_ARG for a frames ring.
   Realtime: safe. Thread: the consumer. */
int wm_ring_next_record_bytes(wm_ring* r);

/* wm_ring_status -- the sticky WM_RING_BAD_* bits, 0 when healthy.
   wm_ring_overruns, wm_ring_underruns -- the counters (wrap at 2^32).
   Realtime: safe. Thread: any (a snapshot). */
uint32_t wm_ring_status(const wm_ring* r);
uint32_t wm_ring_overruns(const wm_ring* r);
uint32_t wm_ring_underruns(const wm_ring* r);

/* wm_ring_reset -- rewrite the header from r's own geometry: empty, status
   and counters cleared, the data left as it is. Also the way back from a
   corrupt header. Only the owner calls it, and only while no other thread
   is inside a call on the ring (e.g. after both sides stopped, agreed by a
   message); a peer's struct stays valid and sees the empty ring.
   Realtime: safe (a few stores). Thread: the owner, peers quiescent. */
void wm_ring_reset(wm_ring* r);

#endif
