/* test_truepeak.c -- the true-peak detector against analytic peaks of sines
   whose samples miss the crest, and its stated delay. */
#include "check.h"
#include "wm_truepeak.h"

enum { FS = 48000, N = 9600 };
static const double PI = 3.14159265358979323846;

/* A sine of amplitude 1 sampled so that no sample hits the crest. */
static double truepeak_db_of_sine(double hz, double phase)
{
    static float x[N];
    for (int i = 0; i < N; i++)
        x[i] = (float)sin(2.0 * PI * hz * i / FS + phase);
    wm_truepeak t;
    wm_truepeak_init(&t);
    wm_truepeak_process(&t, x, NULL, FS / 10); /* settle */
    return 20.0 * log10(wm_truepeak_process(&t, x + FS / 10, NULL, N - FS / 10));
}

/* EBU Tech 3341 allows a true-peak meter to read +0.2 / -0.4 dB off. */
#define CHECK_TRUEPEAK(db) CHECK((db) <= 0.2 && (db) >= -0.4)

static void test_sines_read_their_true_peak(void)
{
    /* fs/4 at 45 degrees: every sample is +-0.707 (-3.01 dB sample peak),
       yet the true peak is 0 dB. */
    double quarter = truepeak_db_of_sine(FS / 4.0, PI / 4.0);
    CHECK_TRUEPEAK(quarter);
    const double freqs[] = {100.0, 997.0, 5000.0, 10000.0, 15000.0, 19000.0};
    double worst = quarter;
    for (int k = 0; k < 6; k++) {
        double db = truepeak_db_of_sine(freqs[k], 0.3);
        CHECK_TRUEPEAK(db);
        worst = fabs(db) > fabs(worst) ? db : worst;
    }
    printf("true peak of full-scale sines up to 19 kHz: worst reading %+.3f dB\n", worst);
    /* What a sample-peak meter reads on the fs/4 case, for contrast. */
    CHECK_NEAR(20.0 * log10(fabs(sin(PI / 4.0))), -3.0103, 1e-3);
}

static void test_delay_and_impulse(void)
{
    float x[64] = {0}, peaks[64];
    x[10] = 1.0f;
    wm_truepeak t;
    wm_truepeak_init(&t);
    wm_truepeak_process(&t, x, peaks, 64);
    /* The impulse reappears (phase 0 is a delayed copy) at 10 + delay. */
    int at = 0;
    for (int i = 1; i < 64; i++)
        if (peaks[i] > peaks[at])
            at = i;
    CHECK_EQ_INT(at, 10 + WM_TRUEPEAK_DELAY);
    CHECK_NEAR(peaks[at], 1.0, 0.05);
}

static void test_hostile_input(void)
{
    wm_truepeak t;
    wm_truepeak_init(&t);
    float x[1000], peaks[1000];
    for (int round = 0; round < 1000; round++) {
        for (int i = 0; i < 1000; i++)
            x[i] = check_hostile(1.0f);
        float p = wm_truepeak_process(&t, x, peaks, 1000);
        CHECK(wm_is_finite(p) && p < 2.0f);
    }
}

int main(void)
{
    check_seed_from_env();
    uint32_t seed = check_seed;
    test_sines_read_their_true_peak();
    test_delay_and_impulse();
    test_hostile_input();
    return check_finish("test_truepeak", seed);
}
