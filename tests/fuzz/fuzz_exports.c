/* fuzz_exports.c -- libFuzzer target: the flat C ABI of the WASM module
   (wasm/wm_exports.c), compiled natively over a model of linear memory.

   Natively, "linear memory" is one 64 KiB-aligned block of WM_FUZZ_MEMORY
   bytes: __heap_base is its start and __builtin_wasm_memory_size its end,
   so the exports' arena and their bounds checks see what they see in WASM.
   The input calls the exports with handles live, stale and forged
   (-1..WM_MAX_SESSIONS+1 and the int32 edges), session configs valid and
   not (streams and recording included), track_channels pointers anywhere
   in that memory and past its end, records straight into the command
   ring, hostile frames into the stream rings, reads of the record ring,
   hostile input buffers and analyzer settings, and blocks of any length;
   it reads every buffer an export hands out over the size the API
   documents. (The tools module's ABI is fuzz_tools.c.)

   Checked on top of the sanitizers: a create returns a handle in range or
   an error; a bad handle is WM_ERR_HANDLE or NULL everywhere; outputs,
   levels, the analysis and recorded frames are finite; the pool region
   lies in the memory; an address outside the arena is refused before it
   is touched (ASan would see the touch); and destroying every session
   returns the arena to empty. Thread: the fuzzer's. */
#include "fuzz_input.h"

#define WM_FUZZ_MEMORY (64u << 20)
unsigned char* wm_fuzz_memory;
#define __heap_base (*wm_fuzz_memory)
#define __builtin_wasm_memory_size(index) (((size_t)wm_fuzz_memory + WM_FUZZ_MEMORY) / 65536u)
#include "../../wasm/wm_exports.c"

typedef struct {
    int channels, max_block, tracks, streams; /* what a live handle was created with */
} shape;

static shape session_shape[WM_MAX_SESSIONS + 1];


static int pick_block(fz_in* in)
{
    static const int blocks[] = {128, 1, 256, 0, -1, 1 << 20, (1 << 20) + 1, 4096};
    uint8_t k = fz_u8(in);
    return k < 248 ? blocks[k % 4] : blocks[k % 8];
}

/* Pushes hostile frames into a frames ring (a stream, as its Worker does),
   or pops from one (the record ring, as its reader does). */
static void ring_traffic(fz_in* in, void* ring, int pop)
{
    wm_ring r;
    static float buf[2 * 1024];
    if (!ring || wm_ring_attach(&r, ring, WM_FUZZ_MEMORY) != WM_OK)
        return;
    int frames = fz_u16(in) % 1025;
    if (r.channels > 2)
        return;
    if (pop) {
        int got = wm_ring_pop(&r, buf, frames);
        FZ_CHECK(got >= 0 && got <= frames && fz_finite(buf, got * (int)r.channels));
    } else {
        fz_fill(in, buf, frames * (int)r.channels);
        FZ_CHECK(wm_ring_push(&r, buf, frames) >= 0);
    }
}

static void session_create(fz_in* in)
{
    int tracks = fz_u8(in) < 240 ? 1 + fz_u8(in) % 4 : fz_int(in, WM_MIXER_MAX_TRACKS);
    /* track_channels: none, a valid list, or any address in (or just past) the memory */
    const unsigned char* tc = NULL;
    uint8_t k = fz_u8(in);
    if (k < 80 && the_arena()->used + 512 <= the_arena()->size) {
        /* at the top of memory, in the arena's free part: read by create before it allocates */
        unsigned char* list = wm_fuzz_memory + WM_FUZZ_MEMORY - 256;
        for (int t = 0; t < 256; t++)
            list[t] = (unsigned char)(1 + fz_u8(in) % 3);
        tc = list;
    } else if (k < 120) {
        tc = wm_fuzz_memory + (fz_u32(in) % (WM_FUZZ_MEMORY + 64));
    }
    int block = pick_block(in), channels = fz_int(in, 2), buses = fz_int(in, 1), clips = fz_int(in, 4);
    int pages = fz_u8(in) < 240 ? 1 + fz_u8(in) % 64 : fz_int(in, 64);
    int page_floats = fz_u8(in) < 240 ? 256 : fz_int(in, 4096);
    int cmd = fz_u8(in) < 240 ? 4096 : fz_int(in, 4096), reply = fz_u8(in) < 240 ? 1024 : fz_int(in, 1024);
    float rate = fz_u8(in) < 240 ? 48000.0f : fz_float(in);
    int streams = fz_int(in, 2), stream_frames = fz_u8(in) < 200 ? 0 : fz_int(in, 256);
    int record_frames = fz_u8(in) < 128 ? 0 : fz_u8(in) < 240 ? 512 : fz_int(in, 512);
    int reverb_frames = fz_u8(in) < 160 ? 0 : fz_u8(in) < 240 ? 1024 : fz_int(in, 4096);
    size_t need = wamix_session_memory_size(rate, block, tracks, tc, channels, buses, clips, pages, page_floats,
                                            cmd, reply, streams, stream_frames, record_frames, reverb_frames);
    int r = wamix_session_create(rate, block, tracks, tc, channels, buses, clips, pages, page_floats, cmd, reply,
                                 streams, stream_frames, record_frames, reverb_frames);
    FZ_CHECK(r < 0 || (r >= 1 && r <= WM_MAX_SESSIONS && need > 0));
    if (r > 0)
        session_shape[r] = (shape){channels, block, tracks, streams};
}

static void session_call(fz_in* in)
{
    int h = fz_handle(in, WM_MAX_SESSIONS);
    int ok = h >= 1 && h <= WM_MAX_SESSIONS && sessions[h - 1];
    shape* sh = ok ? &session_shape[h] : NULL;
    switch (fz_u8(in) % 10) {
    case 0:
        session_create(in);
        break;
    case 1:
        FZ_CHECK(wamix_session_destroy(h) == (ok ? WM_OK : WM_ERR_HANDLE));
        break;
    case 2: {
        /* a record straight into the command ring, as the page writes it */
        void* ring = wamix_session_command_ring(h);
        FZ_CHECK(!ring == !ok && !wamix_session_reply_ring(h) == !ok && !wamix_session_status(h) == !ok);
        wm_ring prod;
        if (ring && wm_ring_attach(&prod, ring, WM_FUZZ_MEMORY) == WM_OK) {
            uint32_t w[12];
            int words = 1 + fz_u8(in) % 12;
            for (int i = 0; i < words; i++)
                w[i] = i == 0 ? fz_u8(in) % 13 : fz_u8(in) < 128 ? (uint32_t)fz_int(in, 4) : fz_float_bits(fz_float(in));
            wm_ring_push_record(&prod, w, 4 * words);
        }
        break;
    }
    case 3: {
        int frames = fz_u8(in) < 240 && sh ? sh->max_block : fz_int(in, sh ? sh->max_block : 128);
        int track = fz_int(in, sh ? sh->tracks : 1);
        for (int ch = 0; ch < 3; ch++) {
            float* x = wamix_session_track_input(h, track, ch);
            FZ_CHECK(!x || (sh && track >= 0 && track < sh->tracks && ch < 2));
            if (x)
                fz_fill(in, x, sh->max_block);
        }
        int r = wamix_session_process(h, frames);
        int valid = sh && frames >= 0 && frames <= sh->max_block;
        FZ_CHECK(valid ? r >= 0 : r == (sh ? WM_ERR_ARG : WM_ERR_HANDLE));
        for (int ch = 0; valid && ch < 2; ch++)
            FZ_CHECK(fz_finite(wamix_session_output(h, ch), frames));
        FZ_CHECK(wamix_session_output(h, 2) == NULL);
        break;
    }
    case 4: {
        const float* lv = wamix_session_levels(h);
        int n = wamix_session_level_count(h);
        FZ_CHECK(ok ? lv && n > 0 : !lv && n == WM_ERR_HANDLE);
        if (lv)
            FZ_CHECK(fz_finite(lv, n));
        break;
    }
    case 5: {
        int i = fz_int(in, sh ? sh->streams : 1);
        void* ring = wamix_session_stream_ring(h, i);
        FZ_CHECK(!ring || (sh && i >= 0 && i < sh->streams));
        ring_traffic(in, ring, 0);
        ring_traffic(in, wamix_session_record_ring(h), 1);
        break;
    }
    case 6: {
        int r = wamix_session_analyzer_config(h, fz_int(in, 2048), fz_float(in), fz_float(in), fz_float(in));
        FZ_CHECK(ok || r == WM_ERR_HANDLE);
        int fft = wamix_session_analyze(h);
        const float* a = wamix_session_analysis(h);
        FZ_CHECK(ok ? a && fft > 0 && fft / 2 + fft <= wamix_analysis_floats() : !a && fft == WM_ERR_HANDLE);
        if (a)
            FZ_CHECK(fz_finite(a, fft / 2 + fft));
        break;
    }
    case 7: {
        const unsigned char* region = (const unsigned char*)wamix_session_pool_region(h);
        size_t bytes = wamix_session_pool_bytes(h);
        FZ_CHECK(ok ? region && region >= wm_fuzz_memory && bytes <= (size_t)(wm_fuzz_memory + WM_FUZZ_MEMORY - region)
                    : !region && !bytes);
        break;
    }
    case 8: {
        int id = fz_int(in, WM_STRIP_PARAM_COUNT);
        const wm_param_info* p = wamix_strip_param_info(id);
        const wm_param_info* q = wamix_mixer_param_info(id);
        FZ_CHECK(!p == !(id >= 0 && id < WM_STRIP_PARAM_COUNT) && !q == !(id >= 0 && id < WM_MIXER_PARAM_COUNT));
        FZ_CHECK(!p || (p->name && p->min <= p->def && p->def <= p->max));
        FZ_CHECK(wamix_strerror(fz_int(in, -7)) != NULL);
        break;
    }
    default:
        FZ_CHECK(wamix_session_latency(h) == (ok ? (int)wamix_session_status(h)[WM_SESSION_ST_LATENCY] : WM_ERR_HANDLE));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (!wm_fuzz_memory)
        wm_fuzz_memory = fz_linear_memory(WM_FUZZ_MEMORY);
    fz_in in = {data, size};
    FZ_CHECK(wamix_abi_version() == WM_ABI_VERSION && wamix_arena_used() == 0);
    while (fz_more(&in))
        session_call(&in);
    for (int h = 1; h <= WM_MAX_SESSIONS; h++)
        wamix_session_destroy(h);
    FZ_CHECK(wamix_arena_used() == 0 && wamix_arena_size() + 64 >= WM_FUZZ_MEMORY);
    return 0;
}
