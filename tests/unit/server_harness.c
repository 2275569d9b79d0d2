/* server_harness.c — see server_harness.h. */
#include "server_harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "msg.h"

enum {
    HX_ROUNDS = 400, /* rounds hx_until tries before giving up */
    HX_WAIT_MS = 20, /* how long one round waits for a socket event, at most */
    HX_START_US = 1000000000u,
};

/* The server's clock (Server.clock_us: the tick stats and the snapshot deadline) in a test is
 * the harness's time, which stands still within an iteration: a slow machine (sanitizers, a
 * loaded CI) never makes a tick run past the deadline, so snapshots go on their phase. */
static const Hx *clock_of;

static uint64_t hx_clock(void)
{
    return clock_of != NULL ? clock_of->now_us : 0;
}

Hx *hx_start(const SrvConfig *cfg)
{
    Hx *h = calloc(1, sizeof *h);
    if (h == NULL)
        return NULL;
    snprintf(h->dir, sizeof h->dir, "/tmp/arena-test-XXXXXX");
    if (mkdtemp(h->dir) == NULL) {
        free(h);
        return NULL;
    }
    log_init(&h->log, stderr, false);
    SrvConfig c = *cfg;
    snprintf(c.bind, sizeof c.bind, "127.0.0.1");
    c.game_port = 0; /* the kernel picks: tests may run side by side */
    c.login_port = 0;
    c.discovery_port = 0;
    c.status_interval_s = 0;
    snprintf(c.data_dir, sizeof c.data_dir, "%s", h->dir);
    snprintf(c.ctl_socket, sizeof c.ctl_socket, "off");
    snprintf(c.map_path, sizeof c.map_path, "%s/arena.map", ARENA_ASSETS_DIR);
    h->s = srv_create(&c, &h->log, &h->stop);
    if (h->s == NULL) {
        free(h);
        return NULL;
    }
    h->start_us = h->now_us = HX_START_US;
    clock_of = h;
    h->s->clock_us = hx_clock;
    srv_begin(h->s, h->now_us);
    return h;
}

void hx_stop(Hx *h)
{
    if (h == NULL)
        return;
    for (unsigned i = 0; i < h->nclients; i++) {
        HxClient *c = &h->clients[i];
        if (c->tcp >= 0)
            close(c->tcp);
        if (c->host != NULL)
            enet_host_destroy(c->host);
        free(c->kept_ents);
    }
    srv_destroy(h->s);
    if (clock_of == h)
        clock_of = NULL;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", h->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", h->dir);
    free(h);
}

const Snapshot *hx_snapshot(const HxClient *c, uint32_t tick)
{
    const Snapshot *k = &c->kept[tick % HX_KEPT];
    return tick != 0 && k->tick == tick ? k : NULL;
}

static void on_snapshot(HxClient *c, const uint8_t *d, size_t len)
{
    uint32_t tick = 0, base = 0;
    c->snaps++;
    if (snap_peek(d, len, &tick, &base) != SNAP_OK) {
        c->decode_errors++;
        return;
    }
    const Snapshot *baseline = base != 0 ? hx_snapshot(c, base) : NULL;
    Snapshot *out = &c->kept[tick % HX_KEPT];
    if ((base != 0 && baseline == NULL) || out == baseline) {
        c->decode_errors++;
        return;
    }
    snap_init(out, c->kept_ents + (size_t)(tick % HX_KEPT) * PROTO_MAX_ENTITIES,
              PROTO_MAX_ENTITIES);
    if (snap_decode(d, len, baseline, out) != SNAP_OK) {
        out->tick = 0;
        c->decode_errors++;
        return;
    }
    c->last_tick = tick;
    c->last_baseline = base;
    if (c->nticks < sizeof c->ticks_seen / sizeof c->ticks_seen[0])
        c->ticks_seen[c->nticks++] = tick;
}

static void client_tcp(HxClient *c)
{
    char buf[4096];
    ssize_t r;
    while ((r = recv(c->tcp, buf, sizeof buf, MSG_DONTWAIT)) > 0) {
        for (ssize_t i = 0; i < r; i++) {
            if (buf[i] != '\n') {
                if (c->partial_len + 1 < sizeof c->partial)
                    c->partial[c->partial_len++] = buf[i];
                continue;
            }
            c->partial[c->partial_len] = '\0';
            if (c->nlines < HX_LINES)
                snprintf(c->lines[c->nlines++], SRV_OUT_LINE_MAX, "%s", c->partial);
            c->partial_len = 0;
        }
    }
    if (r == 0)
        c->tcp_eof = true;
}

static void client_enet(HxClient *c)
{
    ENetEvent ev;
    while (c->host != NULL && enet_host_service(c->host, &ev, 0) > 0) {
        if (ev.type == ENET_EVENT_TYPE_CONNECT)
            c->connected = true;
        else if (ev.type == ENET_EVENT_TYPE_DISCONNECT)
            c->disconnected = true;
        else if (ev.type == ENET_EVENT_TYPE_RECEIVE) {
            const uint8_t *d = ev.packet->data;
            size_t len = ev.packet->dataLength;
            if (ev.channelID == PROTO_CH_SNAPSHOT && len > 0 && d[0] == PROTO_MSG_EVENTS)
                c->onlooker_events++; /* an onlooker's HITs and KILLs (version 8) */
            else if (ev.channelID == PROTO_CH_SNAPSHOT)
                on_snapshot(c, d, len);
            enet_packet_destroy(ev.packet);
        }
    }
}

void hx_round(Hx *h)
{
    srv_watch(h->s);
    int n = srv_wait(h->s, 0);
    if (n < 0 && errno != EINTR)
        return;
    srv_iterate(h->s, n < 0 ? 0 : (unsigned)n, h->now_us);
    for (unsigned i = 0; i < h->nclients; i++) {
        HxClient *c = &h->clients[i];
        if (c->tcp >= 0 && !c->tcp_eof)
            client_tcp(c);
        client_enet(c);
    }
}

void hx_ticks(Hx *h, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        h->ticks++;
        /* Tick k is due at start + k / 60 s: ceil, so it is due, not a microsecond early. */
        h->now_us = h->start_us + (h->ticks * 1000000u + PROTO_TICK_HZ - 1) / PROTO_TICK_HZ;
        hx_round(h);
    }
}

void hx_jump_us(Hx *h, uint64_t us)
{
    h->now_us += us;
    h->ticks = (h->now_us - h->start_us) * PROTO_TICK_HZ / 1000000u;
    hx_round(h);
}

/* Waits (poll) until one of the sockets involved has something, HX_WAIT_MS at most; false if
 * nothing came. */
static bool wait_event(Hx *h)
{
    struct pollfd fds[2 + 2 * HX_MAX_CLIENTS];
    unsigned n = 0;
    fds[n++] = (struct pollfd){.fd = h->s->host->socket, .events = POLLIN};
    fds[n++] = (struct pollfd){.fd = h->s->tcp_fd, .events = POLLIN};
    for (unsigned i = 0; i < h->nclients; i++) {
        HxClient *c = &h->clients[i];
        if (c->tcp >= 0 && !c->tcp_eof)
            fds[n++] = (struct pollfd){.fd = c->tcp, .events = POLLIN};
        if (c->host != NULL)
            fds[n++] = (struct pollfd){.fd = c->host->socket, .events = POLLIN};
    }
    /* The server's own TCP connections too: their input is what a round handles. */
    struct pollfd all[sizeof fds / sizeof fds[0] + 64];
    memcpy(all, fds, n * sizeof fds[0]);
    unsigned m = n;
    for (unsigned i = 0; i < h->s->cfg.tcp_max_conns && m < sizeof all / sizeof all[0]; i++)
        if (h->s->conns[i].used)
            all[m++] = (struct pollfd){.fd = h->s->conns[i].fd, .events = POLLIN};
    return poll(all, m, HX_WAIT_MS) > 0;
}

/* Lines to everyone wait up to TCP_COALESCE_MS on the server (tcp.c) for more: when nothing
 * else happens and some are waiting, time moves on to when they go, as it would have while the
 * test waited. */
static void reach_coalesced_output(Hx *h)
{
    uint64_t due_ms = UINT64_MAX;
    for (unsigned i = 0; i < h->s->cfg.tcp_max_conns; i++) {
        const SrvConn *c = &h->s->conns[i];
        if (c->used && c->out_len > 0 && c->flush_at_ms < due_ms)
            due_ms = c->flush_at_ms;
    }
    if (due_ms == UINT64_MAX || due_ms * 1000u <= h->now_us)
        return;
    h->now_us = due_ms * 1000u;
    h->ticks = (h->now_us - h->start_us) * PROTO_TICK_HZ / 1000000u;
}

bool hx_until(Hx *h, bool (*cond)(Hx *h, void *arg), void *arg)
{
    for (int i = 0; i < HX_ROUNDS; i++) {
        hx_round(h);
        if (cond(h, arg))
            return true;
        if (!wait_event(h))
            reach_coalesced_output(h);
    }
    return false;
}

const char *hx_line(const HxClient *c, const char *prefix)
{
    for (unsigned i = 0; i < c->nlines; i++)
        if (strncmp(c->lines[i], prefix, strlen(prefix)) == 0)
            return c->lines[i];
    return NULL;
}

void hx_send_line(Hx *h, int ci, const char *line)
{
    HxClient *c = &h->clients[ci];
    char buf[SRV_OUT_LINE_MAX];
    int n = snprintf(buf, sizeof buf, "%s\n", line);
    if (send(c->tcp, buf, (size_t)n, MSG_NOSIGNAL) != n)
        c->tcp_eof = true;
}

static bool got_ok(Hx *h, void *arg)
{
    const HxClient *c = &h->clients[*(int *)arg];
    return hx_line(c, "OK ") != NULL || hx_line(c, "ERR ") != NULL;
}

static uint16_t local_port(int fd)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    return getsockname(fd, (struct sockaddr *)&sa, &sl) == 0 ? ntohs(sa.sin_port) : 0;
}

int hx_login(Hx *h, const char *name)
{
    if (h->nclients == HX_MAX_CLIENTS)
        return -1;
    int ci = (int)h->nclients++;
    HxClient *c = &h->clients[ci];
    memset(c, 0, sizeof *c);
    c->slot = -1;
    c->kept_ents = calloc((size_t)HX_KEPT * PROTO_MAX_ENTITIES, sizeof *c->kept_ents);
    c->tcp = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(local_port(h->s->tcp_fd))};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (c->kept_ents == NULL || c->tcp < 0 || connect(c->tcp, (struct sockaddr *)&sa, sizeof sa))
        return -1;
    char line[64];
    snprintf(line, sizeof line, "LOGIN %s", name);
    hx_send_line(h, ci, line);
    if (!hx_until(h, got_ok, &ci))
        return -1;
    const char *ok = hx_line(c, "OK token=");
    char hex[2 * PROTO_TOKEN_BYTES + 1];
    if (ok == NULL || sscanf(ok, "OK token=%32s id=%d", hex, &c->slot) != 2 ||
        sodium_hex2bin(c->token, sizeof c->token, hex, strlen(hex), NULL, NULL, NULL) != 0)
        return -1;
    return ci;
}

static bool enet_connected(Hx *h, void *arg)
{
    const HxClient *c = &h->clients[*(int *)arg];
    return c->connected || c->disconnected;
}

/* The server has the peer as connected too (it saw the client's ack of VERIFY_CONNECT). */
static bool server_connected(Hx *h, void *arg)
{
    const HxClient *c = &h->clients[*(int *)arg];
    ENetAddress mine;
    enet_socket_get_address(c->host->socket, &mine);
    for (size_t i = 0; i < h->s->host->peerCount; i++) {
        const ENetPeer *p = &h->s->host->peers[i];
        if (p->state == ENET_PEER_STATE_CONNECTED && p->address.port == mine.port)
            return true;
    }
    return c->disconnected;
}

static bool bound(Hx *h, void *arg)
{
    const HxClient *c = &h->clients[*(int *)arg];
    return h->s->players[c->slot].state == SP_BOUND || c->disconnected;
}

ENetHost *hx_enet_host(void)
{
    ENetHost *host = enet_host_create(NULL, 1, PROTO_CHANNEL_COUNT, 0, 0);
    if (host == NULL)
        return NULL;
    host->checksum = arena_enet_crc32; /* the protocol's checksum over the connection id */
    host->mtu = PROTO_ENET_MTU;
    enet_peer_reset(&host->peers[0]);
    return host;
}

ENetAddress hx_game_address(const Hx *h)
{
    ENetAddress a;
    enet_address_set_host_ip(&a, "127.0.0.1");
    ENetAddress mine;
    enet_socket_get_address(h->s->host->socket, &mine);
    a.port = mine.port;
    return a;
}

bool hx_connect(Hx *h, int ci, bool bind)
{
    HxClient *c = &h->clients[ci];
    c->host = hx_enet_host();
    if (c->host == NULL)
        return false;
    ENetAddress a = hx_game_address(h);
    c->peer = enet_host_connect(c->host, &a, PROTO_CHANNEL_COUNT, msg_connect_tag(c->token));
    if (c->peer == NULL || !hx_until(h, enet_connected, &ci) || !c->connected ||
        !hx_until(h, server_connected, &ci) || c->disconnected)
        return false;
    if (!bind)
        return true;
    MsgBind b = {.version = PROTO_VERSION};
    memcpy(b.token, c->token, sizeof b.token);
    uint8_t buf[MSG_BIND_BYTES];
    size_t n = msg_bind_encode(&b, buf, sizeof buf);
    enet_peer_send(c->peer, PROTO_CH_RELIABLE,
                   enet_packet_create(buf, n, ENET_PACKET_FLAG_RELIABLE));
    enet_host_flush(c->host);
    return hx_until(h, bound, &ci) && !c->disconnected;
}

int hx_join(Hx *h, const char *name)
{
    int ci = hx_login(h, name);
    return ci >= 0 && hx_connect(h, ci, true) ? ci : -1;
}

void hx_send_input(Hx *h, int ci, uint32_t ack)
{
    hx_send_input_at(h, ci, ack, h->s->world.tick + 1);
}

void hx_send_input_at(Hx *h, int ci, uint32_t ack, uint32_t tick)
{
    MsgInput m = {.snapshot_ack = ack, .newest_tick = tick, .count = 1};
    m.inputs[0] = (SimInput){.buttons = 0, .aim = 0};
    hx_send_msg_input(h, ci, &m);
}

void hx_send_msg_input(Hx *h, int ci, const MsgInput *m)
{
    HxClient *c = &h->clients[ci];
    uint8_t buf[MSG_INPUT_MAX_BYTES];
    size_t n = msg_input_encode(m, buf, sizeof buf);
    if (n == 0)
        abort(); /* the test built an INPUT that cannot be sent */
    enet_peer_send(c->peer, PROTO_CH_INPUT,
                   enet_packet_create(buf, n, ENET_PACKET_FLAG_UNSEQUENCED));
    enet_host_flush(c->host);
}
