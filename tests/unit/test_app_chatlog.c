/* test_app_chatlog.c — the chat overlay: recent lines show, old ones fade away, opening the
 * chat shows the history, and each kind of line has its own colour. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "chatlog.h"

#define S 1000000ull /* one second in microseconds */

static void test_fade(void **state)
{
    (void)state;
    uint64_t t = 100 * S;
    assert_float_equal(app_chat_alpha(t, t, false), 1.0f, 1e-6f);
    assert_float_equal(app_chat_alpha(t, t + 8 * S, false), 1.0f, 1e-6f);
    assert_float_equal(app_chat_alpha(t, t + 9 * S, false), 0.5f, 1e-3f);
    assert_float_equal(app_chat_alpha(t, t + 10 * S, false), 0.0f, 1e-6f);
    assert_float_equal(app_chat_alpha(t, t + 1000 * S, false), 0.0f, 1e-6f);
    /* With the chat open everything is readable. */
    assert_float_equal(app_chat_alpha(t, t + 1000 * S, true), 1.0f, 1e-6f);
    /* A line from the future (clock quirks) is simply fresh. */
    assert_float_equal(app_chat_alpha(t + S, t, false), 1.0f, 1e-6f);
}

static void fill(CliChat *c, unsigned n, uint64_t first, uint64_t step)
{
    char line[64];
    for (unsigned i = 0; i < n; i++) {
        snprintf(line, sizeof line, "CHAT bob line%u", i);
        assert_non_null(cli_chat_add_line(c, line, first + i * step));
    }
}

static void test_visible_lines(void **state)
{
    (void)state;
    CliChat c;
    cli_chat_init(&c);
    unsigned idx[APP_CHAT_LINES_OPEN];
    assert_int_equal(app_chat_visible(&c, 0, false, idx, APP_CHAT_LINES_OPEN), 0);
    /* 20 lines, one a second, from t = 0 s to 19 s. */
    fill(&c, 20, 0, S);
    uint64_t now = 19 * S;
    unsigned n = app_chat_visible(&c, now, false, idx, APP_CHAT_LINES_OPEN);
    assert_int_equal(n, APP_CHAT_LINES_IDLE); /* the newest six, oldest first */
    assert_string_equal(cli_chat_get(&c, idx[0])->text, "line14");
    assert_string_equal(cli_chat_get(&c, idx[n - 1])->text, "line19");
    /* 25 s later only lines younger than 10 s remain: line15..19 at t = 15..19 s. */
    now = 25 * S;
    n = app_chat_visible(&c, now, false, idx, APP_CHAT_LINES_OPEN);
    assert_int_equal(n, 4); /* line16..19: line15 is exactly 10 s old, fully faded */
    assert_string_equal(cli_chat_get(&c, idx[0])->text, "line16");
    /* Much later: nothing while playing, the history when the chat is open. */
    now = 1000 * S;
    assert_int_equal(app_chat_visible(&c, now, false, idx, APP_CHAT_LINES_OPEN), 0);
    n = app_chat_visible(&c, now, true, idx, APP_CHAT_LINES_OPEN);
    assert_int_equal(n, APP_CHAT_LINES_OPEN);
    assert_string_equal(cli_chat_get(&c, idx[n - 1])->text, "line19");
    /* The caller's array bound is respected. */
    assert_int_equal(app_chat_visible(&c, now, true, idx, 3), 3);
    assert_string_equal(cli_chat_get(&c, idx[2])->text, "line19");
}

static void test_colours_by_kind(void **state)
{
    (void)state;
    assert_int_equal(app_chat_color(CLI_CHAT_SAY), APP_COL_CHAT_SAY);
    assert_int_equal(app_chat_color(CLI_CHAT_JOIN), APP_COL_CHAT_JOIN);
    assert_int_equal(app_chat_color(CLI_CHAT_HIT), APP_COL_CHAT_HIT);
    assert_int_equal(app_chat_color(CLI_CHAT_ERROR), APP_COL_CHAT_ERROR);
    /* Notices look different from chat, so a join is not mistaken for someone talking. */
    AppColor say = app_color(app_chat_color(CLI_CHAT_SAY));
    const uint8_t kinds[] = {CLI_CHAT_JOIN,  CLI_CHAT_LEAVE, CLI_CHAT_HIT,    CLI_CHAT_NOTICE,
                             CLI_CHAT_ERROR, CLI_CHAT_LOCAL, CLI_CHAT_ACTION, CLI_CHAT_WHISPER};
    for (unsigned i = 0; i < sizeof kinds; i++)
        assert_true(app_color_dist2(say, app_color(app_chat_color(kinds[i]))) >= 40u * 40u);
    assert_int_equal(app_chat_color(200), APP_COL_TEXT);
}

/* 10 px per character (UTF-8 continuation bytes add nothing): a font of fixed width. */
static int fixed10(void *ctx, const char *s, size_t len)
{
    (void)ctx;
    int w = 0;
    for (size_t i = 0; i < len; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80 ? 10 : 0;
    return w;
}

static void span_is(const char *s, AppChatSpan sp, const char *want)
{
    char got[256];
    memcpy(got, s + sp.start, sp.len);
    got[sp.len] = '\0';
    assert_string_equal(got, want);
}

static void test_wrap(void **state)
{
    (void)state;
    AppChatSpan sp[16];
    /* Fits: one line. */
    assert_int_equal(app_chat_wrap("hello world", 200, fixed10, NULL, sp, 16), 1);
    span_is("hello world", sp[0], "hello world");
    assert_int_equal(app_chat_wrap("", 200, fixed10, NULL, sp, 16), 0);
    /* Breaks at the last space that fits; the space is dropped. */
    const char *t = "aaa bbb ccc";
    assert_int_equal(app_chat_wrap(t, 70, fixed10, NULL, sp, 16), 2);
    span_is(t, sp[0], "aaa bbb");
    span_is(t, sp[1], "ccc");
    /* A word longer than a line is hard-broken. */
    t = "abcdefghij";
    assert_int_equal(app_chat_wrap(t, 35, fixed10, NULL, sp, 16), 4);
    span_is(t, sp[0], "abc");
    span_is(t, sp[3], "j");
    /* ... also after a short word, which keeps its own line. */
    t = "hi abcdefghij";
    assert_int_equal(app_chat_wrap(t, 50, fixed10, NULL, sp, 16), 3);
    span_is(t, sp[0], "hi");
    span_is(t, sp[1], "abcde");
    span_is(t, sp[2], "fghij");
    /* UTF-8: by pixel width, never inside a character. */
    t = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"; /* five e-acute */
    assert_int_equal(app_chat_wrap(t, 25, fixed10, NULL, sp, 16), 3);
    assert_int_equal(sp[0].len, 4);
    assert_int_equal(sp[1].start, 4);
    assert_int_equal(sp[2].len, 2);
    t = "\xe2\x82\xac\xe2\x82\xac \xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80";
    assert_int_equal(app_chat_wrap(t, 20, fixed10, NULL, sp, 16), 3);
    span_is(t, sp[0], "\xe2\x82\xac\xe2\x82\xac");
    span_is(t, sp[1], "\xf0\x9f\x98\x80\xf0\x9f\x98\x80");
    /* Narrower than one character: still one character a line, so it ends. */
    assert_int_equal(app_chat_wrap("abc", 1, fixed10, NULL, sp, 16), 3);
    /* The caller's bound. */
    assert_int_equal(app_chat_wrap("abcdefghij", 10, fixed10, NULL, sp, 4), 4);
    /* Every byte of a long line is in exactly one span or is a dropped break space. */
    char big[300];
    for (unsigned i = 0; i < sizeof big - 1; i++)
        big[i] = i % 7 == 6 ? ' ' : (char)('a' + i % 26);
    big[sizeof big - 1] = '\0';
    unsigned k = app_chat_wrap(big, 295, fixed10, NULL, sp, 16);
    size_t covered = 0;
    for (unsigned i = 0; i < k; i++) {
        assert_true(fixed10(NULL, big + sp[i].start, sp[i].len) <= 295);
        covered += sp[i].len + (i + 1 < k ? sp[i + 1].start - (sp[i].start + sp[i].len) : 0);
    }
    assert_int_equal(covered, sizeof big - 1);
}

static void test_layout_scrollback(void **state)
{
    (void)state;
    CliChat c;
    cli_chat_init(&c);
    uint64_t now = 500 * S;
    fill(&c, 20, now, 0); /* "<bob> lineN": 11-12 characters */
    AppChatRow rows[APP_CHAT_LINES_OPEN];
    bool more = true;
    unsigned scroll = 0;
    /* Live: the newest entries, one row each at 200 px. */
    unsigned n = app_chat_layout(&c, now, true, &scroll, 200, fixed10, NULL, rows,
                                 APP_CHAT_LINES_OPEN, &more);
    assert_int_equal(n, APP_CHAT_LINES_OPEN);
    assert_false(more);
    assert_int_equal(rows[n - 1].entry, 19);
    /* Wrapped at 60 px ("<bob> " + "lineN"): two rows an entry, the newest at the bottom. */
    n = app_chat_layout(&c, now, true, &scroll, 60, fixed10, NULL, rows, APP_CHAT_LINES_OPEN,
                        &more);
    assert_int_equal(n, APP_CHAT_LINES_OPEN);
    assert_int_equal(rows[n - 1].entry, 19);
    assert_int_equal(rows[n - 2].entry, 19);
    assert_int_equal(rows[n - 3].entry, 18);
    assert_int_equal(rows[n - 2].span.start, 0);
    /* Scrolled back a page: older entries, and newer ones hidden below. */
    scroll = APP_CHAT_PAGE;
    n = app_chat_layout(&c, now, true, &scroll, 200, fixed10, NULL, rows, APP_CHAT_LINES_OPEN,
                        &more);
    assert_true(more);
    assert_int_equal(rows[n - 1].entry, 19 - APP_CHAT_PAGE);
    /* Scrolled past the oldest: clamped, the oldest still shows. */
    scroll = 1000;
    n = app_chat_layout(&c, now, true, &scroll, 200, fixed10, NULL, rows, APP_CHAT_LINES_OPEN,
                        &more);
    assert_int_equal(scroll, 19);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].entry, 0);
    assert_true(more);
    /* Idle: faded lines are not shown. */
    scroll = 0;
    n = app_chat_layout(&c, now + 60 * S, false, &scroll, 200, fixed10, NULL, rows,
                        APP_CHAT_LINES_OPEN, &more);
    assert_int_equal(n, 0);
    assert_false(more);
    /* A HIT line is the kill feed's: the chat shows the lines around it, not it. */
    cli_chat_init(&c);
    assert_non_null(cli_chat_add_line(&c, "CHAT bob before", now));
    assert_non_null(cli_chat_add_line(&c, "HIT bob amy", now));
    assert_non_null(cli_chat_add_line(&c, "CHAT bob after", now));
    n = app_chat_layout(&c, now, true, &scroll, 200, fixed10, NULL, rows, APP_CHAT_LINES_OPEN,
                        &more);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].entry, 0);
    assert_int_equal(rows[1].entry, 2);
    /* Empty history. */
    cli_chat_init(&c);
    scroll = 3;
    assert_int_equal(app_chat_layout(&c, now, true, &scroll, 200, fixed10, NULL, rows,
                                     APP_CHAT_LINES_OPEN, &more),
                     0);
    assert_int_equal(scroll, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fade),
        cmocka_unit_test(test_visible_lines),
        cmocka_unit_test(test_colours_by_kind),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_layout_scrollback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
