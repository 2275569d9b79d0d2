/* snap_header.c — a SNAPSHOT's header and the viewer's self block (docs/protocol.md "SNAPSHOT").
 *
 * Owns the message type, tick, baseline distance, input timing, input ack and the self block: the
 * viewer's own player at simulation precision, raw or as a delta against the baseline's self block.
 * The self block is not quantized and not table-driven: it mirrors SimPlayer, one field each.
 * Readers never read past the BsReader's end and accept only canonical encodings. */
#include <string.h>

#include "snap_internal.h"

enum { SELF_PREDICT_DT_MAX = 64 }; /* ticks */

bool snap_header_valid(const Snapshot *s)
{
    if (s->tick == 0 || s->count > s->capacity || (s->count > 0 && s->ents == NULL))
        return false;
    if (s->input_lead < SNAP_LEAD_MIN || s->input_lead > SNAP_LEAD_MAX ||
        (!s->has_lead && s->input_lead != 0) || s->inputs_late > SNAP_LATE_MAX)
        return false;
    if (s->has_self) {
        if (s->self_id >= PROTO_MAX_PLAYERS || s->self.aim >= (1u << SNAP_SELF_AIM_BITS) ||
            s->self.flags > SNAP_FLAGS_MAX || s->self.health > PROTO_MAX_HEALTH)
            return false;
    }
    return true;
}

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

static void self_write_raw(SnapBits *w, const SnapSelf *s)
{
    snap_bits_svarint(w, s->x);
    snap_bits_svarint(w, s->y);
    snap_bits_svarint(w, s->vx);
    snap_bits_svarint(w, s->vy);
    snap_bits_put(w, s->aim, SNAP_SELF_AIM_BITS);
    snap_bits_uvarint(w, s->score);
    snap_bits_put(w, s->flags, SNAP_FLAG_BITS);
    snap_bits_put(w, s->cooldown, SNAP_BYTE_BITS);
    snap_bits_put(w, s->respawn, SNAP_BYTE_BITS);
    snap_bits_put(w, s->health, SNAP_HEALTH_BITS);
    snap_bits_uvarint(w, s->deaths);
}

/* The self block's position prediction: the trapezoid rule like entities, in Q8, over at most
 * SELF_PREDICT_DT_MAX ticks (so the product fits 64 bits), wrapping to 32 bits. */
static int32_t self_predict(int32_t pos, int32_t base_vel, int32_t vel, uint32_t dt)
{
    int64_t span = dt < SELF_PREDICT_DT_MAX ? dt : SELF_PREDICT_DT_MAX;
    int64_t move = ((int64_t)base_vel + vel) * span / 2;
    return wrap_add(pos, snap_as_i32((uint32_t)move));
}

/* Change bit, then svarint of (v - ref) wrapped to 32 bits. */
static void self_write_q8_delta(SnapBits *w, int32_t v, int32_t ref)
{
    snap_bits_put(w, v != ref, 1);
    if (v != ref)
        snap_bits_svarint(w, snap_as_i32(wrap_sub(v, ref)));
}

static void self_write_delta(SnapBits *w, const SnapSelf *s, const SnapSelf *o, uint32_t dt)
{
    self_write_q8_delta(w, s->vx, o->vx);
    self_write_q8_delta(w, s->vy, o->vy);
    self_write_q8_delta(w, s->x, self_predict(o->x, o->vx, s->vx, dt));
    self_write_q8_delta(w, s->y, self_predict(o->y, o->vy, s->vy, dt));
    snap_bits_put(w, s->aim != o->aim, 1);
    if (s->aim != o->aim)
        snap_bits_put(w, s->aim, SNAP_SELF_AIM_BITS);
    snap_bits_put(w, s->score != o->score, 1);
    if (s->score != o->score)
        snap_bits_uvarint(w, s->score);
    snap_bits_put(w, s->flags != o->flags, 1);
    if (s->flags != o->flags)
        snap_bits_put(w, s->flags, SNAP_FLAG_BITS);
    snap_bits_put(w, s->cooldown != o->cooldown, 1);
    if (s->cooldown != o->cooldown)
        snap_bits_put(w, s->cooldown, SNAP_BYTE_BITS);
    snap_bits_put(w, s->respawn != o->respawn, 1);
    if (s->respawn != o->respawn)
        snap_bits_put(w, s->respawn, SNAP_BYTE_BITS);
    snap_bits_put(w, s->health != o->health, 1);
    if (s->health != o->health)
        snap_bits_put(w, s->health, SNAP_HEALTH_BITS);
    snap_bits_put(w, s->deaths != o->deaths, 1);
    if (s->deaths != o->deaths)
        snap_bits_uvarint(w, s->deaths);
}

static SnapError self_check(BsReader *r, const SnapSelf *s)
{
    if (r->error)
        return SNAP_ERR_TRUNCATED;
    if (s->flags > SNAP_FLAGS_MAX || s->health > PROTO_MAX_HEALTH)
        return SNAP_ERR_VALUE;
    return SNAP_OK;
}

static SnapError self_read_raw(BsReader *r, SnapSelf *s)
{
    s->x = bs_read_svarint(r);
    s->y = bs_read_svarint(r);
    s->vx = bs_read_svarint(r);
    s->vy = bs_read_svarint(r);
    s->aim = (uint16_t)bs_read_bits(r, SNAP_SELF_AIM_BITS);
    uint32_t score = bs_read_uvarint(r);
    s->flags = (uint8_t)bs_read_bits(r, SNAP_FLAG_BITS);
    s->cooldown = (uint8_t)bs_read_bits(r, SNAP_BYTE_BITS);
    s->respawn = (uint8_t)bs_read_bits(r, SNAP_BYTE_BITS);
    s->health = (uint8_t)bs_read_bits(r, SNAP_HEALTH_BITS);
    uint32_t deaths = bs_read_uvarint(r);
    if (r->error)
        return SNAP_ERR_TRUNCATED;
    if (score > SNAP_SCORE_MAX || deaths > SNAP_SCORE_MAX)
        return SNAP_ERR_VALUE;
    s->score = (uint16_t)score;
    s->deaths = (uint16_t)deaths;
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
    if ((err = self_read_changed_bits(r, SNAP_SELF_AIM_BITS, o->aim, &v)) != SNAP_OK)
        return err;
    s->aim = (uint16_t)v;
    if (bs_read_bool(r)) {
        uint32_t score = bs_read_uvarint(r);
        if (r->error)
            return SNAP_ERR_TRUNCATED;
        if (score > SNAP_SCORE_MAX || score == o->score)
            return SNAP_ERR_VALUE;
        s->score = (uint16_t)score;
    }
    if ((err = self_read_changed_bits(r, SNAP_FLAG_BITS, o->flags, &v)) != SNAP_OK)
        return err;
    s->flags = (uint8_t)v;
    if ((err = self_read_changed_bits(r, SNAP_BYTE_BITS, o->cooldown, &v)) != SNAP_OK)
        return err;
    s->cooldown = (uint8_t)v;
    if ((err = self_read_changed_bits(r, SNAP_BYTE_BITS, o->respawn, &v)) != SNAP_OK)
        return err;
    s->respawn = (uint8_t)v;
    if ((err = self_read_changed_bits(r, SNAP_HEALTH_BITS, o->health, &v)) != SNAP_OK)
        return err;
    s->health = (uint8_t)v;
    if (bs_read_bool(r)) {
        uint32_t deaths = bs_read_uvarint(r);
        if (r->error)
            return SNAP_ERR_TRUNCATED;
        if (deaths > SNAP_SCORE_MAX || deaths == o->deaths)
            return SNAP_ERR_VALUE;
        s->deaths = (uint16_t)deaths;
    }
    return self_check(r, s);
}

void snap_header_write(SnapBits *w, const Snapshot *t, const Snapshot *base)
{
    snap_bits_put(w, PROTO_MSG_SNAPSHOT, SNAP_TYPE_BITS);
    snap_bits_put(w, t->tick, SNAP_TICK_BITS);
    snap_bits_uvarint(w, base ? t->tick - base->tick : 0);
    /* Input timing: 16 bits, so what follows keeps its alignment. */
    snap_bits_put(w, t->has_lead, 1);
    snap_bits_put(w, snap_zz32(t->input_lead), SNAP_LEAD_BITS);
    snap_bits_put(w, t->inputs_late, SNAP_LATE_BITS);
    snap_bits_put(w, t->input_ack != 0, 1);
    if (t->input_ack != 0)
        snap_bits_uvarint(w, t->tick - t->input_ack);
    snap_bits_put(w, t->has_self, 1);
    if (!t->has_self)
        return;
    bool same = base && base->has_self && base->self_id == t->self_id;
    if (base && base->has_self)
        snap_bits_put(w, same, 1);
    if (!same)
        snap_bits_put(w, t->self_id, SNAP_PLAYER_ID_BITS);
    if (same)
        self_write_delta(w, &t->self, &base->self, t->tick - base->tick);
    else
        self_write_raw(w, &t->self);
}

SnapError snap_header_read_ticks(BsReader *r, uint32_t *tick, uint32_t *dt)
{
    uint32_t type = bs_read_bits(r, SNAP_TYPE_BITS);
    if (r->error)
        return SNAP_ERR_TRUNCATED;
    if (type != PROTO_MSG_SNAPSHOT)
        return SNAP_ERR_TYPE;
    *tick = bs_read_bits(r, SNAP_TICK_BITS);
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
    SnapError err = snap_header_read_ticks(&r, &t, &dt);
    if (err != SNAP_OK)
        return err;
    *tick = t;
    *baseline_tick = dt == 0 ? 0 : t - dt;
    return SNAP_OK;
}

SnapError snap_header_read_rest(BsReader *r, const Snapshot *base, uint32_t dt, Snapshot *out)
{
    const uint32_t tick = out->tick;
    out->has_lead = bs_read_bool(r);
    int32_t lead = snap_unzz32(bs_read_bits(r, SNAP_LEAD_BITS));
    out->inputs_late = (uint8_t)bs_read_bits(r, SNAP_LATE_BITS);
    if (r->error)
        return SNAP_ERR_TRUNCATED;
    if (!out->has_lead && lead != 0)
        return SNAP_ERR_VALUE; /* "no lead" has one spelling */
    out->input_lead = (int16_t)lead;
    if (bs_read_bool(r)) {
        uint32_t back = bs_read_uvarint(r);
        if (r->error)
            return SNAP_ERR_TRUNCATED;
        if (back >= tick) /* == tick would spell input_ack 0, "none", the long way */
            return SNAP_ERR_VALUE;
        out->input_ack = tick - back;
    }

    out->has_self = bs_read_bool(r);
    if (!out->has_self)
        return SNAP_OK;
    /* Against a baseline with a self block, one bit says "same viewer". */
    bool same = base && base->has_self && bs_read_bool(r);
    uint32_t id = same ? base->self_id : bs_read_bits(r, SNAP_PLAYER_ID_BITS);
    if (r->error)
        return SNAP_ERR_TRUNCATED;
    if (id >= PROTO_MAX_PLAYERS)
        return SNAP_ERR_ID;
    if (!same && base && base->has_self && id == base->self_id)
        return SNAP_ERR_ID; /* the "same" bit should have said it */
    out->self_id = (uint16_t)id;
    if (same)
        return self_read_delta(r, &base->self, dt, &out->self);
    return self_read_raw(r, &out->self);
}
