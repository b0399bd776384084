/* wm_engine.c -- the foundation engine: filter (which sanitises the input) -> gain -> meters -> analyzer. */
#include "wm_engine.h"

#define WM_ENGINE_MAX_BLOCK (1 << 20) /* offline renders may use large blocks */
#define WM_GAIN_RAMP_MS 10.0f
#define WM_FILTER_SMOOTH_MS 20.0f
#define WM_METER_RMS_MS 300.0f
#define WM_METER_RELEASE_DB_PER_S 12.0f

struct wm_engine {
    float sample_rate;
    int channels;
    int max_block;
    float* in[WM_MAX_CHANNELS];
    float* out[WM_MAX_CHANNELS];
    float* param_block;         /* staging, written by the host */
    float params[WM_PARAM_COUNT]; /* applied values */
    float* meter_block;
    wm_filter filter;
    wm_gain gain;
    wm_meter meter[WM_MAX_CHANNELS];
    wm_analyzer analyzer;
    float* analysis; /* spectrum (dB) then waveform, from the last analyze */
    unsigned param_errors;
};

#define WM_PARAM_INFO(id, name, lo, hi, def, unit, stepped) {name, lo, hi, def, unit, stepped},
static const wm_param_info param_table[WM_PARAM_COUNT] = {WM_ENGINE_PARAMS(WM_PARAM_INFO)};
#undef WM_PARAM_INFO

const wm_param_info* wm_param_get_info(int id)
{
    return id >= 0 && id < WM_PARAM_COUNT ? &param_table[id] : NULL;
}

static size_t floats_bytes(int count) { return (size_t)count * sizeof(float) + 64; }

#define WM_ANALYSIS_FLOATS (WM_ANALYZER_MAX_FFT / 2 + WM_ANALYZER_MAX_FFT)

size_t wm_engine_memory_size(int channels, int max_block)
{
    return sizeof(wm_engine) + 64 + 2 * (size_t)channels * floats_bytes(max_block) +
           floats_bytes(WM_PARAM_COUNT) + floats_bytes(WM_METER_COUNT) +
           wm_analyzer_memory_size(WM_ANALYZER_MAX_FFT) + floats_bytes(WM_ANALYSIS_FLOATS);
}

static float* alloc_floats(wm_arena* a, int count)
{
    return wm_arena_alloc(a, (size_t)count * sizeof(float), 64);
}

static wm_biquad_params filter_params(const float* p)
{
    wm_biquad_params f = {(wm_biquad_type)(int)p[WM_PARAM_FILTER_TYPE], p[WM_PARAM_FILTER_FREQ_HZ],
                          p[WM_PARAM_FILTER_Q], p[WM_PARAM_FILTER_GAIN_DB]};
    return f;
}

static int init_modules(wm_engine* e, wm_arena* a)
{
    for (int i = 0; i < WM_PARAM_COUNT; i++)
        e->params[i] = e->param_block[i] = param_table[i].def;
    wm_biquad_params fp = filter_params(e->params);
    int err = wm_filter_init(&e->filter, &fp, e->channels, e->sample_rate, WM_FILTER_SMOOTH_MS);
    if (err == WM_OK)
        err = wm_gain_init(&e->gain, e->params[WM_PARAM_GAIN_DB], WM_GAIN_RAMP_MS, e->sample_rate);
    for (int c = 0; c < e->channels && err == WM_OK; c++)
        err = wm_meter_init(&e->meter[c], e->sample_rate, WM_METER_RMS_MS, WM_METER_RELEASE_DB_PER_S);
    if (err == WM_OK)
        err = wm_analyzer_init(&e->analyzer, a, e->channels, WM_ANALYZER_MAX_FFT);
    return err;
}

wm_engine* wm_engine_create(wm_arena* a, float sample_rate, int channels, int max_block, int* err)
{
    *err = WM_ERR_ARG;
    if (!(sample_rate >= 8000.0f && sample_rate <= 384000.0f) || channels < 1 ||
        channels > WM_MAX_CHANNELS || max_block < 1 || max_block > WM_ENGINE_MAX_BLOCK)
        return NULL;
    size_t mark = wm_arena_mark(a);
    *err = WM_ERR_NOMEM;
    wm_engine* e = wm_arena_alloc(a, sizeof *e, 64);
    if (!e)
        return NULL;
    e->sample_rate = sample_rate;
    e->channels = channels;
    e->max_block = max_block;
    int ok = 1;
    for (int c = 0; c < channels; c++) {
        e->in[c] = alloc_floats(a, max_block);
        e->out[c] = alloc_floats(a, max_block);
        ok = ok && e->in[c] && e->out[c];
    }
    e->param_block = alloc_floats(a, WM_PARAM_COUNT);
    e->meter_block = alloc_floats(a, WM_METER_COUNT);
    e->analysis = alloc_floats(a, WM_ANALYSIS_FLOATS);
    if (!ok || !e->param_block || !e->meter_block || !e->analysis) {
        wm_arena_rollback(a, mark);
        return NULL;
    }
    *err = init_modules(e, a);
    if (*err != WM_OK) {
        wm_arena_rollback(a, mark);
        return NULL;
    }
    wm_engine_reset(e);
    return e;
}

int wm_engine_channels(const wm_engine* e) { return e->channels; }
int wm_engine_max_block(const wm_engine* e) { return e->max_block; }

float* wm_engine_input(wm_engine* e, int channel)
{
    return channel >= 0 && channel < e->channels ? e->in[channel] : NULL;
}

float* wm_engine_output(wm_engine* e, int channel)
{
    return channel >= 0 && channel < e->channels ? e->out[channel] : NULL;
}

float* wm_engine_param_block(wm_engine* e) { return e->param_block; }
const float* wm_engine_meter_block(const wm_engine* e) { return e->meter_block; }

/* The analyzer's own setters validate its settings (a power-of-two size,
   min below max); the parameter then reads back what the analyzer took. */
static int set_analyzer_param(wm_engine* e, int id, float v)
{
    wm_analyzer* an = &e->analyzer;
    switch (id) {
    case WM_PARAM_ANALYZER_FFT_SIZE: {
        int size = WM_ANALYZER_MIN_FFT;
        while (size * 2 <= (int)v) /* round down to a power of two */
            size *= 2;
        return wm_analyzer_set_fft_size(an, size);
    }
    case WM_PARAM_ANALYZER_SMOOTHING: return wm_analyzer_set_smoothing(an, v);
    /* min and max are set as a pair, with the other one the host wants
       (its staged value), so their order within a snapshot does not matter */
    case WM_PARAM_ANALYZER_MIN_DB: return wm_analyzer_set_range_db(an, v, e->param_block[WM_PARAM_ANALYZER_MAX_DB]);
    default: return wm_analyzer_set_range_db(an, e->param_block[WM_PARAM_ANALYZER_MIN_DB], v);
    }
}

static float analyzer_param_value(const wm_engine* e, int id)
{
    const wm_analyzer* an = &e->analyzer;
    switch (id) {
    case WM_PARAM_ANALYZER_FFT_SIZE: return (float)an->fft_size;
    case WM_PARAM_ANALYZER_SMOOTHING: return an->smoothing;
    case WM_PARAM_ANALYZER_MIN_DB: return an->min_db;
    default: return an->max_db;
    }
}

int wm_engine_set_param(wm_engine* e, int id, float value)
{
    const wm_param_info* info = wm_param_get_info(id);
    if (!info)
        return WM_ERR_PARAM;
    /* The staging slot follows the applied value, so that the next
       wm_engine_apply_params neither undoes this call nor retries a value
       that was rejected. */
    float v = value;
    int err = wm_param_check(info, &v);
    if (err == WM_ERR_ARG) {
        e->param_block[id] = e->params[id];
        return err;
    }
    if (id >= WM_PARAM_ANALYZER_FFT_SIZE) {
        int a_err = set_analyzer_param(e, id, v);
        if (a_err == WM_ERR_ARG) {
            e->param_block[id] = e->params[id];
            return a_err;
        }
        v = analyzer_param_value(e, id);
        err = v == value ? WM_OK : WM_ERR_RANGE;
    }
    e->params[id] = e->param_block[id] = v;
    if (id == WM_PARAM_GAIN_DB) {
        wm_gain_set_db(&e->gain, v);
    } else if (id <= WM_PARAM_FILTER_GAIN_DB) {
        wm_biquad_params fp = filter_params(e->params);
        wm_filter_set(&e->filter, &fp);
    }
    return err;
}

int wm_engine_apply_params(wm_engine* e)
{
    int rejected = 0;
    for (int id = 0; id < WM_PARAM_COUNT; id++) {
        float staged = e->param_block[id];
        if (staged == e->params[id])
            continue;
        if (wm_engine_set_param(e, id, staged) != WM_OK)
            rejected++;
    }
    e->param_errors += (unsigned)rejected;
    return rejected;
}

static void update_meter_block(wm_engine* e)
{
    float* m = e->meter_block;
    int last = e->channels - 1; /* mono shows the same level on both sides */
    m[WM_METER_PEAK_DB_L] = wm_meter_peak_db(&e->meter[0]);
    m[WM_METER_PEAK_DB_R] = wm_meter_peak_db(&e->meter[last]);
    m[WM_METER_RMS_DB_L] = wm_meter_rms_db(&e->meter[0]);
    m[WM_METER_RMS_DB_R] = wm_meter_rms_db(&e->meter[last]);
    m[WM_METER_NONFINITE] = (float)e->filter.nonfinite;
    m[WM_METER_PARAM_ERRORS] = (float)e->param_errors;
}

void wm_engine_process(wm_engine* e, int n)
{
    if (n > e->max_block)
        n = e->max_block;
    if (n < 0)
        n = 0;
    for (int c = 0; c < e->channels; c++)
        memcpy(e->out[c], e->in[c], (size_t)n * sizeof(float));
    wm_filter_process(&e->filter, e->out, n); /* first in the chain: it sanitises and counts */
    wm_gain_process(&e->gain, e->out, e->channels, n);
    for (int c = 0; c < e->channels; c++)
        wm_meter_process(&e->meter[c], e->out[c], n);
    wm_analyzer_process(&e->analyzer, (const float* const*)e->out, n);
    update_meter_block(e);
}

int wm_engine_analyze(wm_engine* e)
{
    wm_analyzer* an = &e->analyzer;
    wm_analyzer_compute(an);
    wm_analyzer_frequency_db(an, e->analysis, an->fft_size / 2);
    wm_analyzer_time_domain(an, e->analysis + an->fft_size / 2, an->fft_size);
    return an->fft_size;
}

const float* wm_engine_analysis(const wm_engine* e) { return e->analysis; }

void wm_engine_reset(wm_engine* e)
{
    wm_filter_reset(&e->filter);
    wm_smooth_snap(&e->gain.gain);
    for (int c = 0; c < e->channels; c++)
        wm_meter_reset(&e->meter[c]);
    wm_analyzer_reset(&e->analyzer);
    update_meter_block(e);
}
