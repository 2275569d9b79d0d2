/* store.h — the storage back-end (storage.h) on a thread of its own, so that no tick and no
 * login ever waits for a disk or a database server.
 *
 * The loop submits changes (a ban, an unban, a find, a claim) to a bounded queue and goes on; the
 * worker runs them in order against the back-end and hands back a reply for each. It also
 * reloads what other servers may have changed (PostgreSQL's NOTIFY, and every
 * STORE_RELOAD_S seconds) and hands the loop the active bans and the new hall-of-fame rows,
 * which the loop keeps in memory (bans.h, fame.h) so that every check is a memory lookup.
 *
 * When a call says the back-end is lost or busy (STORAGE_LOST), the request stays at the head
 * of the queue and the worker waits a backoff of 1 s doubling to 30 s, connects again if the
 * connection went, and runs it again; the backoff starts over only once a call works. Nothing
 * that was accepted is lost while the queue has room. It says so once when the database is lost and
 * once when it is back (store_take_status), not at every try. */
#ifndef ARENA_SRV_STORE_H
#define ARENA_SRV_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage.h"

enum {
    STORE_QUEUE_MAX = 256,  /* requests waiting for the back-end */
    STORE_FAME_BATCH = 256, /* hall-of-fame rows handed over at a time */
    STORE_RELOAD_S = 60,    /* reload everything this often even without a NOTIFY */
    STORE_USER_BYTES = 32,  /* the caller's bytes carried from a request to its reply */
    STORE_ERR_MAX = 240,
};

typedef enum StoreOp {
    STORE_BAN_PUT = 0,
    STORE_BAN_DELETE,
    STORE_FAME_RECORD,
    STORE_FAME_SET_CLAIM,
} StoreOp;

typedef struct StoreReq {
    StoreOp op;
    uint64_t seq; /* set by store_submit */
    uint64_t tag; /* the caller's, back in the reply */
    uint8_t user[STORE_USER_BYTES];
    Ban ban;      /* BAN_PUT: the ban; BAN_DELETE: kind, target and target2 (the alt key) */
    FameRow fame; /* FAME_RECORD: name, key, alt, map, claim_hash; SET_CLAIM: rank, claim_hash */
} StoreReq;

typedef struct StoreReply {
    StoreOp op;
    uint64_t seq;
    uint64_t tag;
    uint8_t user[STORE_USER_BYTES];
    StorageResult result; /* STORAGE_OK or STORAGE_FAILED (a lost back-end is retried) */
    char err[STORE_ERR_MAX];
    int rank;     /* FAME_RECORD: the row's rank */
    bool fresh;   /* FAME_RECORD: a new row */
    bool set;     /* FAME_SET_CLAIM: the claim was stored */
    int removed;  /* BAN_DELETE */
    FameRow fame; /* FAME_RECORD: the row as stored (when fresh) */
} StoreReply;

typedef struct StoreStatus {
    bool connected;
    unsigned queued;         /* requests waiting */
    uint64_t lost;           /* times the back-end was lost */
    uint64_t failed;         /* requests that failed for good */
    uint64_t done;           /* requests completed */
    uint64_t reloads;        /* reloads handed to the loop */
    char why[STORE_ERR_MAX]; /* the last loss, for the log */
} StoreStatus;

typedef struct Store Store;

/* Opens the back-end (storage_open) and, if it answers, loads the bans and the first
 * STORE_FAME_BATCH rows of the hall of fame synchronously, so the server starts with them in memory
 * (store_take_bans / store_take_fame give them); then starts the worker. NULL with err only for
 * a bad setting or an SQLite file that cannot be opened. */
Store *store_open(const char *where, const char *data_dir, Names *names, char *err, size_t errlen);
/* Stops the worker after it has run what is queued, waiting at most drain_ms (plus a call in
 * flight, which libpq's timeouts bound); *unsaved (may be NULL) gets how many were left. */
void store_close(Store *s, unsigned drain_ms, unsigned *unsaved);
const char *store_name(const Store *s);
bool store_is_postgres(const Store *s);

/* Queues a request; false (nothing queued) when STORE_QUEUE_MAX wait already. *seq gets its
 * number: requests run in that order. */
bool store_submit(Store *s, const StoreReq *req, uint64_t *seq);
/* The next reply, oldest first; false if none. */
bool store_take_reply(Store *s, StoreReply *out);
/* The active bans as last loaded, if they changed since the last take: up to cap into out,
 * *n how many, *done_seq the newest request the worker had finished when it loaded them (every
 * change with that number or lower is in the list). */
bool store_take_bans(Store *s, Ban *out, unsigned cap, unsigned *n, uint64_t *done_seq);
/* Hall-of-fame rows not handed over yet (rank order, at most STORE_FAME_BATCH a call);
 * *total the rows in all. */
bool store_take_fame(Store *s, FameRow *out, int cap, int *n, int *total);
/* The worker's state; *changed (may be NULL: not asked, not reset) tells whether connected
 * flipped since the last call that asked. */
void store_status(Store *s, StoreStatus *out, bool *changed);

#endif
