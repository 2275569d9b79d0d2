/* app_options.h — arena-client's command line.
 *
 * Owns every option, its default and its validation (getopt_long); prints usage, version and
 * mistakes to the streams it is given. Pure apart from that printing: no SDL, no sockets. */
#ifndef ARENA_APP_OPTIONS_H
#define ARENA_APP_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli_claims.h"
#include "cli_conn.h"
#include "cli_discover.h"
#include "protocol.h"

enum {
    APP_HOST_MAX = CLI_CONN_HOST_MAX,   /* --connect goes to CliConnConfig.host */
    APP_PATH_MAX = CLI_CLAIMS_PATH_MAX, /* --claims, --screenshot, --stats-json */
    APP_WINDOW_MIN_W = 640,
    APP_WINDOW_MIN_H = 400,
    APP_WINDOW_MAX = 16384,
    APP_DEFAULT_W = 1280,
    APP_DEFAULT_H = 720,
};

#define APP_DEFAULT_MAX_FPS 144.0 /* frame cap when vsync is not available */

typedef struct AppOptions {
    bool connect; /* --connect given: join at once */
    char host[APP_HOST_MAX];
    uint16_t port; /* TCP login port */
    char name[PROTO_NAME_MAX + 1];
    bool name_given;
    char broadcast[CLI_DISCOVER_ADDR_MAX]; /* discovery address */
    uint16_t discovery_port;
    bool software;                 /* force the software renderer */
    bool vsync;                    /* try vsync (default true; --no-vsync) */
    int win_w, win_h;              /* window size, pixels */
    char screenshot[APP_PATH_MAX]; /* "" = none */
    double quit_after;             /* seconds; 0 = run until quit */
    bool netgraph;                 /* start with the net graph shown */
    bool overview;                 /* start with the whole map in view */
    char stats_json[APP_PATH_MAX]; /* "" = none */
    double max_fps;                /* frame cap without vsync; 0 = uncapped */
    bool autoplay;             /* the local player moves, aims and fires by itself (measurements) */
    char claims[APP_PATH_MAX]; /* legend claim secrets file; "" = none (--claims none) */
    char demo[APP_PATH_MAX];   /* --demo: play this demo file instead of joining; "" = none */
    bool dump_positions;       /* --dump-positions: with --demo, print every frame, no window */
    bool no_audio;             /* --no-audio: no sound device is opened */
    char settings[APP_PATH_MAX]; /* settings file; "" = none (--settings none) */
    bool fullscreen_given;       /* --fullscreen / --windowed: overrides the file */
    bool fullscreen;
    bool settings_screen; /* open the settings screen at start (screenshots) */
} AppOptions;

/* Fills defaults (default_name is used unless --name is given), parses argv. Returns -1 to go
 * on, or the exit status (0 after --help / --version, 2 for a mistake, explained on err). */
int app_options_parse(AppOptions *o, int argc, char **argv, const char *default_name, FILE *out,
                      FILE *err);
void app_options_usage(FILE *out);

#endif
