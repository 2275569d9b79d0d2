/* killfeed.h — the kill feed (top right) and what the client knows of the match.
 *
 * Owns the last kills (EVENT KILL, names captured when they arrive) with their age, and the
 * match state of the EVENT messages MATCH and STATS (phase, its end tick, the rules, the winner,
 * each player's stats of the last match). Pure: no SDL, no sockets; times are passed in. The
 * HUD (hud_match.c) and the end screen (endscreen.c) draw them. */
#ifndef ARENA_APP_KILLFEED_H
#define ARENA_APP_KILLFEED_H

#include <stdbool.h>
#include <stdint.h>

#include "msg.h"

enum {
    APP_FEED_MAX = 6,           /* kills shown at once */
    APP_FEED_SHOW_US = 6000000, /* how long a kill stays (then fades for a second) */
    APP_FEED_FADE_US = 1000000,
};

typedef struct AppKill {
    uint64_t time_us;
    uint16_t killer, victim;
    char killer_name[PROTO_NAME_MAX + 1], victim_name[PROTO_NAME_MAX + 1];
} AppKill;

typedef struct AppKillFeed {
    AppKill kills[APP_FEED_MAX]; /* ring, oldest first from `first` */
    unsigned first, count;
} AppKillFeed;

typedef struct AppMatchView {
    bool known;      /* a MATCH event arrived */
    MsgMatch match;  /* the newest MATCH */
    uint16_t winner; /* when match.has_winner */
    MsgStats stats[PROTO_MAX_PLAYERS];
    bool has_stats[PROTO_MAX_PLAYERS]; /* STATS arrived for the last match's end */
} AppMatchView;

void app_feed_init(AppKillFeed *f);
void app_feed_push(AppKillFeed *f, const AppKill *k);
/* The i-th kill still shown at now_us, newest first; NULL past the last. */
const AppKill *app_feed_get(const AppKillFeed *f, unsigned i, uint64_t now_us);
/* 1 while a kill is fresh, falling to 0 over its last APP_FEED_FADE_US. */
float app_feed_alpha(const AppKill *k, uint64_t now_us);

void app_match_init(AppMatchView *m);
typedef enum AppMatchChange {
    APP_MATCH_SAME = 0,
    APP_MATCH_STARTED, /* running now, and it was not (the first MATCH after joining never is) */
    APP_MATCH_ENDED,   /* ended now, and it was not */
} AppMatchChange;
/* Takes MATCH and STATS events (others are ignored). A MATCH leaving the end screen forgets
 * the stats, so the next end screen shows only the next match's. Says whether the match just
 * started or ended (for the sounds). */
AppMatchChange app_match_event(AppMatchView *m, const MsgEvent *ev);
/* Whole seconds left in the phase at server tick `tick` (rounded up); -1 if open-ended. */
int app_match_seconds_left(const AppMatchView *m, uint32_t tick);
/* "Warm-up 0:07", "4:59", "Match over" ... for the HUD; buf gets "" when nothing is known. */
void app_match_clock(const AppMatchView *m, uint32_t tick, char *buf, unsigned cap);
/* Accuracy in percent (hits / shots), 0 with no shots. */
unsigned app_match_accuracy(const MsgStats *s);

#endif
