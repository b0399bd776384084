/* fuzz_session.c -- libFuzzer target: the session's command protocol.

   The input drives a page that misbehaves: it pushes records of any opcode
   with words biased toward strip, track, parameter and clip indices around
   their limits, live and stale pool handles and clip ids, hostile floats
   and frames; records of a wrong length; writes hostile samples into track
   inputs and into the pool spans POOL_ALLOC replies name; reads replies;
   feeds the stream rings hostile frames and reads the record ring, as the
   Workers do; and now and then overwrites a word of a ring header.
   Between records it renders blocks of any length, valid or not.

   Checked on top of the sanitizers: every block's master output is finite;
   wm_session_process takes at most max_commands_per_block records and
   rejects a bad block length; every span lies in the arena; applied +
   rejected == records taken; and, when no header was overwritten, once the
   ring is drained: records pushed == applied + rejected, and replies read +
   replies dropped == CLIP_ADD and POOL_ALLOC records of the right length
   (each gets exactly one reply). Thread: the fuzzer's. */
#include "fuzz_input.h"
#include "session_config.h"

enum { FS = 48000, BLOCK = 128, TRACKS = 3, BUSES = 1, STREAMS = 2, MAX_KNOWN = 64 };

/* Record lengths in words, from the protocol table in wm_session.h (0: no such opcode). */
static const uint8_t op_words[WM_SESSION_OP_COUNT] = {
    [WM_SESSION_OP_SET_STRIP_PARAM] = 4, [WM_SESSION_OP_SET_MIXER_PARAM] = 3, [WM_SESSION_OP_TRANSPORT] = 2,
    [WM_SESSION_OP_SEEK] = 3,            [WM_SESSION_OP_LOOP] = 6,            [WM_SESSION_OP_CLIP_ADD] = 11,
    [WM_SESSION_OP_CLIP_REMOVE] = 3,     [WM_SESSION_OP_POOL_ALLOC] = 5,      [WM_SESSION_OP_POOL_COMMIT] = 3,
    [WM_SESSION_OP_POOL_COMPLETE] = 3,   [WM_SESSION_OP_POOL_FREE] = 2,       [WM_SESSION_OP_AUTOMATE] = 9,
    [WM_SESSION_OP_STREAM_BIND] = 4,
    [WM_SESSION_OP_STREAM_UNBIND] = 2,   [WM_SESSION_OP_RECORD] = 2,          [WM_SESSION_OP_REVERB_LOAD] = 5,
    [WM_SESSION_OP_REVERB_PARAM] = 4};

static wm_session_config config(int max_commands)
{
    /* small rings: records wait and replies get dropped */
    wm_session_config c = session_config(TRACKS, BUSES, 8, 32, 256, 16, 2048, 512);
    c.max_commands_per_block = max_commands;
    c.stream_count = STREAMS;
    c.stream_ring_frames = 256;
    c.record_ring_frames = 512;
    c.automation_lanes = 4;
    c.automation_events = 8;
    return c;
}

typedef struct {
    wm_session* s;
    unsigned char* mem;
    size_t mem_bytes;
    wm_ring cmd, reply; /* the page's ends */
    int32_t known[MAX_KNOWN]; /* handles and clip ids seen in replies */
    int nknown;
    long pushed, want_replies, replies, taken;
    int tampered, max_commands;
} page;

static void remember(page* pg, int32_t v)
{
    if (v > 0)
        pg->known[pg->nknown++ % MAX_KNOWN] = v;
}

/* One word of a record: mostly something that means something somewhere. */
static uint32_t word(page* pg, fz_in* in)
{
    uint8_t k = fz_u8(in);
    switch (k % 6) {
    case 0:
        return fz_u32(in);
    case 1:
        return (uint32_t)fz_int(in, TRACKS + BUSES + 1);
    case 2:
        return pg->nknown ? (uint32_t)pg->known[fz_u8(in) % (pg->nknown < MAX_KNOWN ? pg->nknown : MAX_KNOWN)]
                          : (uint32_t)fz_int(in, 1);
    case 3:
        return fz_float_bits(fz_float(in));
    case 4:
        return (uint32_t)fz_int(in, WM_STRIP_PARAM_COUNT);
    default:
        return fz_u16(in);
    }
}

static void push_command(page* pg, fz_in* in)
{
    uint32_t w[16];
    uint32_t op = fz_u8(in) % (WM_SESSION_OP_COUNT + 1);
    int words = op < WM_SESSION_OP_COUNT && op_words[op] ? op_words[op] : 1 + fz_u8(in) % 12;
    uint8_t shape = fz_u8(in);
    if (shape < 16)
        words = 1 + shape % 16; /* a wrong length, most likely */
    w[0] = op;
    for (int i = 1; i < words; i++)
        w[i] = word(pg, in);
    if (op == WM_SESSION_OP_AUTOMATE && words == 9 && fz_u8(in) < 128) {
        /* times as float64 engine frames: hostile, or near now */
        static const double times[] = {NAN, INFINITY, -INFINITY, -1.0, 1e300, 4.9e-324, 0.0, 1e15};
        for (int k = 4; k <= 7; k += 3) {
            uint8_t t = fz_u8(in);
            double d = t < 64 ? times[t % 8] : (double)wm_mixer_frames(wm_session_mixer(pg->s)) + fz_u16(in);
            uint64_t u;
            memcpy(&u, &d, sizeof u);
            w[k] = (uint32_t)u;
            w[k + 1] = (uint32_t)(u >> 32);
        }
    }
    int bytes = 4 * words;
    if (shape == 255)
        bytes -= 1 + fz_u8(in) % 3; /* not a whole number of words */
    if (wm_ring_push_record(&pg->cmd, w, bytes) == 1) {
        pg->pushed++;
        /* REVERB_LOAD is answered at once here: the session has no reverbs, so every load fails */
        pg->want_replies += (op == WM_SESSION_OP_CLIP_ADD || op == WM_SESSION_OP_POOL_ALLOC ||
                             op == WM_SESSION_OP_REVERB_LOAD) &&
                            bytes == 4 * op_words[op];
    }
}

/* Writes hostile samples into the spans of a POOL_ALLOC reply, which must
   lie in the arena. */
static void fill_spans(page* pg, fz_in* in, const uint32_t* r, int words)
{
    wm_pool_info info;
    if (wm_pool_query(wm_session_pool(pg->s), (int32_t)r[1], &info) != WM_OK)
        return;
    for (int i = 0; i < (int)r[2] && 3 + 3 * i + 2 < words; i++) {
        size_t off = r[3 + 3 * i];
        size_t floats = (size_t)r[5 + 3 * i] * (size_t)info.channels;
        FZ_CHECK(off % 4 == 0 && off < pg->mem_bytes && floats * 4 <= pg->mem_bytes - off);
        fz_fill(in, (float*)(pg->mem + off), (int)floats);
    }
}

static void read_replies(page* pg, fz_in* in)
{
    uint32_t r[64];
    int bytes;
    while ((bytes = wm_ring_pop_record(&pg->reply, r, sizeof r)) > 0) {
        int words = bytes / 4;
        FZ_CHECK(bytes % 4 == 0 && words >= 2);
        pg->replies++;
        remember(pg, (int32_t)r[1]);
        if (words >= 3) {
            FZ_CHECK(words == 3 + 3 * (int)r[2]);
            fill_spans(pg, in, r, words);
        }
    }
}

static void render(page* pg, fz_in* in)
{
    uint8_t k = fz_u8(in);
    int n = k < 160 ? BLOCK : k < 250 ? k % (BLOCK + 1) : (int[]){-1, BLOCK + 1, INT32_MIN, INT32_MAX, -BLOCK, 0}[k - 250];
    int tracks = fz_u8(in) % (TRACKS + 1);
    for (int t = 0; t < tracks; t++)
        for (int ch = 0; ch < 2; ch++) {
            float* x = wm_mixer_track_input(wm_session_mixer(pg->s), t, ch);
            if (x)
                fz_fill(in, x, BLOCK);
        }
    int taken = wm_session_process(pg->s, n);
    if (n < 0 || n > BLOCK) {
        FZ_CHECK(taken == WM_ERR_ARG);
        return;
    }
    FZ_CHECK(taken >= 0 && taken <= pg->max_commands);
    pg->taken += taken;
    const uint32_t* st = wm_session_status(pg->s);
    FZ_CHECK((long)st[WM_SESSION_ST_APPLIED] + st[WM_SESSION_ST_REJECTED] == pg->taken);
    for (int ch = 0; ch < 2; ch++)
        FZ_CHECK(fz_finite(wm_mixer_output(wm_session_mixer(pg->s), ch), n));
}

/* The ring a hostile page or Worker writes into: command, reply, a stream or the record ring. */
static uint32_t* ring_header(page* pg, int k)
{
    switch (k % 4) {
    case 0: return (uint32_t*)pg->cmd.hdr;
    case 1: return (uint32_t*)pg->reply.hdr;
    case 2: return wm_session_stream_ring(pg->s, (k / 4) % STREAMS);
    default: return wm_session_record_ring(pg->s);
    }
}

/* Overwrites one word of a ring header, as a hostile page can. */
static void tamper(page* pg, fz_in* in)
{
    uint8_t k = fz_u8(in);
    uint32_t* hdr = ring_header(pg, k);
    hdr[fz_u8(in) % (WM_RING_HEADER_BYTES / 4)] = (uint32_t)fz_int(in, 256);
    pg->tampered |= k % 4 < 2; /* the accounting below is about the command and reply rings */
}

/* A Worker feeding a stream with hostile frames, and the recording reader. */
static void stream_traffic(page* pg, fz_in* in)
{
    static float buf[2 * 512];
    wm_ring r;
    uint8_t k = fz_u8(in);
    int frames = fz_u16(in) % 513;
    if (wm_ring_attach(&r, ring_header(pg, 2 + 4 * (k & 1)), 1u << 20) == WM_OK && r.channels == 2) {
        fz_fill(in, buf, 2 * frames);
        FZ_CHECK(wm_ring_push(&r, buf, frames) >= 0);
    }
    if (wm_ring_attach(&r, ring_header(pg, 3), 1u << 20) == WM_OK && r.channels == 2) {
        int got = wm_ring_pop(&r, buf, frames);
        FZ_CHECK(got >= 0 && got <= frames && fz_finite(buf, 2 * got));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static page pg;
    fz_in in = {data, size};
    int max_commands = 1 + fz_u8(&in) % 64;
    wm_session_config c = config(max_commands);
    if (!pg.mem) {
        pg.mem_bytes = wm_session_memory_size(&c);
        pg.mem = malloc(pg.mem_bytes);
    }
    wm_arena a;
    wm_arena_init(&a, pg.mem, pg.mem_bytes);
    int err;
    pg.s = wm_session_create(&a, &c, pg.mem, &err);
    FZ_CHECK(pg.s && err == WM_OK);
    FZ_CHECK(wm_ring_attach(&pg.cmd, wm_session_command_ring(pg.s), 1u << 20) == WM_OK);
    FZ_CHECK(wm_ring_attach(&pg.reply, wm_session_reply_ring(pg.s), 1u << 20) == WM_OK);
    pg.nknown = 0;
    pg.pushed = pg.want_replies = pg.replies = pg.taken = 0;
    pg.tampered = 0;
    pg.max_commands = max_commands;
    while (fz_more(&in)) {
        uint8_t k = fz_u8(&in);
        if (k < 128)
            push_command(&pg, &in);
        else if (k < 192)
            render(&pg, &in);
        else if (k < 220)
            read_replies(&pg, &in);
        else if (k < 250)
            stream_traffic(&pg, &in);
        else
            tamper(&pg, &in);
    }
    if (pg.tampered)
        return 0;
    /* Drain: every record pushed is applied or rejected, every reply is read or counted dropped. */
    for (int b = 0; b < 4096 && wm_ring_available_read(&pg.cmd) > 0; b++) {
        pg.taken += wm_session_process(pg.s, BLOCK);
        read_replies(&pg, &in);
    }
    read_replies(&pg, &in);
    const uint32_t* st = wm_session_status(pg.s);
    FZ_CHECK(wm_ring_available_read(&pg.cmd) == 0 && pg.taken == pg.pushed);
    FZ_CHECK((long)st[WM_SESSION_ST_APPLIED] + st[WM_SESSION_ST_REJECTED] == pg.pushed);
    FZ_CHECK(pg.replies + (long)st[WM_SESSION_ST_REPLIES_DROPPED] == pg.want_replies);
    return 0;
}
