/* cli_predict.h — client-side prediction and reconciliation of the local player.
 *
 * Owns the predicted SimPlayer, the inputs of recent ticks (which also make up the INPUT
 * window), and the render smoothing offset. The local player is advanced with
 * sim_player_step, the very step the server runs, so replaying the same inputs from a server
 * self block reproduces the server bit for bit. On each self block at tick T the player is
 * reset to it and the stored inputs for ticks T+1 .. tick are replayed; a replayed state that
 * differs from the prediction is a prediction error, hidden by a render offset that decays
 * with a ~100 ms time constant (errors above CLI_PREDICT_SNAP_UNITS are shown at once).
 * Pure logic: no sockets, no clock. */
#ifndef ARENA_CLI_PREDICT_H
#define ARENA_CLI_PREDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "map.h"
#include "sim.h"
#include "snapshot.h"

#define CLI_PREDICT_SNAP_UNITS    64.0 /* corrections larger than this are not smoothed */
#define CLI_PREDICT_VISIBLE_UNITS 1.0  /* a correction a player can see (a pixel or more) */
#define CLI_PREDICT_SMOOTH_S      0.1  /* time constant of the render offset decay, seconds */

enum {
    CLI_PREDICT_ERR_BUCKETS = 256, /* error histogram: 1/8 unit buckets, the last "or more" */
    CLI_PREDICT_HISTORY = 64,      /* ticks of inputs remembered; > 2 * PROTO_INPUT_WINDOW */
};

typedef struct CliPredict {
    const Map *map;       /* borrowed */
    bool ready;           /* has had a self block */
    SimPlayer player;     /* predicted state after the input of `tick` */
    SimPlayer prev;       /* state one tick earlier (for sub-tick render interpolation) */
    uint32_t tick;        /* tick of `player` */
    uint32_t server_tick; /* tick of the newest self block applied */
    SimInput inputs[CLI_PREDICT_HISTORY]; /* input of tick t at t % CLI_PREDICT_HISTORY */
    uint32_t input_tick[CLI_PREDICT_HISTORY];
    uint32_t newest_input; /* newest tick with a stored input; 0 = none */
    SimInput last_input;
    float offset_x, offset_y; /* render offset, world units: render = predicted + offset */
    /* Statistics. */
    uint64_t reconciliations; /* self blocks compared against a prediction of the same tick */
    uint64_t errors;          /* ... where they differed by more than 1 Q8 unit */
    uint64_t snaps;           /* corrections shown at once (large, or death/respawn) */
    double error_sum_units, error_max_units;
    uint64_t visible; /* ... corrections of more than CLI_PREDICT_VISIBLE_UNITS */
    /* Position error of every reconciliation (0 included), 1/8 unit buckets. */
    uint32_t error_hist[CLI_PREDICT_ERR_BUCKETS];
} CliPredict;

void cli_predict_init(CliPredict *p, const Map *map);
/* Records the input for `tick` (ticks must be given in increasing order) and advances the
 * prediction through it. Ticks skipped since the last call are simulated with the previous
 * input, as the server does for missing inputs. Before the first self block inputs are only
 * recorded. */
void cli_predict_step(CliPredict *p, uint32_t tick, const SimInput *in);
/* The input recorded for tick, if still remembered. */
bool cli_predict_input(const CliPredict *p, uint32_t tick, SimInput *out);
/* Applies the server's self block of tick T: reset, replay T+1 .. tick, compare, and shift the
 * render offset so the shown position does not jump. Older or repeated T are ignored. Returns
 * the correction in world units (0 when none). */
double cli_predict_reconcile(CliPredict *p, uint32_t server_tick, const SnapSelf *self);
/* Lets the render offset decay by dt_s seconds (exponential, CLI_PREDICT_SMOOTH_S). */
void cli_predict_decay(CliPredict *p, double dt_s);
/* Where to draw the local player, world units: prev..player at alpha (0..1, the fraction of
 * the current tick elapsed) plus the render offset. */
void cli_predict_render(const CliPredict *p, double alpha, float *x, float *y);

#endif
