/* discovery.c — answers LAN discovery queries on UDP (default port 7778).
 *
 * Owns the discovery socket. A reply is never larger than the query that asked (the query is
 * padded to PROTO_DISCOVERY_QUERY_BYTES); queries of another protocol version get no answer; one
 * source address gets at most DISC_PER_SECOND answers per second, from a keyed table of
 * buckets that does not forget sources however many rotate (ratelimit.h); and all sources
 * together get at most DISC_BUDGET answers per 100 ms (as ioq3's SVC_RateLimit), so the server
 * cannot be used to amplify traffic. Bound with SO_REUSEADDR so several servers on one host all
 * receive a broadcast and all answer. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "msg.h"
#include "server.h"

enum {
    DISC_PER_SECOND = 10, /* answers per source address per second (and its burst) */
    DISC_BUDGET = 10,     /* answers per 100 ms from all sources together */
    DISC_PER_CALL = 64,   /* datagrams handled per loop iteration */
};

bool disc_open(Server *s)
{
    s->disc_fd = -1;
    if (s->cfg.discovery_port == 0)
        return true;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        log_info(s->log, "disc", "socket: %s", strerror(errno));
        return false;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    /* Broadcasts arrive only at a socket bound to the wildcard address, whatever cfg.bind. */
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(s->cfg.discovery_port);
    sa.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        log_info(s->log, "disc", "cannot bind UDP port %u: %s", s->cfg.discovery_port,
                 strerror(errno));
        close(fd);
        return false;
    }
    s->disc_fd = fd;
    return true;
}

static void disc_drop(Server *s, SrvDrop kind, const struct sockaddr_in *from, uint64_t now_ms,
                      const char *why)
{
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &from->sin_addr, ip, sizeof ip);
    s->stats.disc_dropped++;
    drop_note(&s->stats.drops, s->log, kind, now_ms, "%s:%u: %s", ip, ntohs(from->sin_port), why);
}

void disc_service(Server *s, uint64_t now_ms)
{
    if (s->disc_fd < 0)
        return;
    for (int k = 0; k < DISC_PER_CALL; k++) {
        uint8_t buf[PROTO_DISCOVERY_QUERY_BYTES + 1]; /* one more: longer queries are invalid */
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        ssize_t r = recvfrom(s->disc_fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
        if (r < 0)
            return;
        s->stats.disc_queries++;
        MsgDiscoveryQuery q;
        if (msg_discovery_query_decode(buf, (size_t)r, &q) != MSG_OK) {
            s->stats.disc_dropped++;
            log_debug(s->log, now_ms, "disc", "malformed query (%zd bytes) dropped", r);
            continue;
        }
        if (q.version != PROTO_VERSION) {
            disc_drop(s, DROP_DISC_VERSION, &from, now_ms, "query of another protocol version");
            continue;
        }
        RlBucket *src = rl_table_bucket(&s->disc_sources, from.sin_addr.s_addr);
        if (rl_available(src, now_ms, DISC_PER_SECOND, DISC_PER_SECOND) == 0) {
            disc_drop(s, DROP_DISC_SOURCE, &from, now_ms, "over the per-source answer rate");
            continue;
        }
        if (!rl_take(&s->disc_budget, now_ms, DISC_BUDGET * 10, DISC_BUDGET)) {
            disc_drop(s, DROP_DISC_BUDGET, &from, now_ms, "over the global answer budget");
            continue;
        }
        (void)rl_take(src, now_ms, DISC_PER_SECOND, DISC_PER_SECOND);
        MsgDiscoveryReply rep = {.version = PROTO_VERSION,
                                 .nonce = q.nonce,
                                 .capacity = (uint16_t)s->cfg.max_players,
                                 .game_port = s->cfg.game_port,
                                 .login_port = s->cfg.login_port};
        for (unsigned i = 0; i < s->cfg.max_players; i++)
            rep.players += s->players[i].state != SP_FREE;
        snprintf(rep.server_name, sizeof rep.server_name, "%s", s->cfg.name);
        snprintf(rep.map_name, sizeof rep.map_name, "%s", s->map.name);
        uint8_t out[PROTO_DISCOVERY_QUERY_BYTES];
        size_t n = msg_discovery_reply_encode(&rep, out, sizeof out, (size_t)r);
        if (n == 0) {
            s->stats.disc_dropped++;
            continue;
        }
        if (sendto(s->disc_fd, out, n, 0, (struct sockaddr *)&from, sizeof from) == (ssize_t)n)
            s->stats.disc_answered++;
    }
}
