/* test_stereo.c -- width, pan and balance against the Web Audio
   StereoPannerNode law and the mid/side formulas written here in double;
   constant power, exact identity, glides without clicks, hostile input,
   reset and block-split invariance. */
#include <string.h>

#include "check.h"
#include "wm_stereo.h"

enum { FS = 48000 };
static const double PI = 3.14159265358979323846;

/* The whole chain in double, straight from the definitions in the header:
   width, then the StereoPannerNode law, then balance. */
static void reference(int stereo, double pan, double width, double bal, double inl, double inr, double* l,
                      double* r)
{
    if (!stereo) {
        double x = (pan + 1.0) / 2.0;
        *l = inl * cos(x * PI / 2.0);
        *r = inl * sin(x * PI / 2.0);
    } else {
        double m = (inl + inr) / 2.0, s = (inl - inr) / 2.0 * width;
        inl = m + s;
        inr = m - s;
        if (pan <= 0.0) {
            double x = pan + 1.0;
            *l = inl + inr * cos(x * PI / 2.0);
            *r = inr * sin(x * PI / 2.0);
        } else {
            *l = inl * cos(pan * PI / 2.0);
            *r = inr + inl * sin(pan * PI / 2.0);
        }
    }
    *l *= bal > 0.0 ? 1.0 - bal : 1.0;
    *r *= bal < 0.0 ? 1.0 + bal : 1.0;
}

/* An instance at rest on the given settings. */
static void at_rest(wm_stereo* s, int in_channels, float pan, float width, float bal)
{
    CHECK(wm_stereo_init(s, in_channels, FS, 20.0f) == WM_OK);
    wm_stereo_set_pan(s, pan);
    wm_stereo_set_width(s, width);
    wm_stereo_set_balance(s, bal);
    wm_stereo_reset(s);
}

/* Largest |error| of the module against the reference on n frames of noise. */
static double max_error(int in_channels, float pan, float width, float bal)
{
    enum { N = 256 };
    float il[N], ir[N], ol[N], orr[N];
    for (int i = 0; i < N; i++) {
        il[i] = check_noise();
        ir[i] = check_noise();
    }
    wm_stereo s;
    at_rest(&s, in_channels, pan, width, bal);
    const float* in[2] = {il, ir};
    float* out[2] = {ol, orr};
    wm_stereo_process(&s, in, out, N);
    double err = 0.0;
    for (int i = 0; i < N; i++) {
        double l, r;
        reference(in_channels == 2, pan, width, bal, il[i], ir[i], &l, &r);
        err = fmax(err, fmax(fabs(ol[i] - l), fabs(orr[i] - r)));
    }
    return err;
}

static void test_mono_constant_power(void)
{
    const float pans[] = {-1.0f, -0.5f, 0.0f, 0.5f, 1.0f};
    double worst = 0.0;
    for (int k = 0; k <= 2000 + 5; k++) {
        float pan = k <= 2000 ? -1.0f + k / 1000.0f : pans[k - 2001];
        wm_stereo s;
        at_rest(&s, 1, pan, 1.0f, 0.0f);
        float one = 1.0f, l, r;
        const float* in[1] = {&one};
        float* out[2] = {&l, &r};
        wm_stereo_process(&s, in, out, 1);
        worst = fmax(worst, fabs((double)l * l + (double)r * r - 1.0));
    }
    CHECK(worst <= 1e-6);
    printf("stereo: mono pan constant power, max |L^2+R^2-1| over 2001 pans = %.3g\n", worst);
    double err = 0.0;
    for (int k = 0; k <= 40; k++)
        err = fmax(err, max_error(1, -1.0f + k / 20.0f, 1.0f, 0.0f));
    CHECK(err <= 1e-6);
    printf("stereo: mono pan vs spec law (double), max error = %.3g\n", err);
}

static void test_stereo_against_spec(void)
{
    double err = 0.0;
    for (int k = 0; k <= 40; k++)
        err = fmax(err, max_error(2, -1.0f + k / 20.0f, 1.0f, 0.0f));
    CHECK(err <= 1e-6);
    printf("stereo: stereo pan vs spec law (double), max error = %.3g\n", err);
    /* Width, pan and balance together: checks the order (width first). */
    const float combos[][3] = {{0.3f, 0.5f, 0.0f},  {-0.7f, 1.5f, 0.25f}, {0.9f, 0.0f, -0.6f},
                               {-1.0f, 2.0f, 1.0f}, {0.0f, 2.0f, -0.5f},  {0.5f, 0.25f, 0.75f}};
    double err_all = 0.0;
    for (int k = 0; k < 6; k++)
        err_all = fmax(err_all, max_error(2, combos[k][0], combos[k][1], combos[k][2]));
    err_all = fmax(err_all, max_error(1, 0.4f, 1.0f, -0.3f));
    CHECK(err_all <= 2e-6);
    printf("stereo: width+pan+balance vs double reference, max error = %.3g\n", err_all);
}

static void test_exact_cases(void)
{
    enum { N = 1000 };
    float il[N], ir[N], ol[N], orr[N];
    for (int i = 0; i < N; i++) {
        il[i] = check_noise();
        ir[i] = check_noise();
    }
    const float* in[2] = {il, ir};
    float* out[2] = {ol, orr};
    wm_stereo s;
    at_rest(&s, 2, 0.0f, 1.0f, 0.0f); /* the defaults: the identity, bit for bit */
    wm_stereo_process(&s, in, out, N);
    CHECK(memcmp(ol, il, sizeof ol) == 0 && memcmp(orr, ir, sizeof orr) == 0);
    at_rest(&s, 2, 0.0f, 0.0f, 0.0f); /* width 0: mono */
    wm_stereo_process(&s, in, out, N);
    CHECK(memcmp(ol, orr, sizeof ol) == 0);
    CHECK_NEAR(ol[7], 0.5 * ((double)il[7] + ir[7]), 1e-7);
    at_rest(&s, 2, -1.0f, 1.0f, 0.0f); /* hard left folds R onto L */
    wm_stereo_process(&s, in, out, N);
    int folded = 1;
    for (int i = 0; i < N; i++)
        folded &= ol[i] == il[i] + ir[i] && orr[i] == 0.0f;
    CHECK(folded);
    at_rest(&s, 2, 0.0f, 1.0f, 1.0f); /* balance hard right: L silent, R untouched */
    wm_stereo_process(&s, in, out, N);
    CHECK(memcmp(orr, ir, sizeof orr) == 0);
    CHECK(ol[0] == 0.0f && ol[N - 1] == 0.0f);
    double e2 = max_error(2, 0.0f, 2.0f, 0.0f), eb = max_error(2, 0.0f, 1.0f, -0.5f);
    CHECK(e2 <= 1e-6 && eb <= 1e-6);
    printf("stereo: width 2 max error = %.3g, balance -0.5 max error = %.3g\n", e2, eb);
}

/* Fourth difference, as in test_filter.c: a 1 kHz sine passes at -71 dB,
   a step in a gain passes at up to +24 dB. */
static double max_click(const float* y, int from, int to)
{
    double m = 0;
    for (int i = from + 4; i < to; i++)
        m = fmax(m, fabs(y[i] - 4.0 * y[i - 1] + 6.0 * y[i - 2] - 4.0 * y[i - 3] + y[i - 4]));
    return m;
}

/* Moves every parameter at once, mid-signal, gliding over 20 ms; returns
   the click metric on both outputs, and in *hard the same metric for the
   reference switching at once. */
static double glide_click(int in_channels, double* hard)
{
    enum { N = FS / 4, CHANGE = FS / 10 + 5 };
    static float il[N], ir[N], ol[N], orr[N], hl[N], hr[N];
    for (int i = 0; i < N; i++) {
        il[i] = (float)(0.25 * sin(2.0 * PI * 1000.0 * i / FS));
        ir[i] = (float)(0.25 * sin(2.0 * PI * 1000.0 * i / FS + 1.0));
    }
    const float from[3] = {-0.9f, 0.2f, 0.0f}, to[3] = {0.9f, 2.0f, -0.8f};
    wm_stereo s;
    at_rest(&s, in_channels, from[0], from[1], from[2]);
    const float* in[2] = {il, ir};
    float* out[2] = {ol, orr};
    wm_stereo_process(&s, in, out, CHANGE);
    wm_stereo_set_pan(&s, to[0]);
    wm_stereo_set_width(&s, to[1]);
    wm_stereo_set_balance(&s, to[2]);
    const float* in2[2] = {il + CHANGE, ir + CHANGE};
    float* out2[2] = {ol + CHANGE, orr + CHANGE};
    wm_stereo_process(&s, in2, out2, N - CHANGE);
    for (int i = 0; i < N; i++) {
        const float* p = i < CHANGE ? from : to;
        double l, r;
        reference(in_channels == 2, p[0], p[1], p[2], il[i], ir[i], &l, &r);
        hl[i] = (float)l;
        hr[i] = (float)r;
    }
    /* It arrives: the matrix is exactly the target's and no longer moves. */
    wm_stereo t;
    at_rest(&t, in_channels, to[0], to[1], to[2]);
    CHECK(memcmp(s.m_end, t.m_end, sizeof t.m_end) == 0);
    CHECK(s.m_step[0] == 0.0f && s.m_step[3] == 0.0f);
    *hard = fmax(max_click(hl, CHANGE - 4, N), max_click(hr, CHANGE - 4, N));
    return fmax(max_click(ol, CHANGE - 4, N), max_click(orr, CHANGE - 4, N));
}

static void test_glide_does_not_click(void)
{
    for (int ch = 1; ch <= 2; ch++) {
        double hard, smooth = glide_click(ch, &hard);
        printf("stereo: %s input, pan+width+balance jump: click metric %.3g gliding 20 ms, %.3g switched at once\n",
               ch == 1 ? "mono" : "stereo", smooth, hard);
        CHECK(smooth < 2e-3);        /* the bound test_filter.c uses for its glides */
        CHECK(hard > 100.0 * smooth); /* and the metric does see a hard switch */
    }
}

static void test_hostile_input(void)
{
    enum { N = 1000000, B = 1000 };
    static float il[B], ir[B], ol[B], orr[B];
    wm_stereo s;
    CHECK(wm_stereo_init(&s, 2, FS, 5.0f) == WM_OK);
    unsigned expected = 0;
    double peak = 0.0;
    int all_finite = 1;
    for (int done = 0; done < N; done += B) {
        expected += check_hostile_block(il, B, 1.0f) + check_hostile_block(ir, B, 1.0f);
        wm_stereo_set_pan(&s, check_noise());
        wm_stereo_set_width(&s, 1.0f + check_noise());
        wm_stereo_set_balance(&s, check_noise());
        const float* in[2] = {il, ir};
        float* out[2] = {ol, orr};
        wm_stereo_process(&s, in, out, B);
        for (int i = 0; i < B; i++) {
            all_finite &= wm_is_finite(ol[i]) && wm_is_finite(orr[i]);
            peak = fmax(peak, fmax(fabs(ol[i]), fabs(orr[i])));
        }
    }
    CHECK(all_finite);
    CHECK(peak <= 2.0); /* |in| < 1: the mid/side and fold-over gains sum to at most 2 */
    CHECK_EQ_INT(s.nonfinite, expected);
    printf("stereo: hostile 1e6 frames x 2: %u non-finite counted, output peak %.3f\n", s.nonfinite, peak);
}

/* Runs n frames in blocks cycling through `sizes` (one call when NULL),
   with a new pan/width/balance target after `change` frames. */
static void run_split(wm_stereo* s, const float* il, const float* ir, float* ol, float* orr, int n, int change,
                      const int* sizes, int nsizes)
{
    int done = 0, k = 0;
    while (done < n) {
        int stop = done < change ? change : n;
        int len = sizes ? sizes[k++ % nsizes] : stop - done;
        if (len > stop - done)
            len = stop - done;
        const float* in[2] = {il + done, ir + done};
        float* out[2] = {ol + done, orr + done};
        wm_stereo_process(s, in, out, len);
        done += len;
        if (done == change) {
            wm_stereo_set_pan(s, -0.4f);
            wm_stereo_set_width(s, 1.7f);
            wm_stereo_set_balance(s, 0.3f);
        }
    }
}

static void test_block_split_and_in_place(void)
{
    enum { N = 20000, CHANGE = 7777 };
    static float il[N], ir[N], al[N], ar[N], bl[N], br[N];
    for (int i = 0; i < N; i++) {
        il[i] = check_noise();
        ir[i] = check_noise();
    }
    const int sizes[] = {1, 2, 3, 21, 128, 300};
    for (int ch = 1; ch <= 2; ch++) {
        wm_stereo a, b;
        at_rest(&a, ch, 0.6f, 0.5f, 0.0f);
        at_rest(&b, ch, 0.6f, 0.5f, 0.0f);
        run_split(&a, il, ir, al, ar, N, CHANGE, NULL, 0);
        memcpy(bl, il, sizeof bl); /* in place: out[c] == in[c] */
        memcpy(br, ir, sizeof br);
        run_split(&b, bl, br, bl, br, N, CHANGE, sizes, 6);
        CHECK(memcmp(al, bl, sizeof al) == 0);
        CHECK(memcmp(ar, br, sizeof ar) == 0);
    }
}

static void test_reset(void)
{
    enum { N = 600 };
    float il[N], ir[N], al[N], ar[N], bl[N], br[N];
    for (int i = 0; i < N; i++) {
        il[i] = check_noise();
        ir[i] = check_noise();
    }
    const float* in[2] = {il, ir};
    wm_stereo s, fresh;
    at_rest(&s, 2, 0.0f, 1.0f, 0.0f);
    wm_stereo_set_pan(&s, 0.8f);
    wm_stereo_set_width(&s, 0.1f);
    wm_stereo_set_balance(&s, -0.2f);
    float* oa[2] = {al, ar};
    wm_stereo_process(&s, in, oa, 101); /* stop mid-glide, mid-sub-block */
    CHECK(s.pan.remaining > 0 && s.phase != 0 && s.m_step[0] != 0.0f); /* dirty */
    wm_stereo_reset(&s);
    at_rest(&fresh, 2, 0.8f, 0.1f, -0.2f);
    float* ob[2] = {bl, br};
    wm_stereo_process(&s, in, oa, N);
    wm_stereo_process(&fresh, in, ob, N);
    CHECK(memcmp(al, bl, sizeof al) == 0 && memcmp(ar, br, sizeof ar) == 0);
}

static void test_bad_arguments(void)
{
    wm_stereo s;
    CHECK(wm_stereo_init(&s, 0, FS, 10.0f) == WM_ERR_ARG);
    CHECK(wm_stereo_init(&s, 3, FS, 10.0f) == WM_ERR_ARG);
    CHECK(wm_stereo_init(&s, 2, NAN, 10.0f) == WM_ERR_ARG);
    CHECK(wm_stereo_init(&s, 2, FS, -1.0f) == WM_ERR_ARG);
    CHECK(wm_stereo_init(&s, 2, FS, 10.0f) == WM_OK);
    CHECK(wm_stereo_set_pan(&s, NAN) == WM_ERR_ARG);
    CHECK(s.pan.target == 0.0f);
    CHECK(wm_stereo_set_pan(&s, 3.0f) == WM_ERR_RANGE);
    CHECK(s.pan.target == 1.0f);
    CHECK(wm_stereo_set_width(&s, -1.0f) == WM_ERR_RANGE);
    CHECK(s.width.target == 0.0f);
    CHECK(wm_stereo_set_balance(&s, -INFINITY) == WM_ERR_RANGE);
    CHECK(s.balance.target == -1.0f);
    wm_stereo_process(&s, NULL, NULL, 0); /* n = 0 touches nothing */
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_mono_constant_power();
    test_stereo_against_spec();
    test_exact_cases();
    test_glide_does_not_click();
    test_hostile_input();
    test_block_split_and_in_place();
    test_reset();
    test_bad_arguments();
    return check_finish("test_stereo", seed);
}
