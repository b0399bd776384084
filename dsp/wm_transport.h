/* wm_transport.h -- the timeline clock: a position in frames (int64), the
   states stopped, playing and paused, seek, and a loop region [start, end)
   that wraps playback sample-accurately.

   A render of n frames asks for the contiguous timeline spans that make up
   the block: wm_transport_span gives the next span (at most up to the loop
   end while the playhead is before it), wm_transport_advance moves past it
   and wraps to the loop start when it reaches the loop end, so a block that
   crosses the loop end continues from the loop start within the same block.
   The loop wraps only a playhead that reaches its end from inside or before
   it: one placed beyond the end plays on. Loops are at least
   WM_TRANSPORT_MIN_LOOP frames, which bounds the spans per block.

   Positions: play() starts (or resumes) from the position; pause() halts
   and keeps it; stop() halts and returns to where playback last started
   from the stopped state (or to the last seek made while stopped). A seek
   while playing takes effect at the next block. Commands are applied
   between blocks (sample-accurate commands come with the command ring).
   Realtime: every function is safe. Thread: the audio thread. */
#ifndef WM_TRANSPORT_H
#define WM_TRANSPORT_H

#include "wm_common.h"

#define WM_TRANSPORT_MIN_LOOP 16

typedef enum { WM_TRANSPORT_STOPPED = 0, WM_TRANSPORT_PLAYING, WM_TRANSPORT_PAUSED } wm_transport_state;

typedef struct {
    int64_t position;   /* the timeline frame of the next frame rendered */
    int64_t play_start; /* where stop() returns to */
    int64_t loop_start, loop_end;
    int loop_on;
    wm_transport_state state;
} wm_transport;

/* Stopped at frame 0, no loop (region [0, 0), off). */
void wm_transport_init(wm_transport* t);

void wm_transport_play(wm_transport* t);
void wm_transport_pause(wm_transport* t);
void wm_transport_stop(wm_transport* t);

/* Moves the playhead to frame >= 0 (WM_ERR_ARG otherwise, nothing changed). */
int wm_transport_seek(wm_transport* t, int64_t frame);

/* Sets the loop region and switches it on or off. Needs 0 <= start and
   end - start >= WM_TRANSPORT_MIN_LOOP; WM_ERR_ARG otherwise (unchanged). */
int wm_transport_set_loop(wm_transport* t, int64_t start, int64_t end, int on);

/* The next contiguous span of the timeline from the playhead, at most
   max_frames long: returns its length (0 when max_frames <= 0) and its
   first timeline frame in *start. Does not move the playhead. */
int wm_transport_span(const wm_transport* t, int max_frames, int64_t* start);

/* Moves the playhead by frames (a span's length, so it never jumps over the
   loop end), wrapping to the loop start at the loop end. Does nothing
   unless playing. */
void wm_transport_advance(wm_transport* t, int frames);

#endif
