/* snap_store.c — see snap_store.h. */
#include "snap_store.h"

#include <string.h>

void snap_store_init(SnapStore *st, Snapshot *slots, unsigned nslots, SnapEntity *pool,
                     uint32_t pool_cap)
{
    memset(st, 0, sizeof *st);
    st->slots = slots;
    st->nslots = nslots;
    st->pool = pool;
    st->pool_cap = pool_cap;
    snap_store_clear(st);
}

void snap_store_clear(SnapStore *st)
{
    for (unsigned i = 0; i < st->nslots; i++)
        snap_init(&st->slots[i], st->pool, 0);
    st->head = 0;
    st->reserved = false;
}

/* Whether stored snapshot s has entities in pool[lo, lo + n). Empty snapshots own no run. */
static bool overlaps(const SnapStore *st, const Snapshot *s, uint32_t lo, uint32_t n)
{
    if (s->tick == 0 || s->count == 0 || n == 0)
        return false;
    uint32_t s0 = (uint32_t)(s->ents - st->pool);
    return lo < s0 + s->count && s0 < lo + n;
}

static bool is_slot(const SnapStore *st, const Snapshot *s)
{
    for (unsigned i = 0; i < st->nslots; i++)
        if (&st->slots[i] == s)
            return true;
    return false;
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
    if (keep != NULL && is_slot(st, keep) && overlaps(st, keep, lo, cap))
        return false;
    for (unsigned i = 0; i < st->nslots; i++) {
        Snapshot *r = &st->slots[i];
        if (r != keep && overlaps(st, r, lo, cap))
            r->tick = 0;
    }
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
        if (overlaps(st, &st->slots[i], lo, cap))
            return false;
    return snap_store_reserve(st, cap, NULL, out); /* evicts nothing: none overlaps */
}

/* The slot a new snapshot takes: an empty one, else the one with the lowest tick. */
static Snapshot *victim_slot(SnapStore *st)
{
    Snapshot *v = &st->slots[0];
    for (unsigned i = 0; i < st->nslots; i++) {
        Snapshot *r = &st->slots[i];
        if (r->tick == 0)
            return r;
        if (r->tick < v->tick)
            v = r;
    }
    return v;
}

const Snapshot *snap_store_commit(SnapStore *st, const Snapshot *s)
{
    if (!st->reserved || s->tick == 0 || s->ents != st->pool + st->run_lo || s->count > st->run_cap)
        return NULL;
    Snapshot *dst = victim_slot(st);
    *dst = *s;
    dst->capacity = s->count;
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
    for (unsigned i = 0; i < st->nslots; i++)
        if (st->slots[i].tick == tick)
            return &st->slots[i];
    return NULL;
}

const Snapshot *snap_store_at_or_before(const SnapStore *st, uint32_t tick)
{
    const Snapshot *best = NULL;
    for (unsigned i = 0; i < st->nslots; i++) {
        const Snapshot *r = &st->slots[i];
        if (r->tick != 0 && r->tick <= tick && (best == NULL || r->tick > best->tick))
            best = r;
    }
    return best;
}

const Snapshot *snap_store_after(const SnapStore *st, uint32_t tick)
{
    const Snapshot *best = NULL;
    for (unsigned i = 0; i < st->nslots; i++) {
        const Snapshot *r = &st->slots[i];
        if (r->tick > tick && (best == NULL || r->tick < best->tick))
            best = r;
    }
    return best;
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
        n += st->slots[i].tick != 0;
    return n;
}

void snap_store_forget(SnapStore *st, uint32_t tick)
{
    for (unsigned i = 0; i < st->nslots; i++)
        if (tick != 0 && st->slots[i].tick == tick)
            st->slots[i].tick = 0;
}

void snap_store_purge_before(SnapStore *st, uint32_t tick)
{
    for (unsigned i = 0; i < st->nslots; i++)
        if (st->slots[i].tick < tick)
            st->slots[i].tick = 0;
}
