/* demo_read.c — the demo reader (see demo.h and docs/demo.md).
 *
 * The file is hostile until checked: every read goes through a cursor whose reads fail (sticky)
 * past the end, every length is checked against its limit before anything is copied, and a
 * FRAME's snapshot goes through the snapshot decoder, which trusts nothing in it. Never reads
 * outside buf[0..len), never allocates. */
#include <string.h>

#include "demo.h"
#include "line.h"

/* A byte cursor over [buf, buf + len): reads past the end set `bad` and return 0. */
typedef struct Cur {
    const uint8_t *buf;
    size_t len, pos;
    bool bad;
} Cur;

static const uint8_t *cur_take(Cur *c, size_t n)
{
    if (c->bad || n > c->len - c->pos) {
        c->bad = true;
        return NULL;
    }
    const uint8_t *p = c->buf + c->pos;
    c->pos += n;
    return p;
}

static uint64_t cur_uint(Cur *c, unsigned bytes)
{
    const uint8_t *p = cur_take(c, bytes);
    uint64_t v = 0;
    for (unsigned i = 0; p != NULL && i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

const char *demo_error_str(DemoError e)
{
    switch (e) {
    case DEMO_OK:
        return "ok";
    case DEMO_DONE:
        return "end of demo";
    case DEMO_ERR_MAGIC:
        return "not a demo file (bad magic)";
    case DEMO_ERR_VERSION:
        return "unknown demo format version";
    case DEMO_ERR_TRUNCATED:
        return "the file ends early, inside the header or a record (truncated)";
    case DEMO_ERR_HEADER:
        return "header field out of range";
    case DEMO_ERR_RECORD:
        return "unknown record type or bad record length";
    case DEMO_ERR_TICK:
        return "record ticks go backwards";
    case DEMO_ERR_FRAME:
        return "corrupt world frame";
    case DEMO_ERR_CHAT:
        return "corrupt chat record";
    case DEMO_ERR_EVENT:
        return "corrupt event record";
    case DEMO_ERR_SPACE:
        return "buffer too small";
    case DEMO_ERR_PROTOCOL:
        return "recorded with another protocol version than this program's";
    }
    return "unknown error";
}

DemoError demo_reader_open(DemoReader *r, const uint8_t *buf, size_t len, DemoHeader *h)
{
    memset(r, 0, sizeof *r);
    memset(h, 0, sizeof *h);
    Cur c = {.buf = buf, .len = len};
    const uint8_t *magic = cur_take(&c, DEMO_MAGIC_BYTES);
    if (magic == NULL)
        return len == 0 ? DEMO_ERR_MAGIC : DEMO_ERR_TRUNCATED;
    if (memcmp(magic, DEMO_MAGIC, DEMO_MAGIC_BYTES) != 0)
        return DEMO_ERR_MAGIC;
    h->version = (uint16_t)cur_uint(&c, 2);
    if (!c.bad && h->version != DEMO_FORMAT_VERSION)
        return DEMO_ERR_VERSION;
    h->protocol = (uint16_t)cur_uint(&c, 2);
    h->tick_hz = (uint16_t)cur_uint(&c, 2);
    h->snapshot_hz = (uint16_t)cur_uint(&c, 2);
    h->start_unix = cur_uint(&c, 8);
    h->match = (uint32_t)cur_uint(&c, 4);
    size_t name_len = (size_t)cur_uint(&c, 1);
    const uint8_t *name = cur_take(&c, name_len);
    h->map_len = (uint32_t)cur_uint(&c, 4);
    if (c.bad)
        return DEMO_ERR_TRUNCATED;
    if (h->tick_hz != PROTO_TICK_HZ || h->snapshot_hz < PROTO_SNAPSHOT_HZ_MIN ||
        h->snapshot_hz > PROTO_SNAPSHOT_HZ_MAX || name_len == 0 || name_len > PROTO_MAP_NAME_MAX ||
        !line_text_valid(name, name_len) || h->map_len == 0 || h->map_len > PROTO_MAP_TEXT_MAX)
        return DEMO_ERR_HEADER;
    if (h->protocol < DEMO_PROTOCOL_MIN || h->protocol > PROTO_VERSION)
        return DEMO_ERR_PROTOCOL; /* its frames and events are another codec's */
    memcpy(h->map_name, name, name_len);
    h->map_name[name_len] = '\0';
    h->map_text = cur_take(&c, h->map_len);
    if (c.bad)
        return DEMO_ERR_TRUNCATED;
    r->buf = buf;
    r->len = len;
    r->pos = c.pos;
    return DEMO_OK;
}

/* A text field: length-checked, valid UTF-8 without control characters, copied with a NUL. */
static bool read_text(Cur *c, size_t len, size_t max, char *dst)
{
    const uint8_t *p = cur_take(c, len);
    if (p == NULL || len == 0 || len > max || !line_text_valid(p, len))
        return false;
    memcpy(dst, p, len);
    dst[len] = '\0';
    return true;
}

static DemoError parse_chat(const uint8_t *p, uint32_t len, DemoChat *chat)
{
    Cur c = {.buf = p, .len = len};
    chat->kind = (uint8_t)cur_uint(&c, 1);
    chat->slot = (uint16_t)cur_uint(&c, 2);
    size_t nl = (size_t)cur_uint(&c, 1);
    if (c.bad || chat->kind > DEMO_CHAT_KIND_MAX || chat->slot >= PROTO_MAX_PLAYERS ||
        !read_text(&c, nl, PROTO_NAME_MAX, chat->name))
        return DEMO_ERR_CHAT;
    size_t tl = (size_t)cur_uint(&c, 2);
    if (c.bad || !read_text(&c, tl, PROTO_CHAT_MAX, chat->text) || c.pos != c.len)
        return DEMO_ERR_CHAT;
    return DEMO_OK;
}

static DemoError parse_payload(DemoReader *r, DemoRecord *rec)
{
    switch (rec->type) {
    case DEMO_REC_FRAME: {
        uint32_t tick, base_tick;
        if (snap_peek(rec->payload, rec->len, &tick, &base_tick) != SNAP_OK || tick != rec->tick)
            return DEMO_ERR_FRAME;
        if (tick <= r->last_frame)
            return DEMO_ERR_TICK;
        /* A delta's baseline is the previous frame, nothing older. */
        if (base_tick != 0 && (r->last_frame == 0 || base_tick != r->last_frame))
            return DEMO_ERR_FRAME;
        rec->base = base_tick;
        return DEMO_OK;
    }
    case DEMO_REC_CHAT:
        return parse_chat(rec->payload, rec->len, &rec->chat);
    case DEMO_REC_EVENT:
        return msg_event_decode(rec->payload, rec->len, &rec->event) == MSG_OK ? DEMO_OK
                                                                               : DEMO_ERR_EVENT;
    case DEMO_REC_END:
        return rec->len == 0 ? DEMO_OK : DEMO_ERR_RECORD;
    default:
        return DEMO_ERR_RECORD;
    }
}

DemoError demo_reader_next(DemoReader *r, DemoRecord *rec)
{
    memset(rec, 0, sizeof *rec);
    if (r->pos == r->len || r->ended)
        return DEMO_DONE;
    Cur c = {.buf = r->buf, .len = r->len, .pos = r->pos};
    rec->offset = r->pos;
    rec->type = (uint8_t)cur_uint(&c, 1);
    rec->tick = (uint32_t)cur_uint(&c, 4);
    rec->len = (uint32_t)cur_uint(&c, 4);
    if (c.bad)
        return DEMO_ERR_TRUNCATED;
    if (rec->type < DEMO_REC_FRAME || rec->type > DEMO_REC_END || rec->len > DEMO_RECORD_MAX)
        return DEMO_ERR_RECORD;
    if (rec->tick < r->last_tick || rec->tick == 0)
        return DEMO_ERR_TICK;
    rec->payload = cur_take(&c, rec->len);
    if (c.bad)
        return DEMO_ERR_TRUNCATED;
    DemoError err = parse_payload(r, rec);
    if (err != DEMO_OK)
        return err;
    r->pos = c.pos;
    r->last_tick = rec->tick;
    if (rec->type == DEMO_REC_FRAME)
        r->last_frame = rec->tick;
    if (rec->type == DEMO_REC_END)
        r->ended = true;
    return DEMO_OK;
}

void demo_reader_seek(DemoReader *r, size_t offset, uint32_t tick)
{
    r->pos = offset <= r->len ? offset : r->len;
    r->last_tick = tick;
    r->last_frame = tick > 0 ? tick - 1 : 0; /* a keyframe needs only to be after it */
    r->ended = false;
}

DemoError demo_frame_decode(const DemoRecord *rec, const Snapshot *prev, Snapshot *out)
{
    if (rec->type != DEMO_REC_FRAME)
        return DEMO_ERR_RECORD;
    if (rec->base != 0 && (prev == NULL || prev->tick != rec->base))
        return DEMO_ERR_FRAME;
    SnapError err = snap_decode(rec->payload, rec->len, rec->base != 0 ? prev : NULL, out);
    if (err != SNAP_OK || out->has_self || out->tick != rec->tick)
        return DEMO_ERR_FRAME;
    return DEMO_OK;
}
