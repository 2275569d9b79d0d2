/* fuzz_ns_link.c — libFuzzer target for arena-netsim's simulated link (ns_link.c): a
 * random configuration, then random submissions and pops with time moving forward.
 *
 * Invariants: the heap never holds more than its slots; nothing comes out before it is due
 * or out of its due order; every datagram is accounted for (delivered, waiting, lost or
 * dropped; duplicates are the only extra); without a rate cap no delay exceeds latency +
 * jitter nor falls short of the latency; a pop returns exactly a submitted datagram. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ns_link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { CAP = 32 };

typedef struct Cursor {
    const uint8_t *p;
    size_t left;
} Cursor;

static uint32_t take(Cursor *c, unsigned bytes)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < bytes; i++) {
        v = v << 8 | (c->left > 0 ? *c->p : 0);
        if (c->left > 0)
            c->p++, c->left--;
    }
    return v;
}

static double prob(Cursor *c)
{
    return take(c, 1) / 255.0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Cursor c = {data, size};
    NsLinkConfig cfg = {
        .latency_us = take(&c, 2) * 10u,
        .jitter_us = take(&c, 2) * 10u,
        .reorder = take(&c, 1) & 1,
        .loss = prob(&c),
        .ge_enter = prob(&c),
        .ge_leave = prob(&c),
        .ge_loss = prob(&c),
        .duplicate = prob(&c),
        .rate_bytes_per_s = take(&c, 1) & 1 ? take(&c, 2) * 10u + 1 : 0,
        .queue_bytes = take(&c, 2) + 1,
        .mtu = take(&c, 2) % (NS_SLOT_BYTES + 1),
    };
    static NsPending slots[CAP];
    NsLink l;
    if (ns_link_init(&l, &cfg, take(&c, 4), slots, CAP) != NS_OK)
        abort(); /* every probability above is within 0..1 */
    uint64_t now = 1000000, last_due = 0;
    uint8_t d[NS_SLOT_BYTES], out[NS_SLOT_BYTES];
    while (c.left > 0) {
        uint32_t op = take(&c, 1);
        now += (op >> 2) * 997u;
        if ((op & 3) != 0) {
            size_t len = take(&c, 2) % (NS_SLOT_BYTES + 1);
            memset(d, (int)(len & 0xFF), len);
            (void)ns_link_submit(&l, now, d, len);
        }
        if (l.count > CAP)
            abort();
        uint64_t due = ns_link_next_due(&l);
        size_t k;
        while ((k = ns_link_pop(&l, now, out, sizeof out)) > 0) {
            if (due > now || due < last_due)
                abort(); /* early, or out of due order */
            for (size_t i = 0; i < k; i++)
                if (out[i] != (uint8_t)(k & 0xFF))
                    abort();
            last_due = due;
            due = ns_link_next_due(&l);
        }
    }
    const NsLinkStats *s = &l.stats;
    uint64_t gone = s->out + l.count + s->lost + s->dropped_mtu + s->dropped_queue;
    if (gone < s->in || s->out + l.count > s->in + s->duplicated)
        abort();
    if (cfg.rate_bytes_per_s == 0 && s->out > 0 &&
        (s->delay_us_max > (uint64_t)cfg.latency_us + cfg.jitter_us ||
         s->delay_us_sum < s->out * (uint64_t)cfg.latency_us))
        abort();
    return 0;
}
