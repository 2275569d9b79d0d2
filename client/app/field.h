/* field.h — a one-line text field (player name, server address, chat input) and the rules
 * for what a player name may be.
 *
 * Owns editing UTF-8 text by whole code points: insert at the cursor (typed text arrives as
 * UTF-8 from the platform layer), backspace, delete, cursor moves, a byte limit. Text that is
 * not valid UTF-8 or holds control characters is never inserted, so what a field holds can
 * always be sent as a protocol line. Pure: no SDL. */
#ifndef ARENA_APP_FIELD_H
#define ARENA_APP_FIELD_H

#include <stdbool.h>
#include <stddef.h>

enum {
    APP_FIELD_CAP = 512, /* bytes a field can ever hold (before its own limit) */
};

typedef struct AppField {
    char text[APP_FIELD_CAP + 1]; /* NUL-terminated, valid UTF-8, no control characters */
    size_t len;                   /* bytes */
    size_t cursor;                /* byte offset, always at a code point boundary */
    size_t max_bytes;             /* limit, <= APP_FIELD_CAP */
} AppField;

void app_field_init(AppField *f, size_t max_bytes);
/* Replaces the content (cut at max_bytes on a code point boundary; invalid text clears it).
 * The cursor goes to the end. */
void app_field_set(AppField *f, const char *text);
void app_field_clear(AppField *f);
/* Inserts typed UTF-8 at the cursor. Control characters are skipped; invalid UTF-8 inserts
 * nothing; code points that would pass max_bytes are dropped. True if anything was added. */
bool app_field_insert(AppField *f, const char *utf8);
void app_field_backspace(AppField *f); /* removes the code point before the cursor */
void app_field_delete(AppField *f);    /* removes the code point after the cursor */
void app_field_left(AppField *f);
void app_field_right(AppField *f);
void app_field_home(AppField *f);
void app_field_end(AppField *f);

/* A player name per docs/protocol.md: 1..PROTO_NAME_MAX bytes of ASCII letters and digits,
 * `_ - . [ ] ( )`, or code points at or above U+00A0. */
bool app_name_valid(const char *name);
/* A name made from s (e.g. $USER): disallowed characters dropped, cut to PROTO_NAME_MAX bytes;
 * "player" if nothing is left. out needs PROTO_NAME_MAX + 1 bytes. */
void app_name_sanitize(const char *s, char *out, size_t cap);

#endif
