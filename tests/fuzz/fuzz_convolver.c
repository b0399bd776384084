/* fuzz_convolver.c -- libFuzzer target: impulse responses loaded into the
   convolver (wm_convolver).

   The input picks a convolver (channels, longest IR, block size, sample
   rate, valid or not) in an arena of exactly wm_convolver_memory_size
   bytes, then interleaves: IR loads of any channel count and length (valid
   or just outside the limits) whose samples are hostile (NaN, infinities,
   huge, denormal, raw bits), loaded at once or in steps of any size,
   swaps with any fade time, wet/dry/pre-delay settings with hostile values,
   resets, and blocks of hostile input of any length. Each IR buffer has
   exactly its frames and stays valid until the input ends (the loader's
   contract).

   Checked on top of the sanitizers: memory_size is 0 exactly when init
   says WM_ERR_ARG; load_begin accepts exactly the documented channel
   counts and lengths; load_step's work left never grows and reaches 0;
   every output sample is finite whenever the values fed cannot overflow a
   float sum (a huge finite IR times a huge input can: that is arithmetic,
   not a fault; the convolver is not in the session's signal path).
   Thread: the fuzzer's. */
#include "fuzz_input.h"
#include "wm_convolver.h"

enum { MAX_IRS = 8, MAX_N = 1024 };

typedef struct {
    wm_convolver c;
    float* irs[MAX_IRS][WM_MAX_CHANNELS];
    int nirs;
    float in[WM_MAX_CHANNELS][MAX_N], out[WM_MAX_CHANNELS][MAX_N];
    double ir_sum, in_max; /* the largest sum of |IR| loaded, the largest |input| fed */
} rig;

/* The largest finite magnitude in x (NaN and Inf become 0 in the convolver). */
static double max_abs(const float* x, int n)
{
    double m = 0;
    for (int i = 0; i < n; i++)
        if (wm_is_finite(x[i]) && fabs(x[i]) > m)
            m = fabs(x[i]);
    return m;
}

static void load(rig* g, fz_in* in)
{
    wm_convolver* c = &g->c;
    int ir_channels = fz_u8(in) % 4;
    int frames = fz_int(in, c->max_ir_frames);
    if (frames > c->max_ir_frames + 2 || g->nirs == MAX_IRS)
        frames = c->max_ir_frames + 1;
    float** ir = g->irs[g->nirs];
    int alloc = frames > 0 && frames <= c->max_ir_frames && ir_channels <= WM_MAX_CHANNELS;
    for (int ch = 0; alloc && ch < ir_channels; ch++) {
        ir[ch] = malloc((size_t)frames * sizeof(float));
        fz_fill(in, ir[ch], frames);
        g->ir_sum = fmax(g->ir_sum, max_abs(ir[ch], frames) * frames);
    }
    g->nirs += alloc;
    int r = wm_convolver_load_begin(c, (const float* const*)ir, ir_channels, frames);
    int valid = (ir_channels == 1 || ir_channels == c->channels) && frames >= 0 && frames <= c->max_ir_frames;
    FZ_CHECK(valid ? r == WM_OK || (r == WM_ERR_LIMIT && wm_convolver_busy(c)) : r == WM_ERR_ARG);
    if (r != WM_OK)
        return;
    if (fz_u8(in) < 128) {
        FZ_CHECK(wm_convolver_load_step(c, INT32_MAX) == 0);
        return;
    }
    /* in steps: the work left never grows */
    int left = INT32_MAX;
    for (int i = 0; i < 1 << 16 && left > 0; i++) {
        int now = wm_convolver_load_step(c, fz_int(in, 256));
        FZ_CHECK(now >= 0 && now <= left);
        left = now;
        if (fz_u8(in) < 16)
            return; /* leave it half loaded */
    }
    FZ_CHECK(left == 0);
}

static void process(rig* g, fz_in* in, int max_block)
{
    wm_convolver* c = &g->c;
    int n = fz_u8(in) < 200 ? max_block : fz_u16(in) % (MAX_N + 1);
    const float* ip[WM_MAX_CHANNELS];
    float* op[WM_MAX_CHANNELS];
    for (int ch = 0; ch < c->channels; ch++) {
        fz_fill(in, g->in[ch], n);
        g->in_max = fmax(g->in_max, max_abs(g->in[ch], n));
        ip[ch] = g->in[ch];
        op[ch] = fz_u8(in) < 64 ? g->in[ch] : g->out[ch]; /* out may alias in */
    }
    wm_convolver_process(c, ip, op, n);
    /* Finite whenever no sum can overflow: |y| <= max|x| (16 sum|h| + 16)
       at +24 dB wet and dry, a crossfade's two IRs at most doubling it. */
    if (g->in_max * (32.0 * g->ir_sum + 16.0) < 1e37)
        for (int ch = 0; ch < c->channels; ch++)
            FZ_CHECK(fz_finite(op[ch], n));
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static rig g;
    static const float rates[] = {48000.0f, 44100.0f, 8000.0f, 1000.0f, 768000.0f, 999.0f, NAN, 0.0f};
    fz_in in = {data, size};
    int channels = fz_u8(&in) % 4;
    int max_ir = fz_u8(&in) < 250 ? (int)fz_u16(&in) % 4097 : fz_int(&in, WM_CONVOLVER_MAX_IR_FRAMES);
    int max_block = fz_u8(&in) < 250 ? 1 + (int)fz_u16(&in) % MAX_N : fz_int(&in, 0);
    float rate = rates[fz_u8(&in) % 8];
    size_t bytes = wm_convolver_memory_size(max_ir, channels, max_block, rate);
    void* mem = malloc(bytes ? bytes : 1);
    wm_arena a;
    wm_arena_init(&a, mem, bytes);
    int r = wm_convolver_init(&g.c, &a, max_ir, channels, max_block, rate);
    FZ_CHECK(bytes == 0 ? r == WM_ERR_ARG : r == WM_OK);
    g.nirs = 0;
    g.ir_sum = g.in_max = 0;
    while (r == WM_OK && fz_more(&in) && max_block <= MAX_N) {
        uint8_t k = fz_u8(&in);
        if (k < 40) {
            load(&g, &in);
        } else if (k < 60) {
            int s = wm_convolver_swap(&g.c, fz_float(&in));
            FZ_CHECK(s == WM_OK || s == WM_ERR_RANGE || s == WM_ERR_ARG || s == WM_ERR_LIMIT);
        } else if (k < 80) {
            float v = fz_float(&in);
            int (*set[3])(wm_convolver*, float) = {wm_convolver_set_wet_db, wm_convolver_set_dry_db,
                                                   wm_convolver_set_predelay_ms};
            int s = set[k % 3](&g.c, v);
            FZ_CHECK(v != v ? s == WM_ERR_ARG : s == WM_OK || s == WM_ERR_RANGE);
        } else if (k < 84) {
            wm_convolver_reset(&g.c);
        } else {
            process(&g, &in, max_block);
        }
    }
    for (int i = 0; i < g.nirs; i++)
        for (int ch = 0; ch < WM_MAX_CHANNELS; ch++) {
            free(g.irs[i][ch]);
            g.irs[i][ch] = NULL;
        }
    free(mem);
    return 0;
}
