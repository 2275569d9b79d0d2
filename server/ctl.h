/* ctl.h — the operator's control socket: what arena-ctl talks to.
 *
 * Owns a Unix stream socket in the data directory (ctl_socket, default arena.sock), created
 * with mode 0600 and answering only connections from the server's own user (or root, checked
 * with SO_PEERCRED): whoever owns the machine owns the server. A client sends command lines
 * (ctl_cmd.h); each gets its answer lines, then `OK [text]` or `ERR text`. Connections are
 * few (CTL_MAX_CONNS), read within a budget per wake-up, and their output is bounded. */
#ifndef ARENA_SRV_CTL_H
#define ARENA_SRV_CTL_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Server Server;
typedef struct Ctl Ctl;

enum { CTL_MAX_CONNS = 4 };

/* Opens the socket (replacing a stale one; refusing if another server answers on it). With
 * ctl_socket = off, returns a Ctl that does nothing. NULL with a reason on failure. */
Ctl *ctl_open(Server *s, char *err, size_t errlen);
void ctl_close(Ctl *c);
/* Registers what the listener and the connections wait for in the server's epoll set
 * (evset.h); ctl_service gets the ready ones. */
void ctl_watch(Ctl *c);
void ctl_service(Ctl *c, const struct pollfd *fds, unsigned n, uint64_t now_ms);

#endif
