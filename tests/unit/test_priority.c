/* test_priority.c — the priority accumulator with the real snapshot encoder: when a crowd
 * does not fit one 1200-byte datagram, the nearest entities are refreshed most often and
 * nobody starves. Runs the encoder exactly as the server does: delta against the previous
 * `sent` view (an instant acknowledgement), budget SRV_SNAP_BUDGET. Also the compact state:
 * what a send keeps, and an entity leaving the view forgetting its priority. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "priority.h"
#include "protocol.h"
#include "snapshot.h"

enum { N = 600, SNAPS = 120, BUDGET = PROTO_MAX_DATAGRAM - 32 };

static uint32_t rng(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* N entities that all move every snapshot (so every one of them is a candidate). */
static void make_world(Snapshot *t, uint32_t tick, uint32_t *seed)
{
    t->tick = tick;
    t->input_ack = 0;
    t->has_self = false;
    t->count = N;
    for (unsigned i = 0; i < N; i++) {
        SnapEntity *e = &t->ents[i];
        bool shot = i >= 256;
        memset(e, 0, sizeof *e);
        e->id = (uint16_t)i;
        e->type = shot ? SNAP_ENT_SHOT : SNAP_ENT_PLAYER;
        e->flags = shot ? 0 : SNAP_FLAG_ALIVE;
        /* Spread over 2000 x 1000 units (1/8 unit steps), jittering every snapshot. */
        e->x = (uint16_t)(8 * ((i * 37) % 2000) + rng(seed) % 64);
        e->y = (uint16_t)(8 * ((i * 91) % 1000) + rng(seed) % 64);
        e->vx = (int8_t)(rng(seed) % 21 - 10);
        e->vy = (int8_t)(rng(seed) % 21 - 10);
        e->owner = shot ? (uint8_t)(i % 256) : 0;
        e->aim = shot ? 0 : (uint16_t)(rng(seed) % 1024);
    }
}

static void test_crowd_nobody_starves_and_near_goes_first(void **state)
{
    (void)state;
    static SnapEntity target_e[N], views_e[2][PROTO_MAX_ENTITIES];
    static float acc[N], prio[N];
    static uint16_t ids[N], omitted[PROTO_MAX_ENTITIES];
    static unsigned last_sent[N], worst_gap[N], sends[N];
    Snapshot target, views[2];
    snap_init(&target, target_e, N);
    snap_init(&views[0], views_e[0], PROTO_MAX_ENTITIES);
    snap_init(&views[1], views_e[1], PROTO_MAX_ENTITIES);
    PrioState ps;
    prio_init(&ps, ids, acc, N);
    uint32_t seed = 12345;
    const int32_t vx = 100 * 256, vy = 100 * 256; /* the viewer, near one corner (Q8) */
    Snapshot *baseline = NULL;
    unsigned total_omitted = 0;
    uint8_t out[BUDGET];
    for (unsigned snap = 1; snap <= SNAPS; snap++) {
        make_world(&target, 2 * snap, &seed);
        prio_accumulate(&ps, &target, vx, vy, prio);
        Snapshot *sent = &views[snap % 2];
        SnapEncodeReport rep;
        assert_int_equal(snap_encode(&(SnapEncodeArgs){.target = &target,
                                                       .baseline = baseline,
                                                       .priority = prio,
                                                       .budget = BUDGET,
                                                       .out = out,
                                                       .sent = sent,
                                                       .omitted_ids = omitted,
                                                       .omitted_cap = PROTO_MAX_ENTITIES},
                                     &rep),
                         SNAP_OK);
        assert_true(rep.bytes <= BUDGET);
        prio_after_send(&ps, &target, prio, omitted, rep.omitted);
        total_omitted += rep.omitted;
        /* Who was refreshed: an entity whose view now equals the target. */
        for (unsigned i = 0; i < N; i++) {
            const SnapEntity *v = snap_find(sent, (uint16_t)i);
            bool fresh = v != NULL && memcmp(v, &target.ents[i], sizeof *v) == 0;
            if (fresh) {
                unsigned gap = snap - last_sent[i];
                if (gap > worst_gap[i])
                    worst_gap[i] = gap;
                last_sent[i] = snap;
                sends[i]++;
            }
        }
        baseline = sent;
    }
    assert_true(total_omitted > SNAPS * N / 2); /* the crowd really does not fit */
    unsigned worst = 0;
    double near_rate = 0, far_rate = 0;
    unsigned near_n = 0, far_n = 0;
    for (unsigned i = 0; i < N; i++) {
        assert_true(sends[i] > 0); /* everyone got through */
        unsigned gap = SNAPS - last_sent[i] + 1;
        if (gap > worst_gap[i])
            worst_gap[i] = gap;
        if (worst_gap[i] > worst)
            worst = worst_gap[i];
        double dx = target.ents[i].x / 8.0 - 100, dy = target.ents[i].y / 8.0 - 100;
        double d2 = dx * dx + dy * dy;
        if (d2 < 300.0 * 300.0) {
            near_rate += sends[i];
            near_n++;
        } else if (d2 > 1200.0 * 1200.0) {
            far_rate += sends[i];
            far_n++;
        }
    }
    print_message("worst refresh gap %u snapshots; near entities refreshed %.1f times, far %.1f "
                  "(of %d)\n",
                  worst, near_rate / near_n, far_rate / far_n, SNAPS);
    /* Nobody starves: even the farthest entity is refreshed at least every ~1/2 s at 30 Hz. */
    assert_true(worst <= 16);
    /* Near things go first: refreshed clearly more often than far ones. */
    assert_true(near_n > 0 && far_n > 0);
    assert_true(near_rate / near_n > 2.0 * (far_rate / far_n));
}

/* t over ents: n players with ids first, first + id_step, ..., at x = 0, x_step, ... (1/8 unit). */
static void players_row(Snapshot *t, SnapEntity *ents, unsigned n, unsigned first, unsigned id_step,
                        unsigned x_step)
{
    snap_init(t, ents, (uint16_t)n);
    t->tick = 1;
    t->count = (uint16_t)n;
    for (unsigned i = 0; i < n; i++) {
        memset(&ents[i], 0, sizeof ents[i]);
        ents[i].id = (uint16_t)(first + id_step * i);
        ents[i].type = SNAP_ENT_PLAYER;
        ents[i].x = (uint16_t)(x_step * i);
    }
}

/* The state after a send holds exactly the omitted entities, in id order, with the priority
 * they had; the next snapshot adds to those and starts the rest from zero. */
static void test_after_send_resets_only_what_was_sent(void **state)
{
    (void)state;
    static SnapEntity ents[4];
    static uint16_t ids[4];
    static float acc[4];
    PrioState ps;
    prio_init(&ps, ids, acc, 4);
    Snapshot t;
    players_row(&t, ents, 4, 0, 10, 8 * 100);
    float p[4], q[4];
    prio_accumulate(&ps, &t, 0, 0, p);
    assert_float_equal(p[0], prio_weight(&ents[0], 0, 0), 0.0); /* from zero */
    const uint16_t all[] = {0, 10, 20, 30};
    prio_after_send(&ps, &t, p, all, 4); /* nothing sent: everyone keeps climbing */
    prio_accumulate(&ps, &t, 0, 0, p);
    assert_true(p[0] > p[3]); /* the nearest weighs most */
    assert_float_equal(p[0], 2 * prio_weight(&ents[0], 0, 0), 1e-4);
    assert_float_equal(p[3], 2 * prio_weight(&ents[3], 0, 0), 1e-4);
    const uint16_t omitted[] = {10, 30};
    prio_after_send(&ps, &t, p, omitted, 2);
    assert_int_equal(ps.count, 2);
    assert_int_equal(ps.id[0], 10);
    assert_int_equal(ps.id[1], 30);
    assert_float_equal(ps.acc[0], p[1], 0.0);
    assert_float_equal(ps.acc[1], p[3], 0.0);
    prio_accumulate(&ps, &t, 0, 0, q);
    assert_float_equal(q[0], prio_weight(&ents[0], 0, 0), 0.0); /* sent: over again */
    assert_float_equal(q[2], prio_weight(&ents[2], 0, 0), 0.0);
    assert_float_equal(q[1], p[1] + prio_weight(&ents[1], 0, 0), 1e-5);
    assert_float_equal(q[3], p[3] + prio_weight(&ents[3], 0, 0), 1e-5);
    /* Shots weigh half again as much as a player at the same place. */
    SnapEntity shot = ents[1];
    shot.type = SNAP_ENT_SHOT;
    assert_float_equal(prio_weight(&shot, 0, 0), 1.5f * prio_weight(&ents[1], 0, 0), 1e-5);
}

/* An entity that leaves the view forgets its priority; one the state has no room for starts
 * over; ids the target lacks are never kept. */
static void test_leaving_the_view_forgets(void **state)
{
    (void)state;
    static SnapEntity ents[3];
    static uint16_t ids[2];
    static float acc[2];
    PrioState ps;
    prio_init(&ps, ids, acc, 2);
    Snapshot t;
    players_row(&t, ents, 3, 5, 1, 0);
    float p[3], w = prio_weight(&ents[0], 0, 0);
    prio_accumulate(&ps, &t, 0, 0, p);
    const uint16_t three[] = {5, 6, 7};
    prio_after_send(&ps, &t, p, three, 3); /* room for two: 7 starts over */
    assert_int_equal(ps.count, 2);
    assert_int_equal(ps.id[1], 6);
    const uint16_t bogus[] = {4, 6, 9}; /* 4 and 9 are not in the target */
    prio_after_send(&ps, &t, p, bogus, 3);
    assert_int_equal(ps.count, 1);
    assert_int_equal(ps.id[0], 6);
    /* 6 leaves the view, then comes back: it starts from zero. */
    t.count = 1; /* only id 5 */
    prio_accumulate(&ps, &t, 0, 0, p);
    const uint16_t five[] = {5};
    prio_after_send(&ps, &t, p, five, 1);
    assert_int_equal(ps.count, 1);
    assert_int_equal(ps.id[0], 5);
    t.count = 3;
    prio_accumulate(&ps, &t, 0, 0, p);
    assert_float_equal(p[0], 2 * w, 1e-5);
    assert_float_equal(p[1], w, 0.0);
    prio_clear(&ps);
    prio_accumulate(&ps, &t, 0, 0, p);
    assert_float_equal(p[0], w, 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crowd_nobody_starves_and_near_goes_first),
        cmocka_unit_test(test_after_send_resets_only_what_was_sent),
        cmocka_unit_test(test_leaving_the_view_forgets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
