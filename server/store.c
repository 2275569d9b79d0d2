/* store.c — see store.h. One mutex guards the queue, the replies and what is handed over; the
 * worker never holds it while it talks to the back-end. */
#include "store.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "stop_signals.h"

enum {
    WANT_BANS = STORAGE_CHANGED_BANS,
    WANT_FAME = STORAGE_CHANGED_FAME,
    BACKOFF_MIN_MS = 1000,
    BACKOFF_MAX_MS = 30000,
};

struct Store {
    Storage *st;
    bool pg;
    pthread_t thread;
    bool running;
    pthread_mutex_t mu;
    int wake_fd; /* eventfd: the loop wakes the worker */
    /* Guarded by mu. */
    StoreReq q[STORE_QUEUE_MAX];
    unsigned q_head, q_n;
    uint64_t next_seq;
    StoreReply r[STORE_QUEUE_MAX];
    unsigned r_head, r_n;
    bool stopping;
    uint64_t drain_until_ms;
    Ban *bans_out; /* BANS_MAX */
    unsigned bans_n;
    uint64_t bans_seq;
    bool bans_new;
    FameRow fame_out[STORE_FAME_BATCH];
    int fame_n, fame_total;
    bool fame_new;
    StoreStatus status;
    bool status_changed;
    /* The worker's own. */
    Ban *bans_stage; /* BANS_MAX */
    FameRow fame_stage[STORE_FAME_BATCH];
    int fame_after; /* ranks up to this were handed over in this pass */
    bool down;      /* the back-end failed its last call: retried after the backoff */
    uint64_t done_seq;
    unsigned want;
    uint64_t next_reload_ms, next_try_ms, backoff_ms;
};

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void wake(Store *s)
{
    uint64_t one = 1;
    ssize_t n = write(s->wake_fd, &one, sizeof one);
    (void)n; /* a full counter still wakes */
}

/* Connected flips: counted and kept for the loop's log. */
static void note_connected(Store *s, bool connected, const char *why)
{
    pthread_mutex_lock(&s->mu);
    if (s->status.connected != connected) {
        s->status.connected = connected;
        s->status_changed = true;
        if (!connected) {
            s->status.lost++;
            snprintf(s->status.why, sizeof s->status.why, "%s", why);
        }
    }
    pthread_mutex_unlock(&s->mu);
}

/* What to reload. The hall of fame is read again from its first rank: a claim set elsewhere
 * changes a row already handed over. */
static void want(Store *s, unsigned what)
{
    s->want |= what;
    if (what & WANT_FAME)
        s->fame_after = 0;
}

/* A call said the back-end is lost: the next try after the backoff, which doubles. */
static void went_down(Store *s, const char *why)
{
    s->down = true;
    note_connected(s, false, why);
    s->next_try_ms = mono_ms() + s->backoff_ms;
    s->backoff_ms = s->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : s->backoff_ms * 2;
    want(s, WANT_BANS | WANT_FAME); /* a reload is the try when no change waits */
}

/* A call worked: the back-end is back, if it was down. */
static void went_up(Store *s)
{
    if (!s->down)
        return;
    s->down = false;
    s->backoff_ms = BACKOFF_MIN_MS;
    note_connected(s, true, "");
    want(s, WANT_BANS | WANT_FAME); /* others may have changed things meanwhile */
}

static void run_request(Store *s, const StoreReq *q, StoreReply *r)
{
    memset(r, 0, sizeof *r);
    r->op = q->op;
    r->seq = q->seq;
    r->tag = q->tag;
    memcpy(r->user, q->user, sizeof r->user);
    r->fame = q->fame;
    const FameRow *f = &q->fame;
    switch (q->op) {
    case STORE_BAN_PUT:
        r->result = storage_ban_put(s->st, &q->ban, r->err, sizeof r->err);
        break;
    case STORE_BAN_DELETE:
        r->result = storage_ban_delete(s->st, q->ban.kind, q->ban.target,
                                       q->ban.target2[0] ? q->ban.target2 : NULL, &r->removed,
                                       r->err, sizeof r->err);
        break;
    case STORE_FAME_RECORD:
        r->result = storage_fame_record(s->st, f->name, f->key, f->alt, f->map, f->claim_hash,
                                        &r->rank, &r->fresh, r->err, sizeof r->err);
        r->fame.rank = r->rank;
        break;
    case STORE_FAME_SET_CLAIM:
        r->result =
            storage_fame_set_claim(s->st, f->rank, f->claim_hash, &r->set, r->err, sizeof r->err);
        break;
    }
}

/* Loads the active bans and hands them over. False if the back-end was lost. */
static bool reload_bans(Store *s)
{
    unsigned n = 0;
    char err[STORE_ERR_MAX];
    uint64_t seq = s->done_seq;
    StorageResult r =
        storage_bans_load(s->st, (int64_t)time(NULL), s->bans_stage, BANS_MAX, &n, err, sizeof err);
    if (r == STORAGE_LOST) {
        went_down(s, err);
        return false;
    }
    went_up(s);
    if (r == STORAGE_OK) {
        pthread_mutex_lock(&s->mu);
        memcpy(s->bans_out, s->bans_stage, n * sizeof *s->bans_out);
        s->bans_n = n;
        s->bans_seq = seq;
        s->bans_new = true;
        s->status.reloads++;
        pthread_mutex_unlock(&s->mu);
    }
    return true;
}

/* Hands over the next rows of the hall of fame once the loop took the last ones. False if
 * the back-end was lost; *more tells whether rows may remain. */
static bool reload_fame(Store *s, bool *more)
{
    *more = false;
    pthread_mutex_lock(&s->mu);
    bool busy = s->fame_new;
    pthread_mutex_unlock(&s->mu);
    if (busy) {
        *more = true;
        return true;
    }
    int n = 0, total = 0;
    char err[STORE_ERR_MAX];
    StorageResult r = storage_fame_load(s->st, s->fame_after, s->fame_stage, STORE_FAME_BATCH, &n,
                                        &total, err, sizeof err);
    if (r == STORAGE_LOST) {
        went_down(s, err);
        return false;
    }
    went_up(s);
    if (r == STORAGE_OK && n > 0) {
        s->fame_after = s->fame_stage[n - 1].rank;
        *more = n == STORE_FAME_BATCH;
        pthread_mutex_lock(&s->mu);
        memcpy(s->fame_out, s->fame_stage, (size_t)n * sizeof *s->fame_out);
        s->fame_n = n;
        s->fame_total = total;
        s->fame_new = true;
        pthread_mutex_unlock(&s->mu);
    }
    return true;
}

/* Reloads what is wanted (or everything when due). */
static void reload(Store *s, uint64_t now)
{
    if (now >= s->next_reload_ms) {
        want(s, WANT_BANS | WANT_FAME);
        s->next_reload_ms = now + STORE_RELOAD_S * 1000u;
    }
    if ((s->want & WANT_BANS) && reload_bans(s))
        s->want &= ~(unsigned)WANT_BANS;
    bool more = false;
    if ((s->want & WANT_FAME) && !s->down && reload_fame(s, &more) && !more)
        s->want &= ~(unsigned)WANT_FAME;
}

/* What other servers changed. Also asked after every call: notifications the back-end read
 * during a call do not make its socket readable again. */
static void hear(Store *s)
{
    if (s->down || !storage_connected(s->st))
        return;
    want(s, storage_take_changes(s->st));
    if (!storage_connected(s->st))
        went_down(s, "the connection closed");
}

/* Waits for the loop's wake-up, a notification or timeout_ms. */
static void wait_for(Store *s, int timeout_ms)
{
    struct pollfd p[2] = {
        {.fd = s->wake_fd, .events = POLLIN},
        {.fd = storage_connected(s->st) ? storage_socket(s->st) : -1, .events = POLLIN}};
    if (poll(p, 2, timeout_ms) <= 0)
        return;
    if (p[0].revents & POLLIN) {
        uint64_t v;
        ssize_t n = read(s->wake_fd, &v, sizeof v);
        (void)n;
    }
    if (p[1].fd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
        hear(s);
}

/* Down: waits for the backoff, then connects again if the handle is not connected. True when
 * the next call may be tried; the back-end is up again only once a call works (went_up), so a
 * server that connects but fails every call still waits the backoff between tries. */
static bool ensure_connected(Store *s, uint64_t now, uint64_t wait_max_ms)
{
    if (!s->down)
        return true;
    if (now < s->next_try_ms) {
        uint64_t t = s->next_try_ms - now;
        wait_for(s, (int)(t < wait_max_ms ? t : wait_max_ms));
        return false;
    }
    char err[STORE_ERR_MAX];
    if (!storage_connected(s->st) && storage_reconnect(s->st, err, sizeof err) != STORAGE_OK) {
        went_down(s, err);
        return false;
    }
    return true;
}

/* Runs the request at the head of the queue. False if the back-end was lost (it stays). */
static bool run_head(Store *s, const StoreReq *q)
{
    StoreReply rep;
    run_request(s, q, &rep);
    if (rep.result == STORAGE_LOST || !storage_connected(s->st)) {
        went_down(s, rep.err);
        return false;
    }
    went_up(s);
    pthread_mutex_lock(&s->mu);
    s->q_head = (s->q_head + 1) % STORE_QUEUE_MAX;
    s->q_n--;
    if (s->r_n == STORE_QUEUE_MAX) { /* only when stopping (the worker waits for room else) */
        s->r_head = (s->r_head + 1) % STORE_QUEUE_MAX;
        s->r_n--;
    }
    s->r[(s->r_head + s->r_n) % STORE_QUEUE_MAX] = rep;
    s->r_n++;
    s->status.done++;
    s->status.failed += rep.result != STORAGE_OK;
    s->status.queued = s->q_n;
    pthread_mutex_unlock(&s->mu);
    s->done_seq = q->seq;
    if (q->op == STORE_BAN_PUT || q->op == STORE_BAN_DELETE)
        want(s, WANT_BANS); /* the loop's list must show it as stored */
    return true;
}

static void *worker(void *arg)
{
    Store *s = arg;
    for (;;) {
        StoreReq q;
        pthread_mutex_lock(&s->mu);
        bool stopping = s->stopping, have = s->q_n > 0, room = s->r_n < STORE_QUEUE_MAX;
        uint64_t drain_until = s->drain_until_ms;
        if (have)
            q = s->q[s->q_head];
        pthread_mutex_unlock(&s->mu);
        uint64_t now = mono_ms();
        if (stopping && (!have || now >= drain_until))
            break;
        if (!ensure_connected(s, now, stopping ? drain_until - now : BACKOFF_MAX_MS))
            continue;
        if (have && (room || stopping)) {
            run_head(s, &q); /* stopping: nobody takes replies any more, the oldest goes */
            hear(s);
            continue;
        }
        reload(s, now);
        hear(s);
        if (s->down)
            continue; /* ensure_connected waits for the backoff */
        wait_for(s, s->want != 0 ? 10 : (int)(s->next_reload_ms - now));
    }
    return NULL;
}

Store *store_open(const char *where, const char *data_dir, Names *names, char *err, size_t errlen)
{
    Store *s = calloc(1, sizeof *s);
    if (s == NULL || (s->bans_out = calloc(BANS_MAX, sizeof *s->bans_out)) == NULL ||
        (s->bans_stage = calloc(BANS_MAX, sizeof *s->bans_stage)) == NULL) {
        snprintf(err, errlen, "out of memory");
        store_close(s, 0, NULL);
        return NULL;
    }
    s->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    pthread_mutex_init(&s->mu, NULL);
    s->backoff_ms = BACKOFF_MIN_MS;
    s->st = storage_open(where, data_dir, names, err, errlen);
    if (s->wake_fd < 0 || s->st == NULL) {
        if (s->wake_fd < 0)
            snprintf(err, errlen, "eventfd: %s", strerror(errno));
        store_close(s, 0, NULL);
        return NULL;
    }
    s->pg = storage_is_postgres(where);
    s->status.connected = storage_connected(s->st);
    if (!s->status.connected) {
        s->status.lost = 1;
        s->status_changed = true;
        snprintf(s->status.why, sizeof s->status.why, "%s", err);
    }
    err[0] = '\0';
    uint64_t now = mono_ms();
    s->next_reload_ms = now; /* the first reload, at once: the bans before the first login */
    if (!s->status.connected) {
        s->down = true;
        s->next_try_ms = now + BACKOFF_MIN_MS;
        want(s, WANT_BANS | WANT_FAME);
    } else {
        reload(s, now);
    }
    sigset_t old;
    stop_signals_block_all(&old); /* signals stay the loop's */
    int rc = pthread_create(&s->thread, NULL, worker, s);
    stop_signals_restore(&old);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the storage thread: %s", strerror(rc));
        store_close(s, 0, NULL);
        return NULL;
    }
    s->running = true;
    return s;
}

void store_close(Store *s, unsigned drain_ms, unsigned *unsaved)
{
    if (unsaved != NULL)
        *unsaved = 0;
    if (s == NULL)
        return;
    if (s->running) {
        pthread_mutex_lock(&s->mu);
        s->stopping = true;
        s->drain_until_ms = mono_ms() + drain_ms;
        pthread_mutex_unlock(&s->mu);
        wake(s);
        pthread_join(s->thread, NULL);
        pthread_mutex_destroy(&s->mu);
    }
    if (unsaved != NULL)
        *unsaved = s->q_n;
    storage_close(s->st);
    if (s->wake_fd > 0)
        close(s->wake_fd);
    free(s->bans_out);
    free(s->bans_stage);
    free(s);
}

const char *store_name(const Store *s)
{
    return storage_name(s->st);
}

bool store_is_postgres(const Store *s)
{
    return s->pg;
}

bool store_submit(Store *s, const StoreReq *req, uint64_t *seq)
{
    pthread_mutex_lock(&s->mu);
    bool ok = s->q_n < STORE_QUEUE_MAX;
    if (ok) {
        StoreReq *q = &s->q[(s->q_head + s->q_n) % STORE_QUEUE_MAX];
        *q = *req;
        q->seq = ++s->next_seq;
        *seq = q->seq;
        s->q_n++;
        s->status.queued = s->q_n;
    }
    pthread_mutex_unlock(&s->mu);
    if (ok)
        wake(s);
    return ok;
}

bool store_take_reply(Store *s, StoreReply *out)
{
    pthread_mutex_lock(&s->mu);
    bool ok = s->r_n > 0, was_full = s->r_n == STORE_QUEUE_MAX;
    if (ok) {
        *out = s->r[s->r_head];
        s->r_head = (s->r_head + 1) % STORE_QUEUE_MAX;
        s->r_n--;
    }
    pthread_mutex_unlock(&s->mu);
    if (was_full)
        wake(s);
    return ok;
}

bool store_take_bans(Store *s, Ban *out, unsigned cap, unsigned *n, uint64_t *done_seq)
{
    pthread_mutex_lock(&s->mu);
    bool ok = s->bans_new;
    if (ok) {
        *n = s->bans_n < cap ? s->bans_n : cap;
        memcpy(out, s->bans_out, *n * sizeof *out);
        *done_seq = s->bans_seq;
        s->bans_new = false;
    }
    pthread_mutex_unlock(&s->mu);
    return ok;
}

bool store_take_fame(Store *s, FameRow *out, int cap, int *n, int *total)
{
    pthread_mutex_lock(&s->mu);
    bool ok = s->fame_new;
    if (ok) {
        *n = s->fame_n < cap ? s->fame_n : cap;
        memcpy(out, s->fame_out, (size_t)*n * sizeof *out);
        *total = s->fame_total;
        s->fame_new = false;
    }
    pthread_mutex_unlock(&s->mu);
    if (ok)
        wake(s); /* the next batch, if any */
    return ok;
}

void store_status(Store *s, StoreStatus *out, bool *changed)
{
    pthread_mutex_lock(&s->mu);
    *out = s->status;
    if (changed != NULL) {
        *changed = s->status_changed;
        s->status_changed = false;
    }
    pthread_mutex_unlock(&s->mu);
}
