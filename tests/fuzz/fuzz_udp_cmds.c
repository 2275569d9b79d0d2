/* fuzz_udp_cmds.c — libFuzzer target for the gate's command rule and INPUT fast path
 * (server/udp_cmds.h).
 *
 * The first byte picks the connection's view (bound, connected, channel count); the rest is a
 * datagram, judged with the checksum field. Whatever the bytes: the verdict is one of the
 * three; UDP_INPUTS hands on 1..EW_MAX_COMMANDS payloads, each inside the datagram (ASan on an
 * exact-size copy), each an INPUT-sized message, in order and not overlapping, and only for a
 * bound, connected peer; a second walk (enet_wire.h) agrees: every command is an unsequenced
 * send on the INPUT channel without an acknowledgement request, and they are all there is. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "protocol.h"
#include "udp_cmds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static void check_inputs(const uint8_t *d, size_t len, const EwHeader *h, const UdpPeerView *v,
                         const UdpInputs *in)
{
    CHECK(v->bound && v->connected);
    CHECK(in->n >= 1 && in->n <= EW_MAX_COMMANDS);
    const uint8_t *prev_end = d + h->size;
    for (unsigned i = 0; i < in->n; i++) {
        CHECK(in->len[i] >= 1 && in->len[i] <= MSG_INPUT_MAX_BYTES);
        CHECK(in->data[i] >= prev_end && in->data[i] + in->len[i] <= d + len);
        prev_end = in->data[i] + in->len[i];
    }
    EwWalk w;
    EwCommand c;
    unsigned n = 0;
    ew_walk_init(&w, d, len, h);
    EwStatus st;
    while ((st = ew_walk_next(&w, &c)) == EW_COMMAND) {
        CHECK(n < in->n);
        CHECK(c.number == EW_CMD_SEND_UNSEQUENCED && c.channel == PROTO_CH_INPUT);
        CHECK((c.flags & EW_CMD_FLAG_ACK) == 0 && c.channel < v->channel_count);
        CHECK(c.data == in->data[n] && c.data_len == in->len[n]);
        n++;
    }
    CHECK(st == EW_END && n == in->n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > EW_MAX_DATAGRAM + 1)
        return 0;
    UdpPeerView v = {
        .bound = data[0] & 1, .connected = (data[0] >> 1) & 1, .channel_count = (data[0] >> 2) & 7};
    size_t len = size - 1;
    uint8_t *d = malloc(len > 0 ? len : 1);
    if (d == NULL)
        return 0;
    memcpy(d, data + 1, len);
    EwHeader h;
    if (ew_read_header(d, len, true, &h)) {
        UdpInputs in;
        EwCommand bad;
        UdpVerdict r = udp_judge_commands(d, len, &h, &v, &in, &bad);
        CHECK(r == UDP_DROP || r == UDP_ENET || r == UDP_INPUTS);
        if (r == UDP_INPUTS)
            check_inputs(d, len, &h, &v, &in);
        else
            CHECK(in.n == 0);
        if (r == UDP_DROP && bad.number != 0)
            CHECK(!udp_command_allowed(&bad, v.bound));
    }
    free(d);
    return 0;
}
