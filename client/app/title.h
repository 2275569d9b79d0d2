/* title.h — the title screen: player name, LAN servers, address typed by hand.
 *
 * Owns the LAN discovery client while the title is shown (a query every second, servers not
 * heard from for APP_SERVER_STALE_S dropped from the list), the name and address fields, and
 * drawing the screen; keyboard (Tab, arrows, Enter) and mouse both work through layout.h's
 * rules. Asks main.c to join (app_join) or to quit. One of the SDL platform files. */
#ifndef ARENA_APP_TITLE_H
#define ARENA_APP_TITLE_H

#include <SDL.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "cli_discover.h"
#include "cli_servers.h"
#include "field.h"
#include "layout.h"

#define APP_DISCOVER_PERIOD_S 1.0
#define APP_SERVER_STALE_S    3.5

struct App;

enum { TITLE_ROWS_MAX = CLI_DISCOVER_MAX_SERVERS + CLI_SERVERS_MAX };

typedef struct TitleState {
    bool open;
    AppField name, address;
    AppTitleNav nav;
    AppTitleLayout layout;
    CliDiscover *disc;
    char disc_error[256];
    uint64_t next_query_us;
    /* The server list's rows: the LAN servers, then the recent ones and favourites
     * (title_recent.h; NULL rows, recent_of says which entry). */
    const CliServerInfo *visible[TITLE_ROWS_MAX];
    unsigned visible_count;
    unsigned lan_count;
    CliServerList recent;
    unsigned recent_of[CLI_SERVERS_MAX];
    bool recent_loaded;
    char joined_name[CLI_SERVERS_NAME_MAX + 1]; /* the LAN name of the server being joined */
    bool announced[CLI_DISCOVER_MAX_SERVERS];   /* logged to stdout once */
    uint64_t opened_us;
} TitleState;

/* Shows the title screen (opens discovery). */
void title_open(struct App *app);
/* Leaves it (closes discovery). */
void title_close(struct App *app);
void title_event(struct App *app, const SDL_Event *ev);
/* Discovery queries and replies; refreshes the visible list. */
void title_update(struct App *app);
void title_draw(struct App *app);
/* The joining / leaving screens: the title's backdrop with a message panel. */
void title_draw_busy(struct App *app, const char *heading, const char *detail);
/* The discovery socket, if open (returns how many fds were added, 0..1). */
unsigned title_pollfds(const struct App *app, struct pollfd *fds, unsigned cap);
/* Earliest time the title needs an update. */
uint64_t title_next_wake_us(const struct App *app);

#endif
