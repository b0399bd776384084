/* wm_analyzer.h -- a spectrum analyzer that behaves like the Web Audio
   AnalyserNode: the newest fft_size samples of the mono down-mix, a Blackman
   window, an FFT scaled by 1/N, |X[k]| smoothed over time, then dB.

   Mapping of the spec onto wamix: the audio thread only feeds samples
   (wm_analyzer_process writes them into a ring); the host calls
   wm_analyzer_compute when the page wants a new spectrum, at display rate.
   Each compute is one "smoothing over time" step, exactly as one
   getFloatFrequencyData call is in a browser, so tau acts per compute and a
   page that asks 60 times a second sees the browser's time constant. The
   spec's "at most once per render quantum" becomes "at most once per batch
   of new audio": a compute with no frame processed since the previous one
   (a paused context) changes nothing and returns 0.

   fft_size changes at run time without allocating: init builds one FFT
   configuration per power of two from 32 to max_fft_size (their total is
   about twice the largest one). The Blackman window is kept once, for
   max_fft_size; size n reads every (max_fft_size / n)th value, which is
   bit for bit the window of size n. Changing the size clears the smoothing
   (the spec's "previous block" is set to 0).

   Readings are never -inf or NaN: a smoothed magnitude below 1e-15 (the
   denormal flush, -300 dB) is 0 and reads WM_ANALYZER_FLOOR_DB, where the
   spec would give -Infinity; a non-finite smoothed value is set to 0 as the
   spec says (a huge finite input can overflow the FFT).

   Thread: one thread per instance. process and compute are meant for the
   same thread (the worklet calls compute between quanta when the page asks
   and ships the result through a shared block); the getters read what the
   last compute left. */
#ifndef WM_ANALYZER_H
#define WM_ANALYZER_H

#include "wm_arena.h"
#include "wm_common.h"
#include "wm_fft.h"

#define WM_ANALYZER_MIN_FFT 32
#define WM_ANALYZER_MAX_FFT 32768
#define WM_ANALYZER_SIZES 11               /* 32, 64, ..., 32768 */
#define WM_ANALYZER_FLOOR_DB (-300.0f)     /* 20 log10(WM_DENORMAL_FLUSH) */
#define WM_ANALYZER_CEILING_DB 300.0f      /* largest accepted max_db */

typedef struct {
    wm_fft fft[WM_ANALYZER_SIZES]; /* fft[i] has size 32 << i, up to max_fft_size */
    float* ring;       /* the last max_fft_size down-mixed samples */
    float* window;     /* Blackman window of max_fft_size */
    float* frame;      /* windowed samples: the FFT input */
    wm_complex* bins;  /* the FFT output */
    float* smoothed;   /* X^[k], linear */
    float* db;         /* Y[k] from the last compute */
    int write;         /* ring index of the next sample */
    int max_fft_size, fft_size, channels;
    int fresh;         /* frames arrived (or the size changed) since the last compute */
    float smoothing, min_db, max_db;
    unsigned nonfinite; /* input samples that were NaN or +-Inf, replaced by 0 */
} wm_analyzer;

/* wm_analyzer_memory_size -- arena bytes wm_analyzer_init takes (an upper
   bound including alignment): about 60 bytes per sample of max_fft_size
   (124 KiB for 2048, 1.9 MiB for 32768), two thirds of it the FFT
   configurations. Returns 0 for a max_fft_size init would reject.
   Realtime: safe. Thread: any. */
size_t wm_analyzer_memory_size(int max_fft_size);

/* wm_analyzer_init -- take the ring, window, buffers and FFT configurations
   from the arena; start silent with the AnalyserNode defaults: fft_size
   2048 (max_fft_size if smaller), smoothing 0.8, min_db -100, max_db -30.
   Parameters: a arena; channels 1 or 2; max_fft_size a power of two from
   WM_ANALYZER_MIN_FFT to WM_ANALYZER_MAX_FFT.
   Returns WM_OK; WM_ERR_ARG for anything else; WM_ERR_NOMEM when the arena
   is too small (the arena is then left as it was).
   Realtime: no (trigonometry for the window and twiddles). Thread: any,
   before use. */
int wm_analyzer_init(wm_analyzer* an, wm_arena* a, int channels, int max_fft_size);

/* wm_analyzer_reset -- forget all audio and the smoothing: the ring holds
   silence and every bin reads WM_ANALYZER_FLOOR_DB. Settings and the
   nonfinite count are kept.
   Realtime: safe (clears O(max_fft_size) floats). Thread: the audio thread. */
void wm_analyzer_reset(wm_analyzer* an);

/* wm_analyzer_set_fft_size -- a power of two; out of [WM_ANALYZER_MIN_FFT,
   max_fft_size] it is clamped and applied (WM_ERR_RANGE); anything that is
   not a power of two is rejected (WM_ERR_ARG, nothing changed). A new size
   clears the smoothing and the readings (they read the floor until the
   next compute); the ring keeps its samples, so the time-domain data of
   the new size is available at once.
   Realtime: safe (clears fft_size floats). Thread: the audio thread. */
int wm_analyzer_set_fft_size(wm_analyzer* an, int fft_size);

/* wm_analyzer_set_smoothing -- tau in [0, 1] (0: no averaging), clamped
   (WM_ERR_RANGE); NaN rejected (WM_ERR_ARG). Takes effect at the next
   compute. Realtime: safe. Thread: the audio thread. */
int wm_analyzer_set_smoothing(wm_analyzer* an, float tau);

/* wm_analyzer_set_range_db -- min_db and max_db of the byte mapping, set
   together so that min_db < max_db always holds. Each is clamped to
   [WM_ANALYZER_FLOOR_DB, WM_ANALYZER_CEILING_DB] (WM_ERR_RANGE); NaN, or
   min_db >= max_db after clamping, is rejected (WM_ERR_ARG, nothing changed).
   Realtime: safe. Thread: the audio thread. */
int wm_analyzer_set_range_db(wm_analyzer* an, float min_db, float max_db);

/* wm_analyzer_process -- append n >= 0 frames of the planar channels
   in[0..channels-1], down-mixed to mono (stereo: 0.5 L + 0.5 R, the
   speakers down-mix, halved first so that huge samples cannot overflow).
   NaN and Inf are replaced by 0 and counted.
   Realtime: safe (a copy into the ring, no FFT). Thread: the audio thread. */
void wm_analyzer_process(wm_analyzer* an, const float* const* in, int n);

/* wm_analyzer_compute -- the spec's "current frequency data": window the
   newest fft_size samples, FFT, smooth over time, convert to dB. Returns 1,
   or 0 (and changes nothing) when no frame has arrived and the size has
   not changed since the previous compute.
   Realtime: bounded, not cheap (an FFT of fft_size plus fft_size / 2 square
   roots and log10s); call it at display rate, not per quantum.
   Thread: the audio thread (see the top of this file). */
int wm_analyzer_compute(wm_analyzer* an);

/* The four readings of the AnalyserNode. Each writes min(len, its count)
   values into out (fewer than its count: the rest are dropped; more: the
   excess of out is left alone) and returns how many it wrote.
   wm_analyzer_frequency_db     fft_size / 2 values Y[k] in dB from the last compute
   wm_analyzer_frequency_bytes  the same as floor(255 (Y - min_db) / (max_db - min_db)), clipped to 0..255
   wm_analyzer_time_domain      the newest fft_size samples, oldest first
   wm_analyzer_time_domain_bytes  the same as floor(128 (1 + x)), clipped to 0..255
   Realtime: safe (O(len)). Thread: the audio thread. */
int wm_analyzer_frequency_db(const wm_analyzer* an, float* out, int len);
int wm_analyzer_frequency_bytes(const wm_analyzer* an, uint8_t* out, int len);
int wm_analyzer_time_domain(const wm_analyzer* an, float* out, int len);
int wm_analyzer_time_domain_bytes(const wm_analyzer* an, uint8_t* out, int len);

#endif
