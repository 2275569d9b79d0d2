/* test_udp_cmds.c — the gate's per-command rule and its INPUT fast path (server/udp_cmds.h).
 *
 * What a user would notice: a legitimate client's INPUT datagram dropped (it could not move),
 * or a datagram that carries something ENet must see (an acknowledgement, a ping, a command
 * asking for an acknowledgement) taken by the fast path, so that ENet never learns of it (a
 * reliable message resent forever, the connection timing out). Datagrams are built with the
 * wire writer (enet_wire.h) and judged as the gate judges them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "msg.h"
#include "protocol.h"
#include "udp_cmds.h"

typedef struct Dgram {
    uint8_t b[EW_MAX_DATAGRAM];
    size_t n;
    EwHeader h;
} Dgram;

static const uint8_t PAYLOAD[MSG_INPUT_MAX_BYTES] = {PROTO_MSG_INPUT, 1, 2, 3, 4, 5, 6, 7};

static void start(Dgram *d)
{
    memset(d, 0, sizeof *d);
    EwHeader h = {.peer_id = 7, .session = 1, .has_sent_time = true, .sent_time = 99};
    d->n = ew_write_header(&h, true, d->b, sizeof d->b);
    assert_true(d->n > 0);
    assert_true(ew_read_header(d->b, d->n, true, &d->h));
}

static void add(Dgram *d, const EwCommand *c)
{
    size_t k = ew_write_command(c, d->b + d->n, sizeof d->b - d->n);
    assert_true(k > 0);
    d->n += k;
}

static EwCommand input_cmd(uint16_t len)
{
    EwCommand c;
    memset(&c, 0, sizeof c);
    c.number = EW_CMD_SEND_UNSEQUENCED;
    c.flags = EW_CMD_FLAG_UNSEQUENCED;
    c.channel = PROTO_CH_INPUT;
    c.sequence = 5;
    c.data = PAYLOAD;
    c.data_len = len;
    return c;
}

static EwCommand ack_cmd(void)
{
    EwCommand c;
    memset(&c, 0, sizeof c);
    c.number = EW_CMD_ACKNOWLEDGE;
    c.channel = PROTO_CH_RELIABLE;
    c.acked_seq = 3;
    c.acked_sent_time = 44;
    return c;
}

static UdpVerdict judge(const Dgram *d, const UdpPeerView *v, UdpInputs *in, EwCommand *bad)
{
    return udp_judge_commands(d->b, d->n, &d->h, v, in, bad);
}

static const UdpPeerView PLAYING = {.bound = true, .connected = true, .channel_count = 3};

/* One INPUT, the way every client sends it: taken, with its exact payload. */
static void test_one_input_is_taken(void **state)
{
    (void)state;
    Dgram d;
    start(&d);
    EwCommand c = input_cmd(20);
    add(&d, &c);
    UdpInputs in;
    EwCommand bad;
    assert_int_equal(judge(&d, &PLAYING, &in, &bad), UDP_INPUTS);
    assert_int_equal(in.n, 1);
    assert_int_equal(in.len[0], 20);
    assert_memory_equal(in.data[0], PAYLOAD, 20);
    assert_true(in.data[0] >= d.b && in.data[0] + in.len[0] <= d.b + d.n); /* in the datagram */
}

/* The most commands ENet puts in a datagram, all INPUTs: every one, in order. */
static void test_many_inputs_in_order(void **state)
{
    (void)state;
    Dgram d;
    start(&d);
    for (unsigned i = 0; i < EW_MAX_COMMANDS; i++) {
        EwCommand c = input_cmd((uint16_t)(1 + i % MSG_INPUT_MAX_BYTES));
        add(&d, &c);
    }
    UdpInputs in;
    EwCommand bad;
    assert_int_equal(judge(&d, &PLAYING, &in, &bad), UDP_INPUTS);
    assert_int_equal(in.n, EW_MAX_COMMANDS);
    for (unsigned i = 0; i < EW_MAX_COMMANDS; i++) {
        assert_int_equal(in.len[i], 1 + i % MSG_INPUT_MAX_BYTES);
        if (i > 0)
            assert_true(in.data[i] > in.data[i - 1]);
    }
    /* One more is beyond what ENet sends: the walk refuses it, and so does the gate. */
    EwCommand c = input_cmd(4);
    add(&d, &c);
    assert_int_equal(judge(&d, &PLAYING, &in, &bad), UDP_DROP);
    assert_int_equal(in.n, 0);
}

/* Anything ENet must see makes the whole datagram ENet's: an acknowledgement before or after
 * the INPUT, a ping, an INPUT that asks to be acknowledged. */
static void test_enet_work_goes_to_enet(void **state)
{
    (void)state;
    EwCommand in1 = input_cmd(10), ack = ack_cmd(), ping, acked = input_cmd(10);
    memset(&ping, 0, sizeof ping);
    ping.number = EW_CMD_PING;
    ping.flags = EW_CMD_FLAG_ACK;
    ping.channel = 0xFF;
    acked.flags |= EW_CMD_FLAG_ACK;
    const EwCommand *cases[][2] = {{&ack, &in1}, {&in1, &ack}, {&in1, &ping}, {&acked, NULL}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        Dgram d;
        start(&d);
        for (int j = 0; j < 2; j++)
            if (cases[k][j])
                add(&d, cases[k][j]);
        UdpInputs in;
        EwCommand bad;
        assert_int_equal(judge(&d, &PLAYING, &in, &bad), UDP_ENET);
        assert_int_equal(in.n, 0);
    }
}

/* A connection that is not playing, or lacks the INPUT channel: ENet's (which refuses or
 * takes it by its own rules), or a drop before BIND. */
static void test_not_playing(void **state)
{
    (void)state;
    Dgram d;
    start(&d);
    EwCommand c = input_cmd(12);
    add(&d, &c);
    UdpInputs in;
    EwCommand bad;
    UdpPeerView leaving = PLAYING, narrow = PLAYING, unbound = PLAYING;
    leaving.connected = false;
    narrow.channel_count = PROTO_CH_INPUT;
    unbound.bound = false;
    assert_int_equal(judge(&d, &leaving, &in, &bad), UDP_ENET);
    assert_int_equal(judge(&d, &narrow, &in, &bad), UDP_ENET);
    assert_int_equal(judge(&d, &unbound, &in, &bad), UDP_DROP);
    assert_int_equal(bad.number, EW_CMD_SEND_UNSEQUENCED);
}

/* What no client sends: dropped, with the command that was refused. */
static void test_refused(void **state)
{
    (void)state;
    EwCommand big = input_cmd(MSG_INPUT_MAX_BYTES), empty = input_cmd(0), other = input_cmd(8),
              unrel = input_cmd(8);
    big.data_len = MSG_INPUT_MAX_BYTES + 1;
    uint8_t large[MSG_INPUT_MAX_BYTES + 1] = {0};
    big.data = large;
    other.channel = PROTO_CH_RELIABLE;
    unrel.number = EW_CMD_SEND_UNRELIABLE;
    unrel.flags = 0;
    const EwCommand *cases[] = {&big, &empty, &other, &unrel};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        Dgram d;
        start(&d);
        EwCommand ok = input_cmd(9);
        add(&d, &ok);
        add(&d, cases[k]);
        UdpInputs in;
        EwCommand bad;
        assert_int_equal(judge(&d, &PLAYING, &in, &bad), UDP_DROP);
        assert_int_equal(bad.number, cases[k]->number);
        assert_int_equal(in.n, 0);
    }
    /* Cut short: malformed (no command to blame). */
    Dgram d;
    start(&d);
    EwCommand c = input_cmd(30);
    add(&d, &c);
    d.n -= 1;
    UdpInputs in;
    EwCommand bad;
    assert_int_equal(judge(&d, &PLAYING, &in, &bad), UDP_DROP);
    assert_int_equal(bad.number, 0);
    /* Nothing but a header: ENet's (it does nothing with it). */
    start(&d);
    assert_int_equal(judge(&d, &PLAYING, &in, &bad), UDP_ENET);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_input_is_taken),
        cmocka_unit_test(test_many_inputs_in_order),
        cmocka_unit_test(test_enet_work_goes_to_enet),
        cmocka_unit_test(test_not_playing),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
