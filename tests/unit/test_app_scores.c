/* test_app_scores.c — the scoreboard: WHO answers from the server (hostile text) merged with
 * what the snapshots say. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "scores.h"

static void test_parse_player(void **state)
{
    (void)state;
    AppWhoEntry e;
    assert_true(app_scores_parse_player("3 bob 12 45 playing", &e));
    assert_int_equal(e.id, 3);
    assert_string_equal(e.name, "bob");
    assert_int_equal(e.score, 12);
    assert_int_equal(e.ping_ms, 45);
    assert_true(e.playing);
    assert_true(app_scores_parse_player("0 ann 0 - chatting", &e));
    assert_int_equal(e.ping_ms, -1);
    assert_false(e.playing);
    assert_true(app_scores_parse_player("1023 José 65535 0 playing", &e));
    const char *bad[] = {
        "03 bob 1 2 playing",              /* leading zero */
        "1024 bob 1 2 playing",            /* id out of range */
        "3 0123456789abcdefg 1 2 playing", /* name too long */
        "3 b/b 1 2 playing",               /* not a name */
        "3 bob 65536 2 playing",           /* score out of range */
        "3 bob 1 2",                       /* missing state */
        "3 bob 1 2 playing extra",         /* trailing words */
        "3 bob 1 2 dancing",               /* unknown state */
        "3  bob 1 2 playing",              /* double space */
        "3 bob -1 2 playing",              /* negative score */
        "3 bob 1 -5 playing",              /* a ping of "-5" */
        "",
        "x bob 1 2 playing",
        "3 bob 1 99999999999 playing", /* absurd ping */
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(app_scores_parse_player(bad[i], &e));
        assert_int_equal(e.name[0], '\0'); /* nothing half-filled */
    }
}

static void test_who_answers(void **state)
{
    (void)state;
    AppScores s;
    app_scores_init(&s);
    assert_false(app_scores_line(&s, "PLAYER 1 bob 2 3 playing", 10)); /* no WHO first */
    assert_true(app_scores_line(&s, "WHO 2", 100));
    assert_true(app_scores_line(&s, "PLAYER 1 bob 2 3 playing", 101));
    assert_int_equal(s.who_count, 0); /* not complete yet */
    assert_true(app_scores_line(&s, "PLAYER 4 ann 7 - chatting", 102));
    assert_int_equal(s.who_count, 2);
    assert_int_equal(s.who_time_us, 102);
    /* A broken answer is not used: the previous one stays. */
    assert_true(app_scores_line(&s, "WHO 2", 200));
    assert_false(app_scores_line(&s, "PLAYER 1 bob two 3 playing", 201));
    assert_false(app_scores_line(&s, "PLAYER 4 ann 7 - chatting", 202));
    assert_int_equal(s.who_count, 2);
    assert_int_equal(s.who_time_us, 102);
    /* Other lines are not WHO answers. */
    assert_false(app_scores_line(&s, "CHAT bob hi", 300));
    assert_false(app_scores_line(&s, "WHO x", 300));
    /* WHO 0: nobody. */
    assert_true(app_scores_line(&s, "WHO 0", 400));
    assert_int_equal(s.who_count, 0);
}

static const char *names(void *user, unsigned id)
{
    (void)user;
    switch (id) {
    case 0:
        return "me";
    case 1:
        return "bob";
    case 2:
        return "cyd";
    default:
        return "";
    }
}

static void test_rows(void **state)
{
    (void)state;
    AppScores s;
    app_scores_init(&s);
    app_scores_line(&s, "WHO 4", 1);
    app_scores_line(&s, "PLAYER 0 me 5 9 playing", 1);
    app_scores_line(&s, "PLAYER 1 bob 3 40 playing", 1);
    app_scores_line(&s, "PLAYER 7 dan 0 - chatting", 1);
    app_scores_line(&s, "PLAYER 9 eve 1 12 playing", 1);
    AppScoreInput in[] = {{1, 8, true}, {2, 8, false}, {3, 1, true}};
    AppScoreRow rows[16];
    unsigned n = app_scores_rows(&s, in, 3, 0, 5, true, 4, names, NULL, rows, 16);
    /* me, bob, cyd, #3 from the snapshot; eve (playing, not in our snapshot) and dan (chatting)
     * from WHO. */
    assert_int_equal(n, 6);
    assert_string_equal(rows[0].name, "bob"); /* 8 points, ties by name */
    assert_int_equal(rows[0].ping_ms, 40);    /* ping from WHO */
    assert_string_equal(rows[1].name, "cyd");
    assert_false(rows[1].alive);
    assert_int_equal(rows[1].ping_ms, -1); /* unknown */
    assert_string_equal(rows[2].name, "me");
    assert_true(rows[2].self);
    assert_int_equal(rows[2].score, 5);   /* from the snapshot's self block, not WHO */
    assert_int_equal(rows[2].ping_ms, 4); /* our own RTT */
    assert_string_equal(rows[3].name, "#3");
    assert_string_equal(rows[4].name, "eve");
    assert_true(rows[4].playing);
    assert_string_equal(rows[5].name, "dan"); /* chatting: last */
    assert_false(rows[5].playing);
    /* The output bound is respected. */
    assert_int_equal(app_scores_rows(&s, in, 3, 0, 5, true, 4, names, NULL, rows, 2), 2);
    /* Ids out of range in the input are ignored. */
    AppScoreInput odd[] = {{1500, 1, true}};
    assert_int_equal(app_scores_rows(&s, odd, 1, -1, 0, false, 0, NULL, NULL, rows, 16), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_player),
        cmocka_unit_test(test_who_answers),
        cmocka_unit_test(test_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
