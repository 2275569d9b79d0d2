/* log.h — the server's log lines: `2026-11-25T16:00:00.123Z [subsystem] text` to a stream.
 *
 * Owns formatting and the rate limit for debug lines about bad input (so a flood of garbage
 * packets cannot flood the log). State lives in a Log handle owned by main. */
#ifndef ARENA_SRV_LOG_H
#define ARENA_SRV_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct Log {
    FILE *out;
    bool debug;
    uint64_t window_ms;   /* start of the current rate-limit second */
    unsigned window_used; /* debug lines printed in it */
    uint64_t suppressed;  /* debug lines dropped by the rate limit, total */
} Log;

void log_init(Log *log, FILE *out, bool debug);
/* One line (at most 1023 bytes); may be called from any thread (one write per line). */
void log_info(Log *log, const char *subsys, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Printed only with debug on, and at most 20 lines per second. */
void log_debug(Log *log, uint64_t now_ms, const char *subsys, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
