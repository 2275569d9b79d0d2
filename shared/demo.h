/* demo.h — the demo file format: a recorded match (docs/demo.md).
 *
 * Owns the bytes of a demo: a header (magic, format version, protocol version, rates, map) and
 * then records (type, tick, length, payload). A FRAME record is the whole world as a SNAPSHOT
 * message (snapshot.h, no viewer), full or delta against the previous FRAME: the snapshot
 * codec, its field table and its validity rules are the demo's, so a field added to the table
 * is recorded and replayed with no change here. CHAT records carry chat lines, EVENT records
 * carry EVENT messages (msg.h). Pure: writers fill caller buffers, the reader walks a
 * caller-owned buffer through a bounds-checked cursor; no I/O, no allocation, no globals. */
#ifndef ARENA_DEMO_H
#define ARENA_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msg.h"
#include "protocol.h"
#include "snapshot.h"

#define DEMO_MAGIC "ARENADEM" /* 8 bytes, no terminator in the file */

enum {
    DEMO_MAGIC_BYTES = 8,
    DEMO_FORMAT_VERSION = 2, /* 2: a chat record's slot is 2 bytes (was 1) */
    /* The oldest protocol whose snapshot codec and EVENT layout are this one's: protocols 6
     * and 8 changed only how a server sends its events (EVENTS; an onlooker's unreliably), 7
     * only WELCOME, and a demo holds the events one by one. */
    DEMO_PROTOCOL_MIN = 5,
    DEMO_RECORD_HEADER_BYTES = 9, /* type u8, tick u32, length u32 */
    /* A FRAME's payload: the largest whole-world SNAPSHOT (every player and shot added) is
     * about 13 KB; this leaves room for any field the table gains. */
    DEMO_FRAME_MAX = 65536,
    DEMO_RECORD_MAX = DEMO_FRAME_MAX, /* no payload is longer */
    DEMO_CHAT_MAX_BYTES = 5 + PROTO_NAME_MAX + PROTO_CHAT_MAX,
    /* A full (keyframe) FRAME at least this often, so a player can seek without decoding
     * from the start: 5 s. */
    DEMO_KEYFRAME_TICKS = 5 * PROTO_TICK_HZ,
    DEMO_HEADER_FIXED_BYTES = 29, /* up to and including the map name's length byte */
    DEMO_HEADER_MAX_BYTES = DEMO_HEADER_FIXED_BYTES + PROTO_MAP_NAME_MAX + 4 + PROTO_MAP_TEXT_MAX,
};

typedef enum DemoRecordType {
    DEMO_REC_FRAME = 1,
    DEMO_REC_CHAT = 2,
    DEMO_REC_EVENT = 3,
    DEMO_REC_END = 4, /* the match ended cleanly; nothing follows */
} DemoRecordType;

typedef enum DemoChatKind {
    DEMO_CHAT_SAY = 0,    /* CHAT <name> <text> */
    DEMO_CHAT_ACTION = 1, /* /me: ACTION <name> <text> */
    DEMO_CHAT_KIND_MAX = DEMO_CHAT_ACTION,
} DemoChatKind;

typedef struct DemoHeader {
    uint16_t version;     /* DEMO_FORMAT_VERSION */
    uint16_t protocol;    /* PROTO_VERSION of the server that wrote it */
    uint16_t tick_hz;     /* PROTO_TICK_HZ */
    uint16_t snapshot_hz; /* frames per second (the server's snapshot rate) */
    uint64_t start_unix;  /* when the match began, seconds since 1970 UTC (informational) */
    uint32_t match;       /* match number in this server run, from 1 */
    char map_name[PROTO_MAP_NAME_MAX + 1];
    const uint8_t *map_text; /* writer: the caller's; reader: points into the file */
    uint32_t map_len;        /* 1..PROTO_MAP_TEXT_MAX */
} DemoHeader;

typedef struct DemoChat {
    uint8_t kind;  /* DemoChatKind */
    uint16_t slot; /* the speaker's player slot, < PROTO_MAX_PLAYERS */
    char name[PROTO_NAME_MAX + 1];
    char text[PROTO_CHAT_MAX + 1];
} DemoChat;

typedef struct DemoRecord {
    uint8_t type; /* DemoRecordType */
    uint32_t tick;
    size_t offset;          /* of the record in the file */
    const uint8_t *payload; /* into the file */
    uint32_t len;
    DemoChat chat;  /* DEMO_REC_CHAT */
    MsgEvent event; /* DEMO_REC_EVENT */
    uint32_t base;  /* DEMO_REC_FRAME: baseline tick, 0 for a keyframe */
} DemoRecord;

typedef enum DemoError {
    DEMO_OK = 0,
    DEMO_DONE,          /* reader: the end of the file, after whole records */
    DEMO_ERR_MAGIC,     /* not a demo file */
    DEMO_ERR_VERSION,   /* a format version this reader does not know */
    DEMO_ERR_TRUNCATED, /* the file ends inside the header or a record */
    DEMO_ERR_HEADER,    /* a header field out of range */
    DEMO_ERR_RECORD,    /* unknown record type or a length out of range */
    DEMO_ERR_TICK,      /* a record's tick goes back, or a frame's tick is not after the last */
    DEMO_ERR_FRAME,     /* a FRAME that the snapshot decoder rejects */
    DEMO_ERR_CHAT,      /* a malformed CHAT */
    DEMO_ERR_EVENT,     /* an EVENT that msg_event_decode rejects */
    DEMO_ERR_SPACE,     /* writer: the buffer is too small */
    DEMO_ERR_PROTOCOL,  /* recorded with a protocol version outside DEMO_PROTOCOL_MIN ..
                           PROTO_VERSION (another snapshot codec or EVENT layout) */
} DemoError;

const char *demo_error_str(DemoError e);

/* ---- writing (into caller buffers; each returns bytes written, 0 if cap is too small) ---- */

size_t demo_write_header(const DemoHeader *h, uint8_t *out, size_t cap);
/* The world `frame` (a snapshot with no self block) against `prev` (the previous frame as
 * written, or NULL for a keyframe). `sent` receives what a reader will decode (its capacity
 * at least frame->count); it may then be the next frame's prev. */
DemoError demo_write_frame(const Snapshot *frame, const Snapshot *prev, Snapshot *sent,
                           uint8_t *out, size_t cap, size_t *written);
size_t demo_write_chat(uint32_t tick, const DemoChat *c, uint8_t *out, size_t cap);
size_t demo_write_event(uint32_t tick, const MsgEvent *ev, uint8_t *out, size_t cap);
size_t demo_write_end(uint32_t tick, uint8_t *out, size_t cap);

/* ---- reading --------------------------------------------------------------------------------- */

typedef struct DemoReader {
    const uint8_t *buf;
    size_t len, pos;
    uint32_t last_tick;  /* of the previous record */
    uint32_t last_frame; /* tick of the previous FRAME, 0 none */
    bool ended;          /* an END record was read */
} DemoReader;

/* Reads and checks the header; the reader then stands at the first record. */
DemoError demo_reader_open(DemoReader *r, const uint8_t *buf, size_t len, DemoHeader *h);
/* The next record, checked (ticks never go back, payloads parsed and validated except a
 * FRAME's snapshot, which demo_frame_decode checks against its baseline). DEMO_DONE at the
 * end. After an error the reader stays where it was. */
DemoError demo_reader_next(DemoReader *r, DemoRecord *rec);
/* Re-positions the reader at a record offset returned earlier (seeking), with the state it had
 * there: last_frame is the tick of the FRAME before it (for a keyframe, any). */
void demo_reader_seek(DemoReader *r, size_t offset, uint32_t tick);
/* Decodes a FRAME record's world. prev is the previous frame (needed unless rec->base == 0). */
DemoError demo_frame_decode(const DemoRecord *rec, const Snapshot *prev, Snapshot *out);

#endif
