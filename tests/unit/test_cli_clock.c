/* test_cli_clock.c — the client tick clock against a simulated server and network.
 *
 * What a user would notice: inputs arriving after the server simulated their tick (the
 * server repeats old input: the player does not respond, prediction errors), a client that
 * runs far ahead (input lag), a tick sent twice with different inputs, or the clock jerking
 * instead of gliding when the network changes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "cli_clock.h"
#include "protocol.h"

/* Server tick t runs at server time t / 60 s; our local clock is the server's plus `skew_us`.
 * Snapshots leave after every other tick and take one_way_us (+ jitter) to arrive. Inputs
 * take one_way_us too. Counts inputs that arrive after their tick was simulated. */
typedef struct Net {
    double one_way_us;
    uint32_t jitter_us;
    uint32_t rng;
} Net;

typedef struct Result {
    unsigned late;   /* inputs that missed their tick */
    unsigned handed; /* ticks handed out */
    double max_lead; /* ticks between the server's tick at input arrival and the input's */
    double min_lead;
    double max_est_err; /* ticks between the server tick estimate and the truth */
} Result;

static uint64_t tick_time_us(uint32_t t)
{
    return (uint64_t)t * 1000000u / PROTO_TICK_HZ;
}

/* Runs [start_tick, start_tick + seconds) of server time; returns what happened to inputs
 * handed out after the first `warmup_s` seconds. */
static Result run(CliClock *c, Net *net, uint32_t start_tick, double seconds, double warmup_s,
                  int64_t skew_us, uint32_t *last_handed)
{
    Result r = {0, 0, -1e9, 1e9, 0.0};
    uint32_t end_tick = start_tick + (uint32_t)(seconds * PROTO_TICK_HZ);
    uint64_t warm_until = tick_time_us(start_tick) + (uint64_t)(warmup_s * 1e6);
    double rtt_ms = 2.0 * net->one_way_us / 1000.0;
    uint32_t next_snap = start_tick;
    /* Step the client's local clock in 4 ms frames (a client polls and renders). */
    for (uint64_t now_server = tick_time_us(start_tick); now_server < tick_time_us(end_tick);
         now_server += 4000) {
        /* Deliver the snapshots that have arrived by now. */
        while (true) {
            net->rng = net->rng * 1664525u + 1013904223u;
            uint64_t jitter = net->jitter_us ? (net->rng >> 8) % net->jitter_us : 0;
            uint64_t arrive = tick_time_us(next_snap) + (uint64_t)net->one_way_us + jitter;
            if (arrive > now_server)
                break;
            cli_clock_observe(c, next_snap, (uint64_t)((int64_t)arrive + skew_us), rtt_ms);
            next_snap += 2;
        }
        if (c->synced && now_server >= warm_until) {
            double truth = (double)now_server * PROTO_TICK_HZ / 1e6;
            double est = cli_clock_server_tick(c, (uint64_t)((int64_t)now_server + skew_us));
            if (fabs(est - truth) > r.max_est_err)
                r.max_est_err = fabs(est - truth);
        }
        uint32_t first = 0;
        uint64_t now_local = (uint64_t)((int64_t)now_server + skew_us);
        unsigned n = cli_clock_advance(c, now_local, rtt_ms, &first);
        assert_true(n <= CLI_CLOCK_MAX_BURST);
        for (unsigned i = 0; i < n; i++) {
            uint32_t t = first + i;
            /* Each tick once, strictly increasing. */
            assert_true(t > *last_handed);
            *last_handed = t;
            if (now_server < warm_until)
                continue;
            r.handed++;
            /* The input travels one way; the server simulates t at tick_time_us(t). */
            double arrive = (double)now_server + net->one_way_us;
            double server_tick_then = arrive * PROTO_TICK_HZ / 1e6;
            double lead = (double)t - server_tick_then;
            if (lead < r.min_lead)
                r.min_lead = lead;
            if (lead > r.max_lead)
                r.max_lead = lead;
            if (server_tick_then >= (double)t)
                r.late++;
        }
        if (c->synced && c->running) {
            assert_true(c->rate >= 1.0 - CLI_CLOCK_MAX_SKEW - 1e-9);
            assert_true(c->rate <= 1.0 + CLI_CLOCK_MAX_SKEW + 1e-9);
        }
    }
    return r;
}

static void test_nothing_before_sync(void **state)
{
    (void)state;
    CliClock c;
    cli_clock_init(&c);
    uint32_t first = 99;
    assert_int_equal(cli_clock_advance(&c, 1000000, 10.0, &first), 0);
    assert_int_equal(first, 0);
}

static void test_inputs_arrive_in_time(void **state)
{
    (void)state;
    static const double one_way_ms[] = {0.5, 10.0, 40.0, 100.0};
    for (size_t k = 0; k < sizeof one_way_ms / sizeof one_way_ms[0]; k++) {
        CliClock c;
        cli_clock_init(&c);
        Net net = {one_way_ms[k] * 1000.0, 0, 7};
        uint32_t last = 0;
        Result r = run(&c, &net, 600, 10.0, 2.0, 123456789, &last);
        assert_true(r.handed > 450); /* about 60 per second after warm-up */
        assert_int_equal(r.late, 0);
        /* Ahead by the margin, not much more: inputs wait at most ~3 ticks. */
        assert_true(r.min_lead > 0.5);
        assert_true(r.max_lead < CLI_CLOCK_MARGIN_MIN_TICKS + 1.5);
        assert_int_equal(c.resyncs, 0);
    }
}

static void test_jitter_and_rtt_change(void **state)
{
    (void)state;
    CliClock c;
    cli_clock_init(&c);
    Net net = {20000.0, 25000, 3}; /* 20 ms one way, snapshots up to 25 ms late */
    uint32_t last = 0;
    Result r = run(&c, &net, 100, 10.0, 2.0, 0, &last);
    assert_int_equal(r.late, 0);
    /* Late snapshots do not drag the estimate back: it follows the early ones (the mean
     * lateness here is 12.5 ms, 0.75 ticks). */
    assert_true(r.max_est_err < 0.5);
    /* The route gets 30 ms longer: the clock glides to the new lead (never jumps), and the
     * few inputs sent while it adjusts are the only late ones. */
    net.one_way_us = 50000.0;
    uint32_t before = last;
    Result r2 = run(&c, &net, 100 + 600, 10.0, 2.0, 0, &last);
    assert_true(last > before);
    assert_int_equal(r2.late, 0);
    assert_int_equal(c.resyncs, 0);
}

static int64_t ticks_us(uint32_t n)
{
    return (int64_t)tick_time_us(n);
}

static void test_resync_never_repeats_a_tick(void **state)
{
    (void)state;
    CliClock c;
    cli_clock_init(&c);
    Net net = {5000.0, 0, 5};
    uint32_t last = 0;
    (void)run(&c, &net, 1000, 3.0, 0.0, 0, &last); /* server ticks 1000..1180 */
    assert_int_equal(c.resyncs, 0);
    /* Our own clock goes on smoothly but the server is suddenly 200 ticks further on (we were
     * suspended): the estimate and the client tick jump forward instead of replaying 200
     * ticks in a burst. */
    uint32_t before = last;
    Result r = run(&c, &net, 1380, 3.0, 1.0, -ticks_us(200), &last);
    assert_true(c.resyncs >= 1);
    assert_true(last > before + 200);
    assert_true(c.skipped > 0);
    assert_int_equal(r.late, 0);
    /* Now our clock leaps 2 s ahead of the server's: the estimate falls 120 ticks back. No
     * tick is handed out twice (run() asserts it) and, once the clock has passed the ticks
     * already sent, ticks flow again. */
    before = last;
    unsigned resyncs = c.resyncs;
    r = run(&c, &net, 1560, 5.0, 3.0, -ticks_us(200) + ticks_us(120), &last);
    assert_true(c.resyncs > resyncs);
    assert_true(last > before + 60);
    assert_int_equal(r.late, 0);
}

static void test_next_due(void **state)
{
    (void)state;
    CliClock c;
    cli_clock_init(&c);
    cli_clock_observe(&c, 600, 10000000, 0.0);
    uint32_t first;
    assert_int_equal(cli_clock_advance(&c, 10000000, 0.0, &first), 1);
    uint64_t due = cli_clock_next_due_us(&c);
    assert_true(due > 10000000 && due <= 10000000 + 1000000 / PROTO_TICK_HZ + 2000);
    /* Just before due: nothing; at due: one tick, the next one. */
    assert_int_equal(cli_clock_advance(&c, due - 200, 0.0, &first), 0);
    assert_int_equal(cli_clock_advance(&c, due + 200, 0.0, &first), 1);
    assert_int_equal(first, c.last_tick);
}

/* The RTT the clock works with is the lowest over its window: a spike (ENet's estimate after a
 * 3 s stall) does not move it, a rise that lasts the whole window is adopted, and seconds
 * without samples are forgotten. */
static void test_rtt_window_ignores_a_stall(void **state)
{
    (void)state;
    CliClock c;
    cli_clock_init(&c);
    assert_true(cli_clock_rtt_ms(&c) == 0.0);
    uint64_t t = 5000000; /* any origin */
    for (int i = 0; i < 50; i++, t += 100000)
        cli_clock_rtt_sample(&c, t, 2.0);
    assert_true(cli_clock_rtt_ms(&c) == 2.0);
    /* After a stall ENet's estimate sits near 1500 ms and decays over seconds. */
    for (int i = 0; i < 80; i++, t += 100000)
        cli_clock_rtt_sample(&c, t, 1500.0 - 15.0 * i);
    assert_true(cli_clock_rtt_ms(&c) == 2.0);
    /* So the lead stays RTT/2 + margin of the real path, not of the stall. */
    cli_clock_observe(&c, 1000, t, cli_clock_rtt_ms(&c));
    double lead = cli_clock_target(&c, t, cli_clock_rtt_ms(&c)) - cli_clock_server_tick(&c, t);
    assert_true(fabs(lead - (CLI_CLOCK_MARGIN_MIN_TICKS + 2.0 * 60.0 / 2000.0)) < 1e-9);
    /* A path that really got slower: adopted once it has lasted the window. */
    for (int i = 0; i < (CLI_CLOCK_RTT_WINDOW_S + 1) * 10; i++, t += 100000)
        cli_clock_rtt_sample(&c, t, 80.0);
    assert_true(cli_clock_rtt_ms(&c) == 80.0);
    /* A long silence forgets everything; the next sample is the estimate. */
    t += 60u * 1000000u;
    cli_clock_rtt_sample(&c, t, 30.0);
    assert_true(cli_clock_rtt_ms(&c) == 30.0);
    /* No sample (ENet not connected: 0) changes nothing. */
    cli_clock_rtt_sample(&c, t + 1000, 0.0);
    assert_true(cli_clock_rtt_ms(&c) == 30.0);
}

/* ---- the adaptive lead: jitter and the server's feedback ---------------------------------- */

/* A path whose two directions differ (snap_us server -> client with up to snap_jitter_us
 * more, input_us client -> server): the client assumes RTT/2 each way, so it misjudges the
 * input's trip by the difference, which only the server's feedback can reveal. The server
 * reports, with each snapshot, the least lead (1/8 tick, floored) of the inputs that arrived
 * since its previous snapshot and how many came after their tick. */
typedef struct FbNet {
    double snap_us, input_us;
    double rtt_ms; /* what the clock is told: the true sum, or a stale or inflated one */
    uint32_t snap_jitter_us;
    uint32_t rng;
    bool feedback;  /* false: the reports are not passed to the clock */
    unsigned batch; /* an INPUT every this many ticks (0 or 1: every tick), with all since */
} FbNet;

typedef struct FbResult {
    unsigned late;     /* inputs after the first warmup_s that missed their tick */
    double min_report; /* least lead reported after warm-up, ticks */
    double max_report; /* greatest, ticks */
    double max_rate, min_rate;
    double last_report;
    double min_oldest; /* least lead of an INPUT's oldest tick after warm-up, ticks */
} FbResult;

enum { FB_INPUTS = 256 };

static FbResult run_fb(CliClock *c, FbNet *net, uint32_t start_tick, double seconds,
                       double warmup_s, uint32_t *last_handed)
{
    FbResult r = {0, 1e9, -1e9, 0.0, 2.0, 0.0, 1e9};
    /* Per INPUT sent: when it arrives and the lead of its newest tick (what the server
     * reports), and how many of its ticks missed their deadline. */
    uint64_t arrive_at[FB_INPUTS];
    double lead_of[FB_INPUTS];
    unsigned late_of[FB_INPUTS];
    unsigned ninputs = 0;
    unsigned batch = net->batch > 1 ? net->batch : 1;
    uint32_t sent_tick = *last_handed, pending_first = 0;
    uint32_t end_tick = start_tick + (uint32_t)(seconds * PROTO_TICK_HZ);
    uint64_t warm_until = tick_time_us(start_tick) + (uint64_t)(warmup_s * 1e6);
    double rtt_ms = net->rtt_ms;
    uint32_t next_snap = start_tick;
    uint64_t j = 0; /* the next snapshot's extra delay, drawn once per snapshot */
    for (uint64_t now = tick_time_us(start_tick); now < tick_time_us(end_tick); now += 4000) {
        while (true) {
            uint64_t sent = tick_time_us(next_snap);
            if (sent + (uint64_t)net->snap_us + j > now)
                break;
            /* The report: inputs that reached the server in (previous snapshot, this one]. */
            bool has = false;
            double least = 0.0;
            unsigned late = 0;
            for (unsigned i = 0; i < ninputs && i < FB_INPUTS; i++) {
                if (arrive_at[i] > sent || arrive_at[i] + tick_time_us(2) <= sent)
                    continue;
                least = has && least < lead_of[i] ? least : lead_of[i];
                has = true;
                late += late_of[i];
            }
            cli_clock_observe(c, next_snap, sent + (uint64_t)net->snap_us + j, rtt_ms);
            int eighths = (int)floor(least * 8.0);
            eighths = eighths < -1024 ? -1024 : eighths > 1023 ? 1023 : eighths;
            if (net->feedback)
                cli_clock_feedback(c, has, has ? eighths : 0, late);
            if (has && sent >= warm_until) {
                r.min_report = least < r.min_report ? least : r.min_report;
                r.max_report = least > r.max_report ? least : r.max_report;
                r.last_report = least;
            }
            next_snap += 2;
            net->rng = net->rng * 1664525u + 1013904223u;
            j = net->snap_jitter_us ? (net->rng >> 8) % net->snap_jitter_us : 0;
        }
        uint32_t first = 0;
        unsigned n = cli_clock_advance(c, now, rtt_ms, &first);
        for (unsigned i = 0; i < n; i++) {
            uint32_t t = first + i;
            assert_true(t > *last_handed); /* never a tick twice */
            *last_handed = t;
            if (pending_first == 0)
                pending_first = t;
        }
        if (n > 0 && *last_handed - sent_tick >= batch) {
            /* One INPUT with every tick since the last: each falls due at its own time. */
            uint64_t arrive = now + (uint64_t)net->input_us;
            unsigned late = 0;
            for (uint32_t t = pending_first; t <= *last_handed; t++) {
                double lead = ((double)tick_time_us(t) - (double)arrive) * PROTO_TICK_HZ / 1e6;
                late += lead < 0.0;
                if (t == pending_first && now >= warm_until && lead < r.min_oldest)
                    r.min_oldest = lead;
                if (t == *last_handed)
                    lead_of[ninputs % FB_INPUTS] = lead;
            }
            arrive_at[ninputs % FB_INPUTS] = arrive;
            late_of[ninputs % FB_INPUTS] = late;
            ninputs++;
            if (now >= warm_until)
                r.late += late;
            sent_tick = *last_handed;
            pending_first = 0;
        }
        if (c->running && now >= warm_until) {
            r.max_rate = c->rate > r.max_rate ? c->rate : r.max_rate;
            r.min_rate = c->rate < r.min_rate ? c->rate : r.min_rate;
        }
    }
    return r;
}

/* Snapshots arriving up to 60 ms late: the margin grows with the measured lateness (within
 * its bounds), the inputs stay in time, and once the path is calm again it shrinks back. */
static void test_jitter_grows_the_lead(void **state)
{
    (void)state;
    CliClock c;
    cli_clock_init(&c);
    FbNet net = {20000.0, 20000.0, 40.0, 0, 9, false, 1};
    uint32_t last = 0;
    FbResult calm = run_fb(&c, &net, 600, 5.0, 2.0, &last);
    double m0 = cli_clock_margin_ticks(&c);
    assert_true(fabs(m0 - CLI_CLOCK_MARGIN_MIN_TICKS) < 0.01);
    net.snap_jitter_us = 60000;
    FbResult rough = run_fb(&c, &net, 900, 5.0, 2.0, &last);
    double m1 = cli_clock_margin_ticks(&c);
    assert_true(m1 > m0 + 1.0);
    assert_true(m1 <= CLI_CLOCK_MARGIN_MAX_TICKS);
    /* The inputs did wait longer (the late snapshots also drag the estimate of the server's
     * tick back, which the margin more than makes up for): measured 1.80..1.92 ticks calm,
     * 1.96..2.68 rough. */
    assert_true(rough.max_report > calm.max_report + 0.5);
    assert_true(rough.min_report >= calm.min_report);
    net.snap_jitter_us = 0;
    (void)run_fb(&c, &net, 1200, 5.0, 2.0, &last);
    assert_true(cli_clock_margin_ticks(&c) < m0 + 0.2);
    /* A wildly late path is held at the bound. */
    net.snap_jitter_us = 1000000;
    (void)run_fb(&c, &net, 1500, 5.0, 2.0, &last);
    assert_true(cli_clock_jitter_margin_ticks(&c) <= CLI_CLOCK_MARGIN_MAX_TICKS);
}

/* A new connection's clock starts with the widest margin (it does not know the path yet) and
 * narrows it on a calm path, losing no input on the way. */
static void test_cautious_start_narrows(void **state)
{
    (void)state;
    CliClock c;
    cli_clock_init_cautious(&c);
    assert_true(fabs(cli_clock_jitter_margin_ticks(&c) - CLI_CLOCK_MARGIN_MAX_TICKS) < 1e-9);
    FbNet net = {20000.0, 20000.0, 40.0, 0, 9, false, 1};
    uint32_t last = 0;
    FbResult r = run_fb(&c, &net, 600, 6.0, 0.0, &last);
    assert_int_equal(r.late, 0);
    assert_true(cli_clock_margin_ticks(&c) < CLI_CLOCK_MARGIN_MIN_TICKS + 0.2);
    assert_int_equal(c.resyncs, 0);
}

/* Lost snapshots widen the margin: with 10 % of them missing, 5 ticks (an input then rides
 * five INPUTs before its tick: 1e-5 of them lost at 10 % loss). A stall's gap is not loss. */
static void test_loss_widens_the_margin(void **state)
{
    (void)state;
    CliClock c;
    cli_clock_init(&c);
    uint32_t t = 100;
    for (int i = 0; i < 2000; i++) {
        uint32_t next = t + ((i % 10) == 9 ? 4u : 2u); /* every tenth one lost */
        cli_clock_loss_observe(&c, t, next);
        t = next;
    }
    assert_int_equal(c.snap_period, 2);
    assert_true(c.loss > 0.07 && c.loss < 0.13);
    assert_true(fabs(cli_clock_loss_margin_ticks(&c) - 5.0) < 1e-9);
    assert_true(cli_clock_jitter_margin_ticks(&c) >= 5.0);
    for (int i = 0; i < 2000; i++, t += 2)
        cli_clock_loss_observe(&c, t, t + 2); /* a clean path again */
    assert_true(fabs(cli_clock_loss_margin_ticks(&c) - CLI_CLOCK_MARGIN_MIN_TICKS) < 1e-9);
    double before = c.loss;
    cli_clock_loss_observe(&c, t, t + 600); /* a 10 s stall */
    assert_true(c.loss == before);
}

/* With loss the server-measured lead must cover the loss margin (less 1.5 ticks), not just
 * 0.5: a 2-tick lead at 10 % loss grows the trim. And a report of "early by a lot" while our
 * clock is still slowing down to its target does not cut the trim. */
static void test_feedback_loss_and_slewing(void **state)
{
    (void)state;
    CliClock c;
    cli_clock_init(&c);
    c.loss = 0.10;                       /* asks for 5 ticks: the lead must reach 3.5 */
    cli_clock_feedback(&c, true, 16, 0); /* 2 ticks */
    assert_true(c.trim > 0.0);
    cli_clock_init(&c);
    c.ahead = 5.0;
    cli_clock_feedback(&c, true, 1023, 0);
    assert_true(c.trim == 0.0);
    c.ahead = 0.0;
    cli_clock_feedback(&c, true, 1023, 0);
    assert_true(c.trim < 0.0);
}

/* The inputs' path became 100 ms slower, but the RTT the clock uses is still the old 20 ms (the
 * lowest over its window, cli_clock.h): by RTT/2 the client thinks they have a 2-tick margin,
 * but they arrive 4 ticks after their tick. Without feedback they stay late; with it the
 * server says "late", the clock runs fast, and the reported buffer comes back to the target
 * and stays there. */
static void test_server_says_late(void **state)
{
    (void)state;
    uint32_t last = 0;
    CliClock blind;
    cli_clock_init(&blind);
    FbNet net = {10000.0, 110000.0, 20.0, 0, 4, false, 1};
    FbResult r = run_fb(&blind, &net, 600, 6.0, 4.0, &last);
    assert_true(r.late > 100); /* the failure the feedback exists for */

    CliClock c;
    cli_clock_init(&c);
    net.feedback = true;
    last = 0;
    FbResult early = run_fb(&c, &net, 600, 1.0, 0.5, &last);
    assert_true(early.min_report < 0.0); /* the server did say late */
    FbResult later = run_fb(&c, &net, 660, 8.0, 4.0, &last);
    assert_true(later.max_rate > 1.0 || c.trim > 2.0);
    assert_int_equal(later.late, 0);
    assert_true(later.min_report >= CLI_CLOCK_BUFFER_LOW_TICKS - 0.2);
    assert_true(later.max_report <
                cli_clock_jitter_margin_ticks(&c) + CLI_CLOCK_BUFFER_SLACK_TICKS + 0.5);
    assert_true(c.trim > 4.0 && c.trim < 8.0);
    assert_int_equal(c.resyncs, 0); /* dilated, never jumped */
}

/* The clock is told an RTT of 150 ms on a 20 ms path (an estimate inflated by a queue): the
 * inputs wait ~10 ticks at the server, input lag for nothing. The server says so and the
 * clock slows down until they wait no more than the margin plus the slack. */
static void test_server_says_early(void **state)
{
    (void)state;
    uint32_t last = 0;
    CliClock c;
    cli_clock_init(&c);
    FbNet net = {10000.0, 10000.0, 150.0, 0, 6, true, 1};
    FbResult early = run_fb(&c, &net, 600, 1.5, 1.0, &last);
    assert_true(early.max_report > 6.0);
    FbResult later = run_fb(&c, &net, 690, 10.0, 6.0, &last);
    assert_true(later.min_rate < 1.0 || c.trim < -2.0);
    assert_int_equal(later.late, 0);
    assert_true(later.max_report <=
                cli_clock_jitter_margin_ticks(&c) + CLI_CLOCK_BUFFER_SLACK_TICKS + 0.2);
    assert_true(later.min_report >= CLI_CLOCK_BUFFER_LOW_TICKS);
    assert_true(c.trim < -2.0);
    assert_int_equal(c.resyncs, 0);
}

/* A fresh clock told an INPUT every clock_batch ticks, on net (which sends one every
 * net->batch), from tick 600. */
static FbResult fresh_run(CliClock *c, FbNet *net, unsigned clock_batch, double seconds,
                          double warmup_s)
{
    uint32_t last = 0;
    cli_clock_init(c);
    cli_clock_set_batch(c, clock_batch);
    return run_fb(c, net, 600, seconds, warmup_s, &last);
}

/* INPUTs every other tick (WELCOME's input_hz 30): told the batch, the clock leads by one
 * tick more, so the older input of each INPUT has the lead an INPUT per tick has; the server's
 * report (the newer one's lead) is read one tick lower, so the trim does not undo it. Not told,
 * the older input arrives a tick closer to its deadline than the margin means. */
static void test_batched_inputs_keep_the_margin(void **state)
{
    (void)state;
    CliClock every, blind, c;
    FbNet net = {10000.0, 10000.0, 20.0, 0, 8, true, 1};
    FbResult one = fresh_run(&every, &net, 1, 8.0, 4.0);
    assert_int_equal(one.late, 0);

    net.batch = 2;
    FbResult b = fresh_run(&blind, &net, 1, 8.0, 4.0);
    assert_true(b.min_oldest < one.min_oldest - 0.7);

    FbResult told = fresh_run(&c, &net, 2, 8.0, 4.0);
    assert_int_equal(told.late, 0);
    assert_true(fabs(told.min_oldest - one.min_oldest) < 0.3);
    assert_true(told.min_report > one.min_report + 0.7); /* the newer input: a tick more */
    assert_true(fabs(c.trim - every.trim) < 0.3);
    assert_int_equal(c.resyncs, 0);

    /* An inflated RTT (150 ms told, 20 ms true): the server says early and the trim goes
     * negative, to the same place with or without the batch (it is read a tick lower). */
    FbNet early = {10000.0, 10000.0, 150.0, 0, 6, true, 1};
    one = fresh_run(&every, &early, 1, 12.0, 8.0);
    early.batch = 2;
    told = fresh_run(&c, &early, 2, 12.0, 8.0);
    assert_true(every.trim < -2.0);
    assert_true(fabs(c.trim - every.trim) < 0.3);
    assert_true(fabs(told.min_oldest - one.min_oldest) < 0.3);

    /* Loss counts INPUTs: at 9 %, five of them before a tick's deadline, two ticks apart. */
    cli_clock_init(&c);
    c.loss = 0.09;
    assert_true(fabs(cli_clock_loss_margin_ticks(&c) - 5.0) < 1e-9);
    cli_clock_set_batch(&c, 2);
    assert_true(fabs(cli_clock_loss_margin_ticks(&c) - 9.0) < 1e-9);
    assert_true(fabs(cli_clock_margin_ticks(&c) - (cli_clock_jitter_margin_ticks(&c) + 1.0)) <
                1e-9);
    cli_clock_set_batch(&c, 0); /* taken as 1 */
    assert_int_equal(c.batch, 1);
}

/* The trim is bounded and one report moves it at most one step, whatever it says. */
static void test_feedback_bounds(void **state)
{
    (void)state;
    CliClock c;
    cli_clock_init(&c);
    cli_clock_feedback(&c, true, -1024, 15);
    assert_true(fabs(c.trim - CLI_CLOCK_TRIM_STEP) < 1e-9);
    cli_clock_feedback(&c, true, 1023, 0);
    assert_true(fabs(c.trim) < 1e-9);
    for (int i = 0; i < 1000; i++)
        cli_clock_feedback(&c, true, 16, 3); /* a fine lead, but inputs late */
    assert_true(fabs(c.trim - CLI_CLOCK_TRIM_MAX) < 1e-9);
    assert_int_equal(c.late_total, 15 + 3000);
    double trim = c.trim;
    cli_clock_feedback(&c, false, 0, 15); /* nothing arrived: our silence, not lateness */
    assert_true(c.trim == trim);
    for (int i = 0; i < 1000; i++)
        cli_clock_feedback(&c, true, 1023, 0);
    assert_true(fabs(c.trim + CLI_CLOCK_TRIM_MAX) < 1e-9);
    cli_clock_observe(&c, 500, 1000000, 30.0);
    assert_true(cli_clock_margin_ticks(&c) < 0.0);
    assert_true(cli_clock_target(&c, 1000000, 30.0) == cli_clock_server_tick(&c, 1000000));
    /* Inside the band nothing moves. */
    cli_clock_init(&c);
    cli_clock_feedback(&c, true, 16, 0);
    assert_true(c.trim == 0.0);
    assert_true(c.lead_known && c.server_lead == 2.0);
}

/* Paused for 3 s, we read the 90 snapshots that queued up meanwhile all at once: they are not
 * taken for a late network (no jitter, no step back), the pause's ticks are skipped, not
 * replayed, and none is handed out twice. */
static void test_own_pause_reads_a_queue(void **state)
{
    (void)state;
    CliClock c;
    cli_clock_init(&c);
    FbNet net = {10000.0, 10000.0, 20.0, 0, 2, true, 1};
    uint32_t last = 0;
    (void)run_fb(&c, &net, 600, 3.0, 1.0, &last);
    double margin = cli_clock_margin_ticks(&c), offset = c.offset;
    uint64_t resume = tick_time_us(780 + 180) + 10000;
    for (uint32_t t = 780; t <= 960; t += 2)
        cli_clock_observe(&c, t, resume, 20.0);
    assert_true(c.jitter < 0.1);
    assert_true(fabs(cli_clock_margin_ticks(&c) - margin) < 0.1);
    assert_true(fabs(c.offset - offset) < 1.0);
    assert_int_equal(c.resyncs, 0);
    uint32_t first = 0, handed = last;
    unsigned n = cli_clock_advance(&c, resume, 20.0, &first);
    assert_true(n == CLI_CLOCK_MAX_BURST && first > handed);
    assert_true(c.skipped > 100);
    last = first + n - 1;
    FbResult r = run_fb(&c, &net, 962, 3.0, 1.0, &last);
    assert_int_equal(r.late, 0);
    /* But a server whose ticks really fell back (it restarted its clock) is followed once
     * that has lasted CLI_CLOCK_BEHIND_US. */
    uint64_t now = tick_time_us(1200);
    for (unsigned i = 0; i < 40; i++, now += 33334)
        cli_clock_observe(&c, 100 + 2 * i, now, 20.0);
    assert_int_equal(c.resyncs, 1);
    assert_true(fabs(cli_clock_server_tick(&c, now) - (100 + 80)) < 3.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nothing_before_sync),
        cmocka_unit_test(test_jitter_grows_the_lead),
        cmocka_unit_test(test_cautious_start_narrows),
        cmocka_unit_test(test_loss_widens_the_margin),
        cmocka_unit_test(test_feedback_loss_and_slewing),
        cmocka_unit_test(test_server_says_late),
        cmocka_unit_test(test_server_says_early),
        cmocka_unit_test(test_batched_inputs_keep_the_margin),
        cmocka_unit_test(test_feedback_bounds),
        cmocka_unit_test(test_own_pause_reads_a_queue),
        cmocka_unit_test(test_inputs_arrive_in_time),
        cmocka_unit_test(test_jitter_and_rtt_change),
        cmocka_unit_test(test_resync_never_repeats_a_tick),
        cmocka_unit_test(test_next_due),
        cmocka_unit_test(test_rtt_window_ignores_a_stall),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
