/* title.c — see title.h. */
#include "title.h"
#include "cli_parse.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "field_keys.h"
#include "palette.h"
#include "title_recent.h"

#define PI_F 3.14159265f

static void open_discovery(App *app)
{
    TitleState *t = &app->title;
    CliDiscoverConfig dc;
    cli_discover_default_config(&dc);
    snprintf(dc.broadcast, sizeof dc.broadcast, "%s", app->opt.broadcast);
    dc.port = app->opt.discovery_port;
    t->disc_error[0] = '\0';
    t->disc = cli_discover_create(&dc, t->disc_error, sizeof t->disc_error);
    t->next_query_us = app->now_us;
    memset(t->announced, 0, sizeof t->announced);
}

void title_open(App *app)
{
    TitleState *t = &app->title;
    if (!t->open) {
        if (t->name.max_bytes == 0) { /* first time: fields */
            app_field_init(&t->name, PROTO_NAME_MAX);
            app_field_set(&t->name, app->opt.name);
            app_field_init(&t->address, APP_HOST_MAX - 8);
            if (app->opt.connect) {
                char buf[APP_HOST_MAX + 8];
                snprintf(buf, sizeof buf, "%s:%u", app->opt.host, app->opt.port);
                app_field_set(&t->address, buf);
            }
            app_title_nav_init(&t->nav);
        }
        open_discovery(app);
        title_recent_load(app);
        t->open = true;
        t->opened_us = app->now_us;
    }
    app->screen = APP_SCREEN_TITLE;
    SDL_StartTextInput();
    SDL_ShowCursor(SDL_ENABLE);
}

void title_close(App *app)
{
    TitleState *t = &app->title;
    cli_discover_destroy(t->disc);
    t->disc = NULL;
    t->visible_count = 0;
    t->open = false;
}

unsigned title_pollfds(const App *app, struct pollfd *fds, unsigned cap)
{
    const TitleState *t = &app->title;
    if (!t->open || t->disc == NULL || cap == 0)
        return 0;
    fds[0] = (struct pollfd){.fd = cli_discover_fd(t->disc), .events = POLLIN};
    return 1;
}

uint64_t title_next_wake_us(const App *app)
{
    const TitleState *t = &app->title;
    return t->open && t->disc != NULL ? t->next_query_us : app->now_us + 1000000u;
}

static void update_lan(App *app);

void title_update(App *app)
{
    TitleState *t = &app->title;
    if (!t->open)
        return;
    t->visible_count = 0;
    if (t->disc != NULL)
        update_lan(app);
    title_recent_rows(app); /* title_recent.c */
    app_title_nav_fix(&t->nav, t->visible_count, t->layout.rows_visible);
}

static void update_lan(App *app)
{
    TitleState *t = &app->title;
    uint64_t now = app->now_us;
    if (now >= t->next_query_us) {
        if (!cli_discover_query(t->disc, now) && t->disc_error[0] == '\0')
            snprintf(t->disc_error, sizeof t->disc_error, "LAN search: cannot send to %s:%u",
                     app->opt.broadcast, app->opt.discovery_port);
        t->next_query_us = now + (uint64_t)(APP_DISCOVER_PERIOD_S * 1e6);
    }
    cli_discover_service(t->disc, now);
    unsigned n = cli_discover_count(t->disc);
    for (unsigned i = 0; i < n && i < CLI_DISCOVER_MAX_SERVERS; i++) {
        const CliServerInfo *s = cli_discover_server(t->disc, i);
        if (s == NULL || now - s->seen_us > (uint64_t)(APP_SERVER_STALE_S * 1e6))
            continue;
        t->visible[t->visible_count++] = s;
        if (!t->announced[i]) {
            t->announced[i] = true;
            printf("arena-client: LAN: found '%s' at %s:%u (map '%s', %u/%u players, %.1f ms)\n",
                   s->reply.server_name, s->addr, s->reply.login_port, s->reply.map_name,
                   s->reply.players, s->reply.capacity, s->ping_ms);
            fflush(stdout);
        }
    }
}

/* ---- actions ---------------------------------------------------------------------------- */

static bool name_ok(App *app)
{
    TitleState *t = &app->title;
    if (!app_name_valid(t->name.text)) {
        app_set_status(app, true,
                       "Choose a name first: 1-%d bytes of letters, digits, _ - . [ ] ( ) "
                       "(no spaces)",
                       PROTO_NAME_MAX);
        t->nav.focus = APP_TF_NAME;
        return false;
    }
    memcpy(app->name, t->name.text, t->name.len + 1); /* valid: at most PROTO_NAME_MAX */
    return true;
}

static void act(App *app, AppTitleAction a)
{
    TitleState *t = &app->title;
    switch (a) {
    case APP_TA_NONE:
        return;
    case APP_TA_QUIT:
        app->running = false;
        return;
    case APP_TA_JOIN_SERVER: {
        if (t->nav.selected < 0 || (unsigned)t->nav.selected >= t->visible_count || !name_ok(app))
            return;
        const char *rhost;
        unsigned rport;
        t->joined_name[0] = '\0';
        if (title_recent_target(app, (unsigned)t->nav.selected, &rhost, &rport)) {
            char h[CLI_SERVERS_HOST_MAX + 1];
            snprintf(h, sizeof h, "%s", rhost);
            title_close(app);
            app_join(app, h, (uint16_t)rport);
            return;
        }
        const CliServerInfo *s = t->visible[t->nav.selected];
        snprintf(t->joined_name, sizeof t->joined_name, "%s", s->reply.server_name);
        char host[CLI_DISCOVER_ADDR_MAX];
        snprintf(host, sizeof host, "%s", s->addr);
        uint16_t port = s->reply.login_port;
        title_close(app);
        app_join(app, host, port);
        return;
    }
    case APP_TA_JOIN_ADDRESS: {
        char host[APP_HOST_MAX];
        uint16_t port = PROTO_LOGIN_PORT;
        if (!cli_parse_host_port(t->address.text, host, sizeof host, &port)) {
            app_set_status(app, true, "'%s' is not an address: type host or host:port",
                           t->address.text);
            t->nav.focus = APP_TF_ADDRESS;
            return;
        }
        if (!name_ok(app))
            return;
        t->joined_name[0] = '\0';
        title_close(app);
        app_join(app, host, port);
        return;
    }
    }
}

static AppField *focused_field(TitleState *t)
{
    if (t->nav.focus == APP_TF_NAME)
        return &t->name;
    if (t->nav.focus == APP_TF_ADDRESS)
        return &t->address;
    return NULL;
}

void title_event(App *app, const SDL_Event *ev)
{
    if (settings_title_event(app, ev))
        return;
    TitleState *t = &app->title;
    unsigned servers = t->visible_count;
    bool addr_empty = t->address.len == 0;
    switch (ev->type) {
    case SDL_TEXTINPUT: {
        AppField *f = focused_field(t);
        if (f != NULL)
            (void)app_field_insert(f, ev->text.text);
        break;
    }
    case SDL_KEYDOWN: {
        SDL_Keycode k = ev->key.keysym.sym;
        Uint16 mod = ev->key.keysym.mod;
        AppField *f = focused_field(t);
        if ((k == SDLK_d && (mod & KMOD_CTRL)) || (k == SDLK_f && f == NULL)) {
            title_recent_toggle(app, t->nav.selected); /* a favourite (title_recent.c) */
            break;
        }
        if (f != NULL && app_field_key(f, k, mod, true))
            break;
        AppNavKey nk;
        switch (k) {
        case SDLK_TAB:
            nk = (mod & KMOD_SHIFT) ? APP_KEY_BACKTAB : APP_KEY_TAB;
            break;
        case SDLK_UP:
            nk = APP_KEY_UP;
            break;
        case SDLK_DOWN:
            nk = APP_KEY_DOWN;
            break;
        case SDLK_PAGEUP:
            nk = APP_KEY_PAGE_UP;
            break;
        case SDLK_PAGEDOWN:
            nk = APP_KEY_PAGE_DOWN;
            break;
        case SDLK_RETURN:
        case SDLK_KP_ENTER:
            nk = APP_KEY_ENTER;
            break;
        case SDLK_ESCAPE:
            app->status[0] = '\0';
            return;
        default:
            return;
        }
        act(app, app_title_key(&t->nav, nk, servers, t->layout.rows_visible, addr_empty));
        break;
    }
    case SDL_MOUSEBUTTONDOWN:
        if (ev->button.button == SDL_BUTTON_LEFT) {
            int x, y;
            gfx_window_to_output(&app->gfx, ev->button.x, ev->button.y, &x, &y);
            act(app, app_title_click(&t->nav, &t->layout, x, y, servers, ev->button.clicks >= 2,
                                     addr_empty));
        }
        break;
    case SDL_MOUSEWHEEL:
        app_title_scroll(&t->nav, -ev->wheel.y, servers, t->layout.rows_visible);
        break;
    default:
        break;
    }
}

/* ---- drawing ---------------------------------------------------------------------------- */

/* A slow drift of faint coloured dots over a grid: the arena, out of focus. */
static void draw_backdrop(App *app)
{
    Gfx *g = &app->gfx;
    AppColor bg = app_color(APP_COL_BACKGROUND);
    gfx_clear(g, bg);
    AppColor top = app_color_mix(bg, app_color(APP_COL_FLOOR), 0.6f);
    gfx_rect_vgrad(g, 0, 0, (float)g->w, (float)g->h, top, bg);
    AppColor grid = app_color_fade(app_color(APP_COL_GRID), 0.5f);
    for (int x = 0; x < g->w; x += 48)
        gfx_rect(g, (float)x, 0, 1, (float)g->h, grid);
    for (int y = 0; y < g->h; y += 48)
        gfx_rect(g, 0, (float)y, (float)g->w, 1, grid);
    double t = (double)(app->now_us - app->start_us) / 1e6;
    for (unsigned i = 0; i < 14; i++) {
        double ph = i * 1.7;
        float x = (float)(g->w * (0.5 + 0.45 * sin(t * 0.13 * (1 + i % 3) + ph)));
        float y = (float)(g->h * (0.5 + 0.42 * cos(t * 0.11 * (1 + i % 4) + ph * 1.3)));
        AppColor c = app_color_fade(app_player_color(i), 0.16f);
        gfx_circle(g, x, y, 14.0f, c);
    }
}

static void draw_panel(Gfx *g, AppRect r, bool focused)
{
    gfx_rect_r(g, r, app_color(APP_COL_PANEL));
    gfx_frame_r(g, r, focused ? 2.0f : 1.0f,
                focused ? app_color(APP_COL_ACCENT) : app_color(APP_COL_PANEL_EDGE));
}

static void draw_field(App *app, const AppField *f, AppRect r, bool focused, bool bad,
                       const char *placeholder)
{
    Gfx *g = &app->gfx;
    AppText *tx = app->text;
    draw_panel(g, r, focused);
    if (bad)
        gfx_frame_r(g, r, 2.0f, app_color(APP_COL_BAD));
    int pad = 10;
    AppRect inner = {r.x + pad, r.y, r.w - 2 * pad, r.h};
    gfx_flush(g);
    SDL_Rect clip = {inner.x, inner.y, inner.w, inner.h};
    SDL_RenderSetClipRect(g->ren, &clip);
    char before[APP_FIELD_CAP + 1];
    memcpy(before, f->text, f->cursor);
    before[f->cursor] = '\0';
    int cw = 0, ch = 0;
    app_text_size(tx, APP_FONT_NORMAL, before, &cw, &ch);
    int shift = cw > inner.w - 4 ? cw - (inner.w - 4) : 0;
    if (f->len == 0 && !focused && placeholder != NULL)
        app_text_draw_in(tx, APP_FONT_NORMAL, placeholder, app_color(APP_COL_TEXT_DIM), inner,
                         APP_ALIGN_LEFT, false);
    else
        app_text_draw_in(tx, APP_FONT_NORMAL, f->text, app_color(APP_COL_TEXT),
                         (AppRect){inner.x - shift, inner.y, inner.w + shift, inner.h},
                         APP_ALIGN_LEFT, false);
    if (focused && ((app->now_us / 530000) % 2 == 0)) {
        int h = app_text_height(tx, APP_FONT_NORMAL);
        gfx_rect(g, (float)(inner.x + cw - shift), (float)(r.y + (r.h - h) / 2), 2, (float)h,
                 app_color(APP_COL_ACCENT));
    }
    gfx_flush(g);
    SDL_RenderSetClipRect(g->ren, NULL);
}

static void draw_button(App *app, AppRect r, const char *label, bool focused, bool enabled)
{
    Gfx *g = &app->gfx;
    int mx, my;
    gfx_mouse(g, &mx, &my);
    bool hover = app_rect_contains(r, mx, my);
    AppColor base = app_color(APP_COL_PANEL_EDGE);
    if (focused || hover)
        base = app_color_mix(base, app_color(APP_COL_ACCENT), 0.45f);
    if (!enabled)
        base = app_color_fade(base, 0.5f);
    gfx_rect_vgrad(g, (float)r.x, (float)r.y, (float)r.w, (float)r.h,
                   app_color_mix(base, (AppColor){255, 255, 255, 255}, 0.15f), base);
    if (focused)
        gfx_frame_r(g, r, 2.0f, app_color(APP_COL_ACCENT));
    app_text_draw_in(app->text, APP_FONT_BIG, label,
                     enabled ? app_color(APP_COL_TEXT) : app_color(APP_COL_TEXT_DIM), r,
                     APP_ALIGN_CENTER, true);
}

static void draw_list(App *app)
{
    TitleState *t = &app->title;
    Gfx *g = &app->gfx;
    AppText *tx = app->text;
    const AppTitleLayout *l = &t->layout;
    bool focused = t->nav.focus == APP_TF_SERVERS;
    AppColor dim = app_color(APP_COL_TEXT_DIM), text = app_color(APP_COL_TEXT);
    /* Columns: server name, map, players, ping. */
    int cx[4] = {l->list.x + 12, l->list.x + l->list.w * 45 / 100, l->list.x + l->list.w * 78 / 100,
                 l->list.x + l->list.w - 12};
    AppRect hdr = l->list_header;
    gfx_rect_r(g, hdr, app_color_fade(app_color(APP_COL_PANEL_EDGE), 0.35f));
    app_text_draw_in(tx, APP_FONT_SMALL, "SERVER", dim, (AppRect){cx[0], hdr.y, 10, hdr.h},
                     APP_ALIGN_LEFT, false);
    app_text_draw_in(tx, APP_FONT_SMALL, "MAP", dim, (AppRect){cx[1], hdr.y, 10, hdr.h},
                     APP_ALIGN_LEFT, false);
    app_text_draw_in(tx, APP_FONT_SMALL, "PLAYERS", dim, (AppRect){cx[2], hdr.y, 10, hdr.h},
                     APP_ALIGN_LEFT, false);
    app_text_draw_in(tx, APP_FONT_SMALL, "PING", dim, (AppRect){cx[3], hdr.y, 0, hdr.h},
                     APP_ALIGN_RIGHT, false);
    draw_panel(g, l->list, focused);
    if (t->visible_count == 0) {
        const char *msg = t->disc == NULL || t->disc_error[0] != '\0'
                              ? t->disc_error
                              : "Looking for servers on your network...";
        AppColor c = t->disc == NULL || t->disc_error[0] != '\0' ? app_color(APP_COL_BAD) : dim;
        AppRect r = l->list;
        r.h = l->list.h / 2;
        app_text_draw_in(tx, APP_FONT_NORMAL, msg, c, r, APP_ALIGN_CENTER, false);
        r.y += r.h;
        app_text_draw_in(tx, APP_FONT_SMALL,
                         "Start one with scripts/run, or type its address below.", dim,
                         (AppRect){r.x, r.y - r.h / 2, r.w, r.h / 2}, APP_ALIGN_CENTER, false);
        return;
    }
    int mx, my;
    gfx_mouse(g, &mx, &my);
    for (unsigned i = 0; i < l->rows_visible; i++) {
        unsigned idx = t->nav.scroll + i;
        if (idx >= t->visible_count)
            break;
        const CliServerInfo *s = t->visible[idx];
        AppRect r = app_title_row(l, i);
        char star[CLI_DISCOVER_ADDR_MAX + 40];
        bool sel = (int)idx == t->nav.selected;
        if (sel)
            gfx_rect_r(g, r, app_color_fade(app_color(APP_COL_ACCENT), focused ? 0.30f : 0.14f));
        else if (app_rect_contains(r, mx, my))
            gfx_rect_r(g, r, app_color_fade(app_color(APP_COL_TEXT), 0.06f));
        else if (i % 2 == 1)
            gfx_rect_r(g, r, app_color_fade(app_color(APP_COL_TEXT), 0.03f));
        if (s == NULL) { /* a recent server or favourite */
            title_recent_draw_row(app, idx, r, cx);
            continue;
        }
        char buf[96];
        bool fav = title_recent_is_favourite(app, s->addr, s->reply.login_port);
        snprintf(star, sizeof star, "%s%s", fav ? "\u2605 " : "", s->reply.server_name);
        app_text_draw_in(tx, APP_FONT_NORMAL, star, text, (AppRect){cx[0], r.y, 10, r.h},
                         APP_ALIGN_LEFT, false);
        app_text_draw_in(tx, APP_FONT_NORMAL, s->reply.map_name[0] ? s->reply.map_name : "-", dim,
                         (AppRect){cx[1], r.y, 10, r.h}, APP_ALIGN_LEFT, false);
        snprintf(buf, sizeof buf, "%u / %u", s->reply.players, s->reply.capacity);
        bool full = s->reply.players >= s->reply.capacity;
        app_text_draw_in(tx, APP_FONT_NORMAL, buf, full ? app_color(APP_COL_BAD) : text,
                         (AppRect){cx[2], r.y, 10, r.h}, APP_ALIGN_LEFT, false);
        snprintf(buf, sizeof buf, "%.0f ms", s->ping_ms < 1.0 ? 1.0 : s->ping_ms);
        AppColor pc = s->ping_ms < 50    ? app_color(APP_COL_GOOD)
                      : s->ping_ms < 120 ? app_color(APP_COL_WARN)
                                         : app_color(APP_COL_BAD);
        app_text_draw_in(tx, APP_FONT_NORMAL, buf, pc, (AppRect){cx[3], r.y, 0, r.h},
                         APP_ALIGN_RIGHT, false);
    }
    if (t->visible_count > l->rows_visible) {
        /* A scroll bar on the right edge. */
        float frac = (float)l->rows_visible / (float)t->visible_count;
        float pos = (float)t->nav.scroll / (float)t->visible_count;
        gfx_rect(g, (float)(l->list.x + l->list.w - 4), l->list.y + pos * (float)l->list.h, 3,
                 frac * (float)l->list.h, app_color(APP_COL_TEXT_DIM));
    }
}

static void draw_title_text(App *app)
{
    const AppTitleLayout *l = &app->title.layout;
    AppText *tx = app->text;
    AppRect r = l->title;
    bool roomy = r.h >= 60; /* the compact layout of small windows has less room */
    r.h = roomy ? 60 : r.h - 16;
    app_text_draw_in(tx, roomy ? APP_FONT_HUGE : APP_FONT_BIG, "LOCALHOST ARENA",
                     app_color(APP_COL_ACCENT), r, APP_ALIGN_CENTER, true);
    char sub[128];
    /* The talk's subtitle and its speaker's self-description, misspelling and all. */
    snprintf(sub, sizeof sub,
             "Road to Localhost  -  a LAN arena shooter by um Pyhtonista e gamer  -  protocol %d",
             PROTO_VERSION);
    app_text_draw_in(tx, APP_FONT_SMALL, sub, app_color(APP_COL_TEXT_DIM),
                     (AppRect){r.x, r.y + r.h - 2, r.w, 16}, APP_ALIGN_CENTER, false);
}

void title_draw(App *app)
{
    TitleState *t = &app->title;
    Gfx *g = &app->gfx;
    AppText *tx = app->text;
    app_title_layout(g->w, g->h, &t->layout);
    app_title_nav_fix(&t->nav, t->visible_count, t->layout.rows_visible);
    const AppTitleLayout *l = &t->layout;
    AppColor dim = app_color(APP_COL_TEXT_DIM), text = app_color(APP_COL_TEXT);

    draw_backdrop(app);
    draw_title_text(app);

    app_text_draw_in(tx, APP_FONT_NORMAL, "Your name", text, l->name_label, APP_ALIGN_LEFT, false);
    bool name_bad = t->name.len > 0 && !app_name_valid(t->name.text);
    draw_field(app, &t->name, l->name, t->nav.focus == APP_TF_NAME, name_bad, "your name");
    if (name_bad)
        app_text_draw_in(tx, APP_FONT_SMALL, "letters, digits, _ - . [ ] ( ) only",
                         app_color(APP_COL_BAD),
                         (AppRect){l->name.x + l->name.w + 14, l->name.y, 300, l->name.h},
                         APP_ALIGN_LEFT, false);

    app_text_draw_in(tx, APP_FONT_NORMAL, "Servers on your network", text, l->list_label,
                     APP_ALIGN_LEFT, false);
    char bc[96];
    snprintf(bc, sizeof bc, "searching %s:%u every second", app->opt.broadcast,
             app->opt.discovery_port);
    app_text_draw_in(tx, APP_FONT_SMALL, bc, dim, l->list_label, APP_ALIGN_RIGHT, false);
    draw_list(app);

    app_text_draw_in(tx, APP_FONT_NORMAL, "Or type an address (host or host:port)", text,
                     l->address_label, APP_ALIGN_LEFT, false);
    draw_field(app, &t->address, l->address, t->nav.focus == APP_TF_ADDRESS, false,
               "e.g. 192.168.1.20 or arena.local:7777");
    bool can_join = t->address.len > 0 || t->nav.selected >= 0;
    draw_button(app, l->join, "Join", t->nav.focus == APP_TF_JOIN, can_join);

    if (app->status[0] != '\0')
        app_text_draw_in(tx, APP_FONT_NORMAL, app->status,
                         app->status_error ? app_color(APP_COL_BAD) : app_color(APP_COL_GOOD),
                         l->status, APP_ALIGN_LEFT, false);
    const char *hint = "Tab / arrows move   Enter joins   double-click a server   Esc clears "
                       "the message";
    int hw = 0, hh = 0;
    app_text_size(tx, APP_FONT_SMALL, hint, &hw, &hh);
    if (hw > l->hint.w)
        hint = "Tab / arrows move   Enter joins";
    app_text_draw_in(tx, APP_FONT_SMALL, hint, dim, l->hint, APP_ALIGN_LEFT, false);
    draw_button(app, l->quit, "Quit", t->nav.focus == APP_TF_QUIT, true);
    settings_title_draw(app);
}

void title_draw_busy(App *app, const char *heading, const char *detail)
{
    Gfx *g = &app->gfx;
    AppText *tx = app->text;
    app_title_layout(g->w, g->h, &app->title.layout);
    draw_backdrop(app);
    draw_title_text(app);
    int pw = g->w - 80 < 560 ? g->w - 80 : 560;
    AppRect p = {(g->w - pw) / 2, g->h / 2 - 80, pw, 170};
    draw_panel(g, p, false);
    app_text_draw_in(tx, APP_FONT_BIG, heading, app_color(APP_COL_TEXT),
                     (AppRect){p.x, p.y + 18, p.w, 32}, APP_ALIGN_CENTER, true);
    app_text_draw_in(tx, APP_FONT_NORMAL, detail, app_color(APP_COL_TEXT_DIM),
                     (AppRect){p.x, p.y + 58, p.w, 24}, APP_ALIGN_CENTER, false);
    /* Spinner: eight dots, one bright, going round. */
    double t = (double)(app->now_us - app->start_us) / 1e6;
    int lead = (int)(t * 10.0) % 8;
    for (int i = 0; i < 8; i++) {
        float a = 2.0f * PI_F * (float)i / 8.0f;
        float x = (float)(p.x + p.w / 2) + 16.0f * cosf(a);
        float y = (float)(p.y + 112) + 16.0f * sinf(a);
        int age = (lead - i + 8) % 8;
        gfx_circle(g, x, y, 3.5f, app_color_fade(app_color(APP_COL_ACCENT), 1.0f - age / 8.0f));
    }
    app_text_draw_in(tx, APP_FONT_SMALL, "Esc cancels", app_color(APP_COL_TEXT_DIM),
                     (AppRect){p.x, p.y + p.h - 28, p.w, 20}, APP_ALIGN_CENTER, false);
}
