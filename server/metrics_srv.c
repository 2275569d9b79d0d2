/* metrics_srv.c — the server's side of the metrics endpoint: opening it from the config, and
 * once a second rendering the stats and handing the text over (metrics.h, metrics_http.h).
 * Runs in the loop, between ticks; never waits for the HTTP thread. */
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "metrics.h"
#include "metrics_http.h"
#include "server.h"
#include "enet_alloc.h"

#ifndef ARENA_VERSION
#define ARENA_VERSION "0.0.0"
#endif

enum { METRICS_PUBLISH_MS = 1000 };

bool srv_metrics_open(Server *s)
{
    if (s->cfg.metrics_port == 0)
        return true;
    char err[200];
    s->metrics = metrics_http_start(s->cfg.metrics_bind, s->cfg.metrics_port, err, sizeof err);
    s->metrics_text = malloc(METRICS_TEXT_MAX);
    if (s->metrics == NULL || s->metrics_text == NULL) {
        log_info(s->log, "metrics", "%s", s->metrics == NULL ? err : "out of memory");
        return false;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    s->metrics_start_unix = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    log_info(s->log, "metrics", "Prometheus metrics at http://%s:%u/metrics", s->cfg.metrics_bind,
             s->cfg.metrics_port);
    return true;
}

void srv_metrics_close(Server *s)
{
    metrics_http_stop(s->metrics);
    s->metrics = NULL;
    free(s->metrics_text);
    s->metrics_text = NULL;
}

/* One of the endpoint's counters: what grew since the last look, into the drop table (and
 * its rate-limited log line). */
static void note_grown(Server *s, SrvDrop kind, uint64_t now, uint64_t was, const char *what)
{
    drop_note_n(&s->stats.drops, s->log, kind, now - was, s->now_ms, "%llu %s",
                (unsigned long long)(now - was), what);
}

/* The endpoint's refusals since the last look. */
static void note_http_drops(Server *s, const MetricsHttpCounts *now)
{
    MetricsHttpCounts *was = &s->metrics_seen;
    note_grown(s, DROP_METRICS_REFUSED, now->refused, was->refused,
               "HTTP connections over the endpoint's limits");
    note_grown(s, DROP_METRICS_BAD, now->bad, was->bad, "HTTP requests not for GET /metrics");
    note_grown(s, DROP_METRICS_UNANSWERED, now->unanswered, was->unanswered,
               "HTTP connections closed without a whole request");
    *was = *now;
}

static void gauges(Server *s, MetricsGauges *g)
{
    *g = (MetricsGauges){.players = s->players_now,
                         .players_max = s->cfg.max_players,
                         .tick_heap_allocs = enet_alloc_heap_in_tick(),
                         .start_time_seconds = s->metrics_start_unix,
                         .version = ARENA_VERSION,
                         .protocol = PROTO_VERSION,
                         .http_scrapes = s->metrics_seen.scrapes};
    for (unsigned i = 0; i < s->cfg.max_players; i++)
        g->players_lobby += s->players[i].state == SP_LOBBY;
    for (unsigned i = 0; i < s->cfg.tcp_max_conns; i++)
        g->tcp_connections += s->conns[i].used;
    for (size_t i = 0; i < s->host->peerCount; i++)
        g->enet_peers += s->host->peers[i].state != ENET_PEER_STATE_DISCONNECTED;
    StoreStatus ss;
    store_status(s->store, &ss, NULL);
    g->store_backend = store_is_postgres(s->store) ? "postgresql" : "sqlite";
    g->store_up = ss.connected;
    g->store_queued = ss.queued;
    g->store_lost = ss.lost;
    g->store_done = ss.done;
    g->store_failed = ss.failed;
    g->bans_active = bans_list(s->bans, (int64_t)time(NULL), NULL, 0);
    g->bans_unstored = bans_unstored(s->bans);
    int fame_total = 0;
    fame_list(s->fame, NULL, 0, &fame_total);
    g->fame_entries = (unsigned)fame_total;
    long rss = stats_rss_now_kb();
    g->rss_bytes = rss > 0 ? (uint64_t)rss * 1024u : 0;
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        g->cpu_seconds = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

void srv_metrics_publish(Server *s, bool now)
{
    if (s->metrics == NULL)
        return;
    /* Rendered, but the HTTP thread held the text: only the hand-over is tried again. */
    if (s->metrics_pending > 0) {
        if (metrics_http_publish(s->metrics, s->metrics_text, s->metrics_pending))
            s->metrics_pending = 0;
        return;
    }
    if (!now && s->now_ms - s->metrics_published_ms < METRICS_PUBLISH_MS)
        return;
    MetricsHttpCounts c;
    metrics_http_counts(s->metrics, &c);
    note_http_drops(s, &c);
    MetricsGauges g;
    gauges(s, &g);
    size_t len = metrics_render(&s->stats, &g, s->metrics_text, METRICS_TEXT_MAX);
    s->metrics_published_ms = s->now_ms; /* a failure below is said once a second at most */
    if (len == 0)
        log_info(s->log, "metrics", "the metrics do not fit in %d bytes", METRICS_TEXT_MAX);
    else if (!metrics_http_publish(s->metrics, s->metrics_text, len))
        s->metrics_pending = len; /* a scrape is copying the text: the next iteration */
}
