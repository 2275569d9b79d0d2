/* test_interest.c — server/interest.h: a client's view is exactly the nearest `max` entities
 * (a brute-force search agrees on random worlds, crowded and sparse, viewers at the edges and
 * off the map), never the viewer itself, in increasing order; a small world is seen whole;
 * snap_view_pick builds the snapshot from the picked indices. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_brute_force),
        cmocka_unit_test(test_small_world_is_whole),
        cmocka_unit_test(test_view_pick),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
