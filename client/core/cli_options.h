/* cli_options.h — a command line driven by one table per program.
 *
 * Each row names an option once: its long and short name, whether it takes a value, the
 * help text, and the function that checks and applies it. The same table drives parsing
 * (getopt_long), validation (the setter refuses a bad value and says why) and --help, so an
 * option cannot be parsed without being documented or documented without being parsed.
 * Used by arena-client (client/app/app_options.c) and arena-bot (client/bot/bot_options.c).
 * Prints only to the streams it is given; no globals of its own (getopt's are reset). */
#ifndef ARENA_CLI_OPTIONS_H
#define ARENA_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum {
    CLI_OPT_MAX = 64,      /* rows per table */
    CLI_OPT_WHY_MAX = 256, /* a setter's explanation, bytes */
};

typedef enum CliOptKind {
    CLI_OPT_FLAG = 0, /* no value: set(opts, NULL, ...) */
    CLI_OPT_VALUE,    /* one value: set(opts, value, ...) */
    CLI_OPT_PRINT,    /* prints something (help, version...) to out and ends with status 0 */
} CliOptKind;

struct CliOptProgram;

typedef struct CliOpt {
    const char *name; /* long name, without "--" */
    char short_name;  /* 0: none */
    CliOptKind kind;
    const char *metavar; /* the value in the help ("HOST[:PORT]"); NULL for FLAG and PRINT */
    const char *help;    /* '\n' starts a continuation line; NULL: an alias, not listed */
    /* FLAG / VALUE: checks and applies; false with `why` filled (without the program name)
     * when the value is refused. */
    bool (*set)(void *opts, const char *value, char *why, size_t whylen);
    /* PRINT: what to print. */
    void (*print)(const struct CliOptProgram *p, FILE *out);
} CliOpt;

typedef struct CliOptProgram {
    const char *prog;    /* "arena-client": prefixes every complaint */
    const char *version; /* the program's version ("1.2.0"), for cli_options_print_version */
    const char *intro;   /* usage lines before the options (ends with "\n") */
    const char *outro;   /* lines after them ("" none) */
    unsigned help_col;   /* column where the help text starts */
    const CliOpt *opts;
    unsigned count;
    /* Optional: checks across options once all are applied (false with `why` filled). */
    bool (*check)(void *opts, char *why, size_t whylen);
} CliOptProgram;

/* Parses argv[1..] into opts (already holding the defaults). Returns -1 to go on, 0 after a
 * PRINT option, 2 for a mistake (explained on err as "PROG: ..."). */
int cli_options_parse(const CliOptProgram *p, void *opts, int argc, char **argv, FILE *out,
                      FILE *err);
/* The usage text: intro, one entry per listed row, outro. */
void cli_options_usage(const CliOptProgram *p, FILE *out);
/* Ready-made PRINT actions: the usage text; "PROG VERSION (protocol N)". */
void cli_options_print_help(const CliOptProgram *p, FILE *out);
void cli_options_print_version(const CliOptProgram *p, FILE *out);

#endif
