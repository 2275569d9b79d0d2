/* cli_interp.h — interpolation of remote entities between received snapshots.
 *
 * Owns a buffer of (server tick, arrival time, entities) frames and the render clock: render
 * tick = (estimated tick of the newest snapshot that could have arrived by now) - delay. The
 * delay adapts to the measured snapshot interval and arrival jitter (target: two intervals
 * plus twice the mean lateness, within [CLI_INTERP_MIN_DELAY_MS, CLI_INTERP_MAX_DELAY_MS]) and
 * changes by at most CLI_INTERP_DELAY_SLEW of real time, so the render clock never jumps.
 * Entities are interpolated linearly between the two frames that bracket the render tick
 * (aim the short way round), extrapolated with their velocity for at most
 * CLI_INTERP_EXTRAP_MS past the newest frame, appear when the render tick reaches the first
 * frame that has them and vanish when it reaches the first frame that lacks them.
 * A render whose tick is past the newest frame (no snapshot to interpolate towards: it
 * extrapolates or holds) is *starved*; entering that state counts one starvation, and the
 * time spent in it is summed (cli_interp_starvations, cli_interp_starved_ms).
 * Pure logic: entity storage belongs to the caller; times are passed in (microseconds). */
#ifndef ARENA_CLI_INTERP_H
#define ARENA_CLI_INTERP_H

#include <stdbool.h>
#include <stdint.h>

#include "snap_store.h"
#include "snapshot.h"

#define CLI_INTERP_MIN_DELAY_MS 20.0
#define CLI_INTERP_MAX_DELAY_MS 300.0
#define CLI_INTERP_EXTRAP_MS    100.0
#define CLI_INTERP_DELAY_SLEW   0.05 /* delay changes by at most 5% of elapsed time */

enum {
    CLI_INTERP_FRAMES = 32, /* frames remembered (about 1 s at 30 Hz) */
};

typedef struct CliInterp {
    /* The frames: snapshots by tick, entities in the caller's pool (snap_store.h). */
    Snapshot frames[CLI_INTERP_FRAMES];
    SnapStore store;
    bool synced;
    double offset;       /* newest receivable tick ~= now_us * 60 / 1e6 + offset */
    double interval;     /* smoothed ticks between snapshots */
    double jitter;       /* smoothed lateness of arrivals, ticks */
    double delay;        /* current delay, ticks */
    double target_delay; /* where delay is heading, ticks */
    uint32_t newest_tick;
    uint64_t last_render_us;
    double last_render_tick; /* what cli_interp_render_tick returned last (0: never) */
    uint32_t resyncs;
    bool starved;         /* the last render tick was past the newest frame */
    uint32_t starvations; /* renders that entered the starved state */
    double starved_ms;    /* time between renders spent starved */
    double delay_max;     /* the largest delay used by a render, ticks */
} CliInterp;

/* What to draw for one remote entity. */
typedef struct CliEntityView {
    uint16_t id;
    uint8_t type;  /* SnapEntityType */
    uint8_t flags; /* SNAP_FLAG_* */
    uint8_t owner; /* shots */
    uint16_t score;
    uint8_t health; /* players: 0..PROTO_MAX_HEALTH */
    float x, y;     /* world units */
    float vx, vy;   /* world units per tick */
    float aim;      /* radians, 0 = east, pi/2 = south (y grows down) */
    bool extrapolated;
} CliEntityView;

/* pool_cap must be at least PROTO_MAX_ENTITIES; about 8 * PROTO_MAX_ENTITIES keeps a full
 * second of busy snapshots. */
void cli_interp_init(CliInterp *ip, SnapEntity *pool, uint32_t pool_cap);
/* Adds a decoded snapshot that arrived at arrival_us. Snapshots not newer than the newest
 * one are ignored (returns false). */
bool cli_interp_push(CliInterp *ip, const Snapshot *s, uint64_t arrival_us);
/* Advances the delay towards its target and returns the render tick at now_us (call once per
 * rendered frame, with non-decreasing times). 0 before the first snapshot. */
double cli_interp_render_tick(CliInterp *ip, uint64_t now_us);
/* Fills out[0..cap) with the entities at render tick rt (as returned above); returns how
 * many. Ordered by id. */
unsigned cli_interp_sample(const CliInterp *ip, double rt, CliEntityView *out, unsigned cap);
/* The render tick last returned by cli_interp_render_tick: what the view showed when the
 * controls were last chosen (INPUT's view lag). 0 if nothing was rendered yet. */
double cli_interp_last_render_tick(const CliInterp *ip);
double cli_interp_delay_ms(const CliInterp *ip);
double cli_interp_delay_max_ms(const CliInterp *ip);
uint32_t cli_interp_starvations(const CliInterp *ip);
double cli_interp_starved_ms(const CliInterp *ip);
double cli_interp_interval_ms(const CliInterp *ip);
double cli_interp_jitter_ms(const CliInterp *ip);

#endif
