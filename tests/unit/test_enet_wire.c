/* test_enet_wire.c — the ENet 1.3 datagram layout read and written without ENet.
 *
 * What a user would notice: the server's admission filter (udp_gate) or the client's datagram
 * peek misreading real ENet traffic — a legitimate CONNECT dropped, a command mistaken for
 * another, a cut payload handed on, a read past the datagram (ASan). The layout is checked
 * three ways: our writer against our reader (random round trips), our writer against ENet's
 * own packed structs (every field offset), and our reader against datagrams that a real ENet
 * host sent over loopback (CONNECT, VERIFY_CONNECT, SEND_RELIABLE, SEND_UNSEQUENCED,
 * ACKNOWLEDGE, a compressed datagram), including the checksum at the offset we report. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <enet/enet.h>
#include <stdlib.h>
#include <string.h>

#include "enet_checksum.h"
#include "enet_wire.h"

/* ---- helpers ----------------------------------------------------------------------------- */

static uint32_t rng_next(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

static bool carries_data(uint8_t number)
{
    return number == EW_CMD_SEND_RELIABLE || number == EW_CMD_SEND_UNRELIABLE ||
           number == EW_CMD_SEND_UNSEQUENCED || number == EW_CMD_SEND_FRAGMENT ||
           number == EW_CMD_SEND_UNRELIABLE_FRAGMENT;
}

/* A random command of a random known number with every field it has set (the others 0, as
 * the reader leaves them); payload bytes from pool. */
static EwCommand random_command(uint32_t *seed, const uint8_t *pool, size_t pool_len)
{
    EwCommand c;
    memset(&c, 0, sizeof c);
    c.number = (uint8_t)(1 + rng_next(seed) % (EW_CMD_COUNT - 1));
    c.flags = (uint8_t)(rng_next(seed) & 0xF0);
    c.channel = (uint8_t)rng_next(seed);
    c.reliable_seq = (uint16_t)rng_next(seed);
    switch (c.number) {
    case EW_CMD_ACKNOWLEDGE:
        c.acked_seq = (uint16_t)rng_next(seed);
        c.acked_sent_time = (uint16_t)rng_next(seed);
        break;
    case EW_CMD_CONNECT:
    case EW_CMD_VERIFY_CONNECT:
        c.outgoing_peer_id = (uint16_t)rng_next(seed);
        c.incoming_session = (uint8_t)rng_next(seed);
        c.outgoing_session = (uint8_t)rng_next(seed);
        c.mtu = rng_next(seed);
        c.window_size = rng_next(seed);
        c.channel_count = rng_next(seed);
        c.bandwidth_in = rng_next(seed);
        c.bandwidth_out = rng_next(seed);
        c.throttle_interval = rng_next(seed);
        c.throttle_accel = rng_next(seed);
        c.throttle_decel = rng_next(seed);
        c.connect_id = rng_next(seed);
        if (c.number == EW_CMD_CONNECT)
            c.connect_data = rng_next(seed);
        break;
    case EW_CMD_DISCONNECT:
        c.connect_data = rng_next(seed);
        break;
    case EW_CMD_SEND_FRAGMENT:
    case EW_CMD_SEND_UNRELIABLE_FRAGMENT:
        c.fragment_count = rng_next(seed);
        c.fragment_number = rng_next(seed);
        c.total_length = rng_next(seed);
        c.fragment_offset = rng_next(seed);
        /* fall through */
    case EW_CMD_SEND_UNRELIABLE:
    case EW_CMD_SEND_UNSEQUENCED:
        c.sequence = (uint16_t)rng_next(seed);
        /* fall through */
    case EW_CMD_SEND_RELIABLE:
        c.data_len = (uint16_t)(rng_next(seed) % 3 == 0 ? 0 : rng_next(seed) % 80);
        c.data = c.data_len > 0 ? pool + rng_next(seed) % (pool_len - c.data_len) : NULL;
        break;
    case EW_CMD_BANDWIDTH_LIMIT:
        c.bandwidth_in = rng_next(seed);
        c.bandwidth_out = rng_next(seed);
        break;
    case EW_CMD_THROTTLE_CONFIGURE:
        c.throttle_interval = rng_next(seed);
        c.throttle_accel = rng_next(seed);
        c.throttle_decel = rng_next(seed);
        break;
    default:
        break;
    }
    return c;
}

/* Every field of two commands, payload by content. */
static void assert_command_equal(const EwCommand *a, const EwCommand *b)
{
    assert_int_equal(a->number, b->number);
    assert_int_equal(a->flags, b->flags);
    assert_int_equal(a->channel, b->channel);
    assert_int_equal(a->reliable_seq, b->reliable_seq);
    assert_int_equal(a->acked_seq, b->acked_seq);
    assert_int_equal(a->acked_sent_time, b->acked_sent_time);
    assert_int_equal(a->outgoing_peer_id, b->outgoing_peer_id);
    assert_int_equal(a->incoming_session, b->incoming_session);
    assert_int_equal(a->outgoing_session, b->outgoing_session);
    assert_int_equal(a->mtu, b->mtu);
    assert_int_equal(a->window_size, b->window_size);
    assert_int_equal(a->channel_count, b->channel_count);
    assert_int_equal(a->bandwidth_in, b->bandwidth_in);
    assert_int_equal(a->bandwidth_out, b->bandwidth_out);
    assert_int_equal(a->throttle_interval, b->throttle_interval);
    assert_int_equal(a->throttle_accel, b->throttle_accel);
    assert_int_equal(a->throttle_decel, b->throttle_decel);
    assert_int_equal(a->connect_id, b->connect_id);
    assert_int_equal(a->connect_data, b->connect_data);
    assert_int_equal(a->sequence, b->sequence);
    assert_int_equal(a->fragment_count, b->fragment_count);
    assert_int_equal(a->fragment_number, b->fragment_number);
    assert_int_equal(a->total_length, b->total_length);
    assert_int_equal(a->fragment_offset, b->fragment_offset);
    assert_int_equal(a->data_len, b->data_len);
    if (a->data_len > 0) {
        assert_non_null(a->data);
        assert_non_null(b->data);
        assert_memory_equal(a->data, b->data, a->data_len);
    } else {
        assert_null(a->data);
        assert_null(b->data);
    }
}

static void assert_header_equal(const EwHeader *a, const EwHeader *b, bool checksum)
{
    assert_int_equal(a->peer_id, b->peer_id);
    assert_int_equal(a->session, b->session);
    assert_int_equal(a->compressed, b->compressed);
    assert_int_equal(a->has_sent_time, b->has_sent_time);
    assert_int_equal(a->sent_time, b->sent_time);
    if (checksum)
        assert_int_equal(a->checksum, b->checksum);
}

/* A datagram written by ew_write_*; offsets of each command's end kept for truncations. */
typedef struct Built {
    uint8_t b[EW_MAX_DATAGRAM];
    size_t n;
    EwHeader h;
    EwCommand c[EW_MAX_COMMANDS];
    size_t end[EW_MAX_COMMANDS]; /* offset just past command i */
    unsigned count;
} Built;

static void build(Built *d, const EwHeader *h, bool checksum, const EwCommand *cmds, unsigned count)
{
    memset(d, 0, sizeof *d);
    d->h = *h;
    d->n = ew_write_header(h, checksum, d->b, sizeof d->b);
    assert_true(d->n > 0);
    for (unsigned i = 0; i < count; i++) {
        size_t k = ew_write_command(&cmds[i], d->b + d->n, sizeof d->b - d->n);
        assert_int_equal(k, ew_command_size(cmds[i].number) +
                                (carries_data(cmds[i].number) ? cmds[i].data_len : 0));
        d->n += k;
        d->c[i] = cmds[i];
        d->end[i] = d->n;
    }
    d->count = count;
}

/* Walks d[0..len) (a heap copy of exactly len bytes, so ASan sees any read past it). Returns
 * the last status; commands read into out (at most cap). */
static EwStatus walk_copy(const uint8_t *d, size_t len, bool checksum, EwHeader *h, EwCommand *out,
                          unsigned cap, unsigned *got, bool *header_ok)
{
    uint8_t *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, d, len);
    *got = 0;
    *header_ok = ew_read_header(copy, len, checksum, h);
    EwStatus st = EW_BAD;
    if (*header_ok) {
        assert_true(h->size <= len);
        EwWalk w;
        ew_walk_init(&w, copy, len, h);
        for (unsigned guard = 0; guard <= EW_MAX_COMMANDS + 1; guard++) {
            EwCommand c;
            st = ew_walk_next(&w, &c);
            if (st != EW_COMMAND)
                break;
            /* A command returned is wholly inside the datagram, payload included. */
            if (c.data_len > 0) {
                assert_true(c.data >= copy + h->size);
                assert_true(c.data + c.data_len <= copy + len);
            } else {
                assert_null(c.data);
            }
            if (*got < cap) {
                out[*got] = c;
                /* point into the caller's bytes, the copy is freed below */
                if (c.data != NULL)
                    out[*got].data = d + (c.data - copy);
            }
            (*got)++;
        }
        assert_true(st != EW_COMMAND);
    }
    free(copy);
    return st;
}

/* ---- round trip -------------------------------------------------------------------------- */

static void test_round_trip_random(void **state)
{
    (void)state;
    static uint8_t pool[512];
    uint32_t seed = 0x5eed1234u;
    for (size_t i = 0; i < sizeof pool; i++)
        pool[i] = (uint8_t)rng_next(&seed);
    unsigned seen[EW_CMD_COUNT] = {0};
    for (int round = 0; round < 3000; round++) {
        bool checksum = rng_next(&seed) % 4 != 0;
        EwHeader h;
        memset(&h, 0, sizeof h);
        h.peer_id = (uint16_t)(rng_next(&seed) % 8 == 0 ? EW_PEER_ID_NONE
                                                        : rng_next(&seed) & EW_PEER_ID_MASK);
        h.session = (uint8_t)(rng_next(&seed) & EW_SESSION_MASK);
        h.compressed = rng_next(&seed) % 5 == 0;
        h.has_sent_time = rng_next(&seed) % 2 == 0;
        h.sent_time = h.has_sent_time ? (uint16_t)rng_next(&seed) : 0;
        h.checksum = checksum ? rng_next(&seed) : 0;
        EwCommand cmds[EW_MAX_COMMANDS];
        unsigned count = rng_next(&seed) % (EW_MAX_COMMANDS + 1);
        for (unsigned i = 0; i < count; i++) {
            cmds[i] = random_command(&seed, pool, sizeof pool);
            seen[cmds[i].number]++;
        }
        static Built d;
        build(&d, &h, checksum, cmds, count);

        EwHeader rh;
        assert_true(ew_read_header(d.b, d.n, checksum, &rh));
        assert_header_equal(&rh, &h, checksum);
        assert_int_equal(rh.size, (size_t)EW_HEADER_MIN + (h.has_sent_time ? 2 : 0) +
                                      (checksum ? EW_CHECKSUM_BYTES : 0));
        EwWalk w;
        ew_walk_init(&w, d.b, d.n, &rh);
        for (unsigned i = 0; i < count; i++) {
            EwCommand c;
            assert_int_equal(ew_walk_next(&w, &c), EW_COMMAND);
            assert_command_equal(&c, &cmds[i]);
            if (c.data != NULL) /* the payload is read in place, not copied */
                assert_ptr_equal(c.data, d.b + d.end[i] - c.data_len);
        }
        EwCommand c;
        assert_int_equal(ew_walk_next(&w, &c), EW_END);
        assert_int_equal(ew_walk_next(&w, &c), EW_END); /* and stays there */
    }
    for (unsigned k = 1; k < EW_CMD_COUNT; k++)
        assert_true(seen[k] > 100);
}

static void test_writer_refuses(void **state)
{
    (void)state;
    uint8_t out[64];
    EwHeader h;
    memset(&h, 0, sizeof h);
    h.has_sent_time = true;
    assert_int_equal(ew_write_header(&h, true, out, sizeof out), 8);
    assert_int_equal(ew_write_header(&h, true, out, 7), 0);
    assert_int_equal(ew_write_header(&h, false, out, 4), 4);
    h.has_sent_time = false;
    assert_int_equal(ew_write_header(&h, false, out, 2), 2);
    assert_int_equal(ew_write_header(&h, false, out, 1), 0);
    h.peer_id = EW_PEER_ID_MASK + 1;
    assert_int_equal(ew_write_header(&h, true, out, sizeof out), 0);
    h.peer_id = 0;
    h.session = EW_SESSION_MASK + 1;
    assert_int_equal(ew_write_header(&h, true, out, sizeof out), 0);

    EwCommand c;
    memset(&c, 0, sizeof c);
    c.number = EW_CMD_PING;
    assert_int_equal(ew_write_command(&c, out, 4), 4);
    assert_int_equal(ew_write_command(&c, out, 3), 0);
    c.flags = 0x01; /* low bits are the command number */
    assert_int_equal(ew_write_command(&c, out, sizeof out), 0);
    c.flags = EW_CMD_FLAG_ACK;
    c.number = 0;
    assert_int_equal(ew_write_command(&c, out, sizeof out), 0);
    c.number = EW_CMD_COUNT;
    assert_int_equal(ew_write_command(&c, out, sizeof out), 0);
    c.number = EW_CMD_SEND_RELIABLE;
    c.data_len = 10;
    c.data = NULL;
    assert_int_equal(ew_write_command(&c, out, sizeof out), 0);
    static const uint8_t payload[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    c.data = payload;
    assert_int_equal(ew_write_command(&c, out, 16), 16);
    assert_int_equal(ew_write_command(&c, out, 15), 0);
}

/* ---- layout against ENet's own structs --------------------------------------------------- */

static void test_command_sizes_match_enet(void **state)
{
    (void)state;
    for (unsigned n = 0; n < 16; n++) {
        size_t want =
            n < ENET_PROTOCOL_COMMAND_COUNT ? enet_protocol_command_size((enet_uint8)n) : 0;
        assert_int_equal(ew_command_size((uint8_t)n), want);
    }
    assert_int_equal(ew_command_size(0xFF), 0);
    assert_int_equal(EW_CMD_COUNT, ENET_PROTOCOL_COMMAND_COUNT);
    assert_int_equal(EW_CMD_FLAG_ACK, ENET_PROTOCOL_COMMAND_FLAG_ACKNOWLEDGE);
    assert_int_equal(EW_CMD_FLAG_UNSEQUENCED, ENET_PROTOCOL_COMMAND_FLAG_UNSEQUENCED);
    assert_int_equal(EW_CMD_MASK, ENET_PROTOCOL_COMMAND_MASK);
    assert_int_equal(EW_FLAG_COMPRESSED, ENET_PROTOCOL_HEADER_FLAG_COMPRESSED);
    assert_int_equal(EW_FLAG_SENT_TIME, ENET_PROTOCOL_HEADER_FLAG_SENT_TIME);
    assert_int_equal(EW_SESSION_MASK << EW_SESSION_SHIFT, ENET_PROTOCOL_HEADER_SESSION_MASK);
    assert_int_equal(EW_PEER_ID_NONE, ENET_PROTOCOL_MAXIMUM_PEER_ID);
    assert_int_equal(EW_MAX_COMMANDS, ENET_PROTOCOL_MAXIMUM_PACKET_COMMANDS);
}

/* Each command written by ew_write_command, read through ENet's packed structs: every field
 * at ENet's offset, big-endian (connectID too: ENet copies it raw, we read it as a number). */
static void test_fields_at_enet_offsets(void **state)
{
    (void)state;
    uint32_t seed = 77;
    static uint8_t pool[128];
    for (size_t i = 0; i < sizeof pool; i++)
        pool[i] = (uint8_t)rng_next(&seed);
    for (int round = 0; round < 500; round++) {
        EwCommand c = random_command(&seed, pool, sizeof pool);
        uint8_t out[sizeof(ENetProtocol) + 128];
        size_t n = ew_write_command(&c, out, sizeof out);
        assert_true(n >= ew_command_size(c.number));
        ENetProtocol p;
        memset(&p, 0, sizeof p);
        memcpy(&p, out, ew_command_size(c.number));
        assert_int_equal(p.header.command & ENET_PROTOCOL_COMMAND_MASK, c.number);
        assert_int_equal(p.header.command & ~ENET_PROTOCOL_COMMAND_MASK, c.flags);
        assert_int_equal(p.header.channelID, c.channel);
        assert_int_equal(ENET_NET_TO_HOST_16(p.header.reliableSequenceNumber), c.reliable_seq);
        switch (c.number) {
        case EW_CMD_ACKNOWLEDGE:
            assert_int_equal(ENET_NET_TO_HOST_16(p.acknowledge.receivedReliableSequenceNumber),
                             c.acked_seq);
            assert_int_equal(ENET_NET_TO_HOST_16(p.acknowledge.receivedSentTime),
                             c.acked_sent_time);
            break;
        case EW_CMD_CONNECT:
            assert_int_equal(ENET_NET_TO_HOST_32(p.connect.data), c.connect_data);
            /* fall through: VERIFY_CONNECT is CONNECT without data */
        case EW_CMD_VERIFY_CONNECT:
            assert_int_equal(ENET_NET_TO_HOST_16(p.connect.outgoingPeerID), c.outgoing_peer_id);
            assert_int_equal(p.connect.incomingSessionID, c.incoming_session);
            assert_int_equal(p.connect.outgoingSessionID, c.outgoing_session);
            assert_int_equal(ENET_NET_TO_HOST_32(p.connect.mtu), c.mtu);
            assert_int_equal(ENET_NET_TO_HOST_32(p.connect.windowSize), c.window_size);
            assert_int_equal(ENET_NET_TO_HOST_32(p.connect.channelCount), c.channel_count);
            assert_int_equal(ENET_NET_TO_HOST_32(p.connect.incomingBandwidth), c.bandwidth_in);
            assert_int_equal(ENET_NET_TO_HOST_32(p.connect.outgoingBandwidth), c.bandwidth_out);
            assert_int_equal(ENET_NET_TO_HOST_32(p.connect.packetThrottleInterval),
                             c.throttle_interval);
            assert_int_equal(ENET_NET_TO_HOST_32(p.connect.packetThrottleAcceleration),
                             c.throttle_accel);
            assert_int_equal(ENET_NET_TO_HOST_32(p.connect.packetThrottleDeceleration),
                             c.throttle_decel);
            assert_int_equal(ENET_NET_TO_HOST_32(p.verifyConnect.connectID), c.connect_id);
            break;
        case EW_CMD_DISCONNECT:
            assert_int_equal(ENET_NET_TO_HOST_32(p.disconnect.data), c.connect_data);
            break;
        case EW_CMD_SEND_RELIABLE:
            assert_int_equal(ENET_NET_TO_HOST_16(p.sendReliable.dataLength), c.data_len);
            break;
        case EW_CMD_SEND_UNRELIABLE:
            assert_int_equal(ENET_NET_TO_HOST_16(p.sendUnreliable.unreliableSequenceNumber),
                             c.sequence);
            assert_int_equal(ENET_NET_TO_HOST_16(p.sendUnreliable.dataLength), c.data_len);
            break;
        case EW_CMD_SEND_UNSEQUENCED:
            assert_int_equal(ENET_NET_TO_HOST_16(p.sendUnsequenced.unsequencedGroup), c.sequence);
            assert_int_equal(ENET_NET_TO_HOST_16(p.sendUnsequenced.dataLength), c.data_len);
            break;
        case EW_CMD_SEND_FRAGMENT:
        case EW_CMD_SEND_UNRELIABLE_FRAGMENT:
            assert_int_equal(ENET_NET_TO_HOST_16(p.sendFragment.startSequenceNumber), c.sequence);
            assert_int_equal(ENET_NET_TO_HOST_16(p.sendFragment.dataLength), c.data_len);
            assert_int_equal(ENET_NET_TO_HOST_32(p.sendFragment.fragmentCount), c.fragment_count);
            assert_int_equal(ENET_NET_TO_HOST_32(p.sendFragment.fragmentNumber), c.fragment_number);
            assert_int_equal(ENET_NET_TO_HOST_32(p.sendFragment.totalLength), c.total_length);
            assert_int_equal(ENET_NET_TO_HOST_32(p.sendFragment.fragmentOffset), c.fragment_offset);
            break;
        case EW_CMD_BANDWIDTH_LIMIT:
            assert_int_equal(ENET_NET_TO_HOST_32(p.bandwidthLimit.incomingBandwidth),
                             c.bandwidth_in);
            assert_int_equal(ENET_NET_TO_HOST_32(p.bandwidthLimit.outgoingBandwidth),
                             c.bandwidth_out);
            break;
        case EW_CMD_THROTTLE_CONFIGURE:
            assert_int_equal(ENET_NET_TO_HOST_32(p.throttleConfigure.packetThrottleInterval),
                             c.throttle_interval);
            assert_int_equal(ENET_NET_TO_HOST_32(p.throttleConfigure.packetThrottleAcceleration),
                             c.throttle_accel);
            assert_int_equal(ENET_NET_TO_HOST_32(p.throttleConfigure.packetThrottleDeceleration),
                             c.throttle_decel);
            break;
        case EW_CMD_PING:
            break; /* the command header alone */
        default:
            fail();
        }
        if (carries_data(c.number) && c.data_len > 0)
            assert_memory_equal(out + ew_command_size(c.number), c.data, c.data_len);
    }

    /* The header word: peer id, session, flags where ENet puts them. */
    EwHeader h;
    memset(&h, 0, sizeof h);
    h.peer_id = 0x0ABC;
    h.session = 2;
    h.compressed = true;
    h.has_sent_time = true;
    h.sent_time = 0x1234;
    uint8_t out[8];
    assert_int_equal(ew_write_header(&h, false, out, sizeof out), 4);
    ENetProtocolHeader eh;
    memcpy(&eh, out, sizeof eh);
    uint16_t peer = ENET_NET_TO_HOST_16(eh.peerID);
    assert_int_equal(peer & ~(ENET_PROTOCOL_HEADER_FLAG_MASK | ENET_PROTOCOL_HEADER_SESSION_MASK),
                     0x0ABC);
    assert_int_equal(
        (peer & ENET_PROTOCOL_HEADER_SESSION_MASK) >> ENET_PROTOCOL_HEADER_SESSION_SHIFT, 2);
    assert_true(peer & ENET_PROTOCOL_HEADER_FLAG_COMPRESSED);
    assert_true(peer & ENET_PROTOCOL_HEADER_FLAG_SENT_TIME);
    assert_int_equal(ENET_NET_TO_HOST_16(eh.sentTime), 0x1234);
}

/* ---- hostile datagrams ------------------------------------------------------------------- */

/* A datagram with one command of each kind (payloads of several sizes). */
static void build_mixed(Built *d, bool checksum, bool sent_time)
{
    static uint8_t pool[256];
    uint32_t seed = 99;
    for (size_t i = 0; i < sizeof pool; i++)
        pool[i] = (uint8_t)rng_next(&seed);
    EwCommand cmds[EW_CMD_COUNT];
    unsigned count = 0;
    for (uint8_t k = 1; k < EW_CMD_COUNT; k++) {
        EwCommand c;
        do
            c = random_command(&seed, pool, sizeof pool);
        while (c.number != k || (carries_data(k) && c.data_len == 0));
        cmds[count++] = c;
    }
    EwHeader h;
    memset(&h, 0, sizeof h);
    h.peer_id = 7;
    h.session = 1;
    h.has_sent_time = sent_time;
    h.sent_time = 0xBEEF;
    h.checksum = 0x01020304;
    build(d, &h, checksum, cmds, count);
}

static void test_every_truncation(void **state)
{
    (void)state;
    static Built d;
    for (int variant = 0; variant < 4; variant++) {
        bool checksum = variant & 1, sent_time = variant & 2;
        build_mixed(&d, checksum, sent_time);
        size_t hsize = (size_t)EW_HEADER_MIN + (sent_time ? 2 : 0) + (checksum ? 4 : 0);
        for (size_t len = 0; len <= d.n; len++) {
            EwHeader h;
            EwCommand got[EW_MAX_COMMANDS];
            unsigned n = 0;
            bool hok;
            EwStatus st = walk_copy(d.b, len, checksum, &h, got, EW_MAX_COMMANDS, &n, &hok);
            if (len < hsize) {
                assert_false(hok); /* a header cut short is no header */
                continue;
            }
            assert_true(hok);
            /* exactly the commands wholly inside len come out, equal to what was written */
            unsigned whole = 0;
            while (whole < d.count && d.end[whole] <= len)
                whole++;
            assert_int_equal(n, whole);
            for (unsigned i = 0; i < n; i++)
                assert_command_equal(&got[i], &d.c[i]);
            bool on_boundary = len == hsize || (whole > 0 && d.end[whole - 1] == len);
            assert_int_equal(st, on_boundary ? EW_END : EW_BAD);
        }
    }
}

static void test_unknown_commands(void **state)
{
    (void)state;
    static Built d;
    build_mixed(&d, true, true);
    size_t at = d.end[3]; /* the fifth command's first byte */
    static const uint8_t bad[] = {0, 13, 14, 15, 0x80 | 0, 0x80 | 13, 0x40 | 15, 0xC0 | 14};
    for (size_t i = 0; i < sizeof bad; i++) {
        uint8_t copy[EW_MAX_DATAGRAM];
        memcpy(copy, d.b, d.n);
        copy[at] = bad[i];
        EwHeader h;
        EwCommand got[EW_MAX_COMMANDS];
        unsigned n = 0;
        bool hok;
        assert_int_equal(walk_copy(copy, d.n, true, &h, got, EW_MAX_COMMANDS, &n, &hok), EW_BAD);
        assert_int_equal(n, 4);
    }
    /* fewer than 4 bytes left: not even a command header */
    for (size_t tail = 1; tail < 4; tail++) {
        uint8_t copy[EW_MAX_DATAGRAM];
        memcpy(copy, d.b, d.n);
        memset(copy + d.n, EW_CMD_PING, tail);
        EwHeader h;
        unsigned n = 0;
        bool hok;
        assert_int_equal(walk_copy(copy, d.n + tail, true, &h, NULL, 0, &n, &hok), EW_BAD);
        assert_int_equal(n, d.count);
    }
}

static void test_data_len_past_end(void **state)
{
    (void)state;
    static const uint8_t payload[40] = {0};
    static const uint8_t numbers[] = {EW_CMD_SEND_RELIABLE, EW_CMD_SEND_UNRELIABLE,
                                      EW_CMD_SEND_UNSEQUENCED, EW_CMD_SEND_FRAGMENT,
                                      EW_CMD_SEND_UNRELIABLE_FRAGMENT};
    /* offset of dataLength in each (ENet's structs) */
    static const size_t len_at[] = {offsetof(ENetProtocolSendReliable, dataLength),
                                    offsetof(ENetProtocolSendUnreliable, dataLength),
                                    offsetof(ENetProtocolSendUnsequenced, dataLength),
                                    offsetof(ENetProtocolSendFragment, dataLength),
                                    offsetof(ENetProtocolSendFragment, dataLength)};
    for (size_t k = 0; k < sizeof numbers; k++) {
        EwHeader h;
        memset(&h, 0, sizeof h);
        EwCommand c;
        memset(&c, 0, sizeof c);
        c.number = numbers[k];
        c.data = payload;
        c.data_len = sizeof payload;
        static Built d;
        build(&d, &h, true, &c, 1);
        size_t field = 2 + 4 + len_at[k]; /* header: peer id + checksum */
        static const unsigned claims[] = {0, 1, 39, 40, 41, 44, 100, 0x8000, 0xFFFF};
        for (size_t j = 0; j < sizeof claims / sizeof claims[0]; j++) {
            unsigned claimed = claims[j];
            d.b[field] = (uint8_t)(claimed >> 8);
            d.b[field + 1] = (uint8_t)claimed;
            EwHeader rh;
            EwCommand got[1];
            unsigned n = 0;
            bool hok;
            EwStatus st = walk_copy(d.b, d.n, true, &rh, got, 1, &n, &hok);
            if (claimed == sizeof payload) {
                assert_int_equal(st, EW_END);
                assert_int_equal(n, 1);
            } else if (claimed < sizeof payload) {
                /* a shorter payload: the rest is read as the next command (zeros: unknown) */
                assert_int_equal(st, EW_BAD);
                assert_int_equal(n, 1);
                assert_int_equal(got[0].data_len, claimed);
            } else {
                /* longer than what is left: refused, nothing handed on */
                assert_int_equal(st, EW_BAD);
                assert_int_equal(n, 0);
            }
        }
    }
}

static void test_command_count_limit(void **state)
{
    (void)state;
    EwCommand ping;
    memset(&ping, 0, sizeof ping);
    ping.number = EW_CMD_PING;
    ping.flags = EW_CMD_FLAG_ACK;
    EwCommand cmds[EW_MAX_COMMANDS];
    for (unsigned i = 0; i < EW_MAX_COMMANDS; i++)
        cmds[i] = ping;
    EwHeader h;
    memset(&h, 0, sizeof h);
    static Built d;
    build(&d, &h, true, cmds, EW_MAX_COMMANDS);
    EwHeader rh;
    unsigned n = 0;
    bool hok;
    assert_int_equal(walk_copy(d.b, d.n, true, &rh, NULL, 0, &n, &hok), EW_END);
    assert_int_equal(n, EW_MAX_COMMANDS);
    /* one more: the 33rd is refused, the first 32 came out */
    assert_int_equal(ew_write_command(&ping, d.b + d.n, sizeof d.b - d.n), 4);
    assert_int_equal(walk_copy(d.b, d.n + 4, true, &rh, NULL, 0, &n, &hok), EW_BAD);
    assert_int_equal(n, EW_MAX_COMMANDS);
}

static void test_header_flags(void **state)
{
    (void)state;
    /* peer id 0x123, session 3, compressed, sent time 0x4567, checksum bytes 89 AB CD EF */
    const uint8_t d[] = {0x40 | 0x30 | 0x01 | 0x80, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF};
    EwHeader h;
    assert_true(ew_read_header(d, sizeof d, true, &h));
    assert_int_equal(h.peer_id, 0x123);
    assert_int_equal(h.session, 3);
    assert_true(h.compressed);
    assert_true(h.has_sent_time);
    assert_int_equal(h.sent_time, 0x4567);
    assert_memory_equal(&h.checksum, d + 4, 4); /* kept as the bytes were */
    assert_int_equal(h.size, 8);
    /* without the checksum the same bytes are a header and 4 bytes of commands */
    assert_true(ew_read_header(d, sizeof d, false, &h));
    assert_int_equal(h.size, 4);
    /* not compressed, no sent time */
    const uint8_t e[] = {0x0F, 0xFF, 1, 2, 3, 4};
    assert_true(ew_read_header(e, sizeof e, true, &h));
    assert_int_equal(h.peer_id, EW_PEER_ID_NONE);
    assert_int_equal(h.session, 0);
    assert_false(h.compressed);
    assert_false(h.has_sent_time);
    assert_int_equal(h.size, 6);
    /* too short for what the flags announce */
    assert_false(ew_read_header(d, 7, true, &h));
    assert_false(ew_read_header(d, 3, false, &h));
    assert_false(ew_read_header(e, 5, true, &h));
    assert_false(ew_read_header(e, 1, false, &h));
    assert_false(ew_read_header(NULL, 8, false, &h));
    /* a header and nothing else: no commands */
    assert_true(ew_read_header(e, sizeof e, true, &h));
    EwWalk w;
    ew_walk_init(&w, e, sizeof e, &h);
    EwCommand c;
    assert_int_equal(ew_walk_next(&w, &c), EW_END);
}

/* ---- real ENet on loopback --------------------------------------------------------------- */

enum { CAP_MAX = 256 };

typedef struct Capture {
    ENetHost *host;
    unsigned n;
    size_t len[CAP_MAX];
    uint8_t d[CAP_MAX][ENET_PROTOCOL_MAXIMUM_MTU];
} Capture;

/* ENet's intercept callback has no user pointer: the two captures are found by host. */
static Capture *g_caps[2];

static int capture_cb(ENetHost *host, ENetEvent *ev)
{
    (void)ev;
    for (int i = 0; i < 2; i++) {
        Capture *c = g_caps[i];
        if (c != NULL && c->host == host && c->n < CAP_MAX &&
            host->receivedDataLength <= sizeof c->d[0]) {
            memcpy(c->d[c->n], host->receivedData, host->receivedDataLength);
            c->len[c->n] = host->receivedDataLength;
            c->n++;
        }
    }
    return 0; /* let ENet handle it as usual */
}

typedef struct Found {
    unsigned index; /* datagram */
    EwHeader h;
    EwCommand c;
} Found;

/* Walks every captured datagram (each must walk cleanly unless compressed) and returns the
 * first command matching number (and channel unless 0xFF) from datagram `from` on. */
static bool find_cmd(const Capture *cap, unsigned from, uint8_t number, uint8_t channel, Found *f)
{
    for (unsigned i = from; i < cap->n; i++) {
        EwHeader h;
        assert_true(ew_read_header(cap->d[i], cap->len[i], true, &h));
        if (h.compressed)
            continue;
        EwWalk w;
        ew_walk_init(&w, cap->d[i], cap->len[i], &h);
        EwCommand c;
        EwStatus st;
        bool hit = false;
        while ((st = ew_walk_next(&w, &c)) == EW_COMMAND) {
            if (!hit && c.number == number && (channel == 0xFF || c.channel == channel)) {
                f->index = i;
                f->h = h;
                f->c = c;
                hit = true;
            }
        }
        assert_int_equal(st, EW_END); /* real ENet datagrams always walk cleanly */
        if (hit)
            return true;
    }
    return false;
}

/* ENet's checksum: CRC-32 of the datagram with the checksum field set to the connect id (0
 * before the connection has one), written in host order at the end of the header. */
static void assert_checksum(const uint8_t *d, size_t len, const EwHeader *h, uint32_t seed)
{
    uint8_t copy[ENET_PROTOCOL_MAXIMUM_MTU];
    memcpy(copy, d, len);
    memcpy(copy + h->size - 4, &seed, 4);
    ENetBuffer b = {.data = copy, .dataLength = len};
    assert_int_equal(enet_crc32(&b, 1), h->checksum);
}

static void pump(ENetHost *a, ENetHost *b, int ms)
{
    ENetEvent ev;
    for (int t = 0; t < ms; t += 5) {
        while (enet_host_service(a, &ev, 0) > 0)
            if (ev.type == ENET_EVENT_TYPE_RECEIVE)
                enet_packet_destroy(ev.packet);
        while (enet_host_service(b, &ev, 5) > 0)
            if (ev.type == ENET_EVENT_TYPE_RECEIVE)
                enet_packet_destroy(ev.packet);
    }
}

static void test_real_enet(void **state)
{
    (void)state;
    assert_int_equal(enet_initialize(), 0);
    static Capture srv_cap, cli_cap;
    memset(&srv_cap, 0, sizeof srv_cap);
    memset(&cli_cap, 0, sizeof cli_cap);
    ENetAddress any = {.host = ENET_HOST_ANY, .port = 0};
    assert_int_equal(enet_address_set_host_ip(&any, "127.0.0.1"), 0);
    ENetHost *srv = enet_host_create(&any, 4, 3, 0, 0);
    ENetHost *cli = enet_host_create(NULL, 1, 3, 0, 0);
    assert_non_null(srv);
    assert_non_null(cli);
    srv->checksum = enet_crc32;
    cli->checksum = enet_crc32;
    srv_cap.host = srv;
    cli_cap.host = cli;
    g_caps[0] = &srv_cap;
    g_caps[1] = &cli_cap;
    srv->intercept = capture_cb;
    cli->intercept = capture_cb;
    ENetAddress srv_addr;
    assert_int_equal(enet_socket_get_address(srv->socket, &srv_addr), 0);
    srv_addr.host = any.host;

    const uint32_t user_data = 0xA1B2C3D4u;
    ENetPeer *peer = enet_host_connect(cli, &srv_addr, 3, user_data);
    assert_non_null(peer);
    ENetPeer *srv_peer = NULL;
    bool connected = false;
    for (int t = 0; t < 400 && (!connected || srv_peer == NULL); t++) {
        ENetEvent ev;
        while (enet_host_service(srv, &ev, 0) > 0)
            if (ev.type == ENET_EVENT_TYPE_CONNECT)
                srv_peer = ev.peer;
        while (enet_host_service(cli, &ev, 5) > 0)
            if (ev.type == ENET_EVENT_TYPE_CONNECT)
                connected = true;
    }
    assert_true(connected);
    assert_non_null(srv_peer);

    /* CONNECT: sent before there is a peer id, with our user data and the connect id. */
    Found f;
    assert_true(find_cmd(&srv_cap, 0, EW_CMD_CONNECT, 0xFF, &f));
    assert_int_equal(f.h.peer_id, EW_PEER_ID_NONE);
    assert_int_equal(f.c.connect_data, user_data);
    assert_int_equal(f.c.connect_id, ENET_NET_TO_HOST_32(peer->connectID));
    assert_int_equal(f.c.channel_count, 3);
    assert_int_equal(f.c.outgoing_peer_id, peer->incomingPeerID);
    assert_int_equal(f.c.mtu, peer->mtu);
    assert_int_equal(f.c.channel, 0xFF);
    assert_true(f.c.flags & EW_CMD_FLAG_ACK);
    assert_checksum(srv_cap.d[f.index], srv_cap.len[f.index], &f.h, 0);

    /* VERIFY_CONNECT: the same connect id back, the server's peer index for us. */
    assert_true(find_cmd(&cli_cap, 0, EW_CMD_VERIFY_CONNECT, 0xFF, &f));
    assert_int_equal(f.h.peer_id, peer->incomingPeerID);
    assert_int_equal(f.c.connect_id, ENET_NET_TO_HOST_32(peer->connectID));
    assert_int_equal(f.c.outgoing_peer_id, srv_peer->incomingPeerID);
    assert_int_equal(f.c.channel_count, 3);
    assert_int_equal(f.c.connect_data, 0);
    assert_checksum(cli_cap.d[f.index], cli_cap.len[f.index], &f.h, peer->connectID);

    /* SEND_RELIABLE on channel 0 with our bytes; its ACK comes back with its sequence and the
     * sent time of the datagram that carried it. */
    unsigned srv_mark = srv_cap.n, cli_mark = cli_cap.n;
    static const char reliable[] = "reliable bytes, 0123456789";
    ENetPacket *pk = enet_packet_create(reliable, sizeof reliable, ENET_PACKET_FLAG_RELIABLE);
    assert_int_equal(enet_peer_send(peer, 0, pk), 0);
    static const char unseq[] = "unsequenced input";
    pk = enet_packet_create(unseq, sizeof unseq, ENET_PACKET_FLAG_UNSEQUENCED);
    assert_int_equal(enet_peer_send(peer, 2, pk), 0);
    enet_host_flush(cli);
    pump(srv, cli, 200);

    assert_true(find_cmd(&srv_cap, srv_mark, EW_CMD_SEND_RELIABLE, 0, &f));
    assert_int_equal(f.h.peer_id, srv_peer->incomingPeerID);
    assert_true(f.h.has_sent_time);
    assert_true(f.c.flags & EW_CMD_FLAG_ACK);
    assert_int_equal(f.c.data_len, sizeof reliable);
    assert_memory_equal(f.c.data, reliable, sizeof reliable);
    assert_checksum(srv_cap.d[f.index], srv_cap.len[f.index], &f.h, peer->connectID);
    Found rel = f;

    assert_true(find_cmd(&srv_cap, srv_mark, EW_CMD_SEND_UNSEQUENCED, 2, &f));
    assert_true(f.c.flags & EW_CMD_FLAG_UNSEQUENCED);
    assert_int_equal(f.c.data_len, sizeof unseq);
    assert_memory_equal(f.c.data, unseq, sizeof unseq);

    bool acked = false;
    for (unsigned from = cli_mark; !acked && find_cmd(&cli_cap, from, EW_CMD_ACKNOWLEDGE, 0, &f);
         from = f.index + 1)
        acked = f.c.acked_seq == rel.c.reliable_seq && f.c.acked_sent_time == rel.h.sent_time;
    assert_true(acked);
    assert_checksum(cli_cap.d[f.index], cli_cap.len[f.index], &f.h, peer->connectID);

    /* A compressed datagram (range coder on both ends) is reported as such. */
    assert_int_equal(enet_host_compress_with_range_coder(cli), 0);
    assert_int_equal(enet_host_compress_with_range_coder(srv), 0);
    srv_mark = srv_cap.n;
    static char zeros[600];
    memset(zeros, 'z', sizeof zeros);
    pk = enet_packet_create(zeros, sizeof zeros, ENET_PACKET_FLAG_RELIABLE);
    assert_int_equal(enet_peer_send(peer, 0, pk), 0);
    enet_host_flush(cli);
    pump(srv, cli, 100);
    bool compressed = false;
    for (unsigned i = srv_mark; i < srv_cap.n; i++) {
        EwHeader h;
        assert_true(ew_read_header(srv_cap.d[i], srv_cap.len[i], true, &h));
        if (h.compressed) {
            compressed = true;
            assert_true(srv_cap.len[i] < sizeof zeros); /* it really was compressed */
        }
    }
    assert_true(compressed);

    g_caps[0] = g_caps[1] = NULL;
    enet_peer_reset(peer);
    enet_host_destroy(cli);
    enet_host_destroy(srv);
    enet_deinitialize();
}

/* Why a walk went bad: each malformation has its EwError. Datagrams without a checksum: the
 * 2-byte peer id, then commands. */
static EwError walk_error(const uint8_t *d, size_t len)
{
    EwHeader h;
    assert_true(ew_read_header(d, len, false, &h));
    EwWalk w;
    ew_walk_init(&w, d, len, &h);
    assert_int_equal(w.error, EW_OK);
    EwCommand c;
    EwStatus st;
    while ((st = ew_walk_next(&w, &c)) == EW_COMMAND)
        ;
    assert_int_equal(st == EW_BAD, w.error != EW_OK);
    return w.error;
}

static void test_walk_errors(void **state)
{
    (void)state;
    const uint8_t ping[] = {0, 0, EW_CMD_PING, 0xFF, 0, 1};
    assert_int_equal(walk_error(ping, sizeof ping), EW_OK);
    const uint8_t cut[] = {0, 0, EW_CMD_PING, 0xFF, 0};
    assert_int_equal(walk_error(cut, sizeof cut), EW_ERR_CUT);
    const uint8_t unknown[] = {0, 0, 0, 0xFF, 0, 1};
    assert_int_equal(walk_error(unknown, sizeof unknown), EW_ERR_UNKNOWN);
    /* SEND_UNRELIABLE announcing 100 payload bytes, with none. */
    const uint8_t payload[] = {0, 0, EW_CMD_SEND_UNRELIABLE, 0, 0, 1, 0, 1, 0, 100};
    assert_int_equal(walk_error(payload, sizeof payload), EW_ERR_PAYLOAD);
    uint8_t many[2 + 4 * (EW_MAX_COMMANDS + 1)] = {0};
    for (unsigned i = 0; i <= EW_MAX_COMMANDS; i++)
        many[2 + 4 * i] = EW_CMD_PING;
    assert_int_equal(walk_error(many, sizeof many), EW_ERR_TOO_MANY);
    assert_int_equal(walk_error(many, sizeof many - 4), EW_OK);
    for (int e = EW_OK; e <= EW_ERR_PAYLOAD; e++)
        assert_string_not_equal(ew_error_str((EwError)e), "unknown error");
}

/* The libdeflate checksum callback computes ENet's own CRC-32, byte for byte, over any split of a
 * datagram into buffers (as ENet hands it over: header, then commands). */
static void test_checksum_is_enets(void **state)
{
    (void)state;
    static const char check[] = "123456789"; /* the CRC-32 check value: 0xCBF43926 */
    ENetBuffer one = {.data = (void *)check, .dataLength = 9};
    assert_int_equal(arena_enet_crc32(&one, 1), ENET_HOST_TO_NET_32(0xCBF43926u));
    assert_int_equal(arena_enet_crc32(&one, 1), enet_crc32(&one, 1));
    assert_int_equal(arena_enet_crc32(NULL, 0), enet_crc32(NULL, 0));
    /* An empty buffer without data in the middle (libdeflate restarts on a NULL buffer). */
    ENetBuffer split[3] = {{.data = (void *)check, .dataLength = 5},
                           {.data = NULL, .dataLength = 0},
                           {.data = (void *)(check + 5), .dataLength = 4}};
    assert_int_equal(arena_enet_crc32(split, 3), ENET_HOST_TO_NET_32(0xCBF43926u));
    static uint8_t data[3 * 1500];
    uint32_t seed = 12345;
    for (size_t i = 0; i < sizeof data; i++) {
        seed = seed * 1664525u + 1013904223u;
        data[i] = (uint8_t)(seed >> 24);
    }
    for (int round = 0; round < 2000; round++) {
        ENetBuffer bufs[3];
        size_t n = (size_t)round % 4, at = 0;
        for (size_t b = 0; b < n; b++) {
            seed = seed * 1664525u + 1013904223u;
            size_t len = (seed >> 8) % 1500;
            bufs[b] = (ENetBuffer){.data = data + at, .dataLength = len};
            at += len;
        }
        assert_int_equal(arena_enet_crc32(bufs, n), enet_crc32(bufs, n));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_random),
        cmocka_unit_test(test_writer_refuses),
        cmocka_unit_test(test_command_sizes_match_enet),
        cmocka_unit_test(test_fields_at_enet_offsets),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_unknown_commands),
        cmocka_unit_test(test_data_len_past_end),
        cmocka_unit_test(test_command_count_limit),
        cmocka_unit_test(test_header_flags),
        cmocka_unit_test(test_real_enet),
        cmocka_unit_test(test_walk_errors),
        cmocka_unit_test(test_checksum_is_enets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
