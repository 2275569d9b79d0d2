/* hunt.h — SPOILER: arena-bot's "hunt" behaviour, a player that finds the Road to Localhost
 * (docs/SPOILER-easter-egg.md) through the network protocol alone.
 *
 * Owns the plan (corner, stand still, plates 127 . 0 . 0 . 1, say the word) and a tile-grid
 * path follower. It sees only what any client sees: the map from the MAP message, its own
 * predicted player, and the server's chat lines. Pure: no sockets; the bot feeds it. */
#ifndef ARENA_BOT_HUNT_H
#define ARENA_BOT_HUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "map.h"
#include "sim.h"

typedef enum HuntPhase {
    HUNT_START = 0,
    HUNT_TO_CORNER, /* walking to the quiet corner */
    HUNT_STILL,     /* standing still until the riddle arrives */
    HUNT_ROAD,      /* walking the plates */
    HUNT_WAIT_WORD, /* road walked: waiting for the server to say so */
    HUNT_SAY,       /* say the word (once) */
    HUNT_DONE,      /* said it; nothing more to do */
} HuntPhase;

enum { HUNT_GOALS = 6 };

typedef struct Hunt {
    uint8_t phase; /* HuntPhase */
    uint8_t goal;  /* index into goal_tx/ty during HUNT_ROAD */
    uint8_t ngoals;
    int16_t goal_tx[HUNT_GOALS], goal_ty[HUNT_GOALS];
    int16_t corner_tx, corner_ty;
    uint64_t phase_since_us;
    bool ok; /* the map has the zones */
} Hunt;

void hunt_init(Hunt *h, const Map *map);
/* Tells the hunt about a NOTICE line from the server. */
void hunt_notice(Hunt *h, const char *text, uint64_t now_us);
/* Movement buttons for this moment (SIM_BTN_UP/DOWN/LEFT/RIGHT, never FIRE). */
uint8_t hunt_steer(Hunt *h, const Map *map, const SimPlayer *self, uint64_t now_us);
/* True once, when it is time to say the word; *line is the chat line to send. */
bool hunt_wants_to_say(Hunt *h, const char **line);

#endif
