/* wm_convolver.h -- zero-latency convolution reverb with non-uniform
   partitions, a flat cost per block, pre-delay, wet/dry, and impulse
   response replacement with a crossfade.

   Output frame t is dry * x[t] + wet * sum_k h[k] u[t - k], where u is the
   input delayed by the pre-delay: no latency, the first output frame is
   the first input frame times the first IR frame (exactly, in float).
   Channels: 1 or 2, planar. A mono IR runs every channel through the same
   response; a stereo IR (stereo input only) runs left through its left
   channel and right through its right (no cross terms: true stereo, four
   responses, is not supported).

   Partitions (B = the largest power of two <= max_block, within 16..64):
   the first B IR frames are a direct FIR in the time domain; then three
   FFT partitions of B, two of 2B, two of 4B, ... doubling up to
   WM_CONVOLVER_MAX_PARTITION, then as many of that size as the IR needs.
   Each size is a uniformly partitioned overlap-save level (wm_partconv.h).
   Every B frames a tick runs: the B-partition level whole, and every
   larger level one even slice of its period's work (transforms and
   products), so every tick costs about the same, whatever the IR length.
   Output does not depend on how the input is split into calls (bit for
   bit), nor on max_block beyond the choice of B.

   Replacing the IR: the convolver has two IR slots, the one playing and a
   free one. wm_convolver_load_begin + wm_convolver_load_step prepare the
   free slot in bounded steps; wm_convolver_swap then crossfades (equal
   power) from the old response to the new one. Both run on the same input
   history, so after the fade the output is exactly the convolution of the
   whole input with the new IR. The fade starts as soon as every level has
   computed a block with the new IR: at most 2 WM_CONVOLVER_MAX_PARTITION
   frames after the swap (341 ms at 48 kHz), less for short IRs. While both
   slots run, the per-tick cost rises by the new IR's share.

   Threading: one instance belongs to one thread (the audio thread), which
   calls everything, except that wm_convolver_load_step may instead run on
   one other thread while process runs: load_begin (audio thread) must
   happen before the first load_step, no load_begin may run while a
   load_step does, and wm_convolver_swap is called only after the audio
   thread has learnt, through release/acquire (a command queue), that
   load_step returned 0. load_step touches only the free slot, its own
   transform plan and buffers, and data fixed at init. The caller keeps the
   IR samples valid and unchanged until load_step returns 0. Called on the
   audio thread between blocks, load_step spreads the preparation over
   blocks (the simplest use in a worklet).

   Memory: everything from the arena at init, about
   (2 slots x IR channels + channels) x 8 bytes per IR frame, plus rings
   and delay lines (wm_convolver_memory_size: 23.5 MiB for 10 s stereo at
   48 kHz). NaN and Inf in the input (and IR) are replaced by 0 and counted;
   values below 1e-15 are flushed to 0, so no denormal reaches the state. */
#ifndef WM_CONVOLVER_H
#define WM_CONVOLVER_H

#include "wm_arena.h"
#include "wm_common.h"
#include "wm_partconv.h"
#include "wm_smooth.h"

#define WM_CONVOLVER_MAX_PARTITION 8192    /* frames of the largest partitions */
#define WM_CONVOLVER_MAX_LEVELS 10         /* 16, 32, ..., 8192 */
#define WM_CONVOLVER_MAX_IR_FRAMES (1 << 21)
#define WM_CONVOLVER_MAX_PREDELAY_MS 500.0f
#define WM_CONVOLVER_MAX_FADE_MS 5000.0f
#define WM_CONVOLVER_GLIDE_MS 20.0f /* wet, dry and pre-delay changes */

typedef struct {
    float* head[WM_MAX_CHANNELS];    /* the first B IR frames, time domain */
    float* spectra[WM_MAX_CHANNELS]; /* every level's partition spectra */
    int channels, frames;
    int ready; /* loaded completely and not playing yet */
} wm_convolver_slot;

typedef struct {
    int slot; /* being loaded, or -1 */
    const float* ir[WM_MAX_CHANNELS];
    int ch, level, part, step; /* the next step */
    wm_pc_xform xf;            /* the current level's transform */
    long long part_units;      /* done in the current partition */
    int frames_done, frames_total;
    wm_fft* fft;        /* its own leaves: it may run on another thread */
    float *buf[2], *scratch;
    unsigned nonfinite; /* NaN and Inf found in loaded IRs */
} wm_convolver_loader;

enum { WM_CONVOLVER_IDLE, WM_CONVOLVER_PENDING, WM_CONVOLVER_FADING };

typedef struct {
    int channels, block, levels, max_ir_frames;
    float sample_rate_hz;
    wm_pc_level level[WM_CONVOLVER_MAX_LEVELS];
    int offset[WM_CONVOLVER_MAX_LEVELS];                 /* first IR frame of each level */
    size_t spec_offset[WM_CONVOLVER_MAX_LEVELS];         /* of its spectra within a slot channel */
    wm_pc_kernel kern[WM_CONVOLVER_MAX_LEVELS][WM_PC_SLOTS];
    wm_convolver_slot slot[WM_PC_SLOTS];
    wm_pc_io io; /* input rings, per-slot output rings, scratch */
    float* hist[WM_MAX_CHANNELS]; /* FIR history, every frame stored twice */
    int hist_pos;
    float* delay[WM_MAX_CHANNELS]; /* pre-delay lines */
    uint32_t delay_mask;
    int predelay, predelay_next, predelay_queued, predelay_pos, glide_frames;
    int64_t time; /* frames since reset */
    int active, incoming, xfade;
    unsigned waiting;    /* levels yet to run the incoming slot */
    int64_t xfade_start; /* first frame of the fade */
    int xfade_frames;
    wm_convolver_loader load;
    wm_smooth wet, dry;
    float* gains; /* 5 x block: wet, dry, fade out, fade in, pre-delay */
    unsigned nonfinite;
} wm_convolver;

/* wm_convolver_memory_size -- arena bytes wm_convolver_init takes (an upper
   bound, alignment included); 0 when the arguments are invalid.
   Realtime: safe. Thread: any. */
size_t wm_convolver_memory_size(int max_ir_frames, int channels, int max_block, float sample_rate_hz);

/* wm_convolver_init -- place a convolver in the arena, with no IR (wet
   output silent), wet 0 dB, dry off, no pre-delay.
   Parameters: c (out); a the arena; max_ir_frames 0..WM_CONVOLVER_MAX_IR_FRAMES,
   the longest IR it will take; channels 1..WM_MAX_CHANNELS; max_block >= 1,
   the usual block size (chooses B); sample_rate_hz 1000..768000.
   Returns WM_OK, WM_ERR_ARG, or WM_ERR_NOMEM (arena as it was, c untouched).
   Realtime: no (twiddles, KissFFT plans). Thread: any, before use. */
int wm_convolver_init(wm_convolver* c, wm_arena* a, int max_ir_frames, int channels, int max_block,
                      float sample_rate_hz);

/* wm_convolver_reset -- silence: clear the input history and every tail;
   a pending or running crossfade completes at once. Loaded IRs, settings
   and the nonfinite counts are kept.
   Realtime: safe, but it clears all the state (O(memory)). Thread: audio. */
void wm_convolver_reset(wm_convolver* c);

/* wm_convolver_process -- convolve n >= 0 frames.
   Parameters: in[c], out[c] for each channel; out may alias in.
   Realtime: safe (no allocation). Thread: audio. */
void wm_convolver_process(wm_convolver* c, const float* const* in, float* const* out, int n);

/* wm_convolver_set_wet_db, _set_dry_db -- output gains of the convolution
   and of the input, -120 (off) .. +24 dB; they glide over
   WM_CONVOLVER_GLIDE_MS (at once before the first process after init or
   reset). wm_convolver_set_predelay_ms -- 0..500 ms, rounded to a frame; a
   change crossfades the delay line's read point over WM_CONVOLVER_GLIDE_MS
   (a change during a glide follows it).
   Returns WM_OK, WM_ERR_RANGE (clamped, applied) or WM_ERR_ARG (NaN, ignored).
   Realtime: safe. Thread: audio. */
int wm_convolver_set_wet_db(wm_convolver* c, float wet_db);
int wm_convolver_set_dry_db(wm_convolver* c, float dry_db);
int wm_convolver_set_predelay_ms(wm_convolver* c, float predelay_ms);

/* wm_convolver_load_begin -- start loading an IR into the free slot.
   Parameters: ir[ch] for ch < ir_channels (1, or the convolver's channel
   count), ir_frames 0..max_ir_frames (0: no reverb). A load in progress is
   abandoned. Copies the first B frames, so it is cheap; the rest is read by
   load_step, and must stay valid and unchanged until it returns 0.
   Returns WM_OK, WM_ERR_ARG, or WM_ERR_LIMIT while a crossfade is pending
   or running (both slots in use; see wm_convolver_busy).
   Realtime: safe (O(B)). Thread: audio. */
int wm_convolver_load_begin(wm_convolver* c, const float* const* ir, int ir_channels, int ir_frames);

/* wm_convolver_load_step -- prepare the next part of the IR: at least one
   step (one 2B-point FFT or one chunk of 256 butterflies), then more until
   the work equals about max_frames IR frames.
   Returns the work left, in IR frames summed over channels (partitions
   rounded up); 0 when the slot is ready (or nothing is loading).
   Realtime: safe (bounded by max_frames). Thread: see the top of the file. */
int wm_convolver_load_step(wm_convolver* c, int max_frames);

/* wm_convolver_load -- load_begin then load_step to the end.
   Realtime: no (a 10 s stereo IR takes milliseconds). Thread: audio. */
int wm_convolver_load(wm_convolver* c, const float* const* ir, int ir_channels, int ir_frames);

/* wm_convolver_swap -- make the loaded IR the playing one, crossfading
   over fade_ms (0..WM_CONVOLVER_MAX_FADE_MS) once it is computed at every
   level (see the top). Before the first process after init or reset it
   takes effect at once.
   Returns WM_OK, WM_ERR_RANGE (fade clamped), WM_ERR_ARG (NaN fade, or no
   IR fully loaded), WM_ERR_LIMIT (a crossfade is already under way).
   Realtime: safe (clears the new slot's output ring). Thread: audio. */
int wm_convolver_swap(wm_convolver* c, float fade_ms);

/* wm_convolver_busy -- 1 while a crossfade is pending or running (a load
   cannot begin), else 0. Realtime: safe. Thread: audio. */
int wm_convolver_busy(const wm_convolver* c);

#endif
