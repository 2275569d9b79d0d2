/* demo_ctl.c — see demo_ctl.h. */
#include "demo_ctl.h"

#include "protocol.h"
#include "snapshot.h"

static const double speeds[APP_DEMO_SPEEDS] = {0.25, 0.5, 1.0, 2.0, 4.0};

void app_demo_ctl_init(AppDemoCtl *c, uint32_t first_tick, uint32_t last_tick)
{
    c->first = first_tick;
    c->last = last_tick >= first_tick ? last_tick : first_tick;
    c->tick = c->first;
    c->paused = false;
    c->speed = APP_DEMO_SPEED_1X;
    c->follow = APP_DEMO_FREE_CAM;
}

double app_demo_speed(const AppDemoCtl *c)
{
    return speeds[c->speed];
}

void app_demo_speed_step(AppDemoCtl *c, int dir)
{
    int s = c->speed + (dir > 0 ? 1 : -1);
    if (s >= 0 && s < APP_DEMO_SPEEDS)
        c->speed = s;
}

static void clamp_tick(AppDemoCtl *c)
{
    if (c->tick < c->first)
        c->tick = c->first;
    if (c->tick > c->last)
        c->tick = c->last;
}

void app_demo_advance(AppDemoCtl *c, double dt_s)
{
    if (c->paused || dt_s <= 0.0)
        return;
    c->tick += dt_s * PROTO_TICK_HZ * speeds[c->speed];
    if (c->tick >= c->last) {
        c->tick = c->last;
        c->paused = true;
    }
}

void app_demo_seek_by(AppDemoCtl *c, double seconds)
{
    c->tick += seconds * PROTO_TICK_HZ;
    clamp_tick(c);
}

AppRect app_demo_timeline_rect(int w, int h)
{
    int margin = 24, bar_h = 10;
    return (AppRect){margin, h - margin - bar_h, w - 2 * margin > 10 ? w - 2 * margin : 10, bar_h};
}

double app_demo_timeline_tick(const AppDemoCtl *c, AppRect bar, int x)
{
    double f = bar.w > 0 ? (double)(x - bar.x) / (double)bar.w : 0.0;
    f = f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
    return c->first + f * (c->last - c->first);
}

void app_demo_follow_step(AppDemoCtl *c, const CliEntityView *views, unsigned n, int dir)
{
    int first = -1, last = -1, next = -1, prev = -1;
    for (unsigned i = 0; i < n; i++) {
        if (views[i].type != SNAP_ENT_PLAYER)
            continue;
        int id = views[i].id; /* views are ordered by id */
        if (first < 0)
            first = id;
        last = id;
        if (c->follow != APP_DEMO_FREE_CAM && id < c->follow)
            prev = id;
        if (c->follow != APP_DEMO_FREE_CAM && id > c->follow && next < 0)
            next = id;
    }
    if (first < 0)
        return;
    if (dir > 0)
        c->follow = c->follow == APP_DEMO_FREE_CAM || next < 0 ? first : next;
    else
        c->follow = c->follow == APP_DEMO_FREE_CAM || prev < 0 ? last : prev;
}

double app_demo_seconds(const AppDemoCtl *c, double tick)
{
    return (tick - c->first) / PROTO_TICK_HZ;
}
