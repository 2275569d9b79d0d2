/* ns_login.h — the one thing arena-netsim changes in what it relays: the game port in the
 * server's login answer.
 *
 * After a TCP login the server answers "OK token=... id=... udp=<port> ..." and the client
 * starts ENet to the host it logged in to at <port> (client/core/cli_login.c,
 * cli_transport.c). Relayed untouched, that port is the server's own, and the client's game
 * traffic would go round the relay. So the scanner follows the server-to-client bytes line by
 * line until the login answer, rewrites udp=<port> in an OK line to the relay's port, and
 * from then on (or after a line too long, or NS_LOGIN_SCAN_MAX bytes) passes every byte
 * through untouched. Only a line that may still turn out to be "OK ..." is held back until
 * its "\n"; any other byte passes at once (a stream that is not ours is never stalled). Pure: no
 * sockets, no allocation; server bytes are trusted no more than any others (bounded line buffer, no
 * assumption about how they are split). */
#ifndef ARENA_NS_LOGIN_H
#define ARENA_NS_LOGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

enum {
    NS_LOGIN_LINE_MAX = PROTO_LINE_MAX, /* bytes of a line, "\n" included */
    NS_LOGIN_SCAN_MAX = 16384,          /* bytes looked at before giving up on an answer */
    NS_LOGIN_GROWTH = 8,                /* a rewrite lengthens a line by at most this */
};

typedef struct NsLoginScan {
    uint16_t port;  /* the port the client should be told */
    bool done;      /* past the answer: pass-through */
    bool passing;   /* the current line is not an OK line: its bytes pass at once */
    uint16_t found; /* the port the server announced (0: none yet) */
    unsigned rewritten;
    size_t held; /* bytes of an unfinished line in line[] */
    size_t seen;
    char line[NS_LOGIN_LINE_MAX];
} NsLoginScan;

void ns_login_init(NsLoginScan *s, uint16_t port);
/* n bytes from the server in; what goes to the client out (returns its length). out must
 * hold n + NS_LOGIN_LINE_MAX + NS_LOGIN_GROWTH bytes. */
size_t ns_login_feed(NsLoginScan *s, const uint8_t *in, size_t n, uint8_t *out, size_t cap);
/* One line (without its "\n"): if it is an OK line with a udp=<port> field, writes it with
 * that port replaced into out and returns the new length, with *old the port it had;
 * otherwise 0. */
size_t ns_login_rewrite_ok(const char *line, size_t len, uint16_t port, char *out, size_t cap,
                           uint16_t *old);

#endif
