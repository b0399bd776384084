/* test_correlation.c -- the correlation meter against its definition.

   Independent references: the exact values of identical (+1) and inverted
   (-1) channels; the statistics of unrelated noise (the spread of an
   exponentially weighted average); and a direct double-precision
   evaluation of sum(w^age L R) / sqrt(sum(w^age L^2) sum(w^age R^2)) with
   w = exp(-1 / (time constant in samples)), summed over the whole past with
   no recursion. */
#include "check.h"
#include "wm_correlation.h"

enum { FS = 48000 };
#define TIME_MS 300.0
static const double PI = 3.14159265358979323846;

static float left[12 * FS], right[12 * FS];

static wm_correlation make(void)
{
    wm_correlation c;
    CHECK(wm_correlation_init(&c, FS, (float)TIME_MS) == WM_OK);
    return c;
}

/* The definition, evaluated directly at frame `end` (exclusive). */
static double direct(const float* l, const float* r, int end)
{
    const double w = exp(-1000.0 / (TIME_MS * FS));
    double lr = 0, ll = 0, rr = 0, weight = 1.0;
    for (int i = end - 1; i >= 0 && weight > 1e-300; i--) {
        lr += weight * l[i] * r[i];
        ll += weight * l[i] * l[i];
        rr += weight * r[i] * r[i];
        weight *= w;
    }
    return lr / sqrt(ll * rr);
}

static void test_identical_and_inverted(void)
{
    for (int i = 0; i < 2 * FS; i++)
        left[i] = check_noise();
    const float gains[] = {1.0f, -1.0f, 0.25f, -3.0f};
    for (int g = 0; g < 4; g++) {
        for (int i = 0; i < 2 * FS; i++)
            right[i] = gains[g] * left[i];
        wm_correlation c = make();
        wm_correlation_process(&c, left, right, 2 * FS);
        double expected = gains[g] > 0 ? 1.0 : -1.0;
        CHECK_NEAR(wm_correlation_value(&c), expected, 1e-6);
        if (g < 2)
            printf("noise against %s copy: r = %+.7f\n", g == 0 ? "an identical" : "an inverted",
                   wm_correlation_value(&c));
    }
}

static void test_unrelated_noise(void)
{
    /* For independent zero-mean signals the average <L R> has variance
       sigma_L^2 sigma_R^2 k / (2 - k) (the sum of the squared weights of the
       one-pole), so r spreads with sigma = sqrt(k / (2 - k)), about
       1 / sqrt(2 * 14400) = 0.0059 for 300 ms at 48 kHz. Readings 1 s apart
       (3.3 time constants) are nearly independent. */
    const double k = 1.0 - exp(-1000.0 / (TIME_MS * FS));
    const double sigma = sqrt(k / (2.0 - k));
    enum { READINGS = 200 };
    wm_correlation c = make();
    double sum_sq = 0.0, worst = 0.0;
    for (int n = 0; n < READINGS; n++) {
        for (int i = 0; i < FS; i++) {
            left[i] = check_noise();
            right[i] = check_noise();
        }
        wm_correlation_process(&c, left, right, FS);
        double r = wm_correlation_value(&c);
        sum_sq += r * r;
        worst = fabs(r) > worst ? fabs(r) : worst;
        CHECK(fabs(r) < 5.0 * sigma);
    }
    double rms = sqrt(sum_sq / READINGS);
    printf("unrelated noise: spread of r %.5f (predicted %.5f), worst |r| %.4f (bound 5 sigma = %.4f)\n", rms,
           sigma, worst, 5.0 * sigma);
    CHECK(rms > 0.8 * sigma && rms < 1.2 * sigma); /* 200 readings: 5% standard error */
}

static void test_against_direct_computation(void)
{
    /* A sine and its copy 90 degrees later; then two noises mixed so that
       their true correlation is 0.6 (R = 0.6 A + 0.8 B, A and B unrelated). */
    enum { N = 6 * FS };
    const int checkpoints[] = {FS / 100, FS / 10, FS / 2, FS, 3 * FS, N};
    for (int sig = 0; sig < 2; sig++) {
        for (int i = 0; i < N; i++) {
            if (sig == 0) {
                left[i] = (float)sin(2.0 * PI * 997.0 * i / FS);
                right[i] = (float)cos(2.0 * PI * 997.0 * i / FS);
            } else {
                float a = check_noise(), b = check_noise();
                left[i] = 0.5f * a;
                right[i] = 0.6f * a + 0.8f * b;
            }
        }
        wm_correlation c = make();
        double worst = 0.0;
        int done = 0;
        for (int p = 0; p < 6; p++) {
            wm_correlation_process(&c, left + done, right + done, checkpoints[p] - done);
            done = checkpoints[p];
            double ref = direct(left, right, done);
            CHECK_NEAR(wm_correlation_value(&c), ref, 1e-6);
            worst = fmax(worst, fabs(wm_correlation_value(&c) - ref));
        }
        double r = wm_correlation_value(&c);
        if (sig == 0) {
            printf("997 Hz sine against its 90-degree copy: r = %+.6f after 6 s (|r - direct| <= %.1e)\n", r, worst);
            CHECK_NEAR(r, 0.0, 1e-3);
        } else {
            printf("noise mixed for r = 0.6: r = %.4f after 6 s (|r - direct| <= %.1e)\n", r, worst);
            CHECK_NEAR(r, 0.6, 0.05);
        }
    }
}

static void test_silence_reads_zero(void)
{
    wm_correlation c = make();
    CHECK(wm_correlation_value(&c) == 0.0f); /* never NaN before any input */
    static float zeros[FS];
    wm_correlation_process(&c, zeros, zeros, FS);
    CHECK(wm_correlation_value(&c) == 0.0f);
    for (int i = 0; i < FS; i++)
        left[i] = check_noise();
    wm_correlation_process(&c, left, zeros, FS); /* one channel silent */
    CHECK(wm_correlation_value(&c) == 0.0f);
    /* After a signal stops, the reading stays put while the averages decay
       (their ratio does not change), then drops to 0 below -120 dBFS. */
    wm_correlation_reset(&c);
    wm_correlation_process(&c, left, left, FS);
    CHECK_NEAR(wm_correlation_value(&c), 1.0, 1e-6);
    int seconds = 0;
    while (wm_correlation_value(&c) != 0.0f && seconds < 60) {
        CHECK_NEAR(wm_correlation_value(&c), 1.0, 1e-6);
        wm_correlation_process(&c, zeros, zeros, FS);
        seconds++;
    }
    printf("after the signal stops, r holds for %d s (-120 dBFS gate, 300 ms average), then reads 0\n", seconds);
    CHECK(wm_correlation_value(&c) == 0.0f);
    for (int s = 0; s < 30; s++)
        wm_correlation_process(&c, zeros, zeros, FS);
    CHECK(c.ll == 0.0 && c.rr == 0.0 && c.lr == 0.0); /* flushed, no denormals */
}

static void test_hostile_input(void)
{
    wm_correlation c = make();
    unsigned injected = 0;
    for (int round = 0; round < 1000; round++) {
        for (int i = 0; i < 1000; i++) {
            left[i] = check_hostile(1.0f);
            right[i] = check_hostile(1.0f);
            injected += !wm_is_finite(left[i]) || !wm_is_finite(right[i]);
        }
        wm_correlation_process(&c, left, right, 1000);
        float r = wm_correlation_value(&c);
        CHECK(wm_is_finite(r) && r >= -1.0f && r <= 1.0f);
    }
    CHECK_EQ_INT(wm_correlation_nonfinite(&c), injected);
    printf("1e6 hostile frames: r = %+.4f, %u frames skipped and counted\n", wm_correlation_value(&c), injected);
    CHECK(wm_correlation_init(&c, 0.0f, 300.0f) == WM_ERR_ARG);
    CHECK(wm_correlation_init(&c, FS, NAN) == WM_ERR_ARG);
    CHECK(wm_correlation_init(&c, FS, -5.0f) == WM_ERR_ARG);
}

static int same_state(const wm_correlation* a, const wm_correlation* b)
{
    return a->lr == b->lr && a->ll == b->ll && a->rr == b->rr && a->phase == b->phase;
}

static void test_block_split_and_reset(void)
{
    enum { N = 3 * FS };
    for (int i = 0; i < N; i++) {
        left[i] = (i / 5000) % 4 == 3 ? 0.0f : check_noise();
        right[i] = 0.3f * left[i] + 0.2f * check_noise();
    }
    wm_correlation whole = make(), split = make();
    wm_correlation_process(&whole, left, right, N);
    const int sizes[] = {1, 2, 3, 21, 128, 300};
    for (int i = 0; i < N;) {
        int len = sizes[check_rand() % 6];
        len = len < N - i ? len : N - i;
        wm_correlation_process(&split, left + i, right + i, len);
        i += len;
    }
    CHECK(same_state(&whole, &split));
    CHECK(wm_correlation_value(&split) != 0.0f);
    wm_correlation_reset(&split);
    CHECK(wm_correlation_value(&split) == 0.0f);
    wm_correlation_process(&split, left, right, N);
    CHECK(same_state(&whole, &split));
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_identical_and_inverted();
    test_unrelated_noise();
    test_against_direct_computation();
    test_silence_reads_zero();
    test_hostile_input();
    test_block_split_and_reset();
    return check_finish("test_correlation", seed);
}
