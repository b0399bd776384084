/* test_pool.c -- the sample pool: allocation churn with a model of every
   live sample (no page shared, every page accounted for, contents never
   disturbed, canaries intact), the no-fragmentation guarantee, a full pool,
   stale and forged handles, reads against a reference copy at every offset
   near the ends, partial loads over stale page contents, and the figures:
   read throughput and the cost of a free.

   The test plays the loader: it writes every sample through the spans the
   pool gives, with a pattern that is a function of (handle, frame, channel),
   exact in float and never 0, so zeros can only come from the pool. */
#include <string.h>
#include <time.h>

#include "check.h"
#include "wm_pool.h"

enum { CANARY = 1024, MAX_PAGES = 4096, MAX_LIVE = 256 };

static unsigned char mem[17 << 20];
static wm_arena arena;
static unsigned char *canary_lo, *canary_hi;

typedef struct {
    int h, frames, channels, loaded, ready;
} sample;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A pool in a fresh arena, between two canary blocks. */
static void make(wm_pool* p, int pages, int page_floats, int slots)
{
    wm_arena_init(&arena, mem, sizeof mem);
    canary_lo = wm_arena_alloc(&arena, CANARY, 1);
    CHECK_EQ_INT(wm_pool_init(p, &arena, pages, page_floats, slots), WM_OK);
    canary_hi = wm_arena_alloc(&arena, CANARY, 1);
    memset(canary_lo, 0xA5, CANARY);
    memset(canary_hi, 0xA5, CANARY);
}

static int canaries_intact(void)
{
    for (int i = 0; i < CANARY; i++)
        if (canary_lo[i] != 0xA5 || canary_hi[i] != 0xA5)
            return 0;
    return 1;
}

static float pattern(int h, int frame, int c)
{
    uint32_t x = (uint32_t)h * 2654435761u ^ (uint32_t)(2 * frame + c) * 0x9e3779b1u;
    x ^= x >> 15;
    return (float)(x & 0xffffff) + 1.0f;
}

static float expected(const sample* s, int frame, int c)
{
    return frame >= 0 && frame < s->loaded ? pattern(s->h, frame, c) : 0.0f;
}

/* Writes frames [first, end) through the spans, fetched 4 at a time so that
   a short span buffer is exercised too. */
static void load(const wm_pool* p, const sample* s, int first, int end)
{
    wm_pool_span spans[4];
    for (int f = first; f < end;) {
        int n = wm_pool_spans(p, s->h, f, end, spans, 4);
        CHECK(n >= 1 && n <= 4);
        if (n < 1)
            return;
        for (int i = 0; i < n; i++) {
            CHECK_EQ_INT(spans[i].frame, f);
            CHECK(spans[i].frames >= 1);
            for (int k = 0; k < spans[i].frames * s->channels; k++)
                spans[i].data[k] = pattern(s->h, f + k / s->channels, k % s->channels);
            f += spans[i].frames;
        }
    }
}

/* Reads the whole sample back (interleaved, 1000 frames at a time, a
   little past the end); returns the number of wrong floats. */
static int verify(const wm_pool* p, const sample* s)
{
    static float buf[1000 * WM_MAX_CHANNELS];
    int wrong = 0;
    for (int f = 0; f < s->frames + 10; f += 1000) {
        int got = wm_pool_read(p, s->h, f, 1000, WM_POOL_INTERLEAVED, buf);
        int want = s->loaded - f < 0 ? 0 : (s->loaded - f > 1000 ? 1000 : s->loaded - f);
        wrong += got != want;
        for (int i = 0; i < 1000 * s->channels; i++)
            wrong += buf[i] != expected(s, f + i / s->channels, i % s->channels);
    }
    return wrong;
}

/* Ownership: every live sample's spans lie in the region, cover exactly
   its pages, and no page belongs to two samples; used + free == total; the
   table is a permutation. Returns, through *runs and *longest, how
   scattered the free pages are (runs of consecutive free page indices). */
static void check_pages(const wm_pool* p, const sample* live, int count, int* runs, int* longest)
{
    static unsigned char owners[MAX_PAGES];
    static wm_pool_span spans[MAX_PAGES];
    wm_pool_stats st;
    wm_pool_get_stats(p, &st);
    memset(owners, 0, sizeof owners);
    int used = 0, shared = 0;
    for (int i = 0; i < count; i++) {
        const sample* s = &live[i];
        int n = wm_pool_spans(p, s->h, 0, s->frames, spans, MAX_PAGES);
        CHECK_EQ_INT(n, wm_pool_spans(p, s->h, 0, s->frames, NULL, 0));
        for (int k = 0; k < n; k++) {
            long lo = spans[k].data - p->region, hi = lo + (long)spans[k].frames * s->channels;
            CHECK(lo >= 0 && hi <= (long)st.pages_total * st.page_floats);
            for (long pg = lo / st.page_floats; pg <= (hi - 1) / st.page_floats && pg < MAX_PAGES; pg++) {
                shared += owners[pg]++ > 0;
                used++;
            }
        }
    }
    CHECK_EQ_INT(shared, 0);
    CHECK_EQ_INT(used, st.pages_used);
    CHECK_EQ_INT(st.pages_used + st.pages_free, st.pages_total);
    CHECK_EQ_INT(st.samples_live, count);
    *runs = *longest = 0;
    for (int i = 0, run = 0; i < st.pages_total; i++) {
        run = owners[i] ? 0 : run + 1;
        *runs += run == 1;
        *longest = run > *longest ? run : *longest;
    }
    memset(owners, 0, sizeof owners);
    for (int i = 0; i < st.pages_total; i++) {
        int32_t t = p->table[i];
        CHECK(t >= 0 && t < st.pages_total && owners[t] == 0);
        if (t >= 0 && t < st.pages_total)
            owners[t] = 1;
    }
}

static void test_init(void)
{
    CHECK_EQ_INT(wm_pool_memory_size(0, 64, 4), 0);
    CHECK_EQ_INT(wm_pool_memory_size(4, 100, 4), 0); /* not a power of two */
    CHECK_EQ_INT(wm_pool_memory_size(4, 8, 4), 0);
    CHECK_EQ_INT(wm_pool_memory_size(4, 64, 0), 0);
    CHECK_EQ_INT(wm_pool_memory_size(4, 64, WM_POOL_MAX_SLOTS + 1), 0);
    CHECK_EQ_INT(wm_pool_memory_size(1 << 11, 1 << 20, 4), 0); /* 2^31 floats */
    wm_pool p;
    size_t need = wm_pool_memory_size(64, 256, 16);
    CHECK(need >= 64 * 256 * 4);
    wm_arena_init(&arena, mem + 3, need + 100); /* odd base */
    wm_arena_alloc(&arena, 100, 1);
    size_t mark = wm_arena_mark(&arena);
    CHECK_EQ_INT(wm_pool_init(&p, &arena, 64, 100, 16), WM_ERR_ARG);
    CHECK_EQ_INT(wm_pool_init(&p, &arena, 65, 256, 16), WM_ERR_NOMEM);
    CHECK_EQ_INT(arena.used, mark);
    CHECK_EQ_INT(wm_pool_init(&p, &arena, 64, 256, 16), WM_OK);
    CHECK(((uintptr_t)p.region & 63) == 0);
    CHECK(arena.used - mark <= need);
    wm_pool_stats st;
    wm_pool_get_stats(&p, &st);
    CHECK_EQ_INT(st.pages_free, 64);
    CHECK_EQ_INT(st.largest_floats, 64 * 256);
    CHECK_EQ_INT(st.slots_total, 16);
}

/* Random lengths, 1 or 2 channels, partial loads, truncating completes,
   frees; after every free, sometimes, one sample as large as all the free
   space, wherever it is scattered. */
static void test_churn(void)
{
    enum { PAGES = 1024, PF = 64, SLOTS = 48, OPS = 20000 };
    static sample live[MAX_LIVE];
    wm_pool p;
    make(&p, PAGES, PF, SLOTS);
    int count = 0, nomem = 0, limit = 0, allocs = 0, frees = 0, demos = 0, max_runs = 0, min_longest = PAGES;
    int min_free_at_demo = PAGES, max_free_at_demo = 0;
    for (int op = 0; op < OPS; op++) {
        uint32_t r = check_rand() % 100;
        wm_pool_stats before, after;
        wm_pool_get_stats(&p, &before);
        if (count == 0 || r < 55) {
            sample s = {0, (int)(check_rand() % (1 + check_rand() % 4096)), 1 + (int)(check_rand() % 2), 0, 0};
            s.h = wm_pool_alloc(&p, s.frames, s.channels, 44100);
            wm_pool_get_stats(&p, &after);
            if (s.h == WM_ERR_FULL || s.h == WM_ERR_LIMIT) {
                CHECK(memcmp(&before, &after, sizeof before) == 0);
                CHECK(s.h == WM_ERR_FULL ? s.frames * s.channels > before.pages_free * PF : count == SLOTS);
                nomem += s.h == WM_ERR_FULL;
                limit += s.h == WM_ERR_LIMIT;
                continue;
            }
            CHECK(s.h > 0);
            CHECK_EQ_INT(after.pages_used - before.pages_used, (s.frames * s.channels + PF - 1) / PF);
            s.loaded = (int)(check_rand() % (s.frames + 1));
            load(&p, &s, 0, s.loaded);
            CHECK_EQ_INT(wm_pool_commit(&p, s.h, s.loaded), s.loaded);
            uint32_t how = check_rand() % 3;
            if (how == 0) { /* the decoder delivered fewer frames than announced */
                s.frames = s.loaded;
                CHECK_EQ_INT(wm_pool_complete(&p, s.h, s.loaded), s.loaded);
                s.ready = 1;
            } else if (how == 1) {
                load(&p, &s, s.loaded, s.frames);
                s.loaded = s.frames;
                CHECK_EQ_INT(wm_pool_complete(&p, s.h, s.frames), s.frames);
                s.ready = 1;
            }
            live[count++] = s;
            allocs++;
        } else if (r < 65) { /* a load in progress goes on */
            sample* s = &live[check_rand() % count];
            if (s->ready)
                continue;
            int to = s->loaded + (int)(check_rand() % (s->frames - s->loaded + 1));
            load(&p, s, s->loaded, to);
            CHECK_EQ_INT(wm_pool_commit(&p, s->h, to), to);
            s->loaded = to;
        } else {
            int i = (int)(check_rand() % count);
            CHECK_EQ_INT(wm_pool_free(&p, live[i].h), WM_OK);
            CHECK_EQ_INT(wm_pool_free(&p, live[i].h), WM_ERR_HANDLE);
            live[i] = live[--count];
            frees++;
            wm_pool_get_stats(&p, &after);
            if (check_rand() % 8 == 0 && after.largest_floats > 0) {
                int runs, longest;
                check_pages(&p, live, count, &runs, &longest);
                max_runs = runs > max_runs ? runs : max_runs;
                min_longest = longest < min_longest ? longest : min_longest;
                int ch = 1 + (int)(check_rand() % 2);
                sample big = {0, after.largest_floats / ch, ch, 0, 1};
                big.h = wm_pool_alloc(&p, big.frames, ch, 48000);
                CHECK(big.h > 0);
                if (big.h > 0) {
                    wm_pool_get_stats(&p, &before);
                    CHECK_EQ_INT(before.pages_free, 0);
                    CHECK_EQ_INT(wm_pool_alloc(&p, 1, 1, 48000), WM_ERR_FULL);
                    load(&p, &big, 0, big.frames);
                    big.loaded = big.frames;
                    CHECK_EQ_INT(wm_pool_complete(&p, big.h, big.frames), big.frames);
                    CHECK_EQ_INT(verify(&p, &big), 0);
                    CHECK_EQ_INT(wm_pool_free(&p, big.h), WM_OK);
                    demos++;
                    min_free_at_demo = after.pages_free < min_free_at_demo ? after.pages_free : min_free_at_demo;
                    max_free_at_demo = after.pages_free > max_free_at_demo ? after.pages_free : max_free_at_demo;
                }
            }
        }
        if (op % 100 == 99) {
            int runs, longest, wrong = 0;
            check_pages(&p, live, count, &runs, &longest);
            for (int i = 0; i < count; i++)
                wrong += verify(&p, &live[i]);
            CHECK_EQ_INT(wrong, 0);
        }
    }
    int wrong = 0;
    for (int i = 0; i < count; i++)
        wrong += verify(&p, &live[i]);
    CHECK_EQ_INT(wrong, 0);
    while (count > 0)
        CHECK_EQ_INT(wm_pool_free(&p, live[--count].h), WM_OK);
    wm_pool_stats st;
    wm_pool_get_stats(&p, &st);
    CHECK_EQ_INT(st.pages_used, 0);
    CHECK_EQ_INT(st.samples_live, 0);
    CHECK(canaries_intact());
    CHECK(demos >= 100 && nomem >= 100 && limit >= 1);
    printf("churn: %d pages of %d floats, %d slots; %d operations (%d allocations, %d frees, %d full-pool "
           "WM_ERR_FULL, %d WM_ERR_LIMIT); every 100: no page shared, used + free == total, all live data "
           "intact; canaries intact\n",
           PAGES, PF, SLOTS, OPS, allocs, frees, nomem, limit);
    printf("fragmentation: %d times one sample took all the free space (%d..%d pages) while it was scattered "
           "in up to %d separate runs, the longest run down to %d page(s): it always fit\n",
           demos, min_free_at_demo, max_free_at_demo, max_runs, min_longest);
}

static void test_full_and_arguments(void)
{
    wm_pool p;
    make(&p, 32, 64, 4);
    CHECK_EQ_INT(wm_pool_alloc(&p, -1, 1, 48000), WM_ERR_ARG);
    CHECK_EQ_INT(wm_pool_alloc(&p, 10, 0, 48000), WM_ERR_ARG);
    CHECK_EQ_INT(wm_pool_alloc(&p, 10, WM_MAX_CHANNELS + 1, 48000), WM_ERR_ARG);
    CHECK_EQ_INT(wm_pool_alloc(&p, 10, 1, 0), WM_ERR_ARG);
    CHECK_EQ_INT(wm_pool_alloc(&p, 0x7fffffff, 2, 48000), WM_ERR_FULL);
    CHECK_EQ_INT(wm_pool_alloc(&p, 32 * 32 + 1, 2, 48000), WM_ERR_FULL); /* one float too many */
    int empty = wm_pool_alloc(&p, 0, 2, 48000);
    CHECK(empty > 0);
    int all = wm_pool_alloc(&p, 32 * 32, 2, 48000); /* exactly the region */
    CHECK(all > 0);
    wm_pool_stats st;
    wm_pool_get_stats(&p, &st);
    CHECK_EQ_INT(st.pages_free, 0);
    CHECK_EQ_INT(st.largest_floats, 0);
    CHECK_EQ_INT(wm_pool_alloc(&p, 1, 1, 48000), WM_ERR_FULL);
    CHECK_EQ_INT(wm_pool_alloc(&p, 0, 1, 48000) > 0, 1); /* an empty sample needs no page */
    CHECK_EQ_INT(wm_pool_free(&p, all), WM_OK);
    CHECK(wm_pool_alloc(&p, 1, 1, 48000) > 0);
    CHECK(wm_pool_alloc(&p, 1, 1, 48000) > 0); /* the fourth slot */
    CHECK_EQ_INT(wm_pool_alloc(&p, 1, 1, 48000), WM_ERR_LIMIT);
    wm_pool_get_stats(&p, &st);
    CHECK_EQ_INT(st.largest_floats, 0); /* pages are free, but no slot */
    CHECK_EQ_INT(st.samples_live, 4);
    float x = 5.0f;
    CHECK_EQ_INT(wm_pool_spans(&p, empty, 0, 0, NULL, 0), 0);
    CHECK_EQ_INT(wm_pool_read(&p, empty, -3, 1, 1, &x), 0);
    CHECK(x == 0.0f);
    CHECK(canaries_intact());
}

static void test_handles(void)
{
    enum { SLOTS = 4, CYCLES = 10000 };
    wm_pool p;
    make(&p, 64, 64, SLOTS);
    int h = wm_pool_alloc(&p, 100, 2, 48000);
    int keep = wm_pool_alloc(&p, 100, 2, 48000);
    CHECK(h > 0 && keep > 0 && h != keep);
    CHECK_EQ_INT(wm_pool_free(&p, h), WM_OK);
    float dst[4] = {7, 7, 7, 7};
    wm_pool_span span;
    wm_pool_info info;
    const int bad[] = {h, 0, -1, (int)0x80000000u, 0x7fffffff, keep ^ (1 << 12), keep + 1, keep + 2,
                       (keep & ~0xfff) | SLOTS, (keep & ~0xfff) | 0xfff};
    for (int i = 0; i < (int)(sizeof bad / sizeof bad[0]); i++) {
        CHECK_EQ_INT(wm_pool_free(&p, bad[i]), WM_ERR_HANDLE);
        CHECK_EQ_INT(wm_pool_commit(&p, bad[i], 1), WM_ERR_HANDLE);
        CHECK_EQ_INT(wm_pool_complete(&p, bad[i], 1), WM_ERR_HANDLE);
        CHECK_EQ_INT(wm_pool_spans(&p, bad[i], 0, 1, &span, 1), WM_ERR_HANDLE);
        CHECK_EQ_INT(wm_pool_query(&p, bad[i], &info), WM_ERR_HANDLE);
        CHECK_EQ_INT(wm_pool_read(&p, bad[i], 0, 2, WM_POOL_INTERLEAVED, dst), WM_ERR_HANDLE);
    }
    CHECK(dst[0] == 7 && dst[3] == 7);
    CHECK_EQ_INT(wm_pool_query(&p, keep, &info), WM_OK);
    CHECK(info.frames == 100 && info.channels == 2 && info.sample_rate_hz == 48000 && info.loaded == 0 &&
          info.state == WM_POOL_LOADING);

    /* Slots are reused oldest first and every reuse has a new generation:
       no handle ever repeats, and the first one stays stale. */
    static int seen[CYCLES];
    for (int c = 0; c < CYCLES; c++) {
        seen[c] = wm_pool_alloc(&p, 1 + c % 300, 1, 48000);
        CHECK(seen[c] > 0);
        for (int k = 0; k < c && k < 8; k++)
            CHECK(seen[c] != seen[c - 1 - k]);
        CHECK_EQ_INT(wm_pool_query(&p, h, &info), WM_ERR_HANDLE);
        CHECK_EQ_INT(wm_pool_free(&p, seen[c]), WM_OK);
    }
    int distinct = 1;
    for (int c = 1; c < CYCLES; c++) /* per slot, generations only grow */
        for (int k = c - 1; k >= 0 && k >= c - SLOTS; k--)
            if ((seen[k] & 0xfff) == (seen[c] & 0xfff))
                distinct &= (seen[c] >> 12) > (seen[k] >> 12);
    CHECK(distinct);

    /* One slot through the whole generation range: handles stay > 0 and
       the generation wraps to 1, never 0. */
    make(&p, 4, 64, 1);
    int gen_max = (1 << 19) - 1, wraps = 0;
    for (int c = 0; c < gen_max + 5; c++) {
        int hh = wm_pool_alloc(&p, 10, 1, 48000);
        CHECK(hh > 0);
        CHECK_EQ_INT(hh >> 12, c % gen_max + 1);
        wraps += (hh >> 12) == 1 && c > 0;
        CHECK_EQ_INT(wm_pool_free(&p, hh), WM_OK);
    }
    CHECK_EQ_INT(wraps, 1);
    printf("handles: %d forged or stale handles refused by every call; %d reuses of %d slots gave distinct "
           "handles; the generation wraps after %d reuses of a slot\n",
           (int)(sizeof bad / sizeof bad[0]), CYCLES, SLOTS, gen_max);
}

/* Scatters the pool's free pages: fills it with small samples and frees
   every other one. */
static void scatter(wm_pool* p, int floats_each)
{
    static int h[WM_POOL_MAX_SLOTS];
    int n = 0, got;
    while ((got = wm_pool_alloc(p, floats_each, 1, 48000)) > 0)
        h[n++] = got;
    for (int i = 0; i < n; i += 2)
        CHECK_EQ_INT(wm_pool_free(p, h[i]), WM_OK);
}

/* Reads at every start from 40 frames before the sample to 40 past its
   end, of lengths around the page size, per channel and interleaved, must
   equal the reference: the pattern below the loaded count, zeros
   elsewhere, and the right count of loaded frames; dst is never overrun. */
static void check_reads(const wm_pool* p, const sample* s)
{
    static const int lengths[] = {0, 1, 2, 3, 7, 15, 16, 17, 31, 33, 64, 100};
    float buf[100 * WM_MAX_CHANNELS + 4];
    for (int f = -40; f <= s->frames + 40; f++)
        for (int li = 0; li < (int)(sizeof lengths / sizeof lengths[0]); li++)
            for (int c = WM_POOL_INTERLEAVED; c < s->channels; c++) {
                int n = lengths[li], width = c == WM_POOL_INTERLEAVED ? s->channels : 1;
                for (int i = 0; i < 4; i++)
                    buf[n * width + i] = -7.0f;
                int got = wm_pool_read(p, s->h, f, n, c, buf);
                int lo = f > 0 ? f : 0, hi = f + n < s->loaded ? f + n : s->loaded;
                CHECK_EQ_INT(got, hi > lo ? hi - lo : 0);
                for (int i = 0; i < n * width; i++) {
                    int frame = f + i / width, ch = c == WM_POOL_INTERLEAVED ? i % width : c;
                    if (buf[i] != expected(s, frame, ch))
                        CHECK_REPORT("%s:%d: frame %d channel %d of %d (read at %d, n %d, loaded %d): %g, "
                                     "expected %g\n",
                                     __FILE__, __LINE__, frame, ch, s->channels, f, n, s->loaded, buf[i],
                                     expected(s, frame, ch));
                }
                for (int i = 0; i < 4; i++)
                    CHECK(buf[n * width + i] == -7.0f);
            }
}

static void test_reads_and_partial_loads(void)
{
    wm_pool p;
    make(&p, 256, 16, 64);
    scatter(&p, 40); /* pages 3 by 3, every other triple free */
    for (int ch = 1; ch <= WM_MAX_CHANNELS; ch++) {
        sample s = {0, 301, ch, 0, 0};
        s.h = wm_pool_alloc(&p, s.frames, ch, 48000);
        CHECK(s.h > 0);
        CHECK(wm_pool_spans(&p, s.h, 0, s.frames, NULL, 0) > 1); /* really scattered */
        load(&p, &s, 0, s.frames);
        check_reads(&p, &s); /* nothing committed: all zeros */
        s.loaded = 137;
        CHECK_EQ_INT(wm_pool_commit(&p, s.h, s.loaded), s.loaded);
        check_reads(&p, &s);
        s.loaded = s.frames;
        CHECK_EQ_INT(wm_pool_complete(&p, s.h, s.frames), s.frames);
        check_reads(&p, &s);
        CHECK_EQ_INT(wm_pool_free(&p, s.h), WM_OK);
    }

    /* Streaming in random chunks into pages that still hold an older
       sample's data: nothing beyond the committed frames is ever heard. */
    make(&p, 64, 64, 4);
    sample old = {0, 64 * 32, 2, 0, 0};
    old.h = wm_pool_alloc(&p, old.frames, 2, 48000);
    load(&p, &old, 0, old.frames);
    CHECK_EQ_INT(wm_pool_free(&p, old.h), WM_OK);
    sample s = {0, 1500, 2, 0, 0};
    s.h = wm_pool_alloc(&p, s.frames, 2, 44100);
    int chunks = 0;
    while (s.loaded < s.frames) {
        int to = s.loaded + 1 + (int)(check_rand() % 200);
        to = to < s.frames ? to : s.frames;
        load(&p, &s, s.loaded, to);
        CHECK_EQ_INT(wm_pool_commit(&p, s.h, to), to);
        s.loaded = to;
        CHECK_EQ_INT(verify(&p, &s), 0);
        chunks++;
    }
    CHECK_EQ_INT(wm_pool_commit(&p, s.h, s.loaded - 1), WM_ERR_ARG); /* never backwards */
    CHECK_EQ_INT(wm_pool_commit(&p, s.h, s.frames + 1), WM_ERR_ARG);
    wm_pool_span sp[2];
    CHECK_EQ_INT(wm_pool_spans(&p, s.h, -1, 5, sp, 2), WM_ERR_ARG);
    CHECK_EQ_INT(wm_pool_spans(&p, s.h, 5, 4, sp, 2), WM_ERR_ARG);
    CHECK_EQ_INT(wm_pool_spans(&p, s.h, 0, s.frames + 1, sp, 2), WM_ERR_ARG);
    CHECK_EQ_INT(wm_pool_spans(&p, s.h, 0, 5, NULL, 2), WM_ERR_ARG);
    CHECK_EQ_INT(wm_pool_spans(&p, s.h, 0, s.frames, sp, 2), 1); /* a fresh region: one span */
    CHECK_EQ_INT(sp[0].frames, s.frames);
    float x;
    CHECK_EQ_INT(wm_pool_read(&p, s.h, 0, 1, 2, &x), WM_ERR_ARG);
    CHECK_EQ_INT(wm_pool_read(&p, s.h, 0, -1, 0, &x), WM_ERR_ARG);
    CHECK_EQ_INT(wm_pool_read(&p, s.h, 0x7fffffff - 1, 1, 0, &x), 0);
    CHECK(x == 0.0f);

    /* Completing with fewer frames gives the tail pages back. */
    wm_pool_stats st;
    CHECK_EQ_INT(wm_pool_complete(&p, s.h, 600), WM_ERR_ARG); /* below what is loaded */
    sample t = {0, 500, 2, 0, 0};
    t.h = wm_pool_alloc(&p, t.frames, 2, 44100);
    load(&p, &t, 0, 100);
    wm_pool_get_stats(&p, &st);
    int used = st.pages_used;
    t.frames = t.loaded = 100;
    CHECK_EQ_INT(wm_pool_complete(&p, t.h, 100), 100);
    wm_pool_get_stats(&p, &st);
    CHECK_EQ_INT(used - st.pages_used, (500 * 2 + 63) / 64 - (100 * 2 + 63) / 64);
    CHECK_EQ_INT(wm_pool_commit(&p, t.h, 100), WM_ERR_ARG); /* complete is final */
    CHECK_EQ_INT(wm_pool_spans(&p, t.h, 0, 101, sp, 2), WM_ERR_ARG);
    wm_pool_info info;
    CHECK_EQ_INT(wm_pool_query(&p, t.h, &info), WM_OK);
    CHECK(info.frames == 100 && info.loaded == 100 && info.state == WM_POOL_READY);
    CHECK_EQ_INT(verify(&p, &t), 0);
    CHECK_EQ_INT(verify(&p, &s), 0);
    CHECK(canaries_intact());
    printf("reads: every start from -40 to frames+40, 12 lengths, per channel and interleaved, mono and "
           "stereo over scattered pages of 16 floats, before, during and after loading: equal to the "
           "reference; a stream of %d chunks over stale pages reads zeros past each commit\n",
           chunks);
}

static int by_value(const void* a, const void* b)
{
    double x = *(const double*)a, y = *(const double*)b;
    return (x > y) - (x < y);
}

/* Read throughput at the recommended page size, from a scattered 10 s
   stereo sample, in 128-frame blocks as a voice plays; and the cost of a
   free with every page in use, the freed sample's table first. */
static void test_figures(void)
{
    enum { PAGES = 1024, BLOCK = 128, FRAMES = 480000 };
    wm_pool p;
    make(&p, PAGES, WM_POOL_PAGE_FLOATS, 512);
    scatter(&p, 3 * WM_POOL_PAGE_FLOATS);
    sample s = {0, FRAMES, 2, FRAMES, 1};
    s.h = wm_pool_alloc(&p, FRAMES, 2, 48000);
    CHECK(s.h > 0);
    load(&p, &s, 0, FRAMES);
    CHECK_EQ_INT(wm_pool_complete(&p, s.h, FRAMES), FRAMES);
    CHECK_EQ_INT(verify(&p, &s), 0);
    int spans = wm_pool_spans(&p, s.h, 0, FRAMES, NULL, 0);
    static float out[2][BLOCK], inter[2 * BLOCK];
    double best[2] = {0, 0};
    volatile float sink = 0;
    for (int mode = 0; mode < 2; mode++)
        for (int trial = 0; trial < 3; trial++) {
            double t0 = now_s();
            for (int rep = 0; rep < 20; rep++)
                for (int f = 0; f < FRAMES; f += BLOCK) {
                    if (mode == 0) {
                        wm_pool_read(&p, s.h, f, BLOCK, 0, out[0]);
                        wm_pool_read(&p, s.h, f, BLOCK, 1, out[1]);
                        sink += out[0][0] + out[1][BLOCK - 1];
                    } else {
                        wm_pool_read(&p, s.h, f, BLOCK, WM_POOL_INTERLEAVED, inter);
                        sink += inter[0];
                    }
                }
            double rate = 20.0 * FRAMES * 2 / (now_s() - t0) / 1e6;
            best[mode] = rate > best[mode] ? rate : best[mode];
        }
    printf("pool: %d pages of %d floats (%d KiB), %d MiB region; a 10 s stereo sample over scattered pages "
           "(%d spans)\n",
           PAGES, WM_POOL_PAGE_FLOATS, WM_POOL_PAGE_FLOATS * 4 / 1024, PAGES * WM_POOL_PAGE_FLOATS * 4 >> 20, spans);
    printf("read throughput (native, 128-frame blocks, samples = frames x channels): %.0f Msamples/s planar "
           "(one channel per call), %.0f Msamples/s interleaved\n",
           best[0], best[1]);

    enum { BIG_PAGES = 4096, SLOTS = 256, EACH = BIG_PAGES / SLOTS, REPS = 2000 };
    make(&p, BIG_PAGES, 16, SLOTS);
    static int fifo[SLOTS];
    for (int i = 0; i < SLOTS; i++)
        fifo[i] = wm_pool_alloc(&p, EACH * 16, 1, 48000);
    static double us[REPS];
    for (int r = 0; r < REPS; r++) {
        int i = r % SLOTS; /* the oldest sample: its table is first */
        double t0 = now_s();
        CHECK_EQ_INT(wm_pool_free(&p, fifo[i]), WM_OK);
        us[r] = 1e6 * (now_s() - t0);
        fifo[i] = wm_pool_alloc(&p, EACH * 16, 1, 48000);
        CHECK(fifo[i] > 0);
    }
    qsort(us, REPS, sizeof us[0], by_value);
    printf("free, worst case (its table first, %d pages in use, %d samples): median %.2f us, 99th percentile "
           "%.2f us, max %.2f us (preemption included)\n",
           BIG_PAGES, SLOTS, us[REPS / 2], us[REPS * 99 / 100], us[REPS - 1]);
    CHECK(canaries_intact());
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_init();
    test_full_and_arguments();
    test_handles();
    test_reads_and_partial_loads();
    test_churn();
    test_figures();
    return check_finish("test_pool", seed);
}
