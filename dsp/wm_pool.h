/* wm_pool.h -- the sample pool: decoded PCM of the clips, in fixed-size
   pages of one region reserved at init, written by a loader thread while
   the audio thread plays.

   Layout. The region is pages_total pages of page_floats floats (a power of
   two; pages 64-byte aligned). A sample is stored interleaved: frame f of a
   C-channel sample is floats [f*C, f*C + C) of its storage, and storage
   float i sits in page table[i >> log2(page_floats)] at offset
   i & (page_floats - 1). With C in 1..WM_MAX_CHANNELS (1 or 2) a frame
   never straddles two pages, so frame f is found in O(1). A sample of n
   frames takes ceil(n*C / page_floats) pages, anywhere in the region.
   Interleaved because playback needs every channel of the same frames (an
   interpolator at a fractional position reads a few neighbouring frames of
   each channel): one page lookup and one cache line serve all channels,
   the interleaved read is a plain copy, and a decoder that delivers
   interleaved f32 (WebCodecs AudioData.copyTo, format 'f32') is copied in
   as is.

   Page size. WM_POOL_PAGE_FLOATS (16 KiB: 2048 stereo or 4096 mono frames,
   43 ms of stereo at 48 kHz) is the recommended value: a sample wastes less
   than one page (a 0.2 s stereo one-shot at 48 kHz takes 5 pages for 4.7
   pages of data, where 64 KiB pages would take 2 for 1.2), a 128-frame
   stereo read crosses a page boundary at most once in 16 quanta, and a
   64 MiB pool has 4096 pages, so the O(pages) cost of a free stays a few
   microseconds (tests/c/test_pool.c prints it). Any power of two from 16 to
   2^20 floats is accepted.

   Guarantee (no external fragmentation): every page is either in exactly
   one live sample's page table or free, and an allocation of frames *
   channels <= pages_free * page_floats floats always succeeds while a slot
   is free, whatever the history of allocations and frees
   (wm_pool_stats.largest_floats).

   Handles: slot index in bits 0..11, the slot's generation (1..2^19-1) in
   bits 12..30, so a handle is always > 0 as an int32. A free bumps the
   generation, so the old handle is WM_ERR_HANDLE at once. It could only
   alias after 2^19 - 1 more reuses of its slot, and free slots are reused
   oldest first, so that takes about 2^19 times the number of free slots
   allocations.

   Threads. Every function is called by the pool's owner, the audio thread
   (as it applies commands), except the size query. The loader thread never
   calls the pool: it writes floats at the addresses wm_pool_spans gave the
   owner (in WASM, pointers are byte offsets in the shared linear memory),
   then publishes "frames [0, k) written" through the command ring with
   release ordering; the owner applies it (acquire) with wm_pool_commit. The
   owner reads only committed frames. A sample must not be freed while its
   loader may still write into it: cancel the load, wait for the loader to
   acknowledge, then free.

   Errors: WM_ERR_ARG (bad argument, or an operation the sample's state does
   not allow), WM_ERR_FULL (not enough free pages), WM_ERR_LIMIT (every slot in use), WM_ERR_HANDLE (stale or
   forged handle). A failed call changes nothing. */
#ifndef WM_POOL_H
#define WM_POOL_H

#include "wm_arena.h"
#include "wm_common.h"

#define WM_POOL_PAGE_FLOATS 4096  /* the recommended page size (16 KiB) */
#define WM_POOL_MIN_PAGE_FLOATS 16
#define WM_POOL_MAX_PAGE_FLOATS (1 << 20)
#define WM_POOL_MAX_FLOATS (1 << 30) /* pages * page_floats: a 4 GiB region */
#define WM_POOL_MAX_SLOTS 4096       /* samples live at once */
#define WM_POOL_INTERLEAVED (-1)     /* wm_pool_read: every channel, interleaved */

typedef enum { WM_POOL_LOADING = 1, WM_POOL_READY = 2 } wm_pool_state;

/* Frames [frame, frame + frames) of a sample are stored contiguously,
   interleaved, from data on. 12 bytes in WASM: three 32-bit values, data
   being the byte offset in linear memory. */
typedef struct {
    float* data;
    int32_t frame;
    int32_t frames;
} wm_pool_span;

typedef struct {
    int frames;         /* the sample's length */
    int channels;       /* 1..WM_MAX_CHANNELS */
    int sample_rate_hz; /* as given to wm_pool_alloc */
    int loaded;         /* frames [0, loaded) are committed and playable */
    wm_pool_state state;
} wm_pool_info;

typedef struct {
    int pages_total, pages_used, pages_free;
    int page_floats;
    int samples_live, slots_total;
    int largest_floats; /* the largest frames * channels wm_pool_alloc accepts now (0 with no free slot) */
} wm_pool_stats;

struct wm_pool_slot;

typedef struct {
    float* region;             /* pages_total * page_floats floats */
    int32_t* table;            /* a permutation of the page indices, see wm_pool.c */
    struct wm_pool_slot* slots;
    uint16_t* free_slots;      /* FIFO ring of free slot indices */
    int pages_total, pages_used, page_floats, page_shift;
    int max_slots, free_head, free_count;
} wm_pool;

/* wm_pool_memory_size -- arena bytes wm_pool_init takes (an upper bound,
   alignment included); 0 when the arguments are invalid.
   Realtime: safe. Thread: any. */
size_t wm_pool_memory_size(int pages, int page_floats, int max_slots);

/* wm_pool_init -- reserve the region and its bookkeeping, all pages free.
   Parameters: p (out); a the arena; pages >= 1; page_floats a power of two
   in [WM_POOL_MIN_PAGE_FLOATS, WM_POOL_MAX_PAGE_FLOATS] with pages *
   page_floats <= WM_POOL_MAX_FLOATS; max_slots in [1, WM_POOL_MAX_SLOTS].
   Returns WM_OK, WM_ERR_ARG, or WM_ERR_NOMEM with the arena left as it was.
   Realtime: no (zeroes the region). Thread: the owner, before use. */
int wm_pool_init(wm_pool* p, wm_arena* a, int pages, int page_floats, int max_slots);

/* wm_pool_alloc -- reserve the pages of a sample, state LOADING, 0 frames
   loaded. Parameters: frames >= 0; channels 1..WM_MAX_CHANNELS;
   sample_rate_hz >= 1 (stored for playback).
   Returns a handle (> 0), WM_ERR_ARG, WM_ERR_FULL or WM_ERR_LIMIT.
   Realtime: safe, O(1). Thread: the owner. */
int wm_pool_alloc(wm_pool* p, int frames, int channels, int sample_rate_hz);

/* wm_pool_spans -- where frames [first, end) of a sample are stored: the
   write window for the loader, or direct read access for playback.
   Parameters: 0 <= first <= end <= frames; spans receives up to max_spans
   spans, in frame order, each as long as the pages allow (physically
   adjacent pages merge into one span). max_spans 0 (spans may be NULL)
   counts the spans the whole range needs.
   Returns the number of spans written (they cover a prefix of the range
   when max_spans is too small) or counted, WM_ERR_HANDLE or WM_ERR_ARG.
   The addresses stay valid until the sample is freed.
   Realtime: safe, O(pages of the range). Thread: the owner. */
int wm_pool_spans(const wm_pool* p, int handle, int first, int end, wm_pool_span* spans, int max_spans);

/* wm_pool_commit -- frames [0, frames_loaded) are written and may be played.
   Parameters: frames_loaded in [the current loaded count, frames]; the
   sample is LOADING.
   Returns frames_loaded, WM_ERR_HANDLE or WM_ERR_ARG.
   Realtime: safe, O(1). Thread: the owner. */
int wm_pool_commit(wm_pool* p, int handle, int frames_loaded);

/* wm_pool_complete -- the load is over: commit frames_total frames, make it
   the sample's length (a decoder may deliver fewer frames than announced)
   and return the pages beyond it to the free list. State READY.
   Returns frames_total, WM_ERR_HANDLE or WM_ERR_ARG (as wm_pool_commit).
   Realtime: safe, O(pages_used + max_slots) when pages are released.
   Thread: the owner. */
int wm_pool_complete(wm_pool* p, int handle, int frames_total);

/* wm_pool_free -- return the sample's pages; its handle is stale at once.
   Returns WM_OK or WM_ERR_HANDLE.
   Realtime: safe, O(pages_used + max_slots): 1.5 to 3 us natively with
   4096 pages in use and 256 slots (tests/c/test_pool.c). Thread: the owner. */
int wm_pool_free(wm_pool* p, int handle);

/* wm_pool_query -- the sample's length, format, loaded frames and state.
   Returns WM_OK or WM_ERR_HANDLE (info untouched).
   Realtime: safe. Thread: the owner. */
int wm_pool_query(const wm_pool* p, int handle, wm_pool_info* info);

/* wm_pool_read -- copy frames [frame, frame + n) of one channel (n floats)
   or of every channel interleaved (channel WM_POOL_INTERLEAVED, n *
   channels floats) into dst, across page boundaries. Frames before 0, at
   or beyond the loaded count or beyond the length read as 0.
   Parameters: frame any value; n >= 0; channel in [0, channels) or
   WM_POOL_INTERLEAVED; dst not inside the pool (may be NULL when n is 0).
   Returns the number of frames that came from loaded data, WM_ERR_HANDLE
   or WM_ERR_ARG; on error dst is untouched.
   Realtime: safe, O(n). Thread: the owner. */
int wm_pool_read(const wm_pool* p, int handle, int frame, int n, int channel, float* dst);

/* wm_pool_get_stats -- pages total/used/free, samples live, the largest
   allocation that fits now. Realtime: safe, O(1). Thread: the owner. */
void wm_pool_get_stats(const wm_pool* p, wm_pool_stats* s);

#endif
