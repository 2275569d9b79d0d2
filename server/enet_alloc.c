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
    KEEP_BYTES = 1024 * 1024,     /* free blocks kept per class; more go back to malloc */
    TRIM_KEEP_BYTES = 256 * 1024, /* what enet_alloc_trim leaves per class */
};
static const size_t class_size[CLASS_COUNT] = {64, 256, 1536, 4096};

typedef struct FreeBlock {
    struct FreeBlock *next;
} FreeBlock;

static struct {
    FreeBlock *free[CLASS_COUNT];
    size_t free_count[CLASS_COUNT];
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
    p[TAG] = (unsigned char)c;
    return p + HEADER;
}

static void pool_free(void *mem)
{
    if (mem == NULL)
        return;
    unsigned char *p = (unsigned char *)mem - HEADER;
    unsigned c = p[TAG];
    if (c >= CLASS_COUNT || (pool.free_count[c] + 1) * class_size[c] > KEEP_BYTES) {
        free(p); /* beyond what steady play needs: a burst's memory is not kept forever */
        return;
    }
    FreeBlock *b = (FreeBlock *)(void *)p;
    b->next = pool.free[c];
    pool.free[c] = b;
    pool.free_count[c]++;
}

void enet_alloc_trim(void)
{
    for (unsigned c = 0; c < CLASS_COUNT; c++) {
        while (pool.free[c] != NULL && pool.free_count[c] * class_size[c] > TRIM_KEEP_BYTES) {
            FreeBlock *b = pool.free[c];
            pool.free[c] = b->next;
            pool.free_count[c]--;
            free(b);
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

uint64_t enet_alloc_heap_in_tick(void)
{
    return pool.heap_in_tick;
}

uint64_t enet_alloc_heap_total(void)
{
    return pool.heap_total;
}
