/* test_storage_rows.c — the row decoder both storage back-ends share (storage_rows.h), directly.
 *
 * What an operator would notice if it broke: a hand-edited or foreign database that crashes
 * the server or bans the wrong player (an IP ban whose address is not its target, a ban that
 * never expires), or a legend whose claim can never be checked; or, the other way, good rows
 * that this server wrote being skipped after a restart. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "storage_rows.h"

static const char HASH[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/* A string of n copies of c, in buf[cap]. */
static const char *repeat(char *buf, size_t cap, char c, size_t n)
{
    assert_true(n < cap);
    memset(buf, c, n);
    buf[n] = '\0';
    return buf;
}

static void test_good_bans_decode(void **state)
{
    (void)state;
    Ban b;
    const char *ip[6] = {"0", "192.0.2.7", "", "192.0.2.7", "0", "spam"};
    assert_true(storage_ban_from_text(ip, &b));
    assert_int_equal(b.kind, BAN_IP);
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, "192.0.2.7", &a), 1);
    assert_int_equal(b.ip, a.s_addr);
    assert_string_equal(b.target, "192.0.2.7");
    assert_string_equal(b.target2, "");
    assert_string_equal(b.label, "192.0.2.7");
    assert_int_equal(b.until, 0);
    assert_string_equal(b.reason, "spam");

    const char *name[6] = {"1", "bot0", "bot0alt", "BotO", "1767225600", "rude words"};
    assert_true(storage_ban_from_text(name, &b));
    assert_int_equal(b.kind, BAN_NAME);
    assert_int_equal(b.ip, 0); /* only an IP ban has an address */
    assert_string_equal(b.target, "bot0");
    assert_string_equal(b.target2, "bot0alt");
    assert_string_equal(b.label, "BotO");
    assert_int_equal(b.until, 1767225600);
    assert_string_equal(b.reason, "rude words");

    /* The largest until there is is still a time, not an error. */
    const char *far[6] = {"1", "x", "", "x", "9223372036854775807", ""};
    assert_true(storage_ban_from_text(far, &b));
    assert_true(b.until == INT64_MAX);
}

static void test_ban_null_columns(void **state)
{
    (void)state;
    Ban b;
    /* target2, label and reason may be NULL: they read as "". */
    const char *opt[6] = {"1", "bot0", NULL, NULL, "0", NULL};
    assert_true(storage_ban_from_text(opt, &b));
    assert_string_equal(b.target, "bot0");
    assert_string_equal(b.target2, "");
    assert_string_equal(b.label, "");
    assert_string_equal(b.reason, "");
    /* kind, target and until may not. */
    const char *no_kind[6] = {NULL, "bot0", "", "", "0", ""};
    assert_false(storage_ban_from_text(no_kind, &b));
    const char *no_target[6] = {"1", NULL, "", "", "0", ""};
    assert_false(storage_ban_from_text(no_target, &b));
    const char *no_until[6] = {"1", "bot0", "", "", NULL, ""};
    assert_false(storage_ban_from_text(no_until, &b));
    /* An empty target would match nothing the server writes. */
    const char *empty_target[6] = {"1", "", "", "", "0", ""};
    assert_false(storage_ban_from_text(empty_target, &b));
}

static void test_ban_unknown_kind(void **state)
{
    (void)state;
    Ban b;
    const char *kinds[] = {"2", "7", "-1", "", "x", "1x", " 1", "+1", "1.0", "01x"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        /* An address: a kind taken for BAN_IP or BAN_NAME would decode. */
        const char *col[6] = {kinds[i], "192.0.2.1", "", "192.0.2.1", "0", ""};
        if (storage_ban_from_text(col, &b))
            fail_msg("kind \"%s\" accepted", kinds[i]);
    }
}

static void test_ban_ip_target_not_address(void **state)
{
    (void)state;
    Ban b;
    const char *bad[] = {"bot0",     "1.2.3",    "1.2.3.4.5",  "256.1.1.1", "::1",
                         "1.2.3.4 ", " 1.2.3.4", "0x7f.0.0.1", "1.2.3.4/24"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *col[6] = {"0", bad[i], "", bad[i], "0", ""};
        if (storage_ban_from_text(col, &b))
            fail_msg("IP ban on \"%s\" accepted", bad[i]);
    }
    /* The same text is a fine name ban: the check is the kind's. */
    const char *name[6] = {"1", "1.2.3", "", "1.2.3", "0", ""};
    assert_true(storage_ban_from_text(name, &b));
}

static void test_ban_until_not_a_time(void **state)
{
    (void)state;
    Ban b;
    const char *bad[] = {"-1",
                         "-9223372036854775808",
                         "",
                         "x",
                         "12x",
                         "1.5",
                         " 12",
                         "+12",
                         "9223372036854775808",
                         "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *col[6] = {"1", "bot0", "", "bot0", bad[i], ""};
        if (storage_ban_from_text(col, &b))
            fail_msg("until \"%s\" accepted", bad[i]);
    }
}

/* Each text field of a ban at its buffer's size (too long) and one less (fits). */
static void test_ban_field_lengths(void **state)
{
    (void)state;
    struct {
        int col;
        size_t cap; /* the field's buffer, with its NUL */
    } fields[] = {
        {1, sizeof((Ban *)0)->target},
        {2, sizeof((Ban *)0)->target2},
        {3, sizeof((Ban *)0)->label},
        {5, sizeof((Ban *)0)->reason},
    };
    assert_int_equal(fields[0].cap, BANS_TARGET_MAX + 1);
    assert_int_equal(fields[2].cap, BANS_LABEL_MAX + 1);
    assert_int_equal(fields[3].cap, BANS_REASON_MAX + 1);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        char text[512];
        Ban b;
        const char *col[6] = {"1", "bot0", "alt", "label", "0", "reason"};
        col[fields[i].col] = repeat(text, sizeof text, 'k', fields[i].cap - 1);
        if (!storage_ban_from_text(col, &b))
            fail_msg("column %d of %zu bytes refused", fields[i].col, fields[i].cap - 1);
        const char *got = fields[i].col == 1   ? b.target
                          : fields[i].col == 2 ? b.target2
                          : fields[i].col == 3 ? b.label
                                               : b.reason;
        assert_string_equal(got, text);
        col[fields[i].col] = repeat(text, sizeof text, 'k', fields[i].cap);
        if (storage_ban_from_text(col, &b))
            fail_msg("column %d of %zu bytes accepted", fields[i].col, fields[i].cap);
    }
}

static void test_good_fame_rows_decode(void **state)
{
    (void)state;
    FameRow r;
    const char *claimed[7] = {"3", "BotO", "bot0", "bot0", "2026-12-03 17:28:04", "arena", HASH};
    assert_true(storage_fame_from_text(claimed, &r));
    assert_int_equal(r.rank, 3);
    assert_string_equal(r.name, "BotO");
    assert_string_equal(r.key, "bot0");
    assert_string_equal(r.alt, "bot0");
    assert_string_equal(r.found_at, "2026-12-03 17:28:04");
    assert_string_equal(r.map, "arena");
    assert_string_equal(r.claim_hash, HASH);

    const char *unclaimed[7] = {"2147483647", "n", "k", "a", "2026-01-01 00:00:00", "m", ""};
    assert_true(storage_fame_from_text(unclaimed, &r));
    assert_int_equal(r.rank, INT32_MAX);
    assert_string_equal(r.claim_hash, "");
}

static void test_fame_null_columns(void **state)
{
    (void)state;
    FameRow r;
    /* A row from before keys and claims: NULL keys and hash read as "". */
    const char *old[7] = {"1", "Old", NULL, NULL, "2024-05-01 10:00:00", "arena", NULL};
    assert_true(storage_fame_from_text(old, &r));
    assert_int_equal(r.rank, 1);
    assert_string_equal(r.name, "Old");
    assert_string_equal(r.key, "");
    assert_string_equal(r.alt, "");
    assert_string_equal(r.claim_hash, "");
    const char *no_rank[7] = {NULL, "Old", "k", "a", "2024-05-01 10:00:00", "arena", NULL};
    assert_false(storage_fame_from_text(no_rank, &r));
}

static void test_fame_bad_rank(void **state)
{
    (void)state;
    FameRow r;
    const char *bad[] = {"0",  "-1", "-2147483648", "2147483648", "9223372036854775808", "", "x",
                         "1x", " 1", "+1",          "1.0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *col[7] = {bad[i], "n", "k", "a", "2026-01-01 00:00:00", "m", ""};
        if (storage_fame_from_text(col, &r))
            fail_msg("rank \"%s\" accepted", bad[i]);
    }
}

static void test_fame_bad_claim_hash(void **state)
{
    (void)state;
    FameRow r;
    char upper[STORAGE_HASH_HEX], short_[STORAGE_HASH_HEX], nonhex[STORAGE_HASH_HEX];
    char long_[STORAGE_HASH_HEX + 1];
    memcpy(upper, HASH, sizeof upper);
    upper[10] = 'A';
    memcpy(short_, HASH, sizeof short_);
    short_[63] = '\0'; /* 63 digits */
    memcpy(nonhex, HASH, sizeof nonhex);
    nonhex[0] = 'g';
    snprintf(long_, sizeof long_, "%s0", HASH); /* 65 digits */
    const char *bad[] = {upper, short_, nonhex, long_, "zz", " ", "0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *col[7] = {"1", "n", "k", "a", "2026-01-01 00:00:00", "m", bad[i]};
        if (storage_fame_from_text(col, &r))
            fail_msg("claim hash \"%s\" accepted", bad[i]);
    }
}

/* Each text field of a fame row at its buffer's size (too long) and one less (fits). */
static void test_fame_field_lengths(void **state)
{
    (void)state;
    struct {
        int col;
        size_t cap;
    } fields[] = {
        {1, sizeof((FameRow *)0)->name}, {2, sizeof((FameRow *)0)->key},
        {3, sizeof((FameRow *)0)->alt},  {4, sizeof((FameRow *)0)->found_at},
        {5, sizeof((FameRow *)0)->map},
    };
    assert_int_equal(fields[0].cap, FAME_NAME_MAX + 1);
    assert_int_equal(fields[1].cap, NAME_KEY_MAX + 1);
    assert_int_equal(fields[4].cap, FAME_MAP_MAX + 1);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        char text[512];
        FameRow r;
        const char *col[7] = {"5", "n", "k", "a", "2026-01-01 00:00:00", "m", ""};
        col[fields[i].col] = repeat(text, sizeof text, 'f', fields[i].cap - 1);
        if (!storage_fame_from_text(col, &r))
            fail_msg("column %d of %zu bytes refused", fields[i].col, fields[i].cap - 1);
        const char *got = fields[i].col == 1   ? r.name
                          : fields[i].col == 2 ? r.key
                          : fields[i].col == 3 ? r.alt
                          : fields[i].col == 4 ? r.found_at
                                               : r.map;
        assert_string_equal(got, text);
        col[fields[i].col] = repeat(text, sizeof text, 'f', fields[i].cap);
        if (storage_fame_from_text(col, &r))
            fail_msg("column %d of %zu bytes accepted", fields[i].col, fields[i].cap);
    }
}

static void test_parse_int64(void **state)
{
    (void)state;
    int64_t v = 42;
    assert_true(storage_parse_int64("0", 0, 10, &v) && v == 0);
    assert_true(storage_parse_int64("10", 0, 10, &v) && v == 10);
    assert_true(storage_parse_int64("-5", -5, 5, &v) && v == -5);
    assert_true(storage_parse_int64("-9223372036854775808", INT64_MIN, 0, &v) && v == INT64_MIN);
    v = 42;
    assert_false(storage_parse_int64("11", 0, 10, &v));
    assert_false(storage_parse_int64("-6", -5, 5, &v));
    assert_false(storage_parse_int64(NULL, 0, 10, &v));
    assert_false(storage_parse_int64("", 0, 10, &v));
    assert_false(storage_parse_int64("-", -5, 5, &v));
    assert_false(storage_parse_int64("5 ", 0, 10, &v));
    assert_false(storage_parse_int64("9223372036854775808", 0, INT64_MAX, &v));
    assert_true(v == 42); /* a refusal leaves *out alone */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_bans_decode),
        cmocka_unit_test(test_ban_null_columns),
        cmocka_unit_test(test_ban_unknown_kind),
        cmocka_unit_test(test_ban_ip_target_not_address),
        cmocka_unit_test(test_ban_until_not_a_time),
        cmocka_unit_test(test_ban_field_lengths),
        cmocka_unit_test(test_good_fame_rows_decode),
        cmocka_unit_test(test_fame_null_columns),
        cmocka_unit_test(test_fame_bad_rank),
        cmocka_unit_test(test_fame_bad_claim_hash),
        cmocka_unit_test(test_fame_field_lengths),
        cmocka_unit_test(test_parse_int64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
