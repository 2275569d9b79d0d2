/* test_cli_files.c — the client's private files: XDG paths (with and without the variables),
 * whole-file reads with a bound, and atomic 0600 replacement that creates its directory. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_files.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_cli_files.XXXXXX");
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void paths_follow_xdg_then_home(void **state)
{
    (void)state;
    char out[CLI_FILES_PATH_MAX];
    setenv("HOME", "/home/ana", 1);
    setenv("XDG_CONFIG_HOME", "/x/config", 1);
    setenv("XDG_STATE_HOME", "/x/state", 1);
    assert_true(cli_files_path(CLI_FILE_CONFIG, "settings", out, sizeof out));
    assert_string_equal(out, "/x/config/localhost-arena/settings");
    assert_true(cli_files_path(CLI_FILE_STATE, "servers", out, sizeof out));
    assert_string_equal(out, "/x/state/localhost-arena/servers");
    /* A relative XDG variable is ignored, as the XDG specification says. */
    setenv("XDG_CONFIG_HOME", "rel", 1);
    unsetenv("XDG_STATE_HOME");
    assert_true(cli_files_path(CLI_FILE_CONFIG, "settings", out, sizeof out));
    assert_string_equal(out, "/home/ana/.config/localhost-arena/settings");
    assert_true(cli_files_path(CLI_FILE_STATE, "servers", out, sizeof out));
    assert_string_equal(out, "/home/ana/.local/state/localhost-arena/servers");
    /* No usable home, a leaf that is a path, a buffer too small: no path. */
    assert_false(cli_files_path(CLI_FILE_CONFIG, "a/b", out, sizeof out));
    assert_false(cli_files_path(CLI_FILE_CONFIG, "", out, sizeof out));
    assert_false(cli_files_path(CLI_FILE_CONFIG, "settings", out, 10));
    unsetenv("XDG_CONFIG_HOME");
    unsetenv("HOME");
    assert_false(cli_files_path(CLI_FILE_CONFIG, "settings", out, sizeof out));
}

static void replace_creates_private_file_and_reads_back(void **state)
{
    (void)state;
    char path[512], err[256] = "";
    snprintf(path, sizeof path, "%s/a/b/settings", dir);
    char *text = (char *)"x";
    size_t len = 1;
    assert_true(cli_files_read(path, 64, &text, &len, err, sizeof err));
    assert_null(text); /* missing is empty, not an error */
    assert_int_equal(len, 0);

    assert_true(cli_files_replace(path, "name ana\n", 9, err, sizeof err));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char parent[512];
    snprintf(parent, sizeof parent, "%s/a/b", dir);
    assert_int_equal(stat(parent, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);

    assert_true(cli_files_read(path, 64, &text, &len, err, sizeof err));
    assert_non_null(text);
    assert_int_equal(len, 9);
    assert_string_equal(text, "name ana\n");
    free(text);

    /* Replacing leaves no temporary file behind and the new content whole. */
    assert_true(cli_files_replace(path, "name bo\n", 8, err, sizeof err));
    char tmp[520];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    assert_int_not_equal(access(tmp, F_OK), 0);
    assert_true(cli_files_read(path, 64, &text, &len, err, sizeof err));
    assert_string_equal(text, "name bo\n");
    free(text);
}

static void read_refuses_more_than_max(void **state)
{
    (void)state;
    char path[512], err[256] = "";
    snprintf(path, sizeof path, "%s/big", dir);
    assert_true(cli_files_replace(path, "0123456789", 10, err, sizeof err));
    char *text;
    size_t len;
    assert_false(cli_files_read(path, 9, &text, &len, err, sizeof err));
    assert_null(text);
    assert_non_null(strstr(err, "too large"));
    assert_true(cli_files_read(path, 10, &text, &len, err, sizeof err));
    assert_int_equal(len, 10);
    free(text);
}

static void replace_reports_unwritable_directory(void **state)
{
    (void)state;
    char path[512], err[256] = "";
    snprintf(path, sizeof path, "%s/file/inside", dir);
    char file[512];
    snprintf(file, sizeof file, "%s/file", dir);
    assert_true(cli_files_replace(file, "", 0, err, sizeof err));
    assert_false(cli_files_replace(path, "x", 1, err, sizeof err)); /* parent is a file */
    assert_non_null(strstr(err, path));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paths_follow_xdg_then_home),
        cmocka_unit_test(replace_creates_private_file_and_reads_back),
        cmocka_unit_test(read_refuses_more_than_max),
        cmocka_unit_test(replace_reports_unwritable_directory),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
