/* rejoin.h — the client's reconnect screen: a session that was in the arena and lost its
 * server (a timeout, a restart: the connection dropped, BYE shutdown, TCP closed) says so and
 * joins the same server again with the same name by itself, with backoff and a bound
 * (cli_conn_rejoin.h), Enter to try at once, Esc to stop. A kick or a ban is not retried.
 * One of the SDL platform files (main.c calls it). */
#ifndef ARENA_APP_REJOIN_H
#define ARENA_APP_REJOIN_H

#include <SDL.h>
#include <stdbool.h>

#include "cli_conn.h"

struct App;

/* The session just ended with f (why: its words). True when the rejoin screen takes over
 * (the caller ends the session and shows nothing else); false: the caller goes on as
 * before (the title screen with its message). */
bool app_rejoin_after_loss(struct App *app, bool was_in_arena, CliFailure f, const char *why);
/* The arena was reached: retrying is over. */
void app_rejoin_done(struct App *app);
/* Whether a rejoin is under way (an attempt joining, or waiting for the next). */
bool app_rejoin_active(const struct App *app);
/* Per frame on the rejoin screen: starts the attempt that is due. */
void app_rejoin_tick(struct App *app);
void app_rejoin_event(struct App *app, const SDL_Event *ev);
void app_rejoin_draw(struct App *app);
/* Esc while an attempt is joining: no more attempts. */
void app_rejoin_cancel(struct App *app);

#endif
