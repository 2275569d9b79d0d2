/* interest.c — see interest.h. */
#include "interest.h"

#include <string.h>

void interest_init(SrvInterest *in, uint32_t w, uint32_t h)
{
    in->extent = w > h ? w : h;
    in->shift = 0;
    in->side = 1;
    in->indexed = 0;
    in->tick = 0;
    in->births = 0;
    memset(in->seen, 0, sizeof in->seen);
    memset(in->born, 0, sizeof in->born);
}

/* Cells of about INTEREST_PER_CELL entities each (a map-wide average): fewer, larger cells
 * for a sparse world, down to INTEREST_GRID per side for a crowded one. */
static void fit_grid(SrvInterest *in, unsigned n)
{
    unsigned want = 1;
    while (want < INTEREST_GRID && (want + 1) * (want + 1) * INTEREST_PER_CELL <= n)
        want++;
    uint32_t last = in->extent > 0 ? in->extent - 1 : 0;
    in->shift = 0;
    while ((last >> in->shift) + 1 > want)
        in->shift++;
    in->side = (last >> in->shift) + 1;
}

static unsigned cell_coord(const SrvInterest *in, uint16_t v)
{
    unsigned c = (unsigned)v >> in->shift;
    return c < in->side ? c : in->side - 1; /* a position past the map (never, but bounded) */
}

static bool jumped(uint16_t from, uint16_t to)
{
    return (from > to ? from - to : to - from) > INTEREST_JUMP;
}

/* Per id: where this tick's capture holds it, and whether it is new since the tick indexed
 * before (absent then, or jumped): then it goes into the births ring. */
static void track(SrvInterest *in, const Snapshot *all, unsigned n)
{
    uint32_t t = all->tick, prev = in->tick;
    for (unsigned i = 0; i < n; i++) {
        const SnapEntity *e = &all->ents[i];
        unsigned id = e->id;
        if (id >= PROTO_MAX_ENTITIES)
            continue; /* never in a capture; not one a view can keep (interest_view) */
        if (prev == 0 || in->seen[id] != prev || jumped(in->px[id], e->x) ||
            jumped(in->py[id], e->y)) {
            in->born[id] = t;
            in->birth_id[in->births++ % INTEREST_BIRTHS] = (uint16_t)id;
        }
        in->seen[id] = t;
        in->slot[id] = (uint16_t)i;
        in->px[id] = e->x;
        in->py[id] = e->y;
    }
    in->tick = t;
}

void interest_index(SrvInterest *in, const Snapshot *all)
{
    unsigned n = all->count < PROTO_MAX_ENTITIES ? all->count : PROTO_MAX_ENTITIES;
    fit_grid(in, n);
    unsigned cells = in->side * in->side;
    for (unsigned c = 0; c <= cells; c++)
        in->cell_start[c] = 0;
    for (unsigned i = 0; i < n; i++) {
        const SnapEntity *e = &all->ents[i];
        unsigned c = cell_coord(in, e->y) * in->side + cell_coord(in, e->x);
        in->cell_of[i] = (uint16_t)c;
        in->cell_start[c + 1]++;
    }
    for (unsigned c = 0; c < cells; c++)
        in->cell_start[c + 1] = (uint16_t)(in->cell_start[c + 1] + in->cell_start[c]);
    /* cell_start[c + 1] is where cell c ends. Counting sort, filled backwards from each end so
     * that a cell's indices stay increasing; afterwards cell_start[c + 1] is where c starts. */
    for (unsigned i = n; i-- > 0;) {
        unsigned c = in->cell_of[i];
        in->order[--in->cell_start[c + 1]] = (uint16_t)i;
    }
    /* Shift the table down one. */
    for (unsigned c = 0; c < cells; c++)
        in->cell_start[c] = in->cell_start[c + 1];
    in->cell_start[cells] = (uint16_t)n;
    in->indexed = n;
    track(in, all, n);
}

/* Adds the entities of the cells on the square ring at Chebyshev distance r around (cx, cy). */
static unsigned add_ring(SrvInterest *in, const Snapshot *all, int cx, int cy, int r, uint16_t x,
                         uint16_t y, int self_id, unsigned n)
{
    int side = (int)in->side;
    for (int gy = cy - r; gy <= cy + r; gy++) {
        if (gy < 0 || gy >= side)
            continue;
        int step = (gy == cy - r || gy == cy + r) ? 1 : 2 * r; /* edges: only the two ends */
        for (int gx = cx - r; gx <= cx + r; gx += step) {
            if (gx < 0 || gx >= side)
                continue;
            unsigned c = (unsigned)(gy * side + gx);
            for (unsigned k = in->cell_start[c]; k < in->cell_start[c + 1]; k++) {
                uint16_t i = in->order[k];
                const SnapEntity *e = &all->ents[i];
                if ((int)e->id == self_id)
                    continue;
                int64_t dx = (int64_t)e->x - x, dy = (int64_t)e->y - y;
                in->key[n++] = ((uint64_t)(dx * dx + dy * dy) << 16) | i;
            }
        }
    }
    return n;
}

static void swap_keys(uint64_t *key, unsigned a, unsigned b)
{
    uint64_t t = key[a];
    key[a] = key[b];
    key[b] = t;
}

/* Puts the `max` smallest keys of key[0..n) first, n > max (quickselect, in place). Keys are
 * distinct (the low 16 bits are the index). The partition is Lomuto's without a branch on the
 * comparison (the compiler makes it conditional moves): the three-way one it replaced
 * mispredicted about every other key. Used only on the keys of one histogram bin. */
static void select_smallest(uint64_t *key, unsigned n, unsigned max)
{
    unsigned lo = 0, hi = n; /* the key of rank max lies in [lo, hi) */
    while (hi - lo > 1) {
        unsigned mid = lo + (hi - lo) / 2, last = hi - 1;
        uint64_t a = key[lo], b = key[mid], c = key[last];
        unsigned med =
            a < b ? (b < c ? mid : (a < c ? last : lo)) : (a < c ? lo : (b < c ? last : mid));
        swap_keys(key, med, last);
        uint64_t pivot = key[last];
        unsigned store = lo;
        for (unsigned i = lo; i < last; i++) {
            uint64_t v = key[i], w = key[store];
            uint64_t lt = v < pivot, mask = 0 - lt; /* all ones when v goes left */
            key[i] = (w & mask) | (v & ~mask);
            key[store] = (v & mask) | (w & ~mask);
            store += (unsigned)lt;
        }
        swap_keys(key, store, last);
        if (store == max)
            return;
        if (max < store)
            hi = store;
        else
            lo = store + 1;
    }
}

/* Marks the capture index held in key (its low 16 bits) as picked. */
static void mark_key(uint64_t *mark, uint64_t key)
{
    unsigned i = (unsigned)(key & 0xFFFFu);
    mark[i / 64] |= (uint64_t)1 << (i % 64);
}

/* The histogram bin of a key: squared distances below `bound` fall into INTEREST_BINS bins of
 * equal area (so, for entities spread evenly, of about equal counts); the rest into bin
 * INTEREST_BINS. scale = (INTEREST_BINS << 32) / bound, so (d2 * scale) >> 32 < INTEREST_BINS
 * for every d2 < bound, and the product stays below 2^38. */
static unsigned key_bin(uint64_t key, uint64_t bound, uint64_t scale)
{
    uint64_t d2 = key >> 16, in = d2 < bound;
    unsigned b = (unsigned)(((d2 & (0 - in)) * scale) >> 32); /* 0 for d2 >= bound */
    return in ? b : INTEREST_BINS;
}

/* Marks the capture indices of the `max` smallest of key[0..n) (n > max) in mark. One
 * counting pass finds the bin that holds the key of rank max: every key of a lower bin is
 * picked, the keys of that bin are selected among (in in->spill), the rest are not. Two passes
 * over the keys and a selection over one bin, instead of a quickselect over all of them (that
 * was ~55 % of a pick's samples at 256 bots). Any bound > 0 gives the right answer (the last
 * bin holds whatever lies beyond it); one below which at least max keys lie, but not many
 * more, makes the edge bin small. */
static void pick_nearest(SrvInterest *in, unsigned n, unsigned max, uint64_t bound, uint64_t *mark)
{
    uint64_t scale = ((uint64_t)INTEREST_BINS << 32) / bound;
    unsigned count[INTEREST_BINS + 1] = {0};
    for (unsigned k = 0; k < n; k++)
        count[key_bin(in->key[k], bound, scale)]++;
    unsigned edge = 0, below = 0;
    while (below + count[edge] < max) /* ends by INTEREST_BINS: all n > max keys are counted */
        below += count[edge++];
    unsigned spilled = 0;
    for (unsigned k = 0; k < n; k++) { /* without branches on the bin: they would mispredict */
        uint64_t key = in->key[k];
        unsigned b = key_bin(key, bound, scale), i = (unsigned)(key & 0xFFFFu);
        mark[i / 64] |= (uint64_t)(b < edge) << (i % 64);
        in->spill[spilled] = key;
        spilled += b == edge;
    }
    unsigned want = max - below; /* 1 .. spilled */
    if (want < spilled)
        select_smallest(in->spill, spilled, want);
    for (unsigned k = 0; k < want; k++)
        mark_key(mark, in->spill[k]);
}

/* The marked capture indices, increasing, into idx; how many. */
static unsigned read_marks(const uint64_t *mark, unsigned total, uint16_t *idx)
{
    unsigned m = 0;
    for (unsigned wi = 0; wi < (total + 63) / 64; wi++)
        for (uint64_t bits = mark[wi]; bits != 0; bits &= bits - 1)
            idx[m++] = (uint16_t)(wi * 64 + (unsigned)__builtin_ctzll(bits));
    return m;
}

/* How near any entity of ring r (r >= 1) or beyond can be to a viewer at (x, y) in cell
 * (cx, cy): they all lie outside the square of cells of rings 0..r-1, so at least the
 * viewer's distance to that square's nearest edge away (0 for a viewer past its cell, which
 * only a position past the map could be: then no ring is ruled out). */
static uint64_t ring_reach(const SrvInterest *in, int cx, int cy, int r, uint16_t x, uint16_t y)
{
    int64_t cell = (int64_t)1 << in->shift;
    int64_t d = (int64_t)x - (int64_t)(cx - r + 1) * cell;
    int64_t e = (int64_t)(cx + r) * cell - x;
    if (e < d)
        d = e;
    e = (int64_t)y - (int64_t)(cy - r + 1) * cell;
    if (e < d)
        d = e;
    e = (int64_t)(cy + r) * cell - y;
    if (e < d)
        d = e;
    return d > 0 ? (uint64_t)d : 0;
}

unsigned interest_pick(SrvInterest *in, const Snapshot *all, uint16_t x, uint16_t y, int self_id,
                       unsigned max, uint16_t *idx)
{
    unsigned total = in->indexed;
    if (total <= max + (self_id >= 0 ? 1u : 0u)) { /* the whole world (snap_view_pick skips
                                                       self) */
        for (unsigned i = 0; i < total; i++)
            idx[i] = (uint16_t)i;
        return total;
    }
    int cx = (int)cell_coord(in, x), cy = (int)cell_coord(in, y);
    unsigned n = 0;
    uint64_t bound = 0; /* at least max keys lie below it, once n >= max */
    for (int r = 0; r < (int)in->side; r++) {
        /* Once max of those found so far are nearer than anything in ring r can be, ring r
         * and the rings beyond cannot improve on them (strictly nearer: no tie with an entity
         * not looked at; a count, not a selection: one selection at the end). */
        if (n >= max && r > 0) {
            uint64_t reach = ring_reach(in, cx, cy, r, x, y), within = 0;
            for (unsigned k = 0; k < n; k++)
                within += (in->key[k] >> 16) < reach * reach;
            if (within >= max) {
                bound = reach * reach;
                break;
            }
        }
        n = add_ring(in, all, cx, cy, r, x, y, self_id, n);
    }
    /* In increasing order without a sort: mark the picked indices, then read the marks. */
    uint64_t mark[PROTO_MAX_ENTITIES / 64] = {0};
    if (n > max) {
        if (bound == 0) { /* every ring was added: every key lies below the largest + 1 */
            for (unsigned k = 0; k < n; k++)
                if ((in->key[k] >> 16) >= bound)
                    bound = (in->key[k] >> 16) + 1;
        }
        pick_nearest(in, n, max, bound, mark);
    } else {
        for (unsigned k = 0; k < n; k++)
            mark_key(mark, in->key[k]);
    }
    return read_marks(mark, total, idx);
}

/* ---- views kept between picks ---------------------------------------------------------- */

void interest_view_init(InterestView *v, uint16_t *ids, uint16_t cap, unsigned phase)
{
    *v = (InterestView){.ids = ids, .cap = cap, .phase = phase % INTEREST_VIEW_TICKS};
}

bool interest_view_picked(const SrvInterest *in, const InterestView *v)
{
    return v->tick == 0 || v->tick == in->tick; /* 0: the whole world, picked each time */
}

void interest_view_clear(InterestView *v)
{
    v->tick = 0;
    v->n = 0;
}

/* Which of the view's windows of INTEREST_VIEW_TICKS ticks tick t falls in. */
static uint64_t window(const InterestView *v, uint32_t t)
{
    return ((uint64_t)t + v->phase) / INTEREST_VIEW_TICKS;
}

static bool can_keep(const SrvInterest *in, const InterestView *v, uint16_t x, uint16_t y,
                     int self_id, unsigned max)
{
    return v->tick != 0 && v->self_id == self_id && v->max == max &&
           window(v, in->tick) == window(v, v->tick) && in->births - v->births <= INTEREST_BIRTHS &&
           !jumped(v->x, x) && !jumped(v->y, y);
}

static uint64_t dist2(const SnapEntity *e, uint16_t x, uint16_t y)
{
    int64_t dx = (int64_t)e->x - x, dy = (int64_t)e->y - y;
    return (uint64_t)(dx * dx + dy * dy);
}

/* Leaves marked the max nearest to (x, y) of the n > max entities marked. */
static void trim(SrvInterest *in, const Snapshot *all, unsigned max, uint16_t x, uint16_t y,
                 uint64_t *mark, unsigned n)
{
    unsigned words = (in->indexed + 63) / 64, k = 0;
    for (unsigned wi = 0; wi < words; wi++)
        for (uint64_t bits = mark[wi]; bits != 0; bits &= bits - 1) {
            unsigned i = wi * 64 + (unsigned)__builtin_ctzll(bits);
            in->key[k++] = dist2(&all->ents[i], x, y) << 16 | i;
        }
    select_smallest(in->key, n, max);
    memset(mark, 0, words * sizeof mark[0]);
    for (k = 0; k < max; k++)
        mark_key(mark, in->key[k]);
}

/* The kept view (can_keep): the picked entities still here and not new since, and the new
 * ones within its reach; the nearest max of them to the viewer at (x, y) when more. */
static unsigned keep(SrvInterest *in, const InterestView *v, const Snapshot *all, uint16_t x,
                     uint16_t y, uint16_t *idx)
{
    uint64_t mark[PROTO_MAX_ENTITIES / 64];
    memset(mark, 0, (in->indexed + 63) / 64 * sizeof mark[0]);
    unsigned n = 0;
    for (unsigned k = 0; k < v->n; k++) {
        unsigned id = v->ids[k];
        if (in->seen[id] == in->tick && in->born[id] <= v->tick) {
            unsigned i = in->slot[id];
            mark[i / 64] |= (uint64_t)1 << (i % 64);
            n++;
        }
    }
    for (uint32_t b = v->births; b != in->births; b++) {
        unsigned id = in->birth_id[b % INTEREST_BIRTHS];
        if (in->seen[id] != in->tick || (int)id == v->self_id)
            continue; /* gone again, or the viewer */
        unsigned i = in->slot[id];
        uint64_t bit = (uint64_t)1 << (i % 64);
        if ((mark[i / 64] & bit) || dist2(&all->ents[i], v->x, v->y) > v->reach)
            continue; /* born twice, or beyond the reach */
        mark[i / 64] |= bit;
        n++;
    }
    if (n > v->max)
        trim(in, all, v->max, x, y, mark, n);
    return read_marks(mark, in->indexed, idx);
}

unsigned interest_view(SrvInterest *in, InterestView *v, const Snapshot *all, uint16_t x,
                       uint16_t y, int self_id, unsigned max, uint16_t *idx)
{
    if (in->indexed <= max + (self_id >= 0 ? 1u : 0u) || max > v->cap) {
        interest_view_clear(v); /* the whole world: nothing to keep */
        return interest_pick(in, all, x, y, self_id, max, idx);
    }
    if (can_keep(in, v, x, y, self_id, max))
        return keep(in, v, all, x, y, idx);
    unsigned m = interest_pick(in, all, x, y, self_id, max, idx);
    *v = (InterestView){.ids = v->ids,
                        .cap = v->cap,
                        .phase = v->phase,
                        .n = (uint16_t)m,
                        .x = x,
                        .y = y,
                        .self_id = self_id,
                        .max = max,
                        .tick = in->tick,
                        .births = in->births};
    for (unsigned k = 0; k < m; k++) {
        const SnapEntity *e = &all->ents[idx[k]];
        if (e->id >= PROTO_MAX_ENTITIES) { /* never in a capture (track skips them) */
            interest_view_clear(v);
            return m;
        }
        uint64_t d = dist2(e, x, y);
        v->ids[k] = e->id;
        v->reach = d > v->reach ? d : v->reach;
    }
    return m;
}
