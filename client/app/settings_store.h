/* settings_store.h — where the settings file lives, loading it at start-up and saving it.
 *
 * Owns the path ($XDG_CONFIG_HOME/localhost-arena/settings by default, --settings FILE, or
 * none) and the glue between cli_files.h (bounded read, atomic 0600 replace) and
 * settings_file.h (the format). No SDL. */
#ifndef ARENA_APP_SETTINGS_STORE_H
#define ARENA_APP_SETTINGS_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "settings.h"

/* The default path; false (and "") if there is no config directory. */
bool app_settings_default_path(char *out, size_t cap);
/* Loads path into s (defaults when path is "" or the file is missing). A bad or unknown line
 * is reported in msg ("<path>: line 4: ..."), and the values it could read are kept: false
 * when the file had errors or could not be read. */
bool app_settings_load(const char *path, AppSettings *s, char *msg, size_t msgcap);
/* Writes s to path (nothing when path is ""). False with the reason in err. */
bool app_settings_save(const char *path, const AppSettings *s, char *err, size_t errcap);

#endif
