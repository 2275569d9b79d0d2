/* test_ctl_cmd.c — the operator's command line (arena-ctl), parsed.
 *
 * What an operator would notice: a command from docs/operations.md refused or read wrongly
 * (a ban of the wrong length, a name taken for an address, a reason lost), a mute of an
 * address accepted although mutes are per player, a notice that forges a second line or
 * flips the text direction for every player, or a help list that ends early. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ctl_cmd.h"
#include "line.h"

typedef struct Parsed {
    CtlCommand c;
    char err[256];
    bool ok;
} Parsed;

static Parsed parse(const char *line)
{
    Parsed p;
    memset(&p, 0, sizeof p);
    memset(&p.c, 0x5A, sizeof p.c);
    strcpy(p.err, "untouched");
    p.ok = ctl_parse(line, &p.c, p.err, sizeof p.err);
    return p;
}

static void assert_refused(const char *line)
{
    Parsed p = parse(line);
    if (p.ok)
        fail_msg("'%s' accepted", line);
    assert_true(strlen(p.err) > 0);
    assert_string_not_equal(p.err, "untouched");
}

/* The address in network order, byte by byte. */
static void assert_ip(const CtlCommand *c, unsigned a, unsigned b, unsigned d, unsigned e)
{
    const uint8_t want[4] = {(uint8_t)a, (uint8_t)b, (uint8_t)d, (uint8_t)e};
    assert_true(c->target_is_ip);
    assert_memory_equal(&c->ip, want, 4);
}

static Parsed assert_parsed(const char *line, CtlVerb verb)
{
    Parsed p = parse(line);
    if (!p.ok)
        fail_msg("'%s' refused: %s", line, p.err);
    assert_int_equal(p.c.verb, verb);
    return p;
}

/* ---- verbs without arguments ------------------------------------------------------------- */

static void test_no_argument_verbs(void **state)
{
    (void)state;
    static const struct {
        const char *word;
        CtlVerb verb;
    } v[] = {{"help", CTL_HELP}, {"status", CTL_STATUS}, {"who", CTL_WHO}, {"bans", CTL_BANS}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char line[64];
        Parsed p = assert_parsed(v[i].word, v[i].verb);
        assert_string_equal(p.c.target, "");
        assert_string_equal(p.c.text, "");
        assert_int_equal(p.c.minutes, 0);
        assert_false(p.c.target_is_ip);
        snprintf(line, sizeof line, "  %s  ", v[i].word); /* spaces around are fine */
        assert_parsed(line, v[i].verb);
        snprintf(line, sizeof line, "%s now", v[i].word); /* arguments are not */
        assert_refused(line);
        snprintf(line, sizeof line, "%s 1.2.3.4", v[i].word);
        assert_refused(line);
    }
}

static void test_verbs_case_insensitive(void **state)
{
    (void)state;
    assert_parsed("HELP", CTL_HELP);
    assert_parsed("Status", CTL_STATUS);
    assert_parsed("wHo", CTL_WHO);
    assert_parsed("BANS", CTL_BANS);
    assert_parsed("KICK bob", CTL_KICK);
    Parsed p = assert_parsed("Ban Bob 5", CTL_BAN);
    assert_string_equal(p.c.target, "Bob"); /* the argument keeps its case */
    assert_parsed("UNBAN bob", CTL_UNBAN);
    assert_parsed("MuTe bob", CTL_MUTE);
    assert_parsed("UNMUTE bob", CTL_UNMUTE);
    assert_parsed("SAY hi", CTL_SAY);
}

static void test_unknown_and_empty(void **state)
{
    (void)state;
    assert_refused("");
    assert_refused("   ");
    assert_refused("frobnicate");
    assert_refused("kickk bob");
    assert_refused("ki ck bob");
    assert_refused("helpppppppppppppppppppppppp"); /* longer than any verb */
    Parsed p = parse("frobnicate now");
    assert_false(p.ok);
    assert_non_null(strstr(p.err, "frobnicate")); /* the operator sees what was not known */
    /* an unknown word of cut UTF-8 is echoed without the cut character */
    p = parse("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9");
    assert_false(p.ok);
    assert_true(line_text_valid((const uint8_t *)p.err, strlen(p.err)));
}

/* ---- kick -------------------------------------------------------------------------------- */

static void test_kick(void **state)
{
    (void)state;
    Parsed p = assert_parsed("kick bob", CTL_KICK);
    assert_string_equal(p.c.target, "bob");
    assert_string_equal(p.c.text, "");
    assert_false(p.c.target_is_ip);
    p = assert_parsed("kick bob being rude", CTL_KICK);
    assert_string_equal(p.c.target, "bob");
    assert_string_equal(p.c.text, "being rude");
    p = assert_parsed("kick   bob    being rude", CTL_KICK);
    assert_string_equal(p.c.target, "bob");
    assert_string_equal(p.c.text, "being rude");
    p = assert_parsed("kick Jos\xC3\xA9 \xC3\xA9 bient\xC3\xB4t", CTL_KICK);
    assert_string_equal(p.c.target, "Jos\xC3\xA9");
    assert_refused("kick");
    assert_refused("kick   ");
    /* a reason must be safe text: no line separators, no bidi overrides */
    assert_refused("kick bob \xE2\x80\xA8"
                   "fake line");
    assert_refused("kick bob \xE2\x80\xAE"
                   "desrever");
    assert_refused("kick bob \xE2\x81\xA6"
                   "isolate");
}

static void test_reason_and_target_lengths(void **state)
{
    (void)state;
    char line[CTL_LINE_MAX + 64], reason[CTL_REASON_MAX + 2], target[CTL_TARGET_MAX + 2];
    memset(reason, 'r', sizeof reason);
    reason[CTL_REASON_MAX] = '\0';
    snprintf(line, sizeof line, "kick bob %s", reason);
    Parsed p = assert_parsed(line, CTL_KICK);
    assert_int_equal(strlen(p.c.text), CTL_REASON_MAX);
    snprintf(line, sizeof line, "ban bob 5 %s", reason);
    p = assert_parsed(line, CTL_BAN);
    assert_int_equal(strlen(p.c.text), CTL_REASON_MAX);
    reason[CTL_REASON_MAX] = 'r';
    reason[CTL_REASON_MAX + 1] = '\0';
    snprintf(line, sizeof line, "kick bob %s", reason);
    assert_refused(line);
    snprintf(line, sizeof line, "ban bob 5 %s", reason);
    assert_refused(line);
    snprintf(line, sizeof line, "ban bob %s", reason);
    assert_refused(line);

    memset(target, 't', sizeof target);
    target[CTL_TARGET_MAX] = '\0';
    static const char *const fmt[] = {"kick %s", "ban %s", "unban %s", "mute %s", "unmute %s"};
    for (size_t i = 0; i < sizeof fmt / sizeof fmt[0]; i++) {
        target[CTL_TARGET_MAX] = '\0';
        snprintf(line, sizeof line, fmt[i], target);
        p = parse(line);
        assert_true(p.ok);
        assert_int_equal(strlen(p.c.target), CTL_TARGET_MAX);
        target[CTL_TARGET_MAX] = 't';
        target[CTL_TARGET_MAX + 1] = '\0';
        snprintf(line, sizeof line, fmt[i], target);
        assert_refused(line);
    }
}

/* ---- ban, unban -------------------------------------------------------------------------- */

static void test_ban(void **state)
{
    (void)state;
    Parsed p = assert_parsed("ban bob", CTL_BAN);
    assert_string_equal(p.c.target, "bob");
    assert_int_equal(p.c.minutes, 0); /* forever */
    assert_string_equal(p.c.text, "");
    p = assert_parsed("ban bob 60", CTL_BAN);
    assert_int_equal(p.c.minutes, 60);
    assert_string_equal(p.c.text, "");
    p = assert_parsed("ban bob 60 cheating", CTL_BAN);
    assert_int_equal(p.c.minutes, 60);
    assert_string_equal(p.c.text, "cheating");
    p = assert_parsed("ban bob cheating again", CTL_BAN); /* MINUTES is optional */
    assert_int_equal(p.c.minutes, 0);
    assert_string_equal(p.c.text, "cheating again");
    p = assert_parsed("ban bob 1", CTL_BAN);
    assert_int_equal(p.c.minutes, 1);
    char line[64];
    snprintf(line, sizeof line, "ban bob %d", CTL_MAX_MINUTES);
    p = assert_parsed(line, CTL_BAN);
    assert_int_equal(p.c.minutes, CTL_MAX_MINUTES);
    p = assert_parsed("ban 10.0.0.7", CTL_BAN);
    assert_true(p.c.target_is_ip);
    assert_ip(&p.c, 10, 0, 0, 7); /* network order */
    assert_string_equal(p.c.target, "10.0.0.7");
    assert_int_equal(p.c.minutes, 0);
    p = assert_parsed("ban 192.168.1.20 60 flooding", CTL_BAN);
    assert_true(p.c.target_is_ip);
    assert_ip(&p.c, 192, 168, 1, 20);
    assert_int_equal(p.c.minutes, 60);
    assert_string_equal(p.c.text, "flooding");
    assert_refused("ban");
    assert_refused("ban bob 60 \xE2\x80\xAE"
                   "x");
    /* Something that looks like MINUTES must be MINUTES: a typo never makes a ban permanent
     * with the number as its reason. */
    assert_refused("ban bob 1h cheating");
    assert_refused("ban bob 010");
    assert_refused("ban bob 0");
    assert_refused("ban bob 99999999 spam");
    /* Reasons are trimmed; targets are safe text. */
    p = assert_parsed("ban bob 5 spam   ", CTL_BAN);
    assert_string_equal(p.c.text, "spam");
    assert_refused("ban b\xE2\x80\xA8"
                   "ob");
}

/* kick, mute and unmute act on a player (ban takes an address too). */
static void test_name_only_verbs_refuse_addresses(void **state)
{
    (void)state;
    assert_refused("kick 10.0.0.7");
    assert_refused("mute 10.0.0.7 5");
    assert_refused("unmute 10.0.0.7");
    assert_refused("kick \xE2\x80\xAE"
                   "bob");
    Parsed p = assert_parsed("kick bob   being rude  ", CTL_KICK);
    assert_string_equal(p.c.text, "being rude");
}

static void test_unban(void **state)
{
    (void)state;
    Parsed p = assert_parsed("unban bob", CTL_UNBAN);
    assert_string_equal(p.c.target, "bob");
    assert_false(p.c.target_is_ip);
    p = assert_parsed("unban 10.0.0.7", CTL_UNBAN);
    assert_true(p.c.target_is_ip);
    assert_ip(&p.c, 10, 0, 0, 7);
    assert_refused("unban");
    assert_refused("unban bob now");
    assert_refused("unban bob 5");
}

static void test_ip_detection(void **state)
{
    (void)state;
    static const char *const ips[] = {"1.2.3.4", "0.0.0.0", "255.255.255.255", "127.0.0.1"};
    for (size_t i = 0; i < sizeof ips / sizeof ips[0]; i++) {
        char line[64];
        snprintf(line, sizeof line, "unban %s", ips[i]);
        Parsed p = assert_parsed(line, CTL_UNBAN);
        assert_true(p.c.target_is_ip);
    }
    /* names that merely look a bit numeric */
    static const char *const names[] = {"1.2.3",     "1.2.3.256", "1.2.3.4x", "::1",
                                        "1.2.3.4.5", "bob",       "10",       "a.b.c.d"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char line[64];
        snprintf(line, sizeof line, "unban %s", names[i]);
        Parsed p = assert_parsed(line, CTL_UNBAN);
        if (p.c.target_is_ip)
            fail_msg("'%s' taken for an address", names[i]);
        assert_int_equal(p.c.ip, 0);
    }
}

/* ---- mute, unmute ------------------------------------------------------------------------ */

static void test_mute(void **state)
{
    (void)state;
    Parsed p = assert_parsed("mute bob", CTL_MUTE);
    assert_string_equal(p.c.target, "bob");
    assert_int_equal(p.c.minutes, 10); /* the default */
    p = assert_parsed("mute bob 5", CTL_MUTE);
    assert_int_equal(p.c.minutes, 5);
    p = assert_parsed("mute bob 5   ", CTL_MUTE);
    assert_int_equal(p.c.minutes, 5);
    char line[64];
    snprintf(line, sizeof line, "mute bob %d", CTL_MAX_MINUTES);
    assert_int_equal(assert_parsed(line, CTL_MUTE).c.minutes, CTL_MAX_MINUTES);
    snprintf(line, sizeof line, "mute bob %d", CTL_MAX_MINUTES + 1);
    assert_refused(line);
    assert_refused("mute");
    assert_refused("mute bob 0");
    assert_refused("mute bob 05");
    assert_refused("mute bob -5");
    assert_refused("mute bob five");
    assert_refused("mute bob 5 for spamming"); /* mutes take no reason */
    assert_refused("mute bob 999999999");
    /* mutes are per player: an address is refused */
    assert_refused("mute 10.0.0.7");
    assert_refused("mute 10.0.0.7 5");

    p = assert_parsed("unmute bob", CTL_UNMUTE);
    assert_string_equal(p.c.target, "bob");
    assert_refused("unmute");
    assert_refused("unmute bob 5");
}

/* ---- say --------------------------------------------------------------------------------- */

static void test_say(void **state)
{
    (void)state;
    Parsed p = assert_parsed("say back in 5 minutes", CTL_SAY);
    assert_string_equal(p.c.text, "back in 5 minutes");
    assert_string_equal(p.c.target, "");
    p = assert_parsed("say    h\xC3\xA9llo", CTL_SAY);
    assert_string_equal(p.c.text, "h\xC3\xA9llo");
    p = assert_parsed("say \xE2\x80\x8F"
                      "marks are fine",
                      CTL_SAY); /* U+200F */
    assert_refused("say");
    assert_refused("say     ");
    /* unsafe text: every forging character refused */
    static const char *const forging[] = {"\xE2\x80\xA8", "\xE2\x80\xA9", "\xE2\x80\xAA",
                                          "\xE2\x80\xAB", "\xE2\x80\xAC", "\xE2\x80\xAD",
                                          "\xE2\x80\xAE", "\xE2\x81\xA6", "\xE2\x81\xA7",
                                          "\xE2\x81\xA8", "\xE2\x81\xA9", "\xC2\x85"};
    for (size_t i = 0; i < sizeof forging / sizeof forging[0]; i++) {
        char line[64];
        snprintf(line, sizeof line, "say all good%snot", forging[i]);
        assert_refused(line);
    }
    /* PROTO_CHAT_MAX bytes fit, one more does not */
    char line[CTL_LINE_MAX];
    int n = snprintf(line, sizeof line, "say ");
    memset(line + n, 'x', PROTO_CHAT_MAX);
    line[n + PROTO_CHAT_MAX] = '\0';
    p = assert_parsed(line, CTL_SAY);
    assert_int_equal(strlen(p.c.text), PROTO_CHAT_MAX);
    line[n + PROTO_CHAT_MAX] = 'x';
    line[n + PROTO_CHAT_MAX + 1] = '\0';
    assert_refused(line);
}

/* ---- the line itself --------------------------------------------------------------------- */

static void test_bad_lines(void **state)
{
    (void)state;
    assert_refused("kick b\xFFob");
    assert_refused("say caf\xC3");
    assert_refused("say \xED\xA0\x80");
    assert_refused("kick\tbob");
    assert_refused("say a\x1B[31mred");
    assert_refused("help\r");
    assert_refused("say \xC2\x9B"
                   "31m"); /* C1 CSI */
    /* the whole line is at most CTL_LINE_MAX - 1 bytes */
    static char line[CTL_LINE_MAX + 8];
    memset(line, ' ', sizeof line);
    memcpy(line, "help", 4);
    line[CTL_LINE_MAX - 1] = '\0';
    assert_parsed(line, CTL_HELP);
    line[CTL_LINE_MAX - 1] = ' ';
    line[CTL_LINE_MAX] = '\0';
    assert_refused(line);
    /* a tiny error buffer is still NUL-terminated */
    CtlCommand c;
    char err[8];
    memset(err, 'x', sizeof err);
    assert_false(ctl_parse("frobnicate", &c, err, sizeof err));
    assert_non_null(memchr(err, '\0', sizeof err));
}

static void test_usage_lines(void **state)
{
    (void)state;
    size_t i = 0;
    static const char *const words[] = {"help", "status", "who",  "bans",   "kick",
                                        "ban",  "unban",  "mute", "unmute", "say"};
    for (; ctl_usage(i) != NULL; i++) {
        const char *u = ctl_usage(i);
        assert_true(strlen(u) > 0);
        assert_true(line_text_valid((const uint8_t *)u, strlen(u)));
        /* each line starts with a verb the parser knows */
        char word[16];
        size_t n = strcspn(u, " ");
        assert_true(n > 0 && n < sizeof word);
        memcpy(word, u, n);
        word[n] = '\0';
        Parsed p = parse(word);
        assert_null(strstr(p.err, "unknown command"));
    }
    assert_int_equal(i, sizeof words / sizeof words[0]); /* every verb has its line */
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        bool found = false;
        for (size_t j = 0; j < i; j++)
            found = found || strncmp(ctl_usage(j), words[k], strlen(words[k])) == 0;
        assert_true(found);
    }
    assert_null(ctl_usage(i));
    assert_null(ctl_usage(i + 1));
    assert_null(ctl_usage((size_t)-1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_argument_verbs),
        cmocka_unit_test(test_verbs_case_insensitive),
        cmocka_unit_test(test_unknown_and_empty),
        cmocka_unit_test(test_kick),
        cmocka_unit_test(test_reason_and_target_lengths),
        cmocka_unit_test(test_ban),
        cmocka_unit_test(test_unban),
        cmocka_unit_test(test_name_only_verbs_refuse_addresses),
        cmocka_unit_test(test_ip_detection),
        cmocka_unit_test(test_mute),
        cmocka_unit_test(test_say),
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_usage_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
