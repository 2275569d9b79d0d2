/* fame.h — the hall of fame: who found what was hidden, kept in SQLite across restarts.
 *
 * Owns the server's data file <data_dir>/arena.db (created with its directory if missing).
 * One row per player name (case-insensitive): the first find counts. Called outside the tick
 * only (a find happens on a TCP chat line). */
#ifndef ARENA_SRV_FAME_H
#define ARENA_SRV_FAME_H

#include <stdbool.h>
#include <stddef.h>

typedef struct Fame Fame;

typedef struct FameEntry {
    int rank;          /* 1 = first ever */
    char name[64];     /* as the finder spelled it */
    char found_at[32]; /* UTC, "YYYY-MM-DD HH:MM:SS" */
    char map[64];
} FameEntry;

/* Opens (creating if needed) <data_dir>/arena.db. NULL with a reason in err on failure. */
Fame *fame_open(const char *data_dir, char *err, size_t errlen);
void fame_close(Fame *f);
/* Records a find. *rank is the name's place (an old one if it was there already, and then
 * *new_entry is false). False with a reason on a database error. */
bool fame_record(Fame *f, const char *name, const char *map, int *rank, bool *new_entry, char *err,
                 size_t errlen);
/* The name's place in the hall of fame, 0 if it is not there, -1 on error. */
int fame_rank(Fame *f, const char *name);
/* Fills up to cap entries in rank order; returns how many, or -1 on error. *total (may be
 * NULL) gets the number of entries in all. */
int fame_list(Fame *f, FameEntry *out, int cap, int *total);
const char *fame_path(const Fame *f);

#endif
