/* wm_meter.c -- sample peak with hold and release, one-pole RMS.
   Ballistics of a peak programme meter (hold, then a fall in dB/s); written
   for wamix. */
#include <float.h>

#include "wm_meter.h"

int wm_meter_init(wm_meter* m, float sample_rate, float rms_ms, float release_db_per_s)
{
    if (!(sample_rate > 0.0f) || !(rms_ms > 0.0f) || !(release_db_per_s >= 0.0f))
        return WM_ERR_ARG;
    m->rms_coef = 1.0f - expf(-1000.0f / (rms_ms * sample_rate));
    m->release = wm_db_to_lin(-release_db_per_s / sample_rate);
    m->sample_rate = sample_rate;
    m->hold = 0;
    wm_meter_reset(m);
    return WM_OK;
}

void wm_meter_reset(wm_meter* m)
{
    m->peak = 0.0f;
    m->mean_sq = 0.0f;
    m->hold_left = 0;
}

int wm_meter_set_hold(wm_meter* m, float hold_ms)
{
    if (!(hold_ms >= 0.0f))
        return WM_ERR_ARG;
    int err = hold_ms > WM_METER_MAX_HOLD_MS ? WM_ERR_RANGE : WM_OK;
    hold_ms = wm_clampf(hold_ms, 0.0f, WM_METER_MAX_HOLD_MS);
    float samples = hold_ms * 0.001f * m->sample_rate + 0.5f;
    m->hold = samples < 1e9f ? (int)samples : 1000000000; /* any sample rate: no int overflow */
    if (m->hold_left > m->hold)
        m->hold_left = m->hold;
    return err;
}

void wm_meter_process(wm_meter* m, const float* x, int n)
{
    float peak = m->peak, ms = m->mean_sq;
    int hold_left = m->hold_left;
    const float k = m->rms_coef, release = m->release;
    const int hold = m->hold;
    for (int i = 0; i < n; i++) {
        float v = x[i];
        if (!wm_is_finite(v))
            continue;
        float a = fabsf(v);
        if (hold_left > 0)
            hold_left--;
        else
            peak *= release;
        if (a >= peak) {
            peak = a;
            hold_left = hold;
        }
        ms += k * (fminf(v * v, FLT_MAX) - ms); /* a square that overflows would stick the average at Inf, then NaN */
    }
    m->peak = wm_flush_denormal(peak);
    m->mean_sq = wm_flush_denormal(ms);
    m->hold_left = hold_left;
}

float wm_meter_peak_db(const wm_meter* m) { return wm_lin_to_db(m->peak); }

float wm_meter_rms_db(const wm_meter* m) { return wm_lin_to_db(sqrtf(m->mean_sq)); }
