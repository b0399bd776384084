/* wm_module_arena.h -- the arena of a WASM module: from __heap_base (the
   first byte after data and stack, placed by wasm-ld) to the end of its
   fixed-size memory. Included by each module's exports file. */
#ifndef WM_MODULE_ARENA_H
#define WM_MODULE_ARENA_H

#include "wm_arena.h"

extern unsigned char __heap_base;

static wm_arena* the_arena(void)
{
    static wm_arena arena;
    static int ready;
    if (!ready) {
        size_t start = (size_t)&__heap_base;
        size_t end = (size_t)__builtin_wasm_memory_size(0) * 65536u;
        wm_arena_init(&arena, &__heap_base, end - start);
        ready = 1;
    }
    return &arena;
}

/* The arena is a stack: an object destroyed returns its memory once every
   object created after it is gone too. ends[i] is the arena's mark after
   object i was created, 0 for a free slot; slot `freed` has just been
   freed. */
static void release_unused_arena(size_t* ends, int count, int freed)
{
    size_t top = 0;
    ends[freed] = 0;
    for (int i = 0; i < count; i++)
        top = ends[i] > top ? ends[i] : top;
    wm_arena_rollback(the_arena(), top);
}

#endif
