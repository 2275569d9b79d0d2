/* test_ns_login.c — arena-netsim's rewrite of the game port in the login answer.
 *
 * What a user would notice if it broke: the client's game traffic going round the relay
 * (the port not rewritten), a login answer mangled (the client refuses it), or chat after
 * the login changed by the relay. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ns_login.h"

static const char OK_LINE[] = "OK token=00112233445566778899aabbccddeeff id=3 udp=7777 "
                              "version=2 tick=60 snap=30\n";
static const char OK_NEW[] = "OK token=00112233445566778899aabbccddeeff id=3 udp=17800 "
                             "version=2 tick=60 snap=30\n";

static void test_rewrite_ok(void **state)
{
    (void)state;
    char out[600];
    uint16_t old = 0;
    size_t n = ns_login_rewrite_ok(OK_LINE, strlen(OK_LINE) - 1, 17800, out, sizeof out, &old);
    assert_int_equal(n, strlen(OK_NEW) - 1);
    assert_memory_equal(out, OK_NEW, n);
    assert_int_equal(old, 7777);
    const char *not_ok[] = {
        "ERR full server full", "NOTICE udp=7777", "OK token=x id=1", "OK udp= id=1",
        "OK udp=70000",         "OK xudp=7777",    "OK udp=77a"};
    for (size_t i = 0; i < sizeof not_ok / sizeof not_ok[0]; i++)
        assert_int_equal(
            ns_login_rewrite_ok(not_ok[i], strlen(not_ok[i]), 17800, out, sizeof out, &old), 0);
}

/* The stream split at every byte: the same output; later lines untouched. */
static void test_feed_any_split(void **state)
{
    (void)state;
    char in[1024], want[1024];
    snprintf(in, sizeof in, "HELLO 2 Arena\n%sNOTICE Welcome udp=7777\nCHAT a udp=1\n", OK_LINE);
    snprintf(want, sizeof want, "HELLO 2 Arena\n%sNOTICE Welcome udp=7777\nCHAT a udp=1\n", OK_NEW);
    size_t len = strlen(in);
    for (size_t cut = 0; cut <= len; cut++) {
        NsLoginScan s;
        ns_login_init(&s, 17800);
        uint8_t out[2048];
        size_t w = ns_login_feed(&s, (const uint8_t *)in, cut, out, sizeof out);
        w += ns_login_feed(&s, (const uint8_t *)in + cut, len - cut, out + w, sizeof out - w);
        assert_int_equal(w, strlen(want));
        assert_memory_equal(out, want, w);
        assert_int_equal(s.rewritten, 1);
        assert_int_equal(s.found, 7777);
        assert_true(s.done);
    }
}

/* An OK line without a port still ends the scan (it was the answer); other bytes are never
 * held back waiting for a "\n" (a stream that is not the login protocol flows). */
static void test_feed_gives_up(void **state)
{
    (void)state;
    NsLoginScan s;
    ns_login_init(&s, 17800);
    uint8_t out[4096];
    const char *err = "ERR full server full\n";
    size_t w = ns_login_feed(&s, (const uint8_t *)err, strlen(err), out, sizeof out);
    assert_int_equal(w, strlen(err));
    assert_memory_equal(out, err, w);
    const char *bad_ok = "OK token=x\n";
    w = ns_login_feed(&s, (const uint8_t *)bad_ok, strlen(bad_ok), out, sizeof out);
    assert_memory_equal(out, bad_ok, w);
    assert_true(s.done);
    w = ns_login_feed(&s, (const uint8_t *)OK_LINE, strlen(OK_LINE), out, sizeof out);
    assert_memory_equal(out, OK_LINE, w); /* after the answer: untouched */
    assert_int_equal(s.rewritten, 0);

    ns_login_init(&s, 17800);
    w = ns_login_feed(&s, (const uint8_t *)"ping", 4, out, sizeof out);
    assert_int_equal(w, 4);
    assert_memory_equal(out, "ping", 4);
    w = ns_login_feed(&s, (const uint8_t *)"OK", 2, out, sizeof out);
    assert_int_equal(w, 2); /* the same line, so not an answer */

    ns_login_init(&s, 17800);
    uint8_t junk[NS_LOGIN_LINE_MAX + 100];
    memset(junk, 'x', sizeof junk);
    memcpy(junk, "OK ", 3); /* a candidate answer longer than any line: handed off */
    w = ns_login_feed(&s, junk, sizeof junk, out, sizeof out);
    assert_int_equal(w, sizeof junk);
    assert_memory_equal(out, junk, w);
    assert_true(s.done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rewrite_ok),
        cmocka_unit_test(test_feed_any_split),
        cmocka_unit_test(test_feed_gives_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
