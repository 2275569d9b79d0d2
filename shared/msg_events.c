/* msg_events.c — EVENTS (version 6): several EVENT messages in one reliable ENet packet
 * (docs/protocol.md §3.7), so that a crowd's events cost each client one ENet command and
 * one acknowledgement a tick instead of one per event. Pure; never allocates. */
#include <assert.h>
#include <string.h>

#include "bitstream.h"
#include "msg.h"

enum {
    HEAD_BYTES = 2, /* type, count */
};

bool msg_events_append(uint8_t *buf, size_t *len, size_t cap, const MsgEvent *ev)
{
    assert(buf != NULL && len != NULL && ev != NULL);
    if (cap > MSG_EVENTS_MAX_BYTES)
        cap = MSG_EVENTS_MAX_BYTES;
    uint8_t one[MSG_EVENT_MAX_BYTES];
    size_t n = msg_event_encode(ev, one, sizeof one);
    size_t at = *len == 0 ? HEAD_BYTES : *len;
    if (n == 0 || at + 1 + n > cap || (*len != 0 && buf[1] == MSG_EVENTS_MAX_COUNT))
        return false;
    if (*len == 0) {
        buf[0] = PROTO_MSG_EVENTS;
        buf[1] = 0;
    }
    buf[at] = (uint8_t)n;
    memcpy(buf + at + 1, one, n);
    buf[1]++;
    *len = at + 1 + n;
    return true;
}

MsgError msg_events_decode(const uint8_t *buf, size_t len, MsgEvent *evs, size_t cap, size_t *count)
{
    assert((buf != NULL || len == 0) && count != NULL && (evs != NULL || cap == 0));
    *count = 0;
    BsReader r;
    bs_reader_init(&r, buf, len);
    uint32_t type = bs_read_bits(&r, 8);
    uint32_t n = bs_read_bits(&r, 8);
    if (r.error)
        return len == 0 || type == PROTO_MSG_EVENTS ? MSG_ERR_TRUNCATED : MSG_ERR_TYPE;
    if (type != PROTO_MSG_EVENTS)
        return MSG_ERR_TYPE;
    if (n == 0 || n > cap)
        return MSG_ERR_VALUE;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t item = bs_read_bits(&r, 8);
        if (r.error)
            return MSG_ERR_TRUNCATED;
        if (item == 0 || item > MSG_EVENT_MAX_BYTES)
            return MSG_ERR_VALUE;
        uint8_t one[MSG_EVENT_MAX_BYTES];
        bs_read_bytes(&r, one, item);
        if (r.error)
            return MSG_ERR_TRUNCATED;
        MsgError e = msg_event_decode(one, item, &evs[i]);
        if (e != MSG_OK)
            return e == MSG_ERR_TRUNCATED ? MSG_ERR_VALUE : e; /* the item said it was whole */
    }
    if (!bs_reader_finished(&r))
        return MSG_ERR_TRAILING;
    *count = n;
    return MSG_OK;
}
