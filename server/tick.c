/* tick.c — the authoritative tick and what it sends: inputs applied, sim_step, events, and
 * each client's snapshot.
 *
 * Owns the game tick: every bound player's input for the tick exactly once (the last one
 * repeated when it is missing), the world step, its announcements (match.c), the hunt's step, and
 * the snapshots, each client on its own tick phase. A client's snapshot is its view of this tick's
 * world, delta-encoded against the newest snapshot it acknowledged, within the datagram budget,
 * with the priority accumulator deciding who goes in; what it was sent is remembered in its
 * snap_store (shared/snap_store.h). Nothing here allocates (ENet's packet allocations go through
 * enet_alloc.c's pools). */
#include <string.h>

#include "demo_srv.h"
#include "hunt.h"
#include "priority.h"
#include "quant.h"
#include "server.h"
#include "snap_store.h"
#include "snap_world.h"

/* A snapshot never meets ENet's fragmentation (enet_guard.h); what ENet wraps around it on
 * the wire (ENET_GUARD_WIRE_OVERHEAD) then fits the host MTU with room to spare. */
_Static_assert(SRV_SNAP_BUDGET + ENET_GUARD_FRAGMENT_OVERHEAD <= PROTO_ENET_MTU,
               "a snapshot is never fragmented");

/* The client's acknowledged snapshot, if it is still remembered and delta is on. */
static const Snapshot *baseline_of(const Server *s, const SrvPlayer *p)
{
    if (!s->cfg.delta || p->acked_tick == 0)
        return NULL;
    return snap_store_find(&p->sent, p->acked_tick);
}

/* Reserves where the client's new view will live in its store: room for the target and the
 * baseline (entities left out keep their baseline value). A baseline the run would overwrite
 * is too old to keep: then the snapshot goes out full. */
static bool reserve_sent(Server *s, SrvPlayer *p, const Snapshot **baseline, Snapshot *sent)
{
    uint16_t need = (uint16_t)(s->scratch_target.count + (*baseline ? (*baseline)->count : 0u));
    if (snap_store_reserve(&p->sent, need, *baseline, sent))
        return true;
    *baseline = NULL;
    p->acked_tick = 0;
    return snap_store_reserve(&p->sent, s->scratch_target.count, NULL, sent);
}

static void count_sent(Server *s, size_t bytes, bool full, const SnapEncodeReport *rep)
{
    unsigned omitted = rep->omitted;
    s->stats.memo_hits += rep->memo_hits;
    s->stats.memo_misses += rep->memo_misses;
    s->stats.snapshots_sent++;
    s->stats.snapshot_bytes += bytes;
    s->stats.full_snapshots += full;
    s->stats.entities_omitted += omitted;
    uint32_t dgram = (uint32_t)bytes + ENET_GUARD_WIRE_OVERHEAD;
    if (dgram > s->stats.max_snapshot_wire_bytes)
        s->stats.max_snapshot_wire_bytes = dgram;
}

/* Every client sees this tick's whole world: it fits view_max (then no interest grid). */
static bool world_fits_view(const Server *s)
{
    return s->world_view.count <= s->cfg.view_max;
}

/* What the client sees this tick: the whole world when it fits view_max, else the nearest
 * view_max entities, picked every INTEREST_VIEW_TICKS and kept in between (interest.h). */
static bool view_of(Server *s, unsigned slot, uint32_t input_ack, Snapshot *target)
{
    const Snapshot *all = &s->world_view;
    if (world_fits_view(s))
        return snap_view_for(all, &s->world, (int)slot, input_ack, target);
    const SimPlayer *v = &s->world.players[slot];
    InterestView *iv = &s->players[slot].view;
    unsigned n = interest_view(s->interest, iv, all, q_pos(v->x), q_pos(v->y),
                               v->active ? (int)slot : -1, s->cfg.view_max, s->view_idx);
    bool picked = interest_view_picked(s->interest, iv);
    s->stats.views_picked += picked;
    s->stats.views_kept += !picked;
    return snap_view_pick(all, &s->world, (int)slot, input_ack, s->view_idx, n, target);
}

static void send_snapshot(Server *s, unsigned slot)
{
    SrvPlayer *p = &s->players[slot];
    Snapshot *target = &s->scratch_target;
    if (!view_of(s, slot, p->input_ack, target))
        return;
    /* How early its inputs came since its previous snapshot; counted afresh from here. */
    target->has_lead = p->lead_seen;
    target->input_lead = p->lead_seen ? p->lead_min : 0;
    target->inputs_late = p->late_ticks;
    p->lead_seen = false;
    p->lead_min = 0;
    p->late_ticks = 0;
    const Snapshot *baseline = baseline_of(s, p);
    Snapshot sent;
    if (!reserve_sent(s, p, &baseline, &sent))
        return;
    const SimPlayer *viewer = &s->world.players[slot];
    prio_accumulate(&p->prio, target, viewer->x, viewer->y, s->scratch_prio);

    uint8_t buf[PROTO_MAX_DATAGRAM];
    SnapEncodeReport rep;
    uint16_t omitted[PROTO_MAX_ENTITIES];
    SnapEncodeArgs args = {.target = target,
                           .baseline = baseline,
                           .priority = s->scratch_prio,
                           .budget = SRV_SNAP_BUDGET,
                           .out = buf,
                           .sent = &sent,
                           .omitted_ids = omitted,
                           .omitted_cap = PROTO_MAX_ENTITIES,
                           .memo = s->snap_memo};
    SnapError err = snap_encode(&args, &rep);
    if (err != SNAP_OK) {
        drop_note(&s->stats.drops, s->log, DROP_SNAPSHOT_ENCODE, s->now_ms,
                  "snapshot for slot %u not encoded: %s", slot, snap_error_str(err));
        return;
    }
    /* Sent entities start over; omitted ones keep climbing until they win a place. */
    prio_after_send(&p->prio, target, s->scratch_prio, omitted,
                    rep.omitted < PROTO_MAX_ENTITIES ? rep.omitted : PROTO_MAX_ENTITIES);
    /* The client's view as sent is what it has: a later delta's baseline. The store is phased
     * (net.c): this forgets the snapshot of the same tick modulo PROTO_SNAP_BASELINES, as the
     * client does (docs/protocol.md §2.4). */
    (void)snap_store_commit(&p->sent, &sent);
    net_note_seen(p, &sent);

    /* Its queued EVENTs first, in the same flush: one datagram with the snapshot. */
    net_send_events(s, p);
    net_send_unreliable(s, p->peer, PROTO_CH_SNAPSHOT, buf, rep.bytes);
    count_sent(s, rep.bytes, baseline == NULL, &rep);
    s->stats.full_snapshots_lost_baseline += baseline == NULL && p->acked_once;
}

/* Every player's input for tick t: the one sent for it, else the last one again. */
static void gather_inputs(Server *s, uint32_t t)
{
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        SrvPlayer *p = &s->players[i];
        if (p->state != SP_BOUND) {
            s->tick_inputs[i] = (SimInput){0, 0};
            s->tick_lags[i] = 0;
            continue;
        }
        unsigned r = t % SRV_INPUT_RING;
        if (p->input[r].tick == t) {
            p->last_input = p->input[r].input;
            p->last_lag = p->input[r].lag;
            p->input_ack = t;
        } else if (p->input_ack != 0) {
            s->stats.inputs_missing++; /* repeat the last input: the best guess */
            if (p->late_ticks < SNAP_LATE_MAX)
                p->late_ticks++;
        }
        s->tick_inputs[i] = p->last_input;
        s->tick_lags[i] = p->last_lag;
    }
}

/* Whether slot i's snapshot phase falls on tick t: clients are spread over the ticks of a
 * snapshot period so that no tick does them all. */
static bool snapshot_due(const Server *s, unsigned i, uint32_t t)
{
    unsigned hz = s->cfg.snapshot_hz, period = PROTO_TICK_HZ / hz;
    uint64_t tt = (uint64_t)t + (period > 1 ? i % period : 0);
    return (tt * hz) / PROTO_TICK_HZ != ((tt - 1) * hz) / PROTO_TICK_HZ;
}

/* Quantizes this tick's world once (each client's view is cut from it), before the first
 * snapshot of the tick. */
static bool capture_world(Server *s, bool *captured)
{
    if (*captured)
        return true;
    if (!snap_capture(&s->world, -1, 0, &s->world_view))
        return false;
    if (!world_fits_view(s))
        interest_index(s->interest, &s->world_view);
    *captured = true;
    return true;
}

/* A tick's snapshots so far and whether it has run past the snapshot deadline: the clock is
 * looked at before every clock_every-th one, never before the first, so every tick sends at
 * least clock_every (the owed list always moves). */
typedef struct SnapRound {
    uint32_t t;
    bool captured, late;
    unsigned sent;
} SnapRound;

static bool past_deadline(Server *s, SnapRound *r)
{
    if (!r->late && r->sent > 0 && r->sent % s->snap_clock_every == 0)
        r->late = s->clock_us() - s->tick_began_us > SRV_SNAP_DEADLINE_US;
    return r->late;
}

static bool send_one(Server *s, SnapRound *r, unsigned slot)
{
    if (!capture_world(s, &r->captured))
        return false;
    s->players[slot].snap_tick = r->t;
    send_snapshot(s, slot);
    r->sent++;
    return true;
}

/* The snapshots that waited (send_snapshots), oldest first, until the deadline; the rest
 * stay at the front of the list, in order. */
static bool send_owed(Server *s, SnapRound *r)
{
    unsigned n = s->snap_owed_n, k = 0;
    for (; k < n && !past_deadline(s, r); k++) {
        SrvPlayer *p = &s->players[s->snap_owed[k]];
        p->snap_owed = false;
        if (p->state == SP_BOUND && !send_one(s, r, s->snap_owed[k])) /* else: left meanwhile */
            return false;
    }
    memmove(s->snap_owed, s->snap_owed + k, (n - k) * sizeof *s->snap_owed);
    s->snap_owed_n = n - k;
    return true;
}

/* Asks the cache for bytes at p (a hint: no effect on what the code does). */
static void prefetch_lines(const void *p, size_t bytes)
{
    const char *c = p;
    for (size_t k = 0; k < bytes; k += 64)
        __builtin_prefetch(c + k);
}

/* The next client's cold per-client data (its baseline's entities, its view's ids, its
 * accumulators), asked for while the current one is encoded: each client's store is touched
 * once per snapshot and is out of cache by then. Measured with scripts/bench_pair.py at 500
 * bots: with it, a snapshot costs 0.978 of the CPU it cost without (six runs, 0.949-0.999). */
static void prefetch_client(const Server *s, const SrvPlayer *p)
{
    prefetch_lines(p->view.ids, (size_t)p->view.n * sizeof *p->view.ids);
    prefetch_lines(p->prio.id, p->prio.count * sizeof *p->prio.id);
    prefetch_lines(p->prio.acc, p->prio.count * sizeof *p->prio.acc);
    const Snapshot *b = baseline_of(s, p);
    if (b)
        prefetch_lines(b->ents, (size_t)b->count * sizeof *b->ents);
}

/* Slot i's snapshot, or (past the deadline) its place in the owed list. */
static bool send_due(Server *s, SnapRound *r, unsigned i)
{
    SrvPlayer *p = &s->players[i];
    if (!past_deadline(s, r))
        return send_one(s, r, i);
    if (s->snap_owed_n < s->cfg.max_players) { /* always: one entry per slot */
        p->snap_owed = true;
        s->snap_owed[s->snap_owed_n++] = (uint16_t)i;
        s->stats.snapshots_deferred++;
    }
    return true;
}

/* Snapshots for the clients whose phase falls on tick t, after those owed from earlier ticks.
 * Once the tick has run SRV_SNAP_DEADLINE_US the rest wait, owed, for the next tick, so that it
 * starts on time; a client already owed is not owed twice. Each due client is sent one step
 * behind the loop, which meanwhile prefetches the next one (same order, same decisions). */
static void send_snapshots(Server *s, uint32_t t)
{
    SnapRound r = {.t = t};
    if (!send_owed(s, &r))
        return;
    const unsigned none = ~0u; /* no client pending */
    unsigned pending = none;
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        SrvPlayer *p = &s->players[i];
        if (p->state != SP_BOUND || p->snap_owed || p->snap_tick == t || !snapshot_due(s, i, t))
            continue;
        prefetch_client(s, p);
        if (pending != none && !send_due(s, &r, pending))
            return;
        pending = i;
    }
    if (pending != none)
        (void)send_due(s, &r, pending);
}

void tick_run(Server *s)
{
    uint32_t t = s->world.tick + 1;
    gather_inputs(s, t);
    if (s->lagcomp_samples != NULL) {
        SimLagComp lc = {.history = &s->lagcomp, .view_lag = s->tick_lags};
        sim_step_lagcomp(&s->world, s->tick_inputs, &lc);
    } else {
        sim_step(&s->world, s->tick_inputs); /* lagcomp_max_ms = 0: no history, no rewind */
    }
    match_announce(s);
    for (unsigned i = 0; i < s->cfg.max_players; i++)
        if (s->players[i].state == SP_BOUND)
            hunt_step(s, i);
    srv_demo_tick(s);
    if (s->fast_forward)
        return; /* catching up after a stall: only the newest tick is worth a snapshot */
    send_snapshots(s, t);
}
