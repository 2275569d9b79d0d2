/* stats.c — see stats.h. */
#include "stats.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

void stats_hist_add(StatsHist *h, uint32_t us)
{
    h->bucket[us < STATS_HIST_US ? us : STATS_HIST_US - 1]++;
    h->count++;
    h->sum_us += us;
    if (us > h->max)
        h->max = us;
}

void stats_hist_reset(StatsHist *h)
{
    memset(h, 0, sizeof *h);
}

uint32_t stats_hist_percentile(const StatsHist *h, double p)
{
    if (h->count == 0)
        return 0;
    uint64_t want = (uint64_t)(p * (double)h->count + 0.999999);
    if (want == 0)
        want = 1;
    uint64_t seen = 0;
    for (uint32_t i = 0; i < STATS_HIST_US; i++) {
        seen += h->bucket[i];
        if (seen >= want)
            return i == STATS_HIST_US - 1 ? h->max : i;
    }
    return h->max;
}

long stats_rss_peak_kb(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1;
    return ru.ru_maxrss; /* kB on Linux */
}

long stats_rss_now_kb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL)
        return -1;
    long size = 0, resident = -1;
    if (fscanf(f, "%ld %ld", &size, &resident) != 2)
        resident = -1;
    fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    return resident < 0 || page <= 0 ? -1 : resident * (page / 1024);
}

typedef struct JsonOut {
    char *buf;
    size_t cap, len;
    bool overflow;
} JsonOut;

static void jout(JsonOut *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void jout(JsonOut *j, const char *fmt, ...)
{
    if (j->overflow)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(j->buf + j->len, j->cap - j->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= j->cap - j->len)
        j->overflow = true;
    else
        j->len += (size_t)n;
}

static void jkey(JsonOut *j, const char *key, uint64_t v)
{
    jout(j, "%s\"%s\": %llu", j->len > 1 ? ", " : "", key, (unsigned long long)v);
}

size_t stats_json(const SrvStats *s, char *out, size_t cap)
{
    JsonOut j = {out, cap, 0, false};
    if (cap == 0)
        return 0;
    out[0] = '\0';
    jout(&j, "{");
    jkey(&j, "ticks", s->ticks);
    jkey(&j, "tick_us_p50", stats_hist_percentile(&s->tick_us, 0.50));
    jkey(&j, "tick_us_p99", stats_hist_percentile(&s->tick_us, 0.99));
    jkey(&j, "tick_us_max", s->tick_us.max);
    jkey(&j, "tick_cpu_us_p99", stats_hist_percentile(&s->tick_cpu_us, 0.99));
    jkey(&j, "tick_cpu_us_max", s->tick_cpu_us.max);
    jkey(&j, "tick_overruns_cpu", s->overruns_cpu);
    jkey(&j, "tick_overruns", s->overruns);
    jkey(&j, "wakeups", s->wakeups);
    jkey(&j, "epoll_changes", s->epoll_changes);
    jkey(&j, "epoll_failures", s->epoll_failures);
    jkey(&j, "run_us", s->run_us);
    jkey(&j, "stalls", s->stalls);
    jkey(&j, "ticks_fast_forwarded", s->ticks_fast_forwarded);
    jkey(&j, "ticks_skipped", s->ticks_skipped);
    jkey(&j, "players_peak", s->players_peak);
    jkey(&j, "bytes_out", s->bytes_out);
    jkey(&j, "packets_out", s->packets_out);
    jkey(&j, "bytes_in", s->bytes_in);
    jkey(&j, "packets_in", s->packets_in);
    jkey(&j, "udp_kernel_drops", s->udp_kernel_drops);
    jkey(&j, "udp_rcvbuf_bytes", s->udp_rcvbuf_bytes);
    jkey(&j, "udp_batched", s->udp_batched);
    jkey(&j, "udp_rx_calls", s->udp_rx_calls);
    jkey(&j, "udp_rx_batched", s->udp_rx_batched);
    jkey(&j, "udp_tx_calls", s->udp_tx_calls);
    jkey(&j, "udp_tx_batched", s->udp_tx_batched);
    jkey(&j, "udp_tx_dropped", s->udp_tx_dropped);
    jkey(&j, "max_snapshot_wire_bytes", s->max_snapshot_wire_bytes);
    jkey(&j, "snapshots_sent", s->snapshots_sent);
    jkey(&j, "snapshot_bytes", s->snapshot_bytes);
    jkey(&j, "full_snapshots", s->full_snapshots);
    jkey(&j, "full_snapshots_lost_baseline", s->full_snapshots_lost_baseline);
    jkey(&j, "entities_omitted", s->entities_omitted);
    jkey(&j, "snapshots_deferred", s->snapshots_deferred);
    jkey(&j, "memo_hits", s->memo_hits);
    jkey(&j, "memo_misses", s->memo_misses);
    jkey(&j, "views_picked", s->views_picked);
    jkey(&j, "views_kept", s->views_kept);
    jkey(&j, "inputs_late", s->inputs_late);
    jkey(&j, "inputs_early", s->inputs_early);
    jkey(&j, "inputs_direct", s->inputs_direct);
    jkey(&j, "lagcomp_clamped", s->lagcomp_clamped);
    jkey(&j, "inputs_missing", s->inputs_missing);
    jkey(&j, "bind_failures", s->bind_failures);
    jkey(&j, "udp_flood_polls", s->udp_flood_polls);
    jkey(&j, "udp_polled_ms", s->udp_polled_ms);
    jkey(&j, "events_sent", s->events_sent);
    jkey(&j, "events_messages", s->events_messages);
    jkey(&j, "events_unseen", s->events_unseen);
    jkey(&j, "events_onlooker", s->events_onlooker);
    jkey(&j, "events_onlooker_messages", s->events_onlooker_messages);
    jkey(&j, "tcp_accepted", s->tcp_accepted);
    jkey(&j, "tcp_rejected", s->tcp_rejected);
    jkey(&j, "tcp_bad_lines", s->tcp_bad_lines);
    jkey(&j, "tcp_slow_dropped", s->tcp_slow_dropped);
    jkey(&j, "tcp_flood_dropped", s->tcp_flood_dropped);
    jkey(&j, "chat_lines", s->chat_lines);
    jkey(&j, "chat_room_busy", s->chat_room_busy);
    jkey(&j, "disc_queries", s->disc_queries);
    jkey(&j, "disc_answered", s->disc_answered);
    jkey(&j, "disc_dropped", s->disc_dropped);
    jkey(&j, "enet_allocs_in_tick", s->enet_allocs_in_tick);
    jkey(&j, "enet_throttle_releases", s->enet_guard.throttle_releases);
    jkey(&j, "enet_unsent_unreliable", s->enet_guard.unsent);
    for (unsigned k = 0; k < DROP_COUNT; k++)
        jkey(&j, drop_key((SrvDrop)k), s->drops.count[k]);
    long peak = stats_rss_peak_kb(), now = stats_rss_now_kb();
    jkey(&j, "rss_kb_peak", peak > 0 ? (uint64_t)peak : 0);
    jkey(&j, "rss_kb", now > 0 ? (uint64_t)now : 0);
    jout(&j, "}");
    return j.overflow ? 0 : j.len;
}

bool stats_write_json(const SrvStats *s, const char *path, char *err, size_t errlen)
{
    char tmp[600];
    int n = snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        snprintf(err, errlen, "path too long");
        return false;
    }
    char json[8192];
    size_t len = stats_json(s, json, sizeof json);
    if (len == 0) {
        snprintf(err, errlen, "statistics do not fit");
        return false;
    }
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        return false;
    }
    fprintf(f, "%s\n", json);
    bool ok = fflush(f) == 0 && !ferror(f);
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        remove(tmp);
        return false;
    }
    return true;
}
