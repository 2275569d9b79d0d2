/* test_snapshot.c — the SNAPSHOT codec (snapshot.c) and the world bridge (snap_world.c).
 *
 * What a player would notice: another player drawn somewhere else than the server has them
 * (round trips, `sent` == what the client decodes), snapshots that stop fitting a datagram
 * (budget), the nearest enemies vanishing first when it is tight (priorities), and a client
 * that crashes on a damaged packet (truncation and mutation). The codec tests build snapshots
 * by hand and never run the simulation. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bitstream.h"
#include "quant.h"
#include "snap_world.h"
#include "snapshot.h"

enum { BIG = 65536, MAXE = PROTO_MAX_ENTITIES };

/* ---- helpers -------------------------------------------------------------------------- */

static uint64_t rng;

static void seed(uint64_t s)
{
    rng = s * 0x9E3779B97F4A7C15ull + 1;
}

static uint32_t rnd(void)
{
    /* splitmix64: every seed gives a good, reproducible stream */
    uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (uint32_t)((z ^ (z >> 31)) >> 32);
}

static uint32_t below(uint32_t n)
{
    return (uint32_t)(((uint64_t)rnd() * n) >> 32);
}

static int range(int lo, int hi) /* inclusive */
{
    return lo + (int)below((uint32_t)(hi - lo + 1));
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Storage for snapshots: heap, so ASan sees writes past a snapshot's capacity. */
typedef struct Snap {
    Snapshot s;
    SnapEntity *mem;
} Snap;

static void snap_new(Snap *x, uint16_t cap)
{
    x->mem = malloc(sizeof(SnapEntity) * (cap ? cap : 1));
    assert_non_null(x->mem);
    snap_init(&x->s, x->mem, cap);
}

static void snap_free(Snap *x)
{
    free(x->mem);
    x->mem = NULL;
}

static SnapEntity player(uint16_t id, uint16_t x, uint16_t y, int8_t vx, int8_t vy)
{
    SnapEntity e = {0};
    e.id = id;
    e.type = SNAP_ENT_PLAYER;
    e.flags = SNAP_FLAG_ALIVE;
    e.x = x;
    e.y = y;
    e.vx = vx;
    e.vy = vy;
    e.aim = (uint16_t)((id * 37u) & 1023u);
    e.score = (uint16_t)(id % 5);
    return e;
}

static SnapEntity shot(uint16_t id, uint8_t owner, uint16_t x, uint16_t y, int8_t vx, int8_t vy)
{
    SnapEntity e = {0};
    e.id = id;
    e.type = SNAP_ENT_SHOT;
    e.owner = owner;
    e.x = x;
    e.y = y;
    e.vx = vx;
    e.vy = vy;
    return e;
}

static SnapEntity rand_entity(uint16_t id, int type)
{
    SnapEntity e = {0};
    e.id = id;
    e.type = (uint8_t)type;
    e.x = (uint16_t)rnd();
    e.y = (uint16_t)rnd();
    e.vx = (int8_t)range(-127, 127);
    e.vy = (int8_t)range(-127, 127);
    if (below(4) == 0) { /* standing still happens a lot in games */
        e.vx = 0;
        e.vy = 0;
    }
    if (type == SNAP_ENT_PLAYER) {
        e.aim = (uint16_t)below(1024);
        e.score = (uint16_t)(below(8) == 0 ? rnd() : below(40));
        e.flags = (uint8_t)below(8);
        e.health = (uint8_t)below(PROTO_MAX_HEALTH + 1);
        e.deaths = (uint16_t)(below(8) == 0 ? rnd() : below(40));
    } else {
        e.owner = (uint8_t)rnd();
    }
    return e;
}

static SnapSelf rand_self(void)
{
    SnapSelf s = {0};
    s.x = (int32_t)rnd();
    s.y = below(2) ? (int32_t)below(1 << 20) : (int32_t)rnd();
    s.vx = range(-1024, 1024);
    s.vy = below(8) == 0 ? (int32_t)rnd() : range(-1024, 1024);
    s.aim = (uint16_t)below(4096);
    s.score = (uint16_t)(below(4) == 0 ? rnd() : below(30));
    s.flags = (uint8_t)below(4);
    s.cooldown = (uint8_t)below(16);
    s.respawn = (uint8_t)(below(3) == 0 ? below(61) : 0);
    s.health = (uint8_t)below(PROTO_MAX_HEALTH + 1);
    s.deaths = (uint16_t)(below(4) == 0 ? rnd() : below(30));
    return s;
}

/* A random valid snapshot with about `n` entities spread over the id space. */
static void rand_snapshot(Snapshot *s, uint32_t tick, unsigned n)
{
    s->tick = tick;
    s->input_ack = below(3) == 0 ? 0 : tick - below(tick < 40 ? tick : 40);
    s->has_self = below(4) != 0;
    s->self_id = s->has_self ? (uint16_t)below(PROTO_MAX_PLAYERS) : 0;
    if (s->has_self)
        s->self = rand_self();
    else
        memset(&s->self, 0, sizeof s->self);
    s->count = 0;
    uint32_t p = n >= MAXE ? 65536 : (uint32_t)(((uint64_t)n << 16) / MAXE);
    bool dense = below(2) == 0; /* dense: consecutive ids, like a busy server */
    for (uint16_t id = 0; id < MAXE && s->count < s->capacity; id++) {
        if (dense ? s->count >= n : below(65536) >= p)
            continue;
        int type = id < PROTO_SHOT_ID_BASE ? SNAP_ENT_PLAYER : SNAP_ENT_SHOT;
        if (below(16) == 0)
            type ^= 1; /* the codec does not care which id range a type uses */
        s->ents[s->count++] = rand_entity(id, type);
    }
}

/* target = baseline dt ticks later: entities moving (a little, as predicted, or teleporting),
 * turning, scoring, dying, disappearing, appearing, changing type; self changing or not. */
static void evolve(const Snapshot *base, Snapshot *t, uint32_t dt)
{
    t->tick = base->tick + dt;
    t->input_ack = below(4) == 0 ? 0 : t->tick - below(t->tick < 8 ? t->tick : 8);
    switch (below(5)) {
    case 0:
        t->has_self = false;
        memset(&t->self, 0, sizeof t->self);
        t->self_id = 0;
        break;
    case 1:
        t->has_self = true;
        t->self_id = (uint16_t)below(PROTO_MAX_PLAYERS);
        t->self = rand_self();
        break;
    default:
        t->has_self = base->has_self || below(2);
        t->self_id = base->has_self ? base->self_id : (uint16_t)below(PROTO_MAX_PLAYERS);
        t->self = base->has_self ? base->self : rand_self();
        if (t->has_self && below(2)) {
            t->self.x += range(-3000, 3000);
            t->self.vx += range(-50, 50);
        }
        if (t->has_self && below(4) == 0)
            t->self.aim = (uint16_t)below(4096);
        if (t->has_self && below(6) == 0)
            t->self.cooldown = (uint8_t)below(16);
        if (t->has_self && below(8) == 0)
            t->self.score++;
        if (t->has_self && below(8) == 0)
            t->self.flags = (uint8_t)below(4);
        if (t->has_self && below(10) == 0)
            t->self.respawn = (uint8_t)below(61);
        if (!t->has_self) {
            memset(&t->self, 0, sizeof t->self);
            t->self_id = 0;
        }
        break;
    }

    unsigned p_remove = below(20), p_retype = below(8), p_keep = below(100);
    unsigned p_add = below(4) == 0 ? below(64) : below(8);
    uint16_t bi = 0;
    t->count = 0;
    for (uint16_t id = 0; id < MAXE; id++) {
        const SnapEntity *b =
            bi < base->count && base->ents[bi].id == id ? &base->ents[bi++] : NULL;
        if (!b) {
            if (below(1024) < p_add) {
                int type = id < PROTO_SHOT_ID_BASE ? SNAP_ENT_PLAYER : SNAP_ENT_SHOT;
                t->ents[t->count++] = rand_entity(id, type);
            }
            continue;
        }
        if (below(100) < p_remove)
            continue;
        if (below(100) < p_retype) {
            SnapEntity e = rand_entity(id, b->type ^ 1);
            if (below(2)) { /* same type, but a shot with a new owner is a new shot too */
                e = *b;
                e.type = SNAP_ENT_SHOT;
                e.owner = (uint8_t)(b->type == SNAP_ENT_SHOT ? b->owner + 1 : 3);
                e.aim = 0;
                e.score = 0;
                e.flags = 0;
                e.health = 0;
                e.deaths = 0;
            }
            t->ents[t->count++] = e;
            continue;
        }
        SnapEntity e = *b;
        if (below(100) >= p_keep) {
            int px = b->x + b->vx * (int)dt, py = b->y + b->vy * (int)dt;
            switch (below(4)) {
            case 0: /* exactly as predicted */
                e.x = (uint16_t)clampi(px, 0, 65535);
                e.y = (uint16_t)clampi(py, 0, 65535);
                break;
            case 1: /* a little off */
                e.x = (uint16_t)clampi(px + range(-5, 5), 0, 65535);
                e.y = (uint16_t)clampi(py + range(-80, 80), 0, 65535);
                break;
            case 2: /* a lot off */
                e.x = (uint16_t)clampi(px + range(-2000, 2000), 0, 65535);
                e.y = (uint16_t)rnd();
                break;
            default: /* standing where it was */
                break;
            }
            if (below(3) == 0) {
                e.vx = (int8_t)clampi(b->vx + range(-6, 6), -127, 127);
                e.vy = (int8_t)(below(4) == 0 ? range(-127, 127) : b->vy);
            }
            if (e.type == SNAP_ENT_PLAYER) {
                if (below(3) == 0)
                    e.aim = (uint16_t)below(1024);
                if (below(8) == 0)
                    e.score = (uint16_t)(below(2) ? e.score + 1u : below(8) == 0 ? rnd() : 0u);
                if (below(8) == 0)
                    e.flags = (uint8_t)below(8);
                if (below(6) == 0)
                    e.health = (uint8_t)below(PROTO_MAX_HEALTH + 1);
                if (below(10) == 0)
                    e.deaths = (uint16_t)(e.deaths + 1u);
            }
        }
        t->ents[t->count++] = e;
    }
}

/* ---- model ---------------------------------------------------------------------------- */

static void test_model_rules(void **state)
{
    (void)state;
    Snap a;
    snap_new(&a, 4);
    assert_false(snap_valid(&a.s)); /* tick 0 */
    a.s.tick = 5;
    assert_true(snap_valid(&a.s));
    a.s.ents[0] = player(3, 10, 10, 0, 0);
    a.s.ents[1] = shot(300, 3, 10, 10, 96, 0);
    a.s.count = 2;
    assert_true(snap_valid(&a.s));
    assert_ptr_equal(snap_find(&a.s, 300), &a.s.ents[1]);
    assert_null(snap_find(&a.s, 4));

    a.s.ents[1].id = 3; /* duplicate id */
    assert_false(snap_valid(&a.s));
    a.s.ents[1].id = 300;
    a.s.ents[0].vx = -128; /* outside the symmetric velocity range */
    assert_false(snap_valid(&a.s));
    a.s.ents[0].vx = 0;
    a.s.ents[0].flags = 8; /* beyond the flag bits */
    assert_false(snap_valid(&a.s));
    a.s.ents[0].flags = 0;
    a.s.ents[0].health = PROTO_MAX_HEALTH + 1; /* more than full health */
    assert_false(snap_valid(&a.s));
    a.s.ents[0].health = 0;
    a.s.ents[1].health = 1; /* shots have no health */
    assert_false(snap_valid(&a.s));
    a.s.ents[1].health = 0;
    a.s.ents[0].aim = 1024;
    assert_false(snap_valid(&a.s));
    a.s.ents[0].aim = 0;
    a.s.ents[1].type = 2;
    assert_false(snap_valid(&a.s));
    a.s.ents[1].type = SNAP_ENT_SHOT;
    a.s.ents[1].id = PROTO_MAX_ENTITIES;
    assert_false(snap_valid(&a.s));
    a.s.ents[1].id = 300;
    a.s.has_self = true;
    a.s.self_id = PROTO_MAX_PLAYERS;
    assert_false(snap_valid(&a.s));
    a.s.self_id = 1;
    a.s.self.aim = 4096;
    assert_false(snap_valid(&a.s));
    a.s.self.aim = 4095;
    assert_true(snap_valid(&a.s));

    Snap b, small;
    snap_new(&b, 4);
    snap_new(&small, 1);
    assert_true(snap_copy(&b.s, &a.s));
    assert_true(snap_equal(&a.s, &b.s));
    assert_false(snap_copy(&small.s, &a.s));
    b.s.ents[1].x++;
    assert_false(snap_equal(&a.s, &b.s));
    snap_free(&a);
    snap_free(&b);
    snap_free(&small);
}

/* ---- round trips ---------------------------------------------------------------------- */

/* Encodes with a large budget, decodes, and checks decode == target == sent. Returns bytes. */
static size_t round_trip(const Snapshot *target, const Snapshot *base)
{
    static uint8_t buf[BIG];
    Snap sent, out;
    snap_new(&sent, MAXE);
    snap_new(&out, MAXE);
    SnapEncodeReport rep;
    SnapError err = snap_encode(
        &(SnapEncodeArgs){
            .target = target, .baseline = base, .budget = sizeof buf, .out = buf, .sent = &sent.s},
        &rep);
    assert_int_equal(err, SNAP_OK);
    assert_int_equal(rep.omitted, 0);
    assert_true(snap_equal(&sent.s, target));
    uint32_t tick = 0, btick = 0;
    assert_int_equal(snap_peek(buf, rep.bytes, &tick, &btick), SNAP_OK);
    assert_int_equal(tick, target->tick);
    assert_int_equal(btick, base ? base->tick : 0);
    err = snap_decode(buf, rep.bytes, base, &out.s);
    assert_int_equal(err, SNAP_OK);
    assert_true(snap_valid(&out.s));
    assert_true(snap_equal(&out.s, target));
    /* Exactly enough room (no slack to merge kept and added entities in), and one too few. */
    Snap exact;
    snap_new(&exact, target->count);
    assert_int_equal(snap_decode(buf, rep.bytes, base, &exact.s), SNAP_OK);
    assert_true(snap_equal(&exact.s, target));
    snap_free(&exact);
    if (target->count > 0) {
        snap_new(&exact, (uint16_t)(target->count - 1));
        assert_int_equal(snap_decode(buf, rep.bytes, base, &exact.s), SNAP_ERR_CAPACITY);
        snap_free(&exact);
    }
    snap_free(&sent);
    snap_free(&out);
    return rep.bytes;
}

static void test_round_trip_full_and_delta(void **state)
{
    (void)state;
    Snap a, b;
    snap_new(&a, 16);
    snap_new(&b, 16);
    a.s.tick = 1000;
    a.s.input_ack = 998;
    a.s.has_self = true;
    a.s.self_id = 2;
    a.s.self = (SnapSelf){.x = 40000,
                          .y = -5,
                          .vx = 1024,
                          .vy = -300,
                          .aim = 4095,
                          .score = 65535,
                          .flags = SNAP_FLAG_ALIVE | SNAP_FLAG_FIRED,
                          .cooldown = 15,
                          .respawn = 0};
    a.s.ents[0] = player(0, 100, 200, 32, -32);
    a.s.ents[1] = player(1, 0, 65535, -127, 127);
    a.s.ents[2] = player(7, 5000, 5000, 0, 0);
    a.s.ents[2].score = 65535;
    a.s.ents[3] = shot(256, 0, 300, 400, 96, 0);
    a.s.ents[4] = shot(257, 7, 65535, 0, -96, 5);
    a.s.ents[5] = shot(1023, 255, 1, 2, 3, 4);
    a.s.count = 6;
    size_t full = round_trip(&a.s, NULL);

    /* 6 ticks later: players 0 and 1 moved as predicted or not, 7 stood still, shot 256 flew
     * on, 257 is gone, 300 is new, self moved. */
    assert_true(snap_copy(&b.s, &a.s));
    b.s.tick = 1006;
    b.s.input_ack = 0;
    b.s.self.x += 6 * 1024;
    b.s.self.cooldown = 9;
    b.s.ents[0].x = (uint16_t)(100 + 6 * 32);
    b.s.ents[0].y = (uint16_t)(200 - 6 * 32 + 3);
    b.s.ents[0].aim = 17;
    b.s.ents[1].vx = -120;
    b.s.ents[3].x = (uint16_t)(300 + 6 * 96);
    b.s.ents[4] = shot(300, 1, 10, 10, 0, -96);
    b.s.count = 6;
    size_t delta = round_trip(&b.s, &a.s);
    assert_true(delta < full / 2);

    /* A baseline with the same tick distance but another self id: self is sent raw. */
    b.s.self_id = 9;
    round_trip(&b.s, &a.s);
    /* No self at all, no entities. */
    b.s.has_self = false;
    memset(&b.s.self, 0, sizeof b.s.self);
    b.s.self_id = 0;
    b.s.count = 0;
    round_trip(&b.s, &a.s);
    round_trip(&b.s, NULL);
    snap_free(&a);
    snap_free(&b);
}

static void test_full_world_round_trip(void **state)
{
    (void)state;
    Snap a, b;
    snap_new(&a, MAXE);
    snap_new(&b, MAXE);
    seed(7);
    a.s.tick = 77;
    for (uint16_t id = 0; id < MAXE; id++)
        a.s.ents[id] = rand_entity(id, id < PROTO_SHOT_ID_BASE ? 0 : 1);
    a.s.count = MAXE;
    round_trip(&a.s, NULL);
    evolve(&a.s, &b.s, 2);
    round_trip(&b.s, &a.s);
    snap_free(&a);
    snap_free(&b);
}

/* Random (baseline, target) pairs: exact round trips with a large budget, and with a small
 * one the message fits, decodes to `sent`, and is byte-identical to encoding `sent` itself. */
static void test_random_pairs(void **state)
{
    (void)state;
    static uint8_t buf[BIG], buf2[BIG];
    Snap base, target, sent, out, sent2;
    snap_new(&base, MAXE);
    snap_new(&target, MAXE);
    snap_new(&sent, MAXE);
    snap_new(&out, MAXE);
    snap_new(&sent2, MAXE);
    float prio[MAXE];
    unsigned budget_errors = 0, omissions = 0;
    for (uint32_t iter = 0; iter < 10000; iter++) {
        seed(iter);
        unsigned n = below(10) == 0 ? below(400) : below(40);
        rand_snapshot(&base.s, 1 + below(1u << 30), n);
        evolve(&base.s, &target.s, 1 + (below(4) == 0 ? below(300) : below(12)));
        const Snapshot *bl = below(8) == 0 ? NULL : &base.s;
        SnapEncodeReport rep;

        /* Large budget: exact. */
        SnapError err = snap_encode(&(SnapEncodeArgs){.target = &target.s,
                                                      .baseline = bl,
                                                      .budget = sizeof buf,
                                                      .out = buf,
                                                      .sent = &sent.s},
                                    &rep);
        assert_int_equal(err, SNAP_OK);
        assert_true(snap_equal(&sent.s, &target.s));
        assert_int_equal(snap_decode(buf, rep.bytes, bl, &out.s), SNAP_OK);
        assert_true(snap_equal(&out.s, &target.s));

        /* Small budget, with or without priorities. */
        size_t budget = 60 + below(241);
        for (uint16_t i = 0; i < target.s.count; i++)
            prio[i] = (float)below(100);
        const float *pr = below(2) ? prio : NULL;
        err = snap_encode(&(SnapEncodeArgs){.target = &target.s,
                                            .baseline = bl,
                                            .priority = pr,
                                            .budget = budget,
                                            .out = buf,
                                            .sent = &sent.s},
                          &rep);
        if (err == SNAP_ERR_BUDGET) {
            budget_errors++;
            continue;
        }
        assert_int_equal(err, SNAP_OK);
        assert_true(rep.bytes <= budget);
        omissions += rep.omitted;
        assert_int_equal(snap_decode(buf, rep.bytes, bl, &out.s), SNAP_OK);
        assert_true(snap_equal(&out.s, &sent.s));
        SnapEncodeReport rep2;
        err = snap_encode(&(SnapEncodeArgs){.target = &sent.s,
                                            .baseline = bl,
                                            .budget = sizeof buf2,
                                            .out = buf2,
                                            .sent = &sent2.s},
                          &rep2);
        assert_int_equal(err, SNAP_OK);
        assert_int_equal(rep2.bytes, rep.bytes);
        assert_memory_equal(buf, buf2, rep.bytes);
    }
    print_message("omissions %u budget errors %u\n", omissions, budget_errors);
    /* The mix really exercised both paths. */
    assert_true(omissions > 10000);
    assert_true(budget_errors < 500);
    snap_free(&base);
    snap_free(&target);
    snap_free(&sent);
    snap_free(&out);
    snap_free(&sent2);
}

/* ---- the memo of changed bodies ---------------------------------------------------------- */

typedef struct Encoded {
    SnapError err;
    SnapEncodeReport rep;
    uint8_t buf[BIG];
    Snap sent;
} Encoded;

static void encode_into(Encoded *e, const Snapshot *t, const Snapshot *bl, const float *pr,
                        size_t budget, SnapMemo *memo)
{
    memset(&e->rep, 0, sizeof e->rep);
    e->err = snap_encode(&(SnapEncodeArgs){.target = t,
                                           .baseline = bl,
                                           .priority = pr,
                                           .budget = budget,
                                           .out = e->buf,
                                           .sent = &e->sent.s,
                                           .memo = memo},
                         &e->rep);
}

static void assert_same_encoding(const Encoded *a, const Encoded *b)
{
    assert_int_equal(a->err, b->err);
    if (a->err != SNAP_OK)
        return;
    assert_int_equal(a->rep.bytes, b->rep.bytes);
    assert_memory_equal(a->buf, b->buf, a->rep.bytes);
    assert_int_equal(a->rep.included, b->rep.included);
    assert_int_equal(a->rep.unchanged, b->rep.unchanged);
    assert_int_equal(a->rep.removed, b->rep.removed);
    assert_int_equal(a->rep.omitted, b->rep.omitted);
    assert_true(snap_equal(&a->sent.s, &b->sent.s));
}

/* One memo across thousands of random pairs, each encoded for four clients: two with the
 * same baseline (the second finds every changed body in the memo), one whose baseline differs
 * in one entity and one with the same values a tick earlier (neither may be given the others'
 * bits). Every encoding is byte for byte the one without a memo, within a large budget and a
 * small one. */
static void test_memo_changes_nothing(void **state)
{
    (void)state;
    static Encoded plain, memod;
    SnapMemo *memo = malloc(sizeof *memo);
    assert_non_null(memo);
    snap_memo_init(memo);
    Snap base, other, earlier, target;
    snap_new(&base, MAXE);
    snap_new(&other, MAXE);
    snap_new(&earlier, MAXE);
    snap_new(&target, MAXE);
    snap_new(&plain.sent, MAXE);
    snap_new(&memod.sent, MAXE);
    float prio[MAXE];
    unsigned long hits = 0, misses = 0, second_hits = 0, second_changed = 0;
    for (uint32_t iter = 0; iter < 3000; iter++) {
        seed(500000 + iter);
        unsigned n = below(10) == 0 ? below(400) : below(40);
        rand_snapshot(&base.s, 1 + below(1u << 30), n);
        evolve(&base.s, &target.s, 1 + (below(4) == 0 ? below(300) : below(12)));
        assert_true(snap_copy(&other.s, &base.s));
        if (other.s.count > 0)
            other.s.ents[below(other.s.count)].x ^= 1; /* one entity, sent another value */
        assert_true(snap_copy(&earlier.s, &base.s));
        earlier.s.tick--; /* the same values a tick earlier: other predictions */
        earlier.s.input_ack = 0;
        for (uint16_t i = 0; i < target.s.count; i++)
            prio[i] = (float)below(100);
        size_t budget = below(3) == 0 ? 60 + below(241) : BIG;
        const float *pr = below(2) ? prio : NULL;
        const Snapshot *client[4] = {&base.s, &other.s, &base.s, &earlier.s};
        for (unsigned c = 0; c < 4; c++) {
            if (client[c]->tick == 0)
                continue;
            encode_into(&plain, &target.s, client[c], pr, budget, NULL);
            encode_into(&memod, &target.s, client[c], pr, budget, memo);
            assert_same_encoding(&plain, &memod);
            assert_int_equal(plain.rep.memo_hits + plain.rep.memo_misses, 0);
            hits += memod.rep.memo_hits;
            misses += memod.rep.memo_misses;
            if (c == 2 && memod.err == SNAP_OK) {
                second_hits += memod.rep.memo_hits;
                second_changed += memod.rep.memo_hits + memod.rep.memo_misses;
            }
        }
    }
    print_message("memo: %lu hits, %lu misses; the repeated client %lu of %lu\n", hits, misses,
                  second_hits, second_changed);
    assert_true(hits > 10000 && misses > 10000);
    /* The repeat finds what it needs, but for bodies over the 256 bits an entry holds (a
     * random entity can teleport and change every field at once; a game's are ~20-60). */
    assert_true(second_changed > 10000 && second_changed - second_hits <= second_changed / 1000);
    free(memo);
    snap_free(&base);
    snap_free(&other);
    snap_free(&earlier);
    snap_free(&target);
    snap_free(&plain.sent);
    snap_free(&memod.sent);
}

/* ---- size ----------------------------------------------------------------------------- */

static size_t unchanged_size(uint16_t n)
{
    static uint8_t buf[BIG];
    Snap a, b, sent;
    snap_new(&a, MAXE);
    snap_new(&b, MAXE);
    snap_new(&sent, MAXE);
    a.s.tick = 500;
    for (uint16_t i = 0; i < n; i++)
        a.s.ents[i] = i % 2 ? player(i, 4000, 4000, 0, 0) : shot(i, 1, 4000, 4000, 0, 0);
    a.s.count = n;
    assert_true(snap_copy(&b.s, &a.s));
    b.s.tick = 506;
    SnapEncodeReport rep;
    assert_int_equal(snap_encode(&(SnapEncodeArgs){.target = &b.s,
                                                   .baseline = &a.s,
                                                   .budget = sizeof buf,
                                                   .out = buf,
                                                   .sent = &sent.s},
                                 &rep),
                     SNAP_OK);
    assert_int_equal(rep.unchanged, n);
    assert_int_equal(rep.included, 0);
    snap_free(&a);
    snap_free(&b);
    snap_free(&sent);
    return rep.bytes;
}

static void test_unchanged_entity_costs_one_bit(void **state)
{
    (void)state;
    size_t s0 = unchanged_size(0), s800 = unchanged_size(800), s1024 = unchanged_size(1024);
    assert_true(s0 <= 9); /* header, no self, empty walk, zero added */
    assert_true(s800 - s0 >= 100 && s800 - s0 <= 101);
    assert_true(s1024 - s0 >= 128 && s1024 - s0 <= 129);
}

/* Shots moving exactly as the baseline predicts cost a few bits, not their full size. */
static void test_predicted_motion_is_cheap(void **state)
{
    (void)state;
    static uint8_t buf[BIG];
    Snap a, b, sent;
    snap_new(&a, 256);
    snap_new(&b, 256);
    snap_new(&sent, 256);
    a.s.tick = 100;
    for (uint16_t i = 0; i < 200; i++)
        a.s.ents[i] = shot((uint16_t)(256 + i), 0, (uint16_t)(1000 + i), 2000, 96, -40);
    a.s.count = 200;
    assert_true(snap_copy(&b.s, &a.s));
    b.s.tick = 106;
    for (uint16_t i = 0; i < 200; i++) {
        b.s.ents[i].x = (uint16_t)(b.s.ents[i].x + 6 * 96);
        b.s.ents[i].y = (uint16_t)(b.s.ents[i].y - 6 * 40);
    }
    SnapEncodeReport rep;
    assert_int_equal(snap_encode(&(SnapEncodeArgs){.target = &b.s,
                                                   .baseline = &a.s,
                                                   .budget = sizeof buf,
                                                   .out = buf,
                                                   .sent = &sent.s},
                                 &rep),
                     SNAP_OK);
    assert_int_equal(rep.included, 200);
    assert_true(rep.bytes <= 9 + 200 * 4 / 8 + 1); /* "10" + two clear change bits each */
    round_trip(&b.s, &a.s);
    snap_free(&a);
    snap_free(&b);
    snap_free(&sent);
}

/* ---- budget and priorities ------------------------------------------------------------ */

static void test_priorities_pick_the_most_important(void **state)
{
    (void)state;
    static uint8_t buf[BIG];
    Snap t, sent, out;
    snap_new(&t, 128);
    snap_new(&sent, 128);
    snap_new(&out, 128);
    float prio[100];
    uint16_t omitted[100];
    seed(42);
    t.s.tick = 9;
    /* 100 shots with ids two apart: every one costs the same 13 + 61 bits (a 12-bit id, a 10-bit
     * owner). */
    for (uint16_t i = 0; i < 100; i++) {
        t.s.ents[i] = shot((uint16_t)(1100 + 2 * i), 1, 100, 100, 1, 1);
        prio[i] = (float)((i * 37) % 100); /* a permutation of 0..99 */
    }
    t.s.count = 100;
    /* header 66 bits (16 of them input timing) + count 8 bits + k * 74 <= 1616 -> k = 20 */
    SnapEncodeReport rep;
    assert_int_equal(snap_encode(&(SnapEncodeArgs){.target = &t.s,
                                                   .priority = prio,
                                                   .budget = 202,
                                                   .out = buf,
                                                   .sent = &sent.s,
                                                   .omitted_ids = omitted,
                                                   .omitted_cap = 100},
                                 &rep),
                     SNAP_OK);
    assert_int_equal(rep.included, 20);
    assert_int_equal(rep.omitted, 80);
    assert_true(rep.bytes <= 202);
    assert_int_equal(snap_decode(buf, rep.bytes, NULL, &out.s), SNAP_OK);
    assert_true(snap_equal(&out.s, &sent.s));
    assert_int_equal(out.s.count, 20);
    for (uint16_t i = 0; i < 100; i++) {
        bool in = snap_find(&out.s, t.s.ents[i].id) != NULL;
        assert_int_equal(in, prio[i] >= 80.0f); /* exactly the top 20 */
        bool listed = false;
        for (uint16_t k = 0; k < 80; k++)
            listed = listed || omitted[k] == t.s.ents[i].id;
        assert_int_equal(listed, !in);
    }

    /* Without priorities the lowest ids go first; a NaN priority ranks last. */
    assert_int_equal(
        snap_encode(&(SnapEncodeArgs){.target = &t.s, .budget = 202, .out = buf, .sent = &sent.s},
                    &rep),
        SNAP_OK);
    assert_int_equal(sent.s.count, 20);
    assert_int_equal(sent.s.ents[19].id, 1100 + 2 * 19);
    for (uint16_t i = 0; i < 100; i++)
        prio[i] = 1.0f;
    prio[0] = NAN;
    assert_int_equal(
        snap_encode(
            &(SnapEncodeArgs){
                .target = &t.s, .priority = prio, .budget = 202, .out = buf, .sent = &sent.s},
            &rep),
        SNAP_OK);
    assert_null(snap_find(&sent.s, 1100));
    assert_non_null(snap_find(&sent.s, 1102));
    snap_free(&t);
    snap_free(&sent);
    snap_free(&out);
}

/* In a delta, left-out changes keep the baseline value and removals always go through. */
static void test_budget_delta_keeps_baseline_values(void **state)
{
    (void)state;
    static uint8_t buf[BIG];
    Snap a, b, sent, out;
    snap_new(&a, 256);
    snap_new(&b, 256);
    snap_new(&sent, 256);
    snap_new(&out, 256);
    float prio[256];
    a.s.tick = 50;
    for (uint16_t i = 0; i < 200; i++)
        a.s.ents[i] = player(i, (uint16_t)(1000 + 10 * i), 3000, 0, 0);
    a.s.count = 200;
    /* Even ids move 500 steps east (25 bits each); odd ids are gone. */
    b.s.tick = 56;
    b.s.count = 0;
    for (uint16_t i = 0; i < 200; i += 2) {
        prio[b.s.count] = (float)(i % 7);
        b.s.ents[b.s.count] = a.s.ents[i];
        b.s.ents[b.s.count++].x += 500;
    }
    SnapEncodeReport rep;
    const size_t budget = 90;
    assert_int_equal(snap_encode(&(SnapEncodeArgs){.target = &b.s,
                                                   .baseline = &a.s,
                                                   .priority = prio,
                                                   .budget = budget,
                                                   .out = buf,
                                                   .sent = &sent.s},
                                 &rep),
                     SNAP_OK);
    assert_true(rep.bytes <= budget);
    assert_int_equal(rep.removed, 100);
    assert_true(rep.included > 0 && rep.omitted > 0);
    assert_int_equal(rep.included + rep.omitted, 100);
    assert_int_equal(snap_decode(buf, rep.bytes, &a.s, &out.s), SNAP_OK);
    assert_true(snap_equal(&out.s, &sent.s));
    assert_int_equal(out.s.count, 100);
    float worst_in = 1e9f, best_out = -1e9f;
    for (uint16_t k = 0; k < 100; k++) {
        const SnapEntity *e = &out.s.ents[k];
        assert_int_equal(e->id % 2, 0);
        bool moved = e->x == a.s.ents[e->id].x + 500;
        assert_true(moved || e->x == a.s.ents[e->id].x);
        if (moved && prio[k] < worst_in)
            worst_in = prio[k];
        if (!moved && prio[k] > best_out)
            best_out = prio[k];
    }
    assert_true(worst_in >= best_out);

    /* Too small for even the header and the removals. */
    assert_int_equal(snap_encode(&(SnapEncodeArgs){.target = &b.s,
                                                   .baseline = &a.s,
                                                   .priority = prio,
                                                   .budget = 20,
                                                   .out = buf,
                                                   .sent = &sent.s},
                                 &rep),
                     SNAP_ERR_BUDGET);
    assert_int_equal(snap_encode(&(SnapEncodeArgs){.target = &b.s,
                                                   .baseline = &a.s,
                                                   .priority = prio,
                                                   .budget = 4,
                                                   .out = buf,
                                                   .sent = &sent.s},
                                 &rep),
                     SNAP_ERR_BUDGET);
    snap_free(&a);
    snap_free(&b);
    snap_free(&sent);
    snap_free(&out);
}

static void test_encoder_rejects_bad_input(void **state)
{
    (void)state;
    static uint8_t buf[256];
    Snap a, b, sent, tiny;
    snap_new(&a, 4);
    snap_new(&b, 4);
    snap_new(&sent, 4);
    snap_new(&tiny, 1);
    SnapEncodeReport rep;
    a.s.tick = 10;
    a.s.ents[0] = player(1, 1, 1, 0, 0);
    a.s.ents[1] = player(2, 1, 1, 0, 0);
    a.s.count = 2;
    assert_true(snap_copy(&b.s, &a.s));
    b.s.tick = 10; /* baseline must be older */
    assert_int_equal(snap_encode(&(SnapEncodeArgs){.target = &a.s,
                                                   .baseline = &b.s,
                                                   .budget = sizeof buf,
                                                   .out = buf,
                                                   .sent = &sent.s},
                                 &rep),
                     SNAP_ERR_INVALID);
    b.s.tick = 8;
    a.s.input_ack = 11; /* acknowledging an input from the future */
    assert_int_equal(snap_encode(&(SnapEncodeArgs){.target = &a.s,
                                                   .baseline = &b.s,
                                                   .budget = sizeof buf,
                                                   .out = buf,
                                                   .sent = &sent.s},
                                 &rep),
                     SNAP_ERR_INVALID);
    a.s.input_ack = 10;
    a.s.ents[1].id = 1;
    assert_int_equal(
        snap_encode(
            &(SnapEncodeArgs){.target = &a.s, .budget = sizeof buf, .out = buf, .sent = &sent.s},
            &rep),
        SNAP_ERR_INVALID);
    a.s.ents[1].id = 2;
    b.s.ents[0].type = 3;
    assert_int_equal(snap_encode(&(SnapEncodeArgs){.target = &a.s,
                                                   .baseline = &b.s,
                                                   .budget = sizeof buf,
                                                   .out = buf,
                                                   .sent = &sent.s},
                                 &rep),
                     SNAP_ERR_INVALID);
    assert_int_equal(
        snap_encode(
            &(SnapEncodeArgs){.target = &a.s, .budget = sizeof buf, .out = buf, .sent = &tiny.s},
            &rep),
        SNAP_ERR_CAPACITY);
    assert_int_equal(
        snap_encode(&(SnapEncodeArgs){.target = &a.s, .budget = 3, .out = buf, .sent = &sent.s},
                    &rep),
        SNAP_ERR_BUDGET);
    assert_int_equal(
        snap_encode(
            &(SnapEncodeArgs){.target = &a.s, .budget = sizeof buf, .out = buf, .sent = &sent.s},
            &rep),
        SNAP_OK);
    snap_free(&a);
    snap_free(&b);
    snap_free(&sent);
    snap_free(&tiny);
}

/* ---- hostile bytes -------------------------------------------------------------------- */

/* The 3+1-bit group code used for scores and the added count. */
static void put_g3(BsWriter *w, uint32_t v)
{
    do {
        bs_write_bits(w, v & 7u, 3);
        v >>= 3;
        bs_write_bits(w, v != 0, 1);
    } while (v != 0);
}

/* The health craft_full writes for a player (a test breaks it). */
static uint32_t g_craft_health = 50;

/* A full snapshot with one added entity, fields written raw, so tests can break one. */
static size_t craft_full(uint8_t *buf, size_t cap, uint32_t type, uint32_t id, uint32_t etype,
                         uint32_t vx_raw, uint32_t flags, bool long_id, bool moving_anyway)
{
    BsWriter w;
    bs_writer_init(&w, buf, cap);
    bs_write_bits(&w, type, 8);
    bs_write_bits(&w, 1234, 32);
    bs_write_uvarint(&w, 0);  /* full */
    bs_write_bits(&w, 0, 16); /* input timing: none */
    bs_write_bool(&w, false);
    bs_write_bool(&w, false);
    put_g3(&w, 1);
    if (id == 0 && !long_id) {
        bs_write_bits(&w, 1, 1);
    } else {
        bs_write_bits(&w, 0, 1);
        bs_write_bits(&w, id, 12);
    }
    bs_write_bits(&w, etype, 2);
    bs_write_bits(&w, 800, 16);
    bs_write_bits(&w, 900, 16);
    bs_write_bool(&w, vx_raw != 0 || moving_anyway);
    if (vx_raw != 0 || moving_anyway) {
        bs_write_bits(&w, vx_raw, 8);
        bs_write_bits(&w, 0, 8);
    }
    if (etype == SNAP_ENT_SHOT) {
        bs_write_bits(&w, 3, 10);
    } else {
        bs_write_bits(&w, 5, 10); /* aim */
        bs_write_bits(&w, 2, 3);  /* score 2 */
        bs_write_bits(&w, 0, 1);
        bs_write_bits(&w, flags, 3);
        bs_write_bits(&w, g_craft_health, 7);
        bs_write_bits(&w, 0, 4); /* deaths 0 */
    }
    bs_write_align(&w);
    assert_false(w.error);
    return bs_writer_bytes(&w);
}

static void test_decoder_rejects(void **state)
{
    (void)state;
    uint8_t buf[64];
    Snap out, base;
    snap_new(&out, 8);
    snap_new(&base, 8);
    size_t n =
        craft_full(buf, sizeof buf, PROTO_MSG_SNAPSHOT, 5, SNAP_ENT_PLAYER, 0x7F, 1, false, false);
    assert_int_equal(snap_decode(buf, n, NULL, &out.s), SNAP_OK);
    assert_int_equal(out.s.count, 1);
    assert_int_equal(out.s.ents[0].id, 5);
    assert_int_equal(out.s.ents[0].vx, 127);
    assert_int_equal(out.s.ents[0].score, 2);

    n = craft_full(buf, sizeof buf, PROTO_MSG_INPUT, 5, SNAP_ENT_PLAYER, 0, 1, false, false);
    assert_int_equal(snap_decode(buf, n, NULL, &out.s), SNAP_ERR_TYPE);
    n = craft_full(buf, sizeof buf, PROTO_MSG_SNAPSHOT, 5, SNAP_ENT_PLAYER, 0x80, 1, false, false);
    assert_int_equal(snap_decode(buf, n, NULL, &out.s), SNAP_ERR_VALUE); /* vx = -128 */
    n = craft_full(buf, sizeof buf, PROTO_MSG_SNAPSHOT, 5, 2, 0, 1, false, false);
    assert_int_equal(snap_decode(buf, n, NULL, &out.s), SNAP_ERR_VALUE); /* type 2 */
    g_craft_health = PROTO_MAX_HEALTH + 1;
    n = craft_full(buf, sizeof buf, PROTO_MSG_SNAPSHOT, 5, SNAP_ENT_PLAYER, 0, 4, false, false);
    assert_int_equal(snap_decode(buf, n, NULL, &out.s), SNAP_ERR_VALUE); /* health 101 */
    g_craft_health = 50;
    n = craft_full(buf, sizeof buf, PROTO_MSG_SNAPSHOT, 5, SNAP_ENT_PLAYER, 0, 4, false, false);
    assert_int_equal(snap_decode(buf, n, NULL, &out.s), SNAP_OK); /* protected */
    n = craft_full(buf, sizeof buf, PROTO_MSG_SNAPSHOT, 5, SNAP_ENT_PLAYER, 0, 0, false, true);
    assert_int_equal(snap_decode(buf, n, NULL, &out.s), SNAP_ERR_VALUE); /* "moving" at 0,0 */
    n = craft_full(buf, sizeof buf, PROTO_MSG_SNAPSHOT, 0, SNAP_ENT_PLAYER, 0, 0, true, false);
    assert_int_equal(snap_decode(buf, n, NULL, &out.s), SNAP_ERR_ID); /* "0"+id 0 is "1" */
    n = craft_full(buf, sizeof buf, PROTO_MSG_SNAPSHOT, 0, SNAP_ENT_PLAYER, 0, 0, false, false);
    assert_int_equal(snap_decode(buf, n, NULL, &out.s), SNAP_OK);
    n = craft_full(buf, sizeof buf, PROTO_MSG_SNAPSHOT, 1, SNAP_ENT_PLAYER, 0, 0, false, false);
    assert_int_equal(snap_decode(buf, n, NULL, &out.s), SNAP_OK); /* 1 needs the long code */
    n = craft_full(buf, sizeof buf, PROTO_MSG_SNAPSHOT, 5, SNAP_ENT_SHOT, 0, 0, false, false);
    assert_int_equal(snap_decode(buf, n, NULL, &out.s), SNAP_OK);
    assert_int_equal(out.s.ents[0].owner, 3);

    /* Trailing bytes, a non-zero padding bit, and truncation (a player: its message ends with
     * padding bits; the shot's ends on a byte boundary since owners have 10 bits). */
    n = craft_full(buf, sizeof buf, PROTO_MSG_SNAPSHOT, 5, SNAP_ENT_PLAYER, 0, 0, false, false);
    buf[n] = 0;
    assert_int_equal(snap_decode(buf, n + 1, NULL, &out.s), SNAP_ERR_TRAILING);
    buf[n - 1] |= 0x80;
    assert_int_equal(snap_decode(buf, n, NULL, &out.s), SNAP_ERR_TRAILING);
    assert_int_equal(snap_decode(buf, n - 1, NULL, &out.s), SNAP_ERR_TRUNCATED);
    assert_int_equal(snap_decode(buf, 0, NULL, &out.s), SNAP_ERR_TRUNCATED);

    /* Capacity: a 1-entity message into 0 slots. */
    Snap none;
    snap_new(&none, 0);
    n = craft_full(buf, sizeof buf, PROTO_MSG_SNAPSHOT, 5, SNAP_ENT_SHOT, 0, 0, false, false);
    assert_int_equal(snap_decode(buf, n, NULL, &none.s), SNAP_ERR_CAPACITY);
    snap_free(&none);

    /* A count no message of this length could hold is rejected before looping. */
    BsWriter w;
    bs_writer_init(&w, buf, sizeof buf);
    bs_write_bits(&w, PROTO_MSG_SNAPSHOT, 8);
    bs_write_bits(&w, 99, 32);
    bs_write_uvarint(&w, 0);
    bs_write_bits(&w, 0, 16); /* input timing: none */
    bs_write_bits(&w, 0, 2);
    put_g3(&w, 1000);
    bs_write_align(&w);
    assert_int_equal(snap_decode(buf, bs_writer_bytes(&w), NULL, &out.s), SNAP_ERR_TRUNCATED);

    /* Deltas: baseline missing or of another tick; tick 0; baseline tick 0. */
    base.s.tick = 90;
    base.s.ents[0] = player(4, 100, 100, 2, 0);
    base.s.count = 1;
    bs_writer_init(&w, buf, sizeof buf);
    bs_write_bits(&w, PROTO_MSG_SNAPSHOT, 8);
    bs_write_bits(&w, 99, 32);
    bs_write_uvarint(&w, 9);
    bs_write_bits(&w, 0, 16); /* input timing: none */
    bs_write_bits(&w, 0, 2);
    bs_write_bits(&w, 0, 1); /* entity 4 unchanged */
    put_g3(&w, 0);
    bs_write_align(&w);
    size_t dn = bs_writer_bytes(&w);
    assert_int_equal(snap_decode(buf, dn, &base.s, &out.s), SNAP_OK);
    assert_true(snap_equal(&out.s, &base.s) == false); /* tick differs */
    assert_int_equal(out.s.tick, 99);
    assert_int_equal(out.s.count, 1);
    assert_int_equal(snap_decode(buf, dn, NULL, &out.s), SNAP_ERR_BASELINE);
    base.s.tick = 91;
    assert_int_equal(snap_decode(buf, dn, &base.s, &out.s), SNAP_ERR_BASELINE);
    uint32_t t, bt;
    assert_int_equal(snap_peek(buf, dn, &t, &bt), SNAP_OK);
    assert_int_equal(t, 99);
    assert_int_equal(bt, 90);
    base.s.tick = 90;
    bs_writer_init(&w, buf, sizeof buf);
    bs_write_bits(&w, PROTO_MSG_SNAPSHOT, 8);
    bs_write_bits(&w, 99, 32);
    bs_write_uvarint(&w, 99); /* baseline tick 0 */
    bs_write_align(&w);
    assert_int_equal(snap_peek(buf, bs_writer_bytes(&w), &t, &bt), SNAP_ERR_VALUE);

    /* Non-canonical deltas: "10" with nothing changed (entity 4 moves 2/tick, so a clear
     * position bit means "as predicted"); an added id that is still alive. */
    bs_writer_init(&w, buf, sizeof buf);
    bs_write_bits(&w, PROTO_MSG_SNAPSHOT, 8);
    bs_write_bits(&w, 99, 32);
    bs_write_uvarint(&w, 9);
    bs_write_bits(&w, 0, 16); /* input timing: none */
    bs_write_bits(&w, 0, 2);
    bs_write_bits(&w, 1, 2); /* "10" */
    bs_write_bits(&w, 0, 5); /* all clear: x = 100 + 2 * 9 */
    put_g3(&w, 0);
    bs_write_align(&w);
    assert_int_equal(snap_decode(buf, bs_writer_bytes(&w), &base.s, &out.s), SNAP_OK);
    assert_int_equal(out.s.ents[0].x, 118);
    base.s.ents[0].vx = 0;
    assert_int_equal(snap_decode(buf, bs_writer_bytes(&w), &base.s, &out.s), SNAP_ERR_VALUE);
    base.s.ents[0].vx = 2;

    bs_writer_init(&w, buf, sizeof buf);
    bs_write_bits(&w, PROTO_MSG_SNAPSHOT, 8);
    bs_write_bits(&w, 99, 32);
    bs_write_uvarint(&w, 9);
    bs_write_bits(&w, 0, 16); /* input timing: none */
    bs_write_bits(&w, 0, 2);
    bs_write_bits(&w, 0, 1); /* entity 4 unchanged ... */
    put_g3(&w, 1);           /* ... and added again as a shot */
    bs_write_bits(&w, 0, 1);
    bs_write_bits(&w, 4, 12);
    bs_write_bits(&w, SNAP_ENT_SHOT, 2);
    bs_write_bits(&w, 0, 32); /* x, y */
    bs_write_bits(&w, 0, 11); /* not moving, owner 0 */
    bs_write_align(&w);
    assert_int_equal(snap_decode(buf, bs_writer_bytes(&w), &base.s, &out.s), SNAP_ERR_ID);

    snap_free(&out);
    snap_free(&base);
}

/* Messages of every kind, for the truncation and mutation tests. */
enum { CORPUS = 120 };
typedef struct Sample {
    uint8_t bytes[2048];
    size_t len;
    int base; /* index into bases, or -1 */
} Sample;

static Sample corpus[CORPUS];
static Snap bases[CORPUS];

static void build_corpus(void)
{
    Snap target, sent;
    snap_new(&target, MAXE);
    snap_new(&sent, MAXE);
    for (int i = 0; i < CORPUS; i++) {
        seed(1000u + (uint32_t)i);
        snap_new(&bases[i], MAXE);
        rand_snapshot(&bases[i].s, 1 + below(100000), i % 10 == 0 ? 200 : below(30));
        evolve(&bases[i].s, &target.s, 1 + below(10));
        corpus[i].base = i % 5 == 0 ? -1 : i;
        SnapEncodeReport rep;
        size_t budget = i % 3 == 0 ? 150 + below(200) : sizeof corpus[i].bytes;
        SnapError err =
            snap_encode(&(SnapEncodeArgs){.target = &target.s,
                                          .baseline = corpus[i].base < 0 ? NULL : &bases[i].s,
                                          .budget = budget,
                                          .out = corpus[i].bytes,
                                          .sent = &sent.s},
                        &rep);
        assert_int_equal(err, SNAP_OK);
        corpus[i].len = rep.bytes;
    }
    snap_free(&target);
    snap_free(&sent);
}

static void free_corpus(void)
{
    for (int i = 0; i < CORPUS; i++)
        snap_free(&bases[i]);
}

static void test_truncated_prefixes_fail(void **state)
{
    (void)state;
    build_corpus();
    Snap out;
    snap_new(&out, MAXE);
    for (int i = 0; i < CORPUS; i++) {
        const Snapshot *b = corpus[i].base < 0 ? NULL : &bases[corpus[i].base].s;
        assert_int_equal(snap_decode(corpus[i].bytes, corpus[i].len, b, &out.s), SNAP_OK);
        for (size_t len = 0; len < corpus[i].len; len++) {
            /* Exact-size heap copy: ASan catches any read past the prefix. */
            uint8_t *p = malloc(len ? len : 1);
            memcpy(p, corpus[i].bytes, len);
            SnapError err = snap_decode(p, len, b, &out.s);
            assert_int_not_equal(err, SNAP_OK);
            assert_int_equal(out.s.count, 0);
            free(p);
        }
    }
    snap_free(&out);
    free_corpus();
}

/* Random damage never crashes; whatever decodes is valid and re-encodes to the same bytes
 * (the format is canonical). Output storage sits at the very end of a heap block so a write
 * past its capacity is an ASan report. */
static void test_mutations(void **state)
{
    (void)state;
    build_corpus();
    SnapEntity *storage = malloc(sizeof(SnapEntity) * MAXE);
    Snap sent;
    snap_new(&sent, MAXE);
    static uint8_t again[4096];
    uint8_t m[2100];
    unsigned ok = 0;
    seed(99);
    for (uint32_t iter = 0; iter < 100000; iter++) {
        const Sample *smp = &corpus[below(CORPUS)];
        size_t len = smp->len;
        memcpy(m, smp->bytes, len);
        unsigned edits = 1 + below(3);
        for (unsigned k = 0; k < edits; k++) {
            switch (below(6)) {
            case 0:
            case 1:
                if (len)
                    m[below((uint32_t)len)] ^= (uint8_t)(1u << below(8));
                break;
            case 2:
                if (len)
                    m[below((uint32_t)len)] = (uint8_t)rnd();
                break;
            case 3:
                if (len < sizeof m - 1) { /* insert */
                    size_t at = below((uint32_t)len + 1);
                    memmove(m + at + 1, m + at, len - at);
                    m[at] = (uint8_t)rnd();
                    len++;
                }
                break;
            case 4:
                if (len) { /* delete */
                    size_t at = below((uint32_t)len);
                    memmove(m + at, m + at + 1, len - at - 1);
                    len--;
                }
                break;
            default:
                len = below((uint32_t)len + 1); /* truncate */
                break;
            }
        }
        const Snapshot *b = smp->base < 0 ? NULL : &bases[smp->base].s;
        if (below(10) == 0) /* sometimes some other baseline */
            b = &bases[below(CORPUS)].s;
        uint16_t cap = below(4) == 0 ? (uint16_t)below(40) : MAXE;
        Snapshot out;
        snap_init(&out, storage + (MAXE - cap), cap);
        uint8_t *p = malloc(len ? len : 1);
        memcpy(p, m, len);
        SnapError err = snap_decode(p, len, b, &out);
        if (err == SNAP_OK) {
            ok++;
            assert_true(snap_valid(&out));
            uint32_t t, bt;
            assert_int_equal(snap_peek(p, len, &t, &bt), SNAP_OK);
            SnapEncodeReport rep;
            const Snapshot *eb = bt ? b : NULL;
            assert_int_equal(snap_encode(&(SnapEncodeArgs){.target = &out,
                                                           .baseline = eb,
                                                           .budget = sizeof again,
                                                           .out = again,
                                                           .sent = &sent.s},
                                         &rep),
                             SNAP_OK);
            assert_int_equal(rep.bytes, len);
            assert_memory_equal(again, p, len);
        } else {
            assert_int_equal(out.count, 0);
        }
        free(p);
    }
    print_message("mutations decoded ok: %u\n", ok);
    assert_true(ok > 100); /* some damage is harmless (a changed position): still checked */
    free(storage);
    snap_free(&sent);
    free_corpus();
}

/* ---- snap_world ----------------------------------------------------------------------- */

static void test_capture_world(void **state)
{
    (void)state;
    static SimWorld w;
    memset(&w, 0, sizeof w);
    w.tick = 321;
    SimPlayer *p3 = &w.players[3];
    *p3 = (SimPlayer){.active = true,
                      .alive = true,
                      .fired = true,
                      .x = 1000 * 256 + 16,
                      .y = 200 * 256,
                      .vx = 1024,
                      .vy = -33,
                      .aim = 4094,
                      .score = 12,
                      .cooldown = 14,
                      .respawn = 0};
    w.players[0] = (SimPlayer){
        .active = true, .alive = false, .x = 64, .y = 64, .aim = 1024, .respawn = 30, .score = 3};
    w.players[7] = (SimPlayer){.active = true, .alive = true, .x = 5 * 256, .y = 6 * 256};
    w.players[9].x = 1234; /* inactive slot: never captured */
    w.shots[0] = (SimShot){
        .active = true, .owner = 3, .ttl = 40, .x = 900 * 256, .y = 200 * 256, .vx = 3072, .vy = 0};
    w.shots[5] =
        (SimShot){.active = true, .owner = 7, .ttl = 1, .x = 1, .y = 2, .vx = -3072, .vy = 1};

    Snap s;
    snap_new(&s, MAXE);
    assert_true(snap_capture(&w, 3, 300, &s.s));
    assert_true(snap_valid(&s.s));
    assert_int_equal(s.s.tick, 321);
    assert_int_equal(s.s.input_ack, 300);
    assert_true(s.s.has_self);
    assert_int_equal(s.s.self_id, 3);
    assert_int_equal(s.s.self.x, p3->x); /* full precision */
    assert_int_equal(s.s.self.vy, -33);
    assert_int_equal(s.s.self.aim, 4094);
    assert_int_equal(s.s.self.flags, SNAP_FLAG_ALIVE | SNAP_FLAG_FIRED);
    assert_int_equal(s.s.self.cooldown, 14);
    assert_int_equal(s.s.count, 4); /* players 0 and 7, shots 0 and 5; not the viewer */
    assert_null(snap_find(&s.s, 3));
    const SnapEntity *e0 = snap_find(&s.s, 0);
    assert_non_null(e0);
    assert_int_equal(e0->type, SNAP_ENT_PLAYER);
    assert_int_equal(e0->flags, 0); /* dead */
    assert_int_equal(e0->x, 2);
    assert_int_equal(e0->aim, 256);
    assert_int_equal(e0->score, 3);
    const SnapEntity *s0 = snap_find(&s.s, PROTO_SHOT_ID_BASE + 0);
    assert_non_null(s0);
    assert_int_equal(s0->type, SNAP_ENT_SHOT);
    assert_int_equal(s0->owner, 3);
    assert_int_equal(s0->x, 7200);
    assert_int_equal(s0->vx, 96);
    const SnapEntity *s5 = snap_find(&s.s, PROTO_SHOT_ID_BASE + 5);
    assert_non_null(s5);
    assert_int_equal(s5->vx, -96);
    assert_int_equal(s5->x, 0);

    /* A spectator sees everyone; a viewer without a live slot has no self block. */
    assert_true(snap_capture(&w, -1, 0, &s.s));
    assert_false(s.s.has_self);
    assert_int_equal(s.s.count, 5);
    assert_non_null(snap_find(&s.s, 3));
    assert_int_equal(snap_find(&s.s, 3)->x, q_pos(p3->x));
    assert_int_equal(snap_find(&s.s, 3)->flags, SNAP_FLAG_ALIVE | SNAP_FLAG_FIRED);
    assert_true(snap_capture(&w, 9, 0, &s.s));
    assert_false(s.s.has_self);
    assert_int_equal(s.s.count, 5);

    Snap small;
    snap_new(&small, 3);
    assert_false(snap_capture(&w, 3, 0, &small.s));
    w.tick = 0;
    assert_false(snap_capture(&w, 3, 0, &s.s));

    /* The self block restores the player exactly. */
    SnapSelf self;
    snap_self_from_player(p3, &self);
    SimPlayer back;
    memset(&back, 0, sizeof back);
    snap_self_to_player(&self, &back);
    assert_true(back.active && back.alive && back.fired);
    assert_int_equal(back.x, p3->x);
    assert_int_equal(back.y, p3->y);
    assert_int_equal(back.vx, p3->vx);
    assert_int_equal(back.vy, p3->vy);
    assert_int_equal(back.aim, p3->aim);
    assert_int_equal(back.score, p3->score);
    assert_int_equal(back.cooldown, p3->cooldown);
    assert_int_equal(back.respawn, p3->respawn);
    snap_self_from_player(&w.players[0], &self);
    snap_self_to_player(&self, &back);
    assert_false(back.alive);
    assert_int_equal(back.respawn, 30);
    snap_free(&s);
    snap_free(&small);
}

/* A server captures once per tick and derives each viewer's view: the result must be exactly
 * what a per-viewer capture gives, for players, spectators and empty slots. */
static void test_view_for_matches_capture(void **state)
{
    (void)state;
    static SimWorld w;
    memset(&w, 0, sizeof w);
    w.tick = 77;
    for (int i = 0; i < 40; i += 3)
        w.players[i] = (SimPlayer){.active = true,
                                   .alive = i % 2 == 0,
                                   .x = i * 5000,
                                   .y = 4000 + i,
                                   .vx = i - 20,
                                   .aim = (uint16_t)(i * 97),
                                   .score = (uint16_t)i,
                                   .cooldown = (uint8_t)i};
    for (int i = 0; i < 30; i += 4)
        w.shots[i] = (SimShot){
            .active = true, .owner = (uint8_t)(i % 40), .x = i * 333, .y = 9, .vx = 3072, .ttl = 5};
    Snap all, a, b;
    snap_new(&all, MAXE);
    snap_new(&a, MAXE);
    snap_new(&b, MAXE);
    assert_true(snap_capture(&w, -1, 0, &all.s));
    const int viewers[] = {-1, 0, 3, 39, 1, 255};
    for (size_t k = 0; k < sizeof viewers / sizeof viewers[0]; k++) {
        assert_true(snap_capture(&w, viewers[k], 70, &a.s));
        assert_true(snap_view_for(&all.s, &w, viewers[k], 70, &b.s));
        assert_true(snap_equal(&a.s, &b.s));
    }
    /* Not from a viewer-less capture of this tick: refused. */
    assert_true(snap_capture(&w, 3, 0, &a.s));
    assert_false(snap_view_for(&a.s, &w, 6, 0, &b.s));
    w.tick++;
    assert_false(snap_view_for(&all.s, &w, 6, 0, &b.s));
    snap_free(&all);
    snap_free(&a);
    snap_free(&b);
}

static void test_capture_full_world(void **state)
{
    (void)state;
    static SimWorld w;
    memset(&w, 0, sizeof w);
    w.tick = 1;
    for (int i = 0; i < PROTO_MAX_PLAYERS; i++)
        w.players[i] = (SimPlayer){.active = true, .alive = true, .x = i * 999, .y = 5000};
    for (int i = 0; i < PROTO_MAX_SHOTS; i++)
        w.shots[i] = (SimShot){.active = true,
                               .owner = (uint16_t)(i % PROTO_MAX_PLAYERS),
                               .x = i * 77,
                               .y = 1,
                               .vx = 3072};
    Snap s;
    snap_new(&s, MAXE);
    assert_true(snap_capture(&w, -1, 0, &s.s));
    assert_int_equal(s.s.count, MAXE);
    assert_true(snap_valid(&s.s));
    round_trip(&s.s, NULL);
    snap_free(&s);
}

/* Encodes target against base (NULL: full), expects exactly `bytes`, and decodes them back. */
static void assert_codes_to(const Snapshot *target, const Snapshot *base, const uint8_t *bytes,
                            size_t len)
{
    Snap sent, out;
    snap_new(&sent, 8);
    snap_new(&out, 8);
    uint8_t buf[256];
    SnapEncodeReport rep;
    assert_int_equal(snap_encode(&(SnapEncodeArgs){.target = target,
                                                   .baseline = base,
                                                   .budget = sizeof buf,
                                                   .out = buf,
                                                   .sent = &sent.s},
                                 &rep),
                     SNAP_OK);
    assert_int_equal(rep.bytes, len);
    assert_memory_equal(buf, bytes, len);
    assert_int_equal(snap_decode(bytes, len, base, &out.s), SNAP_OK);
    assert_true(snap_equal(&out.s, target));
    snap_free(&sent);
    snap_free(&out);
}

/* Golden bytes: a full snapshot and a delta (changed, unchanged, predicted, removed and added
 * entities, self block against the baseline's), as the hand-written codec wrote them before
 * the field table replaced it (issue 9), with version 3's 16 input-timing bits after `back`
 * (issue 10), and protocol 5's 12-bit entity ids and 10-bit owners (issue 12). Any change to
 * the wire format fails here. */
static void test_golden_bytes(void **state)
{
    (void)state;
    static const uint8_t full[] = {
        0x04, 0x6A, 0x00, 0x00, 0x00, 0x00, 0x17, 0x20, 0x03, 0x0E, 0x00, 0xAA, 0x06, 0xDB, 0xC6,
        0x4E, 0xF0, 0x24, 0x4D, 0x08, 0x01, 0x00, 0x00, 0x00, 0x94, 0x00, 0x40, 0x6C, 0x40, 0x6E,
        0x20, 0x43, 0xBF, 0x7F, 0x12, 0x00, 0x04, 0xC8, 0x00, 0x32, 0x00, 0x05, 0x10, 0x00, 0x40,
        0x81, 0xA8, 0x1B, 0x38, 0x18, 0x6A, 0x01, 0x04, 0x60, 0x05, 0x00, 0x7D, 0x20, 0x80, 0xF0,
        0x3F, 0x37, 0x0D, 0x00, 0x53, 0x7D, 0x20, 0x80, 0x08, 0x06, 0xB0, 0x02};
    static const uint8_t delta[] = {0x04, 0x6A, 0x00, 0x00, 0x00, 0x06, 0x17, 0x20, 0x03, 0x4E,
                                    0xE1, 0x4E, 0xF0, 0x01, 0x11, 0x04, 0x40, 0x23, 0xFD, 0x03,
                                    0xB1, 0x58, 0x01, 0x40, 0x1F, 0x08, 0x20, 0xFC, 0xCF, 0x4D,
                                    0x03, 0xC0, 0x54, 0x1F, 0x08, 0x20, 0x82, 0x01, 0xAC, 0x00};
    Snap b, t;
    snap_new(&b, 8);
    snap_new(&t, 8);
    b.s.tick = 100;
    b.s.input_ack = 98;
    b.s.has_self = true;
    b.s.self_id = 3;
    b.s.self = (SnapSelf){.x = 5000,
                          .y = 7000,
                          .vx = 300,
                          .vy = -40,
                          .aim = 1234,
                          .score = 7,
                          .flags = SNAP_FLAG_ALIVE,
                          .cooldown = 4};
    b.s.ents[0] = (SnapEntity){.id = 1,
                               .type = SNAP_ENT_PLAYER,
                               .flags = SNAP_FLAG_ALIVE,
                               .x = 800,
                               .y = 900,
                               .vx = 10,
                               .vy = -3,
                               .aim = 500,
                               .score = 2};
    b.s.ents[1] = (SnapEntity){
        .id = 2, .type = SNAP_ENT_PLAYER, .flags = SNAP_FLAG_ALIVE, .x = 1600, .y = 400, .aim = 20};
    b.s.ents[2] =
        (SnapEntity){.id = 40, .type = SNAP_ENT_SHOT, .x = 3000, .y = 3100, .vx = 90, .owner = 1};
    b.s.ents[3] = (SnapEntity){
        .id = 41, .type = SNAP_ENT_SHOT, .x = 100, .y = 200, .vx = -90, .vy = 20, .owner = 2};
    b.s.count = 4;
    assert_true(snap_copy(&t.s, &b.s));
    t.s.tick = 106;
    t.s.input_ack = 105;
    t.s.has_lead = true; /* timing: lead -6/8 tick (zigzag 11), 2 late: 17 20 */
    t.s.input_lead = -6;
    t.s.inputs_late = 2;
    t.s.self.x += 1800;
    t.s.self.vx = 310;
    t.s.self.score = 8;
    t.s.self.cooldown = 0;
    t.s.ents[0].x = 866; /* changed: position off the prediction, velocity, aim */
    t.s.ents[0].y = 882;
    t.s.ents[0].vx = 12;
    t.s.ents[0].aim = 510;
    t.s.ents[2].x = 3540; /* a shot exactly as predicted; entity 2 unchanged; 41 removed */
    t.s.ents[3] = (SnapEntity){.id = 43,
                               .type = SNAP_ENT_PLAYER,
                               .x = 4000,
                               .y = 4100,
                               .aim = 1023,
                               .score = 300,
                               .flags = SNAP_FLAG_ALIVE | SNAP_FLAG_FIRED};
    t.s.ents[4] =
        (SnapEntity){.id = 44, .type = SNAP_ENT_SHOT, .x = 4010, .y = 4100, .vx = 96, .owner = 43};
    t.s.count = 5;

    assert_codes_to(&t.s, NULL, full, sizeof full);
    assert_codes_to(&t.s, &b.s, delta, sizeof delta);
    snap_free(&b);
    snap_free(&t);
}

/* docs/protocol.md §2.5 "Worked example": a third party implements from those bytes, so they
 * must be what the codec writes (and reads). */
static void test_protocol_md_worked_example(void **state)
{
    (void)state;
    static const uint8_t full[] = {0x04, 0xE8, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0A,
                                   0x00, 0x08, 0x39, 0x00, 0x88, 0x1C, 0x00, 0x48, 0x00, 0x00,
                                   0x40, 0x03, 0x01, 0x00, 0x00, 0x00, 0x48, 0x40, 0x06, 0x20,
                                   0x03, 0x82, 0x00, 0x00, 0x54, 0x01, 0x00, 0x00, 0x0A, 0x7D,
                                   0x00, 0x32, 0x20, 0x18, 0x00, 0x00};
    static const uint8_t delta[] = {0x04, 0xEE, 0x03, 0x00, 0x00, 0x06, 0x51, 0x00, 0x03,
                                    0x86, 0x06, 0x04, 0x24, 0x41, 0x82, 0x20, 0x42, 0x00,
                                    0x45, 0x38, 0x40, 0x38, 0x10, 0x00, 0x14, 0x00};
    Snap b, t;
    snap_new(&b, 8);
    snap_new(&t, 8);
    b.s.tick = 1000;
    b.s.input_ack = 998;
    b.s.has_self = true;
    b.s.self_id = 2;
    b.s.self = (SnapSelf){
        .x = 25600, .y = 12800, .vx = 256, .aim = 1024, .score = 3, .flags = SNAP_FLAG_ALIVE};
    b.s.ents[0] = (SnapEntity){.id = 0,
                               .type = SNAP_ENT_PLAYER,
                               .flags = SNAP_FLAG_ALIVE,
                               .x = 800,
                               .y = 400,
                               .vx = 32,
                               .aim = 256,
                               .score = 5};
    b.s.ents[1] =
        (SnapEntity){.id = 1024, .type = SNAP_ENT_SHOT, .x = 1000, .y = 400, .vx = 96, .owner = 0};
    b.s.count = 2;
    assert_codes_to(&b.s, NULL, full, sizeof full);

    assert_true(snap_copy(&t.s, &b.s));
    t.s.tick = 1006;
    t.s.input_ack = 1005;
    t.s.has_lead = true; /* 2.5 ticks */
    t.s.input_lead = 20;
    t.s.self.x += 6 * 256;
    t.s.self.aim = 1030;
    t.s.ents[0].x = 993;
    t.s.ents[0].aim = 260;
    t.s.ents[1].x = 1576;
    t.s.ents[2] =
        (SnapEntity){.id = 1025, .type = SNAP_ENT_SHOT, .x = 900, .y = 900, .vy = -96, .owner = 0};
    t.s.count = 3;
    assert_codes_to(&t.s, &b.s, delta, sizeof delta);
    snap_free(&b);
    snap_free(&t);
}

/* docs/protocol.md §2.5 "Multi-group g3, bit by bit": score 300 (three groups) in a full
 * snapshot, then a score difference of -295 (zigzag 589, four groups) in a delta. */
static void test_protocol_md_g3_example(void **state)
{
    (void)state;
    static const uint8_t full[] = {0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x44,
                                   0x40, 0x06, 0x20, 0x03, 0x00, 0xC0, 0x4D, 0x01, 0x00};
    static const uint8_t delta[] = {0x04, 0x03, 0x00, 0x00, 0x00, 0x02,
                                    0x00, 0x00, 0x84, 0x9D, 0x19, 0x00};
    Snap b, t;
    snap_new(&b, 8);
    snap_new(&t, 8);
    b.s.tick = 1;
    b.s.ents[0] = (SnapEntity){.id = 0,
                               .type = SNAP_ENT_PLAYER,
                               .flags = SNAP_FLAG_ALIVE,
                               .x = 800,
                               .y = 400,
                               .score = 300};
    b.s.count = 1;
    assert_codes_to(&b.s, NULL, full, sizeof full);
    assert_true(snap_copy(&t.s, &b.s));
    t.s.tick = 3;
    t.s.ents[0].score = 5;
    assert_codes_to(&t.s, &b.s, delta, sizeof delta);
    snap_free(&b);
    snap_free(&t);
}

/* Input timing (protocol.md §2.3): the range holds both ends, values beyond are invalid (the
 * server saturates them), "no lead" has a single spelling, and bytes round-trip. */
static void test_input_timing(void **state)
{
    (void)state;
    Snap a, out;
    snap_new(&a, 1);
    snap_new(&out, 1);
    a.s.tick = 9;
    const int16_t leads[] = {SNAP_LEAD_MIN, -1, 0, 1, 20, SNAP_LEAD_MAX};
    for (unsigned i = 0; i < sizeof leads / sizeof leads[0]; i++) {
        a.s.has_lead = true;
        a.s.input_lead = leads[i];
        a.s.inputs_late = (uint8_t)(i * 3);
        assert_true(snap_valid(&a.s));
        round_trip(&a.s, NULL);
    }
    a.s.input_lead = SNAP_LEAD_MAX + 1;
    assert_false(snap_valid(&a.s));
    a.s.input_lead = SNAP_LEAD_MIN - 1;
    assert_false(snap_valid(&a.s));
    a.s.input_lead = 0;
    a.s.inputs_late = SNAP_LATE_MAX + 1;
    assert_false(snap_valid(&a.s));
    a.s.inputs_late = 0;
    a.s.has_lead = false;
    a.s.input_lead = 3;
    assert_false(snap_valid(&a.s)); /* a lead without has_lead */
    /* On the wire: type, tick 9, back 0, then has_lead 0 with lead zigzag 6 (3): rejected. */
    const uint8_t bad[] = {0x04, 0x09, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x00, 0x00};
    assert_int_equal(snap_decode(bad, sizeof bad, NULL, &out.s), SNAP_ERR_VALUE);
    const uint8_t good[] = {0x04, 0x09, 0x00, 0x00, 0x00, 0x00, 0x0B, 0xF0, 0x00};
    assert_int_equal(snap_decode(good, sizeof good, NULL, &out.s), SNAP_OK);
    assert_true(out.s.has_lead);
    assert_int_equal(out.s.input_lead, -3);
    assert_int_equal(out.s.inputs_late, 15);
    const uint8_t cut[] = {0x04, 0x09, 0x00, 0x00, 0x00, 0x00, 0x0B};
    assert_int_equal(snap_decode(cut, sizeof cut, NULL, &out.s), SNAP_ERR_TRUNCATED);
    snap_free(&a);
    snap_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_rules),
        cmocka_unit_test(test_round_trip_full_and_delta),
        cmocka_unit_test(test_full_world_round_trip),
        cmocka_unit_test(test_random_pairs),
        cmocka_unit_test(test_memo_changes_nothing),
        cmocka_unit_test(test_unchanged_entity_costs_one_bit),
        cmocka_unit_test(test_predicted_motion_is_cheap),
        cmocka_unit_test(test_priorities_pick_the_most_important),
        cmocka_unit_test(test_budget_delta_keeps_baseline_values),
        cmocka_unit_test(test_encoder_rejects_bad_input),
        cmocka_unit_test(test_decoder_rejects),
        cmocka_unit_test(test_golden_bytes),
        cmocka_unit_test(test_protocol_md_worked_example),
        cmocka_unit_test(test_protocol_md_g3_example),
        cmocka_unit_test(test_input_timing),
        cmocka_unit_test(test_truncated_prefixes_fail),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_capture_world),
        cmocka_unit_test(test_view_for_matches_capture),
        cmocka_unit_test(test_capture_full_world),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
