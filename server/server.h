/* server.h — the arena-server's state, shared by its modules (lobby, session, tick, net, ...).
 *
 * Owns the Server handle: configuration, the authoritative world, the player table that ties
 * a TCP session to an ENet peer, and the sockets. Each module's functions take the Server;
 * nothing lives in globals. Everything sized by max_players is allocated in srv_create. */
#ifndef ARENA_SRV_SERVER_H
#define ARENA_SRV_SERVER_H

#include <enet/enet.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "agones_json.h"
#include "bans.h"
#include "config.h"
#include "drops.h"
#include "enet_batch.h"
#include "enet_checksum.h"
#include "evset.h"
#include "enet_guard.h"
#include "egg.h"
#include "fame.h"
#include "hugemem.h"
#include "store.h"
#include "lagcomp.h"
#include "line.h"
#include "log.h"
#include "metrics_http.h"
#include "msg.h"
#include "map.h"
#include "names.h"
#include "protocol.h"
#include "ratelimit.h"
#include "schedule.h"
#include "interest.h"
#include "priority.h"
#include "sim.h"
#include "snap_store.h"
#include "snapshot.h"
#include "stats.h"

enum {
    /* Inputs buffered per player, by tick; > 2 * PROTO_INPUT_WINDOW. A client may lead by half
     * of it (64 ticks, 1.07 s): on a 250 ms + 250 ms jitter path its lead reaches ~35 ticks. */
    SRV_INPUT_RING = 128,
    /* Entity pool per player: at least SRV_SNAP_POOL_MIN entities (the 64 snapshots the
     * retention rule keeps at 30 Hz, of 32 entities each: small games keep every baseline
     * 2.1 s) and SRV_SNAP_POOL_SNAPS worst-case views. */
    SRV_SNAP_POOL_MIN = 64 * 32,
    SRV_SNAP_POOL_SNAPS = 6, /* entity pool per player: this many worst-case views (a view is
                                at most view_max + its baseline's leftovers; older acks get a
                                full snapshot) */
    /* Snapshot payload: the largest message ENet sends unfragmented within the MTU (1164;
     * enet_guard.h says why that is less than the datagram budget minus ENet's headers). */
    SRV_SNAP_BUDGET = PROTO_ENET_MTU - ENET_GUARD_FRAGMENT_OVERHEAD,
    /* A tick that has run this long (three quarters of the 16.7 ms period) starts no more of
     * its snapshots: they go first, oldest first, on the next ticks (16.7 ms late or more), so
     * that a tick of unusual work (every player respawning at a match's start, on a slow
     * machine) does not make the ticks after it late. */
    SRV_SNAP_DEADLINE_US = 1000000 / PROTO_TICK_HZ * 3 / 4,
    SRV_SNAP_CLOCK_EVERY = 8, /* snapshots between two looks at the clock (and at least this
                                 many each tick) */
    SRV_OUT_LINE_MAX = 1024,  /* longest line the server sends */
    SRV_TCP_CHUNK = 4096,     /* bytes read from one connection per wake-up at most */
};

typedef struct Ctl Ctl;
typedef struct Agones Agones;
typedef struct DemoRec DemoRec;

typedef enum SrvPlayerState {
    SP_FREE = 0,
    SP_LOBBY, /* logged in over TCP, not (yet) in the arena */
    SP_BOUND, /* ENet peer bound: playing */
} SrvPlayerState;

typedef struct SrvConn {
    bool used;
    int fd;
    uint32_t ip; /* IPv4, network order */
    char addr[48];
    LineReader reader;
    /* Bytes read but not yet framed (the line budget of one wake-up ran out). */
    uint8_t in[SRV_TCP_CHUNK];
    size_t in_off, in_len;
    RlBucket rx;  /* read budget: tcp_read_rate bytes per second */
    bool eof;     /* the peer shut down its side: answer what it sent, then close */
    bool stalled; /* over its read budget: not polled for input until it refills */
    char *out;    /* pending output: out_cap bytes, grown up to tcp_outbuf_bytes */
    size_t out_len, out_cap;
    /* When the output goes: at once for an answer of its own, within TCP_COALESCE_MS for
     * lines to everyone (tcp.c), so that a busy room is one send per connection per while, not
     * one per line. */
    uint64_t flush_at_ms;
    uint64_t opened_ms, last_rx_ms;
    int player;          /* slot, -1 before login */
    uint32_t penalty;    /* flood score, drains 1 per ms */
    uint64_t penalty_ms; /* when penalty was last drained */
    uint64_t muted_until_ms;
    /* After a server stall: flood points the stall would have drained, spent on the lines
     * that waited in the socket meanwhile (so they do not look like a burst). */
    uint32_t stall_credit;
    uint64_t stall_credit_until_ms;
    bool closing;  /* flush what is queued, then close */
    bool fin_sent; /* closing, output drained, our side shut down */
    EvReg ev;      /* its registration in the loop's epoll set */
} SrvConn;

/* One tick's input of one player (SrvPlayer.input). */
typedef struct SrvInputSlot {
    uint32_t tick; /* the tick it is for; another tick's: not here */
    SimInput input;
    uint16_t lag; /* its view lag, clamped to the cap (1/16 ticks) */
} SrvInputSlot;

/* A client's EVENTs not yet handed to ENet: one EVENTS message (msg_events_append). */
typedef struct SrvEventQueue {
    uint8_t buf[MSG_EVENTS_MAX_BYTES];
    size_t len;
    uint32_t tick; /* world tick when the oldest queued EVENT was queued */
} SrvEventQueue;

typedef struct SrvPlayer {
    SrvPlayerState state;
    char name[PROTO_NAME_MAX + 1]; /* NFC, validated by names.c */
    char key[NAME_KEY_MAX + 1];    /* confusable keys (names.h): the same name if any match */
    char alt[NAME_KEY_MAX + 1];
    int conn; /* TCP connection index */
    uint8_t token[PROTO_TOKEN_BYTES];
    bool token_live;
    uint64_t token_expires_ms;
    uint32_t ip;
    /* ENet admission (udp_gate.c): the CONNECT this login let in. Its connect tag is
     * lobby_tags[slot]. */
    bool admitted;
    uint32_t admit_connect_id;
    uint16_t admit_port;
    uint8_t admits;          /* CONNECTs let in for this login (re-admission after a failed try) */
    bool join_refused;       /* a refused game join was told (ERR) and logged for this login */
    bool crowned;            /* a hall-of-fame name, its claim presented: wears the crown */
    uint8_t colour;          /* palette colour, distinct among players (colours.h) */
    uint64_t muted_until_ms; /* muted by the operator (arena-ctl mute) */
    ENetPeer *peer;
    uint64_t bound_ms;
    /* Inputs by tick: slot tick % SRV_INPUT_RING holds the input for that tick, if its tick
     * matches. One record per tick: an INPUT, and the tick that applies it, touch one cache
     * line of a cold player record, not three. */
    SrvInputSlot input[SRV_INPUT_RING];
    SimInput last_input;
    uint16_t last_lag;
    uint32_t input_ack; /* newest input tick applied */
    /* Input timing since this player's previous snapshot (SNAPSHOT's input_lead, inputs_late;
     * docs/protocol.md §2.3 "Input timing"): the least lead of an INPUT's newest tick, in
     * 1/8 tick, and the ticks simulated without its input. */
    bool lead_seen;
    int16_t lead_min;
    uint8_t late_ticks;
    /* Snapshots sent (the client's view at each tick), remembered as delta baselines: the
     * store's slots and its entity pool. */
    Snapshot sent_slots[PROTO_SNAP_BASELINES];
    SnapEntity *pool;
    SnapStore sent;
    PrioState prio;     /* priority accumulator (priority.h): the entities left out */
    uint16_t *prio_ids; /* its storage, max_view entries each */
    float *prio_acc;
    InterestView view;   /* its area of interest between picks (interest.h) */
    uint16_t *view_ids;  /* its storage, max_view entries */
    uint32_t acked_tick; /* newest snapshot tick the client acknowledged */
    bool acked_once;     /* has acknowledged a snapshot: a full one now means a lost baseline */
    unsigned snap_phase; /* which tick phase this player's snapshots go out on */
    uint32_t snap_tick;  /* the tick of the newest snapshot sent to it */
    bool snap_owed;      /* in Server.snap_owed: its snapshot waits for a tick with time */
    bool legend;         /* found what is hidden, this session */
    /* The players in the newest snapshot sent to this client (bit i: slot i), so that the
     * EVENTs of a crowd go only to those who see it (net_send_event_near). */
    uint32_t sees[PROTO_MAX_PLAYERS / 32];
    /* EVENTs for this client not yet handed to ENet, sent when full, with the client's
     * snapshot (one datagram: net_send_events), or by net_flush_events_due once they have
     * waited a snapshot period. `events` go reliably; `onlooker` holds the HIT and KILL of
     * players other than this client's own in a world bigger than a view (version 8), which
     * go unreliably with the snapshot: losing one loses a hit spark or a kill feed line, and
     * most snapshots then need no acknowledgement datagram back. */
    SrvEventQueue events;
    SrvEventQueue onlooker;
} SrvPlayer;

/* Per ENet peer (same index as host->peers), kept by udp_gate.c and session.c. */
typedef struct SrvPeer {
    int admit_slot;       /* player whose login let this peer's CONNECT in; -1 none */
    bool half_open;       /* CONNECT admitted, handshake not complete */
    uint64_t admitted_ms; /* when the CONNECT was let in */
    uint64_t connected_ms;
    int32_t credit;     /* half-open: bytes received not yet answered (amplification <= 1) */
    uint32_t lost_seen; /* ENet's packetsLost when we last looked (retransmissions) */
    RlBucket rate;      /* datagrams per second from this peer */
} SrvPeer;

typedef struct Server Server;

/* What tcp.c reports up (installed by srv_create: lobby.c's lines, session.c's release), so
 * tcp.c calls nothing above it. */
typedef struct SrvTcpHandler {
    void (*line)(Server *s, int conn, char *line, uint64_t now_ms);
    void (*bad_line)(Server *s, int conn, LineStatus st, uint64_t now_ms);
    /* The connection of a logged-in player ended (the connection is closing already). */
    void (*ended)(Server *s, unsigned slot, const char *leave_reason, ProtoDisconnect disc);
} SrvTcpHandler;

struct Server {
    SrvConfig cfg;
    SrvTcpHandler tcp_handler;
    Log *log;
    Map map;
    char *map_text;
    size_t map_len;
    uint8_t *map_msg; /* the MAP message, encoded once */
    size_t map_msg_len;
    SimWorld world;
    uint8_t match_phase_sent; /* the match state last announced (match.c) */
    uint32_t match_end_sent;
    uint16_t match_score_sent; /* ... and its limits */
    uint32_t match_time_sent;
    Egg egg;                /* the hidden hunt's progress per player (egg.h: spoiler) */
    Store *store;           /* the storage back-end's thread (store.h; store_srv.c) */
    Fame *fame;             /* the hall of fame, in memory (fame.h) */
    Bans *bans;             /* banned addresses and names, in memory (bans.h) */
    Ban *store_bans;        /* BANS_MAX: a list of bans taken from the store */
    FameRow *store_rows;    /* STORE_FAME_BATCH: rows taken from the store */
    uint64_t store_lost_ms; /* when the database was lost, for the log */
    bool store_fame_full;   /* the hall of fame outgrew FAME_CACHE_MAX (logged) */
    Names *names;           /* name rules (ICU) */
    Ctl *ctl;               /* operator control socket */
    DemoRec *demo;          /* demo recording (demo_srv.h), NULL when off */
    SrvPlayer *players;     /* cfg.max_players, in players_mem */
    HugeMem players_mem;    /* the player records, on huge pages (hugemem.h) */
    HugeMem player_mem;     /* every player's snapshot pool, priority and view arrays */
    HugeMem memo_mem;       /* snap_memo's */
    /* msg_connect_tag(players[i].token), written by lobby.c when slot i becomes a login and
     * never cleared: a slot that is no longer a login keeps its last tag (the gate checks the
     * slot's state on a match). Packed, so a refused CONNECT (a flood's every datagram) scans
     * 4 bytes a slot, not a whole SrvPlayer. */
    uint32_t *lobby_tags; /* cfg.max_players */
    SrvConn *conns;       /* cfg.tcp_max_conns */
    SrvPeer *peers;       /* per ENet peer index */
    ENetHost *host;
    int tcp_fd;
    int disc_fd;
    uint64_t now_ms;      /* this loop iteration's time (the ENet intercept has no time argument) */
    uint64_t now_us;      /* the same, microseconds */
    uint64_t next_due_us; /* when the first tick after this iteration's ones is due */
    uint64_t gate_backlog_epoch; /* second of the last reliable-backlog check */
    /* The game socket is read at slots (srv_wait_ms), but polled as before while datagrams
     * arrive at flood rates (session.c): the gate then sees and counts each one at once, and
     * a newcomer's handshake is not lost in a full kernel buffer among the junk. */
    uint32_t udp_batch;           /* datagrams the gate saw in this session_service */
    EbatchStats ebatch_base;      /* enet_batch's (process-wide) counters when it attached */
    uint64_t udp_window_count;    /* ... in this polled window */
    uint64_t udp_window_start_ms; /* start of the polled window */
    uint64_t udp_last_read_ms;    /* the previous session_service */
    bool udp_polled;              /* the ENet socket is in the poll set */
    /* Lines to everyone (SAY, ME), all players together: each costs a line to every session,
     * so the room's rate bounds the fan-out (lobby.c). */
    RlBucket chat_room;
    RlTable chat_sources; /* ... and each address's share of it (half) */
    /* Discovery: per-source buckets (keyed, never forget) and a global answer budget. */
    RlTable disc_sources;
    RlBucket disc_budget;
    /* This tick's world, quantized once for every viewer (captured for viewer -1). */
    Snapshot world_view;
    SnapEntity *world_view_ents;
    /* Scratch for snapshot building (one viewer at a time). */
    Snapshot scratch_target;
    SnapEntity *scratch_ents;
    float *scratch_prio;
    SnapMemo *snap_memo; /* changed entities' bodies, shared by every client's encode */
    /* Area of interest (interest.h): the grid over this tick's world_view, and one viewer's
     * picked indices. */
    SrvInterest *interest;
    uint16_t *view_idx;
    SimInput tick_inputs[PROTO_MAX_PLAYERS];
    /* Lag compensation (lagcomp.h), when lagcomp_max_ms > 0: the players' history, sized for
     * the cap at start, and each player's view lag this tick. */
    LcHistory lagcomp;
    LcSample *lagcomp_samples;
    uint16_t lagcomp_max_lag; /* the cap, 1/16 ticks */
    uint16_t tick_lags[PROTO_MAX_PLAYERS];
    /* The loop's epoll set (evset.h), sized at start-up for every socket the config allows,
     * and the registrations of the sockets the server owns itself. */
    EvSet ev;
    EvReg ev_game, ev_disc, ev_tcp;
    /* What the last wait found ready, poll-shaped for the services: the operator socket's
     * entries first, then the TCP ones; pfd_conn maps a TCP entry to its connection (-1: the
     * listener). */
    struct pollfd *pfds;
    int *pfd_conn;
    unsigned pfd_cap, pfd_first_ctl, pfd_first_tcp;
    uint64_t last_status_ms, last_trim_ms;
    unsigned trims;
    Sched sched;
    uint32_t input_horizon; /* newest tick due this iteration: inputs up to it + window fit */
    /* Ticks due since this iteration's plan, by the clock, looked at once per read and only
     * when an input seems early (session.c horizon_after_stop): the server was stopped while
     * it read. */
    bool horizon_checked;
    uint32_t horizon_extra;
    bool fast_forward; /* catching up after a stall: no snapshots this tick */
    /* The snapshot deadline (tick.c send_snapshots): the clock (mono_now_us; a test installs
     * its own) and how many snapshots apart it is looked at (SRV_SNAP_CLOCK_EVERY), when the
     * running tick began, and the slots whose snapshot was due but waits because its tick had
     * run past SRV_SNAP_DEADLINE_US, oldest first (sent first on the next ticks). */
    uint64_t (*clock_us)(void);
    unsigned snap_clock_every;
    uint64_t tick_began_us;
    uint16_t *snap_owed; /* cfg.max_players */
    unsigned snap_owed_n;
    uint64_t started_us;
    unsigned players_now;
    SrvStats stats;
    /* The Prometheus endpoint (metrics_srv.c), NULL when metrics_port is 0: the text rendered
     * for it, when it was last handed over, and the endpoint's counters seen then. */
    MetricsHttp *metrics;
    char *metrics_text;
    uint64_t metrics_published_ms;
    size_t metrics_pending; /* rendered, not handed over yet (the HTTP thread held it) */
    MetricsHttpCounts metrics_seen;
    double metrics_start_unix;
    /* The service manager (notify.c): the watchdog's ping period (0: off), when it was last
     * pinged, and the player count last told in STATUS=. */
    uint64_t watchdog_every_ms, watchdog_ms;
    unsigned notified_players;
    uint64_t notified_ms;
    bool notify_failed; /* a failure of the notify socket was logged */
    /* SIGHUP (reload.c): set by the signal handler; the loop then rebuilds the settings with
     * reload_config (main.c: defaults, the config file, the command line) and applies them. */
    /* Agones (agones_srv.c), NULL unless AGONES_SDK_HTTP_PORT is set: the state last seen,
     * and a Shutdown wanted (a match ended on an allocated server). */
    Agones *agones;
    char agones_state[AGONES_STATE_MAX];
    uint16_t agones_port; /* the port players reach this server on, from Agones (0: none) */
    bool agones_shutdown;
    uint64_t agones_update_ms;
    volatile sig_atomic_t *reload;
    bool (*reload_config)(void *ctx, SrvConfig *out, char *err, size_t errlen);
    void *reload_ctx;
    volatile sig_atomic_t *stop; /* set by the signal handler */
    bool stopping;
};

Server *srv_create(const SrvConfig *cfg, Log *log, volatile sig_atomic_t *stop);
void srv_destroy(Server *s);
/* Runs until *stop is set; then tells players and closes cleanly. Returns 0 on a clean stop. */
int srv_run(Server *s);
/* The loop's parts, time passed in (srv_run reads the clock once per iteration; a test passes
 * whatever time it wants, and waits with timeout 0):
 *   srv_begin(s, now_us) once; then per iteration srv_watch(s),
 *   n = srv_wait(s, srv_wait_ms(s, now_us)), srv_iterate(s, n, now_us). */
void srv_begin(Server *s, uint64_t now_us);
/* Brings the epoll set up to date with what each socket waits for (discovery, operator
 * socket, TCP; the ENet socket only while a flood lasts: otherwise srv_iterate reads it
 * whenever it runs). A syscall only for a socket whose wanted events changed. */
void srv_watch(Server *s);
/* How long the wait may last: until the next read slot of the game socket (the next tick, or
 * between ticks with udp_reads_per_tick > 1), 0 while TCP input waits for its turn. */
int srv_wait_ms(Server *s, uint64_t now_us);
/* Waits up to timeout_ms for a ready socket; fills s->pfds with the ready ones and returns
 * how many, or -1 (errno set; EINTR after a signal). */
int srv_wait(Server *s, int timeout_ms);
/* Everything that came in, the ticks due at now_us, the flush, housekeeping. */
void srv_iterate(Server *s, unsigned nfds, uint64_t now_us);
/* Tells every TCP connection, then releases every player (ENet disconnects flushed). */
void srv_shutdown(Server *s);

/* tcp.c: TCP connections of the login port (bytes and lines; the meaning is lobby.c's). */
bool tcp_open(Server *s);
void tcp_close_all(Server *s, const char *reason);
/* Registers what the listener and every connection wait for (srv_watch). */
void tcp_watch(Server *s);
void tcp_service(Server *s, const struct pollfd *fds, unsigned n, const int *conn_of,
                 uint64_t now_ms);
/* True if some connection holds bytes it has not had its turn to handle yet. */
bool tcp_pending_input(const Server *s);
void tcp_housekeeping(Server *s, uint64_t now_ms);
/* Queues a line (without "\n") to one connection / every logged-in connection. */
void tcp_send(Server *s, int conn, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void tcp_broadcast(Server *s, int except_conn, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Ends the connection (its player through tcp_handler.ended) and closes it once its output
 * drained. */
void tcp_end(Server *s, int conn, const char *leave_reason, ProtoDisconnect disc);
/* Ends at once (logged with why). */
void tcp_kill(Server *s, int conn, const char *why);
/* The player of this connection is gone (session_release): `BYE <bye>` if bye is not NULL,
 * then the connection closes once its output drained. */
void tcp_detach(Server *s, int conn, const char *bye);
/* The server was stopped for stall_ms: lines that waited in the sockets meanwhile are charged
 * flood points as if they had come over that time. */
void tcp_note_stall(Server *s, uint64_t stall_ms, uint64_t now_ms);
/* TCP connections from ip (only those not logged in, if not_logged_in). */
unsigned tcp_count_addr(const Server *s, uint32_t ip, bool not_logged_in);

/* net.c: the ENet transport (host, sending, peer tags, traffic counters). */
bool net_open(Server *s);
void net_close(Server *s);
/* The player slot a peer is bound to, -1 if none. */
int net_peer_slot(const ENetPeer *peer);
void net_peer_set_slot(ENetPeer *peer, int slot);
SrvPeer *net_peer_state(Server *s, const ENetPeer *peer);
void net_send(ENetPeer *peer, uint8_t channel, const uint8_t *buf, size_t len, bool reliable);
/* An unreliable message through enet_guard (never throttled away or fragmented unseen: a
 * message too big for one datagram is a counted drop). */
void net_send_unreliable(Server *s, ENetPeer *peer, uint8_t channel, const uint8_t *buf,
                         size_t len);
/* Queues an EVENT for the client of a bound peer into its EVENTS message (it leaves with the
 * client's next snapshot or by net_flush_events_due; a full one goes at once). */
void net_send_event(Server *s, ENetPeer *peer, const MsgEvent *ev);
/* Hands the client's queued EVENTS message to ENet: send_snapshot calls it just before the
 * snapshot, so ENet packs both into one datagram instead of one each. */
void net_send_events(Server *s, SrvPlayer *p);
/* Hands every client's queued EVENTS message to ENet (shutdown, tests). */
void net_flush_events(Server *s);
/* The queued EVENTS that must not wait for a snapshot (before enet_host_flush): a player who
 * gets none (not bound), or events that have waited a whole snapshot period (a snapshot that
 * was not sent). An EVENT so waits at most one snapshot period. */
void net_flush_events_due(Server *s);
/* To every bound player but `except` (-1: all). */
void net_broadcast_event(Server *s, const MsgEvent *ev, int except);
/* An EVENT about players a and b (HIT, KILL): to both, and to every client that sees either
 * (SrvPlayer.sees); to every client while the world fits view_max. Reliable messages to all
 * N clients for each of a crowd's hits would cost N x hits a second (docs/architecture.md). */
void net_send_event_near(Server *s, const MsgEvent *ev, unsigned a, unsigned b);
/* Notes which players the snapshot just sent to p holds (p->sees). */
void net_note_seen(SrvPlayer *p, const Snapshot *sent);
/* Moves ENet's traffic counters into the stats. */
void net_count_traffic(Server *s, uint64_t now_ms);
/* Datagrams the kernel dropped at the game socket (its buffer full), into the stats. */
void net_read_kernel_drops(Server *s);

/* session.c: a player's lifecycle (login slot, BIND, inputs, the one release path). */
/* The single way out of a player, whatever ended it: TCP side (`BYE <bye>` unless NULL, LEAVE
 * to the others, close), ENet side (disconnect with `disc`), players_now, the world, the slot. */
void session_release(Server *s, unsigned slot, const char *leave_reason, const char *bye,
                     ProtoDisconnect disc);
/* The operator removes a player (kick, ban): `BYE kicked <reason>`, LEAVE ... kicked, ENet
 * disconnect PROTO_DISCONNECT_KICKED. */
void session_kick(Server *s, unsigned slot, const char *reason);
/* tcp_handler.ended: a logged-in player's connection ended (LEAVE with leave_reason). */
void session_conn_ended(Server *s, unsigned slot, const char *leave_reason, ProtoDisconnect disc);
/* Shutdown: every player released with `disc` (their TCP connections closed already). */
void session_release_all(Server *s, ProtoDisconnect disc);
/* ENet's events: CONNECTs, BINDs, INPUTs, lost peers. */
void session_service(Server *s, uint64_t now_ms);
/* A message of bound player `slot` on the INPUT channel: an INPUT is taken (docs/protocol.md
 * §3.1), anything else dropped and counted. From ENet's events, and straight from the gate for
 * a datagram of INPUTs only (udp_gate.h), which ENet then never sees. */
void session_bound_message(Server *s, unsigned slot, const uint8_t *data, size_t len,
                           uint64_t now_ms);
/* Deadlines: peers that never bound, tokens never used; the gate's; traffic counters. */
void session_housekeeping(Server *s, uint64_t now_ms);

/* match.c: the match's announcements (docs/operations.md "The match"). */
/* The MATCH event of the world's match as it is now. */
MsgEvent match_event(const Server *s);
/* A newly bound player learns the match: MATCH, and on the end screen everyone's STATS. */
void match_send_state(Server *s, ENetPeer *peer);
/* The step's events to the clients (HIT, KILL, SPAWN, STATS, MATCH), the TCP lines (HIT, the
 * match's NOTICEs) and the log; a MATCH whenever the phase or its end changed. */
void match_announce(Server *s);

/* The match settings of the config, in ticks (server.c: at start; reload.c: on SIGHUP). */
SimMatchConfig srv_match_config(const SrvConfig *cfg);

/* tick.c: one game tick (inputs, sim_step, events, the hunt, snapshots). */
void tick_run(Server *s);

/* lobby.c: what the lines mean. */
void lobby_line(Server *s, int conn, char *line, uint64_t now_ms);
void lobby_bad_line(Server *s, int conn, LineStatus st, uint64_t now_ms);

/* store_srv.c: the hall of fame and the bans (store.h), in memory, written by the store's
 * thread. */
enum { SRV_STORE_DRAIN_MS = 3000 }; /* at shutdown, how long queued changes may wait */
bool srv_store_open(Server *s);
void srv_store_close(Server *s);
/* Between ticks: reloaded bans and rows, the replies, the database's state to the log. */
void srv_store_poll(Server *s);

/* metrics_srv.c: the Prometheus endpoint (metrics_port). */
bool srv_metrics_open(Server *s); /* true when off */
void srv_metrics_close(Server *s);
/* Renders and hands over the metrics once a second (now: at once). */
void srv_metrics_publish(Server *s, bool now);

/* agones_srv.c: the Agones SDK client, when the environment says the server runs under
 * Agones (AGONES_SDK_HTTP_PORT); false only for a broken environment. */
bool srv_agones_open(Server *s);
/* The UDP port the OK line tells players: Agones' port for the server when it runs under
 * Agones (the node's port, mapped to the container's game_port), else game_port. */
uint16_t srv_public_udp_port(const Server *s);
void srv_agones_close(Server *s);
void srv_agones_periodic(Server *s); /* the wanted state to the client, the state it saw */
/* A match's end screen is over: Shutdown when allocated and agones_shutdown_after_match. */
void srv_agones_match_ended(Server *s);

/* notify.c: systemd's notify protocol (no-ops without NOTIFY_SOCKET). */
void srv_notify_start(Server *s);    /* READY=1, STATUS=, the watchdog period */
void srv_notify_periodic(Server *s); /* WATCHDOG=1, STATUS= when players changed */
void srv_notify_status(Server *s, bool now, const char *extra); /* extra: "READY=1\n" ... */
void srv_notify_text(Server *s, const char *text);              /* STOPPING=1, RELOADING=1 */

/* reload.c: SIGHUP. Applies the settings that can change at run time (config.h
 * srv_config_key_live) from next, logs every other changed one as needing a restart. */
void srv_reload(Server *s, const SrvConfig *next);
/* The loop's check of the SIGHUP flag: rebuilds the settings and reloads, or logs why not. */
void srv_reload_if_asked(Server *s);

/* discovery.c */
bool disc_open(Server *s);
void disc_service(Server *s, uint64_t now_ms);

#endif
