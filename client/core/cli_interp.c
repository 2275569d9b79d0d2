/* cli_interp.c — see cli_interp.h. Time is kept in ticks (1/60 s) as doubles; wire values
 * (1/8 unit positions and velocities, 10-bit aim) are turned into floats only here, for
 * drawing. */
#include "cli_interp.h"

#include <math.h>
#include <string.h>

#include "protocol.h"
#include "quant.h"
#include "sim.h"

#define TICKS_PER_MS     (PROTO_TICK_HZ / 1000.0)
#define INITIAL_INTERVAL 2.0        /* ticks between snapshots assumed until measured (30 Hz) */
#define INTERVAL_GAIN    0.1        /* smoothing of the measured interval */
#define JITTER_GAIN      (1.0 / 16) /* smoothing of the lateness (as RFC 3550's jitter) */
#define OFFSET_UP        0.25       /* arrivals earlier than expected move the estimate fast */
#define OFFSET_DOWN      0.02       /* late ones slowly */
#define RESYNC_TICKS     30.0
#define PI_D             3.14159265358979323846

enum { AIM10_STEPS = 1 << Q_AIM_BITS };

static double local_ticks(uint64_t us)
{
    return (double)us * (PROTO_TICK_HZ / 1e6);
}

void cli_interp_init(CliInterp *ip, SnapEntity *pool, uint32_t pool_cap)
{
    memset(ip, 0, sizeof *ip);
    snap_store_init(&ip->store, ip->frames, CLI_INTERP_FRAMES, pool, pool_cap);
    ip->interval = INITIAL_INTERVAL;
}

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void update_target(CliInterp *ip)
{
    ip->target_delay =
        clampd(2.0 * ip->interval + 2.0 * ip->jitter, CLI_INTERP_MIN_DELAY_MS * TICKS_PER_MS,
               CLI_INTERP_MAX_DELAY_MS * TICKS_PER_MS);
}

bool cli_interp_push(CliInterp *ip, const Snapshot *s, uint64_t arrival_us)
{
    if (s->tick == 0 || s->tick <= ip->newest_tick || s->count > ip->store.pool_cap)
        return false;

    /* Timing: how the arrival compares with the tick it shows. */
    double sample = (double)s->tick - local_ticks(arrival_us);
    if (!ip->synced) {
        ip->synced = true;
        ip->offset = sample;
        ip->jitter = 0.0;
    } else {
        double gap = (double)(s->tick - ip->newest_tick);
        ip->interval += (gap - ip->interval) * INTERVAL_GAIN;
        double d = sample - ip->offset;
        if (fabs(d) > RESYNC_TICKS) {
            ip->offset = sample;
            ip->jitter = 0.0;
            ip->resyncs++;
        } else {
            double late = d < 0 ? -d : 0.0;
            ip->jitter += (late - ip->jitter) * JITTER_GAIN;
            ip->offset += d * (d > 0 ? OFFSET_UP : OFFSET_DOWN);
        }
    }
    update_target(ip);
    ip->newest_tick = s->tick;

    /* Storage: the next free run of the pool; frames it overwrites are forgotten. */
    (void)snap_store_add(&ip->store, s); /* fits: count <= pool_cap, tick != 0 */
    return true;
}

double cli_interp_render_tick(CliInterp *ip, uint64_t now_us)
{
    if (!ip->synced)
        return 0.0;
    double newest = local_ticks(now_us) + ip->offset;
    double dt = 0.0;
    if (ip->last_render_us == 0) {
        ip->delay = ip->target_delay;
    } else {
        dt = now_us > ip->last_render_us ? local_ticks(now_us - ip->last_render_us) : 0;
        double step = dt * CLI_INTERP_DELAY_SLEW;
        ip->delay += clampd(ip->target_delay - ip->delay, -step, step);
    }
    ip->last_render_us = now_us;
    if (ip->delay > ip->delay_max)
        ip->delay_max = ip->delay;
    double rt = newest - ip->delay;
    ip->last_render_tick = rt > 0.0 ? rt : 0.0;
    rt = ip->last_render_tick;
    /* Starvation: nothing newer than what we draw. The time since the last render counts
     * as starved if that render was. */
    bool starved = rt > (double)ip->newest_tick;
    if (ip->starved)
        ip->starved_ms += dt / TICKS_PER_MS;
    if (starved && !ip->starved)
        ip->starvations++;
    ip->starved = starved;
    return rt;
}

double cli_interp_last_render_tick(const CliInterp *ip)
{
    return ip->last_render_tick;
}

static float aim_radians(double aim10)
{
    return (float)(aim10 * (2.0 * PI_D / AIM10_STEPS));
}

static double wrap_aim10(double a)
{
    a = fmod(a, (double)AIM10_STEPS);
    return a < 0 ? a + AIM10_STEPS : a;
}

static void view_from(const SnapEntity *e, CliEntityView *v)
{
    memset(v, 0, sizeof *v);
    v->id = e->id;
    v->type = e->type;
    v->flags = e->flags;
    v->owner = e->owner;
    v->score = e->score;
    v->health = e->health;
    v->x = q_pos_units(e->x);
    v->y = q_pos_units(e->y);
    v->vx = q_vel_units(e->vx);
    v->vy = q_vel_units(e->vy);
    v->aim = aim_radians(e->aim);
}

/* Farthest an entity can honestly move in `ticks`; beyond it the id was reused or the player
 * respawned, and interpolating would draw it flying through walls. */
static double plausible_units(uint8_t type, double ticks)
{
    double speed = (type == SNAP_ENT_SHOT ? SIM_SHOT_SPEED : SIM_MAX_SPEED) / (double)SIM_FP_ONE;
    return ticks * speed * 1.5 + 2.0;
}

static void lerp_view(const SnapEntity *a, const SnapEntity *b, double alpha, double gap,
                      CliEntityView *v)
{
    view_from(a, v);
    const double pos_unit = Q_POS_PER_UNIT, vel_unit = Q_VEL_PER_UNIT;
    double dx = ((double)b->x - a->x) / pos_unit, dy = ((double)b->y - a->y) / pos_unit;
    bool alive_same = (a->flags & SNAP_FLAG_ALIVE) == (b->flags & SNAP_FLAG_ALIVE);
    if (!alive_same || sqrt(dx * dx + dy * dy) > plausible_units(a->type, gap))
        return; /* a jump: keep showing a until the render tick reaches b */
    v->x = (float)(a->x / pos_unit + dx * alpha);
    v->y = (float)(a->y / pos_unit + dy * alpha);
    v->vx = (float)((a->vx + (b->vx - a->vx) * alpha) / vel_unit);
    v->vy = (float)((a->vy + (b->vy - a->vy) * alpha) / vel_unit);
    /* The short way round: a difference in [-512, 512) steps. */
    int half = AIM10_STEPS / 2;
    double da = (double)(((int)b->aim - (int)a->aim + half + AIM10_STEPS) % AIM10_STEPS - half);
    v->aim = aim_radians(wrap_aim10(a->aim + da * alpha));
}

unsigned cli_interp_sample(const CliInterp *ip, double rt, CliEntityView *out, unsigned cap)
{
    if (cap == 0)
        return 0;
    /* a: newest frame at or before rt (the oldest if rt is before all); b: the one after. */
    uint32_t rt_tick = rt >= (double)UINT32_MAX ? UINT32_MAX : rt >= 1.0 ? (uint32_t)rt : 0;
    const Snapshot *a = snap_store_at_or_before(&ip->store, rt_tick);
    if (a == NULL)
        a = snap_store_oldest(&ip->store);
    if (a == NULL)
        return 0;
    const Snapshot *b = snap_store_after(&ip->store, a->tick);
    const SnapEntity *ea = a->ents;
    unsigned n = 0;

    if (b == NULL || rt < (double)a->tick) {
        double ahead = rt - (double)a->tick;
        double limit = CLI_INTERP_EXTRAP_MS * TICKS_PER_MS;
        double dt = b == NULL ? clampd(ahead, 0.0, limit) : 0.0;
        for (unsigned i = 0; i < a->count && n < cap; i++) {
            CliEntityView *v = &out[n++];
            view_from(&ea[i], v);
            if (dt > 0.0) {
                v->x += v->vx * (float)dt;
                v->y += v->vy * (float)dt;
                v->extrapolated = true;
            }
        }
        return n;
    }

    const SnapEntity *eb = b->ents;
    double gap = (double)(b->tick - a->tick);
    double alpha = (rt - (double)a->tick) / gap;
    unsigned j = 0;
    for (unsigned i = 0; i < a->count && n < cap; i++) {
        while (j < b->count && eb[j].id < ea[i].id)
            j++; /* only in b: appears when the render tick reaches b */
        CliEntityView *v = &out[n++];
        if (j < b->count && eb[j].id == ea[i].id && eb[j].type == ea[i].type)
            lerp_view(&ea[i], &eb[j], alpha, gap, v);
        else
            view_from(&ea[i], v); /* gone in b: shown as in a until then */
    }
    return n;
}

double cli_interp_delay_ms(const CliInterp *ip)
{
    return ip->delay / TICKS_PER_MS;
}

double cli_interp_delay_max_ms(const CliInterp *ip)
{
    return ip->delay_max / TICKS_PER_MS;
}

uint32_t cli_interp_starvations(const CliInterp *ip)
{
    return ip->starvations;
}

double cli_interp_starved_ms(const CliInterp *ip)
{
    return ip->starved_ms;
}

double cli_interp_interval_ms(const CliInterp *ip)
{
    return ip->interval / TICKS_PER_MS;
}

double cli_interp_jitter_ms(const CliInterp *ip)
{
    return ip->jitter / TICKS_PER_MS;
}
