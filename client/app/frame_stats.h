/* frame_stats.h — how smoothly arena-client draws: frame times, FPS shown on the HUD, and the
 * run's mean and 1%-low FPS for --stats-json.
 *
 * Owns a histogram of frame times (0.1 ms buckets up to 500 ms) and a one-second window for
 * the HUD. "1% low" is 1 / (99th percentile frame time): the frame rate the slowest 1% of
 * frames fall below. Pure: no SDL, no clock (callers pass durations and times). */
#ifndef ARENA_APP_FRAME_STATS_H
#define ARENA_APP_FRAME_STATS_H

#include <stdint.h>

enum {
    APP_FRAME_BUCKETS = 5000, /* 0.1 ms each; the last one also holds anything longer */
};

typedef struct AppFrameStats {
    uint32_t hist[APP_FRAME_BUCKETS];
    uint64_t frames;
    double total_s; /* sum of frame times */
    double max_s;
    /* HUD: frames counted over about one second. */
    uint64_t window_start_us;
    uint32_t window_frames;
    double shown_fps;
} AppFrameStats;

void app_frame_stats_init(AppFrameStats *s);
/* One frame of frame_s seconds ended at now_us (the HUD rate is updated once a second). */
void app_frame_stats_add(AppFrameStats *s, double frame_s, uint64_t now_us);
double app_frame_stats_mean_fps(const AppFrameStats *s);
/* 1 / (the frame time that 99% of frames do not exceed); 0 without frames. */
double app_frame_stats_p1_low_fps(const AppFrameStats *s);
/* Frame time at percentile q (0..1), seconds (bucket upper edge). */
double app_frame_stats_percentile_s(const AppFrameStats *s, double q);
/* Frames per second over the last complete second (0 before one has passed). */
double app_frame_stats_hud_fps(const AppFrameStats *s);

#endif
