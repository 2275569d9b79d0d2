/* log.c — see log.h. */
#include "log.h"

#include <stdarg.h>
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

static void vline(Log *log, const char *subsys, const char *fmt, va_list ap)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(log->out, "%s.%03ldZ [%s] ", stamp, ts.tv_nsec / 1000000L, subsys);
    vfprintf(log->out, fmt, ap);
    fputc('\n', log->out);
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
