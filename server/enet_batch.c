/* enet_batch.c — see enet_batch.h. */
#define _GNU_SOURCE /* recvmmsg, sendmmsg, RTLD_NEXT, RTLD_DEFAULT */
#include "enet_batch.h"

#include <dlfcn.h>
#include <enet/enet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

enum { TX_BYTES = EBATCH_TX_BATCH * 1536 }; /* queue space: 256 datagrams of the 1200 budget */

typedef int (*SendFn)(ENetSocket, const ENetAddress *, const ENetBuffer *, size_t);
typedef int (*RecvFn)(ENetSocket, ENetAddress *, ENetBuffer *, size_t);

_Static_assert(sizeof(ENetBuffer) == sizeof(struct iovec), "ENet's buffer is an iovec on Unix");

static struct {
    int fd; /* the attached socket, or -1 */
    SendFn enet_send;
    RecvFn enet_recv;
    /* receive: a batch of rx_count datagrams, rx_next the next one for ENet */
    struct mmsghdr rx_msg[EBATCH_RX_BATCH];
    struct iovec rx_iov[EBATCH_RX_BATCH];
    struct sockaddr_in rx_from[EBATCH_RX_BATCH];
    unsigned char *rx_buf; /* EBATCH_RX_BATCH slots of EBATCH_RX_SLOT bytes */
    unsigned rx_next, rx_count;
    /* send: tx_count datagrams queued, packed into tx_buf[0..tx_used) */
    struct mmsghdr tx_msg[EBATCH_TX_BATCH];
    struct iovec tx_iov[EBATCH_TX_BATCH];
    struct sockaddr_in tx_to[EBATCH_TX_BATCH];
    unsigned char *tx_buf;
    size_t tx_used;
    unsigned tx_count;
    EbatchStats st;
} eb = {.fd = -1};

/* ENet's own functions (the next definitions after the executable's: libenet.so). */
static bool resolve_enet(void)
{
    if (eb.enet_send == NULL) {
        void *send = dlsym(RTLD_NEXT, "enet_socket_send");
        void *recv = dlsym(RTLD_NEXT, "enet_socket_receive");
        /* A function pointer from dlsym's void * (POSIX guarantees it converts). */
        memcpy(&eb.enet_send, &send, sizeof send);
        memcpy(&eb.enet_recv, &recv, sizeof recv);
    }
    return eb.enet_send != NULL && eb.enet_recv != NULL;
}

bool ebatch_active(void)
{
    SendFn mine = enet_socket_send;
    RecvFn mine_rx = enet_socket_receive;
    void *seen = dlsym(RTLD_DEFAULT, "enet_socket_send");
    void *seen_rx = dlsym(RTLD_DEFAULT, "enet_socket_receive");
    SendFn seen_fn;
    RecvFn seen_rx_fn;
    memcpy(&seen_fn, &seen, sizeof seen);
    memcpy(&seen_rx_fn, &seen_rx, sizeof seen_rx);
    return seen_fn == mine && seen_rx_fn == mine_rx && resolve_enet();
}

bool ebatch_attach(int fd)
{
    if (eb.fd >= 0 || fd < 0 || !ebatch_active())
        return false;
    eb.rx_buf = malloc((size_t)EBATCH_RX_BATCH * EBATCH_RX_SLOT);
    eb.tx_buf = malloc(TX_BYTES);
    if (eb.rx_buf == NULL || eb.tx_buf == NULL) {
        free(eb.rx_buf);
        free(eb.tx_buf);
        eb.rx_buf = eb.tx_buf = NULL;
        return false;
    }
    for (unsigned i = 0; i < EBATCH_RX_BATCH; i++)
        eb.rx_iov[i] = (struct iovec){eb.rx_buf + (size_t)i * EBATCH_RX_SLOT, EBATCH_RX_SLOT};
    eb.rx_next = eb.rx_count = 0;
    eb.tx_used = 0;
    eb.tx_count = 0;
    eb.fd = fd;
    return true;
}

void ebatch_detach(int fd)
{
    if (eb.fd < 0 || eb.fd != fd)
        return;
    ebatch_flush();
    eb.fd = -1;
    free(eb.rx_buf);
    free(eb.tx_buf);
    eb.rx_buf = eb.tx_buf = NULL;
    eb.rx_next = eb.rx_count = 0;
}

bool ebatch_rx_pending(void)
{
    return eb.fd >= 0 && eb.rx_next < eb.rx_count;
}

EbatchStats ebatch_stats(void)
{
    return eb.st;
}

/* Sends tx_msg[0..tx_count). sendmmsg stops at the first datagram the kernel refuses: a full
 * send buffer refuses the rest too (all counted dropped), any other error only that one. */
void ebatch_flush(void)
{
    unsigned i = 0, n = eb.tx_count;
    while (i < n) {
        int r = sendmmsg(eb.fd, eb.tx_msg + i, n - i, MSG_NOSIGNAL);
        eb.st.tx_calls++;
        if (r > 0) {
            eb.st.tx_datagrams += (unsigned)r;
            i += (unsigned)r;
        } else if (r < 0 && errno == EINTR) {
            continue;
        } else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
            eb.st.tx_dropped += n - i;
            break;
        } else {
            eb.st.tx_dropped++;
            i++;
        }
    }
    eb.tx_count = 0;
    eb.tx_used = 0;
}

static size_t total_length(const ENetBuffer *buffers, size_t count)
{
    size_t len = 0;
    for (size_t i = 0; i < count; i++)
        len += buffers[i].dataLength;
    return len;
}

int enet_socket_send(ENetSocket socket, const ENetAddress *address, const ENetBuffer *buffers,
                     size_t count)
{
    if (socket != eb.fd || eb.fd < 0)
        return resolve_enet() ? eb.enet_send(socket, address, buffers, count) : -1;
    size_t len = total_length(buffers, count);
    if (eb.tx_count == EBATCH_TX_BATCH || TX_BYTES - eb.tx_used < len)
        ebatch_flush();
    if (len > TX_BYTES) /* never: ENet's datagrams are at most 4096 bytes */
        return eb.enet_send(socket, address, buffers, count);
    unsigned k = eb.tx_count++;
    unsigned char *at = eb.tx_buf + eb.tx_used;
    size_t off = 0;
    for (size_t i = 0; i < count; i++) {
        memcpy(at + off, buffers[i].data, buffers[i].dataLength);
        off += buffers[i].dataLength;
    }
    eb.tx_used += len;
    eb.tx_iov[k] = (struct iovec){at, len};
    struct msghdr *h = &eb.tx_msg[k].msg_hdr;
    memset(h, 0, sizeof *h);
    if (address != NULL) {
        eb.tx_to[k] = (struct sockaddr_in){.sin_family = AF_INET,
                                           .sin_port = htons(address->port),
                                           .sin_addr.s_addr = address->host};
        h->msg_name = &eb.tx_to[k];
        h->msg_namelen = sizeof eb.tx_to[k];
    }
    h->msg_iov = &eb.tx_iov[k];
    h->msg_iovlen = 1;
    return (int)len;
}

/* Reads the next batch; false when the socket has nothing (or fails). */
static bool rx_refill(void)
{
    eb.rx_next = eb.rx_count = 0;
    for (unsigned i = 0; i < EBATCH_RX_BATCH; i++) {
        struct msghdr *h = &eb.rx_msg[i].msg_hdr;
        memset(h, 0, sizeof *h);
        h->msg_name = &eb.rx_from[i];
        h->msg_namelen = sizeof eb.rx_from[i];
        h->msg_iov = &eb.rx_iov[i];
        h->msg_iovlen = 1;
    }
    int r;
    do
        r = recvmmsg(eb.fd, eb.rx_msg, EBATCH_RX_BATCH, MSG_DONTWAIT, NULL);
    while (r < 0 && errno == EINTR);
    eb.st.rx_calls++;
    if (r <= 0)
        return false;
    eb.rx_count = (unsigned)r;
    return true;
}

/* Copies datagram k into ENet's buffers (ENet passes one of 4096 bytes). */
static int rx_hand_over(unsigned k, ENetAddress *address, ENetBuffer *buffers, size_t count)
{
    const unsigned char *src = eb.rx_iov[k].iov_base;
    size_t len = eb.rx_msg[k].msg_len, off = 0;
    for (size_t i = 0; i < count && off < len; i++) {
        size_t part = len - off < buffers[i].dataLength ? len - off : buffers[i].dataLength;
        memcpy(buffers[i].data, src + off, part);
        off += part;
    }
    if (address != NULL) {
        address->host = eb.rx_from[k].sin_addr.s_addr;
        address->port = ntohs(eb.rx_from[k].sin_port);
    }
    eb.st.rx_datagrams++;
    return (int)off;
}

int enet_socket_receive(ENetSocket socket, ENetAddress *address, ENetBuffer *buffers, size_t count)
{
    if (socket != eb.fd || eb.fd < 0)
        return resolve_enet() ? eb.enet_recv(socket, address, buffers, count) : -1;
    size_t room = total_length(buffers, count);
    for (unsigned skipped = 0; skipped < EBATCH_RX_SKIP;) {
        if (eb.rx_next == eb.rx_count && !rx_refill())
            return 0; /* nothing waiting (or an error: ENet reads again next time) */
        unsigned k = eb.rx_next++;
        if ((eb.rx_msg[k].msg_hdr.msg_flags & MSG_TRUNC) || eb.rx_msg[k].msg_len > room) {
            eb.st.rx_oversize++;
            skipped++;
            continue;
        }
        return rx_hand_over(k, address, buffers, count);
    }
    return 0; /* a stream of oversize datagrams: the rest next time */
}
