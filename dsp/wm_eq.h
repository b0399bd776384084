/* wm_eq.h -- a parametric equaliser for up to four lanes at once: eight
   bands, a low cut and a high cut per lane, all in one pass over the block.

   Lanes: one instance filters up to four planar signals in the four lanes
   of a wm_v4 (wm_biquad4). Every lane has its own settings, so a mixer can
   pack four mono tracks, or two stereo tracks (a stereo track is two lanes
   set alike), into one instance.

   Signal path of each lane, sections in series:
     low cut -> bands 0..7 -> high cut
   Bands are RBJ cookbook biquads: peaking, low shelf, high shelf, notch,
   band-pass (0 dB peak). The cuts are Butterworth filters, -3.01 dB at
   freq_hz, made of 1, 2 or 4 second-order sections with the Butterworth Qs
   1/(2 cos((2k+1) pi / 2N)):
     12 dB/octave: order 2, one section,    Q 0.7071
     24 dB/octave: order 4, two sections,   Q 0.5412, 1.3066
     48 dB/octave: order 8, four sections,  Q 0.5098, 0.6013, 0.9000, 2.5629
   so |H|^2 = 1 / (1 + (tan(pi f / fs) / tan(pi fc / fs))^(2N)).

   Changes glide, click-free: frequency and Q geometrically, gain linearly in
   dB, with the time constant smooth_ms; while anything moves, coefficients
   are redesigned once per WM_EQ_SUBBLOCK frames and ramped sample by sample
   in between; at rest nothing is redesigned. Enabling or disabling a band
   or a cut moves its coefficients along a straight line from or to the
   identity (stable all the way: the (a1, a2) stability triangle is convex),
   after which a section that is off in every lane is skipped and costs
   nothing. A change of band type fades the band out, switches, and fades it
   back in; a change of slope glides the Qs and fades sections in or out.

   Units: Hz, dB; Q dimensionless. Limits: those of wm_biquad_design
   (10 Hz .. 0.49 fs, Q 0.025 .. 40, gain +-48 dB). */
#ifndef WM_EQ_H
#define WM_EQ_H

#include "wm_biquad4.h"

#define WM_EQ_LANES WM_BIQUAD4_LANES
#define WM_EQ_BANDS 8
#define WM_EQ_CUT_SECTIONS 4 /* per cut, at 48 dB/octave */
#define WM_EQ_SECTIONS (WM_EQ_BANDS + 2 * WM_EQ_CUT_SECTIONS)
#define WM_EQ_SUBBLOCK WM_BIQUAD4_SUBBLOCK

/* One band, set as a whole: a change is one consistent set of values. */
typedef struct {
    wm_biquad_type type; /* WM_BIQUAD_PEAKING, _LOWSHELF, _HIGHSHELF, _NOTCH or _BANDPASS */
    float freq_hz;       /* centre, or the shelf's midpoint */
    float q;
    float gain_db; /* peaking and shelves; ignored by notch and band-pass */
    int enabled;
} wm_eq_band;

typedef enum {
    WM_EQ_LOW_CUT = 0, /* high-pass */
    WM_EQ_HIGH_CUT = 1 /* low-pass */
} wm_eq_cut_side;

typedef struct {
    float freq_hz; /* the -3.01 dB point */
    int slope_db;  /* per octave: 12, 24 or 48 */
    int enabled;
} wm_eq_cut;

/* One biquad across the four lanes. Invariant: step is zero unless ramping. */
typedef struct {
    wm_biquad4_coefs coefs;     /* in use now */
    wm_biquad4_coefs coefs_end; /* where the current sub-block's ramp ends */
    wm_biquad4_coefs step;      /* per-sample increment */
    wm_v4 z[2];
    int moving;  /* some lane's voice has not reached its target */
    int ramping; /* coefs are moving toward coefs_end */
} wm_eq_section;

/* The glide of one section in one lane. */
typedef struct {
    wm_biquad_params target, current;
    float mix; /* 0: identity .. 1: the design, a straight line between the two */
    int on;
    int moving;
} wm_eq_voice;

/* Sections 0..3 are the low cut, 4..11 the bands, 12..15 the high cut. */
typedef struct {
    wm_eq_section sec[WM_EQ_SECTIONS];
    wm_eq_voice voice[WM_EQ_SECTIONS][WM_EQ_LANES];
    unsigned char active[WM_EQ_SECTIONS]; /* the sections that run, in series order */
    int n_active;
    float sample_rate;
    float glide; /* fraction of the remaining distance covered per sub-block */
    int moving;  /* some section is moving */
    int phase;   /* frames into the current sub-block */
    int nonfinite;       /* input samples that were NaN or +-Inf, replaced by 0 */
    int unstable_resets; /* section lanes whose state overflowed and was cleared */
} wm_eq;

/* Every band (peaking, 1 kHz, Q 0.7071, 0 dB) and both cuts (20 Hz and
   20 kHz, 12 dB/octave, clamped to 0.49 fs) disabled, at rest: the EQ
   passes its input through untouched. sample_rate in 1000..768000 Hz,
   smooth_ms >= 0 (0: changes take one sub-block). Returns WM_ERR_ARG
   otherwise. Thread: any (before use). */
int wm_eq_init(wm_eq* eq, float sample_rate, float smooth_ms);

/* Clears the state of every section and lane and jumps to the targets
   (no glide). The counters are kept. Realtime: safe (it redesigns every
   section, so not per sample). Thread: the thread that runs the EQ. */
void wm_eq_reset(wm_eq* eq);

/* wm_eq_reset for lanes first .. first + count - 1 alone: the other lanes
   go on as they were (the sub-block clock too). Realtime: safe, as
   wm_eq_reset. Thread: the thread that runs the EQ. */
void wm_eq_reset_lanes(wm_eq* eq, int first, int count);

/* Sets band `band` (0..7) of lane `lane` (0..3) as a whole; the band
   glides there. Returns WM_OK; WM_ERR_RANGE when a value was clamped to the
   limits (and applied); WM_ERR_ARG, changing nothing, for a bad lane, band
   or type, a NULL pointer or a NaN. Cheap: no trigonometry here.
   Realtime: safe. Thread: the thread that runs the EQ. */
int wm_eq_set_band(wm_eq* eq, int lane, int band, const wm_eq_band* b);

/* Sets the low or the high cut of lane `lane` as a whole. slope_db must be
   12, 24 or 48. Return values as wm_eq_set_band. Realtime: safe.
   Thread: the thread that runs the EQ. */
int wm_eq_set_cut(wm_eq* eq, int lane, wm_eq_cut_side side, const wm_eq_cut* c);

/* Filters n >= 0 frames of the four planar lanes in[0..3] into out[0..3]
   (in place allowed; a NULL input lane is silence, a NULL output lane is
   not written). Non-finite input is replaced by 0 and counted in
   eq->nonfinite. Output does not depend on how the signal is split into
   blocks. Realtime: safe (no allocation, no locks, no trigonometry while
   nothing moves). Thread: one thread per instance. */
void wm_eq_process(wm_eq* eq, const float* const* in, float* const* out, int n);

/* |H| in dB of lane `lane` at freq_hz, from the coefficients in use right
   now (mid-glide too): for drawing the curve. A lane outside 0..3 reads
   0 dB. Not for the audio path: trigonometry per section.
   Thread: the thread that runs the EQ. */
float wm_eq_response_db(const wm_eq* eq, int lane, float freq_hz);

#endif
