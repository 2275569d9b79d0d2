/* cli_baselines.c — SNAPSHOT messages: decoded against a remembered baseline, stored as the
 * baselines of future deltas (one shared/snap_store.h store: slots plus one circular entity
 * pool, overlap eviction), then handed to the tick clock, interpolation and prediction. Part
 * of CliConn (cli_conn_int.h). A snapshot that fails to decode or lacks its baseline is
 * counted and dropped, never fatal: the server keeps sending until one is acknowledged. */
#include <stdio.h>
#include <stdlib.h>

#include "cli_conn_int.h"

bool cli_baselines_init(CliConn *c)
{
    c->pool = calloc(c->cfg.baseline_pool_entities, sizeof *c->pool);
    c->scratch_ents = calloc(PROTO_MAX_ENTITIES, sizeof *c->scratch_ents);
    if (c->pool == NULL || c->scratch_ents == NULL)
        return false;
    snap_store_init(&c->baselines, c->baseline_slots, CLI_CONN_BASELINES, c->pool,
                    c->cfg.baseline_pool_entities);
    snap_init(&c->scratch, c->scratch_ents, PROTO_MAX_ENTITIES);
    return true;
}

void cli_baselines_free(CliConn *c)
{
    free(c->pool);
    free(c->scratch_ents);
    c->pool = NULL;
    c->scratch_ents = NULL;
}

/* Tells the on_snapshot callback (if any) what became of one SNAPSHOT message. */
static void report_snapshot(const CliConn *c, CliSnapOutcome outcome, uint32_t tick, uint32_t base,
                            size_t len, uint64_t now_us, uint16_t entities, double correction)
{
    if (c->cfg.on_snapshot == NULL)
        return;
    CliSnapInfo info = {
        .outcome = (uint8_t)outcome,
        .tick = tick,
        .baseline_tick = base,
        .bytes = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len,
        .arrival_us = now_us,
        .entities = entities,
        .correction_units = correction,
    };
    c->cfg.on_snapshot(c->cfg.user, &info);
}

/* A snapshot that cannot be used: counted, logged (rate-limited) and reported. */
static void drop_bad(CliConn *c, uint32_t tick, uint32_t base, size_t len, uint64_t now_us,
                     const char *why)
{
    c->stats.decode_errors++;
    char what[96];
    snprintf(what, sizeof what, "SNAPSHOT tick %u (baseline %u) dropped: %s", (unsigned)tick,
             (unsigned)base, why);
    cli_conn_note_bad(c, now_us, what);
    report_snapshot(c, CLI_SNAP_BAD, tick, base, len, now_us, 0, 0.0);
}

/* Decodes one message into the store; the stored snapshot, or NULL when it was dropped. */
static const Snapshot *decode(CliConn *c, const uint8_t *data, size_t len, uint64_t now_us,
                              uint32_t *base_out)
{
    uint32_t tick = 0, base = 0;
    SnapError e = snap_peek(data, len, &tick, &base);
    *base_out = base;
    if (e != SNAP_OK) {
        drop_bad(c, 0, 0, len, now_us, snap_error_str(e));
        return NULL;
    }
    if (tick <= c->newest_tick) {
        c->stats.stale_snapshots++;
        report_snapshot(c, CLI_SNAP_STALE, tick, base, len, now_us, 0, 0.0);
        return NULL;
    }
    const Snapshot *baseline = NULL;
    if (base != 0 && (baseline = snap_store_find(&c->baselines, base)) == NULL) {
        drop_bad(c, tick, base, len, now_us, "baseline not kept");
        return NULL;
    }
    /* Decoded straight into the store's next run when the largest snapshot fits there without
     * evicting any stored one (a copy per snapshot was 8 % of a bot's CPU at 500 bots); else
     * into the scratch, then copied in over its real size, evicting only what that overlaps.
     * A snapshot that fails to decode so never costs a baseline. */
    Snapshot run;
    bool direct = snap_store_reserve_unused(&c->baselines, PROTO_MAX_ENTITIES, &run);
    e = snap_decode(data, len, baseline, direct ? &run : &c->scratch);
    if (e != SNAP_OK) {
        drop_bad(c, tick, base, len, now_us, snap_error_str(e));
        return NULL;
    }
    if (direct)
        return snap_store_commit(&c->baselines, &run);
    /* tick != 0 and count <= PROTO_MAX_ENTITIES <= the pool (cli_conn_create): it fits. */
    return snap_store_add(&c->baselines, &c->scratch);
}

void cli_baselines_on_snapshot(CliConn *c, const uint8_t *data, size_t len, uint64_t now_us)
{
    if (c->phase < JOIN_SNAPSHOT && c->state != CLI_PLAYING) {
        /* Before the map (the unreliable channel overtook it): unacknowledged, so the server
         * keeps sending full snapshots until we take one. */
        c->stats.stale_snapshots++;
        report_snapshot(c, CLI_SNAP_STALE, 0, 0, len, now_us, 0, 0.0);
        return;
    }
    uint32_t base = 0;
    const Snapshot *s = decode(c, data, len, now_us, &base);
    if (s == NULL)
        return;
    c->latest = s;
    cli_clock_loss_observe(&c->clock, c->newest_tick, s->tick);
    c->newest_tick = s->tick;
    if (s->input_ack > c->input_ack)
        c->input_ack = s->input_ack;
    c->last_snapshot_us = now_us;
    cli_stats_snapshot(&c->stats, len, base == 0, now_us);

    cli_clock_observe(&c->clock, s->tick, now_us, cli_tick_clock_rtt(c, now_us));
    cli_clock_feedback(&c->clock, s->has_lead, s->input_lead, s->inputs_late);
    double correction = 0.0;
    if (!c->cfg.light)
        (void)cli_interp_push(&c->interp, s, now_us);
    if (!c->cfg.light && s->has_self && s->self_id == c->player_id)
        correction = cli_predict_reconcile(&c->predict, s->tick, &s->self);

    if (c->state == CLI_JOINING) {
        c->state = CLI_PLAYING;
        c->was_playing = true;
        c->phase = JOIN_NONE;
        c->stats.play_start_us = now_us;
    }
    report_snapshot(c, CLI_SNAP_DECODED, s->tick, base, len, now_us, s->count, correction);
}
