/* bans.c — see bans.h. Prepared statements only. */
#include "bans.h"

#include <arpa/inet.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "names.h"

struct Bans {
    sqlite3 *db;
    unsigned count;
    Ban active[BANS_MAX];
};

static const char schema[] = "CREATE TABLE IF NOT EXISTS bans ("
                             " kind INTEGER NOT NULL,"
                             " target TEXT NOT NULL,"
                             " target2 TEXT NOT NULL,"
                             " label TEXT NOT NULL,"
                             " until INTEGER NOT NULL,"
                             " reason TEXT NOT NULL,"
                             " created TEXT NOT NULL,"
                             " PRIMARY KEY (kind, target));";

static void copy_text(char *dst, size_t cap, const unsigned char *src)
{
    snprintf(dst, cap, "%s", src != NULL ? (const char *)src : "");
}

/* Reloads the in-memory list from the table, dropping expired rows first. */
static bool reload(Bans *b)
{
    int64_t now = (int64_t)time(NULL);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(b->db, "DELETE FROM bans WHERE until != 0 AND until <= ?1;", -1, &st,
                           NULL) != SQLITE_OK ||
        sqlite3_bind_int64(st, 1, now) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE) {
        sqlite3_finalize(st);
        return false;
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(b->db,
                           "SELECT kind, target, target2, label, until, reason FROM bans ORDER "
                           "BY created;",
                           -1, &st, NULL) != SQLITE_OK)
        return false;
    b->count = 0;
    while (b->count < BANS_MAX && sqlite3_step(st) == SQLITE_ROW) {
        Ban *e = &b->active[b->count];
        memset(e, 0, sizeof *e);
        e->kind = sqlite3_column_int(st, 0) == BAN_NAME ? BAN_NAME : BAN_IP;
        copy_text(e->target, sizeof e->target, sqlite3_column_text(st, 1));
        copy_text(e->target2, sizeof e->target2, sqlite3_column_text(st, 2));
        copy_text(e->label, sizeof e->label, sqlite3_column_text(st, 3));
        e->until = sqlite3_column_int64(st, 4);
        copy_text(e->reason, sizeof e->reason, sqlite3_column_text(st, 5));
        struct in_addr a;
        if (e->kind == BAN_IP && inet_pton(AF_INET, e->target, &a) != 1)
            continue; /* not an address: ignore the row */
        e->ip = e->kind == BAN_IP ? a.s_addr : 0;
        b->count++;
    }
    sqlite3_finalize(st);
    return true;
}

Bans *bans_open(const char *data_dir, char *err, size_t errlen)
{
    Bans *b = calloc(1, sizeof *b);
    char path[600];
    int n = snprintf(path, sizeof path, "%s/arena.db", data_dir);
    if (b == NULL || n < 0 || (size_t)n >= sizeof path) {
        snprintf(err, errlen, b == NULL ? "out of memory" : "data directory path too long");
        free(b);
        return NULL;
    }
    char *msg = NULL;
    if (sqlite3_open_v2(path, &b->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
            SQLITE_OK ||
        sqlite3_busy_timeout(b->db, 1000) != SQLITE_OK ||
        sqlite3_exec(b->db, schema, NULL, NULL, &msg) != SQLITE_OK || !reload(b)) {
        snprintf(err, errlen, "%s: %s", path, msg ? msg : sqlite3_errmsg(b->db));
        sqlite3_free(msg);
        bans_close(b);
        return NULL;
    }
    return b;
}

void bans_close(Bans *b)
{
    if (b == NULL)
        return;
    sqlite3_close(b->db);
    free(b);
}

static void describe(const Ban *e, char *why, size_t cap)
{
    if (why == NULL || cap == 0)
        return;
    const char *reason = e->reason[0] ? e->reason : "banned by the operator";
    if (e->until == 0) {
        snprintf(why, cap, "%s (permanently)", reason);
        return;
    }
    time_t t = (time_t)e->until;
    struct tm tm;
    gmtime_r(&t, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(why, cap, "%s (until %s)", reason, when);
}

static const Ban *find(const Bans *b, BanKind kind, uint32_t ip, const char *key, const char *alt,
                       int64_t now)
{
    if (b == NULL)
        return NULL;
    for (unsigned i = 0; i < b->count; i++) {
        const Ban *e = &b->active[i];
        if (e->kind != kind || (e->until != 0 && e->until <= now))
            continue;
        if (kind == BAN_IP ? e->ip == ip : name_keys_match(e->target, e->target2, key, alt))
            return e;
    }
    return NULL;
}

bool bans_ip_banned(const Bans *b, uint32_t ip, int64_t now, char *why, size_t cap)
{
    const Ban *e = find(b, BAN_IP, ip, NULL, NULL, now);
    if (e != NULL)
        describe(e, why, cap);
    return e != NULL;
}

bool bans_name_banned(const Bans *b, const char *key, const char *alt, int64_t now, char *why,
                      size_t cap)
{
    const Ban *e = find(b, BAN_NAME, 0, key, alt, now);
    if (e != NULL)
        describe(e, why, cap);
    return e != NULL;
}

bool bans_add(Bans *b, BanKind kind, uint32_t ip, const char *key, const char *alt,
              const char *label, unsigned minutes, const char *reason, int64_t now, char *err,
              size_t errlen)
{
    char addr[INET_ADDRSTRLEN];
    if (kind == BAN_IP) {
        struct in_addr a = {.s_addr = ip};
        inet_ntop(AF_INET, &a, addr, sizeof addr);
        key = addr;
        alt = "";
    }
    if (b->count >= BANS_MAX && find(b, kind, ip, key, alt, now) == NULL) {
        snprintf(err, errlen, "too many bans (%d); unban some first", BANS_MAX);
        return false;
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(b->db,
                                "INSERT OR REPLACE INTO bans (kind, target, target2, label, until, "
                                "reason, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                                "strftime('%Y-%m-%d %H:%M:%S', 'now'));",
                                -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 1, (int)kind);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 3, alt, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 4, label, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 5, minutes == 0 ? 0 : now + (int64_t)minutes * 60);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 6, reason, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE || !reload(b)) {
        snprintf(err, errlen, "cannot store the ban: %s", sqlite3_errmsg(b->db));
        return false;
    }
    return true;
}

int bans_remove(Bans *b, BanKind kind, const char *target, const char *alt)
{
    if (alt == NULL)
        alt = target;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(b->db,
                                "DELETE FROM bans WHERE kind = ?1 AND (target IN (?2, ?3) OR "
                                "(target2 != '' AND target2 IN (?2, ?3)));",
                                -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 1, (int)kind);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 2, target, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 3, alt, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    int changed = rc == SQLITE_DONE ? sqlite3_changes(b->db) : -1;
    if (!reload(b))
        return -1;
    return changed;
}

unsigned bans_list(const Bans *b, int64_t now, Ban *out, unsigned cap)
{
    unsigned n = 0;
    for (unsigned i = 0; i < b->count; i++) {
        const Ban *e = &b->active[i];
        if (e->until != 0 && e->until <= now)
            continue;
        if (n < cap)
            out[n] = *e;
        n++;
    }
    return n;
}
