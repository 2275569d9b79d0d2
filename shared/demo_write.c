/* demo_write.c — the demo writers (see demo.h and docs/demo.md). Each fills a caller buffer and
 * ends with a postcondition on the size it wrote; nothing allocates. */
#include <assert.h>
#include <string.h>

#include "demo.h"

static void put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_record_header(uint8_t *out, uint8_t type, uint32_t tick, uint32_t len)
{
    out[0] = type;
    put_u32(out + 1, tick);
    put_u32(out + 5, len);
}

size_t demo_write_header(const DemoHeader *h, uint8_t *out, size_t cap)
{
    size_t name_len = strlen(h->map_name);
    if (name_len == 0 || name_len > PROTO_MAP_NAME_MAX || h->map_len == 0 ||
        h->map_len > PROTO_MAP_TEXT_MAX || h->map_text == NULL)
        return 0;
    size_t n = DEMO_HEADER_FIXED_BYTES + name_len + 4 + h->map_len;
    if (n > cap)
        return 0;
    memcpy(out, DEMO_MAGIC, DEMO_MAGIC_BYTES);
    put_u16(out + 8, DEMO_FORMAT_VERSION);
    put_u16(out + 10, h->protocol);
    put_u16(out + 12, h->tick_hz);
    put_u16(out + 14, h->snapshot_hz);
    put_u64(out + 16, h->start_unix);
    put_u32(out + 24, h->match);
    out[28] = (uint8_t)name_len;
    memcpy(out + DEMO_HEADER_FIXED_BYTES, h->map_name, name_len);
    put_u32(out + DEMO_HEADER_FIXED_BYTES + name_len, h->map_len);
    memcpy(out + DEMO_HEADER_FIXED_BYTES + name_len + 4, h->map_text, h->map_len);
    return n;
}

DemoError demo_write_frame(const Snapshot *frame, const Snapshot *prev, Snapshot *sent,
                           uint8_t *out, size_t cap, size_t *written)
{
    *written = 0;
    if (cap < DEMO_RECORD_HEADER_BYTES)
        return DEMO_ERR_SPACE;
    size_t budget = cap - DEMO_RECORD_HEADER_BYTES;
    if (budget > DEMO_FRAME_MAX)
        budget = DEMO_FRAME_MAX;
    if (frame->has_self || (prev != NULL && prev->tick >= frame->tick))
        return DEMO_ERR_FRAME;
    SnapEncodeArgs a = {.target = frame,
                        .baseline = prev,
                        .priority = NULL,
                        .budget = budget,
                        .out = out + DEMO_RECORD_HEADER_BYTES,
                        .sent = sent};
    SnapEncodeReport rep;
    SnapError err = snap_encode(&a, &rep);
    if (err == SNAP_ERR_BUDGET)
        return DEMO_ERR_SPACE;
    if (err != SNAP_OK)
        return DEMO_ERR_FRAME;
    if (rep.omitted > 0)
        return DEMO_ERR_SPACE; /* a demo frame is the whole world or nothing */
    assert(rep.bytes <= budget);
    put_record_header(out, DEMO_REC_FRAME, frame->tick, (uint32_t)rep.bytes);
    *written = DEMO_RECORD_HEADER_BYTES + rep.bytes;
    return DEMO_OK;
}

size_t demo_write_chat(uint32_t tick, const DemoChat *c, uint8_t *out, size_t cap)
{
    size_t nl = strlen(c->name), tl = strlen(c->text);
    if (nl == 0 || nl > PROTO_NAME_MAX || tl == 0 || tl > PROTO_CHAT_MAX ||
        c->kind > DEMO_CHAT_KIND_MAX)
        return 0;
    size_t len = 6 + nl + tl, n = DEMO_RECORD_HEADER_BYTES + len; /* kind slot nl name tl text */
    if (n > cap || c->slot >= PROTO_MAX_PLAYERS)
        return 0;
    uint8_t *p = out + DEMO_RECORD_HEADER_BYTES;
    p[0] = c->kind;
    put_u16(p + 1, c->slot);
    p[3] = (uint8_t)nl;
    memcpy(p + 4, c->name, nl);
    put_u16(p + 4 + nl, (uint16_t)tl);
    memcpy(p + 6 + nl, c->text, tl);
    put_record_header(out, DEMO_REC_CHAT, tick, (uint32_t)len);
    return n;
}

size_t demo_write_event(uint32_t tick, const MsgEvent *ev, uint8_t *out, size_t cap)
{
    if (cap < DEMO_RECORD_HEADER_BYTES)
        return 0;
    size_t len =
        msg_event_encode(ev, out + DEMO_RECORD_HEADER_BYTES, cap - DEMO_RECORD_HEADER_BYTES);
    if (len == 0)
        return 0;
    put_record_header(out, DEMO_REC_EVENT, tick, (uint32_t)len);
    return DEMO_RECORD_HEADER_BYTES + len;
}

size_t demo_write_end(uint32_t tick, uint8_t *out, size_t cap)
{
    if (cap < DEMO_RECORD_HEADER_BYTES)
        return 0;
    put_record_header(out, DEMO_REC_END, tick, 0);
    return DEMO_RECORD_HEADER_BYTES;
}
