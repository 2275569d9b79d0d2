/* test_evset.c — the loop's epoll set (evset.h), on real socket pairs.
 *
 * What an operator would notice: a TCP session the server stops hearing (a registration lost
 * or left on a closed socket), a loop that spins on a socket it no longer wants, or one
 * epoll_ctl per socket per wake-up (the cost poll had, moved). Waits are epoll_wait with a
 * timeout: an event, never a sleep. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "evset.h"

enum { WAIT_MS = 2000 };

typedef struct Pair {
    int ours, theirs;
} Pair;

static Pair pair(void)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    return (Pair){sv[0], sv[1]};
}

/* The events reported for tag in one wait (0 if it is not among the ready ones). */
static uint32_t ready_for(EvSet *e, uint64_t tag, int timeout_ms)
{
    int n = ev_wait(e, timeout_ms);
    assert_true(n >= 0);
    for (int i = 0; i < n; i++)
        if (e->ready[i].data.u64 == tag)
            return e->ready[i].events;
    return 0;
}

static void test_tag_round_trip(void **state)
{
    (void)state;
    uint64_t t = ev_tag(EV_TCP, 0xFFFFFF, 0x7FFFFFFF);
    assert_int_equal(ev_tag_kind(t), EV_TCP);
    assert_int_equal(ev_tag_index(t), 0xFFFFFF);
    assert_int_equal(ev_tag_fd(t), 0x7FFFFFFF);
    t = ev_tag(EV_CTL, 1, 3);
    assert_int_equal(ev_tag_kind(t), EV_CTL);
    assert_int_equal(ev_tag_index(t), 1);
    assert_int_equal(ev_tag_fd(t), 3);
    assert_int_not_equal(ev_tag(EV_GAME, 0, 3), ev_tag(EV_DISCOVERY, 0, 3));
}

/* One syscall to register, none while nothing changes, one per change; level-triggered. */
static void test_registers_once_changes_on_change(void **state)
{
    (void)state;
    EvSet e;
    assert_true(ev_open(&e, 8));
    Pair p = pair();
    EvReg r = EV_REG_NONE;
    uint64_t tag = ev_tag(EV_TCP, 5, p.ours);
    assert_true(ev_want(&e, &r, p.ours, EPOLLIN, tag));
    assert_int_equal(e.changes, 1);
    for (int i = 0; i < 100; i++)
        assert_true(ev_want(&e, &r, p.ours, EPOLLIN, tag));
    assert_int_equal(e.changes, 1);
    assert_int_equal(ready_for(&e, tag, 0), 0); /* nothing to read yet */
    assert_int_equal(write(p.theirs, "x", 1), 1);
    assert_true(ready_for(&e, tag, WAIT_MS) & EPOLLIN);
    assert_true(ready_for(&e, tag, 0) & EPOLLIN); /* unread: still ready (level) */
    /* Output pending: also writable. */
    assert_true(ev_want(&e, &r, p.ours, EPOLLIN | EPOLLOUT, tag));
    assert_int_equal(e.changes, 2);
    assert_true(ready_for(&e, tag, 0) & EPOLLOUT);
    /* Throttled and nothing to say: the set no longer reports the unread byte. */
    assert_true(ev_want(&e, &r, p.ours, 0, tag));
    assert_int_equal(e.changes, 3);
    assert_int_equal(ready_for(&e, tag, 0), 0);
    assert_int_equal(e.failures, 0);
    close(p.ours);
    close(p.theirs);
    ev_close(&e);
}

/* Asked for nothing, a socket whose peer went away is still reported (as poll did), so a
 * closing connection sees the peer's close. */
static void test_hangup_reported_without_asking(void **state)
{
    (void)state;
    EvSet e;
    assert_true(ev_open(&e, 8));
    Pair p = pair();
    EvReg r = EV_REG_NONE;
    uint64_t tag = ev_tag(EV_TCP, 1, p.ours);
    assert_true(ev_want(&e, &r, p.ours, 0, tag));
    assert_int_equal(ready_for(&e, tag, 0), 0);
    close(p.theirs);
    assert_true(ready_for(&e, tag, WAIT_MS) & EPOLLHUP);
    close(p.ours);
    ev_close(&e);
}

/* Dropped: not reported any more; a registration given a new descriptor lets go of the old. */
static void test_drop_and_replace(void **state)
{
    (void)state;
    EvSet e;
    assert_true(ev_open(&e, 8));
    Pair a = pair(), b = pair();
    EvReg r = EV_REG_NONE;
    uint64_t ta = ev_tag(EV_CTL, 1, a.ours), tb = ev_tag(EV_CTL, 1, b.ours);
    assert_true(ev_want(&e, &r, a.ours, EPOLLIN, ta));
    assert_int_equal(write(a.theirs, "x", 1), 1);
    assert_true(ready_for(&e, ta, WAIT_MS) & EPOLLIN);
    ev_drop(&e, &r);
    assert_false(r.on);
    assert_int_equal(ev_wait(&e, 0), 0);
    ev_drop(&e, &r); /* twice: nothing */
    assert_int_equal(e.changes, 2);
    /* Registered again, then moved to another socket without a drop. */
    assert_true(ev_want(&e, &r, a.ours, EPOLLIN, ta));
    assert_true(ev_want(&e, &r, b.ours, EPOLLIN, tb));
    assert_int_equal(r.fd, b.ours);
    assert_int_equal(ev_wait(&e, 0), 0); /* a's byte is no longer reported */
    assert_int_equal(write(b.theirs, "y", 1), 1);
    assert_true(ready_for(&e, tb, WAIT_MS) & EPOLLIN);
    assert_int_equal(e.failures, 0);
    close(a.ours);
    close(a.theirs);
    close(b.ours);
    close(b.theirs);
    ev_close(&e);
}

/* A registration that went stale without the set knowing (the socket closed, its number
 * reused) is repaired when what is wanted changes; a refused one fails and is counted. */
static void test_stale_and_refused(void **state)
{
    (void)state;
    EvSet e;
    assert_true(ev_open(&e, 8));
    Pair a = pair();
    EvReg r = EV_REG_NONE;
    assert_true(ev_want(&e, &r, a.ours, EPOLLIN, ev_tag(EV_TCP, 1, a.ours)));
    int number = a.ours;
    close(a.ours); /* the kernel removes it from the set; r still says registered */
    Pair b = pair();
    if (b.ours != number) { /* the numbers of the pair came back the other way */
        int t = b.ours;
        b.ours = b.theirs;
        b.theirs = t;
    }
    assert_int_equal(b.ours, number);
    uint64_t tb = ev_tag(EV_TCP, 1, b.ours);
    assert_true(ev_want(&e, &r, b.ours, EPOLLIN | EPOLLOUT, tb)); /* MOD: ENOENT, then ADD */
    assert_true(ready_for(&e, tb, WAIT_MS) & EPOLLOUT);
    assert_int_equal(e.failures, 0);
    /* A registration forgotten (r reset) while the socket stays in the set: EEXIST, then MOD. */
    r = EV_REG_NONE;
    assert_true(ev_want(&e, &r, b.ours, EPOLLIN, tb));
    assert_true(r.on);
    assert_int_equal(e.failures, 0);
    /* A regular file cannot be watched: refused, counted, not registered. */
    FILE *f = tmpfile();
    assert_non_null(f);
    EvReg rf = EV_REG_NONE;
    errno = 0;
    assert_false(ev_want(&e, &rf, fileno(f), EPOLLIN, ev_tag(EV_TCP, 2, fileno(f))));
    assert_int_equal(errno, EPERM);
    assert_false(rf.on);
    assert_int_equal(e.failures, 1);
    fclose(f);
    close(a.theirs);
    close(b.ours);
    close(b.theirs);
    ev_close(&e);
}

/* Every ready socket fits in one wait when the set is sized for all of them. */
static void test_all_ready_in_one_wait(void **state)
{
    (void)state;
    enum { N = 32 };
    EvSet e;
    assert_true(ev_open(&e, N));
    Pair p[N];
    EvReg r[N];
    for (unsigned i = 0; i < N; i++) {
        p[i] = pair();
        r[i] = EV_REG_NONE;
        assert_true(ev_want(&e, &r[i], p[i].ours, EPOLLIN, ev_tag(EV_TCP, 1 + i, p[i].ours)));
        assert_int_equal(write(p[i].theirs, "z", 1), 1);
    }
    assert_int_equal(ev_wait(&e, WAIT_MS), N);
    unsigned seen = 0;
    for (unsigned i = 0; i < N; i++)
        seen |= 1u << (ev_tag_index(e.ready[i].data.u64) - 1);
    assert_int_equal(seen, 0xFFFFFFFFu);
    for (unsigned i = 0; i < N; i++) {
        close(p[i].ours);
        close(p[i].theirs);
    }
    ev_close(&e);
    assert_int_equal(e.fd, -1);
    ev_close(&e); /* twice: nothing */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tag_round_trip),
        cmocka_unit_test(test_registers_once_changes_on_change),
        cmocka_unit_test(test_hangup_reported_without_asking),
        cmocka_unit_test(test_drop_and_replace),
        cmocka_unit_test(test_stale_and_refused),
        cmocka_unit_test(test_all_ready_in_one_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
