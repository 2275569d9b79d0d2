/* line.c — see line.h. A byte-at-a-time state machine, so the outcome never depends on how
 * recv() split the stream. Never allocates, never reads outside the given ranges. */
#include "line.h"

#include <assert.h>

void line_reader_init(LineReader *r)
{
    r->line[0] = '\0';
    r->len = 0;
    r->skipping = false;
    r->done = false;
}

/* Checks the finished line content (terminator already removed). */
static LineStatus line_check(const LineReader *r)
{
    const uint8_t *s = (const uint8_t *)r->line;
    if (!line_utf8_valid(s, r->len))
        return LINE_ERR_UTF8;
    if (!line_text_valid(s, r->len))
        return LINE_ERR_CONTROL;
    return LINE_READY;
}

LineStatus line_reader_feed(LineReader *r, const uint8_t *data, size_t len, size_t *consumed)
{
    assert(r != NULL && consumed != NULL);
    assert(data != NULL || len == 0);
    if (r->done) {
        /* The previous call handed out a finished line (or error): start a new one. */
        r->len = 0;
        r->line[0] = '\0';
        r->done = false;
    }
    for (size_t i = 0; i < len; i++) {
        uint8_t c = data[i];
        if (r->skipping) {
            if (c == '\n')
                r->skipping = false; /* the over-long line is over; nothing to report */
            continue;
        }
        if (c == '\n') {
            if (r->len > 0 && r->line[r->len - 1] == '\r')
                r->len--;
            if (r->len == 0)
                continue; /* empty line or bare "\r\n": a keep-alive */
            r->line[r->len] = '\0';
            r->done = true;
            *consumed = i + 1;
            LineStatus st = line_check(r);
            if (st != LINE_READY) {
                r->len = 0;
                r->line[0] = '\0';
            }
            return st;
        }
        /* PROTO_LINE_MAX counts the "\n" too, so at most PROTO_LINE_MAX - 1 other bytes. */
        if (r->len + 1 >= PROTO_LINE_MAX) {
            r->skipping = true;
            r->done = true;
            r->len = 0;
            r->line[0] = '\0';
            *consumed = i + 1;
            return LINE_ERR_TOO_LONG;
        }
        r->line[r->len++] = (char)c;
    }
    *consumed = len;
    return LINE_NEED_MORE;
}

/* Length of the UTF-8 sequence starting at s[0..len), or 0 if it is not strictly valid
 * (RFC 3629 table 3-7). *cp receives the code point. */
static size_t utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
    uint8_t b0 = s[0];
    if (b0 < 0x80) {
        *cp = b0;
        return 1;
    }
    size_t n;
    uint8_t lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    uint32_t v;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        n = 2;
        v = b0 & 0x1Fu;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        n = 3;
        v = b0 & 0x0Fu;
        if (b0 == 0xE0)
            lo = 0xA0; /* overlong */
        else if (b0 == 0xED)
            hi = 0x9F; /* surrogates U+D800..U+DFFF */
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        n = 4;
        v = b0 & 0x07u;
        if (b0 == 0xF0)
            lo = 0x90; /* overlong */
        else if (b0 == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0; /* continuation byte, C0/C1 overlong lead, or F5..FF */
    }
    if (len < n)
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    v = (v << 6) | (s[1] & 0x3Fu);
    for (size_t k = 2; k < n; k++) {
        if (s[k] < 0x80 || s[k] > 0xBF)
            return 0;
        v = (v << 6) | (s[k] & 0x3Fu);
    }
    *cp = v;
    return n;
}

static bool is_control(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

bool line_utf8_valid(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

bool line_text_valid(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0 || is_control(cp))
            return false;
        i += n;
    }
    return true;
}

size_t line_utf8_length(const uint8_t *s, size_t len)
{
    size_t count = 0;
    for (size_t i = 0; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            count++;
    return count;
}

size_t line_utf8_boundary(const uint8_t *s, size_t len)
{
    /* Find the lead byte of the last character: back over up to 3 continuation bytes. */
    size_t i = len, cont = 0;
    while (i > 0 && cont < 3 && (s[i - 1] & 0xC0) == 0x80) {
        i--;
        cont++;
    }
    if (i == 0)
        return len; /* nothing but continuation bytes: not a cut character */
    uint8_t b0 = s[i - 1];
    size_t need = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 1;
    if (need == 1)
        return len; /* ASCII last (or a stray continuation byte): nothing was cut */
    return cont + 1 >= need ? len : i - 1;
}

static bool is_forging(uint32_t cp)
{
    return cp == 0x2028 || cp == 0x2029 || cp == 0x85 || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

bool line_text_safe(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0 || is_control(cp) || is_forging(cp))
            return false;
        i += n;
    }
    return true;
}

const char *line_status_str(LineStatus s)
{
    switch (s) {
    case LINE_NEED_MORE:
        return "need more";
    case LINE_READY:
        return "ready";
    case LINE_ERR_TOO_LONG:
        return "line too long";
    case LINE_ERR_UTF8:
        return "invalid UTF-8";
    case LINE_ERR_CONTROL:
        return "control character";
    }
    return "unknown line status";
}
