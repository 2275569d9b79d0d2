/* test_netsim_options.c — arena-netsim's command line and profiles.
 *
 * What a user would notice if it broke: a profile that is not the documented one, a flag
 * after --profile that does not override it, --up-X that changes the other direction too,
 * a bad value accepted (or a good one refused) without a clear word and exit status 2. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ns_options.h"

/* Parses a NULL-terminated list of arguments; the complaint, if any, into err_text. */
static int parse(NsOptions *o, char *err_text, size_t cap, ...)
{
    char *argv[64];
    int argc = 0;
    argv[argc++] = "arena-netsim";
    va_list ap;
    va_start(ap, cap);
    char *a;
    while ((a = va_arg(ap, char *)) != NULL && argc < 63)
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    ns_options_default(o);
    FILE *out = fopen("/dev/null", "w");
    FILE *err = fmemopen(err_text, cap, "w");
    assert_non_null(out);
    assert_non_null(err);
    memset(err_text, 0, cap);
    int rc = ns_options_parse(o, argc, argv, out, err);
    fclose(err);
    fclose(out);
    return rc;
}

static void test_defaults_transparent(void **state)
{
    (void)state;
    NsOptions o;
    char err[512];
    assert_int_equal(parse(&o, err, sizeof err, NULL), -1);
    assert_string_equal(o.listen_host, "127.0.0.1");
    assert_int_equal(o.listen_port, 7800);
    assert_int_equal(o.to_port, 7777);
    for (int d = 0; d < NS_DIRS; d++) {
        assert_int_equal(o.link[d].latency_us, 0);
        assert_true(o.link[d].loss == 0.0 && o.link[d].duplicate == 0.0);
        assert_int_equal(o.link[d].rate_bytes_per_s, 0);
    }
}

static void test_listen_and_to(void **state)
{
    (void)state;
    NsOptions o;
    char err[512];
    assert_int_equal(parse(&o, err, sizeof err, "--listen", "127.0.0.1:7900", "--to",
                           "127.0.0.2:8000", "--to-udp", "8001", NULL),
                     -1);
    assert_int_equal(o.listen_port, 7900);
    assert_string_equal(o.to_host, "127.0.0.2");
    assert_int_equal(o.to_port, 8000);
    assert_int_equal(o.to_udp_port, 8001);
    /* A name, no port, port 0: refused (the relay does no name lookups). */
    assert_int_equal(parse(&o, err, sizeof err, "--to", "localhost:7777", NULL), 2);
    assert_non_null(strstr(err, "--to wants IPV4:PORT"));
    assert_int_equal(parse(&o, err, sizeof err, "--listen", "127.0.0.1", NULL), 2);
    assert_int_equal(parse(&o, err, sizeof err, "--listen", "127.0.0.1:0", NULL), 2);
}

/* The netcode profile is netcode.io's soak setting, in both directions. */
static void test_profile_netcode(void **state)
{
    (void)state;
    NsOptions o;
    char err[512];
    assert_int_equal(parse(&o, err, sizeof err, "--profile", "netcode", NULL), -1);
    for (int d = 0; d < NS_DIRS; d++) {
        assert_int_equal(o.link[d].latency_us, 250000);
        assert_int_equal(o.link[d].jitter_us, 250000);
        assert_true(o.link[d].loss == 0.05);
        assert_true(o.link[d].duplicate == 0.10);
        assert_true(o.link[d].reorder);
    }
    assert_int_equal(o.tcp_latency_us, 250000);
    assert_string_equal(o.profile, "netcode");
}

static void test_every_profile_valid(void **state)
{
    (void)state;
    const char *names[] = {"lan", "wifi", "dsl", "mobile", "netcode"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        NsOptions o;
        char err[512];
        assert_int_equal(parse(&o, err, sizeof err, "--profile", names[i], NULL), -1);
        for (int d = 0; d < NS_DIRS; d++) {
            NsLink l;
            NsPending slot;
            assert_int_equal(ns_link_init(&l, &o.link[d], 1, &slot, 1), NS_OK);
        }
    }
    NsOptions o;
    char err[512];
    /* mobile: capped both ways, more down than up. */
    assert_int_equal(parse(&o, err, sizeof err, "--profile", "mobile", NULL), -1);
    assert_true(o.link[NS_DOWN].rate_bytes_per_s > o.link[NS_UP].rate_bytes_per_s);
    assert_true(o.link[NS_UP].rate_bytes_per_s > 0 && o.link[NS_UP].queue_bytes > 0);
    assert_int_equal(parse(&o, err, sizeof err, "--profile", "satellite", NULL), 2);
    assert_non_null(strstr(err, "lan, wifi, dsl, mobile, netcode"));
}

/* Later flags override the profile; --up-X and --down-X touch one direction. */
static void test_override_and_directions(void **state)
{
    (void)state;
    NsOptions o;
    char err[512];
    assert_int_equal(parse(&o, err, sizeof err, "--profile", "netcode", "--latency", "75",
                           "--down-loss", "20", "--up-dup", "0", "--no-reorder", NULL),
                     -1);
    assert_int_equal(o.link[NS_UP].latency_us, 75000);
    assert_int_equal(o.link[NS_DOWN].latency_us, 75000);
    assert_true(o.link[NS_UP].loss == 0.05);
    assert_true(o.link[NS_DOWN].loss == 0.20);
    assert_true(o.link[NS_UP].duplicate == 0.0);
    assert_true(o.link[NS_DOWN].duplicate == 0.10);
    assert_false(o.link[NS_UP].reorder || o.link[NS_DOWN].reorder);
    assert_int_equal(o.link[NS_UP].jitter_us, 250000); /* untouched */
    assert_int_equal(parse(&o, err, sizeof err, "--down-reorder", "--up-latency", "0.5", NULL), -1);
    assert_true(o.link[NS_DOWN].reorder && !o.link[NS_UP].reorder);
    assert_int_equal(o.link[NS_UP].latency_us, 500);
    assert_int_equal(o.link[NS_DOWN].latency_us, 0);
}

static void test_burst_rate_queue_mtu(void **state)
{
    (void)state;
    NsOptions o;
    char err[512];
    assert_int_equal(parse(&o, err, sizeof err, "--burst", "2,25,60", "--up-rate", "1000",
                           "--down-rate", "8000", "--down-queue", "5000", "--mtu", "1200", NULL),
                     -1);
    assert_true(o.link[NS_UP].ge_enter == 0.02 && o.link[NS_UP].ge_leave == 0.25 &&
                o.link[NS_UP].ge_loss == 0.60);
    assert_int_equal(o.link[NS_UP].rate_bytes_per_s, 125000);
    assert_int_equal(o.link[NS_UP].queue_bytes, 125000 / 4); /* 250 ms by default */
    assert_int_equal(o.link[NS_DOWN].rate_bytes_per_s, 1000000);
    assert_int_equal(o.link[NS_DOWN].queue_bytes, 5000);
    assert_int_equal(o.link[NS_UP].mtu, 1200);
    assert_int_equal(parse(&o, err, sizeof err, "--profile", "wifi", "--burst", "off", NULL), -1);
    assert_true(o.link[NS_UP].ge_enter == 0.0);
    assert_int_equal(parse(&o, err, sizeof err, "--burst", "2,0,60", NULL), 2);
    assert_int_equal(parse(&o, err, sizeof err, "--burst", "2,25", NULL), 2);
    assert_int_equal(parse(&o, err, sizeof err, "--burst", "2,25,60,1", NULL), 2);
    assert_non_null(strstr(err, "--burst wants ENTER,LEAVE,LOSS"));
}

/* Each bad value: exit status 2 and a complaint that names the flag. */
static void test_bad_values(void **state)
{
    (void)state;
    struct {
        const char *flag, *value, *says;
    } bad[] = {
        {"--loss", "101", "--loss wants a percentage"},
        {"--up-loss", "-1", "--up-loss wants a percentage"},
        {"--latency", "abc", "--latency wants milliseconds"},
        {"--down-jitter", "60001", "--down-jitter wants milliseconds"},
        {"--mtu", "1501", "--mtu wants bytes"},
        {"--mtu", "0", "--mtu wants bytes"},
        {"--rate", "1.5", "--rate wants kbit/s"},
        {"--seed", "x", "--seed wants"},
        {"--duration", "0", "--duration wants seconds"},
        {"--max-clients", "0", "--max-clients wants"},
        {"--tcp-buffer", "100", "--tcp-buffer wants"},
        {"--slots", "70000", "--slots wants"},
        {"--stats-json", "", "--stats-json wants a path"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        NsOptions o;
        char err[512];
        assert_int_equal(parse(&o, err, sizeof err, bad[i].flag, bad[i].value, NULL), 2);
        if (strstr(err, bad[i].says) == NULL)
            fail_msg("%s %s: said '%s'", bad[i].flag, bad[i].value, err);
    }
    NsOptions o;
    char err[512];
    assert_int_equal(parse(&o, err, sizeof err, "--nonsense", NULL), 2);
    assert_non_null(strstr(err, "unknown option"));
    assert_int_equal(parse(&o, err, sizeof err, "--loss", NULL), 2);
    assert_non_null(strstr(err, "needs a value"));
    assert_int_equal(parse(&o, err, sizeof err, "stray", NULL), 2);
}

static void test_help_lists_flags(void **state)
{
    (void)state;
    char buf[8192];
    memset(buf, 0, sizeof buf);
    FILE *out = fmemopen(buf, sizeof buf - 1, "w");
    FILE *err = fopen("/dev/null", "w");
    char *argv[] = {"arena-netsim", "--help", NULL};
    NsOptions o;
    ns_options_default(&o);
    assert_int_equal(ns_options_parse(&o, 2, argv, out, err), 0);
    fclose(out);
    fclose(err);
    const char *want[] = {"--profile",  "--latency",  "--jitter", "--reorder",    "--loss",
                          "--burst",    "--dup",      "--rate",   "--queue",      "--mtu",
                          "--up-X",     "--down-X",   "--seed",   "--stats-json", "--tcp-latency",
                          "--tcp-rate", "--duration", "--quiet"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (strstr(buf, want[i]) == NULL)
            fail_msg("--help lacks %s", want[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_transparent),
        cmocka_unit_test(test_listen_and_to),
        cmocka_unit_test(test_profile_netcode),
        cmocka_unit_test(test_every_profile_valid),
        cmocka_unit_test(test_override_and_directions),
        cmocka_unit_test(test_burst_rate_queue_mtu),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_help_lists_flags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
