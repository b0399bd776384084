/* alloc_count.h -- counts heap allocations while `counting` is set, by
   replacing malloc, calloc and realloc with wrappers around glibc's own
   entry points. Include it in one test file only (it defines them). */
#ifndef WM_ALLOC_COUNT_H
#define WM_ALLOC_COUNT_H

#include <stddef.h>

extern void* __libc_malloc(size_t);
extern void* __libc_calloc(size_t, size_t);
extern void* __libc_realloc(void*, size_t);
static int counting, allocations;
void* malloc(size_t n) { allocations += counting; return __libc_malloc(n); }
void* calloc(size_t a, size_t b) { allocations += counting; return __libc_calloc(a, b); }
void* realloc(void* p, size_t n) { allocations += counting; return __libc_realloc(p, n); }

#endif
