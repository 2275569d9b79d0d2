/* cli_transport.c — a connection's ENet side: the host (one peer, the protocol's MTU and
 * checksum, an intercept that sees every raw datagram), connecting to the game port with the
 * login's token, BIND, sending, draining events, and what an ENet disconnect means. Part of
 * CliConn (cli_conn_int.h); message contents are cli_messages.c's. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "enet_checksum.h"
#include "cli_conn_int.h"
#include "cli_parse.h"

/* Sees every UDP datagram before ENet parses it: the only place its raw size is known. */
static int ENET_CALLBACK on_datagram(ENetHost *host, ENetEvent *event)
{
    (void)event;
    CliConn *c = host->peerCount > 0 ? host->peers[0].data : NULL;
    if (c == NULL)
        return 0;
    size_t len = host->receivedDataLength;
    uint32_t n = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
    if (n > c->stats.max_datagram_bytes)
        c->stats.max_datagram_bytes = n;
    if (n > c->stats.max_snapshot_datagram_bytes &&
        cli_datagram_has_channel_data(host->receivedData, len, PROTO_CH_SNAPSHOT))
        c->stats.max_snapshot_datagram_bytes = n;
    return 0; /* let ENet process it as usual */
}

bool cli_enet_create(CliConn *c)
{
    c->host = enet_host_create(NULL, 1, PROTO_CHANNEL_COUNT, 0, 0);
    if (c->host == NULL)
        return false;
    c->host->intercept = on_datagram;
    c->host->checksum = arena_enet_crc32; /* the protocol's checksum over the connection id */
    /* The MTU a peer asks for in its CONNECT is the peer's own, copied from the host when the
     * peer is reset; enet_host_create reset it with the default (1400). Reset it again so the
     * server is asked for datagrams of at most PROTO_MAX_DATAGRAM bytes (PROTO_ENET_MTU: ENet
     * adds its checksum on top of the MTU). */
    c->host->mtu = PROTO_ENET_MTU;
    enet_peer_reset(&c->host->peers[0]);
    return true;
}

void cli_enet_drop(CliConn *c)
{
    if (c->peer != NULL && c->host != NULL) {
        if (c->enet_connected)
            enet_peer_disconnect_now(c->peer,
                                     PROTO_DISCONNECT_NONE); /* frees the server's slot now */
        else
            enet_peer_reset(c->peer);
    }
    c->peer = NULL;
    c->enet_done = true;
}

void cli_enet_start(CliConn *c, uint64_t now_us)
{
    ENetAddress a;
    a.host = c->server.sin_addr.s_addr; /* network order, as ENet keeps it */
    a.port = c->udp_port;
    /* The connect id (ENet draws it from randomSeed) keys ENet's checksum: it must be
     * unguessable, or a blind attacker could forge our datagrams (docs/security.md). */
    if (getrandom(&c->host->randomSeed, sizeof c->host->randomSeed, 0) !=
        (ssize_t)sizeof c->host->randomSeed) {
        cli_conn_fail(c, CLI_FAIL_INTERNAL, "cannot draw a connection id: %s", strerror(errno));
        return;
    }
    /* The connect data proves this CONNECT comes with our login (the server's gate). */
    c->peer = enet_host_connect(c->host, &a, PROTO_CHANNEL_COUNT, msg_connect_tag(c->token));
    if (c->peer == NULL) {
        cli_conn_fail(c, CLI_FAIL_INTERNAL, "cannot start the ENet connection");
        return;
    }
    c->peer->data = c;
    c->state = CLI_JOINING;
    c->phase = JOIN_ENET;
    cli_conn_deadline(c, now_us, c->cfg.step_timeout_ms);
}

bool cli_enet_send(CliConn *c, uint8_t channel, const uint8_t *buf, size_t len, enet_uint32 flags)
{
    if (c->peer == NULL || !c->enet_connected)
        return false;
    if (!(flags & ENET_PACKET_FLAG_RELIABLE)) {
        /* INPUTs: never throttled away or fragmented unseen (enet_guard.h). */
        if (enet_guard_send(c->peer, channel, buf, len, flags, &c->stats.enet_guard) !=
            ENET_GUARD_QUEUED)
            return false;
    } else {
        ENetPacket *pk = enet_packet_create(buf, len, flags);
        if (pk == NULL)
            return false;
        if (enet_peer_send(c->peer, channel, pk) != 0) {
            enet_packet_destroy(pk);
            return false;
        }
    }
    c->stats.messages_up++;
    c->stats.payload_up += len;
    return true;
}

static void on_enet_connect(CliConn *c, uint64_t now_us)
{
    c->enet_connected = true;
    /* INPUTs are never throttled away by ENet (the server asks the same of us, and does it
     * for its snapshots): the 32-input window, not ENet, deals with loss. */
    enet_guard_configure(c->peer);
    MsgBind b = {.version = PROTO_VERSION};
    memcpy(b.token, c->token, sizeof b.token);
    uint8_t buf[MSG_BIND_BYTES];
    size_t n = msg_bind_encode(&b, buf, sizeof buf);
    if (n == 0 || !cli_enet_send(c, PROTO_CH_RELIABLE, buf, n, ENET_PACKET_FLAG_RELIABLE)) {
        cli_conn_fail(c, CLI_FAIL_INTERNAL, "cannot send BIND");
        return;
    }
    enet_host_flush(c->host);
    c->phase = JOIN_WELCOME;
    cli_conn_deadline(c, now_us, CLI_RELIABLE_STEP_FACTOR * c->cfg.step_timeout_ms);
}

static void on_enet_disconnect(CliConn *c, enet_uint32 data)
{
    bool was_connected = c->enet_connected;
    c->peer = NULL; /* ENet has reset it */
    c->enet_connected = false;
    c->enet_done = true;
    if (c->state == CLI_QUITTING)
        return;
    switch (data) {
    case PROTO_DISCONNECT_FULL:
        cli_conn_fail(c, CLI_FAIL_FULL,
                      "server full: no game slot (or too many connections from here)");
        break;
    case PROTO_DISCONNECT_BAD_TOKEN:
        cli_conn_fail(c, CLI_FAIL_BAD_TOKEN, "bad token: the server refused our BIND");
        break;
    case PROTO_DISCONNECT_BIND_TIMEOUT:
        cli_conn_fail(c, CLI_FAIL_TIMEOUT, "timeout: the server did not get our BIND in time");
        break;
    case PROTO_DISCONNECT_VERSION:
        cli_conn_fail(c, CLI_FAIL_VERSION, "wrong version: the server refused protocol %d",
                      PROTO_VERSION);
        break;
    case PROTO_DISCONNECT_PROTOCOL:
        cli_conn_fail(c, CLI_FAIL_PROTOCOL, "protocol error: the server rejected our messages");
        break;
    case PROTO_DISCONNECT_SHUTDOWN:
        cli_conn_fail(c, CLI_FAIL_SHUTDOWN, "server shutting down");
        break;
    case PROTO_DISCONNECT_LOGOUT:
        cli_conn_fail(c, CLI_FAIL_SERVER_GONE, "server gone: the session ended");
        break;
    case PROTO_DISCONNECT_KICKED:
        cli_conn_fail(c, CLI_FAIL_KICKED, "disconnected by the server (kicked)");
        break;
    case PROTO_DISCONNECT_BACKLOG:
        cli_conn_fail(c, CLI_FAIL_KICKED, "disconnected by the server (we stopped acknowledging)");
        break;
    default:
        if (was_connected)
            cli_conn_fail(c, CLI_FAIL_SERVER_GONE, "server gone: game connection lost");
        else
            cli_conn_fail(c, CLI_FAIL_TIMEOUT, "timeout: no ENet answer from UDP %s:%u",
                          inet_ntoa(c->server.sin_addr), c->udp_port);
        break;
    }
}

double cli_enet_rtt_ms(const CliConn *c)
{
    if (c->peer == NULL || !c->enet_connected)
        return 0.0;
    /* Until ENet has timed an acknowledgement its RTT is its 500 ms default (and the variance
     * 0, which a measurement never leaves): no sample. Taken as one, it put a new client's
     * clock 30 ticks ahead (RTT/2 counted in the estimate and in the lead) and its first
     * inputs beyond what the server accepts (inputs_early). */
    if (c->peer->roundTripTimeVariance == 0)
        return 0.0;
    return (double)c->peer->roundTripTime;
}

void cli_enet_drain(CliConn *c, uint64_t now_us, bool io_once)
{
    ENetEvent ev;
    c->last_enet_service_us = now_us;
    /* Service until ENet has nothing more (ENet issues #64/#85), bounded. */
    for (int guard = 0; guard < 4096 && c->host != NULL && !c->enet_done; guard++) {
        int r = io_once && guard > 0 ? enet_host_check_events(c->host, &ev)
                                     : enet_host_service(c->host, &ev, 0);
        if (r <= 0)
            break;
        switch (ev.type) {
        case ENET_EVENT_TYPE_CONNECT:
            on_enet_connect(c, now_us);
            break;
        case ENET_EVENT_TYPE_RECEIVE:
            cli_msg_receive(c, ev.packet->data, ev.packet->dataLength, now_us);
            enet_packet_destroy(ev.packet);
            break;
        case ENET_EVENT_TYPE_DISCONNECT:
            on_enet_disconnect(c, ev.data);
            break;
        case ENET_EVENT_TYPE_NONE:
            break;
        }
        if (c->state == CLI_FAILED)
            break;
    }
}
