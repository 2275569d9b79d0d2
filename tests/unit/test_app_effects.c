/* test_app_effects.c — hit bursts and muzzle flashes: they fly out, fade and end; the pool
 * never grows; hits wait for the render clock. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "effects.h"

static const AppColor RED = {232, 72, 72, 255};

static void test_burst_flies_out_and_ends(void **state)
{
    (void)state;
    AppEffects fx;
    app_fx_init(&fx, 42);
    app_fx_hit(&fx, 100.0f, 200.0f, RED);
    assert_int_equal(fx.part_count, APP_FX_HIT_PARTICLES);
    assert_int_equal(fx.flash_count, 1);
    float r0 = app_fx_flash_radius(&fx.flashes[0]);
    app_fx_update(&fx, 0.1);
    assert_int_equal(fx.part_count, APP_FX_HIT_PARTICLES);
    /* Everything moved away from the victim, and faded a little. */
    for (unsigned i = 0; i < fx.part_count; i++) {
        const AppParticle *p = &fx.parts[i];
        assert_true(hypotf(p->x - 100.0f, p->y - 200.0f) > 5.0f);
        float a = app_fx_particle_alpha(p);
        assert_true(a > 0.0f && a < 1.0f);
    }
    assert_true(app_fx_flash_radius(&fx.flashes[0]) > r0); /* the ring grows */
    /* Particles spread in every direction, not in a line. */
    int quadrants[4] = {0};
    for (unsigned i = 0; i < fx.part_count; i++)
        quadrants[(fx.parts[i].x > 100.0f) + 2 * (fx.parts[i].y > 200.0f)]++;
    for (int q = 0; q < 4; q++)
        assert_true(quadrants[q] > 0);
    app_fx_update(&fx, APP_FX_HIT_LIFE_S);
    assert_int_equal(fx.part_count, 0);
    assert_int_equal(fx.flash_count, 0);
}

static void test_pool_is_bounded(void **state)
{
    (void)state;
    AppEffects fx;
    app_fx_init(&fx, 1);
    for (int i = 0; i < 200; i++) {
        app_fx_hit(&fx, (float)i, 0.0f, RED);
        app_fx_muzzle(&fx, (float)i, 0.0f, 0.0f, RED);
    }
    assert_int_equal(fx.part_count, APP_FX_PARTICLES);
    assert_int_equal(fx.flash_count, APP_FX_FLASHES);
    app_fx_update(&fx, 0.01);
    app_fx_hit(&fx, 0.0f, 0.0f, RED); /* still works after the pool was full */
    assert_true(fx.part_count <= APP_FX_PARTICLES);
    app_fx_update(&fx, 10.0);
    assert_int_equal(fx.part_count, 0);
}

static void test_muzzle_flash_is_brief(void **state)
{
    (void)state;
    AppEffects fx;
    app_fx_init(&fx, 7);
    app_fx_muzzle(&fx, 0.0f, 0.0f, 1.0f, RED);
    assert_int_equal(fx.flash_count, 1);
    assert_true(fx.flashes[0].muzzle);
    app_fx_update(&fx, APP_FX_MUZZLE_LIFE_S / 2);
    assert_int_equal(fx.flash_count, 1);
    app_fx_update(&fx, APP_FX_MUZZLE_LIFE_S);
    assert_int_equal(fx.flash_count, 0);
}

static void test_hits_wait_for_the_render_clock(void **state)
{
    (void)state;
    AppEffects fx;
    app_fx_init(&fx, 3);
    app_fx_queue_hit(&fx, 1, 2, 1000.0);
    app_fx_queue_hit(&fx, 3, 4, 1004.0);
    app_fx_queue_hit(&fx, 5, 6, 0.0); /* due at once (the local player was hit) */
    AppPendingHit out[8];
    unsigned n = app_fx_take_due(&fx, 996.0, out, 8);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].victim, 6);
    n = app_fx_take_due(&fx, 1000.0, out, 8);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].shooter, 1);
    assert_int_equal(app_fx_take_due(&fx, 1001.0, out, 8), 0);
    n = app_fx_take_due(&fx, 2000.0, out, 8);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].victim, 4);
    assert_int_equal(fx.pending_count, 0);
    /* Full queue: the oldest hit gives way. */
    for (int i = 0; i < APP_FX_PENDING + 5; i++)
        app_fx_queue_hit(&fx, (uint16_t)i, 0, 10.0 + i);
    assert_int_equal(fx.pending_count, APP_FX_PENDING);
    assert_int_equal(fx.pending[0].shooter, 5);
    /* The output bound is respected; the rest stay queued. */
    assert_int_equal(app_fx_take_due(&fx, 1e9, out, 8), 8);
    assert_int_equal(fx.pending_count, APP_FX_PENDING - 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_flies_out_and_ends),
        cmocka_unit_test(test_pool_is_bounded),
        cmocka_unit_test(test_muzzle_flash_is_brief),
        cmocka_unit_test(test_hits_wait_for_the_render_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
