/* ns_options.h — arena-netsim's command line: one table (cli_options.h) drives parsing, the
 * check of each value and --help; the profiles by name (ns_profile.c).
 *
 * Pure: fills an NsOptions from argv and prints only to the streams it is given, so the unit
 * tests and the fuzz target run it as often as they like. Nothing here opens a socket. */
#ifndef ARENA_NS_OPTIONS_H
#define ARENA_NS_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ns_link.h"

enum {
    NS_HOST_MAX = 64,  /* bytes of a numeric IPv4 address, with room to spare */
    NS_PATH_MAX = 512, /* --stats-json */
    NS_PROFILE_NAME_MAX = 16,
    NS_MAX_CLIENTS_LIMIT = 1024, /* --max-clients */
    NS_SLOTS_LIMIT = 65536,      /* --slots: datagrams one direction of one client holds */
    NS_TCP_MAX_LIMIT = 1024,     /* --tcp-max */
    NS_TCP_BUFFER_MIN = 4096,    /* --tcp-buffer, bytes per direction per connection */
    NS_TCP_BUFFER_MAX = 16777216,
    NS_MS_MAX = 60000,      /* latency and jitter, ms */
    NS_KBPS_MAX = 10000000, /* a rate, kbit/s (10 Gbit/s) */
};

typedef enum NsDir { NS_UP = 0, NS_DOWN = 1, NS_DIRS = 2 } NsDir; /* up: client -> server */

typedef struct NsOptions {
    char listen_host[NS_HOST_MAX];
    uint16_t listen_port;
    char to_host[NS_HOST_MAX];
    uint16_t to_port;     /* TCP login port of the server, and its game port unless ... */
    uint16_t to_udp_port; /* ... this is set (0: same as to_port) */
    NsLinkConfig link[NS_DIRS];
    uint32_t tcp_latency_us;       /* one way, added to each chunk in each direction */
    uint32_t tcp_rate_bytes_per_s; /* each direction; 0 = unlimited */
    uint32_t tcp_buffer;           /* bytes held per direction per connection */
    unsigned tcp_max;              /* connections at once; more are refused (counted) */
    unsigned max_clients;          /* UDP client addresses at once; more are dropped */
    unsigned slots;                /* datagrams in flight per direction per client */
    double idle_s;                 /* a UDP client silent this long is forgotten */
    uint64_t seed;
    char profile[NS_PROFILE_NAME_MAX]; /* the last --profile ("" none) */
    char stats_path[NS_PATH_MAX];      /* "" none */
    double duration_s;                 /* 0: until SIGINT/SIGTERM */
    bool quiet;
    bool have_listen, have_to;
} NsOptions;

/* No impairment (a transparent relay), 64 clients, 256 slots, 64 KiB TCP buffers, seed 1. */
void ns_options_default(NsOptions *o);
/* Parses argv[1..] into o (already holding the defaults). -1: go on; 0: --help/--version
 * printed on out; 2: a mistake, explained on err as "arena-netsim: ...". */
int ns_options_parse(NsOptions *o, int argc, char **argv, FILE *out, FILE *err);

/* The profiles (ns_profile.c): sets both links and the TCP latency/rate from the named
 * profile, replacing what was there. False for an unknown name. */
bool ns_profile_apply(NsOptions *o, const char *name);
/* "lan, wifi, dsl, mobile, netcode" */
const char *ns_profile_names(void);

#endif
