/* wm_transport.c -- the timeline clock, its states and the loop wrap.
   Written for wamix. */
#include "wm_transport.h"

void wm_transport_init(wm_transport* t)
{
    memset(t, 0, sizeof *t);
    t->state = WM_TRANSPORT_STOPPED;
}

void wm_transport_play(wm_transport* t)
{
    if (t->state == WM_TRANSPORT_STOPPED)
        t->play_start = t->position;
    t->state = WM_TRANSPORT_PLAYING;
}

void wm_transport_pause(wm_transport* t)
{
    if (t->state == WM_TRANSPORT_PLAYING)
        t->state = WM_TRANSPORT_PAUSED;
}

void wm_transport_stop(wm_transport* t)
{
    t->state = WM_TRANSPORT_STOPPED;
    t->position = t->play_start;
}

int wm_transport_seek(wm_transport* t, int64_t frame)
{
    if (frame < 0)
        return WM_ERR_ARG;
    t->position = frame;
    if (t->state == WM_TRANSPORT_STOPPED)
        t->play_start = frame;
    return WM_OK;
}

int wm_transport_set_loop(wm_transport* t, int64_t start, int64_t end, int on)
{
    if (start < 0 || end - start < WM_TRANSPORT_MIN_LOOP)
        return WM_ERR_ARG;
    t->loop_start = start;
    t->loop_end = end;
    t->loop_on = on != 0;
    return WM_OK;
}

int wm_transport_span(const wm_transport* t, int max_frames, int64_t* start)
{
    *start = t->position;
    if (max_frames <= 0)
        return 0;
    if (t->loop_on && t->position < t->loop_end && t->loop_end - t->position < max_frames)
        return (int)(t->loop_end - t->position);
    return max_frames;
}

void wm_transport_advance(wm_transport* t, int frames)
{
    if (t->state != WM_TRANSPORT_PLAYING || frames <= 0)
        return;
    int64_t before = t->position;
    t->position += frames;
    if (t->loop_on && before < t->loop_end && t->position >= t->loop_end)
        t->position = t->loop_start + (t->position - t->loop_end);
}
