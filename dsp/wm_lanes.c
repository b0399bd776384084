/* wm_lanes.c -- automation lanes: wm_automation timelines bound on demand
   to a mixer's parameters, rendered a-rate into per-lane buffers the
   strips read (wm_strip_drive) or applied k-rate through the setters.
   Written for wamix.

   A free lane has strip FREE. Binding copies the parameter's value in
   force into the timeline as its default (the value before any event) and
   its range as the output clamp, and starts the timeline at the engine's
   current frame. A rejected first event frees the lane again. */
#include "wm_lanes.h"

#include <float.h>

#define FREE (-2)

struct wm_lane {
    wm_automation tl;
    float* values; /* a-rate: this chunk's values */
    float last;    /* a-rate: the value of the last frame rendered */
    int strip, param, arate;
};

static int chunk_frames(int max_block) { return max_block < WM_LANES_CHUNK ? max_block : WM_LANES_CHUNK; }

static wm_automation_config timeline_config(int events)
{
    wm_automation_config c = wm_automation_config_init(0.0f, 0.0f, 0.0f);
    c.capacity = events;
    return c;
}

size_t wm_lanes_memory_size(int lanes, int events, int max_block)
{
    if (lanes < 1 || lanes > WM_LANES_MAX || events < 2 || events > WM_LANES_MAX_EVENTS || max_block < 1)
        return 0;
    wm_automation_config c = timeline_config(events);
    size_t per_lane = wm_automation_memory_size(&c) + (size_t)chunk_frames(max_block) * sizeof(float) + 32;
    return (size_t)lanes * (sizeof(wm_lane) + per_lane) + 64;
}

int wm_lanes_init(wm_lanes* l, wm_arena* a, wm_mixer* m, int lanes, int events, int max_block)
{
    if (!l || !a || !m || !wm_lanes_memory_size(lanes, events, max_block))
        return WM_ERR_ARG;
    size_t mark = wm_arena_mark(a);
    wm_automation_config c = timeline_config(events);
    l->mixer = m;
    l->count = lanes;
    l->chunk = chunk_frames(max_block);
    l->bound = l->krate = 0;
    l->lanes = wm_arena_alloc(a, (size_t)lanes * sizeof(wm_lane), 64);
    int err = l->lanes ? WM_OK : WM_ERR_NOMEM;
    for (int i = 0; i < lanes && err == WM_OK; i++) {
        wm_lane* ln = &l->lanes[i];
        ln->strip = FREE;
        ln->param = -1;
        err = wm_automation_init(&ln->tl, a, &c);
        if (err == WM_OK && !(ln->values = wm_arena_alloc(a, (size_t)l->chunk * sizeof(float), 16)))
            err = WM_ERR_NOMEM;
    }
    if (err != WM_OK)
        wm_arena_rollback(a, mark);
    return err;
}

static const wm_param_info* info_of(int strip, int param)
{
    return strip == WM_LANES_MIXER ? wm_mixer_param_get_info(param) : wm_strip_param_get_info(param);
}

static float get(wm_lanes* l, int strip, int param)
{
    return strip == WM_LANES_MIXER ? wm_mixer_get_param(l->mixer, param)
                                   : wm_strip_get_param(wm_mixer_strip(l->mixer, strip), param);
}

static void set(wm_lanes* l, const wm_lane* ln, float v)
{
    if (ln->strip == WM_LANES_MIXER)
        wm_mixer_set_param(l->mixer, ln->param, v);
    else
        wm_strip_set_param(wm_mixer_strip(l->mixer, ln->strip), ln->param, v);
}

static wm_lane* find(wm_lanes* l, int strip, int param)
{
    for (wm_lane* ln = l->lanes; ln < l->lanes + l->count; ln++)
        if (ln->strip == strip && ln->param == param)
            return ln;
    return NULL;
}

/* A free lane set up for a parameter, not yet counted as bound. */
static void take(wm_lanes* l, wm_lane* ln, int strip, int param)
{
    const wm_param_info* info = info_of(strip, param);
    wm_automation* t = &ln->tl;
    t->cfg.default_value = ln->last = get(l, strip, param);
    t->cfg.min_value = info->min;
    t->cfg.max_value = info->max;
    wm_automation_reset(t);
    wm_automation_advance(t, wm_mixer_frames(l->mixer));
    ln->strip = strip;
    ln->param = param;
}

static void attach(wm_lanes* l, wm_lane* ln)
{
    ln->arate = ln->strip != WM_LANES_MIXER &&
                wm_strip_drive(wm_mixer_strip(l->mixer, ln->strip), ln->param, ln->values) == WM_OK;
    l->bound++;
    l->krate += !ln->arate;
}

/* Writes the final value through the setter and frees the lane. */
static void release(wm_lanes* l, wm_lane* ln, float v)
{
    set(l, ln, v);
    if (ln->arate)
        wm_strip_drive(wm_mixer_strip(l->mixer, ln->strip), ln->param, NULL);
    l->bound--;
    l->krate -= !ln->arate;
    ln->strip = FREE;
    ln->param = -1;
}

static int schedule(wm_automation* t, int kind, double time, float value, double tc)
{
    switch (kind) {
    case WM_LANES_SET_VALUE: return wm_automation_set_value_at(t, time, value);
    case WM_LANES_LINEAR: return wm_automation_linear_ramp_to(t, time, value);
    case WM_LANES_EXPONENTIAL: return wm_automation_exponential_ramp_to(t, time, value);
    case WM_LANES_TARGET: return wm_automation_set_target_at(t, time, value, tc);
    case WM_LANES_CANCEL: return wm_automation_cancel_scheduled_values(t, time);
    default: return wm_automation_cancel_and_hold_at(t, time);
    }
}

static int valid_time(double t) { return t >= 0.0 && t <= DBL_MAX; }

int wm_lanes_event(wm_lanes* l, int strip, int param, int kind, double time, float value, double time_constant)
{
    if (strip != WM_LANES_MIXER && !wm_mixer_strip(l->mixer, strip))
        return WM_ERR_ARG;
    if (!info_of(strip, param))
        return WM_ERR_PARAM;
    if (kind < 0 || kind >= WM_LANES_KINDS || !valid_time(time) || !wm_is_finite(value) || !valid_time(time_constant))
        return WM_ERR_ARG;
    wm_lane* ln = find(l, strip, param);
    if (!ln && kind >= WM_LANES_CANCEL)
        return WM_OK; /* nothing scheduled, nothing to cancel */
    int fresh = !ln;
    if (fresh) {
        if (!(ln = find(l, FREE, -1)))
            return WM_ERR_LIMIT;
        take(l, ln, strip, param);
    }
    int r = schedule(&ln->tl, kind, time, value, time_constant);
    if (fresh && r == WM_OK) {
        attach(l, ln);
    } else if (fresh) {
        ln->strip = FREE;
        ln->param = -1;
    }
    return r;
}

int wm_lanes_set_value(wm_lanes* l, int strip, int param, float value)
{
    wm_lane* ln = find(l, strip, param);
    if (!ln)
        return WM_LANES_UNBOUND;
    float v = value;
    int err = wm_param_check(info_of(strip, param), &v);
    if (err == WM_ERR_ARG)
        return err;
    int r = wm_automation_set_value(&ln->tl, v);
    return r == WM_OK ? err : r;
}

int wm_lanes_begin(wm_lanes* l, int max)
{
    if (!l->bound)
        return max;
    int64_t now = wm_mixer_frames(l->mixer);
    int grid = now % WM_LANES_KRATE == 0;
    int n = max < l->chunk ? max : l->chunk;
    for (wm_lane* ln = l->lanes; ln < l->lanes + l->count; ln++) {
        if (ln->strip == FREE)
            continue;
        /* a-rate: the value in force follows the chunk's first frame (the
           strip only stores it); released once the last frame rendered
           already holds the final value. k-rate: on the grid only. */
        float v = wm_automation_value_at(&ln->tl, now);
        if ((ln->arate ? v == ln->last : grid) && wm_automation_settled(&ln->tl, now))
            release(l, ln, v);
        else if (ln->arate || grid)
            set(l, ln, v);
    }
    if (l->krate) {
        int to_grid = WM_LANES_KRATE - (int)(now % WM_LANES_KRATE);
        n = n < to_grid ? n : to_grid;
    }
    for (wm_lane* ln = l->lanes; ln < l->lanes + l->count; ln++) {
        if (ln->strip == FREE)
            continue;
        if (!ln->arate) {
            wm_automation_advance(&ln->tl, now + n);
            continue;
        }
        wm_automation_process(&ln->tl, now, n, ln->values);
        if (n > 0)
            ln->last = ln->values[n - 1];
    }
    return l->bound ? n : max;
}
