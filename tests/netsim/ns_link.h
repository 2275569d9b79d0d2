/* ns_link.h — one direction of a simulated bad network: the core of arena-netsim.
 *
 * Pure and deterministic: datagrams go in with the time they arrived (microseconds, any
 * monotonic origin) and come out at the time the simulated link delivers them; the random
 * choices come from the link's own seeded generator, so a seed and a sequence of submissions
 * always give the same deliveries. Storage belongs to the caller; nothing allocates.
 *
 * What a datagram meets, in order (as netcode.io's simulator and Valve's fake-lag settings):
 *   1. MTU cap: longer than `mtu` bytes, dropped (counted).
 *   2. Loss: random (`loss`), or bursty with a Gilbert-Elliott chain (good/bad state, the
 *      chance of switching each datagram, a loss rate in each state).
 *   3. Bandwidth: with `rate_bytes_per_s` set, datagrams leave one after another at that rate
 *      through a queue of at most `queue_bytes`; one that does not fit is dropped (counted).
 *   4. Delay: `latency_us` plus a uniform jitter in [0, jitter_us]. Without `reorder` the
 *      jitter never lets a datagram overtake the previous one (it waits for it); with it,
 *      datagrams leave in the order their delays give.
 *   5. Duplication: with chance `duplicate` a second copy follows, with its own jitter.
 * The same datagram is never lost and duplicated: a lost one is gone. */
#ifndef ARENA_NS_LINK_H
#define ARENA_NS_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    NS_SLOT_BYTES = 1500,  /* the largest datagram a link can hold (mtu is at most this) */
    NS_DELAY_BUCKETS = 16, /* delay histogram: bucket i counts delays in [i, i+1) * 50 ms */
    NS_DELAY_BUCKET_US = 50000,
};

typedef struct NsLinkConfig {
    uint32_t latency_us;
    uint32_t jitter_us; /* uniform in [0, jitter_us] added to each datagram */
    bool reorder;       /* jitter may reorder (otherwise a datagram waits for the previous) */
    double loss;        /* 0..1, random loss (the good state's loss when bursty) */
    /* Gilbert-Elliott bursty loss: used when ge_enter > 0. Per datagram, good -> bad with
     * ge_enter, bad -> good with ge_leave; in the bad state the loss rate is ge_loss. */
    double ge_enter, ge_leave, ge_loss;
    double duplicate;          /* 0..1 */
    uint32_t rate_bytes_per_s; /* 0 = unlimited */
    uint32_t queue_bytes;      /* with a rate: bytes that may wait for the link */
    uint32_t mtu;              /* 0 = NS_SLOT_BYTES */
} NsLinkConfig;

typedef enum NsError {
    NS_OK = 0,
    NS_ERR_CONFIG, /* a probability outside 0..1, mtu over NS_SLOT_BYTES, ... */
} NsError;

typedef struct NsPending {
    uint64_t due_us;
    uint64_t sent_us; /* when it was submitted (for the delay histogram) */
    uint64_t seq;     /* submission order: ties on due_us leave first-in first-out */
    uint16_t len;
    uint8_t data[NS_SLOT_BYTES];
} NsPending;

typedef struct NsLinkStats {
    uint64_t in, in_bytes;
    uint64_t out, out_bytes;
    uint64_t lost;          /* random or bursty loss */
    uint64_t dropped_mtu;   /* over the MTU (or empty: nothing to relay) */
    uint64_t dropped_queue; /* the bandwidth queue was full, or the link's storage */
    uint64_t duplicated;
    uint64_t delay_hist[NS_DELAY_BUCKETS]; /* of delivered datagrams; the last is "or more" */
    uint64_t delay_us_sum, delay_us_max;   /* of delivered datagrams (mean = sum / out) */
} NsLinkStats;

typedef struct NsLink {
    NsLinkConfig cfg;
    uint64_t rng;
    bool ge_bad;
    uint64_t seq;
    uint64_t last_due_us;  /* without reorder: nothing leaves before this */
    uint64_t link_free_us; /* with a rate: when the link has sent what it has */
    NsPending *slots;      /* caller-owned, a binary min-heap on (due_us, seq) */
    unsigned cap, count;
    NsLinkStats stats;
} NsLink;

/* Checks cfg; then the link is empty and its generator seeded. */
NsError ns_link_init(NsLink *l, const NsLinkConfig *cfg, uint64_t seed, NsPending *slots,
                     unsigned cap);
const char *ns_error_str(NsError e);
/* A datagram arriving at now_us. Returns how many copies will be delivered (0, 1 or 2). */
unsigned ns_link_submit(NsLink *l, uint64_t now_us, const uint8_t *data, size_t len);
/* When the next datagram is due; UINT64_MAX when none waits. */
uint64_t ns_link_next_due(const NsLink *l);
/* The next datagram due at or before now_us, into out (cap >= NS_SLOT_BYTES is always
 * enough); returns its length, or 0 when none is due. */
size_t ns_link_pop(NsLink *l, uint64_t now_us, uint8_t *out, size_t cap);

#endif
