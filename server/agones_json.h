/* agones_json.h — the JSON of the Agones SDK's REST API (jansson): the bodies the client sends
 * and the one answer it reads (GET /gameserver: status.state). Pure: no I/O. */
#ifndef ARENA_SRV_AGONES_JSON_H
#define ARENA_SRV_AGONES_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    AGONES_STATE_MAX = 32,      /* a GameServer state name ("Allocated"), NUL included */
    AGONES_LABEL_VALUE_MAX = 64 /* Kubernetes: 63 characters */
};

/* status.state of a GameServer's JSON (len bytes, not NUL-terminated): a name of 1..31 ASCII
 * letters. False, and state untouched, for anything else (not JSON, no such field, another
 * type, a name with other characters). */
bool agones_parse_state(const char *json, size_t len, char *state, size_t cap);
/* The same, and the port players reach it on: status.ports' entry named port_name, its port
 * 1..65535 (*port = 0 when there is no such entry or it is not a port; the state alone still
 * counts). */
bool agones_parse_gameserver(const char *json, size_t len, char *state, size_t cap,
                             const char *port_name, uint16_t *port);
/* {"key": key, "value": value} (SetLabel, SetAnnotation); the length, 0 if it does not fit. */
size_t agones_body_key_value(const char *key, const char *value, char *out, size_t cap);
/* {"<field>": n} (a counter update: "count" or "capacity"); the length, 0 if it does not fit. */
size_t agones_body_count(const char *field, uint64_t n, char *out, size_t cap);
/* text as a Kubernetes label value: at most 63 of [A-Za-z0-9._-], beginning and ending with a
 * letter or digit; anything else becomes '-', runs of it one. "unnamed" when nothing is left. */
void agones_label_value(const char *text, char *out, size_t cap);

#endif
