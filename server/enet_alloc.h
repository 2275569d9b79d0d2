/* enet_alloc.h — the allocator ENet uses inside arena-server: size-class free lists.
 *
 * Owns every allocation ENet makes (packets, commands, fragments). Blocks are recycled on free
 * lists instead of returned to malloc, so after warm-up a tick that sends a snapshot to every
 * player touches no heap: the counters prove it (stats enet_allocs_in_tick; test_server_alloc
 * counts every allocation). The lists are not a one-way street: enet_alloc_trim (every 10 s,
 * outside ticks) gives back whatever the last two periods did not need at their peak, so memory
 * a burst took returns to the system, down to a reserve that follows the connected peers
 * (enet_alloc_reserve): players joining after warm-up find their blocks already there. ENet's
 * callbacks take no user pointer, so this state is process-wide: the one deliberate exception to
 * "state lives in handles", confined to this file. */
#ifndef ARENA_SRV_ENET_ALLOC_H
#define ARENA_SRV_ENET_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Installs the allocator; call instead of enet_initialize(). Returns 0 on success. */
int enet_alloc_initialize(void);
/* Marks whether the caller is inside a tick, and whether warm-up is over. */
void enet_alloc_set_in_tick(bool in_tick, bool warm);
/* True between enet_alloc_set_in_tick(true, true) and the next call: a tick after warm-up
 * (a test's allocation counter counts every malloc then). */
bool enet_alloc_in_warm_tick(void);
/* malloc calls made while in a tick after warm-up (should stay 0). */
uint64_t enet_alloc_heap_in_tick(void);
/* Blocks waiting on the free lists now (all classes). */
size_t enet_alloc_free_blocks(void);
/* All malloc calls made for ENet, and blocks currently cached on free lists. */
uint64_t enet_alloc_heap_total(void);

/* Returns to malloc the free blocks beyond the recent peak use (plus a spare) and beyond the
 * reserve; call it periodically, outside ticks. */
void enet_alloc_trim(void);

/* Keeps blocks for `peers` connected peers (a few per size class, see per_peer in
 * enet_alloc.c) on hand, allocating any shortfall now: call it outside ticks whenever a peer
 * connects or leaves, so a newcomer's first snapshots come from the free lists instead of
 * malloc inside a tick. Lowering it frees nothing at once; trims then may. */
void enet_alloc_reserve(size_t peers);

#endif
