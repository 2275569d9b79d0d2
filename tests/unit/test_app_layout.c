/* test_app_layout.c — the title screen and the Esc menu with keyboard and mouse: every widget
 * on screen, Tab and arrows reach everything, Enter and clicks do what they say. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "layout.h"

static bool inside(AppRect r, int w, int h)
{
    return r.x >= 0 && r.y >= 0 && r.x + r.w <= w && r.y + r.h <= h && r.w > 0 && r.h > 0;
}

static bool overlap(AppRect a, AppRect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static AppRect centre_of(AppRect r)
{
    return (AppRect){r.x + r.w / 2, r.y + r.h / 2, 0, 0};
}

static void test_title_fits_every_window(void **state)
{
    (void)state;
    int sizes[][2] = {{640, 400}, {1280, 720}, {1920, 1080}, {800, 1400}, {3000, 500}};
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        int w = sizes[i][0], h = sizes[i][1];
        AppTitleLayout l;
        app_title_layout(w, h, &l);
        AppRect widgets[] = {l.name, l.list, l.address, l.join, l.quit, l.status};
        unsigned n = sizeof widgets / sizeof widgets[0];
        for (unsigned a = 0; a < n; a++) {
            assert_true(inside(widgets[a], w, h));
            for (unsigned b = a + 1; b < n; b++)
                assert_false(overlap(widgets[a], widgets[b]));
        }
        assert_true(l.rows_visible >= 2);
        assert_int_equal(l.list.h, (int)l.rows_visible * APP_TITLE_ROW_H);
    }
}

static void test_tab_reaches_everything(void **state)
{
    (void)state;
    AppTitleNav n;
    app_title_nav_init(&n);
    assert_int_equal(n.focus, APP_TF_NAME);
    /* No servers: the list is skipped. */
    AppTitleFocus seen[APP_TF_COUNT + 1];
    for (int i = 0; i <= APP_TF_COUNT; i++) {
        seen[i] = n.focus;
        app_title_key(&n, APP_KEY_TAB, 0, 5, true);
    }
    assert_int_equal(seen[1], APP_TF_ADDRESS);
    assert_int_equal(seen[2], APP_TF_JOIN);
    assert_int_equal(seen[3], APP_TF_QUIT);
    assert_int_equal(seen[4], APP_TF_NAME); /* wraps */
    /* With servers the list is between the name and the address. */
    app_title_nav_init(&n);
    app_title_key(&n, APP_KEY_TAB, 3, 5, true);
    assert_int_equal(n.focus, APP_TF_SERVERS);
    assert_int_equal(n.selected, 0); /* something is selected */
    app_title_key(&n, APP_KEY_BACKTAB, 3, 5, true);
    assert_int_equal(n.focus, APP_TF_NAME);
    app_title_key(&n, APP_KEY_BACKTAB, 3, 5, true);
    assert_int_equal(n.focus, APP_TF_QUIT);
}

static void test_arrows_and_enter(void **state)
{
    (void)state;
    AppTitleNav n;
    app_title_nav_init(&n);
    /* Enter in the name field moves on to the servers. */
    assert_int_equal(app_title_key(&n, APP_KEY_ENTER, 10, 4, true), APP_TA_NONE);
    assert_int_equal(n.focus, APP_TF_SERVERS);
    for (int i = 0; i < 6; i++)
        app_title_key(&n, APP_KEY_DOWN, 10, 4, true);
    assert_int_equal(n.selected, 6);
    /* The selection stays visible: 4 rows, row 6 -> scroll 3. */
    assert_int_equal(n.scroll, 3);
    app_title_key(&n, APP_KEY_PAGE_DOWN, 10, 4, true);
    assert_int_equal(n.selected, 9);
    app_title_key(&n, APP_KEY_PAGE_UP, 10, 4, true);
    assert_int_equal(n.selected, 5);
    assert_true(n.scroll <= 5 && n.scroll + 4 > 5);
    assert_int_equal(app_title_key(&n, APP_KEY_ENTER, 10, 4, true), APP_TA_JOIN_SERVER);
    /* Down from the last row leaves the list for the address field. */
    n.selected = 9;
    app_title_key(&n, APP_KEY_DOWN, 10, 4, true);
    assert_int_equal(n.focus, APP_TF_ADDRESS);
    assert_int_equal(app_title_key(&n, APP_KEY_ENTER, 10, 4, true), APP_TA_NONE); /* empty */
    assert_int_equal(app_title_key(&n, APP_KEY_ENTER, 10, 4, false), APP_TA_JOIN_ADDRESS);
    /* Up from the top of the list goes to the name. */
    n.focus = APP_TF_SERVERS;
    n.selected = 0;
    app_title_key(&n, APP_KEY_UP, 10, 4, true);
    assert_int_equal(n.focus, APP_TF_NAME);
    /* Join uses the address when one is typed, else the selected server; Quit quits. */
    n.focus = APP_TF_JOIN;
    n.selected = 2;
    assert_int_equal(app_title_key(&n, APP_KEY_ENTER, 10, 4, false), APP_TA_JOIN_ADDRESS);
    assert_int_equal(app_title_key(&n, APP_KEY_ENTER, 10, 4, true), APP_TA_JOIN_SERVER);
    assert_int_equal(app_title_key(&n, APP_KEY_ENTER, 0, 4, true), APP_TA_NONE);
    n.focus = APP_TF_QUIT;
    assert_int_equal(app_title_key(&n, APP_KEY_ENTER, 0, 4, true), APP_TA_QUIT);
}

static void test_servers_vanish(void **state)
{
    (void)state;
    AppTitleNav n;
    app_title_nav_init(&n);
    n.focus = APP_TF_SERVERS;
    n.selected = 4;
    n.scroll = 2;
    app_title_nav_fix(&n, 3, 4); /* the list shrank to 3 */
    assert_int_equal(n.selected, 2);
    assert_int_equal(n.scroll, 0);
    app_title_nav_fix(&n, 0, 4); /* and then emptied */
    assert_int_equal(n.selected, -1);
    assert_int_equal(n.focus, APP_TF_ADDRESS); /* focus is never on an empty list */
}

static void test_mouse(void **state)
{
    (void)state;
    AppTitleLayout l;
    app_title_layout(1280, 720, &l);
    AppTitleNav n;
    app_title_nav_init(&n);
    AppRect c = centre_of(app_title_row(&l, 1));
    assert_int_equal(app_title_click(&n, &l, c.x, c.y, 3, false, true), APP_TA_NONE);
    assert_int_equal(n.focus, APP_TF_SERVERS);
    assert_int_equal(n.selected, 1);
    assert_int_equal(app_title_click(&n, &l, c.x, c.y, 3, true, true), APP_TA_JOIN_SERVER);
    /* A row with no server under it does nothing. */
    c = centre_of(app_title_row(&l, l.rows_visible - 1));
    assert_int_equal(app_title_click(&n, &l, c.x, c.y, 3, true, true), APP_TA_NONE);
    assert_int_equal(n.selected, 1);
    c = centre_of(l.address);
    app_title_click(&n, &l, c.x, c.y, 3, false, true);
    assert_int_equal(n.focus, APP_TF_ADDRESS);
    c = centre_of(l.name);
    app_title_click(&n, &l, c.x, c.y, 3, false, true);
    assert_int_equal(n.focus, APP_TF_NAME);
    c = centre_of(l.join);
    assert_int_equal(app_title_click(&n, &l, c.x, c.y, 3, false, false), APP_TA_JOIN_ADDRESS);
    c = centre_of(l.quit);
    assert_int_equal(app_title_click(&n, &l, c.x, c.y, 3, false, true), APP_TA_QUIT);
    assert_int_equal(app_title_click(&n, &l, 0, 0, 3, false, true), APP_TA_NONE);
    /* The wheel scrolls, and keeps the selection in view. */
    n.selected = 0;
    app_title_scroll(&n, 3, 20, l.rows_visible);
    assert_int_equal(n.scroll, 3);
    assert_int_equal(n.selected, 3);
    app_title_scroll(&n, 100, 20, l.rows_visible);
    assert_int_equal(n.scroll, 20 - l.rows_visible);
    app_title_scroll(&n, -100, 20, l.rows_visible);
    assert_int_equal(n.scroll, 0);
}

static void test_menu(void **state)
{
    (void)state;
    int sizes[][2] = {{640, 400}, {1280, 720}};
    for (unsigned s = 0; s < 2; s++) {
        AppMenuLayout l;
        app_menu_layout(sizes[s][0], sizes[s][1], &l);
        assert_true(inside(l.panel, sizes[s][0], sizes[s][1]));
        for (int i = 0; i < APP_MENU_COUNT; i++) {
            assert_true(inside(l.items[i], sizes[s][0], sizes[s][1]));
            AppRect c = centre_of(l.items[i]);
            assert_int_equal(app_menu_hit(&l, c.x, c.y), i);
        }
        assert_int_equal(app_menu_hit(&l, 1, 1), -1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_title_fits_every_window),
        cmocka_unit_test(test_tab_reaches_everything),
        cmocka_unit_test(test_arrows_and_enter),
        cmocka_unit_test(test_servers_vanish),
        cmocka_unit_test(test_mouse),
        cmocka_unit_test(test_menu),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
