/* test_app_mixer.c — where a sound is heard from (panning, distance) and the mix (gains,
 * volume, mute, clipping, a full set of voices). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "mixer.h"

static void test_spatial_centre_and_sides(void **state)
{
    (void)state;
    float l, r;
    assert_float_equal(app_mix_spatial(100, 100, 100, 100, &l, &r), 1.0f, 1e-6f);
    assert_float_equal(l, 0.70710678f, 1e-5f);
    assert_float_equal(r, 0.70710678f, 1e-5f);
    float cl, cr;
    app_mix_centre(&cl, &cr);
    assert_float_equal(cl, l, 1e-6f);
    assert_float_equal(cr, r, 1e-6f);
    /* To the right: louder right, yet never one ear only. */
    app_mix_spatial(0, 0, APP_MIX_NEAR * 0.9f, 0, &l, &r);
    assert_true(r > l);
    app_mix_spatial(0, 0, 5000.0f, 0, &l, &r); /* beyond FAR: silent */
    assert_true(l == 0.0f && r == 0.0f);
    float g = app_mix_spatial(0, 0, 1000.0f, 0, &l, &r);
    assert_true(g > 0.0f && l > 0.0f && r > 3.0f * l);
    assert_float_equal(l * l + r * r, g * g, 1e-5f); /* equal power */
    /* To the left, mirrored. */
    float l2, r2;
    app_mix_spatial(0, 0, -1000.0f, 0, &l2, &r2);
    assert_float_equal(l2, r, 1e-6f);
    assert_float_equal(r2, l, 1e-6f);
    /* Straight above or below: centred. */
    app_mix_spatial(0, 0, 0, 500.0f, &l, &r);
    assert_float_equal(l, r, 1e-6f);
    /* Not a number: silent, not NaN gains. */
    app_mix_spatial(0, 0, NAN, 0, &l, &r);
    assert_true(l == 0.0f && r == 0.0f);
}

static void test_attenuation_falls_with_distance(void **state)
{
    (void)state;
    float prev = 2.0f, l, r;
    for (float d = 0.0f; d <= APP_MIX_FAR + 100.0f; d += 50.0f) {
        float g = app_mix_spatial(0, 0, d * 0.6f, d * 0.8f, &l, &r);
        assert_true(g <= prev);
        assert_true(g >= 0.0f && g <= 1.0f);
        if (d <= APP_MIX_NEAR)
            assert_float_equal(g, 1.0f, 1e-6f);
        prev = g;
    }
    assert_true(prev == 0.0f);
    float half = app_mix_spatial(0, 0, (APP_MIX_NEAR + APP_MIX_FAR) / 2, 0, &l, &r);
    assert_float_equal(half, 0.25f, 1e-4f);
}

static void test_mix_gains_volume_mute(void **state)
{
    (void)state;
    float half[64];
    for (unsigned i = 0; i < 64; i++)
        half[i] = 0.5f;
    AppMixer m;
    app_mix_init(&m);
    int16_t out[2 * 80];
    app_mix_play(&m, half, 64, 1.0f, 0.0f);
    app_mix_play(&m, half, 64, 0.0f, 0.0f); /* inaudible: not started */
    assert_int_equal(app_mix_active(&m), 1);
    app_mix_render(&m, out, 80);
    assert_int_equal(out[0], 16384);
    assert_int_equal(out[1], 0);
    assert_int_equal(out[2 * 63], 16384);
    assert_int_equal(out[2 * 64], 0); /* ended */
    assert_int_equal(app_mix_active(&m), 0);
    assert_int_equal(m.rendered, 80);

    app_mix_set_volume(&m, 50);
    app_mix_play(&m, half, 64, 1.0f, 1.0f);
    app_mix_render(&m, out, 1);
    assert_int_equal(out[0], 8192);
    assert_int_equal(out[1], 8192);
    app_mix_set_muted(&m, true);
    app_mix_render(&m, out, 1);
    assert_int_equal(out[0], 0);
    assert_int_equal(app_mix_active(&m), 1); /* still advancing */
    app_mix_render(&m, out, 70);
    assert_int_equal(app_mix_active(&m), 0);
    app_mix_set_muted(&m, false);
    app_mix_set_volume(&m, 250);
    assert_float_equal(m.master, 1.0f, 1e-6f);
    app_mix_set_volume(&m, -3);
    assert_float_equal(m.master, 0.0f, 1e-6f);
}

static void test_mix_clips_and_voice_limit(void **state)
{
    (void)state;
    float loud[16], neg[16];
    for (unsigned i = 0; i < 16; i++) {
        loud[i] = 0.9f;
        neg[i] = -0.9f;
    }
    AppMixer m;
    app_mix_init(&m);
    int16_t out[2 * 16];
    app_mix_play(&m, loud, 16, 1.0f, 1.0f);
    app_mix_play(&m, loud, 16, 1.0f, 1.0f);
    app_mix_render(&m, out, 1);
    assert_int_equal(out[0], 32767); /* clipped, not wrapped */
    app_mix_init(&m);
    app_mix_play(&m, neg, 16, 1.0f, 1.0f);
    app_mix_play(&m, neg, 16, 1.0f, 1.0f);
    app_mix_render(&m, out, 1);
    assert_int_equal(out[0], -32767);
    /* More sounds than voices: the one nearest its end makes room. */
    app_mix_init(&m);
    for (unsigned i = 0; i < APP_MIX_VOICES; i++)
        app_mix_play(&m, loud, 16, 0.01f, 0.01f);
    app_mix_render(&m, out, 4);
    app_mix_play(&m, loud, 8, 0.01f, 0.01f); /* voice 0..: 12 left each */
    assert_int_equal(app_mix_active(&m), APP_MIX_VOICES);
    assert_int_equal(m.replaced, 1);
    app_mix_play(&m, loud, 16, 0.01f, 0.01f); /* replaces the new 8-frame one */
    assert_int_equal(m.replaced, 2);
    unsigned fresh = 0;
    for (unsigned i = 0; i < APP_MIX_VOICES; i++)
        fresh += m.voices[i].pos == 0;
    assert_int_equal(fresh, 1);
    assert_int_equal(m.played, APP_MIX_VOICES + 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spatial_centre_and_sides),
        cmocka_unit_test(test_attenuation_falls_with_distance),
        cmocka_unit_test(test_mix_gains_volume_mute),
        cmocka_unit_test(test_mix_clips_and_voice_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
