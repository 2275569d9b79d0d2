/* interest.h — which entities one client sees when the world holds more than a view.
 *
 * Owns the area-of-interest policy: a client's view is the `max` entities nearest to its
 * player (ties: the lower id), its own player excluded (it travels in the self block); a
 * world that fits the view is seen whole. The priority accumulator (priority.h) then decides
 * which of the view's entities are refreshed in each datagram. Distances are measured on the
 * snapshot's quantized positions (1/8 unit).
 *
 * A uniform grid over the map, sized for about INTEREST_PER_CELL entities per cell, is rebuilt
 * from the world's capture once per tick (interest_index, O(entities)); each pick walks square
 * rings of cells outwards from the viewer's cell only as far as the nearest `max` can lie
 * (O(the entities near the viewer)), so 1000 clients do not each scan the whole world. Small
 * cells keep the square that is walked close to the circle that is kept (2 per cell: about 1.9
 * keys looked at per key kept, against 2.7 to 3 with 8 per cell). The nearest `max` of those
 * are then found with a distance histogram and a selection within one of its bins. Pure: no
 * I/O, no allocation (the grid is the caller's, fixed size). */
#ifndef ARENA_SRV_INTEREST_H
#define ARENA_SRV_INTEREST_H

#include <stdint.h>

#include "protocol.h"
#include "snapshot.h"

enum {
    INTEREST_GRID = 64, /* cells per side (at most; a small map uses fewer of them) */
    INTEREST_CELLS = INTEREST_GRID * INTEREST_GRID,
    INTEREST_PER_CELL = 2, /* entities per cell the grid is sized for, on average */
    INTEREST_BINS = 64,    /* distance bins of a pick's selection (interest.c pick_nearest) */
};

typedef struct SrvInterest {
    uint32_t extent;  /* the map's larger side, quantized units */
    unsigned shift;   /* cell = quantized coordinate >> shift (set per tick from the count) */
    unsigned side;    /* cells per side in use: covers the map */
    unsigned indexed; /* entities indexed (the capture's count) */
    uint16_t cell_start[INTEREST_CELLS + 1]; /* capture indices of cell c: order[start..start+1) */
    uint16_t order[PROTO_MAX_ENTITIES];      /* capture indices, grouped by cell */
    uint16_t cell_of[PROTO_MAX_ENTITIES];    /* scratch: each indexed entity's cell */
    uint64_t key[PROTO_MAX_ENTITIES];        /* scratch of a pick: distance << 16 | index */
    uint64_t spill[PROTO_MAX_ENTITIES];      /* scratch of a pick: the keys of one bin */
} SrvInterest;

/* For a map of w x h quantized units (the largest coordinate + 1 on each axis). */
void interest_init(SrvInterest *in, uint32_t w, uint32_t h);
/* Indexes this tick's capture (all->count <= PROTO_MAX_ENTITIES). */
void interest_index(SrvInterest *in, const Snapshot *all);
/* The view of a viewer at quantized (x, y) whose own player is entity `self_id` (or -1):
 * writes the capture indices of the `max` nearest other entities to idx, in increasing order
 * (ready for snap_view_pick), and returns how many. Every entity but self when they are at
 * most `max`. idx holds PROTO_MAX_ENTITIES. */
unsigned interest_pick(SrvInterest *in, const Snapshot *all, uint16_t x, uint16_t y, int self_id,
                       unsigned max, uint16_t *idx);

#endif
