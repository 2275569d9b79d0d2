/* ctl_cmd.c — see ctl_cmd.h. */
#include "ctl_cmd.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "line.h"

typedef struct Verb {
    const char *word;
    CtlVerb verb;
    int target; /* 0 none, 1 required */
    const char *usage;
} Verb;

static const Verb verbs[] = {
    {"help", CTL_HELP, 0, "help                           this list"},
    {"status", CTL_STATUS, 0, "status                         the server's state as JSON"},
    {"who", CTL_WHO, 0, "who                            players: slot, name, address, state"},
    {"bans", CTL_BANS, 0, "bans                           active bans"},
    {"kick", CTL_KICK, 1, "kick NAME [REASON]             remove a player"},
    {"ban", CTL_BAN, 1, "ban NAME|IP [MINUTES] [REASON] ban (forever without MINUTES), kick"},
    {"unban", CTL_UNBAN, 1, "unban NAME|IP                  lift a ban"},
    {"mute", CTL_MUTE, 1, "mute NAME [MINUTES]            silence a player's chat (10 minutes)"},
    {"unmute", CTL_UNMUTE, 1, "unmute NAME                    let a player chat again"},
    {"say", CTL_SAY, 0, "say TEXT                       a notice to everyone"},
};

enum { VERB_COUNT = sizeof verbs / sizeof verbs[0] };

const char *ctl_usage(size_t i)
{
    return i < VERB_COUNT ? verbs[i].usage : NULL;
}

/* Next space-separated word of *p into out (cap bytes with NUL); false if none or too long. */
static bool take_word(const char **p, char *out, size_t cap)
{
    const char *s = *p;
    while (*s == ' ')
        s++;
    size_t n = strcspn(s, " ");
    if (n == 0 || n >= cap)
        return false;
    memcpy(out, s, n);
    out[n] = '\0';
    *p = s + n;
    return true;
}

static bool parse_minutes(const char *w, unsigned *out)
{
    size_t n = strlen(w);
    if (n == 0 || n > 8 || (n > 1 && w[0] == '0'))
        return false;
    unsigned long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (w[i] < '0' || w[i] > '9')
            return false;
        v = v * 10 + (unsigned long)(w[i] - '0');
    }
    if (v == 0 || v > CTL_MAX_MINUTES)
        return false;
    *out = (unsigned)v;
    return true;
}

/* The rest of the line as text (reason or notice): trimmed, 0..cap-1 bytes, safe text. */
static bool take_text(const char *p, char *out, size_t cap, char *err, size_t errlen)
{
    while (*p == ' ')
        p++;
    size_t n = strlen(p);
    while (n > 0 && p[n - 1] == ' ')
        n--;
    if (n >= cap) {
        snprintf(err, errlen, "text too long (at most %zu bytes)", cap - 1);
        return false;
    }
    if (!line_text_safe((const uint8_t *)p, n)) {
        snprintf(err, errlen,
                 "text must be UTF-8 without control, line-separator or bidi "
                 "characters");
        return false;
    }
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

/* MINUTES after a target, if the next word looks like a number: it must then be one (so a
 * typo like "1h" or "010" is an error, not a reason that makes the ban permanent). */
static bool take_minutes(const char **p, unsigned *minutes, const char *usage, char *err,
                         size_t errlen)
{
    const char *q = *p;
    char num[16];
    while (*q == ' ')
        q++;
    if (*q < '0' || *q > '9')
        return true; /* no MINUTES given */
    if (!take_word(&q, num, sizeof num) || !parse_minutes(num, minutes)) {
        snprintf(err, errlen, "MINUTES is a whole number of minutes, 1..%d (usage: %s)",
                 CTL_MAX_MINUTES, usage);
        return false;
    }
    *p = q;
    return true;
}

/* Nothing but spaces may follow; else the verb's usage. */
static bool at_end(const char *p, const Verb *v, char *err, size_t errlen)
{
    while (*p == ' ')
        p++;
    if (*p != '\0') {
        snprintf(err, errlen, "usage: %s", v->usage);
        return false;
    }
    return true;
}

bool ctl_parse(const char *line, CtlCommand *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    size_t len = strlen(line);
    if (len >= CTL_LINE_MAX || !line_text_valid((const uint8_t *)line, len)) {
        snprintf(err, errlen, "not a command line (UTF-8 text, at most %d bytes)",
                 CTL_LINE_MAX - 1);
        return false;
    }
    const char *p = line;
    char word[16];
    if (!take_word(&p, word, sizeof word)) {
        snprintf(err, errlen, "no command (try help)");
        return false;
    }
    const Verb *v = NULL;
    for (size_t i = 0; i < VERB_COUNT && v == NULL; i++)
        if (strcasecmp(word, verbs[i].word) == 0)
            v = &verbs[i];
    if (v == NULL) {
        size_t n = line_utf8_boundary((const uint8_t *)word, strlen(word));
        snprintf(err, errlen, "unknown command '%.*s' (try help)", (int)n, word);
        return false;
    }
    out->verb = v->verb;
    if (v->target && (!take_word(&p, out->target, sizeof out->target) ||
                      !line_text_safe((const uint8_t *)out->target, strlen(out->target)))) {
        snprintf(err, errlen, "usage: %s", v->usage);
        return false;
    }
    struct in_addr a;
    if (v->target && inet_pton(AF_INET, out->target, &a) == 1) {
        out->target_is_ip = true;
        out->ip = a.s_addr;
    }
    bool name_only = v->verb == CTL_KICK || v->verb == CTL_MUTE || v->verb == CTL_UNMUTE;
    if (name_only && out->target_is_ip) {
        snprintf(err, errlen, "%s takes a player's name, not an address (ban takes either)",
                 v->word);
        return false;
    }
    switch (v->verb) {
    case CTL_HELP:
    case CTL_STATUS:
    case CTL_WHO:
    case CTL_BANS:
    case CTL_UNBAN:
    case CTL_UNMUTE:
        return at_end(p, v, err, errlen);
    case CTL_KICK:
        return take_text(p, out->text, CTL_REASON_MAX + 1, err, errlen);
    case CTL_MUTE:
    case CTL_BAN:
        if (!take_minutes(&p, &out->minutes, v->usage, err, errlen))
            return false;
        if (v->verb == CTL_MUTE) {
            if (out->minutes == 0)
                out->minutes = 10;
            return at_end(p, v, err, errlen);
        }
        return take_text(p, out->text, CTL_REASON_MAX + 1, err, errlen);
    case CTL_SAY:
        if (!take_text(p, out->text, sizeof out->text, err, errlen))
            return false;
        if (out->text[0] == '\0') {
            snprintf(err, errlen, "usage: %s", v->usage);
            return false;
        }
        return true;
    }
    return false;
}
