/* ns_options.c — see ns_options.h. The link options come three times (both directions,
 * --up-*, --down-*): one setter per knob takes a mask of the directions it applies to. */
#include "ns_options.h"

#include <arpa/inet.h>
#include <math.h>
#include <string.h>

#include "cli_options.h"
#include "cli_parse.h"

#ifndef ARENA_VERSION
#define ARENA_VERSION "0.0.0"
#endif

enum { UP = 1u << NS_UP, DOWN = 1u << NS_DOWN, BOTH = UP | DOWN };

typedef enum Knob {
    K_LATENCY,
    K_JITTER,
    K_LOSS,
    K_BURST,
    K_DUP,
    K_RATE,
    K_QUEUE,
    K_MTU,
    K_REORDER,
} Knob;

void ns_options_default(NsOptions *o)
{
    memset(o, 0, sizeof *o);
    snprintf(o->listen_host, sizeof o->listen_host, "127.0.0.1");
    o->listen_port = 7800;
    snprintf(o->to_host, sizeof o->to_host, "127.0.0.1");
    o->to_port = 7777;
    o->tcp_buffer = 65536;
    o->tcp_max = 64;
    o->max_clients = 64;
    o->slots = 256;
    o->idle_s = 60;
    o->seed = 1;
}

static const char *dir_prefix(unsigned dirs)
{
    return dirs == UP ? "up-" : dirs == DOWN ? "down-" : "";
}

static bool whole(const char *v, double lo, double hi, double *out)
{
    return cli_parse_number(v, lo, hi, out) && *out == floor(*out);
}

/* "ENTER,LEAVE,LOSS" in percent, or "off". */
static bool parse_burst(const char *v, double out[3])
{
    if (strcmp(v, "off") == 0) {
        out[0] = out[1] = out[2] = 0;
        return true;
    }
    char buf[64];
    if (strlen(v) >= sizeof buf)
        return false;
    snprintf(buf, sizeof buf, "%s", v);
    char *parts[3], *s = buf;
    for (int i = 0; i < 3; i++) {
        parts[i] = s;
        char *comma = strchr(s, ',');
        if ((comma == NULL) != (i == 2))
            return false;
        if (comma != NULL) {
            *comma = '\0';
            s = comma + 1;
        }
    }
    for (int i = 0; i < 3; i++)
        if (!cli_parse_number(parts[i], 0, 100, &out[i]))
            return false;
    /* A bad state one never leaves is not a burst: it is a dead link. */
    return out[0] == 0 || out[1] > 0;
}

/* Reads the value of knob k (false if it is out of range). */
static bool knob_value(Knob k, const char *v, double out[3])
{
    switch (k) {
    case K_LATENCY:
    case K_JITTER:
        return cli_parse_number(v, 0, NS_MS_MAX, &out[0]);
    case K_LOSS:
    case K_DUP:
        return cli_parse_number(v, 0, 100, &out[0]);
    case K_BURST:
        return parse_burst(v, out);
    case K_RATE:
        return whole(v, 0, NS_KBPS_MAX, &out[0]);
    case K_QUEUE:
        return whole(v, 1, NS_TCP_BUFFER_MAX, &out[0]);
    case K_MTU:
        return whole(v, 1, NS_SLOT_BYTES, &out[0]);
    case K_REORDER:
        return true;
    }
    return false;
}

static const char *knob_wants(Knob k)
{
    switch (k) {
    case K_LATENCY:
    case K_JITTER:
        return "milliseconds (0..60000)";
    case K_LOSS:
    case K_DUP:
        return "a percentage (0..100)";
    case K_BURST:
        return "ENTER,LEAVE,LOSS percentages (LEAVE > 0 when ENTER > 0) or 'off'";
    case K_RATE:
        return "kbit/s (0 = uncapped .. 10000000)";
    case K_QUEUE:
        return "bytes (1..16777216)";
    case K_MTU:
        return "bytes (1..1500)";
    case K_REORDER:
        break;
    }
    return "";
}

static void knob_apply(NsLinkConfig *l, Knob k, const double x[3])
{
    switch (k) {
    case K_LATENCY:
        l->latency_us = (uint32_t)llround(x[0] * 1000.0);
        break;
    case K_JITTER:
        l->jitter_us = (uint32_t)llround(x[0] * 1000.0);
        break;
    case K_LOSS:
        l->loss = x[0] / 100.0;
        break;
    case K_BURST:
        l->ge_enter = x[0] / 100.0;
        l->ge_leave = x[1] / 100.0;
        l->ge_loss = x[2] / 100.0;
        break;
    case K_DUP:
        l->duplicate = x[0] / 100.0;
        break;
    case K_RATE:
        l->rate_bytes_per_s = (uint32_t)x[0] * 125u;
        break;
    case K_QUEUE:
        l->queue_bytes = (uint32_t)x[0];
        break;
    case K_MTU:
        l->mtu = (uint32_t)x[0];
        break;
    case K_REORDER:
        l->reorder = true;
        break;
    }
}

static const char *const knob_names[] = {"latency", "jitter", "loss", "burst",  "dup",
                                         "rate",    "queue",  "mtu",  "reorder"};

static bool knob(void *p, unsigned dirs, Knob k, const char *v, char *why, size_t n)
{
    NsOptions *o = p;
    double x[3] = {0, 0, 0};
    if (!knob_value(k, v != NULL ? v : "", x)) {
        snprintf(why, n, "--%s%s wants %s, got '%s'", dir_prefix(dirs), knob_names[k],
                 knob_wants(k), v);
        return false;
    }
    for (int d = 0; d < NS_DIRS; d++)
        if (dirs & (1u << d))
            knob_apply(&o->link[d], k, x);
    return true;
}

/* Three setters per knob: both directions, client to server, server to client. */
#define KNOB_SETTERS(name, k)                                                                      \
    static bool set_##name(void *p, const char *v, char *w, size_t n)                              \
    {                                                                                              \
        return knob(p, BOTH, k, v, w, n);                                                          \
    }                                                                                              \
    static bool set_up_##name(void *p, const char *v, char *w, size_t n)                           \
    {                                                                                              \
        return knob(p, UP, k, v, w, n);                                                            \
    }                                                                                              \
    static bool set_down_##name(void *p, const char *v, char *w, size_t n)                         \
    {                                                                                              \
        return knob(p, DOWN, k, v, w, n);                                                          \
    }
KNOB_SETTERS(latency, K_LATENCY)
KNOB_SETTERS(jitter, K_JITTER)
KNOB_SETTERS(loss, K_LOSS)
KNOB_SETTERS(burst, K_BURST)
KNOB_SETTERS(dup, K_DUP)
KNOB_SETTERS(rate, K_RATE)
KNOB_SETTERS(queue, K_QUEUE)
KNOB_SETTERS(mtu, K_MTU)
KNOB_SETTERS(reorder, K_REORDER)

static bool set_no_reorder(void *p, const char *v, char *why, size_t n)
{
    (void)v, (void)why, (void)n;
    NsOptions *o = p;
    o->link[NS_UP].reorder = o->link[NS_DOWN].reorder = false;
    return true;
}

/* HOST:PORT with a numeric IPv4 HOST (the relay binds and connects without name lookups). */
static bool addr(const char *flag, const char *v, char *host, uint16_t *port, char *why, size_t n)
{
    char h[NS_HOST_MAX];
    uint16_t pt = 0;
    struct in_addr a;
    if (!cli_parse_host_port(v, h, sizeof h, &pt) || pt == 0 || inet_pton(AF_INET, h, &a) != 1) {
        snprintf(why, n, "--%s wants IPV4:PORT (like 127.0.0.1:7800), got '%s'", flag, v);
        return false;
    }
    snprintf(host, NS_HOST_MAX, "%s", h);
    *port = pt;
    return true;
}

static bool set_listen(void *p, const char *v, char *why, size_t n)
{
    NsOptions *o = p;
    o->have_listen = true;
    return addr("listen", v, o->listen_host, &o->listen_port, why, n);
}

static bool set_to(void *p, const char *v, char *why, size_t n)
{
    NsOptions *o = p;
    o->have_to = true;
    return addr("to", v, o->to_host, &o->to_port, why, n);
}

/* A whole number in lo..hi into *out, or a complaint naming the flag. */
static bool number(const char *flag, const char *v, double lo, double hi, const char *unit,
                   double *out, char *why, size_t n)
{
    if (!whole(v, lo, hi, out)) {
        snprintf(why, n, "--%s wants %s (%.0f..%.0f), got '%s'", flag, unit, lo, hi, v);
        return false;
    }
    return true;
}

static bool set_to_udp(void *p, const char *v, char *why, size_t n)
{
    double d;
    if (!number("to-udp", v, 1, 65535, "a port", &d, why, n))
        return false;
    ((NsOptions *)p)->to_udp_port = (uint16_t)d;
    return true;
}

static bool set_tcp_latency(void *p, const char *v, char *why, size_t n)
{
    double d;
    if (!cli_parse_number(v, 0, NS_MS_MAX, &d)) {
        snprintf(why, n, "--tcp-latency wants milliseconds (0..%d), got '%s'", NS_MS_MAX, v);
        return false;
    }
    ((NsOptions *)p)->tcp_latency_us = (uint32_t)llround(d * 1000.0);
    return true;
}

static bool set_tcp_rate(void *p, const char *v, char *why, size_t n)
{
    double d;
    if (!number("tcp-rate", v, 0, NS_KBPS_MAX, "kbit/s", &d, why, n))
        return false;
    ((NsOptions *)p)->tcp_rate_bytes_per_s = (uint32_t)d * 125u;
    return true;
}

static bool set_tcp_buffer(void *p, const char *v, char *why, size_t n)
{
    double d;
    if (!number("tcp-buffer", v, NS_TCP_BUFFER_MIN, NS_TCP_BUFFER_MAX, "bytes", &d, why, n))
        return false;
    ((NsOptions *)p)->tcp_buffer = (uint32_t)d;
    return true;
}

static bool set_tcp_max(void *p, const char *v, char *why, size_t n)
{
    double d;
    if (!number("tcp-max", v, 1, NS_TCP_MAX_LIMIT, "connections", &d, why, n))
        return false;
    ((NsOptions *)p)->tcp_max = (unsigned)d;
    return true;
}

static bool set_max_clients(void *p, const char *v, char *why, size_t n)
{
    double d;
    if (!number("max-clients", v, 1, NS_MAX_CLIENTS_LIMIT, "clients", &d, why, n))
        return false;
    ((NsOptions *)p)->max_clients = (unsigned)d;
    return true;
}

static bool set_slots(void *p, const char *v, char *why, size_t n)
{
    double d;
    if (!number("slots", v, 1, NS_SLOTS_LIMIT, "datagrams", &d, why, n))
        return false;
    ((NsOptions *)p)->slots = (unsigned)d;
    return true;
}

static bool set_idle(void *p, const char *v, char *why, size_t n)
{
    if (!cli_parse_number(v, 1, 86400, &((NsOptions *)p)->idle_s)) {
        snprintf(why, n, "--idle wants seconds (1..86400), got '%s'", v);
        return false;
    }
    return true;
}

static bool set_seed(void *p, const char *v, char *why, size_t n)
{
    double d;
    if (!number("seed", v, 0, 9007199254740992.0, "a whole number", &d, why, n))
        return false;
    ((NsOptions *)p)->seed = (uint64_t)d;
    return true;
}

static bool set_profile(void *p, const char *v, char *why, size_t n)
{
    if (!ns_profile_apply(p, v)) {
        snprintf(why, n, "--profile is one of %s, got '%s'", ns_profile_names(), v);
        return false;
    }
    return true;
}

static bool set_stats(void *p, const char *v, char *why, size_t n)
{
    NsOptions *o = p;
    if (v[0] == '\0' || strlen(v) >= sizeof o->stats_path) {
        snprintf(why, n, "--stats-json wants a path of 1..%d bytes", NS_PATH_MAX - 1);
        return false;
    }
    snprintf(o->stats_path, sizeof o->stats_path, "%s", v);
    return true;
}

static bool set_duration(void *p, const char *v, char *why, size_t n)
{
    if (!cli_parse_number(v, 0.1, 86400 * 30, &((NsOptions *)p)->duration_s)) {
        snprintf(why, n, "--duration wants seconds (0.1..2592000), got '%s'", v);
        return false;
    }
    return true;
}

static bool set_quiet(void *p, const char *v, char *why, size_t n)
{
    (void)v, (void)why, (void)n;
    ((NsOptions *)p)->quiet = true;
    return true;
}

/* A bandwidth cap without a queue gets one of 250 ms at that rate (at least 2 datagrams). */
static bool check(void *p, char *why, size_t n)
{
    NsOptions *o = p;
    (void)why, (void)n;
    for (int d = 0; d < NS_DIRS; d++) {
        NsLinkConfig *l = &o->link[d];
        if (l->rate_bytes_per_s > 0 && l->queue_bytes == 0) {
            uint32_t q = l->rate_bytes_per_s / 4;
            l->queue_bytes = q > 2 * NS_SLOT_BYTES ? q : 2 * NS_SLOT_BYTES;
        }
    }
    return true;
}

static const CliOpt options[] = {
    {"listen", 'l', CLI_OPT_VALUE, "IP:PORT",
     "where clients connect: UDP game and TCP login on\nthe same port (default 127.0.0.1:7800)",
     set_listen, NULL},
    {"to", 't', CLI_OPT_VALUE, "IP:PORT", "the server (default 127.0.0.1:7777)", set_to, NULL},
    {"to-udp", 0, CLI_OPT_VALUE, "PORT", "the server's game port when it is not the --to port",
     set_to_udp, NULL},
    {"profile", 'p', CLI_OPT_VALUE, "NAME",
     "lan, wifi, dsl, mobile or netcode (see docs/operations.md);\nreplaces every link and TCP "
     "setting, so give it first",
     set_profile, NULL},
    {"latency", 0, CLI_OPT_VALUE, "MS", "one-way delay added to each datagram", set_latency, NULL},
    {"jitter", 0, CLI_OPT_VALUE, "MS", "plus a uniform random delay of 0..MS", set_jitter, NULL},
    {"reorder", 0, CLI_OPT_FLAG, NULL,
     "jitter may reorder (default: a datagram waits for\nthe one "
     "before it)",
     set_reorder, NULL},
    {"no-reorder", 0, CLI_OPT_FLAG, NULL, "jitter never reorders (both directions)", set_no_reorder,
     NULL},
    {"loss", 0, CLI_OPT_VALUE, "PCT", "random loss (in a burst's good state)", set_loss, NULL},
    {"burst", 0, CLI_OPT_VALUE, "E,L,LOSS",
     "bursty loss (Gilbert-Elliott), percent per datagram:\nenter the bad state E, leave it L, "
     "lose LOSS in it;\n'off' to disable",
     set_burst, NULL},
    {"dup", 0, CLI_OPT_VALUE, "PCT", "duplicate datagrams (the copy has its own jitter)", set_dup,
     NULL},
    {"rate", 0, CLI_OPT_VALUE, "KBPS", "bandwidth cap in kbit/s (0 = none)", set_rate, NULL},
    {"queue", 0, CLI_OPT_VALUE, "BYTES",
     "bytes that may wait for a capped link; more are dropped\n(default 250 ms at the rate)",
     set_queue, NULL},
    {"mtu", 0, CLI_OPT_VALUE, "BYTES", "drop datagrams over BYTES (default 1500)", set_mtu, NULL},
    {"up-latency", 0, CLI_OPT_VALUE, "MS", NULL, set_up_latency, NULL},
    {"up-jitter", 0, CLI_OPT_VALUE, "MS", NULL, set_up_jitter, NULL},
    {"up-reorder", 0, CLI_OPT_FLAG, NULL, NULL, set_up_reorder, NULL},
    {"up-loss", 0, CLI_OPT_VALUE, "PCT", NULL, set_up_loss, NULL},
    {"up-burst", 0, CLI_OPT_VALUE, "E,L,LOSS", NULL, set_up_burst, NULL},
    {"up-dup", 0, CLI_OPT_VALUE, "PCT", NULL, set_up_dup, NULL},
    {"up-rate", 0, CLI_OPT_VALUE, "KBPS", NULL, set_up_rate, NULL},
    {"up-queue", 0, CLI_OPT_VALUE, "BYTES", NULL, set_up_queue, NULL},
    {"up-mtu", 0, CLI_OPT_VALUE, "BYTES", NULL, set_up_mtu, NULL},
    {"down-latency", 0, CLI_OPT_VALUE, "MS", NULL, set_down_latency, NULL},
    {"down-jitter", 0, CLI_OPT_VALUE, "MS", NULL, set_down_jitter, NULL},
    {"down-reorder", 0, CLI_OPT_FLAG, NULL, NULL, set_down_reorder, NULL},
    {"down-loss", 0, CLI_OPT_VALUE, "PCT", NULL, set_down_loss, NULL},
    {"down-burst", 0, CLI_OPT_VALUE, "E,L,LOSS", NULL, set_down_burst, NULL},
    {"down-dup", 0, CLI_OPT_VALUE, "PCT", NULL, set_down_dup, NULL},
    {"down-rate", 0, CLI_OPT_VALUE, "KBPS", NULL, set_down_rate, NULL},
    {"down-queue", 0, CLI_OPT_VALUE, "BYTES", NULL, set_down_queue, NULL},
    {"down-mtu", 0, CLI_OPT_VALUE, "BYTES", NULL, set_down_mtu, NULL},
    {"tcp-latency", 0, CLI_OPT_VALUE, "MS", "one-way delay of the TCP login/chat stream",
     set_tcp_latency, NULL},
    {"tcp-rate", 0, CLI_OPT_VALUE, "KBPS", "TCP bandwidth cap per direction (0 = none)",
     set_tcp_rate, NULL},
    {"tcp-buffer", 0, CLI_OPT_VALUE, "BYTES",
     "TCP bytes held per direction per connection\n(default 65536; then it stops reading)",
     set_tcp_buffer, NULL},
    {"tcp-max", 0, CLI_OPT_VALUE, "N", "TCP connections at once (default 64)", set_tcp_max, NULL},
    {"max-clients", 0, CLI_OPT_VALUE, "N",
     "UDP client addresses at once (default 64); datagrams\nfrom more are dropped and counted",
     set_max_clients, NULL},
    {"slots", 0, CLI_OPT_VALUE, "N", "datagrams in flight per direction per client (default 256)",
     set_slots, NULL},
    {"idle", 0, CLI_OPT_VALUE, "S", "forget a UDP client silent for S seconds (default 60)",
     set_idle, NULL},
    {"seed", 0, CLI_OPT_VALUE, "N", "random seed (default 1): same seed, same choices", set_seed,
     NULL},
    {"stats-json", 'j', CLI_OPT_VALUE, "FILE", "write the counters as JSON at exit", set_stats,
     NULL},
    {"duration", 'd', CLI_OPT_VALUE, "S", "stop after S seconds (default: at SIGINT/SIGTERM)",
     set_duration, NULL},
    {"quiet", 'q', CLI_OPT_FLAG, NULL, "no summary line at exit", set_quiet, NULL},
    {"help", 'h', CLI_OPT_PRINT, NULL, "this help", NULL, cli_options_print_help},
    {"version", 'V', CLI_OPT_PRINT, NULL, "version", NULL, cli_options_print_version},
};

static const CliOptProgram program = {
    .prog = "arena-netsim",
    .version = ARENA_VERSION,
    .intro = "usage: arena-netsim [--listen IP:PORT] [--to IP:PORT] [--profile NAME] [options]\n"
             "Relays an arena-server's game (UDP) and login (TCP) port through a simulated\n"
             "bad network; point arena-client --connect or arena-bot --server at --listen.\n"
             "All delays are one way; each link option applies to both directions.\n"
             "\n",
    .outro = "\n"
             "Each link option X (latency, jitter, reorder, loss, burst, dup, rate, queue, mtu)\n"
             "also comes as --up-X (client to server only) and --down-X (server to client).\n"
             "Options apply in order: later ones override earlier ones and the profile.\n"
             "Exit status: 0 after a clean stop, 1 if it could not run, 2 for bad options.\n",
    .help_col = 28,
    .opts = options,
    .count = sizeof options / sizeof options[0],
    .check = check,
};

int ns_options_parse(NsOptions *o, int argc, char **argv, FILE *out, FILE *err)
{
    return cli_options_parse(&program, o, argc, argv, out, err);
}
