/* lagcomp.c — see lagcomp.h. Integer only: the rewound time is in sixteenths of a tick and
 * the interpolation rounds toward zero, so every build rewinds to the same sub-unit. */
#include "lagcomp.h"

#include <assert.h>
#include <stddef.h>

uint16_t lc_max_lag(unsigned max_ms)
{
    assert(max_ms <= LC_MAX_MS_LIMIT);
    return (uint16_t)((uint32_t)max_ms * PROTO_TICK_HZ * LC_SUBTICKS / 1000u);
}

unsigned lc_ring_ticks(uint16_t max_lag)
{
    return (unsigned)(max_lag + LC_SUBTICKS - 1) / LC_SUBTICKS + 1u;
}

void lc_init(LcHistory *h, LcSample *storage, unsigned ticks)
{
    assert(h != NULL && storage != NULL && ticks >= 1);
    h->samples = storage;
    h->ticks = ticks;
    h->count = 0;
    h->newest = 0;
}

static LcSample *row(const LcHistory *h, uint32_t tick)
{
    return &h->samples[(size_t)(tick % h->ticks) * PROTO_MAX_PLAYERS];
}

void lc_record(LcHistory *h, const SimWorld *w, uint32_t tick)
{
    bool follows = h->count > 0 && tick == h->newest + 1u;
    const LcSample *prev = follows ? row(h, h->newest) : NULL;
    LcSample *cur = row(h, tick);
    for (unsigned i = 0; i < PROTO_MAX_PLAYERS; i++) {
        const SimPlayer *p = &w->players[i];
        LcSample s = {p->x, p->y, 0};
        if (p->active && p->alive)
            s.life = prev != NULL && prev[i].life != 0 ? prev[i].life : tick;
        cur[i] = s;
    }
    h->count = follows ? (h->count < h->ticks ? h->count + 1u : h->ticks) : 1u;
    h->newest = tick;
}

void lc_forget_player(LcHistory *h, unsigned slot)
{
    if (slot >= PROTO_MAX_PLAYERS)
        return;
    for (unsigned t = 0; t < h->ticks; t++)
        h->samples[(size_t)t * PROTO_MAX_PLAYERS + slot].life = 0;
}

int32_t lc_max_drift(uint16_t lag)
{
    return (int32_t)((lag + LC_SUBTICKS - 1) / LC_SUBTICKS) * SIM_MAX_SPEED;
}

uint16_t lc_clamp_lag(uint16_t lag, uint16_t max_lag, bool *clamped)
{
    *clamped = lag > max_lag;
    return *clamped ? max_lag : lag;
}

/* a + (b - a) * frac / LC_SUBTICKS, rounded toward zero (C division). */
static int32_t lerp_q8(int32_t a, int32_t b, uint32_t frac)
{
    return a + (int32_t)((int64_t)(b - a) * (int64_t)frac / LC_SUBTICKS);
}

bool lc_rewind(const LcHistory *h, unsigned slot, uint32_t now, uint16_t lag, int32_t *x,
               int32_t *y)
{
    assert(slot < PROTO_MAX_PLAYERS);
    if (h->count == 0 || h->newest != now)
        return false;
    uint32_t life = row(h, now)[slot].life;
    if (life == 0)
        return false;
    /* Times in sixteenths of a tick; the oldest recorded tick bounds the rewind. */
    uint64_t oldest = (uint64_t)(now - (h->count - 1u)) * LC_SUBTICKS;
    uint64_t want = (uint64_t)now * LC_SUBTICKS;
    want = want - oldest > lag ? want - lag : oldest;
    uint32_t t0 = (uint32_t)(want / LC_SUBTICKS), frac = (uint32_t)(want % LC_SUBTICKS);
    const LcSample *a = &row(h, t0)[slot];
    if (a->life != life)
        return false;
    if (frac == 0) {
        *x = a->x;
        *y = a->y;
        return true;
    }
    const LcSample *b = &row(h, t0 + 1u)[slot];
    if (b->life != life)
        return false;
    *x = lerp_q8(a->x, b->x, frac);
    *y = lerp_q8(a->y, b->y, frac);
    return true;
}
