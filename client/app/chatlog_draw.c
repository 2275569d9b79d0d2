/* chatlog_draw.c — see chatlog_draw.h. */
#include "chatlog_draw.h"

#include <string.h>

#include "app.h"
#include "chatlog.h"

enum { SHADOW_PX = 2 }; /* app_text_draw's shadow reaches this far right */

static int measure(void *ctx, const char *s, size_t len)
{
    return app_text_measure(ctx, APP_FONT_NORMAL, s, len);
}

static void draw_more_below(App *app, int x, int y)
{
    app_text_draw(app->text, APP_FONT_SMALL, "\u25BC more below (PgDn, End: back to live)",
                  app_color(APP_COL_ACCENT), x, y, APP_ALIGN_LEFT, true);
}

void app_chat_draw_history(App *app, int x, int width, int bottom, int lh)
{
    ArenaState *a = &app->arena;
    const CliChat *chat = cli_conn_chat_history(app->session->conn);
    AppChatRow rows[APP_CHAT_LINES_OPEN];
    bool more = false;
    unsigned n =
        app_chat_layout(chat, app->now_us, a->chat_open, &a->chat_scroll, width - SHADOW_PX,
                        measure, app->text, rows, APP_CHAT_LINES_OPEN, &more);
    if (more) {
        bottom -= lh; /* the marker takes the last row */
        if (n == APP_CHAT_LINES_OPEN) {
            memmove(rows, rows + 1, (n - 1) * sizeof rows[0]);
            n--;
        }
    }
    int top = bottom - (int)n * lh;
    char line[PROTO_LINE_MAX + 64], part[PROTO_LINE_MAX + 64];
    for (unsigned i = 0; i < n; i++) {
        const CliChatEntry *e = cli_chat_get(chat, rows[i].entry);
        if (e == NULL)
            continue;
        size_t len = cli_chat_format(e, line, sizeof line);
        AppChatSpan sp = rows[i].span;
        if ((size_t)sp.start + sp.len > len)
            continue;
        memcpy(part, line + sp.start, sp.len);
        part[sp.len] = '\0';
        float alpha = app_chat_alpha(e->time_us, app->now_us, a->chat_open);
        app_text_draw(app->text, APP_FONT_NORMAL, part,
                      app_color_fade(app_color(app_chat_color(e->kind)), alpha), x,
                      top + (int)i * lh, APP_ALIGN_LEFT, true);
    }
    if (more)
        draw_more_below(app, x, bottom + 2);
}
