/* test_wav.c -- the WAV reader against files built byte by byte here: every
   format, 1..8 channels, odd rates, EXTENSIBLE, chunks before, between and
   after, odd-sized chunks and their pad byte, data before fmt, reading in
   small windows; every kind of corruption with its code and its details;
   every truncation of a file; and seeded random mutations (no read outside
   the file: each file is parsed from an exactly-sized heap copy, so
   AddressSanitizer builds catch any overrun). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wm_wav.h"

typedef struct {
    uint8_t b[1 << 16];
    size_t n;
} file;

static void put(file* f, const void* p, size_t n)
{
    memcpy(f->b + f->n, p, n);
    f->n += n;
}
static void u16(file* f, uint32_t v) { put(f, (uint8_t[]){(uint8_t)v, (uint8_t)(v >> 8)}, 2); }
static void u32(file* f, uint32_t v)
{
    u16(f, v & 0xffff);
    u16(f, v >> 16);
}
static void chunk(file* f, const char* id, uint32_t size) /* the header only */
{
    put(f, id, 4);
    u32(f, size);
}

typedef struct {
    uint32_t tag, sub, channels, rate, bits, align; /* sub: the EXTENSIBLE sub-format tag */
} fmt;

static void fmt_chunk(file* f, fmt m)
{
    int ext = m.tag == 0xFFFE;
    chunk(f, "fmt ", ext ? 40 : 16);
    u16(f, m.tag);
    u16(f, m.channels);
    u32(f, m.rate);
    u32(f, m.rate * m.align);
    u16(f, m.align);
    u16(f, m.bits);
    if (ext) {
        u16(f, 22);
        u16(f, m.bits);
        u32(f, 0);
        u16(f, m.sub);
        put(f, "\x00\x00\x00\x00\x10\x00\x80\x00\x00\xAA\x00\x38\x9B\x71", 14);
    }
}

static fmt plain(uint32_t tag, uint32_t channels, uint32_t rate, uint32_t bits)
{
    return (fmt){tag, 0, channels, rate, bits, channels * bits / 8};
}

static void riff(file* f)
{
    f->n = 0;
    put(f, "RIFF", 4);
    u32(f, 0); /* patched by close_riff */
    put(f, "WAVE", 4);
}
static void close_riff(file* f)
{
    uint32_t v = (uint32_t)f->n - 8;
    memcpy(f->b + 4, (uint8_t[]){(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)}, 4);
}

/* Sample k of the test signal as the integer a file of `bits` stores
   (8-bit: unsigned), spanning the whole range, both ends included. */
static int64_t int_sample(int bits, int k)
{
    int64_t lo = -((int64_t)1 << (bits - 1)), hi = ((int64_t)1 << (bits - 1)) - 1;
    int64_t v = k == 0 ? lo : k == 1 ? hi : lo + (int64_t)((uint64_t)k * 2654435761u % (uint64_t)(hi - lo + 1));
    return bits == 8 ? v + 128 : v;
}
static double int_value(int bits, int k)
{
    int64_t v = int_sample(bits, k) - (bits == 8 ? 128 : 0);
    return (double)v / (double)((int64_t)1 << (bits - 1));
}
static double float_value(int k) { return sin(0.37 * k) * (k % 5 == 0 ? 3.0 : 0.9); }

static void samples(file* f, uint32_t tag, int bits, int count)
{
    for (int k = 0; k < count; k++) {
        if (tag == WM_WAV_FLOAT && bits == 32) {
            float x = (float)float_value(k);
            put(f, &x, 4);
        } else if (tag == WM_WAV_FLOAT) {
            double x = float_value(k);
            put(f, &x, 8);
        } else {
            uint64_t v = (uint64_t)int_sample(bits, k);
            for (int b = 0; b < bits / 8; b++)
                put(f, (uint8_t[]){(uint8_t)(v >> (8 * b))}, 1);
        }
    }
}

/* Parses from an exactly-sized heap copy, `window` bytes at a time (0: all). */
static int parse(const file* f, size_t window, wm_wav_info* info)
{
    uint8_t* copy = malloc(f->n ? f->n : 1);
    memcpy(copy, f->b, f->n);
    wm_wav_begin(info, (uint32_t)f->n);
    int r, calls = 0;
    do {
        size_t left = f->n - info->next, give = window && window < left ? window : left;
        uint8_t* w = malloc(give ? give : 1);
        memcpy(w, copy + info->next, give);
        r = wm_wav_parse(info, w, give);
        free(w);
    } while (r == WM_WAV_MORE && ++calls < 100000);
    free(copy);
    return r;
}

static void check_signal(const file* f, const wm_wav_info* info, uint32_t tag, int bits, int count)
{
    float* out = malloc(sizeof(float) * (size_t)count);
    CHECK_EQ_INT(wm_wav_convert(info, f->b + info->data_offset, info->frames, out), info->frames);
    int bad = 0;
    for (int k = 0; k < count; k++) {
        double want = tag == WM_WAV_INT ? int_value(bits, k) : float_value(k);
        bad += out[k] != (float)want; /* the one rounding to float */
    }
    CHECK_EQ_INT(bad, 0);
    free(out);
}

static void test_formats(void)
{
    const uint32_t rates[] = {1, 8000, 11025, 44100, 48001, 96000, 768000};
    const struct { uint32_t tag; int bits; } kinds[] = {
        {WM_WAV_INT, 8}, {WM_WAV_INT, 16}, {WM_WAV_INT, 24}, {WM_WAV_INT, 32}, {WM_WAV_FLOAT, 32}, {WM_WAV_FLOAT, 64}};
    file* f = malloc(sizeof *f);
    int cases = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        for (uint32_t ch = 1; ch <= 8; ch++) {
            for (int ext = 0; ext < 2; ext++) {
                uint32_t rate = rates[(k + ch) % 7], frames = 37 + ch;
                fmt m = plain(kinds[k].tag, ch, rate, (uint32_t)kinds[k].bits);
                if (ext) {
                    m.sub = m.tag;
                    m.tag = 0xFFFE;
                }
                riff(f);
                chunk(f, "LIST", 5); /* odd: one pad byte follows */
                put(f, "abcde\0", 6);
                fmt_chunk(f, m);
                chunk(f, "data", frames * m.align);
                samples(f, kinds[k].tag, kinds[k].bits, (int)(frames * ch));
                close_riff(f);
                wm_wav_info info;
                for (size_t window = 0; window <= 64; window += 64) {
                    CHECK_EQ_INT(parse(f, window, &info), WM_OK);
                    CHECK_EQ_INT(info.format, kinds[k].tag);
                    CHECK_EQ_INT(info.bits, kinds[k].bits);
                    CHECK_EQ_INT(info.channels, ch);
                    CHECK_EQ_INT(info.rate_hz, rate);
                    CHECK_EQ_INT(info.frames, frames);
                    CHECK_EQ_INT(info.tag, ext ? 0xFFFE : kinds[k].tag);
                    CHECK_EQ_INT(info.data_offset, 12 + 14 + (ext ? 48 : 24) + 8);
                    check_signal(f, &info, kinds[k].tag, kinds[k].bits, (int)(frames * ch));
                }
                cases++;
            }
        }
    }
    printf("wav: %d format cases (tag x bits x 1..8 channels x plain/EXTENSIBLE), exact\n", cases);
    free(f);
}

/* Data first, a big unknown chunk, fmt last, a chunk after; read 64 bytes at a time. */
static void test_layouts(void)
{
    file* f = malloc(sizeof *f);
    riff(f);
    chunk(f, "data", 8);
    samples(f, WM_WAV_INT, 16, 4);
    chunk(f, "junk", 3001);
    memset(f->b + f->n, 0x55, 3002);
    f->n += 3002;
    fmt_chunk(f, plain(1, 2, 22050, 16));
    chunk(f, "cue ", 4);
    u32(f, 0);
    close_riff(f);
    wm_wav_info info;
    for (size_t window = 64; window <= 4096; window *= 4) {
        CHECK_EQ_INT(parse(f, window, &info), WM_OK);
        CHECK_EQ_INT(info.data_offset, 20);
        CHECK_EQ_INT(info.frames, 2);
        check_signal(f, &info, WM_WAV_INT, 16, 4);
    }
    /* The RIFF size is not trusted, and an odd last chunk may lack its pad byte. */
    riff(f);
    fmt_chunk(f, plain(1, 1, 44100, 8));
    chunk(f, "data", 3);
    samples(f, WM_WAV_INT, 8, 3);
    CHECK_EQ_INT(parse(f, 0, &info), WM_OK);
    CHECK_EQ_INT(info.frames, 3);
    /* An empty data chunk is a file of 0 frames. */
    riff(f);
    fmt_chunk(f, plain(3, 2, 48000, 32));
    chunk(f, "data", 0);
    CHECK_EQ_INT(parse(f, 0, &info), WM_OK);
    CHECK_EQ_INT(info.frames, 0);
    free(f);
}

/* A good file with fmt `m` and `frames` frames, then `tamper` applied. */
static int corrupt(file* f, fmt m, wm_wav_info* info)
{
    riff(f);
    fmt_chunk(f, m);
    chunk(f, "data", 4 * (m.align ? m.align : 1));
    memset(f->b + f->n, 0, 4 * (m.align ? m.align : 1));
    f->n += 4 * (m.align ? m.align : 1);
    close_riff(f);
    return parse(f, 0, info);
}

#define EXPECT(call, code, d0, d1)                                                                 \
    do {                                                                                           \
        CHECK_EQ_INT(call, code);                                                                  \
        CHECK_EQ_INT(info.detail[0], d0);                                                          \
        CHECK_EQ_INT(info.detail[1], d1);                                                          \
    } while (0)

static void test_corruptions(void)
{
    file* f = malloc(sizeof *f);
    wm_wav_info info;
    fmt good = plain(1, 2, 48000, 16);
    fmt m;
    EXPECT(corrupt(f, plain(2, 2, 48000, 4), &info), WM_WAV_ERR_FORMAT_TAG, 2, 0); /* ADPCM */
    EXPECT(corrupt(f, plain(1, 2, 48000, 12), &info), WM_WAV_ERR_BITS, 12, 1);
    EXPECT(corrupt(f, plain(3, 2, 48000, 16), &info), WM_WAV_ERR_BITS, 16, 3);
    EXPECT(corrupt(f, plain(1, 0, 48000, 16), &info), WM_WAV_ERR_CHANNELS, 0, 0);
    EXPECT(corrupt(f, plain(1, 9, 48000, 16), &info), WM_WAV_ERR_CHANNELS, 9, 0);
    EXPECT(corrupt(f, plain(1, 1, 0, 16), &info), WM_WAV_ERR_RATE, 0, 0);
    EXPECT(corrupt(f, plain(1, 1, 768001, 16), &info), WM_WAV_ERR_RATE, 768001, 0);
    m = good;
    m.align = 3;
    EXPECT(corrupt(f, m, &info), WM_WAV_ERR_BLOCK_ALIGN, 3, 4);
    m = good;
    m.tag = 0xFFFE;
    m.sub = 2;
    EXPECT(corrupt(f, m, &info), WM_WAV_ERR_FORMAT_TAG, 2, 0);
    m.sub = 1;
    corrupt(f, m, &info);
    f->b[12 + 8 + 24 + 15] ^= 1; /* the GUID's last byte */
    CHECK_EQ_INT(parse(f, 0, &info), WM_WAV_ERR_SUBFORMAT);

    corrupt(f, good, &info);
    f->b[0] = 'X';
    EXPECT(parse(f, 0, &info), WM_WAV_ERR_NOT_RIFF, 0x46464958u, 0);
    corrupt(f, good, &info);
    memcpy(f->b + 8, "AVI ", 4);
    EXPECT(parse(f, 0, &info), WM_WAV_ERR_NOT_WAVE, 0x20495641u, 0);
    f->n = 7;
    memcpy(f->b, "RIFF", 4);
    EXPECT(parse(f, 0, &info), WM_WAV_ERR_TOO_SHORT, 7, 0);
    f->n = 0;
    EXPECT(parse(f, 0, &info), WM_WAV_ERR_TOO_SHORT, 0, 0);

    riff(f); /* no fmt */
    chunk(f, "data", 2);
    u16(f, 0);
    CHECK_EQ_INT(parse(f, 0, &info), WM_WAV_ERR_NO_FMT);
    riff(f); /* no data */
    fmt_chunk(f, good);
    chunk(f, "LIST", 0);
    CHECK_EQ_INT(parse(f, 0, &info), WM_WAV_ERR_NO_DATA);
    riff(f); /* a short fmt */
    chunk(f, "fmt ", 14);
    memset(f->b + f->n, 1, 14);
    f->n += 14;
    EXPECT(parse(f, 0, &info), WM_WAV_ERR_FMT_SIZE, 14, 16);
    riff(f); /* EXTENSIBLE without its extension */
    chunk(f, "fmt ", 18);
    u16(f, 0xFFFE);
    memset(f->b + f->n, 1, 16);
    f->n += 16;
    EXPECT(parse(f, 0, &info), WM_WAV_ERR_FMT_SIZE, 18, 40);
    riff(f); /* a chunk that runs past the end */
    chunk(f, "LIST", 1000);
    memset(f->b + f->n, 0, 100);
    f->n += 100;
    CHECK_EQ_INT(parse(f, 0, &info), WM_WAV_ERR_CHUNK_TRUNCATED);
    CHECK_EQ_INT(info.detail[0], 0x5453494cu);
    CHECK_EQ_INT(info.detail[1], 1000);
    CHECK_EQ_INT(info.detail[2], 100);
    riff(f); /* data shorter than declared */
    fmt_chunk(f, good);
    chunk(f, "data", 4000);
    memset(f->b + f->n, 0, 1000);
    f->n += 1000;
    EXPECT(parse(f, 0, &info), WM_WAV_ERR_DATA_TRUNCATED, 4000, 1000);
    riff(f); /* half a frame */
    fmt_chunk(f, good);
    chunk(f, "data", 6);
    memset(f->b + f->n, 0, 6);
    f->n += 6;
    EXPECT(parse(f, 0, &info), WM_WAV_ERR_PARTIAL_FRAME, 6, 4);
    /* Misuse: no window, or parse after the end. */
    wm_wav_begin(&info, 100);
    CHECK_EQ_INT(wm_wav_parse(&info, NULL, 0), WM_WAV_ERR_ARG);
    corrupt(f, good, &info);
    CHECK_EQ_INT(wm_wav_parse(&info, f->b, f->n), WM_WAV_ERR_ARG);
    /* An info that was never parsed converts nothing. */
    float out[4];
    wm_wav_begin(&info, 0);
    CHECK_EQ_INT(wm_wav_convert(&info, f->b, 1, out), 0);
    free(f);
}

/* Every prefix of a good file is an error, never a read past its end. */
static void test_truncations(void)
{
    file* f = malloc(sizeof *f);
    riff(f);
    chunk(f, "LIST", 9);
    memset(f->b + f->n, 0, 10);
    f->n += 10;
    fmt_chunk(f, (fmt){0xFFFE, 3, 2, 44100, 32, 8});
    chunk(f, "data", 80);
    samples(f, WM_WAV_FLOAT, 32, 20);
    size_t full = f->n;
    wm_wav_info info;
    int ok = 0;
    for (size_t n = 0; n < full; n++) {
        f->n = n;
        int r = parse(f, n % 3 ? 64 : 0, &info);
        ok += r == WM_OK;
        CHECK(r < 0);
    }
    CHECK_EQ_INT(ok, 0);
    printf("wav: %zu truncations of a %zu-byte file, all rejected\n", full, full);
    free(f);
}

/* Random bytes changed in good files: any result but a crash or a
   data chunk outside the file. */
static void test_mutations(void)
{
    file* f = malloc(sizeof *f);
    file* g = malloc(sizeof *g);
    riff(g);
    fmt_chunk(g, (fmt){0xFFFE, 1, 2, 48000, 24, 6});
    chunk(g, "data", 60);
    samples(g, WM_WAV_INT, 24, 20);
    int accepted = 0, rounds = 20000;
    float out[64];
    for (int r = 0; r < rounds; r++) {
        memcpy(f, g, sizeof *f);
        int edits = 1 + (int)(check_rand() % 4);
        for (int e = 0; e < edits; e++)
            f->b[check_rand() % f->n] = (uint8_t)check_rand();
        if (check_rand() % 4 == 0)
            f->n = check_rand() % f->n;
        wm_wav_info info;
        int res = parse(f, (check_rand() % 2) * 64, &info);
        CHECK(res == WM_OK || (res <= WM_WAV_ERR_NOT_RIFF && res >= WM_WAV_ERR_ARG));
        if (res == WM_OK) {
            accepted++;
            CHECK((uint64_t)info.data_offset + info.data_bytes <= f->n);
            size_t frames = info.frames * info.channels <= 64 ? info.frames : 64 / info.channels;
            CHECK_EQ_INT(wm_wav_convert(&info, f->b + info.data_offset, frames, out), frames);
        }
    }
    printf("wav: %d mutated files, %d still valid, none read outside the file\n", rounds, accepted);
    free(f);
    free(g);
}

int main(void)
{
    check_seed_from_env();
    test_formats();
    test_layouts();
    test_corruptions();
    test_truncations();
    test_mutations();
    if (check_failures)
        fprintf(stderr, "SEED=%u\n", check_seed);
    return check_failures ? 1 : 0;
}
