/* test_convolver.c -- the convolution reverb against a direct time-domain
   convolution in double (the independent reference), for IR lengths that
   are and are not powers of two and every block size; zero latency; the
   pre-delay; wet and dry; stereo and mono IRs; the IR swap (click-free,
   exact before and after the fade, loaded in slices); the arena budget;
   hostile input; reset; block-split invariance. Then, not asserted, the
   cost of every 128-frame block of 30 s renders with IRs of 0.1 to 10 s. */
#include <string.h>
#include <time.h>

#include "check.h"
#include "wm_convolver.h"
#include "wm_simd.h" /* WM_SIMD_NAME, to label the figures */

enum { FS = 48000 };
static const double PI = 3.14159265358979323846;

static unsigned char* arena_mem;
static const size_t ARENA_BYTES = (size_t)80 << 20;
static wm_arena arena;
static wm_convolver conv, conv2;

/* A convolver in a fresh arena (every earlier instance is gone unless
   keep_arena). */
static void make(wm_convolver* c, int max_ir, int channels, int max_block, int keep_arena)
{
    if (!keep_arena)
        wm_arena_init(&arena, arena_mem, ARENA_BYTES);
    CHECK_EQ_INT(wm_convolver_init(c, &arena, max_ir, channels, max_block, FS), WM_OK);
}

/* Load and play at once (before any audio, so without a fade). */
static void set_ir(wm_convolver* c, float* const* ir, int ir_channels, int frames)
{
    CHECK_EQ_INT(wm_convolver_load(c, (const float* const*)ir, ir_channels, frames), WM_OK);
    CHECK_EQ_INT(wm_convolver_swap(c, 0.0f), WM_OK);
}

/* Exponentially decaying noise, 60 dB down at the end: a plausible room. */
static float* make_ir(int frames)
{
    float* h = malloc(sizeof(float) * (size_t)(frames > 0 ? frames : 1));
    for (int k = 0; k < frames; k++)
        h[k] = (float)(0.5 * check_noise() * exp(-6.9 * k / frames));
    return h;
}

static float* make_noise(int frames, float amp)
{
    float* x = malloc(sizeof(float) * (size_t)frames);
    for (int i = 0; i < frames; i++)
        x[i] = amp * check_noise();
    return x;
}

/* y[t] = sum_k h[k] x[t - k], t < n, in double, the plain way. */
static double* direct(const float* x, int n, const float* h, int taps)
{
    double* y = calloc((size_t)n, sizeof(double));
    for (int k = 0; k < taps; k++) {
        const double hk = h[k];
        for (int t = k; t < n; t++)
            y[t] += hk * x[t - k];
    }
    return y;
}

/* Error energy of y against ref over [from, to), relative to ref, in dB. */
static double error_db(const float* y, const double* ref, int from, int to)
{
    double sig = 0, err = 0;
    for (int t = from; t < to; t++) {
        sig += ref[t] * ref[t];
        err += (y[t] - ref[t]) * (y[t] - ref[t]);
    }
    return 10.0 * log10(fmax(err, 1e-300) / fmax(sig, 1e-300));
}

/* Runs n frames of channels through c in blocks of `block` frames. */
static void run(wm_convolver* c, float* const* x, float* const* y, int channels, int n, int block)
{
    for (int done = 0; done < n; done += block) {
        int len = n - done < block ? n - done : block;
        const float* in[2] = {x[0] + done, channels > 1 ? x[1] + done : NULL};
        float* out[2] = {y[0] + done, channels > 1 ? y[1] + done : NULL};
        wm_convolver_process(c, in, out, len);
    }
}

static void test_against_direct(void)
{
    const int lengths[] = {1, 7, 100, 1000, 12345, 48000 + 17}, blocks[] = {1, 3, 64, 128, 1000};
    double worst_all = -400;
    for (int li = 0; li < 6; li++) {
        int taps = lengths[li], n = taps + 4096;
        float *h = make_ir(taps), *x = make_noise(n, 0.5f), *y = malloc(sizeof(float) * (size_t)n);
        double* ref = direct(x, n, h, taps);
        double worst = -400;
        for (int bi = 0; bi < 5; bi++) {
            make(&conv, taps, 1, blocks[bi], 0);
            set_ir(&conv, &h, 1, taps);
            run(&conv, &x, &y, 1, n, blocks[bi]);
            double e = error_db(y, ref, 0, n);
            CHECK(e < -100.0);
            if (e >= -100.0)
                fprintf(stderr, "  IR %d frames, block %d: %.1f dB\n", taps, blocks[bi], e);
            worst = fmax(worst, e);
            /* Zero latency: frame 0 is x[0] h[0], exactly. */
            CHECK(y[0] == x[0] * h[0]);
        }
        worst_all = fmax(worst_all, worst);
        printf("IR %5d frames: error vs direct double convolution %.1f dB (worst of blocks 1, 3, 64, 128, 1000)\n",
               taps, worst);
        free(h), free(x), free(y), free(ref);
    }
    printf("accuracy: worst error %.1f dB relative to the signal over 6 IR lengths x 5 block sizes\n", worst_all);
}

/* An impulse gives the IR back from frame 0: the head (direct FIR) bit for
   bit, the rest within float rounding; nothing after the IR ends. With a
   pre-delay, the same shifted by exactly round(ms * rate) frames. */
static void test_impulse_and_predelay(void)
{
    enum { TAPS = 5000, N = 30000 };
    float *h = make_ir(TAPS), *x = calloc(N, sizeof(float)), *y = malloc(sizeof(float) * N);
    x[0] = 1.0f;
    const float delays_ms[] = {0.0f, 10.0f, 123.4f, 500.0f};
    for (int di = 0; di < 4; di++) {
        int d = (int)lround(delays_ms[di] * 0.001 * FS);
        make(&conv, TAPS, 1, 128, 0);
        set_ir(&conv, &h, 1, TAPS);
        CHECK_EQ_INT(wm_convolver_set_predelay_ms(&conv, delays_ms[di]), WM_OK);
        run(&conv, &x, &y, 1, N, 128);
        int head_exact = 1, zero_before = 1;
        double worst = 0, peak = 0, after = 0;
        for (int t = 0; t < N; t++) {
            double want = t >= d && t - d < TAPS ? h[t - d] : 0.0;
            zero_before &= t >= d || y[t] == 0.0f;
            head_exact &= !(t < conv.block) || y[t] == want;
            worst = fmax(worst, fabs(y[t] - want));
            peak = fmax(peak, fabs(want));
            after = t >= d + TAPS ? fmax(after, fabs(y[t])) : after;
        }
        CHECK(zero_before);
        CHECK(head_exact || d > 0); /* the direct FIR: h itself when the impulse is at frame 0 */
        CHECK(worst < 1e-6 * peak);
        printf("impulse, pre-delay %.1f ms: IR out from frame %d (exactly 0 before)%s, worst deviation %.2g of the "
               "IR peak, %.2g after its end\n",
               delays_ms[di], d, d == 0 ? ", the first B frames bit for bit" : "", worst / peak, after / peak);
    }
    free(h), free(x), free(y);
}

/* Largest fourth difference of y over [from, to): a high-pass that passes a
   1 kHz sine at -71 dB but a click at up to +24 dB (as in test_filter.c). */
static double max_click(const float* y, int from, int to)
{
    double m = 0;
    for (int i = from + 4; i < to; i++)
        m = fmax(m, fabs(y[i] - 4.0 * y[i - 1] + 6.0 * y[i - 2] - 4.0 * y[i - 3] + y[i - 4]));
    return m;
}

static float* make_sine(int n, double hz, double amp)
{
    float* x = malloc(sizeof(float) * (size_t)n);
    for (int i = 0; i < n; i++)
        x[i] = (float)(amp * sin(2.0 * PI * hz * i / FS));
    return x;
}

/* Wet and dry: dry alone is the input bit for bit; a mix matches the
   formula; a wet change glides over 20 ms and lands on the new gain. */
static void test_wet_dry(void)
{
    enum { TAPS = 3000, N = 20000, CHANGE = 10000 };
    float *h = make_ir(TAPS), *x = make_noise(N, 0.5f), *y = malloc(sizeof(float) * N);
    double* ref = direct(x, N, h, TAPS);
    make(&conv, TAPS, 1, 128, 0);
    set_ir(&conv, &h, 1, TAPS);
    wm_convolver_set_wet_db(&conv, WM_SILENCE_DB);
    wm_convolver_set_dry_db(&conv, 0.0f);
    run(&conv, &x, &y, 1, N, 128);
    CHECK(memcmp(x, y, sizeof(float) * N) == 0);

    wm_convolver_reset(&conv);
    CHECK_EQ_INT(wm_convolver_set_wet_db(&conv, -6.0f), WM_OK);
    CHECK_EQ_INT(wm_convolver_set_dry_db(&conv, -12.0f), WM_OK);
    run(&conv, &x, &y, 1, CHANGE, 128);
    CHECK_EQ_INT(wm_convolver_set_wet_db(&conv, -20.0f), WM_OK);
    run(&conv, (float*[]){x + CHANGE}, (float*[]){y + CHANGE}, 1, N - CHANGE, 128);
    const double gd = pow(10.0, -12.0 / 20), g1 = pow(10.0, -6.0 / 20), g2 = pow(10.0, -20.0 / 20);
    double* mix = malloc(sizeof(double) * N);
    int glide = (int)lround(WM_CONVOLVER_GLIDE_MS * 0.001 * FS);
    for (int t = 0; t < N; t++) {
        double gw = t < CHANGE ? g1 : (t >= CHANGE + glide ? g2 : g1 + (g2 - g1) * (t - CHANGE + 1) / glide);
        mix[t] = gd * x[t] + gw * ref[t];
    }
    double before = error_db(y, mix, 0, CHANGE), during = error_db(y, mix, CHANGE, CHANGE + glide);
    double after = error_db(y, mix, CHANGE + glide, N);
    CHECK(before < -100.0 && during < -100.0 && after < -100.0);
    CHECK_EQ_INT(wm_convolver_set_wet_db(&conv, 30.0f), WM_ERR_RANGE);
    CHECK_EQ_INT(wm_convolver_set_dry_db(&conv, NAN), WM_ERR_ARG);
    CHECK_EQ_INT(wm_convolver_set_predelay_ms(&conv, 600.0f), WM_ERR_RANGE);
    printf("wet/dry: dry only is the input bit for bit; wet -6 dB + dry -12 dB: %.1f dB error; wet glide to -20 dB "
           "(linear over %d frames): %.1f dB during, %.1f dB after\n",
           before, glide, during, after);
    free(h), free(x), free(y), free(ref), free(mix);
}

/* Stereo IR: left through its left channel, right through its right; a
   mono IR on stereo input: both channels through the same response. */
static void test_stereo(void)
{
    enum { TAPS = 7000, N = TAPS + 3000 };
    float *hl = make_ir(TAPS), *hr = make_ir(TAPS), *xl = make_noise(N, 0.5f), *xr = make_noise(N, 0.5f);
    float *yl = malloc(sizeof(float) * N), *yr = malloc(sizeof(float) * N);
    double *rll = direct(xl, N, hl, TAPS), *rrr = direct(xr, N, hr, TAPS), *rrl = direct(xr, N, hl, TAPS);
    float *ir[2] = {hl, hr}, *x[2] = {xl, xr}, *y[2] = {yl, yr};
    make(&conv, TAPS, 2, 128, 0);
    set_ir(&conv, ir, 2, TAPS);
    run(&conv, x, y, 2, N, 128);
    double el = error_db(yl, rll, 0, N), er = error_db(yr, rrr, 0, N);
    CHECK(el < -100.0 && er < -100.0);
    make(&conv, TAPS, 2, 128, 0);
    set_ir(&conv, ir, 1, TAPS);
    run(&conv, x, y, 2, N, 128);
    double ml = error_db(yl, rll, 0, N), mr = error_db(yr, rrl, 0, N);
    CHECK(ml < -100.0 && mr < -100.0);
    printf("stereo IR (L->L, R->R): %.1f / %.1f dB; mono IR on stereo input: %.1f / %.1f dB\n", el, er, ml, mr);
    free(hl), free(hr), free(xl), free(xr), free(yl), free(yr), free(rll), free(rrr), free(rrl);
}

/* Swap from IR A to IR B while a 1 kHz sine plays: B is loaded in slices
   between blocks, then swapped with a 50 ms fade. Before the fade the
   output is the convolution with A, during it the equal-power mix, after
   it the convolution (of the whole input) with B. The fourth difference
   shows no click, where a hard switch makes one. */
static void test_swap(void)
{
    enum { TA = 9600, TB = 14400, LOAD_AT = 38400, N = 782 * 128, BLOCK = 128 };
    float *ha = make_ir(TA), *hb = make_ir(TB), *x = make_sine(N, 1000.0, 0.25);
    float *y = malloc(sizeof(float) * N), *y_once = malloc(sizeof(float) * N), *y_hard = malloc(sizeof(float) * N);
    double *ra = direct(x, N, ha, TA), *rb = direct(x, N, hb, TB);
    make(&conv, TB, 1, BLOCK, 0);
    make(&conv2, TB, 1, BLOCK, 1);
    set_ir(&conv, &ha, 1, TA);
    set_ir(&conv2, &ha, 1, TA);
    CHECK_EQ_INT(wm_convolver_swap(&conv, 50.0f), WM_ERR_ARG); /* nothing loaded */
    int swap_at = -1, load_blocks = 0;
    int64_t fade_start = -1;
    for (int t = 0; t < N; t += BLOCK) {
        if (t == LOAD_AT)
            CHECK_EQ_INT(wm_convolver_load_begin(&conv, (const float* const*)&hb, 1, TB), WM_OK);
        if (swap_at < 0 && t > LOAD_AT && wm_convolver_load_step(&conv, 2048) == 0) {
            swap_at = t;
            CHECK_EQ_INT(wm_convolver_swap(&conv, 50.0f), WM_OK);
            CHECK_EQ_INT(wm_convolver_load(&conv2, (const float* const*)&hb, 1, TB), WM_OK);
            CHECK_EQ_INT(wm_convolver_swap(&conv2, 50.0f), WM_OK);
            CHECK_EQ_INT(wm_convolver_load_begin(&conv, (const float* const*)&ha, 1, TA), WM_ERR_LIMIT);
            CHECK_EQ_INT(wm_convolver_swap(&conv, 50.0f), WM_ERR_LIMIT);
        }
        load_blocks += t > LOAD_AT && swap_at < 0;
        run(&conv, (float*[]){x + t}, (float*[]){y + t}, 1, BLOCK, BLOCK);
        run(&conv2, (float*[]){x + t}, (float*[]){y_once + t}, 1, BLOCK, BLOCK);
        if (fade_start < 0 && conv.xfade == WM_CONVOLVER_FADING)
            fade_start = conv.xfade_start;
    }
    CHECK(swap_at > 0 && fade_start >= swap_at && !wm_convolver_busy(&conv));
    CHECK(memcmp(y, y_once, sizeof(float) * N) == 0); /* sliced load == one-shot load */
    const int S = (int)fade_start, F = (int)lround(0.05 * FS);
    CHECK(S - swap_at <= 2 * WM_CONVOLVER_MAX_PARTITION);
    double* mix = malloc(sizeof(double) * N);
    for (int t = 0; t < N; t++) {
        double f = t < S ? 0.0 : (t - S + 1 >= F ? 1.0 : (double)(t - S + 1) / F);
        f = f * f * (3.0 - 2.0 * f);
        mix[t] = cos(0.5 * PI * f) * ra[t] + sin(0.5 * PI * f) * rb[t];
    }
    double e_before = error_db(y, ra, 0, S), e_during = error_db(y, mix, S, S + F);
    double e_after = error_db(y, rb, S + F, N);
    CHECK(e_before < -100.0 && e_during < -100.0 && e_after < -100.0);

    /* The same with a hard switch (fade 0), for the click metric. */
    make(&conv2, TB, 1, BLOCK, 0);
    set_ir(&conv2, &ha, 1, TA);
    run(&conv2, &x, &y_hard, 1, swap_at, BLOCK);
    CHECK_EQ_INT(wm_convolver_load(&conv2, (const float* const*)&hb, 1, TB), WM_OK);
    CHECK_EQ_INT(wm_convolver_swap(&conv2, 0.0f), WM_OK);
    run(&conv2, (float*[]){x + swap_at}, (float*[]){y_hard + swap_at}, 1, N - swap_at, BLOCK);
    double steady = fmax(max_click(y, TB, swap_at), max_click(y, S + F, N));
    double smooth = max_click(y, swap_at, S + F + 100), hard = max_click(y_hard, swap_at, N);
    CHECK(steady > 1e-6);            /* not silent */
    CHECK(smooth < 1.5 * steady);    /* no click */
    CHECK(hard > 10.0 * smooth);     /* and the metric sees one */
    printf("swap A (%d frames) -> B (%d frames): B loaded in %d blocks of 2048 frames per block; fade starts %d "
           "frames (%.1f ms) after the swap call, lasts %d\n",
           TA, TB, load_blocks, S - swap_at, 1000.0 * (S - swap_at) / FS, F);
    printf("swap: error %.1f dB before the fade (vs A), %.1f dB during (vs the equal-power mix), %.1f dB after (vs "
           "B over the whole input)\n",
           e_before, e_during, e_after);
    printf("swap click metric (max 4th difference): steady %.3g, during the 50 ms fade %.3g, hard switch %.3g "
           "(%.0fx)\n",
           steady, smooth, hard, hard / smooth);
    free(ha), free(hb), free(x), free(y), free(y_once), free(y_hard), free(ra), free(rb), free(mix);
}

/* A pre-delay change while a sine plays crossfades the read point: no
   click, where the same change as a jump makes one. */
static void test_predelay_glide(void)
{
    enum { TAPS = 2000, N = 30000, AT = 15000 };
    float *h = make_ir(TAPS), *x = make_sine(N, 1000.0, 0.25), *y = malloc(sizeof(float) * N);
    make(&conv, TAPS, 1, 128, 0);
    set_ir(&conv, &h, 1, TAPS);
    wm_convolver_set_predelay_ms(&conv, 5.0f);
    run(&conv, &x, &y, 1, AT, 128);
    wm_convolver_set_predelay_ms(&conv, 17.3f);
    wm_convolver_set_predelay_ms(&conv, 40.0f); /* queued behind the first glide */
    run(&conv, (float*[]){x + AT}, (float*[]){y + AT}, 1, N - AT, 128);
    double steady = max_click(y, AT - 5000, AT), glide = max_click(y, AT, N);
    CHECK(steady > 1e-6 && glide < 1.5 * steady);
    CHECK_EQ_INT(conv.predelay, (int)lround(0.040 * FS));
    /* the jump, for comparison: a second instance set straight to 17.3 ms */
    float* z = malloc(sizeof(float) * N);
    make(&conv2, TAPS, 1, 128, 0);
    set_ir(&conv2, &h, 1, TAPS);
    wm_convolver_set_predelay_ms(&conv2, 17.3f);
    run(&conv2, &x, &z, 1, N, 128);
    memcpy(z, y, sizeof(float) * AT);
    double jump = max_click(z, AT - 5, AT + 5);
    CHECK(jump > 10.0 * glide);
    printf("pre-delay 5 -> 17.3 -> 40 ms while playing: click metric %.3g (steady %.3g; 5 -> 17.3 ms as a jump "
           "%.3g)\n",
           glide, steady, jump);
    free(h), free(x), free(y), free(z);
}

/* Too small an arena: WM_ERR_NOMEM, nothing consumed, the struct left
   alone; memory_size() always suffices, even from an odd base. */
static void test_arena_and_arguments(void)
{
    const int configs[][3] = {{48017, 2, 128}, {1, 1, 1}, {0, 2, 64}, {12345, 1, 3}};
    static unsigned char mem[4 << 20];
    for (int ci = 0; ci < 4; ci++) {
        size_t need = wm_convolver_memory_size(configs[ci][0], configs[ci][1], configs[ci][2], FS);
        CHECK(need > 0 && need + 200 <= sizeof mem);
        int seen_ok = 0, order_bad = 0;
        for (int step = 0; step <= 32; step++) {
            wm_arena a;
            wm_arena_init(&a, mem + 3, 100 + need * step / 32);
            CHECK(wm_arena_alloc(&a, 40, 16) != NULL); /* someone else's block */
            size_t mark = wm_arena_mark(&a);
            static wm_convolver c, untouched;
            memset(&c, 0xAB, sizeof c);
            memcpy(&untouched, &c, sizeof c);
            int err = wm_convolver_init(&c, &a, configs[ci][0], configs[ci][1], configs[ci][2], FS);
            if (err == WM_ERR_NOMEM) {
                CHECK_EQ_INT(wm_arena_mark(&a), mark);
                CHECK(memcmp(&c, &untouched, sizeof c) == 0);
                order_bad += seen_ok;
            } else {
                CHECK_EQ_INT(err, WM_OK);
                CHECK(a.used - mark <= need);
                seen_ok = 1;
            }
        }
        CHECK(seen_ok);
        CHECK_EQ_INT(order_bad, 0);
    }
    const int bad[][3] = {{-1, 1, 128}, {WM_CONVOLVER_MAX_IR_FRAMES + 1, 1, 128}, {100, 0, 128}, {100, 3, 128},
                          {100, 1, 0}};
    wm_arena_init(&arena, arena_mem, ARENA_BYTES);
    for (int i = 0; i < 5; i++) {
        CHECK_EQ_INT(wm_convolver_init(&conv, &arena, bad[i][0], bad[i][1], bad[i][2], FS), WM_ERR_ARG);
        CHECK_EQ_INT(wm_convolver_memory_size(bad[i][0], bad[i][1], bad[i][2], FS), 0);
    }
    CHECK_EQ_INT(wm_convolver_init(&conv, &arena, 100, 1, 128, NAN), WM_ERR_ARG);
    CHECK_EQ_INT(arena.used, 0);
    float* h = make_ir(200);
    float* two[2] = {h, h};
    make(&conv, 100, 1, 128, 0);
    CHECK_EQ_INT(wm_convolver_load(&conv, (const float* const*)&h, 1, 101), WM_ERR_ARG); /* too long */
    CHECK_EQ_INT(wm_convolver_load(&conv, (const float* const*)two, 2, 100), WM_ERR_ARG); /* stereo IR, mono */
    CHECK_EQ_INT(wm_convolver_load(&conv, NULL, 1, 100), WM_ERR_ARG);
    CHECK_EQ_INT(wm_convolver_load(&conv, (const float* const*)&h, 1, 0), WM_OK); /* an empty IR is fine */
    CHECK_EQ_INT(wm_convolver_swap(&conv, NAN), WM_ERR_ARG);
    CHECK_EQ_INT(wm_convolver_swap(&conv, 1e6f), WM_ERR_RANGE);
    free(h);
    printf("memory: 10 s stereo IR at 48 kHz %.1f MiB, 2 s stereo %.1f MiB, 1 s mono %.1f MiB (max_block 128)\n",
           wm_convolver_memory_size(10 * FS, 2, 128, FS) / 1048576.0,
           wm_convolver_memory_size(2 * FS, 2, 128, FS) / 1048576.0,
           wm_convolver_memory_size(FS, 1, 128, FS) / 1048576.0);
}

/* 10% NaN/Inf in a million samples: finite, bounded by the sum of |h| plus
   the dry path, every bad sample counted. */
static void test_hostile(void)
{
    enum { TAPS = 4800, FRAMES = 500000, BLOCK = 1000 };
    float *hl = make_ir(TAPS), *hr = make_ir(TAPS);
    static float x[2][BLOCK];
    float* ir[2] = {hl, hr};
    double bound = 1.0;
    for (int k = 0; k < TAPS; k++)
        bound += fmax(fabs(hl[k]), fabs(hr[k]));
    make(&conv, TAPS, 2, BLOCK, 0);
    set_ir(&conv, ir, 2, TAPS);
    wm_convolver_set_dry_db(&conv, 0.0f);
    unsigned bad = 0;
    int finite = 1;
    double peak = 0;
    for (int done = 0; done < FRAMES; done += BLOCK) {
        bad += check_hostile_block(x[0], BLOCK, 1.0f) + check_hostile_block(x[1], BLOCK, 1.0f);
        float* io[2] = {x[0], x[1]};
        wm_convolver_process(&conv, (const float* const*)io, io, BLOCK);
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < BLOCK; i++) {
                finite &= wm_is_finite(x[c][i]);
                peak = fmax(peak, fabs(x[c][i]));
            }
    }
    CHECK(finite);
    CHECK(peak <= bound);
    CHECK_EQ_INT(conv.nonfinite, bad);
    printf("hostile: %d samples, %u NaN/Inf counted, output finite, peak %.2f (bound %.1f)\n", 2 * FRAMES,
           conv.nonfinite, peak, bound);
    free(hl), free(hr);
}

/* reset() then the same input: the output of a fresh instance, on both
   channels; and the state was dirty (without reset it differs). */
static void test_reset(void)
{
    enum { TAPS = 4000, N = 10000 };
    float *h = make_ir(TAPS), *a0 = make_noise(N, 0.5f), *a1 = make_noise(N, 0.5f);
    float *b0 = make_noise(N, 0.5f), *b1 = make_noise(N, 0.5f);
    static float fresh[2][N], again[2][N], dirty[2][N];
    float *a[2] = {a0, a1}, *b[2] = {b0, b1};
    make(&conv, TAPS, 2, 128, 0);
    set_ir(&conv, &h, 1, TAPS);
    wm_convolver_set_predelay_ms(&conv, 2.0f);
    run(&conv, b, (float*[]){fresh[0], fresh[1]}, 2, N, 128);
    wm_convolver_reset(&conv);
    run(&conv, a, (float*[]){dirty[0], dirty[1]}, 2, 1234, 128);
    run(&conv, b, (float*[]){dirty[0], dirty[1]}, 2, N, 128);
    run(&conv, a, (float*[]){again[0], again[1]}, 2, 777, 100);
    wm_convolver_reset(&conv);
    run(&conv, b, (float*[]){again[0], again[1]}, 2, N, 128);
    for (int c = 0; c < 2; c++) {
        CHECK(memcmp(fresh[c], again[c], sizeof fresh[c]) == 0);
        CHECK(memcmp(fresh[c], dirty[c], sizeof(float) * 100) != 0);
    }
    free(h), free(a0), free(a1), free(b0), free(b1);
}

/* One call per half versus random blocks of {1,2,3,21,128,300} processed
   in place, with a pre-delay glide, a wet change and an IR swap between
   the halves: the same bits. */
static void test_block_split(void)
{
    enum { TAPS = 12345, N = 60000, AT = 30000 };
    static const int sizes[] = {1, 2, 3, 21, 128, 300};
    float *hl = make_ir(TAPS), *hr = make_ir(TAPS), *hm = make_ir(TAPS);
    float *x0 = make_noise(N, 0.5f), *x1 = make_noise(N, 0.5f);
    static float whole[2][N], split[2][N];
    float* ir[2] = {hl, hr};
    wm_convolver* cs[2] = {&conv, &conv2};
    for (int k = 0; k < 2; k++) {
        make(cs[k], TAPS, 2, 300, k == 1);
        set_ir(cs[k], ir, 2, TAPS);
        wm_convolver_set_predelay_ms(cs[k], 3.0f);
        wm_convolver_set_wet_db(cs[k], -3.0f);
        wm_convolver_set_dry_db(cs[k], -6.0f);
    }
    memcpy(split[0], x0, sizeof(float) * N);
    memcpy(split[1], x1, sizeof(float) * N);
    for (int half = 0; half < 2; half++) {
        int from = half ? AT : 0, to = half ? N : AT;
        const float* in[2] = {x0 + from, x1 + from};
        float* out[2] = {whole[0] + from, whole[1] + from};
        wm_convolver_process(&conv, in, out, to - from);
        for (int t = from; t < to;) {
            int len = sizes[check_rand() % 6];
            len = len < to - t ? len : to - t;
            float* io[2] = {split[0] + t, split[1] + t};
            wm_convolver_process(&conv2, (const float* const*)io, io, len);
            t += len;
        }
        for (int k = 0; k < 2 && !half; k++) {
            wm_convolver_set_predelay_ms(cs[k], 7.0f);
            wm_convolver_set_wet_db(cs[k], -9.0f);
            CHECK_EQ_INT(wm_convolver_load(cs[k], (const float* const*)&hm, 1, TAPS), WM_OK);
            CHECK_EQ_INT(wm_convolver_swap(cs[k], 30.0f), WM_OK);
        }
    }
    CHECK(memcmp(whole[0], split[0], sizeof whole[0]) == 0);
    CHECK(memcmp(whole[1], split[1], sizeof whole[1]) == 0);
    CHECK(!wm_convolver_busy(&conv));
    printf("block split {1,2,3,21,128,300}, in place, with a pre-delay glide, a wet glide and an IR swap: "
           "bit-identical\n");
    free(hl), free(hr), free(hm), free(x0), free(x1);
}

/* CPU time of this thread: on a shared machine, time spent preempted by
   other processes would otherwise land in whichever block it hits. */
static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec * 1e-3;
}

static int by_value(const void* a, const void* b)
{
    double x = *(const double*)a, y = *(const double*)b;
    return (x > y) - (x < y);
}

/* Median, 99.9th percentile and worst of n block costs (sorts them). */
static void spread(double* cost, int n, double* median, double* p999, double* worst)
{
    qsort(cost, (size_t)n, sizeof(double), by_value);
    *median = cost[n / 2];
    *p999 = cost[n - 1 - n / 1000];
    *worst = cost[n - 1];
}

/* Work units (the cost model the levels spread by) done during the last
   call, from the levels' counters: deterministic, unlike a clock. */
static long long units_since(const wm_convolver* c, long long* done, long long* total, int64_t* launch)
{
    long long sum = 0;
    for (int L = 0; L < c->levels; L++) {
        const wm_pc_level* l = &c->level[L];
        sum += l->launch != launch[L] ? total[L] - done[L] + l->done : l->done - done[L];
        done[L] = l->done, total[L] = l->total, launch[L] = l->launch;
    }
    return sum;
}

/* The cost of every 128-frame block of 30 s stereo renders: scheduled work
   (asserted flat: that is the design) and CPU time (printed only). Then,
   with the 10 s IR, the blocks around a swap whose IR is loaded one slice
   per block. */
static void bench(void)
{
    enum { BLOCK = 128, BLOCKS = 30 * FS / BLOCK, LOOP = FS };
    const double secs[] = {0.1, 0.5, 1, 2, 5, 10};
    float *n0 = make_noise(LOOP, 0.5f), *n1 = make_noise(LOOP, 0.5f);
    static float y0[BLOCK], y1[BLOCK];
    double *cost = malloc(sizeof(double) * BLOCKS), *work = malloc(sizeof(double) * BLOCKS), med, p999, worst;
    for (int si = 0; si < 6; si++) {
        int frames = (int)(secs[si] * FS);
        float *hl = make_ir(frames), *hr = make_ir(frames), *ir[2] = {hl, hr};
        make(&conv, frames, 2, BLOCK, 0);
        double t0 = now_us(), total = 0;
        set_ir(&conv, ir, 2, frames);
        double load_ms = (now_us() - t0) / 1000;
        long long done[WM_CONVOLVER_MAX_LEVELS] = {0}, tot[WM_CONVOLVER_MAX_LEVELS] = {0};
        int64_t launch[WM_CONVOLVER_MAX_LEVELS] = {0};
        for (int b = 0; b < BLOCKS; b++) {
            const float* in[2] = {n0 + b * BLOCK % LOOP, n1 + b * BLOCK % LOOP};
            float* out[2] = {y0, y1};
            double s = now_us();
            wm_convolver_process(&conv, in, out, BLOCK);
            total += cost[b] = now_us() - s;
            work[b] = (double)units_since(&conv, done, tot, launch);
        }
        /* from 1 s on: every level is in its steady period by then */
        spread(work + FS / BLOCK, BLOCKS - FS / BLOCK, &med, &p999, &worst);
        double work_ratio = worst / med;
        CHECK(work_ratio < 1.2);
        spread(cost, BLOCKS, &med, &p999, &worst);
        printf("cost per 128-frame block, IR %4.1f s stereo, 48 kHz (%s, %d levels): work max/median %.3f; CPU "
               "median %.1f us, 99.9%% %.1f us, worst %.1f us; %.0fx realtime; one-shot load %.1f ms\n",
               secs[si], WM_SIMD_NAME, conv.levels, work_ratio, med, p999, worst, 30e6 / total, load_ms);
        if (si == 5) {
            int b = 0, steps = 0, left = 1, after = 0;
            double step_worst = 0;
            CHECK_EQ_INT(wm_convolver_load_begin(&conv, (const float* const*)ir, 2, frames), WM_OK);
            for (; b < BLOCKS && after < 200; b++) {
                const float* in[2] = {n0 + b * BLOCK % LOOP, n1 + b * BLOCK % LOOP};
                float* out[2] = {y0, y1};
                double s = now_us();
                wm_convolver_process(&conv, in, out, BLOCK);
                if (left) {
                    double s2 = now_us();
                    left = wm_convolver_load_step(&conv, 8192);
                    step_worst = fmax(step_worst, now_us() - s2);
                    steps++;
                    if (!left)
                        CHECK_EQ_INT(wm_convolver_swap(&conv, 50.0f), WM_OK);
                }
                cost[b] = now_us() - s;
                after += !left && !wm_convolver_busy(&conv);
            }
            spread(cost, b, &med, &p999, &worst);
            printf("IR 10 s stereo replaced while playing: load_step(8192) once per block, %d calls (worst %.1f us "
                   "each), then a 50 ms crossfade; over those %d blocks CPU median %.1f us, worst %.1f us\n",
                   steps, step_worst, b, med, worst);
        }
        free(hl), free(hr);
    }
    free(n0), free(n1), free(cost), free(work);
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    arena_mem = malloc(ARENA_BYTES);
    test_arena_and_arguments();
    test_against_direct();
    test_impulse_and_predelay();
    test_wet_dry();
    test_stereo();
    test_swap();
    test_predelay_glide();
    test_hostile();
    test_reset();
    test_block_split();
    bench();
    free(arena_mem);
    return check_finish("test_convolver", seed);
}
