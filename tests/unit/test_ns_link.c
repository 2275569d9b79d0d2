/* test_ns_link.c — the simulated link of arena-netsim, with time passed in.
 *
 * What a user of the relay would notice if it broke: "--loss 5" that loses 2 % or 9 %, a
 * latency that is not the one asked for, jitter that reorders when told not to, bursts that
 * are not bursts, a bandwidth cap that queues without bound, or two runs with one seed that
 * differ (a soak test that cannot be replayed). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ns_link.h"

enum { CAP = 256 };

typedef struct Fx {
    NsLink link;
    NsPending slots[CAP];
} Fx;

static Fx *fx_new(const NsLinkConfig *cfg, uint64_t seed)
{
    Fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(ns_link_init(&f->link, cfg, seed, f->slots, CAP), NS_OK);
    return f;
}

/* A datagram of `len` bytes carrying its number in the first 4. */
static void numbered(uint8_t *d, uint32_t n, size_t len)
{
    memset(d, 0xAB, len);
    memcpy(d, &n, sizeof n);
}

/* Submits n datagrams, one every `gap_us`, draining what is due as time passes; returns how
 * many came out. order_ok is set false if any came out of submission order. */
static unsigned run(Fx *f, unsigned n, uint64_t gap_us, size_t len, bool *order_ok)
{
    uint8_t d[NS_SLOT_BYTES], out[NS_SLOT_BYTES];
    uint64_t now = 1000000;
    unsigned got = 0;
    int64_t last = -1;
    if (order_ok)
        *order_ok = true;
    for (unsigned i = 0; i < n || f->link.count > 0; i++) {
        if (i < n) {
            numbered(d, i, len);
            ns_link_submit(&f->link, now, d, len);
        }
        size_t k;
        while ((k = ns_link_pop(&f->link, now, out, sizeof out)) > 0) {
            uint32_t num;
            memcpy(&num, out, sizeof num);
            assert_int_equal(k, len);
            if ((int64_t)num < last && order_ok)
                *order_ok = false;
            last = (int64_t)num > last ? (int64_t)num : last;
            got++;
        }
        now += gap_us;
    }
    return got;
}

static void test_config_checked(void **state)
{
    (void)state;
    NsLink l;
    NsPending slots[1];
    NsLinkConfig c = {.loss = 1.5};
    assert_int_equal(ns_link_init(&l, &c, 1, slots, 1), NS_ERR_CONFIG);
    c = (NsLinkConfig){.mtu = NS_SLOT_BYTES + 1};
    assert_int_equal(ns_link_init(&l, &c, 1, slots, 1), NS_ERR_CONFIG);
    c = (NsLinkConfig){.rate_bytes_per_s = 1000}; /* a rate needs a queue */
    assert_int_equal(ns_link_init(&l, &c, 1, slots, 1), NS_ERR_CONFIG);
    c = (NsLinkConfig){.duplicate = -0.1};
    assert_int_equal(ns_link_init(&l, &c, 1, slots, 1), NS_ERR_CONFIG);
    c = (NsLinkConfig){0};
    assert_int_equal(ns_link_init(&l, &c, 1, slots, 1), NS_OK);
    assert_non_null(ns_error_str(NS_ERR_CONFIG));
}

/* Latency alone: every datagram exactly latency later, in order. */
static void test_latency_exact(void **state)
{
    (void)state;
    NsLinkConfig c = {.latency_us = 75000};
    Fx *f = fx_new(&c, 7);
    uint8_t d[100], out[NS_SLOT_BYTES];
    numbered(d, 1, sizeof d);
    assert_int_equal(ns_link_submit(&f->link, 5000, d, sizeof d), 1);
    assert_int_equal(ns_link_next_due(&f->link), 80000);
    assert_int_equal(ns_link_pop(&f->link, 79999, out, sizeof out), 0);
    assert_int_equal(ns_link_pop(&f->link, 80000, out, sizeof out), sizeof d);
    assert_memory_equal(out, d, sizeof d);
    assert_int_equal(ns_link_next_due(&f->link), UINT64_MAX);
    assert_int_equal(f->link.stats.delay_hist[1], 1); /* 75 ms: the 50-100 ms bucket */
    assert_int_equal(f->link.stats.delay_us_sum, 75000);
    assert_int_equal(f->link.stats.delay_us_max, 75000);
    free(f);
}

/* "--loss 5": 10,000 datagrams arrive 95 % +- 1 %. */
static void test_random_loss_rate(void **state)
{
    (void)state;
    NsLinkConfig c = {.loss = 0.05, .latency_us = 1000};
    Fx *f = fx_new(&c, 42);
    unsigned got = run(f, 10000, 1000, 64, NULL);
    assert_in_range(got, 9400, 9600);
    assert_int_equal(f->link.stats.lost + got, 10000);
    free(f);
}

/* Jitter without reordering: delays in [latency, latency + jitter], order kept. With
 * reordering allowed, the same jitter does reorder. */
static void test_jitter_with_and_without_reorder(void **state)
{
    (void)state;
    NsLinkConfig c = {.latency_us = 20000, .jitter_us = 30000};
    Fx *f = fx_new(&c, 3);
    bool in_order;
    assert_int_equal(run(f, 2000, 2000, 32, &in_order), 2000);
    assert_true(in_order);
    for (unsigned b = 2; b < NS_DELAY_BUCKETS; b++)
        assert_int_equal(f->link.stats.delay_hist[b], 0); /* nothing at 100 ms or more */
    /* The mean delay the stats report: latency + about half the jitter (waiting for the one
     * before only adds). */
    double mean = (double)f->link.stats.delay_us_sum / (double)f->link.stats.out;
    assert_true(mean >= 20000 + 15000 - 2000 && mean <= 20000 + 30000);
    assert_true(f->link.stats.delay_us_max <= 50000 && f->link.stats.delay_us_max >= 45000);
    free(f);
    c.reorder = true;
    f = fx_new(&c, 3);
    assert_int_equal(run(f, 2000, 2000, 32, &in_order), 2000);
    assert_false(in_order);
    free(f);
}

static void test_duplicates(void **state)
{
    (void)state;
    NsLinkConfig c = {.duplicate = 0.10, .latency_us = 1000};
    Fx *f = fx_new(&c, 11);
    unsigned got = run(f, 10000, 1000, 16, NULL);
    assert_int_equal(got, 10000 + f->link.stats.duplicated);
    assert_in_range(f->link.stats.duplicated, 900, 1100);
    free(f);
}

/* Gilbert-Elliott: the same overall loss as random loss, but in bursts (mean run of losses
 * about 1 / ge_leave instead of about 1). */
static void test_bursty_loss(void **state)
{
    (void)state;
    NsLinkConfig c = {.ge_enter = 0.01, .ge_leave = 0.2, .ge_loss = 1.0};
    Fx *f = fx_new(&c, 5);
    uint8_t d[8] = {0};
    unsigned runs = 0, lost = 0;
    bool prev_lost = false;
    for (unsigned i = 0; i < 100000; i++) {
        bool l = ns_link_submit(&f->link, i, d, sizeof d) == 0;
        lost += l;
        runs += l && !prev_lost;
        prev_lost = l;
        uint8_t out[NS_SLOT_BYTES];
        while (ns_link_pop(&f->link, i, out, sizeof out) > 0) {
        }
    }
    /* Stationary bad share: 0.01 / (0.01 + 0.2) = 4.8 %; mean burst 1 / 0.2 = 5. */
    assert_in_range(lost, 4000, 5600);
    double mean_burst = (double)lost / runs;
    assert_true(mean_burst > 4.0 && mean_burst < 6.0);
    free(f);
}

/* A bandwidth cap with a bounded queue: what fits waits its turn at the link's rate, the rest
 * is dropped and counted. */
static void test_bandwidth_queue(void **state)
{
    (void)state;
    NsLinkConfig c = {.rate_bytes_per_s = 100000, .queue_bytes = 5000};
    Fx *f = fx_new(&c, 1);
    uint8_t d[1000] = {0}, out[NS_SLOT_BYTES];
    unsigned accepted = 0;
    for (unsigned i = 0; i < 20; i++)
        accepted += ns_link_submit(&f->link, 0, d, sizeof d);
    assert_int_equal(accepted, 5); /* 1000 B each at 100 kB/s: 10 ms apiece, 5000 B queue */
    assert_int_equal(f->link.stats.dropped_queue, 15);
    for (unsigned k = 1; k <= 5; k++) {
        assert_int_equal(ns_link_next_due(&f->link), k * 10000u);
        assert_int_equal(ns_link_pop(&f->link, k * 10000u, out, sizeof out), sizeof d);
    }
    /* Once the queue drained, it takes datagrams again. */
    assert_int_equal(ns_link_submit(&f->link, 50000, d, sizeof d), 1);
    free(f);
}

static void test_mtu_and_empty(void **state)
{
    (void)state;
    NsLinkConfig c = {.mtu = 1200};
    Fx *f = fx_new(&c, 1);
    uint8_t d[1201] = {0};
    assert_int_equal(ns_link_submit(&f->link, 0, d, 1201), 0);
    assert_int_equal(ns_link_submit(&f->link, 0, d, 0), 0);
    assert_int_equal(ns_link_submit(&f->link, 0, d, 1200), 1);
    assert_int_equal(f->link.stats.dropped_mtu, 2);
    /* The caller's buffer too small: nothing is taken. */
    uint8_t small[100];
    assert_int_equal(ns_link_pop(&f->link, 0, small, sizeof small), 0);
    assert_int_equal(f->link.count, 1);
    free(f);
}

/* The link's storage full: counted, never overwritten. */
static void test_storage_full(void **state)
{
    (void)state;
    NsLinkConfig c = {.latency_us = 1000000};
    Fx *f = fx_new(&c, 1);
    uint8_t d[4] = {0};
    for (unsigned i = 0; i < CAP + 10; i++)
        ns_link_submit(&f->link, i, d, sizeof d);
    assert_int_equal(f->link.count, CAP);
    assert_int_equal(f->link.stats.dropped_queue, 10);
    free(f);
}

/* One seed, one history: two links fed the same give the same deliveries at the same times. */
static void test_deterministic(void **state)
{
    (void)state;
    NsLinkConfig c = {
        .latency_us = 50000, .jitter_us = 40000, .reorder = true, .loss = 0.05, .duplicate = 0.1};
    Fx *a = fx_new(&c, 99), *b = fx_new(&c, 99);
    uint8_t d[64], oa[NS_SLOT_BYTES], ob[NS_SLOT_BYTES];
    for (uint64_t t = 0; t < 400000; t += 1000) {
        numbered(d, (uint32_t)t, sizeof d);
        assert_int_equal(ns_link_submit(&a->link, t, d, sizeof d),
                         ns_link_submit(&b->link, t, d, sizeof d));
        assert_int_equal(ns_link_next_due(&a->link), ns_link_next_due(&b->link));
        size_t ka, kb;
        while ((ka = ns_link_pop(&a->link, t, oa, sizeof oa)) > 0) {
            kb = ns_link_pop(&b->link, t, ob, sizeof ob);
            assert_int_equal(ka, kb);
            assert_memory_equal(oa, ob, ka);
        }
    }
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_checked),
        cmocka_unit_test(test_latency_exact),
        cmocka_unit_test(test_random_loss_rate),
        cmocka_unit_test(test_jitter_with_and_without_reorder),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_bursty_loss),
        cmocka_unit_test(test_bandwidth_queue),
        cmocka_unit_test(test_mtu_and_empty),
        cmocka_unit_test(test_storage_full),
        cmocka_unit_test(test_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
