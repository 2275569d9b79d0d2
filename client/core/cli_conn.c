/* cli_conn.c — see cli_conn.h; the private state and the other files of a connection are
 * listed in cli_conn_int.h. This file owns the lifecycle: create and destroy, the service
 * round (who runs when), every deadline, failure and the polite quit, and the accessors. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_conn_int.h"

enum {
    /* Each join step (TCP connect, LOGIN, ENet connect) may take a few retransmissions on a
     * bad link: 10 s covers a 750 ms round trip with 5 % loss. The steps after BIND (WELCOME,
     * MAP) get CLI_RELIABLE_STEP_FACTOR times as long (cli_conn_int.h). */
    DEFAULT_STEP_MS = 10000,
    DEFAULT_SILENCE_MS = 5000,
    DEFAULT_QUIT_MS = 2000,
    DEFAULT_KEEPALIVE_MS = 60000,
    DEFAULT_POOL = 8 * PROTO_MAX_ENTITIES,
};

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
    cfg->colour = -1;
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

void cli_conn_fail(CliConn *c, CliFailure why, const char *fmt, ...)
{
    if (c->state == CLI_FAILED || c->state == CLI_CLOSED)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->error, sizeof c->error, fmt, ap);
    va_end(ap);
    c->failure = why;
    c->state = CLI_FAILED;
    cli_tcp_close(c);
    cli_enet_drop(c);
}

void cli_conn_finish_closed(CliConn *c)
{
    cli_tcp_close(c);
    cli_enet_drop(c);
    c->state = CLI_CLOSED;
}

void cli_conn_deadline(CliConn *c, uint64_t now_us, unsigned ms)
{
    c->deadline_us = now_us + (uint64_t)ms * 1000u;
    c->deadline_ms = ms;
}

void cli_conn_note_bad(CliConn *c, uint64_t now_us, const char *what)
{
    uint64_t suppressed = 0;
    if (c->cfg.on_bad_input == NULL || !cli_ratelog_allow(&c->bad_log, now_us, &suppressed))
        return;
    char text[192];
    if (suppressed > 0)
        snprintf(text, sizeof text, "%s (and %llu more not logged)", what,
                 (unsigned long long)suppressed);
    else
        snprintf(text, sizeof text, "%s", what);
    c->cfg.on_bad_input(c->cfg.user, text);
}

/* ---- create and destroy ---------------------------------------------------------------- */

static bool config_valid(const CliConnConfig *cfg, char *err, size_t errlen)
{
    size_t nl = strlen(cfg->name);
    if (nl == 0 || nl > PROTO_NAME_MAX || strchr(cfg->name, ' ') != NULL ||
        !line_text_valid((const uint8_t *)cfg->name, nl)) {
        snprintf(err, errlen, "name '%s' is not 1-%d bytes without spaces", cfg->name,
                 PROTO_NAME_MAX);
        return false;
    }
    if (cfg->host[0] == '\0' || cfg->login_port == 0 || cfg->step_timeout_ms == 0 ||
        cfg->silence_timeout_ms == 0 || cfg->quit_timeout_ms == 0 || cfg->keepalive_ms == 0 ||
        cfg->baseline_pool_entities < PROTO_MAX_ENTITIES ||
        (cfg->interp_pool_entities < PROTO_MAX_ENTITIES && !cfg->light)) {
        snprintf(err, errlen,
                 "bad connection settings (empty host, zero port or timeout, or "
                 "an entity pool below %d)",
                 PROTO_MAX_ENTITIES);
        return false;
    }
    size_t cl = strnlen(cfg->claim, sizeof cfg->claim);
    if (cl != 0 && (cl != 2 * PROTO_CLAIM_BYTES || strspn(cfg->claim, "0123456789abcdef") != cl)) {
        snprintf(err, errlen, "a claim is %d lower-case hex digits", 2 * PROTO_CLAIM_BYTES);
        return false;
    }
    return true;
}

CliConn *cli_conn_create(const CliConnConfig *cfg, uint64_t now_us, char *err, size_t errlen)
{
    if (!config_valid(cfg, err, errlen))
        return NULL;
    CliConn *c = calloc(1, sizeof *c);
    if (c == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->cfg = *cfg;
    c->fd = -1;
    c->player_id = -1;
    c->last_service_us = now_us;
    c->last_enet_service_us = now_us;
    c->last_tcp_send_us = now_us;
    line_reader_init(&c->reader);
    cli_clock_init_cautious(&c->clock);
    cli_chat_init(&c->chat);
    /* A light connection keeps no interpolation buffer (cli_conn.h). */
    uint32_t interp_cap = cfg->light ? 0 : cfg->interp_pool_entities;
    if (interp_cap > 0)
        c->interp_pool = calloc(interp_cap, sizeof *c->interp_pool);
    bool mem = cli_baselines_init(c) && (interp_cap == 0 || c->interp_pool != NULL);
    if (!mem || !cli_enet_create(c)) {
        snprintf(err, errlen, "%s",
                 mem ? "cannot create an ENet host (UDP socket)" : "out of memory");
        cli_conn_destroy(c);
        return NULL;
    }
    cli_interp_init(&c->interp, c->interp_pool, interp_cap);
    cli_predict_init(&c->predict, &c->map);
    (void)cli_tcp_open(c, now_us); /* a failure leaves c in CLI_FAILED with the reason */
    return c;
}

void cli_conn_destroy(CliConn *c)
{
    if (c == NULL)
        return;
    cli_tcp_close(c);
    if (c->host != NULL) {
        cli_enet_drop(c);
        enet_host_destroy(c->host);
    }
    cli_baselines_free(c);
    free(c->interp_pool);
    free(c);
}

/* ---- the service round ----------------------------------------------------------------- */

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
    uint64_t wake = c->last_enet_service_us + CLI_ENET_SERVICE_US;
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
    unsigned step_s = (c->deadline_ms + 999) / 1000;
    switch (c->state) {
    case CLI_CONNECTING:
        if (now_us >= c->deadline_us)
            cli_conn_fail(c, CLI_FAIL_TIMEOUT, "timeout: TCP connect to %s took over %u s",
                          c->addr_text, step_s);
        break;
    case CLI_LOGGING_IN:
        if (now_us >= c->deadline_us)
            cli_conn_fail(c, CLI_FAIL_TIMEOUT, "timeout: no answer to LOGIN from %s within %u s",
                          c->addr_text, step_s);
        break;
    case CLI_JOINING:
        if (now_us < c->deadline_us)
            break;
        if (c->phase == JOIN_ENET) /* the server tells a refusal: it said nothing */
            cli_conn_fail(c, CLI_FAIL_TIMEOUT,
                          "timeout: %s (UDP %u) within %u s, and the server gave no reason: "
                          "is UDP blocked between here and the server?",
                          phase_step(c->phase), (unsigned)c->udp_port, step_s);
        else
            cli_conn_fail(c, CLI_FAIL_TIMEOUT, "timeout: %s within %u s", phase_step(c->phase),
                          step_s);
        break;
    case CLI_PLAYING:
        if (now_us - c->last_snapshot_us > (uint64_t)c->cfg.silence_timeout_ms * 1000u)
            cli_conn_fail(c, CLI_FAIL_SERVER_GONE, "server gone: no snapshot for %u s",
                          (c->cfg.silence_timeout_ms + 999) / 1000);
        else if (now_us - c->last_tcp_send_us > (uint64_t)c->cfg.keepalive_ms * 1000u &&
                 c->out_len == 0)
            cli_tcp_queue_line(c, "PING");
        break;
    case CLI_QUITTING:
        if (c->tcp_done && c->enet_done)
            cli_conn_finish_closed(c);
        else if (now_us >= c->deadline_us)
            cli_conn_finish_closed(c); /* we asked to leave; a slow goodbye is not a failure */
        break;
    case CLI_CLOSED:
    case CLI_FAILED:
        break;
    }
}

/* One service round. tcp_io / udp_io: the socket had events (or the caller does not know);
 * io_once: the caller waits level-triggered, so one ENet service per round does. */
static void service(CliConn *c, uint64_t now_us, bool tcp_io, bool udp_io, bool io_once)
{
    if (c->state == CLI_FAILED || c->state == CLI_CLOSED)
        return;
    double dt_s = now_us > c->last_service_us ? (double)(now_us - c->last_service_us) / 1e6 : 0;
    c->last_service_us = now_us;

    if (c->state == CLI_CONNECTING && tcp_io)
        cli_tcp_check_connect(c, now_us);
    if (c->fd >= 0 && c->state != CLI_CONNECTING && tcp_io)
        cli_tcp_read(c, now_us);
    if (c->host == NULL || c->peer == NULL)
        c->last_enet_service_us = now_us; /* no ENet connection: no timers */
    else if (udp_io || now_us - c->last_enet_service_us >= CLI_ENET_SERVICE_US)
        cli_enet_drain(c, now_us, io_once);
    check_deadlines(c, now_us);
    if (c->state == CLI_PLAYING) {
        cli_tick_run(c, now_us);
        if (!c->cfg.light)
            cli_predict_decay(&c->predict, dt_s);
        cli_stats_rtt_sample(c, now_us);
    }
    if (!c->cfg.light)
        cli_stats_interp(&c->stats, &c->interp);
    cli_tcp_flush(c, now_us);
    if (c->host != NULL) {
        if (c->peer != NULL)
            enet_host_flush(c->host);
        cli_stats_take_host_counters(c);
    }
}

void cli_conn_service(CliConn *c, uint64_t now_us)
{
    service(c, now_us, true, true, false);
}

void cli_conn_service_polled(CliConn *c, uint64_t now_us, const struct pollfd *fds, unsigned n)
{
    bool tcp_io = false, udp_io = false;
    for (unsigned i = 0; i < n; i++) {
        if (fds[i].revents == 0)
            continue;
        if (fds[i].fd >= 0 && fds[i].fd == c->fd)
            tcp_io = true;
        else if (c->host != NULL && fds[i].fd == c->host->socket)
            udp_io = true;
    }
    service(c, now_us, tcp_io, udp_io, true);
}

/* ---- controls, chat, quit -------------------------------------------------------------- */

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
    return cli_tcp_queue_line(c, line);
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
        cli_conn_finish_closed(c);
        return;
    case CLI_LOGGING_IN:
    case CLI_JOINING:
    case CLI_PLAYING: {
        char line[PROTO_LINE_MAX];
        if (reason != NULL && reason[0] != '\0')
            snprintf(line, sizeof line, "QUIT %.*s", (int)PROTO_CHAT_MAX, reason);
        else
            snprintf(line, sizeof line, "QUIT");
        if (!cli_tcp_queue_line(c, line)) {
            cli_conn_finish_closed(c);
            return;
        }
        c->state = CLI_QUITTING;
        c->deadline_us = now_us + (uint64_t)c->cfg.quit_timeout_ms * 1000u;
        if (!c->enet_connected)
            cli_enet_drop(c); /* nothing bound yet: nothing to wait for */
        cli_tcp_flush(c, now_us);
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

unsigned cli_conn_player_colour(const CliConn *c, unsigned id)
{
    if (id >= PROTO_MAX_PLAYERS)
        return 0;
    return c->colour_known[id] ? c->colour[id] : id;
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
    return c->latest != NULL && c->latest->tick != 0 ? c->latest : NULL;
}

double cli_conn_rtt_ms(const CliConn *c)
{
    return cli_enet_rtt_ms(c);
}
