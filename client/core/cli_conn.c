/* cli_conn.c — see cli_conn.h.
 *
 * Layout: TCP (connect, line I/O, login), ENet (join, messages, raw datagram sizes),
 * snapshots (baseline ring, decode), the client tick (predict, INPUT), the state machine
 * (deadlines, failures, quit). Bytes from the server are decoded only through shared/
 * (line.h, msg.h, snapshot.h); a malformed message is counted and dropped, except during the
 * join where it ends the connection with a reason. */
#include "cli_conn.h"

#include <arpa/inet.h>
#include <enet/enet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli_parse.h"
#include "line.h"
#include "snapshot.h"

enum {
    RTT_SAMPLE_US = 100000,  /* RTT histogram sample period */
    ENET_SERVICE_US = 50000, /* ENet timers (resends, pings) need a service this often */
    DEFAULT_STEP_MS = 5000,
    DEFAULT_SILENCE_MS = 5000,
    DEFAULT_QUIT_MS = 2000,
    DEFAULT_KEEPALIVE_MS = 60000,
    DEFAULT_POOL = 8 * PROTO_MAX_ENTITIES,
};

/* Where a joining connection is. */
typedef enum JoinPhase {
    JOIN_NONE = 0,
    JOIN_ENET,     /* ENet connect sent */
    JOIN_WELCOME,  /* BIND sent */
    JOIN_MAP,      /* WELCOME received */
    JOIN_SNAPSHOT, /* map loaded, waiting for the first snapshot */
} JoinPhase;

struct CliConn {
    CliConnConfig cfg;
    CliState state;
    CliFailure failure;
    char error[256];
    bool was_playing;

    struct sockaddr_in server; /* TCP address; ENet uses the same IP */
    char addr_text[64];

    /* TCP */
    int fd;
    LineReader reader;
    char out[CLI_CONN_OUTBUF];
    size_t out_len;
    uint64_t last_tcp_send_us;
    bool got_bye;
    char bye_reason[32];
    bool tcp_done;

    /* Login */
    bool logged_in;
    uint8_t token[PROTO_TOKEN_BYTES];
    int player_id;
    uint16_t udp_port;

    JoinPhase phase;
    uint64_t deadline_us;

    /* ENet */
    ENetHost *host;
    ENetPeer *peer;
    bool enet_connected;
    bool enet_done;

    /* Game */
    bool have_welcome;
    MsgWelcome welcome;
    Map map;
    bool have_map;
    SimInput input;
    CliClock clock;
    CliPredict predict;
    CliInterp interp;
    SnapEntity *interp_pool;

    /* Decoded snapshots, the baselines of future deltas. */
    Snapshot ring[CLI_CONN_SNAP_RING];
    unsigned ring_next;
    SnapEntity *pool;
    uint32_t pool_cap, pool_head;
    Snapshot scratch;
    SnapEntity *scratch_ents;
    int latest; /* ring index of the newest, -1 none */
    uint32_t newest_tick;
    uint32_t input_ack;
    uint64_t last_snapshot_us;

    uint64_t last_service_us;
    uint64_t last_rtt_sample_us;
    char names[PROTO_MAX_PLAYERS][PROTO_NAME_MAX + 1];
    bool legend[PROTO_MAX_PLAYERS]; /* EVENT LEGEND marks, by player id */
    CliChat chat;
    CliStats stats;
};

uint64_t cli_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void cli_conn_default_config(CliConnConfig *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->host, sizeof cfg->host, "127.0.0.1");
    cfg->login_port = PROTO_LOGIN_PORT;
    snprintf(cfg->name, sizeof cfg->name, "player");
    cfg->step_timeout_ms = DEFAULT_STEP_MS;
    cfg->silence_timeout_ms = DEFAULT_SILENCE_MS;
    cfg->quit_timeout_ms = DEFAULT_QUIT_MS;
    cfg->keepalive_ms = DEFAULT_KEEPALIVE_MS;
    cfg->baseline_pool_entities = DEFAULT_POOL;
    cfg->interp_pool_entities = DEFAULT_POOL;
}

const char *cli_state_str(CliState s)
{
    switch (s) {
    case CLI_CONNECTING:
        return "connecting";
    case CLI_LOGGING_IN:
        return "logging in";
    case CLI_JOINING:
        return "joining";
    case CLI_PLAYING:
        return "playing";
    case CLI_QUITTING:
        return "quitting";
    case CLI_CLOSED:
        return "closed";
    case CLI_FAILED:
        return "failed";
    }
    return "?";
}

/* ---- failure and shutdown -------------------------------------------------------------- */

static void close_tcp(CliConn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->out_len = 0;
}

static void drop_enet(CliConn *c)
{
    if (c->peer != NULL && c->host != NULL) {
        if (c->enet_connected)
            enet_peer_disconnect_now(c->peer, PROTO_DISC_NONE); /* frees the server's slot now */
        else
            enet_peer_reset(c->peer);
    }
    c->peer = NULL;
    c->enet_done = true;
}

static void fail(CliConn *c, CliFailure why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(CliConn *c, CliFailure why, const char *fmt, ...)
{
    if (c->state == CLI_FAILED || c->state == CLI_CLOSED)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->error, sizeof c->error, fmt, ap);
    va_end(ap);
    c->failure = why;
    c->state = CLI_FAILED;
    close_tcp(c);
    drop_enet(c);
}

static void finish_closed(CliConn *c)
{
    close_tcp(c);
    drop_enet(c);
    c->state = CLI_CLOSED;
}

/* ---- TCP ------------------------------------------------------------------------------- */

static bool queue_line(CliConn *c, const char *line)
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

static void tcp_flush(CliConn *c, uint64_t now_us)
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

static void start_enet(CliConn *c, uint64_t now_us);

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
    default:
        return "login refused";
    }
}

static void handle_login_line(CliConn *c, char *line, uint64_t now_us)
{
    if (strncmp(line, "HELLO ", 6) == 0) {
        long v = cli_parse_hello_version(line);
        if (v >= 0 && v != PROTO_VERSION)
            fail(c, CLI_FAIL_VERSION,
                 "wrong version: the server speaks protocol %ld, this client %d", v, PROTO_VERSION);
        return;
    }
    if (strncmp(line, "OK ", 3) == 0) {
        CliLoginOk ok;
        if (!cli_parse_login_ok(line + 3, &ok)) {
            fail(c, CLI_FAIL_PROTOCOL, "protocol error: cannot understand the login answer");
            return;
        }
        memcpy(c->token, ok.token, sizeof c->token);
        c->player_id = ok.player_id;
        c->udp_port = ok.udp_port;
        c->logged_in = true;
        start_enet(c, now_us);
        return;
    }
    if (strncmp(line, "ERR ", 4) == 0) {
        char code[CLI_ERR_CODE_MAX + 1];
        const char *text = "";
        if (!cli_parse_err(line + 4, code, &text)) {
            fail(c, CLI_FAIL_PROTOCOL, "login refused: %s", line + 4);
            return;
        }
        CliFailure f = login_failure(code);
        fail(c, f, "%s: %s", failure_label(f), *text ? text : code);
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
        char name[PROTO_NAME_MAX + 1], hex[2 * PROTO_TOKEN_BYTES + 1];
        if (cli_parse_claim(line + 6, name, hex) && c->cfg.on_claim != NULL)
            c->cfg.on_claim(c->cfg.user, name, hex);
        else if (!cli_parse_claim(line + 6, name, hex))
            c->stats.bad_lines++;
        return;
    }
    if (c->state == CLI_JOINING && strncmp(line, "ERR ", 4) == 0) {
        /* Refused between login and game (a per-address limit, a ban): the join is over. */
        char code[CLI_ERR_CODE_MAX + 1];
        const char *text = "";
        if (cli_parse_err(line + 4, code, &text) &&
            (strcmp(code, "full") == 0 || strcmp(code, "banned") == 0)) {
            CliFailure f = login_failure(code);
            fail(c, f, "%s: %s", failure_label(f), *text ? text : code);
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
        close_tcp(c);
        return;
    }
    if (c->got_bye) {
        const char *r = c->bye_reason;
        if (strcmp(r, "shutdown") == 0)
            fail(c, CLI_FAIL_SHUTDOWN, "server shutting down");
        else if (strcmp(r, "timeout") == 0)
            fail(c, CLI_FAIL_SERVER_GONE, "server gone: it lost our game connection");
        else
            fail(c, CLI_FAIL_KICKED, "disconnected by the server (%s)", *r ? r : "no reason");
        return;
    }
    if (!c->logged_in)
        fail(c, CLI_FAIL_SERVER_GONE, "server closed the connection during login (%s)", what);
    else
        fail(c, CLI_FAIL_SERVER_GONE, "server gone: TCP connection closed (%s)", what);
}

static void tcp_read(CliConn *c, uint64_t now_us)
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
            else if (st != LINE_NEED_MORE)
                c->stats.bad_lines++;
        }
    }
}

static void tcp_connected(CliConn *c, uint64_t now_us)
{
    char line[128];
    if (c->cfg.claim[0] != '\0')
        snprintf(line, sizeof line, "LOGIN %s %d %s", c->cfg.name, PROTO_VERSION, c->cfg.claim);
    else
        snprintf(line, sizeof line, "LOGIN %s %d", c->cfg.name, PROTO_VERSION);
    c->state = CLI_LOGGING_IN;
    c->deadline_us = now_us + (uint64_t)c->cfg.step_timeout_ms * 1000u;
    queue_line(c, line);
    tcp_flush(c, now_us);
}

static void tcp_check_connect(CliConn *c, uint64_t now_us)
{
    struct pollfd p = {.fd = c->fd, .events = POLLOUT};
    if (poll(&p, 1, 0) <= 0)
        return;
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        err = errno;
    if (err != 0) {
        fail(c, CLI_FAIL_CONNECT, "cannot connect to %s: %s", c->addr_text, strerror(err));
        return;
    }
    tcp_connected(c, now_us);
}

/* ---- ENet ------------------------------------------------------------------------------ */

/* Sees every UDP datagram before ENet parses it: the only place its raw size is known. */
static int ENET_CALLBACK on_datagram(ENetHost *host, ENetEvent *event)
{
    (void)event;
    CliConn *c = host->peerCount > 0 ? host->peers[0].data : NULL;
    if (c == NULL)
        return 0;
    size_t len = host->receivedDataLength;
    uint32_t n = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
    if (n > c->stats.max_datagram_bytes)
        c->stats.max_datagram_bytes = n;
    if (n > c->stats.max_snapshot_datagram_bytes &&
        cli_datagram_has_channel_data(host->receivedData, len, PROTO_CH_SNAPSHOT))
        c->stats.max_snapshot_datagram_bytes = n;
    return 0; /* let ENet process it as usual */
}

static void start_enet(CliConn *c, uint64_t now_us)
{
    ENetAddress a;
    a.host = c->server.sin_addr.s_addr; /* network order, as ENet keeps it */
    a.port = c->udp_port;
    /* The connect id (ENet draws it from randomSeed) keys ENet's checksum: it must be
     * unguessable, or a blind attacker could forge our datagrams (docs/security.md). */
    if (getrandom(&c->host->randomSeed, sizeof c->host->randomSeed, 0) !=
        (ssize_t)sizeof c->host->randomSeed) {
        fail(c, CLI_FAIL_INTERNAL, "cannot draw a connection id: %s", strerror(errno));
        return;
    }
    /* The connect data proves this CONNECT comes with our login (the server's gate). */
    c->peer = enet_host_connect(c->host, &a, PROTO_CHANNEL_COUNT, msg_connect_tag(c->token));
    if (c->peer == NULL) {
        fail(c, CLI_FAIL_INTERNAL, "cannot start the ENet connection");
        return;
    }
    c->peer->data = c;
    c->state = CLI_JOINING;
    c->phase = JOIN_ENET;
    c->deadline_us = now_us + (uint64_t)c->cfg.step_timeout_ms * 1000u;
}

static bool send_enet(CliConn *c, uint8_t channel, const uint8_t *buf, size_t len,
                      enet_uint32 flags)
{
    if (c->peer == NULL || !c->enet_connected)
        return false;
    ENetPacket *pk = enet_packet_create(buf, len, flags);
    if (pk == NULL)
        return false;
    if (enet_peer_send(c->peer, channel, pk) != 0) {
        enet_packet_destroy(pk);
        return false;
    }
    c->stats.messages_up++;
    c->stats.payload_up += len;
    return true;
}

static void on_enet_connect(CliConn *c, uint64_t now_us)
{
    c->enet_connected = true;
    /* INPUTs are never throttled away by ENet (the server asks the same of us, and does it
     * for its snapshots): the 32-input window, not ENet, deals with loss. */
    c->peer->packetThrottleDeceleration = 0;
    c->peer->packetThrottle = ENET_PEER_PACKET_THROTTLE_SCALE;
    MsgBind b = {.version = PROTO_VERSION};
    memcpy(b.token, c->token, sizeof b.token);
    uint8_t buf[MSG_BIND_BYTES];
    size_t n = msg_bind_encode(&b, buf, sizeof buf);
    if (n == 0 || !send_enet(c, PROTO_CH_RELIABLE, buf, n, ENET_PACKET_FLAG_RELIABLE)) {
        fail(c, CLI_FAIL_INTERNAL, "cannot send BIND");
        return;
    }
    enet_host_flush(c->host);
    c->phase = JOIN_WELCOME;
    c->deadline_us = now_us + (uint64_t)c->cfg.step_timeout_ms * 1000u;
}

static void on_enet_disconnect(CliConn *c, enet_uint32 data)
{
    bool was_connected = c->enet_connected;
    c->peer = NULL; /* ENet has reset it */
    c->enet_connected = false;
    c->enet_done = true;
    if (c->state == CLI_QUITTING)
        return;
    switch (data) {
    case PROTO_DISC_FULL:
        fail(c, CLI_FAIL_FULL, "server full: no game slot (or too many connections from here)");
        break;
    case PROTO_DISC_BAD_TOKEN:
        fail(c, CLI_FAIL_BAD_TOKEN, "bad token: the server refused our BIND");
        break;
    case PROTO_DISC_BIND_TIMEOUT:
        fail(c, CLI_FAIL_TIMEOUT, "timeout: the server did not get our BIND in time");
        break;
    case PROTO_DISC_VERSION:
        fail(c, CLI_FAIL_VERSION, "wrong version: the server refused protocol %d", PROTO_VERSION);
        break;
    case PROTO_DISC_PROTOCOL:
        fail(c, CLI_FAIL_PROTOCOL, "protocol error: the server rejected our messages");
        break;
    case PROTO_DISC_SHUTDOWN:
        fail(c, CLI_FAIL_SHUTDOWN, "server shutting down");
        break;
    case PROTO_DISC_LOGOUT:
        fail(c, CLI_FAIL_SERVER_GONE, "server gone: the session ended");
        break;
    case PROTO_DISC_KICKED:
        fail(c, CLI_FAIL_KICKED, "disconnected by the server (kicked)");
        break;
    case PROTO_DISC_BACKLOG:
        fail(c, CLI_FAIL_KICKED, "disconnected by the server (we stopped acknowledging)");
        break;
    default:
        if (was_connected)
            fail(c, CLI_FAIL_SERVER_GONE, "server gone: game connection lost");
        else
            fail(c, CLI_FAIL_TIMEOUT, "timeout: no ENet answer from UDP %s:%u",
                 inet_ntoa(c->server.sin_addr), c->udp_port);
        break;
    }
}

static double rtt_ms(const CliConn *c)
{
    return c->peer != NULL && c->enet_connected ? (double)c->peer->roundTripTime : 0.0;
}

/* The RTT the tick clock works with: the lowest of ENet's estimates over the clock's window
 * (cli_clock.h: ENet's own stays inflated for seconds after a stall). */
static double clock_rtt(CliConn *c, uint64_t now_us)
{
    cli_clock_rtt_sample(&c->clock, now_us, rtt_ms(c));
    return cli_clock_rtt_ms(&c->clock);
}

static void on_welcome(CliConn *c, const uint8_t *data, size_t len, uint64_t now_us)
{
    if (c->phase != JOIN_WELCOME) {
        c->stats.bad_messages++;
        return;
    }
    MsgWelcome w;
    MsgError e = msg_welcome_decode(data, len, &w);
    if (e != MSG_OK) {
        fail(c, CLI_FAIL_PROTOCOL, "protocol error: malformed WELCOME (%s)", msg_error_str(e));
        return;
    }
    if (w.version != PROTO_VERSION) {
        fail(c, CLI_FAIL_VERSION, "wrong version: server protocol %u, this client %d", w.version,
             PROTO_VERSION);
        return;
    }
    if (w.tick_hz != PROTO_TICK_HZ || w.player_id != c->player_id) {
        fail(c, CLI_FAIL_PROTOCOL,
             "protocol error: WELCOME says tick %u Hz, id %u (expected %d Hz, id %d)", w.tick_hz,
             w.player_id, PROTO_TICK_HZ, c->player_id);
        return;
    }
    c->welcome = w;
    c->have_welcome = true;
    cli_clock_observe(&c->clock, w.server_tick, now_us, clock_rtt(c, now_us));
    c->phase = JOIN_MAP;
    c->deadline_us = now_us + (uint64_t)c->cfg.step_timeout_ms * 1000u;
}

static void on_map(CliConn *c, const uint8_t *data, size_t len, uint64_t now_us)
{
    if (c->phase != JOIN_MAP) {
        c->stats.bad_messages++;
        return;
    }
    MsgMap m;
    MsgError e = msg_map_decode(data, len, &m);
    if (e != MSG_OK) {
        fail(c, CLI_FAIL_MAP, "bad map: MAP message rejected (%s)", msg_error_str(e));
        return;
    }
    if (m.checksum != c->welcome.map_checksum) {
        fail(c, CLI_FAIL_MAP, "bad map: checksum %08x, WELCOME announced %08x",
             (unsigned)m.checksum, (unsigned)c->welcome.map_checksum);
        return;
    }
    MapError me;
    if (!map_load(&c->map, m.text, m.len, &me)) {
        fail(c, CLI_FAIL_MAP, "bad map: %d:%d: %s", me.line, me.col, me.msg);
        return;
    }
    c->have_map = true;
    cli_predict_init(&c->predict, &c->map);
    c->phase = JOIN_SNAPSHOT;
    c->deadline_us = now_us + (uint64_t)c->cfg.step_timeout_ms * 1000u;
}

static void on_event(CliConn *c, const uint8_t *data, size_t len)
{
    MsgEvent ev;
    if (msg_event_decode(data, len, &ev) != MSG_OK) {
        c->stats.bad_messages++;
        return;
    }
    c->stats.events++;
    switch (ev.kind) {
    case MSG_EV_PLAYER:
        snprintf(c->names[ev.a], sizeof c->names[ev.a], "%s", ev.name);
        c->legend[ev.a] = false; /* a new player in that slot; LEGEND follows if earned */
        break;
    case MSG_EV_LEFT:
        c->names[ev.a][0] = '\0';
        c->legend[ev.a] = false;
        break;
    case MSG_EV_LEGEND:
        c->legend[ev.a] = true;
        break;
    case MSG_EV_HIT:
        if (ev.a == c->player_id)
            c->stats.hits_scored++;
        if (ev.b == c->player_id)
            c->stats.hits_taken++;
        break;
    default:
        break;
    }
    if (c->cfg.on_event != NULL)
        c->cfg.on_event(c->cfg.user, &ev);
}

/* ---- snapshots ------------------------------------------------------------------------- */

static const Snapshot *ring_find(const CliConn *c, uint32_t tick)
{
    for (unsigned i = 0; i < CLI_CONN_SNAP_RING; i++)
        if (c->ring[i].tick == tick)
            return &c->ring[i];
    return NULL;
}

/* Copies s into the ring; the entity pool is used as a circular run, and ring entries whose
 * storage gets overwritten are forgotten (they are the oldest). */
static void ring_store(CliConn *c, const Snapshot *s)
{
    if (c->pool_head + s->count > c->pool_cap)
        c->pool_head = 0;
    uint32_t lo = c->pool_head, hi = lo + s->count;
    for (unsigned i = 0; i < CLI_CONN_SNAP_RING; i++) {
        Snapshot *r = &c->ring[i];
        if (r->tick == 0 || r->count == 0)
            continue;
        uint32_t r0 = (uint32_t)(r->ents - c->pool);
        if (lo < r0 + r->count && r0 < hi)
            r->tick = 0;
    }
    unsigned slot = c->ring_next;
    c->ring_next = (c->ring_next + 1) % CLI_CONN_SNAP_RING;
    Snapshot *dst = &c->ring[slot];
    snap_init(dst, c->pool + lo, (uint16_t)(s->count > 0 ? s->count : 1));
    (void)snap_copy(dst, s); /* capacity == count: cannot fail */
    c->pool_head = hi;
    c->latest = (int)slot;
}

/* Tells the on_snapshot callback (if any) what became of one SNAPSHOT message. */
static void report_snapshot(const CliConn *c, CliSnapOutcome outcome, uint32_t tick, uint32_t base,
                            size_t len, uint64_t now_us, uint16_t entities, double correction)
{
    if (c->cfg.on_snapshot == NULL)
        return;
    CliSnapInfo info = {
        .outcome = (uint8_t)outcome,
        .tick = tick,
        .baseline_tick = base,
        .bytes = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len,
        .arrival_us = now_us,
        .entities = entities,
        .correction_units = correction,
    };
    c->cfg.on_snapshot(c->cfg.user, &info);
}

static void on_snapshot(CliConn *c, const uint8_t *data, size_t len, uint64_t now_us)
{
    if (c->phase < JOIN_SNAPSHOT && c->state != CLI_PLAYING) {
        /* Before the map (the unreliable channel overtook it): unacknowledged, so the server
         * keeps sending full snapshots until we take one. */
        c->stats.stale_snapshots++;
        report_snapshot(c, CLI_SNAP_STALE, 0, 0, len, now_us, 0, 0.0);
        return;
    }
    uint32_t tick = 0, base = 0;
    if (snap_peek(data, len, &tick, &base) != SNAP_OK) {
        c->stats.decode_errors++;
        report_snapshot(c, CLI_SNAP_BAD, 0, 0, len, now_us, 0, 0.0);
        return;
    }
    if (tick <= c->newest_tick) {
        c->stats.stale_snapshots++;
        report_snapshot(c, CLI_SNAP_STALE, tick, base, len, now_us, 0, 0.0);
        return;
    }
    const Snapshot *baseline = NULL;
    if (base != 0) {
        baseline = ring_find(c, base);
        if (baseline == NULL) {
            c->stats.decode_errors++;
            report_snapshot(c, CLI_SNAP_BAD, tick, base, len, now_us, 0, 0.0);
            return;
        }
    }
    SnapError e = snap_decode(data, len, baseline, &c->scratch);
    if (e != SNAP_OK) {
        c->stats.decode_errors++;
        report_snapshot(c, CLI_SNAP_BAD, tick, base, len, now_us, 0, 0.0);
        return;
    }
    ring_store(c, &c->scratch);
    const Snapshot *s = &c->ring[c->latest];
    c->newest_tick = s->tick;
    if (s->input_ack > c->input_ack)
        c->input_ack = s->input_ack;
    c->last_snapshot_us = now_us;
    c->stats.snapshots++;
    c->stats.full_snapshots += base == 0;
    c->stats.snapshot_bytes += len;
    if (len > c->stats.max_snapshot_bytes)
        c->stats.max_snapshot_bytes = (uint32_t)len;
    if (c->stats.first_snapshot_us == 0)
        c->stats.first_snapshot_us = now_us;
    else {
        uint64_t gap = now_us - c->stats.last_snapshot_us;
        if (gap > c->stats.max_snapshot_gap_us)
            c->stats.max_snapshot_gap_us = gap;
        c->stats.snapshot_gaps_250ms += gap > 250000u;
    }
    c->stats.last_snapshot_us = now_us;

    cli_clock_observe(&c->clock, s->tick, now_us, clock_rtt(c, now_us));
    (void)cli_interp_push(&c->interp, s, now_us);
    double correction = 0.0;
    if (s->has_self && s->self_id == c->player_id)
        correction = cli_predict_reconcile(&c->predict, s->tick, &s->self);

    if (c->state == CLI_JOINING) {
        c->state = CLI_PLAYING;
        c->was_playing = true;
        c->phase = JOIN_NONE;
        c->stats.play_start_us = now_us;
    }
    report_snapshot(c, CLI_SNAP_DECODED, s->tick, base, len, now_us, s->count, correction);
}

static void on_receive(CliConn *c, const ENetEvent *ev, uint64_t now_us)
{
    const uint8_t *data = ev->packet->data;
    size_t len = ev->packet->dataLength;
    c->stats.messages_down++;
    c->stats.payload_down += len;
    if (len == 0 || c->state == CLI_QUITTING) {
        c->stats.bad_messages += len == 0;
        return;
    }
    switch (data[0]) {
    case PROTO_MSG_WELCOME:
        on_welcome(c, data, len, now_us);
        break;
    case PROTO_MSG_MAP:
        on_map(c, data, len, now_us);
        break;
    case PROTO_MSG_SNAPSHOT:
        on_snapshot(c, data, len, now_us);
        break;
    case PROTO_MSG_EVENT:
        on_event(c, data, len);
        break;
    default:
        c->stats.bad_messages++;
        break;
    }
}

static void enet_drain(CliConn *c, uint64_t now_us)
{
    ENetEvent ev;
    /* Service until ENet has nothing more (ENet issues #64/#85), bounded. */
    for (int guard = 0; guard < 4096 && c->host != NULL && !c->enet_done; guard++) {
        int r = enet_host_service(c->host, &ev, 0);
        if (r <= 0)
            break;
        switch (ev.type) {
        case ENET_EVENT_TYPE_CONNECT:
            on_enet_connect(c, now_us);
            break;
        case ENET_EVENT_TYPE_RECEIVE:
            on_receive(c, &ev, now_us);
            enet_packet_destroy(ev.packet);
            break;
        case ENET_EVENT_TYPE_DISCONNECT:
            on_enet_disconnect(c, ev.data);
            break;
        case ENET_EVENT_TYPE_NONE:
            break;
        }
        if (c->state == CLI_FAILED)
            break;
    }
}

/* ---- the client tick ------------------------------------------------------------------- */

static void send_input(CliConn *c)
{
    MsgInput m;
    memset(&m, 0, sizeof m);
    m.snapshot_ack = c->newest_tick;
    m.newest_tick = c->clock.last_tick;
    /* Every input the server has not applied, newest first, consecutive ticks. */
    for (uint32_t t = m.newest_tick; t > c->input_ack && t >= 1 && m.count < PROTO_INPUT_WINDOW;
         t--) {
        if (!cli_predict_input(&c->predict, t, &m.inputs[m.count]))
            break;
        m.count++;
    }
    if (m.count == 0) {
        /* Everything acknowledged (we are behind): still carry the newest and the ack. */
        if (!cli_predict_input(&c->predict, m.newest_tick, &m.inputs[0]))
            return;
        m.count = 1;
    }
    uint8_t buf[MSG_INPUT_MAX_BYTES];
    size_t n = msg_input_encode(&m, buf, sizeof buf);
    if (n > 0 && send_enet(c, PROTO_CH_INPUT, buf, n, ENET_PACKET_FLAG_UNSEQUENCED))
        c->stats.inputs_sent++;
}

static void run_ticks(CliConn *c, uint64_t now_us)
{
    uint32_t first = 0;
    unsigned n = cli_clock_advance(&c->clock, now_us, clock_rtt(c, now_us), &first);
    for (unsigned i = 0; i < n; i++) {
        cli_predict_step(&c->predict, first + i, &c->input);
        c->stats.input_ticks++;
    }
    if (n > 0)
        send_input(c);
}

/* ---- public ---------------------------------------------------------------------------- */

CliConn *cli_conn_create(const CliConnConfig *cfg, uint64_t now_us, char *err, size_t errlen)
{
    size_t nl = strlen(cfg->name);
    if (nl == 0 || nl > PROTO_NAME_MAX || strchr(cfg->name, ' ') != NULL ||
        !line_text_valid((const uint8_t *)cfg->name, nl)) {
        snprintf(err, errlen, "name '%s' is not 1-%d bytes without spaces", cfg->name,
                 PROTO_NAME_MAX);
        return NULL;
    }
    if (cfg->host[0] == '\0' || cfg->login_port == 0 || cfg->step_timeout_ms == 0 ||
        cfg->silence_timeout_ms == 0 || cfg->quit_timeout_ms == 0 || cfg->keepalive_ms == 0 ||
        cfg->baseline_pool_entities < PROTO_MAX_ENTITIES ||
        cfg->interp_pool_entities < PROTO_MAX_ENTITIES) {
        snprintf(err, errlen,
                 "bad connection settings (empty host, zero port or timeout, or "
                 "an entity pool below %d)",
                 PROTO_MAX_ENTITIES);
        return NULL;
    }
    size_t cl = strnlen(cfg->claim, sizeof cfg->claim);
    if (cl != 0 && (cl != 2 * PROTO_TOKEN_BYTES || strspn(cfg->claim, "0123456789abcdef") != cl)) {
        snprintf(err, errlen, "a claim is %d lower-case hex digits", 2 * PROTO_TOKEN_BYTES);
        return NULL;
    }
    CliConn *c = calloc(1, sizeof *c);
    if (c == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->cfg = *cfg;
    c->fd = -1;
    c->player_id = -1;
    c->latest = -1;
    c->last_service_us = now_us;
    c->last_tcp_send_us = now_us;
    line_reader_init(&c->reader);
    cli_clock_init(&c->clock);
    cli_chat_init(&c->chat);
    c->pool_cap = cfg->baseline_pool_entities;
    c->pool = calloc(c->pool_cap, sizeof *c->pool);
    c->interp_pool = calloc(cfg->interp_pool_entities, sizeof *c->interp_pool);
    c->scratch_ents = calloc(PROTO_MAX_ENTITIES, sizeof *c->scratch_ents);
    c->host = enet_host_create(NULL, 1, PROTO_CHANNEL_COUNT, 0, 0);
    if (c->pool == NULL || c->interp_pool == NULL || c->scratch_ents == NULL || c->host == NULL) {
        snprintf(err, errlen, "%s",
                 c->host == NULL ? "cannot create an ENet host (UDP socket)" : "out of memory");
        cli_conn_destroy(c);
        return NULL;
    }
    c->host->intercept = on_datagram;
    c->host->checksum = enet_crc32; /* the protocol's checksum over the connection id */
    /* The MTU a peer asks for in its CONNECT is the peer's own, copied from the host when the
     * peer is reset; enet_host_create reset it with the default (1400). Reset it again so the
     * server is asked for datagrams of at most PROTO_MAX_DATAGRAM bytes (PROTO_ENET_MTU: ENet
     * adds its checksum on top of the MTU). */
    c->host->mtu = PROTO_ENET_MTU;
    enet_peer_reset(&c->host->peers[0]);
    snap_init(&c->scratch, c->scratch_ents, PROTO_MAX_ENTITIES);
    cli_interp_init(&c->interp, c->interp_pool, cfg->interp_pool_entities);
    cli_predict_init(&c->predict, &c->map);

    /* Resolve (a numeric address never blocks; a name may, once, here). */
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    int gai = getaddrinfo(cfg->host, NULL, &hints, &res);
    if (gai != 0 || res == NULL) {
        snprintf(c->addr_text, sizeof c->addr_text, "%.40s:%u", cfg->host, cfg->login_port);
        fail(c, CLI_FAIL_RESOLVE, "cannot resolve '%s': %s", cfg->host,
             gai != 0 ? gai_strerror(gai) : "no IPv4 address");
        if (res != NULL)
            freeaddrinfo(res);
        return c;
    }
    memcpy(&c->server, res->ai_addr, sizeof c->server);
    freeaddrinfo(res);
    c->server.sin_port = htons(cfg->login_port);
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &c->server.sin_addr, ip, sizeof ip);
    snprintf(c->addr_text, sizeof c->addr_text, "%s:%u", ip, cfg->login_port);

    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        fail(c, CLI_FAIL_INTERNAL, "socket: %s", strerror(errno));
        return c;
    }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->state = CLI_CONNECTING;
    c->deadline_us = now_us + (uint64_t)cfg->step_timeout_ms * 1000u;
    if (connect(c->fd, (struct sockaddr *)&c->server, sizeof c->server) == 0)
        tcp_connected(c, now_us);
    else if (errno != EINPROGRESS)
        fail(c, CLI_FAIL_CONNECT, "cannot connect to %s: %s", c->addr_text, strerror(errno));
    return c;
}

void cli_conn_destroy(CliConn *c)
{
    if (c == NULL)
        return;
    close_tcp(c);
    if (c->host != NULL) {
        drop_enet(c);
        enet_host_destroy(c->host);
    }
    free(c->pool);
    free(c->interp_pool);
    free(c->scratch_ents);
    free(c);
}

unsigned cli_conn_pollfds(const CliConn *c, struct pollfd *fds, unsigned cap)
{
    unsigned n = 0;
    if (c->state == CLI_FAILED || c->state == CLI_CLOSED)
        return 0;
    if (c->fd >= 0 && n < cap) {
        short ev = POLLIN;
        if (c->state == CLI_CONNECTING || c->out_len > 0)
            ev |= POLLOUT;
        fds[n++] = (struct pollfd){.fd = c->fd, .events = ev};
    }
    if (c->host != NULL && c->peer != NULL && n < cap)
        fds[n++] = (struct pollfd){.fd = c->host->socket, .events = POLLIN};
    return n;
}

uint64_t cli_conn_next_wake_us(const CliConn *c, uint64_t now_us)
{
    if (c->state == CLI_FAILED || c->state == CLI_CLOSED)
        return now_us + 1000000u;
    uint64_t wake = c->last_service_us + ENET_SERVICE_US;
    if (c->state != CLI_PLAYING && c->deadline_us < wake)
        wake = c->deadline_us;
    if (c->state == CLI_PLAYING && c->clock.running) {
        uint64_t due = cli_clock_next_due_us(&c->clock);
        if (due < wake)
            wake = due;
    }
    return wake;
}

static const char *phase_step(JoinPhase p)
{
    switch (p) {
    case JOIN_ENET:
        return "no ENet connection to the game port";
    case JOIN_WELCOME:
        return "no WELCOME after BIND";
    case JOIN_MAP:
        return "no MAP after WELCOME";
    case JOIN_SNAPSHOT:
        return "no snapshot after MAP";
    default:
        return "no progress";
    }
}

static void check_deadlines(CliConn *c, uint64_t now_us)
{
    unsigned step_s = (c->cfg.step_timeout_ms + 999) / 1000;
    switch (c->state) {
    case CLI_CONNECTING:
        if (now_us >= c->deadline_us)
            fail(c, CLI_FAIL_TIMEOUT, "timeout: TCP connect to %s took over %u s", c->addr_text,
                 step_s);
        break;
    case CLI_LOGGING_IN:
        if (now_us >= c->deadline_us)
            fail(c, CLI_FAIL_TIMEOUT, "timeout: no answer to LOGIN from %s within %u s",
                 c->addr_text, step_s);
        break;
    case CLI_JOINING:
        if (now_us >= c->deadline_us)
            fail(c, CLI_FAIL_TIMEOUT, "timeout: %s within %u s", phase_step(c->phase), step_s);
        break;
    case CLI_PLAYING:
        if (now_us - c->last_snapshot_us > (uint64_t)c->cfg.silence_timeout_ms * 1000u)
            fail(c, CLI_FAIL_SERVER_GONE, "server gone: no snapshot for %u s",
                 (c->cfg.silence_timeout_ms + 999) / 1000);
        else if (now_us - c->last_tcp_send_us > (uint64_t)c->cfg.keepalive_ms * 1000u &&
                 c->out_len == 0)
            queue_line(c, "PING");
        break;
    case CLI_QUITTING:
        if (c->tcp_done && c->enet_done)
            finish_closed(c);
        else if (now_us >= c->deadline_us)
            finish_closed(c); /* we asked to leave; a slow goodbye is not a failure */
        break;
    case CLI_CLOSED:
    case CLI_FAILED:
        break;
    }
}

void cli_conn_service(CliConn *c, uint64_t now_us)
{
    if (c->state == CLI_FAILED || c->state == CLI_CLOSED)
        return;
    double dt_s = now_us > c->last_service_us ? (double)(now_us - c->last_service_us) / 1e6 : 0;
    c->last_service_us = now_us;

    if (c->state == CLI_CONNECTING)
        tcp_check_connect(c, now_us);
    if (c->fd >= 0 && c->state != CLI_CONNECTING)
        tcp_read(c, now_us);
    if (c->host != NULL && c->peer != NULL)
        enet_drain(c, now_us);
    check_deadlines(c, now_us);
    if (c->state == CLI_PLAYING) {
        run_ticks(c, now_us);
        cli_predict_decay(&c->predict, dt_s);
        if (now_us - c->last_rtt_sample_us >= RTT_SAMPLE_US && c->peer != NULL) {
            c->last_rtt_sample_us = now_us;
            uint32_t ms = c->peer->roundTripTime;
            c->stats.rtt_hist[ms < CLI_CONN_RTT_BUCKETS ? ms : CLI_CONN_RTT_BUCKETS - 1]++;
            c->stats.rtt_samples++;
        }
    }
    tcp_flush(c, now_us);
    if (c->host != NULL) {
        if (c->peer != NULL)
            enet_host_flush(c->host);
        c->stats.datagram_bytes_down += c->host->totalReceivedData;
        c->stats.datagram_bytes_up += c->host->totalSentData;
        c->stats.datagrams_down += c->host->totalReceivedPackets;
        c->stats.datagrams_up += c->host->totalSentPackets;
        c->host->totalReceivedData = 0;
        c->host->totalSentData = 0;
        c->host->totalReceivedPackets = 0;
        c->host->totalSentPackets = 0;
    }
}

void cli_conn_set_input(CliConn *c, const SimInput *in)
{
    c->input.buttons = (uint8_t)(in->buttons & SIM_BTN_MASK);
    c->input.aim = (uint16_t)(in->aim & (SIM_ANGLE_STEPS - 1));
}

void cli_conn_chat_note(CliConn *c, const char *text, uint64_t now_us)
{
    cli_chat_add_local(&c->chat, text, now_us);
}

bool cli_conn_send_line(CliConn *c, const char *line)
{
    if (c->state != CLI_LOGGING_IN && c->state != CLI_JOINING && c->state != CLI_PLAYING)
        return false;
    return queue_line(c, line);
}

CliChatCmd cli_conn_chat(CliConn *c, const char *typed)
{
    char line[PROTO_LINE_MAX + 1];
    bool is_chat = false;
    CliChatCmd r = cli_chat_command(typed, line, sizeof line, &is_chat);
    if (r != CLI_CMD_SEND)
        return r;
    if (!c->logged_in || !cli_conn_send_line(c, line))
        return CLI_CMD_NONE;
    if (is_chat)
        c->stats.chat_sent++;
    return CLI_CMD_SEND;
}

void cli_conn_quit(CliConn *c, const char *reason, uint64_t now_us)
{
    switch (c->state) {
    case CLI_CONNECTING:
        finish_closed(c);
        return;
    case CLI_LOGGING_IN:
    case CLI_JOINING:
    case CLI_PLAYING: {
        char line[PROTO_LINE_MAX];
        if (reason != NULL && reason[0] != '\0')
            snprintf(line, sizeof line, "QUIT %.200s", reason);
        else
            snprintf(line, sizeof line, "QUIT");
        if (!queue_line(c, line)) {
            finish_closed(c);
            return;
        }
        c->state = CLI_QUITTING;
        c->deadline_us = now_us + (uint64_t)c->cfg.quit_timeout_ms * 1000u;
        if (!c->enet_connected)
            drop_enet(c); /* nothing bound yet: nothing to wait for */
        tcp_flush(c, now_us);
        return;
    }
    case CLI_QUITTING:
    case CLI_CLOSED:
    case CLI_FAILED:
        return;
    }
}

CliState cli_conn_state(const CliConn *c)
{
    return c->state;
}

CliFailure cli_conn_failure(const CliConn *c)
{
    return c->failure;
}

const char *cli_conn_error(const CliConn *c)
{
    return c->error;
}

bool cli_conn_done(const CliConn *c)
{
    return c->state == CLI_CLOSED || c->state == CLI_FAILED;
}

bool cli_conn_was_playing(const CliConn *c)
{
    return c->was_playing;
}

const char *cli_conn_name(const CliConn *c)
{
    return c->cfg.name;
}

int cli_conn_player_id(const CliConn *c)
{
    return c->logged_in ? c->player_id : -1;
}

const Map *cli_conn_map(const CliConn *c)
{
    return c->have_map ? &c->map : NULL;
}

const MsgWelcome *cli_conn_welcome(const CliConn *c)
{
    return c->have_welcome ? &c->welcome : NULL;
}

bool cli_conn_is_legend(const CliConn *c, unsigned id)
{
    return id < PROTO_MAX_PLAYERS && c->legend[id];
}

const char *cli_conn_player_name(const CliConn *c, unsigned id)
{
    return id < PROTO_MAX_PLAYERS ? c->names[id] : "";
}

const CliStats *cli_conn_stats(const CliConn *c)
{
    return &c->stats;
}

const CliChat *cli_conn_chat_history(const CliConn *c)
{
    return &c->chat;
}

const CliPredict *cli_conn_predict(const CliConn *c)
{
    return &c->predict;
}

CliInterp *cli_conn_interp(CliConn *c)
{
    return &c->interp;
}

const CliClock *cli_conn_clock(const CliConn *c)
{
    return &c->clock;
}

const Snapshot *cli_conn_latest_snapshot(const CliConn *c)
{
    return c->latest >= 0 && c->ring[c->latest].tick != 0 ? &c->ring[c->latest] : NULL;
}

double cli_conn_rtt_ms(const CliConn *c)
{
    return rtt_ms(c);
}
