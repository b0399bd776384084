/* bench_modules.c -- one workload per DSP module, compiled three ways from
   this one file: natively (wamix_bench_modules, timed here with
   clock_gettime), and into two standalone WASM modules (SIMD128 and
   scalar) that bench/bench.mjs times in Node. The same C drives the same
   work everywhere, so the table compares builds and not harnesses.

   The WASM exports: bench_module_count, bench_module_name, bench_setup(id,
   block), bench_run(id, blocks), bench_output(); the same functions serve
   tests/js/modules.test.mjs, which checks that every module's WASM output
   equals its native output. */
#include <stdio.h>
#include <stdlib.h>

#include "bench_modules.h"
#include "bench_refmix.h"

#ifdef __EMSCRIPTEN__
#include <emscripten/emscripten.h>
#define BENCH_EXPORT EMSCRIPTEN_KEEPALIVE
#else
#define BENCH_EXPORT
#endif

#define ARENA_BYTES (40u << 20) /* the 10 s convolver takes 22.5 MiB plus its IR */

static float input[BENCH_CHANNELS][BENCH_MAX_BLOCK];
static float work[BENCH_CHANNELS][BENCH_MAX_BLOCK];
static unsigned char arena_memory[ARENA_BYTES];
static bench_ctx ctx;

BENCH_EXPORT int bench_module_count(void) { return bench_module_total(); }
BENCH_EXPORT const char* bench_module_name(int id) { return bench_modules[id].name; }
BENCH_EXPORT int bench_module_samples_per_frame(int id) { return bench_modules[id].channels; }
BENCH_EXPORT float* bench_output(int channel) { return work[channel]; }

/* Deterministic noise (xorshift32), the same in every build. */
static void fill_input(void)
{
    uint32_t s = 0x12345678u;
    for (int c = 0; c < BENCH_CHANNELS; c++)
        for (int i = 0; i < BENCH_MAX_BLOCK; i++) {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            input[c][i] = (float)((double)s / 4294967296.0 - 0.5);
        }
}

/* Returns 0, or a negative WM_ERR_* code. */
BENCH_EXPORT int bench_setup(int id, int block)
{
    if (id < 0 || id >= bench_module_total() || block < 1 || block > BENCH_MAX_BLOCK)
        return WM_ERR_ARG;
    fill_input();
    wm_arena_init(&ctx.arena, arena_memory, sizeof arena_memory);
    ctx.block = block;
    ctx.sample_rate = 48000.0f;
    for (int c = 0; c < BENCH_CHANNELS; c++) {
        ctx.in[c] = input[c];
        ctx.out[c] = work[c];
    }
    return bench_modules[id].setup(&ctx);
}

/* Runs `blocks` blocks; each block first copies the input into the work
   buffers (modules process in place), as an engine would. */
BENCH_EXPORT void bench_run(int id, int blocks)
{
    const bench_module* m = &bench_modules[id];
    for (int b = 0; b < blocks; b++) {
        for (int c = 0; c < m->channels; c++)
            memcpy(work[c], input[c], (size_t)ctx.block * sizeof(float));
        m->run(&ctx);
    }
}

/* The reference mix (bench_refmix.h): set up a session with `tracks`
   tracks of `channels` channels in the harness's arena; run it 128 frames
   at a time, summing the squares of the master output so that every build
   and form can be compared on its RMS. The RMS skips the first
   REFMIX_RMS_SKIP_FRAMES, where the strips glide from their defaults to
   the mix's settings (faders from 0 dB) and the forms differ most. */
#define MIX_BLOCK 128
static wm_session* mix;
static double mix_sum_sq[2];
static double mix_frames;

/* Returns 0, or a negative WM_ERR_* code. */
BENCH_EXPORT int bench_mix_setup(int tracks, int channels)
{
    int err;
    wm_arena_init(&ctx.arena, arena_memory, sizeof arena_memory);
    mix = refmix_create(&ctx.arena, tracks, channels, MIX_BLOCK, &err);
    mix_sum_sq[0] = mix_sum_sq[1] = mix_frames = 0.0;
    return mix ? WM_OK : err;
}

BENCH_EXPORT void bench_mix_run(int blocks)
{
    const wm_mixer* m = wm_session_mixer(mix);
    for (int b = 0; b < blocks; b++) {
        wm_session_process(mix, MIX_BLOCK);
        mix_frames += MIX_BLOCK;
        if (mix_frames <= REFMIX_RMS_SKIP_FRAMES)
            continue;
        for (int c = 0; c < 2; c++) {
            const float* o = wm_mixer_output(m, c);
            double acc = 0.0;
            for (int i = 0; i < MIX_BLOCK; i++)
                acc += (double)o[i] * o[i];
            mix_sum_sq[c] += acc;
        }
    }
}

/* The RMS of the master output after the skipped start, channel 0 or 1, in dBFS. */
BENCH_EXPORT double bench_mix_rms_db(int channel)
{
    double counted = mix_frames - REFMIX_RMS_SKIP_FRAMES;
    return 10.0 * log10(mix_sum_sq[channel & 1] / (counted > 0.0 ? counted : 1.0) + 1e-30);
}

#ifndef __EMSCRIPTEN__
#include <time.h>

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Writes the output of `blocks` consecutive blocks of module `id` to
   stdout as raw float32 (per block: each channel's samples in turn). */
static int render(int id, int block, int blocks)
{
    if (bench_setup(id, block) != 0)
        return 1;
    for (int b = 0; b < blocks; b++) {
        bench_run(id, 1);
        for (int c = 0; c < bench_modules[id].channels; c++)
            fwrite(work[c], sizeof(float), (size_t)block, stdout);
    }
    return 0;
}

static int compare_doubles(const void* a, const void* b)
{
    double x = *(const double*)a, y = *(const double*)b;
    return (x > y) - (x < y);
}

/* Times each of `blocks` consecutive blocks; prints "median p99 max" in
   microseconds. */
static int time_blocks(int id, int block, int blocks)
{
    double* t = calloc((size_t)blocks, sizeof(double));
    if (!t || bench_setup(id, block) != 0)
        return 1;
    for (int b = 0; b < blocks; b++) {
        double t0 = now_s();
        bench_run(id, 1);
        t[b] = (now_s() - t0) * 1e6;
    }
    qsort(t, (size_t)blocks, sizeof(double), compare_doubles);
    printf("%.3f %.3f %.3f\n", t[blocks / 2], t[blocks - 1 - blocks / 100], t[blocks - 1]);
    free(t);
    return 0;
}

/* Renders the reference mix `runs` times for `seconds` of audio each
   (after a setup that is not timed); prints per run "wall_seconds
   rms_left_db rms_right_db". */
static int time_mix(int tracks, int channels, double seconds, int runs)
{
    int blocks = (int)(seconds * REFMIX_RATE / MIX_BLOCK + 0.5);
    for (int r = 0; r < runs; r++) {
        if (bench_mix_setup(tracks, channels) != WM_OK)
            return 1;
        double t0 = now_s();
        bench_mix_run(blocks);
        double t = now_s() - t0;
        printf("%.6f %.3f %.3f\n", t, bench_mix_rms_db(0), bench_mix_rms_db(1));
        fflush(stdout);
    }
    return 0;
}

/* usage: wamix_bench_modules SECONDS_OF_AUDIO BLOCK...
            prints "name block msamples_per_s" lines;
          wamix_bench_modules --render ID BLOCK BLOCKS
            writes the module's output as raw float32 to stdout;
          wamix_bench_modules --blocks ID BLOCK BLOCKS
            prints the median, p99 and max time of one block in microseconds;
          wamix_bench_modules --mix TRACKS CHANNELS SECONDS RUNS
            times the reference mix (see time_mix). */
int main(int argc, char** argv)
{
    if (argc == 5 && strcmp(argv[1], "--render") == 0)
        return render(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
    if (argc == 6 && strcmp(argv[1], "--mix") == 0)
        return time_mix(atoi(argv[2]), atoi(argv[3]), atof(argv[4]), atoi(argv[5]));
    if (argc == 5 && strcmp(argv[1], "--blocks") == 0)
        return time_blocks(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
    double seconds = argc > 1 ? atof(argv[1]) : 10.0;
    for (int a = 2; a < argc; a++) {
        int block = atoi(argv[a]);
        int blocks = (int)(seconds * 48000.0 / block) + 1;
        for (int id = 0; id < bench_module_total(); id++) {
            if (bench_setup(id, block) != 0) {
                fprintf(stderr, "bench: setup of %s failed\n", bench_modules[id].name);
                return 1;
            }
            double t0 = now_s();
            bench_run(id, blocks);
            double t = now_s() - t0;
            double samples = (double)blocks * block * bench_modules[id].channels;
            printf("%s %d %.2f\n", bench_modules[id].name, block, samples / t / 1e6);
        }
    }
    return 0;
}
#endif
