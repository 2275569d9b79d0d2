/* test_snap_store.c — the one store of remembered snapshots (server baselines, client
 * baselines, interpolation frames).
 *
 * What a user would notice if it broke: a delta decoded against the wrong baseline (garbage
 * positions), a baseline whose entities were overwritten by a newer snapshot (the same, but
 * only under load when the pool wraps), or a client that forgets the baseline the server is
 * about to use and drops every delta. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "snap_store.h"

enum { SLOTS = 4, POOL = 10 };

typedef struct Fixture {
    Snapshot slots[SLOTS];
    SnapEntity pool[POOL];
    SnapStore st;
    SnapEntity src_ents[POOL];
    Snapshot src;
} Fixture;

static void fixture_init(Fixture *f)
{
    memset(f, 0, sizeof *f);
    snap_store_init(&f->st, f->slots, SLOTS, f->pool, POOL);
    snap_init(&f->src, f->src_ents, POOL);
}

/* A snapshot of `n` players whose x carries the tick, so a corrupted copy is visible. */
static const Snapshot *make(Fixture *f, uint32_t tick, uint16_t n)
{
    f->src.tick = tick;
    f->src.count = n;
    for (uint16_t i = 0; i < n; i++) {
        memset(&f->src_ents[i], 0, sizeof f->src_ents[i]);
        f->src_ents[i].id = i;
        f->src_ents[i].type = SNAP_ENT_PLAYER;
        f->src_ents[i].x = (uint16_t)(tick * 16u + i);
    }
    return &f->src;
}

static bool intact(const Snapshot *s, uint32_t tick, uint16_t n)
{
    if (s == NULL || s->tick != tick || s->count != n)
        return false;
    for (uint16_t i = 0; i < n; i++)
        if (s->ents[i].id != i || s->ents[i].x != (uint16_t)(tick * 16u + i))
            return false;
    return true;
}

static void test_add_find(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f);
    assert_null(snap_store_find(&f.st, 1));
    assert_null(snap_store_newest(&f.st));
    assert_int_equal(snap_store_count(&f.st), 0);

    const Snapshot *a = snap_store_add(&f.st, make(&f, 5, 3));
    const Snapshot *b = snap_store_add(&f.st, make(&f, 7, 2));
    assert_true(intact(a, 5, 3));
    assert_true(intact(b, 7, 2));
    assert_ptr_equal(snap_store_find(&f.st, 5), a);
    assert_ptr_equal(snap_store_find(&f.st, 7), b);
    assert_null(snap_store_find(&f.st, 6));
    assert_null(snap_store_find(&f.st, 0)); /* tick 0 is "empty", never a snapshot */
    assert_ptr_equal(snap_store_oldest(&f.st), a);
    assert_ptr_equal(snap_store_newest(&f.st), b);
    assert_int_equal(snap_store_count(&f.st), 2);
    /* The copy is the store's own: changing the source changes nothing stored. */
    make(&f, 9, 3);
    assert_true(intact(a, 5, 3));
}

static void test_ordered_queries(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f);
    snap_store_add(&f.st, make(&f, 10, 1));
    snap_store_add(&f.st, make(&f, 20, 1));
    snap_store_add(&f.st, make(&f, 30, 1));
    assert_null(snap_store_at_or_before(&f.st, 9));
    assert_int_equal(snap_store_at_or_before(&f.st, 10)->tick, 10);
    assert_int_equal(snap_store_at_or_before(&f.st, 29)->tick, 20);
    assert_int_equal(snap_store_at_or_before(&f.st, 1000)->tick, 30);
    assert_int_equal(snap_store_after(&f.st, 0)->tick, 10);
    assert_int_equal(snap_store_after(&f.st, 10)->tick, 20);
    assert_int_equal(snap_store_after(&f.st, 25)->tick, 30);
    assert_null(snap_store_after(&f.st, 30));
}

/* More snapshots than slots: the lowest tick goes first. */
static void test_slots_evict_oldest(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f);
    for (uint32_t t = 1; t <= SLOTS + 2; t++)
        snap_store_add(&f.st, make(&f, t, 0)); /* empty snapshots: only slots matter */
    assert_int_equal(snap_store_count(&f.st), SLOTS);
    assert_null(snap_store_find(&f.st, 1));
    assert_null(snap_store_find(&f.st, 2));
    for (uint32_t t = 3; t <= SLOTS + 2; t++)
        assert_true(intact(snap_store_find(&f.st, t), t, 0));
}

/* The pool wraps: snapshots whose entities a new run overwrites are forgotten, the others
 * stay intact, and whatever is found is never corrupt. */
static void test_pool_wrap_evicts_overlap(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f);
    snap_store_add(&f.st, make(&f, 1, 4)); /* pool [0, 4) */
    snap_store_add(&f.st, make(&f, 2, 4)); /* pool [4, 8) */
    snap_store_add(&f.st, make(&f, 3, 3)); /* does not fit in [8, 10): wraps to [0, 3) */
    assert_null(snap_store_find(&f.st, 1));
    assert_true(intact(snap_store_find(&f.st, 2), 2, 4));
    assert_true(intact(snap_store_find(&f.st, 3), 3, 3));
    snap_store_add(&f.st, make(&f, 4, 2)); /* [3, 5): overlaps tick 2's run */
    assert_null(snap_store_find(&f.st, 2));
    assert_true(intact(snap_store_find(&f.st, 3), 3, 3));
    assert_true(intact(snap_store_find(&f.st, 4), 4, 2));

    /* A long run of random sizes: every snapshot still found is intact. */
    uint32_t rng = 12345;
    for (uint32_t t = 5; t < 2000; t++) {
        rng = rng * 1103515245u + 12345u;
        uint16_t n = (uint16_t)((rng >> 16) % (POOL + 1));
        assert_non_null(snap_store_add(&f.st, make(&f, t, n)));
        assert_true(intact(snap_store_find(&f.st, t), t, n));
        for (unsigned i = 0; i < SLOTS; i++) {
            const Snapshot *s = &f.slots[i];
            if (s->tick != 0)
                assert_true(intact(s, s->tick, s->count));
        }
    }
}

/* A decoder's way in: the largest run, only where it evicts nothing. */
static void test_reserve_unused(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f);
    Snapshot run;
    assert_true(snap_store_reserve_unused(&f.st, 6, &run)); /* an empty store: [0, 6) */
    snap_store_add(&f.st, make(&f, 1, 4));                  /* [0, 4) */
    assert_true(snap_store_reserve_unused(&f.st, 6, &run)); /* [4, 10) is free */
    assert_true(run.ents == f.pool + 4);
    snap_store_add(&f.st, make(&f, 2, 3)); /* [4, 7) */
    /* 6 from 7 wraps to [0, 6), over ticks 1 and 2: refused, both still there */
    assert_false(snap_store_reserve_unused(&f.st, 6, &run));
    assert_true(intact(snap_store_find(&f.st, 1), 1, 4));
    assert_true(intact(snap_store_find(&f.st, 2), 2, 3));
    assert_true(snap_store_reserve_unused(&f.st, 3, &run)); /* [7, 10) is free */
    assert_false(snap_store_reserve_unused(&f.st, POOL + 1, &run));
}

/* The encoder's way in: reserve a run, write into it, commit. The baseline being encoded
 * against survives the run, or the reserve refuses. */
static void test_reserve_keeps_baseline(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f);
    const Snapshot *base = snap_store_add(&f.st, make(&f, 1, 4)); /* [0, 4) */
    snap_store_add(&f.st, make(&f, 2, 4));                        /* [4, 8) */

    Snapshot run;
    /* 4 more do not fit in [8, 10): the run wraps onto the baseline: refused, nothing lost. */
    assert_false(snap_store_reserve(&f.st, 4, base, &run));
    assert_true(intact(snap_store_find(&f.st, 1), 1, 4));
    assert_true(intact(snap_store_find(&f.st, 2), 2, 4));
    /* Without the baseline to keep, the same run evicts it. */
    assert_true(snap_store_reserve(&f.st, 4, NULL, &run));
    assert_null(snap_store_find(&f.st, 1));
    assert_int_equal(run.capacity, 4);
    assert_ptr_equal(run.ents, f.pool);

    /* Fill fewer than reserved and commit: only what was written is kept. */
    run.tick = 3;
    run.count = 2;
    run.ents[0] = (SnapEntity){.id = 0, .x = 3 * 16};
    run.ents[1] = (SnapEntity){.id = 1, .x = 3 * 16 + 1};
    const Snapshot *c = snap_store_commit(&f.st, &run);
    assert_true(intact(c, 3, 2));
    assert_int_equal(c->capacity, 2);
    /* The next run starts right after what was kept, not after what was reserved. */
    assert_true(snap_store_reserve(&f.st, 2, NULL, &run));
    assert_ptr_equal(run.ents, f.pool + 2);
    assert_true(intact(snap_store_find(&f.st, 2), 2, 4)); /* [2, 4) does not reach [4, 8) */
}

/* A snapshot that is not one of the store's (a copy of one) is no baseline to keep. */
static void test_keep_only_own_slots(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f);
    const Snapshot *base = snap_store_add(&f.st, make(&f, 1, 4)); /* [0, 4) */
    snap_store_add(&f.st, make(&f, 2, 4));                        /* [4, 8) */
    Snapshot copy = *base, run;
    assert_true(snap_store_reserve(&f.st, 4, &copy, &run)); /* wraps onto tick 1: evicted */
    assert_null(snap_store_find(&f.st, 1));
    assert_true(intact(snap_store_find(&f.st, 2), 2, 4));
}

/* A phased store keeps exactly what a plain one keeps when every snapshot of the same tick
 * modulo the slot count is forgotten before a commit (the server's rule, once done by hand in
 * tick.c): over a long run of ticks with gaps and random sizes, both find the same ticks,
 * intact, and tick t sits in slot t % SLOTS. */
static void test_phased_is_the_retention_rule(void **state)
{
    (void)state;
    Fixture ph, plain;
    fixture_init(&plain);
    memset(&ph, 0, sizeof ph);
    snap_store_init_phased(&ph.st, ph.slots, SLOTS, ph.pool, POOL);
    snap_init(&ph.src, ph.src_ents, POOL);
    uint32_t rng = 777, t = 1;
    for (unsigned step = 0; step < 3000; step++) {
        rng = rng * 1103515245u + 12345u;
        t += 1 + (rng >> 16) % 3; /* gaps: not every phase comes round in turn */
        uint16_t n = (uint16_t)((rng >> 20) % (POOL / 2 + 1));
        const Snapshot *base = snap_store_newest(&ph.st);
        const Snapshot *pbase = base ? snap_store_find(&plain.st, base->tick) : NULL;
        assert_true((base == NULL) == (pbase == NULL));
        Snapshot run, prun;
        bool ok = snap_store_reserve(&ph.st, n, base, &run);
        assert_int_equal(ok, snap_store_reserve(&plain.st, n, pbase, &prun));
        if (!ok)
            continue;
        make(&ph, t, n);
        run.tick = prun.tick = t;
        run.count = prun.count = n;
        memcpy(run.ents, ph.src.ents, n * sizeof *run.ents);
        memcpy(prun.ents, ph.src.ents, n * sizeof *prun.ents);
        for (uint32_t old = t % SLOTS; old < t; old += SLOTS)
            snap_store_forget(&plain.st, old);
        const Snapshot *c = snap_store_commit(&ph.st, &run);
        assert_ptr_equal(c, &ph.slots[t % SLOTS]);
        assert_non_null(snap_store_commit(&plain.st, &prun));
        for (uint32_t q = t > 4 * SLOTS ? t - 4 * SLOTS : 1; q <= t; q++) {
            const Snapshot *a = snap_store_find(&ph.st, q), *b = snap_store_find(&plain.st, q);
            assert_true((a == NULL) == (b == NULL));
            if (a != NULL) {
                assert_true(intact(a, q, a->count));
                assert_true(intact(b, q, a->count));
            }
        }
        assert_int_equal(snap_store_count(&ph.st), snap_store_count(&plain.st));
    }
}

static void test_commit_rejects_misuse(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f);
    Snapshot run;
    /* No reserve yet. */
    assert_null(snap_store_commit(&f.st, make(&f, 1, 1)));
    assert_true(snap_store_reserve(&f.st, 2, NULL, &run));
    /* Not the reserved run (a snapshot elsewhere). */
    assert_null(snap_store_commit(&f.st, make(&f, 1, 1)));
    /* More entities than reserved. */
    run.tick = 1;
    run.count = 3;
    assert_null(snap_store_commit(&f.st, &run));
    /* Tick 0. */
    run.tick = 0;
    run.count = 1;
    assert_null(snap_store_commit(&f.st, &run));
    run.tick = 1;
    assert_non_null(snap_store_commit(&f.st, &run));
    /* Committed once: a second commit of the same run is refused. */
    assert_null(snap_store_commit(&f.st, &run));
    /* Larger than the pool, or tick 0: add refuses and stores nothing. */
    Snapshot big;
    SnapEntity big_ents[POOL + 1];
    memset(big_ents, 0, sizeof big_ents);
    snap_init(&big, big_ents, POOL + 1);
    big.tick = 9;
    big.count = POOL + 1;
    assert_null(snap_store_add(&f.st, &big));
    assert_null(snap_store_find(&f.st, 9));
    assert_null(snap_store_add(&f.st, make(&f, 0, 1)));
}

static void test_purge_and_clear(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f);
    for (uint32_t t = 1; t <= 4; t++)
        snap_store_add(&f.st, make(&f, t, 1));
    snap_store_purge_before(&f.st, 3);
    assert_null(snap_store_find(&f.st, 1));
    assert_null(snap_store_find(&f.st, 2));
    assert_true(intact(snap_store_find(&f.st, 3), 3, 1));
    assert_true(intact(snap_store_find(&f.st, 4), 4, 1));
    assert_int_equal(snap_store_count(&f.st), 2);
    snap_store_forget(&f.st, 4);
    snap_store_forget(&f.st, 99); /* not stored: nothing happens */
    assert_null(snap_store_find(&f.st, 4));
    assert_true(intact(snap_store_find(&f.st, 3), 3, 1));
    assert_int_equal(snap_store_count(&f.st), 1);
    snap_store_clear(&f.st);
    assert_int_equal(snap_store_count(&f.st), 0);
    assert_null(snap_store_newest(&f.st));
    /* After a clear the pool starts over. */
    Snapshot run;
    assert_true(snap_store_reserve(&f.st, 1, NULL, &run));
    assert_ptr_equal(run.ents, f.pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_find),
        cmocka_unit_test(test_ordered_queries),
        cmocka_unit_test(test_slots_evict_oldest),
        cmocka_unit_test(test_pool_wrap_evicts_overlap),
        cmocka_unit_test(test_reserve_keeps_baseline),
        cmocka_unit_test(test_reserve_unused),
        cmocka_unit_test(test_keep_only_own_slots),
        cmocka_unit_test(test_phased_is_the_retention_rule),
        cmocka_unit_test(test_commit_rejects_misuse),
        cmocka_unit_test(test_purge_and_clear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
