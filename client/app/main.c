/* main.c — arena-client: the Localhost Arena game client (SDL2).
 *
 * Owns the process: options, SDL and font start-up, the main loop and the moves between
 * screens (title -> joining -> arena -> leaving -> title), --screenshot / --quit-after and
 * --stats-json. The loop never blocks on sockets: it polls the connection's fds (and the
 * discovery socket) until the next frame is due or the core's next-wake hint, whichever is
 * first, services the core, and draws a frame at the display rate (vsync when the renderer
 * has it, else capped at --max-fps). Every failure of a connection is shown on the title
 * screen in words; with --connect and --quit-after it ends the process with status 1.
 *
 * Exit status: 0 normally; 1 when a --connect run with --quit-after never reached (or was
 * not in) the arena, or SDL, the window or the font could not be set up; 2 for bad usage. */
#include <SDL.h>
#include <SDL_ttf.h>
#include <enet/enet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "demo_file.h"
#include "demo_player.h"
#include "settings_store.h"
#include "rejoin.h"
#include "title_recent.h"
#include "timing.h"
#include "mono_clock.h"

enum {
    MAX_POLL_MS = 20,        /* longest single wait: SDL events are not on our fds */
    LEAVE_WAIT_US = 2500000, /* a polite goodbye takes at most this long */
    MAX_FRAME_US = 100000,   /* frame times are clamped to this for animation */
    MENU_FPS = 60,           /* frame cap outside the arena */
};

void app_set_status(App *app, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(app->status, sizeof app->status, fmt, ap);
    va_end(ap);
    app->status_error = error;
}

/* Keeps what --stats-json reports before a session goes away. */
static void collect_stats(App *app)
{
    AppSession *s = app->session;
    if (s == NULL || !s->in_arena)
        return;
    const CliPredict *p = cli_conn_predict(s->conn);
    const CliStats *st = cli_conn_stats(s->conn);
    AppRunStats r = {.valid = true};
    r.seconds = app_session_arena_seconds(s, app->now_us);
    r.delay_ms_mean = s->delay_samples ? s->delay_ms_sum / (double)s->delay_samples : 0.0;
    r.snapshots = st->snapshots;
    r.lost = s->ng.lost;
    r.late = s->ng.late;
    r.pred_errors = p->errors;
    r.reconciliations = p->reconciliations;
    r.pred_err_sum = p->error_sum_units;
    r.pred_err_max = p->error_max_units;
    r.rtt_ms = s->delay_samples ? s->rtt_ms_sum / (double)s->delay_samples : 0.0;
    app->run = r;
}

static void end_session(App *app)
{
    collect_stats(app);
    app_session_destroy(app->session);
    app->session = NULL;
}

void app_join(App *app, const char *host, uint16_t port)
{
    char err[256];
    app->status[0] = '\0';
    if (host != app->join_host)
        snprintf(app->join_host, sizeof app->join_host, "%s", host);
    app->join_port = port;
    app->session = app_session_create(host, port, app->name, app->settings.colour, app->opt.claims,
                                      app->now_us, err, sizeof err);
    if (app->session == NULL) {
        fprintf(stderr, "arena-client: cannot join %s:%u: %s\n", host, port, err);
        app_set_status(app, true, "Cannot join %s:%u: %s", host, port, err);
        title_open(app);
        return;
    }
    if (app->title.name.max_bytes != 0 && !app->opt.name_given &&
        strcmp(app->settings.name, app->name) != 0) {
        /* The name typed on the title screen is kept for next time (not --connect runs). */
        memcpy(app->settings.name, app->name, sizeof app->settings.name);
        settings_save(app);
    }
    printf("arena-client: joining %s as %s\n", app->session->target, app->name);
    fflush(stdout);
    app->screen = APP_SCREEN_JOINING;
    SDL_StopTextInput();
}

static void finish_leaving(App *app)
{
    char target[APP_TARGET_MAX];
    snprintf(target, sizeof target, "%s", app->session != NULL ? app->session->target : "");
    end_session(app);
    if (app->exit_after_leave) {
        app->running = false;
        return;
    }
    if (app->status[0] == '\0' && target[0] != '\0')
        app_set_status(app, false, "Left %s.", target);
    title_open(app);
}

void app_leave(App *app, bool quit)
{
    app->exit_after_leave = quit;
    if (app->session == NULL) {
        if (quit)
            app->running = false;
        else
            title_open(app);
        return;
    }
    if (!cli_conn_done(app->session->conn))
        cli_conn_quit(app->session->conn, quit ? "quit" : "left the game", app->now_us);
    app->screen = APP_SCREEN_LEAVING;
    app->leave_deadline_us = app->now_us + LEAVE_WAIT_US;
    SDL_StopTextInput();
    SDL_ShowCursor(SDL_ENABLE);
}

/* A join that did not make it, or a session that ended without us asking. */
static void connection_lost(App *app, bool was_in_arena)
{
    AppSession *s = app->session;
    const char *why = cli_conn_error(s->conn);
    if (why[0] == '\0')
        why = cli_state_str(cli_conn_state(s->conn));
    if (app_rejoin_after_loss(app, was_in_arena, cli_conn_failure(s->conn), why)) {
        end_session(app); /* the rejoin screen (rejoin.c) starts the next attempt */
        return;
    }
    if (was_in_arena) {
        fprintf(stderr, "arena-client: disconnected from %s: %s\n", s->target, why);
        app_set_status(app, true, "Disconnected from %s: %s", s->target, why);
    } else {
        fprintf(stderr, "arena-client: could not join %s: %s\n", s->target, why);
        app_set_status(app, true, "Could not join %s: %s", s->target, why);
    }
    end_session(app);
    if (app->opt.connect && app->opt.quit_after > 0 && !app->reached_arena) {
        /* A scripted run that cannot get in: say so and stop now, do not wait. */
        app->exit_code = 1;
        app->running = false;
        return;
    }
    title_open(app);
}

static void check_transitions(App *app)
{
    AppSession *s = app->session;
    if (app->screen == APP_SCREEN_REJOINING && s == NULL)
        app_rejoin_tick(app);
    if (s == NULL)
        return;
    CliConn *c = s->conn;
    switch (app->screen) {
    case APP_SCREEN_JOINING:
        if (cli_conn_state(c) == CLI_PLAYING) {
            const MsgWelcome *w = cli_conn_welcome(c);
            printf("arena-client: in the arena on %s as %s (id %d, map '%s', %u snapshots/s)\n",
                   s->target, app->name, cli_conn_player_id(c), w ? w->map_name : "?",
                   w ? w->snapshot_hz : 0);
            fflush(stdout);
            app->reached_arena = true;
            app_rejoin_done(app);
            title_recent_joined(app, app->join_host, app->join_port, app->title.joined_name);
            arena_enter(app);
        } else if (cli_conn_done(c)) {
            connection_lost(app, false);
        }
        break;
    case APP_SCREEN_ARENA:
        if (cli_conn_done(c))
            connection_lost(app, true);
        break;
    case APP_SCREEN_LEAVING:
        if (cli_conn_done(c) || app->now_us >= app->leave_deadline_us)
            finish_leaving(app);
        break;
    case APP_SCREEN_TITLE:
    case APP_SCREEN_REJOINING:
        break;
    }
}

static void handle_event(App *app, const SDL_Event *ev)
{
    if (ev->type == SDL_QUIT) {
        if (app->screen == APP_SCREEN_LEAVING || app->session == NULL)
            app->running = false; /* a second close does not wait */
        else
            app_leave(app, true);
        return;
    }
    if (ev->type == SDL_WINDOWEVENT && (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
                                        ev->window.event == SDL_WINDOWEVENT_RESIZED)) {
        gfx_update_size(&app->gfx);
    }
    if (ev->type == SDL_KEYDOWN && !ev->key.repeat &&
        (ev->key.keysym.sym == SDLK_F11 ||
         (ev->key.keysym.sym == SDLK_RETURN && (ev->key.keysym.mod & KMOD_ALT)))) {
        settings_toggle_fullscreen(app);
        return;
    }
    if (app->setui.open) {
        settings_event(app, ev);
        return;
    }
    switch (app->screen) {
    case APP_SCREEN_TITLE:
        title_event(app, ev);
        break;
    case APP_SCREEN_JOINING:
        if (ev->type == SDL_KEYDOWN && ev->key.keysym.sym == SDLK_ESCAPE) {
            app_set_status(app, false, "Cancelled.");
            app_rejoin_cancel(app);
            app_leave(app, false);
        }
        break;
    case APP_SCREEN_REJOINING:
        app_rejoin_event(app, ev);
        break;
    case APP_SCREEN_ARENA:
        arena_event(app, ev);
        break;
    case APP_SCREEN_LEAVING:
        break;
    }
}

static void draw(App *app)
{
    AppSession *s = app->session;
    char detail[APP_TARGET_MAX + 64];
    switch (app->screen) {
    case APP_SCREEN_TITLE:
        title_draw(app);
        break;
    case APP_SCREEN_JOINING: {
        CliState st = cli_conn_state(s->conn);
        if (st == CLI_CONNECTING)
            snprintf(detail, sizeof detail, "Connecting to the server...");
        else if (st == CLI_LOGGING_IN)
            snprintf(detail, sizeof detail, "Logging in as %s...", app->name);
        else
            snprintf(detail, sizeof detail, "Entering the arena...");
        char heading[APP_TARGET_MAX + 16];
        snprintf(heading, sizeof heading, "Joining %s", s->target);
        title_draw_busy(app, heading, detail);
        break;
    }
    case APP_SCREEN_ARENA:
        arena_draw(app);
        break;
    case APP_SCREEN_LEAVING:
        snprintf(detail, sizeof detail, "Saying goodbye to %s...", s ? s->target : "the server");
        title_draw_busy(app, "Leaving", detail);
        break;
    case APP_SCREEN_REJOINING:
        app_rejoin_draw(app);
        break;
    }
    if (app->setui.open)
        settings_draw(app);
}

/* Waits (poll) until `until` or until a socket has something; never longer than MAX_POLL_MS
 * so SDL events stay responsive. */
static void wait_until(App *app, uint64_t until)
{
    uint64_t now = mono_now_us();
    struct pollfd fds[CLI_CONN_POLLFDS + 1];
    unsigned n = 0;
    if (app->session != NULL) {
        n += cli_conn_pollfds(app->session->conn, fds, CLI_CONN_POLLFDS);
        uint64_t w = cli_conn_next_wake_us(app->session->conn, now);
        if (w < until)
            until = w;
    }
    if (app->screen == APP_SCREEN_TITLE) {
        n += title_pollfds(app, fds + n, 1);
        uint64_t w = title_next_wake_us(app);
        if (w < until)
            until = w;
    }
    if (until <= now)
        return;
    uint64_t ms = (until - now + 999) / 1000;
    if (ms > MAX_POLL_MS)
        ms = MAX_POLL_MS;
    if (poll(fds, n, (int)ms) < 0 && errno != EINTR)
        SDL_Delay(1);
}

static void service_network(App *app)
{
    if (app->session != NULL)
        app_session_service(app->session, app->now_us);
    if (app->screen == APP_SCREEN_TITLE)
        title_update(app);
}

/* The settings file, then the command line over it (for this run). */
static void load_settings(App *app)
{
    char msg[APP_PATH_MAX + 256];
    if (!app_settings_load(app->opt.settings, &app->settings, msg, sizeof msg) || msg[0] != '\0') {
        fprintf(stderr, "arena-client: settings: %s\n", msg);
        app_set_status(app, true, "Settings: %s", msg);
    }
    if (!app->opt.name_given && app->settings.name[0] != '\0')
        snprintf(app->opt.name, sizeof app->opt.name, "%s", app->settings.name);
    if (app->opt.fullscreen_given)
        app->settings.fullscreen = app->opt.fullscreen;
}

static bool write_stats_json(const App *app, const char *path)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "arena-client: cannot write %s: %s\n", path, strerror(errno));
        return false;
    }
    const AppRunStats *r = &app->run;
    const AppFrameStats *fs = &app->arena_frames;
    fprintf(f, "{\n");
    fprintf(f, "  \"fps_mean\": %.1f,\n", app_frame_stats_mean_fps(fs));
    fprintf(f, "  \"fps_p1_low\": %.1f,\n", app_frame_stats_p1_low_fps(fs));
    fprintf(f, "  \"frames\": %llu,\n", (unsigned long long)fs->frames);
    fprintf(f, "  \"frame_ms_max\": %.2f,\n", fs->max_s * 1000.0);
    fprintf(f, "  \"interp_delay_ms_mean\": %.1f,\n", r->delay_ms_mean);
    fprintf(f, "  \"prediction_error_mean_units\": %.3f,\n",
            r->pred_errors ? r->pred_err_sum / (double)r->pred_errors : 0.0);
    fprintf(f, "  \"prediction_error_max_units\": %.3f,\n", r->pred_err_max);
    fprintf(f, "  \"prediction_errors\": %llu,\n", (unsigned long long)r->pred_errors);
    fprintf(f, "  \"reconciliations\": %llu,\n", (unsigned long long)r->reconciliations);
    fprintf(f, "  \"snapshots_received\": %llu,\n", (unsigned long long)r->snapshots);
    fprintf(f, "  \"snapshots_lost\": %llu,\n", (unsigned long long)r->lost);
    fprintf(f, "  \"snapshots_late\": %llu,\n", (unsigned long long)r->late);
    fprintf(f, "  \"rtt_ms_mean\": %.1f,\n", r->rtt_ms);
    fprintf(f, "  \"players_in_view_mean\": %.1f,\n",
            app->view_samples ? (double)app->players_in_view_sum / (double)app->view_samples : 0.0);
    fprintf(f, "  \"renderer\": \"%s\",\n", app->gfx.renderer_name);
    fprintf(f, "  \"vsync\": %s,\n", app->gfx.vsync ? "true" : "false");
    fprintf(f, "  \"window\": \"%dx%d\",\n", app->gfx.w, app->gfx.h);
    fprintf(f, "  \"reached_arena\": %s,\n", app->reached_arena ? "true" : "false");
    fprintf(f, "  \"seconds\": %.3f\n", r->seconds);
    fprintf(f, "}\n");
    bool ok = fflush(f) == 0 && !ferror(f);
    ok = fclose(f) == 0 && ok;
    if (!ok)
        fprintf(stderr, "arena-client: error writing %s\n", path);
    return ok;
}

/* --quit-after: take the screenshot of this frame (before it is presented) and decide how
 * the run ends. */
static void final_frame(App *app)
{
    if (app->opt.screenshot[0] != '\0') {
        char err[512];
        if (gfx_save_bmp(&app->gfx, app->opt.screenshot, err, sizeof err)) {
            printf("arena-client: screenshot %s (%dx%d)\n", app->opt.screenshot, app->gfx.w,
                   app->gfx.h);
        } else {
            fprintf(stderr, "arena-client: %s\n", err);
            app->exit_code = 1;
        }
    }
    if (app->opt.connect && app->screen != APP_SCREEN_ARENA) {
        fprintf(stderr, "arena-client: not in the arena after %.1f s (%s)\n", app->opt.quit_after,
                app->session != NULL ? cli_state_str(cli_conn_state(app->session->conn))
                                     : app->status);
        app->exit_code = 1;
    }
    fflush(stdout);
    if (app->session != NULL && app->screen != APP_SCREEN_LEAVING)
        app_leave(app, true);
    else if (app->session == NULL)
        app->running = false;
    app->exit_after_leave = true;
}

static void run(App *app)
{
    uint64_t quit_at =
        app->opt.quit_after > 0 ? app->start_us + (uint64_t)(app->opt.quit_after * 1e6) : 0;
    uint64_t last_frame = mono_now_us(), next_frame = last_frame;
    while (app->running) {
        wait_until(app, next_frame);
        app->now_us = mono_now_us();
        if (app->now_us < next_frame) {
            service_network(app); /* woken by a socket or the core's timer */
            check_transitions(app);
            continue;
        }
        uint64_t frame_start = app->now_us;
        uint64_t dt = frame_start - last_frame;
        app->frame_dt = (double)(dt > MAX_FRAME_US ? MAX_FRAME_US : dt) / 1e6;
        SDL_Event ev;
        while (SDL_PollEvent(&ev))
            handle_event(app, &ev);
        if (!app->running)
            break;
        if (app->screen == APP_SCREEN_ARENA)
            arena_input(app); /* the controls the ticks of this service will use */
        service_network(app);
        check_transitions(app);
        if (!app->running)
            break;
        bool final = quit_at != 0 && app->now_us >= quit_at;
        draw(app);
        if (final) {
            quit_at = 0;
            final_frame(app);
        }
        gfx_present(&app->gfx);
        app_text_frame(app->text);
        app_frame_stats_add(&app->frames, (double)dt / 1e6, frame_start);
        if (app->screen == APP_SCREEN_ARENA)
            app_frame_stats_add(&app->arena_frames, (double)dt / 1e6, frame_start);
        last_frame = frame_start;
        double cap = app->opt.max_fps;
        if (app->gfx.vsync) /* presents wait; the cap only guards a display that does not */
            cap = 2.0 * (app->gfx.refresh_hz > 0 ? app->gfx.refresh_hz : 60);
        if (app->screen != APP_SCREEN_ARENA && (cap <= 0.0 || cap > MENU_FPS))
            cap = MENU_FPS; /* menus do not need more, laptops thank us */
        next_frame = app_next_frame_us(frame_start, cap);
    }
}

int main(int argc, char **argv)
{
    App *app = calloc(1, sizeof *app); /* large (histograms): not on the stack */
    if (app == NULL) {
        fprintf(stderr, "arena-client: out of memory\n");
        return 1;
    }
    int rc = app_options_parse(&app->opt, argc, argv, getenv("USER"), stdout, stderr);
    if (rc >= 0) {
        free(app);
        return rc;
    }
    if (app->opt.demo[0] != '\0' && app->opt.dump_positions) {
        rc = app_demo_dump(app->opt.demo, stdout, stderr); /* headless: no SDL at all */
        free(app);
        return rc;
    }
    signal(SIGPIPE, SIG_IGN);
    load_settings(app);
    snprintf(app->name, sizeof app->name, "%s", app->opt.name);
    app_frame_stats_init(&app->frames);
    app_frame_stats_init(&app->arena_frames);
    app->netgraph = app->opt.netgraph;

    if (enet_initialize() != 0) {
        fprintf(stderr, "arena-client: ENet failed to initialise\n");
        free(app);
        return 1;
    }
    SDL_SetHint(SDL_HINT_MOUSE_FOCUS_CLICKTHROUGH, "1");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        fprintf(stderr,
                "arena-client: cannot start SDL video: %s (no display? for a headless run set "
                "SDL_VIDEODRIVER=offscreen)\n",
                SDL_GetError());
        enet_deinitialize();
        free(app);
        return 1;
    }
    if (TTF_Init() != 0) {
        fprintf(stderr, "arena-client: cannot start SDL_ttf: %s\n", TTF_GetError());
        SDL_Quit();
        enet_deinitialize();
        free(app);
        return 1;
    }
    char err[512];
    int status = 1;
    if (!gfx_create(&app->gfx, &app->opt, err, sizeof err)) {
        fprintf(stderr, "arena-client: %s\n", err);
        goto out_ttf;
    }
    app->text = app_text_create(&app->gfx, err, sizeof err);
    if (app->text == NULL) {
        fprintf(stderr, "arena-client: %s\n", err);
        goto out_gfx;
    }
    if (!arena_init(app)) {
        fprintf(stderr, "arena-client: out of memory\n");
        goto out_text;
    }
    app->audio = app_audio_create(!app->opt.no_audio, stderr); /* silent without a device */
    if (app->audio == NULL) {
        fprintf(stderr, "arena-client: out of memory\n");
        goto out_arena;
    }
    settings_apply(app); /* full screen, volume */
    printf("arena-client: %s renderer%s, %dx%d\n", app->gfx.renderer_name,
           app->gfx.vsync ? " with vsync" : "", app->gfx.w, app->gfx.h);
    fflush(stdout);

    app->running = true;
    app->start_us = app->now_us = mono_now_us();
    if (app->opt.demo[0] != '\0') {
        status = demo_player_run(app); /* its own loop: no session, no title screen */
        goto out_audio;
    }
    if (app->opt.connect)
        app_join(app, app->opt.host, app->opt.port);
    else
        title_open(app);
    if (app->opt.settings_screen)
        settings_open(app);
    run(app);

    end_session(app);
    title_close(app);
    status = app->exit_code;
    if (app->opt.stats_json[0] != '\0' && !write_stats_json(app, app->opt.stats_json))
        status = 1;
out_audio:
    app_audio_destroy(app->audio);
out_arena:
    arena_free(app);
out_text:
    app_text_destroy(app->text);
out_gfx:
    gfx_destroy(&app->gfx);
out_ttf:
    TTF_Quit();
    SDL_Quit();
    enet_deinitialize();
    free(app);
    return status;
}
