/* test_app_killfeed.c — the kill feed's ring and fading, and the client's match view (clock
 * text, time left, stats kept for the end screen, accuracy). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "killfeed.h"

static void test_feed_newest_first_and_fades(void **state)
{
    (void)state;
    AppKillFeed f;
    app_feed_init(&f);
    assert_null(app_feed_get(&f, 0, 0));
    for (unsigned i = 0; i < APP_FEED_MAX + 2; i++) {
        AppKill k = {.time_us = 1000000u * i, .killer = (uint16_t)i, .victim = 1};
        app_feed_push(&f, &k);
    }
    uint64_t now = 1000000u * (APP_FEED_MAX + 1);
    assert_int_equal(app_feed_get(&f, 0, now)->killer, APP_FEED_MAX + 1); /* newest first */
    assert_int_equal(app_feed_get(&f, APP_FEED_MAX - 1, now)->killer, 2); /* two fell out */
    assert_null(app_feed_get(&f, APP_FEED_MAX, now));
    const AppKill *k = app_feed_get(&f, 0, now);
    assert_true(app_feed_alpha(k, now) == 1.0f);
    assert_true(app_feed_alpha(k, k->time_us + APP_FEED_SHOW_US + APP_FEED_FADE_US / 2) < 0.6f);
    /* Once the newest is gone, so is everything. */
    assert_null(app_feed_get(&f, 0, k->time_us + APP_FEED_SHOW_US + APP_FEED_FADE_US));
}

static void test_match_clock_and_stats(void **state)
{
    (void)state;
    AppMatchView m;
    app_match_init(&m);
    char buf[48];
    app_match_clock(&m, 100, buf, sizeof buf);
    assert_string_equal(buf, "");
    MsgEvent ev = {.kind = MSG_EV_MATCH,
                   .match = {.phase = SIM_PHASE_RUNNING, .phase_end = 100 + 60 * 65}};
    app_match_event(&m, &ev);
    assert_int_equal(app_match_seconds_left(&m, 100), 65);
    assert_int_equal(app_match_seconds_left(&m, 101), 65); /* rounded up */
    app_match_clock(&m, 100, buf, sizeof buf);
    assert_string_equal(buf, "1:05");
    MsgEvent st = {.kind = MSG_EV_STATS, .a = 7, .stats = {5, 2, 30, 10}};
    app_match_event(&m, &st);
    assert_true(m.has_stats[7]);
    assert_int_equal(app_match_accuracy(&m.stats[7]), 33);
    ev.a = 7;
    ev.match = (MsgMatch){.phase = SIM_PHASE_ENDED, .has_winner = true, .phase_end = 5000};
    app_match_event(&m, &ev);
    assert_true(m.has_stats[7]); /* the end screen keeps them */
    assert_int_equal(m.winner, 7);
    app_match_clock(&m, 4000, buf, sizeof buf);
    assert_string_equal(buf, "Match over");
    ev.a = 0;
    ev.match = (MsgMatch){.phase = SIM_PHASE_WARMUP, .phase_end = 0};
    app_match_event(&m, &ev);
    assert_false(m.has_stats[7]); /* the next match starts clean */
    assert_int_equal(app_match_seconds_left(&m, 4000), -1);
    app_match_clock(&m, 4000, buf, sizeof buf);
    assert_string_equal(buf, "Warm-up");
    MsgStats none = {0};
    assert_int_equal(app_match_accuracy(&none), 0);
}

/* Which MATCH events are a start or an end (the match sounds): a change of phase only, and
 * never the first MATCH after joining (a match already running is not starting). */
static void test_match_changes(void **state)
{
    (void)state;
    AppMatchView m;
    app_match_init(&m);
    MsgEvent ev = {.kind = MSG_EV_MATCH, .match = {.phase = SIM_PHASE_RUNNING, .phase_end = 900}};
    assert_int_equal(app_match_event(&m, &ev), APP_MATCH_SAME); /* joined mid-match */
    ev.match.phase_end = 1200;                                  /* the end moved */
    assert_int_equal(app_match_event(&m, &ev), APP_MATCH_SAME);
    ev.match = (MsgMatch){.phase = SIM_PHASE_ENDED, .phase_end = 1800};
    assert_int_equal(app_match_event(&m, &ev), APP_MATCH_ENDED);
    assert_int_equal(app_match_event(&m, &ev), APP_MATCH_SAME); /* said again */
    ev.match = (MsgMatch){.phase = SIM_PHASE_WARMUP, .phase_end = 2400};
    assert_int_equal(app_match_event(&m, &ev), APP_MATCH_SAME);
    ev.match = (MsgMatch){.phase = SIM_PHASE_RUNNING, .phase_end = 9000};
    assert_int_equal(app_match_event(&m, &ev), APP_MATCH_STARTED);
    MsgEvent st = {.kind = MSG_EV_STATS, .a = 1};
    assert_int_equal(app_match_event(&m, &st), APP_MATCH_SAME);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_feed_newest_first_and_fades),
        cmocka_unit_test(test_match_clock_and_stats),
        cmocka_unit_test(test_match_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
