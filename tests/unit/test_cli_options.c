/* test_cli_options.c — the table-driven command line both programs use.
 *
 * What a user would notice: an option that parses but is missing from --help (or the other
 * way round), a hidden alias that shows up twice in the help, a bad value accepted, or a
 * mistake explained without the program's name. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_options.h"
#include "protocol.h"

typedef struct Opts {
    bool loud;
    int level;
    int checks;
} Opts;

static bool set_loud(void *p, const char *v, char *why, size_t n)
{
    (void)v, (void)why, (void)n;
    ((Opts *)p)->loud = true;
    return true;
}

static bool set_level(void *p, const char *v, char *why, size_t n)
{
    char *end = NULL;
    long l = strtol(v, &end, 10);
    if (end == v || *end != '\0' || l < 0 || l > 9) {
        snprintf(why, n, "--level wants 0..9, got '%s'", v);
        return false;
    }
    ((Opts *)p)->level = (int)l;
    return true;
}

static bool check(void *p, char *why, size_t n)
{
    Opts *o = p;
    o->checks++;
    if (o->level == 7 && !o->loud) {
        snprintf(why, n, "--level 7 needs --loud");
        return false;
    }
    return true;
}

static const CliOpt rows[] = {
    {"loud", 'l', CLI_OPT_FLAG, NULL, "be loud", set_loud, NULL},
    {"level", 0, CLI_OPT_VALUE, "N", "how much\n(0..9)", set_level, NULL},
    {"lvl", 0, CLI_OPT_VALUE, "N", NULL, set_level, NULL},
    {"help", 'h', CLI_OPT_PRINT, NULL, "this help", NULL, cli_options_print_help},
    {"version", 'V', CLI_OPT_PRINT, NULL, "version", NULL, cli_options_print_version},
};

static const CliOptProgram prog = {
    .prog = "demo",
    .version = "9.8.7",
    .intro = "usage: demo\n",
    .outro = "end\n",
    .help_col = 20,
    .opts = rows,
    .count = sizeof rows / sizeof rows[0],
    .check = check,
};

typedef struct Run {
    int rc;
    Opts o;
    char out[2048], err[512];
} Run;

static Run *run(int argc, const char *const *args)
{
    Run *r = calloc(1, sizeof *r);
    assert_non_null(r);
    char *argv[8] = {(char *)"demo"};
    for (int i = 0; i < argc; i++)
        argv[i + 1] = (char *)args[i];
    FILE *out = fmemopen(r->out, sizeof r->out - 1, "w");
    FILE *err = fmemopen(r->err, sizeof r->err - 1, "w");
    assert_non_null(out);
    assert_non_null(err);
    r->rc = cli_options_parse(&prog, &r->o, argc + 1, argv, out, err);
    fclose(out);
    fclose(err);
    return r;
}
#define RUN(...)                                                                                   \
    run((int)(sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *)),                       \
        (const char *[]){__VA_ARGS__})

static void test_values_flags_aliases(void **state)
{
    (void)state;
    Run *r = RUN("-l", "--level", "3");
    assert_int_equal(r->rc, -1);
    assert_true(r->o.loud);
    assert_int_equal(r->o.level, 3);
    assert_int_equal(r->o.checks, 1);
    free(r);
    r = RUN("--lvl=5");
    assert_int_equal(r->rc, -1);
    assert_int_equal(r->o.level, 5);
    free(r);
}

static void test_mistakes_name_the_program(void **state)
{
    (void)state;
    struct {
        const char *a, *b;
        const char *says;
    } cases[] = {
        {"--level", "x", "demo: --level wants 0..9, got 'x'"},
        {"--level", NULL, "demo: option '--level' needs a value"},
        {"--nope", NULL, "demo: unknown option '--nope'"},
        {"extra", NULL, "demo: unexpected argument 'extra'"},
        {"--level", "7", "demo: --level 7 needs --loud"},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Run *r = cases[i].b != NULL ? RUN(cases[i].a, cases[i].b) : RUN(cases[i].a);
        assert_int_equal(r->rc, 2);
        if (strncmp(r->err, cases[i].says, strlen(cases[i].says)) != 0)
            fail_msg("case %u: '%s' does not start with '%s'", i, r->err, cases[i].says);
        free(r);
    }
}

/* --help is the table: every listed row once, aliases not, continuation lines aligned. */
static void test_help_from_the_table(void **state)
{
    (void)state;
    Run *r = RUN("--help");
    assert_int_equal(r->rc, 0);
    assert_string_equal(r->out, "usage: demo\n"
                                "  -l, --loud        be loud\n"
                                "      --level N     how much\n"
                                "                    (0..9)\n"
                                "  -h, --help        this help\n"
                                "  -V, --version     version\n"
                                "end\n");
    free(r);
    r = RUN("-V", "--nope");
    assert_int_equal(r->rc, 0); /* a PRINT option ends the parse */
    char want[64];
    snprintf(want, sizeof want, "demo 9.8.7 (protocol %d)\n", PROTO_VERSION);
    assert_string_equal(r->out, want);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_flags_aliases),
        cmocka_unit_test(test_mistakes_name_the_program),
        cmocka_unit_test(test_help_from_the_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
