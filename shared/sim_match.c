/* sim_match.c — the match: warm-up, running, ended, next match (docs/simulation.md "The match").
 *
 * Part of the deterministic step: the phase changes at exact ticks, so every machine that steps
 * the same world sees the same match. A fresh world (sim_init) plays free for all, phase
 * RUNNING with no limits; sim_match_configure starts the cycle. */
#include <string.h>

#include "sim_internal.h"

void sim_match_configure(SimWorld *w, const SimMatchConfig *cfg)
{
    SimMatch *m = &w->match;
    m->cfg = *cfg;
    m->phase = SIM_PHASE_WARMUP;
    m->phase_end = 0;
    m->has_winner = false;
    m->winner = 0;
}

void sim_match_set_limits(SimWorld *w, const SimMatchConfig *cfg)
{
    w->match.cfg = *cfg;
}

uint32_t sim_match_ticks_left(const SimWorld *w)
{
    const SimMatch *m = &w->match;
    return m->phase_end > w->tick ? m->phase_end - w->tick : 0;
}

static bool anyone_active(const SimWorld *w)
{
    for (unsigned i = 0; i < PROTO_MAX_PLAYERS; i++)
        if (w->players[i].active)
            return true;
    return false;
}

/* a ranks before b: more kills, then fewer deaths (equal: the caller keeps slot order). */
static bool ranks_before(const SimPlayer *a, const SimPlayer *b)
{
    return a->score > b->score || (a->score == b->score && a->deaths < b->deaths);
}

unsigned sim_match_best(const SimWorld *w, uint16_t *out, unsigned max)
{
    unsigned n = 0;
    for (unsigned i = 0; i < PROTO_MAX_PLAYERS && max > 0; i++) {
        const SimPlayer *p = &w->players[i];
        if (!p->active)
            continue;
        /* Slots come in increasing order: a tie stays behind those already placed. */
        unsigned at = n;
        while (at > 0 && ranks_before(p, &w->players[out[at - 1]]))
            at--;
        if (at >= max)
            continue;
        unsigned last = n < max ? n : max - 1;
        memmove(&out[at + 1], &out[at], (last - at) * sizeof out[0]);
        out[at] = (uint16_t)i;
        n = last + 1;
    }
    return n;
}

/* Everyone starts the match fresh: stats zero, full health, at a spawn, no shots in the air. */
static void start_match(SimWorld *w)
{
    SimMatch *m = &w->match;
    memset(w->shots, 0, sizeof w->shots);
    for (unsigned i = 0; i < PROTO_MAX_PLAYERS; i++) {
        SimPlayer *p = &w->players[i];
        p->alive = false; /* nobody blocks a spawn while the spawns are handed out */
        p->score = 0;
        p->deaths = 0;
        p->shots = 0;
        p->hits = 0;
    }
    sim_spawn_all(w);
    m->phase = SIM_PHASE_RUNNING;
    m->number++;
    m->phase_end = m->cfg.time_ticks != 0 ? w->tick + m->cfg.time_ticks : 0;
    m->has_winner = false;
    sim_push_event(w, SIM_EV_MATCH_START, 0, 0, 0);
}

/* The winner: most kills, then fewest deaths; nobody when no one scored or the best two tie. */
static void end_match(SimWorld *w)
{
    SimMatch *m = &w->match;
    uint16_t first;
    int best = sim_match_best(w, &first, 1) == 1 ? first : -1;
    /* Nobody scored, or two players tie on kills and deaths: a draw, no winner. */
    bool draw = best < 0 || w->players[best].score == 0;
    for (unsigned i = 0; i < PROTO_MAX_PLAYERS && !draw; i++) {
        const SimPlayer *p = &w->players[i];
        draw = p->active && (int)i != best && p->score == w->players[best].score &&
               p->deaths == w->players[best].deaths;
    }
    if (draw)
        best = -1;
    m->phase = SIM_PHASE_ENDED;
    m->has_winner = best >= 0;
    m->winner = best >= 0 ? (uint16_t)best : 0;
    m->phase_end = w->tick + (m->cfg.end_ticks != 0 ? m->cfg.end_ticks : 1);
    sim_push_event(w, SIM_EV_MATCH_END, m->winner, m->has_winner ? 1 : 0, 0);
}

static bool score_reached(const SimWorld *w)
{
    uint16_t limit = w->match.cfg.score_limit;
    if (limit == 0)
        return false;
    for (unsigned i = 0; i < PROTO_MAX_PLAYERS; i++)
        if (w->players[i].active && w->players[i].score >= limit)
            return true;
    return false;
}

/* A warm-up runs its time once somebody is there; an empty server waits. */
static void step_warmup(SimWorld *w)
{
    SimMatch *m = &w->match;
    if (!anyone_active(w)) {
        m->phase_end = 0;
        return;
    }
    if (m->phase_end == 0) /* it began with this step */
        m->phase_end = w->tick - 1 + m->cfg.warmup_ticks;
    if (w->tick >= m->phase_end)
        start_match(w);
}

void sim_match_step(SimWorld *w)
{
    SimMatch *m = &w->match;
    switch (m->phase) {
    case SIM_PHASE_WARMUP:
        step_warmup(w);
        break;
    case SIM_PHASE_RUNNING:
        if (score_reached(w) || (m->phase_end != 0 && w->tick >= m->phase_end))
            end_match(w);
        break;
    default: /* SIM_PHASE_ENDED */
        if (w->tick >= m->phase_end) {
            m->phase = SIM_PHASE_WARMUP;
            m->phase_end = 0;
            m->has_winner = false;
            step_warmup(w);
        }
        break;
    }
}
