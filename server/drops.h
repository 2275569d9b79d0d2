/* drops.h — every way the server refuses or drops hostile or broken input, one table.
 *
 * Owns the list of counted drops: each has a stats key (--stats-json, arena-ctl status), a
 * counter in SrvStats and a log line that is rate-limited per kind (the first one at once,
 * then at most one every DROP_LOG_MS with the number suppressed), so a flood can be seen in
 * the log without flooding it. Adding a kind is one row here and one in drops.c. */
#ifndef ARENA_SRV_DROPS_H
#define ARENA_SRV_DROPS_H

#include <stdint.h>

#include "log.h"

typedef enum SrvDrop {
    /* UDP game port (udp_gate.c), before ENet sees the datagram */
    DROP_UDP_MALFORMED = 0,   /* not an ENet datagram we accept (short, compressed, bad walk) */
    DROP_UDP_OVERSIZE,        /* longer than ENet's 4096-byte buffer (enet_batch.h) */
    DROP_UDP_SPOOFED,         /* for a live peer, but wrong address, session or checksum */
    DROP_UDP_NO_PEER,         /* for a peer id that is not connected */
    DROP_UDP_CONNECT_REFUSED, /* CONNECT without a live login's tag from that address */
    DROP_UDP_CONNECT_BANNED,  /* CONNECT from a banned address */
    DROP_UDP_CONNECT_LIMIT,   /* CONNECT over the per-address ENet peer limit */
    DROP_UDP_UNBOUND,         /* a peer that has not bound sent something other than BIND */
    DROP_UDP_UNEXPECTED,      /* a bound peer sent a command the protocol never uses */
    DROP_UDP_RATE,            /* a peer over its datagram budget */
    DROP_UDP_HALF_OPEN,       /* an admitted CONNECT whose handshake never completed */
    DROP_ENET_BACKLOG,        /* a player whose outgoing reliable queue passed the cap */
    DROP_BAD_PACKET,          /* an ENet message that does not decode or is not expected */
    DROP_SNAPSHOT_ENCODE,     /* a client's snapshot that could not be encoded (not sent) */
    DROP_UNRELIABLE_OVERSIZE, /* an unreliable message ENet would have fragmented reliably */
    /* TCP login port (tcp.c, lobby.c) */
    DROP_TCP_ADDR_LIMIT,     /* refused at accept: per-address connection limit */
    DROP_TCP_PRELOGIN_LIMIT, /* refused at accept: per-address limit of connections not
                                logged in */
    DROP_TCP_EVICTED,        /* oldest connection not logged in, closed to make room */
    DROP_TCP_BANNED,         /* refused at accept: banned address */
    DROP_TCP_THROTTLED,      /* a connection over its read budget: reading paused */
    DROP_TCP_FLOODED,        /* a connection over the flood limit: BYE flood, closed */
    DROP_TCP_KILLED,         /* a connection closed at once (slow reader, write error) */
    DROP_LOGIN_ADDR_LIMIT,   /* LOGIN refused: per-address login limit */
    DROP_LOGIN_NAME,         /* LOGIN refused: the name breaks the rules */
    DROP_LOGIN_TAKEN,        /* LOGIN refused: the name (or a confusable one) is taken */
    DROP_LOGIN_BANNED,       /* LOGIN refused: banned name */
    DROP_LOGIN_COLOUR,       /* LOGIN refused: a malformed colour=N */
    DROP_CHAT_UNSAFE,        /* chat text with line separators or bidi controls */
    /* LAN discovery (discovery.c) */
    DROP_DISC_VERSION, /* a query of another protocol version */
    DROP_DISC_SOURCE,  /* over the per-source answer rate */
    DROP_DISC_BUDGET,  /* over the global answer budget */
    /* operator control socket (ctl.c) */
    DROP_CTL_REFUSED, /* a connection from another user, or a bad command */
    /* metrics endpoint (metrics_http.c) */
    DROP_METRICS_REFUSED,    /* a connection over the endpoint's limits */
    DROP_METRICS_BAD,        /* a request for another path or method (or before the first text) */
    DROP_METRICS_UNANSWERED, /* a connection closed without a whole request (slow, junk) */
    DROP_COUNT,
} SrvDrop;

enum { DROP_LOG_MS = 5000 };

typedef struct DropLog {
    uint64_t count[DROP_COUNT];
    uint64_t logged_ms[DROP_COUNT]; /* when the last line for this kind was printed */
    uint64_t suppressed[DROP_COUNT];
} DropLog;

/* The stats key of a kind ("udp_spoofed", ...). */
const char *drop_key(SrvDrop kind);
/* Counts one drop and logs `fmt` (what, from whom) unless a line for this kind was printed
 * less than DROP_LOG_MS ago. */
void drop_note(DropLog *d, Log *log, SrvDrop kind, uint64_t now_ms, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* True when a drop of this kind now would print a line: callers skip building the text of
 * one that would only be counted (a flood's). */
bool drop_will_log(const DropLog *d, SrvDrop kind, uint64_t now_ms);
/* The same for n drops at once (counted elsewhere first: the metrics endpoint's thread). */
void drop_note_n(DropLog *d, Log *log, SrvDrop kind, uint64_t n, uint64_t now_ms, const char *fmt,
                 ...) __attribute__((format(printf, 6, 7)));

#endif
