/* stop_signals.h — how the programs learn they should stop (Ctrl-C, a service manager).
 *
 * One place for what the server and the bots both need: SIGINT and SIGTERM call the program's
 * handler (without SA_RESTART, so a blocking poll returns EINTR and the loop sees the flag the
 * handler set at once), and SIGPIPE is ignored (a write to a closed socket is an error
 * return, not a death). */
#ifndef ARENA_STOP_SIGNALS_H
#define ARENA_STOP_SIGNALS_H

#include <signal.h>

void stop_signals_install(void (*handler)(int));

/* Blocks every signal in the calling thread (the old mask into *old) until
 * stop_signals_restore: a thread started in between inherits the full mask and takes no
 * signal, so they all reach the loop's thread (the metrics and Agones threads). */
void stop_signals_block_all(sigset_t *old);
void stop_signals_restore(const sigset_t *old);

#endif
