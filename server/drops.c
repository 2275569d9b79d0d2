/* drops.c — see drops.h. */
#include "drops.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const keys[DROP_COUNT] = {
    [DROP_UDP_MALFORMED] = "udp_malformed",
    [DROP_UDP_OVERSIZE] = "udp_oversize",
    [DROP_UDP_SPOOFED] = "udp_spoofed",
    [DROP_UDP_NO_PEER] = "udp_no_peer",
    [DROP_UDP_CONNECT_REFUSED] = "udp_connect_refused",
    [DROP_UDP_CONNECT_BANNED] = "udp_connect_banned",
    [DROP_UDP_CONNECT_LIMIT] = "udp_connect_limit",
    [DROP_UDP_UNBOUND] = "udp_unbound",
    [DROP_UDP_UNEXPECTED] = "udp_unexpected",
    [DROP_UDP_RATE] = "udp_rate_limited",
    [DROP_UDP_HALF_OPEN] = "udp_half_open_expired",
    [DROP_ENET_BACKLOG] = "enet_backlog_dropped",
    [DROP_BAD_PACKET] = "bad_packets",
    [DROP_SNAPSHOT_ENCODE] = "snapshots_not_encoded",
    [DROP_UNRELIABLE_OVERSIZE] = "unreliable_oversize",
    [DROP_TCP_ADDR_LIMIT] = "tcp_addr_limit",
    [DROP_TCP_PRELOGIN_LIMIT] = "tcp_prelogin_limit",
    [DROP_TCP_EVICTED] = "tcp_evicted",
    [DROP_TCP_BANNED] = "tcp_banned",
    [DROP_TCP_THROTTLED] = "tcp_throttled",
    [DROP_TCP_FLOODED] = "tcp_flooded",
    [DROP_TCP_KILLED] = "tcp_killed",
    [DROP_LOGIN_ADDR_LIMIT] = "login_addr_limit",
    [DROP_LOGIN_NAME] = "login_bad_name",
    [DROP_LOGIN_TAKEN] = "login_taken",
    [DROP_LOGIN_BANNED] = "login_banned",
    [DROP_LOGIN_COLOUR] = "login_bad_colour",
    [DROP_CHAT_UNSAFE] = "chat_unsafe",
    [DROP_DISC_VERSION] = "disc_wrong_version",
    [DROP_DISC_SOURCE] = "disc_source_limited",
    [DROP_DISC_BUDGET] = "disc_budget_limited",
    [DROP_CTL_REFUSED] = "ctl_refused",
    [DROP_METRICS_REFUSED] = "metrics_refused",
    [DROP_METRICS_BAD] = "metrics_bad_request",
    [DROP_METRICS_UNANSWERED] = "metrics_unanswered",
};

_Static_assert(sizeof keys / sizeof keys[0] == DROP_COUNT, "one key per drop kind");

const char *drop_key(SrvDrop kind)
{
    return kind < DROP_COUNT && keys[kind] != NULL ? keys[kind] : "?";
}

static bool quiet(const DropLog *d, SrvDrop kind, uint64_t now_ms)
{
    return d->logged_ms[kind] != 0 && now_ms - d->logged_ms[kind] < DROP_LOG_MS;
}

bool drop_will_log(const DropLog *d, SrvDrop kind, uint64_t now_ms)
{
    return kind < DROP_COUNT && !quiet(d, kind, now_ms);
}

static void note(DropLog *d, Log *log, SrvDrop kind, uint64_t n, uint64_t now_ms, const char *fmt,
                 va_list ap)
{
    if (kind >= DROP_COUNT || n == 0)
        return;
    d->count[kind] += n;
    if (quiet(d, kind, now_ms)) {
        d->suppressed[kind] += n;
        return;
    }
    char text[256];
    vsnprintf(text, sizeof text, fmt, ap);
    if (d->suppressed[kind] > 0)
        log_info(log, "drop", "%s: %s (and %llu more since the last line)", keys[kind], text,
                 (unsigned long long)d->suppressed[kind]);
    else
        log_info(log, "drop", "%s: %s", keys[kind], text);
    d->logged_ms[kind] = now_ms == 0 ? 1 : now_ms;
    d->suppressed[kind] = 0;
}

void drop_note(DropLog *d, Log *log, SrvDrop kind, uint64_t now_ms, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    note(d, log, kind, 1, now_ms, fmt, ap);
    va_end(ap);
}

void drop_note_n(DropLog *d, Log *log, SrvDrop kind, uint64_t n, uint64_t now_ms, const char *fmt,
                 ...)
{
    va_list ap;
    va_start(ap, fmt);
    note(d, log, kind, n, now_ms, fmt, ap);
    va_end(ap);
}
