/* fame.c — see fame.h. Uses Debian's libsqlite3 with prepared statements only, and
 * libsodium's BLAKE2b for the claim hashes. */
#include "fame.h"

#include <errno.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { HASH_BYTES = 32, HASH_HEX = 2 * HASH_BYTES + 1 };

struct Fame {
    sqlite3 *db;
    char path[600];
};

static const char schema[] = "CREATE TABLE IF NOT EXISTS hall_of_fame ("
                             " rank INTEGER PRIMARY KEY AUTOINCREMENT,"
                             " name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
                             " found_at TEXT NOT NULL,"
                             " map TEXT NOT NULL);";

/* Columns added by protocol version 2 (names by confusable key, claim secrets). */
static bool has_column(sqlite3 *db, const char *column)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info('hall_of_fame');", -1, &st,
                           NULL) == SQLITE_OK)
        while (!found && sqlite3_step(st) == SQLITE_ROW) {
            const unsigned char *t = sqlite3_column_text(st, 0);
            found = t != NULL && strcmp((const char *)t, column) == 0;
        }
    sqlite3_finalize(st);
    return found;
}

/* Fills name_key and name_key2 for rows written before keys existed. */
static bool backfill_keys(sqlite3 *db, Names *names)
{
    sqlite3_stmt *sel = NULL, *upd = NULL;
    bool ok = sqlite3_prepare_v2(db,
                                 "SELECT rank, name FROM hall_of_fame WHERE name_key IS NULL OR "
                                 "name_key2 IS NULL;",
                                 -1, &sel, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(db,
                                 "UPDATE hall_of_fame SET name_key = ?1, name_key2 = ?2 WHERE "
                                 "rank = ?3;",
                                 -1, &upd, NULL) == SQLITE_OK;
    while (ok && sqlite3_step(sel) == SQLITE_ROW) {
        const unsigned char *name = sqlite3_column_text(sel, 1);
        char key[NAME_KEY_MAX + 1], alt[NAME_KEY_MAX + 1];
        if (name == NULL || !names_keys(names, (const char *)name, key, alt, sizeof key)) {
            snprintf(key, sizeof key, "#%d", sqlite3_column_int(sel, 0)); /* unmatchable */
            snprintf(alt, sizeof alt, "%s", key);
        }
        sqlite3_reset(upd);
        ok = sqlite3_bind_text(upd, 1, key, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
             sqlite3_bind_text(upd, 2, alt, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
             sqlite3_bind_int(upd, 3, sqlite3_column_int(sel, 0)) == SQLITE_OK &&
             sqlite3_step(upd) == SQLITE_DONE;
    }
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    return ok;
}

static bool upgrade(sqlite3 *db, Names *names)
{
    if (!has_column(db, "name_key") &&
        sqlite3_exec(db, "ALTER TABLE hall_of_fame ADD COLUMN name_key TEXT;", NULL, NULL, NULL) !=
            SQLITE_OK)
        return false;
    if (!has_column(db, "name_key2") &&
        sqlite3_exec(db, "ALTER TABLE hall_of_fame ADD COLUMN name_key2 TEXT;", NULL, NULL, NULL) !=
            SQLITE_OK)
        return false;
    if (!has_column(db, "claim_hash") &&
        sqlite3_exec(db, "ALTER TABLE hall_of_fame ADD COLUMN claim_hash TEXT;", NULL, NULL,
                     NULL) != SQLITE_OK)
        return false;
    return sqlite3_exec(db,
                        "CREATE INDEX IF NOT EXISTS hall_of_fame_key ON hall_of_fame(name_key);"
                        "CREATE INDEX IF NOT EXISTS hall_of_fame_key2 ON hall_of_fame(name_key2);",
                        NULL, NULL, NULL) == SQLITE_OK &&
           backfill_keys(db, names);
}

Fame *fame_open(const char *data_dir, Names *names, char *err, size_t errlen)
{
    if (mkdir(data_dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create data directory %s: %s", data_dir, strerror(errno));
        return NULL;
    }
    Fame *f = calloc(1, sizeof *f);
    if (f == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    int n = snprintf(f->path, sizeof f->path, "%s/arena.db", data_dir);
    if (n < 0 || (size_t)n >= sizeof f->path) {
        snprintf(err, errlen, "data directory path too long");
        free(f);
        return NULL;
    }
    char *msg = NULL;
    if (sqlite3_open_v2(f->path, &f->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
            SQLITE_OK ||
        sqlite3_busy_timeout(f->db, 1000) != SQLITE_OK ||
        sqlite3_exec(f->db, schema, NULL, NULL, &msg) != SQLITE_OK || !upgrade(f->db, names)) {
        snprintf(err, errlen, "%s: %s", f->path, msg ? msg : sqlite3_errmsg(f->db));
        sqlite3_free(msg);
        fame_close(f);
        return NULL;
    }
    return f;
}

void fame_close(Fame *f)
{
    if (f == NULL)
        return;
    sqlite3_close(f->db);
    free(f);
}

const char *fame_path(const Fame *f)
{
    return f->path;
}

static void hash_hex(const uint8_t secret[FAME_SECRET_BYTES], char hex[HASH_HEX])
{
    unsigned char h[HASH_BYTES];
    crypto_generichash(h, sizeof h, secret, FAME_SECRET_BYTES, NULL, 0);
    sodium_bin2hex(hex, HASH_HEX, h, sizeof h);
}

/* The lowest rank of a row whose keys match (key, alt), and its claim hash ("" if none).
 * 0 if absent, -1 on error. */
static int lookup(Fame *f, const char *key, const char *alt, char hash[HASH_HEX])
{
    sqlite3_stmt *st = NULL;
    int rank = -1;
    hash[0] = '\0';
    if (sqlite3_prepare_v2(f->db,
                           "SELECT rank, claim_hash FROM hall_of_fame WHERE name_key IN (?1, ?2) "
                           "OR name_key2 IN (?1, ?2) ORDER BY rank LIMIT 1;",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
        sqlite3_bind_text(st, 2, alt, -1, SQLITE_TRANSIENT) == SQLITE_OK) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            rank = sqlite3_column_int(st, 0);
            const unsigned char *t = sqlite3_column_text(st, 1);
            if (t != NULL && strlen((const char *)t) == HASH_HEX - 1)
                memcpy(hash, t, HASH_HEX);
        } else if (rc == SQLITE_DONE) {
            rank = 0;
        }
    }
    sqlite3_finalize(st);
    return rank;
}

int fame_rank(Fame *f, const char *key, const char *alt)
{
    char hash[HASH_HEX];
    return lookup(f, key, alt, hash);
}

FameClaim fame_claim(Fame *f, const char *key, const char *alt, const uint8_t *secret, int *rank)
{
    char stored[HASH_HEX];
    int r = lookup(f, key, alt, stored);
    if (rank != NULL)
        *rank = r > 0 ? r : 0;
    if (r < 0)
        return FAME_ERROR;
    if (r == 0)
        return FAME_NOT_LEGEND;
    if (stored[0] == '\0')
        return FAME_CLAIM_UNSET;
    if (secret == NULL)
        return FAME_CLAIM_WRONG;
    char given[HASH_HEX];
    hash_hex(secret, given);
    return sodium_memcmp(given, stored, HASH_HEX - 1) == 0 ? FAME_CLAIM_OK : FAME_CLAIM_WRONG;
}

bool fame_set_claim(Fame *f, const char *key, const char *alt,
                    const uint8_t secret[FAME_SECRET_BYTES])
{
    char hex[HASH_HEX], stored[HASH_HEX];
    int rank = lookup(f, key, alt, stored);
    if (rank <= 0 || stored[0] != '\0')
        return false;
    hash_hex(secret, hex);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(f->db,
                                "UPDATE hall_of_fame SET claim_hash = ?1 WHERE rank = ?2 AND "
                                "claim_hash IS NULL;",
                                -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 2, rank);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE && sqlite3_changes(f->db) > 0;
}

bool fame_record(Fame *f, const char *name, const char *key, const char *alt, const char *map,
                 const uint8_t secret[FAME_SECRET_BYTES], int *rank, bool *new_entry, char *err,
                 size_t errlen)
{
    int old = fame_rank(f, key, alt);
    if (old > 0) {
        *rank = old;
        *new_entry = false;
        return true;
    }
    char hex[HASH_HEX];
    hash_hex(secret, hex);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(f->db,
                                "INSERT INTO hall_of_fame (name, found_at, map, name_key, "
                                "name_key2, claim_hash) VALUES (?1, strftime('%Y-%m-%d "
                                "%H:%M:%S', 'now'), ?2, ?3, ?4, ?5);",
                                -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 2, map, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 3, key, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 4, alt, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 5, hex, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "%s: %s", f->path, sqlite3_errmsg(f->db));
        return false;
    }
    *rank = (int)sqlite3_last_insert_rowid(f->db);
    *new_entry = true;
    return true;
}

int fame_list(Fame *f, FameEntry *out, int cap, int *total)
{
    sqlite3_stmt *st = NULL;
    if (total != NULL) {
        *total = 0;
        if (sqlite3_prepare_v2(f->db, "SELECT count(*) FROM hall_of_fame;", -1, &st, NULL) !=
                SQLITE_OK ||
            sqlite3_step(st) != SQLITE_ROW) {
            sqlite3_finalize(st);
            return -1;
        }
        *total = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    if (sqlite3_prepare_v2(f->db,
                           "SELECT rank, name, found_at, map FROM hall_of_fame ORDER BY rank "
                           "LIMIT ?1;",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_int(st, 1, cap) != SQLITE_OK) {
        sqlite3_finalize(st);
        return -1;
    }
    int n = 0, rc;
    while (n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        FameEntry *e = &out[n++];
        e->rank = sqlite3_column_int(st, 0);
        const unsigned char *t;
        t = sqlite3_column_text(st, 1);
        snprintf(e->name, sizeof e->name, "%s", t ? (const char *)t : "");
        t = sqlite3_column_text(st, 2);
        snprintf(e->found_at, sizeof e->found_at, "%s", t ? (const char *)t : "");
        t = sqlite3_column_text(st, 3);
        snprintf(e->map, sizeof e->map, "%s", t ? (const char *)t : "");
    }
    sqlite3_finalize(st);
    return n;
}
