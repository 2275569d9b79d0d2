/* fame.c — see fame.h. Uses Debian's libsqlite3 with prepared statements only. */
#include "fame.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct Fame {
    sqlite3 *db;
    char path[600];
};

static const char schema[] = "CREATE TABLE IF NOT EXISTS hall_of_fame ("
                             " rank INTEGER PRIMARY KEY AUTOINCREMENT,"
                             " name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
                             " found_at TEXT NOT NULL,"
                             " map TEXT NOT NULL);";

Fame *fame_open(const char *data_dir, char *err, size_t errlen)
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
        sqlite3_exec(f->db, schema, NULL, NULL, &msg) != SQLITE_OK) {
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

int fame_rank(Fame *f, const char *name)
{
    sqlite3_stmt *st = NULL;
    int rank = -1;
    if (sqlite3_prepare_v2(f->db, "SELECT rank FROM hall_of_fame WHERE name = ?1;", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT) == SQLITE_OK) {
        int rc = sqlite3_step(st);
        rank = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : rc == SQLITE_DONE ? 0 : -1;
    }
    sqlite3_finalize(st);
    return rank;
}

bool fame_record(Fame *f, const char *name, const char *map, int *rank, bool *new_entry, char *err,
                 size_t errlen)
{
    int old = fame_rank(f, name);
    if (old > 0) {
        *rank = old;
        *new_entry = false;
        return true;
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(f->db,
                                "INSERT INTO hall_of_fame (name, found_at, map) VALUES "
                                "(?1, strftime('%Y-%m-%d %H:%M:%S', 'now'), ?2);",
                                -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 2, map, -1, SQLITE_TRANSIENT);
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
