/* evset.c — the loop's epoll set (evset.h). */
#include "evset.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

bool ev_open(EvSet *e, unsigned cap)
{
    *e = (EvSet){.fd = -1};
    if (cap == 0) {
        errno = EINVAL;
        return false;
    }
    e->ready = calloc(cap, sizeof *e->ready);
    if (e->ready == NULL)
        return false;
    e->fd = epoll_create1(EPOLL_CLOEXEC);
    if (e->fd < 0) {
        int err = errno;
        free(e->ready);
        e->ready = NULL;
        errno = err;
        return false;
    }
    e->cap = cap;
    return true;
}

void ev_close(EvSet *e)
{
    if (e->fd >= 0)
        close(e->fd);
    free(e->ready);
    *e = (EvSet){.fd = -1};
}

static int ctl(EvSet *e, int op, int fd, uint32_t events, uint64_t tag)
{
    struct epoll_event ev = {.events = events, .data.u64 = tag};
    e->changes++;
    return epoll_ctl(e->fd, op, fd, &ev);
}

bool ev_want(EvSet *e, EvReg *r, int fd, uint32_t events, uint64_t tag)
{
    if (r->on && r->fd == fd && r->events == events)
        return true;
    if (r->on && r->fd != fd)
        ev_drop(e, r); /* fails harmlessly if the old one was closed (and so removed) */
    int rc;
    if (r->on) {
        rc = ctl(e, EPOLL_CTL_MOD, fd, events, tag);
        if (rc < 0 && errno == ENOENT) /* closed and its number reused, never dropped */
            rc = ctl(e, EPOLL_CTL_ADD, fd, events, tag);
    } else {
        rc = ctl(e, EPOLL_CTL_ADD, fd, events, tag);
        if (rc < 0 && errno == EEXIST) /* registered under an EvReg since reset */
            rc = ctl(e, EPOLL_CTL_MOD, fd, events, tag);
    }
    if (rc < 0) {
        e->failures++;
        *r = EV_REG_NONE;
        return false;
    }
    *r = (EvReg){.fd = fd, .events = events, .on = true};
    return true;
}

void ev_drop(EvSet *e, EvReg *r)
{
    if (r->on) {
        int err = errno;
        (void)ctl(e, EPOLL_CTL_DEL, r->fd, 0, 0);
        errno = err;
    }
    *r = EV_REG_NONE;
}

int ev_wait(EvSet *e, int timeout_ms)
{
    return epoll_wait(e->fd, e->ready, (int)e->cap, timeout_ms);
}
