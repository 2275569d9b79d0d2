/* test_cli_claims.c — the client's claims file (claim secrets of legends' names).
 *
 * What a player would notice: a legend's secret lost (not saved, not found again, dropped by a
 * reload), a file that other users on the machine can read, a half-written file after a
 * crash, or a hand-edited file that loads partly and silently forgets the rest. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_claims.h"

static const char H1[] = "00112233445566778899aabbccddeeff";
static const char H2[] = "ffeeddccbbaa99887766554433221100";

static CliClaims *new_claims(void)
{
    CliClaims *c = calloc(1, sizeof *c);
    assert_non_null(c);
    return c;
}

static bool parse_str(CliClaims *c, const char *text, char *err, size_t errlen)
{
    return cli_claims_parse(c, text, strlen(text), err, errlen);
}

/* ---- put and find ------------------------------------------------------------------------ */

static void test_put_find_replace(void **state)
{
    (void)state;
    CliClaims *c = new_claims();
    assert_null(cli_claims_find(c, "host:7777", "bob"));
    assert_true(cli_claims_put(c, "host:7777", "bob", H1));
    assert_int_equal(c->count, 1);
    assert_string_equal(cli_claims_find(c, "host:7777", "bob"), H1);
    /* the same server and name: replaced, not added */
    assert_true(cli_claims_put(c, "host:7777", "bob", H2));
    assert_int_equal(c->count, 1);
    assert_string_equal(cli_claims_find(c, "host:7777", "bob"), H2);
    /* another name on the server, the same name on another server */
    assert_true(cli_claims_put(c, "host:7777", "alice", H1));
    assert_true(cli_claims_put(c, "other:7777", "bob", H1));
    assert_int_equal(c->count, 3);
    assert_string_equal(cli_claims_find(c, "host:7777", "bob"), H2);
    assert_string_equal(cli_claims_find(c, "host:7777", "alice"), H1);
    assert_string_equal(cli_claims_find(c, "other:7777", "bob"), H1);
    assert_null(cli_claims_find(c, "host:7778", "bob"));
    assert_null(cli_claims_find(c, "host:7777", "bo"));
    assert_null(cli_claims_find(c, "host:7777", "bobby"));
    /* UTF-8 names as the server spelled them */
    assert_true(cli_claims_put(c, "10.0.0.1:7777", "Jos\xC3\xA9", H1));
    assert_string_equal(cli_claims_find(c, "10.0.0.1:7777", "Jos\xC3\xA9"), H1);
    free(c);
}

static void test_put_refuses_bad_fields(void **state)
{
    (void)state;
    CliClaims *c = new_claims();
    char long_server[CLI_CLAIMS_SERVER_MAX + 2];
    memset(long_server, 'h', sizeof long_server);
    long_server[CLI_CLAIMS_SERVER_MAX + 1] = '\0';
    static const char *const bad[][3] = {
        {"", "bob", H1},
        {"host:1", "", H1},
        {"ho st:1", "bob", H1},
        {"host:1", "b ob", H1},
        {"host:1", "abcdefghijklmnopq", H1}, /* 17 bytes */
        {"#host:1", "bob", H1},              /* would be read back as a comment */
        {"host:1", "b\xFF", H1},
        {"host:1", "b\tob", H1},
        {"host\n:1", "bob", H1},
        {"host:1", "bob", "00112233445566778899aabbccddeef"},   /* 31 digits */
        {"host:1", "bob", "00112233445566778899aabbccddeeff0"}, /* 33 */
        {"host:1", "bob", "00112233445566778899AABBCCDDEEFF"},  /* upper case */
        {"host:1", "bob", "00112233445566778899aabbccddeefg"},
        {"host:1", "bob", ""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (cli_claims_put(c, bad[i][0], bad[i][1], bad[i][2]))
            fail_msg("put accepted '%s' '%s' '%s'", bad[i][0], bad[i][1], bad[i][2]);
    assert_false(cli_claims_put(c, long_server, "bob", H1));
    long_server[CLI_CLAIMS_SERVER_MAX] = '\0';
    assert_true(cli_claims_put(c, long_server, "abcdefghijklmnop", H1)); /* both at the limit */
    assert_int_equal(c->count, 1);
    free(c);
}

static void test_max_entries(void **state)
{
    (void)state;
    CliClaims *c = new_claims();
    char server[32];
    for (unsigned i = 0; i < CLI_CLAIMS_MAX; i++) {
        snprintf(server, sizeof server, "s%u:7777", i);
        assert_true(cli_claims_put(c, server, "bob", H1));
    }
    assert_int_equal(c->count, CLI_CLAIMS_MAX);
    assert_false(cli_claims_put(c, "one-more:7777", "bob", H1));
    assert_int_equal(c->count, CLI_CLAIMS_MAX);
    /* replacing still works when full */
    assert_true(cli_claims_put(c, "s7:7777", "bob", H2));
    assert_string_equal(cli_claims_find(c, "s7:7777", "bob"), H2);

    /* a full list formats and parses back; one line more is refused by number */
    static char text[CLI_CLAIMS_FILE_MAX];
    size_t n = cli_claims_format(c, text, sizeof text);
    assert_true(n > 0);
    CliClaims *d = new_claims();
    char err[128];
    assert_true(cli_claims_parse(d, text, n, err, sizeof err));
    assert_int_equal(d->count, CLI_CLAIMS_MAX);
    n += (size_t)snprintf(text + n, sizeof text - n, "extra:1 bob %s\n", H1);
    assert_false(cli_claims_parse(d, text, n, err, sizeof err));
    /* the header comment is line 1, then 256 claims */
    assert_string_equal(err, "line 258: too many claims");
    assert_int_equal(d->count, 0);
    free(c);
    free(d);
}

/* ---- parse and format -------------------------------------------------------------------- */

static void assert_same_entries(const CliClaims *a, const CliClaims *b)
{
    assert_int_equal(a->count, b->count);
    for (unsigned i = 0; i < a->count; i++) {
        assert_string_equal(a->e[i].server, b->e[i].server);
        assert_string_equal(a->e[i].name, b->e[i].name);
        assert_string_equal(a->e[i].hex, b->e[i].hex);
    }
}

static void test_format_parse_round_trip(void **state)
{
    (void)state;
    CliClaims *c = new_claims(), *d = new_claims();
    assert_true(cli_claims_put(c, "arena.lan:7777", "bob", H1));
    assert_true(cli_claims_put(c, "10.0.0.7:7000", "Jos\xC3\xA9", H2));
    assert_true(cli_claims_put(c, "[::1]:7777", "\xE3\x81\x95\xE3\x81\x8F\xE3\x82\x89", H1));
    char text[4096];
    size_t n = cli_claims_format(c, text, sizeof text);
    assert_int_equal(n, strlen(text));
    assert_int_equal(text[0], '#'); /* it says what it is */
    assert_non_null(strstr(text, "arena.lan:7777 bob "
                                 "00112233445566778899aabbccddeeff\n"));
    char err[128];
    d->count = 99; /* replaced, not appended to */
    assert_true(cli_claims_parse(d, text, n, err, sizeof err));
    assert_same_entries(c, d);
    /* and an empty list is a file with only its comment */
    c->count = 0;
    n = cli_claims_format(c, text, sizeof text);
    assert_true(n > 0);
    assert_true(cli_claims_parse(d, text, n, err, sizeof err));
    assert_int_equal(d->count, 0);
    /* a buffer too small: 0, never a cut file */
    assert_true(cli_claims_put(c, "arena.lan:7777", "bob", H1));
    n = cli_claims_format(c, text, sizeof text);
    for (size_t cap = 0; cap <= n; cap++)
        assert_int_equal(cli_claims_format(c, text, cap), 0);
    assert_int_equal(cli_claims_format(c, text, n + 1), n);
    free(c);
    free(d);
}

static void test_comments_blank_crlf(void **state)
{
    (void)state;
    CliClaims *c = new_claims();
    char err[128];
    char text[1024];
    snprintf(text, sizeof text,
             "# my claims\r\n"
             "\r\n"
             "\n"
             "    \n"
             "   # indented comment\n"
             "a:1 bob %s\r\n"
             "  b:2 alice %s\n"
             "#a:1 carol %s\n"
             "c:3 dave %s", /* no newline at the end */
             H1, H2, H1, H2);
    assert_true(parse_str(c, text, err, sizeof err));
    assert_int_equal(c->count, 3);
    assert_string_equal(cli_claims_find(c, "a:1", "bob"), H1);
    assert_string_equal(cli_claims_find(c, "b:2", "alice"), H2);
    assert_null(cli_claims_find(c, "a:1", "carol"));
    assert_string_equal(cli_claims_find(c, "c:3", "dave"), H2);
    /* an empty file, only blank lines, only comments */
    assert_true(cli_claims_parse(c, "", 0, err, sizeof err));
    assert_int_equal(c->count, 0);
    assert_true(parse_str(c, "\n\n\r\n", err, sizeof err));
    assert_true(parse_str(c, "# nothing\n#here", err, sizeof err));
    assert_int_equal(c->count, 0);
    /* a later line for the same server and name replaces the earlier one */
    snprintf(text, sizeof text, "a:1 bob %s\na:1 bob %s\n", H1, H2);
    assert_true(parse_str(c, text, err, sizeof err));
    assert_int_equal(c->count, 1);
    assert_string_equal(cli_claims_find(c, "a:1", "bob"), H2);
    free(c);
}

static void test_malformed_lines(void **state)
{
    (void)state;
    static char long_line[700];
    memset(long_line, 'x', sizeof long_line - 1);
    long_line[sizeof long_line - 1] = '\0';
    char long_server[CLI_CLAIMS_SERVER_MAX + 2];
    memset(long_server, 'h', sizeof long_server);
    long_server[CLI_CLAIMS_SERVER_MAX + 1] = '\0';
    char bad_server[400];
    snprintf(bad_server, sizeof bad_server, "%s bob %s", long_server, H1);
    const char *const bad[] = {
        "host:1",
        "host:1 bob",
        "host:1 bob ",
        "host:1 bob 0011",
        "host:1 bob 00112233445566778899AABBCCDDEEFF",
        "host:1 bob 00112233445566778899aabbccddeefz",
        "host:1 bob 00112233445566778899aabbccddeeff00",
        "host:1 bob 00112233445566778899aabbccddeeff extra",
        "host:1 bob 00112233445566778899aabbccddeeff ",
        "host:1  bob 00112233445566778899aabbccddeeff",
        "host:1 abcdefghijklmnopq 00112233445566778899aabbccddeeff",
        "host:1 b\xFFob 00112233445566778899aabbccddeeff",
        "host:1 bob\t00112233445566778899aabbccddeeff",
        "host:1 bob 00112233445566778899aabbccddeeff\r\r",
        "\x01",
        long_line,
        bad_server,
    };
    CliClaims *c = new_claims();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        /* the bad line as line 3 and as line 5, after good lines */
        for (int where = 3; where <= 5; where += 2) {
            char text[2048];
            int n = snprintf(text, sizeof text, "# claims\na:1 bob %s\n%s%s\nb:2 alice %s\n", H1,
                             where == 5 ? "\n# more\n" : "", bad[i], H2);
            assert_true(n > 0 && (size_t)n < sizeof text);
            char err[128] = "";
            c->count = 7;
            if (cli_claims_parse(c, text, (size_t)n, err, sizeof err))
                fail_msg("line accepted: '%s'", bad[i]);
            char want[16];
            snprintf(want, sizeof want, "line %d: ", where);
            if (strncmp(err, want, strlen(want)) != 0)
                fail_msg("'%s': error '%s', want it to start with '%s'", bad[i], err, want);
            assert_int_equal(c->count, 0); /* nothing loaded */
        }
    }
    /* a NUL byte inside the text */
    char text[128];
    int n = snprintf(text, sizeof text, "a:1 bob %s\n", H1);
    text[3] = '\0';
    char err[128];
    assert_false(cli_claims_parse(c, text, (size_t)n, err, sizeof err));
    assert_string_equal(err, "line 1: not UTF-8 text");
    free(c);
}

/* ---- files ------------------------------------------------------------------------------- */

typedef struct Tmp {
    char dir[256];
} Tmp;

/* rm -r of what the tests create (two levels at most). */
static void rm_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d == NULL) {
        unlink(path);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char sub[1024];
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        rm_tree(sub);
    }
    closedir(d);
    rmdir(path);
}

/* Each file test gets a fresh directory (and umask 022), removed even when the test fails. */
static mode_t saved_umask;

static int tmp_setup(void **state)
{
    static Tmp t;
    snprintf(t.dir, sizeof t.dir, "/tmp/test_cli_claims.XXXXXX");
    if (mkdtemp(t.dir) == NULL)
        return -1;
    saved_umask = umask(022);
    *state = &t;
    return 0;
}

static int tmp_teardown(void **state)
{
    Tmp *t = *state;
    rm_tree(t->dir);
    umask(saved_umask);
    return 0;
}

static unsigned file_count(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    unsigned n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static unsigned mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 07777;
}

static void test_save_load(void **state)
{
    const Tmp *t = *state;
    char dir[512], path[600], err[256];
    snprintf(dir, sizeof dir, "%s/config/localhost-arena", t->dir);
    snprintf(path, sizeof path, "%s/claims", dir);
    CliClaims *c = new_claims(), *d = new_claims();

    /* a missing file is an empty list (and empties what was there) */
    d->count = 5;
    assert_true(cli_claims_load(d, path, err, sizeof err));
    assert_int_equal(d->count, 0);

    assert_true(cli_claims_put(c, "arena.lan:7777", "bob", H1));
    assert_true(cli_claims_put(c, "10.0.0.7:7000", "Jos\xC3\xA9", H2));
    if (!cli_claims_save(c, path, err, sizeof err))
        fail_msg("save: %s", err);
    /* directories created 0700, the file 0600: the secrets are the player's alone */
    char parent[512];
    snprintf(parent, sizeof parent, "%s/config", t->dir);
    assert_int_equal(mode_of(parent), 0700);
    assert_int_equal(mode_of(dir), 0700);
    assert_int_equal(mode_of(path), 0600);
    assert_int_equal(file_count(dir), 1); /* no temporary file left */
    assert_true(cli_claims_load(d, path, err, sizeof err));
    assert_same_entries(c, d);

    /* saved again with a change: replaced whole, still 0600, still one file */
    assert_true(cli_claims_put(c, "arena.lan:7777", "bob", H2));
    assert_true(cli_claims_put(c, "new:1", "carol", H1));
    assert_true(cli_claims_save(c, path, err, sizeof err));
    assert_int_equal(mode_of(path), 0600);
    assert_int_equal(file_count(dir), 1);
    assert_true(cli_claims_load(d, path, err, sizeof err));
    assert_same_entries(c, d);

    /* an existing directory is used as it is */
    chmod(dir, 0755);
    assert_true(cli_claims_save(c, path, err, sizeof err));
    assert_int_equal(mode_of(dir), 0755);
    assert_int_equal(mode_of(path), 0600);

    /* a file edited into garbage: refused with its path and the line */
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "# edited\nnew:1 carol %s\nthis is not a claim\n", H1);
    fclose(f);
    d->count = 3;
    assert_false(cli_claims_load(d, path, err, sizeof err));
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "line 3"));
    assert_int_equal(d->count, 0);

    /* too large a file */
    f = fopen(path, "w");
    assert_non_null(f);
    for (size_t i = 0; i <= CLI_CLAIMS_FILE_MAX / 10; i++)
        fputs("# padding\n", f);
    fclose(f);
    assert_false(cli_claims_load(d, path, err, sizeof err));
    assert_non_null(strstr(err, "too large"));

    /* a directory where the file should be, a file where a directory should be */
    assert_false(cli_claims_load(d, dir, err, sizeof err));
    char below_file[700];
    snprintf(below_file, sizeof below_file, "%s/sub/claims", path);
    assert_false(cli_claims_save(c, below_file, err, sizeof err));
    assert_true(strlen(err) > 0);

    free(c);
    free(d);
}

/* open(O_CREAT | O_TRUNC, 0600) keeps the mode of a file already there: a stale "claims.tmp"
 * of mode 0644 must not become a claims file readable by every user (it is written 0600). */
static void test_save_stale_tmp_mode(void **state)
{
    const Tmp *t = *state;
    char path[512], tmp[600], err[256];
    snprintf(path, sizeof path, "%s/claims", t->dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(chmod(tmp, 0644), 0);
    CliClaims *c = new_claims();
    assert_true(cli_claims_put(c, "a:1", "bob", H1));
    bool saved = cli_claims_save(c, path, err, sizeof err);
    unsigned mode = saved ? mode_of(path) : 0;
    unsigned files = file_count(t->dir);
    free(c);
    assert_true(saved);
    assert_int_equal(files, 1);
    assert_int_equal(mode, 0600);
}

static void test_default_path(void **state)
{
    (void)state;
    char *xdg = getenv("XDG_CONFIG_HOME") ? strdup(getenv("XDG_CONFIG_HOME")) : NULL;
    char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    char out[256];

    setenv("XDG_CONFIG_HOME", "/x/config", 1);
    setenv("HOME", "/home/u", 1);
    assert_true(cli_claims_default_path(out, sizeof out));
    assert_string_equal(out, "/x/config/localhost-arena/claims");
    /* a relative XDG_CONFIG_HOME is ignored (XDG base directory spec) */
    setenv("XDG_CONFIG_HOME", "relative/dir", 1);
    assert_true(cli_claims_default_path(out, sizeof out));
    assert_string_equal(out, "/home/u/.config/localhost-arena/claims");
    setenv("XDG_CONFIG_HOME", "", 1);
    assert_true(cli_claims_default_path(out, sizeof out));
    assert_string_equal(out, "/home/u/.config/localhost-arena/claims");
    unsetenv("XDG_CONFIG_HOME");
    assert_true(cli_claims_default_path(out, sizeof out));
    assert_string_equal(out, "/home/u/.config/localhost-arena/claims");
    /* too small a buffer: false, not a cut path */
    size_t need = strlen("/home/u/.config/localhost-arena/claims");
    assert_false(cli_claims_default_path(out, need));
    assert_true(cli_claims_default_path(out, need + 1));
    /* no usable HOME either */
    setenv("HOME", "relative", 1);
    assert_false(cli_claims_default_path(out, sizeof out));
    unsetenv("HOME");
    assert_false(cli_claims_default_path(out, sizeof out));

    if (xdg != NULL)
        setenv("XDG_CONFIG_HOME", xdg, 1);
    if (home != NULL)
        setenv("HOME", home, 1);
    free(xdg);
    free(home);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_find_replace),
        cmocka_unit_test(test_put_refuses_bad_fields),
        cmocka_unit_test(test_max_entries),
        cmocka_unit_test(test_format_parse_round_trip),
        cmocka_unit_test(test_comments_blank_crlf),
        cmocka_unit_test(test_malformed_lines),
        cmocka_unit_test_setup_teardown(test_save_load, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_save_stale_tmp_mode, tmp_setup, tmp_teardown),
        cmocka_unit_test(test_default_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
