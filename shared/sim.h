/* sim.h — the deterministic game simulation shared by server (authority), client (prediction)
 * and bots.
 *
 * Owns the world state and the fixed 60 Hz step. All state is integer fixed point (Q8: 256
 * sub-units per world unit), so the same inputs give bit-identical worlds on every machine
 * and compiler. Never allocates, never does I/O, has no globals: a SimWorld is a plain value.
 *
 * Coordinates: x grows east (right), y grows south (down the screen). Angles are 12-bit
 * binary angles: 0 = east, 1024 = south, 2048 = west, 3072 = north. */
#ifndef ARENA_SIM_H
#define ARENA_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "map.h"
#include "protocol.h"

enum {
    SIM_FP_SHIFT = 8,
    SIM_FP_ONE = 1 << SIM_FP_SHIFT, /* Q8 sub-units per world unit */
    SIM_TICK_HZ = PROTO_TICK_HZ,
    SIM_ANGLE_BITS = 12,
    SIM_ANGLE_STEPS = 1 << SIM_ANGLE_BITS,

    SIM_PLAYER_HALF = 12 * SIM_FP_ONE, /* half edge of the player's wall box, Q8 */
    SIM_HIT_RADIUS = 14 * SIM_FP_ONE,  /* shot-vs-player hit radius, Q8 */
    SIM_ACCEL = SIM_FP_ONE * 3 / 5,    /* Q8 per tick^2 while a direction is held */
    SIM_FRICTION = 32,                 /* each tick v -= v * SIM_FRICTION / 256 */
    SIM_MAX_SPEED = 4 * SIM_FP_ONE,    /* Q8 per tick (240 units/s) */
    SIM_SHOT_SPEED = 12 * SIM_FP_ONE,  /* Q8 per tick (720 units/s) */
    SIM_SHOT_TTL = 45,                 /* ticks */
    SIM_SHOT_MUZZLE_UNITS = 16,        /* shots start this many world units from the centre */
    SIM_FIRE_COOLDOWN = 15,            /* ticks between shots */
    SIM_RESPAWN_TICKS = 60,            /* ticks dead before respawning */
    SIM_MAX_EVENTS = 256,              /* events recorded per step */
    /* Most shots of one player alive at once: each lives SIM_SHOT_TTL ticks, and one is
     * fired every SIM_FIRE_COOLDOWN ticks at most. */
    SIM_MAX_SHOTS_PER_PLAYER = (SIM_SHOT_TTL + SIM_FIRE_COOLDOWN - 1) / SIM_FIRE_COOLDOWN,
};

enum SimButton {
    SIM_BTN_UP = 1 << 0,
    SIM_BTN_DOWN = 1 << 1,
    SIM_BTN_LEFT = 1 << 2,
    SIM_BTN_RIGHT = 1 << 3,
    SIM_BTN_FIRE = 1 << 4,
    SIM_BTN_MASK = 0x1F,
    SIM_BTN_BITS = 5,
};

typedef struct SimInput {
    uint8_t buttons; /* SIM_BTN_* */
    uint16_t aim;    /* 12-bit angle */
} SimInput;

typedef struct SimPlayer {
    bool active;      /* slot in use */
    bool alive;       /* false while waiting to respawn */
    bool fired;       /* fired a shot during the last step (muzzle flash) */
    int32_t x, y;     /* centre, Q8 world units */
    int32_t vx, vy;   /* Q8 world units per tick */
    uint16_t aim;     /* 12-bit angle */
    uint16_t score;   /* hits scored */
    uint8_t cooldown; /* ticks until the next shot is allowed */
    uint8_t respawn;  /* ticks until respawn while !alive */
} SimPlayer;

typedef struct SimShot {
    bool active;
    uint8_t owner; /* player slot */
    uint8_t ttl;   /* ticks left */
    int32_t x, y;  /* Q8 */
    int32_t vx, vy;
    uint16_t lag; /* owner's view lag when it fired, 1/16 ticks (lagcomp.h); 0 = present */
} SimShot;

typedef enum SimEventType {
    SIM_EV_HIT = 1,   /* a = shooter slot, b = victim slot */
    SIM_EV_SPAWN = 2, /* a = player slot (joined or respawned) */
} SimEventType;

typedef struct SimEvent {
    uint8_t type;
    uint16_t a, b;
} SimEvent;

typedef struct SimWorld {
    const Map *map; /* borrowed; must outlive the world */
    uint32_t tick;  /* ticks stepped so far */
    SimPlayer players[PROTO_MAX_PLAYERS];
    SimShot shots[PROTO_MAX_SHOTS];
    uint16_t event_count; /* events of the last step */
    SimEvent events[SIM_MAX_EVENTS];
} SimWorld;

void sim_init(SimWorld *w, const Map *map);
/* Activates slot and spawns the player at the best spawn point. False if slot is out of range
 * or already active. */
bool sim_add_player(SimWorld *w, unsigned slot);
void sim_remove_player(SimWorld *w, unsigned slot); /* also removes the player's shots */
/* Lag compensation for one step (lagcomp.h; docs/simulation.md "Lag compensation"). */
typedef struct LcHistory LcHistory;
typedef struct SimLagComp {
    LcHistory *history;       /* the step records the players into it, then rewinds from it */
    const uint16_t *view_lag; /* [PROTO_MAX_PLAYERS]: each player's view lag this tick, 1/16
                                 ticks, already clamped to the cap by the caller */
} SimLagComp;

/* Advances one tick. inputs[slot] is used for every active slot. */
void sim_step(SimWorld *w, const SimInput inputs[PROTO_MAX_PLAYERS]);
/* The same with lag compensation: after the players move, the step records them in
 * lc->history as this tick; a shot fired now carries its owner's view lag and meets the other
 * players where they were that long ago (walls as they are). lc == NULL is sim_step. */
void sim_step_lagcomp(SimWorld *w, const SimInput inputs[PROTO_MAX_PLAYERS], const SimLagComp *lc);
/* Advances the tick counter by n without stepping: the server was stopped that long and
 * nothing moved (it skips only what is beyond its catch-up limit). */
void sim_skip_ticks(SimWorld *w, uint32_t n);
/* The per-player part of the step that prediction replays: aim, acceleration, friction, speed
 * clamp, wall collision, cooldown. Returns true if the player fires this tick (the world step
 * then spawns the shot). Does nothing (returns false) for a dead player. */
bool sim_player_step(const Map *map, SimPlayer *p, const SimInput *in);
/* Unit vector of a 12-bit angle, Q14 (16384 = 1.0). */
void sim_angle_dir(uint16_t aim, int32_t *dx, int32_t *dy);
/* FNV-1a 64 over every field of the world in a fixed order (not raw struct memory). */
uint64_t sim_hash(const SimWorld *w);

#endif
