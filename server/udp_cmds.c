/* udp_cmds.c — see udp_cmds.h. */
#include "udp_cmds.h"

#include <string.h>

#include "msg.h"
#include "protocol.h"

bool udp_command_allowed(const EwCommand *c, bool bound)
{
    switch (c->number) {
    case EW_CMD_ACKNOWLEDGE:
    case EW_CMD_PING:
    case EW_CMD_DISCONNECT:
    case EW_CMD_BANDWIDTH_LIMIT:    /* ENet clients send it after connecting */
    case EW_CMD_THROTTLE_CONFIGURE: /* fixed size; changes only how we send to that peer */
        return true;
    case EW_CMD_SEND_RELIABLE: /* the BIND (or its retransmission): reliable message #1 */
        return c->channel == PROTO_CH_RELIABLE && c->reliable_seq == 1 &&
               c->data_len == MSG_BIND_BYTES;
    case EW_CMD_SEND_UNSEQUENCED:
        return bound && c->channel == PROTO_CH_INPUT && c->data_len >= 1 &&
               c->data_len <= MSG_INPUT_MAX_BYTES;
    default:
        return false; /* fragments, unreliable sends, VERIFY_CONNECT, a CONNECT on a peer id */
    }
}

/* An allowed command that is an INPUT ENet would do nothing for but hand over. */
static bool input_only(const EwCommand *c, const UdpPeerView *v)
{
    return c->number == EW_CMD_SEND_UNSEQUENCED && (c->flags & EW_CMD_FLAG_ACK) == 0 &&
           c->channel < v->channel_count;
}

UdpVerdict udp_judge_commands(const uint8_t *d, size_t len, const EwHeader *h, const UdpPeerView *v,
                              UdpInputs *in, EwCommand *bad)
{
    bool inputs = v->bound && v->connected;
    UdpVerdict verdict = UDP_ENET;
    EwWalk w;
    EwCommand c;
    EwStatus st;
    in->n = 0;
    ew_walk_init(&w, d, len, h);
    while ((st = ew_walk_next(&w, &c)) == EW_COMMAND) {
        if (!udp_command_allowed(&c, v->bound)) {
            *bad = c;
            verdict = UDP_DROP;
            break;
        }
        inputs = inputs && input_only(&c, v);
        if (inputs) { /* the walk stops after EW_MAX_COMMANDS: in->n stays in range */
            in->data[in->n] = c.data;
            in->len[in->n++] = c.data_len;
        }
    }
    if (st == EW_BAD) {
        memset(bad, 0, sizeof *bad);
        verdict = UDP_DROP;
    } else if (verdict != UDP_DROP && inputs && in->n > 0) {
        verdict = UDP_INPUTS;
    }
    if (verdict != UDP_INPUTS)
        in->n = 0;
    return verdict;
}
