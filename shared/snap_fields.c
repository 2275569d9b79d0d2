/* snap_fields.c — the entity field table and everything it drives (docs/protocol.md "SNAPSHOT").
 *
 * One row per wire field of SnapEntity (after the id, which is the key the lists are sorted by):
 * where it lives, its codec, its wire width, its valid range and which entity types carry it.
 * Validity, equality, the re-add rule, change masks and the bodies of changed and added
 * entities are one loop over the rows each, as in ioq3's msg.c entityStateFields[]. Adding a
 * field to SnapEntity means a row here (and the capture in snap_world.c); the _Static_asserts
 * below fail to compile if the table stops covering the struct.
 *
 * The bytes are exactly those of the hand-written codec this replaced (the golden tests in
 * tests/unit/test_snapshot.c). A reader checks each field as it reads it: truncation first,
 * then the range, then canonical form. */
#include <stddef.h>
#include <string.h>

#include "snap_internal.h"

typedef enum FieldCodec {
    /* Raw `bits` in an added body; no change bit in a delta: an entity whose value differs from
     * its baseline's is a new entity (snap_needs_readd). */
    FC_KEY,
    /* Raw `bits`; in a delta a change bit, then the new value raw. */
    FC_RAW,
    /* Added: g3(value); delta: a change bit, then g3(zigzag(new - old)). */
    FC_G3,
    /* A velocity. Added: one "moving" bit (any component non-zero), then each component raw in
     * `bits` two's complement when moving (idle and dead players stand still). Delta: a change
     * bit, then each component's difference in the bucketed velocity code. */
    FC_VEL,
    /* A position. Added: each component raw. Delta: a change bit, then each component in the
     * bucketed position code against the prediction from the `rate` row's velocity; a clear
     * bit means "as predicted". In a delta the rate row comes first. */
    FC_POS,
} FieldCodec;

enum {
    CARRY_PLAYER = 1u << SNAP_ENT_PLAYER,
    CARRY_SHOT = 1u << SNAP_ENT_SHOT,
    CARRY_ALL = CARRY_PLAYER | CARRY_SHOT,
    OWNER_BITS = PROTO_PLAYER_ID_BITS,
    NO_RATE = 0xFF,
};
_Static_assert(PROTO_MAX_PLAYERS <= (1 << OWNER_BITS), "a shot's owner slot fits its wire field");

/* The table, in the order of a changed entity's body (rows a type does not carry are skipped).
 * X(row, first member, last member, codec, wire bits, min, max, carriers, rate row)
 * "last member": a row of two members (an x/y pair, adjacent in the struct) codes both under
 * one change bit; one-member rows name the member twice. Members a type does not carry hold
 * 0. The added body's order is ADDED_ORDER below. */
#define SNAP_FIELDS(X)                                                                             \
    X(F_TYPE, type, type, FC_KEY, SNAP_ENT_TYPE_BITS, SNAP_ENT_PLAYER, SNAP_ENT_SHOT, CARRY_ALL,   \
      NO_RATE)                                                                                     \
    X(F_VEL, vx, vy, FC_VEL, Q_VEL_BITS, -Q_VEL_MAX, Q_VEL_MAX, CARRY_ALL, NO_RATE)                \
    X(F_POS, x, y, FC_POS, Q_POS_BITS, 0, UINT16_MAX, CARRY_ALL, F_VEL)                            \
    X(F_AIM, aim, aim, FC_RAW, Q_AIM_BITS, 0, (1 << Q_AIM_BITS) - 1, CARRY_PLAYER, NO_RATE)        \
    X(F_SCORE, score, score, FC_G3, 0, 0, SNAP_SCORE_MAX, CARRY_PLAYER, NO_RATE)                   \
    X(F_FLAGS, flags, flags, FC_RAW, SNAP_FLAG_BITS, 0, SNAP_FLAGS_MAX, CARRY_PLAYER, NO_RATE)     \
    X(F_HEALTH, health, health, FC_RAW, SNAP_HEALTH_BITS, 0, PROTO_MAX_HEALTH, CARRY_PLAYER,       \
      NO_RATE)                                                                                     \
    X(F_DEATHS, deaths, deaths, FC_G3, 0, 0, SNAP_SCORE_MAX, CARRY_PLAYER, NO_RATE)                \
    X(F_OWNER, owner, owner, FC_KEY, OWNER_BITS, 0, PROTO_MAX_PLAYERS - 1, CARRY_SHOT, NO_RATE)

#define MEMBER(m)    (((SnapEntity *)0)->m)
#define COMPS(a, b)  ((offsetof(SnapEntity, b) - offsetof(SnapEntity, a)) / sizeof MEMBER(a) + 1)
#define IS_SIGNED(m) _Generic(MEMBER(m), int8_t : 1, int16_t : 1, int32_t : 1, default : 0)

#define ROW_ID(row, ...) row,
typedef enum FieldRow { SNAP_FIELDS(ROW_ID) F_COUNT } FieldRow;

/* In an added body: the type first (it says which rows follow), the position before the
 * velocity. Every row exactly once. */
static const uint8_t ADDED_ORDER[] = {F_TYPE,  F_POS,    F_VEL,    F_AIM,  F_SCORE,
                                      F_FLAGS, F_HEALTH, F_DEATHS, F_OWNER};
_Static_assert(sizeof ADDED_ORDER == F_COUNT, "ADDED_ORDER lists every field row");
_Static_assert((int)F_COUNT <= (int)SNAP_MAX_FIELD_ROWS, "change masks hold a bit per row");

typedef struct Field {
    uint8_t offset;   /* offsetof(SnapEntity, first member) */
    uint8_t size;     /* bytes per member: 1 or 2 */
    uint8_t comps;    /* members: 1, or 2 for an x/y pair */
    bool is_signed;   /* int8_t members */
    uint8_t codec;    /* FieldCodec */
    uint8_t bits;     /* raw wire width (FC_G3: 0, variable) */
    uint8_t carriers; /* CARRY_* of the types that have the field */
    uint8_t rate;     /* FC_POS: the velocity row it is predicted from */
    int32_t lo, hi;   /* valid range of each member */
} Field;

#define ROW(row, a, b, codec_, bits_, lo_, hi_, carriers_, rate_)                                  \
    [row] = {.offset = offsetof(SnapEntity, a),                                                    \
             .size = sizeof MEMBER(a),                                                             \
             .comps = COMPS(a, b),                                                                 \
             .is_signed = IS_SIGNED(a),                                                            \
             .codec = codec_,                                                                      \
             .bits = bits_,                                                                        \
             .carriers = carriers_,                                                                \
             .rate = rate_,                                                                        \
             .lo = lo_,                                                                            \
             .hi = hi_},
static const Field FIELD[F_COUNT] = {SNAP_FIELDS(ROW)};

/* Per row: members of one row have one C type and sit side by side; the range fits both the
 * member and the raw wire field; signed members are single bytes (get/set below). */
#define ROW_ASSERTS(row, a, b, codec_, bits_, lo_, hi_, carriers_, rate_)                          \
    _Static_assert(sizeof MEMBER(a) == sizeof MEMBER(b) && IS_SIGNED(a) == IS_SIGNED(b) &&         \
                       COMPS(a, b) >= 1 && COMPS(a, b) <= 2,                                       \
                   #row ": members of one type, adjacent");                                        \
    _Static_assert(sizeof MEMBER(a) <= 2 && (!IS_SIGNED(a) || sizeof MEMBER(a) == 1),              \
                   #row ": a member type get() reads");                                            \
    _Static_assert((lo_) <= (hi_) && ((lo_) < 0) == IS_SIGNED(a) &&                                \
                       (hi_) < (1L << (8 * sizeof MEMBER(a) - IS_SIGNED(a))),                      \
                   #row ": the range fits the member");                                            \
    _Static_assert((codec_) == FC_G3 || ((lo_) >= -(1L << ((bits_) > 0 ? (bits_)-1 : 0)) &&        \
                                         (hi_) < (1L << (bits_))),                                 \
                   #row ": the range fits the wire field");                                        \
    _Static_assert(((codec_) == FC_POS) == ((int)(rate_) != (int)NO_RATE),                         \
                   #row ": positions have a rate");
SNAP_FIELDS(ROW_ASSERTS)
_Static_assert(COMPS(x, y) == COMPS(vx, vy), "a position has one velocity per axis");

/* The table covers the struct: the id plus every row's members are all of SnapEntity before
 * its explicit padding byte `unused_`, and the struct has no implicit padding (snapshot.h
 * makes that an error). A member missing from the table fails here. */
#define ROW_BYTES(row, a, b, ...) +COMPS(a, b) * sizeof MEMBER(a)
enum { FIELD_BYTES = sizeof MEMBER(id) SNAP_FIELDS(ROW_BYTES) };
_Static_assert(offsetof(SnapEntity, unused_) == FIELD_BYTES &&
                   sizeof(SnapEntity) == FIELD_BYTES + sizeof MEMBER(unused_),
               "SNAP_FIELDS covers every member of SnapEntity");
/* ...and the members fill the first FIELD_BYTES bytes: each ends inside them and together they
 * are that many bytes, so they do not overlap and leave no hole. Equality is then one memcmp
 * of those bytes (the padding after them is never compared). */
#define ROW_INSIDE(row, a, b, ...)                                                                 \
    _Static_assert(offsetof(SnapEntity, b) + sizeof MEMBER(b) <= FIELD_BYTES,                      \
                   #row ": inside the first FIELD_BYTES bytes");
SNAP_FIELDS(ROW_INSIDE)
_Static_assert(offsetof(SnapEntity, id) + sizeof MEMBER(id) <= FIELD_BYTES, "id: inside");

/* The fewest bits an added body of a type can take (velocity not moving, g3 values 0). */
#define ROW_MIN_BITS(row, a, b, codec_, bits_, lo_, hi_, carriers_, rate_)                         \
    +(((carriers_)&CARRY_BIT) == 0 ? 0                                                             \
      : (codec_) == FC_VEL         ? 1                                                             \
      : (codec_) == FC_G3          ? COMPS(a, b) * (SNAP_G3_BITS + 1)                              \
                                   : COMPS(a, b) * (bits_))
enum {
#define CARRY_BIT CARRY_PLAYER
    MIN_PLAYER_BITS = 0 SNAP_FIELDS(ROW_MIN_BITS),
#undef CARRY_BIT
#define CARRY_BIT CARRY_SHOT
    MIN_SHOT_BITS = 0 SNAP_FIELDS(ROW_MIN_BITS),
#undef CARRY_BIT
};

unsigned snap_min_added_bits(void)
{
    return 1 + (MIN_PLAYER_BITS < MIN_SHOT_BITS ? MIN_PLAYER_BITS : MIN_SHOT_BITS);
}

/* Member access and the per-row steps are forced inline (GCC and Clang): called from the
 * unrolled loops with a constant row, each folds to a direct member access. Left to itself
 * GCC -O2 keeps predict() out of line, with the row looked up at run time. */
#if defined(__GNUC__)
#define ROW_STEP static inline __attribute__((always_inline))
#else
#define ROW_STEP static inline
#endif

/* The loops over rows and members: unrolled, so that with the table's constants folded in each
 * row compiles to direct member accesses, as the hand-written codec was. */
#define EACH_ROW(i)       _Pragma("GCC unroll 10") for (unsigned i = 0; i < F_COUNT; i++)
#define EACH_MEMBER(c, f) _Pragma("GCC unroll 2") for (unsigned c = 0; c < (f)->comps; c++)

/* ---- member access ---------------------------------------------------------------------- */

ROW_STEP int32_t get(const SnapEntity *e, const Field *f, unsigned c)
{
    const unsigned char *p = (const unsigned char *)e + f->offset + c * f->size;
    if (f->size == 2) {
        uint16_t v;
        memcpy(&v, p, sizeof v);
        return v;
    }
    if (f->is_signed) {
        int8_t v;
        memcpy(&v, p, sizeof v);
        return v;
    }
    return *p;
}

/* v is in the member's range (checked by the caller). */
ROW_STEP void set(SnapEntity *e, const Field *f, unsigned c, int32_t v)
{
    unsigned char *p = (unsigned char *)e + f->offset + c * f->size;
    if (f->size == 2) {
        uint16_t u = (uint16_t)v;
        memcpy(p, &u, sizeof u);
    } else if (f->is_signed) {
        int8_t s = (int8_t)v;
        memcpy(p, &s, sizeof s);
    } else {
        *p = (unsigned char)v;
    }
}

ROW_STEP bool same(const SnapEntity *a, const SnapEntity *b, const Field *f)
{
    EACH_MEMBER(c, f)
    if (get(a, f, c) != get(b, f, c))
        return false;
    return true;
}

/* CARRY_* bit of a valid type, 0 for an invalid one. */
ROW_STEP unsigned carry_of(uint32_t type)
{
    return type <= SNAP_ENT_SHOT ? 1u << type : 0u;
}

/* ---- the model -------------------------------------------------------------------------- */

ROW_STEP bool ent_valid(const SnapEntity *e)
{
    unsigned carry = carry_of(e->type);
    if (e->id >= PROTO_MAX_ENTITIES || carry == 0)
        return false;
    EACH_ROW(i)
    {
        const Field *f = &FIELD[i];
        bool has = f->carriers & carry;
        EACH_MEMBER(c, f)
        {
            int32_t v = get(e, f, c);
            if (has ? v < f->lo || v > f->hi : v != 0)
                return false;
        }
    }
    return true;
}

bool snap_ent_valid(const SnapEntity *e)
{
    return ent_valid(e);
}

bool snap_ent_ok_at(const Snapshot *s, uint16_t i)
{
    return ent_valid(&s->ents[i]) && (i == 0 || s->ents[i].id > s->ents[i - 1].id);
}

bool snap_needs_readd(const SnapEntity *base, const SnapEntity *e)
{
    unsigned carry = carry_of(e->type);
    EACH_ROW(i)
    {
        const Field *f = &FIELD[i];
        if (f->codec == FC_KEY && (f->carriers & carry) && !same(base, e, f))
            return true;
    }
    return false;
}

/* ---- changed entities ------------------------------------------------------------------- */

/* A row with a change bit in b's deltas. */
ROW_STEP bool in_delta(const Field *f, const SnapEntity *b)
{
    return f->codec != FC_KEY && (f->carriers & carry_of(b->type));
}

/* Where member c of position row f of b should be after dt ticks if its velocity changed evenly
 * from b's to e's (trapezoid rule); exact for shots, which fly straight. The division
 * truncates toward zero. */
ROW_STEP int64_t predict(const SnapEntity *b, const SnapEntity *e, const Field *f, unsigned c,
                         uint32_t dt)
{
    const Field *v = &FIELD[f->rate];
    return (int64_t)get(b, f, c) + ((int64_t)get(b, v, c) + get(e, v, c)) * (int64_t)dt / 2;
}

ROW_STEP bool row_changed(const SnapEntity *b, const SnapEntity *e, const Field *f, uint32_t dt)
{
    if (f->codec != FC_POS)
        return !same(b, e, f);
    EACH_MEMBER(c, f)
    if (get(e, f, c) != predict(b, e, f, c, dt))
        return true;
    return false;
}

/* Equality first (all an unchanged entity costs), then b's validity, then one pass over the
 * rows for the key rows and the mask. Rows a type does not carry hold 0 in both (valid) entities;
 * the type is the first row and a key row, so past it b and e carry the same rows. */
SnapDelta snap_delta_classify(const SnapEntity *b, const SnapEntity *e, uint32_t dt, unsigned *mask)
{
    if (snap_ent_equal(b, e))
        return SNAP_DELTA_SAME;
    if (!ent_valid(b))
        return SNAP_DELTA_INVALID;
    const unsigned carry = carry_of(e->type);
    unsigned m = 0;
    EACH_ROW(i)
    {
        const Field *f = &FIELD[i];
        if (!(f->carriers & carry))
            continue;
        if (f->codec == FC_KEY) {
            if (!same(b, e, f))
                return SNAP_DELTA_READD;
        } else if (row_changed(b, e, f, dt)) {
            m |= 1u << i;
        }
    }
    *mask = m;
    return SNAP_DELTA_CHANGED;
}

ROW_STEP void delta_member_write(SnapBits *w, const SnapEntity *b, const SnapEntity *e,
                                 const Field *f, unsigned c, uint32_t dt)
{
    switch (f->codec) {
    case FC_VEL:
        snap_vel_code_write(w, get(e, f, c) - get(b, f, c));
        break;
    case FC_POS:
        snap_pos_code_write(w, (uint16_t)get(e, f, c), predict(b, e, f, c, dt));
        break;
    case FC_G3:
        snap_g3_write(w, snap_zz32(get(e, f, c) - get(b, f, c)));
        break;
    default:
        snap_bits_put(w, (uint32_t)get(e, f, c), f->bits);
        break;
    }
}

void snap_changed_body_write(SnapBits *w, const SnapEntity *b, const SnapEntity *e, uint32_t dt,
                             unsigned m)
{
    EACH_ROW(i)
    {
        const Field *f = &FIELD[i];
        if (!in_delta(f, b))
            continue;
        bool changed = m & (1u << i);
        snap_bits_put(w, changed, 1);
        if (changed)
            EACH_MEMBER(c, f)
        delta_member_write(w, b, e, f, c, dt);
    }
}

/* Member c of a changed row into e (which starts as a copy of b); sets *changed if it differs
 * from b's (a position: from the prediction). */
ROW_STEP SnapError delta_member_read(BsReader *r, const SnapEntity *b, const Field *f, unsigned c,
                                     uint32_t dt, SnapEntity *e, bool *changed)
{
    SnapError err;
    int64_t v, was = get(b, f, c);
    if (f->codec == FC_VEL) {
        int32_t vel;
        if ((err = snap_vel_code_read(r, (int32_t)was, &vel)) != SNAP_OK)
            return err;
        v = vel;
    } else if (f->codec == FC_POS) {
        uint16_t pos;
        was = predict(b, e, f, c, dt);
        if ((err = snap_pos_code_read(r, was, &pos)) != SNAP_OK)
            return err;
        v = pos;
    } else if (f->codec == FC_G3) {
        uint32_t z;
        if ((err = snap_g3_read(r, &z)) != SNAP_OK)
            return err;
        v = was + snap_unzz32(z);
    } else {
        v = bs_read_bits(r, f->bits);
        if (r->error)
            return SNAP_ERR_TRUNCATED;
    }
    if (v < f->lo || v > f->hi)
        return SNAP_ERR_VALUE;
    *changed = *changed || v != was;
    set(e, f, c, (int32_t)v);
    return SNAP_OK;
}

/* A position row with a clear change bit: as predicted, which must be a valid position. */
ROW_STEP SnapError predicted_read(BsReader *r, const SnapEntity *b, const Field *f, uint32_t dt,
                                  SnapEntity *e)
{
    int64_t p[2];
    EACH_MEMBER(c, f)
    p[c] = predict(b, e, f, c, dt);
    if (r->error)
        return SNAP_ERR_TRUNCATED;
    EACH_MEMBER(c, f)
    {
        if (p[c] < f->lo || p[c] > f->hi)
            return SNAP_ERR_VALUE;
        set(e, f, c, (int32_t)p[c]);
    }
    return SNAP_OK;
}

SnapError snap_changed_body_read(BsReader *r, const SnapEntity *b, uint32_t dt, SnapEntity *e)
{
    SnapError err;
    *e = *b;
    EACH_ROW(i)
    {
        const Field *f = &FIELD[i];
        if (!in_delta(f, b))
            continue;
        if (!bs_read_bool(r)) {
            if (f->codec == FC_POS && (err = predicted_read(r, b, f, dt, e)) != SNAP_OK)
                return err;
            continue;
        }
        bool changed = false;
        EACH_MEMBER(c, f)
        if ((err = delta_member_read(r, b, f, c, dt, e, &changed)) != SNAP_OK)
            return err;
        if (!changed) /* a set change bit must change something */
            return SNAP_ERR_VALUE;
    }
    if (r->error)
        return SNAP_ERR_TRUNCATED;
    if (snap_ent_equal(e, b)) /* must have been coded as unchanged */
        return SNAP_ERR_VALUE;
    return SNAP_OK;
}

/* ---- added entities --------------------------------------------------------------------- */

ROW_STEP bool moving(const SnapEntity *e, const Field *f)
{
    EACH_MEMBER(c, f)
    if (get(e, f, c) != 0)
        return true;
    return false;
}

unsigned snap_added_body_bits(const SnapEntity *e)
{
    unsigned carry = carry_of(e->type), bits = 0;
    EACH_ROW(k)
    {
        const Field *f = &FIELD[ADDED_ORDER[k]];
        if (!(f->carriers & carry))
            continue;
        if (f->codec == FC_VEL)
            bits += 1 + (moving(e, f) ? f->comps * f->bits : 0u);
        else if (f->codec == FC_G3)
            EACH_MEMBER(c, f)
        bits += snap_g3_bits((uint32_t)get(e, f, c));
        else bits += f->comps * f->bits;
    }
    return bits;
}

void snap_added_body_write(SnapBits *w, const SnapEntity *e)
{
    unsigned carry = carry_of(e->type);
    EACH_ROW(k)
    {
        const Field *f = &FIELD[ADDED_ORDER[k]];
        if (!(f->carriers & carry))
            continue;
        if (f->codec == FC_VEL) {
            bool mv = moving(e, f);
            snap_bits_put(w, mv, 1);
            if (!mv)
                continue;
        }
        EACH_MEMBER(c, f)
        {
            uint32_t v = (uint32_t)get(e, f, c);
            if (f->codec == FC_G3)
                snap_g3_write(w, v);
            else
                snap_bits_put(w, v & ((1u << f->bits) - 1u), f->bits);
        }
    }
}

/* Sign-extends a two's complement field of `bits` bits. */
static int32_t from_twos(uint32_t raw, unsigned bits)
{
    return (int32_t)raw - ((raw >> (bits - 1)) != 0 ? (int32_t)(1u << bits) : 0);
}

/* One row of an added body. Truncation and malformed codes return at once; a value out of range
 * is left in *pending (the first one) for the caller to report. */
static SnapError added_row_read(BsReader *r, const Field *f, SnapEntity *e, SnapError *pending)
{
    bool skip = f->codec == FC_VEL && !bs_read_bool(r); /* not moving: stays 0 */
    bool bad = false;
    EACH_MEMBER(c, f)
    {
        if (skip)
            break;
        int64_t v;
        if (f->codec == FC_G3) {
            uint32_t u;
            SnapError err = snap_g3_read(r, &u);
            if (err != SNAP_OK)
                return err;
            v = u;
        } else {
            uint32_t raw = bs_read_bits(r, f->bits);
            v = f->is_signed ? from_twos(raw, f->bits) : (int64_t)raw;
        }
        bad = bad || v < f->lo || v > f->hi;
        set(e, f, c, (int32_t)v);
    }
    if (r->error)
        return SNAP_ERR_TRUNCATED;
    if (f->codec == FC_VEL && !skip && !moving(e, f)) /* "moving" at 0, 0 */
        bad = true;
    if (bad && *pending == SNAP_OK)
        *pending = SNAP_ERR_VALUE;
    return SNAP_OK;
}

SnapError snap_added_body_read(BsReader *r, uint16_t id, SnapEntity *e)
{
    memset(e, 0, sizeof *e);
    e->id = id;
    /* Truncation is reported before values: a value out of range waits until the rows every
     * type has are read, and then until the type's own rows are. Until the type is known
     * (and valid) only the rows every type has are read. */
    unsigned carry = CARRY_ALL;
    SnapError pending = SNAP_OK;
    bool own_rows = false; /* reading the type's own rows */
    EACH_ROW(k)
    {
        const Field *f = &FIELD[ADDED_ORDER[k]];
        if ((f->carriers & carry) != carry)
            continue;
        if (f->carriers != CARRY_ALL && !own_rows) {
            if (pending != SNAP_OK)
                return pending;
            own_rows = true;
        }
        SnapError err = added_row_read(r, f, e, &pending);
        if (err != SNAP_OK)
            return err;
        if (f == &FIELD[F_TYPE] && pending == SNAP_OK)
            carry = carry_of(e->type);
    }
    return pending;
}
