/* enet_alloc.c — see enet_alloc.h. Not thread-safe: the server is single-threaded.
 *
 * Each block has a 16-byte header (keeps user memory 16-byte aligned): bytes 0..7 hold the
 * free-list link while the block is free, byte 8 its size class (CLASS_COUNT = not pooled,
 * returned to malloc on free). */
#include "enet_alloc.h"

#include <enet/enet.h>
#include <stdlib.h>

enum {
    CLASS_COUNT = 4,
    HEADER = 16,
    TAG = 8,
    KEEP_SPARE_PERCENT = 50, /* a trim keeps the recent peak use plus this much */
    KEEP_MIN_BLOCKS = 32,    /* and at least this many blocks per class */
};
static const size_t class_size[CLASS_COUNT] = {64, 256, 1536, 4096};
/* Blocks held per connected peer (enet_alloc_reserve). Measured with 1000 bots at 30 Hz
 * snapshots: the most live at once was 3.5 / 4.5 / 2 / 0.008 per peer (commands and acks,
 * small packets, snapshots, rare big reliable messages); this keeps about 1.5x that. */
static const size_t per_peer[CLASS_COUNT] = {6, 6, 3, 0};

typedef struct FreeBlock {
    struct FreeBlock *next;
} FreeBlock;

static struct {
    FreeBlock *free[CLASS_COUNT];
    size_t free_count[CLASS_COUNT];
    size_t live[CLASS_COUNT];      /* blocks handed out now */
    size_t peak[CLASS_COUNT];      /* most handed out at once since the last trim */
    size_t prev_peak[CLASS_COUNT]; /* ... and in the period before */
    size_t reserve[CLASS_COUNT];   /* live + free kept at least this (enet_alloc_reserve) */
    bool in_tick, warm;
    uint64_t heap_in_tick, heap_total;
} pool;

static void *pool_malloc(size_t size)
{
    unsigned c = 0;
    while (c < CLASS_COUNT && size > class_size[c])
        c++;
    unsigned char *p;
    if (c < CLASS_COUNT && pool.free[c] != NULL) {
        p = (unsigned char *)pool.free[c];
        pool.free[c] = pool.free[c]->next;
        pool.free_count[c]--;
    } else {
        p = malloc(HEADER + (c < CLASS_COUNT ? class_size[c] : size));
        if (p == NULL)
            return NULL;
        pool.heap_total++;
        if (pool.in_tick && pool.warm)
            pool.heap_in_tick++;
    }
    if (c < CLASS_COUNT && ++pool.live[c] > pool.peak[c])
        pool.peak[c] = pool.live[c];
    p[TAG] = (unsigned char)c;
    return p + HEADER;
}

static void pool_free(void *mem)
{
    if (mem == NULL)
        return;
    unsigned char *p = (unsigned char *)mem - HEADER;
    unsigned c = p[TAG];
    if (c >= CLASS_COUNT) {
        free(p);
        return;
    }
    pool.live[c]--;
    FreeBlock *b = (FreeBlock *)(void *)p;
    b->next = pool.free[c];
    pool.free[c] = b;
    pool.free_count[c]++;
}

void enet_alloc_trim(void)
{
    for (unsigned c = 0; c < CLASS_COUNT; c++) {
        /* Keep what the last two periods needed at their peak (so steady play never allocates
         * in a tick), give back the rest: a burst's memory returns within two periods. */
        size_t need = pool.peak[c] > pool.prev_peak[c] ? pool.peak[c] : pool.prev_peak[c];
        size_t keep = need + need * KEEP_SPARE_PERCENT / 100;
        if (keep < KEEP_MIN_BLOCKS)
            keep = KEEP_MIN_BLOCKS;
        if (keep < pool.reserve[c])
            keep = pool.reserve[c];
        size_t keep_free = keep > pool.live[c] ? keep - pool.live[c] : 0;
        while (pool.free[c] != NULL && pool.free_count[c] > keep_free) {
            FreeBlock *b = pool.free[c];
            pool.free[c] = b->next;
            pool.free_count[c]--;
            free(b);
        }
        pool.prev_peak[c] = pool.peak[c];
        pool.peak[c] = pool.live[c];
    }
}

void enet_alloc_reserve(size_t peers)
{
    for (unsigned c = 0; c < CLASS_COUNT; c++) {
        pool.reserve[c] = peers * per_peer[c];
        while (pool.live[c] + pool.free_count[c] < pool.reserve[c]) {
            FreeBlock *b = malloc(HEADER + class_size[c]);
            if (b == NULL)
                break; /* not fatal: a tick that needs it will ask malloc again */
            pool.heap_total++;
            b->next = pool.free[c];
            pool.free[c] = b;
            pool.free_count[c]++;
        }
    }
}

static void no_memory(void)
{
    abort();
}

int enet_alloc_initialize(void)
{
    ENetCallbacks cb = {pool_malloc, pool_free, no_memory};
    return enet_initialize_with_callbacks(ENET_VERSION, &cb);
}

void enet_alloc_set_in_tick(bool in_tick, bool warm)
{
    pool.in_tick = in_tick;
    pool.warm = warm;
}

bool enet_alloc_in_warm_tick(void)
{
    return pool.in_tick && pool.warm;
}

uint64_t enet_alloc_heap_in_tick(void)
{
    return pool.heap_in_tick;
}

size_t enet_alloc_free_blocks(void)
{
    size_t n = 0;
    for (unsigned c = 0; c < CLASS_COUNT; c++)
        n += pool.free_count[c];
    return n;
}

uint64_t enet_alloc_heap_total(void)
{
    return pool.heap_total;
}
