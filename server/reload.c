/* reload.c — SIGHUP: the settings that can change while players play (config.h
 * srv_config_key_live), taken from the rebuilt configuration; every other changed setting is
 * logged as needing a restart and keeps its value. A configuration that does not parse is
 * refused as a whole: the server goes on with what it had. The service manager hears
 * RELOADING=1, then READY=1. */
#include <stdio.h>
#include <string.h>

#include "mono_clock.h"
#include "server.h"

enum { RELOAD_KEYS_MAX = 64 }; /* more than config.c has: every changed key is listed */

/* The match settings take effect without restarting the match (sim_match_set_limits); the
 * next tick's MATCH event tells the clients the new limits (match.c). */
static void apply(Server *s)
{
    s->log->debug = s->cfg.debug;
    SimMatchConfig mc = srv_match_config(&s->cfg);
    sim_match_set_limits(&s->world, &mc);
}

void srv_reload(Server *s, const SrvConfig *next)
{
    const char *changed[RELOAD_KEYS_MAX];
    size_t n = srv_config_changed(&s->cfg, next, changed, RELOAD_KEYS_MAX);
    if (n > RELOAD_KEYS_MAX)
        n = RELOAD_KEYS_MAX;
    char applied[512] = "";
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        char was[SRV_PATH_MAX], now[SRV_PATH_MAX];
        srv_config_value(&s->cfg, changed[i], was, sizeof was);
        srv_config_value(next, changed[i], now, sizeof now);
        if (!srv_config_key_live(changed[i])) {
            log_info(s->log, "reload", "%s: '%s' -> '%s' needs a restart; still '%s'", changed[i],
                     was, now, was);
            continue;
        }
        log_info(s->log, "reload", "%s: '%s' -> '%s'", changed[i], was, now);
        int w =
            snprintf(applied + used, sizeof applied - used, "%s%s", used ? ", " : "", changed[i]);
        if (w > 0 && (size_t)w < sizeof applied - used)
            used += (size_t)w;
    }
    srv_config_copy_live(&s->cfg, next);
    apply(s);
    log_info(s->log, "reload", "settings reloaded: %s", used ? applied : "nothing to apply");
}

void srv_reload_if_asked(Server *s)
{
    if (s->reload == NULL || !*s->reload)
        return;
    *s->reload = 0;
    char msg[64];
    snprintf(msg, sizeof msg, "RELOADING=1\nMONOTONIC_USEC=%llu",
             (unsigned long long)mono_now_us());
    srv_notify_text(s, msg);
    SrvConfig next;
    char err[700];
    if (s->reload_config == NULL) {
        log_info(s->log, "reload", "SIGHUP: nothing to reload from");
    } else if (!s->reload_config(s->reload_ctx, &next, err, sizeof err)) {
        log_info(s->log, "reload", "SIGHUP: settings refused, nothing changed: %s", err);
    } else {
        srv_reload(s, &next);
    }
    srv_notify_status(s, true, "READY=1\n");
}
