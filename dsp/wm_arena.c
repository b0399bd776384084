/* wm_arena.c -- bump allocator over a caller-owned region. */
#include "wm_arena.h"

#include <stdint.h>
#include <string.h>

void wm_arena_init(wm_arena* a, void* mem, size_t bytes)
{
    a->base = mem;
    a->size = mem ? bytes : 0;
    a->used = 0;
    a->high_water = 0;
}

/* Aligns the absolute address, not the offset, so the base of the region
   need not be aligned itself. */
static size_t aligned_offset(const wm_arena* a, size_t align)
{
    uintptr_t at = (uintptr_t)a->base + a->used;
    uintptr_t aligned = (at + (align - 1)) & ~(uintptr_t)(align - 1);
    return a->used + (size_t)(aligned - at);
}

void* wm_arena_alloc(wm_arena* a, size_t bytes, size_t align)
{
    if (align == 0 || align > 64 || (align & (align - 1)) != 0)
        return NULL;
    size_t start = aligned_offset(a, align);
    if (start > a->size || bytes > a->size - start)
        return NULL;
    a->used = start + bytes;
    if (a->used > a->high_water)
        a->high_water = a->used;
    unsigned char* p = a->base + start;
    memset(p, 0, bytes);
    return p;
}

size_t wm_arena_remaining(const wm_arena* a)
{
    size_t start = aligned_offset(a, 16);
    return start >= a->size ? 0 : a->size - start;
}

size_t wm_arena_mark(const wm_arena* a) { return a->used; }

void wm_arena_rollback(wm_arena* a, size_t mark)
{
    if (mark <= a->used)
        a->used = mark;
}
