/* session.h — one visit to a server, as arena-client sees it.
 *
 * Owns the client core connection (cli_conn) and what the app derives from it as messages
 * arrive: the net graph data (every SNAPSHOT through the core's on_snapshot hook), the
 * scoreboard (WHO answers through on_line), hits waiting to be shown (EVENT hits through
 * on_event), the client's own chat notes (answers to /help, /who, /ping, typing mistakes),
 * and the arena-time statistics for --stats-json. SDL-free: the platform files only read it. */
#ifndef ARENA_APP_SESSION_H
#define ARENA_APP_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli_claims.h"
#include "cli_conn.h"
#include "effects.h"
#include "killfeed.h"
#include "lagwarn.h"
#include "netgraph.h"
#include "scores.h"

#define APP_WHO_PERIOD_S 2.0 /* the scoreboard asks WHO at most this often */

enum {
    APP_TARGET_MAX = 300,
};

typedef struct AppSession {
    CliConn *conn;
    char target[APP_TARGET_MAX]; /* "host:port" as the player gave it, for messages */
    AppNetGraph ng;
    bool ng_ready;  /* initialised with the server's snapshot rate */
    AppLagWarn lag; /* the HUD's connection warnings (lagwarn.h), updated per arena frame */
    AppScores scores;
    AppEffects fx;
    AppKillFeed feed;            /* EVENT KILL (killfeed.h) */
    AppMatchView match;          /* EVENT MATCH and STATS */
    AppMatchChange match_change; /* a match started or ended since the arena last looked */
    uint64_t now_us;             /* time of the current service call (callbacks use it) */
    uint64_t last_who_us;        /* last WHO sent */
    bool who_for_chat;       /* the next WHO answer was asked for by /who: echo it in the chat */
    unsigned pings_for_chat; /* /ping answers still due (other PONGs answer keep-alives) */
    /* Arena time: from the first frame drawn in CLI_PLAYING. */
    bool in_arena;
    uint64_t arena_start_us, arena_end_us;
    double delay_ms_sum, rtt_ms_sum; /* summed once per frame drawn in the arena */
    uint64_t delay_samples;
    uint64_t corrections; /* snapshots whose self block moved the prediction */
    /* Legend claim secrets (cli_claims.h): read at join, a new one saved when the server
     * hands it out. */
    CliClaims *claims;
    char claims_path[CLI_CLAIMS_PATH_MAX]; /* "" = not kept */
} AppSession;

/* Starts joining host:port as name (asking for palette colour `colour`, -1: any), presenting the
 * name's claim secret from the claims file at claims_path if it holds one ("" or NULL: no claims
 * file). NULL only for a bad name/host or no memory (err says why); an unreachable server gives a
 * session that fails with a reason. */
AppSession *app_session_create(const char *host, uint16_t port, const char *name, int colour,
                               const char *claims_path, uint64_t now_us, char *err, size_t errlen);
void app_session_destroy(AppSession *s);
/* The colour player id is drawn in: its palette colour from the server's EVENT PLAYER
 * (cli_conn_player_colour), through the one palette function. */
AppColor app_session_player_color(const AppSession *s, unsigned id);
/* Runs the core (never blocks) and samples the traffic counters. */
void app_session_service(AppSession *s, uint64_t now_us);
/* Typed chat: sends it, or explains the mistake in the chat as a note. /quit is the caller's
 * (it means leaving). */
void app_session_chat(AppSession *s, const char *typed, uint64_t now_us);
/* Asks the server WHO for the scoreboard (at most every APP_WHO_PERIOD_S). */
void app_session_want_scores(AppSession *s, uint64_t now_us);
/* Called for every frame drawn while playing: arena time and interpolation delay. */
void app_session_arena_frame(AppSession *s, uint64_t now_us);
/* Seconds of arena time so far. */
double app_session_arena_seconds(const AppSession *s, uint64_t now_us);
/* Name of a player id for the scoreboard (the core's EVENT names). */
const char *app_session_player_name(void *session, unsigned id);

#endif
