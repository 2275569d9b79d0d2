/* test_fame.c — the hall of fame in memory (fame.h): rows kept in rank order whatever order the
 * store sends them in, the cap on the first ranks, the total, a legend's claim checked by its
 * secret's hash, a claim set once, the list for people.
 *
 * What a player would notice if it broke: a legend's crown worn by someone without the secret,
 * or refused to the one who has it; a look-alike name taken for a legend or not; a hall of fame
 * shown out of order, with rows missing or the wrong count. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fame.h"

static FameRow row(int rank, const char *name, const char *hash)
{
    FameRow r;
    memset(&r, 0, sizeof r);
    r.rank = rank;
    snprintf(r.name, sizeof r.name, "%s", name);
    snprintf(r.key, sizeof r.key, "%s-key", name);
    snprintf(r.alt, sizeof r.alt, "%s-alt", name);
    snprintf(r.found_at, sizeof r.found_at, "2027-01-%02d 08:00:00", rank % 28 + 1);
    snprintf(r.map, sizeof r.map, "map%d", rank);
    snprintf(r.claim_hash, sizeof r.claim_hash, "%s", hash);
    return r;
}

static int setup(void **state)
{
    *state = fame_create();
    assert_non_null(*state);
    return 0;
}

static int teardown(void **state)
{
    fame_destroy(*state);
    return 0;
}

/* The ranks kept, in list order, into ranks (up to cap); returns how many. */
static int listed_ranks(const Fame *f, int *ranks, int cap, int *total)
{
    FameEntry *e = calloc((size_t)cap, sizeof *e);
    assert_non_null(e);
    int n = fame_list(f, e, cap, total);
    for (int i = 0; i < n; i++)
        ranks[i] = e[i].rank;
    free(e);
    return n;
}

static void test_rank_order_any_arrival(void **state)
{
    Fame *f = *state;
    FameRow batch[] = {row(5, "e", ""), row(2, "b", ""), row(9, "i", ""), row(1, "a", "")};
    assert_int_equal(fame_add_rows(f, batch, 4, 0), 0);
    FameRow late = row(3, "c", "");
    assert_int_equal(fame_add_rows(f, &late, 1, 0), 0);
    int ranks[8], total = -1;
    assert_int_equal(listed_ranks(f, ranks, 8, &total), 5);
    int want[] = {1, 2, 3, 5, 9};
    for (int i = 0; i < 5; i++)
        assert_int_equal(ranks[i], want[i]);
    assert_int_equal(total, 5); /* never below the rows kept */
    assert_int_equal(fame_rank(f, "i-key", "x"), 9);
    assert_int_equal(fame_rank(f, "c-key", "x"), 3);
}

/* A rank seen again replaces the row kept: one row, the new fields. */
static void test_rank_seen_again_replaced(void **state)
{
    Fame *f = *state;
    FameRow a[] = {row(1, "a", ""), row(2, "b", "")};
    assert_int_equal(fame_add_rows(f, a, 2, 2), 0);
    FameRow b2 = row(2, "bee", "");
    assert_int_equal(fame_add_rows(f, &b2, 1, 2), 0);
    FameEntry e[4];
    int total = 0;
    assert_int_equal(fame_list(f, e, 4, &total), 2);
    assert_int_equal(total, 2);
    assert_int_equal(e[1].rank, 2);
    assert_string_equal(e[1].name, "bee");
    assert_int_equal(fame_rank(f, "b-key", "b-alt"), 0); /* the old row is gone */
    assert_int_equal(fame_rank(f, "bee-key", "x"), 2);
}

/* total: what the store said; 0 leaves it; never below the rows kept. */
static void test_total(void **state)
{
    Fame *f = *state;
    FameRow a[] = {row(1, "a", ""), row(2, "b", ""), row(3, "c", "")};
    int total = -1;
    assert_int_equal(fame_add_rows(f, a, 3, 0), 0);
    fame_list(f, NULL, 0, &total);
    assert_int_equal(total, 3);
    assert_int_equal(fame_add_rows(f, a, 1, 10), 0);
    fame_list(f, NULL, 0, &total);
    assert_int_equal(total, 10);
    assert_int_equal(fame_add_rows(f, NULL, 0, 0), 0);
    fame_list(f, NULL, 0, &total);
    assert_int_equal(total, 10);
    /* A store that says fewer rows than are kept: the rows kept count. */
    Fame *g = fame_create();
    assert_int_equal(fame_add_rows(g, a, 3, 1), 0);
    fame_list(g, NULL, 0, &total);
    assert_int_equal(total, 3);
    fame_destroy(g);
}

/* At FAME_CACHE_MAX rows the first ranks are kept: a lower rank arriving late pushes out the
 * highest; a higher one is refused and counted. */
static void test_cap_keeps_first_ranks(void **state)
{
    Fame *f = *state;
    FameRow *rows = calloc(FAME_CACHE_MAX, sizeof *rows);
    assert_non_null(rows);
    char name[32];
    for (int i = 0; i < FAME_CACHE_MAX; i++) {
        snprintf(name, sizeof name, "p%d", i + 2);
        rows[i] = row(i + 2, name, ""); /* ranks 2 .. FAME_CACHE_MAX + 1 */
    }
    assert_int_equal(fame_add_rows(f, rows, FAME_CACHE_MAX, FAME_CACHE_MAX + 1), 0);
    FameRow high[] = {row(FAME_CACHE_MAX + 5, "late", ""), row(FAME_CACHE_MAX + 6, "later", "")};
    assert_int_equal(fame_add_rows(f, high, 2, FAME_CACHE_MAX + 6), 2);
    assert_int_equal(fame_rank(f, "late-key", "x"), 0);
    FameRow first = row(1, "first", "");
    assert_int_equal(fame_add_rows(f, &first, 1, 0), 0);
    assert_int_equal(fame_rank(f, "first-key", "x"), 1);
    snprintf(name, sizeof name, "p%d-key", FAME_CACHE_MAX + 1);
    assert_int_equal(fame_rank(f, name, "x"), 0); /* pushed out */
    snprintf(name, sizeof name, "p%d-key", FAME_CACHE_MAX);
    assert_int_equal(fame_rank(f, name, "x"), FAME_CACHE_MAX);
    /* A rank already kept is replaced even at the cap: nothing lost. */
    FameRow again = row(FAME_CACHE_MAX, "again", "");
    assert_int_equal(fame_add_rows(f, &again, 1, 0), 0);
    assert_int_equal(fame_rank(f, "again-key", "x"), FAME_CACHE_MAX);

    int *ranks = calloc(FAME_CACHE_MAX + 1, sizeof *ranks);
    assert_non_null(ranks);
    int total = 0;
    assert_int_equal(listed_ranks(f, ranks, FAME_CACHE_MAX + 1, &total), FAME_CACHE_MAX);
    for (int i = 0; i < FAME_CACHE_MAX; i++)
        assert_int_equal(ranks[i], i + 1);
    assert_int_equal(total, FAME_CACHE_MAX + 6);
    free(ranks);
    free(rows);
}

static const uint8_t SECRET[FAME_SECRET_BYTES] = {0, 1, 2,  3,  4,  5,  6,  7,
                                                  8, 9, 10, 11, 12, 13, 14, 15};

/* BLAKE2b-256 in lowercase hex (the value from Python's hashlib.blake2b, digest_size=32). */
static void test_hash(void **state)
{
    (void)state;
    char hex[STORAGE_HASH_HEX];
    fame_hash(SECRET, hex);
    assert_string_equal(hex, "c7cb5d1a1a214f1d833a21fe6c7b2420e417c2f220784cbe90072975131bc367");
}

static void test_claim(void **state)
{
    Fame *f = *state;
    char hash[STORAGE_HASH_HEX];
    fame_hash(SECRET, hash);
    FameRow rows[] = {row(1, "legend", hash), row(2, "old", "")};
    fame_add_rows(f, rows, 2, 0);
    uint8_t other[FAME_SECRET_BYTES];
    memcpy(other, SECRET, sizeof other);
    other[FAME_SECRET_BYTES - 1] ^= 1;

    int rank = -1;
    assert_int_equal(fame_claim(f, "nobody", "nobody2", SECRET, &rank), FAME_NOT_LEGEND);
    assert_int_equal(rank, 0);
    assert_int_equal(fame_claim(f, "legend-key", "x", SECRET, &rank), FAME_CLAIM_OK);
    assert_int_equal(rank, 1);
    assert_int_equal(fame_claim(f, "legend-key", "x", other, &rank), FAME_CLAIM_WRONG);
    assert_int_equal(rank, 1);
    assert_int_equal(fame_claim(f, "legend-key", "x", NULL, NULL), FAME_CLAIM_WRONG);
    /* Through the alt key, either way round. */
    assert_int_equal(fame_claim(f, "x", "legend-alt", SECRET, NULL), FAME_CLAIM_OK);
    assert_int_equal(fame_claim(f, "legend-alt", "x", SECRET, NULL), FAME_CLAIM_OK);
    assert_int_equal(fame_claim(f, "x", "legend-key", other, NULL), FAME_CLAIM_WRONG);
    /* A row from before claims: unset, whatever is presented. */
    assert_int_equal(fame_claim(f, "old-key", "x", SECRET, &rank), FAME_CLAIM_UNSET);
    assert_int_equal(rank, 2);
    assert_int_equal(fame_claim(f, "y", "old-alt", NULL, NULL), FAME_CLAIM_UNSET);
}

/* A claim is set once, on a kept row without one. */
static void test_set_claim(void **state)
{
    Fame *f = *state;
    char hash[STORAGE_HASH_HEX], hash2[STORAGE_HASH_HEX];
    fame_hash(SECRET, hash);
    uint8_t other[FAME_SECRET_BYTES] = {9};
    fame_hash(other, hash2);
    FameRow rows[] = {row(1, "legend", hash), row(2, "old", ""), row(5, "gap", "")};
    fame_add_rows(f, rows, 3, 0);
    assert_false(fame_set_claim(f, 1, hash2)); /* has one */
    /* A rank not kept (between kept ones) sets nothing, not even the next row's. */
    assert_false(fame_set_claim(f, 4, hash2));
    assert_int_equal(fame_claim(f, "gap-key", "x", other, NULL), FAME_CLAIM_UNSET);
    assert_int_equal(fame_claim(f, "legend-key", "x", SECRET, NULL), FAME_CLAIM_OK);
    assert_false(fame_set_claim(f, 3, hash2)); /* not kept */
    assert_int_equal(fame_claim(f, "nobody", "x", other, NULL), FAME_NOT_LEGEND);
    assert_true(fame_set_claim(f, 2, hash2));
    assert_int_equal(fame_claim(f, "old-key", "x", other, NULL), FAME_CLAIM_OK);
    assert_int_equal(fame_claim(f, "old-key", "x", SECRET, NULL), FAME_CLAIM_WRONG);
    assert_false(fame_set_claim(f, 2, hash)); /* once */
    assert_int_equal(fame_claim(f, "old-key", "x", other, NULL), FAME_CLAIM_OK);
}

static void test_list(void **state)
{
    Fame *f = *state;
    FameRow rows[] = {row(3, "c", ""), row(1, "a", ""), row(2, "b", "")};
    fame_add_rows(f, rows, 3, 7);
    FameEntry e[3];
    memset(e, 0x55, sizeof e);
    int total = 0;
    assert_int_equal(fame_list(f, e, 2, &total), 2);
    assert_int_equal(total, 7);
    assert_int_equal(e[0].rank, 1);
    assert_string_equal(e[0].name, "a");
    assert_string_equal(e[0].found_at, "2027-01-02 08:00:00");
    assert_string_equal(e[0].map, "map1");
    assert_int_equal(e[1].rank, 2);
    assert_string_equal(e[1].name, "b");
    assert_string_equal(e[1].map, "map2");
    assert_int_equal(e[2].rank, 0x55555555); /* beyond cap: untouched */
    assert_int_equal(fame_list(f, e, 3, NULL), 3);
    assert_string_equal(e[2].name, "c");
    assert_int_equal(fame_list(f, e, 0, &total), 0);
    assert_int_equal(total, 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rank_order_any_arrival, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rank_seen_again_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_total, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cap_keeps_first_ranks, setup, teardown),
        cmocka_unit_test(test_hash),
        cmocka_unit_test_setup_teardown(test_claim, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_claim, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
