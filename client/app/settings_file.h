/* settings_file.h — the settings file: parse and format (docs/client.md, "Settings file").
 *
 * Owns the text format: "key = value" lines, '#' comments, at most APP_SETTINGS_FILE_MAX bytes
 * and APP_SETTINGS_LINE_MAX per line. Parsing is pure and bounded (reads only the len bytes it
 * is given, NULs included), tolerant: a missing key keeps its default, an unknown key is
 * skipped and counted (a warning naming the first one), a bad value keeps that key's default
 * and is an error naming its line. Reading and replacing the file is cli_files.h's. */
#ifndef ARENA_APP_SETTINGS_FILE_H
#define ARENA_APP_SETTINGS_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "settings.h"

enum {
    APP_SETTINGS_FILE_MAX = 16384,
    APP_SETTINGS_LINE_MAX = 256,
    APP_SETTINGS_MSG_MAX = 192,
    APP_SETTINGS_VERSION = 1,
};

#define APP_SETTINGS_LEAF "settings" /* $XDG_CONFIG_HOME/localhost-arena/settings */

typedef struct AppSettingsReport {
    unsigned errors;                    /* bad lines (value, syntax, too long) */
    unsigned unknown;                   /* unknown keys, skipped */
    unsigned error_line;                /* first bad line, 1-based; 0 if none */
    char error[APP_SETTINGS_MSG_MAX];   /* "line 4: volume wants 0..100, got 'loud'" */
    char warning[APP_SETTINGS_MSG_MAX]; /* "line 9: unknown key 'foo' (skipped)" */
} AppSettingsReport;

/* Defaults, then every line of text applied. True when no line was bad (unknown keys are
 * only warnings). The result is always clamped and usable. */
bool app_settings_parse(const char *text, size_t len, AppSettings *s, AppSettingsReport *r);
/* The file for s, NUL-terminated; returns its length, or 0 if cap is too small. */
size_t app_settings_format(const AppSettings *s, char *out, size_t cap);

#endif
