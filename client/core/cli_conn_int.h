/* cli_conn_int.h — the private state of one CliConn, shared by the files that implement it.
 *
 * cli_conn.h is the API; this header is for client/core's cli_*.c files that make up a
 * connection and for nothing else (never include it from client/app or client/bot):
 *   cli_conn.c       lifecycle: create/destroy, service, deadlines, failure, quit, accessors
 *   cli_login.c      TCP: connect, line I/O, the login answer, lines after login
 *   cli_transport.c  ENet: the host, joining the game port, sending, draining events
 *   cli_messages.c   game messages from ENet: WELCOME, MAP, EVENT, dispatch by type
 *   cli_baselines.c  SNAPSHOT: decode against the baseline store, then feed the game
 *   cli_tick.c       the client tick: prediction steps and INPUT
 *   cli_stats.c      counters that are more than one increment (snapshot gaps, RTT, ENet's)
 * Bytes from the server are decoded only through shared/ (line.h, msg.h, snapshot.h); a
 * malformed message is counted and dropped, except during the join where it ends the
 * connection with a reason. */
#ifndef ARENA_CLI_CONN_INT_H
#define ARENA_CLI_CONN_INT_H

#include <enet/enet.h>
#include <netinet/in.h>

#include "cli_conn.h"
#include "cli_ratelog.h"
#include "line.h"
#include "snap_store.h"

enum {
    CLI_RTT_SAMPLE_US = 100000,  /* RTT histogram sample period */
    CLI_ENET_SERVICE_US = 50000, /* ENet timers (resends, pings) need a service this often */
};

/* The TCP output queue holds at least one whole protocol line (cli_tcp_queue_line). */
_Static_assert((int)CLI_CONN_OUTBUF >= (int)PROTO_LINE_MAX, "the output queue holds a line");

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
    unsigned deadline_ms; /* the current step's deadline, as set (for the timeout message) */

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

    /* Decoded snapshots, the baselines of future deltas (cli_baselines.c). */
    Snapshot baseline_slots[CLI_CONN_BASELINES];
    SnapEntity *pool;
    SnapStore baselines;
    Snapshot scratch;
    SnapEntity *scratch_ents;
    const Snapshot *latest; /* the newest stored, NULL none */
    uint32_t newest_tick;
    uint32_t input_ack;
    uint32_t input_sent_tick; /* newest_tick of the last INPUT sent; 0 = none yet */
    uint64_t last_snapshot_us;

    uint64_t last_service_us;
    uint64_t last_enet_service_us; /* ENet's timers need a service every CLI_ENET_SERVICE_US */
    uint64_t last_rtt_sample_us;
    char names[PROTO_MAX_PLAYERS][PROTO_NAME_MAX + 1];
    bool legend[PROTO_MAX_PLAYERS];    /* EVENT LEGEND marks, by player id */
    uint8_t colour[PROTO_MAX_PLAYERS]; /* EVENT PLAYER colours, by player id */
    bool colour_known[PROTO_MAX_PLAYERS];
    CliChat chat;
    CliStats stats;
    CliRateLog bad_log; /* malformed server input: counted, logged a few times a second */
};

/* cli_conn.c: the ends. fail() keeps the first reason; both close TCP and ENet. */
void cli_conn_fail(CliConn *c, CliFailure why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cli_conn_finish_closed(CliConn *c);
/* Something malformed from the server that is dropped, not fatal: logged (rate-limited). */
void cli_conn_note_bad(CliConn *c, uint64_t now_us, const char *what);
/* The next join step must be done within ms of now. */
void cli_conn_deadline(CliConn *c, uint64_t now_us, unsigned ms);
/* A join step after BIND waits for reliable ENet messages, which ENet resends only after its
 * retransmission timeout (RTT + 4 x variance, doubling each time: about 1.75, 5.25, 12.25 s
 * at a 750 ms round trip with 250 ms of jitter): two losses of one datagram must still fit. */
enum { CLI_RELIABLE_STEP_FACTOR = 2 };

/* cli_login.c */
bool cli_tcp_open(CliConn *c, uint64_t now_us); /* resolve, connect; false: failed (reason set) */
void cli_tcp_close(CliConn *c);
bool cli_tcp_queue_line(CliConn *c, const char *line);
void cli_tcp_flush(CliConn *c, uint64_t now_us);
void cli_tcp_read(CliConn *c, uint64_t now_us);
void cli_tcp_check_connect(CliConn *c, uint64_t now_us);

/* cli_transport.c */
bool cli_enet_create(CliConn *c);
void cli_enet_start(CliConn *c, uint64_t now_us); /* after OK: connect to the game port */
void cli_enet_drop(CliConn *c);
bool cli_enet_send(CliConn *c, uint8_t channel, const uint8_t *buf, size_t len, enet_uint32 flags);
/* Services ENet until it has no more events. io_once: one service does the socket I/O and the
 * remaining events are only dispatched (for callers that wait level-triggered on the socket,
 * which wake again if more is waiting). */
void cli_enet_drain(CliConn *c, uint64_t now_us, bool io_once);
double cli_enet_rtt_ms(const CliConn *c);

/* cli_messages.c: one ENet message from the server. */
void cli_msg_receive(CliConn *c, const uint8_t *data, size_t len, uint64_t now_us);

/* cli_baselines.c */
bool cli_baselines_init(CliConn *c); /* allocates the pools; false: out of memory */
void cli_baselines_free(CliConn *c);
void cli_baselines_on_snapshot(CliConn *c, const uint8_t *data, size_t len, uint64_t now_us);

/* cli_tick.c */
double cli_tick_clock_rtt(CliConn *c, uint64_t now_us); /* the RTT the tick clock uses, ms */
void cli_tick_run(CliConn *c, uint64_t now_us);

/* cli_stats.c */
void cli_stats_snapshot(CliStats *st, size_t len, bool full, uint64_t now_us);
void cli_stats_rtt_sample(CliConn *c, uint64_t now_us);
void cli_stats_take_host_counters(CliConn *c);
void cli_stats_interp(CliStats *st, const CliInterp *ip);

#endif
