/* schedule.h — when the 60 Hz ticks are due, and what to do after the server stalled.
 *
 * Owns the tick clock: tick n is due at start + n / 60 s exactly (no drift from rounding the
 * period), with time passed in (microseconds). After a stall (SIGSTOP, a slow disk, a
 * debugger) many ticks are due at once. Up to SCHED_BURST_TICKS they are simply run; beyond
 * that the server fast-forwards: it simulates the missed ticks at once without sending
 * snapshots for them (the clients' inputs for those ticks, still buffered in the socket, are
 * applied, so their predictions hold), and only if the stall was longer than
 * SCHED_MAX_CATCHUP_TICKS does it skip the excess, shifting the clock instead of simulating
 * minutes of empty ticks. Pure: no clock of its own, no I/O. */
#ifndef ARENA_SRV_SCHEDULE_H
#define ARENA_SRV_SCHEDULE_H

#include <stdint.h>

#include "protocol.h"

enum {
    SCHED_BURST_TICKS = 15,                       /* due ticks run normally (250 ms) */
    SCHED_MAX_CATCHUP_TICKS = 10 * PROTO_TICK_HZ, /* simulated after a stall; more skipped */
    SCHED_MAX_WAIT_MS = 50,                       /* the loop wakes at least this often */
};

typedef struct Sched {
    uint64_t start_us; /* tick 0's time (moves forward when ticks are skipped) */
    uint64_t ticks;    /* ticks accounted for: run or fast-forwarded (skipped ticks move
                          start_us instead) */
} Sched;

/* What the loop should do now. */
typedef struct SchedPlan {
    uint32_t fast_forward; /* simulate these first, without snapshots (0 unless stalled) */
    uint32_t run;          /* then run these as normal ticks */
    uint64_t skipped;      /* ticks not simulated at all (a stall beyond the catch-up cap) */
} SchedPlan;

void sched_init(Sched *s, uint64_t now_us);
/* Ticks due at now_us (not yet accounted for). */
uint64_t sched_due(const Sched *s, uint64_t now_us);
/* Decides how the due ticks are handled and accounts for them (the caller must then run
 * fast_forward + run ticks). Skipped ticks shift start_us, so later ticks keep the 60 Hz
 * spacing from the moment the server resumed. */
SchedPlan sched_plan(Sched *s, uint64_t now_us);
/* When the next tick not yet accounted for is due (microseconds). */
uint64_t sched_next_due_us(const Sched *s);
/* Milliseconds until the next tick is due (0 if due), at most SCHED_MAX_WAIT_MS. */
int sched_wait_ms(const Sched *s, uint64_t now_us);
/* Milliseconds until the next read slot: the tick period is cut into reads_per_tick equal
 * slots (1 = the tick itself), and the loop wakes at each one to read the game socket. At
 * least 1 unless a tick is due; at most sched_wait_ms. */
int sched_read_wait_ms(const Sched *s, uint64_t now_us, unsigned reads_per_tick);

#endif
