/* tcp.c — the TCP connections of the login port: accept, limits, fair reading, output, close.
 *
 * Owns every TCP connection's life. A connection is refused at accept, with the reason in
 * words, if its address is banned or already holds its share (ip_max_conns, ip_max_prelogin);
 * when the table is full the oldest connection that has not logged in makes room. Reading is
 * fair: one connection gets at most one recv of SRV_TCP_CHUNK bytes and TCP_LINES_PER_WAKE
 * lines per wake-up, and at most tcp_read_rate bytes per second (over it, it is not read until
 * its budget refills, so the kernel's flow control slows the sender, not the server). A peer
 * that shuts down its side gets every answer to what it sent, then the close. Output is queued
 * in a bounded buffer, is always valid UTF-8 text, and a reader too slow for it is dropped; an
 * answer goes at once, lines to everyone wait up to TCP_COALESCE_MS for more (one send per
 * connection per while, not per line).
 * What lines mean is lobby.c's, a player's end session.c's: both are reached only through
 * s->tcp_handler, so this file calls nothing above it. Never blocks. */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server.h"

enum {
    CLOSE_GRACE_MS = 2000,   /* a closing connection gets this long to drain its output */
    ACCEPT_PER_CALL = 64,    /* connections accepted per wake-up */
    TCP_LINES_PER_WAKE = 16, /* lines handled per connection per wake-up */
    RESUME_BYTES = 512,      /* a throttled connection is read again once it may send this */
    TCP_OUT_FIRST = 4096,    /* output buffer of a new connection; grows to tcp_outbuf_bytes */
    /* Lines to everyone (chat, notices) wait up to this long for more before they are sent:
     * at 1000 sessions a chat line written out at once was 1000 send()s, 2.9 ms of CPU. */
    TCP_COALESCE_MS = 50,
};

bool tcp_open(Server *s)
{
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(s->cfg.login_port);
    if (inet_pton(AF_INET, s->cfg.bind, &sa.sin_addr) != 1) {
        log_info(s->log, "tcp", "bind address '%s' is not an IPv4 address", s->cfg.bind);
        return false;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        log_info(s->log, "tcp", "socket: %s", strerror(errno));
        return false;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 128) != 0) {
        log_info(s->log, "tcp", "cannot listen on %s:%u: %s", s->cfg.bind, s->cfg.login_port,
                 strerror(errno));
        close(fd);
        return false;
    }
    s->tcp_fd = fd;
    return true;
}

/* ---- output ---------------------------------------------------------------------------- */

/* Everything we send is built from validated text; a line that is not is a bug, not an
 * attack: refused and logged. */
static bool sendable(const Server *s, const char *text, size_t n)
{
    if (line_text_valid((const uint8_t *)text, n))
        return true;
    log_info(s->log, "tcp", "refused to send a line that is not valid text");
    return false;
}

/* Appends a sendable line to ci's output; it goes out at once (answer) or within
 * TCP_COALESCE_MS (a line to everyone). */
static void queue_line(Server *s, int ci, const char *text, size_t n, bool answer)
{
    SrvConn *c = &s->conns[ci];
    if (!c->used || c->out == NULL)
        return;
    if (answer)
        c->flush_at_ms = 0;
    else if (c->out_len == 0)
        c->flush_at_ms = s->now_ms + TCP_COALESCE_MS;
    size_t need = c->out_len + n + 1;
    if (need > s->cfg.tcp_outbuf_bytes) {
        /* A reader this slow would make us buffer without bound: drop it. */
        s->stats.tcp_slow_dropped++;
        c->out_len = 0;
        tcp_kill(s, ci, "slow reader");
        return;
    }
    if (need > c->out_cap) {
        /* Grown on demand, at most to tcp_outbuf_bytes: the first TCP_OUT_FIRST bytes hold
         * what a reader keeping up ever has queued (HIT lines queued during a tick never grow
         * it unless the reader has fallen that far behind). */
        size_t cap = c->out_cap * 2 > need ? c->out_cap * 2 : need;
        if (cap > s->cfg.tcp_outbuf_bytes)
            cap = s->cfg.tcp_outbuf_bytes;
        char *grown = realloc(c->out, cap);
        if (grown == NULL) {
            tcp_kill(s, ci, "out of memory");
            return;
        }
        c->out = grown;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, text, n);
    c->out[c->out_len + n] = '\n';
    c->out_len += n + 1;
}

/* Formats into buf; a line cut by the buffer ends on a whole UTF-8 character. */
static size_t vformat(char *buf, size_t cap, const char *fmt, va_list ap)
{
    int n = vsnprintf(buf, cap, fmt, ap);
    if (n < 0)
        return 0;
    size_t len = (size_t)n < cap ? (size_t)n : cap - 1;
    len = line_utf8_boundary((const uint8_t *)buf, len);
    buf[len] = '\0';
    return len;
}

void tcp_send(Server *s, int ci, const char *fmt, ...)
{
    char buf[SRV_OUT_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    size_t n = vformat(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (sendable(s, buf, n))
        queue_line(s, ci, buf, n, true);
}

void tcp_broadcast(Server *s, int except, const char *fmt, ...)
{
    char buf[SRV_OUT_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    size_t n = vformat(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (!sendable(s, buf, n))
        return;
    for (unsigned i = 0; i < s->cfg.tcp_max_conns; i++)
        if (s->conns[i].used && !s->conns[i].closing && s->conns[i].player >= 0 && (int)i != except)
            queue_line(s, (int)i, buf, n, false);
}

static void conn_flush(Server *s, int ci)
{
    SrvConn *c = &s->conns[ci];
    while (c->out_len > 0) {
        ssize_t w = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            if (errno == EINTR)
                continue;
            c->out_len = 0;
            tcp_kill(s, ci, "write error");
            return;
        }
        memmove(c->out, c->out + w, c->out_len - (size_t)w);
        c->out_len -= (size_t)w;
    }
}

/* ---- connection lifetime --------------------------------------------------------------- */

static void conn_free(Server *s, int ci)
{
    SrvConn *c = &s->conns[ci];
    if (!c->used)
        return;
    ev_drop(&s->ev, &c->ev);
    close(c->fd);
    free(c->out);
    if (c->player >= 0)
        s->players[c->player].conn = -1; /* shutdown: the player is released after this */
    memset(c, 0, sizeof *c);
    c->fd = -1;
    c->player = -1;
}

void tcp_end(Server *s, int ci, const char *leave_reason, ProtoDisconnect disc)
{
    SrvConn *c = &s->conns[ci];
    if (!c->used || c->closing)
        return;
    c->closing = true;
    c->opened_ms = s->now_ms; /* start of the close grace period */
    if (c->player >= 0)
        s->tcp_handler.ended(s, (unsigned)c->player, leave_reason, disc); /* -> tcp_detach */
}

void tcp_kill(Server *s, int ci, const char *why)
{
    SrvConn *c = &s->conns[ci];
    drop_note(&s->stats.drops, s->log, DROP_TCP_KILLED, s->now_ms, "%s: dropped (%s)", c->addr,
              why);
    tcp_end(s, ci, "disconnected", PROTO_DISCONNECT_LOGOUT);
    conn_free(s, ci);
}

void tcp_detach(Server *s, int ci, const char *bye)
{
    SrvConn *c = &s->conns[ci];
    if (!c->used)
        return;
    /* Unlinked from its player first: a BYE that does not fit kills the connection, and a
     * killed connection reports its player's end, which must not start a second release. */
    c->player = -1;
    if (bye != NULL)
        tcp_send(s, ci, "BYE %s", bye);
    if (!c->used)
        return; /* killed by the BYE: nothing left to close */
    if (!c->closing) {
        c->closing = true;
        c->opened_ms = s->now_ms;
    }
}

void tcp_note_stall(Server *s, uint64_t stall_ms, uint64_t now_ms)
{
    for (unsigned i = 0; i < s->cfg.tcp_max_conns; i++) {
        SrvConn *c = &s->conns[i];
        if (!c->used)
            continue;
        c->stall_credit = stall_ms > UINT32_MAX ? UINT32_MAX : (uint32_t)stall_ms;
        c->stall_credit_until_ms = now_ms + 1000; /* the backlog is read within a second */
    }
}

void tcp_close_all(Server *s, const char *reason)
{
    for (unsigned i = 0; i < s->cfg.tcp_max_conns; i++) {
        if (!s->conns[i].used)
            continue;
        tcp_send(s, (int)i, "NOTICE %s", reason);
        tcp_send(s, (int)i, "BYE shutdown");
        conn_flush(s, (int)i);
        conn_free(s, (int)i);
    }
    ev_drop(&s->ev, &s->ev_tcp);
    if (s->tcp_fd >= 0)
        close(s->tcp_fd);
    s->tcp_fd = -1;
}

/* ---- per-address limits ---------------------------------------------------------------- */

unsigned tcp_count_addr(const Server *s, uint32_t ip, bool not_logged_in)
{
    unsigned n = 0;
    for (unsigned i = 0; i < s->cfg.tcp_max_conns; i++) {
        const SrvConn *c = &s->conns[i];
        /* A closing connection still holds its slot: it counts against its address. */
        if (c->used && c->ip == ip && (!not_logged_in || (c->player < 0 && !c->closing)))
            n++;
    }
    return n;
}

/* One line and the close, for a connection we will not keep. */
static void refuse(Server *s, int fd, SrvDrop kind, const char *addr, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void refuse(Server *s, int fd, SrvDrop kind, const char *addr, const char *fmt, ...)
{
    char line[SRV_OUT_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    size_t n = vformat(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    line[n++] = '\n';
    (void)send(fd, line, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    close(fd);
    line[n - 1] = '\0';
    drop_note(&s->stats.drops, s->log, kind, s->now_ms, "%s: %s", addr, line);
}

/* A free slot; or a closing connection's, cut short; or the oldest connection that has not
 * logged in, closed to make room. */
static int free_slot(Server *s)
{
    int oldest = -1, closing = -1;
    for (unsigned i = 0; i < s->cfg.tcp_max_conns; i++) {
        const SrvConn *c = &s->conns[i];
        if (!c->used)
            return (int)i;
        if (c->closing && closing < 0)
            closing = (int)i;
        if (c->player < 0 && !c->closing &&
            (oldest < 0 || c->opened_ms < s->conns[oldest].opened_ms))
            oldest = (int)i;
    }
    if (closing >= 0) {
        conn_free(s, closing); /* it has had its say; the table is needed */
        return closing;
    }
    if (oldest < 0)
        return -1;
    SrvConn *c = &s->conns[oldest];
    static const char busy[] = "ERR full server busy: connections that do not log in are closed "
                               "to make room\n";
    (void)send(c->fd, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    drop_note(&s->stats.drops, s->log, DROP_TCP_EVICTED, s->now_ms,
              "%s: closed to make room (not logged in after %llu ms)", c->addr,
              (unsigned long long)(s->now_ms - c->opened_ms));
    conn_free(s, oldest);
    return oldest;
}

static void open_conn(Server *s, int ci, int fd, const struct sockaddr_in *sa, char *out)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    /* Bound the kernel's share of unread output too, so tcp_outbuf_bytes means something. */
    int sndbuf = (int)s->cfg.tcp_outbuf_bytes;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    SrvConn *c = &s->conns[ci];
    memset(c, 0, sizeof *c);
    c->used = true;
    c->fd = fd;
    c->ip = sa->sin_addr.s_addr;
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &sa->sin_addr, ip, sizeof ip);
    snprintf(c->addr, sizeof c->addr, "%s:%u", ip, ntohs(sa->sin_port));
    line_reader_init(&c->reader);
    c->out = out;
    c->out_cap = TCP_OUT_FIRST;
    c->opened_ms = s->now_ms;
    c->last_rx_ms = s->now_ms;
    c->penalty_ms = s->now_ms;
    c->player = -1;
    s->stats.tcp_accepted++;
    tcp_send(s, ci, "HELLO %d %s", PROTO_VERSION, s->cfg.name);
}

static void accept_new(Server *s)
{
    for (int k = 0; k < ACCEPT_PER_CALL; k++) {
        struct sockaddr_in sa;
        socklen_t sl = sizeof sa;
        int fd = accept4(s->tcp_fd, (struct sockaddr *)&sa, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return; /* EAGAIN or a transient error: poll again */
        char addr[48], ip[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof ip);
        snprintf(addr, sizeof addr, "%s:%u", ip, ntohs(sa.sin_port));
        uint32_t host = sa.sin_addr.s_addr;
        char why[BANS_REASON_MAX + 64];
        if (bans_ip_banned(s->bans, host, (int64_t)time(NULL), why, sizeof why)) {
            refuse(s, fd, DROP_TCP_BANNED, addr, "ERR banned %s", why);
            continue;
        }
        if (tcp_count_addr(s, host, false) >= s->cfg.ip_max_conns) {
            refuse(s, fd, DROP_TCP_ADDR_LIMIT, addr,
                   "ERR full too many connections from your address (per-address limit %u)",
                   s->cfg.ip_max_conns);
            continue;
        }
        if (tcp_count_addr(s, host, true) >= s->cfg.ip_max_prelogin) {
            refuse(s, fd, DROP_TCP_PRELOGIN_LIMIT, addr,
                   "ERR full too many connections from your address that have not logged in "
                   "(per-address limit %u)",
                   s->cfg.ip_max_prelogin);
            continue;
        }
        int ci = free_slot(s);
        char *out = ci >= 0 ? malloc(TCP_OUT_FIRST) : NULL;
        if (out == NULL) {
            static const char full[] = "ERR full too many connections\n";
            (void)send(fd, full, sizeof full - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            close(fd);
            s->stats.tcp_rejected++;
            continue;
        }
        open_conn(s, ci, fd, &sa, out);
    }
}

/* ---- input ----------------------------------------------------------------------------- */

/* Frames and handles buffered bytes, at most TCP_LINES_PER_WAKE lines. */
static void conn_lines(Server *s, int ci, uint64_t now_ms)
{
    unsigned lines = 0;
    for (;;) {
        SrvConn *c = &s->conns[ci];
        if (!c->used || c->closing || c->in_off == c->in_len || lines == TCP_LINES_PER_WAKE)
            return;
        size_t used = 0;
        LineStatus st =
            line_reader_feed(&c->reader, c->in + c->in_off, c->in_len - c->in_off, &used);
        c->in_off += used;
        if (st == LINE_READY) {
            lines++;
            s->tcp_handler.line(s, ci, c->reader.line, now_ms);
        } else if (st != LINE_NEED_MORE) {
            lines++;
            s->tcp_handler.bad_line(s, ci, st, now_ms);
        }
    }
}

static void conn_read(Server *s, int ci, uint64_t now_ms)
{
    SrvConn *c = &s->conns[ci];
    if (c->closing || c->eof || c->in_off < c->in_len)
        return;
    uint32_t allowed = rl_available(&c->rx, now_ms, s->cfg.tcp_read_rate, 2 * s->cfg.tcp_read_rate);
    if (allowed == 0) {
        c->stalled = true;
        drop_note(&s->stats.drops, s->log, DROP_TCP_THROTTLED, now_ms,
                  "%s: sends faster than %u bytes/s, reading paused", c->addr,
                  s->cfg.tcp_read_rate);
        return;
    }
    size_t want = allowed < sizeof c->in ? allowed : sizeof c->in;
    ssize_t r = recv(c->fd, c->in, want, 0);
    if (r < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            tcp_end(s, ci, "disconnected", PROTO_DISCONNECT_LOGOUT);
            conn_free(s, ci);
        }
        return;
    }
    if (r == 0) {
        c->eof = true; /* answer what is buffered first (conn_lines), then close */
        return;
    }
    (void)rl_take_n(&c->rx, now_ms, s->cfg.tcp_read_rate, 2 * s->cfg.tcp_read_rate, (uint32_t)r);
    c->in_off = 0;
    c->in_len = (size_t)r;
    c->last_rx_ms = now_ms;
}

/* After its input: a connection whose peer closed its side, with everything answered, ends. */
static void conn_after_input(Server *s, int ci)
{
    SrvConn *c = &s->conns[ci];
    if (c->used && !c->closing && c->eof && c->in_off == c->in_len)
        tcp_end(s, ci, "disconnected", PROTO_DISCONNECT_LOGOUT);
}

bool tcp_pending_input(const Server *s)
{
    for (unsigned i = 0; i < s->cfg.tcp_max_conns; i++) {
        const SrvConn *c = &s->conns[i];
        if (c->used && !c->closing && c->in_off < c->in_len)
            return true;
    }
    return false;
}

void tcp_watch(Server *s)
{
    if (s->tcp_fd >= 0 &&
        !ev_want(&s->ev, &s->ev_tcp, s->tcp_fd, EPOLLIN, ev_tag(EV_TCP, 0, s->tcp_fd)))
        log_info(s->log, "tcp", "cannot watch the listener: %s", strerror(errno));
    for (unsigned i = 0; i < s->cfg.tcp_max_conns; i++) {
        SrvConn *c = &s->conns[i];
        if (!c->used)
            continue;
        /* Not read: closing (except to see the peer's close), throttled, at EOF, or with
         * bytes of its own still waiting. */
        bool want_in = !c->stalled && !c->eof && c->in_off == c->in_len;
        uint32_t ev = want_in ? EPOLLIN : 0;
        if (c->out_len > 0 && s->now_ms >= c->flush_at_ms)
            ev |= EPOLLOUT; /* not while lines wait to be coalesced: it is writable at once */
        /* Never serviced if not watched: gone at once (the kernel is out of memory or of
         * epoll watches, fs.epoll.max_user_watches), counted as a killed connection. */
        if (!ev_want(&s->ev, &c->ev, c->fd, ev, ev_tag(EV_TCP, 1 + i, c->fd)))
            tcp_kill(s, (int)i, strerror(errno));
    }
}

void tcp_service(Server *s, const struct pollfd *fds, unsigned n, const int *conn_of,
                 uint64_t now_ms)
{
    for (unsigned i = 0; i < n; i++) {
        if (fds[i].revents == 0)
            continue;
        if (conn_of[i] < 0) {
            accept_new(s);
            continue;
        }
        int ci = conn_of[i];
        SrvConn *c = &s->conns[ci];
        if (!c->used || c->fd != fds[i].fd || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        if (c->closing) {
            /* Lingering close: read and discard until the peer closes too. */
            uint8_t sink[512];
            ssize_t r = recv(c->fd, sink, sizeof sink, 0);
            if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
                conn_free(s, ci);
            continue;
        }
        conn_read(s, ci, now_ms);
    }
    /* Then lines, every connection's share: what was just read and what an earlier wake-up
     * left over when that connection's line budget ran out. */
    for (unsigned ci = 0; ci < s->cfg.tcp_max_conns; ci++) {
        SrvConn *c = &s->conns[ci];
        if (!c->used || c->closing || (c->in_off == c->in_len && !c->eof))
            continue;
        conn_lines(s, (int)ci, now_ms);
        if (c->used)
            conn_after_input(s, (int)ci);
    }
}

/* Bytes sent on fd that the peer has not acknowledged yet (-1 if unknown). */
static int unacked_bytes(int fd)
{
    int n = 0;
    return ioctl(fd, SIOCOUTQ, &n) == 0 ? n : -1;
}

void tcp_housekeeping(Server *s, uint64_t now_ms)
{
    for (unsigned i = 0; i < s->cfg.tcp_max_conns; i++) {
        SrvConn *c = &s->conns[i];
        if (!c->used)
            continue;
        if (!c->closing && c->player < 0 && now_ms - c->opened_ms > s->cfg.login_timeout_ms) {
            tcp_send(s, (int)i, "ERR timeout no LOGIN within %u s", s->cfg.login_timeout_ms / 1000);
            tcp_end(s, (int)i, "timeout", PROTO_DISCONNECT_LOGOUT);
        } else if (!c->closing && !c->eof && now_ms - c->last_rx_ms > s->cfg.idle_timeout_ms) {
            tcp_send(s, (int)i, "BYE idle");
            tcp_end(s, (int)i, "timeout", PROTO_DISCONNECT_LOGOUT);
        }
        if (!c->used)
            continue;
        if (c->stalled && rl_available(&c->rx, now_ms, s->cfg.tcp_read_rate,
                                       2 * s->cfg.tcp_read_rate) >= RESUME_BYTES)
            c->stalled = false;
        if (c->closing || now_ms >= c->flush_at_ms)
            conn_flush(s, (int)i);
        if (!c->used || !c->closing)
            continue;
        if (now_ms - c->opened_ms > CLOSE_GRACE_MS || (c->out_len == 0 && c->eof) ||
            (c->fin_sent && unacked_bytes(c->fd) == 0)) {
            /* Gone, or out of time, or everything we sent has been acknowledged (a reset can
             * no longer lose it): free the slot. */
            conn_free(s, (int)i);
        } else if (c->out_len == 0 && !c->fin_sent) {
            /* Everything said: send our FIN, keep reading until the peer's (lingering close:
             * closing with unread input would reset the connection and lose our last lines). */
            shutdown(c->fd, SHUT_WR);
            c->fin_sent = true;
        }
    }
}
