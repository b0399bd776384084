/* test_hostile.c -- hostile numbers through the whole engine.

   A session with 4 tracks (mono and stereo), a bus and the master, every
   insert on (cuts, 8 EQ bands, compressor, saturation, sends to the bus)
   and the master limiter on, driven through the command ring as the page
   drives it, renders WAMIX_HOSTILE_SECONDS of audio (default 3600: the
   hour, about 1 minute natively; the sanitizer run renders less) in which
   - every track input carries runs of NaN, +Inf, -Inf, +-1e30, FLT_MAX,
     denormals, FLT_MIN-scale noise, 10%-NaN/Inf noise, loud noise or
     silence, a new kind every 1..200 blocks per track;
   - the transport loops over clips whose samples (loaded through the pool
     spans as the page loads them) hold the same kinds of values, at
     +24 dB clip gain, with seeks into them now and then;
   - every parameter of every strip, in turn, and the limiter's ceiling and
     release receive NaN, +-Inf, +-1e30, +-FLT_MAX, +-denormal, -0, values
     just outside their range and random ones inside (6 per block); the
     limiter switch receives only values that mean "on" (NaN, +Inf, 1e30,
     FLT_MAX, 0.7), since "off" is a legitimate request;
   - AUTOMATE events for strip and master parameters with hostile values,
     times and time constants, of every kind;
   - CLIP_ADD with hostile gains and fades, removed again when accepted.
   Checked at every output sample: finite, and |y| <= the limiter ceiling
   in force (a new ceiling reaches the output `latency` samples after the
   block it is set in, so those first samples may still use the previous
   one), within float rounding (1e-6 relative); and every 64th block the
   levels the page reads are finite.

   Recovery: then every parameter is set to the same normal values in this
   session and in a fresh clean one, the transport stops, and both get the
   same normal input (sines and noise at -12 dBFS). The outputs must agree
   within 1e-3 (-60 dBFS, 48 dB under the program) in every 100 ms window
   from at most RECOVERY_DEADLINE_S seconds on. Why not exactly: the EQ,
   cut and compressor states carry the hostile history and decay at their
   own rates (the slowest, a 20 Hz high-cut or low-cut section, by e^-1 in
   tens of ms; the compressor releases at its release time), and float
   rounding differs between the two histories ever after. */
#include <float.h>
#include <time.h>

#include "session_page.h"

enum { FS = 48000, BLOCK = 128, TRACKS = 4, BUSES = 1, STRIPS = TRACKS + BUSES + 1, SAMPLE_FRAMES = FS };
#define RECOVERY_SECONDS 20
#define RECOVERY_DEADLINE_S 10.0
#define RECOVERY_TOL 1e-3

static wm_session_config config(void)
{
    wm_session_config c = session_config(TRACKS, BUSES, 4, 48, 4096, 8, 1 << 16, 1 << 14);
    c.max_commands_per_block = 1024;
    return c;
}

/* The normal value of every strip parameter: its default, with every
   insert switched on, EQ gains of +-3 dB and the first send at -6 dB. */
static float normal_value(int strip, int id)
{
    const wm_param_info* info = wm_strip_param_get_info(id);
    size_t len = strlen(info->name);
    if (len > 3 && strcmp(info->name + len - 3, "_on") == 0)
        return 1.0f;
    if (id >= WM_STRIP_EQ0_ON && id < WM_STRIP_EQ0_ON + 8 * WM_STRIP_BAND_STRIDE &&
        (id - WM_STRIP_EQ0_ON) % WM_STRIP_BAND_STRIDE == WM_STRIP_EQ0_GAIN_DB - WM_STRIP_EQ0_ON)
        return (id / WM_STRIP_BAND_STRIDE) % 2 ? 3.0f : -3.0f;
    if (id == WM_STRIP_SEND0_DB)
        return -6.0f;
    if (id == WM_STRIP_PAN)
        return strip < TRACKS ? -0.6f + 0.4f * (float)strip : 0.0f;
    return info->def;
}

static void normal_params(page* p)
{
    for (int s = 0; s < STRIPS; s++)
        for (int id = 0; id < WM_STRIP_PARAM_COUNT; id++)
            CHECK(page_strip_param(p, s, id, normal_value(s, id)));
    CHECK(page_mixer_param(p, WM_MIXER_LIMITER_ON, 1.0f));
    CHECK(page_mixer_param(p, WM_MIXER_LIMITER_CEILING_DB, -1.0f));
    CHECK(page_mixer_param(p, WM_MIXER_LIMITER_RELEASE_MS, 100.0f));
}

/* Kinds of hostile signal. */
enum { K_NAN, K_INF, K_NINF, K_HUGE, K_MAX, K_DENORMAL, K_TINY, K_MIXED, K_LOUD, K_SILENCE, K_ANY, K_COUNT };

static float hostile_sample(int kind, long i)
{
    static const float any[] = {NAN, INFINITY, -INFINITY, 1e30f, -1e30f, FLT_MAX, -FLT_MAX, 1e-40f, -1e-40f, 0.0f};
    switch (kind) {
    case K_NAN: return NAN;
    case K_INF: return INFINITY;
    case K_NINF: return -INFINITY;
    case K_HUGE: return i % 2 ? 1e30f : -1e30f;
    case K_MAX: return i % 3 ? FLT_MAX : -FLT_MAX;
    case K_DENORMAL: return (i % 2 ? 1e-40f : -1e-40f) * (float)(1 + i % 7);
    case K_TINY: return FLT_MIN * check_noise();
    case K_MIXED: return check_hostile(1.0f);
    case K_LOUD: return 4.0f * check_noise();
    case K_SILENCE: return 0.0f;
    default: return any[check_rand() % 10];
    }
}

/* Sample contents: 1000-frame segments of each kind in turn. */
static void fill_hostile(float* x, int first, int frames, int channels, void* ctx)
{
    for (int f = 0; f < frames; f++)
        for (int ch = 0; ch < channels; ch++)
            x[f * channels + ch] = hostile_sample(((first + f) / 1000) % K_COUNT, first + f);
}

static float hostile_value(const wm_param_info* info)
{
    static const float special[] = {NAN, -NAN, INFINITY, -INFINITY, 1e30f, -1e30f, FLT_MAX, -FLT_MAX,
                                    1e-40f, -1e-40f, FLT_MIN, -0.0f};
    uint32_t k = check_rand() % 16;
    if (k < 12)
        return special[k];
    if (k == 12)
        return info->min - 1.0f;
    if (k == 13)
        return info->max + 1.0f;
    return info->min + (info->max - info->min) * (0.5f + 0.5f * check_noise());
}

typedef struct {
    int kind, left;
    long i;
} source;

static void feed_hostile(page* p, source* src)
{
    wm_mixer* m = wm_session_mixer(p->s);
    for (int t = 0; t < TRACKS; t++) {
        if (src[t].left-- <= 0) {
            src[t].kind = (int)(check_rand() % K_COUNT);
            src[t].left = 1 + (int)(check_rand() % 200);
        }
        for (int ch = 0; ch < 1 + t % 2; ch++) {
            float* x = wm_mixer_track_input(m, t, ch);
            for (int i = 0; i < BLOCK; i++)
                x[i] = hostile_sample(src[t].kind, src[t].i++);
        }
    }
}

/* The same normal input for both sessions: a sine per track plus noise from
   a generator of its own, at about -12 dBFS. */
static void feed_normal(page* p, long block, uint32_t* rng)
{
    wm_mixer* m = wm_session_mixer(p->s);
    for (int t = 0; t < TRACKS; t++)
        for (int ch = 0; ch < 1 + t % 2; ch++) {
            float* x = wm_mixer_track_input(m, t, ch);
            for (int i = 0; i < BLOCK; i++) {
                *rng ^= *rng << 13, *rng ^= *rng >> 17, *rng ^= *rng << 5;
                double n = (double)(block * BLOCK + i);
                x[i] = (float)(0.2 * sin(2 * 3.14159265358979 * (110.0 * (t + 1) + 3.0 * ch) * n / FS) +
                               0.05 * ((double)*rng / 2147483648.0 - 1.0));
            }
        }
}

typedef struct {
    double samples, worst_ratio;
    long nonfinite, over, level_reads, level_nonfinite;
    float ceiling_prev;
} output_check;

/* The levels the page reads (every strip's peak and RMS, the master's
   loudness and gain reduction): finite. */
static void check_levels(page* p, output_check* oc)
{
    const float* lv = wm_session_update_levels(p->s);
    int n = wm_session_level_count(p->s);
    for (int i = 0; i < n; i++)
        oc->level_nonfinite += !wm_is_finite(lv[i]);
    oc->level_reads++;
}

/* Every output sample of the block: finite, and within the ceiling in force. */
static void check_output(page* p, output_check* oc)
{
    wm_mixer* m = wm_session_mixer(p->s);
    float ceiling = wm_mixer_get_param(m, WM_MIXER_LIMITER_CEILING_DB);
    int latency = wm_mixer_latency(m);
    double now = pow(10.0, ceiling / 20.0), before = pow(10.0, oc->ceiling_prev / 20.0);
    for (int ch = 0; ch < 2; ch++) {
        const float* y = wm_mixer_output(m, ch);
        for (int i = 0; i < BLOCK; i++) {
            double bound = i < latency && before > now ? before : now;
            if (!wm_is_finite(y[i])) {
                oc->nonfinite++;
                continue;
            }
            double ratio = fabs(y[i]) / bound;
            oc->over += ratio > 1.0 + 1e-6;
            if (ratio > oc->worst_ratio)
                oc->worst_ratio = ratio;
        }
    }
    oc->samples += 2 * BLOCK;
    oc->ceiling_prev = ceiling;
}

/* The hostile clip: its sample, and the track and id of the last one added. */
typedef struct {
    int handle, track, id;
    long replies;
} hostile_clip;

static void drain_replies(page* p, hostile_clip* hc)
{
    uint32_t r[64];
    int words;
    while ((words = page_reply(p, r, 64)) > 0) {
        if (words == 2 && r[0] == 0xc11b) {
            hc->replies++;
            hc->id = (int32_t)r[1];
        }
    }
}

/* AUTOMATE of a random strip or master parameter: any kind, a hostile
   value, at a time within the next second or a hostile one (NaN, Inf,
   negative, huge), with a hostile time constant. */
static void hostile_automation(page* p, long block)
{
    static const double times[] = {NAN, INFINITY, -1.0, 1e300, 4.9e-324};
    double now = (double)block * BLOCK;
    uint32_t r = check_rand();
    double at = r % 4 ? now + (double)(check_rand() % FS) : times[(r >> 8) % 5];
    double tc = r % 3 ? (double)(1 + check_rand() % 4800) : times[(r >> 12) % 5];
    int mixer = check_rand() % 8 == 0;
    int id = (int)(check_rand() % (mixer ? WM_MIXER_PARAM_COUNT : WM_STRIP_PARAM_COUNT));
    const wm_param_info* info = mixer ? wm_mixer_param_get_info(id) : wm_strip_param_get_info(id);
    float v = hostile_value(info);
    if (mixer && id == WM_MIXER_LIMITER_ON)
        v = 1.0f; /* "off" is a legitimate request */
    if (mixer && id == WM_MIXER_LIMITER_CEILING_DB)
        id = WM_MIXER_LIMITER_RELEASE_MS; /* a ceiling moving within a block has no per-block bound to check */
    uint64_t ua, ut;
    memcpy(&ua, &at, 8);
    memcpy(&ut, &tc, 8);
    uint32_t w[9] = {WM_SESSION_OP_AUTOMATE, mixer ? 0xFFFFFFFFu : check_rand() % STRIPS, (uint32_t)id,
                     check_rand() % 6, (uint32_t)ua, (uint32_t)(ua >> 32), page_bits(v), (uint32_t)ut,
                     (uint32_t)(ut >> 32)};
    page_push(p, w, 9);
}

/* One hostile block's commands: 6 strip parameters in turn, the master's
   every 8th block, an automation event every 4th (all due within a second,
   and none in the last 2 s, so every lane is released before the recovery
   check), a seek every 500th, a hostile CLIP_ADD (and the removal of the
   last one that was accepted) every 1000th. */
static void hostile_commands(page* p, long b, long blocks, int* next_param, hostile_clip* hc)
{
    if (b % 4 == 0 && b < blocks - 2 * FS / BLOCK)
        hostile_automation(p, wm_mixer_frames(wm_session_mixer(p->s)) / BLOCK);
    for (int k = 0; k < 6; k++) {
        int id = (*next_param)++ % WM_STRIP_PARAM_COUNT;
        page_strip_param(p, (int)(check_rand() % STRIPS), id, hostile_value(wm_strip_param_get_info(id)));
    }
    if (b % 8 == 0) {
        static const float on[] = {NAN, INFINITY, 1e30f, FLT_MAX, 0.7f, 1.0f};
        page_mixer_param(p, WM_MIXER_LIMITER_ON, on[check_rand() % 6]);
        int id = check_rand() % 2 ? WM_MIXER_LIMITER_CEILING_DB : WM_MIXER_LIMITER_RELEASE_MS;
        page_mixer_param(p, id, hostile_value(wm_mixer_param_get_info(id)));
    }
    if (b % 500 == 250) {
        int64_t to = check_rand() % (2 * SAMPLE_FRAMES);
        uint32_t w[3] = {WM_SESSION_OP_SEEK, (uint32_t)to, 0};
        page_push(p, w, 3);
    }
    if (b % 1000 == 999) {
        if (hc->id >= 0) {
            uint32_t rm[3] = {WM_SESSION_OP_CLIP_REMOVE, (uint32_t)hc->track, (uint32_t)hc->id};
            page_push(p, rm, 3);
            hc->id = -1;
        }
        static const float gains[] = {NAN, INFINITY, -INFINITY, 1e30f, -1e30f, 1e-40f, 24.0f};
        hc->track = (int)(check_rand() % TRACKS);
        uint32_t w[11] = {WM_SESSION_OP_CLIP_ADD, 0xc11b, (uint32_t)hc->track, (uint32_t)hc->handle,
                          check_rand() % SAMPLE_FRAMES, 0, check_rand() % 1000, 1 + check_rand() % 20000,
                          page_bits(gains[check_rand() % 7]), check_rand() % 30000, (uint32_t)-(int32_t)(check_rand() % 3)};
        page_push(p, w, 11);
    }
}

static double env_seconds(const char* name, double fallback)
{
    const char* v = getenv(name);
    double s = v ? atof(v) : fallback;
    return s > 0 ? s : fallback;
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    double seconds = env_seconds("WAMIX_HOSTILE_SECONDS", 3600.0);
    long blocks = (long)(seconds * FS / BLOCK);
    wm_session_config c = config();
    page a, clean;
    page_open(&a, &c);
    page_open(&clean, &c);

    /* Setup: every insert on, two hostile samples, a clip of one on every track. */
    normal_params(&a);
    int handles[2] = {page_load_sample(&a, SAMPLE_FRAMES, 1, FS, fill_hostile, NULL),
                      page_load_sample(&a, SAMPLE_FRAMES, 2, FS, fill_hostile, NULL)};
    CHECK(handles[0] > 0 && handles[1] > 0);
    for (int t = 0; t < TRACKS; t++)
        CHECK(page_clip_add(&a, t, handles[t % 2], 0, 0, SAMPLE_FRAMES, 24.0f) >= 0);
    CHECK(page_loop(&a, 0, 2 * SAMPLE_FRAMES, 1) && page_transport(&a, 0));

    /* The hostile stretch. */
    source src[TRACKS] = {{0}};
    output_check oc = {0, 0, 0, 0, 0, 0, -1.0f};
    int next_param = 0;
    hostile_clip hc = {handles[0], 0, -1, 0};
    clock_t t0 = clock();
    for (long b = 0; b < blocks; b++) {
        hostile_commands(&a, b, blocks, &next_param, &hc);
        feed_hostile(&a, src);
        wm_session_process(a.s, BLOCK);
        check_output(&a, &oc);
        if (b % 64 == 0)
            check_levels(&a, &oc);
        drain_replies(&a, &hc);
    }
    double cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
    printf("hostile: %.0f s of audio (%ld blocks of %d frames, %d tracks + %d bus + master, every insert and the "
           "limiter on) in %.1f s CPU (%.0fx real time)\n",
           seconds, blocks, BLOCK, TRACKS, BUSES, cpu, seconds / cpu);
    printf("hostile: %u commands applied (%u clamped), %u rejected; %ld hostile clip adds replied\n",
           page_status(&a, WM_SESSION_ST_APPLIED), page_status(&a, WM_SESSION_ST_CLAMPED),
           page_status(&a, WM_SESSION_ST_REJECTED), hc.replies);
    printf("hostile: %.0f output samples checked: %ld non-finite, %ld over the ceiling in force; peak %.6f dB "
           "relative to it\n",
           oc.samples, oc.nonfinite, oc.over, 20 * log10(oc.worst_ratio > 0 ? oc.worst_ratio : 1e-30));
    printf("hostile: levels read %ld times (every 64th block): %ld non-finite values\n", oc.level_reads,
           oc.level_nonfinite);
    CHECK_EQ_INT(oc.nonfinite, 0);
    CHECK_EQ_INT(oc.over, 0);
    CHECK_EQ_INT(oc.level_nonfinite, 0);
    CHECK_EQ_INT(page_status(&a, WM_SESSION_ST_APPLIED) + page_status(&a, WM_SESSION_ST_REJECTED), a.pushed);
    CHECK_EQ_INT(page_status(&a, WM_SESSION_ST_REPLIES_DROPPED), 0);

    /* Recovery: the same normal parameters and input in both sessions. */
    normal_params(&a);
    CHECK(page_transport(&a, 2));
    normal_params(&clean);
    uint32_t rng_a = 12345, rng_clean = 12345;
    int window = FS / 10 / BLOCK, windows = RECOVERY_SECONDS * 10;
    double last_bad = -1, worst_late = 0;
    oc.ceiling_prev = -1.0f;
    for (int wi = 0; wi < windows; wi++) {
        double diff = 0;
        for (int k = 0; k < window; k++) {
            long b = (long)wi * window + k;
            feed_normal(&a, b, &rng_a);
            feed_normal(&clean, b, &rng_clean);
            wm_session_process(a.s, BLOCK);
            wm_session_process(clean.s, BLOCK);
            check_output(&a, &oc);
            for (int ch = 0; ch < 2; ch++) {
                const float* ya = wm_mixer_output(wm_session_mixer(a.s), ch);
                const float* yc = wm_mixer_output(wm_session_mixer(clean.s), ch);
                for (int i = 0; i < BLOCK; i++)
                    diff = fmax(diff, fabs((double)ya[i] - yc[i]));
            }
        }
        double at = (wi + 1) * 0.1;
        if (!(diff <= RECOVERY_TOL))
            last_bad = at;
        if (at > RECOVERY_DEADLINE_S)
            worst_late = fmax(worst_late, diff);
    }
    printf("hostile: recovery: the output is within %.0e of a clean session fed the same from %.1f s after the "
           "hostile stretch on (deadline %.0f s); largest difference after the deadline %.2e\n",
           RECOVERY_TOL, last_bad < 0 ? 0.0 : last_bad, RECOVERY_DEADLINE_S, worst_late);
    CHECK(last_bad <= RECOVERY_DEADLINE_S);
    CHECK_EQ_INT(oc.nonfinite, 0);
    CHECK_EQ_INT(oc.over, 0);
    page_close(&a);
    page_close(&clean);
    return check_finish("hostile", seed);
}
