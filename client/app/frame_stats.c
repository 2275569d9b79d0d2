/* frame_stats.c — see frame_stats.h. */
#include "frame_stats.h"

#include <math.h>
#include <string.h>

#define BUCKET_S 0.0001

void app_frame_stats_init(AppFrameStats *s)
{
    memset(s, 0, sizeof *s);
}

void app_frame_stats_add(AppFrameStats *s, double frame_s, uint64_t now_us)
{
    if (!(frame_s >= 0.0))
        frame_s = 0.0;
    double b = floor(frame_s / BUCKET_S);
    unsigned bucket = b >= APP_FRAME_BUCKETS - 1 ? APP_FRAME_BUCKETS - 1 : (unsigned)b;
    s->hist[bucket]++;
    s->frames++;
    s->total_s += frame_s;
    if (frame_s > s->max_s)
        s->max_s = frame_s;

    if (s->window_start_us == 0 || now_us < s->window_start_us) {
        s->window_start_us = now_us;
        s->window_frames = 0;
        return;
    }
    s->window_frames++;
    uint64_t span = now_us - s->window_start_us;
    if (span >= 1000000u) {
        s->shown_fps = (double)s->window_frames * 1e6 / (double)span;
        s->window_start_us = now_us;
        s->window_frames = 0;
    }
}

double app_frame_stats_mean_fps(const AppFrameStats *s)
{
    return s->total_s > 0.0 ? (double)s->frames / s->total_s : 0.0;
}

double app_frame_stats_percentile_s(const AppFrameStats *s, double q)
{
    if (s->frames == 0)
        return 0.0;
    if (!(q > 0.0))
        q = 0.0;
    if (q > 1.0)
        q = 1.0;
    uint64_t want = (uint64_t)ceil(q * (double)s->frames);
    if (want == 0)
        want = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < APP_FRAME_BUCKETS; i++) {
        seen += s->hist[i];
        if (seen >= want)
            return i == APP_FRAME_BUCKETS - 1 ? s->max_s : (double)(i + 1) * BUCKET_S;
    }
    return s->max_s;
}

double app_frame_stats_p1_low_fps(const AppFrameStats *s)
{
    double p99 = app_frame_stats_percentile_s(s, 0.99);
    return p99 > 0.0 ? 1.0 / p99 : 0.0;
}

double app_frame_stats_hud_fps(const AppFrameStats *s)
{
    return s->shown_fps;
}
