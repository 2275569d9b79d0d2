/* bans.h — banned addresses and names, kept in SQLite across restarts.
 *
 * Owns the table `bans` in <data_dir>/arena.db: what is banned (an IPv4 address, or a name by
 * its two confusable keys, names.h), until when (Unix seconds; forever if 0), why, and by which
 * label the operator knows it. The active bans are kept in memory too, so a check at every TCP
 * accept and ENet CONNECT never touches the disk; changes (arena-ctl ban/unban) write through.
 * Expired bans stop counting at once and are deleted at the next change. */
#ifndef ARENA_SRV_BANS_H
#define ARENA_SRV_BANS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage.h"

enum { BANS_MAX = 4096 }; /* active bans kept */

typedef struct Bans Bans;

Bans *bans_open(const char *data_dir, char *err, size_t errlen);
void bans_close(Bans *b);
/* True if ip is banned at now (Unix seconds); why gets "reason (until ...)" for people. */
bool bans_ip_banned(const Bans *b, uint32_t ip, int64_t now, char *why, size_t cap);
/* A name (by its keys) is banned if any of its keys matches any key of a banned name. */
bool bans_name_banned(const Bans *b, const char *key, const char *alt, int64_t now, char *why,
                      size_t cap);
/* Adds or replaces a ban: an address (ip; key and alt NULL) or a name (its key and alt);
 * minutes 0 = forever. False with a reason on a database error or when BANS_MAX are active. */
bool bans_add(Bans *b, BanKind kind, uint32_t ip, const char *key, const char *alt,
              const char *label, unsigned minutes, const char *reason, int64_t now, char *err,
              size_t errlen);
/* Removes the ban on an address (target "a.b.c.d", alt NULL) or on every name matching the
 * keys (target, alt); returns how many were removed, -1 on a database error. */
int bans_remove(Bans *b, BanKind kind, const char *target, const char *alt);
/* The active bans at now: up to cap into out; returns how many in all. */
unsigned bans_list(const Bans *b, int64_t now, Ban *out, unsigned cap);

#endif
