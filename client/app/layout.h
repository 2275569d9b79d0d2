/* layout.h — where the title screen's and the in-game menu's widgets are, and how keyboard
 * focus moves between them.
 *
 * Owns the rectangles (window pixels) of every widget for a given window size, hit testing
 * for the mouse, and the keyboard rules: Tab / Shift+Tab cycle the focus, arrows move within
 * the server list and between widgets, Enter acts. title.c and menu.c draw what this decides.
 * Pure: no SDL, no text measuring (sizes are fixed for the fonts text.c loads). */
#ifndef ARENA_APP_LAYOUT_H
#define ARENA_APP_LAYOUT_H

#include <stdbool.h>

typedef struct AppRect {
    int x, y, w, h;
} AppRect;

bool app_rect_contains(AppRect r, int x, int y);

/* ---- title screen ---------------------------------------------------------------------- */

typedef enum AppTitleFocus {
    APP_TF_NAME = 0, /* player name field */
    APP_TF_SERVERS,  /* LAN server list */
    APP_TF_ADDRESS,  /* address typed by hand */
    APP_TF_JOIN,     /* Join button */
    APP_TF_QUIT,     /* Quit button */
    APP_TF_COUNT,
} AppTitleFocus;

typedef enum AppTitleAction {
    APP_TA_NONE = 0,
    APP_TA_JOIN_SERVER,  /* join the selected LAN server */
    APP_TA_JOIN_ADDRESS, /* join the typed address */
    APP_TA_QUIT,
} AppTitleAction;

typedef enum AppNavKey {
    APP_KEY_TAB = 0,
    APP_KEY_BACKTAB, /* Shift+Tab */
    APP_KEY_UP,
    APP_KEY_DOWN,
    APP_KEY_ENTER,
    APP_KEY_PAGE_UP,
    APP_KEY_PAGE_DOWN,
} AppNavKey;

enum {
    APP_TITLE_ROW_H = 34,   /* server list row height, pixels */
    APP_TITLE_FIELD_H = 40, /* text fields and buttons */
};

typedef struct AppTitleLayout {
    AppRect title; /* game title (big text) */
    AppRect name_label, name;
    AppRect list_label, list, list_header; /* list: the rows area (below the header) */
    unsigned rows_visible;
    AppRect address_label, address, join;
    AppRect status; /* status / error line */
    AppRect hint;   /* keyboard hint line */
    AppRect quit;
} AppTitleLayout;

typedef struct AppTitleNav {
    AppTitleFocus focus;
    int selected;    /* server list row, -1 = none */
    unsigned scroll; /* first visible row */
} AppTitleNav;

void app_title_layout(int w, int h, AppTitleLayout *l);
/* Row rectangle of visible row i (0 = first visible). */
AppRect app_title_row(const AppTitleLayout *l, unsigned i);
void app_title_nav_init(AppTitleNav *n);
/* Keeps the selection valid for `servers` rows and visible in rows_visible rows; moves the
 * focus off an empty list. */
void app_title_nav_fix(AppTitleNav *n, unsigned servers, unsigned rows_visible);
/* Applies a key; returns what to do. address_empty: the address field holds nothing. */
AppTitleAction app_title_key(AppTitleNav *n, AppNavKey key, unsigned servers, unsigned rows_visible,
                             bool address_empty);
/* A click at (x, y): moves the focus/selection; double-clicking a row (double) or clicking a
 * button returns its action. */
AppTitleAction app_title_click(AppTitleNav *n, const AppTitleLayout *l, int x, int y,
                               unsigned servers, bool dbl, bool address_empty);
/* Scrolls the list by `rows` (negative = up). */
void app_title_scroll(AppTitleNav *n, int rows, unsigned servers, unsigned rows_visible);

/* ---- in-game menu (Esc) ---------------------------------------------------------------- */

typedef enum AppMenuItem {
    APP_MENU_RESUME = 0,
    APP_MENU_SETTINGS,
    APP_MENU_DISCONNECT,
    APP_MENU_QUIT,
    APP_MENU_COUNT,
} AppMenuItem;

typedef struct AppMenuLayout {
    AppRect panel, title;
    AppRect items[APP_MENU_COUNT];
    AppRect help; /* the controls list */
} AppMenuLayout;

void app_menu_layout(int w, int h, AppMenuLayout *l);
/* The item at (x, y), or -1. */
int app_menu_hit(const AppMenuLayout *l, int x, int y);

#endif
