/* server.c — the Server handle and its single-threaded event loop.
 *
 * Owns start-up (map, world, sockets), the loop and shutdown. The loop waits (epoll, evset.h)
 * on the TCP listener and connections, the discovery socket and the operator socket (not the
 * ENet socket: it is read in one batch at each read slot, udp_reads_per_tick of them per tick)
 * with the timeout
 * set to the time until the next slot; reads the time once; decides with the schedule
 * (schedule.h) which ticks are due, so inputs are accepted for all of them; gives every source
 * its bounded share (ENet events, TCP lines, discovery answers); runs the due 60 Hz ticks;
 * flushes. Nothing here knows a wire format. */
#include <errno.h>
#include <malloc.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "demo_srv.h"
#include "enet_alloc.h"
#include "msg.h"
#include "server.h"
#include "udp_gate.h"
#include "mono_clock.h"

enum {
    WARMUP_TICKS = 5 * PROTO_TICK_HZ, /* allocations in ticks after this are counted */
    TRIM_PERIOD_MS = 2000,            /* returns freed heap to the system this often */
    ENET_TRIM_EVERY = 5,      /* ENet's free lists every 5th time (10 s): they keep the peak of the
                                 last two periods, so 20 s of play, and steady play never allocates
                                 inside a tick */
    SHUTDOWN_LINGER_MS = 200, /* ENet's time to deliver the disconnects at shutdown */
};

static bool read_file(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    size_t cap = PROTO_MAP_TEXT_MAX + 1;
    char *buf = malloc(cap);
    size_t n = buf ? fread(buf, 1, cap, f) : 0;
    bool bad = buf == NULL || ferror(f);
    fclose(f);
    if (bad || n == cap) {
        snprintf(err, errlen, "%s: %s", path,
                 bad ? "cannot read" : "too large (maps are at most 32 KiB)");
        free(buf);
        return false;
    }
    *text = buf;
    *len = n;
    return true;
}

SimMatchConfig srv_match_config(const SrvConfig *cfg)
{
    return (SimMatchConfig){.score_limit = (uint16_t)cfg->score_limit,
                            .time_ticks = cfg->time_limit_s * PROTO_TICK_HZ,
                            .warmup_ticks = cfg->warmup_s * PROTO_TICK_HZ,
                            .end_ticks = cfg->end_screen_s * PROTO_TICK_HZ};
}

/* The map: text, parsed map, the world and the hunt on it, the MAP message encoded once. */
static bool load_map(Server *s)
{
    char err[700];
    if (!read_file(s->cfg.map_path, &s->map_text, &s->map_len, err, sizeof err)) {
        log_info(s->log, "map", "%s", err);
        return false;
    }
    MapError me;
    if (!map_load(&s->map, s->map_text, s->map_len, &me)) {
        log_info(s->log, "map", "%s:%d:%d: %s", s->cfg.map_path, me.line, me.col, me.msg);
        return false;
    }
    sim_init(&s->world, &s->map);
    SimMatchConfig mc = srv_match_config(&s->cfg);
    sim_match_configure(&s->world, &mc);
    egg_init(&s->egg, &s->map);
    MsgMap mm = {.checksum = s->map.checksum, .text = s->map_text, .len = s->map_len};
    size_t cap = s->map_len + (MSG_MAP_MAX_BYTES - PROTO_MAP_TEXT_MAX); /* text + header */
    s->map_msg = malloc(cap);
    if (s->map_msg == NULL)
        return false;
    s->map_msg_len = msg_map_encode(&mm, s->map_msg, cap);
    if (s->map_msg_len == 0) {
        log_info(s->log, "map", "map text cannot be sent (too long?)");
        return false;
    }
    return true;
}

/* Everything sized by the config: players, TCP connections, the epoll set. */
static bool alloc_tables(Server *s)
{
    const SrvConfig *cfg = &s->cfg;
    s->players = hugemem_alloc(&s->players_mem, cfg->max_players * sizeof *s->players);
    s->lobby_tags = calloc(cfg->max_players, sizeof *s->lobby_tags);
    s->snap_owed = calloc(cfg->max_players, sizeof *s->snap_owed);
    s->conns = calloc(cfg->tcp_max_conns, sizeof *s->conns);
    /* The epoll set: ENet (under a flood), discovery, the operator socket and its
     * connections, the TCP listener and every connection the config allows. */
    s->pfd_cap = 1 + 1 + (1 + CTL_MAX_CONNS) + (1 + cfg->tcp_max_conns);
    s->pfds = calloc(s->pfd_cap, sizeof *s->pfds);
    s->pfd_conn = calloc(s->pfd_cap, sizeof *s->pfd_conn);
    if (s->players == NULL || s->lobby_tags == NULL || s->snap_owed == NULL || s->conns == NULL ||
        s->pfds == NULL || s->pfd_conn == NULL)
        return false;
    if (!ev_open(&s->ev, s->pfd_cap)) {
        log_info(s->log, "server", "epoll: %s", strerror(errno));
        return false;
    }
    if (cfg->lagcomp_max_ms > 0) {
        s->lagcomp_max_lag = lc_max_lag(cfg->lagcomp_max_ms);
        unsigned ticks = lc_ring_ticks(s->lagcomp_max_lag);
        s->lagcomp_samples = calloc((size_t)ticks * PROTO_MAX_PLAYERS, sizeof(LcSample));
        if (s->lagcomp_samples == NULL)
            return false;
        lc_init(&s->lagcomp, s->lagcomp_samples, ticks);
    }
    for (unsigned i = 0; i < cfg->max_players; i++)
        s->players[i].conn = -1;
    for (unsigned i = 0; i < cfg->tcp_max_conns; i++) {
        s->conns[i].fd = -1;
        s->conns[i].player = -1;
    }
    return true;
}

Server *srv_create(const SrvConfig *cfg, Log *log, volatile sig_atomic_t *stop)
{
    Server *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->cfg = *cfg;
    s->log = log;
    s->stop = stop;
    s->tcp_fd = -1;
    s->disc_fd = -1;
    s->ev = (EvSet){.fd = -1};
    s->ev_game = s->ev_disc = s->ev_tcp = EV_REG_NONE;
    s->now_ms = mono_now_ms();
    s->clock_us = mono_now_us;
    s->snap_clock_every = SRV_SNAP_CLOCK_EVERY;
    s->tcp_handler = (SrvTcpHandler){lobby_line, lobby_bad_line, session_conn_ended};
    rl_table_init(&s->disc_sources);
    rl_table_init(&s->chat_sources);
    if (sodium_init() < 0) {
        log_info(log, "server", "libsodium failed to initialise");
        goto fail;
    }
    char err[700];
    s->names = names_create(err, sizeof err);
    if (s->names == NULL) {
        log_info(log, "names", "%s", err);
        goto fail;
    }
    if (!load_map(s) || !srv_store_open(s) || !alloc_tables(s) || !srv_demo_open(s))
        goto fail;
    if (!net_open(s))
        goto fail;
    gate_open(s); /* the admission hook on the host net_open made */
    if (!tcp_open(s) || !disc_open(s))
        goto fail;
    s->ctl = ctl_open(s, err, sizeof err);
    if (s->ctl == NULL) {
        log_info(log, "ctl", "%s", err);
        goto fail;
    }
    if (!srv_metrics_open(s) || !srv_agones_open(s))
        goto fail;
    return s;
fail:
    srv_destroy(s);
    return NULL;
}

void srv_destroy(Server *s)
{
    if (s == NULL)
        return;
    srv_agones_close(s);
    srv_metrics_close(s);
    ctl_close(s->ctl);
    srv_demo_close(s);
    if (s->conns != NULL)
        tcp_close_all(s, "server shutting down");
    net_close(s);
    if (s->disc_fd >= 0)
        close(s->disc_fd);
    srv_store_close(s);
    names_destroy(s->names);
    hugemem_free(&s->players_mem);
    s->players = NULL;
    free(s->lobby_tags);
    free(s->snap_owed);
    free(s->conns);
    free(s->map_text);
    free(s->map_msg);
    ev_close(&s->ev);
    free(s->pfds);
    free(s->pfd_conn);
    free(s->lagcomp_samples);
    free(s);
}

static void status_line(Server *s, double seconds)
{
    unsigned lobby = 0;
    for (unsigned i = 0; i < s->cfg.max_players; i++)
        lobby += s->players[i].state == SP_LOBBY;
    double kbit = (double)s->stats.window_bytes_out * 8.0 / 1000.0 / seconds;
    log_info(s->log, "status",
             "players %u/%u (+%u chatting) | tick p50 %u us p99 %u us max %u us | out %.1f "
             "kbit/s | overruns %llu | kernel drops %llu",
             s->players_now, s->cfg.max_players, lobby,
             stats_hist_percentile(&s->stats.window_us, 0.50),
             stats_hist_percentile(&s->stats.window_us, 0.99), s->stats.window_us.max, kbit,
             (unsigned long long)s->stats.overruns, (unsigned long long)s->stats.udp_kernel_drops);
    stats_hist_reset(&s->stats.window_us);
    s->stats.window_bytes_out = 0;
}

/* Runs the ticks the schedule says are due: fast-forwarded ones (after a stall) without
 * snapshots, then the normal ones. The clock is read here to measure how long a tick took
 * (stats) and to give the tick its start for the snapshot deadline (tick.c send_snapshots),
 * which decides only which tick a snapshot leaves on. (The other decision made on the clock:
 * session.c's early inputs after a stop mid-read.) */
static void run_ticks(Server *s, const SchedPlan *plan)
{
    const uint64_t period_us = 1000000u / PROTO_TICK_HZ;
    if (plan->skipped > 0) {
        sim_skip_ticks(&s->world, (uint32_t)plan->skipped);
        s->stats.ticks_skipped += plan->skipped;
    }
    uint32_t total = plan->fast_forward + plan->run;
    for (uint32_t i = 0; i < total; i++) {
        s->fast_forward = i < plan->fast_forward;
        uint64_t t0 = s->clock_us(), c0 = mono_thread_cpu_us();
        s->tick_began_us = t0;
        enet_alloc_set_in_tick(true, s->stats.ticks >= WARMUP_TICKS);
        tick_run(s);
        enet_alloc_set_in_tick(false, false);
        uint32_t dt = (uint32_t)(s->clock_us() - t0);
        uint32_t dc = (uint32_t)(mono_thread_cpu_us() - c0);
        stats_hist_add(&s->stats.tick_us, dt);
        stats_hist_add(&s->stats.window_us, dt);
        stats_hist_add(&s->stats.tick_cpu_us, dc);
        if (dt > period_us && !s->fast_forward)
            s->stats.overruns++;
        if (dc > period_us && !s->fast_forward)
            s->stats.overruns_cpu++;
        s->stats.ticks++;
    }
    s->stats.ticks_fast_forwarded += plan->fast_forward;
    s->fast_forward = false;
}

static void note_stall(Server *s, const SchedPlan *plan)
{
    if (plan->fast_forward == 0 && plan->skipped == 0)
        return;
    s->stats.stalls++;
    uint64_t stall_ms = (plan->fast_forward + 1 + plan->skipped) * 1000u / PROTO_TICK_HZ;
    tcp_note_stall(s, stall_ms, s->now_ms);
    log_info(s->log, "server",
             "stalled for about %llu ms: %u ticks caught up without snapshots, %llu skipped",
             (unsigned long long)stall_ms, plan->fast_forward, (unsigned long long)plan->skipped);
}

void srv_begin(Server *s, uint64_t now_us)
{
    sched_init(&s->sched, now_us);
    s->now_ms = now_us / 1000u;
    s->last_status_ms = s->now_ms;
    s->last_trim_ms = s->now_ms;
    srv_metrics_publish(s, true);
}

void srv_watch(Server *s)
{
    /* Not the ENet socket: its datagrams (an INPUT per player per tick) wait in the kernel
     * for the next read slot (srv_wait_ms), when session_service reads them in one batch.
     * Waking for each one cost ENet a walk of every peer per datagram (enet_host_service sends
     * before and after it receives); docs/architecture.md "The loop". Under a flood (session.c) it
     * is watched as before. */
    if (s->udp_polled)
        (void)ev_want(&s->ev, &s->ev_game, s->host->socket, EPOLLIN,
                      ev_tag(EV_GAME, 0, s->host->socket));
    else
        ev_drop(&s->ev, &s->ev_game);
    if (s->disc_fd >= 0)
        (void)ev_want(&s->ev, &s->ev_disc, s->disc_fd, EPOLLIN,
                      ev_tag(EV_DISCOVERY, 0, s->disc_fd));
    ctl_watch(s->ctl);
    tcp_watch(s);
}

/* The ready events, poll-shaped for ctl_service and tcp_service: the operator socket's first,
 * then TCP's. The game and discovery sockets only wake the loop: their services read them
 * whenever the loop runs. */
static unsigned ready_to_pollfds(Server *s, unsigned nready)
{
    unsigned n = 0;
    for (int pass = 0; pass < 2; pass++) {
        EvKind want = pass == 0 ? EV_CTL : EV_TCP;
        if (pass == 1)
            s->pfd_first_tcp = n;
        for (unsigned i = 0; i < nready; i++) {
            uint64_t tag = s->ev.ready[i].data.u64;
            if (ev_tag_kind(tag) != want)
                continue;
            s->pfds[n] =
                (struct pollfd){.fd = ev_tag_fd(tag), .revents = (short)s->ev.ready[i].events};
            s->pfd_conn[n++] = (int)ev_tag_index(tag) - 1;
        }
    }
    s->pfd_first_ctl = 0;
    return n;
}

int srv_wait(Server *s, int timeout_ms)
{
    int r = ev_wait(&s->ev, timeout_ms);
    if (r < 0) {
        s->pfd_first_ctl = s->pfd_first_tcp = 0;
        return -1;
    }
    return (int)ready_to_pollfds(s, (unsigned)r);
}

int srv_wait_ms(Server *s, uint64_t now_us)
{
    return tcp_pending_input(s) || ebatch_rx_pending()
               ? 0
               : sched_read_wait_ms(&s->sched, now_us, s->cfg.udp_reads_per_tick);
}

/* Every 2 s: memory freed after a burst goes back to the system instead of staying in the
 * heap; ENet's pool gives back what the last two of its periods did not need. */
static void periodic(Server *s, uint64_t now_ms)
{
    if (s->cfg.status_interval_s > 0 &&
        now_ms - s->last_status_ms >= s->cfg.status_interval_s * 1000u) {
        status_line(s, (double)(now_ms - s->last_status_ms) / 1000.0);
        s->last_status_ms = now_ms;
    }
    if (now_ms - s->last_trim_ms >= TRIM_PERIOD_MS) {
        if (++s->trims % ENET_TRIM_EVERY == 0)
            enet_alloc_trim();
        malloc_trim(0);
        s->last_trim_ms = now_ms;
    }
}

void srv_iterate(Server *s, unsigned nfds, uint64_t now_us)
{
    uint64_t now_ms = now_us / 1000u;
    s->now_ms = now_ms;
    s->now_us = now_us;
    struct pollfd *fds = s->pfds;
    unsigned first_ctl = s->pfd_first_ctl, first_tcp = s->pfd_first_tcp;
    /* Decide the due ticks first: after a stall the inputs that waited in the socket are for
     * ticks about to be caught up, not "too early". */
    SchedPlan plan = sched_plan(&s->sched, now_us);
    note_stall(s, &plan);
    s->input_horizon = s->world.tick + (uint32_t)plan.skipped + plan.fast_forward + plan.run;
    s->next_due_us = sched_next_due_us(&s->sched);
    session_service(s, now_ms);
    tcp_service(s, fds + first_tcp, nfds - first_tcp, s->pfd_conn + first_tcp, now_ms);
    disc_service(s, now_ms);
    ctl_service(s->ctl, fds + first_ctl, first_tcp - first_ctl, now_ms);
    run_ticks(s, &plan);
    net_flush_events_due(s);
    enet_host_flush(s->host);
    session_housekeeping(s, now_ms);
    tcp_housekeeping(s, now_ms);
    periodic(s, now_ms);
    srv_metrics_publish(s, false);
    srv_notify_periodic(s);
    srv_agones_periodic(s);
    srv_store_poll(s);
    /* Last: everything ENet sent in this iteration (the snapshots, and the disconnects that
     * housekeeping and the store's answers send at once), in one sendmmsg per 256. */
    ebatch_flush();
}

void srv_shutdown(Server *s)
{
    log_info(s->log, "server", "stopping: telling %u players", s->players_now);
    tcp_close_all(s, "server shutting down");
    session_release_all(s, PROTO_DISCONNECT_SHUTDOWN);
    net_flush_events(s);
    enet_host_flush(s->host);
    /* ENet's own calls from here: its lingering service waits inside ENet, where nothing
     * would flush a queue. */
    ebatch_detach(s->host->socket);
}

int srv_run(Server *s)
{
    uint64_t started_us = mono_now_us();
    srv_begin(s, started_us);
    log_info(s->log, "server", "'%s' playing '%s': TCP %s:%u, UDP %s:%u, discovery UDP %u",
             s->cfg.name, s->map.name, s->cfg.bind, s->cfg.login_port, s->cfg.bind,
             s->cfg.game_port, s->cfg.discovery_port);
    srv_notify_start(s);
    while (!*s->stop) {
        srv_reload_if_asked(s);
        srv_watch(s);
        int n = srv_wait(s, srv_wait_ms(s, mono_now_us()));
        if (n < 0 && errno != EINTR) {
            log_info(s->log, "server", "epoll_wait: %s", strerror(errno));
            break;
        }
        s->stats.wakeups++;
        s->stats.epoll_changes = s->ev.changes;
        s->stats.epoll_failures = s->ev.failures;
        srv_iterate(s, n < 0 ? 0 : (unsigned)n, mono_now_us()); /* the clock, read once */
    }
    s->stats.run_us = mono_now_us() - started_us;
    srv_notify_text(s, "STOPPING=1");
    srv_shutdown(s);
    /* Give ENet a moment to deliver the disconnects. */
    uint64_t until = mono_now_ms() + SHUTDOWN_LINGER_MS;
    ENetEvent ev;
    while (mono_now_ms() < until && enet_host_service(s->host, &ev, 10) >= 0) {
        if (ev.type == ENET_EVENT_TYPE_RECEIVE)
            enet_packet_destroy(ev.packet);
    }
    s->stats.enet_allocs_in_tick = enet_alloc_heap_in_tick();
    net_read_kernel_drops(s);
    return 0;
}
