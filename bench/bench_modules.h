/* bench_modules.h -- the table of module workloads that bench_modules.c
   times (natively and in WASM) and that the conformance test renders. */
#ifndef WM_BENCH_MODULES_H
#define WM_BENCH_MODULES_H

#include "wm_arena.h"
#include "wm_common.h"

#define BENCH_CHANNELS 4
#define BENCH_MAX_BLOCK 4096

typedef struct {
    wm_arena arena;
    int block;
    float sample_rate;
    float* in[BENCH_CHANNELS];
    float* out[BENCH_CHANNELS]; /* work buffers, processed in place */
} bench_ctx;

typedef struct {
    const char* name;
    int channels; /* samples per frame that one run processes */
    int (*setup)(bench_ctx* ctx);
    void (*run)(bench_ctx* ctx);
} bench_module;

extern const bench_module bench_modules[];
int bench_module_total(void);

#endif
