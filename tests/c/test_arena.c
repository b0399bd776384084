/* test_arena.c -- alignment, exhaustion without side effects, rollback,
   and canaries around the region that must never be touched. */
#include <string.h>

#include "check.h"
#include "wm_arena.h"

static void test_alignment_and_zeroing(void)
{
    static unsigned char mem[4096];
    wm_arena a;
    wm_arena_init(&a, mem + 3, sizeof mem - 3); /* a deliberately odd base */
    memset(mem, 0xAB, sizeof mem);
    size_t aligns[] = {1, 2, 4, 8, 16, 32, 64};
    for (int i = 0; i < 7; i++) {
        unsigned char* p = wm_arena_alloc(&a, 10, aligns[i]);
        CHECK(p != NULL);
        CHECK(((uintptr_t)p & (aligns[i] - 1)) == 0);
        for (int k = 0; k < 10; k++)
            CHECK(p[k] == 0);
    }
    CHECK(wm_arena_alloc(&a, 8, 3) == NULL);   /* not a power of two */
    CHECK(wm_arena_alloc(&a, 8, 128) == NULL); /* beyond the largest alignment */
}

static void test_exhaustion_consumes_nothing(void)
{
    enum { SIZE = 1024, GUARD = 64 };
    static unsigned char mem[SIZE + 2 * GUARD];
    memset(mem, 0x5A, sizeof mem);
    wm_arena a;
    wm_arena_init(&a, mem + GUARD, SIZE);
    void* first = wm_arena_alloc(&a, 1000, 16);
    CHECK(first != NULL);
    size_t used = a.used;
    CHECK(wm_arena_alloc(&a, 100, 16) == NULL);
    CHECK(wm_arena_alloc(&a, (size_t)-1, 1) == NULL); /* overflow-sized request */
    CHECK_EQ_INT(a.used, used);
    CHECK(wm_arena_remaining(&a) <= SIZE - 1000);
    void* fits = wm_arena_alloc(&a, wm_arena_remaining(&a), 16);
    CHECK(fits != NULL);
    CHECK_EQ_INT(wm_arena_remaining(&a), 0);
    for (int i = 0; i < GUARD; i++) {
        CHECK(mem[i] == 0x5A);
        CHECK(mem[GUARD + SIZE + i] == 0x5A);
    }
}

static void test_mark_and_rollback(void)
{
    static unsigned char mem[2048];
    wm_arena a;
    wm_arena_init(&a, mem, sizeof mem);
    wm_arena_alloc(&a, 100, 16);
    size_t mark = wm_arena_mark(&a);
    void* p = wm_arena_alloc(&a, 500, 16);
    wm_arena_alloc(&a, 500, 16);
    wm_arena_rollback(&a, mark);
    CHECK_EQ_INT(a.used, mark);
    CHECK(wm_arena_alloc(&a, 500, 16) == p); /* the same space comes back */
    CHECK(a.high_water >= 1100);
    wm_arena_rollback(&a, a.used + 10); /* a mark from the future is ignored */
    CHECK(a.used <= sizeof mem);
}

static void test_empty_arena(void)
{
    wm_arena a;
    wm_arena_init(&a, NULL, 100);
    CHECK_EQ_INT(a.size, 0);
    CHECK(wm_arena_alloc(&a, 1, 1) == NULL);
    CHECK_EQ_INT(wm_arena_remaining(&a), 0);
}

int main(void)
{
    test_alignment_and_zeroing();
    test_exhaustion_consumes_nothing();
    test_mark_and_rollback();
    test_empty_arena();
    return check_finish("test_arena", 0);
}
