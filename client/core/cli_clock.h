/* cli_clock.h — the client's tick clock: which server tick an input is meant for.
 *
 * Owns the estimate of the server's current tick (from snapshot and WELCOME ticks, their
 * arrival times and the RTT) and the client tick, which runs ahead of the server by RTT/2 plus
 * a margin so that an input tagged with tick t arrives before the server simulates t. The
 * margin adapts: it follows the measured lateness of arrivals (the jitter: 2 ticks plus twice
 * it, within [CLI_CLOCK_MARGIN_MIN_TICKS, CLI_CLOCK_MARGIN_MAX_TICKS]), plus a trim that the
 * server's own measurement steers (SNAPSHOT's input timing, cli_clock_feedback): when the
 * server says the least lead of our inputs fell below CLI_CLOCK_BUFFER_LOW_TICKS or some came
 * late, the trim grows and the clock runs fast until the buffer is back; when inputs wait more
 * than CLI_CLOCK_BUFFER_SLACK_TICKS beyond the jitter margin, it shrinks (input lag for
 * nothing). The trim moves at most CLI_CLOCK_TRIM_STEP ticks per report, so it never outruns
 * the clock it steers (the Overwatch approach: dilate the clock, don't drop the inputs). The
 * client tick is steered by running up to CLI_CLOCK_MAX_SKEW faster or slower than real time;
 * it jumps only when the estimate moved more than CLI_CLOCK_RESYNC_TICKS (backwards only when
 * that lasted CLI_CLOCK_BEHIND_US: a message can be late, never early). It never hands out
 * the same tick twice. Pure logic: the caller passes every time (microseconds, any monotonic
 * origin) and the RTT.
 *
 * The RTT the clock uses is the lowest one seen over the last CLI_CLOCK_RTT_WINDOW_S seconds
 * (cli_clock_rtt_sample / cli_clock_rtt_ms), not ENet's smoothed estimate itself: after a
 * stall of the server or the network ENet's estimate stays inflated by the stall for seconds,
 * and RTT/2 of that, twice (in the server tick estimate and in the lead), would put the client
 * a second ahead of the server and its inputs beyond what the server accepts. A lasting rise
 * of the path's delay is adopted once it has lasted the whole window.
 *
 * Batching (WELCOME's input_hz, cli_clock_set_batch): when an INPUT goes out every `batch`
 * ticks, its oldest new input is batch - 1 ticks older than its newest, so falls due that much
 * sooner. The margins above are the lead of that oldest input: the whole lead adds batch - 1
 * ticks, the server's report (the lead of an INPUT's newest tick) is read batch - 1 ticks
 * lower, and the loss margin counts INPUTs, batch ticks apart. */
#ifndef ARENA_CLI_CLOCK_H
#define ARENA_CLI_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define CLI_CLOCK_MARGIN_MIN_TICKS 2.0        /* lead beyond RTT/2 with no jitter, ticks */
#define CLI_CLOCK_MARGIN_MAX_TICKS 20.0       /* most the jitter adds up to (333 ms) */
#define CLI_CLOCK_JITTER_FACTOR    2.0        /* margin = MIN + this * jitter, ticks */
#define CLI_CLOCK_JITTER_GAIN      (1.0 / 16) /* smoothing of the lateness (RFC 3550) */
/* The jitter assumed before any is measured: the most the margin allows. A new connection
 * starts with the widest lead and narrows it as arrivals show the path is calm (a second or
 * so), instead of losing inputs while it learns that the path is not (the netcode soak
 * profile lost ~10 inputs per bot in the first 2 s starting from a calm 2-tick margin). */
#define CLI_CLOCK_JITTER_START                                                                     \
    ((CLI_CLOCK_MARGIN_MAX_TICKS - CLI_CLOCK_MARGIN_MIN_TICKS) / CLI_CLOCK_JITTER_FACTOR)
/* Loss: each tick of margin is one more INPUT carrying a tick's input before its deadline, so
 * with a share p lost the margin is at least ln(CLI_CLOCK_LOSS_TARGET) / ln(p) ticks (p = 10 %:
 * 5 ticks; at 2 ticks a LAN with 10 % loss lost 1 % of its inputs). Measured on the snapshot
 * stream (the way up is assumed alike), smoothed over about CLI_CLOCK_LOSS_WINDOW snapshots;
 * a gap of more than CLI_CLOCK_LOSS_GAP_MAX periods is a stall, not loss. */
#define CLI_CLOCK_LOSS_TARGET  1e-5
#define CLI_CLOCK_LOSS_WINDOW  64.0
#define CLI_CLOCK_LOSS_GAP_MAX 16u
/* The most loss the margin believes: snapshots are sequenced, so on a reordering path ENet
 * drops the late ones and they look lost (54 % on the netcode profile) while INPUTs, which are
 * not sequenced, still arrive; 25 % asks for 9 ticks. */
#define CLI_CLOCK_LOSS_MAX 0.25
/* Server feedback (SNAPSHOT input timing): least lead wanted / tolerated, ticks. */
#define CLI_CLOCK_BUFFER_LOW_TICKS   0.5
#define CLI_CLOCK_BUFFER_SLACK_TICKS 2.0  /* above margin + this: early by a lot */
#define CLI_CLOCK_TRIM_GAIN          0.1  /* trim change per tick of buffer error, per report */
#define CLI_CLOCK_TRIM_STEP          0.1  /* most the trim moves per report, ticks */
#define CLI_CLOCK_TRIM_MAX           20.0 /* |trim| bound, ticks (< CLI_CLOCK_RESYNC_TICKS) */
/* The whole margin (jitter or loss margin plus trim) never passes this: the server drops
 * inputs more than 64 ticks ahead of its next tick (docs/protocol.md §3.1, inputs_early),
 * and RTT/2 comes on top. */
#define CLI_CLOCK_MARGIN_CAP_TICKS 24.0
#define CLI_CLOCK_MAX_SKEW         0.10 /* client tick speed stays within 1 +- this */
#define CLI_CLOCK_GAIN             0.05 /* speed change per tick of error (time constant 20 ticks) */
#define CLI_CLOCK_RESYNC_TICKS     30.0

enum {
    CLI_CLOCK_MAX_BURST = 15,      /* most ticks handed out by one advance after a stall */
    CLI_CLOCK_RTT_WINDOW_S = 10,   /* the RTT used is the lowest over this many seconds */
    CLI_CLOCK_BEHIND_US = 1000000, /* samples far behind must last this long to move us back */
    CLI_CLOCK_PAUSE_US = 250000,   /* no advance for this long: we were paused */
};

typedef struct CliClock {
    bool synced;              /* has a server tick estimate */
    bool running;             /* the client tick has started */
    double offset;            /* estimated server tick minus local ticks (now_us * 60 / 1e6) */
    double tick;              /* client tick position, fractional */
    double rate;              /* current client tick speed, 1 = real time */
    uint32_t last_tick;       /* newest tick handed out; 0 = none yet */
    uint64_t last_us;         /* time of the last advance */
    uint32_t resyncs;         /* jumps of the estimate or the client tick */
    uint32_t skipped;         /* ticks never handed out (stalls, forward jumps) */
    bool behind;              /* samples far behind the estimate since behind_since_us */
    uint64_t behind_since_us; /* (a queue read after a pause is ignored; a lasting one not) */
    double jitter;            /* smoothed lateness of arrivals against the estimate, ticks */
    double loss;              /* smoothed share of snapshots that never arrived (0..1) */
    uint32_t snap_period;     /* smallest gap between snapshot ticks seen: their period */
    double trim;              /* lead correction from the server's feedback, ticks */
    uint32_t batch;           /* ticks between two INPUTs (1: every tick), >= 1 */
    double ahead;             /* client tick minus its target after the last advance, ticks */
    /* The server's latest report (cli_clock_feedback). */
    bool lead_known;     /* a report with a lead has arrived */
    double server_lead;  /* its least lead of our inputs, ticks */
    uint32_t late_total; /* inputs_late summed over the reports */
    /* Lowest RTT sample per second, the last CLI_CLOCK_RTT_WINDOW_S seconds (ms; < 0: none). */
    double rtt_min[CLI_CLOCK_RTT_WINDOW_S];
    uint64_t rtt_second; /* the second (now_us / 1e6) of the newest sample */
} CliClock;

void cli_clock_init(CliClock *c);
/* A snapshot of tick `tick` arrived after one of tick `prev` (0: the first): the gap tells how
 * many were lost in between. */
void cli_clock_loss_observe(CliClock *c, uint32_t prev, uint32_t tick);
/* An INPUT goes out every `ticks` ticks (0 is taken as 1); see Batching above. */
void cli_clock_set_batch(CliClock *c, unsigned ticks);
/* The margin the measured loss asks for, ticks (CLI_CLOCK_MARGIN_MIN_TICKS with none). */
double cli_clock_loss_margin_ticks(const CliClock *c);
/* A new connection's clock: as cli_clock_init, but assuming CLI_CLOCK_JITTER_START until
 * arrivals measure the path, so it starts with the widest lead and narrows it. */
void cli_clock_init_cautious(CliClock *c);
/* Server tick `server_tick` was current when a message that left the server right after that
 * tick arrived at arrival_us. rtt_ms: the current round-trip time. */
void cli_clock_observe(CliClock *c, uint32_t server_tick, uint64_t arrival_us, double rtt_ms);
/* Estimated server tick at now_us (fractional; integer part = newest tick simulated). */
double cli_clock_server_tick(const CliClock *c, uint64_t now_us);
/* The lead beyond RTT/2 now: the jitter margin plus the trim plus batch - 1, ticks. Negative
 * when the server says an RTT/2 lead is too much already; the whole lead (RTT/2 + this) is
 * never below 0. */
double cli_clock_margin_ticks(const CliClock *c);
/* The jitter margin alone (what the feedback's "early by a lot" is measured against). */
double cli_clock_jitter_margin_ticks(const CliClock *c);
/* The server's report from a SNAPSHOT: has_lead, input_lead (1/8 tick) and inputs_late. */
void cli_clock_feedback(CliClock *c, bool has_lead, int lead_eighths, unsigned late);
/* Where the client tick should be at now_us: server tick + max(0, RTT/2 + the margin). */
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
