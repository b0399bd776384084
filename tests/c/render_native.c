/* render_native.c -- renders raw planar float32 audio through the native
   engine, so that tests can compare the WASM build against it.

   usage: wamix_render_native CHANNELS FRAMES BLOCK IN.f32 OUT.f32 [FRAME:ID:VALUE ...]
   Each FRAME:ID:VALUE sets parameter ID before the first block that starts
   at or after FRAME. Exits 1 with a message on any error. */
#include <stdio.h>
#include <stdlib.h>

#include "wm_engine.h"

static float* read_all(const char* path, size_t count)
{
    float* x = malloc(count * sizeof(float));
    FILE* f = fopen(path, "rb");
    if (!x || !f || fread(x, sizeof(float), count, f) != count) {
        fprintf(stderr, "render_native: cannot read %zu floats from %s\n", count, path);
        exit(1);
    }
    fclose(f);
    return x;
}

int main(int argc, char** argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: %s CHANNELS FRAMES BLOCK IN.f32 OUT.f32 [FRAME:ID:VALUE ...]\n", argv[0]);
        return 1;
    }
    int channels = atoi(argv[1]), frames = atoi(argv[2]), block = atoi(argv[3]);
    float* in = read_all(argv[4], (size_t)channels * frames);
    float* out = calloc((size_t)channels * frames, sizeof(float));
    size_t need = wm_engine_memory_size(channels, block);
    void* mem = malloc(need);
    wm_arena arena;
    wm_arena_init(&arena, mem, need);
    int err;
    wm_engine* e = wm_engine_create(&arena, 48000.0f, channels, block, &err);
    if (!e) {
        fprintf(stderr, "render_native: %s\n", wm_strerror(err));
        return 1;
    }
    int next_event = 6;
    for (int start = 0; start < frames; start += block) {
        int n = frames - start < block ? frames - start : block;
        while (next_event < argc) {
            int at, id;
            float value;
            if (sscanf(argv[next_event], "%d:%d:%f", &at, &id, &value) != 3) {
                fprintf(stderr, "render_native: bad event '%s'\n", argv[next_event]);
                return 1;
            }
            if (at > start)
                break;
            wm_engine_set_param(e, id, value);
            next_event++;
        }
        for (int c = 0; c < channels; c++)
            memcpy(wm_engine_input(e, c), in + (size_t)c * frames + start, (size_t)n * sizeof(float));
        wm_engine_process(e, n);
        for (int c = 0; c < channels; c++)
            memcpy(out + (size_t)c * frames + start, wm_engine_output(e, c), (size_t)n * sizeof(float));
    }
    FILE* f = fopen(argv[5], "wb");
    if (!f || fwrite(out, sizeof(float), (size_t)channels * frames, f) != (size_t)channels * frames) {
        fprintf(stderr, "render_native: cannot write %s\n", argv[5]);
        return 1;
    }
    fclose(f);
    free(in);
    free(out);
    free(mem);
    return 0;
}
