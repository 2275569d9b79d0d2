/* layout.c — see layout.h. Sizes are pixels, for the font sizes text.c loads. */
#include "layout.h"

bool app_rect_contains(AppRect r, int x, int y)
{
    return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Vertical sizes of one arrangement of the title screen. */
typedef struct TitleSizes {
    int top, title_h, after_title, label, field, gap, max_rows;
    bool quit_beside_hint;
} TitleSizes;

static int title_lay(int w, int h, const TitleSizes *z, AppTitleLayout *l)
{
    int cw = clampi(w - 48, 320, 820); /* the central column */
    int x0 = (w - cw) / 2;
    int y = z->top;
    l->title = (AppRect){x0, y, cw, z->title_h};
    y += z->title_h + z->after_title;

    l->name_label = (AppRect){x0, y, cw, z->label};
    y += z->label + 2;
    l->name = (AppRect){x0, y, clampi(cw / 2, 240, 360), z->field};
    y += z->field + z->gap;

    l->list_label = (AppRect){x0, y, cw, z->label};
    y += z->label + 2;
    l->list_header = (AppRect){x0, y, cw, 26};
    y += 26;
    /* Everything below the list: address label + field, status, hint (+ quit). */
    int below = z->gap + z->label + 2 + z->field + 10 + 24 +
                (z->quit_beside_hint ? z->field : 22 + z->field) + 8;
    int rows = (h - y - below) / APP_TITLE_ROW_H;
    if (rows < 2)
        rows = 2;
    if (rows > z->max_rows)
        rows = z->max_rows;
    l->rows_visible = (unsigned)rows;
    l->list = (AppRect){x0, y, cw, rows * APP_TITLE_ROW_H};
    y += l->list.h + z->gap;

    l->address_label = (AppRect){x0, y, cw, z->label};
    y += z->label + 2;
    int join_w = 150;
    l->address = (AppRect){x0, y, cw - join_w - 12, z->field};
    l->join = (AppRect){x0 + cw - join_w, y, join_w, z->field};
    y += z->field + 10;
    l->status = (AppRect){x0, y, cw, 24};
    y += 24;
    if (z->quit_beside_hint) {
        l->hint = (AppRect){x0, y, cw - 132, z->field};
        l->quit = (AppRect){x0 + cw - 120, y, 120, z->field};
    } else {
        l->hint = (AppRect){x0, y, cw, 22};
        y += 22;
        l->quit = (AppRect){x0 + cw - 120, y, 120, z->field};
    }
    return l->quit.y + l->quit.h; /* the bottom */
}

void app_title_layout(int w, int h, AppTitleLayout *l)
{
    /* Roomy when the window is tall enough, compact otherwise (the smallest window is
     * APP_WINDOW_MIN_H = 400 pixels high). */
    const TitleSizes roomy = {
        clampi(h / 14, 16, 64), 72, clampi(h / 40, 8, 28), 22, APP_TITLE_FIELD_H, 18, 12, false};
    const TitleSizes compact = {8, 44, 4, 20, 34, 8, 12, true};
    if (title_lay(w, h, &roomy, l) > h - 4)
        (void)title_lay(w, h, &compact, l);
}

AppRect app_title_row(const AppTitleLayout *l, unsigned i)
{
    return (AppRect){l->list.x, l->list.y + (int)i * APP_TITLE_ROW_H, l->list.w, APP_TITLE_ROW_H};
}

void app_title_nav_init(AppTitleNav *n)
{
    n->focus = APP_TF_NAME;
    n->selected = -1;
    n->scroll = 0;
}

void app_title_nav_fix(AppTitleNav *n, unsigned servers, unsigned rows_visible)
{
    if (servers == 0) {
        n->selected = -1;
        n->scroll = 0;
        if (n->focus == APP_TF_SERVERS)
            n->focus = APP_TF_ADDRESS;
        return;
    }
    if (n->selected >= (int)servers)
        n->selected = (int)servers - 1;
    if (n->selected < 0 && n->focus == APP_TF_SERVERS)
        n->selected = 0;
    if (rows_visible == 0)
        rows_visible = 1;
    if (n->selected >= 0) {
        unsigned sel = (unsigned)n->selected;
        if (sel < n->scroll)
            n->scroll = sel;
        if (sel >= n->scroll + rows_visible)
            n->scroll = sel - rows_visible + 1;
    }
    unsigned max_scroll = servers > rows_visible ? servers - rows_visible : 0;
    if (n->scroll > max_scroll)
        n->scroll = max_scroll;
}

static AppTitleFocus step_focus(AppTitleFocus f, int dir, unsigned servers)
{
    do {
        f = (AppTitleFocus)(((int)f + dir + APP_TF_COUNT) % APP_TF_COUNT);
    } while (f == APP_TF_SERVERS && servers == 0);
    return f;
}

static void select_row(AppTitleNav *n, int row, unsigned servers, unsigned rows_visible)
{
    n->selected = row < 0 ? 0 : row;
    app_title_nav_fix(n, servers, rows_visible);
}

AppTitleAction app_title_key(AppTitleNav *n, AppNavKey key, unsigned servers, unsigned rows_visible,
                             bool address_empty)
{
    AppTitleAction act = APP_TA_NONE;
    switch (key) {
    case APP_KEY_TAB:
        n->focus = step_focus(n->focus, 1, servers);
        break;
    case APP_KEY_BACKTAB:
        n->focus = step_focus(n->focus, -1, servers);
        break;
    case APP_KEY_UP:
        if (n->focus == APP_TF_SERVERS && n->selected > 0)
            select_row(n, n->selected - 1, servers, rows_visible);
        else if (n->focus != APP_TF_NAME)
            n->focus = step_focus(n->focus, -1, servers);
        break;
    case APP_KEY_DOWN:
        if (n->focus == APP_TF_SERVERS && n->selected + 1 < (int)servers)
            select_row(n, n->selected + 1, servers, rows_visible);
        else if (n->focus != APP_TF_QUIT)
            n->focus = step_focus(n->focus, 1, servers);
        break;
    case APP_KEY_PAGE_UP:
        if (n->focus == APP_TF_SERVERS)
            select_row(n, n->selected - (int)rows_visible, servers, rows_visible);
        break;
    case APP_KEY_PAGE_DOWN:
        if (n->focus == APP_TF_SERVERS) {
            int last = (int)servers - 1;
            int row = n->selected + (int)rows_visible;
            select_row(n, row > last ? last : row, servers, rows_visible);
        }
        break;
    case APP_KEY_ENTER:
        switch (n->focus) {
        case APP_TF_NAME:
            n->focus = step_focus(n->focus, 1, servers);
            break;
        case APP_TF_SERVERS:
            act = n->selected >= 0 ? APP_TA_JOIN_SERVER : APP_TA_NONE;
            break;
        case APP_TF_ADDRESS:
            act = address_empty ? APP_TA_NONE : APP_TA_JOIN_ADDRESS;
            break;
        case APP_TF_JOIN:
            if (!address_empty)
                act = APP_TA_JOIN_ADDRESS;
            else if (n->selected >= 0 && servers > 0)
                act = APP_TA_JOIN_SERVER;
            break;
        case APP_TF_QUIT:
            act = APP_TA_QUIT;
            break;
        case APP_TF_COUNT:
            break;
        }
        break;
    }
    if (n->focus == APP_TF_SERVERS && n->selected < 0 && servers > 0)
        n->selected = 0;
    app_title_nav_fix(n, servers, rows_visible);
    return act;
}

AppTitleAction app_title_click(AppTitleNav *n, const AppTitleLayout *l, int x, int y,
                               unsigned servers, bool dbl, bool address_empty)
{
    if (app_rect_contains(l->name, x, y)) {
        n->focus = APP_TF_NAME;
        return APP_TA_NONE;
    }
    if (app_rect_contains(l->address, x, y)) {
        n->focus = APP_TF_ADDRESS;
        return APP_TA_NONE;
    }
    if (app_rect_contains(l->join, x, y)) {
        n->focus = APP_TF_JOIN;
        if (!address_empty)
            return APP_TA_JOIN_ADDRESS;
        return n->selected >= 0 && servers > 0 ? APP_TA_JOIN_SERVER : APP_TA_NONE;
    }
    if (app_rect_contains(l->quit, x, y)) {
        n->focus = APP_TF_QUIT;
        return APP_TA_QUIT;
    }
    if (app_rect_contains(l->list, x, y)) {
        unsigned row = n->scroll + (unsigned)((y - l->list.y) / APP_TITLE_ROW_H);
        if (row >= servers)
            return APP_TA_NONE;
        n->focus = APP_TF_SERVERS;
        n->selected = (int)row;
        app_title_nav_fix(n, servers, l->rows_visible);
        return dbl ? APP_TA_JOIN_SERVER : APP_TA_NONE;
    }
    return APP_TA_NONE;
}

void app_title_scroll(AppTitleNav *n, int rows, unsigned servers, unsigned rows_visible)
{
    long s = (long)n->scroll + rows;
    long max_scroll = servers > rows_visible ? (long)(servers - rows_visible) : 0;
    n->scroll = (unsigned)(s < 0 ? 0 : s > max_scroll ? max_scroll : s);
    /* Keep the selection on screen. */
    if (n->selected >= 0) {
        if ((unsigned)n->selected < n->scroll)
            n->selected = (int)n->scroll;
        if (rows_visible > 0 && (unsigned)n->selected >= n->scroll + rows_visible)
            n->selected = (int)(n->scroll + rows_visible - 1);
    }
}

void app_menu_layout(int w, int h, AppMenuLayout *l)
{
    int pw = clampi(w - 40, 300, 460);
    int ph = 84 + APP_MENU_COUNT * 52 + 16 + 8 * 20 + 24;
    if (ph > h - 20)
        ph = h - 20;
    l->panel = (AppRect){(w - pw) / 2, (h - ph) / 2, pw, ph};
    l->title = (AppRect){l->panel.x, l->panel.y + 20, pw, 44};
    int y = l->panel.y + 84;
    for (int i = 0; i < APP_MENU_COUNT; i++) {
        l->items[i] = (AppRect){l->panel.x + 40, y, pw - 80, 42};
        y += 52;
    }
    l->help = (AppRect){l->panel.x + 28, y + 16, pw - 56, l->panel.y + ph - (y + 16)};
}

int app_menu_hit(const AppMenuLayout *l, int x, int y)
{
    for (int i = 0; i < APP_MENU_COUNT; i++)
        if (app_rect_contains(l->items[i], x, y))
            return i;
    return -1;
}
