/* test_cli_rejoin.c — the reconnect policy: what is retried, the backoff, its bound, cancel. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cli_conn_rejoin.h"

#define MS 1000ull

static void test_what_is_retried(void **state)
{
    (void)state;
    assert_true(cli_rejoin_worth(CLI_FAIL_SERVER_GONE));
    assert_true(cli_rejoin_worth(CLI_FAIL_SHUTDOWN));
    assert_true(cli_rejoin_worth(CLI_FAIL_TIMEOUT));
    /* A kick or a ban is the server's decision: never retried. */
    assert_false(cli_rejoin_worth(CLI_FAIL_KICKED));
    assert_false(cli_rejoin_worth(CLI_FAIL_BANNED));
    assert_false(cli_rejoin_worth(CLI_FAIL_NAME));
    assert_false(cli_rejoin_worth(CLI_FAIL_VERSION));
    /* While retrying: a server not up yet, or still holding our name, is tried again. */
    assert_true(cli_rejoin_keep_trying(CLI_FAIL_CONNECT));
    assert_true(cli_rejoin_keep_trying(CLI_FAIL_TAKEN));
    assert_true(cli_rejoin_keep_trying(CLI_FAIL_FULL));
    assert_false(cli_rejoin_keep_trying(CLI_FAIL_KICKED));
    assert_false(cli_rejoin_keep_trying(CLI_FAIL_BANNED));
    CliRejoin r;
    assert_false(cli_rejoin_begin(&r, CLI_FAIL_KICKED, 0));
    assert_false(r.active);
    assert_false(cli_rejoin_due(&r, 1000000 * MS));
}

static void test_backoff(void **state)
{
    (void)state;
    assert_int_equal(cli_rejoin_delay_ms(0), 500);
    assert_int_equal(cli_rejoin_delay_ms(1), 1000);
    assert_int_equal(cli_rejoin_delay_ms(2), 2000);
    assert_int_equal(cli_rejoin_delay_ms(3), 4000);
    assert_int_equal(cli_rejoin_delay_ms(4), CLI_REJOIN_MAX_DELAY_MS);
    assert_int_equal(cli_rejoin_delay_ms(1000), CLI_REJOIN_MAX_DELAY_MS);
    CliRejoin r;
    uint64_t t = 10000 * MS;
    assert_true(cli_rejoin_begin(&r, CLI_FAIL_SHUTDOWN, t));
    assert_false(cli_rejoin_due(&r, t + 499 * MS));
    assert_true(cli_rejoin_due(&r, t + 500 * MS));
    /* While an attempt runs, no other is due. */
    assert_false(cli_rejoin_due(&r, t + 100000 * MS));
    t += 600 * MS;
    assert_true(cli_rejoin_failed(&r, CLI_FAIL_CONNECT, t));
    assert_false(cli_rejoin_due(&r, t + 999 * MS));
    assert_true(cli_rejoin_due(&r, t + 1000 * MS));
    /* The player's key: at once. */
    assert_true(cli_rejoin_failed(&r, CLI_FAIL_CONNECT, t));
    cli_rejoin_now(&r, t + 1 * MS);
    assert_true(cli_rejoin_due(&r, t + 1 * MS));
    assert_int_equal(r.attempt, 3);
}

static void test_bounded_and_cancelable(void **state)
{
    (void)state;
    CliRejoin r;
    uint64_t t = 0;
    assert_true(cli_rejoin_begin(&r, CLI_FAIL_SERVER_GONE, t));
    unsigned attempts = 0;
    for (unsigned i = 0; i < 100; i++) {
        t += CLI_REJOIN_MAX_DELAY_MS * MS;
        if (!cli_rejoin_due(&r, t))
            break;
        attempts++;
        if (!cli_rejoin_failed(&r, CLI_FAIL_CONNECT, t))
            break;
    }
    assert_int_equal(attempts, CLI_REJOIN_ATTEMPTS);
    assert_false(r.active);
    /* A kick during the retries ends them. */
    assert_true(cli_rejoin_begin(&r, CLI_FAIL_TIMEOUT, 0));
    assert_true(cli_rejoin_due(&r, 500 * MS));
    assert_false(cli_rejoin_failed(&r, CLI_FAIL_BANNED, 600 * MS));
    assert_false(r.active);
    assert_int_equal(r.last, CLI_FAIL_BANNED);
    /* Esc. */
    assert_true(cli_rejoin_begin(&r, CLI_FAIL_TIMEOUT, 0));
    cli_rejoin_stop(&r);
    assert_false(cli_rejoin_due(&r, 1000000 * MS));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_what_is_retried),
        cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_bounded_and_cancelable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
