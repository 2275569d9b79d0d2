/* names.c — see names.h. ICU does the Unicode work (normalization, character properties,
 * UTS #39 restriction level and skeletons); this file only states the rules. */
#include "names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "line.h"

enum { U16_CAP = 4 * NAME_KEY_MAX }; /* UTF-16 units of scratch, ample for any name */

struct Names {
    const UNormalizer2 *nfc;
    const UNormalizer2 *nfkc_cf;
    USpoofChecker *spoof;
};

Names *names_create(char *err, size_t errlen)
{
    Names *n = calloc(1, sizeof *n);
    if (n == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    UErrorCode st = U_ZERO_ERROR;
    n->nfc = unorm2_getNFCInstance(&st);
    n->nfkc_cf = unorm2_getNFKCCasefoldInstance(&st);
    n->spoof = uspoof_open(&st);
    if (U_SUCCESS(st)) {
        uspoof_setChecks(n->spoof,
                         USPOOF_RESTRICTION_LEVEL | USPOOF_INVISIBLE | USPOOF_MIXED_NUMBERS, &st);
        uspoof_setRestrictionLevel(n->spoof, USPOOF_MODERATELY_RESTRICTIVE);
    }
    if (U_FAILURE(st)) {
        snprintf(err, errlen, "ICU name checks unavailable: %s", u_errorName(st));
        names_destroy(n);
        return NULL;
    }
    return n;
}

void names_destroy(Names *n)
{
    if (n == NULL)
        return;
    if (n->spoof != NULL)
        uspoof_close(n->spoof);
    free(n);
}

const char *name_error_str(NameError e)
{
    switch (e) {
    case NAME_OK:
        return "ok";
    case NAME_EMPTY:
        return "the name is empty";
    case NAME_TOO_LONG:
        return "names are at most 16 bytes of UTF-8";
    case NAME_NOT_UTF8:
        return "the name is not valid UTF-8";
    case NAME_BAD_CHAR:
        return "names are letters, digits and _ - . [ ] ( ): no spaces, symbols or invisible "
               "characters";
    case NAME_FIRST_MARK:
        return "a name cannot start with a combining mark";
    case NAME_MIXED:
        return "a name cannot mix scripts or digit systems";
    case NAME_NO_LETTER:
        return "a name needs at least one letter or digit";
    case NAME_INTERNAL:
        return "the name cannot be checked right now";
    }
    return "bad name";
}

/* Letters, marks, decimal digits and the small ASCII punctuation set; nothing invisible. */
static bool allowed(UChar32 c, bool first)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               (c != 0 && strchr("_-.[]()", (int)c) != NULL);
    if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
        u_hasBinaryProperty(c, UCHAR_WHITE_SPACE) || u_hasBinaryProperty(c, UCHAR_BIDI_CONTROL))
        return false;
    switch (u_charType(c)) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
    case U_DECIMAL_DIGIT_NUMBER:
        return true;
    case U_NON_SPACING_MARK:
    case U_ENCLOSING_MARK:
    case U_COMBINING_SPACING_MARK:
        return !first;
    default:
        return false; /* controls, format, separators, private use, unassigned, symbols... */
    }
}

static NameError check_chars(const UChar *s, int32_t n)
{
    int32_t i = 0;
    bool first = true, letter = false;
    while (i < n) {
        UChar32 c;
        U16_NEXT(s, i, n, c);
        if (!allowed(c, first)) {
            UCharCategory t = (UCharCategory)u_charType(c);
            bool mark =
                t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_COMBINING_SPACING_MARK;
            return first && mark && !u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)
                       ? NAME_FIRST_MARK
                       : NAME_BAD_CHAR;
        }
        letter = letter || u_isalnum(c);
        first = false;
    }
    return letter ? NAME_OK : NAME_NO_LETTER;
}

/* dst = fold(skeleton(src)) (n UTF-16 units); returns its length, -1 on failure. */
static int32_t skeleton_fold(Names *nm, const UChar *src, int32_t n, UChar *dst)
{
    UErrorCode st = U_ZERO_ERROR;
    UChar skel[U16_CAP];
    int32_t sn = uspoof_getSkeleton(nm->spoof, 0, src, n, skel, U16_CAP, &st);
    int32_t dn = U_SUCCESS(st) ? unorm2_normalize(nm->nfkc_cf, skel, sn, dst, U16_CAP, &st) : 0;
    return U_SUCCESS(st) && st != U_STRING_NOT_TERMINATED_WARNING ? dn : -1;
}

static bool to_utf8(const UChar *s, int32_t n, char *out, size_t cap)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t len = 0;
    u_strToUTF8(out, (int32_t)cap, &len, s, n, &st);
    return U_SUCCESS(st) && st != U_STRING_NOT_TERMINATED_WARNING && len > 0 && (size_t)len < cap;
}

/* key = fold(skeleton(fold(s))): case and compatibility forms first, then the confusables,
 * then fold once more (the skeleton maps some characters to capitals, 0 -> O).
 * alt = fold(skeleton(fold(skeleton(s)))): the confusables first, which catches look-alikes
 * in capitals (Cyrillic К is Latin K only as a capital; folded, к's skeleton is ĸ). */
static bool keys_of(Names *nm, const UChar *s, int32_t n, char *key, char *alt, size_t cap)
{
    UErrorCode st = U_ZERO_ERROR;
    UChar folded[U16_CAP], a[U16_CAP], b[U16_CAP], c[U16_CAP];
    int32_t fn = unorm2_normalize(nm->nfkc_cf, s, n, folded, U16_CAP, &st);
    if (U_FAILURE(st))
        return false;
    int32_t an = skeleton_fold(nm, folded, fn, a);
    int32_t bn = skeleton_fold(nm, s, n, b);
    int32_t cn = bn >= 0 ? skeleton_fold(nm, b, bn, c) : -1;
    return an > 0 && cn > 0 && to_utf8(a, an, key, cap) && to_utf8(c, cn, alt, cap);
}

bool name_keys_match(const char *k1, const char *a1, const char *k2, const char *a2)
{
    return strcmp(k1, k2) == 0 || strcmp(k1, a2) == 0 || strcmp(a1, k2) == 0 || strcmp(a1, a2) == 0;
}

NameError names_check(Names *nm, const char *raw, size_t len, NameInfo *out)
{
    memset(out, 0, sizeof *out);
    if (len == 0)
        return NAME_EMPTY;
    if (len > 4 * PROTO_NAME_MAX)
        return NAME_TOO_LONG; /* NFC never shrinks text this much */
    if (!line_utf8_valid((const uint8_t *)raw, len))
        return NAME_NOT_UTF8;
    UErrorCode st = U_ZERO_ERROR;
    UChar in[U16_CAP], nfc[U16_CAP];
    int32_t in_n = 0;
    u_strFromUTF8(in, U16_CAP, &in_n, raw, (int32_t)len, &st);
    int32_t n = U_SUCCESS(st) ? unorm2_normalize(nm->nfc, in, in_n, nfc, U16_CAP, &st) : 0;
    if (U_FAILURE(st))
        return st == U_BUFFER_OVERFLOW_ERROR ? NAME_TOO_LONG : NAME_INTERNAL;
    int32_t bytes = 0;
    u_strToUTF8(out->name, (int32_t)sizeof out->name, &bytes, nfc, n, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR || st == U_STRING_NOT_TERMINATED_WARNING ||
        bytes > PROTO_NAME_MAX) {
        memset(out, 0, sizeof *out);
        return NAME_TOO_LONG;
    }
    if (U_FAILURE(st))
        return NAME_INTERNAL;
    NameError e = check_chars(nfc, n);
    if (e == NAME_OK) {
        UErrorCode sst = U_ZERO_ERROR;
        int32_t flags = uspoof_check2(nm->spoof, nfc, n, NULL, &sst);
        if (U_FAILURE(sst))
            e = NAME_INTERNAL;
        else if (flags != 0)
            e = NAME_MIXED;
    }
    if (e == NAME_OK && !keys_of(nm, nfc, n, out->key, out->alt, sizeof out->key))
        e = NAME_TOO_LONG; /* a few ligatures expand past NAME_KEY_MAX: it will never fit */
    if (e != NAME_OK)
        memset(out, 0, sizeof *out);
    return e;
}

bool names_keys(Names *nm, const char *text, char *key, char *alt, size_t cap)
{
    size_t len = strlen(text);
    if (len == 0 || len > 4 * PROTO_NAME_MAX || !line_utf8_valid((const uint8_t *)text, len))
        return false;
    UErrorCode st = U_ZERO_ERROR;
    UChar in[U16_CAP], nfc[U16_CAP];
    int32_t n = 0;
    u_strFromUTF8(in, U16_CAP, &n, text, (int32_t)len, &st);
    int32_t m = U_SUCCESS(st) ? unorm2_normalize(nm->nfc, in, n, nfc, U16_CAP, &st) : 0;
    return U_SUCCESS(st) && keys_of(nm, nfc, m, key, alt, cap);
}

bool names_key(Names *nm, const char *text, char *key, size_t cap)
{
    char alt[NAME_KEY_MAX + 1];
    return cap <= sizeof alt && names_keys(nm, text, key, alt, cap);
}
