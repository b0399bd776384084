/* wm_wav.h -- the RIFF/WAVE header reader and the sample converter, from
   bytes in memory: no I/O, no allocation, no globals.

   Accepted: format tag 1 (integer PCM: 8-bit unsigned, 16, 24, 32-bit
   signed), tag 3 (IEEE float, 32 or 64-bit) and tag 0xFFFE
   (WAVE_FORMAT_EXTENSIBLE whose sub-format GUID is one of those two, the
   container size read as the sample size, the valid-bits field ignored:
   samples are left-justified in their container), 1..WM_WAV_MAX_CHANNELS
   channels, 1..WM_WAV_MAX_RATE_HZ frames per second, block align exactly
   channels * bits / 8. Chunks other than "fmt " and "data" are skipped,
   with the pad byte after an odd-sized chunk; the first "fmt " and the
   first "data" count, in either order. The RIFF size field is not trusted
   (writers that stream leave it wrong): chunks are walked up to the end of
   the file. Everything is little-endian; RIFX and RF64 are not RIFF.

   Reading in windows. A file need not be in memory at once: wm_wav_begin
   takes the file's size; each wm_wav_parse is given the bytes of the file
   from offset info->next on (as many as the caller has: 64 or more make
   progress on any chunk header; the whole rest of the file is always
   enough) and walks every chunk header inside them. It returns WM_WAV_MORE
   when it needs bytes from info->next on, which it has moved forward;
   WM_OK once it has the format and the data chunk, or a WM_WAV_ERR_* code
   with the facts in info->detail[] (listed below, for messages).

   Converting: wm_wav_convert turns whole frames of the data chunk, any
   number at a time, into interleaved float32: integers scaled by 2^-(bits
   - 1) (8-bit: (x - 128) / 128), so full scale is [-1, 1); floats as they
   are (64-bit rounded to nearest), NaN and Inf included.

   Realtime: every function is safe. Thread: any (no shared state). */
#ifndef WM_WAV_H
#define WM_WAV_H

#include <stddef.h>
#include <stdint.h>

#define WM_WAV_MAX_CHANNELS 8
#define WM_WAV_MAX_RATE_HZ 768000
#define WM_WAV_MORE 1 /* wm_wav_parse: call again with the bytes from info->next on */

/* Errors of wm_wav_parse, with what info->detail[0..2] holds for each. */
enum {
    WM_WAV_ERR_NOT_RIFF = -100,      /* [0] the first four bytes, little-endian */
    WM_WAV_ERR_NOT_WAVE = -101,      /* [0] bytes 8..11 */
    WM_WAV_ERR_TOO_SHORT = -102,     /* [0] the file's size (under 12 bytes) */
    WM_WAV_ERR_NO_FMT = -103,        /* no "fmt " chunk before the end */
    WM_WAV_ERR_NO_DATA = -104,       /* no "data" chunk before the end */
    WM_WAV_ERR_FMT_SIZE = -105,      /* [0] the fmt chunk's size, [1] the least accepted for its tag */
    WM_WAV_ERR_FORMAT_TAG = -106,    /* [0] the format tag (for EXTENSIBLE: the sub-format's) */
    WM_WAV_ERR_SUBFORMAT = -107,     /* EXTENSIBLE sub-format GUID is not a KSDATAFORMAT one */
    WM_WAV_ERR_BITS = -108,          /* [0] bits per sample, [1] the format tag (1 or 3) */
    WM_WAV_ERR_CHANNELS = -109,      /* [0] channels */
    WM_WAV_ERR_RATE = -110,          /* [0] sample rate */
    WM_WAV_ERR_BLOCK_ALIGN = -111,   /* [0] declared block align, [1] channels * bits / 8 */
    WM_WAV_ERR_CHUNK_TRUNCATED = -112, /* [0] chunk id, [1] size declared, [2] bytes the file has for it */
    WM_WAV_ERR_DATA_TRUNCATED = -113, /* [0] size declared, [1] bytes the file has for it */
    WM_WAV_ERR_PARTIAL_FRAME = -114, /* [0] data size, [1] block align: not a whole number of frames */
    WM_WAV_ERR_ARG = -115            /* a NULL, a window that is not at info->next, or a finished info */
};

enum { WM_WAV_INT = 1, WM_WAV_FLOAT = 3 }; /* wm_wav_info.format */

/* The parse state and result. Layout fixed (read from JavaScript through
   js/wav.js, offsets checked by static asserts in wm_wav.c): 16 uint32. */
typedef struct {
    uint32_t format;      /* WM_WAV_INT or WM_WAV_FLOAT, 0 until the fmt chunk */
    uint32_t channels;
    uint32_t rate_hz;
    uint32_t bits;        /* per sample: 8, 16, 24, 32 or 64 */
    uint32_t block_align; /* bytes per frame */
    uint32_t tag;         /* the fmt chunk's format tag as written (1, 3 or 0xFFFE) */
    uint32_t data_offset; /* file offset of the first sample byte */
    uint32_t data_bytes;  /* frames * block_align */
    uint32_t frames;
    uint32_t file_size;
    uint32_t next;        /* file offset of the next chunk header to read */
    uint32_t state;       /* bit 0 fmt seen, bit 1 data seen, bit 2 RIFF header read */
    uint32_t detail[3];   /* the facts behind an error */
    uint32_t reserved;
} wm_wav_info;

/* Starts reading a file of file_size bytes. */
void wm_wav_begin(wm_wav_info* info, uint32_t file_size);

/* Walks the chunk headers in bytes [0, window_bytes), which are the file's
   bytes from info->next on. Returns WM_OK, WM_WAV_MORE or a WM_WAV_ERR_*
   code (see the top of this file). */
int wm_wav_parse(wm_wav_info* info, const uint8_t* window, size_t window_bytes);

/* Converts `frames` frames from src (frames * info->block_align bytes of
   the data chunk) to frames * info->channels interleaved floats in dst.
   Returns the frames converted: 0 for an info that is not a parsed format. */
size_t wm_wav_convert(const wm_wav_info* info, const uint8_t* src, size_t frames, float* dst);

#endif
