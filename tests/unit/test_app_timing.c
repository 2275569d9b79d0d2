/* test_app_timing.c — where between two ticks a frame falls (the predicted player is drawn
 * there), and the frame cap. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cli_clock.h"
#include "timing.h"

static void test_alpha_follows_the_clock(void **state)
{
    (void)state;
    CliClock c;
    cli_clock_init(&c);
    assert_float_equal(app_tick_alpha(&c, 123), 0.0, 1e-12); /* not running */
    c.running = true;
    c.tick = 1000.25;
    c.last_tick = 1000;
    c.rate = 1.0;
    c.last_us = 10000000;
    assert_float_equal(app_tick_alpha(&c, c.last_us), 0.25, 1e-9);
    /* Half a tick (8333 us) later. */
    assert_float_equal(app_tick_alpha(&c, c.last_us + 8333), 0.75, 0.001);
    /* Running 10% fast. */
    c.rate = 1.1;
    assert_float_equal(app_tick_alpha(&c, c.last_us + 8333), 0.25 + 0.55, 0.001);
    /* Late service: clamped to the newest tick, never beyond. */
    assert_float_equal(app_tick_alpha(&c, c.last_us + 100000), 1.0, 1e-12);
    /* After a backward resync the position is behind the newest tick handed out. */
    c.tick = 990.5;
    assert_float_equal(app_tick_alpha(&c, c.last_us), 0.0, 1e-12);
}

static void test_frame_cap(void **state)
{
    (void)state;
    assert_int_equal(app_next_frame_us(1000000, 0.0), 1000000);
    assert_int_equal(app_next_frame_us(1000000, 100.0), 1010000);
    assert_int_equal(app_next_frame_us(1000000, 144.0), 1006944);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alpha_follows_the_clock),
        cmocka_unit_test(test_frame_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
