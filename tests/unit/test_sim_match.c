/* test_sim_match.c — health, damage, spawn protection, per-player stats and the match cycle
 * (warm-up, running, ended, next match) of the deterministic simulation. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "sim_internal.h"

enum { T = MAP_TILE_UNITS * SIM_FP_ONE };

static Map g_lane;
static SimWorld g_w;
static SimInput g_in[PROTO_MAX_PLAYERS];

/* A shooting lane: spawn 0 on the left, spawn 1 seven tiles to the right. */
static const char k_lane[] = "arena-map 1\nname = lane\ngrid\n"
                             "##########\n"
                             "#S......S#\n"
                             "##########\n"
                             "end\n";

static int setup(void **state)
{
    (void)state;
    MapError err;
    return map_load(&g_lane, k_lane, sizeof k_lane - 1, &err) ? 0 : -1;
}

static bool has_event(const SimWorld *w, SimEventType type, unsigned a, unsigned b)
{
    for (unsigned i = 0; i < w->event_count; i++) {
        const SimEvent *e = &w->events[i];
        if (e->type == type && e->a == a && e->b == b)
            return true;
    }
    return false;
}

static const SimEvent *find_event(const SimWorld *w, SimEventType type)
{
    for (unsigned i = 0; i < w->event_count; i++)
        if (w->events[i].type == type)
            return &w->events[i];
    return NULL;
}

/* Two players in the lane, player 0 firing east at player 1 (who stands still) every time it
 * can, for up to `ticks` ticks or until `until` happens. Returns the ticks stepped. */
static int shoot_until(SimEventType until, int ticks)
{
    memset(g_in, 0, sizeof g_in);
    g_in[0].buttons = SIM_BTN_FIRE;
    g_in[0].aim = 0;
    for (int t = 1; t <= ticks; t++) {
        sim_step(&g_w, g_in);
        if (find_event(&g_w, until) != NULL)
            return t;
    }
    return ticks + 1;
}

static void two_players(void)
{
    sim_init(&g_w, &g_lane);
    assert_true(sim_add_player(&g_w, 0));
    assert_true(sim_add_player(&g_w, 1));
    assert_int_equal(g_w.players[1].health, SIM_MAX_HEALTH);
    assert_int_equal(g_w.players[1].protect, SIM_PROTECT_TICKS);
    g_w.players[1].protect = 0;
}

static void test_three_hits_kill(void **state)
{
    (void)state;
    two_players();
    uint8_t left[] = {SIM_MAX_HEALTH - SIM_SHOT_DAMAGE, SIM_MAX_HEALTH - 2 * SIM_SHOT_DAMAGE, 0};
    for (unsigned k = 0; k < 3; k++) {
        assert_true(shoot_until(SIM_EV_HIT, 200) <= 200);
        const SimEvent *e = find_event(&g_w, SIM_EV_HIT);
        assert_int_equal(e->a, 0);
        assert_int_equal(e->b, 1);
        assert_int_equal(e->c, left[k]);
        assert_int_equal(g_w.players[1].health, left[k]);
        assert_int_equal(g_w.players[1].alive, k < 2);
    }
    assert_true(has_event(&g_w, SIM_EV_KILL, 0, 1));
    assert_true(has_event(&g_w, SIM_EV_DEATH, 1, 0));
    assert_int_equal(g_w.players[0].score, 1);
    assert_int_equal(g_w.players[0].hits, 3);
    assert_true(g_w.players[0].shots >= 3);
    assert_int_equal(g_w.players[1].deaths, 1);
    assert_int_equal(g_w.players[1].respawn, SIM_RESPAWN_TICKS);
    /* Back after the respawn delay with full health and spawn protection. */
    memset(g_in, 0, sizeof g_in);
    for (int t = 0; t < SIM_RESPAWN_TICKS; t++)
        sim_step(&g_w, g_in);
    assert_true(g_w.players[1].alive);
    assert_true(has_event(&g_w, SIM_EV_SPAWN, 1, 0));
    assert_int_equal(g_w.players[1].health, SIM_MAX_HEALTH);
    assert_int_equal(g_w.players[1].protect, SIM_PROTECT_TICKS);
}

static void test_spawn_protection(void **state)
{
    (void)state;
    two_players();
    g_w.players[1].protect = SIM_PROTECT_TICKS;
    /* Shots reach player 1 within a few ticks, but it takes nothing while protected. */
    assert_true(shoot_until(SIM_EV_HIT, SIM_PROTECT_TICKS - 2) > SIM_PROTECT_TICKS - 2);
    assert_int_equal(g_w.players[1].health, SIM_MAX_HEALTH);
    assert_int_equal(g_w.players[0].hits, 0);
    /* Protection runs out by itself... */
    assert_true(shoot_until(SIM_EV_HIT, 60) <= 60);
    assert_int_equal(g_w.players[1].protect, 0);
    /* ...and ends at once when the protected player fires. */
    g_w.players[0].protect = 50;
    g_w.players[0].cooldown = 0;
    sim_step(&g_w, g_in);
    assert_true(g_w.players[0].fired);
    assert_int_equal(g_w.players[0].protect, 0);
}

static void test_match_cycle(void **state)
{
    (void)state;
    two_players();
    SimMatchConfig cfg = {.score_limit = 0, .time_ticks = 300, .warmup_ticks = 20, .end_ticks = 40};
    sim_match_configure(&g_w, &cfg);
    assert_int_equal(g_w.match.phase, SIM_PHASE_WARMUP);
    g_w.players[0].score = 9; /* warm-up kills count for nothing */
    memset(g_in, 0, sizeof g_in);
    int t = 0;
    while (find_event(&g_w, SIM_EV_MATCH_START) == NULL && t < 100) {
        sim_step(&g_w, g_in);
        t++;
    }
    assert_int_equal(t, 20);
    assert_int_equal(g_w.match.phase, SIM_PHASE_RUNNING);
    assert_int_equal(g_w.match.number, 1);
    assert_int_equal(g_w.players[0].score, 0);
    assert_int_equal(sim_match_ticks_left(&g_w), 300);
    g_w.players[1].score = 2; /* leads when the time runs out */
    for (t = 0; t < 300 && find_event(&g_w, SIM_EV_MATCH_END) == NULL; t++)
        sim_step(&g_w, g_in);
    assert_int_equal(t, 300);
    assert_int_equal(g_w.match.phase, SIM_PHASE_ENDED);
    assert_true(g_w.match.has_winner);
    assert_int_equal(g_w.match.winner, 1);
    assert_true(has_event(&g_w, SIM_EV_MATCH_END, 1, 1));
    /* On the end screen shots do no damage. */
    g_w.players[1].protect = 0;
    assert_true(shoot_until(SIM_EV_HIT, 30) > 30);
    assert_int_equal(g_w.players[1].health, SIM_MAX_HEALTH);
    /* Then a warm-up, then the next match. */
    memset(g_in, 0, sizeof g_in);
    for (t = 0; t < 10; t++)
        sim_step(&g_w, g_in);
    assert_int_equal(g_w.match.phase, SIM_PHASE_WARMUP);
    for (t = 0; t < 20 && find_event(&g_w, SIM_EV_MATCH_START) == NULL; t++)
        sim_step(&g_w, g_in);
    assert_int_equal(g_w.match.number, 2);
    assert_int_equal(g_w.players[1].score, 0);
}

static void test_score_limit_and_empty_server(void **state)
{
    (void)state;
    two_players();
    SimMatchConfig cfg = {.score_limit = 1, .time_ticks = 0, .warmup_ticks = 0, .end_ticks = 60};
    sim_match_configure(&g_w, &cfg);
    memset(g_in, 0, sizeof g_in);
    sim_step(&g_w, g_in); /* warm-up of 0 ticks: the match starts at once */
    assert_int_equal(g_w.match.phase, SIM_PHASE_RUNNING);
    assert_int_equal(sim_match_ticks_left(&g_w), 0); /* no time limit */
    g_w.players[1].protect = 0;
    assert_true(shoot_until(SIM_EV_MATCH_END, 400) <= 400);
    assert_true(has_event(&g_w, SIM_EV_KILL, 0, 1));
    assert_int_equal(g_w.match.winner, 0);
    assert_true(g_w.match.has_winner);

    /* Time runs out with nobody scoring: a draw, no winner (not slot 0 "with 0 kills"). */
    two_players();
    SimMatchConfig quick = {.score_limit = 0, .time_ticks = 30, .warmup_ticks = 0, .end_ticks = 60};
    sim_match_configure(&g_w, &quick);
    memset(g_in, 0, sizeof g_in);
    for (int t = 0; t < 40 && g_w.match.phase != SIM_PHASE_ENDED; t++)
        sim_step(&g_w, g_in);
    assert_int_equal(g_w.match.phase, SIM_PHASE_ENDED);
    assert_false(g_w.match.has_winner);

    /* Nobody there: the warm-up waits. */
    sim_init(&g_w, &g_lane);
    sim_match_configure(&g_w, &cfg);
    for (int t = 0; t < 100; t++)
        sim_step(&g_w, g_in);
    assert_int_equal(g_w.match.phase, SIM_PHASE_WARMUP);
    assert_int_equal(g_w.match.number, 0);
}

/* A match's start spawns everyone at once (sim_spawn_all): the same places as sim_spawn for
 * each player in turn, each seeing those placed before it. */
static void test_spawn_all_is_spawn_one_by_one(void **state)
{
    (void)state;
    static char text[4096];
    size_t n = (size_t)snprintf(text, sizeof text, "arena-map 1\nname = many\ngrid\n");
    for (int y = 0; y < 24; y++) {
        for (int x = 0; x < 32; x++) {
            bool wall = x == 0 || y == 0 || x == 31 || y == 23;
            bool spawn = !wall && (x * 7 + y * 13) % 17 == 0 && (x + y) % 2 == 0;
            text[n++] = wall ? '#' : spawn ? 'S' : '.';
        }
        text[n++] = '\n';
    }
    n += (size_t)snprintf(text + n, sizeof text - n, "end\n");
    static Map map;
    MapError err;
    assert_true(map_load(&map, text, n, &err));
    assert_true(map.spawn_count > 8);
    static SimWorld a, b;
    sim_init(&a, &map);
    for (unsigned slot = 0; slot < 700; slot++)
        if (slot % 5 != 3) /* gaps: not every slot is a player */
            assert_true(sim_add_player(&a, slot));
    for (unsigned i = 0; i < PROTO_MAX_PLAYERS; i++)
        a.players[i].alive = false;
    a.event_count = 0;
    b = a;
    sim_spawn_all(&a);
    for (unsigned i = 0; i < PROTO_MAX_PLAYERS; i++)
        if (b.players[i].active)
            sim_spawn(&b, i);
    for (unsigned i = 0; i < PROTO_MAX_PLAYERS; i++) {
        assert_int_equal(a.players[i].x, b.players[i].x);
        assert_int_equal(a.players[i].y, b.players[i].y);
        assert_int_equal(a.players[i].alive, b.players[i].alive);
    }
    assert_int_equal(a.event_count, b.event_count);
}

/* A reload (sim_match_set_limits) changes the settings without restarting the match: the
 * phase under way keeps its end, the new score limit counts from the next kill, the new
 * durations from the next phase. */
static void test_set_limits_keeps_the_match(void **state)
{
    (void)state;
    two_players();
    SimMatchConfig cfg = {.score_limit = 0, .time_ticks = 600, .warmup_ticks = 0, .end_ticks = 40};
    sim_match_configure(&g_w, &cfg);
    memset(g_in, 0, sizeof g_in);
    sim_step(&g_w, g_in);
    assert_int_equal(g_w.match.phase, SIM_PHASE_RUNNING);
    uint32_t number = g_w.match.number, left = sim_match_ticks_left(&g_w);
    SimMatchConfig next = {.score_limit = 1, .time_ticks = 90, .warmup_ticks = 7, .end_ticks = 20};
    sim_match_set_limits(&g_w, &next);
    assert_int_equal(g_w.match.phase, SIM_PHASE_RUNNING);
    assert_int_equal(g_w.match.number, number);
    assert_int_equal(sim_match_ticks_left(&g_w), left); /* still its 600-tick end */
    g_w.players[1].protect = 0;
    assert_true(shoot_until(SIM_EV_MATCH_END, 400) <= 400); /* one kill ends it now */
    assert_int_equal(g_w.match.phase, SIM_PHASE_ENDED);
    assert_int_equal(sim_match_ticks_left(&g_w), 20); /* the new end screen */
}

static int by_rank(const void *pa, const void *pb)
{
    const SimPlayer *a = &g_w.players[*(const uint16_t *)pa],
                    *b = &g_w.players[*(const uint16_t *)pb];
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->deaths != b->deaths)
        return a->deaths < b->deaths ? -1 : 1;
    return *(const uint16_t *)pa < *(const uint16_t *)pb ? -1 : 1;
}

/* sim_match_best is the first `max` of every active player sorted by the end screen's order
 * (kills down, deaths up, slot up), however many tie, for any max; the winner is its first. */
static void test_best_is_the_sorted_prefix(void **state)
{
    (void)state;
    static uint16_t all[PROTO_MAX_PLAYERS], best[PROTO_MAX_PLAYERS];
    const unsigned maxes[] = {0, 1, 2, 16, 17, 500, PROTO_MAX_PLAYERS};
    uint32_t seed = 12345;
    for (int round = 0; round < 40; round++) {
        sim_init(&g_w, &g_lane);
        unsigned n = 0;
        for (unsigned i = 0; i < PROTO_MAX_PLAYERS; i++) {
            seed = seed * 1103515245u + 12345u;
            SimPlayer *p = &g_w.players[i];
            p->active = round % 8 != 0 || (seed >> 8) % 50 == 0;   /* some rounds: a few */
            p->score = (uint16_t)((seed >> 12) % (round % 5 + 1)); /* many ties */
            p->deaths = (uint16_t)((seed >> 20) % 3);
            if (p->active)
                all[n++] = (uint16_t)i;
        }
        qsort(all, n, sizeof all[0], by_rank);
        for (unsigned k = 0; k < sizeof maxes / sizeof maxes[0]; k++) {
            unsigned want = n < maxes[k] ? n : maxes[k];
            assert_int_equal(sim_match_best(&g_w, best, maxes[k]), want);
            assert_memory_equal(best, all, want * sizeof best[0]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spawn_all_is_spawn_one_by_one),
        cmocka_unit_test(test_three_hits_kill),
        cmocka_unit_test(test_spawn_protection),
        cmocka_unit_test(test_match_cycle),
        cmocka_unit_test(test_score_limit_and_empty_server),
        cmocka_unit_test(test_set_limits_keeps_the_match),
        cmocka_unit_test(test_best_is_the_sorted_prefix),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
