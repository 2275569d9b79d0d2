/* cli_parse.c — see cli_parse.h. */
#include "cli_parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "enet_wire.h"
#include "line.h"

/* Decimal digits only, no sign, no leading zero (except "0"), value <= max. */
static bool parse_uint(const char *s, size_t n, unsigned long max, unsigned long *out)
{
    if (n == 0 || n > 10 || (n > 1 && s[0] == '0'))
        return false;
    unsigned long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

static int hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static bool parse_token(const char *s, size_t n, uint8_t out[PROTO_TOKEN_BYTES])
{
    if (n != 2 * PROTO_TOKEN_BYTES)
        return false;
    for (size_t i = 0; i < PROTO_TOKEN_BYTES; i++) {
        int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

static bool key_is(const char *k, size_t kn, const char *want)
{
    return kn == strlen(want) && memcmp(k, want, kn) == 0;
}

bool cli_parse_login_ok(const char *args, CliLoginOk *out)
{
    CliLoginOk ok;
    memset(&ok, 0, sizeof ok);
    memset(out, 0, sizeof *out);
    enum { TOKEN = 1, ID = 2, UDP = 4, VERSION = 8, TICK = 16, SNAP = 32 };
    unsigned seen = 0;
    const char *p = args;
    while (*p != '\0') {
        size_t n = strcspn(p, " ");
        const char *eq = memchr(p, '=', n);
        if (eq != NULL) {
            const char *k = p, *v = eq + 1;
            size_t kn = (size_t)(eq - p), vn = n - kn - 1;
            unsigned long num = 0;
            unsigned bit = 0;
            bool good = true;
            if (key_is(k, kn, "token")) {
                bit = TOKEN;
                good = parse_token(v, vn, ok.token);
            } else if (key_is(k, kn, "id")) {
                bit = ID;
                good = parse_uint(v, vn, PROTO_MAX_PLAYERS - 1, &num);
                ok.player_id = (uint16_t)num;
            } else if (key_is(k, kn, "udp")) {
                bit = UDP;
                good = parse_uint(v, vn, 65535, &num) && num > 0;
                ok.udp_port = (uint16_t)num;
            } else if (key_is(k, kn, "version")) {
                bit = VERSION;
                good = parse_uint(v, vn, 255, &num) && num == PROTO_VERSION;
            } else if (key_is(k, kn, "tick")) {
                bit = TICK;
                good = parse_uint(v, vn, 255, &num) && num == PROTO_TICK_HZ;
            } else if (key_is(k, kn, "snap")) {
                bit = SNAP;
                good =
                    parse_uint(v, vn, PROTO_SNAPSHOT_HZ_MAX, &num) && num >= PROTO_SNAPSHOT_HZ_MIN;
                ok.snapshot_hz = (uint8_t)num;
            }
            if (!good || (seen & bit) != 0)
                return false;
            seen |= bit;
        }
        p += n;
        if (*p == ' ')
            p++;
    }
    if ((seen & (TOKEN | ID | UDP)) != (TOKEN | ID | UDP))
        return false;
    *out = ok;
    return true;
}

long cli_parse_hello_version(const char *line)
{
    if (strncmp(line, "HELLO ", 6) != 0)
        return -1;
    const char *v = line + 6;
    size_t n = strcspn(v, " ");
    unsigned long num;
    if (!parse_uint(v, n, 1000000, &num))
        return -1;
    return (long)num;
}

bool cli_parse_err(const char *args, char code[CLI_ERR_CODE_MAX + 1], const char **text)
{
    size_t n = strcspn(args, " ");
    code[0] = '\0';
    *text = "";
    if (n == 0 || n > CLI_ERR_CODE_MAX)
        return false;
    memcpy(code, args, n);
    code[n] = '\0';
    *text = args[n] == ' ' ? args + n + 1 : args + n;
    return true;
}

bool cli_parse_claim(const char *args, char name[PROTO_NAME_MAX + 1],
                     char hex[2 * PROTO_CLAIM_BYTES + 1])
{
    const char *sp = strchr(args, ' ');
    size_t nn = sp ? (size_t)(sp - args) : 0;
    if (sp == NULL || nn == 0 || nn > PROTO_NAME_MAX ||
        !line_text_valid((const uint8_t *)args, nn) || strlen(sp + 1) != 2 * PROTO_CLAIM_BYTES)
        return false;
    for (size_t i = 0; i < 2 * PROTO_CLAIM_BYTES; i++) {
        int d = hex_digit(sp[1 + i]);
        if (d < 0)
            return false;
        hex[i] = "0123456789abcdef"[d];
    }
    hex[2 * PROTO_CLAIM_BYTES] = '\0';
    memcpy(name, args, nn);
    name[nn] = '\0';
    return true;
}

bool cli_datagram_has_channel_data(const uint8_t *d, size_t len, uint8_t channel)
{
    EwHeader h;
    if (!ew_read_header(d, len, true, &h) || h.compressed)
        return false;
    EwWalk w;
    ew_walk_init(&w, d, len, &h);
    EwCommand c;
    while (ew_walk_next(&w, &c) == EW_COMMAND)
        if (c.channel == channel && c.data_len > 0)
            return true;
    return false;
}

bool cli_parse_host_port(const char *arg, char *host, size_t cap, uint16_t *port)
{
    const char *colon = strrchr(arg, ':');
    size_t hn = colon ? (size_t)(colon - arg) : strlen(arg);
    if (hn == 0 || hn >= cap || memchr(arg, ' ', hn) != NULL)
        return false;
    if (colon != NULL) {
        const char *p = colon + 1;
        if (*p == '\0' || strlen(p) > 5)
            return false;
        long v = 0;
        for (; *p; p++) {
            if (*p < '0' || *p > '9')
                return false;
            v = v * 10 + (*p - '0');
        }
        if (v < 1 || v > 65535)
            return false;
        *port = (uint16_t)v;
    }
    memcpy(host, arg, hn);
    host[hn] = '\0';
    return true;
}

bool cli_parse_number(const char *s, double lo, double hi, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || errno != 0 || !(v >= lo && v <= hi))
        return false;
    *out = v;
    return true;
}
