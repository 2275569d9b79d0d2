/* cli_files.h — the client's small private files: where they live and how they are read and
 * replaced.
 *
 * Owns the XDG paths ($XDG_CONFIG_HOME/localhost-arena/<leaf>, else
 * ~/.config/localhost-arena/<leaf>; $XDG_STATE_HOME/…, else ~/.local/state/…), reading a whole
 * bounded file, and replacing one atomically (a temporary file, fsync, rename), mode 0600 in a
 * directory created 0700. The contents (claims, settings, recent servers) are each their own
 * module's parser; this file never interprets them. */
#ifndef ARENA_CLI_FILES_H
#define ARENA_CLI_FILES_H

#include <stdbool.h>
#include <stddef.h>

enum {
    CLI_FILES_PATH_MAX = 1024,
};

typedef enum CliFileKind {
    CLI_FILE_CONFIG = 0, /* settings and secrets the user keeps: $XDG_CONFIG_HOME */
    CLI_FILE_STATE = 1, /* what the program remembers by itself (recent servers): $XDG_STATE_HOME */
} CliFileKind;

/* The path of leaf (a plain file name) in the project's directory of that kind. False if
 * neither the XDG variable nor $HOME is an absolute path, or the path does not fit. */
bool cli_files_path(CliFileKind kind, const char *leaf, char *out, size_t cap);

/* Reads the whole file into a fresh NUL-terminated buffer (*text, to free()) of at most max
 * bytes. A missing file is true with *text = NULL and *len = 0. A larger or unreadable file is
 * false with the reason in err ("<path>: too large"). */
bool cli_files_read(const char *path, size_t max, char **text, size_t *len, char *err,
                    size_t errlen);

/* Replaces the file with text: mode 0600, its directory created 0700 if missing; readers see
 * either the old file or the new one, never a part. False with the reason in err. */
bool cli_files_replace(const char *path, const char *text, size_t len, char *err, size_t errlen);

#endif
