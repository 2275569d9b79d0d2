/* cli_discover.c — see cli_discover.h. */
#include "cli_discover.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "protocol.h"

struct CliDiscover {
    int fd;
    struct sockaddr_in dst;
    struct {
        bool used;
        uint32_t nonce;
        uint64_t sent_us;
    } sent[CLI_DISCOVER_NONCES];
    unsigned sent_next;
    uint64_t rng;
    CliServerInfo servers[CLI_DISCOVER_MAX_SERVERS];
    unsigned count;
    uint64_t rejected;
};

void cli_discover_default_config(CliDiscoverConfig *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->broadcast, sizeof cfg->broadcast, "255.255.255.255");
    cfg->port = PROTO_DISCOVERY_PORT;
}

CliDiscover *cli_discover_create(const CliDiscoverConfig *cfg, char *err, size_t errlen)
{
    struct sockaddr_in dst = {0};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(cfg->port);
    if (cfg->port == 0 || inet_pton(AF_INET, cfg->broadcast, &dst.sin_addr) != 1) {
        snprintf(err, errlen, "discovery: '%s' port %u is not an IPv4 address and port",
                 cfg->broadcast, cfg->port);
        return NULL;
    }
    CliDiscover *d = calloc(1, sizeof *d);
    if (d == NULL) {
        snprintf(err, errlen, "discovery: out of memory");
        return NULL;
    }
    d->dst = dst;
    d->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int one = 1;
    if (d->fd < 0 || setsockopt(d->fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one) != 0) {
        snprintf(err, errlen, "discovery: socket: %s", strerror(errno));
        cli_discover_destroy(d);
        return NULL;
    }
    /* Nonces only need to differ between queries and runs, not to be secret. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    d->rng = ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 16);
    return d;
}

void cli_discover_destroy(CliDiscover *d)
{
    if (d == NULL)
        return;
    if (d->fd >= 0)
        close(d->fd);
    free(d);
}

int cli_discover_fd(const CliDiscover *d)
{
    return d->fd;
}

static uint32_t next_nonce(CliDiscover *d)
{
    /* splitmix64 */
    uint64_t z = (d->rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (uint32_t)(z ^ (z >> 31));
}

static bool add_dest(uint32_t a, uint32_t *out, unsigned *n, unsigned cap)
{
    for (unsigned i = 0; i < *n; i++)
        if (out[i] == a)
            return true;
    if (*n >= cap)
        return false;
    out[(*n)++] = a;
    return true;
}

unsigned cli_discover_dests(uint32_t configured, const struct ifaddrs *ifs, uint32_t *out,
                            unsigned cap)
{
    unsigned n = 0;
    (void)add_dest(configured, out, &n, cap);
    if (configured != htonl(INADDR_BROADCAST))
        return n;
    for (const struct ifaddrs *i = ifs; i != NULL; i = i->ifa_next) {
        unsigned f = i->ifa_flags;
        if (!(f & IFF_UP) || !(f & IFF_BROADCAST) || (f & IFF_LOOPBACK) || i->ifa_addr == NULL ||
            i->ifa_addr->sa_family != AF_INET || i->ifa_broadaddr == NULL ||
            i->ifa_broadaddr->sa_family != AF_INET)
            continue;
        uint32_t b = ((const struct sockaddr_in *)(const void *)i->ifa_broadaddr)->sin_addr.s_addr;
        if (b != 0)
            (void)add_dest(b, out, &n, cap);
    }
    return n;
}

/* Sends the query to every destination; true if at least one send went out (errno is the
 * last failure's otherwise). */
static bool send_all(CliDiscover *d, const uint8_t *buf, size_t n)
{
    uint32_t dests[CLI_DISCOVER_MAX_DESTS];
    struct ifaddrs *ifs = NULL;
    bool limited = d->dst.sin_addr.s_addr == htonl(INADDR_BROADCAST);
    if (limited && getifaddrs(&ifs) != 0)
        ifs = NULL; /* then only the configured address */
    unsigned nd = cli_discover_dests(d->dst.sin_addr.s_addr, ifs, dests, CLI_DISCOVER_MAX_DESTS);
    if (ifs != NULL)
        freeifaddrs(ifs);
    bool any = false;
    int err = 0;
    for (unsigned i = 0; i < nd; i++) {
        struct sockaddr_in to = d->dst;
        to.sin_addr.s_addr = dests[i];
        ssize_t w = sendto(d->fd, buf, n, 0, (const struct sockaddr *)&to, sizeof to);
        if (w == (ssize_t)n)
            any = true;
        else
            err = errno;
    }
    if (!any)
        errno = err;
    return any;
}

bool cli_discover_query(CliDiscover *d, uint64_t now_us)
{
    MsgDiscoveryQuery q = {.version = PROTO_VERSION, .nonce = next_nonce(d)};
    uint8_t buf[PROTO_DISCOVERY_QUERY_BYTES];
    size_t n = msg_discovery_query_encode(&q, buf, sizeof buf);
    if (n == 0 || !send_all(d, buf, n))
        return false;
    d->sent[d->sent_next].used = true;
    d->sent[d->sent_next].nonce = q.nonce;
    d->sent[d->sent_next].sent_us = now_us;
    d->sent_next = (d->sent_next + 1) % CLI_DISCOVER_NONCES;
    return true;
}

static bool find_query(const CliDiscover *d, uint32_t nonce, uint64_t *sent_us)
{
    for (unsigned i = 0; i < CLI_DISCOVER_NONCES; i++)
        if (d->sent[i].used && d->sent[i].nonce == nonce) {
            *sent_us = d->sent[i].sent_us;
            return true;
        }
    return false;
}

void cli_discover_service(CliDiscover *d, uint64_t now_us)
{
    for (int k = 0; k < 256; k++) {
        uint8_t buf[PROTO_DISCOVERY_QUERY_BYTES + 1]; /* a reply is never longer than a query */
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        ssize_t r = recvfrom(d->fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        MsgDiscoveryReply rep;
        uint64_t sent_us = 0;
        if (fl != sizeof from || from.sin_family != AF_INET ||
            msg_discovery_reply_decode(buf, (size_t)r, &rep) != MSG_OK ||
            !find_query(d, rep.nonce, &sent_us)) {
            d->rejected++;
            continue;
        }
        CliServerInfo *s = NULL;
        for (unsigned i = 0; i < d->count; i++) {
            CliServerInfo *c = &d->servers[i];
            if (c->ip == from.sin_addr.s_addr && c->reply.game_port == rep.game_port &&
                c->reply.login_port == rep.login_port)
                s = c;
        }
        if (s == NULL) {
            if (d->count == CLI_DISCOVER_MAX_SERVERS) {
                d->rejected++;
                continue;
            }
            s = &d->servers[d->count++];
            memset(s, 0, sizeof *s);
            s->ip = from.sin_addr.s_addr;
            inet_ntop(AF_INET, &from.sin_addr, s->addr, sizeof s->addr);
        }
        s->reply = rep;
        s->ping_ms = now_us >= sent_us ? (double)(now_us - sent_us) / 1000.0 : 0.0;
        s->seen_us = now_us;
    }
}

unsigned cli_discover_count(const CliDiscover *d)
{
    return d->count;
}

const CliServerInfo *cli_discover_server(const CliDiscover *d, unsigned i)
{
    return i < d->count ? &d->servers[i] : NULL;
}

uint64_t cli_discover_rejected(const CliDiscover *d)
{
    return d->rejected;
}
