/* test_app_camera.c — the arena view: how much of the world shows, following the player,
 * staying on the map, and aiming from the player's screen position. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "camera.h"

static void test_default_view_shows_enough(void **state)
{
    (void)state;
    int sizes[][2] = {{1280, 720}, {640, 400}, {1920, 1080}, {800, 1000}, {3840, 1200}};
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        AppCamera c;
        app_camera_init(&c, sizes[i][0], sizes[i][1]);
        float x0, y0, x1, y1;
        app_camera_visible(&c, &x0, &y0, &x1, &y1);
        /* At least the minimum view both ways, and exactly it one way (no wasted zoom). */
        assert_true(x1 - x0 >= APP_VIEW_UNITS_W - 0.01f);
        assert_true(y1 - y0 >= APP_VIEW_UNITS_H - 0.01f);
        assert_true(fabsf((x1 - x0) - APP_VIEW_UNITS_W) < 0.5f ||
                    fabsf((y1 - y0) - APP_VIEW_UNITS_H) < 0.5f);
    }
}

static void test_screen_world_round_trip(void **state)
{
    (void)state;
    AppCamera c;
    app_camera_init(&c, 1280, 720);
    c.x = 500.0f;
    c.y = 300.0f;
    float sx, sy, wx, wy;
    app_camera_to_screen(&c, 500.0f, 300.0f, &sx, &sy);
    assert_float_equal(sx, 640.0f, 0.01f); /* the centre of the view is the centre point */
    assert_float_equal(sy, 360.0f, 0.01f);
    app_camera_to_screen(&c, 612.5f, 250.0f, &sx, &sy);
    app_camera_to_world(&c, sx, sy, &wx, &wy);
    assert_float_equal(wx, 612.5f, 0.01f);
    assert_float_equal(wy, 250.0f, 0.01f);
    /* East is right, south is down on screen. */
    app_camera_to_screen(&c, 600.0f, 400.0f, &sx, &sy);
    assert_true(sx > 640.0f && sy > 360.0f);
}

static void test_follow_is_smooth_and_converges(void **state)
{
    (void)state;
    AppCamera c;
    app_camera_init(&c, 1280, 720);
    const float mw = 4000.0f, mh = 4000.0f;
    app_camera_follow(&c, 2000.0f, 2000.0f, 0.016, mw, mh);
    assert_true(c.placed); /* the first follow jumps */
    assert_float_equal(c.x, 2000.0f, 0.001f);
    /* The player moves 100 units east: the camera glides, never overshoots. */
    float last = c.x;
    app_camera_follow(&c, 2100.0f, 2000.0f, 1.0 / 60.0, mw, mh);
    assert_true(c.x > last && c.x < 2100.0f);
    assert_true(c.x - last < 20.0f); /* a small part of the way in one 60 Hz frame */
    for (int i = 0; i < 60; i++) {
        last = c.x;
        app_camera_follow(&c, 2100.0f, 2000.0f, 1.0 / 60.0, mw, mh);
        assert_true(c.x >= last && c.x <= 2100.0f);
    }
    assert_float_equal(c.x, 2100.0f, 1.0f); /* there within a second */
    /* A respawn across the map: jump, no slow pan. */
    app_camera_follow(&c, 400.0f, 3000.0f, 1.0 / 60.0, mw, mh);
    assert_float_equal(c.x, 400.0f, 0.5f);
    assert_float_equal(c.y, 3000.0f, 0.5f);
}

static void test_view_stays_on_the_map(void **state)
{
    (void)state;
    AppCamera c;
    app_camera_init(&c, 1280, 720);
    const float mw = 1920.0f, mh = 1088.0f;
    /* Player in the top-left corner: the view may show a little beyond the edge, but the
     * player stays well away from the screen's corner. */
    app_camera_follow(&c, 40.0f, 40.0f, 0.016, mw, mh);
    float x0, y0, x1, y1;
    app_camera_visible(&c, &x0, &y0, &x1, &y1);
    float hw = (x1 - x0) / 2.0f, hh = (y1 - y0) / 2.0f;
    assert_true(x0 < 0.0f && x0 >= -APP_CAMERA_EDGE * hw - 0.5f);
    assert_true(y0 < 0.0f && y0 >= -APP_CAMERA_EDGE * hh - 0.5f);
    float sx, sy;
    app_camera_to_screen(&c, 40.0f, 40.0f, &sx, &sy);
    assert_true(sx > 0.0f && sy > 0.0f && sx < 640.0f && sy < 360.0f);
    /* Bottom-right corner, same on the other side. */
    app_camera_follow(&c, mw - 40.0f, mh - 40.0f, 0.016, mw, mh);
    app_camera_visible(&c, &x0, &y0, &x1, &y1);
    assert_true(x1 > mw && x1 <= mw + APP_CAMERA_EDGE * hw + 0.5f);
    /* A map smaller than the view is centred whatever the player does. */
    app_camera_follow(&c, 10.0f, 10.0f, 0.016, 300.0f, 200.0f);
    assert_float_equal(c.x, 150.0f, 0.01f);
    assert_float_equal(c.y, 100.0f, 0.01f);
}

static void test_zoom_and_fit(void **state)
{
    (void)state;
    AppCamera c;
    app_camera_init(&c, 1280, 720);
    float base = c.scale;
    app_camera_set_zoom(&c, 2.0f);
    assert_float_equal(c.scale, 2.0f * base, 1e-4f);
    app_camera_set_zoom(&c, 100.0f);
    assert_float_equal(c.zoom, APP_ZOOM_MAX, 1e-6f);
    app_camera_set_zoom(&c, 0.0f);
    assert_float_equal(c.zoom, APP_ZOOM_MIN, 1e-6f);
    /* The fit zoom shows the whole map, tight in one direction. */
    const float mw = 1920.0f, mh = 1088.0f;
    app_camera_set_zoom(&c, app_camera_fit_zoom(&c, mw, mh));
    c.x = mw / 2;
    c.y = mh / 2;
    float x0, y0, x1, y1;
    app_camera_visible(&c, &x0, &y0, &x1, &y1);
    assert_true(x0 <= 0.01f && y0 <= 0.01f && x1 >= mw - 0.01f && y1 >= mh - 0.01f);
    assert_true(fabsf(x1 - x0 - mw) < 1.0f || fabsf(y1 - y0 - mh) < 1.0f);
}

static void test_aim_from_screen(void **state)
{
    (void)state;
    /* 0 = east, 1024 = south (screen y down), 2048 = west, 3072 = north. */
    assert_int_equal(app_camera_aim12(100, 100, 200, 100, 7), 0);
    assert_int_equal(app_camera_aim12(100, 100, 100, 300, 7), 1024);
    assert_int_equal(app_camera_aim12(100, 100, 0, 100, 7), 2048);
    assert_int_equal(app_camera_aim12(100, 100, 100, 0, 7), 3072);
    assert_int_equal(app_camera_aim12(100, 100, 200, 200, 7), 512);
    /* The cursor on the player keeps the previous aim instead of snapping east. */
    assert_int_equal(app_camera_aim12(100, 100, 100.2f, 100.1f, 777), 777);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_view_shows_enough),
        cmocka_unit_test(test_screen_world_round_trip),
        cmocka_unit_test(test_follow_is_smooth_and_converges),
        cmocka_unit_test(test_view_stays_on_the_map),
        cmocka_unit_test(test_zoom_and_fit),
        cmocka_unit_test(test_aim_from_screen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
