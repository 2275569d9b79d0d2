/* discovery.c — answers LAN discovery queries on UDP (default port 7778).
 *
 * Owns the discovery socket. A reply is never larger than the query that asked (the query is
 * padded to PROTO_DISC_QUERY_BYTES), and one source address gets at most 10 answers per
 * second, so the server cannot be used to amplify traffic. Bound with SO_REUSEADDR so several
 * servers on one host all receive a broadcast and all answer. */
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
    DISC_PER_SECOND = 10, /* answers per source address per second */
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

/* True if this source may get another answer now. */
static bool rate_ok(Server *s, uint32_t ip, uint64_t now_ms)
{
    size_t n = sizeof s->disc_rl / sizeof s->disc_rl[0];
    size_t oldest = 0;
    for (size_t i = 0; i < n; i++) {
        if (s->disc_rl[i].ip == ip && s->disc_rl[i].window_ms != 0) {
            if (now_ms - s->disc_rl[i].window_ms >= 1000) {
                s->disc_rl[i].window_ms = now_ms;
                s->disc_rl[i].count = 0;
            }
            return s->disc_rl[i].count++ < DISC_PER_SECOND;
        }
        if (s->disc_rl[i].window_ms < s->disc_rl[oldest].window_ms)
            oldest = i;
    }
    s->disc_rl[oldest].ip = ip;
    s->disc_rl[oldest].window_ms = now_ms;
    s->disc_rl[oldest].count = 1;
    return true;
}

void disc_service(Server *s, uint64_t now_ms)
{
    if (s->disc_fd < 0)
        return;
    for (int k = 0; k < DISC_PER_CALL; k++) {
        uint8_t buf[PROTO_DISC_QUERY_BYTES + 1]; /* one more: longer queries are invalid */
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        ssize_t r = recvfrom(s->disc_fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
        if (r < 0)
            return;
        s->stats.disc_queries++;
        MsgDiscQuery q;
        if (msg_disc_query_decode(buf, (size_t)r, &q) != MSG_OK) {
            s->stats.disc_dropped++;
            log_debug(s->log, now_ms, "disc", "malformed query (%zd bytes) dropped", r);
            continue;
        }
        if (!rate_ok(s, from.sin_addr.s_addr, now_ms)) {
            s->stats.disc_dropped++;
            continue;
        }
        MsgDiscReply rep = {.version = PROTO_VERSION,
                            .nonce = q.nonce,
                            .capacity = (uint16_t)s->cfg.max_players,
                            .game_port = s->cfg.game_port,
                            .login_port = s->cfg.login_port};
        for (unsigned i = 0; i < s->cfg.max_players; i++)
            rep.players += s->players[i].state != SP_FREE;
        snprintf(rep.server_name, sizeof rep.server_name, "%s", s->cfg.name);
        snprintf(rep.map_name, sizeof rep.map_name, "%s", s->map.name);
        uint8_t out[PROTO_DISC_QUERY_BYTES];
        size_t n = msg_disc_reply_encode(&rep, out, sizeof out, (size_t)r);
        if (n == 0) {
            s->stats.disc_dropped++;
            continue;
        }
        if (sendto(s->disc_fd, out, n, 0, (struct sockaddr *)&from, sizeof from) == (ssize_t)n)
            s->stats.disc_answered++;
    }
}
