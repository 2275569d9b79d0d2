/* metrics.h — the server's statistics as Prometheus text (exposition format 0.0.4).
 *
 * Owns the metric names, types, units and help texts: one table-like function renders a
 * SrvStats and the loop's gauges into a caller's buffer. No I/O and no allocation, so the loop
 * can render between ticks and hand the text to the HTTP thread (metrics_http.h).
 * docs/operations.md "Metrics" lists what each one means and what to alert on. */
#ifndef ARENA_SRV_METRICS_H
#define ARENA_SRV_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "stats.h"

enum { METRICS_TEXT_MAX = 32768 }; /* the rendered text of one scrape, at most */

/* What the stats do not hold: the loop's state now, and the HTTP side's own counters. */
typedef struct MetricsGauges {
    unsigned players;          /* bound: in the arena */
    unsigned players_lobby;    /* logged in over TCP only (chat) */
    unsigned players_max;      /* max_players */
    unsigned tcp_connections;  /* open TCP connections of the login port */
    unsigned enet_peers;       /* ENet peers connected or connecting */
    uint64_t tick_heap_allocs; /* heap allocations inside ticks after warm-up (ENet's) */
    uint64_t rss_bytes;        /* resident set size now */
    double cpu_seconds;        /* user + system CPU of the process */
    double start_time_seconds; /* when the process started, Unix time */
    const char *version;       /* arena_build_info's labels */
    unsigned protocol;
    /* The metrics endpoint's own traffic (metrics_http.h): also in drops as metrics_*. */
    uint64_t http_scrapes; /* /metrics answered 200 */
    /* The storage back-end (store.h). */
    const char *store_backend; /* "sqlite" or "postgresql" */
    bool store_up;
    unsigned store_queued;
    uint64_t store_lost, store_done, store_failed;
    unsigned bans_active, bans_unstored, fame_entries;
} MetricsGauges;

/* Renders every metric into out; returns the length (out is NUL-terminated), or 0 if it does
 * not fit in cap. */
size_t metrics_render(const SrvStats *st, const MetricsGauges *g, char *out, size_t cap);

#endif
