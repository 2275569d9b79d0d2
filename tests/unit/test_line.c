/* test_line.c — TCP line framing and text validation (login and chat).
 *
 * What a user would notice: lines split across recv() calls in any way give the same lines;
 * an over-long, non-UTF-8 or control-character line is reported once and the next line
 * still works; nothing invalid ever comes out as LINE_READY. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "line.h"

/* ---- helpers ----------------------------------------------------------------------------- */

static uint32_t rng_next(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

enum { LOG_CAP = 1 << 16 };

/* What a feed sequence produced, serialised: "R<len>:<text>|" per line, "E<status>|" per
 * error. Comparing logs compares the full outcome. */
typedef struct Log {
    char s[LOG_CAP];
    size_t n;
} Log;

static void log_add(Log *log, LineStatus st, const LineReader *r)
{
    int k;
    if (st == LINE_READY)
        k = snprintf(log->s + log->n, LOG_CAP - log->n, "R%zu:%s|", r->len, r->line);
    else
        k = snprintf(log->s + log->n, LOG_CAP - log->n, "E%d|", (int)st);
    assert_true(k > 0 && (size_t)k < LOG_CAP - log->n);
    log->n += (size_t)k;
}

/* Feeds one chunk, calling again until everything is consumed, and checks the contract. */
static void feed_chunk(LineReader *r, const uint8_t *data, size_t len, Log *log)
{
    while (true) {
        size_t used = 12345;
        LineStatus st = line_reader_feed(r, data, len, &used);
        assert_true(used <= len);
        if (st == LINE_NEED_MORE) {
            assert_int_equal(used, len);
            return;
        }
        assert_true(used >= 1);
        if (st == LINE_READY) {
            assert_int_equal(strlen(r->line), r->len);
            assert_true(r->len >= 1 && r->len < PROTO_LINE_MAX);
            assert_true(line_text_valid((const uint8_t *)r->line, r->len));
        }
        log_add(log, st, r);
        data += used;
        len -= used;
    }
}

/* Feeds data in pieces: first split at `split` (if < len), then each piece in chunks of `step`
 * bytes (0 = whole piece). */
static void run(const uint8_t *data, size_t len, size_t split, size_t step, Log *log)
{
    LineReader r;
    line_reader_init(&r);
    log->n = 0;
    log->s[0] = '\0';
    size_t bounds[3] = {0, split < len ? split : len, len};
    for (int p = 0; p < 2; p++) {
        size_t at = bounds[p], end = bounds[p + 1];
        while (at < end) {
            size_t n = end - at;
            if (step != 0 && n > step)
                n = step;
            feed_chunk(&r, data + at, n, log);
            at += n;
        }
    }
}

static void run_whole(const uint8_t *data, size_t len, Log *log)
{
    run(data, len, len, 0, log);
}

static Log log_a, log_b; /* large; static to keep them off the stack (test-only state) */

static void expect_log(const char *input, size_t len, const char *want)
{
    run_whole((const uint8_t *)input, len, &log_a);
    assert_string_equal(log_a.s, want);
}

#define EXPECT(lit, want) expect_log(lit, sizeof(lit) - 1, want)

/* ---- basics ------------------------------------------------------------------------------ */

static void test_simple_lines(void **state)
{
    (void)state;
    EXPECT("hello\n", "R5:hello|");
    EXPECT("LOGIN bob\r\nSAY hi there\n", "R9:LOGIN bob|R12:SAY hi there|");
    EXPECT("no newline yet", "");
    EXPECT("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\n",
           "R14:caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80|");
}

static void test_empty_lines_skipped(void **state)
{
    (void)state;
    EXPECT("\n\n\r\n\nA\n\r\n\n", "R1:A|");
    EXPECT("\r\n", "");
}

static void test_cr_only_stripped_before_lf(void **state)
{
    (void)state;
    EXPECT("a\rb\n", "E4|");   /* lone CR inside: control */
    EXPECT("ab\r\r\n", "E4|"); /* the first CR is content */
    EXPECT("\r\r\n", "E4|");
    EXPECT("ab\r", ""); /* CR waits to see whether LF follows */
    EXPECT("ab\r\nc\n", "R2:ab|R1:c|");
}

static void test_line_stays_readable_until_next_feed(void **state)
{
    (void)state;
    LineReader r;
    line_reader_init(&r);
    size_t used;
    const uint8_t data[] = "one\ntwo\n";
    assert_int_equal(line_reader_feed(&r, data, 8, &used), LINE_READY);
    assert_int_equal(used, 4);
    assert_string_equal(r.line, "one");
    assert_int_equal(r.len, 3);
    assert_int_equal(line_reader_feed(&r, data + used, 8 - used, &used), LINE_READY);
    assert_string_equal(r.line, "two");
    assert_int_equal(line_reader_feed(&r, data, 0, &used), LINE_NEED_MORE);
    assert_int_equal(used, 0);
}

/* ---- length limit ------------------------------------------------------------------------ */

/* A line of `content` 'a' bytes, then the terminator, then "ok\n". */
static size_t make_long(uint8_t *buf, size_t content, bool crlf)
{
    size_t n = 0;
    memset(buf, 'a', content);
    n += content;
    if (crlf)
        buf[n++] = '\r';
    buf[n++] = '\n';
    memcpy(buf + n, "ok\n", 3);
    return n + 3;
}

static void test_length_limit(void **state)
{
    (void)state;
    static uint8_t buf[2048];
    const struct {
        size_t content;
        bool crlf;
        bool ok;
    } cases[] = {
        {510, false, true},  /* 511 bytes with "\n" */
        {511, false, true},  /* 512 bytes: exactly the limit */
        {512, false, false}, /* 513 */
        {509, true, true},   /* 511 with "\r\n" */
        {510, true, true},   /* 512 with "\r\n" */
        {511, true, false},  /* 513 with "\r\n": the CR is the 512th byte */
        {512, true, false},  {1500, false, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = make_long(buf, cases[i].content, cases[i].crlf);
        char want[600];
        if (cases[i].ok) {
            memset(want, 0, sizeof want);
            int k = snprintf(want, sizeof want, "R%zu:", cases[i].content);
            memset(want + k, 'a', cases[i].content);
            strcat(want, "|R2:ok|");
        } else {
            snprintf(want, sizeof want, "E%d|R2:ok|", (int)LINE_ERR_TOO_LONG);
        }
        run(buf, n, n, 0, &log_a);
        assert_string_equal(log_a.s, want);
        run(buf, n, n, 1, &log_b); /* byte by byte */
        assert_string_equal(log_b.s, want);
    }
}

static void test_too_long_reported_without_waiting_for_newline(void **state)
{
    (void)state;
    static uint8_t buf[4000];
    memset(buf, 'x', sizeof buf);
    LineReader r;
    line_reader_init(&r);
    size_t used;
    assert_int_equal(line_reader_feed(&r, buf, PROTO_LINE_MAX - 1, &used), LINE_NEED_MORE);
    assert_int_equal(line_reader_feed(&r, buf, 1, &used), LINE_ERR_TOO_LONG);
    assert_int_equal(used, 1);
    /* the rest of the line is skipped silently, however long, then lines work again */
    assert_int_equal(line_reader_feed(&r, buf, sizeof buf, &used), LINE_NEED_MORE);
    assert_int_equal(line_reader_feed(&r, buf, sizeof buf, &used), LINE_NEED_MORE);
    const uint8_t tail[] = "xx\xFF\x01 junk\nnext\n";
    assert_int_equal(line_reader_feed(&r, tail, sizeof tail - 1, &used), LINE_READY);
    assert_string_equal(r.line, "next");

    /* all at once: the error comes after exactly PROTO_LINE_MAX bytes */
    line_reader_init(&r);
    assert_int_equal(line_reader_feed(&r, buf, sizeof buf, &used), LINE_ERR_TOO_LONG);
    assert_int_equal(used, PROTO_LINE_MAX);
}

/* ---- UTF-8 and control characters -------------------------------------------------------- */

typedef struct Seq {
    const char *bytes;
    size_t len;
} Seq;
#define SEQ(lit)                                                                                   \
    {                                                                                              \
        lit, sizeof(lit) - 1                                                                       \
    }

static const Seq invalid_utf8[] = {
    SEQ("\xC0\x80"),                 /* overlong NUL */
    SEQ("\xC0\xAF"),                 /* overlong '/' */
    SEQ("\xC1\xBF"),                 /* overlong U+007F */
    SEQ("\xE0\x80\x80"),             /* overlong 3-byte */
    SEQ("\xE0\x9F\xBF"),             /* overlong U+07FF */
    SEQ("\xF0\x80\x80\x80"),         /* overlong 4-byte */
    SEQ("\xF0\x8F\xBF\xBF"),         /* overlong U+FFFF */
    SEQ("\xED\xA0\x80"),             /* surrogate U+D800 */
    SEQ("\xED\xBF\xBF"),             /* surrogate U+DFFF */
    SEQ("\xED\xA0\xBD\xED\xB8\x80"), /* CESU-8 surrogate pair */
    SEQ("\xF4\x90\x80\x80"),         /* U+110000 */
    SEQ("\xF5\x80\x80\x80"),         /* lead F5 */
    SEQ("\xF7\xBF\xBF\xBF"),
    SEQ("\xF8\x88\x80\x80\x80"), /* 5-byte form */
    SEQ("\xFC\x84\x80\x80\x80\x80"),
    SEQ("\xFE"),
    SEQ("\xFF"),
    SEQ("\x80"), /* lone continuation */
    SEQ("\xBF"),
    SEQ("a\x80z"),
    SEQ("\xC3"),             /* truncated 2-byte */
    SEQ("\xE2\x82"),         /* truncated 3-byte */
    SEQ("\xF0\x9F\x98"),     /* truncated 4-byte */
    SEQ("\xC3 "),            /* continuation replaced by ASCII */
    SEQ("\xE2\x28\xA1"),     /* bad second byte */
    SEQ("\xE2\x82\x28"),     /* bad third byte */
    SEQ("\xF0\x9F\x98\x28"), /* bad fourth byte */
    SEQ("\xC3\xA9\xA9"),     /* one continuation too many */
    SEQ("\xC3\x01"),         /* invalid and a control: UTF-8 wins */
};

static const Seq valid_utf8[] = {
    SEQ("\xC2\xA0"),         /* U+00A0, first non-control above ASCII */
    SEQ("\xDF\xBF"),         /* U+07FF */
    SEQ("\xE0\xA0\x80"),     /* U+0800 */
    SEQ("\xED\x9F\xBF"),     /* U+D7FF, last before surrogates */
    SEQ("\xEE\x80\x80"),     /* U+E000, first after */
    SEQ("\xEF\xBF\xBD"),     /* U+FFFD */
    SEQ("\xEF\xBF\xBF"),     /* U+FFFF */
    SEQ("\xF0\x90\x80\x80"), /* U+10000 */
    SEQ("\xF4\x8F\xBF\xBF"), /* U+10FFFF */
    SEQ(" ~"),               /* printable ASCII bounds */
};

static const Seq controls[] = {
    SEQ("a\0b"),                                                 /* NUL */
    SEQ("\x01"),     SEQ("\x1F"), SEQ("tab\there"), SEQ("\x7F"), /* DEL */
    SEQ("\x1B[31m"),                                             /* ESC: terminal escapes */
    SEQ("\xC2\x80"),                                             /* U+0080, C1 */
    SEQ("\xC2\x85"),                                             /* NEL */
    SEQ("\xC2\x9F"),                                             /* U+009F */
    SEQ("a\rb"),
};

/* Wraps seq as "x<seq>y\n" and returns the log of feeding it. */
static const char *feed_wrapped(const Seq *seq)
{
    uint8_t buf[64];
    size_t n = 0;
    buf[n++] = 'x';
    memcpy(buf + n, seq->bytes, seq->len);
    n += seq->len;
    buf[n++] = 'y';
    buf[n++] = '\n';
    memcpy(buf + n, "ok\n", 3);
    n += 3;
    run_whole(buf, n, &log_a);
    return log_a.s;
}

static void test_invalid_utf8_table(void **state)
{
    (void)state;
    char want[32];
    snprintf(want, sizeof want, "E%d|R2:ok|", (int)LINE_ERR_UTF8);
    for (size_t i = 0; i < sizeof invalid_utf8 / sizeof invalid_utf8[0]; i++) {
        const Seq *s = &invalid_utf8[i];
        assert_false(line_utf8_valid((const uint8_t *)s->bytes, s->len));
        assert_false(line_text_valid((const uint8_t *)s->bytes, s->len));
        assert_string_equal(feed_wrapped(s), want);
    }
}

static void test_valid_utf8_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof valid_utf8 / sizeof valid_utf8[0]; i++) {
        const Seq *s = &valid_utf8[i];
        assert_true(line_utf8_valid((const uint8_t *)s->bytes, s->len));
        assert_true(line_text_valid((const uint8_t *)s->bytes, s->len));
        char want[64];
        snprintf(want, sizeof want, "R%zu:x%.*sy|R2:ok|", s->len + 2, (int)s->len, s->bytes);
        assert_string_equal(feed_wrapped(s), want);
    }
}

static void test_control_characters(void **state)
{
    (void)state;
    char want[32];
    snprintf(want, sizeof want, "E%d|R2:ok|", (int)LINE_ERR_CONTROL);
    for (size_t i = 0; i < sizeof controls / sizeof controls[0]; i++) {
        const Seq *s = &controls[i];
        assert_true(line_utf8_valid((const uint8_t *)s->bytes, s->len));
        assert_false(line_text_valid((const uint8_t *)s->bytes, s->len));
        assert_string_equal(feed_wrapped(s), want);
    }
}

static void test_utf8_length(void **state)
{
    (void)state;
    const uint8_t s[] = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z";
    assert_int_equal(line_utf8_length(s, sizeof s - 1), 5);
    assert_int_equal(line_utf8_length(s, 0), 0);
    assert_true(line_utf8_valid(s, 0));
    assert_true(line_text_valid(s, 0));
}

/* ---- cutting text and forged lines ------------------------------------------------------- */

/* The largest offset <= n where a character of valid UTF-8 s starts (or s ends). */
static size_t last_char_start(const uint8_t *s, size_t len, size_t n)
{
    if (n >= len)
        return len;
    while (n > 0 && (s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

static void test_utf8_boundary_never_cuts(void **state)
{
    (void)state;
    /* 1-, 2-, 3- and 4-byte characters in every order, and runs of one width */
    static const char *const texts[] = {
        "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z",           /* a é € 😀 z */
        "\xF0\x9F\x98\x80\xF0\x9F\x98\x81\xF0\x9F\x98\x82", /* 😀😁😂 */
        "\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD",                 /* Иван */
        "\xE3\x81\x95\xE3\x81\x8F\xE3\x82\x89",             /* さくら */
        "\xE2\x82\xAC"
        "a\xF0\x90\x8D\x88\xC3\xBF"
        "b", /* € a 𐍈 ÿ b */
        "plain ascii text",
    };
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        const uint8_t *s = (const uint8_t *)texts[t];
        size_t len = strlen(texts[t]);
        assert_true(line_utf8_valid(s, len));
        assert_int_equal(line_utf8_boundary(s, len), len); /* whole text: left alone */
        for (size_t n = 0; n <= len; n++) {
            size_t b = line_utf8_boundary(s, n);
            assert_int_equal(b, last_char_start(s, len, n));
            assert_true(line_utf8_valid(s, b));
        }
    }
    /* ASCII: every prefix is its own boundary */
    const uint8_t ascii[] = "kick bob for spamming";
    for (size_t n = 0; n < sizeof ascii; n++)
        assert_int_equal(line_utf8_boundary(ascii, n), n);
    /* a lone lead byte or an unfinished sequence at the end is dropped */
    assert_int_equal(line_utf8_boundary((const uint8_t *)"ab\xC3", 3), 2);
    assert_int_equal(line_utf8_boundary((const uint8_t *)"\xE2\x82", 2), 0);
    assert_int_equal(line_utf8_boundary((const uint8_t *)"x\xF0\x9F\x98", 4), 1);
    assert_int_equal(line_utf8_boundary((const uint8_t *)"", 0), 0);
}

/* The characters that forge a line break or reorder what follows (line.h). */
static const Seq forging[] = {
    SEQ("\xE2\x80\xA8"), /* U+2028 LINE SEPARATOR */
    SEQ("\xE2\x80\xA9"), /* U+2029 PARAGRAPH SEPARATOR */
    SEQ("\xC2\x85"),     /* U+0085 NEXT LINE */
    SEQ("\xE2\x80\xAA"), /* U+202A LRE */
    SEQ("\xE2\x80\xAB"), /* U+202B RLE */
    SEQ("\xE2\x80\xAC"), /* U+202C PDF */
    SEQ("\xE2\x80\xAD"), /* U+202D LRO */
    SEQ("\xE2\x80\xAE"), /* U+202E RLO */
    SEQ("\xE2\x81\xA6"), /* U+2066 LRI */
    SEQ("\xE2\x81\xA7"), /* U+2067 RLI */
    SEQ("\xE2\x81\xA8"), /* U+2068 FSI */
    SEQ("\xE2\x81\xA9"), /* U+2069 PDI */
};

static void test_text_safe_rejects_forging(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof forging / sizeof forging[0]; i++) {
        const Seq *f = &forging[i];
        char buf[32];
        /* alone, at the start, in the middle, at the end */
        const char *fmt[] = {"%.*s", "%.*shello", "hel%.*slo", "hello%.*s"};
        for (size_t k = 0; k < sizeof fmt / sizeof fmt[0]; k++) {
            int n = snprintf(buf, sizeof buf, fmt[k], (int)f->len, f->bytes);
            assert_true(n > 0 && (size_t)n < sizeof buf);
            assert_false(line_text_safe((const uint8_t *)buf, (size_t)n));
            /* U+0085 is a C1 control; the others are valid text, only not safe */
            assert_int_equal(line_text_valid((const uint8_t *)buf, (size_t)n),
                             f->bytes[0] != '\xC2');
        }
    }
}

static void test_text_safe_accepts_text(void **state)
{
    (void)state;
    static const Seq ok[] = {
        SEQ(""), SEQ("hello, arena"), SEQ("h\xC3\xA9llo w\xC3\xB6rld"),      /* héllo wörld */
        SEQ("\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82"),             /* Привет */
        SEQ("\xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3\x81\xA1\xE3\x81\xAF"), /* こんにちは */
        SEQ("gg \xF0\x9F\x98\x80"),                                          /* emoji */
        SEQ("\xE2\x80\x8E"
            "left mark"),                        /* U+200E LRM: a mark, allowed */
        SEQ("right mark\xE2\x80\x8F"),           /* U+200F RLM */
        SEQ("\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D"), /* שלום (right-to-left letters) */
        /* the neighbours of the forbidden ranges: U+2027, U+202F, U+2065, U+206A */
        SEQ("\xE2\x80\xA7\xE2\x80\xAF\xE2\x81\xA5\xE2\x81\xAA"),
        SEQ("no\xC2\xA0"
            "break"), /* U+00A0: a space, not a break */
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_true(line_text_valid((const uint8_t *)ok[i].bytes, ok[i].len));
        assert_true(line_text_safe((const uint8_t *)ok[i].bytes, ok[i].len));
    }
}

static void test_text_safe_rejects_controls_and_bad_utf8(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof controls / sizeof controls[0]; i++)
        assert_false(line_text_safe((const uint8_t *)controls[i].bytes, controls[i].len));
    static const Seq bad[] = {
        SEQ("a\xFF"),   SEQ("\xC0\xAF"),         SEQ("\xED\xA0\x80"), SEQ("ok\xE2\x80"),
        SEQ("\x80"),    SEQ("\xF4\x90\x80\x80"), SEQ("tab\there"),    SEQ("nul\0x"),
        SEQ("del\x7F"), SEQ("\xC2\x80"),         SEQ("\xC2\x9F"),     SEQ("cr\rlf"),
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(line_text_safe((const uint8_t *)bad[i].bytes, bad[i].len));
}

/* ---- splitting --------------------------------------------------------------------------- */

static void check_all_splits(const uint8_t *data, size_t len)
{
    run_whole(data, len, &log_a);
    for (size_t split = 0; split <= len; split++) {
        run(data, len, split, 0, &log_b);
        assert_string_equal(log_b.s, log_a.s);
    }
    for (size_t step = 1; step <= 7; step++) {
        run(data, len, len, step, &log_b);
        assert_string_equal(log_b.s, log_a.s);
    }
}

static void test_split_reads_match_whole_buffer(void **state)
{
    (void)state;
    static const Seq inputs[] = {
        SEQ("LOGIN alice\r\nSAY hello\nSAY w\xC3\xB6rld\r\n\r\n\nQUIT\n"),
        SEQ("a\rb\nbad \xFF\nok\r\n\x00zero\ngood\n"),
        SEQ("\xF0\x9F\x98\x80\xF0\x9F\x98\n\xE2\x82\xAC\r\rx\n\r\n"),
        SEQ("partial line without end"),
        SEQ("\n\n\n\r\n"),
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        check_all_splits((const uint8_t *)inputs[i].bytes, inputs[i].len);

    /* and around the length limit, where the CR and the error point matter */
    static uint8_t buf[2048];
    size_t n = 0;
    n += make_long(buf + n, 511, false);
    n += make_long(buf + n, 510, true);
    n += make_long(buf + n, 511, true);
    assert_true(n <= sizeof buf);
    check_all_splits(buf, n);
    /* the expected outcome, so the splits are compared against something right */
    run_whole(buf, n, &log_a);
    assert_int_equal(strncmp(log_a.s, "R511:", 5), 0);
    assert_non_null(strstr(log_a.s, "|R2:ok|R510:"));
    char tail[32];
    snprintf(tail, sizeof tail, "|R2:ok|E%d|R2:ok|", (int)LINE_ERR_TOO_LONG);
    assert_int_equal(strcmp(log_a.s + strlen(log_a.s) - strlen(tail), tail), 0);
}

static void test_random_soup(void **state)
{
    (void)state;
    /* Bytes biased towards the interesting ones; every READY line is checked in feed_chunk. */
    static const uint8_t special[] = {'\n', '\r', 0x00, 0x7F, 0x80, 0xBF, 0xC2, 0xC0,
                                      0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF, '\t', 'a'};
    static uint8_t buf[1 << 16];
    uint32_t seed = 2024;
    size_t ready = 0;
    for (int round = 0; round < 24; round++) {
        size_t len = rng_next(&seed) % sizeof buf;
        unsigned newline_rate = 2 + rng_next(&seed) % 600;
        for (size_t i = 0; i < len; i++) {
            uint32_t x = rng_next(&seed);
            if (x % newline_rate == 0)
                buf[i] = '\n';
            else if ((x >> 8) % 4 == 0)
                buf[i] = special[(x >> 12) % sizeof special];
            else if ((x >> 8) % 4 == 1)
                buf[i] = (uint8_t)(0x20 + (x >> 16) % 0x5F);
            else
                buf[i] = (uint8_t)(x >> 16);
        }
        run(buf, len, len, 0, &log_a);
        run(buf, len, len / 3, 1 + rng_next(&seed) % 97, &log_b);
        assert_string_equal(log_b.s, log_a.s);
        for (const char *p = log_a.s; (p = strchr(p, 'R')) != NULL; p++)
            ready++;
    }
    assert_true(ready > 0); /* the soup did produce some lines to check */
}

static void test_status_strings(void **state)
{
    (void)state;
    for (int s = LINE_NEED_MORE; s <= LINE_ERR_CONTROL; s++) {
        const char *str = line_status_str((LineStatus)s);
        assert_non_null(str);
        assert_true(strlen(str) > 0);
        for (int t = LINE_NEED_MORE; t < s; t++)
            assert_string_not_equal(str, line_status_str((LineStatus)t));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_lines),
        cmocka_unit_test(test_empty_lines_skipped),
        cmocka_unit_test(test_cr_only_stripped_before_lf),
        cmocka_unit_test(test_line_stays_readable_until_next_feed),
        cmocka_unit_test(test_length_limit),
        cmocka_unit_test(test_too_long_reported_without_waiting_for_newline),
        cmocka_unit_test(test_invalid_utf8_table),
        cmocka_unit_test(test_valid_utf8_table),
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_utf8_length),
        cmocka_unit_test(test_utf8_boundary_never_cuts),
        cmocka_unit_test(test_text_safe_rejects_forging),
        cmocka_unit_test(test_text_safe_accepts_text),
        cmocka_unit_test(test_text_safe_rejects_controls_and_bad_utf8),
        cmocka_unit_test(test_split_reads_match_whole_buffer),
        cmocka_unit_test(test_random_soup),
        cmocka_unit_test(test_status_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
