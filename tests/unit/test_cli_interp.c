/* test_cli_interp.c — interpolation of remote entities.
 *
 * What a user would notice: other players stuttering or drawn at the wrong place between two
 * snapshots, a long delay (sluggish view) on a clean network or a short one that runs out of
 * snapshots, aim spinning the long way round, a player sliding across the map after a
 * respawn, an entity frozen or flying off when snapshots stop. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_interp.h"

#define PI_D 3.14159265358979323846

typedef struct Fixture {
    SnapEntity pool[8 * PROTO_MAX_ENTITIES];
    SnapEntity ents[8];
    CliInterp ip;
} Fixture;

static int fx_setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    cli_interp_init(&f->ip, f->pool, 8 * PROTO_MAX_ENTITIES);
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    free(*state);
    return 0;
}

static SnapEntity player(uint16_t id, uint16_t x, uint16_t y, int8_t vx, int8_t vy, uint16_t aim)
{
    SnapEntity e;
    memset(&e, 0, sizeof e);
    e.id = id;
    e.type = SNAP_ENT_PLAYER;
    e.flags = SNAP_FLAG_ALIVE;
    e.x = x;
    e.y = y;
    e.vx = vx;
    e.vy = vy;
    e.aim = aim;
    return e;
}

static void push(Fixture *f, uint32_t tick, uint64_t arrival_us, const SnapEntity *ents, uint16_t n)
{
    Snapshot s;
    snap_init(&s, f->ents, 8);
    memcpy(f->ents, ents, n * sizeof *ents);
    s.tick = tick;
    s.count = n;
    assert_true(cli_interp_push(&f->ip, &s, arrival_us));
}

static const CliEntityView *find(const CliEntityView *v, unsigned n, uint16_t id)
{
    for (unsigned i = 0; i < n; i++)
        if (v[i].id == id)
            return &v[i];
    return NULL;
}

static void test_midpoint_is_exact(void **state)
{
    Fixture *f = *state;
    /* 1/8-unit positions: 800 = 100.0 units. Aim 1000 -> 20 crosses 0 (the short way is
     * +44 steps, the long way -980). */
    SnapEntity a[1] = {player(3, 800, 400, 8, -4, 1000)};
    SnapEntity b[1] = {player(3, 816, 392, 8, -4, 20)};
    push(f, 100, 1000000, a, 1);
    push(f, 102, 1033333, b, 1);
    CliEntityView v[4];
    assert_int_equal(cli_interp_sample(&f->ip, 101.0, v, 4), 1);
    assert_int_equal(v[0].id, 3);
    assert_true(v[0].x == 101.0f);
    assert_true(v[0].y == 49.5f);
    assert_true(v[0].vx == 1.0f && v[0].vy == -0.5f);
    assert_false(v[0].extrapolated);
    double want_aim = 1022.0 * 2.0 * PI_D / 1024.0;
    assert_true(fabs(v[0].aim - want_aim) < 1e-4);

    /* At the frames themselves: exactly their values. A quarter of the way: a quarter. */
    assert_int_equal(cli_interp_sample(&f->ip, 100.0, v, 4), 1);
    assert_true(v[0].x == 100.0f && v[0].y == 50.0f);
    assert_true(fabs(v[0].aim - 1000.0 * 2.0 * PI_D / 1024.0) < 1e-4);
    assert_int_equal(cli_interp_sample(&f->ip, 102.0, v, 4), 1);
    assert_true(v[0].x == 102.0f && v[0].y == 49.0f);
    assert_int_equal(cli_interp_sample(&f->ip, 100.5, v, 4), 1);
    assert_true(v[0].x == 100.5f && v[0].y == 49.75f);
    /* 1000 + 11 = 1011. */
    assert_true(fabs(v[0].aim - 1011.0 * 2.0 * PI_D / 1024.0) < 1e-4);

    /* Aim the other way round: 20 -> 1000 goes down through 0. */
    SnapEntity c[1] = {player(3, 816, 392, 0, 0, 1000)};
    push(f, 104, 1066666, c, 1);
    assert_int_equal(cli_interp_sample(&f->ip, 103.0, v, 4), 1);
    assert_true(fabs(v[0].aim - 1022.0 * 2.0 * PI_D / 1024.0) < 1e-4);
}

static void test_appear_vanish(void **state)
{
    Fixture *f = *state;
    SnapEntity a[2] = {player(1, 800, 800, 0, 0, 0), player(5, 1600, 800, 0, 0, 0)};
    SnapEntity b[2] = {player(1, 808, 800, 0, 0, 0), player(7, 2400, 800, 0, 0, 0)};
    push(f, 200, 1000000, a, 2);
    push(f, 202, 1033333, b, 2);
    CliEntityView v[8];
    unsigned n = cli_interp_sample(&f->ip, 201.0, v, 8);
    assert_int_equal(n, 2);
    assert_non_null(find(v, n, 1));
    const CliEntityView *gone = find(v, n, 5);
    assert_non_null(gone); /* still there until the render tick reaches 202 */
    assert_true(gone->x == 200.0f);
    assert_null(find(v, n, 7)); /* not yet */
    n = cli_interp_sample(&f->ip, 202.0, v, 8);
    assert_int_equal(n, 2);
    assert_null(find(v, n, 5));
    assert_non_null(find(v, n, 7));
    /* Capacity is respected. */
    assert_int_equal(cli_interp_sample(&f->ip, 202.0, v, 1), 1);
}

static void test_jump_is_not_interpolated(void **state)
{
    Fixture *f = *state;
    /* 300 units in 2 ticks: a respawn, not a movement. */
    SnapEntity a[1] = {player(2, 800, 800, 0, 0, 0)};
    SnapEntity b[1] = {player(2, 800 + 2400, 800, 0, 0, 0)};
    push(f, 300, 1000000, a, 1);
    push(f, 302, 1033333, b, 1);
    CliEntityView v[2];
    cli_interp_sample(&f->ip, 301.9, v, 2);
    assert_true(v[0].x == 100.0f);
    cli_interp_sample(&f->ip, 302.0, v, 2);
    assert_true(v[0].x == 400.0f);
    /* A dead player coming back alive nearby is not slid either. */
    SnapEntity c[1] = {player(2, 3200, 800, 0, 0, 0)};
    c[0].flags = 0;
    SnapEntity d[1] = {player(2, 3240, 800, 0, 0, 0)};
    push(f, 304, 1066666, c, 1);
    push(f, 306, 1100000, d, 1);
    cli_interp_sample(&f->ip, 305.0, v, 2);
    assert_true(v[0].x == 400.0f);
    assert_int_equal(v[0].flags & SNAP_FLAG_ALIVE, 0);
}

static void test_extrapolation_is_bounded(void **state)
{
    Fixture *f = *state;
    SnapEntity a[1] = {player(4, 800, 800, 16, 0, 0)}; /* 2 units per tick east */
    SnapEntity b[1] = {player(4, 832, 800, 16, 0, 0)};
    push(f, 400, 1000000, a, 1);
    push(f, 402, 1033333, b, 1);
    CliEntityView v[2];
    cli_interp_sample(&f->ip, 403.0, v, 2);
    assert_true(v[0].extrapolated);
    assert_true(fabsf(v[0].x - 106.0f) < 1e-4f);
    /* 100 ms = 6 ticks at most, however long the silence. */
    cli_interp_sample(&f->ip, 402.0 + 600.0, v, 2);
    assert_true(v[0].extrapolated);
    assert_true(fabsf(v[0].x - (104.0f + 12.0f)) < 1e-4f);
    /* Before the oldest frame: the oldest, unmoved. */
    cli_interp_sample(&f->ip, 10.0, v, 2);
    assert_false(v[0].extrapolated);
    assert_true(v[0].x == 100.0f);
}

/* Snapshots every `period` ticks for `seconds`, rendering at 60 fps; arrival jitter in
 * [0, jitter_us). Returns the delay at the end and checks the render clock's smoothness. */
static double run_rate(Fixture *f, uint32_t *tick, uint64_t *now, uint32_t period, double seconds,
                       uint32_t jitter_us, uint32_t *rng)
{
    uint64_t frame_us = 16667;
    uint64_t next_snap = *now;
    uint64_t end = *now + (uint64_t)(seconds * 1e6);
    double prev_rt = -1.0, prev_delay = -1.0;
    uint64_t prev_now = *now;
    SnapEntity e[1] = {player(9, 800, 800, 0, 0, 0)};
    while (*now < end) {
        while (next_snap <= *now) {
            *tick += period;
            *rng = *rng * 1664525u + 1013904223u;
            uint64_t late = jitter_us ? (*rng >> 8) % jitter_us : 0;
            push(f, *tick, next_snap + late, e, 1);
            next_snap += (uint64_t)period * 1000000u / 60u;
        }
        double rt = cli_interp_render_tick(&f->ip, *now);
        double delay = cli_interp_delay_ms(&f->ip);
        if (prev_rt >= 0) {
            double dt_ms = (double)(*now - prev_now) / 1000.0;
            /* The delay moves at most 5% of the elapsed time per frame. */
            assert_true(fabs(delay - prev_delay) <= 0.05 * dt_ms + 1e-6);
            /* Render time never runs backwards (small offset corrections aside). */
            assert_true(rt >= prev_rt - 0.05);
        }
        prev_rt = rt;
        prev_delay = delay;
        prev_now = *now;
        *now += frame_us;
    }
    return cli_interp_delay_ms(&f->ip);
}

static void test_delay_adapts_to_rate(void **state)
{
    Fixture *f = *state;
    uint32_t tick = 1000, rng = 1;
    uint64_t now = 5000000;
    /* 30 Hz on a clean network: two intervals (66.7 ms), within 70 ms. */
    double d30 = run_rate(f, &tick, &now, 2, 4.0, 0, &rng);
    assert_true(d30 > 60.0 && d30 < 70.0);
    assert_true(fabs(cli_interp_interval_ms(&f->ip) - 33.33) < 1.0);
    /* 10 Hz: about 200 ms (the delay grows at 5% of real time, so give it 8 s). */
    double d10 = run_rate(f, &tick, &now, 6, 8.0, 0, &rng);
    assert_true(d10 > 190.0 && d10 < 215.0);
    /* Back to 60 Hz: down to about 33 ms. */
    double d60 = run_rate(f, &tick, &now, 1, 8.0, 0, &rng);
    assert_true(d60 > 30.0 && d60 < 40.0);
    /* 30 Hz with up to 20 ms of arrival jitter: more delay than on the clean network. */
    double dj = run_rate(f, &tick, &now, 2, 8.0, 20000, &rng);
    assert_true(dj > d30 + 5.0);
    assert_true(dj < CLI_INTERP_MAX_DELAY_MS);
    /* Whatever happened, the render tick stays within the frames held: no extrapolation
     * on a steady stream. */
    double rt = cli_interp_render_tick(&f->ip, now);
    assert_true(rt <= (double)tick);
}

/* The render tick the view last showed (INPUT's view lag is measured from it). */
static void test_last_render_tick(void **state)
{
    Fixture *f = *state;
    assert_true(cli_interp_last_render_tick(&f->ip) == 0.0);
    SnapEntity a[1] = {player(1, 800, 800, 0, 0, 0)};
    push(f, 600, 1000000, a, 1);
    assert_true(cli_interp_last_render_tick(&f->ip) == 0.0); /* nothing drawn yet */
    double rt = cli_interp_render_tick(&f->ip, 1050000);
    assert_true(rt > 590.0 && rt < 600.0); /* about 4 ticks behind the newest (+3 ticks) */
    assert_true(cli_interp_last_render_tick(&f->ip) == rt);
    push(f, 602, 1080000, a, 1);
    assert_true(cli_interp_last_render_tick(&f->ip) == rt); /* until the next frame */
}

static void test_old_snapshots_ignored(void **state)
{
    Fixture *f = *state;
    SnapEntity a[1] = {player(1, 800, 800, 0, 0, 0)};
    push(f, 500, 1000000, a, 1);
    Snapshot s;
    snap_init(&s, a, 1);
    s.tick = 500;
    s.count = 1;
    assert_false(cli_interp_push(&f->ip, &s, 1100000)); /* same tick */
    s.tick = 498;
    assert_false(cli_interp_push(&f->ip, &s, 1100000)); /* older */
    s.tick = 0;
    assert_false(cli_interp_push(&f->ip, &s, 1100000));
}

/* Many frames of many entities: the pool wraps, old frames are forgotten, new ones stay
 * intact. */
static void test_pool_wraps(void **state)
{
    (void)state;
    enum { CAP = PROTO_MAX_ENTITIES, N = 300 };
    SnapEntity *pool = calloc(CAP, sizeof *pool);
    SnapEntity *ents = calloc(N, sizeof *ents);
    CliEntityView *v = calloc(N, sizeof *v);
    assert_non_null(pool);
    assert_non_null(ents);
    assert_non_null(v);
    CliInterp ip;
    cli_interp_init(&ip, pool, CAP);
    for (uint32_t k = 1; k <= 50; k++) {
        for (uint16_t i = 0; i < N; i++)
            ents[i] = player(i, (uint16_t)(k * 8), (uint16_t)(i * 8), 0, 0, 0);
        Snapshot s;
        snap_init(&s, ents, N);
        s.tick = k * 2;
        s.count = N;
        assert_true(cli_interp_push(&ip, &s, k * 33333u));
        /* The newest two frames are always both held and intact. */
        if (k >= 2) {
            unsigned n = cli_interp_sample(&ip, k * 2.0 - 1.0, v, N);
            assert_int_equal(n, N);
            for (unsigned i = 0; i < n; i++) {
                assert_int_equal(v[i].id, i);
                assert_true(fabsf(v[i].x - ((float)k - 0.5f)) < 1e-4f);
                assert_true(v[i].y == (float)i);
            }
        }
    }
    free(pool);
    free(ents);
    free(v);
}

/* ---- jitter, starvation -------------------------------------------------------------------- */

/* A player moving 2 units per tick east, a snapshot every 2 ticks sent at tick / 60 s and
 * arriving up to jitter_us late (drawn per snapshot; one that would arrive before the previous
 * one waits for it, as the sequenced channel delivers); ticks in [gap_from, gap_to) are lost.
 * Rendered at 60 fps from *now for `seconds`. Checks on every frame that extrapolation stays
 * within CLI_INTERP_EXTRAP_MS of the newest frame. */
typedef struct Stream {
    uint32_t tick; /* next tick to send */
    uint64_t last_arrival;
    uint32_t rng;
    uint32_t jitter_us;
    uint32_t gap_from, gap_to;
} Stream;

static uint64_t tick_us(uint32_t t)
{
    return (uint64_t)t * 1000000u / 60u;
}

static void play(Fixture *f, Stream *st, uint64_t *now, double seconds)
{
    uint64_t end = *now + (uint64_t)(seconds * 1e6);
    uint32_t newest = 0;
    CliEntityView v[2];
    for (; *now < end; *now += 16667) {
        while (true) {
            st->rng = st->rng * 1664525u + 1013904223u;
            uint64_t late = st->jitter_us ? (st->rng >> 8) % st->jitter_us : 0;
            uint64_t arrive = tick_us(st->tick) + late;
            if (arrive < st->last_arrival)
                arrive = st->last_arrival;
            if (arrive > *now) {
                st->rng = st->rng * 1103515245u + 12345u; /* not the same draw next frame */
                break;
            }
            if (st->tick < st->gap_from || st->tick >= st->gap_to) {
                SnapEntity e[1] = {
                    player(9, (uint16_t)(800 + st->tick * 16 % 60000), 800, 16, 0, 0)};
                push(f, st->tick, arrive, e, 1);
                newest = st->tick;
                st->last_arrival = arrive;
            }
            st->tick += 2;
        }
        double rt = cli_interp_render_tick(&f->ip, *now);
        if (newest == 0 || cli_interp_sample(&f->ip, rt, v, 2) != 1)
            continue;
        if (v[0].extrapolated) {
            /* At most 6 ticks (100 ms) past the newest frame's x, at 2 units per tick. */
            double x_newest = (800 + newest * 16 % 60000) / 8.0;
            assert_true(v[0].x - x_newest <= 2.0 * CLI_INTERP_EXTRAP_MS * 60.0 / 1000.0 + 1e-3);
            assert_true(v[0].x >= x_newest - 1e-3);
        }
    }
}

/* Arrivals up to 80 ms late: the delay grows (within its bound) and starvation stays rare;
 * once the path is clean again the delay shrinks back to the clean value. */
static void test_delay_follows_jitter(void **state)
{
    Fixture *f = *state;
    Stream st = {.tick = 600, .rng = 5, .gap_from = 0, .gap_to = 0};
    uint64_t now = tick_us(600);
    play(f, &st, &now, 4.0);
    double clean = cli_interp_delay_ms(&f->ip);
    assert_int_equal(cli_interp_starvations(&f->ip), 0);
    st.jitter_us = 80000;
    play(f, &st, &now, 4.0); /* adapting */
    uint32_t starved_before = cli_interp_starvations(&f->ip);
    play(f, &st, &now, 8.0);
    double rough = cli_interp_delay_ms(&f->ip);
    uint32_t starved_rough = cli_interp_starvations(&f->ip) - starved_before;
    print_message("delay clean %.1f ms, 80 ms jitter %.1f ms (max %.1f), starvations %u while "
                  "adapted, %u before\n",
                  clean, rough, cli_interp_delay_max_ms(&f->ip), starved_rough, starved_before);
    assert_true(rough > clean + 20.0); /* measured 66.7 -> 94.3 ms */
    assert_true(cli_interp_delay_max_ms(&f->ip) <= CLI_INTERP_MAX_DELAY_MS);
    assert_true(starved_rough <= 8); /* 240 snapshots: a few of the latest ones, at most */
    st.jitter_us = 0;
    play(f, &st, &now, 12.0);
    double after = cli_interp_delay_ms(&f->ip);
    print_message("delay clean again %.1f ms\n", after);
    assert_true(after < clean + 5.0);
}

/* 13 snapshots lost in a row (900 .. 924; frames 898 and 926 467 ms apart): the render runs out
 * once, extrapolates (capped) and holds; the starved time is the gap less the delay. Consecutive
 * starved frames are one event; a second gap is a second one. */
static void test_starvation_counted(void **state)
{
    Fixture *f = *state;
    Stream st = {.tick = 600, .rng = 5, .gap_from = 900, .gap_to = 926};
    uint64_t now = tick_us(600);
    play(f, &st, &now, 4.0);
    assert_int_equal(cli_interp_starvations(&f->ip), 0);
    assert_true(cli_interp_starved_ms(&f->ip) == 0.0);
    double delay = cli_interp_delay_ms(&f->ip);
    play(f, &st, &now, 2.0); /* ticks 840 .. 960: the gap is inside */
    assert_int_equal(cli_interp_starvations(&f->ip), 1);
    double want = 28 * 1000.0 / 60.0 - delay; /* from tick 898 + delay to tick 926's arrival */
    double got = cli_interp_starved_ms(&f->ip);
    print_message("starved %.1f ms (frames 898 and 926 467 ms apart, delay %.1f ms)\n", got, delay);
    assert_true(fabs(got - want) <= 2 * 16.7);
    assert_false(f->ip.starved);
    st.gap_from = 1200;
    st.gap_to = 1220;
    play(f, &st, &now, 6.0);
    assert_int_equal(cli_interp_starvations(&f->ip), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_midpoint_is_exact, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_appear_vanish, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_jump_is_not_interpolated, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_extrapolation_is_bounded, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_delay_adapts_to_rate, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_last_render_tick, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_old_snapshots_ignored, fx_setup, fx_teardown),
        cmocka_unit_test(test_pool_wraps),
        cmocka_unit_test_setup_teardown(test_delay_follows_jitter, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_starvation_counted, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
