/* colours.h — each player's colour: distinct for everyone on the server.
 *
 * Owns picking a player's palette colour (0..PROTO_MAX_PLAYERS-1: the client's palette,
 * client/app/palette.c, has exactly that many distinct colours) from the one asked for at
 * LOGIN (colour=N) and the ones in use: the wanted one if free, else the free one nearest to
 * it by palette number (the lower on a tie); with no wish, the lowest free one. Pure. */
#ifndef ARENA_SERVER_COLOURS_H
#define ARENA_SERVER_COLOURS_H

#include <stdbool.h>

#include "protocol.h"

enum {
    SRV_COLOURS = PROTO_MAX_PLAYERS,
    SRV_COLOUR_ANY = -1,
};

/* The colour to give: wanted (0..SRV_COLOURS-1 or SRV_COLOUR_ANY) if free, else the nearest
 * free one. -1 only when all are taken (never with at most PROTO_MAX_PLAYERS players). */
int srv_colour_pick(const bool taken[SRV_COLOURS], int wanted);
/* "colour=N" (N decimal 0..255, no sign or leading zeros beyond "0"): true with *out. */
bool srv_colour_parse(const char *s, int *out);

#endif
