/* app_options.c — see app_options.h. */
#include "app_options.h"

#include "cli_claims.h"
#include "cli_parse.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_options.h"
#include "field.h"
#include "palette.h"
#include "settings_store.h"

#ifndef ARENA_VERSION
#define ARENA_VERSION "0.0.0"
#endif

static bool parse_window(const char *s, int *w, int *h)
{
    char *end = NULL;
    errno = 0;
    long a = strtol(s, &end, 10);
    if (end == s || (*end != 'x' && *end != 'X') || errno != 0)
        return false;
    const char *rest = end + 1;
    long b = strtol(rest, &end, 10);
    if (end == rest || *end != '\0' || errno != 0)
        return false;
    if (a < APP_WINDOW_MIN_W || b < APP_WINDOW_MIN_H || a > APP_WINDOW_MAX || b > APP_WINDOW_MAX)
        return false;
    *w = (int)a;
    *h = (int)b;
    return true;
}

static bool copy_path(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n == 0 || n >= cap)
        return false;
    memcpy(dst, src, n + 1);
    return true;
}

/* ---- setters: each checks one option's value and applies it ---------------------------- */

static bool set_connect(void *p, const char *v, char *why, size_t n)
{
    AppOptions *o = p;
    if (!cli_parse_host_port(v, o->host, sizeof o->host, &o->port)) {
        snprintf(why, n, "--connect wants HOST[:PORT], got '%s'", v);
        return false;
    }
    o->connect = true;
    return true;
}

static bool set_name(void *p, const char *v, char *why, size_t n)
{
    AppOptions *o = p;
    if (!app_name_valid(v)) {
        snprintf(why, n,
                 "--name '%s' is not a valid name (1-%d bytes: letters, digits, _-.[]() or "
                 "non-ASCII; no spaces)",
                 v, PROTO_NAME_MAX);
        return false;
    }
    snprintf(o->name, sizeof o->name, "%s", v);
    o->name_given = true;
    return true;
}

static bool set_broadcast(void *p, const char *v, char *why, size_t n)
{
    AppOptions *o = p;
    if (!cli_parse_host_port(v, o->broadcast, sizeof o->broadcast, &o->discovery_port)) {
        snprintf(why, n, "--broadcast wants ADDR[:PORT], got '%s'", v);
        return false;
    }
    return true;
}

static bool set_window(void *p, const char *v, char *why, size_t n)
{
    AppOptions *o = p;
    if (!parse_window(v, &o->win_w, &o->win_h)) {
        snprintf(why, n, "--window wants WxH (at least %dx%d), got '%s'", APP_WINDOW_MIN_W,
                 APP_WINDOW_MIN_H, v);
        return false;
    }
    return true;
}

static bool set_max_fps(void *p, const char *v, char *why, size_t n)
{
    AppOptions *o = p;
    if (!cli_parse_number(v, 0, 1000, &o->max_fps)) {
        snprintf(why, n, "--max-fps wants 0..1000, got '%s'", v);
        return false;
    }
    return true;
}

static bool set_quit_after(void *p, const char *v, char *why, size_t n)
{
    AppOptions *o = p;
    if (!cli_parse_number(v, 0.001, 86400, &o->quit_after)) {
        snprintf(why, n, "--quit-after wants seconds (0.001..86400), got '%s'", v);
        return false;
    }
    return true;
}

static bool set_screenshot(void *p, const char *v, char *why, size_t n)
{
    AppOptions *o = p;
    if (!copy_path(o->screenshot, sizeof o->screenshot, v)) {
        snprintf(why, n, "--screenshot wants a file name");
        return false;
    }
    return true;
}

static bool set_stats_json(void *p, const char *v, char *why, size_t n)
{
    AppOptions *o = p;
    if (!copy_path(o->stats_json, sizeof o->stats_json, v)) {
        snprintf(why, n, "--stats-json wants a file name");
        return false;
    }
    return true;
}

static bool set_claims(void *p, const char *v, char *why, size_t n)
{
    AppOptions *o = p;
    if (strcmp(v, "none") == 0)
        o->claims[0] = '\0';
    else if (!copy_path(o->claims, sizeof o->claims, v)) {
        snprintf(why, n, "--claims wants a file name or none");
        return false;
    }
    return true;
}

static bool set_demo(void *p, const char *v, char *why, size_t n)
{
    AppOptions *o = p;
    if (!copy_path(o->demo, sizeof o->demo, v)) {
        snprintf(why, n, "--demo wants a demo file");
        return false;
    }
    return true;
}

static bool set_settings(void *p, const char *v, char *why, size_t n)
{
    AppOptions *o = p;
    if (strcmp(v, "none") == 0)
        o->settings[0] = '\0';
    else if (!copy_path(o->settings, sizeof o->settings, v)) {
        snprintf(why, n, "--settings wants a file name or none");
        return false;
    }
    return true;
}

/* Flags: one setter each, no value. */
#define APP_FLAG_SETTER(fn, field, value)                                                          \
    static bool fn(void *p, const char *v, char *why, size_t n)                                    \
    {                                                                                              \
        (void)v, (void)why, (void)n;                                                               \
        ((AppOptions *)p)->field = value;                                                          \
        return true;                                                                               \
    }
APP_FLAG_SETTER(set_software, software, true)
APP_FLAG_SETTER(set_no_vsync, vsync, false)
APP_FLAG_SETTER(set_netgraph, netgraph, true)
APP_FLAG_SETTER(set_overview, overview, true)
APP_FLAG_SETTER(set_autoplay, autoplay, true)
APP_FLAG_SETTER(set_dump_positions, dump_positions, true)
APP_FLAG_SETTER(set_no_audio, no_audio, true)
APP_FLAG_SETTER(set_settings_screen, settings_screen, true)

static bool set_fullscreen(void *p, const char *v, char *why, size_t n)
{
    (void)v, (void)why, (void)n;
    AppOptions *o = p;
    o->fullscreen_given = true;
    o->fullscreen = true;
    return true;
}

static bool set_windowed(void *p, const char *v, char *why, size_t n)
{
    (void)v, (void)why, (void)n;
    AppOptions *o = p;
    o->fullscreen_given = true;
    o->fullscreen = false;
    return true;
}

static bool check(void *p, char *why, size_t n)
{
    const AppOptions *o = p;
    if (o->screenshot[0] != '\0' && o->quit_after <= 0.0) {
        snprintf(why, n, "--screenshot needs --quit-after SECONDS (when to take it)");
        return false;
    }
    if (o->dump_positions && o->demo[0] == '\0') {
        snprintf(why, n, "--dump-positions needs --demo FILE");
        return false;
    }
    return true;
}

static void print_palette(const CliOptProgram *p, FILE *out)
{
    (void)p;
    app_palette_print(out);
}

static const CliOpt options[] = {
    {"connect", 'c', CLI_OPT_VALUE, "HOST[:PORT]",
     "join this server at once (PORT: TCP login, 7777)", set_connect, NULL},
    {"name", 'n', CLI_OPT_VALUE, "NAME", "player name (1-16 bytes: letters, digits, _-.[]())",
     set_name, NULL},
    {"broadcast", 'b', CLI_OPT_VALUE, "ADDR[:PORT]",
     "where LAN discovery queries go\n(default 255.255.255.255:7778)", set_broadcast, NULL},
    {"software", 's', CLI_OPT_FLAG, NULL, "use the software renderer", set_software, NULL},
    {"no-vsync", 0, CLI_OPT_FLAG, NULL, "do not wait for the display's refresh", set_no_vsync,
     NULL},
    {"no-audio", 0, CLI_OPT_FLAG, NULL, "no sound (no audio device is opened)", set_no_audio, NULL},
    {"window", 'w', CLI_OPT_VALUE, "WxH", "window size in pixels (default 1280x720)", set_window,
     NULL},
    {"max-fps", 0, CLI_OPT_VALUE, "N", "frame cap without vsync (default 144; 0 = none)",
     set_max_fps, NULL},
    {"netgraph", 0, CLI_OPT_FLAG, NULL, "start with the net graph shown (F3 toggles it)",
     set_netgraph, NULL},
    {"overview", 0, CLI_OPT_FLAG, NULL, "start with the whole map in view (M toggles it)",
     set_overview, NULL},
    {"screenshot", 0, CLI_OPT_VALUE, "FILE.bmp", "save what the window shows after --quit-after",
     set_screenshot, NULL},
    {"quit-after", 'q', CLI_OPT_VALUE, "SECONDS",
     "quit after this long (with --connect: exit 1 unless\nthe arena is on screen by then)",
     set_quit_after, NULL},
    {"stats-json", 0, CLI_OPT_VALUE, "FILE",
     "write frame rate, interpolation and prediction\nstatistics of the arena time to FILE on exit",
     set_stats_json, NULL},
    {"autoplay", 0, CLI_OPT_FLAG, NULL,
     "the player wanders, aims and fires by itself\n(for measurements; the keyboard and mouse are "
     "ignored)",
     set_autoplay, NULL},
    {"claims", 0, CLI_OPT_VALUE, "FILE|none",
     "where legend claim secrets are kept (default\n$XDG_CONFIG_HOME/localhost-arena/claims)",
     set_claims, NULL},
    {"demo", 0, CLI_OPT_VALUE, "FILE",
     "play a demo file recorded by arena-server --record\n(keys below; docs/demo.md)", set_demo,
     NULL},
    {"dump-positions", 0, CLI_OPT_FLAG, NULL,
     "with --demo: print every frame's entity positions\n(tick id x y, 1/8 units) and exit, no "
     "window",
     set_dump_positions, NULL},
    {"settings", 0, CLI_OPT_VALUE, "FILE|none",
     "settings file (default $XDG_CONFIG_HOME/localhost-\narena/settings); flags given here win "
     "over it",
     set_settings, NULL},
    {"fullscreen", 0, CLI_OPT_FLAG, NULL, "start full screen (F11 or Alt+Enter toggles)",
     set_fullscreen, NULL},
    {"windowed", 0, CLI_OPT_FLAG, NULL, "start in a window", set_windowed, NULL},
    {"settings-screen", 0, CLI_OPT_FLAG, NULL, "open the settings screen at start",
     set_settings_screen, NULL},
    {"print-palette", 0, CLI_OPT_PRINT, NULL, "print the colours the client draws with (for tests)",
     NULL, print_palette},
    {"help", 'h', CLI_OPT_PRINT, NULL, "this help", NULL, cli_options_print_help},
    {"version", 'V', CLI_OPT_PRINT, NULL, "version", NULL, cli_options_print_version},
};

static const CliOptProgram program = {
    .prog = "arena-client",
    .version = ARENA_VERSION,
    .intro = "usage: arena-client [options]\n"
             "The Localhost Arena game client. Without --connect it opens the title screen:\n"
             "type your name, pick a server found on your network or type an address.\n"
             "\n",
    .outro =
        "\n"
        "In the arena: WASD or arrows move, the mouse aims, the left button fires, Enter\n"
        "chats (/me, /w NAME TEXT, /who, /help), Tab shows the scores, F3 the net graph,\n"
        "mouse wheel or +/- zoom, M the whole map, Esc the menu (Settings: keys and more).\n"
        "Playing a demo (--demo): Space pauses, Left/Right seek 5 s (or click the\n"
        "timeline), Up/Down or [/] change the speed (0.25x-4x), Tab/PageDown and\n"
        "Shift+Tab/PageUp follow the next/previous player (or click a name on the\n"
        "scoreboard), F or WASD free camera, +/- or the wheel zoom, M the whole map, Esc quits.\n"
        "Environment: ARENA_FONT=FILE.ttf replaces the DejaVu Sans font.\n",
    .help_col = 29,
    .opts = options,
    .count = sizeof options / sizeof options[0],
    .check = check,
};

void app_options_usage(FILE *out)
{
    cli_options_usage(&program, out);
}

int app_options_parse(AppOptions *o, int argc, char **argv, const char *default_name, FILE *out,
                      FILE *err)
{
    memset(o, 0, sizeof *o);
    o->port = PROTO_LOGIN_PORT;
    snprintf(o->broadcast, sizeof o->broadcast, "255.255.255.255");
    o->discovery_port = PROTO_DISCOVERY_PORT;
    o->vsync = true;
    o->win_w = APP_DEFAULT_W;
    o->win_h = APP_DEFAULT_H;
    o->max_fps = APP_DEFAULT_MAX_FPS;
    app_name_sanitize(default_name != NULL ? default_name : "", o->name, sizeof o->name);
    if (!cli_claims_default_path(o->claims, sizeof o->claims))
        o->claims[0] = '\0';
    if (!app_settings_default_path(o->settings, sizeof o->settings))
        o->settings[0] = '\0';
    return cli_options_parse(&program, o, argc, argv, out, err);
}
