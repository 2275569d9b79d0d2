/* demo_rec.h — writing demo files (docs/demo.md): one file per match, in a directory.
 *
 * Owns the demo file being written, its buffers and its failure rule. Everything is allocated
 * by demo_rec_create; nothing allocates afterwards, and records are appended to a memory
 * buffer that goes to the file in large writes (to the page cache: a tick never waits for the
 * disk). An I/O error (a full disk, a removed directory) is logged once, the file is closed and
 * recording stops until the next match boundary; the game never notices. Knows nothing of the
 * Server: demo_srv.c feeds it. */
#ifndef ARENA_SRV_DEMO_REC_H
#define ARENA_SRV_DEMO_REC_H

#include <stdbool.h>
#include <stdint.h>

#include "demo.h"
#include "log.h"
#include "sim.h"

typedef struct DemoRecConfig {
    const char *dir;        /* where match files go (must exist) */
    const char *file_path;  /* tests: write to exactly this file instead (e.g. /dev/full) */
    const char *truth_path; /* tests: ground-truth positions per frame (docs/demo.md); or NULL */
    const char *map_name;
    const uint8_t *map_text;
    uint32_t map_len;
    unsigned snapshot_hz; /* frames per second */
} DemoRecConfig;

typedef struct DemoRec DemoRec;

/* Allocates the buffers (no file yet). NULL with a reason in err. */
DemoRec *demo_rec_create(const DemoRecConfig *cfg, Log *log, char *err, size_t errlen);
/* Ends the current file (demo_rec_stop) and frees. Accepts NULL. */
void demo_rec_destroy(DemoRec *r, uint32_t tick);
/* Opens the next match's file, DIR/arena-YYYYMMDD-HHMMSS-mNNN.demo (UTC, match number
 * from 1), and writes its header. False (logged) if it cannot be opened. */
bool demo_rec_start(DemoRec *r, uint64_t unix_s);
/* Writes END, flushes and closes the current file, if any. */
void demo_rec_stop(DemoRec *r, uint32_t tick);
/* True while a file is being written. */
bool demo_rec_active(const DemoRec *r);
/* The world at the end of a tick: a frame when the snapshot rate says so. */
void demo_rec_world(DemoRec *r, const SimWorld *w);
void demo_rec_chat(DemoRec *r, uint32_t tick, const DemoChat *c);
void demo_rec_event(DemoRec *r, uint32_t tick, const MsgEvent *ev);
/* The current (or last) file's path, "" if none. */
const char *demo_rec_path(const DemoRec *r);
/* Bytes written to the current file so far (buffered ones included). */
uint64_t demo_rec_bytes(const DemoRec *r);

#endif
