/* ratelimit.c — see ratelimit.h. */
#include "ratelimit.h"

#include <sodium.h>
#include <string.h>

/* Refills b to now and returns the tokens x 1000 it holds. */
static uint32_t refill(RlBucket *b, uint64_t now_ms, uint32_t rate, uint32_t burst)
{
    uint64_t cap = (uint64_t)burst * 1000u;
    if (!b->used) {
        b->used = true;
        b->milli = (uint32_t)cap;
        b->last_ms = now_ms;
    } else if (now_ms > b->last_ms) {
        /* rate tokens per second = rate milli-tokens per ms */
        uint64_t v = (uint64_t)b->milli + (now_ms - b->last_ms) * (uint64_t)rate;
        b->milli = (uint32_t)(v > cap ? cap : v);
        b->last_ms = now_ms;
    }
    if (b->milli > cap)
        b->milli = (uint32_t)cap; /* the burst was lowered since */
    return b->milli;
}

bool rl_take_n(RlBucket *b, uint64_t now_ms, uint32_t rate, uint32_t burst, uint32_t n)
{
    uint32_t have = refill(b, now_ms, rate, burst);
    uint64_t need = (uint64_t)n * 1000u;
    if (have < need)
        return false;
    b->milli = have - (uint32_t)need;
    return true;
}

bool rl_take(RlBucket *b, uint64_t now_ms, uint32_t rate, uint32_t burst)
{
    return rl_take_n(b, now_ms, rate, burst, 1);
}

uint32_t rl_available(RlBucket *b, uint64_t now_ms, uint32_t rate, uint32_t burst)
{
    return refill(b, now_ms, rate, burst) / 1000u;
}

void rl_table_init(RlTable *t)
{
    memset(t, 0, sizeof *t);
    randombytes_buf(t->key, sizeof t->key);
}

RlBucket *rl_table_bucket(RlTable *t, uint32_t ip)
{
    _Static_assert(sizeof t->key == crypto_shorthash_KEYBYTES, "SipHash key size");
    unsigned char h[crypto_shorthash_BYTES];
    crypto_shorthash(h, (const unsigned char *)&ip, sizeof ip, t->key);
    uint32_t v;
    memcpy(&v, h, sizeof v);
    return &t->slot[v % RL_TABLE_SLOTS];
}
