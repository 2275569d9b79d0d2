/* storage.h — one storage interface for the hall of fame, legend claims and bans, with two
 * back-ends:
 *   - SQLite (storage_sqlite.c): <data_dir>/arena.db, the default; embedded, nothing to set up;
 *   - PostgreSQL (storage_pg.c, libpq): when the setting database is a postgresql:// or
 *     postgres:// URI, so every server of a fleet shares them.
 *
 * A handle is one connection, used from one thread at a time: the store worker (store.h) in the
 * server, or a command-line tool (arena-server --fame). Every call is synchronous and says how it
 * ended: STORAGE_OK; STORAGE_FAILED (the call itself failed: a constraint, a bad row); or
 * STORAGE_LOST (the connection is gone: nothing was changed that the caller must know of, and the
 * same call may be made again after storage_reconnect). The schema is versioned (table
 * schema_version) and migrated at every connect, inside one transaction.
 *
 * Names are compared by their two confusable keys (names.h): a row matches a name when any of
 * its keys equals any of the name's (name_keys_match). Claim secrets are never stored: only their
 * BLAKE2b-256 hash, in lowercase hex. */
#ifndef ARENA_SRV_STORAGE_H
#define ARENA_SRV_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "names.h"

enum {
    STORAGE_HASH_HEX = 65, /* a claim hash: 64 lowercase hex digits and a NUL */
    STORAGE_SCHEMA_VERSION = 1,
    BANS_MAX = 4096,       /* active bans kept */
    BANS_REASON_MAX = 120, /* bytes of a ban's reason */
    BANS_TARGET_MAX = 136, /* an address or a name key */
    BANS_LABEL_MAX = 40,
    FAME_NAME_MAX = 63,
    FAME_MAP_MAX = 63,
    SRV_STORAGE_NAME_MAX = 600,
};

typedef enum StorageResult { STORAGE_OK = 0, STORAGE_FAILED, STORAGE_LOST } StorageResult;

typedef enum BanKind { BAN_IP = 0, BAN_NAME = 1 } BanKind;

typedef struct Ban {
    BanKind kind;
    uint32_t ip;                       /* BAN_IP, network order */
    char target[BANS_TARGET_MAX + 1];  /* dotted quad or the name's key */
    char target2[BANS_TARGET_MAX + 1]; /* the name's other key ("" for an address) */
    char label[BANS_LABEL_MAX + 1];    /* the address, or the name as the operator typed it */
    int64_t until;                     /* Unix seconds; 0 = forever */
    char reason[BANS_REASON_MAX + 1];
} Ban;

typedef struct FameRow {
    int rank;                     /* 1 = first ever */
    char name[FAME_NAME_MAX + 1]; /* as the finder spelled it */
    char key[NAME_KEY_MAX + 1];   /* its confusable keys */
    char alt[NAME_KEY_MAX + 1];
    char found_at[32]; /* UTC, "YYYY-MM-DD HH:MM:SS" */
    char map[FAME_MAP_MAX + 1];
    char claim_hash[STORAGE_HASH_HEX]; /* "" if the row has no claim yet */
} FameRow;

/* What storage_take_changes reports: another server changed these tables. */
enum { STORAGE_CHANGED_BANS = 1u, STORAGE_CHANGED_FAME = 2u };

typedef struct Storage Storage;

/* True if where names a PostgreSQL database (postgresql:// or postgres://). */
bool storage_is_postgres(const char *where);
/* Checks a database setting without connecting: "sqlite" or "" (SQLite), or a URI libpq can
 * parse. False with a reason in err otherwise. */
bool storage_check_where(const char *where, char *err, size_t errlen);
/* where with any password in it (user:password@, password=) shown as ***. */
void storage_hide_password(const char *where, char *out, size_t cap);
/* Opens the back-end where names: a PostgreSQL URI, else SQLite in the directory data_dir
 * (created if missing). names computes keys for SQLite rows written before keys existed.
 * NULL with a reason in err only for a bad setting, an SQLite file that cannot be opened, or a
 * database whose schema is newer than STORAGE_SCHEMA_VERSION; a PostgreSQL server that cannot
 * be reached gives a handle that is not connected (reason in err): storage_reconnect tries
 * again. */
Storage *storage_open(const char *where, const char *data_dir, Names *names, char *err,
                      size_t errlen);
void storage_close(Storage *st);
/* For people: the SQLite file's path, or the URI without its password. */
const char *storage_name(const Storage *st);
bool storage_connected(const Storage *st);
/* Connects again if not connected, and migrates. STORAGE_OK when connected, STORAGE_LOST if the
 * server still cannot be reached, STORAGE_FAILED if it answered but cannot be used (its schema
 * is newer than this server's). What other servers changed while the connection was down was
 * not heard: reload after reconnecting. */
StorageResult storage_reconnect(Storage *st, char *err, size_t errlen);
/* The schema version in the database, -1 if it cannot be read. */
int storage_schema_version(Storage *st);

/* Deletes the bans expired at now (Unix seconds), then fills up to cap active ones, oldest
 * first; *n gets how many were filled. Rows that do not decode (storage_rows.h) are skipped. */
StorageResult storage_bans_load(Storage *st, int64_t now, Ban *out, unsigned cap, unsigned *n,
                                char *err, size_t errlen);
/* Adds the ban, or replaces the one on the same (kind, target), which then counts as the newest.
 * The caller checks it (bans.c builds it); a row that would not decode is skipped when read. */
StorageResult storage_ban_put(Storage *st, const Ban *b, char *err, size_t errlen);
/* Deletes the bans of kind whose target or (non-empty) target2 is target or alt (alt NULL: only
 * target); *removed gets how many. */
StorageResult storage_ban_delete(Storage *st, BanKind kind, const char *target, const char *alt,
                                 int *removed, char *err, size_t errlen);

/* The rows with rank > after, in rank order, up to cap; *n gets how many were filled and
 * *total (may be NULL) the number of rows in all (undecodable ones included). */
StorageResult storage_fame_load(Storage *st, int after, FameRow *out, int cap, int *n, int *total,
                                char *err, size_t errlen);
/* Records a find. If a row matches (key, alt), *rank gets its rank and *fresh false, and
 * nothing is written; else a row is added (found_at now, UTC) with claim_hash (NULL or "": no
 * claim, stored as SQL NULL), *rank gets its rank and *fresh true. Atomic against other servers
 * recording at the same time. */
StorageResult storage_fame_record(Storage *st, const char *name, const char *key, const char *alt,
                                  const char *map, const char *claim_hash, int *rank, bool *fresh,
                                  char *err, size_t errlen);
/* Sets the claim hash of the row of this rank if it has none; *set tells whether it did. */
StorageResult storage_fame_set_claim(Storage *st, int rank, const char *claim_hash, bool *set,
                                     char *err, size_t errlen);

/* A descriptor that becomes readable when another server may have changed something
 * (PostgreSQL's LISTEN), -1 if the back-end has none (SQLite) or is not connected. */
int storage_socket(const Storage *st);
/* After storage_socket was readable: reads what arrived and returns STORAGE_CHANGED_* bits,
 * with those heard during other calls since the last take. Those do not make the socket
 * readable again, so call it after other calls too (it does not block). A connection found
 * closed here gives every bit and a handle that is not connected. */
unsigned storage_take_changes(Storage *st);

#endif
