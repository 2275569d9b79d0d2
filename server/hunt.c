/* hunt.c — see hunt.h. */
#include "hunt.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"

static void egg_news(Server *s, unsigned slot, EggNews news)
{
    int conn = s->players[slot].conn;
    if (conn < 0)
        return;
    switch (news) {
    case EGG_NEWS_RIDDLE:
        tcp_send(s, conn,
                 "NOTICE psst... you found the quiet corner. Road to Localhost: 127 . 0 . 0 . "
                 "1 - walk it, plate by plate. At the end, say who the speaker was, the way "
                 "he spelled it.");
        break;
    case EGG_NEWS_ROAD_DONE:
        tcp_send(s, conn, "NOTICE You have reached localhost. Now say it - as he spelled it.");
        break;
    case EGG_NEWS_LOST:
        tcp_send(s, conn, "NOTICE The road fades. (The quiet corner is still there.)");
        break;
    case EGG_NEWS_NONE:
        break;
    }
}

void hunt_step(Server *s, unsigned slot)
{
    EggNews news = egg_step(&s->egg, &s->map, slot, &s->world.players[slot], &s->tick_inputs[slot],
                            s->world.tick);
    if (news != EGG_NEWS_NONE)
        egg_news(s, slot, news);
}

void hunt_send_claim(Server *s, unsigned slot, const uint8_t secret[FAME_SECRET_BYTES])
{
    SrvPlayer *p = &s->players[slot];
    if (p->conn < 0)
        return;
    char hex[2 * FAME_SECRET_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, secret, FAME_SECRET_BYTES);
    tcp_send(s, p->conn, "CLAIM %s %s", p->name, hex);
    tcp_send(s, p->conn,
             "NOTICE Keep the CLAIM line: log in with it (LOGIN %s %d <claim>) to wear your "
             "crown here. Nobody else can use this name on this server.",
             p->name, PROTO_VERSION);
}

/* Which player a find was for: the slot and the first bytes of its login's token, so that a
 * reply for a player who left does not reach whoever took the slot. */
static uint64_t find_tag(const SrvPlayer *p, unsigned slot)
{
    _Static_assert((int)PROTO_TOKEN_BYTES >= 6, "a tag holds 6 bytes of the token");
    _Static_assert((int)STORE_USER_BYTES >= (int)FAME_SECRET_BYTES,
                   "a reply carries the secret back");
    uint64_t t = 0;
    memcpy(&t, p->token, 6);
    return (t << 16) | slot;
}

static void announce(Server *s, const char *name, int rank)
{
    if (rank > 0)
        tcp_broadcast(s, -1,
                      "NOTICE %s found the Road to Localhost! Hall of fame #%d. Vocês "
                      "repararam algum easter egg? (/fame)",
                      name, rank);
    else
        tcp_broadcast(s, -1, "NOTICE %s found the Road to Localhost!", name);
}

void hunt_legend(Server *s, unsigned slot)
{
    SrvPlayer *p = &s->players[slot];
    p->legend = true;
    MsgEvent ev = {.kind = MSG_EV_LEGEND, .a = (uint16_t)slot};
    net_broadcast_event(s, &ev, -1);
    int rank = fame_rank(s->fame, p->key, p->alt);
    if (rank > 0) { /* a legend already: nothing to write */
        log_info(s->log, "fame", "'%s' found the Road to Localhost (hall of fame #%d, again)",
                 p->name, rank);
        announce(s, p->name, rank);
        return;
    }
    StoreReq req = {.op = STORE_FAME_RECORD, .tag = find_tag(p, slot)};
    uint8_t secret[FAME_SECRET_BYTES];
    randombytes_buf(secret, sizeof secret);
    memcpy(req.user, secret, sizeof secret); /* back with the reply; never stored */
    snprintf(req.fame.name, sizeof req.fame.name, "%s", p->name);
    snprintf(req.fame.key, sizeof req.fame.key, "%s", p->key);
    snprintf(req.fame.alt, sizeof req.fame.alt, "%s", p->alt);
    snprintf(req.fame.map, sizeof req.fame.map, "%s", s->map.name);
    /* Recorded without a claim; its hash follows once the finder is known to be still here
     * (hunt_recorded), so a finder who left leaves the name to its next login, not locked. */
    uint64_t seq;
    if (!store_submit(s->store, &req, &seq)) {
        log_info(s->log, "fame", "cannot record '%s': %d changes already wait for the database",
                 p->name, STORE_QUEUE_MAX);
        announce(s, p->name, 0);
    }
    sodium_memzero(secret, sizeof secret);
}

void hunt_recorded(Server *s, const StoreReply *r)
{
    unsigned slot = (unsigned)(r->tag & 0xffffu);
    const char *name = r->fame.name;
    SrvPlayer *p = slot < s->cfg.max_players ? &s->players[slot] : NULL;
    bool here = p != NULL && p->state != SP_FREE && find_tag(p, slot) == r->tag;
    if (r->result != STORAGE_OK) {
        log_info(s->log, "fame", "cannot record '%s': %s", name, r->err);
        announce(s, name, 0);
        return;
    }
    if (r->fresh && here) {
        StoreReq req = {.op = STORE_FAME_SET_CLAIM};
        req.fame.rank = r->rank;
        fame_hash(r->user, req.fame.claim_hash);
        uint64_t seq;
        if (store_submit(s->store, &req, &seq) &&
            fame_set_claim(s->fame, r->rank, req.fame.claim_hash)) {
            p->crowned = true;
            hunt_send_claim(s, slot, r->user); /* the name is theirs from now on */
        } else {
            log_info(s->log, "fame",
                     "'%s': the claim cannot be stored now; it goes to the "
                     "name's next login",
                     name);
        }
    } else if (r->fresh) {
        log_info(s->log, "fame",
                 "'%s' left before the find was stored: the name's claim goes to its next login",
                 name);
    }
    log_info(s->log, "fame", "'%s' found the Road to Localhost (hall of fame #%d%s)", name, r->rank,
             r->fresh ? "" : ", again");
    announce(s, name, r->rank);
}
