/* rejoin.c — see rejoin.h. */
#include "rejoin.h"

#include <stdio.h>

#include "app.h"

bool app_rejoin_active(const App *app)
{
    return app->rejoin.active;
}

bool app_rejoin_after_loss(App *app, bool was_in_arena, CliFailure f, const char *why)
{
    bool go;
    if (was_in_arena)
        go = cli_rejoin_begin(&app->rejoin, f, app->now_us);
    else if (app->rejoin.active)
        go = cli_rejoin_failed(&app->rejoin, f, app->now_us);
    else
        return false;
    snprintf(app->rejoin_why, sizeof app->rejoin_why, "%s", why);
    if (!go) {
        if (!was_in_arena) /* an attempt ended the retries: say so on the title screen */
            app_set_status(app, true, "Gave up rejoining %s:%u after %u attempts: %s",
                           app->join_host, app->join_port, app->rejoin.attempt, why);
        return false;
    }
    fprintf(stderr, "arena-client: %s: %s; rejoining %s:%u (attempt %u of %d)\n",
            was_in_arena ? "connection lost" : "rejoin failed", why, app->join_host, app->join_port,
            app->rejoin.attempt + 1, CLI_REJOIN_ATTEMPTS);
    app->screen = APP_SCREEN_REJOINING;
    SDL_StopTextInput();
    SDL_ShowCursor(SDL_ENABLE);
    return true;
}

void app_rejoin_done(App *app)
{
    if (app->rejoin.active)
        printf("arena-client: rejoined %s:%u after %u attempt%s\n", app->join_host, app->join_port,
               app->rejoin.attempt, app->rejoin.attempt == 1 ? "" : "s");
    fflush(stdout);
    cli_rejoin_stop(&app->rejoin);
}

void app_rejoin_cancel(App *app)
{
    if (app->rejoin.active)
        app_set_status(app, false, "Stopped rejoining %s:%u.", app->join_host, app->join_port);
    cli_rejoin_stop(&app->rejoin);
}

void app_rejoin_tick(App *app)
{
    if (!cli_rejoin_due(&app->rejoin, app->now_us))
        return;
    char host[sizeof app->join_host];
    snprintf(host, sizeof host, "%s", app->join_host);
    app_join(app, host, app->join_port); /* the joining screen; its end comes back here */
}

void app_rejoin_event(App *app, const SDL_Event *ev)
{
    if (ev->type != SDL_KEYDOWN)
        return;
    switch (ev->key.keysym.sym) {
    case SDLK_ESCAPE:
        app_rejoin_cancel(app);
        title_open(app);
        break;
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
    case SDLK_r:
        cli_rejoin_now(&app->rejoin, app->now_us);
        break;
    default:
        break;
    }
}

void app_rejoin_draw(App *app)
{
    char heading[sizeof app->join_host + 48], detail[sizeof app->rejoin_why + 160];
    snprintf(heading, sizeof heading, "Connection to %s:%u lost", app->join_host, app->join_port);
    uint64_t next = app->rejoin.next_us;
    double wait_s = next > app->now_us ? (double)(next - app->now_us) / 1e6 : 0.0;
    snprintf(detail, sizeof detail,
             "%s. Rejoining in %.0f s (attempt %u of %d).   Enter: rejoin now   Esc: stop",
             app->rejoin_why, wait_s + 0.49, app->rejoin.attempt + 1, CLI_REJOIN_ATTEMPTS);
    title_draw_busy(app, heading, detail);
}
