/* ns_udp.c — arena-netsim's game-port relay (see ns_relay.h).
 *
 * A client address gets a table entry (an upstream socket connected to the server, an NsLink
 * each way) on its first datagram; the table is bounded (--max-clients) and datagrams from
 * addresses that find it full are dropped and counted. An entry the server never answered
 * is "unproven" and forgotten after UNPROVEN_IDLE_US of silence, a proven one after --idle:
 * a flood from many source ports holds the table for seconds, never a legitimate player's
 * entry. Reads are budgeted per wake-up so neither side starves the other. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ns_relay.h"

enum {
    RECV_BUF = 65536,  /* any UDP datagram, so oversize ones are counted, not cut */
    READ_BUDGET = 256, /* datagrams per socket per wake-up */
    /* An unanswered client's silence before it is forgotten: longer than the gaps between
     * ENet's CONNECT retries (0.5, 1, 2, 4 s). At 2 s a client whose first CONNECTs were lost
     * on the netcode profile got a new upstream port mid-handshake, and the server's WELCOME
     * went to the old one (a soak bot never joined). */
    UNPROVEN_IDLE_US = 5000000,
    SOCKET_BUFFER = 1 << 20, /* bytes asked of the kernel per socket, each way */
};

struct NsClient {
    bool used, proven;
    struct sockaddr_in addr;
    int fd;
    int poll_i;
    uint64_t index; /* order of arrival: seeds its links */
    uint64_t last_us;
    NsLink link[NS_DIRS];
    NsPending *slots; /* 2 * o->slots: up's, then down's */
};

int ns_poll_add(NsPoll *p, int fd, short events)
{
    if (p->n == p->cap)
        return -1;
    p->fds[p->n] = (struct pollfd){.fd = fd, .events = events, .revents = 0};
    return (int)p->n++;
}

unsigned ns_udp_poll_max(const NsOptions *o)
{
    return 1 + o->max_clients;
}

/* Each link's generator: from the seed, the client's arrival order and the direction. */
static uint64_t link_seed(uint64_t seed, uint64_t index, unsigned dir)
{
    uint64_t z = seed ^ (index * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)(dir + 1) << 56);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A non-blocking UDP socket with room for bursts (a swarm's snapshots arrive together; the
 * kernel caps the size at net.core.rmem_max). */
static int udp_socket(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int bytes = SOCKET_BUFFER;
    if (fd >= 0) {
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
        (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
    }
    return fd;
}

bool ns_udp_open(NsUdp *u, const NsOptions *o)
{
    memset(u, 0, sizeof *u);
    u->o = o;
    u->fd = -1;
    u->server.sin_family = AF_INET;
    u->server.sin_port = htons(o->to_udp_port ? o->to_udp_port : o->to_port);
    inet_pton(AF_INET, o->to_host, &u->server.sin_addr);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(o->listen_port)};
    inet_pton(AF_INET, o->listen_host, &a.sin_addr);
    u->clients = calloc(o->max_clients, sizeof *u->clients);
    u->fd = udp_socket();
    if (u->clients == NULL || u->fd < 0 || bind(u->fd, (struct sockaddr *)&a, sizeof a) != 0) {
        fprintf(stderr, "arena-netsim: cannot listen on UDP %s:%u: %s\n", o->listen_host,
                (unsigned)o->listen_port, strerror(errno));
        ns_udp_close(u);
        return false;
    }
    for (unsigned i = 0; i < o->max_clients; i++)
        u->clients[i].fd = -1;
    return true;
}

static void add_stats(NsLinkStats *to, const NsLinkStats *s)
{
    to->in += s->in;
    to->in_bytes += s->in_bytes;
    to->out += s->out;
    to->out_bytes += s->out_bytes;
    to->lost += s->lost;
    to->dropped_mtu += s->dropped_mtu;
    to->dropped_queue += s->dropped_queue;
    to->duplicated += s->duplicated;
    to->delay_us_sum += s->delay_us_sum;
    if (s->delay_us_max > to->delay_us_max)
        to->delay_us_max = s->delay_us_max;
    for (int i = 0; i < NS_DELAY_BUCKETS; i++)
        to->delay_hist[i] += s->delay_hist[i];
}

/* One release path: the counters move to the totals, the socket and the slots go. */
static void forget(NsUdp *u, NsClient *c)
{
    for (int d = 0; d < NS_DIRS; d++) {
        /* Datagrams still in flight were never delivered: count them as queue drops. */
        c->link[d].stats.dropped_queue += c->link[d].count;
        add_stats(&u->st.dir[d], &c->link[d].stats);
    }
    if (c->fd >= 0)
        close(c->fd);
    free(c->slots);
    *c = (NsClient){.fd = -1};
    u->active--;
}

void ns_udp_close(NsUdp *u)
{
    if (u->clients != NULL)
        for (unsigned i = 0; i < u->o->max_clients; i++)
            if (u->clients[i].used)
                forget(u, &u->clients[i]);
    free(u->clients);
    u->clients = NULL;
    if (u->fd >= 0)
        close(u->fd);
    u->fd = -1;
}

static NsClient *find(NsUdp *u, const struct sockaddr_in *a)
{
    for (unsigned i = 0; i < u->o->max_clients; i++) {
        NsClient *c = &u->clients[i];
        if (c->used && c->addr.sin_port == a->sin_port &&
            c->addr.sin_addr.s_addr == a->sin_addr.s_addr)
            return c;
    }
    return NULL;
}

/* A table entry for a new address, or NULL (table full, or no socket/memory: counted). */
static NsClient *admit(NsUdp *u, const struct sockaddr_in *a, uint64_t now_us)
{
    NsClient *c = NULL;
    for (unsigned i = 0; i < u->o->max_clients && c == NULL; i++)
        if (!u->clients[i].used)
            c = &u->clients[i];
    if (c == NULL)
        return NULL;
    unsigned n = u->o->slots;
    c->slots = malloc(2 * (size_t)n * sizeof *c->slots);
    c->fd = udp_socket();
    if (c->slots == NULL || c->fd < 0 ||
        connect(c->fd, (const struct sockaddr *)&u->server, sizeof u->server) != 0) {
        if (c->fd >= 0)
            close(c->fd);
        free(c->slots);
        *c = (NsClient){.fd = -1};
        return NULL;
    }
    c->index = u->next_index++;
    for (unsigned d = 0; d < NS_DIRS; d++)
        (void)ns_link_init(&c->link[d], &u->o->link[d], link_seed(u->o->seed, c->index, d),
                           c->slots + (size_t)d * n, n); /* checked at start-up */
    c->used = true;
    c->addr = *a;
    c->last_us = now_us;
    u->active++;
    u->st.clients_seen++;
    if (u->active > u->st.clients_peak)
        u->st.clients_peak = u->active;
    return c;
}

void ns_udp_poll_add(NsUdp *u, NsPoll *p)
{
    u->poll_i = ns_poll_add(p, u->fd, POLLIN);
    for (unsigned i = 0; i < u->o->max_clients; i++) {
        NsClient *c = &u->clients[i];
        c->poll_i = c->used ? ns_poll_add(p, c->fd, POLLIN) : -1;
    }
}

static void from_clients(NsUdp *u, uint64_t now_us, uint8_t *buf)
{
    for (int k = 0; k < READ_BUDGET; k++) {
        struct sockaddr_in a;
        socklen_t alen = sizeof a;
        ssize_t r = recvfrom(u->fd, buf, RECV_BUF, MSG_TRUNC, (struct sockaddr *)&a, &alen);
        if (r < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                u->st.recv_errors++;
            return;
        }
        size_t len = (size_t)r; /* MSG_TRUNC: the real length, even past the buffer */
        NsClient *c = find(u, &a);
        uint32_t mtu = u->o->link[NS_UP].mtu ? u->o->link[NS_UP].mtu : NS_SLOT_BYTES;
        if (c == NULL && (len == 0 || len > mtu)) {
            u->st.oversize_unknown++; /* no entry for what would be dropped anyway */
            continue;
        }
        if (c == NULL && (c = admit(u, &a, now_us)) == NULL) {
            u->st.clients_refused++;
            continue;
        }
        c->last_us = now_us;
        (void)ns_link_submit(&c->link[NS_UP], now_us, buf, len > RECV_BUF ? RECV_BUF : len);
    }
}

static void from_server(NsUdp *u, NsClient *c, uint64_t now_us, uint8_t *buf)
{
    for (int k = 0; k < READ_BUDGET; k++) {
        ssize_t r = recv(c->fd, buf, RECV_BUF, MSG_TRUNC);
        if (r < 0) {
            /* ECONNREFUSED: the server is not (yet) there; the client retries. */
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                u->st.recv_errors++;
            return;
        }
        c->proven = true;
        c->last_us = now_us;
        size_t len = (size_t)r > RECV_BUF ? RECV_BUF : (size_t)r;
        (void)ns_link_submit(&c->link[NS_DOWN], now_us, buf, len);
    }
}

void ns_udp_handle(NsUdp *u, const NsPoll *p, uint64_t now_us)
{
    uint8_t buf[RECV_BUF];
    if (u->poll_i >= 0 && (p->fds[u->poll_i].revents & (POLLIN | POLLERR)) != 0)
        from_clients(u, now_us, buf);
    for (unsigned i = 0; i < u->o->max_clients; i++) {
        NsClient *c = &u->clients[i];
        if (c->used && c->poll_i >= 0 && c->poll_i < (int)p->n && p->fds[c->poll_i].fd == c->fd &&
            (p->fds[c->poll_i].revents & (POLLIN | POLLERR)) != 0)
            from_server(u, c, now_us, buf);
    }
}

/* Sends c's due datagrams; returns when its next one is due. */
static uint64_t deliver(NsUdp *u, NsClient *c, uint64_t now_us)
{
    uint8_t out[NS_SLOT_BYTES];
    size_t len;
    while ((len = ns_link_pop(&c->link[NS_UP], now_us, out, sizeof out)) > 0)
        if (send(c->fd, out, len, 0) < 0)
            u->st.send_errors++;
    while ((len = ns_link_pop(&c->link[NS_DOWN], now_us, out, sizeof out)) > 0)
        if (sendto(u->fd, out, len, 0, (const struct sockaddr *)&c->addr, sizeof c->addr) < 0)
            u->st.send_errors++;
    uint64_t a = ns_link_next_due(&c->link[NS_UP]), b = ns_link_next_due(&c->link[NS_DOWN]);
    return a < b ? a : b;
}

uint64_t ns_udp_flush(NsUdp *u, uint64_t now_us)
{
    uint64_t next = UINT64_MAX;
    uint64_t idle_us = (uint64_t)(u->o->idle_s * 1e6);
    for (unsigned i = 0; i < u->o->max_clients; i++) {
        NsClient *c = &u->clients[i];
        if (!c->used)
            continue;
        uint64_t due = deliver(u, c, now_us);
        uint64_t limit = c->proven ? idle_us : UNPROVEN_IDLE_US;
        if (due == UINT64_MAX && now_us >= c->last_us + limit) {
            forget(u, c);
            u->st.clients_expired++;
            continue;
        }
        if (due == UINT64_MAX)
            due = c->last_us + limit; /* when it would be forgotten */
        if (due < next)
            next = due;
    }
    return next;
}

void ns_udp_totals(const NsUdp *u, NsUdpStats *out)
{
    *out = u->st;
    for (unsigned i = 0; i < u->o->max_clients; i++)
        if (u->clients[i].used)
            for (int d = 0; d < NS_DIRS; d++)
                add_stats(&out->dir[d], &u->clients[i].link[d].stats);
}
