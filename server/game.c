/* game.c — the ENet side of the server: binding peers to logged-in players, inputs, the
 * authoritative tick and per-client delta snapshots.
 *
 * Owns the ENet host. A peer gets no game state until it has presented a valid token in
 * BIND. Inputs are stored by tick and applied exactly once at their tick; snapshots are
 * delta-encoded against the newest snapshot the client acknowledged, within a datagram
 * budget, with a priority accumulator deciding who goes in. Nothing here allocates inside a
 * tick except ENet's packet allocations (see enet_alloc.c). */
#include <string.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "msg.h"
#include "priority.h"
#include "server.h"
#include "snap_world.h"
#include "udp_gate.h"

enum {
    GAME_MAX_MESSAGE = PROTO_MAP_TEXT_MAX + 64, /* largest ENet packet (ENet checks it on send
                                                   too: MAP); nothing that big gets past the
                                                   gate inbound (no fragments accepted) */
    GAME_MAX_WAITING = 16 * 1024, /* ENet buffer space per peer for incoming messages */
    GAME_PEER_SLACK = 32,         /* peers beyond 2 per player (leaving, joining) */
    GAME_EVENTS_PER_WAKE = 4096,  /* ENet events handled per loop iteration, at most */
};

static uintptr_t slot_tag(unsigned slot)
{
    return (uintptr_t)slot + 1u;
}

static int peer_slot(const ENetPeer *peer)
{
    uintptr_t tag = (uintptr_t)peer->data;
    return tag == 0 ? -1 : (int)(tag - 1u);
}

static unsigned max_view(const Server *s)
{
    unsigned v = s->cfg.max_players * 4u; /* each player has at most 3 shots alive */
    return v < PROTO_MAX_ENTITIES ? v : PROTO_MAX_ENTITIES;
}

bool game_open(Server *s)
{
    ENetAddress addr;
    if (enet_address_set_host_ip(&addr, s->cfg.bind) != 0) {
        log_info(s->log, "game", "bind address '%s' is not an IPv4 address", s->cfg.bind);
        return false;
    }
    addr.port = s->cfg.game_port;
    /* Two per player: one leaving (ENet lingers to deliver the disconnect) and one joining. */
    size_t peers = 2u * s->cfg.max_players + GAME_PEER_SLACK;
    s->host = enet_host_create(&addr, peers, PROTO_CHANNEL_COUNT, 0, 0);
    if (s->host == NULL) {
        log_info(s->log, "game", "cannot open UDP %s:%u (in use?)", s->cfg.bind, s->cfg.game_port);
        return false;
    }
    /* Every datagram stays within the 1200-byte budget: ENet never builds a bigger one. */
    s->host->mtu = PROTO_ENET_MTU;
    for (size_t i = 0; i < s->host->peerCount; i++)
        s->host->peers[i].mtu = PROTO_ENET_MTU; /* created with the old MTU */
    s->host->maximumPacketSize = GAME_MAX_MESSAGE;
    s->host->maximumWaitingData = GAME_MAX_WAITING;
    s->peers = calloc(peers, sizeof *s->peers);
    if (s->peers == NULL)
        return false;
    gate_open(s);
    unsigned view = max_view(s);
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        SrvPlayer *p = &s->players[i];
        p->pool_cap = view * SRV_SNAP_POOL_SNAPS;
        p->pool = calloc(p->pool_cap, sizeof *p->pool);
        p->prio = calloc(PROTO_MAX_ENTITIES, sizeof *p->prio);
        if (p->pool == NULL || p->prio == NULL)
            return false;
    }
    s->world_view_ents = calloc(PROTO_MAX_ENTITIES, sizeof *s->world_view_ents);
    if (s->world_view_ents == NULL)
        return false;
    snap_init(&s->world_view, s->world_view_ents, PROTO_MAX_ENTITIES);
    s->scratch_ents = calloc(PROTO_MAX_ENTITIES, sizeof *s->scratch_ents);
    s->scratch_prio = calloc(PROTO_MAX_ENTITIES, sizeof *s->scratch_prio);
    if (s->scratch_ents == NULL || s->scratch_prio == NULL)
        return false;
    snap_init(&s->scratch_target, s->scratch_ents, PROTO_MAX_ENTITIES);
    return true;
}

void game_close(Server *s)
{
    if (s->host != NULL) {
        for (size_t i = 0; i < s->host->peerCount; i++) {
            ENetPeer *peer = &s->host->peers[i];
            if (peer->state != ENET_PEER_STATE_DISCONNECTED)
                enet_peer_disconnect_now(peer, PROTO_DISC_SHUTDOWN);
        }
        enet_host_flush(s->host);
        enet_host_destroy(s->host);
        s->host = NULL;
    }
    if (s->players != NULL)
        for (unsigned i = 0; i < s->cfg.max_players; i++) {
            free(s->players[i].pool);
            free(s->players[i].prio);
        }
    free(s->peers);
    s->peers = NULL;
    free(s->scratch_ents);
    free(s->world_view_ents);
    s->world_view_ents = NULL;
    free(s->scratch_prio);
    s->scratch_ents = NULL;
    s->scratch_prio = NULL;
}

static void send_packet(Server *s, ENetPeer *peer, uint8_t channel, const uint8_t *buf, size_t len,
                        bool reliable)
{
    ENetPacket *pk = enet_packet_create(buf, len, reliable ? ENET_PACKET_FLAG_RELIABLE : 0);
    if (pk == NULL)
        return;
    if (enet_peer_send(peer, channel, pk) != 0)
        enet_packet_destroy(pk);
    (void)s;
}

static void send_event(Server *s, ENetPeer *peer, const MsgEvent *ev)
{
    uint8_t buf[64];
    size_t n = msg_event_encode(ev, buf, sizeof buf);
    if (n > 0)
        send_packet(s, peer, PROTO_CH_RELIABLE, buf, n, true);
}

static void broadcast_event(Server *s, const MsgEvent *ev, int except)
{
    for (unsigned i = 0; i < s->cfg.max_players; i++)
        if (s->players[i].state == SP_BOUND && (int)i != except)
            send_event(s, s->players[i].peer, ev);
}

void game_release_player(Server *s, unsigned slot, ProtoDisconnect why)
{
    SrvPlayer *p = &s->players[slot];
    if (p->state == SP_FREE)
        return;
    bool was_bound = p->state == SP_BOUND;
    for (size_t i = 0; i < s->host->peerCount; i++)
        if (s->peers[i].admit_slot == (int)slot)
            s->peers[i].admit_slot = -1; /* the next login in this slot admits afresh */
    if (p->peer != NULL) {
        p->peer->data = NULL;
        enet_peer_disconnect_later(p->peer, why);
        p->peer = NULL;
    }
    egg_reset(&s->egg, slot);
    p->legend = false;
    if (was_bound) {
        s->players_now--; /* every way out of the arena passes here: QUIT, EOF, kick, timeout */
        sim_remove_player(&s->world, slot);
        MsgEvent ev = {.kind = MSG_EV_LEFT, .a = (uint16_t)slot};
        broadcast_event(s, &ev, (int)slot);
    }
    p->state = SP_FREE;
    p->token_live = false;
    memset(p->token, 0, sizeof p->token);
    p->name[0] = '\0';
    p->key[0] = '\0';
    p->alt[0] = '\0';
    p->admitted = false;
    p->crowned = false;
    p->conn = -1;
}

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
    memset(p->inputs, 0, sizeof p->inputs);
    memset(p->input_tick, 0, sizeof p->input_tick);
    memset(&p->last_input, 0, sizeof p->last_input);
    p->input_ack = 0;
    for (unsigned i = 0; i < SRV_SNAP_RING; i++)
        p->ring[i].tick = 0;
    p->pool_head = 0;
    p->acked_tick = 0;
    memset(p->prio, 0, PROTO_MAX_ENTITIES * sizeof *p->prio);
}

static void handle_bind(Server *s, ENetPeer *peer, const uint8_t *data, size_t len, uint64_t now_ms)
{
    MsgBind b;
    if (msg_bind_decode(data, len, &b) != MSG_OK) {
        drop_note(&s->stats.drops, s->log, DROP_BAD_PACKET, now_ms, "peer %u: malformed BIND",
                  (unsigned)peer->incomingPeerID);
        s->stats.bind_failures++;
        enet_peer_disconnect(peer, PROTO_DISC_PROTOCOL);
        return;
    }
    if (b.version != PROTO_VERSION) {
        s->stats.bind_failures++;
        enet_peer_disconnect(peer, PROTO_DISC_VERSION);
        return;
    }
    int found = -1;
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        SrvPlayer *p = &s->players[i];
        if (p->state == SP_LOBBY && p->token_live && token_equal(p->token, b.token))
            found = (int)i;
    }
    SrvPlayer *p = found >= 0 ? &s->players[found] : NULL;
    /* The token must be the one whose login let this peer's CONNECT in (udp_gate.c). */
    if (p == NULL || now_ms > p->token_expires_ms || p->ip != peer->address.host ||
        s->peers[peer - s->host->peers].admit_slot != found) {
        s->stats.bind_failures++;
        log_debug(s->log, now_ms, "game", "peer %u: bad token", (unsigned)peer->incomingPeerID);
        enet_peer_disconnect(peer, PROTO_DISC_BAD_TOKEN);
        return;
    }
    unsigned slot = (unsigned)found;
    p->token_live = false; /* single use */
    memset(p->token, 0, sizeof p->token);
    p->state = SP_BOUND;
    p->peer = peer;
    p->bound_ms = now_ms;
    peer->data = (void *)slot_tag(slot);
    enet_peer_timeout(peer, 0, 3000, 10000);
    reset_player_net(p);
    sim_add_player(&s->world, slot);
    egg_reset(&s->egg, slot);

    uint8_t buf[128];
    MsgWelcome w = {.version = PROTO_VERSION,
                    .player_id = (uint16_t)slot,
                    .server_tick = s->world.tick,
                    .tick_hz = PROTO_TICK_HZ,
                    .snapshot_hz = (uint8_t)s->cfg.snapshot_hz,
                    .map_checksum = s->map.checksum};
    snprintf(w.map_name, sizeof w.map_name, "%s", s->map.name);
    size_t n = msg_welcome_encode(&w, buf, sizeof buf);
    if (n > 0)
        send_packet(s, peer, PROTO_CH_RELIABLE, buf, n, true);
    /* The map: built once at start-up into s->map_msg. */
    send_packet(s, peer, PROTO_CH_RELIABLE, s->map_msg, s->map_msg_len, true);
    /* Who is here, including the newcomer; and the newcomer to everyone else. */
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        if (s->players[i].state != SP_BOUND)
            continue;
        MsgEvent ev = {.kind = MSG_EV_PLAYER, .a = (uint16_t)i};
        snprintf(ev.name, sizeof ev.name, "%s", s->players[i].name);
        send_event(s, peer, &ev);
    }
    /* Hall-of-fame names wear their crown in every session, when the login held the claim. */
    p->legend = p->crowned;
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        if (s->players[i].state == SP_BOUND && s->players[i].legend) {
            MsgEvent lev = {.kind = MSG_EV_LEGEND, .a = (uint16_t)i};
            send_event(s, peer, &lev);
        }
    }
    MsgEvent ev = {.kind = MSG_EV_PLAYER, .a = (uint16_t)slot};
    snprintf(ev.name, sizeof ev.name, "%s", p->name);
    broadcast_event(s, &ev, (int)slot);
    if (p->legend) {
        MsgEvent lev = {.kind = MSG_EV_LEGEND, .a = (uint16_t)slot};
        broadcast_event(s, &lev, (int)slot);
    }
    s->players_now++;
    if (s->players_now > s->stats.players_peak)
        s->stats.players_peak = s->players_now;
    log_info(s->log, "game", "'%s' entered the arena (slot %u, %u playing)", p->name, slot,
             s->players_now);
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
    uint32_t now_tick = s->world.tick;
    /* Inputs fit from the next tick to the newest one due this iteration (more than one
     * after a stall, when the missed ticks are caught up) plus half the ring. */
    uint32_t horizon = s->input_horizon > now_tick ? s->input_horizon : now_tick + 1;
    for (unsigned i = 0; i < m.count; i++) {
        uint32_t t = m.newest_tick - i;
        unsigned r = t % SRV_INPUT_RING;
        if (t <= now_tick) {
            /* Already simulated. Normal for the redundant tail of the window; late only if
             * this tick never arrived before (counted once: the slot remembers it). */
            if (t > p->input_ack && p->input_tick[r] != t) {
                s->stats.inputs_late++;
                p->input_tick[r] = t;
            }
            continue;
        }
        if (t > horizon + SRV_INPUT_RING / 2) {
            s->stats.inputs_early++;
            continue;
        }
        p->input_tick[r] = t;
        p->inputs[r] = m.inputs[i];
    }
    /* The ack names a snapshot we sent and still remember; anything else is ignored. */
    uint32_t ack = m.snapshot_ack;
    if (ack > p->acked_tick && ack <= now_tick && p->ring[ack % SRV_SNAP_RING].tick == ack)
        p->acked_tick = ack;
}

static void on_receive(Server *s, ENetEvent *ev, uint64_t now_ms)
{
    const uint8_t *data = ev->packet->data;
    size_t len = ev->packet->dataLength;
    int slot = peer_slot(ev->peer);
    if (slot < 0) {
        if (len > 0 && data[0] == PROTO_MSG_BIND)
            handle_bind(s, ev->peer, data, len, now_ms);
        else {
            drop_note(&s->stats.drops, s->log, DROP_BAD_PACKET, now_ms,
                      "peer %u: message type %d before BIND", (unsigned)ev->peer->incomingPeerID,
                      len > 0 ? data[0] : -1);
            s->stats.bind_failures++;
            enet_peer_disconnect(ev->peer, PROTO_DISC_PROTOCOL);
        }
        return;
    }
    if (len > 0 && data[0] == PROTO_MSG_INPUT)
        handle_input(s, (unsigned)slot, data, len, now_ms);
    else {
        drop_note(&s->stats.drops, s->log, DROP_BAD_PACKET, now_ms,
                  "slot %d: unexpected message type %d dropped", slot, len > 0 ? data[0] : -1);
    }
}

/* One ENet event. */
static void on_event(Server *s, ENetEvent *ev, uint64_t now_ms)
{
    switch (ev->type) {
    case ENET_EVENT_TYPE_CONNECT: {
        SrvPeer *sp = &s->peers[ev->peer - s->host->peers];
        ev->peer->data = NULL;
        if (ev->peer->mtu > PROTO_ENET_MTU)
            ev->peer->mtu = PROTO_ENET_MTU; /* whatever the client asked for */
        /* No ENet packet throttle: it drops unreliable messages (snapshots here, INPUTs on the
         * client, which this also tells) whenever the RTT rises, e.g. while many players join
         * at once. Snapshots have their own budget and deltas; dropping some at random only
         * makes the client fall back to older baselines. */
        enet_peer_throttle_configure(ev->peer, ENET_PEER_PACKET_THROTTLE_INTERVAL,
                                     ENET_PEER_PACKET_THROTTLE_ACCELERATION, 0);
        ev->peer->packetThrottle = ENET_PEER_PACKET_THROTTLE_SCALE;
        sp->half_open = false;
        sp->connected_ms = now_ms;
        break;
    }
    case ENET_EVENT_TYPE_RECEIVE:
        on_receive(s, ev, now_ms);
        enet_packet_destroy(ev->packet);
        break;
    case ENET_EVENT_TYPE_DISCONNECT: {
        int slot = peer_slot(ev->peer);
        ev->peer->data = NULL;
        SrvPeer *sp = &s->peers[ev->peer - s->host->peers];
        sp->admit_slot = -1;
        sp->half_open = false;
        if (slot >= 0 && s->players[slot].state == SP_BOUND) {
            SrvPlayer *p = &s->players[slot];
            p->peer = NULL;
            log_info(s->log, "game", "'%s' lost (slot %d)", p->name, slot);
            tcp_drop_player(s, (unsigned)slot, "timeout");
            game_release_player(s, (unsigned)slot, PROTO_DISC_NONE);
        }
        break;
    }
    case ENET_EVENT_TYPE_NONE:
        break;
    }
}

void game_service(Server *s, uint64_t now_ms)
{
    ENetEvent ev;
    gate_before_service(s);
    /* ENet issues #64/#85: service until it has nothing more, not once per readable socket;
     * but at most GAME_EVENTS_PER_WAKE events, so the tick keeps its schedule whatever
     * arrives (the rest waits in ENet's queue for the next iteration). */
    for (int n = 0; n < GAME_EVENTS_PER_WAKE; n++) {
        int r = enet_host_service(s->host, &ev, 0);
        if (r <= 0)
            break;
        on_event(s, &ev, now_ms);
    }
    gate_after_service(s);
}

void game_housekeeping(Server *s, uint64_t now_ms)
{
    for (size_t i = 0; i < s->host->peerCount; i++) {
        ENetPeer *peer = &s->host->peers[i];
        if (peer->state == ENET_PEER_STATE_CONNECTED && peer_slot(peer) < 0 &&
            now_ms - s->peers[i].connected_ms > s->cfg.bind_timeout_ms) {
            s->stats.bind_failures++;
            enet_peer_disconnect_now(peer, PROTO_DISC_BIND_TIMEOUT);
        }
    }
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        SrvPlayer *p = &s->players[i];
        if (p->state == SP_LOBBY && p->token_live && now_ms > p->token_expires_ms) {
            p->token_live = false; /* chat-only from now on */
            memset(p->token, 0, sizeof p->token);
        }
    }
    gate_housekeeping(s, now_ms);
    s->stats.bytes_out += s->host->totalSentData;
    s->stats.window_bytes_out += s->host->totalSentData;
    s->stats.packets_out += s->host->totalSentPackets;
    s->stats.bytes_in += s->host->totalReceivedData;
    s->stats.packets_in += s->host->totalReceivedPackets;
    s->host->totalSentData = 0;
    s->host->totalSentPackets = 0;
    s->host->totalReceivedData = 0;
    s->host->totalReceivedPackets = 0;
}

static bool ranges_overlap(uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1)
{
    return a0 < b1 && b0 < a1;
}

static void send_snapshot(Server *s, unsigned slot)
{
    SrvPlayer *p = &s->players[slot];
    Snapshot *target = &s->scratch_target;
    if (!snap_view_for(&s->world_view, &s->world, (int)slot, p->input_ack, target))
        return;

    const Snapshot *baseline = NULL;
    if (s->cfg.delta && p->acked_tick != 0) {
        const Snapshot *b = &p->ring[p->acked_tick % SRV_SNAP_RING];
        if (b->tick == p->acked_tick)
            baseline = b;
    }
    /* Where the client's new view will live in this player's entity pool. */
    uint32_t need = target->count + (baseline ? baseline->count : 0u);
    if (p->pool_head + need > p->pool_cap)
        p->pool_head = 0;
    uint32_t lo = p->pool_head, hi = p->pool_head + need;
    if (baseline != NULL) {
        uint32_t b0 = (uint32_t)(baseline->ents - p->pool);
        if (ranges_overlap(lo, hi, b0, b0 + baseline->count)) {
            baseline = NULL; /* too old to keep: this one goes out full */
            p->acked_tick = 0;
        }
    }
    for (unsigned i = 0; i < SRV_SNAP_RING; i++) {
        Snapshot *r = &p->ring[i];
        if (r->tick == 0 || r == baseline)
            continue;
        uint32_t r0 = (uint32_t)(r->ents - p->pool);
        if (ranges_overlap(lo, hi, r0, r0 + r->count))
            r->tick = 0;
    }

    const SimPlayer *viewer = &s->world.players[slot];
    prio_accumulate(p->prio, target, viewer->x, viewer->y, s->scratch_prio);

    Snapshot sent;
    snap_init(&sent, p->pool + lo, (uint16_t)need);
    uint8_t buf[PROTO_MAX_DATAGRAM];
    SnapEncodeReport rep;
    uint16_t omitted[PROTO_MAX_ENTITIES];
    SnapEncodeArgs args = {.target = target,
                           .baseline = baseline,
                           .priority = s->scratch_prio,
                           .budget = SRV_SNAP_BUDGET,
                           .out = buf,
                           .sent = &sent,
                           .omitted_ids = omitted,
                           .omitted_cap = PROTO_MAX_ENTITIES};
    SnapError err = snap_encode(&args, &rep);
    if (err != SNAP_OK) {
        log_info(s->log, "game", "snapshot for slot %u not encoded: %s", slot, snap_error_str(err));
        return;
    }
    /* Sent entities start over; omitted ones keep climbing until they win a place. */
    prio_after_send(p->prio, target, omitted,
                    rep.omitted < PROTO_MAX_ENTITIES ? rep.omitted : PROTO_MAX_ENTITIES);

    Snapshot *slotp = &p->ring[sent.tick % SRV_SNAP_RING];
    *slotp = sent;
    slotp->capacity = sent.count;
    p->pool_head = lo + sent.count;

    send_packet(s, p->peer, PROTO_CH_SNAPSHOT, buf, rep.bytes, false);
    s->stats.snapshots_sent++;
    s->stats.snapshot_bytes += rep.bytes;
    s->stats.full_snapshots += baseline == NULL;
    s->stats.entities_omitted += rep.omitted;
    /* ENet adds its header (peer id and sent time, 4 bytes), the checksum (4) and an
     * unreliable-sequenced command header (8) around the payload; acks may share the datagram,
     * within the host MTU (which leaves room for the checksum). */
    uint32_t dgram = (uint32_t)rep.bytes + 16u;
    if (dgram > s->stats.max_datagram_bytes)
        s->stats.max_datagram_bytes = dgram;
}

static void announce_events(Server *s)
{
    for (unsigned i = 0; i < s->world.event_count; i++) {
        const SimEvent *e = &s->world.events[i];
        if (e->type != SIM_EV_HIT)
            continue;
        const char *a = s->players[e->a].name, *b = s->players[e->b].name;
        tcp_broadcast(s, -1, "HIT %s %s", a, b);
        MsgEvent ev = {.kind = MSG_EV_HIT, .a = e->a, .b = e->b};
        broadcast_event(s, &ev, -1);
    }
}

/* The hidden hunt's private hints (egg.h). */
static void egg_news(Server *s, unsigned slot, EggNews news)
{
    int conn = s->players[slot].conn;
    if (conn < 0)
        return;
    switch (news) {
    case EGG_NEWS_RIDDLE:
        tcp_send(s, conn,
                 "NOTICE psst... you found the quiet corner. Road to Localhost: 127 . 0 . 0 . "
                 "1 - walk it, plate by plate. At the end, say who the speaker was, the way "
                 "he spelled it.");
        break;
    case EGG_NEWS_ROAD_DONE:
        tcp_send(s, conn, "NOTICE You have reached localhost. Now say it - as he spelled it.");
        break;
    case EGG_NEWS_LOST:
        tcp_send(s, conn, "NOTICE The road fades. (The quiet corner is still there.)");
        break;
    case EGG_NEWS_NONE:
        break;
    }
}

void game_legend(Server *s, unsigned slot)
{
    SrvPlayer *p = &s->players[slot];
    int rank = 0;
    bool fresh = false;
    char err[700];
    uint8_t secret[FAME_SECRET_BYTES];
    randombytes_buf(secret, sizeof secret);
    if (!fame_record(s->fame, p->name, p->key, p->alt, s->map.name, secret, &rank, &fresh, err,
                     sizeof err)) {
        log_info(s->log, "fame", "cannot record '%s': %s", p->name, err);
        rank = 0;
    }
    p->legend = true;
    if (fresh) {
        p->crowned = true;
        lobby_legend_claim(s, slot, secret); /* the name is theirs on this server from now on */
    }
    log_info(s->log, "fame", "'%s' found the Road to Localhost (hall of fame #%d%s)", p->name, rank,
             fresh ? "" : ", again");
    if (rank > 0)
        tcp_broadcast(s, -1,
                      "NOTICE %s found the Road to Localhost! Hall of fame #%d. Vocês "
                      "repararam algum easter egg? (/fame)",
                      p->name, rank);
    else
        tcp_broadcast(s, -1, "NOTICE %s found the Road to Localhost!", p->name);
    MsgEvent ev = {.kind = MSG_EV_LEGEND, .a = (uint16_t)slot};
    broadcast_event(s, &ev, -1);
}

void game_tick(Server *s)
{
    uint32_t t = s->world.tick + 1;
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        SrvPlayer *p = &s->players[i];
        if (p->state != SP_BOUND) {
            s->tick_inputs[i] = (SimInput){0, 0};
            continue;
        }
        unsigned r = t % SRV_INPUT_RING;
        if (p->input_tick[r] == t) {
            p->last_input = p->inputs[r];
            p->input_ack = t;
        } else if (p->input_ack != 0) {
            s->stats.inputs_missing++; /* repeat the last input: the best guess */
        }
        s->tick_inputs[i] = p->last_input;
    }
    sim_step(&s->world, s->tick_inputs);
    announce_events(s);
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        if (s->players[i].state != SP_BOUND)
            continue;
        EggNews news =
            egg_step(&s->egg, &s->map, i, &s->world.players[i], &s->tick_inputs[i], s->world.tick);
        if (news != EGG_NEWS_NONE)
            egg_news(s, i, news);
    }

    if (s->fast_forward)
        return; /* catching up after a stall: only the newest tick is worth a snapshot */
    unsigned hz = s->cfg.snapshot_hz;
    unsigned period = PROTO_TICK_HZ / hz;
    bool captured = false;
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        SrvPlayer *p = &s->players[i];
        if (p->state != SP_BOUND)
            continue;
        /* Spread clients over the ticks of a snapshot period so no tick does them all. */
        uint64_t tt = (uint64_t)t + (period > 1 ? i % period : 0);
        if ((tt * hz) / PROTO_TICK_HZ == ((tt - 1) * hz) / PROTO_TICK_HZ)
            continue;
        if (!captured) {
            /* Quantize the world once; each client's view only drops its own player. */
            if (!snap_capture(&s->world, -1, 0, &s->world_view))
                return;
            captured = true;
        }
        send_snapshot(s, i);
    }
}
