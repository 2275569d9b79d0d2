/* fuzz_cli_claims.c — libFuzzer target for the claims file parser (client/core/cli_claims.h).
 *
 * Any bytes are a claims file as read from disk. cli_claims_parse must answer without a crash
 * or a read past the text (an exact-size copy, no NUL after it). A refusal names a line and
 * loads nothing; an accepted file holds valid entries only, and formatting them and parsing
 * the result gives the same entries in the same order (what a save then a load does). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli_claims.h"
#include "line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static bool valid_field(const char *s, size_t cap)
{
    const char *end = memchr(s, '\0', cap);
    if (end == NULL || end == s)
        return false;
    size_t n = (size_t)(end - s);
    return memchr(s, ' ', n) == NULL && line_text_valid((const uint8_t *)s, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > CLI_CLAIMS_FILE_MAX)
        return 0; /* cli_claims_load never parses more */
    static CliClaims a, b;
    char *text = malloc(size ? size : 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    char err[128];
    memset(err, 0, sizeof err);
    a.count = 7;
    bool ok = cli_claims_parse(&a, text, size, err, sizeof err);
    free(text);
    if (!ok) {
        CHECK(a.count == 0);
        CHECK(strncmp(err, "line ", 5) == 0);
        return 0;
    }
    CHECK(a.count <= CLI_CLAIMS_MAX);
    for (unsigned i = 0; i < a.count; i++) {
        const CliClaim *e = &a.e[i];
        CHECK(valid_field(e->server, sizeof e->server));
        CHECK(valid_field(e->name, sizeof e->name));
        CHECK(strlen(e->hex) == 2 * PROTO_TOKEN_BYTES);
        CHECK(strspn(e->hex, "0123456789abcdef") == 2 * PROTO_TOKEN_BYTES);
        CHECK(cli_claims_find(&a, e->server, e->name) == e->hex);
    }

    static char out[CLI_CLAIMS_MAX * (CLI_CLAIMS_SERVER_MAX + 64) + 128];
    size_t n = cli_claims_format(&a, out, sizeof out);
    CHECK(n > 0 && n == strlen(out));
    CHECK(cli_claims_parse(&b, out, n, err, sizeof err));
    CHECK(b.count == a.count);
    for (unsigned i = 0; i < a.count; i++) {
        CHECK(strcmp(a.e[i].server, b.e[i].server) == 0);
        CHECK(strcmp(a.e[i].name, b.e[i].name) == 0);
        CHECK(strcmp(a.e[i].hex, b.e[i].hex) == 0);
    }
    return 0;
}
