/* main.c — arena-server's command line: options, config file, signals, stats file.
 *
 * Owns process concerns only; the game lives in server.c and friends. The only globals are
 * the stop and reload flags the signal handlers set (a handler cannot be given a pointer); on
 * SIGHUP the loop rebuilds the settings from the same command line (reload_settings). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enet_alloc.h"
#include "server.h"
#include "storage.h"
#include "stop_signals.h"

#ifndef ARENA_VERSION
#define ARENA_VERSION "0.0.0"
#endif

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;

static void on_signal(int sig)
{
    (void)sig;
    if (stop_requested)
        _exit(130); /* second signal: leave at once */
    stop_requested = 1;
}

static void on_hup(int sig)
{
    (void)sig;
    reload_requested = 1;
}

/* SIGHUP: reload the settings (server/reload.c). No SA_RESTART: poll returns at once. */
static void install_reload_signal(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_hup;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGHUP, &sa, NULL);
}

static void usage(FILE *out, const SrvConfig *d)
{
    char keys[8192];
    srv_config_describe(d, keys, sizeof keys);
    fprintf(out,
            "usage: arena-server [options]\n"
            "Hosts a Localhost Arena game: UDP game (ENet), TCP login/chat, LAN discovery.\n"
            "\n"
            "  -c, --config FILE      read `key = value` settings from FILE\n"
            "  -s, --set KEY=VALUE    set one setting (after --config; repeatable)\n"
            "  -p, --port PORT        game (UDP) and login (TCP) port (default 7777)\n"
            "  -m, --map FILE         map file (default assets/arena.map)\n"
            "  -n, --name NAME        server name shown on the LAN\n"
            "  -d, --data-dir DIR     data directory (default ./data)\n"
            "      --max-players N    players at once (1-%d)\n"
            "      --score-limit N    kills that win a match (0 = none; default 20)\n"
            "      --time-limit S     seconds a match runs (0 = none; default 600)\n"
            "      --warmup S         seconds of warm-up before a match (default 10)\n"
            "      --stats-json FILE  write run statistics to FILE on exit\n"
            "      --hall-of-fame     print the hall of fame (in the data directory) and exit\n"
            "      --record DIR       record each match as a demo file in DIR (docs/demo.md)\n"
            "      --demo-truth FILE  tests: with --record, write the true positions per frame\n"
            "      --debug            verbose logs\n"
            "  -h, --help             this help\n"
            "  -V, --version          version\n"
            "\n"
            "Settings (for --config files and --set):\n%s",
            PROTO_MAX_PLAYERS, keys);
}

/* The default map is relative to the working directory (`scripts/run` runs from the source
 * tree). Started from elsewhere, look next to the binary: build/bin/../../assets. */
static bool map_beside_binary(SrvConfig *cfg, const SrvConfig *defaults)
{
    char exe[SRV_PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash == NULL)
        return false;
    *slash = '\0';
    char guess[SRV_PATH_MAX + 32];
    int k = snprintf(guess, sizeof guess, "%s/../../%s", exe, defaults->map_path);
    if (k <= 0 || (size_t)k >= sizeof cfg->map_path || access(guess, R_OK) != 0)
        return false;
    memcpy(cfg->map_path, guess, (size_t)k + 1);
    return true;
}

/* Then where `cmake --install` put it (the Debian package: /usr/games/arena-server finds
 * /usr/share/games/localhost-arena/arena.map). ARENA_DATADIR comes from cmake/Install.cmake. */
static void find_default_map(SrvConfig *cfg, const SrvConfig *defaults)
{
    if (strcmp(cfg->map_path, defaults->map_path) != 0 || access(cfg->map_path, R_OK) == 0)
        return;
    if (map_beside_binary(cfg, defaults))
        return;
#ifdef ARENA_DATADIR
    const char *slash = strrchr(defaults->map_path, '/');
    const char *file = slash != NULL ? slash + 1 : defaults->map_path;
    char installed[SRV_PATH_MAX + 32];
    int k = snprintf(installed, sizeof installed, "%s/%s", ARENA_DATADIR, file);
    if (k > 0 && (size_t)k < sizeof cfg->map_path && access(installed, R_OK) == 0)
        memcpy(cfg->map_path, installed, (size_t)k + 1);
#endif
}

/* --hall-of-fame: the operator's view of the hall of fame, read straight from the store. */
static int print_fame(const SrvConfig *cfg)
{
    char err[700];
    Names *names = names_create(err, sizeof err);
    Storage *st =
        names != NULL ? storage_open(cfg->database, cfg->data_dir, names, err, sizeof err) : NULL;
    if (st == NULL || !storage_connected(st)) {
        fprintf(stderr, "arena-server: %s\n", err);
        storage_close(st);
        names_destroy(names);
        return 1;
    }
    enum { SHOWN = 1000 };
    FameRow *rows = calloc(SHOWN, sizeof *rows);
    int total = 0, n = 0;
    if (rows == NULL ||
        storage_fame_load(st, 0, rows, SHOWN, &n, &total, err, sizeof err) != STORAGE_OK) {
        fprintf(stderr, "arena-server: %s: %s\n", storage_name(st),
                rows == NULL ? "out of memory" : err);
        free(rows);
        storage_close(st);
        names_destroy(names);
        return 1;
    }
    printf("Hall of fame (%s): %d %s\n", storage_name(st), total, total == 1 ? "entry" : "entries");
    for (int i = 0; i < n; i++)
        printf("%4d  %-16s  %s UTC  %s\n", rows[i].rank, rows[i].name, rows[i].found_at,
               rows[i].map);
    free(rows);
    storage_close(st);
    names_destroy(names);
    return 0;
}

enum {
    OPT_MAX_PLAYERS = 1000,
    OPT_STATS,
    OPT_DEBUG,
    OPT_FAME,
    OPT_SCORE_LIMIT,
    OPT_TIME_LIMIT,
    OPT_WARMUP,
    OPT_RECORD,
    OPT_DEMO_TRUTH,
};

static const struct option opts[] = {
    {"config", required_argument, NULL, 'c'},
    {"set", required_argument, NULL, 's'},
    {"port", required_argument, NULL, 'p'},
    {"map", required_argument, NULL, 'm'},
    {"name", required_argument, NULL, 'n'},
    {"data-dir", required_argument, NULL, 'd'},
    {"max-players", required_argument, NULL, OPT_MAX_PLAYERS},
    {"score-limit", required_argument, NULL, OPT_SCORE_LIMIT},
    {"time-limit", required_argument, NULL, OPT_TIME_LIMIT},
    {"warmup", required_argument, NULL, OPT_WARMUP},
    {"stats-json", required_argument, NULL, OPT_STATS},
    {"debug", no_argument, NULL, OPT_DEBUG},
    {"hall-of-fame", no_argument, NULL, OPT_FAME},
    {"record", required_argument, NULL, OPT_RECORD},
    {"demo-truth", required_argument, NULL, OPT_DEMO_TRUTH},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};
static const char short_opts[] = "c:s:p:m:n:d:hV";

/* What the command line asks for besides the config. */
typedef struct Cmdline {
    const char *stats_path;
    bool show_fame;
} Cmdline;

/* First pass: --help, --version, unknown options and stray arguments. Returns -1 to go on,
 * else the exit code. */
static int first_pass(int argc, char **argv, const SrvConfig *defaults)
{
    int c;
    while ((c = getopt_long(argc, argv, short_opts, opts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout, defaults);
            return 0;
        }
        if (c == 'V') {
            printf("arena-server %s (protocol %d)\n", ARENA_VERSION, PROTO_VERSION);
            return 0;
        }
        if (c == '?') {
            fprintf(stderr, "try 'arena-server --help'\n");
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "arena-server: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    return -1;
}

/* One option of the second pass. */
static bool apply_option(int c, SrvConfig *cfg, Cmdline *cl, char *err, size_t errlen)
{
    switch (c) {
    case 's':
        return srv_config_set_pair(cfg, optarg, err, errlen);
    case 'p':
        return srv_config_set(cfg, "game_port", optarg, err, errlen) &&
               srv_config_set(cfg, "login_port", optarg, err, errlen);
    case 'm':
        return srv_config_set(cfg, "map_path", optarg, err, errlen);
    case 'n':
        return srv_config_set(cfg, "name", optarg, err, errlen);
    case 'd':
        return srv_config_set(cfg, "data_dir", optarg, err, errlen);
    case OPT_MAX_PLAYERS:
        return srv_config_set(cfg, "max_players", optarg, err, errlen);
    case OPT_SCORE_LIMIT:
        return srv_config_set(cfg, "score_limit", optarg, err, errlen);
    case OPT_TIME_LIMIT:
        return srv_config_set(cfg, "time_limit_s", optarg, err, errlen);
    case OPT_WARMUP:
        return srv_config_set(cfg, "warmup_s", optarg, err, errlen);
    case OPT_STATS:
        cl->stats_path = optarg;
        return true;
    case OPT_DEBUG:
        cfg->debug = true;
        return true;
    case OPT_FAME:
        cl->show_fame = true;
        return true;
    case OPT_RECORD:
        return srv_config_set(cfg, "record_dir", optarg, err, errlen);
    case OPT_DEMO_TRUTH:
        return srv_config_set(cfg, "demo_truth", optarg, err, errlen);
    default:
        return true;
    }
}

/* The settings as the command line says: the defaults, then each --config file, then every
 * other option over them. At start, and again on SIGHUP (reload_settings). */
static bool build_settings(int argc, char **argv, const SrvConfig *defaults, SrvConfig *cfg,
                           Cmdline *cl, char *err, size_t errlen)
{
    *cfg = *defaults;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, short_opts, opts, NULL)) != -1)
        if (c == 'c' && !srv_config_load(cfg, optarg, err, errlen))
            return false;
    optind = 1;
    while ((c = getopt_long(argc, argv, short_opts, opts, NULL)) != -1)
        if (!apply_option(c, cfg, cl, err, errlen))
            return false;
    find_default_map(cfg, defaults);
    return true;
}

/* Returns -1 to go on, else the exit code. */
static int parse_cmdline(int argc, char **argv, const SrvConfig *defaults, SrvConfig *cfg,
                         Cmdline *cl)
{
    int rc = first_pass(argc, argv, defaults);
    if (rc >= 0)
        return rc;
    char err[700];
    if (!build_settings(argc, argv, defaults, cfg, cl, err, sizeof err)) {
        fprintf(stderr, "arena-server: %s\n", err);
        return 2;
    }
    return -1;
}

/* What SIGHUP rebuilds the settings from: the same command line. */
typedef struct ReloadCtx {
    int argc;
    char **argv;
    const SrvConfig *defaults;
} ReloadCtx;

static bool reload_settings(void *ctx, SrvConfig *out, char *err, size_t errlen)
{
    const ReloadCtx *r = ctx;
    Cmdline cl = {0};
    return build_settings(r->argc, r->argv, r->defaults, out, &cl, err, errlen);
}

/* Runs the server until a signal; writes the stats file. The exit code. */
static int serve(const SrvConfig *cfg, const char *stats_path, ReloadCtx *reload)
{
    Log log;
    log_init(&log, stdout, cfg->debug);
    if (enet_alloc_initialize() != 0) {
        fprintf(stderr, "arena-server: ENet failed to initialise\n");
        return 1;
    }
    stop_signals_install(on_signal);
    install_reload_signal(); /* a SIGHUP while starting waits for the loop (it only sets a flag) */
    Server *s = srv_create(cfg, &log, &stop_requested);
    if (s == NULL) {
        enet_deinitialize();
        return 1;
    }
    s->reload = &reload_requested;
    s->reload_config = reload_settings;
    s->reload_ctx = reload;
    int rc = srv_run(s);
    char err[700];
    if (stats_path != NULL) {
        if (stats_write_json(&s->stats, stats_path, err, sizeof err))
            log_info(&log, "server", "statistics written to %s", stats_path);
        else {
            log_info(&log, "server", "cannot write statistics: %s", err);
            rc = 1;
        }
    }
    srv_destroy(s);
    log_info(&log, "server", "bye");
    enet_deinitialize();
    return rc;
}

int main(int argc, char **argv)
{
    SrvConfig defaults, cfg;
    srv_default_config(&defaults);
    cfg = defaults;
    Cmdline cl = {0};
    int rc = parse_cmdline(argc, argv, &defaults, &cfg, &cl);
    if (rc >= 0)
        return rc;
    if (cl.show_fame)
        return print_fame(&cfg);
    ReloadCtx reload = {argc, argv, &defaults};
    return serve(&cfg, cl.stats_path, &reload);
}
