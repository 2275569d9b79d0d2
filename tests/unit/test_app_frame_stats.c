/* test_app_frame_stats.c — the FPS figures of the HUD and --stats-json. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "frame_stats.h"

static void test_mean_and_one_percent_low(void **state)
{
    (void)state;
    AppFrameStats s;
    app_frame_stats_init(&s);
    assert_float_equal(app_frame_stats_mean_fps(&s), 0.0, 1e-12);
    assert_float_equal(app_frame_stats_p1_low_fps(&s), 0.0, 1e-12);
    uint64_t t = 1000000;
    /* 980 smooth frames of 10 ms and 20 hitches (2%) of 50 ms. */
    for (int i = 0; i < 1000; i++) {
        double dt = i % 50 == 25 ? 0.050 : 0.010;
        t += (uint64_t)(dt * 1e6);
        app_frame_stats_add(&s, dt, t);
    }
    assert_float_equal(app_frame_stats_mean_fps(&s), 1000.0 / (980 * 0.010 + 20 * 0.050), 0.01);
    /* The slowest 1% are the hitches: 1% low = 20 fps, median = 100 fps. */
    assert_float_equal(app_frame_stats_p1_low_fps(&s), 20.0, 0.1);
    assert_float_equal(1.0 / app_frame_stats_percentile_s(&s, 0.5), 100.0, 1.5);
    assert_float_equal(s.max_s, 0.050, 1e-9);
}

static void test_hitches_below_one_percent_do_not_count(void **state)
{
    (void)state;
    AppFrameStats s;
    app_frame_stats_init(&s);
    for (int i = 0; i < 1000; i++)
        app_frame_stats_add(&s, i < 5 ? 0.2 : 0.005, 1000000 + (uint64_t)i * 5000);
    /* Five slow frames in 1000 (0.5%): the 1% low is the smooth rate. */
    assert_float_equal(app_frame_stats_p1_low_fps(&s), 200.0, 5.0);
    /* A frame longer than the histogram still counts (as the maximum). */
    app_frame_stats_add(&s, 9.0, 10000000);
    assert_float_equal(app_frame_stats_percentile_s(&s, 1.0), 9.0, 1e-9);
}

static void test_hud_rate_updates_each_second(void **state)
{
    (void)state;
    AppFrameStats s;
    app_frame_stats_init(&s);
    uint64_t t = 5000000;
    for (int i = 0; i < 30; i++, t += 16667)
        app_frame_stats_add(&s, 0.016667, t);
    assert_float_equal(app_frame_stats_hud_fps(&s), 0.0, 1e-12); /* not a full second yet */
    for (int i = 0; i < 60; i++, t += 16667)
        app_frame_stats_add(&s, 0.016667, t);
    assert_float_equal(app_frame_stats_hud_fps(&s), 60.0, 1.0);
    /* The rate shown is that of the last complete second: after two seconds at 144 fps. */
    for (int i = 0; i < 300; i++, t += 6944)
        app_frame_stats_add(&s, 0.006944, t);
    assert_float_equal(app_frame_stats_hud_fps(&s), 144.0, 2.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mean_and_one_percent_low),
        cmocka_unit_test(test_hitches_below_one_percent_do_not_count),
        cmocka_unit_test(test_hud_rate_updates_each_second),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
