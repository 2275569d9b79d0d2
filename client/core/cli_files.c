/* cli_files.c — see cli_files.h. */
#include "cli_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool cli_files_path(CliFileKind kind, const char *leaf, char *out, size_t cap)
{
    const char *xdg = getenv(kind == CLI_FILE_STATE ? "XDG_STATE_HOME" : "XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    const char *fallback = kind == CLI_FILE_STATE ? ".local/state" : ".config";
    int n;
    if (leaf == NULL || leaf[0] == '\0' || strchr(leaf, '/') != NULL)
        return false;
    if (xdg != NULL && xdg[0] == '/')
        n = snprintf(out, cap, "%s/localhost-arena/%s", xdg, leaf);
    else if (home != NULL && home[0] == '/')
        n = snprintf(out, cap, "%s/%s/localhost-arena/%s", home, fallback, leaf);
    else
        return false;
    return n > 0 && (size_t)n < cap;
}

bool cli_files_read(const char *path, size_t max, char **text, size_t *len, char *err,
                    size_t errlen)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        if (errno == ENOENT)
            return true;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    char *buf = malloc(max + 1);
    size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
    bool bad = buf == NULL || ferror(f);
    fclose(f);
    if (bad || n > max) {
        snprintf(err, errlen, "%s: %s", path, bad ? "cannot read" : "too large");
        free(buf);
        return false;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return true;
}

/* mkdir -p for the file's directory, 0700. */
static bool make_parent(const char *path)
{
    char dir[CLI_FILES_PATH_MAX];
    int n = snprintf(dir, sizeof dir, "%s", path);
    if (n < 0 || (size_t)n >= sizeof dir)
        return false;
    char *slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return true;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            return false;
        *p = '/';
    }
    return mkdir(dir, 0700) == 0 || errno == EEXIST;
}

bool cli_files_replace(const char *path, const char *text, size_t len, char *err, size_t errlen)
{
    char tmp[CLI_FILES_PATH_MAX + 8];
    int tn = snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (tn < 0 || (size_t)tn >= sizeof tmp) {
        snprintf(err, errlen, "%s: path too long", path);
        return false;
    }
    if (!make_parent(path)) {
        snprintf(err, errlen, "%s: cannot create its directory (%s)", path, strerror(errno));
        return false;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    /* fchmod too: a stale temporary file keeps its own mode through O_CREAT. */
    bool ok =
        fd >= 0 && fchmod(fd, 0600) == 0 && write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
    if (fd >= 0)
        ok = close(fd) == 0 && ok;
    ok = ok && rename(tmp, path) == 0;
    if (!ok) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        unlink(tmp);
    }
    return ok;
}
