/* wm_automation.c -- AudioParam automation timeline, written for wamix from
   the Web Audio API specification, "The AudioParam Interface": automation
   methods, equal-time ordering, cancelAndHoldAtTime's algorithm,
   "Computation of Value".

   Events sit in a fixed array sorted by time (a ramp's time is its end).
   Each caches what it takes from the event before it: a ramp its start
   (t0, v0), a setTarget its start value; inserts refresh these. The value
   at frame f comes from the last event at or before f: the ramp to the next
   event when that is a ramp (from t0 on), else the event's own curve. A
   block is rendered in pieces of one formula each: constant, linear (a
   multiply-add per frame, in double), exponential (exponential ramps and
   setTarget: exp at anchor frames, a multiplicative recurrence between, so
   1 exp per ANCHOR frames and under 1e-13 drift), or a value curve. The
   anchors are the formula's first frame and the multiples of ANCHOR after
   it, so values never depend on the block split. A setTarget within 2^-26
   of its target (1e-15 near 0) is constant there: no denormals. A curve's
   implicit setValue at its end is a real event, as in the spec. Events
   whose successor is past are dropped, except before a curve still playing
   (a cancel may remove the curve). */
#include "wm_automation.h"

#include <float.h>

enum { EV_SET, EV_LINEAR, EV_EXP, EV_TARGET, EV_CURVE };
enum { PIECE_CONST, PIECE_LINEAR, PIECE_EXP, PIECE_CURVE };

#define ANCHOR 128
#define FOREVER (INT64_C(1) << 62)

struct wm_automation_event {
    double time;     /* frames: the start, or a ramp's end */
    double value;    /* set value, ramp end value, setTarget target */
    double t0, v0;   /* ramp: start point; setTarget: v0 is its start value */
    double tau;      /* setTarget time constant */
    double duration; /* curve: the span its points are spread over */
    double hold;     /* curve: where it stops (its end, or a cancel-and-hold time) */
    int type;
    int slot, points; /* curve storage */
};

typedef struct {
    int kind;
    double base, scale, rate, origin; /* base + scale (f - origin), base + scale e^(rate (f - origin)) */
    int64_t first;                    /* PIECE_EXP: first frame of the formula */
    const wm_automation_event* curve;
} piece;

static int is_ramp(const wm_automation_event* e) { return e->type == EV_LINEAR || e->type == EV_EXP; }
static int valid_time(double t) { return t >= 0.0 && t <= DBL_MAX; }
static int64_t frame_ceil(double t) { return t < (double)FOREVER ? (int64_t)ceil(t) : FOREVER; }

static double curve_at(const wm_automation* a, const wm_automation_event* e, double t)
{
    const float* v = a->curves + (size_t)e->slot * (size_t)a->cfg.curve_points;
    double x = (t - e->time) * (e->points - 1) / e->duration;
    if (x >= e->points - 1)
        return v[e->points - 1];
    int k = (int)x;
    return v[k] + ((double)v[k + 1] - v[k]) * (x - k);
}

static double piece_value(const wm_automation* a, const piece* p, double t)
{
    if (p->kind == PIECE_LINEAR)
        return p->base + p->scale * (t - p->origin);
    if (p->kind == PIECE_EXP)
        return p->base + p->scale * wm_exp(p->rate * (t - p->origin));
    if (p->kind == PIECE_CURVE)
        return curve_at(a, p->curve, t < p->curve->hold ? t : p->curve->hold);
    return p->base;
}

/* The formula of an event's own curve: what it gives when no ramp follows. */
static void own_piece(const wm_automation_event* e, piece* p)
{
    *p = (piece){PIECE_CONST, e->value, 0.0, 0.0, 0.0, 0, NULL};
    if (e->type == EV_TARGET && e->tau > 0.0)
        *p = (piece){PIECE_EXP, e->value, e->v0 - e->value, -1.0 / e->tau, e->time, frame_ceil(e->time), NULL};
    else if (e->type == EV_CURVE)
        *p = (piece){PIECE_CURVE, 0.0, 0.0, 0.0, 0.0, 0, e};
}

/* A slope too steep for a double belongs to a ramp shorter than 1e-270
   frames: the only frame it can hold at is t0 itself, where it is v0. */
static void ramp_piece(const wm_automation_event* r, piece* p)
{
    double v0 = r->v0, v1 = r->value, span = r->time - r->t0, slope = (v1 - v0) / span;
    *p = (piece){PIECE_CONST, v0, 0.0, 0.0, 0.0, 0, NULL};
    if (v0 == v1 || !(fabs(slope) <= DBL_MAX))
        return;
    if (r->type == EV_LINEAR) {
        *p = (piece){PIECE_LINEAR, v0, slope, 0.0, r->t0, 0, NULL};
    } else if (v0 != 0.0 && (v0 > 0.0) == (v1 > 0.0)) { /* else flat, says the spec */
        double rate = wm_log(v1 / v0) / span;
        if (fabs(rate) <= DBL_MAX)
            *p = (piece){PIECE_EXP, 0.0, v0, rate, r->t0, frame_ceil(r->t0), NULL};
    }
}

static double own_value(const wm_automation* a, const wm_automation_event* e, double t)
{
    piece p;
    own_piece(e, &p);
    return piece_value(a, &p, t);
}

/* First event with time > t (after = 1) or >= t (after = 0). Linear: an
   insert moves the tail anyway. */
static int search(const wm_automation* a, double t, int after)
{
    int i = 0;
    while (i < a->count && (a->events[i].time < t || (after && a->events[i].time == t)))
        i++;
    return i;
}

static int inside_curve(const wm_automation* a, double t)
{
    for (const wm_automation_event* e = a->events; e < a->events + a->count; e++)
        if (e->type == EV_CURVE && e->time <= t && t < e->hold)
            return 1;
    return 0;
}

/* Recompute the cached starts of events [j, ...). An event's start depends
   on the event before it, and only a setTarget's own curve depends on its
   start, so the chain stops at the first later event that is not one. */
static void refresh(wm_automation* a, int j)
{
    for (int k = j; k < a->count; k++) {
        wm_automation_event* e = &a->events[k];
        const wm_automation_event* p = k > 0 ? e - 1 : NULL;
        if (e->type == EV_TARGET) {
            e->v0 = p ? own_value(a, p, e->time) : a->cfg.default_value;
        } else if (is_ramp(e)) {
            /* After a setTarget the ramp starts from the setTarget's value at
               its start, or at the current time once it has started. */
            e->t0 = !p ? e->time
                  : p->type == EV_TARGET ? fmax(p->time, (double)a->now)
                  : p->type == EV_CURVE ? p->hold : p->time;
            e->v0 = p ? own_value(a, p, e->t0) : a->cfg.default_value;
        }
        if (k > j && e->type != EV_TARGET)
            break;
    }
}

static int place(wm_automation* a, const wm_automation_event* e)
{
    int at = search(a, e->time, 1);
    wm_automation_event* prev = at > 0 ? &a->events[at - 1] : NULL;
    if (e->type == EV_SET && prev && prev->type == EV_SET && prev->time == e->time) {
        /* Indistinguishable from keeping both: nothing can come between. */
        prev->value = e->value;
        refresh(a, at - 1);
        return WM_OK;
    }
    if (a->count == a->cfg.capacity)
        return WM_ERR_LIMIT;
    memmove(a->events + at + 1, a->events + at, (size_t)(a->count - at) * sizeof *a->events);
    a->events[at] = *e;
    a->count++;
    refresh(a, at);
    return WM_OK;
}

/* The spec clamps event times before the current time to it. */
static double clamp_time(const wm_automation* a, double frame) { return fmax(frame, (double)a->now); }

wm_automation_config wm_automation_config_init(float default_value, float min_value, float max_value)
{
    wm_automation_config c = {default_value, min_value, max_value, 16, 0, 0};
    return c;
}

size_t wm_automation_memory_size(const wm_automation_config* c)
{
    if (!c || !wm_is_finite(c->default_value) || !wm_is_finite(c->min_value) || !wm_is_finite(c->max_value) ||
        c->min_value > c->max_value || c->capacity < 2 || c->capacity > WM_AUTOMATION_MAX_CAPACITY ||
        c->curve_slots < 0 || c->curve_slots > WM_AUTOMATION_MAX_CURVE_SLOTS ||
        (c->curve_slots && (c->curve_points < 2 || c->curve_points > WM_AUTOMATION_MAX_CURVE_POINTS)))
        return 0;
    return (size_t)c->capacity * sizeof(wm_automation_event) + (size_t)c->curve_slots * c->curve_points * 4 + 32;
}

int wm_automation_init(wm_automation* a, wm_arena* arena, const wm_automation_config* c)
{
    if (!a || !arena || !wm_automation_memory_size(c))
        return WM_ERR_ARG;
    size_t mark = wm_arena_mark(arena);
    a->events = wm_arena_alloc(arena, (size_t)c->capacity * sizeof(wm_automation_event), 16);
    a->curves = c->curve_slots ? wm_arena_alloc(arena, (size_t)c->curve_slots * c->curve_points * 4, 16) : NULL;
    if (!a->events || (c->curve_slots && !a->curves)) {
        wm_arena_rollback(arena, mark);
        return WM_ERR_NOMEM;
    }
    a->cfg = *c;
    wm_automation_reset(a);
    return WM_OK;
}

void wm_automation_reset(wm_automation* a)
{
    a->count = 0;
    a->now = 0;
}

int wm_automation_set_value_at(wm_automation* a, double frame, float value)
{
    if (!valid_time(frame) || !wm_is_finite(value))
        return WM_ERR_ARG;
    wm_automation_event e = {.type = EV_SET, .time = clamp_time(a, frame), .value = value};
    return inside_curve(a, e.time) ? WM_ERR_ARG : place(a, &e);
}

int wm_automation_set_value(wm_automation* a, float value)
{
    return wm_automation_set_value_at(a, (double)a->now, value);
}

static int ramp_to(wm_automation* a, int type, double frame, float value)
{
    if (!valid_time(frame) || !wm_is_finite(value) || (type == EV_EXP && value == 0.0f))
        return WM_ERR_ARG;
    wm_automation_event e = {.type = type, .time = clamp_time(a, frame), .value = value};
    if (inside_curve(a, e.time))
        return WM_ERR_ARG;
    if (search(a, e.time, 1) == 0) {
        /* No event before it: setValueAtTime(current value, current time)
           first. With no event at or before now that value is the default. */
        if (a->count + 2 > a->cfg.capacity)
            return WM_ERR_LIMIT;
        wm_automation_event s = {.type = EV_SET, .time = (double)a->now, .value = a->cfg.default_value};
        place(a, &s);
    }
    return place(a, &e);
}

int wm_automation_linear_ramp_to(wm_automation* a, double end_frame, float value)
{
    return ramp_to(a, EV_LINEAR, end_frame, value);
}

int wm_automation_exponential_ramp_to(wm_automation* a, double end_frame, float value)
{
    return ramp_to(a, EV_EXP, end_frame, value);
}

int wm_automation_set_target_at(wm_automation* a, double frame, float target, double time_constant_frames)
{
    if (!valid_time(frame) || !wm_is_finite(target) || !valid_time(time_constant_frames))
        return WM_ERR_ARG;
    /* 1/tau must be finite: a time constant below DBL_MIN acts as 0. */
    wm_automation_event e = {.type = EV_TARGET, .time = clamp_time(a, frame), .value = target,
                             .tau = time_constant_frames < DBL_MIN ? 0.0 : time_constant_frames};
    return inside_curve(a, e.time) ? WM_ERR_ARG : place(a, &e);
}

static int free_slot(const wm_automation* a)
{
    for (int s = 0; s < a->cfg.curve_slots; s++) {
        int used = 0;
        for (int i = 0; i < a->count && !used; i++)
            used = a->events[i].type == EV_CURVE && a->events[i].slot == s;
        if (!used)
            return s;
    }
    return -1;
}

int wm_automation_set_value_curve_at(wm_automation* a, double frame, double duration_frames,
                                     const float* values, int count)
{
    if (!valid_time(frame) || !(duration_frames > 0.0 && duration_frames <= DBL_MAX) || !values || count < 2)
        return WM_ERR_ARG;
    for (int i = 0; i < count; i++)
        if (!wm_is_finite(values[i]))
            return WM_ERR_ARG;
    double start = clamp_time(a, frame), end = start + duration_frames;
    if (!(end <= DBL_MAX) || inside_curve(a, start) || inside_curve(a, end))
        return WM_ERR_ARG;
    int after = search(a, start, 1);
    if (after < a->count && a->events[after].time < end)
        return WM_ERR_ARG; /* an event strictly inside (time, end) */
    int slot = free_slot(a);
    if (count > a->cfg.curve_points || slot < 0 || a->count + 2 > a->cfg.capacity)
        return WM_ERR_LIMIT;
    memcpy(a->curves + (size_t)slot * (size_t)a->cfg.curve_points, values, (size_t)count * sizeof(float));
    wm_automation_event c = {.type = EV_CURVE, .time = start, .duration = duration_frames, .hold = end,
                             .slot = slot, .points = count};
    wm_automation_event s = {.type = EV_SET, .time = end, .value = values[count - 1]};
    place(a, &c);
    return place(a, &s);
}

int wm_automation_cancel_scheduled_values(wm_automation* a, double frame)
{
    if (!valid_time(frame))
        return WM_ERR_ARG;
    double t = clamp_time(a, frame);
    int at = search(a, t, 0);
    if (at > 0 && a->events[at - 1].type == EV_CURVE && t <= a->events[at - 1].hold)
        at--;
    a->count = at;
    return WM_OK;
}

int wm_automation_cancel_and_hold_at(wm_automation* a, double frame)
{
    if (!valid_time(frame))
        return WM_ERR_ARG;
    double tc = clamp_time(a, frame);
    int i2 = search(a, tc, 1);
    wm_automation_event* e1 = i2 > 0 ? &a->events[i2 - 1] : NULL;
    wm_automation_event* e2 = i2 < a->count ? &a->events[i2] : NULL;
    /* A ramp that starts after tc (only behind a curve still playing there)
       has no value at tc: the curve is held instead. */
    if (e2 && is_ramp(e2) && tc >= e2->t0) {
        piece p;
        ramp_piece(e2, &p);
        e2->value = piece_value(a, &p, tc);
        e2->time = tc;
        a->count = i2 + 1;
        return WM_OK;
    }
    if (e1 && e1->type == EV_TARGET) {
        if (i2 == a->cfg.capacity)
            return WM_ERR_LIMIT;
        wm_automation_event s = {.type = EV_SET, .time = tc, .value = own_value(a, e1, tc)};
        a->count = i2;
        return place(a, &s);
    }
    if (e1 && e1->type == EV_CURVE && tc < e1->hold)
        e1->hold = tc;
    a->count = i2;
    return WM_OK;
}

/* The formula that holds at frame f (event i is the last at or before f),
   and the first frame after f at which it may stop holding. */
static int64_t piece_at(const wm_automation* a, int i, int64_t f, piece* p)
{
    const wm_automation_event* e = i >= 0 ? &a->events[i] : NULL;
    const wm_automation_event* next = i + 1 < a->count ? &a->events[i + 1] : NULL;
    int64_t stop = next ? frame_ceil(next->time) : FOREVER, still = FOREVER;
    if (next && is_ramp(next)) {
        int64_t s = frame_ceil(next->t0);
        if (f >= s) {
            ramp_piece(next, p);
            return stop;
        }
        stop = s;
    }
    if (!e) {
        *p = (piece){PIECE_CONST, a->cfg.default_value, 0.0, 0.0, 0.0, 0, NULL};
        return stop;
    }
    own_piece(e, p);
    if (p->kind == PIECE_CURVE) {
        still = frame_ceil(e->hold);
    } else if (p->kind == PIECE_EXP) {
        double dist = fabs(p->scale), near = fmax(ldexp(fabs(e->value), -26), 1e-15);
        still = dist > near ? frame_ceil(e->time + e->tau * wm_log(dist / near)) : 0;
    }
    if (f >= still) {
        p->base = p->kind == PIECE_CURVE ? piece_value(a, p, e->hold) : e->value;
        p->kind = PIECE_CONST;
        return stop;
    }
    return still < stop ? still : stop;
}

static float clamp_out(const wm_automation* a, double v)
{
    return (float)(v < a->cfg.min_value ? a->cfg.min_value : v > a->cfg.max_value ? a->cfg.max_value : v);
}

static void fill(const wm_automation* a, const piece* p, int64_t f, int n, float* out)
{
    if (p->kind == PIECE_CONST) {
        float v = clamp_out(a, p->base);
        for (int k = 0; k < n; k++)
            out[k] = v;
    } else if (p->kind != PIECE_EXP) {
        for (int k = 0; k < n; k++)
            out[k] = clamp_out(a, piece_value(a, p, (double)(f + k)));
    } else {
        /* From the anchor at or before f, exactly as a block starting there. */
        int64_t anchor = f - f % ANCHOR;
        if (anchor < p->first)
            anchor = p->first;
        double q = wm_exp(p->rate), e = wm_exp(p->rate * ((double)anchor - p->origin));
        for (int64_t g = anchor; g < f; g++)
            e *= q;
        for (int k = 0; k < n;) {
            int end = k + (int)(ANCHOR - (f + k) % ANCHOR);
            if (end > n)
                end = n;
            for (; k < end; k++) {
                out[k] = clamp_out(a, p->base + p->scale * e);
                e *= q;
            }
            if (k < n)
                e = wm_exp(p->rate * ((double)(f + k) - p->origin));
        }
    }
}

static int render(const wm_automation* a, int64_t start, int n, float* out)
{
    int i = -1, constant = 1;
    for (int64_t f = start; f < start + n;) {
        while (i + 1 < a->count && a->events[i + 1].time <= (double)f)
            i++;
        piece p;
        int64_t stop = piece_at(a, i, f, &p);
        if (stop > start + n)
            stop = start + n;
        fill(a, &p, f, (int)(stop - f), out + (f - start));
        constant &= p.kind == PIECE_CONST && out[f - start] == out[0];
        f = stop;
    }
    return constant;
}

int wm_automation_process(wm_automation* a, int64_t start, int n, float* out)
{
    int constant = render(a, start, n, out);
    wm_automation_advance(a, start + n);
    return constant;
}

float wm_automation_value_at(const wm_automation* a, int64_t frame)
{
    float v;
    render(a, frame, 1, &v);
    return v;
}

void wm_automation_advance(wm_automation* a, int64_t frame)
{
    if (frame > a->now)
        a->now = frame;
    int drop = 0;
    for (const wm_automation_event* e = a->events + 1; drop + 1 < a->count; e++, drop++)
        if (!(e->time < (double)a->now) || (e->type == EV_CURVE && e->hold >= (double)a->now))
            break;
    a->count -= drop;
    memmove(a->events, a->events + drop, (size_t)a->count * sizeof *a->events);
}

int wm_automation_settled(const wm_automation* a, int64_t frame)
{
    int i = search(a, (double)frame, 1) - 1; /* the last event at or before frame */
    piece p;
    return i + 1 == a->count && piece_at(a, i, frame, &p) == FOREVER;
}
