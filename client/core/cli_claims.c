/* cli_claims.c — see cli_claims.h. */
#include "cli_claims.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_files.h"
#include "line.h"

/* A claim line: "<server> <name> <32 hex digits>". */
_Static_assert(CLI_CLAIMS_SERVER_MAX + 1 + PROTO_NAME_MAX + 1 + 2 * PROTO_CLAIM_BYTES <
                   CLI_CLAIMS_LINE_MAX,
               "a claim line fits the line buffer");

static bool valid_hex(const char *h)
{
    if (strlen(h) != 2 * PROTO_CLAIM_BYTES)
        return false;
    for (const char *p = h; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

static bool valid_word(const char *w, size_t max)
{
    size_t n = strlen(w);
    return n > 0 && n <= max && strchr(w, ' ') == NULL && line_text_valid((const uint8_t *)w, n);
}

bool cli_claims_put(CliClaims *c, const char *server, const char *name, const char *hex)
{
    if (!valid_word(server, CLI_CLAIMS_SERVER_MAX) || server[0] == '#' ||
        !valid_word(name, PROTO_NAME_MAX) || !valid_hex(hex))
        return false; /* a server starting with '#' would be saved as a comment */
    CliClaim *e = NULL;
    for (unsigned i = 0; i < c->count && e == NULL; i++)
        if (strcmp(c->e[i].server, server) == 0 && strcmp(c->e[i].name, name) == 0)
            e = &c->e[i];
    if (e == NULL) {
        if (c->count == CLI_CLAIMS_MAX)
            return false;
        e = &c->e[c->count++];
    }
    snprintf(e->server, sizeof e->server, "%s", server);
    snprintf(e->name, sizeof e->name, "%s", name);
    snprintf(e->hex, sizeof e->hex, "%s", hex);
    return true;
}

const char *cli_claims_find(const CliClaims *c, const char *server, const char *name)
{
    for (unsigned i = 0; i < c->count; i++)
        if (strcmp(c->e[i].server, server) == 0 && strcmp(c->e[i].name, name) == 0)
            return c->e[i].hex;
    return NULL;
}

/* One line (no terminator, NUL-terminated copy of at most 511 bytes). */
static bool parse_line(CliClaims *c, char *line, const char **why)
{
    char *p = line;
    while (*p == ' ')
        p++;
    if (*p == '\0' || *p == '#')
        return true;
    char *server = p, *name = NULL, *hex = NULL;
    char *sp = strchr(server, ' ');
    if (sp != NULL) {
        *sp = '\0';
        name = sp + 1;
        sp = strchr(name, ' ');
        if (sp != NULL) {
            *sp = '\0';
            hex = sp + 1;
        }
    }
    if (name == NULL || hex == NULL) {
        *why = "expected '<host:port> <name> <32 hex digits>'";
        return false;
    }
    if (!cli_claims_put(c, server, name, hex)) {
        *why = c->count == CLI_CLAIMS_MAX ? "too many claims" : "bad server, name or secret";
        return false;
    }
    return true;
}

bool cli_claims_parse(CliClaims *c, const char *text, size_t len, char *err, size_t errlen)
{
    c->count = 0;
    size_t pos = 0;
    unsigned lineno = 0;
    while (pos < len) {
        lineno++;
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        size_t n = end - pos;
        if (n > 0 && text[pos + n - 1] == '\r')
            n--;
        char line[CLI_CLAIMS_LINE_MAX];
        const char *why = NULL;
        if (n >= sizeof line)
            why = "line too long";
        else if (!line_text_valid((const uint8_t *)text + pos, n))
            why = "not UTF-8 text";
        if (why == NULL) {
            memcpy(line, text + pos, n);
            line[n] = '\0';
            (void)parse_line(c, line, &why);
        }
        if (why != NULL) {
            snprintf(err, errlen, "line %u: %s", lineno, why);
            c->count = 0;
            return false;
        }
        pos = end < len ? end + 1 : end;
    }
    return true;
}

size_t cli_claims_format(const CliClaims *c, char *out, size_t cap)
{
    int n = snprintf(out, cap,
                     "# Localhost Arena claim secrets: <server> <name> <secret>. "
                     "Keep this file private.\n");
    if (n < 0 || (size_t)n >= cap)
        return 0;
    size_t len = (size_t)n;
    for (unsigned i = 0; i < c->count; i++) {
        n = snprintf(out + len, cap - len, "%s %s %s\n", c->e[i].server, c->e[i].name, c->e[i].hex);
        if (n < 0 || (size_t)n >= cap - len)
            return 0;
        len += (size_t)n;
    }
    return len;
}

bool cli_claims_load(CliClaims *c, const char *path, char *err, size_t errlen)
{
    c->count = 0;
    char *text;
    size_t n;
    if (!cli_files_read(path, CLI_CLAIMS_FILE_MAX, &text, &n, err, errlen))
        return false;
    if (text == NULL)
        return true;
    char inner[128];
    bool ok = cli_claims_parse(c, text, n, inner, sizeof inner);
    free(text);
    if (!ok)
        snprintf(err, errlen, "%s: %s", path, inner);
    return ok;
}

bool cli_claims_save(const CliClaims *c, const char *path, char *err, size_t errlen)
{
    static const size_t cap = CLI_CLAIMS_MAX * (CLI_CLAIMS_SERVER_MAX + 64) + 128;
    char *text = malloc(cap);
    size_t len = text ? cli_claims_format(c, text, cap) : 0;
    if (len == 0) {
        snprintf(err, errlen, "%s: cannot write (out of memory)", path);
        free(text);
        return false;
    }
    bool ok = cli_files_replace(path, text, len, err, errlen);
    free(text);
    return ok;
}

bool cli_claims_default_path(char *out, size_t cap)
{
    return cli_files_path(CLI_FILE_CONFIG, "claims", out, cap);
}
