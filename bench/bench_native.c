/* bench_native.c -- throughput of the native build on the same workload
   that bench/bench.mjs runs through the WASM build, printed as one
   "engine MSAMPLES_PER_S" line for bench.mjs to put in its table.

   usage: wamix_bench_native SECONDS_OF_AUDIO */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "wm_engine.h"

enum { FS = 48000, BLOCK = 128 };

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void fill_noise(float* x, int n, uint32_t* seed)
{
    for (int i = 0; i < n; i++) {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 17;
        *seed ^= *seed << 5;
        x[i] = (float)((double)*seed / 4294967296.0 - 0.5);
    }
}

/* The whole engine (stereo: sanitise, filter, gain, meters), block after block. */
static double bench_engine(int frames)
{
    size_t need = wm_engine_memory_size(2, BLOCK);
    void* mem = malloc(need);
    wm_arena a;
    wm_arena_init(&a, mem, need);
    int err;
    wm_engine* e = wm_engine_create(&a, FS, 2, BLOCK, &err);
    uint32_t seed = 2;
    fill_noise(wm_engine_input(e, 0), BLOCK, &seed);
    fill_noise(wm_engine_input(e, 1), BLOCK, &seed);
    wm_engine_set_param(e, WM_PARAM_FILTER_GAIN_DB, 6.0f);
    wm_engine_set_param(e, WM_PARAM_GAIN_DB, -6.0f);
    double t0 = now_s();
    for (int done = 0; done < frames; done += BLOCK)
        wm_engine_process(e, BLOCK);
    double t = now_s() - t0;
    free(mem);
    return 2.0 * frames / t / 1e6; /* samples = frames x channels */
}

int main(int argc, char** argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 60.0;
    int frames = (int)(seconds * FS);
    printf("engine %.2f\n", bench_engine(frames));
    return 0;
}
