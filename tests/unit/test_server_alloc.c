/* test_server_alloc.c — no heap allocation in a game tick after warm-up, counted for every
 * allocation the server's code makes (linked with --wrap=malloc,calloc,realloc,free: every
 * call from the server library, the shared library and ENet's allocator callbacks lands in
 * the counters below; this works under ASan, whose malloc is what __real_malloc reaches).
 *
 * Several bound players send an INPUT every tick and acknowledge their snapshots, so ticks
 * apply inputs, step the world, encode deltas and hand ENet packets. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "demo_rec.h"
#include "enet_alloc.h"
#include "server_harness.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

static uint64_t tick_allocs; /* allocations while a tick after warm-up runs */

void *__wrap_malloc(size_t n)
{
    tick_allocs += enet_alloc_in_warm_tick();
    return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    tick_allocs += enet_alloc_in_warm_tick();
    return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    tick_allocs += enet_alloc_in_warm_tick();
    return __real_realloc(p, n);
}

void __wrap_free(void *p)
{
    __real_free(p);
}

enum {
    PLAYERS = 6,
    WARMUP = 6 * PROTO_TICK_HZ, /* past the server's warm-up (5 s) */
    MEASURED = 5 * PROTO_TICK_HZ,
};

static void play(Hx *h, const int *c, unsigned ticks)
{
    for (unsigned t = 0; t < ticks; t++) {
        for (unsigned i = 0; i < PLAYERS; i++)
            hx_send_input(h, c[i], h->clients[c[i]].last_tick);
        hx_ticks(h, 1);
    }
}

/* record_dir: "" or a directory for demo files (recording must not allocate either). */
static void no_allocation_in_warm_ticks(const char *record_dir)
{
    SrvConfig cfg;
    srv_default_config(&cfg);
    cfg.max_players = 16;
    snprintf(cfg.record_dir, sizeof cfg.record_dir, "%s", record_dir);
    Hx *h = hx_start(&cfg);
    assert_non_null(h);
    int c[PLAYERS];
    char name[16];
    for (unsigned i = 0; i < PLAYERS; i++) {
        snprintf(name, sizeof name, "p%u", i);
        c[i] = hx_join(h, name);
        assert_true(c[i] >= 0);
    }
    play(h, c, WARMUP);
    uint64_t snaps = h->s->stats.snapshots_sent, full = h->s->stats.full_snapshots;
    tick_allocs = 0;
    play(h, c, MEASURED);
    /* The ticks did their work: snapshots went out, as deltas, and arrived decodable. */
    uint64_t sent = h->s->stats.snapshots_sent - snaps;
    assert_true(sent >= (uint64_t)PLAYERS * MEASURED / 2 - PLAYERS);
    assert_true(h->s->stats.full_snapshots - full < sent / 10);
    for (unsigned i = 0; i < PLAYERS; i++)
        assert_int_equal(h->clients[c[i]].decode_errors, 0);
    assert_int_equal(tick_allocs, 0);
    if (record_dir[0] != '\0') /* the recorder did record the ticks */
        assert_true(demo_rec_bytes(h->s->demo) > 1000);
    hx_stop(h);
}

static void test_no_allocation_in_warm_ticks(void **state)
{
    (void)state;
    no_allocation_in_warm_ticks("");
}

/* With --record: every tick's frame, the buffer's flushes, the chat and event hooks. */
static void test_no_allocation_while_recording(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_server_alloc.XXXXXX";
    assert_non_null(mkdtemp(dir));
    no_allocation_in_warm_ticks(dir);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* The counter itself: an allocation inside a warm tick is seen. */
static void test_counter_sees_an_allocation(void **state)
{
    (void)state;
    tick_allocs = 0;
    enet_alloc_set_in_tick(true, true);
    void *volatile p = malloc(64); /* volatile: an optimizer may drop a malloc/free pair */
    enet_alloc_set_in_tick(false, false);
    free(p);
    assert_int_equal(tick_allocs, 1);
}

int main(void)
{
    if (enet_alloc_initialize() != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counter_sees_an_allocation),
        cmocka_unit_test(test_no_allocation_in_warm_ticks),
        cmocka_unit_test(test_no_allocation_while_recording),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    enet_deinitialize();
    return rc;
}
