/* wm_session.h -- one mixer, its sample pool and the command protocol the
   page drives it with: a command ring the page writes, a reply ring the
   page reads, a status block and a level region the page reads.

   Everything is placed in one arena at creation (wm_session_memory_size);
   nothing is allocated afterwards.

   COMMANDS. A command is one record of the command ring (wm_ring, kind
   records): an array of little-endian 32-bit words, word 0 the opcode.
   Floats travel as their IEEE-754 bits, frames (int64) as two words lo, hi,
   handles and ids as int32; a frame must be in [0, 2^53) (else WM_ERR_ARG).
   A record must be exactly the length its opcode
   says (in words; a length that is not a multiple of 4 bytes, an unknown
   opcode or a wrong length is rejected with WM_ERR_ARG).

     op  name             words
      1  SET_STRIP_PARAM  [1, strip, param_id, value]
                          strip: tracks 0..T-1, buses T..T+B-1, master T+B
      2  SET_MIXER_PARAM  [2, param_id, value]
      3  TRANSPORT        [3, action]       0 play, 1 pause, 2 stop
      4  SEEK             [4, frame_lo, frame_hi]
      5  LOOP             [5, start_lo, start_hi, end_lo, end_hi, on(0|1)]
      6  CLIP_ADD         [6, request_id, track, sample_handle, start_lo,
                           start_hi, offset, length, gain_db, fade_in, fade_out]
                          reply [request_id, clip_id or negative WM_ERR_*]
      7  CLIP_REMOVE      [7, track, clip_id]
      8  POOL_ALLOC       [8, request_id, frames, channels, rate_hz]
                          reply [request_id, handle or negative WM_ERR_*,
                                 span_count, then per span: byte_offset,
                                 first_frame, frames]
                          (span_count 0 on error; byte_offset: see below)
      9  POOL_COMMIT      [9, handle, frames_loaded]
     10  POOL_COMPLETE    [10, handle, frames_total]
     11  POOL_FREE        [11, handle]
     12  AUTOMATE         [12, target, param_id, kind, time_lo, time_hi, value,
                           tc_lo, tc_hi]
                          target: a strip (the SET_STRIP_PARAM numbering) or
                          0xFFFFFFFF for a mixer parameter; kind 0
                          setValueAtTime, 1 linearRampToValueAtTime, 2
                          exponentialRampToValueAtTime, 3 setTargetAtTime, 4
                          cancelScheduledValues, 5 cancelAndHoldAtTime; time
                          and tc (setTarget's time constant) are IEEE-754
                          float64 in engine frames (wm_mixer_frames, frames
                          rendered since creation, not the transport), the
                          two words of each lo first; value float32 (ignored
                          by the cancels). time and tc must be finite and
                          >= 0, value finite (WM_ERR_ARG); a time before now
                          is now. Rejected with WM_ERR_LIMIT when no lane is
                          free or the lane's events are full.

   AUTOMATION. A session holds automation_lanes lanes (dsp/wm_lanes.h),
   each an AudioParam timeline of automation_events events: AUTOMATE binds
   a free lane to its parameter on the parameter's first event, and the
   lane is released once nothing is pending (the final value written
   through the parameter's setter). The fader, pan and send levels follow
   their curves per frame (a-rate); every other parameter is set on a
   32-frame grid (k-rate). While a lane holds a parameter, SET_STRIP_PARAM
   or SET_MIXER_PARAM of it is the AudioParam value setter:
   setValueAtTime(value, now), the events after now staying in place; a
   parameter without a lane is set (and glides) as before. A cancel of a
   parameter without a lane is applied and changes nothing.

     14  STREAM_BIND      [14, stream, track, mode]
                          mode 0: pulled while the transport plays (a
                          file), 1: pulled every block (a live feed)
     15  STREAM_UNBIND    [15, stream]   stops it and empties its ring
     16  RECORD           [16, on(0|1)]  the master into the record ring
     17  REVERB_LOAD      [17, request_id, bus, sample_handle, fade_ms]
                          replace the bus reverb's IR with a pool sample
                          (wm_busverb.h: copied and prepared in bounded
                          steps); reply [request_id, WM_OK or negative
                          WM_ERR_*] once the new IR plays (or the load
                          failed); WM_ERR_ARG at once without reverbs
     18  REVERB_PARAM     [18, bus, param_id, value]  (WM_BUSVERB_PARAMS)

   STREAMS AND RECORDING (wm_streams.h has the rules: underruns play
   silence and the stream resumes in sequence; a block that does not fit
   the record ring is dropped whole and counted, never waited for). The
   config's stream_count stereo frames rings of stream_ring_frames frames
   (wm_session_stream_ring) are written by the page's Workers; the record
   ring of record_ring_frames frames (wm_session_record_ring; 0: none, and
   RECORD is rejected) is read by one. A stream bound to a track is its
   external input. STREAM_BIND is rejected for a stream or track out of
   range, a mode other than 0 or 1, or a track bound to another stream.

   Every word is validated before use (indices against the counts, handles
   by the pool's generations, clip ids by the clip list, values by the
   modules' setters). A rejected command changes nothing, is counted, and
   sets last_error and last_rejected_opcode in the status block; the next
   record is read as usual. A parameter value that had to be clamped
   (WM_ERR_RANGE) is applied and counted as applied and as clamped. A
   CLIP_ADD or POOL_ALLOC that fails is rejected and still replied to, with
   the error. CLIP_ADD also needs a live sample handle and
   offset + length <= the sample's frames.

   Span addresses. byte_offset is (address of the span's first float) -
   address_base, where address_base is given to wm_session_create: NULL in
   WASM, where the word is then the address in linear memory; natively the
   start of a block that holds the arena (a span that does not fit 32 bits
   makes the POOL_ALLOC fail with WM_ERR_RANGE). A POOL_ALLOC whose span list
   does not fit the reply ring's largest record (3 + 3 * spans words) is
   freed again and answered WM_ERR_LIMIT: size the reply ring to at least
   4 * (4 + 3 * pool_pages) bytes to rule that out.

   REPLIES are records of the reply ring, pushed by wm_session_process; when
   the reply ring is full the reply is dropped and counted (never waits).

   BOUND. wm_session_process applies at most max_commands_per_block records
   per call (rejected ones included); the rest wait for the next block.

   STATUS. WM_SESSION_STATUS_WORDS uint32 words (offsets WM_SESSION_ST_*),
   rewritten after every block. Word 0 is a sequence number, odd while the
   block is being rewritten: a reader on another thread reads it, the
   words, and it again, and retries when it was odd or changed.

   LEVELS. wm_session_update_levels writes, for strip i (the numbering of
   SET_STRIP_PARAM), floats [5i, 5i + 5) = peak L, peak R, RMS L, RMS R in dB
   (WM_SILENCE_DB for silence) and the compressor's gain reduction in dB
   (>= 0) into a region in the arena
   (wm_session_levels), then master extras (WM_SESSION_LV_*). It is not
   done per block (a few log10f per strip): the audio thread calls it when
   the page wants levels.

   Thread: the audio thread for everything but memory_size; the page is
   the producer of the command ring and the consumer of the reply ring. */
#ifndef WM_SESSION_H
#define WM_SESSION_H

#include "wm_busverb.h"
#include "wm_mixer.h"
#include "wm_pool.h"
#include "wm_ring.h"
#include "wm_streams.h"

enum {
    WM_SESSION_OP_SET_STRIP_PARAM = 1,
    WM_SESSION_OP_SET_MIXER_PARAM = 2,
    WM_SESSION_OP_TRANSPORT = 3,
    WM_SESSION_OP_SEEK = 4,
    WM_SESSION_OP_LOOP = 5,
    WM_SESSION_OP_CLIP_ADD = 6,
    WM_SESSION_OP_CLIP_REMOVE = 7,
    WM_SESSION_OP_POOL_ALLOC = 8,
    WM_SESSION_OP_POOL_COMMIT = 9,
    WM_SESSION_OP_POOL_COMPLETE = 10,
    WM_SESSION_OP_POOL_FREE = 11,
    WM_SESSION_OP_AUTOMATE = 12,
    WM_SESSION_OP_STREAM_BIND = 14,
    WM_SESSION_OP_STREAM_UNBIND = 15,
    WM_SESSION_OP_RECORD = 16,
    WM_SESSION_OP_REVERB_LOAD = 17,
    WM_SESSION_OP_REVERB_PARAM = 18,
    WM_SESSION_OP_COUNT = 19
};

/* Status block word offsets. */
enum {
    WM_SESSION_ST_SEQ = 0,          /* odd while being rewritten */
    WM_SESSION_ST_POSITION_LO = 1,  /* transport position, int64 */
    WM_SESSION_ST_POSITION_HI = 2,
    WM_SESSION_ST_STATE = 3,        /* 0 stopped, 1 playing, 2 paused */
    WM_SESSION_ST_APPLIED = 4,      /* commands applied since creation */
    WM_SESSION_ST_REJECTED = 5,     /* commands rejected since creation */
    WM_SESSION_ST_LAST_ERROR = 6,   /* int32: WM_ERR_* of the last rejection */
    WM_SESSION_ST_LAST_REJECTED_OP = 7, /* word 0 of the last rejected record (0 if shorter) */
    WM_SESSION_ST_REPLIES_DROPPED = 8,
    WM_SESSION_ST_CLAMPED = 9,      /* applied with a clamped value */
    WM_SESSION_ST_BLOCKS = 10,      /* wm_session_process calls */
    WM_SESSION_ST_LATENCY = 11,     /* output latency in frames */
    WM_SESSION_ST_RING_STATUS = 12, /* command ring WM_RING_BAD_* bits */
    WM_SESSION_ST_PENDING_WORDS = 13, /* command words left for the next block */
    WM_SESSION_ST_LOOP_ON = 14,
    WM_SESSION_ST_LANES = 15,       /* automation lanes in use */
    WM_SESSION_ST_STREAM_UNDERRUNS = 16,     /* stream pulls short of a block, all streams */
    WM_SESSION_ST_STREAM_SILENT_FRAMES = 17, /* frames of silence they played instead */
    WM_SESSION_ST_RECORD_OVERRUNS = 18,      /* blocks not recorded: the record ring was full */
    WM_SESSION_ST_RECORD_DROPPED_FRAMES = 19, /* their frames */
    WM_SESSION_ST_RECORDED_LO = 20,          /* frames pushed into the record ring, int64 */
    WM_SESSION_ST_RECORDED_HI = 21,
    WM_SESSION_ST_RECORDING = 22,            /* 1 while RECORD is on */
    WM_SESSION_ST_STREAM_RING_STATUS = 23,   /* WM_RING_BAD_* of the stream and record rings, or-ed */
    WM_SESSION_STATUS_WORDS = 24
};

/* Level region: WM_SESSION_LV_STRIP floats per strip, then these (index
   from WM_SESSION_LV_STRIP * strips). */
#define WM_SESSION_LV_STRIP 5 /* peak L, peak R, RMS L, RMS R, compressor gain reduction */
enum {
    WM_SESSION_LV_MASTER_MOMENTARY = 0,
    WM_SESSION_LV_MASTER_SHORT_TERM,
    WM_SESSION_LV_MASTER_INTEGRATED,
    WM_SESSION_LV_LIMITER_GR,
    WM_SESSION_LV_TRUE_PEAK_L, /* dBTP, maximum since creation */
    WM_SESSION_LV_TRUE_PEAK_R,
    WM_SESSION_LV_EXTRA_COUNT
};

#define WM_SESSION_DEFAULT_COMMANDS_PER_BLOCK 256
#define WM_SESSION_MAX_COMMANDS_PER_BLOCK 65536
#define WM_SESSION_DEFAULT_LANES 64
#define WM_SESSION_DEFAULT_LANE_EVENTS 64

typedef struct {
    wm_mixer_config mixer;   /* its pool field is ignored: the session's pool is used */
    int pool_pages;          /* >= 1 */
    int pool_page_floats;    /* 0: WM_POOL_PAGE_FLOATS */
    int pool_max_slots;      /* 0: 256 */
    int command_ring_bytes;  /* data bytes, a power of two, 64 .. 2^26 */
    int reply_ring_bytes;    /* the same */
    int max_commands_per_block; /* 0: WM_SESSION_DEFAULT_COMMANDS_PER_BLOCK */
    int stream_count;        /* 0 .. WM_STREAMS_MAX */
    int stream_ring_frames;  /* 0: WM_STREAMS_DEFAULT_RING_FRAMES; else a power of two >= max_block */
    int record_ring_frames;  /* 0: no recording; else a power of two >= max_block */
    int automation_lanes;    /* 1 .. WM_LANES_MAX; 0: WM_SESSION_DEFAULT_LANES */
    int automation_events;   /* per lane, 2 .. WM_LANES_MAX_EVENTS; 0: WM_SESSION_DEFAULT_LANE_EVENTS */
    int reverb_ir_frames;    /* 0: no reverbs; else a wm_busverb on every bus for IRs up to this long */
} wm_session_config;

typedef struct wm_session wm_session;

/* Arena bytes wm_session_create needs (an upper bound, alignment included);
   0 for a bad config. Realtime: safe. Thread: any. */
size_t wm_session_memory_size(const wm_session_config* cfg);

/* wm_session_create -- places pool, mixer, rings, status and level region
   in the arena. address_base: see "Span addresses" above. Returns the
   session, or NULL with *err WM_ERR_ARG (bad config) or WM_ERR_NOMEM (the
   arena rolled back). Realtime: no (zeroes the pool). Thread: any, before use. */
wm_session* wm_session_create(wm_arena* a, const wm_session_config* cfg, const void* address_base,
                              int* err);

/* wm_session_process -- apply up to max_commands_per_block pending
   commands, pull the bound streams, render n frames (wm_mixer_process;
   in chunks while automation lanes are bound, see wm_lanes_begin: the
   same samples), push the master into the record ring while recording,
   rewrite the status block. Returns the number of records taken from the
   command ring, or WM_ERR_ARG (n outside 0..max_block: nothing done).
   Realtime: safe (no allocation, no locks; pool frees are O(pages); an
   AUTOMATE is O(lanes + events)). Thread: the audio thread. */
int wm_session_process(wm_session* s, int n);

/* The shared blocks, for the page: the command ring and the reply ring
   (the start of each ring's header), the status block
   (WM_SESSION_STATUS_WORDS words). Realtime: safe. Thread: any. */
void* wm_session_command_ring(wm_session* s);
void* wm_session_reply_ring(wm_session* s);
const uint32_t* wm_session_status(const wm_session* s);

/* wm_session_update_levels -- refresh the level region (layout above) and
   return it; wm_session_level_count gives its floats (WM_SESSION_LV_STRIP * strips +
   WM_SESSION_LV_EXTRA_COUNT). Realtime: safe (O(strips) log10f).
   Thread: the audio thread. */
const float* wm_session_update_levels(wm_session* s);
int wm_session_level_count(const wm_session* s);

/* wm_session_eq_coefs -- the EQ of strip `strip` (SET_STRIP_PARAM
   numbering) as the engine runs it now, mid-glide too: for each biquad
   section in the signal path of its left channel, b0 b1 b2 a1 a2 (a0 = 1)
   into out (5 * WM_EQ_SECTIONS floats at most; a section that only a
   track sharing its EQ pass uses comes as the identity). Returns the section count
   (0: the EQ passes its input through), or WM_ERR_ARG for a bad strip.
   For drawing the response on request, never per block.
   Realtime: safe. Thread: the audio thread. */
int wm_session_eq_coefs(wm_session* s, int strip, float* out);

/* The parts, for the audio thread and for tests. */
wm_mixer* wm_session_mixer(wm_session* s);
wm_pool* wm_session_pool(wm_session* s);
int wm_session_strip_count(const wm_session* s); /* T + B + 1 */
wm_busverb* wm_session_reverb(wm_session* s, int bus); /* NULL without reverbs */

/* The start of stream i's ring header and of the record ring's (the page's
   Workers attach to them); NULL out of range or without recording.
   Realtime: safe. Thread: any. */
void* wm_session_stream_ring(wm_session* s, int i);
void* wm_session_record_ring(wm_session* s);

#endif
