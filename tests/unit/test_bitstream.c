/* test_bitstream.c — the bit-packed writer/reader every wire message is built on.
 *
 * Checks the documented bit order byte for byte, round trips at every bit offset, varint and
 * zigzag edge values, rejection of malformed varints and strings, sticky errors, that a writer
 * never touches a byte past its capacity, and what bs_reader_finished accepts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "bitstream.h"

enum { GUARD = 16, GUARD_BYTE = 0xA5 };

/* Small deterministic PRNG (xorshift32) so failures reproduce. */
static uint32_t rng_next(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

static uint32_t low_bits(uint32_t v, unsigned n)
{
    return n == 32 ? v : v & ((1u << n) - 1u);
}

/* ---- bit order --------------------------------------------------------------------------- */

static void test_bit_order_is_lsb_first(void **state)
{
    (void)state;
    uint8_t buf[8];
    memset(buf, 0xFF, sizeof buf);
    BsWriter w;
    bs_writer_init(&w, buf, sizeof buf);
    bs_write_bits(&w, 1, 1);           /* bit 0 */
    bs_write_bits(&w, 0x2, 3);         /* bits 1..3 = 0,1,0 */
    bs_write_bits(&w, 0xABC, 12);      /* bits 4..15 */
    bs_write_bits(&w, 0x12345678, 32); /* aligned: little-endian */
    assert_false(w.error);
    assert_int_equal(bs_writer_bits(&w), 48);
    assert_int_equal(bs_writer_bytes(&w), 6);
    /* byte 0: bit0=1, bits1..3=010, bits4..7 = low nibble of 0xABC (0xC) */
    assert_int_equal(buf[0], 0x1 | (0x2 << 1) | (0xC << 4));
    assert_int_equal(buf[1], 0xAB);
    assert_int_equal(buf[2], 0x78);
    assert_int_equal(buf[3], 0x56);
    assert_int_equal(buf[4], 0x34);
    assert_int_equal(buf[5], 0x12);
    assert_int_equal(buf[6], 0xFF); /* untouched */
}

static void test_unused_bits_of_last_byte_are_zero(void **state)
{
    (void)state;
    uint8_t buf[4];
    memset(buf, 0xFF, sizeof buf); /* stale caller data must not leak into the message */
    BsWriter w;
    bs_writer_init(&w, buf, sizeof buf);
    bs_write_bits(&w, 0x5, 3);
    assert_int_equal(bs_writer_bytes(&w), 1);
    assert_int_equal(buf[0], 0x05);
    bs_write_bool(&w, true);
    assert_int_equal(buf[0], 0x0D);
    bs_write_align(&w);
    assert_int_equal(bs_writer_bits(&w), 8);
    assert_int_equal(buf[0], 0x0D);
    assert_int_equal(buf[1], 0xFF);
}

/* ---- round trips at every offset --------------------------------------------------------- */

static void test_bits_round_trip_every_offset_and_width(void **state)
{
    (void)state;
    uint32_t seed = 0x1234567u;
    for (unsigned off = 0; off < 8; off++) {
        for (unsigned n = 0; n <= 32; n++) {
            for (int rep = 0; rep < 8; rep++) {
                uint32_t vals[3] = {low_bits(rng_next(&seed), n), n ? low_bits(~0u, n) : 0, 0};
                uint8_t buf[16];
                BsWriter w;
                bs_writer_init(&w, buf, sizeof buf);
                uint32_t pre = low_bits(rng_next(&seed), off);
                bs_write_bits(&w, pre, off);
                for (int k = 0; k < 3; k++)
                    bs_write_bits(&w, vals[k], n);
                bs_write_bits(&w, 1, 1); /* marker after the fields */
                assert_false(w.error);
                assert_int_equal(bs_writer_bits(&w), off + 3 * n + 1);

                BsReader r;
                bs_reader_init(&r, buf, bs_writer_bytes(&w));
                assert_int_equal(bs_read_bits(&r, off), pre);
                for (int k = 0; k < 3; k++)
                    assert_int_equal(bs_read_bits(&r, n), vals[k]);
                assert_true(bs_read_bool(&r));
                assert_true(bs_reader_finished(&r));
            }
        }
    }
}

static void test_32bit_values(void **state)
{
    (void)state;
    const uint32_t vals[] = {0, 1, 0x7FFFFFFFu, 0x80000000u, 0xDEADBEEFu, UINT32_MAX};
    for (unsigned off = 0; off < 8; off++) {
        for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
            uint8_t buf[8];
            BsWriter w;
            bs_writer_init(&w, buf, sizeof buf);
            bs_write_bits(&w, 0, off);
            bs_write_bits(&w, vals[i], 32);
            assert_false(w.error);
            BsReader r;
            bs_reader_init(&r, buf, bs_writer_bytes(&w));
            assert_int_equal(bs_read_bits(&r, off), 0);
            assert_int_equal(bs_read_bits(&r, 32), vals[i]);
            assert_true(bs_reader_finished(&r));
        }
    }
}

static void test_bytes_round_trip_every_offset(void **state)
{
    (void)state;
    uint8_t src[40];
    for (size_t i = 0; i < sizeof src; i++)
        src[i] = (uint8_t)(i * 37 + 11);
    for (unsigned off = 0; off < 8; off++) {
        for (size_t n = 0; n <= sizeof src; n += 7) {
            uint8_t buf[64], dst[40];
            memset(dst, 0, sizeof dst);
            BsWriter w;
            bs_writer_init(&w, buf, sizeof buf);
            bs_write_bits(&w, low_bits(0x5Au, off), off);
            bs_write_bytes(&w, src, n);
            assert_false(w.error);
            assert_int_equal(bs_writer_bits(&w), off + n * 8);
            BsReader r;
            bs_reader_init(&r, buf, bs_writer_bytes(&w));
            assert_int_equal(bs_read_bits(&r, off), low_bits(0x5Au, off));
            bs_read_bytes(&r, dst, n);
            assert_false(r.error);
            assert_memory_equal(dst, src, n);
            assert_true(bs_reader_finished(&r));
        }
    }
}

/* ---- varints ----------------------------------------------------------------------------- */

static size_t uvarint_groups(uint32_t v)
{
    size_t g = 1;
    while (v >= 128) {
        v >>= 7;
        g++;
    }
    return g;
}

static void test_uvarint_boundaries(void **state)
{
    (void)state;
    const uint32_t vals[] = {0,
                             1,
                             127,
                             128,
                             (1u << 14) - 1,
                             1u << 14,
                             (1u << 21) - 1,
                             1u << 21,
                             (1u << 28) - 1,
                             1u << 28,
                             UINT32_MAX - 1,
                             UINT32_MAX};
    const size_t groups[] = {1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 5};
    for (unsigned off = 0; off < 8; off++) {
        for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
            assert_int_equal(uvarint_groups(vals[i]), groups[i]);
            uint8_t buf[8];
            BsWriter w;
            bs_writer_init(&w, buf, sizeof buf);
            bs_write_bits(&w, 0, off);
            bs_write_uvarint(&w, vals[i]);
            assert_false(w.error);
            assert_int_equal(bs_writer_bits(&w), off + 8 * groups[i]); /* minimal length */
            BsReader r;
            bs_reader_init(&r, buf, bs_writer_bytes(&w));
            bs_read_bits(&r, off);
            assert_int_equal(bs_read_uvarint(&r), vals[i]);
            assert_true(bs_reader_finished(&r));
        }
    }
}

static void test_uvarint_exact_bytes(void **state)
{
    (void)state;
    /* 300 = 0b10_0101100: group 0x2C with "more", then group 0x02 without. Aligned, a group
     * and its "more" bit form one byte: value in bits 0..6, more in bit 7 (LEB128 layout). */
    uint8_t buf[4];
    BsWriter w;
    bs_writer_init(&w, buf, sizeof buf);
    bs_write_uvarint(&w, 300);
    assert_int_equal(bs_writer_bytes(&w), 2);
    assert_int_equal(buf[0], 0xAC);
    assert_int_equal(buf[1], 0x02);
}

static void test_svarint_zigzag(void **state)
{
    (void)state;
    const struct {
        int32_t v;
        uint32_t z;
    } cases[] = {{0, 0},
                 {-1, 1},
                 {1, 2},
                 {-2, 3},
                 {2, 4},
                 {-64, 127},
                 {64, 128},
                 {INT32_MAX, UINT32_MAX - 1},
                 {INT32_MIN, UINT32_MAX}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t a[8], b[8];
        BsWriter wa, wb;
        bs_writer_init(&wa, a, sizeof a);
        bs_writer_init(&wb, b, sizeof b);
        bs_write_svarint(&wa, cases[i].v);
        bs_write_uvarint(&wb, cases[i].z);
        assert_false(wa.error);
        assert_int_equal(bs_writer_bits(&wa), bs_writer_bits(&wb));
        assert_memory_equal(a, b, bs_writer_bytes(&wa));
        BsReader r;
        bs_reader_init(&r, a, bs_writer_bytes(&wa));
        assert_int_equal(bs_read_svarint(&r), cases[i].v);
        assert_true(bs_reader_finished(&r));
    }
}

static void test_svarint_random_round_trip(void **state)
{
    (void)state;
    uint32_t seed = 99;
    for (int i = 0; i < 20000; i++) {
        uint32_t u = rng_next(&seed) >> (rng_next(&seed) % 32);
        if (i & 1)
            u = ~u; /* negative values of every magnitude too */
        int32_t v;
        memcpy(&v, &u, sizeof v);
        uint8_t buf[8];
        BsWriter w;
        bs_writer_init(&w, buf, sizeof buf);
        bs_write_bits(&w, 0, (unsigned)i % 8);
        bs_write_svarint(&w, v);
        assert_false(w.error);
        BsReader r;
        bs_reader_init(&r, buf, bs_writer_bytes(&w));
        bs_read_bits(&r, (unsigned)i % 8);
        assert_int_equal(bs_read_svarint(&r), v);
        assert_true(bs_reader_finished(&r));
    }
}

static void expect_uvarint_rejected(const uint8_t *buf, size_t len)
{
    BsReader r;
    bs_reader_init(&r, buf, len);
    assert_int_equal(bs_read_uvarint(&r), 0);
    assert_true(r.error);
    assert_false(bs_reader_finished(&r));
}

static void test_uvarint_non_minimal_rejected(void **state)
{
    (void)state;
    /* 0 as two groups: 0x80 0x00 */
    expect_uvarint_rejected((const uint8_t[]){0x80, 0x00}, 2);
    /* 1 as two groups */
    expect_uvarint_rejected((const uint8_t[]){0x81, 0x00}, 2);
    /* 127 as three groups */
    expect_uvarint_rejected((const uint8_t[]){0xFF, 0x80, 0x00}, 3);
    /* 5 groups whose last is zero */
    expect_uvarint_rejected((const uint8_t[]){0xFF, 0xFF, 0xFF, 0xFF, 0x00}, 5);
    /* ...while the minimal forms are accepted */
    BsReader r;
    bs_reader_init(&r, (const uint8_t[]){0xFF, 0x01}, 2);
    assert_int_equal(bs_read_uvarint(&r), 255);
    assert_false(r.error);
}

static void test_uvarint_too_big_rejected(void **state)
{
    (void)state;
    /* UINT32_MAX is FF FF FF FF 0F; one more bit in the fifth group overflows 32 bits. */
    BsReader r;
    bs_reader_init(&r, (const uint8_t[]){0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, 5);
    assert_int_equal(bs_read_uvarint(&r), UINT32_MAX);
    assert_false(r.error);
    expect_uvarint_rejected((const uint8_t[]){0xFF, 0xFF, 0xFF, 0xFF, 0x10}, 5);
    expect_uvarint_rejected((const uint8_t[]){0x80, 0x80, 0x80, 0x80, 0x7F}, 5);
    /* a sixth group (fifth has "more" set) */
    expect_uvarint_rejected((const uint8_t[]){0x81, 0x80, 0x80, 0x80, 0x80, 0x00}, 6);
    expect_uvarint_rejected((const uint8_t[]){0x81, 0x80, 0x80, 0x80, 0x81, 0x01}, 6);
}

static void test_uvarint_truncated_rejected(void **state)
{
    (void)state;
    expect_uvarint_rejected((const uint8_t[]){0x80}, 1);
    expect_uvarint_rejected((const uint8_t[]){0xFF, 0xFF, 0xFF, 0xFF}, 4);
    expect_uvarint_rejected(NULL, 0);
    /* 7 bits present but the "more" bit is missing */
    BsReader r;
    bs_reader_init(&r, (const uint8_t[]){0x05}, 1);
    bs_read_bits(&r, 1);
    assert_int_equal(bs_read_uvarint(&r), 0);
    assert_true(r.error);
}

/* ---- strings ----------------------------------------------------------------------------- */

static void test_string_round_trip_and_limits(void **state)
{
    (void)state;
    char s[33];
    memset(s, 'x', 32);
    s[32] = '\0';
    for (unsigned off = 0; off < 8; off++) {
        uint8_t buf[64];
        BsWriter w;
        bs_writer_init(&w, buf, sizeof buf);
        bs_write_bits(&w, 0, off);
        bs_write_string(&w, s, 32); /* exactly at max */
        bs_write_string(&w, "", 32);
        assert_false(w.error);
        assert_int_equal(bs_writer_bits(&w), off + 8 + 32 * 8 + 8);

        char out[33], out2[4];
        BsReader r;
        bs_reader_init(&r, buf, bs_writer_bytes(&w));
        bs_read_bits(&r, off);
        bs_read_string(&r, out, sizeof out, 32);
        bs_read_string(&r, out2, sizeof out2, 32);
        assert_false(r.error);
        assert_string_equal(out, s);
        assert_string_equal(out2, "");
        assert_true(bs_reader_finished(&r));

        /* one under max on the reading side rejects, and the output is "" */
        bs_reader_init(&r, buf, bs_writer_bytes(&w));
        bs_read_bits(&r, off);
        bs_read_string(&r, out, sizeof out, 31);
        assert_true(r.error);
        assert_string_equal(out, "");
        /* dst too small for the string (needs len + 1) rejects too */
        bs_reader_init(&r, buf, bs_writer_bytes(&w));
        bs_read_bits(&r, off);
        bs_read_string(&r, out, 32, 64);
        assert_true(r.error);
        assert_string_equal(out, "");
    }
}

static void test_string_over_max_not_written(void **state)
{
    (void)state;
    uint8_t buf[64];
    memset(buf, GUARD_BYTE, sizeof buf);
    BsWriter w;
    bs_writer_init(&w, buf, sizeof buf);
    bs_write_string(&w, "abcdef", 5);
    assert_true(w.error);
    assert_int_equal(bs_writer_bits(&w), 0);
    assert_int_equal(buf[0], GUARD_BYTE);
}

static void test_string_with_nul_rejected(void **state)
{
    (void)state;
    const uint8_t wire[] = {3, 'a', 0, 'b'};
    char out[8];
    memset(out, 'z', sizeof out);
    BsReader r;
    bs_reader_init(&r, wire, sizeof wire);
    bs_read_string(&r, out, sizeof out, 16);
    assert_true(r.error);
    assert_string_equal(out, "");
}

static void test_string_truncated_rejected(void **state)
{
    (void)state;
    const uint8_t wire[] = {5, 'a', 'b', 'c'};
    char out[8];
    BsReader r;
    bs_reader_init(&r, wire, sizeof wire);
    bs_read_string(&r, out, sizeof out, 16);
    assert_true(r.error);
    assert_string_equal(out, "");
}

/* ---- sticky errors ----------------------------------------------------------------------- */

static void test_reader_error_is_sticky(void **state)
{
    (void)state;
    const uint8_t buf[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    BsReader r;
    bs_reader_init(&r, buf, sizeof buf);
    assert_int_equal(bs_read_bits(&r, 16), 0xFFFF);
    assert_int_equal(bs_read_bits(&r, 20), 0); /* only 16 bits left */
    assert_true(r.error);
    size_t pos = r.bitpos;
    /* everything after reads 0 and consumes nothing, even reads that would fit */
    assert_int_equal(bs_read_bits(&r, 8), 0);
    assert_false(bs_read_bool(&r));
    assert_int_equal(bs_read_uvarint(&r), 0);
    assert_int_equal(bs_read_svarint(&r), 0);
    uint8_t dst[2] = {7, 7};
    bs_read_bytes(&r, dst, 1);
    assert_int_equal(dst[0], 7);
    char s[4] = "abc";
    bs_read_string(&r, s, sizeof s, 3);
    assert_string_equal(s, "");
    assert_true(r.error);
    assert_int_equal(r.bitpos, pos);
    assert_false(bs_reader_finished(&r));
}

static void test_writer_error_is_sticky(void **state)
{
    (void)state;
    uint8_t buf[2 + GUARD];
    memset(buf, GUARD_BYTE, sizeof buf);
    BsWriter w;
    bs_writer_init(&w, buf, 2);
    bs_write_bits(&w, 0x3, 2);
    bs_write_bits(&w, 0xFFFF, 16); /* 18 bits > 16: fails, writes nothing */
    assert_true(w.error);
    assert_int_equal(bs_writer_bits(&w), 2);
    bs_write_bits(&w, 1, 1); /* would fit, but the error is sticky */
    bs_write_uvarint(&w, 5);
    bs_write_bytes(&w, "x", 1);
    bs_write_align(&w);
    assert_true(w.error);
    assert_int_equal(bs_writer_bits(&w), 2);
    assert_int_equal(buf[0], 0x03);
    assert_int_equal(buf[1], GUARD_BYTE);
}

/* ---- writer never writes past cap -------------------------------------------------------- */

static void check_guard(const uint8_t *buf, size_t cap)
{
    for (size_t i = cap; i < cap + GUARD; i++)
        assert_int_equal(buf[i], GUARD_BYTE);
}

static void test_writer_never_writes_past_cap(void **state)
{
    (void)state;
    uint32_t seed = 7;
    uint8_t src[64];
    for (size_t i = 0; i < sizeof src; i++)
        src[i] = (uint8_t)rng_next(&seed);
    for (size_t cap = 0; cap <= 12; cap++) {
        for (int rep = 0; rep < 300; rep++) {
            uint8_t buf[12 + GUARD];
            memset(buf, GUARD_BYTE, sizeof buf);
            BsWriter w;
            bs_writer_init(&w, buf, cap);
            bool failed = false;
            for (int op = 0; op < 12; op++) {
                switch (rng_next(&seed) % 6) {
                case 0: {
                    unsigned n = rng_next(&seed) % 33;
                    bs_write_bits(&w, low_bits(rng_next(&seed), n), n);
                    break;
                }
                case 1:
                    bs_write_uvarint(&w, rng_next(&seed) >> (rng_next(&seed) % 32));
                    break;
                case 2:
                    bs_write_svarint(&w, (int32_t)(rng_next(&seed) % 2000) - 1000);
                    break;
                case 3:
                    bs_write_bytes(&w, src, rng_next(&seed) % 9);
                    break;
                case 4:
                    bs_write_string(&w, "hello", 8);
                    break;
                default:
                    bs_write_align(&w);
                    break;
                }
                assert_true(bs_writer_bytes(&w) <= cap);
                if (failed)
                    assert_true(w.error); /* sticky */
                failed = w.error;
                check_guard(buf, cap);
            }
        }
    }
}

static void test_write_bytes_huge_count_fails_cleanly(void **state)
{
    (void)state;
    uint8_t buf[4 + GUARD];
    memset(buf, GUARD_BYTE, sizeof buf);
    BsWriter w;
    bs_writer_init(&w, buf, 4);
    bs_write_bits(&w, 1, 3);
    bs_write_bytes(&w, buf, SIZE_MAX / 4); /* would overflow n * 8 if not checked first */
    assert_true(w.error);
    check_guard(buf, 4);

    BsReader r;
    uint8_t dst[4];
    bs_reader_init(&r, buf, 4);
    bs_read_bytes(&r, dst, SIZE_MAX / 4);
    assert_true(r.error);
}

static void test_reader_never_reads_past_len(void **state)
{
    (void)state;
    /* The reader is handed a prefix of a larger buffer holding non-zero bytes: none of them
     * may leak into values. */
    const uint8_t buf[4] = {0x00, 0x00, 0xFF, 0xFF};
    BsReader r;
    bs_reader_init(&r, buf, 2);
    bs_read_bits(&r, 10);
    assert_int_equal(bs_reader_remaining(&r), 6);
    assert_int_equal(bs_read_bits(&r, 7), 0);
    assert_true(r.error);
    bs_reader_init(&r, buf, 2);
    bs_read_bits(&r, 10);
    assert_int_equal(bs_read_bits(&r, 6), 0);
    assert_false(r.error);
    assert_true(bs_reader_finished(&r));
}

/* ---- bs_reader_finished ------------------------------------------------------------------ */

static void test_reader_finished(void **state)
{
    (void)state;
    BsReader r;
    /* exact end */
    bs_reader_init(&r, (const uint8_t[]){0xAB}, 1);
    bs_read_bits(&r, 8);
    assert_true(bs_reader_finished(&r));
    /* zero padding in the last byte */
    bs_reader_init(&r, (const uint8_t[]){0x05}, 1);
    assert_int_equal(bs_read_bits(&r, 3), 5);
    assert_true(bs_reader_finished(&r));
    /* a set bit in the padding is garbage */
    bs_reader_init(&r, (const uint8_t[]){0x85}, 1);
    assert_int_equal(bs_read_bits(&r, 3), 5);
    assert_false(bs_reader_finished(&r));
    bs_reader_init(&r, (const uint8_t[]){0x0D}, 1);
    assert_int_equal(bs_read_bits(&r, 3), 5);
    assert_false(bs_reader_finished(&r));
    /* a whole spare byte, even zero, is trailing */
    bs_reader_init(&r, (const uint8_t[]){0x05, 0x00}, 2);
    assert_int_equal(bs_read_bits(&r, 3), 5);
    assert_false(bs_reader_finished(&r));
    bs_reader_init(&r, (const uint8_t[]){0x05, 0x00}, 2);
    bs_read_bits(&r, 8);
    assert_false(bs_reader_finished(&r));
    /* empty input is finished; an errored reader never is */
    bs_reader_init(&r, NULL, 0);
    assert_true(bs_reader_finished(&r));
    bs_read_bits(&r, 1);
    assert_false(bs_reader_finished(&r));
}

static void test_read_align(void **state)
{
    (void)state;
    BsReader r;
    bs_reader_init(&r, (const uint8_t[]){0xFF, 0x42}, 2);
    bs_read_bits(&r, 3);
    bs_read_align(&r);
    assert_int_equal(r.bitpos, 8);
    bs_read_align(&r); /* already aligned: no-op */
    assert_int_equal(r.bitpos, 8);
    assert_int_equal(bs_read_bits(&r, 8), 0x42);
    assert_true(bs_reader_finished(&r));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bit_order_is_lsb_first),
        cmocka_unit_test(test_unused_bits_of_last_byte_are_zero),
        cmocka_unit_test(test_bits_round_trip_every_offset_and_width),
        cmocka_unit_test(test_32bit_values),
        cmocka_unit_test(test_bytes_round_trip_every_offset),
        cmocka_unit_test(test_uvarint_boundaries),
        cmocka_unit_test(test_uvarint_exact_bytes),
        cmocka_unit_test(test_svarint_zigzag),
        cmocka_unit_test(test_svarint_random_round_trip),
        cmocka_unit_test(test_uvarint_non_minimal_rejected),
        cmocka_unit_test(test_uvarint_too_big_rejected),
        cmocka_unit_test(test_uvarint_truncated_rejected),
        cmocka_unit_test(test_string_round_trip_and_limits),
        cmocka_unit_test(test_string_over_max_not_written),
        cmocka_unit_test(test_string_with_nul_rejected),
        cmocka_unit_test(test_string_truncated_rejected),
        cmocka_unit_test(test_reader_error_is_sticky),
        cmocka_unit_test(test_writer_error_is_sticky),
        cmocka_unit_test(test_writer_never_writes_past_cap),
        cmocka_unit_test(test_write_bytes_huge_count_fails_cleanly),
        cmocka_unit_test(test_reader_never_reads_past_len),
        cmocka_unit_test(test_reader_finished),
        cmocka_unit_test(test_read_align),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
