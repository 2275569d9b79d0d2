/* test_app_sfx.c — which sound each thing the client sees makes: others' shots once each,
 * our own shot and respawn, chat pings from others only, hits / kills / deaths by who was
 * involved, the fanfare and the match cues. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "sfx.h"
#include "snapshot.h"

static CliEntityView shot(uint16_t id, uint8_t owner, float x, float y)
{
    return (CliEntityView){.id = id, .type = SNAP_ENT_SHOT, .owner = owner, .x = x, .y = y};
}

static void test_shots_of_others_once(void **state)
{
    (void)state;
    AppSfx s;
    AppSfxOut o;
    app_sfx_init(&s, 0);
    app_sfx_out_clear(&o);
    CliEntityView v[3] = {shot(PROTO_SHOT_ID_BASE + 1, 2, 10, 20),
                          {.id = 2, .type = SNAP_ENT_PLAYER, .x = 1, .y = 1}};
    app_sfx_shots(&s, v, 2, 0, &o);
    assert_int_equal(o.n, 0); /* the first frame only learns what is there */
    v[2] = shot(PROTO_SHOT_ID_BASE + 5, 3, 300, 400);
    app_sfx_shots(&s, v, 3, 0, &o);
    assert_int_equal(o.n, 1);
    assert_int_equal(o.c[0].cue, APP_CUE_SHOT_OTHER);
    assert_false(o.c[0].ui);
    assert_true(o.c[0].x == 300 && o.c[0].y == 400);
    app_sfx_shots(&s, v, 3, 0, &o); /* still flying: no new sound */
    assert_int_equal(o.n, 1);
    v[0] = shot(PROTO_SHOT_ID_BASE + 9, 0, 5, 5); /* our own: heard from the prediction */
    app_sfx_shots(&s, v, 3, 0, &o);
    assert_int_equal(o.n, 1);
    /* A shot id that disappears and comes back is a new shot. */
    app_sfx_shots(&s, v + 1, 1, 0, &o);
    app_sfx_shots(&s, v, 3, 0, &o);
    assert_int_equal(o.n, 2);
}

static void test_self_shot_and_respawn(void **state)
{
    (void)state;
    AppSfx s;
    AppSfxOut o;
    app_sfx_init(&s, 0);
    app_sfx_out_clear(&o);
    app_sfx_self(&s, true, false, 3, 10, 0, 0, &o);
    assert_int_equal(o.n, 0); /* alive at the start is no respawn, a cooldown no shot */
    app_sfx_self(&s, true, false, 0, 13, 0, 0, &o);
    app_sfx_self(&s, true, true, 15, 14, 1, 2, &o);
    app_sfx_self(&s, true, true, 15, 14, 1, 2, &o); /* the same tick again: once */
    app_sfx_self(&s, true, false, 14, 15, 1, 2, &o);
    assert_int_equal(o.n, 1);
    assert_int_equal(o.c[0].cue, APP_CUE_SHOT);
    /* A frame that ran several ticks: the fired tick was not seen, the cooldown went up. */
    app_sfx_self(&s, true, false, 0, 29, 1, 2, &o);
    app_sfx_self(&s, true, false, 13, 32, 1, 2, &o);
    assert_int_equal(o.n, 2);
    assert_int_equal(o.c[1].cue, APP_CUE_SHOT);
    app_sfx_self(&s, false, false, 12, 33, 0, 0, &o);
    app_sfx_self(&s, false, true, 15, 34, 0, 0, &o); /* dead: no shot */
    assert_int_equal(o.n, 2);
    app_sfx_self(&s, true, false, 0, 80, 7, 8, &o);
    assert_int_equal(o.n, 3);
    assert_int_equal(o.c[2].cue, APP_CUE_RESPAWN);
    assert_true(o.c[2].x == 7 && o.c[2].y == 8);
}

static void test_chat_pings(void **state)
{
    (void)state;
    CliChat chat;
    cli_chat_init(&chat);
    assert_non_null(cli_chat_add_line(&chat, "CHAT ann old line", 1));
    AppSfx s;
    AppSfxOut o;
    app_sfx_init(&s, chat.total);
    app_sfx_out_clear(&o);
    app_sfx_chat(&s, &chat, "me", &o);
    assert_int_equal(o.n, 0); /* lines from before make no sound */
    assert_non_null(cli_chat_add_line(&chat, "CHAT me my own", 2));
    app_sfx_chat(&s, &chat, "me", &o);
    assert_int_equal(o.n, 0);
    assert_non_null(cli_chat_add_line(&chat, "CHAT ann hello", 3));
    assert_non_null(cli_chat_add_line(&chat, "ACTION bob waves", 3));
    app_sfx_chat(&s, &chat, "me", &o);
    assert_int_equal(o.n, 1); /* two lines in one frame: one ping */
    assert_int_equal(o.c[0].cue, APP_CUE_CHAT);
    assert_true(o.c[0].ui);
    assert_non_null(cli_chat_add_line(&chat, "WHISPER ann me psst", 4));
    assert_non_null(cli_chat_add_line(&chat, "JOIN 4 carl", 4));
    assert_non_null(cli_chat_add_line(&chat, "LEAVE 3 dora quit", 4));
    assert_non_null(cli_chat_add_line(&chat, "JOIN 1 me", 4));
    assert_non_null(cli_chat_add_line(&chat, "NOTICE the server says", 4));
    app_sfx_chat(&s, &chat, "me", &o);
    assert_int_equal(o.n, 4);
    assert_int_equal(o.c[1].cue, APP_CUE_WHISPER);
    assert_int_equal(o.c[2].cue, APP_CUE_JOIN);
    assert_int_equal(o.c[3].cue, APP_CUE_LEAVE);
    /* More lines than the history keeps: only the kept ones, no reading past it. */
    for (unsigned i = 0; i < 2 * CLI_CHAT_HISTORY; i++)
        assert_non_null(cli_chat_add_line(&chat, "CHAT ann spam", 5));
    app_sfx_out_clear(&o);
    app_sfx_chat(&s, &chat, "me", &o);
    assert_int_equal(o.n, 1);
}

static void test_hits_kills_and_ui(void **state)
{
    (void)state;
    AppSfxOut o;
    app_sfx_out_clear(&o);
    app_sfx_hit(1, 1, 2, 50, 60, &o); /* we hit (and, today, killed) player 2 */
    assert_int_equal(o.n, 2);
    assert_int_equal(o.c[0].cue, APP_CUE_HIT);
    assert_int_equal(o.c[1].cue, APP_CUE_KILL);
    assert_true(o.c[0].ui && o.c[1].ui);
    app_sfx_out_clear(&o);
    app_sfx_hit(1, 2, 1, 50, 60, &o); /* we were hit */
    assert_int_equal(o.n, 2);
    assert_int_equal(o.c[0].cue, APP_CUE_HURT);
    assert_int_equal(o.c[1].cue, APP_CUE_DEATH);
    app_sfx_out_clear(&o);
    app_sfx_hit(1, 2, 3, 50, 60, &o); /* others' fight: heard from where it was */
    assert_int_equal(o.n, 2);
    assert_false(o.c[0].ui);
    assert_true(o.c[1].x == 50 && o.c[1].y == 60);
    app_sfx_out_clear(&o);
    app_sfx_damage(1, 1, 2, 0, 0, &o);
    app_sfx_kill(1, 1, 2, 0, 0, &o);
    app_sfx_legend(&o);
    app_sfx_match(true, &o);
    app_sfx_match(false, &o);
    AppCue want[] = {APP_CUE_HIT, APP_CUE_KILL, APP_CUE_LEGEND, APP_CUE_MATCH_START,
                     APP_CUE_MATCH_END};
    assert_int_equal(o.n, 5);
    for (unsigned i = 0; i < 5; i++)
        assert_int_equal(o.c[i].cue, want[i]);
    for (unsigned i = 0; i < APP_SFX_OUT_MAX; i++)
        app_sfx_legend(&o);
    assert_int_equal(o.n, APP_SFX_OUT_MAX);
    assert_int_equal(o.dropped, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shots_of_others_once),
        cmocka_unit_test(test_self_shot_and_respawn),
        cmocka_unit_test(test_chat_pings),
        cmocka_unit_test(test_hits_kills_and_ui),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
