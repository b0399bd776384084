/* wm_compressor.h -- a feed-forward dynamic range compressor with a
   log-domain gain computer (Giannoulis, Massberg & Reiss, JAES 2012).

   Signal flow, per frame:
     key (the input, or an external sidechain) -> optional high-pass
     -> level: peak |x|, or RMS (one-pole mean square over rms_ms)
     -> static curve: target gain reduction in dB (threshold, ratio, knee)
     -> attack/release smoothing of the gain reduction in dB
     -> gain = makeup - reduction, applied to the input.

   Levels are dBFS of the detected quantity: in RMS mode a full-scale sine
   reads -3.01 dB (as wm_meter does), so the same threshold catches a sine
   3 dB later than in peak mode. Attack and release are the time for the
   gain reduction in dB to cover 63% (1 - 1/e) of a step; the RMS window
   adds its own lag on top. Stereo link: every channel's detector sees the
   largest level over the channels, so all get the same gain; unlinked,
   each channel is compressed on its own level. Switching link, detection
   mode, threshold, ratio or knee moves the target, and the gain follows
   through the attack/release smoothing (no step); makeup glides in dB.

   Units: dB, ms, Hz. Up to WM_MAX_CHANNELS planar channels.
   Realtime: every function but init is safe on the audio thread.
   Thread: one thread per instance (the one that calls process). */
#ifndef WM_COMPRESSOR_H
#define WM_COMPRESSOR_H

#include "wm_biquad.h"
#include "wm_smooth.h"

typedef enum { WM_COMP_PEAK = 0, WM_COMP_RMS = 1 } wm_comp_detect;

typedef struct {
    float threshold_db;     /* [-100, 20] */
    float ratio;            /* [1, INFINITY]: 1 is off, INFINITY (or say 100) a limiter-like curve */
    float knee_db;          /* [0, 48]: width of the quadratic soft knee, 0 = hard */
    float attack_ms;        /* [0, 1000]: 0 follows at once */
    float release_ms;       /* [1, 10000] */
    float makeup_db;        /* [-48, 48] */
    wm_comp_detect detect;  /* peak or RMS */
    float rms_ms;           /* [0.1, 1000]: the RMS averaging time constant */
    int link;               /* nonzero: one gain for all channels, from the loudest */
    float sidechain_hpf_hz; /* 0 = off, else [20, 2000]: 2nd-order Butterworth high-pass on the key */
} wm_compressor_params;

#define WM_COMP_SUBBLOCK 64   /* frames per inner block; state is flushed at its ends */
#define WM_COMP_MAKEUP_MS 20.0f /* length of the makeup ramp */

typedef struct {
    wm_compressor_params p; /* the settings in force (sanitised) */
    float sample_rate;
    int channels;
    /* derived from p by the setter */
    float slope;            /* 1 - 1/ratio: dB of reduction per dB above threshold */
    float half_knee;
    float inv_2knee;        /* 1 / (2 knee), 0 for a hard knee */
    float attack_coef, release_coef, rms_coef;
    /* state */
    wm_filter hpf;          /* the key's high-pass, run only while sidechain_hpf_hz > 0 */
    wm_smooth makeup;       /* dB */
    float mean_sq[WM_MAX_CHANNELS]; /* tracked in both modes (per sub-block in peak mode), for a mode switch */
    float gr_db[WM_MAX_CHANNELS];   /* smoothed gain reduction, >= 0 */
    float gr_max_db;        /* largest reduction since the last read */
    int phase;              /* frames into the current sub-block */
    uint32_t nonfinite;     /* NaN/Inf samples replaced by 0, input and key */
} wm_compressor;

/* Defaults: threshold -20 dB, ratio 4, knee 6 dB, attack 10 ms, release
   100 ms, makeup 0 dB, peak detection, RMS window 10 ms, linked, no HPF.
   Realtime: safe. Thread: any. */
wm_compressor_params wm_compressor_defaults(void);

/* Initialises c at rest with parameters p (no glide from anywhere).
   Parameters: channels in 1..WM_MAX_CHANNELS; sample_rate in [8000, 768000].
   Returns WM_OK, or WM_ERR_ARG if c or p is NULL, the channel count or
   sample rate is invalid, or any parameter is NaN or outside its range
   (c is then unusable).
   Realtime: not for the audio thread (designs a filter). Thread: any. */
int wm_compressor_init(wm_compressor* c, const wm_compressor_params* p, int channels, float sample_rate);

/* Sets all parameters as one snapshot; they take effect from the next
   processed frame (makeup and the HPF cutoff glide, the rest is followed
   through the attack/release smoothing). Out-of-range values are clamped and
   applied, and WM_ERR_RANGE is returned; a NaN (or an unknown detect mode)
   keeps that parameter's previous value and WM_ERR_ARG is returned.
   Cost: three expf, plus one filter design when the HPF is switched on.
   Realtime: safe. Thread: the thread that calls process. */
int wm_compressor_set(wm_compressor* c, const wm_compressor_params* p);

/* Clears all state (detector, gain reduction, HPF, meter) and jumps the
   makeup to its target. Realtime: safe. Thread: the thread that calls process. */
void wm_compressor_reset(wm_compressor* c);

/* Compresses n >= 0 frames. in and out are planar arrays of c->channels
   channels; out may alias in (in place). key: NULL to detect on the input,
   or an external sidechain with c->channels planar channels (pass the same
   pointer twice for a mono key on a stereo input). Non-finite samples in in
   or key are replaced by 0 and counted in c->nonfinite. The output does not
   depend on how a signal is split into calls.
   Realtime: safe (no allocation; no libm call while the parameters stand
   still, the HPF redesigns once per 32 frames while its cutoff glides).
   Thread: one per instance. */
void wm_compressor_process(wm_compressor* c, const float* const* in, float* const* out, const float* const* key,
                           int n);

/* wm_compressor_process_group -- `count` (1..WM_COMP_GROUP) compressors,
   each on its own signal in place (io[k]: c[k]->channels planar buffers
   of n frames, no key), in one pass: the attack/release smoothing, the
   serial part, runs for all of them in the four lanes of a wm_v4 (a
   compressor takes one lane, or one per channel while linked channels
   disagree: they share as many passes as the lanes need). The output is
   bit for bit what wm_compressor_process gives each alone. They must be
   at the same point of their sub-block clocks (all processed alike since
   creation or reset): WM_ERR_ARG, processing nothing, otherwise. Realtime: safe. Thread: one for all of them. */
#define WM_COMP_GROUP 4
int wm_compressor_process_group(wm_compressor* const* c, float* const* const* io, int count, int n);

/* Current gain reduction in dB (>= 0; the gain applied is makeup minus
   this), the largest over the channels.
   Realtime: safe. Thread: the thread that calls process. */
float wm_compressor_gain_reduction_db(const wm_compressor* c);

/* Largest gain reduction in dB since the previous call (read and reset),
   for meters that are read less often than blocks are processed.
   Realtime: safe. Thread: the thread that calls process. */
float wm_compressor_read_max_gain_reduction_db(wm_compressor* c);

/* The static curve: output level in dB for a steady input level in_db with
   the parameters in force (the attack/release smoothing aside), including
   makeup. For drawing the transfer curve. Realtime: safe. Thread: as above. */
float wm_compressor_curve_db(const wm_compressor* c, float in_db);

#endif
