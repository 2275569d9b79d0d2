/* test_interest.c — server/interest.h: a client's view is exactly the nearest `max` entities
 * (a brute-force search agrees on random worlds, crowded and sparse, viewers at the edges and
 * off the map), never the viewer itself, in increasing order; a small world is seen whole;
 * snap_view_pick builds the snapshot from the picked indices; a view kept between picks loses
 * who left, gains who appeared within reach, and is picked again when it must be. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "interest.h"
#include "snap_world.h"

static uint32_t g_seed = 12345;
static uint32_t rnd(void)
{
    g_seed = g_seed * 1103515245u + 12345u;
    return g_seed >> 8;
}

static SrvInterest g_in;
static SnapEntity g_ents[PROTO_MAX_ENTITIES];
static Snapshot g_all;

/* n entities with increasing ids at random positions in [0, w) x [0, h), some clustered. */
static void world(unsigned n, uint32_t w, uint32_t h)
{
    snap_init(&g_all, g_ents, PROTO_MAX_ENTITIES);
    g_all.tick = 5;
    for (unsigned i = 0; i < n; i++) {
        SnapEntity *e = &g_ents[i];
        memset(e, 0, sizeof *e);
        e->id =
            (uint16_t)(i < PROTO_MAX_PLAYERS ? i : PROTO_SHOT_ID_BASE + (i - PROTO_MAX_PLAYERS));
        e->type = i < PROTO_MAX_PLAYERS ? SNAP_ENT_PLAYER : SNAP_ENT_SHOT;
        if (i % 4 == 0) { /* a crowd around one spot */
            e->x = (uint16_t)(w / 3 + rnd() % 200);
            e->y = (uint16_t)(h / 3 + rnd() % 200);
        } else {
            e->x = (uint16_t)(rnd() % w);
            e->y = (uint16_t)(rnd() % h);
        }
    }
    g_all.count = (uint16_t)n;
    interest_init(&g_in, w, h);
    interest_index(&g_in, &g_all);
}

/* The nearest max by (distance, index), the way interest.h defines it, sorted by index. */
static unsigned brute(uint16_t x, uint16_t y, int self, unsigned max, uint16_t *out)
{
    static uint64_t key[PROTO_MAX_ENTITIES];
    unsigned n = 0;
    for (unsigned i = 0; i < g_all.count; i++) {
        if ((int)g_all.ents[i].id == self)
            continue;
        int64_t dx = (int64_t)g_all.ents[i].x - x, dy = (int64_t)g_all.ents[i].y - y;
        key[n++] = ((uint64_t)(dx * dx + dy * dy) << 16) | i;
    }
    for (unsigned a = 0; a < n; a++) /* selection sort of the first max: small n */
        for (unsigned b = a + 1; b < n && a < max; b++)
            if (key[b] < key[a]) {
                uint64_t t = key[a];
                key[a] = key[b];
                key[b] = t;
            }
    unsigned k = n < max ? n : max;
    bool in[PROTO_MAX_ENTITIES] = {false};
    for (unsigned i = 0; i < k; i++)
        in[key[i] & 0xFFFF] = true;
    unsigned m = 0;
    for (unsigned i = 0; i < g_all.count; i++)
        if (in[i])
            out[m++] = (uint16_t)i;
    return m;
}

static void check_viewers(unsigned max, uint32_t w, uint32_t h)
{
    static uint16_t got[PROTO_MAX_ENTITIES], want[PROTO_MAX_ENTITIES];
    for (int v = 0; v < 60; v++) {
        int self = v % 3 == 0 ? -1 : (int)(rnd() % PROTO_MAX_PLAYERS);
        uint16_t x, y;
        if (self >= 0 && (unsigned)self < g_all.count) {
            x = g_all.ents[self].x;
            y = g_all.ents[self].y;
        } else {
            x = (uint16_t)(v % 5 == 0 ? 65535 : rnd() % w); /* off the map too */
            y = (uint16_t)(v % 7 == 0 ? 0 : rnd() % h);
        }
        unsigned n = interest_pick(&g_in, &g_all, x, y, self, max, got);
        unsigned m = brute(x, y, self, max, want);
        assert_int_equal(n, m);
        assert_memory_equal(got, want, n * sizeof got[0]);
    }
}

static void test_matches_brute_force(void **state)
{
    (void)state;
    world(2000, 20000, 12000); /* 2000 entities on a 2500 x 1500 unit map */
    check_viewers(256, 20000, 12000);
    check_viewers(16, 20000, 12000);
    world(PROTO_MAX_ENTITIES, 65535, 65535); /* everything, the widest map */
    check_viewers(300, 65535, 65535);
    world(700, 300, 300); /* a tiny map: one cell */
    check_viewers(256, 300, 300);
}

static void test_small_world_is_whole(void **state)
{
    (void)state;
    static uint16_t got[PROTO_MAX_ENTITIES];
    world(100, 5000, 5000);
    unsigned n = interest_pick(&g_in, &g_all, 10, 10, 3, 99, got); /* 99 + self = all 100 */
    assert_int_equal(n, 100);
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(got[i], i);
    n = interest_pick(&g_in, &g_all, 10, 10, -1, 99, got); /* no self: one must go */
    assert_int_equal(n, 99);
}

/* snap_view_pick: the header of snap_view_for, the listed entities, never self. */
static void test_view_pick(void **state)
{
    (void)state;
    static SimWorld w; /* only the tick and the viewer's player matter here */
    memset(&w, 0, sizeof w);
    w.tick = 5;
    w.players[2] = (SimPlayer){.active = true, .alive = true, .x = 100, .y = 100};
    world(50, 5000, 5000);
    static SnapEntity ents[PROTO_MAX_ENTITIES];
    Snapshot out;
    snap_init(&out, ents, PROTO_MAX_ENTITIES);
    uint16_t idx[] = {0, 2, 7, 40};
    assert_true(snap_view_pick(&g_all, &w, 2, 4, idx, 4, &out));
    assert_true(out.has_self);
    assert_int_equal(out.self_id, 2);
    assert_int_equal(out.input_ack, 4);
    assert_int_equal(out.count, 3); /* entity 2 is the viewer: in the self block only */
    assert_int_equal(out.ents[0].id, 0);
    assert_int_equal(out.ents[1].id, 7);
    assert_int_equal(out.ents[2].id, 40);
    uint16_t bad[] = {3, 3};
    assert_false(snap_view_pick(&g_all, &w, 2, 4, bad, 2, &out)); /* not increasing */
    uint16_t far[] = {50};
    assert_false(snap_view_pick(&g_all, &w, 2, 4, far, 1, &out)); /* past the capture */
}

/* ---- views kept between picks (interest_view) ---------------------------------------- */

static uint16_t g_view_ids[PROTO_MAX_ENTITIES];

/* The next tick of the world, indexed: every entity moved by up to +-3 units (24 quantized). */
static void next_tick(void)
{
    g_all.tick++;
    for (unsigned i = 0; i < g_all.count; i++) {
        int x = g_ents[i].x + (int)(rnd() % 49) - 24, y = g_ents[i].y + (int)(rnd() % 49) - 24;
        g_ents[i].x = (uint16_t)(x < 0 ? 0 : x);
        g_ents[i].y = (uint16_t)(y < 0 ? 0 : y);
    }
    interest_index(&g_in, &g_all);
}

static bool contains(const uint16_t *idx, unsigned n, unsigned i)
{
    for (unsigned k = 0; k < n; k++)
        if (idx[k] == i)
            return true;
    return false;
}

/* The view as interest_view gives it, asserted to be exactly the nearest max; its size. */
static unsigned view_exact(InterestView *v, uint16_t x, uint16_t y, int self, unsigned max,
                           uint16_t *got)
{
    static uint16_t want[PROTO_MAX_ENTITIES];
    unsigned n = interest_view(&g_in, v, &g_all, x, y, self, max, got);
    assert_int_equal(n, brute(x, y, self, max, want));
    assert_memory_equal(got, want, n * sizeof got[0]);
    return n;
}

/* Picked at once, kept for INTEREST_VIEW_TICKS - 1 ticks (then not exact: entities moved),
 * picked again after: exact again. Always increasing, never more than max, never self. */
static void test_view_kept_then_picked(void **state)
{
    (void)state;
    static uint16_t got[PROTO_MAX_ENTITIES];
    world(2000, 20000, 12000);
    InterestView v;
    interest_view_init(&v, g_view_ids, PROTO_MAX_ENTITIES, 1); /* tick 5 + 1: a window's start */
    const int self = 7;
    uint16_t x = g_all.ents[self].x, y = g_all.ents[self].y;
    unsigned n = view_exact(&v, x, y, self, 64, got);
    uint16_t first[64];
    memcpy(first, got, n * sizeof got[0]);
    for (int age = 1; age < INTEREST_VIEW_TICKS; age++) {
        next_tick();
        n = interest_view(&g_in, &v, &g_all, x, y, self, 64, got);
        assert_int_equal(n, 64); /* the same entities: nobody came or went */
        assert_memory_equal(got, first, n * sizeof got[0]);
    }
    next_tick();
    n = view_exact(&v, x, y, self, 64, got);
    assert_false(contains(got, n, self));
}

/* Two views picked on the same tick with different phases fall due on different ticks, each
 * once per window of INTEREST_VIEW_TICKS ticks. */
static void test_view_phases_spread(void **state)
{
    (void)state;
    static uint16_t got[PROTO_MAX_ENTITIES], ids_b[PROTO_MAX_ENTITIES];
    world(2000, 20000, 12000); /* tick 5 */
    InterestView a, b;
    interest_view_init(&a, g_view_ids, PROTO_MAX_ENTITIES, 1); /* windows start at 5, 11, .. */
    interest_view_init(&b, ids_b, PROTO_MAX_ENTITIES, 4);      /* at 2, 8, 14, .. */
    (void)interest_view(&g_in, &a, &g_all, 5000, 5000, -1, 64, got);
    (void)interest_view(&g_in, &b, &g_all, 5000, 5000, -1, 64, got);
    unsigned picked_a = 0, picked_b = 0, first_b = 0;
    for (unsigned t = 6; t <= 17; t++) {
        next_tick();
        (void)interest_view(&g_in, &a, &g_all, 5000, 5000, -1, 64, got);
        (void)interest_view(&g_in, &b, &g_all, 5000, 5000, -1, 64, got);
        assert_true(interest_view_picked(&g_in, &a) == (t == 11 || t == 17));
        if (interest_view_picked(&g_in, &b)) {
            picked_b++;
            first_b = first_b ? first_b : t;
        }
        picked_a += interest_view_picked(&g_in, &a);
    }
    assert_int_equal(picked_a, 2);
    assert_int_equal(picked_b, 2);
    assert_int_equal(first_b, 8);
}

/* Between picks an entity that leaves the world leaves the view; one that appears (or jumps)
 * within the pick's reach joins it at once, one beyond does not. */
static void test_view_kept_births_and_deaths(void **state)
{
    (void)state;
    static uint16_t got[PROTO_MAX_ENTITIES], want[PROTO_MAX_ENTITIES];
    world(1400, 20000, 12000); /* players 0..1023, then shots */
    InterestView v;
    interest_view_init(&v, g_view_ids, PROTO_MAX_ENTITIES, 1); /* tick 5 + 1: a window's start */
    const int self = 3;
    uint16_t x = g_all.ents[self].x, y = g_all.ents[self].y;
    unsigned n = interest_view(&g_in, &v, &g_all, x, y, self, 100, got);
    assert_int_equal(n, brute(x, y, self, 100, want));
    unsigned cut = got[n - 3]; /* the capture from here on leaves: three picked at least */
    unsigned jumper = 0;       /* a player not in the view, who respawns next to the viewer */
    while (jumper == (unsigned)self || contains(got, n, jumper))
        jumper++;
    assert_true(jumper < cut);

    /* Next tick: a shot is fired at the viewer's feet and one on the far side of the map. */
    g_all.tick++;
    g_all.count = (uint16_t)cut;
    g_ents[g_all.count++] =
        (SnapEntity){.id = 4000, .type = SNAP_ENT_SHOT, .x = x, .y = (uint16_t)(y + 8)};
    g_ents[g_all.count++] = (SnapEntity){
        .id = 4001, .type = SNAP_ENT_SHOT, .x = (uint16_t)(x < 10000 ? 19900 : 100), .y = 100};
    unsigned i_near = cut, i_far = cut + 1u;
    g_ents[jumper].x = (uint16_t)(x + 16);
    g_ents[jumper].y = y;
    interest_index(&g_in, &g_all);
    n = interest_view(&g_in, &v, &g_all, x, y, self, 100, got);
    for (unsigned k = 0; k < n; k++)
        assert_true(got[k] < cut || got[k] == i_near); /* those that left are not seen */
    assert_true(contains(got, n, i_near));
    assert_false(contains(got, n, i_far));
    assert_true(contains(got, n, jumper)); /* a respawn is new: seen at once */
    /* Kept, not picked: the nearest 100 would fill the places of those that left. */
    assert_true(n < brute(x, y, self, 100, want));
    for (unsigned k = 1; k < n; k++)
        assert_true(got[k] > got[k - 1]);
}

/* A viewer that jumps (respawns) has its view picked again at once; so does one whose births
 * outran the ring, and a new player in the slot (interest_view_clear); a kept view that would
 * hold more than max holds the nearest max. */
static void test_view_picked_again(void **state)
{
    (void)state;
    static uint16_t got[PROTO_MAX_ENTITIES];
    world(2000, 20000, 12000);
    InterestView v;
    interest_view_init(&v, g_view_ids, PROTO_MAX_ENTITIES, 1); /* tick 5 + 1: a window's start */
    uint16_t x = 5000, y = 5000;
    (void)interest_view(&g_in, &v, &g_all, x, y, -1, 64, got);
    next_tick();
    x = 15000; /* far: the old view is of another place */
    view_exact(&v, x, y, -1, 64, got);

    /* Many shots at the viewer's feet: more than max would be kept, so the nearest max are. */
    g_all.tick++;
    g_all.count = 1500;
    for (unsigned k = 0; k < 80; k++)
        g_ents[g_all.count++] = (SnapEntity){
            .id = (uint16_t)(3000 + k), .type = SNAP_ENT_SHOT, .x = x, .y = (uint16_t)(y + k)};
    interest_index(&g_in, &g_all);
    view_exact(&v, x, y, -1, 64, got);

    /* More births since the pick than the ring holds (everyone respawns twice): picked. */
    for (unsigned round = 0; round < 2; round++) {
        g_all.tick++;
        for (unsigned i = 0; i < g_all.count; i++)
            g_ents[i].x = (uint16_t)(g_ents[i].x ^ (0x2000u >> round));
        interest_index(&g_in, &g_all);
    }
    view_exact(&v, x, y, -1, 64, got);

    /* Cleared (a new player in the slot): picked, exact, even for the same place. */
    next_tick();
    interest_view_clear(&v);
    view_exact(&v, x, y, -1, 64, got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_brute_force),
        cmocka_unit_test(test_small_world_is_whole),
        cmocka_unit_test(test_view_pick),
        cmocka_unit_test(test_view_kept_then_picked),
        cmocka_unit_test(test_view_phases_spread),
        cmocka_unit_test(test_view_kept_births_and_deaths),
        cmocka_unit_test(test_view_picked_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
