/* test_cli_conn_badlog.c — a connection facing a server that floods malformed lines, and one
 * whose EVENTS messages (protocol 6) lie.
 *
 * What a user would notice: a hostile server that sends thousands of bad lines floods the
 * client's or the bot's log, or the connection stops counting them, or it gives up on a
 * server that merely sent garbage. A real TCP peer on loopback plays the server; the time
 * the connection sees is passed in, so the rate limit is checked without waiting. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <enet/enet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli_conn.h"
#include "cli_conn_int.h"
#include "cli_ratelog.h"
#include "msg.h"

enum { BAD_LINES = 200 };

typedef struct Logged {
    unsigned calls;
    char said[8][256]; /* the first few lines logged */
} Logged;

static void on_bad(void *user, const char *what)
{
    Logged *l = user;
    if (l->calls < 8)
        snprintf(l->said[l->calls], sizeof l->said[0], "%s", what);
    l->calls++;
}

/* Services c at fake time t until it has counted `want` bad lines (each wait is for data). */
static void service_until(CliConn *c, uint64_t t, uint64_t want)
{
    for (int guard = 0; guard < 1000 && cli_conn_stats(c)->bad_lines < want; guard++) {
        struct pollfd fds[CLI_CONN_POLLFDS];
        unsigned n = cli_conn_pollfds(c, fds, CLI_CONN_POLLFDS);
        assert_true(n > 0);
        (void)poll(fds, n, 1000);
        cli_conn_service(c, t);
    }
}

/* A connection at time t0 to a listening socket on loopback (*ls) that plays the server,
 * its bad input logged into *logged. */
static CliConn *open_conn(int *ls, Logged *logged, uint64_t t0)
{
    *ls = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(*ls >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(*ls, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(*ls, 1), 0);
    socklen_t al = sizeof a;
    assert_int_equal(getsockname(*ls, (struct sockaddr *)&a, &al), 0);
    CliConnConfig cfg;
    cli_conn_default_config(&cfg);
    cfg.login_port = ntohs(a.sin_port);
    cfg.on_bad_input = on_bad;
    cfg.user = logged;
    char err[256];
    CliConn *c = cli_conn_create(&cfg, t0, err, sizeof err);
    assert_non_null(c);
    return c;
}

static void test_flood_of_bad_lines_is_counted_and_logged_rarely(void **state)
{
    (void)state;
    Logged logged = {0};
    int ls;
    const uint64_t t0 = 10000000u; /* the connection's clock, microseconds */
    CliConn *c = open_conn(&ls, &logged, t0);
    int peer = accept(ls, NULL, NULL);
    assert_true(peer >= 0);

    /* 200 lines holding a control character, then 200 more a second later. */
    char flood[BAD_LINES * 8];
    size_t n = 0;
    for (unsigned i = 0; i < BAD_LINES; i++)
        n += (size_t)snprintf(flood + n, sizeof flood - n, "NO\001TE\n");
    assert_int_equal(send(peer, flood, n, 0), (ssize_t)n);
    service_until(c, t0 + 1000, BAD_LINES);
    assert_int_equal(cli_conn_stats(c)->bad_lines, BAD_LINES);
    assert_int_equal(logged.calls, CLI_RATELOG_PER_S);

    assert_int_equal(send(peer, flood, n, 0), (ssize_t)n);
    service_until(c, t0 + 1000 + CLI_RATELOG_WINDOW_US, 2 * BAD_LINES);
    assert_int_equal(cli_conn_stats(c)->bad_lines, 2 * BAD_LINES);
    assert_int_equal(logged.calls, 2 * CLI_RATELOG_PER_S);
    /* The first line of the new second says how many were held back before it. */
    char want[64];
    snprintf(want, sizeof want, "(and %d more not logged)", BAD_LINES - CLI_RATELOG_PER_S);
    assert_non_null(strstr(logged.said[0], "malformed TCP line"));
    if (strstr(logged.said[CLI_RATELOG_PER_S], want) == NULL)
        fail_msg("'%s' does not say '%s'", logged.said[CLI_RATELOG_PER_S], want);
    /* Garbage is dropped, not fatal. */
    assert_int_equal(cli_conn_state(c), CLI_LOGGING_IN);

    cli_conn_destroy(c);
    close(peer);
    close(ls);
}

/* A hostile server's EVENTS: a good one is applied event by event; one with a bad item is
 * dropped whole (counted, the events before the bad item not applied), a flood of them is
 * logged at the rate limit, and none of it is fatal. */
static void test_hostile_events(void **state)
{
    (void)state;
    Logged logged = {0};
    int ls;
    const uint64_t t0 = 10000000u;
    CliConn *c = open_conn(&ls, &logged, t0);

    MsgEvent eve = {.kind = MSG_EV_PLAYER, .a = 5, .colour = 3};
    strcpy(eve.name, "eve");
    MsgEvent mal = {.kind = MSG_EV_PLAYER, .a = 6, .colour = 4};
    strcpy(mal.name, "mal");
    MsgEvent left = {.kind = MSG_EV_LEFT, .a = 7};
    uint8_t msg[MSG_EVENTS_MAX_BYTES];
    size_t len = 0;
    assert_true(msg_events_append(msg, &len, sizeof msg, &eve));
    assert_true(msg_events_append(msg, &len, sizeof msg, &left));
    cli_msg_receive(c, msg, len, t0 + 1);
    assert_int_equal(cli_conn_stats(c)->events, 2);
    assert_string_equal(cli_conn_player_name(c, 5), "eve");

    len = 0;
    assert_true(msg_events_append(msg, &len, sizeof msg, &mal));
    assert_true(msg_events_append(msg, &len, sizeof msg, &left));
    msg[len - 5] = MSG_EVENT_MAX_BYTES + 1; /* the second item's length byte (LEFT is 4 bytes) */
    uint64_t bad0 = cli_conn_stats(c)->bad_messages;
    for (unsigned i = 0; i < BAD_LINES; i++)
        cli_msg_receive(c, msg, len, t0 + 2);
    assert_int_equal(cli_conn_stats(c)->bad_messages - bad0, BAD_LINES);
    assert_int_equal(cli_conn_stats(c)->events, 2);
    assert_string_equal(cli_conn_player_name(c, 6), ""); /* the good first item: not applied */
    assert_int_equal(logged.calls, CLI_RATELOG_PER_S);
    assert_non_null(strstr(logged.said[0], "malformed EVENTS"));
    assert_int_not_equal(cli_conn_state(c), CLI_FAILED);
    cli_conn_destroy(c);
    close(ls);
}

static int setup(void **state)
{
    (void)state;
    return enet_initialize();
}

static int teardown(void **state)
{
    (void)state;
    enet_deinitialize();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flood_of_bad_lines_is_counted_and_logged_rarely),
        cmocka_unit_test(test_hostile_events),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
