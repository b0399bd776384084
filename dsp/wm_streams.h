/* wm_streams.h -- audio streamed into tracks, and the master recorded out,
   through frames rings (wm_ring) that the page's Workers hold the other end
   of. Part of a session (wm_session.h), which drives it by commands.

   STREAMS. A session has stream_count streams (0 .. WM_STREAMS_MAX), each
   a stereo frames ring of ring_frames frames (interleaved L, R float32),
   owned and consumed by the audio thread; a Worker is its producer. A
   stream plays when it is bound to a track: each block, before the mixer
   renders, it is pulled for the block's n frames, which become the
   track's external input (wm_mixer_track_input: a stereo track takes L
   and R, a mono track (L + R) / 2, so a mono source written into both
   channels arrives unchanged). A bound track's external input is the
   stream's: do not fill it from the host as well. One stream per track.
   Modes:
     0 transport -- pulled only in blocks where the transport plays (a long
                    file: stop or pause, and the stream waits where it is);
     1 live      -- pulled every block (a live feed).
   Underrun: when the ring holds fewer than n frames, the frames it has
   play first and the rest of the block is silence; the block counts one
   underrun and its missing frames as silent frames (and the ring's own
   underruns word counts the short pop). Nothing is skipped afterwards:
   the stream resumes in sequence with the next frame the producer
   pushes, so it now plays that many frames later than before. For a file
   stream that must stay on the timeline, the page treats an underrun as
   a reposition (unbind, refill from the right frame, bind).
   Unbinding stops the pulls and empties the ring (wm_ring_reset: read and
   write index and its counters back to 0, its status cleared). The
   producer must have stopped pushing before (the page stops its Worker,
   sends the unbind, and waits for it to be applied); frames pushed while
   unbound wait in the ring for the next binding (prefill before binding).
   A ring whose header was corrupted moves nothing (silence, counted as
   underruns) until the unbind resets it.

   RECORDING. With record_frames > 0 there is one record ring: stereo
   frames ring of record_frames frames, owned and produced by the audio
   thread; a Worker pops it. While recording is on, each block's master
   output (after the limiter: what is heard) is pushed as one piece after
   the mixer renders. When the ring has less room than the block, the
   whole block is dropped and counted (one overrun, its frames as dropped
   frames): the audio thread never waits, and what the Worker receives is
   always made of whole, consecutive blocks.

   Realtime: pull, capture, bind, unbind, record and stats are wait-free
   (bounded copies, no locks, no allocation); memory_size and init are
   not. Thread: the audio thread for everything but memory_size; a Worker
   at the other end of each ring (js/stream.js). */
#ifndef WM_STREAMS_H
#define WM_STREAMS_H

#include "wm_mixer.h"
#include "wm_ring.h"

#define WM_STREAMS_MAX 64
#define WM_STREAMS_CHANNELS 2
#define WM_STREAMS_DEFAULT_RING_FRAMES 65536

enum { WM_STREAM_MODE_TRANSPORT = 0, WM_STREAM_MODE_LIVE = 1 };

typedef struct {
    wm_ring ring; /* this side: consumer and owner */
    int track;    /* -1 while unbound */
    int mode;
} wm_stream;

typedef struct {
    wm_stream* streams;
    int count;
    int max_block;
    float* buf;     /* (WM_STREAMS_CHANNELS + 1) * max_block floats: interleaved, then one channel */
    wm_ring record; /* this side: producer and owner; detached without recording */
    int has_record;
    int recording;
    uint32_t underruns;      /* stream pulls short of the block, all streams */
    uint32_t silent_frames;  /* the frames of silence put in their place */
    uint32_t record_overruns; /* blocks dropped for lack of room */
    uint32_t record_dropped;  /* their frames */
    uint64_t recorded;        /* frames pushed into the record ring */
} wm_streams;

/* wm_streams_memory_size -- arena bytes wm_streams_init takes (alignment
   included), or 0 when there is nothing to place (no streams, no
   recording). *ok is set to 1 for a valid configuration and 0 otherwise:
   count 0..WM_STREAMS_MAX; ring_frames 0 (WM_STREAMS_DEFAULT_RING_FRAMES)
   or a power of two from max_block to WM_RING_MAX_CAPACITY (ignored
   without streams); record_frames 0 (no recording) or a power of two from
   max_block to WM_RING_MAX_CAPACITY. Realtime: safe. Thread: any. */
size_t wm_streams_memory_size(int count, int ring_frames, int record_frames, int max_block, int* ok);

/* wm_streams_init -- places the rings and the scratch block in the arena,
   all streams unbound, recording off. Returns WM_OK, WM_ERR_ARG (bad
   configuration) or WM_ERR_NOMEM (arena too small; what was taken stays
   taken: the caller rolls back). Realtime: no. Thread: any, before use. */
int wm_streams_init(wm_streams* s, wm_arena* a, int count, int ring_frames, int record_frames, int max_block);

/* Commands, their words as read from shared memory (every one validated).
   bind: stream < count, track < the mixer's tracks and bound to no other
   stream, mode 0 or 1; rebinding a bound stream moves it. unbind: a
   stream < count (bound or not): unbound and its ring emptied. record:
   on 0 or 1, and a record ring to record into. Return WM_OK or
   WM_ERR_ARG, which changes nothing. Realtime: safe. Thread: audio. */
int wm_streams_bind(wm_streams* s, wm_mixer* m, uint32_t stream, uint32_t track, uint32_t mode);
int wm_streams_unbind(wm_streams* s, uint32_t stream);
int wm_streams_record(wm_streams* s, uint32_t on);

/* wm_streams_pull -- before wm_mixer_process(m, n): fills the external
   input of every bound track from its stream (above). wm_streams_capture
   -- after it: pushes the block's master output into the record ring
   while recording. n: 0..max_block (other values do nothing).
   Realtime: safe. Thread: audio. */
void wm_streams_pull(wm_streams* s, wm_mixer* m, int n);
void wm_streams_capture(wm_streams* s, const wm_mixer* m, int n);

/* The start of stream i's ring header, of the record ring's; NULL out of
   range or without recording. Realtime: safe. Thread: any. */
void* wm_streams_ring(wm_streams* s, int i);
void* wm_streams_record_ring(wm_streams* s);

/* The WM_RING_BAD_* bits of every ring, or-ed, and the number of bound
   streams. Realtime: safe. Thread: audio. */
uint32_t wm_streams_ring_status(const wm_streams* s);
int wm_streams_bound(const wm_streams* s);

#endif
