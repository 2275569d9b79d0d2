/* priority.h — the per-client priority accumulator that decides which entities go into a
 * snapshot when not everything fits (Glenn Fiedler, "State Synchronization").
 *
 * Owns the policy only: each snapshot every entity's accumulator grows by its weight for this
 * viewer (near things and shots weigh more); entities that were sent start again from zero;
 * entities left out keep what they had, so they climb until they win a place and nobody
 * starves. Pure: no ENet, no I/O; the accumulator array belongs to the caller. */
#ifndef ARENA_SRV_PRIORITY_H
#define ARENA_SRV_PRIORITY_H

#include <stdint.h>

#include "snapshot.h"

/* How much entity e matters to a viewer at (x, y) (Q8 world units) this snapshot: 5 up close,
 * falling towards 1 beyond ~500 units; shots x1.5. */
float prio_weight(const SnapEntity *e, int32_t viewer_x, int32_t viewer_y);
/* Adds this snapshot's weights to acc (indexed by entity id, PROTO_MAX_ENTITIES long) and
 * writes the resulting priority of target->ents[i] to out[i] (for snap_encode). */
void prio_accumulate(float *acc, const Snapshot *target, int32_t viewer_x, int32_t viewer_y,
                     float *out);
/* After snap_encode: every target entity not in omitted[0..n) was sent (or was unchanged) and
 * starts over; the omitted ones keep their priority. */
void prio_after_send(float *acc, const Snapshot *target, const uint16_t *omitted, unsigned n);

#endif
