/* game_view.c — see game_view.h. Sizes in world units are scaled by the camera; a few have a
 * minimum in pixels so that a zoomed-out view stays readable. */
#include "game_view.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "quant.h"

#define PLAYER_R   12.0f /* drawn radius, world units (the wall box is 24 x 24) */
#define FACING_LEN 10.0f /* facing line beyond the body */

static const AppColor BLACK = {0, 0, 0, 255};
static const AppColor WHITE = {255, 255, 255, 255};

static float maxf(float a, float b)
{
    return a > b ? a : b;
}

/* Screen x of the west edge of tile column tx (rounded, so tiles share exact edges). */
static float edge_x(const AppCamera *c, int tx)
{
    float sx, sy;
    app_camera_to_screen(c, (float)tx * MAP_TILE_UNITS, 0.0f, &sx, &sy);
    return floorf(sx + 0.5f);
}

static float edge_y(const AppCamera *c, int ty)
{
    float sx, sy;
    app_camera_to_screen(c, 0.0f, (float)ty * MAP_TILE_UNITS, &sx, &sy);
    return floorf(sy + 0.5f);
}

/* The tiles that can be on screen (one tile of margin), clamped to the map. */
typedef struct TileRange {
    int tx0, ty0, tx1, ty1;
} TileRange;

static TileRange visible_tiles(const AppCamera *c, const Map *m)
{
    float x0, y0, x1, y1;
    app_camera_visible(c, &x0, &y0, &x1, &y1);
    TileRange r = {(int)floorf(x0 / MAP_TILE_UNITS) - 1, (int)floorf(y0 / MAP_TILE_UNITS) - 1,
                   (int)floorf(x1 / MAP_TILE_UNITS) + 1, (int)floorf(y1 / MAP_TILE_UNITS) + 1};
    if (r.tx0 < 0)
        r.tx0 = 0;
    if (r.ty0 < 0)
        r.ty0 = 0;
    if (r.tx1 > m->w - 1)
        r.tx1 = m->w - 1;
    if (r.ty1 > m->h - 1)
        r.ty1 = m->h - 1;
    return r;
}

/* Floor: one rectangle under the whole map, and a subtle grid where tiles are big enough to
 * need it. */
static void draw_floor(Gfx *g, const AppCamera *c, const Map *m, TileRange r)
{
    float mx0 = edge_x(c, 0), my0 = edge_y(c, 0), mx1 = edge_x(c, m->w), my1 = edge_y(c, m->h);
    gfx_rect(g, mx0, my0, mx1 - mx0, my1 - my0, app_color(APP_COL_FLOOR));
    float ts = MAP_TILE_UNITS * c->scale;
    if (ts < 14.0f)
        return;
    AppColor gc = app_color(APP_COL_GRID);
    float top = edge_y(c, r.ty0), bottom = edge_y(c, r.ty1 + 1);
    float left = edge_x(c, r.tx0), right = edge_x(c, r.tx1 + 1);
    for (int tx = r.tx0; tx <= r.tx1 + 1; tx++)
        gfx_rect(g, edge_x(c, tx), top, 1.0f, bottom - top, gc);
    for (int ty = r.ty0; ty <= r.ty1 + 1; ty++)
        gfx_rect(g, left, edge_y(c, ty), right - left, 1.0f, gc);
}

/* Named zones (maps.md): a faint tint, so a curious eye notices something is there. */
static void draw_zones(Gfx *g, const AppCamera *c, const Map *m, TileRange r)
{
    for (int ty = r.ty0; ty <= r.ty1; ty++)
        for (int tx = r.tx0; tx <= r.tx1; tx++) {
            unsigned z = map_zone_at(m, tx, ty);
            if (z == 0)
                continue;
            AppColor zc = strcmp(m->zone_names[z - 1], "quiet corner") == 0
                              ? (AppColor){150, 190, 255, 16}
                              : (AppColor){255, 214, 90, 20};
            float xa = edge_x(c, tx), ya = edge_y(c, ty);
            gfx_rect(g, xa, ya, edge_x(c, tx + 1) - xa, edge_y(c, ty + 1) - ya, zc);
        }
}

/* Spawn points: a faint ring in the middle of the tile. */
static void draw_spawns(Gfx *g, const AppCamera *c, const Map *m, TileRange r)
{
    float s = c->scale;
    AppColor sc = app_color(APP_COL_SPAWN);
    for (unsigned i = 0; i < m->spawn_count; i++) {
        const MapSpawn *sp = &m->spawns[i];
        if ((int)sp->tx < r.tx0 || (int)sp->tx > r.tx1 || (int)sp->ty < r.ty0 ||
            (int)sp->ty > r.ty1)
            continue;
        float sx, sy;
        app_camera_to_screen(c, ((float)sp->tx + 0.5f) * MAP_TILE_UNITS,
                             ((float)sp->ty + 0.5f) * MAP_TILE_UNITS, &sx, &sy);
        gfx_ring(g, sx, sy, 8.0f * s, maxf(10.0f * s, 8.0f * s + 1.0f), sc);
        gfx_circle(g, sx, sy, maxf(2.0f * s, 1.0f), sc);
    }
}

/* Walls: runs of wall tiles per row, then lit and shaded edges and a soft shadow on the floor
 * below. */
static void draw_walls(Gfx *g, const AppCamera *c, const Map *m, TileRange r)
{
    float s = c->scale;
    AppColor wc = app_color(APP_COL_WALL), lit = app_color(APP_COL_WALL_EDGE);
    AppColor shade = app_color(APP_COL_WALL_SHADE);
    AppColor shadow0 = {0, 0, 0, 90}, shadow1 = {0, 0, 0, 0};
    float lit_h = maxf(2.0f * s, 1.0f), shade_h = maxf(4.0f * s, 2.0f);
    for (int ty = r.ty0; ty <= r.ty1; ty++) {
        float ya = edge_y(c, ty), yb = edge_y(c, ty + 1);
        int run = -1;
        for (int tx = r.tx0; tx <= r.tx1 + 1; tx++) {
            bool wall = tx <= r.tx1 && m->tiles[ty][tx] == MAP_WALL;
            if (wall && run < 0)
                run = tx;
            if (!wall && run >= 0) {
                float xa = edge_x(c, run), xb = edge_x(c, tx);
                gfx_rect(g, xa, ya, xb - xa, yb - ya, wc);
                run = -1;
            }
        }
        for (int tx = r.tx0; tx <= r.tx1; tx++) {
            if (m->tiles[ty][tx] != MAP_WALL)
                continue;
            float xa = edge_x(c, tx), xb = edge_x(c, tx + 1);
            if (!map_is_wall(m, tx, ty - 1))
                gfx_rect(g, xa, ya, xb - xa, lit_h, lit);
            if (!map_is_wall(m, tx, ty + 1)) {
                gfx_rect(g, xa, yb - shade_h, xb - xa, shade_h, shade);
                gfx_rect_vgrad(g, xa, yb, xb - xa, maxf(7.0f * s, 3.0f), shadow0, shadow1);
            }
            if (!map_is_wall(m, tx - 1, ty))
                gfx_rect(g, xa, ya, maxf(1.0f * s, 1.0f), yb - ya, lit);
            if (!map_is_wall(m, tx + 1, ty))
                gfx_rect(g, xb - maxf(2.0f * s, 1.0f), ya, maxf(2.0f * s, 1.0f), yb - ya, shade);
        }
    }
}

static void draw_map(App *app, const Map *m)
{
    const AppCamera *c = &app->arena.cam;
    TileRange r = visible_tiles(c, m);
    draw_floor(&app->gfx, c, m, r);
    draw_zones(&app->gfx, c, m, r);
    draw_spawns(&app->gfx, c, m, r);
    draw_walls(&app->gfx, c, m, r);
}

/* Each named zone's name, faintly painted on the floor at the middle of its tiles. */
static void draw_zone_names(App *app, const Map *m)
{
    const AppCamera *c = &app->arena.cam;
    if (c->scale * MAP_TILE_UNITS < 14.0f)
        return; /* too small to read */
    int x0[MAP_MAX_ZONES], y0[MAP_MAX_ZONES], x1[MAP_MAX_ZONES], y1[MAP_MAX_ZONES];
    for (unsigned z = 0; z < MAP_MAX_ZONES; z++) {
        x0[z] = y0[z] = INT32_MAX;
        x1[z] = y1[z] = -1;
    }
    for (int ty = 0; ty < m->h; ty++)
        for (int tx = 0; tx < m->w; tx++) {
            unsigned z = map_zone_at(m, tx, ty);
            if (z == 0)
                continue;
            z--;
            x0[z] = tx < x0[z] ? tx : x0[z];
            y0[z] = ty < y0[z] ? ty : y0[z];
            x1[z] = tx > x1[z] ? tx : x1[z];
            y1[z] = ty > y1[z] ? ty : y1[z];
        }
    gfx_flush(&app->gfx);
    for (unsigned z = 0; z < MAP_MAX_ZONES; z++) {
        if (x1[z] < 0 || m->zone_names[z][0] == '\0')
            continue;
        float sx, sy;
        app_camera_to_screen(c, (float)(x0[z] + x1[z] + 1) * 0.5f * MAP_TILE_UNITS,
                             (float)(y0[z] + y1[z] + 1) * 0.5f * MAP_TILE_UNITS, &sx, &sy);
        if (sx < -200 || sy < -50 || sx > app->gfx.w + 200 || sy > app->gfx.h + 50)
            continue;
        int th = app_text_height(app->text, APP_FONT_SMALL);
        app_text_draw(app->text, APP_FONT_SMALL, m->zone_names[z], (AppColor){220, 220, 235, 46},
                      (int)sx, (int)sy - th / 2, APP_ALIGN_CENTER, false);
    }
}

/* A legend's mark: a golden halo and a little crown above the head. */
static void draw_legend_mark(Gfx *g, float sx, float sy, float r, float s, bool alive)
{
    AppColor gold = {255, 214, 90, alive ? 230 : 90};
    float w = maxf(2.0f * s, 1.5f);
    gfx_ring(g, sx, sy, r + 5.0f * s, r + 5.0f * s + w, app_color_fade(gold, 0.7f));
    float cy = sy - r - maxf(7.0f * s, 5.0f), cw = maxf(7.0f * s, 5.0f), ch = cw * 0.8f;
    gfx_rect(g, sx - cw, cy, 2 * cw, ch * 0.45f, gold);
    for (int k = -1; k <= 1; k++)
        gfx_triangle(g, sx + (float)k * cw * 0.75f - cw * 0.3f, cy,
                     sx + (float)k * cw * 0.75f + cw * 0.3f, cy, sx + (float)k * cw * 0.75f,
                     cy - ch, gold);
}

typedef struct Label {
    float x, y;
    const char *text;
    AppColor color;
    bool self;
} Label;

/* One player body: shadow, disc, outline, facing line. */
static void draw_player(Gfx *g, float sx, float sy, float r, float aim, AppColor col, bool alive,
                        bool self, float s)
{
    float fade = alive ? 1.0f : 0.28f;
    if (alive)
        gfx_circle(g, sx + 2.0f, sy + 3.0f, r, (AppColor){0, 0, 0, 70});
    gfx_circle(g, sx, sy, r, app_color_fade(col, fade));
    float ow = maxf(1.5f * s, 1.0f);
    gfx_ring(g, sx, sy, r, r + ow, app_color_fade(app_color_mix(col, BLACK, 0.5f), fade));
    if (self)
        gfx_ring(g, sx, sy, r + ow + maxf(1.5f * s, 1.0f), r + ow + maxf(4.0f * s, 2.5f),
                 app_color_fade(app_color(APP_COL_SELF_RING), alive ? 0.9f : 0.35f));
    if (alive) {
        float dx = cosf(aim), dy = sinf(aim);
        float w = maxf(3.0f * s, 2.0f);
        AppColor lc = app_color_mix(col, WHITE, 0.75f);
        gfx_line(g, sx + dx * r * 0.35f, sy + dy * r * 0.35f, sx + dx * (r + FACING_LEN * s),
                 sy + dy * (r + FACING_LEN * s), w, lc, lc);
    }
}

static void draw_shot(Gfx *g, const AppCamera *c, const CliEntityView *v, AppColor pc)
{
    float s = c->scale;
    float hx, hy, tx, ty;
    app_camera_to_screen(c, v->x, v->y, &hx, &hy);
    app_camera_to_screen(c, v->x - v->vx * 2.5f, v->y - v->vy * 2.5f, &tx, &ty);
    AppColor head = app_color_mix(pc, WHITE, 0.55f);
    AppColor tail = app_color_fade(pc, 0.0f);
    gfx_line(g, tx, ty, hx, hy, maxf(3.0f * s, 2.0f), tail, head);
    gfx_circle_grad(g, hx, hy, maxf(4.5f * s, 2.5f), WHITE, app_color_fade(head, 0.0f));
}

static void draw_effects(App *app)
{
    Gfx *g = &app->gfx;
    const AppCamera *c = &app->arena.cam;
    const AppEffects *fx = &app->session->fx;
    float s = c->scale;
    for (unsigned i = 0; i < fx->flash_count; i++) {
        const AppFlash *f = &fx->flashes[i];
        float sx, sy;
        app_camera_to_screen(c, f->x, f->y, &sx, &sy);
        float a = app_fx_flash_alpha(f);
        float r = app_fx_flash_radius(f) * s;
        if (f->muzzle)
            gfx_circle_grad(g, sx, sy, r, app_color_fade(f->color, a),
                            app_color_fade(f->color, 0.0f));
        else
            gfx_ring(g, sx, sy, r - maxf(3.0f * s, 1.5f), r, app_color_fade(f->color, a * 0.8f));
    }
    for (unsigned i = 0; i < fx->part_count; i++) {
        const AppParticle *p = &fx->parts[i];
        float sx, sy;
        app_camera_to_screen(c, p->x, p->y, &sx, &sy);
        float r = maxf(p->size * s, 1.5f);
        gfx_rect(g, sx - r / 2, sy - r / 2, r, r,
                 app_color_fade(p->color, app_fx_particle_alpha(p)));
    }
}

/* Name labels of one frame, drawn after every shape (text is textures). */
typedef struct Labels {
    Label l[PROTO_MAX_PLAYERS + 1];
    unsigned n;
    char idname[PROTO_MAX_PLAYERS][8]; /* "#id" for players without a name yet */
} Labels;

static bool off_screen(const Gfx *g, float sx, float sy, float margin)
{
    return sx < -margin || sy < -margin || sx > g->w + margin || sy > g->h + margin;
}

/* Remote players: the dead first, so the living are drawn over them. Returns how many were
 * drawn. */
/* Under a live player: its health (full width = PROTO_MAX_HEALTH), and a white ring while it
 * has spawn protection. */
static void draw_health(Gfx *g, float sx, float sy, float r, float s, unsigned hp, bool protect)
{
    float w = 2.2f * r, h = maxf(3.0f * s, 3.0f), x = sx - w / 2, y = sy + r + maxf(5.0f * s, 4.0f);
    AppColor c = hp * 3 > PROTO_MAX_HEALTH * 2 ? app_color(APP_COL_GOOD)
                 : hp * 3 > PROTO_MAX_HEALTH   ? app_color(APP_COL_WARN)
                                               : app_color(APP_COL_BAD);
    gfx_rect(g, x - 1, y - 1, w + 2, h + 2, (AppColor){0, 0, 0, 160});
    gfx_rect(g, x, y, w * (float)hp / PROTO_MAX_HEALTH, h, c);
    if (protect)
        gfx_ring(g, sx, sy, r + maxf(6.0f * s, 4.0f), r + maxf(8.0f * s, 5.5f),
                 (AppColor){255, 255, 255, 150});
}

static unsigned draw_remote_players(App *app, float r, float margin, Labels *lb)
{
    Gfx *g = &app->gfx;
    const ArenaState *a = &app->arena;
    CliConn *conn = app->session->conn;
    const AppCamera *c = &a->cam;
    float s = c->scale;
    unsigned in_view = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < a->nviews; i++) {
            const CliEntityView *v = &a->views[i];
            if (v->type != SNAP_ENT_PLAYER || v->id >= PROTO_MAX_PLAYERS)
                continue;
            bool alive = (v->flags & SNAP_FLAG_ALIVE) != 0;
            if (alive != (pass == 1))
                continue;
            float sx, sy;
            app_camera_to_screen(c, v->x, v->y, &sx, &sy);
            if (off_screen(g, sx, sy, margin))
                continue;
            in_view++;
            draw_player(g, sx, sy, r, v->aim, app_session_player_color(app->session, v->id), alive,
                        false, s);
            if (alive)
                draw_health(g, sx, sy, r, s, v->health, (v->flags & SNAP_FLAG_PROTECTED) != 0);
            bool legend = cli_conn_is_legend(conn, v->id);
            if (legend)
                draw_legend_mark(g, sx, sy, r, s, alive);
            if (lb->n < sizeof lb->l / sizeof lb->l[0]) {
                const char *name = cli_conn_player_name(conn, v->id);
                if (name[0] == '\0') {
                    snprintf(lb->idname[v->id], sizeof lb->idname[v->id], "#%u", v->id);
                    name = lb->idname[v->id];
                }
                AppColor lc = legend ? (AppColor){255, 214, 90, 255} : app_color(APP_COL_TEXT);
                lb->l[lb->n++] = (Label){sx, sy - r - (legend ? maxf(12.0f * s, 9.0f) : 4.0f), name,
                                         app_color_fade(lc, alive ? 0.9f : 0.4f), false};
            }
        }
    }
    return in_view;
}

/* The local player, over everyone else. Returns 1 if drawn. */
static unsigned draw_self(App *app, float r, Labels *lb)
{
    const ArenaState *a = &app->arena;
    CliConn *conn = app->session->conn;
    float s = a->cam.scale;
    int self = cli_conn_player_id(conn);
    if (!a->self_ready || self < 0)
        return 0;
    float sx, sy;
    app_camera_to_screen(&a->cam, a->self_x, a->self_y, &sx, &sy);
    draw_player(&app->gfx, sx, sy, r, q_aim12_to_radians(a->aim),
                app_session_player_color(app->session, (unsigned)self), a->self_alive, true, s);
    const Snapshot *snap = cli_conn_latest_snapshot(conn);
    if (a->self_alive && snap != NULL && snap->has_self)
        draw_health(&app->gfx, sx, sy, r, s, snap->self.health,
                    (snap->self.flags & SNAP_FLAG_PROTECTED) != 0);
    bool legend = cli_conn_is_legend(conn, (unsigned)self);
    if (legend)
        draw_legend_mark(&app->gfx, sx, sy, r, s, a->self_alive);
    if (lb->n < sizeof lb->l / sizeof lb->l[0])
        lb->l[lb->n++] =
            (Label){sx, sy - r - maxf(4.0f * s, 2.5f) - (legend ? maxf(12.0f * s, 9.0f) : 4.0f),
                    app->name, app_color(APP_COL_ACCENT), true};
    return 1;
}

static void draw_shots(App *app, float margin)
{
    const ArenaState *a = &app->arena;
    for (unsigned i = 0; i < a->nviews; i++) {
        const CliEntityView *v = &a->views[i];
        if (v->type != SNAP_ENT_SHOT)
            continue;
        float sx, sy;
        app_camera_to_screen(&a->cam, v->x, v->y, &sx, &sy);
        if (!off_screen(&app->gfx, sx, sy, margin))
            draw_shot(&app->gfx, &a->cam, v, app_session_player_color(app->session, v->owner));
    }
}

void game_view_draw(App *app)
{
    Gfx *g = &app->gfx;
    float s = app->arena.cam.scale;
    gfx_clear(g, app_color(APP_COL_BACKGROUND));
    const Map *m = cli_conn_map(app->session->conn);
    if (m != NULL) {
        draw_map(app, m);
        draw_zone_names(app, m);
    }

    float r = maxf(PLAYER_R * s, 5.0f);
    float margin = r + 80.0f;
    Labels lb;
    lb.n = 0;
    unsigned in_view = draw_remote_players(app, r, margin, &lb);
    in_view += draw_self(app, r, &lb);
    app->players_in_view_sum += in_view;
    app->view_samples++;
    draw_shots(app, margin);
    draw_effects(app);

    /* Name labels last: text is textures, and one flush for all shapes is cheaper. */
    gfx_flush(g);
    if (s * PLAYER_R >= 6.0f) {
        int th = app_text_height(app->text, APP_FONT_SMALL);
        for (unsigned i = 0; i < lb.n; i++)
            app_text_draw(app->text, APP_FONT_SMALL, lb.l[i].text, lb.l[i].color, (int)lb.l[i].x,
                          (int)lb.l[i].y - th, APP_ALIGN_CENTER, true);
    }
}

void game_view_draw_crosshair(App *app, int mx, int my)
{
    Gfx *g = &app->gfx;
    float x = (float)mx, y = (float)my;
    AppColor dark = {0, 0, 0, 140};
    AppColor light = {255, 255, 255, 230};
    gfx_ring(g, x, y, 7.0f, 12.0f, dark);
    gfx_ring(g, x, y, 8.0f, 10.5f, light);
    for (int i = 0; i < 4; i++) {
        float dx = (i == 0) - (i == 1), dy = (i == 2) - (i == 3);
        gfx_line(g, x + dx * 13.0f, y + dy * 13.0f, x + dx * 19.0f, y + dy * 19.0f, 2.0f, light,
                 light);
    }
    gfx_rect(g, x - 1.0f, y - 1.0f, 2.0f, 2.0f, light);
}
