/* test_store.c — the store's thread (store.h) against real back-ends: SQLite in a fresh temporary
 * directory per test, and a PostgreSQL that cannot be reached (a socket directory that does not
 * exist), so the lost back-end needs no server.
 *
 * Every wait is for an event (a reply, a list, a batch), polled with short sleeps and bounded at
 * about 5 s; none is a fixed sleep.
 *
 * What a player or operator would notice if it broke: a server that starts without its bans or
 * its hall of fame, a ban or a find that is never written or never confirmed, a legend's rank
 * given to a look-alike, a hall of fame cut at the first batch, a shutdown that hangs or loses
 * changes without saying so while the database is away. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "names.h"
#include "storage.h"
#include "store.h"
#include "tmp_dir.h"

static const char LOST_URI[] = "postgresql://arena@/postgres?host=/nonexistent-dir-xyz";
static const char H1[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

enum { WAIT_STEPS = 5000 }; /* of 1 ms: about 5 s */

typedef struct Env {
    char dir[64];
    Names *names;
    Store *s;
} Env;

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void nap(void)
{
    nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
}

static Store *open_sqlite(Env *e)
{
    char err[256] = "";
    Store *s = store_open("sqlite", e->dir, e->names, err, sizeof err);
    if (s == NULL)
        fail_msg("store_open: %s", err);
    return s;
}

/* An empty directory, nothing opened yet. */
static int setup_bare(void **state)
{
    Env *e = calloc(1, sizeof *e);
    assert_non_null(e);
    snprintf(e->dir, sizeof e->dir, "/tmp/arena-store-XXXXXX");
    assert_non_null(mkdtemp(e->dir));
    char err[256] = "";
    e->names = names_create(err, sizeof err);
    if (e->names == NULL)
        fail_msg("names_create: %s", err);
    *state = e;
    return 0;
}

/* A store on an empty SQLite file. */
static int setup(void **state)
{
    setup_bare(state);
    Env *e = *state;
    e->s = open_sqlite(e);
    return 0;
}

static int teardown(void **state)
{
    Env *e = *state;
    store_close(e->s, 2000, NULL);
    names_destroy(e->names);
    tmp_dir_remove(e->dir);
    free(e);
    return 0;
}

static void wait_reply(Store *s, StoreReply *r)
{
    for (int i = 0; i < WAIT_STEPS; i++) {
        if (store_take_reply(s, r))
            return;
        nap();
    }
    fail_msg("no reply from the store within ~5 s");
}

/* Waits for a list of bans that includes every change up to seq. */
static unsigned wait_bans(Store *s, uint64_t seq, Ban *out, unsigned cap)
{
    for (int i = 0; i < WAIT_STEPS; i++) {
        unsigned n = 0;
        uint64_t done = 0;
        if (store_take_bans(s, out, cap, &n, &done) && done >= seq)
            return n;
        nap();
    }
    fail_msg("no list of bans with change %llu within ~5 s", (unsigned long long)seq);
    return 0;
}

static int wait_fame(Store *s, FameRow *out, int cap, int *total)
{
    for (int i = 0; i < WAIT_STEPS; i++) {
        int n = 0;
        if (store_take_fame(s, out, cap, &n, total))
            return n;
        nap();
    }
    fail_msg("no hall-of-fame rows within ~5 s");
    return 0;
}

static Ban ip_ban(const char *dotted, const char *reason)
{
    Ban b;
    memset(&b, 0, sizeof b);
    b.kind = BAN_IP;
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, dotted, &a), 1);
    b.ip = a.s_addr;
    snprintf(b.target, sizeof b.target, "%s", dotted);
    snprintf(b.label, sizeof b.label, "%s", dotted);
    snprintf(b.reason, sizeof b.reason, "%s", reason);
    return b;
}

static StoreReq record_req(Env *e, const char *name, const char *claim_hash)
{
    StoreReq q;
    memset(&q, 0, sizeof q);
    q.op = STORE_FAME_RECORD;
    snprintf(q.fame.name, sizeof q.fame.name, "%s", name);
    assert_true(names_keys(e->names, name, q.fame.key, q.fame.alt, sizeof q.fame.key));
    snprintf(q.fame.map, sizeof q.fame.map, "arena");
    snprintf(q.fame.claim_hash, sizeof q.fame.claim_hash, "%s", claim_hash);
    return q;
}

/* Submits one request and waits for its reply. */
static StoreReply run(Store *s, const StoreReq *q)
{
    uint64_t seq = 0;
    assert_true(store_submit(s, q, &seq));
    StoreReply r;
    wait_reply(s, &r);
    assert_int_equal(r.seq, seq);
    assert_int_equal(r.op, q->op);
    return r;
}

/* The bans in the file are in memory as soon as store_open returns, before any login. */
static void test_initial_bans(void **state)
{
    Env *e = *state;
    char err[256] = "";
    Storage *st = storage_open("sqlite", e->dir, e->names, err, sizeof err);
    assert_non_null(st);
    Ban b = ip_ban("192.0.2.1", "before the start");
    assert_int_equal(storage_ban_put(st, &b, err, sizeof err), STORAGE_OK);
    storage_close(st);

    Store *s = open_sqlite(e);
    Ban list[4];
    unsigned n = 0;
    uint64_t done = 99;
    assert_true(store_take_bans(s, list, 4, &n, &done));
    assert_int_equal(n, 1);
    assert_int_equal(done, 0);
    assert_string_equal(list[0].target, "192.0.2.1");
    assert_string_equal(list[0].reason, "before the start");
    assert_int_equal(list[0].ip, b.ip);
    assert_false(store_take_bans(s, list, 4, &n, &done)); /* handed over once */
    StoreStatus ss;
    bool changed = true;
    store_status(s, &ss, &changed);
    assert_true(ss.connected);
    assert_false(changed);
    assert_int_equal(ss.lost, 0);
    unsigned unsaved = 9;
    store_close(s, 2000, &unsaved);
    assert_int_equal(unsaved, 0);
}

/* A ban's reply carries back the caller's tag and bytes, and a list that includes it follows. */
static void test_ban_put_and_delete(void **state)
{
    Env *e = *state;
    Ban list[4];
    unsigned n = 0;
    uint64_t done = 0;
    assert_true(store_take_bans(e->s, list, 4, &n, &done)); /* the empty list at the start */
    assert_int_equal(n, 0);

    StoreReq q;
    memset(&q, 0, sizeof q);
    q.op = STORE_BAN_PUT;
    q.tag = 0x1122334455667788u;
    for (int i = 0; i < STORE_USER_BYTES; i++)
        q.user[i] = (uint8_t)(0xa0 + i);
    q.ban = ip_ban("192.0.2.1", "spam");
    uint64_t seq = 0;
    assert_true(store_submit(e->s, &q, &seq));
    assert_true(seq >= 1);
    StoreReply r;
    wait_reply(e->s, &r);
    assert_int_equal(r.op, STORE_BAN_PUT);
    assert_int_equal(r.result, STORAGE_OK);
    assert_int_equal(r.seq, seq);
    assert_int_equal(r.tag, 0x1122334455667788u);
    assert_memory_equal(r.user, q.user, STORE_USER_BYTES);
    n = wait_bans(e->s, seq, list, 4);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].target, "192.0.2.1");
    assert_string_equal(list[0].reason, "spam");

    memset(&q, 0, sizeof q);
    q.op = STORE_BAN_DELETE;
    q.ban.kind = BAN_IP;
    snprintf(q.ban.target, sizeof q.ban.target, "192.0.2.1");
    r = run(e->s, &q);
    assert_int_equal(r.result, STORAGE_OK);
    assert_int_equal(r.removed, 1);
    assert_int_equal(wait_bans(e->s, r.seq, list, 4), 0);
    StoreStatus ss;
    store_status(e->s, &ss, NULL);
    assert_int_equal(ss.done, 2);
    assert_int_equal(ss.failed, 0);
    assert_int_equal(ss.queued, 0);
}

/* The first find of a name gets rank 1; a look-alike of it gets the same rank, not fresh. */
static void test_fame_record_and_claim(void **state)
{
    Env *e = *state;
    StoreReq q = record_req(e, "Bot0", "");
    StoreReply r = run(e->s, &q);
    assert_int_equal(r.result, STORAGE_OK);
    assert_int_equal(r.rank, 1);
    assert_true(r.fresh);
    assert_int_equal(r.fame.rank, 1);
    assert_string_equal(r.fame.name, "Bot0");
    q = record_req(e, "BOTO", H1);
    r = run(e->s, &q);
    assert_int_equal(r.result, STORAGE_OK);
    assert_int_equal(r.rank, 1);
    assert_false(r.fresh);
    q = record_req(e, "Other", "");
    r = run(e->s, &q);
    assert_int_equal(r.rank, 2);
    assert_true(r.fresh);

    /* A claim for the row recorded without one: set once. */
    memset(&q, 0, sizeof q);
    q.op = STORE_FAME_SET_CLAIM;
    q.fame.rank = 1;
    snprintf(q.fame.claim_hash, sizeof q.fame.claim_hash, "%s", H1);
    r = run(e->s, &q);
    assert_int_equal(r.result, STORAGE_OK);
    assert_true(r.set);
    r = run(e->s, &q);
    assert_int_equal(r.result, STORAGE_OK);
    assert_false(r.set);
}

/* More rows than one batch: all of them, in rank order, in several batches. */
static void test_fame_batches(void **state)
{
    Env *e = *state;
    enum { ROWS = 300, CHUNK = 100 };
    _Static_assert((int)ROWS > (int)STORE_FAME_BATCH && (int)CHUNK <= (int)STORE_QUEUE_MAX,
                   "more than a batch");
    FameRow none[1];
    int n = 0, total = 0;
    assert_false(store_take_fame(e->s, none, 1, &n, &total)); /* an empty hall of fame */
    char name[32];
    for (int c = 0; c < ROWS / CHUNK; c++) {
        uint64_t seq[CHUNK];
        for (int i = 0; i < CHUNK; i++) {
            snprintf(name, sizeof name, "finder%d", c * CHUNK + i);
            StoreReq q = record_req(e, name, "");
            assert_true(store_submit(e->s, &q, &seq[i]));
        }
        for (int i = 0; i < CHUNK; i++) {
            StoreReply r;
            wait_reply(e->s, &r);
            assert_int_equal(r.seq, seq[i]);
            assert_int_equal(r.result, STORAGE_OK);
            assert_true(r.fresh);
            assert_int_equal(r.rank, c * CHUNK + i + 1);
        }
    }
    unsigned unsaved = 9;
    store_close(e->s, 2000, &unsaved);
    assert_int_equal(unsaved, 0);

    e->s = open_sqlite(e);
    FameRow *rows = calloc(ROWS + STORE_FAME_BATCH, sizeof *rows);
    assert_non_null(rows);
    int got = 0, batches = 0;
    /* The first batch is there when store_open returns. */
    assert_true(store_take_fame(e->s, rows, STORE_FAME_BATCH, &n, &total));
    assert_int_equal(n, STORE_FAME_BATCH);
    assert_int_equal(total, ROWS);
    got = n;
    batches = 1;
    while (got < ROWS) {
        n = wait_fame(e->s, rows + got, STORE_FAME_BATCH, &total);
        assert_true(n > 0 && n <= STORE_FAME_BATCH);
        assert_int_equal(total, ROWS);
        got += n;
        batches++;
    }
    assert_int_equal(got, ROWS);
    assert_int_equal(batches, 2);
    for (int i = 0; i < ROWS; i++) {
        assert_int_equal(rows[i].rank, i + 1);
        snprintf(name, sizeof name, "finder%d", i);
        assert_string_equal(rows[i].name, name);
    }
    free(rows);
}

/* A PostgreSQL that cannot be reached: a store that says so, keeps STORE_QUEUE_MAX requests,
 * and closes at once when asked not to wait, saying how many were not stored. */
static void test_lost_backend(void **state)
{
    Env *e = *state;
    char err[256] = "";
    uint64_t t0 = mono_ms();
    Store *s = store_open(LOST_URI, e->dir, e->names, err, sizeof err);
    assert_non_null(s);
    assert_true(store_is_postgres(s));
    StoreStatus ss;
    store_status(s, &ss, NULL);
    assert_false(ss.connected);
    assert_true(ss.lost >= 1);
    assert_true(ss.why[0] != '\0');
    /* changed: once, and only reset by a call that asks. */
    bool changed = false;
    store_status(s, &ss, NULL);
    store_status(s, &ss, &changed);
    assert_true(changed);
    store_status(s, &ss, &changed);
    assert_false(changed);
    Ban list[2];
    unsigned n = 0;
    uint64_t done = 0;
    assert_false(store_take_bans(s, list, 2, &n, &done)); /* no list loaded */

    StoreReq q;
    memset(&q, 0, sizeof q);
    q.op = STORE_BAN_PUT;
    q.ban = ip_ban("192.0.2.1", "");
    uint64_t seq = 0, last = 0;
    for (unsigned i = 0; i < STORE_QUEUE_MAX; i++) {
        assert_true(store_submit(s, &q, &seq));
        assert_true(seq > last);
        last = seq;
    }
    seq = 0;
    assert_false(store_submit(s, &q, &seq));
    assert_int_equal(seq, 0);
    store_status(s, &ss, NULL);
    assert_int_equal(ss.queued, STORE_QUEUE_MAX);
    assert_false(ss.connected);
    assert_int_equal(ss.done, 0);
    StoreReply r;
    assert_false(store_take_reply(s, &r));

    unsigned unsaved = 0;
    uint64_t t1 = mono_ms();
    store_close(s, 0, &unsaved);
    uint64_t t2 = mono_ms();
    assert_int_equal(unsaved, STORE_QUEUE_MAX);
    if (t2 - t1 >= 2000 || t1 - t0 >= 2000)
        fail_msg("store_open took %llu ms, store_close %llu ms", (unsigned long long)(t1 - t0),
                 (unsigned long long)(t2 - t1));
}

/* The reply queue full (STORE_QUEUE_MAX replies nobody took) and a request waiting: at
 * store_close the worker still writes it (nobody will read replies any more, so the oldest one
 * makes room) and stops well within drain_ms. (It used to sleep until the next periodic reload,
 * up to STORE_RELOAD_S, and leave the request unwritten.) */
static void test_close_with_replies_full(void **state)
{
    Env *e = *state;
    char name[32];
    for (unsigned i = 0; i < STORE_QUEUE_MAX; i++) {
        snprintf(name, sizeof name, "finder%u", i);
        StoreReq q = record_req(e, name, "");
        uint64_t seq;
        assert_true(store_submit(e->s, &q, &seq));
    }
    StoreStatus ss;
    for (int i = 0; i < WAIT_STEPS; i++) {
        store_status(e->s, &ss, NULL);
        if (ss.done == STORE_QUEUE_MAX)
            break;
        nap();
    }
    assert_int_equal(ss.done, STORE_QUEUE_MAX);
    StoreReq q = record_req(e, "onemore", "");
    uint64_t seq;
    assert_true(store_submit(e->s, &q, &seq));
    unsigned unsaved = 0;
    uint64_t t0 = mono_ms();
    store_close(e->s, 200, &unsaved);
    uint64_t took = mono_ms() - t0;
    e->s = NULL;
    assert_int_equal(unsaved, 0);
    if (took >= 2000)
        fail_msg("store_close(s, 200 ms) took %llu ms", (unsigned long long)took);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_initial_bans, setup_bare, teardown),
        cmocka_unit_test_setup_teardown(test_ban_put_and_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fame_record_and_claim, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fame_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lost_backend, setup_bare, teardown),
        cmocka_unit_test_setup_teardown(test_close_with_replies_full, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
