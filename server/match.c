/* match.c — what the server tells about the match (docs/operations.md "The match").
 *
 * The match itself is game state in the shared simulation (shared/sim_match.c); this file only
 * announces it: the step's events as EVENT messages to every bound client, a NOTICE line to the
 * TCP sessions when a match starts and ends (one line per match, not per hit), the log lines,
 * and a MATCH event whenever the phase or its end moved; it also cuts the demo file (one per
 * match) when the end screen is over. Nothing here allocates. */
#include <stdio.h>

#include "demo_srv.h"
#include "server.h"

MsgEvent match_event(const Server *s)
{
    const SimMatch *m = &s->world.match;
    MsgEvent ev = {.kind = MSG_EV_MATCH};
    ev.match.phase = m->phase;
    ev.match.has_winner = m->phase == SIM_PHASE_ENDED && m->has_winner;
    ev.a = ev.match.has_winner ? m->winner : 0;
    ev.match.phase_end = m->phase_end;
    ev.match.score_limit = m->cfg.score_limit;
    ev.match.time_limit = (uint16_t)(m->cfg.time_ticks / PROTO_TICK_HZ);
    return ev;
}

static MsgEvent stats_event(const Server *s, unsigned slot)
{
    const SimPlayer *p = &s->world.players[slot];
    MsgEvent ev = {.kind = MSG_EV_STATS, .a = (uint16_t)slot};
    ev.stats = (MsgStats){p->score, p->deaths, p->shots, p->hits};
    return ev;
}

/* A client's end-screen rows: the STATS of the best (sim_match_best) and its own player's
 * when that is not among them (docs/protocol.md §3.6). */
static void send_stats(Server *s, ENetPeer *peer, const uint16_t *best, unsigned n)
{
    int self = net_peer_slot(peer);
    bool self_sent = false;
    for (unsigned k = 0; k < n; k++) {
        MsgEvent st = stats_event(s, best[k]);
        net_send_event(s, peer, &st);
        self_sent |= (int)best[k] == self;
    }
    if (self >= 0 && !self_sent && s->world.players[self].active) {
        MsgEvent st = stats_event(s, (unsigned)self);
        net_send_event(s, peer, &st);
    }
}

void match_send_state(Server *s, ENetPeer *peer)
{
    if (s->world.match.phase == SIM_PHASE_ENDED) {
        uint16_t best[PROTO_STATS_BEST];
        send_stats(s, peer, best, sim_match_best(&s->world, best, PROTO_STATS_BEST));
    }
    MsgEvent ev = match_event(s);
    net_send_event(s, peer, &ev);
}

/* The end of a match: everyone's stats first (the end screen shows them with the winner). */
static void match_ended(Server *s)
{
    const SimMatch *m = &s->world.match;
    /* The demo keeps everyone's; each client gets its end screen's rows: 17 events, not one per
     * player (at 1000 players a million, 88 ms of one tick and 12 KB to every client). */
    for (unsigned i = 0; i < PROTO_MAX_PLAYERS; i++) {
        if (s->world.players[i].active) {
            MsgEvent st = stats_event(s, i);
            srv_demo_event(s, &st);
        }
    }
    uint16_t best[PROTO_STATS_BEST];
    unsigned n = sim_match_best(&s->world, best, PROTO_STATS_BEST);
    for (unsigned i = 0; i < s->cfg.max_players; i++)
        if (s->players[i].state == SP_BOUND)
            send_stats(s, s->players[i].peer, best, n);
    if (m->has_winner) {
        const SimPlayer *w = &s->world.players[m->winner];
        const char *name = s->players[m->winner].name;
        log_info(s->log, "match", "match %u over: %s wins with %u kills (%u deaths)",
                 (unsigned)m->number, name, (unsigned)w->score, (unsigned)w->deaths);
        tcp_broadcast(s, -1, "NOTICE Match over: %s wins with %u kills", name, (unsigned)w->score);
    } else {
        log_info(s->log, "match", "match %u over: a draw (nobody scored, or the best tied)",
                 (unsigned)m->number);
        tcp_broadcast(s, -1, "NOTICE Match over: a draw, no winner");
    }
}

static void match_started(Server *s)
{
    const SimMatchConfig *c = &s->world.match.cfg;
    log_info(s->log, "match", "match %u started (score limit %u, time limit %u s)",
             (unsigned)s->world.match.number, (unsigned)c->score_limit,
             (unsigned)(c->time_ticks / PROTO_TICK_HZ));
    tcp_broadcast(s, -1, "NOTICE Match %u started", (unsigned)s->world.match.number);
}

/* A HIT line goes to the shooter's and the victim's TCP sessions only: to every session it
 * would cost players x hits lines a second (at 1000 players, more than the snapshots). The
 * game clients learn every hit they can see from the EVENT; a chat user hears of its own. */
static void tell_hit(Server *s, const SimEvent *e)
{
    const SrvPlayer *a = &s->players[e->a], *b = &s->players[e->b];
    if (a->conn >= 0)
        tcp_send(s, a->conn, "HIT %s %s", a->name, b->name);
    if (b->conn >= 0 && b->conn != a->conn)
        tcp_send(s, b->conn, "HIT %s %s", a->name, b->name);
}

static void announce_one(Server *s, const SimEvent *e)
{
    MsgEvent ev = {.a = e->a, .b = e->b};
    switch (e->type) {
    case SIM_EV_HIT:
        tell_hit(s, e);
        ev.kind = MSG_EV_HIT;
        ev.health = (uint8_t)e->c;
        break;
    case SIM_EV_KILL:
        ev.kind = MSG_EV_KILL;
        break;
    case SIM_EV_SPAWN: /* only to the player (its own respawn); the others see it in snapshots */
        ev.kind = MSG_EV_SPAWN;
        ev.b = 0;
        if (e->a < s->cfg.max_players && s->players[e->a].state == SP_BOUND)
            net_send_event(s, s->players[e->a].peer, &ev);
        return;
    case SIM_EV_MATCH_START:
        match_started(s);
        return;
    case SIM_EV_MATCH_END:
        match_ended(s);
        return;
    default: /* DEATH: the KILL before it says it */
        return;
    }
    net_send_event_near(s, &ev, e->a, e->b);
}

void match_announce(Server *s)
{
    for (unsigned i = 0; i < s->world.event_count; i++)
        announce_one(s, &s->world.events[i]);
    const SimMatch *m = &s->world.match;
    /* The limits too: a reload (reload.c) changes them without a new phase. */
    if (m->phase != s->match_phase_sent || m->phase_end != s->match_end_sent ||
        m->cfg.score_limit != s->match_score_sent || m->cfg.time_ticks != s->match_time_sent) {
        /* The end screen is over: the match's demo file is complete, the next one starts with
         * the next warm-up, or the next match when there is none (and this MATCH event). */
        if (s->match_phase_sent == SIM_PHASE_ENDED && m->phase != SIM_PHASE_ENDED) {
            srv_demo_next_match(s);
            srv_agones_match_ended(s); /* after the end screen: the players saw the result */
        }
        s->match_phase_sent = m->phase;
        s->match_end_sent = m->phase_end;
        s->match_score_sent = m->cfg.score_limit;
        s->match_time_sent = m->cfg.time_ticks;
        MsgEvent ev = match_event(s);
        net_broadcast_event(s, &ev, -1);
    }
}
