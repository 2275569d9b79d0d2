/* ctl.c — see ctl.h. The commands' syntax is ctl_cmd.c's; this file runs them. */
#define _GNU_SOURCE /* SO_PEERCRED, struct ucred, accept4 */
#include "ctl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl_cmd.h"
#include "server.h"

enum {
    CTL_OUT_BYTES = 64 * 1024, /* answer bytes queued per connection */
    CTL_LINES_PER_WAKE = 8,
    CTL_IDLE_MS = 60000,
    CTL_BANS_SHOWN = 256,
};

typedef struct CtlConn {
    int fd; /* -1 = free */
    EvReg ev;
    LineReader reader;
    char out[CTL_OUT_BYTES];
    size_t out_len;
    bool closing;
    uint64_t last_ms;
} CtlConn;

struct Ctl {
    Server *s;
    int fd;
    EvReg ev;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    CtlConn conns[CTL_MAX_CONNS];
};

/* ---- opening ---------------------------------------------------------------------------- */

static bool socket_path(const Server *s, char *out, size_t cap, char *err, size_t errlen)
{
    const char *name = s->cfg.ctl_socket;
    int n = name[0] == '/' ? snprintf(out, cap, "%s", name)
                           : snprintf(out, cap, "%s/%s", s->cfg.data_dir, name);
    if (n < 0 || (size_t)n >= cap) {
        snprintf(err, errlen,
                 "control socket path too long for a Unix socket (at most %zu bytes): %s/%s; "
                 "set ctl_socket to a shorter absolute path, or to off",
                 cap - 1, s->cfg.data_dir, name);
        return false;
    }
    return true;
}

/* A socket file left by a server that died is removed; a live one means another server. */
static bool clear_stale(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return true;
    if (!S_ISSOCK(st.st_mode)) {
        snprintf(err, errlen, "%s exists and is not a socket", path);
        return false;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    bool live = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    if (fd >= 0)
        close(fd);
    if (live) {
        snprintf(err, errlen, "another arena-server is running with this data directory (%s)",
                 path);
        return false;
    }
    unlink(path);
    return true;
}

Ctl *ctl_open(Server *s, char *err, size_t errlen)
{
    Ctl *c = calloc(1, sizeof *c);
    if (c == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->s = s;
    c->fd = -1;
    for (unsigned i = 0; i < CTL_MAX_CONNS; i++)
        c->conns[i].fd = -1;
    if (strcmp(s->cfg.ctl_socket, "off") == 0)
        return c;
    if (!socket_path(s, c->path, sizeof c->path, err, errlen) ||
        !clear_stale(c->path, err, errlen)) {
        free(c);
        return NULL;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", c->path);
    mode_t old = umask(0177); /* the socket is born 0600: no window where others may connect */
    bool ok = fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
              chmod(c->path, 0600) == 0 && listen(fd, CTL_MAX_CONNS) == 0;
    umask(old);
    if (!ok) {
        snprintf(err, errlen, "cannot listen on %s: %s", c->path, strerror(errno));
        if (fd >= 0)
            close(fd);
        free(c);
        return NULL;
    }
    c->fd = fd;
    log_info(s->log, "ctl", "operator control on %s (arena-ctl)", c->path);
    return c;
}

void ctl_close(Ctl *c)
{
    if (c == NULL)
        return;
    for (unsigned i = 0; i < CTL_MAX_CONNS; i++)
        if (c->conns[i].fd >= 0)
            close(c->conns[i].fd);
    if (c->fd >= 0) {
        close(c->fd);
        unlink(c->path);
    }
    free(c);
}

/* ---- answers ---------------------------------------------------------------------------- */

static void out(CtlConn *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void out(CtlConn *k, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof line - 1 ? (size_t)n : sizeof line - 2;
    len = line_utf8_boundary((const uint8_t *)line, len);
    line[len++] = '\n';
    if (k->out_len + len > sizeof k->out) {
        k->closing = true; /* the client does not read its answers: give up on it */
        return;
    }
    memcpy(k->out + k->out_len, line, len);
    k->out_len += len;
}

static int find_player(Server *s, const char *name)
{
    char key[NAME_KEY_MAX + 1], alt[NAME_KEY_MAX + 1];
    if (!names_keys(s->names, name, key, alt, sizeof key))
        return -1;
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        const SrvPlayer *p = &s->players[i];
        if (p->state != SP_FREE && name_keys_match(p->key, p->alt, key, alt))
            return (int)i;
    }
    return -1;
}

static void ip_text(uint32_t ip, char out_[INET_ADDRSTRLEN])
{
    struct in_addr a = {.s_addr = ip};
    inet_ntop(AF_INET, &a, out_, INET_ADDRSTRLEN);
}

static void run_who(Server *s, CtlConn *k)
{
    unsigned n = 0;
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        const SrvPlayer *p = &s->players[i];
        if (p->state == SP_FREE)
            continue;
        char ip[INET_ADDRSTRLEN], ping[16] = "-";
        ip_text(p->ip, ip);
        if (p->state == SP_BOUND && p->peer != NULL)
            snprintf(ping, sizeof ping, "%u", (unsigned)p->peer->roundTripTime);
        out(k, "PLAYER %u %s %s %s %s %u%s%s", i, p->name, ip,
            p->state == SP_BOUND ? "playing" : "chatting", ping, s->world.players[i].score,
            p->crowned ? " legend" : "", s->now_ms < p->muted_until_ms ? " muted" : "");
        n++;
    }
    out(k, "OK %u %s", n, n == 1 ? "player" : "players");
}

/* Text (valid, no controls) as the inside of a JSON string: only " and \ need a backslash. */
static void json_escape(const char *in, char *o, size_t cap)
{
    size_t n = 0;
    for (; *in && n + 2 < cap; in++) {
        if (*in == '"' || *in == '\\')
            o[n++] = '\\';
        o[n++] = *in;
    }
    o[n] = '\0';
}

static void run_status(Server *s, CtlConn *k)
{
    char stats[8192];
    if (stats_json(&s->stats, stats, sizeof stats) == 0)
        snprintf(stats, sizeof stats, "{}");
    unsigned lobby = 0;
    for (unsigned i = 0; i < s->cfg.max_players; i++)
        lobby += s->players[i].state == SP_LOBBY;
    char name[2 * PROTO_SERVER_NAME_MAX + 1], map[2 * PROTO_MAP_NAME_MAX + 1];
    json_escape(s->cfg.name, name, sizeof name);
    json_escape(s->map.name, map, sizeof map);
    char line[CTL_OUT_BYTES / 4];
    int n = snprintf(line, sizeof line,
                     "{\"server\": \"%s\", \"map\": \"%s\", \"protocol\": %d, \"players\": %u, "
                     "\"chatting\": %u, \"max_players\": %u, \"tick\": %u, \"uptime_s\": %llu, "
                     "\"stats\": %s}",
                     name, map, PROTO_VERSION, s->players_now, lobby, s->cfg.max_players,
                     s->world.tick, (unsigned long long)(s->stats.ticks / PROTO_TICK_HZ), stats);
    if (n < 0 || (size_t)n >= sizeof line) {
        out(k, "ERR status does not fit");
        return;
    }
    size_t len = (size_t)n;
    if (k->out_len + len + 1 > sizeof k->out) {
        out(k, "ERR status does not fit");
        return;
    }
    memcpy(k->out + k->out_len, line, len);
    k->out[k->out_len + len] = '\n';
    k->out_len += len + 1;
    out(k, "OK");
}

static void run_bans(Server *s, CtlConn *k)
{
    Ban list[CTL_BANS_SHOWN];
    unsigned total = bans_list(s->bans, (int64_t)time(NULL), list, CTL_BANS_SHOWN);
    unsigned shown = total < CTL_BANS_SHOWN ? total : CTL_BANS_SHOWN;
    for (unsigned i = 0; i < shown; i++) {
        char until[32] = "forever";
        if (list[i].until != 0) {
            time_t t = (time_t)list[i].until;
            struct tm tm;
            gmtime_r(&t, &tm);
            strftime(until, sizeof until, "%Y-%m-%dT%H:%M:%SZ", &tm);
        }
        out(k, "BAN %s %s %s %s", list[i].kind == BAN_IP ? "ip" : "name", list[i].label, until,
            list[i].reason);
    }
    out(k, "OK %u %s%s", total, total == 1 ? "ban" : "bans",
        total > shown ? " (the oldest shown)" : "");
}

/* Kicks every player and closes every connection from ip. */
static unsigned kick_address(Server *s, uint32_t ip, const char *reason)
{
    unsigned n = 0;
    for (unsigned i = 0; i < s->cfg.max_players; i++)
        if (s->players[i].state != SP_FREE && s->players[i].ip == ip) {
            session_kick(s, i, reason);
            n++;
        }
    for (unsigned i = 0; i < s->cfg.tcp_max_conns; i++)
        if (s->conns[i].used && !s->conns[i].closing && s->conns[i].ip == ip) {
            tcp_send(s, (int)i, "BYE banned %s", reason);
            tcp_end(s, (int)i, "kicked", PROTO_DISCONNECT_KICKED);
        }
    return n;
}

static void run_ban(Server *s, CtlConn *k, const CtlCommand *cmd)
{
    const char *reason = cmd->text[0] ? cmd->text : "banned by the operator";
    char err[256];
    int64_t now = (int64_t)time(NULL);
    if (cmd->target_is_ip) {
        if (!bans_add(s->bans, s->store, BAN_IP, cmd->ip, NULL, NULL, cmd->target, cmd->minutes,
                      reason, now, err, sizeof err)) {
            out(k, "ERR %s", err);
            return;
        }
        unsigned kicked = kick_address(s, cmd->ip, reason);
        log_info(s->log, "ctl", "operator banned %s (%s), %u players kicked", cmd->target, reason,
                 kicked);
        out(k, "OK banned %s, %u %s kicked", cmd->target, kicked,
            kicked == 1 ? "player" : "players");
        return;
    }
    NameInfo info;
    if (names_check(s->names, cmd->target, strlen(cmd->target), &info) != NAME_OK) {
        /* Not a name anyone could log in with (e.g. 300.1.2.3): surely a typo. */
        out(k, "ERR not a player name nor an IPv4 address: %s", cmd->target);
        return;
    }
    const char *key = info.key, *alt = info.alt;
    if (!bans_add(s->bans, s->store, BAN_NAME, 0, key, alt, cmd->target, cmd->minutes, reason, now,
                  err, sizeof err)) {
        out(k, "ERR %s", err);
        return;
    }
    int slot = find_player(s, cmd->target);
    if (slot < 0) {
        log_info(s->log, "ctl", "operator banned the name %s (%s)", cmd->target, reason);
        out(k, "OK banned the name %s (not online)", cmd->target);
        return;
    }
    uint32_t ip = s->players[slot].ip;
    char ipt[INET_ADDRSTRLEN];
    ip_text(ip, ipt);
    if (!bans_add(s->bans, s->store, BAN_IP, ip, NULL, NULL, ipt, cmd->minutes, reason, now, err,
                  sizeof err)) {
        out(k, "ERR %s", err);
        return;
    }
    unsigned kicked = kick_address(s, ip, reason);
    log_info(s->log, "ctl", "operator banned %s and its address %s (%s)", cmd->target, ipt, reason);
    out(k, "OK banned %s and %s, %u %s kicked", cmd->target, ipt, kicked,
        kicked == 1 ? "player" : "players");
}

static void run_unban(Server *s, CtlConn *k, const CtlCommand *cmd)
{
    int n;
    int64_t now = (int64_t)time(NULL);
    if (cmd->target_is_ip) {
        n = bans_remove(s->bans, s->store, BAN_IP, cmd->target, NULL, now);
    } else {
        char key[NAME_KEY_MAX + 1], alt[NAME_KEY_MAX + 1];
        n = names_keys(s->names, cmd->target, key, alt, sizeof key)
                ? bans_remove(s->bans, s->store, BAN_NAME, key, alt, now)
                : 0;
    }
    if (n < 0) {
        out(k, "ERR %d changes already wait for the database; try again later", STORE_QUEUE_MAX);
        return;
    }
    if (n == 0) {
        out(k, "ERR no ban on %s", cmd->target);
        return;
    }
    log_info(s->log, "ctl", "operator lifted the ban on %s", cmd->target);
    out(k, "OK unbanned %s", cmd->target);
}

static void run_player_cmd(Server *s, CtlConn *k, const CtlCommand *cmd)
{
    int slot = find_player(s, cmd->target);
    if (slot < 0) {
        out(k, "ERR no player named %s", cmd->target);
        return;
    }
    SrvPlayer *p = &s->players[slot];
    char name[PROTO_NAME_MAX + 1];
    memcpy(name, p->name, sizeof name);
    switch (cmd->verb) {
    case CTL_KICK: {
        const char *reason = cmd->text[0] ? cmd->text : "by the operator";
        log_info(s->log, "ctl", "operator kicked '%s' (%s)", name, reason);
        session_kick(s, (unsigned)slot, reason);
        out(k, "OK kicked %s", name);
        break;
    }
    case CTL_MUTE:
        p->muted_until_ms = s->now_ms + (uint64_t)cmd->minutes * 60000u;
        if (p->conn >= 0)
            tcp_send(s, p->conn, "NOTICE you are muted by the operator for %u min", cmd->minutes);
        log_info(s->log, "ctl", "operator muted '%s' for %u min", name, cmd->minutes);
        out(k, "OK muted %s for %u min", name, cmd->minutes);
        break;
    case CTL_UNMUTE:
        p->muted_until_ms = 0;
        if (p->conn >= 0)
            tcp_send(s, p->conn, "NOTICE the operator lifted your mute");
        out(k, "OK unmuted %s", name);
        break;
    default:
        out(k, "ERR internal");
        break;
    }
}

static void run(Ctl *c, CtlConn *k, const char *line)
{
    Server *s = c->s;
    CtlCommand cmd;
    char err[256];
    if (!ctl_parse(line, &cmd, err, sizeof err)) {
        drop_note(&s->stats.drops, s->log, DROP_CTL_REFUSED, s->now_ms, "bad command: %s", err);
        out(k, "ERR %s", err);
        return;
    }
    switch (cmd.verb) {
    case CTL_HELP:
        for (size_t i = 0; ctl_usage(i) != NULL; i++)
            out(k, "%s", ctl_usage(i));
        out(k, "OK");
        break;
    case CTL_STATUS:
        run_status(s, k);
        break;
    case CTL_WHO:
        run_who(s, k);
        break;
    case CTL_BANS:
        run_bans(s, k);
        break;
    case CTL_BAN:
        run_ban(s, k, &cmd);
        break;
    case CTL_UNBAN:
        run_unban(s, k, &cmd);
        break;
    case CTL_KICK:
    case CTL_MUTE:
    case CTL_UNMUTE:
        run_player_cmd(s, k, &cmd);
        break;
    case CTL_SAY:
        tcp_broadcast(s, -1, "NOTICE [operator] %s", cmd.text);
        log_info(s->log, "ctl", "operator said: %s", cmd.text);
        out(k, "OK");
        break;
    }
}

/* ---- connections ------------------------------------------------------------------------ */

static void accept_ctl(Ctl *c, uint64_t now_ms)
{
    int fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return;
    struct ucred cred;
    socklen_t len = sizeof cred;
    bool ours = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
                (cred.uid == geteuid() || cred.uid == 0);
    CtlConn *k = NULL;
    for (unsigned i = 0; i < CTL_MAX_CONNS && k == NULL; i++)
        if (c->conns[i].fd < 0)
            k = &c->conns[i];
    if (!ours || k == NULL) {
        static const char busy[] = "ERR busy: too many operator connections\n";
        static const char denied[] = "ERR permission denied\n";
        const char *msg = ours ? busy : denied;
        (void)send(fd, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT);
        close(fd);
        drop_note(&c->s->stats.drops, c->s->log, DROP_CTL_REFUSED, now_ms, "%s",
                  ours ? "too many operator connections" : "connection from another user");
        return;
    }
    memset(k, 0, sizeof *k);
    k->fd = fd;
    line_reader_init(&k->reader);
    k->last_ms = now_ms;
}

static void conn_close(Ctl *c, CtlConn *k)
{
    ev_drop(&c->s->ev, &k->ev);
    close(k->fd);
    k->fd = -1;
}

static void conn_read(Ctl *c, CtlConn *k, uint64_t now_ms)
{
    uint8_t buf[1024];
    ssize_t r = recv(k->fd, buf, sizeof buf, 0);
    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
        k->closing = true; /* answer what was asked, then close */
        return;
    }
    if (r < 0)
        return;
    k->last_ms = now_ms;
    size_t off = 0;
    unsigned lines = 0;
    while (off < (size_t)r && lines < CTL_LINES_PER_WAKE) {
        size_t used = 0;
        LineStatus st = line_reader_feed(&k->reader, buf + off, (size_t)r - off, &used);
        off += used;
        if (st == LINE_READY) {
            lines++;
            run(c, k, k->reader.line);
        } else if (st != LINE_NEED_MORE) {
            lines++;
            out(k, "ERR %s", line_status_str(st));
        }
    }
    if (off < (size_t)r) {
        out(k, "ERR too many commands at once");
        k->closing = true;
    }
}

static void conn_flush(CtlConn *k)
{
    while (k->out_len > 0) {
        ssize_t w = send(k->fd, k->out, k->out_len, MSG_NOSIGNAL);
        if (w <= 0) {
            if (w < 0 && (errno == EAGAIN || errno == EINTR))
                return;
            k->out_len = 0;
            k->closing = true;
            return;
        }
        memmove(k->out, k->out + w, k->out_len - (size_t)w);
        k->out_len -= (size_t)w;
    }
}

void ctl_watch(Ctl *c)
{
    EvSet *e = &c->s->ev;
    if (c->fd >= 0)
        (void)ev_want(e, &c->ev, c->fd, EPOLLIN, ev_tag(EV_CTL, 0, c->fd));
    for (unsigned i = 0; i < CTL_MAX_CONNS; i++) {
        CtlConn *k = &c->conns[i];
        if (k->fd < 0)
            continue;
        uint32_t ev = k->closing ? 0 : EPOLLIN;
        if (k->out_len > 0)
            ev |= EPOLLOUT;
        if (!ev_want(e, &k->ev, k->fd, ev, ev_tag(EV_CTL, 1 + i, k->fd)))
            conn_close(c, k); /* never serviced if not watched */
    }
}

void ctl_service(Ctl *c, const struct pollfd *fds, unsigned n, uint64_t now_ms)
{
    for (unsigned i = 0; i < n; i++) {
        if (fds[i].revents == 0)
            continue;
        if (fds[i].fd == c->fd) {
            accept_ctl(c, now_ms);
            continue;
        }
        for (unsigned j = 0; j < CTL_MAX_CONNS; j++) {
            CtlConn *k = &c->conns[j];
            if (k->fd == fds[i].fd && !k->closing && (fds[i].revents & (POLLIN | POLLHUP)))
                conn_read(c, k, now_ms);
        }
    }
    for (unsigned j = 0; j < CTL_MAX_CONNS; j++) {
        CtlConn *k = &c->conns[j];
        if (k->fd < 0)
            continue;
        conn_flush(k);
        if ((k->closing && k->out_len == 0) || now_ms - k->last_ms > CTL_IDLE_MS)
            conn_close(c, k);
    }
}
