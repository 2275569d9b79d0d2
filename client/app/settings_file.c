/* settings_file.c — see settings_file.h. */
#include "settings_file.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "field.h"

static void note(char *dst, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void note(char *dst, unsigned line, const char *fmt, ...)
{
    int n = snprintf(dst, APP_SETTINGS_MSG_MAX, "line %u: ", line);
    if (n < 0 || n >= APP_SETTINGS_MSG_MAX)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst + n, APP_SETTINGS_MSG_MAX - (size_t)n, fmt, ap);
    va_end(ap);
}

static bool parse_int(const char *v, int lo, int hi, int *out)
{
    if (v[0] == '\0' || strlen(v) > 6)
        return false;
    char *end = NULL;
    long x = strtol(v, &end, 10);
    if (*end != '\0' || x < lo || x > hi)
        return false;
    *out = (int)x;
    return true;
}

static bool parse_bool(const char *v, bool *out)
{
    if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
        strcmp(v, "on") == 0)
        *out = true;
    else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0 ||
             strcmp(v, "off") == 0)
        *out = false;
    else
        return false;
    return true;
}

/* One "key = value" pair; false with the reason in why. Unknown keys are *unknown. */
static bool apply(AppSettings *s, const char *k, const char *v, bool *unknown, char *why, size_t n)
{
    *unknown = false;
    if (strcmp(k, "version") == 0) {
        int ver;
        if (!parse_int(v, 1, 1000, &ver)) {
            snprintf(why, n, "version wants a number, got '%.40s'", v);
            return false;
        }
        return true; /* a newer file's keys we do not know are skipped like any unknown */
    }
    if (strcmp(k, "name") == 0) {
        if (v[0] != '\0' && !app_name_valid(v)) {
            snprintf(why, n, "name '%.40s' is not a valid player name", v);
            return false;
        }
        snprintf(s->name, sizeof s->name, "%s", v);
        return true;
    }
    if (strcmp(k, "colour") == 0) {
        if (strcmp(v, "auto") == 0) {
            s->colour = APP_SET_COLOUR_AUTO;
            return true;
        }
        if (!parse_int(v, 0, APP_SET_COLOUR_MAX, &s->colour)) {
            snprintf(why, n, "colour wants auto or 0..%d, got '%.40s'", APP_SET_COLOUR_MAX, v);
            return false;
        }
        return true;
    }
    struct {
        const char *key;
        int *v, lo, hi;
    } ints[] = {{"volume", &s->volume, 0, APP_SET_VOLUME_MAX},
                {"sensitivity", &s->sensitivity, APP_SET_SENS_MIN, APP_SET_SENS_MAX}};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        if (strcmp(k, ints[i].key) == 0) {
            if (!parse_int(v, ints[i].lo, ints[i].hi, ints[i].v)) {
                snprintf(why, n, "%s wants %d..%d, got '%.40s'", k, ints[i].lo, ints[i].hi, v);
                return false;
            }
            return true;
        }
    struct {
        const char *key;
        bool *v;
    } bools[] = {{"mute", &s->mute}, {"fullscreen", &s->fullscreen}};
    for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++)
        if (strcmp(k, bools[i].key) == 0) {
            if (!parse_bool(v, bools[i].v)) {
                snprintf(why, n, "%s wants yes or no, got '%.40s'", k, v);
                return false;
            }
            return true;
        }
    if (strncmp(k, "bind.", 5) == 0) {
        int a = app_action_from_key(k + 5);
        if (a >= 0) {
            int in = strcasecmp(v, "none") == 0 ? APP_INPUT_NONE : app_input_from_name(v);
            if ((in == APP_INPUT_NONE && strcasecmp(v, "none") != 0) || app_input_reserved(in)) {
                snprintf(why, n, "%s wants a key name (W, Up, F3, Mouse1, none), got '%.40s'", k,
                         v);
                return false;
            }
            s->bind[a] = in;
            return true;
        }
    }
    *unknown = true;
    return true;
}

static char *trim(char *b, char *e)
{
    while (b < e && (*b == ' ' || *b == '\t'))
        b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    *e = '\0';
    return b;
}

static void line_error(AppSettingsReport *r, unsigned line, const char *why)
{
    if (r->errors++ == 0) {
        r->error_line = line;
        note(r->error, line, "%s", why);
    }
}

static void parse_line(AppSettings *s, char *buf, size_t n, unsigned line, AppSettingsReport *r)
{
    if (memchr(buf, '\0', n) != NULL) {
        line_error(r, line, "a NUL byte");
        return;
    }
    char *p = trim(buf, buf + n);
    if (p[0] == '\0' || p[0] == '#')
        return;
    char *eq = strchr(p, '=');
    if (eq == NULL) {
        line_error(r, line, "expected 'key = value'");
        return;
    }
    char *v = trim(eq + 1, p + strlen(p));
    char *k = trim(p, eq);
    char why[APP_SETTINGS_MSG_MAX];
    bool unknown = false;
    if (!apply(s, k, v, &unknown, why, sizeof why))
        line_error(r, line, why);
    else if (unknown && r->unknown++ == 0)
        note(r->warning, line, "unknown key '%.40s' (skipped)", k);
}

bool app_settings_parse(const char *text, size_t len, AppSettings *s, AppSettingsReport *r)
{
    memset(r, 0, sizeof *r);
    app_settings_default(s);
    if (len > APP_SETTINGS_FILE_MAX) {
        line_error(r, 1, "the file is too large");
        len = APP_SETTINGS_FILE_MAX;
    }
    unsigned line = 0;
    size_t pos = 0;
    while (pos < len) {
        line++;
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;
        size_t n = end - pos;
        if (n >= APP_SETTINGS_LINE_MAX) {
            line_error(r, line, "line too long");
        } else {
            char buf[APP_SETTINGS_LINE_MAX];
            memcpy(buf, text + pos, n);
            buf[n] = '\0';
            parse_line(s, buf, n, line, r);
        }
        pos = end + 1;
    }
    if (app_settings_clamp(s) > 0 && r->errors == 0)
        line_error(r, line, "conflicting key bindings (a key bound twice was unbound)");
    return r->errors == 0;
}

size_t app_settings_format(const AppSettings *s, char *out, size_t cap)
{
    size_t used = 0;
#define EMIT(...)                                                                                  \
    do {                                                                                           \
        int n_ = snprintf(out + used, cap > used ? cap - used : 0, __VA_ARGS__);                   \
        if (n_ < 0 || (size_t)n_ >= cap - used)                                                    \
            return 0;                                                                              \
        used += (size_t)n_;                                                                        \
    } while (0)
    if (cap == 0)
        return 0;
    EMIT("# Localhost Arena settings (docs/client.md, \"Settings file\"); written by\n"
         "# arena-client's settings screen. Unknown keys are skipped.\n");
    EMIT("version = %d\n", APP_SETTINGS_VERSION);
    EMIT("name = %s\n", s->name);
    if (s->colour == APP_SET_COLOUR_AUTO)
        EMIT("colour = auto\n");
    else
        EMIT("colour = %d\n", s->colour);
    EMIT("volume = %d\n", s->volume);
    EMIT("mute = %s\n", s->mute ? "yes" : "no");
    EMIT("fullscreen = %s\n", s->fullscreen ? "yes" : "no");
    EMIT("sensitivity = %d\n", s->sensitivity);
    for (int a = 0; a < APP_ACT_COUNT; a++) {
        char name[APP_INPUT_NAME_MAX];
        if (s->bind[a] == APP_INPUT_NONE || !app_input_name(s->bind[a], name, sizeof name))
            snprintf(name, sizeof name, "none");
        EMIT("bind.%s = %s\n", app_action_key((AppAction)a), name);
    }
#undef EMIT
    return used;
}
