/* title_recent.c — see title_recent.h. */
#include "title_recent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "cli_files.h"

static bool path_of(char *out, size_t cap)
{
    return cli_files_path(CLI_FILE_STATE, "servers", out, cap);
}

void title_recent_load(App *app)
{
    TitleState *t = &app->title;
    if (t->recent_loaded)
        return;
    t->recent_loaded = true;
    cli_servers_init(&t->recent);
    char path[CLI_FILES_PATH_MAX], err[CLI_FILES_PATH_MAX + 64];
    char *text = NULL;
    size_t len = 0;
    if (!path_of(path, sizeof path))
        return; /* no home: nothing remembered, nothing said */
    if (!cli_files_read(path, CLI_SERVERS_FILE_MAX, &text, &len, err, sizeof err)) {
        fprintf(stderr, "arena-client: recent servers: %s\n", err);
        app_set_status(app, true, "Recent servers not loaded: %s", err);
        return;
    }
    unsigned bad = 0;
    cli_servers_parse(text != NULL ? text : "", len, &t->recent, &bad);
    free(text);
    if (bad > 0)
        fprintf(stderr, "arena-client: recent servers: %s: %u bad line%s skipped\n", path, bad,
                bad == 1 ? "" : "s");
}

static void save(App *app)
{
    char path[CLI_FILES_PATH_MAX], err[CLI_FILES_PATH_MAX + 64];
    static char text[CLI_SERVERS_FILE_MAX];
    if (!path_of(path, sizeof path))
        return;
    size_t n = cli_servers_format(&app->title.recent, text, sizeof text);
    if (n == 0 || !cli_files_replace(path, text, n, err, sizeof err)) {
        fprintf(stderr, "arena-client: recent servers not saved: %s\n", n ? err : "too long");
        app_set_status(app, true, "Recent servers not saved: %s", n ? err : "too long");
    }
}

static bool on_lan(const TitleState *t, const CliServerEntry *e)
{
    for (unsigned i = 0; i < t->lan_count; i++)
        if (t->visible[i]->reply.login_port == e->port && strcmp(t->visible[i]->addr, e->host) == 0)
            return true;
    return false;
}

void title_recent_rows(App *app)
{
    TitleState *t = &app->title;
    t->lan_count = t->visible_count;
    for (unsigned i = 0; i < t->recent.count; i++) {
        const CliServerEntry *e = &t->recent.e[i];
        if (on_lan(t, e) || t->visible_count >= TITLE_ROWS_MAX)
            continue;
        t->recent_of[t->visible_count - t->lan_count] = i;
        t->visible[t->visible_count++] = NULL; /* a recent row: drawn from recent_of */
    }
}

bool title_recent_target(const App *app, unsigned idx, const char **host, unsigned *port)
{
    const TitleState *t = &app->title;
    if (idx < t->lan_count || idx >= t->visible_count)
        return false;
    const CliServerEntry *e = &t->recent.e[t->recent_of[idx - t->lan_count]];
    *host = e->host;
    *port = e->port;
    return true;
}

bool title_recent_is_favourite(const App *app, const char *host, unsigned port)
{
    int i = cli_servers_find(&app->title.recent, host, (uint16_t)port);
    return i >= 0 && app->title.recent.e[i].favourite;
}

void title_recent_toggle(App *app, int idx)
{
    TitleState *t = &app->title;
    if (idx < 0 || (unsigned)idx >= t->visible_count)
        return;
    const char *host, *name = NULL;
    unsigned port;
    if ((unsigned)idx < t->lan_count) {
        host = t->visible[idx]->addr;
        port = t->visible[idx]->reply.login_port;
        name = t->visible[idx]->reply.server_name;
    } else if (!title_recent_target(app, (unsigned)idx, &host, &port)) {
        return;
    }
    char h[CLI_SERVERS_HOST_MAX + 1];
    snprintf(h, sizeof h, "%s", host); /* the entry may move */
    bool fav = cli_servers_toggle_favourite(&t->recent, h, (uint16_t)port, name);
    app_set_status(app, false, "%s:%u %s the favourites.", h, port,
                   fav ? "added to" : "removed from");
    save(app);
    title_update(app); /* the rows follow the new order */
}

void title_recent_draw_row(App *app, unsigned idx, AppRect r, const int cx[4])
{
    TitleState *t = &app->title;
    if (idx < t->lan_count || idx >= t->visible_count)
        return;
    const CliServerEntry *e = &t->recent.e[t->recent_of[idx - t->lan_count]];
    AppText *tx = app->text;
    AppColor dim = app_color(APP_COL_TEXT_DIM), text = app_color(APP_COL_TEXT);
    char buf[CLI_SERVERS_HOST_MAX + 48];
    snprintf(buf, sizeof buf, "%s %s", e->favourite ? "\u2605" : "\u21BA",
             e->name[0] ? e->name : e->host);
    app_text_draw_in(tx, APP_FONT_NORMAL, buf, e->favourite ? app_color(APP_COL_ACCENT) : text,
                     (AppRect){cx[0], r.y, 10, r.h}, APP_ALIGN_LEFT, false);
    snprintf(buf, sizeof buf, "%s:%u", e->host, (unsigned)e->port);
    app_text_draw_in(tx, APP_FONT_NORMAL, buf, dim, (AppRect){cx[1], r.y, 10, r.h}, APP_ALIGN_LEFT,
                     false);
    app_text_draw_in(tx, APP_FONT_SMALL, e->favourite ? "favourite" : "recent", dim,
                     (AppRect){cx[2], r.y, 10, r.h}, APP_ALIGN_LEFT, false);
    app_text_draw_in(tx, APP_FONT_NORMAL, "-", dim, (AppRect){cx[3], r.y, 0, r.h}, APP_ALIGN_RIGHT,
                     false);
}

void title_recent_joined(App *app, const char *host, unsigned port, const char *name)
{
    title_recent_load(app);
    if (cli_servers_touch(&app->title.recent, host, (uint16_t)port, name, (int64_t)time(NULL)))
        save(app);
}
