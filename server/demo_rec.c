/* demo_rec.c — see demo_rec.h. The file's bytes come from shared/demo.h's writers; this file
 * owns the descriptors, the buffering and the one failure path. */
#include "demo_rec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "quant.h"
#include "snap_world.h"

enum {
    OUT_CAP = 512 * 1024,      /* the memory buffer of one file */
    OUT_FLUSH_AT = 128 * 1024, /* written out once this much is pending */
    TRUTH_LINE_MAX = 96,
    PATH_MAX_ = 1024,
};

/* A buffered output file; `failed` after an error (logged once) until reopened. */
typedef struct Out {
    int fd;
    uint8_t *buf;
    size_t len;
    uint64_t total;
    bool failed;
    char path[PATH_MAX_];
} Out;

struct DemoRec {
    DemoRecConfig cfg;
    Log *log;
    Out demo, truth;
    unsigned match;
    bool keyframe_due;
    uint32_t last_key_tick;
    /* The frame being written, the previous one as written (the next delta's baseline), and
     * what the encoder reports the reader will decode. */
    Snapshot cur, prev, sent;
    SnapEntity *ents; /* 3 * PROTO_MAX_ENTITIES */
    bool have_prev;
    uint32_t last_tick; /* of the newest record written: records never go back */
};

static uint32_t rec_tick(DemoRec *r, uint32_t tick)
{
    if (tick > r->last_tick)
        r->last_tick = tick;
    return r->last_tick > 0 ? r->last_tick : 1;
}

static void out_fail(DemoRec *r, Out *o, const char *what, int e)
{
    if (!o->failed)
        log_info(r->log, "demo", "%s %s failed: %s; recording stops (the game goes on)", what,
                 o->path, strerror(e));
    o->failed = true;
    if (o->fd >= 0)
        close(o->fd);
    o->fd = -1;
    o->len = 0;
}

static void out_flush(DemoRec *r, Out *o)
{
    size_t off = 0;
    while (o->fd >= 0 && off < o->len) {
        ssize_t n = write(o->fd, o->buf + off, o->len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            out_fail(r, o, "writing", n < 0 ? errno : ENOSPC);
            return;
        }
        off += (size_t)n;
    }
    o->len = 0;
}

/* Room for need more bytes (flushing first if needed); NULL if the file is not being written. */
static uint8_t *out_room(DemoRec *r, Out *o, size_t need)
{
    if (o->fd < 0)
        return NULL;
    if (o->len + need > OUT_CAP)
        out_flush(r, o);
    return o->fd >= 0 ? o->buf + o->len : NULL;
}

static void out_commit(DemoRec *r, Out *o, size_t n)
{
    o->len += n;
    o->total += n;
    if (o->len >= OUT_FLUSH_AT)
        out_flush(r, o);
}

static void out_close(DemoRec *r, Out *o)
{
    out_flush(r, o);
    if (o->fd >= 0 && close(o->fd) != 0)
        out_fail(r, o, "closing", errno);
    o->fd = -1;
}

static bool out_open(DemoRec *r, Out *o, const char *path)
{
    snprintf(o->path, sizeof o->path, "%s", path);
    o->len = 0;
    o->total = 0;
    o->failed = false;
    o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (o->fd < 0) {
        out_fail(r, o, "opening", errno);
        return false;
    }
    return true;
}

DemoRec *demo_rec_create(const DemoRecConfig *cfg, Log *log, char *err, size_t errlen)
{
    DemoRec *r = calloc(1, sizeof *r);
    if (r == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    r->cfg = *cfg;
    r->log = log;
    r->demo.fd = r->truth.fd = -1;
    r->demo.buf = malloc(OUT_CAP);
    r->truth.buf = cfg->truth_path != NULL ? malloc(OUT_CAP) : NULL;
    r->ents = calloc(3 * (size_t)PROTO_MAX_ENTITIES, sizeof *r->ents);
    if (r->demo.buf == NULL || r->ents == NULL || (cfg->truth_path && r->truth.buf == NULL)) {
        snprintf(err, errlen, "out of memory");
        demo_rec_destroy(r, 0);
        return NULL;
    }
    snap_init(&r->cur, r->ents, PROTO_MAX_ENTITIES);
    snap_init(&r->prev, r->ents + PROTO_MAX_ENTITIES, PROTO_MAX_ENTITIES);
    snap_init(&r->sent, r->ents + 2 * PROTO_MAX_ENTITIES, PROTO_MAX_ENTITIES);
    if (cfg->truth_path != NULL && !out_open(r, &r->truth, cfg->truth_path)) {
        snprintf(err, errlen, "cannot open %s", cfg->truth_path);
        demo_rec_destroy(r, 0);
        return NULL;
    }
    return r;
}

void demo_rec_destroy(DemoRec *r, uint32_t tick)
{
    if (r == NULL)
        return;
    demo_rec_stop(r, tick);
    out_close(r, &r->truth);
    free(r->demo.buf);
    free(r->truth.buf);
    free(r->ents);
    free(r);
}

bool demo_rec_start(DemoRec *r, uint64_t unix_s)
{
    demo_rec_stop(r, 0);
    r->match++;
    char path[PATH_MAX_];
    if (r->cfg.file_path != NULL) {
        snprintf(path, sizeof path, "%s", r->cfg.file_path);
    } else {
        time_t t = (time_t)unix_s;
        struct tm tm;
        gmtime_r(&t, &tm);
        snprintf(path, sizeof path, "%s/arena-%04d%02d%02d-%02d%02d%02d-m%03u.demo", r->cfg.dir,
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 r->match);
    }
    if (!out_open(r, &r->demo, path))
        return false;
    DemoHeader h = {.protocol = PROTO_VERSION,
                    .tick_hz = PROTO_TICK_HZ,
                    .snapshot_hz = (uint16_t)r->cfg.snapshot_hz,
                    .start_unix = unix_s,
                    .match = r->match,
                    .map_text = r->cfg.map_text,
                    .map_len = r->cfg.map_len};
    snprintf(h.map_name, sizeof h.map_name, "%s", r->cfg.map_name);
    uint8_t *p = out_room(r, &r->demo, DEMO_HEADER_MAX_BYTES);
    size_t n = p != NULL ? demo_write_header(&h, p, OUT_CAP - r->demo.len) : 0;
    if (n == 0) {
        out_fail(r, &r->demo, "writing the header of", EINVAL);
        return false;
    }
    out_commit(r, &r->demo, n);
    r->have_prev = false;
    log_info(r->log, "demo", "recording match %u to %s", r->match, path);
    return true;
}

void demo_rec_stop(DemoRec *r, uint32_t tick)
{
    if (r->demo.fd < 0)
        return;
    uint8_t *p = out_room(r, &r->demo, DEMO_RECORD_HEADER_BYTES);
    if (p != NULL)
        out_commit(r, &r->demo, demo_write_end(rec_tick(r, tick), p, DEMO_RECORD_HEADER_BYTES));
    out_close(r, &r->demo);
    if (!r->demo.failed)
        log_info(r->log, "demo", "match %u: %s, %llu bytes", r->match, r->demo.path,
                 (unsigned long long)r->demo.total);
    r->have_prev = false;
}

bool demo_rec_active(const DemoRec *r)
{
    return r != NULL && r->demo.fd >= 0;
}

/* Ground truth for the replay test: every active entity's position as the simulation has it,
 * quantized as a snapshot carries it and at full precision (Q8). */
static void write_truth(DemoRec *r, const SimWorld *w)
{
    for (int i = 0; i < PROTO_MAX_PLAYERS + PROTO_MAX_SHOTS; i++) {
        bool player = i < PROTO_MAX_PLAYERS;
        const SimPlayer *pl = player ? &w->players[i] : NULL;
        const SimShot *sh = player ? NULL : &w->shots[i - PROTO_MAX_PLAYERS];
        if (player ? !pl->active : !sh->active)
            continue;
        int32_t x = player ? pl->x : sh->x, y = player ? pl->y : sh->y;
        uint8_t *p = out_room(r, &r->truth, TRUTH_LINE_MAX);
        if (p == NULL)
            return;
        int n = snprintf((char *)p, TRUTH_LINE_MAX, "%u %d %u %u %ld %ld\n", (unsigned)w->tick, i,
                         (unsigned)q_pos(x), (unsigned)q_pos(y), (long)x, (long)y);
        out_commit(r, &r->truth, (size_t)n);
    }
}

void demo_rec_world(DemoRec *r, const SimWorld *w)
{
    uint64_t t = w->tick, hz = r->cfg.snapshot_hz;
    if (r->demo.fd < 0 || t == 0 || (t * hz) / PROTO_TICK_HZ == ((t - 1) * hz) / PROTO_TICK_HZ)
        return;
    if (!snap_capture(w, -1, 0, &r->cur))
        return;
    bool key = !r->have_prev || w->tick - r->last_key_tick >= DEMO_KEYFRAME_TICKS;
    uint8_t *p = out_room(r, &r->demo, DEMO_RECORD_HEADER_BYTES + DEMO_FRAME_MAX);
    if (p == NULL)
        return;
    size_t n;
    DemoError err = demo_write_frame(&r->cur, key ? NULL : &r->prev, &r->sent, p,
                                     DEMO_RECORD_HEADER_BYTES + DEMO_FRAME_MAX, &n);
    if (err != DEMO_OK) {
        out_fail(r, &r->demo, "encoding a frame for", EINVAL);
        return;
    }
    out_commit(r, &r->demo, n);
    (void)rec_tick(r, w->tick);
    if (key)
        r->last_key_tick = w->tick;
    Snapshot tmp = r->prev; /* the frame as written becomes the next baseline */
    r->prev = r->sent;
    r->sent = tmp;
    r->have_prev = true;
    if (r->truth.fd >= 0)
        write_truth(r, w);
}

void demo_rec_chat(DemoRec *r, uint32_t tick, const DemoChat *c)
{
    uint8_t *p = out_room(r, &r->demo, DEMO_RECORD_HEADER_BYTES + DEMO_CHAT_MAX_BYTES);
    if (p != NULL)
        out_commit(r, &r->demo,
                   demo_write_chat(rec_tick(r, tick), c, p,
                                   DEMO_RECORD_HEADER_BYTES + DEMO_CHAT_MAX_BYTES));
}

void demo_rec_event(DemoRec *r, uint32_t tick, const MsgEvent *ev)
{
    uint8_t *p = out_room(r, &r->demo, DEMO_RECORD_HEADER_BYTES + MSG_EVENT_MAX_BYTES);
    if (p != NULL)
        out_commit(r, &r->demo,
                   demo_write_event(rec_tick(r, tick), ev, p,
                                    DEMO_RECORD_HEADER_BYTES + MSG_EVENT_MAX_BYTES));
}

const char *demo_rec_path(const DemoRec *r)
{
    return r->demo.path;
}

uint64_t demo_rec_bytes(const DemoRec *r)
{
    return r->demo.total;
}
