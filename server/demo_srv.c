/* demo_srv.c — see demo_srv.h. */
#include "demo_srv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "demo_rec.h"
#include "server.h"

static uint64_t unix_now(void)
{
    return (uint64_t)time(NULL);
}

/* Who is in the arena, so that a file started mid-session names everyone. */
static void announce_present(Server *s)
{
    for (unsigned i = 0; i < s->cfg.max_players; i++) {
        const SrvPlayer *p = &s->players[i];
        if (p->state != SP_BOUND)
            continue;
        MsgEvent ev = {.kind = MSG_EV_PLAYER, .a = (uint16_t)i};
        snprintf(ev.name, sizeof ev.name, "%s", p->name);
        demo_rec_event(s->demo, s->world.tick, &ev);
        if (p->legend) {
            MsgEvent lev = {.kind = MSG_EV_LEGEND, .a = (uint16_t)i};
            demo_rec_event(s->demo, s->world.tick, &lev);
        }
    }
}

bool srv_demo_open(Server *s)
{
    if (s->cfg.record_dir[0] == '\0')
        return true;
    struct stat st;
    if (stat(s->cfg.record_dir, &st) != 0) {
        log_info(s->log, "demo", "cannot record to %s: %s", s->cfg.record_dir, strerror(errno));
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        log_info(s->log, "demo", "cannot record to %s: not a directory", s->cfg.record_dir);
        return false;
    }
    DemoRecConfig rc = {.dir = s->cfg.record_dir,
                        .truth_path = s->cfg.demo_truth[0] != '\0' ? s->cfg.demo_truth : NULL,
                        .map_name = s->map.name,
                        .map_text = (const uint8_t *)s->map_text,
                        .map_len = (uint32_t)s->map_len,
                        .snapshot_hz = s->cfg.snapshot_hz};
    char err[256];
    s->demo = demo_rec_create(&rc, s->log, err, sizeof err);
    if (s->demo == NULL) {
        log_info(s->log, "demo", "cannot record: %s", err);
        return false;
    }
    (void)demo_rec_start(s->demo, unix_now()); /* a failure is logged; the game goes on */
    return true;
}

void srv_demo_close(Server *s)
{
    demo_rec_destroy(s->demo, s->world.tick);
    s->demo = NULL;
}

void srv_demo_next_match(Server *s)
{
    if (s->demo == NULL)
        return;
    demo_rec_stop(s->demo, s->world.tick);
    if (demo_rec_start(s->demo, unix_now()))
        announce_present(s);
}

void srv_demo_tick(Server *s)
{
    if (s->demo != NULL)
        demo_rec_world(s->demo, &s->world);
}

void srv_demo_chat(Server *s, uint8_t kind, unsigned slot, const char *text)
{
    if (s->demo == NULL || slot >= s->cfg.max_players)
        return;
    DemoChat c = {.kind = kind, .slot = (uint16_t)slot};
    snprintf(c.name, sizeof c.name, "%s", s->players[slot].name);
    snprintf(c.text, sizeof c.text, "%s", text);
    demo_rec_chat(s->demo, s->world.tick, &c);
}

void srv_demo_event(Server *s, const MsgEvent *ev)
{
    if (s->demo != NULL)
        demo_rec_event(s->demo, s->world.tick, ev);
}
