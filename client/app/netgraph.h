/* netgraph.h — the data behind the HUD's network numbers and the net graph.
 *
 * Owns a ring of recent snapshot arrivals (tick, size, arrival time, lateness) with lost
 * snapshots (gaps in the tick sequence) and late ones marked, and a ring of traffic counter
 * samples from which kbit/s in and out are computed. Like Source's net_graph or Quake's
 * lagometer, but only data: hud.c draws it. Pure logic: no SDL, no sockets; times are passed
 * in (microseconds, any monotonic origin).
 *
 * Lateness: each arrival gives offset = tick - arrival (in ticks, 1/60 s). The earliest
 * arrivals carry the truth (a datagram can be late, never early), so the reference offset
 * follows the highest samples at once and drifts down slowly (APP_NG_DRIFT ticks per
 * snapshot) to follow clock drift. Lateness = reference - sample. A snapshot is late when
 * its lateness exceeds one snapshot interval: it arrived after the next one was due. */
#ifndef ARENA_APP_NETGRAPH_H
#define ARENA_APP_NETGRAPH_H

#include <stdbool.h>
#include <stdint.h>

#define APP_NG_DRIFT 0.01 /* ticks per snapshot the lateness reference may sink */

enum {
    APP_NG_SAMPLES = 512,      /* snapshot records kept (about 17 s at 30 Hz) */
    APP_NG_TRAFFIC = 128,      /* traffic samples kept */
    APP_NG_TRAFFIC_US = 50000, /* at most one traffic sample per 50 ms */
    APP_NG_MAX_GAP = 600,      /* a gap longer than this (ticks) is a resync, not a loss */
};

typedef enum AppNgKind {
    APP_NG_DELTA = 0, /* a delta snapshot that arrived on time */
    APP_NG_FULL,      /* a full snapshot (no baseline) on time */
    APP_NG_LATE,      /* arrived more than one snapshot interval late */
    APP_NG_LOST,      /* a gap: `missing` snapshots never arrived before this point */
    APP_NG_DROPPED,   /* arrived but was stale or failed to decode */
} AppNgKind;

typedef struct AppNgSample {
    uint64_t arrival_us; /* LOST: the arrival of the snapshot before the gap */
    uint64_t end_us;     /* LOST: the arrival of the snapshot after the gap; else = arrival */
    uint32_t tick;       /* LOST: the last tick received before the gap */
    uint32_t bytes;      /* message size; 0 for LOST */
    uint16_t missing;    /* LOST: snapshots missing in the gap */
    uint8_t kind;        /* AppNgKind */
    float late_ms;       /* lateness behind the earliest arrivals, ms (>= 0) */
} AppNgSample;

typedef struct AppNgTraffic {
    uint64_t time_us;
    uint64_t down, up; /* cumulative bytes */
} AppNgTraffic;

typedef struct AppNetGraph {
    double interval_ticks; /* expected ticks between snapshots: 60 / snapshot rate */
    AppNgSample samples[APP_NG_SAMPLES];
    unsigned head, count; /* ring: next write slot, records held */
    uint32_t last_tick;   /* newest snapshot tick received; 0 = none */
    uint64_t last_arrival_us;
    bool synced;
    double ref_offset; /* lateness reference, ticks */
    AppNgTraffic traffic[APP_NG_TRAFFIC];
    unsigned t_head, t_count;
    uint64_t received, lost, late, dropped; /* totals since init */
} AppNetGraph;

/* snapshot_hz: the server's snapshot rate (WELCOME); 0 means the default 30 Hz. */
void app_ng_init(AppNetGraph *g, unsigned snapshot_hz);
/* A decoded snapshot of `tick` (full = no baseline) of `bytes` arrived at arrival_us. A tick
 * not newer than the newest is recorded as DROPPED. */
void app_ng_snapshot(AppNetGraph *g, uint32_t tick, uint32_t bytes, bool full, uint64_t arrival_us);
/* A snapshot message that arrived but could not be used (stale, undecodable). */
void app_ng_dropped(AppNetGraph *g, uint32_t bytes, uint64_t arrival_us);
/* Cumulative byte counters (raw UDP payload) at now_us; sampled at most every
 * APP_NG_TRAFFIC_US. */
void app_ng_traffic(AppNetGraph *g, uint64_t now_us, uint64_t bytes_down, uint64_t bytes_up);

/* Records that arrived within [now - window, now], oldest first; returns how many. */
unsigned app_ng_window(const AppNetGraph *g, uint64_t now_us, uint64_t window_us, AppNgSample *out,
                       unsigned cap);
/* Percentage of snapshots missing among those expected within the window (0..100). */
double app_ng_loss_percent(const AppNetGraph *g, uint64_t now_us, uint64_t window_us);
/* Snapshots received per second over the window. */
double app_ng_rate_hz(const AppNetGraph *g, uint64_t now_us, uint64_t window_us);
/* kbit/s (1000 bits) in and out over about the last window_us. False before two samples. */
bool app_ng_kbits(const AppNetGraph *g, uint64_t window_us, double *in_kbit, double *out_kbit);
/* Snapshot interval in ms. */
double app_ng_interval_ms(const AppNetGraph *g);

#endif
