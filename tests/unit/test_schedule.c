/* test_schedule.c — the 60 Hz tick clock and what happens after the server stalled.
 *
 * What a user would notice: a game that runs slow or fast (drift from rounding 1/60 s), a
 * server that wakes too late or spins, and after a stall either lost inputs (ticks skipped that
 * should have been simulated), minutes of replayed empty ticks, or a second burst of catch-up
 * ticks after the first one. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "schedule.h"

static const uint64_t START = 1234567890123ull; /* an arbitrary monotonic clock reading, µs */

/* When tick n is due, exactly (schedule.h). */
static uint64_t due_at(uint64_t start, uint64_t n)
{
    return start + n * 1000000u / PROTO_TICK_HZ;
}

static void assert_plan(SchedPlan p, uint32_t ff, uint32_t run, uint64_t skipped)
{
    assert_int_equal(p.fast_forward, ff);
    assert_int_equal(p.run, run);
    assert_int_equal(p.skipped, skipped);
}

static void test_exact_spacing_no_drift(void **state)
{
    (void)state;
    Sched s;
    sched_init(&s, START);
    assert_int_equal(sched_due(&s, START), 0); /* tick 0 is the start itself */
    uint64_t prev = START;
    for (uint64_t n = 1; n <= 100000; n++) {
        uint64_t t = due_at(START, n);
        uint64_t gap = t - prev;
        assert_true(gap == 16666 || gap == 16667);
        assert_int_equal(sched_due(&s, t - 1), 0);
        assert_int_equal(sched_wait_ms(&s, t - 1), 1);
        assert_int_equal(sched_due(&s, t), 1);
        assert_int_equal(sched_wait_ms(&s, t), 0);
        assert_plan(sched_plan(&s, t), 0, 1, 0);
        assert_int_equal(s.ticks, n);
        assert_int_equal(sched_due(&s, t), 0);
        /* the next tick is 16.67 ms away: wait 17 ms (rounded up, never early) */
        assert_int_equal(sched_wait_ms(&s, t), 17);
        prev = t;
    }
    /* 100000 ticks at 60 Hz are 1666.666666 s, to the microsecond */
    assert_int_equal(prev - START, 1666666666u);
    assert_int_equal(s.start_us, START);
}

static void test_polling_at_odd_times(void **state)
{
    (void)state;
    /* A loop that wakes at irregular times runs every tick once, in order, none early. */
    Sched s;
    sched_init(&s, START);
    uint64_t now = START, total = 0;
    uint32_t seed = 7;
    while (total < 20000) {
        seed = seed * 1103515245u + 12345u;
        now += (seed >> 16) % 9000; /* 0..9 ms: less than a tick */
        SchedPlan p = sched_plan(&s, now);
        assert_int_equal(p.fast_forward, 0);
        assert_int_equal(p.skipped, 0);
        assert_true(p.run <= 1);
        total += p.run;
        /* every tick due by now has run, the next is still ahead */
        assert_true(due_at(START, total) <= now);
        assert_true(due_at(START, total + 1) > now);
    }
}

static void test_wait_ms_bounds(void **state)
{
    (void)state;
    Sched s;
    sched_init(&s, START);
    for (uint64_t dt = 0; dt < 16666; dt++) {
        int w = sched_wait_ms(&s, START + dt);
        assert_true(w >= 1 && w <= 17);
        /* never wakes before the tick: now + w ms is at or past it */
        assert_true(START + dt + (uint64_t)w * 1000 >= due_at(START, 1));
        /* and not a whole millisecond late */
        assert_true(START + dt + (uint64_t)(w - 1) * 1000 < due_at(START, 1));
    }
    assert_int_equal(sched_wait_ms(&s, due_at(START, 1)), 0);
    assert_int_equal(sched_wait_ms(&s, due_at(START, 1) + 5000000), 0); /* long overdue */
    /* a clock reading before the start (the next tick is far): capped */
    assert_int_equal(sched_wait_ms(&s, START - 1000000), SCHED_MAX_WAIT_MS);
    assert_int_equal(sched_wait_ms(&s, 0), SCHED_MAX_WAIT_MS);
    assert_int_equal(sched_due(&s, START - 1000000), 0);
    assert_plan(sched_plan(&s, 0), 0, 0, 0);
}

/* Runs ticks until k, returning the time tick k was due. */
static uint64_t run_to(Sched *s, uint64_t k)
{
    for (uint64_t n = s->ticks + 1; n <= k; n++)
        assert_plan(sched_plan(s, due_at(s->start_us, n)), 0, 1, 0);
    return due_at(s->start_us, k);
}

static void test_short_stall_just_runs(void **state)
{
    (void)state;
    for (uint32_t missed = 2; missed <= SCHED_BURST_TICKS; missed++) {
        Sched s;
        sched_init(&s, START);
        uint64_t t = run_to(&s, 100);
        uint64_t now = due_at(START, 100 + missed);
        assert_int_equal(sched_due(&s, now), missed);
        assert_plan(sched_plan(&s, now), 0, missed, 0);
        assert_int_equal(s.ticks, 100 + missed);
        assert_true(now > t);
    }
    /* one more than the burst: fast-forwarded (inputs applied, one snapshot) */
    Sched s;
    sched_init(&s, START);
    run_to(&s, 100);
    assert_plan(sched_plan(&s, due_at(START, 100 + SCHED_BURST_TICKS + 1)), SCHED_BURST_TICKS, 1,
                0);
}

static void test_stall_3s_fast_forwards_everything(void **state)
{
    (void)state;
    static const uint64_t at[] = {0, 1, 59, 12345, 99999};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        Sched s;
        sched_init(&s, START);
        uint64_t t = run_to(&s, at[i]);
        uint64_t now = t + 3000000; /* SIGSTOP for 3 s */
        assert_int_equal(sched_due(&s, now), 180);
        assert_plan(sched_plan(&s, now), 179, 1, 0);
        assert_int_equal(s.ticks, at[i] + 180); /* nothing skipped */
        assert_int_equal(s.start_us, START);    /* the clock did not move */
        /* and the next tick is the regular one after that */
        assert_int_equal(sched_due(&s, now), 0);
        assert_int_equal(sched_due(&s, due_at(START, at[i] + 181) - 1), 0);
        assert_int_equal(sched_due(&s, due_at(START, at[i] + 181)), 1);
    }
    /* a stall ending between two ticks */
    Sched s;
    sched_init(&s, START);
    uint64_t t = run_to(&s, 10);
    assert_plan(sched_plan(&s, t + 3000000 + 16000), 179, 1, 0);
}

static void test_stall_60s_caps_and_resumes(void **state)
{
    (void)state;
    static const uint64_t at[] = {0, 7, 12345};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        Sched s;
        sched_init(&s, START);
        uint64_t t = run_to(&s, at[i]);
        uint64_t resume = t + 60000000; /* a debugger held it for a minute */
        assert_int_equal(sched_due(&s, resume), 3600);
        SchedPlan p = sched_plan(&s, resume);
        assert_int_equal(p.fast_forward + p.run, SCHED_MAX_CATCHUP_TICKS);
        assert_int_equal(p.run, 1);
        assert_int_equal(p.skipped, 3600 - SCHED_MAX_CATCHUP_TICKS);
        /* no second burst: nothing due now, then one tick per 1/60 s from the resume time */
        assert_int_equal(sched_due(&s, resume), 0);
        assert_true(sched_wait_ms(&s, resume) >= 16 && sched_wait_ms(&s, resume) <= 17);
        uint64_t prev = resume;
        for (int k = 0; k < 6000; k++) {
            uint64_t next = due_at(s.start_us, s.ticks + 1);
            uint64_t gap = next - prev;
            assert_true(gap == 16666 || gap == 16667);
            assert_int_equal(sched_due(&s, next - 1), 0);
            assert_plan(sched_plan(&s, next), 0, 1, 0);
            prev = next;
        }
        /* 6000 ticks after the resume: 100 s later, to the microsecond */
        assert_true(prev - resume >= 100000000 - 1 && prev - resume <= 100000000 + 1);
    }
}

static void test_catchup_boundaries(void **state)
{
    (void)state;
    Sched s;
    sched_init(&s, START);
    assert_plan(sched_plan(&s, due_at(START, SCHED_MAX_CATCHUP_TICKS)), SCHED_MAX_CATCHUP_TICKS - 1,
                1, 0);
    sched_init(&s, START);
    assert_plan(sched_plan(&s, due_at(START, SCHED_MAX_CATCHUP_TICKS + 1)),
                SCHED_MAX_CATCHUP_TICKS - 1, 1, 1);
    /* a day-long stall: 10 s simulated, the rest skipped, in one plan */
    sched_init(&s, START);
    SchedPlan p = sched_plan(&s, START + 86400ull * 1000000u);
    assert_plan(p, SCHED_MAX_CATCHUP_TICKS - 1, 1,
                86400ull * PROTO_TICK_HZ - SCHED_MAX_CATCHUP_TICKS);
    assert_int_equal(sched_due(&s, START + 86400ull * 1000000u), 0);
}

/* Any sequence of wake-ups: every tick due by the original 60 Hz clock is either simulated or
 * skipped exactly once (within the 1 µs the shifted start may round), and ticks are never
 * simulated before they are due. */
static void test_accounting_over_random_stalls(void **state)
{
    (void)state;
    Sched s;
    sched_init(&s, START);
    uint64_t now = START, simulated = 0, skipped = 0, skip_events = 0;
    uint32_t seed = 99;
    for (int i = 0; i < 50000; i++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t r = seed >> 8;
        if (r % 1000 == 0)
            now += 5000000 + r % 200000000; /* a long stall: 5..205 s */
        else if (r % 50 == 0)
            now += r % 2000000; /* a hiccup up to 2 s */
        else
            now += r % 20000;
        SchedPlan p = sched_plan(&s, now);
        assert_true(p.fast_forward + p.run <= SCHED_MAX_CATCHUP_TICKS);
        assert_true(p.skipped == 0 || p.fast_forward + p.run == SCHED_MAX_CATCHUP_TICKS);
        assert_true(p.fast_forward == 0 || p.run == 1);
        simulated += p.fast_forward + p.run;
        skipped += p.skipped;
        skip_events += p.skipped > 0;
        uint64_t accounted = simulated + skipped;
        /* ticks due on the original clock by now; each shift of the start may round down by
         * under 1 µs, so at most one more tick per shift may have fallen due early */
        uint64_t lo = (now - START) * PROTO_TICK_HZ / 1000000u;
        uint64_t hi = (now + skip_events - START) * PROTO_TICK_HZ / 1000000u;
        assert_true(accounted >= lo);
        assert_true(accounted <= hi);
        assert_int_equal(sched_due(&s, now), 0);
    }
    assert_true(skipped > 0);
}

/* Read slots: with 2 reads per tick the loop wakes at mid-tick and at the tick, never later
 * than the tick, never spinning (at least 1 ms unless a tick is due). A server that waits a
 * whole tick reads inputs once per tick; one that returns 0 spins. */
static void test_read_slots(void **state)
{
    (void)state;
    Sched s;
    sched_init(&s, START);
    for (uint64_t n = 1; n <= 6000; n++) {
        uint64_t t = due_at(START, n);
        assert_plan(sched_plan(&s, t), 0, 1, 0);
        uint64_t next = due_at(START, n + 1), mid = t + (next - t) / 2;
        /* 1 read per tick: the tick's own wait */
        assert_int_equal(sched_read_wait_ms(&s, t, 1), sched_wait_ms(&s, t));
        /* just after the tick: the mid slot, 8.33 ms away, rounded up */
        assert_int_equal(sched_read_wait_ms(&s, t, 2), 9);
        /* at the mid slot itself (woken there): the tick */
        assert_int_equal(sched_read_wait_ms(&s, mid, 2), sched_wait_ms(&s, mid));
        assert_true(sched_read_wait_ms(&s, mid - 1, 2) == 1);
        /* 4 slots: 4.17 ms apart */
        assert_int_equal(sched_read_wait_ms(&s, t, 4), 5);
        for (uint64_t u = t; u < next; u += 997) {
            int w = sched_read_wait_ms(&s, u, 3);
            assert_true(w >= 1 && w <= sched_wait_ms(&s, u));
            assert_true(u + (uint64_t)w * 1000 <= next + 1000);
        }
        assert_int_equal(sched_read_wait_ms(&s, next, 2), 0); /* a tick due: no wait */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_spacing_no_drift),
        cmocka_unit_test(test_polling_at_odd_times),
        cmocka_unit_test(test_wait_ms_bounds),
        cmocka_unit_test(test_short_stall_just_runs),
        cmocka_unit_test(test_stall_3s_fast_forwards_everything),
        cmocka_unit_test(test_stall_60s_caps_and_resumes),
        cmocka_unit_test(test_catchup_boundaries),
        cmocka_unit_test(test_accounting_over_random_stalls),
        cmocka_unit_test(test_read_slots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
