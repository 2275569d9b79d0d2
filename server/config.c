/* config.c — see config.h. One table describes every key: its type, range and help text, so
 * parsing, validation and --help never disagree. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lagcomp.h"
#include "line.h"
#include "storage.h"

typedef enum KeyType { KEY_UINT, KEY_PORT, KEY_BOOL, KEY_STR } KeyType;

typedef struct KeyDef {
    const char *key;
    KeyType type;
    size_t offset;
    size_t size;            /* KEY_STR: buffer size */
    unsigned long min, max; /* KEY_UINT / KEY_PORT */
    const char *help;
    bool live; /* a running server takes it on SIGHUP (reload.c): it sizes nothing */
} KeyDef;

/* U, P, B, S: a setting of each type; the L variants are live (taken on SIGHUP). */
#define UX(field, lo, hi, text, live)                                                              \
    {                                                                                              \
#field, KEY_UINT, offsetof(SrvConfig, field), sizeof(unsigned), lo, hi, text, live         \
    }
#define P(field, lo, text)                                                                         \
    {                                                                                              \
#field, KEY_PORT, offsetof(SrvConfig, field), 2, lo, 65535, text, false                    \
    }
#define BX(field, text, live)                                                                      \
    {                                                                                              \
#field, KEY_BOOL, offsetof(SrvConfig, field), sizeof(bool), 0, 1, text, live               \
    }
#define SX(field, text, live)                                                                      \
    {                                                                                              \
#field, KEY_STR, offsetof(SrvConfig, field), sizeof(((SrvConfig *)0)->field), 0, 0, text,  \
            live                                                                                   \
    }
#define U(field, lo, hi, text)  UX(field, lo, hi, text, false)
#define UL(field, lo, hi, text) UX(field, lo, hi, text, true)
#define B(field, text)          BX(field, text, false)
#define BL(field, text)         BX(field, text, true)
#define S(field, text)          SX(field, text, false)
#define SL(field, text)         SX(field, text, true)

static const KeyDef keys[] = {
    SL(name, "server name shown on the LAN (UTF-8, 1-32 bytes)"),
    S(bind, "IPv4 address to listen on (0.0.0.0 = every interface)"),
    P(game_port, 1, "UDP port of the game (ENet)"),
    P(login_port, 1, "TCP port of login and chat"),
    P(discovery_port, 0, "UDP port answering LAN discovery (0 = off)"),
    S(map_path, "map file to play"),
    S(data_dir, "directory for the server's data files"),
    S(database, "where the hall of fame, claims and bans live: sqlite (data_dir/arena.db) or "
                "postgresql://user@host/db, shared by every server using it"),
    U(max_players, 1, PROTO_MAX_PLAYERS, "players at once"),
    U(snapshot_hz, PROTO_SNAPSHOT_HZ_MIN, PROTO_SNAPSHOT_HZ_MAX, "snapshots per second"),
    U(input_hz, 0, PROTO_INPUT_HZ_MAX,
      "INPUTs per second each client sends, 10-60 (0 = auto: 60 up to 64 max_players, 30 above)"),
    U(ip_max_conns, 1, 4096, "TCP connections from one IP address"),
    U(ip_max_prelogin, 1, 4096, "TCP connections from one IP address not logged in yet"),
    U(ip_max_logins, 1, PROTO_MAX_PLAYERS, "players logged in from one IP address"),
    U(ip_max_peers, 1, 4095, "ENet peers (game connections) from one IP address"),
    UL(tcp_read_rate, 512, 1048576, "bytes per second read from one TCP connection"),
    UL(chat_room_rate, 1, 10000,
       "chat lines to everyone (SAY, ME) per second, all players together (bursts of twice)"),
    UL(udp_peer_rate, 60, 10000, "datagrams per second accepted from one game connection"),
    U(udp_rcvbuf_kb, 256, 65536,
      "KiB of receive buffer for the game socket (what arrives during a tick waits there)"),
    U(udp_reads_per_tick, 1, 8,
      "times per tick the game socket is read (the loop does not wake per datagram)"),
    S(ctl_socket, "operator control socket (arena-ctl), relative to data_dir; off = none"),
    P(metrics_port, 0, "TCP port of the Prometheus endpoint, HTTP GET /metrics (0 = off)"),
    S(metrics_bind, "IPv4 address the metrics endpoint listens on"),
    U(agones_health_s, 1, 60,
      "under Agones (AGONES_SDK_HTTP_PORT set): seconds between Health calls to the sidecar"),
    B(agones_shutdown_after_match,
      "under Agones: ask for Shutdown when an allocated server's match and end screen are over"),
    U(bind_timeout_ms, 100, 60000, "ms an ENet peer has to present its token"),
    U(token_ttl_ms, 1000, 600000, "ms a login token stays valid"),
    UL(login_timeout_ms, 1000, 600000, "ms a TCP connection has to log in"),
    UL(idle_timeout_ms, 1000, 86400000, "ms of TCP silence before a connection is closed"),
    U(tcp_max_conns, 1, 4096, "simultaneous TCP connections"),
    U(tcp_outbuf_bytes, 4096, 4194304, "unread TCP output per connection before it is dropped"),
    UL(status_interval_s, 0, 3600, "seconds between status lines (0 = off)"),
    U(view_max, 16, PROTO_MAX_ENTITIES,
      "entities one client sees at most: the nearest to its player (interest)"),
    U(lagcomp_max_ms, 0, LC_MAX_MS_LIMIT,
      "ms a shooter's view is rewound at most for hits (lag compensation; 0 = off)"),
    S(record_dir, "record each match as a demo file in this directory (unset = off)"),
    S(demo_truth, "tests: with record_dir, write true positions per demo frame to this file"),
    UL(score_limit, 0, 1000, "kills that win a match (0 = no score limit)"),
    UL(time_limit_s, 0, 36000, "seconds a match runs (0 = no time limit)"),
    UL(warmup_s, 0, 600, "seconds of warm-up before each match (kills do not count)"),
    UL(end_screen_s, 1, 600, "seconds the end screen shows between matches"),
    B(delta, "delta-compress snapshots (false only to measure)"),
    BL(debug, "verbose debug logging"),
};

void srv_default_config(SrvConfig *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "Localhost Arena");
    snprintf(c->bind, sizeof c->bind, "0.0.0.0");
    c->game_port = PROTO_GAME_PORT;
    c->login_port = PROTO_LOGIN_PORT;
    c->discovery_port = PROTO_DISCOVERY_PORT;
    snprintf(c->map_path, sizeof c->map_path, "assets/arena.map");
    snprintf(c->data_dir, sizeof c->data_dir, "data");
    c->max_players = 64;
    c->snapshot_hz = PROTO_SNAPSHOT_HZ_DEFAULT;
    c->ip_max_conns = 32;
    c->ip_max_prelogin = 16;
    c->ip_max_logins = 24;
    c->ip_max_peers = 32;
    c->tcp_read_rate = 8192;
    c->chat_room_rate = 60;
    c->udp_peer_rate = 240;
    /* 1000 players send 60,000 datagrams a second; a loopback datagram costs the buffer
     * ~1 KiB of accounting: 8 MiB (the kernel doubles what is asked) holds ~120 ms. */
    c->udp_rcvbuf_kb = 4096;
    c->udp_reads_per_tick = 2;
    snprintf(c->ctl_socket, sizeof c->ctl_socket, "arena.sock");
    c->metrics_port = 0;
    /* Agones' default health period is 5 s with 3 failures allowed: pings every 2 s leave
     * room for the loop's hand-over and a slow answer. */
    c->agones_health_s = 2;
    c->agones_shutdown_after_match = false;
    snprintf(c->metrics_bind, sizeof c->metrics_bind, "127.0.0.1");
    snprintf(c->database, sizeof c->database, "sqlite");
    /* A BIND lost twice on a 750 ms round trip arrives after ~4 s (ENet's retransmission
     * timeout starts above the RTT and doubles): the soak tests' netcode profile. */
    c->bind_timeout_ms = 10000;
    c->token_ttl_ms = 10000;
    c->login_timeout_ms = 10000;
    c->idle_timeout_ms = 300000;
    c->tcp_max_conns = 512;
    c->tcp_outbuf_bytes = 65536;
    c->status_interval_s = 5;
    c->lagcomp_max_ms = 200;
    c->view_max = 128;
    c->score_limit = 20;
    c->time_limit_s = 600;
    c->warmup_s = 10;
    c->end_screen_s = 10;
    c->delta = true;
    c->debug = false;
}

static const KeyDef *find_key(const char *key)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(keys[i].key, key) == 0)
            return &keys[i];
    return NULL;
}

static bool parse_ulong(const char *s, unsigned long *out)
{
    if (!isdigit((unsigned char)s[0]))
        return false;
    errno = 0;
    char *end = NULL;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = v;
    return true;
}

unsigned srv_config_input_hz(const SrvConfig *c)
{
    if (c->input_hz != 0)
        return c->input_hz;
    return c->max_players <= SRV_INPUT_HZ_AUTO_PLAYERS ? PROTO_INPUT_HZ_MAX : SRV_INPUT_HZ_CROWD;
}

bool srv_config_set(SrvConfig *c, const char *key, const char *value, char *err, size_t errlen)
{
    const KeyDef *k = find_key(key);
    if (k == NULL) {
        snprintf(err, errlen, "unknown key '%s' (see --help for the list)", key);
        return false;
    }
    char *field = (char *)c + k->offset;
    unsigned long v = 0;
    switch (k->type) {
    case KEY_UINT:
    case KEY_PORT:
        if (!parse_ulong(value, &v) || v < k->min || v > k->max) {
            snprintf(err, errlen, "%s: '%s' is not a whole number in %lu..%lu", key, value, k->min,
                     k->max);
            return false;
        }
        if (k->offset == offsetof(SrvConfig, input_hz) && v != 0 && v < PROTO_INPUT_HZ_MIN) {
            snprintf(err, errlen, "input_hz: '%s' is neither 0 (auto) nor in %d..%d", value,
                     PROTO_INPUT_HZ_MIN, PROTO_INPUT_HZ_MAX);
            return false;
        }
        if (k->type == KEY_PORT) {
            uint16_t p = (uint16_t)v;
            memcpy(field, &p, sizeof p);
        } else {
            unsigned u = (unsigned)v;
            memcpy(field, &u, sizeof u);
        }
        return true;
    case KEY_BOOL: {
        bool b;
        if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0 || strcmp(value, "on") == 0)
            b = true;
        else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0 ||
                 strcmp(value, "off") == 0)
            b = false;
        else {
            snprintf(err, errlen, "%s: '%s' is not true/false", key, value);
            return false;
        }
        memcpy(field, &b, sizeof b);
        return true;
    }
    case KEY_STR: {
        size_t n = strlen(value);
        if (n == 0 || n >= k->size) {
            snprintf(err, errlen, "%s: must be 1..%zu bytes", key, k->size - 1);
            return false;
        }
        if (!line_text_valid((const uint8_t *)value, n)) {
            snprintf(err, errlen, "%s: must be UTF-8 text without control characters", key);
            return false;
        }
        if (k->offset == offsetof(SrvConfig, database)) {
            char why[200];
            if (!storage_check_where(value, why, sizeof why)) {
                snprintf(err, errlen, "database: %s", why);
                return false;
            }
        }
        memcpy(field, value, n + 1);
        return true;
    }
    }
    return false;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

bool srv_config_set_pair(SrvConfig *c, const char *pair, char *err, size_t errlen)
{
    char buf[SRV_PATH_MAX + 64];
    if (strlen(pair) >= sizeof buf) {
        snprintf(err, errlen, "setting too long");
        return false;
    }
    snprintf(buf, sizeof buf, "%s", pair);
    char *eq = strchr(buf, '=');
    if (eq == NULL) {
        snprintf(err, errlen, "'%s' is not key=value", pair);
        return false;
    }
    *eq = '\0';
    return srv_config_set(c, trim(buf), trim(eq + 1), err, errlen);
}

bool srv_config_parse(SrvConfig *c, const char *text, size_t len, char *err, size_t errlen)
{
    size_t pos = 0;
    int lineno = 0;
    while (pos < len) {
        lineno++;
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        char line[SRV_PATH_MAX + 64];
        size_t n = end - pos;
        if (n >= sizeof line) {
            snprintf(err, errlen, "line %d: too long", lineno);
            return false;
        }
        if (memchr(text + pos, '\0', n) != NULL) {
            snprintf(err, errlen, "line %d: NUL byte", lineno);
            return false;
        }
        memcpy(line, text + pos, n);
        line[n] = '\0';
        pos = end < len ? end + 1 : end;
        char *s = trim(line);
        if (*s == '\0' || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (eq == NULL) {
            snprintf(err, errlen, "line %d: expected 'key = value'", lineno);
            return false;
        }
        *eq = '\0';
        char inner[SRV_PATH_MAX + 16];
        if (!srv_config_set(c, trim(s), trim(eq + 1), inner, sizeof inner)) {
            snprintf(err, errlen, "line %d: %s", lineno, inner);
            return false;
        }
    }
    return true;
}

bool srv_config_load(SrvConfig *c, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    char text[65536];
    size_t n = fread(text, 1, sizeof text, f);
    bool too_big = n == sizeof text;
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed || too_big) {
        snprintf(err, errlen, "%s: %s", path,
                 too_big ? "file too large (max 64 KiB)" : "read error");
        return false;
    }
    char inner[SRV_PATH_MAX + 64];
    if (!srv_config_parse(c, text, n, inner, sizeof inner)) {
        snprintf(err, errlen, "%s: %s", path, inner);
        return false;
    }
    return true;
}

/* A key's value as text (as a config file would say it). */
static void format_value(const KeyDef *k, const SrvConfig *c, char *out, size_t cap)
{
    const char *field = (const char *)c + k->offset;
    switch (k->type) {
    case KEY_UINT: {
        unsigned u;
        memcpy(&u, field, sizeof u);
        snprintf(out, cap, "%u", u);
        return;
    }
    case KEY_PORT: {
        uint16_t p;
        memcpy(&p, field, sizeof p);
        snprintf(out, cap, "%u", (unsigned)p);
        return;
    }
    case KEY_BOOL: {
        bool b;
        memcpy(&b, field, sizeof b);
        snprintf(out, cap, "%s", b ? "true" : "false");
        return;
    }
    case KEY_STR:
        if (k->offset == offsetof(SrvConfig, database))
            storage_hide_password(field, out, cap); /* it goes to logs */
        else
            snprintf(out, cap, "%s", field);
        return;
    }
}

void srv_config_describe(const SrvConfig *d, char *out, size_t outlen)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof keys / sizeof keys[0] && used < outlen; i++) {
        const KeyDef *k = &keys[i];
        char def[SRV_PATH_MAX + 8];
        format_value(k, d, def, sizeof def);
        int w = snprintf(out + used, outlen - used, "  %-20s %s (default: %s)%s\n", k->key, k->help,
                         def, k->live ? " [reload]" : "");
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

bool srv_config_key_live(const char *key)
{
    const KeyDef *k = find_key(key);
    return k != NULL && k->live;
}

static bool same_value(const KeyDef *k, const SrvConfig *a, const SrvConfig *b)
{
    const char *fa = (const char *)a + k->offset, *fb = (const char *)b + k->offset;
    return k->type == KEY_STR ? strcmp(fa, fb) == 0 : memcmp(fa, fb, k->size) == 0;
}

size_t srv_config_changed(const SrvConfig *a, const SrvConfig *b, const char **out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!same_value(&keys[i], a, b)) {
            if (n < cap)
                out[n] = keys[i].key;
            n++;
        }
    return n;
}

void srv_config_copy_live(SrvConfig *dst, const SrvConfig *src)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (keys[i].live)
            memcpy((char *)dst + keys[i].offset, (const char *)src + keys[i].offset, keys[i].size);
}

bool srv_config_value(const SrvConfig *c, const char *key, char *out, size_t cap)
{
    const KeyDef *k = find_key(key);
    if (k == NULL || cap == 0)
        return false;
    format_value(k, c, out, cap);
    return true;
}
