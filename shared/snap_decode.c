/* snap_decode.c — the SNAPSHOT decoder (see snapshot.h and docs/protocol.md "SNAPSHOT").
 *
 * Every encoding is canonical: a snapshot has exactly one encoding against a given baseline,
 * and the decoder rejects any other spelling (a change bit whose field did not change, a
 * value coded in a wider bucket than needed, an id code that could have been shorter...).
 * So decode(m) succeeding implies encode(decode(m)) == m, which the fuzz target checks.
 *
 * The decoder trusts the baseline (the client's own earlier decode) but nothing in buf. It
 * never reads outside buf[0..len) (BsReader) and never writes past out->capacity. */
#include <assert.h>
#include <string.h>

#include "snap_internal.h"

/* (a) the baseline walk: "0" unchanged, "10" changed, "11" removed. Kept entities go to
 * out->ents[0..*kept). */
static SnapError read_baseline_walk(BsReader *r, const Snapshot *base, uint32_t dt, Snapshot *out,
                                    uint16_t *kept)
{
    SnapError err;
    uint16_t n = 0;
    for (uint16_t i = 0; i < base->count; i++) {
        const SnapEntity *b = &base->ents[i];
        bool touched = bs_read_bool(r);
        if (touched && bs_read_bool(r))
            continue; /* removed */
        if (r->error)
            return SNAP_ERR_TRUNCATED;
        if (n >= out->capacity)
            return SNAP_ERR_CAPACITY;
        if (!touched)
            out->ents[n] = *b;
        else if ((err = snap_changed_body_read(r, b, dt, &out->ents[n])) != SNAP_OK)
            return err;
        n++;
    }
    *kept = n;
    return r->error ? SNAP_ERR_TRUNCATED : SNAP_OK;
}

/* One added id code: "1" = previous + 1, else "0" and the id, which must be larger than
 * previous + 1. */
static SnapError read_added_id(BsReader *r, int prev, int *id)
{
    if (bs_read_bool(r)) {
        *id = prev + 1;
    } else {
        *id = (int)bs_read_bits(r, SNAP_ID_BITS);
        if (r->error)
            return SNAP_ERR_TRUNCATED;
        if (*id <= prev + 1) /* not increasing, or "1" would have said it */
            return SNAP_ERR_ID;
    }
    return *id >= PROTO_MAX_ENTITIES ? SNAP_ERR_ID : SNAP_OK;
}

/* (b) added entities, merged by id with the `kept` ones in out->ents[0..kept). The kept ones
 * move to the tail, ents[cap-kept..cap); each added entity is decoded straight into the front
 * after the kept ones with smaller ids are moved down. The write position (moved + added so
 * far) stays below the next unmoved kept entity because n <= cap - kept. */
static SnapError read_added(BsReader *r, const Snapshot *base, uint16_t kept, Snapshot *out)
{
    SnapError err;
    uint32_t n;
    if ((err = snap_g3_read(r, &n)) != SNAP_OK)
        return err;
    if (n > PROTO_MAX_ENTITIES)
        return SNAP_ERR_ID;
    if ((uint64_t)n * snap_min_added_bits() > bs_reader_remaining(r))
        return SNAP_ERR_TRUNCATED;
    if (n > (uint32_t)(out->capacity - kept))
        return SNAP_ERR_CAPACITY;
    size_t tail = (size_t)out->capacity - kept, moved = 0, wpos = 0;
    if (kept > 0 && tail > 0)
        memmove(out->ents + tail, out->ents, kept * sizeof *out->ents);
    int prev = -1;
    for (uint32_t j = 0; j < n; j++) {
        int id;
        if ((err = read_added_id(r, prev, &id)) != SNAP_OK)
            return err;
        while (moved < kept && out->ents[tail + moved].id < id)
            out->ents[wpos++] = out->ents[tail + moved++];
        if (moved < kept && out->ents[tail + moved].id == id)
            return SNAP_ERR_ID; /* added id already alive */
        assert(wpos < tail + moved);
        SnapEntity *e = &out->ents[wpos];
        if ((err = snap_added_body_read(r, (uint16_t)id, e)) != SNAP_OK)
            return err;
        if (base) {
            /* Re-adding a baseline id is only for a new entity (see snap_needs_readd). */
            const SnapEntity *b = snap_find(base, (uint16_t)id);
            if (b && !snap_needs_readd(b, e))
                return SNAP_ERR_ID;
        }
        wpos++;
        prev = id;
    }
    if (moved < kept && wpos < tail + moved)
        memmove(out->ents + wpos, out->ents + tail + moved, (kept - moved) * sizeof *out->ents);
    out->count = (uint16_t)(kept + n);
    return SNAP_OK;
}

static SnapError decode_body(BsReader *r, const Snapshot *base, Snapshot *out)
{
    SnapError err;
    uint32_t tick, dt;
    if ((err = snap_header_read_ticks(r, &tick, &dt)) != SNAP_OK)
        return err;
    if (dt == 0) {
        base = NULL; /* a full snapshot ignores any baseline it is given */
    } else if (base == NULL || base->tick != tick - dt) {
        return SNAP_ERR_BASELINE;
    }
    out->tick = tick;
    if ((err = snap_header_read_rest(r, base, dt, out)) != SNAP_OK)
        return err;
    uint16_t kept = 0;
    if (base && (err = read_baseline_walk(r, base, dt, out, &kept)) != SNAP_OK)
        return err;
    if ((err = read_added(r, base, kept, out)) != SNAP_OK)
        return err;
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
    out->has_lead = false;
    out->input_lead = 0;
    out->inputs_late = 0;
    out->has_self = false;
    out->self_id = 0;
    memset(&out->self, 0, sizeof out->self);
    out->count = 0;
    SnapError err = decode_body(&r, baseline, out);
    if (err != SNAP_OK)
        out->count = 0;
    return err;
}
