/* field.c — see field.h. */
#include "field.h"

#include <stdio.h>
#include <string.h>

#include "line.h"
#include "protocol.h"

/* Length of the UTF-8 sequence starting with byte b (1 for anything odd; callers only walk
 * text that is already valid). */
static size_t seq_len(unsigned char b)
{
    if (b < 0x80)
        return 1;
    if ((b & 0xE0) == 0xC0)
        return 2;
    if ((b & 0xF0) == 0xE0)
        return 3;
    if ((b & 0xF8) == 0xF0)
        return 4;
    return 1;
}

/* Decodes the code point at s (valid UTF-8 of n bytes). */
static unsigned code_point(const unsigned char *s, size_t n)
{
    switch (n) {
    case 1:
        return s[0];
    case 2:
        return ((unsigned)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    case 3:
        return ((unsigned)(s[0] & 0x0F) << 12) | ((unsigned)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    default:
        return ((unsigned)(s[0] & 0x07) << 18) | ((unsigned)(s[1] & 0x3F) << 12) |
               ((unsigned)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    }
}

void app_field_init(AppField *f, size_t max_bytes)
{
    memset(f, 0, sizeof *f);
    f->max_bytes = max_bytes < APP_FIELD_CAP ? max_bytes : APP_FIELD_CAP;
}

void app_field_clear(AppField *f)
{
    f->text[0] = '\0';
    f->len = 0;
    f->cursor = 0;
}

void app_field_set(AppField *f, const char *text)
{
    app_field_clear(f);
    (void)app_field_insert(f, text);
}

bool app_field_insert(AppField *f, const char *utf8)
{
    const unsigned char *s = (const unsigned char *)utf8;
    size_t n = strlen(utf8);
    if (n == 0 || !line_utf8_valid(s, n))
        return false;
    bool added = false;
    for (size_t i = 0; i < n;) {
        size_t k = seq_len(s[i]);
        /* A code point that does not fit is dropped; so is everything after it, so that a
         * paste is cut, not spliced. */
        if (f->len + k > f->max_bytes)
            break;
        if (!line_text_valid(s + i, k)) { /* a control character: skip it */
            i += k;
            continue;
        }
        memmove(f->text + f->cursor + k, f->text + f->cursor, f->len - f->cursor + 1);
        memcpy(f->text + f->cursor, s + i, k);
        f->len += k;
        f->cursor += k;
        i += k;
        added = true;
    }
    return added;
}

/* Start of the code point before byte offset pos. */
static size_t prev_boundary(const AppField *f, size_t pos)
{
    if (pos == 0)
        return 0;
    pos--;
    while (pos > 0 && ((unsigned char)f->text[pos] & 0xC0) == 0x80)
        pos--;
    return pos;
}

static size_t next_boundary(const AppField *f, size_t pos)
{
    if (pos >= f->len)
        return f->len;
    size_t k = seq_len((unsigned char)f->text[pos]);
    return pos + k <= f->len ? pos + k : f->len;
}

static void erase(AppField *f, size_t from, size_t to)
{
    memmove(f->text + from, f->text + to, f->len - to + 1);
    f->len -= to - from;
    f->cursor = from;
}

void app_field_backspace(AppField *f)
{
    if (f->cursor > 0)
        erase(f, prev_boundary(f, f->cursor), f->cursor);
}

void app_field_delete(AppField *f)
{
    if (f->cursor < f->len)
        erase(f, f->cursor, next_boundary(f, f->cursor));
}

void app_field_left(AppField *f)
{
    f->cursor = prev_boundary(f, f->cursor);
}

void app_field_right(AppField *f)
{
    f->cursor = next_boundary(f, f->cursor);
}

void app_field_home(AppField *f)
{
    f->cursor = 0;
}

void app_field_end(AppField *f)
{
    f->cursor = f->len;
}

static bool name_char_ok(unsigned cp)
{
    if (cp >= 0xA0)
        return true;
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'))
        return true;
    return cp == '_' || cp == '-' || cp == '.' || cp == '[' || cp == ']' || cp == '(' || cp == ')';
}

bool app_name_valid(const char *name)
{
    const unsigned char *s = (const unsigned char *)name;
    size_t n = strlen(name);
    if (n == 0 || n > PROTO_NAME_MAX || !line_text_valid(s, n))
        return false;
    for (size_t i = 0; i < n;) {
        size_t k = seq_len(s[i]);
        if (!name_char_ok(code_point(s + i, k)))
            return false;
        i += k;
    }
    return true;
}

void app_name_sanitize(const char *src, char *out, size_t cap)
{
    if (cap == 0)
        return;
    out[0] = '\0';
    const unsigned char *s = (const unsigned char *)src;
    size_t n = strlen(src), o = 0;
    size_t limit = cap - 1 < PROTO_NAME_MAX ? cap - 1 : PROTO_NAME_MAX;
    if (line_utf8_valid(s, n)) {
        for (size_t i = 0; i < n;) {
            size_t k = seq_len(s[i]);
            if (o + k > limit)
                break;
            if (line_text_valid(s + i, k) && name_char_ok(code_point(s + i, k))) {
                memcpy(out + o, s + i, k);
                o += k;
            }
            i += k;
        }
    }
    out[o] = '\0';
    if (o == 0)
        snprintf(out, cap, "player");
}
