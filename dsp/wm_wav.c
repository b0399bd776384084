/* wm_wav.c -- RIFF/WAVE chunk walk and sample conversion (see wm_wav.h).

   Every size read from the file is checked against the file's size in
   64-bit arithmetic before it moves the walk, so no declared size can wrap
   an offset or point outside the window. */
#include "wm_wav.h"

#include <string.h>

/* Not an audio path, and it goes into the browser's WASM: built for size
   (clang's minsize on every function here; the rest of the module is -O3). */
#ifdef __clang__
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

#define FOURCC(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define ID_RIFF FOURCC('R', 'I', 'F', 'F')
#define ID_WAVE FOURCC('W', 'A', 'V', 'E')
#define ID_FMT FOURCC('f', 'm', 't', ' ')
#define ID_DATA FOURCC('d', 'a', 't', 'a')
#define TAG_EXTENSIBLE 0xFFFEu
#define FMT_BASIC 16      /* bytes of the fmt fields every tag has */
#define FMT_EXTENSIBLE 40 /* ... and with the extension up to the sub-format GUID */

enum { SEEN_FMT = 1, SEEN_DATA = 2, SEEN_HEADER = 4 };

_Static_assert(sizeof(wm_wav_info) == 64, "js/wav.js reads wm_wav_info as 16 uint32");
_Static_assert(offsetof(wm_wav_info, next) == 40 && offsetof(wm_wav_info, detail) == 48,
               "js/wav.js reads wm_wav_info at these offsets");

/* Bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID (the first two are the tag). */
static const uint8_t guid_tail[14] = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                                      0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};

static uint32_t le16(const uint8_t* p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const uint8_t* p) { return le16(p) | le16(p + 2) << 16; }

static int fail(wm_wav_info* info, int err, uint32_t a, uint32_t b, uint32_t c)
{
    info->detail[0] = a;
    info->detail[1] = b;
    info->detail[2] = c;
    return err;
}

void wm_wav_begin(wm_wav_info* info, uint32_t file_size)
{
    memset(info, 0, sizeof *info);
    info->file_size = file_size;
}

/* The fmt chunk's fields; p holds min(size, FMT_EXTENSIBLE) bytes of it. */
static int read_fmt(wm_wav_info* info, const uint8_t* p, uint32_t size)
{
    if (size < FMT_BASIC)
        return fail(info, WM_WAV_ERR_FMT_SIZE, size, FMT_BASIC, 0);
    uint32_t tag = le16(p), channels = le16(p + 2), rate = le32(p + 4), align = le16(p + 12);
    uint32_t bits = le16(p + 14), format = tag;
    if (tag == TAG_EXTENSIBLE) {
        if (size < FMT_EXTENSIBLE)
            return fail(info, WM_WAV_ERR_FMT_SIZE, size, FMT_EXTENSIBLE, 0);
        if (memcmp(p + 26, guid_tail, sizeof guid_tail) != 0)
            return fail(info, WM_WAV_ERR_SUBFORMAT, 0, 0, 0);
        format = le16(p + 24);
    }
    if (format != WM_WAV_INT && format != WM_WAV_FLOAT)
        return fail(info, WM_WAV_ERR_FORMAT_TAG, format, 0, 0);
    int bits_ok = format == WM_WAV_INT ? bits == 8 || bits == 16 || bits == 24 || bits == 32 : bits == 32 || bits == 64;
    if (!bits_ok)
        return fail(info, WM_WAV_ERR_BITS, bits, format, 0);
    if (channels < 1 || channels > WM_WAV_MAX_CHANNELS)
        return fail(info, WM_WAV_ERR_CHANNELS, channels, 0, 0);
    if (rate < 1 || rate > WM_WAV_MAX_RATE_HZ)
        return fail(info, WM_WAV_ERR_RATE, rate, 0, 0);
    if (align != channels * bits / 8)
        return fail(info, WM_WAV_ERR_BLOCK_ALIGN, align, channels * bits / 8, 0);
    info->format = format;
    info->channels = channels;
    info->rate_hz = rate;
    info->bits = bits;
    info->block_align = align;
    info->tag = tag;
    info->state |= SEEN_FMT;
    return 0;
}

static int read_header(wm_wav_info* info, const uint8_t* w)
{
    uint32_t size = info->file_size;
    if (size >= 4 && le32(w) != ID_RIFF)
        return fail(info, WM_WAV_ERR_NOT_RIFF, le32(w), 0, 0);
    if (size < 12)
        return fail(info, WM_WAV_ERR_TOO_SHORT, size, 0, 0);
    if (le32(w + 8) != ID_WAVE)
        return fail(info, WM_WAV_ERR_NOT_WAVE, le32(w + 8), 0, 0);
    info->state |= SEEN_HEADER;
    info->next = 12;
    return 0;
}

/* Both chunks found: the data must hold whole frames. */
static int finish(wm_wav_info* info)
{
    if (info->data_bytes % info->block_align)
        return fail(info, WM_WAV_ERR_PARTIAL_FRAME, info->data_bytes, info->block_align, 0);
    info->frames = info->data_bytes / info->block_align;
    return 0;
}

int wm_wav_parse(wm_wav_info* info, const uint8_t* w, size_t n)
{
    if (!info || !w || info->next > info->file_size || (info->state & SEEN_FMT && info->state & SEEN_DATA))
        return WM_WAV_ERR_ARG;
    const uint64_t size = info->file_size, base = info->next;
    if (n > size - base)
        n = (size_t)(size - base);
    if (!(info->state & SEEN_HEADER)) {
        if (n < 12 && n < size)
            return WM_WAV_MORE;
        int err = read_header(info, w);
        if (err)
            return err;
    }
    for (;;) {
        uint64_t at = info->next - base; /* the chunk header's place in the window */
        if (size - info->next < 8)     /* the end of the chunks */
            return info->state & SEEN_FMT ? WM_WAV_ERR_NO_DATA : WM_WAV_ERR_NO_FMT;
        if (at + 8 > n)
            return WM_WAV_MORE;
        uint32_t id = le32(w + at), declared = le32(w + at + 4);
        uint64_t body = info->next + 8, room = size - body;
        if (id == ID_DATA && !(info->state & SEEN_DATA)) {
            if (declared > room)
                return fail(info, WM_WAV_ERR_DATA_TRUNCATED, declared, (uint32_t)room, 0);
            info->data_offset = (uint32_t)body;
            info->data_bytes = declared;
            info->state |= SEEN_DATA;
        } else if (declared > room) {
            return fail(info, WM_WAV_ERR_CHUNK_TRUNCATED, id, declared, (uint32_t)room);
        } else if (id == ID_FMT && !(info->state & SEEN_FMT)) {
            uint32_t need = declared < FMT_EXTENSIBLE ? declared : FMT_EXTENSIBLE;
            if (at + 8 + need > n)
                return WM_WAV_MORE;
            int err = read_fmt(info, w + at + 8, declared);
            if (err)
                return err;
        }
        if (info->state & SEEN_FMT && info->state & SEEN_DATA)
            return finish(info);
        uint64_t next = body + declared + (declared & 1u);
        info->next = (uint32_t)(next < size ? next : size); /* a missing pad byte at the end is no error */
    }
}

size_t wm_wav_convert(const wm_wav_info* info, const uint8_t* src, size_t frames, float* dst)
{
    if (!(info->state & SEEN_FMT) || info->channels < 1 || info->channels > WM_WAV_MAX_CHANNELS)
        return 0;
    size_t n = frames * info->channels;
    switch (info->format << 8 | info->bits) {
    case WM_WAV_INT << 8 | 8:
        for (size_t i = 0; i < n; i++)
            dst[i] = (float)((int)src[i] - 128) * (1.0f / 128.0f);
        break;
    case WM_WAV_INT << 8 | 16:
        for (size_t i = 0; i < n; i++)
            dst[i] = (float)(int16_t)le16(src + 2 * i) * (1.0f / 32768.0f);
        break;
    case WM_WAV_INT << 8 | 24:
        for (size_t i = 0; i < n; i++) {
            const uint8_t* p = src + 3 * i;
            uint32_t u = (uint32_t)p[0] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 24;
            dst[i] = (float)((int32_t)u >> 8) * (1.0f / 8388608.0f);
        }
        break;
    case WM_WAV_INT << 8 | 32: /* one rounding: the scale is a power of two */
        for (size_t i = 0; i < n; i++)
            dst[i] = (float)(int32_t)le32(src + 4 * i) * (1.0f / 2147483648.0f);
        break;
    case WM_WAV_FLOAT << 8 | 32:
        memcpy(dst, src, n * sizeof(float));
        break;
    case WM_WAV_FLOAT << 8 | 64:
        for (size_t i = 0; i < n; i++) {
            double d;
            memcpy(&d, src + 8 * i, sizeof d);
            dst[i] = (float)d;
        }
        break;
    default:
        return 0;
    }
    return frames;
}

#ifdef __clang__
#pragma clang attribute pop
#endif
