/* wm_engine.h -- the engine the host drives: planar input buffers in, a
   channel strip (filter -> gain -> meters), planar output buffers out.

   The host writes input into wm_engine_input(), parameters into the
   staging block wm_engine_param_block() (then calls wm_engine_apply_params),
   calls wm_engine_process(), and reads wm_engine_output() and the meter
   block wm_engine_meter_block(). Every buffer comes from the arena at
   creation; nothing is allocated afterwards.

   This is the thin first engine of the foundation; the mixer of tracks and
   buses grows out of it. */
#ifndef WM_ENGINE_H
#define WM_ENGINE_H

#include "wm_analyzer.h"
#include "wm_arena.h"
#include "wm_biquad.h"
#include "wm_common.h"
#include "wm_gain.h"
#include "wm_meter.h"

/* The parameter table: id, name, min, max, default, unit, stepped. The JS
   side mirrors it in js/params.js; a test checks the two agree. */
#define WM_ENGINE_PARAMS(X)                                              \
    X(WM_PARAM_GAIN_DB, "gain_db", -96.0f, 24.0f, 0.0f, "dB", 0)           \
    X(WM_PARAM_FILTER_TYPE, "filter_type", 0.0f, 7.0f, 5.0f, "", 1)        \
    X(WM_PARAM_FILTER_FREQ_HZ, "filter_freq_hz", 20.0f, 20000.0f, 1000.0f, "Hz", 0) \
    X(WM_PARAM_FILTER_Q, "filter_q", 0.1f, 24.0f, 0.7071f, "", 0)          \
    X(WM_PARAM_FILTER_GAIN_DB, "filter_gain_db", -24.0f, 24.0f, 0.0f, "dB", 0)   \
    X(WM_PARAM_ANALYZER_FFT_SIZE, "analyzer_fft_size", 32.0f, 32768.0f, 2048.0f, "", 0) \
    X(WM_PARAM_ANALYZER_SMOOTHING, "analyzer_smoothing", 0.0f, 1.0f, 0.8f, "", 0)   \
    X(WM_PARAM_ANALYZER_MIN_DB, "analyzer_min_db", -300.0f, 300.0f, -100.0f, "dB", 0) \
    X(WM_PARAM_ANALYZER_MAX_DB, "analyzer_max_db", -300.0f, 300.0f, -30.0f, "dB", 0)

#define WM_PARAM_ENUM(id, name, lo, hi, def, unit, stepped) id,
typedef enum { WM_ENGINE_PARAMS(WM_PARAM_ENUM) WM_PARAM_COUNT } wm_param_id;
#undef WM_PARAM_ENUM

/* NULL for an unknown id. */
const wm_param_info* wm_param_get_info(int id);

/* The meter block, one float each, rewritten by every wm_engine_process. */
typedef enum {
    WM_METER_PEAK_DB_L = 0,
    WM_METER_PEAK_DB_R,
    WM_METER_RMS_DB_L,
    WM_METER_RMS_DB_R,
    WM_METER_NONFINITE,    /* input samples replaced because NaN or Inf */
    WM_METER_PARAM_ERRORS, /* parameter values rejected or clamped */
    WM_METER_COUNT
} wm_meter_id;

typedef struct wm_engine wm_engine;

/* Arena bytes that wm_engine_create needs (an upper bound). */
size_t wm_engine_memory_size(int channels, int max_block);

/* Takes everything from the arena; on failure takes nothing, returns NULL
   and sets *err (WM_ERR_ARG for a bad rate, channel count or block size,
   WM_ERR_NOMEM when the arena is too small). channels: 1..WM_MAX_CHANNELS;
   max_block: 1..2^20 frames. */
wm_engine* wm_engine_create(wm_arena* a, float sample_rate, int channels, int max_block, int* err);

int wm_engine_channels(const wm_engine* e);
int wm_engine_max_block(const wm_engine* e);
float* wm_engine_input(wm_engine* e, int channel);  /* NULL if out of range */
float* wm_engine_output(wm_engine* e, int channel); /* NULL if out of range */
float* wm_engine_param_block(wm_engine* e);         /* WM_PARAM_COUNT floats */
const float* wm_engine_meter_block(const wm_engine* e); /* WM_METER_COUNT floats */

/* Sets one parameter's target. NaN is rejected (WM_ERR_ARG, value kept);
   out-of-range values are clamped and applied (WM_ERR_RANGE); an unknown
   id gives WM_ERR_PARAM. Realtime: safe. */
int wm_engine_set_param(wm_engine* e, int id, float value);

/* Applies every value of the staging block that differs from the current
   one; returns how many were rejected or clamped. Realtime: safe. */
int wm_engine_apply_params(wm_engine* e);

/* Processes n frames (clamped to max_block) from input to output and
   refreshes the meter block. Realtime: safe. */
void wm_engine_process(wm_engine* e, int n);

/* Clears all signal state (filter, ramps, meters); parameters are kept. */
void wm_engine_reset(wm_engine* e);

/* The spectrum analyzer on the output (AnalyserNode behaviour, see
   wm_analyzer.h; configured by the analyzer_* parameters). Computes one
   spectrum of the newest fft_size output samples and writes, into the
   analysis block, fft_size/2 dB values then fft_size time-domain samples;
   returns fft_size. Meant for display rate, between blocks. Realtime: safe
   (an FFT of up to 32768 points: tens of microseconds). */
int wm_engine_analyze(wm_engine* e);

/* The analysis block: WM_ANALYZER_MAX_FFT / 2 + WM_ANALYZER_MAX_FFT floats. */
const float* wm_engine_analysis(const wm_engine* e);

#endif
