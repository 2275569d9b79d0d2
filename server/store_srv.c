/* store_srv.c — the server's side of the store (store.h): opens it with the hall of fame and
 * the bans in memory (fame.h, bans.h), and between ticks takes what the worker hands back:
 * reloaded bans and rows, the replies to finds (hunt.c), and the database's comings and goings,
 * logged once each. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "hunt.h"
#include "server.h"

bool srv_store_open(Server *s)
{
    char err[700];
    /* data_dir holds more than the SQLite file (the control socket, demos): made here. */
    if (mkdir(s->cfg.data_dir, 0755) != 0 && errno != EEXIST) {
        log_info(s->log, "store", "cannot create data directory %s: %s", s->cfg.data_dir,
                 strerror(errno));
        return false;
    }
    s->fame = fame_create();
    s->bans = bans_create();
    s->store_bans = calloc(BANS_MAX, sizeof *s->store_bans);
    s->store_rows = calloc(STORE_FAME_BATCH, sizeof *s->store_rows);
    if (s->fame == NULL || s->bans == NULL || s->store_bans == NULL || s->store_rows == NULL) {
        log_info(s->log, "store", "out of memory");
        return false;
    }
    s->store = store_open(s->cfg.database, s->cfg.data_dir, s->names, err, sizeof err);
    if (s->store == NULL) {
        log_info(s->log, "store", "%s", err);
        return false;
    }
    log_info(s->log, "store", "hall of fame and bans in %s", store_name(s->store));
    srv_store_poll(s); /* what store_open loaded, before the first login */
    return true;
}

void srv_store_close(Server *s)
{
    if (s->store != NULL) {
        unsigned unsaved = 0;
        store_close(s->store, SRV_STORE_DRAIN_MS, &unsaved);
        if (unsaved > 0)
            log_info(s->log, "store", "%u changes were not stored: the database is unreachable",
                     unsaved);
        s->store = NULL;
    }
    fame_destroy(s->fame);
    bans_destroy(s->bans);
    free(s->store_bans);
    free(s->store_rows);
    s->fame = NULL;
    s->bans = NULL;
    s->store_bans = NULL;
    s->store_rows = NULL;
}

static void log_status(Server *s)
{
    StoreStatus st;
    bool changed = false;
    store_status(s->store, &st, &changed);
    if (!changed)
        return;
    if (!st.connected) {
        s->store_lost_ms = s->now_ms;
        log_info(s->log, "store",
                 "the database is unreachable (%s); the game goes on, changes wait in memory and "
                 "it is tried again with a backoff up to 30 s",
                 st.why);
    } else {
        log_info(s->log, "store",
                 "the database is back after %.1f s; %u changes wait to be written",
                 (double)(s->now_ms - s->store_lost_ms) / 1000.0, st.queued);
    }
}

static void take_rows(Server *s)
{
    FameRow *rows = s->store_rows;
    int n = 0, total = 0;
    while (store_take_fame(s->store, rows, STORE_FAME_BATCH, &n, &total)) {
        int lost = fame_add_rows(s->fame, rows, n, total);
        if (lost > 0 && !s->store_fame_full) {
            s->store_fame_full = true;
            log_info(s->log, "store",
                     "the hall of fame has %d rows; only the first %d are kept here (the names "
                     "of later ones are not protected on this server)",
                     total, FAME_CACHE_MAX);
        }
    }
}

/* This server's own find, in memory at once (the next reload brings the stored row). */
static void add_recorded(Server *s, const FameRow *asked)
{
    FameRow row = *asked;
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(row.found_at, sizeof row.found_at, "%Y-%m-%d %H:%M:%S", &tm);
    int total = 0;
    fame_list(s->fame, NULL, 0, &total);
    fame_add_rows(s->fame, &row, 1, total + 1);
}

static void take_reply(Server *s, const StoreReply *r)
{
    if (r->result != STORAGE_OK)
        log_info(s->log, "store", "a change could not be stored: %s", r->err);
    switch (r->op) {
    case STORE_FAME_RECORD:
        if (r->result == STORAGE_OK && r->fresh) /* else the row there stays as it is */
            add_recorded(s, &r->fame);
        hunt_recorded(s, r);
        break;
    case STORE_FAME_SET_CLAIM:
        if (r->result == STORAGE_OK && !r->set)
            log_info(s->log, "store",
                     "hall of fame #%d already had a claim in the database: the one just given "
                     "is void",
                     r->fame.rank);
        break;
    case STORE_BAN_PUT:
    case STORE_BAN_DELETE:
        break; /* the next list of bans shows it */
    }
}

void srv_store_poll(Server *s)
{
    if (s->store == NULL)
        return;
    log_status(s);
    unsigned n = 0;
    uint64_t done = 0;
    if (store_take_bans(s->store, s->store_bans, BANS_MAX, &n, &done))
        bans_loaded(s->bans, s->store_bans, n, done);
    take_rows(s);
    StoreReply r;
    while (store_take_reply(s->store, &r))
        take_reply(s, &r);
}
