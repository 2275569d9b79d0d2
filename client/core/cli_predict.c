/* cli_predict.c — see cli_predict.h. Integer simulation through shared/sim.h; floats only for
 * the render offset and statistics. */
#include "cli_predict.h"

#include <math.h>
#include <string.h>

#include "snap_world.h"

void cli_predict_init(CliPredict *p, const Map *map)
{
    memset(p, 0, sizeof *p);
    p->map = map;
}

/* One tick of the local player, as sim_step runs it: the movement step while alive; while
 * dead only the respawn countdown (where the server respawns us is its choice, so a dead
 * player stays dead in the prediction until a self block says otherwise). */
static void player_tick(const Map *map, SimPlayer *pl, const SimInput *in)
{
    if (pl->alive) {
        (void)sim_player_step(map, pl, in);
        return;
    }
    pl->fired = false;
    if (pl->respawn > 0)
        pl->respawn--;
}

static bool stored_input(const CliPredict *p, uint32_t tick, SimInput *out)
{
    unsigned i = tick % CLI_PREDICT_HISTORY;
    if (tick == 0 || p->input_tick[i] != tick)
        return false;
    *out = p->inputs[i];
    return true;
}

bool cli_predict_input(const CliPredict *p, uint32_t tick, SimInput *out)
{
    return stored_input(p, tick, out);
}

void cli_predict_step(CliPredict *p, uint32_t tick, const SimInput *in)
{
    if (tick == 0)
        return;
    unsigned i = tick % CLI_PREDICT_HISTORY;
    p->input_tick[i] = tick;
    p->inputs[i] = *in;
    if (tick > p->newest_input)
        p->newest_input = tick;
    if (!p->ready || tick <= p->tick)
        return; /* before the first self block, or the server is already past this tick */
    /* Ticks nobody gave an input for: the server repeats the last input it applied. */
    if (tick - p->tick > CLI_PREDICT_HISTORY)
        p->tick = tick - CLI_PREDICT_HISTORY;
    SimInput fill = p->last_input;
    for (uint32_t t = p->tick + 1; t < tick; t++) {
        SimInput got;
        if (stored_input(p, t, &got))
            fill = got;
        p->prev = p->player;
        player_tick(p->map, &p->player, &fill);
    }
    p->prev = p->player;
    player_tick(p->map, &p->player, in);
    p->tick = tick;
    p->last_input = *in;
}

static int32_t iabs32(int32_t v)
{
    return v < 0 ? -v : v;
}

double cli_predict_reconcile(CliPredict *p, uint32_t server_tick, const SnapSelf *self)
{
    SimPlayer fresh;
    memset(&fresh, 0, sizeof fresh);
    snap_self_to_player(self, &fresh);
    if (!p->ready) {
        p->ready = true;
        p->player = fresh;
        p->prev = fresh;
        p->tick = server_tick;
        p->server_tick = server_tick;
        stored_input(p, server_tick, &p->last_input);
        return 0.0;
    }
    if (server_tick <= p->server_tick)
        return 0.0;
    p->server_tick = server_tick;

    SimPlayer old = p->player;
    bool comparable = server_tick <= p->tick;
    if (server_tick >= p->tick) {
        /* The server is at or past our prediction: take its state as is. */
        p->player = fresh;
        p->prev = fresh;
        p->tick = server_tick;
        stored_input(p, server_tick, &p->last_input);
    } else {
        SimPlayer cur = fresh, before = fresh;
        SimInput in = p->last_input;
        (void)stored_input(p, server_tick, &in);
        for (uint32_t t = server_tick + 1; t <= p->tick; t++) {
            SimInput got;
            if (stored_input(p, t, &got))
                in = got;
            before = cur;
            player_tick(p->map, &cur, &in);
        }
        p->player = cur;
        p->prev = before;
    }

    int32_t dx = p->player.x - old.x, dy = p->player.y - old.y;
    int32_t dvx = p->player.vx - old.vx, dvy = p->player.vy - old.vy;
    double dist = sqrt((double)dx * dx + (double)dy * dy) / SIM_FP_ONE;
    bool both_alive = old.alive && p->player.alive;
    if (comparable) {
        p->reconciliations++;
        int32_t worst = iabs32(dx);
        if (iabs32(dy) > worst)
            worst = iabs32(dy);
        if (iabs32(dvx) > worst)
            worst = iabs32(dvx);
        if (iabs32(dvy) > worst)
            worst = iabs32(dvy);
        /* Deaths and respawns are the server's call, not mispredictions: they snap below. */
        if (both_alive) {
            double b = dist * 8.0;
            unsigned bucket =
                b >= CLI_PREDICT_ERR_BUCKETS - 1 ? CLI_PREDICT_ERR_BUCKETS - 1 : (unsigned)b;
            p->error_hist[bucket]++;
            if (dist > CLI_PREDICT_VISIBLE_UNITS)
                p->visible++;
        }
        if (both_alive && worst > 1) {
            p->errors++;
            p->error_sum_units += dist;
            if (dist > p->error_max_units)
                p->error_max_units = dist;
        }
    }
    if (dist == 0.0 && dvx == 0 && dvy == 0)
        return 0.0;
    /* Keep the drawn position where it was; the offset then decays to zero. */
    float ox = p->offset_x + (float)(old.x - p->player.x) / SIM_FP_ONE;
    float oy = p->offset_y + (float)(old.y - p->player.y) / SIM_FP_ONE;
    if (!both_alive || dist > CLI_PREDICT_SNAP_UNITS ||
        sqrtf(ox * ox + oy * oy) > (float)CLI_PREDICT_SNAP_UNITS) {
        if (dist > 0.0)
            p->snaps++;
        p->offset_x = 0.0f;
        p->offset_y = 0.0f;
    } else {
        p->offset_x = ox;
        p->offset_y = oy;
    }
    return dist;
}

void cli_predict_decay(CliPredict *p, double dt_s)
{
    if (!(dt_s > 0.0))
        return;
    float k = (float)exp(-dt_s / CLI_PREDICT_SMOOTH_S);
    p->offset_x *= k;
    p->offset_y *= k;
    /* Below 1/256 unit the offset is invisible: make it exactly zero. */
    if (fabsf(p->offset_x) < 1.0f / SIM_FP_ONE && fabsf(p->offset_y) < 1.0f / SIM_FP_ONE) {
        p->offset_x = 0.0f;
        p->offset_y = 0.0f;
    }
}

void cli_predict_render(const CliPredict *p, double alpha, float *x, float *y)
{
    if (!(alpha >= 0.0))
        alpha = 0.0;
    if (alpha > 1.0)
        alpha = 1.0;
    double px = p->prev.x + (p->player.x - p->prev.x) * alpha;
    double py = p->prev.y + (p->player.y - p->prev.y) * alpha;
    /* A respawn or a snap between prev and player is drawn at the new place. */
    if (p->prev.alive != p->player.alive) {
        px = p->player.x;
        py = p->player.y;
    }
    *x = (float)(px / SIM_FP_ONE) + p->offset_x;
    *y = (float)(py / SIM_FP_ONE) + p->offset_y;
}
