/* server_harness.h — an arena-server in the test's own process, driven tick by tick.
 *
 * The server library runs with ports chosen by the kernel on 127.0.0.1 and a temporary data
 * directory; time is whatever the test says (srv_iterate with now_us), so nothing waits for
 * the wall clock. Clients are raw loopback sockets: a TCP line connection and an ENet host
 * speaking the protocol by hand (BIND, INPUT), decoding snapshots with snap_decode. Waiting
 * for a datagram or a line is poll() on the sockets involved: an event, never a sleep. */
#ifndef ARENA_TEST_SERVER_HARNESS_H
#define ARENA_TEST_SERVER_HARNESS_H

#include <enet/enet.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "server.h"

enum {
    HX_MAX_CLIENTS = 8,
    /* Decoded snapshots a client remembers (its baselines), by tick modulo this: twice the
     * retention, so the last delta against a baseline does not land on its slot. */
    HX_KEPT = 2 * PROTO_SNAP_BASELINES,
    HX_LINES = 64,
};

typedef struct HxClient {
    int tcp;
    char lines[HX_LINES][SRV_OUT_LINE_MAX]; /* TCP lines received, in order */
    unsigned nlines;
    char partial[SRV_OUT_LINE_MAX];
    size_t partial_len;
    bool tcp_eof;
    int slot;
    uint8_t token[PROTO_TOKEN_BYTES];
    ENetHost *host;
    ENetPeer *peer;
    bool connected, disconnected;
    /* Snapshots: every one received is decoded against its baseline and kept. */
    unsigned snaps; /* received */
    unsigned decode_errors;
    /* EVENTS messages received on the snapshot channel (an onlooker's, protocol 8). */
    unsigned onlooker_events;
    uint32_t last_tick, last_baseline; /* of the newest one received */
    Snapshot kept[HX_KEPT];
    SnapEntity *kept_ents;
    uint32_t ticks_seen[HX_KEPT * 8]; /* every snapshot tick, in order of arrival */
    unsigned nticks;
} HxClient;

typedef struct Hx {
    Server *s;
    Log log;
    volatile sig_atomic_t stop;
    char dir[64];
    uint64_t start_us, now_us;
    uint64_t ticks; /* ticks the harness has advanced time by */
    HxClient clients[HX_MAX_CLIENTS];
    unsigned nclients;
} Hx;

/* Starts a server with cfg's settings (ports, data_dir, ctl and discovery are set here). */
Hx *hx_start(const SrvConfig *cfg);
void hx_stop(Hx *h);
/* One server iteration at the current time, then every client's ENet events. */
void hx_round(Hx *h);
/* Advances time by n ticks (one iteration per tick). */
void hx_ticks(Hx *h, unsigned n);
/* Jumps time forward by us microseconds in one iteration (a stall). */
void hx_jump_us(Hx *h, uint64_t us);
/* Rounds at the same time until cond(h, arg) holds, waiting on the sockets in between (time
 * moves on only to when the server's coalesced lines to everyone go out); false after many
 * rounds without it. */
bool hx_until(Hx *h, bool (*cond)(Hx *h, void *arg), void *arg);

/* A client that logged in over TCP (OK received); -1 on failure. */
int hx_login(Hx *h, const char *name);
/* ENet connect with the login's tag and, if bind, the BIND; true once it holds. */
bool hx_connect(Hx *h, int c, bool bind);
/* A one-peer client ENet host speaking the protocol's checksum and MTU, or NULL. */
ENetHost *hx_enet_host(void);
/* The server's game (ENet) address on loopback. */
ENetAddress hx_game_address(const Hx *h);
/* A client logged in and bound: its index, or -1. */
int hx_join(Hx *h, const char *name);
void hx_send_line(Hx *h, int c, const char *line);
/* Sends an INPUT for the next tick acknowledging `ack` (0: none). */
void hx_send_input(Hx *h, int c, uint32_t ack);
/* The same for tick `tick` (one input, no buttons). */
void hx_send_input_at(Hx *h, int c, uint32_t ack, uint32_t tick);
/* Sends this INPUT (which must encode). */
void hx_send_msg_input(Hx *h, int c, const MsgInput *m);
/* The first line received (so far) that starts with prefix, or NULL. */
const char *hx_line(const HxClient *c, const char *prefix);
/* The decoded snapshot of this tick, or NULL. */
const Snapshot *hx_snapshot(const HxClient *c, uint32_t tick);

#endif
