/* bot.h — arena-bot's pieces, shared by its files (nothing outside client/bot includes it):
 *   main.c         the swarm: signals, discovery, claims, starting bots, the loop, the goodbye
 *   swarm_io.c     the one epoll over every bot's sockets
 *   procs.c        --procs: the bots shared out over forked processes, one merged report
 *   bot_options.c  the command line (one table: cli_options.h)
 *   behave.c       the behaviours (wander, chase, strafe, idle, hunt) and the chat
 *   report.c       what the run measured: the summary line and the --json report */
#ifndef ARENA_BOT_H
#define ARENA_BOT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli_claims.h"
#include "cli_conn.h"
#include "cli_discover.h"
#include "cli_ratelog.h"
#include "hunt.h"

enum {
    CONNECT_BATCH = 10,          /* bots started per batch (under the server's per-address
                                    limit of connections not logged in yet, 16) */
    CONNECT_PERIOD_US = 50000,   /* between batches */
    THINK_US = 50000,            /* behaviours decide 20 times a second */
    MAX_WAIT_MS = 50,            /* poll timeout cap */
    LOAD_FRAME_US = 2000,        /* --behaviour load: one round per 2 ms at most */
    QUIT_WAIT_US = 3000000,      /* the polite goodbye, at most */
    DISCOVER_US = 3000000,       /* --discover looks this long */
    DISCOVER_REPEAT_US = 500000, /* query period while discovering */
    CHAT_MARGIN_US = 1000000,    /* no chat in the last second: every line gets delivered */
    MAX_REPORTED_FAILURES = 10,
};

#define PI_F 3.14159265f

/* BH_LOAD: wander's controls on a light connection (cli_conn.h CliConnConfig.light), for load
 * tests: every snapshot decoded and acknowledged, inputs at the tick rate, nothing drawn. */
typedef enum Behaviour {
    BH_WANDER,
    BH_CHASE,
    BH_STRAFE,
    BH_IDLE,
    BH_HUNT,
    BH_LOAD,
    BH_COUNT
} Behaviour;

/* --behaviour names, by Behaviour. */
extern const char *const bot_behaviour_names[BH_COUNT];

typedef struct Options {
    char host[CLI_CONN_HOST_MAX];
    uint16_t port;
    bool have_server; /* --server given */
    bool discover;
    char broadcast[CLI_DISCOVER_ADDR_MAX];
    uint16_t discovery_port;
    unsigned count;
    double seconds;
    Behaviour behaviour;
    double chat_every; /* seconds; 0 = never */
    const char *say;   /* --say: what the bots chat (default: "hello from NAME #N") */
    const char *json;
    char prefix[PROTO_NAME_MAX + 1];
    uint64_t seed;
    bool quiet;
    const char *claims_path; /* --claims: legend claim secrets, read and kept up to date */
    CliClaims *claims;
    char server_key[CLI_CLAIMS_SERVER_MAX + 1]; /* "host:port", the claims' server field */
    /* A hostile server can repeat a malformed message at will: the core limits each bot's log
     * to a few lines a second, and this the whole swarm's. */
    CliRateLog bad_log;
    unsigned procs;         /* --procs: processes sharing the bots (1: this one alone) */
    unsigned first_index;   /* this process's first bot index (names, seeds) */
    unsigned connect_batch; /* bots started per batch and most not logged in at once */
} Options;

typedef struct Bot {
    CliConn *conn;
    char name[PROTO_NAME_MAX + 1];
    uint64_t rng;
    bool playing_seen;
    uint64_t play_start_us, play_end_us;
    uint64_t down_at_start, up_at_start; /* datagram bytes when play started */
    uint64_t down_at_end, up_at_end;
    bool dropped;
    /* Behaviour state. */
    uint64_t next_think_us;
    uint64_t next_turn_us; /* when to pick a new direction (wander/strafe) */
    uint64_t fire_until_us, next_fire_us;
    uint8_t move;
    float aim, aim_speed; /* radians, radians per second */
    int strafe_dir;
    uint64_t next_chat_us;
    unsigned chats;
    SimInput input;
    /* hunt behaviour (hunt.h, spoiler) */
    Hunt hunt;
    bool hunt_ready;
    uint64_t chat_seen; /* chat history entries already read */
    bool legend;        /* the server announced that this bot found it */
    Options *opt;       /* for --claims */
    /* The swarm's epoll (swarm_io.c): what is registered, with the events of the last wait. */
    struct pollfd io[CLI_CONN_POLLFDS];
    unsigned nio;
    bool due;         /* a socket had events: service at the next round */
    uint64_t wake_us; /* service no later than this (cli_conn_next_wake_us) */
} Bot;

/* The swarm's one epoll over every bot's sockets (swarm_io.c). */
typedef struct SwarmIo {
    int ep;
    struct epoll_event *events;
    unsigned cap;
} SwarmIo;

typedef struct Report {
    unsigned bots, connected, disconnects;
    uint64_t snapshots, decode_errors, stale, prediction_errors, reconciliations, snaps;
    uint64_t chat_sent, chat_received, hits, shots_fired, kills, deaths;
    unsigned legends; /* bots the server announced as finders of the hidden road */
    double rate_sum, down_sum, up_sum;
    unsigned rate_n;
    double rate_min;     /* slowest bot's snapshot rate */
    uint64_t gap_max_us; /* longest gap between two snapshots of any bot */
    uint64_t gaps_250ms; /* gaps over 250 ms, all bots */
    uint32_t max_snapshot_datagram, max_datagram, max_snapshot_payload;
    double pred_err_sum, pred_err_max;
    uint64_t pred_hist[CLI_PREDICT_ERR_BUCKETS]; /* every reconciliation's error, 1/8 unit */
    uint64_t pred_visible;                       /* corrections over 1 unit */
    uint64_t full_snapshots, inputs_sent, input_ticks, inputs_unsent, throttle_releases;
    double trim_sum, margin_sum; /* the bots' clocks at the end (margin includes the trim) */
    unsigned clock_n;
    uint64_t rtt_hist[CLI_CONN_RTT_BUCKETS];
    uint64_t rtt_n;
    double delay_sum;
    unsigned delay_n;
    double delay_max_ms;  /* largest interpolation delay of any bot */
    uint64_t starvations; /* interpolation starvations, summed over the bots */
    double starved_ms;    /* time spent starved, summed over the bots */
    double cpu_s;         /* user + system CPU of the process and its --procs children */
    unsigned procs;
} Report;

/* bot_options.c: returns -1 to go on, else the exit status (0 after --help, 2 mistakes). */
int bot_options_parse(int argc, char **argv, Options *o);

/* behave.c */
double bot_rng_unit(uint64_t *s); /* uniform in [0, 1) */
/* Decides the controls for the next THINK_US (from the bot's prediction and view). */
void bot_think(Bot *b, Behaviour bh, uint64_t now_us, CliEntityView *views, unsigned cap);
/* --chat-every: says something when due, once chat has started (chat_start != 0). */
void bot_maybe_chat(Bot *b, const Options *o, uint64_t now, uint64_t chat_start, uint64_t play_end);

/* swarm_io.c */
bool swarm_io_init(SwarmIo *io, unsigned bots); /* false (said on stderr): no epoll */
void swarm_io_free(SwarmIo *io);
/* After anything that may have changed a bot's sockets (create, service, quit): registers
 * what its connection now wants polled; the bot's events are cleared. */
void swarm_io_sync(SwarmIo *io, Bot *b, unsigned index);
/* Waits at most timeout_ms; the bots whose sockets have events get them in io[] and due. */
void swarm_io_wait(SwarmIo *io, Bot *bots, unsigned nbots, int timeout_ms);

/* main.c: the swarm of o->count bots in this process (names from o->first_index); fills r.
 * True if every bot joined and none was dropped. */
extern volatile sig_atomic_t interrupted;
bool bot_swarm_run(Options *o, Report *r);

/* procs.c: --procs: forks o->procs processes, each running its share of the bots
 * (bot_swarm_run), and merges their reports into r. True if every process was fine. */
bool bot_procs_run(Options *o, Report *r);

/* report.c */
void bot_report_collect(const Bot *b, Report *r);
/* Adds one process's report to another (--procs): sums, maxima and minima. */
void bot_report_merge(Report *into, const Report *from);
/* The bots that failed (at most MAX_REPORTED_FAILURES named), on stderr. */
void bot_report_print_failures(const Bot *bots, unsigned n);
/* The summary line, on stdout. */
void bot_report_print(const Report *r);
bool bot_report_write_json(const char *path, const Report *r, const Options *o);

#endif
