/* snap_store.c — see snap_store.h. */
#include "snap_store.h"

#include <string.h>

_Static_assert((unsigned)PROTO_SNAP_BASELINES <= (unsigned)SNAP_STORE_MAX_SLOTS,
               "a store holds every baseline");

void snap_store_init(SnapStore *st, Snapshot *slots, unsigned nslots, SnapEntity *pool,
                     uint32_t pool_cap)
{
    memset(st, 0, sizeof *st);
    st->slots = slots;
    st->nslots = nslots < SNAP_STORE_MAX_SLOTS ? nslots : SNAP_STORE_MAX_SLOTS;
    st->pool = pool;
    st->pool_cap = pool_cap;
    snap_store_clear(st);
}

void snap_store_init_phased(SnapStore *st, Snapshot *slots, unsigned nslots, SnapEntity *pool,
                            uint32_t pool_cap)
{
    snap_store_init(st, slots, nslots, pool, pool_cap);
    st->phased = st->nslots > 0;
}

/* Empties slot i, header and copy. */
static void drop_slot(SnapStore *st, unsigned i)
{
    st->slots[i].tick = 0;
    st->tick[i] = 0;
}

void snap_store_clear(SnapStore *st)
{
    for (unsigned i = 0; i < st->nslots; i++) {
        snap_init(&st->slots[i], st->pool, 0);
        st->tick[i] = 0;
        st->run0[i] = 0;
        st->runn[i] = 0;
    }
    st->head = 0;
    st->reserved = false;
}

/* Whether stored slot i has entities in pool[lo, lo + n). Empty snapshots own no run. */
static bool overlaps(const SnapStore *st, unsigned i, uint32_t lo, uint32_t n)
{
    if (st->tick[i] == 0 || st->runn[i] == 0 || n == 0)
        return false;
    return lo < st->run0[i] + st->runn[i] && st->run0[i] < lo + n;
}

/* The slot index of s, or nslots if s is not one of this store's slots. By address, as
 * integers: < on pointers into different objects is undefined, a uintptr_t is exact. */
static unsigned slot_of(const SnapStore *st, const Snapshot *s)
{
    uintptr_t a = (uintptr_t)s, lo = (uintptr_t)st->slots;
    if (a < lo || (a - lo) % sizeof *st->slots != 0)
        return st->nslots;
    uintptr_t i = (a - lo) / sizeof *st->slots;
    return i < st->nslots ? (unsigned)i : st->nslots;
}

/* Where a run of cap entities starts: at the head, or back at 0 when it would pass the end. */
static uint32_t run_start(const SnapStore *st, uint16_t cap)
{
    return st->head + cap > st->pool_cap ? 0 : st->head;
}

bool snap_store_reserve(SnapStore *st, uint16_t cap, const Snapshot *keep, Snapshot *out)
{
    if (cap > st->pool_cap || st->nslots == 0)
        return false;
    uint32_t lo = run_start(st, cap);
    unsigned k = keep != NULL ? slot_of(st, keep) : st->nslots;
    if (k < st->nslots && overlaps(st, k, lo, cap))
        return false;
    for (unsigned i = 0; i < st->nslots; i++)
        if (i != k && overlaps(st, i, lo, cap))
            drop_slot(st, i);
    st->reserved = true;
    st->run_lo = lo;
    st->run_cap = cap;
    snap_init(out, st->pool + lo, cap);
    return true;
}

bool snap_store_reserve_unused(SnapStore *st, uint16_t cap, Snapshot *out)
{
    if (cap > st->pool_cap) /* snap_store_reserve refuses it too; run_start needs cap in range */
        return false;
    uint32_t lo = run_start(st, cap);
    for (unsigned i = 0; i < st->nslots; i++)
        if (overlaps(st, i, lo, cap))
            return false;
    return snap_store_reserve(st, cap, NULL, out); /* evicts nothing: none overlaps */
}

/* The slot a new snapshot of this tick takes: phased, its tick's; else an empty one, else the
 * one with the lowest tick. */
static unsigned victim_slot(const SnapStore *st, uint32_t tick)
{
    if (st->phased)
        return tick % st->nslots;
    unsigned v = 0;
    for (unsigned i = 0; i < st->nslots; i++) {
        if (st->tick[i] == 0)
            return i;
        if (st->tick[i] < st->tick[v])
            v = i;
    }
    return v;
}

const Snapshot *snap_store_commit(SnapStore *st, const Snapshot *s)
{
    if (!st->reserved || s->tick == 0 || s->ents != st->pool + st->run_lo || s->count > st->run_cap)
        return NULL;
    unsigned v = victim_slot(st, s->tick);
    Snapshot *dst = &st->slots[v];
    *dst = *s;
    dst->capacity = s->count;
    st->tick[v] = s->tick;
    st->run0[v] = st->run_lo;
    st->runn[v] = s->count;
    st->head = st->run_lo + s->count;
    st->reserved = false;
    return dst;
}

const Snapshot *snap_store_add(SnapStore *st, const Snapshot *s)
{
    Snapshot run;
    if (s->tick == 0 || !snap_store_reserve(st, s->count, NULL, &run))
        return NULL;
    (void)snap_copy(&run, s); /* capacity == count: cannot fail */
    return snap_store_commit(st, &run);
}

const Snapshot *snap_store_find(const SnapStore *st, uint32_t tick)
{
    if (tick == 0)
        return NULL;
    if (st->phased) {
        unsigned i = tick % st->nslots;
        return st->tick[i] == tick ? &st->slots[i] : NULL;
    }
    for (unsigned i = 0; i < st->nslots; i++)
        if (st->tick[i] == tick)
            return &st->slots[i];
    return NULL;
}

const Snapshot *snap_store_at_or_before(const SnapStore *st, uint32_t tick)
{
    unsigned best = st->nslots;
    for (unsigned i = 0; i < st->nslots; i++) {
        uint32_t t = st->tick[i];
        if (t != 0 && t <= tick && (best == st->nslots || t > st->tick[best]))
            best = i;
    }
    return best < st->nslots ? &st->slots[best] : NULL;
}

const Snapshot *snap_store_after(const SnapStore *st, uint32_t tick)
{
    unsigned best = st->nslots;
    for (unsigned i = 0; i < st->nslots; i++) {
        uint32_t t = st->tick[i];
        if (t > tick && (best == st->nslots || t < st->tick[best]))
            best = i;
    }
    return best < st->nslots ? &st->slots[best] : NULL;
}

const Snapshot *snap_store_oldest(const SnapStore *st)
{
    return snap_store_after(st, 0);
}

const Snapshot *snap_store_newest(const SnapStore *st)
{
    return snap_store_at_or_before(st, UINT32_MAX);
}

unsigned snap_store_count(const SnapStore *st)
{
    unsigned n = 0;
    for (unsigned i = 0; i < st->nslots; i++)
        n += st->tick[i] != 0;
    return n;
}

void snap_store_forget(SnapStore *st, uint32_t tick)
{
    for (unsigned i = 0; i < st->nslots; i++)
        if (tick != 0 && st->tick[i] == tick)
            drop_slot(st, i);
}

void snap_store_purge_before(SnapStore *st, uint32_t tick)
{
    for (unsigned i = 0; i < st->nslots; i++)
        if (st->tick[i] < tick)
            drop_slot(st, i);
}
