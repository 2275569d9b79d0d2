/* lobby.c — the TCP line protocol: login, chat, who, flood control, slow readers.
 *
 * Owns every TCP connection. Lines are framed and validated by shared/line.h; this file turns
 * them into commands (docs/protocol.md "Login and chat"). It never blocks: sockets are
 * non-blocking, output is queued in a bounded per-connection buffer, and a connection that
 * would overflow it is dropped. Must never trust a line beyond what line.h validated. */
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
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server.h"

enum {
    FLOOD_CHAT = 1000,  /* penalty points per chat line */
    FLOOD_OTHER = 250,  /* per other line */
    FLOOD_BAD = 1000,   /* per rejected line */
    FLOOD_MUTE = 5000,  /* above: muted */
    FLOOD_KICK = 20000, /* above: disconnected */
    FLOOD_MUTE_MS = 10000,
    CLOSE_GRACE_MS = 2000, /* a closing connection gets this long to drain its output */
    ACCEPT_PER_CALL = 64,
};

static bool set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL, 0);
    return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0;
}

bool lobby_open(Server *s)
{
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(s->cfg.login_port);
    if (inet_pton(AF_INET, s->cfg.bind, &sa.sin_addr) != 1) {
        log_info(s->log, "tcp", "bind address '%s' is not an IPv4 address", s->cfg.bind);
        return false;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        log_info(s->log, "tcp", "socket: %s", strerror(errno));
        return false;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 128) != 0 ||
        !set_nonblocking(fd)) {
        log_info(s->log, "tcp", "cannot listen on %s:%u: %s", s->cfg.bind, s->cfg.login_port,
                 strerror(errno));
        close(fd);
        return false;
    }
    s->tcp_fd = fd;
    return true;
}

/* ---- output ---------------------------------------------------------------------------- */

static void conn_kill(Server *s, int ci, const char *why);

static void queue_line(Server *s, int ci, const char *text, size_t n)
{
    SrvConn *c = &s->conns[ci];
    if (!c->used || c->out == NULL)
        return;
    if (c->out_len + n + 1 > s->cfg.tcp_outbuf_bytes) {
        /* A reader this slow would make us buffer without bound: drop it. */
        s->stats.tcp_slow_dropped++;
        c->out_len = 0;
        conn_kill(s, ci, "slow reader");
        return;
    }
    memcpy(c->out + c->out_len, text, n);
    c->out[c->out_len + n] = '\n';
    c->out_len += n + 1;
}

static size_t vformat(char *buf, size_t cap, const char *fmt, va_list ap)
{
    int n = vsnprintf(buf, cap, fmt, ap);
    if (n < 0)
        return 0;
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

void lobby_send(Server *s, int ci, const char *fmt, ...)
{
    char buf[SRV_OUT_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    size_t n = vformat(buf, sizeof buf, fmt, ap);
    va_end(ap);
    queue_line(s, ci, buf, n);
}

void lobby_broadcast(Server *s, int except, const char *fmt, ...)
{
    char buf[SRV_OUT_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    size_t n = vformat(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (unsigned i = 0; i < s->cfg.tcp_max_conns; i++)
        if (s->conns[i].used && !s->conns[i].closing && s->conns[i].player >= 0 && (int)i != except)
            queue_line(s, (int)i, buf, n);
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
            conn_kill(s, ci, "write error");
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
    close(c->fd);
    free(c->out);
    memset(c, 0, sizeof *c);
    c->fd = -1;
    c->player = -1;
}

/* Ends the player (if any) and closes the connection after its output drains. */
static void conn_end(Server *s, int ci, const char *leave_reason, ProtoDisconnect disc)
{
    SrvConn *c = &s->conns[ci];
    if (!c->used || c->closing)
        return;
    c->closing = true;
    c->opened_ms = clock_now_ms(); /* start of the close grace period */
    if (c->player >= 0) {
        unsigned slot = (unsigned)c->player;
        SrvPlayer *p = &s->players[slot];
        c->player = -1;
        p->conn = -1;
        log_info(s->log, "tcp", "'%s' left (%s)", p->name, leave_reason);
        lobby_broadcast(s, ci, "LEAVE %u %s %s", slot, p->name, leave_reason);
        game_release_player(s, slot, disc);
    }
}

static void conn_kill(Server *s, int ci, const char *why)
{
    SrvConn *c = &s->conns[ci];
    log_info(s->log, "tcp", "%s: dropped (%s)", c->addr, why);
    conn_end(s, ci, strcmp(why, "flood") == 0 ? "flood" : "disconnected", PROTO_DISC_LOGOUT);
    conn_free(s, ci);
}

void lobby_drop_player(Server *s, unsigned slot, const char *reason)
{
    SrvPlayer *p = &s->players[slot];
    int ci = p->conn;
    if (ci < 0)
        return;
    lobby_send(s, ci, "BYE %s", reason);
    SrvConn *c = &s->conns[ci];
    c->player = -1;
    p->conn = -1;
    c->closing = true;
    c->opened_ms = clock_now_ms();
    lobby_broadcast(s, ci, "LEAVE %u %s %s", slot, p->name, reason);
}

void lobby_close_all(Server *s, const char *reason)
{
    for (unsigned i = 0; i < s->cfg.tcp_max_conns; i++) {
        if (!s->conns[i].used)
            continue;
        lobby_send(s, (int)i, "NOTICE %s", reason);
        lobby_send(s, (int)i, "BYE shutdown");
        conn_flush(s, (int)i);
        conn_free(s, (int)i);
    }
    if (s->tcp_fd >= 0)
        close(s->tcp_fd);
    s->tcp_fd = -1;
}

static void accept_new(Server *s, uint64_t now_ms)
{
    for (int k = 0; k < ACCEPT_PER_CALL; k++) {
        struct sockaddr_in sa;
        socklen_t sl = sizeof sa;
        int fd = accept(s->tcp_fd, (struct sockaddr *)&sa, &sl);
        if (fd < 0)
            return; /* EAGAIN or a transient error: poll again */
        int ci = -1;
        for (unsigned i = 0; i < s->cfg.tcp_max_conns; i++)
            if (!s->conns[i].used) {
                ci = (int)i;
                break;
            }
        char *out = ci >= 0 ? malloc(s->cfg.tcp_outbuf_bytes) : NULL;
        if (ci < 0 || out == NULL || !set_nonblocking(fd)) {
            static const char full[] = "ERR full too many connections\n";
            (void)send(fd, full, sizeof full - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            close(fd);
            free(out);
            s->stats.tcp_rejected++;
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        /* Bound the kernel's share of unread output too, so tcp_outbuf_bytes means something. */
        int sndbuf = (int)s->cfg.tcp_outbuf_bytes;
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
        SrvConn *c = &s->conns[ci];
        memset(c, 0, sizeof *c);
        c->used = true;
        c->fd = fd;
        c->ip = sa.sin_addr.s_addr;
        char ip[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof ip);
        snprintf(c->addr, sizeof c->addr, "%s:%u", ip, ntohs(sa.sin_port));
        line_reader_init(&c->reader);
        c->out = out;
        c->opened_ms = now_ms;
        c->last_rx_ms = now_ms;
        c->penalty_ms = now_ms;
        c->player = -1;
        s->stats.tcp_accepted++;
        lobby_send(s, ci, "HELLO %d %s", PROTO_VERSION, s->cfg.name);
    }
}

/* ---- commands -------------------------------------------------------------------------- */

/* Names: 1..16 bytes; ASCII letters, digits, _ - . [ ] ( ), or any code point >= U+00A0. */
static bool name_valid(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > PROTO_NAME_MAX || !line_text_valid((const uint8_t *)name, n))
        return false;
    for (size_t i = 0; i < n;) {
        unsigned char ch = (unsigned char)name[i];
        if (ch >= 0x80) {
            /* Multi-byte: line_text_valid already rejected C1 controls (U+0080..U+009F). */
            if (ch == 0xC2 && (unsigned char)name[i + 1] == 0xA0)
                return false; /* no-break space looks like a space */
            i++;
            while (i < n && ((unsigned char)name[i] & 0xC0) == 0x80)
                i++;
            continue;
        }
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              strchr("_-.[]()", ch) != NULL))
            return false;
        i++;
    }
    return true;
}

static int find_player_by_name(const Server *s, const char *name)
{
    for (unsigned i = 0; i < s->cfg.max_players; i++)
        if (s->players[i].state != SP_FREE && strcasecmp(s->players[i].name, name) == 0)
            return (int)i;
    return -1;
}

static void hex16(const uint8_t in[PROTO_TOKEN_BYTES], char out[2 * PROTO_TOKEN_BYTES + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < PROTO_TOKEN_BYTES; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * PROTO_TOKEN_BYTES] = '\0';
}

static void cmd_login(Server *s, int ci, char *args, uint64_t now_ms)
{
    SrvConn *c = &s->conns[ci];
    if (c->player >= 0) {
        lobby_send(s, ci, "ERR state already logged in as %s", s->players[c->player].name);
        return;
    }
    char *name = args;
    char *ver = name ? strchr(name, ' ') : NULL;
    if (ver != NULL)
        *ver++ = '\0';
    if (name == NULL || *name == '\0') {
        lobby_send(s, ci, "ERR args usage: LOGIN <name> [<version>]");
        return;
    }
    if (ver != NULL) {
        char *end = NULL;
        long v = strtol(ver, &end, 10);
        if (*ver == '\0' || *end != '\0' || v != PROTO_VERSION) {
            lobby_send(s, ci, "ERR version server speaks protocol %d, client asked for %s",
                       PROTO_VERSION, ver);
            return;
        }
    }
    if (!name_valid(name)) {
        lobby_send(s, ci,
                   "ERR name names are 1-%d bytes: letters, digits, _ - . [ ] ( ) or non-ASCII "
                   "letters, no spaces",
                   PROTO_NAME_MAX);
        return;
    }
    if (find_player_by_name(s, name) >= 0) {
        lobby_send(s, ci, "ERR taken the name %s is in use", name);
        return;
    }
    int slot = -1;
    for (unsigned i = 0; i < s->cfg.max_players; i++)
        if (s->players[i].state == SP_FREE) {
            slot = (int)i;
            break;
        }
    if (slot < 0) {
        lobby_send(s, ci, "ERR full the server is full (%u players)", s->cfg.max_players);
        return;
    }
    SrvPlayer *p = &s->players[slot];
    if (getrandom(p->token, sizeof p->token, 0) != (ssize_t)sizeof p->token) {
        lobby_send(s, ci, "ERR internal cannot make a session token");
        log_info(s->log, "tcp", "getrandom failed: %s", strerror(errno));
        return;
    }
    p->state = SP_LOBBY;
    snprintf(p->name, sizeof p->name, "%s", name);
    p->conn = ci;
    p->token_live = true;
    p->token_expires_ms = now_ms + s->cfg.token_ttl_ms;
    p->ip = c->ip;
    p->peer = NULL;
    c->player = slot;
    char hex[2 * PROTO_TOKEN_BYTES + 1];
    hex16(p->token, hex);
    lobby_send(s, ci, "OK token=%s id=%d udp=%u version=%d tick=%d snap=%u", hex, slot,
               s->cfg.game_port, PROTO_VERSION, PROTO_TICK_HZ, s->cfg.snapshot_hz);
    lobby_broadcast(s, ci, "JOIN %d %s", slot, p->name);
    lobby_send(s, ci, "NOTICE Welcome to %s. Road to Localhost - vocês repararam algum easter egg?",
               s->cfg.name);
    log_info(s->log, "tcp", "%s logged in as '%s' (slot %d)", c->addr, p->name, slot);
}

/* Splits "name rest" into name and text; false if either is missing. */
static bool split_target(char *args, char **name, char **text)
{
    if (args == NULL)
        return false;
    char *sp = strchr(args, ' ');
    if (sp == NULL || sp == args || sp[1] == '\0')
        return false;
    *sp = '\0';
    *name = args;
    *text = sp + 1;
    return true;
}

static bool chat_allowed(Server *s, int ci, const char *text, uint64_t now_ms)
{
    SrvConn *c = &s->conns[ci];
    if (now_ms < c->muted_until_ms) {
        lobby_send(s, ci, "ERR flood muted for %llu s",
                   (unsigned long long)((c->muted_until_ms - now_ms + 999) / 1000));
        return false;
    }
    if (text == NULL || *text == '\0' || strlen(text) > PROTO_CHAT_MAX) {
        lobby_send(s, ci, "ERR args chat text must be 1-%d bytes", PROTO_CHAT_MAX);
        return false;
    }
    return true;
}

static void cmd_who(Server *s, int ci)
{
    unsigned count = 0;
    for (unsigned i = 0; i < s->cfg.max_players; i++)
        count += s->players[i].state != SP_FREE;
    lobby_send(s, ci, "WHO %u", count);
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        const SrvPlayer *p = &s->players[i];
        if (p->state == SP_FREE)
            continue;
        char ping[16] = "-";
        if (p->state == SP_BOUND && p->peer != NULL)
            snprintf(ping, sizeof ping, "%u", (unsigned)p->peer->roundTripTime);
        lobby_send(s, ci, "PLAYER %u %s %u %s %s", i, p->name, s->world.players[i].score, ping,
                   p->state == SP_BOUND ? "playing" : "chatting");
    }
}

/* The hall of fame: `FAME <rank> <name> <UTC time> <map>` lines, then `FAME END <total>`. */
static void cmd_fame(Server *s, int ci)
{
    enum { FAME_SHOWN = 20 };
    FameEntry e[FAME_SHOWN];
    int total = 0;
    int n = fame_list(s->fame, e, FAME_SHOWN, &total);
    if (n < 0) {
        lobby_send(s, ci, "ERR internal the hall of fame cannot be read");
        return;
    }
    for (int i = 0; i < n; i++) {
        char *sp = strchr(e[i].found_at, ' ');
        if (sp != NULL)
            *sp = 'T';
        lobby_send(s, ci, "FAME %d %s %sZ %s", e[i].rank, e[i].name, e[i].found_at, e[i].map);
    }
    lobby_send(s, ci, "FAME END %d", total);
}

static void cmd_help(Server *s, int ci)
{
    static const char *const lines[] = {
        "LOGIN <name> [<version>]   log in as a guest",
        "SAY <text>                 chat to everyone",
        "ME <text>                  an action (/me)",
        "WHISPER <name> <text>      private message",
        "WHO                        who is online",
        "PING [<text>]              keep-alive, answers PONG",
        "QUIT [<reason>]            leave",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        lobby_send(s, ci, "HELP %s", lines[i]);
    lobby_send(s, ci, "HELP END");
}

/* Adds flood penalty; returns false if the connection was dropped for flooding. */
static bool penalize(Server *s, int ci, uint32_t points, uint64_t now_ms)
{
    SrvConn *c = &s->conns[ci];
    uint64_t drained = now_ms - c->penalty_ms; /* 1 point per ms = 1000 per second */
    c->penalty = drained >= c->penalty ? 0 : c->penalty - (uint32_t)drained;
    c->penalty_ms = now_ms;
    c->penalty += points;
    if (c->penalty > FLOOD_KICK) {
        s->stats.tcp_flood_dropped++;
        lobby_send(s, ci, "BYE flood");
        conn_flush(s, ci);
        conn_kill(s, ci, "flood");
        return false;
    }
    if (c->penalty > FLOOD_MUTE && now_ms >= c->muted_until_ms) {
        c->muted_until_ms = now_ms + FLOOD_MUTE_MS;
        lobby_send(s, ci, "NOTICE you are muted for %d s for flooding", FLOOD_MUTE_MS / 1000);
    }
    return true;
}

static void handle_line(Server *s, int ci, char *line, uint64_t now_ms)
{
    SrvConn *c = &s->conns[ci];
    char *args = strchr(line, ' ');
    if (args != NULL)
        *args++ = '\0';
    const char *cmd = line;
    bool is_chat = strcasecmp(cmd, "SAY") == 0 || strcasecmp(cmd, "ME") == 0 ||
                   strcasecmp(cmd, "WHISPER") == 0;
    if (!penalize(s, ci, is_chat ? FLOOD_CHAT : FLOOD_OTHER, now_ms))
        return;
    if (strcasecmp(cmd, "PING") == 0) {
        if (args != NULL)
            lobby_send(s, ci, "PONG %s", args);
        else
            lobby_send(s, ci, "PONG");
        return;
    }
    if (strcasecmp(cmd, "HELP") == 0) {
        cmd_help(s, ci);
        return;
    }
    if (strcasecmp(cmd, "QUIT") == 0) {
        lobby_send(s, ci, "BYE");
        conn_end(s, ci, "quit", PROTO_DISC_LOGOUT);
        return;
    }
    if (strcasecmp(cmd, "LOGIN") == 0) {
        cmd_login(s, ci, args, now_ms);
        return;
    }
    bool known = is_chat || strcasecmp(cmd, "WHO") == 0 || strcasecmp(cmd, "FAME") == 0;
    if (!known) {
        lobby_send(s, ci, "ERR unknown no command '%.32s' (try HELP)", cmd);
        return;
    }
    if (c->player < 0) {
        lobby_send(s, ci, "ERR auth log in first: LOGIN <name>");
        return;
    }
    const char *me = s->players[c->player].name;
    if (strcasecmp(cmd, "WHO") == 0) {
        cmd_who(s, ci);
    } else if (strcasecmp(cmd, "FAME") == 0) {
        cmd_fame(s, ci);
    } else if (strcasecmp(cmd, "SAY") == 0) {
        if (chat_allowed(s, ci, args, now_ms)) {
            s->stats.chat_lines++;
            lobby_broadcast(s, -1, "CHAT %s %s", me, args);
            if (egg_say(&s->egg, (unsigned)c->player, args, s->world.tick))
                game_legend(s, (unsigned)c->player);
        }
    } else if (strcasecmp(cmd, "ME") == 0) {
        if (chat_allowed(s, ci, args, now_ms)) {
            s->stats.chat_lines++;
            lobby_broadcast(s, -1, "ACTION %s %s", me, args);
        }
    } else { /* WHISPER */
        char *to = NULL, *text = NULL;
        if (!split_target(args, &to, &text)) {
            lobby_send(s, ci, "ERR args usage: WHISPER <name> <text>");
            return;
        }
        if (!chat_allowed(s, ci, text, now_ms))
            return;
        int target = find_player_by_name(s, to);
        if (target < 0 || s->players[target].conn < 0) {
            lobby_send(s, ci, "ERR nosuch no player named %s", to);
            return;
        }
        s->stats.chat_lines++;
        const char *to_name = s->players[target].name;
        lobby_send(s, ci, "WHISPER %s %s %s", me, to_name, text);
        if (s->players[target].conn != ci)
            lobby_send(s, s->players[target].conn, "WHISPER %s %s %s", me, to_name, text);
    }
}

static void conn_read(Server *s, int ci, uint64_t now_ms)
{
    uint8_t buf[4096];
    for (;;) {
        SrvConn *c = &s->conns[ci];
        if (!c->used || c->closing)
            return;
        ssize_t r = recv(c->fd, buf, sizeof buf, 0);
        if (r == 0) {
            conn_end(s, ci, "disconnected", PROTO_DISC_LOGOUT);
            conn_free(s, ci);
            return;
        }
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                conn_end(s, ci, "disconnected", PROTO_DISC_LOGOUT);
                conn_free(s, ci);
            }
            return;
        }
        c->last_rx_ms = now_ms;
        size_t off = 0;
        while (off < (size_t)r) {
            c = &s->conns[ci];
            if (!c->used || c->closing)
                return;
            size_t used = 0;
            LineStatus st = line_reader_feed(&c->reader, buf + off, (size_t)r - off, &used);
            off += used;
            if (st == LINE_READY) {
                handle_line(s, ci, c->reader.line, now_ms);
            } else if (st != LINE_NEED_MORE) {
                s->stats.tcp_bad_lines++;
                lobby_send(s, ci, "ERR line %s", line_status_str(st));
                if (!penalize(s, ci, FLOOD_BAD, now_ms))
                    return;
            }
        }
    }
}

unsigned lobby_pollfds(Server *s, struct pollfd *fds, unsigned cap, int *conn_of)
{
    unsigned n = 0;
    if (s->tcp_fd >= 0 && n < cap) {
        fds[n] = (struct pollfd){.fd = s->tcp_fd, .events = POLLIN};
        conn_of[n++] = -1;
    }
    for (unsigned i = 0; i < s->cfg.tcp_max_conns && n < cap; i++) {
        SrvConn *c = &s->conns[i];
        if (!c->used)
            continue;
        short ev = c->closing ? 0 : POLLIN;
        if (c->out_len > 0)
            ev |= POLLOUT;
        fds[n] = (struct pollfd){.fd = c->fd, .events = ev};
        conn_of[n++] = (int)i;
    }
    return n;
}

void lobby_service(Server *s, const struct pollfd *fds, unsigned n, const int *conn_of,
                   uint64_t now_ms)
{
    for (unsigned i = 0; i < n; i++) {
        if (fds[i].revents == 0)
            continue;
        if (conn_of[i] < 0) {
            accept_new(s, now_ms);
            continue;
        }
        int ci = conn_of[i];
        if (!s->conns[ci].used || s->conns[ci].fd != fds[i].fd)
            continue;
        if (fds[i].revents & (POLLIN | POLLHUP | POLLERR))
            conn_read(s, ci, now_ms);
    }
}

void lobby_housekeeping(Server *s, uint64_t now_ms)
{
    for (unsigned i = 0; i < s->cfg.tcp_max_conns; i++) {
        SrvConn *c = &s->conns[i];
        if (!c->used)
            continue;
        if (!c->closing && c->player < 0 && now_ms - c->opened_ms > s->cfg.login_timeout_ms) {
            lobby_send(s, (int)i, "ERR timeout no LOGIN within %u s",
                       s->cfg.login_timeout_ms / 1000);
            conn_end(s, (int)i, "timeout", PROTO_DISC_LOGOUT);
        } else if (!c->closing && now_ms - c->last_rx_ms > s->cfg.idle_timeout_ms) {
            lobby_send(s, (int)i, "BYE idle");
            conn_end(s, (int)i, "timeout", PROTO_DISC_LOGOUT);
        }
        if (!c->used)
            continue;
        conn_flush(s, (int)i);
        if (c->used && c->closing && (c->out_len == 0 || now_ms - c->opened_ms > CLOSE_GRACE_MS))
            conn_free(s, (int)i);
    }
}
