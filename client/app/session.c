/* session.c — see session.h. */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol.h"

/* The match's events: kills into the feed (named as they are now), MATCH and STATS. Sound
 * hooks (the integrator): every EVENT passes here, see docs/client.md "Match events". */
static void on_match_event(AppSession *s, const MsgEvent *ev)
{
    if (ev->kind == MSG_EV_KILL) {
        AppKill k = {.time_us = s->now_us, .killer = ev->a, .victim = ev->b};
        snprintf(k.killer_name, sizeof k.killer_name, "%s", cli_conn_player_name(s->conn, ev->a));
        snprintf(k.victim_name, sizeof k.victim_name, "%s", cli_conn_player_name(s->conn, ev->b));
        app_feed_push(&s->feed, &k);
    } else {
        AppMatchChange change = app_match_event(&s->match, ev);
        if (change != APP_MATCH_SAME)
            s->match_change = change; /* arena.c plays it (and clears it) this frame */
    }
}

static void on_event(void *user, const MsgEvent *ev)
{
    AppSession *s = user;
    if (ev->kind == MSG_EV_KILL || ev->kind == MSG_EV_MATCH || ev->kind == MSG_EV_STATS) {
        on_match_event(s, ev);
        return;
    }
    if (ev->kind != MSG_EV_HIT && ev->kind != MSG_EV_LEGEND)
        return;
    /* The hit happened about when a message arriving now left the server: one RTT/2 behind
     * the server tick estimate. A remote victim's burst is shown when the render clock (an
     * interpolation delay in the past) gets there. */
    const CliClock *clk = cli_conn_clock(s->conn);
    double tick = 0.0; /* our own player is drawn predicted, not delayed: at once */
    if (clk->synced && (int)ev->b != cli_conn_player_id(s->conn))
        tick = cli_clock_server_tick(clk, s->now_us) -
               cli_conn_rtt_ms(s->conn) * PROTO_TICK_HZ / 2000.0;
    if (ev->kind == MSG_EV_LEGEND) {
        /* Fireworks only when it happens, not for legends already present at join. */
        if (cli_conn_state(s->conn) == CLI_PLAYING)
            app_fx_queue_legend(&s->fx, ev->a, ev->a == cli_conn_player_id(s->conn) ? 0 : tick);
        return;
    }
    app_fx_queue_hit(&s->fx, ev->a, ev->b, tick);
    s->fx.pending[s->fx.pending_count - 1].fatal = ev->health == 0;
}

static void note(AppSession *s, const char *text)
{
    cli_conn_chat_note(s->conn, text, s->now_us);
}

static void on_line(void *user, const char *line)
{
    AppSession *s = user;
    bool who = app_scores_line(&s->scores, line, s->now_us);
    char buf[PROTO_LINE_MAX + 64];
    if (who && s->who_for_chat) {
        AppWhoEntry e;
        if (strncmp(line, "WHO ", 4) == 0) {
            unsigned long n = strtoul(line + 4, NULL, 10);
            snprintf(buf, sizeof buf, "%lu player%s online:", n, n == 1 ? "" : "s");
            note(s, buf);
        } else if (app_scores_parse_player(line + 7, &e)) {
            if (e.ping_ms >= 0)
                snprintf(buf, sizeof buf, "  %s  score %u  ping %d ms  (%s)", e.name, e.score,
                         e.ping_ms, e.playing ? "playing" : "chatting");
            else
                snprintf(buf, sizeof buf, "  %s  score %u  (%s)", e.name, e.score,
                         e.playing ? "playing" : "chatting");
            note(s, buf);
        }
        if (!s->scores.pending_open)
            s->who_for_chat = false; /* the answer is complete */
        return;
    }
    if (strncmp(line, "HELP ", 5) == 0) {
        if (strcmp(line + 5, "END") != 0)
            note(s, line + 5);
        return;
    }
    if (s->pings_for_chat > 0 && (strcmp(line, "PONG") == 0 || strncmp(line, "PONG ", 5) == 0)) {
        s->pings_for_chat--; /* the core's own keep-alive PINGs are answered silently */
        snprintf(buf, sizeof buf, "pong%s%s (ping %.0f ms)", line[4] ? ": " : "",
                 line[4] ? line + 5 : "", cli_conn_rtt_ms(s->conn));
        note(s, buf);
    }
}

/* The server recorded us as a legend: keep the secret that makes the name ours there. */
/* Malformed input from the server (the core calls this a few times a second at most). */
static void on_bad_input(void *user, const char *what)
{
    (void)user;
    fprintf(stderr, "arena-client: from the server: %s\n", what);
}

static void on_claim(void *user, const char *name, const char *hex)
{
    AppSession *s = user;
    char buf[PROTO_LINE_MAX + CLI_CLAIMS_ERR_MAX];
    char err[CLI_CLAIMS_ERR_MAX];
    if (s->claims == NULL || s->claims_path[0] == '\0') {
        note(s, "The server gave you a legend's claim, but no claims file is kept (--claims).");
        return;
    }
    if (!cli_claims_put(s->claims, s->target, name, hex) ||
        !cli_claims_save(s->claims, s->claims_path, err, sizeof err)) {
        snprintf(buf, sizeof buf, "Cannot keep your legend's claim: %s",
                 s->claims->count == CLI_CLAIMS_MAX ? "too many claims" : err);
        note(s, buf);
        return;
    }
    snprintf(buf, sizeof buf, "The name %s is yours on this server: its claim is kept in %s.", name,
             s->claims_path);
    note(s, buf);
}

static void on_snapshot(void *user, const CliSnapInfo *info)
{
    AppSession *s = user;
    if (!s->ng_ready) {
        const MsgWelcome *w = cli_conn_welcome(s->conn);
        app_ng_init(&s->ng, w != NULL ? w->snapshot_hz : 0);
        s->ng_ready = true;
    }
    if (info->outcome == CLI_SNAP_DECODED) {
        app_ng_snapshot(&s->ng, info->tick, info->bytes, info->baseline_tick == 0,
                        info->arrival_us);
        if (info->correction_units > 0.0)
            s->corrections++;
    } else {
        app_ng_dropped(&s->ng, info->bytes, info->arrival_us);
    }
}

AppSession *app_session_create(const char *host, uint16_t port, const char *name, int colour,
                               const char *claims_path, uint64_t now_us, char *err, size_t errlen)
{
    AppSession *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(s->target, sizeof s->target, "%s:%u", host, port);
    app_ng_init(&s->ng, 0);
    app_lag_init(&s->lag);
    app_scores_init(&s->scores);
    app_fx_init(&s->fx, now_us ^ 0x5DEECE66Dull);
    app_feed_init(&s->feed);
    app_match_init(&s->match);
    s->now_us = now_us;

    CliConnConfig cfg;
    cli_conn_default_config(&cfg);
    if (strlen(host) >= sizeof cfg.host || strlen(name) > PROTO_NAME_MAX) {
        snprintf(err, errlen, "host or name too long");
        free(s);
        return NULL;
    }
    snprintf(cfg.host, sizeof cfg.host, "%s", host);
    snprintf(cfg.name, sizeof cfg.name, "%s", name);
    cfg.login_port = port;
    cfg.colour = colour;
    cfg.on_event = on_event;
    cfg.on_line = on_line;
    cfg.on_snapshot = on_snapshot;
    cfg.on_claim = on_claim;
    cfg.on_bad_input = on_bad_input;
    cfg.user = s;
    char claims_err[CLI_CLAIMS_ERR_MAX] = "";
    if (claims_path != NULL && claims_path[0] != '\0') {
        snprintf(s->claims_path, sizeof s->claims_path, "%s", claims_path);
        s->claims = calloc(1, sizeof *s->claims);
        if (s->claims != NULL &&
            !cli_claims_load(s->claims, claims_path, claims_err, sizeof claims_err))
            s->claims->count = 0; /* said below; the file is left as it is */
        const char *claim = s->claims ? cli_claims_find(s->claims, s->target, name) : NULL;
        if (claim != NULL)
            snprintf(cfg.claim, sizeof cfg.claim, "%s", claim);
    }
    s->conn = cli_conn_create(&cfg, now_us, err, errlen);
    if (s->conn == NULL) {
        free(s->claims);
        free(s);
        return NULL;
    }
    if (claims_err[0] != '\0') {
        char buf[CLI_CLAIMS_ERR_MAX + 32];
        snprintf(buf, sizeof buf, "Claims file not read: %s", claims_err);
        note(s, buf);
        s->claims_path[0] = '\0'; /* never overwrite a file we could not read */
    }
    return s;
}

AppColor app_session_player_color(const AppSession *s, unsigned id)
{
    return app_player_color(s != NULL ? cli_conn_player_colour(s->conn, id) : id);
}

void app_session_destroy(AppSession *s)
{
    if (s == NULL)
        return;
    cli_conn_destroy(s->conn);
    free(s->claims);
    free(s);
}

void app_session_service(AppSession *s, uint64_t now_us)
{
    s->now_us = now_us;
    cli_conn_service(s->conn, now_us);
    const CliStats *st = cli_conn_stats(s->conn);
    app_ng_traffic(&s->ng, now_us, st->datagram_bytes_down + st->tcp_bytes_down,
                   st->datagram_bytes_up + st->tcp_bytes_up);
    if (s->in_arena && cli_conn_state(s->conn) == CLI_PLAYING)
        s->arena_end_us = now_us;
}

void app_session_chat(AppSession *s, const char *typed, uint64_t now_us)
{
    s->now_us = now_us;
    /* Peek at the command to know whether a WHO answer should be echoed. */
    char line[PROTO_LINE_MAX + 1];
    bool is_chat = false;
    CliChatCmd r = cli_chat_command(typed, line, sizeof line, &is_chat);
    if (r == CLI_CMD_NONE)
        return;
    if (r != CLI_CMD_SEND) {
        char buf[PROTO_LINE_MAX + 64];
        switch (r) {
        case CLI_CMD_UNKNOWN: {
            char list[PROTO_LINE_MAX];
            cli_chat_usage(NULL, list, sizeof list);
            snprintf(buf, sizeof buf, "unknown command; try /help (%s)", list);
            break;
        }
        case CLI_CMD_USAGE:
            cli_chat_usage(typed, buf, sizeof buf);
            break;
        case CLI_CMD_TOO_LONG:
            snprintf(buf, sizeof buf, "not sent: chat text is at most %d bytes", PROTO_CHAT_MAX);
            break;
        default:
            snprintf(buf, sizeof buf, "not sent: %s", cli_chat_cmd_str(r));
            break;
        }
        note(s, buf);
        return;
    }
    if (strcmp(line, "HELP") == 0) { /* the client's own commands, not the server's lines */
        char buf[PROTO_LINE_MAX];
        for (unsigned i = 0; cli_chat_help_line(i, buf, sizeof buf) > 0; i++)
            note(s, buf);
        return;
    }
    if (strcmp(line, "WHO") == 0) {
        s->who_for_chat = true;
        s->last_who_us = now_us;
    }
    if (strncmp(line, "PING", 4) == 0)
        s->pings_for_chat++;
    if (cli_conn_chat(s->conn, typed) != CLI_CMD_SEND) {
        note(s, "not sent: not connected, or too much queued");
        s->who_for_chat = false;
    }
}

void app_session_want_scores(AppSession *s, uint64_t now_us)
{
    if (s->last_who_us != 0 && now_us - s->last_who_us < (uint64_t)(APP_WHO_PERIOD_S * 1e6))
        return;
    if (cli_conn_send_line(s->conn, "WHO"))
        s->last_who_us = now_us;
}

void app_session_arena_frame(AppSession *s, uint64_t now_us)
{
    if (!s->in_arena) {
        s->in_arena = true;
        s->arena_start_us = now_us;
    }
    s->arena_end_us = now_us;
    s->delay_ms_sum += cli_interp_delay_ms(cli_conn_interp(s->conn));
    s->rtt_ms_sum += cli_conn_rtt_ms(s->conn);
    s->delay_samples++;
}

double app_session_arena_seconds(const AppSession *s, uint64_t now_us)
{
    (void)now_us;
    if (!s->in_arena || s->arena_end_us <= s->arena_start_us)
        return 0.0;
    return (double)(s->arena_end_us - s->arena_start_us) / 1e6;
}

const char *app_session_player_name(void *session, unsigned id)
{
    AppSession *s = session;
    return cli_conn_player_name(s->conn, id);
}
