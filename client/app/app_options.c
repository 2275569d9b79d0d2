/* app_options.c — see app_options.h. */
#include "app_options.h"

#include "cli_claims.h"
#include "cli_parse.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"

#ifndef ARENA_VERSION
#define ARENA_VERSION "0.0.0"
#endif

void app_options_usage(FILE *out)
{
    fprintf(out,
            "usage: arena-client [options]\n"
            "The Localhost Arena game client. Without --connect it opens the title screen:\n"
            "type your name, pick a server found on your network or type an address.\n"
            "\n"
            "  -c, --connect HOST[:PORT]  join this server at once (PORT: TCP login, 7777)\n"
            "  -n, --name NAME            player name (1-16 bytes: letters, digits, _-.[]())\n"
            "  -b, --broadcast ADDR[:PORT] where LAN discovery queries go\n"
            "                             (default 255.255.255.255:7778)\n"
            "  -s, --software             use the software renderer\n"
            "      --no-vsync             do not wait for the display's refresh\n"
            "  -w, --window WxH           window size in pixels (default 1280x720)\n"
            "      --max-fps N            frame cap without vsync (default 144; 0 = none)\n"
            "      --netgraph             start with the net graph shown (F3 toggles it)\n"
            "      --overview             start with the whole map in view (M toggles it)\n"
            "      --screenshot FILE.bmp  save what the window shows after --quit-after\n"
            "  -q, --quit-after SECONDS   quit after this long (with --connect: exit 1 unless\n"
            "                             the arena is on screen by then)\n"
            "      --stats-json FILE      write frame rate, interpolation and prediction\n"
            "                             statistics of the arena time to FILE on exit\n"
            "      --autoplay             the player wanders, aims and fires by itself\n"
            "                             (for measurements; the keyboard and mouse are ignored)\n"
            "      --claims FILE|none     where legend claim secrets are kept (default\n"
            "                             $XDG_CONFIG_HOME/localhost-arena/claims)\n"
            "  -h, --help                 this help\n"
            "  -V, --version              version\n"
            "\n"
            "In the arena: WASD or arrows move, the mouse aims, the left button fires, Enter\n"
            "chats (/me, /w NAME TEXT, /who, /help), Tab shows the scores, F3 the net graph,\n"
            "mouse wheel or +/- zoom, M the whole map, Esc the menu.\n"
            "Environment: ARENA_FONT=FILE.ttf replaces the DejaVu Sans font.\n");
}

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

enum {
    OPT_NO_VSYNC = 1000,
    OPT_MAX_FPS,
    OPT_NETGRAPH,
    OPT_OVERVIEW,
    OPT_SCREENSHOT,
    OPT_STATS_JSON,
    OPT_AUTOPLAY,
    OPT_CLAIMS,
};

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

    static const struct option opts[] = {
        {"connect", required_argument, NULL, 'c'},
        {"name", required_argument, NULL, 'n'},
        {"broadcast", required_argument, NULL, 'b'},
        {"software", no_argument, NULL, 's'},
        {"no-vsync", no_argument, NULL, OPT_NO_VSYNC},
        {"window", required_argument, NULL, 'w'},
        {"max-fps", required_argument, NULL, OPT_MAX_FPS},
        {"netgraph", no_argument, NULL, OPT_NETGRAPH},
        {"overview", no_argument, NULL, OPT_OVERVIEW},
        {"screenshot", required_argument, NULL, OPT_SCREENSHOT},
        {"quit-after", required_argument, NULL, 'q'},
        {"stats-json", required_argument, NULL, OPT_STATS_JSON},
        {"autoplay", no_argument, NULL, OPT_AUTOPLAY},
        {"claims", required_argument, NULL, OPT_CLAIMS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    optind = 0; /* glibc: full re-initialisation, so the parser can run more than once */
    opterr = 0;
    int ch;
    double v;
    while ((ch = getopt_long(argc, argv, ":c:n:b:sw:q:hV", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            if (!cli_parse_host_port(optarg, o->host, sizeof o->host, &o->port)) {
                fprintf(err, "arena-client: --connect wants HOST[:PORT], got '%s'\n", optarg);
                return 2;
            }
            o->connect = true;
            break;
        case 'n':
            if (!app_name_valid(optarg)) {
                fprintf(err,
                        "arena-client: --name '%s' is not a valid name (1-%d bytes: letters, "
                        "digits, _-.[]() or non-ASCII; no spaces)\n",
                        optarg, PROTO_NAME_MAX);
                return 2;
            }
            snprintf(o->name, sizeof o->name, "%s", optarg);
            o->name_given = true;
            break;
        case 'b':
            if (!cli_parse_host_port(optarg, o->broadcast, sizeof o->broadcast,
                                     &o->discovery_port)) {
                fprintf(err, "arena-client: --broadcast wants ADDR[:PORT], got '%s'\n", optarg);
                return 2;
            }
            break;
        case 's':
            o->software = true;
            break;
        case OPT_NO_VSYNC:
            o->vsync = false;
            break;
        case 'w':
            if (!parse_window(optarg, &o->win_w, &o->win_h)) {
                fprintf(err, "arena-client: --window wants WxH (at least %dx%d), got '%s'\n",
                        APP_WINDOW_MIN_W, APP_WINDOW_MIN_H, optarg);
                return 2;
            }
            break;
        case OPT_MAX_FPS:
            if (!cli_parse_number(optarg, 0, 1000, &o->max_fps)) {
                fprintf(err, "arena-client: --max-fps wants 0..1000, got '%s'\n", optarg);
                return 2;
            }
            break;
        case OPT_NETGRAPH:
            o->netgraph = true;
            break;
        case OPT_OVERVIEW:
            o->overview = true;
            break;
        case OPT_SCREENSHOT:
            if (!copy_path(o->screenshot, sizeof o->screenshot, optarg)) {
                fprintf(err, "arena-client: --screenshot wants a file name\n");
                return 2;
            }
            break;
        case 'q':
            if (!cli_parse_number(optarg, 0.001, 86400, &v)) {
                fprintf(err, "arena-client: --quit-after wants seconds (0.001..86400), got '%s'\n",
                        optarg);
                return 2;
            }
            o->quit_after = v;
            break;
        case OPT_STATS_JSON:
            if (!copy_path(o->stats_json, sizeof o->stats_json, optarg)) {
                fprintf(err, "arena-client: --stats-json wants a file name\n");
                return 2;
            }
            break;
        case OPT_AUTOPLAY:
            o->autoplay = true;
            break;
        case OPT_CLAIMS:
            if (strcmp(optarg, "none") == 0)
                o->claims[0] = '\0';
            else if (!copy_path(o->claims, sizeof o->claims, optarg)) {
                fprintf(err, "arena-client: --claims wants a file name or none\n");
                return 2;
            }
            break;
        case 'h':
            app_options_usage(out);
            return 0;
        case 'V':
            fprintf(out, "arena-client %s (protocol %d)\n", ARENA_VERSION, PROTO_VERSION);
            return 0;
        case ':':
            fprintf(err, "arena-client: option '%s' needs a value; try 'arena-client --help'\n",
                    argv[optind - 1]);
            return 2;
        default:
            fprintf(err, "arena-client: unknown option '%s'; try 'arena-client --help'\n",
                    argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(err, "arena-client: unexpected argument '%s'; try 'arena-client --help'\n",
                argv[optind]);
        return 2;
    }
    if (o->screenshot[0] != '\0' && o->quit_after <= 0.0) {
        fprintf(err, "arena-client: --screenshot needs --quit-after SECONDS (when to take it)\n");
        return 2;
    }
    return -1;
}
