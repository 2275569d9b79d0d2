/* test_enet_bind.c — the ENet side of joining, against a real arena-server (started by
 * with_server.sh with token_ttl_ms=1000; ARENA_HOST / ARENA_PORT in the environment).
 *
 * A peer that never binds, binds with a wrong, reused or expired token, or sends something
 * else first is disconnected with the documented reason and never receives game state; a
 * peer with a fresh token gets WELCOME, MAP and decodable snapshots; closing the TCP session
 * removes the player from the game. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <enet/enet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "map.h"
#include "msg.h"
#include "protocol.h"
#include "snapshot.h"

static const char *host_ip(void)
{
    const char *h = getenv("ARENA_HOST");
    return h ? h : "127.0.0.1";
}

static uint16_t port(void)
{
    const char *p = getenv("ARENA_PORT");
    return (uint16_t)(p ? atoi(p) : PROTO_GAME_PORT);
}

/* ---- a minimal TCP client for LOGIN ------------------------------------------------------ */

typedef struct Tcp {
    int fd;
    char buf[8192];
    size_t len;
} Tcp;

static void tcp_open(Tcp *t)
{
    t->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(t->fd >= 0);
    struct timeval tv = {3, 0};
    setsockopt(t->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port());
    inet_pton(AF_INET, host_ip(), &sa.sin_addr);
    assert_int_equal(connect(t->fd, (struct sockaddr *)&sa, sizeof sa), 0);
    t->len = 0;
}

/* Reads one line into out (without "\n"); false at EOF or timeout. */
static bool tcp_line(Tcp *t, char *out, size_t cap)
{
    for (;;) {
        char *nl = memchr(t->buf, '\n', t->len);
        if (nl != NULL) {
            size_t n = (size_t)(nl - t->buf);
            snprintf(out, cap, "%.*s", (int)n, t->buf);
            memmove(t->buf, nl + 1, t->len - n - 1);
            t->len -= n + 1;
            return true;
        }
        if (t->len == sizeof t->buf)
            return false;
        ssize_t r = recv(t->fd, t->buf + t->len, sizeof t->buf - t->len, 0);
        if (r <= 0)
            return false;
        t->len += (size_t)r;
    }
}

static void tcp_login(Tcp *t, const char *name, uint8_t token[PROTO_TOKEN_BYTES], int *id)
{
    char line[1100];
    tcp_open(t);
    assert_true(tcp_line(t, line, sizeof line));
    assert_true(strncmp(line, "HELLO ", 6) == 0);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "LOGIN %s\n", name);
    assert_int_equal(send(t->fd, cmd, strlen(cmd), 0), (ssize_t)strlen(cmd));
    assert_true(tcp_line(t, line, sizeof line));
    char hex[33];
    assert_int_equal(sscanf(line, "OK token=%32s id=%d", hex, id), 2);
    for (unsigned i = 0; i < PROTO_TOKEN_BYTES; i++) {
        unsigned v;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        token[i] = (uint8_t)v;
    }
}

/* ---- ENet ---------------------------------------------------------------------------------- */

typedef struct Peer {
    ENetHost *host;
    ENetPeer *peer;
} Peer;

static void peer_connect(Peer *p)
{
    p->host = enet_host_create(NULL, 1, PROTO_CHANNEL_COUNT, 0, 0);
    assert_non_null(p->host);
    ENetAddress a;
    enet_address_set_host_ip(&a, host_ip());
    a.port = port();
    p->peer = enet_host_connect(p->host, &a, PROTO_CHANNEL_COUNT, PROTO_VERSION);
    assert_non_null(p->peer);
    ENetEvent ev;
    assert_true(enet_host_service(p->host, &ev, 3000) > 0);
    assert_int_equal(ev.type, ENET_EVENT_TYPE_CONNECT);
}

static void peer_send(Peer *p, const uint8_t *buf, size_t n)
{
    ENetPacket *pk = enet_packet_create(buf, n, ENET_PACKET_FLAG_RELIABLE);
    assert_int_equal(enet_peer_send(p->peer, PROTO_CH_RELIABLE, pk), 0);
    enet_host_flush(p->host);
}

/* Services for up to ms; returns the disconnect reason, or -1 if still connected. Counts
 * messages received by type. */
static int peer_run(Peer *p, int ms, unsigned counts[8])
{
    ENetEvent ev;
    enet_uint32 until = enet_time_get() + (enet_uint32)ms;
    while (enet_time_get() < until) {
        int r = enet_host_service(p->host, &ev, 20);
        assert_true(r >= 0);
        if (r == 0)
            continue;
        if (ev.type == ENET_EVENT_TYPE_DISCONNECT)
            return (int)ev.data;
        if (ev.type == ENET_EVENT_TYPE_RECEIVE) {
            if (ev.packet->dataLength > 0 && ev.packet->data[0] < 8)
                counts[ev.packet->data[0]]++;
            enet_packet_destroy(ev.packet);
        }
    }
    return -1;
}

static void peer_close(Peer *p)
{
    enet_peer_reset(p->peer);
    enet_host_destroy(p->host);
}

static void send_bind(Peer *p, const uint8_t token[PROTO_TOKEN_BYTES])
{
    MsgBind b = {.version = PROTO_VERSION};
    memcpy(b.token, token, PROTO_TOKEN_BYTES);
    uint8_t buf[MSG_BIND_BYTES];
    size_t n = msg_bind_encode(&b, buf, sizeof buf);
    assert_int_equal(n, MSG_BIND_BYTES);
    peer_send(p, buf, n);
}

static void test_silent_peer_is_dropped_within_bind_deadline(void **state)
{
    (void)state;
    Peer p;
    unsigned counts[8] = {0};
    peer_connect(&p);
    enet_uint32 t0 = enet_time_get();
    int why = peer_run(&p, 5000, counts);
    enet_uint32 took = enet_time_get() - t0;
    assert_int_equal(why, PROTO_DISC_BIND_TIMEOUT);
    assert_true(took >= 1500 && took < 4000); /* the 2 s deadline, give or take a loop */
    assert_int_equal(counts[PROTO_MSG_SNAPSHOT] + counts[PROTO_MSG_WELCOME], 0);
    peer_close(&p);
}

static void test_wrong_token_is_refused(void **state)
{
    (void)state;
    Peer p;
    unsigned counts[8] = {0};
    uint8_t token[PROTO_TOKEN_BYTES];
    for (unsigned i = 0; i < sizeof token; i++)
        token[i] = (uint8_t)(i * 37 + 11);
    peer_connect(&p);
    send_bind(&p, token);
    assert_int_equal(peer_run(&p, 3000, counts), PROTO_DISC_BAD_TOKEN);
    assert_int_equal(counts[PROTO_MSG_SNAPSHOT] + counts[PROTO_MSG_WELCOME], 0);
    peer_close(&p);
}

static void test_other_message_first_is_refused(void **state)
{
    (void)state;
    Peer p;
    unsigned counts[8] = {0};
    MsgInput in = {.snapshot_ack = 0, .newest_tick = 5, .count = 1};
    uint8_t buf[MSG_INPUT_MAX_BYTES];
    size_t n = msg_input_encode(&in, buf, sizeof buf);
    peer_connect(&p);
    peer_send(&p, buf, n);
    assert_int_equal(peer_run(&p, 3000, counts), PROTO_DISC_PROTOCOL);
    assert_int_equal(counts[PROTO_MSG_SNAPSHOT], 0);
    peer_close(&p);
}

static void test_valid_token_gets_state_once_and_tcp_close_removes_player(void **state)
{
    (void)state;
    Tcp t;
    uint8_t token[PROTO_TOKEN_BYTES];
    int id = -1;
    tcp_login(&t, "binder", token, &id);

    Peer p;
    peer_connect(&p);
    send_bind(&p, token);
    /* Collect messages for a second, decoding every snapshot against its baseline. */
    SnapEntity store[8][PROTO_MAX_ENTITIES];
    Snapshot ring[8];
    for (unsigned i = 0; i < 8; i++) {
        snap_init(&ring[i], store[i], PROTO_MAX_ENTITIES);
        ring[i].tick = 0;
    }
    unsigned welcome = 0, map = 0, snaps = 0, self_seen = 0;
    ENetEvent ev;
    enet_uint32 until = enet_time_get() + 1000;
    while (enet_time_get() < until) {
        int r = enet_host_service(p.host, &ev, 10);
        assert_true(r >= 0);
        if (r == 0)
            continue;
        assert_int_not_equal(ev.type, ENET_EVENT_TYPE_DISCONNECT);
        if (ev.type != ENET_EVENT_TYPE_RECEIVE)
            continue;
        const uint8_t *d = ev.packet->data;
        size_t len = ev.packet->dataLength;
        if (d[0] == PROTO_MSG_WELCOME) {
            MsgWelcome w;
            assert_int_equal(msg_welcome_decode(d, len, &w), MSG_OK);
            assert_int_equal(w.player_id, id);
            welcome++;
        } else if (d[0] == PROTO_MSG_MAP) {
            MsgMap m;
            assert_int_equal(msg_map_decode(d, len, &m), MSG_OK);
            static Map loaded;
            MapError err;
            assert_true(map_load(&loaded, m.text, m.len, &err));
            map++;
        } else if (d[0] == PROTO_MSG_SNAPSHOT) {
            assert_true(len <= PROTO_MAX_DATAGRAM);
            uint32_t tick, base;
            assert_int_equal(snap_peek(d, len, &tick, &base), SNAP_OK);
            const Snapshot *b = NULL;
            if (base != 0) {
                b = &ring[base % 8];
                assert_int_equal(b->tick, base); /* we never ack, so baselines are ours */
            }
            Snapshot *out = &ring[tick % 8];
            assert_int_equal(snap_decode(d, len, b, out), SNAP_OK);
            self_seen += out->has_self && out->self_id == id;
            snaps++;
        }
        enet_packet_destroy(ev.packet);
    }
    assert_int_equal(welcome, 1);
    assert_int_equal(map, 1);
    assert_true(snaps >= 20); /* 30 Hz for a second, minus start-up */
    assert_int_equal(self_seen, snaps);

    /* The token was single use. */
    Peer q;
    unsigned counts[8] = {0};
    peer_connect(&q);
    send_bind(&q, token);
    assert_int_equal(peer_run(&q, 3000, counts), PROTO_DISC_BAD_TOKEN);
    assert_int_equal(counts[PROTO_MSG_SNAPSHOT], 0);
    peer_close(&q);

    /* Closing the TCP session removes the player: the ENet peer is disconnected. */
    close(t.fd);
    memset(counts, 0, sizeof counts);
    assert_int_equal(peer_run(&p, 3000, counts), PROTO_DISC_LOGOUT);
    peer_close(&p);
}

static void test_expired_token_is_refused(void **state)
{
    (void)state;
    Tcp t;
    uint8_t token[PROTO_TOKEN_BYTES];
    int id;
    tcp_login(&t, "latecomer", token, &id);
    struct timespec nap = {1, 300 * 1000 * 1000}; /* token_ttl_ms=1000 for this server */
    nanosleep(&nap, NULL);
    Peer p;
    unsigned counts[8] = {0};
    peer_connect(&p);
    send_bind(&p, token);
    assert_int_equal(peer_run(&p, 3000, counts), PROTO_DISC_BAD_TOKEN);
    assert_int_equal(counts[PROTO_MSG_SNAPSHOT], 0);
    peer_close(&p);
    close(t.fd);
}

int main(void)
{
    if (enet_initialize() != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_silent_peer_is_dropped_within_bind_deadline),
        cmocka_unit_test(test_wrong_token_is_refused),
        cmocka_unit_test(test_other_message_first_is_refused),
        cmocka_unit_test(test_valid_token_gets_state_once_and_tcp_close_removes_player),
        cmocka_unit_test(test_expired_token_is_refused),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    enet_deinitialize();
    return rc;
}
