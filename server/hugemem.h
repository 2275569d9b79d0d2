/* hugemem.h — zeroed memory for the tables every snapshot walks, on huge pages where the
 * kernel gives them.
 *
 * At 1000 players each snapshot touches its client's player record, snapshot pool, priority
 * and view arrays: about 50 KB per client, 50 MB in all, spread over some 12,000 pages of
 * 4 KB. Nearly every first touch of a client's data then also misses the TLB, and in a
 * virtual machine a TLB miss walks two page tables. Backed by transparent huge pages
 * (2 MB; the kernel's `transparent_hugepage/enabled` is `madvise`, Debian's default, or
 * `always`) the same tables take 28 pages (56 MB at 1000 players), and the server spends a few
 * percent less CPU per snapshot (docs/architecture.md, docs/operations.md "Memory"). Where the
 * kernel has no huge pages to give (`never`, or memory too fragmented) the block is ordinary
 * memory: nothing fails.
 *
 * A block under HUGEMEM_MIN_BYTES comes from calloc (a huge page would be mostly empty, and
 * its 2 MB all resident); from there up, at most 1.5 MB a block is rounding. The memo (672 KB,
 * looked up at random for every changed entity) is just over it. Nothing here is used inside
 * a tick: blocks are made at start-up. */
#ifndef ARENA_SRV_HUGEMEM_H
#define ARENA_SRV_HUGEMEM_H

#include <stdbool.h>
#include <stddef.h>

enum {
    HUGEMEM_PAGE = 2u << 20,        /* x86-64's transparent huge page */
    HUGEMEM_MIN_BYTES = 512u << 10, /* smaller blocks: calloc */
};

typedef struct HugeMem {
    void *base;   /* what hugemem_alloc returned; NULL: nothing held */
    size_t len;   /* mapped: the mapping's length (a multiple of HUGEMEM_PAGE) */
    bool mapped;  /* an mmap of our own (else calloc) */
    bool advised; /* madvise(MADV_HUGEPAGE) took: the kernel may back it with huge pages */
} HugeMem;

/* n zeroed bytes (n > 0), aligned to HUGEMEM_PAGE when mapped; NULL (m->base NULL) if there
 * is no memory or n is 0. m must hold nothing. */
void *hugemem_alloc(HugeMem *m, size_t n);
/* Gives the block back; m then holds nothing. Safe on an m that holds nothing. */
void hugemem_free(HugeMem *m);

#endif
