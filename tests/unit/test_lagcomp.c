/* test_lagcomp.c — lag compensation (shared/lagcomp.h and sim_step_lagcomp): the history ring
 * and the rewind (exact ticks, sixteenths interpolated, clamped at the oldest tick, the alive
 * and same-life rules, the ring wrapping, a skip starting over), a rewound hit in the real
 * step, lag compensation off giving exactly the old world, and the scenario: a
 * shooter seeing strafing targets through a 150 ms RTT client's view lag, with and without
 * lag compensation, on the same seeded run. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lagcomp.h"
#include "sim.h"

enum {
    T = MAP_TILE_UNITS * SIM_FP_ONE, /* Q8 per tile */
    RING = 13,                       /* lc_ring_ticks(lc_max_lag(200)) */
};

static Map g_open, g_range;
static SimWorld g_w;
static SimInput g_in[PROTO_MAX_PLAYERS];
static uint16_t g_lags[PROTO_MAX_PLAYERS];
static LcSample g_samples[64 * PROTO_MAX_PLAYERS];
static LcHistory g_h;

static const char k_open[] = "arena-map 1\nname = open\ngrid\n"
                             "####################\n"
                             "#..................#\n"
                             "#..................#\n"
                             "#..................#\n"
                             "#.........S........#\n"
                             "#..................#\n"
                             "#..................#\n"
                             "#..................#\n"
                             "####################\n"
                             "end\n";
/* The scenario's range: open floor, spawns only on the right (targets respawn there), tall
 * enough that strafing targets seldom meet a wall. */
static const char k_range[] = "arena-map 1\nname = range\ngrid\n"
                              "########################\n"
                              "#......................#\n"
                              "#......................#\n"
                              "#......................#\n"
                              "#......................#\n"
                              "#......................#\n"
                              "#......................#\n"
                              "#...............S......#\n"
                              "#......................#\n"
                              "#......................#\n"
                              "#......................#\n"
                              "#......................#\n"
                              "#......................#\n"
                              "#...............S......#\n"
                              "#......................#\n"
                              "#......................#\n"
                              "#......................#\n"
                              "#......................#\n"
                              "#......................#\n"
                              "#...............S......#\n"
                              "#......................#\n"
                              "#......................#\n"
                              "#......................#\n"
                              "#......................#\n"
                              "#......................#\n"
                              "#......................#\n"
                              "#......................#\n"
                              "########################\n"
                              "end\n";

static void load_text(Map *m, const char *text)
{
    MapError err;
    if (!map_load(m, text, strlen(text), &err)) {
        print_error("map: line %d, col %d: %s\n", err.line, err.col, err.msg);
        fail();
    }
}

static int setup(void **state)
{
    (void)state;
    load_text(&g_open, k_open);
    load_text(&g_range, k_range);
    return 0;
}

/* ---- the history and the rewind ------------------------------------------------------- */

/* Player 3 alive at x = 1000 + 256 * tick (one unit a tick east), y = 5000, for ticks
 * from..to, recorded into a ring of `ticks`. */
static void record_line(unsigned ticks, uint32_t from, uint32_t to)
{
    lc_init(&g_h, g_samples, ticks);
    memset(&g_w, 0, sizeof g_w);
    g_w.players[3].active = true;
    g_w.players[3].alive = true;
    for (uint32_t t = from; t <= to; t++) {
        g_w.players[3].x = 1000 + 256 * (int32_t)t;
        g_w.players[3].y = 5000;
        lc_record(&g_h, &g_w, t);
    }
}

static void test_cap_units(void **state)
{
    (void)state;
    assert_int_equal(lc_max_lag(200), 192); /* 12 ticks */
    assert_int_equal(lc_ring_ticks(192), RING);
    assert_int_equal(lc_max_lag(0), 0);
    assert_int_equal(lc_max_lag(LC_MAX_MS_LIMIT), 960);
    assert_int_equal(lc_ring_ticks(200), 14); /* 12.5 ticks: both ticks around it */
    /* How far a player can have moved: whole ticks, rounded up. */
    assert_int_equal(lc_max_drift(0), 0);
    assert_int_equal(lc_max_drift(192), 12 * SIM_MAX_SPEED);
    assert_int_equal(lc_max_drift(193), 13 * SIM_MAX_SPEED);
    bool clamped;
    assert_int_equal(lc_clamp_lag(300, 192, &clamped), 192);
    assert_true(clamped);
    assert_int_equal(lc_clamp_lag(192, 192, &clamped), 192);
    assert_false(clamped);
    assert_int_equal(lc_clamp_lag(LC_VIEW_LAG_MAX, 0, &clamped), 0); /* off: every lag is 0 */
    assert_true(clamped);
}

static void test_rewind_exact_and_interpolated(void **state)
{
    (void)state;
    record_line(RING, 1, 20);
    int32_t x = 0, y = 0;
    assert_true(lc_rewind(&g_h, 3, 20, 0, &x, &y));
    assert_int_equal(x, 1000 + 256 * 20);
    assert_int_equal(y, 5000);
    assert_true(lc_rewind(&g_h, 3, 20, 5 * LC_SUBTICKS, &x, &y));
    assert_int_equal(x, 1000 + 256 * 15);
    /* 4.25 ticks back: a quarter of the way from tick 15 to tick 16. */
    assert_true(lc_rewind(&g_h, 3, 20, 4 * LC_SUBTICKS + 12, &x, &y));
    assert_int_equal(x, 1000 + 256 * 15 + 64);
    /* Moving west, the fraction rounds toward zero as well (no right shift of negatives). */
    lc_init(&g_h, g_samples, RING);
    g_w.players[3].x = 1003;
    lc_record(&g_h, &g_w, 1);
    g_w.players[3].x = 1000;
    lc_record(&g_h, &g_w, 2);
    assert_true(lc_rewind(&g_h, 3, 2, 8, &x, &y)); /* half way: 1003 - 1.5 -> 1003 - 1 */
    assert_int_equal(x, 1002);
    /* Only the newest tick is "now". */
    assert_false(lc_rewind(&g_h, 3, 3, 0, &x, &y));
}

static void test_rewind_clamped_and_ring_wraps(void **state)
{
    (void)state;
    /* 100 ticks through a ring of 13: the last 13 are kept, the oldest is tick 88. */
    record_line(RING, 1, 100);
    assert_int_equal(g_h.count, RING);
    int32_t x = 0, y = 0;
    assert_true(lc_rewind(&g_h, 3, 100, 12 * LC_SUBTICKS, &x, &y));
    assert_int_equal(x, 1000 + 256 * 88);
    /* Past the oldest tick: stops there (never reads a slot overwritten by a newer tick). */
    assert_true(lc_rewind(&g_h, 3, 100, 12 * LC_SUBTICKS + 7, &x, &y));
    assert_int_equal(x, 1000 + 256 * 88);
    assert_true(lc_rewind(&g_h, 3, 100, LC_VIEW_LAG_MAX, &x, &y));
    assert_int_equal(x, 1000 + 256 * 88);
    /* A short history (just started) clamps the same way. */
    record_line(RING, 1, 3);
    assert_true(lc_rewind(&g_h, 3, 3, 10 * LC_SUBTICKS, &x, &y));
    assert_int_equal(x, 1000 + 256 * 1);
    /* A tick that does not follow (the server skipped ticks after a stall) starts over. */
    record_line(RING, 1, 30);
    g_w.players[3].x = 77;
    lc_record(&g_h, &g_w, 40);
    assert_int_equal(g_h.count, 1);
    assert_true(lc_rewind(&g_h, 3, 40, 5 * LC_SUBTICKS, &x, &y));
    assert_int_equal(x, 77);
}

static void test_rewind_alive_rules(void **state)
{
    (void)state;
    int32_t x = 0, y = 0;
    /* Dead now: never hittable, whatever the past. */
    record_line(RING, 1, 10);
    g_w.players[3].alive = false;
    lc_record(&g_h, &g_w, 11);
    assert_false(lc_rewind(&g_h, 3, 11, 3 * LC_SUBTICKS, &x, &y));
    assert_false(lc_rewind(&g_h, 3, 11, 0, &x, &y));
    /* Dead at the rewound time, alive now (respawned): not hittable there. */
    for (uint32_t t = 12; t <= 14; t++)
        lc_record(&g_h, &g_w, t);
    g_w.players[3].alive = true;
    for (uint32_t t = 15; t <= 20; t++)
        lc_record(&g_h, &g_w, t);
    assert_false(lc_rewind(&g_h, 3, 20, 7 * LC_SUBTICKS, &x, &y));
    assert_true(lc_rewind(&g_h, 3, 20, 5 * LC_SUBTICKS, &x, &y)); /* tick 15: this life */
    /* Between a dead tick and the first alive one: both must be this life. */
    assert_false(lc_rewind(&g_h, 3, 20, 5 * LC_SUBTICKS + 8, &x, &y));
    /* Alive then and now but a different life (died and respawned in between). */
    assert_false(lc_rewind(&g_h, 3, 20, 10 * LC_SUBTICKS, &x, &y));
    /* A new player in the slot: the old occupant's samples are forgotten. */
    record_line(RING, 1, 10);
    lc_forget_player(&g_h, 3);
    lc_record(&g_h, &g_w, 11);
    assert_false(lc_rewind(&g_h, 3, 11, 2 * LC_SUBTICKS, &x, &y));
    assert_true(lc_rewind(&g_h, 3, 11, 0, &x, &y));
    /* Never in the arena. */
    assert_false(lc_rewind(&g_h, 4, 11, 0, &x, &y));
}

/* ---- the step ------------------------------------------------------------------------- */

/* Shooter 0 fires east at the row of victim 1, who then walks south out of the line of fire:
 * the shot meets it only where it was `lag` before. Returns whether it hit. */
static bool rewound_shot(uint16_t lag, bool with_history)
{
    sim_init(&g_w, &g_open);
    assert_true(sim_add_player(&g_w, 0));
    assert_true(sim_add_player(&g_w, 1));
    g_w.players[0].x = 3 * T;
    g_w.players[0].y = 2 * T;
    g_w.players[1].x = 9 * T;
    g_w.players[1].y = 2 * T;
    g_w.players[1].protect = 0; /* past its spawn protection */
    lc_init(&g_h, g_samples, 64);
    memset(g_in, 0, sizeof g_in);
    memset(g_lags, 0, sizeof g_lags);
    SimLagComp lc = {.history = &g_h, .view_lag = g_lags};
    bool hit = false;
    for (int t = 0; t < 40 && !hit; t++) {
        /* The shot goes at tick 10, when the victim starts walking south out of its way. */
        g_in[1].buttons = t >= 10 ? SIM_BTN_DOWN : 0;
        g_in[0].buttons = t == 10 ? SIM_BTN_FIRE : 0;
        g_in[0].aim = 0;
        g_lags[0] = lag;
        sim_step_lagcomp(&g_w, g_in, with_history ? &lc : NULL);
        for (unsigned i = 0; i < g_w.event_count; i++)
            hit = hit || (g_w.events[i].type == SIM_EV_HIT && g_w.events[i].a == 0);
    }
    return hit;
}

static void test_step_rewinds_victims(void **state)
{
    (void)state;
    assert_false(rewound_shot(0, true));                    /* the present: it walked away */
    assert_false(rewound_shot(11 * LC_SUBTICKS, false));    /* no history: the present */
    assert_true(rewound_shot(11 * LC_SUBTICKS, true));      /* where the shooter saw it */
    assert_false(rewound_shot(11 * LC_SUBTICKS / 8, true)); /* too little: it had moved */
}

/* A seeded brawl (8 players firing at random) and its final hash. */
static uint64_t brawl(const SimLagComp *lc, uint16_t lag, unsigned *hits)
{
    uint32_t rng = 2024u;
    sim_init(&g_w, &g_open);
    for (unsigned s = 0; s < 8; s++)
        assert_true(sim_add_player(&g_w, s * 7));
    memset(g_in, 0, sizeof g_in);
    for (unsigned i = 0; i < PROTO_MAX_PLAYERS; i++)
        g_lags[i] = lag;
    *hits = 0;
    for (int t = 0; t < 900; t++) {
        for (unsigned s = 0; s < 8; s++) {
            rng ^= rng << 13;
            rng ^= rng >> 17;
            rng ^= rng << 5;
            if (rng % 20 == 0)
                g_in[s * 7] =
                    (SimInput){(uint8_t)((rng >> 8) & SIM_BTN_MASK), (uint16_t)(rng >> 16)};
        }
        sim_step_lagcomp(&g_w, g_in, lc);
        for (unsigned i = 0; i < g_w.event_count; i++)
            *hits += g_w.events[i].type == SIM_EV_HIT;
    }
    return sim_hash(&g_w);
}

/* lagcomp_max_ms = 0 (no history: the server calls sim_step) and a history with every lag 0
 * (a cap of 0 clamps every lag to 0) give the old world exactly. */
static void test_off_is_the_old_behaviour(void **state)
{
    (void)state;
    unsigned hits_old, hits_off, hits_zero, hits_on;
    uint64_t old = brawl(NULL, 0, &hits_old);
    uint64_t off = brawl(NULL, 150, &hits_off); /* lags given, no history: ignored */
    lc_init(&g_h, g_samples, RING);
    SimLagComp lc = {.history = &g_h, .view_lag = g_lags};
    uint64_t zero = brawl(&lc, 0, &hits_zero);
    lc_init(&g_h, g_samples, RING);
    uint64_t on = brawl(&lc, 150, &hits_on);
    assert_true(hits_old >= 5);
    assert_true(off == old && hits_off == hits_old);
    assert_true(zero == old && hits_zero == hits_old);
    assert_true(on != old); /* and the lag does something */
}

/* ---- the scenario ------------------------------------------------------------- */

#ifndef SC_SEED
#define SC_SEED 0x5EEDu
#endif

enum {
    SC_TARGETS = 3,
    SC_TICKS = 3600, /* one minute */
    SC_PAST = 64,    /* ticks of world the shooter's view can reach back */
    SC_SNAP_EVERY = 2,
    /* A 150 ms RTT client at 30 Hz (docs/protocol.md §7.3, cli_interp.h): inputs lead the
     * server by RTT/2 + 2 ticks, snapshots arrive RTT/2 late and are drawn two snapshot
     * intervals behind: it sees the others 4.5 + 2 + 4.5 + 4 = 15 ticks (250 ms) before the
     * tick its input is applied at, 14 ticks behind the state that tick's step starts from:
     * that is its view lag (233 ms, over the default cap of 200). */
    SC_VIEW_LAG = 14 * LC_SUBTICKS,
};

typedef struct Seen {
    bool alive;
    double x, y, vx, vy; /* world units, units per tick */
} Seen;

typedef struct Scenario {
    SimPlayer past[SC_PAST][SC_TARGETS + 1]; /* the world after each tick, by tick % SC_PAST */
    uint32_t rng;
    int hold[SC_TARGETS + 1];
    unsigned shots, hits, clamped;
} Scenario;

static Scenario g_sc;

static uint32_t sc_rng(void)
{
    uint32_t x = g_sc.rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return g_sc.rng = x;
}

/* What the client draws of player i at render tick rt: the snapshots (every 2nd tick)
 * around it, interpolated; dead if either is. */
static Seen seen_at(unsigned i, double rt)
{
    uint32_t a = (uint32_t)floor(rt / SC_SNAP_EVERY) * SC_SNAP_EVERY, b = a + SC_SNAP_EVERY;
    const SimPlayer *pa = &g_sc.past[a % SC_PAST][i], *pb = &g_sc.past[b % SC_PAST][i];
    double f = (rt - a) / SC_SNAP_EVERY;
    Seen s = {pa->alive && pb->alive, 0, 0, 0, 0};
    s.x = (pa->x + (pb->x - pa->x) * f) / SIM_FP_ONE;
    s.y = (pa->y + (pb->y - pa->y) * f) / SIM_FP_ONE;
    s.vx = (pa->vx + (pb->vx - pa->vx) * f) / SIM_FP_ONE;
    s.vy = (pa->vy + (pb->vy - pa->vy) * f) / SIM_FP_ONE;
    return s;
}

/* A perfect network: the world as the last step left it. */
static Seen seen_now(unsigned i, uint32_t tick)
{
    const SimPlayer *p = &g_sc.past[tick % SC_PAST][i];
    double u = SIM_FP_ONE;
    return (Seen){p->alive, p->x / u, p->y / u, p->vx / u, p->vy / u};
}

/* Aim that leads a target seen at (x, y) moving (vx, vy) per tick, for a shot that starts 16
 * units out and flies SIM_SHOT_SPEED: the smallest t with |p + v t - s| = 16 + 12 t. */
static uint16_t lead_aim(double sx, double sy, const Seen *t)
{
    double px = t->x - sx, py = t->y - sy, sp = (double)SIM_SHOT_SPEED / SIM_FP_ONE;
    double a = t->vx * t->vx + t->vy * t->vy - sp * sp;
    double b = 2 * (px * t->vx + py * t->vy) - 2 * 16 * sp;
    double c = px * px + py * py - 16 * 16;
    double d = b * b - 4 * a * c, tt = 0;
    if (d >= 0)
        tt = (-b - sqrt(d)) / (2 * a); /* a < 0: targets are slower than shots */
    if (tt < 0)
        tt = 0;
    double ang = atan2(py + t->vy * tt, px + t->vx * tt);
    long steps = lround(ang * SIM_ANGLE_STEPS / (2 * 3.14159265358979323846));
    return (uint16_t)((steps % SIM_ANGLE_STEPS + SIM_ANGLE_STEPS) % SIM_ANGLE_STEPS);
}

/* Targets 1..3 strafe north and south, never standing: each turns after a seeded 30..89
 * ticks, or at once when a wall stops it. */
static void sc_targets(void)
{
    for (unsigned i = 1; i <= SC_TARGETS; i++) {
        const SimPlayer *p = &g_w.players[i];
        bool stopped = g_in[i].buttons != 0 && p->vy == 0;
        if (g_sc.hold[i]-- <= 0 || stopped) {
            if (g_in[i].buttons == 0)
                g_in[i].buttons = sc_rng() % 2 ? SIM_BTN_UP : SIM_BTN_DOWN;
            else
                g_in[i].buttons = g_in[i].buttons == SIM_BTN_UP ? SIM_BTN_DOWN : SIM_BTN_UP;
            g_sc.hold[i] = 30 + (int)(sc_rng() % 60);
        }
    }
}

/* The shooter (player 0, standing at the left) fires whenever it may at the nearest target
 * it sees alive, leading it from what it sees: the world view_lag / 16 ticks before the
 * state its input's step starts from (view lag 0: that state itself, a perfect network).
 * cap_ms < 0: no lag compensation. */
static void run_scenario(int cap_ms, uint16_t view_lag)
{
    memset(&g_sc, 0, sizeof g_sc);
    g_sc.rng = SC_SEED;
    sim_init(&g_w, &g_range);
    assert_true(sim_add_player(&g_w, 0));
    g_w.players[0].x = 10 * T + T / 2;
    g_w.players[0].y = 13 * T + T / 2;
    for (unsigned i = 1; i <= SC_TARGETS; i++)
        assert_true(sim_add_player(&g_w, i)); /* one on each spawn, 6 tiles east */
    memset(g_in, 0, sizeof g_in);
    memset(g_lags, 0, sizeof g_lags);
    uint16_t cap = cap_ms > 0 ? lc_max_lag((unsigned)cap_ms) : 0;
    if (cap_ms > 0)
        lc_init(&g_h, g_samples, lc_ring_ticks(cap));
    SimLagComp lc = {.history = &g_h, .view_lag = g_lags};
    double behind = 1.0 + (double)view_lag / LC_SUBTICKS; /* render tick behind the input's */
    for (uint32_t tick = 1; tick <= SC_TICKS; tick++) {
        sc_targets();
        g_in[0].buttons = 0;
        double rt = (double)tick - behind, best = 1e9;
        double sx = g_w.players[0].x / (double)SIM_FP_ONE,
               sy = g_w.players[0].y / (double)SIM_FP_ONE;
        for (unsigned i = 1; i <= SC_TARGETS && rt >= SC_SNAP_EVERY; i++) {
            Seen s = view_lag > 0 ? seen_at(i, rt) : seen_now(i, (uint32_t)rt);
            double d = hypot(s.x - sx, s.y - sy);
            if (s.alive && d < best) {
                best = d;
                g_in[0].buttons = SIM_BTN_FIRE;
                g_in[0].aim = lead_aim(sx, sy, &s);
            }
        }
        /* What the server does with the INPUT's view lag: clamp it to the cap, count it. */
        bool clamped;
        g_lags[0] = lc_clamp_lag(view_lag, cap, &clamped);
        g_sc.clamped += clamped && cap > 0;
        sim_step_lagcomp(&g_w, g_in, cap_ms > 0 ? &lc : NULL);
        g_sc.shots += g_w.players[0].fired;
        for (unsigned e = 0; e < g_w.event_count; e++)
            g_sc.hits += g_w.events[e].type == SIM_EV_HIT && g_w.events[e].a == 0;
        memcpy(g_sc.past[tick % SC_PAST], g_w.players, sizeof g_sc.past[0]);
    }
}

static void test_scenario_hit_rates(void **state)
{
    (void)state;
    run_scenario(-1, 0); /* the same shooter on a perfect network: the best it can do */
    unsigned shots0 = g_sc.shots, hits0 = g_sc.hits;
    run_scenario(-1, SC_VIEW_LAG);
    unsigned shots_off = g_sc.shots, hits_off = g_sc.hits;
    run_scenario(300, SC_VIEW_LAG); /* a cap above the view lag: fully compensated */
    unsigned shots_full = g_sc.shots, hits_full = g_sc.hits, clamped_full = g_sc.clamped;
    run_scenario(200, SC_VIEW_LAG); /* the default cap: 233 ms clamped to 200 */
    unsigned shots_cap = g_sc.shots, hits_cap = g_sc.hits, clamped_cap = g_sc.clamped;
    print_message("lagcomp scenario, 150 ms RTT (view lag 233 ms), %u s:\n", SC_TICKS / 60);
    print_message("  no lag:            %u/%u hits (%.0f%%)\n", hits0, shots0,
                  100.0 * hits0 / shots0);
    print_message("  lagcomp off:       %u/%u hits (%.0f%%)\n", hits_off, shots_off,
                  100.0 * hits_off / shots_off);
    print_message("  lagcomp cap 300ms: %u/%u hits (%.0f%%)\n", hits_full, shots_full,
                  100.0 * hits_full / shots_full);
    print_message("  lagcomp cap 200ms: %u/%u hits (%.0f%%), %u inputs clamped\n", hits_cap,
                  shots_cap, 100.0 * hits_cap / shots_cap, clamped_cap);
    assert_true(shots_off >= 150 && shots_full >= 150 && shots_cap >= 150);
    double r0 = (double)hits0 / shots0, r_off = (double)hits_off / shots_off;
    double r_full = (double)hits_full / shots_full, r_cap = (double)hits_cap / shots_cap;
    /* Fully compensated, the shooter hits nearly as if there were no lag (it still sees a
     * death 250 ms late and spends a shot on it)... */
    assert_true(r_full >= 0.8 * r0);
    /* ... and far more than without: twice the rate at least (3.2 times on this seed; 2.4 to
     * 3.2 on the four others tried, -DSC_SEED=). */
    assert_true(r_full >= 2.0 * r_off);
    /* The default cap cuts every one of these inputs' 233 ms to 200 ms (counted) and still
     * beats no compensation clearly. */
    assert_int_equal(clamped_full, 0);
    assert_int_equal(clamped_cap, SC_TICKS);
    assert_true(r_cap >= 2.0 * r_off);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cap_units),
        cmocka_unit_test(test_rewind_exact_and_interpolated),
        cmocka_unit_test(test_rewind_clamped_and_ring_wraps),
        cmocka_unit_test(test_rewind_alive_rules),
        cmocka_unit_test(test_step_rewinds_victims),
        cmocka_unit_test(test_off_is_the_old_behaviour),
        cmocka_unit_test(test_scenario_hit_rates),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
