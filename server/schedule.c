/* schedule.c — see schedule.h. */
#include "schedule.h"

static uint64_t due_at(const Sched *s, uint64_t n)
{
    return s->start_us + n * 1000000u / PROTO_TICK_HZ;
}

void sched_init(Sched *s, uint64_t now_us)
{
    s->start_us = now_us;
    s->ticks = 0;
}

uint64_t sched_due(const Sched *s, uint64_t now_us)
{
    if (now_us < due_at(s, s->ticks + 1))
        return 0;
    /* ticks n with start + n / 60 s <= now, minus those accounted for */
    uint64_t n = (now_us - s->start_us) * PROTO_TICK_HZ / 1000000u;
    while (due_at(s, n + 1) <= now_us) /* rounding of the division above */
        n++;
    while (n > 0 && due_at(s, n) > now_us)
        n--;
    return n > s->ticks ? n - s->ticks : 0;
}

SchedPlan sched_plan(Sched *s, uint64_t now_us)
{
    SchedPlan p = {0, 0, 0};
    uint64_t due = sched_due(s, now_us);
    if (due <= SCHED_BURST_TICKS) {
        p.run = (uint32_t)due;
    } else {
        uint64_t simulate = due;
        if (simulate > SCHED_MAX_CATCHUP_TICKS) {
            p.skipped = simulate - SCHED_MAX_CATCHUP_TICKS;
            simulate = SCHED_MAX_CATCHUP_TICKS;
        }
        p.fast_forward = (uint32_t)(simulate - 1);
        p.run = 1;
    }
    if (p.skipped > 0) {
        /* Shift the clock so the skipped ticks never fall due: tick n stays due at
         * start + n / 60 s with the new start. */
        s->start_us += p.skipped * 1000000u / PROTO_TICK_HZ;
    }
    s->ticks += p.fast_forward + p.run;
    return p;
}

uint64_t sched_next_due_us(const Sched *s)
{
    return due_at(s, s->ticks + 1);
}

int sched_wait_ms(const Sched *s, uint64_t now_us)
{
    uint64_t next = due_at(s, s->ticks + 1);
    if (now_us >= next)
        return 0;
    uint64_t ms = (next - now_us + 999) / 1000;
    return ms > SCHED_MAX_WAIT_MS ? SCHED_MAX_WAIT_MS : (int)ms;
}

int sched_read_wait_ms(const Sched *s, uint64_t now_us, unsigned reads_per_tick)
{
    int tick_ms = sched_wait_ms(s, now_us);
    if (tick_ms == 0 || reads_per_tick <= 1)
        return tick_ms;
    uint64_t from = due_at(s, s->ticks), to = due_at(s, s->ticks + 1);
    for (unsigned k = 1; k < reads_per_tick; k++) {
        uint64_t slot = from + (to - from) * k / reads_per_tick;
        if (slot > now_us) {
            uint64_t ms = (slot - now_us + 999) / 1000;
            return ms < (uint64_t)tick_ms ? (int)ms : tick_ms;
        }
    }
    return tick_ms;
}
