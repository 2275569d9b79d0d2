/* priority.c — see priority.h. */
#include "priority.h"

#include "quant.h"

void prio_init(PrioState *ps, uint16_t *id, float *acc, unsigned cap)
{
    ps->count = 0;
    ps->cap = cap;
    ps->id = id;
    ps->acc = acc;
}

void prio_clear(PrioState *ps)
{
    ps->count = 0;
}

float prio_weight(const SnapEntity *e, int32_t viewer_x, int32_t viewer_y)
{
    /* Entity positions are 1/8 unit, the viewer's Q8: compare in whole world units (a power
     * of two apart: the products are exact, as q_pos_units' quotient is). */
    const float per_q = 1.0f / (float)Q_POS_PER_UNIT, per_fp = 1.0f / (float)SIM_FP_ONE;
    float dx = (float)e->x * per_q - (float)viewer_x * per_fp;
    float dy = (float)e->y * per_q - (float)viewer_y * per_fp;
    float d2 = dx * dx + dy * dy;
    float w = 1.0f + 4.0f * 250000.0f / (250000.0f + d2);
    return e->type == SNAP_ENT_SHOT ? w * 1.5f : w;
}

void prio_accumulate(const PrioState *ps, const Snapshot *target, int32_t viewer_x,
                     int32_t viewer_y, float *out)
{
    unsigned k = 0; /* both lists are in increasing id order */
    for (unsigned i = 0; i < target->count; i++) {
        const SnapEntity *e = &target->ents[i];
        while (k < ps->count && ps->id[k] < e->id)
            k++; /* left the view: forgotten */
        float had = k < ps->count && ps->id[k] == e->id ? ps->acc[k] : 0.0f;
        out[i] = had + prio_weight(e, viewer_x, viewer_y);
    }
}

void prio_after_send(PrioState *ps, const Snapshot *target, const float *prio,
                     const uint16_t *omitted, unsigned n)
{
    unsigned i = 0, kept = 0;
    for (unsigned k = 0; k < n && kept < ps->cap; k++) {
        while (i < target->count && target->ents[i].id < omitted[k])
            i++;
        if (i == target->count)
            break; /* not in the target (never, from the encoder) */
        if (target->ents[i].id != omitted[k])
            continue;
        ps->id[kept] = omitted[k];
        ps->acc[kept] = prio[i];
        kept++;
    }
    ps->count = kept;
}
