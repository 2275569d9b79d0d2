/* lagwarn.c — see lagwarn.h. */
#include "lagwarn.h"

#include <stdio.h>
#include <string.h>

void app_lag_init(AppLagWarn *w)
{
    memset(w, 0, sizeof *w);
}

static unsigned flag_index(unsigned flag)
{
    unsigned i = 0;
    while ((1u << i) != flag)
        i++;
    return i;
}

/* Turns `flag` on when `on`, off when `off` (and it has been on APP_LAG_HOLD_US). */
static void hysteresis(AppLagWarn *w, unsigned flag, bool on, bool off, uint64_t now_us)
{
    unsigned i = flag_index(flag);
    if (!(w->active & flag)) {
        if (on) {
            w->active |= flag;
            w->on_since[i] = now_us;
        }
    } else if (off && now_us - w->on_since[i] >= APP_LAG_HOLD_US) {
        w->active &= ~flag;
    }
}

/* Late inputs counted per second of time: on at APP_LAG_LATE_ON in one, off after one with 0. */
static void late_inputs(AppLagWarn *w, const AppLagInput *in)
{
    if (in->now_us - w->late_second_us >= 1000000u) {
        w->late_last = in->inputs_late - w->late_mark;
        w->late_mark = in->inputs_late;
        w->late_second_us = in->now_us;
    }
    unsigned now_count = in->inputs_late - w->late_mark;
    bool on = now_count >= APP_LAG_LATE_ON || w->late_last >= APP_LAG_LATE_ON;
    hysteresis(w, APP_LAG_LATE, on, w->late_last == 0 && now_count == 0, in->now_us);
}

unsigned app_lag_update(AppLagWarn *w, const AppLagInput *in)
{
    if (!w->started) {
        /* What happened before the first update (joining) is not news. */
        w->started = true;
        w->resyncs_seen = in->resyncs;
        w->late_mark = in->inputs_late;
        w->late_second_us = in->now_us;
    }
    w->stall_ms = in->last_snapshot_us != 0 && in->now_us > in->last_snapshot_us
                      ? (double)(in->now_us - in->last_snapshot_us) / 1000.0
                      : 0.0;
    w->loss_percent = in->loss_percent;
    w->rtt_ms = in->rtt_ms;
    /* A stall is shown the moment it is one and gone the moment snapshots flow again. */
    if (w->stall_ms > APP_LAG_STALL_MS)
        w->active |= APP_LAG_STALL;
    else
        w->active &= ~(unsigned)APP_LAG_STALL;
    hysteresis(w, APP_LAG_LOSS, in->loss_percent >= APP_LAG_LOSS_ON,
               in->loss_percent < APP_LAG_LOSS_OFF, in->now_us);
    hysteresis(w, APP_LAG_LATENCY, in->rtt_ms >= APP_LAG_RTT_ON, in->rtt_ms < APP_LAG_RTT_OFF,
               in->now_us);
    if (in->resyncs != w->resyncs_seen) {
        w->resyncs_seen = in->resyncs;
        w->resync_until_us = in->now_us + APP_LAG_RESYNC_US;
    }
    hysteresis(w, APP_LAG_RESYNC, in->now_us < w->resync_until_us, in->now_us >= w->resync_until_us,
               in->now_us);
    late_inputs(w, in);
    return w->active;
}

unsigned app_lag_lines(const AppLagWarn *w, char (*lines)[APP_LAG_LINE_MAX], unsigned cap)
{
    unsigned n = 0;
    if ((w->active & APP_LAG_STALL) && n < cap)
        snprintf(lines[n++], APP_LAG_LINE_MAX, "CONNECTION PROBLEM %.1f s", w->stall_ms / 1000.0);
    if ((w->active & APP_LAG_LOSS) && n < cap)
        snprintf(lines[n++], APP_LAG_LINE_MAX, "high packet loss %.0f %%", w->loss_percent);
    if ((w->active & APP_LAG_LATENCY) && n < cap)
        snprintf(lines[n++], APP_LAG_LINE_MAX, "high latency %.0f ms", w->rtt_ms);
    if ((w->active & APP_LAG_LATE) && n < cap)
        snprintf(lines[n++], APP_LAG_LINE_MAX, "inputs arriving late");
    if ((w->active & APP_LAG_RESYNC) && n < cap)
        snprintf(lines[n++], APP_LAG_LINE_MAX, "clock resync");
    return n;
}
