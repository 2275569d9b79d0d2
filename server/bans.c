/* bans.c — see bans.h. The list in force is the store's list with the unconfirmed changes laid
 * over it, rebuilt whenever either changes (both are small and change rarely). */
#include "bans.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "names.h"

enum { BANS_ACTIVE_MAX = BANS_MAX + STORE_QUEUE_MAX };

typedef struct Change {
    uint64_t seq;
    bool put;    /* else a removal: kind, target, target2 (the alt key) */
    int64_t now; /* when it was made: bans expired then make room for it */
    Ban ban;
} Change;

struct Bans {
    unsigned stored_n, active_n, changes_n;
    Ban stored[BANS_MAX];
    Ban active[BANS_ACTIVE_MAX]; /* the stored list plus pending puts: none is ever dropped */
    Change changes[STORE_QUEUE_MAX];
};

Bans *bans_create(void)
{
    return calloc(1, sizeof(Bans));
}

void bans_destroy(Bans *b)
{
    free(b);
}

/* Does the removal (kind, target, alt) lift e? As the store's DELETE. */
static bool removal_matches(const Ban *e, BanKind kind, const char *target, const char *alt)
{
    if (e->kind != kind)
        return false;
    if (alt == NULL || alt[0] == '\0')
        alt = target;
    return strcmp(e->target, target) == 0 || strcmp(e->target, alt) == 0 ||
           (e->target2[0] != '\0' &&
            (strcmp(e->target2, target) == 0 || strcmp(e->target2, alt) == 0));
}

static void apply_change(Bans *b, const Change *c)
{
    unsigned j = 0;
    bool replaced = false;
    for (unsigned i = 0; i < b->active_n; i++) {
        Ban *e = &b->active[i];
        if (c->put && e->kind == c->ban.kind && strcmp(e->target, c->ban.target) == 0) {
            *e = c->ban;
            replaced = true;
        } else if (!c->put && removal_matches(e, c->ban.kind, c->ban.target, c->ban.target2)) {
            continue;
        } else if (e->until != 0 && e->until <= c->now) {
            continue; /* expired: the store deletes it at its next reload */
        }
        b->active[j++] = *e;
    }
    b->active_n = j;
    if (c->put && !replaced && b->active_n < BANS_ACTIVE_MAX)
        b->active[b->active_n++] = c->ban;
}

static void rebuild(Bans *b)
{
    memcpy(b->active, b->stored, b->stored_n * sizeof b->active[0]);
    b->active_n = b->stored_n;
    for (unsigned i = 0; i < b->changes_n; i++)
        apply_change(b, &b->changes[i]);
}

void bans_loaded(Bans *b, const Ban *list, unsigned n, uint64_t done_seq)
{
    b->stored_n = n < BANS_MAX ? n : BANS_MAX;
    if (b->stored_n > 0)
        memcpy(b->stored, list, b->stored_n * sizeof b->stored[0]);
    unsigned j = 0;
    for (unsigned i = 0; i < b->changes_n; i++)
        if (b->changes[i].seq > done_seq)
            b->changes[j++] = b->changes[i];
    b->changes_n = j;
    rebuild(b);
}

unsigned bans_unstored(const Bans *b)
{
    return b->changes_n;
}

static void describe(const Ban *e, char *why, size_t cap)
{
    if (why == NULL || cap == 0)
        return;
    const char *reason = e->reason[0] ? e->reason : "banned by the operator";
    if (e->until == 0) {
        snprintf(why, cap, "%s (permanently)", reason);
        return;
    }
    time_t t = (time_t)e->until;
    struct tm tm;
    gmtime_r(&t, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(why, cap, "%s (until %s)", reason, when);
}

static const Ban *find(const Bans *b, BanKind kind, uint32_t ip, const char *key, const char *alt,
                       int64_t now)
{
    if (b == NULL)
        return NULL;
    for (unsigned i = 0; i < b->active_n; i++) {
        const Ban *e = &b->active[i];
        if (e->kind != kind || (e->until != 0 && e->until <= now))
            continue;
        if (kind == BAN_IP ? e->ip == ip : name_keys_match(e->target, e->target2, key, alt))
            return e;
    }
    return NULL;
}

bool bans_ip_banned(const Bans *b, uint32_t ip, int64_t now, char *why, size_t cap)
{
    const Ban *e = find(b, BAN_IP, ip, NULL, NULL, now);
    if (e != NULL)
        describe(e, why, cap);
    return e != NULL;
}

bool bans_name_banned(const Bans *b, const char *key, const char *alt, int64_t now, char *why,
                      size_t cap)
{
    const Ban *e = find(b, BAN_NAME, 0, key, alt, now);
    if (e != NULL)
        describe(e, why, cap);
    return e != NULL;
}

/* Sends the change to the store and keeps it until the store confirms it. */
static bool submit(Bans *b, Store *st, Change *c, char *err, size_t errlen)
{
    if (st != NULL) {
        StoreReq req = {.op = c->put ? STORE_BAN_PUT : STORE_BAN_DELETE, .ban = c->ban};
        if (b->changes_n >= STORE_QUEUE_MAX || !store_submit(st, &req, &c->seq)) {
            snprintf(err, errlen, "%d changes already wait for the database; try again later",
                     STORE_QUEUE_MAX);
            return false;
        }
        b->changes[b->changes_n++] = *c;
    }
    apply_change(b, c);
    return true;
}

bool bans_add(Bans *b, Store *st, BanKind kind, uint32_t ip, const char *key, const char *alt,
              const char *label, unsigned minutes, const char *reason, int64_t now, char *err,
              size_t errlen)
{
    Change c = {.put = true, .now = now};
    Ban *e = &c.ban;
    e->kind = kind;
    if (kind == BAN_IP) {
        struct in_addr a = {.s_addr = ip};
        inet_ntop(AF_INET, &a, e->target, sizeof e->target);
        e->ip = ip;
    } else {
        snprintf(e->target, sizeof e->target, "%s", key);
        snprintf(e->target2, sizeof e->target2, "%s", alt);
    }
    snprintf(e->label, sizeof e->label, "%s", label);
    snprintf(e->reason, sizeof e->reason, "%s", reason);
    e->until = minutes == 0 ? 0 : now + (int64_t)minutes * 60;
    bool exists = false;
    for (unsigned i = 0; i < b->active_n && !exists; i++)
        exists = b->active[i].kind == kind && strcmp(b->active[i].target, e->target) == 0;
    if (!exists && bans_list(b, now, NULL, 0) >= BANS_MAX) {
        snprintf(err, errlen, "too many bans (%d); unban some first", BANS_MAX);
        return false;
    }
    return submit(b, st, &c, err, errlen);
}

int bans_remove(Bans *b, Store *st, BanKind kind, const char *target, const char *alt, int64_t now)
{
    Change c = {.put = false, .now = now};
    c.ban.kind = kind;
    snprintf(c.ban.target, sizeof c.ban.target, "%s", target);
    snprintf(c.ban.target2, sizeof c.ban.target2, "%s", alt != NULL ? alt : "");
    int lifted = 0;
    for (unsigned i = 0; i < b->active_n; i++) {
        const Ban *e = &b->active[i];
        lifted += removal_matches(e, kind, target, alt) && (e->until == 0 || e->until > now);
    }
    char err[160];
    return submit(b, st, &c, err, sizeof err) ? lifted : -1;
}

unsigned bans_list(const Bans *b, int64_t now, Ban *out, unsigned cap)
{
    unsigned n = 0;
    for (unsigned i = 0; i < b->active_n; i++) {
        const Ban *e = &b->active[i];
        if (e->until != 0 && e->until <= now)
            continue;
        if (n < cap)
            out[n] = *e;
        n++;
    }
    return n;
}
