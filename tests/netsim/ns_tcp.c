/* ns_tcp.c — arena-netsim's login-port relay (see ns_relay.h).
 *
 * Each accepted connection gets an upstream connection and two pipes. A pipe holds what one
 * side sent until it is due: every chunk read is delivered at its arrival + --tcp-latency,
 * no faster than --tcp-rate. Bounded: a pipe holds at most --tcp-buffer bytes in at most
 * CHUNKS chunks; when either is full it stops reading that side (the kernel's window then
 * pushes back on the sender), so no peer can make the relay hold more. A side that ends
 * (read 0) is passed on as a shutdown once what it sent has been delivered; an error on
 * either side ends both. The server-to-client pipe runs the login answer through
 * ns_login.h. The kernel retransmits: nothing is lost here. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ns_relay.h"

enum {
    CHUNKS = 64,        /* reads waiting per direction */
    READ_MAX = 16384,   /* bytes per read */
    ACCEPT_BUDGET = 16, /* connections accepted per wake-up */
    RATE_BURST_MIN = 1460,
};

typedef struct NsChunk {
    uint64_t due_us;
    size_t len;
} NsChunk;

typedef struct NsPipe {
    uint8_t *buf; /* o->tcp_buffer bytes; [start, end) waits */
    size_t start, end;
    NsChunk chunk[CHUNKS];
    unsigned head, count;
    uint64_t free_us; /* rate cap: the link is busy until then */
    bool eof;         /* the reading side ended */
    bool shut;        /* ... and that end has been passed on */
    bool blocked;     /* the last send would have blocked: wait for POLLOUT */
} NsPipe;

struct NsConn {
    bool used, connected;
    int cfd, sfd; /* the client's side, the server's side */
    int poll_c, poll_s;
    NsLoginScan scan;
    NsPipe pipe[NS_DIRS]; /* [NS_UP] reads cfd, writes sfd; [NS_DOWN] the other way */
};

unsigned ns_tcp_poll_max(const NsOptions *o)
{
    return 1 + 2 * o->tcp_max;
}

static int in_fd(const NsConn *c, int d)
{
    return d == NS_UP ? c->cfd : c->sfd;
}

static int out_fd(const NsConn *c, int d)
{
    return d == NS_UP ? c->sfd : c->cfd;
}

bool ns_tcp_open(NsTcp *t, const NsOptions *o)
{
    memset(t, 0, sizeof *t);
    t->o = o;
    t->udp_port = o->listen_port;
    t->server_udp_port = o->to_udp_port ? o->to_udp_port : o->to_port;
    t->server.sin_family = AF_INET;
    t->server.sin_port = htons(o->to_port);
    inet_pton(AF_INET, o->to_host, &t->server.sin_addr);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(o->listen_port)};
    inet_pton(AF_INET, o->listen_host, &a.sin_addr);
    int one = 1;
    t->conns = calloc(o->tcp_max, sizeof *t->conns);
    t->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (t->conns == NULL || t->fd < 0 ||
        setsockopt(t->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(t->fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(t->fd, 64) != 0) {
        fprintf(stderr, "arena-netsim: cannot listen on TCP %s:%u: %s\n", o->listen_host,
                (unsigned)o->listen_port, strerror(errno));
        if (t->fd >= 0)
            close(t->fd);
        t->fd = -1;
        free(t->conns);
        t->conns = NULL;
        return false;
    }
    return true;
}

/* One release path for a connection: both sockets, both buffers. */
static void conn_end(NsTcp *t, NsConn *c)
{
    if (c->cfd >= 0)
        close(c->cfd);
    if (c->sfd >= 0)
        close(c->sfd);
    for (int d = 0; d < NS_DIRS; d++)
        free(c->pipe[d].buf);
    memset(c, 0, sizeof *c);
    t->active--;
}

void ns_tcp_close(NsTcp *t)
{
    if (t->conns != NULL)
        for (unsigned i = 0; i < t->o->tcp_max; i++)
            if (t->conns[i].used)
                conn_end(t, &t->conns[i]);
    free(t->conns);
    t->conns = NULL;
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
}

/* A new client connection: an upstream connection started, or refused (counted). */
static void conn_start(NsTcp *t, int cfd)
{
    NsConn *c = NULL;
    for (unsigned i = 0; i < t->o->tcp_max && c == NULL; i++)
        if (!t->conns[i].used)
            c = &t->conns[i];
    if (c == NULL) {
        t->st.refused++;
        close(cfd);
        return;
    }
    memset(c, 0, sizeof *c);
    c->cfd = cfd;
    c->sfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    c->pipe[NS_UP].buf = malloc(t->o->tcp_buffer);
    c->pipe[NS_DOWN].buf = malloc(t->o->tcp_buffer);
    c->used = true;
    t->active++;
    if (c->sfd < 0 || c->pipe[NS_UP].buf == NULL || c->pipe[NS_DOWN].buf == NULL ||
        (connect(c->sfd, (const struct sockaddr *)&t->server, sizeof t->server) != 0 &&
         errno != EINPROGRESS)) {
        t->st.upstream_failed++;
        conn_end(t, c);
        return;
    }
    ns_login_init(&c->scan, t->udp_port);
    t->st.connections++;
}

static size_t pipe_free(const NsTcp *t, const NsPipe *p)
{
    return t->o->tcp_buffer - (p->end - p->start);
}

/* Room to read into: a chunk entry and, while the login answer is being scanned, room for
 * the longest line it may hold back and grow. */
static size_t read_room(const NsTcp *t, const NsConn *c, int d)
{
    const NsPipe *p = &c->pipe[d];
    if (p->eof || p->count == CHUNKS)
        return 0;
    size_t room = pipe_free(t, p);
    size_t reserve = d == NS_DOWN && !c->scan.done ? NS_LOGIN_LINE_MAX + NS_LOGIN_GROWTH : 0;
    room = room > reserve ? room - reserve : 0;
    return room > READ_MAX ? READ_MAX : room;
}

static short events_for(const NsTcp *t, const NsConn *c, int fd)
{
    if (fd == c->sfd && !c->connected)
        return POLLOUT;
    int d_in = fd == c->cfd ? NS_UP : NS_DOWN; /* the pipe fd feeds */
    short ev = read_room(t, c, d_in) > 0 ? POLLIN : 0;
    if (c->pipe[1 - d_in].blocked)
        ev |= POLLOUT;
    return ev;
}

void ns_tcp_poll_add(NsTcp *t, NsPoll *p)
{
    t->poll_i = ns_poll_add(p, t->fd, POLLIN);
    for (unsigned i = 0; i < t->o->tcp_max; i++) {
        NsConn *c = &t->conns[i];
        c->poll_c = c->poll_s = -1;
        if (!c->used)
            continue;
        /* Only sockets we wait on: a hung-up socket with no events would wake us at once. */
        short ec = events_for(t, c, c->cfd), es = events_for(t, c, c->sfd);
        if (ec != 0)
            c->poll_c = ns_poll_add(p, c->cfd, ec);
        if (es != 0)
            c->poll_s = ns_poll_add(p, c->sfd, es);
    }
}

static void note_login(NsTcp *t, NsConn *c, unsigned before)
{
    if (c->scan.rewritten == before)
        return;
    t->st.login_rewrites++;
    if (c->scan.found != t->server_udp_port) {
        t->st.port_mismatch++;
        if (!t->warned_port)
            fprintf(stderr,
                    "arena-netsim: the server's game port is %u but UDP is relayed to %u: "
                    "restart with --to-udp %u\n",
                    (unsigned)c->scan.found, (unsigned)t->server_udp_port, (unsigned)c->scan.found);
        t->warned_port = true;
    }
}

/* Reads once from the side feeding pipe d. False: the connection is over (error). */
static bool pipe_read(NsTcp *t, NsConn *c, int d, uint64_t now_us)
{
    size_t room = read_room(t, c, d);
    if (room == 0)
        return true;
    NsPipe *p = &c->pipe[d];
    uint8_t tmp[READ_MAX];
    ssize_t r = recv(in_fd(c, d), tmp, room, 0);
    if (r < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    if (r == 0) {
        p->eof = true;
        return true;
    }
    if (p->start > 0 && t->o->tcp_buffer - p->end < room + NS_LOGIN_LINE_MAX + NS_LOGIN_GROWTH) {
        memmove(p->buf, p->buf + p->start, p->end - p->start);
        p->end -= p->start;
        p->start = 0;
    }
    size_t w;
    if (d == NS_DOWN && !c->scan.done) {
        unsigned before = c->scan.rewritten;
        w = ns_login_feed(&c->scan, tmp, (size_t)r, p->buf + p->end, t->o->tcp_buffer - p->end);
        note_login(t, c, before);
    } else {
        memcpy(p->buf + p->end, tmp, (size_t)r);
        w = (size_t)r;
    }
    p->end += w;
    t->st.bytes[d] += (uint64_t)r;
    if (w > 0) {
        p->chunk[(p->head + p->count) % CHUNKS] = (NsChunk){now_us + t->o->tcp_latency_us, w};
        p->count++;
    }
    return true;
}

static void accept_some(NsTcp *t)
{
    for (int k = 0; k < ACCEPT_BUDGET; k++) {
        int fd = accept4(t->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                t->st.errors++;
            return;
        }
        conn_start(t, fd);
    }
}

static bool revents(const NsPoll *p, int i, int fd, short mask)
{
    return i >= 0 && i < (int)p->n && p->fds[i].fd == fd && (p->fds[i].revents & mask) != 0;
}

/* False: the connection is over (an error on either side, or the upstream connect failed;
 * each counted once). */
static bool conn_handle(NsTcp *t, NsConn *c, const NsPoll *p, uint64_t now_us)
{
    short any = POLLIN | POLLOUT | POLLERR | POLLHUP;
    if (!c->connected && revents(p, c->poll_s, c->sfd, any)) {
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(c->sfd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
            t->st.upstream_failed++;
            return false;
        }
        c->connected = true;
    } else if (revents(p, c->poll_s, c->sfd, any)) {
        c->pipe[NS_UP].blocked = false;
        if (!pipe_read(t, c, NS_DOWN, now_us)) {
            t->st.errors++;
            return false;
        }
    }
    if (revents(p, c->poll_c, c->cfd, any)) {
        c->pipe[NS_DOWN].blocked = false;
        if (!pipe_read(t, c, NS_UP, now_us)) {
            t->st.errors++;
            return false;
        }
    }
    return true;
}

void ns_tcp_handle(NsTcp *t, const NsPoll *p, uint64_t now_us)
{
    if (revents(p, t->poll_i, t->fd, POLLIN))
        accept_some(t);
    for (unsigned i = 0; i < t->o->tcp_max; i++) {
        NsConn *c = &t->conns[i];
        if (c->used && (c->poll_c >= 0 || c->poll_s >= 0) && !conn_handle(t, c, p, now_us))
            conn_end(t, c);
    }
}

/* Sends what pipe d has due. False: the connection is over (error). *next: when it is due
 * to run again (left alone if not before). */
static bool pipe_write(NsTcp *t, NsConn *c, int d, uint64_t now_us, uint64_t *next)
{
    NsPipe *p = &c->pipe[d];
    uint32_t rate = t->o->tcp_rate_bytes_per_s;
    while (p->count > 0 && !p->blocked && (d == NS_DOWN || c->connected)) {
        uint64_t due = p->chunk[p->head].due_us;
        if (rate > 0 && p->free_us > due)
            due = p->free_us;
        if (due > now_us) {
            *next = due < *next ? due : *next;
            return true;
        }
        size_t n = 0;
        for (unsigned k = 0; k < p->count && p->chunk[(p->head + k) % CHUNKS].due_us <= now_us; k++)
            n += p->chunk[(p->head + k) % CHUNKS].len;
        size_t burst = rate / 100 > RATE_BURST_MIN ? rate / 100 : RATE_BURST_MIN;
        if (rate > 0 && n > burst)
            n = burst;
        ssize_t w = send(out_fd(c, d), p->buf + p->start, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                return false;
            p->blocked = errno != EINTR;
            continue;
        }
        p->start += (size_t)w;
        if (p->start == p->end)
            p->start = p->end = 0;
        for (size_t left = (size_t)w; left > 0;) {
            NsChunk *ch = &p->chunk[p->head];
            size_t take = left < ch->len ? left : ch->len;
            ch->len -= take;
            left -= take;
            if (ch->len == 0) {
                p->head = (p->head + 1) % CHUNKS;
                p->count--;
            }
        }
        if (rate > 0)
            p->free_us = (p->free_us > now_us ? p->free_us : now_us) +
                         ((uint64_t)w * 1000000u + rate - 1) / rate;
    }
    if (p->eof && p->count == 0 && !p->shut && (d == NS_DOWN || c->connected)) {
        shutdown(out_fd(c, d), SHUT_WR); /* the half-close, passed on */
        p->shut = true;
    }
    return true;
}

uint64_t ns_tcp_flush(NsTcp *t, uint64_t now_us)
{
    uint64_t next = UINT64_MAX;
    for (unsigned i = 0; i < t->o->tcp_max; i++) {
        NsConn *c = &t->conns[i];
        if (!c->used)
            continue;
        bool ok =
            pipe_write(t, c, NS_UP, now_us, &next) && pipe_write(t, c, NS_DOWN, now_us, &next);
        if (!ok)
            t->st.errors++;
        if (!ok || (c->pipe[NS_UP].shut && c->pipe[NS_DOWN].shut))
            conn_end(t, c);
    }
    return next;
}
