/* snap_world.h — the bridge between the simulation and the snapshot model.
 *
 * Owns how a SimWorld becomes what one viewer sees (quantizing every entity but the viewer's
 * own player) and how a received self block becomes a SimPlayer again for prediction. */
#ifndef ARENA_SNAP_WORLD_H
#define ARENA_SNAP_WORLD_H

#include "sim.h"
#include "snapshot.h"

/* Fills out (capacity >= PROTO_MAX_ENTITIES for a full world) with every active player and
 * shot of w except the viewer's own player, which goes to the self block. viewer < 0: no
 * self block. out->tick = w->tick. Returns false if out is too small or w->tick == 0. */
bool snap_capture(const SimWorld *w, int viewer, uint32_t input_ack, Snapshot *out);
/* The same snapshot snap_capture(w, viewer, input_ack, out) builds, derived from `all`, a
 * capture of w for no viewer (viewer -1): a server captures the world once per tick and then
 * only removes each viewer's own player, instead of quantizing everything per client. */
bool snap_view_for(const Snapshot *all, const SimWorld *w, int viewer, uint32_t input_ack,
                   Snapshot *out);
/* The same header as snap_view_for, with only the entities all->ents[idx[0..n)] (idx strictly
 * increasing, so ids stay in order; the viewer's own player is skipped if listed): a viewer
 * that sees part of the world (server/interest.h). False if an index is out of range or not
 * increasing, out is too small, or `all` is not this tick's capture for no viewer. */
bool snap_view_pick(const Snapshot *all, const SimWorld *w, int viewer, uint32_t input_ack,
                    const uint16_t *idx, unsigned n, Snapshot *out);
void snap_self_from_player(const SimPlayer *p, SnapSelf *s);
/* Restores a player from a self block; the player is active afterwards. */
void snap_self_to_player(const SnapSelf *s, SimPlayer *p);

#endif
