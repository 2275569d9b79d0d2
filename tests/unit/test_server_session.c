/* test_server_session.c — the server in-process: bind, snapshots a client decodes, deltas
 * against an acknowledged baseline, every way a player leaves, the schedule after a stall.
 *
 * One Server, real loopback sockets, time passed in (server_harness.h): no wall-clock
 * waits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli_clock.h"
#include "enet_alloc.h"
#include "server_harness.h"
#include "udp_gate.h"

/* A server for max_players, at snapshot_hz (0: the default rate). */
static Hx *start_with(unsigned max_players, unsigned snapshot_hz)
{
    SrvConfig cfg;
    srv_default_config(&cfg);
    cfg.max_players = max_players;
    if (snapshot_hz != 0)
        cfg.snapshot_hz = snapshot_hz;
    Hx *h = hx_start(&cfg);
    assert_non_null(h);
    return h;
}

static Hx *start(void)
{
    return start_with(8, 0);
}

/* Ticks until client c has received a snapshot newer than `after`. */
static uint32_t next_snapshot(Hx *h, int c, uint32_t after)
{
    for (int i = 0; i < 10 && h->clients[c].last_tick <= after; i++)
        hx_ticks(h, 1);
    assert_true(h->clients[c].last_tick > after);
    return h->clients[c].last_tick;
}

static bool has_entity(const Snapshot *s, uint16_t id)
{
    for (unsigned i = 0; i < s->count; i++)
        if (s->ents[i].id == id)
            return true;
    return false;
}

/* (a) BIND, then the first snapshot: full, decodable, showing the viewer and the other. */
static void test_bind_and_first_snapshot(void **state)
{
    (void)state;
    Hx *h = start();
    int a = hx_join(h, "alice"), b = hx_join(h, "bob");
    assert_true(a >= 0 && b >= 0);
    assert_int_equal(h->s->players_now, 2);
    uint32_t t = next_snapshot(h, a, 0);
    const HxClient *ca = &h->clients[a];
    assert_int_equal(ca->decode_errors, 0);
    assert_int_equal(ca->last_baseline, 0); /* nothing acknowledged: full */
    const Snapshot *snap = hx_snapshot(ca, t);
    assert_non_null(snap);
    assert_true(snap->has_self);
    assert_int_equal(snap->self_id, ca->slot);
    assert_true(has_entity(snap, (uint16_t)h->clients[b].slot));
    assert_false(has_entity(snap, (uint16_t)ca->slot)); /* itself only as the self block */
    hx_stop(h);
}

/* (b) An INPUT acknowledging a snapshot makes the next one a delta against exactly it. */
static void test_delta_against_acked_baseline(void **state)
{
    (void)state;
    Hx *h = start();
    int a = hx_join(h, "alice"), b = hx_join(h, "bob");
    assert_true(a >= 0 && b >= 0);
    uint32_t first = next_snapshot(h, a, 0);
    uint64_t full_before = h->s->stats.full_snapshots;
    hx_send_input(h, a, first);
    uint32_t t = next_snapshot(h, a, first);
    const HxClient *ca = &h->clients[a];
    assert_int_equal(ca->last_baseline, first);
    assert_int_equal(ca->decode_errors, 0); /* decoded against the baseline it names */
    assert_non_null(hx_snapshot(ca, t));
    /* And the next acknowledgement moves the baseline on. */
    hx_send_input(h, a, t);
    uint32_t t2 = next_snapshot(h, a, t);
    assert_int_equal(ca->last_baseline, t);
    assert_non_null(hx_snapshot(ca, t2));
    /* Alice's deltas were not counted as full snapshots (bob, never acking, gets full ones). */
    assert_true(h->s->stats.full_snapshots - full_before <= 2);
    assert_int_equal(ca->decode_errors, 0);
    hx_stop(h);
}

/* The retention rule of docs/protocol.md §2.4: acknowledged once at tick T and never again, a
 * client gets deltas against T until the server sends the tick with T's phase (T + 32), then
 * full snapshots. At 30 Hz that is exactly 16 deltas. */
static void test_baseline_kept_until_same_phase(void **state)
{
    (void)state;
    Hx *h = start_with(8, 30);
    int a = hx_join(h, "alice");
    assert_true(a >= 0);
    uint32_t first = next_snapshot(h, a, 0);
    hx_send_input(h, a, first);
    const HxClient *ca = &h->clients[a];
    uint32_t t = next_snapshot(h, a, first), last_delta = 0;
    unsigned deltas = 0;
    for (int i = 0; i < PROTO_SNAP_BASELINES && ca->last_baseline == first; i++) {
        deltas++;
        last_delta = t;
        t = next_snapshot(h, a, t);
    }
    assert_int_equal(deltas, PROTO_SNAP_BASELINES / 2);
    assert_int_equal(last_delta, first + PROTO_SNAP_BASELINES);
    assert_int_equal(ca->last_baseline, 0); /* forgotten: full from here on */
    assert_int_equal(ca->decode_errors, 0);
    hx_stop(h);
}

/* ---- (c) the release path: every way out leaves the counters and both sides clean -------- */

static bool released(Hx *h, void *arg)
{
    const HxClient *c = &h->clients[*(int *)arg];
    return h->s->players[c->slot].state == SP_FREE && c->disconnected;
}

static bool tcp_closed(Hx *h, void *arg)
{
    return h->clients[*(int *)arg].tcp_eof;
}

/* The player of c is gone everywhere: slot, counter, ENet peer, TCP (after `bye`). */
static void assert_released(Hx *h, int c, unsigned playing, const char *bye)
{
    assert_true(hx_until(h, released, &c));
    assert_int_equal(h->s->players_now, playing);
    unsigned bound = 0;
    for (unsigned i = 0; i < h->s->cfg.max_players; i++)
        bound += h->s->players[i].state == SP_BOUND;
    assert_int_equal(bound, playing);
    if (bye != NULL) {
        assert_true(hx_until(h, tcp_closed, &c));
        const char *line = hx_line(&h->clients[c], "BYE");
        assert_non_null(line);
        assert_string_equal(line, bye);
    }
}

static bool both_heard_hit(Hx *h, void *arg)
{
    const int *who = arg;
    return hx_line(&h->clients[who[0]], "HIT ") != NULL &&
           hx_line(&h->clients[who[1]], "HIT ") != NULL;
}

static bool carol_heard_chat(Hx *h, void *arg)
{
    return hx_line(&h->clients[*(const int *)arg], "CHAT alice") != NULL;
}

/* For hx_until: client c has a line starting with prefix (a line to everyone may wait to be
 * coalesced with others, tcp.c TCP_COALESCE_MS). */
typedef struct Heard {
    int c;
    const char *prefix;
} Heard;

static bool heard(Hx *h, void *arg)
{
    const Heard *w = arg;
    return hx_line(&h->clients[w->c], w->prefix) != NULL;
}

/* A HIT line goes to the shooter's and the victim's TCP sessions, not to everyone (issue 12:
 * players x hits lines a second do not scale); the chat line still goes to all. */
static void test_hit_line_to_the_two_involved(void **state)
{
    (void)state;
    Hx *h = start();
    int a = hx_join(h, "alice"), b = hx_join(h, "bob"), c = hx_join(h, "carol");
    assert_true(a >= 0 && b >= 0 && c >= 0);
    hx_ticks(h, 2);
    h->s->world.events[0] = (SimEvent){.type = SIM_EV_HIT,
                                       .a = (uint16_t)h->clients[a].slot,
                                       .b = (uint16_t)h->clients[b].slot,
                                       .c = 75};
    h->s->world.event_count = 1;
    match_announce(h->s);
    h->s->world.event_count = 0;
    hx_send_line(h, a, "SAY after the hit");
    int who[2] = {a, b};
    assert_true(hx_until(h, both_heard_hit, who));
    assert_string_equal(hx_line(&h->clients[a], "HIT "), "HIT alice bob");
    assert_string_equal(hx_line(&h->clients[b], "HIT "), "HIT alice bob");
    /* carol hears the chat line said after the hit, so the HIT had its chance to arrive */
    assert_true(hx_until(h, carol_heard_chat, &c));
    assert_null(hx_line(&h->clients[c], "HIT "));
    hx_stop(h);
}

/* The game socket gets the receive buffer asked for (issue 12: ENet's 256 KiB overflowed at
 * 512 players), and datagrams the kernel drops when it is full are counted, not invisible. */
static void test_kernel_drops_counted(void **state)
{
    (void)state;
    SrvConfig cfg;
    srv_default_config(&cfg);
    cfg.max_players = 8;
    cfg.udp_rcvbuf_kb = 1024; /* 4x what ENet asks; a few thousand datagrams fill it */
    Hx *h = hx_start(&cfg);
    assert_non_null(h);
    /* The kernel reports twice what was asked (half is its bookkeeping); the tests run as
     * root, where SO_RCVBUFFORCE passes net.core.rmem_max. */
    assert_true(h->s->stats.udp_rcvbuf_bytes >= 2u * 1024u * 1024u);
    net_read_kernel_drops(h->s);
    assert_int_equal(h->s->stats.udp_kernel_drops, 0);
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    assert_int_equal(getsockname(h->s->host->socket, (struct sockaddr *)&sa, &sl), 0);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    char junk[64] = {0};
    for (int i = 0; i < 20000; i++) /* nothing reads meanwhile: the buffer overflows */
        (void)sendto(fd, junk, sizeof junk, 0, (struct sockaddr *)&sa, sizeof sa);
    close(fd);
    net_read_kernel_drops(h->s);
    assert_true(h->s->stats.udp_kernel_drops > 0);
    hx_stop(h);
}

static void test_release_quit(void **state)
{
    (void)state;
    Hx *h = start();
    int a = hx_join(h, "alice"), b = hx_join(h, "bob");
    assert_true(a >= 0 && b >= 0);
    hx_send_line(h, a, "QUIT");
    assert_released(h, a, 1, "BYE");
    assert_true(hx_until(h, heard, &(Heard){b, "LEAVE"}));
    hx_stop(h);
}

static void test_release_tcp_drop(void **state)
{
    (void)state;
    Hx *h = start();
    int a = hx_join(h, "alice"), b = hx_join(h, "bob");
    assert_true(a >= 0 && b >= 0);
    shutdown(h->clients[a].tcp, SHUT_RDWR);
    assert_released(h, a, 1, NULL);
    assert_true(hx_until(h, heard, &(Heard){b, "LEAVE"}));
    hx_stop(h);
}

static void test_release_enet_disconnect(void **state)
{
    (void)state;
    Hx *h = start();
    int a = hx_join(h, "alice"), b = hx_join(h, "bob");
    assert_true(a >= 0 && b >= 0);
    enet_peer_disconnect(h->clients[a].peer, 0);
    assert_released(h, a, 1, "BYE timeout");
    hx_stop(h);
}

static void test_release_kick(void **state)
{
    (void)state;
    Hx *h = start();
    int a = hx_join(h, "alice"), b = hx_join(h, "bob");
    assert_true(a >= 0 && b >= 0);
    session_kick(h->s, (unsigned)h->clients[a].slot, "test");
    assert_released(h, a, 1, "BYE kicked test");
    hx_stop(h);
}

/* A kick (or a lost peer, or a backlog) of a player who stopped reading TCP: the BYE does
 * not fit its output buffer, which kills the connection from inside the release. The player
 * must still be released exactly once: one LEAVE with its name, players_now down by one. */
static void test_release_with_full_tcp_buffer(void **state)
{
    (void)state;
    SrvConfig cfg;
    srv_default_config(&cfg);
    cfg.max_players = 8;
    cfg.tcp_outbuf_bytes = 4096;
    Hx *h = hx_start(&cfg);
    assert_non_null(h);
    int a = hx_join(h, "alice"), b = hx_join(h, "bob");
    assert_true(a >= 0 && b >= 0);
    unsigned slot = (unsigned)h->clients[a].slot;
    int ci = h->s->players[slot].conn;
    while (h->s->conns[ci].out_len + 2 <= cfg.tcp_outbuf_bytes - 8)
        tcp_send(h->s, ci, "y"); /* alice reads nothing: queued up to a few bytes short */
    session_kick(h->s, slot, "test");
    assert_int_equal(h->s->players_now, 1);
    assert_int_equal(h->s->players[slot].state, SP_FREE);
    assert_true(hx_until(h, tcp_closed, &a));
    assert_true(hx_until(h, heard, &(Heard){b, "LEAVE"}));
    const char *leave = hx_line(&h->clients[b], "LEAVE");
    assert_non_null(leave);
    char want[64];
    snprintf(want, sizeof want, "LEAVE %u alice kicked", slot);
    assert_string_equal(leave, want);
    hx_stop(h);
}

static bool sees_slot(const SrvPlayer *p, int slot)
{
    return (p->sees[slot / 32] >> (slot % 32) & 1u) != 0;
}

/* A HIT or KILL goes to its two players and to the clients that see either, once the world
 * is bigger than a view; to everyone while it fits. Who sees whom is the newest snapshot sent
 * (SrvPlayer.sees). */
static void test_events_near(void **state)
{
    (void)state;
    Hx *h = start();
    int a = hx_join(h, "alice"), b = hx_join(h, "bob"), c = hx_join(h, "carol");
    assert_true(a >= 0 && b >= 0 && c >= 0);
    int sa = h->clients[a].slot, sb = h->clients[b].slot, sc = h->clients[c].slot;
    (void)next_snapshot(h, c, next_snapshot(h, c, 0));
    Server *s = h->s;
    SrvPlayer *pc = &s->players[sc];
    assert_true(sees_slot(pc, sa) && sees_slot(pc, sb));
    assert_false(sees_slot(pc, sc)); /* itself travels in the self block */
    MsgEvent ev = {.kind = MSG_EV_HIT, .a = (uint16_t)sa, .b = (uint16_t)sb, .health = 50};

    uint64_t sent0 = s->stats.events_sent;
    net_send_event_near(s, &ev, (unsigned)sa, (unsigned)sb); /* the world fits: to all */
    assert_int_equal(s->stats.events_sent - sent0, 3);
    assert_int_equal(s->stats.events_unseen, 0);

    s->cfg.view_max = 2; /* the world (3 players) no longer fits a view */
    memset(pc->sees, 0, sizeof pc->sees);
    sent0 = s->stats.events_sent;
    net_send_event_near(s, &ev, (unsigned)sa, (unsigned)sb); /* carol sees neither */
    assert_int_equal(s->stats.events_sent - sent0, 2);
    assert_int_equal(s->stats.events_unseen, 1);
    /* Alice and bob, the players themselves, got theirs reliably. */
    assert_int_equal(s->stats.events_onlooker, 0);
    pc->sees[sb / 32] |= 1u << (sb % 32); /* carol sees the victim */
    net_flush_events(s);
    uint64_t reliable0 = s->stats.events_messages;
    net_send_event_near(s, &ev, (unsigned)sa, (unsigned)sb);
    assert_int_equal(s->stats.events_sent - sent0, 5);
    assert_int_equal(s->stats.events_unseen, 1);
    /* Carol is an onlooker (version 8): hers waits for her snapshot, to go unreliably. */
    assert_int_equal(s->stats.events_onlooker, 1);
    assert_int_equal(pc->events.len, 0);
    assert_true(pc->onlooker.len > 0);
    unsigned got0 = h->clients[c].onlooker_events, errs0 = h->clients[c].decode_errors;
    (void)next_snapshot(h, c, h->clients[c].last_tick);
    for (int i = 0; i < 4 && h->clients[c].onlooker_events == got0; i++)
        hx_ticks(h, 1);
    assert_int_equal(pc->onlooker.len, 0);
    assert_int_equal(s->stats.events_onlooker_messages, 1);
    assert_int_equal(h->clients[c].onlooker_events - got0, 1); /* on the snapshot channel */
    assert_int_equal(h->clients[c].decode_errors, errs0);
    assert_int_equal(s->stats.events_messages - reliable0, 2); /* alice's and bob's */
    hx_stop(h);
}

/* A HIT by client `by`'s player on client `victim`'s. */
static MsgEvent hit_on(const Hx *h, int by, int victim)
{
    return (MsgEvent){.kind = MSG_EV_HIT,
                      .a = (uint16_t)h->clients[by].slot,
                      .b = (uint16_t)h->clients[victim].slot,
                      .health = 50};
}

/* A client's EVENTs of one server iteration travel in one reliable EVENTS message (one ENet
 * command and one acknowledgement, not one per event); a full message goes at once. */
static void test_events_bundled(void **state)
{
    (void)state;
    Hx *h = start();
    int a = hx_join(h, "alice"), b = hx_join(h, "bob");
    assert_true(a >= 0 && b >= 0);
    hx_ticks(h, 2);
    Server *s = h->s;
    SrvPlayer *pa = &s->players[h->clients[a].slot];
    MsgEvent ev = hit_on(h, b, a);
    uint64_t m0 = s->stats.events_messages, e0 = s->stats.events_sent;
    for (int i = 0; i < 5; i++)
        net_send_event(s, pa->peer, &ev);
    assert_int_equal(s->stats.events_messages, m0); /* queued until the flush */
    assert_true(pa->events.len > 0);
    net_flush_events(s);
    assert_int_equal(s->stats.events_messages - m0, 1);
    assert_int_equal(s->stats.events_sent - e0, 5);
    assert_int_equal(pa->events.len, 0);
    for (int i = 0; i < 300; i++) /* more than one message holds */
        net_send_event(s, pa->peer, &ev);
    assert_true(s->stats.events_messages - m0 >= 2);
    assert_true(pa->events.len <= MSG_EVENTS_MAX_BYTES);
    net_flush_events(s);
    assert_int_equal(s->stats.events_sent - e0, 305);
    hx_ticks(h, 2);
    assert_int_equal(pa->state, SP_BOUND);
    hx_stop(h);
}

/* A client's EVENTs wait for its snapshot and leave with it (one datagram, not one each): an
 * EVENT queued between two of its snapshots goes in the tick of the next one, never later than
 * one snapshot period; one that has waited a period goes without a snapshot. */
static void test_events_ride_with_snapshot(void **state)
{
    (void)state;
    Hx *h = start();
    int a = hx_join(h, "alice"), b = hx_join(h, "bob");
    assert_true(a >= 0 && b >= 0);
    hx_ticks(h, 4);
    Server *s = h->s;
    SrvPlayer *pa = &s->players[h->clients[a].slot];
    uint32_t period = PROTO_TICK_HZ / s->cfg.snapshot_hz;
    assert_true(period >= 2); /* else every tick has a snapshot and nothing waits */
    MsgEvent ev = hit_on(h, b, a);
    for (uint32_t k = 0; k < period; k++) { /* queued at each phase of alice's period */
        uint64_t m0 = s->stats.events_messages;
        uint32_t t0 = s->world.tick;
        net_send_event(s, pa->peer, &ev);
        while (pa->events.len > 0 && s->world.tick - t0 <= period) {
            hx_ticks(h, 1);
            bool snapshot_now = snap_store_find(&pa->sent, s->world.tick) != NULL;
            assert_int_equal(pa->events.len == 0, snapshot_now);
        }
        assert_int_equal(pa->events.len, 0);
        assert_int_equal(s->stats.events_messages - m0, 1);
        assert_true(s->world.tick - t0 <= period);
        if (k + 1 < period)
            hx_ticks(h, 1); /* the next phase */
    }
    /* A snapshot that did not go (not encoded, a skipped tick): the wait is bounded anyway. */
    net_send_event(s, pa->peer, &ev);
    net_flush_events_due(s);
    assert_true(pa->events.len > 0); /* just queued: waits for the snapshot */
    pa->events.tick = s->world.tick - period;
    uint64_t m1 = s->stats.events_messages;
    net_flush_events_due(s);
    assert_int_equal(pa->events.len, 0);
    assert_int_equal(s->stats.events_messages - m1, 1);
    hx_stop(h);
}

/* The snapshot deadline's clock in a test: each look moves it on by fake_step_us. */
static uint64_t fake_now_us, fake_step_us;

static uint64_t fake_clock(void)
{
    fake_now_us += fake_step_us;
    return fake_now_us;
}

static bool sent_at(const Server *s, const Hx *h, int c, uint32_t t)
{
    return s->players[h->clients[c].slot].snap_tick == t;
}

/* The slots sent a snapshot at tick t, and the last of them. */
static unsigned sent_count(const Server *s, const Hx *h, const int *c, int n, uint32_t t,
                           int *which)
{
    unsigned k = 0;
    for (int i = 0; i < n; i++)
        if (sent_at(s, h, c[i], t)) {
            k++;
            *which = h->clients[c[i]].slot;
        }
    return k;
}

/* Past SRV_SNAP_DEADLINE_US a tick starts no more snapshots: the rest wait, owed, and go
 * first, oldest first, on the next ticks. With the clock looked at before every snapshot but
 * the first and always late, each tick sends one, the head of the owed list, and every client
 * still gets its turn; on time again, the list empties and nothing more is deferred. */
static void test_snapshot_deadline(void **state)
{
    (void)state;
    Hx *h = start_with(8, 30); /* two phases: two of the four clients are due on each tick */
    enum { N = 4, TICKS = 16 };
    static const char *const names[N] = {"alice", "bob", "carol", "dave"};
    int c[N];
    for (int i = 0; i < N; i++)
        assert_true((c[i] = hx_join(h, names[i])) >= 0);
    hx_ticks(h, 4);
    Server *s = h->s;
    assert_int_equal(s->snap_owed_n, 0);
    s->clock_us = fake_clock;
    s->snap_clock_every = 1;
    fake_step_us = SRV_SNAP_DEADLINE_US + 1; /* every look at the clock: past the deadline */
    uint32_t last[N];
    for (int i = 0; i < N; i++)
        last[i] = s->world.tick;
    uint64_t d0 = s->stats.snapshots_deferred;
    for (int k = 0; k < TICKS; k++) {
        int head = s->snap_owed_n > 0 ? s->snap_owed[0] : -1, which = -1;
        uint32_t t = s->world.tick + 1;
        hx_ticks(h, 1);
        assert_int_equal(s->world.tick, t);
        assert_int_equal(sent_count(s, h, c, N, t, &which), 1);
        if (head >= 0)
            assert_int_equal(which, head); /* the oldest owed goes first */
        assert_true(s->snap_owed_n <= N);  /* each waiting client once */
        for (unsigned a = 0; a < s->snap_owed_n; a++)
            for (unsigned b = a + 1; b < s->snap_owed_n; b++)
                assert_int_not_equal(s->snap_owed[a], s->snap_owed[b]);
        for (int i = 0; i < N; i++) {
            if (sent_at(s, h, c[i], t))
                last[i] = t;
            assert_true(t - last[i] <= 2 * N); /* nobody starves */
        }
    }
    assert_true(s->stats.snapshots_deferred - d0 >= N);
    /* On time again: the owed go, then every due one on its own tick, nothing deferred. */
    fake_step_us = 1;
    uint64_t d1 = s->stats.snapshots_deferred;
    hx_ticks(h, 1);
    assert_int_equal(s->snap_owed_n, 0);
    uint32_t t1 = s->world.tick;
    hx_ticks(h, 2);
    for (int i = 0; i < N; i++)
        assert_true(sent_at(s, h, c[i], t1 + 1) || sent_at(s, h, c[i], t1 + 2));
    assert_int_equal(s->stats.snapshots_deferred, d1);
    for (int i = 0; i < N; i++) { /* and the clients decoded what came, late or not */
        assert_true(h->clients[c[i]].snaps > 0);
        assert_int_equal(h->clients[c[i]].decode_errors, 0);
    }
    hx_stop(h);
}

typedef struct InputSeen {
    unsigned slot;
    uint32_t tick;
    uint64_t early0;
} InputSeen;

/* The server has taken the INPUT for w->tick, or called it early. */
static bool input_taken_or_early(Hx *h, void *arg)
{
    const InputSeen *w = arg;
    const SrvPlayer *p = &h->s->players[w->slot];
    return p->input[w->tick % SRV_INPUT_RING].tick == w->tick ||
           h->s->stats.inputs_early != w->early0;
}

/* Stopped between the plan and a read (a SIGSTOP mid-read), the server reads inputs for ticks
 * that fell due meanwhile: not early, by the clock, and taken; beyond those, still early. */
static void test_inputs_after_a_stop_mid_read(void **state)
{
    (void)state;
    Hx *h = start();
    int a = hx_join(h, "alice");
    assert_true(a >= 0);
    hx_ticks(h, 4);
    Server *s = h->s;
    unsigned slot = (unsigned)h->clients[a].slot;
    s->clock_us = fake_clock;
    fake_step_us = 0;
    fake_now_us = h->now_us + 3000000u; /* the clock says 3 s later than the plan: 180 ticks */
    InputSeen w = {slot, s->world.tick + 100, s->stats.inputs_early};
    hx_send_input_at(h, a, 0, w.tick); /* beyond the plan's horizon + 64, within the clock's */
    assert_true(hx_until(h, input_taken_or_early, &w));
    assert_int_equal(s->stats.inputs_early, w.early0);
    assert_int_equal(s->players[slot].input[w.tick % SRV_INPUT_RING].tick, w.tick);
    w.tick = s->world.tick + 1 + 180 + SRV_INPUT_RING / 2 + 2; /* beyond both */
    hx_send_input_at(h, a, 0, w.tick);
    assert_true(hx_until(h, input_taken_or_early, &w));
    assert_int_equal(s->stats.inputs_early, w.early0 + 1);
    hx_stop(h);
}

/* The STATS client c has queued (the events of this iteration, not yet flushed), in order. */
static unsigned queued_stats(const Hx *h, int c, uint16_t *ids)
{
    const SrvPlayer *p = &h->s->players[h->clients[c].slot];
    MsgEvent evs[MSG_EVENTS_MAX_COUNT];
    size_t n = 0;
    assert_int_equal(msg_events_decode(p->events.buf, p->events.len, evs, MSG_EVENTS_MAX_COUNT, &n),
                     MSG_OK);
    unsigned k = 0;
    for (size_t i = 0; i < n; i++)
        if (evs[i].kind == MSG_EV_STATS)
            ids[k++] = evs[i].a;
    return k;
}

/* At a match's end each client is sent the STATS of the best PROTO_STATS_BEST players, best
 * first, and its own when it is not among them: 17 events each, not one per player. */
static void test_stats_best_and_own(void **state)
{
    (void)state;
    Hx *h = start_with(40, 0);
    int a = hx_join(h, "alice"), b = hx_join(h, "bob");
    assert_true(a >= 0 && b >= 0);
    hx_ticks(h, 2);
    net_flush_events(h->s);
    Server *s = h->s;
    /* Twenty more players in the world, slot 10 + k with k + 1 kills: the best are 29 .. 14. */
    for (unsigned k = 0; k < 20; k++) {
        SimPlayer *p = &s->world.players[10 + k];
        p->active = true;
        p->score = (uint16_t)(k + 1);
    }
    unsigned sa = (unsigned)h->clients[a].slot;
    s->world.players[sa].score = 12; /* alice ties slot 21 on kills and has fewer deaths */
    s->world.players[21].deaths = 1;
    s->world.events[0] = (SimEvent){.type = SIM_EV_MATCH_END};
    s->world.event_count = 1;
    match_announce(s);

    uint16_t ids[MSG_EVENTS_MAX_COUNT];
    assert_int_equal(queued_stats(h, a, ids), PROTO_STATS_BEST); /* alice is 9th: no extra */
    for (unsigned k = 0; k < 8; k++)
        assert_int_equal(ids[k], 29 - k);
    assert_int_equal(ids[8], sa);
    assert_int_equal(ids[9], 21);
    assert_int_equal(ids[15], 15);
    assert_int_equal(queued_stats(h, b, ids), PROTO_STATS_BEST + 1); /* bob: 0 kills, last */
    assert_int_equal(ids[0], 29);
    assert_int_equal(ids[PROTO_STATS_BEST], h->clients[b].slot);
    hx_stop(h);
}

/* Rounds at the server's current time, waiting for the sockets, until nothing arrives. */
static void settle(Hx *h)
{
    for (int i = 0; i < 20; i++)
        hx_round(h);
}

/* A line to everyone (chat, LEAVE, notices) waits up to TCP_COALESCE_MS for more on each
 * connection, without asking to be woken for writing meanwhile (that was a busy loop); an
 * answer of the connection's own goes at once and takes what waits with it. */
static void test_lines_to_everyone_coalesced(void **state)
{
    (void)state;
    Hx *h = start();
    int a = hx_join(h, "alice"), b = hx_join(h, "bob");
    assert_true(a >= 0 && b >= 0);
    hx_jump_us(h, 200000); /* the JOIN lines go */
    settle(h);
    Server *s = h->s;
    SrvConn *cb = &s->conns[s->players[h->clients[b].slot].conn];
    hx_send_line(h, a, "SAY hello");
    for (int i = 0; i < 20 && cb->out_len == 0; i++)
        hx_round(h);
    assert_true(cb->out_len > 0); /* queued for bob ... */
    settle(h);
    assert_null(hx_line(&h->clients[b], "CHAT alice hello")); /* ... and still waiting */
    assert_int_equal(cb->ev.events & EPOLLOUT, 0);
    hx_jump_us(h, 60000); /* past TCP_COALESCE_MS */
    assert_true(hx_until(h, heard, &(Heard){b, "CHAT alice"}));

    hx_send_line(h, a, "SAY again");
    for (int i = 0; i < 20 && cb->out_len == 0; i++)
        hx_round(h);
    assert_true(cb->out_len > 0);
    uint64_t now = h->now_us;
    hx_send_line(h, b, "PING");
    assert_true(hx_until(h, heard, &(Heard){b, "PONG"}));
    assert_int_equal(h->now_us, now);                             /* at once, no time passed */
    assert_non_null(hx_line(&h->clients[b], "CHAT alice again")); /* and the chat with it */
    hx_stop(h);
}

static unsigned lines_with(const HxClient *c, const char *prefix)
{
    unsigned n = 0;
    for (unsigned i = 0; i < c->nlines; i++)
        n += strncmp(c->lines[i], prefix, strlen(prefix)) == 0;
    return n;
}

/* Lines to everyone (SAY, ME) share the room's chat_room_rate, all players together, bursts of
 * twice it, one address at most half of it: the next is refused with ERR flood and
 * counted, and nothing refused reaches anyone; both refill with time. */
static void test_chat_room_rate(void **state)
{
    (void)state;
    SrvConfig cfg;
    srv_default_config(&cfg);
    cfg.max_players = 8;
    cfg.chat_room_rate = 4; /* an address: 2 a second, bursts of 4; the room: bursts of 8 */
    Hx *h = hx_start(&cfg);
    assert_non_null(h);
    int a = hx_join(h, "alice"), b = hx_join(h, "bob");
    assert_true(a >= 0 && b >= 0);
    hx_jump_us(h, 1000000); /* the flood points drained */
    /* The address's share: both players are on 127.0.0.1. */
    hx_send_line(h, a, "SAY one"); /* one connection: the lines are taken in order */
    hx_send_line(h, a, "SAY two");
    hx_send_line(h, a, "ME three");
    hx_send_line(h, a, "SAY four");
    hx_send_line(h, a, "SAY five");
    assert_true(hx_until(h, heard, &(Heard){a, "ERR flood the room is busy"}));
    hx_jump_us(h, 60000);
    settle(h);
    Server *s = h->s;
    assert_int_equal(s->stats.chat_room_busy, 1);
    const HxClient *cb = &h->clients[b];
    assert_int_equal(lines_with(cb, "CHAT ") + lines_with(cb, "ACTION "), 4);
    assert_null(hx_line(cb, "CHAT alice five"));
    /* The room: spent by others (other addresses), bob's share unused. */
    hx_jump_us(h, 2000000);
    uint32_t left = rl_available(&s->chat_room, s->now_ms, 4, 8);
    assert_true(left > 0);
    assert_true(rl_take_n(&s->chat_room, s->now_ms, 4, 8, left));
    hx_send_line(h, b, "SAY six");
    assert_true(hx_until(h, heard, &(Heard){b, "ERR flood the room is busy"}));
    assert_int_equal(s->stats.chat_room_busy, 2);
    hx_jump_us(h, 1000000);
    hx_send_line(h, b, "SAY seven");
    for (int i = 0; i < 20 && hx_line(cb, "CHAT bob seven") == NULL; i++)
        hx_jump_us(h, 20000);
    assert_non_null(hx_line(cb, "CHAT bob seven"));
    assert_null(hx_line(cb, "CHAT bob six"));
    assert_int_equal(s->stats.chat_room_busy, 2);
    hx_stop(h);
}

/* A client that stops acknowledging reliable messages is released with "backlog" once more
 * than GATE_BACKLOG_COMMANDS wait for it (the check runs from session housekeeping). */
static void test_release_backlog(void **state)
{
    (void)state;
    Hx *h = start();
    int a = hx_join(h, "alice"), b = hx_join(h, "bob");
    assert_true(a >= 0 && b >= 0);
    SrvPlayer *p = &h->s->players[h->clients[a].slot];
    MsgEvent ev = {.kind = MSG_EV_LEFT, .a = (uint16_t)h->clients[b].slot};
    uint8_t msg[MSG_EVENT_MAX_BYTES];
    size_t n = msg_event_encode(&ev, msg, sizeof msg);
    for (unsigned i = 0; i < GATE_BACKLOG_COMMANDS; i++)
        net_send(p->peer, PROTO_CH_RELIABLE, msg, n, true); /* queued, none sent or acked */
    session_housekeeping(h->s, h->s->now_ms + 10000);
    assert_int_equal(p->state, SP_BOUND); /* at the cap: not yet */
    net_send(p->peer, PROTO_CH_RELIABLE, msg, n, true);
    session_housekeeping(h->s, h->s->now_ms + 20000);
    assert_released(h, a, 1, "BYE backlog");
    hx_stop(h);
}

static bool peer_gone(Hx *h, void *arg)
{
    return h->clients[*(int *)arg].disconnected;
}

static bool conn_accepted(Hx *h, void *arg)
{
    (void)arg;
    unsigned used = 0;
    for (unsigned i = 0; i < h->s->cfg.tcp_max_conns; i++)
        used += h->s->conns[i].used;
    return used == 2;
}

/* A connection the kernel refuses to watch (out of memory, or of epoll watches) is closed at
 * once and counted, not left open and never heard; the player already in is not touched. */
static void test_unwatchable_connection_dropped(void **state)
{
    (void)state;
    Hx *h = start();
    int a = hx_join(h, "alice");
    assert_true(a >= 0);
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    assert_int_equal(getsockname(h->s->tcp_fd, (struct sockaddr *)&sa, &len), 0);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_true(hx_until(h, conn_accepted, NULL)); /* accepted; registered at the next watch */
    /* For one watch the set's descriptor is a file: every registration is refused. */
    int saved = dup(h->s->ev.fd);
    FILE *f = tmpfile();
    assert_true(saved >= 0 && f != NULL);
    assert_true(dup2(fileno(f), h->s->ev.fd) >= 0);
    uint64_t killed = h->s->stats.drops.count[DROP_TCP_KILLED];
    srv_watch(h->s);
    assert_true(dup2(saved, h->s->ev.fd) >= 0);
    close(saved);
    fclose(f);
    assert_int_equal(h->s->stats.drops.count[DROP_TCP_KILLED], killed + 1);
    assert_false(conn_accepted(h, NULL));
    char b[512]; /* the greeting, then the end: closed on the newcomer's side too */
    ssize_t r;
    for (int i = 0; i < 16 && (r = recv(fd, b, sizeof b, 0)) > 0; i++)
        ;
    assert_int_equal(r, 0);
    close(fd);
    /* Alice plays on and is still heard over TCP. */
    hx_ticks(h, 5);
    assert_int_equal(h->s->players_now, 1);
    hx_send_line(h, a, "SAY still here");
    assert_true(hx_until(h, carol_heard_chat, &a)); /* her own line, heard back */
    hx_stop(h);
}

/* A peer that never binds is disconnected at the deadline; the login stays (chat only). */
static bool slot_free(Hx *h, void *arg)
{
    return h->s->players[h->clients[*(int *)arg].slot].state == SP_FREE;
}

static bool connect_refused(Hx *h, void *arg)
{
    return h->s->stats.drops.count[DROP_UDP_CONNECT_REFUSED] > *(uint64_t *)arg;
}

static bool join_refused(Hx *h, void *arg)
{
    return hx_line(&h->clients[*(int *)arg], "ERR join ") != NULL;
}

/* A CONNECT carrying tag from a throwaway ENet host; true once the gate has refused it. */
static bool connect_is_refused(Hx *h, uint32_t tag)
{
    ENetHost *host = hx_enet_host();
    assert_non_null(host);
    ENetAddress a = hx_game_address(h);
    uint64_t before = h->s->stats.drops.count[DROP_UDP_CONNECT_REFUSED];
    assert_non_null(enet_host_connect(host, &a, PROTO_CHANNEL_COUNT, tag));
    enet_host_flush(host);
    bool refused = hx_until(h, connect_refused, &before);
    enet_host_destroy(host);
    return refused;
}

/* The gate finds a login by its connect tag: past other slots, in a slot reused by a new
 * login (whose old tag no longer admits), and a token that expired is told why. */
static void test_gate_connect_tags(void **state)
{
    (void)state;
    Hx *h = start();
    int a = hx_login(h, "alice"), b = hx_login(h, "bob");
    assert_true(a >= 0 && b >= 0);
    assert_true(hx_connect(h, b, true));
    uint32_t old_tag = msg_connect_tag(h->clients[a].token);
    hx_send_line(h, a, "QUIT");
    assert_true(hx_until(h, slot_free, &a));
    int c = hx_login(h, "carol");
    assert_true(c >= 0);
    assert_int_equal(h->clients[c].slot, h->clients[a].slot); /* the slot is reused */
    assert_true(connect_is_refused(h, old_tag));
    assert_true(hx_connect(h, c, true));
    assert_null(hx_line(&h->clients[c], "ERR "));

    int d = hx_login(h, "dave");
    assert_true(d >= 0);
    hx_jump_us(h, (h->s->cfg.token_ttl_ms + 100) * 1000u);
    hx_ticks(h, 1);
    assert_false(h->s->players[h->clients[d].slot].token_live);
    assert_true(connect_is_refused(h, msg_connect_tag(h->clients[d].token)));
    assert_true(hx_until(h, join_refused, &d));
    assert_string_equal(hx_line(&h->clients[d], "ERR join "),
                        "ERR join login token expired or already used: log in again");
    hx_stop(h);
}

static void test_bind_deadline(void **state)
{
    (void)state;
    Hx *h = start();
    int a = hx_login(h, "alice");
    assert_true(a >= 0);
    assert_true(hx_connect(h, a, false));
    uint64_t failures = h->s->stats.bind_failures;
    hx_jump_us(h, (h->s->cfg.bind_timeout_ms + 100) * 1000u);
    assert_true(hx_until(h, peer_gone, &a));
    assert_int_equal(h->s->stats.bind_failures, failures + 1);
    assert_int_equal(h->s->players_now, 0);
    assert_int_equal(h->s->players[h->clients[a].slot].state, SP_LOBBY);
    hx_stop(h);
}

static void test_release_shutdown(void **state)
{
    (void)state;
    Hx *h = start();
    int a = hx_join(h, "alice"), b = hx_join(h, "bob");
    assert_true(a >= 0 && b >= 0);
    hx_send_line(h, b, "QUIT"); /* one leaves first: the shutdown tells only the other */
    assert_released(h, b, 1, "BYE");
    srv_shutdown(h->s);
    assert_int_equal(h->s->players_now, 0);
    for (unsigned i = 0; i < h->s->cfg.max_players; i++)
        assert_int_equal(h->s->players[i].state, SP_FREE);
    assert_true(hx_until(h, peer_gone, &a));
    assert_true(hx_until(h, tcp_closed, &a));
    assert_non_null(hx_line(&h->clients[a], "BYE shutdown"));
    hx_stop(h);
}

/* ---- (d) the schedule after a stall, seen in a client's snapshot ticks ------------------- */

static void test_stall_catch_up_and_skip(void **state)
{
    (void)state;
    Hx *h = start();
    int a = hx_join(h, "alice");
    assert_true(a >= 0);
    uint32_t before = next_snapshot(h, a, 0);
    HxClient *ca = &h->clients[a];
    unsigned seen = ca->nticks;
    uint32_t tick0 = h->s->world.tick;
    /* 2 s stalled: 120 ticks due; all simulated, only the last as a normal tick. */
    hx_jump_us(h, 2000000u);
    assert_int_equal(h->s->world.tick, tick0 + 120);
    assert_int_equal(h->s->stats.ticks_fast_forwarded, 119);
    assert_int_equal(h->s->stats.ticks_skipped, 0);
    uint32_t after = next_snapshot(h, a, before);
    /* No snapshot for a caught-up tick: the next one is from the resumed schedule. */
    assert_true(after >= tick0 + 120);
    assert_int_equal(ca->ticks_seen[seen], after);
    /* 30 s stalled: 10 s caught up, the rest skipped; ticks keep counting the time. */
    uint32_t tick1 = h->s->world.tick;
    hx_jump_us(h, 30000000u);
    assert_int_equal(h->s->stats.ticks_skipped, 30u * PROTO_TICK_HZ - SCHED_MAX_CATCHUP_TICKS);
    assert_int_equal(h->s->world.tick, tick1 + 30u * PROTO_TICK_HZ);
    uint32_t later = next_snapshot(h, a, after);
    assert_true(later >= tick1 + 30u * PROTO_TICK_HZ);
    assert_int_equal(ca->decode_errors, 0);
    hx_stop(h);
}

/* ---- (e) SNAPSHOT's input timing (docs/protocol.md §2.3 "Input timing") ------------------ */

static const Snapshot *await_snapshot(Hx *h, int c, uint32_t after)
{
    const Snapshot *s = hx_snapshot(&h->clients[c], next_snapshot(h, c, after));
    assert_non_null(s);
    return s;
}

/* An input 6 ticks early, then none (every tick after it counted late, exactly once), then
 * one for a tick already simulated, then ticks no honest client sends. */
static void test_input_timing_reported(void **state)
{
    (void)state;
    Hx *h = start();
    int a = hx_join(h, "alice");
    assert_true(a >= 0);
    const Snapshot *s = await_snapshot(h, a, 0);
    assert_false(s->has_lead); /* no input yet, and none counted late before the first */
    assert_int_equal(s->inputs_late, 0);
    uint32_t w = h->s->world.tick;
    /* Read in the iteration that simulates w + 1; w + 7 falls due 6 ticks later, less the
     * microsecond the harness's rounding takes: 47/8. */
    hx_send_input_at(h, a, s->tick, w + 7);
    s = await_snapshot(h, a, s->tick);
    assert_true(s->has_lead);
    assert_in_range(s->input_lead, 46, 48);
    assert_int_equal(s->inputs_late, 0);
    /* No more inputs: ticks w + 8 on repeat the last one, each counted in one snapshot. */
    unsigned late = 0;
    uint32_t last = s->tick;
    while (last < w + 30) {
        s = await_snapshot(h, a, last);
        assert_false(s->has_lead);
        if (s->tick > w + 7)
            late += s->inputs_late;
        last = s->tick;
    }
    assert_int_equal(late, last - (w + 7));
    /* An input for a tick simulated 3 ticks ago: read in the iteration that simulates
     * W + 1, for W - 3: (W - 3 - (W + 1) - 1) ticks + 47/8 = -33/8. */
    uint32_t ww = h->s->world.tick;
    hx_send_input_at(h, a, last, ww - 3);
    s = await_snapshot(h, a, last);
    assert_true(s->has_lead);
    assert_in_range(s->input_lead, (uint64_t)-34, (uint64_t)-32);
    /* A hostile client's ticks: the report saturates (and the inputs are dropped as early or
     * late as before). */
    uint64_t early = h->s->stats.inputs_early;
    hx_send_input_at(h, a, s->tick, UINT32_MAX);
    s = await_snapshot(h, a, s->tick);
    assert_true(s->has_lead);
    assert_int_equal(s->input_lead, SNAP_LEAD_MAX);
    assert_int_equal(h->s->stats.inputs_early, early + 1);
    hx_ticks(h, 150); /* so that tick 1 is more than 128 ticks ago */
    hx_send_input_at(h, a, h->clients[a].last_tick, 1);
    s = await_snapshot(h, a, h->clients[a].last_tick);
    assert_int_equal(s->input_lead, SNAP_LEAD_MIN);
    hx_stop(h);
}

/* A client with the real tick clock (cli_clock.h), steered by the snapshots and their input
 * timing, sending one input per tick it is handed. */
typedef struct ClockClient {
    int c;
    CliClock clock;
    unsigned seen;     /* snapshots of hx's client already observed */
    uint32_t handed;   /* newest tick handed out */
    double least_lead; /* least input_lead reported since reset, ticks */
    uint64_t reports;
} ClockClient;

/* One tick of time: the server runs unless paused, the client unless paused. */
static void clock_step(Hx *h, ClockClient *k, bool server_runs, bool client_runs)
{
    h->ticks++;
    h->now_us = h->start_us + (h->ticks * 1000000u + PROTO_TICK_HZ - 1) / PROTO_TICK_HZ;
    if (server_runs)
        hx_round(h);
    if (!client_runs)
        return;
    HxClient *hc = &h->clients[k->c];
    for (; k->seen < hc->nticks && k->seen < sizeof hc->ticks_seen / sizeof hc->ticks_seen[0];
         k->seen++) {
        const Snapshot *s = hx_snapshot(hc, hc->ticks_seen[k->seen]);
        if (s == NULL)
            continue;
        cli_clock_observe(&k->clock, s->tick, h->now_us, 0.0);
        cli_clock_feedback(&k->clock, s->has_lead, s->input_lead, s->inputs_late);
        if (s->has_lead) {
            double lead = s->input_lead / 8.0;
            k->least_lead = k->reports++ == 0 || lead < k->least_lead ? lead : k->least_lead;
        }
    }
    uint32_t first = 0;
    unsigned n = cli_clock_advance(&k->clock, h->now_us, 0.0, &first);
    if (n == 0)
        return;
    assert_true(first > k->handed); /* never a tick twice */
    k->handed = first + n - 1;
    hx_send_input_at(h, k->c, hc->last_tick, k->handed);
}

/* Runs `ticks` normal ticks; true if, over the last half, no input was missing at the server
 * and every report said the inputs came before their tick. */
static bool clock_settles(Hx *h, ClockClient *k, unsigned ticks)
{
    for (unsigned i = 0; i < ticks / 2; i++)
        clock_step(h, k, true, true);
    uint64_t missing = h->s->stats.inputs_missing;
    k->reports = 0;
    for (unsigned i = 0; i < ticks - ticks / 2; i++)
        clock_step(h, k, true, true);
    print_message("  missing %llu, least lead %.3f ticks over %llu reports, trim %.2f\n",
                  (unsigned long long)(h->s->stats.inputs_missing - missing), k->least_lead,
                  (unsigned long long)k->reports, k->clock.trim);
    return h->s->stats.inputs_missing == missing && k->reports > 0 && k->least_lead > -1.0;
}

/* After a stall of either side both resync: the server catches up (or skips) and keeps its
 * ticks on time, the client's clock keeps or jumps to the server's tick, and within 1.5 s the
 * inputs are in time again, none repeated. */
static void test_stalls_resync_both_sides(void **state)
{
    (void)state;
    Hx *h = start();
    ClockClient k;
    memset(&k, 0, sizeof k);
    k.c = hx_join(h, "alice");
    assert_true(k.c >= 0);
    cli_clock_init(&k.clock);
    print_message("  steady\n");
    assert_true(clock_settles(h, &k, 180));
    static const unsigned server_stall_s[] = {2, 30};
    for (unsigned i = 0; i < 2; i++) {
        print_message("  server paused %u s\n", server_stall_s[i]);
        for (unsigned t = 0; t < server_stall_s[i] * PROTO_TICK_HZ; t++)
            clock_step(h, &k, false, true);
        assert_true(clock_settles(h, &k, 180));
    }
    print_message("  client paused 5 s\n");
    uint32_t skipped = k.clock.skipped;
    for (unsigned t = 0; t < 5 * PROTO_TICK_HZ; t++)
        clock_step(h, &k, true, false);
    assert_true(clock_settles(h, &k, 180));
    assert_true(k.clock.skipped > skipped); /* it jumped rather than replaying 5 s */
    /* The stalls' late reports left no lasting extra lead behind (measured trim 0.1-0.4). */
    assert_true(fabs(k.clock.trim) < 1.0);
    assert_int_equal(h->clients[k.c].decode_errors, 0);
    hx_stop(h);
}

int main(void)
{
    if (enet_alloc_initialize() != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bind_and_first_snapshot),
        cmocka_unit_test(test_delta_against_acked_baseline),
        cmocka_unit_test(test_baseline_kept_until_same_phase),
        cmocka_unit_test(test_hit_line_to_the_two_involved),
        cmocka_unit_test(test_kernel_drops_counted),
        cmocka_unit_test(test_gate_connect_tags),
        cmocka_unit_test(test_release_quit),
        cmocka_unit_test(test_release_tcp_drop),
        cmocka_unit_test(test_release_enet_disconnect),
        cmocka_unit_test(test_release_kick),
        cmocka_unit_test(test_release_backlog),
        cmocka_unit_test(test_events_near),
        cmocka_unit_test(test_events_bundled),
        cmocka_unit_test(test_events_ride_with_snapshot),
        cmocka_unit_test(test_stats_best_and_own),
        cmocka_unit_test(test_snapshot_deadline),
        cmocka_unit_test(test_inputs_after_a_stop_mid_read),
        cmocka_unit_test(test_lines_to_everyone_coalesced),
        cmocka_unit_test(test_chat_room_rate),
        cmocka_unit_test(test_release_with_full_tcp_buffer),
        cmocka_unit_test(test_bind_deadline),
        cmocka_unit_test(test_unwatchable_connection_dropped),
        cmocka_unit_test(test_release_shutdown),
        cmocka_unit_test(test_stall_catch_up_and_skip),
        cmocka_unit_test(test_input_timing_reported),
        cmocka_unit_test(test_stalls_resync_both_sides),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    enet_deinitialize();
    return rc;
}
