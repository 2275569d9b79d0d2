/* session.c — a player's life on the server: login slot, BIND, inputs, and the one way out.
 *
 * Owns the SrvPlayer lifecycle: SP_FREE -> SP_LOBBY (lobby.c's LOGIN) -> SP_BOUND (a BIND
 * with the login's token over the ENet peer its CONNECT created) -> SP_FREE through
 * session_release, the single release path (as ENet's enet_peer_reset is for a peer): it
 * owns players_now, the player's TCP connection (BYE, LEAVE, close), its ENet peer
 * (disconnect) and the slot. Every way out passes there: QUIT, a dropped TCP connection,
 * a lost ENet peer, a reliable backlog, an operator kick, shutdown. Also the ENet event pump
 * (peers become players here) and the deadlines of unbound peers and unused tokens.
 *
 * Layering (calls go down only): server.c -> lobby.c, tick.c, ctl.c -> hunt.c -> session.c,
 * udp_gate.c -> net.c, tcp.c. tcp.c reports lines and ended connections up through the
 * handler server.c installs (SrvTcpHandler), never by calling lobby.c or session.c. */
#include <stdio.h>
#include <string.h>

#include "enet_alloc.h"
#include "msg.h"
#include "server.h"
#include "udp_gate.h"

enum {
    SESSION_EVENTS_PER_WAKE = 4096, /* ENet events handled per loop iteration, at most */
    /* ... and datagrams read (the INPUTs the gate takes itself raise no event). */
    SESSION_DATAGRAMS_PER_WAKE = 4096,
    /* What one enet_host_service call reads at most (ENet 1.3.17,
     * enet_protocol_receive_incoming_commands). */
    ENET_READS_PER_SERVICE = 256,
    PEER_TIMEOUT_MIN_MS = 3000, /* enet_peer_timeout: a bound peer is lost after this */
    /* ... or when a reliable message stays unacknowledged this long, however its RTT looks.
     * ENet doubles the retransmission timeout each time: at a 750 ms RTT the retries go out
     * at 1.2, 3.5, 8 and 17 s, so 10 s allowed only three and a soak bot on the netcode
     * profile (5 % loss each way) was dropped now and then; 20 s allows the fourth. */
    PEER_TIMEOUT_MAX_MS = 20000,
};

void session_release(Server *s, unsigned slot, const char *leave_reason, const char *bye,
                     ProtoDisconnect disc)
{
    SrvPlayer *p = &s->players[slot];
    if (p->state == SP_FREE)
        return;
    bool was_bound = p->state == SP_BOUND;
    int ci = p->conn;
    if (ci >= 0) {
        p->conn = -1;
        tcp_detach(s, ci, bye); /* BYE (if any), then the connection closes once drained */
        log_info(s->log, "tcp", "'%s' left (%s)", p->name, leave_reason);
        tcp_broadcast(s, ci, "LEAVE %u %s %s", slot, p->name, leave_reason);
    }
    for (size_t i = 0; i < s->host->peerCount; i++)
        if (s->peers[i].admit_slot == (int)slot)
            s->peers[i].admit_slot = -1; /* the next login in this slot admits afresh */
    p->events.len = 0;                   /* its queued EVENTs: it is leaving */
    p->onlooker.len = 0;
    if (p->peer != NULL) {
        net_peer_set_slot(p->peer, -1);
        enet_peer_disconnect_later(p->peer, disc);
        p->peer = NULL;
    }
    egg_reset(&s->egg, slot);
    p->legend = false;
    if (was_bound) {
        s->players_now--;
        sim_remove_player(&s->world, slot);
        MsgEvent ev = {.kind = MSG_EV_LEFT, .a = (uint16_t)slot};
        net_broadcast_event(s, &ev, (int)slot);
    }
    p->state = SP_FREE;
    p->token_live = false;
    memset(p->token, 0, sizeof p->token);
    p->name[0] = '\0';
    p->key[0] = '\0';
    p->alt[0] = '\0';
    p->admitted = false;
    p->crowned = false;
}

void session_conn_ended(Server *s, unsigned slot, const char *leave_reason, ProtoDisconnect disc)
{
    session_release(s, slot, leave_reason, NULL, disc);
}

void session_kick(Server *s, unsigned slot, const char *reason)
{
    char bye[SRV_OUT_LINE_MAX];
    snprintf(bye, sizeof bye, "kicked %s", reason);
    session_release(s, slot, "kicked", bye, PROTO_DISCONNECT_KICKED);
}

void session_release_all(Server *s, ProtoDisconnect disc)
{
    for (unsigned i = 0; i < s->cfg.max_players; i++)
        session_release(s, i, "shutdown", NULL, disc);
}

/* ---- BIND ------------------------------------------------------------------------------ */

/* Constant-time comparison: the token is a secret. */
static bool token_equal(const uint8_t *a, const uint8_t *b)
{
    uint8_t diff = 0;
    for (unsigned i = 0; i < PROTO_TOKEN_BYTES; i++)
        diff |= (uint8_t)(a[i] ^ b[i]);
    return diff == 0;
}

static void reset_player_net(SrvPlayer *p)
{
    memset(p->input, 0, sizeof p->input);
    memset(&p->last_input, 0, sizeof p->last_input);
    p->last_lag = 0;
    p->input_ack = 0;
    p->lead_seen = false;
    p->lead_min = 0;
    p->late_ticks = 0;
    snap_store_clear(&p->sent);
    p->acked_tick = 0;
    p->acked_once = false;
    prio_clear(&p->prio);
    interest_view_clear(&p->view);
    memset(p->sees, 0, sizeof p->sees); /* sees nobody until its first snapshot */
    p->events.len = 0;
    p->onlooker.len = 0;
}

/* The slot whose live token this BIND presents, admitted for this very peer; -1 if none. */
static int bind_slot(Server *s, const ENetPeer *peer, const MsgBind *b, uint64_t now_ms)
{
    int found = -1;
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        SrvPlayer *p = &s->players[i];
        if (p->state == SP_LOBBY && p->token_live && token_equal(p->token, b->token))
            found = (int)i;
    }
    if (found < 0)
        return -1;
    const SrvPlayer *p = &s->players[found];
    /* The token must be the one whose login let this peer's CONNECT in (udp_gate.c). */
    if (now_ms > p->token_expires_ms || p->ip != peer->address.host ||
        net_peer_state(s, peer)->admit_slot != found)
        return -1;
    return found;
}

/* What a newcomer is told over ENet: WELCOME, MAP, who is here (and who wears a crown); and
 * the newcomer to everyone else. */
static void greet(Server *s, unsigned slot)
{
    SrvPlayer *p = &s->players[slot];
    ENetPeer *peer = p->peer;
    uint8_t buf[MSG_WELCOME_MAX_BYTES];
    MsgWelcome w = {.version = PROTO_VERSION,
                    .player_id = (uint16_t)slot,
                    .server_tick = s->world.tick,
                    .tick_hz = PROTO_TICK_HZ,
                    .snapshot_hz = (uint8_t)s->cfg.snapshot_hz,
                    .input_hz = (uint8_t)srv_config_input_hz(&s->cfg),
                    .map_checksum = s->map.checksum};
    snprintf(w.map_name, sizeof w.map_name, "%s", s->map.name);
    size_t n = msg_welcome_encode(&w, buf, sizeof buf);
    if (n > 0)
        net_send(peer, PROTO_CH_RELIABLE, buf, n, true);
    net_send(peer, PROTO_CH_RELIABLE, s->map_msg, s->map_msg_len, true); /* built at start-up */
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        if (s->players[i].state != SP_BOUND)
            continue;
        MsgEvent ev = {.kind = MSG_EV_PLAYER, .a = (uint16_t)i, .colour = s->players[i].colour};
        snprintf(ev.name, sizeof ev.name, "%s", s->players[i].name);
        net_send_event(s, peer, &ev);
    }
    /* Hall-of-fame names wear their crown in every session, when the login held the claim. */
    p->legend = p->crowned;
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        if (s->players[i].state == SP_BOUND && s->players[i].legend) {
            MsgEvent lev = {.kind = MSG_EV_LEGEND, .a = (uint16_t)i};
            net_send_event(s, peer, &lev);
        }
    }
    match_send_state(s, peer);
    MsgEvent ev = {.kind = MSG_EV_PLAYER, .a = (uint16_t)slot, .colour = p->colour};
    snprintf(ev.name, sizeof ev.name, "%s", p->name);
    net_broadcast_event(s, &ev, (int)slot);
    if (p->legend) {
        MsgEvent lev = {.kind = MSG_EV_LEGEND, .a = (uint16_t)slot};
        net_broadcast_event(s, &lev, (int)slot);
    }
}

static void handle_bind(Server *s, ENetPeer *peer, const uint8_t *data, size_t len, uint64_t now_ms)
{
    int admit = net_peer_state(s, peer)->admit_slot; /* the login whose CONNECT let it in */
    MsgBind b;
    if (msg_bind_decode(data, len, &b) != MSG_OK) {
        drop_note(&s->stats.drops, s->log, DROP_BAD_PACKET, now_ms, "peer %u: malformed BIND",
                  (unsigned)peer->incomingPeerID);
        s->stats.bind_failures++;
        gate_refuse_join(s, admit, "join", "protocol error: malformed BIND");
        enet_peer_disconnect(peer, PROTO_DISCONNECT_PROTOCOL);
        return;
    }
    if (b.version != PROTO_VERSION) {
        s->stats.bind_failures++;
        gate_refuse_join(s, admit, "version", "BIND speaks protocol %u, this server %d",
                         (unsigned)b.version, PROTO_VERSION);
        enet_peer_disconnect(peer, PROTO_DISCONNECT_VERSION);
        return;
    }
    int found = bind_slot(s, peer, &b, now_ms);
    if (found < 0) {
        s->stats.bind_failures++;
        log_debug(s->log, now_ms, "game", "peer %u: bad token", (unsigned)peer->incomingPeerID);
        gate_refuse_join(s, admit, "join",
                         "BIND token refused (expired, already used or not this login's)");
        enet_peer_disconnect(peer, PROTO_DISCONNECT_BAD_TOKEN);
        return;
    }
    unsigned slot = (unsigned)found;
    SrvPlayer *p = &s->players[slot];
    p->token_live = false; /* single use */
    memset(p->token, 0, sizeof p->token);
    p->state = SP_BOUND;
    p->peer = peer;
    p->bound_ms = now_ms;
    net_peer_set_slot(peer, found);
    enet_peer_timeout(peer, 0, PEER_TIMEOUT_MIN_MS, PEER_TIMEOUT_MAX_MS);
    reset_player_net(p);
    sim_add_player(&s->world, slot);
    if (s->lagcomp_samples != NULL)
        lc_forget_player(&s->lagcomp, slot); /* the slot's last occupant is not this player */
    egg_reset(&s->egg, slot);
    greet(s, slot);
    s->players_now++;
    if (s->players_now > s->stats.players_peak)
        s->stats.players_peak = s->players_now;
    log_info(s->log, "game", "'%s' entered the arena (slot %u, %u playing)", p->name, slot,
             s->players_now);
}

/* ---- INPUT ----------------------------------------------------------------------------- */

/* How long before it is simulated the input for tick t arrived (now), in 1/8 tick, floored and
 * saturated to the wire's range: tick input_horizon + 1 falls due at next_due_us, each later
 * one 1/60 s after the one before. Negative: it came after its tick had fallen due. */
static int16_t input_lead(const Server *s, uint32_t t)
{
    int64_t whole = (int64_t)t - (int64_t)s->input_horizon - 1; /* ticks after the next one */
    int64_t frac_us = (int64_t)s->next_due_us - (int64_t)s->now_us;
    /* (whole + frac_us * 60 / 1e6) * 8, floored, in integers */
    int64_t num = (whole * 1000000 + frac_us * PROTO_TICK_HZ) * SNAP_LEAD_PER_TICK;
    int64_t q = num / 1000000 - (num % 1000000 < 0);
    return (int16_t)(q < SNAP_LEAD_MIN ? SNAP_LEAD_MIN : q > SNAP_LEAD_MAX ? SNAP_LEAD_MAX : q);
}

static void note_input_lead(Server *s, SrvPlayer *p, uint32_t newest_tick)
{
    int16_t lead = input_lead(s, newest_tick);
    if (!p->lead_seen || lead < p->lead_min)
        p->lead_min = lead;
    p->lead_seen = true;
}

/* The plan's horizon is stale when the server was stopped while it read (a SIGSTOP between
 * the plan and the last datagram of the read): what it read after the stop is for ticks that
 * fell due meanwhile, which the next plan catches up. So an input is early only if it is
 * beyond the ticks due by the clock too, looked at once per read (SCHED_MAX_CATCHUP_TICKS at
 * most: the most a plan simulates). */
static uint32_t horizon_after_stop(Server *s, uint32_t horizon)
{
    if (!s->horizon_checked) {
        s->horizon_checked = true;
        uint64_t due = sched_due(&s->sched, s->clock_us());
        s->horizon_extra =
            (uint32_t)(due < SCHED_MAX_CATCHUP_TICKS ? due : SCHED_MAX_CATCHUP_TICKS);
    }
    return horizon + s->horizon_extra;
}

static void handle_input(Server *s, unsigned slot, const uint8_t *data, size_t len, uint64_t now_ms)
{
    MsgInput m;
    if (msg_input_decode(data, len, &m) != MSG_OK) {
        drop_note(&s->stats.drops, s->log, DROP_BAD_PACKET, now_ms,
                  "slot %u: malformed INPUT dropped", slot);
        return;
    }
    SrvPlayer *p = &s->players[slot];
    note_input_lead(s, p, m.newest_tick);
    uint32_t now_tick = s->world.tick;
    /* The view lag goes with the inputs this message is the first to deliver (for inputs[0],
     * the usual case, it is exact). A client may claim more than it has: the cap is what
     * bounds how far it can rewind the others. */
    bool clamped;
    uint16_t lag = lc_clamp_lag(m.view_lag, s->lagcomp_max_lag, &clamped);
    if (clamped && s->lagcomp_samples != NULL)
        s->stats.lagcomp_clamped++;
    /* Inputs fit from the next tick to the newest one due this iteration (more than one
     * after a stall, when the missed ticks are caught up) plus half the ring. */
    uint32_t horizon = s->input_horizon > now_tick ? s->input_horizon : now_tick + 1;
    for (unsigned i = 0; i < m.count; i++) {
        uint32_t t = m.newest_tick - i;
        unsigned r = t % SRV_INPUT_RING;
        if (t <= now_tick) {
            /* Already simulated. Normal for the redundant tail of the window; late only if
             * this tick never arrived before (counted once: the slot remembers it). */
            if (t > p->input_ack && p->input[r].tick != t) {
                s->stats.inputs_late++;
                p->input[r].tick = t;
            }
            continue;
        }
        if (t > horizon + SRV_INPUT_RING / 2 &&
            t > horizon_after_stop(s, horizon) + SRV_INPUT_RING / 2) {
            s->stats.inputs_early++;
            continue;
        }
        SrvInputSlot *in = &p->input[r];
        if (in->tick != t)
            in->lag = lag;
        in->tick = t;
        in->input = m.inputs[i];
    }
    /* The ack names a snapshot we sent and still remember; anything else is ignored. */
    uint32_t ack = m.snapshot_ack;
    if (ack > p->acked_tick && ack <= now_tick && snap_store_find(&p->sent, ack) != NULL) {
        p->acked_tick = ack;
        p->acked_once = true;
    }
}

void session_bound_message(Server *s, unsigned slot, const uint8_t *data, size_t len,
                           uint64_t now_ms)
{
    int type = len > 0 ? data[0] : -1;
    if (type == PROTO_MSG_INPUT)
        handle_input(s, slot, data, len, now_ms);
    else
        drop_note(&s->stats.drops, s->log, DROP_BAD_PACKET, now_ms,
                  "slot %u: unexpected message type %d dropped", slot, type);
}

/* ---- the ENet event pump --------------------------------------------------------------- */

static void on_receive(Server *s, ENetEvent *ev, uint64_t now_ms)
{
    const uint8_t *data = ev->packet->data;
    size_t len = ev->packet->dataLength;
    int slot = net_peer_slot(ev->peer);
    int type = len > 0 ? data[0] : -1;
    if (slot < 0 && type == PROTO_MSG_BIND) {
        handle_bind(s, ev->peer, data, len, now_ms);
    } else if (slot < 0) {
        drop_note(&s->stats.drops, s->log, DROP_BAD_PACKET, now_ms,
                  "peer %u: message type %d before BIND", (unsigned)ev->peer->incomingPeerID, type);
        s->stats.bind_failures++;
        gate_refuse_join(s, net_peer_state(s, ev->peer)->admit_slot, "join",
                         "protocol error: message type %d before BIND", type);
        enet_peer_disconnect(ev->peer, PROTO_DISCONNECT_PROTOCOL);
    } else {
        session_bound_message(s, (unsigned)slot, data, len, now_ms);
    }
}

static void on_connect(Server *s, ENetPeer *peer, uint64_t now_ms)
{
    SrvPeer *sp = net_peer_state(s, peer);
    net_peer_set_slot(peer, -1);
    if (peer->mtu > PROTO_ENET_MTU)
        peer->mtu = PROTO_ENET_MTU; /* whatever the client asked for */
    /* No ENet packet throttle: it drops unreliable messages (snapshots here, INPUTs on the
     * client, which this also tells) whenever the RTT rises, e.g. while many players join at
     * once. Snapshots have their own budget and deltas; dropping some at random only makes
     * the client fall back to older baselines. net_send_unreliable keeps it off. */
    enet_guard_configure(peer);
    sp->half_open = false;
    sp->connected_ms = now_ms;
    enet_alloc_reserve(s->host->connectedPeers); /* outside ticks: its blocks, now */
}

static void on_disconnect(Server *s, ENetPeer *peer)
{
    int slot = net_peer_slot(peer);
    net_peer_set_slot(peer, -1);
    SrvPeer *sp = net_peer_state(s, peer);
    sp->admit_slot = -1;
    sp->half_open = false;
    enet_alloc_reserve(s->host->connectedPeers);
    if (slot >= 0 && s->players[slot].state == SP_BOUND) {
        SrvPlayer *p = &s->players[slot];
        p->peer = NULL; /* gone already: nothing to disconnect */
        log_info(s->log, "game", "'%s' lost (slot %d)", p->name, slot);
        session_release(s, (unsigned)slot, "timeout", "timeout", PROTO_DISCONNECT_NONE);
    }
}

void session_service(Server *s, uint64_t now_ms)
{
    ENetEvent ev;
    s->udp_batch = 0;
    s->horizon_checked = false;
    gate_before_service(s);
    /* ENet issues #64/#85: service until it has nothing more, not once per readable socket;
     * but at most SESSION_EVENTS_PER_WAKE events, so the tick keeps its schedule whatever
     * arrives (the rest waits in ENet's queue for the next iteration). */
    for (int n = 0; n < SESSION_EVENTS_PER_WAKE; n++) {
        uint32_t seen = s->udp_batch;
        int r = enet_host_service(s->host, &ev, 0);
        /* A call reads at most ENET_READS_PER_SERVICE datagrams; the INPUTs the gate took
         * raise no event, so a call that read that many and returned none may have left more
         * in the socket. */
        if (r == 0 && s->udp_batch - seen >= ENET_READS_PER_SERVICE &&
            s->udp_batch < SESSION_DATAGRAMS_PER_WAKE)
            continue;
        if (r <= 0)
            break;
        switch (ev.type) {
        case ENET_EVENT_TYPE_CONNECT:
            on_connect(s, ev.peer, now_ms);
            break;
        case ENET_EVENT_TYPE_RECEIVE:
            on_receive(s, &ev, now_ms);
            enet_packet_destroy(ev.packet);
            break;
        case ENET_EVENT_TYPE_DISCONNECT:
            on_disconnect(s, ev.peer);
            break;
        case ENET_EVENT_TYPE_NONE:
            break;
        }
    }
    gate_after_service(s);
    gate_judge_flood(s, now_ms);
}

/* Players who stopped acknowledging reliable messages (udp_gate.h decides who). */
static void release_backlogged(Server *s, uint64_t now_ms)
{
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        if (!gate_backlogged(&s->players[i]))
            continue;
        drop_note(&s->stats.drops, s->log, DROP_ENET_BACKLOG, now_ms,
                  "'%s' (slot %u): %d reliable messages unacknowledged, dropped",
                  s->players[i].name, i, GATE_BACKLOG_COMMANDS);
        session_release(s, i, "backlog", "backlog", PROTO_DISCONNECT_BACKLOG);
    }
}

void session_housekeeping(Server *s, uint64_t now_ms)
{
    for (size_t i = 0; i < s->host->peerCount; i++) {
        ENetPeer *peer = &s->host->peers[i];
        if (peer->state == ENET_PEER_STATE_CONNECTED && net_peer_slot(peer) < 0 &&
            now_ms - s->peers[i].connected_ms > s->cfg.bind_timeout_ms) {
            s->stats.bind_failures++;
            gate_refuse_join(s, s->peers[i].admit_slot, "join",
                             "no BIND within %u ms of the game connection",
                             (unsigned)s->cfg.bind_timeout_ms);
            enet_peer_disconnect_now(peer, PROTO_DISCONNECT_BIND_TIMEOUT);
        }
    }
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        SrvPlayer *p = &s->players[i];
        if (p->state == SP_LOBBY && p->token_live && now_ms > p->token_expires_ms) {
            log_info(s->log, "game",
                     "'%s' (slot %u) has not joined the game: its token expired "
                     "(chat only)",
                     p->name, i);
            p->token_live = false; /* chat-only from now on */
            memset(p->token, 0, sizeof p->token);
        }
    }
    gate_housekeeping(s, now_ms);
    if (gate_backlog_due(s, now_ms))
        release_backlogged(s, now_ms);
    net_count_traffic(s, now_ms);
}
