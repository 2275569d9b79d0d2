/* mono_clock.h — the monotonic clock, read in one place.
 *
 * shared/ proper never reads a clock: its code takes time as an argument. The server's and the
 * client's event loops read it here, once per iteration, and pass the reading down. This
 * directory (shared/os/, library arena_os: this clock and stop_signals.h) is the only part of
 * shared/ that talks to the operating system, and arena_shared does not link it. */
#ifndef ARENA_MONO_CLOCK_H
#define ARENA_MONO_CLOCK_H

#include <stdint.h>

/* Microseconds / milliseconds since an arbitrary fixed point (CLOCK_MONOTONIC): never goes
 * back, unaffected by changes of the wall clock. */
uint64_t mono_now_us(void);
uint64_t mono_now_ms(void);
/* CPU time this thread has used, microseconds (CLOCK_THREAD_CPUTIME_ID): beside a wall-clock
 * duration it tells work from time the thread was not running (descheduled, interrupted). */
uint64_t mono_thread_cpu_us(void);

#endif
