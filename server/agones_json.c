/* agones_json.c — see agones_json.h. */
#include "agones_json.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

static bool valid_state(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    bool ok = n > 0 && n < AGONES_STATE_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = isalpha((unsigned char)s[i]) && (unsigned char)s[i] < 0x80;
    return ok;
}

static uint16_t named_port(json_t *status, const char *name)
{
    json_t *ports = json_object_get(status, "ports");
    for (size_t i = 0; i < json_array_size(ports); i++) {
        json_t *p = json_array_get(ports, i);
        const char *n = json_string_value(json_object_get(p, "name"));
        json_t *v = json_object_get(p, "port");
        if (n == NULL || strcmp(n, name) != 0 || !json_is_integer(v))
            continue;
        json_int_t port = json_integer_value(v);
        return port >= 1 && port <= 65535 ? (uint16_t)port : 0;
    }
    return 0;
}

bool agones_parse_gameserver(const char *json, size_t len, char *state, size_t cap,
                             const char *port_name, uint16_t *port)
{
    json_error_t err;
    /* JSON_REJECT_DUPLICATES: a body that names status twice is refused, not half read. */
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
    if (root == NULL)
        return false;
    json_t *status = json_object_get(root, "status");
    const char *s = json_string_value(json_object_get(status, "state"));
    bool ok = valid_state(s) && strlen(s) < cap;
    if (ok) {
        memcpy(state, s, strlen(s) + 1);
        if (port != NULL)
            *port = port_name != NULL ? named_port(status, port_name) : 0;
    }
    json_decref(root);
    return ok;
}

bool agones_parse_state(const char *json, size_t len, char *state, size_t cap)
{
    return agones_parse_gameserver(json, len, state, cap, NULL, NULL);
}

static size_t dump(json_t *v, char *out, size_t cap)
{
    if (v == NULL)
        return 0;
    size_t n = json_dumpb(v, out, cap, JSON_COMPACT);
    json_decref(v);
    if (n == 0 || n >= cap)
        return 0;
    out[n] = '\0';
    return n;
}

size_t agones_body_key_value(const char *key, const char *value, char *out, size_t cap)
{
    return dump(json_pack("{s:s,s:s}", "key", key, "value", value), out, cap);
}

size_t agones_body_count(const char *field, uint64_t n, char *out, size_t cap)
{
    return dump(json_pack("{s:I}", field, (json_int_t)n), out, cap);
}

static bool label_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

void agones_label_value(const char *text, char *out, size_t cap)
{
    size_t max = cap - 1 < AGONES_LABEL_VALUE_MAX - 1 ? cap - 1 : AGONES_LABEL_VALUE_MAX - 1;
    size_t n = 0;
    for (const char *p = text; *p != '\0' && n < max; p++) {
        char c = (unsigned char)*p < 0x80 && label_char(*p) ? *p : '-';
        if (c == '-' && n > 0 && out[n - 1] == '-')
            continue;
        out[n++] = c;
    }
    /* Begin and end with a letter or digit. */
    size_t start = 0;
    while (start < n && !isalnum((unsigned char)out[start]))
        start++;
    while (n > start && !isalnum((unsigned char)out[n - 1]))
        n--;
    memmove(out, out + start, n - start);
    n -= start;
    out[n] = '\0';
    if (n == 0)
        snprintf(out, cap, "unnamed");
}
