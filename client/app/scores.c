/* scores.c — see scores.h. */
#include "scores.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"

void app_scores_init(AppScores *s)
{
    memset(s, 0, sizeof *s);
}

/* A canonical decimal (no sign, no leading zero unless "0") of at most 9 digits, ended by a
 * space or NUL; returns the end or NULL. */
static const char *parse_uint(const char *p, unsigned long max, unsigned long *out)
{
    const char *start = p;
    unsigned long v = 0;
    while (*p >= '0' && *p <= '9') {
        if (p - start >= 9)
            return NULL;
        v = v * 10 + (unsigned long)(*p - '0');
        p++;
    }
    if (p == start || (p - start > 1 && *start == '0') || v > max || (*p != ' ' && *p != '\0'))
        return NULL;
    *out = v;
    return p;
}

bool app_scores_parse_player(const char *args, AppWhoEntry *out)
{
    memset(out, 0, sizeof *out);
    unsigned long id, score, ping;
    const char *p = parse_uint(args, PROTO_MAX_PLAYERS - 1, &id);
    if (p == NULL || *p != ' ')
        return false;
    p++;
    const char *sp = strchr(p, ' ');
    if (sp == NULL || sp == p || (size_t)(sp - p) > PROTO_NAME_MAX)
        return false;
    char name[PROTO_NAME_MAX + 1];
    memcpy(name, p, (size_t)(sp - p));
    name[sp - p] = '\0';
    if (!app_name_valid(name))
        return false;
    p = parse_uint(sp + 1, 65535, &score);
    if (p == NULL || *p != ' ')
        return false;
    p++;
    int ping_ms;
    if (p[0] == '-' && p[1] == ' ') {
        ping_ms = -1;
        p += 1;
    } else {
        p = parse_uint(p, 999999, &ping);
        if (p == NULL)
            return false;
        ping_ms = (int)ping;
    }
    if (*p != ' ')
        return false;
    p++;
    bool playing;
    if (strcmp(p, "playing") == 0)
        playing = true;
    else if (strcmp(p, "chatting") == 0)
        playing = false;
    else
        return false;
    out->id = (uint16_t)id;
    memcpy(out->name, name, sizeof out->name);
    out->score = (uint16_t)score;
    out->ping_ms = ping_ms;
    out->playing = playing;
    return true;
}

bool app_scores_line(AppScores *s, const char *line, uint64_t now_us)
{
    if (strncmp(line, "WHO ", 4) == 0) {
        unsigned long n;
        const char *end = parse_uint(line + 4, APP_SCORES_MAX + 64, &n);
        if (end == NULL || *end != '\0') {
            s->pending_open = false;
            return false;
        }
        s->pending_open = true;
        s->pending_count = 0;
        s->pending_expected = (unsigned)n;
        if (n == 0) {
            s->who_count = 0;
            s->who_time_us = now_us;
            s->pending_open = false;
        }
        return true;
    }
    if (strncmp(line, "PLAYER ", 7) != 0 || !s->pending_open)
        return false;
    AppWhoEntry e;
    if (!app_scores_parse_player(line + 7, &e)) {
        s->pending_open = false; /* a broken answer is not used at all */
        return false;
    }
    if (s->pending_count < APP_SCORES_MAX)
        s->pending[s->pending_count++] = e;
    if (s->pending_count >= s->pending_expected || s->pending_count == APP_SCORES_MAX) {
        memcpy(s->who, s->pending, s->pending_count * sizeof s->who[0]);
        s->who_count = s->pending_count;
        s->who_time_us = now_us;
        s->pending_open = false;
    }
    return true;
}

static const AppWhoEntry *who_find(const AppScores *s, unsigned id)
{
    for (unsigned i = 0; i < s->who_count; i++)
        if (s->who[i].id == id)
            return &s->who[i];
    return NULL;
}

static int row_cmp(const void *a, const void *b)
{
    const AppScoreRow *x = a, *y = b;
    if (x->playing != y->playing)
        return x->playing ? -1 : 1;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    int c = strcmp(x->name, y->name);
    if (c != 0)
        return c;
    return x->id < y->id ? -1 : x->id > y->id;
}

static void fill_row(const AppScores *s, AppScoreRow *r, unsigned id, unsigned score, bool alive,
                     const char *(*names)(void *, unsigned), void *user)
{
    const AppWhoEntry *w = who_find(s, id);
    const char *name = names != NULL ? names(user, id) : NULL;
    memset(r, 0, sizeof *r);
    r->id = (int)id;
    if (name != NULL && name[0] != '\0')
        snprintf(r->name, sizeof r->name, "%s", name);
    else if (w != NULL)
        snprintf(r->name, sizeof r->name, "%s", w->name);
    else
        snprintf(r->name, sizeof r->name, "#%u", id);
    r->score = score;
    r->ping_ms = w != NULL ? w->ping_ms : -1;
    r->alive = alive;
    r->playing = true;
}

unsigned app_scores_rows(const AppScores *s, const AppScoreInput *in, unsigned n, int self_id,
                         unsigned self_score, bool self_alive, int self_ping_ms,
                         const char *(*names)(void *user, unsigned id), void *user,
                         AppScoreRow *out, unsigned cap)
{
    unsigned k = 0;
    bool seen[PROTO_MAX_PLAYERS] = {false};
    if (self_id >= 0 && self_id < PROTO_MAX_PLAYERS && k < cap) {
        fill_row(s, &out[k], (unsigned)self_id, self_score, self_alive, names, user);
        out[k].self = true;
        out[k].ping_ms = self_ping_ms;
        seen[self_id] = true;
        k++;
    }
    for (unsigned i = 0; i < n && k < cap; i++) {
        if (in[i].id >= PROTO_MAX_PLAYERS || seen[in[i].id])
            continue;
        seen[in[i].id] = true;
        fill_row(s, &out[k++], in[i].id, in[i].score, in[i].alive, names, user);
    }
    /* Only WHO knows them: chatting, joining, or left out of our snapshots. */
    for (unsigned i = 0; i < s->who_count && k < cap; i++) {
        const AppWhoEntry *w = &s->who[i];
        if (seen[w->id])
            continue;
        seen[w->id] = true;
        AppScoreRow *r = &out[k++];
        memset(r, 0, sizeof *r);
        r->id = w->id;
        snprintf(r->name, sizeof r->name, "%s", w->name);
        r->score = w->score;
        r->ping_ms = w->ping_ms;
        r->playing = w->playing;
        r->alive = w->playing;
    }
    qsort(out, k, sizeof *out, row_cmp);
    return k;
}
