/* agones_srv.c — the server's side of the Agones client (agones.h): on when the environment
 * says the server runs under Agones (AGONES_SDK_HTTP_PORT, which Agones sets), off otherwise.
 * The loop hands over what it wants known every 100 ms, and reads back the GameServer's state;
 * a match that ends on an allocated server asks for Shutdown when configured. */
#include <stdlib.h>
#include <string.h>

#include "agones.h"
#include "server.h"

enum {
    AGONES_UPDATE_MS = 100, /* the loop hands its wanted state over this often */
    AGONES_POLL_MS = 2000,  /* GetGameServer */
    AGONES_RETRY_MIN_MS = 250,
    AGONES_RETRY_MAX_MS = 5000,
};

bool srv_agones_open(Server *s)
{
    const char *env = getenv("AGONES_SDK_HTTP_PORT");
    if (env == NULL)
        return true;
    uint16_t port = agones_port_from_env(env);
    if (port == 0) {
        log_info(s->log, "agones", "AGONES_SDK_HTTP_PORT='%s' is not a port (1-65535)", env);
        return false;
    }
    AgonesConfig cfg = {.port = port,
                        .host = "localhost",
                        .timing = {.health_ms = s->cfg.agones_health_s * 1000u,
                                   .poll_ms = AGONES_POLL_MS,
                                   .retry_min_ms = AGONES_RETRY_MIN_MS,
                                   .retry_max_ms = AGONES_RETRY_MAX_MS},
                        .map_name = s->map.name,
                        .protocol = PROTO_VERSION};
    char err[200];
    s->agones = agones_start(&cfg, s->log, err, sizeof err);
    if (s->agones == NULL) {
        log_info(s->log, "agones", "%s", err);
        return false;
    }
    log_info(s->log, "agones", "under Agones: the SDK sidecar at localhost:%u, Health every %u s%s",
             port, s->cfg.agones_health_s,
             s->cfg.agones_shutdown_after_match ? ", Shutdown after an allocated match" : "");
    return true;
}

uint16_t srv_public_udp_port(const Server *s)
{
    return s->agones_port != 0 ? s->agones_port : s->cfg.game_port;
}

void srv_agones_close(Server *s)
{
    agones_stop(s->agones);
    s->agones = NULL;
}

void srv_agones_periodic(Server *s)
{
    if (s->agones == NULL || s->now_ms - s->agones_update_ms < AGONES_UPDATE_MS)
        return;
    /* The state first: the port the loop then says it tells players is the one it took. */
    agones_state(s->agones, s->agones_state, sizeof s->agones_state, &s->agones_port);
    AgonesWant w = {.beat = s->stats.ticks,
                    .players = s->players_now,
                    .capacity = s->cfg.max_players,
                    .shutdown = s->agones_shutdown,
                    .port = s->agones_port};
    if (agones_update(s->agones, &w)) /* busy: the next iteration tries again */
        s->agones_update_ms = s->now_ms;
}

void srv_agones_match_ended(Server *s)
{
    if (s->agones == NULL || !s->cfg.agones_shutdown_after_match || s->agones_shutdown)
        return;
    if (strcmp(s->agones_state, "Allocated") != 0) {
        log_info(s->log, "agones", "match over; not allocated (%s): no Shutdown",
                 s->agones_state[0] ? s->agones_state : "state unknown");
        return;
    }
    s->agones_shutdown = true;
    log_info(s->log, "agones",
             "the allocated match is over, its end screen too: asking Agones for Shutdown");
}
