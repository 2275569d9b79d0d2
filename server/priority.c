/* priority.c — see priority.h. */
#include "priority.h"

#include "quant.h"

float prio_weight(const SnapEntity *e, int32_t viewer_x, int32_t viewer_y)
{
    /* Entity positions are 1/8 unit, the viewer's Q8: compare in whole world units. */
    float dx = q_pos_units(e->x) - (float)viewer_x / (float)SIM_FP_ONE;
    float dy = q_pos_units(e->y) - (float)viewer_y / (float)SIM_FP_ONE;
    float d2 = dx * dx + dy * dy;
    float w = 1.0f + 4.0f * 250000.0f / (250000.0f + d2);
    return e->type == SNAP_ENT_SHOT ? w * 1.5f : w;
}

void prio_accumulate(float *acc, const Snapshot *target, int32_t viewer_x, int32_t viewer_y,
                     float *out)
{
    for (unsigned i = 0; i < target->count; i++) {
        const SnapEntity *e = &target->ents[i];
        acc[e->id] += prio_weight(e, viewer_x, viewer_y);
        out[i] = acc[e->id];
    }
}

void prio_after_send(float *acc, const Snapshot *target, const uint16_t *omitted, unsigned n)
{
    /* omitted[] is in id order (the encoder reports it walking the target), as is target. */
    unsigned k = 0;
    for (unsigned i = 0; i < target->count; i++) {
        uint16_t id = target->ents[i].id;
        if (k < n && omitted[k] == id) {
            k++;
            continue;
        }
        acc[id] = 0.0f;
    }
}
