/* test_app_synth.c — the synthesized cues: each as long as it says, at its level, not silent,
 * ending without a click, the same on every run, and distinct from one another. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"

enum { RATE = 48000 };

static float *render(AppCue c, size_t *n)
{
    *n = app_synth_frames(c, RATE);
    float *b = malloc(*n * sizeof *b);
    assert_non_null(b);
    app_synth_render(c, RATE, b, *n);
    return b;
}

static double rms(const float *b, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (double)b[i] * b[i];
    return n > 0 ? sqrt(s / (double)n) : 0.0;
}

static void test_every_cue_sounds_and_ends_cleanly(void **state)
{
    (void)state;
    for (unsigned c = 0; c < APP_CUE_COUNT; c++) {
        size_t n;
        float *b = render((AppCue)c, &n);
        double secs = app_synth_seconds((AppCue)c);
        assert_true(secs >= 0.05 && secs <= 2.5);
        assert_int_equal(n, (size_t)lround(secs * RATE));
        float peak = 0.0f;
        for (size_t i = 0; i < n; i++)
            peak = fmaxf(peak, fabsf(b[i]));
        assert_true(peak > 0.4f && peak <= 0.85f + 1e-4f); /* punchy, never clipping */
        assert_true(rms(b, n) > 0.03);
        /* The first 5 ms carry sound (short, punchy: no slow fade-in)... */
        assert_true(rms(b, RATE / 200) > 0.01);
        /* ...and the last sample is (almost) zero: no click when the voice ends. */
        assert_true(fabsf(b[n - 1]) < 0.02f);
        assert_string_not_equal(app_cue_name((AppCue)c), "?");
        free(b);
    }
    assert_string_equal(app_cue_name(APP_CUE_COUNT), "?");
    assert_int_equal(app_synth_frames(APP_CUE_COUNT, RATE), 0);
}

static void test_deterministic(void **state)
{
    (void)state;
    for (unsigned c = 0; c < APP_CUE_COUNT; c++) {
        size_t n1, n2;
        float *a = render((AppCue)c, &n1);
        float *b = render((AppCue)c, &n2);
        assert_int_equal(n1, n2);
        assert_memory_equal(a, b, n1 * sizeof *a);
        free(a);
        free(b);
    }
}

/* Normalised correlation of two cues over the shorter one's length. */
static double similarity(const float *a, size_t na, const float *b, size_t nb)
{
    size_t n = na < nb ? na : nb;
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < n; i++) {
        ab += (double)a[i] * b[i];
        aa += (double)a[i] * a[i];
        bb += (double)b[i] * b[i];
    }
    return aa > 0 && bb > 0 ? fabs(ab) / sqrt(aa * bb) : 0.0;
}

static void test_cues_are_distinct(void **state)
{
    (void)state;
    float *pcm[APP_CUE_COUNT];
    size_t n[APP_CUE_COUNT];
    for (unsigned c = 0; c < APP_CUE_COUNT; c++)
        pcm[c] = render((AppCue)c, &n[c]);
    for (unsigned i = 0; i < APP_CUE_COUNT; i++)
        for (unsigned j = i + 1; j < APP_CUE_COUNT; j++) {
            double s = similarity(pcm[i], n[i], pcm[j], n[j]);
            if (s >= 0.5)
                print_error("%s ~ %s: %.2f\n", app_cue_name(i), app_cue_name(j), s);
            assert_true(s < 0.5);
        }
    /* The legend's fanfare is the longest: a little tune, not a blip. */
    for (unsigned c = 0; c < APP_CUE_COUNT; c++)
        if (c != APP_CUE_LEGEND)
            assert_true(n[c] < n[APP_CUE_LEGEND]);
    /* Shots are short, so that a burst of them stays apart (SIM_FIRE_COOLDOWN is 0.25 s). */
    assert_true(app_synth_seconds(APP_CUE_SHOT) < 0.2);
    assert_true(app_synth_seconds(APP_CUE_SHOT_OTHER) < 0.2);
    for (unsigned c = 0; c < APP_CUE_COUNT; c++)
        free(pcm[c]);
}

static void test_bank(void **state)
{
    (void)state;
    AppSynthBank b;
    assert_true(app_synth_bank_init(&b, 22050));
    for (unsigned c = 0; c < APP_CUE_COUNT; c++) {
        assert_non_null(b.pcm[c]);
        assert_int_equal(b.frames[c], app_synth_frames((AppCue)c, 22050));
    }
    app_synth_bank_free(&b);
    assert_null(b.pcm[0]);
    app_synth_bank_free(&b); /* twice is fine */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_cue_sounds_and_ends_cleanly),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_cues_are_distinct),
        cmocka_unit_test(test_bank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
