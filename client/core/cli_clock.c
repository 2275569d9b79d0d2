/* cli_clock.c — see cli_clock.h. All arithmetic in ticks (1/60 s) as doubles: exact enough for
 * years of microseconds, and never on the wire. */
#include "cli_clock.h"

#include <math.h>
#include <string.h>

#include "protocol.h"

/* Offset filter: samples above the estimate are trusted fast (a packet can only be late,
 * never early), samples below slowly (one late packet should not pull the clock back). */
#define OFFSET_UP   0.25
#define OFFSET_DOWN 0.05

static double local_ticks(uint64_t us)
{
    return (double)us * (PROTO_TICK_HZ / 1e6);
}

static double rtt_ticks(double rtt_ms)
{
    if (!(rtt_ms > 0.0))
        return 0.0;
    return rtt_ms * (PROTO_TICK_HZ / 1000.0);
}

void cli_clock_init(CliClock *c)
{
    memset(c, 0, sizeof *c);
    c->rate = 1.0;
    c->batch = 1;
    for (unsigned i = 0; i < CLI_CLOCK_RTT_WINDOW_S; i++)
        c->rtt_min[i] = -1.0;
}

void cli_clock_set_batch(CliClock *c, unsigned ticks)
{
    c->batch = ticks > 0 ? ticks : 1;
}

void cli_clock_init_cautious(CliClock *c)
{
    cli_clock_init(c);
    c->jitter = CLI_CLOCK_JITTER_START;
}

void cli_clock_rtt_sample(CliClock *c, uint64_t now_us, double rtt_ms)
{
    if (!(rtt_ms > 0.0))
        return;
    uint64_t sec = now_us / 1000000u;
    if (sec > c->rtt_second) {
        /* Seconds with no sample since the last one hold nothing any more. */
        uint64_t gap = sec - c->rtt_second;
        for (uint64_t k = 1; k <= gap && k <= CLI_CLOCK_RTT_WINDOW_S; k++)
            c->rtt_min[(c->rtt_second + k) % CLI_CLOCK_RTT_WINDOW_S] = -1.0;
        c->rtt_second = sec;
    }
    double *slot = &c->rtt_min[c->rtt_second % CLI_CLOCK_RTT_WINDOW_S];
    if (*slot < 0.0 || rtt_ms < *slot)
        *slot = rtt_ms;
}

double cli_clock_rtt_ms(const CliClock *c)
{
    double best = -1.0;
    for (unsigned i = 0; i < CLI_CLOCK_RTT_WINDOW_S; i++)
        if (c->rtt_min[i] >= 0.0 && (best < 0.0 || c->rtt_min[i] < best))
            best = c->rtt_min[i];
    return best < 0.0 ? 0.0 : best;
}

void cli_clock_observe(CliClock *c, uint32_t server_tick, uint64_t arrival_us, double rtt_ms)
{
    /* The message left right after server_tick and travelled about RTT/2. */
    double sample = (double)server_tick + rtt_ticks(rtt_ms) / 2.0 - local_ticks(arrival_us);
    if (!c->synced) {
        c->offset = sample;
        c->synced = true;
        return;
    }
    double d = sample - c->offset;
    if (d < -CLI_CLOCK_RESYNC_TICKS) {
        /* Far behind: stale messages (we were paused and read a queue of them at once) unless
         * it lasts. Only samples that keep saying so for CLI_CLOCK_BEHIND_US move us back. */
        if (!c->behind) {
            c->behind = true;
            c->behind_since_us = arrival_us;
        } else if (arrival_us - c->behind_since_us >= CLI_CLOCK_BEHIND_US) {
            c->offset = sample;
            c->behind = false;
            c->resyncs++;
        }
        return;
    }
    c->behind = false;
    if (d > CLI_CLOCK_RESYNC_TICKS) {
        c->offset = sample; /* far ahead: only a server that moved on while we did not */
        c->resyncs++;
        return;
    }
    if (c->running && arrival_us > c->last_us + CLI_CLOCK_PAUSE_US) {
        /* We have not run for a while (paused, swapped out): this message may have waited in
         * our own queue. Its lateness says nothing about the network. */
        if (d > 0)
            c->offset += d * OFFSET_UP;
        return;
    }
    double late = d < 0 ? -d : 0.0;
    c->jitter += (late - c->jitter) * CLI_CLOCK_JITTER_GAIN;
    c->offset += d * (d > 0 ? OFFSET_UP : OFFSET_DOWN);
}

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

void cli_clock_loss_observe(CliClock *c, uint32_t prev, uint32_t tick)
{
    if (prev == 0 || tick <= prev)
        return;
    uint32_t gap = tick - prev;
    if (c->snap_period == 0 || gap < c->snap_period)
        c->snap_period = gap;
    uint32_t expected = gap / c->snap_period; /* 1: none lost */
    if (expected > CLI_CLOCK_LOSS_GAP_MAX)
        return;
    for (uint32_t i = 0; i < expected; i++) {
        double lost = i + 1 < expected ? 1.0 : 0.0; /* the last one is the one that came */
        c->loss += (lost - c->loss) / CLI_CLOCK_LOSS_WINDOW;
    }
}

double cli_clock_loss_margin_ticks(const CliClock *c)
{
    if (c->loss <= 0.0)
        return CLI_CLOCK_MARGIN_MIN_TICKS;
    double p = c->loss < CLI_CLOCK_LOSS_MAX ? c->loss : CLI_CLOCK_LOSS_MAX;
    /* INPUTs that must carry a tick before its deadline; they go out batch ticks apart, and
     * the first carries it with the lead this margin measures. */
    double inputs = ceil(log(CLI_CLOCK_LOSS_TARGET) / log(p));
    return clampd((inputs - 1.0) * c->batch + 1.0, CLI_CLOCK_MARGIN_MIN_TICKS,
                  CLI_CLOCK_MARGIN_MAX_TICKS);
}

double cli_clock_jitter_margin_ticks(const CliClock *c)
{
    double jitter = clampd(CLI_CLOCK_MARGIN_MIN_TICKS + CLI_CLOCK_JITTER_FACTOR * c->jitter,
                           CLI_CLOCK_MARGIN_MIN_TICKS, CLI_CLOCK_MARGIN_MAX_TICKS);
    double loss = cli_clock_loss_margin_ticks(c);
    return jitter > loss ? jitter : loss;
}

double cli_clock_margin_ticks(const CliClock *c)
{
    double m = cli_clock_jitter_margin_ticks(c) + c->trim + (double)(c->batch - 1);
    return m < CLI_CLOCK_MARGIN_CAP_TICKS ? m : CLI_CLOCK_MARGIN_CAP_TICKS;
}

void cli_clock_feedback(CliClock *c, bool has_lead, int lead_eighths, unsigned late)
{
    c->late_total += late;
    double step = 0.0;
    if (has_lead) {
        /* The report is the lead of an INPUT's newest tick; its oldest is batch - 1 sooner. */
        double lead = (double)lead_eighths / 8.0 - (double)(c->batch - 1);
        double high = cli_clock_jitter_margin_ticks(c) + CLI_CLOCK_BUFFER_SLACK_TICKS;
        c->lead_known = true;
        c->server_lead = (double)lead_eighths / 8.0;
        /* Lossy: each INPUT that reaches the server before a tick carries its input, so the
         * lead measured there must cover what the loss margin asks for; whatever our own
         * estimate of the server's tick gets wrong (a late read of each snapshot makes it
         * lag), the trim makes up. */
        double low = cli_clock_loss_margin_ticks(c) - 1.5;
        if (low < CLI_CLOCK_BUFFER_LOW_TICKS)
            low = CLI_CLOCK_BUFFER_LOW_TICKS;
        if (lead < low)
            step = (low - lead) * CLI_CLOCK_TRIM_GAIN;
        else if (lead > high && c->ahead < 1.0)
            /* Early by a lot, and not because our clock is still slowing down to a lower
             * target (a narrowing margin): that excess is already on its way out, and
             * trimming it too would leave the lead short once the clock gets there. */
            step = (high - lead) * CLI_CLOCK_TRIM_GAIN;
    }
    /* Inputs repeated at the server while others arrive: as fast as allowed. With none
     * arriving at all (we were paused, or the path is down) running faster would not help. */
    if (late > 0 && has_lead)
        step = CLI_CLOCK_TRIM_STEP;
    step = clampd(step, -CLI_CLOCK_TRIM_STEP, CLI_CLOCK_TRIM_STEP);
    c->trim = clampd(c->trim + step, -CLI_CLOCK_TRIM_MAX, CLI_CLOCK_TRIM_MAX);
}

double cli_clock_server_tick(const CliClock *c, uint64_t now_us)
{
    return local_ticks(now_us) + c->offset;
}

double cli_clock_target(const CliClock *c, uint64_t now_us, double rtt_ms)
{
    /* Never behind the server: a negative trim can only cancel an RTT that overstates. */
    double lead = rtt_ticks(rtt_ms) / 2.0 + cli_clock_margin_ticks(c);
    return cli_clock_server_tick(c, now_us) + (lead > 0.0 ? lead : 0.0);
}

unsigned cli_clock_advance(CliClock *c, uint64_t now_us, double rtt_ms, uint32_t *first)
{
    *first = 0;
    if (!c->synced)
        return 0;
    double target = cli_clock_target(c, now_us, rtt_ms);
    if (!c->running) {
        c->running = true;
        c->tick = target;
        c->last_us = now_us;
        c->rate = 1.0;
        double t = floor(target);
        if (t < 1.0)
            return 0;
        c->last_tick = (uint32_t)t;
        *first = c->last_tick;
        return 1;
    }
    double dt = now_us > c->last_us ? local_ticks(now_us - c->last_us) : 0.0;
    c->last_us = now_us;
    double err = target - (c->tick + dt); /* where real time alone would put us */
    if (fabs(err) > CLI_CLOCK_RESYNC_TICKS) {
        /* Far off (a stall, a server hiccup): jump. Backwards means no new ticks until the
         * clock passes last_tick again; a tick is never handed out twice. */
        c->tick = target;
        c->rate = 1.0;
        c->resyncs++;
    } else {
        double skew = err * CLI_CLOCK_GAIN;
        if (skew > CLI_CLOCK_MAX_SKEW)
            skew = CLI_CLOCK_MAX_SKEW;
        if (skew < -CLI_CLOCK_MAX_SKEW)
            skew = -CLI_CLOCK_MAX_SKEW;
        c->rate = 1.0 + skew;
        c->tick += dt * c->rate;
    }
    c->ahead = c->tick - target;
    double newest_d = floor(c->tick);
    if (newest_d <= (double)c->last_tick)
        return 0;
    if (newest_d > 4294967295.0)
        newest_d = 4294967295.0;
    uint32_t newest = (uint32_t)newest_d;
    uint32_t n = newest - c->last_tick;
    uint32_t start = c->last_tick + 1;
    if (n > CLI_CLOCK_MAX_BURST) {
        c->skipped += n - CLI_CLOCK_MAX_BURST;
        start = newest - CLI_CLOCK_MAX_BURST + 1;
        n = CLI_CLOCK_MAX_BURST;
    }
    c->last_tick = newest;
    *first = start;
    return n;
}

uint64_t cli_clock_next_due_us(const CliClock *c)
{
    if (!c->running)
        return c->last_us;
    double left = floor(c->tick) + 1.0 - c->tick; /* ticks of client time */
    double rate = c->rate > 0.5 ? c->rate : 0.5;
    double us = left / rate * (1e6 / PROTO_TICK_HZ);
    return c->last_us + (uint64_t)ceil(us);
}
