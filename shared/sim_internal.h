/* sim_internal.h — what sim.c and sim_match.c share; not part of the public API. */
#ifndef ARENA_SIM_INTERNAL_H
#define ARENA_SIM_INTERNAL_H

#include "sim.h"

/* Records an event of this step (dropped past SIM_MAX_EVENTS). */
void sim_push_event(SimWorld *w, SimEventType type, unsigned a, unsigned b, unsigned c);
/* Puts an active player at the best spawn: full health, spawn protection, SIM_EV_SPAWN. */
void sim_spawn(SimWorld *w, unsigned slot);
/* The match's part of a step, after everything moved and w->tick counts this step. */
void sim_match_step(SimWorld *w);

#endif
