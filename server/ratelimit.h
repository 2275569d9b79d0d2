/* ratelimit.h — token buckets, alone or in a keyed table that never forgets a source.
 *
 * Owns the arithmetic of "at most R per second, bursts of B" with time passed in (ms), and a
 * fixed table of buckets indexed by a keyed hash of the source address (SipHash-2-4 from
 * libsodium, key drawn at start-up). The table has no eviction: sources that share a slot
 * share its budget, so rotating through many addresses can never reset anyone's bucket (the
 * way a small "recent sources" list can be flushed); a collision can only make a source more
 * limited, never less, and the secret key keeps an attacker from choosing collisions. */
#ifndef ARENA_SRV_RATELIMIT_H
#define ARENA_SRV_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

enum { RL_TABLE_SLOTS = 4096 };

typedef struct RlBucket {
    uint64_t last_ms; /* last refill */
    uint32_t milli;   /* tokens x 1000 */
    bool used;        /* false: never used, full */
} RlBucket;

/* Takes one token if there is one. rate: tokens per second; burst: bucket size, 1..4294967
 * (tokens are kept x 1000 in 32 bits). */
bool rl_take(RlBucket *b, uint64_t now_ms, uint32_t rate, uint32_t burst);
/* Takes n tokens if all n are there (n <= burst). */
bool rl_take_n(RlBucket *b, uint64_t now_ms, uint32_t rate, uint32_t burst, uint32_t n);
/* Tokens available now (whole tokens). */
uint32_t rl_available(RlBucket *b, uint64_t now_ms, uint32_t rate, uint32_t burst);

typedef struct RlTable {
    unsigned char key[16];
    RlBucket slot[RL_TABLE_SLOTS];
} RlTable;

/* Draws a fresh key (libsodium randombytes) and empties the table. */
void rl_table_init(RlTable *t);
/* The bucket of an IPv4 address (network order). */
RlBucket *rl_table_bucket(RlTable *t, uint32_t ip);

#endif
