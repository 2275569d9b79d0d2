/* snapshot.c — the SNAPSHOT codec (see snapshot.h and docs/protocol.md "SNAPSHOT").
 *
 * Every encoding is canonical: a snapshot has exactly one encoding against a given baseline,
 * and the decoder rejects any other spelling (a change bit whose field did not change, a
 * value coded in a wider bucket than needed, an id code that could have been shorter...).
 * So decode(m) succeeding implies encode(decode(m)) == m, which the fuzz target checks.
 *
 * The decoder trusts the baseline (the client's own earlier decode) but nothing in buf. It
 * never reads outside buf[0..len) (BsReader) and never writes past out->capacity. Nothing here
 * allocates; the encoder's working arrays (~8 KB) live on the stack. */
#include "snapshot.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "bitstream.h"
#include "quant.h"

enum {
    TICK_BITS = 32,
    TYPE_BITS = 8,
    ID_BITS = PROTO_ENTITY_ID_BITS,
    POS_BITS = Q_POS_BITS,
    VEL_BITS = Q_VEL_BITS,
    AIM_BITS = Q_AIM_BITS,
    SELF_AIM_BITS = 12,
    OWNER_BITS = 8,
    BYTE_BITS = 8,
    SCORE_MAX = 65535,
    /* Score and count codes: groups of 3 value bits, least significant first, each followed by
     * a "more" bit. A score (<= 65535), a zigzagged score difference (<= 131070) or an entity
     * count (<= 1024) needs <= 6 groups. */
    G3_BITS = 3,
    G3_MAX_GROUPS = 6,
    /* Cheapest possible added entity: 1-bit id code, type, and a shot's fixed fields. Used to
     * reject absurd counts before looping. */
    MIN_ADDED_BITS = 1 + SNAP_ENT_TYPE_BITS + 2 * POS_BITS + 1 + OWNER_BITS,
    SELF_PREDICT_DT_MAX = 64, /* ticks */
    NONE = 0xFFFF,
};

/* Entity change bits, in wire order. Shots use only VEL and POS. */
enum {
    CH_VEL = 1 << 0,
    CH_POS = 1 << 1,
    CH_AIM = 1 << 2,
    CH_SCORE = 1 << 3,
    CH_FLAGS = 1 << 4,
};

/* Bucketed residual codes: bucket i is announced by i one-bits then a zero (the last bucket
 * has no zero), followed by width[i] bits of zigzag(value); a width of 0 holds only 0. The
 * position code's last bucket holds the raw absolute 16-bit coordinate instead. Widths were
 * tuned on arena-codec-bench: most residuals are a few 1/8 units, velocity mostly unchanged
 * on one axis. */
enum { POS_BUCKETS = 4, VEL_BUCKETS = 4 };
static const uint8_t POS_WIDTH[POS_BUCKETS] = {3, 6, 9, POS_BITS};
static const uint8_t VEL_WIDTH[VEL_BUCKETS] = {0, 3, 6, 9}; /* 9 holds any |d| <= 254 */

/* ---- small codes ---------------------------------------------------------------------- */

static uint32_t zz32(int32_t v)
{
    uint32_t u = (uint32_t)v;
    return (u << 1) ^ (v < 0 ? 0xFFFFFFFFu : 0u);
}

static int32_t unzz32(uint32_t z)
{
    uint32_t u = (z >> 1) ^ (0u - (z & 1u));
    int32_t v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/* Does v fit a zigzag field of `width` bits, i.e. -2^(w-1) <= v < 2^(w-1)? */
static bool fits_zz(int64_t v, unsigned width)
{
    if (width == 0)
        return v == 0;
    int64_t half = (int64_t)1 << (width - 1);
    return v >= -half && v < half;
}

static unsigned bucket_prefix_bits(unsigned i, unsigned nbuckets)
{
    return i + 1 < nbuckets ? i + 1 : i;
}

static void bucket_write_prefix(BsWriter *w, unsigned i, unsigned nbuckets)
{
    for (unsigned k = 0; k < i; k++)
        bs_write_bits(w, 1, 1);
    if (i + 1 < nbuckets)
        bs_write_bits(w, 0, 1);
}

static unsigned bucket_read_prefix(BsReader *r, unsigned nbuckets)
{
    unsigned i = 0;
    while (i + 1 < nbuckets && bs_read_bool(r))
        i++;
    return i;
}

/* Position residual: smallest zigzag bucket that holds r, else the raw absolute value. */
static unsigned pos_bucket(int64_t r)
{
    for (unsigned i = 0; i + 1 < POS_BUCKETS; i++)
        if (fits_zz(r, POS_WIDTH[i]))
            return i;
    return POS_BUCKETS - 1;
}

static unsigned pos_code_bits(int64_t r)
{
    unsigned i = pos_bucket(r);
    return bucket_prefix_bits(i, POS_BUCKETS) + POS_WIDTH[i];
}

static void pos_code_write(BsWriter *w, uint16_t value, int64_t predicted)
{
    int64_t r = (int64_t)value - predicted;
    unsigned i = pos_bucket(r);
    bucket_write_prefix(w, i, POS_BUCKETS);
    if (i == POS_BUCKETS - 1)
        bs_write_bits(w, value, POS_BITS);
    else
        bs_write_bits(w, zz32((int32_t)r), POS_WIDTH[i]);
}

static SnapError pos_code_read(BsReader *r, int64_t predicted, uint16_t *value)
{
    unsigned i = bucket_read_prefix(r, POS_BUCKETS);
    uint32_t raw = bs_read_bits(r, POS_WIDTH[i]);
    if (r->error)
        return SNAP_ERR_TRUNCATED;
    int64_t v;
    if (i == POS_BUCKETS - 1) {
        v = raw;
    } else {
        v = predicted + unzz32(raw);
        if (v < 0 || v > UINT16_MAX)
            return SNAP_ERR_VALUE;
    }
    if (pos_bucket(v - predicted) != i) /* not the shortest code: non-canonical */
        return SNAP_ERR_VALUE;
    *value = (uint16_t)v;
    return SNAP_OK;
}

static unsigned vel_bucket(int32_t d)
{
    for (unsigned i = 0; i + 1 < VEL_BUCKETS; i++)
        if (fits_zz(d, VEL_WIDTH[i]))
            return i;
    return VEL_BUCKETS - 1;
}

static unsigned vel_code_bits(int32_t d)
{
    unsigned i = vel_bucket(d);
    return bucket_prefix_bits(i, VEL_BUCKETS) + VEL_WIDTH[i];
}

static void vel_code_write(BsWriter *w, int32_t d)
{
    unsigned i = vel_bucket(d);
    assert(fits_zz(d, VEL_WIDTH[i]));
    bucket_write_prefix(w, i, VEL_BUCKETS);
    bs_write_bits(w, zz32(d), VEL_WIDTH[i]);
}

static SnapError vel_code_read(BsReader *r, int8_t base, int8_t *value)
{
    unsigned i = bucket_read_prefix(r, VEL_BUCKETS);
    uint32_t raw = bs_read_bits(r, VEL_WIDTH[i]);
    if (r->error)
        return SNAP_ERR_TRUNCATED;
    int32_t d = unzz32(raw);
    int32_t v = base + d;
    if (v < -Q_VEL_MAX || v > Q_VEL_MAX || vel_bucket(d) != i)
        return SNAP_ERR_VALUE;
    *value = (int8_t)v;
    return SNAP_OK;
}

static unsigned g3_bits(uint32_t v)
{
    unsigned groups = 1;
    while ((v >>= G3_BITS) != 0)
        groups++;
    return groups * (G3_BITS + 1);
}

static void g3_write(BsWriter *w, uint32_t v)
{
    do {
        uint32_t group = v & ((1u << G3_BITS) - 1u);
        v >>= G3_BITS;
        bs_write_bits(w, group, G3_BITS);
        bs_write_bits(w, v != 0, 1);
    } while (v != 0);
}

/* Minimal encodings only, at most G3_MAX_GROUPS groups. */
static SnapError g3_read(BsReader *r, uint32_t *out)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < G3_MAX_GROUPS; i++) {
        uint32_t group = bs_read_bits(r, G3_BITS);
        bool more = bs_read_bool(r);
        if (r->error)
            return SNAP_ERR_TRUNCATED;
        if (i > 0 && group == 0 && !more)
            return SNAP_ERR_VALUE;
        v |= group << (G3_BITS * i);
        if (!more) {
            *out = v;
            return SNAP_OK;
        }
    }
    return SNAP_ERR_VALUE;
}

/* ---- the model ------------------------------------------------------------------------ */

void snap_init(Snapshot *s, SnapEntity *storage, uint16_t capacity)
{
    memset(s, 0, sizeof *s);
    s->ents = storage;
    s->capacity = capacity;
}

bool snap_copy(Snapshot *dst, const Snapshot *src)
{
    if (dst->capacity < src->count)
        return false;
    dst->tick = src->tick;
    dst->input_ack = src->input_ack;
    dst->has_self = src->has_self;
    dst->self_id = src->self_id;
    dst->self = src->self;
    dst->count = src->count;
    if (src->count > 0 && dst->ents != src->ents)
        memmove(dst->ents, src->ents, src->count * sizeof *src->ents);
    return true;
}

static bool ent_valid(const SnapEntity *e)
{
    if (e->id >= PROTO_MAX_ENTITIES || e->vx < -Q_VEL_MAX || e->vy < -Q_VEL_MAX)
        return false;
    switch (e->type) {
    case SNAP_ENT_PLAYER:
        return (e->flags & ~(SNAP_FLAG_ALIVE | SNAP_FLAG_FIRED)) == 0 &&
               e->aim < (1u << AIM_BITS) && e->owner == 0;
    case SNAP_ENT_SHOT:
        return e->flags == 0 && e->aim == 0 && e->score == 0;
    default:
        return false;
    }
}

/* Everything but the entities. */
static bool header_valid(const Snapshot *s)
{
    if (s->tick == 0 || s->count > s->capacity || (s->count > 0 && s->ents == NULL))
        return false;
    if (s->has_self) {
        if (s->self_id >= PROTO_MAX_PLAYERS || s->self.aim >= (1u << SELF_AIM_BITS) ||
            (s->self.flags & ~(SNAP_FLAG_ALIVE | SNAP_FLAG_FIRED)) != 0)
            return false;
    }
    return true;
}

/* Entity i is valid and its id follows the previous one's. */
static bool ent_ok_at(const Snapshot *s, uint16_t i)
{
    return ent_valid(&s->ents[i]) && (i == 0 || s->ents[i].id > s->ents[i - 1].id);
}

bool snap_valid(const Snapshot *s)
{
    if (!header_valid(s))
        return false;
    for (uint16_t i = 0; i < s->count; i++)
        if (!ent_ok_at(s, i))
            return false;
    return true;
}

static bool ent_equal(const SnapEntity *a, const SnapEntity *b)
{
    return a->id == b->id && a->type == b->type && a->flags == b->flags && a->x == b->x &&
           a->y == b->y && a->vx == b->vx && a->vy == b->vy && a->aim == b->aim &&
           a->score == b->score && a->owner == b->owner;
}

static bool self_equal(const SnapSelf *a, const SnapSelf *b)
{
    return a->x == b->x && a->y == b->y && a->vx == b->vx && a->vy == b->vy && a->aim == b->aim &&
           a->score == b->score && a->flags == b->flags && a->cooldown == b->cooldown &&
           a->respawn == b->respawn;
}

bool snap_equal(const Snapshot *a, const Snapshot *b)
{
    if (a->tick != b->tick || a->input_ack != b->input_ack || a->has_self != b->has_self ||
        a->count != b->count)
        return false;
    if (a->has_self && (a->self_id != b->self_id || !self_equal(&a->self, &b->self)))
        return false;
    for (uint16_t i = 0; i < a->count; i++)
        if (!ent_equal(&a->ents[i], &b->ents[i]))
            return false;
    return true;
}

static long find_index(const Snapshot *s, uint16_t id)
{
    long lo = 0, hi = (long)s->count - 1;
    while (lo <= hi) {
        long mid = lo + (hi - lo) / 2;
        uint16_t m = s->ents[mid].id;
        if (m == id)
            return mid;
        if (m < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

const SnapEntity *snap_find(const Snapshot *s, uint16_t id)
{
    long i = find_index(s, id);
    return i < 0 ? NULL : &s->ents[i];
}

const char *snap_error_str(SnapError e)
{
    switch (e) {
    case SNAP_OK:
        return "ok";
    case SNAP_ERR_TRUNCATED:
        return "truncated or malformed varint";
    case SNAP_ERR_TYPE:
        return "not a SNAPSHOT message";
    case SNAP_ERR_BASELINE:
        return "baseline missing or of another tick";
    case SNAP_ERR_ID:
        return "entity id out of range, not increasing or duplicated";
    case SNAP_ERR_VALUE:
        return "field out of range or non-canonical encoding";
    case SNAP_ERR_CAPACITY:
        return "output storage too small";
    case SNAP_ERR_TRAILING:
        return "bytes after the message";
    case SNAP_ERR_INVALID:
        return "snapshot or baseline breaks the model's rules";
    case SNAP_ERR_BUDGET:
        return "budget too small for the header";
    }
    return "unknown error";
}

/* ---- entity codes --------------------------------------------------------------------- */

/* An id whose type (or a shot's owner, which has no change bit) differs from the baseline's
 * is a new entity: removed in the baseline walk and added again. */
static bool needs_readd(const SnapEntity *base, const SnapEntity *e)
{
    return base->type != e->type || (e->type == SNAP_ENT_SHOT && base->owner != e->owner);
}

/* Where the baseline entity should be after dt ticks if its velocity changed evenly from the
 * baseline's to the new one (trapezoid rule); exact for shots, which fly straight. The
 * division truncates toward zero. */
static int64_t predict(uint16_t pos, int8_t base_vel, int8_t vel, uint32_t dt)
{
    return (int64_t)pos + ((int64_t)base_vel + vel) * (int64_t)dt / 2;
}

/* Change bits of e against base. A position "changes" when it differs from the prediction. */
static unsigned changed_mask(const SnapEntity *b, const SnapEntity *e, uint32_t dt)
{
    unsigned m = 0;
    if (e->vx != b->vx || e->vy != b->vy)
        m |= CH_VEL;
    if (e->x != predict(b->x, b->vx, e->vx, dt) || e->y != predict(b->y, b->vy, e->vy, dt))
        m |= CH_POS;
    if (b->type == SNAP_ENT_PLAYER) {
        if (e->aim != b->aim)
            m |= CH_AIM;
        if (e->score != b->score)
            m |= CH_SCORE;
        if (e->flags != b->flags)
            m |= CH_FLAGS;
    }
    return m;
}

static unsigned change_bit_count(uint8_t type)
{
    return type == SNAP_ENT_PLAYER ? 5 : 2;
}

/* Bits of the change bits and values (without the 2-bit "10" walk code). */
static unsigned changed_body_bits(const SnapEntity *b, const SnapEntity *e, uint32_t dt)
{
    unsigned m = changed_mask(b, e, dt);
    unsigned bits = change_bit_count(b->type);
    if (m & CH_VEL)
        bits += vel_code_bits(e->vx - b->vx) + vel_code_bits(e->vy - b->vy);
    if (m & CH_POS)
        bits += pos_code_bits(e->x - predict(b->x, b->vx, e->vx, dt)) +
                pos_code_bits(e->y - predict(b->y, b->vy, e->vy, dt));
    if (m & CH_AIM)
        bits += AIM_BITS;
    if (m & CH_SCORE)
        bits += g3_bits(zz32((int32_t)e->score - (int32_t)b->score));
    if (m & CH_FLAGS)
        bits += SNAP_FLAG_BITS;
    return bits;
}

static void changed_body_write(BsWriter *w, const SnapEntity *b, const SnapEntity *e, uint32_t dt)
{
    unsigned m = changed_mask(b, e, dt);
    bs_write_bool(w, m & CH_VEL);
    if (m & CH_VEL) {
        vel_code_write(w, e->vx - b->vx);
        vel_code_write(w, e->vy - b->vy);
    }
    bs_write_bool(w, m & CH_POS);
    if (m & CH_POS) {
        pos_code_write(w, e->x, predict(b->x, b->vx, e->vx, dt));
        pos_code_write(w, e->y, predict(b->y, b->vy, e->vy, dt));
    }
    if (b->type != SNAP_ENT_PLAYER)
        return;
    bs_write_bool(w, m & CH_AIM);
    if (m & CH_AIM)
        bs_write_bits(w, e->aim, AIM_BITS);
    bs_write_bool(w, m & CH_SCORE);
    if (m & CH_SCORE)
        g3_write(w, zz32((int32_t)e->score - (int32_t)b->score));
    bs_write_bool(w, m & CH_FLAGS);
    if (m & CH_FLAGS)
        bs_write_bits(w, e->flags, SNAP_FLAG_BITS);
}

static SnapError changed_body_read(BsReader *r, const SnapEntity *b, uint32_t dt, SnapEntity *e)
{
    SnapError err;
    *e = *b;
    if (bs_read_bool(r)) {
        if ((err = vel_code_read(r, b->vx, &e->vx)) != SNAP_OK ||
            (err = vel_code_read(r, b->vy, &e->vy)) != SNAP_OK)
            return err;
        if (e->vx == b->vx && e->vy == b->vy)
            return SNAP_ERR_VALUE;
    }
    int64_t px = predict(b->x, b->vx, e->vx, dt), py = predict(b->y, b->vy, e->vy, dt);
    if (bs_read_bool(r)) {
        if ((err = pos_code_read(r, px, &e->x)) != SNAP_OK ||
            (err = pos_code_read(r, py, &e->y)) != SNAP_OK)
            return err;
        if (e->x == px && e->y == py)
            return SNAP_ERR_VALUE;
    } else {
        if (r->error)
            return SNAP_ERR_TRUNCATED;
        if (px < 0 || px > UINT16_MAX || py < 0 || py > UINT16_MAX)
            return SNAP_ERR_VALUE;
        e->x = (uint16_t)px;
        e->y = (uint16_t)py;
    }
    if (b->type == SNAP_ENT_PLAYER) {
        if (bs_read_bool(r)) {
            uint32_t aim = bs_read_bits(r, AIM_BITS);
            if (r->error)
                return SNAP_ERR_TRUNCATED;
            if (aim == b->aim)
                return SNAP_ERR_VALUE;
            e->aim = (uint16_t)aim;
        }
        if (bs_read_bool(r)) {
            uint32_t z;
            if ((err = g3_read(r, &z)) != SNAP_OK)
                return err;
            int64_t score = (int64_t)b->score + unzz32(z);
            if (z == 0 || score < 0 || score > SCORE_MAX)
                return SNAP_ERR_VALUE;
            e->score = (uint16_t)score;
        }
        if (bs_read_bool(r)) {
            uint32_t flags = bs_read_bits(r, SNAP_FLAG_BITS);
            if (r->error)
                return SNAP_ERR_TRUNCATED;
            if ((flags & ~(uint32_t)(SNAP_FLAG_ALIVE | SNAP_FLAG_FIRED)) != 0 || flags == b->flags)
                return SNAP_ERR_VALUE;
            e->flags = (uint8_t)flags;
        }
    }
    if (r->error)
        return SNAP_ERR_TRUNCATED;
    if (ent_equal(e, b)) /* must have been coded as unchanged */
        return SNAP_ERR_VALUE;
    return SNAP_OK;
}

/* Added entity after its id code: type and every field raw; the velocity only when it is not
 * zero (a "moving" bit), since idle and dead players stand still. */
static bool ent_moving(const SnapEntity *e)
{
    return e->vx != 0 || e->vy != 0;
}

static unsigned added_body_bits(const SnapEntity *e)
{
    unsigned bits = SNAP_ENT_TYPE_BITS + 2 * POS_BITS + 1 + (ent_moving(e) ? 2 * VEL_BITS : 0);
    if (e->type == SNAP_ENT_PLAYER)
        bits += AIM_BITS + g3_bits(e->score) + SNAP_FLAG_BITS;
    else
        bits += OWNER_BITS;
    return bits;
}

static void added_body_write(BsWriter *w, const SnapEntity *e)
{
    bs_write_bits(w, e->type, SNAP_ENT_TYPE_BITS);
    bs_write_bits(w, e->x, POS_BITS);
    bs_write_bits(w, e->y, POS_BITS);
    bs_write_bool(w, ent_moving(e));
    if (ent_moving(e)) {
        bs_write_bits(w, (uint8_t)e->vx, VEL_BITS);
        bs_write_bits(w, (uint8_t)e->vy, VEL_BITS);
    }
    if (e->type == SNAP_ENT_PLAYER) {
        bs_write_bits(w, e->aim, AIM_BITS);
        g3_write(w, e->score);
        bs_write_bits(w, e->flags, SNAP_FLAG_BITS);
    } else {
        bs_write_bits(w, e->owner, OWNER_BITS);
    }
}

static int8_t vel_from_bits(uint32_t raw)
{
    return (int8_t)((int32_t)raw - (raw >= 128 ? 256 : 0));
}

static SnapError added_body_read(BsReader *r, uint16_t id, SnapEntity *e)
{
    memset(e, 0, sizeof *e);
    e->id = id;
    uint32_t type = bs_read_bits(r, SNAP_ENT_TYPE_BITS);
    e->x = (uint16_t)bs_read_bits(r, POS_BITS);
    e->y = (uint16_t)bs_read_bits(r, POS_BITS);
    bool moving = bs_read_bool(r);
    if (moving) {
        e->vx = vel_from_bits(bs_read_bits(r, VEL_BITS));
        e->vy = vel_from_bits(bs_read_bits(r, VEL_BITS));
    }
    if (r->error)
        return SNAP_ERR_TRUNCATED;
    if (type != SNAP_ENT_PLAYER && type != SNAP_ENT_SHOT)
        return SNAP_ERR_VALUE;
    if (e->vx < -Q_VEL_MAX || e->vy < -Q_VEL_MAX || moving != ent_moving(e))
        return SNAP_ERR_VALUE;
    e->type = (uint8_t)type;
    if (type == SNAP_ENT_PLAYER) {
        e->aim = (uint16_t)bs_read_bits(r, AIM_BITS);
        uint32_t score;
        SnapError err = g3_read(r, &score);
        if (err != SNAP_OK)
            return err;
        uint32_t flags = bs_read_bits(r, SNAP_FLAG_BITS);
        if (r->error)
            return SNAP_ERR_TRUNCATED;
        if (score > SCORE_MAX || (flags & ~(uint32_t)(SNAP_FLAG_ALIVE | SNAP_FLAG_FIRED)) != 0)
            return SNAP_ERR_VALUE;
        e->score = (uint16_t)score;
        e->flags = (uint8_t)flags;
    } else {
        e->owner = (uint8_t)bs_read_bits(r, OWNER_BITS);
        if (r->error)
            return SNAP_ERR_TRUNCATED;
    }
    return SNAP_OK;
}

/* Added ids: "1" = previous added id + 1 (the first entity's "previous" is -1), else "0" and
 * the 10-bit id, which must be larger than previous + 1. */
static void id_code_write(BsWriter *w, int prev, uint16_t id)
{
    if (id == prev + 1) {
        bs_write_bits(w, 1, 1);
    } else {
        bs_write_bits(w, 0, 1);
        bs_write_bits(w, id, ID_BITS);
    }
}

/* ---- header and self block ------------------------------------------------------------ */

static uint32_t wrap_sub(int32_t a, int32_t b)
{
    return (uint32_t)a - (uint32_t)b;
}

static int32_t wrap_add(int32_t a, int32_t d)
{
    uint32_t u = (uint32_t)a + (uint32_t)d;
    int32_t v;
    memcpy(&v, &u, sizeof v);
    return v;
}

static int32_t as_i32(uint32_t u)
{
    int32_t v;
    memcpy(&v, &u, sizeof v);
    return v;
}

static void self_write_raw(BsWriter *w, const SnapSelf *s)
{
    bs_write_svarint(w, s->x);
    bs_write_svarint(w, s->y);
    bs_write_svarint(w, s->vx);
    bs_write_svarint(w, s->vy);
    bs_write_bits(w, s->aim, SELF_AIM_BITS);
    bs_write_uvarint(w, s->score);
    bs_write_bits(w, s->flags, SNAP_FLAG_BITS);
    bs_write_bits(w, s->cooldown, BYTE_BITS);
    bs_write_bits(w, s->respawn, BYTE_BITS);
}

/* The self block's position prediction: the trapezoid rule like entities, in Q8, over at most
 * SELF_PREDICT_DT_MAX ticks (so the product fits 64 bits), wrapping to 32 bits. */
static int32_t self_predict(int32_t pos, int32_t base_vel, int32_t vel, uint32_t dt)
{
    int64_t span = dt < SELF_PREDICT_DT_MAX ? dt : SELF_PREDICT_DT_MAX;
    int64_t move = ((int64_t)base_vel + vel) * span / 2;
    return wrap_add(pos, as_i32((uint32_t)move));
}

/* Change bit, then svarint of (v - ref) wrapped to 32 bits. */
static void self_write_q8_delta(BsWriter *w, int32_t v, int32_t ref)
{
    bs_write_bool(w, v != ref);
    if (v != ref)
        bs_write_svarint(w, as_i32(wrap_sub(v, ref)));
}

static void self_write_delta(BsWriter *w, const SnapSelf *s, const SnapSelf *o, uint32_t dt)
{
    self_write_q8_delta(w, s->vx, o->vx);
    self_write_q8_delta(w, s->vy, o->vy);
    self_write_q8_delta(w, s->x, self_predict(o->x, o->vx, s->vx, dt));
    self_write_q8_delta(w, s->y, self_predict(o->y, o->vy, s->vy, dt));
    bs_write_bool(w, s->aim != o->aim);
    if (s->aim != o->aim)
        bs_write_bits(w, s->aim, SELF_AIM_BITS);
    bs_write_bool(w, s->score != o->score);
    if (s->score != o->score)
        bs_write_uvarint(w, s->score);
    bs_write_bool(w, s->flags != o->flags);
    if (s->flags != o->flags)
        bs_write_bits(w, s->flags, SNAP_FLAG_BITS);
    bs_write_bool(w, s->cooldown != o->cooldown);
    if (s->cooldown != o->cooldown)
        bs_write_bits(w, s->cooldown, BYTE_BITS);
    bs_write_bool(w, s->respawn != o->respawn);
    if (s->respawn != o->respawn)
        bs_write_bits(w, s->respawn, BYTE_BITS);
}

static SnapError self_check(BsReader *r, const SnapSelf *s)
{
    if (r->error)
        return SNAP_ERR_TRUNCATED;
    if ((s->flags & ~(SNAP_FLAG_ALIVE | SNAP_FLAG_FIRED)) != 0)
        return SNAP_ERR_VALUE;
    return SNAP_OK;
}

static SnapError self_read_raw(BsReader *r, SnapSelf *s)
{
    s->x = bs_read_svarint(r);
    s->y = bs_read_svarint(r);
    s->vx = bs_read_svarint(r);
    s->vy = bs_read_svarint(r);
    s->aim = (uint16_t)bs_read_bits(r, SELF_AIM_BITS);
    uint32_t score = bs_read_uvarint(r);
    s->flags = (uint8_t)bs_read_bits(r, SNAP_FLAG_BITS);
    s->cooldown = (uint8_t)bs_read_bits(r, BYTE_BITS);
    s->respawn = (uint8_t)bs_read_bits(r, BYTE_BITS);
    if (r->error)
        return SNAP_ERR_TRUNCATED;
    if (score > SCORE_MAX)
        return SNAP_ERR_VALUE;
    s->score = (uint16_t)score;
    return self_check(r, s);
}

static SnapError self_read_q8_delta(BsReader *r, int32_t ref, int32_t *v)
{
    *v = ref;
    if (!bs_read_bool(r))
        return SNAP_OK;
    int32_t d = bs_read_svarint(r);
    if (r->error)
        return SNAP_ERR_TRUNCATED;
    if (d == 0)
        return SNAP_ERR_VALUE;
    *v = wrap_add(ref, d);
    return SNAP_OK;
}

/* Reads an optional raw field of nbits; a present field equal to the old value is
 * non-canonical. */
static SnapError self_read_changed_bits(BsReader *r, unsigned nbits, uint32_t old, uint32_t *v)
{
    *v = old;
    if (!bs_read_bool(r))
        return SNAP_OK;
    uint32_t x = bs_read_bits(r, nbits);
    if (r->error)
        return SNAP_ERR_TRUNCATED;
    if (x == old)
        return SNAP_ERR_VALUE;
    *v = x;
    return SNAP_OK;
}

static SnapError self_read_delta(BsReader *r, const SnapSelf *o, uint32_t dt, SnapSelf *s)
{
    SnapError err;
    uint32_t v;
    *s = *o;
    if ((err = self_read_q8_delta(r, o->vx, &s->vx)) != SNAP_OK ||
        (err = self_read_q8_delta(r, o->vy, &s->vy)) != SNAP_OK ||
        (err = self_read_q8_delta(r, self_predict(o->x, o->vx, s->vx, dt), &s->x)) != SNAP_OK ||
        (err = self_read_q8_delta(r, self_predict(o->y, o->vy, s->vy, dt), &s->y)) != SNAP_OK)
        return err;
    if ((err = self_read_changed_bits(r, SELF_AIM_BITS, o->aim, &v)) != SNAP_OK)
        return err;
    s->aim = (uint16_t)v;
    if (bs_read_bool(r)) {
        uint32_t score = bs_read_uvarint(r);
        if (r->error)
            return SNAP_ERR_TRUNCATED;
        if (score > SCORE_MAX || score == o->score)
            return SNAP_ERR_VALUE;
        s->score = (uint16_t)score;
    }
    if ((err = self_read_changed_bits(r, SNAP_FLAG_BITS, o->flags, &v)) != SNAP_OK)
        return err;
    s->flags = (uint8_t)v;
    if ((err = self_read_changed_bits(r, BYTE_BITS, o->cooldown, &v)) != SNAP_OK)
        return err;
    s->cooldown = (uint8_t)v;
    if ((err = self_read_changed_bits(r, BYTE_BITS, o->respawn, &v)) != SNAP_OK)
        return err;
    s->respawn = (uint8_t)v;
    return self_check(r, s);
}

static void header_write(BsWriter *w, const Snapshot *t, const Snapshot *base)
{
    bs_write_bits(w, PROTO_MSG_SNAPSHOT, TYPE_BITS);
    bs_write_bits(w, t->tick, TICK_BITS);
    bs_write_uvarint(w, base ? t->tick - base->tick : 0);
    bs_write_bool(w, t->input_ack != 0);
    if (t->input_ack != 0)
        bs_write_uvarint(w, t->tick - t->input_ack);
    bs_write_bool(w, t->has_self);
    if (!t->has_self)
        return;
    bool same = base && base->has_self && base->self_id == t->self_id;
    if (base && base->has_self)
        bs_write_bool(w, same);
    if (!same)
        bs_write_bits(w, t->self_id, ID_BITS);
    if (same)
        self_write_delta(w, &t->self, &base->self, t->tick - base->tick);
    else
        self_write_raw(w, &t->self);
}

static SnapError header_read_ticks(BsReader *r, uint32_t *tick, uint32_t *dt)
{
    uint32_t type = bs_read_bits(r, TYPE_BITS);
    if (r->error)
        return SNAP_ERR_TRUNCATED;
    if (type != PROTO_MSG_SNAPSHOT)
        return SNAP_ERR_TYPE;
    *tick = bs_read_bits(r, TICK_BITS);
    *dt = bs_read_uvarint(r);
    if (r->error)
        return SNAP_ERR_TRUNCATED;
    /* A baseline is an earlier snapshot and snapshots never have tick 0. */
    if (*tick == 0 || *dt >= *tick)
        return SNAP_ERR_VALUE;
    return SNAP_OK;
}

SnapError snap_peek(const uint8_t *buf, size_t len, uint32_t *tick, uint32_t *baseline_tick)
{
    BsReader r;
    uint32_t t = 0, dt = 0;
    bs_reader_init(&r, buf, len);
    SnapError err = header_read_ticks(&r, &t, &dt);
    if (err != SNAP_OK)
        return err;
    *tick = t;
    *baseline_tick = dt == 0 ? 0 : t - dt;
    return SNAP_OK;
}

/* ---- decoder -------------------------------------------------------------------------- */

static SnapError decode_body(BsReader *r, const Snapshot *base, Snapshot *out)
{
    SnapError err;
    uint32_t tick, dt;
    if ((err = header_read_ticks(r, &tick, &dt)) != SNAP_OK)
        return err;
    if (dt == 0) {
        base = NULL; /* a full snapshot ignores any baseline it is given */
    } else if (base == NULL || base->tick != tick - dt) {
        return SNAP_ERR_BASELINE;
    }
    out->tick = tick;

    if (bs_read_bool(r)) {
        uint32_t back = bs_read_uvarint(r);
        if (r->error)
            return SNAP_ERR_TRUNCATED;
        if (back >= tick) /* == tick would spell input_ack 0, "none", the long way */
            return SNAP_ERR_VALUE;
        out->input_ack = tick - back;
    }

    out->has_self = bs_read_bool(r);
    if (out->has_self) {
        /* Against a baseline with a self block, one bit says "same viewer". */
        bool same = base && base->has_self && bs_read_bool(r);
        uint32_t id = same ? base->self_id : bs_read_bits(r, ID_BITS);
        if (r->error)
            return SNAP_ERR_TRUNCATED;
        if (id >= PROTO_MAX_PLAYERS)
            return SNAP_ERR_ID;
        if (!same && base && base->has_self && id == base->self_id)
            return SNAP_ERR_ID; /* the "same" bit should have said it */
        out->self_id = (uint16_t)id;
        if (same)
            err = self_read_delta(r, &base->self, dt, &out->self);
        else
            err = self_read_raw(r, &out->self);
        if (err != SNAP_OK)
            return err;
    }

    /* (a) the baseline walk: "0" unchanged, "10" changed, "11" removed. */
    uint16_t kept = 0;
    if (base) {
        for (uint16_t i = 0; i < base->count; i++) {
            const SnapEntity *b = &base->ents[i];
            bool touched = bs_read_bool(r);
            if (touched && bs_read_bool(r))
                continue; /* removed */
            if (r->error)
                return SNAP_ERR_TRUNCATED;
            if (kept >= out->capacity)
                return SNAP_ERR_CAPACITY;
            if (!touched)
                out->ents[kept] = *b;
            else if ((err = changed_body_read(r, b, dt, &out->ents[kept])) != SNAP_OK)
                return err;
            kept++;
        }
        if (r->error)
            return SNAP_ERR_TRUNCATED;
    }

    /* (b) added entities, merged by id with the kept ones. The kept ones move to the tail,
     * ents[cap-kept..cap); each added entity is decoded straight into the front after the kept
     * ones with smaller ids are moved down. The write position (moved + added so far) stays
     * below the next unmoved kept entity because n <= cap - kept. */
    uint32_t n;
    if ((err = g3_read(r, &n)) != SNAP_OK)
        return err;
    if (n > PROTO_MAX_ENTITIES)
        return SNAP_ERR_ID;
    if ((uint64_t)n * MIN_ADDED_BITS > bs_reader_remaining(r))
        return SNAP_ERR_TRUNCATED;
    if (n > (uint32_t)(out->capacity - kept))
        return SNAP_ERR_CAPACITY;
    size_t tail = (size_t)out->capacity - kept, moved = 0, wpos = 0;
    if (kept > 0 && tail > 0)
        memmove(out->ents + tail, out->ents, kept * sizeof *out->ents);
    int prev = -1;
    for (uint32_t j = 0; j < n; j++) {
        int id;
        if (bs_read_bool(r)) {
            id = prev + 1;
        } else {
            id = (int)bs_read_bits(r, ID_BITS);
            if (r->error)
                return SNAP_ERR_TRUNCATED;
            if (id <= prev + 1) /* not increasing, or "1" would have said it */
                return SNAP_ERR_ID;
        }
        if (id >= PROTO_MAX_ENTITIES)
            return SNAP_ERR_ID;
        while (moved < kept && out->ents[tail + moved].id < id)
            out->ents[wpos++] = out->ents[tail + moved++];
        if (moved < kept && out->ents[tail + moved].id == id)
            return SNAP_ERR_ID; /* added id already alive */
        assert(wpos < tail + moved);
        SnapEntity *e = &out->ents[wpos];
        if ((err = added_body_read(r, (uint16_t)id, e)) != SNAP_OK)
            return err;
        if (base) {
            /* Re-adding a baseline id is only for a new entity (see needs_readd). */
            const SnapEntity *b = snap_find(base, (uint16_t)id);
            if (b && !needs_readd(b, e))
                return SNAP_ERR_ID;
        }
        wpos++;
        prev = id;
    }
    if (moved < kept && wpos < tail + moved)
        memmove(out->ents + wpos, out->ents + tail + moved, (kept - moved) * sizeof *out->ents);
    out->count = (uint16_t)(kept + n);

    if (r->error)
        return SNAP_ERR_TRUNCATED;
    if (!bs_reader_finished(r))
        return SNAP_ERR_TRAILING;
    return SNAP_OK;
}

SnapError snap_decode(const uint8_t *buf, size_t len, const Snapshot *baseline, Snapshot *out)
{
    assert(out != NULL && out != baseline);
    BsReader r;
    bs_reader_init(&r, buf, len);
    out->tick = 0;
    out->input_ack = 0;
    out->has_self = false;
    out->self_id = 0;
    memset(&out->self, 0, sizeof out->self);
    out->count = 0;
    SnapError err = decode_body(&r, baseline, out);
    if (err != SNAP_OK)
        out->count = 0;
    return err;
}

/* ---- encoder -------------------------------------------------------------------------- */

/* Per target entity state during encoding. */
enum {
    ST_CAND = 1 << 0,  /* changed or added: competes for the budget */
    ST_ADDED = 1 << 1, /* goes in section (b) (otherwise it is matched to a baseline entity) */
    ST_SEL = 1 << 2,   /* chosen */
};

typedef struct EncState {
    const Snapshot *t;
    const float *priority;
    uint8_t st[PROTO_MAX_ENTITIES];        /* ST_* per target index */
    uint8_t cost[PROTO_MAX_ENTITIES];      /* changed: "10"+body minus the 1 bit of "0";
                                              added: type and fields, without the id code */
    uint16_t base_of[PROTO_MAX_ENTITIES];  /* target index -> matched baseline index, NONE */
    uint16_t match_of[PROTO_MAX_ENTITIES]; /* baseline index -> matched target index, NONE */
    uint16_t order[PROTO_MAX_ENTITIES];    /* candidates, best first */
} EncState;

static float prio_of(const EncState *s, uint16_t ti)
{
    if (!s->priority)
        return 0.0f;
    float p = s->priority[ti];
    return p != p ? -INFINITY : p; /* NaN ranks last, and never breaks the ordering */
}

/* True if target index a goes before b: higher priority, then lower id (lower index). */
static bool goes_before(const EncState *s, uint16_t a, uint16_t b)
{
    float pa = prio_of(s, a), pb = prio_of(s, b);
    if (pa != pb)
        return pa > pb;
    return a < b;
}

static void sift_down(const EncState *s, uint16_t *h, size_t root, size_t n)
{
    for (;;) {
        size_t c = 2 * root + 1;
        if (c >= n)
            return;
        if (c + 1 < n && goes_before(s, h[c], h[c + 1]))
            c++; /* the child that goes later */
        if (!goes_before(s, h[root], h[c]))
            return;
        uint16_t tmp = h[root];
        h[root] = h[c];
        h[c] = tmp;
        root = c;
    }
}

/* Heapsort: no allocation, O(n log n) worst case. */
static void sort_order(const EncState *s, uint16_t *h, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(s, h, i, n);
    for (size_t end = n; end-- > 1;) {
        uint16_t tmp = h[0];
        h[0] = h[end];
        h[end] = tmp;
        sift_down(s, h, 0, end);
    }
}

static bool added_selected(const EncState *s, uint16_t ti)
{
    return (s->st[ti] & (ST_ADDED | ST_SEL)) == (ST_ADDED | ST_SEL);
}

/* Exact change in message bits if added target entity ti is selected now, given which added
 * entities are already selected: its id code depends on the previous selected added id, and
 * it may turn the next one's 11-bit id code into a 1-bit one. */
static long added_delta_bits(const EncState *s, uint16_t ti, uint16_t nsel)
{
    const SnapEntity *e = &s->t->ents[ti];
    bool prev_adj = e->id == 0 || (ti > 0 && s->t->ents[ti - 1].id == e->id - 1 &&
                                   added_selected(s, (uint16_t)(ti - 1)));
    bool next_adj = ti + 1 < s->t->count && s->t->ents[ti + 1].id == e->id + 1 &&
                    added_selected(s, (uint16_t)(ti + 1));
    long bits = (long)s->cost[ti] + (prev_adj ? 1 : 1 + ID_BITS);
    if (next_adj)
        bits -= ID_BITS;
    bits += (long)g3_bits(nsel + 1u) - (long)g3_bits(nsel);
    return bits;
}

/* The header and self block of `sent`: always the target's (they are always written). */
static void sent_header(Snapshot *sent, const Snapshot *target)
{
    sent->tick = target->tick;
    sent->input_ack = target->input_ack;
    sent->has_self = target->has_self;
    sent->self_id = target->has_self ? target->self_id : 0;
    if (target->has_self)
        sent->self = target->self;
    else
        memset(&sent->self, 0, sizeof sent->self);
}

/* The common case in one pass: everything changed or added goes in, written straight away.
 * Returns false (and leaves *w in error) if the message does not fit the writer's budget or an
 * entity breaks the model (the full path below then sorts it out and reports which). The bits
 * written are exactly those of the full path with every candidate selected. */
static bool encode_all(BsWriter *w, const Snapshot *target, const Snapshot *baseline, uint32_t dt,
                       SnapEncodeReport *rep)
{
    uint16_t added[PROTO_MAX_ENTITIES];
    uint16_t nadded = 0;
    const uint16_t tc = target->count, bc = baseline ? baseline->count : 0;
    uint16_t ti = 0, bi = 0;
    while (ti < tc || bi < bc) {
        if (w->error)
            return false; /* over budget: stop early, the full path takes over */
        const SnapEntity *te = ti < tc ? &target->ents[ti] : NULL;
        const SnapEntity *be = bi < bc ? &baseline->ents[bi] : NULL;
        if (be && (!te || be->id < te->id)) { /* gone */
            if (!ent_ok_at(baseline, bi))
                return false;
            bs_write_bits(w, 3, 2);
            rep->removed++;
            bi++;
            continue;
        }
        if (!ent_ok_at(target, ti))
            return false;
        if (be && be->id == te->id) {
            if (!ent_ok_at(baseline, bi))
                return false;
            bi++;
            if (needs_readd(be, te)) {
                bs_write_bits(w, 3, 2);
                rep->removed++;
            } else if (ent_equal(be, te)) {
                bs_write_bits(w, 0, 1);
                rep->unchanged++;
                ti++;
                continue;
            } else {
                bs_write_bits(w, 1, 2);
                changed_body_write(w, be, te, dt);
                rep->included++;
                ti++;
                continue;
            }
        }
        added[nadded++] = ti++;
    }
    g3_write(w, nadded);
    int prev = -1;
    for (uint16_t k = 0; k < nadded && !w->error; k++) {
        const SnapEntity *e = &target->ents[added[k]];
        id_code_write(w, prev, e->id);
        added_body_write(w, e);
        prev = e->id;
    }
    bs_write_align(w);
    rep->included = (uint16_t)(rep->included + nadded);
    return !w->error;
}

SnapError snap_encode(const Snapshot *target, const Snapshot *baseline, const float *priority,
                      size_t budget, uint8_t *out, Snapshot *sent, SnapEncodeReport *report,
                      uint16_t *omitted_ids, size_t omitted_cap)
{
    assert(target && out && sent && report);
    assert(sent != target && sent != baseline);
    /* Headers here; each entity is checked as the walk below reaches it (one pass, not
     * three: this runs for every client at every snapshot). */
    if (!header_valid(target) || target->input_ack > target->tick)
        return SNAP_ERR_INVALID;
    if (baseline && (!header_valid(baseline) || baseline->tick >= target->tick))
        return SNAP_ERR_INVALID;
    if (sent->capacity < target->count)
        return SNAP_ERR_CAPACITY;
    if (budget > ((size_t)1 << 24)) /* far above any message; bit counts fit a 32-bit long */
        budget = (size_t)1 << 24;
    const long budget_bits = (long)budget * 8;
    const uint32_t dt = baseline ? target->tick - baseline->tick : 0;

    BsWriter w;
    bs_writer_init(&w, out, budget);
    header_write(&w, target, baseline);
    if (w.error)
        return SNAP_ERR_BUDGET;

    /* Fast path: everything fits (most snapshots). `sent` is then the target itself. */
    BsWriter fw = w;
    SnapEncodeReport rep = {0};
    if (encode_all(&fw, target, baseline, dt, &rep)) {
        sent_header(sent, target);
        memcpy(sent->ents, target->ents, (size_t)target->count * sizeof *sent->ents);
        sent->count = target->count;
        rep.bytes = bs_writer_bytes(&fw);
        *report = rep;
        return SNAP_OK;
    }
    memset(&rep, 0, sizeof rep);

    EncState s;
    s.t = target;
    s.priority = priority;
    uint16_t ncand = 0;
    long total = (long)bs_writer_bits(&w) + (long)g3_bits(0);

    /* Classify by walking target and baseline together in id order. */
    const uint16_t tc = target->count, bc = baseline ? baseline->count : 0;
    uint16_t ti = 0, bi = 0;
    while (ti < tc || bi < bc) {
        const SnapEntity *te = ti < tc ? &target->ents[ti] : NULL;
        const SnapEntity *be = bi < bc ? &baseline->ents[bi] : NULL;
        if (be && (!te || be->id < te->id)) { /* gone */
            if (!ent_ok_at(baseline, bi))
                return SNAP_ERR_INVALID;
            s.match_of[bi++] = NONE;
            total += 2;
            rep.removed++;
            continue;
        }
        if (!ent_ok_at(target, ti))
            return SNAP_ERR_INVALID;
        s.st[ti] = 0;
        s.base_of[ti] = NONE;
        if (be && be->id == te->id) {
            if (!ent_ok_at(baseline, bi))
                return SNAP_ERR_INVALID;
            total += 1; /* "0", or the first bit of "10"/"11" */
            if (needs_readd(be, te)) {
                s.match_of[bi++] = NONE;
                total += 1;
                rep.removed++;
            } else {
                s.base_of[ti] = bi;
                s.match_of[bi++] = ti;
                if (ent_equal(be, te)) {
                    rep.unchanged++;
                    ti++;
                    continue;
                }
                s.st[ti] = ST_CAND;
                s.cost[ti] = (uint8_t)(1 + changed_body_bits(be, te, dt));
                s.order[ncand++] = ti++;
                continue;
            }
        }
        s.st[ti] = ST_CAND | ST_ADDED;
        s.cost[ti] = (uint8_t)added_body_bits(te);
        s.order[ncand++] = ti++;
    }
    if (total > budget_bits)
        return SNAP_ERR_BUDGET;

    /* Everything at once if it fits (the common case, no sorting), else best first. */
    long all = total;
    uint16_t nadded = 0;
    for (uint16_t k = 0; k < ncand; k++) {
        uint16_t c = s.order[k];
        if (s.st[c] & ST_ADDED) {
            all += added_delta_bits(&s, c, nadded++);
            s.st[c] |= ST_SEL;
        } else {
            all += s.cost[c];
        }
    }
    if (all <= budget_bits) {
        for (uint16_t k = 0; k < ncand; k++)
            s.st[s.order[k]] |= ST_SEL;
        total = all;
    } else {
        for (uint16_t k = 0; k < ncand; k++)
            s.st[s.order[k]] &= (uint8_t)~ST_SEL;
        nadded = 0;
        if (priority)
            sort_order(&s, s.order, ncand);
        for (uint16_t k = 0; k < ncand; k++) {
            uint16_t c = s.order[k];
            bool is_added = s.st[c] & ST_ADDED;
            long d = is_added ? added_delta_bits(&s, c, nadded) : (long)s.cost[c];
            if (total + d > budget_bits)
                continue; /* a smaller, less important one may still fit */
            total += d;
            s.st[c] |= ST_SEL;
            nadded = (uint16_t)(nadded + is_added);
        }
    }

    /* Write (a) the baseline walk and (b) the added entities. */
    for (bi = 0; bi < bc; bi++) {
        uint16_t m = s.match_of[bi];
        if (m == NONE) {
            bs_write_bits(&w, 3, 2); /* "11": first bit 1, second bit 1 */
        } else if ((s.st[m] & ST_SEL) == 0) {
            bs_write_bits(&w, 0, 1);
        } else {
            bs_write_bits(&w, 1, 2); /* "10": first bit 1, second bit 0 */
            changed_body_write(&w, &baseline->ents[bi], &target->ents[m], dt);
        }
    }
    g3_write(&w, nadded);
    int prev = -1;
    for (ti = 0; ti < tc; ti++) {
        if (!added_selected(&s, ti))
            continue;
        const SnapEntity *e = &target->ents[ti];
        id_code_write(&w, prev, e->id);
        added_body_write(&w, e);
        prev = e->id;
    }
    bs_write_align(&w);
    /* Postcondition: the measured plan is what was written, and it fits. */
    assert(!w.error && (long)bs_writer_bits(&w) == (total + 7) / 8 * 8);
    if (w.error)
        return SNAP_ERR_BUDGET;

    /* What the decoder will reconstruct. */
    sent_header(sent, target);
    uint16_t n = 0;
    size_t nomit = 0;
    for (ti = 0; ti < tc; ti++) {
        bool sel = s.st[ti] & ST_SEL;
        if ((s.st[ti] & ST_CAND) && !sel) {
            rep.omitted++;
            if (omitted_ids && nomit < omitted_cap)
                omitted_ids[nomit++] = target->ents[ti].id;
        }
        if (sel) {
            rep.included++;
            sent->ents[n++] = target->ents[ti];
        } else if (s.base_of[ti] != NONE) {
            sent->ents[n++] = baseline->ents[s.base_of[ti]];
        }
    }
    sent->count = n;
    rep.bytes = bs_writer_bytes(&w);
    *report = rep;
    return SNAP_OK;
}
