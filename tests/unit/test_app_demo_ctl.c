/* test_app_demo_ctl.c — the demo player's controls (client/app/demo_ctl.c).
 *
 * What a user would notice: a speed beyond 0.25x-4x, a seek that leaves the demo, playback
 * that runs on while paused or past the end, the timeline seeking elsewhere than clicked,
 * following that skips a player or gets stuck. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "demo_ctl.h"
#include "snapshot.h"

static void test_speed_steps(void **state)
{
    (void)state;
    AppDemoCtl c;
    app_demo_ctl_init(&c, 100, 700);
    assert_true(app_demo_speed(&c) == 1.0);
    for (int i = 0; i < 10; i++)
        app_demo_speed_step(&c, 1);
    assert_true(app_demo_speed(&c) == 4.0);
    for (int i = 0; i < 10; i++)
        app_demo_speed_step(&c, -1);
    assert_true(app_demo_speed(&c) == 0.25);
}

static void test_advance_pause_end(void **state)
{
    (void)state;
    AppDemoCtl c;
    app_demo_ctl_init(&c, 100, 700);
    app_demo_advance(&c, 1.0);
    assert_true(c.tick == 160.0);
    app_demo_speed_step(&c, 1); /* 2x */
    app_demo_advance(&c, 1.0);
    assert_true(c.tick == 280.0);
    c.paused = true;
    app_demo_advance(&c, 1.0);
    assert_true(c.tick == 280.0);
    c.paused = false;
    app_demo_advance(&c, 100.0);
    assert_true(c.tick == 700.0);
    assert_true(c.paused); /* stops at the end */
}

static void test_seek_clamped(void **state)
{
    (void)state;
    AppDemoCtl c;
    app_demo_ctl_init(&c, 100, 700);
    app_demo_seek_by(&c, APP_DEMO_SEEK_S);
    assert_true(c.tick == 400.0);
    app_demo_seek_by(&c, APP_DEMO_SEEK_S);
    assert_true(c.tick == 700.0);
    app_demo_seek_by(&c, -3 * APP_DEMO_SEEK_S);
    assert_true(c.tick == 100.0);
}

static void test_timeline(void **state)
{
    (void)state;
    AppDemoCtl c;
    app_demo_ctl_init(&c, 100, 700);
    AppRect bar = app_demo_timeline_rect(1280, 720);
    assert_true(bar.y + bar.h <= 720 && bar.x > 0 && bar.x + bar.w < 1280);
    assert_true(app_demo_timeline_tick(&c, bar, bar.x) == 100.0);
    assert_true(app_demo_timeline_tick(&c, bar, bar.x + bar.w / 2) == 400.0);
    assert_true(app_demo_timeline_tick(&c, bar, bar.x + bar.w + 50) == 700.0);
    assert_true(app_demo_timeline_tick(&c, bar, 0) == 100.0);
}

static void test_follow_cycle(void **state)
{
    (void)state;
    CliEntityView v[5] = {{.id = 2, .type = SNAP_ENT_PLAYER},
                          {.id = 5, .type = SNAP_ENT_PLAYER},
                          {.id = 9, .type = SNAP_ENT_PLAYER},
                          {.id = 300, .type = SNAP_ENT_SHOT},
                          {.id = 301, .type = SNAP_ENT_SHOT}};
    AppDemoCtl c;
    app_demo_ctl_init(&c, 1, 2);
    assert_int_equal(c.follow, APP_DEMO_FREE_CAM);
    int want[] = {2, 5, 9, 2};
    for (unsigned i = 0; i < 4; i++) {
        app_demo_follow_step(&c, v, 5, 1);
        assert_int_equal(c.follow, want[i]);
    }
    app_demo_follow_step(&c, v, 5, -1);
    assert_int_equal(c.follow, 9);
    app_demo_follow_step(&c, v, 5, -1);
    assert_int_equal(c.follow, 5);
    c.follow = APP_DEMO_FREE_CAM;
    app_demo_follow_step(&c, v, 5, -1);
    assert_int_equal(c.follow, 9);
    c.follow = APP_DEMO_FREE_CAM;
    app_demo_follow_step(&c, v + 3, 2, 1); /* only shots: stays free */
    assert_int_equal(c.follow, APP_DEMO_FREE_CAM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_speed_steps),  cmocka_unit_test(test_advance_pause_end),
        cmocka_unit_test(test_seek_clamped), cmocka_unit_test(test_timeline),
        cmocka_unit_test(test_follow_cycle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
