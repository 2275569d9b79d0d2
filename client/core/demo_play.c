/* demo_play.c — see demo_play.h. */
#include "demo_play.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    POOL_ENTS = 8 * PROTO_MAX_ENTITIES, /* the interpolation's pool (cli_interp.h) */
};

typedef struct DemoMark {
    uint32_t tick;
    size_t offset;
} DemoMark;

struct DemoPlay {
    const uint8_t *buf;
    size_t len;
    DemoHeader hdr;
    Map map;
    char warning[160];
    DemoMark *keys;
    unsigned nkeys;
    DemoLine *lines;
    unsigned nlines;
    uint32_t first_tick, last_tick;
    unsigned frames;
    /* Playback: the reader, the two newest decoded frames (cur, other), the interpolation. */
    DemoReader rd;
    Snapshot cur, other;
    bool have_cur, at_end;
    SnapEntity *ents; /* 4 * PROTO_MAX_ENTITIES: cur, other, and each_frame's pair */
    SnapEntity *pool; /* POOL_ENTS */
    CliInterp *interp;
    double shown;       /* rt of the last update */
    unsigned line_next; /* lines applied to the names so far */
    char names[PROTO_MAX_PLAYERS][PROTO_NAME_MAX + 1];
    bool legend[PROTO_MAX_PLAYERS];
    uint8_t colour[PROTO_MAX_PLAYERS]; /* from EVENT PLAYER (palette colour) */
};

static void swap_snap(Snapshot *a, Snapshot *b)
{
    Snapshot t = *a;
    *a = *b;
    *b = t;
}

/* The index pass: every record read, every frame decoded once. */
static DemoError index_all(DemoPlay *p, size_t *bad_at)
{
    unsigned cap_keys = 16, cap_lines = 64;
    p->keys = malloc(cap_keys * sizeof *p->keys);
    p->lines = malloc(cap_lines * sizeof *p->lines);
    if (p->keys == NULL || p->lines == NULL)
        return DEMO_ERR_SPACE;
    Snapshot a, b;
    snap_init(&a, p->ents, PROTO_MAX_ENTITIES);
    snap_init(&b, p->ents + PROTO_MAX_ENTITIES, PROTO_MAX_ENTITIES);
    bool have = false;
    DemoRecord rec;
    DemoError err;
    while ((err = demo_reader_next(&p->rd, &rec)) == DEMO_OK) {
        *bad_at = rec.offset;
        if (rec.type == DEMO_REC_FRAME) {
            if ((err = demo_frame_decode(&rec, have ? &a : NULL, &b)) != DEMO_OK)
                return err;
            swap_snap(&a, &b);
            have = true;
            if (p->frames++ == 0)
                p->first_tick = rec.tick;
            p->last_tick = rec.tick;
            if (rec.base == 0) {
                if (p->nkeys == cap_keys) {
                    void *n = realloc(p->keys, (cap_keys *= 2) * sizeof *p->keys);
                    if (n == NULL)
                        return DEMO_ERR_SPACE;
                    p->keys = n;
                }
                p->keys[p->nkeys++] = (DemoMark){rec.tick, rec.offset};
            }
        } else if (rec.type == DEMO_REC_CHAT || rec.type == DEMO_REC_EVENT) {
            if (p->nlines == cap_lines) {
                void *n = realloc(p->lines, (cap_lines *= 2) * sizeof *p->lines);
                if (n == NULL)
                    return DEMO_ERR_SPACE;
                p->lines = n;
            }
            p->lines[p->nlines++] = (DemoLine){
                .tick = rec.tick, .type = rec.type, .chat = rec.chat, .event = rec.event};
        }
    }
    *bad_at = p->rd.pos;
    return err;
}

DemoPlay *demo_play_create(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    DemoPlay *p = calloc(1, sizeof *p);
    if (p == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    p->buf = buf;
    p->len = len;
    p->ents = calloc(4 * (size_t)PROTO_MAX_ENTITIES, sizeof *p->ents);
    p->pool = calloc(POOL_ENTS, sizeof *p->pool);
    p->interp = calloc(1, sizeof *p->interp);
    if (p->ents == NULL || p->pool == NULL || p->interp == NULL) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    DemoError e = demo_reader_open(&p->rd, buf, len, &p->hdr);
    if (e != DEMO_OK) {
        snprintf(err, errlen, "not a playable demo: %s", demo_error_str(e));
        goto fail;
    }
    MapError me;
    if (!map_load(&p->map, (const char *)p->hdr.map_text, p->hdr.map_len, &me)) {
        snprintf(err, errlen, "the demo's map does not load: %s", me.msg);
        goto fail;
    }
    size_t at = p->rd.pos;
    e = index_all(p, &at);
    if (e == DEMO_ERR_TRUNCATED && p->frames > 0) {
        snprintf(p->warning, sizeof p->warning,
                 "the demo ends inside a record at byte %zu (recording cut short); playing what "
                 "is there",
                 at);
    } else if (e != DEMO_DONE) {
        snprintf(err, errlen, "corrupt demo at byte %zu: %s", at, demo_error_str(e));
        goto fail;
    }
    if (p->frames == 0) {
        snprintf(err, errlen, "the demo has no frames");
        goto fail;
    }
    snap_init(&p->cur, p->ents, PROTO_MAX_ENTITIES);
    snap_init(&p->other, p->ents + PROTO_MAX_ENTITIES, PROTO_MAX_ENTITIES);
    p->shown = -1.0;
    return p;
fail:
    demo_play_destroy(p);
    return NULL;
}

void demo_play_destroy(DemoPlay *p)
{
    if (p == NULL)
        return;
    free(p->keys);
    free(p->lines);
    free(p->ents);
    free(p->pool);
    free(p->interp);
    free(p);
}

/* Starts decoding again at the keyframe at or before tick. */
static void restart_at(DemoPlay *p, uint32_t tick)
{
    unsigned k = 0;
    for (unsigned i = 0; i < p->nkeys; i++)
        if (p->keys[i].tick <= tick)
            k = i;
    demo_reader_seek(&p->rd, p->keys[k].offset, p->keys[k].tick);
    cli_interp_init(p->interp, p->pool, POOL_ENTS);
    p->have_cur = false;
    p->at_end = false;
}

/* Decodes the next frame into cur and gives it to the interpolation. False at the end. */
static bool decode_next(DemoPlay *p)
{
    DemoRecord rec;
    DemoError e;
    while ((e = demo_reader_next(&p->rd, &rec)) == DEMO_OK) {
        if (rec.type != DEMO_REC_FRAME)
            continue;
        /* Checked once at create: only a frame that needs a missing baseline fails here. */
        if (demo_frame_decode(&rec, p->have_cur ? &p->cur : NULL, &p->other) != DEMO_OK)
            continue;
        swap_snap(&p->cur, &p->other);
        p->have_cur = true;
        /* Arrival times as if each came exactly on time: only the frames are sampled. */
        (void)cli_interp_push(p->interp, &p->cur, (uint64_t)p->cur.tick * 1000000u / PROTO_TICK_HZ);
        return true;
    }
    p->at_end = true;
    return false;
}

static void reset_names(DemoPlay *p)
{
    memset(p->names, 0, sizeof p->names);
    memset(p->legend, 0, sizeof p->legend);
    for (unsigned i = 0; i < PROTO_MAX_PLAYERS; i++)
        p->colour[i] = (uint8_t)i; /* until a PLAYER event says: the slot's own */
    p->line_next = 0;
}

static void apply_lines(DemoPlay *p, double rt)
{
    while (p->line_next < p->nlines && (double)p->lines[p->line_next].tick <= rt) {
        const DemoLine *l = &p->lines[p->line_next++];
        if (l->type != DEMO_REC_EVENT || l->event.a >= PROTO_MAX_PLAYERS)
            continue;
        if (l->event.kind == MSG_EV_PLAYER) {
            snprintf(p->names[l->event.a], sizeof p->names[0], "%s", l->event.name);
            p->colour[l->event.a] = l->event.colour;
        } else if (l->event.kind == MSG_EV_LEFT)
            p->names[l->event.a][0] = '\0', p->legend[l->event.a] = false;
        else if (l->event.kind == MSG_EV_LEGEND)
            p->legend[l->event.a] = true;
    }
}

void demo_play_update(DemoPlay *p, double rt)
{
    if (!isfinite(rt))
        return;
    uint32_t t = rt <= 0 ? 0 : rt >= (double)UINT32_MAX ? UINT32_MAX : (uint32_t)rt;
    bool back = rt < p->shown;
    bool jump = !p->have_cur || (!p->at_end && (double)p->cur.tick + DEMO_KEYFRAME_TICKS < rt);
    if (back || jump)
        restart_at(p, t);
    if (back)
        reset_names(p);
    /* Frames until one is after rt: the interpolation has both sides. */
    while (!p->at_end && (!p->have_cur || (double)p->cur.tick <= rt))
        if (!decode_next(p))
            break;
    apply_lines(p, rt);
    p->shown = rt;
}

unsigned demo_play_sample(const DemoPlay *p, double rt, CliEntityView *out, unsigned cap)
{
    return cli_interp_sample(p->interp, rt, out, cap);
}

const Snapshot *demo_play_frame_at(const DemoPlay *p, uint32_t tick)
{
    return snap_store_at_or_before(&p->interp->store, tick);
}

const char *demo_play_name(const DemoPlay *p, unsigned slot)
{
    return slot < PROTO_MAX_PLAYERS ? p->names[slot] : "";
}

unsigned demo_play_colour(const DemoPlay *p, unsigned slot)
{
    return slot < PROTO_MAX_PLAYERS ? p->colour[slot] : 0;
}

bool demo_play_legend(const DemoPlay *p, unsigned slot)
{
    return slot < PROTO_MAX_PLAYERS && p->legend[slot];
}

const DemoLine *demo_play_lines(const DemoPlay *p, unsigned *n)
{
    *n = p->nlines;
    return p->lines;
}

const DemoHeader *demo_play_header(const DemoPlay *p)
{
    return &p->hdr;
}

const Map *demo_play_map(const DemoPlay *p)
{
    return &p->map;
}

const char *demo_play_warning(const DemoPlay *p)
{
    return p->warning;
}

uint32_t demo_play_first_tick(const DemoPlay *p)
{
    return p->first_tick;
}

uint32_t demo_play_last_tick(const DemoPlay *p)
{
    return p->last_tick;
}

unsigned demo_play_frames(const DemoPlay *p)
{
    return p->frames;
}

void demo_play_each_frame(const DemoPlay *p, bool (*fn)(const Snapshot *s, void *user), void *user)
{
    DemoReader rd;
    DemoHeader h;
    if (demo_reader_open(&rd, p->buf, p->len, &h) != DEMO_OK)
        return;
    Snapshot a, b;
    snap_init(&a, p->ents + 2 * PROTO_MAX_ENTITIES, PROTO_MAX_ENTITIES);
    snap_init(&b, p->ents + 3 * PROTO_MAX_ENTITIES, PROTO_MAX_ENTITIES);
    bool have = false;
    DemoRecord rec;
    while (demo_reader_next(&rd, &rec) == DEMO_OK) {
        if (rec.type != DEMO_REC_FRAME || demo_frame_decode(&rec, have ? &a : NULL, &b) != DEMO_OK)
            continue;
        swap_snap(&a, &b);
        have = true;
        if (!fn(&a, user))
            return;
    }
}
