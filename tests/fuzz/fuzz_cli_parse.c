/* fuzz_cli_parse.c — libFuzzer target for the client's own parsers of server bytes:
 * login answer and CLAIM lines (cli_parse.h), chat lines and typed commands (cli_chat.h), and
 * the raw ENet datagram peek. Every input must be handled without a crash, a read out of
 * bounds or an inconsistent result. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_chat.h"
#include "cli_parse.h"
#include "line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The datagram walker sees raw bytes, exactly as received. */
    uint8_t *raw = malloc(size ? size : 1);
    if (raw == NULL)
        return 0;
    memcpy(raw, data, size);
    for (uint8_t ch = 0; ch < 3; ch++)
        (void)cli_datagram_has_channel_data(raw, size, ch);
    free(raw);

    /* Lines: what a LineReader could hand over (up to PROTO_LINE_MAX bytes, NUL-terminated). */
    char line[PROTO_LINE_MAX + 1];
    size_t n = size < PROTO_LINE_MAX ? size : PROTO_LINE_MAX;
    memcpy(line, data, n);
    line[n] = '\0';
    CliLoginOk ok;
    if (cli_parse_login_ok(line, &ok) && (ok.player_id >= PROTO_MAX_PLAYERS || ok.udp_port == 0))
        abort();
    (void)cli_parse_hello_version(line);
    char code[CLI_ERR_CODE_MAX + 1];
    const char *text;
    if (cli_parse_err(line, code, &text) && (strlen(code) == 0 || strlen(code) > CLI_ERR_CODE_MAX))
        abort();
    char claim_name[PROTO_NAME_MAX + 1], claim_hex[2 * PROTO_TOKEN_BYTES + 1];
    if (cli_parse_claim(line, claim_name, claim_hex)) {
        size_t nn = strlen(claim_name);
        if (nn == 0 || nn > PROTO_NAME_MAX || strchr(claim_name, ' ') != NULL ||
            !line_text_valid((const uint8_t *)claim_name, nn) ||
            strlen(claim_hex) != 2 * PROTO_TOKEN_BYTES ||
            strspn(claim_hex, "0123456789abcdef") != 2 * PROTO_TOKEN_BYTES)
            abort();
        /* what the client stores, the claims file takes back (cli_claims_put validates) */
        char again[PROTO_LINE_MAX + 1];
        snprintf(again, sizeof again, "%s %s", claim_name, claim_hex);
        char n2[PROTO_NAME_MAX + 1], h2[2 * PROTO_TOKEN_BYTES + 1];
        if (!cli_parse_claim(again, n2, h2) || strcmp(n2, claim_name) != 0 ||
            strcmp(h2, claim_hex) != 0)
            abort();
    }
    CliChatEntry e;
    if (cli_chat_parse(line, 1, &e)) {
        char shown[PROTO_LINE_MAX + 64];
        size_t k = cli_chat_format(&e, shown, sizeof shown);
        if (k != strlen(shown) || strlen(e.name) > PROTO_NAME_MAX ||
            strlen(e.other) > PROTO_NAME_MAX)
            abort();
    }
    char out[PROTO_LINE_MAX + 1];
    bool is_chat;
    if (cli_chat_command(line, out, sizeof out, &is_chat) == CLI_CMD_SEND &&
        (strlen(out) + 1 > PROTO_LINE_MAX || strlen(out) == 0))
        abort();
    return 0;
}
