/* test_app_options.c — arena-client's command line: defaults, each option, and mistakes
 * explained instead of guessed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_options.h"
#include "cli_parse.h"

typedef struct Run {
    int rc;
    AppOptions o;
    char *out, *err;
} Run;

static Run parse(const char *default_name, int argc, const char **args)
{
    Run r;
    char *argv[32];
    argv[0] = (char *)"arena-client";
    for (int i = 0; i < argc; i++)
        argv[i + 1] = (char *)args[i];
    argv[argc + 1] = NULL;
    size_t on = 0, en = 0;
    FILE *out = open_memstream(&r.out, &on), *err = open_memstream(&r.err, &en);
    r.rc = app_options_parse(&r.o, argc + 1, argv, default_name, out, err);
    fclose(out);
    fclose(err);
    return r;
}

static void done(Run *r)
{
    free(r->out);
    free(r->err);
}

#define PARSE(name, ...)                                                                           \
    parse(name, (int)(sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *)),               \
          (const char *[]){__VA_ARGS__})

static void test_defaults(void **state)
{
    (void)state;
    Run r = parse("alice", 0, NULL);
    assert_int_equal(r.rc, -1);
    assert_false(r.o.connect);
    assert_string_equal(r.o.name, "alice");
    assert_int_equal(r.o.port, 7777);
    assert_string_equal(r.o.broadcast, "255.255.255.255");
    assert_int_equal(r.o.discovery_port, 7778);
    assert_int_equal(r.o.win_w, 1280);
    assert_int_equal(r.o.win_h, 720);
    assert_true(r.o.vsync);
    assert_false(r.o.software);
    assert_float_equal(r.o.max_fps, APP_DEFAULT_MAX_FPS, 1e-9);
    assert_false(r.o.autoplay);
    assert_false(r.o.netgraph);
    assert_string_equal(r.o.screenshot, "");
    assert_false(r.o.fullscreen_given);
    assert_string_equal(r.err, "");
    done(&r);
    /* A user name that is not a valid player name is cleaned up, or replaced. */
    r = parse("Jane Doe", 0, NULL);
    assert_string_equal(r.o.name, "JaneDoe");
    done(&r);
    r = parse(NULL, 0, NULL);
    assert_string_equal(r.o.name, "player");
    done(&r);
}

static void test_connect_and_friends(void **state)
{
    (void)state;
    Run r = PARSE("x", "--connect", "10.0.0.5:9000", "--name", "tester", "--software", "--window",
                  "800x600", "--netgraph", "--screenshot", "/tmp/a.bmp", "--quit-after", "4",
                  "--broadcast", "192.168.1.255:7000", "--stats-json", "/tmp/s.json", "--max-fps",
                  "0", "--overview", "--no-vsync", "--autoplay");
    assert_int_equal(r.rc, -1);
    assert_true(r.o.connect);
    assert_string_equal(r.o.host, "10.0.0.5");
    assert_int_equal(r.o.port, 9000);
    assert_string_equal(r.o.name, "tester");
    assert_true(r.o.name_given);
    assert_true(r.o.software);
    assert_int_equal(r.o.win_w, 800);
    assert_int_equal(r.o.win_h, 600);
    assert_true(r.o.netgraph);
    assert_string_equal(r.o.screenshot, "/tmp/a.bmp");
    assert_float_equal(r.o.quit_after, 4.0, 1e-9);
    assert_string_equal(r.o.broadcast, "192.168.1.255");
    assert_int_equal(r.o.discovery_port, 7000);
    assert_string_equal(r.o.stats_json, "/tmp/s.json");
    assert_float_equal(r.o.max_fps, 0.0, 1e-9);
    assert_true(r.o.overview);
    assert_false(r.o.vsync);
    assert_true(r.o.autoplay);
    done(&r);
    /* The settings file and the flags that win over it. */
    r = PARSE("x", "--settings", "/tmp/my-settings", "--fullscreen", "--settings-screen");
    assert_int_equal(r.rc, -1);
    assert_string_equal(r.o.settings, "/tmp/my-settings");
    assert_true(r.o.fullscreen_given && r.o.fullscreen && r.o.settings_screen);
    done(&r);
    r = PARSE("x", "--fullscreen", "--windowed", "--settings", "none");
    assert_true(r.o.fullscreen_given && !r.o.fullscreen);
    assert_string_equal(r.o.settings, "");
    done(&r);
    r = PARSE("x", "--settings", "");
    assert_int_equal(r.rc, 2);
    assert_non_null(strstr(r.err, "--settings wants a file name or none"));
    done(&r);
    r = PARSE("x", "-c", "arena.local");
    assert_int_equal(r.rc, -1);
    assert_string_equal(r.o.host, "arena.local");
    assert_int_equal(r.o.port, 7777); /* default port */
    done(&r);
}

static void test_mistakes(void **state)
{
    (void)state;
    struct {
        const char *args[3];
        const char *says;
    } cases[] = {
        {{"--connect", "host:0"}, "HOST[:PORT]"},
        {{"--connect", "host:70000"}, "HOST[:PORT]"},
        {{"--connect", ":7777"}, "HOST[:PORT]"},
        {{"--connect", "host:"}, "HOST[:PORT]"},
        {{"--name", "two words"}, "not a valid name"},
        {{"--name", "01234567890123456"}, "not a valid name"},
        {{"--window", "100x100"}, "--window"},
        {{"--window", "800"}, "--window"},
        {{"--window", "800x600x"}, "--window"},
        {{"--quit-after", "0"}, "--quit-after"},
        {{"--quit-after", "soon"}, "--quit-after"},
        {{"--screenshot", "a.bmp"}, "needs --quit-after"},
        {{"--max-fps", "-1"}, "--max-fps"},
        {{"--bogus"}, "unknown option"},
        {{"extra"}, "unexpected argument"},
        {{"--connect"}, "needs a value"},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int argc = cases[i].args[1] != NULL ? 2 : 1;
        Run r = parse("x", argc, cases[i].args);
        assert_int_equal(r.rc, 2);
        if (strstr(r.err, cases[i].says) == NULL)
            fail_msg("case %u: '%s' does not say '%s'", i, r.err, cases[i].says);
        done(&r);
    }
}

static void test_help_and_version(void **state)
{
    (void)state;
    Run r = PARSE("x", "--help");
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "usage: arena-client"));
    assert_non_null(strstr(r.out, "--connect HOST[:PORT]"));
    assert_non_null(strstr(r.out, "--screenshot"));
    assert_non_null(strstr(r.out, "ARENA_FONT"));
    done(&r);
    r = PARSE("x", "-V");
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "arena-client"));
    char proto[32];
    snprintf(proto, sizeof proto, "protocol %d", PROTO_VERSION);
    assert_non_null(strstr(r.out, proto));
    done(&r);
}

static void test_split_host_port(void **state)
{
    (void)state;
    char host[16];
    uint16_t port = 1;
    assert_true(cli_parse_host_port("a:2", host, sizeof host, &port));
    assert_string_equal(host, "a");
    assert_int_equal(port, 2);
    port = 5;
    assert_true(cli_parse_host_port("localhost", host, sizeof host, &port));
    assert_int_equal(port, 5);
    assert_false(cli_parse_host_port("averyveryverylonghostname", host, sizeof host, &port));
    assert_false(cli_parse_host_port("a b:1", host, sizeof host, &port));
    assert_false(cli_parse_host_port("a:+1", host, sizeof host, &port));
    assert_false(cli_parse_host_port("a:123456", host, sizeof host, &port));
    assert_false(cli_parse_host_port("", host, sizeof host, &port));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),        cmocka_unit_test(test_connect_and_friends),
        cmocka_unit_test(test_mistakes),        cmocka_unit_test(test_help_and_version),
        cmocka_unit_test(test_split_host_port),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
