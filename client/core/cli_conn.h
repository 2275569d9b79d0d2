/* cli_conn.h — one client connection to an arena-server: TCP login and chat, ENet game.
 *
 * Owns the whole client side of docs/protocol.md for one player: a non-blocking TCP
 * connection (LOGIN, OK/ERR, chat lines), an ENet host with one peer (BIND with the token,
 * WELCOME, MAP, SNAPSHOT, EVENT in; INPUT out), the decoded-snapshot ring used as delta
 * baselines, the tick clock, prediction of the local player and interpolation of the others.
 * Every step of joining has a deadline and every failure ends in CLI_FAILED with a reason a
 * person can read; nothing ever blocks: the caller polls the fds from cli_conn_pollfds until
 * cli_conn_next_wake_us and then calls cli_conn_service. All memory is allocated by
 * cli_conn_create; nothing allocates afterwards except ENet's own packets.
 *
 * Never draws, never reads a keyboard: arena-client and arena-bot feed inputs with
 * cli_conn_set_input and read the state through the accessors below. Call enet_initialize()
 * once per process before creating connections. */
#ifndef ARENA_CLI_CONN_H
#define ARENA_CLI_CONN_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli_chat.h"
#include "cli_clock.h"
#include "cli_interp.h"
#include "cli_predict.h"
#include "enet_guard.h"
#include "map.h"
#include "msg.h"
#include "protocol.h"
#include "sim.h"

enum {
    CLI_CONN_HOST_MAX = 256,
    CLI_CONN_BASELINES = PROTO_SNAP_BASELINES, /* decoded snapshots kept as delta baselines */
    CLI_CONN_POLLFDS = 2,                      /* most fds cli_conn_pollfds fills */
    CLI_CONN_RTT_BUCKETS = 1001, /* RTT histogram: 1 ms buckets, the last one is ">= 1000" */
    CLI_CONN_OUTBUF = 4096,      /* queued TCP output, bytes */
};

/* What happened to one SNAPSHOT message (for net graphs and statistics). */
typedef enum CliSnapOutcome {
    CLI_SNAP_DECODED = 0, /* decoded and applied */
    CLI_SNAP_STALE,       /* not newer than the newest decoded one (or before the map): dropped */
    CLI_SNAP_BAD,         /* failed to decode or lacked its baseline: dropped */
} CliSnapOutcome;

typedef struct CliSnapInfo {
    uint8_t outcome;         /* CliSnapOutcome */
    uint32_t tick;           /* snapshot tick; 0 when the header was not read */
    uint32_t baseline_tick;  /* 0 = full snapshot */
    uint32_t bytes;          /* ENet message payload, bytes */
    uint64_t arrival_us;     /* time of the cli_conn_service call that read it */
    uint16_t entities;       /* decoded entities (DECODED only) */
    double correction_units; /* prediction correction it caused, world units (DECODED only) */
} CliSnapInfo;

typedef struct CliConnConfig {
    char host[CLI_CONN_HOST_MAX];  /* IPv4 address or host name (resolved once, at create) */
    uint16_t login_port;           /* TCP login/chat port; default PROTO_LOGIN_PORT */
    char name[PROTO_NAME_MAX + 1]; /* player name */
    unsigned
        step_timeout_ms; /* deadline of each joining step (default 10000; twice that after BIND) */
    unsigned silence_timeout_ms;     /* playing, no snapshot for this long: server gone (5000) */
    unsigned quit_timeout_ms;        /* after QUIT, wait this long for the close (2000) */
    unsigned keepalive_ms;           /* TCP PING after this long without sending (60000) */
    uint32_t baseline_pool_entities; /* entity storage of the baseline ring (8 * max entities) */
    uint32_t interp_pool_entities;   /* entity storage of the interpolation buffer (same) */
    /* Optional: every ENet EVENT (after the connection updated its name table). */
    void (*on_event)(void *user, const MsgEvent *ev);
    /* Optional: every TCP line from the server after login (chat or not). */
    void (*on_line)(void *user, const char *line);
    /* Optional: every SNAPSHOT message received while joining or playing, after it was
     * applied (or dropped). */
    void (*on_snapshot)(void *user, const CliSnapInfo *info);
    /* A legend's claim secret for this name on this server (32 hex digits, "" = none): sent
     * in LOGIN so the name's crown is ours (docs/protocol.md §5.2). */
    char claim[2 * PROTO_CLAIM_BYTES + 1];
    /* The palette colour to ask for at LOGIN (colour=N, 0..255), or -1 (default): none. */
    int colour;
    /* Optional: the server gave us a claim secret (CLAIM line) to keep for next time. */
    void (*on_claim)(void *user, const char *name, const char *claim_hex);
    /* Optional: something malformed or unexpected from the server was dropped (counted in
     * CliStats either way). Called at most CLI_RATELOG_PER_S times a second per connection,
     * with a count of those held back, so a hostile server cannot flood a log. */
    void (*on_bad_input)(void *user, const char *what);
    void *user;
    /* A load client (arena-bot --behaviour load): every snapshot is still decoded against its
     * baseline, stored as a baseline and acknowledged, and INPUT still goes out every client
     * tick, but nothing only a screen needs runs: no prediction (inputs are recorded, never
     * simulated or replayed; cli_conn_predict stays not ready), no interpolation buffer
     * (interp_pool_entities may be 0). Default false. */
    bool light;
} CliConnConfig;

typedef enum CliState {
    CLI_CONNECTING = 0, /* TCP connect in progress */
    CLI_LOGGING_IN,     /* LOGIN sent, waiting for OK */
    CLI_JOINING,        /* ENet connect, BIND, WELCOME, MAP, first snapshot */
    CLI_PLAYING,        /* snapshots arrive, inputs go out */
    CLI_QUITTING,       /* QUIT sent; waiting for the server to close */
    CLI_CLOSED,         /* ended after cli_conn_quit */
    CLI_FAILED,         /* ended otherwise: see cli_conn_failure / cli_conn_error */
} CliState;

typedef enum CliFailure {
    CLI_FAIL_NONE = 0,
    CLI_FAIL_RESOLVE,     /* host name did not resolve */
    CLI_FAIL_CONNECT,     /* TCP connection refused or unreachable */
    CLI_FAIL_TIMEOUT,     /* a joining step passed its deadline */
    CLI_FAIL_FULL,        /* server full (ERR full or PROTO_DISCONNECT_FULL) */
    CLI_FAIL_NAME,        /* name rejected (ERR name) */
    CLI_FAIL_TAKEN,       /* name in use (ERR taken) */
    CLI_FAIL_VERSION,     /* protocol version mismatch */
    CLI_FAIL_BAD_TOKEN,   /* the server refused our BIND token */
    CLI_FAIL_PROTOCOL,    /* the server sent something we cannot accept */
    CLI_FAIL_MAP,         /* the map does not load or its checksum is wrong */
    CLI_FAIL_SERVER_GONE, /* TCP closed, ENet peer lost or silent */
    CLI_FAIL_KICKED,      /* the server ended the session (flood, idle...) */
    CLI_FAIL_SHUTDOWN,    /* the server is stopping */
    CLI_FAIL_BANNED,      /* the address or the name is banned (ERR banned) */
    CLI_FAIL_INTERNAL,    /* out of memory, socket() failed */
    CLI_FAIL_JOIN,        /* the server refused or failed the game join (ERR join, in words) */
} CliFailure;

typedef struct CliStats {
    uint64_t snapshots;       /* decoded */
    uint64_t snapshot_bytes;  /* ENet payload of decoded snapshots */
    uint64_t full_snapshots;  /* decoded without a baseline */
    uint64_t stale_snapshots; /* older than the newest, dropped */
    uint64_t decode_errors;   /* snapshots that failed to decode or lacked their baseline */
    uint64_t bad_messages;    /* other ENet messages that failed to decode or were unexpected */
    uint64_t messages_down, messages_up;
    uint64_t payload_down, payload_up; /* ENet message payload bytes */
    uint64_t datagrams_down, datagrams_up;
    uint64_t datagram_bytes_down, datagram_bytes_up; /* raw UDP payload (ENet headers included) */
    /* Measured on the raw datagrams (ENet's intercept sees each with its full length: ENet's
     * headers and checksum included, IP/UDP headers not). */
    uint32_t max_datagram_bytes;          /* largest UDP datagram received, any channel */
    uint32_t max_snapshot_datagram_bytes; /* largest one carrying snapshot-channel data */
    uint32_t max_snapshot_payload_bytes;  /* largest SNAPSHOT message (ENet payload) */
    uint64_t inputs_sent;                 /* INPUT messages */
    EnetGuardStats enet_guard;            /* INPUTs ENet destroyed unsent, throttle releases */
    uint64_t input_ticks;                 /* ticks of input produced */
    uint64_t rtt_samples;
    uint32_t rtt_hist[CLI_CONN_RTT_BUCKETS]; /* ENet RTT samples, 1 ms buckets */
    uint64_t chat_sent;                      /* SAY / ME / WHISPER lines sent */
    uint64_t chat_received;                  /* CHAT lines from other players */
    uint64_t chat_lines_received; /* CHAT / ACTION / WHISPER lines, own echoes included */
    uint64_t lines_received, bad_lines;
    uint64_t events, hits_scored, hits_taken;
    uint64_t kills, deaths; /* EVENT KILL with this player as killer / victim */
    uint64_t shots_fired;   /* ticks the predicted player fired (each a shot at the server) */
    uint64_t tcp_bytes_down, tcp_bytes_up;
    uint64_t play_start_us; /* first snapshot decoded */
    uint64_t last_snapshot_us;
    uint64_t first_snapshot_us;
    uint64_t max_snapshot_gap_us; /* longest time between two decoded snapshots */
    uint64_t snapshot_gaps_250ms; /* gaps between decoded snapshots longer than 250 ms */
    /* Interpolation (cli_interp.h), copied after every service: the delay now and its
     * largest, renders that ran out of snapshots and the time they spent so. */
    double interp_delay_ms, interp_delay_ms_max;
    uint32_t interp_starvations;
    double interp_starved_ms;
} CliStats;

typedef struct CliConn CliConn;

/* Documented defaults; host "127.0.0.1", name "player". */
void cli_conn_default_config(CliConnConfig *cfg);
/* Validates cfg, resolves the host, allocates everything and starts the TCP connect. Returns
 * NULL only for a bad config or no memory (err says why); a connection that cannot reach the
 * server is returned in CLI_FAILED. */
CliConn *cli_conn_create(const CliConnConfig *cfg, uint64_t now_us, char *err, size_t errlen);
void cli_conn_destroy(CliConn *c);

/* Fills up to CLI_CONN_POLLFDS entries (events set, revents 0); returns how many. */
unsigned cli_conn_pollfds(const CliConn *c, struct pollfd *fds, unsigned cap);
/* The latest time the connection wants cli_conn_service called again. */
uint64_t cli_conn_next_wake_us(const CliConn *c, uint64_t now_us);
/* Does everything that is due: TCP I/O, ENet events, deadlines, new client ticks (predict,
 * send INPUT). Never blocks. */
void cli_conn_service(CliConn *c, uint64_t now_us);
/* The same, for a caller that waits on the fds itself, level-triggered (poll, or epoll
 * without EPOLLET), and hands back what cli_conn_pollfds filled with revents set: a socket
 * without events is not read, and ENet is serviced only when its socket has events or its
 * timers are due (cli_conn_next_wake_us includes them). A wait that ends early with no
 * events for this connection is fine: it does what is due. */
void cli_conn_service_polled(CliConn *c, uint64_t now_us, const struct pollfd *fds, unsigned n);

/* The controls held now; used for every client tick until changed. */
void cli_conn_set_input(CliConn *c, const SimInput *in);
/* Typed chat (see cli_chat_command), queued on TCP. Returns CLI_CMD_SEND when queued, the
 * cli_chat_command error for bad input, CLI_CMD_NONE when it cannot be queued now (not
 * logged in, quitting, output queue full). */
CliChatCmd cli_conn_chat(CliConn *c, const char *typed);
/* Adds a line of the client's own to the chat history (CLI_CHAT_LOCAL): answers to /help,
 * typing mistakes, connection notes. */
void cli_conn_chat_note(CliConn *c, const char *text, uint64_t now_us);
/* A raw protocol line (without "\n"); false if not connected, invalid or the queue is full. */
bool cli_conn_send_line(CliConn *c, const char *line);
/* Leaves politely: QUIT over TCP, then waits (cli_conn_service) for the server to close both
 * connections, at most quit_timeout_ms; ends in CLI_CLOSED. */
void cli_conn_quit(CliConn *c, const char *reason, uint64_t now_us);

CliState cli_conn_state(const CliConn *c);
CliFailure cli_conn_failure(const CliConn *c);
/* What went wrong, for people ("" while fine). */
const char *cli_conn_error(const CliConn *c);
const char *cli_state_str(CliState s);
bool cli_conn_done(const CliConn *c); /* CLI_CLOSED or CLI_FAILED */
/* True once the connection reached CLI_PLAYING (stays true afterwards). */
bool cli_conn_was_playing(const CliConn *c);

const char *cli_conn_name(const CliConn *c);
int cli_conn_player_id(const CliConn *c);             /* -1 before login */
const Map *cli_conn_map(const CliConn *c);            /* NULL before MAP */
const MsgWelcome *cli_conn_welcome(const CliConn *c); /* NULL before WELCOME */
/* Name of player id from EVENTs ("" if unknown). */
const char *cli_conn_player_name(const CliConn *c, unsigned id);
/* Palette colour of player id from EVENT PLAYER (distinct per player; the id itself until
 * the server has said, e.g. from a protocol 3 server). */
unsigned cli_conn_player_colour(const CliConn *c, unsigned id);
/* True if the server has marked player `id` a legend (EVENT LEGEND) this session. */
bool cli_conn_is_legend(const CliConn *c, unsigned id);
const CliStats *cli_conn_stats(const CliConn *c);
const CliChat *cli_conn_chat_history(const CliConn *c);
const CliPredict *cli_conn_predict(const CliConn *c);
/* The interpolation buffer (cli_interp_render_tick changes its delay, hence not const). */
CliInterp *cli_conn_interp(CliConn *c);
const CliClock *cli_conn_clock(const CliConn *c);
/* The newest decoded snapshot (NULL before the first). */
const Snapshot *cli_conn_latest_snapshot(const CliConn *c);
/* Current ENet round-trip time, ms (0 before ENet connects). */
double cli_conn_rtt_ms(const CliConn *c);

#endif
