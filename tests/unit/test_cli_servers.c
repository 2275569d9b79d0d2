/* test_cli_servers.c — recent servers and favourites: the file's round trip, its bounds,
 * bad lines skipped and counted, the order, and what joining and marking do. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cli_servers.h"

static char buf[CLI_SERVERS_FILE_MAX];

static void test_round_trip(void **state)
{
    (void)state;
    CliServerList a, b;
    cli_servers_init(&a);
    assert_true(cli_servers_touch(&a, "192.168.1.20", 7777, "Basement LAN", 1000));
    assert_true(cli_servers_touch(&a, "arena.example", 7000, NULL, 2000));
    assert_true(cli_servers_toggle_favourite(&a, "10.0.0.5", 7777, "Zoë's server"));
    size_t n = cli_servers_format(&a, buf, sizeof buf);
    assert_true(n > 0);
    assert_non_null(strstr(buf, "# localhost-arena servers 1\n"));
    assert_non_null(strstr(buf, "server 192.168.1.20 7777 0 1000 Basement LAN\n"));
    assert_non_null(strstr(buf, "server arena.example 7000 0 2000\n"));
    unsigned bad = 99;
    cli_servers_parse(buf, n, &b, &bad);
    assert_int_equal(bad, 0);
    assert_int_equal(b.count, 3);
    assert_memory_equal(&a, &b, sizeof a);
    /* Order: the favourite, then the newest. */
    assert_string_equal(b.e[0].host, "10.0.0.5");
    assert_true(b.e[0].favourite);
    assert_string_equal(b.e[1].host, "arena.example");
    assert_string_equal(b.e[2].name, "Basement LAN");
    /* Too small a buffer: nothing, not a part. */
    assert_int_equal(cli_servers_format(&a, buf, 40), 0);
}

static void test_bad_lines(void **state)
{
    (void)state;
    const char *text = "# comment\n"
                       "\n"
                       "server good.host 1 1 0\n"
                       "server bad host 7777 0 1\n"     /* a space: the port is not a number */
                       "server h\xc3\xa9 7777 0 1\n"    /* not a host character */
                       "server h 0 0 1\n"               /* port 0 */
                       "server h 65536 0 1\n"           /* port too big */
                       "server h 7777 2 1\n"            /* favourite is 0 or 1 */
                       "server h 7777 0 01\n"           /* a leading zero */
                       "server h 7777 0 1 \xe2\x80\xae" /* a bidi override in the name */
                       "x\n"
                       "server h 7777 0 99999999999999999999\n" /* would overflow */
                       "client h 7777 0 1\n"
                       "server good.host 1 0 5\n" /* a duplicate */
                       "server last 2 0 3 a name that is far too long for the name field";
    CliServerList l;
    unsigned bad = 0;
    cli_servers_parse(text, strlen(text), &l, &bad);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.e[0].host, "good.host");
    assert_int_equal(bad, 11);
    /* Not NUL-terminated: only len bytes are read. */
    char exact[] = {'s', 'e', 'r', 'v', 'e', 'r', ' ', 'x', ' ', '9', ' ', '0', ' ', '7'};
    cli_servers_parse(exact, sizeof exact, &l, &bad);
    assert_int_equal(l.count, 1);
    assert_int_equal(l.e[0].last_unix, 7);
}

static void test_bounded(void **state)
{
    (void)state;
    CliServerList l;
    cli_servers_init(&l);
    char host[32];
    for (unsigned i = 0; i < 40; i++) {
        snprintf(host, sizeof host, "h%u", i);
        assert_true(cli_servers_touch(&l, host, 7777, NULL, 100 + i));
    }
    assert_int_equal(l.count, CLI_SERVERS_MAX);
    assert_string_equal(l.e[0].host, "h39"); /* the newest first; the oldest were dropped */
    assert_int_equal(cli_servers_find(&l, "h0", 7777), -1);
    /* A file with more lines than entries keeps the first CLI_SERVERS_MAX. */
    size_t n = 0;
    for (unsigned i = 0; i < 30; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "server s%u 1 0 %u\n", i, i);
    unsigned bad = 0;
    cli_servers_parse(buf, n, &l, &bad);
    assert_int_equal(l.count, CLI_SERVERS_MAX);
    assert_int_equal(bad, 30 - CLI_SERVERS_MAX);
    /* Favourites are never dropped for a recent one; a list of favourites only refuses. */
    cli_servers_init(&l);
    for (unsigned i = 0; i < CLI_SERVERS_MAX; i++) {
        snprintf(host, sizeof host, "f%u", i);
        assert_true(cli_servers_toggle_favourite(&l, host, 1, NULL));
    }
    assert_false(cli_servers_touch(&l, "new", 1, NULL, 5));
    assert_false(cli_servers_toggle_favourite(&l, "new", 1, NULL));
    /* Unmarking one makes room. */
    assert_false(cli_servers_toggle_favourite(&l, "f3", 1, NULL));
    assert_true(cli_servers_touch(&l, "new", 1, NULL, 5));
    assert_int_equal(cli_servers_find(&l, "f3", 1), -1);
    assert_false(cli_servers_touch(&l, "bad host", 1, NULL, 5));
    assert_false(cli_servers_host_valid(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
