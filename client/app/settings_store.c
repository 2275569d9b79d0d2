/* settings_store.c — see settings_store.h. */
#include "settings_store.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli_files.h"
#include "settings_file.h"

bool app_settings_default_path(char *out, size_t cap)
{
    if (!cli_files_path(CLI_FILE_CONFIG, APP_SETTINGS_LEAF, out, cap)) {
        if (cap > 0)
            out[0] = '\0';
        return false;
    }
    return true;
}

bool app_settings_load(const char *path, AppSettings *s, char *msg, size_t msgcap)
{
    app_settings_default(s);
    if (msgcap > 0)
        msg[0] = '\0';
    if (path[0] == '\0')
        return true;
    char *text = NULL;
    size_t len = 0;
    char err[CLI_FILES_PATH_MAX + 64];
    if (!cli_files_read(path, APP_SETTINGS_FILE_MAX, &text, &len, err, sizeof err)) {
        snprintf(msg, msgcap, "%s (using the defaults)", err);
        return false;
    }
    if (text == NULL)
        return true; /* no file yet: the defaults */
    AppSettingsReport r;
    bool ok = app_settings_parse(text, len, s, &r);
    free(text);
    if (!ok)
        snprintf(msg, msgcap, "%s: %s%s", path, r.error,
                 r.errors > 1 ? " (and more; those keep their defaults)"
                              : " (it keeps its default)");
    else if (r.unknown > 0)
        snprintf(msg, msgcap, "%s: %s", path, r.warning);
    return ok;
}

bool app_settings_save(const char *path, const AppSettings *s, char *err, size_t errcap)
{
    if (path[0] == '\0')
        return true;
    char text[APP_SETTINGS_FILE_MAX];
    size_t n = app_settings_format(s, text, sizeof text);
    if (n == 0) {
        snprintf(err, errcap, "settings do not fit in %d bytes", APP_SETTINGS_FILE_MAX);
        return false;
    }
    return cli_files_replace(path, text, n, err, errcap);
}
