/* evset.h — the loop's epoll set: each socket registered once, changed only when what it waits
 * for changes.
 *
 * poll(2) made the kernel look at every descriptor on every wake-up (a TCP session per player,
 * so about 1000 at a full server, ~120 wake-ups a second); epoll looks only at the ready ones.
 * An owner keeps an EvReg per socket and says, once per iteration, what it waits for
 * (ev_want): the set makes an epoll_ctl call only when that differs from what is registered.
 * Level-triggered, so the events mean what poll's did (EPOLLIN == POLLIN and so on; EPOLLHUP
 * and EPOLLERR are reported even when nothing is asked for). A tag (kind, index, fd) comes back
 * with each ready event; owners check the fd against their slot before they act on it.
 *
 * Not thread-safe: the loop's thread only. */
#ifndef ARENA_SRV_EVSET_H
#define ARENA_SRV_EVSET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

typedef struct EvReg {
    int fd;          /* the registered descriptor */
    uint32_t events; /* what it is registered for */
    bool on;         /* registered */
} EvReg;

typedef struct EvSet {
    int fd; /* the epoll descriptor, -1 when closed */
    struct epoll_event *ready;
    unsigned cap;     /* ready's size: at most this many events per wait */
    uint64_t changes; /* epoll_ctl calls (registrations, changes, removals) */
    uint64_t failures;
} EvSet;

typedef enum EvKind {
    EV_GAME = 1, /* the ENet socket, while a flood makes the loop poll it */
    EV_DISCOVERY,
    EV_CTL, /* the operator socket (index 0) and its connections (index 1 + i) */
    EV_TCP, /* the login listener (index 0) and its connections (index 1 + i) */
} EvKind;

/* An EvReg for a socket not registered yet. */
#define EV_REG_NONE ((EvReg){.fd = -1, .events = 0, .on = false})

/* The tag given back with a ready event. */
static inline uint64_t ev_tag(EvKind kind, unsigned index, int fd)
{
    return (uint64_t)kind << 56 | (uint64_t)(index & 0xFFFFFFu) << 32 | (uint32_t)fd;
}
static inline EvKind ev_tag_kind(uint64_t tag)
{
    return (EvKind)(tag >> 56);
}
static inline unsigned ev_tag_index(uint64_t tag)
{
    return (unsigned)(tag >> 32) & 0xFFFFFFu;
}
static inline int ev_tag_fd(uint64_t tag)
{
    return (int)(uint32_t)tag;
}

/* An epoll set returning up to cap ready events per wait. false (errno set) on failure. */
bool ev_open(EvSet *e, unsigned cap);
void ev_close(EvSet *e);
/* Registers fd for events, with tag, unless r says it already is. A different fd in r
 * (the old one closed) is replaced. false (errno set, counted) if the kernel refuses: the
 * socket is then not watched, and the owner should close it. */
bool ev_want(EvSet *e, EvReg *r, int fd, uint32_t events, uint64_t tag);
/* Removes r's descriptor from the set (call it before closing one, or when an open socket
 * leaves the set). Nothing if r is not registered. */
void ev_drop(EvSet *e, EvReg *r);
/* Waits up to timeout_ms (0: not at all) for ready sockets; returns how many are in
 * e->ready, or -1 (errno set; EINTR when a signal came). */
int ev_wait(EvSet *e, int timeout_ms);

#endif
