/* test_app_chatlog.c — the chat overlay: recent lines show, old ones fade away, opening the
 * chat shows the history, and each kind of line has its own colour. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fade),
        cmocka_unit_test(test_visible_lines),
        cmocka_unit_test(test_colours_by_kind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
