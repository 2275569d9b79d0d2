/* cli_stats.c — the connection's statistics that take more than one increment: snapshot
 * arrivals (sizes, gaps), the RTT histogram, ENet's host counters, the interpolation's. Part of
 * CliConn (cli_conn_int.h); CliStats is documented in cli_conn.h. */
#include "cli_conn_int.h"

void cli_stats_snapshot(CliStats *st, size_t len, bool full, uint64_t now_us)
{
    st->snapshots++;
    st->full_snapshots += full;
    st->snapshot_bytes += len;
    if (len > st->max_snapshot_payload_bytes)
        st->max_snapshot_payload_bytes = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
    if (st->first_snapshot_us == 0)
        st->first_snapshot_us = now_us;
    else {
        uint64_t gap = now_us - st->last_snapshot_us;
        if (gap > st->max_snapshot_gap_us)
            st->max_snapshot_gap_us = gap;
        st->snapshot_gaps_250ms += gap > 250000u;
    }
    st->last_snapshot_us = now_us;
}

void cli_stats_interp(CliStats *st, const CliInterp *ip)
{
    st->interp_delay_ms = cli_interp_delay_ms(ip);
    st->interp_delay_ms_max = cli_interp_delay_max_ms(ip);
    st->interp_starvations = cli_interp_starvations(ip);
    st->interp_starved_ms = cli_interp_starved_ms(ip);
}

void cli_stats_rtt_sample(CliConn *c, uint64_t now_us)
{
    if (now_us - c->last_rtt_sample_us < CLI_RTT_SAMPLE_US || c->peer == NULL)
        return;
    c->last_rtt_sample_us = now_us;
    uint32_t ms = c->peer->roundTripTime;
    c->stats.rtt_hist[ms < CLI_CONN_RTT_BUCKETS ? ms : CLI_CONN_RTT_BUCKETS - 1]++;
    c->stats.rtt_samples++;
}

/* ENet counts into the host; move the counts into ours (ENet's are 32-bit and would wrap). */
void cli_stats_take_host_counters(CliConn *c)
{
    ENetHost *h = c->host;
    c->stats.datagram_bytes_down += h->totalReceivedData;
    c->stats.datagram_bytes_up += h->totalSentData;
    c->stats.datagrams_down += h->totalReceivedPackets;
    c->stats.datagrams_up += h->totalSentPackets;
    h->totalReceivedData = 0;
    h->totalSentData = 0;
    h->totalReceivedPackets = 0;
    h->totalSentPackets = 0;
}
