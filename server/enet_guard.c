/* enet_guard.c — see enet_guard.h. */
#include "enet_guard.h"

_Static_assert(sizeof(ENetProtocolSendUnsequenced) == sizeof(ENetProtocolSendUnreliable),
               "one overhead for both unreliable kinds");

void enet_guard_configure(ENetPeer *peer)
{
    enet_peer_throttle_configure(peer, ENET_PEER_PACKET_THROTTLE_INTERVAL,
                                 ENET_PEER_PACKET_THROTTLE_ACCELERATION, 0);
    peer->packetThrottle = ENET_PEER_PACKET_THROTTLE_SCALE;
    peer->packetThrottleLimit = ENET_PEER_PACKET_THROTTLE_SCALE;
}

size_t enet_guard_max_unreliable(const ENetPeer *peer)
{
    return peer->mtu > ENET_GUARD_FRAGMENT_OVERHEAD ? peer->mtu - ENET_GUARD_FRAGMENT_OVERHEAD : 0;
}

/* ENet calls this when it is done with a packet; ENET_PACKET_FLAG_SENT tells whether it went
 * out. userData is the caller's counter. */
static void count_unsent(ENetPacket *pk)
{
    if (!(pk->flags & ENET_PACKET_FLAG_SENT) && pk->userData != NULL)
        ((EnetGuardStats *)pk->userData)->unsent++;
}

static void release_throttle(ENetPeer *peer, EnetGuardStats *st)
{
    if (peer->packetThrottle >= ENET_PEER_PACKET_THROTTLE_SCALE &&
        peer->packetThrottleLimit >= ENET_PEER_PACKET_THROTTLE_SCALE &&
        peer->packetThrottleDeceleration == 0)
        return;
    st->throttle_releases++;
    peer->packetThrottle = ENET_PEER_PACKET_THROTTLE_SCALE;
    peer->packetThrottleLimit = ENET_PEER_PACKET_THROTTLE_SCALE;
    peer->packetThrottleDeceleration = 0;
}

EnetGuardResult enet_guard_send(ENetPeer *peer, uint8_t channel, const uint8_t *buf, size_t len,
                                enet_uint32 flags, EnetGuardStats *st)
{
    if (len > enet_guard_max_unreliable(peer)) {
        st->oversize++;
        return ENET_GUARD_OVERSIZE;
    }
    release_throttle(peer, st);
    ENetPacket *pk = enet_packet_create(buf, len, flags & ENET_PACKET_FLAG_UNSEQUENCED);
    if (pk == NULL)
        return ENET_GUARD_FAILED;
    if (enet_peer_send(peer, channel, pk) != 0) {
        enet_packet_destroy(pk); /* before the callback is set: not counted as unsent */
        return ENET_GUARD_FAILED;
    }
    pk->userData = st;
    pk->freeCallback = count_unsent;
    return ENET_GUARD_QUEUED;
}
