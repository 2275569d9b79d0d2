/* cli_ratelog.h — a limit on how often one kind of message is logged.
 *
 * For failures a hostile or broken server can trigger at will (malformed messages, snapshots
 * that do not decode): each is counted, and at most CLI_RATELOG_PER_S of them per second are
 * let through to a log; the ones held back are counted and reported with the next one let
 * through. Pure: time is passed in, nothing is printed here. */
#ifndef ARENA_CLI_RATELOG_H
#define ARENA_CLI_RATELOG_H

#include <stdbool.h>
#include <stdint.h>

enum {
    CLI_RATELOG_PER_S = 3,           /* messages let through per window */
    CLI_RATELOG_WINDOW_US = 1000000, /* the window, microseconds */
};

typedef struct CliRateLog {
    uint64_t window_start_us;
    unsigned in_window; /* let through in the current window */
    uint64_t held_back; /* not let through since the last one that was */
    uint64_t total;     /* every event counted */
} CliRateLog;

/* Counts one event at now_us. True if it may be logged now; then *held_back is how many were
 * held back since the last one let through (and the count restarts). A zeroed CliRateLog is
 * ready. */
bool cli_ratelog_allow(CliRateLog *rl, uint64_t now_us, uint64_t *held_back);

#endif
