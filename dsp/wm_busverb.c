/* wm_busverb.c -- a bus reverb: a convolver whose IR comes from the sample
   pool, replaced in bounded steps per block. Written for wamix. */
#include "wm_busverb.h"

#define WM_BUSVERB_PARAM_INFO(id, name, lo, hi, def, unit, stepped) {name, lo, hi, def, unit, stepped},
static const wm_param_info param_table[WM_BUSVERB_PARAM_COUNT] = {WM_BUSVERB_PARAMS(WM_BUSVERB_PARAM_INFO)};
#undef WM_BUSVERB_PARAM_INFO

const wm_param_info* wm_busverb_param_get_info(int id)
{
    return id >= 0 && id < WM_BUSVERB_PARAM_COUNT ? &param_table[id] : NULL;
}

size_t wm_busverb_memory_size(int max_ir_frames, int max_block, float sample_rate_hz)
{
    size_t conv = wm_convolver_memory_size(max_ir_frames, 2, max_block, sample_rate_hz);
    return conv && max_ir_frames >= 1 ? conv + 2 * ((size_t)max_ir_frames * sizeof(float) + 64) : 0;
}

int wm_busverb_init(wm_busverb* r, wm_arena* a, int max_ir_frames, int max_block, float sample_rate_hz)
{
    if (!r || !a || !wm_busverb_memory_size(max_ir_frames, max_block, sample_rate_hz))
        return WM_ERR_ARG;
    size_t mark = wm_arena_mark(a);
    int err = wm_convolver_init(&r->conv, a, max_ir_frames, 2, max_block, sample_rate_hz);
    for (int ch = 0; ch < 2 && err == WM_OK; ch++)
        err = (r->ir[ch] = wm_arena_alloc(a, (size_t)max_ir_frames * sizeof(float), 64)) ? WM_OK : WM_ERR_NOMEM;
    if (err != WM_OK) {
        wm_arena_rollback(a, mark);
        return err;
    }
    r->max_ir_frames = max_ir_frames;
    r->stage = WM_BUSVERB_IDLE;
    for (int id = 0; id < WM_BUSVERB_PARAM_COUNT; id++)
        wm_busverb_set_param(r, id, param_table[id].def);
    return WM_OK;
}

int wm_busverb_set_param(wm_busverb* r, int id, float value)
{
    float v = value;
    int err = wm_param_accept(wm_busverb_param_get_info(id), &v);
    if (wm_param_refused(err))
        return err;
    r->params[id] = v;
    if (id == WM_BUSVERB_WET_DB)
        wm_convolver_set_wet_db(&r->conv, v);
    else if (id == WM_BUSVERB_DRY_DB)
        wm_convolver_set_dry_db(&r->conv, v);
    else
        wm_convolver_set_predelay_ms(&r->conv, v);
    return err;
}

int wm_busverb_load(wm_busverb* r, const wm_pool* pool, int handle, float fade_ms, uint32_t request)
{
    if (r->stage != WM_BUSVERB_IDLE)
        return WM_ERR_LIMIT;
    wm_pool_info info;
    if (wm_pool_query(pool, handle, &info) != WM_OK)
        return WM_ERR_HANDLE;
    if (info.state != WM_POOL_READY || info.frames < 1 || info.frames > r->max_ir_frames ||
        !(fade_ms >= 0.0f && fade_ms <= WM_CONVOLVER_MAX_FADE_MS))
        return WM_ERR_ARG;
    r->handle = handle;
    r->channels = info.channels;
    r->frames = info.frames;
    r->copied = 0;
    r->fade_ms = fade_ms;
    r->request = request;
    r->stage = WM_BUSVERB_COPY;
    return WM_OK;
}

static void finish(wm_busverb* r, int result)
{
    r->result = result;
    r->stage = WM_BUSVERB_DONE;
}

/* One bounded step of the load under way. */
static void step(wm_busverb* r, const wm_pool* pool)
{
    switch (r->stage) {
    case WM_BUSVERB_COPY: {
        int n = r->frames - r->copied < WM_BUSVERB_COPY_FRAMES ? r->frames - r->copied : WM_BUSVERB_COPY_FRAMES;
        for (int ch = 0; ch < r->channels; ch++) {
            int got = wm_pool_read(pool, r->handle, r->copied, n, ch, r->ir[ch] + r->copied);
            if (got != n) {
                finish(r, got < 0 ? got : WM_ERR_HANDLE);
                return;
            }
        }
        r->copied += n;
        if (r->copied == r->frames)
            r->stage = WM_BUSVERB_BEGIN;
        return;
    }
    case WM_BUSVERB_BEGIN: {
        const float* ir[2] = {r->ir[0], r->ir[1]};
        int err = wm_convolver_load_begin(&r->conv, ir, r->channels, r->frames);
        if (err == WM_OK)
            r->stage = WM_BUSVERB_PREPARE;
        else if (err != WM_ERR_LIMIT) /* LIMIT: a crossfade still runs, try again next block */
            finish(r, err);
        return;
    }
    case WM_BUSVERB_PREPARE:
        if (wm_convolver_load_step(&r->conv, WM_BUSVERB_LOAD_FRAMES) == 0)
            r->stage = WM_BUSVERB_SWAP;
        return;
    case WM_BUSVERB_SWAP:
        finish(r, wm_convolver_swap(&r->conv, r->fade_ms));
        return;
    default:
        return;
    }
}

void wm_busverb_process(wm_busverb* r, const wm_pool* pool, float* const* io, int n)
{
    step(r, pool);
    wm_convolver_process(&r->conv, (const float* const*)io, io, n);
}

int wm_busverb_take_result(wm_busverb* r, uint32_t* request, int* result)
{
    if (r->stage != WM_BUSVERB_DONE)
        return 0;
    *request = r->request;
    *result = r->result;
    r->stage = WM_BUSVERB_IDLE;
    return 1;
}
