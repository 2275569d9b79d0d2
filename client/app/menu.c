/* menu.c — see menu.h. */
#include "menu.h"

#include "app.h"
#include "cli_chat.h"
#include "layout.h"
#include "settings_screen.h"

/* The controls: key, what it does. */
static const char *const controls[][2] = {
    {"WASD / arrows", "move"},      {"mouse", "aim"},
    {"left button", "fire (hold)"}, {"Enter", NULL /* chat: the hint from cli_chat.c */},
    {"Tab (hold)", "scoreboard"},   {"F3", "net graph"},
    {"wheel, + / -, 0", "zoom"},    {"M", "whole map"},
};

static const char *const items[APP_MENU_COUNT] = {"Resume", "Settings", "Disconnect", "Quit"};

void menu_open(App *app)
{
    app->arena.menu_open = true;
    app->arena.menu_sel = 0;
}

static void activate(App *app, int item)
{
    app->arena.menu_open = false;
    switch (item) {
    case APP_MENU_RESUME:
        break;
    case APP_MENU_SETTINGS:
        settings_open(app);
        break;
    case APP_MENU_DISCONNECT:
        app_leave(app, false);
        break;
    case APP_MENU_QUIT:
        app_leave(app, true);
        break;
    default:
        break;
    }
}

void menu_event(App *app, const SDL_Event *ev)
{
    ArenaState *a = &app->arena;
    AppMenuLayout l;
    app_menu_layout(app->gfx.w, app->gfx.h, &l);
    switch (ev->type) {
    case SDL_KEYDOWN:
        switch (ev->key.keysym.sym) {
        case SDLK_ESCAPE:
            a->menu_open = false;
            break;
        case SDLK_UP:
        case SDLK_w:
            a->menu_sel = (a->menu_sel + APP_MENU_COUNT - 1) % APP_MENU_COUNT;
            break;
        case SDLK_DOWN:
        case SDLK_s:
        case SDLK_TAB:
            a->menu_sel = (a->menu_sel + 1) % APP_MENU_COUNT;
            break;
        case SDLK_RETURN:
        case SDLK_KP_ENTER:
        case SDLK_SPACE:
            activate(app, a->menu_sel);
            break;
        case SDLK_F3:
            app->netgraph = !app->netgraph;
            break;
        default:
            break;
        }
        break;
    case SDL_MOUSEMOTION: {
        int x, y;
        gfx_window_to_output(&app->gfx, ev->motion.x, ev->motion.y, &x, &y);
        int hit = app_menu_hit(&l, x, y);
        if (hit >= 0)
            a->menu_sel = hit;
        break;
    }
    case SDL_MOUSEBUTTONDOWN:
        if (ev->button.button == SDL_BUTTON_LEFT) {
            int x, y;
            gfx_window_to_output(&app->gfx, ev->button.x, ev->button.y, &x, &y);
            int hit = app_menu_hit(&l, x, y);
            if (hit >= 0)
                activate(app, hit);
        }
        break;
    default:
        break;
    }
}

void menu_draw(App *app)
{
    Gfx *g = &app->gfx;
    AppText *tx = app->text;
    AppMenuLayout l;
    app_menu_layout(g->w, g->h, &l);
    gfx_rect(g, 0, 0, (float)g->w, (float)g->h, (AppColor){0, 0, 0, 110});
    gfx_rect_r(g, l.panel, app_color(APP_COL_PANEL));
    gfx_frame_r(g, l.panel, 1.0f, app_color(APP_COL_PANEL_EDGE));
    app_text_draw_in(tx, APP_FONT_BIG, "Menu", app_color(APP_COL_TEXT), l.title, APP_ALIGN_CENTER,
                     true);
    for (int i = 0; i < APP_MENU_COUNT; i++) {
        bool sel = i == app->arena.menu_sel;
        AppColor base = app_color(APP_COL_PANEL_EDGE);
        if (sel)
            base = app_color_mix(base, app_color(APP_COL_ACCENT), 0.5f);
        gfx_rect_r(g, l.items[i], base);
        if (sel)
            gfx_frame_r(g, l.items[i], 2.0f, app_color(APP_COL_ACCENT));
        app_text_draw_in(tx, APP_FONT_BIG, items[i], app_color(APP_COL_TEXT), l.items[i],
                         APP_ALIGN_CENTER, true);
    }
    int y = l.help.y;
    int lh = app_text_height(tx, APP_FONT_SMALL) + 5;
    unsigned n = sizeof controls / sizeof controls[0];
    for (unsigned i = 0; i < n && y + lh <= l.panel.y + l.panel.h; i++) {
        app_text_draw(tx, APP_FONT_SMALL, controls[i][0], app_color(APP_COL_TEXT), l.help.x, y,
                      APP_ALIGN_LEFT, false);
        char chat[128] = "chat: ";
        if (controls[i][1] == NULL)
            cli_chat_hint(", ", chat + 6, sizeof chat - 6);
        app_text_draw(tx, APP_FONT_SMALL, controls[i][1] != NULL ? controls[i][1] : chat,
                      app_color(APP_COL_TEXT_DIM), l.help.x + 130, y, APP_ALIGN_LEFT, false);
        y += lh;
    }
}
