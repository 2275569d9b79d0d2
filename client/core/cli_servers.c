/* cli_servers.c — see cli_servers.h. Bounded string handling over fixed buffers. */
#include "cli_servers.h"

#include <stdio.h>
#include <string.h>

#include "line.h"

#define HEADER "# localhost-arena servers 1\n"

void cli_servers_init(CliServerList *l)
{
    memset(l, 0, sizeof *l);
}

static bool host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_' || c == ':';
}

static bool host_valid_n(const char *h, size_t n)
{
    if (n == 0 || n > CLI_SERVERS_HOST_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!host_char(h[i]))
            return false;
    return true;
}

bool cli_servers_host_valid(const char *host)
{
    return host != NULL && host_valid_n(host, strnlen(host, CLI_SERVERS_HOST_MAX + 1));
}

static bool name_valid(const char *s, size_t n)
{
    return n <= CLI_SERVERS_NAME_MAX && line_text_safe((const uint8_t *)s, n);
}

int cli_servers_find(const CliServerList *l, const char *host, uint16_t port)
{
    for (unsigned i = 0; i < l->count; i++)
        if (l->e[i].port == port && strcmp(l->e[i].host, host) == 0)
            return (int)i;
    return -1;
}

/* A decimal field of s[*p..n) up to the next space (or the end): at most 18 digits (no overflow),
 * no leading zero. */
static bool take_num(const char *s, size_t n, size_t *p, int64_t *out)
{
    size_t i = *p, k = 0;
    int64_t v = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9' && k < 18) {
        v = v * 10 + (s[i] - '0');
        i++;
        k++;
    }
    if (k == 0 || (k > 1 && s[*p] == '0') || (i < n && s[i] != ' '))
        return false;
    *p = i < n ? i + 1 : i;
    *out = v;
    return true;
}

/* One "server ..." line (without its newline) into e. */
static bool parse_line(const char *s, size_t n, CliServerEntry *e)
{
    memset(e, 0, sizeof *e);
    if (n < 7 || memcmp(s, "server ", 7) != 0)
        return false;
    size_t p = 7, h = p;
    while (p < n && s[p] != ' ')
        p++;
    if (!host_valid_n(s + h, p - h) || p >= n)
        return false;
    memcpy(e->host, s + h, p - h);
    p++;
    int64_t port, fav, last;
    if (!take_num(s, n, &p, &port) || port < 1 || port > 65535 || !take_num(s, n, &p, &fav) ||
        fav > 1 || !take_num(s, n, &p, &last))
        return false;
    if (p < n && s[p - 1] != ' ')
        return false;
    if (!name_valid(s + p, n - p))
        return false;
    memcpy(e->name, s + p, n - p);
    e->port = (uint16_t)port;
    e->favourite = fav == 1;
    e->last_unix = last;
    return true;
}

void cli_servers_parse(const char *text, size_t len, CliServerList *out, unsigned *bad)
{
    cli_servers_init(out);
    unsigned nbad = 0;
    if (len > CLI_SERVERS_FILE_MAX)
        len = CLI_SERVERS_FILE_MAX;
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;
        const char *s = text + i;
        size_t n = end - i;
        i = end + 1;
        if (n == 0 || s[0] == '#')
            continue;
        CliServerEntry e;
        if (!parse_line(s, n, &e) || out->count >= CLI_SERVERS_MAX ||
            cli_servers_find(out, e.host, e.port) >= 0) {
            nbad++;
            continue;
        }
        out->e[out->count++] = e;
    }
    cli_servers_sort(out);
    if (bad != NULL)
        *bad = nbad;
}

size_t cli_servers_format(const CliServerList *l, char *out, size_t cap)
{
    size_t n = 0;
    int k = snprintf(out, cap, "%s", HEADER);
    if (k < 0 || (size_t)k >= cap)
        return 0;
    n = (size_t)k;
    for (unsigned i = 0; i < l->count; i++) {
        const CliServerEntry *e = &l->e[i];
        k = snprintf(out + n, cap - n, "server %s %u %d %lld%s%s\n", e->host, (unsigned)e->port,
                     e->favourite ? 1 : 0, (long long)e->last_unix, e->name[0] ? " " : "", e->name);
        if (k < 0 || (size_t)k >= cap - n)
            return 0;
        n += (size_t)k;
    }
    return n;
}

static bool before(const CliServerEntry *a, const CliServerEntry *b)
{
    if (a->favourite != b->favourite)
        return a->favourite;
    return a->last_unix > b->last_unix;
}

void cli_servers_sort(CliServerList *l)
{
    for (unsigned i = 1; i < l->count; i++) { /* insertion sort: stable, 16 entries */
        CliServerEntry t = l->e[i];
        unsigned j = i;
        while (j > 0 && before(&t, &l->e[j - 1])) {
            l->e[j] = l->e[j - 1];
            j--;
        }
        l->e[j] = t;
    }
}

/* A slot for a new entry: a free one, else the oldest non-favourite's; -1 if none. */
static int new_slot(CliServerList *l)
{
    if (l->count < CLI_SERVERS_MAX)
        return (int)l->count++;
    int old = -1;
    for (unsigned i = 0; i < l->count; i++)
        if (!l->e[i].favourite && (old < 0 || l->e[i].last_unix < l->e[old].last_unix))
            old = (int)i;
    return old;
}

static int find_or_add(CliServerList *l, const char *host, uint16_t port, const char *name)
{
    if (!cli_servers_host_valid(host) || port == 0)
        return -1;
    int i = cli_servers_find(l, host, port);
    if (i < 0) {
        i = new_slot(l);
        if (i < 0)
            return -1;
        memset(&l->e[i], 0, sizeof l->e[i]);
        snprintf(l->e[i].host, sizeof l->e[i].host, "%s", host);
        l->e[i].port = port;
    }
    if (name != NULL && name[0] != '\0' && name_valid(name, strlen(name)))
        snprintf(l->e[i].name, sizeof l->e[i].name, "%s", name);
    return i;
}

bool cli_servers_touch(CliServerList *l, const char *host, uint16_t port, const char *name,
                       int64_t now_unix)
{
    int i = find_or_add(l, host, port, name);
    if (i < 0)
        return false;
    l->e[i].last_unix = now_unix;
    cli_servers_sort(l);
    return true;
}

bool cli_servers_toggle_favourite(CliServerList *l, const char *host, uint16_t port,
                                  const char *name)
{
    int i = find_or_add(l, host, port, name);
    if (i < 0)
        return false;
    l->e[i].favourite = !l->e[i].favourite;
    bool fav = l->e[i].favourite;
    cli_servers_sort(l);
    return fav;
}
