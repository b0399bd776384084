/* bench_refmix.c -- the reference mix (bench_refmix.h), built natively and
   into the WASM harness from this one file. */
#include "bench_refmix.h"

uint32_t refmix_noise_seed(int index) { return 0x12345678u ^ ((uint32_t)(index + 1) * 0x9e3779b9u); }

float refmix_noise_next(uint32_t* state)
{
    uint32_t s = *state;
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    *state = s;
    return (float)((double)s / 4294967296.0 - 0.5);
}

int refmix_set_track(wm_strip* t, int track, int tracks)
{
    static const float band[4][3] = {{200.0f, 1.0f, -3.0f}, {1000.0f, 0.7f, 2.0f}, {3000.0f, 2.0f, -2.0f},
                                     {8000.0f, 0.7f, 4.0f}};
    const struct { int id; float value; } settings[] = {
        {WM_STRIP_LOWCUT_ON, 1.0f}, {WM_STRIP_LOWCUT_FREQ_HZ, 80.0f}, {WM_STRIP_COMP_ON, 1.0f},
        {WM_STRIP_COMP_THRESHOLD_DB, -24.0f}, {WM_STRIP_COMP_RATIO, 4.0f}, {WM_STRIP_COMP_ATTACK_MS, 5.0f},
        {WM_STRIP_COMP_RELEASE_MS, 100.0f}, {WM_STRIP_COMP_KNEE_DB, 6.0f},
        {WM_STRIP_PAN, tracks > 1 ? -1.0f + 2.0f * (float)track / (float)(tracks - 1) : 0.0f},
        {WM_STRIP_FADER_DB, -10.0f * log10f((float)tracks)},
    };
    int failed = 0; /* every value here is in range: any error is a bug */
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++)
        failed |= wm_strip_set_param(t, settings[i].id, settings[i].value) != WM_OK;
    for (int b = 0; b < 4; b++) {
        int base = b * WM_STRIP_BAND_STRIDE;
        failed |= wm_strip_set_param(t, WM_STRIP_EQ0_ON + base, 1.0f) != WM_OK;
        failed |= wm_strip_set_param(t, WM_STRIP_EQ0_FREQ_HZ + base, band[b][0]) != WM_OK;
        failed |= wm_strip_set_param(t, WM_STRIP_EQ0_Q + base, band[b][1]) != WM_OK;
        failed |= wm_strip_set_param(t, WM_STRIP_EQ0_GAIN_DB + base, band[b][2]) != WM_OK;
    }
    return failed ? WM_ERR_ARG : WM_OK;
}

/* Writes noise sample `index` into a new pool sample; returns its handle
   or a negative WM_ERR_*. */
static int load_noise(wm_pool* pool, int index, int channels)
{
    int h = wm_pool_alloc(pool, REFMIX_SAMPLE_FRAMES, channels, REFMIX_RATE);
    if (h < 0)
        return h;
    wm_pool_span spans[128];
    int count = wm_pool_spans(pool, h, 0, REFMIX_SAMPLE_FRAMES, spans, 128);
    if (count < 0 || wm_pool_spans(pool, h, 0, REFMIX_SAMPLE_FRAMES, NULL, 0) > 128)
        return WM_ERR_LIMIT;
    uint32_t s = refmix_noise_seed(index);
    for (int k = 0; k < count; k++)
        for (int i = 0; i < spans[k].frames * channels; i++)
            spans[k].data[i] = refmix_noise_next(&s);
    int err = wm_pool_commit(pool, h, REFMIX_SAMPLE_FRAMES);
    if (err >= 0)
        err = wm_pool_complete(pool, h, REFMIX_SAMPLE_FRAMES);
    return err < 0 ? err : h;
}

wm_session* refmix_create(wm_arena* a, int tracks, int channels, int block, int* err)
{
    int page_floats = WM_POOL_PAGE_FLOATS;
    int pages_per_sample = (REFMIX_SAMPLE_FRAMES * channels + page_floats - 1) / page_floats;
    wm_session_config cfg = {
        .mixer = {.sample_rate = (float)REFMIX_RATE, .max_block = block, .track_count = tracks, .clips_per_track = 1},
        .pool_pages = REFMIX_SAMPLES * pages_per_sample,
        .pool_page_floats = page_floats,
        .pool_max_slots = REFMIX_SAMPLES,
        .command_ring_bytes = 4096,
        .reply_ring_bytes = 4096,
    };
    for (int t = 0; t < tracks && t < WM_MIXER_MAX_TRACKS; t++)
        cfg.mixer.track_channels[t] = (unsigned char)channels;
    wm_session* s = wm_session_create(a, &cfg, a->base, err);
    if (!s)
        return NULL;
    wm_mixer* m = wm_session_mixer(s);
    int handles[REFMIX_SAMPLES];
    int e = WM_OK;
    for (int k = 0; k < REFMIX_SAMPLES && e >= 0; k++)
        e = handles[k] = load_noise(wm_session_pool(s), k, channels);
    for (int t = 0; t < tracks && e >= 0; t++) {
        wm_clip clip = {handles[t % REFMIX_SAMPLES], 0, (t / REFMIX_SAMPLES) * REFMIX_OFFSET_STEP,
                        REFMIX_LOOP_FRAMES, 0.0f, 0, 0};
        e = wm_clips_add(wm_mixer_clips(m, t), &clip);
        if (e >= 0)
            e = refmix_set_track(wm_mixer_track(m, t), t, tracks);
    }
    if (e >= 0)
        e = wm_mixer_set_param(m, WM_MIXER_LIMITER_ON, 1.0f);
    if (e >= 0)
        e = wm_mixer_set_param(m, WM_MIXER_LIMITER_CEILING_DB, -1.0f);
    if (e >= 0)
        e = wm_transport_set_loop(wm_mixer_transport(m), 0, REFMIX_LOOP_FRAMES, 1);
    wm_transport_play(wm_mixer_transport(m));
    *err = e < 0 ? e : WM_OK;
    return e < 0 ? NULL : s;
}
