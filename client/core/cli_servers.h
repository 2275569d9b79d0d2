/* cli_servers.h — the title screen's recent servers and favourites, and their file.
 *
 * Owns the list (at most CLI_SERVERS_MAX entries: favourites first, then the most recently
 * joined) and its text form, kept with cli_files.h as $XDG_STATE_HOME/localhost-arena/servers:
 *
 *     # localhost-arena servers 1
 *     server <host> <port> <favourite 0|1> <last joined, unix seconds> [<name>]
 *
 * host: 1-CLI_SERVERS_HOST_MAX bytes of letters, digits, '.', '-', '_', ':'; port 1-65535;
 * name (the server's LAN name, optional): safe text (line.h) of at most CLI_SERVERS_NAME_MAX
 * bytes, the rest of the line. The file is the program's own but read as hostile bytes: the
 * parser is pure and bounded (at most CLI_SERVERS_FILE_MAX bytes, CLI_SERVERS_MAX entries),
 * skips and counts bad lines, and never reads past len. */
#ifndef ARENA_CLI_SERVERS_H
#define ARENA_CLI_SERVERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    CLI_SERVERS_MAX = 16,
    CLI_SERVERS_HOST_MAX = 253,
    CLI_SERVERS_NAME_MAX = 32,
    CLI_SERVERS_FILE_MAX = 16384,
};

typedef struct CliServerEntry {
    char host[CLI_SERVERS_HOST_MAX + 1];
    uint16_t port;
    bool favourite;
    int64_t last_unix; /* when it was last joined (0: never, a favourite only) */
    char name[CLI_SERVERS_NAME_MAX + 1];
} CliServerEntry;

typedef struct CliServerList {
    CliServerEntry e[CLI_SERVERS_MAX];
    unsigned count;
} CliServerList;

void cli_servers_init(CliServerList *l);
/* Parses a file's text (len bytes, no NUL needed). Entries beyond CLI_SERVERS_MAX, duplicates
 * (same host and port) and malformed lines are skipped; *bad (may be NULL) counts them. The
 * list comes out in order (cli_servers_sort). */
void cli_servers_parse(const char *text, size_t len, CliServerList *out, unsigned *bad);
/* The file's text. Returns its length (< cap), or 0 if it does not fit. */
size_t cli_servers_format(const CliServerList *l, char *out, size_t cap);
/* A join reached the arena: host:port moves to the front of the recent ones (added if new,
 * the oldest non-favourite dropped when full; name kept unless a new one is given). False if
 * host is not a valid host or the list is all favourites. */
bool cli_servers_touch(CliServerList *l, const char *host, uint16_t port, const char *name,
                       int64_t now_unix);
/* Marks or unmarks host:port as a favourite (added, never joined, if new). Returns the new
 * state; false also when it cannot be added (full of favourites, bad host). */
bool cli_servers_toggle_favourite(CliServerList *l, const char *host, uint16_t port,
                                  const char *name);
/* Index of host:port, or -1. */
int cli_servers_find(const CliServerList *l, const char *host, uint16_t port);
/* Favourites first, then by last joined, newest first (stable). */
void cli_servers_sort(CliServerList *l);
bool cli_servers_host_valid(const char *host);

#endif
