/* test_demo.c — demo files: the format (shared/demo_*.c), the recorder (server/demo_rec.c) and
 * the player's core (client/core/demo_play.c).
 *
 * What a user would notice: a replay that shows players somewhere else than the match had them
 * (round trips of the fullest world, 256 players and 768 shots, through keyframes and deltas;
 * seeking back and forth), a demo player that crashes or hangs on a damaged or crafted file
 * (every truncation, byte flips, hostile lengths and ticks: a clear error instead), and a full
 * disk that stops the server (writes fail: logged once, recording stops, nothing else). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo.h"
#include "demo_play.h"
#include "demo_rec.h"
#include "quant.h"

enum { FRAMES = 40, CAP = 4 << 20 };

static const char MAP_TEXT[] = "arena-map 1\n"
                               "name = Tiny\n"
                               "grid\n"
                               "#####\n"
                               "#S..#\n"
                               "#..S#\n"
                               "#####\n"
                               "end\n";

static uint64_t rng = 1;
static unsigned rnd(unsigned n)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((rng >> 33) % n);
}

/* Frame f of a busy world: every player and every shot, moving. */
static void make_frame(Snapshot *s, unsigned f, bool full)
{
    s->tick = 2 + 2 * f;
    s->count = 0;
    unsigned players = full ? PROTO_MAX_PLAYERS : 16, shots = full ? PROTO_MAX_SHOTS : 20;
    for (unsigned i = 0; i < players + shots; i++) {
        SnapEntity *e = &s->ents[s->count++];
        memset(e, 0, sizeof *e);
        bool pl = i < players;
        e->id = (uint16_t)(pl ? i : PROTO_SHOT_ID_BASE + (i - players));
        e->type = pl ? SNAP_ENT_PLAYER : SNAP_ENT_SHOT;
        e->flags = pl ? (uint8_t)(SNAP_FLAG_ALIVE | (rnd(4) == 0 ? SNAP_FLAG_FIRED : 0)) : 0;
        e->x = (uint16_t)(1000 + i * 7 + f * 3 + rnd(5));
        e->y = (uint16_t)(2000 + i * 5 + f * 2);
        e->vx = (int8_t)(rnd(200) - 100);
        e->vy = (int8_t)(rnd(200) - 100);
        e->aim = pl ? (uint16_t)rnd(1024) : 0;
        e->score = pl ? (uint16_t)(f / 4 + i) : 0;
        e->owner = pl ? 0 : (uint8_t)(i % players);
    }
}

typedef struct Built {
    uint8_t *buf;
    size_t len;
    Snapshot frames[FRAMES];
    SnapEntity *ents;
} Built;

/* A demo of FRAMES frames (a keyframe every 10), a chat line and an event on the way. */
static void build(Built *b, bool full)
{
    b->buf = malloc(CAP);
    b->ents = calloc((size_t)(FRAMES + 1) * PROTO_MAX_ENTITIES, sizeof *b->ents);
    assert_non_null(b->buf);
    DemoHeader h = {.protocol = PROTO_VERSION,
                    .tick_hz = PROTO_TICK_HZ,
                    .snapshot_hz = 30,
                    .start_unix = 1700000000,
                    .match = 3,
                    .map_text = (const uint8_t *)MAP_TEXT,
                    .map_len = sizeof MAP_TEXT - 1};
    snprintf(h.map_name, sizeof h.map_name, "Tiny");
    size_t n = demo_write_header(&h, b->buf, CAP);
    assert_true(n > 0);
    Snapshot sent;
    snap_init(&sent, b->ents + (size_t)FRAMES * PROTO_MAX_ENTITIES, PROTO_MAX_ENTITIES);
    for (unsigned f = 0; f < FRAMES; f++) {
        Snapshot *s = &b->frames[f];
        snap_init(s, b->ents + (size_t)f * PROTO_MAX_ENTITIES, PROTO_MAX_ENTITIES);
        make_frame(s, f, full);
        size_t w;
        assert_int_equal(
            demo_write_frame(s, f % 10 ? &b->frames[f - 1] : NULL, &sent, b->buf + n, CAP - n, &w),
            DEMO_OK);
        assert_true(snap_equal(&sent, s)); /* nothing left out: the whole world */
        n += w;
        if (f == 5) {
            /* The highest slot: two bytes on the wire (format 2); one more is refused. */
            DemoChat c = {.kind = DEMO_CHAT_SAY, .slot = 1024, .name = "alice", .text = "hi all"};
            assert_int_equal(demo_write_chat(s->tick, &c, b->buf + n, CAP - n), 0);
            c.slot = PROTO_MAX_PLAYERS - 1;
            n += demo_write_chat(s->tick, &c, b->buf + n, CAP - n);
            MsgEvent ev = {.kind = MSG_EV_PLAYER, .a = 1, .name = "alice"};
            n += demo_write_event(s->tick, &ev, b->buf + n, CAP - n);
        }
    }
    n += demo_write_end(b->frames[FRAMES - 1].tick, b->buf + n, CAP - n);
    b->len = n;
}

static void unbuild(Built *b)
{
    free(b->buf);
    free(b->ents);
}

static void test_round_trip_full_world(void **state)
{
    (void)state;
    Built b;
    build(&b, true);
    DemoReader r;
    DemoHeader h;
    assert_int_equal(demo_reader_open(&r, b.buf, b.len, &h), DEMO_OK);
    assert_string_equal(h.map_name, "Tiny");
    assert_int_equal(h.match, 3);
    assert_int_equal(h.map_len, sizeof MAP_TEXT - 1);
    SnapEntity *e = calloc(2 * PROTO_MAX_ENTITIES, sizeof *e);
    Snapshot a, o;
    snap_init(&a, e, PROTO_MAX_ENTITIES);
    snap_init(&o, e + PROTO_MAX_ENTITIES, PROTO_MAX_ENTITIES);
    DemoRecord rec;
    unsigned f = 0, chats = 0, events = 0;
    size_t biggest = 0;
    DemoError err;
    while ((err = demo_reader_next(&r, &rec)) == DEMO_OK) {
        if (rec.type == DEMO_REC_FRAME) {
            assert_int_equal(demo_frame_decode(&rec, f ? &a : NULL, &o), DEMO_OK);
            assert_true(snap_equal(&o, &b.frames[f]));
            assert_int_equal(rec.base == 0, f % 10 == 0);
            Snapshot t = a;
            a = o;
            o = t;
            f++;
            biggest = rec.len > biggest ? rec.len : biggest;
        }
        chats += rec.type == DEMO_REC_CHAT;
        events += rec.type == DEMO_REC_EVENT;
        if (rec.type == DEMO_REC_CHAT) {
            assert_string_equal(rec.chat.text, "hi all");
            assert_int_equal(rec.chat.slot, PROTO_MAX_PLAYERS - 1);
        }
    }
    assert_int_equal(err, DEMO_DONE);
    assert_int_equal(f, FRAMES);
    assert_int_equal(chats, 1);
    assert_int_equal(events, 1);
    /* The budget has room to spare: the worst full world (1024 players with the widest
     * scores, 3072 moving shots) is 45,312 bytes, 69 % of it. */
    assert_true(biggest < DEMO_FRAME_MAX * 7 / 10);
    free(e);
    unbuild(&b);
}

/* The player's view at a frame's tick is that frame, whatever the way there. */
static void check_at(DemoPlay *p, const Built *b, unsigned f, CliEntityView *v)
{
    demo_play_update(p, b->frames[f].tick);
    unsigned n = demo_play_sample(p, b->frames[f].tick, v, PROTO_MAX_ENTITIES);
    assert_int_equal(n, b->frames[f].count);
    for (unsigned i = 0; i < n; i++) {
        assert_int_equal(v[i].id, b->frames[f].ents[i].id);
        assert_true(v[i].x == q_pos_units(b->frames[f].ents[i].x));
        assert_true(v[i].y == q_pos_units(b->frames[f].ents[i].y));
    }
}

static void test_play_seek(void **state)
{
    (void)state;
    Built b;
    build(&b, false);
    char err[256];
    DemoPlay *p = demo_play_create(b.buf, b.len, err, sizeof err);
    assert_non_null(p);
    assert_int_equal(demo_play_frames(p), FRAMES);
    assert_int_equal(demo_play_first_tick(p), b.frames[0].tick);
    CliEntityView *v = calloc(PROTO_MAX_ENTITIES, sizeof *v);
    for (unsigned f = 0; f < FRAMES; f++)
        check_at(p, &b, f, v);
    unsigned order[] = {3, 37, 12, 0, 25, 24, 39, 1};
    for (unsigned k = 0; k < sizeof order / sizeof order[0]; k++)
        check_at(p, &b, order[k], v);
    /* Names follow the events up to the render tick, back and forth. */
    demo_play_update(p, b.frames[7].tick);
    assert_string_equal(demo_play_name(p, 1), "alice");
    demo_play_update(p, b.frames[2].tick);
    assert_string_equal(demo_play_name(p, 1), "");
    /* Halfway between two frames: halfway between their positions. */
    double mid = (b.frames[4].tick + b.frames[5].tick) / 2.0;
    demo_play_update(p, mid);
    demo_play_sample(p, mid, v, PROTO_MAX_ENTITIES);
    float want = (q_pos_units(b.frames[4].ents[0].x) + q_pos_units(b.frames[5].ents[0].x)) / 2;
    assert_float_equal(v[0].x, want, 1e-3);
    free(v);
    demo_play_destroy(p);
    unbuild(&b);
}

/* Every prefix and many byte flips: an error or a shorter demo, never a crash. */
static void test_damaged_files(void **state)
{
    (void)state;
    Built b;
    build(&b, false);
    char err[256];
    uint8_t *copy = malloc(b.len);
    for (size_t n = 0; n < b.len; n += 1 + n / 64) {
        DemoPlay *p = demo_play_create(b.buf, n, err, sizeof err);
        if (p == NULL)
            assert_true(strlen(err) > 0);
        demo_play_destroy(p);
    }
    for (unsigned k = 0; k < 3000; k++) {
        memcpy(copy, b.buf, b.len);
        size_t at = rnd((unsigned)b.len);
        copy[at] ^= (uint8_t)(1u << rnd(8));
        DemoPlay *p = demo_play_create(copy, b.len, err, sizeof err);
        if (p != NULL) {
            CliEntityView v[64];
            demo_play_update(p, 30);
            (void)demo_play_sample(p, 30, v, 64);
        }
        demo_play_destroy(p);
    }
    free(copy);
    unbuild(&b);
}

static DemoError open_err(uint8_t *buf, size_t len)
{
    char err[256];
    DemoPlay *p = demo_play_create(buf, len, err, sizeof err);
    DemoReader r;
    DemoHeader h;
    DemoError e = demo_reader_open(&r, buf, len, &h);
    DemoRecord rec;
    while (e == DEMO_OK)
        e = demo_reader_next(&r, &rec);
    if (p == NULL)
        assert_true(strlen(err) > 0);
    demo_play_destroy(p);
    return e;
}

/* Crafted files: each gives its own clear error. */
static void test_crafted(void **state)
{
    (void)state;
    Built b;
    build(&b, false);
    size_t first = DEMO_HEADER_FIXED_BYTES + 4 + 4 + sizeof MAP_TEXT - 1; /* "Tiny" */
    uint8_t *c = malloc(b.len);
    memcpy(c, b.buf, b.len);
    c[0] = 'X';
    assert_int_equal(open_err(c, b.len), DEMO_ERR_MAGIC);
    memcpy(c, b.buf, b.len);
    c[8] = DEMO_FORMAT_VERSION + 1; /* a format version from the future */
    assert_int_equal(open_err(c, b.len), DEMO_ERR_VERSION);
    memcpy(c, b.buf, b.len);
    c[8] = 1; /* format 1 (protocol 4): a chat slot of 1 byte */
    assert_int_equal(open_err(c, b.len), DEMO_ERR_VERSION);
    memcpy(c, b.buf, b.len);
    c[10] = (uint8_t)(PROTO_VERSION + 1); /* another protocol's codec */
    assert_int_equal(open_err(c, b.len), DEMO_ERR_PROTOCOL);
    memcpy(c, b.buf, b.len);
    c[10] = DEMO_PROTOCOL_MIN - 1; /* protocol 4: 10-bit entity ids */
    assert_int_equal(open_err(c, b.len), DEMO_ERR_PROTOCOL);
    memcpy(c, b.buf, b.len);
    c[10] = DEMO_PROTOCOL_MIN; /* protocol 5: the same codec, its events recorded one by one */
    DemoReader r5;
    DemoHeader h5;
    assert_int_equal(demo_reader_open(&r5, c, b.len, &h5), DEMO_OK);
    assert_int_equal(h5.protocol, DEMO_PROTOCOL_MIN);
    memcpy(c, b.buf, b.len);
    c[28] = 0; /* empty map name */
    assert_int_equal(open_err(c, b.len), DEMO_ERR_HEADER);
    memcpy(c, b.buf, b.len);
    c[first + 5] = c[first + 6] = c[first + 7] = c[first + 8] = 0xFF; /* a 4 GB record */
    assert_int_equal(open_err(c, b.len), DEMO_ERR_RECORD);
    memcpy(c, b.buf, b.len);
    c[first] = 9; /* unknown record type */
    assert_int_equal(open_err(c, b.len), DEMO_ERR_RECORD);
    /* The second frame (a delta) claims tick 1: ticks go back. */
    DemoReader r;
    DemoHeader h;
    DemoRecord rec;
    demo_reader_open(&r, b.buf, b.len, &h);
    demo_reader_next(&r, &rec);
    demo_reader_next(&r, &rec);
    memcpy(c, b.buf, b.len);
    c[rec.offset + 1] = 1, c[rec.offset + 2] = c[rec.offset + 3] = c[rec.offset + 4] = 0;
    assert_int_equal(open_err(c, b.len), DEMO_ERR_TICK);
    /* A file cut inside its last frame still plays, with a warning. */
    char err[256];
    DemoPlay *p = demo_play_create(b.buf, b.len - 20, err, sizeof err);
    assert_non_null(p);
    assert_true(strstr(demo_play_warning(p), "cut short") != NULL);
    demo_play_destroy(p);
    assert_int_equal(open_err(b.buf, 5), DEMO_ERR_TRUNCATED);
    free(c);
    unbuild(&b);
}

static void world_step(SimWorld *w, const Map *m)
{
    (void)m;
    w->tick++;
    for (unsigned i = 0; i < 16; i++) {
        w->players[i].x += 37 + (int32_t)i;
        w->players[i].y += 11;
    }
}

/* The recorder into a real file: what the player reads back is the world at every frame. */
static void test_recorder_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_demo.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/m.demo", dir);
    Log log;
    log_init(&log, stderr, false);
    DemoRecConfig cfg = {.dir = dir,
                         .file_path = path,
                         .map_name = "Tiny",
                         .map_text = (const uint8_t *)MAP_TEXT,
                         .map_len = sizeof MAP_TEXT - 1,
                         .snapshot_hz = 30};
    char err[128];
    DemoRec *r = demo_rec_create(&cfg, &log, err, sizeof err);
    assert_non_null(r);
    assert_true(demo_rec_start(r, 1700000000));
    static SimWorld w;
    memset(&w, 0, sizeof w);
    for (unsigned i = 0; i < 16; i++)
        w.players[i] = (SimPlayer){.active = true, .alive = true, .x = 5000, .y = 6000 + (int)i};
    static int32_t xs[200][16];
    unsigned frames = 0;
    for (unsigned t = 0; t < 200; t++) {
        world_step(&w, NULL);
        demo_rec_world(r, &w);
        if (w.tick % 2 == 0)
            for (unsigned i = 0; i < 16; i++)
                xs[frames][i] = w.players[i].x;
        frames += w.tick % 2 == 0;
    }
    demo_rec_destroy(r, w.tick);
    size_t len;
    FILE *f = fopen(path, "rb");
    uint8_t *buf = malloc(1 << 20);
    len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    DemoPlay *p = demo_play_create(buf, len, err, sizeof err);
    assert_non_null(p);
    assert_int_equal(demo_play_frames(p), frames);
    CliEntityView v[32];
    for (unsigned k = 0; k < frames; k++) {
        double t = 2.0 * (k + 1);
        demo_play_update(p, t);
        assert_int_equal(demo_play_sample(p, t, v, 32), 16);
        for (unsigned i = 0; i < 16; i++)
            assert_true(v[i].x == q_pos_units(q_pos(xs[k][i])));
    }
    demo_play_destroy(p);
    free(buf);
    unlink(path);
    rmdir(dir);
}

/* A full disk: the first failed write is logged once, recording stops, calls go on. */
static void test_recorder_full_disk(void **state)
{
    (void)state;
    if (access("/dev/full", W_OK) != 0)
        skip();
    FILE *logf = tmpfile();
    Log log;
    log_init(&log, logf, false);
    DemoRecConfig cfg = {.dir = "/tmp",
                         .file_path = "/dev/full",
                         .map_name = "Tiny",
                         .map_text = (const uint8_t *)MAP_TEXT,
                         .map_len = sizeof MAP_TEXT - 1,
                         .snapshot_hz = 60};
    char err[128];
    DemoRec *r = demo_rec_create(&cfg, &log, err, sizeof err);
    assert_non_null(r);
    assert_true(demo_rec_start(r, 1700000000));
    static SimWorld w;
    memset(&w, 0, sizeof w);
    for (unsigned i = 0; i < 16; i++)
        w.players[i] = (SimPlayer){.active = true, .x = 5000, .y = 6000};
    for (unsigned t = 0; t < 20000 && demo_rec_active(r); t++) {
        world_step(&w, NULL);
        demo_rec_world(r, &w);
    }
    assert_false(demo_rec_active(r));
    for (unsigned t = 0; t < 100; t++) {
        world_step(&w, NULL);
        demo_rec_world(r, &w);
        DemoChat c = {.kind = 0, .slot = 0, .name = "a", .text = "b"};
        demo_rec_chat(r, w.tick, &c);
    }
    demo_rec_destroy(r, w.tick);
    rewind(logf);
    char line[512];
    unsigned stops = 0;
    while (fgets(line, sizeof line, logf))
        stops += strstr(line, "recording stops") != NULL;
    assert_int_equal(stops, 1);
    fclose(logf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_full_world), cmocka_unit_test(test_play_seek),
        cmocka_unit_test(test_damaged_files),         cmocka_unit_test(test_crafted),
        cmocka_unit_test(test_recorder_file),         cmocka_unit_test(test_recorder_full_disk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
