/* wm_strip.h -- one channel strip, as used by a track, a bus or the master:
   1 or 2 input channels through, in this order,
     low cut + 8 EQ bands + high cut (wm_eq, one lane per channel)
     -> compressor (wm_compressor, peak detection, linked)
     -> saturation (wm_saturate, no oversampling: no latency)
     -> width and pan (wm_stereo: the output is always stereo)
     == pre-fader tap (wm_strip_pre)
     -> fader (wm_gain, dB) -> mute (a 10 ms ramp to silence)
     == post-fader output (wm_strip_out), metered (peak and RMS per channel,
        per sub-block: wm_meter_process_block)
   plus the gains of its sends to up to WM_STRIP_MAX_SENDS buses, which the
   mixer applies to the pre or the post tap.

   Parameters form one flat table (WM_STRIP_PARAMS, below). A setter
   validates (wm_check_range) and stores the value; faders, pan, width,
   mute, sends and saturation drive move at once toward the new value
   (each glides). An EQ band, a cut and the compressor are groups: setting
   any of their parameters marks the group dirty, and wm_strip_commit
   (called by wm_strip_process before it renders) hands every dirty group
   to its module as one set (one wm_eq_set_band per band), so a snapshot
   that changes a band's frequency, Q and gain together is applied as one
   consistent set.

   Off without clicks: compressor "off" sets the ratio to 1 and the makeup
   to 0 dB, lets the gain reduction release and the makeup glide, and skips
   the compressor once both are at rest (gain reduction under 1e-4 dB);
   saturation "off" glides its mix to 0 and is skipped once it is exactly 0
   (where its output is exactly its input). EQ sections fade out and leave
   the chain inside wm_eq.

   Mute: the effective mute is the mute parameter or the solo mute the mixer
   sets (wm_strip_set_solo_muted); either ramps the output to silence and
   every send gain (pre- and post-fader) to 0: a muted strip sends nothing.

   A-rate automation (wm_strip_drive): the fader, the pan and the send
   levels can instead take one value per frame from their owner (the
   session's automation lanes); the per-frame values then are the glide.

   Non-finite input samples are replaced by 0 by the EQ, the first insert,
   which always runs (counted in eq_run->nonfinite, for all the tracks
   that share that EQ).
   Thread: one thread per strip (the audio thread). */
#ifndef WM_STRIP_H
#define WM_STRIP_H

#include "wm_arena.h"
#include "wm_compressor.h"
#include "wm_eq.h"
#include "wm_gain.h"
#include "wm_meter.h"
#include "wm_saturate.h"
#include "wm_stereo.h"

#define WM_STRIP_MAX_SENDS 16
#define WM_STRIP_RAMP_MS 10.0f   /* fader, mute, pan, sends, saturation */
#define WM_STRIP_EQ_SMOOTH_MS 20.0f
#define WM_STRIP_COMP_REST_DB 1e-4f /* gain reduction below which an "off" compressor is skipped */

/* One EQ band: on, type (0 peaking, 1 low shelf, 2 high shelf, 3 notch,
   4 band-pass), frequency, Q, gain. Stride WM_STRIP_BAND_STRIDE. */
#define WM_STRIP_BAND(X, k, hz)                                                        \
    X(WM_STRIP_EQ##k##_ON, "eq" #k "_on", 0.0f, 1.0f, 0.0f, "", 1)                     \
    X(WM_STRIP_EQ##k##_TYPE, "eq" #k "_type", 0.0f, 4.0f, 0.0f, "", 1)                 \
    X(WM_STRIP_EQ##k##_FREQ_HZ, "eq" #k "_freq_hz", 20.0f, 20000.0f, hz, "Hz", 0)     \
    X(WM_STRIP_EQ##k##_Q, "eq" #k "_q", 0.1f, 24.0f, 0.7071f, "", 0)                   \
    X(WM_STRIP_EQ##k##_GAIN_DB, "eq" #k "_gain_db", -24.0f, 24.0f, 0.0f, "dB", 0)

/* One send: its level (-96 dB and below is off) and its tap (1: pre-fader). */
#define WM_STRIP_SEND(X, k)                                                            \
    X(WM_STRIP_SEND##k##_DB, "send" #k "_db", -96.0f, 12.0f, -96.0f, "dB", 0)         \
    X(WM_STRIP_SEND##k##_PRE, "send" #k "_pre", 0.0f, 1.0f, 0.0f, "", 1)

/* The parameter table: id, name, min, max, default, unit, stepped (1: the
   value is an integer, a fraction is rounded and reported as WM_ERR_RANGE;
   the cut slopes snap to 12, 24 or 48). */
#define WM_STRIP_PARAMS(X)                                                             \
    X(WM_STRIP_FADER_DB, "fader_db", -96.0f, 12.0f, 0.0f, "dB", 0)                     \
    X(WM_STRIP_PAN, "pan", -1.0f, 1.0f, 0.0f, "", 0)                                   \
    X(WM_STRIP_WIDTH, "width", 0.0f, 2.0f, 1.0f, "", 0)                                \
    X(WM_STRIP_MUTE, "mute", 0.0f, 1.0f, 0.0f, "", 1)                                  \
    X(WM_STRIP_SOLO, "solo", 0.0f, 1.0f, 0.0f, "", 1)                                  \
    X(WM_STRIP_SOLO_SAFE, "solo_safe", 0.0f, 1.0f, 0.0f, "", 1)                        \
    X(WM_STRIP_LOWCUT_ON, "lowcut_on", 0.0f, 1.0f, 0.0f, "", 1)                        \
    X(WM_STRIP_LOWCUT_FREQ_HZ, "lowcut_freq_hz", 20.0f, 20000.0f, 80.0f, "Hz", 0)      \
    X(WM_STRIP_LOWCUT_SLOPE, "lowcut_slope", 12.0f, 48.0f, 12.0f, "dB/oct", 1)         \
    X(WM_STRIP_HIGHCUT_ON, "highcut_on", 0.0f, 1.0f, 0.0f, "", 1)                      \
    X(WM_STRIP_HIGHCUT_FREQ_HZ, "highcut_freq_hz", 20.0f, 20000.0f, 18000.0f, "Hz", 0) \
    X(WM_STRIP_HIGHCUT_SLOPE, "highcut_slope", 12.0f, 48.0f, 12.0f, "dB/oct", 1)       \
    WM_STRIP_BAND(X, 0, 60.0f)                                                         \
    WM_STRIP_BAND(X, 1, 150.0f)                                                        \
    WM_STRIP_BAND(X, 2, 400.0f)                                                        \
    WM_STRIP_BAND(X, 3, 1000.0f)                                                       \
    WM_STRIP_BAND(X, 4, 2500.0f)                                                       \
    WM_STRIP_BAND(X, 5, 5000.0f)                                                       \
    WM_STRIP_BAND(X, 6, 8000.0f)                                                       \
    WM_STRIP_BAND(X, 7, 12000.0f)                                                      \
    X(WM_STRIP_COMP_ON, "comp_on", 0.0f, 1.0f, 0.0f, "", 1)                            \
    X(WM_STRIP_COMP_THRESHOLD_DB, "comp_threshold_db", -60.0f, 0.0f, -20.0f, "dB", 0)  \
    X(WM_STRIP_COMP_RATIO, "comp_ratio", 1.0f, 20.0f, 4.0f, "", 0)                     \
    X(WM_STRIP_COMP_ATTACK_MS, "comp_attack_ms", 0.0f, 500.0f, 10.0f, "ms", 0)         \
    X(WM_STRIP_COMP_RELEASE_MS, "comp_release_ms", 1.0f, 5000.0f, 100.0f, "ms", 0)     \
    X(WM_STRIP_COMP_KNEE_DB, "comp_knee_db", 0.0f, 24.0f, 6.0f, "dB", 0)               \
    X(WM_STRIP_COMP_MAKEUP_DB, "comp_makeup_db", -24.0f, 24.0f, 0.0f, "dB", 0)         \
    X(WM_STRIP_SAT_ON, "sat_on", 0.0f, 1.0f, 0.0f, "", 1)                              \
    X(WM_STRIP_SAT_DRIVE_DB, "sat_drive_db", -24.0f, 48.0f, 0.0f, "dB", 0)             \
    X(WM_STRIP_SAT_CURVE, "sat_curve", 0.0f, 1.0f, 0.0f, "", 1)                        \
    WM_STRIP_SEND(X, 0) WM_STRIP_SEND(X, 1) WM_STRIP_SEND(X, 2) WM_STRIP_SEND(X, 3)    \
    WM_STRIP_SEND(X, 4) WM_STRIP_SEND(X, 5) WM_STRIP_SEND(X, 6) WM_STRIP_SEND(X, 7)    \
    WM_STRIP_SEND(X, 8) WM_STRIP_SEND(X, 9) WM_STRIP_SEND(X, 10) WM_STRIP_SEND(X, 11)  \
    WM_STRIP_SEND(X, 12) WM_STRIP_SEND(X, 13) WM_STRIP_SEND(X, 14) WM_STRIP_SEND(X, 15)

#define WM_STRIP_PARAM_ENUM(id, name, lo, hi, def, unit, stepped) id,
typedef enum { WM_STRIP_PARAMS(WM_STRIP_PARAM_ENUM) WM_STRIP_PARAM_COUNT } wm_strip_param_id;
#undef WM_STRIP_PARAM_ENUM

/* Band k's parameter is WM_STRIP_EQ0_<field> + k * WM_STRIP_BAND_STRIDE;
   send k's is WM_STRIP_SEND0_<field> + k * WM_STRIP_SEND_STRIDE. */
#define WM_STRIP_BAND_STRIDE (WM_STRIP_EQ1_ON - WM_STRIP_EQ0_ON)
#define WM_STRIP_SEND_STRIDE (WM_STRIP_SEND1_DB - WM_STRIP_SEND0_DB)

/* Parameters that take per-frame values (wm_strip_drive): fader, pan, sends. */
#define WM_STRIP_DRIVES (2 + WM_STRIP_MAX_SENDS)

typedef struct {
    float sample_rate; /* 8000 .. 384000 Hz */
    int max_block;     /* 1 .. 2^20 frames */
    int channels;      /* input channels: 1 or 2 */
} wm_strip_config;

typedef struct {
    float peak_db[2]; /* post-fader, per output channel (L, R) */
    float rms_db[2];
    float comp_gr_db; /* compressor gain reduction now, >= 0 */
} wm_strip_levels;

typedef struct {
    wm_strip_config cfg;
    float params[WM_STRIP_PARAM_COUNT]; /* the values in force */
    uint32_t dirty;                     /* bit k: band k; 8, 9: low/high cut; 10: compressor */
    float* in[2];                       /* the input, cfg.channels of them */
    float* pre[2];                      /* after width/pan: the pre-fader tap */
    float* out[2];                      /* after fader and mute */
    wm_eq eq;      /* its own; unused while the strip's lanes are in another strip's (wm_strip_share_eq) */
    wm_eq* eq_run; /* the EQ that filters the strip: &eq, or the sharing strip's */
    int eq_lane;   /* the strip's first lane in eq_run */
    wm_compressor comp;
    wm_saturate sat;
    wm_stereo stereo;
    wm_gain fader, mute;
    wm_smooth send_pre[WM_STRIP_MAX_SENDS], send_post[WM_STRIP_MAX_SENDS]; /* linear */
    wm_meter meter[2];
    const float* drive[WM_STRIP_DRIVES]; /* a-rate values: fader, pan, send 0..15 (NULL: not driven) */
    int comp_active, sat_active; /* running (on, or still gliding off) */
    int solo_muted;
} wm_strip;

/* NULL for an unknown id. Realtime: safe. Thread: any. */
const wm_param_info* wm_strip_param_get_info(int id);

/* Arena bytes wm_strip_init takes (an upper bound); 0 for a bad config.
   Realtime: safe. Thread: any. */
size_t wm_strip_memory_size(const wm_strip_config* cfg);

/* wm_strip_init -- every parameter at its default, at rest; the buffers
   come from the arena. Returns WM_OK, WM_ERR_ARG for a bad config, or
   WM_ERR_NOMEM with the arena rolled back. Realtime: no (designs filters).
   Thread: any, before use. */
int wm_strip_init(wm_strip* s, wm_arena* a, const wm_strip_config* cfg);

/* wm_strip_set_param -- validate and store one parameter (see the top of
   this file for when it takes effect). Returns WM_OK, WM_ERR_RANGE
   (clamped or rounded, and applied), WM_ERR_ARG (NaN: the old value
   stands) or WM_ERR_PARAM (unknown id). Realtime: safe (a powf at most).
   Thread: the audio thread. */
int wm_strip_set_param(wm_strip* s, int id, float value);

/* The value in force (NAN for an unknown id). Realtime: safe. */
float wm_strip_get_param(const wm_strip* s, int id);

/* wm_strip_drive -- a-rate automation of fader_db, pan or a send's level
   (sendK_db): from the next wm_strip_process on, values[i] is the
   parameter's value at frame i of each wm_strip_process and
   wm_strip_add_send call (the owner rewrites values[0 .. n) before each
   call; values in the parameter's range, not checked), and the parameter's
   glide is bypassed: fader and send levels are converted from dB per frame
   (-96 dB and below is silence), the pan matrix is recomputed whenever the
   value changes. A send's mute and pre/post crossfades still glide on top.
   Setting the parameter meanwhile only stores it (wm_strip_get_param).
   NULL hands the parameter back to its setter: it glides from the last
   driven value to the value in force, so none when they are equal. A send
   whose level was -96 dB or below when it became driven starts at rest
   (a fade-out still under way is cut).
   Returns WM_OK, or WM_ERR_PARAM for any other parameter.
   Realtime: safe. Thread: the audio thread. */
int wm_strip_drive(wm_strip* s, int id, const float* values);

/* wm_strip_commit -- hand every dirty group (band, cut, compressor) to its
   module as one set. wm_strip_process calls it first; call it yourself to
   apply a batch without rendering. Realtime: safe (a few expf for the
   compressor). Thread: the audio thread. */
void wm_strip_commit(wm_strip* s);

/* wm_strip_set_solo_muted -- the mixer's solo logic: nonzero mutes the
   strip (output and sends ramp to 0) whatever its mute parameter.
   Realtime: safe. Thread: the audio thread. */
void wm_strip_set_solo_muted(wm_strip* s, int muted);

/* 1 while the strip is muted by its parameter or by solo. */
int wm_strip_muted(const wm_strip* s);

/* The strip's buffers (max_block floats each): the input to fill
   (channel < cfg.channels), the pre-fader tap and the output (channel 0 or
   1). NULL for a channel out of range. Realtime: safe. */
float* wm_strip_input(wm_strip* s, int channel);
const float* wm_strip_pre(const wm_strip* s, int channel);
const float* wm_strip_out(const wm_strip* s, int channel);

/* wm_strip_process -- commit, then run n frames (clamped to 0..max_block)
   from the input buffers through the chain into the pre and out buffers,
   and meter the output. The input buffers are overwritten (the inserts
   run in place). Realtime: safe. Thread: the audio thread. */
void wm_strip_process(wm_strip* s, int n);

/* wm_strip_share_eq -- moves the EQ of strip s into lanes lane ..
   lane + channels - 1 of `host`'s EQ (the lanes must be free: a mixer packs
   four mono tracks, or two stereo ones, into one EQ, so that one pass of
   the four-lane filters runs them all). The settings move over, the state
   starts clear. From then on the strip runs in three steps, the EQ between
   them run by its owner: wm_strip_commit on every strip of the pack,
   wm_eq_process on host's EQ over all their inputs (wm_strip_eq_lanes),
   wm_strip_compress and wm_strip_finish on every strip. Returns WM_ERR_ARG for lanes out of
   range or a host that itself shares. Realtime: no. Thread: any, before
   use. */
int wm_strip_share_eq(wm_strip* s, wm_strip* host, int lane);

/* wm_strip_process in parts: wm_strip_commit, the EQ, the compressor
   (compress), everything after it (finish). wm_strip_process is commit,
   the strip's own EQ, compress, finish.
   wm_strip_compress runs the compressors of `count` consecutive strips
   (an array of them: a mixer's tracks), four at a time where their
   sub-block clocks agree (wm_compressor_process_group), so that their
   serial smoothing shares the lanes of the SIMD registers.
   Realtime: safe. Thread: the audio thread. */
void wm_strip_compress(wm_strip* strips, int count, int n);
void wm_strip_finish(wm_strip* s, int n);

/* Puts the strip's input buffers into lanes[eq_lane ..] for wm_eq_process. */
void wm_strip_eq_lanes(wm_strip* s, float** lanes);

/* Adds send `k`'s contribution of the last n processed frames into
   dst[0..1] (the pre or post tap, times the send's gliding gain), moving
   the glide on by n frames. Does nothing while the send is silent.
   Realtime: safe. Thread: the audio thread. */
void wm_strip_add_send(wm_strip* s, int k, float* const* dst, int n);

/* 1 while send k contributes or is gliding (so the mixer can skip it). */
int wm_strip_send_active(const wm_strip* s, int k);

/* Peak and RMS of the output, compressor gain reduction.
   Realtime: safe (a few log10f). Thread: the audio thread. */
void wm_strip_get_levels(const wm_strip* s, wm_strip_levels* out);

/* Clears all signal state, jumps every glide to its target; parameters
   and counters are kept. Realtime: safe. Thread: the audio thread. */
void wm_strip_reset(wm_strip* s);

#endif
