/* wm_pool.c -- sample pool in fixed-size pages; written for wamix.

   The page tables of all samples and the free list are one array, `table`,
   a permutation of the page indices 0..pages_total-1:

       [0, pages_used)            the live samples' page tables, each one a
                                  contiguous run table[start, start + pages)
       [pages_used, pages_total)  the free pages

   Allocation takes the next `pages` entries of the free part, so the new
   sample's page table is already in place: O(1). Releasing the last k
   pages of a sample (all of them on free, the unused tail on complete)
   rotates its run of k entries past every later table, to the head of the
   free part, with three in-place reversals, then moves the later tables'
   starts down by k: O(pages_used + max_slots), no scratch memory. The
   pages themselves never move (only the entries naming them do), so the
   addresses handed to a loader stay valid while it writes. Since every
   page appears exactly once, used + free == total holds by construction,
   and any free page serves any sample: no external fragmentation.

   A fresh pool hands out pages in address order, and physically adjacent
   pages merge into one span, so the loader's window is usually a handful
   of spans even when tables are long. */
#include "wm_pool.h"

#define SLOT_BITS 12 /* WM_POOL_MAX_SLOTS == 1 << SLOT_BITS */
#define GEN_MAX ((1 << (31 - SLOT_BITS)) - 1)

enum { SLOT_FREE = 0 };

struct wm_pool_slot {
    int32_t frames, loaded;
    int32_t start, pages; /* the page table: table[start, start + pages) */
    int32_t sample_rate_hz;
    int32_t gen;
    uint8_t channels, state;
};

static int valid_config(int pages, int page_floats, int max_slots)
{
    return pages >= 1 && page_floats >= WM_POOL_MIN_PAGE_FLOATS && page_floats <= WM_POOL_MAX_PAGE_FLOATS &&
           (page_floats & (page_floats - 1)) == 0 && (int64_t)pages * page_floats <= WM_POOL_MAX_FLOATS &&
           max_slots >= 1 && max_slots <= WM_POOL_MAX_SLOTS;
}

size_t wm_pool_memory_size(int pages, int page_floats, int max_slots)
{
    if (!valid_config(pages, page_floats, max_slots))
        return 0;
    return (size_t)pages * (size_t)page_floats * sizeof(float) + 64 + (size_t)pages * sizeof(int32_t) + 16 +
           (size_t)max_slots * (sizeof(struct wm_pool_slot) + sizeof(uint16_t)) + 32;
}

int wm_pool_init(wm_pool* p, wm_arena* a, int pages, int page_floats, int max_slots)
{
    if (!p || !a || !valid_config(pages, page_floats, max_slots))
        return WM_ERR_ARG;
    size_t mark = wm_arena_mark(a);
    float* region = wm_arena_alloc(a, (size_t)pages * (size_t)page_floats * sizeof(float), 64);
    int32_t* table = wm_arena_alloc(a, (size_t)pages * sizeof(int32_t), 16);
    struct wm_pool_slot* slots = wm_arena_alloc(a, (size_t)max_slots * sizeof(struct wm_pool_slot), 16);
    uint16_t* free_slots = wm_arena_alloc(a, (size_t)max_slots * sizeof(uint16_t), 16);
    if (!region || !table || !slots || !free_slots) {
        wm_arena_rollback(a, mark);
        return WM_ERR_NOMEM;
    }
    for (int i = 0; i < pages; i++)
        table[i] = i;
    for (int i = 0; i < max_slots; i++) {
        slots[i].gen = 1;
        free_slots[i] = (uint16_t)i;
    }
    int shift = 0;
    while ((1 << shift) < page_floats)
        shift++;
    *p = (wm_pool){.region = region, .table = table, .slots = slots, .free_slots = free_slots,
                   .pages_total = pages, .page_floats = page_floats, .page_shift = shift,
                   .max_slots = max_slots, .free_count = max_slots};
    return WM_OK;
}

/* The slot a handle names, or NULL when it is forged or stale. */
static struct wm_pool_slot* live(const wm_pool* p, int handle)
{
    if (handle <= 0)
        return NULL;
    int index = handle & (WM_POOL_MAX_SLOTS - 1);
    if (index >= p->max_slots)
        return NULL;
    struct wm_pool_slot* s = &p->slots[index];
    return s->state != SLOT_FREE && s->gen == handle >> SLOT_BITS ? s : NULL;
}

static int pages_for(const wm_pool* p, int64_t floats)
{
    return (int)((floats + p->page_floats - 1) >> p->page_shift);
}

int wm_pool_alloc(wm_pool* p, int frames, int channels, int sample_rate_hz)
{
    if (frames < 0 || channels < 1 || channels > WM_MAX_CHANNELS || sample_rate_hz < 1)
        return WM_ERR_ARG;
    int64_t floats = (int64_t)frames * channels;
    if (floats > (int64_t)(p->pages_total - p->pages_used) * p->page_floats)
        return WM_ERR_FULL;
    if (p->free_count == 0)
        return WM_ERR_LIMIT;
    int index = p->free_slots[p->free_head];
    p->free_head = (p->free_head + 1) % p->max_slots;
    p->free_count--;
    struct wm_pool_slot* s = &p->slots[index];
    s->frames = frames;
    s->loaded = 0;
    s->start = p->pages_used;
    s->pages = pages_for(p, floats);
    s->sample_rate_hz = sample_rate_hz;
    s->channels = (uint8_t)channels;
    s->state = WM_POOL_LOADING;
    p->pages_used += s->pages;
    return s->gen << SLOT_BITS | index;
}

/* Where frame f of s is stored, and how many frames from there on are
   contiguous (adjacent pages merged), not counting frames at or past end
   (f < end <= frames). */
static float* run_at(const wm_pool* p, const struct wm_pool_slot* s, int f, int end, int* frames)
{
    const int32_t* tab = p->table + s->start;
    int ch = s->channels, at = f * ch, stop = end * ch;
    int page = at >> p->page_shift, offset = at & (p->page_floats - 1);
    int floats = p->page_floats - offset;
    for (int k = page; at + floats < stop && tab[k + 1] == tab[k] + 1; k++)
        floats += p->page_floats;
    if (floats > stop - at)
        floats = stop - at;
    *frames = floats / ch;
    return p->region + (size_t)tab[page] * (size_t)p->page_floats + offset;
}

int wm_pool_spans(const wm_pool* p, int handle, int first, int end, wm_pool_span* spans, int max_spans)
{
    const struct wm_pool_slot* s = live(p, handle);
    if (!s)
        return WM_ERR_HANDLE;
    if (first < 0 || end < first || end > s->frames || max_spans < 0 || (max_spans > 0 && !spans))
        return WM_ERR_ARG;
    int count = 0;
    for (int f = first; f < end && (max_spans == 0 || count < max_spans); count++) {
        int frames;
        float* data = run_at(p, s, f, end, &frames);
        if (max_spans > 0)
            spans[count] = (wm_pool_span){.data = data, .frame = f, .frames = frames};
        f += frames;
    }
    return count;
}

int wm_pool_commit(wm_pool* p, int handle, int frames_loaded)
{
    struct wm_pool_slot* s = live(p, handle);
    if (!s)
        return WM_ERR_HANDLE;
    if (s->state != WM_POOL_LOADING || frames_loaded < s->loaded || frames_loaded > s->frames)
        return WM_ERR_ARG;
    s->loaded = frames_loaded;
    return frames_loaded;
}

static void reverse(int32_t* x, int n)
{
    for (int i = 0, j = n - 1; i < j; i++, j--) {
        int32_t t = x[i];
        x[i] = x[j];
        x[j] = t;
    }
}

/* Keeps the first `keep` pages of s and hands the rest to the free list. */
static void release_tail(wm_pool* p, struct wm_pool_slot* s, int keep)
{
    int cut = s->start + keep, k = s->pages - keep, after = p->pages_used - cut - k;
    if (k == 0)
        return;
    reverse(p->table + cut, k);
    reverse(p->table + cut + k, after);
    reverse(p->table + cut, k + after);
    for (int i = 0; i < p->max_slots; i++) {
        struct wm_pool_slot* t = &p->slots[i];
        if (t->state != SLOT_FREE && t->start > s->start)
            t->start -= k;
    }
    s->pages = keep;
    p->pages_used -= k;
}

int wm_pool_complete(wm_pool* p, int handle, int frames_total)
{
    int err = wm_pool_commit(p, handle, frames_total);
    if (err < 0)
        return err;
    struct wm_pool_slot* s = live(p, handle);
    s->frames = frames_total;
    release_tail(p, s, pages_for(p, (int64_t)frames_total * s->channels));
    s->state = WM_POOL_READY;
    return frames_total;
}

int wm_pool_free(wm_pool* p, int handle)
{
    struct wm_pool_slot* s = live(p, handle);
    if (!s)
        return WM_ERR_HANDLE;
    release_tail(p, s, 0);
    s->state = SLOT_FREE;
    s->gen = s->gen == GEN_MAX ? 1 : s->gen + 1;
    int index = (int)(s - p->slots);
    p->free_slots[(p->free_head + p->free_count) % p->max_slots] = (uint16_t)index;
    p->free_count++;
    return WM_OK;
}

int wm_pool_query(const wm_pool* p, int handle, wm_pool_info* info)
{
    const struct wm_pool_slot* s = live(p, handle);
    if (!s)
        return WM_ERR_HANDLE;
    *info = (wm_pool_info){.frames = s->frames, .channels = s->channels, .sample_rate_hz = s->sample_rate_hz,
                           .loaded = s->loaded, .state = (wm_pool_state)s->state};
    return WM_OK;
}

int wm_pool_read(const wm_pool* p, int handle, int frame, int n, int channel, float* dst)
{
    const struct wm_pool_slot* s = live(p, handle);
    if (!s)
        return WM_ERR_HANDLE;
    int ch = s->channels;
    if (n < 0 || (n > 0 && !dst) || channel < WM_POOL_INTERLEAVED || channel >= ch)
        return WM_ERR_ARG;
    if (n == 0)
        return 0;
    int width = channel == WM_POOL_INTERLEAVED ? ch : 1; /* floats per frame in dst */
    int64_t f0 = frame, f1 = (int64_t)frame + n;
    int64_t lo = f0 > 0 ? f0 : 0, hi = f1 < s->loaded ? f1 : s->loaded;
    if (hi < lo)
        lo = hi = f1; /* nothing loaded in range: all zeros */
    memset(dst, 0, (size_t)(lo - f0) * (size_t)width * sizeof(float));
    float* out = dst + (lo - f0) * width;
    for (int f = (int)lo; f < hi;) {
        int frames;
        const float* src = run_at(p, s, f, (int)hi, &frames);
        if (width == ch) {
            memcpy(out, src, (size_t)frames * (size_t)ch * sizeof(float));
        } else {
            for (int i = 0; i < frames; i++)
                out[i] = src[i * ch + channel];
        }
        out += frames * width;
        f += frames;
    }
    memset(out, 0, (size_t)(f1 - hi) * (size_t)width * sizeof(float));
    return (int)(hi - lo);
}

void wm_pool_get_stats(const wm_pool* p, wm_pool_stats* s)
{
    int free_pages = p->pages_total - p->pages_used;
    *s = (wm_pool_stats){.pages_total = p->pages_total, .pages_used = p->pages_used, .pages_free = free_pages,
                         .page_floats = p->page_floats, .samples_live = p->max_slots - p->free_count,
                         .slots_total = p->max_slots,
                         .largest_floats = p->free_count > 0 ? free_pages * p->page_floats : 0};
}
