/* test_app_settings.c — the settings model (client/app/settings.h: defaults, clamping, key
 * binding conflicts) and its file (settings_file.h: parse, format, round trip). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "settings.h"
#include "settings_file.h"

static bool same(const AppSettings *a, const AppSettings *b)
{
    return strcmp(a->name, b->name) == 0 && a->colour == b->colour && a->volume == b->volume &&
           a->mute == b->mute && a->fullscreen == b->fullscreen &&
           a->sensitivity == b->sensitivity && memcmp(a->bind, b->bind, sizeof a->bind) == 0 &&
           memcmp(a->bind2, b->bind2, sizeof a->bind2) == 0;
}

static void test_defaults_are_clean(void **state)
{
    (void)state;
    AppSettings s;
    app_settings_default(&s);
    assert_int_equal(app_settings_clamp(&s), 0);
    assert_int_equal(s.volume, APP_SET_VOLUME_DEFAULT);
    assert_int_equal(s.colour, APP_SET_COLOUR_AUTO);
    assert_int_equal(app_settings_action_of(&s, app_input_from_name("W")), APP_ACT_UP);
    assert_int_equal(app_settings_action_of(&s, app_input_from_name("Up")), APP_ACT_UP);
    assert_int_equal(app_settings_action_of(&s, app_input_from_name("Mouse1")), APP_ACT_FIRE);
    assert_int_equal(app_settings_action_of(&s, app_input_from_name("F3")), APP_ACT_NETGRAPH);
    assert_int_equal(app_settings_action_of(&s, app_input_from_name("Q")), -1);
}

static void test_bind_swaps_conflicts(void **state)
{
    (void)state;
    AppSettings s;
    app_settings_default(&s);
    int w = app_input_from_name("W"), m = app_input_from_name("M");
    /* Whole map takes W: move up gets M (whole map's old key). */
    assert_int_equal(app_settings_bind(&s, APP_ACT_OVERVIEW, w), APP_ACT_UP);
    assert_int_equal(s.bind[APP_ACT_OVERVIEW], w);
    assert_int_equal(s.bind[APP_ACT_UP], m);
    assert_int_equal(app_settings_clamp(&s), 0);
    /* Fire takes the Up arrow: move up's fixed second key goes. */
    int up = app_input_from_name("Up");
    assert_int_equal(app_settings_bind(&s, APP_ACT_FIRE, up), APP_ACT_UP);
    assert_int_equal(s.bind2[APP_ACT_UP], APP_INPUT_NONE);
    assert_int_equal(app_settings_action_of(&s, up), APP_ACT_FIRE);
    /* A free key: nobody else changes. */
    assert_int_equal(app_settings_bind(&s, APP_ACT_CHAT, app_input_from_name("T")), -1);
    /* Reserved and invalid inputs are refused. */
    assert_int_equal(app_settings_bind(&s, APP_ACT_CHAT, app_input_from_name("Escape")),
                     APP_BIND_REFUSED);
    assert_int_equal(app_settings_bind(&s, APP_ACT_CHAT, app_input_from_name("F11")),
                     APP_BIND_REFUSED);
    assert_int_equal(app_settings_bind(&s, APP_ACT_CHAT, 0), APP_BIND_REFUSED);
    assert_int_equal(app_settings_bind(&s, APP_ACT_CHAT, 3), APP_BIND_REFUSED);
    /* Every action still has a distinct primary input. */
    for (int a = 0; a < APP_ACT_COUNT; a++)
        for (int b = a + 1; b < APP_ACT_COUNT; b++)
            assert_true(s.bind[a] == APP_INPUT_NONE || s.bind[a] != s.bind[b]);
}

static void test_clamp(void **state)
{
    (void)state;
    AppSettings s;
    app_settings_default(&s);
    s.volume = 250;
    s.sensitivity = 1;
    s.colour = 999;
    s.bind[APP_ACT_CHAT] = s.bind[APP_ACT_UP]; /* duplicate */
    s.bind[APP_ACT_ZOOM_IN] = 41;              /* Escape: reserved */
    assert_int_equal(app_settings_clamp(&s), 5);
    assert_int_equal(s.volume, APP_SET_VOLUME_MAX);
    assert_int_equal(s.sensitivity, APP_SET_SENS_MIN);
    assert_int_equal(s.colour, APP_SET_COLOUR_MAX);
    assert_int_equal(s.bind[APP_ACT_CHAT], APP_INPUT_NONE);
    assert_int_equal(s.bind[APP_ACT_ZOOM_IN], app_input_from_name("Equals"));
    s.volume = -3;
    assert_int_equal(app_settings_clamp(&s), 1);
    assert_int_equal(s.volume, 0);
}

static void test_input_names_round_trip(void **state)
{
    (void)state;
    unsigned named = 0;
    for (int in = 0; in <= APP_INPUT_MOUSE + APP_INPUT_MOUSE_MAX + 2; in++) {
        char buf[APP_INPUT_NAME_MAX];
        if (!app_input_name(in, buf, sizeof buf))
            continue;
        named++;
        assert_int_equal(app_input_from_name(buf), in);
    }
    assert_true(named > 90);
    assert_int_equal(app_input_from_name("w"), app_input_from_name("W"));
    assert_int_equal(app_input_from_name("NoSuchKey"), APP_INPUT_NONE);
}

static void test_round_trip(void **state)
{
    (void)state;
    AppSettings s, t;
    app_settings_default(&s);
    snprintf(s.name, sizeof s.name, "alice");
    s.colour = 37;
    s.volume = 15;
    s.mute = true;
    s.fullscreen = true;
    s.sensitivity = 250;
    app_settings_bind(&s, APP_ACT_FIRE, app_input_from_name("Space"));
    app_settings_bind(&s, APP_ACT_OVERVIEW, app_input_from_name("W"));
    char buf[APP_SETTINGS_FILE_MAX];
    size_t n = app_settings_format(&s, buf, sizeof buf);
    assert_true(n > 0 && n < sizeof buf);
    AppSettingsReport r;
    assert_true(app_settings_parse(buf, n, &t, &r));
    assert_int_equal(r.unknown, 0);
    assert_true(same(&s, &t));
    /* Too small a buffer is 0, never a cut file. */
    assert_int_equal(app_settings_format(&s, buf, 40), 0);
}

static void test_missing_and_unknown(void **state)
{
    (void)state;
    const char *text = "# mine\n\n  volume = 30  \r\nfuture_thing = 7\nbind.jump = Space\n";
    AppSettings s, d;
    AppSettingsReport r;
    app_settings_default(&d);
    assert_true(app_settings_parse(text, strlen(text), &s, &r));
    assert_int_equal(s.volume, 30);
    d.volume = 30;
    assert_true(same(&s, &d)); /* the rest are defaults */
    assert_int_equal(r.unknown, 2);
    assert_string_equal(r.warning, "line 4: unknown key 'future_thing' (skipped)");
    assert_true(app_settings_parse("", 0, &s, &r));
}

static void test_bad_values_name_their_line(void **state)
{
    (void)state;
    const char *text = "volume = 20\nmute = maybe\nvolume = loud\nsensitivity = 1000\n";
    AppSettings s;
    AppSettingsReport r;
    assert_false(app_settings_parse(text, strlen(text), &s, &r));
    assert_int_equal(r.errors, 3);
    assert_int_equal(r.error_line, 2);
    assert_string_equal(r.error, "line 2: mute wants yes or no, got 'maybe'");
    assert_int_equal(s.volume, 20); /* the bad line kept the earlier value */
    assert_false(s.mute);
    assert_int_equal(s.sensitivity, APP_SET_SENS_DEFAULT);
    const char *more[] = {"no equals sign\n",
                          "colour = 300\n",
                          "name = two words\n",
                          "bind.fire = Escape\n",
                          "bind.fire = Hyperspace\n",
                          "volume = 5\0x\n",
                          "volume = 00000000000000000001\n"};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
        size_t len = strlen(more[i]);
        if (i == 5)
            len = 13;
        assert_false(app_settings_parse(more[i], len, &s, &r));
        assert_int_equal(r.error_line, 1);
    }
    char big[APP_SETTINGS_LINE_MAX + 10];
    memset(big, 'x', sizeof big);
    assert_false(app_settings_parse(big, sizeof big, &s, &r));
    assert_string_equal(r.error, "line 1: line too long");
}

static void test_duplicate_binding_in_file(void **state)
{
    (void)state;
    const char *text = "bind.chat = W\n";
    AppSettings s;
    AppSettingsReport r;
    assert_false(app_settings_parse(text, strlen(text), &s, &r));
    assert_int_equal(s.bind[APP_ACT_UP], app_input_from_name("W"));
    assert_int_equal(s.bind[APP_ACT_CHAT], APP_INPUT_NONE);
}

/* The in-game key hint says the player's own keys. */
static void test_hint_follows_bindings(void **state)
{
    (void)state;
    AppSettings s;
    app_settings_default(&s);
    char hint[256];
    assert_true(app_settings_hint(&s, hint, sizeof hint) > 0);
    assert_string_equal(hint, "WASD move   mouse aim   left button fire   Enter chat   Tab "
                              "scores   F3 network   Esc menu");
    app_settings_bind(&s, APP_ACT_UP, app_input_from_name("Up"));
    app_settings_bind(&s, APP_ACT_FIRE, app_input_from_name("Space"));
    app_settings_bind(&s, APP_ACT_CHAT, app_input_from_name("T"));
    assert_true(app_settings_hint(&s, hint, sizeof hint) > 0);
    assert_string_equal(hint, "Up/A/S/D move   mouse aim   Space fire   T chat   Tab scores   "
                              "F3 network   Esc menu");
    assert_int_equal(app_settings_hint(&s, hint, 20), 0); /* does not fit */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_are_clean),
        cmocka_unit_test(test_bind_swaps_conflicts),
        cmocka_unit_test(test_clamp),
        cmocka_unit_test(test_input_names_round_trip),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_missing_and_unknown),
        cmocka_unit_test(test_bad_values_name_their_line),
        cmocka_unit_test(test_duplicate_binding_in_file),
        cmocka_unit_test(test_hint_follows_bindings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
