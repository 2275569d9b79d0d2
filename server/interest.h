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
 * are then found with a distance histogram and a selection within one of its bins.
 *
 * A pick was the biggest share of a snapshot's cost at 1000 players (17 % of the server's
 * samples), and the nearest entities change slowly: interest_view picks a client's view every
 * INTEREST_VIEW_TICKS ticks and keeps it in between, with the entities that left the world
 * taken out and those that appeared or jumped within its reach put in (the births the index
 * notes), so only walking into range waits for the next pick. Pure: no I/O, no allocation
 * (the grid and the views are the caller's, fixed size). */
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
    /* A view is picked once per window of this many ticks, each view on its own phase, so it
     * is never this old (100 ms at 60 Hz: every third snapshot at 30 Hz, every other at 20 Hz,
     * every one at 10 Hz); in between it is kept (interest_view). 4 ticks picked every other
     * snapshot at 30 Hz: half the views. */
    INTEREST_VIEW_TICKS = 6,
    /* A move of more than this between two indexed ticks (quantized units: 24 world units, two
     * ticks of a shot) is a jump (a respawn): the entity counts as new, and a viewer that
     * jumps so far from where its view was picked has it picked again. */
    INTEREST_JUMP = 192,
    /* Entities that appeared or jumped in the last ticks, remembered for the views kept. */
    INTEREST_BIRTHS = 2048,
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
    /* Per entity id, for the views kept between picks (interest_view): */
    uint32_t tick;                     /* the tick indexed last */
    uint32_t seen[PROTO_MAX_ENTITIES]; /* the tick the id was last indexed at */
    uint32_t born[PROTO_MAX_ENTITIES]; /* the tick it appeared or last jumped */
    uint16_t slot[PROTO_MAX_ENTITIES]; /* its capture index, when seen == tick */
    uint16_t px[PROTO_MAX_ENTITIES], py[PROTO_MAX_ENTITIES]; /* its position then */
    uint16_t birth_id[INTEREST_BIRTHS]; /* ids that appeared or jumped, a ring */
    uint32_t births;                    /* how many ever went into the ring */
} SrvInterest;

/* One client's view between picks (the caller's, one per client; ids holds `cap` ids). */
typedef struct InterestView {
    uint16_t *ids;   /* the entity ids of the last pick, increasing */
    uint16_t n, cap; /* how many; room */
    uint16_t x, y;   /* where the viewer was */
    int self_id;     /* whom it was picked for */
    unsigned max;    /* for how many */
    uint32_t tick;   /* the tick it was picked at; 0: none (interest_view_clear) */
    uint32_t births; /* SrvInterest.births then */
    uint64_t reach;  /* the squared distance of the farthest entity picked */
    unsigned phase;  /* where its windows of INTEREST_VIEW_TICKS ticks start */
} InterestView;

/* For a map of w x h quantized units (the largest coordinate + 1 on each axis). */
void interest_init(SrvInterest *in, uint32_t w, uint32_t h);
/* Indexes this tick's capture (all->count <= PROTO_MAX_ENTITIES, all->tick > 0 and
 * increasing from one call to the next). Entities whose id was not in the capture indexed
 * before, or that moved more than INTEREST_JUMP since, are new (births). */
void interest_index(SrvInterest *in, const Snapshot *all);
/* The view of a viewer at quantized (x, y) whose own player is entity `self_id` (or -1):
 * writes the capture indices of the `max` nearest other entities to idx, in increasing order
 * (ready for snap_view_pick), and returns how many. Every entity but self when they are at
 * most `max`. idx holds PROTO_MAX_ENTITIES. */
unsigned interest_pick(SrvInterest *in, const Snapshot *all, uint16_t x, uint16_t y, int self_id,
                       unsigned max, uint16_t *idx);

/* A view with storage for `cap` ids (at least the `max` it will be asked for), picked never.
 * Its picks fall due when tick + phase crosses a multiple of INTEREST_VIEW_TICKS: give each
 * client its own phase (the server: its slot) so that views picked on one tick (a round's
 * mass respawn) are not picked on the same ticks ever after. */
void interest_view_init(InterestView *v, uint16_t *ids, uint16_t cap, unsigned phase);
/* Forgets the view: the next interest_view picks (a new player in the slot). */
void interest_view_clear(InterestView *v);
/* The view of the capture indexed last, as interest_pick writes it (idx, increasing; returns
 * how many), but picked only once per window of INTEREST_VIEW_TICKS ticks (the first call in a
 * window, then never older than INTEREST_VIEW_TICKS - 1 ticks). In between, the last pick is
 * kept: its entities still in the world, plus those that appeared or jumped since within
 * the pick's reach (the farthest entity it picked), so a shot fired or a player respawned
 * near the viewer is seen at once; an entity that walks into range from beyond is seen at the
 * next pick (at most INTEREST_VIEW_TICKS - 1 ticks late); when that is more than max, the
 * nearest max of them. It is picked again at once when the viewer moved more than
 * INTEREST_JUMP since it was picked, when self_id or max changed, or when the births since
 * outran the ring. */
unsigned interest_view(SrvInterest *in, InterestView *v, const Snapshot *all, uint16_t x,
                       uint16_t y, int self_id, unsigned max, uint16_t *idx);
/* After interest_view on the tick indexed last: true if it picked (false: it kept the view). */
bool interest_view_picked(const SrvInterest *in, const InterestView *v);

#endif
