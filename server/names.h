/* names.h — player names people can trust: validation, normalization, confusable keys.
 *
 * Owns the server's name rules (docs/protocol.md §5.2 "Names"), enforced with ICU: a name is
 * NFC-normalized, 1..PROTO_NAME_MAX bytes of UTF-8 after normalization, made of letters, marks
 * (not first), decimal digits and `_ - . [ ] ( )`; no control, format, bidi, space-like,
 * default-ignorable, private-use or unassigned code points; one script (UTS #39 "moderately
 * restrictive": Latin may mix with one other script except Cyrillic and Greek, digits of one
 * system). Two names whose keys are equal are the same name for `ERR taken`, WHISPER and the
 * hall of fame; the key is the UTS #39 skeleton of the case-folded NFKC form, case-folded
 * again, so `bot0`, `BOT0`, `botO` and `ｂｏｔ０` share one key, as do the Latin `cop` and the
 * Cyrillic `сор` (a Latin name with one Cyrillic о is refused outright as mixed scripts).
 * Never trusts its input: any byte string is answered with an error or a valid name. */
#ifndef ARENA_SRV_NAMES_H
#define ARENA_SRV_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "protocol.h"

enum { NAME_KEY_MAX = 8 * PROTO_NAME_MAX }; /* a skeleton may be longer than its name */

typedef enum NameError {
    NAME_OK = 0,
    NAME_EMPTY,
    NAME_TOO_LONG,   /* more than PROTO_NAME_MAX bytes (after NFC) */
    NAME_NOT_UTF8,   /* not valid UTF-8 */
    NAME_BAD_CHAR,   /* a code point outside the allowed classes */
    NAME_FIRST_MARK, /* starts with a combining mark */
    NAME_MIXED,      /* mixes scripts or digit systems, or hides characters */
    NAME_INTERNAL,   /* ICU failed */
} NameError;

typedef struct NameInfo {
    char name[PROTO_NAME_MAX + 1]; /* NFC form: what the server uses and shows */
    char key[NAME_KEY_MAX + 1];    /* confusable key: equal keys = the same name */
} NameInfo;

typedef struct Names Names;

/* Opens ICU's normalizers and spoof checker. NULL with a reason on failure. */
Names *names_create(char *err, size_t errlen);
void names_destroy(Names *n);
/* Validates raw bytes (len of them) as a name; on NAME_OK fills *out. */
NameError names_check(Names *n, const char *raw, size_t len, NameInfo *out);
/* The key of any UTF-8 text (used for names stored before these rules); false on failure. */
bool names_key(Names *n, const char *text, char *key, size_t cap);
/* For people: why a name was refused. */
const char *name_error_str(NameError e);

#endif
