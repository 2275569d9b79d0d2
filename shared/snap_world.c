/* snap_world.c — see snap_world.h. Reads a SimWorld, never changes it; quantization rules live
 * in quant.c, the wire in snapshot.c. */
#include "snap_world.h"

#include <string.h>

#include "quant.h"

static uint8_t player_flags(const SimPlayer *p)
{
    return (uint8_t)((p->alive ? SNAP_FLAG_ALIVE : 0) | (p->fired ? SNAP_FLAG_FIRED : 0) |
                     (p->alive && p->protect > 0 ? SNAP_FLAG_PROTECTED : 0));
}

/* Tick, input ack and the viewer's self block (if the viewer has a live slot). Returns
 * whether there is a self block. */
static bool view_header(const SimWorld *w, int viewer, uint32_t input_ack, Snapshot *out)
{
    out->tick = w->tick;
    out->input_ack = input_ack;
    out->has_lead = false; /* the server's session knows the timing, not the world */
    out->input_lead = 0;
    out->inputs_late = 0;
    out->has_self = viewer >= 0 && viewer < PROTO_MAX_PLAYERS && w->players[viewer].active;
    out->self_id = out->has_self ? (uint16_t)viewer : 0;
    if (out->has_self)
        snap_self_from_player(&w->players[viewer], &out->self);
    else
        memset(&out->self, 0, sizeof out->self);
    return out->has_self;
}

bool snap_capture(const SimWorld *w, int viewer, uint32_t input_ack, Snapshot *out)
{
    if (w->tick == 0)
        return false;
    view_header(w, viewer, input_ack, out);
    out->count = 0;

    for (int i = 0; i < PROTO_MAX_PLAYERS; i++) {
        const SimPlayer *p = &w->players[i];
        if (!p->active || i == viewer)
            continue;
        if (out->count >= out->capacity)
            return false;
        SnapEntity *e = &out->ents[out->count++];
        memset(e, 0, sizeof *e);
        e->id = (uint16_t)i;
        e->type = SNAP_ENT_PLAYER;
        e->flags = player_flags(p);
        e->x = q_pos(p->x);
        e->y = q_pos(p->y);
        e->vx = q_vel(p->vx);
        e->vy = q_vel(p->vy);
        e->aim = q_aim(p->aim);
        e->score = p->score;
        e->deaths = p->deaths;
        e->health = p->alive ? p->health : 0;
    }
    for (int i = 0; i < PROTO_MAX_SHOTS; i++) {
        const SimShot *s = &w->shots[i];
        if (!s->active)
            continue;
        if (out->count >= out->capacity)
            return false;
        SnapEntity *e = &out->ents[out->count++];
        memset(e, 0, sizeof *e);
        e->id = (uint16_t)(PROTO_SHOT_ID_BASE + i);
        e->type = SNAP_ENT_SHOT;
        e->x = q_pos(s->x);
        e->y = q_pos(s->y);
        e->vx = q_vel(s->vx);
        e->vy = q_vel(s->vy);
        e->owner = s->owner;
    }
    return true;
}

bool snap_view_for(const Snapshot *all, const SimWorld *w, int viewer, uint32_t input_ack,
                   Snapshot *out)
{
    if (all->tick == 0 || all->has_self || all->tick != w->tick)
        return false;
    bool self = view_header(w, viewer, input_ack, out);
    /* Entities are sorted by id and players come first: find the viewer's by bisection. */
    uint16_t lo = 0, hi = all->count;
    while (self && lo < hi) {
        uint16_t mid = (uint16_t)((lo + hi) / 2);
        if (all->ents[mid].id < (uint16_t)viewer)
            lo = (uint16_t)(mid + 1);
        else
            hi = mid;
    }
    bool skip = self && lo < all->count && all->ents[lo].id == (uint16_t)viewer;
    uint16_t n = (uint16_t)(all->count - (skip ? 1 : 0));
    if (n > out->capacity)
        return false;
    if (!skip) {
        memcpy(out->ents, all->ents, (size_t)all->count * sizeof *out->ents);
    } else {
        memcpy(out->ents, all->ents, (size_t)lo * sizeof *out->ents);
        memcpy(out->ents + lo, all->ents + lo + 1,
               (size_t)(all->count - lo - 1) * sizeof *out->ents);
    }
    out->count = n;
    return true;
}

bool snap_view_pick(const Snapshot *all, const SimWorld *w, int viewer, uint32_t input_ack,
                    const uint16_t *idx, unsigned n, Snapshot *out)
{
    if (all->tick == 0 || all->has_self || all->tick != w->tick || n > out->capacity)
        return false;
    bool self = view_header(w, viewer, input_ack, out);
    uint16_t count = 0;
    for (unsigned k = 0; k < n; k++) {
        if (idx[k] >= all->count || (k > 0 && idx[k] <= idx[k - 1]))
            return false;
        const SnapEntity *e = &all->ents[idx[k]];
        if (!(self && e->id == (uint16_t)viewer))
            out->ents[count++] = *e;
    }
    out->count = count;
    return true;
}

void snap_self_from_player(const SimPlayer *p, SnapSelf *s)
{
    s->x = p->x;
    s->y = p->y;
    s->vx = p->vx;
    s->vy = p->vy;
    s->aim = p->aim;
    s->score = p->score;
    s->flags = player_flags(p);
    s->cooldown = p->cooldown;
    s->respawn = p->respawn;
    s->health = p->alive ? p->health : 0;
    s->deaths = p->deaths;
}

void snap_self_to_player(const SnapSelf *s, SimPlayer *p)
{
    p->active = true;
    p->alive = (s->flags & SNAP_FLAG_ALIVE) != 0;
    p->fired = (s->flags & SNAP_FLAG_FIRED) != 0;
    p->x = s->x;
    p->y = s->y;
    p->vx = s->vx;
    p->vy = s->vy;
    p->aim = s->aim;
    p->score = s->score;
    p->cooldown = s->cooldown;
    p->respawn = s->respawn;
    p->health = s->health;
    p->deaths = s->deaths;
}
