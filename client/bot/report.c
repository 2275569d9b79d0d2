/* report.c — what an arena-bot run measured, summed over its bots: the summary line, the
 * failures, and the --json report (keys in docs/architecture.md). Reads the bots' statistics
 * (cli_conn.h CliStats); never changes a bot. */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "bot.h"

static unsigned rtt_percentile(const Report *r, double q)
{
    if (r->rtt_n == 0)
        return 0;
    uint64_t want = (uint64_t)ceil(q * (double)r->rtt_n);
    if (want == 0)
        want = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < CLI_CONN_RTT_BUCKETS; i++) {
        seen += r->rtt_hist[i];
        if (seen >= want)
            return i;
    }
    return CLI_CONN_RTT_BUCKETS - 1;
}

/* Smallest error e (world units, 1/8 resolution) such that a share q of the reconciliations
 * were off by at most e. */
static double pred_percentile(const Report *r, double q)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < CLI_PREDICT_ERR_BUCKETS; i++)
        n += r->pred_hist[i];
    uint64_t want = (uint64_t)ceil(q * (double)n), seen = 0;
    for (unsigned i = 0; i < CLI_PREDICT_ERR_BUCKETS && n > 0; i++) {
        seen += r->pred_hist[i];
        if (seen >= want)
            return (i + 1) / 8.0;
    }
    return 0.0;
}

/* What the netcode did under a bad network (docs/operations.md, the soak tests). */
static void write_netcode_keys(FILE *f, const Report *r)
{
    fprintf(f, "  \"prediction_error_p99_units\": %.3f,\n", pred_percentile(r, 0.99));
    fprintf(f, "  \"prediction_error_mean_all_units\": %.3f,\n",
            r->reconciliations ? r->pred_err_sum / (double)r->reconciliations : 0.0);
    fprintf(f, "  \"visible_corrections\": %llu,\n", (unsigned long long)r->pred_visible);
    fprintf(f, "  \"full_snapshots\": %llu,\n", (unsigned long long)r->full_snapshots);
    fprintf(f, "  \"inputs_sent\": %llu,\n", (unsigned long long)r->inputs_sent);
    fprintf(f, "  \"input_ticks\": %llu,\n", (unsigned long long)r->input_ticks);
    fprintf(f, "  \"clock_margin_ticks_mean\": %.2f,\n",
            r->clock_n ? r->margin_sum / r->clock_n : 0.0);
    fprintf(f, "  \"clock_trim_ticks_mean\": %.2f,\n", r->clock_n ? r->trim_sum / r->clock_n : 0.0);
    fprintf(f, "  \"enet_unsent_inputs\": %llu,\n", (unsigned long long)r->inputs_unsent);
    fprintf(f, "  \"enet_throttle_releases\": %llu,\n", (unsigned long long)r->throttle_releases);
}

void bot_report_collect(const Bot *b, Report *r)
{
    r->bots++;
    if (b->conn == NULL)
        return;
    const CliStats *st = cli_conn_stats(b->conn);
    const CliPredict *p = cli_conn_predict(b->conn);
    r->connected += b->playing_seen;
    r->disconnects += b->dropped;
    r->snapshots += st->snapshots;
    r->decode_errors += st->decode_errors;
    r->stale += st->stale_snapshots;
    r->prediction_errors += p->errors;
    r->reconciliations += p->reconciliations;
    r->snaps += p->snaps;
    r->pred_err_sum += p->error_sum_units;
    for (unsigned i = 0; i < CLI_PREDICT_ERR_BUCKETS; i++)
        r->pred_hist[i] += p->error_hist[i];
    r->pred_visible += p->visible;
    r->full_snapshots += st->full_snapshots;
    r->inputs_sent += st->inputs_sent;
    const CliClock *ck = cli_conn_clock(b->conn);
    r->trim_sum += ck->trim;
    r->margin_sum += cli_clock_margin_ticks(ck);
    r->clock_n++;
    r->input_ticks += st->input_ticks;
    r->inputs_unsent += st->enet_guard.unsent;
    r->throttle_releases += st->enet_guard.throttle_releases;
    if (p->error_max_units > r->pred_err_max)
        r->pred_err_max = p->error_max_units;
    r->chat_sent += st->chat_sent;
    r->chat_received += st->chat_received;
    r->hits += st->hits_scored;
    r->shots_fired += st->shots_fired;
    r->kills += st->kills;
    r->deaths += st->deaths;
    r->legends += b->legend;
    if (st->max_snapshot_datagram_bytes > r->max_snapshot_datagram)
        r->max_snapshot_datagram = st->max_snapshot_datagram_bytes;
    if (st->max_datagram_bytes > r->max_datagram)
        r->max_datagram = st->max_datagram_bytes;
    if (st->max_snapshot_payload_bytes > r->max_snapshot_payload)
        r->max_snapshot_payload = st->max_snapshot_payload_bytes;
    for (unsigned i = 0; i < CLI_CONN_RTT_BUCKETS; i++)
        r->rtt_hist[i] += st->rtt_hist[i];
    r->rtt_n += st->rtt_samples;
    if (b->playing_seen && b->play_end_us > b->play_start_us) {
        double secs = (double)(b->play_end_us - b->play_start_us) / 1e6;
        r->down_sum += (double)(b->down_at_end - b->down_at_start) / secs;
        r->up_sum += (double)(b->up_at_end - b->up_at_start) / secs;
        if (st->snapshots >= 2 && st->last_snapshot_us > st->first_snapshot_us) {
            double rate = (double)(st->snapshots - 1) * 1e6 /
                          (double)(st->last_snapshot_us - st->first_snapshot_us);
            r->rate_sum += rate;
            if (r->rate_n == 0 || rate < r->rate_min)
                r->rate_min = rate;
            r->rate_n++;
        }
        if (st->max_snapshot_gap_us > r->gap_max_us)
            r->gap_max_us = st->max_snapshot_gap_us;
        r->gaps_250ms += st->snapshot_gaps_250ms;
        r->delay_sum += cli_interp_delay_ms(cli_conn_interp(b->conn));
        r->delay_n++;
        if (st->interp_delay_ms_max > r->delay_max_ms)
            r->delay_max_ms = st->interp_delay_ms_max;
        r->starvations += st->interp_starvations;
        r->starved_ms += st->interp_starved_ms;
    }
}

static uint64_t max64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

static double maxd(double a, double b)
{
    return a > b ? a : b;
}

void bot_report_merge(Report *to, const Report *f)
{
    to->bots += f->bots;
    to->connected += f->connected;
    to->disconnects += f->disconnects;
#define SUM(field) to->field += f->field
    SUM(snapshots), SUM(decode_errors), SUM(stale), SUM(prediction_errors);
    SUM(reconciliations), SUM(snaps), SUM(chat_sent), SUM(chat_received), SUM(hits);
    SUM(shots_fired), SUM(kills), SUM(deaths), SUM(gaps_250ms), SUM(pred_visible);
    SUM(full_snapshots), SUM(inputs_sent), SUM(input_ticks), SUM(inputs_unsent);
    SUM(throttle_releases), SUM(rtt_n), SUM(starvations);
#undef SUM
    to->legends += f->legends;
    to->rate_sum += f->rate_sum;
    to->down_sum += f->down_sum;
    to->up_sum += f->up_sum;
    if (f->rate_n > 0 && (to->rate_n == 0 || f->rate_min < to->rate_min))
        to->rate_min = f->rate_min;
    to->rate_n += f->rate_n;
    to->gap_max_us = max64(to->gap_max_us, f->gap_max_us);
    to->max_snapshot_datagram =
        (uint32_t)max64(to->max_snapshot_datagram, f->max_snapshot_datagram);
    to->max_datagram = (uint32_t)max64(to->max_datagram, f->max_datagram);
    to->max_snapshot_payload = (uint32_t)max64(to->max_snapshot_payload, f->max_snapshot_payload);
    to->pred_err_sum += f->pred_err_sum;
    to->pred_err_max = maxd(to->pred_err_max, f->pred_err_max);
    for (unsigned i = 0; i < CLI_PREDICT_ERR_BUCKETS; i++)
        to->pred_hist[i] += f->pred_hist[i];
    for (unsigned i = 0; i < CLI_CONN_RTT_BUCKETS; i++)
        to->rtt_hist[i] += f->rtt_hist[i];
    to->trim_sum += f->trim_sum;
    to->margin_sum += f->margin_sum;
    to->clock_n += f->clock_n;
    to->delay_sum += f->delay_sum;
    to->delay_n += f->delay_n;
    to->delay_max_ms = maxd(to->delay_max_ms, f->delay_max_ms);
    to->starved_ms += f->starved_ms;
}

bool bot_report_write_json(const char *path, const Report *r, const Options *o)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "arena-bot: cannot write %s: %s\n", path, strerror(errno));
        return false;
    }
    double per = r->connected > 0 ? 1.0 / r->connected : 0.0;
    fprintf(f, "{\n");
    fprintf(f, "  \"bots\": %u,\n", r->bots);
    fprintf(f, "  \"connected\": %u,\n", r->connected);
    fprintf(f, "  \"disconnects\": %u,\n", r->disconnects);
    fprintf(f, "  \"seconds\": %.3f,\n", o->seconds);
    fprintf(f, "  \"behaviour\": \"%s\",\n", bot_behaviour_names[o->behaviour]);
    fprintf(f, "  \"snapshots_received\": %llu,\n", (unsigned long long)r->snapshots);
    fprintf(f, "  \"snapshot_rate_hz\": %.3f,\n", r->rate_n ? r->rate_sum / r->rate_n : 0.0);
    fprintf(f, "  \"snapshot_rate_hz_min\": %.3f,\n", r->rate_n ? r->rate_min : 0.0);
    fprintf(f, "  \"snapshot_gap_ms_max\": %.1f,\n", (double)r->gap_max_us / 1000.0);
    fprintf(f, "  \"snapshot_gaps_over_250ms\": %llu,\n", (unsigned long long)r->gaps_250ms);
    fprintf(f, "  \"bytes_down_per_bot_per_s\": %.1f,\n", r->down_sum * per);
    fprintf(f, "  \"bytes_up_per_bot_per_s\": %.1f,\n", r->up_sum * per);
    fprintf(f, "  \"max_snapshot_datagram_bytes\": %u,\n", r->max_snapshot_datagram);
    fprintf(f, "  \"max_snapshot_payload_bytes\": %u,\n", r->max_snapshot_payload);
    fprintf(f, "  \"max_datagram_bytes\": %u,\n", r->max_datagram);
    fprintf(f, "  \"rtt_ms_p50\": %u,\n", rtt_percentile(r, 0.50));
    fprintf(f, "  \"rtt_ms_p99\": %u,\n", rtt_percentile(r, 0.99));
    fprintf(f, "  \"decode_errors\": %llu,\n", (unsigned long long)r->decode_errors);
    fprintf(f, "  \"stale_snapshots\": %llu,\n", (unsigned long long)r->stale);
    fprintf(f, "  \"reconciliations\": %llu,\n", (unsigned long long)r->reconciliations);
    fprintf(f, "  \"prediction_errors\": %llu,\n", (unsigned long long)r->prediction_errors);
    fprintf(f, "  \"prediction_error_mean_units\": %.3f,\n",
            r->prediction_errors ? r->pred_err_sum / (double)r->prediction_errors : 0.0);
    fprintf(f, "  \"prediction_error_max_units\": %.3f,\n", r->pred_err_max);
    fprintf(f, "  \"prediction_snaps\": %llu,\n", (unsigned long long)r->snaps);
    write_netcode_keys(f, r);
    fprintf(f, "  \"interp_delay_ms_mean\": %.1f,\n", r->delay_n ? r->delay_sum / r->delay_n : 0.0);
    fprintf(f, "  \"interp_delay_ms_max\": %.1f,\n", r->delay_max_ms);
    fprintf(f, "  \"interp_starvations\": %llu,\n", (unsigned long long)r->starvations);
    fprintf(f, "  \"interp_starved_ms\": %.1f,\n", r->starved_ms);
    fprintf(f, "  \"hits\": %llu,\n", (unsigned long long)r->hits);
    fprintf(f, "  \"shots_fired\": %llu,\n", (unsigned long long)r->shots_fired);
    fprintf(f, "  \"kills\": %llu,\n", (unsigned long long)r->kills);
    fprintf(f, "  \"deaths\": %llu,\n", (unsigned long long)r->deaths);
    fprintf(f, "  \"hit_rate\": %.4f,\n",
            r->shots_fired ? (double)r->hits / (double)r->shots_fired : 0.0);
    fprintf(f, "  \"legends\": %u,\n", r->legends);
    fprintf(f, "  \"chat_sent\": %llu,\n", (unsigned long long)r->chat_sent);
    fprintf(f, "  \"chat_received\": %llu,\n", (unsigned long long)r->chat_received);
    fprintf(f, "  \"procs\": %u,\n", r->procs > 0 ? r->procs : 1);
    fprintf(f, "  \"cpu_s\": %.3f\n", r->cpu_s);
    fprintf(f, "}\n");
    bool ok = fflush(f) == 0 && !ferror(f);
    ok = fclose(f) == 0 && ok;
    if (!ok)
        fprintf(stderr, "arena-bot: error writing %s\n", path);
    return ok;
}

void bot_report_print_failures(const Bot *bots, unsigned n)
{
    unsigned reported = 0;
    for (unsigned i = 0; i < n; i++) {
        const Bot *b = &bots[i];
        bool bad = b->conn == NULL || !b->playing_seen || b->dropped;
        if (bad && reported++ < MAX_REPORTED_FAILURES)
            fprintf(stderr, "arena-bot: %s %s: %s\n", b->name[0] ? b->name : "(not started)",
                    b->dropped ? "dropped" : "never joined",
                    b->conn ? (cli_conn_error(b->conn)[0] ? cli_conn_error(b->conn)
                                                          : cli_state_str(cli_conn_state(b->conn)))
                            : "not started");
    }
    if (reported > MAX_REPORTED_FAILURES)
        fprintf(stderr, "arena-bot: ... and %u more\n", reported - MAX_REPORTED_FAILURES);
}

void bot_report_print(const Report *r)
{
    double rate = r->rate_n ? r->rate_sum / r->rate_n : 0.0;
    double per = r->connected > 0 ? 1.0 / r->connected : 0.0;
    printf("arena-bot: %u/%u connected, %u dropped | %.1f snapshots/s per bot | rtt p50 %u ms "
           "p99 %u ms | %.0f B/s down %.0f B/s up per bot | max snapshot datagram %u B | "
           "%llu decode errors | %llu prediction errors | chat %llu sent %llu received\n",
           r->connected, r->bots, r->disconnects, rate, rtt_percentile(r, 0.5),
           rtt_percentile(r, 0.99), r->down_sum * per, r->up_sum * per, r->max_snapshot_datagram,
           (unsigned long long)r->decode_errors, (unsigned long long)r->prediction_errors,
           (unsigned long long)r->chat_sent, (unsigned long long)r->chat_received);
}
