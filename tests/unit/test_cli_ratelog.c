/* test_cli_ratelog.c — the log limit for failures a hostile server can repeat at will.
 *
 * What a user would notice: a server that floods malformed messages floods the bot's or the
 * client's log (thousands of lines a second), or a log that never says how many were held
 * back, or one that stays silent after the flood. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cli_ratelog.h"

/* A flood of 1000 events in one second lets exactly CLI_RATELOG_PER_S through. */
static void test_flood_is_limited(void **state)
{
    (void)state;
    CliRateLog rl = {0};
    unsigned let = 0;
    uint64_t held = 0;
    for (unsigned i = 0; i < 1000; i++)
        let += cli_ratelog_allow(&rl, 5000000u + i * 900u, &held);
    assert_int_equal(let, CLI_RATELOG_PER_S);
    assert_int_equal(rl.total, 1000);
    assert_int_equal(rl.held_back, 1000 - CLI_RATELOG_PER_S);
}

/* The next window lets one through again, with the count of those held back. */
static void test_next_window_reports_held_back(void **state)
{
    (void)state;
    CliRateLog rl = {0};
    uint64_t held = 99;
    for (unsigned i = 0; i < 10; i++)
        (void)cli_ratelog_allow(&rl, 1000000u + i, &held);
    assert_true(cli_ratelog_allow(&rl, 1000000u + CLI_RATELOG_WINDOW_US, &held));
    assert_int_equal(held, 10 - CLI_RATELOG_PER_S);
    /* That restarted the count. */
    assert_true(cli_ratelog_allow(&rl, 1000001u + CLI_RATELOG_WINDOW_US, &held));
    assert_int_equal(held, 0);
}

/* Events that come slowly are all let through. */
static void test_slow_events_all_logged(void **state)
{
    (void)state;
    CliRateLog rl = {0};
    uint64_t held = 0;
    for (unsigned i = 0; i < 50; i++) {
        assert_true(cli_ratelog_allow(&rl, (uint64_t)i * 400000u, &held));
        assert_int_equal(held, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flood_is_limited),
        cmocka_unit_test(test_next_window_reports_held_back),
        cmocka_unit_test(test_slow_events_all_logged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
