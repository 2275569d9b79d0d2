/* bot_options.c — arena-bot's command line: one table (cli_options.h) drives parsing, the
 * checks of each value and --help. */
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "bot.h"
#include "cli_options.h"
#include "cli_parse.h"
#include "line.h"
#include "mono_clock.h"

#ifndef ARENA_VERSION
#define ARENA_VERSION "0.0.0"
#endif

enum {
    MAX_BOTS = 4000,
    /* Bot names are PREFIX + index: the prefix leaves room for the digits of any index. */
    PREFIX_MAX = PROTO_NAME_MAX - 4,
};
_Static_assert(MAX_BOTS - 1 <= 9999, "bot indexes fit the 4 bytes a name keeps for them");

/* A whole number in lo..hi. */
static bool whole(const char *v, double lo, double hi, double *out)
{
    return cli_parse_number(v, lo, hi, out) && *out == floor(*out);
}

static bool set_server(void *p, const char *v, char *why, size_t n)
{
    Options *o = p;
    if (!cli_parse_host_port(v, o->host, sizeof o->host, &o->port)) {
        snprintf(why, n, "--server wants HOST[:PORT], got '%s'", v);
        return false;
    }
    o->have_server = true;
    return true;
}

static bool set_discover(void *p, const char *v, char *why, size_t n)
{
    (void)v, (void)why, (void)n;
    ((Options *)p)->discover = true;
    return true;
}

static bool set_broadcast(void *p, const char *v, char *why, size_t n)
{
    Options *o = p;
    if (!cli_parse_host_port(v, o->broadcast, sizeof o->broadcast, &o->discovery_port)) {
        snprintf(why, n, "--broadcast wants ADDR[:PORT], got '%s'", v);
        return false;
    }
    return true;
}

static bool set_count(void *p, const char *v, char *why, size_t n)
{
    double d;
    if (!whole(v, 1, MAX_BOTS, &d)) {
        snprintf(why, n, "--count wants 1..%d, got '%s'", MAX_BOTS, v);
        return false;
    }
    ((Options *)p)->count = (unsigned)d;
    return true;
}

static bool set_seconds(void *p, const char *v, char *why, size_t n)
{
    if (!cli_parse_number(v, 0.1, 86400, &((Options *)p)->seconds)) {
        snprintf(why, n, "--seconds wants 0.1..86400, got '%s'", v);
        return false;
    }
    return true;
}

static bool set_behaviour(void *p, const char *v, char *why, size_t n)
{
    for (unsigned i = 0; i < BH_COUNT; i++)
        if (strcmp(v, bot_behaviour_names[i]) == 0) {
            ((Options *)p)->behaviour = (Behaviour)i;
            return true;
        }
    snprintf(why, n, "--behaviour is wander, chase, strafe, idle, hunt or load");
    return false;
}

static bool set_chat_every(void *p, const char *v, char *why, size_t n)
{
    if (!cli_parse_number(v, 0, 3600, &((Options *)p)->chat_every)) {
        snprintf(why, n, "--chat-every wants seconds (0..3600)");
        return false;
    }
    return true;
}

static bool set_say(void *p, const char *v, char *why, size_t n)
{
    size_t len = strlen(v);
    if (len == 0 || len > PROTO_CHAT_MAX || !line_text_valid((const uint8_t *)v, len)) {
        snprintf(why, n, "--say wants 1..%d bytes of text", PROTO_CHAT_MAX);
        return false;
    }
    ((Options *)p)->say = v;
    return true;
}

static bool set_json(void *p, const char *v, char *why, size_t n)
{
    (void)why, (void)n;
    ((Options *)p)->json = v;
    return true;
}

static bool set_prefix(void *p, const char *v, char *why, size_t n)
{
    Options *o = p;
    size_t len = strlen(v);
    if (len == 0 || len > PREFIX_MAX) {
        snprintf(why, n, "--name-prefix wants 1..%d bytes", PREFIX_MAX);
        return false;
    }
    snprintf(o->prefix, sizeof o->prefix, "%s", v);
    return true;
}

static bool set_seed(void *p, const char *v, char *why, size_t n)
{
    double d;
    if (!whole(v, 0, 9007199254740992.0, &d)) {
        snprintf(why, n, "--seed wants a whole number");
        return false;
    }
    ((Options *)p)->seed = (uint64_t)d;
    return true;
}

static bool set_claims(void *p, const char *v, char *why, size_t n)
{
    (void)why, (void)n;
    ((Options *)p)->claims_path = v;
    return true;
}

static bool set_procs(void *p, const char *v, char *why, size_t n)
{
    double d;
    if (!whole(v, 1, 64, &d)) {
        snprintf(why, n, "--procs wants 1..64, got '%s'", v);
        return false;
    }
    ((Options *)p)->procs = (unsigned)d;
    return true;
}

static bool set_quiet(void *p, const char *v, char *why, size_t n)
{
    (void)v, (void)why, (void)n;
    ((Options *)p)->quiet = true;
    return true;
}

static bool check(void *p, char *why, size_t n)
{
    const Options *o = p;
    if (o->have_server == o->discover) {
        snprintf(why, n, "give exactly one of --server and --discover");
        return false;
    }
    if (o->procs > o->count) {
        snprintf(why, n, "--procs %u is more than --count %u", o->procs, o->count);
        return false;
    }
    if (o->procs > 1 && o->claims_path != NULL) {
        snprintf(why, n, "--claims needs a single process (no --procs)");
        return false;
    }
    return true;
}

static const CliOpt options[] = {
    {"server", 's', CLI_OPT_VALUE, "HOST[:PORT]",
     "server address; PORT is the TCP login port (7777)", set_server, NULL},
    {"discover", 'd', CLI_OPT_FLAG, NULL, "find the server by LAN broadcast instead", set_discover,
     NULL},
    {"broadcast", 'b', CLI_OPT_VALUE, "ADDR[:PORT]",
     "where --discover sends its query\n(default 255.255.255.255:7778)", set_broadcast, NULL},
    {"count", 'n', CLI_OPT_VALUE, "N", "bots (default 1)", set_count, NULL},
    {"seconds", 't', CLI_OPT_VALUE, "S", "how long to play (default 10)", set_seconds, NULL},
    {"behaviour", 'B', CLI_OPT_VALUE, "NAME",
     "wander (default), chase, strafe, idle, hunt, or load:\nwander on a light client for load "
     "tests (every\nsnapshot decoded and acknowledged, inputs at the\ntick rate; no prediction, "
     "no interpolation)",
     set_behaviour, NULL},
    {"behavior", 0, CLI_OPT_VALUE, "NAME", NULL, set_behaviour, NULL},
    {"chat-every", 'c', CLI_OPT_VALUE, "S",
     "each bot says something every S seconds (default 0 = never)", set_chat_every, NULL},
    {"say", 'y', CLI_OPT_VALUE, "TEXT", "what the bots chat (default: hello from NAME #N)", set_say,
     NULL},
    {"json", 'j', CLI_OPT_VALUE, "FILE", "write the run's statistics as JSON", set_json, NULL},
    {"name-prefix", 'p', CLI_OPT_VALUE, "P", "bot names are P0, P1, ... (default \"bot\")",
     set_prefix, NULL},
    {"claims", 'C', CLI_OPT_VALUE, "FILE",
     "legend claim secrets: presented at login, and\nnew ones the server hands out are saved "
     "there",
     set_claims, NULL},
    {"seed", 'S', CLI_OPT_VALUE, "N", "behaviour random seed (default: from the clock)", set_seed,
     NULL},
    {"procs", 'P', CLI_OPT_VALUE, "N",
     "share the bots out over N processes (default 1);\none summary and one --json for all",
     set_procs, NULL},
    {"quiet", 'q', CLI_OPT_FLAG, NULL, "only the summary line", set_quiet, NULL},
    {"help", 'h', CLI_OPT_PRINT, NULL, "this help", NULL, cli_options_print_help},
    {"version", 'V', CLI_OPT_PRINT, NULL, "version", NULL, cli_options_print_version},
};

static const CliOptProgram program = {
    .prog = "arena-bot",
    .version = ARENA_VERSION,
    .intro = "usage: arena-bot (--server HOST[:PORT] | --discover) [options]\n"
             "Runs many scripted players against an arena-server in one process\n"
             "(or --procs N). For load tests: --behaviour load, and --procs when one\n"
             "process would use a whole core.\n"
             "\n",
    .outro = "\n"
             "Exit status: 0 if every bot joined and none was dropped, 1 otherwise.\n",
    .help_col = 28,
    .opts = options,
    .count = sizeof options / sizeof options[0],
    .check = check,
};

int bot_options_parse(int argc, char **argv, Options *o)
{
    memset(o, 0, sizeof *o);
    o->port = PROTO_LOGIN_PORT;
    snprintf(o->broadcast, sizeof o->broadcast, "255.255.255.255");
    o->discovery_port = PROTO_DISCOVERY_PORT;
    o->count = 1;
    o->seconds = 10.0;
    o->behaviour = BH_WANDER;
    o->procs = 1;
    o->connect_batch = CONNECT_BATCH;
    snprintf(o->prefix, sizeof o->prefix, "bot");
    o->seed = (uint64_t)getpid() * 0x9E3779B97F4A7C15ull ^ (uint64_t)mono_now_us();
    return cli_options_parse(&program, o, argc, argv, stdout, stderr);
}
