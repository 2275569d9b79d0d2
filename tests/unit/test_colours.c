/* test_colours.c — server/colours.h: distinct colours for every player, the nearest free one
 * when the wish is taken, and LOGIN's colour=N token. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "colours.h"

static void test_pick(void **state)
{
    (void)state;
    bool taken[SRV_COLOURS] = {false};
    assert_int_equal(srv_colour_pick(taken, 7), 7);
    taken[7] = true;
    assert_int_equal(srv_colour_pick(taken, 7), 6); /* nearest, lower on a tie */
    taken[6] = true;
    assert_int_equal(srv_colour_pick(taken, 7), 8);
    taken[0] = true;
    assert_int_equal(srv_colour_pick(taken, 0), 1);
    assert_int_equal(srv_colour_pick(taken, SRV_COLOUR_ANY), 1);
    taken[255] = true;
    assert_int_equal(srv_colour_pick(taken, 255), 254);
}

/* Everyone up to the limit gets a distinct colour, whatever they ask for. */
static void test_all_distinct_up_to_the_limit(void **state)
{
    (void)state;
    bool taken[SRV_COLOURS] = {false};
    for (int i = 0; i < SRV_COLOURS; i++) {
        int c = srv_colour_pick(taken, i % 3 == 0 ? SRV_COLOUR_ANY : 42);
        assert_true(c >= 0 && c < SRV_COLOURS);
        assert_false(taken[c]);
        taken[c] = true;
    }
    assert_int_equal(srv_colour_pick(taken, 42), -1);
    assert_int_equal(srv_colour_pick(taken, SRV_COLOUR_ANY), -1);
}

/* Beyond PROTO_COLOURS players colours repeat, each shared by as few players as can be: 1024
 * players (the most a server holds) give every colour to exactly 4, whatever they ask for. */
static void test_shared_beyond_the_palette(void **state)
{
    (void)state;
    unsigned uses[SRV_COLOURS] = {0};
    for (int i = 0; i < PROTO_MAX_PLAYERS; i++) {
        bool taken[SRV_COLOURS];
        srv_colour_taken(uses, taken);
        int c = srv_colour_pick(taken, i % 2 == 0 ? SRV_COLOUR_ANY : 42);
        assert_true(c >= 0 && c < SRV_COLOURS);
        uses[c]++;
    }
    for (int c = 0; c < SRV_COLOURS; c++)
        assert_int_equal(uses[c], PROTO_MAX_PLAYERS / SRV_COLOURS);
    uses[9] = 5; /* one more on 9: the wish for 9 goes to its nearest least-used neighbour */
    bool taken[SRV_COLOURS];
    srv_colour_taken(uses, taken);
    assert_int_equal(srv_colour_pick(taken, 9), 8);
}

static void test_parse(void **state)
{
    (void)state;
    int v = -5;
    assert_true(srv_colour_parse("colour=0", &v));
    assert_int_equal(v, 0);
    assert_true(srv_colour_parse("colour=255", &v));
    assert_int_equal(v, 255);
    const char *bad[] = {"colour=",     "colour=256", "colour=-1", "colour=01", "colour=1x",
                         "colour=9999", "color=3",    "colour =3", "colour=+3", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(srv_colour_parse(bad[i], &v));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pick),
        cmocka_unit_test(test_all_distinct_up_to_the_limit),
        cmocka_unit_test(test_shared_beyond_the_palette),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
