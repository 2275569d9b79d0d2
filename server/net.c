/* net.c — the ENet transport of the server: the host, sending, peer tags, traffic counters.
 *
 * Owns the ENet host (created with the 1200-byte datagram budget as its MTU) and the
 * per-player storage sized at start-up (snapshot pools, priorities, the shared scratch).
 * Everything here is a primitive the layers above use: session.c (who a peer is) and tick.c
 * (what goes out each tick). Nothing here knows a player's lifecycle or calls up. */
#include <linux/sock_diag.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "demo_srv.h"
#include "msg.h"
#include "quant.h"
#include "server.h"

enum {
    NET_MAX_MESSAGE = MSG_MAP_MAX_BYTES, /* largest ENet packet (ENet checks it on send too:
                                            MAP); nothing that big gets past the gate inbound
                                            (no fragments accepted) */
    NET_MAX_WAITING = 16 * 1024,         /* ENet buffer space per peer for incoming messages */
    NET_PEER_SLACK = 32,                 /* peers beyond 2 per player (leaving, joining) */
    NET_DROPS_READ_MS = 250,             /* how often the kernel's drop counter is read */
};

/* What arrives while a tick runs waits in the game socket's receive buffer; ENet asks for
 * 256 KiB, which 1000 players' inputs fill in ~8 ms. SO_RCVBUFFORCE passes
 * net.core.rmem_max when the server may (root, CAP_NET_ADMIN); otherwise SO_RCVBUF gets at
 * most rmem_max, and the log says what was granted. */
static void size_receive_buffer(Server *s)
{
    int want = (int)s->cfg.udp_rcvbuf_kb * 1024, got = 0;
    socklen_t len = sizeof got;
    int fd = s->host->socket;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof want) != 0)
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof want);
    if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len) != 0)
        got = 0;
    s->stats.udp_rcvbuf_bytes = (unsigned)got;
    /* The kernel doubles the size asked (half of it is its bookkeeping) and reports that. */
    if (got < want)
        log_info(s->log, "game",
                 "UDP receive buffer: %d KiB granted of the %u asked (raise "
                 "net.core.rmem_max, or run with CAP_NET_ADMIN); inputs may be dropped "
                 "under load (udp_kernel_drops)",
                 got / 2048, s->cfg.udp_rcvbuf_kb);
}

/* The game socket's datagrams through recvmmsg/sendmmsg (enet_batch.h), if ENet's calls reach
 * us; otherwise ENet's own syscalls, one per datagram, and the log says so. */
static void attach_batching(Server *s)
{
    s->stats.udp_batched = ebatch_attach(s->host->socket);
    s->ebatch_base = ebatch_stats();
    if (!s->stats.udp_batched)
        log_info(s->log, "game",
                 "UDP datagrams not batched (ENet's socket calls do not reach the server's, "
                 "or another server in this process has them): one syscall per datagram");
}

/* Entities one client can ever see: every player and every shot they may have alive, or
 * view_max of them (interest.h). */
static unsigned max_view(const Server *s)
{
    unsigned v = s->cfg.max_players * (1u + SIM_MAX_SHOTS_PER_PLAYER);
    if (v > s->cfg.view_max)
        v = s->cfg.view_max;
    return v < PROTO_MAX_ENTITIES ? v : PROTO_MAX_ENTITIES;
}

/* n bytes, rounded up to whole cache lines. */
static size_t lines(size_t n)
{
    return (n + 63) / 64 * 64;
}

/* Each player's snapshot pool, priority and view arrays, one block after another in one
 * arena on huge pages (hugemem.h): each snapshot walks its client's. */
static bool alloc_players(Server *s)
{
    unsigned view = max_view(s);
    unsigned pool_cap = view * SRV_SNAP_POOL_SNAPS;
    if (pool_cap < SRV_SNAP_POOL_MIN)
        pool_cap = SRV_SNAP_POOL_MIN;
    const size_t pool_b = lines(pool_cap * sizeof(SnapEntity)), ids_b = lines(view * 2u),
                 acc_b = lines(view * sizeof(float)), block = pool_b + 2 * ids_b + acc_b;
    uint8_t *arena = hugemem_alloc(&s->player_mem, block * s->cfg.max_players);
    if (arena == NULL)
        return false;
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        SrvPlayer *p = &s->players[i];
        uint8_t *b = arena + (size_t)i * block;
        p->pool = (SnapEntity *)(void *)b;
        p->prio_ids = (uint16_t *)(void *)(b + pool_b);
        p->prio_acc = (float *)(void *)(b + pool_b + ids_b);
        p->view_ids = (uint16_t *)(void *)(b + pool_b + ids_b + acc_b);
        prio_init(&p->prio, p->prio_ids, p->prio_acc, view);
        interest_view_init(&p->view, p->view_ids, (uint16_t)view, i); /* phases spread by slot */
        /* Phased: the protocol's retention rule (a snapshot is forgotten when one of the
         * same tick modulo PROTO_SNAP_BASELINES is sent) is the store's own. */
        snap_store_init_phased(&p->sent, p->sent_slots, PROTO_SNAP_BASELINES, p->pool, pool_cap);
    }
    s->world_view_ents = calloc(PROTO_MAX_ENTITIES, sizeof *s->world_view_ents);
    s->scratch_ents = calloc(PROTO_MAX_ENTITIES, sizeof *s->scratch_ents);
    s->scratch_prio = calloc(PROTO_MAX_ENTITIES, sizeof *s->scratch_prio);
    /* Zeroed: snap_memo_init's state. Every changed entity of every snapshot looks in it. */
    s->snap_memo = hugemem_alloc(&s->memo_mem, sizeof *s->snap_memo);
    s->interest = calloc(1, sizeof *s->interest);
    s->view_idx = calloc(PROTO_MAX_ENTITIES, sizeof *s->view_idx);
    if (s->world_view_ents == NULL || s->scratch_ents == NULL || s->scratch_prio == NULL ||
        s->snap_memo == NULL || s->interest == NULL || s->view_idx == NULL)
        return false;
    /* The map's extent in the snapshot's quantized units (1/8 unit). */
    uint32_t per_tile = MAP_TILE_UNITS * Q_POS_PER_UNIT;
    interest_init(s->interest, s->map.w * per_tile, s->map.h * per_tile);
    snap_init(&s->world_view, s->world_view_ents, PROTO_MAX_ENTITIES);
    snap_init(&s->scratch_target, s->scratch_ents, PROTO_MAX_ENTITIES);
    return true;
}

/* What the per-player tables take, and whether the kernel may back them with huge pages. */
static void log_memory(const Server *s)
{
    const HugeMem *m[] = {&s->players_mem, &s->player_mem, &s->memo_mem};
    size_t mapped = 0, advised = 0;
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        mapped += m[i]->mapped ? m[i]->len : 0;
        advised += m[i]->advised ? m[i]->len : 0;
    }
    if (mapped == 0)
        return; /* a small server: ordinary memory, nothing to say */
    log_info(s->log, "server", "per-player tables: %zu MB, %s", mapped >> 20,
             advised == mapped ? "on transparent huge pages where the kernel has them"
                               : "on ordinary pages (the kernel refused huge pages: madvise)");
}

bool net_open(Server *s)
{
    ENetAddress addr;
    if (enet_address_set_host_ip(&addr, s->cfg.bind) != 0) {
        log_info(s->log, "game", "bind address '%s' is not an IPv4 address", s->cfg.bind);
        return false;
    }
    addr.port = s->cfg.game_port;
    /* Two per player: one leaving (ENet lingers to deliver the disconnect) and one joining. */
    size_t peers = 2u * s->cfg.max_players + NET_PEER_SLACK;
    s->host = enet_host_create(&addr, peers, PROTO_CHANNEL_COUNT, 0, 0);
    if (s->host == NULL) {
        log_info(s->log, "game", "cannot open UDP %s:%u (in use?)", s->cfg.bind, s->cfg.game_port);
        return false;
    }
    /* Every datagram stays within the 1200-byte budget: ENet never builds a bigger one. */
    s->host->mtu = PROTO_ENET_MTU;
    for (size_t i = 0; i < s->host->peerCount; i++)
        s->host->peers[i].mtu = PROTO_ENET_MTU; /* created with the old MTU */
    s->host->maximumPacketSize = NET_MAX_MESSAGE;
    s->host->maximumWaitingData = NET_MAX_WAITING;
    size_receive_buffer(s);
    attach_batching(s);
    s->peers = calloc(peers, sizeof *s->peers);
    if (s->peers == NULL || !alloc_players(s))
        return false;
    log_memory(s);
    return true;
}

void net_close(Server *s)
{
    if (s->host != NULL) {
        for (size_t i = 0; i < s->host->peerCount; i++) {
            ENetPeer *peer = &s->host->peers[i];
            if (peer->state != ENET_PEER_STATE_DISCONNECTED)
                enet_peer_disconnect_now(peer, PROTO_DISCONNECT_SHUTDOWN);
        }
        enet_host_flush(s->host);
        ebatch_detach(s->host->socket);
        enet_host_destroy(s->host);
        s->host = NULL;
    }
    if (s->players != NULL)
        for (unsigned i = 0; i < s->cfg.max_players; i++) {
            SrvPlayer *p = &s->players[i];
            p->pool = NULL;
            p->prio_ids = p->view_ids = NULL;
            p->prio_acc = NULL;
        }
    hugemem_free(&s->player_mem);
    free(s->peers);
    s->peers = NULL;
    free(s->scratch_ents);
    free(s->world_view_ents);
    s->world_view_ents = NULL;
    free(s->interest);
    s->interest = NULL;
    free(s->view_idx);
    s->view_idx = NULL;
    free(s->scratch_prio);
    hugemem_free(&s->memo_mem);
    s->snap_memo = NULL;
    s->scratch_ents = NULL;
    s->scratch_prio = NULL;
}

int net_peer_slot(const ENetPeer *peer)
{
    uintptr_t tag = (uintptr_t)peer->data;
    return tag == 0 ? -1 : (int)(tag - 1u);
}

void net_peer_set_slot(ENetPeer *peer, int slot)
{
    peer->data = slot < 0 ? NULL : (void *)((uintptr_t)slot + 1u);
}

SrvPeer *net_peer_state(Server *s, const ENetPeer *peer)
{
    return &s->peers[peer - s->host->peers];
}

void net_send(ENetPeer *peer, uint8_t channel, const uint8_t *buf, size_t len, bool reliable)
{
    ENetPacket *pk = enet_packet_create(buf, len, reliable ? ENET_PACKET_FLAG_RELIABLE : 0);
    if (pk == NULL)
        return;
    if (enet_peer_send(peer, channel, pk) != 0)
        enet_packet_destroy(pk);
}

void net_send_unreliable(Server *s, ENetPeer *peer, uint8_t channel, const uint8_t *buf, size_t len)
{
    if (enet_guard_send(peer, channel, buf, len, 0, &s->stats.enet_guard) == ENET_GUARD_OVERSIZE)
        drop_note(&s->stats.drops, s->log, DROP_UNRELIABLE_OVERSIZE, s->now_ms,
                  "unreliable message of %zu bytes not sent: over %zu it would be fragmented "
                  "reliably",
                  len, enet_guard_max_unreliable(peer));
}

/* Hands one queue to ENet: reliably on channel 0, or (the onlookers' queue) unreliably on the
 * snapshot channel, through enet_guard like the snapshot it goes with. */
static void send_queue(Server *s, SrvPlayer *p, SrvEventQueue *q, bool reliable)
{
    if (q->len == 0)
        return;
    if (p->peer != NULL && reliable) {
        net_send(p->peer, PROTO_CH_RELIABLE, q->buf, q->len, true);
        s->stats.events_messages++;
    } else if (p->peer != NULL) {
        net_send_unreliable(s, p->peer, PROTO_CH_SNAPSHOT, q->buf, q->len);
        s->stats.events_onlooker_messages++;
    }
    q->len = 0;
}

void net_send_events(Server *s, SrvPlayer *p)
{
    send_queue(s, p, &p->events, true);
    send_queue(s, p, &p->onlooker, false);
}

static void queue_event(Server *s, SrvPlayer *p, SrvEventQueue *q, bool reliable,
                        const MsgEvent *ev)
{
    if (q->len == 0)
        q->tick = s->world.tick;
    if (!msg_events_append(q->buf, &q->len, sizeof q->buf, ev)) {
        send_queue(s, p, q, reliable); /* full: send it, start the next */
        q->tick = s->world.tick;
        if (!msg_events_append(q->buf, &q->len, sizeof q->buf, ev))
            return; /* does not encode: the server's own bug, never sent */
    }
    s->stats.events_sent++;
    s->stats.events_onlooker += !reliable;
}

void net_send_event(Server *s, ENetPeer *peer, const MsgEvent *ev)
{
    int slot = net_peer_slot(peer);
    if (slot < 0)
        return; /* not bound: EVENTs go to players only */
    SrvPlayer *p = &s->players[slot];
    queue_event(s, p, &p->events, true, ev);
}

void net_flush_events(Server *s)
{
    for (unsigned i = 0; i < s->cfg.max_players; i++)
        net_send_events(s, &s->players[i]);
}

static bool queue_due(const Server *s, const SrvPlayer *p, const SrvEventQueue *q, uint32_t period)
{
    return q->len > 0 && (p->state != SP_BOUND || s->world.tick - q->tick >= period);
}

void net_flush_events_due(Server *s)
{
    uint32_t period = PROTO_TICK_HZ / s->cfg.snapshot_hz;
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        SrvPlayer *p = &s->players[i];
        if (queue_due(s, p, &p->events, period) || queue_due(s, p, &p->onlooker, period))
            net_send_events(s, p);
    }
}

void net_broadcast_event(Server *s, const MsgEvent *ev, int except)
{
    srv_demo_event(s, ev);
    for (unsigned i = 0; i < s->cfg.max_players; i++)
        if (s->players[i].state == SP_BOUND && (int)i != except)
            net_send_event(s, s->players[i].peer, ev);
}

static bool sees(const SrvPlayer *p, unsigned slot)
{
    return slot < PROTO_MAX_PLAYERS && (p->sees[slot / 32] >> (slot % 32) & 1u) != 0;
}

void net_send_event_near(Server *s, const MsgEvent *ev, unsigned a, unsigned b)
{
    if (s->world_view.count <= s->cfg.view_max) { /* everyone sees the whole world */
        net_broadcast_event(s, ev, -1);
        return;
    }
    srv_demo_event(s, ev);
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        SrvPlayer *p = &s->players[i];
        if (p->state != SP_BOUND)
            continue;
        if (i == a || i == b) /* its own hit or death: kept, counted in its stats */
            net_send_event(s, p->peer, ev);
        else if (sees(p, a) || sees(p, b)) /* an onlooker's: with its next snapshot */
            queue_event(s, p, &p->onlooker, false, ev);
        else
            s->stats.events_unseen++;
    }
}

void net_note_seen(SrvPlayer *p, const Snapshot *sent)
{
    memset(p->sees, 0, sizeof p->sees);
    for (uint16_t i = 0; i < sent->count; i++) {
        const SnapEntity *e = &sent->ents[i];
        if (e->id >= PROTO_MAX_PLAYERS) /* ids increase: the shots follow the players */
            break;
        p->sees[e->id / 32] |= 1u << (e->id % 32);
    }
}

void net_read_kernel_drops(Server *s)
{
    uint32_t mem[SK_MEMINFO_VARS];
    socklen_t len = sizeof mem;
    memset(mem, 0, sizeof mem);
    if (getsockopt(s->host->socket, SOL_SOCKET, SO_MEMINFO, mem, &len) == 0 &&
        len > SK_MEMINFO_DROPS * sizeof mem[0])
        s->stats.udp_kernel_drops = mem[SK_MEMINFO_DROPS]; /* since the socket was made */
}

/* enet_batch's counters since it attached, into the stats; its oversize drops into the table. */
static void count_batching(Server *s, uint64_t now_ms)
{
    if (!s->stats.udp_batched)
        return;
    EbatchStats b = ebatch_stats(), *base = &s->ebatch_base;
    uint64_t oversize = b.rx_oversize - base->rx_oversize;
    uint64_t counted = s->stats.drops.count[DROP_UDP_OVERSIZE];
    if (oversize > counted)
        drop_note_n(&s->stats.drops, s->log, DROP_UDP_OVERSIZE, oversize - counted, now_ms,
                    "%llu datagrams longer than %d bytes", (unsigned long long)(oversize - counted),
                    EBATCH_RX_SLOT);
    s->stats.udp_rx_calls = b.rx_calls - base->rx_calls;
    s->stats.udp_rx_batched = b.rx_datagrams - base->rx_datagrams;
    s->stats.udp_tx_calls = b.tx_calls - base->tx_calls;
    s->stats.udp_tx_batched = b.tx_datagrams - base->tx_datagrams;
    s->stats.udp_tx_dropped = b.tx_dropped - base->tx_dropped;
}

void net_count_traffic(Server *s, uint64_t now_ms)
{
    count_batching(s, now_ms);
    if (now_ms - s->stats.kernel_drops_read_ms >= NET_DROPS_READ_MS) {
        net_read_kernel_drops(s);
        s->stats.kernel_drops_read_ms = now_ms;
    }
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
