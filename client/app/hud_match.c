/* hud_match.c — see hud_match.h. In the whole-map view (M) nothing here draws a panel: text
 * with a shadow only, so the map and the player stay visible. */
#include "hud_match.h"

#include <stdio.h>

#include "app.h"

#define MARGIN 12
enum { BAR_W = 220, BAR_H = 14 };

static void panel(App *app, AppRect r)
{
    if (app->arena.overview)
        return;
    gfx_rect_r(&app->gfx, r, app_color(APP_COL_PANEL));
    gfx_frame_r(&app->gfx, r, 1.0f, app_color_fade(app_color(APP_COL_PANEL_EDGE), 0.7f));
}

/* Green above two thirds, amber above one third, red below. */
static AppColor health_color(unsigned hp)
{
    return hp * 3 > PROTO_MAX_HEALTH * 2 ? app_color(APP_COL_GOOD)
           : hp * 3 > PROTO_MAX_HEALTH   ? app_color(APP_COL_WARN)
                                         : app_color(APP_COL_BAD);
}

/* The rank of `mine` among the snapshot's players (1 = best) and how many there are. */
static void rank_of(const Snapshot *snap, unsigned mine, unsigned *rank, unsigned *players)
{
    unsigned better = 0, n = 1;
    for (unsigned i = 0; i < snap->count; i++) {
        const SnapEntity *e = &snap->ents[i];
        if (e->type != SNAP_ENT_PLAYER)
            continue;
        n++;
        better += e->score > mine;
    }
    *rank = better + 1;
    *players = n;
}

void hud_match_bar(App *app)
{
    Gfx *g = &app->gfx;
    AppSession *s = app->session;
    const Snapshot *snap = cli_conn_latest_snapshot(s->conn);
    if (snap == NULL || !snap->has_self)
        return;
    const SnapSelf *me = &snap->self;
    unsigned rank, players;
    rank_of(snap, me->score, &rank, &players);
    char clock[48], line[128];
    app_match_clock(&s->match, snap->tick, clock, sizeof clock);
    const MsgMatch *m = &s->match.match;
    if (s->match.known && m->score_limit != 0)
        snprintf(line, sizeof line, "%u / %u kills   #%u of %u", me->score, m->score_limit, rank,
                 players);
    else
        snprintf(line, sizeof line, "%u kill%s   #%u of %u", me->score, me->score == 1 ? "" : "s",
                 rank, players);
    int x0 = g->w / 2 - BAR_W / 2, y = MARGIN;
    panel(app, (AppRect){x0 - 12, y - 6, BAR_W + 24, 78});
    AppText *tx = app->text;
    app_text_draw(tx, APP_FONT_BIG, clock[0] ? clock : " ", app_color(APP_COL_TEXT), g->w / 2, y,
                  APP_ALIGN_CENTER, true);
    y += app_text_height(tx, APP_FONT_BIG) + 4;
    app_text_draw(tx, APP_FONT_SMALL, line, app_color(APP_COL_TEXT), g->w / 2, y, APP_ALIGN_CENTER,
                  true);
    y += app_text_height(tx, APP_FONT_SMALL) + 5;
    /* The health bar: full width is PROTO_MAX_HEALTH; dark behind, the number on it. */
    unsigned hp = me->health;
    gfx_rect(g, (float)x0, (float)y, (float)BAR_W, (float)BAR_H, (AppColor){0, 0, 0, 150});
    gfx_rect(g, (float)x0, (float)y, (float)(BAR_W * hp / PROTO_MAX_HEALTH), (float)BAR_H,
             health_color(hp));
    if (me->flags & SNAP_FLAG_PROTECTED)
        gfx_frame_r(g, (AppRect){x0 - 1, y - 1, BAR_W + 2, BAR_H + 2}, 2.0f,
                    app_color(APP_COL_ACCENT));
    snprintf(line, sizeof line, "%u", hp);
    app_text_draw_in(tx, APP_FONT_SMALL, line, (AppColor){255, 255, 255, 255},
                     (AppRect){x0, y, BAR_W, BAR_H}, APP_ALIGN_CENTER, true);
}

void hud_killfeed(App *app, int top)
{
    Gfx *g = &app->gfx;
    AppSession *s = app->session;
    AppText *tx = app->text;
    int lh = app_text_height(tx, APP_FONT_NORMAL) + 6;
    int self = cli_conn_player_id(s->conn);
    for (unsigned i = 0;; i++) {
        const AppKill *k = app_feed_get(&s->feed, i, app->now_us);
        if (k == NULL)
            break;
        float a = app_feed_alpha(k, app->now_us);
        char text[2 * PROTO_NAME_MAX + 16];
        snprintf(text, sizeof text, "%s  >  %s", k->killer_name[0] ? k->killer_name : "?",
                 k->victim_name[0] ? k->victim_name : "?");
        int w = 0, h = 0;
        app_text_size(tx, APP_FONT_NORMAL, text, &w, &h);
        int y = top + (int)i * lh;
        AppRect r = {g->w - MARGIN - w - 16, y, w + 16, lh - 2};
        bool mine = k->killer == self || k->victim == self;
        if (!app->arena.overview)
            gfx_rect_r(g, r,
                       app_color_fade(mine ? app_color(APP_COL_ACCENT) : app_color(APP_COL_PANEL),
                                      mine ? 0.45f * a : a));
        /* Killer in its colour, victim in its colour, the arrow white. */
        int x = r.x + 8;
        int ty = y + (lh - 2 - h) / 2;
        x += app_text_draw(tx, APP_FONT_NORMAL, k->killer_name,
                           app_color_fade(app_session_player_color(app->session, k->killer), a), x,
                           ty, APP_ALIGN_LEFT, true);
        x += app_text_draw(tx, APP_FONT_NORMAL, "  >  ", app_color_fade(app_color(APP_COL_TEXT), a),
                           x, ty, APP_ALIGN_LEFT, true);
        app_text_draw(tx, APP_FONT_NORMAL, k->victim_name,
                      app_color_fade(app_session_player_color(app->session, k->victim), a), x, ty,
                      APP_ALIGN_LEFT, true);
    }
}
