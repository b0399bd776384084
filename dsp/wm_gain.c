/* wm_gain.c -- smoothed gain (a linear amplitude ramp, as in miniaudio's
   ma_gainer; the dB-to-amplitude conversion happens once per setting). */
#include "wm_gain.h"
#include "wm_ops.h"

static float db_to_gain(float gain_db)
{
    return gain_db <= WM_GAIN_MIN_DB ? 0.0f : wm_db_to_lin(gain_db);
}

int wm_gain_init(wm_gain* g, float gain_db, float ramp_ms, float sample_rate)
{
    if (!(sample_rate > 0.0f) || !(ramp_ms >= 0.0f) || gain_db != gain_db)
        return WM_ERR_ARG;
    g->nonfinite = 0;
    wm_smooth_init(&g->gain, db_to_gain(wm_clampf(gain_db, WM_GAIN_MIN_DB, WM_GAIN_MAX_DB)),
                   (int)(ramp_ms * 0.001f * sample_rate + 0.5f));
    return WM_OK;
}

int wm_gain_set_db(wm_gain* g, float gain_db)
{
    int err = wm_check_range(&gain_db, WM_GAIN_MIN_DB, WM_GAIN_MAX_DB);
    if (err != WM_ERR_ARG)
        wm_smooth_set(&g->gain, db_to_gain(gain_db));
    return err;
}

void wm_gain_process(wm_gain* g, float* const* ch, int channels, int n)
{
    for (int c = 0; c < channels; c++)
        g->nonfinite += (unsigned)wm_ops_sanitize(ch[c], n);
    int i = 0;
    /* The ramp is per frame, shared by all channels. */
    for (; i < n && g->gain.remaining > 0; i++) {
        float k = wm_smooth_next(&g->gain);
        for (int c = 0; c < channels; c++)
            ch[c][i] *= k;
    }
    float k = g->gain.value;
    if (k == 1.0f)
        return;
    for (int c = 0; c < channels; c++) {
        float* x = ch[c];
        for (int j = i; j < n; j++)
            x[j] *= k;
    }
}
