/* snap_encode.c — the SNAPSHOT encoder (see snapshot.h and docs/protocol.md "SNAPSHOT").
 *
 * One walk over target and baseline in id order classifies every entity (removed, unchanged,
 * changed, added) and checks it against the model: the result is a plan, with each candidate's
 * exact cost. The walk writes section (a) as it goes, as if everything fits, and a changed
 * entity's cost is the bits its body took. If the whole plan fits the budget (most snapshots)
 * section (b) is written from the plan and that is the message. Otherwise candidates are
 * selected best first by cost and the plan is written again from the end of the header; the
 * walk is not repeated. `sent` is what the decoder will reconstruct. Nothing here allocates;
 * the plan (~12 KB) lives on the stack. */
#include <assert.h>
#include <math.h>
#include <string.h>

#include "snap_internal.h"

enum {
    NONE = 0xFFFF,
    /* Per target entity in the plan. */
    ST_CAND = 1 << 0,  /* changed or added: competes for the budget */
    ST_ADDED = 1 << 1, /* goes in section (b) (otherwise it is matched to a baseline entity) */
    ST_SEL = 1 << 2,   /* chosen */
    ID_LONG_BITS = 1 + SNAP_ID_BITS, /* "0" and the id; "1" is the short code */
};

typedef struct EncPlan {
    const Snapshot *t, *b;
    const float *priority;
    SnapMemo *memo;
    uint32_t dt;
    long fixed_bits; /* header, walk codes of unchanged and removed entities, g3(0) */
    long all_bits;   /* the whole message with every candidate selected */
    uint16_t ncand, nadded;
    SnapEncodeReport rep;                  /* removed, unchanged so far */
    uint8_t st[PROTO_MAX_ENTITIES];        /* ST_* per target index */
    uint16_t cost[PROTO_MAX_ENTITIES];     /* changed: "10"+body minus the 1 bit of "0";
                                              added: type and fields, without the id code */
    uint16_t mask[PROTO_MAX_ENTITIES];     /* changed: snap_delta_classify, per target index */
    uint16_t base_of[PROTO_MAX_ENTITIES];  /* target index -> matched baseline index, NONE */
    uint16_t match_of[PROTO_MAX_ENTITIES]; /* baseline index -> matched target index, NONE */
    uint16_t order[PROTO_MAX_ENTITIES];    /* candidates: by target index, or best first */
} EncPlan;

/* The classify walk's running totals, stored into the plan at the end: kept apart so that they
 * stay in registers (the compiler must assume a store into one of the plan's uint16_t arrays
 * may change a uint16_t count in the plan). */
typedef struct Tally {
    long fixed_bits, all_bits;
    uint16_t ncand, nadded, removed, unchanged, memo_hits, memo_misses;
} Tally;

/* ---- classify ----------------------------------------------------------------------------- */

/* Target entity ti (valid) meets baseline entity bi (same id): unchanged ("0"), changed ("10"
 * and its body, written to w), or (*readd) a new entity under an old id, removed here ("11")
 * and added by the caller. */
static SnapError classify_matched(EncPlan *p, Tally *k, SnapBits *w, uint16_t ti, uint16_t bi,
                                  bool *readd)
{
    const SnapEntity *te = &p->t->ents[ti], *be = &p->b->ents[bi];
    if (bi > 0 && be->id <= be[-1].id)
        return SNAP_ERR_INVALID;
    unsigned mask = 0;
    /* A pair the memo holds was classified as changed, with this mask, for another client
     * (an unchanged entity never is: it is not looked for). */
    const SnapMemoEntry *memo =
        p->memo && !snap_ent_equal(be, te) ? snap_memo_find(p->memo, be, te, p->dt) : NULL;
    SnapDelta d = memo ? SNAP_DELTA_CHANGED : snap_delta_classify(be, te, p->dt, &mask);
    if (memo)
        mask = memo->mask;
    *readd = d == SNAP_DELTA_READD;
    if (d == SNAP_DELTA_SAME) {
        snap_bits_put(w, 0, 1);
        k->fixed_bits += 1;
        p->base_of[ti] = bi;
        p->match_of[bi] = ti;
        k->unchanged++;
        return SNAP_OK;
    }
    if (d == SNAP_DELTA_INVALID)
        return SNAP_ERR_INVALID;
    if (*readd) {
        snap_bits_put(w, 3, 2);
        k->fixed_bits += 2;
        p->match_of[bi] = NONE;
        k->removed++;
        return SNAP_OK;
    }
    size_t before = snap_bits_count(w);
    snap_bits_put(w, 1, 2);
    if (memo)
        snap_bits_append(w, memo->bits, memo->nbits);
    else if (p->memo)
        snap_memo_write(p->memo, w, be, te, p->dt, mask);
    else
        snap_changed_body_write(w, be, te, p->dt, mask);
    k->memo_hits += memo != NULL;
    k->memo_misses += memo == NULL && p->memo != NULL;
    k->fixed_bits += 1; /* the first bit of "10", as "0" if left out */
    p->base_of[ti] = bi;
    p->match_of[bi] = ti;
    p->st[ti] = ST_CAND;
    p->mask[ti] = (uint16_t)mask;
    p->cost[ti] = (uint16_t)(snap_bits_count(w) - before - 1);
    k->all_bits += p->cost[ti];
    p->order[k->ncand++] = ti;
    return SNAP_OK;
}

static void classify_added(EncPlan *p, Tally *k, uint16_t ti, int *prev_added)
{
    const SnapEntity *te = &p->t->ents[ti];
    p->st[ti] = ST_CAND | ST_ADDED;
    p->base_of[ti] = NONE;
    p->cost[ti] = (uint16_t)snap_added_body_bits(te);
    k->all_bits += p->cost[ti] + (te->id == *prev_added + 1 ? 1 : ID_LONG_BITS);
    *prev_added = te->id;
    k->nadded++;
    p->order[k->ncand++] = ti;
}

/* Walks target and baseline together in id order, once, writing section (a) to w. */
static SnapError classify(EncPlan *p, SnapBits *w)
{
    const SnapEntity *tents = p->t->ents, *bents = p->b ? p->b->ents : NULL;
    const uint16_t tc = p->t->count, bc = p->b ? p->b->count : 0;
    uint16_t ti = 0, bi = 0;
    int prev_added = -1;
    Tally k = {.fixed_bits = p->fixed_bits};
    while (ti < tc || bi < bc) {
        if (bi < bc && (ti >= tc || bents[bi].id < tents[ti].id)) { /* gone: "11" */
            if (!snap_ent_ok_at(p->b, bi))
                return SNAP_ERR_INVALID;
            snap_bits_put(w, 3, 2);
            p->match_of[bi++] = NONE;
            k.fixed_bits += 2;
            k.removed++;
            continue;
        }
        if (!snap_ent_ok_at(p->t, ti))
            return SNAP_ERR_INVALID;
        p->st[ti] = 0;
        if (bi < bc && bents[bi].id == tents[ti].id) {
            bool readd;
            if (classify_matched(p, &k, w, ti, bi++, &readd) != SNAP_OK)
                return SNAP_ERR_INVALID;
            if (!readd) {
                ti++;
                continue;
            }
        }
        classify_added(p, &k, ti++, &prev_added);
    }
    p->fixed_bits = k.fixed_bits;
    p->all_bits = k.all_bits + k.fixed_bits + (long)snap_g3_bits(k.nadded) - (long)snap_g3_bits(0);
    p->ncand = k.ncand;
    p->nadded = k.nadded;
    p->rep.removed = k.removed;
    p->rep.unchanged = k.unchanged;
    p->rep.memo_hits = k.memo_hits;
    p->rep.memo_misses = k.memo_misses;
    return SNAP_OK;
}

/* ---- select -------------------------------------------------------------------------------- */

static float prio_of(const EncPlan *p, uint16_t ti)
{
    if (!p->priority)
        return 0.0f;
    float v = p->priority[ti];
    return v != v ? -INFINITY : v; /* NaN ranks last, and never breaks the ordering */
}

/* True if target index a goes before b: higher priority, then lower id (lower index). */
static bool goes_before(const EncPlan *p, uint16_t a, uint16_t b)
{
    float pa = prio_of(p, a), pb = prio_of(p, b);
    if (pa != pb)
        return pa > pb;
    return a < b;
}

static void sift_down(const EncPlan *p, uint16_t *h, size_t root, size_t n)
{
    for (;;) {
        size_t c = 2 * root + 1;
        if (c >= n)
            return;
        if (c + 1 < n && goes_before(p, h[c], h[c + 1]))
            c++; /* the child that goes later */
        if (!goes_before(p, h[root], h[c]))
            return;
        uint16_t tmp = h[root];
        h[root] = h[c];
        h[c] = tmp;
        root = c;
    }
}

/* Heapsort: no allocation, O(n log n) worst case. */
static void sort_order(const EncPlan *p, uint16_t *h, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(p, h, i, n);
    for (size_t end = n; end-- > 1;) {
        uint16_t tmp = h[0];
        h[0] = h[end];
        h[end] = tmp;
        sift_down(p, h, 0, end);
    }
}

static bool added_selected(const EncPlan *p, uint16_t ti)
{
    return (p->st[ti] & (ST_ADDED | ST_SEL)) == (ST_ADDED | ST_SEL);
}

/* Exact change in message bits if added target entity ti is selected now, given which added
 * entities are already selected: its id code depends on the previous selected added id, and
 * it may turn the next one's long id code into a 1-bit one. */
static long added_delta_bits(const EncPlan *p, uint16_t ti, uint16_t nsel)
{
    const SnapEntity *e = &p->t->ents[ti];
    bool prev_adj = e->id == 0 || (ti > 0 && p->t->ents[ti - 1].id == e->id - 1 &&
                                   added_selected(p, (uint16_t)(ti - 1)));
    bool next_adj = ti + 1 < p->t->count && p->t->ents[ti + 1].id == e->id + 1 &&
                    added_selected(p, (uint16_t)(ti + 1));
    long bits = (long)p->cost[ti] + (prev_adj ? 1 : ID_LONG_BITS);
    if (next_adj)
        bits -= SNAP_ID_BITS;
    bits += (long)snap_g3_bits(nsel + 1u) - (long)snap_g3_bits(nsel);
    return bits;
}

/* Over budget: candidates best first, each if it still fits (a smaller, less important one
 * may fit after a larger one did not). Returns the message bits; sets p->nadded. */
static long select_best_first(EncPlan *p, long budget_bits)
{
    long total = p->fixed_bits;
    uint16_t nadded = 0;
    if (p->priority)
        sort_order(p, p->order, p->ncand);
    for (uint16_t k = 0; k < p->ncand; k++) {
        uint16_t c = p->order[k];
        bool is_added = p->st[c] & ST_ADDED;
        long d = is_added ? added_delta_bits(p, c, nadded) : (long)p->cost[c];
        if (total + d > budget_bits)
            continue;
        total += d;
        p->st[c] |= ST_SEL;
        nadded = (uint16_t)(nadded + is_added);
    }
    p->nadded = nadded;
    return total;
}

/* ---- write --------------------------------------------------------------------------------- */

/* Added ids: "1" = previous added id + 1 (the first entity's "previous" is -1), else "0" and
 * the id. */
static void id_code_write(SnapBits *w, int prev, uint16_t id)
{
    if (id == prev + 1)
        snap_bits_put(w, 1, 1);
    else
        snap_bits_put(w, (uint32_t)id << 1, ID_LONG_BITS); /* "0", then the id */
}

/* (a) the baseline walk with the selected changes. */
static void write_walk(SnapBits *w, const EncPlan *p)
{
    for (uint16_t bi = 0; bi < p->b->count; bi++) {
        uint16_t m = p->match_of[bi];
        if (m == NONE) {
            snap_bits_put(w, 3, 2); /* "11": first bit 1, second bit 1 */
        } else if ((p->st[m] & ST_SEL) == 0) {
            snap_bits_put(w, 0, 1);
        } else {
            snap_bits_put(w, 1, 2); /* "10": first bit 1, second bit 0 */
            snap_changed_body_write(w, &p->b->ents[bi], &p->t->ents[m], p->dt, p->mask[m]);
        }
    }
}

/* (b) the added entities, selected ones only unless `all`, then the padding. */
static void write_added(SnapBits *w, const EncPlan *p, bool all)
{
    snap_g3_write(w, p->nadded);
    int prev = -1;
    for (uint16_t k = 0; k < p->ncand; k++) {
        uint16_t ti = p->order[k];
        if (all ? !(p->st[ti] & ST_ADDED) : !added_selected(p, ti))
            continue;
        const SnapEntity *e = &p->t->ents[ti];
        id_code_write(w, prev, e->id);
        snap_added_body_write(w, e);
        prev = e->id;
    }
}

/* ---- what was sent ------------------------------------------------------------------------- */

/* The header and self block of `sent`: always the target's (they are always written). */
static void sent_header(Snapshot *sent, const Snapshot *target)
{
    sent->tick = target->tick;
    sent->input_ack = target->input_ack;
    sent->has_lead = target->has_lead;
    sent->input_lead = target->input_lead;
    sent->inputs_late = target->inputs_late;
    sent->has_self = target->has_self;
    sent->self_id = target->has_self ? target->self_id : 0;
    if (target->has_self)
        sent->self = target->self;
    else
        memset(&sent->self, 0, sizeof sent->self);
}

/* Selected entities as the target has them, the others as the baseline had them (or absent). */
static void fill_sent(EncPlan *p, const SnapEncodeArgs *a)
{
    Snapshot *sent = a->sent;
    uint16_t n = 0;
    size_t nomit = 0;
    for (uint16_t ti = 0; ti < p->t->count; ti++) {
        bool sel = p->st[ti] & ST_SEL;
        if ((p->st[ti] & ST_CAND) && !sel) {
            p->rep.omitted++;
            if (a->omitted_ids && nomit < a->omitted_cap)
                a->omitted_ids[nomit++] = p->t->ents[ti].id;
        }
        if (sel) {
            p->rep.included++;
            sent->ents[n++] = p->t->ents[ti];
        } else if (p->base_of[ti] != NONE) {
            sent->ents[n++] = p->b->ents[p->base_of[ti]];
        }
    }
    sent->count = n;
}

/* ---- snap_encode --------------------------------------------------------------------------- */

/* Headers only; each entity is checked as the classify walk reaches it (one pass, not three:
 * this runs for every client at every snapshot). */
static SnapError check_args(const SnapEncodeArgs *a)
{
    const Snapshot *t = a->target, *b = a->baseline;
    if (!snap_header_valid(t) || t->input_ack > t->tick)
        return SNAP_ERR_INVALID;
    if (b && (!snap_header_valid(b) || b->tick >= t->tick))
        return SNAP_ERR_INVALID;
    if (a->sent->capacity < t->count)
        return SNAP_ERR_CAPACITY;
    return SNAP_OK;
}

/* Over budget: selects best first and writes the plan again into w, which is at the end of
 * the header. Puts p->order back in target index order (section (b) goes in id order). */
static long encode_selected(EncPlan *p, SnapBits *w, long budget_bits)
{
    long total = select_best_first(p, budget_bits);
    uint16_t n = 0;
    for (uint16_t ti = 0; ti < p->t->count; ti++)
        if (p->st[ti] & ST_CAND)
            p->order[n++] = ti;
    if (p->b)
        write_walk(w, p);
    write_added(w, p, false);
    return total;
}

static void plan_init(EncPlan *p, const SnapEncodeArgs *a, size_t header_bits)
{
    p->t = a->target;
    p->b = a->baseline;
    p->priority = a->priority;
    p->memo = a->memo;
    p->dt = a->baseline ? a->target->tick - a->baseline->tick : 0;
    p->fixed_bits = (long)header_bits + (long)snap_g3_bits(0);
    p->all_bits = 0;
    p->ncand = p->nadded = 0;
    memset(&p->rep, 0, sizeof p->rep);
}

SnapError snap_encode(const SnapEncodeArgs *a, SnapEncodeReport *report)
{
    assert(a && a->target && a->out && a->sent && report);
    assert(a->sent != a->target && a->sent != a->baseline);
    SnapError err = check_args(a);
    if (err != SNAP_OK)
        return err;
    size_t budget = a->budget;
    if (budget > ((size_t)1 << 24)) /* far above any message; bit counts fit a 32-bit long */
        budget = (size_t)1 << 24;
    const long budget_bits = (long)budget * 8;

    SnapBits w;
    snap_bits_init(&w, a->out, budget);
    snap_header_write(&w, a->target, a->baseline);
    if ((long)snap_bits_count(&w) > budget_bits)
        return SNAP_ERR_BUDGET;
    const SnapBits header = w; /* the bytes before header.pos stay as they are */

    EncPlan p;
    plan_init(&p, a, snap_bits_count(&w));
    if ((err = classify(&p, &w)) != SNAP_OK)
        return err;
    if (p.fixed_bits > budget_bits)
        return SNAP_ERR_BUDGET;

    /* Everything if it fits (the common case: section (a) is written), else best first. */
    bool all = p.all_bits <= budget_bits;
    long total = p.all_bits;
    if (all) {
        write_added(&w, &p, true);
    } else {
        w = header;
        total = encode_selected(&p, &w, budget_bits);
    }
    size_t bytes = snap_bits_end_aligned(&w);
    /* Postcondition: the measured plan is what was written, and it fits. */
    assert(bytes > 0 && (long)bytes * 8 == (total + 7) / 8 * 8);
    (void)total; /* without assertions */
    if (bytes == 0)
        return SNAP_ERR_BUDGET;

    sent_header(a->sent, a->target);
    if (all) { /* `sent` is then the target itself */
        memcpy(a->sent->ents, a->target->ents, (size_t)a->target->count * sizeof *a->sent->ents);
        a->sent->count = a->target->count;
        p.rep.included = p.ncand;
    } else {
        fill_sent(&p, a);
    }
    p.rep.bytes = bytes;
    *report = p.rep;
    return SNAP_OK;
}
