/* udp_floor.c — arena-udpfloor: the CPU cost of a bare sendto(), the floor a game server's
 * cost per snapshot is measured against (scripts/bench.py runs it in the same run as the
 * server, with the server's mean snapshot datagram size and player count).
 *
 * A child process binds N UDP sockets on 127.0.0.1 and drains them (epoll); the parent sends
 * one datagram of B bytes to each of them RATE times a second for S seconds from one socket,
 * as a server sends one snapshot per client, and counts its own CPU time (getrusage: user +
 * system) over the sending. Prints one JSON object. Loopback only; bounded in time and count.
 *
 *   arena-udpfloor --receivers N --bytes B [--rate HZ] [--seconds S] */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
    MAX_RECEIVERS = 4096,
    MAX_BYTES = 1200, /* the datagram budget */
    MAX_SECONDS = 600,
    MAX_RATE = 1000,
    RECV_BUF = 1 << 20,
};

typedef struct FloorArgs {
    long receivers, bytes, rate, seconds;
} FloorArgs;

static bool parse_long(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static int usage(const char *why)
{
    fprintf(stderr,
            "arena-udpfloor: %s\n"
            "usage: arena-udpfloor --receivers N (1-%d) --bytes B (1-%d) [--rate HZ (1-%d, "
            "default 30)] [--seconds S (1-%d, default 10)]\n",
            why, MAX_RECEIVERS, MAX_BYTES, MAX_RATE, MAX_SECONDS);
    return 2;
}

static int parse_args(int argc, char **argv, FloorArgs *a)
{
    *a = (FloorArgs){.receivers = 0, .bytes = 0, .rate = 30, .seconds = 10};
    static const struct {
        const char *flag;
        long lo, hi;
        size_t off;
    } opts[] = {
        {"--receivers", 1, MAX_RECEIVERS, offsetof(FloorArgs, receivers)},
        {"--bytes", 1, MAX_BYTES, offsetof(FloorArgs, bytes)},
        {"--rate", 1, MAX_RATE, offsetof(FloorArgs, rate)},
        {"--seconds", 1, MAX_SECONDS, offsetof(FloorArgs, seconds)},
    };
    for (int i = 1; i < argc; i++) {
        size_t k = 0;
        while (k < sizeof opts / sizeof opts[0] && strcmp(argv[i], opts[k].flag) != 0)
            k++;
        if (k == sizeof opts / sizeof opts[0]) {
            char why[128];
            snprintf(why, sizeof why, "unknown option '%.60s'", argv[i]);
            return usage(why);
        }
        long *dst = (long *)((char *)a + opts[k].off);
        if (i + 1 >= argc || !parse_long(argv[i + 1], opts[k].lo, opts[k].hi, dst)) {
            char why[128];
            snprintf(why, sizeof why, "%s needs a number from %ld to %ld", opts[k].flag, opts[k].lo,
                     opts[k].hi);
            return usage(why);
        }
        i++;
    }
    if (a->receivers == 0 || a->bytes == 0)
        return usage("--receivers and --bytes are required");
    return 0;
}

/* The child: N bound sockets, their ports written to `out`, drained until SIGTERM; then the
 * count of datagrams received is written to `out`. */
static void receive_side(long n, int out)
{
    int ep = epoll_create1(0);
    uint64_t got = 0;
    char buf[MAX_BYTES + 1];
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, NULL);
    for (long i = 0; i < n; i++) {
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        int sz = RECV_BUF;
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t len = sizeof a;
        if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
            getsockname(fd, (struct sockaddr *)&a, &len) != 0)
            _exit(1);
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
        uint16_t port = a.sin_port;
        if (write(out, &port, sizeof port) != sizeof port)
            _exit(1);
    }
    struct timespec zero = {0, 0};
    for (;;) {
        struct epoll_event evs[64];
        int k = epoll_wait(ep, evs, 64, 50);
        for (int i = 0; i < k; i++)
            while (recv(evs[i].data.fd, buf, sizeof buf, 0) >= 0)
                got++;
        if (sigtimedwait(&term, NULL, &zero) == SIGTERM)
            break;
    }
    if (write(out, &got, sizeof got) != sizeof got)
        _exit(1);
    _exit(0);
}

static uint64_t cpu_us(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (uint64_t)ru.ru_utime.tv_sec * 1000000u + (uint64_t)ru.ru_utime.tv_usec +
           (uint64_t)ru.ru_stime.tv_sec * 1000000u + (uint64_t)ru.ru_stime.tv_usec;
}

static bool read_all(int fd, void *p, size_t n)
{
    for (size_t got = 0; got < n;) {
        ssize_t r = read(fd, (char *)p + got, n - got);
        if (r <= 0)
            return false;
        got += (size_t)r;
    }
    return true;
}

/* Sends the rounds; returns the datagrams sent, *errors the failed sendto calls. */
static uint64_t send_side(const FloorArgs *a, const uint16_t *ports, uint64_t *errors)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    char payload[MAX_BYTES];
    memset(payload, 0x5a, sizeof payload);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    uint64_t sent = 0, period_ns = 1000000000u / (uint64_t)a->rate;
    for (long round = 0; round < a->rate * a->seconds; round++) {
        for (long i = 0; i < a->receivers; i++) {
            to.sin_port = ports[i];
            if (sendto(fd, payload, (size_t)a->bytes, 0, (struct sockaddr *)&to, sizeof to) ==
                a->bytes)
                sent++;
            else
                (*errors)++;
        }
        uint64_t ns = (uint64_t)next.tv_nsec + period_ns;
        next.tv_sec += (time_t)(ns / 1000000000u);
        next.tv_nsec = (long)(ns % 1000000000u);
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR) {
        }
    }
    close(fd);
    return sent;
}

int main(int argc, char **argv)
{
    FloorArgs a;
    int rc = parse_args(argc, argv, &a);
    if (rc != 0)
        return rc;
    int pipefd[2];
    if (pipe(pipefd) != 0)
        return 1;
    pid_t child = fork();
    if (child < 0)
        return 1;
    if (child == 0) {
        close(pipefd[0]);
        receive_side(a.receivers, pipefd[1]);
    }
    close(pipefd[1]);
    uint16_t *ports = calloc((size_t)a.receivers, sizeof *ports);
    if (ports == NULL || !read_all(pipefd[0], ports, (size_t)a.receivers * sizeof *ports)) {
        fprintf(stderr, "arena-udpfloor: the receivers did not start\n");
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        return 1;
    }
    uint64_t errors = 0, c0 = cpu_us();
    uint64_t sent = send_side(&a, ports, &errors);
    uint64_t c1 = cpu_us();
    usleep(100000); /* the last datagrams reach the receivers */
    kill(child, SIGTERM);
    uint64_t received = 0;
    bool ok = read_all(pipefd[0], &received, sizeof received);
    waitpid(child, NULL, 0);
    free(ports);
    printf("{\"receivers\": %ld, \"bytes\": %ld, \"rate_hz\": %ld, \"seconds\": %ld, "
           "\"datagrams_sent\": %llu, \"send_errors\": %llu, \"datagrams_received\": %llu, "
           "\"cpu_us\": %llu, \"cpu_us_per_datagram\": %.3f}\n",
           a.receivers, a.bytes, a.rate, a.seconds, (unsigned long long)sent,
           (unsigned long long)errors, (unsigned long long)received, (unsigned long long)(c1 - c0),
           sent ? (double)(c1 - c0) / (double)sent : 0.0);
    return ok ? 0 : 1;
}
