/* session_config.h -- the session configs of the long-running tests and
   the session fuzzer: 48 kHz, 128-frame blocks, tracks alternately mono
   and stereo (track 0 mono). Thread: any. */
#ifndef WM_SESSION_CONFIG_H
#define WM_SESSION_CONFIG_H

#include <stdlib.h>
#include <string.h>

#include "wm_session.h"

static inline wm_session_config session_config(int tracks, int buses, int clips_per_track, int pool_pages,
                                               int pool_page_floats, int pool_slots, int command_ring_bytes,
                                               int reply_ring_bytes)
{
    wm_session_config c;
    memset(&c, 0, sizeof c);
    c.mixer.sample_rate = 48000.0f;
    c.mixer.max_block = 128;
    c.mixer.track_count = tracks;
    c.mixer.bus_count = buses;
    c.mixer.clips_per_track = clips_per_track;
    for (int t = 0; t < tracks; t++)
        c.mixer.track_channels[t] = (unsigned char)(1 + t % 2);
    c.pool_pages = pool_pages;
    c.pool_page_floats = pool_page_floats;
    c.pool_max_slots = pool_slots;
    c.command_ring_bytes = command_ring_bytes;
    c.reply_ring_bytes = reply_ring_bytes;
    return c;
}

/* A session created in a malloc'ed block of the memory it needs (*mem:
   free it after; span addresses count from it), or NULL. */
static inline wm_session* session_open(const wm_session_config* c, void** mem)
{
    size_t need = wm_session_memory_size(c);
    *mem = need ? malloc(need) : NULL;
    if (!*mem)
        return NULL;
    wm_arena a;
    wm_arena_init(&a, *mem, need);
    int err;
    return wm_session_create(&a, c, *mem, &err);
}

#endif
