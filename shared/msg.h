/* msg.h — codecs of the small ENet messages and of LAN discovery datagrams.
 *
 * Owns INPUT, BIND, WELCOME, MAP (docs/protocol.md) and the discovery QUERY/REPLY. Every
 * encoder returns the bytes written, or 0 if the value is invalid or does not fit; every
 * decoder reads through a bounds-checked BsReader, rejects malformed input with a MsgError and
 * never reads past `len`. SNAPSHOT lives in snapshot.h. */
#ifndef ARENA_MSG_H
#define ARENA_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"
#include "sim.h"

/* Encoded sizes in bytes, for sizing buffers. Every encoder's output is at most the *_MAX. */
enum {
    MSG_INPUT_MIN_BYTES = 13,   /* one input */
    MSG_INPUT_MAX_BYTES = 91,   /* PROTO_INPUT_WINDOW inputs, every one different */
    MSG_BIND_BYTES = 18,        /* type, version, token */
    MSG_WELCOME_MAX_BYTES = 48, /* map name of PROTO_MAP_NAME_MAX bytes */
    MSG_MAP_MAX_BYTES = 5 + 3 + PROTO_MAP_TEXT_MAX,
    MSG_DISCOVERY_REPLY_MAX_BYTES = 83, /* both names at their maximum */
    MSG_EVENT_MAX_BYTES = 23,           /* PLAYER with a name of PROTO_NAME_MAX bytes */
    MSG_EVENTS_MAX_BYTES = 1024,        /* an EVENTS message the server builds, at most */
    MSG_EVENTS_MAX_COUNT = 255,         /* events in one EVENTS message, at most */
};

typedef enum MsgError {
    MSG_OK = 0,
    MSG_ERR_TRUNCATED, /* ran out of bytes (every strict prefix of a valid message) */
    MSG_ERR_TYPE,      /* wrong message type or discovery magic */
    MSG_ERR_VALUE,     /* a field out of range, malformed varint or text, non-canonical
                          INPUT delta, map checksum mismatch, non-zero query padding */
    MSG_ERR_TRAILING,  /* bytes after the message, or non-zero padding bits */
} MsgError;

/* INPUT: the client's unacknowledged inputs, newest first. inputs[i] is the input for tick
 * newest_tick - i; consecutive ticks, so ticks are implied by position. */
typedef struct MsgInput {
    uint32_t snapshot_ack; /* tick of the newest snapshot the client decoded; 0 = none */
    uint32_t newest_tick;  /* tick of inputs[0]; input ticks are >= 1, so >= count */
    uint8_t count;         /* 1..PROTO_INPUT_WINDOW */
    /* What the client's view showed when it chose inputs[0]: its render tick was
     * newest_tick - 1 - view_lag / 16, view_lag / 16 ticks behind the world that input's
     * step starts from (lag compensation, lagcomp.h). 0..LC_VIEW_LAG_MAX. */
    uint16_t view_lag;
    SimInput inputs[PROTO_INPUT_WINDOW];
} MsgInput;

/* BIND decodes any version so the server can answer a mismatch with PROTO_DISCONNECT_VERSION. */
typedef struct MsgBind {
    uint8_t version; /* PROTO_VERSION of the client */
    uint8_t token[PROTO_TOKEN_BYTES];
} MsgBind;

typedef struct MsgWelcome {
    uint8_t version;       /* must be PROTO_VERSION */
    uint16_t player_id;    /* the client's own entity id (player slot), < PROTO_MAX_PLAYERS */
    uint32_t server_tick;  /* current tick when sent */
    uint8_t tick_hz;       /* must be PROTO_TICK_HZ */
    uint8_t snapshot_hz;   /* PROTO_SNAPSHOT_HZ_MIN..PROTO_SNAPSHOT_HZ_MAX */
    uint8_t input_hz;      /* version 7: INPUTs a second, PROTO_INPUT_HZ_MIN..MAX */
    uint32_t map_checksum; /* map_fnv1a32 of the map text */
    char map_name[PROTO_MAP_NAME_MAX + 1]; /* non-empty; line_text_valid */
} MsgWelcome;

/* MAP: the map text the server plays, so any client can join any map. Decoding points `text`
 * into the input buffer (no copy). */
typedef struct MsgMap {
    uint32_t checksum; /* must equal map_fnv1a32(text, len) */
    const char *text;
    size_t len; /* 1..PROTO_MAP_TEXT_MAX */
} MsgMap;

/* EVENT: something happened that every client should hear about reliably. */
typedef enum MsgEventKind {
    MSG_EV_PLAYER = 1, /* player a is in the arena, called name (also sent for everyone
                          present when a client binds) */
    MSG_EV_LEFT = 2,   /* player a left the arena */
    MSG_EV_HIT = 3,    /* player a's shot hit player b, whose health is now `health` */
    MSG_EV_LEGEND = 4, /* player a is a legend of this server (found what was hidden); sent
                          when it happens and, like PLAYER, for everyone present on bind */
    MSG_EV_KILL = 5,   /* version 4: player a killed player b */
    MSG_EV_SPAWN = 6,  /* version 4: player a (re)spawned */
    MSG_EV_MATCH = 7,  /* version 4: the match state (on every phase change, and on bind);
                          a = winner when match.has_winner */
    MSG_EV_STATS = 8,  /* version 4: player a's match stats (at the end of a match) */
} MsgEventKind;

/* MATCH: the phase (sim.h SimPhase) and its end, and the rules. */
typedef struct MsgMatch {
    uint8_t phase;        /* SIM_PHASE_WARMUP..SIM_PHASE_ENDED */
    bool has_winner;      /* only in phase ENDED */
    uint32_t phase_end;   /* server tick the phase ends at; 0 = open-ended */
    uint16_t score_limit; /* kills that win; 0 = none */
    uint16_t time_limit;  /* seconds a match runs; 0 = none */
} MsgMatch;

typedef struct MsgStats {
    uint16_t kills, deaths, shots, hits;
} MsgStats;

typedef struct MsgEvent {
    uint8_t kind;                  /* MsgEventKind */
    uint16_t a, b;                 /* player ids < PROTO_MAX_PLAYERS; b only for HIT, KILL */
    uint8_t health;                /* HIT only: 0..PROTO_MAX_HEALTH */
    MsgMatch match;                /* MATCH only */
    MsgStats stats;                /* STATS only */
    char name[PROTO_NAME_MAX + 1]; /* PLAYER only: non-empty, line_text_valid */
    uint8_t colour;                /* PLAYER only: palette colour 0..255, distinct per player */
} MsgEvent;

/* LAN discovery, byte aligned. A query is exactly PROTO_DISCOVERY_QUERY_BYTES long (zero padded) so
 * that a reply, which is never longer, cannot amplify traffic. */
typedef struct MsgDiscoveryQuery {
    uint8_t version; /* any value decodes; servers answer only their own PROTO_VERSION */
    uint32_t nonce;  /* echoed in the reply */
} MsgDiscoveryQuery;

typedef struct MsgDiscoveryReply {
    uint8_t version; /* must be PROTO_VERSION */
    uint32_t nonce;
    char server_name[PROTO_SERVER_NAME_MAX + 1]; /* non-empty; line_text_valid */
    char map_name[PROTO_MAP_NAME_MAX + 1];       /* may be empty; line_text_valid */
    uint16_t players, capacity;                  /* capacity 1..PROTO_MAX_PLAYERS, players <= it */
    uint16_t game_port, login_port;              /* non-zero */
} MsgDiscoveryReply;

/* Decoders fill *m only on MSG_OK; on failure *m is zeroed. A message that decodes re-encodes
 * to exactly the same bytes (every encoding is canonical). */
size_t msg_input_encode(const MsgInput *m, uint8_t *out, size_t cap);
MsgError msg_input_decode(const uint8_t *buf, size_t len, MsgInput *m);
size_t msg_bind_encode(const MsgBind *m, uint8_t *out, size_t cap);
MsgError msg_bind_decode(const uint8_t *buf, size_t len, MsgBind *m);
size_t msg_welcome_encode(const MsgWelcome *m, uint8_t *out, size_t cap);
MsgError msg_welcome_decode(const uint8_t *buf, size_t len, MsgWelcome *m);
/* Ticks between two INPUTs at WELCOME's input_hz: PROTO_TICK_HZ / input_hz, rounded down
 * (60 Hz: 1, 30 Hz: 2, 45 Hz: 1); 1 for a rate outside the range. */
unsigned msg_input_interval_ticks(unsigned input_hz);
size_t msg_map_encode(const MsgMap *m, uint8_t *out, size_t cap);
MsgError msg_map_decode(const uint8_t *buf, size_t len, MsgMap *m);
size_t msg_discovery_query_encode(const MsgDiscoveryQuery *m, uint8_t *out, size_t cap);
MsgError msg_discovery_query_decode(const uint8_t *buf, size_t len, MsgDiscoveryQuery *m);
/* query_len: the size of the query being answered; the reply must not exceed it. */
size_t msg_discovery_reply_encode(const MsgDiscoveryReply *m, uint8_t *out, size_t cap,
                                  size_t query_len);
MsgError msg_discovery_reply_decode(const uint8_t *buf, size_t len, MsgDiscoveryReply *m);

size_t msg_event_encode(const MsgEvent *m, uint8_t *out, size_t cap);
MsgError msg_event_decode(const uint8_t *buf, size_t len, MsgEvent *m);

/* EVENTS (version 6, msg_events.c): type, a count of 1..MSG_EVENTS_MAX_COUNT, then each event
 * as a length byte and a whole EVENT message. Appends ev to the message in buf[0..*len)
 * (*len == 0: starts one) and updates *len; false, buf and *len unchanged, if ev does not
 * encode or the message would pass cap (at most MSG_EVENTS_MAX_BYTES is used) or
 * MSG_EVENTS_MAX_COUNT events: send it and start another. */
bool msg_events_append(uint8_t *buf, size_t *len, size_t cap, const MsgEvent *ev);
/* Decodes every event (at most cap; more is MSG_ERR_VALUE) into evs and their number into
 * *count; on an error *count is 0 and nothing in evs is meaningful. A malformed item is the
 * whole message's error (TRUNCATED inside an item whose length says it is whole: VALUE). */
MsgError msg_events_decode(const uint8_t *buf, size_t len, MsgEvent *evs, size_t cap,
                           size_t *count);

/* The 32-bit ENet connect data of a client joining with this session token: the token's
 * first four bytes, little-endian (docs/protocol.md §6). The server admits a CONNECT only if
 * it carries the tag of a live login from the same address. */
uint32_t msg_connect_tag(const uint8_t token[PROTO_TOKEN_BYTES]);

const char *msg_error_str(MsgError e);

#endif
