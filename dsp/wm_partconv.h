/* wm_partconv.h -- one level of a partitioned convolution: uniformly
   partitioned overlap-save with a frequency-domain delay line, whose whole
   period of work (transforms and spectral products) runs in small bounded
   steps, so that a caller can spread it evenly over the blocks of the period.

   The building block of wm_convolver, which stacks levels of growing
   partition size and owns the signal rings these levels read and write.
   A level of partition size n keeps the spectra (2n-point real transforms)
   of its last `parts` input blocks. A job is launched each time n new input
   frames are complete: it transforms the newest 2n input frames, multiplies
   the spectra with those of the impulse response partitions of one or two
   kernels (the two slots of a crossfade), transforms back and adds the n
   valid output frames into each kernel's output ring, starting `delay`
   frames after the launch. The transforms are real FFTs of 2n points built
   from KissFFT leaves (wm_fft) of `leaf` points plus radix-2 stages done
   here, so no single step is larger than one leaf transform or one chunk of
   butterflies, whatever n is.

   Spectra are planar: n + 4 real parts then n + 4 imaginary parts (bins
   0..n, then zero padding to a multiple of four for wm_v4).
   Realtime: everything but init is safe (no allocation).
   Thread: one thread per level; wm_pc_forward_step on a separate
   wm_pc_xform (with its own wm_fft and buffers) may run on another thread. */
#ifndef WM_PARTCONV_H
#define WM_PARTCONV_H

#include "wm_arena.h"
#include "wm_common.h"
#include "wm_fft.h"

#define WM_PC_SLOTS 2    /* kernels a job can run at once */
#define WM_PC_MAX_LOG2 20 /* twiddle tables exist for transforms up to 2^20 */

/* A 2n-point real transform split into `leaves` KissFFT transforms of
   `leaf` points and log2(leaves) radix-2 stages. A view: its memory (two
   stage buffers, twiddles, the leaf FFT) is owned by whoever set it up. */
typedef struct {
    int n, leaf, leaves, stages;
    int chunk;      /* butterflies per stage step */
    int steps;      /* steps of one whole transform */
    long long units; /* cost estimate of one whole transform */
    const wm_fft* fft;
    const float* const* tw; /* tw[log2 q]: cos then -sin of 2 pi k / q, k < q/4 */
    float* buf[2];          /* stage buffers: cap real parts, then cap imaginary */
    int cap;
} wm_pc_xform;

/* Where a forward transform reads its 2n input frames: frame i of the
   window is base[(start + i) & mask] for i < valid, 0 beyond. Each value is
   multiplied by scale; with nonfinite set, NaN and Inf become 0 (counted
   there) and magnitudes below WM_DENORMAL_FLUSH become 0 too. */
typedef struct {
    const float* base;
    int64_t start;
    uint32_t mask;
    int valid;
    float scale;
    unsigned* nonfinite;
} wm_pc_source;

/* One kernel's partitions at one level: spectra[c] is the first of `parts`
   consecutive spectra used for input channel c (a mono kernel gives the
   same pointer for every channel). */
typedef struct {
    const float* spectra[WM_MAX_CHANNELS];
    int parts;
} wm_pc_kernel;

/* What a level's job uses but does not own: in[c] holds the input of
   channel c by absolute frame (& in_mask), out[s][c] accumulates the output
   of kernel slot s (& out_mask); scratch (2 leaf + 4 floats for the largest
   leaf) is not kept between steps, so levels may share it. */
typedef struct {
    float* in[WM_MAX_CHANNELS]; /* the level only reads these */
    float* out[WM_PC_SLOTS][WM_MAX_CHANNELS];
    uint32_t in_mask, out_mask;
    float* scratch;
} wm_pc_io;

typedef struct {
    wm_pc_xform xf;
    int parts, channels; /* depth of the delay line; input channels */
    int spec;            /* n + 4 */
    int delay;           /* output of a job starts this long after its launch: 0 or n */
    int ticks;           /* slices a job is spread over */
    float* fdl[WM_MAX_CHANNELS]; /* parts spectra per channel, a ring */
    float* y;                    /* the spectral product being built */
    int newest;                  /* fdl index of the newest input block */
    /* the current job */
    int64_t launch;
    unsigned slots;                 /* kernels it still runs (bit s = slot s) */
    int kparts[WM_PC_SLOTS];        /* kernel partitions at launch */
    long long total, done;          /* units */
    int tick, task, step;
    long long task_done;
} wm_pc_level;

/* wm_pc_twiddle_floats -- floats of the twiddle table for transforms of q
   points (q a power of two, >= 16); wm_pc_twiddle_fill writes it.
   Realtime: fill is not (sin and cos). Thread: any. */
size_t wm_pc_twiddle_floats(int q);
void wm_pc_twiddle_fill(float* tw, int q);

/* wm_pc_xform_setup -- describe a 2n-point transform over leaf-point
   KissFFT leaves (leaf a power of two in [32, 2n], fft of that size), the
   twiddle tables tw (for every q from 2 leaf to 2n) and two stage buffers of
   wm_pc_xform_buffer_floats(n, leaf) floats each. No allocation.
   Realtime: safe. Thread: any. */
int wm_pc_xform_buffer_floats(int n, int leaf);
void wm_pc_xform_setup(wm_pc_xform* x, int n, int leaf, const wm_fft* fft, const float* const* tw, float* buf0,
                       float* buf1);

/* wm_pc_forward_step -- step `step` (0 .. x->steps - 1, in order) of the
   forward transform of src into the spectrum dest (2 (n + 4) floats).
   leaf_scratch: 2 leaf + 4 floats, not kept between steps.
   Returns the step's cost in units. Realtime: safe. Thread: x's. */
long long wm_pc_forward_step(const wm_pc_xform* x, int step, const wm_pc_source* src, float* dest,
                             float* leaf_scratch);

/* wm_pc_level_memory_size / wm_pc_level_init -- a level of partition size
   n (>= 16, a power of two) with a delay line of `parts` spectra for
   `channels` input channels, whose transforms use leaf-point leaves through
   fft and the twiddles tw (kept by pointer). delay: 0 when the job must run
   whole in the tick that launches it (ticks = 1), n when it is spread over
   `ticks` slices. init returns WM_OK or WM_ERR_NOMEM (arena left as it
   was). Realtime: no. Thread: any, before use. */
size_t wm_pc_level_memory_size(int n, int leaf, int parts, int channels);
int wm_pc_level_init(wm_pc_level* l, wm_arena* a, int n, int leaf, const wm_fft* fft, const float* const* tw,
                     int parts, int channels, int delay, int ticks);

/* wm_pc_level_reset -- clear the delay line and forget the current job.
   Realtime: safe (clears parts * channels spectra). Thread: the level's. */
void wm_pc_level_reset(wm_pc_level* l);

/* wm_pc_launch -- start the job for the input block that ends at frame
   `now` (the previous job must be complete: it is after `ticks` slices),
   for the kernel slots in the bit mask `slots`, whose kernels are k[0],
   k[1]. Costs nothing by itself. Realtime: safe. Thread: the level's. */
void wm_pc_launch(wm_pc_level* l, int64_t now, unsigned slots, const wm_pc_kernel* k);

/* wm_pc_slice -- run the current job's share for this tick: after slice t
   (1-based) of `ticks`, t / ticks of its cost is done, so the last slice
   completes it. k must be the kernels given to wm_pc_launch.
   Realtime: safe. Thread: the level's. */
void wm_pc_slice(wm_pc_level* l, const wm_pc_io* io, const wm_pc_kernel* k);

/* wm_pc_drop -- stop running kernel slot s in the current job (its kernel
   is about to change or is no longer heard); its steps are skipped.
   Realtime: safe. Thread: the level's. */
void wm_pc_drop(wm_pc_level* l, int slot);

#endif
