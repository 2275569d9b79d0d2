/* lobby.c — the commands of the TCP line protocol: login, chat, who, fame, flood control.
 *
 * Owns what a line means once tcp.c has framed it (docs/protocol.md §5). One table of
 * commands drives dispatch, the "log in first" rule, flood points and HELP. Names go through
 * names.c (one key per confusable family), chat text through line_text_safe, lines to
 * everyone through the room's rate (chat_room_rate, all players together), and every
 * refusal answers `ERR <code> <text>`. Must never trust a line beyond what line.h validated. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "demo_srv.h"
#include "colours.h"
#include "hunt.h"
#include "msg.h"
#include "server.h"

enum {
    FLOOD_CHAT = 1000,  /* penalty points per chat line */
    FLOOD_OTHER = 250,  /* per other line */
    FLOOD_BAD = 1000,   /* per rejected line */
    FLOOD_MUTE = 5000,  /* above: muted */
    FLOOD_KICK = 20000, /* above: disconnected */
    FLOOD_MUTE_MS = 10000,
    UNKNOWN_ECHO_MAX = 32, /* bytes of an unknown command echoed back */
};

/* What a command's arguments are; lobby_line checks them before the command runs. */
typedef enum CmdArgKind {
    ARGS_FREE,      /* anything or nothing (PING's token, QUIT's reason), or ignored */
    ARGS_LOGIN,     /* LOGIN's own grammar, checked by login_args */
    ARGS_CHAT,      /* chat text: passes chat_allowed (mutes, length, safe text) */
    ARGS_NAME_CHAT, /* a name, a space, chat text (WHISPER) */
} CmdArgKind;

/* A command's arguments once checked. */
typedef struct CmdArgv {
    char *text; /* the arguments (ARGS_FREE, ARGS_LOGIN, ARGS_CHAT: may be NULL for FREE) */
    char *name; /* ARGS_NAME_CHAT: the name; text is then the chat text */
} CmdArgv;

typedef struct Cmd {
    const char *name;
    void (*run)(Server *s, int ci, const CmdArgv *a, uint64_t now_ms);
    CmdArgKind args;
    bool needs_login;
    bool chat;          /* counts as chat for flood control */
    const char *syntax; /* "NAME <args>": HELP and the `ERR args usage:` answers */
    const char *help;   /* what it does, in HELP; NULL: not listed */
} Cmd;

static const Cmd *find_cmd(const char *name);

/* `ERR args usage: <syntax>`, the syntax from the command table. */
static void usage_error(Server *s, int ci, const Cmd *cmd)
{
    tcp_send(s, ci, "ERR args usage: %s", cmd->syntax);
}

/* ---- helpers --------------------------------------------------------------------------- */

static int find_player_by_keys(const Server *s, const char *key, const char *alt)
{
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        const SrvPlayer *p = &s->players[i];
        if (p->state != SP_FREE && name_keys_match(p->key, p->alt, key, alt))
            return (int)i;
    }
    return -1;
}

static unsigned logins_from(const Server *s, uint32_t ip)
{
    unsigned n = 0;
    for (unsigned i = 0; i < s->cfg.max_players; i++)
        n += s->players[i].state != SP_FREE && s->players[i].ip == ip;
    return n;
}

static bool parse_hex(const char *hex, uint8_t *out, size_t n)
{
    size_t len = 0;
    return strlen(hex) == 2 * n && sodium_hex2bin(out, n, hex, 2 * n, NULL, &len, NULL) == 0 &&
           len == n;
}

/* Adds flood penalty; returns false if the connection was dropped for flooding. */
static bool penalize(Server *s, int ci, uint32_t points, uint64_t now_ms)
{
    SrvConn *c = &s->conns[ci];
    uint64_t drained = now_ms - c->penalty_ms; /* 1 point per ms = 1000 per second */
    c->penalty = drained >= c->penalty ? 0 : c->penalty - (uint32_t)drained;
    c->penalty_ms = now_ms;
    if (now_ms < c->stall_credit_until_ms && c->stall_credit > 0) {
        uint32_t absorbed = points < c->stall_credit ? points : c->stall_credit;
        c->stall_credit -= absorbed; /* these lines waited out a server stall */
        points -= absorbed;
    }
    c->penalty += points;
    if (c->penalty > FLOOD_KICK) {
        s->stats.tcp_flood_dropped++;
        drop_note(&s->stats.drops, s->log, DROP_TCP_FLOODED, now_ms, "%s: dropped (flood)",
                  c->addr);
        tcp_send(s, ci, "BYE flood");
        /* The graceful close: BYE goes out, then our FIN, and what the flooder still sends is
         * read and thrown away (closing the socket with unread input would reset it and lose
         * the BYE). */
        tcp_end(s, ci, "flood", PROTO_DISCONNECT_LOGOUT);
        return false;
    }
    if (c->penalty > FLOOD_MUTE && now_ms >= c->muted_until_ms) {
        c->muted_until_ms = now_ms + FLOOD_MUTE_MS;
        tcp_send(s, ci, "NOTICE you are muted for %d s for flooding", FLOOD_MUTE_MS / 1000);
    }
    return true;
}

void lobby_bad_line(Server *s, int ci, LineStatus st, uint64_t now_ms)
{
    s->stats.tcp_bad_lines++;
    tcp_send(s, ci, "ERR line %s", line_status_str(st));
    (void)penalize(s, ci, FLOOD_BAD, now_ms);
}

/* ---- LOGIN ----------------------------------------------------------------------------- */

typedef struct LoginArgs {
    char *name;
    int colour; /* SRV_COLOUR_ANY unless colour=N was given */
    bool has_claim;
    uint8_t claim[FAME_SECRET_BYTES];
} LoginArgs;

/* A last argument colour=N (protocol 4) is taken off args into la->colour; false (answer
 * sent) if it is malformed. */
static bool login_colour(Server *s, int ci, char *args, LoginArgs *la)
{
    la->colour = SRV_COLOUR_ANY;
    char *last = args != NULL ? strrchr(args, ' ') : NULL;
    if (last == NULL || strncmp(last + 1, "colour=", 7) != 0)
        return true;
    if (!srv_colour_parse(last + 1, &la->colour)) {
        drop_note(&s->stats.drops, s->log, DROP_LOGIN_COLOUR, s->now_ms, "%s: bad colour",
                  s->conns[ci].addr);
        tcp_send(s, ci, "ERR args colour=N wants a palette colour 0-%d", SRV_COLOURS - 1);
        return false;
    }
    *last = '\0';
    return true;
}

/* "LOGIN <name> [<version> [<claim>]] [colour=<n>]": false (answer sent) if malformed. */
static bool login_args(Server *s, int ci, char *args, LoginArgs *la)
{
    memset(la, 0, sizeof *la);
    if (!login_colour(s, ci, args, la))
        return false;
    char *ver = args ? strchr(args, ' ') : NULL;
    if (ver != NULL)
        *ver++ = '\0';
    char *claim = ver ? strchr(ver, ' ') : NULL;
    if (claim != NULL)
        *claim++ = '\0';
    if (args == NULL || *args == '\0') {
        usage_error(s, ci, find_cmd("LOGIN"));
        return false;
    }
    if (ver != NULL) {
        char *end = NULL;
        long v = strtol(ver, &end, 10);
        if (*ver == '\0' || *end != '\0' || v != PROTO_VERSION) {
            char shown[16];
            size_t n = line_utf8_boundary((const uint8_t *)ver, strnlen(ver, sizeof shown - 1));
            snprintf(shown, sizeof shown, "%.*s", (int)n, ver);
            tcp_send(s, ci, "ERR version server speaks protocol %d, client asked for %s",
                     PROTO_VERSION, shown);
            return false;
        }
    }
    if (claim != NULL) {
        if (!parse_hex(claim, la->claim, sizeof la->claim)) {
            tcp_send(s, ci, "ERR args a claim is %d hex digits", 2 * FAME_SECRET_BYTES);
            return false;
        }
        la->has_claim = true;
    }
    la->name = args;
    return true;
}

/* May this name be used by this connection? Fills *info and *crowned; false (answer sent)
 * if not. A name in the hall of fame needs its claim. */
static bool login_name(Server *s, int ci, const LoginArgs *la, NameInfo *info, bool *crowned,
                       bool *new_claim, uint8_t secret[FAME_SECRET_BYTES])
{
    SrvConn *c = &s->conns[ci];
    NameError ne = names_check(s->names, la->name, strlen(la->name), info);
    if (ne != NAME_OK) {
        drop_note(&s->stats.drops, s->log, DROP_LOGIN_NAME, s->now_ms, "%s: %s", c->addr,
                  name_error_str(ne));
        tcp_send(s, ci, "ERR name %s", name_error_str(ne));
        return false;
    }
    char why[BANS_REASON_MAX + 64];
    if (bans_name_banned(s->bans, info->key, info->alt, (int64_t)time(NULL), why, sizeof why)) {
        drop_note(&s->stats.drops, s->log, DROP_LOGIN_BANNED, s->now_ms, "%s: name '%s'", c->addr,
                  info->name);
        tcp_send(s, ci, "ERR banned the name %s is banned: %s", info->name, why);
        return false;
    }
    int other = find_player_by_keys(s, info->key, info->alt);
    if (other >= 0) {
        drop_note(&s->stats.drops, s->log, DROP_LOGIN_TAKEN, s->now_ms, "%s: '%s' (like '%s')",
                  c->addr, info->name, s->players[other].name);
        if (strcmp(s->players[other].name, info->name) == 0)
            tcp_send(s, ci, "ERR taken the name %s is in use", info->name);
        else
            tcp_send(s, ci, "ERR taken the name %s is in use (as %s, which looks the same)",
                     info->name, s->players[other].name);
        return false;
    }
    int rank = 0;
    FameClaim fc =
        fame_claim(s->fame, info->key, info->alt, la->has_claim ? la->claim : NULL, &rank);
    *crowned = fc == FAME_CLAIM_OK;
    *new_claim = false;
    if (fc == FAME_CLAIM_WRONG) {
        drop_note(&s->stats.drops, s->log, DROP_LOGIN_TAKEN, s->now_ms,
                  "%s: '%s' is a legend's name, %s", c->addr, info->name,
                  la->has_claim ? "wrong claim" : "no claim");
        tcp_send(s, ci,
                 "ERR taken the name %s belongs to a legend of this server (hall of fame #%d); "
                 "only its claim logs in with it",
                 info->name, rank);
        return false;
    }
    if (fc == FAME_CLAIM_UNSET) {
        /* Recorded before claims existed: the first login under the name takes it. */
        randombytes_buf(secret, FAME_SECRET_BYTES);
        StoreReq req = {.op = STORE_FAME_SET_CLAIM};
        req.fame.rank = rank;
        fame_hash(secret, req.fame.claim_hash);
        uint64_t seq;
        *crowned = *new_claim = store_submit(s->store, &req, &seq) &&
                                fame_set_claim(s->fame, rank, req.fame.claim_hash);
    }
    return true;
}

static void cmd_login(Server *s, int ci, const CmdArgv *a, uint64_t now_ms)
{
    char *args = a->text;
    SrvConn *c = &s->conns[ci];
    if (c->player >= 0) {
        tcp_send(s, ci, "ERR state already logged in as %s", s->players[c->player].name);
        return;
    }
    LoginArgs la;
    if (!login_args(s, ci, args, &la))
        return;
    if (logins_from(s, c->ip) >= s->cfg.ip_max_logins) {
        drop_note(&s->stats.drops, s->log, DROP_LOGIN_ADDR_LIMIT, now_ms, "%s: %u logins", c->addr,
                  s->cfg.ip_max_logins);
        tcp_send(s, ci, "ERR full too many players from your address (per-address limit %u)",
                 s->cfg.ip_max_logins);
        return;
    }
    NameInfo info;
    bool crowned = false, new_claim = false;
    uint8_t secret[FAME_SECRET_BYTES];
    if (!login_name(s, ci, &la, &info, &crowned, &new_claim, secret))
        return;
    int slot = -1;
    for (unsigned i = 0; i < s->cfg.max_players && slot < 0; i++)
        if (s->players[i].state == SP_FREE)
            slot = (int)i;
    if (slot < 0) {
        tcp_send(s, ci, "ERR full the server is full (%u players)", s->cfg.max_players);
        return;
    }
    SrvPlayer *p = &s->players[slot];
    if (getrandom(p->token, sizeof p->token, 0) != (ssize_t)sizeof p->token) {
        tcp_send(s, ci, "ERR internal cannot make a session token");
        log_info(s->log, "tcp", "getrandom failed: %s", strerror(errno));
        return;
    }
    unsigned uses[SRV_COLOURS] = {0};
    bool taken[SRV_COLOURS];
    for (unsigned i = 0; i < s->cfg.max_players; i++)
        if (s->players[i].state != SP_FREE)
            uses[s->players[i].colour]++;
    srv_colour_taken(uses, taken);
    int colour = srv_colour_pick(taken, la.colour);
    p->colour = (uint8_t)(colour >= 0 ? colour : 0); /* never -1 (srv_colour_taken) */
    p->state = SP_LOBBY;
    memcpy(p->name, info.name, sizeof p->name);
    memcpy(p->key, info.key, sizeof p->key);
    memcpy(p->alt, info.alt, sizeof p->alt);
    p->conn = ci;
    p->token_live = true;
    p->token_expires_ms = now_ms + s->cfg.token_ttl_ms;
    s->lobby_tags[slot] = msg_connect_tag(p->token);
    p->admitted = false;
    p->admits = 0;
    p->join_refused = false;
    p->ip = c->ip;
    p->peer = NULL;
    p->crowned = crowned;
    p->muted_until_ms = 0;
    c->player = slot;
    char hex[2 * PROTO_TOKEN_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, p->token, sizeof p->token);
    tcp_send(s, ci, "OK token=%s id=%d udp=%u version=%d tick=%d snap=%u colour=%u", hex, slot,
             srv_public_udp_port(s), PROTO_VERSION, PROTO_TICK_HZ, s->cfg.snapshot_hz, p->colour);
    if (la.colour != SRV_COLOUR_ANY && la.colour != p->colour)
        tcp_send(s, ci, "NOTICE colour %d is taken: you have colour %u, the nearest free one",
                 la.colour, p->colour);
    tcp_broadcast(s, ci, "JOIN %d %s", slot, p->name);
    tcp_send(s, ci, "NOTICE Welcome to %s. Road to Localhost - vocês repararam algum easter egg?",
             s->cfg.name);
    if (new_claim)
        hunt_send_claim(s, (unsigned)slot, secret);
    log_info(s->log, "tcp", "%s logged in as '%s' (slot %d%s)", c->addr, p->name, slot,
             crowned ? ", legend" : "");
}

/* ---- chat ------------------------------------------------------------------------------ */

/* Splits "name rest" into name and text; false if either is missing. */
static bool split_target(char *args, char **name, char **text)
{
    if (args == NULL)
        return false;
    char *sp = strchr(args, ' ');
    if (sp == NULL || sp == args || sp[1] == '\0')
        return false;
    *sp = '\0';
    *name = args;
    *text = sp + 1;
    return true;
}

static bool chat_allowed(Server *s, int ci, const char *text, uint64_t now_ms)
{
    SrvConn *c = &s->conns[ci];
    const SrvPlayer *p = &s->players[c->player];
    if (now_ms < p->muted_until_ms) {
        tcp_send(s, ci, "ERR flood muted by the operator for %llu s",
                 (unsigned long long)((p->muted_until_ms - now_ms + 999) / 1000));
        return false;
    }
    if (now_ms < c->muted_until_ms) {
        tcp_send(s, ci, "ERR flood muted for %llu s",
                 (unsigned long long)((c->muted_until_ms - now_ms + 999) / 1000));
        return false;
    }
    size_t n = text ? strlen(text) : 0;
    if (n == 0 || n > PROTO_CHAT_MAX) {
        tcp_send(s, ci, "ERR args chat text must be 1-%d bytes", PROTO_CHAT_MAX);
        return false;
    }
    if (!line_text_safe((const uint8_t *)text, n)) {
        drop_note(&s->stats.drops, s->log, DROP_CHAT_UNSAFE, now_ms, "%s: '%s'", c->addr, p->name);
        tcp_send(s, ci,
                 "ERR args chat text cannot hold line or paragraph separators or bidi "
                 "overrides");
        return false;
    }
    return true;
}

/* A line to everyone is a line to every session: the room takes chat_room_rate of them a
 * second, all players together (bursts of twice that), so that a crowd's chat costs at most
 * that many lines per session, not players x their flood allowance. One address takes at most
 * half of them, so that one laptop (its 24 players, or one reconnecting as fast as it can)
 * cannot spend the room for everyone else. Refused: ERR flood. */
static bool room_has_room(Server *s, int ci, uint64_t now_ms)
{
    unsigned rate = s->cfg.chat_room_rate, share = rate / 2 > 0 ? rate / 2 : 1;
    RlBucket *mine = rl_table_bucket(&s->chat_sources, s->conns[ci].ip);
    if (rl_available(&s->chat_room, now_ms, rate, 2 * rate) >= 1 &&
        rl_take(mine, now_ms, share, 2 * share)) {
        (void)rl_take(&s->chat_room, now_ms, rate, 2 * rate);
        return true;
    }
    s->stats.chat_room_busy++;
    tcp_send(s, ci,
             "ERR flood the room is busy (%u chat lines a second at most): say it again "
             "in a moment",
             rate);
    return false;
}

static void cmd_say(Server *s, int ci, const CmdArgv *a, uint64_t now_ms)
{
    if (!room_has_room(s, ci, now_ms))
        return;
    SrvConn *c = &s->conns[ci];
    const char *args = a->text;
    const char *name = s->players[c->player].name;
    s->stats.chat_lines++;
    /* The line that completes the hunt stays between the finder and the server: the room
     * (and any demo of the match) reads only the announcement, never the word
     * (docs/SPOILER-easter-egg.md). */
    if (egg_say(&s->egg, (unsigned)c->player, args, s->world.tick)) {
        tcp_send(s, ci, "CHAT %s %s", name, args);
        hunt_legend(s, (unsigned)c->player);
        return;
    }
    tcp_broadcast(s, -1, "CHAT %s %s", name, args);
    srv_demo_chat(s, DEMO_CHAT_SAY, (unsigned)c->player, args);
}

static void cmd_me(Server *s, int ci, const CmdArgv *a, uint64_t now_ms)
{
    if (!room_has_room(s, ci, now_ms))
        return;
    s->stats.chat_lines++;
    tcp_broadcast(s, -1, "ACTION %s %s", s->players[s->conns[ci].player].name, a->text);
    srv_demo_chat(s, DEMO_CHAT_ACTION, (unsigned)s->conns[ci].player, a->text);
}

static void cmd_whisper(Server *s, int ci, const CmdArgv *a, uint64_t now_ms)
{
    (void)now_ms;
    const char *to = a->name, *text = a->text;
    char key[NAME_KEY_MAX + 1], alt[NAME_KEY_MAX + 1];
    int target =
        names_keys(s->names, to, key, alt, sizeof key) ? find_player_by_keys(s, key, alt) : -1;
    if (target < 0 || s->players[target].conn < 0) {
        size_t n = line_utf8_boundary((const uint8_t *)to, strnlen(to, PROTO_NAME_MAX));
        tcp_send(s, ci, "ERR nosuch no player named %.*s", (int)n, to);
        return;
    }
    s->stats.chat_lines++;
    const char *me = s->players[s->conns[ci].player].name;
    const char *to_name = s->players[target].name;
    tcp_send(s, ci, "WHISPER %s %s %s", me, to_name, text);
    if (s->players[target].conn != ci)
        tcp_send(s, s->players[target].conn, "WHISPER %s %s %s", me, to_name, text);
}

/* ---- other commands -------------------------------------------------------------------- */

static void cmd_who(Server *s, int ci, const CmdArgv *a, uint64_t now_ms)
{
    (void)a;
    (void)now_ms;
    unsigned count = 0;
    for (unsigned i = 0; i < s->cfg.max_players; i++)
        count += s->players[i].state != SP_FREE;
    tcp_send(s, ci, "WHO %u", count);
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        const SrvPlayer *p = &s->players[i];
        if (p->state == SP_FREE)
            continue;
        char ping[16] = "-";
        if (p->state == SP_BOUND && p->peer != NULL)
            snprintf(ping, sizeof ping, "%u", (unsigned)p->peer->roundTripTime);
        tcp_send(s, ci, "PLAYER %u %s %u %s %s", i, p->name, s->world.players[i].score, ping,
                 p->state == SP_BOUND ? "playing" : "chatting");
    }
}

/* The hall of fame: `FAME <rank> <name> <UTC time> <map>` lines, then `FAME END <total>`. */
static void cmd_fame(Server *s, int ci, const CmdArgv *a, uint64_t now_ms)
{
    (void)a;
    (void)now_ms;
    enum { FAME_SHOWN = 20 };
    FameEntry e[FAME_SHOWN];
    int total = 0;
    int n = fame_list(s->fame, e, FAME_SHOWN, &total);
    for (int i = 0; i < n; i++) {
        char *sp = strchr(e[i].found_at, ' ');
        if (sp != NULL)
            *sp = 'T';
        tcp_send(s, ci, "FAME %d %s %sZ %s", e[i].rank, e[i].name, e[i].found_at, e[i].map);
    }
    tcp_send(s, ci, "FAME END %d", total);
}

static void cmd_ping(Server *s, int ci, const CmdArgv *a, uint64_t now_ms)
{
    (void)now_ms;
    if (a->text != NULL)
        tcp_send(s, ci, "PONG %s", a->text);
    else
        tcp_send(s, ci, "PONG");
}

static void cmd_quit(Server *s, int ci, const CmdArgv *a, uint64_t now_ms)
{
    (void)a;
    (void)now_ms;
    tcp_send(s, ci, "BYE");
    tcp_end(s, ci, "quit", PROTO_DISCONNECT_LOGOUT);
}

static void cmd_help(Server *s, int ci, const CmdArgv *a, uint64_t now_ms);

static const Cmd commands[] = {
    {"LOGIN", cmd_login, ARGS_LOGIN, false, false,
     "LOGIN <name> [<version> [<claim>]] [colour=<n>]", "log in"},
    {"SAY", cmd_say, ARGS_CHAT, true, true, "SAY <text>", "chat to everyone"},
    {"ME", cmd_me, ARGS_CHAT, true, true, "ME <text>", "an action (/me)"},
    {"WHISPER", cmd_whisper, ARGS_NAME_CHAT, true, true, "WHISPER <name> <text>",
     "private message"},
    {"WHO", cmd_who, ARGS_FREE, true, false, "WHO", "who is online"},
    {"PING", cmd_ping, ARGS_FREE, false, false, "PING [<text>]", "keep-alive, answers PONG"},
    {"HELP", cmd_help, ARGS_FREE, false, false, "HELP", NULL},
    {"FAME", cmd_fame, ARGS_FREE, true, false, "FAME", NULL}, /* not listed: part of the hunt */
    {"QUIT", cmd_quit, ARGS_FREE, false, false, "QUIT [<reason>]", "leave"},
};

static const Cmd *find_cmd(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcasecmp(name, commands[i].name) == 0)
            return &commands[i];
    return NULL;
}

static void cmd_help(Server *s, int ci, const CmdArgv *a, uint64_t now_ms)
{
    (void)a;
    (void)now_ms;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (commands[i].help != NULL)
            tcp_send(s, ci, "HELP %-24s   %s", commands[i].syntax, commands[i].help);
    tcp_send(s, ci, "HELP END");
}

/* The table's argument check: the chat commands' text through chat_allowed, WHISPER's name
 * split off first (a missing one is a usage error). LOGIN checks its own grammar. */
static bool check_args(Server *s, int ci, const Cmd *cmd, CmdArgv *a, uint64_t now_ms)
{
    switch (cmd->args) {
    case ARGS_FREE:
    case ARGS_LOGIN:
        return true;
    case ARGS_NAME_CHAT:
        if (!split_target(a->text, &a->name, &a->text)) {
            usage_error(s, ci, cmd);
            return false;
        }
        return chat_allowed(s, ci, a->text, now_ms);
    case ARGS_CHAT:
        return chat_allowed(s, ci, a->text, now_ms);
    }
    return false;
}

void lobby_line(Server *s, int ci, char *line, uint64_t now_ms)
{
    char *args = strchr(line, ' ');
    if (args != NULL)
        *args++ = '\0';
    const Cmd *cmd = find_cmd(line);
    if (!penalize(s, ci, cmd != NULL && cmd->chat ? FLOOD_CHAT : FLOOD_OTHER, now_ms))
        return;
    if (cmd == NULL) {
        /* Echo at most UNKNOWN_ECHO_MAX bytes, cut on a character boundary, and only text that
         * cannot forge a line even in the sender's own client. */
        size_t n = line_utf8_boundary((const uint8_t *)line, strnlen(line, UNKNOWN_ECHO_MAX));
        if (line_text_safe((const uint8_t *)line, n))
            tcp_send(s, ci, "ERR unknown no command '%.*s' (try HELP)", (int)n, line);
        else
            tcp_send(s, ci, "ERR unknown no such command (try HELP)");
        return;
    }
    if (cmd->needs_login && s->conns[ci].player < 0) {
        tcp_send(s, ci, "ERR auth log in first: LOGIN <name>");
        return;
    }
    CmdArgv a = {.text = args};
    if (check_args(s, ci, cmd, &a, now_ms))
        cmd->run(s, ci, &a, now_ms);
}
