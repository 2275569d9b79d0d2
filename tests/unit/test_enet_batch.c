/* test_enet_batch.c — ENet's socket calls, batched (enet_batch.h), on real loopback sockets.
 *
 * What an operator would notice: a game socket that loses, reorders or corrupts datagrams, a
 * hostile datagram that stops the server reading, or batching that silently stopped taking
 * effect (a different libenet build) and one syscall per datagram again. The calls are made
 * through ENet's own names, as libenet.so makes them. */
#define _GNU_SOURCE /* SO_RCVBUFFORCE */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <enet/enet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "enet_batch.h"
#include "mono_clock.h"

enum { COUNT = 100, OVERSIZE_AT = 37, SENDS = 300, WAIT_MS = 2000 };

typedef struct Pair {
    ENetSocket game; /* the attached socket (ENet's, as the server's host makes it) */
    int peer;        /* a plain UDP socket on the other side */
    ENetAddress game_addr, peer_addr;
    struct sockaddr_in game_sin, peer_sin;
} Pair;

static void bind_loopback(int fd, struct sockaddr_in *sin)
{
    *sin = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)sin, sizeof *sin), 0);
    socklen_t len = sizeof *sin;
    assert_int_equal(getsockname(fd, (struct sockaddr *)sin, &len), 0);
}

static void pair_open(Pair *p)
{
    p->game = enet_socket_create(ENET_SOCKET_TYPE_DATAGRAM);
    assert_true(p->game >= 0);
    assert_int_equal(enet_socket_set_option(p->game, ENET_SOCKOPT_NONBLOCK, 1), 0);
    bind_loopback(p->game, &p->game_sin);
    p->peer = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(p->peer >= 0);
    /* Room for all SENDS datagrams at once (root may pass net.core.rmem_max). */
    int room = 4 << 20;
    if (setsockopt(p->peer, SOL_SOCKET, SO_RCVBUFFORCE, &room, sizeof room) != 0)
        (void)setsockopt(p->peer, SOL_SOCKET, SO_RCVBUF, &room, sizeof room);
    bind_loopback(p->peer, &p->peer_sin);
    p->game_addr = (ENetAddress){p->game_sin.sin_addr.s_addr, ntohs(p->game_sin.sin_port)};
    p->peer_addr = (ENetAddress){p->peer_sin.sin_addr.s_addr, ntohs(p->peer_sin.sin_port)};
}

static void pair_close(Pair *p)
{
    ebatch_detach(p->game);
    enet_socket_destroy(p->game);
    close(p->peer);
}

/* Datagram i's length and bytes: distinct, so a reorder or a mix-up shows. */
static size_t pattern(unsigned i, unsigned char *buf)
{
    size_t len = i == OVERSIZE_AT ? 5000 : 20 + (i * 37) % 1180;
    for (size_t k = 0; k < len; k++)
        buf[k] = (unsigned char)(i * 7 + k);
    return len;
}

static bool wait_readable(int fd)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    return poll(&pfd, 1, WAIT_MS) == 1;
}

/* Every datagram comes out in order, with its bytes and its sender; the oversize one is
 * dropped and counted; far fewer syscalls than datagrams. */
static void test_receive_in_batches(void **state)
{
    (void)state;
    assert_true(ebatch_active()); /* fails if libenet stops calling the server's functions */
    Pair p;
    pair_open(&p);
    assert_true(ebatch_attach(p.game));
    assert_false(ebatch_attach(p.peer)); /* one socket per process */
    static unsigned char buf[8192], got[EBATCH_RX_SLOT];
    for (unsigned i = 0; i < COUNT; i++) {
        size_t len = pattern(i, buf);
        assert_int_equal(
            sendto(p.peer, buf, len, 0, (struct sockaddr *)&p.game_sin, sizeof p.game_sin),
            (ssize_t)len);
    }
    EbatchStats before = ebatch_stats();
    unsigned next = 0;
    uint64_t until = mono_now_ms() + WAIT_MS;
    while (next < COUNT && mono_now_ms() < until) {
        ENetAddress from;
        ENetBuffer b = {.data = got, .dataLength = sizeof got};
        int n = enet_socket_receive(p.game, &from, &b, 1);
        assert_true(n >= 0);
        if (n == 0) {
            if (next == OVERSIZE_AT && ebatch_stats().rx_oversize > before.rx_oversize)
                next++; /* the oversize one was the last in the socket */
            else
                assert_true(wait_readable(p.game));
            continue;
        }
        if (next == OVERSIZE_AT)
            next++; /* skipped: the next one comes instead */
        size_t len = pattern(next, buf);
        assert_int_equal(n, (int)len);
        assert_memory_equal(got, buf, len);
        assert_int_equal(from.host, p.peer_addr.host);
        assert_int_equal(from.port, p.peer_addr.port);
        next++;
    }
    assert_int_equal(next, COUNT);
    EbatchStats after = ebatch_stats();
    assert_int_equal(after.rx_datagrams - before.rx_datagrams, COUNT - 1);
    assert_int_equal(after.rx_oversize - before.rx_oversize, 1);
    assert_true(after.rx_calls - before.rx_calls <= 8); /* 2 batches, a few empty reads */
    assert_false(ebatch_rx_pending());
    pair_close(&p);
}

static ssize_t peer_recv(const Pair *p, unsigned char *buf, size_t cap, int flags)
{
    return recv(p->peer, buf, cap, flags);
}

/* Sends wait in the queue until a flush (or a full queue), then go out in order, gathered
 * from ENet's buffers; fewer syscalls than datagrams. */
static void test_send_queued_until_flush(void **state)
{
    (void)state;
    Pair p;
    pair_open(&p);
    assert_true(ebatch_attach(p.game));
    static unsigned char buf[8192], got[8192];
    EbatchStats before = ebatch_stats();
    for (unsigned i = 0; i < SENDS; i++) {
        size_t len = pattern(i % COUNT == OVERSIZE_AT ? i + 1 : i, buf);
        size_t head = len / 3; /* two buffers, as ENet passes a header and the commands */
        ENetBuffer parts[2] = {{.data = buf, .dataLength = head},
                               {.data = buf + head, .dataLength = len - head}};
        assert_int_equal(enet_socket_send(p.game, &p.peer_addr, parts, 2), (int)len);
        if (i == 0) /* queued, not sent */
            assert_true(peer_recv(&p, got, sizeof got, MSG_DONTWAIT) < 0 && errno == EAGAIN);
    }
    ebatch_flush();
    EbatchStats after = ebatch_stats();
    assert_int_equal(after.tx_datagrams - before.tx_datagrams, SENDS);
    assert_int_equal(after.tx_calls - before.tx_calls, 2); /* a full queue of 256, then 44 */
    assert_int_equal(after.tx_dropped - before.tx_dropped, 0);
    for (unsigned i = 0; i < SENDS; i++) {
        assert_true(wait_readable(p.peer));
        size_t len = pattern(i % COUNT == OVERSIZE_AT ? i + 1 : i, buf);
        assert_int_equal(peer_recv(&p, got, sizeof got, 0), (ssize_t)len);
        assert_memory_equal(got, buf, len);
    }
    pair_close(&p);
}

/* A socket that is not attached (a client's host in the same process) is ENet's own: sent at
 * once, read one at a time, not counted. Detaching sends what was queued. */
static void test_other_sockets_are_enets(void **state)
{
    (void)state;
    Pair p, other;
    pair_open(&p);
    pair_open(&other);
    assert_true(ebatch_attach(p.game));
    static unsigned char buf[64] = "not batched", got[64];
    ENetBuffer b = {.data = buf, .dataLength = 12};
    EbatchStats before = ebatch_stats();
    assert_int_equal(enet_socket_send(other.game, &other.peer_addr, &b, 1), 12);
    assert_true(wait_readable(other.peer));
    assert_int_equal(recv(other.peer, got, sizeof got, 0), 12);
    assert_int_equal(
        sendto(other.peer, buf, 12, 0, (struct sockaddr *)&other.game_sin, sizeof other.game_sin),
        12);
    assert_true(wait_readable(other.game));
    ENetBuffer in = {.data = got, .dataLength = sizeof got};
    assert_int_equal(enet_socket_receive(other.game, NULL, &in, 1), 12);
    EbatchStats after = ebatch_stats();
    assert_memory_equal(&after, &before, sizeof after);

    assert_int_equal(enet_socket_send(p.game, &p.peer_addr, &b, 1), 12); /* queued */
    ebatch_detach(p.game);
    assert_true(wait_readable(p.peer));
    assert_int_equal(recv(p.peer, got, sizeof got, 0), 12);
    assert_int_equal(ebatch_stats().tx_datagrams - after.tx_datagrams, 1);
    assert_true(ebatch_attach(other.game)); /* free again */
    pair_close(&other);
    pair_close(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_receive_in_batches),
        cmocka_unit_test(test_send_queued_until_flush),
        cmocka_unit_test(test_other_sockets_are_enets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
