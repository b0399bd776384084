/* fuzz_tools.c -- libFuzzer target: the flat C ABI of the tools module
   (wasm/wm_tools.c), compiled natively over a model of linear memory (as
   fuzz_exports.c does for the audio module): scratch buffers, the WAV
   reader on files and windows placed in a buffer or outside the arena
   (below it, past it, across its end), and resamplers processing planar
   buffers placed the same way. Checked on top of the sanitizers: an
   address outside the arena is refused before it is touched, outputs are
   finite, a bad handle is WM_ERR_HANDLE, and destroying every tool returns
   the arena to empty. Thread: the fuzzer's. */
#include "fuzz_input.h"

#define WM_FUZZ_MEMORY (16u << 20)
unsigned char* wm_fuzz_memory;
#define __heap_base (*wm_fuzz_memory)
#define __builtin_wasm_memory_size(index) (((size_t)wm_fuzz_memory + WM_FUZZ_MEMORY) / 65536u)
#include "../../wasm/wm_tools.c"

static int buffer_bytes[WM_MAX_TOOLS + 1]; /* of each live buffer handle */

/* An address for `need` bytes, a multiple of 4 (JavaScript's typed arrays
   are aligned; WASM would not mind, native C does): inside a live buffer
   (valid: 1), or outside the arena (below it, past it, straddling its end:
   0). Never inside another object: natively a session's pointers are real
   pointers. */
static unsigned char* place_any(fz_in* in, size_t need, int* valid)
{
    uint8_t k = fz_u8(in);
    int h = 1 + fz_u8(in) % WM_MAX_TOOLS;
    unsigned char* b = wamix_buffer_data(h);
    *valid = 0;
    switch (k % 5) {
    case 0:
    case 1:
        if (b && need <= (size_t)buffer_bytes[h]) {
            *valid = 1;
            return b + (fz_u16(in) % ((size_t)buffer_bytes[h] - need + 1) & ~(size_t)3);
        }
        return wm_fuzz_memory + WM_FUZZ_MEMORY + fz_u8(in);
    case 2:
        return wm_fuzz_memory + WM_FUZZ_MEMORY + fz_u16(in);
    case 3:
        return wm_fuzz_memory + WM_FUZZ_MEMORY - (need >= 4 ? 4 * (fz_u16(in) % (need / 4)) : 0) + (need ? 0 : 4);
    default:
        return wm_fuzz_memory - 1 - fz_u16(in);
    }
}

static unsigned char* place(fz_in* in, size_t need, int* valid)
{
    unsigned char* p = place_any(in, need, valid);
    return (unsigned char*)((uintptr_t)p & ~(uintptr_t)3);
}

static void wav_through_exports(fz_in* in)
{
    int v_info, v_file, v_dst;
    wm_wav_info* info = (wm_wav_info*)place(in, sizeof(wm_wav_info), &v_info);
    size_t len = fz_u8(in) * 4u;
    unsigned char* file = place(in, len, &v_file);
    if (v_file)
        for (size_t i = 0; i < len; i++)
            file[i] = fz_u8(in);
    if (wamix_wav_begin(info, (uint32_t)len) != WM_OK) {
        FZ_CHECK(!v_info);
        return;
    }
    FZ_CHECK(v_info);
    int r = WM_WAV_MORE;
    for (int calls = 0; r == WM_WAV_MORE && calls < 64; calls++) {
        uint32_t next = info->next;
        size_t bytes = next <= len ? len - next : 0;
        r = wamix_wav_parse(info, file + (next <= len ? next : 0), (int)bytes);
        FZ_CHECK(v_file || r == WM_WAV_ERR_ARG || bytes == 0);
    }
    if (r != WM_OK)
        return;
    int frames = fz_int(in, (int32_t)info->frames);
    size_t want = frames > 0 ? (size_t)frames * info->channels * sizeof(float) : 0;
    float* dst = (float*)place(in, want < (1u << 20) ? want : 1u << 20, &v_dst);
    int ok_src = info->data_offset <= len && frames >= 0 && (uint64_t)frames * info->block_align <= len - info->data_offset;
    int got = wamix_wav_convert(info, file + info->data_offset, frames, dst);
    FZ_CHECK(got >= 0 && got <= (frames > 0 ? frames : 0));
    FZ_CHECK(got == 0 || (v_file && v_dst && ok_src && want < (1u << 20)) || !v_file);
}

static void tool_call(fz_in* in)
{
    int h = fz_handle(in, WM_MAX_TOOLS);
    switch (fz_u8(in) % 6) {
    case 0: {
        int bytes = fz_u8(in) < 200 ? 1 + fz_u16(in) : fz_int(in, 4096);
        int r = wamix_buffer_create(bytes);
        FZ_CHECK(r < 0 || (r >= 1 && r <= WM_MAX_TOOLS && bytes > 0));
        if (r > 0)
            buffer_bytes[r] = bytes;
        break;
    }
    case 1: {
        int live = h >= 1 && h <= WM_MAX_TOOLS && tools[h - 1];
        FZ_CHECK(wamix_tool_destroy(h) == (live ? WM_OK : WM_ERR_HANDLE));
        if (h >= 1 && h <= WM_MAX_TOOLS)
            buffer_bytes[h] = 0;
        break;
    }
    case 2:
        wav_through_exports(in);
        break;
    case 3: {
        static const int rates[] = {48000, 44100, 8000, 96000, 0, -1, 768001, 22050};
        int r = wamix_resampler_create(rates[fz_u8(in) % 8], rates[fz_u8(in) % 8], fz_int(in, 2), fz_int(in, 1));
        FZ_CHECK(r < 0 || (r >= 1 && r <= WM_MAX_TOOLS));
        break;
    }
    default: {
        /* process or flush with planar buffers anywhere */
        int frames = fz_int(in, 256), cap = fz_int(in, 512), v_in, v_out;
        wm_resample* rs = tool_of(h, TOOL_RESAMPLER);
        int ch = rs ? rs->channels : 1;
        size_t in_bytes = frames > 0 && frames < 65536 ? (size_t)frames * ch * 4 : 0;
        size_t out_bytes = cap > 0 && cap < 65536 ? (size_t)cap * ch * 4 : 0;
        float* ip = (float*)place(in, in_bytes, &v_in);
        float* op = (float*)place(in, out_bytes, &v_out);
        if (v_in && in_bytes)
            fz_fill(in, ip, (int)(in_bytes / 4));
        int r = fz_u8(in) & 1 ? wamix_resampler_process(h, ip, frames, op, cap) : wamix_resampler_flush(h, op, cap);
        FZ_CHECK(rs ? r <= (cap > 0 ? cap : 0) : r == WM_ERR_HANDLE);
        if (r > 0 && v_out && out_bytes)
            FZ_CHECK(fz_finite(op, r));
        FZ_CHECK(wamix_resampler_out_frames(h, frames) == (rs ? (frames < 0 ? WM_ERR_ARG : wm_resample_out_frames(rs, frames)) : WM_ERR_HANDLE));
    }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (!wm_fuzz_memory)
        wm_fuzz_memory = fz_linear_memory(WM_FUZZ_MEMORY);
    fz_in in = {data, size};
    FZ_CHECK(wamix_arena_used() == 0);
    while (fz_more(&in))
        tool_call(&in);
    for (int h = 1; h <= WM_MAX_TOOLS; h++)
        wamix_tool_destroy(h);
    FZ_CHECK(wamix_arena_used() == 0);
    return 0;
}
