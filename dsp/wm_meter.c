/* wm_meter.c -- sample peak with hold and release, one-pole RMS.
   Ballistics of a peak programme meter (hold, then a fall in dB/s); written
   for wamix. */
#include <float.h>

#include "wm_meter.h"
#include "wm_simd.h"

int wm_meter_init(wm_meter* m, float sample_rate, float rms_ms, float release_db_per_s)
{
    if (!(sample_rate > 0.0f) || !(rms_ms > 0.0f) || !(release_db_per_s >= 0.0f))
        return WM_ERR_ARG;
    m->rms_coef = 1.0f - (float)wm_exp(-1000.0 / (rms_ms * sample_rate));
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

/* One sub-block of n <= WM_METER_BLOCK samples. */
static void meter_block(wm_meter* m, const float* x, int n)
{
    const wm_v4 ceiling = wm_v4_splat(1e30f); /* a square that overflows would stick the average at Inf */
    wm_v4 peak4 = wm_v4_splat(0.0f), sum4 = peak4;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        wm_v4 v = wm_v4_sanitize(wm_v4_load(x + i));
        peak4 = wm_v4_max(peak4, wm_v4_abs(v));
        sum4 += wm_v4_min(v * v, ceiling);
    }
    float peak = wm_v4_hmax(peak4), sum = (sum4[0] + sum4[1]) + (sum4[2] + sum4[3]);
    for (; i < n; i++) {
        float v = wm_is_finite(x[i]) ? x[i] : 0.0f, a = fabsf(v);
        peak = a > peak ? a : peak;
        sum += fminf(v * v, 1e30f);
    }
    int falls = n - m->hold_left; /* samples of release after the hold */
    m->hold_left = falls > 0 ? 0 : -falls;
    m->peak *= falls > 0 ? wm_powi(m->release, falls) : 1.0f;
    if (peak >= m->peak) {
        m->peak = peak;
        m->hold_left = m->hold;
    }
    m->mean_sq = wm_one_pole_block(m->mean_sq, 1.0f - m->rms_coef, sum / (float)n, n);
}

void wm_meter_process_block(wm_meter* m, const float* x, int n)
{
    for (int i = 0; i < n; i += WM_METER_BLOCK)
        meter_block(m, x + i, n - i < WM_METER_BLOCK ? n - i : WM_METER_BLOCK);
    m->peak = wm_flush_denormal(m->peak);
    m->mean_sq = wm_flush_denormal(m->mean_sq);
}

float wm_meter_peak_db(const wm_meter* m) { return wm_lin_to_db(m->peak); }

float wm_meter_rms_db(const wm_meter* m) { return wm_lin_to_db(sqrtf(m->mean_sq)); }
