/* hud.c — see hud.h. */
#include "hud.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "chatlog.h"
#include "chatlog_draw.h"
#include "cli_chat.h"
#include "hud_match.h"
#include "menu.h"

#define HUD_REFRESH_US 250000 /* numbers change four times a second */
#define MARGIN         12

static const AppColor WHITE = {255, 255, 255, 255};

static AppColor level_color(int level)
{
    return level == 0   ? app_color(APP_COL_GOOD)
           : level == 1 ? app_color(APP_COL_WARN)
                        : app_color(APP_COL_BAD);
}

static void panel(Gfx *g, AppRect r)
{
    gfx_rect_r(g, r, app_color(APP_COL_PANEL));
    gfx_frame_r(g, r, 1.0f, app_color_fade(app_color(APP_COL_PANEL_EDGE), 0.7f));
}

/* ---- numbers (top left) ----------------------------------------------------------------- */

static void refresh_numbers(App *app)
{
    ArenaState *a = &app->arena;
    if (app->now_us < a->hud_next_us)
        return;
    a->hud_next_us = app->now_us + HUD_REFRESH_US;
    AppSession *s = app->session;
    CliConn *c = s->conn;
    double rtt = cli_conn_rtt_ms(c);
    double loss = app_ng_loss_percent(&s->ng, app->now_us, 3000000);
    double rate = app_ng_rate_hz(&s->ng, app->now_us, 1000000);
    double in_k = 0, out_k = 0;
    (void)app_ng_kbits(&s->ng, 1000000, &in_k, &out_k);
    snprintf(a->hud_ping, sizeof a->hud_ping, "ping %.0f ms", rtt);
    snprintf(a->hud_loss, sizeof a->hud_loss, "loss %.1f%%", loss);
    snprintf(a->hud_rate, sizeof a->hud_rate, "%.0f snap/s", rate);
    snprintf(a->hud_delay, sizeof a->hud_delay, "interp %.0f ms",
             cli_interp_delay_ms(cli_conn_interp(c)));
    snprintf(a->hud_in, sizeof a->hud_in, "in %.1f kbit/s", in_k);
    snprintf(a->hud_out, sizeof a->hud_out, "out %.1f kbit/s", out_k);
    snprintf(a->hud_fps, sizeof a->hud_fps, "%.0f fps", app_frame_stats_hud_fps(&app->frames));
    a->hud_ping_level = rtt < 60 ? 0 : rtt < 150 ? 1 : 2;
    a->hud_loss_level = loss < 0.05 ? 0 : loss < 3.0 ? 1 : 2;
}

static void draw_numbers(App *app)
{
    ArenaState *a = &app->arena;
    Gfx *g = &app->gfx;
    refresh_numbers(app);
    AppText *tx = app->text;
    AppColor text = app_color(APP_COL_TEXT);
    const char *seg[2][4] = {{a->hud_ping, a->hud_loss, a->hud_rate, a->hud_delay},
                             {a->hud_in, a->hud_out, a->hud_fps, NULL}};
    AppColor col[2][4] = {
        {level_color(a->hud_ping_level), level_color(a->hud_loss_level), text, text},
        {text, text, text, text}};
    const int gap = 14;
    int lh = app_text_height(tx, APP_FONT_SMALL);
    int width = 0;
    for (int row = 0; row < 2; row++) {
        int w = 0;
        for (int i = 0; i < 4 && seg[row][i] != NULL; i++) {
            int sw, sh;
            app_text_size(tx, APP_FONT_SMALL, seg[row][i], &sw, &sh);
            w += sw + (i > 0 ? gap : 0);
        }
        if (w > width)
            width = w;
    }
    panel(g, (AppRect){MARGIN - 6, MARGIN - 4, width + 12, 2 * lh + 12});
    for (int row = 0; row < 2; row++) {
        int x = MARGIN, y = MARGIN + row * (lh + 4);
        for (int i = 0; i < 4 && seg[row][i] != NULL; i++)
            x += app_text_draw(tx, APP_FONT_SMALL, seg[row][i], col[row][i], x, y, APP_ALIGN_LEFT,
                               true) +
                 gap;
    }
}

/* ---- connection warnings (top centre, lagwarn.h decides) -------------------------------- */

static void draw_lag_warnings(App *app)
{
    AppSession *s = app->session;
    CliConn *c = s->conn;
    const CliClock *clock = cli_conn_clock(c);
    AppLagInput in = {.now_us = app->now_us,
                      .last_snapshot_us = cli_conn_stats(c)->last_snapshot_us,
                      .loss_percent = app_ng_loss_percent(&s->ng, app->now_us, 3000000),
                      .rtt_ms = cli_conn_rtt_ms(c),
                      .resyncs = clock->resyncs + cli_conn_interp(c)->resyncs,
                      .inputs_late = clock->late_total};
    if (app_lag_update(&s->lag, &in) == 0)
        return;
    char lines[APP_LAG_FLAGS][APP_LAG_LINE_MAX];
    unsigned n = app_lag_lines(&s->lag, lines, APP_LAG_FLAGS);
    Gfx *g = &app->gfx;
    int y = MARGIN + 136; /* below the match bar and the first seconds' key hint */
    for (unsigned i = 0; i < n; i++) {
        bool first = i == 0;
        AppFont font = first ? APP_FONT_BIG : APP_FONT_NORMAL;
        int w = 0, h = 0;
        app_text_size(app->text, font, lines[i], &w, &h);
        gfx_rect_r(g, (AppRect){(g->w - w) / 2 - 10, y - 3, w + 20, h + 6},
                   (AppColor){0, 0, 0, 150});
        app_text_draw(
            app->text, font, lines[i],
            app_color(first && (s->lag.active & APP_LAG_STALL) ? APP_COL_BAD : APP_COL_WARN),
            g->w / 2, y, APP_ALIGN_CENTER, true);
        y += h + 8;
    }
}

/* ---- minimap (top right) ---------------------------------------------------------------- */

static void build_minimap(App *app, const Map *m)
{
    ArenaState *a = &app->arena;
    if (a->minimap != NULL && a->minimap_checksum == m->checksum)
        return;
    if (a->minimap != NULL)
        SDL_DestroyTexture(a->minimap);
    a->minimap = NULL;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, m->w, m->h, 32, SDL_PIXELFORMAT_RGBA32);
    if (s == NULL)
        return;
    AppColor wall = app_color(APP_COL_WALL), floor = app_color(APP_COL_FLOOR);
    AppColor spawn = app_color(APP_COL_SPAWN);
    for (int y = 0; y < m->h; y++) {
        uint8_t *row = (uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch;
        for (int x = 0; x < m->w; x++) {
            AppColor c = m->tiles[y][x] == MAP_WALL ? wall : floor;
            row[4 * x + 0] = c.r;
            row[4 * x + 1] = c.g;
            row[4 * x + 2] = c.b;
            row[4 * x + 3] = 255;
        }
    }
    for (unsigned i = 0; i < m->spawn_count; i++) {
        uint8_t *p = (uint8_t *)s->pixels + (size_t)m->spawns[i].ty * (size_t)s->pitch +
                     4 * (size_t)m->spawns[i].tx;
        p[0] = spawn.r;
        p[1] = spawn.g;
        p[2] = spawn.b;
    }
    a->minimap = SDL_CreateTextureFromSurface(app->gfx.ren, s);
    SDL_FreeSurface(s);
    if (a->minimap != NULL) {
        SDL_SetTextureScaleMode(a->minimap, SDL_ScaleModeNearest);
        SDL_SetTextureBlendMode(a->minimap, SDL_BLENDMODE_BLEND);
        SDL_SetTextureAlphaMod(a->minimap, 225);
        a->minimap_checksum = m->checksum;
    }
}

static void draw_minimap(App *app)
{
    ArenaState *a = &app->arena;
    Gfx *g = &app->gfx;
    CliConn *c = app->session->conn;
    const Map *m = cli_conn_map(c);
    if (m == NULL)
        return;
    build_minimap(app, m);
    if (a->minimap == NULL)
        return;
    float k = fminf(210.0f / m->w, 150.0f / m->h); /* pixels per tile */
    if (k < 1.0f)
        k = 1.0f;
    float mw = k * m->w, mh = k * m->h;
    float x0 = (float)g->w - MARGIN - mw, y0 = MARGIN;
    gfx_rect(g, x0 - 3, y0 - 3, mw + 6, mh + 6, app_color(APP_COL_PANEL));
    gfx_flush(g);
    SDL_FRect dst = {x0, y0, mw, mh};
    SDL_RenderCopyF(g->ren, a->minimap, NULL, &dst);
    float unit = k / MAP_TILE_UNITS; /* minimap pixels per world unit */
    float dot = fmaxf(3.0f, k * 0.9f);
    for (unsigned i = 0; i < a->nviews; i++) {
        const CliEntityView *v = &a->views[i];
        if (v->type != SNAP_ENT_PLAYER)
            continue;
        bool alive = (v->flags & SNAP_FLAG_ALIVE) != 0;
        AppColor col =
            app_color_fade(app_session_player_color(app->session, v->id), alive ? 1.0f : 0.35f);
        gfx_rect(g, x0 + v->x * unit - dot / 2, y0 + v->y * unit - dot / 2, dot, dot, col);
    }
    int self = cli_conn_player_id(c);
    if (a->self_ready && self >= 0) {
        float sx = x0 + a->self_x * unit, sy = y0 + a->self_y * unit;
        float d = dot + 2.0f;
        gfx_rect(g, sx - d / 2 - 1, sy - d / 2 - 1, d + 2, d + 2, WHITE);
        gfx_rect(g, sx - d / 2, sy - d / 2, d, d,
                 app_session_player_color(app->session, (unsigned)self));
    }
    /* What the main view shows. */
    float vx0, vy0, vx1, vy1;
    app_camera_visible(&a->cam, &vx0, &vy0, &vx1, &vy1);
    vx0 = fmaxf(vx0 * unit, 0.0f);
    vy0 = fmaxf(vy0 * unit, 0.0f);
    vx1 = fminf(vx1 * unit, mw);
    vy1 = fminf(vy1 * unit, mh);
    if (vx1 > vx0 && vy1 > vy0)
        gfx_frame(g, x0 + vx0, y0 + vy0, vx1 - vx0, vy1 - vy0, 1.0f,
                  (AppColor){255, 255, 255, 120});
}

/* ---- net graph (bottom right) ----------------------------------------------------------- */

static void legend(App *app, int *x, int y, AppColorRole role, const char *word)
{
    gfx_rect(&app->gfx, (float)*x, (float)y + 4, 8, 8, app_color(role));
    *x += 11;
    *x += app_text_draw(app->text, APP_FONT_SMALL, word, app_color(APP_COL_TEXT_DIM), *x, y,
                        APP_ALIGN_LEFT, false) +
          10;
}

/* Where the net graph's strips are, and the time they span. */
typedef struct NgBox {
    int x, y, w;        /* the size strip's top left, both strips' width */
    int bars_h, late_h; /* strip heights */
    uint64_t window_us; /* time the width spans */
} NgBox;

/* What the drawn snapshots add up to (the dropped ones excepted). */
typedef struct NgTotals {
    uint64_t bytes, max_bytes, got;
} NgTotals;

/* The top of the size strip: the smallest of 100, 200, 400, 800 and PROTO_MAX_DATAGRAM (1200)
 * bytes (the datagram budget) that holds the largest snapshot shown. */
static uint32_t ng_top(const AppNgSample *samples, unsigned n)
{
    uint32_t top = 100, biggest = 0;
    for (unsigned i = 0; i < n; i++)
        if (samples[i].bytes > biggest)
            biggest = samples[i].bytes;
    while (top < biggest && top < PROTO_MAX_DATAGRAM)
        top = top * 2 > PROTO_MAX_DATAGRAM ? PROTO_MAX_DATAGRAM : top * 2;
    return top;
}

static float ng_x(const NgBox *b, uint64_t now_us, uint64_t t)
{
    return (float)b->x + (float)b->w * (1.0f - (float)(now_us - t) / (float)b->window_us);
}

/* One bar per snapshot message in the size strip (a full-height red one per lost snapshot)
 * and its lateness below. */
static NgTotals draw_ng_bars(App *app, const NgBox *b, const AppNgSample *samples, unsigned n,
                             uint32_t top)
{
    Gfx *g = &app->gfx;
    AppColor dim = app_color(APP_COL_TEXT_DIM);
    NgTotals t = {0, 0, 0};
    for (unsigned i = 0; i < n; i++) {
        const AppNgSample *e = &samples[i];
        if (e->kind == APP_NG_LOST) {
            for (unsigned k = 1; k <= e->missing; k++) {
                uint64_t at = e->arrival_us + (e->end_us - e->arrival_us) * k / (e->missing + 1u);
                if (app->now_us - at <= b->window_us)
                    gfx_rect(g, ng_x(b, app->now_us, at), (float)b->y, 2, (float)b->bars_h,
                             app_color(APP_COL_BAD));
            }
            continue;
        }
        float x = ng_x(b, app->now_us, e->arrival_us);
        float h = (float)b->bars_h * (float)(e->bytes > top ? top : e->bytes) / (float)top;
        AppColorRole role = e->kind == APP_NG_FULL      ? APP_COL_FULL
                            : e->kind == APP_NG_LATE    ? APP_COL_WARN
                            : e->kind == APP_NG_DROPPED ? APP_COL_BAD
                                                        : APP_COL_GOOD;
        if (h < 1.0f)
            h = 1.0f;
        gfx_rect(g, x, (float)(b->y + b->bars_h) - h, 2, h, app_color(role));
        /* Lateness strip: 0..100 ms. */
        float lt = e->late_ms > 100.0f ? 1.0f : e->late_ms / 100.0f;
        if (lt > 0.0f)
            gfx_rect(g, x, (float)(b->y + b->bars_h + 6 + b->late_h) - lt * b->late_h, 2,
                     lt * b->late_h, e->kind == APP_NG_LATE ? app_color(APP_COL_WARN) : dim);
        if (e->kind != APP_NG_DROPPED) {
            t.bytes += e->bytes;
            t.got++;
            if (e->bytes > t.max_bytes)
                t.max_bytes = e->bytes;
        }
    }
    return t;
}

/* The title, the strips' scales, the totals, the interpolation figures and the legend. */
static void draw_ng_text(App *app, const NgBox *b, int title_y, uint32_t top, NgTotals t)
{
    AppSession *s = app->session;
    AppText *tx = app->text;
    AppColor dim = app_color(APP_COL_TEXT_DIM);
    int lh = app_text_height(tx, APP_FONT_SMALL);
    char buf[128];
    app_text_draw(tx, APP_FONT_SMALL, "net graph (F3)", app_color(APP_COL_TEXT), b->x, title_y,
                  APP_ALIGN_LEFT, true);
    snprintf(buf, sizeof buf, "size, top %u B", top);
    app_text_draw(tx, APP_FONT_SMALL, buf, dim, b->x + b->w, title_y, APP_ALIGN_RIGHT, false);
    app_text_draw(tx, APP_FONT_SMALL, "lateness 0-100 ms", dim, b->x + b->w, b->y + b->bars_h + 6,
                  APP_ALIGN_RIGHT, false);
    int y = b->y + b->bars_h + 6 + b->late_h + 6;
    CliInterp *ip = cli_conn_interp(s->conn);
    snprintf(buf, sizeof buf, "avg %llu B  max %llu B  %.0f snap/s  lost %llu  late %llu",
             (unsigned long long)(t.got ? t.bytes / t.got : 0), (unsigned long long)t.max_bytes,
             app_ng_rate_hz(&s->ng, app->now_us, 1000000), (unsigned long long)s->ng.lost,
             (unsigned long long)s->ng.late);
    app_text_draw(tx, APP_FONT_SMALL, buf, dim, b->x, y, APP_ALIGN_LEFT, false);
    y += lh + 2;
    snprintf(buf, sizeof buf, "interp %.0f ms (max %.0f)  jitter %.1f ms  starved %u / %.0f ms",
             cli_interp_delay_ms(ip), cli_interp_delay_max_ms(ip), cli_interp_jitter_ms(ip),
             cli_interp_starvations(ip), cli_interp_starved_ms(ip));
    app_text_draw(tx, APP_FONT_SMALL, buf, dim, b->x, y, APP_ALIGN_LEFT, false);
    y += lh + 2;
    /* The tick clock: lead beyond RTT/2 (jitter margin + the server-steered trim), and the
     * server's last word on how early our inputs arrive. */
    const CliClock *ck = cli_conn_clock(s->conn);
    char server[32] = "-";
    if (ck->lead_known)
        snprintf(server, sizeof server, "%.2f", ck->server_lead);
    snprintf(buf, sizeof buf, "lead %+.1f ticks (trim %+.1f)  at server %s  late %u",
             cli_clock_margin_ticks(ck), ck->trim, server, ck->late_total);
    app_text_draw(tx, APP_FONT_SMALL, buf, dim, b->x, y, APP_ALIGN_LEFT, false);
    y += lh + 2;
    int x = b->x;
    legend(app, &x, y, APP_COL_GOOD, "delta");
    legend(app, &x, y, APP_COL_FULL, "full");
    legend(app, &x, y, APP_COL_WARN, "late");
    legend(app, &x, y, APP_COL_BAD, "lost / dropped");
}

static void draw_netgraph(App *app)
{
    Gfx *g = &app->gfx;
    int lh = app_text_height(app->text, APP_FONT_SMALL);
    NgBox b = {
        .w = 340, .bars_h = 64, .late_h = 20, .window_us = (uint64_t)(APP_NETGRAPH_WINDOW_S * 1e6)};
    int pw = b.w + 16, ph = 10 + lh + 4 + b.bars_h + 6 + b.late_h + 6 + 4 * (lh + 2) + 8;
    AppRect p = {g->w - MARGIN - pw, g->h - MARGIN - ph, pw, ph};
    panel(g, p);
    b.x = p.x + 8;
    b.y = p.y + 10 + lh + 4;
    AppColor rule = app_color_fade(app_color(APP_COL_TEXT_DIM), 0.5f);

    AppNgSample samples[APP_NG_SAMPLES];
    unsigned n =
        app_ng_window(&app->session->ng, app->now_us, b.window_us, samples, APP_NG_SAMPLES);
    uint32_t top = ng_top(samples, n);
    gfx_rect(g, (float)b.x, (float)b.y, (float)b.w, 1, rule);
    gfx_rect(g, (float)b.x, (float)(b.y + b.bars_h), (float)b.w, 1, rule);
    NgTotals t = draw_ng_bars(app, &b, samples, n, top);
    gfx_rect(g, (float)b.x, (float)(b.y + b.bars_h + 6 + b.late_h), (float)b.w, 1, rule);
    draw_ng_text(app, &b, p.y + 6, top, t);
}

/* ---- chat (bottom left) ----------------------------------------------------------------- */

static void draw_chat(App *app)
{
    ArenaState *a = &app->arena;
    Gfx *g = &app->gfx;
    AppText *tx = app->text;
    int lh = app_text_height(tx, APP_FONT_NORMAL) + 2;
    int width = g->w * 55 / 100;
    int bottom = g->h - MARGIN - (a->chat_open ? lh + 34 : 24);
    if (a->chat_open) {
        int boxh = APP_CHAT_LINES_OPEN * lh + lh + 40;
        panel(g, (AppRect){MARGIN - 6, g->h - MARGIN - boxh, width + 12, boxh});
    }
    gfx_flush(g);
    SDL_Rect clip = {MARGIN, 0, width, g->h};
    SDL_RenderSetClipRect(g->ren, &clip);
    app_chat_draw_history(app, MARGIN, width, bottom, lh); /* chatlog_draw.c */
    if (a->chat_open) {
        int y = g->h - MARGIN - lh - 24;
        AppRect box = {MARGIN, y - 4, width, lh + 8};
        gfx_rect_r(g, box, (AppColor){0, 0, 0, 160});
        gfx_frame_r(g, box, 1.0f, app_color(APP_COL_ACCENT));
        int px = MARGIN + 8;
        px += app_text_draw(tx, APP_FONT_NORMAL, "Say:", app_color(APP_COL_ACCENT), px, y,
                            APP_ALIGN_LEFT, false) +
              8;
        char before[APP_FIELD_CAP + 1];
        memcpy(before, a->chat.text, a->chat.cursor);
        before[a->chat.cursor] = '\0';
        int cw = 0, chh = 0;
        app_text_size(tx, APP_FONT_NORMAL, before, &cw, &chh);
        int room = width - (px - MARGIN) - 12;
        int shift = cw > room ? cw - room : 0;
        gfx_flush(g);
        SDL_Rect fclip = {px, y - 4, room + 4, lh + 8};
        SDL_RenderSetClipRect(g->ren, &fclip);
        app_text_draw(tx, APP_FONT_NORMAL, a->chat.text, app_color(APP_COL_TEXT), px - shift, y,
                      APP_ALIGN_LEFT, false);
        if ((app->now_us / 530000) % 2 == 0)
            gfx_rect(g, (float)(px - shift + cw), (float)y, 2, (float)(lh - 2),
                     app_color(APP_COL_ACCENT));
        gfx_flush(g);
        SDL_RenderSetClipRect(g->ren, &clip);
        char hint[128] = "Enter sends   Esc cancels   ";
        size_t used = strlen(hint);
        cli_chat_hint("   ", hint + used, sizeof hint - used);
        app_text_draw(tx, APP_FONT_SMALL, hint, app_color(APP_COL_TEXT_DIM), MARGIN,
                      g->h - MARGIN - 16, APP_ALIGN_LEFT, false);
    }
    gfx_flush(g);
    SDL_RenderSetClipRect(g->ren, NULL);
}

/* ---- scoreboard (Tab) ------------------------------------------------------------------- */

/* The legend's crown: a gold band with three points. */
static void draw_crown(Gfx *g, float cx, float cy)
{
    AppColor gold = {255, 214, 90, 255};
    gfx_rect(g, cx - 8, cy + 1, 16, 5, gold);
    for (int i = -1; i <= 1; i++)
        gfx_line(g, cx + 7.0f * (float)i, cy + 2, cx + 7.0f * (float)i, cy - 6, 3.0f, gold, gold);
}

/* Deaths of a scoreboard row from the newest snapshot (-1: not in the arena). */
static int row_deaths(const Snapshot *snap, int self, int id)
{
    if (snap == NULL || id < 0)
        return -1;
    if (id == self && snap->has_self)
        return snap->self.deaths;
    const SnapEntity *e = snap_find(snap, (uint16_t)id);
    return e != NULL && e->type == SNAP_ENT_PLAYER ? e->deaths : -1;
}

static void draw_scoreboard(App *app)
{
    Gfx *g = &app->gfx;
    AppText *tx = app->text;
    AppSession *s = app->session;
    CliConn *c = s->conn;
    const Snapshot *snap = cli_conn_latest_snapshot(c);
    AppScoreInput in[PROTO_MAX_PLAYERS];
    unsigned n = 0;
    unsigned self_score = 0;
    bool self_alive = false;
    if (snap != NULL) {
        for (unsigned i = 0; i < snap->count && n < PROTO_MAX_PLAYERS; i++) {
            const SnapEntity *e = &snap->ents[i];
            if (e->type == SNAP_ENT_PLAYER && e->id < PROTO_MAX_PLAYERS)
                in[n++] = (AppScoreInput){e->id, e->score, (e->flags & SNAP_FLAG_ALIVE) != 0};
        }
        if (snap->has_self) {
            self_score = snap->self.score;
            self_alive = (snap->self.flags & SNAP_FLAG_ALIVE) != 0;
        }
    }
    AppScoreRow rows[APP_SCORES_MAX];
    unsigned nr = app_scores_rows(&s->scores, in, n, cli_conn_player_id(c), self_score, self_alive,
                                  (int)(cli_conn_rtt_ms(c) + 0.5), app_session_player_name, s, rows,
                                  APP_SCORES_MAX);
    int lh = app_text_height(tx, APP_FONT_NORMAL) + 6;
    int pw = g->w - 40 < 560 ? g->w - 40 : 560;
    int max_rows = (g->h - 160) / lh;
    if (max_rows < 1)
        max_rows = 1;
    unsigned shown = nr < (unsigned)max_rows ? nr : (unsigned)max_rows;
    int ph = 70 + (int)shown * lh + 30;
    AppRect p = {(g->w - pw) / 2, (g->h - ph) / 2, pw, ph};
    panel(g, p);
    const MsgWelcome *w = cli_conn_welcome(c);
    char buf[160];
    snprintf(buf, sizeof buf, "%s  -  %u player%s", w != NULL ? w->map_name : "arena", nr,
             nr == 1 ? "" : "s");
    app_text_draw(tx, APP_FONT_BIG, buf, app_color(APP_COL_TEXT), p.x + 20, p.y + 12,
                  APP_ALIGN_LEFT, true);
    app_text_draw(tx, APP_FONT_SMALL, s->target, app_color(APP_COL_TEXT_DIM), p.x + pw - 20,
                  p.y + 18, APP_ALIGN_RIGHT, false);
    int cx_name = p.x + 48, cx_score = p.x + pw - 190, cx_deaths = p.x + pw - 110,
        cx_ping = p.x + pw - 24;
    int y = p.y + 50;
    AppColor dim = app_color(APP_COL_TEXT_DIM);
    app_text_draw(tx, APP_FONT_SMALL, "PLAYER", dim, cx_name, y, APP_ALIGN_LEFT, false);
    app_text_draw(tx, APP_FONT_SMALL, "KILLS", dim, cx_score, y, APP_ALIGN_RIGHT, false);
    app_text_draw(tx, APP_FONT_SMALL, "DEATHS", dim, cx_deaths, y, APP_ALIGN_RIGHT, false);
    app_text_draw(tx, APP_FONT_SMALL, "PING", dim, cx_ping, y, APP_ALIGN_RIGHT, false);
    y += 20;
    for (unsigned i = 0; i < shown; i++) {
        const AppScoreRow *r = &rows[i];
        if (r->self)
            gfx_rect(g, (float)(p.x + 8), (float)(y - 2), (float)(pw - 16), (float)lh,
                     app_color_fade(app_color(APP_COL_ACCENT), 0.18f));
        else if (i % 2)
            gfx_rect(g, (float)(p.x + 8), (float)(y - 2), (float)(pw - 16), (float)lh,
                     (AppColor){255, 255, 255, 8});
        if (r->playing)
            gfx_circle(g, (float)(p.x + 30), (float)(y + lh / 2 - 2), 7.0f,
                       app_color_fade(app_session_player_color(app->session, (unsigned)r->id),
                                      r->alive ? 1.0f : 0.4f));
        AppColor nc = r->self      ? app_color(APP_COL_ACCENT)
                      : r->playing ? app_color(APP_COL_TEXT)
                                   : dim;
        char name[64];
        snprintf(name, sizeof name, "%s%s", r->name, r->playing ? "" : "  (chatting)");
        int nw = app_text_draw(tx, APP_FONT_NORMAL, name, nc, cx_name, y, APP_ALIGN_LEFT, false);
        if (r->id >= 0 && cli_conn_is_legend(c, (unsigned)r->id))
            draw_crown(g, (float)(cx_name + nw + 14), (float)(y + lh / 2 - 2));
        snprintf(buf, sizeof buf, "%u", r->score);
        app_text_draw(tx, APP_FONT_NORMAL, buf, nc, cx_score, y, APP_ALIGN_RIGHT, false);
        int deaths = row_deaths(snap, cli_conn_player_id(c), r->id);
        if (deaths >= 0) {
            snprintf(buf, sizeof buf, "%d", deaths);
            app_text_draw(tx, APP_FONT_NORMAL, buf, nc, cx_deaths, y, APP_ALIGN_RIGHT, false);
        }
        if (r->ping_ms >= 0)
            snprintf(buf, sizeof buf, "%d ms", r->ping_ms);
        else
            snprintf(buf, sizeof buf, "-");
        app_text_draw(tx, APP_FONT_NORMAL, buf, nc, cx_ping, y, APP_ALIGN_RIGHT, false);
        y += lh;
    }
    if (shown < nr) {
        snprintf(buf, sizeof buf, "... and %u more", nr - shown);
        app_text_draw(tx, APP_FONT_SMALL, buf, dim, cx_name, y + 2, APP_ALIGN_LEFT, false);
    }
}

/* ---- notices ---------------------------------------------------------------------------- */

static void draw_death(App *app)
{
    ArenaState *a = &app->arena;
    Gfx *g = &app->gfx;
    const CliPredict *p = cli_conn_predict(app->session->conn);
    if (!a->self_ready || a->self_alive)
        return;
    char buf[96];
    if (a->last_attacker >= 0) {
        const char *who = cli_conn_player_name(app->session->conn, (unsigned)a->last_attacker);
        snprintf(buf, sizeof buf, "Killed by %s", who[0] ? who : "someone");
    } else {
        snprintf(buf, sizeof buf, "You were killed");
    }
    app_text_draw(app->text, APP_FONT_BIG, buf, app_color(APP_COL_BAD), g->w / 2, g->h / 3,
                  APP_ALIGN_CENTER, true);
    snprintf(buf, sizeof buf, "back in %.1f s", (double)p->player.respawn / PROTO_TICK_HZ);
    app_text_draw(app->text, APP_FONT_NORMAL, buf, app_color(APP_COL_TEXT), g->w / 2, g->h / 3 + 32,
                  APP_ALIGN_CENTER, true);
}

static void draw_hint(App *app)
{
    ArenaState *a = &app->arena;
    Gfx *g = &app->gfx;
    double age = (double)(app->now_us - a->entered_us) / 1e6;
    if (age > APP_HINT_S || a->menu_open)
        return;
    float alpha = age > APP_HINT_S - 2.0 ? (float)((APP_HINT_S - age) / 2.0) : 1.0f;
    char text[256];
    if (app_settings_hint(&app->settings, text, sizeof text) == 0)
        return;
    int w = 0, h = 0;
    app_text_size(app->text, APP_FONT_NORMAL, text, &w, &h);
    AppRect r = {(g->w - w) / 2 - 14, MARGIN + 92, w + 28, h + 14}; /* under the match bar */
    gfx_rect_r(g, r, app_color_fade(app_color(APP_COL_PANEL), alpha));
    app_text_draw_in(app->text, APP_FONT_NORMAL, text,
                     app_color_fade(app_color(APP_COL_TEXT), alpha), r, APP_ALIGN_CENTER, false);
}

/* By default what a player needs (health, kills, the clock, the kill feed, chat); the network
 * numbers with the net graph behind F3. The whole-map view (M) has no minimap (the map is on
 * screen) and no panels over it. */
void hud_draw(App *app)
{
    int feed_top = MARGIN;
    if (!app->arena.overview) {
        draw_minimap(app);
        const Map *m = cli_conn_map(app->session->conn);
        if (m != NULL && app->arena.minimap != NULL) {
            float k = fminf(210.0f / m->w, 150.0f / m->h);
            feed_top = MARGIN + (int)(fmaxf(k, 1.0f) * m->h) + 12;
        }
    }
    if (app->netgraph)
        draw_numbers(app);
    hud_match_bar(app);
    hud_killfeed(app, feed_top);
    draw_death(app);
    draw_hint(app);
    draw_lag_warnings(app);
    if (app->netgraph)
        draw_netgraph(app);
    draw_chat(app);
    endscreen_draw(app);
    if (app->arena.scores_held && !app->arena.menu_open) {
        app_session_want_scores(app->session, app->now_us);
        draw_scoreboard(app);
    }
}
