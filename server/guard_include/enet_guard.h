/* enet_guard.h — keeping ENet from dropping our unreliable messages behind our back.
 *
 * Two of ENet's behaviours would quietly undo what the protocol relies on (docs/protocol.md
 * §6.3):
 *   - its packet throttle discards unreliable packets (snapshots, INPUTs) at random whenever a
 *     round trip comes back slower than the last ones, which jitter alone causes; the packet
 *     is destroyed before it reaches the wire and nobody is told;
 *   - an unreliable packet bigger than one datagram is cut into fragments that are sent
 *     *reliably* (retransmitted, holding up the channel) unless it is flagged otherwise.
 * Both ends therefore send unreliable messages only through enet_guard_send: it refuses a
 * message that does not fit one datagram, releases a throttle the peer may have re-engaged
 * (a THROTTLE_CONFIGURE from the other side, or ENet's bandwidth throttle after a CONNECT
 * that claimed a small downstream), and counts every packet ENet still destroys unsent.
 * Owns no state: the counters belong to the caller. */
#ifndef ARENA_ENET_GUARD_H
#define ARENA_ENET_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <enet/enet.h>

enum {
    /* What ENet puts in front of one unreliable message in its own datagram: the header with
     * the sent time, the 4-byte checksum every Localhost Arena host uses, the command
     * (unsequenced commands are the same size). */
    ENET_GUARD_WIRE_OVERHEAD = (int)(sizeof(ENetProtocolHeader) + sizeof(enet_uint32) +
                                     sizeof(ENetProtocolSendUnreliable)),
    /* ENet fragments any message longer than the MTU less this (enet_peer_send: its header,
     * the checksum and a *fragment* command, 8 bytes more than the message would need), so
     * this, not the wire overhead, decides the largest unreliable message. */
    ENET_GUARD_FRAGMENT_OVERHEAD =
        (int)(sizeof(ENetProtocolHeader) + sizeof(enet_uint32) + sizeof(ENetProtocolSendFragment)),
};

typedef struct EnetGuardStats {
    uint64_t throttle_releases; /* sends that found the peer's throttle engaged and released it */
    uint64_t unsent;            /* unreliable packets ENet destroyed without sending them (its
                                   throttle, or still queued when the peer went away) */
    uint64_t oversize;          /* refused: would have needed fragments */
} EnetGuardStats;

typedef enum EnetGuardResult {
    ENET_GUARD_QUEUED = 0,
    ENET_GUARD_OVERSIZE, /* len does not fit one datagram of this peer's MTU */
    ENET_GUARD_FAILED,   /* no memory, or ENet refused it (peer not connected) */
} EnetGuardResult;

/* Turns the peer's packet throttle off, on this side and (through ENet's THROTTLE_CONFIGURE)
 * on the other. Call once the peer is connected. */
void enet_guard_configure(ENetPeer *peer);
/* The largest unreliable message ENet sends to this peer without fragmenting it. */
size_t enet_guard_max_unreliable(const ENetPeer *peer);
/* Queues an unreliable (flags 0) or unsequenced (ENET_PACKET_FLAG_UNSEQUENCED) message. */
EnetGuardResult enet_guard_send(ENetPeer *peer, uint8_t channel, const uint8_t *buf, size_t len,
                                enet_uint32 flags, EnetGuardStats *st);

#endif
