/* storage_rows.h — a row read back from either back-end, as text, into a Ban or a FameRow.
 * Both back-ends read every column as text and decode it here, so a database that holds
 * something this server did not write (an older version, a hand edit, another program) gives a
 * skipped row, never an overflow. Pure: no I/O. */
#ifndef ARENA_SRV_STORAGE_ROWS_H
#define ARENA_SRV_STORAGE_ROWS_H

#include "storage.h"

/* The columns of a ban row as text (NULL = SQL NULL): kind, target, target2, label, until,
 * reason. False if the row is not a ban this server would have written: an unknown kind, a
 * BAN_IP target that is not a dotted quad, an until that is not a number >= 0, or a field too
 * long for its buffer. */
bool storage_ban_from_text(const char *const col[6], Ban *out);
/* The columns of a fame row as text: rank, name, name_key, name_key2, found_at, map,
 * claim_hash. False if rank is not a number > 0, a field is too long, or claim_hash is neither
 * NULL/"" nor 64 lowercase hex digits. A NULL key (rows from before keys) gives "". */
bool storage_fame_from_text(const char *const col[7], FameRow *out);
/* A decimal integer in [lo, hi] filling the whole of s. */
bool storage_parse_int64(const char *s, int64_t lo, int64_t hi, int64_t *out);

#endif
