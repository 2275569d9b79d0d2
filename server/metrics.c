/* metrics.c — see metrics.h. Names follow Prometheus' conventions: the arena_ prefix, base
 * units (seconds, bytes), _total on counters, one family per quantity with labels for its
 * kinds (direction, clock, reason, kind). */
#include "metrics.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

typedef struct PromOut {
    char *buf;
    size_t cap, len;
    bool overflow;
} PromOut;

static void put(PromOut *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(PromOut *o, const char *fmt, ...)
{
    if (o->overflow)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= o->cap - o->len)
        o->overflow = true;
    else
        o->len += (size_t)n;
}

static void family(PromOut *o, const char *name, const char *type, const char *help)
{
    put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A family of one unlabelled sample. */
static void one(PromOut *o, const char *name, const char *type, const char *help, uint64_t v)
{
    family(o, name, type, help);
    put(o, "%s %llu\n", name, (unsigned long long)v);
}

/* One sample of a labelled family: name{label="value"} v. */
static void labelled(PromOut *o, const char *name, const char *label, const char *value, uint64_t v)
{
    put(o, "%s{%s=\"%s\"} %llu\n", name, label, value, (unsigned long long)v);
}

static void counter(PromOut *o, const char *name, const char *help, uint64_t v)
{
    one(o, name, "counter", help, v);
}

static void gauge(PromOut *o, const char *name, const char *help, uint64_t v)
{
    one(o, name, "gauge", help, v);
}

/* A label value as the text format wants it: \\, \" and \n escaped. */
static void put_label_value(PromOut *o, const char *v)
{
    for (; *v != '\0'; v++) {
        if (*v == '\\' || *v == '"')
            put(o, "\\%c", *v);
        else if (*v == '\n')
            put(o, "\\n");
        else
            put(o, "%c", *v);
    }
}

/* The 1 us buckets of a StatsHist as a histogram in seconds, at bounds that all lie below the
 * last bucket (which holds everything longer), so every cumulative count is exact. */
static void histogram(PromOut *o, const char *name, const char *help, const StatsHist *h)
{
    static const uint32_t bounds_us[] = {250, 500, 1000, 2000, 4000, 8000, 12000, 16000};
    _Static_assert(16000 < STATS_HIST_US - 1, "bounds below the open-ended last bucket");
    family(o, name, "histogram", help);
    uint64_t seen = 0;
    uint32_t i = 0;
    for (size_t b = 0; b < sizeof bounds_us / sizeof bounds_us[0]; b++) {
        for (; i <= bounds_us[b]; i++)
            seen += h->bucket[i];
        put(o, "%s_bucket{le=\"%g\"} %llu\n", name, bounds_us[b] / 1e6, (unsigned long long)seen);
    }
    put(o, "%s_bucket{le=\"+Inf\"} %llu\n", name, (unsigned long long)h->count);
    put(o, "%s_sum %.6f\n", name, (double)h->sum_us / 1e6);
    put(o, "%s_count %llu\n", name, (unsigned long long)h->count);
}

static void render_process(PromOut *o, const MetricsGauges *g)
{
    family(o, "arena_build_info", "gauge", "Version and protocol of this server (value 1).");
    put(o, "arena_build_info{version=\"");
    put_label_value(o, g->version);
    put(o, "\",protocol=\"%u\"} 1\n", g->protocol);
    family(o, "process_start_time_seconds", "gauge", "Start time of the process, Unix seconds.");
    put(o, "process_start_time_seconds %.3f\n", g->start_time_seconds);
    family(o, "process_cpu_seconds_total", "counter", "User and system CPU time spent.");
    put(o, "process_cpu_seconds_total %.3f\n", g->cpu_seconds);
    gauge(o, "process_resident_memory_bytes", "Resident memory size.", g->rss_bytes);
}

static void render_players(PromOut *o, const SrvStats *st, const MetricsGauges *g)
{
    gauge(o, "arena_players", "Players in the arena (bound to a game connection).", g->players);
    gauge(o, "arena_players_lobby", "Players logged in over TCP only (chat, not in the arena).",
          g->players_lobby);
    gauge(o, "arena_players_max", "The max_players setting.", g->players_max);
    gauge(o, "arena_players_peak", "Most players in the arena at once since start.",
          st->players_peak);
    gauge(o, "arena_tcp_connections", "Open TCP connections of the login port.",
          g->tcp_connections);
    gauge(o, "arena_enet_peers", "ENet peers connected or connecting.", g->enet_peers);
}

static void render_ticks(PromOut *o, const SrvStats *st, const MetricsGauges *g)
{
    counter(o, "arena_ticks_total", "Game ticks simulated (60 a second).", st->ticks);
    histogram(o, "arena_tick_duration_seconds", "Wall-clock time of each tick.", &st->tick_us);
    histogram(o, "arena_tick_cpu_seconds", "CPU time of the loop's thread in each tick.",
              &st->tick_cpu_us);
    family(o, "arena_tick_overruns_total", "counter",
           "Ticks longer than the 16.7 ms tick period, by clock (wall: as experienced; cpu: "
           "the server's own CPU time, so wall minus cpu is time it was not running).");
    labelled(o, "arena_tick_overruns_total", "clock", "wall", st->overruns);
    labelled(o, "arena_tick_overruns_total", "clock", "cpu", st->overruns_cpu);
    counter(o, "arena_loop_stalls_total",
            "Times the loop found more than a burst of ticks due (it was stopped).", st->stalls);
    counter(o, "arena_ticks_fast_forwarded_total",
            "Ticks simulated without snapshots to catch up after a stall.",
            st->ticks_fast_forwarded);
    counter(o, "arena_ticks_skipped_total", "Ticks not simulated: a stall past the catch-up cap.",
            st->ticks_skipped);
    counter(o, "arena_loop_wakeups_total", "Returns of the loop from its wait.", st->wakeups);
    counter(o, "arena_tick_heap_allocations_total",
            "Heap allocations inside ticks after warm-up (steady play makes none).",
            g->tick_heap_allocs);
}

static void render_snapshots(PromOut *o, const SrvStats *st)
{
    counter(o, "arena_snapshots_sent_total", "Snapshots handed to ENet.", st->snapshots_sent);
    counter(o, "arena_snapshot_bytes_total", "Payload bytes of the snapshots sent.",
            st->snapshot_bytes);
    counter(o, "arena_snapshots_full_total", "Snapshots sent without a delta baseline.",
            st->full_snapshots);
    counter(o, "arena_snapshots_deferred_total",
            "Snapshots due on a tick that had run past its deadline, sent on a later one.",
            st->snapshots_deferred);
    counter(o, "arena_snapshots_full_lost_baseline_total",
            "Full snapshots to a client that had acknowledged one (its baselines were lost).",
            st->full_snapshots_lost_baseline);
    family(o, "arena_snapshots_dropped_total", "counter",
           "Snapshots not delivered by the server, by reason (enet_unsent: destroyed by ENet "
           "unsent, its throttle or a departing peer; not_encoded; oversize).");
    labelled(o, "arena_snapshots_dropped_total", "reason", "enet_unsent", st->enet_guard.unsent);
    labelled(o, "arena_snapshots_dropped_total", "reason", "not_encoded",
             st->drops.count[DROP_SNAPSHOT_ENCODE]);
    labelled(o, "arena_snapshots_dropped_total", "reason", "oversize",
             st->drops.count[DROP_UNRELIABLE_OVERSIZE]);
    counter(o, "arena_enet_throttle_releases_total",
            "Sends that found ENet's packet throttle engaged and released it.",
            st->enet_guard.throttle_releases);
    gauge(o, "arena_snapshot_max_wire_bytes",
          "Largest snapshot sent, payload plus ENet framing (the budget is 1200).",
          st->max_snapshot_wire_bytes);
    counter(o, "arena_entities_omitted_total", "Entities left out of snapshots for the budget.",
            st->entities_omitted);
    counter(o, "arena_views_picked_total",
            "Clients' areas of interest picked afresh (the nearest view_max entities).",
            st->views_picked);
    counter(o, "arena_views_kept_total",
            "Clients' areas of interest kept from an earlier pick, who left and who came applied.",
            st->views_kept);
    counter(o, "arena_snapshot_memo_hits_total",
            "Changed entities whose encoded body another client's snapshot had already worked out.",
            st->memo_hits);
    counter(o, "arena_snapshot_memo_misses_total",
            "Changed entities whose encoded body was worked out (and remembered).",
            st->memo_misses);
    counter(o, "arena_events_sent_total", "EVENTs queued for clients, one per recipient.",
            st->events_sent);
    counter(o, "arena_events_messages_total", "Reliable EVENTS messages that carried them.",
            st->events_messages);
    counter(o, "arena_events_unseen_total",
            "HIT/KILL events not sent to a client that saw neither player.", st->events_unseen);
    counter(o, "arena_events_onlooker_total",
            "Of the EVENTs sent, HIT/KILL sent unreliably to a client that saw them.",
            st->events_onlooker);
    counter(o, "arena_events_onlooker_messages_total",
            "Unreliable EVENTS messages that carried the onlookers' events.",
            st->events_onlooker_messages);
}

static void render_inputs(PromOut *o, const SrvStats *st)
{
    family(o, "arena_inputs_dropped_total", "counter",
           "INPUTs dropped, by reason (late: for a tick already simulated; early: too far "
           "ahead).");
    labelled(o, "arena_inputs_dropped_total", "reason", "late", st->inputs_late);
    labelled(o, "arena_inputs_dropped_total", "reason", "early", st->inputs_early);
    counter(o, "arena_inputs_direct_total",
            "INPUT messages taken straight from their datagram, without ENet's per-message work.",
            st->inputs_direct);
    counter(o, "arena_inputs_missing_total",
            "Player-ticks simulated without that tick's input (the last one repeated).",
            st->inputs_missing);
    counter(o, "arena_lagcomp_clamped_total", "INPUTs whose view lag was cut to lagcomp_max_ms.",
            st->lagcomp_clamped);
    counter(o, "arena_bind_failures_total", "Game connections that failed to bind to a login.",
            st->bind_failures);
}

static void render_traffic(PromOut *o, const SrvStats *st)
{
    family(o, "arena_udp_bytes_total", "counter", "UDP bytes of the game socket, by direction.");
    labelled(o, "arena_udp_bytes_total", "direction", "in", st->bytes_in);
    labelled(o, "arena_udp_bytes_total", "direction", "out", st->bytes_out);
    family(o, "arena_udp_packets_total", "counter",
           "UDP datagrams of the game socket, by direction.");
    labelled(o, "arena_udp_packets_total", "direction", "in", st->packets_in);
    labelled(o, "arena_udp_packets_total", "direction", "out", st->packets_out);
    counter(o, "arena_udp_kernel_drops_total",
            "Datagrams the kernel dropped at the game socket (its receive buffer was full).",
            st->udp_kernel_drops);
    gauge(o, "arena_udp_receive_buffer_bytes", "Receive buffer the kernel granted the game socket.",
          st->udp_rcvbuf_bytes);
    counter(o, "arena_udp_flood_polls_total",
            "Times a flood switched the game socket from slot reads to polling.",
            st->udp_flood_polls);
    family(o, "arena_udp_polled_seconds_total", "counter",
           "Time the game socket stayed polled because of floods.");
    put(o, "arena_udp_polled_seconds_total %.3f\n", (double)st->udp_polled_ms / 1000.0);
}

static void render_tcp(PromOut *o, const SrvStats *st)
{
    counter(o, "arena_tcp_accepted_total", "TCP connections accepted.", st->tcp_accepted);
    counter(o, "arena_tcp_rejected_total", "TCP connections refused at accept.", st->tcp_rejected);
    counter(o, "arena_tcp_bad_lines_total", "TCP lines too long, not UTF-8 or with NUL bytes.",
            st->tcp_bad_lines);
    counter(o, "arena_tcp_slow_dropped_total", "TCP connections dropped for not reading output.",
            st->tcp_slow_dropped);
    counter(o, "arena_tcp_flood_dropped_total", "TCP connections dropped for flooding lines.",
            st->tcp_flood_dropped);
    counter(o, "arena_chat_lines_total", "Chat lines relayed.", st->chat_lines);
    counter(o, "arena_chat_room_busy_total",
            "Chat lines to everyone refused: the room's chat_room_rate was spent.",
            st->chat_room_busy);
    counter(o, "arena_discovery_queries_total", "LAN discovery queries received.",
            st->disc_queries);
    counter(o, "arena_discovery_answers_total", "LAN discovery queries answered.",
            st->disc_answered);
    counter(o, "arena_discovery_dropped_total", "LAN discovery queries not answered.",
            st->disc_dropped);
}

static void render_drops(PromOut *o, const SrvStats *st, const MetricsGauges *g)
{
    family(o, "arena_drops_total", "counter",
           "Counted drops and refusals of hostile or broken input, by kind (docs/security.md).");
    for (unsigned k = 0; k < DROP_COUNT; k++)
        labelled(o, "arena_drops_total", "kind", drop_key((SrvDrop)k), st->drops.count[k]);
    counter(o, "arena_metrics_scrapes_total", "Answers of /metrics.", g->http_scrapes);
}

static void render_store(PromOut *o, const MetricsGauges *g)
{
    family(o, "arena_store_up", "gauge",
           "1 while the storage back-end (hall of fame, bans) answers, 0 while it is lost.");
    put(o, "arena_store_up{backend=\"");
    put_label_value(o, g->store_backend != NULL ? g->store_backend : "none");
    put(o, "\"} %d\n", g->store_up ? 1 : 0);
    gauge(o, "arena_store_queue_length", "Changes waiting for the storage back-end.",
          g->store_queued);
    counter(o, "arena_store_lost_total", "Times the storage back-end was lost.", g->store_lost);
    family(o, "arena_store_requests_total", "counter",
           "Changes the storage back-end ran, by result (failed: refused for good).");
    labelled(o, "arena_store_requests_total", "result", "ok", g->store_done - g->store_failed);
    labelled(o, "arena_store_requests_total", "result", "failed", g->store_failed);
    gauge(o, "arena_bans_active", "Bans in force (stored or on their way).", g->bans_active);
    gauge(o, "arena_bans_unstored", "Ban changes in force but not yet confirmed by the store.",
          g->bans_unstored);
    gauge(o, "arena_hall_of_fame_entries", "Rows of the hall of fame, as the store last said.",
          g->fame_entries);
}

size_t metrics_render(const SrvStats *st, const MetricsGauges *g, char *out, size_t cap)
{
    PromOut o = {out, cap, 0, cap == 0};
    render_process(&o, g);
    render_players(&o, st, g);
    render_ticks(&o, st, g);
    render_snapshots(&o, st);
    render_inputs(&o, st);
    render_traffic(&o, st);
    render_tcp(&o, st);
    render_drops(&o, st, g);
    render_store(&o, g);
    return o.overflow ? 0 : o.len;
}
