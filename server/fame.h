/* fame.h — the hall of fame: who found what was hidden, kept in SQLite across restarts.
 *
 * Owns the table hall_of_fame in the server's data file <data_dir>/arena.db (created with its
 * directory if missing). One row per name, compared by its two confusable keys (names.h):
 * the first find counts. A row holds the hash (BLAKE2b-256, libsodium) of the legend's claim
 * secret: the secret itself goes to the finder once (CLAIM) and only a login presenting it wears
 * the name's crown; the server never stores it. Rows from before claims existed get one at the next
 * login under that name. Called outside the tick only (logins and chat lines). */
#ifndef ARENA_SRV_FAME_H
#define ARENA_SRV_FAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "names.h"
#include "protocol.h"

enum { FAME_SECRET_BYTES = PROTO_CLAIM_BYTES };

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
    FAME_ERROR,          /* the database failed */
} FameClaim;

/* Opens (creating or upgrading if needed) <data_dir>/arena.db. names computes keys for rows
 * written before keys existed. NULL with a reason in err on failure. */
Fame *fame_open(const char *data_dir, Names *names, char *err, size_t errlen);
void fame_close(Fame *f);
/* Records a find of the name with this key, with the hash of secret. *rank is the name's
 * place (an old one if it was there already, and then *new_entry is false and the secret is
 * not stored). False with a reason on a database error. */
bool fame_record(Fame *f, const char *name, const char *key, const char *alt, const char *map,
                 const uint8_t secret[FAME_SECRET_BYTES], int *rank, bool *new_entry, char *err,
                 size_t errlen);
/* Whether a login under this key may wear the crown. secret may be NULL (none presented).
 * *rank (may be NULL) gets the place, 0 if not a legend. */
FameClaim fame_claim(Fame *f, const char *key, const char *alt, const uint8_t *secret, int *rank);
/* Stores the hash of a new secret for a legend's name (FAME_CLAIM_UNSET rows). */
bool fame_set_claim(Fame *f, const char *key, const char *alt,
                    const uint8_t secret[FAME_SECRET_BYTES]);
/* The name's place in the hall of fame (by its keys), 0 if it is not there, -1 on error. */
int fame_rank(Fame *f, const char *key, const char *alt);
/* Fills up to cap entries in rank order; returns how many, or -1 on error. *total (may be
 * NULL) gets the number of entries in all. */
int fame_list(Fame *f, FameEntry *out, int cap, int *total);
const char *fame_path(const Fame *f);

#endif
