/* test_egg.c — SPOILER. The hidden hunt's rules (server/egg.c) on the default arena: each step
 * only counts when the player is seen doing it, in order, in time; saying the word alone does
 * nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "egg.h"
#include "map.h"

static Map map;
static Egg egg;

static int setup(void **state)
{
    (void)state;
    static char text[PROTO_MAP_TEXT_MAX];
    FILE *f = fopen(ARENA_ASSETS_DIR "/arena.map", "rb");
    if (f == NULL)
        return -1;
    size_t n = fread(text, 1, sizeof text, f);
    fclose(f);
    MapError err;
    if (!map_load(&map, text, n, &err))
        return -1;
    egg_init(&egg, &map);
    return 0;
}

/* Centre (Q8) of the first tile of the zone called name. */
static void zone_centre(const char *name, int32_t *x, int32_t *y)
{
    unsigned z = 0;
    for (unsigned i = 0; i < MAP_MAX_ZONES; i++)
        if (strcmp(map.zone_names[i], name) == 0)
            z = i + 1;
    assert_int_not_equal(z, 0);
    for (int ty = 0; ty < map.h; ty++)
        for (int tx = 0; tx < map.w; tx++)
            if (map_zone_at(&map, tx, ty) == z) {
                *x = (tx * MAP_TILE_UNITS + MAP_TILE_UNITS / 2) * SIM_FP_ONE;
                *y = (ty * MAP_TILE_UNITS + MAP_TILE_UNITS / 2) * SIM_FP_ONE;
                return;
            }
    fail();
}

typedef struct Walker {
    SimPlayer p;
    SimInput in; /* what the player holds: nothing unless a test says so */
    uint32_t tick;
    unsigned slot;
    EggNews last;
} Walker;

static EggNews stay(Walker *w, unsigned ticks)
{
    EggNews got = EGG_NEWS_NONE;
    for (unsigned i = 0; i < ticks; i++) {
        EggNews n = egg_step(&egg, &map, w->slot, &w->p, &w->in, ++w->tick);
        if (n != EGG_NEWS_NONE)
            got = n;
    }
    w->last = got;
    return got;
}

static EggNews go(Walker *w, const char *zone, unsigned ticks)
{
    zone_centre(zone, &w->p.x, &w->p.y);
    return stay(w, ticks);
}

/* Somewhere on plain floor, away from every zone (a spawn tile). */
static EggNews go_floor(Walker *w, unsigned ticks)
{
    w->p.x = (map.spawns[10].tx * MAP_TILE_UNITS + 16) * SIM_FP_ONE;
    w->p.y = (map.spawns[10].ty * MAP_TILE_UNITS + 16) * SIM_FP_ONE;
    return stay(w, ticks);
}

static void walker_init(Walker *w, unsigned slot)
{
    memset(w, 0, sizeof *w);
    w->slot = slot;
    w->p.active = true;
    w->p.alive = true;
    w->tick = 1000;
    egg_reset(&egg, slot);
}

static void test_default_map_has_the_hunt(void **state)
{
    (void)state;
    assert_true(egg.enabled);
    Map empty;
    memset(&empty, 0, sizeof empty);
    Egg off;
    egg_init(&off, &empty);
    assert_false(off.enabled);
    Walker w;
    walker_init(&w, 1);
    assert_int_equal(egg_step(&off, &empty, 1, &w.p, &w.in, 5), EGG_NEWS_NONE);
}

static void test_the_whole_hunt(void **state)
{
    (void)state;
    Walker w;
    walker_init(&w, 3);
    /* Still for one tick short of 3 s: nothing; the last tick tells the riddle. */
    assert_int_equal(go(&w, "quiet corner", EGG_STILL_TICKS), EGG_NEWS_NONE);
    assert_int_equal(stay(&w, 1), EGG_NEWS_RIDDLE);
    assert_int_equal(egg_stage(&egg, 3), EGG_ROAD);
    assert_false(egg_say(&egg, 3, "Pyhtonista", w.tick)); /* too early */
    assert_int_equal(go(&w, "127", 30), EGG_NEWS_NONE);
    assert_int_equal(go_floor(&w, 30), EGG_NEWS_NONE);
    assert_int_equal(go(&w, "0", 30), EGG_NEWS_NONE);
    assert_int_equal(go_floor(&w, 5), EGG_NEWS_NONE); /* leave the 0 ... */
    assert_int_equal(go(&w, "0", 5), EGG_NEWS_NONE);  /* ... and come back: 127.0.0 */
    assert_int_equal(go(&w, "1", 5), EGG_NEWS_ROAD_DONE);
    assert_int_equal(egg_stage(&egg, 3), EGG_WORD);
    assert_false(egg_say(&egg, 3, "Pythonista", w.tick)); /* spelled right: wrong */
    assert_false(egg_say(&egg, 3, "xPyhtonistas", w.tick));
    assert_false(egg_say(&egg, 4, "Pyhtonista", w.tick)); /* somebody else */
    assert_true(egg_say(&egg, 3, "eu sou PYHTONISTA e gamer!", w.tick));
    assert_int_equal(egg_stage(&egg, 3), EGG_FOUND);
    assert_false(egg_say(&egg, 3, "Pyhtonista", w.tick)); /* once per session */
}

static void test_word_alone_or_skipping_steps_gets_nothing(void **state)
{
    (void)state;
    Walker w;
    walker_init(&w, 5);
    assert_false(egg_say(&egg, 5, "Pyhtonista", w.tick));
    /* The road without the corner. */
    go(&w, "127", 10);
    go(&w, "0", 10);
    go_floor(&w, 10);
    go(&w, "0", 10);
    go(&w, "1", 10);
    assert_int_equal(egg_stage(&egg, 5), EGG_NONE);
    assert_false(egg_say(&egg, 5, "Pyhtonista", w.tick));
    /* Moving in the corner never counts as standing still. */
    zone_centre("quiet corner", &w.p.x, &w.p.y);
    for (unsigned i = 0; i < 2 * EGG_STILL_TICKS; i++) {
        w.p.x += (i % 2) ? 1 : -1;
        assert_int_equal(egg_step(&egg, &map, 5, &w.p, &w.in, ++w.tick), EGG_NEWS_NONE);
    }
    /* Nor does pushing into the corner's walls: not moving, but keys held. */
    w.in.buttons = SIM_BTN_LEFT | SIM_BTN_DOWN;
    assert_int_equal(stay(&w, 2 * EGG_STILL_TICKS), EGG_NEWS_NONE);
    w.in.buttons = SIM_BTN_FIRE;
    assert_int_equal(stay(&w, 2 * EGG_STILL_TICKS), EGG_NEWS_NONE);
    w.in.buttons = 0;
    /* Dead players are not standing anywhere. */
    w.p.alive = false;
    assert_int_equal(stay(&w, 2 * EGG_STILL_TICKS), EGG_NEWS_NONE);
    assert_int_equal(egg_stage(&egg, 5), EGG_NONE);
}

static void test_wrong_order_dying_and_time_send_you_back(void **state)
{
    (void)state;
    Walker w;
    walker_init(&w, 7);
    assert_int_equal(go(&w, "quiet corner", EGG_STILL_TICKS + 1), EGG_NEWS_RIDDLE);
    /* 127 -> 0 -> 1: the second 0 is missing; then 0 alone is not enough either. */
    go(&w, "127", 5);
    go(&w, "0", 5);
    assert_int_equal(go(&w, "1", 5), EGG_NEWS_NONE);
    go(&w, "0", 5);
    go_floor(&w, 5);
    go(&w, "0", 5);
    assert_int_equal(go(&w, "1", 5), EGG_NEWS_NONE);
    /* Starting over from 127 works. */
    go(&w, "127", 5);
    go(&w, "0", 5);
    go_floor(&w, 5);
    go(&w, "0", 5);
    assert_int_equal(go(&w, "1", 5), EGG_NEWS_ROAD_DONE);
    /* Too slow with the word: back to the start. */
    assert_int_equal(stay(&w, EGG_WORD_TICKS + 1), EGG_NEWS_LOST);
    assert_false(egg_say(&egg, 7, "Pyhtonista", w.tick));
    assert_int_equal(egg_stage(&egg, 7), EGG_NONE);

    /* Dying on the road. */
    assert_int_equal(go(&w, "quiet corner", EGG_STILL_TICKS + 1), EGG_NEWS_RIDDLE);
    go(&w, "127", 5);
    w.p.alive = false;
    assert_int_equal(stay(&w, 1), EGG_NEWS_LOST);
    w.p.alive = true;
    /* Dawdling on the road. */
    assert_int_equal(go(&w, "quiet corner", EGG_STILL_TICKS + 1), EGG_NEWS_RIDDLE);
    assert_int_equal(go(&w, "127", EGG_ROAD_TICKS + 1), EGG_NEWS_LOST);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_map_has_the_hunt),
        cmocka_unit_test(test_the_whole_hunt),
        cmocka_unit_test(test_word_alone_or_skipping_steps_gets_nothing),
        cmocka_unit_test(test_wrong_order_dying_and_time_send_you_back),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
