/* agones_plan.h — what the Agones client says to the SDK sidecar next, and when (pure policy:
 * no I/O, time passed in; agones.c does the HTTP).
 *
 * Owns the order of the calls (labels and the players counter's capacity before Ready, so an
 * allocator's selectors match the moment the server is Ready), Health only while the game loop
 * is alive (its tick count moved since the last one), the player count when it changed, a poll
 * of the GameServer's state, Shutdown when asked; and what a failure costs: a growing pause
 * before the next try, a counter the fleet does not define given up on. docs/deploy/README.md
 * lists the calls. */
#ifndef ARENA_SRV_AGONES_PLAN_H
#define ARENA_SRV_AGONES_PLAN_H

#include <stdbool.h>
#include <stdint.h>

enum { AGONES_COUNTER_TRIES = 3 };

typedef enum AgonesCall {
    AG_NONE = 0,
    AG_HEALTH,   /* POST /health */
    AG_LABELS,   /* PUT /metadata/label (map, protocol), PUT /metadata/annotation (map name) */
    AG_CAPACITY, /* PATCH /v1beta1/counters/players {"capacity"} */
    AG_READY,    /* POST /ready */
    AG_SHUTDOWN, /* POST /shutdown */
    AG_PLAYERS,  /* PATCH /v1beta1/counters/players {"count"} */
    AG_POLL,     /* GET /gameserver: the state (Allocated ...) */
    AG_CALLS
} AgonesCall;

typedef enum AgonesOutcome {
    AG_OK = 0,
    AG_NOT_FOUND,   /* 404 */
    AG_FAILED,      /* another HTTP error, or a body we cannot read */
    AG_UNREACHABLE, /* no connection, or no answer in time */
} AgonesOutcome;

/* What the game wants the sidecar to know; written by the loop. */
typedef struct AgonesWant {
    uint64_t beat;     /* the loop's tick count: Health only while it moves */
    unsigned players;  /* in the arena */
    unsigned capacity; /* max_players */
    bool shutdown;     /* a match ended on an allocated server configured to shut down then */
    uint16_t port;     /* the players' port the loop tells (what it took from the last poll) */
} AgonesWant;

typedef struct AgonesTiming {
    uint32_t health_ms;    /* between Health calls (agones_health_s) */
    uint32_t poll_ms;      /* between GameServer polls */
    uint32_t retry_min_ms; /* the first pause after a failure; doubles up to retry_max_ms */
    uint32_t retry_max_ms;
} AgonesTiming;

/* What has been said, kept by the client's thread. */
typedef struct AgonesSync {
    bool labels_done, capacity_done, ready_done, shutdown_done;
    bool capacity_tried;     /* the capacity asked once, whatever came back: Ready need not wait */
    bool polled;             /* the GameServer read once: its port is known before Ready */
    uint16_t polled_port;    /* the port that read gave (the caller sets it) */
    bool counter_missing;    /* no players counter here: not asked again */
    unsigned counter_errors; /* error answers to the counter's calls, both kinds */
    bool players_known;      /* players_sent holds what the sidecar has */
    unsigned players_sent;
    uint64_t health_beat; /* want.beat at the last Health */
    uint64_t health_ms, poll_ms;
    /* Per call: failures in a row, and no new try before retry_ms. One call failing (a
     * sidecar that breaks only GetGameServer) neither holds up the others nor is logged again
     * each time another succeeds. */
    unsigned failures[AG_CALLS];
    uint64_t retry_ms[AG_CALLS];
} AgonesSync;

/* What an outcome means for the log: once when a call starts failing, once when it works
 * again. */
typedef enum AgonesNote { AG_NOTE_NONE = 0, AG_NOTE_FAILING, AG_NOTE_RECOVERED } AgonesNote;

void agones_sync_init(AgonesSync *s);
/* The next call to make at now_ms, or AG_NONE with *wait_ms set to when to ask again. Ready
 * waits for the labels, one try of the counter's capacity (an optional counter must not hold
 * it up: Agones answers 500, not 404, for a counter the fleet does not define), a first read of
 * the GameServer and the loop telling players the port it gave; Shutdown and the player count
 * wait for Ready. The counter is given up after AGONES_COUNTER_TRIES failures in a row. */
AgonesCall agones_next(const AgonesWant *w, const AgonesSync *s, const AgonesTiming *t,
                       uint64_t now_ms, uint32_t *wait_ms);
/* The outcome of call c, made with want w at now_ms: a failure pauses that call
 * (retry_min_ms, doubling to retry_max_ms). */
AgonesNote agones_done(AgonesSync *s, const AgonesTiming *t, AgonesCall c, const AgonesWant *w,
                       AgonesOutcome o, uint64_t now_ms);
const char *agones_call_name(AgonesCall c);

#endif
