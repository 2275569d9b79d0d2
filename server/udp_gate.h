/* udp_gate.h — the game port's door: every datagram is judged here before ENet parses it.
 *
 * Owns admission and filtering on the UDP game port, through ENet's intercept hook (so ENet
 * allocates nothing and answers nothing for what is dropped here):
 *   - a CONNECT gets in only if its 32-bit connect data is the connect tag of a live login
 *     from the same IP address (msg_connect_tag), the address is not banned and holds fewer
 *     than ip_max_peers peers; one CONNECT (connect id and port) per login;
 *   - a half-open peer (handshake not complete) is answered at most one VERIFY_CONNECT per
 *     datagram's worth of bytes it sent (amplification <= 1) and dropped after
 *     GATE_HALF_OPEN_MS;
 *   - any other datagram must come from the peer's address with its session and ENet's
 *     checksum over the connection's id (a blind spoofer cannot forge DISCONNECT or SEND);
 *   - before BIND a peer may send only the BIND (one reliable message of MSG_BIND_BYTES on
 *     channel 0), after it only INPUT (unsequenced, channel 2, at most MSG_INPUT_MAX_BYTES),
 *     acknowledgements, pings and disconnects (udp_cmds.h), at most udp_peer_rate datagrams
 *     per second: nothing a client can send makes ENet queue or reassemble anything;
 *   - a bound player's datagram of INPUTs only is handed to session_bound_message here, and
 *     ENet never sees it (udp_cmds.h says when): no packet, command or event per INPUT.
 * Every drop is counted and logged at a limited rate (drops.h). */
#ifndef ARENA_SRV_UDP_GATE_H
#define ARENA_SRV_UDP_GATE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct Server Server;
typedef struct SrvPlayer SrvPlayer;

enum {
    GATE_HALF_OPEN_MS = 5000,     /* a handshake must complete within this */
    GATE_ADMITS_PER_LOGIN = 4,    /* CONNECTs one login may let in (retries after expiry) */
    GATE_BACKLOG_COMMANDS = 1024, /* outgoing reliable commands queued for one peer, at most */
    UDP_FLOOD_SLACK = 64,         /* datagrams per read slot beyond 2 per player: a flood */
    UDP_FLOOD_WINDOW_MS = 250,    /* polled at least this long once flooded */
};

/* A game join of the login in slot failed or was refused: logged (address, name, reason) and
 * told to the login's TCP session as "ERR <code> <text>" (docs/protocol.md §6), once per
 * login. code is "full", "version" or "join". Does nothing unless slot is a login (SP_LOBBY). */
void gate_refuse_join(Server *s, int slot, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Installs the hook, turns ENet checksums on and readies the per-peer state. */
void gate_open(Server *s);
/* Around every enet_host_service call: lets ENet retransmit a half-open peer's
 * VERIFY_CONNECT only while that peer has sent enough to pay for it. */
void gate_before_service(Server *s);
void gate_after_service(Server *s);
/* Drops expired half-open peers. */
void gate_housekeeping(Server *s, uint64_t now_ms);
/* Whether it is time for the (periodic) backlog check; then, per player, whether its reliable
 * backlog passed GATE_BACKLOG_COMMANDS. session.c releases those (the gate's one call up is
 * session_bound_message, for a datagram of INPUTs only). */
bool gate_backlog_due(Server *s, uint64_t now_ms);
bool gate_backlogged(const SrvPlayer *p);
/* After each read of the game socket (session_service), from the datagrams it saw
 * (s->udp_batch): whether the next waits poll the socket. Yes once a read finds more than a
 * flood's worth (2 x max_players + UDP_FLOOD_SLACK per read slot since the previous read: a
 * late tick makes one read cover several slots), until a whole window of UDP_FLOOD_WINDOW_MS
 * stays under that rate. Counted: udp_flood_polls (times it switched on), udp_polled_ms.
 * Not a RlBucket: a bucket's burst would have to cover the longest legitimate late read, and
 * would then delay seeing a flood by as much; the window scales by the time actually passed. */
void gate_judge_flood(Server *s, uint64_t now_ms);

#endif
