/* ns_relay.h — arena-netsim's two relays and what they share: the poll set and the counters.
 *
 * ns_udp.c relays the game port: one upstream socket per client address (so the server sees
 * a peer per client), a bounded client table, two NsLinks per client. ns_tcp.c relays the
 * login port: added latency and a byte-rate cap, bounded buffers, half-close. main.c owns the
 * loop: it asks each relay for its file descriptors and its next deadline, polls, and hands
 * the results back. Time comes in as an argument (mono_now_us() read once per wake-up). */
#ifndef ARENA_NS_RELAY_H
#define ARENA_NS_RELAY_H

#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "ns_link.h"
#include "ns_login.h"
#include "ns_options.h"

typedef struct NsPoll {
    struct pollfd *fds;
    unsigned n, cap;
} NsPoll;

/* Appends fd with events; returns its index, or -1 if the set is full (it is sized for
 * every socket the relays can hold, so that is a programmer error). */
int ns_poll_add(NsPoll *p, int fd, short events);

typedef struct NsUdpStats {
    NsLinkStats dir[NS_DIRS]; /* every client's links, the forgotten ones included */
    uint64_t clients_seen;    /* addresses that got a table entry */
    uint64_t clients_peak;
    uint64_t clients_expired;  /* forgotten after --idle (or 2 s unanswered) */
    uint64_t clients_refused;  /* datagrams dropped because the table was full */
    uint64_t oversize_unknown; /* over the up MTU from an address without an entry */
    uint64_t send_errors, recv_errors;
} NsUdpStats;

typedef struct NsTcpStats {
    uint64_t connections, refused, upstream_failed, errors;
    uint64_t bytes[NS_DIRS];
    uint64_t login_rewrites, port_mismatch;
} NsTcpStats;

typedef struct NsClient NsClient;
typedef struct NsConn NsConn;

typedef struct NsUdp {
    const NsOptions *o;
    int fd;
    int poll_i;
    struct sockaddr_in server;
    NsClient *clients; /* o->max_clients entries */
    unsigned active;
    uint64_t next_index;
    NsUdpStats st;
} NsUdp;

typedef struct NsTcp {
    const NsOptions *o;
    int fd;
    int poll_i;
    struct sockaddr_in server;
    uint16_t udp_port; /* the relay's game port, told to clients in the login answer */
    uint16_t server_udp_port;
    NsConn *conns; /* o->tcp_max entries */
    unsigned active;
    bool warned_port;
    NsTcpStats st;
} NsTcp;

/* Each returns false with a message on stderr if it cannot start. */
bool ns_udp_open(NsUdp *u, const NsOptions *o);
void ns_udp_close(NsUdp *u);
void ns_udp_poll_add(NsUdp *u, NsPoll *p);
void ns_udp_handle(NsUdp *u, const NsPoll *p, uint64_t now_us);
/* Sends what is due, forgets idle clients; returns the next time it needs to run. */
uint64_t ns_udp_flush(NsUdp *u, uint64_t now_us);
/* Totals: the forgotten clients' and the live ones'. */
void ns_udp_totals(const NsUdp *u, NsUdpStats *out);

bool ns_tcp_open(NsTcp *t, const NsOptions *o);
void ns_tcp_close(NsTcp *t);
void ns_tcp_poll_add(NsTcp *t, NsPoll *p);
void ns_tcp_handle(NsTcp *t, const NsPoll *p, uint64_t now_us);
uint64_t ns_tcp_flush(NsTcp *t, uint64_t now_us);
/* Upper bound of the file descriptors each relay can put in a poll set. */
unsigned ns_udp_poll_max(const NsOptions *o);
unsigned ns_tcp_poll_max(const NsOptions *o);

#endif
