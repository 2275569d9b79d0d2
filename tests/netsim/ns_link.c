/* ns_link.c — see ns_link.h. */
#include "ns_link.h"

#include <string.h>

/* splitmix64: small, fast, and the same on every machine. */
static uint64_t next_u64(NsLink *l)
{
    uint64_t z = (l->rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double next_unit(NsLink *l)
{
    return (double)(next_u64(l) >> 11) * (1.0 / 9007199254740992.0);
}

static bool chance(NsLink *l, double p)
{
    return p > 0.0 && next_unit(l) < p;
}

static bool prob_ok(double p)
{
    return p >= 0.0 && p <= 1.0;
}

NsError ns_link_init(NsLink *l, const NsLinkConfig *cfg, uint64_t seed, NsPending *slots,
                     unsigned cap)
{
    if (!prob_ok(cfg->loss) || !prob_ok(cfg->ge_enter) || !prob_ok(cfg->ge_leave) ||
        !prob_ok(cfg->ge_loss) || !prob_ok(cfg->duplicate) || cfg->mtu > NS_SLOT_BYTES ||
        (cfg->rate_bytes_per_s > 0 && cfg->queue_bytes == 0) || cap == 0)
        return NS_ERR_CONFIG;
    memset(l, 0, sizeof *l);
    l->cfg = *cfg;
    if (l->cfg.mtu == 0)
        l->cfg.mtu = NS_SLOT_BYTES;
    l->rng = seed;
    l->slots = slots;
    l->cap = cap;
    return NS_OK;
}

const char *ns_error_str(NsError e)
{
    switch (e) {
    case NS_OK:
        return "ok";
    case NS_ERR_CONFIG:
        return "bad link settings (a probability outside 0..1, an MTU over 1500 bytes, a rate "
               "without a queue)";
    }
    return "unknown error";
}

static bool lost(NsLink *l)
{
    if (l->cfg.ge_enter > 0.0) {
        if (l->ge_bad ? chance(l, l->cfg.ge_leave) : chance(l, l->cfg.ge_enter))
            l->ge_bad = !l->ge_bad;
        return chance(l, l->ge_bad ? l->cfg.ge_loss : l->cfg.loss);
    }
    return chance(l, l->cfg.loss);
}

/* Through the bandwidth cap: when the datagram has left the sender's side of the link, or
 * UINT64_MAX when the queue cannot take it. */
static uint64_t transmit(NsLink *l, uint64_t now_us, size_t len)
{
    uint32_t rate = l->cfg.rate_bytes_per_s;
    if (rate == 0)
        return now_us;
    uint64_t start = l->link_free_us > now_us ? l->link_free_us : now_us;
    uint64_t waiting = (start - now_us) * rate / 1000000u; /* bytes still ahead of it */
    if (waiting + len > l->cfg.queue_bytes)
        return UINT64_MAX;
    l->link_free_us = start + ((uint64_t)len * 1000000u + rate - 1) / rate;
    return l->link_free_us;
}

static bool before(const NsPending *a, const NsPending *b)
{
    return a->due_us < b->due_us || (a->due_us == b->due_us && a->seq < b->seq);
}

static void swap(NsPending *a, NsPending *b)
{
    NsPending t = *a;
    *a = *b;
    *b = t;
}

static bool push(NsLink *l, uint64_t due_us, uint64_t sent_us, const uint8_t *data, size_t len)
{
    if (l->count == l->cap) {
        l->stats.dropped_queue++;
        return false;
    }
    unsigned i = l->count++;
    NsPending *p = &l->slots[i];
    p->due_us = due_us;
    p->sent_us = sent_us;
    p->seq = l->seq++;
    p->len = (uint16_t)len;
    memcpy(p->data, data, len);
    while (i > 0 && before(&l->slots[i], &l->slots[(i - 1) / 2])) {
        swap(&l->slots[i], &l->slots[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    return true;
}

static uint64_t delayed(NsLink *l, uint64_t left_us)
{
    uint64_t j = l->cfg.jitter_us ? next_u64(l) % ((uint64_t)l->cfg.jitter_us + 1) : 0;
    uint64_t due = left_us + l->cfg.latency_us + j;
    if (!l->cfg.reorder) {
        if (due < l->last_due_us)
            due = l->last_due_us; /* waits for the one before it */
        l->last_due_us = due;
    }
    return due;
}

unsigned ns_link_submit(NsLink *l, uint64_t now_us, const uint8_t *data, size_t len)
{
    l->stats.in++;
    l->stats.in_bytes += len;
    if (len == 0 || len > l->cfg.mtu) {
        l->stats.dropped_mtu++;
        return 0;
    }
    if (lost(l)) {
        l->stats.lost++;
        return 0;
    }
    uint64_t left = transmit(l, now_us, len);
    if (left == UINT64_MAX) {
        l->stats.dropped_queue++;
        return 0;
    }
    unsigned copies = push(l, delayed(l, left), now_us, data, len);
    if (copies == 1 && chance(l, l->cfg.duplicate) &&
        push(l, delayed(l, left), now_us, data, len)) {
        l->stats.duplicated++;
        copies++;
    }
    return copies;
}

uint64_t ns_link_next_due(const NsLink *l)
{
    return l->count > 0 ? l->slots[0].due_us : UINT64_MAX;
}

static void pop_root(NsLink *l)
{
    l->slots[0] = l->slots[--l->count];
    unsigned i = 0;
    for (;;) {
        unsigned a = 2 * i + 1, b = a + 1, m = i;
        if (a < l->count && before(&l->slots[a], &l->slots[m]))
            m = a;
        if (b < l->count && before(&l->slots[b], &l->slots[m]))
            m = b;
        if (m == i)
            return;
        swap(&l->slots[i], &l->slots[m]);
        i = m;
    }
}

size_t ns_link_pop(NsLink *l, uint64_t now_us, uint8_t *out, size_t cap)
{
    if (l->count == 0 || l->slots[0].due_us > now_us || cap < l->slots[0].len)
        return 0;
    const NsPending *p = &l->slots[0];
    size_t len = p->len;
    memcpy(out, p->data, len);
    uint64_t delay = p->due_us - p->sent_us;
    uint64_t bucket = delay / NS_DELAY_BUCKET_US;
    l->stats.delay_us_sum += delay;
    if (delay > l->stats.delay_us_max)
        l->stats.delay_us_max = delay;
    l->stats.delay_hist[bucket < NS_DELAY_BUCKETS ? bucket : NS_DELAY_BUCKETS - 1]++;
    l->stats.out++;
    l->stats.out_bytes += len;
    pop_root(l);
    return len;
}
