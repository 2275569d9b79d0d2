/* stop_signals.h — how the programs learn they should stop (Ctrl-C, a service manager).
 *
 * One place for what the server and the bots both need: SIGINT and SIGTERM call the program's
 * handler (without SA_RESTART, so a blocking poll returns EINTR and the loop sees the flag the
 * handler set at once), and SIGPIPE is ignored (a write to a closed socket is an error
 * return, not a death). */
#ifndef ARENA_STOP_SIGNALS_H
#define ARENA_STOP_SIGNALS_H

void stop_signals_install(void (*handler)(int));

#endif
