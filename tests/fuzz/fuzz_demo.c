/* fuzz_demo.c — libFuzzer target for demo files: the reader (shared/demo_read.c) and the
 * player's core (client/core/demo_play.c) on whatever bytes a file holds.
 *
 * Invariants: nothing crashes or reads past `size`; a FRAME that decodes re-encodes against
 * the same baseline to exactly its bytes (the snapshot codec is canonical), a CHAT that parses
 * re-encodes to its bytes; a demo the player accepts can be played, seeked and sampled. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"
#include "demo_play.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static SnapEntity ents[3][PROTO_MAX_ENTITIES];
static uint8_t out[DEMO_RECORD_HEADER_BYTES + DEMO_FRAME_MAX];
static CliEntityView views[PROTO_MAX_ENTITIES];

static void check_frame(const DemoRecord *rec, const Snapshot *prev, const Snapshot *s)
{
    Snapshot sent;
    snap_init(&sent, ents[2], PROTO_MAX_ENTITIES);
    size_t n;
    CHECK(demo_write_frame(s, rec->base ? prev : NULL, &sent, out, sizeof out, &n) == DEMO_OK);
    CHECK(n == DEMO_RECORD_HEADER_BYTES + rec->len);
    CHECK(memcmp(out + DEMO_RECORD_HEADER_BYTES, rec->payload, rec->len) == 0);
    CHECK(snap_equal(&sent, s));
}

static void read_all(const uint8_t *data, size_t size)
{
    DemoReader r;
    DemoHeader h;
    if (demo_reader_open(&r, data, size, &h) != DEMO_OK)
        return;
    Snapshot a, b;
    snap_init(&a, ents[0], PROTO_MAX_ENTITIES);
    snap_init(&b, ents[1], PROTO_MAX_ENTITIES);
    bool have = false;
    DemoRecord rec;
    while (demo_reader_next(&r, &rec) == DEMO_OK) {
        if (rec.type == DEMO_REC_CHAT) {
            size_t n = demo_write_chat(rec.tick, &rec.chat, out, sizeof out);
            CHECK(n == DEMO_RECORD_HEADER_BYTES + rec.len);
            CHECK(memcmp(out + DEMO_RECORD_HEADER_BYTES, rec.payload, rec.len) == 0);
        }
        if (rec.type != DEMO_REC_FRAME)
            continue;
        if (demo_frame_decode(&rec, have ? &a : NULL, &b) != DEMO_OK) {
            have = false; /* later deltas have no baseline: they must fail too */
            continue;
        }
        check_frame(&rec, &a, &b);
        Snapshot t = a;
        a = b;
        b = t;
        have = true;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    read_all(data, size);
    char err[256];
    DemoPlay *p = demo_play_create(data, size, err, sizeof err);
    if (p == NULL) {
        CHECK(err[0] != '\0');
        return 0;
    }
    double first = demo_play_first_tick(p), last = demo_play_last_tick(p);
    const double at[] = {first, last, (first + last) / 2, first + 0.5, first, last + 100};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        demo_play_update(p, at[i]);
        (void)demo_play_sample(p, at[i], views, PROTO_MAX_ENTITIES);
    }
    demo_play_destroy(p);
    return 0;
}
