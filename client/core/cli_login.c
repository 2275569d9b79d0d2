/* cli_login.c — a connection's TCP side: connect, line I/O, the login answer, the lines
 * that follow (chat, CLAIM, BYE) and why the TCP side ended. Part of CliConn (cli_conn_int.h);
 * never touches ENet except to start it once the login is accepted (cli_enet_start). */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli_conn_int.h"
#include "cli_parse.h"

/* The LOGIN line: "LOGIN " name " " version [" " claim] [" colour=" N]. */
_Static_assert(6 + PROTO_NAME_MAX + 1 + 10 + 1 + 2 * PROTO_CLAIM_BYTES + 11 < PROTO_LINE_MAX,
               "a LOGIN line fits a protocol line");

void cli_tcp_close(CliConn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->out_len = 0;
}

bool cli_tcp_queue_line(CliConn *c, const char *line)
{
    size_t n = strlen(line);
    if (c->fd < 0 || n + 1 > PROTO_LINE_MAX || c->out_len + n + 1 > sizeof c->out ||
        !line_text_valid((const uint8_t *)line, n))
        return false;
    memcpy(c->out + c->out_len, line, n);
    c->out[c->out_len + n] = '\n';
    c->out_len += n + 1;
    return true;
}

static void tcp_lost(CliConn *c, const char *what);

void cli_tcp_flush(CliConn *c, uint64_t now_us)
{
    while (c->fd >= 0 && c->out_len > 0 && c->state != CLI_CONNECTING) {
        ssize_t w = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                tcp_lost(c, strerror(errno));
            return;
        }
        c->stats.tcp_bytes_up += (uint64_t)w;
        c->last_tcp_send_us = now_us;
        memmove(c->out, c->out + w, c->out_len - (size_t)w);
        c->out_len -= (size_t)w;
    }
}

static CliFailure login_failure(const char *code)
{
    if (strcmp(code, "full") == 0)
        return CLI_FAIL_FULL;
    if (strcmp(code, "name") == 0)
        return CLI_FAIL_NAME;
    if (strcmp(code, "taken") == 0)
        return CLI_FAIL_TAKEN;
    if (strcmp(code, "version") == 0)
        return CLI_FAIL_VERSION;
    if (strcmp(code, "timeout") == 0)
        return CLI_FAIL_TIMEOUT;
    if (strcmp(code, "banned") == 0)
        return CLI_FAIL_BANNED;
    if (strcmp(code, "join") == 0)
        return CLI_FAIL_JOIN;
    return CLI_FAIL_PROTOCOL;
}

static const char *failure_label(CliFailure f)
{
    switch (f) {
    case CLI_FAIL_FULL:
        return "server full";
    case CLI_FAIL_NAME:
        return "name not allowed";
    case CLI_FAIL_TAKEN:
        return "name taken";
    case CLI_FAIL_VERSION:
        return "wrong version";
    case CLI_FAIL_TIMEOUT:
        return "timeout";
    case CLI_FAIL_BANNED:
        return "banned";
    case CLI_FAIL_JOIN:
        return "game join refused";
    default:
        return "login refused";
    }
}

static void handle_login_line(CliConn *c, char *line, uint64_t now_us)
{
    if (strncmp(line, "HELLO ", 6) == 0) {
        long v = cli_parse_hello_version(line);
        if (v >= 0 && v != PROTO_VERSION)
            cli_conn_fail(c, CLI_FAIL_VERSION,
                          "wrong version: the server speaks protocol %ld, this client %d", v,
                          PROTO_VERSION);
        return;
    }
    if (strncmp(line, "OK ", 3) == 0) {
        CliLoginOk ok;
        if (!cli_parse_login_ok(line + 3, &ok)) {
            cli_conn_fail(c, CLI_FAIL_PROTOCOL,
                          "protocol error: cannot understand the login answer");
            return;
        }
        memcpy(c->token, ok.token, sizeof c->token);
        c->player_id = ok.player_id;
        c->udp_port = ok.udp_port;
        c->logged_in = true;
        cli_enet_start(c, now_us);
        return;
    }
    if (strncmp(line, "ERR ", 4) == 0) {
        char code[CLI_ERR_CODE_MAX + 1];
        const char *text = "";
        if (!cli_parse_err(line + 4, code, &text)) {
            cli_conn_fail(c, CLI_FAIL_PROTOCOL, "login refused: %s", line + 4);
            return;
        }
        CliFailure f = login_failure(code);
        cli_conn_fail(c, f, "%s: %s", failure_label(f), *text ? text : code);
        return;
    }
    /* NOTICE and friends before the answer: keep them for the chat panel. */
    (void)cli_chat_add_line(&c->chat, line, now_us);
}

static void handle_line(CliConn *c, char *line, uint64_t now_us)
{
    c->stats.lines_received++;
    if (!c->logged_in) {
        handle_login_line(c, line, now_us);
        return;
    }
    if (c->cfg.on_line != NULL)
        c->cfg.on_line(c->cfg.user, line);
    if (strncmp(line, "CLAIM ", 6) == 0) {
        char name[PROTO_NAME_MAX + 1], hex[2 * PROTO_CLAIM_BYTES + 1];
        if (cli_parse_claim(line + 6, name, hex) && c->cfg.on_claim != NULL)
            c->cfg.on_claim(c->cfg.user, name, hex);
        else if (!cli_parse_claim(line + 6, name, hex)) {
            c->stats.bad_lines++;
            cli_conn_note_bad(c, now_us, "malformed CLAIM line");
        }
        return;
    }
    if (c->state == CLI_JOINING && strncmp(line, "ERR ", 4) == 0) {
        /* Refused between login and game (a per-address limit, a ban, a token the game port
         * refused, a version, a handshake or BIND that never came): the join is over, and the
         * server's words say why. */
        char code[CLI_ERR_CODE_MAX + 1];
        const char *text = "";
        if (cli_parse_err(line + 4, code, &text) &&
            (strcmp(code, "full") == 0 || strcmp(code, "banned") == 0 ||
             strcmp(code, "join") == 0 || strcmp(code, "version") == 0)) {
            CliFailure f = login_failure(code);
            cli_conn_fail(c, f, "%s: %s", failure_label(f), *text ? text : code);
            return;
        }
    }
    if (strcmp(line, "BYE") == 0 || strncmp(line, "BYE ", 4) == 0) {
        c->got_bye = true;
        snprintf(c->bye_reason, sizeof c->bye_reason, "%s", line[3] ? line + 4 : "");
        return;
    }
    const CliChatEntry *e = cli_chat_add_line(&c->chat, line, now_us);
    if (e == NULL)
        return;
    if (e->kind == CLI_CHAT_SAY || e->kind == CLI_CHAT_ACTION || e->kind == CLI_CHAT_WHISPER)
        c->stats.chat_lines_received++;
    if (e->kind == CLI_CHAT_SAY && strcmp(e->name, c->cfg.name) != 0)
        c->stats.chat_received++;
}

/* The TCP side ended without us asking: why, as well as we can tell. */
static void tcp_lost(CliConn *c, const char *what)
{
    if (c->state == CLI_QUITTING) {
        c->tcp_done = true;
        cli_tcp_close(c);
        return;
    }
    if (c->got_bye) {
        const char *r = c->bye_reason;
        if (strcmp(r, "shutdown") == 0)
            cli_conn_fail(c, CLI_FAIL_SHUTDOWN, "server shutting down");
        else if (strcmp(r, "timeout") == 0)
            cli_conn_fail(c, CLI_FAIL_SERVER_GONE, "server gone: it lost our game connection");
        else
            cli_conn_fail(c, CLI_FAIL_KICKED, "disconnected by the server (%s)",
                          *r ? r : "no reason");
        return;
    }
    if (!c->logged_in)
        cli_conn_fail(c, CLI_FAIL_SERVER_GONE, "server closed the connection during login (%s)",
                      what);
    else
        cli_conn_fail(c, CLI_FAIL_SERVER_GONE, "server gone: TCP connection closed (%s)", what);
}

void cli_tcp_read(CliConn *c, uint64_t now_us)
{
    uint8_t buf[4096];
    for (int k = 0; k < 64 && c->fd >= 0; k++) {
        ssize_t r = recv(c->fd, buf, sizeof buf, 0);
        if (r == 0) {
            tcp_lost(c, "end of stream");
            return;
        }
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                tcp_lost(c, strerror(errno));
            return;
        }
        c->stats.tcp_bytes_down += (uint64_t)r;
        size_t off = 0;
        while (off < (size_t)r && c->fd >= 0) {
            size_t used = 0;
            LineStatus st = line_reader_feed(&c->reader, buf + off, (size_t)r - off, &used);
            off += used;
            if (st == LINE_READY)
                handle_line(c, c->reader.line, now_us);
            else if (st != LINE_NEED_MORE) {
                c->stats.bad_lines++;
                cli_conn_note_bad(c, now_us, "malformed TCP line (too long or not text)");
            }
        }
    }
}

static void tcp_connected(CliConn *c, uint64_t now_us)
{
    char line[PROTO_LINE_MAX];
    int n;
    if (c->cfg.claim[0] != '\0')
        n = snprintf(line, sizeof line, "LOGIN %s %d %s", c->cfg.name, PROTO_VERSION, c->cfg.claim);
    else
        n = snprintf(line, sizeof line, "LOGIN %s %d", c->cfg.name, PROTO_VERSION);
    if (c->cfg.colour >= 0 && c->cfg.colour < PROTO_MAX_PLAYERS && n > 0 && (size_t)n < sizeof line)
        snprintf(line + n, sizeof line - (size_t)n, " colour=%d", c->cfg.colour);
    c->state = CLI_LOGGING_IN;
    cli_conn_deadline(c, now_us, c->cfg.step_timeout_ms);
    cli_tcp_queue_line(c, line);
    cli_tcp_flush(c, now_us);
}

void cli_tcp_check_connect(CliConn *c, uint64_t now_us)
{
    struct pollfd p = {.fd = c->fd, .events = POLLOUT};
    if (poll(&p, 1, 0) <= 0)
        return;
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        err = errno;
    if (err != 0) {
        cli_conn_fail(c, CLI_FAIL_CONNECT, "cannot connect to %s: %s", c->addr_text, strerror(err));
        return;
    }
    tcp_connected(c, now_us);
}

/* Resolves the host (a numeric address never blocks; a name may, once, here) and starts the
 * non-blocking connect. */
bool cli_tcp_open(CliConn *c, uint64_t now_us)
{
    const CliConnConfig *cfg = &c->cfg;
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    int gai = getaddrinfo(cfg->host, NULL, &hints, &res);
    if (gai != 0 || res == NULL) {
        snprintf(c->addr_text, sizeof c->addr_text, "%.40s:%u", cfg->host, cfg->login_port);
        cli_conn_fail(c, CLI_FAIL_RESOLVE, "cannot resolve '%s': %s", cfg->host,
                      gai != 0 ? gai_strerror(gai) : "no IPv4 address");
        if (res != NULL)
            freeaddrinfo(res);
        return false;
    }
    memcpy(&c->server, res->ai_addr, sizeof c->server);
    freeaddrinfo(res);
    c->server.sin_port = htons(cfg->login_port);
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &c->server.sin_addr, ip, sizeof ip);
    snprintf(c->addr_text, sizeof c->addr_text, "%s:%u", ip, cfg->login_port);

    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        cli_conn_fail(c, CLI_FAIL_INTERNAL, "socket: %s", strerror(errno));
        return false;
    }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->state = CLI_CONNECTING;
    cli_conn_deadline(c, now_us, cfg->step_timeout_ms);
    if (connect(c->fd, (struct sockaddr *)&c->server, sizeof c->server) == 0)
        tcp_connected(c, now_us);
    else if (errno != EINPROGRESS) {
        cli_conn_fail(c, CLI_FAIL_CONNECT, "cannot connect to %s: %s", c->addr_text,
                      strerror(errno));
        return false;
    }
    return true;
}
