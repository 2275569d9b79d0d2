/* bans.h — banned addresses and names, in memory, as the storage back-end (store.h: SQLite or
 * PostgreSQL) holds them plus the changes on their way to it.
 *
 * What is banned: an IPv4 address, or a name by its two confusable keys (names.h); until when
 * (Unix seconds; forever if 0), why, and by which label the operator knows it. A check at every
 * TCP accept and ENet CONNECT is a memory lookup. A change (arena-ctl ban/unban) counts at once
 * and goes to the store's queue; until the store has it (its next list of bans comes with the
 * number of the newest change it ran) the change is kept here and laid over that list, so a
 * lost database delays the writing of a ban, never the ban. Expired bans stop counting at once
 * and are deleted from the store at its next reload. No I/O, no allocation after bans_create. */
#ifndef ARENA_SRV_BANS_H
#define ARENA_SRV_BANS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage.h"
#include "store.h"

typedef struct Bans Bans;

Bans *bans_create(void);
void bans_destroy(Bans *b);
/* The store's list of active bans, with the newest change it had run (store_take_bans). */
void bans_loaded(Bans *b, const Ban *list, unsigned n, uint64_t done_seq);
/* True if ip is banned at now (Unix seconds); why gets "reason (until ...)" for people. */
bool bans_ip_banned(const Bans *b, uint32_t ip, int64_t now, char *why, size_t cap);
/* A name (by its keys) is banned if any of its keys matches any key of a banned name. */
bool bans_name_banned(const Bans *b, const char *key, const char *alt, int64_t now, char *why,
                      size_t cap);
/* Adds or replaces a ban: an address (ip; key and alt NULL) or a name (its key and alt);
 * minutes 0 = forever. It counts at once; st (may be NULL: not stored) gets the change. False
 * with a reason when BANS_MAX are active or the store's queue is full. */
bool bans_add(Bans *b, Store *st, BanKind kind, uint32_t ip, const char *key, const char *alt,
              const char *label, unsigned minutes, const char *reason, int64_t now, char *err,
              size_t errlen);
/* Removes the ban on an address (target "a.b.c.d", alt NULL) or on every name matching the
 * keys (target, alt); returns how many active bans it lifted, -1 if the store's queue is full. */
int bans_remove(Bans *b, Store *st, BanKind kind, const char *target, const char *alt, int64_t now);
/* The active bans at now: up to cap into out; returns how many in all. */
unsigned bans_list(const Bans *b, int64_t now, Ban *out, unsigned cap);
/* Changes not yet confirmed by the store. */
unsigned bans_unstored(const Bans *b);

#endif
