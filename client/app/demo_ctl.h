/* demo_ctl.h — the demo player's controls as pure logic: the playback clock (pause, speed,
 * seek), who the camera follows, and the timeline's geometry.
 *
 * Owns what the keys mean, not how they arrive (demo_player.c turns SDL events into these
 * calls). No SDL; time is passed in. */
#ifndef ARENA_APP_DEMO_CTL_H
#define ARENA_APP_DEMO_CTL_H

#include <stdbool.h>
#include <stdint.h>

#include "cli_interp.h"
#include "layout.h"

#define APP_DEMO_SEEK_S 5.0 /* Left/Right */

enum {
    APP_DEMO_SPEEDS = 5, /* 0.25x 0.5x 1x 2x 4x */
    APP_DEMO_SPEED_1X = 2,
    APP_DEMO_FREE_CAM = -1, /* follow: nobody */
};

typedef struct AppDemoCtl {
    double tick;        /* the playback position, ticks (fractional: interpolated) */
    double first, last; /* the demo's frames */
    bool paused;
    int speed;  /* index into the speeds */
    int follow; /* player id, or APP_DEMO_FREE_CAM */
} AppDemoCtl;

void app_demo_ctl_init(AppDemoCtl *c, uint32_t first_tick, uint32_t last_tick);
double app_demo_speed(const AppDemoCtl *c); /* 0.25 .. 4 */
void app_demo_speed_step(AppDemoCtl *c, int dir);
/* Advances by dt_s of real time (nothing when paused); stops at the end (and pauses there). */
void app_demo_advance(AppDemoCtl *c, double dt_s);
/* Seeks by seconds of demo time (negative: back), clamped to the demo. */
void app_demo_seek_by(AppDemoCtl *c, double seconds);
/* The timeline: where it is drawn in a w x h window, and the tick under x. */
AppRect app_demo_timeline_rect(int w, int h);
double app_demo_timeline_tick(const AppDemoCtl *c, AppRect bar, int x);
/* The next (dir 1) or previous (dir -1) player among views[0..n) after the one followed (from
 * the free camera: the first / last). Stays as it is if there are no players. */
void app_demo_follow_step(AppDemoCtl *c, const CliEntityView *views, unsigned n, int dir);
/* Seconds since the first frame at tick. */
double app_demo_seconds(const AppDemoCtl *c, double tick);

#endif
