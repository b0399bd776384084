/* wm_clips.c -- clip lists and their rendering: intersect each clip with
   the span, read the sample from the pool a channel at a time into scratch,
   add it with the clip's gain and fades. Written for wamix. */
#include "wm_clips.h"

size_t wm_clips_memory_size(int capacity)
{
    if (capacity < 1 || capacity > WM_CLIPS_MAX_CAPACITY)
        return 0;
    return (size_t)capacity * (sizeof(wm_clip) + sizeof(float) + 1) + 3 * 64;
}

int wm_clips_init(wm_clips* l, wm_arena* a, int capacity)
{
    if (!l || !a || !wm_clips_memory_size(capacity))
        return WM_ERR_ARG;
    size_t mark = wm_arena_mark(a);
    memset(l, 0, sizeof *l);
    l->clips = wm_arena_alloc(a, (size_t)capacity * sizeof(wm_clip), 64);
    l->gain = wm_arena_alloc(a, (size_t)capacity * sizeof(float), 64);
    l->used = wm_arena_alloc(a, (size_t)capacity, 64);
    if (!l->clips || !l->gain || !l->used) {
        wm_arena_rollback(a, mark);
        return WM_ERR_NOMEM;
    }
    l->capacity = capacity;
    return WM_OK;
}

int wm_clips_add(wm_clips* l, const wm_clip* c)
{
    if (!c || c->start < 0 || c->offset < 0 || c->length < 1 || c->fade_in < 0 || c->fade_out < 0 ||
        c->fade_in > c->length || c->fade_out > c->length || c->gain_db != c->gain_db)
        return WM_ERR_ARG;
    if (l->count == l->capacity)
        return WM_ERR_LIMIT;
    int id = 0;
    while (l->used[id])
        id++;
    l->clips[id] = *c;
    float db = wm_clampf(c->gain_db, -96.0f, 24.0f);
    l->gain[id] = db <= -96.0f ? 0.0f : wm_db_to_lin(db);
    l->used[id] = 1;
    l->count++;
    return id;
}

int wm_clips_remove(wm_clips* l, int id)
{
    if (id < 0 || id >= l->capacity || !l->used[id])
        return WM_ERR_HANDLE;
    l->used[id] = 0;
    l->count--;
    return WM_OK;
}

void wm_clips_clear(wm_clips* l)
{
    memset(l->used, 0, (size_t)l->capacity);
    l->count = 0;
}

/* dst[i] += src[i] * gain * fades, for clip frames k0 .. k0 + n - 1. */
static void add_faded(const wm_clip* c, float gain, int32_t k0, const float* src, float* dst, int n)
{
    int fading = k0 < c->fade_in || k0 + n > c->length - c->fade_out;
    if (!fading) {
        for (int i = 0; i < n; i++)
            dst[i] += src[i] * gain;
        return;
    }
    float in_step = c->fade_in > 0 ? 1.0f / (float)c->fade_in : 0.0f;
    float out_step = c->fade_out > 0 ? 1.0f / (float)c->fade_out : 0.0f;
    for (int i = 0; i < n; i++) {
        int32_t k = k0 + i;
        float g = gain;
        if (k < c->fade_in)
            g *= (float)k * in_step;
        if (k >= c->length - c->fade_out)
            g *= (float)(c->length - 1 - k) * out_step;
        dst[i] += src[i] * g;
    }
}

void wm_clips_render(wm_clips* l, const wm_pool* pool, int64_t tl_start, int n, float* const* out,
                     int channels, float* scratch)
{
    int64_t tl_end = tl_start + n;
    for (int id = 0, seen = 0; seen < l->count; id++) {
        if (!l->used[id])
            continue;
        seen++;
        const wm_clip* c = &l->clips[id];
        int64_t from = c->start > tl_start ? c->start : tl_start;
        int64_t to = c->start + c->length < tl_end ? c->start + c->length : tl_end;
        if (from >= to || l->gain[id] == 0.0f)
            continue;
        wm_pool_info info;
        if (!pool || wm_pool_query(pool, c->sample, &info) != WM_OK) {
            l->handle_errors++;
            continue;
        }
        int32_t k0 = (int32_t)(from - c->start);
        int len = (int)(to - from);
        int at = (int)(from - tl_start);
        int64_t frame = (int64_t)c->offset + k0;
        if (frame >= info.frames)
            continue;
        /* a stereo sample on a mono track: both channels at half gain */
        int sources = info.channels > channels ? info.channels : 1;
        float gain = sources == 2 ? 0.5f * l->gain[id] : l->gain[id];
        for (int oc = 0; oc < channels; oc++) {
            for (int s = 0; s < sources; s++) {
                int src = sources == 2 ? s : (info.channels == 1 ? 0 : oc);
                wm_pool_read(pool, c->sample, (int)frame, len, src, scratch);
                add_faded(c, gain, k0, scratch, out[oc] + at, len);
            }
        }
    }
}
