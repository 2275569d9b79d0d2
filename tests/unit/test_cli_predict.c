/* test_cli_predict.c — prediction and reconciliation of the local player.
 *
 * A server-side SimWorld runs a stream of inputs; self blocks come from snap_capture, late
 * and only every other tick, as over a network. What a user would notice: their own player
 * jumping when nothing was lost (a prediction that does not replay to the server's state),
 * a small server correction shown as a visible snap, a correction that never settles, or a
 * respawn drawn as a slow slide across the map. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_predict.h"
#include "snap_world.h"

static Map g_map;

static int setup(void **state)
{
    (void)state;
    FILE *f = fopen(ARENA_ASSETS_DIR "/arena.map", "rb");
    if (f == NULL)
        return -1;
    static char buf[PROTO_MAP_TEXT_MAX + 1];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    MapError err;
    return map_load(&g_map, buf, n, &err) ? 0 : -1;
}

static uint32_t rng_next(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

/* A held-for-a-while input stream, as a player produces: new buttons every ~20 ticks, aim
 * sweeping, fire now and then. */
static SimInput input_at(uint32_t tick, uint32_t seed)
{
    uint32_t s = seed ^ (tick / 20 + 1) * 2654435761u;
    rng_next(&s);
    SimInput in;
    in.buttons =
        (uint8_t)(rng_next(&s) & (SIM_BTN_UP | SIM_BTN_DOWN | SIM_BTN_LEFT | SIM_BTN_RIGHT));
    if (tick % 37 < 3)
        in.buttons |= SIM_BTN_FIRE;
    in.aim = (uint16_t)((tick * 23u + seed) & (SIM_ANGLE_STEPS - 1));
    return in;
}

typedef struct Server {
    SimWorld world;
    SimInput inputs[PROTO_MAX_PLAYERS];
    SnapEntity ents[PROTO_MAX_ENTITIES];
    Snapshot snap;
    SimPlayer history[4096]; /* the player after each tick */
} Server;

static Server *server_new(void)
{
    Server *s = calloc(1, sizeof *s);
    assert_non_null(s);
    sim_init(&s->world, &g_map);
    assert_true(sim_add_player(&s->world, 0));
    snap_init(&s->snap, s->ents, PROTO_MAX_ENTITIES);
    return s;
}

static void server_step(Server *s, const SimInput *in)
{
    s->inputs[0] = *in;
    sim_step(&s->world, s->inputs);
    s->history[s->world.tick % 4096] = s->world.players[0];
}

static const SnapSelf *server_self(Server *s)
{
    assert_true(snap_capture(&s->world, 0, s->world.tick, &s->snap));
    assert_true(s->snap.has_self);
    return &s->snap.self;
}

static void assert_same_player(const SimPlayer *a, const SimPlayer *b)
{
    assert_int_equal(a->x, b->x);
    assert_int_equal(a->y, b->y);
    assert_int_equal(a->vx, b->vx);
    assert_int_equal(a->vy, b->vy);
    assert_int_equal(a->aim, b->aim);
    assert_int_equal(a->cooldown, b->cooldown);
    assert_int_equal(a->alive, b->alive);
}

/* The client runs `lead` ticks ahead of the newest self block it has, which arrive every
 * other tick: with the same inputs every replay lands exactly on the server's state, and what
 * the client predicted for each tick (when it stepped it, before any later self block) is
 * what the server computes for that tick. */
static void run_stream(uint32_t seed, uint32_t lead)
{
    Server *s = server_new();
    SimPlayer *predicted = calloc(4096, sizeof *predicted); /* right after stepping each tick */
    assert_non_null(predicted);
    CliPredict p;
    cli_predict_init(&p, &g_map);
    SimInput zero = {0, 0};
    server_step(s, &zero);
    cli_predict_reconcile(&p, s->world.tick, server_self(s));
    assert_true(p.ready);

    const uint32_t ticks = 1200;
    for (uint32_t t = 2; t <= ticks; t++) {
        SimInput in = input_at(t, seed);
        cli_predict_step(&p, t, &in);
        predicted[t % 4096] = p.player;
        /* The server simulates t - lead now (it received that input long ago). */
        if (t > lead) {
            uint32_t st = t - lead;
            if (st > s->world.tick) {
                SimInput sin;
                assert_true(cli_predict_input(&p, st, &sin));
                server_step(s, &sin);
                assert_int_equal(s->world.tick, st);
                assert_same_player(&predicted[st % 4096], &s->world.players[0]);
                if (st % 2 == 0)
                    cli_predict_reconcile(&p, st, server_self(s));
            }
        }
        assert_int_equal(p.tick, t);
    }
    /* Let the server catch up and compare the final state directly. */
    while (s->world.tick < ticks) {
        SimInput sin;
        assert_true(cli_predict_input(&p, s->world.tick + 1, &sin));
        server_step(s, &sin);
        assert_same_player(&predicted[s->world.tick % 4096], &s->world.players[0]);
    }
    assert_same_player(&p.player, &s->world.players[0]);
    assert_true(p.reconciliations > 500);
    assert_int_equal(p.errors, 0);
    assert_int_equal(p.visible, 0);
    assert_int_equal(p.error_hist[0], p.reconciliations);
    assert_true(p.error_max_units == 0.0);
    assert_true(p.offset_x == 0.0f && p.offset_y == 0.0f);
    /* The player did move around (the test is not vacuous). */
    assert_true(s->world.players[0].x != s->history[1].x ||
                s->world.players[0].y != s->history[1].y);
    free(predicted);
    free(s);
}

static void test_replay_reconciles_exactly(void **state)
{
    (void)state;
    run_stream(1, 3);
    run_stream(77, 8);
    run_stream(12345, 31);
}

/* A self block the prediction could not know (the server corrected us): one error, the
 * drawn position does not jump, the offset decays with a ~100 ms time constant. */
static void test_small_correction_is_smoothed(void **state)
{
    (void)state;
    Server *s = server_new();
    CliPredict p;
    cli_predict_init(&p, &g_map);
    SimInput zero = {0, 0};
    server_step(s, &zero);
    cli_predict_reconcile(&p, 1, server_self(s));
    SimInput still = {0, 0};
    for (uint32_t t = 2; t <= 10; t++) {
        cli_predict_step(&p, t, &still);
        server_step(s, &still);
    }
    SnapSelf moved = *server_self(s);
    moved.x += 10 * SIM_FP_ONE; /* 10 units east: the spawn point has room */
    float x0, y0, x1, y1;
    cli_predict_render(&p, 1.0, &x0, &y0);
    double err = cli_predict_reconcile(&p, 10, &moved);
    assert_true(fabs(err - 10.0) < 1e-9);
    assert_int_equal(p.errors, 1);
    assert_int_equal(p.snaps, 0);
    assert_true(fabs(p.error_max_units - 10.0) < 1e-9);
    /* Counted as a visible correction, in the 10-unit bucket of the histogram (1/8 units). */
    assert_int_equal(p.visible, 1);
    assert_int_equal(p.error_hist[80], 1);
    cli_predict_render(&p, 1.0, &x1, &y1);
    assert_true(fabsf(x1 - x0) < 1e-3f && fabsf(y1 - y0) < 1e-3f); /* no visible jump */
    assert_true(fabsf(p.offset_x + 10.0f) < 1e-3f);

    /* Decay in 1/60 s frames: monotone, about 1/e after 100 ms, gone after a second. */
    float prev = fabsf(p.offset_x);
    for (int frame = 1; frame <= 60; frame++) {
        cli_predict_decay(&p, 1.0 / 60.0);
        float now = fabsf(p.offset_x);
        assert_true(now <= prev);
        assert_true(prev - now < 2.0f); /* never more than a fraction per frame */
        prev = now;
        if (frame == 6)
            assert_true(now > 3.0f && now < 4.5f); /* 10 * e^-1 = 3.68 */
    }
    assert_true(fabsf(p.offset_x) < 0.01f);
    cli_predict_render(&p, 1.0, &x1, &y1);
    assert_true(fabsf(x1 - (x0 + 10.0f)) < 0.01f); /* settled on the server's position */
    free(s);
}

/* Corrections over CLI_PREDICT_SNAP_UNITS and deaths/respawns are shown at once and are not
 * counted as mispredictions of movement. */
static void test_large_correction_and_respawn_snap(void **state)
{
    (void)state;
    Server *s = server_new();
    CliPredict p;
    cli_predict_init(&p, &g_map);
    SimInput still = {0, 0};
    server_step(s, &still);
    cli_predict_reconcile(&p, 1, server_self(s));
    for (uint32_t t = 2; t <= 6; t++) {
        cli_predict_step(&p, t, &still);
        server_step(s, &still);
    }
    SnapSelf far = *server_self(s);
    far.x += 100 * SIM_FP_ONE;
    double err = cli_predict_reconcile(&p, 4, &far); /* replays 5..6 from there */
    assert_true(err > 99.0);
    assert_int_equal(p.errors, 1);
    assert_int_equal(p.snaps, 1);
    assert_true(p.offset_x == 0.0f && p.offset_y == 0.0f);

    /* Killed by a shot the client never saw: snap, not an error. */
    cli_predict_step(&p, 7, &still);
    SnapSelf dead = far;
    dead.x += 3 * SIM_FP_ONE; /* hit a little further on */
    dead.flags = 0;
    dead.respawn = SIM_RESPAWN_TICKS;
    cli_predict_reconcile(&p, 6, &dead);
    assert_false(p.player.alive);
    assert_int_equal(p.player.respawn, SIM_RESPAWN_TICKS - 1); /* tick 7 replayed */
    assert_int_equal(p.errors, 1);
    assert_int_equal(p.snaps, 2);
    /* A dead player does not move whatever is held. */
    SimInput run = {SIM_BTN_RIGHT, 0};
    int32_t x = p.player.x;
    for (uint32_t t = 8; t < 20; t++)
        cli_predict_step(&p, t, &run);
    assert_int_equal(p.player.x, x);
    free(s);
}

/* Old or repeated self blocks change nothing; a self block ahead of the prediction (the
 * client fell behind) is taken as is without counting an error. */
static void test_stale_and_ahead_blocks(void **state)
{
    (void)state;
    Server *s = server_new();
    CliPredict p;
    cli_predict_init(&p, &g_map);
    SimInput go = {SIM_BTN_RIGHT | SIM_BTN_DOWN, 100};
    server_step(s, &go);
    cli_predict_reconcile(&p, 1, server_self(s));
    for (uint32_t t = 2; t <= 5; t++) {
        cli_predict_step(&p, t, &go);
        server_step(s, &go);
    }
    SnapSelf at5 = *server_self(s);
    cli_predict_reconcile(&p, 5, &at5);
    SimPlayer before = p.player;
    SnapSelf bogus = at5;
    bogus.x += 5000;
    assert_true(cli_predict_reconcile(&p, 5, &bogus) == 0.0); /* repeated tick */
    assert_true(cli_predict_reconcile(&p, 3, &bogus) == 0.0); /* older */
    assert_same_player(&p.player, &before);

    for (uint32_t t = 6; t <= 20; t++)
        server_step(s, &go);
    cli_predict_reconcile(&p, 20, server_self(s));
    assert_int_equal(p.tick, 20);
    assert_same_player(&p.player, &s->world.players[0]);
    assert_int_equal(p.errors, 0);

    /* A gap in the client's own ticks is filled with the previous input, as the server
     * repeats the last input it has. */
    cli_predict_step(&p, 24, &go);
    for (uint32_t t = 21; t <= 24; t++)
        server_step(s, &go);
    assert_same_player(&p.player, &s->world.players[0]);
    free(s);
}

static void test_render_interpolates_within_tick(void **state)
{
    (void)state;
    Server *s = server_new();
    CliPredict p;
    cli_predict_init(&p, &g_map);
    SimInput go = {SIM_BTN_RIGHT, 0};
    server_step(s, &go);
    cli_predict_reconcile(&p, 1, server_self(s));
    for (uint32_t t = 2; t <= 6; t++) /* accelerating, still short of the wall */
        cli_predict_step(&p, t, &go);
    float x0, y0, xh, yh, x1, y1;
    cli_predict_render(&p, 0.0, &x0, &y0);
    cli_predict_render(&p, 0.5, &xh, &yh);
    cli_predict_render(&p, 1.0, &x1, &y1);
    assert_true(x1 > x0); /* moving right */
    assert_true(fabsf(x0 - (float)p.prev.x / SIM_FP_ONE) < 1e-3f);
    assert_true(fabsf(x1 - (float)p.player.x / SIM_FP_ONE) < 1e-3f);
    assert_true(fabsf(xh - (x0 + x1) / 2) < 1e-3f);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_reconciles_exactly),
        cmocka_unit_test(test_small_correction_is_smoothed),
        cmocka_unit_test(test_large_correction_and_respawn_snap),
        cmocka_unit_test(test_stale_and_ahead_blocks),
        cmocka_unit_test(test_render_interpolates_within_tick),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
