/* test_engine.c -- the engine end to end in C: creation from the arena
   (and refusal when it does not fit), parameters with their errors, levels
   through the chain, NaN at the input. */
#include <stdlib.h>

#include "check.h"
#include "wm_engine.h"

enum { FS = 48000, BLOCK = 128 };
static const double PI = 3.14159265358979323846;

static void test_arena_budget(void)
{
    size_t need = wm_engine_memory_size(2, BLOCK);
    unsigned char* mem = malloc(need + 64);
    wm_arena a;
    int err = 0;
    /* Too small by a lot, then by a little: refused, nothing consumed. */
    wm_arena_init(&a, mem, need / 2);
    CHECK(wm_engine_create(&a, FS, 2, BLOCK, &err) == NULL);
    CHECK_EQ_INT(err, WM_ERR_NOMEM);
    CHECK_EQ_INT(a.used, 0);
    wm_arena_init(&a, mem, 2 * (size_t)BLOCK * sizeof(float));
    CHECK(wm_engine_create(&a, FS, 2, BLOCK, &err) == NULL);
    CHECK_EQ_INT(a.used, 0);
    /* The advertised size is enough. */
    wm_arena_init(&a, mem, need);
    CHECK(wm_engine_create(&a, FS, 2, BLOCK, &err) != NULL);
    CHECK(a.used <= need);
    /* Bad configurations are argument errors, not allocation failures. */
    wm_arena_init(&a, mem, need);
    CHECK(wm_engine_create(&a, FS, 3, BLOCK, &err) == NULL && err == WM_ERR_ARG);
    CHECK(wm_engine_create(&a, FS, 2, 0, &err) == NULL && err == WM_ERR_ARG);
    CHECK(wm_engine_create(&a, NAN, 2, BLOCK, &err) == NULL && err == WM_ERR_ARG);
    free(mem);
}

static wm_engine* make_engine(wm_arena* a, void** mem, int channels)
{
    size_t need = wm_engine_memory_size(channels, BLOCK);
    *mem = malloc(need);
    wm_arena_init(a, *mem, need);
    int err;
    wm_engine* e = wm_engine_create(a, FS, channels, BLOCK, &err);
    CHECK(e != NULL);
    return e;
}

/* Feeds a 1 kHz sine at amplitude amp for `seconds`. */
static void run_sine(wm_engine* e, double amp, double seconds)
{
    static long t;
    int blocks = (int)(seconds * FS / BLOCK);
    for (int b = 0; b < blocks; b++) {
        for (int c = 0; c < wm_engine_channels(e); c++) {
            float* in = wm_engine_input(e, c);
            for (int i = 0; i < BLOCK; i++)
                in[i] = (float)(amp * sin(2.0 * PI * 1000.0 * (t + i) / FS));
        }
        t += BLOCK;
        wm_engine_process(e, BLOCK);
    }
}

static void test_gain_moves_the_meter(void)
{
    wm_arena a;
    void* mem;
    wm_engine* e = make_engine(&a, &mem, 2);
    const float* m = wm_engine_meter_block(e);
    run_sine(e, 0.5, 1.5);
    double sine_rms_db = 20.0 * log10(0.5 / sqrt(2.0));
    CHECK_NEAR(m[WM_METER_RMS_DB_L], sine_rms_db, 0.05);
    CHECK_NEAR(m[WM_METER_RMS_DB_R], sine_rms_db, 0.05);
    CHECK_NEAR(m[WM_METER_PEAK_DB_L], 20.0 * log10(0.5), 0.05);
    CHECK(wm_engine_set_param(e, WM_PARAM_GAIN_DB, -20.0f) == WM_OK);
    run_sine(e, 0.5, 3.0);
    CHECK_NEAR(m[WM_METER_RMS_DB_L], sine_rms_db - 20.0, 0.05);
    /* A +12 dB peaking band at 1 kHz, staged as the host does it. */
    float* p = wm_engine_param_block(e);
    p[WM_PARAM_FILTER_GAIN_DB] = 12.0f;
    p[WM_PARAM_FILTER_FREQ_HZ] = 1000.0f;
    CHECK_EQ_INT(wm_engine_apply_params(e), 0);
    run_sine(e, 0.5, 3.0);
    CHECK_NEAR(m[WM_METER_RMS_DB_L], sine_rms_db - 8.0, 0.05);
    free(mem);
}

static void test_parameter_errors(void)
{
    wm_arena a;
    void* mem;
    wm_engine* e = make_engine(&a, &mem, 1);
    CHECK_EQ_INT(wm_engine_set_param(e, WM_PARAM_COUNT, 1.0f), WM_ERR_PARAM);
    CHECK_EQ_INT(wm_engine_set_param(e, -1, 1.0f), WM_ERR_PARAM);
    CHECK_EQ_INT(wm_engine_set_param(e, WM_PARAM_GAIN_DB, NAN), WM_ERR_ARG);
    CHECK_EQ_INT(wm_engine_set_param(e, WM_PARAM_FILTER_FREQ_HZ, 1e6f), WM_ERR_RANGE);
    float* p = wm_engine_param_block(e);
    p[WM_PARAM_GAIN_DB] = NAN;
    p[WM_PARAM_FILTER_Q] = -5.0f;
    p[WM_PARAM_FILTER_TYPE] = 2.0f;
    CHECK_EQ_INT(wm_engine_apply_params(e), 2);
    CHECK(p[WM_PARAM_GAIN_DB] == 0.0f);  /* NaN lost nothing: the old value stands */
    CHECK(p[WM_PARAM_FILTER_Q] == 0.1f); /* clamped to the table's minimum */
    wm_engine_process(e, BLOCK);
    CHECK(wm_engine_meter_block(e)[WM_METER_PARAM_ERRORS] == 2.0f);
    CHECK(wm_param_get_info(WM_PARAM_COUNT) == NULL);
    CHECK(wm_engine_input(e, 1) == NULL && wm_engine_output(e, -1) == NULL);
    free(mem);
}

static void test_nonfinite_input_is_sanitised(void)
{
    wm_arena a;
    void* mem;
    wm_engine* e = make_engine(&a, &mem, 2);
    int injected = 0;
    for (int b = 0; b < 400; b++) {
        for (int c = 0; c < 2; c++) {
            float* in = wm_engine_input(e, c);
            for (int i = 0; i < BLOCK; i++) {
                uint32_t r = check_rand();
                in[i] = (r % 10 == 0) ? ((r & 1024) ? NAN : -INFINITY) : check_noise();
                injected += (r % 10 == 0);
            }
        }
        wm_engine_process(e, 2 * BLOCK); /* more than max_block: clamped */
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < BLOCK; i++)
                CHECK(wm_is_finite(wm_engine_output(e, c)[i]) && fabsf(wm_engine_output(e, c)[i]) <= 1.0f);
    }
    CHECK_EQ_INT((long long)wm_engine_meter_block(e)[WM_METER_NONFINITE], injected);
    free(mem);
}

static void test_analyzer_on_the_output(void)
{
    wm_arena a;
    void* mem;
    wm_engine* e = make_engine(&a, &mem, 2);
    run_sine(e, 0.5, 0.5);
    int size = wm_engine_analyze(e);
    CHECK_EQ_INT(size, 2048);
    const float* db = wm_engine_analysis(e);
    int peak = 0;
    for (int k = 1; k < size / 2; k++)
        if (db[k] > db[peak])
            peak = k;
    CHECK(abs(peak - 43) <= 1); /* 1 kHz at 48 kHz: bin 42.7 of 2048 */
    const float* wave = db + size / 2;
    float wave_peak = 0.0f;
    for (int i = 0; i < size; i++)
        wave_peak = fmaxf(wave_peak, fabsf(wave[i]));
    CHECK_NEAR(wave_peak, 0.5, 0.01); /* the waveform is the output itself */
    /* A size that is not a power of two is rounded down and reported. */
    CHECK_EQ_INT(wm_engine_set_param(e, WM_PARAM_ANALYZER_FFT_SIZE, 3000.0f), WM_ERR_RANGE);
    CHECK_EQ_INT(wm_engine_analyze(e), 2048);
    /* min and max move as a pair: raising both above the old max works in
       either order within one snapshot. */
    float* p = wm_engine_param_block(e);
    p[WM_PARAM_ANALYZER_MIN_DB] = -10.0f;
    p[WM_PARAM_ANALYZER_MAX_DB] = 10.0f;
    CHECK_EQ_INT(wm_engine_apply_params(e), 0);
    CHECK_EQ_INT(wm_engine_set_param(e, WM_PARAM_ANALYZER_MAX_DB, -50.0f), WM_ERR_ARG); /* below min */
    free(mem);
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_arena_budget();
    test_gain_moves_the_meter();
    test_parameter_errors();
    test_nonfinite_input_is_sanitised();
    test_analyzer_on_the_output();
    return check_finish("test_engine", seed);
}
