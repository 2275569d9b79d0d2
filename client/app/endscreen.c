/* endscreen.c — the end of a match: the winner, then the players' kills, deaths and accuracy
 * (EVENT STATS), best first, until the next warm-up (hud_match.h). The server sends the best
 * PROTO_STATS_BEST and the viewer's own: that row comes last, after a gap, when it is not among
 * the best. */
#include <stdio.h>
#include <stdlib.h>

#include "app.h"
#include "hud_match.h"

enum { ROWS_MAX = PROTO_STATS_BEST };

typedef struct EndRow {
    uint16_t id;
    MsgStats st;
} EndRow;

static int by_kills(const void *pa, const void *pb)
{
    const EndRow *a = pa, *b = pb;
    if (a->st.kills != b->st.kills)
        return a->st.kills > b->st.kills ? -1 : 1;
    if (a->st.deaths != b->st.deaths)
        return a->st.deaths < b->st.deaths ? -1 : 1;
    return a->id < b->id ? -1 : 1;
}

static unsigned gather(const AppMatchView *m, EndRow *rows)
{
    unsigned n = 0;
    for (unsigned i = 0; i < PROTO_MAX_PLAYERS; i++)
        if (m->has_stats[i])
            rows[n++] = (EndRow){(uint16_t)i, m->stats[i]};
    qsort(rows, n, sizeof *rows, by_kills);
    return n;
}

static void draw_row(App *app, const EndRow *r, int x, int w, int y, bool self)
{
    AppText *tx = app->text;
    AppColor c = self ? app_color(APP_COL_ACCENT) : app_color(APP_COL_TEXT);
    char buf[32];
    gfx_circle(&app->gfx, (float)(x + 14), (float)(y + 9), 6.0f,
               app_session_player_color(app->session, r->id));
    app_text_draw(tx, APP_FONT_NORMAL, cli_conn_player_name(app->session->conn, r->id), c, x + 30,
                  y, APP_ALIGN_LEFT, false);
    snprintf(buf, sizeof buf, "%u", r->st.kills);
    app_text_draw(tx, APP_FONT_NORMAL, buf, c, x + w - 190, y, APP_ALIGN_RIGHT, false);
    snprintf(buf, sizeof buf, "%u", r->st.deaths);
    app_text_draw(tx, APP_FONT_NORMAL, buf, c, x + w - 110, y, APP_ALIGN_RIGHT, false);
    snprintf(buf, sizeof buf, "%u%%", app_match_accuracy(&r->st));
    app_text_draw(tx, APP_FONT_NORMAL, buf, c, x + w - 20, y, APP_ALIGN_RIGHT, false);
}

void endscreen_draw(App *app)
{
    AppSession *s = app->session;
    const AppMatchView *m = &s->match;
    if (!m->known || m->match.phase != SIM_PHASE_ENDED)
        return;
    Gfx *g = &app->gfx;
    AppText *tx = app->text;
    EndRow rows[PROTO_MAX_PLAYERS];
    unsigned n = gather(m, rows), shown = n < ROWS_MAX ? n : ROWS_MAX;
    int self = cli_conn_player_id(s->conn);
    const EndRow *own = NULL; /* the viewer's row, when it is below the best */
    for (unsigned i = shown; i < n && own == NULL; i++)
        if (rows[i].id == self)
            own = &rows[i];
    int lh = app_text_height(tx, APP_FONT_NORMAL) + 6;
    int w = g->w - 40 < 520 ? g->w - 40 : 520;
    int h = 138 + (int)shown * lh + (own != NULL ? lh + lh / 2 : 0);
    AppRect p = {(g->w - w) / 2, (g->h - h) / 2, w, h};
    gfx_rect_r(g, p, app_color_fade(app_color(APP_COL_PANEL), 1.0f));
    gfx_frame_r(g, p, 2.0f, app_color(APP_COL_ACCENT));
    char buf[96];
    if (m->match.has_winner)
        snprintf(buf, sizeof buf, "%s wins!", cli_conn_player_name(s->conn, m->winner));
    else
        snprintf(buf, sizeof buf, "Draw: no winner");
    app_text_draw(tx, APP_FONT_HUGE, buf,
                  m->match.has_winner ? app_session_player_color(app->session, m->winner)
                                      : app_color(APP_COL_TEXT),
                  g->w / 2, p.y + 14, APP_ALIGN_CENTER, true);
    const Snapshot *snap = cli_conn_latest_snapshot(s->conn);
    int left = app_match_seconds_left(m, snap != NULL ? snap->tick : 0);
    snprintf(buf, sizeof buf, "next match in %d s", left > 0 ? left : 0);
    app_text_draw(tx, APP_FONT_SMALL, buf, app_color(APP_COL_TEXT_DIM), g->w / 2, p.y + 80,
                  APP_ALIGN_CENTER, false);
    int y = p.y + 104;
    AppColor dim = app_color(APP_COL_TEXT_DIM);
    app_text_draw(tx, APP_FONT_SMALL, "PLAYER", dim, p.x + 30, y, APP_ALIGN_LEFT, false);
    app_text_draw(tx, APP_FONT_SMALL, "KILLS", dim, p.x + w - 190, y, APP_ALIGN_RIGHT, false);
    app_text_draw(tx, APP_FONT_SMALL, "DEATHS", dim, p.x + w - 110, y, APP_ALIGN_RIGHT, false);
    app_text_draw(tx, APP_FONT_SMALL, "ACCURACY", dim, p.x + w - 20, y, APP_ALIGN_RIGHT, false);
    y += 20;
    for (unsigned i = 0; i < shown; i++, y += lh)
        draw_row(app, &rows[i], p.x, w, y, rows[i].id == self);
    if (own != NULL)
        draw_row(app, own, p.x, w, y + lh / 2, true);
}
