/* demo_player.c — see demo_player.h. */
#include "demo_player.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "app.h"
#include "demo_ctl.h"
#include "demo_file.h"
#include "mono_clock.h"
#include "timing.h"

#define PLAYER_R       12.0f
#define SHOT_R         3.0f
#define FREE_CAM_SPEED 600.0f /* world units per second at zoom 1 */

enum {
    CHAT_LINES = 8,
    CHAT_SHOW_TICKS = 10 * PROTO_TICK_HZ,
    BOARD_W = 220,
    BOARD_ROW = 20,
    BOARD_ROWS = 24,
    FPS = 60,
};

typedef struct Player {
    App *app;
    DemoPlay *play;
    uint8_t *buf;
    AppDemoCtl ctl;
    AppCamera cam;
    float zoom;
    bool overview;
    CliEntityView *views;
    unsigned nviews;
    int board_ids[BOARD_ROWS];
    unsigned board_n;
    AppRect board_row0;
} Player;

static const CliEntityView *find_player(const Player *p, int id)
{
    for (unsigned i = 0; i < p->nviews; i++)
        if (p->views[i].type == SNAP_ENT_PLAYER && p->views[i].id == id)
            return &p->views[i];
    return NULL;
}

static void on_key(Player *p, const SDL_KeyboardEvent *k)
{
    bool shift = (k->keysym.mod & KMOD_SHIFT) != 0;
    switch (k->keysym.sym) {
    case SDLK_ESCAPE:
    case SDLK_q:
        p->app->running = false;
        break;
    case SDLK_SPACE:
        p->ctl.paused = !p->ctl.paused;
        if (!p->ctl.paused && p->ctl.tick >= p->ctl.last)
            p->ctl.tick = p->ctl.first; /* play again from the start */
        break;
    case SDLK_LEFT:
        app_demo_seek_by(&p->ctl, -APP_DEMO_SEEK_S);
        break;
    case SDLK_RIGHT:
        app_demo_seek_by(&p->ctl, APP_DEMO_SEEK_S);
        break;
    case SDLK_UP:
    case SDLK_RIGHTBRACKET:
        app_demo_speed_step(&p->ctl, 1);
        break;
    case SDLK_DOWN:
    case SDLK_LEFTBRACKET:
        app_demo_speed_step(&p->ctl, -1);
        break;
    case SDLK_TAB:
        app_demo_follow_step(&p->ctl, p->views, p->nviews, shift ? -1 : 1);
        break;
    case SDLK_PAGEDOWN:
        app_demo_follow_step(&p->ctl, p->views, p->nviews, 1);
        break;
    case SDLK_PAGEUP:
        app_demo_follow_step(&p->ctl, p->views, p->nviews, -1);
        break;
    case SDLK_f:
        p->ctl.follow = APP_DEMO_FREE_CAM;
        break;
    case SDLK_m:
        p->overview = !p->overview;
        break;
    case SDLK_PLUS:
    case SDLK_EQUALS:
    case SDLK_KP_PLUS:
        p->zoom = fminf(p->zoom * 1.25f, APP_ZOOM_MAX);
        break;
    case SDLK_MINUS:
    case SDLK_KP_MINUS:
        p->zoom = fmaxf(p->zoom / 1.25f, APP_ZOOM_MIN);
        break;
    default:
        break;
    }
}

static void on_click(Player *p, int wx, int wy)
{
    int x, y;
    gfx_window_to_output(&p->app->gfx, wx, wy, &x, &y);
    AppRect bar = app_demo_timeline_rect(p->app->gfx.w, p->app->gfx.h);
    if (y >= bar.y - 8 && y < bar.y + bar.h + 8 && x >= bar.x && x < bar.x + bar.w) {
        p->ctl.tick = app_demo_timeline_tick(&p->ctl, bar, x);
        return;
    }
    AppRect r0 = p->board_row0;
    if (x >= r0.x && x < r0.x + r0.w && y >= r0.y) {
        unsigned row = (unsigned)((y - r0.y) / BOARD_ROW);
        if (row < p->board_n)
            p->ctl.follow = p->board_ids[row];
    }
}

static void handle_events(Player *p)
{
    SDL_Event ev;
    while (SDL_PollEvent(&ev)) {
        if (ev.type == SDL_QUIT)
            p->app->running = false;
        else if (ev.type == SDL_WINDOWEVENT && (ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
                                                ev.window.event == SDL_WINDOWEVENT_RESIZED))
            gfx_update_size(&p->app->gfx);
        else if (ev.type == SDL_KEYDOWN)
            on_key(p, &ev.key);
        else if (ev.type == SDL_MOUSEBUTTONDOWN && ev.button.button == SDL_BUTTON_LEFT)
            on_click(p, ev.button.x, ev.button.y);
        else if (ev.type == SDL_MOUSEWHEEL && ev.wheel.y != 0)
            p->zoom = ev.wheel.y > 0 ? fminf(p->zoom * 1.1f, APP_ZOOM_MAX)
                                     : fmaxf(p->zoom / 1.1f, APP_ZOOM_MIN);
    }
}

/* WASD moves the free camera (and leaves the followed player). */
static void free_camera(Player *p, double dt)
{
    const Uint8 *ks = SDL_GetKeyboardState(NULL);
    float dx = (float)(ks[SDL_SCANCODE_D] - ks[SDL_SCANCODE_A]);
    float dy = (float)(ks[SDL_SCANCODE_S] - ks[SDL_SCANCODE_W]);
    if (dx == 0.0f && dy == 0.0f)
        return;
    p->ctl.follow = APP_DEMO_FREE_CAM;
    p->overview = false;
    float step = FREE_CAM_SPEED * (float)dt / p->cam.zoom;
    p->cam.x += dx * step;
    p->cam.y += dy * step;
}

static void update_camera(Player *p, double dt)
{
    const Map *m = demo_play_map(p->play);
    float mw = (float)m->w * MAP_TILE_UNITS, mh = (float)m->h * MAP_TILE_UNITS;
    app_camera_resize(&p->cam, p->app->gfx.w, p->app->gfx.h);
    if (!p->cam.placed) {
        p->cam.x = mw / 2.0f;
        p->cam.y = mh / 2.0f;
        p->cam.placed = true;
    }
    if (p->overview) {
        app_camera_set_zoom(&p->cam, app_camera_fit_zoom(&p->cam, mw, mh) * 0.98f);
        p->cam.x = mw / 2.0f;
        p->cam.y = mh / 2.0f;
        return;
    }
    app_camera_set_zoom(&p->cam, p->zoom);
    free_camera(p, dt);
    const CliEntityView *f = find_player(p, p->ctl.follow);
    if (f != NULL)
        app_camera_follow(&p->cam, f->x, f->y, dt, mw, mh);
    else
        app_camera_clamp(&p->cam, mw, mh);
}

static void draw_map(Player *p)
{
    Gfx *g = &p->app->gfx;
    const Map *m = demo_play_map(p->play);
    const AppCamera *c = &p->cam;
    float x0, y0, sx, sy, s = c->scale * MAP_TILE_UNITS;
    app_camera_to_screen(c, 0.0f, 0.0f, &x0, &y0);
    gfx_rect(g, x0, y0, s * m->w, s * m->h, app_color(APP_COL_FLOOR));
    for (int ty = 0; ty < m->h; ty++)
        for (int tx = 0; tx < m->w; tx++) {
            if (!map_is_wall(m, tx, ty))
                continue;
            app_camera_to_screen(c, (float)tx * MAP_TILE_UNITS, (float)ty * MAP_TILE_UNITS, &sx,
                                 &sy);
            if (sx > (float)g->w || sy > (float)g->h || sx + s < 0 || sy + s < 0)
                continue;
            gfx_rect(g, floorf(sx), floorf(sy), ceilf(s), ceilf(s), app_color(APP_COL_WALL));
        }
}

static void draw_entities(Player *p)
{
    Gfx *g = &p->app->gfx;
    const AppCamera *c = &p->cam;
    float s = c->scale;
    for (unsigned i = 0; i < p->nviews; i++) {
        const CliEntityView *v = &p->views[i];
        float x, y;
        app_camera_to_screen(c, v->x, v->y, &x, &y);
        if (v->type == SNAP_ENT_SHOT) {
            gfx_circle(g, x, y, fmaxf(SHOT_R * s, 2.0f),
                       app_player_color(demo_play_colour(p->play, v->owner)));
            continue;
        }
        AppColor col = app_player_color(demo_play_colour(p->play, v->id));
        bool alive = (v->flags & SNAP_FLAG_ALIVE) != 0;
        if (!alive)
            col = app_color_fade(col, 0.35f);
        if (v->id == p->ctl.follow)
            gfx_ring(g, x, y, PLAYER_R * s + 1.0f, PLAYER_R * s + 3.0f,
                     app_color(APP_COL_SELF_RING));
        gfx_circle(g, x, y, PLAYER_R * s, col);
        float ex = x + cosf(v->aim) * (PLAYER_R + 10.0f) * s,
              ey = y + sinf(v->aim) * (PLAYER_R + 10.0f) * s;
        gfx_line(g, x, y, ex, ey, fmaxf(2.0f * s, 1.0f), col, col);
        const char *name = demo_play_name(p->play, v->id);
        if (name[0] != '\0')
            app_text_draw(p->app->text, APP_FONT_SMALL, name, app_color(APP_COL_TEXT), (int)x,
                          (int)(y - PLAYER_R * s - 18.0f), APP_ALIGN_CENTER, true);
    }
}

/* One chat line or event as a game shows it; false if it has no text. */
static bool line_text(const Player *p, const DemoLine *l, char *out, size_t cap, AppColor *col)
{
    if (l->type == DEMO_REC_CHAT) {
        bool act = l->chat.kind == DEMO_CHAT_ACTION;
        snprintf(out, cap, act ? "* %s %s" : "%s: %s", l->chat.name, l->chat.text);
        *col = app_color(act ? APP_COL_CHAT_ACTION : APP_COL_CHAT_SAY);
        return true;
    }
    const MsgEvent *e = &l->event;
    const char *a = demo_play_name(p->play, e->a), *b = demo_play_name(p->play, e->b);
    switch (e->kind) {
    case MSG_EV_PLAYER:
        snprintf(out, cap, "%s joined", e->name);
        *col = app_color(APP_COL_CHAT_JOIN);
        return true;
    case MSG_EV_LEFT:
        snprintf(out, cap, "player %u left", (unsigned)e->a);
        *col = app_color(APP_COL_CHAT_LEAVE);
        return true;
    case MSG_EV_HIT:
        snprintf(out, cap, "%s hit %s", a[0] ? a : "?", b[0] ? b : "?");
        *col = app_color(APP_COL_CHAT_HIT);
        return true;
    case MSG_EV_LEGEND:
        snprintf(out, cap, "%s is a legend", a[0] ? a : "?");
        *col = app_color(APP_COL_CHAT_NOTICE);
        return true;
    default:
        return false;
    }
}

static void draw_chat(Player *p)
{
    unsigned n, idx[CHAT_LINES], k = 0;
    const DemoLine *lines = demo_play_lines(p->play, &n);
    double rt = p->ctl.tick;
    for (unsigned i = n; i-- > 0 && k < CHAT_LINES;) {
        if ((double)lines[i].tick > rt)
            continue;
        if ((double)lines[i].tick + CHAT_SHOW_TICKS < rt)
            break;
        idx[k++] = i;
    }
    int lh = app_text_height(p->app->text, APP_FONT_NORMAL) + 2;
    int y = p->app->gfx.h - 60 - (int)k * lh;
    for (unsigned j = k; j-- > 0;) {
        char text[PROTO_NAME_MAX + PROTO_CHAT_MAX + 16];
        AppColor col;
        if (!line_text(p, &lines[idx[j]], text, sizeof text, &col))
            continue;
        app_text_draw(p->app->text, APP_FONT_NORMAL, text, col, 24, y, APP_ALIGN_LEFT, true);
        y += lh;
    }
}

static void draw_board(Player *p)
{
    Gfx *g = &p->app->gfx;
    int x = g->w - BOARD_W - 16, y = 16;
    p->board_n = 0;
    for (unsigned i = 0; i < p->nviews && p->board_n < BOARD_ROWS; i++)
        if (p->views[i].type == SNAP_ENT_PLAYER)
            p->board_ids[p->board_n++] = p->views[i].id;
    int h = 28 + (int)p->board_n * BOARD_ROW;
    gfx_rect(g, (float)x, (float)y, BOARD_W, (float)h, app_color(APP_COL_PANEL));
    app_text_draw(p->app->text, APP_FONT_SMALL, "Players (click to follow)",
                  app_color(APP_COL_TEXT_DIM), x + 8, y + 6, APP_ALIGN_LEFT, false);
    p->board_row0 = (AppRect){x, y + 26, BOARD_W, BOARD_ROW};
    for (unsigned r = 0; r < p->board_n; r++) {
        const CliEntityView *v = find_player(p, p->board_ids[r]);
        int ry = y + 26 + (int)r * BOARD_ROW;
        if (v->id == p->ctl.follow)
            gfx_rect(g, (float)x, (float)ry, BOARD_W, BOARD_ROW, app_color(APP_COL_PANEL_EDGE));
        gfx_circle(g, (float)x + 14, (float)ry + BOARD_ROW / 2.0f, 6,
                   app_player_color(demo_play_colour(p->play, v->id)));
        const char *name = demo_play_name(p->play, v->id);
        char label[64], score[16];
        snprintf(label, sizeof label, "%s%s", name[0] ? name : "?",
                 demo_play_legend(p->play, v->id) ? " (legend)" : "");
        snprintf(score, sizeof score, "%u", (unsigned)v->score);
        app_text_draw(p->app->text, APP_FONT_SMALL, label, app_color(APP_COL_TEXT), x + 26, ry + 2,
                      APP_ALIGN_LEFT, false);
        app_text_draw(p->app->text, APP_FONT_SMALL, score, app_color(APP_COL_TEXT), x + BOARD_W - 8,
                      ry + 2, APP_ALIGN_RIGHT, false);
    }
}

static void draw_timeline(Player *p)
{
    Gfx *g = &p->app->gfx;
    AppRect bar = app_demo_timeline_rect(g->w, g->h);
    gfx_rect(g, (float)bar.x, (float)bar.y, (float)bar.w, (float)bar.h,
             app_color(APP_COL_BACKGROUND)); /* opaque: the map does not show through */
    gfx_rect(g, (float)bar.x, (float)bar.y, (float)bar.w, (float)bar.h, app_color(APP_COL_PANEL));
    double span = p->ctl.last - p->ctl.first;
    double f = span > 0 ? (p->ctl.tick - p->ctl.first) / span : 1.0;
    gfx_rect(g, (float)bar.x, (float)bar.y, (float)(f * bar.w), (float)bar.h,
             app_color(APP_COL_ACCENT));
    double now = app_demo_seconds(&p->ctl, p->ctl.tick);
    double total = app_demo_seconds(&p->ctl, p->ctl.last);
    const char *who = demo_play_name(p->play, (unsigned)(p->ctl.follow < 0 ? 0 : p->ctl.follow));
    char line[160];
    snprintf(line, sizeof line, "DEMO  %d:%02d / %d:%02d   %.2gx%s   %s%s   map %s, match %u",
             (int)now / 60, (int)now % 60, (int)total / 60, (int)total % 60,
             app_demo_speed(&p->ctl), p->ctl.paused ? "   PAUSED" : "",
             p->ctl.follow < 0 ? "free camera" : "following ", p->ctl.follow < 0 ? "" : who,
             demo_play_header(p->play)->map_name, (unsigned)demo_play_header(p->play)->match);
    app_text_draw(p->app->text, APP_FONT_NORMAL, line, app_color(APP_COL_TEXT), bar.x, bar.y - 26,
                  APP_ALIGN_LEFT, true);
}

static void frame(Player *p, double dt)
{
    app_demo_advance(&p->ctl, dt);
    demo_play_update(p->play, p->ctl.tick);
    p->nviews = demo_play_sample(p->play, p->ctl.tick, p->views, PROTO_MAX_ENTITIES);
    if (p->ctl.follow != APP_DEMO_FREE_CAM && find_player(p, p->ctl.follow) == NULL)
        p->ctl.follow = APP_DEMO_FREE_CAM; /* left or not here yet */
    update_camera(p, dt);
    gfx_clear(&p->app->gfx, app_color(APP_COL_BACKGROUND));
    draw_map(p);
    draw_entities(p);
    draw_chat(p);
    draw_board(p);
    draw_timeline(p);
}

static void loop(Player *p)
{
    App *app = p->app;
    uint64_t quit_at =
        app->opt.quit_after > 0 ? app->start_us + (uint64_t)(app->opt.quit_after * 1e6) : 0;
    uint64_t last = mono_now_us();
    while (app->running) {
        uint64_t now = mono_now_us();
        double dt = (double)(now - last) / 1e6;
        last = now;
        handle_events(p);
        if (!app->running)
            break;
        frame(p, dt > 0.1 ? 0.1 : dt);
        if (quit_at != 0 && now >= quit_at) {
            if (app->opt.screenshot[0] != '\0') {
                char err[512];
                if (!gfx_save_bmp(&app->gfx, app->opt.screenshot, err, sizeof err)) {
                    fprintf(stderr, "arena-client: %s\n", err);
                    app->exit_code = 1;
                } else {
                    printf("arena-client: screenshot %s (%dx%d)\n", app->opt.screenshot, app->gfx.w,
                           app->gfx.h);
                }
            }
            app->running = false;
        }
        gfx_present(&app->gfx);
        app_text_frame(app->text);
        uint64_t next = app_next_frame_us(now, app->gfx.vsync ? 0.0 : FPS);
        uint64_t t = mono_now_us();
        if (next > t)
            SDL_Delay((Uint32)((next - t) / 1000));
    }
}

int demo_player_run(App *app)
{
    char err[600];
    Player p = {.app = app, .zoom = 1.0f, .overview = app->opt.overview};
    p.play = app_demo_open(app->opt.demo, &p.buf, err, sizeof err);
    if (p.play == NULL) {
        fprintf(stderr, "arena-client: %s\n", err);
        return 1;
    }
    if (demo_play_warning(p.play)[0] != '\0')
        fprintf(stderr, "arena-client: %s: %s\n", app->opt.demo, demo_play_warning(p.play));
    p.views = calloc(PROTO_MAX_ENTITIES, sizeof *p.views);
    if (p.views == NULL) {
        demo_play_destroy(p.play);
        free(p.buf);
        fprintf(stderr, "arena-client: out of memory\n");
        return 1;
    }
    app_demo_ctl_init(&p.ctl, demo_play_first_tick(p.play), demo_play_last_tick(p.play));
    app_camera_init(&p.cam, app->gfx.w, app->gfx.h);
    printf("arena-client: playing %s (map '%s', %u frames, %.1f s)\n", app->opt.demo,
           demo_play_header(p.play)->map_name, demo_play_frames(p.play),
           app_demo_seconds(&p.ctl, p.ctl.last));
    fflush(stdout);
    app->exit_code = 0;
    loop(&p);
    free(p.views);
    demo_play_destroy(p.play);
    free(p.buf);
    return app->exit_code;
}
