/* storage_sqlite.c — the SQLite back-end of storage.h: <data_dir>/arena.db, prepared statements
 * only, every column read as text and decoded by storage_rows.c.
 *
 * Schema versions (table schema_version, one row):
 *   1: hall_of_fame (rank, name, found_at, map, name_key, name_key2, claim_hash) and bans. A
 *      file from before versions existed is brought to 1 by the same migration: it adds what is
 *      missing (IF NOT EXISTS, ADD COLUMN) and fills the keys of rows written before keys. */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "storage_impl.h"
#include "storage_rows.h"

typedef struct Lite {
    sqlite3 *db;
    Names *names;
} Lite;

static StorageResult fail(Lite *l, char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s: %s", what, sqlite3_errmsg(l->db));
    int rc = sqlite3_errcode(l->db);
    return rc == SQLITE_BUSY || rc == SQLITE_LOCKED || rc == SQLITE_IOERR || rc == SQLITE_FULL ||
                   rc == SQLITE_CANTOPEN
               ? STORAGE_LOST
               : STORAGE_FAILED;
}

/* Binds text parameters 1..n (NULL binds SQL NULL). */
static bool bind_texts(sqlite3_stmt *st, int n, const char *const *v)
{
    for (int i = 0; i < n; i++)
        if (sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_TRANSIENT) != SQLITE_OK)
            return false;
    return true;
}

/* Runs one statement with text parameters; true when it completed. */
static bool run(Lite *l, const char *sql, int n, const char *const *v)
{
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) == SQLITE_OK && bind_texts(st, n, v);
    if (ok) {
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            ;
        ok = rc == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    return ok;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static bool has_column(Lite *l, const char *column)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    if (sqlite3_prepare_v2(l->db, "SELECT name FROM pragma_table_info('hall_of_fame');", -1, &st,
                           NULL) == SQLITE_OK)
        while (!found && sqlite3_step(st) == SQLITE_ROW) {
            const char *t = col_text(st, 0);
            found = t != NULL && strcmp(t, column) == 0;
        }
    sqlite3_finalize(st);
    return found;
}

/* Fills name_key and name_key2 for rows written before keys existed. */
static bool backfill_keys(Lite *l)
{
    sqlite3_stmt *sel = NULL;
    bool ok = sqlite3_prepare_v2(l->db,
                                 "SELECT rank, name FROM hall_of_fame WHERE name_key IS NULL OR "
                                 "name_key2 IS NULL;",
                                 -1, &sel, NULL) == SQLITE_OK;
    while (ok && sqlite3_step(sel) == SQLITE_ROW) {
        const char *name = col_text(sel, 1), *rank = col_text(sel, 0);
        char key[NAME_KEY_MAX + 1], alt[NAME_KEY_MAX + 1];
        if (name == NULL || l->names == NULL || !names_keys(l->names, name, key, alt, sizeof key)) {
            snprintf(key, sizeof key, "#%s", rank != NULL ? rank : "?"); /* unmatchable */
            snprintf(alt, sizeof alt, "%s", key);
        }
        const char *v[] = {key, alt, rank};
        ok = run(l, "UPDATE hall_of_fame SET name_key = ?1, name_key2 = ?2 WHERE rank = ?3;", 3, v);
    }
    sqlite3_finalize(sel);
    return ok;
}

static const char v1_tables[] =
    "CREATE TABLE IF NOT EXISTS hall_of_fame ("
    " rank INTEGER PRIMARY KEY AUTOINCREMENT,"
    " name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    " found_at TEXT NOT NULL,"
    " map TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS bans ("
    " kind INTEGER NOT NULL, target TEXT NOT NULL, target2 TEXT NOT NULL, label TEXT NOT NULL,"
    " until INTEGER NOT NULL, reason TEXT NOT NULL, created TEXT NOT NULL,"
    " PRIMARY KEY (kind, target));";

static bool migrate_v1(Lite *l)
{
    static const char *const columns[] = {"name_key", "name_key2", "claim_hash"};
    if (sqlite3_exec(l->db, v1_tables, NULL, NULL, NULL) != SQLITE_OK)
        return false;
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++) {
        char sql[96];
        snprintf(sql, sizeof sql, "ALTER TABLE hall_of_fame ADD COLUMN %s TEXT;", columns[i]);
        if (!has_column(l, columns[i]) && sqlite3_exec(l->db, sql, NULL, NULL, NULL) != SQLITE_OK)
            return false;
    }
    return sqlite3_exec(l->db,
                        "CREATE INDEX IF NOT EXISTS hall_of_fame_key ON hall_of_fame(name_key);"
                        "CREATE INDEX IF NOT EXISTS hall_of_fame_key2 ON hall_of_fame(name_key2);",
                        NULL, NULL, NULL) == SQLITE_OK &&
           backfill_keys(l);
}

static int lite_schema_version(void *impl)
{
    Lite *l = impl;
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(l->db, "SELECT version FROM schema_version;", -1, &st, NULL) !=
        SQLITE_OK)
        return sqlite3_errcode(l->db) == SQLITE_ERROR ? 0 : -1; /* no table: before versions */
    int64_t n = 0;
    if (sqlite3_step(st) == SQLITE_ROW && storage_parse_int64(col_text(st, 0), 0, 1000000, &n))
        v = (int)n;
    else
        v = 0;
    sqlite3_finalize(st);
    return v;
}

/* Brings the file to STORAGE_SCHEMA_VERSION in one transaction. */
static bool migrate(Lite *l, char *err, size_t errlen)
{
    if (sqlite3_exec(l->db, "BEGIN IMMEDIATE;", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot begin: %s", sqlite3_errmsg(l->db));
        return false;
    }
    int v = lite_schema_version(l);
    bool ok = v >= 0;
    if (ok && v > STORAGE_SCHEMA_VERSION) {
        snprintf(err, errlen,
                 "the file's schema is version %d, newer than this server's %d: "
                 "upgrade the server",
                 v, STORAGE_SCHEMA_VERSION);
        sqlite3_exec(l->db, "ROLLBACK;", NULL, NULL, NULL);
        return false;
    }
    if (ok && v < 1)
        ok = migrate_v1(l);
    if (ok && v < STORAGE_SCHEMA_VERSION) {
        char set[192];
        snprintf(set, sizeof set,
                 "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);"
                 "DELETE FROM schema_version; INSERT INTO schema_version VALUES (%d);",
                 STORAGE_SCHEMA_VERSION);
        ok = sqlite3_exec(l->db, set, NULL, NULL, NULL) == SQLITE_OK;
    }
    if (!ok || sqlite3_exec(l->db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot migrate the schema: %s", sqlite3_errmsg(l->db));
        sqlite3_exec(l->db, "ROLLBACK;", NULL, NULL, NULL);
        return false;
    }
    return true;
}

static void lite_close(void *impl)
{
    Lite *l = impl;
    if (l == NULL)
        return;
    sqlite3_close(l->db);
    free(l);
}

void *storage_sqlite_open(const char *data_dir, Names *names, char *name, size_t namelen, char *err,
                          size_t errlen)
{
    if (mkdir(data_dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create data directory %s: %s", data_dir, strerror(errno));
        return NULL;
    }
    int n = snprintf(name, namelen, "%s/arena.db", data_dir);
    Lite *l = calloc(1, sizeof *l);
    if (l == NULL || n < 0 || (size_t)n >= namelen) {
        snprintf(err, errlen, l == NULL ? "out of memory" : "data directory path too long");
        free(l);
        return NULL;
    }
    l->names = names;
    if (sqlite3_open_v2(name, &l->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
            SQLITE_OK ||
        sqlite3_busy_timeout(l->db, 1000) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", name, sqlite3_errmsg(l->db));
        lite_close(l);
        return NULL;
    }
    char why[400];
    if (!migrate(l, why, sizeof why)) {
        snprintf(err, errlen, "%s: %s", name, why);
        lite_close(l);
        return NULL;
    }
    return l;
}

static bool lite_connected(const void *impl)
{
    (void)impl;
    return true;
}

static StorageResult lite_reconnect(void *impl, char *err, size_t errlen)
{
    (void)impl;
    (void)err;
    (void)errlen;
    return STORAGE_OK;
}

static StorageResult lite_bans_load(void *impl, int64_t now, Ban *out, unsigned cap, unsigned *n,
                                    char *err, size_t errlen)
{
    Lite *l = impl;
    char when[24];
    snprintf(when, sizeof when, "%lld", (long long)now);
    const char *v[] = {when};
    if (!run(l, "DELETE FROM bans WHERE until != 0 AND until <= CAST(?1 AS INTEGER);", 1, v))
        return fail(l, err, errlen, "cannot delete expired bans");
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(l->db,
                           "SELECT kind, target, target2, label, until, reason FROM bans ORDER "
                           "BY created, rowid;",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(l, err, errlen, "cannot read the bans");
    int rc = SQLITE_ROW;
    while (*n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *col[6];
        for (int i = 0; i < 6; i++)
            col[i] = col_text(st, i);
        if (storage_ban_from_text(col, &out[*n]))
            (*n)++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fail(l, err, errlen, "cannot read the bans");
    return STORAGE_OK;
}

static StorageResult lite_ban_put(void *impl, const Ban *b, char *err, size_t errlen)
{
    Lite *l = impl;
    char kind[8], until[24];
    snprintf(kind, sizeof kind, "%d", (int)b->kind);
    snprintf(until, sizeof until, "%lld", (long long)b->until);
    const char *v[] = {kind, b->target, b->target2, b->label, until, b->reason};
    if (!run(l,
             "INSERT OR REPLACE INTO bans (kind, target, target2, label, until, reason, created) "
             "VALUES (CAST(?1 AS INTEGER), ?2, ?3, ?4, CAST(?5 AS INTEGER), ?6, "
             "strftime('%Y-%m-%d %H:%M:%f', 'now'));",
             6, v))
        return fail(l, err, errlen, "cannot store the ban");
    return STORAGE_OK;
}

static StorageResult lite_ban_delete(void *impl, BanKind kind, const char *target, const char *alt,
                                     int *removed, char *err, size_t errlen)
{
    Lite *l = impl;
    char k[8];
    snprintf(k, sizeof k, "%d", (int)kind);
    const char *v[] = {k, target, alt};
    if (!run(l,
             "DELETE FROM bans WHERE kind = CAST(?1 AS INTEGER) AND (target IN (?2, ?3) OR "
             "(target2 != '' AND target2 IN (?2, ?3)));",
             3, v))
        return fail(l, err, errlen, "cannot remove the ban");
    *removed = sqlite3_changes(l->db);
    return STORAGE_OK;
}

static StorageResult lite_fame_load(void *impl, int after, FameRow *out, int cap, int *n,
                                    int *total, char *err, size_t errlen)
{
    Lite *l = impl;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(l->db, "SELECT count(*) FROM hall_of_fame;", -1, &st, NULL) !=
            SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return fail(l, err, errlen, "cannot count the hall of fame");
    }
    *total = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(l->db,
                           "SELECT rank, name, name_key, name_key2, found_at, map, claim_hash "
                           "FROM hall_of_fame WHERE rank > ?1 ORDER BY rank LIMIT ?2;",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_int(st, 1, after) != SQLITE_OK || sqlite3_bind_int(st, 2, cap) != SQLITE_OK) {
        sqlite3_finalize(st);
        return fail(l, err, errlen, "cannot read the hall of fame");
    }
    int rc = SQLITE_ROW;
    while (*n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *col[7];
        for (int i = 0; i < 7; i++)
            col[i] = col_text(st, i);
        if (storage_fame_from_text(col, &out[*n]))
            (*n)++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fail(l, err, errlen, "cannot read the hall of fame");
    return STORAGE_OK;
}

/* The lowest rank whose keys match (key, alt): > 0, 0 if none, -1 on error. */
static int lookup(Lite *l, const char *key, const char *alt)
{
    sqlite3_stmt *st = NULL;
    int rank = -1;
    const char *v[] = {key, alt};
    if (sqlite3_prepare_v2(l->db,
                           "SELECT rank FROM hall_of_fame WHERE name_key IN (?1, ?2) OR "
                           "name_key2 IN (?1, ?2) ORDER BY rank LIMIT 1;",
                           -1, &st, NULL) == SQLITE_OK &&
        bind_texts(st, 2, v)) {
        int rc = sqlite3_step(st);
        rank = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : rc == SQLITE_DONE ? 0 : -1;
    }
    sqlite3_finalize(st);
    return rank;
}

static StorageResult lite_fame_record(void *impl, const char *name, const char *key,
                                      const char *alt, const char *map, const char *claim_hash,
                                      int *rank, bool *fresh, char *err, size_t errlen)
{
    Lite *l = impl;
    if (sqlite3_exec(l->db, "BEGIN IMMEDIATE;", NULL, NULL, NULL) != SQLITE_OK)
        return fail(l, err, errlen, "cannot record the find");
    int old = lookup(l, key, alt);
    const char *v[] = {name, map, key, alt, claim_hash};
    bool ok = old >= 0 &&
              (old > 0 || run(l,
                              "INSERT INTO hall_of_fame (name, found_at, map, name_key, name_key2, "
                              "claim_hash) VALUES (?1, strftime('%Y-%m-%d %H:%M:%S', 'now'), ?2, "
                              "?3, ?4, NULLIF(?5, ''));",
                              5, v));
    if (!ok) {
        StorageResult r = fail(l, err, errlen, "cannot record the find");
        sqlite3_exec(l->db, "ROLLBACK;", NULL, NULL, NULL);
        return r;
    }
    *rank = old > 0 ? old : (int)sqlite3_last_insert_rowid(l->db);
    *fresh = old == 0;
    if (sqlite3_exec(l->db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK) {
        StorageResult r = fail(l, err, errlen, "cannot record the find");
        sqlite3_exec(l->db, "ROLLBACK;", NULL, NULL, NULL);
        *rank = 0;
        *fresh = false;
        return r;
    }
    return STORAGE_OK;
}

static StorageResult lite_fame_set_claim(void *impl, int rank, const char *claim_hash, bool *set,
                                         char *err, size_t errlen)
{
    Lite *l = impl;
    char r[16];
    snprintf(r, sizeof r, "%d", rank);
    const char *v[] = {claim_hash, r};
    if (!run(l,
             "UPDATE hall_of_fame SET claim_hash = ?1 WHERE rank = CAST(?2 AS INTEGER) AND "
             "(claim_hash IS NULL OR claim_hash = '');",
             2, v))
        return fail(l, err, errlen, "cannot store the claim");
    *set = sqlite3_changes(l->db) > 0;
    return STORAGE_OK;
}

static int lite_socket(const void *impl)
{
    (void)impl;
    return -1;
}

static unsigned lite_take_changes(void *impl)
{
    (void)impl;
    return 0;
}

const StorageOps storage_sqlite_ops = {
    .close = lite_close,
    .connected = lite_connected,
    .reconnect = lite_reconnect,
    .schema_version = lite_schema_version,
    .bans_load = lite_bans_load,
    .ban_put = lite_ban_put,
    .ban_delete = lite_ban_delete,
    .fame_load = lite_fame_load,
    .fame_record = lite_fame_record,
    .fame_set_claim = lite_fame_set_claim,
    .socket = lite_socket,
    .take_changes = lite_take_changes,
};
