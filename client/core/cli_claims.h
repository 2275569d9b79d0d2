/* cli_claims.h — a player's claim secrets: the proof that a legend's name is theirs.
 *
 * Owns the claims file (docs/client.md "Claims"): one line per server and name,
 * `<host:port> <name> <32 hex digits>`, `#` comments, blank lines ignored. A server that
 * records a legend hands out a secret once (CLAIM); the client keeps it here and presents it in
 * LOGIN on that server. The file is the player's own and is written 0600 (a secret), atomically
 * (temporary file, then rename). Parsing never trusts the file: a bad line is reported by
 * number and nothing is loaded. */
#ifndef ARENA_CLI_CLAIMS_H
#define ARENA_CLI_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>

#include "protocol.h"

enum {
    CLI_CLAIMS_MAX = 256,
    CLI_CLAIMS_SERVER_MAX = 270, /* host (255) + ':' + port */
    CLI_CLAIMS_FILE_MAX = 128 * 1024,
    CLI_CLAIMS_PATH_MAX = 1024, /* a claims file's path, bytes with the terminator */
    CLI_CLAIMS_LINE_MAX = 512,  /* a line of the file (comments included), bytes */
    /* Room for an error from cli_claims_load/save: the path and a reason. */
    CLI_CLAIMS_ERR_MAX = CLI_CLAIMS_PATH_MAX + 80,
};

typedef struct CliClaim {
    char server[CLI_CLAIMS_SERVER_MAX + 1];
    char name[PROTO_NAME_MAX + 1];
    char hex[2 * PROTO_CLAIM_BYTES + 1];
} CliClaim;

typedef struct CliClaims {
    unsigned count;
    CliClaim e[CLI_CLAIMS_MAX];
} CliClaims;

/* Pure: parses file text into c (replacing its contents). False with "line N: why" in err. */
bool cli_claims_parse(CliClaims *c, const char *text, size_t len, char *err, size_t errlen);
/* Pure: the file text; returns its length, 0 if it does not fit. */
size_t cli_claims_format(const CliClaims *c, char *out, size_t cap);
/* The secret for this server and name, or NULL. */
const char *cli_claims_find(const CliClaims *c, const char *server, const char *name);
/* Adds or replaces; false if full or the fields are not valid. */
bool cli_claims_put(CliClaims *c, const char *server, const char *name, const char *hex);

/* Reads the file (a missing file is an empty list). */
bool cli_claims_load(CliClaims *c, const char *path, char *err, size_t errlen);
/* Writes the file, mode 0600, creating its directory (0700) if needed. */
bool cli_claims_save(const CliClaims *c, const char *path, char *err, size_t errlen);
/* $XDG_CONFIG_HOME/localhost-arena/claims, or ~/.config/localhost-arena/claims. */
bool cli_claims_default_path(char *out, size_t cap);

#endif
