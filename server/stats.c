/* stats.c — see stats.h. */
#include "stats.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

void stats_hist_add(StatsHist *h, uint32_t us)
{
    h->bucket[us < STATS_HIST_US ? us : STATS_HIST_US - 1]++;
    h->count++;
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

bool stats_write_json(const SrvStats *s, const char *path, char *err, size_t errlen)
{
    char tmp[600];
    int n = snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        snprintf(err, errlen, "path too long");
        return false;
    }
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        return false;
    }
    fprintf(f,
            "{\n"
            "  \"ticks\": %llu,\n"
            "  \"tick_us_p50\": %u,\n"
            "  \"tick_us_p99\": %u,\n"
            "  \"tick_us_max\": %u,\n"
            "  \"tick_overruns\": %llu,\n"
            "  \"players_peak\": %u,\n"
            "  \"bytes_out\": %llu,\n"
            "  \"packets_out\": %llu,\n"
            "  \"bytes_in\": %llu,\n"
            "  \"packets_in\": %llu,\n"
            "  \"max_datagram_bytes\": %u,\n"
            "  \"snapshots_sent\": %llu,\n"
            "  \"snapshot_bytes\": %llu,\n"
            "  \"full_snapshots\": %llu,\n"
            "  \"entities_omitted\": %llu,\n"
            "  \"bad_packets\": %llu,\n"
            "  \"inputs_late\": %llu,\n"
            "  \"inputs_early\": %llu,\n"
            "  \"inputs_missing\": %llu,\n"
            "  \"bind_failures\": %llu,\n"
            "  \"tcp_accepted\": %llu,\n"
            "  \"tcp_rejected\": %llu,\n"
            "  \"tcp_bad_lines\": %llu,\n"
            "  \"tcp_slow_dropped\": %llu,\n"
            "  \"tcp_flood_dropped\": %llu,\n"
            "  \"chat_lines\": %llu,\n"
            "  \"disc_queries\": %llu,\n"
            "  \"disc_answered\": %llu,\n"
            "  \"disc_dropped\": %llu,\n"
            "  \"heap_allocs_in_tick\": %llu,\n"
            "  \"rss_kb_peak\": %ld\n"
            "}\n",
            (unsigned long long)s->ticks, stats_hist_percentile(&s->tick_us, 0.50),
            stats_hist_percentile(&s->tick_us, 0.99), s->tick_us.max,
            (unsigned long long)s->overruns, s->players_peak, (unsigned long long)s->bytes_out,
            (unsigned long long)s->packets_out, (unsigned long long)s->bytes_in,
            (unsigned long long)s->packets_in, s->max_datagram_bytes,
            (unsigned long long)s->snapshots_sent, (unsigned long long)s->snapshot_bytes,
            (unsigned long long)s->full_snapshots, (unsigned long long)s->entities_omitted,
            (unsigned long long)s->bad_packets, (unsigned long long)s->inputs_late,
            (unsigned long long)s->inputs_early, (unsigned long long)s->inputs_missing,
            (unsigned long long)s->bind_failures, (unsigned long long)s->tcp_accepted,
            (unsigned long long)s->tcp_rejected, (unsigned long long)s->tcp_bad_lines,
            (unsigned long long)s->tcp_slow_dropped, (unsigned long long)s->tcp_flood_dropped,
            (unsigned long long)s->chat_lines, (unsigned long long)s->disc_queries,
            (unsigned long long)s->disc_answered, (unsigned long long)s->disc_dropped,
            (unsigned long long)s->heap_allocs_in_tick, stats_rss_peak_kb());
    bool ok = fflush(f) == 0 && !ferror(f);
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        remove(tmp);
        return false;
    }
    return true;
}
