/* cli_messages.c — game messages from the server over ENet: WELCOME and MAP (steps of the
 * join, whose failures end it), EVENT (names, legends, hits) and the dispatch by type
 * (SNAPSHOT goes to cli_baselines.c). Part of CliConn (cli_conn_int.h). */
#include <stdio.h>
#include <string.h>

#include "cli_conn_int.h"

static void on_welcome(CliConn *c, const uint8_t *data, size_t len, uint64_t now_us)
{
    if (c->phase != JOIN_WELCOME) {
        c->stats.bad_messages++;
        cli_conn_note_bad(c, now_us, "unexpected WELCOME");
        return;
    }
    MsgWelcome w;
    MsgError e = msg_welcome_decode(data, len, &w);
    if (e != MSG_OK) {
        cli_conn_fail(c, CLI_FAIL_PROTOCOL, "protocol error: malformed WELCOME (%s)",
                      msg_error_str(e));
        return;
    }
    if (w.version != PROTO_VERSION) {
        cli_conn_fail(c, CLI_FAIL_VERSION, "wrong version: server protocol %u, this client %d",
                      w.version, PROTO_VERSION);
        return;
    }
    if (w.tick_hz != PROTO_TICK_HZ || w.player_id != c->player_id) {
        cli_conn_fail(c, CLI_FAIL_PROTOCOL,
                      "protocol error: WELCOME says tick %u Hz, id %u (expected %d Hz, id %d)",
                      w.tick_hz, w.player_id, PROTO_TICK_HZ, c->player_id);
        return;
    }
    c->welcome = w;
    c->have_welcome = true;
    cli_clock_set_batch(&c->clock, msg_input_interval_ticks(w.input_hz));
    cli_clock_observe(&c->clock, w.server_tick, now_us, cli_tick_clock_rtt(c, now_us));
    c->phase = JOIN_MAP;
    cli_conn_deadline(c, now_us, CLI_RELIABLE_STEP_FACTOR * c->cfg.step_timeout_ms);
}

static void on_map(CliConn *c, const uint8_t *data, size_t len, uint64_t now_us)
{
    if (c->phase != JOIN_MAP) {
        c->stats.bad_messages++;
        cli_conn_note_bad(c, now_us, "unexpected MAP");
        return;
    }
    MsgMap m;
    MsgError e = msg_map_decode(data, len, &m);
    if (e != MSG_OK) {
        cli_conn_fail(c, CLI_FAIL_MAP, "bad map: MAP message rejected (%s)", msg_error_str(e));
        return;
    }
    if (m.checksum != c->welcome.map_checksum) {
        cli_conn_fail(c, CLI_FAIL_MAP, "bad map: checksum %08x, WELCOME announced %08x",
                      (unsigned)m.checksum, (unsigned)c->welcome.map_checksum);
        return;
    }
    MapError me;
    if (!map_load(&c->map, m.text, m.len, &me)) {
        cli_conn_fail(c, CLI_FAIL_MAP, "bad map: %d:%d: %s", me.line, me.col, me.msg);
        return;
    }
    c->have_map = true;
    cli_predict_init(&c->predict, &c->map);
    c->phase = JOIN_SNAPSHOT;
    cli_conn_deadline(c, now_us, c->cfg.step_timeout_ms);
}

static void apply_event(CliConn *c, MsgEvent ev)
{
    c->stats.events++;
    switch (ev.kind) {
    case MSG_EV_PLAYER:
        snprintf(c->names[ev.a], sizeof c->names[ev.a], "%s", ev.name);
        c->legend[ev.a] = false; /* a new player in that slot; LEGEND follows if earned */
        c->colour[ev.a] = ev.colour;
        c->colour_known[ev.a] = true;
        break;
    case MSG_EV_LEFT:
        c->names[ev.a][0] = '\0';
        c->legend[ev.a] = false;
        c->colour_known[ev.a] = false;
        break;
    case MSG_EV_LEGEND:
        c->legend[ev.a] = true;
        break;
    case MSG_EV_KILL:
        c->stats.kills += ev.a == c->player_id;
        c->stats.deaths += ev.b == c->player_id;
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

static void bad_event(CliConn *c, const char *what, MsgError e, uint64_t now_us)
{
    c->stats.bad_messages++;
    char line[64];
    snprintf(line, sizeof line, "malformed %s (%s)", what, msg_error_str(e));
    cli_conn_note_bad(c, now_us, line);
}

static void on_event(CliConn *c, const uint8_t *data, size_t len, uint64_t now_us)
{
    MsgEvent ev;
    MsgError e = msg_event_decode(data, len, &ev);
    if (e != MSG_OK)
        bad_event(c, "EVENT", e, now_us);
    else
        apply_event(c, ev);
}

/* Version 6: the server's events come several to a message. All or nothing: one malformed
 * event drops the whole message (counted), so no event is applied out of its order. */
static void on_events(CliConn *c, const uint8_t *data, size_t len, uint64_t now_us)
{
    MsgEvent evs[MSG_EVENTS_MAX_COUNT];
    size_t n = 0;
    MsgError e = msg_events_decode(data, len, evs, MSG_EVENTS_MAX_COUNT, &n);
    if (e != MSG_OK) {
        bad_event(c, "EVENTS", e, now_us);
        return;
    }
    for (size_t i = 0; i < n; i++)
        apply_event(c, evs[i]);
}

void cli_msg_receive(CliConn *c, const uint8_t *data, size_t len, uint64_t now_us)
{
    c->stats.messages_down++;
    c->stats.payload_down += len;
    if (len == 0 || c->state == CLI_QUITTING) {
        if (len == 0) {
            c->stats.bad_messages++;
            cli_conn_note_bad(c, now_us, "empty ENet message");
        }
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
        cli_baselines_on_snapshot(c, data, len, now_us);
        break;
    case PROTO_MSG_EVENT:
        on_event(c, data, len, now_us);
        break;
    case PROTO_MSG_EVENTS:
        on_events(c, data, len, now_us);
        break;
    default: {
        c->stats.bad_messages++;
        char what[64];
        snprintf(what, sizeof what, "unknown message type %u", (unsigned)data[0]);
        cli_conn_note_bad(c, now_us, what);
        break;
    }
    }
}
