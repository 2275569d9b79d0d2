/* killfeed.c — see killfeed.h. */
#include "killfeed.h"

#include <stdio.h>
#include <string.h>

void app_feed_init(AppKillFeed *f)
{
    memset(f, 0, sizeof *f);
}

void app_feed_push(AppKillFeed *f, const AppKill *k)
{
    unsigned slot = (f->first + f->count) % APP_FEED_MAX;
    if (f->count == APP_FEED_MAX) {
        slot = f->first;
        f->first = (f->first + 1) % APP_FEED_MAX;
    } else {
        f->count++;
    }
    f->kills[slot] = *k;
}

static bool shown(const AppKill *k, uint64_t now_us)
{
    return now_us < k->time_us + APP_FEED_SHOW_US + APP_FEED_FADE_US;
}

const AppKill *app_feed_get(const AppKillFeed *f, unsigned i, uint64_t now_us)
{
    if (i >= f->count)
        return NULL;
    const AppKill *k = &f->kills[(f->first + f->count - 1 - i) % APP_FEED_MAX];
    return shown(k, now_us) ? k : NULL; /* older ones are older still */
}

float app_feed_alpha(const AppKill *k, uint64_t now_us)
{
    if (now_us <= k->time_us + APP_FEED_SHOW_US)
        return 1.0f;
    uint64_t past = now_us - k->time_us - APP_FEED_SHOW_US;
    return past >= APP_FEED_FADE_US ? 0.0f : 1.0f - (float)past / (float)APP_FEED_FADE_US;
}

void app_match_init(AppMatchView *m)
{
    memset(m, 0, sizeof *m);
}

AppMatchChange app_match_event(AppMatchView *m, const MsgEvent *ev)
{
    if (ev->kind == MSG_EV_STATS) {
        m->stats[ev->a] = ev->stats;
        m->has_stats[ev->a] = true;
        return APP_MATCH_SAME;
    }
    if (ev->kind != MSG_EV_MATCH)
        return APP_MATCH_SAME;
    AppMatchChange change = APP_MATCH_SAME;
    if (m->known && m->match.phase != ev->match.phase) {
        if (ev->match.phase == SIM_PHASE_RUNNING)
            change = APP_MATCH_STARTED;
        else if (ev->match.phase == SIM_PHASE_ENDED)
            change = APP_MATCH_ENDED;
    }
    if (ev->match.phase != SIM_PHASE_ENDED)
        memset(m->has_stats, 0, sizeof m->has_stats);
    m->known = true;
    m->match = ev->match;
    m->winner = ev->a;
    return change;
}

int app_match_seconds_left(const AppMatchView *m, uint32_t tick)
{
    if (!m->known || m->match.phase_end == 0)
        return -1;
    if (tick >= m->match.phase_end)
        return 0;
    return (int)((m->match.phase_end - tick + PROTO_TICK_HZ - 1) / PROTO_TICK_HZ);
}

void app_match_clock(const AppMatchView *m, uint32_t tick, char *buf, unsigned cap)
{
    buf[0] = '\0';
    if (!m->known)
        return;
    int s = app_match_seconds_left(m, tick);
    char t[16] = "";
    if (s >= 0)
        snprintf(t, sizeof t, "%d:%02d", s / 60, s % 60);
    switch (m->match.phase) {
    case SIM_PHASE_WARMUP:
        snprintf(buf, cap, s >= 0 ? "Warm-up %s" : "Warm-up%s", t);
        break;
    case SIM_PHASE_RUNNING:
        snprintf(buf, cap, "%s", s >= 0 ? t : "no time limit");
        break;
    default:
        snprintf(buf, cap, "Match over");
        break;
    }
}

unsigned app_match_accuracy(const MsgStats *s)
{
    return s->shots == 0 ? 0u : (unsigned)((s->hits * 100u + s->shots / 2u) / s->shots);
}
