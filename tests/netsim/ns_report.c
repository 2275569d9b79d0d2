/* ns_report.c — see ns_report.h. */
#include "ns_report.h"

#include <inttypes.h>
#include <stdio.h>

static const char *const dir_names[NS_DIRS] = {"up", "down"};

static void json_link(FILE *out, const NsLinkConfig *c)
{
    fprintf(out,
            "{\"latency_ms\": %.3f, \"jitter_ms\": %.3f, \"reorder\": %s, \"loss\": %.6f, "
            "\"burst_enter\": %.6f, \"burst_leave\": %.6f, \"burst_loss\": %.6f, "
            "\"duplicate\": %.6f, \"rate_bytes_per_s\": %" PRIu32 ", \"queue_bytes\": %" PRIu32
            ", \"mtu\": %" PRIu32 "}",
            c->latency_us / 1000.0, c->jitter_us / 1000.0, c->reorder ? "true" : "false", c->loss,
            c->ge_enter, c->ge_leave, c->ge_loss, c->duplicate, c->rate_bytes_per_s, c->queue_bytes,
            c->mtu ? c->mtu : (uint32_t)NS_SLOT_BYTES);
}

static void json_dir(FILE *out, const NsLinkStats *s, uint64_t extra_mtu)
{
    fprintf(out,
            "{\"datagrams_in\": %" PRIu64 ", \"bytes_in\": %" PRIu64 ", \"datagrams_out\": %" PRIu64
            ", \"bytes_out\": %" PRIu64 ", \"lost\": %" PRIu64 ", \"dropped_mtu\": %" PRIu64
            ", \"dropped_queue\": %" PRIu64 ", \"duplicated\": %" PRIu64
            ", \"delay_ms_mean\": %.3f, \"delay_ms_max\": %.3f, \"delay_hist_bucket_ms\": %d, "
            "\"delay_hist\": [",
            s->in + extra_mtu, s->in_bytes, s->out, s->out_bytes, s->lost,
            s->dropped_mtu + extra_mtu, s->dropped_queue, s->duplicated,
            s->out ? (double)s->delay_us_sum / (double)s->out / 1000.0 : 0.0,
            s->delay_us_max / 1000.0, NS_DELAY_BUCKET_US / 1000);
    for (int i = 0; i < NS_DELAY_BUCKETS; i++)
        fprintf(out, "%s%" PRIu64, i ? ", " : "", s->delay_hist[i]);
    fputs("]}", out);
}

void ns_report_json(FILE *out, const NsOptions *o, const NsUdpStats *u, const NsTcpStats *t,
                    double seconds)
{
    fprintf(out, "{\n  \"seconds\": %.3f,\n  \"seed\": %" PRIu64 ",\n  \"profile\": \"%s\",\n",
            seconds, o->seed, o->profile);
    fputs("  \"config\": {", out);
    for (int d = 0; d < NS_DIRS; d++) {
        fprintf(out, "%s\"%s\": ", d ? ", " : "", dir_names[d]);
        json_link(out, &o->link[d]);
    }
    fprintf(out, ", \"tcp_latency_ms\": %.3f, \"tcp_rate_bytes_per_s\": %" PRIu32 "},\n",
            o->tcp_latency_us / 1000.0, o->tcp_rate_bytes_per_s);
    for (int d = 0; d < NS_DIRS; d++) {
        fprintf(out, "  \"%s\": ", dir_names[d]);
        /* Oversize datagrams from addresses without an entry never met a link: counted as
         * the up direction's MTU drops all the same. */
        json_dir(out, &u->dir[d], d == NS_UP ? u->oversize_unknown : 0);
        fputs(",\n", out);
    }
    fprintf(out,
            "  \"udp\": {\"clients_seen\": %" PRIu64 ", \"clients_peak\": %" PRIu64
            ", \"clients_expired\": %" PRIu64 ", \"clients_refused\": %" PRIu64
            ", \"send_errors\": %" PRIu64 ", \"recv_errors\": %" PRIu64 "},\n",
            u->clients_seen, u->clients_peak, u->clients_expired, u->clients_refused,
            u->send_errors, u->recv_errors);
    fprintf(out,
            "  \"tcp\": {\"connections\": %" PRIu64 ", \"refused\": %" PRIu64
            ", \"upstream_failed\": %" PRIu64 ", \"errors\": %" PRIu64 ", \"bytes_up\": %" PRIu64
            ", \"bytes_down\": %" PRIu64 ", \"login_rewrites\": %" PRIu64
            ", \"port_mismatch\": %" PRIu64 "}\n}\n",
            t->connections, t->refused, t->upstream_failed, t->errors, t->bytes[NS_UP],
            t->bytes[NS_DOWN], t->login_rewrites, t->port_mismatch);
}

bool ns_report_write(const char *path, const NsOptions *o, const NsUdpStats *u, const NsTcpStats *t,
                     double seconds)
{
    char tmp[NS_PATH_MAX + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return false;
    ns_report_json(f, o, u, t, seconds);
    bool ok = !ferror(f);
    ok = fclose(f) == 0 && ok;
    return ok && rename(tmp, path) == 0;
}

void ns_report_summary(FILE *out, const NsUdpStats *u, const NsTcpStats *t, double seconds)
{
    fprintf(out, "arena-netsim: %.1f s, %" PRIu64 " UDP clients (%" PRIu64 " refused datagrams)",
            seconds, u->clients_seen, u->clients_refused);
    for (int d = 0; d < NS_DIRS; d++) {
        const NsLinkStats *s = &u->dir[d];
        fprintf(out,
                "; %s %" PRIu64 " in %" PRIu64 " out (%" PRIu64 " lost, %" PRIu64
                " dropped, %" PRIu64 " dup, %.1f ms mean)",
                dir_names[d], s->in, s->out, s->lost,
                s->dropped_mtu + s->dropped_queue + (d == NS_UP ? u->oversize_unknown : 0),
                s->duplicated, s->out ? (double)s->delay_us_sum / (double)s->out / 1000.0 : 0.0);
    }
    fprintf(out, "; TCP %" PRIu64 " connections, %" PRIu64 " B up, %" PRIu64 " B down\n",
            t->connections, t->bytes[NS_UP], t->bytes[NS_DOWN]);
}
