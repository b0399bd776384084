/* session_page.h -- the page's side of a session, for the long-running
   tests (test_hostile.c, test_soak.c): a session in its own heap block, the
   page's ends of the command and reply rings, commands as the page sends
   them, and a sample loaded the way the page loads one (POOL_ALLOC, write
   through the spans of its reply, POOL_COMMIT, POOL_COMPLETE).
   Thread: the test's (it plays both the page and the audio thread). */
#ifndef WM_SESSION_PAGE_H
#define WM_SESSION_PAGE_H

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "session_config.h"

typedef struct {
    unsigned char* mem;
    size_t bytes;
    wm_session* s;
    wm_ring cmd, reply; /* the page's ends */
    long pushed;        /* records accepted by the command ring */
} page;

static inline uint32_t page_bits(float x)
{
    uint32_t u;
    memcpy(&u, &x, 4);
    return u;
}

/* The session at the start of its own block (spans are offsets from it). */
static inline void page_open(page* p, const wm_session_config* c)
{
    p->bytes = wm_session_memory_size(c);
    CHECK(p->bytes > 0);
    p->mem = malloc(p->bytes);
    wm_arena a;
    wm_arena_init(&a, p->mem, p->bytes);
    int err = 1;
    p->s = wm_session_create(&a, c, p->mem, &err);
    CHECK(p->s != NULL && err == WM_OK);
    CHECK_EQ_INT(wm_ring_attach(&p->cmd, wm_session_command_ring(p->s), 1u << 20), WM_OK);
    CHECK_EQ_INT(wm_ring_attach(&p->reply, wm_session_reply_ring(p->s), 1u << 20), WM_OK);
    p->pushed = 0;
}

static inline void page_close(page* p) { free(p->mem); }

/* Pushes one record; 1 when the ring took it. */
static inline int page_push(page* p, const uint32_t* w, int words)
{
    int r = wm_ring_push_record(&p->cmd, w, 4 * words);
    p->pushed += r == 1;
    return r == 1;
}

static inline int page_strip_param(page* p, int strip, int id, float v)
{
    uint32_t w[4] = {WM_SESSION_OP_SET_STRIP_PARAM, (uint32_t)strip, (uint32_t)id, page_bits(v)};
    return page_push(p, w, 4);
}

static inline int page_mixer_param(page* p, int id, float v)
{
    uint32_t w[3] = {WM_SESSION_OP_SET_MIXER_PARAM, (uint32_t)id, page_bits(v)};
    return page_push(p, w, 3);
}

static inline int page_transport(page* p, int action)
{
    uint32_t w[2] = {WM_SESSION_OP_TRANSPORT, (uint32_t)action};
    return page_push(p, w, 2);
}

static inline int page_loop(page* p, int64_t start, int64_t end, int on)
{
    uint32_t w[6] = {WM_SESSION_OP_LOOP, (uint32_t)start, (uint32_t)((uint64_t)start >> 32),
                     (uint32_t)end, (uint32_t)((uint64_t)end >> 32), (uint32_t)on};
    return page_push(p, w, 6);
}

/* Pops one reply into w (max_words); returns its words, 0 when none. */
static inline int page_reply(page* p, uint32_t* w, int max_words)
{
    int b = wm_ring_pop_record(&p->reply, w, 4 * max_words);
    CHECK(b >= 0 && b % 4 == 0);
    return b > 0 ? b / 4 : 0;
}

/* Loads a sample as the page does; fill(ch-interleaved floats, first
   frame, frames, ctx) writes each span. Renders 0-frame blocks to apply
   the commands. Returns the handle (> 0) or the error of the reply. */
typedef void (*page_fill_fn)(float* interleaved, int first_frame, int frames, int channels, void* ctx);
static inline int page_load_sample(page* p, int frames, int channels, int rate, page_fill_fn fill, void* ctx)
{
    uint32_t w[11] = {WM_SESSION_OP_POOL_ALLOC, 0x5a5a, (uint32_t)frames, (uint32_t)channels, (uint32_t)rate};
    CHECK(page_push(p, w, 5));
    wm_session_process(p->s, 0);
    static uint32_t r[4096];
    int words = page_reply(p, r, 4096);
    CHECK(words >= 3 && r[0] == 0x5a5a);
    int handle = (int32_t)r[1];
    if (handle <= 0)
        return handle;
    for (uint32_t i = 0; i < r[2]; i++) {
        size_t off = r[3 + 3 * i];
        CHECK(off < p->bytes);
        fill((float*)(p->mem + off), (int)r[4 + 3 * i], (int)r[5 + 3 * i], channels, ctx);
    }
    uint32_t commit[3] = {WM_SESSION_OP_POOL_COMMIT, (uint32_t)handle, (uint32_t)frames};
    uint32_t complete[3] = {WM_SESSION_OP_POOL_COMPLETE, (uint32_t)handle, (uint32_t)frames};
    CHECK(page_push(p, commit, 3) && page_push(p, complete, 3));
    wm_session_process(p->s, 0);
    return handle;
}

/* CLIP_ADD; renders a 0-frame block and returns the reply (clip id or error). */
static inline int page_clip_add(page* p, int track, int handle, int64_t start, int offset, int length, float gain_db)
{
    uint32_t w[11] = {WM_SESSION_OP_CLIP_ADD, 0xc11b, (uint32_t)track, (uint32_t)handle, (uint32_t)start,
                      (uint32_t)((uint64_t)start >> 32), (uint32_t)offset, (uint32_t)length, page_bits(gain_db), 0, 0};
    CHECK(page_push(p, w, 11));
    wm_session_process(p->s, 0);
    uint32_t r[2];
    CHECK_EQ_INT(page_reply(p, r, 2), 2);
    return (int32_t)r[1];
}

static inline uint32_t page_status(const page* p, int word) { return wm_session_status(p->s)[word]; }

static inline int64_t page_position(const page* p)
{
    return (int64_t)(((uint64_t)page_status(p, WM_SESSION_ST_POSITION_HI) << 32) |
                     page_status(p, WM_SESSION_ST_POSITION_LO));
}

#endif
