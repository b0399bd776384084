/* wm_arena.h -- one preallocated region that every module takes its state
   and scratch from at configuration time.

   A bump allocator: allocation is O(1), there is no per-object free. A whole
   configuration is released at once with wm_arena_rollback() to a mark taken
   before it, which is also how a half-built object is undone when a later
   allocation fails. Memory handed out is zeroed and aligned.

   Realtime: wm_arena_alloc is bounded and lock-free, but it is meant for
   configuration time; the audio path never allocates.
   Thread: one thread per arena. */
#ifndef WM_ARENA_H
#define WM_ARENA_H

#include <stddef.h>

typedef struct {
    unsigned char* base;
    size_t size;
    size_t used;
    size_t high_water; /* the most that was ever in use */
} wm_arena;

/* Takes over [mem, mem + bytes). mem may be NULL only when bytes is 0. */
void wm_arena_init(wm_arena* a, void* mem, size_t bytes);

/* Returns zeroed memory aligned to `align` (a power of two, at most 64), or
   NULL when the request does not fit; a failed request consumes nothing. */
void* wm_arena_alloc(wm_arena* a, size_t bytes, size_t align);

/* Bytes still available for an allocation with 16-byte alignment. */
size_t wm_arena_remaining(const wm_arena* a);

/* A mark records the current fill level; rollback frees everything
   allocated after it. */
size_t wm_arena_mark(const wm_arena* a);
void wm_arena_rollback(wm_arena* a, size_t mark);

#endif
