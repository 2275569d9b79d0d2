/* config.h — arena-server settings: defaults, `key = value` files and `--set` overrides.
 *
 * Owns every tunable of the server, its documented default and its valid range. Parsing
 * never exits or prints: errors come back as text for the caller to report. */
#ifndef ARENA_SRV_CONFIG_H
#define ARENA_SRV_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

enum {
    SRV_PATH_MAX = 512,
    SRV_ADDR_MAX = 64,
    /* input_hz = 0 (auto): PROTO_INPUT_HZ_MAX (one INPUT a tick) for up to this many
     * max_players, SRV_INPUT_HZ_CROWD above (docs/operations.md). */
    SRV_INPUT_HZ_AUTO_PLAYERS = 64,
    SRV_INPUT_HZ_CROWD = 30,
};

typedef struct SrvConfig {
    char name[PROTO_SERVER_NAME_MAX + 1]; /* shown in discovery and greetings */
    char bind[SRV_ADDR_MAX];              /* address to listen on; "0.0.0.0" = all */
    uint16_t game_port;                   /* UDP (ENet) */
    uint16_t login_port;                  /* TCP line protocol */
    uint16_t discovery_port;              /* UDP LAN discovery; 0 = off */
    char map_path[SRV_PATH_MAX];          /* map file */
    char data_dir[SRV_PATH_MAX];          /* server data (hall of fame...) */
    char database[SRV_PATH_MAX];          /* "sqlite" or a postgresql:// URI (storage.h) */
    unsigned max_players;                 /* 1..PROTO_MAX_PLAYERS */
    unsigned snapshot_hz;                 /* PROTO_SNAPSHOT_HZ_MIN..MAX, divides 60 best */
    unsigned input_hz;                    /* INPUTs a second asked of clients; 0 = auto */
    unsigned ip_max_conns;                /* TCP connections from one IP address */
    unsigned ip_max_prelogin;             /* of them, not logged in yet */
    unsigned ip_max_logins;               /* logins (players) from one IP address */
    unsigned ip_max_peers;                /* ENet peers from one IP address */
    unsigned tcp_read_rate;               /* bytes per second read from one connection */
    unsigned chat_room_rate;              /* SAY/ME lines per second, server-wide */
    unsigned udp_peer_rate;               /* datagrams per second accepted from one peer */
    unsigned udp_reads_per_tick;          /* game socket reads per tick (it is not polled) */
    unsigned udp_rcvbuf_kb;               /* game socket receive buffer asked of the kernel */
    char ctl_socket[SRV_PATH_MAX];        /* operator socket, relative to data_dir; "off" */
    uint16_t metrics_port;                /* Prometheus endpoint (HTTP); 0 = off */
    unsigned agones_health_s;             /* under Agones: seconds between Health calls */
    bool agones_shutdown_after_match;     /* under Agones: Shutdown once an allocated match ends */
    char metrics_bind[SRV_ADDR_MAX];      /* its address (IPv4) */
    unsigned bind_timeout_ms;             /* ENet peer must BIND within this */
    unsigned token_ttl_ms;                /* a login token expires after this */
    unsigned login_timeout_ms;            /* TCP connection must LOGIN within this */
    unsigned idle_timeout_ms;             /* TCP connection closed after this long silent */
    unsigned tcp_max_conns;               /* simultaneous TCP connections */
    unsigned tcp_outbuf_bytes;            /* unread output per connection before drop */
    unsigned status_interval_s;           /* one-line status every N s; 0 = off */
    unsigned lagcomp_max_ms;              /* lag compensation's rewind cap, ms; 0 = off */
    unsigned view_max;                    /* entities one client sees at most (nearest) */
    char record_dir[SRV_PATH_MAX];        /* demo files go here, one per match; "" = off */
    char demo_truth[SRV_PATH_MAX];        /* tests: true positions per demo frame; "" = off */
    unsigned score_limit;                 /* kills that win a match; 0 = none */
    unsigned time_limit_s;                /* seconds a match runs; 0 = none */
    unsigned warmup_s;                    /* warm-up before each match */
    unsigned end_screen_s;                /* the end screen between matches */
    bool delta;                           /* delta compression on (off only to measure) */
    bool debug;                           /* verbose, rate-limited debug logs */
} SrvConfig;

void srv_default_config(SrvConfig *c);
/* Sets one key from text. Returns false and writes a reason to err on a bad key or value. */
bool srv_config_set(SrvConfig *c, const char *key, const char *value, char *err, size_t errlen);
/* Applies "key=value" (as given to --set). */
bool srv_config_set_pair(SrvConfig *c, const char *pair, char *err, size_t errlen);
/* Applies a config file's text: `key = value` lines, `#` comments, blank lines. The error
 * names the line. */
bool srv_config_parse(SrvConfig *c, const char *text, size_t len, char *err, size_t errlen);
/* The INPUT rate WELCOME asks of clients: input_hz, or for 0 (auto) PROTO_INPUT_HZ_MAX up to
 * SRV_INPUT_HZ_AUTO_PLAYERS max_players and SRV_INPUT_HZ_CROWD above. */
unsigned srv_config_input_hz(const SrvConfig *c);
/* Reads and applies a file. */
bool srv_config_load(SrvConfig *c, const char *path, char *err, size_t errlen);
/* Writes the documented key list (for --help); keys a SIGHUP reloads are marked [reload]. */
void srv_config_describe(const SrvConfig *defaults, char *out, size_t outlen);
/* True for a setting a running server takes on SIGHUP (the others need a restart). */
bool srv_config_key_live(const char *key);
/* The keys whose values differ between a and b, in --help order, into out (up to cap of them;
 * the count is returned whatever cap is). */
size_t srv_config_changed(const SrvConfig *a, const SrvConfig *b, const char **out, size_t cap);
/* Copies every live setting (srv_config_key_live) from src to dst. */
void srv_config_copy_live(SrvConfig *dst, const SrvConfig *src);
/* A key's value as a config file would say it; false for an unknown key. */
bool srv_config_value(const SrvConfig *c, const char *key, char *out, size_t cap);

#endif
