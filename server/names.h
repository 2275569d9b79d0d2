/* names.h — player names people can trust: validation, normalization, confusable keys.
 *
 * Owns the server's name rules (docs/protocol.md §5.2 "Names"), enforced with ICU: a name is
 * NFC-normalized, 1..PROTO_NAME_MAX bytes of UTF-8 after normalization, made of letters, marks
 * (not first), decimal digits and `_ - . [ ] ( )`; no control, format, bidi, space-like,
 * default-ignorable, private-use or unassigned code points; one script (UTS #39 "moderately
 * restrictive": Latin may mix with one other script except Cyrillic and Greek, digits of one
 * system), at least one letter or digit. Every name has two confusable keys, and two names are
 * the same name for `ERR taken`, WHISPER, bans and the hall of fame when any key of one equals
 * any key of the other (name_keys_match):
 *   key = fold(skeleton(fold(NFKC(name))))             case first: `Bia` is `bia`
 *   alt = fold(skeleton(fold(skeleton(NFKC(name)))))   shapes first: Cyrillic `КОТ` is `KOT`,
 *                                                      `botI` is `botl` is `bot1`
 * (fold = NFKC_Casefold, skeleton = UTS #39). So `bot0`, `BOT0`, `botO` and `ｂｏｔ０` are one
 * name, as are the Latin `cop` and the Cyrillic `сор` or `СОР`; a Latin name with one Cyrillic
 * о is refused outright as mixed scripts.
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
    NAME_NO_LETTER,  /* only punctuation */
    NAME_INTERNAL,   /* ICU failed */
} NameError;

typedef struct NameInfo {
    char name[PROTO_NAME_MAX + 1]; /* NFC form: what the server uses and shows */
    char key[NAME_KEY_MAX + 1];    /* confusable keys (above) */
    char alt[NAME_KEY_MAX + 1];
} NameInfo;

typedef struct Names Names;

/* Opens ICU's normalizers and spoof checker. NULL with a reason on failure. */
Names *names_create(char *err, size_t errlen);
void names_destroy(Names *n);
/* Validates raw bytes (len of them) as a name; on NAME_OK fills *out. */
NameError names_check(Names *n, const char *raw, size_t len, NameInfo *out);
/* The keys of any UTF-8 text (names stored before these rules, names typed by an operator);
 * false if the text is empty, not UTF-8 or its keys do not fit (or are empty). */
bool names_keys(Names *n, const char *text, char *key, char *alt, size_t cap);
/* Just the first key. */
bool names_key(Names *n, const char *text, char *key, size_t cap);
/* True if names with keys (k1, a1) and (k2, a2) are the same name. */
bool name_keys_match(const char *k1, const char *a1, const char *k2, const char *a2);
/* For people: why a name was refused. */
const char *name_error_str(NameError e);

#endif
