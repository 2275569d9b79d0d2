/* procs.c — arena-bot --procs N: the bots shared out over N forked processes (one core no
 * longer limits the swarm), each running bot_swarm_run on its slice of the indexes and sending
 * its Report back through a pipe; the parent merges them into one summary and one --json. A
 * stop signal to the parent is passed on to the children. Never runs a bot itself. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bot.h"

enum { MAX_PROCS = 64 };

typedef struct Child {
    pid_t pid;
    int fd; /* read end of its pipe */
} Child;

/* In the child: run the slice, send the report, never return. */
static void child_run(Options *o, int fd)
{
    Report r;
    bool ok = bot_swarm_run(o, &r);
    const uint8_t *p = (const uint8_t *)&r;
    size_t left = sizeof r;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            _exit(1);
        p += w;
        left -= (size_t)w;
    }
    fflush(stdout);
    _exit(ok ? 0 : 1);
}

/* Reads a whole Report; false if the child died first. Passes a stop signal on. */
static bool read_report(Child *ch, Child *all, unsigned n, Report *r)
{
    uint8_t *p = (uint8_t *)r;
    size_t got = 0;
    bool forwarded = false;
    while (got < sizeof *r) {
        ssize_t k = read(ch->fd, p + got, sizeof *r - got);
        if (k < 0 && errno == EINTR) {
            if (interrupted && !forwarded) {
                for (unsigned i = 0; i < n; i++)
                    if (all[i].pid > 0)
                        kill(all[i].pid, SIGTERM);
                forwarded = true;
            }
            continue;
        }
        if (k <= 0)
            return false;
        got += (size_t)k;
    }
    return true;
}

static bool start_children(Options *o, Child *ch, unsigned n)
{
    unsigned total = o->count;
    for (unsigned k = 0; k < n; k++) {
        int fds[2];
        if (pipe(fds) != 0) {
            perror("arena-bot: pipe");
            return false;
        }
        fflush(stdout);
        fflush(stderr);
        pid_t pid = fork();
        if (pid < 0) {
            perror("arena-bot: fork");
            close(fds[0]);
            close(fds[1]);
            return false;
        }
        if (pid == 0) {
            close(fds[0]);
            for (unsigned i = 0; i < k; i++)
                close(ch[i].fd);
            o->first_index = (unsigned)((uint64_t)total * k / n);
            o->count = (unsigned)((uint64_t)total * (k + 1) / n) - o->first_index;
            child_run(o, fds[1]);
        }
        close(fds[1]);
        ch[k] = (Child){.pid = pid, .fd = fds[0]};
    }
    return true;
}

bool bot_procs_run(Options *o, Report *r)
{
    Child ch[MAX_PROCS];
    unsigned n = o->procs < MAX_PROCS ? o->procs : MAX_PROCS;
    memset(ch, 0, sizeof ch);
    memset(r, 0, sizeof *r);
    /* The server's per-address limit on connections not logged in is for all of us. */
    o->connect_batch = o->connect_batch / n > 0 ? o->connect_batch / n : 1;
    bool ok = start_children(o, ch, n);
    for (unsigned k = 0; k < n; k++) {
        if (ch[k].pid <= 0)
            continue;
        Report part;
        if (read_report(&ch[k], ch, n, &part))
            bot_report_merge(r, &part);
        else
            ok = false;
        close(ch[k].fd);
        int status = 0;
        while (waitpid(ch[k].pid, &status, 0) < 0 && errno == EINTR)
            ;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            ok = false;
    }
    r->bots = o->count; /* bots never started in a process that failed count as not joined */
    r->procs = n;
    return ok;
}
