/* timing.c — see timing.h. */
#include "timing.h"

#include "protocol.h"

double app_tick_alpha(const CliClock *c, uint64_t now_us)
{
    if (!c->running || c->last_tick == 0)
        return 0.0;
    double dt = now_us > c->last_us ? (double)(now_us - c->last_us) * (PROTO_TICK_HZ / 1e6) : 0.0;
    double pos = c->tick + dt * c->rate;
    double a = pos - (double)c->last_tick;
    if (!(a >= 0.0))
        return 0.0;
    return a > 1.0 ? 1.0 : a;
}

uint64_t app_next_frame_us(uint64_t frame_start_us, double max_fps)
{
    if (!(max_fps > 0.0))
        return frame_start_us;
    return frame_start_us + (uint64_t)(1e6 / max_fps);
}
