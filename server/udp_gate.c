/* udp_gate.c — see udp_gate.h.
 *
 * ENet's intercept callback gets the host but no user pointer; the Server rides in
 * host->compressor.context, which ENet only reads together with a compress/decompress
 * function (we set none, so no datagram is ever compressed or decompressed). The half-open
 * budget works on ENet's public peer fields: a peer whose VERIFY_CONNECT is unacknowledged
 * keeps it in sentReliableCommands, and ENet only looks for retransmissions once
 * host->serviceTime reaches peer->nextTimeout, so holding nextTimeout back holds the resend. */
#include "udp_gate.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "enet_wire.h"
#include "msg.h"
#include "server.h"
#include "udp_cmds.h"

enum {
    /* Our VERIFY_CONNECT datagram: header with sent time, checksum, the command (ENet's). */
    VERIFY_BYTES =
        (int)(sizeof(ENetProtocolHeader) + EW_CHECKSUM_BYTES + sizeof(ENetProtocolVerifyConnect)),
    HOLD_MS = 3600000, /* "not before an hour from now": well inside ENet's 24 h time wrap */
    BACKLOG_CHECK_MS = 1000,
};

static void addr_text(uint32_t host, uint16_t port, char out[32])
{
    struct in_addr a = {.s_addr = host};
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a, ip, sizeof ip);
    snprintf(out, 32, "%s:%u", ip, (unsigned)port);
}

static void drop(Server *s, SrvDrop kind, const ENetAddress *from, const char *why)
{
    char a[32] = "";
    if (drop_will_log(&s->stats.drops, kind, s->now_ms)) /* a flood's drops are only counted */
        addr_text(from->host, from->port, a);
    drop_note(&s->stats.drops, s->log, kind, s->now_ms, "%s: %s", a, why);
}

/* ENet's CRC-32 with the connection's id in the checksum field, as ENet computes it. */
static bool checksum_ok(uint8_t *d, size_t len, const EwHeader *h, enet_uint32 connect_id)
{
    size_t off = h->size - EW_CHECKSUM_BYTES;
    enet_uint32 sent;
    memcpy(&sent, d + off, sizeof sent);
    memcpy(d + off, &connect_id, sizeof connect_id);
    ENetBuffer b = {.data = d, .dataLength = len};
    enet_uint32 crc = arena_enet_crc32(&b, 1);
    memcpy(d + off, &sent, sizeof sent);
    return crc == sent;
}

static unsigned peers_from(const ENetHost *host, uint32_t ip)
{
    unsigned n = 0;
    for (size_t i = 0; i < host->peerCount; i++)
        n += host->peers[i].state != ENET_PEER_STATE_DISCONNECTED &&
             host->peers[i].address.host == ip;
    return n;
}

/* The live peer a login's admitted CONNECT created (same port and connect id), or NULL.
 * The walker reads the connect id big-endian; ENet keeps the wire bytes as they came. */
static ENetPeer *admitted_peer(Server *s, int slot)
{
    const SrvPlayer *p = &s->players[slot];
    for (size_t i = 0; i < s->host->peerCount; i++) {
        ENetPeer *q = &s->host->peers[i];
        if (q->state != ENET_PEER_STATE_DISCONNECTED && s->peers[i].admit_slot == slot &&
            q->address.port == p->admit_port &&
            ENET_NET_TO_HOST_32(q->connectID) == p->admit_connect_id)
            return q;
    }
    return NULL;
}

/* The login from ip whose connect tag is tag and whose token is live, or -1; *stale is set to
 * the first such login whose token is not live (expired or used), or -1. One pass over the
 * packed tags: this runs for every CONNECT, a flood's included. */
static int login_with_tag(const Server *s, uint32_t ip, uint32_t tag, int *stale)
{
    *stale = -1;
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        if (s->lobby_tags[i] != tag)
            continue;
        const SrvPlayer *p = &s->players[i];
        if (p->state != SP_LOBBY || p->ip != ip)
            continue;
        if (p->token_live)
            return (int)i;
        if (*stale < 0)
            *stale = (int)i;
    }
    return -1;
}

void gate_refuse_join(Server *s, int slot, const char *code, const char *fmt, ...)
{
    if (slot < 0 || (unsigned)slot >= s->cfg.max_players)
        return;
    SrvPlayer *p = &s->players[slot];
    if (p->state != SP_LOBBY || p->join_refused)
        return;
    p->join_refused = true;
    char text[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    char a[32];
    addr_text(p->ip, 0, a);
    a[strcspn(a, ":")] = '\0';
    log_info(s->log, "game", "%s: game join of '%s' (slot %d) refused: %s", a, p->name, slot, text);
    if (p->conn >= 0)
        tcp_send(s, p->conn, "ERR %s %s", code, text);
}

/* A CONNECT no live login admits: told to the login it names (stale: its token expired or
 * was used), if one. */
static void refuse_stale(Server *s, const ENetAddress *from, int stale)
{
    drop(s, DROP_UDP_CONNECT_REFUSED, from, "CONNECT without a live login from this address");
    gate_refuse_join(s, stale, "join", "login token expired or already used: log in again");
}

/* A CONNECT. True to let ENet create the peer. */
static bool judge_connect(Server *s, uint8_t *d, size_t len, const EwHeader *h,
                          const ENetAddress *from)
{
    EwWalk w;
    EwCommand c, extra;
    ew_walk_init(&w, d, len, h);
    if (ew_walk_next(&w, &c) != EW_COMMAND || c.number != EW_CMD_CONNECT ||
        ew_walk_next(&w, &extra) != EW_END || c.channel_count != PROTO_CHANNEL_COUNT ||
        !checksum_ok(d, len, h, 0)) {
        drop(s, DROP_UDP_MALFORMED, from, "malformed CONNECT");
        return false;
    }
    char why[BANS_REASON_MAX + 64];
    if (bans_ip_banned(s->bans, from->host, (int64_t)time(NULL), why, sizeof why)) {
        drop(s, DROP_UDP_CONNECT_BANNED, from, why);
        return false;
    }
    int stale;
    int slot = login_with_tag(s, from->host, c.connect_data, &stale);
    if (slot < 0) {
        refuse_stale(s, from, stale);
        return false;
    }
    SrvPlayer *p = &s->players[slot];
    if (p->admitted) {
        if (c.connect_id != p->admit_connect_id || from->port != p->admit_port) {
            drop(s, DROP_UDP_CONNECT_REFUSED, from, "a second CONNECT for one login");
            return false;
        }
        ENetPeer *live = admitted_peer(s, slot);
        if (live != NULL) {
            /* A retransmission: ENet would ignore it; a half-open peer earns a resend. */
            SrvPeer *sp = &s->peers[live - s->host->peers];
            if (sp->half_open)
                sp->credit += (int32_t)len;
            return false;
        }
        if (p->admits >= GATE_ADMITS_PER_LOGIN) {
            drop(s, DROP_UDP_CONNECT_REFUSED, from, "too many CONNECT attempts for one login");
            gate_refuse_join(s, slot, "join",
                             "too many game connection attempts for one login: log in again");
            return false;
        }
    }
    if (peers_from(s->host, from->host) >= s->cfg.ip_max_peers) {
        drop(s, DROP_UDP_CONNECT_LIMIT, from, "per-address peer limit");
        gate_refuse_join(s, slot, "full",
                         "too many game connections from your address (per-address limit %u)",
                         s->cfg.ip_max_peers);
        return false;
    }
    /* ENet gives a CONNECT the first disconnected peer: that one becomes ours. */
    size_t idx = 0;
    while (idx < s->host->peerCount && s->host->peers[idx].state != ENET_PEER_STATE_DISCONNECTED)
        idx++;
    if (idx == s->host->peerCount) {
        drop(s, DROP_UDP_CONNECT_LIMIT, from, "peer table full");
        gate_refuse_join(s, slot, "full", "server busy: no free game connection");
        return false;
    }
    SrvPeer *sp = &s->peers[idx];
    memset(sp, 0, sizeof *sp);
    sp->admit_slot = slot;
    sp->half_open = true;
    sp->admitted_ms = s->now_ms;
    sp->credit = (int32_t)len - VERIFY_BYTES; /* the first VERIFY_CONNECT answers this one */
    sp->lost_seen = s->host->peers[idx].packetsLost;
    p->admitted = true;
    p->admit_connect_id = c.connect_id;
    p->admit_port = from->port;
    p->admits++;
    return true;
}

/* A datagram for an existing peer. */
static UdpVerdict judge_peer(Server *s, uint8_t *d, size_t len, const EwHeader *h,
                             const ENetAddress *from, UdpInputs *in)
{
    ENetHost *host = s->host;
    if (h->peer_id >= host->peerCount) {
        drop(s, DROP_UDP_NO_PEER, from, "peer id out of range");
        return UDP_DROP;
    }
    ENetPeer *peer = &host->peers[h->peer_id];
    if (peer->state == ENET_PEER_STATE_DISCONNECTED || peer->state == ENET_PEER_STATE_ZOMBIE) {
        drop(s, DROP_UDP_NO_PEER, from, "no such connection");
        return UDP_DROP;
    }
    if (peer->data != NULL) /* its INPUTs will read the player's input fields: a cold record */
        __builtin_prefetch(&s->players[net_peer_slot(peer)].last_input);
    if (from->host != peer->address.host || from->port != peer->address.port) {
        drop(s, DROP_UDP_SPOOFED, from, "not the connection's address");
        return UDP_DROP;
    }
    if (peer->outgoingPeerID < ENET_PROTOCOL_MAXIMUM_PEER_ID &&
        h->session != peer->incomingSessionID) {
        drop(s, DROP_UDP_SPOOFED, from, "wrong session");
        return UDP_DROP;
    }
    if (!checksum_ok(d, len, h, peer->connectID)) {
        drop(s, DROP_UDP_SPOOFED, from, "bad checksum");
        return UDP_DROP;
    }
    SrvPeer *sp = &s->peers[h->peer_id];
    if (sp->half_open)
        sp->credit += (int32_t)len;
    if (!rl_take(&sp->rate, s->now_ms, s->cfg.udp_peer_rate, s->cfg.udp_peer_rate / 2 + 1)) {
        drop(s, DROP_UDP_RATE, from, "over the datagram budget");
        return UDP_DROP;
    }
    UdpPeerView v = {.bound = peer->data != NULL,
                     .connected = peer->state == ENET_PEER_STATE_CONNECTED,
                     .channel_count = (unsigned)peer->channelCount};
    EwCommand bad;
    UdpVerdict verdict = udp_judge_commands(d, len, h, &v, in, &bad);
    if (verdict == UDP_DROP && bad.number == 0) {
        drop(s, DROP_UDP_MALFORMED, from, "malformed commands");
    } else if (verdict == UDP_DROP) {
        char why[64];
        snprintf(why, sizeof why, "command %u on channel %u (%u bytes)", bad.number, bad.channel,
                 bad.data_len);
        drop(s, v.bound ? DROP_UDP_UNEXPECTED : DROP_UDP_UNBOUND, from, why);
    }
    return verdict;
}

/* The INPUTs of a datagram the gate took: what ENet would have handed over as events, without
 * its per-message allocations, queue and second checksum. */
static void take_inputs(Server *s, const ENetPeer *peer, const UdpInputs *in)
{
    int slot = net_peer_slot(peer);
    for (unsigned i = 0; i < in->n; i++)
        session_bound_message(s, (unsigned)slot, in->data[i], in->len[i], s->now_ms);
    s->stats.inputs_direct += in->n;
}

/* Returns 1 to consume the datagram (ENet never sees it), 0 to let ENet process it. */
static int ENET_CALLBACK on_datagram(ENetHost *host, ENetEvent *event)
{
    (void)event;
    Server *s = host->compressor.context;
    uint8_t *d = host->receivedData;
    size_t len = host->receivedDataLength;
    ENetAddress from = host->receivedAddress;
    s->udp_batch++;
    EwHeader h;
    if (!ew_read_header(d, len, true, &h) || h.compressed) {
        drop(s, DROP_UDP_MALFORMED, &from, "not an ENet datagram");
        return 1;
    }
    if (h.peer_id == EW_PEER_ID_NONE)
        return judge_connect(s, d, len, &h, &from) ? 0 : 1;
    UdpInputs in;
    UdpVerdict v = judge_peer(s, d, len, &h, &from, &in);
    if (v == UDP_INPUTS)
        take_inputs(s, &host->peers[h.peer_id], &in);
    return v == UDP_ENET ? 0 : 1;
}

void gate_open(Server *s)
{
    s->host->checksum = arena_enet_crc32;
    s->host->intercept = on_datagram;
    s->host->compressor.context = s; /* our user pointer; see the top of this file */
    s->host->compressor.compress = NULL;
    s->host->compressor.decompress = NULL;
    s->host->compressor.destroy = NULL;
    /* Per-address limits are ours (with words for the refused); ENet's would be silent. */
    s->host->duplicatePeers = ENET_PROTOCOL_MAXIMUM_PEER_ID;
    for (size_t i = 0; i < s->host->peerCount; i++)
        s->peers[i].admit_slot = -1;
}

static bool half_open(const Server *s, size_t i)
{
    return s->peers[i].half_open &&
           s->host->peers[i].state == ENET_PEER_STATE_ACKNOWLEDGING_CONNECT;
}

void gate_before_service(Server *s)
{
    enet_uint32 now = s->host->serviceTime; /* ENet's clock, as of its last service */
    for (size_t i = 0; i < s->host->peerCount; i++) {
        if (!half_open(s, i))
            continue;
        ENetPeer *peer = &s->host->peers[i];
        if (enet_list_empty(&peer->sentReliableCommands))
            continue; /* the VERIFY_CONNECT has not gone out yet */
        ENetOutgoingCommand *oc =
            (ENetOutgoingCommand *)enet_list_front(&peer->sentReliableCommands);
        peer->nextTimeout = s->peers[i].credit >= VERIFY_BYTES
                                ? oc->sentTime + oc->roundTripTimeout /* ENet's own schedule */
                                : now + HOLD_MS;
    }
}

void gate_after_service(Server *s)
{
    for (size_t i = 0; i < s->host->peerCount; i++) {
        SrvPeer *sp = &s->peers[i];
        if (!half_open(s, i))
            continue;
        uint32_t lost = s->host->peers[i].packetsLost; /* one per retransmission */
        if (lost > sp->lost_seen)
            sp->credit -= (int32_t)(lost - sp->lost_seen) * VERIFY_BYTES;
        sp->lost_seen = lost;
    }
}

/* Outgoing commands queued for a peer, counted up to cap + 1. */
static size_t backlog(ENetPeer *peer, size_t cap)
{
    size_t n = 0;
    for (ENetListIterator it = enet_list_begin(&peer->outgoingCommands);
         it != enet_list_end(&peer->outgoingCommands) && n <= cap; it = enet_list_next(it))
        n++;
    return n;
}

bool gate_backlog_due(Server *s, uint64_t now_ms)
{
    if (now_ms / BACKLOG_CHECK_MS == s->gate_backlog_epoch)
        return false;
    s->gate_backlog_epoch = now_ms / BACKLOG_CHECK_MS;
    return true;
}

bool gate_backlogged(const SrvPlayer *p)
{
    return p->state == SP_BOUND && p->peer != NULL &&
           backlog(p->peer, GATE_BACKLOG_COMMANDS) > GATE_BACKLOG_COMMANDS;
}

void gate_housekeeping(Server *s, uint64_t now_ms)
{
    for (size_t i = 0; i < s->host->peerCount; i++) {
        SrvPeer *sp = &s->peers[i];
        if (!sp->half_open)
            continue;
        ENetPeer *peer = &s->host->peers[i];
        if (peer->state == ENET_PEER_STATE_DISCONNECTED) {
            sp->half_open = false; /* ENet refused it after all */
            sp->admit_slot = -1;
        } else if (peer->state == ENET_PEER_STATE_ACKNOWLEDGING_CONNECT &&
                   now_ms - sp->admitted_ms > GATE_HALF_OPEN_MS) {
            drop(s, DROP_UDP_HALF_OPEN, &peer->address, "handshake never completed");
            gate_refuse_join(s, sp->admit_slot, "join",
                             "the game connection (UDP) never completed its handshake within "
                             "%d s",
                             GATE_HALF_OPEN_MS / 1000);
            enet_peer_reset(peer); /* silently: nothing more goes to that address */
            sp->half_open = false;
            sp->admit_slot = -1;
        }
    }
}

/* ---- the flood fallback of the slot reads ----------------------------------------------- */

/* Read slots in ms, rounded up, at least one (a late tick makes one read cover several).
 * Rounded down, the 16 ms between two reads at 2 slots a tick counted as 1 slot, not 2, and
 * legitimate traffic at 512 bots switched the socket to polling (4.6 s of a 24 s run). */
static uint64_t slots_in(const Server *s, uint64_t ms)
{
    uint64_t n = ((uint64_t)s->cfg.udp_reads_per_tick * PROTO_TICK_HZ * ms + 999u) / 1000u;
    return n > 0 ? n : 1;
}

void gate_judge_flood(Server *s, uint64_t now_ms)
{
    uint64_t per_slot = 2u * s->cfg.max_players + UDP_FLOOD_SLACK;
    uint64_t since = now_ms - s->udp_last_read_ms;
    s->udp_last_read_ms = now_ms;
    if (!s->udp_polled) {
        if (s->udp_batch > per_slot * slots_in(s, since)) {
            s->udp_polled = true;
            s->udp_window_start_ms = now_ms;
            s->udp_window_count = 0;
            s->stats.udp_flood_polls++;
        }
        return;
    }
    s->udp_window_count += s->udp_batch;
    if (now_ms - s->udp_window_start_ms < UDP_FLOOD_WINDOW_MS)
        return;
    s->stats.udp_polled_ms += now_ms - s->udp_window_start_ms;
    s->udp_polled = s->udp_window_count > per_slot * slots_in(s, now_ms - s->udp_window_start_ms);
    s->udp_window_start_ms = now_ms;
    s->udp_window_count = 0;
}
