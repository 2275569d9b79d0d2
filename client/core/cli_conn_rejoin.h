/* cli_conn_rejoin.h — when and how often a client that lost its server tries to join again.
 *
 * Owns the reconnect policy: which failures are worth retrying (a timeout, a server restart:
 * the connection dropped, BYE shutdown, TCP closed; and, while retrying, a server not up yet
 * or still holding our old name), never a kick, a ban or a refused name; the backoff between
 * attempts (CLI_REJOIN_FIRST_MS doubling up to CLI_REJOIN_MAX_DELAY_MS), bounded by
 * CLI_REJOIN_ATTEMPTS attempts; cancelable. Pure: no sockets, times passed in. */
#ifndef ARENA_CLI_CONN_REJOIN_H
#define ARENA_CLI_CONN_REJOIN_H

#include <stdbool.h>
#include <stdint.h>

#include "cli_conn.h"

enum {
    CLI_REJOIN_FIRST_MS = 500,      /* the first retry, after a loss */
    CLI_REJOIN_MAX_DELAY_MS = 5000, /* the longest wait between two attempts */
    CLI_REJOIN_ATTEMPTS = 12,       /* then it gives up (about 45 s in all) */
};

typedef struct CliRejoin {
    bool active;
    unsigned attempt; /* attempts started so far */
    uint64_t next_us; /* when the next attempt is due */
    CliFailure last;  /* why the last connection or attempt ended */
} CliRejoin;

/* Whether a session that was in the arena and ended with f is worth rejoining. */
bool cli_rejoin_worth(CliFailure f);
/* Whether an attempt that failed with f should be followed by another (the server may not be
 * up yet, or may still hold our old session's name or slot). */
bool cli_rejoin_keep_trying(CliFailure f);
/* Starts retrying after a loss with f at now_us; false (and inactive) if f is not worth it. */
bool cli_rejoin_begin(CliRejoin *r, CliFailure f, uint64_t now_us);
/* Whether an attempt is due now; if so it counts it (the caller starts the join). */
bool cli_rejoin_due(CliRejoin *r, uint64_t now_us);
/* "Now" from the player (a key): the next attempt is due at once. */
void cli_rejoin_now(CliRejoin *r, uint64_t now_us);
/* An attempt failed with f: schedules the next one; false (and inactive) when it gives up
 * (attempts used up, or f not worth trying again). */
bool cli_rejoin_failed(CliRejoin *r, CliFailure f, uint64_t now_us);
/* The player cancelled (Esc), or an attempt reached the arena. */
void cli_rejoin_stop(CliRejoin *r);
/* Milliseconds to wait before attempt number n (0-based): 500, 1000, 2000, 4000, 5000, ... */
uint32_t cli_rejoin_delay_ms(unsigned n);

#endif
