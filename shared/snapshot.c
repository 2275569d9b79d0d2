/* snapshot.c — the snapshot model: storage, validity, equality, lookup and error names.
 *
 * The codec lives beside it (snap_internal.h lists the files); entity rules come from the field
 * table in snap_fields.c. Pure; never allocates. */
#include "snapshot.h"

#include <string.h>

#include "snap_internal.h"

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
    dst->has_lead = src->has_lead;
    dst->input_lead = src->input_lead;
    dst->inputs_late = src->inputs_late;
    dst->has_self = src->has_self;
    dst->self_id = src->self_id;
    dst->self = src->self;
    dst->count = src->count;
    if (src->count > 0 && dst->ents != src->ents)
        memmove(dst->ents, src->ents, src->count * sizeof *src->ents);
    return true;
}

bool snap_valid(const Snapshot *s)
{
    if (!snap_header_valid(s))
        return false;
    for (uint16_t i = 0; i < s->count; i++)
        if (!snap_ent_ok_at(s, i))
            return false;
    return true;
}

static bool self_equal(const SnapSelf *a, const SnapSelf *b)
{
    return a->x == b->x && a->y == b->y && a->vx == b->vx && a->vy == b->vy && a->aim == b->aim &&
           a->score == b->score && a->flags == b->flags && a->cooldown == b->cooldown &&
           a->respawn == b->respawn && a->health == b->health && a->deaths == b->deaths;
}

bool snap_equal(const Snapshot *a, const Snapshot *b)
{
    if (a->tick != b->tick || a->input_ack != b->input_ack || a->has_self != b->has_self ||
        a->count != b->count || a->has_lead != b->has_lead || a->input_lead != b->input_lead ||
        a->inputs_late != b->inputs_late)
        return false;
    if (a->has_self && (a->self_id != b->self_id || !self_equal(&a->self, &b->self)))
        return false;
    for (uint16_t i = 0; i < a->count; i++)
        if (!snap_ent_equal(&a->ents[i], &b->ents[i]))
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
