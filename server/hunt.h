/* hunt.h — the hidden hunt's server side (spoiler: SPOILER-easter-egg.md): the private hints,
 * the legend's record in the hall of fame, the claim secret handed to a new legend.
 *
 * Called from above by tick.c (each bound player's step) and lobby.c (what a player says);
 * calls down only (egg.c decides, fame.c records, tcp.c and net.c tell). */
#ifndef ARENA_SRV_HUNT_H
#define ARENA_SRV_HUNT_H

#include "server.h"

/* One tick of the hunt for a bound player: its hint, if the step brought one. */
void hunt_step(Server *s, unsigned slot);
/* A completed hunt: the legend mark at once; the hall of fame through the store, whose reply
 * (hunt_recorded) brings the announcement and, to a new legend, the claim. */
void hunt_legend(Server *s, unsigned slot);
/* The store's reply to a find. */
void hunt_recorded(Server *s, const StoreReply *r);
/* Gives a legend the claim secret of their name (CLAIM line). */
void hunt_send_claim(Server *s, unsigned slot, const uint8_t secret[FAME_SECRET_BYTES]);

#endif
