/* wm_smooth.h -- a linear ramp toward a target, for parameters that must
   not step (gain, mix, pan). A new target restarts the ramp from wherever
   the value is, so the output is continuous whatever the control does.
   Header-only: the per-sample step is small enough to inline.
   Realtime: safe. Thread: one thread per instance. */
#ifndef WM_SMOOTH_H
#define WM_SMOOTH_H

typedef struct {
    float value;
    float target;
    float step;
    int remaining;   /* samples left in the current ramp */
    int ramp_frames; /* length of every ramp */
} wm_smooth;

static inline void wm_smooth_init(wm_smooth* s, float value, int ramp_frames)
{
    s->value = s->target = value;
    s->step = 0.0f;
    s->remaining = 0;
    s->ramp_frames = ramp_frames > 0 ? ramp_frames : 1;
}

static inline void wm_smooth_set(wm_smooth* s, float target)
{
    if (target == s->target)
        return;
    s->target = target;
    s->remaining = s->ramp_frames;
    s->step = (target - s->value) / (float)s->ramp_frames;
}

/* Jumps to the target at once. */
static inline void wm_smooth_snap(wm_smooth* s)
{
    s->value = s->target;
    s->remaining = 0;
}

static inline float wm_smooth_next(wm_smooth* s)
{
    /* Measured back from the target rather than accumulated, so rounding
       never builds up along the ramp and the last step lands exactly. */
    if (s->remaining > 0)
        s->value = s->target - s->step * (float)(--s->remaining);
    return s->value;
}

#endif
