/* test_gain.c -- the smoothed gain: exact linear ramps that land on the
   target, a plain multiply at rest, and clear errors for bad settings. */
#include "check.h"
#include "wm_gain.h"

static void test_ramp_is_linear_and_lands(void)
{
    enum { FS = 48000, RAMP = 480, N = 1024 };
    wm_gain g;
    CHECK(wm_gain_init(&g, 0.0f, 10.0f, FS) == WM_OK);
    CHECK(wm_gain_set_db(&g, -20.0f) == WM_OK);
    float l[N], r[N];
    for (int i = 0; i < N; i++)
        l[i] = r[i] = 1.0f;
    float* ch[2] = {l, r};
    wm_gain_process(&g, ch, 2, 100); /* the ramp spans blocks */
    float* rest[2] = {l + 100, r + 100};
    wm_gain_process(&g, rest, 2, N - 100);
    double target = pow(10.0, -1.0);
    for (int i = 0; i < RAMP; i++) {
        double want = 1.0 + (target - 1.0) * (i + 1) / RAMP;
        CHECK_NEAR(l[i], want, 2e-6);
        CHECK(l[i] == r[i]);
    }
    for (int i = RAMP; i < N; i++)
        CHECK(l[i] == (float)target); /* landed exactly, and stays */
}

static void test_new_target_mid_ramp_is_continuous(void)
{
    wm_gain g;
    wm_gain_init(&g, 0.0f, 5.0f, 48000.0f);
    wm_gain_set_db(&g, -40.0f);
    float x[600];
    for (int i = 0; i < 600; i++)
        x[i] = 1.0f;
    float* ch[1] = {x};
    wm_gain_process(&g, ch, 1, 100);
    wm_gain_set_db(&g, 6.0f); /* reverse in the middle of the ramp */
    float* tail[1] = {x + 100};
    wm_gain_process(&g, tail, 1, 500);
    double max_step = (pow(10.0, 0.3) - pow(10.0, -2.0)) / 240.0;
    for (int i = 1; i < 600; i++)
        CHECK(fabs(x[i] - x[i - 1]) <= max_step * 1.0001);
    CHECK_NEAR(x[599], pow(10.0, 0.3), 1e-6);
}

static void test_limits_and_errors(void)
{
    wm_gain g;
    CHECK(wm_gain_init(&g, NAN, 10.0f, 48000.0f) == WM_ERR_ARG);
    CHECK(wm_gain_init(&g, 0.0f, -1.0f, 48000.0f) == WM_ERR_ARG);
    CHECK(wm_gain_init(&g, 0.0f, 0.0f, 48000.0f) == WM_OK); /* zero ramp: immediate */
    CHECK(wm_gain_set_db(&g, NAN) == WM_ERR_ARG);
    CHECK(g.gain.target == 1.0f); /* NaN lost nothing */
    CHECK(wm_gain_set_db(&g, 100.0f) == WM_ERR_RANGE);
    CHECK_NEAR(g.gain.target, pow(10.0, WM_GAIN_MAX_DB / 20.0), 1e-4);
    CHECK(wm_gain_set_db(&g, -INFINITY) == WM_ERR_RANGE);
    CHECK(g.gain.target == 0.0f); /* at or below the floor is true silence */
    float x[4] = {1, 1, 1, 1};
    float* ch[1] = {x};
    wm_gain_process(&g, ch, 1, 4);
    CHECK(x[0] == 0.0f && x[3] == 0.0f);
}

static void test_hostile_input(void)
{
    enum { B = 1000 };
    static float a[B], b[B];
    wm_gain g;
    wm_gain_init(&g, 6.0f, 10.0f, 48000.0f);
    unsigned expected = 0;
    double peak = 0.0;
    for (int done = 0; done < 1000000; done += B) {
        expected += check_hostile_block(a, B, 1.0f) + check_hostile_block(b, B, 1.0f);
        wm_gain_set_db(&g, 12.0f * check_noise());
        float* ch[2] = {a, b};
        wm_gain_process(&g, ch, 2, B);
        for (int i = 0; i < B; i++)
            peak = fmax(peak, fmax(fabs(a[i]), fabs(b[i])));
    }
    CHECK(peak <= pow(10.0, 12.0 / 20.0) * 1.0001);
    CHECK_EQ_INT(g.nonfinite, expected);
}

int main(void)
{
    test_ramp_is_linear_and_lands();
    test_new_target_mid_ramp_is_continuous();
    test_limits_and_errors();
    test_hostile_input();
    return check_finish("test_gain", 0);
}
