/* enet_batch.h — ENet's datagram syscalls for the game socket, batched: recvmmsg, sendmmsg.
 *
 * Owns the server's definitions of ENet's enet_socket_receive and enet_socket_send. Debian's
 * libenet.so calls both through its PLT, so the definitions the executable exports
 * (server/CMakeLists.txt) are the ones ENet uses; ebatch_active() checks that at run time.
 * For the attached socket (the server's game socket):
 *   - a receive hands ENet the next datagram of a batch read with one recvmmsg, and reads the
 *     next batch when this one is used up;
 *   - a send copies the datagram into a queue, sent with one sendmmsg by ebatch_flush (the loop
 *     flushes once per iteration) or as soon as the queue is full. Order is kept.
 * Every other socket goes to ENet's own functions, one syscall per datagram. The wire is
 * unchanged: ENet builds and parses every datagram as before.
 *
 * A datagram longer than ENet's 4096-byte receive buffer is dropped and counted
 * (rx_oversize): ENet 1.3.17 answers one with an error that ends its whole read, so a stream
 * of them would starve every player's input. A datagram the kernel refuses to send (a full
 * send buffer) is counted (tx_dropped), like a loss on the wire: ENet's reliable commands are
 * resent, snapshots are superseded.
 *
 * Process-wide (ENet's calls carry no context): one attached socket at a time. Not
 * thread-safe: only the loop's thread uses ENet. */
#ifndef ARENA_SRV_ENET_BATCH_H
#define ARENA_SRV_ENET_BATCH_H

#include <stdbool.h>
#include <stdint.h>

enum {
    EBATCH_RX_BATCH = 64,  /* datagrams per recvmmsg */
    EBATCH_TX_BATCH = 256, /* datagrams per sendmmsg (the queue is sent when full) */
    EBATCH_RX_SLOT = 4096, /* ENet's own receive buffer (ENET_PROTOCOL_MAXIMUM_MTU) */
    EBATCH_RX_SKIP = 1024, /* oversize datagrams skipped in one receive before it yields */
};

typedef struct EbatchStats {
    uint64_t rx_datagrams; /* given to ENet from batches */
    uint64_t rx_calls;     /* recvmmsg calls */
    uint64_t rx_oversize;  /* longer than ENet's buffer: dropped */
    uint64_t tx_datagrams; /* sent from the queue */
    uint64_t tx_calls;     /* sendmmsg calls */
    uint64_t tx_dropped;   /* queued, refused by the kernel */
} EbatchStats;

/* Whether ENet's calls reach this module: the executable exports its definitions. */
bool ebatch_active(void);
/* Batches the datagrams of socket fd. false if another socket is attached, or no memory, or
 * ENet's calls do not reach this module; the socket then stays ENet's own. */
bool ebatch_attach(int fd);
/* Sends what is queued, then gives fd back to ENet's own functions (datagrams read and not yet
 * handed to ENet are discarded: call it when the socket is no longer read). */
void ebatch_detach(int fd);
/* Sends the queued datagrams. */
void ebatch_flush(void);
/* Datagrams read from the kernel that ENet has not taken yet. */
bool ebatch_rx_pending(void);
/* Counters since the process started (a detach does not reset them). */
EbatchStats ebatch_stats(void);

#endif
