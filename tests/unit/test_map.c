/* test_map.c — the map loader: the shipped arena loads, and every broken map is rejected with
 * the line, column and message a map author needs to fix it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map.h"

/* Loads from an exact-size heap copy (no terminating NUL), so ASan catches any read past len. */
static bool load_exact(Map *m, const char *text, size_t len, MapError *err)
{
    char *buf = malloc(len > 0 ? len : 1);
    assert_non_null(buf);
    if (len > 0) {
        memcpy(buf, text, len);
    }
    bool ok = map_load(m, buf, len, err);
    free(buf);
    return ok;
}

static Map g_map; /* 35 KB: keep it off the stack */

static void expect_error_n(const char *text, size_t len, int line, int col, const char *needle)
{
    MapError err;
    bool ok = load_exact(&g_map, text, len, &err);
    if (ok || err.line != line || err.col != col || strstr(err.msg, needle) == NULL) {
        print_error("map:\n%.*s\nexpected line %d, col %d, message containing '%s'\n"
                    "got ok=%d line %d, col %d: %s\n",
                    (int)len, text, line, col, needle, ok, err.line, err.col, err.msg);
        fail();
    }
}

static void expect_error(const char *text, int line, int col, const char *needle)
{
    expect_error_n(text, strlen(text), line, col, needle);
}

static void expect_ok(const char *text)
{
    MapError err;
    if (!load_exact(&g_map, text, strlen(text), &err)) {
        print_error("unexpected error: line %d, col %d: %s\n", err.line, err.col, err.msg);
        fail();
    }
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    char *buf = malloc((size_t)n);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static const char k_small[] = "arena-map 1\n"
                              "name = Small\n"
                              "zone a = nook\n"
                              "grid\n"
                              "#####\n"
                              "#S.a#\n"
                              "#..S#\n"
                              "#####\n"
                              "end\n";

static void test_default_map_loads(void **state)
{
    (void)state;
    size_t len;
    char *text = read_file(ARENA_ASSETS_DIR "/arena.map", &len);
    MapError err = {0};
    bool ok = load_exact(&g_map, text, len, &err);
    if (!ok) {
        print_error("arena.map: line %d, col %d: %s\n", err.line, err.col, err.msg);
    }
    assert_true(ok);
    /* Room for a 16-player match and the 256-bot load test. */
    assert_in_range(g_map.w, 40, MAP_MAX_W);
    assert_in_range(g_map.h, 24, MAP_MAX_H);
    assert_in_range(g_map.spawn_count, 16, MAP_MAX_SPAWNS);
    assert_true(strlen(g_map.name) > 0);
    for (unsigned i = 0; i < g_map.spawn_count; i++) {
        assert_false(map_is_wall(&g_map, g_map.spawns[i].tx, g_map.spawns[i].ty));
    }
    /* Spawns are spread out: some in each half of the map in both directions. */
    unsigned left = 0, top = 0;
    for (unsigned i = 0; i < g_map.spawn_count; i++) {
        left += g_map.spawns[i].tx < g_map.w / 2;
        top += g_map.spawns[i].ty < g_map.h / 2;
    }
    assert_in_range(left, g_map.spawn_count / 4, g_map.spawn_count * 3 / 4);
    assert_in_range(top, g_map.spawn_count / 4, g_map.spawn_count * 3 / 4);
    /* At least one declared zone is actually used by a tile. */
    unsigned zone_tiles = 0;
    for (int ty = 0; ty < g_map.h; ty++) {
        for (int tx = 0; tx < g_map.w; tx++) {
            unsigned z = map_zone_at(&g_map, tx, ty);
            if (z != 0) {
                zone_tiles++;
                assert_true(g_map.zone_names[z - 1][0] != '\0');
            }
        }
    }
    assert_true(zone_tiles > 0);
    assert_int_equal(g_map.checksum, map_fnv1a32(text, len));
    free(text);
}

static void test_small_map_contents(void **state)
{
    (void)state;
    expect_ok(k_small);
    assert_string_equal(g_map.name, "Small");
    assert_int_equal(g_map.w, 5);
    assert_int_equal(g_map.h, 4);
    assert_int_equal(g_map.spawn_count, 2);
    /* reading order */
    assert_int_equal(g_map.spawns[0].tx, 1);
    assert_int_equal(g_map.spawns[0].ty, 1);
    assert_int_equal(g_map.spawns[1].tx, 3);
    assert_int_equal(g_map.spawns[1].ty, 2);
    assert_true(map_is_wall(&g_map, 0, 0));
    assert_false(map_is_wall(&g_map, 2, 1));
    assert_false(map_is_wall(&g_map, 3, 1)); /* zone tiles are floor */
    assert_int_equal(map_zone_at(&g_map, 3, 1), 1);
    assert_int_equal(map_zone_at(&g_map, 2, 1), 0);
    assert_string_equal(g_map.zone_names[0], "nook");
    assert_string_equal(g_map.zone_names[1], "");
    assert_int_equal(g_map.checksum, map_fnv1a32(k_small, strlen(k_small)));
}

static void test_outside_is_wall(void **state)
{
    (void)state;
    expect_ok(k_small);
    assert_true(map_is_wall(&g_map, -1, 1));
    assert_true(map_is_wall(&g_map, 1, -1));
    assert_true(map_is_wall(&g_map, 5, 1));
    assert_true(map_is_wall(&g_map, 1, 4));
    assert_true(map_is_wall(&g_map, INT32_MIN, INT32_MIN));
    assert_true(map_is_wall(&g_map, INT32_MAX, 1));
    assert_int_equal(map_zone_at(&g_map, -1, 1), 0);
    assert_int_equal(map_zone_at(&g_map, 3, 100), 0);
}

static void test_comments_blank_lines_and_whitespace(void **state)
{
    (void)state;
    expect_ok("\xEF\xBB\xBF# byte order mark, then a comment\n"
              "\n"
              "   arena-map   1   \n"
              "  # indented comment\n"
              "\tname\t=   Spaced  Out \t\n"
              "zone   z=zed\n"
              "  grid  \n"
              "###\n"
              "#S#\n"
              "#z#\n"
              "###\n"
              "  end \n"
              "\n"
              "# trailing comment\n");
    assert_string_equal(g_map.name, "Spaced  Out");
    assert_string_equal(g_map.zone_names[25], "zed");
    assert_int_equal(map_zone_at(&g_map, 1, 2), 26);
    /* no trailing newline at all */
    expect_ok("arena-map 1\nname = x\ngrid\n###\n#S#\n###\nend");
    /* UTF-8 names are fine */
    expect_ok("arena-map 1\nname = Caf\xC3\xA9 \xE2\x98\x95 "
              "\xF0\x9F\x8E\xAE\ngrid\n###\n#S#\n###\nend\n");
    assert_string_equal(g_map.name, "Caf\xC3\xA9 \xE2\x98\x95 \xF0\x9F\x8E\xAE");
}

static void test_crlf_accepted(void **state)
{
    (void)state;
    const char *crlf = "arena-map 1\r\nname = Small\r\nzone a = nook\r\ngrid\r\n#####\r\n#S.a#\r\n"
                       "#..S#\r\n#####\r\nend\r\n";
    static Map lf;
    assert_true(load_exact(&lf, k_small, strlen(k_small), NULL));
    expect_ok(crlf);
    assert_string_equal(g_map.name, "Small");
    assert_string_equal(g_map.zone_names[0], "nook");
    assert_int_equal(g_map.w, lf.w);
    assert_int_equal(g_map.h, lf.h);
    assert_memory_equal(g_map.tiles, lf.tiles, sizeof lf.tiles);
    assert_memory_equal(g_map.zones, lf.zones, sizeof lf.zones);
    assert_memory_equal(g_map.spawns, lf.spawns, sizeof lf.spawns);
    /* A carriage return anywhere else is an error. */
    expect_error("arena-map 1\nname = a\rb\ngrid\n", 2, 9, "carriage return");
}

static void test_bad_magic(void **state)
{
    (void)state;
    expect_error("arena-mop 1\nname = x\n", 1, 1, "arena-map 1");
    expect_error("# comment\n\n  arena-map 2\n", 3, 13, "unsupported map format version 2");
    expect_error("arena-map 99999999999999999999\n", 1, 11,
                 "unsupported map format version 99999999999999999999 ");
    expect_error("arena-map 0\n", 1, 11, "unsupported map format version 0 ");
    expect_ok("arena-map\t001\nname = x\ngrid\n###\n#S#\n###\nend\n");
    expect_error("arena-map1\n", 1, 1, "the first line must be 'arena-map 1'");
    expect_error("arena-map\nname = x\n", 1, 10, "missing format version");
    expect_error("arena-map 1x\n", 1, 11, "whole number");
    expect_error("arena-map 1 extra\n", 1, 13, "unexpected text after the format version");
    expect_error("name = x\narena-map 1\n", 1, 1, "arena-map 1");
    expect_error("", 1, 0, "missing 'arena-map 1'");
    expect_error("# only a comment\n\n", 2, 0, "missing 'arena-map 1'");
}

static void test_header_errors(void **state)
{
    (void)state;
    expect_error("arena-map 1\ngrid\n###\n#S#\n###\nend\n", 2, 0, "missing 'name = ...'");
    expect_error("arena-map 1\nname = a\n# c\nname = b\ngrid\n", 4, 1,
                 "duplicate key 'name' (first set on line 2)");
    expect_error("arena-map 1\nname = a\n  colour = red\n", 3, 3, "unknown key 'colour'");
    expect_error("arena-map 1\nname =   \ngrid\n", 2, 7, "name must not be empty");
    expect_error("arena-map 1\nname = 123456789012345678901234567890123\n", 2, 8,
                 "33 bytes long; the limit is 32");
    expect_error("arena-map 1\nname = a\nthis is not a key\n", 3, 1, "expected 'key = value'");
    expect_error("arena-map 1\nname = a\n = b\n", 3, 2, "missing key before '='");
    expect_error("arena-map 1\nname = a\nzone = b\n", 3, 1, "zone keys look like");
    expect_error("arena-map 1\nname = a\nzone Q = b\n", 3, 6, "zone keys look like");
    expect_error("arena-map 1\nname = a\nzone ab = b\n", 3, 6, "zone keys look like");
    expect_error("arena-map 1\nname = a\nzone q = b\nzone q = c\n", 4, 6,
                 "zone 'q' is already declared on line 3");
    /* Columns count characters, not bytes: the tab is the 9th character. */
    expect_error("arena-map 1\nname = \xC3\xA9\tx\n", 2, 9, "tab in name");
    expect_error("arena-map 1\nname = a\n", 2, 0, "missing 'grid'");
    expect_error("arena-map 1\nname = a\ngrid\n", 3, 0, "missing grid rows");
}

static void test_ragged_rows(void **state)
{
    (void)state;
    expect_error("arena-map 1\nname = r\ngrid\n#####\n#S..#\n#..#\n#####\nend\n", 6, 5,
                 "shorter than the first grid row (line 4, 5 tiles)");
    expect_error("arena-map 1\nname = r\ngrid\n#####\n#S..##\n#####\nend\n", 5, 6,
                 "longer than the first grid row");
    expect_error("arena-map 1\nname = r\ngrid\n#####\n\n#####\nend\n", 5, 0, "empty line in grid");
}

static void test_open_border(void **state)
{
    (void)state;
    /* The error names the first non-wall border tile in reading order. */
    expect_error("arena-map 1\nname = b\ngrid\n#####\n#S..#\n#....\n#####\nend\n", 6, 5,
                 "border tile '.' is not a wall");
    expect_error("arena-map 1\nname = b\ngrid\n##S##\n#S..#\n#####\nend\n", 4, 3,
                 "border tile 'S'");
    expect_error("arena-map 1\nname = b\nzone c = c\ngrid\n#####\n#S..#\n##c##\nend\n", 7, 3,
                 "border tile 'c'");
}

static void test_no_spawn(void **state)
{
    (void)state;
    expect_error("arena-map 1\nname = n\ngrid\n#####\n#...#\n#####\nend\n# after\n", 7, 0,
                 "no spawn point");
}

static void test_bad_characters_in_grid(void **state)
{
    (void)state;
    expect_error("arena-map 1\nname = c\ngrid\n#####\n#S.%#\n#####\nend\n", 5, 4,
                 "unexpected character '%' in grid (use # . S or a-z)");
    expect_error("arena-map 1\nname = c\ngrid\n#####\n#S.\t#\n#####\nend\n", 5, 4, "tab in grid");
    expect_error("arena-map 1\nname = c\ngrid\n#####\n#S. #\n#####\nend\n", 5, 4, "space in grid");
    expect_error("arena-map 1\nname = c\ngrid\n#####\n#S.s#\n#####\nend\n", 5, 4,
                 "zone 's' is not declared");
    expect_error("arena-map 1\nname = c\ngrid\n#####\n#S\xC3\xA9.#\n#####\nend\n", 5, 3,
                 "unexpected character '\xC3\xA9'");
    /* A comment is not allowed inside the grid ('#' is a wall there). */
    expect_error("arena-map 1\nname = c\ngrid\n#####\n# hi\n", 5, 2, "space in grid");
}

static void test_missing_end_and_text_after_end(void **state)
{
    (void)state;
    expect_error("arena-map 1\nname = e\ngrid\n#####\n#S..#\n#####\n", 6, 0,
                 "missing 'end' after the grid (which starts on line 4)");
    expect_error("arena-map 1\nname = e\ngrid\n#####\n#S..#\n#####\nend\n\nname = again\n", 9, 1,
                 "unexpected text after 'end'");
}

static void test_size_limits(void **state)
{
    (void)state;
    static char buf[40000];
    size_t n = (size_t)snprintf(buf, sizeof buf, "arena-map 1\nname = big\ngrid\n");

    /* A row of 129 tiles: the error points at the 129th. */
    char *row = buf + n;
    memset(row, '#', MAP_MAX_W + 1);
    row[MAP_MAX_W + 1] = '\n';
    expect_error_n(buf, n + MAP_MAX_W + 2, 4, MAP_MAX_W + 1, "wider than 128 tiles");

    /* 128 tiles wide is fine; 129 rows is not. */
    size_t len = n;
    for (int r = 0; r < MAP_MAX_H + 1; r++) {
        memset(buf + len, r == 0 || r == MAP_MAX_H ? '#' : '.', MAP_MAX_W);
        buf[len] = '#';
        buf[len + MAP_MAX_W - 1] = '#';
        if (r == 1) {
            buf[len + 1] = 'S';
        }
        buf[len + MAP_MAX_W] = '\n';
        len += MAP_MAX_W + 1;
    }
    expect_error_n(buf, len, 4 + MAP_MAX_H, 0, "more than 128 rows");
    /* Cut to exactly 128 rows (the last one becomes the border) and it loads. */
    len -= MAP_MAX_W + 1;
    memset(buf + len - MAP_MAX_W - 1, '#', MAP_MAX_W);
    memcpy(buf + len, "end\n", 4);
    assert_true(load_exact(&g_map, buf, len + 4, NULL));
    assert_int_equal(g_map.w, MAP_MAX_W);
    assert_int_equal(g_map.h, MAP_MAX_H);

    /* Too small. */
    expect_error("arena-map 1\nname = s\ngrid\n##\n#S\n##\nend\n", 4, 0, "at least 3 tiles wide");
    expect_error("arena-map 1\nname = s\ngrid\n###\n#S#\nend\n", 6, 0, "at least 3 are needed");

    /* More text than a MAP message can carry. */
    memset(buf, '#', sizeof buf);
    memcpy(buf, "arena-map 1\n#", 13);
    expect_error_n(buf, PROTO_MAP_TEXT_MAX + 1, 1, 0, "the limit is 32768");

    /* 65 spawn points. */
    len = (size_t)snprintf(buf, sizeof buf, "arena-map 1\nname = s\ngrid\n##########\n");
    for (int r = 0; r < 9; r++) {
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s", "#SSSSSSSS#\n");
    }
    /* 8 rows hold 64 spawns; the 65th is the first S of the 9th row (line 4 + 9 = 13). */
    expect_error_n(buf, len, 13, 2, "more than 64 spawn points");
}

static void test_nul_and_invalid_utf8(void **state)
{
    (void)state;
    static const char nul[] = "arena-map 1\nname = ab\0c\ngrid\n";
    expect_error_n(nul, sizeof nul - 1, 2, 10, "NUL byte");
    static const char nul_grid[] = "arena-map 1\nname = a\ngrid\n###\n#\0#\n###\nend\n";
    expect_error_n(nul_grid, sizeof nul_grid - 1, 5, 2, "NUL byte");
    expect_error("arena-map 1\nname = caf\xC3\n", 2, 11, "invalid UTF-8 (byte 0xC3)");
    expect_error("arena-map 1\nname = \xC3\xA9\xFF\n", 2, 9, "invalid UTF-8 (byte 0xFF)");
    expect_error("arena-map 1\nname = \xC0\xAF\n", 2, 8, "invalid UTF-8");         /* overlong */
    expect_error("arena-map 1\nname = \xED\xA0\x80\n", 2, 8, "invalid UTF-8");     /* surrogate */
    expect_error("arena-map 1\nname = \xF4\x90\x80\x80\n", 2, 8, "invalid UTF-8"); /* > 10FFFF */
    expect_error("# \xE2\x82 cut\narena-map 1\n", 1, 3, "invalid UTF-8");
    expect_error("arena-map 1\nname = a\x1B[31m\n", 2, 9, "control character U+001B");
    expect_error("arena-map 1\nname = a\xC2\x85\n", 2, 9, "control character U+0085");
}

static void test_checksum_tracks_every_byte(void **state)
{
    (void)state;
    static char copy[sizeof k_small];
    memcpy(copy, k_small, sizeof k_small);
    size_t len = strlen(k_small);
    expect_ok(copy);
    uint32_t base = g_map.checksum;
    assert_int_equal(base, map_fnv1a32(k_small, len));
    /* Change one byte of the name: same grid, different checksum. */
    copy[20] = 'M';
    expect_ok(copy);
    assert_string_equal(g_map.name, "SMall");
    assert_int_not_equal(g_map.checksum, base);
    /* Known FNV-1a 32 vectors. */
    assert_int_equal(map_fnv1a32("", 0), 2166136261u);
    assert_int_equal(map_fnv1a32("a", 1), 0xe40c292cu);
    assert_int_equal(map_fnv1a32("foobar", 6), 0xbf9cf968u);
}

static void test_error_struct_optional(void **state)
{
    (void)state;
    assert_false(load_exact(&g_map, "nope", 4, NULL));
    assert_true(load_exact(&g_map, k_small, strlen(k_small), NULL));
}

/* Each kind of problem has its code (for programs), beside the position and message. */
static void test_error_codes(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        MapErrorCode code;
    } cases[] = {
        {"arena-map 1\nname = \x01\n", MAP_ERR_TEXT},
        {"arena-map 9\nname = v\n", MAP_ERR_HEADER},
        {"arena-map 1\nname = \ngrid\n", MAP_ERR_DECL},
        {"arena-map 1\nname = c\ngrid\n#####\n#S.%#\n#####\nend\n", MAP_ERR_GRID},
        {"arena-map 1\nname = n\ngrid\n#####\n#...#\n#####\nend\n", MAP_ERR_SPAWN},
        {"arena-map 1\nname = e\ngrid\n#####\n#S..#\n#####\n", MAP_ERR_LAYOUT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        MapError err;
        assert_false(load_exact(&g_map, cases[i].text, strlen(cases[i].text), &err));
        assert_int_equal(err.code, cases[i].code);
        assert_string_not_equal(map_error_str(err.code), "unknown error");
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(map_error_str(cases[i].code), map_error_str(cases[j].code));
    }
    MapError err;
    assert_true(load_exact(&g_map, k_small, strlen(k_small), &err));
    assert_int_equal(err.code, MAP_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_map_loads),
        cmocka_unit_test(test_small_map_contents),
        cmocka_unit_test(test_outside_is_wall),
        cmocka_unit_test(test_comments_blank_lines_and_whitespace),
        cmocka_unit_test(test_crlf_accepted),
        cmocka_unit_test(test_bad_magic),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_ragged_rows),
        cmocka_unit_test(test_open_border),
        cmocka_unit_test(test_no_spawn),
        cmocka_unit_test(test_bad_characters_in_grid),
        cmocka_unit_test(test_missing_end_and_text_after_end),
        cmocka_unit_test(test_size_limits),
        cmocka_unit_test(test_nul_and_invalid_utf8),
        cmocka_unit_test(test_checksum_tracks_every_byte),
        cmocka_unit_test(test_error_struct_optional),
        cmocka_unit_test(test_error_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
