/* wm_lanes.h -- AudioParam automation of a mixer's parameters: a fixed set
   of lanes, each a wm_automation timeline, bound on demand to one strip
   parameter or one mixer parameter.

   A lane is bound by the first event for its parameter and released once
   its timeline has nothing pending (wm_automation_settled) and, for an
   a-rate parameter, the last frame rendered already holds the final value;
   the final value is then written through the parameter's own setter, so
   nothing glides or jumps at the release. A parameter without a lane costs
   nothing.

   Times are engine frames (wm_mixer_frames: frames rendered since the
   mixer's creation), as doubles, with the timeline's exact event times.

   A-rate (one value per frame, the Web Audio formulas at every frame): a
   strip's fader (dB, converted per frame), pan and send levels, through
   wm_strip_drive; their glides are bypassed while driven. Every other
   parameter is k-rate: set through its setter at the frames that are
   multiples of WM_LANES_KRATE, to the timeline's value there (a lane bound
   in between first sets its parameter at the next such frame, and is
   released only at one), where the module's own de-zippering (e.g. the
   EQ's coefficient glide) still applies. wm_lanes_begin cuts the mixer's block into chunks for this: at
   most WM_LANES_CHUNK frames while any lane is bound, and ending on the
   k-rate grid while a k-rate lane is bound. The mixer's output does not
   depend on how a block is split, so chunks change nothing else.

   Memory: every lane's events and a-rate buffer come from the arena at
   init. Thread: the audio thread. */
#ifndef WM_LANES_H
#define WM_LANES_H

#include "wm_automation.h"
#include "wm_mixer.h"

#define WM_LANES_MIXER (-1)  /* the strip index of a mixer parameter */
#define WM_LANES_KRATE 32    /* the k-rate grid, in engine frames */
#define WM_LANES_CHUNK 256   /* a-rate values rendered at once, at most */
#define WM_LANES_MAX 4096
#define WM_LANES_MAX_EVENTS 1024
#define WM_LANES_UNBOUND 1   /* wm_lanes_set_value: the parameter has no lane */

/* Event kinds (the AUTOMATE command's kind word). */
enum {
    WM_LANES_SET_VALUE = 0,       /* setValueAtTime(value, time) */
    WM_LANES_LINEAR = 1,          /* linearRampToValueAtTime(value, time) */
    WM_LANES_EXPONENTIAL = 2,     /* exponentialRampToValueAtTime(value, time) */
    WM_LANES_TARGET = 3,          /* setTargetAtTime(value, time, time_constant) */
    WM_LANES_CANCEL = 4,          /* cancelScheduledValues(time) */
    WM_LANES_CANCEL_AND_HOLD = 5, /* cancelAndHoldAtTime(time) */
    WM_LANES_KINDS = 6
};

typedef struct wm_lane wm_lane; /* private */

typedef struct {
    wm_lane* lanes;
    wm_mixer* mixer;
    int count, chunk;
    int bound, krate; /* lanes in use, and the k-rate ones among them */
} wm_lanes;

/* Arena bytes wm_lanes_init takes; 0 when lanes is outside
   1..WM_LANES_MAX, events outside 2..WM_LANES_MAX_EVENTS or max_block < 1.
   Realtime: safe. Thread: any. */
size_t wm_lanes_memory_size(int lanes, int events, int max_block);

/* wm_lanes_init -- `lanes` free lanes of `events` events each, for mixer
   m of largest block max_block (it sizes the a-rate buffers). Returns WM_OK, WM_ERR_ARG,
   or WM_ERR_NOMEM (the arena rolled back). Realtime: no. Thread: any,
   before use. */
int wm_lanes_init(wm_lanes* l, wm_arena* a, wm_mixer* m, int lanes, int events, int max_block);

/* wm_lanes_event -- one automation method (kind WM_LANES_*) for strip
   `strip` (the wm_mixer_strip numbering, or WM_LANES_MIXER) parameter
   `param`: time in engine frames (>= 0; before now it is now), value
   (finite; any value, the output is clamped to the parameter's range),
   time_constant in frames (>= 0, setTarget only; finite for every kind).
   A cancel on a parameter without a lane changes nothing. Returns WM_OK;
   WM_ERR_ARG (bad strip, kind, time, value, time constant, or what the
   timeline rejects: an exponential ramp to 0); WM_ERR_PARAM (bad param);
   WM_ERR_LIMIT (no free lane, or the lane's events are full). On error
   nothing changes. Realtime: safe (O(lanes + events)).
   Thread: the audio thread, between chunks. */
int wm_lanes_event(wm_lanes* l, int strip, int param, int kind, double time, float value, double time_constant);

/* wm_lanes_set_value -- the AudioParam value setter for a parameter with a
   lane: setValueAtTime(value, now), value checked (and clamped or rounded)
   as by the parameter's setter. Returns WM_LANES_UNBOUND when the
   parameter has no lane (set it through its setter instead), else the
   setter's WM_OK / WM_ERR_RANGE (applied), WM_ERR_ARG or WM_ERR_LIMIT (not
   applied). strip and param must be valid. Realtime: safe.
   Thread: the audio thread, between chunks. */
int wm_lanes_set_value(wm_lanes* l, int strip, int param, float value);

/* wm_lanes_begin -- before the mixer renders the next chunk: releases the
   settled lanes, chooses the chunk (<= max frames; max itself when no lane
   is bound), renders the a-rate values of its frames, sets the k-rate
   parameters, and moves every lane's time past it. Returns the chunk's
   frames: render exactly that many with wm_mixer_process_part next.
   Realtime: safe (no allocation; per bound lane the timeline's cost).
   Thread: the audio thread. */
int wm_lanes_begin(wm_lanes* l, int max);

#endif
