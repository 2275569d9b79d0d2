/* colours.h — each player's colour: distinct for everyone on the server.
 *
 * Owns picking a player's palette colour (0..PROTO_COLOURS-1: the client's palette,
 * client/app/palette.c, has exactly that many distinct colours) from the one asked for at
 * LOGIN (colour=N) and the ones in use: the wanted one if free, else the free one nearest to
 * it by palette number (the lower on a tie); with no wish, the lowest free one. With more
 * than PROTO_COLOURS players colours repeat: the caller marks "taken" only those used more
 * than the least-used one (srv_colour_taken), so each colour is shared by as few as can be.
 * Pure. */
#ifndef ARENA_SERVER_COLOURS_H
#define ARENA_SERVER_COLOURS_H

#include <stdbool.h>

#include "protocol.h"

enum {
    SRV_COLOURS = PROTO_COLOURS,
    SRV_COLOUR_ANY = -1,
};

/* The colour to give: wanted (0..SRV_COLOURS-1 or SRV_COLOUR_ANY) if free, else the nearest
 * free one. -1 only when all are taken (never after srv_colour_taken). */
int srv_colour_pick(const bool taken[SRV_COLOURS], int wanted);
/* taken[c] = colour c is used by more players than the least-used colour (uses[c] players
 * have it): at most 255 colours are taken, so srv_colour_pick always finds one. */
void srv_colour_taken(const unsigned uses[SRV_COLOURS], bool taken[SRV_COLOURS]);
/* "colour=N" (N decimal 0..255, no sign or leading zeros beyond "0"): true with *out. */
bool srv_colour_parse(const char *s, int *out);

#endif
