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
    SIM_RESPAWN_TICKS = 120,           /* ticks dead before respawning (2 s) */
    SIM_MAX_HEALTH = PROTO_MAX_HEALTH, /* health of a fresh spawn */
    SIM_SHOT_DAMAGE = 34,              /* health one hit takes: three hits kill */
    SIM_PROTECT_TICKS = 90,            /* spawn protection after a spawn (1.5 s) */
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
    uint16_t score;   /* kills this match (the match score) */
    uint8_t cooldown; /* ticks until the next shot is allowed */
    uint8_t respawn;  /* ticks until respawn while !alive */
    uint8_t health;   /* 0..SIM_MAX_HEALTH; 0 while dead */
    uint8_t protect;  /* ticks of spawn protection left: takes no damage while > 0 */
    uint16_t deaths;  /* this match */
    uint16_t shots;   /* shots fired this match */
    uint16_t hits;    /* shots of this player that hit someone this match */
} SimPlayer;

typedef struct SimShot {
    bool active;
    uint16_t owner; /* player slot */
    uint8_t ttl;    /* ticks left */
    int32_t x, y;   /* Q8 */
    int32_t vx, vy;
    uint16_t lag; /* owner's view lag when it fired, 1/16 ticks (lagcomp.h); 0 = present */
} SimShot;

typedef enum SimEventType {
    SIM_EV_HIT = 1,         /* damage: a = shooter slot, b = victim slot, c = victim's health
                               left (0: the hit killed; KILL and DEATH follow) */
    SIM_EV_SPAWN = 2,       /* a = player slot (joined or respawned) */
    SIM_EV_KILL = 3,        /* a = killer slot, b = victim slot */
    SIM_EV_DEATH = 4,       /* a = victim slot */
    SIM_EV_MATCH_START = 5, /* a match is running (after its warm-up) */
    SIM_EV_MATCH_END = 6,   /* a = winner slot if b == 1; b = 0: no winner */
} SimEventType;

typedef struct SimEvent {
    uint8_t type;
    uint16_t a, b, c;
} SimEvent;

/* The match (docs/simulation.md "The match"): warm-up, then a running match until the score or
 * time limit, then the end screen for a while, then the next warm-up. */
typedef enum SimPhase {
    SIM_PHASE_WARMUP = 1,  /* damage and kills count for nothing: stats reset at the start */
    SIM_PHASE_RUNNING = 2, /* the match */
    SIM_PHASE_ENDED = 3,   /* the end screen: shots do no damage */
} SimPhase;

typedef struct SimMatchConfig {
    uint16_t score_limit; /* kills that win; 0 = none */
    uint32_t time_ticks;  /* length of a running match; 0 = none */
    uint32_t warmup_ticks;
    uint32_t end_ticks; /* the end screen */
} SimMatchConfig;

typedef struct SimMatch {
    SimMatchConfig cfg;
    uint8_t phase;      /* SimPhase */
    bool has_winner;    /* phase ENDED: winner is valid */
    uint16_t winner;    /* slot */
    uint32_t phase_end; /* tick the phase ends at; 0 = open (no time limit, or a warm-up that
                           waits for a player) */
    uint32_t number;    /* matches started so far */
} SimMatch;

typedef struct SimWorld {
    const Map *map; /* borrowed; must outlive the world */
    uint32_t tick;  /* ticks stepped so far */
    SimPlayer players[PROTO_MAX_PLAYERS];
    SimShot shots[PROTO_MAX_SHOTS];
    SimMatch match;
    uint16_t event_count; /* events of the last step */
    SimEvent events[SIM_MAX_EVENTS];
} SimWorld;

/* A fresh world plays free for all: phase RUNNING with no limits, forever (what tests and
 * tools that step a world by hand expect); sim_match_configure starts real matches. */
void sim_init(SimWorld *w, const Map *map);
/* Sets the match rules and starts over with a warm-up (sim_match.c). */
void sim_match_configure(SimWorld *w, const SimMatchConfig *cfg);
/* Changes the settings of the running cycle without restarting it (a reload): the score limit
 * counts from the next tick (one at or below the leader's score ends the match then), each
 * duration from the next phase that starts; the phase under way keeps its end. */
void sim_match_set_limits(SimWorld *w, const SimMatchConfig *cfg);
/* Ticks left in the current phase (0 when it is open-ended). */
uint32_t sim_match_ticks_left(const SimWorld *w);
/* The best `max` active players, best first, to out: most kills, then fewest deaths, then the
 * lower slot (the winner rule, and the end screen's order). Returns how many (fewer when fewer
 * are active). O(players x max). */
unsigned sim_match_best(const SimWorld *w, uint16_t *out, unsigned max);
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
