/* fuzz_wav.c -- libFuzzer target: the WAV reader (dsp/wm_wav.h).

   The input is the file. Its first byte is not part of it: it chooses the
   window size the reader is given each call (from 64 bytes up, or the
   whole rest of the file), as a reader streaming the file in pieces does.
   Every window is a buffer of exactly its bytes, so ASan catches a read
   past it. Once the header parses, every frame of the data chunk is
   converted in pieces of random size into a buffer of exactly the floats
   asked for.

   Checked on top of the sanitizers: each call either finishes (WM_OK or a
   WM_WAV_ERR_* code) or moves info->next forward within the file; a parsed
   format is one the header documents (tag, channels, rate, bits, block
   align) and its data chunk lies inside the file as a whole number of
   frames; wm_wav_convert converts exactly the frames asked for, and
   integer samples land in [-1, 1) (32-bit: [-1, 1], since 2^31 - 1 rounds
   to 1.0f). Thread: the fuzzer's. */
#include "fuzz_input.h"
#include "wm_wav.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t pick = data[0];
    const uint8_t* file = data + 1;
    uint32_t file_size = (uint32_t)(size - 1);
    size_t window_max = pick < 32 ? file_size : 64 + (size_t)pick * 4;
    wm_wav_info info;
    wm_wav_begin(&info, file_size);
    int r = WM_WAV_MORE;
    for (int calls = 0; r == WM_WAV_MORE; calls++) {
        FZ_CHECK(calls <= (int)file_size / 8 + 4 && info.next <= file_size);
        size_t left = file_size - info.next;
        size_t n = left < window_max ? left : window_max;
        uint8_t* window = malloc(n ? n : 1);
        memcpy(window, file + info.next, n);
        uint32_t before = info.next;
        r = wm_wav_parse(&info, window, n);
        free(window);
        FZ_CHECK(r == WM_OK || r == WM_WAV_MORE || (r <= WM_WAV_ERR_NOT_RIFF && r >= WM_WAV_ERR_ARG));
        FZ_CHECK(r != WM_WAV_MORE || info.next > before);
    }
    if (r != WM_OK)
        return 0;
    FZ_CHECK(info.format == WM_WAV_INT || info.format == WM_WAV_FLOAT);
    FZ_CHECK(info.channels >= 1 && info.channels <= WM_WAV_MAX_CHANNELS);
    FZ_CHECK(info.rate_hz >= 1 && info.rate_hz <= WM_WAV_MAX_RATE_HZ);
    FZ_CHECK(info.block_align == info.channels * info.bits / 8 && info.block_align > 0);
    FZ_CHECK(info.format == WM_WAV_INT ? (info.bits == 8 || info.bits == 16 || info.bits == 24 || info.bits == 32)
                                       : (info.bits == 32 || info.bits == 64));
    FZ_CHECK(info.data_offset <= file_size && info.data_bytes <= file_size - info.data_offset);
    FZ_CHECK((uint64_t)info.frames * info.block_align == info.data_bytes);
    uint32_t step = 1 + pick % 97;
    for (uint32_t f = 0; f < info.frames; f += step) {
        uint32_t k = info.frames - f < step ? info.frames - f : step;
        size_t bytes = (size_t)k * info.block_align;
        uint8_t* src = malloc(bytes);
        memcpy(src, file + info.data_offset + (size_t)f * info.block_align, bytes);
        float* dst = malloc((size_t)k * info.channels * sizeof(float));
        FZ_CHECK(wm_wav_convert(&info, src, k, dst) == k);
        /* [-1, 1): except that 32-bit 2^31 - 1 rounds to 1.0f (24-bit mantissa) */
        const float top = info.bits == 32 ? 1.0f : nextafterf(1.0f, 0.0f);
        for (size_t i = 0; info.format == WM_WAV_INT && i < (size_t)k * info.channels; i++)
            FZ_CHECK(dst[i] >= -1.0f && dst[i] <= top);
        free(src);
        free(dst);
    }
    return 0;
}
