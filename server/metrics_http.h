/* metrics_http.h — the Prometheus endpoint: GET /metrics over HTTP, served by libmicrohttpd.
 *
 * Owns the HTTP side: its own thread (libmicrohttpd's internal polling thread), connection
 * limits, the text last published by the loop, and counters of what it answered and refused.
 * The game loop never waits for it: it renders the text (metrics.h) and publishes it with a
 * try-lock, so a slow or hostile scraper costs the tick nothing (docs/security.md). */
#ifndef ARENA_SRV_METRICS_HTTP_H
#define ARENA_SRV_METRICS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    METRICS_CONN_MAX = 16,   /* HTTP connections at once */
    METRICS_CONN_PER_IP = 4, /* ... from one address */
    /* Past the per-address limit, that address's connection that has waited longest for a
     * whole request makes room if it has waited this long (a slow or idle one: a scraper's
     * request is answered at once). Past the total, the address holding the most loses its
     * stalest at once (metrics_http.c on_accept). */
    METRICS_STALE_MS = 1000,
    METRICS_CONN_TABLE = METRICS_CONN_MAX + 8, /* with the evicted ones still closing */
    METRICS_TIMEOUT_S = 10,      /* an idle or unfinished connection is closed after this */
    METRICS_REQUEST_MEM = 16384, /* a request's line and headers must fit in this */
};

typedef struct MetricsHttp MetricsHttp;

/* What the endpoint did; read by the loop (each a counter that only grows). */
typedef struct MetricsHttpCounts {
    uint64_t scrapes;    /* /metrics answered 200 */
    uint64_t refused;    /* connections refused over METRICS_CONN_MAX / METRICS_CONN_PER_IP
                            with no stale connection to make room */
    uint64_t bad;        /* requests answered 404 / 405 / 503 */
    uint64_t unanswered; /* connections closed without one request answered (evicted, timed
                            out, garbage, too large: libmicrohttpd's own 4xx) */
} MetricsHttpCounts;

/* Listens on bind_ip:port (IPv4 text) in a thread of its own. NULL with a reason in err. */
MetricsHttp *metrics_http_start(const char *bind_ip, uint16_t port, char *err, size_t errlen);
/* The same handler and limits without a socket or thread: the caller adds connections and runs
 * the daemon (fuzz_metrics_http). */
MetricsHttp *metrics_http_start_external(char *err, size_t errlen);
struct MHD_Daemon *metrics_http_daemon(MetricsHttp *m);
/* Tests (without the thread): connections open now, evicted ones still closing included. */
unsigned metrics_http_open_conns(const MetricsHttp *m);
/* Tests: how long a connection must have waited to be evicted (METRICS_STALE_MS). */
void metrics_http_set_stale_ms(MetricsHttp *m, unsigned ms);
/* Copies text as what /metrics answers from now on. False (nothing copied) if the HTTP thread
 * holds the text right now: try again later; never blocks. */
bool metrics_http_publish(MetricsHttp *m, const char *text, size_t len);
void metrics_http_counts(MetricsHttp *m, MetricsHttpCounts *out);
void metrics_http_stop(MetricsHttp *m);

#endif
