/* metrics_http.c — see metrics_http.h. Everything here but metrics_http_publish and
 * metrics_http_counts runs in libmicrohttpd's thread; the two share the text under a mutex
 * the loop only ever try-locks, and the counters are atomics. */
#include "metrics_http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "metrics.h"
#include "mono_clock.h"
#include "stop_signals.h"

/* An open connection (libmicrohttpd's socket context points here). */
typedef struct MetricsConn {
    bool used;
    bool evicted;        /* shut down to make room: closing */
    bool answered;       /* one request or more answered */
    uint32_t ip;         /* network order */
    int fd;              /* libmicrohttpd's socket, shut down to evict it */
    uint64_t waiting_ms; /* since when it waits for a whole request: opened, or last answered */
} MetricsConn;

struct MetricsHttp {
    struct MHD_Daemon *daemon;
    pthread_mutex_t lock; /* text, len */
    char text[METRICS_TEXT_MAX];
    size_t len;
    _Atomic uint64_t scrapes, refused, bad, unanswered;
    unsigned stale_ms; /* METRICS_STALE_MS (tests may set another) */
    /* Touched only in libmicrohttpd's single thread: libmicrohttpd's own limit is the size of
     * this table, ours (METRICS_CONN_MAX) leaves room for the connections being evicted. */
    MetricsConn conns[METRICS_CONN_TABLE];
};

static uint32_t addr_ip(const struct sockaddr *addr)
{
    if (addr == NULL || addr->sa_family != AF_INET)
        return 0;
    struct sockaddr_in in;
    memcpy(&in, addr, sizeof in);
    return in.sin_addr.s_addr;
}

/* Connections open from ip (not counting those being evicted). */
static unsigned conns_from(const MetricsHttp *m, uint32_t ip)
{
    unsigned n = 0;
    for (unsigned i = 0; i < METRICS_CONN_TABLE; i++)
        n += m->conns[i].used && !m->conns[i].evicted && m->conns[i].ip == ip;
    return n;
}

/* The connection of ip that has waited longest for a whole request. */
static MetricsConn *stalest_of(MetricsHttp *m, uint32_t ip)
{
    MetricsConn *oldest = NULL;
    for (unsigned i = 0; i < METRICS_CONN_TABLE; i++) {
        MetricsConn *c = &m->conns[i];
        if (c->used && !c->evicted && c->ip == ip &&
            (oldest == NULL || c->waiting_ms < oldest->waiting_ms))
            oldest = c;
    }
    return oldest;
}

/* The endpoint is full: the victim is the stalest connection of the address that holds the
 * most (ties: the stalest of them), so whoever hoards connections loses them first. */
static MetricsConn *victim_when_full(MetricsHttp *m, unsigned *holds)
{
    MetricsConn *victim = NULL;
    *holds = 0;
    for (unsigned i = 0; i < METRICS_CONN_TABLE; i++) {
        const MetricsConn *c = &m->conns[i];
        if (!c->used || c->evicted)
            continue;
        unsigned n = conns_from(m, c->ip);
        MetricsConn *v = stalest_of(m, c->ip);
        if (n > *holds || (n == *holds && v->waiting_ms < victim->waiting_ms)) {
            *holds = n;
            victim = v;
        }
    }
    return victim;
}

/* libmicrohttpd closes a connection whose socket was shut down. */
static void evict(MetricsConn *c)
{
    c->evicted = true;
    shutdown(c->fd, SHUT_RDWR);
}

/* Before a connection is accepted: the limits. Past the per-address one, that address's own
 * stalest connection makes room if it has waited METRICS_STALE_MS for a whole request (a
 * scraper's request is answered at once: what waits is slow or idle). Past the total, the
 * stalest of the address holding the most makes room if that address would still hold more
 * than the newcomer's: at once if it holds two more, only if stale if it holds one more. So
 * addresses can only take from those holding more than they do, and nobody churns: a hoarder
 * cannot push others below its own share. Counted when they refuse. */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    (void)addrlen;
    MetricsHttp *m = cls;
    uint32_t ip = addr_ip(addr);
    uint64_t now = mono_now_ms();
    unsigned total = 0;
    for (unsigned i = 0; i < METRICS_CONN_TABLE; i++)
        total += m->conns[i].used && !m->conns[i].evicted;
    MetricsConn *victim = NULL;
    bool room = true;
    if (conns_from(m, ip) >= METRICS_CONN_PER_IP) {
        victim = stalest_of(m, ip);
        room = now - victim->waiting_ms >= m->stale_ms;
    } else if (total >= METRICS_CONN_MAX) {
        unsigned holds, mine = conns_from(m, ip);
        victim = victim_when_full(m, &holds);
        bool stale = victim != NULL && now - victim->waiting_ms >= m->stale_ms;
        room = victim != NULL && (holds > mine + 1 || (holds == mine + 1 && stale));
    }
    if (!room) {
        atomic_fetch_add_explicit(&m->refused, 1, memory_order_relaxed);
        return MHD_NO;
    }
    if (victim != NULL)
        evict(victim);
    return MHD_YES;
}

static void on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    MetricsHttp *m = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        MetricsConn *c = NULL;
        for (unsigned i = 0; i < METRICS_CONN_TABLE && c == NULL; i++)
            if (!m->conns[i].used)
                c = &m->conns[i];
        *socket_context = c;
        if (c == NULL) /* cannot happen: libmicrohttpd's limit is the table's size */
            return;
        const union MHD_ConnectionInfo *ai =
            MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        const union MHD_ConnectionInfo *fi =
            MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
        *c = (MetricsConn){.used = true,
                           .ip = addr_ip(ai != NULL ? ai->client_addr : NULL),
                           .fd = fi != NULL ? fi->connect_fd : -1,
                           .waiting_ms = mono_now_ms()};
        return;
    }
    MetricsConn *c = *socket_context;
    if (c == NULL || !c->answered)
        atomic_fetch_add_explicit(&m->unanswered, 1, memory_order_relaxed);
    if (c != NULL)
        *c = (MetricsConn){.used = false};
    *socket_context = NULL;
}

static enum MHD_Result answer(struct MHD_Connection *c, unsigned code, const char *text, size_t len,
                              const char *type)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)text, MHD_RESPMEM_MUST_COPY);
    if (r == NULL)
        return MHD_NO;
    enum MHD_Result ok = MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (ok == MHD_YES && code == MHD_HTTP_METHOD_NOT_ALLOWED)
        ok = MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    if (ok == MHD_YES)
        ok = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result answer_error(MetricsHttp *m, struct MHD_Connection *c, unsigned code,
                                    const char *text)
{
    atomic_fetch_add_explicit(&m->bad, 1, memory_order_relaxed);
    return answer(c, code, text, strlen(text), "text/plain; charset=utf-8");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    (void)upload_data;
    (void)upload_data_size;
    (void)con_cls;
    MetricsHttp *m = cls;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    if (ci != NULL && ci->socket_context != NULL) {
        MetricsConn *conn = ci->socket_context;
        conn->answered = true;
        conn->waiting_ms = mono_now_ms();
    }
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return answer_error(m, c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET /metrics\n");
    if (strcmp(url, "/metrics") != 0)
        return answer_error(m, c, MHD_HTTP_NOT_FOUND, "not found: the metrics are at /metrics\n");
    /* The copy under the lock (the loop only try-locks it), the queueing after. */
    pthread_mutex_lock(&m->lock);
    struct MHD_Response *r =
        m->len > 0 ? MHD_create_response_from_buffer(m->len, m->text, MHD_RESPMEM_MUST_COPY) : NULL;
    bool ready = m->len > 0;
    pthread_mutex_unlock(&m->lock);
    if (!ready)
        return answer_error(m, c, MHD_HTTP_SERVICE_UNAVAILABLE, "starting\n");
    if (r == NULL)
        return MHD_NO;
    enum MHD_Result ok = MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                                                 "text/plain; version=0.0.4; charset=utf-8");
    if (ok == MHD_YES)
        ok = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    if (ok == MHD_YES)
        atomic_fetch_add_explicit(&m->scrapes, 1, memory_order_relaxed);
    return ok;
}

static MetricsHttp *start(unsigned flags, const struct sockaddr_in *addr, const char *where,
                          char *err, size_t errlen)
{
    MetricsHttp *m = calloc(1, sizeof *m);
    if (m == NULL || pthread_mutex_init(&m->lock, NULL) != 0) {
        free(m);
        snprintf(err, errlen, "metrics: out of memory");
        return NULL;
    }
    m->stale_ms = METRICS_STALE_MS;
    /* libmicrohttpd's thread takes no signal: they stay the loop's (SIGINT, SIGHUP ...). */
    sigset_t old;
    stop_signals_block_all(&old);
    /* Without an address (no listening socket) the list ends one option early: the first
     * MHD_OPTION_END stops libmicrohttpd reading, the rest is never looked at. */
    m->daemon = MHD_start_daemon(
        flags, addr != NULL ? ntohs(addr->sin_port) : 0, on_accept, m, on_request, m,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_CONN_TABLE, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)METRICS_TIMEOUT_S, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)METRICS_REQUEST_MEM, MHD_OPTION_NOTIFY_CONNECTION, on_connection, m,
        addr != NULL ? MHD_OPTION_SOCK_ADDR : MHD_OPTION_END, addr, MHD_OPTION_END);
    stop_signals_restore(&old);
    if (m->daemon == NULL) {
        snprintf(err, errlen, "metrics: cannot serve HTTP on %s (address in use?)", where);
        pthread_mutex_destroy(&m->lock);
        free(m);
        return NULL;
    }
    return m;
}

MetricsHttp *metrics_http_start(const char *bind_ip, uint16_t port, char *err, size_t errlen)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, bind_ip, &addr.sin_addr) != 1) {
        snprintf(err, errlen, "metrics_bind: '%s' is not an IPv4 address", bind_ip);
        return NULL;
    }
    char where[80];
    snprintf(where, sizeof where, "%s:%u", bind_ip, (unsigned)port);
    return start(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, &addr, where, err, errlen);
}

MetricsHttp *metrics_http_start_external(char *err, size_t errlen)
{
    return start(MHD_USE_NO_LISTEN_SOCKET, NULL, "no socket", err, errlen);
}

struct MHD_Daemon *metrics_http_daemon(MetricsHttp *m)
{
    return m->daemon;
}

unsigned metrics_http_open_conns(const MetricsHttp *m)
{
    unsigned n = 0;
    for (unsigned i = 0; i < METRICS_CONN_TABLE; i++)
        n += m->conns[i].used;
    return n;
}

void metrics_http_set_stale_ms(MetricsHttp *m, unsigned ms)
{
    m->stale_ms = ms;
}

bool metrics_http_publish(MetricsHttp *m, const char *text, size_t len)
{
    if (len > sizeof m->text || pthread_mutex_trylock(&m->lock) != 0)
        return false;
    memcpy(m->text, text, len);
    m->len = len;
    pthread_mutex_unlock(&m->lock);
    return true;
}

void metrics_http_counts(MetricsHttp *m, MetricsHttpCounts *out)
{
    out->scrapes = atomic_load_explicit(&m->scrapes, memory_order_relaxed);
    out->refused = atomic_load_explicit(&m->refused, memory_order_relaxed);
    out->bad = atomic_load_explicit(&m->bad, memory_order_relaxed);
    out->unanswered = atomic_load_explicit(&m->unanswered, memory_order_relaxed);
}

void metrics_http_stop(MetricsHttp *m)
{
    if (m == NULL)
        return;
    MHD_stop_daemon(m->daemon);
    pthread_mutex_destroy(&m->lock);
    free(m);
}
