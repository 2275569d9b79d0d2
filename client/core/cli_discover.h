/* cli_discover.h — LAN discovery, client side: broadcast a QUERY, collect REPLYs.
 *
 * Owns one non-blocking UDP socket with SO_BROADCAST. Each query carries a fresh nonce; a
 * reply counts only if it echoes the nonce of one of our recent queries and decodes cleanly
 * (msg_discovery_reply_decode). Servers are deduplicated by source address and ports; the ping is
 * the time from the matching query to the reply. Never blocks: the caller polls the fd.
 *
 * A query to the limited broadcast 255.255.255.255 (the default) also goes to the broadcast
 * address of every interface that is up (getifaddrs): on a LAN with no router, as at many LAN
 * parties (a switch, static or link-local addresses, no default route), the kernel has no
 * route for 255.255.255.255 and refuses it ("Network is unreachable"), while each subnet's
 * own broadcast reaches the same hosts. */
#ifndef ARENA_CLI_DISCOVER_H
#define ARENA_CLI_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msg.h"

enum {
    CLI_DISCOVER_MAX_SERVERS = 32,
    CLI_DISCOVER_NONCES = 8, /* recent queries whose replies are accepted */
    CLI_DISCOVER_ADDR_MAX = 64,
    CLI_DISCOVER_MAX_DESTS = 16, /* addresses one query goes to */
};

struct ifaddrs;

typedef struct CliDiscoverConfig {
    char broadcast[CLI_DISCOVER_ADDR_MAX]; /* IPv4 address queries go to */
    uint16_t port;                         /* servers' discovery port */
} CliDiscoverConfig;

typedef struct CliServerInfo {
    char addr[CLI_DISCOVER_ADDR_MAX]; /* dotted IPv4 the reply came from */
    uint32_t ip;                      /* same, network byte order */
    MsgDiscoveryReply reply;          /* newest reply */
    double ping_ms;                   /* query-to-reply time of the newest reply */
    uint64_t seen_us;                 /* when the newest reply arrived */
} CliServerInfo;

typedef struct CliDiscover CliDiscover;

/* broadcast "255.255.255.255", port PROTO_DISCOVERY_PORT. */
void cli_discover_default_config(CliDiscoverConfig *cfg);
/* NULL on failure with a reason in err. */
CliDiscover *cli_discover_create(const CliDiscoverConfig *cfg, char *err, size_t errlen);
void cli_discover_destroy(CliDiscover *d);
int cli_discover_fd(const CliDiscover *d);
/* Sends one query (PROTO_DISCOVERY_QUERY_BYTES long). False if the send failed. */
bool cli_discover_query(CliDiscover *d, uint64_t now_us);
/* Reads every pending reply. */
void cli_discover_service(CliDiscover *d, uint64_t now_us);
unsigned cli_discover_count(const CliDiscover *d);
const CliServerInfo *cli_discover_server(const CliDiscover *d, unsigned i);
/* Where a query goes (network byte order, no duplicates): `configured` and, if it is
 * 255.255.255.255, each interface of `ifs` that is up, not loopback, has IPv4 broadcast and a
 * broadcast address. Returns how many (at most cap). Pure: the list is the caller's. */
unsigned cli_discover_dests(uint32_t configured, const struct ifaddrs *ifs, uint32_t *out,
                            unsigned cap);
/* Datagrams that were not a valid answer to one of our queries. */
uint64_t cli_discover_rejected(const CliDiscover *d);

#endif
