/* test_names.c — player name rules (ICU): validation, NFC, confusable keys.
 *
 * What a user would notice: a reasonable name (José, Иван, さくら) refused; an invisible,
 * space-like, bidi or symbol character accepted so that two players look the same or a name
 * looks empty; and above all two names that look alike getting different keys, so that one
 * player can pose as another in chat, whispers and the hall of fame. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "line.h"
#include "names.h"

static int setup(void **state)
{
    char err[128];
    Names *n = names_create(err, sizeof err);
    if (n == NULL)
        return -1;
    *state = n;
    return 0;
}

static int teardown(void **state)
{
    names_destroy(*state);
    return 0;
}

static NameError check(Names *n, const char *raw, NameInfo *out)
{
    return names_check(n, raw, strlen(raw), out);
}

/* The key of a name that must be valid. */
static void key_of(Names *n, const char *raw, char key[NAME_KEY_MAX + 1])
{
    NameInfo info;
    NameError e = check(n, raw, &info);
    if (e != NAME_OK)
        fail_msg("'%s' refused: %s", raw, name_error_str(e));
    memcpy(key, info.key, NAME_KEY_MAX + 1);
}

/* ---- valid names ------------------------------------------------------------------------- */

static void test_valid_names(void **state)
{
    Names *n = *state;
    static const char *const ok[] = {
        "bot0",
        "Ana_2",
        "[TAG]x",
        "(x)-y.z",
        "Jean-Luc",
        "1234567890123456",                         /* 16 bytes */
        "\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD",         /* Иван */
        "\xE3\x81\x95\xE3\x81\x8F\xE3\x82\x89",     /* さくら */
        "\xCE\xA9\xCE\xBC\xCE\xAD\xCE\xB3\xCE\xB1", /* Ωμέγα */
        "Zo\xC3\xAB",                               /* Zoë */
        "\xC5\x81ukasz",                            /* Łukasz */
        "Nguy\xE1\xBB\x85n",                        /* Nguyễn */
        "\xC3\x87"
        "a\xC4\x9Fr\xC4\xB1",                                           /* Çağrı */
        "S\xC3\xB8ren",                                                 /* Søren */
        "M\xC3\xBCller",                                                /* Müller */
        "\xEA\xB9\x80\xEC\xB2\xA0\xEC\x88\x98",                         /* 김철수 */
        "\xD8\xB9\xD9\x84\xD9\x8A",                                     /* علي */
        "\xD7\x93\xD7\x95\xD7\x93",                                     /* דוד */
        "\xE6\x9D\x8E\xE5\xB0\x8F\xE9\xBE\x99",                         /* 李小龙 */
        "\xE0\xA4\xB0\xE0\xA4\xBE\xE0\xA4\xB9\xE0\xA5\x81\xE0\xA4\xB2", /* राहुल (marks) */
        "\xE3\x82\xB2\xE3\x83\xBC\xE3\x83\xA0",                         /* ゲーム */
        "abc\xE3\x81\x95\xE3\x81\x8F\xE3\x82\x89",                      /* Latin + kana */
        "\xD9\xA1\xD9\xA2",                                             /* ١٢ Arabic digits */
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        NameInfo info;
        NameError e = check(n, ok[i], &info);
        if (e != NAME_OK)
            fail_msg("'%s' refused: %s", ok[i], name_error_str(e));
        assert_string_equal(info.name, ok[i]); /* already NFC: unchanged */
        assert_true(strlen(info.key) > 0);
        assert_true(line_text_valid((const uint8_t *)info.key, strlen(info.key)));
    }
}

static void test_nfc(void **state)
{
    Names *n = *state;
    NameInfo info;
    /* "Jose" + U+0301 COMBINING ACUTE ACCENT becomes "Jos" + U+00E9 */
    assert_int_equal(check(n, "Jose\xCC\x81", &info), NAME_OK);
    assert_memory_equal(info.name, "Jos\xC3\xA9", 6); /* with its NUL */
    char composed[NAME_KEY_MAX + 1];
    key_of(n, "Jos\xC3\xA9", composed);
    assert_string_equal(info.key, composed);
    /* the limit is counted after NFC: 17 bytes that compose to 16 are fine */
    assert_int_equal(check(n, "abcdefghijklmne\xCC\x81", &info), NAME_OK);
    assert_int_equal(strlen(info.name), 16);
    assert_memory_equal(info.name + 14, "\xC3\xA9", 3);
    /* ... and 16 bytes that NFC makes longer are too long (U+0958 -> U+0915 U+093C) */
    assert_int_equal(check(n, "abcdefghijklm\xE0\xA5\x98", &info), NAME_TOO_LONG);
    /* Hangul jamo compose to a syllable */
    assert_int_equal(check(n, "\xE1\x84\x80\xE1\x85\xA1", &info), NAME_OK);
    assert_string_equal(info.name, "\xEA\xB0\x80"); /* 가 */
}

/* ---- refused names ----------------------------------------------------------------------- */

typedef struct Bad {
    const char *raw;
    size_t len; /* 0: strlen */
    NameError want;
    const char *what;
} Bad;

static void test_refused_names(void **state)
{
    Names *n = *state;
    static const Bad bad[] = {
        {"", 0, NAME_EMPTY, "empty"},
        {"12345678901234567", 0, NAME_TOO_LONG, "17 bytes"},
        {"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9x", 0, NAME_TOO_LONG,
         "8 x 2 bytes + 1"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0,
         NAME_TOO_LONG, "85 bytes"},
        {"bo\xFFt", 0, NAME_NOT_UTF8, "0xFF"},
        {"bot\xC3", 0, NAME_NOT_UTF8, "cut sequence"},
        {"\xC0\xAF", 0, NAME_NOT_UTF8, "overlong"},
        {"a\xED\xA0\x80", 0, NAME_NOT_UTF8, "surrogate"},
        {"a\xE2\x80\x8B"
         "b",
         0, NAME_BAD_CHAR, "U+200B zero-width space"},
        {"a\xE2\x80\x8D"
         "b",
         0, NAME_BAD_CHAR, "U+200D ZWJ"},
        {"a\xE2\x80\x8C"
         "b",
         0, NAME_BAD_CHAR, "U+200C ZWNJ"},
        {"a\xC2\xAD"
         "b",
         0, NAME_BAD_CHAR, "U+00AD soft hyphen"},
        {"\xEF\xBB\xBF"
         "ab",
         0, NAME_BAD_CHAR, "U+FEFF BOM"},
        {"a\xE2\x80\xAE"
         "b",
         0, NAME_BAD_CHAR, "U+202E RLO"},
        {"a\xE2\x81\xA6"
         "b",
         0, NAME_BAD_CHAR, "U+2066 LRI"},
        {"a\xE2\x80\x8E", 0, NAME_BAD_CHAR, "U+200E LRM"},
        {"a\xC2\xA0"
         "b",
         0, NAME_BAD_CHAR, "U+00A0 no-break space"},
        {"a\xE2\x80\x80"
         "b",
         0, NAME_BAD_CHAR, "U+2000 en quad"},
        {"a\xE3\x80\x80"
         "b",
         0, NAME_BAD_CHAR, "U+3000 ideographic space"},
        {"a b", 0, NAME_BAD_CHAR, "space"},
        {"\xE3\x85\xA4", 0, NAME_BAD_CHAR, "U+3164 Hangul filler alone"},
        {"a\xE3\x85\xA4"
         "b",
         0, NAME_BAD_CHAR, "U+3164 Hangul filler"},
        {"a\xE1\x85\x9F"
         "b",
         0, NAME_BAD_CHAR, "U+115F Hangul choseong filler"},
        {"a\xE2\xA0\x80"
         "b",
         0, NAME_BAD_CHAR, "U+2800 braille blank"},
        {"a\xE2\x98\x85"
         "b",
         0, NAME_BAD_CHAR, "U+2605 star"},
        {"gg\xF0\x9F\x98\x80", 0, NAME_BAD_CHAR, "U+1F600 emoji"},
        {"a\xEE\x80\x80", 0, NAME_BAD_CHAR, "U+E000 private use"},
        {"a\xCD\xB8", 0, NAME_BAD_CHAR, "U+0378 unassigned"},
        {"\xF3\xA0\x81\x81"
         "a",
         0, NAME_BAD_CHAR, "U+E0041 tag character"},
        {"a\xCD\x8F"
         "b",
         0, NAME_BAD_CHAR, "U+034F combining grapheme joiner"},
        {"x\xC2\xB2", 0, NAME_BAD_CHAR, "superscript two"},
        {"\xE2\x85\xAB", 0, NAME_BAD_CHAR, "U+216B roman numeral twelve"},
        {"O'Brien", 0, NAME_BAD_CHAR, "apostrophe (not in the punctuation set)"},
        {"a\x01"
         "b",
         0, NAME_BAD_CHAR, "C0 control"},
        {"a\tb", 0, NAME_BAD_CHAR, "tab"},
        {"a\x7F", 0, NAME_BAD_CHAR, "DEL"},
        {"a\xC2\x85"
         "b",
         0, NAME_BAD_CHAR, "U+0085 NEL"},
        {"a\0b", 3, NAME_BAD_CHAR, "NUL inside"},
        {"\xCC\x81"
         "ab",
         0, NAME_FIRST_MARK, "leading combining acute"},
        {"\xE0\xA4\xBE"
         "ab",
         0, NAME_FIRST_MARK, "leading spacing mark"},
        {"b\xD0\xBEt0", 0, NAME_MIXED, "bot0 with Cyrillic o"},
        {"B\xD0\xBE"
         "b",
         0, NAME_MIXED, "Bob with Cyrillic o"},
        {"a\xCE\xB1", 0, NAME_MIXED, "Latin + Greek"},
        {"x1\xD9\xA1", 0, NAME_MIXED, "ASCII and Arabic-Indic digits"},
        {"1\xE0\xA5\xA7", 0, NAME_MIXED, "ASCII and Devanagari digits"},
        {"e\xCC\x81\xCC\x81\xCC\x81", 0, NAME_MIXED, "a stack of repeated marks (hidden)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const Bad *b = &bad[i];
        size_t len = b->len ? b->len : strlen(b->raw);
        NameInfo info;
        memset(&info, 'x', sizeof info);
        NameError e = names_check(n, b->raw, len, &info);
        if (e != b->want)
            fail_msg("%s: got %d (%s), want %d", b->what, (int)e, name_error_str(e), (int)b->want);
        /* nothing of a refused name is left behind */
        assert_string_equal(info.name, "");
        assert_string_equal(info.key, "");
    }
}

static void test_error_strings(void **state)
{
    (void)state;
    for (int e = NAME_OK; e <= NAME_INTERNAL; e++) {
        const char *s = name_error_str((NameError)e);
        assert_non_null(s);
        assert_true(strlen(s) > 0);
        for (int f = NAME_OK; f < e; f++)
            assert_string_not_equal(s, name_error_str((NameError)f));
    }
}

/* ---- confusable keys --------------------------------------------------------------------- */

static void test_keys_same_family(void **state)
{
    Names *n = *state;
    char want[NAME_KEY_MAX + 1], got[NAME_KEY_MAX + 1];
    key_of(n, "bot0", want);
    /* case, O for zero, and fullwidth forms are one family. `boto` (all letters) is in it
     * too: the skeleton maps 0 to O, folded to o. So are b0t0 and bot followed by a
     * fullwidth zero. */
    static const char *const same[] = {
        "BOT0",
        "botO",
        "Bot0",
        "boto",
        "BOTO",
        "b0t0",
        "\xEF\xBD\x82\xEF\xBD\x8F\xEF\xBD\x94\xEF\xBC\x90", /* ｂｏｔ０ */
        "bot\xEF\xBC\x90",                                  /* bot０ */
        "\xF0\x9D\x90\x9B\xF0\x9D\x90\xA8\xF0\x9D\x90\xAD"
        "0", /* 𝐛𝐨𝐭0 math bold */
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        key_of(n, same[i], got);
        if (strcmp(got, want) != 0)
            fail_msg("'%s' key '%s' != bot0's '%s'", same[i], got, want);
    }
    /* Latin cop and Cyrillic сор (both whole-script, so both allowed) */
    key_of(n, "cop", want);
    key_of(n, "\xD1\x81\xD0\xBE\xD1\x80", got);
    assert_string_equal(got, want);
    key_of(n, "COP", got);
    assert_string_equal(got, want);
    key_of(n, "\xD0\xA1\xD0\x9E\xD0\xA0", got); /* СОР */
    assert_string_equal(got, want);
    /* rn and m, 1 and l */
    key_of(n, "m", want);
    key_of(n, "rn", got);
    assert_string_equal(got, want);
    key_of(n, "bot1", want);
    key_of(n, "botl", got);
    assert_string_equal(got, want);
    /* NFC and NFD of the same name */
    key_of(n, "Jos\xC3\xA9", want);
    key_of(n, "JOSE\xCC\x81", got);
    assert_string_equal(got, want);
}

static void test_keys_differ(void **state)
{
    Names *n = *state;
    char a[NAME_KEY_MAX + 1], b[NAME_KEY_MAX + 1];
    static const char *const pairs[][2] = {
        {"bot0", "bot1"},   {"bot0", "bot"}, {"bot0", "bot00"}, {"alice", "bob"},
        {"Ana_2", "Ana-2"}, {"[x]", "(x)"},  {"cop", "cap"},    {"Jose", "Jos\xC3\xA9"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        key_of(n, pairs[i][0], a);
        key_of(n, pairs[i][1], b);
        if (strcmp(a, b) == 0)
            fail_msg("'%s' and '%s' share the key '%s'", pairs[i][0], pairs[i][1], a);
    }
}

/* A whole-script look-alike in capitals is the same name: Cyrillic "КОТ" shows exactly as
 * Latin "KOT", Cyrillic "ВОТ0" and Greek "ΒΟΤ0" exactly as "BOT0" (= bot0's family), Greek
 * "ΑΒΕ" as "ABE". Folding case first turns К О Т into к о т, whose skeletons are the small
 * capitals ĸ ᴛ, not K T: the second key (skeleton first) is what catches them. Likewise
 * "botI" (capital i) is "botl" and "bot1" in a sans-serif font. */
static void test_keys_uppercase_whole_script_lookalikes(void **state)
{
    Names *n = *state;
    static const char *const pairs[][2] = {
        {"KOT", "\xD0\x9A\xD0\x9E\xD0\xA2"}, /* КОТ Cyrillic */
        {"BOT0", "\xD0\x92\xD0\x9E\xD0\xA2"
                 "0"}, /* ВОТ0 Cyrillic */
        {"bot0", "\xCE\x92\xCE\x9F\xCE\xA4"
                 "0"},                       /* ΒΟΤ0 Greek */
        {"ABE", "\xCE\x91\xCE\x92\xCE\x95"}, /* ΑΒΕ Greek */
        {"TOP", "\xD0\xA2\xD0\x9E\xD0\xA0"}, /* ТОР Cyrillic */
        {"bot1", "botI"},
        {"botl", "botI"},
        {"Ilya", "llya"},
    };
    unsigned wrong = 0;
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        NameInfo latin, other;
        assert_int_equal(check(n, pairs[i][0], &latin), NAME_OK);
        NameError e = check(n, pairs[i][1], &other);
        if (e == NAME_OK && !name_keys_match(latin.key, latin.alt, other.key, other.alt)) {
            print_message("'%s' looks like '%s' but its keys '%s'/'%s' miss '%s'/'%s'\n",
                          pairs[i][1], pairs[i][0], other.key, other.alt, latin.key, latin.alt);
            wrong++;
        }
    }
    assert_int_equal(wrong, 0);
    /* ...and the second key does not merge names that look different. */
    static const char *const apart[][2] = {{"bot0", "bot1"}, {"ana", "ano"}, {"Kot", "Kit"}};
    for (size_t i = 0; i < sizeof apart / sizeof apart[0]; i++) {
        NameInfo a, b;
        assert_int_equal(check(n, apart[i][0], &a), NAME_OK);
        assert_int_equal(check(n, apart[i][1], &b), NAME_OK);
        assert_false(name_keys_match(a.key, a.alt, b.key, b.alt));
    }
}

/* A name is more than punctuation. */
static void test_needs_a_letter_or_digit(void **state)
{
    Names *n = *state;
    NameInfo info;
    static const char *const bad[] = {".", "-", "()", "___", "[]-."};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(check(n, bad[i], &info), NAME_NO_LETTER);
    assert_int_equal(check(n, "_7_", &info), NAME_OK);
    assert_int_equal(check(n, "(\xD0\x98)", &info), NAME_OK); /* (И) */
}

/* Five U+FDFA ARABIC LIGATURE SALLALLAHOU ALAYHE WASALLAM are 15 bytes, all letters (Lo), but
 * their NFKC key is longer than NAME_KEY_MAX: a definite answer (too long), not "cannot be
 * checked right now", which a retry can never change. */
static void test_long_key_is_not_internal(void **state)
{
    Names *n = *state;
    NameInfo info;
    const char *five = "\xEF\xB7\xBA\xEF\xB7\xBA\xEF\xB7\xBA\xEF\xB7\xBA\xEF\xB7\xBA";
    assert_int_equal(check(n, "\xEF\xB7\xBA", &info), NAME_OK); /* one is a name */
    assert_int_equal(check(n, five, &info), NAME_TOO_LONG);
}

static void test_names_key_legacy_text(void **state)
{
    Names *n = *state;
    char key[NAME_KEY_MAX + 1], want[NAME_KEY_MAX + 1];
    /* names stored before the rules: spaces, symbols, whatever was valid UTF-8 */
    assert_true(names_key(n, "Bot0", key, sizeof key));
    key_of(n, "bot0", want);
    assert_string_equal(key, want);
    assert_true(names_key(n, "old name \xE2\x98\x85", key, sizeof key));
    assert_true(strlen(key) > 0);
    assert_true(names_key(n, "b\xD0\xBEt0", key, sizeof key)); /* mixed: refused as a name */
    assert_string_equal(key, want);                            /* but keyed like bot0 */
    /* what cannot be keyed */
    assert_false(names_key(n, "", key, sizeof key));
    assert_false(names_key(n, "bad \xFF", key, sizeof key));
    assert_false(names_key(n, "bot0", key, 4)); /* "boto" needs 5 bytes with its NUL */
    assert_true(names_key(n, "bot0", key, 5));
    assert_string_equal(key, want);
}

/* Valid names are a fixed point: checking the stored name again gives it back, same key. */
static void test_idempotent(void **state)
{
    Names *n = *state;
    static const char *const raw[] = {"Jose\xCC\x81", "\xEF\xBD\x82\xEF\xBD\x8F\xEF\xBD\x94",
                                      "\xE1\x84\x80\xE1\x85\xA1", "BOT0",
                                      "\xEF\xAC\x81"
                                      "x"};
    for (size_t i = 0; i < sizeof raw / sizeof raw[0]; i++) {
        NameInfo a, b;
        assert_int_equal(check(n, raw[i], &a), NAME_OK);
        assert_int_equal(check(n, a.name, &b), NAME_OK);
        assert_string_equal(a.name, b.name);
        assert_string_equal(a.key, b.key);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_names),
        cmocka_unit_test(test_nfc),
        cmocka_unit_test(test_refused_names),
        cmocka_unit_test(test_error_strings),
        cmocka_unit_test(test_keys_same_family),
        cmocka_unit_test(test_keys_differ),
        cmocka_unit_test(test_keys_uppercase_whole_script_lookalikes),
        cmocka_unit_test(test_names_key_legacy_text),
        cmocka_unit_test(test_needs_a_letter_or_digit),
        cmocka_unit_test(test_long_key_is_not_internal),
        cmocka_unit_test(test_idempotent),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
