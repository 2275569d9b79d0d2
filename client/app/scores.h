/* scores.h — the scoreboard: who is in the arena, their scores and pings.
 *
 * Owns the answers to WHO (`WHO <count>` then `PLAYER <id> <name> <score> <ping_ms|-> <state>`
 * lines, docs/protocol.md §5.2) and turns them, with what the snapshots say (ids, scores,
 * alive), into sorted rows. Server lines are hostile: every field is checked (canonical
 * decimals, ranges, name length and characters) before it is kept; a bad line is ignored.
 * Pure: no SDL, no sockets. */
#ifndef ARENA_APP_SCORES_H
#define ARENA_APP_SCORES_H

#include <stdbool.h>
#include <stdint.h>

#include "protocol.h"

enum {
    APP_SCORES_MAX = PROTO_MAX_PLAYERS,
};

typedef struct AppWhoEntry {
    uint16_t id;
    char name[PROTO_NAME_MAX + 1];
    uint16_t score;
    int ping_ms; /* -1 = "-" (not playing) */
    bool playing;
} AppWhoEntry;

typedef struct AppScores {
    AppWhoEntry who[APP_SCORES_MAX]; /* the newest complete WHO answer */
    unsigned who_count;
    uint64_t who_time_us; /* when it completed; 0 = never */
    AppWhoEntry pending[APP_SCORES_MAX];
    unsigned pending_count, pending_expected;
    bool pending_open;
} AppScores;

/* A player as the snapshots show it. */
typedef struct AppScoreInput {
    uint16_t id;
    uint16_t score;
    bool alive;
} AppScoreInput;

typedef struct AppScoreRow {
    int id;
    char name[PROTO_NAME_MAX + 1];
    unsigned score;
    int ping_ms; /* -1 unknown */
    bool alive, self;
    bool playing; /* false: logged in for chat only (WHO state "chatting") */
} AppScoreRow;

void app_scores_init(AppScores *s);
/* Feeds one server line; true if it was part of a WHO answer (and well formed). */
bool app_scores_line(AppScores *s, const char *line, uint64_t now_us);
/* Parses a PLAYER line's arguments (after "PLAYER "); false if anything is malformed. */
bool app_scores_parse_player(const char *args, AppWhoEntry *out);
/* Rows for the scoreboard, best score first (ties by name): every player in `in`, named by
 * names(id) (falling back to WHO's name, then "#id"), with the WHO ping where known; the
 * local player (self_id, score self_score, ping self_ping_ms) included; then WHO players not
 * in the arena. Returns the row count (<= cap). */
unsigned app_scores_rows(const AppScores *s, const AppScoreInput *in, unsigned n, int self_id,
                         unsigned self_score, bool self_alive, int self_ping_ms,
                         const char *(*names)(void *user, unsigned id), void *user,
                         AppScoreRow *out, unsigned cap);

#endif
