/* test_enet_pitfalls.c — what ENet's two quiet behaviours do to unreliable messages on a bad
 * network, and that enet_guard (shared/os) stops both.
 *
 * Two real ENet hosts on loopback talk through an in-process relay built on arena-netsim's
 * link (tests/netsim/ns_link.h): latency, jitter and loss per direction, seeded. The relay
 * also reads every datagram with shared/enet_wire, so the test sees the commands ENet really
 * put on the wire.
 *
 *   1. The packet throttle. With ENet's defaults, jitter alone makes it destroy a share of
 *      the unreliable packets before they are sent (counted here through the packet's free
 *      callback and ENET_PACKET_FLAG_SENT). With enet_guard_configure/enet_guard_send, none.
 *   2. Fragmentation. An unreliable packet one byte over ENet's fragment threshold goes out
 *      as SEND_FRAGMENT commands with the acknowledge flag: reliable, retransmitted under
 *      loss. enet_guard_send refuses it (counted) and sends the largest that fits as one
 *      SEND_UNRELIABLE.
 *
 * The runs use real time (ENet reads its own clock) but are bounded (a few seconds) and the
 * assertions are counts, not timings. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <enet/enet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "enet_checksum.h"
#include "enet_guard.h"
#include "enet_wire.h"
#include "mono_clock.h"
#include "ns_link.h"
#include "protocol.h"

enum { SLOTS = 512, PAYLOAD = 300 };

typedef struct WireCount {
    unsigned unreliable, fragments, reliable_fragments, datagrams;
} WireCount;

typedef struct Rig {
    ENetHost *server, *client;
    ENetPeer *to_client; /* the server's peer */
    ENetPeer *to_server; /* the client's peer */
    int relay;
    struct sockaddr_in server_addr, client_addr;
    bool have_client;
    NsLink up, down;
    NsPending up_slots[SLOTS], down_slots[SLOTS];
    WireCount down_wire;
    unsigned received; /* unreliable payloads that reached the client */
} Rig;

static void count_wire(WireCount *w, const uint8_t *d, size_t len)
{
    EwHeader h;
    if (!ew_read_header(d, len, true, &h))
        return;
    w->datagrams++;
    EwWalk walk;
    EwCommand c;
    ew_walk_init(&walk, d, len, &h);
    while (ew_walk_next(&walk, &c) == EW_COMMAND) {
        if (c.number == EW_CMD_SEND_UNRELIABLE)
            w->unreliable++;
        if (c.number == EW_CMD_SEND_FRAGMENT) {
            w->fragments++;
            if (c.flags & EW_CMD_FLAG_ACK)
                w->reliable_fragments++;
        }
    }
}

static void relay_read(Rig *r, uint64_t now)
{
    uint8_t buf[NS_SLOT_BYTES];
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t n;
    while ((n = recvfrom(r->relay, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fl)) >
           0) {
        if (from.sin_port == r->server_addr.sin_port) {
            count_wire(&r->down_wire, buf, (size_t)n);
            ns_link_submit(&r->down, now, buf, (size_t)n);
        } else {
            r->client_addr = from;
            r->have_client = true;
            ns_link_submit(&r->up, now, buf, (size_t)n);
        }
        fl = sizeof from;
    }
}

static void relay_write(Rig *r, uint64_t now)
{
    uint8_t buf[NS_SLOT_BYTES];
    size_t n;
    while ((n = ns_link_pop(&r->up, now, buf, sizeof buf)) > 0)
        sendto(r->relay, buf, n, 0, (struct sockaddr *)&r->server_addr, sizeof r->server_addr);
    while ((n = ns_link_pop(&r->down, now, buf, sizeof buf)) > 0)
        if (r->have_client)
            sendto(r->relay, buf, n, 0, (struct sockaddr *)&r->client_addr, sizeof r->client_addr);
}

/* One turn: the relay, then both hosts' events. */
static void pump(Rig *r)
{
    uint64_t now = mono_now_us();
    relay_read(r, now);
    relay_write(r, now);
    ENetEvent ev;
    while (enet_host_service(r->server, &ev, 0) > 0) {
        if (ev.type == ENET_EVENT_TYPE_CONNECT)
            r->to_client = ev.peer;
        if (ev.type == ENET_EVENT_TYPE_RECEIVE)
            enet_packet_destroy(ev.packet);
    }
    while (enet_host_service(r->client, &ev, 0) > 0) {
        if (ev.type == ENET_EVENT_TYPE_RECEIVE) {
            if (ev.channelID == PROTO_CH_SNAPSHOT)
                r->received++;
            enet_packet_destroy(ev.packet);
        }
    }
    struct pollfd p = {.fd = r->relay, .events = POLLIN};
    (void)poll(&p, 1, 1);
}

static uint16_t bound_port(int fd)
{
    struct sockaddr_in a;
    socklen_t l = sizeof a;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
    return ntohs(a.sin_port);
}

/* Server host, client host, relay; the client connects through the relay and the test waits
 * (bounded) until both sides see the connection. */
static void rig_open(Rig *r, const NsLinkConfig *cfg, uint64_t seed)
{
    memset(r, 0, sizeof *r);
    ENetAddress a = {.port = 0};
    enet_address_set_host_ip(&a, "127.0.0.1");
    r->server = enet_host_create(&a, 4, PROTO_CHANNEL_COUNT, 0, 0);
    r->client = enet_host_create(NULL, 1, PROTO_CHANNEL_COUNT, 0, 0);
    assert_non_null(r->server);
    assert_non_null(r->client);
    r->server->checksum = arena_enet_crc32;
    r->client->checksum = arena_enet_crc32;
    r->server->mtu = PROTO_ENET_MTU;
    for (size_t i = 0; i < r->server->peerCount; i++)
        r->server->peers[i].mtu = PROTO_ENET_MTU;
    r->client->mtu = PROTO_ENET_MTU;
    r->client->peers[0].mtu = PROTO_ENET_MTU;

    r->server_addr.sin_family = AF_INET;
    r->server_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    r->server_addr.sin_port = htons(bound_port(r->server->socket));
    r->relay = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in ra = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(r->relay, (struct sockaddr *)&ra, sizeof ra), 0);
    assert_int_equal(ns_link_init(&r->up, cfg, seed, r->up_slots, SLOTS), NS_OK);
    assert_int_equal(ns_link_init(&r->down, cfg, seed + 1, r->down_slots, SLOTS), NS_OK);

    ENetAddress to = {.port = bound_port(r->relay)};
    enet_address_set_host_ip(&to, "127.0.0.1");
    r->to_server = enet_host_connect(r->client, &to, PROTO_CHANNEL_COUNT, 0);
    assert_non_null(r->to_server);
    uint64_t deadline = mono_now_us() + 10000000u;
    while ((r->to_client == NULL || r->to_server->state != ENET_PEER_STATE_CONNECTED) &&
           mono_now_us() < deadline)
        pump(r);
    assert_non_null(r->to_client);
    assert_int_equal(r->to_server->state, ENET_PEER_STATE_CONNECTED);
}

static void rig_close(Rig *r)
{
    enet_host_destroy(r->client);
    enet_host_destroy(r->server);
    close(r->relay);
}

/* ENet's own bookkeeping, for the unguarded run: the callback the guard uses, by hand. */
static void count_unsent(ENetPacket *pk)
{
    if (!(pk->flags & ENET_PACKET_FLAG_SENT))
        (*(unsigned *)pk->userData)++;
}

/* Snapshot-like traffic for `seconds`: an unreliable PAYLOAD-byte message at 30 Hz and a
 * small reliable one at 10 Hz (events: they give ENet its round-trip samples), from the
 * server to the client, guarded or not, while the way down slows by 200 ms a second.
 * Returns how many unreliable messages were queued. */
static unsigned play(Rig *r, double seconds, bool guarded, EnetGuardStats *gs, unsigned *unsent)
{
    uint32_t base_latency = r->down.cfg.latency_us;
    uint8_t msg[PAYLOAD];
    memset(msg, 0xA5, sizeof msg);
    uint64_t start = mono_now_us(), next = start, next_rel = start;
    uint64_t end = start + (uint64_t)(seconds * 1e6);
    unsigned queued = 0;
    while (mono_now_us() < end) {
        uint64_t now = mono_now_us();
        if (now >= next) {
            next += 33333;
            if (guarded) {
                assert_int_equal(
                    enet_guard_send(r->to_client, PROTO_CH_SNAPSHOT, msg, sizeof msg, 0, gs),
                    ENET_GUARD_QUEUED);
            } else {
                ENetPacket *pk = enet_packet_create(msg, sizeof msg, 0);
                pk->userData = unsent;
                pk->freeCallback = count_unsent;
                assert_int_equal(enet_peer_send(r->to_client, PROTO_CH_SNAPSHOT, pk), 0);
            }
            queued++;
        }
        if (now >= next_rel) {
            next_rel += 100000;
            /* The way down gets slower, 20 ms every 100 ms (a queue building up somewhere,
             * or a server falling behind): round trips rise. */
            r->down.cfg.latency_us = base_latency + (uint32_t)((now - start) / 5);
            ENetPacket *pk = enet_packet_create(msg, 8, ENET_PACKET_FLAG_RELIABLE);
            assert_int_equal(enet_peer_send(r->to_client, PROTO_CH_RELIABLE, pk), 0);
        }
        enet_host_flush(r->server);
        pump(r);
    }
    /* Let what is in flight arrive (bounded). */
    uint64_t drain = mono_now_us() + 2500000u;
    while (mono_now_us() < drain)
        pump(r);
    return queued;
}

/* A link that starts at 20 ms each way with a little jitter and 2 % loss; play() makes the
 * way down slower as it goes. */
static NsLinkConfig rising(void)
{
    return (NsLinkConfig){.latency_us = 20000, .jitter_us = 5000, .loss = 0.02};
}

static void test_default_throttle_drops_unsent(void **state)
{
    (void)state;
    Rig r;
    NsLinkConfig cfg = rising();
    rig_open(&r, &cfg, 11);
    unsigned unsent = 0;
    unsigned queued = play(&r, 4.0, false, NULL, &unsent);
    printf("# ENet defaults: %u unreliable queued, %u destroyed unsent by the throttle, "
           "%u on the wire, %u received; throttle now %u/32\n",
           queued, unsent, r.down_wire.unreliable, r.received, r.to_client->packetThrottle);
    /* What the issue calls silent: packets the application queued that never left. */
    assert_true(unsent > 0);
    assert_int_equal(r.down_wire.unreliable + unsent, queued);
    rig_close(&r);
}

static void test_guard_sends_everything(void **state)
{
    (void)state;
    Rig r;
    NsLinkConfig cfg = rising();
    rig_open(&r, &cfg, 11);
    enet_guard_configure(r.to_client);
    EnetGuardStats gs = {0};
    unsigned queued = play(&r, 4.0, true, &gs, NULL);
    printf("# guarded: %u queued, %u unsent, %u throttle releases, %u on the wire, "
           "%u received\n",
           queued, (unsigned)gs.unsent, (unsigned)gs.throttle_releases, r.down_wire.unreliable,
           r.received);
    assert_int_equal(gs.unsent, 0);
    assert_int_equal(r.down_wire.unreliable, queued);
    rig_close(&r);
}

/* The other side turns the throttle back on (a THROTTLE_CONFIGURE, as any client may send):
 * the guard releases it on the next send and counts that it did. */
static void test_guard_releases_remote_throttle(void **state)
{
    (void)state;
    Rig r;
    NsLinkConfig cfg = {.latency_us = 1000};
    rig_open(&r, &cfg, 5);
    enet_guard_configure(r.to_client);
    r.to_client->packetThrottle = 4;
    r.to_client->packetThrottleDeceleration = ENET_PEER_PACKET_THROTTLE_DECELERATION;
    EnetGuardStats gs = {0};
    uint8_t msg[PAYLOAD] = {0};
    assert_int_equal(enet_guard_send(r.to_client, PROTO_CH_SNAPSHOT, msg, sizeof msg, 0, &gs),
                     ENET_GUARD_QUEUED);
    assert_int_equal(gs.throttle_releases, 1);
    assert_int_equal(r.to_client->packetThrottle, ENET_PEER_PACKET_THROTTLE_SCALE);
    assert_int_equal(r.to_client->packetThrottleDeceleration, 0);
    assert_int_equal(enet_guard_send(r.to_client, PROTO_CH_SNAPSHOT, msg, sizeof msg, 0, &gs),
                     ENET_GUARD_QUEUED);
    assert_int_equal(gs.throttle_releases, 1); /* released: nothing more to count */
    rig_close(&r);
}

/* ENet's fragment threshold: the MTU less its header, the checksum and a fragment command. */
static size_t fragment_threshold(const ENetPeer *p)
{
    return p->mtu - sizeof(ENetProtocolHeader) - sizeof(enet_uint32) -
           sizeof(ENetProtocolSendFragment);
}

static void test_oversize_unreliable_goes_reliable(void **state)
{
    (void)state;
    Rig r;
    NsLinkConfig cfg = {.latency_us = 5000, .loss = 0.3};
    rig_open(&r, &cfg, 3);
    size_t big = fragment_threshold(r.to_client) + 1;
    uint8_t msg[NS_SLOT_BYTES] = {0};
    ENetPacket *pk = enet_packet_create(msg, big, 0); /* "unreliable" */
    assert_int_equal(enet_peer_send(r.to_client, PROTO_CH_SNAPSHOT, pk), 0);
    enet_host_flush(r.server);
    uint64_t end = mono_now_us() + 3000000u;
    while (mono_now_us() < end && r.received == 0)
        pump(&r);
    printf("# %zu-byte unreliable message: %u fragment commands on the wire, %u of them "
           "reliable; delivered %u\n",
           big, r.down_wire.fragments, r.down_wire.reliable_fragments, r.received);
    assert_int_equal(r.down_wire.unreliable, 0);
    assert_true(r.down_wire.fragments >= 2);
    assert_int_equal(r.down_wire.reliable_fragments, r.down_wire.fragments);
    rig_close(&r);
}

static void test_guard_refuses_what_would_fragment(void **state)
{
    (void)state;
    Rig r;
    NsLinkConfig cfg = {.latency_us = 1000};
    rig_open(&r, &cfg, 4);
    size_t fits = enet_guard_max_unreliable(r.to_client);
    assert_int_equal(fits, fragment_threshold(r.to_client));
    uint8_t msg[NS_SLOT_BYTES] = {0};
    EnetGuardStats gs = {0};
    assert_int_equal(enet_guard_send(r.to_client, PROTO_CH_SNAPSHOT, msg, fits + 1, 0, &gs),
                     ENET_GUARD_OVERSIZE);
    assert_int_equal(gs.oversize, 1);
    assert_int_equal(enet_guard_send(r.to_client, PROTO_CH_SNAPSHOT, msg, fits, 0, &gs),
                     ENET_GUARD_QUEUED);
    enet_host_flush(r.server);
    uint64_t end = mono_now_us() + 3000000u;
    while (mono_now_us() < end && r.received == 0)
        pump(&r);
    assert_int_equal(r.received, 1);
    assert_int_equal(r.down_wire.fragments, 0);
    assert_int_equal(r.down_wire.unreliable, 1);
    rig_close(&r);
}

int main(void)
{
    if (enet_initialize() != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_throttle_drops_unsent),
        cmocka_unit_test(test_guard_sends_everything),
        cmocka_unit_test(test_guard_releases_remote_throttle),
        cmocka_unit_test(test_oversize_unreliable_goes_reliable),
        cmocka_unit_test(test_guard_refuses_what_would_fragment),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    enet_deinitialize();
    return rc;
}
