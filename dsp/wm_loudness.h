/* wm_loudness.h -- programme loudness per ITU-R BS.1770-4 and EBU R 128:
   momentary, short-term and integrated loudness, loudness range and the
   maximum true peak, for mono or stereo (channel weights 1.0: mono is one
   channel, not a doubled one).

   Readings, in LUFS, LU and dBTP:
     momentary     mean square of the K-weighted signal over the last 400 ms
     short-term    the same over the last 3 s
     integrated    BS.1770 gated mean of 400 ms blocks (75% overlap) since
                   reset: absolute gate -70 LUFS, relative gate -10 LU
     range         EBU Tech 3342: 95th minus 10th percentile of the 3 s
                   values since reset (gates -70 LUFS and -20 LU)
     max momentary / max short-term   the largest value since reset
     true peak     per channel, 4x oversampled (wm_truepeak), since reset;
                   it trails the input by WM_TRUEPEAK_DELAY samples
   The windows slide in 10 ms steps (max momentary and max short-term are
   tracked on that grid); readings are recomputed every 100 ms of input, the
   gating-block hop. Before the windows fill, the time before reset counts
   as silence.

   Floors, never -inf or NaN: momentary, short-term and their maxima read
   WM_SILENCE_DB (-120 LUFS) for silence; integrated reads
   WM_LOUDNESS_ABS_GATE_LUFS (-70) until a block passes the gate (any real
   result is above it); range reads 0 LU until two 3 s values pass.

   Memory is bounded whatever the duration: the gated values (400 ms
   blocks, 3 s values) are counted in histograms of 0.01 LU bins from -70 to
   +30 LUFS. Integrated and range are then exactly what BS.1770 and Tech
   3342 define, computed on values rounded to their bin's centre (within
   0.005 LU), with the relative gates taken from the exact mean energy
   (both saturate at +30 LUFS, far above any real programme). The
   struct is about 83 KB, nearly all of it the two histograms.
   Realtime: safe. Thread: one thread per instance. */
#ifndef WM_LOUDNESS_H
#define WM_LOUDNESS_H

#include "wm_common.h"
#include "wm_truepeak.h"

#define WM_LOUDNESS_SUB_MS 10
#define WM_LOUDNESS_MOMENTARY_SUBS 40 /* 400 ms */
#define WM_LOUDNESS_SHORT_SUBS 300    /* 3 s */
#define WM_LOUDNESS_UPDATE_SUBS 10    /* 100 ms */
#define WM_LOUDNESS_ABS_GATE_LUFS (-70.0f)
#define WM_LOUDNESS_HIST_LU 0.01
#define WM_LOUDNESS_HIST_BINS 10000 /* -70 to +30 LUFS; louder goes in the top bin */

typedef struct {
    uint32_t count[WM_LOUDNESS_HIST_BINS];
    double total; /* sum of the mean squares of everything counted */
    uint32_t n;   /* everything counted: 13 years at 10 per second */
} wm_loudness_hist;

typedef struct {
    double shelf[5], highpass[5];    /* K-weighting {b0, b1, b2, a1, a2} */
    double z[WM_MAX_CHANNELS][4];    /* its TDF-II state, both stages */
    wm_truepeak tp[WM_MAX_CHANNELS];
    float peak[WM_MAX_CHANNELS];     /* true peak since reset, linear */
    double sum[WM_MAX_CHANNELS];     /* K-weighted sum of squares in the current 10 ms */
    double ring[WM_LOUDNESS_SHORT_SUBS]; /* the last 3 s: sum of squares per 10 ms, channels added */
    double max_m, max_s;             /* largest window mean squares since reset */
    wm_loudness_hist blocks;         /* 400 ms gating blocks */
    wm_loudness_hist short_terms;    /* 3 s values, for the range */
    int channels;
    int sub_frames; /* frames per 10 ms, rounded */
    int frame;      /* frames into the current 10 ms */
    int ring_pos;   /* where the next 10 ms goes */
    int subs;       /* 10 ms sub-blocks since reset, up to WM_LOUDNESS_SHORT_SUBS */
    int sub_in_update;
    float momentary, short_term, integrated, range, max_momentary, max_short_term;
    unsigned nonfinite;
} wm_loudness;

/* wm_loudness_k_weighting -- the two stages of the BS.1770 pre-filter at
   sample_rate, as {b0, b1, b2, a1, a2} with a0 = 1: the high shelf (+4 dB
   above about 2 kHz) and the RLB high-pass (about 38 Hz). Designed from
   their analog prototypes by the bilinear transform, so every rate gets
   the same curve; at 48 kHz they equal the coefficients BS.1770-4 publishes.
   Realtime: no (tan). Thread: any. For wm_loudness_init, tests and plots. */
void wm_loudness_k_weighting(float sample_rate, double shelf[5], double highpass[5]);

/* wm_loudness_init -- designs the filters and clears everything.
   Parameters: sample_rate in Hz, 8000 to 768000; channels 1 or 2.
   Returns WM_ERR_ARG for anything else, else WM_OK.
   Realtime: no (tan, and clears about 83 KB). Thread: any, before use. */
int wm_loudness_init(wm_loudness* l, float sample_rate, int channels);

/* Starts a new measurement: clears windows, histograms, peaks and counts.
   Realtime: safe (bounded: clears about 83 KB). */
void wm_loudness_reset(wm_loudness* l);

/* wm_loudness_process -- measures n >= 0 frames of planar channels ch[0..].
   NaN and Inf samples count as 0 and are counted; samples beyond +-1e6
   (+120 dBFS) are clipped there so no state can overflow.
   Realtime: safe (log10 and pow only every 100 ms). Thread: one per instance. */
void wm_loudness_process(wm_loudness* l, const float* const* ch, int n);

/* Cheap getters of the readings described above. */
float wm_loudness_momentary_lufs(const wm_loudness* l);
float wm_loudness_short_term_lufs(const wm_loudness* l);
float wm_loudness_integrated_lufs(const wm_loudness* l);
float wm_loudness_range_lu(const wm_loudness* l);
float wm_loudness_max_momentary_lufs(const wm_loudness* l);
float wm_loudness_max_short_term_lufs(const wm_loudness* l);
/* WM_SILENCE_DB for a channel out of range. */
float wm_loudness_true_peak_dbtp(const wm_loudness* l, int channel);
/* Input samples that were NaN or Inf, since init or reset. */
unsigned wm_loudness_nonfinite(const wm_loudness* l);

#endif
