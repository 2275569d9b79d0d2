/* demo_srv.h — the server's side of demo recording (arena-server --record DIR).
 *
 * Owns the hooks through which the server feeds server/demo_rec.c: start-up and shutdown, the
 * match boundary, each tick's world, chat lines and game events. Each is a no-op when recording
 * is off. Nothing here allocates after srv_demo_open. */
#ifndef ARENA_SRV_DEMO_SRV_H
#define ARENA_SRV_DEMO_SRV_H

#include <stdbool.h>
#include <stdint.h>

#include "demo.h"
#include "msg.h"

typedef struct Server Server;

/* At start-up (after the map is loaded): with cfg.record_dir set, creates the recorder and
 * starts match 1's file. False only if the recorder cannot be created (the directory is
 * checked: a missing one is an error at start, not a silent loss). */
bool srv_demo_open(Server *s);
/* At shutdown: ends the current file. */
void srv_demo_close(Server *s);
/* The match boundary: ends the current file and starts the next match's, with every player
 * present announced in it (PLAYER and LEGEND events). Call when a new match begins. */
void srv_demo_next_match(Server *s);
/* End of a tick: the world, at the snapshot rate. */
void srv_demo_tick(Server *s);
/* A chat line that was broadcast to everyone (kind: DemoChatKind). */
void srv_demo_chat(Server *s, uint8_t kind, unsigned slot, const char *text);
/* A game event that was broadcast. */
void srv_demo_event(Server *s, const MsgEvent *ev);

#endif
