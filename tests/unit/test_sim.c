/* test_sim.c — the deterministic simulation: same inputs give the same world, players never
 * enter walls or leave the grid, speed and friction behave, shots hit, miss and vanish as the
 * rules say, and a golden hash pins the rules so a change is always deliberate. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lagcomp.h"
#include "sim.h"

enum {
    T = MAP_TILE_UNITS * SIM_FP_ONE, /* Q8 per tile */
    H = SIM_PLAYER_HALF,
};

/* Big structs live here rather than on the stack. */
static Map g_arena, g_tiny, g_open, g_lane, g_maze;
static SimWorld g_w1, g_w2, g_w3;
static SimInput g_in[PROTO_MAX_PLAYERS];

static const char k_tiny[] = "arena-map 1\nname = tiny\ngrid\n"
                             "#####\n"
                             "#S..#\n"
                             "#...#\n"
                             "#####\n"
                             "end\n";
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
/* A shooting lane: spawn 0 on the left, spawn 1 seven tiles to the right. */
static const char k_lane[] = "arena-map 1\nname = lane\ngrid\n"
                             "##########\n"
                             "#S......S#\n"
                             "##########\n"
                             "end\n";
/* Pillars touching only at corners, dead ends, one-tile gaps. */
static const char k_maze[] = "arena-map 1\nname = maze\ngrid\n"
                             "#########\n"
                             "#S.....S#\n"
                             "#.#.#.#.#\n"
                             "#..#.#..#\n"
                             "#.#...#.#\n"
                             "##.#.#.##\n"
                             "#S.....S#\n"
                             "#########\n"
                             "end\n";

static void load_text(Map *m, const char *text, size_t len)
{
    MapError err;
    if (!map_load(m, text, len, &err)) {
        print_error("map: line %d, col %d: %s\n", err.line, err.col, err.msg);
        fail();
    }
}

static int setup(void **state)
{
    (void)state;
    FILE *f = fopen(ARENA_ASSETS_DIR "/arena.map", "rb");
    if (f == NULL) {
        return -1;
    }
    static char buf[PROTO_MAP_TEXT_MAX + 1];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    load_text(&g_arena, buf, n);
    load_text(&g_tiny, k_tiny, strlen(k_tiny));
    load_text(&g_open, k_open, strlen(k_open));
    load_text(&g_lane, k_lane, strlen(k_lane));
    load_text(&g_maze, k_maze, strlen(k_maze));
    return 0;
}

/* xorshift32: the test's own deterministic input source. */
static uint32_t rng_next(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

/* Random inputs held for random spans (1..40 ticks), firing about 60% of the time. */
typedef struct InputGen {
    uint32_t rng;
    uint16_t hold[PROTO_MAX_PLAYERS];
    SimInput cur[PROTO_MAX_PLAYERS];
} InputGen;

static void gen_init(InputGen *g, uint32_t seed)
{
    memset(g, 0, sizeof *g);
    g->rng = seed;
}

static void gen_next(InputGen *g, unsigned players, SimInput *out)
{
    for (unsigned i = 0; i < players; i++) {
        if (g->hold[i] == 0) {
            uint32_t r = rng_next(&g->rng);
            g->cur[i].buttons = (uint8_t)(r & (SIM_BTN_MASK & ~SIM_BTN_FIRE));
            if ((r >> 5) % 10 < 6) {
                g->cur[i].buttons |= SIM_BTN_FIRE;
            }
            g->cur[i].aim = (uint16_t)(rng_next(&g->rng) & 0xFFFF); /* high bits must be ignored */
            g->hold[i] = (uint16_t)(1 + rng_next(&g->rng) % 40);
        }
        g->hold[i]--;
        out[i] = g->cur[i];
    }
}

/* The player's wall box lies in floor tiles only, and inside the grid. */
static void assert_box_in_floor(const Map *m, const SimPlayer *p)
{
    assert_true(p->x - H >= 0 && p->y - H >= 0);
    assert_true(p->x + H <= m->w * T && p->y + H <= m->h * T);
    for (int32_t ty = (p->y - H) / T; ty <= (p->y + H - 1) / T; ty++) {
        for (int32_t tx = (p->x - H) / T; tx <= (p->x + H - 1) / T; tx++) {
            if (map_is_wall(m, tx, ty)) {
                print_error("player at (%d, %d) overlaps wall tile (%d, %d)\n", p->x, p->y, tx, ty);
                fail();
            }
        }
    }
}

static void assert_speed_ok(const SimPlayer *p)
{
    int64_t s2 = (int64_t)p->vx * p->vx + (int64_t)p->vy * p->vy;
    assert_true(s2 <= (int64_t)SIM_MAX_SPEED * SIM_MAX_SPEED);
}

static bool at_spawn(const Map *m, const SimPlayer *p)
{
    for (unsigned i = 0; i < m->spawn_count; i++) {
        if (p->x == m->spawns[i].tx * T + T / 2 && p->y == m->spawns[i].ty * T + T / 2) {
            return true;
        }
    }
    return false;
}

static unsigned active_shots(const SimWorld *w, int owner)
{
    unsigned n = 0;
    for (unsigned i = 0; i < PROTO_MAX_SHOTS; i++) {
        n += w->shots[i].active && (owner < 0 || w->shots[i].owner == owner);
    }
    return n;
}

static bool has_event(const SimWorld *w, SimEventType type, unsigned a, unsigned b)
{
    for (unsigned i = 0; i < w->event_count; i++) {
        const SimEvent *e = &w->events[i];
        if (e->type == type && e->a == a && (type != SIM_EV_HIT || e->b == b)) {
            return true;
        }
    }
    return false;
}

/* ---- tests --------------------------------------------------------------------------- */

static void test_angle_dir(void **state)
{
    (void)state;
    static const struct {
        uint16_t aim;
        int32_t dx, dy;
    } cases[] = {
        {0, 16384, 0},         {1024, 0, 16384},    {2048, -16384, 0},     {3072, 0, -16384},
        {4096, 16384, 0},      {512, 11585, 11585}, {1536, -11585, 11585}, {2560, -11585, -11585},
        {3584, 11585, -11585}, {65535, 16384, -25}, /* wraps to 4095: a hair above east */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int32_t dx, dy;
        sim_angle_dir(cases[i].aim, &dx, &dy);
        assert_int_equal(dx, cases[i].dx);
        assert_int_equal(dy, cases[i].dy);
    }
    /* Every direction is a unit vector to within table rounding, and turning is monotonic in
     * the first quadrant. */
    int32_t prev_dy = -1;
    for (uint16_t a = 0; a < SIM_ANGLE_STEPS; a++) {
        int32_t dx, dy;
        sim_angle_dir(a, &dx, &dy);
        int64_t len2 = (int64_t)dx * dx + (int64_t)dy * dy;
        assert_true(len2 >= (int64_t)16383 * 16383 && len2 <= (int64_t)16385 * 16385);
        if (a <= 1024) {
            assert_true(dy >= prev_dy);
            prev_dy = dy;
        }
    }
}

static void test_add_remove_and_spawn_choice(void **state)
{
    (void)state;
    sim_init(&g_w1, &g_lane);
    assert_true(sim_add_player(&g_w1, 0));
    assert_false(sim_add_player(&g_w1, 0)); /* already active */
    assert_false(sim_add_player(&g_w1, PROTO_MAX_PLAYERS));
    /* Nobody else alive: spawn slot % spawn_count = 0, the left end. */
    assert_int_equal(g_w1.players[0].x, 1 * T + T / 2);
    assert_int_equal(g_w1.players[0].y, 1 * T + T / 2);
    assert_true(g_w1.players[0].alive);
    assert_true(has_event(&g_w1, SIM_EV_SPAWN, 0, 0));
    /* Slot 2 joins: the spawn farthest from player 0 is the right end. */
    assert_true(sim_add_player(&g_w1, 2));
    assert_int_equal(g_w1.players[2].x, 8 * T + T / 2);
    assert_true(has_event(&g_w1, SIM_EV_SPAWN, 2, 0));
    /* Alone, slot 3 would get spawn 3 % 2 = 1. */
    sim_init(&g_w1, &g_lane);
    assert_true(sim_add_player(&g_w1, 3));
    assert_int_equal(g_w1.players[3].x, 8 * T + T / 2);
    /* Events of the join are cleared by the next step. */
    memset(g_in, 0, sizeof g_in);
    sim_step(&g_w1, g_in);
    assert_int_equal(g_w1.event_count, 0);
    assert_int_equal(g_w1.tick, 1);
    sim_remove_player(&g_w1, 3);
    assert_false(g_w1.players[3].active);
    sim_remove_player(&g_w1, PROTO_MAX_PLAYERS + 5); /* ignored */
}

static void test_determinism_16_players(void **state)
{
    (void)state;
    enum { PLAYERS = 16, TICKS = 10000, FLIP_TICK = 1234, FLIP_SLOT = 5 };
    static InputGen gen;
    gen_init(&gen, 0xC0FFEEu);
    sim_init(&g_w1, &g_arena);
    sim_init(&g_w2, &g_arena);
    sim_init(&g_w3, &g_arena);
    for (unsigned s = 0; s < PLAYERS; s++) {
        assert_true(sim_add_player(&g_w1, s));
        assert_true(sim_add_player(&g_w2, s));
        assert_true(sim_add_player(&g_w3, s));
    }
    memset(g_in, 0, sizeof g_in);
    unsigned hits = 0, respawns = 0, shots_seen = 0;
    for (unsigned t = 0; t < TICKS; t++) {
        gen_next(&gen, PLAYERS, g_in);
        sim_step(&g_w1, g_in);
        sim_step(&g_w2, g_in);
        if (t == FLIP_TICK) {
            assert_true(g_w3.players[FLIP_SLOT].alive);
            g_in[FLIP_SLOT].buttons ^= SIM_BTN_LEFT; /* one input bit, once */
        }
        sim_step(&g_w3, g_in);
        if (t < FLIP_TICK) {
            assert_true(sim_hash(&g_w1) == sim_hash(&g_w3));
        } else if (t == FLIP_TICK) {
            /* The changed bit moved the player: the hash sees it. (Worlds may converge again
             * later, e.g. when the player stops flush against a wall or respawns.) */
            assert_true(sim_hash(&g_w1) != sim_hash(&g_w3));
            assert_true(g_w1.players[FLIP_SLOT].x != g_w3.players[FLIP_SLOT].x);
        }

        for (unsigned s = 0; s < PLAYERS; s++) {
            const SimPlayer *p = &g_w1.players[s];
            assert_true(p->active);
            assert_box_in_floor(&g_arena, p);
            assert_speed_ok(p);
        }
        for (unsigned i = 0; i < g_w1.event_count; i++) {
            hits += g_w1.events[i].type == SIM_EV_HIT;
            respawns += g_w1.events[i].type == SIM_EV_SPAWN;
        }
        shots_seen += active_shots(&g_w1, -1);
    }
    assert_int_equal(g_w1.tick, TICKS);
    assert_true(sim_hash(&g_w1) == sim_hash(&g_w2));
    assert_memory_equal(g_w1.players, g_w2.players, sizeof g_w1.players);
    /* The run exercised the interesting rules. */
    assert_true(hits > 10);
    assert_true(respawns > 10);
    assert_true(shots_seen > 1000);
}

static void run_random_collisions(const Map *m, unsigned players, unsigned ticks, uint32_t seed)
{
    static InputGen gen;
    gen_init(&gen, seed);
    sim_init(&g_w1, m);
    for (unsigned s = 0; s < players; s++) {
        assert_true(sim_add_player(&g_w1, s));
    }
    memset(g_in, 0, sizeof g_in);
    for (unsigned t = 0; t < ticks; t++) {
        gen_next(&gen, players, g_in);
        sim_step(&g_w1, g_in);
        for (unsigned s = 0; s < players; s++) {
            assert_box_in_floor(m, &g_w1.players[s]);
            assert_speed_ok(&g_w1.players[s]);
        }
    }
}

static void test_collisions_random(void **state)
{
    (void)state;
    run_random_collisions(&g_tiny, 3, 5000, 7);
    run_random_collisions(&g_maze, 8, 20000, 99);
    run_random_collisions(&g_arena, 64, 3000, 12345);
}

/* Holding a diagonal at full speed ends flush in the corner with no velocity left. */
static void test_corners_diagonal(void **state)
{
    (void)state;
    static const struct {
        uint8_t buttons;
        int32_t x, y;
    } corners[] = {
        {SIM_BTN_DOWN | SIM_BTN_RIGHT, 4 * T - H, 3 * T - H},
        {SIM_BTN_UP | SIM_BTN_LEFT, 1 * T + H, 1 * T + H},
        {SIM_BTN_DOWN | SIM_BTN_LEFT, 1 * T + H, 3 * T - H},
        {SIM_BTN_UP | SIM_BTN_RIGHT, 4 * T - H, 1 * T + H},
    };
    static SimPlayer p;
    memset(&p, 0, sizeof p);
    p.active = p.alive = true;
    p.x = T + T / 2;
    p.y = T + T / 2;
    for (size_t c = 0; c < sizeof corners / sizeof corners[0]; c++) {
        SimInput in = {corners[c].buttons, 0};
        for (int t = 0; t < 120; t++) {
            sim_player_step(&g_tiny, &p, &in);
            assert_box_in_floor(&g_tiny, &p);
            assert_speed_ok(&p);
        }
        assert_int_equal(p.x, corners[c].x);
        assert_int_equal(p.y, corners[c].y);
        assert_int_equal(p.vx, 0);
        assert_int_equal(p.vy, 0);
    }
}

static void test_speed_clamp_and_friction(void **state)
{
    (void)state;
    static SimPlayer p;
    memset(&p, 0, sizeof p);
    p.active = p.alive = true;
    p.x = 4 * T;
    p.y = 4 * T + T / 2;
    SimInput right = {SIM_BTN_RIGHT, 0};
    /* Straight: reaches exactly the top speed and stays there. */
    sim_player_step(&g_open, &p, &right);
    assert_int_equal(p.vx, (SIM_ACCEL * (256 - SIM_FRICTION)) / 256);
    for (int t = 0; t < 60; t++) {
        sim_player_step(&g_open, &p, &right);
    }
    assert_int_equal(p.vx, SIM_MAX_SPEED);
    assert_int_equal(p.vy, 0);
    /* Let go: friction brings it to exactly 0, then it stays. */
    SimInput none = {0, 0};
    int ticks = 0;
    while (p.vx != 0 && ticks < 200) {
        int32_t before = p.vx;
        sim_player_step(&g_open, &p, &none);
        assert_true(p.vx < before && p.vx >= 0);
        ticks++;
    }
    assert_int_equal(p.vx, 0);
    assert_in_range(ticks, 10, 100);
    int32_t x = p.x;
    sim_player_step(&g_open, &p, &none);
    assert_int_equal(p.x, x);
    assert_int_equal(p.vx, 0);

    /* Diagonal: both components equal, the speed clamped, not above the limit. */
    p.x = 2 * T;
    p.y = 2 * T;
    SimInput diag = {SIM_BTN_DOWN | SIM_BTN_RIGHT, 0};
    for (int t = 0; t < 30; t++) {
        sim_player_step(&g_open, &p, &diag);
        assert_speed_ok(&p);
    }
    assert_int_equal(p.vx, p.vy);
    assert_true(p.vx > SIM_MAX_SPEED * 181 / 256 - 4);
    /* Opposite keys cancel: only friction acts. */
    SimInput all = {SIM_BTN_UP | SIM_BTN_DOWN | SIM_BTN_LEFT | SIM_BTN_RIGHT, 0};
    int32_t vx = p.vx;
    sim_player_step(&g_open, &p, &all);
    assert_int_equal(p.vx, vx * (256 - SIM_FRICTION) / 256);

    /* A nonsense starting state is pulled back into the grid, never out of it. */
    p.x = INT32_MAX;
    p.y = INT32_MIN;
    p.vx = INT32_MAX;
    p.vy = INT32_MIN;
    sim_player_step(&g_open, &p, &diag);
    assert_true(p.x + H <= g_open.w * T && p.y - H >= 0);
    assert_speed_ok(&p);
}

static void test_fire_cooldown_and_aim(void **state)
{
    (void)state;
    static SimPlayer p;
    memset(&p, 0, sizeof p);
    p.active = p.alive = true;
    p.x = 10 * T;
    p.y = 4 * T;
    SimInput fire = {SIM_BTN_FIRE, 4096 + 100};
    unsigned shots = 0;
    for (int t = 0; t < 10 * SIM_FIRE_COOLDOWN; t++) {
        bool f = sim_player_step(&g_open, &p, &fire);
        assert_true(f == p.fired);
        shots += f;
        if (t % SIM_FIRE_COOLDOWN == 0) {
            assert_true(f);
        } else {
            assert_false(f);
        }
    }
    assert_int_equal(shots, 10);
    assert_int_equal(p.aim, 100);
    /* A dead player does nothing. */
    p.alive = false;
    SimPlayer before;
    memcpy(&before, &p, sizeof p);
    SimInput move = {SIM_BTN_RIGHT | SIM_BTN_FIRE, 7};
    assert_false(sim_player_step(&g_open, &p, &move));
    assert_memory_equal(&before, &p, sizeof p);
}

static void test_shot_hits_and_respawn(void **state)
{
    (void)state;
    sim_init(&g_w1, &g_lane);
    assert_true(sim_add_player(&g_w1, 0)); /* left end */
    assert_true(sim_add_player(&g_w1, 1)); /* right end */
    int32_t victim_x = g_w1.players[1].x;
    g_w1.players[1].score = 5;   /* a victim keeps its score through death and respawn */
    g_w1.players[1].protect = 0; /* past its spawn protection */
    g_w1.players[1].health = SIM_SHOT_DAMAGE; /* one hit from death */
    memset(g_in, 0, sizeof g_in);
    g_in[0].buttons = SIM_BTN_FIRE;
    g_in[0].aim = 0; /* east, at the victim */
    sim_step(&g_w1, g_in);
    assert_true(g_w1.players[0].fired);
    assert_int_equal(active_shots(&g_w1, 0), 1);
    g_in[0].buttons = 0;

    /* Shot starts 16 units out and moves 12 units a tick (the firing tick included); it hits
     * once its centre is within 14 units of the victim's. */
    int32_t start = g_w1.players[0].x + 16 * SIM_FP_ONE;
    int expect_ticks = 1;
    while (victim_x - (start + expect_ticks * SIM_SHOT_SPEED) > SIM_HIT_RADIUS) {
        expect_ticks++;
    }
    int ticks = 1;
    while (!has_event(&g_w1, SIM_EV_HIT, 0, 1) && ticks < 100) {
        sim_step(&g_w1, g_in);
        ticks++;
    }
    assert_int_equal(ticks, expect_ticks);
    assert_int_equal(g_w1.players[0].score, 1);
    assert_false(g_w1.players[1].alive);
    assert_int_equal(g_w1.players[1].vx, 0);
    assert_int_equal(active_shots(&g_w1, -1), 0);

    /* Dead for SIM_RESPAWN_TICKS ticks, then back at the spawn farthest from the shooter. */
    for (int t = 1; t < SIM_RESPAWN_TICKS; t++) {
        sim_step(&g_w1, g_in);
        assert_false(g_w1.players[1].alive);
    }
    sim_step(&g_w1, g_in);
    assert_true(g_w1.players[1].alive);
    assert_true(has_event(&g_w1, SIM_EV_SPAWN, 1, 0));
    assert_true(at_spawn(&g_lane, &g_w1.players[1]));
    assert_int_equal(g_w1.players[1].x, 8 * T + T / 2);
    assert_int_equal(g_w1.players[1].score, 5);
    assert_int_equal(g_w1.players[0].score, 1);
}

static void test_shots_vanish_in_walls_and_expire(void **state)
{
    (void)state;
    /* Fire north into the wall right above: gone within two ticks, nobody scores. */
    sim_init(&g_w1, &g_tiny);
    assert_true(sim_add_player(&g_w1, 0));
    memset(g_in, 0, sizeof g_in);
    g_in[0].buttons = SIM_BTN_FIRE;
    g_in[0].aim = 3072;
    sim_step(&g_w1, g_in);
    g_in[0].buttons = 0;
    sim_step(&g_w1, g_in);
    assert_int_equal(active_shots(&g_w1, -1), 0);

    assert_int_equal(g_w1.players[0].score, 0);

    /* Fired east across the open map: removed on the move that enters the east wall, long
     * before its ttl runs out. */
    sim_init(&g_w1, &g_open);
    assert_true(sim_add_player(&g_w1, 0));
    g_in[0].buttons = SIM_BTN_FIRE;
    g_in[0].aim = 0;
    sim_step(&g_w1, g_in);
    g_in[0].buttons = 0;
    const int32_t wall_x = (g_open.w - 1) * T;
    int32_t x = g_w1.players[0].x + 16 * SIM_FP_ONE;
    int expect_moves = 0;
    while (x < wall_x) {
        x += SIM_SHOT_SPEED;
        expect_moves++;
    }
    int moves = 1;
    while (g_w1.shots[0].active) {
        assert_true(g_w1.shots[0].x < wall_x);
        assert_int_equal(g_w1.shots[0].ttl, SIM_SHOT_TTL - moves);
        sim_step(&g_w1, g_in);
        moves++;
    }
    assert_int_equal(moves, expect_moves);
    assert_true(moves < SIM_SHOT_TTL);
}

static void test_shot_ttl_runs_out(void **state)
{
    (void)state;
    /* 45 moves of 12 units = 540 units: more than the arena's widest open run? Use a long lane
     * built here: 24 tiles of floor. */
    static char text[512];
    int n = snprintf(text, sizeof text, "arena-map 1\nname = long\ngrid\n%s\n#S%s#\n%s\nend\n",
                     "###################################", "................................",
                     "###################################");
    static Map longm;
    load_text(&longm, text, (size_t)n);
    sim_init(&g_w1, &longm);
    assert_true(sim_add_player(&g_w1, 0));
    memset(g_in, 0, sizeof g_in);
    g_in[0].buttons = SIM_BTN_FIRE;
    g_in[0].aim = 0;
    sim_step(&g_w1, g_in);
    g_in[0].buttons = 0;
    int32_t x0 = g_w1.shots[0].x;
    int steps = 1;
    while (g_w1.shots[0].active) {
        sim_step(&g_w1, g_in);
        steps++;
    }
    /* Removed on its SIM_SHOT_TTL-th move, far from any wall. */
    assert_int_equal(steps, SIM_SHOT_TTL);
    assert_true(x0 + (SIM_SHOT_TTL - 1) * SIM_SHOT_SPEED < (longm.w - 1) * T);
}

static void test_no_self_hits(void **state)
{
    (void)state;
    sim_init(&g_w1, &g_open);
    assert_true(sim_add_player(&g_w1, 0));
    assert_true(sim_add_player(&g_w1, 1));
    memset(g_in, 0, sizeof g_in);
    g_w1.players[1].x = 3 * T; /* both spawned on the only spawn: move player 1 away */
    g_w1.players[0].protect = 0;
    g_w1.players[0].health = SIM_SHOT_DAMAGE;
    /* A shot of player 0 right on top of player 0: no hit. */
    SimShot *s = &g_w1.shots[0];
    s->active = true;
    s->owner = 0;
    s->ttl = 10;
    s->x = g_w1.players[0].x;
    s->y = g_w1.players[0].y;
    s->vx = 0;
    s->vy = 0;
    sim_step(&g_w1, g_in);
    assert_true(g_w1.players[0].alive);
    assert_int_equal(g_w1.players[0].score, 0);
    assert_true(g_w1.players[1].alive);
    assert_true(s->active);
    /* The same shot owned by player 1 hits player 0 at once. */
    s->owner = 1;
    sim_step(&g_w1, g_in);
    assert_false(g_w1.players[0].alive);
    assert_int_equal(g_w1.players[1].score, 1);
    assert_true(has_event(&g_w1, SIM_EV_HIT, 1, 0));
    assert_false(s->active);
}

static void test_remove_player_removes_shots(void **state)
{
    (void)state;
    sim_init(&g_w1, &g_open); /* one spawn, open all around: no shot meets a wall at once */
    for (unsigned s = 0; s < 4; s++) {
        assert_true(sim_add_player(&g_w1, s));
    }
    memset(g_in, 0, sizeof g_in);
    for (unsigned s = 0; s < 4; s++) {
        g_in[s].buttons = SIM_BTN_FIRE;
        g_in[s].aim = (uint16_t)(s * 1024 + 300);
    }
    sim_step(&g_w1, g_in);
    unsigned total = active_shots(&g_w1, -1);
    unsigned of2 = active_shots(&g_w1, 2);
    assert_int_equal(of2, 1);
    sim_remove_player(&g_w1, 2);
    assert_int_equal(active_shots(&g_w1, 2), 0);
    assert_int_equal(active_shots(&g_w1, -1), total - 1);
    assert_false(g_w1.players[2].active);
    /* The slot can be reused, with a fresh score. */
    assert_true(sim_add_player(&g_w1, 2));
    assert_int_equal(g_w1.players[2].score, 0);
}

static void test_no_free_shot_slot(void **state)
{
    (void)state;
    /* Every shot slot taken (by shots parked in a far corner): firing still counts as firing
     * (cooldown, muzzle flash) but adds no shot, and nothing else breaks. */
    sim_init(&g_w1, &g_open);
    assert_true(sim_add_player(&g_w1, 0));
    assert_true(sim_add_player(&g_w1, 1));
    for (unsigned i = 0; i < PROTO_MAX_SHOTS; i++) {
        SimShot *s = &g_w1.shots[i];
        s->active = true;
        s->owner = 1;
        s->ttl = 200;
        s->x = T + T / 2;
        s->y = T + T / 2;
    }
    memset(g_in, 0, sizeof g_in);
    g_in[0].buttons = SIM_BTN_FIRE;
    sim_step(&g_w1, g_in);
    assert_true(g_w1.players[0].fired);
    assert_int_equal(g_w1.players[0].cooldown, SIM_FIRE_COOLDOWN);
    assert_int_equal(active_shots(&g_w1, 0), 0);
    assert_int_equal(active_shots(&g_w1, 1), PROTO_MAX_SHOTS);
    /* Free one slot in the middle: the next shot takes it. */
    memset(&g_w1.shots[300], 0, sizeof g_w1.shots[300]);
    for (int t = 0; t < SIM_FIRE_COOLDOWN; t++) {
        sim_step(&g_w1, g_in);
    }
    assert_true(g_w1.shots[300].active);
    assert_int_equal(g_w1.shots[300].owner, 0);
}

/* A fixed scenario whose hash is pinned: if this fails, the rules changed. Update the constant
 * only on purpose, together with the protocol version and the docs. lc: the same through
 * sim_step_lagcomp (every view lag 0: what a server with lagcomp_max_ms = 0 or a client with
 * no lag gets must be exactly the old world). */
static void golden_run(const SimLagComp *lc)
{
    enum { PLAYERS = 8, TICKS = 900 };
    static InputGen gen;
    gen_init(&gen, 2024u);
    sim_init(&g_w1, &g_maze); /* a map defined in this file: editing assets/ cannot move it */
    for (unsigned s = 0; s < PLAYERS; s++) {
        assert_true(sim_add_player(&g_w1, s * 7));
    }
    memset(g_in, 0, sizeof g_in);
    static SimInput some[PLAYERS];
    unsigned hits = 0, spawns = 0;
    for (int t = 0; t < TICKS; t++) {
        gen_next(&gen, PLAYERS, some);
        for (unsigned s = 0; s < PLAYERS; s++) {
            g_in[s * 7] = some[s];
        }
        if (lc != NULL) {
            sim_step_lagcomp(&g_w1, g_in, lc);
        } else {
            sim_step(&g_w1, g_in);
        }
        for (unsigned i = 0; i < g_w1.event_count; i++) {
            hits += g_w1.events[i].type == SIM_EV_HIT;
            spawns += g_w1.events[i].type == SIM_EV_SPAWN;
        }
    }
    /* The scenario covers hits and respawns, not just movement. */
    assert_true(hits >= 5);
    assert_true(spawns >= 5);
    uint64_t h = sim_hash(&g_w1);
    if (h != UINT64_C(0x96a5f7df718e111f)) {
        print_error("golden hash is 0x%016llx (%u hits)\n", (unsigned long long)h, hits);
    }
    assert_true(h == UINT64_C(0x96a5f7df718e111f));
}

static void test_golden_hash(void **state)
{
    (void)state;
    golden_run(NULL);
}

static void test_golden_hash_lagcomp_zero(void **state)
{
    (void)state;
    static LcSample samples[16 * PROTO_MAX_PLAYERS];
    static LcHistory hist;
    static const uint16_t lags[PROTO_MAX_PLAYERS]; /* all 0 */
    lc_init(&hist, samples, 16);
    SimLagComp lc = {.history = &hist, .view_lag = lags};
    golden_run(&lc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_angle_dir),
        cmocka_unit_test(test_add_remove_and_spawn_choice),
        cmocka_unit_test(test_determinism_16_players),
        cmocka_unit_test(test_collisions_random),
        cmocka_unit_test(test_corners_diagonal),
        cmocka_unit_test(test_speed_clamp_and_friction),
        cmocka_unit_test(test_fire_cooldown_and_aim),
        cmocka_unit_test(test_shot_hits_and_respawn),
        cmocka_unit_test(test_shots_vanish_in_walls_and_expire),
        cmocka_unit_test(test_shot_ttl_runs_out),
        cmocka_unit_test(test_no_self_hits),
        cmocka_unit_test(test_remove_player_removes_shots),
        cmocka_unit_test(test_no_free_shot_slot),
        cmocka_unit_test(test_golden_hash),
        cmocka_unit_test(test_golden_hash_lagcomp_zero),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
