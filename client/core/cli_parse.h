/* cli_parse.h — parsers for the server bytes the client reads outside shared/'s codecs: the
 * login answer lines of the TCP protocol and a peek into raw ENet datagrams.
 *
 * Owns nothing but the parsing: pure functions over caller buffers, no sockets, no state.
 * Every input is hostile: lengths and characters are checked before anything is stored, and
 * the datagram walker never reads outside [data, data + len). */
#ifndef ARENA_CLI_PARSE_H
#define ARENA_CLI_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

enum {
    CLI_ERR_CODE_MAX = 16, /* bytes of an ERR code word */
};

/* "OK token=<32 hex> id=<id> udp=<port> version=<v> tick=<hz> snap=<hz>". */
typedef struct CliLoginOk {
    uint8_t token[PROTO_TOKEN_BYTES];
    uint16_t player_id;  /* < PROTO_MAX_PLAYERS */
    uint16_t udp_port;   /* 1..65535 */
    uint8_t snapshot_hz; /* 0 if not given */
} CliLoginOk;

/* Parses the arguments of an OK line (the text after "OK "). token, id and udp are required;
 * version, if present, must be PROTO_VERSION and tick, if present, PROTO_TICK_HZ; unknown
 * key=value fields are ignored so the server may add some. Each field may appear once. */
bool cli_parse_login_ok(const char *args, CliLoginOk *out);
/* "HELLO <version> <server name>": the version, or -1 if the line is not a valid HELLO. */
long cli_parse_hello_version(const char *line);
/* Splits the arguments of an ERR line ("<code> <text>") into code (1..CLI_ERR_CODE_MAX bytes,
 * NUL-terminated into code[CLI_ERR_CODE_MAX + 1]) and *text (the rest, maybe ""). */
bool cli_parse_err(const char *args, char code[CLI_ERR_CODE_MAX + 1], const char **text);

/* "CLAIM <name> <32 hex digits>" (the arguments, after "CLAIM "): a legend's claim secret.
 * name gets 1..PROTO_NAME_MAX bytes of valid text without spaces, hex the 32 digits in lower
 * case. False for anything else. */
bool cli_parse_claim(const char *args, char name[PROTO_NAME_MAX + 1],
                     char hex[2 * PROTO_CLAIM_BYTES + 1]);

/* True if a raw ENet datagram (as received from the socket, ENet protocol header and the
 * checksum every game datagram carries first) has message data on ENet channel `channel`.
 * Walks the commands with enet_wire.h; returns false for anything it does not understand
 * (compressed, truncated, unknown commands). */
bool cli_datagram_has_channel_data(const uint8_t *data, size_t len, uint8_t channel);

/* "host[:port]" as typed or given on a command line: host (1..cap-1 bytes, no spaces) into
 * host, port (1..65535, plain digits) into *port, which is left alone when absent. */
bool cli_parse_host_port(const char *arg, char *host, size_t cap, uint16_t *port);
/* A whole decimal number (strtod syntax) within [lo, hi]. */
bool cli_parse_number(const char *s, double lo, double hi, double *out);

#endif
