/* snap_memo.c — the memo of changed entities' bodies (snapshot.h SnapMemo): found by the
 * exact pair of values and tick distance, filled by writing a body once into a small buffer. */
#include <string.h>

#include "snap_internal.h"

enum { SCRATCH_BYTES = SNAP_MEMO_WORDS * 8 + 8 }; /* room to tell "too long" from "fits" */

void snap_memo_init(SnapMemo *m)
{
    memset(m, 0, sizeof *m);
}

static bool holds(const SnapMemoEntry *x, const SnapEntity *b, const SnapEntity *e, uint32_t dt)
{
    /* The value now first: it is what differs from one tick to the next. */
    return x->nbits != 0 && snap_ent_equal(&x->ent, e) && x->dt == dt &&
           snap_ent_equal(&x->base, b);
}

const SnapMemoEntry *snap_memo_find(const SnapMemo *m, const SnapEntity *b, const SnapEntity *e,
                                    uint32_t dt)
{
    if (e->id >= PROTO_MAX_ENTITIES)
        return NULL;
    const SnapMemoSet *set = &m->by_id[e->id];
    for (unsigned i = 0; i < SNAP_MEMO_WAYS; i++)
        if (holds(&set->way[i], b, e, dt))
            return &set->way[i];
    return NULL;
}

/* The bits written to s (at most SNAP_MEMO_WORDS words' worth), as words in stream order. */
static void words_of(const SnapBits *s, const uint8_t *buf, uint64_t *words)
{
    memset(words, 0, SNAP_MEMO_WORDS * sizeof *words);
    size_t bytes = s->pos; /* whole 32-bit groups stored in buf, then s->n bits in acc */
    for (size_t i = 0; i < bytes; i++)
        words[i / 8] |= (uint64_t)buf[i] << (8 * (i % 8));
    size_t bit = bytes * 8; /* a multiple of 32, and s->n < 32: the rest fits one word */
    if (s->n > 0)
        words[bit / 64] |= (s->acc & (((uint64_t)1 << s->n) - 1u)) << (bit % 64);
}

void snap_memo_write(SnapMemo *m, SnapBits *w, const SnapEntity *b, const SnapEntity *e,
                     uint32_t dt, unsigned mask)
{
    uint8_t buf[SCRATCH_BYTES];
    SnapBits s;
    snap_bits_init(&s, buf, sizeof buf);
    snap_changed_body_write(&s, b, e, dt, mask);
    size_t nbits = snap_bits_count(&s);
    if (e->id >= PROTO_MAX_ENTITIES || nbits == 0 || nbits > SNAP_MEMO_WORDS * 64) {
        snap_changed_body_write(w, b, e, dt, mask); /* not one to remember */
        return;
    }
    SnapMemoSet *set = &m->by_id[e->id];
    SnapMemoEntry *x = &set->way[set->next];
    set->next = (set->next + 1) % SNAP_MEMO_WAYS;
    x->base = *b;
    x->ent = *e;
    x->dt = dt;
    x->mask = (uint16_t)mask;
    x->nbits = (uint16_t)nbits;
    words_of(&s, buf, x->bits);
    snap_bits_append(w, x->bits, x->nbits);
}
