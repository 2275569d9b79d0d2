/* netgraph.c — see netgraph.h. */
#include "netgraph.h"

#include <math.h>
#include <string.h>

#include "protocol.h"

static double local_ticks(uint64_t us)
{
    return (double)us * (PROTO_TICK_HZ / 1e6);
}

void app_ng_init(AppNetGraph *g, unsigned snapshot_hz)
{
    memset(g, 0, sizeof *g);
    if (snapshot_hz < PROTO_SNAPSHOT_HZ_MIN || snapshot_hz > PROTO_SNAPSHOT_HZ_MAX)
        snapshot_hz = PROTO_SNAPSHOT_HZ_DEFAULT;
    g->interval_ticks = (double)PROTO_TICK_HZ / (double)snapshot_hz;
}

double app_ng_interval_ms(const AppNetGraph *g)
{
    return g->interval_ticks * 1000.0 / PROTO_TICK_HZ;
}

static void push(AppNetGraph *g, const AppNgSample *s)
{
    g->samples[g->head] = *s;
    g->head = (g->head + 1) % APP_NG_SAMPLES;
    if (g->count < APP_NG_SAMPLES)
        g->count++;
}

void app_ng_snapshot(AppNetGraph *g, uint32_t tick, uint32_t bytes, bool full, uint64_t arrival_us)
{
    if (g->last_tick != 0 && tick <= g->last_tick) {
        app_ng_dropped(g, bytes, arrival_us);
        return;
    }
    /* Lateness against the earliest arrivals. */
    double sample = (double)tick - local_ticks(arrival_us);
    double late_ticks = 0.0;
    if (!g->synced || sample > g->ref_offset) {
        g->ref_offset = sample;
        g->synced = true;
    } else {
        late_ticks = g->ref_offset - sample;
        g->ref_offset -= APP_NG_DRIFT;
    }
    /* A gap in the tick sequence: snapshots that never came. */
    if (g->last_tick != 0) {
        uint32_t gap = tick - g->last_tick;
        if (gap <= APP_NG_MAX_GAP) {
            long expected = lround((double)gap / g->interval_ticks);
            if (expected > 1) {
                AppNgSample lost = {
                    .arrival_us = g->last_arrival_us,
                    .end_us = arrival_us,
                    .tick = g->last_tick,
                    .missing = (uint16_t)(expected - 1),
                    .kind = APP_NG_LOST,
                };
                g->lost += (uint64_t)(expected - 1);
                push(g, &lost);
            }
        } else {
            g->synced = false; /* a resync: start the lateness reference again */
        }
    }
    float late_ms = (float)(late_ticks * 1000.0 / PROTO_TICK_HZ);
    bool late = late_ticks > g->interval_ticks;
    AppNgSample s = {
        .arrival_us = arrival_us,
        .end_us = arrival_us,
        .tick = tick,
        .bytes = bytes,
        .kind = (uint8_t)(late   ? APP_NG_LATE
                          : full ? APP_NG_FULL
                                 : APP_NG_DELTA),
        .late_ms = late_ms,
    };
    push(g, &s);
    g->received++;
    g->late += late;
    g->last_tick = tick;
    g->last_arrival_us = arrival_us;
}

void app_ng_dropped(AppNetGraph *g, uint32_t bytes, uint64_t arrival_us)
{
    AppNgSample s = {
        .arrival_us = arrival_us,
        .end_us = arrival_us,
        .bytes = bytes,
        .kind = APP_NG_DROPPED,
    };
    push(g, &s);
    g->dropped++;
}

void app_ng_traffic(AppNetGraph *g, uint64_t now_us, uint64_t bytes_down, uint64_t bytes_up)
{
    if (g->t_count > 0) {
        const AppNgTraffic *last = &g->traffic[(g->t_head + APP_NG_TRAFFIC - 1) % APP_NG_TRAFFIC];
        if (now_us < last->time_us + APP_NG_TRAFFIC_US)
            return;
    }
    g->traffic[g->t_head] = (AppNgTraffic){now_us, bytes_down, bytes_up};
    g->t_head = (g->t_head + 1) % APP_NG_TRAFFIC;
    if (g->t_count < APP_NG_TRAFFIC)
        g->t_count++;
}

/* Record i counted from the oldest held. */
static const AppNgSample *sample_at(const AppNetGraph *g, unsigned i)
{
    return &g->samples[(g->head + APP_NG_SAMPLES - g->count + i) % APP_NG_SAMPLES];
}

static bool in_window(const AppNgSample *s, uint64_t now_us, uint64_t window_us)
{
    uint64_t t = s->kind == APP_NG_LOST ? s->end_us : s->arrival_us;
    return t <= now_us && now_us - t <= window_us;
}

unsigned app_ng_window(const AppNetGraph *g, uint64_t now_us, uint64_t window_us, AppNgSample *out,
                       unsigned cap)
{
    unsigned n = 0;
    for (unsigned i = 0; i < g->count && n < cap; i++) {
        const AppNgSample *s = sample_at(g, i);
        if (in_window(s, now_us, window_us))
            out[n++] = *s;
    }
    return n;
}

double app_ng_loss_percent(const AppNetGraph *g, uint64_t now_us, uint64_t window_us)
{
    uint64_t got = 0, missing = 0;
    for (unsigned i = 0; i < g->count; i++) {
        const AppNgSample *s = sample_at(g, i);
        if (!in_window(s, now_us, window_us))
            continue;
        if (s->kind == APP_NG_LOST)
            missing += s->missing;
        else if (s->kind != APP_NG_DROPPED)
            got++;
    }
    if (got + missing == 0)
        return 0.0;
    return 100.0 * (double)missing / (double)(got + missing);
}

double app_ng_rate_hz(const AppNetGraph *g, uint64_t now_us, uint64_t window_us)
{
    if (window_us == 0)
        return 0.0;
    uint64_t got = 0;
    for (unsigned i = 0; i < g->count; i++) {
        const AppNgSample *s = sample_at(g, i);
        if (s->kind != APP_NG_LOST && s->kind != APP_NG_DROPPED && in_window(s, now_us, window_us))
            got++;
    }
    return (double)got * 1e6 / (double)window_us;
}

bool app_ng_kbits(const AppNetGraph *g, uint64_t window_us, double *in_kbit, double *out_kbit)
{
    *in_kbit = *out_kbit = 0.0;
    if (g->t_count < 2)
        return false;
    const AppNgTraffic *newest = &g->traffic[(g->t_head + APP_NG_TRAFFIC - 1) % APP_NG_TRAFFIC];
    /* The newest sample at least window_us older than the newest, else the oldest held. */
    const AppNgTraffic *from = NULL;
    for (unsigned i = 1; i < g->t_count; i++) {
        const AppNgTraffic *t = &g->traffic[(g->t_head + APP_NG_TRAFFIC - 1 - i) % APP_NG_TRAFFIC];
        from = t;
        if (newest->time_us - t->time_us >= window_us)
            break;
    }
    if (from == NULL || newest->time_us <= from->time_us)
        return false;
    double secs = (double)(newest->time_us - from->time_us) / 1e6;
    *in_kbit = (double)(newest->down - from->down) * 8.0 / 1000.0 / secs;
    *out_kbit = (double)(newest->up - from->up) * 8.0 / 1000.0 / secs;
    return true;
}
