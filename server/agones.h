/* agones.h — the Agones SDK client: the game server's side of a fleet (docs/deploy/README.md).
 *
 * Owns a thread that talks HTTP (libcurl) to the SDK sidecar's REST API on
 * localhost:$AGONES_SDK_HTTP_PORT, in the order agones_plan.h decides, with short timeouts; the
 * game loop only hands it what it wants known (agones_update, a try-lock) and reads the last
 * GameServer state it saw, so a slow, dead or lying sidecar never stalls a tick. Failures are
 * logged once per streak and retried with a growing pause. */
#ifndef ARENA_SRV_AGONES_H
#define ARENA_SRV_AGONES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agones_json.h"
#include "agones_plan.h"
#include "log.h"

typedef struct Agones Agones;

typedef struct AgonesConfig {
    uint16_t port;    /* the sidecar's HTTP port */
    const char *host; /* "localhost" (tests: the same) */
    AgonesTiming timing;
    const char *map_name; /* labels: arena-map (as a label value), annotation: the name */
    unsigned protocol;    /* label arena-protocol */
} AgonesConfig;

typedef struct AgonesCounts {
    uint64_t calls_ok, calls_failed;
} AgonesCounts;

/* The port from AGONES_SDK_HTTP_PORT's text: 1..65535, else 0. */
uint16_t agones_port_from_env(const char *text);
Agones *agones_start(const AgonesConfig *cfg, Log *log, char *err, size_t errlen);
/* Hands the wanted state to the thread; false (nothing changed) if it holds the lock now. */
bool agones_update(Agones *a, const AgonesWant *w);
/* The GameServer's state as last polled ("" before the first answer) and the port players
 * reach it on (status.ports "default"; 0: none); false if busy. */
bool agones_state(Agones *a, char *out, size_t cap, uint16_t *port);
void agones_counts(Agones *a, AgonesCounts *out);
void agones_stop(Agones *a);

#endif
