/* fame.h — the hall of fame in memory: who found what was hidden, as the storage back-end
 * (store.h: SQLite or PostgreSQL) holds it, so that a login's claim check is a memory lookup.
 *
 * One row per name, compared by its two confusable keys (names.h): the first find counts. A row
 * holds the hash (BLAKE2b-256, libsodium) of the legend's claim secret: the secret itself goes to
 * the finder once (CLAIM) and only a login presenting it wears the name's crown; no server ever
 * stores it. Rows from before claims existed get one at the next login under that name.
 *
 * The rows come from the store (fame_add_rows: at start, when another server records one, and
 * after this server's own finds); at most FAME_CACHE_MAX are kept, the first ranks. Pure: no
 * I/O, no allocation after fame_create. */
#ifndef ARENA_SRV_FAME_H
#define ARENA_SRV_FAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"
#include "storage.h"

enum { FAME_SECRET_BYTES = PROTO_CLAIM_BYTES, FAME_CACHE_MAX = 16384 };

typedef struct Fame Fame;

typedef struct FameEntry {
    int rank;          /* 1 = first ever */
    char name[64];     /* as the finder spelled it */
    char found_at[32]; /* UTC, "YYYY-MM-DD HH:MM:SS" */
    char map[64];
} FameEntry;

typedef enum FameClaim {
    FAME_NOT_LEGEND = 0, /* the name is not in the hall of fame */
    FAME_CLAIM_OK,       /* a legend's name and the secret matches */
    FAME_CLAIM_WRONG,    /* a legend's name, no secret or another one */
    FAME_CLAIM_UNSET,    /* a legend's name recorded before claims existed */
} FameClaim;

Fame *fame_create(void);
void fame_destroy(Fame *f);
/* Adds rows (any order; a rank already kept is replaced). total: the rows the store holds in
 * all (0: not known). Returns how many did not fit (beyond FAME_CACHE_MAX). */
int fame_add_rows(Fame *f, const FameRow *rows, int n, int total);
/* Keys (here and below) are a name's two confusable keys, never NULL (names.h). Whether a login
 * under this key may wear the crown. secret may be NULL (none presented).
 * *rank (may be NULL) gets the place, 0 if not a legend. */
FameClaim fame_claim(const Fame *f, const char *key, const char *alt, const uint8_t *secret,
                     int *rank);
/* The name's place (by its keys), 0 if it is not kept. */
int fame_rank(const Fame *f, const char *key, const char *alt);
/* Sets the claim hash of a row kept without one (the store is told separately). */
bool fame_set_claim(Fame *f, int rank, const char hash[STORAGE_HASH_HEX]);
/* Up to cap entries in rank order; returns how many. *total (may be NULL) gets the number of
 * entries in all, as the store last said. */
int fame_list(const Fame *f, FameEntry *out, int cap, int *total);
/* The hash stored for a secret: BLAKE2b-256 in lowercase hex. */
void fame_hash(const uint8_t secret[FAME_SECRET_BYTES], char hex[STORAGE_HASH_HEX]);

#endif
