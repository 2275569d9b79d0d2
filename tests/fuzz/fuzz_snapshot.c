/* fuzz_snapshot.c — libFuzzer target for snap_decode (and, through round trips, snap_encode).
 *
 * Input: one mode byte, then the message. Mode bit 0 decodes against a fixed, busy baseline
 * (tick 1000) so the fuzzer can reach every delta path; bit 1 instead takes a baseline from
 * the input itself: a length byte, that many bytes decoded as a full snapshot, then the
 * message. Whatever decodes must be valid, must re-encode to exactly the same bytes (the
 * format is canonical; with the encoder's memo too), and a budget-limited re-encode must
 * decode to its `sent`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAXE = PROTO_MAX_ENTITIES, BASE_TICK = 1000 };

static SnapEntity base_mem[MAXE], out_mem[MAXE], sent_mem[MAXE], sent2_mem[MAXE], again_mem[MAXE];
static uint8_t again[65536], small[2048];

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c))                                                                                  \
            abort();                                                                               \
    } while (0)

static void fixed_baseline(Snapshot *s)
{
    snap_init(s, base_mem, MAXE);
    s->tick = BASE_TICK;
    s->input_ack = 995;
    s->has_self = true;
    s->self_id = 3;
    s->self = (SnapSelf){.x = 51200,
                         .y = 25600,
                         .vx = 1024,
                         .vy = -200,
                         .aim = 1000,
                         .score = 7,
                         .flags = SNAP_FLAG_ALIVE,
                         .cooldown = 4,
                         .respawn = 0,
                         .health = 66,
                         .deaths = 2};
    for (uint16_t i = 0; i < 16; i++) {
        if (i == 3)
            continue;
        SnapEntity *e = &s->ents[s->count++];
        memset(e, 0, sizeof *e);
        e->id = i;
        e->type = SNAP_ENT_PLAYER;
        e->flags = (uint8_t)(i % 8);
        e->health = (uint8_t)(i * 6);
        e->deaths = (uint16_t)(i % 5);
        e->x = (uint16_t)(1000 + 300 * i);
        e->y = (uint16_t)(2000 + 100 * i);
        e->vx = (int8_t)(i * 4 - 30);
        e->vy = (int8_t)(i % 3 == 0 ? 0 : 32);
        e->aim = (uint16_t)(i * 60);
        e->score = (uint16_t)(i * i);
    }
    for (uint16_t i = 0; i < 24; i++) {
        SnapEntity *e = &s->ents[s->count++];
        memset(e, 0, sizeof *e);
        e->id = (uint16_t)(PROTO_SHOT_ID_BASE + i + (i > 12 ? 40 : 0));
        e->type = SNAP_ENT_SHOT;
        e->owner = (uint8_t)(i % 16);
        e->x = (uint16_t)(500 + 700 * i);
        e->y = (uint16_t)(65000 - 1000 * i);
        e->vx = (int8_t)(i % 2 ? 96 : -68);
        e->vy = (int8_t)(i % 2 ? 0 : 68);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    data++;
    size--;

    Snapshot base;
    const Snapshot *bl = NULL;
    if (mode & 1) {
        fixed_baseline(&base);
        bl = &base;
    } else if (mode & 2) {
        if (size < 1)
            return 0;
        size_t blen = data[0];
        if (blen > size - 1)
            return 0;
        snap_init(&base, base_mem, MAXE);
        if (snap_decode(data + 1, blen, NULL, &base) != SNAP_OK)
            return 0;
        CHECK(snap_valid(&base));
        bl = &base;
        data += 1 + blen;
        size -= 1 + blen;
    }

    uint32_t tick = 0, btick = 0;
    SnapError perr = snap_peek(data, size, &tick, &btick);
    Snapshot out;
    snap_init(&out, out_mem, (mode & 4) ? (uint16_t)(mode >> 3) : MAXE);
    SnapError err = snap_decode(data, size, bl, &out);
    if (err != SNAP_OK) {
        CHECK(out.count == 0);
        return 0;
    }
    CHECK(perr == SNAP_OK && tick == out.tick);
    CHECK(snap_valid(&out));
    const Snapshot *eb = btick ? bl : NULL;
    CHECK(btick == 0 || (bl != NULL && bl->tick == btick));

    /* Canonical: encoding what we decoded gives back the same bytes. */
    Snapshot sent;
    snap_init(&sent, sent_mem, MAXE);
    SnapEncodeReport rep;
    CHECK(snap_encode(&(SnapEncodeArgs){.target = &out,
                                        .baseline = eb,
                                        .budget = sizeof again,
                                        .out = again,
                                        .sent = &sent},
                      &rep) == SNAP_OK);
    CHECK(rep.bytes == size && memcmp(again, data, size) == 0);
    CHECK(snap_equal(&sent, &out));

    /* With the encoder's memo, kept across inputs as the server keeps it across clients: the
     * same bytes, the first time (it fills) and the second (it finds). */
    static SnapMemo memo; /* zero: snap_memo_init's state */
    for (int k = 0; k < 2; k++) {
        CHECK(snap_encode(&(SnapEncodeArgs){.target = &out,
                                            .baseline = eb,
                                            .budget = sizeof again,
                                            .out = again,
                                            .sent = &sent,
                                            .memo = &memo},
                          &rep) == SNAP_OK);
        CHECK(rep.bytes == size && memcmp(again, data, size) == 0);
    }

    /* Under a budget: fits, and decodes to exactly `sent`. */
    size_t budget = 24 + (size_t)mode * 3;
    Snapshot sent2, again_snap;
    snap_init(&sent2, sent2_mem, MAXE);
    snap_init(&again_snap, again_mem, MAXE);
    err = snap_encode(
        &(SnapEncodeArgs){
            .target = &out, .baseline = eb, .budget = budget, .out = small, .sent = &sent2},
        &rep);
    if (err == SNAP_OK) {
        CHECK(rep.bytes <= budget);
        CHECK(snap_decode(small, rep.bytes, eb, &again_snap) == SNAP_OK);
        CHECK(snap_equal(&again_snap, &sent2));
    } else {
        CHECK(err == SNAP_ERR_BUDGET);
    }
    return 0;
}
