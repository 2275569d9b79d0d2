/* udp_cmds.h — which ENet commands a game-port datagram may carry, and when the gate takes a
 * datagram's INPUTs itself.
 *
 * Owns the per-command rule of the gate (udp_gate.h): before BIND a peer may send only the BIND
 * (one reliable message of MSG_BIND_BYTES on channel 0), after it only INPUT (unsequenced,
 * channel PROTO_CH_INPUT, 1..MSG_INPUT_MAX_BYTES), plus ENet's connection housekeeping
 * (acknowledgements, pings, disconnects, bandwidth and throttle settings). And the fast path:
 * a connected, bound peer's datagram whose commands are all INPUTs that ask for no
 * acknowledgement, on a channel the connection has, holds nothing ENet must see. ENet would
 * only check its unsequenced duplicate window (a repeated INPUT sets the same inputs again:
 * a client's copies of a tick's input are equal, docs/protocol.md §3.1), allocate a packet
 * and a command for each, queue them and hand them over one event at a time; the gate hands
 * the payloads to the session directly instead. Pure: no ENet, no Server, no I/O. */
#ifndef ARENA_SRV_UDP_CMDS_H
#define ARENA_SRV_UDP_CMDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "enet_wire.h"

typedef enum UdpVerdict {
    UDP_DROP,   /* a command the peer may not send, or malformed commands: counted, dropped */
    UDP_ENET,   /* ENet processes it */
    UDP_INPUTS, /* INPUTs only (`UdpInputs`): the gate takes them, ENet never sees it */
} UdpVerdict;

/* What the connection is, as the gate sees it. */
typedef struct UdpPeerView {
    bool bound;             /* its player has bound (BIND accepted) */
    bool connected;         /* ENet's state is CONNECTED (not disconnecting) */
    unsigned channel_count; /* channels the connection has */
} UdpPeerView;

/* The INPUT payloads of a UDP_INPUTS datagram, in order; they point into the datagram. */
typedef struct UdpInputs {
    unsigned n; /* 1..EW_MAX_COMMANDS */
    const uint8_t *data[EW_MAX_COMMANDS];
    uint16_t len[EW_MAX_COMMANDS];
} UdpInputs;

/* Whether a peer in this state (bound or not) may send command c at all. */
bool udp_command_allowed(const EwCommand *c, bool bound);
/* Walks the commands of datagram d[0..len) (header h, already read and checked) for peer v.
 * UDP_DROP: *bad is the command refused (its number 0 if the walk itself failed); UDP_INPUTS:
 * *in holds the payloads; UDP_ENET otherwise (then in->n is 0). */
UdpVerdict udp_judge_commands(const uint8_t *d, size_t len, const EwHeader *h, const UdpPeerView *v,
                              UdpInputs *in, EwCommand *bad);

#endif
