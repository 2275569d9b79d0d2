/* main.c — arena-netsim: a relay that puts a simulated bad network between arena clients and
 * an arena-server (docs/operations.md, "Playing through a bad network").
 *
 * Owns the loop and the stop flag the signal handler sets (a handler cannot be given a
 * pointer); the relays (ns_udp.c, ns_tcp.c) own their sockets. One wake-up: read the clock
 * once, hand poll's results to both relays, send what is due, sleep until the next due
 * datagram, chunk or expiry, or until a socket is ready. Never a busy wait. */
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/resource.h>

#include "mono_clock.h"
#include "ns_relay.h"
#include "ns_report.h"
#include "stop_signals.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    if (stop_requested)
        _Exit(130); /* second signal: leave at once */
    stop_requested = 1;
}

/* Each direction's settings through the link's own check, before any socket is opened. */
static bool links_valid(const NsOptions *o)
{
    for (int d = 0; d < NS_DIRS; d++) {
        NsLink l;
        NsPending slot;
        NsError e = ns_link_init(&l, &o->link[d], 0, &slot, 1);
        if (e != NS_OK) {
            fprintf(stderr, "arena-netsim: %s link: %s\n", d == NS_UP ? "up" : "down",
                    ns_error_str(e));
            return false;
        }
    }
    return true;
}

/* Room for every socket the relays may hold (a client's upstream socket, a connection's
 * two), so a full table is a counted refusal, never a failing accept() that keeps the
 * listening socket readable. False if the system will not give that many. */
static bool raise_fd_limit(const NsOptions *o)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return false;
    rlim_t want = (rlim_t)(ns_udp_poll_max(o) + ns_tcp_poll_max(o)) + 32;
    if (rl.rlim_cur >= want)
        return true;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want)
        return false;
    rl.rlim_cur = want;
    return setrlimit(RLIMIT_NOFILE, &rl) == 0;
}

/* ppoll's timeout for a wake-up due at `due` (microsecond precision: a datagram leaves within
 * the kernel's timer slack of its time, never before); at most a second, so the loop looks
 * at the stop flag and the clock at least that often. */
static struct timespec timeout_for(uint64_t now_us, uint64_t due_us)
{
    uint64_t us = due_us <= now_us ? 0 : due_us - now_us;
    if (us > 1000000)
        us = 1000000;
    return (struct timespec){.tv_sec = (time_t)(us / 1000000),
                             .tv_nsec = (long)(us % 1000000) * 1000};
}

static int run(const NsOptions *o, NsUdp *u, NsTcp *t)
{
    NsPoll p = {.cap = ns_udp_poll_max(o) + ns_tcp_poll_max(o)};
    p.fds = calloc(p.cap, sizeof *p.fds);
    if (p.fds == NULL)
        return 1;
    uint64_t start = mono_now_us();
    uint64_t end = o->duration_s > 0 ? start + (uint64_t)llround(o->duration_s * 1e6) : UINT64_MAX;
    uint64_t now = start;
    while (!stop_requested && now < end) {
        uint64_t a = ns_udp_flush(u, now), b = ns_tcp_flush(t, now);
        uint64_t due = a < b ? a : b;
        due = due < end ? due : end;
        p.n = 0;
        ns_udp_poll_add(u, &p);
        ns_tcp_poll_add(t, &p);
        struct timespec ts = timeout_for(mono_now_us(), due);
        int r = ppoll(p.fds, p.n, &ts, NULL);
        now = mono_now_us();
        if (r > 0) {
            ns_udp_handle(u, &p, now);
            ns_tcp_handle(t, &p, now);
        }
    }
    free(p.fds);
    return 0;
}

int main(int argc, char **argv)
{
    NsOptions o;
    ns_options_default(&o);
    int rc = ns_options_parse(&o, argc, argv, stdout, stderr);
    if (rc >= 0)
        return rc;
    if (!links_valid(&o))
        return 2;
    if (!raise_fd_limit(&o)) {
        fprintf(stderr,
                "arena-netsim: the system allows too few open files for --max-clients "
                "%u and --tcp-max %u (ulimit -n)\n",
                o.max_clients, o.tcp_max);
        return 1;
    }
    stop_signals_install(on_signal);
    NsUdp u;
    NsTcp t;
    if (!ns_udp_open(&u, &o))
        return 1;
    if (!ns_tcp_open(&t, &o)) {
        ns_udp_close(&u);
        return 1;
    }
    if (!o.quiet)
        fprintf(stderr, "arena-netsim: relaying %s:%u (UDP and TCP) to %s:%u%s%s\n", o.listen_host,
                (unsigned)o.listen_port, o.to_host, (unsigned)o.to_port,
                o.profile[0] ? ", profile " : "", o.profile);
    uint64_t start = mono_now_us();
    rc = run(&o, &u, &t);
    double seconds = (double)(mono_now_us() - start) / 1e6;
    NsUdpStats us;
    ns_udp_totals(&u, &us);
    NsTcpStats ts = t.st;
    ns_tcp_close(&t);
    ns_udp_close(&u);
    if (o.stats_path[0] != '\0' && !ns_report_write(o.stats_path, &o, &us, &ts, seconds)) {
        fprintf(stderr, "arena-netsim: cannot write %s\n", o.stats_path);
        rc = 1;
    }
    if (!o.quiet)
        ns_report_summary(stderr, &us, &ts, seconds);
    return rc;
}
