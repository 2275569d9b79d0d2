/* stats.h — the server's counters: tick time histogram, traffic, peaks; the --stats-json file.
 *
 * Owns what operators and the benchmark read. Updating a counter never allocates. */
#ifndef ARENA_SRV_STATS_H
#define ARENA_SRV_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drops.h"
#include "enet_guard.h"

enum { STATS_HIST_US = 16384 }; /* 1 us buckets; longer ticks land in the last one */

typedef struct StatsHist {
    uint32_t bucket[STATS_HIST_US];
    uint64_t count;
    uint64_t sum_us; /* of every sample (the histogram's _sum) */
    uint32_t max;
} StatsHist;

typedef struct SrvStats {
    uint64_t ticks;
    uint64_t wakeups;        /* returns from the loop's wait (epoll_wait) */
    uint64_t epoll_changes;  /* epoll_ctl calls: sockets registered, changed, removed */
    uint64_t epoll_failures; /* ... that the kernel refused (the socket was closed) */
    uint64_t run_us;         /* how long the loop ran, monotonic microseconds */
    uint64_t overruns;       /* ticks that took longer than the tick period */
    /* ... counting only the CPU time the loop's thread spent in them: an overrun that is not
     * one of these was time the server was not running (another process had the core). */
    uint64_t overruns_cpu;
    StatsHist tick_cpu_us; /* CPU time per tick, whole run */
    StatsHist tick_us;     /* whole run */
    StatsHist window_us;   /* since the last status line */
    unsigned players_peak;
    uint64_t bytes_out, packets_out; /* UDP datagrams and bytes sent by ENet */
    uint64_t bytes_in, packets_in;
    uint64_t udp_kernel_drops; /* datagrams the kernel dropped: the game socket's buffer was full */
    unsigned udp_rcvbuf_bytes; /* the buffer the kernel granted (SO_RCVBUF read back) */
    uint64_t kernel_drops_read_ms; /* when udp_kernel_drops was last read */
    bool udp_batched; /* the game socket's datagrams go through recvmmsg/sendmmsg (enet_batch.h) */
    uint64_t udp_rx_calls, udp_rx_batched; /* recvmmsg calls, the datagrams they read for ENet */
    uint64_t udp_tx_calls, udp_tx_batched; /* sendmmsg calls, the datagrams they sent */
    uint64_t udp_tx_dropped;               /* queued datagrams the kernel refused to send */
    uint64_t window_bytes_out;
    uint32_t max_snapshot_wire_bytes; /* largest snapshot payload plus the ENet framing it needs */
    uint64_t snapshots_sent, snapshot_bytes, full_snapshots;
    uint64_t full_snapshots_lost_baseline; /* full ones to a client that had acknowledged one: its
                                       baseline was lost (a long burst, or the pool ran out) */
    uint64_t entities_omitted;             /* left out of snapshots for the budget */
    uint64_t snapshots_deferred;           /* due on a tick past its deadline: sent later */
    /* Changed entities whose body came from the encoder's memo, and those it worked out. */
    uint64_t memo_hits, memo_misses;
    uint64_t views_picked, views_kept;  /* areas of interest picked, kept (interest.h) */
    uint64_t inputs_late, inputs_early; /* inputs for past ticks / too far ahead, dropped */
    uint64_t inputs_direct;   /* INPUT messages the gate took itself (ENet never saw them) */
    uint64_t inputs_missing;  /* ticks where a player's input had not arrived (repeated last) */
    uint64_t lagcomp_clamped; /* INPUTs whose view lag was over lagcomp_max_ms (cut to it) */
    uint64_t bind_failures;
    uint64_t udp_flood_polls; /* times a flood switched the game socket to polling */
    uint64_t udp_polled_ms;   /* time it stayed polled (whole windows) */
    uint64_t events_sent;     /* EVENTs queued for a client, one per recipient */
    uint64_t events_messages; /* EVENTS messages (reliable) that carried them */
    uint64_t events_unseen;   /* HIT/KILL not sent to a client that saw neither player */
    /* Of events_sent, HIT/KILL sent unreliably to onlookers, and the messages that carried them. */
    uint64_t events_onlooker, events_onlooker_messages;
    uint64_t tcp_accepted, tcp_rejected, tcp_bad_lines, tcp_slow_dropped, tcp_flood_dropped;
    uint64_t chat_lines;
    uint64_t chat_room_busy; /* SAY/ME refused: the room's chat_room_rate was spent */
    uint64_t disc_queries, disc_answered, disc_dropped;
    uint64_t enet_allocs_in_tick;  /* ENet/packet allocations during ticks after warm-up */
    uint64_t stalls;               /* times the loop found more than a burst of ticks due */
    uint64_t ticks_fast_forwarded; /* ticks simulated without snapshots to catch up */
    uint64_t ticks_skipped;        /* ticks not simulated (a stall beyond the catch-up cap) */
    EnetGuardStats enet_guard;     /* ENet throttle releases, snapshots it destroyed unsent */
    DropLog drops;                 /* counted drops and refusals, by kind (drops.h) */
} SrvStats;

void stats_hist_add(StatsHist *h, uint32_t us);
void stats_hist_reset(StatsHist *h);
/* Smallest value v such that at least p (0..1) of the samples are <= v. */
uint32_t stats_hist_percentile(const StatsHist *h, double p);
/* Peak resident set size of this process, kB (getrusage). */
long stats_rss_peak_kb(void);
/* Resident set size now, kB (/proc/self/statm); -1 if unknown. */
long stats_rss_now_kb(void);
/* The statistics as one JSON object (no newlines inside) into out; returns its length, or 0
 * if it does not fit. */
size_t stats_json(const SrvStats *s, char *out, size_t cap);
bool stats_write_json(const SrvStats *s, const char *path, char *err, size_t errlen);

#endif
