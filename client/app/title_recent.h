/* title_recent.h — the title screen's recent servers and favourites (cli_servers.h), kept in
 * $XDG_STATE_HOME/localhost-arena/servers (cli_files.h).
 *
 * Owns loading and saving the list, its rows in the title's server list (after the LAN
 * servers, favourites first, one already on the LAN shown only there, with its star), joining
 * one with Enter or a double click like a LAN row, marking or unmarking the selected row a
 * favourite (Ctrl+D anywhere, or F with the list focused), and recording every server that
 * reached the arena. A file that cannot be read or written is said on the title screen, never
 * fatal. One of the SDL platform files. */
#ifndef ARENA_APP_TITLE_RECENT_H
#define ARENA_APP_TITLE_RECENT_H

#include <stdbool.h>

#include "layout.h"

struct App;

/* Reads the file (once per run; later calls keep the list in memory). */
void title_recent_load(struct App *app);
/* Appends the recent rows to the title's visible list (after its lan_count LAN rows). */
void title_recent_rows(struct App *app);
/* The host and port of visible row idx if it is a recent row (not a LAN one). */
bool title_recent_target(const struct App *app, unsigned idx, const char **host, unsigned *port);
/* Marks or unmarks visible row idx (LAN or recent) a favourite, and saves. */
void title_recent_toggle(struct App *app, int idx);
/* Whether host:port is a favourite (for the LAN rows' star). */
bool title_recent_is_favourite(const struct App *app, const char *host, unsigned port);
/* Draws recent row idx in r with the list's column x positions. */
void title_recent_draw_row(struct App *app, unsigned idx, AppRect r, const int cx[4]);
/* The session reached the arena on host:port (name: the LAN name if known, or ""). */
void title_recent_joined(struct App *app, const char *host, unsigned port, const char *name);

#endif
