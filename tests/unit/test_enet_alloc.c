/* test_enet_alloc.c — ENet's allocator in arena-server: steady play reuses, bursts return.
 *
 * What an operator would notice: memory that a burst of traffic took and never gave back
 * (RSS that only grows), or a server that allocates inside its ticks (latency spikes), also
 * when players join after warm-up. The
 * allocator is driven through ENet's own enet_malloc / enet_free, as ENet uses it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <enet/enet.h>

#include "enet_alloc.h"

enum { STEADY = 600, BURST = 20000 };

static void *blocks[BURST];

/* One "period" of play: n blocks of a snapshot's size live at once, then freed. */
static void play(unsigned n, size_t size)
{
    for (unsigned i = 0; i < n; i++) {
        blocks[i] = enet_malloc(size);
        assert_non_null(blocks[i]);
    }
    for (unsigned i = 0; i < n; i++)
        enet_free(blocks[i]);
}

static void test_steady_play_reuses_and_bursts_return(void **state)
{
    (void)state;
    /* Warm up, then steady play across trims allocates nothing new. */
    play(STEADY, 1200);
    enet_alloc_trim();
    play(STEADY, 1200);
    enet_alloc_trim();
    uint64_t before = enet_alloc_heap_total();
    for (int period = 0; period < 5; period++) {
        play(STEADY, 1200);
        enet_alloc_trim();
    }
    assert_int_equal(enet_alloc_heap_total(), before); /* all from the free lists */
    size_t steady_cached = enet_alloc_free_blocks();
    assert_true(steady_cached >= STEADY && steady_cached <= STEADY + STEADY / 2);

    /* A burst: many more blocks at once. The first trim keeps them (the period's peak)... */
    play(BURST, 1200);
    enet_alloc_trim();
    assert_true(enet_alloc_free_blocks() >= BURST);
    /* ...and once a whole period has not needed them, they go back to malloc. */
    play(STEADY, 1200);
    enet_alloc_trim();
    play(STEADY, 1200);
    enet_alloc_trim();
    assert_true(enet_alloc_free_blocks() <= STEADY + STEADY / 2);
    /* Steady play still allocates nothing after the burst is gone. */
    before = enet_alloc_heap_total();
    play(STEADY, 1200);
    enet_alloc_trim();
    assert_int_equal(enet_alloc_heap_total(), before);
}

static void test_in_tick_counter(void **state)
{
    (void)state;
    uint64_t before = enet_alloc_heap_in_tick();
    enet_alloc_set_in_tick(true, true);
    play(STEADY, 200); /* reuses the 256-byte class only if it was warmed: new mallocs */
    enet_alloc_set_in_tick(false, false);
    uint64_t grew = enet_alloc_heap_in_tick() - before;
    assert_true(grew > 0); /* counted: nothing of that class was free */
    before = enet_alloc_heap_in_tick();
    enet_alloc_set_in_tick(true, true);
    play(STEADY, 200); /* now it was */
    enet_alloc_set_in_tick(false, false);
    assert_int_equal(enet_alloc_heap_in_tick(), before);
}

/* Players joining after warm-up: their first snapshots must not call malloc inside a tick.
 * The reserve puts their blocks on the free lists when they connect (outside ticks); trims keep
 * it while they stay and give it back once they have left. */
static void test_reserve_follows_peers(void **state)
{
    (void)state;
    enum { PEERS = 500 };
    enet_alloc_reserve(0);
    for (int i = 0; i < 3; i++)
        enet_alloc_trim(); /* whatever the earlier tests cached goes */
    size_t idle = enet_alloc_free_blocks();
    assert_true(idle <= 4 * 32);
    enet_alloc_reserve(PEERS);
    size_t reserved = enet_alloc_free_blocks();
    assert_true(reserved >= PEERS * (6 + 6 + 3));
    /* A tick in which every peer gets a snapshot (1536-byte class) and a command (64-byte
     * class) each: nothing from malloc. */
    uint64_t before = enet_alloc_heap_in_tick();
    enet_alloc_set_in_tick(true, true);
    for (unsigned i = 0; i < PEERS; i++)
        blocks[i] = enet_malloc(1200);
    for (unsigned i = 0; i < PEERS; i++)
        blocks[PEERS + i] = enet_malloc(48);
    for (unsigned i = 0; i < 2 * PEERS; i++)
        enet_free(blocks[i]);
    enet_alloc_set_in_tick(false, false);
    assert_int_equal(enet_alloc_heap_in_tick(), before);
    /* Trims with no traffic keep the reserve while the peers are connected... */
    for (int i = 0; i < 3; i++)
        enet_alloc_trim();
    assert_int_equal(enet_alloc_free_blocks(), reserved);
    /* ...and a second reserve call for the same peers allocates nothing more... */
    uint64_t total = enet_alloc_heap_total();
    enet_alloc_reserve(PEERS);
    assert_int_equal(enet_alloc_heap_total(), total);
    /* ...and once they have left, two trims give it back (down to the 32 blocks per class a
     * trim always keeps). */
    enet_alloc_reserve(0);
    enet_alloc_trim();
    enet_alloc_trim();
    assert_true(enet_alloc_free_blocks() <= 4 * 32);
}

int main(void)
{
    if (enet_alloc_initialize() != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_steady_play_reuses_and_bursts_return),
        cmocka_unit_test(test_in_tick_counter),
        cmocka_unit_test(test_reserve_follows_peers),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    enet_deinitialize();
    return rc;
}
