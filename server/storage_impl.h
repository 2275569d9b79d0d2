/* storage_impl.h — what a storage back-end provides to storage.c (private to the back-ends).
 * Each call gets the back-end's own handle; storage.c checks arguments and dispatches. */
#ifndef ARENA_SRV_STORAGE_IMPL_H
#define ARENA_SRV_STORAGE_IMPL_H

#include "storage.h"

typedef struct StorageOps {
    void (*close)(void *impl);
    bool (*connected)(const void *impl);
    StorageResult (*reconnect)(void *impl, char *err, size_t errlen);
    int (*schema_version)(void *impl);
    StorageResult (*bans_load)(void *impl, int64_t now, Ban *out, unsigned cap, unsigned *n,
                               char *err, size_t errlen);
    StorageResult (*ban_put)(void *impl, const Ban *b, char *err, size_t errlen);
    StorageResult (*ban_delete)(void *impl, BanKind kind, const char *target, const char *alt,
                                int *removed, char *err, size_t errlen);
    StorageResult (*fame_load)(void *impl, int after, FameRow *out, int cap, int *n, int *total,
                               char *err, size_t errlen);
    StorageResult (*fame_record)(void *impl, const char *name, const char *key, const char *alt,
                                 const char *map, const char *claim_hash, int *rank, bool *fresh,
                                 char *err, size_t errlen);
    StorageResult (*fame_set_claim)(void *impl, int rank, const char *claim_hash, bool *set,
                                    char *err, size_t errlen);
    int (*socket)(const void *impl);
    unsigned (*take_changes)(void *impl);
} StorageOps;

/* SQLite in data_dir (created if missing). name gets the file's path. NULL with err. */
void *storage_sqlite_open(const char *data_dir, Names *names, char *name, size_t namelen, char *err,
                          size_t errlen);
extern const StorageOps storage_sqlite_ops;

/* err gets "what: msg" on one line (libpq's messages end in a newline and may hold several). */
void storage_pg_error(char *err, size_t errlen, const char *what, const char *msg);
/* The URI for people: any password (user:password@, password=) shown as ***; if the masked
 * text would still hold one, only user, host, port and database. */
void storage_pg_display_name(const char *uri, char *name, size_t namelen);
/* True if uri parses as a libpq connection URI; else false with libpq's reason in err (the URI
 * in it masked). */
bool storage_pg_check_uri(const char *uri, char *err, size_t errlen);
/* PostgreSQL at uri. name gets the URI without its password. NULL with err only if the URI
 * does not parse or the database's schema is newer than this server's; otherwise a handle,
 * connected and migrated if the server answered (else err says why not). */
void *storage_pg_open(const char *uri, char *name, size_t namelen, char *err, size_t errlen);
extern const StorageOps storage_pg_ops;

#endif
