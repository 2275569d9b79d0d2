/* notify.c — the service manager's side of the loop (systemd's notify protocol, through
 * libsystemd's sd_notify): READY=1 once the sockets are open, STATUS= with the player count
 * when it changes (at most once a second), WATCHDOG=1 from the loop at half the watchdog
 * period, RELOADING=1 / READY=1 around a SIGHUP reload, STOPPING=1 at shutdown. Without
 * NOTIFY_SOCKET in the environment every call is a no-op (sd_notify returns 0). Runs between
 * ticks; a datagram to a local socket, never waited on. */
#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "server.h"

enum { STATUS_MIN_MS = 1000 };

/* sd_notify, and the first failure logged (a NOTIFY_SOCKET that cannot be reached would let
 * the watchdog kill the service with nothing said). */
static void notify(Server *s, const char *msg)
{
    int r = sd_notify(0, msg);
    if (r < 0 && !s->notify_failed) {
        log_info(s->log, "server", "systemd notify socket: %s (the watchdog may stop us)",
                 strerror(-r));
        s->notify_failed = true;
    }
}

void srv_notify_start(Server *s)
{
    uint64_t usec = 0;
    /* > 0: the watchdog is on for this process (WATCHDOG_USEC, and WATCHDOG_PID if set). */
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
        s->watchdog_every_ms = usec / 2000u > 0 ? usec / 2000u : 1;
    srv_notify_status(s, true, "READY=1\n");
    if (s->watchdog_every_ms > 0)
        log_info(s->log, "server", "systemd watchdog: a ping every %llu ms",
                 (unsigned long long)s->watchdog_every_ms);
}

void srv_notify_status(Server *s, bool now, const char *extra)
{
    if (!now &&
        (s->players_now == s->notified_players || s->now_ms - s->notified_ms < STATUS_MIN_MS))
        return;
    char msg[256];
    snprintf(msg, sizeof msg, "%sSTATUS=%u/%u players in '%s' (map '%s')",
             extra != NULL ? extra : "", s->players_now, s->cfg.max_players, s->cfg.name,
             s->map.name);
    notify(s, msg);
    s->notified_players = s->players_now;
    s->notified_ms = s->now_ms;
}

void srv_notify_periodic(Server *s)
{
    if (s->watchdog_every_ms > 0 && s->now_ms - s->watchdog_ms >= s->watchdog_every_ms) {
        notify(s, "WATCHDOG=1");
        s->watchdog_ms = s->now_ms;
    }
    srv_notify_status(s, false, NULL);
}

void srv_notify_text(Server *s, const char *text)
{
    notify(s, text);
}
