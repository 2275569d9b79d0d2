/* agones.c — see agones.h. The thread: take the wanted state, ask agones_plan what to say,
 * say it with libcurl (1 s to connect, 2 s in all), note the outcome, wait. Answers are read
 * into a fixed 64 KiB buffer; a longer one is a failure. */
#include "agones.h"

#include "mono_clock.h"
#include "stop_signals.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
    AGONES_BODY_MAX = 65536,
    AGONES_CONNECT_MS = 1000,
    AGONES_TIMEOUT_MS = 2000,
    AGONES_IDLE_WAIT_MS = 200, /* the thread looks at the wanted state at least this often */
};

struct Agones {
    AgonesConfig cfg;
    Log *log;
    pthread_t thread;
    pthread_mutex_t lock; /* want, state; stopping is set under it too, for the wait */
    pthread_cond_t wake;
    AgonesWant want;
    char state[AGONES_STATE_MAX];
    uint16_t port;         /* the GameServer's port named "default" (0: none) */
    _Atomic bool stopping; /* agones_stop: the thread ends, a transfer under way is cut short */
    /* The thread's own. */
    AgonesSync sync;
    bool unreachable;            /* logged: the sidecar does not answer */
    bool error_logged[AG_CALLS]; /* logged: this call got an error answer */
    CURL *curl;
    struct curl_slist *headers; /* Content-Type: application/json, on every request */
    bool curl_global;           /* curl_global_init succeeded: cleaned up at stop */
    bool port_warned;           /* logged: the GameServer names no "default" port */
    char map_name[64];          /* copied: the thread holds no pointer into the game */
    char base[96];
    char map_label[AGONES_LABEL_VALUE_MAX];
    char answer[AGONES_BODY_MAX];
    size_t answer_len;
    bool answer_overflow;
    _Atomic uint64_t calls_ok, calls_failed;
};

uint16_t agones_port_from_env(const char *text)
{
    if (text == NULL || *text == '\0' || strlen(text) > 5)
        return 0;
    unsigned long v = 0;
    for (const char *p = text; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        v = v * 10 + (unsigned long)(*p - '0');
    }
    return v >= 1 && v <= 65535 ? (uint16_t)v : 0;
}

/* libcurl's progress callback: non-zero cuts the transfer short (agones_stop). */
static int on_progress(void *cls, curl_off_t dl_total, curl_off_t dl_now, curl_off_t ul_total,
                       curl_off_t ul_now)
{
    (void)dl_total;
    (void)dl_now;
    (void)ul_total;
    (void)ul_now;
    Agones *a = cls;
    return atomic_load_explicit(&a->stopping, memory_order_relaxed) ? 1 : 0;
}

static size_t on_answer(char *data, size_t size, size_t n, void *cls)
{
    Agones *a = cls;
    size_t len = size * n;
    if (len > sizeof a->answer - 1 - a->answer_len) {
        a->answer_overflow = true;
        return 0; /* libcurl aborts the transfer */
    }
    memcpy(a->answer + a->answer_len, data, len);
    a->answer_len += len;
    return len;
}

/* One request; the outcome by libcurl's result and the HTTP status. */
static AgonesOutcome request(Agones *a, const char *method, const char *path, const char *body)
{
    char url[160];
    snprintf(url, sizeof url, "%s%s", a->base, path);
    a->answer_len = 0;
    a->answer_overflow = false;
    CURL *c = a->curl;
    curl_easy_setopt(c, CURLOPT_URL, url);
    if (body != NULL) { /* a POST with the body, under the method's own name (PUT, PATCH) */
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    } else {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_OPERATION_TIMEDOUT ||
        rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_GOT_NOTHING || rc == CURLE_RECV_ERROR ||
        rc == CURLE_SEND_ERROR)
        return AG_UNREACHABLE;
    if (rc != CURLE_OK || a->answer_overflow)
        return AG_FAILED;
    a->answer[a->answer_len] = '\0';
    if (status == 404)
        return AG_NOT_FOUND;
    return status >= 200 && status < 300 ? AG_OK : AG_FAILED;
}

/* A request with a body built by the caller: a body that could not be built (0) fails. */
static AgonesOutcome request_body(Agones *a, const char *method, const char *path, const char *body,
                                  size_t len)
{
    return len > 0 ? request(a, method, path, body) : AG_FAILED;
}

static AgonesOutcome labels(Agones *a)
{
    char body[512], proto[16];
    snprintf(proto, sizeof proto, "%u", a->cfg.protocol);
    AgonesOutcome o =
        request_body(a, "PUT", "/metadata/label", body,
                     agones_body_key_value("arena-map", a->map_label, body, sizeof body));
    if (o == AG_OK)
        o = request_body(a, "PUT", "/metadata/label", body,
                         agones_body_key_value("arena-protocol", proto, body, sizeof body));
    if (o == AG_OK)
        o = request_body(a, "PUT", "/metadata/annotation", body,
                         agones_body_key_value("arena-map-name", a->map_name, body, sizeof body));
    return o;
}

static AgonesOutcome say(Agones *a, AgonesCall call, const AgonesWant *w)
{
    char body[128];
    switch (call) {
    case AG_HEALTH:
        return request(a, "POST", "/health", "{}");
    case AG_LABELS:
        return labels(a);
    case AG_CAPACITY:
        return request_body(a, "PATCH", "/v1beta1/counters/players", body,
                            agones_body_count("capacity", w->capacity, body, sizeof body));
    case AG_READY:
        return request(a, "POST", "/ready", "{}");
    case AG_SHUTDOWN:
        return request(a, "POST", "/shutdown", "{}");
    case AG_PLAYERS:
        return request_body(a, "PATCH", "/v1beta1/counters/players", body,
                            agones_body_count("count", w->players, body, sizeof body));
    case AG_POLL: {
        AgonesOutcome o = request(a, "GET", "/gameserver", NULL);
        char state[AGONES_STATE_MAX];
        uint16_t port = 0;
        if (o != AG_OK)
            return o;
        if (!agones_parse_gameserver(a->answer, a->answer_len, state, sizeof state, "default",
                                     &port))
            return AG_FAILED;
        if (port == 0 && a->port != 0)
            port = a->port; /* a known port is never forgotten for an answer without one */
        if (port == 0 && !a->port_warned) {
            log_info(a->log, "agones",
                     "the GameServer has no port named \"default\" in status.ports: players are "
                     "told game_port, which is right only without a port mapping");
            a->port_warned = true;
        }
        pthread_mutex_lock(&a->lock);
        bool changed = strcmp(state, a->state) != 0, moved = port != a->port;
        memcpy(a->state, state, sizeof state);
        a->port = port;
        pthread_mutex_unlock(&a->lock);
        a->sync.polled_port = port;
        if (changed)
            log_info(a->log, "agones", "GameServer state: %s", state);
        if (moved)
            log_info(a->log, "agones", "players reach this server on port %u (status.ports)",
                     (unsigned)port);
        return AG_OK;
    }
    case AG_NONE:
    case AG_CALLS:
        break;
    }
    return AG_OK;
}

/* The log: a sidecar that does not answer at all is one line until it answers again, whatever
 * the calls; an error answer to a call is one line until that call works again. */
static void note(Agones *a, AgonesCall call, const AgonesWant *w, AgonesOutcome o)
{
    bool had_counter = !a->sync.counter_missing;
    unsigned failures = a->sync.failures[call];
    AgonesNote n = agones_done(&a->sync, &a->cfg.timing, call, w, o, mono_now_ms());
    atomic_fetch_add_explicit(o == AG_OK ? &a->calls_ok : &a->calls_failed, 1,
                              memory_order_relaxed);
    if (o == AG_UNREACHABLE && !a->unreachable)
        log_info(a->log, "agones",
                 "the SDK sidecar does not answer (%s): retrying, the game goes on",
                 agones_call_name(call));
    else if (o != AG_UNREACHABLE && a->unreachable)
        log_info(a->log, "agones", "the SDK sidecar answers again");
    a->unreachable = o == AG_UNREACHABLE;
    bool counter = call == AG_CAPACITY || call == AG_PLAYERS; /* said once, when given up */
    if ((o == AG_FAILED || n == AG_NOTE_FAILING) && o != AG_UNREACHABLE && !counter &&
        !a->error_logged[call]) {
        log_info(a->log, "agones", "%s failed (an error answer): retrying, the game goes on",
                 agones_call_name(call));
        a->error_logged[call] = true;
    } else if (n == AG_NOTE_RECOVERED && a->error_logged[call]) {
        log_info(a->log, "agones", "%s works again (after %u failures)", agones_call_name(call),
                 failures);
        a->error_logged[call] = false;
    }
    if (had_counter && a->sync.counter_missing)
        log_info(a->log, "agones",
                 "the fleet defines no \"players\" counter: player counts not reported");
    if (o == AG_OK && call == AG_READY)
        log_info(a->log, "agones", "Ready");
    if (o == AG_OK && call == AG_SHUTDOWN)
        log_info(a->log, "agones", "Shutdown asked for: Agones stops this server");
}

static void *run(void *cls)
{
    Agones *a = cls;
    pthread_mutex_lock(&a->lock);
    while (!atomic_load_explicit(&a->stopping, memory_order_relaxed)) {
        AgonesWant w = a->want;
        pthread_mutex_unlock(&a->lock);
        uint32_t wait_ms = 0;
        AgonesCall call = agones_next(&w, &a->sync, &a->cfg.timing, mono_now_ms(), &wait_ms);
        if (call != AG_NONE)
            note(a, call, &w, say(a, call, &w));
        pthread_mutex_lock(&a->lock);
        if (call != AG_NONE || atomic_load_explicit(&a->stopping, memory_order_relaxed))
            continue;
        if (wait_ms > AGONES_IDLE_WAIT_MS)
            wait_ms = AGONES_IDLE_WAIT_MS;
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += (long)wait_ms * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&a->wake, &a->lock, &until);
    }
    pthread_mutex_unlock(&a->lock);
    return NULL;
}

static bool init_sync(Agones *a)
{
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca) != 0)
        return false;
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    bool ok = pthread_cond_init(&a->wake, &ca) == 0;
    pthread_condattr_destroy(&ca);
    if (ok && pthread_mutex_init(&a->lock, NULL) != 0) {
        pthread_cond_destroy(&a->wake);
        ok = false;
    }
    return ok;
}

static bool init_curl(Agones *a)
{
    a->curl = curl_easy_init();
    if (a->curl == NULL)
        return false;
    CURL *c = a->curl;
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)AGONES_CONNECT_MS);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)AGONES_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_answer);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, a);
    a->headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (a->headers == NULL)
        return false;
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, a->headers);
    return true;
}

Agones *agones_start(const AgonesConfig *cfg, Log *log, char *err, size_t errlen)
{
    Agones *a = calloc(1, sizeof *a);
    if (a == NULL || !init_sync(a)) {
        free(a);
        snprintf(err, errlen, "agones: out of memory");
        return NULL;
    }
    a->cfg = *cfg;
    a->log = log;
    agones_sync_init(&a->sync);
    snprintf(a->map_name, sizeof a->map_name, "%s", cfg->map_name);
    a->cfg.map_name = a->map_name;
    agones_label_value(a->map_name, a->map_label, sizeof a->map_label);
    snprintf(a->base, sizeof a->base, "http://%s:%u", cfg->host, (unsigned)cfg->port);
    a->cfg.host = NULL; /* only in base from here on */
    /* libcurl >= 7.84 makes this thread-safe; here it runs once, before our thread. */
    a->curl_global = curl_global_init(CURL_GLOBAL_NOTHING) == CURLE_OK;
    if (!a->curl_global || !init_curl(a)) {
        snprintf(err, errlen, "agones: libcurl failed to initialise");
        if (a->curl != NULL)
            curl_easy_cleanup(a->curl);
        a->curl = NULL; /* no thread to stop */
        agones_stop(a);
        return NULL;
    }
    sigset_t old;
    stop_signals_block_all(&old); /* signals stay the loop's */
    int rc = pthread_create(&a->thread, NULL, run, a);
    stop_signals_restore(&old);
    if (rc != 0) {
        snprintf(err, errlen, "agones: cannot start its thread: %s", strerror(rc));
        curl_easy_cleanup(a->curl);
        a->curl = NULL;
        agones_stop(a);
        return NULL;
    }
    return a;
}

bool agones_update(Agones *a, const AgonesWant *w)
{
    if (pthread_mutex_trylock(&a->lock) != 0)
        return false;
    const AgonesWant *o = &a->want;
    bool changed = o->beat != w->beat || o->players != w->players || o->capacity != w->capacity ||
                   o->shutdown != w->shutdown || o->port != w->port;
    a->want = *w;
    if (changed)
        pthread_cond_signal(&a->wake);
    pthread_mutex_unlock(&a->lock);
    return true;
}

bool agones_state(Agones *a, char *out, size_t cap, uint16_t *port)
{
    if (cap == 0 || pthread_mutex_trylock(&a->lock) != 0)
        return false;
    snprintf(out, cap, "%s", a->state);
    *port = a->port;
    pthread_mutex_unlock(&a->lock);
    return true;
}

void agones_counts(Agones *a, AgonesCounts *out)
{
    out->calls_ok = atomic_load_explicit(&a->calls_ok, memory_order_relaxed);
    out->calls_failed = atomic_load_explicit(&a->calls_failed, memory_order_relaxed);
}

void agones_stop(Agones *a)
{
    if (a == NULL)
        return;
    if (a->curl != NULL) {            /* the thread runs */
        pthread_mutex_lock(&a->lock); /* the thread sees it before it waits, or is woken */
        atomic_store_explicit(&a->stopping, true, memory_order_relaxed);
        pthread_cond_signal(&a->wake);
        pthread_mutex_unlock(&a->lock);
        pthread_join(a->thread, NULL);
        curl_easy_cleanup(a->curl);
    }
    curl_slist_free_all(a->headers);
    if (a->curl_global)
        curl_global_cleanup();
    pthread_cond_destroy(&a->wake);
    pthread_mutex_destroy(&a->lock);
    free(a);
}
