/* log.c — see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

enum { LOG_DEBUG_PER_SECOND = 20 };

void log_init(Log *log, FILE *out, bool debug)
{
    log->out = out;
    log->debug = debug;
    log->window_ms = 0;
    log->window_used = 0;
    log->suppressed = 0;
}

/* One line, written with one call: lines from another thread (the Agones client) never
 * interleave with the loop's. */
static void vline(Log *log, const char *subsys, const char *fmt, va_list ap)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char line[1024];
    const size_t cap = sizeof line - 1; /* room for the newline */
    size_t n = strftime(line, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    int k = snprintf(line + n, cap - n, ".%03ldZ [%s] ", ts.tv_nsec / 1000000L, subsys);
    n = k < 0 ? n : n + (size_t)k < cap - 1 ? n + (size_t)k : cap - 1;
    k = vsnprintf(line + n, cap - n, fmt, ap);
    n = k < 0 ? n : n + (size_t)k < cap - 1 ? n + (size_t)k : cap - 1;
    line[n] = '\n';
    fwrite(line, 1, n + 1, log->out);
    fflush(log->out);
}

void log_info(Log *log, const char *subsys, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(log, subsys, fmt, ap);
    va_end(ap);
}

void log_debug(Log *log, uint64_t now_ms, const char *subsys, const char *fmt, ...)
{
    if (!log->debug)
        return;
    if (now_ms - log->window_ms >= 1000) {
        if (log->window_used > LOG_DEBUG_PER_SECOND)
            log_info(log, "log", "%u debug lines suppressed",
                     log->window_used - LOG_DEBUG_PER_SECOND);
        log->window_ms = now_ms;
        log->window_used = 0;
    }
    if (log->window_used++ >= LOG_DEBUG_PER_SECOND) {
        log->suppressed++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vline(log, subsys, fmt, ap);
    va_end(ap);
}
