/* snap_store.h — snapshots remembered by tick, their entities in one circular pool.
 *
 * The one store behind every "snapshots I may need again" in the project: the server's
 * per-client baselines (what each client was sent), the client's baselines (what it decoded)
 * and the interpolation buffer (what it will draw). DDNet's CSnapshotStorage is the anchor:
 * add, find by tick, purge older than a tick.
 *
 * Storage belongs to the caller: an array of Snapshot headers (the slots) and one array of
 * entities (the pool). A snapshot's entities occupy one contiguous run of the pool; runs are
 * handed out one after another and wrap to the start of the pool when the next one would not
 * fit. Taking a run evicts every stored snapshot whose entities it overlaps (they are the
 * oldest), and taking a slot evicts what the slot held (an empty slot first, else the lowest
 * tick). Nothing here allocates; every operation is O(slots), over a compact copy of each
 * slot's tick and run kept in the store itself (12 bytes a slot, where a Snapshot header is 56:
 * the server looks through 128 slots several times per client snapshot).
 *
 * Two ways in: snap_store_add copies a finished snapshot in; an encoder that writes its result
 * straight into the pool (the server's `sent`, see snapshot.h) reserves a run first, fills it
 * and commits it.
 *
 * A phased store (snap_store_init_phased) keeps the protocol's retention rule itself
 * (docs/protocol.md §2.4: a snapshot is forgotten when one of the same tick modulo
 * PROTO_SNAP_BASELINES is stored): tick t lives in slot t % nslots, so finding a tick and
 * choosing a slot take one look instead of a scan of every slot. The server's per-client
 * store is one: it finds a baseline per snapshot and an acknowledgement per input. */
#ifndef ARENA_SNAP_STORE_H
#define ARENA_SNAP_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "snapshot.h"

enum { SNAP_STORE_MAX_SLOTS = 128 }; /* PROTO_SNAP_BASELINES, the most any store here keeps */

typedef struct SnapStore {
    Snapshot *slots; /* caller-owned; tick 0 marks an empty slot */
    unsigned nslots;
    SnapEntity *pool; /* caller-owned */
    uint32_t pool_cap;
    bool phased;   /* snap_store_init_phased: tick t in slot t % nslots */
    uint32_t head; /* where the next run starts (before wrapping) */
    /* The run handed out by snap_store_reserve and not yet committed. */
    bool reserved;
    uint32_t run_lo;
    uint16_t run_cap;
    /* slots[i]'s tick, first pool index and entity count, always equal to its header's. */
    uint32_t tick[SNAP_STORE_MAX_SLOTS];
    uint32_t run0[SNAP_STORE_MAX_SLOTS];
    uint32_t runn[SNAP_STORE_MAX_SLOTS];
} SnapStore;

/* 1 <= nslots <= SNAP_STORE_MAX_SLOTS (more are not used); pool_cap >= the largest snapshot
 * ever stored (PROTO_MAX_ENTITIES for any). */
void snap_store_init(SnapStore *st, Snapshot *slots, unsigned nslots, SnapEntity *pool,
                     uint32_t pool_cap);
/* The same, phased (above): a committed snapshot replaces the one in its tick's slot,
 * whatever that one's tick. */
void snap_store_init_phased(SnapStore *st, Snapshot *slots, unsigned nslots, SnapEntity *pool,
                            uint32_t pool_cap);
/* Forgets everything (the storage stays the caller's). */
void snap_store_clear(SnapStore *st);

/* Hands out the run for the next snapshot of at most `cap` entities: *out is initialised over
 * it (snap_init), and every stored snapshot the run overlaps is evicted, except `keep` (NULL
 * for none; a snapshot of this store that must survive, such as the baseline being encoded
 * against). False, with nothing evicted, if cap exceeds the pool or the run would overlap
 * `keep`. A later reserve replaces an uncommitted one. */
bool snap_store_reserve(SnapStore *st, uint16_t cap, const Snapshot *keep, Snapshot *out);
/* The same, but only if the run of cap entities overlaps no stored snapshot: false, with
 * nothing changed, if it would evict one. For a caller that must reserve the largest size
 * before it knows the real one (a decoder): it never loses a snapshot to the difference. */
bool snap_store_reserve_unused(SnapStore *st, uint16_t cap, Snapshot *out);
/* Stores s, whose entities were written into the run of the last reserve (s->ents is that
 * run, s->count <= its cap; s->tick != 0). Returns the stored copy, or NULL (nothing stored)
 * if s does not fit that description. */
const Snapshot *snap_store_commit(SnapStore *st, const Snapshot *s);
/* Copies s in (reserve + copy + commit). Returns the stored copy, or NULL if s->tick is 0 or
 * s has more entities than the pool holds. */
const Snapshot *snap_store_add(SnapStore *st, const Snapshot *s);

/* The snapshot of exactly this tick, or NULL. */
const Snapshot *snap_store_find(const SnapStore *st, uint32_t tick);
/* The newest snapshot with tick <= `tick`, or NULL if all are newer (or none is stored). */
const Snapshot *snap_store_at_or_before(const SnapStore *st, uint32_t tick);
/* The oldest snapshot with tick > `tick`, or NULL. */
const Snapshot *snap_store_after(const SnapStore *st, uint32_t tick);
const Snapshot *snap_store_oldest(const SnapStore *st);
const Snapshot *snap_store_newest(const SnapStore *st);
/* How many snapshots are stored. */
unsigned snap_store_count(const SnapStore *st);

/* Forgets every snapshot older than `tick` (tick < `tick`). */
void snap_store_purge_before(SnapStore *st, uint32_t tick);
/* Forgets the snapshot of exactly this tick, if stored. */
void snap_store_forget(SnapStore *st, uint32_t tick);

#endif
