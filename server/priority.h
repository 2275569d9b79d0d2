/* priority.h — the per-client priority accumulator that decides which entities go into a
 * snapshot when not everything fits (Glenn Fiedler, "State Synchronization").
 *
 * Owns the policy only: each snapshot every entity's accumulator grows by its weight for this
 * viewer (near things and shots weigh more); entities that were sent start again from zero;
 * entities left out keep what they had, so they climb until they win a place and nobody
 * starves. An entity that leaves the client's view forgets what it had (it starts from zero if
 * it comes back, as a newcomer does).
 *
 * The state is compact: only the entities the previous snapshot left out have a non-zero
 * accumulator, so that is all a client keeps, by increasing id (a view holds at most
 * view_max). Reading it is one merge with the target, which is in id order too: no array
 * indexed by entity id (4096 floats per client, touched at scattered places every snapshot:
 * at 256 clients that was 4 MB of cache misses). Pure: no ENet, no I/O, no allocation; the
 * arrays belong to the caller. */
#ifndef ARENA_SRV_PRIORITY_H
#define ARENA_SRV_PRIORITY_H

#include <stdint.h>

#include "snapshot.h"

typedef struct PrioState {
    unsigned count; /* entities with a non-zero accumulator: id[0..count), increasing */
    unsigned cap;   /* room in id and acc */
    uint16_t *id;
    float *acc;
} PrioState;

/* A state with room for cap entities (the most a client's view holds), every one at zero. */
void prio_init(PrioState *ps, uint16_t *id, float *acc, unsigned cap);
/* Every accumulator back to zero (a new client). */
void prio_clear(PrioState *ps);
/* How much entity e matters to a viewer at (x, y) (Q8 world units) this snapshot: 5 up close,
 * falling towards 1 beyond ~500 units; shots x1.5. */
float prio_weight(const SnapEntity *e, int32_t viewer_x, int32_t viewer_y);
/* The priority of each target entity this snapshot, what it had plus its weight, to out[i]
 * for target->ents[i] (for snap_encode). The state does not change: prio_after_send keeps
 * what this snapshot decided. */
void prio_accumulate(const PrioState *ps, const Snapshot *target, int32_t viewer_x,
                     int32_t viewer_y, float *out);
/* After snap_encode of target with priorities prio (prio_accumulate's out): the entities in
 * omitted[0..n) (in id order, as the encoder reports them) keep their priority; every other
 * one was sent (or was unchanged) and starts over. More than cap omitted: the highest ids
 * beyond cap start over too. */
void prio_after_send(PrioState *ps, const Snapshot *target, const float *prio,
                     const uint16_t *omitted, unsigned n);

#endif
