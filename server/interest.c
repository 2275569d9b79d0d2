/* interest.c — see interest.h. */
#include "interest.h"

void interest_init(SrvInterest *in, uint32_t w, uint32_t h)
{
    in->extent = w > h ? w : h;
    in->shift = 0;
    in->side = 1;
    in->indexed = 0;
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

/* Puts the `max` smallest keys of key[0..n) first (quickselect, in place). */
static void select_smallest(uint64_t *key, unsigned n, unsigned max)
{
    unsigned lo = 0, hi = n;
    while (hi - lo > 1) {
        uint64_t pivot = key[lo + (hi - lo) / 2];
        unsigned a = lo, b = hi;
        for (unsigned i = lo; i < b;) { /* three-way: < pivot | == pivot | > pivot */
            if (key[i] < pivot) {
                uint64_t t = key[a];
                key[a++] = key[i];
                key[i++] = t;
            } else if (key[i] > pivot) {
                uint64_t t = key[--b];
                key[b] = key[i];
                key[i] = t;
            } else {
                i++;
            }
        }
        if (max < a)
            hi = a;
        else if (max > b)
            lo = b;
        else
            return;
    }
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
    uint64_t cell = (uint64_t)1 << in->shift;
    for (int r = 0; r < (int)in->side; r++) {
        /* A viewer anywhere in its cell is at least (r - 1) cells from every cell of ring r.
         * Once max of those found so far are within that, ring r and the rings beyond cannot
         * improve on them (a count, not a selection: one select at the end). */
        if (n >= max && r > 0) {
            uint64_t reach = (uint64_t)(r - 1) * cell, within = 0;
            for (unsigned k = 0; k < n; k++)
                within += (in->key[k] >> 16) <= reach * reach;
            if (within >= max)
                break;
        }
        n = add_ring(in, all, cx, cy, r, x, y, self_id, n);
    }
    if (n > max) {
        select_smallest(in->key, n, max);
        n = max;
    }
    /* In increasing order without a sort: mark the picked indices, then read the marks. */
    uint64_t mark[PROTO_MAX_ENTITIES / 64] = {0};
    for (unsigned k = 0; k < n; k++) {
        unsigned i = (unsigned)(in->key[k] & 0xFFFFu);
        mark[i / 64] |= (uint64_t)1 << (i % 64);
    }
    unsigned m = 0;
    for (unsigned wi = 0; wi < (total + 63) / 64; wi++)
        for (uint64_t bits = mark[wi]; bits != 0; bits &= bits - 1)
            idx[m++] = (uint16_t)(wi * 64 + (unsigned)__builtin_ctzll(bits));
    return m;
}
