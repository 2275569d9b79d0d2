/* lagwarn.h — when the HUD warns that the connection is bad, and what it says.
 *
 * Owns the decision, with hysteresis, for each warning (like Source's lagometer warnings):
 * CONNECTION PROBLEM when no snapshot has arrived for APP_LAG_STALL_MS (with a timer), high
 * packet loss (on at APP_LAG_LOSS_ON %, off below APP_LAG_LOSS_OFF %), high latency (on at
 * APP_LAG_RTT_ON ms, off below APP_LAG_RTT_OFF ms), clock resync (for APP_LAG_RESYNC_US after
 * the tick clock or the interpolation jumped) and inputs arriving late at the server (at least
 * APP_LAG_LATE_ON in one second by the server's reports, off after a second with none). A
 * warning that came on stays at least APP_LAG_HOLD_US so it does not flicker. Pure: no SDL;
 * times are passed in (microseconds, any monotonic origin); hud.c draws the lines. */
#ifndef ARENA_APP_LAGWARN_H
#define ARENA_APP_LAGWARN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define APP_LAG_STALL_MS 300.0
#define APP_LAG_LOSS_ON  5.0 /* percent of snapshots over the last 3 s */
#define APP_LAG_LOSS_OFF 2.0
#define APP_LAG_RTT_ON   200.0 /* ms */
#define APP_LAG_RTT_OFF  150.0

enum {
    APP_LAG_HOLD_US = 1000000,   /* a warning shows at least this long */
    APP_LAG_RESYNC_US = 3000000, /* "clock resync" shows this long after a jump */
    APP_LAG_LATE_ON = 3,         /* late inputs in one second that turn the warning on */
    APP_LAG_LINE_MAX = 48,
};

typedef enum AppLagFlag {
    APP_LAG_STALL = 1 << 0,   /* no snapshot for a while */
    APP_LAG_LOSS = 1 << 1,    /* high snapshot loss */
    APP_LAG_LATENCY = 1 << 2, /* high RTT */
    APP_LAG_RESYNC = 1 << 3,  /* a clock jumped */
    APP_LAG_LATE = 1 << 4,    /* the server repeats our inputs: they come late */
    APP_LAG_FLAGS = 5,
} AppLagFlag;

/* What the connection looks like now. */
typedef struct AppLagInput {
    uint64_t now_us;
    uint64_t last_snapshot_us; /* newest decoded snapshot's arrival; 0 = none yet */
    double loss_percent;       /* snapshots missing over the last 3 s */
    double rtt_ms;
    uint32_t resyncs;     /* jumps of the tick clock and the interpolation, cumulative */
    uint32_t inputs_late; /* the server's inputs_late reports, cumulative */
} AppLagInput;

typedef struct AppLagWarn {
    unsigned active;                  /* AppLagFlag bits */
    uint64_t on_since[APP_LAG_FLAGS]; /* when each came on */
    bool started;
    uint32_t resyncs_seen;
    uint64_t resync_until_us;
    uint32_t late_mark;      /* inputs_late at the start of the current second */
    uint64_t late_second_us; /* start of that second */
    unsigned late_last;      /* late inputs in the last complete second */
    /* For the lines: the figures the warnings quote. */
    double stall_ms, loss_percent, rtt_ms;
} AppLagWarn;

void app_lag_init(AppLagWarn *w);
/* Updates the warnings for `in` (call once per frame); returns the active AppLagFlag bits. */
unsigned app_lag_update(AppLagWarn *w, const AppLagInput *in);
/* The active warnings as text, most serious first ("CONNECTION PROBLEM 1.4 s",
 * "high packet loss 12 %", "high latency 250 ms", "clock resync", "inputs arriving late");
 * returns how many lines it wrote (<= cap). */
unsigned app_lag_lines(const AppLagWarn *w, char (*lines)[APP_LAG_LINE_MAX], unsigned cap);

#endif
