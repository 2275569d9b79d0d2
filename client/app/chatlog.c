/* chatlog.c — see chatlog.h. */
#include "chatlog.h"

#include <string.h>

float app_chat_alpha(uint64_t line_us, uint64_t now_us, bool open)
{
    if (open)
        return 1.0f;
    double age = now_us > line_us ? (double)(now_us - line_us) / 1e6 : 0.0;
    if (age <= APP_CHAT_SHOW_S)
        return 1.0f;
    double t = (age - APP_CHAT_SHOW_S) / APP_CHAT_FADE_S;
    return t >= 1.0 ? 0.0f : (float)(1.0 - t);
}

unsigned app_chat_visible(const CliChat *chat, uint64_t now_us, bool open, unsigned *idx,
                          unsigned cap)
{
    unsigned want = open ? APP_CHAT_LINES_OPEN : APP_CHAT_LINES_IDLE;
    if (want > cap)
        want = cap;
    unsigned total = cli_chat_count(chat);
    /* Walk back from the newest, then reverse into oldest-first order. */
    unsigned n = 0;
    for (unsigned i = total; i > 0 && n < want; i--) {
        const CliChatEntry *e = cli_chat_get(chat, i - 1);
        if (e == NULL)
            break;
        if (!open && app_chat_alpha(e->time_us, now_us, false) <= 0.0f)
            break; /* older lines are even more faded */
        if (e->kind == CLI_CHAT_HIT)
            continue; /* hits and kills are the kill feed's (killfeed.h), not chat */
        idx[n++] = i - 1;
    }
    for (unsigned a = 0, b = n; a + 1 < b; a++, b--) {
        unsigned t = idx[a];
        idx[a] = idx[b - 1];
        idx[b - 1] = t;
    }
    return n;
}

AppColorRole app_chat_color(uint8_t kind)
{
    switch (kind) {
    case CLI_CHAT_SAY:
        return APP_COL_CHAT_SAY;
    case CLI_CHAT_ACTION:
        return APP_COL_CHAT_ACTION;
    case CLI_CHAT_WHISPER:
        return APP_COL_CHAT_WHISPER;
    case CLI_CHAT_JOIN:
        return APP_COL_CHAT_JOIN;
    case CLI_CHAT_LEAVE:
        return APP_COL_CHAT_LEAVE;
    case CLI_CHAT_HIT:
        return APP_COL_CHAT_HIT;
    case CLI_CHAT_NOTICE:
        return APP_COL_CHAT_NOTICE;
    case CLI_CHAT_ERROR:
        return APP_COL_CHAT_ERROR;
    case CLI_CHAT_LOCAL:
        return APP_COL_CHAT_LOCAL;
    default:
        return APP_COL_TEXT;
    }
}

/* ---- wrapping and scrollback ------------------------------------------------------------- */

/* Bytes of the UTF-8 character starting at s[i] (1 for a stray continuation byte). */
static size_t char_len(const char *s, size_t i, size_t n)
{
    unsigned char c = (unsigned char)s[i];
    size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    for (size_t j = 1; j < k; j++)
        if (i + j >= n || ((unsigned char)s[i + j] & 0xC0) != 0x80)
            return j;
    return k;
}

/* The end (exclusive) of the longest run of whole characters from start that fits max_w;
 * at least one character. */
static size_t fit_chars(const char *s, size_t start, size_t n, int max_w, AppChatMeasure m,
                        void *ctx)
{
    size_t end = start + char_len(s, start, n);
    while (end < n) {
        size_t next = end + char_len(s, end, n);
        if (m(ctx, s + start, next - start) > max_w)
            break;
        end = next;
    }
    return end;
}

/* One display line from start: its end (exclusive) and where the next one starts. */
static void next_line(const char *s, size_t start, size_t n, int max_w, AppChatMeasure m, void *ctx,
                      size_t *end, size_t *next)
{
    if (m(ctx, s + start, n - start) <= max_w) {
        *end = *next = n;
        return;
    }
    size_t brk = 0; /* the last space whose line fits */
    for (size_t i = start + 1; i < n; i++) {
        if (s[i] != ' ')
            continue;
        if (m(ctx, s + start, i - start) > max_w)
            break;
        brk = i;
    }
    if (brk > start) {
        *end = brk;
        *next = brk + 1;
        return;
    }
    *end = *next = fit_chars(s, start, n, max_w, m, ctx); /* a word longer than a line */
}

unsigned app_chat_wrap(const char *s, int max_w, AppChatMeasure m, void *ctx, AppChatSpan *out,
                       unsigned cap)
{
    size_t n = strlen(s);
    if (n > UINT16_MAX)
        n = UINT16_MAX;
    unsigned k = 0;
    size_t start = 0;
    while (start < n && k < cap) {
        size_t end, next;
        next_line(s, start, n, max_w, m, ctx, &end, &next);
        out[k].start = (uint16_t)start;
        out[k].len = (uint16_t)(end - start);
        k++;
        start = next;
    }
    return k;
}

enum { WRAP_MAX = 16 }; /* display lines one entry may take (a 512-byte line at 32 px) */

unsigned app_chat_layout(const CliChat *chat, uint64_t now_us, bool open, unsigned *scroll,
                         int max_w, AppChatMeasure m, void *ctx, AppChatRow *rows,
                         unsigned rows_max, bool *more_below)
{
    unsigned total = cli_chat_count(chat);
    if (*scroll >= total)
        *scroll = total > 0 ? total - 1 : 0;
    *more_below = *scroll > 0;
    unsigned want = open ? APP_CHAT_LINES_OPEN : APP_CHAT_LINES_IDLE;
    if (want > rows_max)
        want = rows_max;
    /* Walk back from the newest shown entry, filling rows from the bottom up. */
    unsigned n = 0;
    char line[PROTO_LINE_MAX + 64];
    for (unsigned i = total - *scroll; i > 0 && n < want; i--) {
        const CliChatEntry *e = cli_chat_get(chat, i - 1);
        if (e == NULL || (!open && app_chat_alpha(e->time_us, now_us, false) <= 0.0f))
            break;
        if (e->kind == CLI_CHAT_HIT)
            continue; /* hits and kills are the kill feed's (killfeed.h), not chat */
        cli_chat_format(e, line, sizeof line);
        AppChatSpan spans[WRAP_MAX];
        unsigned k = app_chat_wrap(line, max_w, m, ctx, spans, WRAP_MAX);
        for (unsigned j = k; j > 0 && n < want; j--)
            rows[n++] = (AppChatRow){.entry = i - 1, .span = spans[j - 1]};
    }
    for (unsigned a = 0, b = n; a + 1 < b; a++, b--) {
        AppChatRow t = rows[a];
        rows[a] = rows[b - 1];
        rows[b - 1] = t;
    }
    return n;
}
