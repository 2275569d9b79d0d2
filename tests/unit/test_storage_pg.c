/* test_storage_pg.c — what only the PostgreSQL back-end (storage_pg.c) does, against a real
 * server that tests/pg/with_postgres.sh starts (ARENA_TEST_DATABASE, ARENA_PG_STOP,
 * ARENA_PG_START); without it the test is skipped (exit 77). test_storage.c checks the
 * semantics both back-ends share.
 *
 * What a user would notice: a fleet whose servers do not hear of each other's bans and finds;
 * two servers that start at once and fail their migration, or record one legend twice; an old
 * server that writes into a newer schema; a server that never comes back after the database
 * restarted, or hangs while it is down; a password in the logs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "storage_impl.h"

enum { ERR_LEN = 512, NAME_LEN = 600 };

#define OPS (&storage_pg_ops)

static const char *uri(void)
{
    return getenv("ARENA_TEST_DATABASE");
}

static void sql(PGconn *c, const char *q)
{
    PGresult *r = PQexec(c, q);
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        fail_msg("%s: %s", q, PQresultErrorMessage(r));
    PQclear(r);
}

/* The test's own connection, for what the back-end must not be trusted to do itself. */
static PGconn *admin(void)
{
    PGconn *c = PQconnectdb(uri());
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    sql(c, "SET client_min_messages = warning");
    sql(c, "SET statement_timeout = '20s'"); /* a test that fails must not hang the next one */
    return c;
}

/* The one value q selects, as an integer. */
static long long sql_int(PGconn *c, const char *q)
{
    PGresult *r = PQexec(c, q);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    assert_int_equal(PQntuples(r), 1);
    long long v = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

/* Every test starts from an empty database. */
static int empty_database(void **state)
{
    (void)state;
    PGconn *c = admin();
    sql(c, "DROP TABLE IF EXISTS hall_of_fame, bans, schema_version");
    PQfinish(c);
    return 0;
}

static void *open_ok(void)
{
    char name[NAME_LEN], err[ERR_LEN];
    void *st = storage_pg_open(uri(), name, sizeof name, err, sizeof err);
    if (st == NULL || !OPS->connected(st))
        fail_msg("open %s: %s", uri(), err);
    return st;
}

static bool readable(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return fd >= 0 && poll(&p, 1, ms) == 1;
}

/* Waits up to 2 s for the notifications another handle's change sends. */
static unsigned changes_within_2s(void *st)
{
    unsigned got = 0;
    for (int i = 0; i < 20 && got == 0; i++)
        if (readable(OPS->socket(st), 100))
            got = OPS->take_changes(st);
    return got;
}

static Ban ip_ban(const char *addr, const char *reason)
{
    Ban b;
    memset(&b, 0, sizeof b);
    b.kind = BAN_IP;
    snprintf(b.target, sizeof b.target, "%s", addr);
    snprintf(b.label, sizeof b.label, "%s", addr);
    snprintf(b.reason, sizeof b.reason, "%s", reason);
    return b;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- the URI, and a server that does not answer ------------------------------------------- */

static void test_unreachable_gives_a_handle_and_hides_the_password(void **state)
{
    (void)state;
    char err[ERR_LEN], name[NAME_LEN];
    const char *u = "postgresql://arena:s3cret@/postgres?host=/nonexistent-arena-dir"
                    "&password=t0psecret&connect_timeout=1";
    assert_true(storage_pg_check_uri(u, err, sizeof err));
    double t0 = now_s();
    void *st = storage_pg_open(u, name, sizeof name, err, sizeof err);
    assert_non_null(st);
    assert_true(now_s() - t0 < 2.5);
    assert_false(OPS->connected(st));
    assert_int_equal(OPS->socket(st), -1);
    assert_non_null(strstr(err, "nonexistent-arena-dir"));
    assert_null(strchr(err, '\n'));
    assert_null(strstr(name, "s3cret"));
    assert_null(strstr(name, "t0psecret"));
    assert_string_equal(name, "postgresql://arena:***@/postgres?host=/nonexistent-arena-dir"
                              "&password=***&connect_timeout=1");
    Ban bans[2];
    unsigned n = 9;
    err[0] = '\0';
    assert_int_equal(OPS->bans_load(st, 0, bans, 2, &n, err, sizeof err), STORAGE_LOST);
    assert_true(err[0] != '\0');
    assert_int_equal(OPS->reconnect(st, err, sizeof err), STORAGE_LOST);
    OPS->close(st);

    /* A spelling of the password the masking does not know still never shows. */
    u = "postgresql://arena@/postgres?host=/nonexistent-arena-dir&pass%77ord=t0psecret"
        "&connect_timeout=1";
    st = storage_pg_open(u, name, sizeof name, err, sizeof err);
    assert_non_null(st);
    assert_null(strstr(name, "t0psecret"));
    assert_string_equal(name, "postgresql://arena@/postgres?host=/nonexistent-arena-dir");
    OPS->close(st);

    assert_false(storage_pg_check_uri("postgresql://h/db?no_such_option=1", err, sizeof err));
    assert_non_null(strstr(err, "no_such_option"));
    assert_null(
        storage_pg_open("postgresql://h/db?no_such_option=1", name, sizeof name, err, sizeof err));
}

/* A loopback TCP port that takes connections (the kernel's backlog) but never answers: a
 * database host that hangs. The caller closes the descriptor. */
static int silent_listener(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 8), 0);
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

static void test_a_hanging_server_costs_the_connect_timeout(void **state)
{
    (void)state;
    int port = 0, fd = silent_listener(&port);
    char u[128], name[NAME_LEN], err[ERR_LEN];
    /* The default 3 s; the URI's own 2 s (libpq's least). */
    const double limits[2][2] = {{2.8, 4.5}, {1.5, 2.7}};
    for (int i = 0; i < 2; i++) {
        snprintf(u, sizeof u, "postgresql://arena@127.0.0.1:%d/postgres%s", port,
                 i == 0 ? "" : "?connect_timeout=2");
        double t0 = now_s();
        void *st = storage_pg_open(u, name, sizeof name, err, sizeof err);
        double took = now_s() - t0;
        assert_non_null(st);
        assert_false(OPS->connected(st));
        assert_true(took > limits[i][0]);
        assert_true(took < limits[i][1]);
        OPS->close(st);
    }
    close(fd);
}

static void test_a_statement_waits_at_most_the_statement_timeout(void **state)
{
    (void)state;
    void *st = open_ok();
    PGconn *c = admin();
    sql(c, "BEGIN");
    sql(c, "LOCK TABLE hall_of_fame IN ACCESS EXCLUSIVE MODE");
    int rank = 0;
    bool fresh = false;
    char err[ERR_LEN];
    double t0 = now_s();
    StorageResult r =
        OPS->fame_record(st, "Fay", "fay", "fay", "arena", NULL, &rank, &fresh, err, sizeof err);
    double took = now_s() - t0;
    sql(c, "ROLLBACK");
    PQfinish(c);
    /* A timeout is "not now", not "never": the store tries the same call again later. */
    assert_int_equal(r, STORAGE_LOST);
    assert_true(took > 4.5);
    assert_true(took < 7.0);
    assert_non_null(strstr(err, "statement timeout"));
    /* Rolled back and still usable. */
    assert_true(OPS->connected(st));
    assert_int_equal(
        OPS->fame_record(st, "Fay", "fay", "fay", "arena", NULL, &rank, &fresh, err, sizeof err),
        STORAGE_OK);
    assert_true(fresh);
    assert_int_equal(rank, 1);
    OPS->close(st);
}

/* ---- migrations ------------------------------------------------------------------------- */

static void test_migrates_a_new_database_once(void **state)
{
    (void)state;
    void *a = open_ok();
    assert_int_equal(OPS->schema_version(a), STORAGE_SCHEMA_VERSION);
    void *b = open_ok(); /* an up-to-date database: nothing to do, no error */
    assert_int_equal(OPS->schema_version(b), STORAGE_SCHEMA_VERSION);
    PGconn *c = admin();
    assert_int_equal(sql_int(c, "SELECT count(*) FROM schema_version"), 1);
    assert_int_equal(sql_int(c, "SELECT version FROM schema_version"), STORAGE_SCHEMA_VERSION);
    assert_int_equal(sql_int(c, "SELECT count(*) FROM pg_indexes WHERE tablename = "
                                "'hall_of_fame' AND indexdef LIKE '%name_key2%'"),
                     1);
    assert_int_equal(sql_int(c, "SELECT count(*) FROM pg_stat_activity WHERE application_name "
                                "= 'arena-server'"),
                     2);
    PQfinish(c);
    OPS->close(a);
    OPS->close(b);
}

static void test_refuses_a_newer_schema(void **state)
{
    (void)state;
    void *st = open_ok();
    PGconn *c = admin();
    sql(c, "UPDATE schema_version SET version = version + 1");
    char name[NAME_LEN], err[ERR_LEN];
    char want[128];
    snprintf(want, sizeof want, "the database's schema is version %d, newer than this server's %d",
             STORAGE_SCHEMA_VERSION + 1, STORAGE_SCHEMA_VERSION);
    assert_null(storage_pg_open(uri(), name, sizeof name, err, sizeof err));
    assert_non_null(strstr(err, want));

    /* A server already running whose connection drops: it does not come back into it. */
    sql(c, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
           "'arena-server'");
    Ban bans[1];
    unsigned n = 0;
    assert_int_equal(OPS->bans_load(st, 0, bans, 1, &n, err, sizeof err), STORAGE_LOST);
    assert_false(OPS->connected(st));
    assert_int_equal(OPS->reconnect(st, err, sizeof err), STORAGE_FAILED);
    assert_non_null(strstr(err, want));
    assert_false(OPS->connected(st));
    assert_int_equal(sql_int(c, "SELECT version FROM schema_version"), STORAGE_SCHEMA_VERSION + 1);

    sql(c, "UPDATE schema_version SET version = version - 1");
    assert_int_equal(OPS->reconnect(st, err, sizeof err), STORAGE_OK);
    assert_int_equal(OPS->bans_load(st, 0, bans, 1, &n, err, sizeof err), STORAGE_OK);
    PQfinish(c);
    OPS->close(st);
}

enum { RACERS = 8 };

/* Blocks until the parent closes the pipe's write end: every racer goes at once. */
static void wait_for_go(int go)
{
    char c;
    (void)!read(go, &c, 1);
}

/* Forks RACERS children that run job (which calls wait_for_go(go) when ready); returns the
 * sum of their exit codes, each of which must be below 100. */
static int race(int (*job)(int go))
{
    int go[2];
    assert_int_equal(pipe(go), 0);
    pid_t pid[RACERS];
    for (int i = 0; i < RACERS; i++) {
        pid[i] = fork();
        assert_true(pid[i] >= 0);
        if (pid[i] == 0) {
            close(go[1]);
            _exit(job(go[0]));
        }
    }
    close(go[0]);
    nanosleep(&(struct timespec){.tv_nsec = 300 * 1000 * 1000}, NULL); /* all of them ready */
    close(go[1]);
    int sum = 0;
    for (int i = 0; i < RACERS; i++) {
        int status = 0;
        assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
        assert_true(WIFEXITED(status));
        assert_true(WEXITSTATUS(status) < 100);
        sum += WEXITSTATUS(status);
    }
    return sum;
}

static int open_and_check(int go)
{
    char name[NAME_LEN], err[ERR_LEN];
    wait_for_go(go);
    void *st = storage_pg_open(uri(), name, sizeof name, err, sizeof err);
    if (st == NULL || !OPS->connected(st) || OPS->schema_version(st) != STORAGE_SCHEMA_VERSION) {
        fprintf(stderr, "racer: %s\n", err);
        return 1;
    }
    OPS->close(st);
    return 0;
}

static void test_servers_starting_at_once_migrate_once(void **state)
{
    for (int round = 0; round < 5; round++) {
        empty_database(state);
        assert_int_equal(race(open_and_check), 0);
        PGconn *c = admin();
        assert_int_equal(sql_int(c, "SELECT count(*) FROM schema_version"), 1);
        PQfinish(c);
    }
}

/* ---- the fleet: one legend recorded once, changes heard ---------------------------------- */

static int record_dora(int go)
{
    char name[NAME_LEN], err[ERR_LEN];
    void *st = storage_pg_open(uri(), name, sizeof name, err, sizeof err);
    int rank = 0;
    bool fresh = false;
    wait_for_go(go);
    if (st == NULL || OPS->fame_record(st, "Dora", "dora", "d0ra", "arena", NULL, &rank, &fresh,
                                       err, sizeof err) != STORAGE_OK) {
        fprintf(stderr, "racer: %s\n", err);
        return 100;
    }
    OPS->close(st);
    return rank == 1 ? (fresh ? 10 : 0) : 101;
}

static void test_one_find_recorded_by_many_servers_is_one_row(void **state)
{
    (void)state;
    OPS->close(open_ok());
    for (int round = 0; round < 5; round++) {
        PGconn *c = admin();
        sql(c, "TRUNCATE hall_of_fame RESTART IDENTITY");
        PQfinish(c);
        assert_int_equal(race(record_dora), 10); /* every racer got rank 1, one of them fresh */
        c = admin();
        assert_int_equal(sql_int(c, "SELECT count(*) FROM hall_of_fame"), 1);
        PQfinish(c);
    }
}

static void test_changes_are_heard_by_the_other_servers(void **state)
{
    (void)state;
    void *a = open_ok();
    char err[ERR_LEN], name[NAME_LEN], u[512];
    snprintf(u, sizeof u, "%s&application_name=arena-b", uri());
    void *b = storage_pg_open(u, name, sizeof name, err, sizeof err);
    assert_non_null(b);
    assert_true(OPS->connected(b));
    assert_int_equal(OPS->take_changes(a), 0);
    assert_int_equal(OPS->take_changes(b), 0);

    Ban ban = ip_ban("10.1.2.3", "spam");
    assert_int_equal(OPS->ban_put(a, &ban, err, sizeof err), STORAGE_OK);
    assert_int_equal(changes_within_2s(b), STORAGE_CHANGED_BANS);
    assert_false(readable(OPS->socket(a), 200)); /* its own change is not news to a */
    assert_int_equal(OPS->take_changes(a), 0);

    int rank = 0, removed = 0;
    bool fresh = false, set = false;
    assert_int_equal(
        OPS->fame_record(a, "Eve", "eve", "eve", "arena", NULL, &rank, &fresh, err, sizeof err),
        STORAGE_OK);
    assert_true(fresh);
    assert_int_equal(changes_within_2s(b), STORAGE_CHANGED_FAME);
    /* Nothing written, nothing sent. */
    assert_int_equal(
        OPS->fame_record(a, "EVE", "eve", "eve", "arena", NULL, &rank, &fresh, err, sizeof err),
        STORAGE_OK);
    assert_false(fresh);
    assert_int_equal(OPS->ban_delete(a, BAN_IP, "10.9.9.9", "10.9.9.9", &removed, err, sizeof err),
                     STORAGE_OK);
    assert_int_equal(removed, 0);
    assert_false(readable(OPS->socket(b), 300));

    const char *hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    assert_int_equal(OPS->fame_set_claim(a, rank, hash, &set, err, sizeof err), STORAGE_OK);
    assert_true(set);
    assert_int_equal(OPS->fame_set_claim(a, rank, hash, &set, err, sizeof err), STORAGE_OK);
    assert_false(set);
    assert_int_equal(changes_within_2s(b), STORAGE_CHANGED_FAME);

    /* Heard while b was busy with a query of its own: kept for take_changes, not lost. */
    assert_int_equal(OPS->ban_delete(a, BAN_IP, "10.1.2.3", "10.1.2.3", &removed, err, sizeof err),
                     STORAGE_OK);
    assert_int_equal(removed, 1);
    nanosleep(&(struct timespec){.tv_nsec = 200 * 1000 * 1000}, NULL);
    Ban got[4];
    unsigned n = 0;
    assert_int_equal(OPS->bans_load(b, 0, got, 4, &n, err, sizeof err), STORAGE_OK);
    assert_int_equal(n, 0);
    assert_int_equal(OPS->take_changes(b), STORAGE_CHANGED_BANS);
    assert_int_equal(OPS->take_changes(b), 0);
    /* ...even when the connection it came on is gone by then. */
    Ban again = ip_ban("10.1.2.4", "spam");
    assert_int_equal(OPS->ban_put(a, &again, err, sizeof err), STORAGE_OK);
    nanosleep(&(struct timespec){.tv_nsec = 200 * 1000 * 1000}, NULL);
    assert_int_equal(OPS->bans_load(b, 0, got, 4, &n, err, sizeof err), STORAGE_OK);
    assert_int_equal(n, 1);
    PGconn *k = admin();
    sql(k, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
           "'arena-b'");
    PQfinish(k);
    assert_int_equal(OPS->bans_load(b, 0, got, 4, &n, err, sizeof err), STORAGE_LOST);
    assert_int_equal(OPS->reconnect(b, err, sizeof err), STORAGE_OK);
    assert_int_equal(OPS->take_changes(b), STORAGE_CHANGED_BANS);

    /* A payload this server does not know (a newer one's): reload everything. */
    PGconn *c = admin();
    sql(c, "NOTIFY arena_changed, 'maps'");
    PQfinish(c);
    assert_int_equal(changes_within_2s(b), STORAGE_CHANGED_BANS | STORAGE_CHANGED_FAME);
    OPS->close(a);
    OPS->close(b);
}

/* ---- the database goes away and comes back ---------------------------------------------- */

static void test_lost_then_reconnected_after_a_restart(void **state)
{
    (void)state;
    void *idle = open_ok(), *busy = open_ok();
    char err[ERR_LEN];
    int fd = OPS->socket(idle);
    assert_true(fd >= 0);
    assert_int_equal(system(getenv("ARENA_PG_STOP")), 0);

    /* The idle handle hears the close on its socket (after the server's last words). */
    assert_true(readable(fd, 2000));
    assert_int_equal(changes_within_2s(idle), STORAGE_CHANGED_BANS | STORAGE_CHANGED_FAME);
    assert_false(OPS->connected(idle));
    assert_int_equal(OPS->socket(idle), -1);

    /* The busy one finds out from its next call, and trying again while it is down is quick. */
    Ban got[4];
    unsigned n = 0;
    assert_int_equal(OPS->bans_load(busy, 0, got, 4, &n, err, sizeof err), STORAGE_LOST);
    assert_false(OPS->connected(busy));
    assert_int_equal(OPS->socket(busy), -1);
    double t0 = now_s();
    assert_int_equal(OPS->reconnect(busy, err, sizeof err), STORAGE_LOST);
    assert_true(now_s() - t0 < 4.0);
    assert_true(err[0] != '\0');

    assert_int_equal(system(getenv("ARENA_PG_START")), 0);
    assert_int_equal(OPS->reconnect(busy, err, sizeof err), STORAGE_OK);
    assert_int_equal(OPS->reconnect(idle, err, sizeof err), STORAGE_OK);
    assert_true(OPS->connected(idle));
    assert_true(OPS->socket(idle) >= 0);
    assert_int_equal(OPS->bans_load(busy, 0, got, 4, &n, err, sizeof err), STORAGE_OK);

    /* Both LISTEN again. */
    Ban ban = ip_ban("10.4.4.4", "back");
    assert_int_equal(OPS->ban_put(busy, &ban, err, sizeof err), STORAGE_OK);
    assert_int_equal(changes_within_2s(idle), STORAGE_CHANGED_BANS);
    OPS->close(idle);
    OPS->close(busy);
}

/* ---- rows someone else wrote ------------------------------------------------------------- */

static void test_rows_that_do_not_decode_are_skipped(void **state)
{
    (void)state;
    void *st = open_ok();
    PGconn *c = admin();
    sql(c, "INSERT INTO hall_of_fame (name, name_key, name_key2, found_at, map, claim_hash) "
           "VALUES ('Ann', 'ann', 'ann', '2026-01-01 00:00:00', 'arena', NULL), "
           "('Bad', 'bad', 'bad', '2026-01-01 00:00:00', 'arena', 'NOT-A-HASH'), "
           "('Cy', 'cy', 'cy', '2026-01-01 00:00:00', 'arena', NULL)");
    sql(c, "INSERT INTO bans (kind, target, target2, label, until, reason) VALUES "
           "(0, '10.0.0.1', '', '10.0.0.1', 0, 'ok'), (7, 'x', '', 'x', 0, 'unknown kind'), "
           "(0, 'not-an-address', '', 'x', 0, 'bad'), (1, 'key', 'alt', 'Name', 0, 'ok')");
    PQfinish(c);
    FameRow rows[8];
    int n = 0, total = 0;
    char err[ERR_LEN];
    assert_int_equal(OPS->fame_load(st, 0, rows, 8, &n, &total, err, sizeof err), STORAGE_OK);
    assert_int_equal(total, 3);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].name, "Ann");
    assert_string_equal(rows[1].name, "Cy");
    Ban bans[8];
    unsigned nb = 0;
    assert_int_equal(OPS->bans_load(st, 0, bans, 8, &nb, err, sizeof err), STORAGE_OK);
    assert_int_equal(nb, 2);
    assert_string_equal(bans[0].target, "10.0.0.1");
    assert_int_equal(bans[1].kind, BAN_NAME);
    assert_string_equal(bans[1].target2, "alt");

    /* A failed statement is STORAGE_FAILED with the server's reason, and the handle stays. */
    int rank = 0;
    bool fresh = false;
    assert_int_equal(OPS->fame_record(st, "Dee", "dee", "dee", "arena", "ZZ-NOT-HEX", &rank, &fresh,
                                      err, sizeof err),
                     STORAGE_OK); /* the back-end stores what it is given... */
    assert_int_equal(OPS->fame_record(st, "Dee\xff", "dee2", "dee2", "arena", NULL, &rank, &fresh,
                                      err, sizeof err),
                     STORAGE_FAILED); /* ...but not bytes that are not UTF-8 */
    assert_non_null(strstr(err, "UTF8"));
    assert_null(strchr(err, '\n'));
    assert_true(OPS->connected(st));
    assert_int_equal(OPS->fame_load(st, 0, rows, 8, &n, &total, err, sizeof err), STORAGE_OK);
    assert_int_equal(total, 4);
    OPS->close(st);
}

int main(void)
{
    if (uri() == NULL || getenv("ARENA_PG_STOP") == NULL || getenv("ARENA_PG_START") == NULL) {
        fprintf(stderr, "test_storage_pg: run it under tests/pg/with_postgres.sh; skipped\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unreachable_gives_a_handle_and_hides_the_password),
        cmocka_unit_test(test_a_hanging_server_costs_the_connect_timeout),
        cmocka_unit_test_setup(test_a_statement_waits_at_most_the_statement_timeout,
                               empty_database),
        cmocka_unit_test_setup(test_migrates_a_new_database_once, empty_database),
        cmocka_unit_test_setup(test_refuses_a_newer_schema, empty_database),
        cmocka_unit_test_setup(test_servers_starting_at_once_migrate_once, empty_database),
        cmocka_unit_test_setup(test_one_find_recorded_by_many_servers_is_one_row, empty_database),
        cmocka_unit_test_setup(test_changes_are_heard_by_the_other_servers, empty_database),
        cmocka_unit_test_setup(test_lost_then_reconnected_after_a_restart, empty_database),
        cmocka_unit_test_setup(test_rows_that_do_not_decode_are_skipped, empty_database),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
