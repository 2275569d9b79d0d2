/* test_ratelimit.c — token buckets and the keyed table of per-address buckets.
 *
 * What a user would notice: a legitimate player throttled below the configured rate (or a
 * flood let through above it), a burst bigger than configured, a clock step backwards handing
 * out free tokens, and above all an attacker who rotates through many source addresses and
 * thereby resets the budget of the address they are flooding from. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "ratelimit.h"

static RlBucket fresh(void)
{
    RlBucket b;
    memset(&b, 0, sizeof b);
    return b;
}

/* ---- one bucket -------------------------------------------------------------------------- */

static void test_starts_full_then_empty(void **state)
{
    (void)state;
    RlBucket b = fresh();
    const uint64_t t = 1000000;
    assert_int_equal(rl_available(&b, t, 5, 10), 10);
    for (int i = 0; i < 10; i++)
        assert_true(rl_take(&b, t, 5, 10));
    assert_false(rl_take(&b, t, 5, 10));
    assert_int_equal(rl_available(&b, t, 5, 10), 0);
    /* a refused take costs nothing */
    assert_false(rl_take(&b, t, 5, 10));
    assert_int_equal(rl_available(&b, t + 200, 5, 10), 1);
}

static void test_refill_exactly_rate_per_second(void **state)
{
    (void)state;
    static const uint32_t rates[] = {1, 3, 5, 60, 240, 1000, 8192};
    for (size_t k = 0; k < sizeof rates / sizeof rates[0]; k++) {
        uint32_t rate = rates[k], burst = 2 * rate;
        RlBucket b = fresh();
        uint64_t t = 5000;
        assert_true(rl_take_n(&b, t, rate, burst, burst)); /* drained */
        for (int second = 0; second < 20; second++) {
            /* just before the second is over: 999 ms worth, rounded down */
            assert_int_equal(rl_available(&b, t + 999, rate, burst), rate * 999 / 1000);
            t += 1000;
            /* exactly rate tokens in each second, then nothing */
            for (uint32_t i = 0; i < rate; i++)
                assert_true(rl_take(&b, t, rate, burst));
            assert_false(rl_take(&b, t, rate, burst));
        }
    }
    /* 5 per second: one token every 200 ms, not earlier */
    RlBucket b = fresh();
    assert_true(rl_take_n(&b, 0, 5, 5, 5));
    for (uint64_t t = 0; t < 3000; t += 200) {
        assert_false(rl_take(&b, t + 199, 5, 5));
        assert_true(rl_take(&b, t + 200, 5, 5));
        assert_false(rl_take(&b, t + 200, 5, 5));
    }
    /* fractions accumulate across calls: 3 per second polled every 7 ms */
    b = fresh();
    assert_true(rl_take_n(&b, 0, 3, 3, 3));
    unsigned got = 0;
    for (uint64_t t = 7; t <= 10000; t += 7)
        got += rl_take(&b, t, 3, 3);
    assert_int_equal(got, 29); /* 9996 ms at 3 per second: 29.988 tokens */
}

static void test_never_above_burst(void **state)
{
    (void)state;
    RlBucket b = fresh();
    assert_true(rl_take(&b, 0, 100, 7));
    assert_int_equal(rl_available(&b, 3600u * 1000u, 100, 7), 7); /* an hour idle: still 7 */
    assert_true(rl_take_n(&b, 3600u * 1000u, 100, 7, 7));
    assert_false(rl_take(&b, 3600u * 1000u, 100, 7));
    /* the largest configurable TCP budget (1 MiB/s, burst 2 MiB): refilled exactly, capped at
     * the burst however long it stayed idle (no 32-bit wrap of the milli-tokens) */
    const uint32_t big = 1048576;
    for (uint64_t idle = 1; idle < 100ull * 86400 * 1000; idle = idle * 3 + 1) {
        b = fresh();
        assert_true(rl_take_n(&b, 1000, big, 2 * big, 2 * big));
        uint64_t want = idle * big / 1000;
        assert_int_equal(rl_available(&b, 1000 + idle, big, 2 * big),
                         want < 2 * big ? want : 2 * big);
    }
    /* the burst lowered since: clamped to the new burst at once */
    b = fresh();
    assert_int_equal(rl_available(&b, 10, 5, 10), 10);
    assert_int_equal(rl_available(&b, 10, 5, 3), 3);
    assert_int_equal(rl_available(&b, 10000, 5, 10), 10);
}

static void test_take_n_all_or_nothing(void **state)
{
    (void)state;
    RlBucket b = fresh();
    assert_true(rl_take_n(&b, 0, 10, 10, 7)); /* 3 left */
    assert_false(rl_take_n(&b, 0, 10, 10, 4));
    assert_int_equal(rl_available(&b, 0, 10, 10), 3); /* the refused take cost nothing */
    assert_true(rl_take_n(&b, 0, 10, 10, 3));
    assert_int_equal(rl_available(&b, 0, 10, 10), 0);
    assert_true(rl_take_n(&b, 0, 10, 10, 0)); /* nothing asked, nothing taken */
    /* 0.9 tokens is not 1 */
    assert_false(rl_take_n(&b, 90, 10, 10, 1));
    assert_true(rl_take_n(&b, 100, 10, 10, 1));
    /* more than the burst can never be taken */
    b = fresh();
    assert_false(rl_take_n(&b, 0, 10, 10, 11));
    assert_false(rl_take_n(&b, 100000, 10, 10, 11));
    assert_int_equal(rl_available(&b, 100000, 10, 10), 10);
}

static void test_time_backwards_adds_nothing(void **state)
{
    (void)state;
    RlBucket b = fresh();
    assert_true(rl_take_n(&b, 10000, 5, 5, 5));
    assert_int_equal(rl_available(&b, 5000, 5, 5), 0);  /* back in time */
    assert_false(rl_take(&b, 0, 5, 5));                 /* further back */
    assert_int_equal(rl_available(&b, 10000, 5, 5), 0); /* and forward again: still 0 */
    assert_int_equal(rl_available(&b, 10199, 5, 5), 0); /* the first token at +200 ms */
    assert_int_equal(rl_available(&b, 10200, 5, 5), 1);
    /* a clock stepping back and forth by a second many times gives nothing extra */
    b = fresh();
    assert_true(rl_take_n(&b, 50000, 2, 2, 2));
    unsigned got = 0;
    for (int i = 0; i < 100; i++) {
        got += rl_take(&b, 49000, 2, 2);
        got += rl_take(&b, 50000, 2, 2);
    }
    assert_int_equal(got, 0);
}

static void test_rate_zero_never_refills(void **state)
{
    (void)state;
    RlBucket b = fresh();
    assert_true(rl_take_n(&b, 0, 0, 3, 3));
    assert_int_equal(rl_available(&b, 1000000, 0, 3), 0);
}

/* ---- the keyed table --------------------------------------------------------------------- */

static uint32_t rng_next(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

static void test_table_same_ip_same_bucket(void **state)
{
    (void)state;
    RlTable *t = malloc(sizeof *t);
    assert_non_null(t);
    rl_table_init(t);
    uint32_t seed = 1;
    for (int i = 0; i < 1000; i++) {
        uint32_t ip = rng_next(&seed);
        RlBucket *b = rl_table_bucket(t, ip);
        assert_true(b >= t->slot && b < t->slot + RL_TABLE_SLOTS);
        assert_ptr_equal(rl_table_bucket(t, ip), b);
    }
    /* the state is kept: drain one address, it stays drained */
    RlBucket *b = rl_table_bucket(t, 0x0100007f);
    assert_true(rl_take_n(b, 0, 1, 4, 4));
    assert_false(rl_take(rl_table_bucket(t, 0x0100007f), 0, 1, 4));
    /* init empties the table */
    rl_table_init(t);
    assert_int_equal(rl_available(rl_table_bucket(t, 0x0100007f), 0, 1, 4), 4);
    free(t);
}

static void test_table_spreads_and_is_keyed(void **state)
{
    (void)state;
    RlTable *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    rl_table_init(a);
    rl_table_init(b);
    assert_memory_not_equal(a->key, b->key, sizeof a->key); /* a fresh key each time */
    static unsigned hits[RL_TABLE_SLOTS];
    memset(hits, 0, sizeof hits);
    unsigned same = 0;
    /* 100000 consecutive addresses (one /15: what an attacker on a big network could use) */
    for (uint32_t i = 0; i < 100000; i++) {
        uint32_t ip = 0x0A000000u + i; /* host order is fine: any 32 bits are a key */
        RlBucket *x = rl_table_bucket(a, ip);
        hits[x - a->slot]++;
        same += (x - a->slot) == (rl_table_bucket(b, ip) - b->slot);
    }
    unsigned max = 0, empty = 0;
    for (size_t i = 0; i < RL_TABLE_SLOTS; i++) {
        if (hits[i] > max)
            max = hits[i];
        empty += hits[i] == 0;
    }
    /* 24.4 per slot on average: every slot used, none crowded */
    assert_int_equal(empty, 0);
    assert_true(max < 70);
    /* another key, another map: collisions cannot be chosen in advance */
    assert_true(same < 100000 / 100);
    free(a);
    free(b);
}

static void test_table_many_sources_never_reset_one(void **state)
{
    (void)state;
    RlTable *t = malloc(sizeof *t);
    assert_non_null(t);
    rl_table_init(t);
    const uint32_t rate = 1, burst = 4;
    const uint32_t victim = 0x0B00A8C0; /* 192.168.0.11, network order */
    uint64_t now = 1000;
    assert_true(rl_take_n(rl_table_bucket(t, victim), now, rate, burst, burst));
    /* 100000 other addresses each use their bucket, all within the same millisecond */
    uint32_t seed = 12345;
    for (int i = 0; i < 100000; i++) {
        uint32_t ip = i % 2 ? rng_next(&seed) : 0x0000A8C0u | ((uint32_t)i << 16);
        if (ip == victim)
            continue;
        (void)rl_take(rl_table_bucket(t, ip), now, rate, burst);
        /* and the victim is still empty at every step */
        if (i % 997 == 0)
            assert_int_equal(rl_available(rl_table_bucket(t, victim), now, rate, burst), 0);
    }
    assert_int_equal(rl_available(rl_table_bucket(t, victim), now, rate, burst), 0);
    assert_false(rl_take(rl_table_bucket(t, victim), now, rate, burst));
    /* and its own refill still works: a colliding source may only have made it poorer */
    assert_true(rl_available(rl_table_bucket(t, victim), now + 1000, rate, burst) <= 1);
    free(t);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_starts_full_then_empty),
        cmocka_unit_test(test_refill_exactly_rate_per_second),
        cmocka_unit_test(test_never_above_burst),
        cmocka_unit_test(test_take_n_all_or_nothing),
        cmocka_unit_test(test_time_backwards_adds_nothing),
        cmocka_unit_test(test_rate_zero_never_refills),
        cmocka_unit_test(test_table_same_ip_same_bucket),
        cmocka_unit_test(test_table_spreads_and_is_keyed),
        cmocka_unit_test(test_table_many_sources_never_reset_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
