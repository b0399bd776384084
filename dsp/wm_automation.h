/* wm_automation.h -- an AudioParam automation timeline: the event list of
   the Web Audio API's AudioParam (setValueAtTime, linearRampToValueAtTime,
   exponentialRampToValueAtTime, setTargetAtTime, setValueCurveAtTime,
   cancelScheduledValues, cancelAndHoldAtTime, the value attribute) and the
   values it gives at each sample frame, clamped to the nominal range.

   Times are in sample frames at the engine rate, as doubles: an
   AudioContext time of s seconds is the frame position s * sampleRate, not
   rounded (the spec applies its formulas to the exact event times), and
   the value at frame f is the spec's value at t = f / sampleRate. Time
   constants and curve durations are in frames too (seconds * sampleRate).
   The current time is the first frame not yet rendered (the spec's
   currentTime); events before it are clamped to it, as the spec does.

   Memory: a fixed list of events and a fixed number of curve slots, taken
   from the arena at init. Events whose successor lies in the past are
   dropped as time advances, so the list only has to hold the pending events
   plus the one in effect (two while a value curve plays). An insert that does not fit returns WM_ERR_LIMIT
   and changes nothing. Values are float; the timeline computes in double.

   Thread: one thread per instance. Inserts may run on the audio thread
   between blocks (the engine applies its command ring there). */
#ifndef WM_AUTOMATION_H
#define WM_AUTOMATION_H

#include <stdint.h>

#include "wm_arena.h"
#include "wm_common.h"

#define WM_AUTOMATION_MAX_CAPACITY (1 << 16)
#define WM_AUTOMATION_MAX_CURVE_SLOTS 1024
#define WM_AUTOMATION_MAX_CURVE_POINTS (1 << 20)

typedef struct {
    float default_value;
    float min_value, max_value; /* nominal range: every output is clamped to it */
    int capacity;               /* events held at once, >= 2 */
    int curve_slots;            /* value curves held at once, >= 0 */
    int curve_points;           /* the most points one curve may have */
} wm_automation_config;

typedef struct wm_automation_event wm_automation_event; /* private */

typedef struct {
    wm_automation_event* events; /* sorted by time, equal times in insertion order */
    float* curves;               /* curve_slots x curve_points */
    int count;                   /* events in the list */
    int64_t now;                 /* the current time: the first frame not rendered */
    wm_automation_config cfg;
} wm_automation;

/* wm_automation_config_init -- a configuration with the given range and
   default, room for 16 events and no curves (set curve_slots and
   curve_points to allow setValueCurveAtTime).
   Realtime: safe. Thread: any. */
wm_automation_config wm_automation_config_init(float default_value, float min_value, float max_value);

/* wm_automation_memory_size -- arena bytes wm_automation_init takes (with
   alignment); 0 for a configuration init would reject.
   Realtime: safe. Thread: any. */
size_t wm_automation_memory_size(const wm_automation_config* c);

/* wm_automation_init -- take the event list and the curve slots from the
   arena; the timeline starts empty at frame 0 with the default value.
   Parameters: c with finite values, min_value <= max_value, capacity in
   [2, WM_AUTOMATION_MAX_CAPACITY], curve_slots in [0,
   WM_AUTOMATION_MAX_CURVE_SLOTS], curve_points in [2,
   WM_AUTOMATION_MAX_CURVE_POINTS] when curve_slots > 0.
   Returns WM_OK, WM_ERR_ARG, or WM_ERR_NOMEM (the arena is left as it was).
   Realtime: no (arena allocation). Thread: any, before use. */
int wm_automation_init(wm_automation* a, wm_arena* arena, const wm_automation_config* c);

/* wm_automation_reset -- forget every event: the default value again, the
   current time back to frame 0 (wm_automation_advance moves it on).
   Realtime: safe. Thread: the audio thread. */
void wm_automation_reset(wm_automation* a);

/* The automation methods. Each takes the event time in frames (a ramp's end
   time), and follows the spec: a time before the current time is clamped
   to it; a ramp with no event before it starts from the current value at
   the current time; events at equal times stay in the order they were
   inserted. Returns WM_OK; WM_ERR_ARG where the spec throws: a negative or
   non-finite time, a non-finite value, an exponential ramp to 0, a negative
   time constant, a curve with fewer than 2 points or a duration <= 0, an
   event inside a curve's time span or a curve over other events (which
   includes a curve whose implicit setValue at its end would land inside
   another curve); WM_ERR_LIMIT when the list (or the curve slots, or
   curve_points) cannot hold it. On error nothing changes.
   wm_automation_set_value is the value attribute's setter:
   setValueAtTime(value, current time).
   Realtime: safe (bounded by the capacity: O(events) with a few exp/pow).
   Thread: the audio thread, between blocks. */
int wm_automation_set_value(wm_automation* a, float value);
int wm_automation_set_value_at(wm_automation* a, double frame, float value);
int wm_automation_linear_ramp_to(wm_automation* a, double end_frame, float value);
int wm_automation_exponential_ramp_to(wm_automation* a, double end_frame, float value);
int wm_automation_set_target_at(wm_automation* a, double frame, float target, double time_constant_frames);
/* values: count points, copied into a curve slot; the duration is in frames. */
int wm_automation_set_value_curve_at(wm_automation* a, double frame, double duration_frames,
                                     const float* values, int count);

/* wm_automation_cancel_scheduled_values -- remove the events at or after
   frame, and a curve whose span contains it. Returns WM_OK or WM_ERR_ARG
   (negative or non-finite frame).
   wm_automation_cancel_and_hold_at -- the spec's cancel-and-hold algorithm:
   the value the timeline has at frame is held from there on. Returns WM_OK,
   WM_ERR_ARG, or WM_ERR_LIMIT when holding a setTarget needs one more event
   than the list holds.
   Realtime: safe. Thread: the audio thread, between blocks. */
int wm_automation_cancel_scheduled_values(wm_automation* a, double frame);
int wm_automation_cancel_and_hold_at(wm_automation* a, double frame);

/* wm_automation_process -- a-rate: the values of frames [start, start + n)
   into out[0 .. n), then the current time becomes start + n (events no
   longer needed are dropped). Returns 1 when all n values are equal (the
   caller may use out[0] as a scalar), 0 when they may differ. start should
   not be before the current time: events before it may be gone.
   Realtime: safe; constant and linear stretches cost no exp; exponential
   ones (exponential ramps, setTarget) two or three exp/log per block plus
   one exp per 128 frames. Thread: the audio thread. */
int wm_automation_process(wm_automation* a, int64_t start, int n, float* out);

/* wm_automation_value_at -- the value at one frame (k-rate: the value at
   the first frame of the block), bit-identical to what process gives for
   that frame. Changes nothing; pair it with wm_automation_advance.
   Realtime: safe. Thread: the audio thread. */
float wm_automation_value_at(const wm_automation* a, int64_t frame);

/* wm_automation_advance -- move the current time to frame (never back) and
   drop the events no longer needed. process does this itself.
   Realtime: safe. Thread: the audio thread. */
void wm_automation_advance(wm_automation* a, int64_t frame);

/* wm_automation_settled -- 1 when nothing is pending from frame on: no
   event after it, and the value constant from there (a setTarget counts
   once it is as close to its target as process treats as arrived), so the
   timeline could give way to its final value. Changes nothing.
   Realtime: safe. Thread: the audio thread. */
int wm_automation_settled(const wm_automation* a, int64_t frame);

#endif
