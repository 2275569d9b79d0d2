/* test_app_netgraph.c — the net graph's data: what counts as lost, late and dropped, and the
 * rates the HUD shows. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "netgraph.h"

#define T0      1000000000ull /* an arbitrary start, microseconds */
#define TICK_US (1000000.0 / 60.0)

/* Arrival time of tick `tick` sent at 30 Hz from tick 100, plus `late_ms`. */
static uint64_t at(uint32_t tick, double late_ms)
{
    return T0 + (uint64_t)((tick - 100) * TICK_US + late_ms * 1000.0);
}

static void test_steady_stream(void **state)
{
    (void)state;
    AppNetGraph g;
    app_ng_init(&g, 30);
    assert_float_equal(app_ng_interval_ms(&g), 1000.0 / 30.0, 1e-9);
    uint32_t tick = 100;
    for (int i = 0; i < 90; i++, tick += 2)
        app_ng_snapshot(&g, tick, 300, i == 0, at(tick, (i % 3) * 2.0)); /* a little jitter */
    uint64_t now = at(tick - 2, 10.0); /* just after the last arrival */
    assert_int_equal(g.received, 90);
    assert_int_equal(g.lost, 0);
    assert_int_equal(g.late, 0);
    assert_float_equal(app_ng_loss_percent(&g, now, 3000000), 0.0, 1e-9);
    assert_float_equal(app_ng_rate_hz(&g, now, 1000000), 30.0, 1.01);
    AppNgSample w[APP_NG_SAMPLES];
    unsigned n = app_ng_window(&g, now, 3000000, w, APP_NG_SAMPLES);
    assert_int_equal(n, 90); /* 3 s at 30 Hz, all of them */
    assert_int_equal(w[0].kind, APP_NG_FULL);
    assert_int_equal(w[n - 1].kind, APP_NG_DELTA);
    for (unsigned i = 1; i < n; i++)
        assert_true(w[i].arrival_us >= w[i - 1].arrival_us); /* oldest first */
    /* Lateness is measured against the earliest arrivals: the jitter shows, small. */
    assert_true(w[n - 1].late_ms >= 0.0f && w[n - 1].late_ms < 5.0f);
}

static void test_gap_is_loss(void **state)
{
    (void)state;
    AppNetGraph g;
    app_ng_init(&g, 30);
    uint32_t tick = 100;
    for (int i = 0; i < 10; i++, tick += 2)
        app_ng_snapshot(&g, tick, 200, false, at(tick, 0));
    tick += 3 * 2; /* three snapshots never arrive */
    app_ng_snapshot(&g, tick, 200, false, at(tick, 0));
    for (int i = 0; i < 6; i++) {
        tick += 2;
        app_ng_snapshot(&g, tick, 200, false, at(tick, 0));
    }
    uint64_t now = at(tick, 0);
    assert_int_equal(g.lost, 3);
    assert_int_equal(g.received, 17);
    /* 3 missing out of 20 expected. */
    assert_float_equal(app_ng_loss_percent(&g, now, 10000000), 15.0, 1e-9);
    AppNgSample w[64];
    unsigned n = app_ng_window(&g, now, 10000000, w, 64);
    unsigned lost_records = 0;
    for (unsigned i = 0; i < n; i++)
        if (w[i].kind == APP_NG_LOST) {
            lost_records++;
            assert_int_equal(w[i].missing, 3);
            assert_true(w[i].end_us > w[i].arrival_us); /* spans the gap */
        }
    assert_int_equal(lost_records, 1);
    /* Once the gap leaves the window, the loss is gone from the HUD's figure. */
    uint64_t later = now + 20000000;
    assert_float_equal(app_ng_loss_percent(&g, later, 3000000), 0.0, 1e-9);
}

static void test_late_and_dropped(void **state)
{
    (void)state;
    AppNetGraph g;
    app_ng_init(&g, 30);
    uint32_t tick = 100;
    for (int i = 0; i < 10; i++, tick += 2)
        app_ng_snapshot(&g, tick, 200, false, at(tick, 0));
    /* 20 ms behind: jitter, not late (less than one 33 ms interval). */
    app_ng_snapshot(&g, tick, 200, false, at(tick, 20.0));
    tick += 2;
    /* 50 ms behind: after the next one was due. */
    app_ng_snapshot(&g, tick, 200, false, at(tick, 50.0));
    assert_int_equal(g.late, 1);
    AppNgSample w[64];
    unsigned n = app_ng_window(&g, at(tick, 60.0), 10000000, w, 64);
    assert_int_equal(w[n - 1].kind, APP_NG_LATE);
    assert_float_equal(w[n - 1].late_ms, 50.0, 0.5);
    assert_int_equal(w[n - 2].kind, APP_NG_DELTA);
    assert_float_equal(w[n - 2].late_ms, 20.0, 0.5);
    /* A late one is still received: no loss. */
    assert_int_equal(g.lost, 0);
    /* An old tick arriving again is dropped, not received, and does not count as loss. */
    app_ng_snapshot(&g, tick - 4, 200, false, at(tick, 70.0));
    app_ng_dropped(&g, 150, at(tick, 75.0));
    assert_int_equal(g.dropped, 2);
    assert_int_equal(g.received, 12);
    assert_float_equal(app_ng_loss_percent(&g, at(tick, 80.0), 10000000), 0.0, 1e-9);
    n = app_ng_window(&g, at(tick, 80.0), 10000000, w, 64);
    assert_int_equal(w[n - 1].kind, APP_NG_DROPPED);
    assert_int_equal(w[n - 1].bytes, 150);
}

static void test_sixty_hertz_and_resync(void **state)
{
    (void)state;
    AppNetGraph g;
    app_ng_init(&g, 60);
    app_ng_snapshot(&g, 100, 100, true, T0);
    app_ng_snapshot(&g, 101, 100, false, T0 + 16667);
    app_ng_snapshot(&g, 103, 100, false, T0 + 50000); /* one missing at 60 Hz */
    assert_int_equal(g.lost, 1);
    /* A jump of thousands of ticks (the server resynchronised) is not thousands of losses. */
    app_ng_snapshot(&g, 103 + 5000, 100, false, T0 + 100000);
    assert_int_equal(g.lost, 1);
    /* An out-of-range rate falls back to 30 Hz. */
    app_ng_init(&g, 0);
    assert_float_equal(app_ng_interval_ms(&g), 1000.0 / 30.0, 1e-9);
    app_ng_init(&g, 500);
    assert_float_equal(app_ng_interval_ms(&g), 1000.0 / 30.0, 1e-9);
}

static void test_ring_keeps_the_newest(void **state)
{
    (void)state;
    AppNetGraph g;
    app_ng_init(&g, 30);
    uint32_t tick = 100;
    for (int i = 0; i < APP_NG_SAMPLES + 100; i++, tick += 2)
        app_ng_snapshot(&g, tick, (uint32_t)i, false, at(tick, 0));
    assert_int_equal(g.count, APP_NG_SAMPLES);
    AppNgSample w[APP_NG_SAMPLES];
    unsigned n = app_ng_window(&g, at(tick, 0), 100000000, w, APP_NG_SAMPLES);
    assert_int_equal(n, APP_NG_SAMPLES);
    assert_int_equal(w[n - 1].bytes, APP_NG_SAMPLES + 99);
    assert_int_equal(w[0].bytes, 100);
}

static void test_traffic_rates(void **state)
{
    (void)state;
    AppNetGraph g;
    app_ng_init(&g, 30);
    double in, out;
    assert_false(app_ng_kbits(&g, 1000000, &in, &out));
    uint64_t down = 0, up = 0;
    /* 1000 bytes down and 250 up every 10 ms: 800 kbit/s in, 200 kbit/s out. */
    for (int i = 0; i <= 300; i++) {
        app_ng_traffic(&g, T0 + (uint64_t)i * 10000, down, up);
        down += 1000;
        up += 250;
    }
    assert_true(app_ng_kbits(&g, 1000000, &in, &out));
    assert_float_equal(in, 800.0, 1.0);
    assert_float_equal(out, 200.0, 1.0);
    /* Samples are thinned to one per APP_NG_TRAFFIC_US. */
    assert_true(g.t_count <= 3000000 / APP_NG_TRAFFIC_US + 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_steady_stream),         cmocka_unit_test(test_gap_is_loss),
        cmocka_unit_test(test_late_and_dropped),      cmocka_unit_test(test_sixty_hertz_and_resync),
        cmocka_unit_test(test_ring_keeps_the_newest), cmocka_unit_test(test_traffic_rates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
