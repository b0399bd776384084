/* bench_workloads.c -- one entry per module: a setup that configures it as
   a mixing engine would, and a run that processes one block in place.
   Meters write their readings over the first samples of the block, so that
   the conformance test compares readings, not the untouched input.
   Each workload keeps its state in a static here (a benchmark harness, not
   the library). */
#include "bench_modules.h"
#include "bench_refmix.h"
#include "wm_analyzer.h"
#include "wm_biquad.h"
#include "wm_biquad4.h"
#include "wm_compressor.h"
#include "wm_convolver.h"
#include "wm_eq.h"
#include "wm_gain.h"
#include "wm_correlation.h"
#include "wm_limiter.h"
#include "wm_loudness.h"
#include "wm_meter.h"
#include "wm_mixer.h"
#include "wm_ops.h"
#include "wm_resample.h"
#include "wm_saturate.h"
#include "wm_stereo.h"
#include "wm_truepeak.h"

static wm_biquad_coefs biquad_coefs;
static float biquad_z[2];

static int biquad_setup(bench_ctx* ctx)
{
    wm_biquad_params p = {WM_BIQUAD_PEAKING, 1000.0f, 0.7f, 3.0f};
    biquad_coefs = wm_biquad_design(&p, ctx->sample_rate);
    biquad_z[0] = biquad_z[1] = 0.0f;
    return WM_OK;
}

static void biquad_run(bench_ctx* ctx) { wm_biquad_run(&biquad_coefs, biquad_z, ctx->out[0], ctx->out[0], ctx->block); }

static wm_biquad4 biquad4;

static int biquad4_setup(bench_ctx* ctx)
{
    int err = wm_biquad4_init(&biquad4);
    for (int lane = 0; lane < 4 && err == WM_OK; lane++) {
        wm_biquad_params p = {WM_BIQUAD_PEAKING, 500.0f * (float)(lane + 1), 0.7f, 3.0f};
        wm_biquad_coefs c = wm_biquad_design(&p, ctx->sample_rate);
        err = wm_biquad4_set_lane(&biquad4, lane, &c);
    }
    return err;
}

static void biquad4_run(bench_ctx* ctx)
{
    wm_biquad4_run(&biquad4, (const float* const*)ctx->out, ctx->out, ctx->block);
}

static wm_eq eq;

/* The reference mix's EQ in every lane: high-pass (low cut) 80 Hz 12 dB/oct,
   200 Hz -3 dB Q1, 1 kHz +2 dB Q0.7, 3 kHz -2 dB Q2, 8 kHz +4 dB Q0.7. */
static int eq_setup(bench_ctx* ctx)
{
    const wm_eq_band bands[4] = {{WM_BIQUAD_PEAKING, 200.0f, 1.0f, -3.0f, 1},
                                 {WM_BIQUAD_PEAKING, 1000.0f, 0.7f, 2.0f, 1},
                                 {WM_BIQUAD_PEAKING, 3000.0f, 2.0f, -2.0f, 1},
                                 {WM_BIQUAD_PEAKING, 8000.0f, 0.7f, 4.0f, 1}};
    const wm_eq_cut low_cut = {80.0f, 12, 1};
    int err = wm_eq_init(&eq, ctx->sample_rate, 20.0f);
    for (int lane = 0; lane < 4 && err == WM_OK; lane++) {
        err = wm_eq_set_cut(&eq, lane, WM_EQ_LOW_CUT, &low_cut);
        for (int b = 0; b < 4 && err == WM_OK; b++)
            err = wm_eq_set_band(&eq, lane, b, &bands[b]);
    }
    wm_eq_reset(&eq); /* start at rest on the settings: measure the steady state */
    return err;
}

static void eq_run(bench_ctx* ctx) { wm_eq_process(&eq, (const float* const*)ctx->out, ctx->out, ctx->block); }

static wm_filter filter;

static int filter_setup(bench_ctx* ctx)
{
    wm_biquad_params p = {WM_BIQUAD_HIGHSHELF, 4000.0f, 0.7f, -3.0f};
    return wm_filter_init(&filter, &p, 2, ctx->sample_rate, 20.0f);
}

static void filter_run(bench_ctx* ctx) { wm_filter_process(&filter, ctx->out, ctx->block); }

static wm_gain gain;

static int gain_setup(bench_ctx* ctx) { return wm_gain_init(&gain, -6.0f, 10.0f, ctx->sample_rate); }
static void gain_run(bench_ctx* ctx) { wm_gain_process(&gain, ctx->out, 2, ctx->block); }

static wm_meter meters[2];

static int meter_setup(bench_ctx* ctx)
{
    int err = wm_meter_init(&meters[0], ctx->sample_rate, 300.0f, 12.0f);
    return err ? err : wm_meter_init(&meters[1], ctx->sample_rate, 300.0f, 12.0f);
}

static void meter_run(bench_ctx* ctx)
{
    wm_meter_process(&meters[0], ctx->out[0], ctx->block);
    wm_meter_process(&meters[1], ctx->out[1], ctx->block);
    ctx->out[0][0] = wm_meter_peak_db(&meters[0]);
    ctx->out[0][1] = wm_meter_rms_db(&meters[1]);
}

static wm_correlation correlation;

static int correlation_setup(bench_ctx* ctx) { return wm_correlation_init(&correlation, ctx->sample_rate, 300.0f); }
static void correlation_run(bench_ctx* ctx)
{
    wm_correlation_process(&correlation, ctx->out[0], ctx->out[1], ctx->block);
    ctx->out[0][0] = wm_correlation_value(&correlation);
}

static wm_loudness loudness;

static int loudness_setup(bench_ctx* ctx) { return wm_loudness_init(&loudness, ctx->sample_rate, 2); }
static void loudness_run(bench_ctx* ctx)
{
    wm_loudness_process(&loudness, (const float* const*)ctx->out, ctx->block);
    float* r = ctx->out[0];
    r[0] = wm_loudness_momentary_lufs(&loudness);
    r[1] = wm_loudness_short_term_lufs(&loudness);
    r[2] = wm_loudness_integrated_lufs(&loudness);
    r[3] = wm_loudness_true_peak_dbtp(&loudness, 0);
    r[4] = wm_loudness_range_lu(&loudness);
}

/* The analyzer as a page uses it: every block goes in, and a spectrum of
   2048 points is computed every 6th block (about 60 Hz at 128 frames). */
static wm_analyzer analyzer;
static int analyzer_blocks;

static int analyzer_setup(bench_ctx* ctx)
{
    analyzer_blocks = 0;
    int err = wm_analyzer_init(&analyzer, &ctx->arena, 2, 2048);
    return err == WM_OK ? wm_analyzer_set_fft_size(&analyzer, 2048) : err;
}

static void analyzer_run(bench_ctx* ctx)
{
    wm_analyzer_process(&analyzer, (const float* const*)ctx->out, ctx->block);
    if (++analyzer_blocks % 6 == 0) {
        wm_analyzer_compute(&analyzer);
        wm_analyzer_frequency_db(&analyzer, ctx->out[0], ctx->block);
    }
}

static wm_truepeak truepeak;

static int truepeak_setup(bench_ctx* ctx)
{
    (void)ctx;
    wm_truepeak_init(&truepeak);
    return WM_OK;
}

static void truepeak_run(bench_ctx* ctx) { ctx->out[0][0] = wm_truepeak_process(&truepeak, ctx->out[0], NULL, ctx->block); }

static wm_compressor compressor;

/* The reference mix's compressor: -24 dB, 4:1, 5 ms, 100 ms, 6 dB knee. */
static int compressor_setup(bench_ctx* ctx)
{
    wm_compressor_params p = wm_compressor_defaults();
    p.threshold_db = -24.0f;
    p.ratio = 4.0f;
    p.attack_ms = 5.0f;
    p.release_ms = 100.0f;
    p.knee_db = 6.0f;
    p.link = 1;
    return wm_compressor_init(&compressor, &p, 2, ctx->sample_rate);
}

static void compressor_run(bench_ctx* ctx)
{
    wm_compressor_process(&compressor, (const float* const*)ctx->out, ctx->out, NULL, ctx->block);
}

static wm_limiter limiter;

/* The reference mix's master limiter: -1 dB ceiling, 5 ms lookahead. */
static int limiter_setup(bench_ctx* ctx, int true_peak)
{
    wm_limiter_params p = {-1.0f, 5.0f, 100.0f, true_peak};
    return wm_limiter_init(&limiter, &ctx->arena, ctx->sample_rate, 2, &p);
}

static int limiter_sample_setup(bench_ctx* ctx) { return limiter_setup(ctx, 0); }
static int limiter_truepeak_setup(bench_ctx* ctx) { return limiter_setup(ctx, 1); }

/* The bench input peaks at -6 dBFS: drive it 12 dB so the limiter works. */
static void limiter_run(bench_ctx* ctx)
{
    for (int c = 0; c < 2; c++)
        wm_ops_gain(ctx->out[c], ctx->out[c], 4.0f, ctx->block);
    wm_limiter_process(&limiter, (const float* const*)ctx->out, ctx->out, ctx->block);
}

static wm_stereo stereo;

static int stereo_setup(bench_ctx* ctx)
{
    int err = wm_stereo_init(&stereo, 2, ctx->sample_rate, 10.0f);
    if (err == WM_OK)
        err = wm_stereo_set_pan(&stereo, 0.3f);
    return err == WM_OK ? wm_stereo_set_width(&stereo, 1.4f) : err;
}

static void stereo_run(bench_ctx* ctx) { wm_stereo_process(&stereo, (const float* const*)ctx->out, ctx->out, ctx->block); }

static wm_saturate saturate;

static int saturate_setup(bench_ctx* ctx, int oversample)
{
    int err = wm_saturate_init(&saturate, 2, ctx->sample_rate, oversample, 10.0f);
    if (err == WM_OK)
        err = wm_saturate_set_curve(&saturate, WM_SATURATE_WARM);
    return err == WM_OK ? wm_saturate_set_drive_db(&saturate, 12.0f) : err;
}

static int saturate_1x_setup(bench_ctx* ctx) { return saturate_setup(ctx, 1); }
static int saturate_2x_setup(bench_ctx* ctx) { return saturate_setup(ctx, 2); }
static void saturate_run(bench_ctx* ctx) { wm_saturate_process(&saturate, ctx->out, ctx->block); }

/* Resampling 44.1 -> 48 kHz; throughput counts input samples. The output
   lands in a scratch buffer (it is longer than the block). */
static wm_resample resampler;
static float resampled[2][BENCH_MAX_BLOCK * 2];

static int resample_setup(bench_ctx* ctx, wm_resample_quality quality)
{
    return wm_resample_init(&resampler, &ctx->arena, 44100, 48000, 2, quality);
}

static int resample_high_setup(bench_ctx* ctx) { return resample_setup(ctx, WM_RESAMPLE_HIGH); }
static int resample_fast_setup(bench_ctx* ctx) { return resample_setup(ctx, WM_RESAMPLE_FAST); }

static void resample_run(bench_ctx* ctx)
{
    float* out[2] = {resampled[0], resampled[1]};
    int used;
    int made = wm_resample_process(&resampler, (const float* const*)ctx->out, ctx->block, &used, out,
                                   BENCH_MAX_BLOCK * 2);
    /* hand the output back through the work buffers, so tests can compare it */
    for (int c = 0; c < 2; c++)
        memcpy(ctx->out[c], resampled[c], (size_t)(made < ctx->block ? made : ctx->block) * sizeof(float));
}

/* Convolution reverb with a stereo IR of decaying noise (a 1.5 s decay,
   cut at the workload's length), fully wet. The IR is built in the arena. */
static wm_convolver convolver;

static int convolver_setup(bench_ctx* ctx, float seconds)
{
    int frames = (int)(seconds * ctx->sample_rate);
    float* ir[2];
    for (int c = 0; c < 2; c++) {
        ir[c] = wm_arena_alloc(&ctx->arena, (size_t)frames * sizeof(float), 16);
        if (!ir[c])
            return WM_ERR_NOMEM;
        uint32_t s = 0x9e3779b9u + (uint32_t)c;
        for (int i = 0; i < frames; i++) {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            ir[c][i] = ((float)s / 4294967296.0f - 0.5f) * expf(-6.9f * (float)i / (1.5f * ctx->sample_rate));
        }
    }
    int err = wm_convolver_init(&convolver, &ctx->arena, frames, 2, ctx->block, ctx->sample_rate);
    if (err == WM_OK)
        err = wm_convolver_load(&convolver, (const float* const*)ir, 2, frames);
    return err == WM_OK ? wm_convolver_swap(&convolver, 0.0f) : err;
}

static int convolver_01_setup(bench_ctx* ctx) { return convolver_setup(ctx, 0.1f); }
static int convolver_1_setup(bench_ctx* ctx) { return convolver_setup(ctx, 1.0f); }
static int convolver_10_setup(bench_ctx* ctx) { return convolver_setup(ctx, 10.0f); }

static void convolver_run(bench_ctx* ctx)
{
    wm_convolver_process(&convolver, (const float* const*)ctx->out, ctx->out, ctx->block);
}

/* The mixer with 32 stereo tracks on the reference chain (bench_refmix.h)
   into a master limiter at -1 dB. Each block the tracks take their input
   from the host buffers, as a live feed would (the full reference mix,
   played from the pool, is bench_refmix.c). Throughput
   counts the stereo output. */
#define MIXER_TRACKS 32
static wm_mixer* mixer;

static int mixer_setup(bench_ctx* ctx)
{
    wm_mixer_config cfg = {ctx->sample_rate, ctx->block, MIXER_TRACKS, 0, 1, NULL, {0}};
    for (int t = 0; t < MIXER_TRACKS; t++)
        cfg.track_channels[t] = 2;
    int err;
    mixer = wm_mixer_create(&ctx->arena, &cfg, &err);
    if (!mixer)
        return err;
    for (int t = 0; t < MIXER_TRACKS && err == WM_OK; t++)
        err = refmix_set_track(wm_mixer_track(mixer, t), t, MIXER_TRACKS);
    if (err == WM_OK)
        err = wm_mixer_set_param(mixer, WM_MIXER_LIMITER_ON, 1.0f);
    return err;
}

static void mixer_run(bench_ctx* ctx)
{
    for (int t = 0; t < MIXER_TRACKS; t++)
        for (int c = 0; c < 2; c++)
            memcpy(wm_mixer_track_input(mixer, t, c), ctx->in[(t + c) % BENCH_CHANNELS],
                   (size_t)ctx->block * sizeof(float));
    wm_mixer_process(mixer, ctx->block);
    for (int c = 0; c < 2; c++)
        memcpy(ctx->out[c], wm_mixer_output(mixer, c), (size_t)ctx->block * sizeof(float));
}

/* Block operations: stateless, so they need no setup. */
static int no_setup(bench_ctx* ctx)
{
    (void)ctx;
    return WM_OK;
}

static void ops_gain_run(bench_ctx* ctx) { wm_ops_gain(ctx->out[0], ctx->out[0], 0.5f, ctx->block); }
static void ops_sum_run(bench_ctx* ctx) { wm_ops_sum(ctx->in[1], ctx->out[0], 0.5f, ctx->block); }

static void ops_peak_run(bench_ctx* ctx) { ctx->out[0][0] = wm_ops_peak(ctx->out[0], ctx->block); }

/* A round trip, as the worklet boundary of an interleaved host would do it. */
static float interleaved[2 * BENCH_MAX_BLOCK];
static void ops_interleave_run(bench_ctx* ctx)
{
    wm_ops_interleave2(ctx->out[0], ctx->out[1], interleaved, ctx->block);
    wm_ops_deinterleave2(interleaved, ctx->out[0], ctx->out[1], ctx->block);
}

const bench_module bench_modules[] = {
    {"biquad (mono)", 1, biquad_setup, biquad_run},
    {"biquad4 (4 lanes)", 4, biquad4_setup, biquad4_run},
    {"filter (stereo)", 2, filter_setup, filter_run},
    {"EQ: low cut + 4 bands (4 lanes)", 4, eq_setup, eq_run},
    {"gain (stereo)", 2, gain_setup, gain_run},
    {"meter peak/RMS (stereo)", 2, meter_setup, meter_run},
    {"true peak 4x (mono)", 1, truepeak_setup, truepeak_run},
    {"correlation (stereo)", 2, correlation_setup, correlation_run},
    {"loudness R128 + true peak (stereo)", 2, loudness_setup, loudness_run},
    {"analyzer 2048, 60 Hz (stereo)", 2, analyzer_setup, analyzer_run},
    {"mixer, 32 stereo tracks (stereo out)", 2, mixer_setup, mixer_run},
    {"compressor, linked (stereo)", 2, compressor_setup, compressor_run},
    {"limiter (stereo)", 2, limiter_sample_setup, limiter_run},
    {"limiter, true peak (stereo)", 2, limiter_truepeak_setup, limiter_run},
    {"stereo pan + width (stereo)", 2, stereo_setup, stereo_run},
    {"saturate warm (stereo)", 2, saturate_1x_setup, saturate_run},
    {"saturate warm 2x (stereo)", 2, saturate_2x_setup, saturate_run},
    {"convolver, IR 0.1 s (stereo)", 2, convolver_01_setup, convolver_run},
    {"convolver, IR 1 s (stereo)", 2, convolver_1_setup, convolver_run},
    {"convolver, IR 10 s (stereo)", 2, convolver_10_setup, convolver_run},
    {"resample 44.1k>48k high (stereo)", 2, resample_high_setup, resample_run},
    {"resample 44.1k>48k fast (stereo)", 2, resample_fast_setup, resample_run},
    {"ops: gain (mono)", 1, no_setup, ops_gain_run},
    {"ops: sum into bus (mono)", 1, no_setup, ops_sum_run},
    {"ops: peak (mono)", 1, no_setup, ops_peak_run},
    {"ops: interleave + back (stereo)", 2, no_setup, ops_interleave_run},
};

int bench_module_total(void) { return (int)(sizeof bench_modules / sizeof bench_modules[0]); }
