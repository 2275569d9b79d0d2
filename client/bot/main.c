/* main.c — arena-bot: many scripted players in one process, for load tests and demos.
 *
 * Owns the command line, the bot swarm's event loop and its report. Each bot is a full client
 * (client/core: TCP login and chat, ENet, prediction, interpolation) steered by a small
 * behaviour (wander, chase, strafe, idle). One poll() covers every socket with the timeout set
 * to the earliest moment any bot needs service; bots connect in batches so the server's
 * accept queue is never flooded. Never draws anything and never busy-waits.
 *
 * Exit status: 0 if every bot reached the game and none was dropped, 1 otherwise, 2 for bad
 * usage. */
#include <enet/enet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli_claims.h"
#include "cli_conn.h"
#include "cli_parse.h"
#include "hunt.h"
#include "line.h"
#include "cli_discover.h"
#include "quant.h"

#ifndef ARENA_VERSION
#define ARENA_VERSION "0.0.0"
#endif

enum {
    CONNECT_BATCH = 10,          /* bots started per batch (under the server's per-address
                                    limit of connections not logged in yet, 16) */
    CONNECT_PERIOD_US = 50000,   /* between batches */
    THINK_US = 50000,            /* behaviours decide 20 times a second */
    MAX_WAIT_MS = 50,            /* poll timeout cap */
    QUIT_WAIT_US = 3000000,      /* the polite goodbye, at most */
    DISCOVER_US = 3000000,       /* --discover looks this long */
    DISCOVER_REPEAT_US = 500000, /* query period while discovering */
    CHAT_MARGIN_US = 1000000,    /* no chat in the last second: every line gets delivered */
    MAX_REPORTED_FAILURES = 10,
};

#define PI_F 3.14159265f

typedef enum Behaviour { BH_WANDER, BH_CHASE, BH_STRAFE, BH_IDLE, BH_HUNT } Behaviour;

static const char *const behaviour_names[] = {"wander", "chase", "strafe", "idle", "hunt"};

typedef struct Options {
    char host[CLI_CONN_HOST_MAX];
    uint16_t port;
    bool discover;
    char broadcast[CLI_DISCOVER_ADDR_MAX];
    uint16_t discovery_port;
    unsigned count;
    double seconds;
    Behaviour behaviour;
    double chat_every; /* seconds; 0 = never */
    const char *say;   /* --say: what the bots chat (default: "hello from NAME #N") */
    const char *json;
    char prefix[PROTO_NAME_MAX + 1];
    uint64_t seed;
    bool quiet;
    const char *claims_path; /* --claims: legend claim secrets, read and kept up to date */
    CliClaims *claims;
    char server_key[CLI_CLAIMS_SERVER_MAX + 1]; /* "host:port", the claims' server field */
} Options;

typedef struct Bot {
    CliConn *conn;
    char name[PROTO_NAME_MAX + 1];
    uint64_t rng;
    bool playing_seen;
    uint64_t play_start_us, play_end_us;
    uint64_t down_at_start, up_at_start; /* datagram bytes when play started */
    uint64_t down_at_end, up_at_end;
    bool dropped;
    /* Behaviour state. */
    uint64_t next_think_us;
    uint64_t next_turn_us; /* when to pick a new direction (wander/strafe) */
    uint64_t fire_until_us, next_fire_us;
    uint8_t move;
    float aim, aim_speed; /* radians, radians per second */
    int strafe_dir;
    uint64_t next_chat_us;
    unsigned chats;
    SimInput input;
    /* hunt behaviour (hunt.h, spoiler) */
    Hunt hunt;
    bool hunt_ready;
    uint64_t chat_seen; /* chat history entries already read */
    bool legend;        /* the server announced that this bot found it */
    Options *opt;       /* for --claims */
} Bot;

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* ---- small helpers --------------------------------------------------------------------- */

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull); /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double rng_unit(uint64_t *s)
{
    return (double)(rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

static uint64_t rng_range_us(uint64_t *s, double lo_s, double hi_s)
{
    return (uint64_t)((lo_s + (hi_s - lo_s) * rng_unit(s)) * 1e6);
}

/* ---- behaviours ------------------------------------------------------------------------- */

static const uint8_t directions[8] = {
    SIM_BTN_UP,   SIM_BTN_UP | SIM_BTN_RIGHT,  SIM_BTN_RIGHT, SIM_BTN_DOWN | SIM_BTN_RIGHT,
    SIM_BTN_DOWN, SIM_BTN_DOWN | SIM_BTN_LEFT, SIM_BTN_LEFT,  SIM_BTN_UP | SIM_BTN_LEFT,
};

/* True if no wall tile lies on the segment (world units), sampled every 8 units. */
static bool line_of_sight(const Map *m, float x0, float y0, float x1, float y1)
{
    float dx = x1 - x0, dy = y1 - y0;
    float len = sqrtf(dx * dx + dy * dy);
    int steps = (int)(len / 8.0f) + 1;
    for (int i = 1; i < steps; i++) {
        float t = (float)i / (float)steps;
        int tx = (int)floorf((x0 + dx * t) / MAP_TILE_UNITS);
        int ty = (int)floorf((y0 + dy * t) / MAP_TILE_UNITS);
        if (map_is_wall(m, tx, ty))
            return false;
    }
    return true;
}

/* The nearest alive, visible other player from the interpolated view; false if none. */
static bool nearest_target(const Map *m, const CliEntityView *v, unsigned n, float sx, float sy,
                           float *tx, float *ty, float *dist)
{
    bool found = false;
    float best = 0.0f;
    for (unsigned i = 0; i < n; i++) {
        if (v[i].type != SNAP_ENT_PLAYER || !(v[i].flags & SNAP_FLAG_ALIVE))
            continue;
        float dx = v[i].x - sx, dy = v[i].y - sy;
        float d = sqrtf(dx * dx + dy * dy);
        if ((found && d >= best) || !line_of_sight(m, sx, sy, v[i].x, v[i].y))
            continue;
        found = true;
        best = d;
        *tx = v[i].x;
        *ty = v[i].y;
    }
    *dist = best;
    return found;
}

static uint8_t buttons_towards(float dx, float dy, float deadzone)
{
    uint8_t b = 0;
    if (dx > deadzone)
        b |= SIM_BTN_RIGHT;
    if (dx < -deadzone)
        b |= SIM_BTN_LEFT;
    if (dy > deadzone)
        b |= SIM_BTN_DOWN;
    if (dy < -deadzone)
        b |= SIM_BTN_UP;
    return b;
}

static void wander_turn(Bot *b, uint64_t now_us)
{
    /* One time in five stand still for a moment. */
    b->move = rng_unit(&b->rng) < 0.2 ? 0 : directions[rng_next(&b->rng) % 8];
    b->aim_speed = (float)((rng_unit(&b->rng) * 2.0 - 1.0) * 3.0);
    b->next_turn_us = now_us + rng_range_us(&b->rng, 0.5, 2.0);
}

static void maybe_fire(Bot *b, uint64_t now_us, double chance)
{
    if (now_us >= b->next_fire_us) {
        if (rng_unit(&b->rng) < chance)
            b->fire_until_us = now_us + rng_range_us(&b->rng, 0.1, 0.4);
        b->next_fire_us = now_us + rng_range_us(&b->rng, 0.5, 1.5);
    }
}

/* Decides the controls of one bot from its predicted self and the interpolated others. */
/* The hunt (hunt.h): reads the server's notices, walks, says the word once. */
static void hunt_think(Bot *b, CliConn *c, const Map *m, const CliPredict *p, uint64_t now_us)
{
    if (!b->hunt_ready) {
        hunt_init(&b->hunt, m);
        b->hunt_ready = true;
    }
    const CliChat *chat = cli_conn_chat_history(c);
    unsigned count = cli_chat_count(chat);
    uint64_t fresh = chat->total - b->chat_seen;
    for (unsigned i = fresh < count ? count - (unsigned)fresh : 0; i < count; i++) {
        const CliChatEntry *e = cli_chat_get(chat, i);
        if (e == NULL || e->kind != CLI_CHAT_NOTICE)
            continue;
        hunt_notice(&b->hunt, e->text, now_us);
        size_t n = strlen(b->name);
        if (strncmp(e->text, b->name, n) == 0 && strncmp(e->text + n, " found the Road", 15) == 0)
            b->legend = true;
    }
    b->chat_seen = chat->total;
    b->input.buttons = hunt_steer(&b->hunt, m, &p->player, now_us);
    cli_conn_set_input(c, &b->input);
    const char *line;
    if (hunt_wants_to_say(&b->hunt, &line))
        cli_conn_send_line(c, line);
}

static void think(Bot *b, Behaviour bh, uint64_t now_us, CliEntityView *views, unsigned cap)
{
    CliConn *c = b->conn;
    const Map *m = cli_conn_map(c);
    const CliPredict *p = cli_conn_predict(c);
    if (m == NULL || !p->ready)
        return;
    if (bh == BH_HUNT) {
        hunt_think(b, c, m, p, now_us);
        return;
    }
    float dt = (float)THINK_US / 1e6f;
    float sx = (float)p->player.x / SIM_FP_ONE, sy = (float)p->player.y / SIM_FP_ONE;
    CliInterp *ip = cli_conn_interp(c);
    unsigned n = cli_interp_sample(ip, cli_interp_render_tick(ip, now_us), views, cap);
    float tx = 0, ty = 0, dist = 0;
    bool target = bh != BH_IDLE && nearest_target(m, views, n, sx, sy, &tx, &ty, &dist);
    bool stuck = p->player.vx == 0 && p->player.vy == 0 && b->move != 0;

    switch (bh) {
    case BH_IDLE:
    case BH_HUNT: /* handled above */
        b->move = 0;
        break;
    case BH_WANDER:
        if (now_us >= b->next_turn_us || stuck)
            wander_turn(b, now_us);
        b->aim += b->aim_speed * dt;
        maybe_fire(b, now_us, 0.5);
        break;
    case BH_CHASE:
        if (target) {
            float dx = tx - sx, dy = ty - sy;
            b->aim = atan2f(dy, dx);
            /* Close in to mid range, back off when too near. */
            if (dist > 160.0f)
                b->move = buttons_towards(dx, dy, 16.0f);
            else if (dist < 80.0f)
                b->move = buttons_towards(-dx, -dy, 16.0f);
            else
                b->move = 0;
            if (dist < 600.0f)
                maybe_fire(b, now_us, 0.9);
        } else {
            if (now_us >= b->next_turn_us || stuck)
                wander_turn(b, now_us);
            b->aim += b->aim_speed * dt;
        }
        break;
    case BH_STRAFE:
        if (now_us >= b->next_turn_us || stuck) {
            b->strafe_dir = -b->strafe_dir;
            b->next_turn_us = now_us + rng_range_us(&b->rng, 0.4, 1.0);
        }
        b->move = b->strafe_dir > 0 ? SIM_BTN_RIGHT : SIM_BTN_LEFT;
        if (target)
            b->aim = atan2f(ty - sy, tx - sx);
        else
            b->aim += 1.5f * dt;
        maybe_fire(b, now_us, target ? 0.8 : 0.2);
        break;
    }
    if (b->aim > PI_F)
        b->aim -= 2.0f * PI_F;
    if (b->aim < -PI_F)
        b->aim += 2.0f * PI_F;
    b->input.buttons = b->move;
    if (now_us < b->fire_until_us)
        b->input.buttons |= SIM_BTN_FIRE;
    b->input.aim = q_aim12_from_radians(b->aim);
    cli_conn_set_input(c, &b->input);
}

/* ---- command line ----------------------------------------------------------------------- */

static void usage(FILE *out)
{
    fprintf(out, "usage: arena-bot (--server HOST[:PORT] | --discover) [options]\n"
                 "Runs many scripted players against an arena-server in one process.\n"
                 "\n"
                 "  -s, --server HOST[:PORT]  server address; PORT is the TCP login port (7777)\n"
                 "  -d, --discover            find the server by LAN broadcast instead\n"
                 "  -b, --broadcast ADDR[:PORT] where --discover sends its query\n"
                 "                            (default 255.255.255.255:7778)\n"
                 "  -n, --count N             bots (default 1)\n"
                 "  -t, --seconds S           how long to play (default 10)\n"
                 "  -B, --behaviour NAME      wander (default), chase, strafe, idle or hunt\n"
                 "  -c, --chat-every S        each bot says something every S seconds (default 0 = "
                 "never)\n"
                 "  -y, --say TEXT            what the bots chat (default: hello from NAME #N)\n"
                 "  -j, --json FILE           write the run's statistics as JSON\n"
                 "  -p, --name-prefix P       bot names are P0, P1, ... (default \"bot\")\n"
                 "  -C, --claims FILE         legend claim secrets: presented at login, and\n"
                 "                            new ones the server hands out are saved there\n"
                 "  -S, --seed N              behaviour random seed (default: from the clock)\n"
                 "  -q, --quiet               only the summary line\n"
                 "  -h, --help                this help\n"
                 "  -V, --version             version\n"
                 "\n"
                 "Exit status: 0 if every bot joined and none was dropped, 1 otherwise.\n");
}

/* Returns -1 to continue, else the exit status. */
static int parse_options(int argc, char **argv, Options *o)
{
    memset(o, 0, sizeof *o);
    o->port = PROTO_LOGIN_PORT;
    snprintf(o->broadcast, sizeof o->broadcast, "255.255.255.255");
    o->discovery_port = PROTO_DISCOVERY_PORT;
    o->count = 1;
    o->seconds = 10.0;
    o->behaviour = BH_WANDER;
    snprintf(o->prefix, sizeof o->prefix, "bot");
    o->seed = (uint64_t)getpid() * 0x9E3779B97F4A7C15ull ^ (uint64_t)cli_now_us();
    bool have_server = false;
    static const struct option opts[] = {
        {"server", required_argument, NULL, 's'},
        {"discover", no_argument, NULL, 'd'},
        {"broadcast", required_argument, NULL, 'b'},
        {"count", required_argument, NULL, 'n'},
        {"seconds", required_argument, NULL, 't'},
        {"behaviour", required_argument, NULL, 'B'},
        {"behavior", required_argument, NULL, 'B'},
        {"chat-every", required_argument, NULL, 'c'},
        {"say", required_argument, NULL, 'y'},
        {"json", required_argument, NULL, 'j'},
        {"name-prefix", required_argument, NULL, 'p'},
        {"seed", required_argument, NULL, 'S'},
        {"claims", required_argument, NULL, 'C'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    double v;
    while ((ch = getopt_long(argc, argv, "s:db:n:t:B:c:y:j:p:S:C:qhV", opts, NULL)) != -1) {
        switch (ch) {
        case 's':
            if (!cli_parse_host_port(optarg, o->host, sizeof o->host, &o->port)) {
                fprintf(stderr, "arena-bot: --server wants HOST[:PORT], got '%s'\n", optarg);
                return 2;
            }
            have_server = true;
            break;
        case 'd':
            o->discover = true;
            break;
        case 'b':
            if (!cli_parse_host_port(optarg, o->broadcast, sizeof o->broadcast,
                                     &o->discovery_port)) {
                fprintf(stderr, "arena-bot: --broadcast wants ADDR[:PORT], got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'n':
            if (!cli_parse_number(optarg, 1, 4000, &v) || v != floor(v)) {
                fprintf(stderr, "arena-bot: --count wants 1..4000, got '%s'\n", optarg);
                return 2;
            }
            o->count = (unsigned)v;
            break;
        case 't':
            if (!cli_parse_number(optarg, 0.1, 86400, &o->seconds)) {
                fprintf(stderr, "arena-bot: --seconds wants 0.1..86400, got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'B': {
            bool ok = false;
            for (unsigned i = 0; i < sizeof behaviour_names / sizeof behaviour_names[0]; i++)
                if (strcmp(optarg, behaviour_names[i]) == 0) {
                    o->behaviour = (Behaviour)i;
                    ok = true;
                }
            if (!ok) {
                fprintf(stderr, "arena-bot: --behaviour is wander, chase, strafe, idle or hunt\n");
                return 2;
            }
            break;
        }
        case 'c':
            if (!cli_parse_number(optarg, 0, 3600, &o->chat_every)) {
                fprintf(stderr, "arena-bot: --chat-every wants seconds (0..3600)\n");
                return 2;
            }
            break;
        case 'y':
            if (strlen(optarg) == 0 || strlen(optarg) > PROTO_CHAT_MAX ||
                !line_text_valid((const uint8_t *)optarg, strlen(optarg))) {
                fprintf(stderr, "arena-bot: --say wants 1..%d bytes of text\n", PROTO_CHAT_MAX);
                return 2;
            }
            o->say = optarg;
            break;
        case 'j':
            o->json = optarg;
            break;
        case 'p':
            snprintf(o->prefix, sizeof o->prefix, "%s", optarg);
            if (strlen(optarg) == 0 || strlen(optarg) > PROTO_NAME_MAX - 4) {
                fprintf(stderr, "arena-bot: --name-prefix wants 1..%d bytes\n", PROTO_NAME_MAX - 4);
                return 2;
            }
            break;
        case 'S':
            if (!cli_parse_number(optarg, 0, 9007199254740992.0, &v) || v != floor(v)) {
                fprintf(stderr, "arena-bot: --seed wants a whole number\n");
                return 2;
            }
            o->seed = (uint64_t)v;
            break;
        case 'q':
            o->quiet = true;
            break;
        case 'C':
            o->claims_path = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("arena-bot %s (protocol %d)\n", ARENA_VERSION, PROTO_VERSION);
            return 0;
        default:
            fprintf(stderr, "try 'arena-bot --help'\n");
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "arena-bot: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if (have_server == o->discover) {
        fprintf(stderr, "arena-bot: give exactly one of --server and --discover\n");
        return 2;
    }
    return -1;
}

/* ---- discovery -------------------------------------------------------------------------- */

static bool discover_server(Options *o)
{
    CliDiscoverConfig dc;
    cli_discover_default_config(&dc);
    snprintf(dc.broadcast, sizeof dc.broadcast, "%s", o->broadcast);
    dc.port = o->discovery_port;
    char err[256];
    CliDiscover *d = cli_discover_create(&dc, err, sizeof err);
    if (d == NULL) {
        fprintf(stderr, "arena-bot: %s\n", err);
        return false;
    }
    uint64_t start = cli_now_us(), next_query = start;
    while (!interrupted && cli_now_us() - start < DISCOVER_US && cli_discover_count(d) == 0) {
        uint64_t now = cli_now_us();
        if (now >= next_query) {
            if (!cli_discover_query(d, now))
                fprintf(stderr, "arena-bot: discovery query to %s:%u failed: %s\n", dc.broadcast,
                        dc.port, strerror(errno));
            next_query = now + DISCOVER_REPEAT_US;
        }
        struct pollfd p = {.fd = cli_discover_fd(d), .events = POLLIN};
        int wait = (int)((next_query - now) / 1000) + 1;
        if (poll(&p, 1, wait) > 0)
            cli_discover_service(d, cli_now_us());
    }
    /* Several answers: the closest wins. */
    const CliServerInfo *best = NULL;
    for (unsigned i = 0; i < cli_discover_count(d); i++) {
        const CliServerInfo *s = cli_discover_server(d, i);
        if (best == NULL || s->ping_ms < best->ping_ms)
            best = s;
    }
    bool ok = best != NULL;
    if (ok) {
        snprintf(o->host, sizeof o->host, "%s", best->addr);
        o->port = best->reply.login_port;
        if (!o->quiet)
            printf("arena-bot: discovered '%s' at %s:%u (map '%s', %u/%u players, %.1f ms)\n",
                   best->reply.server_name, best->addr, best->reply.login_port,
                   best->reply.map_name, best->reply.players, best->reply.capacity, best->ping_ms);
    } else {
        fprintf(stderr, "arena-bot: no server answered discovery on %s:%u within %d s\n",
                dc.broadcast, dc.port, DISCOVER_US / 1000000);
    }
    cli_discover_destroy(d);
    return ok;
}

/* ---- the swarm -------------------------------------------------------------------------- */

/* The server handed this bot a legend's claim secret: keep it in --claims at once. */
static void on_claim(void *user, const char *name, const char *hex)
{
    Bot *b = user;
    Options *o = b->opt;
    if (o->claims == NULL)
        return;
    char err[600];
    if (!cli_claims_put(o->claims, o->server_key, name, hex) ||
        !cli_claims_save(o->claims, o->claims_path, err, sizeof err))
        fprintf(stderr, "arena-bot: %s: cannot keep the claim for %s: %s\n", b->name, name,
                o->claims->count == CLI_CLAIMS_MAX ? "too many claims" : err);
    else if (!o->quiet)
        printf("arena-bot: %s: claim for '%s' saved in %s\n", b->name, name, o->claims_path);
}

/* --claims: reads the file once (a missing one is empty); the claims' server key is the
 * address as given. False, with the reason on stderr, for a file that cannot be read. */
static bool load_claims(Options *o, CliClaims *claims)
{
    if (o->claims_path == NULL)
        return true;
    char err[600];
    if (!cli_claims_load(claims, o->claims_path, err, sizeof err)) {
        fprintf(stderr, "arena-bot: --claims %s\n", err);
        return false;
    }
    o->claims = claims;
    snprintf(o->server_key, sizeof o->server_key, "%s:%u", o->host, (unsigned)o->port);
    return true;
}

static bool start_bot(Bot *b, unsigned index, Options *o, uint64_t now)
{
    CliConnConfig cfg;
    cli_conn_default_config(&cfg);
    b->opt = o;
    cfg.user = b;
    cfg.on_claim = on_claim;
    snprintf(cfg.host, sizeof cfg.host, "%s", o->host);
    cfg.login_port = o->port;
    /* --name-prefix is at most PROTO_NAME_MAX - 4 bytes and --count at most 4000. */
    char name[64];
    snprintf(name, sizeof name, "%s%u", o->prefix, index);
    memcpy(b->name, name, sizeof b->name - 1);
    memcpy(cfg.name, b->name, sizeof cfg.name);
    const char *claim = o->claims ? cli_claims_find(o->claims, o->server_key, b->name) : NULL;
    if (claim != NULL)
        snprintf(cfg.claim, sizeof cfg.claim, "%s", claim);
    b->rng = o->seed ^ (0xD1B54A32D192ED03ull * (index + 1));
    b->strafe_dir = (index % 2) ? 1 : -1;
    b->aim = (float)(rng_unit(&b->rng) * 2.0 * PI_F - PI_F);
    char err[256];
    b->conn = cli_conn_create(&cfg, now, err, sizeof err);
    if (b->conn == NULL) {
        fprintf(stderr, "arena-bot: %s: %s\n", b->name, err);
        return false;
    }
    return true;
}

/* Notes state changes: the start and end of play, drops. */
static void track(Bot *b, uint64_t now, bool quitting)
{
    CliConn *c = b->conn;
    const CliStats *st = cli_conn_stats(c);
    CliState s = cli_conn_state(c);
    if (s == CLI_PLAYING && !b->playing_seen) {
        b->playing_seen = true;
        b->play_start_us = now;
        b->down_at_start = st->datagram_bytes_down;
        b->up_at_start = st->datagram_bytes_up;
    }
    if (b->playing_seen && b->play_end_us == 0 && (quitting || s == CLI_FAILED)) {
        b->play_end_us = now;
        b->down_at_end = st->datagram_bytes_down;
        b->up_at_end = st->datagram_bytes_up;
    }
    if (s == CLI_FAILED && b->playing_seen && !quitting)
        b->dropped = true;
}

static void maybe_chat(Bot *b, const Options *o, uint64_t now, uint64_t chat_start,
                       uint64_t play_end)
{
    if (o->chat_every <= 0 || chat_start == 0 || cli_conn_state(b->conn) != CLI_PLAYING)
        return;
    if (b->next_chat_us == 0)
        b->next_chat_us = chat_start + rng_range_us(&b->rng, 0.0, o->chat_every);
    if (now < b->next_chat_us || now + CHAT_MARGIN_US > play_end)
        return;
    char text[PROTO_CHAT_MAX + 1];
    ++b->chats;
    if (o->say != NULL)
        snprintf(text, sizeof text, "%s", o->say);
    else
        snprintf(text, sizeof text, "hello from %s #%u", b->name, b->chats);
    (void)cli_conn_chat(b->conn, text);
    b->next_chat_us += (uint64_t)(o->chat_every * 1e6);
}

/* One poll over every connection, then service all of them. */
static void pump(Bot *bots, unsigned n, struct pollfd *fds, uint64_t wake_limit)
{
    uint64_t now = cli_now_us();
    uint64_t wake = wake_limit;
    unsigned nf = 0;
    for (unsigned i = 0; i < n; i++) {
        if (bots[i].conn == NULL || cli_conn_done(bots[i].conn))
            continue;
        nf += cli_conn_pollfds(bots[i].conn, fds + nf, CLI_CONN_POLLFDS);
        uint64_t w = cli_conn_next_wake_us(bots[i].conn, now);
        if (w < wake)
            wake = w;
    }
    int timeout = wake <= now ? 0 : (int)((wake - now + 999) / 1000);
    if (timeout > MAX_WAIT_MS)
        timeout = MAX_WAIT_MS;
    if (poll(fds, nf, timeout) < 0 && errno != EINTR)
        perror("arena-bot: poll");
}

static void raise_fd_limit(unsigned bots)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    rlim_t want = (rlim_t)bots * 3 + 64;
    if (rl.rlim_cur >= want)
        return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &rl);
}

/* ---- report ----------------------------------------------------------------------------- */

typedef struct Report {
    unsigned bots, connected, disconnects;
    uint64_t snapshots, decode_errors, stale, prediction_errors, reconciliations, snaps;
    uint64_t chat_sent, chat_received, hits;
    unsigned legends; /* bots the server announced as finders of the hidden road */
    double rate_sum, down_sum, up_sum;
    unsigned rate_n;
    double rate_min;     /* slowest bot's snapshot rate */
    uint64_t gap_max_us; /* longest gap between two snapshots of any bot */
    uint64_t gaps_250ms; /* gaps over 250 ms, all bots */
    uint32_t max_snapshot_datagram, max_datagram, max_snapshot_payload;
    double pred_err_sum, pred_err_max;
    uint64_t rtt_hist[CLI_CONN_RTT_BUCKETS];
    uint64_t rtt_n;
    double delay_sum;
    unsigned delay_n;
} Report;

static unsigned rtt_percentile(const Report *r, double q)
{
    if (r->rtt_n == 0)
        return 0;
    uint64_t want = (uint64_t)ceil(q * (double)r->rtt_n);
    if (want == 0)
        want = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < CLI_CONN_RTT_BUCKETS; i++) {
        seen += r->rtt_hist[i];
        if (seen >= want)
            return i;
    }
    return CLI_CONN_RTT_BUCKETS - 1;
}

static void collect(const Bot *b, Report *r)
{
    r->bots++;
    if (b->conn == NULL)
        return;
    const CliStats *st = cli_conn_stats(b->conn);
    const CliPredict *p = cli_conn_predict(b->conn);
    r->connected += b->playing_seen;
    r->disconnects += b->dropped;
    r->snapshots += st->snapshots;
    r->decode_errors += st->decode_errors;
    r->stale += st->stale_snapshots;
    r->prediction_errors += p->errors;
    r->reconciliations += p->reconciliations;
    r->snaps += p->snaps;
    r->pred_err_sum += p->error_sum_units;
    if (p->error_max_units > r->pred_err_max)
        r->pred_err_max = p->error_max_units;
    r->chat_sent += st->chat_sent;
    r->chat_received += st->chat_received;
    r->hits += st->hits_scored;
    r->legends += b->legend;
    if (st->max_snapshot_datagram_bytes > r->max_snapshot_datagram)
        r->max_snapshot_datagram = st->max_snapshot_datagram_bytes;
    if (st->max_datagram_bytes > r->max_datagram)
        r->max_datagram = st->max_datagram_bytes;
    if (st->max_snapshot_payload_bytes > r->max_snapshot_payload)
        r->max_snapshot_payload = st->max_snapshot_payload_bytes;
    for (unsigned i = 0; i < CLI_CONN_RTT_BUCKETS; i++)
        r->rtt_hist[i] += st->rtt_hist[i];
    r->rtt_n += st->rtt_samples;
    if (b->playing_seen && b->play_end_us > b->play_start_us) {
        double secs = (double)(b->play_end_us - b->play_start_us) / 1e6;
        r->down_sum += (double)(b->down_at_end - b->down_at_start) / secs;
        r->up_sum += (double)(b->up_at_end - b->up_at_start) / secs;
        if (st->snapshots >= 2 && st->last_snapshot_us > st->first_snapshot_us) {
            double rate = (double)(st->snapshots - 1) * 1e6 /
                          (double)(st->last_snapshot_us - st->first_snapshot_us);
            r->rate_sum += rate;
            if (r->rate_n == 0 || rate < r->rate_min)
                r->rate_min = rate;
            r->rate_n++;
        }
        if (st->max_snapshot_gap_us > r->gap_max_us)
            r->gap_max_us = st->max_snapshot_gap_us;
        r->gaps_250ms += st->snapshot_gaps_250ms;
        r->delay_sum += cli_interp_delay_ms(cli_conn_interp(b->conn));
        r->delay_n++;
    }
}

static bool write_json(const char *path, const Report *r, const Options *o)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "arena-bot: cannot write %s: %s\n", path, strerror(errno));
        return false;
    }
    double per = r->connected > 0 ? 1.0 / r->connected : 0.0;
    fprintf(f, "{\n");
    fprintf(f, "  \"bots\": %u,\n", r->bots);
    fprintf(f, "  \"connected\": %u,\n", r->connected);
    fprintf(f, "  \"disconnects\": %u,\n", r->disconnects);
    fprintf(f, "  \"seconds\": %.3f,\n", o->seconds);
    fprintf(f, "  \"behaviour\": \"%s\",\n", behaviour_names[o->behaviour]);
    fprintf(f, "  \"snapshots_received\": %llu,\n", (unsigned long long)r->snapshots);
    fprintf(f, "  \"snapshot_rate_hz\": %.3f,\n", r->rate_n ? r->rate_sum / r->rate_n : 0.0);
    fprintf(f, "  \"snapshot_rate_hz_min\": %.3f,\n", r->rate_n ? r->rate_min : 0.0);
    fprintf(f, "  \"snapshot_gap_ms_max\": %.1f,\n", (double)r->gap_max_us / 1000.0);
    fprintf(f, "  \"snapshot_gaps_over_250ms\": %llu,\n", (unsigned long long)r->gaps_250ms);
    fprintf(f, "  \"bytes_down_per_bot_per_s\": %.1f,\n", r->down_sum * per);
    fprintf(f, "  \"bytes_up_per_bot_per_s\": %.1f,\n", r->up_sum * per);
    fprintf(f, "  \"max_snapshot_datagram_bytes\": %u,\n", r->max_snapshot_datagram);
    fprintf(f, "  \"max_snapshot_payload_bytes\": %u,\n", r->max_snapshot_payload);
    fprintf(f, "  \"max_datagram_bytes\": %u,\n", r->max_datagram);
    fprintf(f, "  \"rtt_ms_p50\": %u,\n", rtt_percentile(r, 0.50));
    fprintf(f, "  \"rtt_ms_p99\": %u,\n", rtt_percentile(r, 0.99));
    fprintf(f, "  \"decode_errors\": %llu,\n", (unsigned long long)r->decode_errors);
    fprintf(f, "  \"stale_snapshots\": %llu,\n", (unsigned long long)r->stale);
    fprintf(f, "  \"reconciliations\": %llu,\n", (unsigned long long)r->reconciliations);
    fprintf(f, "  \"prediction_errors\": %llu,\n", (unsigned long long)r->prediction_errors);
    fprintf(f, "  \"prediction_error_mean_units\": %.3f,\n",
            r->prediction_errors ? r->pred_err_sum / (double)r->prediction_errors : 0.0);
    fprintf(f, "  \"prediction_error_max_units\": %.3f,\n", r->pred_err_max);
    fprintf(f, "  \"prediction_snaps\": %llu,\n", (unsigned long long)r->snaps);
    fprintf(f, "  \"interp_delay_ms_mean\": %.1f,\n", r->delay_n ? r->delay_sum / r->delay_n : 0.0);
    fprintf(f, "  \"hits\": %llu,\n", (unsigned long long)r->hits);
    fprintf(f, "  \"legends\": %u,\n", r->legends);
    fprintf(f, "  \"chat_sent\": %llu,\n", (unsigned long long)r->chat_sent);
    fprintf(f, "  \"chat_received\": %llu\n", (unsigned long long)r->chat_received);
    fprintf(f, "}\n");
    bool ok = fflush(f) == 0 && !ferror(f);
    ok = fclose(f) == 0 && ok;
    if (!ok)
        fprintf(stderr, "arena-bot: error writing %s\n", path);
    return ok;
}

int main(int argc, char **argv)
{
    Options o;
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    raise_fd_limit(o.count);
    if (enet_initialize() != 0) {
        fprintf(stderr, "arena-bot: ENet failed to initialise\n");
        return 1;
    }
    if (o.discover && !discover_server(&o)) {
        enet_deinitialize();
        return 1;
    }
    CliClaims claims;
    if (!load_claims(&o, &claims)) {
        enet_deinitialize();
        return 2;
    }

    Bot *bots = calloc(o.count, sizeof *bots);
    struct pollfd *fds = calloc((size_t)o.count * CLI_CONN_POLLFDS + 1, sizeof *fds);
    CliEntityView *views = calloc(PROTO_MAX_ENTITIES, sizeof *views);
    if (bots == NULL || fds == NULL || views == NULL) {
        fprintf(stderr, "arena-bot: out of memory\n");
        free(bots);
        free(fds);
        free(views);
        enet_deinitialize();
        return 1;
    }

    uint64_t start = cli_now_us();
    uint64_t play_end = start + (uint64_t)(o.seconds * 1e6);
    uint64_t chat_start = 0;
    unsigned started = 0;
    bool start_failed = false;
    while (!interrupted) {
        uint64_t now = cli_now_us();
        if (now >= play_end)
            break;
        /* Staggered connects: CONNECT_BATCH more every CONNECT_PERIOD_US. */
        uint64_t allowed = CONNECT_BATCH * (1 + (now - start) / CONNECT_PERIOD_US);
        while (started < o.count && started < allowed) {
            if (!start_bot(&bots[started], started, &o, now))
                start_failed = true;
            started++;
        }
        /* Chat starts once every bot is in the game or has given up, so that every line
         * reaches everyone. */
        if (chat_start == 0 && started == o.count) {
            bool settled = true;
            for (unsigned i = 0; i < o.count && settled; i++)
                settled = bots[i].conn == NULL || cli_conn_state(bots[i].conn) == CLI_PLAYING ||
                          cli_conn_done(bots[i].conn);
            if (settled)
                chat_start = now;
        }
        uint64_t limit = play_end;
        if (started < o.count) {
            uint64_t next_batch = start + (allowed / CONNECT_BATCH) * CONNECT_PERIOD_US;
            if (next_batch < limit)
                limit = next_batch;
        }
        pump(bots, started, fds, limit);
        now = cli_now_us();
        for (unsigned i = 0; i < started; i++) {
            Bot *b = &bots[i];
            if (b->conn == NULL || cli_conn_done(b->conn)) {
                if (b->conn != NULL)
                    track(b, now, false);
                continue;
            }
            if (cli_conn_state(b->conn) == CLI_PLAYING && now >= b->next_think_us) {
                think(b, o.behaviour, now, views, PROTO_MAX_ENTITIES);
                b->next_think_us = now + THINK_US;
            }
            cli_conn_service(b->conn, now);
            track(b, now, false);
            maybe_chat(b, &o, now, chat_start, play_end);
            /* Drops are reported as they happen; joins that fail are listed at the end. */
            if (b->dropped && !o.quiet)
                fprintf(stderr, "arena-bot: %s dropped after %.1f s: %s\n", b->name,
                        (double)(now - b->play_start_us) / 1e6, cli_conn_error(b->conn));
        }
        /* Everyone gone (the server stopped, or nobody could join): nothing left to play.
         * Hunters are done once every one of them has been announced. */
        bool any_left = started < o.count;
        for (unsigned i = 0; i < started && !any_left; i++)
            any_left = bots[i].conn != NULL && !cli_conn_done(bots[i].conn) &&
                       !(o.behaviour == BH_HUNT && bots[i].legend);
        if (!any_left)
            break;
    }

    /* Leave politely: QUIT, then wait for each server to close (bounded). */
    uint64_t now = cli_now_us();
    for (unsigned i = 0; i < started; i++) {
        Bot *b = &bots[i];
        if (b->conn == NULL)
            continue;
        track(b, now, true);
        if (!cli_conn_done(b->conn))
            cli_conn_quit(b->conn, "bot done", now);
    }
    uint64_t quit_end = now + QUIT_WAIT_US;
    for (;;) {
        now = cli_now_us();
        bool all_done = true;
        for (unsigned i = 0; i < started; i++)
            if (bots[i].conn != NULL && !cli_conn_done(bots[i].conn))
                all_done = false;
        if (all_done || now >= quit_end)
            break;
        pump(bots, started, fds, quit_end);
        now = cli_now_us();
        for (unsigned i = 0; i < started; i++)
            if (bots[i].conn != NULL && !cli_conn_done(bots[i].conn))
                cli_conn_service(bots[i].conn, now);
    }

    Report r;
    memset(&r, 0, sizeof r);
    unsigned reported = 0;
    for (unsigned i = 0; i < o.count; i++) {
        collect(&bots[i], &r);
        const Bot *b = &bots[i];
        bool bad = b->conn == NULL || !b->playing_seen || b->dropped;
        if (bad && reported++ < MAX_REPORTED_FAILURES)
            fprintf(stderr, "arena-bot: %s %s: %s\n", b->name[0] ? b->name : "(not started)",
                    b->dropped ? "dropped" : "never joined",
                    b->conn ? (cli_conn_error(b->conn)[0] ? cli_conn_error(b->conn)
                                                          : cli_state_str(cli_conn_state(b->conn)))
                            : "not started");
    }
    if (reported > MAX_REPORTED_FAILURES)
        fprintf(stderr, "arena-bot: ... and %u more\n", reported - MAX_REPORTED_FAILURES);

    double rate = r.rate_n ? r.rate_sum / r.rate_n : 0.0;
    double per = r.connected > 0 ? 1.0 / r.connected : 0.0;
    printf("arena-bot: %u/%u connected, %u dropped | %.1f snapshots/s per bot | rtt p50 %u ms "
           "p99 %u ms | %.0f B/s down %.0f B/s up per bot | max snapshot datagram %u B | "
           "%llu decode errors | %llu prediction errors | chat %llu sent %llu received\n",
           r.connected, r.bots, r.disconnects, rate, rtt_percentile(&r, 0.5),
           rtt_percentile(&r, 0.99), r.down_sum * per, r.up_sum * per, r.max_snapshot_datagram,
           (unsigned long long)r.decode_errors, (unsigned long long)r.prediction_errors,
           (unsigned long long)r.chat_sent, (unsigned long long)r.chat_received);
    bool ok = !start_failed && !interrupted && r.connected == o.count && r.disconnects == 0;
    if (o.json != NULL && !write_json(o.json, &r, &o))
        ok = false;

    for (unsigned i = 0; i < started; i++)
        cli_conn_destroy(bots[i].conn);
    free(bots);
    free(fds);
    free(views);
    enet_deinitialize();
    return ok ? 0 : 1;
}
