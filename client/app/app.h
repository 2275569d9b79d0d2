/* app.h — arena-client's top-level state, shared by the screens.
 *
 * Owns nothing by itself: main.c creates an App and the screens (title.c, arena.c) read and
 * change it. The screens are: the title screen (name, LAN servers, address), joining (the
 * core connects, logs in and binds), the arena, and leaving (a polite QUIT, bounded in time). */
#ifndef ARENA_APP_APP_H
#define ARENA_APP_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "app_options.h"
#include "arena.h"
#include "audio.h"
#include "cli_conn_rejoin.h"
#include "frame_stats.h"
#include "gfx.h"
#include "session.h"
#include "settings.h"
#include "settings_screen.h"
#include "text.h"
#include "title.h"

typedef enum AppScreen {
    APP_SCREEN_TITLE = 0,
    APP_SCREEN_JOINING,
    APP_SCREEN_ARENA,
    APP_SCREEN_LEAVING,
    APP_SCREEN_REJOINING, /* the server was lost: waiting for the next attempt (rejoin.h) */
} AppScreen;

enum {
    APP_STATUS_MAX = 512,
};

/* What the last session that reached the arena measured (for --stats-json). */
typedef struct AppRunStats {
    bool valid;
    double seconds; /* arena time */
    double delay_ms_mean;
    uint64_t snapshots, lost, late;
    uint64_t pred_errors, reconciliations;
    double pred_err_sum, pred_err_max; /* world units */
    double rtt_ms;                     /* mean over the frames drawn in the arena */
} AppRunStats;

typedef struct App {
    AppOptions opt;
    Gfx gfx;
    AppText *text;
    AppScreen screen;
    bool running;
    int exit_code;
    uint64_t start_us;
    uint64_t now_us;               /* time of the current frame */
    double frame_dt;               /* seconds since the previous frame (clamped) */
    char name[PROTO_NAME_MAX + 1]; /* the name used to join */
    AppSession *session;
    AppAudio *audio; /* never NULL after start-up; silent without a device (audio.h) */
    uint64_t leave_deadline_us;
    bool exit_after_leave;
    bool reached_arena;          /* the arena was on screen during this run */
    char status[APP_STATUS_MAX]; /* message on the title screen */
    bool status_error;
    TitleState title;
    ArenaState arena;
    AppFrameStats frames;       /* every frame */
    AppFrameStats arena_frames; /* frames drawn in the arena (for --stats-json) */
    bool netgraph;
    uint64_t players_in_view_sum, view_samples; /* for --stats-json */
    AppRunStats run;
    AppSettings settings; /* the file's, with the command line's overrides */
    SettingsUi setui;     /* the settings screen (an overlay) */
    /* The server joined last (for rejoining) and the reconnect state (rejoin.h). */
    char join_host[APP_TARGET_MAX];
    uint16_t join_port;
    CliRejoin rejoin;
    char rejoin_why[APP_STATUS_MAX];
} App;

/* Starts joining host:port with app->name; shows the joining screen. */
void app_join(App *app, const char *host, uint16_t port);
/* Leaves the arena politely; then the title screen (or exit when quit is true). */
void app_leave(App *app, bool quit);
/* Sets the title screen's message. */
void app_set_status(App *app, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
