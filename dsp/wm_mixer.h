/* wm_mixer.h -- tracks, buses and the master, fixed at creation.

   Render order per block (wm_mixer_process):
     1. solo: when any track or bus is soloed, every strip that is not is
        muted (solo in place), except buses marked solo_safe; a track that
        sends to a soloed bus stays audible (upstream solo), directly and
        through its sends. Muted strips, by parameter or by solo, send
        nothing: their pre- and post-fader sends both ramp to 0.
     2. every track renders its source into its strip input: its clips at
        the transport's spans (while playing; a block crossing the loop end
        continues from the loop start in the same block), plus its external
        input when the host filled it for this block (wm_mixer_track_input);
     3. every track strip processes; their EQs run four lanes at a time
        (wm_strip_share_eq: consecutive tracks packed, four mono or two
        stereo to an EQ), so one pass of the SIMD filters does four mono
        tracks;
     4. each track's output is summed into the master, and into each bus by
        its send gains (pre-fader sends tap after width/pan, before fader
        and mute; post-fader sends tap the strip output);
     5. the bus insert (wm_mixer_set_bus_insert) runs on each bus's input,
        then the bus strips process and sum into the master (buses do not send:
        their send parameters are ignored, as are the master's solo and
        sends);
     6. the master strip processes, then the master limiter (lookahead
        WM_MIXER_LIMITER_LOOKAHEAD_MS, fixed; "off" crossfades to a delay
        line of the same length, so the latency never changes), then the
        master meters: peak/RMS per channel (per sub-block, wm_meter_process_block), loudness (BS.1770 M, S, I),
        true peak and correlation, all after the limiter.
   The output latency is the limiter's (wm_mixer_latency): a host hears
   timeline frame position - latency (while playing without loop wraps).

   Memory: everything comes from the arena at creation
   (wm_mixer_memory_size); nothing is allocated afterwards. The sample pool
   is the host's (config.pool), at the engine's sample rate.
   Thread: one thread (the audio thread) for everything but memory_size. */
#ifndef WM_MIXER_H
#define WM_MIXER_H

#include "wm_clips.h"
#include "wm_strip.h"
#include "wm_transport.h"

#define WM_MIXER_MAX_TRACKS 256
#define WM_MIXER_MAX_BUSES WM_STRIP_MAX_SENDS
#define WM_MIXER_LIMITER_LOOKAHEAD_MS 2.0f

/* Master parameters: id, name, min, max, default, unit, stepped. */
#define WM_MIXER_PARAMS(X)                                                                 \
    X(WM_MIXER_LIMITER_ON, "limiter_on", 0.0f, 1.0f, 0.0f, "", 1)                          \
    X(WM_MIXER_LIMITER_CEILING_DB, "limiter_ceiling_db", -60.0f, 0.0f, -1.0f, "dB", 0)     \
    X(WM_MIXER_LIMITER_RELEASE_MS, "limiter_release_ms", 1.0f, 10000.0f, 100.0f, "ms", 0)

#define WM_MIXER_PARAM_ENUM(id, name, lo, hi, def, unit, stepped) id,
typedef enum { WM_MIXER_PARAMS(WM_MIXER_PARAM_ENUM) WM_MIXER_PARAM_COUNT } wm_mixer_param_id;
#undef WM_MIXER_PARAM_ENUM

typedef struct {
    float sample_rate;  /* 8000 .. 384000 Hz */
    int max_block;      /* 1 .. 2^20 frames */
    int track_count;    /* 1 .. WM_MIXER_MAX_TRACKS */
    int bus_count;      /* 0 .. WM_MIXER_MAX_BUSES */
    int clips_per_track; /* 1 .. WM_CLIPS_MAX_CAPACITY */
    const wm_pool* pool; /* may be NULL: clips play silence */
    unsigned char track_channels[WM_MIXER_MAX_TRACKS]; /* 1 or 2 for each track in use */
} wm_mixer_config;

typedef struct {
    float peak_db[2], rms_db[2]; /* after the limiter */
    float momentary_lufs, short_term_lufs, integrated_lufs;
    float true_peak_dbtp[2]; /* maximum since creation or reset */
    float correlation;
    float limiter_gr_db;
} wm_mixer_master_levels;

typedef struct wm_mixer wm_mixer;

/* Arena bytes wm_mixer_create needs (an upper bound); 0 for a bad config.
   Realtime: safe. Thread: any. */
size_t wm_mixer_memory_size(const wm_mixer_config* cfg);

/* wm_mixer_create -- places the whole mixer in the arena. Returns it, or
   NULL with *err WM_ERR_ARG (bad config) or WM_ERR_NOMEM (arena too small:
   rolled back, nothing consumed). Realtime: no. Thread: any, before use. */
wm_mixer* wm_mixer_create(wm_arena* a, const wm_mixer_config* cfg, int* err);

/* The strips, for their parameters and levels (NULL out of range). */
wm_strip* wm_mixer_track(wm_mixer* m, int track);
wm_strip* wm_mixer_bus(wm_mixer* m, int bus);
wm_strip* wm_mixer_master(wm_mixer* m);
wm_clips* wm_mixer_clips(wm_mixer* m, int track); /* the track's clip list */
/* Strip i in one numbering: tracks 0..T-1, buses T..T+B-1, the master T+B. */
wm_strip* wm_mixer_strip(wm_mixer* m, int index);
wm_transport* wm_mixer_transport(wm_mixer* m);

/* The external input of a track for the next block (max_block floats),
   marked as filled: the next wm_mixer_process adds every channel of it to
   the track's source (fill them all), then forgets it; a track whose input
   was not asked for in a block gets none. NULL out of range.
   Realtime: safe. Thread: the audio thread. */
float* wm_mixer_track_input(wm_mixer* m, int track, int channel);

/* Master parameters, with the wm_check_range rules (WM_ERR_PARAM for an
   unknown id). Realtime: safe. */
int wm_mixer_set_param(wm_mixer* m, int id, float value);
float wm_mixer_get_param(const wm_mixer* m, int id);
const wm_param_info* wm_mixer_param_get_info(int id);

/* wm_mixer_process -- renders n frames (clamped to 0..max_block) into the
   master output. Realtime: safe (no allocation, no locks). Thread: audio. */
void wm_mixer_process(wm_mixer* m, int n);

/* wm_mixer_process_part -- renders frames [at, at + n) of a block as one
   call of wm_mixer_process would have (at + n clamped to max_block): the
   external inputs are read from offset at, the output written at offset
   at; `last` nonzero ends the block (the external inputs are forgotten).
   The output does not depend on how a block is cut into parts. The
   session's automation renders a block in parts this way.
   Realtime: safe. Thread: audio. */
void wm_mixer_process_part(wm_mixer* m, int at, int n, int last);

/* The master output, channel 0 or 1 (NULL otherwise): max_block floats. */
const float* wm_mixer_output(const wm_mixer* m, int channel);

/* Output latency in frames (the limiter's lookahead). */
int wm_mixer_latency(const wm_mixer* m);

/* Engine time: frames rendered since creation. */
int64_t wm_mixer_frames(const wm_mixer* m);

/* An insert that runs on every bus's summed input, in place, before the
   bus strip (the session's bus reverbs, wm_busverb). io[0..1] hold n
   frames. NULL removes it. Realtime: safe. Thread: the audio thread. */
typedef void (*wm_mixer_bus_insert)(void* ctx, int bus, float* const* io, int n);
void wm_mixer_set_bus_insert(wm_mixer* m, wm_mixer_bus_insert fn, void* ctx);

/* Master levels after the limiter. Realtime: safe (a few log10f). */
void wm_mixer_get_master_levels(const wm_mixer* m, wm_mixer_master_levels* out);

#endif
