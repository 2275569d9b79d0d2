/* snap_internal.h — what the snapshot codec's files share; not part of the public API.
 *
 * The codec is split by concern: snapshot.c (the model: validity, equality, lookup, errors),
 * snap_codes.c (the small bit codes: zigzag, bucketed residuals, g3), snap_fields.c (the entity
 * field table and the one loop each way that it drives), snap_header.c (header and self block),
 * snap_encode.c and snap_decode.c. Everything here is pure and never allocates. */
#ifndef ARENA_SNAP_INTERNAL_H
#define ARENA_SNAP_INTERNAL_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bitstream.h"
#include "quant.h"
#include "snapshot.h"

enum {
    SNAP_TICK_BITS = 32,
    SNAP_TYPE_BITS = 8, /* the message type byte */
    SNAP_ID_BITS = PROTO_ENTITY_ID_BITS,
    SNAP_PLAYER_ID_BITS = PROTO_PLAYER_ID_BITS, /* self_id */
    SNAP_SELF_AIM_BITS = Q_AIM12_BITS,          /* the simulation's own angle precision */
    SNAP_BYTE_BITS = 8,
    SNAP_SCORE_MAX = 65535,
    /* Valid SNAP_FLAG_* values: every combination of the defined bits, nothing else. */
    SNAP_FLAGS_MAX = SNAP_FLAG_ALIVE | SNAP_FLAG_FIRED | SNAP_FLAG_PROTECTED,
    SNAP_HEALTH_BITS = 7,
    /* Score and count codes: groups of 3 value bits, least significant first, each followed by
     * a "more" bit. A score (<= 65535), a zigzagged score difference (<= 131070) or an entity
     * count (<= PROTO_MAX_ENTITIES, 4096) needs <= 6 groups. */
    SNAP_G3_BITS = 3,
    SNAP_G3_MAX_GROUPS = 6,
    SNAP_MAX_FIELD_ROWS = 16, /* bits of a change mask as the encoder stores it */
};
_Static_assert(SNAP_FLAGS_MAX < (1 << SNAP_FLAG_BITS), "flags fit their wire field");
_Static_assert(PROTO_MAX_HEALTH < (1 << SNAP_HEALTH_BITS), "health fits its wire field");
_Static_assert((1u << (SNAP_G3_BITS * SNAP_G3_MAX_GROUPS)) > 2u * SNAP_SCORE_MAX,
               "g3 holds a zigzagged score difference");
_Static_assert((1u << (SNAP_G3_BITS * SNAP_G3_MAX_GROUPS)) > PROTO_MAX_ENTITIES,
               "g3 holds an entity count");
_Static_assert(PROTO_MAX_ENTITIES <= (1 << SNAP_ID_BITS), "entity ids fit their wire field");
_Static_assert(PROTO_MAX_PLAYERS <= (1 << SNAP_PLAYER_ID_BITS), "player ids fit their wire field");

/* ---- the entity section's writer ---------------------------------------------------------- */

/* The encoder writes the message while it classifies, and its cost is the bits it
 * took; so this writer keeps counting past the end of the buffer (storing nothing there), and
 * the caller compares the count with its budget. Fields are ORed into a 64-bit accumulator and
 * whole 32-bit words reach the buffer: the bounds check runs once per word, not per field.
 * Same bit order as BsWriter (bitstream.h): bit k of the stream is bit k % 8 of byte k / 8,
 * values least significant bit first. Unused bits of the last byte are zero. */
typedef struct SnapBits {
    uint8_t *buf;
    size_t cap;   /* bytes */
    size_t pos;   /* bytes passed (stored only below cap) */
    uint64_t acc; /* bits not stored yet, oldest lowest; nothing above bit n */
    unsigned n;   /* bits in acc: < 32 between calls */
} SnapBits;

static inline void snap_bits_init(SnapBits *s, uint8_t *buf, size_t cap)
{
    s->buf = buf;
    s->cap = cap;
    s->pos = 0;
    s->acc = 0;
    s->n = 0;
}

/* Stores what is left and pads to a byte boundary. Returns the bytes, or 0 (storing nothing
 * more) if the bits did not fit. */
size_t snap_bits_end_aligned(SnapBits *s);

/* Bits written so far, stored or not. */
static inline size_t snap_bits_count(const SnapBits *s)
{
    return s->pos * 8 + s->n;
}

/* Writes the low n (0..32) bits of v; bits above n must be zero (asserted). */
static inline void snap_bits_put(SnapBits *s, uint32_t v, unsigned n)
{
    assert(n <= 32 && (n == 32 || (v >> n) == 0));
    s->acc |= (uint64_t)v << s->n;
    s->n += n;
    if (s->n < 32)
        return;
    if (s->pos + 4 <= s->cap)
        for (unsigned i = 0; i < 4; i++)
            s->buf[s->pos + i] = (uint8_t)(s->acc >> (8 * i));
    s->pos += 4;
    s->acc >>= 32;
    s->n -= 32;
}

/* bitstream.h's uvarint, bit for bit: groups of 7 value bits, least significant first, each
 * followed by a "more" bit. */
static inline void snap_bits_uvarint(SnapBits *s, uint32_t v)
{
    while (v >= 0x80u) {
        snap_bits_put(s, (v & 0x7Fu) | 0x80u, 8);
        v >>= 7;
    }
    snap_bits_put(s, v, 8);
}

/* bitstream.h's svarint: zigzag, then uvarint. */
static inline void snap_bits_svarint(SnapBits *s, int32_t v)
{
    uint32_t u = (uint32_t)v;
    snap_bits_uvarint(s, (u << 1) ^ (v < 0 ? 0xFFFFFFFFu : 0u));
}

/* ---- small codes (snap_codes.c) --------------------------------------------------------- */

uint32_t snap_zz32(int32_t v);
int32_t snap_unzz32(uint32_t z);
int32_t snap_as_i32(uint32_t u);

/* Position residual code: value against a prediction; the last bucket holds the raw value. */
void snap_pos_code_write(SnapBits *w, uint16_t value, int64_t predicted);
SnapError snap_pos_code_read(BsReader *r, int64_t predicted, uint16_t *value);

/* Velocity difference code: |d| <= 2 * Q_VEL_MAX. */
void snap_vel_code_write(SnapBits *w, int32_t d);
SnapError snap_vel_code_read(BsReader *r, int32_t base, int32_t *value);

unsigned snap_g3_bits(uint32_t v);
void snap_g3_write(SnapBits *w, uint32_t v);
SnapError snap_g3_read(BsReader *r, uint32_t *out); /* minimal encodings only */

/* ---- entity fields (snap_fields.c) -------------------------------------------------------- */

/* The cheapest possible added entity in bits: a 1-bit id code and the body of the type with
 * the fewest bits. Bounds the added count before the decoder loops over it. */
unsigned snap_min_added_bits(void);

bool snap_ent_valid(const SnapEntity *e);
/* Entity i of s is valid and its id follows the previous one's. */
bool snap_ent_ok_at(const Snapshot *s, uint16_t i);
/* Every byte before the padding (snap_fields.c checks that this is every field): inline, as it
 * runs for every entity of every client's snapshot. */
static inline bool snap_ent_equal(const SnapEntity *a, const SnapEntity *b)
{
    return memcmp(a, b, offsetof(SnapEntity, unused_)) == 0;
}
/* An id whose type, or another field with no change bit (a shot's owner), differs from the
 * baseline's is a new entity: removed in the baseline walk and added again. */
bool snap_needs_readd(const SnapEntity *base, const SnapEntity *e);

typedef enum SnapDelta {
    SNAP_DELTA_SAME,
    SNAP_DELTA_CHANGED,
    SNAP_DELTA_READD,
    SNAP_DELTA_INVALID, /* b is not a valid entity */
} SnapDelta;

/* Valid entity e against baseline entity b (same id), dt ticks later: unchanged, a new entity
 * under an old id (snap_needs_readd), changed, or b invalid (checked only when b differs from
 * e: an equal b is as valid as e). For a changed one *mask gets its change bits (bit i for
 * field row i; a position changes when it differs from the prediction). The size of a changed
 * body is what writing it takes. */
SnapDelta snap_delta_classify(const SnapEntity *b, const SnapEntity *e, uint32_t dt,
                              unsigned *mask);
/* A changed entity's change bits and values (without the 2-bit "10" walk code). */
void snap_changed_body_write(SnapBits *w, const SnapEntity *b, const SnapEntity *e, uint32_t dt,
                             unsigned mask);
SnapError snap_changed_body_read(BsReader *r, const SnapEntity *b, uint32_t dt, SnapEntity *e);

/* ---- the memo of changed bodies (snap_memo.c; snapshot.h SnapMemo) ---------------------- */

/* The entry that holds the body of changed entity e against baseline value b, dt ticks
 * apart, or NULL. */
const SnapMemoEntry *snap_memo_find(const SnapMemo *m, const SnapEntity *b, const SnapEntity *e,
                                    uint32_t dt);
/* snap_changed_body_write(w, b, e, dt, mask), remembering the body in m for the next client
 * (unless it is longer than an entry holds). */
void snap_memo_write(SnapMemo *m, SnapBits *w, const SnapEntity *b, const SnapEntity *e,
                     uint32_t dt, unsigned mask);
/* Appends the first nbits bits of src to w: bit k of the stream is bit k % 64 of src[k / 64]
 * (the order SnapBits writes them in). */
static inline void snap_bits_append(SnapBits *w, const uint64_t *src, unsigned nbits)
{
    unsigned k = 0;
    for (; nbits - k >= 32; k += 32)
        snap_bits_put(w, (uint32_t)(src[k / 64] >> (k % 64)), 32);
    if (k < nbits)
        snap_bits_put(w, (uint32_t)(src[k / 64] >> (k % 64)) & ((1u << (nbits - k)) - 1u),
                      nbits - k);
}

/* An added entity after its id code: the type and every field the type carries. */
unsigned snap_added_body_bits(const SnapEntity *e);
void snap_added_body_write(SnapBits *w, const SnapEntity *e);
SnapError snap_added_body_read(BsReader *r, uint16_t id, SnapEntity *e);

/* ---- header and self block (snap_header.c) ------------------------------------------------ */

/* Everything but the entities follows the model's rules. */
bool snap_header_valid(const Snapshot *s);
void snap_header_write(SnapBits *w, const Snapshot *t, const Snapshot *base);
/* Message type, tick and baseline distance dt (0: full). */
SnapError snap_header_read_ticks(BsReader *r, uint32_t *tick, uint32_t *dt);
/* The rest of the header after the ticks: input ack and self block, into out. base is the
 * baseline (NULL for a full snapshot), already checked to be of tick - dt. */
SnapError snap_header_read_rest(BsReader *r, const Snapshot *base, uint32_t dt, Snapshot *out);

#endif
