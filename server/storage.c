/* storage.c — see storage.h: picks the back-end and dispatches to it (storage_impl.h). */
#include "storage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage_impl.h"

struct Storage {
    const StorageOps *ops;
    void *impl;
    char name[SRV_STORAGE_NAME_MAX];
};

bool storage_is_postgres(const char *where)
{
    return where != NULL &&
           (strncmp(where, "postgresql://", 13) == 0 || strncmp(where, "postgres://", 11) == 0);
}

static bool is_sqlite(const char *where)
{
    return where == NULL || where[0] == '\0' || strcmp(where, "sqlite") == 0;
}

void storage_hide_password(const char *where, char *out, size_t cap)
{
    if (storage_is_postgres(where))
        storage_pg_display_name(where, out, cap);
    else
        snprintf(out, cap, "%s", where != NULL ? where : "");
}

bool storage_check_where(const char *where, char *err, size_t errlen)
{
    if (is_sqlite(where))
        return true;
    if (!storage_is_postgres(where)) {
        snprintf(err, errlen, "not 'sqlite' nor a postgresql:// URI");
        return false;
    }
    return storage_pg_check_uri(where, err, errlen);
}

Storage *storage_open(const char *where, const char *data_dir, Names *names, char *err,
                      size_t errlen)
{
    Storage *st = calloc(1, sizeof *st);
    if (st == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    err[0] = '\0';
    bool pg = storage_is_postgres(where);
    if (!storage_check_where(where, err, errlen)) {
        free(st);
        return NULL;
    }
    st->ops = pg ? &storage_pg_ops : &storage_sqlite_ops;
    st->impl = pg ? storage_pg_open(where, st->name, sizeof st->name, err, errlen)
                  : storage_sqlite_open(data_dir, names, st->name, sizeof st->name, err, errlen);
    if (st->impl == NULL) {
        free(st);
        return NULL;
    }
    return st;
}

void storage_close(Storage *st)
{
    if (st == NULL)
        return;
    st->ops->close(st->impl);
    free(st);
}

const char *storage_name(const Storage *st)
{
    return st->name;
}

bool storage_connected(const Storage *st)
{
    return st->ops->connected(st->impl);
}

StorageResult storage_reconnect(Storage *st, char *err, size_t errlen)
{
    return st->ops->reconnect(st->impl, err, errlen);
}

int storage_schema_version(Storage *st)
{
    return st->ops->schema_version(st->impl);
}

StorageResult storage_bans_load(Storage *st, int64_t now, Ban *out, unsigned cap, unsigned *n,
                                char *err, size_t errlen)
{
    *n = 0;
    return st->ops->bans_load(st->impl, now, out, cap, n, err, errlen);
}

StorageResult storage_ban_put(Storage *st, const Ban *b, char *err, size_t errlen)
{
    return st->ops->ban_put(st->impl, b, err, errlen);
}

StorageResult storage_ban_delete(Storage *st, BanKind kind, const char *target, const char *alt,
                                 int *removed, char *err, size_t errlen)
{
    *removed = 0;
    return st->ops->ban_delete(st->impl, kind, target, alt != NULL ? alt : target, removed, err,
                               errlen);
}

StorageResult storage_fame_load(Storage *st, int after, FameRow *out, int cap, int *n, int *total,
                                char *err, size_t errlen)
{
    int t = 0;
    *n = 0;
    StorageResult r = st->ops->fame_load(st->impl, after, out, cap, n, &t, err, errlen);
    if (total != NULL)
        *total = t;
    return r;
}

StorageResult storage_fame_record(Storage *st, const char *name, const char *key, const char *alt,
                                  const char *map, const char *claim_hash, int *rank, bool *fresh,
                                  char *err, size_t errlen)
{
    *rank = 0;
    *fresh = false;
    return st->ops->fame_record(st->impl, name, key, alt, map, claim_hash, rank, fresh, err,
                                errlen);
}

StorageResult storage_fame_set_claim(Storage *st, int rank, const char *claim_hash, bool *set,
                                     char *err, size_t errlen)
{
    *set = false;
    return st->ops->fame_set_claim(st->impl, rank, claim_hash, set, err, errlen);
}

int storage_socket(const Storage *st)
{
    return st->ops->socket(st->impl);
}

unsigned storage_take_changes(Storage *st)
{
    return st->ops->take_changes(st->impl);
}
