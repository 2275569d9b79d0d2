/* cli_clock.h — the client's tick clock: which server tick an input is meant for.
 *
 * Owns the estimate of the server's current tick (from snapshot and WELCOME ticks, their
 * arrival times and the RTT) and the client tick, which runs ahead of the server by RTT/2 plus
 * a margin so that an input tagged with tick t arrives before the server simulates t. The
 * client tick is steered by running up to CLI_CLOCK_MAX_SKEW faster or slower than real time;
 * it jumps only when the estimate moved more than CLI_CLOCK_RESYNC_TICKS. It never hands out
 * the same tick twice. Pure logic: the caller passes every time (microseconds, any monotonic
 * origin) and the RTT.
 *
 * The RTT the clock uses is the lowest one seen over the last CLI_CLOCK_RTT_WINDOW_S seconds
 * (cli_clock_rtt_sample / cli_clock_rtt_ms), not ENet's smoothed estimate itself: after a
 * stall of the server or the network ENet's estimate stays inflated by the stall for seconds,
 * and RTT/2 of that, twice (in the server tick estimate and in the lead), would put the client
 * a second ahead of the server and its inputs beyond what the server accepts. A lasting rise
 * of the path's delay is adopted once it has lasted the whole window. */
#ifndef ARENA_CLI_CLOCK_H
#define ARENA_CLI_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define CLI_CLOCK_MARGIN_TICKS 2.0  /* lead beyond RTT/2, ticks */
#define CLI_CLOCK_MAX_SKEW     0.10 /* client tick speed stays within 1 +- this */
#define CLI_CLOCK_GAIN         0.05 /* speed change per tick of error (time constant 20 ticks) */
#define CLI_CLOCK_RESYNC_TICKS 30.0

enum {
    CLI_CLOCK_MAX_BURST = 15,    /* most ticks handed out by one advance after a stall */
    CLI_CLOCK_RTT_WINDOW_S = 10, /* the RTT used is the lowest over this many seconds */
};

typedef struct CliClock {
    bool synced;        /* has a server tick estimate */
    bool running;       /* the client tick has started */
    double offset;      /* estimated server tick minus local ticks (now_us * 60 / 1e6) */
    double tick;        /* client tick position, fractional */
    double rate;        /* current client tick speed, 1 = real time */
    uint32_t last_tick; /* newest tick handed out; 0 = none yet */
    uint64_t last_us;   /* time of the last advance */
    uint32_t resyncs;   /* jumps of the estimate or the client tick */
    uint32_t skipped;   /* ticks never handed out (stalls, forward jumps) */
    /* Lowest RTT sample per second, the last CLI_CLOCK_RTT_WINDOW_S seconds (ms; < 0: none). */
    double rtt_min[CLI_CLOCK_RTT_WINDOW_S];
    uint64_t rtt_second; /* the second (now_us / 1e6) of the newest sample */
} CliClock;

void cli_clock_init(CliClock *c);
/* Server tick `server_tick` was current when a message that left the server right after that
 * tick arrived at arrival_us. rtt_ms: the current round-trip time. */
void cli_clock_observe(CliClock *c, uint32_t server_tick, uint64_t arrival_us, double rtt_ms);
/* Estimated server tick at now_us (fractional; integer part = newest tick simulated). */
double cli_clock_server_tick(const CliClock *c, uint64_t now_us);
/* Where the client tick should be at now_us: server tick + RTT/2 + CLI_CLOCK_MARGIN_TICKS. */
double cli_clock_target(const CliClock *c, uint64_t now_us, double rtt_ms);
/* Moves the client tick to now_us. Returns how many new ticks are due (0..CLI_CLOCK_MAX_BURST)
 * and the first of them in *first; they are consecutive and each is handed out once. The very
 * first call after sync hands out one tick. */
unsigned cli_clock_advance(CliClock *c, uint64_t now_us, double rtt_ms, uint32_t *first);
/* Records an RTT sample (ms, e.g. ENet's estimate) taken at now_us. */
void cli_clock_rtt_sample(CliClock *c, uint64_t now_us, double rtt_ms);
/* The lowest RTT sampled in the window (0 before any sample): what to pass as rtt_ms. */
double cli_clock_rtt_ms(const CliClock *c);
/* When the next tick falls due (valid after an advance). */
uint64_t cli_clock_next_due_us(const CliClock *c);

#endif
