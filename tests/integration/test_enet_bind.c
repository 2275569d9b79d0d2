/* test_enet_bind.c — the ENet side of joining, against a real arena-server (started by
 * with_server.sh with token_ttl_ms=1000; ARENA_HOST / ARENA_PORT in the environment).
 *
 * A CONNECT without a live login's tag, or with a used or expired one, gets no answer at all
 * (the server keeps no state for it). A logged-in peer that never binds, binds with a wrong
 * token or sends something else first is disconnected with the documented reason and never
 * receives game state; a peer with a fresh token gets WELCOME, MAP and decodable snapshots,
 * deltas against the snapshot it acknowledged once it acknowledges one; closing the TCP
 * session removes the player from the game. */
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
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "enet_checksum.h"
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
    unsigned datagrams; /* UDP datagrams received from the server */
} Peer;

static int ENET_CALLBACK count_datagram(ENetHost *host, ENetEvent *event)
{
    (void)event;
    Peer *p = host->peers[0].data;
    if (p != NULL)
        p->datagrams++;
    return 0;
}

/* Starts an ENet connection the way the protocol says (checksum on, random connect id, the
 * login's connect tag as connect data) and waits up to ms for it; true if it connected. */
static bool peer_try_connect(Peer *p, uint32_t tag, int ms)
{
    memset(p, 0, sizeof *p);
    p->host = enet_host_create(NULL, 1, PROTO_CHANNEL_COUNT, 0, 0);
    assert_non_null(p->host);
    p->host->checksum = arena_enet_crc32;
    p->host->intercept = count_datagram;
    assert_int_equal(getrandom(&p->host->randomSeed, sizeof p->host->randomSeed, 0),
                     sizeof p->host->randomSeed);
    ENetAddress a;
    enet_address_set_host_ip(&a, host_ip());
    a.port = port();
    p->peer = enet_host_connect(p->host, &a, PROTO_CHANNEL_COUNT, tag);
    assert_non_null(p->peer);
    p->peer->data = p;
    ENetEvent ev;
    enet_uint32 until = enet_time_get() + (enet_uint32)ms;
    while (enet_time_get() < until) {
        int r = enet_host_service(p->host, &ev, 20);
        assert_true(r >= 0);
        if (r > 0 && ev.type == ENET_EVENT_TYPE_CONNECT)
            return true;
        if (r > 0 && ev.type == ENET_EVENT_TYPE_DISCONNECT)
            return false;
    }
    return false;
}

static void peer_connect(Peer *p, const uint8_t token[PROTO_TOKEN_BYTES])
{
    assert_true(peer_try_connect(p, msg_connect_tag(token), 3000));
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

static void test_connect_without_login_gets_no_answer(void **state)
{
    (void)state;
    Peer p;
    uint32_t tag;
    assert_int_equal(getrandom(&tag, sizeof tag, 0), sizeof tag);
    assert_false(peer_try_connect(&p, tag, 1500));
    assert_int_equal(p.datagrams, 0); /* not even a VERIFY_CONNECT: nothing to amplify */
    peer_close(&p);
}

static void test_silent_peer_is_dropped_within_bind_deadline(void **state)
{
    (void)state;
    Tcp t;
    uint8_t token[PROTO_TOKEN_BYTES];
    int id;
    tcp_login(&t, "silent", token, &id);
    Peer p;
    unsigned counts[8] = {0};
    peer_connect(&p, token);
    enet_uint32 t0 = enet_time_get();
    int why = peer_run(&p, 5000, counts);
    enet_uint32 took = enet_time_get() - t0;
    assert_int_equal(why, PROTO_DISCONNECT_BIND_TIMEOUT);
    assert_true(took >= 1500 && took < 4000); /* the 2 s deadline, give or take a loop */
    assert_int_equal(counts[PROTO_MSG_SNAPSHOT] + counts[PROTO_MSG_WELCOME], 0);
    peer_close(&p);
    close(t.fd);
}

static void test_wrong_token_is_refused(void **state)
{
    (void)state;
    Tcp t;
    uint8_t token[PROTO_TOKEN_BYTES], wrong[PROTO_TOKEN_BYTES];
    int id;
    tcp_login(&t, "wrongtoken", token, &id);
    memcpy(wrong, token, sizeof wrong);
    wrong[15] ^= 0x5a; /* the connect tag (bytes 0..3) still matches: only BIND can tell */
    Peer p;
    unsigned counts[8] = {0};
    peer_connect(&p, token);
    send_bind(&p, wrong);
    assert_int_equal(peer_run(&p, 3000, counts), PROTO_DISCONNECT_BAD_TOKEN);
    assert_int_equal(counts[PROTO_MSG_SNAPSHOT] + counts[PROTO_MSG_WELCOME], 0);
    peer_close(&p);
    close(t.fd);
}

static void test_other_message_first_is_refused(void **state)
{
    (void)state;
    Tcp t;
    uint8_t token[PROTO_TOKEN_BYTES];
    int id;
    tcp_login(&t, "impatient", token, &id);
    /* An INPUT before BIND never reaches the game (the gate drops it); the peer is then
     * dropped at the bind deadline and never gets state. */
    MsgInput in = {.snapshot_ack = 0, .newest_tick = 5, .count = 1};
    uint8_t buf[MSG_INPUT_MAX_BYTES];
    size_t n = msg_input_encode(&in, buf, sizeof buf);
    Peer p;
    unsigned counts[8] = {0};
    peer_connect(&p, token);
    peer_send(&p, buf, n);
    assert_int_equal(peer_run(&p, 4000, counts), PROTO_DISCONNECT_BIND_TIMEOUT);
    assert_int_equal(counts[PROTO_MSG_SNAPSHOT] + counts[PROTO_MSG_WELCOME], 0);
    peer_close(&p);
    close(t.fd);

    /* A first message shaped like BIND but of another type: a protocol error. */
    tcp_login(&t, "impostor", token, &id);
    uint8_t fake[MSG_BIND_BYTES] = {PROTO_MSG_INPUT};
    memset(counts, 0, sizeof counts);
    peer_connect(&p, token);
    peer_send(&p, fake, sizeof fake);
    assert_int_equal(peer_run(&p, 3000, counts), PROTO_DISCONNECT_PROTOCOL);
    assert_int_equal(counts[PROTO_MSG_SNAPSHOT] + counts[PROTO_MSG_WELCOME], 0);
    peer_close(&p);
    close(t.fd);
}

/* INPUT on channel 2, unsequenced, acknowledging snapshot `ack` (the client's side of
 * delta compression, docs/protocol.md §3.1). */
static void send_ack(Peer *p, uint32_t ack)
{
    MsgInput in = {.snapshot_ack = ack, .newest_tick = ack + 1, .count = 1};
    uint8_t buf[MSG_INPUT_MAX_BYTES];
    size_t n = msg_input_encode(&in, buf, sizeof buf);
    assert_true(n > 0);
    ENetPacket *pk = enet_packet_create(buf, n, ENET_PACKET_FLAG_UNSEQUENCED);
    assert_int_equal(enet_peer_send(p->peer, PROTO_CH_INPUT, pk), 0);
    enet_host_flush(p->host);
}

static void test_valid_token_gets_state_once_and_tcp_close_removes_player(void **state)
{
    (void)state;
    Tcp t;
    uint8_t token[PROTO_TOKEN_BYTES];
    int id = -1;
    tcp_login(&t, "binder", token, &id);

    Peer p;
    peer_connect(&p, token);
    send_bind(&p, token);
    /* Collect messages for a second, decoding every snapshot. The first decoded snapshot is
     * acknowledged (and only that one): the server must then send deltas against exactly it. */
    static SnapEntity scratch_ents[PROTO_MAX_ENTITIES], acked_ents[PROTO_MAX_ENTITIES];
    Snapshot out, acked;
    snap_init(&out, scratch_ents, PROTO_MAX_ENTITIES);
    snap_init(&acked, acked_ents, PROTO_MAX_ENTITIES);
    uint32_t acked_tick = 0;
    unsigned welcome = 0, map = 0, snaps = 0, deltas = 0, self_seen = 0;
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
            /* input_hz auto: an INPUT every tick at the default 64 max_players. */
            assert_int_equal(w.input_hz, PROTO_INPUT_HZ_MAX);
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
            if (base != 0) {
                assert_int_equal(base, acked_tick); /* the only snapshot we acknowledged */
                deltas++;
            }
            assert_int_equal(snap_decode(d, len, base != 0 ? &acked : NULL, &out), SNAP_OK);
            assert_int_equal(out.tick, tick);
            self_seen += out.has_self && out.self_id == id;
            snaps++;
            if (acked_tick == 0) {
                assert_true(snap_copy(&acked, &out));
                acked_tick = tick;
            }
            if (deltas == 0)
                send_ack(&p, acked_tick); /* again until it lands: INPUT is unreliable */
        }
        enet_packet_destroy(ev.packet);
    }
    assert_int_equal(welcome, 1);
    assert_int_equal(map, 1);
    assert_true(snaps >= 20); /* 30 Hz for a second, minus start-up */
    assert_int_equal(self_seen, snaps);
    assert_true(deltas >= 5); /* deltas against the acknowledged snapshot were used */

    /* The token was single use: a second CONNECT with it gets no answer. */
    Peer q;
    unsigned counts[8] = {0};
    assert_false(peer_try_connect(&q, msg_connect_tag(token), 1500));
    assert_int_equal(q.datagrams, 0);
    peer_close(&q);

    /* Closing the TCP session removes the player: the ENet peer is disconnected. */
    close(t.fd);
    memset(counts, 0, sizeof counts);
    assert_int_equal(peer_run(&p, 3000, counts), PROTO_DISCONNECT_LOGOUT);
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
    /* An expired token's CONNECT gets no answer. */
    Peer p;
    assert_false(peer_try_connect(&p, msg_connect_tag(token), 1500));
    assert_int_equal(p.datagrams, 0);
    peer_close(&p);
    close(t.fd);
}

int main(void)
{
    if (enet_initialize() != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_without_login_gets_no_answer),
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
