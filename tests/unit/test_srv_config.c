/* test_srv_config.c — what a SIGHUP reload relies on in the server's settings (config.h): the
 * list of changed keys, the live ones, copying only those, and a value as text.
 *
 * What an operator would notice: a reload that silently ignores a changed setting (not listed),
 * applies one that needs a restart (copied), or reports values that are not the file's. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "config.h"

static void test_changed_lists_exactly_the_differences(void **state)
{
    (void)state;
    SrvConfig a, b;
    srv_default_config(&a);
    b = a;
    const char *keys[8];
    assert_int_equal(srv_config_changed(&a, &b, keys, 8), 0);
    char err[200];
    const char text[] = "name = Other\nmax_players = 10\ndebug = on\nbind=1.2.3.4\n";
    assert_true(srv_config_parse(&b, text, sizeof text - 1, err, sizeof err));
    size_t n = srv_config_changed(&a, &b, keys, 8);
    assert_int_equal(n, 4);
    assert_string_equal(keys[0], "name"); /* --help order */
    assert_string_equal(keys[1], "bind");
    assert_string_equal(keys[2], "max_players");
    assert_string_equal(keys[3], "debug");
    assert_int_equal(srv_config_changed(&a, &b, keys, 2), 4); /* the count, whatever the cap */
}

static void test_copy_live_takes_only_live_settings(void **state)
{
    (void)state;
    SrvConfig run, file;
    srv_default_config(&run);
    file = run;
    char err[200];
    const char text[] = "name = Reloaded\nscore_limit = 3\ntcp_read_rate = 4096\n"
                        "max_players = 10\ngame_port = 9000\nview_max = 32\ndebug = true\n";
    assert_true(srv_config_parse(&file, text, sizeof text - 1, err, sizeof err));
    srv_config_copy_live(&run, &file);
    assert_string_equal(run.name, "Reloaded");
    assert_int_equal(run.score_limit, 3);
    assert_int_equal(run.tcp_read_rate, 4096);
    assert_true(run.debug);
    assert_int_equal(run.max_players, 64);
    assert_int_equal(run.game_port, PROTO_GAME_PORT);
    assert_int_equal(run.view_max, 128);
    assert_true(srv_config_key_live("name") && srv_config_key_live("idle_timeout_ms"));
    assert_false(srv_config_key_live("max_players") || srv_config_key_live("metrics_port") ||
                 srv_config_key_live("nonsense"));
}

static void test_value_as_text(void **state)
{
    (void)state;
    SrvConfig c;
    srv_default_config(&c);
    char v[64];
    assert_true(srv_config_value(&c, "max_players", v, sizeof v));
    assert_string_equal(v, "64");
    assert_true(srv_config_value(&c, "delta", v, sizeof v));
    assert_string_equal(v, "true");
    assert_true(srv_config_value(&c, "metrics_bind", v, sizeof v));
    assert_string_equal(v, "127.0.0.1");
    assert_true(srv_config_value(&c, "metrics_port", v, sizeof v));
    assert_string_equal(v, "0");
    assert_false(srv_config_value(&c, "nonsense", v, sizeof v));
    char help[8192];
    srv_config_describe(&c, help, sizeof help);
    assert_non_null(strstr(help, "(default: Localhost Arena) [reload]"));
    assert_non_null(strstr(help, "metrics_port"));
    assert_null(strstr(help, "(default: 64) [reload]"));
}

/* database: sqlite or a URI libpq parses; a password never comes back out as text (the reload
 * log prints values). */
static void test_database_setting(void **state)
{
    (void)state;
    SrvConfig c;
    srv_default_config(&c);
    char v[SRV_PATH_MAX], err[256];
    assert_true(srv_config_value(&c, "database", v, sizeof v));
    assert_string_equal(v, "sqlite");
    assert_true(srv_config_set(&c, "database", "postgresql://arena:s3cret@db.example/arena", err,
                               sizeof err));
    assert_true(srv_config_value(&c, "database", v, sizeof v));
    assert_string_equal(v, "postgresql://arena:***@db.example/arena");
    assert_true(srv_config_set(
        &c, "database", "postgres:///arena?host=/run/postgresql&password=hunter2&sslmode=off", err,
        sizeof err));
    assert_true(srv_config_value(&c, "database", v, sizeof v));
    assert_null(strstr(v, "hunter2"));
    assert_non_null(strstr(v, "password=***&sslmode=off"));
    assert_false(srv_config_set(&c, "database", "mysql://x/y", err, sizeof err));
    assert_non_null(strstr(err, "database:"));
    assert_false(
        srv_config_set(&c, "database", "postgresql://h/db?nosuchoption=1", err, sizeof err));
    assert_true(srv_config_set(&c, "database", "sqlite", err, sizeof err));
}

/* input_hz: 0 (auto) picks by max_players; 1..9 and 61.. are refused with the key named. */
static void test_input_hz_setting(void **state)
{
    (void)state;
    SrvConfig c;
    char err[200];
    srv_default_config(&c);
    assert_int_equal(c.input_hz, 0);
    assert_int_equal(srv_config_input_hz(&c), PROTO_INPUT_HZ_MAX); /* 64 players */
    assert_true(srv_config_set(&c, "max_players", "65", err, sizeof err));
    assert_int_equal(srv_config_input_hz(&c), SRV_INPUT_HZ_CROWD);
    assert_true(srv_config_set(&c, "input_hz", "20", err, sizeof err));
    assert_int_equal(srv_config_input_hz(&c), 20);
    assert_true(srv_config_set(&c, "input_hz", "60", err, sizeof err));
    assert_int_equal(srv_config_input_hz(&c), 60);
    assert_true(srv_config_set(&c, "input_hz", "10", err, sizeof err));
    assert_true(srv_config_set(&c, "input_hz", "0", err, sizeof err));
    assert_int_equal(srv_config_input_hz(&c), SRV_INPUT_HZ_CROWD);
    assert_false(srv_config_set(&c, "input_hz", "9", err, sizeof err));
    assert_non_null(strstr(err, "input_hz:"));
    assert_false(srv_config_set(&c, "input_hz", "1", err, sizeof err));
    assert_false(srv_config_set(&c, "input_hz", "61", err, sizeof err));
    assert_false(srv_config_set(&c, "input_hz", "-1", err, sizeof err));
    assert_int_equal(c.input_hz, 0); /* a refused value changes nothing */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_changed_lists_exactly_the_differences),
        cmocka_unit_test(test_copy_live_takes_only_live_settings),
        cmocka_unit_test(test_value_as_text),
        cmocka_unit_test(test_database_setting),
        cmocka_unit_test(test_input_hz_setting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
