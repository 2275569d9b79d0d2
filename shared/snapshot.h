/* snapshot.h — snapshot model and codec: full, or delta against an acknowledged baseline.
 *
 * Owns the SNAPSHOT message (docs/protocol.md "SNAPSHOT"). A Snapshot is what one client sees
 * at one tick: a header, the viewer's own player at full precision (the self block, used for
 * prediction) and the other entities quantized (quant.h), sorted by id. The encoder fits the
 * message into a byte budget, most important entities first, and reports exactly what the
 * decoder will reconstruct (`sent`), which the server keeps as that client's future baseline.
 * Never allocates; entity storage belongs to the caller. */
#ifndef ARENA_SNAPSHOT_H
#define ARENA_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

typedef enum SnapEntityType {
    SNAP_ENT_PLAYER = 0,
    SNAP_ENT_SHOT = 1,
    SNAP_ENT_TYPE_BITS = 2,
} SnapEntityType;

enum SnapFlag {
    SNAP_FLAG_ALIVE = 1 << 0,     /* players: not waiting to respawn */
    SNAP_FLAG_FIRED = 1 << 1,     /* players: fired during this tick */
    SNAP_FLAG_PROTECTED = 1 << 2, /* players: spawn protection (takes no damage); version 4 */
    SNAP_FLAG_BITS = 3,
};

/* Every member but `unused_` is a row of the field table (snap_fields.c SNAP_FIELDS), which
 * asserts that the rows cover all bytes before `unused_`. The struct may not be padded (an
 * error, below): a new member either takes the place of `unused_` (then the table's asserts
 * fail until it has a row) or makes the struct grow, which the padding error catches. */
#pragma GCC diagnostic push
#pragma GCC diagnostic error "-Wpadded"
typedef struct SnapEntity {
    uint16_t id;        /* < PROTO_MAX_ENTITIES */
    uint8_t type;       /* SnapEntityType */
    uint8_t flags;      /* SNAP_FLAG_*, players only (0 for shots) */
    uint16_t x, y;      /* quant.h q_pos */
    int8_t vx, vy;      /* quant.h q_vel, in [-127, 127] */
    uint16_t aim;       /* players: 10-bit (quant.h q_aim); shots: 0 */
    uint16_t score;     /* players: kills this match; shots: 0 */
    uint16_t deaths;    /* players: deaths this match; shots: 0 */
    uint16_t owner;     /* shots: owner player slot; players: 0 */
    uint8_t health;     /* players: 0..PROTO_MAX_HEALTH (0 while dead); shots: 0 */
    uint8_t unused_[1]; /* explicit padding: never on the wire, never compared */
} SnapEntity;
#pragma GCC diagnostic pop

/* The viewer's own player, at simulation precision (mirrors SimPlayer). */
typedef struct SnapSelf {
    int32_t x, y, vx, vy; /* Q8 */
    uint16_t aim;         /* 12-bit */
    uint16_t score;
    uint8_t flags;    /* SNAP_FLAG_* */
    uint8_t cooldown; /* ticks */
    uint8_t respawn;  /* ticks */
    uint8_t health;   /* 0..PROTO_MAX_HEALTH */
    uint16_t deaths;
} SnapSelf;

/* Input timing (docs/protocol.md §2.3 "Input timing"): how early the viewer's inputs reached
 * the server over the snapshot interval, so that its clock can keep a small buffer. */
enum SnapTiming {
    SNAP_LEAD_PER_TICK = 8, /* input_lead unit: 1/8 tick */
    SNAP_LEAD_BITS = 11,    /* zigzag field */
    SNAP_LEAD_MIN = -1024,  /* -128 ticks; lower values saturate here */
    SNAP_LEAD_MAX = 1023,   /* 127.875 ticks; higher values saturate here */
    SNAP_LATE_BITS = 4,
    SNAP_LATE_MAX = 15, /* inputs_late saturates here */
};

typedef struct Snapshot {
    uint32_t tick;       /* server tick this snapshot shows; never 0 */
    uint32_t input_ack;  /* newest input tick the server has applied for the viewer; 0 = none */
    bool has_lead;       /* an INPUT of the viewer arrived since its previous snapshot */
    int16_t input_lead;  /* if has_lead: least lead of those INPUTs, 1/8 tick; else 0 */
    uint8_t inputs_late; /* ticks since the previous snapshot simulated without the viewer's
                            input (SNAP_LATE_MAX or more: SNAP_LATE_MAX) */
    bool has_self;       /* false for a viewer with no live slot */
    uint16_t self_id;    /* viewer's player id when has_self */
    SnapSelf self;
    uint16_t count;    /* entities in ents, strictly increasing id */
    uint16_t capacity; /* size of ents */
    SnapEntity *ents;  /* caller-owned storage */
} Snapshot;

typedef enum SnapError {
    SNAP_OK = 0,
    SNAP_ERR_TRUNCATED, /* ran out of bytes */
    SNAP_ERR_TYPE,      /* first byte is not PROTO_MSG_SNAPSHOT */
    SNAP_ERR_BASELINE,  /* needs a baseline that was not given or has another tick */
    SNAP_ERR_ID,        /* entity id out of range or not increasing */
    SNAP_ERR_VALUE,     /* a field out of its range (type, flags, velocity...) */
    SNAP_ERR_CAPACITY,  /* output storage too small */
    SNAP_ERR_TRAILING,  /* bytes left after the message */
    SNAP_ERR_INVALID,   /* encoder: target or baseline breaks the rules above */
    SNAP_ERR_BUDGET,    /* encoder: budget too small for even the header */
} SnapError;

typedef struct SnapEncodeReport {
    size_t bytes;         /* message size */
    uint16_t included;    /* entities written as added or changed */
    uint16_t unchanged;   /* baseline entities identical in target (1 bit each) */
    uint16_t removed;     /* removals written */
    uint16_t omitted;     /* added/changed entities left out for the budget */
    uint16_t memo_hits;   /* changed entities whose body came from the memo (SnapMemo) */
    uint16_t memo_misses; /* ... that it did not hold: worked out, and remembered there */
} SnapEncodeReport;

/* Changed entities' bodies, remembered across the snapshots one server encodes (the memo of
 * SnapEncodeArgs). A changed entity's bits depend only on its baseline value, its value and
 * the ticks between them; clients that were sent the same value of an entity at the same tick
 * need the same bits for it in this tick's snapshot. So each such pair is classified and
 * written once per tick, not once per client that sees it. An entry is found only if both
 * values and the tick distance are equal to what it was worked out for, so the output is the
 * same with or without a memo. Two entries per entity id: the newest pairs win. Caller-owned
 * (688 KB), zeroed before first use (snap_memo_init), never allocated here. */
enum { SNAP_MEMO_WORDS = 4, SNAP_MEMO_WAYS = 2 }; /* bodies of up to 256 bits are remembered */

typedef struct SnapMemoEntry {
    SnapEntity base, ent; /* the pair it holds the body of */
    uint32_t dt;          /* ticks from base to ent */
    uint16_t mask;        /* snap_delta_classify's rows */
    uint16_t nbits;       /* the body's bits, after "10"; 0: empty */
    uint64_t bits[SNAP_MEMO_WORDS];
} SnapMemoEntry;

typedef struct SnapMemoSet {
    SnapMemoEntry way[SNAP_MEMO_WAYS];
    unsigned next; /* the way the next new pair replaces */
} SnapMemoSet;

typedef struct SnapMemo {
    SnapMemoSet by_id[PROTO_MAX_ENTITIES];
} SnapMemo;

void snap_memo_init(SnapMemo *m);

void snap_init(Snapshot *s, SnapEntity *storage, uint16_t capacity);
/* Copies header, self and entities; false (dst unchanged) if dst->capacity is too small. */
bool snap_copy(Snapshot *dst, const Snapshot *src);
/* True if the snapshot follows the model's rules (ids increasing and in range, values in range,
 * tick != 0). */
bool snap_valid(const Snapshot *s);
bool snap_equal(const Snapshot *a, const Snapshot *b);
const SnapEntity *snap_find(const Snapshot *s, uint16_t id);

/* What snap_encode works on. */
typedef struct SnapEncodeArgs {
    const Snapshot *target;   /* what the viewer should see */
    const Snapshot *baseline; /* an acknowledged earlier snapshot, NULL: a full snapshot */
    const float *priority;    /* priority[i] ranks target->ents[i], higher first; NULL: by id */
    size_t budget;            /* bytes the message may take */
    uint8_t *out;             /* budget bytes */
    /* Receives exactly what snap_decode will produce (at most target->count entities, the
     * capacity it needs). May not alias target or baseline. */
    Snapshot *sent;
    uint16_t *omitted_ids; /* may be NULL: receives up to omitted_cap ids left out */
    size_t omitted_cap;
    SnapMemo *memo; /* may be NULL: every changed body is worked out afresh */
} SnapEncodeArgs;

/* Encodes a->target as a delta against a->baseline into a->out[0..budget). Ties in priority
 * go by id. Removals are always written. Entities that do not fit keep their baseline value
 * (or stay absent if new) in `sent`. Returns SNAP_OK and fills report, or an error (nothing
 * useful in out). */
SnapError snap_encode(const SnapEncodeArgs *a, SnapEncodeReport *report);

/* Reads the tick and baseline tick (0 = full snapshot) without decoding the rest. */
SnapError snap_peek(const uint8_t *buf, size_t len, uint32_t *tick, uint32_t *baseline_tick);
/* Decodes buf into out (out->ents/capacity set by snap_init). baseline must be the snapshot
 * whose tick snap_peek reported (NULL for a full one). out may not alias baseline. */
SnapError snap_decode(const uint8_t *buf, size_t len, const Snapshot *baseline, Snapshot *out);

const char *snap_error_str(SnapError e);

#endif
