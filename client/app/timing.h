/* timing.h — frame pacing and the sub-tick position used to draw the predicted player.
 *
 * Owns two small time rules of the main loop: how far into the current client tick a frame
 * is (alpha for cli_predict_render), and when the next frame is due under a frame-rate cap.
 * Pure: the caller passes every time (microseconds). */
#ifndef ARENA_APP_TIMING_H
#define ARENA_APP_TIMING_H

#include <stdint.h>

#include "cli_clock.h"

/* Fraction (0..1) of the current client tick elapsed at now_us: the clock's position
 * (advanced at its current rate since its last advance) minus the newest tick handed out. 0
 * before the clock runs or while it waits after a backward resync. */
double app_tick_alpha(const CliClock *c, uint64_t now_us);
/* When the frame after one that started at frame_start_us is due with a cap of max_fps
 * (0 = no cap: due at once). */
uint64_t app_next_frame_us(uint64_t frame_start_us, double max_fps);

#endif
