/* bench_refmix.h -- the benchmark issue's reference mix on the session API
   (dsp/wm_session.h): N tracks of deterministic noise played from the
   sample pool, each through low cut 80 Hz, four peaking bands, compressor
   (-24 dB, 4:1, 5 ms, 100 ms, 6 dB knee), pan spread across the field and
   fader 1/sqrt(N), into the master limiter at -1 dB. bench/refmix.js
   builds the same mix for the browser forms; the two must agree on every
   constant here. */
#ifndef WM_BENCH_REFMIX_H
#define WM_BENCH_REFMIX_H

#include "wm_session.h"

#define REFMIX_RATE 48000
/* The pool holds REFMIX_SAMPLES noise samples of REFMIX_SAMPLE_FRAMES;
   track t plays sample t % REFMIX_SAMPLES from frame (t / REFMIX_SAMPLES) *
   REFMIX_OFFSET_STEP for REFMIX_LOOP_FRAMES, and the transport loops
   [0, REFMIX_LOOP_FRAMES): every track of up to 256 hears its own stretch
   of white noise (uncorrelated with every other), and the pool stays small. */
#define REFMIX_SAMPLES 16
#define REFMIX_SAMPLE_FRAMES 144000
#define REFMIX_LOOP_FRAMES 48000
#define REFMIX_OFFSET_STEP 6000
#define REFMIX_RMS_SKIP_FRAMES 24576 /* the output's RMS is compared after 0.512 s */

/* Value k (0-based, interleaved) of noise sample `index`: xorshift32 from
   a seed per sample, uniform in [-0.5, 0.5). The generator is a stream:
   call refmix_noise_seed, then refmix_noise_next per value. */
uint32_t refmix_noise_seed(int index);
float refmix_noise_next(uint32_t* state);

/* Sets one strip to the reference chain for track `track` of `tracks`.
   Returns WM_OK, or WM_ERR_ARG if any setter refused a value (a bug).
   Realtime: safe. Thread: the audio thread. */
int refmix_set_track(wm_strip* s, int track, int tracks);

/* Creates the session in the arena, loads the noise samples into its pool,
   one looping clip per track, every strip on the reference chain, the
   master limiter on, transport playing. Returns the session, or NULL with
   *err set. Realtime: no. Thread: any, before use. */
wm_session* refmix_create(wm_arena* a, int tracks, int channels, int block, int* err);

#endif
