/* ns_login.c — see ns_login.h. */
#include "ns_login.h"

#include <stdio.h>
#include <string.h>

void ns_login_init(NsLoginScan *s, uint16_t port)
{
    memset(s, 0, sizeof *s);
    s->port = port;
}

/* The value of the " udp=" field as a port, its offset and length; false if none. */
static bool find_udp(const char *line, size_t len, size_t *at, size_t *vlen, uint16_t *port)
{
    for (size_t i = 3; i + 5 <= len; i++) {
        if (line[i - 1] != ' ' || memcmp(line + i, "udp=", 4) != 0)
            continue;
        size_t j = i + 4;
        unsigned long v = 0;
        while (j < len && j - (i + 4) < 6 && line[j] >= '0' && line[j] <= '9')
            v = v * 10 + (unsigned long)(line[j++] - '0');
        if (j == i + 4 || (j < len && line[j] != ' ') || v == 0 || v > 65535)
            return false;
        *at = i + 4;
        *vlen = j - *at;
        *port = (uint16_t)v;
        return true;
    }
    return false;
}

size_t ns_login_rewrite_ok(const char *line, size_t len, uint16_t port, char *out, size_t cap,
                           uint16_t *old)
{
    size_t at, vlen;
    if (len < 3 || memcmp(line, "OK ", 3) != 0 || !find_udp(line, len, &at, &vlen, old))
        return 0;
    char digits[8];
    int dn = snprintf(digits, sizeof digits, "%u", (unsigned)port);
    size_t total = len - vlen + (size_t)dn;
    if (dn <= 0 || total > cap)
        return 0;
    memcpy(out, line, at);
    memcpy(out + at, digits, (size_t)dn);
    memcpy(out + at + (size_t)dn, line + at + vlen, len - at - vlen);
    return total;
}

/* A complete line (with its "\n") in s->line: out as it is or rewritten. */
static size_t emit_line(NsLoginScan *s, uint8_t *out, size_t cap)
{
    size_t len = s->held - 1; /* without the "\n" */
    uint16_t old = 0;
    size_t k = ns_login_rewrite_ok(s->line, len, s->port, (char *)out, cap - 1, &old);
    if (k > 0) {
        s->found = old;
        s->rewritten++;
        s->done = true;
        out[k] = '\n';
        return k + 1;
    }
    if (strncmp(s->line, "OK ", 3) == 0)
        s->done = true; /* the answer, whatever it said */
    memcpy(out, s->line, s->held);
    return s->held;
}

size_t ns_login_feed(NsLoginScan *s, const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    size_t w = 0, i = 0;
    while (i < n && !s->done) {
        uint8_t ch = in[i++];
        if (++s->seen >= NS_LOGIN_SCAN_MAX)
            s->done = true; /* not our protocol, or not its login: hands off */
        if (s->passing) {   /* a line that cannot be the answer: byte by byte */
            out[w++] = ch;
            s->passing = ch != '\n';
            continue;
        }
        s->line[s->held++] = (char)ch;
        if (ch == '\n') {
            w += emit_line(s, out + w, cap - w);
            s->held = 0;
        } else if (s->held <= 3 && memcmp(s->line, "OK ", s->held) != 0) {
            memcpy(out + w, s->line, s->held); /* held back only while it may be "OK ..." */
            w += s->held;
            s->held = 0;
            s->passing = true;
        } else if (s->held == sizeof s->line) {
            s->done = true; /* longer than any line of the protocol */
        }
    }
    if (s->done && s->held > 0) {
        memcpy(out + w, s->line, s->held);
        w += s->held;
        s->held = 0;
    }
    memcpy(out + w, in + i, n - i);
    return w + (n - i);
}
