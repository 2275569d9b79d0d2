/* test_app_palette.c — players must be told apart from each other and from the map. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "palette.h"

static void test_player_colours_are_distinct(void **state)
{
    (void)state;
    for (unsigned i = 0; i < APP_PALETTE_SIZE; i++) {
        AppColor a = app_player_color(i);
        assert_int_equal(a.a, 255);
        for (unsigned j = i + 1; j < APP_PALETTE_SIZE; j++)
            assert_true(app_color_dist2(a, app_player_color(j)) >= 40u * 40u);
    }
}

static void test_players_stand_out_from_the_map(void **state)
{
    (void)state;
    const AppColorRole map_roles[] = {APP_COL_BACKGROUND, APP_COL_FLOOR,    APP_COL_GRID,
                                      APP_COL_SPAWN,      APP_COL_WALL,     APP_COL_WALL_EDGE,
                                      APP_COL_WALL_SHADE, APP_COL_SELF_RING};
    for (unsigned i = 0; i < APP_PALETTE_SIZE; i++)
        for (unsigned k = 0; k < sizeof map_roles / sizeof map_roles[0]; k++)
            assert_true(app_color_dist2(app_player_color(i), app_color(map_roles[k])) >= 70u * 70u);
    /* Walls and floor are different enough to read the map at a glance. */
    assert_true(app_color_dist2(app_color(APP_COL_WALL), app_color(APP_COL_FLOOR)) >= 60u * 60u);
}

static void test_same_id_same_colour(void **state)
{
    (void)state;
    AppColor a = app_player_color(3), b = app_player_color(3 + APP_PLAYER_COLOURS);
    assert_int_equal(app_color_dist2(a, b), 0);
    assert_true(app_color_dist2(app_player_color(0), app_player_color(1)) > 0);
}

static void test_mix_and_fade(void **state)
{
    (void)state;
    AppColor a = {0, 100, 200, 255}, b = {200, 100, 0, 55};
    AppColor m = app_color_mix(a, b, 0.5f);
    assert_int_equal(m.r, 100);
    assert_int_equal(m.g, 100);
    assert_int_equal(m.b, 100);
    assert_int_equal(m.a, 155);
    AppColor lo = app_color_mix(a, b, -3.0f), hi = app_color_mix(a, b, 7.0f);
    assert_int_equal(app_color_dist2(lo, a), 0);
    assert_int_equal(app_color_dist2(hi, b), 0);
    assert_int_equal(app_color_fade(a, 0.5f).a, 128);
    assert_int_equal(app_color_fade(a, 2.0f).a, 255);
    assert_int_equal(app_color_fade(a, -1.0f).a, 0);
    assert_int_equal(app_color(APP_COL_COUNT).r, app_color(APP_COL_TEXT).r); /* out of range */
}

/* Beyond the named set: 256 colours, each told apart from every other (less than the named
 * ones, but visibly), none dark enough to vanish on the floor. */
static void test_generated_colours(void **state)
{
    (void)state;
    unsigned worst = ~0u;
    for (unsigned i = 0; i < APP_PLAYER_COLOURS; i++) {
        AppColor a = app_player_color(i);
        assert_int_equal(a.a, 255);
        assert_true(app_color_dist2(a, app_color(APP_COL_FLOOR)) >= 70u * 70u);
        for (unsigned j = i + 1; j < APP_PLAYER_COLOURS; j++) {
            unsigned d = app_color_dist2(a, app_player_color(j));
            worst = d < worst ? d : worst;
        }
    }
    assert_true(worst >= 7u * 7u);
    assert_int_equal(app_player_color(APP_PLAYER_COLOURS + 5).r, app_player_color(5).r);
}

/* --print-palette (what client_screenshot.sh reads) is the palette the client draws with. */
static void test_printed_palette_is_the_palette(void **state)
{
    (void)state;
    char buf[2048] = "";
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    assert_non_null(f);
    app_palette_print(f);
    fclose(f);
    unsigned players = 0, roles = 0;
    for (char *line = strtok(buf, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        char name[16];
        unsigned id, r, g, b;
        if (sscanf(line, "player %u %u %u %u", &id, &r, &g, &b) == 4) {
            AppColor c = app_player_color(id);
            assert_int_equal(id, players);
            assert_true(c.r == r && c.g == g && c.b == b);
            players++;
        } else {
            assert_int_equal(sscanf(line, "%15s %u %u %u", name, &r, &g, &b), 4);
            static const struct {
                const char *name;
                AppColorRole role;
            } known[] = {{"floor", APP_COL_FLOOR},       {"wall", APP_COL_WALL},
                         {"bad", APP_COL_BAD},           {"good", APP_COL_GOOD},
                         {"chat_say", APP_COL_CHAT_SAY}, {"accent", APP_COL_ACCENT},
                         {"text", APP_COL_TEXT}};
            int k = -1;
            for (int i = 0; i < 7; i++)
                if (strcmp(name, known[i].name) == 0)
                    k = i;
            assert_true(k >= 0);
            AppColor c = app_color(known[k].role);
            assert_true(c.r == r && c.g == g && c.b == b);
            roles++;
        }
    }
    assert_int_equal(players, APP_PALETTE_SIZE);
    assert_int_equal(roles, 7); /* + good, chat_say, accent, text (the client_*.sh pixel tests) */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_player_colours_are_distinct),
        cmocka_unit_test(test_generated_colours),
        cmocka_unit_test(test_players_stand_out_from_the_map),
        cmocka_unit_test(test_same_id_same_colour),
        cmocka_unit_test(test_mix_and_fade),
        cmocka_unit_test(test_printed_palette_is_the_palette),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
