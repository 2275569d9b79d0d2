/* test_app_field.c — typing into the name, address and chat fields, and what a name may be. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "field.h"
#include "protocol.h"

static void test_typing_and_cursor(void **state)
{
    (void)state;
    AppField f;
    app_field_init(&f, 64);
    assert_true(app_field_insert(&f, "helo"));
    app_field_left(&f);
    assert_true(app_field_insert(&f, "l"));
    assert_string_equal(f.text, "hello");
    assert_int_equal(f.cursor, 4);
    app_field_end(&f);
    assert_true(app_field_insert(&f, " wörld"));
    assert_string_equal(f.text, "hello wörld");
    assert_int_equal(f.len, strlen("hello wörld"));
    app_field_home(&f);
    app_field_delete(&f);
    assert_string_equal(f.text, "ello wörld");
    app_field_backspace(&f); /* nothing before the cursor */
    assert_string_equal(f.text, "ello wörld");
}

static void test_whole_code_points(void **state)
{
    (void)state;
    AppField f;
    app_field_init(&f, 64);
    app_field_set(&f, "aé€😀"); /* 1, 2, 3 and 4 bytes */
    assert_int_equal(f.len, 10);
    app_field_backspace(&f);
    assert_string_equal(f.text, "aé€");
    app_field_left(&f);
    assert_int_equal(f.cursor, 3); /* before the euro sign, not inside it */
    app_field_left(&f);
    assert_int_equal(f.cursor, 1);
    app_field_right(&f);
    assert_int_equal(f.cursor, 3);
    app_field_delete(&f);
    assert_string_equal(f.text, "aé");
    app_field_end(&f);
    app_field_right(&f); /* at the end: stays */
    assert_int_equal(f.cursor, f.len);
}

static void test_limits_and_bad_text(void **state)
{
    (void)state;
    AppField f;
    app_field_init(&f, 5);
    /* "ééé" is 6 bytes: the third é does not fit and is dropped whole. */
    assert_true(app_field_insert(&f, "ééé"));
    assert_string_equal(f.text, "éé");
    assert_false(app_field_insert(&f, "xy") && f.len > 5);
    assert_true(f.len <= 5);
    app_field_init(&f, 64);
    /* Control characters are skipped (a pasted tab or newline), the rest goes in. */
    assert_true(app_field_insert(&f, "a\tb\nc"));
    assert_string_equal(f.text, "abc");
    /* Invalid UTF-8 inserts nothing. */
    assert_false(app_field_insert(&f, "\xC3\x28"));
    assert_false(app_field_insert(&f, "\xED\xA0\x80")); /* a surrogate */
    assert_string_equal(f.text, "abc");
    assert_false(app_field_insert(&f, ""));
    /* A limit above the capacity is capped. */
    app_field_init(&f, 100000);
    assert_int_equal(f.max_bytes, APP_FIELD_CAP);
    app_field_clear(&f);
    assert_int_equal(f.len, 0);
    assert_string_equal(f.text, "");
}

static void test_names(void **state)
{
    (void)state;
    const char *good[] = {"bob", "P0", "[x](y)_-.", "José", "ünïcødé", "0123456789abcdef", "名前"};
    for (unsigned i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(app_name_valid(good[i]));
    const char *bad[] = {"",    "has space", "0123456789abcdefg", "a\x01",  "a/b", "a:b",
                         "a@b", "\xC3",      "a\xC2\x85",         "tab\tx", "a,b"};
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(app_name_valid(bad[i]));
}

static void test_sanitize(void **state)
{
    (void)state;
    char out[PROTO_NAME_MAX + 1];
    app_name_sanitize("john doe", out, sizeof out);
    assert_string_equal(out, "johndoe");
    app_name_sanitize("", out, sizeof out);
    assert_string_equal(out, "player");
    app_name_sanitize("@@@", out, sizeof out);
    assert_string_equal(out, "player");
    app_name_sanitize("ÀÀÀÀÀÀÀÀÀ", out, sizeof out); /* 18 bytes: cut on a code point */
    assert_string_equal(out, "ÀÀÀÀÀÀÀÀ");
    assert_true(app_name_valid(out));
    app_name_sanitize("\xff\xfe", out, sizeof out);
    assert_string_equal(out, "player");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_typing_and_cursor),
        cmocka_unit_test(test_whole_code_points),
        cmocka_unit_test(test_limits_and_bad_text),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_sanitize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
