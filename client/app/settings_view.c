/* settings_view.c — the settings screen's layout and drawing (see settings_screen.h). */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "palette.h"
#include "settings_screen.h"

enum {
    PANEL_W = 900,
    PANEL_H = 600,
    MARGIN = 20,
    TITLE_H = 44,
    FOOT_H = 96, /* message, hint, buttons */
    ROW_MAX = 32,
    GAP = 4,
};

AppRect settings_title_button(int w, int h)
{
    (void)h;
    return (AppRect){w - 150, 14, 134, 32};
}

void settings_layout(int w, int h, SettingsLayout *l)
{
    memset(l, 0, sizeof *l);
    int pw = w - 2 * MARGIN < PANEL_W ? w - 2 * MARGIN : PANEL_W;
    int ph = h - 2 * MARGIN < PANEL_H ? h - 2 * MARGIN : PANEL_H;
    l->panel = (AppRect){(w - pw) / 2, (h - ph) / 2, pw, ph};
    l->title = (AppRect){l->panel.x, l->panel.y + 6, pw, TITLE_H};
    int top = l->panel.y + TITLE_H + 10;
    int rh = (ph - TITLE_H - 10 - FOOT_H) / APP_ACT_COUNT - GAP;
    if (rh > ROW_MAX)
        rh = ROW_MAX;
    int cw = (pw - 3 * MARGIN) / 2;
    int lx = l->panel.x + MARGIN, rx = lx + cw + MARGIN;
    for (int i = 0; i < SR_BIND0; i++) { /* left column: the player, sound, screen, mouse */
        int y = top + i * (ROW_MAX + 2 * GAP);
        l->rows[i] = (AppRect){lx, y, cw, ROW_MAX};
        l->value[i] = (AppRect){lx + cw * 45 / 100, y, cw - cw * 45 / 100, ROW_MAX};
    }
    for (int a = 0; a < APP_ACT_COUNT; a++) { /* right column: the keys */
        int y = top + a * (rh + GAP);
        l->rows[SR_BIND0 + a] = (AppRect){rx, y, cw, rh};
        l->value[SR_BIND0 + a] = (AppRect){rx + cw * 50 / 100, y, cw - cw * 50 / 100, rh};
    }
    int by = l->panel.y + ph - 44;
    l->rows[SR_RESET] = l->value[SR_RESET] = (AppRect){rx, by, 170, 34};
    l->rows[SR_DONE] = l->value[SR_DONE] = (AppRect){l->panel.x + pw - MARGIN - 140, by, 140, 34};
    l->msg = (AppRect){lx, by - 60, pw - 2 * MARGIN, 22};
    l->hint = (AppRect){lx, by - 30, pw - 2 * MARGIN, 20};
}

static void value_text(const App *app, int row, char *buf, size_t cap)
{
    const AppSettings *s = &app->settings;
    buf[0] = '\0';
    switch (row) {
    case SR_COLOUR:
        if (s->colour == APP_SET_COLOUR_AUTO)
            snprintf(buf, cap, "auto");
        else
            snprintf(buf, cap, "%d", s->colour);
        break;
    case SR_VOLUME:
        snprintf(buf, cap, "%d", s->volume);
        break;
    case SR_MUTE:
        snprintf(buf, cap, "%s", s->mute ? "on" : "off");
        break;
    case SR_FULLSCREEN:
        snprintf(buf, cap, "%s", s->fullscreen ? "on" : "off");
        break;
    case SR_SENS:
        snprintf(buf, cap, "%d %%", s->sensitivity);
        break;
    default:
        if (row >= SR_BIND0 && row < SR_BIND0 + APP_ACT_COUNT) {
            int a = row - SR_BIND0;
            char one[APP_INPUT_NAME_MAX], two[APP_INPUT_NAME_MAX];
            if (!app_input_name(s->bind[a], one, sizeof one))
                snprintf(one, sizeof one, "-");
            if (app_input_name(s->bind2[a], two, sizeof two))
                snprintf(buf, cap, "%s  (%s)", one, two);
            else
                snprintf(buf, cap, "%s", one);
        }
        break;
    }
}

static const char *row_label(int row)
{
    static const char *const left[SR_BIND0] = {"Name", "Colour",      "Volume",
                                               "Mute", "Full screen", "Mouse sensitivity"};
    if (row < SR_BIND0)
        return left[row];
    if (row < SR_BIND0 + APP_ACT_COUNT)
        return app_action_label((AppAction)(row - SR_BIND0));
    return row == SR_RESET ? "Reset keys" : "Done";
}

static void draw_box(App *app, AppRect r, bool focus, bool active)
{
    Gfx *g = &app->gfx;
    AppColor base = app_color_fade(app_color(APP_COL_PANEL_EDGE), 0.45f);
    if (focus)
        base = app_color_mix(base, app_color(APP_COL_ACCENT), 0.35f);
    if (active)
        base = app_color(APP_COL_ACCENT);
    gfx_rect_r(g, r, base);
    if (focus)
        gfx_frame_r(g, r, 2.0f, app_color(APP_COL_ACCENT));
}

static void draw_name(App *app, AppRect v, bool focus)
{
    const AppField *f = &app->setui.name;
    bool bad = !app_name_valid(f->text);
    draw_box(app, v, focus, false);
    if (bad)
        gfx_frame_r(&app->gfx, v, 2.0f, app_color(APP_COL_BAD));
    AppRect in = {v.x + 8, v.y, v.w - 16, v.h};
    app_text_draw_in(app->text, APP_FONT_NORMAL, f->text, app_color(APP_COL_TEXT), in,
                     APP_ALIGN_LEFT, false);
    if (focus && (app->now_us / 530000) % 2 == 0) {
        char before[APP_FIELD_CAP + 1];
        memcpy(before, f->text, f->cursor);
        before[f->cursor] = '\0';
        int cw = 0, ch = 0;
        app_text_size(app->text, APP_FONT_NORMAL, before, &cw, &ch);
        gfx_rect(&app->gfx, (float)(in.x + cw), (float)(v.y + 6), 2, (float)(v.h - 12),
                 app_color(APP_COL_ACCENT));
    }
}

static void draw_row(App *app, const SettingsLayout *l, int row)
{
    const SettingsUi *u = &app->setui;
    AppText *tx = app->text;
    bool focus = u->focus == row;
    AppRect r = l->rows[row], v = l->value[row];
    if (row == SR_RESET || row == SR_DONE) {
        draw_box(app, r, focus, false);
        app_text_draw_in(tx, APP_FONT_BIG, row_label(row), app_color(APP_COL_TEXT), r,
                         APP_ALIGN_CENTER, true);
        return;
    }
    if (focus)
        gfx_rect_r(&app->gfx, r, app_color_fade(app_color(APP_COL_ACCENT), 0.12f));
    app_text_draw_in(tx, APP_FONT_NORMAL, row_label(row),
                     focus ? app_color(APP_COL_TEXT) : app_color(APP_COL_TEXT_DIM),
                     (AppRect){r.x + 8, r.y, v.x - r.x - 8, r.h}, APP_ALIGN_LEFT, false);
    if (row == SR_NAME) {
        draw_name(app, v, focus);
        return;
    }
    bool capturing = u->capturing && focus;
    draw_box(app, v, focus, capturing);
    char buf[64];
    value_text(app, row, buf, sizeof buf);
    AppColor tc = capturing ? app_color(APP_COL_BACKGROUND) : app_color(APP_COL_TEXT);
    app_text_draw_in(tx, APP_FONT_NORMAL, capturing ? "press a key..." : buf, tc, v,
                     APP_ALIGN_CENTER, false);
    if (row == SR_COLOUR || row == SR_VOLUME || row == SR_SENS) {
        app_text_draw_in(tx, APP_FONT_NORMAL, "<", app_color(APP_COL_TEXT_DIM),
                         (AppRect){v.x + 8, v.y, 20, v.h}, APP_ALIGN_LEFT, false);
        app_text_draw_in(tx, APP_FONT_NORMAL, ">", app_color(APP_COL_TEXT_DIM),
                         (AppRect){v.x + v.w - 28, v.y, 20, v.h}, APP_ALIGN_RIGHT, false);
    }
    if (row == SR_COLOUR) { /* the colour itself, as a player disc */
        int c = app->settings.colour;
        AppColor pc = c >= 0 ? app_player_color((unsigned)c) : app_color(APP_COL_TEXT_DIM);
        gfx_circle(&app->gfx, (float)(v.x + v.w / 2 + 40), (float)(v.y + v.h / 2), 9.0f, pc);
    }
    if (row == SR_VOLUME) { /* a level bar under the number */
        float f = (float)app->settings.volume / (float)APP_SET_VOLUME_MAX;
        AppColor bc = app->settings.mute ? app_color(APP_COL_TEXT_DIM) : app_color(APP_COL_GOOD);
        gfx_rect(&app->gfx, (float)(v.x + 30), (float)(v.y + v.h - 6), f * (float)(v.w - 60), 3,
                 bc);
    }
}

void settings_draw(App *app)
{
    Gfx *g = &app->gfx;
    AppText *tx = app->text;
    SettingsLayout l;
    settings_layout(g->w, g->h, &l);
    gfx_rect(g, 0, 0, (float)g->w, (float)g->h, (AppColor){0, 0, 0, 190});
    gfx_rect_r(g, l.panel, app_color(APP_COL_PANEL));
    gfx_frame_r(g, l.panel, 1.0f, app_color(APP_COL_PANEL_EDGE));
    app_text_draw_in(tx, APP_FONT_BIG, "Settings", app_color(APP_COL_TEXT), l.title,
                     APP_ALIGN_CENTER, true);
    for (int i = 0; i < SR_COUNT; i++)
        draw_row(app, &l, i);
    const SettingsUi *u = &app->setui;
    if (u->msg[0] != '\0')
        app_text_draw_in(tx, APP_FONT_NORMAL, u->msg,
                         u->msg_bad ? app_color(APP_COL_BAD) : app_color(APP_COL_GOOD), l.msg,
                         APP_ALIGN_LEFT, false);
    app_text_draw_in(
        tx, APP_FONT_SMALL,
        "Arrows / Tab move, Left / Right change, Enter rebinds a key, Delete unbinds, Esc "
        "saves and closes",
        app_color(APP_COL_TEXT_DIM), l.hint, APP_ALIGN_LEFT, false);
    SDL_ShowCursor(SDL_ENABLE);
}

void settings_title_draw(App *app)
{
    AppRect r = settings_title_button(app->gfx.w, app->gfx.h);
    int mx, my;
    gfx_mouse(&app->gfx, &mx, &my);
    draw_box(app, r, app_rect_contains(r, mx, my), false);
    app_text_draw_in(app->text, APP_FONT_NORMAL, "Settings (F2)", app_color(APP_COL_TEXT), r,
                     APP_ALIGN_CENTER, false);
}
