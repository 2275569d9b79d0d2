/* test_cli_chat.c — the client's chat: server lines into history entries, typed text into
 * protocol lines.
 *
 * What a user would notice: a chat line shows the wrong speaker or text, a join/leave/hit
 * notice goes missing, a malformed server line shows up as chat, "/me waves" is sent as a
 * plain SAY, a whisper goes to the wrong name, an over-long message is sent and refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cli_chat.h"

/* ---- parsing server lines ---------------------------------------------------------------- */

static void test_parse_chat_action_whisper(void **state)
{
    (void)state;
    CliChatEntry e;
    assert_true(cli_chat_parse("CHAT vini ola, mundo!", 42, &e));
    assert_int_equal(e.kind, CLI_CHAT_SAY);
    assert_string_equal(e.name, "vini");
    assert_string_equal(e.text, "ola, mundo!");
    assert_int_equal(e.time_us, 42);
    assert_int_equal(e.id, -1);

    assert_true(cli_chat_parse("ACTION ann waves  twice", 1, &e));
    assert_int_equal(e.kind, CLI_CHAT_ACTION);
    assert_string_equal(e.name, "ann");
    assert_string_equal(e.text, "waves  twice"); /* text keeps its spaces */

    assert_true(cli_chat_parse("WHISPER bob ann meet at the centre", 1, &e));
    assert_int_equal(e.kind, CLI_CHAT_WHISPER);
    assert_string_equal(e.name, "bob");
    assert_string_equal(e.other, "ann");
    assert_string_equal(e.text, "meet at the centre");

    /* UTF-8 names and text. */
    assert_true(cli_chat_parse("CHAT Zoë ça va ✓", 1, &e));
    assert_string_equal(e.name, "Zoë");
    assert_string_equal(e.text, "ça va ✓");
}

static void test_parse_join_leave_hit_notice_err(void **state)
{
    (void)state;
    CliChatEntry e;
    assert_true(cli_chat_parse("JOIN 7 carol", 1, &e));
    assert_int_equal(e.kind, CLI_CHAT_JOIN);
    assert_int_equal(e.id, 7);
    assert_string_equal(e.name, "carol");

    assert_true(cli_chat_parse("LEAVE 1023 dave timeout", 1, &e));
    assert_int_equal(e.kind, CLI_CHAT_LEAVE);
    assert_int_equal(e.id, 1023);
    assert_string_equal(e.name, "dave");
    assert_string_equal(e.word, "timeout");

    assert_true(cli_chat_parse("HIT ann bob", 1, &e));
    assert_int_equal(e.kind, CLI_CHAT_HIT);
    assert_string_equal(e.name, "ann");
    assert_string_equal(e.other, "bob");

    assert_true(cli_chat_parse("NOTICE server shutting down", 1, &e));
    assert_int_equal(e.kind, CLI_CHAT_NOTICE);
    assert_string_equal(e.text, "server shutting down");

    assert_true(cli_chat_parse("ERR flood muted for 9 s", 1, &e));
    assert_int_equal(e.kind, CLI_CHAT_ERROR);
    assert_string_equal(e.word, "flood");
    assert_string_equal(e.text, "muted for 9 s");

    assert_true(cli_chat_parse("ERR nosuch", 1, &e)); /* a code alone is enough */
    assert_string_equal(e.word, "nosuch");
    assert_string_equal(e.text, "");
}

static void test_parse_rejects(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",                                /* empty */
        "HELLO 1 Localhost Arena",         /* not chat */
        "OK token=00 id=1 udp=7777",       /* not chat */
        "PONG",                            /* not chat */
        "WHO 3",                           /* not chat */
        "CHAT",                            /* no name */
        "CHAT bob",                        /* no text */
        "CHAT bob ",                       /* empty text */
        "CHAT abcdefghijklmnopq hi",       /* 17-byte name */
        "WHISPER bob ann",                 /* no text */
        "JOIN x carol",                    /* id not a number */
        "JOIN 1024 carol",                 /* id out of range */
        "JOIN 07 carol",                   /* non-canonical id */
        "JOIN 7",                          /* no name */
        "JOIN 7 carol extra",              /* trailing field */
        "LEAVE 3 dave",                    /* no reason */
        "HIT ann",                         /* no victim */
        "NOTICE",                          /* no text */
        "ERR",                             /* no code */
        "ERR waytoolongerrorcode text",    /* code over 16 bytes */
        "chat bob lower case is not sent", /* the server sends upper case */
        "CHAT bob tab\there",              /* control character */
        "CHAT bob \xc3\x28",               /* invalid UTF-8 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CliChatEntry e;
        memset(&e, 0x5a, sizeof e);
        if (cli_chat_parse(bad[i], 1, &e))
            fail_msg("accepted '%s'", bad[i]);
        assert_int_equal(e.kind, 0);
        assert_string_equal(e.name, "");
        assert_string_equal(e.text, "");
    }
}

/* The hall of fame's answer (/fame) is shown in the chat history. */
static void test_parse_fame(void **state)
{
    (void)state;
    CliChatEntry e;
    assert_true(cli_chat_parse("FAME 1 Hunter0 2026-11-25T17:00:55Z Road to Localhost", 5, &e));
    assert_int_equal(e.kind, CLI_CHAT_INFO);
    assert_string_equal(e.word, "FAME");
    char out[600];
    cli_chat_format(&e, out, sizeof out);
    assert_string_equal(out, "hall of fame #1 Hunter0 2026-11-25T17:00:55Z Road to Localhost");
    assert_true(cli_chat_parse("FAME END 3", 5, &e));
    cli_chat_format(&e, out, sizeof out);
    assert_string_equal(out, "hall of fame: 3 in all");
    assert_false(cli_chat_parse("FAME", 5, &e));
    assert_false(cli_chat_parse("WHO 3", 5, &e)); /* the application presents that one */
}

static void test_history_ring(void **state)
{
    (void)state;
    CliChat c;
    cli_chat_init(&c);
    assert_null(cli_chat_add_line(&c, "PONG", 1)); /* not stored */
    assert_int_equal(cli_chat_count(&c), 0);
    char line[64];
    for (int i = 0; i < CLI_CHAT_HISTORY + 10; i++) {
        snprintf(line, sizeof line, "CHAT bob message %d", i);
        const CliChatEntry *e = cli_chat_add_line(&c, line, (uint64_t)i);
        assert_non_null(e);
        assert_int_equal(e->time_us, (uint64_t)i);
    }
    /* The oldest ten are gone; order is oldest first. */
    assert_int_equal(cli_chat_count(&c), CLI_CHAT_HISTORY);
    assert_string_equal(cli_chat_get(&c, 0)->text, "message 10");
    snprintf(line, sizeof line, "message %d", CLI_CHAT_HISTORY + 9);
    assert_string_equal(cli_chat_get(&c, CLI_CHAT_HISTORY - 1)->text, line);
    assert_null(cli_chat_get(&c, CLI_CHAT_HISTORY));
    cli_chat_add_local(&c, "connection lost", 99);
    assert_int_equal(cli_chat_get(&c, CLI_CHAT_HISTORY - 1)->kind, CLI_CHAT_LOCAL);
    assert_string_equal(cli_chat_get(&c, 0)->text, "message 11");
}

static void test_format(void **state)
{
    (void)state;
    static const struct {
        const char *line, *shown;
    } cases[] = {
        {"CHAT bob hi there", "<bob> hi there"},
        {"ACTION bob waves", "* bob waves"},
        {"WHISPER bob ann psst", "[bob -> ann] psst"},
        {"JOIN 3 carol", "carol joined"},
        {"LEAVE 3 carol quit", "carol left (quit)"},
        {"HIT ann bob", "ann hit bob"},
        {"NOTICE restarting", "! restarting"},
        {"ERR taken the name bob is in use", "error (taken): the name bob is in use"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CliChatEntry e;
        assert_true(cli_chat_parse(cases[i].line, 0, &e));
        char out[600];
        size_t n = cli_chat_format(&e, out, sizeof out);
        assert_string_equal(out, cases[i].shown);
        assert_int_equal(n, strlen(cases[i].shown));
    }
    /* A small buffer truncates safely. */
    CliChatEntry e;
    assert_true(cli_chat_parse("CHAT bob a long message", 0, &e));
    char small[8];
    assert_int_equal(cli_chat_format(&e, small, sizeof small), 7);
    assert_string_equal(small, "<bob> a");
}

/* ---- typed commands ----------------------------------------------------------------------- */

static void expect_cmd(const char *typed, CliChatCmd want, const char *line, bool chat)
{
    char out[PROTO_LINE_MAX + 1];
    bool is_chat = !chat;
    CliChatCmd r = cli_chat_command(typed, out, sizeof out, &is_chat);
    if (r != want)
        fail_msg("'%s': got %d (%s), want %d", typed, r, cli_chat_cmd_str(r), want);
    if (want == CLI_CMD_SEND) {
        assert_string_equal(out, line);
        assert_true(is_chat == chat);
    } else {
        assert_string_equal(out, "");
        assert_false(is_chat);
    }
}

static void test_commands(void **state)
{
    (void)state;
    expect_cmd("hello", CLI_CMD_SEND, "SAY hello", true);
    expect_cmd("  hello world ", CLI_CMD_SEND, "SAY hello world ", true);
    expect_cmd("//slash", CLI_CMD_SEND, "SAY /slash", true);
    expect_cmd("/me waves", CLI_CMD_SEND, "ME waves", true);
    expect_cmd("/ME waves", CLI_CMD_SEND, "ME waves", true);
    expect_cmd("/w bob hi there", CLI_CMD_SEND, "WHISPER bob hi there", true);
    expect_cmd("/whisper bob hi", CLI_CMD_SEND, "WHISPER bob hi", true);
    expect_cmd("/msg  bob   hi", CLI_CMD_SEND, "WHISPER bob hi", true);
    expect_cmd("/who", CLI_CMD_SEND, "WHO", false);
    expect_cmd("/fame", CLI_CMD_SEND, "FAME", false);
    expect_cmd("/WHO  ", CLI_CMD_SEND, "WHO", false);
    expect_cmd("/help", CLI_CMD_SEND, "HELP", false);
    expect_cmd("/ping", CLI_CMD_SEND, "PING", false);
    expect_cmd("/ping 123", CLI_CMD_SEND, "PING 123", false);
    expect_cmd("/quit", CLI_CMD_SEND, "QUIT", false);
    expect_cmd("/quit gotta go", CLI_CMD_SEND, "QUIT gotta go", false);

    expect_cmd("", CLI_CMD_NONE, NULL, false);
    expect_cmd("    ", CLI_CMD_NONE, NULL, false);
    expect_cmd("/dance", CLI_CMD_UNKNOWN, NULL, false);
    expect_cmd("/", CLI_CMD_UNKNOWN, NULL, false);
    expect_cmd("/me", CLI_CMD_USAGE, NULL, false);
    expect_cmd("/me   ", CLI_CMD_USAGE, NULL, false);
    expect_cmd("/w", CLI_CMD_USAGE, NULL, false);
    expect_cmd("/w bob", CLI_CMD_USAGE, NULL, false);
    expect_cmd("/w bob   ", CLI_CMD_USAGE, NULL, false);
    expect_cmd("/w abcdefghijklmnopq hi", CLI_CMD_USAGE, NULL, false); /* 17-byte name */
    expect_cmd("tab\there", CLI_CMD_INVALID, NULL, false);
    expect_cmd("bad \xff byte", CLI_CMD_INVALID, NULL, false);
    /* Text that forges lines or reorders them is refused before it is sent (the server would
     * answer ERR args). */
    expect_cmd("one\xe2\x80\xa8two", CLI_CMD_INVALID, NULL, false); /* U+2028 */
    expect_cmd("/me a\xe2\x80\xa9"
               "b",
               CLI_CMD_INVALID, NULL, false); /* U+2029 */
    expect_cmd("/w bob \xe2\x80\xae"
               "evil",
               CLI_CMD_INVALID, NULL, false);                       /* U+202E */
    expect_cmd("left \xe2\x81\xa6x", CLI_CMD_INVALID, NULL, false); /* U+2066 */
    expect_cmd("mark \xe2\x80\x8e ok", CLI_CMD_SEND, "SAY mark \xe2\x80\x8e ok", true);
}

static void test_chat_length_limit(void **state)
{
    (void)state;
    char text[PROTO_CHAT_MAX + 2];
    memset(text, 'a', PROTO_CHAT_MAX);
    text[PROTO_CHAT_MAX] = '\0';
    char want[PROTO_CHAT_MAX + 8];
    snprintf(want, sizeof want, "SAY %s", text);
    expect_cmd(text, CLI_CMD_SEND, want, true); /* exactly 200 bytes: fine */
    text[PROTO_CHAT_MAX] = 'a';
    text[PROTO_CHAT_MAX + 1] = '\0';
    expect_cmd(text, CLI_CMD_TOO_LONG, NULL, false); /* 201: refused here, not by the server */

    char typed[PROTO_CHAT_MAX + 16];
    snprintf(typed, sizeof typed, "/me %s", text);
    expect_cmd(typed, CLI_CMD_TOO_LONG, NULL, false);
    snprintf(typed, sizeof typed, "/w bob %s", text);
    expect_cmd(typed, CLI_CMD_TOO_LONG, NULL, false);

    /* An output buffer too small is reported, never overrun. */
    char out[8];
    assert_int_equal(cli_chat_command("hello world", out, sizeof out, NULL), CLI_CMD_TOO_LONG);
    assert_string_equal(out, "");
}

/* Whether `shown` ("/w") stands in the usage as a whole command word (not as the start of
 * "/who"). */
static bool listed(const char *all, const char *shown)
{
    size_t n = strlen(shown);
    for (const char *p = strstr(all, shown); p != NULL; p = strstr(p + 1, shown))
        if (p[n] == '\0' || p[n] == ' ' || p[n] == ',' || p[n] == ')')
            return true;
    return false;
}

/* The usage a person sees comes from the same table as the dispatch: every command that
 * dispatches is listed, and a command typed with bad arguments gets its own usage. */
static void test_usage_from_the_table(void **state)
{
    (void)state;
    char all[PROTO_LINE_MAX], one[PROTO_LINE_MAX];
    size_t n = cli_chat_usage(NULL, all, sizeof all);
    assert_int_equal(n, strlen(all));
    const char *words[] = {"me", "w", "who", "fame", "help", "ping", "quit"};
    for (unsigned i = 0; i < sizeof words / sizeof words[0]; i++) {
        char typed[32], line[PROTO_LINE_MAX + 1], shown[32];
        snprintf(typed, sizeof typed, "/%s x y", words[i]);
        assert_int_equal(cli_chat_command(typed, line, sizeof line, NULL), CLI_CMD_SEND);
        snprintf(shown, sizeof shown, "/%s", words[i]);
        if (!listed(all, shown))
            fail_msg("'%s' dispatches but is not in the usage '%s'", shown, all);
    }
    assert_int_equal(cli_chat_command("/w bob", one, sizeof one, NULL), CLI_CMD_USAGE);
    cli_chat_usage("/whisper bob", one, sizeof one);
    assert_string_equal(one, "usage: /w NAME TEXT (also /whisper, /msg)");
    cli_chat_usage("/me", one, sizeof one);
    assert_string_equal(one, "usage: /me TEXT");
    /* Truncation keeps the string terminated. */
    assert_int_equal(cli_chat_usage(NULL, one, 8), 7);
    assert_int_equal(strlen(one), 7);
    /* The short hint (HUD, menu) comes from the table too, and each word in it dispatches. */
    size_t hn = cli_chat_hint(", ", one, sizeof one);
    assert_int_equal(hn, strlen(one));
    assert_string_equal(one, "/me TEXT, /w NAME TEXT, /who, /help");
    char line[PROTO_LINE_MAX + 1];
    for (char *w = strtok(one, ","); w != NULL; w = strtok(NULL, ",")) {
        char typed[64];
        snprintf(typed, sizeof typed, "%s x y", w[0] == ' ' ? w + 1 : w);
        typed[strcspn(typed, " ")] = '\0'; /* the command word alone, then arguments */
        strcat(typed, " bob hi");
        assert_int_equal(cli_chat_command(typed, line, sizeof line, NULL), CLI_CMD_SEND);
    }
    assert_int_equal(cli_chat_hint("   ", one, 6), 5); /* truncated, terminated */
}

static void test_help_lists_slash_commands(void **state)
{
    (void)state;
    char line[PROTO_LINE_MAX];
    assert_true(cli_chat_help_line(0, line, sizeof line) > 0);
    assert_non_null(strstr(line, "chat commands"));
    bool me = false, w = false, who = false, help = false;
    unsigned i = 1;
    for (; cli_chat_help_line(i, line, sizeof line) > 0; i++) {
        /* Slash commands with a description, never the raw protocol verbs. */
        assert_true(strncmp(line, "  /", 3) == 0);
        assert_non_null(strstr(line, " \xe2\x80\x94 "));
        assert_null(strstr(line, "WHISPER"));
        assert_null(strstr(line, "LOGIN"));
        me |= strncmp(line, "  /me TEXT \xe2\x80\x94", 14) == 0;
        w |= strstr(line, "/w NAME TEXT (also /whisper, /msg)") != NULL;
        who |= strncmp(line, "  /who ", 7) == 0;
        help |= strncmp(line, "  /help ", 8) == 0;
    }
    assert_true(me && w && who && help);
    assert_int_equal(i, 8); /* the heading and seven commands */
    assert_int_equal(cli_chat_help_line(99, line, sizeof line), 0);
    assert_string_equal(line, "");
    /* Truncated, still terminated. */
    assert_int_equal(cli_chat_help_line(2, line, 8), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_chat_action_whisper),
        cmocka_unit_test(test_parse_join_leave_hit_notice_err),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_parse_fame),
        cmocka_unit_test(test_history_ring),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_commands),
        cmocka_unit_test(test_chat_length_limit),
        cmocka_unit_test(test_usage_from_the_table),
        cmocka_unit_test(test_help_lists_slash_commands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
