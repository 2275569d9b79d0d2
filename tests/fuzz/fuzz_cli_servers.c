/* fuzz_cli_servers.c — libFuzzer target for the recent-servers file parser
 * (client/core/cli_servers.h).
 *
 * Any bytes are a servers file as read from disk. cli_servers_parse must answer without a
 * crash or a read past the text (an exact-size copy, no NUL after it); every entry it keeps
 * is valid (host, port, name), and formatting the list and parsing the result gives the same
 * list with no bad line (what a save then a load does). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli_servers.h"
#include "line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > CLI_SERVERS_FILE_MAX)
        return 0; /* the client never reads more */
    static CliServerList a, b;
    static char out[CLI_SERVERS_FILE_MAX * 2];
    char *text = malloc(size ? size : 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    unsigned bad = 0;
    cli_servers_parse(text, size, &a, &bad);
    free(text);
    CHECK(a.count <= CLI_SERVERS_MAX);
    for (unsigned i = 0; i < a.count; i++) {
        CHECK(cli_servers_host_valid(a.e[i].host));
        CHECK(a.e[i].port != 0);
        size_t n = strnlen(a.e[i].name, sizeof a.e[i].name);
        CHECK(n <= CLI_SERVERS_NAME_MAX && line_text_safe((const uint8_t *)a.e[i].name, n));
    }
    size_t n = cli_servers_format(&a, out, sizeof out);
    CHECK(n > 0);
    cli_servers_parse(out, n, &b, &bad);
    CHECK(bad == 0);
    CHECK(memcmp(&a, &b, sizeof a) == 0);
    return 0;
}
