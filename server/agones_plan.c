/* agones_plan.c — see agones_plan.h. */
#include "agones_plan.h"

#include <string.h>

void agones_sync_init(AgonesSync *s)
{
    memset(s, 0, sizeof *s);
}

static bool health_due(const AgonesWant *w, const AgonesSync *s, const AgonesTiming *t,
                       uint64_t now_ms)
{
    return (s->health_ms == 0 || now_ms - s->health_ms >= t->health_ms) &&
           w->beat != s->health_beat;
}

static uint32_t until(uint64_t due_ms, uint64_t now_ms)
{
    return due_ms > now_ms ? (uint32_t)(due_ms - now_ms) : 0;
}

/* Whether call c has something to say now (pauses aside). */
static bool wanted(AgonesCall c, const AgonesWant *w, const AgonesSync *s, const AgonesTiming *t,
                   uint64_t now_ms)
{
    bool counter = !s->counter_missing;
    switch (c) {
    case AG_HEALTH:
        return health_due(w, s, t, now_ms);
    case AG_LABELS:
        return !s->labels_done;
    case AG_CAPACITY:
        return s->labels_done && counter && !s->capacity_done;
    case AG_READY:
        /* ... and the loop tells players the port the GameServer has: nobody is allocated here
         * and told the container's. */
        return s->labels_done && (s->capacity_tried || !counter) && s->polled &&
               w->port == s->polled_port && !s->ready_done;
    case AG_SHUTDOWN:
        return s->ready_done && w->shutdown && !s->shutdown_done;
    case AG_PLAYERS:
        return s->ready_done && counter && (!s->players_known || s->players_sent != w->players);
    case AG_POLL:
        return s->poll_ms == 0 || now_ms - s->poll_ms >= t->poll_ms;
    case AG_NONE:
    case AG_CALLS:
        break;
    }
    return false;
}

AgonesCall agones_next(const AgonesWant *w, const AgonesSync *s, const AgonesTiming *t,
                       uint64_t now_ms, uint32_t *wait_ms)
{
    /* Nothing to say: wait until Health or the poll comes due (not wanted yet), or a pause of
     * a wanted call ends, whichever is first. A Health held back by a stuck loop is looked at
     * again a period later (the loop's ticks also wake the caller). */
    uint32_t wait = t->health_ms;
    if (!wanted(AG_HEALTH, w, s, t, now_ms) && w->beat != s->health_beat)
        wait = until(s->health_ms + t->health_ms, now_ms);
    if (!wanted(AG_POLL, w, s, t, now_ms) && until(s->poll_ms + t->poll_ms, now_ms) < wait)
        wait = until(s->poll_ms + t->poll_ms, now_ms);
    for (int c = AG_NONE + 1; c < AG_CALLS; c++) {
        if (!wanted((AgonesCall)c, w, s, t, now_ms))
            continue;
        if (s->retry_ms[c] <= now_ms) {
            *wait_ms = 0;
            return (AgonesCall)c;
        }
        if (until(s->retry_ms[c], now_ms) < wait)
            wait = until(s->retry_ms[c], now_ms);
    }
    *wait_ms = wait;
    return AG_NONE;
}

static void succeeded(AgonesSync *s, AgonesCall c, const AgonesWant *w, uint64_t now_ms)
{
    switch (c) {
    case AG_HEALTH:
        s->health_ms = now_ms;
        s->health_beat = w->beat;
        break;
    case AG_LABELS:
        s->labels_done = true;
        break;
    case AG_CAPACITY:
        s->capacity_done = true;
        break;
    case AG_READY:
        s->ready_done = true;
        break;
    case AG_SHUTDOWN:
        s->shutdown_done = true;
        break;
    case AG_PLAYERS:
        s->players_known = true;
        s->players_sent = w->players;
        break;
    case AG_POLL:
        s->poll_ms = now_ms;
        s->polled = true;
        break;
    case AG_NONE:
    case AG_CALLS:
        break;
    }
}

AgonesNote agones_done(AgonesSync *s, const AgonesTiming *t, AgonesCall c, const AgonesWant *w,
                       AgonesOutcome o, uint64_t now_ms)
{
    if (c <= AG_NONE || c >= AG_CALLS)
        return AG_NOTE_NONE;
    if (c == AG_CAPACITY)
        s->capacity_tried = true;
    if (o == AG_OK) {
        succeeded(s, c, w, now_ms);
        bool was = s->failures[c] > 0;
        s->failures[c] = 0;
        s->retry_ms[c] = 0;
        return was ? AG_NOTE_RECOVERED : AG_NOTE_NONE;
    }
    bool counter = c == AG_CAPACITY || c == AG_PLAYERS;
    if (counter && o != AG_UNREACHABLE &&
        (o == AG_NOT_FOUND || ++s->counter_errors >= AGONES_COUNTER_TRIES)) {
        s->counter_missing = true; /* no players counter here: fine, not a fault */
        return AG_NOTE_NONE;
    }
    uint32_t pause = t->retry_min_ms;
    for (unsigned i = 0; i < s->failures[c] && pause < t->retry_max_ms; i++)
        pause *= 2;
    if (pause > t->retry_max_ms)
        pause = t->retry_max_ms;
    s->retry_ms[c] = now_ms + pause;
    return s->failures[c]++ == 0 ? AG_NOTE_FAILING : AG_NOTE_NONE;
}

const char *agones_call_name(AgonesCall c)
{
    static const char *const names[] = {
        [AG_NONE] = "none",
        [AG_HEALTH] = "Health",
        [AG_LABELS] = "SetLabel",
        [AG_CAPACITY] = "counter capacity",
        [AG_READY] = "Ready",
        [AG_SHUTDOWN] = "Shutdown",
        [AG_PLAYERS] = "counter count",
        [AG_POLL] = "GetGameServer",
    };
    return (unsigned)c < sizeof names / sizeof names[0] ? names[c] : "?";
}
