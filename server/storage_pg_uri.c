/* storage_pg_uri.c — a PostgreSQL connection URI as the back-end (storage_pg.c) checks it and
 * as people see it: libpq parses it, and a password in it is never shown. No I/O. */
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

#include "storage_impl.h"

static const char *option(const PQconninfoOption *opts, const char *key)
{
    for (const PQconninfoOption *o = opts; o->keyword != NULL; o++)
        if (strcmp(o->keyword, key) == 0)
            return o->val;
    return NULL;
}

/* Appends n bytes of s to out[outlen] (at *len), truncating at the end. */
static void append(char *out, size_t outlen, size_t *len, const char *s, size_t n)
{
    if (*len + 1 >= outlen)
        return;
    if (n > outlen - 1 - *len)
        n = outlen - 1 - *len;
    memcpy(out + *len, s, n);
    *len += n;
    out[*len] = '\0';
}

/* Copies uri into out with the password of its user info (user:password@) and of any
 * password= parameter replaced by ***. */
static void mask_uri(const char *uri, char *out, size_t outlen)
{
    size_t len = 0;
    out[0] = '\0';
    const char *scheme = strstr(uri, "://");
    const char *start = scheme != NULL ? scheme + 3 : uri;
    /* As libpq reads it: the user info ends at the first '@' before any '/'. */
    size_t info = strcspn(start, "@/");
    const char *colon = memchr(start, ':', info);
    const char *p = uri;
    if (start[info] == '@' && colon != NULL) {
        append(out, outlen, &len, uri, (size_t)(colon + 1 - uri));
        append(out, outlen, &len, "***", 3);
        p = start + info;
    }
    const char *q = strchr(p, '?');
    append(out, outlen, &len, p, q != NULL ? (size_t)(q - p) : strlen(p));
    while (q != NULL && *q != '\0') {
        size_t item = 1 + strcspn(q + 1, "&"); /* '?' or '&', then key=value */
        if (strncmp(q + 1, "password=", 9) == 0) {
            append(out, outlen, &len, q, 10);
            append(out, outlen, &len, "***", 3);
        } else {
            append(out, outlen, &len, q, item);
        }
        q += item;
    }
}

/* The URI without its password, for people. If the masked text still parses to a password
 * (a spelling mask_uri does not know), only user, host, port and database are shown. */
void storage_pg_display_name(const char *uri, char *name, size_t namelen)
{
    mask_uri(uri, name, namelen);
    PQconninfoOption *opts = PQconninfoParse(name, NULL);
    const char *pw = opts != NULL ? option(opts, "password") : NULL;
    if (opts == NULL || (pw != NULL && strcmp(pw, "***") != 0)) {
        PQconninfoFree(opts);
        opts = PQconninfoParse(uri, NULL);
        const char *user = opts != NULL ? option(opts, "user") : NULL;
        const char *db = opts != NULL ? option(opts, "dbname") : NULL;
        const char *host = opts != NULL ? option(opts, "host") : NULL;
        const char *port = opts != NULL ? option(opts, "port") : NULL;
        snprintf(name, namelen, "postgresql://%s%s/%s?host=%s%s%s", user ? user : "",
                 user ? "@" : "", db ? db : "", host ? host : "", port ? "&port=" : "",
                 port ? port : "");
    }
    PQconninfoFree(opts);
}

bool storage_pg_check_uri(const char *uri, char *err, size_t errlen)
{
    char *msg = NULL;
    PQconninfoOption *opts = PQconninfoParse(uri, &msg);
    if (opts == NULL) {
        /* libpq's message may quote the URI, password and all: cut it there. */
        char *quoted = msg != NULL ? strstr(msg, uri) : NULL;
        if (quoted != NULL)
            *quoted = '\0';
        char masked[SRV_STORAGE_NAME_MAX];
        mask_uri(uri, masked, sizeof masked);
        char why[SRV_STORAGE_NAME_MAX * 2];
        snprintf(why, sizeof why, "%s%s%s", msg != NULL ? msg : "out of memory",
                 quoted != NULL ? masked : "", quoted != NULL ? "\"" : "");
        storage_pg_error(err, errlen, "not a PostgreSQL URI", why);
        PQfreemem(msg);
        return false;
    }
    PQconninfoFree(opts);
    return true;
}
