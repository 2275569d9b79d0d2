/* swarm_io.c — arena-bot's one epoll over every bot's sockets: registers what each connection
 * wants polled (cli_conn_pollfds) and hands the events back to the bots, so that a round
 * services only the bots whose sockets have something or whose timers are due, instead of
 * reading every socket of every bot on every wake-up. Level-triggered, as
 * cli_conn_service_polled requires. Never calls into a connection itself. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "bot.h"

bool swarm_io_init(SwarmIo *io, unsigned bots)
{
    io->cap = bots * CLI_CONN_POLLFDS + 1;
    io->events = calloc(io->cap, sizeof *io->events);
    io->ep = epoll_create1(EPOLL_CLOEXEC);
    if (io->events == NULL || io->ep < 0) {
        perror("arena-bot: epoll");
        swarm_io_free(io);
        return false;
    }
    return true;
}

void swarm_io_free(SwarmIo *io)
{
    if (io->ep >= 0)
        close(io->ep);
    io->ep = -1;
    free(io->events);
    io->events = NULL;
}

static uint32_t to_epoll(short ev)
{
    return ((ev & POLLIN) ? EPOLLIN : 0u) | ((ev & POLLOUT) ? EPOLLOUT : 0u);
}

static short from_epoll(uint32_t ev)
{
    return (short)(((ev & EPOLLIN) ? POLLIN : 0) | ((ev & EPOLLOUT) ? POLLOUT : 0) |
                   ((ev & EPOLLERR) ? POLLERR : 0) | ((ev & EPOLLHUP) ? POLLHUP : 0));
}

static int find_fd(const struct pollfd *fds, unsigned n, int fd)
{
    for (unsigned i = 0; i < n; i++)
        if (fds[i].fd == fd)
            return (int)i;
    return -1;
}

/* A closed socket has left the epoll set by itself: EBADF and ENOENT are expected there. */
static void ctl(SwarmIo *io, int op, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event ev = {.events = events, .data.u64 = data};
    if (epoll_ctl(io->ep, op, fd, &ev) != 0 && errno != EBADF && errno != ENOENT)
        fprintf(stderr, "arena-bot: epoll_ctl fd %d: %s\n", fd, strerror(errno));
}

void swarm_io_sync(SwarmIo *io, Bot *b, unsigned index)
{
    struct pollfd want[CLI_CONN_POLLFDS];
    unsigned n = b->conn != NULL ? cli_conn_pollfds(b->conn, want, CLI_CONN_POLLFDS) : 0;
    for (unsigned i = 0; i < b->nio; i++)
        if (find_fd(want, n, b->io[i].fd) < 0)
            ctl(io, EPOLL_CTL_DEL, b->io[i].fd, 0, 0);
    for (unsigned i = 0; i < n; i++) {
        int old = find_fd(b->io, b->nio, want[i].fd);
        if (old >= 0 && b->io[old].events == want[i].events)
            continue;
        uint64_t data = (uint64_t)index << 32 | (uint32_t)want[i].fd;
        ctl(io, old >= 0 ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, want[i].fd, to_epoll(want[i].events),
            data);
    }
    for (unsigned i = 0; i < n; i++)
        b->io[i] = want[i];
    b->nio = n;
}

void swarm_io_wait(SwarmIo *io, Bot *bots, unsigned nbots, int timeout_ms)
{
    int n = epoll_wait(io->ep, io->events, (int)io->cap, timeout_ms);
    if (n < 0 && errno != EINTR)
        perror("arena-bot: epoll_wait");
    for (int k = 0; k < n; k++) {
        uint64_t data = io->events[k].data.u64;
        unsigned index = (unsigned)(data >> 32);
        if (index >= nbots)
            continue;
        Bot *b = &bots[index];
        int i = find_fd(b->io, b->nio, (int)(uint32_t)data);
        if (i < 0)
            continue;
        b->io[i].revents = from_epoll(io->events[k].events);
        b->due = true;
    }
}
