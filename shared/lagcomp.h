/* lagcomp.h — lag compensation: where every player was over the last few ticks, and where one
 * was at a past, fractional tick (docs/simulation.md, "Lag compensation").
 *
 * Owns the history ring (one sample per player per tick: position and which life it is in)
 * and the rewind rule: a victim's position interpolated between the two recorded ticks that
 * bracket the rewound time, and whether it was hittable then (alive, in the same life as
 * now). The storage is the caller's (the server allocates it at start for its cap); recording
 * and rewinding never allocate. Pure: no I/O, no globals; the tick is passed in. */
#ifndef ARENA_LAGCOMP_H
#define ARENA_LAGCOMP_H

#include <stdbool.h>
#include <stdint.h>

#include "protocol.h"
#include "sim.h"

enum {
    LC_SUBTICKS = 16, /* view lag unit: 1/16 tick (about 1 ms) */
    LC_VIEW_LAG_BITS = 10,
    LC_VIEW_LAG_MAX = (1 << LC_VIEW_LAG_BITS) - 1, /* 1023/16 ticks = 1065 ms: INPUT's range */
    LC_MAX_MS_LIMIT = 1000,                        /* largest cap a server may set, ms */
};

_Static_assert((uint32_t)LC_MAX_MS_LIMIT *PROTO_TICK_HZ *LC_SUBTICKS / 1000 <= LC_VIEW_LAG_MAX,
               "the largest cap fits INPUT's view lag field");

typedef struct LcSample {
    int32_t x, y;  /* centre, Q8 */
    uint32_t life; /* tick this life was first recorded; 0 = not alive (or not in the arena) */
} LcSample;

struct LcHistory {
    LcSample *samples; /* ticks x PROTO_MAX_PLAYERS, the caller's */
    unsigned ticks;    /* ring size in ticks */
    unsigned count;    /* consecutive ticks recorded, newest back, <= ticks */
    uint32_t newest;   /* newest recorded tick (valid if count > 0) */
};

/* The cap in view-lag units for a cap in ms (rounded down). ms <= LC_MAX_MS_LIMIT. */
uint16_t lc_max_lag(unsigned max_ms);
/* Ring ticks a cap of max_lag needs: the present, and both ticks around the oldest rewind. */
unsigned lc_ring_ticks(uint16_t max_lag);
/* storage: ticks x PROTO_MAX_PLAYERS samples; ticks >= 1. */
void lc_init(LcHistory *h, LcSample *storage, unsigned ticks);
/* Records every player of w as the sample of `tick`. A tick that does not follow the newest
 * one (a skip after a stall) starts the history over. */
void lc_record(LcHistory *h, const SimWorld *w, uint32_t tick);
/* A new player took the slot: the previous occupant's samples can never be hit. */
void lc_forget_player(LcHistory *h, unsigned slot);
/* Farthest a player's centre can be from where it was `lag` before (Q8): it moves at most
 * SIM_MAX_SPEED a tick (a respawn jump is never rewound across: a different life). */
int32_t lc_max_drift(uint16_t lag);
/* min(lag, max_lag); *clamped tells whether it cut. */
uint16_t lc_clamp_lag(uint16_t lag, uint16_t max_lag, bool *clamped);
/* Where player `slot` was `lag` sixteenths of a tick before `now` (the newest recorded tick),
 * into *x, *y. A rewind past the oldest recorded tick stops there. False if the player cannot
 * be hit there: not alive now, or not alive in this same life at either recorded tick around
 * the rewound time. */
bool lc_rewind(const LcHistory *h, unsigned slot, uint32_t now, uint16_t lag, int32_t *x,
               int32_t *y);

#endif
