/* main.c — arena-bot: many scripted players in one process (or --procs N, procs.c), for load
 * tests and demos.
 *
 * Owns the bot swarm's event loop. Each bot is a full client (client/core: TCP login and
 * chat, ENet, prediction, interpolation; --behaviour load: a light one, cli_conn.h) steered by
 * a small behaviour (behave.c). One epoll (swarm_io.c) covers every socket with the timeout set
 * to the earliest moment any bot needs service, and a round services only the bots whose
 * sockets had events or whose time came; bots connect in batches so the server's accept queue
 * is never flooded. Never draws anything and never busy-waits. The command line is
 * bot_options.c's, the report report.c's.
 *
 * Exit status: 0 if every bot reached the game and none was dropped, 1 otherwise, 2 for bad
 * usage. */
#include <enet/enet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bot.h"
#include "mono_clock.h"
#include "stop_signals.h"

volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
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
    uint64_t start = mono_now_us(), next_query = start;
    while (!interrupted && mono_now_us() - start < DISCOVER_US && cli_discover_count(d) == 0) {
        uint64_t now = mono_now_us();
        if (now >= next_query) {
            if (!cli_discover_query(d, now))
                fprintf(stderr, "arena-bot: discovery query to %s:%u failed: %s\n", dc.broadcast,
                        dc.port, strerror(errno));
            next_query = now + DISCOVER_REPEAT_US;
        }
        struct pollfd p = {.fd = cli_discover_fd(d), .events = POLLIN};
        int wait = (int)((next_query - now) / 1000) + 1;
        if (poll(&p, 1, wait) > 0)
            cli_discover_service(d, mono_now_us());
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
    char err[CLI_CLAIMS_ERR_MAX];
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
    char err[CLI_CLAIMS_ERR_MAX];
    if (!cli_claims_load(claims, o->claims_path, err, sizeof err)) {
        fprintf(stderr, "arena-bot: --claims %s\n", err);
        return false;
    }
    o->claims = claims;
    snprintf(o->server_key, sizeof o->server_key, "%s:%u", o->host, (unsigned)o->port);
    return true;
}

/* Malformed input from the server: logged on stderr, a few lines a second for the swarm. */
static void on_bad_input(void *user, const char *what)
{
    const Bot *b = user;
    uint64_t held = 0;
    if (b->opt->quiet || !cli_ratelog_allow(&b->opt->bad_log, mono_now_us(), &held))
        return;
    if (held > 0)
        fprintf(stderr,
                "arena-bot: %s: from the server: %s (%llu more from other bots not "
                "logged)\n",
                b->name, what, (unsigned long long)held);
    else
        fprintf(stderr, "arena-bot: %s: from the server: %s\n", b->name, what);
}

static bool start_bot(Bot *b, unsigned index, Options *o, uint64_t now)
{
    CliConnConfig cfg;
    cli_conn_default_config(&cfg);
    b->opt = o;
    cfg.user = b;
    cfg.on_claim = on_claim;
    cfg.on_bad_input = on_bad_input;
    cfg.light = o->behaviour == BH_LOAD;
    snprintf(cfg.host, sizeof cfg.host, "%.*s", (int)sizeof o->host - 1, o->host);
    cfg.login_port = o->port;
    /* --name-prefix is at most PROTO_NAME_MAX - 4 bytes and --count at most 4000. */
    char name[64];
    unsigned global = o->first_index + index; /* --procs: this process's share starts there */
    snprintf(name, sizeof name, "%.*s%u", (int)sizeof o->prefix - 1, o->prefix, global);
    memcpy(b->name, name, sizeof b->name - 1);
    memcpy(cfg.name, b->name, sizeof cfg.name);
    const char *claim = o->claims ? cli_claims_find(o->claims, o->server_key, b->name) : NULL;
    if (claim != NULL)
        snprintf(cfg.claim, sizeof cfg.claim, "%s", claim);
    b->rng = o->seed ^ (0xD1B54A32D192ED03ull * (global + 1));
    b->strafe_dir = (global % 2) ? 1 : -1;
    b->aim = (float)(bot_rng_unit(&b->rng) * 2.0 * PI_F - PI_F);
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

/* Waits for a socket or for the earliest wake (at most until wake_limit and MAX_WAIT_MS). */
static void wait_io(SwarmIo *io, Bot *bots, unsigned n, uint64_t wake, uint64_t wake_limit)
{
    uint64_t now = mono_now_us();
    if (wake_limit < wake)
        wake = wake_limit;
    int timeout = wake <= now ? 0 : (int)((wake - now + 999) / 1000);
    if (timeout > MAX_WAIT_MS)
        timeout = MAX_WAIT_MS;
    swarm_io_wait(io, bots, n, timeout);
}

/* --behaviour load: rounds at most every LOAD_FRAME_US, so that one wake-up serves every bot
 * whose snapshot or tick came meanwhile (a few ms late is nothing to a load test; the server
 * applies inputs at their tick). */
static void frame_pause(uint64_t *last_round)
{
    uint64_t now = mono_now_us();
    if (*last_round != 0 && now < *last_round + LOAD_FRAME_US) {
        uint64_t us = *last_round + LOAD_FRAME_US - now;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)us * 1000};
        nanosleep(&ts, NULL);
    }
    *last_round = mono_now_us();
}

/* Services one bot's connection with what its sockets had, then registers what it wants. */
static void service_bot(SwarmIo *io, Bot *b, unsigned index, uint64_t now)
{
    cli_conn_service_polled(b->conn, now, b->io, b->nio);
    swarm_io_sync(io, b, index);
    b->due = false;
    b->wake_us = cli_conn_done(b->conn) ? UINT64_MAX : cli_conn_next_wake_us(b->conn, now);
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

/* Everything the swarm loop works with. */
typedef struct Swarm {
    Options *o;
    Bot *bots;
    SwarmIo io;
    CliEntityView *views;
    unsigned started;
    bool start_failed;
    uint64_t next_wake; /* the earliest wake_us of any bot, from the last round */
} Swarm;

/* Chat starts once every bot is in the game or has given up, so that every line reaches
 * everyone. */
static bool settled(const Swarm *w)
{
    if (w->started < w->o->count)
        return false;
    for (unsigned i = 0; i < w->o->count; i++)
        if (w->bots[i].conn != NULL && cli_conn_state(w->bots[i].conn) != CLI_PLAYING &&
            !cli_conn_done(w->bots[i].conn))
            return false;
    return true;
}

/* Bots started that have not logged in yet (TCP connecting, LOGIN sent). */
static unsigned pending_logins(const Swarm *w)
{
    unsigned n = 0;
    for (unsigned i = 0; i < w->started; i++) {
        CliConn *c = w->bots[i].conn;
        if (c != NULL &&
            (cli_conn_state(c) == CLI_CONNECTING || cli_conn_state(c) == CLI_LOGGING_IN))
            n++;
    }
    return n;
}

/* Everyone gone (the server stopped, or nobody could join): nothing left to play. Hunters are
 * done once every one of them has been announced. */
static bool anyone_left(const Swarm *w)
{
    if (w->started < w->o->count)
        return true;
    for (unsigned i = 0; i < w->started; i++)
        if (w->bots[i].conn != NULL && !cli_conn_done(w->bots[i].conn) &&
            !(w->o->behaviour == BH_HUNT && w->bots[i].legend))
            return true;
    return false;
}

/* One round for the bots that are due (a socket had events, or their wake time came): think,
 * service, note changes, chat. Thinking and chat ride on the services the connection asks
 * for (every client tick while playing), so they need no wake-ups of their own. */
static void serve_bots(Swarm *w, uint64_t now, uint64_t chat_start, uint64_t play_end)
{
    w->next_wake = UINT64_MAX;
    for (unsigned i = 0; i < w->started; i++) {
        Bot *b = &w->bots[i];
        if (b->conn == NULL || cli_conn_done(b->conn)) {
            if (b->conn != NULL)
                track(b, now, false);
            continue;
        }
        if (!b->due && now < b->wake_us) {
            if (b->wake_us < w->next_wake)
                w->next_wake = b->wake_us;
            continue;
        }
        if (cli_conn_state(b->conn) == CLI_PLAYING && now >= b->next_think_us) {
            bot_think(b, w->o->behaviour, now, w->views, PROTO_MAX_ENTITIES);
            b->next_think_us = now + THINK_US;
        }
        service_bot(&w->io, b, i, now);
        if (b->wake_us < w->next_wake)
            w->next_wake = b->wake_us;
        track(b, now, false);
        bot_maybe_chat(b, w->o, now, chat_start, play_end);
        /* Drops are reported as they happen; joins that fail are listed at the end. */
        if (b->dropped && !w->o->quiet)
            fprintf(stderr, "arena-bot: %s dropped after %.1f s: %s\n", b->name,
                    (double)(now - b->play_start_us) / 1e6, cli_conn_error(b->conn));
    }
}

/* Plays until --seconds are up, a signal, or nobody is left. */
static void play(Swarm *w)
{
    const Options *o = w->o;
    uint64_t start = mono_now_us();
    uint64_t play_end = start + (uint64_t)(o->seconds * 1e6);
    uint64_t chat_start = 0, last_round = 0;
    while (!interrupted) {
        uint64_t now = mono_now_us();
        if (now >= play_end)
            break;
        /* Staggered connects: CONNECT_BATCH more every CONNECT_PERIOD_US, and never more than
         * CONNECT_BATCH not logged in yet (the server's per-address limit is 16), however
         * slowly a busy server answers. */
        uint64_t allowed = o->connect_batch * (1 + (now - start) / CONNECT_PERIOD_US);
        unsigned pending = w->started < o->count ? pending_logins(w) : 0;
        for (; w->started < o->count && w->started < allowed && pending < o->connect_batch;
             w->started++, pending++) {
            Bot *b = &w->bots[w->started];
            if (!start_bot(b, w->started, w->o, now)) {
                w->start_failed = true;
                continue;
            }
            swarm_io_sync(&w->io, b, w->started);
            b->wake_us = now; /* the first service at once */
            w->next_wake = now;
        }
        if (chat_start == 0 && settled(w))
            chat_start = now;
        uint64_t limit = play_end;
        if (w->started < o->count) {
            uint64_t next_batch = start + (allowed / o->connect_batch) * CONNECT_PERIOD_US;
            if (next_batch < limit)
                limit = next_batch;
        }
        if (o->behaviour == BH_LOAD)
            frame_pause(&last_round);
        wait_io(&w->io, w->bots, w->started, w->next_wake, limit);
        serve_bots(w, mono_now_us(), chat_start, play_end);
        if (!anyone_left(w))
            break;
    }
}

/* Leaves politely: QUIT, then waits for each server to close (at most QUIT_WAIT_US). */
static void leave(Swarm *w)
{
    uint64_t now = mono_now_us();
    for (unsigned i = 0; i < w->started; i++) {
        Bot *b = &w->bots[i];
        if (b->conn == NULL)
            continue;
        track(b, now, true);
        if (!cli_conn_done(b->conn))
            cli_conn_quit(b->conn, "bot done", now);
        swarm_io_sync(&w->io, b, i);
        b->wake_us = now;
    }
    uint64_t quit_end = now + QUIT_WAIT_US;
    for (;;) {
        now = mono_now_us();
        bool all_done = true;
        for (unsigned i = 0; i < w->started; i++)
            if (w->bots[i].conn != NULL && !cli_conn_done(w->bots[i].conn))
                all_done = false;
        if (all_done || now >= quit_end)
            break;
        uint64_t wake = UINT64_MAX;
        for (unsigned i = 0; i < w->started; i++)
            if (w->bots[i].conn != NULL && !cli_conn_done(w->bots[i].conn) &&
                w->bots[i].wake_us < wake)
                wake = w->bots[i].wake_us;
        wait_io(&w->io, w->bots, w->started, wake, quit_end);
        now = mono_now_us();
        for (unsigned i = 0; i < w->started; i++) {
            Bot *b = &w->bots[i];
            if (b->conn != NULL && !cli_conn_done(b->conn) && (b->due || now >= b->wake_us))
                service_bot(&w->io, b, i, now);
        }
    }
}

static void swarm_free(Swarm *w)
{
    for (unsigned i = 0; i < w->started; i++)
        cli_conn_destroy(w->bots[i].conn);
    free(w->bots);
    swarm_io_free(&w->io);
    free(w->views);
}

/* Signals, fd limit, ENet, discovery, claims. Returns -1 to go on, else the exit status. */
static int setup(Options *o, CliClaims *claims)
{
    stop_signals_install(on_signal);
    raise_fd_limit(o->count);
    if (enet_initialize() != 0) {
        fprintf(stderr, "arena-bot: ENet failed to initialise\n");
        return 1;
    }
    int rc = -1;
    if (o->discover && !discover_server(o))
        rc = 1;
    else if (!load_claims(o, claims))
        rc = 2;
    if (rc >= 0)
        enet_deinitialize();
    return rc;
}

bool bot_swarm_run(Options *o, Report *r)
{
    Swarm w = {
        .o = o,
        .bots = calloc(o->count, sizeof *w.bots),
        .io = {.ep = -1},
        .views = calloc(PROTO_MAX_ENTITIES, sizeof *w.views),
    };
    memset(r, 0, sizeof *r);
    if (w.bots == NULL || w.views == NULL || !swarm_io_init(&w.io, o->count)) {
        fprintf(stderr, "arena-bot: out of memory\n");
        swarm_free(&w);
        return false;
    }
    play(&w);
    leave(&w);
    for (unsigned i = 0; i < o->count; i++)
        bot_report_collect(&w.bots[i], r);
    bot_report_print_failures(w.bots, o->count);
    bool ok = !w.start_failed && !interrupted && r->connected == o->count && r->disconnects == 0;
    swarm_free(&w);
    return ok;
}

/* The process's own CPU time and that of its waited-for children (--procs), seconds. */
static double cpu_seconds(void)
{
    double s = 0.0;
    struct rusage ru;
    int who[2] = {RUSAGE_SELF, RUSAGE_CHILDREN};
    for (unsigned i = 0; i < 2; i++)
        if (getrusage(who[i], &ru) == 0)
            s += (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    return s;
}

int main(int argc, char **argv)
{
    Options o;
    CliClaims claims;
    int rc = bot_options_parse(argc, argv, &o);
    if (rc < 0)
        rc = setup(&o, &claims);
    if (rc >= 0)
        return rc;
    Report r;
    unsigned count = o.count;
    bool ok = o.procs > 1 ? bot_procs_run(&o, &r) : bot_swarm_run(&o, &r);
    ok = ok && !interrupted && r.connected == count && r.disconnects == 0;
    r.cpu_s = cpu_seconds();
    bot_report_print(&r);
    if (o.json != NULL && !bot_report_write_json(o.json, &r, &o))
        ok = false;
    enet_deinitialize();
    return ok ? 0 : 1;
}
