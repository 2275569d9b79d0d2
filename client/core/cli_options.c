/* cli_options.c — see cli_options.h. */
#include "cli_options.h"

#include <getopt.h>
#include <string.h>

#include "protocol.h"

enum { LONG_ONLY_BASE = 1000 }; /* getopt_long's val for row i without a short name */

void cli_options_usage(const CliOptProgram *p, FILE *out)
{
    fputs(p->intro, out);
    for (unsigned i = 0; i < p->count; i++) {
        const CliOpt *o = &p->opts[i];
        if (o->help == NULL)
            continue;
        char left[96];
        int n = o->short_name != 0
                    ? snprintf(left, sizeof left, "  -%c, --%s", o->short_name, o->name)
                    : snprintf(left, sizeof left, "      --%s", o->name);
        if (o->metavar != NULL && n > 0 && (size_t)n < sizeof left)
            n += snprintf(left + n, sizeof left - (size_t)n, " %s", o->metavar);
        fputs(left, out);
        int col = n;
        const char *h = o->help;
        for (;;) {
            const char *nl = strchr(h, '\n');
            int len = nl != NULL ? (int)(nl - h) : (int)strlen(h);
            int pad = col < (int)p->help_col ? (int)p->help_col - col : 1;
            fprintf(out, "%*s%.*s\n", pad, "", len, h);
            if (nl == NULL)
                break;
            h = nl + 1;
            col = 0;
        }
    }
    fputs(p->outro, out);
}

void cli_options_print_help(const CliOptProgram *p, FILE *out)
{
    cli_options_usage(p, out);
}

void cli_options_print_version(const CliOptProgram *p, FILE *out)
{
    fprintf(out, "%s %s (protocol %d)\n", p->prog, p->version, PROTO_VERSION);
}

/* getopt_long's tables for p: false if p has more rows than CLI_OPT_MAX. */
static bool build(const CliOptProgram *p, struct option *longs, char *shorts)
{
    if (p->count > CLI_OPT_MAX)
        return false;
    size_t k = 0;
    shorts[k++] = ':'; /* a missing value is reported as ':' */
    for (unsigned i = 0; i < p->count; i++) {
        const CliOpt *o = &p->opts[i];
        int has = o->kind == CLI_OPT_VALUE ? required_argument : no_argument;
        int val = o->short_name != 0 ? o->short_name : LONG_ONLY_BASE + (int)i;
        longs[i] = (struct option){o->name, has, NULL, val};
        if (o->short_name != 0) {
            shorts[k++] = o->short_name;
            if (has == required_argument)
                shorts[k++] = ':';
        }
    }
    longs[p->count] = (struct option){NULL, 0, NULL, 0};
    shorts[k] = '\0';
    return true;
}

static const CliOpt *find(const CliOptProgram *p, int val)
{
    if (val >= LONG_ONLY_BASE && val < LONG_ONLY_BASE + (int)p->count)
        return &p->opts[val - LONG_ONLY_BASE];
    for (unsigned i = 0; i < p->count; i++)
        if (p->opts[i].short_name != 0 && p->opts[i].short_name == val)
            return &p->opts[i];
    return NULL;
}

int cli_options_parse(const CliOptProgram *p, void *opts, int argc, char **argv, FILE *out,
                      FILE *err)
{
    struct option longs[CLI_OPT_MAX + 1];
    char shorts[3 * CLI_OPT_MAX + 2];
    if (!build(p, longs, shorts)) {
        fprintf(err, "%s: too many options in its table\n", p->prog);
        return 2;
    }
    char why[CLI_OPT_WHY_MAX];
    optind = 0; /* glibc: full re-initialisation, so the parser can run more than once */
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        const CliOpt *o = ch == ':' || ch == '?' ? NULL : find(p, ch);
        if (ch == ':') {
            fprintf(err, "%s: option '%s' needs a value; try '%s --help'\n", p->prog,
                    argv[optind - 1], p->prog);
            return 2;
        }
        if (o == NULL) {
            fprintf(err, "%s: unknown option '%s'; try '%s --help'\n", p->prog, argv[optind - 1],
                    p->prog);
            return 2;
        }
        if (o->kind == CLI_OPT_PRINT) {
            o->print(p, out);
            return 0;
        }
        why[0] = '\0';
        if (!o->set(opts, o->kind == CLI_OPT_VALUE ? optarg : NULL, why, sizeof why)) {
            fprintf(err, "%s: %s\n", p->prog, why);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(err, "%s: unexpected argument '%s'; try '%s --help'\n", p->prog, argv[optind],
                p->prog);
        return 2;
    }
    why[0] = '\0';
    if (p->check != NULL && !p->check(opts, why, sizeof why)) {
        fprintf(err, "%s: %s\n", p->prog, why);
        return 2;
    }
    return -1;
}
