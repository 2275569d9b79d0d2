/* server.h — the arena-server's state, shared by its modules (lobby, game, discovery, stats).
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

#include "config.h"
#include "egg.h"
#include "fame.h"
#include "line.h"
#include "log.h"
#include "map.h"
#include "protocol.h"
#include "sim.h"
#include "snapshot.h"
#include "stats.h"

enum {
    SRV_INPUT_RING = 64,     /* inputs buffered per player, by tick; > 2 * PROTO_INPUT_WINDOW */
    SRV_SNAP_RING = 32,      /* snapshots remembered per player as delta baselines */
    SRV_SNAP_POOL_SNAPS = 6, /* entity pool per player: this many worst-case views (about 20
                                real ones at 256 players; older acks get a full snapshot) */
    SRV_SNAP_BUDGET = PROTO_MAX_DATAGRAM - 32, /* snapshot payload; ENet headers fit the rest */
    SRV_OUT_LINE_MAX = 1024,                   /* longest line the server sends */
};

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
    char *out; /* pending output, tcp_outbuf_bytes */
    size_t out_len;
    uint64_t opened_ms, last_rx_ms;
    int player;          /* slot, -1 before login */
    uint32_t penalty;    /* flood score, drains 1 per ms */
    uint64_t penalty_ms; /* when penalty was last drained */
    uint64_t muted_until_ms;
    bool closing; /* flush what is queued, then close */
} SrvConn;

typedef struct SrvPlayer {
    SrvPlayerState state;
    char name[PROTO_NAME_MAX + 1];
    int conn; /* TCP connection index */
    uint8_t token[PROTO_TOKEN_BYTES];
    bool token_live;
    uint64_t token_expires_ms;
    uint32_t ip;
    ENetPeer *peer;
    uint64_t bound_ms;
    /* Inputs by tick: slot tick % SRV_INPUT_RING holds input_tick[] / inputs[]. */
    SimInput inputs[SRV_INPUT_RING];
    uint32_t input_tick[SRV_INPUT_RING];
    SimInput last_input;
    uint32_t input_ack; /* newest input tick applied */
    /* Snapshots sent (the client's view at each tick) and the entity pool they live in. */
    Snapshot ring[SRV_SNAP_RING];
    SnapEntity *pool;
    uint32_t pool_cap, pool_head;
    float *prio;         /* priority accumulator per entity id */
    uint32_t acked_tick; /* newest snapshot tick the client acknowledged */
    unsigned snap_phase; /* which tick phase this player's snapshots go out on */
    bool legend;         /* found what is hidden, this session */
} SrvPlayer;

/* Per ENet peer that has not bound yet. */
typedef struct SrvPending {
    uint64_t connected_ms;
} SrvPending;

typedef struct Server {
    SrvConfig cfg;
    Log *log;
    Map map;
    char *map_text;
    size_t map_len;
    uint8_t *map_msg; /* the MAP message, encoded once */
    size_t map_msg_len;
    SimWorld world;
    Egg egg;             /* the hidden hunt's progress per player (egg.h: spoiler) */
    Fame *fame;          /* hall of fame in data_dir */
    SrvPlayer *players;  /* cfg.max_players */
    SrvConn *conns;      /* cfg.tcp_max_conns */
    SrvPending *pending; /* per ENet peer index */
    ENetHost *host;
    int tcp_fd;
    int disc_fd;
    /* Discovery rate limit: recent sources. */
    struct {
        uint32_t ip;
        uint64_t window_ms;
        unsigned count;
    } disc_rl[64];
    /* This tick's world, quantized once for every viewer (captured for viewer -1). */
    Snapshot world_view;
    SnapEntity *world_view_ents;
    /* Scratch for snapshot building (one viewer at a time). */
    Snapshot scratch_target;
    SnapEntity *scratch_ents;
    float *scratch_prio;
    SimInput tick_inputs[PROTO_MAX_PLAYERS];
    uint64_t next_tick_us;
    uint64_t started_us;
    unsigned players_now;
    SrvStats stats;
    volatile sig_atomic_t *stop; /* set by the signal handler */
    bool stopping;
} Server;

Server *srv_create(const SrvConfig *cfg, Log *log, volatile sig_atomic_t *stop);
void srv_destroy(Server *s);
/* Runs until *stop is set; then tells players and closes cleanly. Returns 0 on a clean stop. */
int srv_run(Server *s);

/* lobby.c: the TCP line protocol. */
bool lobby_open(Server *s);
void lobby_close_all(Server *s, const char *reason);
unsigned lobby_pollfds(Server *s, struct pollfd *fds, unsigned cap, int *conn_of);
void lobby_service(Server *s, const struct pollfd *fds, unsigned n, const int *conn_of,
                   uint64_t now_ms);
void lobby_housekeeping(Server *s, uint64_t now_ms);
/* Queues a line (without "\n") to one connection / every logged-in connection. */
void lobby_send(Server *s, int conn, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void lobby_broadcast(Server *s, int except_conn, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Ends a player's TCP session (the game side calls this when the peer is lost). */
void lobby_drop_player(Server *s, unsigned slot, const char *reason);

/* game.c: ENet, inputs, the tick, snapshots. */
bool game_open(Server *s);
void game_close(Server *s);
void game_service(Server *s, uint64_t now_ms);
void game_tick(Server *s);
void game_housekeeping(Server *s, uint64_t now_ms);
/* Removes a player from the arena and frees the slot (TCP side already gone). */
void game_release_player(Server *s, unsigned slot, ProtoDisconnect why);

/* Records a completed hunt: hall of fame, announcement, the legend mark (game.c). */
void game_legend(Server *s, unsigned slot);

/* discovery.c */
bool disc_open(Server *s);
void disc_service(Server *s, uint64_t now_ms);

#endif
