/* alloc_count.h -- counts heap allocations while `counting` is set. Include
   it in one test file only (it defines functions).
   Plain builds replace malloc, calloc and realloc with wrappers around
   glibc's own entry points; AddressSanitizer builds (which own malloc)
   count through the sanitizer's allocation hook instead. */
#ifndef WM_ALLOC_COUNT_H
#define WM_ALLOC_COUNT_H

#include <stddef.h>
#include <stdlib.h>

static int counting, allocations;

#if defined(__SANITIZE_ADDRESS__)
/* from the sanitizer runtime (sanitizer/allocator_interface.h, which gcc
   does not always ship) */
int __sanitizer_install_malloc_and_free_hooks(void (*on_malloc)(const volatile void*, size_t),
                                              void (*on_free)(const volatile void*));
static void count_allocation(const volatile void* p, size_t n) { allocations += counting; }
static void ignore_free(const volatile void* p) {}
__attribute__((constructor)) static void install_allocation_hook(void)
{
    /* both hooks are required, or none is installed */
    if (!__sanitizer_install_malloc_and_free_hooks(count_allocation, ignore_free))
        abort();
}
#else
extern void* __libc_malloc(size_t);
extern void* __libc_calloc(size_t, size_t);
extern void* __libc_realloc(void*, size_t);
void* malloc(size_t n) { allocations += counting; return __libc_malloc(n); }
void* calloc(size_t a, size_t b) { allocations += counting; return __libc_calloc(a, b); }
void* realloc(void* p, size_t n) { allocations += counting; return __libc_realloc(p, n); }
#endif

#endif
