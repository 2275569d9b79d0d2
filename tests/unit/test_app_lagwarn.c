/* test_app_lagwarn.c — the HUD's connection warnings: each comes on at its threshold, stays
 * through values between its two thresholds (no flicker), goes off below the lower one after
 * its minimum time, and says what it measured. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "lagwarn.h"

#define T0 5000000000ull /* any origin, microseconds */

/* A healthy connection at time t: a snapshot 10 ms ago, no loss, 20 ms RTT. */
static AppLagInput healthy(uint64_t t)
{
    return (AppLagInput){.now_us = t, .last_snapshot_us = t - 10000, .rtt_ms = 20.0};
}

static void test_quiet_when_healthy(void **state)
{
    (void)state;
    AppLagWarn w;
    app_lag_init(&w);
    /* Whatever happened while joining (resyncs, late inputs) is not shown. */
    AppLagInput in = healthy(T0);
    in.resyncs = 4;
    in.inputs_late = 40;
    for (uint64_t t = T0; t < T0 + 5000000; t += 16667) {
        in.now_us = t;
        in.last_snapshot_us = t - 10000;
        assert_int_equal(app_lag_update(&w, &in), 0);
    }
    char lines[8][APP_LAG_LINE_MAX];
    assert_int_equal(app_lag_lines(&w, lines, 8), 0);
}

static void test_connection_problem_with_timer(void **state)
{
    (void)state;
    AppLagWarn w;
    app_lag_init(&w);
    AppLagInput in = healthy(T0);
    in.last_snapshot_us = T0;
    in.now_us = T0 + 299000;
    assert_int_equal(app_lag_update(&w, &in) & APP_LAG_STALL, 0);
    in.now_us = T0 + 301000;
    assert_int_equal(app_lag_update(&w, &in) & APP_LAG_STALL, APP_LAG_STALL);
    in.now_us = T0 + 1450000;
    app_lag_update(&w, &in);
    char lines[8][APP_LAG_LINE_MAX];
    assert_int_equal(app_lag_lines(&w, lines, 8), 1);
    assert_string_equal(lines[0], "CONNECTION PROBLEM 1.4 s");
    /* Snapshots again: gone at once. */
    in.last_snapshot_us = in.now_us;
    assert_int_equal(app_lag_update(&w, &in) & APP_LAG_STALL, 0);
}

static void test_loss_hysteresis(void **state)
{
    (void)state;
    AppLagWarn w;
    app_lag_init(&w);
    AppLagInput in = healthy(T0);
    in.last_snapshot_us = 0; /* none yet: the stall is not what this test is about */
    in.loss_percent = 4.9;
    assert_int_equal(app_lag_update(&w, &in), 0);
    in.now_us += 16667;
    in.loss_percent = 12.0;
    assert_int_equal(app_lag_update(&w, &in), APP_LAG_LOSS);
    char lines[8][APP_LAG_LINE_MAX];
    assert_int_equal(app_lag_lines(&w, lines, 8), 1);
    assert_string_equal(lines[0], "high packet loss 12 %");
    /* Between the thresholds it stays on, however long. */
    in.loss_percent = 3.0;
    for (int i = 0; i < 300; i++) {
        in.now_us += 16667;
        assert_int_equal(app_lag_update(&w, &in), APP_LAG_LOSS);
    }
    /* Below the lower one: off. But a warning that just came on is held APP_LAG_HOLD_US. */
    in.loss_percent = 1.0;
    in.now_us += 16667;
    assert_int_equal(app_lag_update(&w, &in), 0);
    in.loss_percent = 6.0;
    uint64_t on = in.now_us += 16667;
    assert_int_equal(app_lag_update(&w, &in), APP_LAG_LOSS);
    in.loss_percent = 0.0;
    for (in.now_us = on + 16667; in.now_us < on + APP_LAG_HOLD_US; in.now_us += 16667)
        assert_int_equal(app_lag_update(&w, &in), APP_LAG_LOSS);
    in.now_us = on + APP_LAG_HOLD_US;
    assert_int_equal(app_lag_update(&w, &in), 0);
}

static void test_latency_hysteresis(void **state)
{
    (void)state;
    AppLagWarn w;
    app_lag_init(&w);
    AppLagInput in = healthy(T0);
    in.last_snapshot_us = 0; /* none yet: the stall is not what this test is about */
    in.rtt_ms = 199.0;
    assert_int_equal(app_lag_update(&w, &in), 0);
    in.rtt_ms = 250.0;
    assert_int_equal(app_lag_update(&w, &in), APP_LAG_LATENCY);
    char lines[8][APP_LAG_LINE_MAX];
    assert_int_equal(app_lag_lines(&w, lines, 8), 1);
    assert_string_equal(lines[0], "high latency 250 ms");
    in.now_us += 2 * APP_LAG_HOLD_US;
    in.rtt_ms = 160.0;
    assert_int_equal(app_lag_update(&w, &in), APP_LAG_LATENCY);
    in.rtt_ms = 149.0;
    assert_int_equal(app_lag_update(&w, &in), 0);
}

static void test_resync_and_late_inputs(void **state)
{
    (void)state;
    AppLagWarn w;
    app_lag_init(&w);
    AppLagInput in = healthy(T0);
    in.last_snapshot_us = 0; /* none yet: the stall is not what this test is about */
    assert_int_equal(app_lag_update(&w, &in), 0);
    in.now_us += 16667;
    in.resyncs = 1;
    assert_int_equal(app_lag_update(&w, &in), APP_LAG_RESYNC);
    in.now_us += APP_LAG_RESYNC_US - 16667;
    assert_int_equal(app_lag_update(&w, &in), APP_LAG_RESYNC);
    in.now_us += 16667;
    assert_int_equal(app_lag_update(&w, &in), 0);
    /* Two late inputs are noise; three within a second are a warning, which goes once a
     * whole second has passed without any. */
    in.inputs_late = 2;
    in.now_us += 16667;
    assert_int_equal(app_lag_update(&w, &in), 0);
    in.inputs_late = 5;
    in.now_us += 16667;
    assert_int_equal(app_lag_update(&w, &in), APP_LAG_LATE);
    char lines[8][APP_LAG_LINE_MAX];
    assert_int_equal(app_lag_lines(&w, lines, 8), 1);
    assert_string_equal(lines[0], "inputs arriving late");
    unsigned last = APP_LAG_LATE;
    uint64_t quiet = in.now_us;
    while (last != 0 && in.now_us < quiet + 5000000) {
        in.now_us += 16667;
        last = app_lag_update(&w, &in);
    }
    assert_int_equal(last, 0);
    assert_true(in.now_us - quiet >= 1000000);
    /* Several at once, most serious first. */
    in.last_snapshot_us = in.now_us - 500000;
    in.rtt_ms = 300.0;
    in.loss_percent = 50.0;
    in.resyncs = 2;
    app_lag_update(&w, &in);
    assert_int_equal(app_lag_lines(&w, lines, 8), 4);
    assert_string_equal(lines[0], "CONNECTION PROBLEM 0.5 s");
    assert_string_equal(lines[1], "high packet loss 50 %");
    assert_string_equal(lines[2], "high latency 300 ms");
    assert_string_equal(lines[3], "clock resync");
    assert_int_equal(app_lag_lines(&w, lines, 2), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quiet_when_healthy),
        cmocka_unit_test(test_connection_problem_with_timer),
        cmocka_unit_test(test_loss_hysteresis),
        cmocka_unit_test(test_latency_hysteresis),
        cmocka_unit_test(test_resync_and_late_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
