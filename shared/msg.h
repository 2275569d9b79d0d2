/* msg.h — codecs of the small ENet messages and of LAN discovery datagrams.
 *
 * Owns INPUT, BIND, WELCOME, MAP (docs/protocol.md) and the discovery QUERY/REPLY. Every
 * encoder returns the bytes written, or 0 if the value is invalid or does not fit; every
 * decoder reads through a bounds-checked BsReader, rejects malformed input with a MsgError and
 * never reads past `len`. SNAPSHOT lives in snapshot.h. */
#ifndef ARENA_MSG_H
#define ARENA_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "protocol.h"
#include "sim.h"

typedef enum MsgError {
    MSG_OK = 0,
    MSG_ERR_TRUNCATED, /* ran out of bytes */
    MSG_ERR_TYPE,      /* wrong message type or discovery magic */
    MSG_ERR_VALUE,     /* a field out of range */
    MSG_ERR_TRAILING,  /* bytes after the message */
} MsgError;

/* INPUT: the client's unacknowledged inputs, newest first. inputs[i] is the input for tick
 * newest_tick - i; consecutive ticks, so ticks are implied by position. */
typedef struct MsgInput {
    uint32_t snapshot_ack; /* tick of the newest snapshot the client decoded; 0 = none */
    uint32_t newest_tick;  /* tick of inputs[0]; >= count - 1 */
    uint8_t count;         /* 1..PROTO_INPUT_WINDOW */
    SimInput inputs[PROTO_INPUT_WINDOW];
} MsgInput;

typedef struct MsgBind {
    uint8_t version; /* PROTO_VERSION of the client */
    uint8_t token[PROTO_TOKEN_BYTES];
} MsgBind;

typedef struct MsgWelcome {
    uint8_t version;
    uint16_t player_id;   /* the client's own entity id (player slot) */
    uint32_t server_tick; /* current tick when sent */
    uint8_t tick_hz;
    uint8_t snapshot_hz;
    uint32_t map_checksum; /* map_fnv1a32 of the map text */
    char map_name[PROTO_MAP_NAME_MAX + 1];
} MsgWelcome;

/* MAP: the map text the server plays, so any client can join any map. Decoding points `text`
 * into the input buffer (no copy). */
typedef struct MsgMap {
    uint32_t checksum; /* must equal map_fnv1a32(text, len) */
    const char *text;
    size_t len; /* 1..PROTO_MAP_TEXT_MAX */
} MsgMap;

/* LAN discovery, byte aligned. A query is exactly PROTO_DISC_QUERY_BYTES long (zero padded) so
 * that a reply, which is never longer, cannot amplify traffic. */
typedef struct MsgDiscQuery {
    uint8_t version;
    uint32_t nonce; /* echoed in the reply */
} MsgDiscQuery;

typedef struct MsgDiscReply {
    uint8_t version;
    uint32_t nonce;
    char server_name[PROTO_SERVER_NAME_MAX + 1];
    char map_name[PROTO_MAP_NAME_MAX + 1];
    uint16_t players, capacity;
    uint16_t game_port, login_port;
} MsgDiscReply;

size_t msg_input_encode(const MsgInput *m, uint8_t *out, size_t cap);
MsgError msg_input_decode(const uint8_t *buf, size_t len, MsgInput *m);
size_t msg_bind_encode(const MsgBind *m, uint8_t *out, size_t cap);
MsgError msg_bind_decode(const uint8_t *buf, size_t len, MsgBind *m);
size_t msg_welcome_encode(const MsgWelcome *m, uint8_t *out, size_t cap);
MsgError msg_welcome_decode(const uint8_t *buf, size_t len, MsgWelcome *m);
size_t msg_map_encode(const MsgMap *m, uint8_t *out, size_t cap);
MsgError msg_map_decode(const uint8_t *buf, size_t len, MsgMap *m);
size_t msg_disc_query_encode(const MsgDiscQuery *m, uint8_t *out, size_t cap);
MsgError msg_disc_query_decode(const uint8_t *buf, size_t len, MsgDiscQuery *m);
/* query_len: the size of the query being answered; the reply must not exceed it. */
size_t msg_disc_reply_encode(const MsgDiscReply *m, uint8_t *out, size_t cap, size_t query_len);
MsgError msg_disc_reply_decode(const uint8_t *buf, size_t len, MsgDiscReply *m);

const char *msg_error_str(MsgError e);

#endif
