/* test_storage.c — the storage interface (storage.h) against whichever back-end the environment
 * names: PostgreSQL when ARENA_TEST_DATABASE holds a URI (tests/pg/with_postgres.sh starts a
 * throwaway server and sets it), else SQLite in a fresh temporary directory per test.
 *
 * Each test starts from an empty store: a new directory (SQLite), or the tables emptied through
 * libpq after the store has migrated them (PostgreSQL: the interface has no call for that).
 * Hostile rows are written the same way, behind the interface's back, as a hand edit would.
 *
 * What a player or operator would notice if it broke: a ban that does not hold, does not expire
 * or cannot be lifted; a legend's rank given twice or to a look-alike name; a claim that can be
 * overwritten; a hall of fame or ban list lost at a restart or at the upgrade from the old
 * file; a server that crashes or forgets its good rows because of one bad row. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "names.h"
#include "storage.h"
#include "tmp_dir.h"

static const char H1[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
static const char H2[] = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

typedef struct Env {
    const char *uri; /* PostgreSQL, or NULL for SQLite in dir */
    char dir[64];
    char file[96]; /* dir/arena.db */
    Names *names;
    Storage *st;
} Env;

static void env_open(Env *e)
{
    char err[256] = "";
    e->st = storage_open(e->uri != NULL ? e->uri : "", e->dir, e->names, err, sizeof err);
    if (e->st == NULL)
        fail_msg("storage_open: %s", err);
    if (!storage_connected(e->st))
        fail_msg("storage_open: not connected: %s", err);
}

static void env_close(Env *e)
{
    storage_close(e->st);
    e->st = NULL;
}

/* Runs SQL on the store's database behind the interface's back; false (with a message) if the
 * database refused it. */
static bool raw_sql(Env *e, const char *sql)
{
    if (e->uri != NULL) {
        PGconn *c = PQconnectdb(e->uri);
        if (PQstatus(c) != CONNECTION_OK)
            fail_msg("libpq: %s", PQerrorMessage(c));
        PGresult *r = PQexec(c, sql);
        bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
        if (!ok)
            print_message("PostgreSQL refused a row: %s", PQerrorMessage(c));
        PQclear(r);
        PQfinish(c);
        return ok;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(e->file, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK)
        fail_msg("sqlite3_open %s: %s", e->file, sqlite3_errmsg(db));
    sqlite3_busy_timeout(db, 2000);
    char *msg = NULL;
    bool ok = sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK;
    if (!ok)
        print_message("SQLite refused a row: %s\n", msg);
    sqlite3_free(msg);
    sqlite3_close(db);
    return ok;
}

/* An empty directory (SQLite) or a connection to the database; nothing opened yet. */
static int setup_bare(void **state)
{
    Env *e = calloc(1, sizeof *e);
    assert_non_null(e);
    const char *uri = getenv("ARENA_TEST_DATABASE");
    e->uri = uri != NULL && uri[0] != '\0' ? uri : NULL;
    snprintf(e->dir, sizeof e->dir, "/tmp/arena-storage-XXXXXX");
    assert_non_null(mkdtemp(e->dir));
    snprintf(e->file, sizeof e->file, "%s/arena.db", e->dir);
    char err[256];
    e->names = names_create(err, sizeof err);
    if (e->names == NULL)
        fail_msg("names_create: %s", err);
    *state = e;
    return 0;
}

/* An open, empty store. */
static int setup(void **state)
{
    setup_bare(state);
    Env *e = *state;
    env_open(e);
    if (e->uri != NULL)
        assert_true(raw_sql(e, "TRUNCATE hall_of_fame, bans RESTART IDENTITY;"));
    return 0;
}

static int teardown(void **state)
{
    Env *e = *state;
    storage_close(e->st);
    names_destroy(e->names);
    tmp_dir_remove(e->dir);
    free(e);
    return 0;
}

static Ban ip_ban(const char *addr, int64_t until, const char *reason)
{
    Ban b;
    memset(&b, 0, sizeof b);
    b.kind = BAN_IP;
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, addr, &a), 1);
    b.ip = a.s_addr;
    snprintf(b.target, sizeof b.target, "%s", addr);
    snprintf(b.label, sizeof b.label, "%s", addr);
    b.until = until;
    snprintf(b.reason, sizeof b.reason, "%s", reason);
    return b;
}

/* A name ban by the name's confusable keys, as the server makes one. */
static Ban name_ban(Env *e, const char *name, int64_t until, const char *reason)
{
    Ban b;
    memset(&b, 0, sizeof b);
    b.kind = BAN_NAME;
    assert_true(names_keys(e->names, name, b.target, b.target2, sizeof b.target));
    snprintf(b.label, sizeof b.label, "%s", name);
    b.until = until;
    snprintf(b.reason, sizeof b.reason, "%s", reason);
    return b;
}

static void put(Env *e, const Ban *b)
{
    char err[256] = "";
    StorageResult r = storage_ban_put(e->st, b, err, sizeof err);
    if (r != STORAGE_OK)
        fail_msg("storage_ban_put %s: %d %s", b->target, (int)r, err);
}

static unsigned load_bans(Env *e, int64_t now, Ban *out, unsigned cap)
{
    char err[256] = "";
    unsigned n = 12345;
    StorageResult r = storage_bans_load(e->st, now, out, cap, &n, err, sizeof err);
    if (r != STORAGE_OK)
        fail_msg("storage_bans_load: %d %s", (int)r, err);
    assert_true(n <= cap);
    return n;
}

static void assert_ban_equal(const Ban *got, const Ban *want)
{
    assert_int_equal(got->kind, want->kind);
    assert_int_equal(got->ip, want->ip);
    assert_string_equal(got->target, want->target);
    assert_string_equal(got->target2, want->target2);
    assert_string_equal(got->label, want->label);
    assert_true(got->until == want->until);
    assert_string_equal(got->reason, want->reason);
}

static int delete_bans(Env *e, BanKind kind, const char *target, const char *alt)
{
    char err[256] = "";
    int removed = -1;
    StorageResult r = storage_ban_delete(e->st, kind, target, alt, &removed, err, sizeof err);
    if (r != STORAGE_OK)
        fail_msg("storage_ban_delete %s: %d %s", target, (int)r, err);
    return removed;
}

static int record(Env *e, const char *name, const char *key, const char *alt, const char *map,
                  const char *hash, bool *fresh)
{
    char err[256] = "";
    int rank = -1;
    StorageResult r =
        storage_fame_record(e->st, name, key, alt, map, hash, &rank, fresh, err, sizeof err);
    if (r != STORAGE_OK)
        fail_msg("storage_fame_record %s: %d %s", name, (int)r, err);
    return rank;
}

/* Records a name with its keys from names.h. */
static int record_name(Env *e, const char *name, const char *hash, bool *fresh)
{
    char key[NAME_KEY_MAX + 1], alt[NAME_KEY_MAX + 1];
    assert_true(names_keys(e->names, name, key, alt, sizeof key));
    return record(e, name, key, alt, "arena", hash, fresh);
}

static int load_fame(Env *e, int after, FameRow *out, int cap, int *total)
{
    char err[256] = "";
    int n = -1;
    StorageResult r = storage_fame_load(e->st, after, out, cap, &n, total, err, sizeof err);
    if (r != STORAGE_OK)
        fail_msg("storage_fame_load: %d %s", (int)r, err);
    assert_true(n >= 0 && n <= cap);
    return n;
}

static bool set_claim(Env *e, int rank, const char *hash)
{
    char err[256] = "";
    bool set = true;
    StorageResult r = storage_fame_set_claim(e->st, rank, hash, &set, err, sizeof err);
    if (r != STORAGE_OK)
        fail_msg("storage_fame_set_claim %d: %d %s", rank, (int)r, err);
    return set;
}

/* found_at is "YYYY-MM-DD HH:MM:SS" in UTC, within a minute of now. */
static void assert_found_now(const char *found_at)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    assert_int_equal(strlen(found_at), 19);
    int consumed = 0;
    assert_int_equal(sscanf(found_at, "%4d-%2d-%2d %2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
                            &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed),
                     6);
    assert_int_equal(consumed, 19);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    long long skew = (long long)timegm(&tm) - (long long)time(NULL);
    if (skew < -60 || skew > 60)
        fail_msg("found_at %s is %lld s from now (not UTC?)", found_at, skew);
}

static void test_empty_store(void **state)
{
    Env *e = *state;
    assert_true(storage_connected(e->st));
    assert_int_equal(storage_schema_version(e->st), STORAGE_SCHEMA_VERSION);
    assert_true(storage_name(e->st)[0] != '\0');
    if (e->uri == NULL) {
        assert_string_equal(storage_name(e->st), e->file);
        assert_int_equal(storage_socket(e->st), -1); /* SQLite has nothing to listen on */
    }
    Ban bans[4];
    assert_int_equal(load_bans(e, (int64_t)time(NULL), bans, 4), 0);
    FameRow rows[4];
    int total = -1;
    assert_int_equal(load_fame(e, 0, rows, 4, &total), 0);
    assert_int_equal(total, 0);
}

static void test_ban_round_trip(void **state)
{
    Env *e = *state;
    int64_t now = (int64_t)time(NULL);
    Ban want[3] = {
        ip_ban("192.0.2.7", 0, "spam"),
        name_ban(e, "BotO", 4102444800, "rude words"), /* 2100: past 32 bits */
        ip_ban("198.51.100.255", now + 3600, ""),
    };
    put(e, &want[0]);
    put(e, &want[1]);
    put(e, &want[2]);
    Ban got[8];
    memset(got, 0x5a, sizeof got);
    assert_int_equal(load_bans(e, now, got, 8), 3);
    for (int i = 0; i < 3; i++) {
        const Ban *g = NULL;
        for (int j = 0; j < 3; j++)
            if (strcmp(got[j].target, want[i].target) == 0)
                g = &got[j];
        assert_non_null(g);
        assert_ban_equal(g, &want[i]);
    }
    /* The name ban holds the keys names.h gives the look-alike. */
    char key[NAME_KEY_MAX + 1], alt[NAME_KEY_MAX + 1];
    assert_true(names_keys(e->names, "bot0", key, alt, sizeof key));
    assert_true(name_keys_match(want[1].target, want[1].target2, key, alt));
}

static void test_ban_replaced_on_same_target(void **state)
{
    Env *e = *state;
    int64_t now = (int64_t)time(NULL);
    Ban a = ip_ban("192.0.2.1", 0, "first");
    put(e, &a);
    Ban b = ip_ban("192.0.2.1", now + 600, "second");
    snprintf(b.label, sizeof b.label, "relabelled");
    put(e, &b);
    Ban c = name_ban(e, "Cop", 0, "other kind, other target");
    put(e, &c);
    Ban got[4];
    assert_int_equal(load_bans(e, now, got, 4), 2);
    const Ban *ip = got[0].kind == BAN_IP ? &got[0] : &got[1];
    assert_ban_equal(ip, &b);
    /* Same target text, other kind: a second row, not a replacement. */
    Ban d;
    memset(&d, 0, sizeof d);
    d.kind = BAN_NAME;
    snprintf(d.target, sizeof d.target, "192.0.2.1");
    snprintf(d.label, sizeof d.label, "192.0.2.1");
    put(e, &d);
    assert_int_equal(load_bans(e, now, got, 4), 3);
}

static void test_ban_delete(void **state)
{
    Env *e = *state;
    int64_t now = (int64_t)time(NULL);
    Ban ip = ip_ban("192.0.2.1", 0, "");
    put(e, &ip);
    Ban named;
    memset(&named, 0, sizeof named);
    named.kind = BAN_NAME;
    snprintf(named.target, sizeof named.target, "key1");
    snprintf(named.target2, sizeof named.target2, "alt1");
    snprintf(named.label, sizeof named.label, "Name1");
    put(e, &named);

    /* Wrong kind, unknown target, an empty target against IP bans' empty target2: nothing. */
    assert_int_equal(delete_bans(e, BAN_NAME, "192.0.2.1", NULL), 0);
    assert_int_equal(delete_bans(e, BAN_NAME, "nobody", "noalt"), 0);
    assert_int_equal(delete_bans(e, BAN_IP, "", NULL), 0);
    Ban got[4];
    assert_int_equal(load_bans(e, now, got, 4), 2);

    /* A name ban found by its other key (alt NULL: target only). */
    assert_int_equal(delete_bans(e, BAN_NAME, "alt1", NULL), 1);
    assert_int_equal(load_bans(e, now, got, 4), 1);
    assert_int_equal(got[0].kind, BAN_IP);
    /* An alt that is the row's target. */
    put(e, &named);
    assert_int_equal(delete_bans(e, BAN_NAME, "other", "key1"), 1);
    /* By target, IP. */
    assert_int_equal(delete_bans(e, BAN_IP, "192.0.2.1", NULL), 1);
    assert_int_equal(load_bans(e, now, got, 4), 0);

    /* One call removes every row that matches, and says how many: a look-alike's keys. */
    Ban a = name_ban(e, "BotO", 0, "");
    Ban b;
    memset(&b, 0, sizeof b);
    b.kind = BAN_NAME;
    snprintf(b.target, sizeof b.target, "elsewhere");
    snprintf(b.target2, sizeof b.target2, "%s", a.target);
    put(e, &a);
    put(e, &b);
    put(e, &ip);
    char key[NAME_KEY_MAX + 1], alt[NAME_KEY_MAX + 1];
    assert_true(names_keys(e->names, "bot0", key, alt, sizeof key));
    assert_int_equal(delete_bans(e, BAN_NAME, key, alt), 2);
    assert_int_equal(load_bans(e, now, got, 4), 1);
    assert_int_equal(got[0].kind, BAN_IP);
}

static void test_ban_expiry(void **state)
{
    Env *e = *state;
    int64_t now = (int64_t)time(NULL);
    Ban past = ip_ban("192.0.2.1", now - 1, "past");
    Ban at_now = ip_ban("192.0.2.2", now, "ends now");
    Ban later = ip_ban("192.0.2.3", now + 3600, "later");
    Ban forever = name_ban(e, "Cop", 0, "forever");
    put(e, &past);
    put(e, &at_now);
    put(e, &later);
    put(e, &forever);
    Ban got[8];
    assert_int_equal(load_bans(e, now, got, 8), 2);
    for (int i = 0; i < 2; i++)
        assert_true(strcmp(got[i].reason, "later") == 0 || strcmp(got[i].reason, "forever") == 0);
    /* Deleted, not only hidden: a load at an earlier time does not bring them back. */
    assert_int_equal(load_bans(e, now - 100, got, 8), 2);
    /* An hour on, only the one without an end. */
    assert_int_equal(load_bans(e, now + 3600, got, 8), 1);
    assert_string_equal(got[0].reason, "forever");
    assert_int_equal(load_bans(e, now, got, 8), 1);
}

/* Oldest first, and cap honoured. Bans are a second apart so that a back-end ordering by a
 * creation time in seconds has no ties. */
static void test_ban_order_and_cap(void **state)
{
    Env *e = *state;
    int64_t now = (int64_t)time(NULL);
    const char *addr[3] = {"192.0.2.30", "192.0.2.10", "192.0.2.20"};
    for (int i = 0; i < 3; i++) {
        if (i > 0)
            sleep(1);
        Ban b = ip_ban(addr[i], 0, "");
        put(e, &b);
    }
    Ban got[4];
    memset(got, 0x5a, sizeof got);
    assert_int_equal(load_bans(e, now, got, 4), 3);
    for (int i = 0; i < 3; i++)
        assert_string_equal(got[i].target, addr[i]);
    memset(got, 0x5a, sizeof got);
    assert_int_equal(load_bans(e, now, got, 2), 2);
    assert_string_equal(got[0].target, addr[0]);
    assert_string_equal(got[1].target, addr[1]);
    assert_int_equal(((unsigned char *)&got[2])[0], 0x5a); /* nothing written past cap */
    assert_int_equal(load_bans(e, now, got, 0), 0);
}

static void test_fame_record_and_load(void **state)
{
    Env *e = *state;
    bool fresh = false;
    assert_int_equal(record_name(e, "BotO", H1, &fresh), 1);
    assert_true(fresh);
    assert_int_equal(record_name(e, "Cop", "", &fresh), 2);
    assert_true(fresh);
    assert_int_equal(record(e, "Third", "third", "thlrd", "dust", H2, &fresh), 3);
    assert_true(fresh);

    FameRow rows[8];
    memset(rows, 0x5a, sizeof rows);
    int total = -1;
    assert_int_equal(load_fame(e, 0, rows, 8, &total), 3);
    assert_int_equal(total, 3);
    char key[NAME_KEY_MAX + 1], alt[NAME_KEY_MAX + 1];
    assert_true(names_keys(e->names, "BotO", key, alt, sizeof key));
    assert_int_equal(rows[0].rank, 1);
    assert_string_equal(rows[0].name, "BotO");
    assert_string_equal(rows[0].key, key);
    assert_string_equal(rows[0].alt, alt);
    assert_string_equal(rows[0].map, "arena");
    assert_string_equal(rows[0].claim_hash, H1);
    assert_found_now(rows[0].found_at);
    assert_int_equal(rows[1].rank, 2);
    assert_string_equal(rows[1].name, "Cop");
    assert_string_equal(rows[1].claim_hash, "");
    assert_int_equal(rows[2].rank, 3);
    assert_string_equal(rows[2].name, "Third");
    assert_string_equal(rows[2].key, "third");
    assert_string_equal(rows[2].alt, "thlrd");
    assert_string_equal(rows[2].map, "dust");
    assert_string_equal(rows[2].claim_hash, H2);
    assert_found_now(rows[2].found_at);

    /* Only later ranks after N; total counts them all; cap honoured. */
    assert_int_equal(load_fame(e, 1, rows, 8, &total), 2);
    assert_int_equal(rows[0].rank, 2);
    assert_int_equal(rows[1].rank, 3);
    assert_int_equal(total, 3);
    assert_int_equal(load_fame(e, 3, rows, 8, &total), 0);
    assert_int_equal(total, 3);
    memset(rows, 0x5a, sizeof rows);
    assert_int_equal(load_fame(e, 0, rows, 2, NULL), 2);
    assert_int_equal(rows[1].rank, 2);
    assert_int_equal(((unsigned char *)&rows[2])[0], 0x5a);
}

static void test_fame_same_name_keeps_rank(void **state)
{
    Env *e = *state;
    bool fresh = true;
    assert_int_equal(record(e, "First", "k1", "a1", "arena", "", &fresh), 1);
    assert_true(fresh);
    /* Each pairing of the new name's keys with the row's: key=key, alt=key, key=key2,
     * alt=key2. None writes anything, not even a claim. */
    const char *try[4][2] = {{"k1", "y"}, {"x", "k1"}, {"a1", "y"}, {"x", "a1"}};
    for (int i = 0; i < 4; i++) {
        fresh = true;
        int rank = record(e, "Other", try[i][0], try[i][1], "dust", H1, &fresh);
        if (rank != 1 || fresh)
            fail_msg("keys (%s, %s): rank %d fresh %d", try[i][0], try[i][1], rank, fresh);
    }
    FameRow rows[4];
    int total = -1;
    assert_int_equal(load_fame(e, 0, rows, 4, &total), 1);
    assert_int_equal(total, 1);
    assert_string_equal(rows[0].name, "First");
    assert_string_equal(rows[0].map, "arena");
    assert_string_equal(rows[0].claim_hash, "");
    /* Look-alikes by names.h: the row of BotO is bot0's and ｂｏｔ０'s. */
    assert_int_equal(record_name(e, "BotO", "", &fresh), 2);
    assert_true(fresh);
    assert_int_equal(record_name(e, "bot0", H1, &fresh), 2);
    assert_false(fresh);
    assert_int_equal(record_name(e, "\xef\xbd\x82\xef\xbd\x8f\xef\xbd\x94\xef\xbc\x90", H1, &fresh),
                     2);
    assert_false(fresh);
    /* Keys that match nothing: a new rank. */
    assert_int_equal(record(e, "New", "x", "y", "arena", "", &fresh), 3);
    assert_true(fresh);
    assert_int_equal(load_fame(e, 0, rows, 4, &total), 3);
    assert_int_equal(total, 3);
    assert_string_equal(rows[1].claim_hash, "");
}

static void test_fame_set_claim(void **state)
{
    Env *e = *state;
    bool fresh = false;
    assert_int_equal(record_name(e, "BotO", "", &fresh), 1);
    assert_int_equal(record_name(e, "Cop", H2, &fresh), 2);
    assert_true(set_claim(e, 1, H1));
    assert_false(set_claim(e, 1, H2)); /* a claim is set once */
    assert_false(set_claim(e, 2, H1)); /* born with one */
    assert_false(set_claim(e, 3, H1)); /* no such rank */
    FameRow rows[4];
    int total = -1;
    assert_int_equal(load_fame(e, 0, rows, 4, &total), 2);
    assert_int_equal(total, 2);
    assert_string_equal(rows[0].claim_hash, H1);
    assert_string_equal(rows[1].claim_hash, H2);
}

static void test_reopen_keeps_everything(void **state)
{
    Env *e = *state;
    int64_t now = (int64_t)time(NULL);
    bool fresh = false;
    assert_int_equal(record_name(e, "BotO", "", &fresh), 1);
    assert_int_equal(record_name(e, "Cop", H2, &fresh), 2);
    assert_true(set_claim(e, 1, H1));
    Ban a = ip_ban("192.0.2.7", now + 3600, "spam");
    Ban b = name_ban(e, "Cop", 0, "rude");
    put(e, &a);
    put(e, &b);

    env_close(e);
    env_open(e);
    assert_int_equal(storage_schema_version(e->st), STORAGE_SCHEMA_VERSION);
    FameRow rows[4];
    int total = -1;
    assert_int_equal(load_fame(e, 0, rows, 4, &total), 2);
    assert_int_equal(total, 2);
    assert_string_equal(rows[0].name, "BotO");
    assert_string_equal(rows[0].claim_hash, H1);
    assert_string_equal(rows[1].name, "Cop");
    assert_string_equal(rows[1].claim_hash, H2);
    Ban got[4];
    assert_int_equal(load_bans(e, now, got, 4), 2);
    assert_ban_equal(got[0].kind == BAN_IP ? &got[0] : &got[1], &a);
    assert_ban_equal(got[0].kind == BAN_IP ? &got[1] : &got[0], &b);
    /* Ranks go on where they were; an old name keeps its rank. */
    assert_int_equal(record_name(e, "bot0", "", &fresh), 1);
    assert_false(fresh);
    assert_int_equal(record_name(e, "Third", "", &fresh), 3);
    assert_true(fresh);
}

/* An arena.db from before storage.h: hall_of_fame without keys or claims (fame.c's first
 * schema) and bans.c's table, each with a row. */
static void test_sqlite_legacy_file(void **state)
{
    Env *e = *state;
    if (e->uri != NULL)
        skip();
    assert_true(raw_sql(e, "CREATE TABLE hall_of_fame ("
                           " rank INTEGER PRIMARY KEY AUTOINCREMENT,"
                           " name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
                           " found_at TEXT NOT NULL,"
                           " map TEXT NOT NULL);"
                           "INSERT INTO hall_of_fame (name, found_at, map)"
                           " VALUES ('BotO', '2024-05-01 10:00:00', 'arena');"
                           "CREATE TABLE bans ("
                           " kind INTEGER NOT NULL, target TEXT NOT NULL, target2 TEXT NOT NULL,"
                           " label TEXT NOT NULL, until INTEGER NOT NULL, reason TEXT NOT NULL,"
                           " created TEXT NOT NULL, PRIMARY KEY (kind, target));"
                           "INSERT INTO bans VALUES (0, '192.0.2.7', '', '192.0.2.7', 0, 'old',"
                           " '2024-05-01 10:00:00');"));
    env_open(e);
    assert_int_equal(storage_schema_version(e->st), STORAGE_SCHEMA_VERSION);
    FameRow rows[4];
    int total = -1;
    assert_int_equal(load_fame(e, 0, rows, 4, &total), 1);
    assert_int_equal(total, 1);
    char key[NAME_KEY_MAX + 1], alt[NAME_KEY_MAX + 1];
    assert_true(names_keys(e->names, "BotO", key, alt, sizeof key));
    assert_int_equal(rows[0].rank, 1);
    assert_string_equal(rows[0].name, "BotO");
    assert_string_equal(rows[0].key, key);
    assert_string_equal(rows[0].alt, alt);
    assert_string_equal(rows[0].found_at, "2024-05-01 10:00:00");
    assert_string_equal(rows[0].map, "arena");
    assert_string_equal(rows[0].claim_hash, "");
    /* The backfilled keys are the ones look-alikes are matched by. */
    bool fresh = true;
    assert_int_equal(record_name(e, "bot0", H1, &fresh), 1);
    assert_false(fresh);
    assert_true(set_claim(e, 1, H1));
    assert_int_equal(record_name(e, "Cop", "", &fresh), 2);
    assert_true(fresh);
    Ban got[4];
    assert_int_equal(load_bans(e, (int64_t)time(NULL), got, 4), 1);
    Ban want = ip_ban("192.0.2.7", 0, "old");
    assert_ban_equal(&got[0], &want);
    /* A second open finds nothing left to migrate. */
    env_close(e);
    env_open(e);
    assert_int_equal(storage_schema_version(e->st), STORAGE_SCHEMA_VERSION);
    assert_int_equal(load_fame(e, 0, rows, 4, &total), 2);
    assert_string_equal(rows[0].claim_hash, H1);
}

/* Turns a good row bad behind the interface's back. If the database itself refuses the bad
 * value, the row stays good and is expected back; *expected counts the rows a load should
 * give. */
static void spoil(Env *e, const char *sql, unsigned *expected)
{
    if (!raw_sql(e, sql))
        (*expected)++;
}

static void test_hostile_rows_skipped(void **state)
{
    Env *e = *state;
    int64_t now = (int64_t)time(NULL);
    Ban good1 = ip_ban("192.0.2.1", 0, "good one");
    Ban bad_kind = ip_ban("192.0.2.2", 0, "");
    Ban not_addr = name_ban(e, "Cop", 0, "");
    Ban huge = ip_ban("192.0.2.3", 0, "");
    Ban good2 = name_ban(e, "BotO", 0, "good two");
    put(e, &good1);
    put(e, &bad_kind);
    put(e, &not_addr);
    put(e, &huge);
    put(e, &good2);
    unsigned expected = 2;
    spoil(e, "UPDATE bans SET kind = 7 WHERE target = '192.0.2.2';", &expected);
    char sql[11000];
    snprintf(sql, sizeof sql, "UPDATE bans SET kind = %d WHERE target = '%s';", (int)BAN_IP,
             not_addr.target);
    spoil(e, sql, &expected);
    int n = snprintf(sql, sizeof sql, "UPDATE bans SET reason = '");
    memset(sql + n, 'r', 10240);
    snprintf(sql + n + 10240, sizeof sql - (size_t)n - 10240, "' WHERE target = '192.0.2.3';");
    spoil(e, sql, &expected);

    Ban got[8];
    assert_int_equal(load_bans(e, now, got, 8), expected);
    bool saw1 = false, saw2 = false;
    for (unsigned i = 0; i < expected; i++) {
        if (strcmp(got[i].target, good1.target) == 0 && got[i].kind == BAN_IP) {
            assert_ban_equal(&got[i], &good1);
            saw1 = true;
        } else if (strcmp(got[i].target, good2.target) == 0) {
            assert_ban_equal(&got[i], &good2);
            saw2 = true;
        }
        assert_true(strlen(got[i].reason) <= BANS_REASON_MAX);
        if (got[i].kind == BAN_IP) {
            struct in_addr a;
            assert_int_equal(inet_pton(AF_INET, got[i].target, &a), 1);
        }
    }
    assert_true(saw1 && saw2);

    bool fresh = false;
    assert_int_equal(record_name(e, "First", H1, &fresh), 1);
    assert_int_equal(record_name(e, "Second", H1, &fresh), 2);
    assert_int_equal(record_name(e, "Third", "", &fresh), 3);
    int fame_expected = 2;
    if (!raw_sql(e, "UPDATE hall_of_fame SET claim_hash = 'zz' WHERE rank = 2;"))
        fame_expected = 3;
    FameRow rows[4];
    int total = -1;
    int got_rows = load_fame(e, 0, rows, 4, &total);
    assert_int_equal(got_rows, fame_expected);
    assert_int_equal(rows[0].rank, 1);
    assert_string_equal(rows[0].name, "First");
    assert_string_equal(rows[got_rows - 1].name, "Third");
    assert_true(total >= got_rows && total <= 3);
    if (total != 3)
        print_message("storage_fame_load: total %d leaves out the skipped row\n", total);
    /* The bad row still holds its rank: a new find does not take it. */
    assert_int_equal(record_name(e, "Fourth", "", &fresh), 4);
    assert_true(fresh);
}

/* A PostgreSQL server that cannot be reached gives a handle that says so, and calls that say
 * the connection is lost; the URI's password is never shown. */
static void test_unreachable_postgres(void **state)
{
    Env *e = *state;
    char err[256] = "";
    Storage *st = storage_open("postgresql://arena:sekrit@127.0.0.1:1/arena?connect_timeout=2",
                               e->dir, e->names, err, sizeof err);
    assert_non_null(st);
    assert_false(storage_connected(st));
    assert_true(err[0] != '\0');
    assert_null(strstr(storage_name(st), "sekrit"));
    assert_int_equal(storage_socket(st), -1);
    assert_int_equal(storage_reconnect(st, err, sizeof err), STORAGE_LOST);
    Ban b[2];
    unsigned n = 9;
    assert_int_equal(storage_bans_load(st, 0, b, 2, &n, err, sizeof err), STORAGE_LOST);
    assert_int_equal(n, 0);
    storage_close(st);
    /* A setting that is not a URI at all is refused before anything is opened. */
    assert_null(storage_open("mysql://x", e->dir, e->names, err, sizeof err));
}

int main(void)
{
    /* found_at must be UTC whatever the zone of the process or of the database session. */
    setenv("TZ", "Asia/Kolkata", 1);
    setenv("PGTZ", "Asia/Kolkata", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_empty_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ban_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ban_replaced_on_same_target, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ban_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ban_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ban_order_and_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fame_record_and_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fame_same_name_keeps_rank, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fame_set_claim, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_keeps_everything, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sqlite_legacy_file, setup_bare, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_rows_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreachable_postgres, setup_bare, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
