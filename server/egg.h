/* egg.h — SPOILER: the hidden "Road to Localhost" hunt (docs/SPOILER-easter-egg.md).
 *
 * Owns the per-player progress through the hunt, decided from the authoritative world only:
 * a client cannot claim any step, it has to be seen doing it. Pure logic — no I/O, no ENet;
 * the server turns the returned news into messages and the find into a hall-of-fame entry.
 *
 * The hunt, on a map that declares the zones "quiet corner", "127", "0" and "1":
 *   1. stand perfectly still — alive, no key held, not moving a sub-unit — in the quiet corner
 *      for EGG_STILL_TICKS: the riddle (a player pushing into the corner's walls does not
 *      count, so wanderers stuck there do not hear it);
 *   2. within EGG_ROAD_TICKS, without dying, step onto the plates 127, 0, 0 (leave it and come
 *      back), 1 — in that order; any other plate on the way sends you back to the first;
 *   3. within EGG_WORD_TICKS, say the word (SAY) the talk's speaker misspelled himself as. */
#ifndef ARENA_SRV_EGG_H
#define ARENA_SRV_EGG_H

#include <stdbool.h>
#include <stdint.h>

#include "map.h"
#include "protocol.h"
#include "sim.h"

enum {
    EGG_STILL_TICKS = 3 * PROTO_TICK_HZ, /* 3 s without moving a sub-unit */
    EGG_ROAD_TICKS = 90 * PROTO_TICK_HZ, /* the road must be walked within 90 s */
    EGG_WORD_TICKS = 30 * PROTO_TICK_HZ, /* and the word said within 30 s after */
    EGG_ROAD_STEPS = 4,                  /* 127, 0, 0, 1 */
};

typedef enum EggStage {
    EGG_NONE = 0, /* nothing yet (or back to the start) */
    EGG_ROAD,     /* riddle told; walking the road */
    EGG_WORD,     /* road walked; waiting for the word */
    EGG_FOUND,    /* found, for the rest of this session */
} EggStage;

typedef enum EggNews {
    EGG_NEWS_NONE = 0,
    EGG_NEWS_RIDDLE,    /* step 1 done: tell this player the riddle */
    EGG_NEWS_ROAD_DONE, /* step 2 done: tell this player to say it */
    EGG_NEWS_LOST,      /* time ran out or the player died: back to the start */
} EggNews;

typedef struct EggPlayer {
    uint8_t stage;  /* EggStage */
    uint8_t step;   /* plates passed on the road, 0..EGG_ROAD_STEPS */
    uint8_t zone;   /* zone under the player at the last step (0 = none) */
    uint16_t still; /* ticks standing still in the corner */
    int32_t last_x, last_y;
    uint32_t deadline; /* tick the current stage expires */
} EggPlayer;

typedef struct Egg {
    bool enabled;             /* the map has all four zones */
    uint8_t corner, plate[3]; /* zone indices of "quiet corner", "127", "0", "1" */
    EggPlayer p[PROTO_MAX_PLAYERS];
} Egg;

/* Finds the zones by name; the hunt is disabled on a map without them. */
void egg_init(Egg *e, const Map *map);
/* Forgets a slot's progress (join, leave). */
void egg_reset(Egg *e, unsigned slot);
/* Called once per tick for every player in the arena, after the simulation step; `in` is the
 * input the server applied for this player at this tick. */
EggNews egg_step(Egg *e, const Map *map, unsigned slot, const SimPlayer *p, const SimInput *in,
                 uint32_t tick);
/* A chat line from this player. True exactly when it completes the hunt. */
bool egg_say(Egg *e, unsigned slot, const char *text, uint32_t tick);
EggStage egg_stage(const Egg *e, unsigned slot);

#endif
