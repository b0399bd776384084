/* wm_meter.c -- peak with release and one-pole RMS. */
#include "wm_meter.h"

int wm_meter_init(wm_meter* m, float sample_rate, float rms_ms, float release_db_per_s)
{
    if (!(sample_rate > 0.0f) || !(rms_ms > 0.0f) || !(release_db_per_s >= 0.0f))
        return WM_ERR_ARG;
    m->rms_coef = 1.0f - expf(-1000.0f / (rms_ms * sample_rate));
    m->release = wm_db_to_lin(-release_db_per_s / sample_rate);
    wm_meter_reset(m);
    return WM_OK;
}

void wm_meter_reset(wm_meter* m)
{
    m->peak = 0.0f;
    m->mean_sq = 0.0f;
}

void wm_meter_process(wm_meter* m, const float* x, int n)
{
    float peak = m->peak, ms = m->mean_sq;
    const float k = m->rms_coef, release = m->release;
    for (int i = 0; i < n; i++) {
        float v = x[i];
        if (!wm_is_finite(v))
            continue;
        float a = fabsf(v);
        peak *= release;
        peak = a > peak ? a : peak;
        ms += k * (v * v - ms);
    }
    m->peak = wm_flush_denormal(peak);
    m->mean_sq = wm_flush_denormal(ms);
}

float wm_meter_peak_db(const wm_meter* m) { return wm_lin_to_db(m->peak); }

float wm_meter_rms_db(const wm_meter* m) { return wm_lin_to_db(sqrtf(m->mean_sq)); }
