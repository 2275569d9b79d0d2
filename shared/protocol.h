/* protocol.h — the numbers every Localhost Arena program agrees on.
 *
 * Owns: protocol version, default ports, tick and snapshot rates, ENet channel ids, message
 * type ids, disconnect reasons and size limits. Pure constants: no code, no state.
 * docs/protocol.md is the normative description; keep the two in step. */
#ifndef ARENA_PROTOCOL_H
#define ARENA_PROTOCOL_H

enum {
    /* Bumped on any incompatible wire change. Carried in BIND, WELCOME, discovery and LOGIN.
     * 2: ENet checksums on, CONNECT data = connect tag, name rules, claims.
     * 3: baselines kept 128 ticks (was 32); SNAPSHOT's input timing (how early the viewer's
     *    inputs arrive); INPUT carries the view lag (lag compensation).
     * 4: health, spawn protection, deaths in snapshots; match and kill events; EVENT PLAYER
     *    carries the player's colour; LOGIN may ask for one (colour=N).
     * 5: up to 1024 players: entity ids 12 bits (was 10), a shot's owner 10 bits (was 8);
     *    each client sees the entities near it (docs/protocol.md §2.4), not the whole world.
     * 6: the server sends its events in EVENTS messages (several EVENTs in one).
     * 7: WELCOME says how often the client sends INPUT (input_hz).
     * 8: on a big server an onlooker's HIT and KILL come in an EVENTS on the snapshot
     *    channel, unreliable (docs/protocol.md §3.7). */
    PROTO_VERSION = 8,

    PROTO_GAME_PORT = 7777,      /* UDP, ENet */
    PROTO_LOGIN_PORT = 7777,     /* TCP, line protocol (login and chat) */
    PROTO_DISCOVERY_PORT = 7778, /* UDP, LAN broadcast query/reply */

    PROTO_TICK_HZ = 60,             /* simulation ticks per second */
    PROTO_SNAPSHOT_HZ_DEFAULT = 30, /* snapshots per second per client */
    PROTO_SNAPSHOT_HZ_MIN = 10,
    PROTO_SNAPSHOT_HZ_MAX = 60,
    /* INPUT messages per second a client sends (WELCOME's input_hz): one every
     * PROTO_TICK_HZ / input_hz ticks, each carrying every input not yet applied. */
    PROTO_INPUT_HZ_MIN = 10,
    PROTO_INPUT_HZ_MAX = 60,

    /* Entity id space: players use ids [0, PROTO_MAX_PLAYERS) (id == player slot), shots use
     * [PROTO_SHOT_ID_BASE, PROTO_MAX_ENTITIES). Ids fit in PROTO_ENTITY_ID_BITS bits; a
     * player id alone (WELCOME, EVENT, a snapshot's self_id, a shot's owner) in
     * PROTO_PLAYER_ID_BITS. */
    PROTO_MAX_PLAYERS = 1024,
    PROTO_MAX_SHOTS = 3072,
    PROTO_SHOT_ID_BASE = PROTO_MAX_PLAYERS,
    PROTO_MAX_ENTITIES = PROTO_MAX_PLAYERS + PROTO_MAX_SHOTS,
    PROTO_ENTITY_ID_BITS = 12,
    PROTO_PLAYER_ID_BITS = 10,

    PROTO_MAX_DATAGRAM = 1200, /* bytes of ENet payload budget for one snapshot */
    /* The MTU both ENet hosts are given: ENet adds its 4-byte checksum after measuring a
     * datagram against the MTU, so the MTU is that much smaller than the datagram limit. */
    PROTO_ENET_MTU = PROTO_MAX_DATAGRAM - 4,
    PROTO_TOKEN_BYTES = 16,  /* session token: 128 bits from the OS random source */
    PROTO_CLAIM_BYTES = 16,  /* a legend's claim secret (32 hex digits in CLAIM and LOGIN) */
    PROTO_INPUT_WINDOW = 32, /* most inputs carried by one INPUT message */
    /* Delta baselines: the server remembers a snapshot it sent to a client until it sends one
     * whose tick is the same modulo this (docs/protocol.md §2.4); a client that keeps its last
     * this many decoded snapshots always has the baseline the server picks. 128 ticks is
     * 2.1 s: an acknowledgement that took a 1 s round trip with jitter still finds its
     * snapshot (at 32, 533 ms, every snapshot on a 250 ms + 250 ms jitter link was full). */
    PROTO_SNAP_BASELINES = 128,

    PROTO_MAX_HEALTH = 100, /* a player's full health */
    PROTO_COLOURS = 256,    /* player palette colours (EVENT PLAYER's colour, 8 bits) */
    /* A match's end screen (EVENT STATS, docs/protocol.md §3.6): a client is sent the STATS of
     * the best this many players and its own, not every player's (1000 x 1000 events). */
    PROTO_STATS_BEST = 16,

    PROTO_NAME_MAX = 16,        /* player name, bytes of UTF-8 */
    PROTO_CHAT_MAX = 200,       /* chat text, bytes of UTF-8 */
    PROTO_LINE_MAX = 512,       /* TCP line, bytes including the terminating "\n" */
    PROTO_SERVER_NAME_MAX = 32, /* server name in discovery replies, bytes of UTF-8 */
    PROTO_MAP_NAME_MAX = 32,    /* map name, bytes of UTF-8 */
    PROTO_MAP_TEXT_MAX = 32768, /* map file text carried by a MAP message, bytes */

    PROTO_DISCOVERY_QUERY_BYTES = 128, /* a discovery query is exactly this long (padded) */
};

/* ENet channels. */
enum {
    PROTO_CH_RELIABLE = 0, /* reliable: WELCOME, MAP, game events */
    PROTO_CH_SNAPSHOT = 1, /* unreliable sequenced: SNAPSHOT */
    PROTO_CH_INPUT = 2,    /* unsequenced: INPUT (and BIND, sent reliable on channel 0) */
    PROTO_CHANNEL_COUNT = 3,
};

/* First byte of every ENet message. */
typedef enum ProtoMsgType {
    PROTO_MSG_BIND = 1,     /* client -> server: version + session token */
    PROTO_MSG_WELCOME = 2,  /* server -> client: you are bound; your id, tick, rates, map */
    PROTO_MSG_INPUT = 3,    /* client -> server: input window + snapshot ack */
    PROTO_MSG_SNAPSHOT = 4, /* server -> client: full or delta snapshot */
    PROTO_MSG_MAP = 5,      /* server -> client: the map text */
    PROTO_MSG_EVENT = 6,    /* server -> client: a game event (player joined/left, hit) */
    PROTO_MSG_EVENTS = 7,   /* server -> client: several EVENTs in one message (version 6) */
} ProtoMsgType;

/* ENet disconnect data sent by the server when it drops a peer. */
typedef enum ProtoDisconnect {
    PROTO_DISCONNECT_NONE = 0,
    PROTO_DISCONNECT_SHUTDOWN = 1,     /* server is stopping */
    PROTO_DISCONNECT_BAD_TOKEN = 2,    /* unknown, used or expired token */
    PROTO_DISCONNECT_BIND_TIMEOUT = 3, /* no BIND within the deadline */
    PROTO_DISCONNECT_VERSION = 4,      /* protocol version mismatch */
    PROTO_DISCONNECT_PROTOCOL = 5,     /* malformed messages */
    PROTO_DISCONNECT_LOGOUT = 6,       /* the TCP session ended */
    PROTO_DISCONNECT_FULL = 7,         /* no free slot or too many peers from one address */
    PROTO_DISCONNECT_KICKED = 8,       /* removed by the operator (arena-ctl kick or ban) */
    PROTO_DISCONNECT_BACKLOG = 9,      /* the client stopped acknowledging reliable messages */
} ProtoDisconnect;

#endif
