/* wm_correlation.c -- stereo correlation from exponentially weighted
   moments: the Pearson coefficient (without mean removal, as audio has no
   DC to speak of) of the recent past. Written for wamix.

   The moments are kept in double: with time constants of hundreds of ms the
   one-pole step is ~1e-4 of the value, and float rounding would bias r by
   about 1e-3. */
#include "wm_correlation.h"

/* Mean square of a signal at WM_SILENCE_DB (-120 dBFS). */
#define SILENT_MEAN_SQ 1e-12

int wm_correlation_init(wm_correlation* c, float sample_rate, float time_ms)
{
    if (!(sample_rate > 0.0f) || !(time_ms > 0.0f) || !wm_is_finite(sample_rate) || !wm_is_finite(time_ms))
        return WM_ERR_ARG;
    c->coef = -expm1(-1000.0 / ((double)time_ms * sample_rate));
    wm_correlation_reset(c);
    return WM_OK;
}

void wm_correlation_reset(wm_correlation* c)
{
    c->lr = c->ll = c->rr = 0.0;
    c->phase = 0;
    c->nonfinite = 0;
}

static double flush(double x) { return fabs(x) < WM_DENORMAL_FLUSH ? 0.0 : x; }

void wm_correlation_process(wm_correlation* c, const float* left, const float* right, int n)
{
    const double k = c->coef;
    double lr = c->lr, ll = c->ll, rr = c->rr;
    for (int i = 0; i < n; i++) {
        float l = left[i], r = right[i];
        if (!wm_is_finite(l) || !wm_is_finite(r)) {
            c->nonfinite++;
            continue;
        }
        lr += k * ((double)l * r - lr);
        ll += k * ((double)l * l - ll);
        rr += k * ((double)r * r - rr);
        if (++c->phase == WM_CORRELATION_FLUSH_FRAMES) {
            c->phase = 0;
            lr = flush(lr);
            ll = flush(ll);
            rr = flush(rr);
        }
    }
    c->lr = lr;
    c->ll = ll;
    c->rr = rr;
}

float wm_correlation_value(const wm_correlation* c)
{
    if (!(c->ll > SILENT_MEAN_SQ && c->rr > SILENT_MEAN_SQ))
        return 0.0f;
    double r = c->lr / sqrt(c->ll * c->rr);
    return (float)(r > 1.0 ? 1.0 : (r < -1.0 ? -1.0 : r));
}

unsigned wm_correlation_nonfinite(const wm_correlation* c) { return c->nonfinite; }
