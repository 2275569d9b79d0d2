/* hunt.c — see hunt.h. */
#include "hunt.h"

#include <sodium.h>

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

void hunt_legend(Server *s, unsigned slot)
{
    SrvPlayer *p = &s->players[slot];
    int rank = 0;
    bool fresh = false;
    char err[SRV_OUT_LINE_MAX];
    uint8_t secret[FAME_SECRET_BYTES];
    randombytes_buf(secret, sizeof secret);
    if (!fame_record(s->fame, p->name, p->key, p->alt, s->map.name, secret, &rank, &fresh, err,
                     sizeof err)) {
        log_info(s->log, "fame", "cannot record '%s': %s", p->name, err);
        rank = 0;
    }
    p->legend = true;
    if (fresh) {
        p->crowned = true;
        hunt_send_claim(s, slot, secret); /* the name is theirs on this server from now on */
    }
    log_info(s->log, "fame", "'%s' found the Road to Localhost (hall of fame #%d%s)", p->name, rank,
             fresh ? "" : ", again");
    if (rank > 0)
        tcp_broadcast(s, -1,
                      "NOTICE %s found the Road to Localhost! Hall of fame #%d. Vocês "
                      "repararam algum easter egg? (/fame)",
                      p->name, rank);
    else
        tcp_broadcast(s, -1, "NOTICE %s found the Road to Localhost!", p->name);
    MsgEvent ev = {.kind = MSG_EV_LEGEND, .a = (uint16_t)slot};
    net_broadcast_event(s, &ev, -1);
}
