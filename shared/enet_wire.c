/* enet_wire.c — see enet_wire.h. Offsets follow ENet 1.3's packed protocol structs
 * (include/enet/protocol.h); every read is checked against the datagram's length first. */
#include "enet_wire.h"

#include <string.h>

#include "protocol.h"

/* Fixed size of each command, indexed by number (ENet's commandSizes table). */
static const uint8_t command_sizes[EW_CMD_COUNT] = {
    [EW_CMD_ACKNOWLEDGE] = 8,
    [EW_CMD_CONNECT] = 48,
    [EW_CMD_VERIFY_CONNECT] = 44,
    [EW_CMD_DISCONNECT] = 8,
    [EW_CMD_PING] = 4,
    [EW_CMD_SEND_RELIABLE] = 6,
    [EW_CMD_SEND_UNRELIABLE] = 8,
    [EW_CMD_SEND_FRAGMENT] = 24,
    [EW_CMD_SEND_UNSEQUENCED] = 8,
    [EW_CMD_BANDWIDTH_LIMIT] = 12,
    [EW_CMD_THROTTLE_CONFIGURE] = 16,
    [EW_CMD_SEND_UNRELIABLE_FRAGMENT] = 24,
};

_Static_assert(PROTO_ENET_MTU + EW_CHECKSUM_BYTES == PROTO_MAX_DATAGRAM,
               "ENet's MTU leaves room for the checksum it does not count");

size_t ew_command_size(uint8_t number)
{
    return number < EW_CMD_COUNT ? command_sizes[number] : 0;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

bool ew_read_header(const uint8_t *d, size_t len, bool checksum, EwHeader *h)
{
    memset(h, 0, sizeof *h);
    if (d == NULL || len < EW_HEADER_MIN)
        return false;
    uint16_t raw = get16(d);
    h->peer_id = raw & EW_PEER_ID_MASK;
    h->session = (uint8_t)((raw >> EW_SESSION_SHIFT) & EW_SESSION_MASK);
    h->compressed = (raw & EW_FLAG_COMPRESSED) != 0;
    h->has_sent_time = (raw & EW_FLAG_SENT_TIME) != 0;
    size_t size = EW_HEADER_MIN;
    if (h->has_sent_time) {
        if (len < size + 2)
            return false;
        h->sent_time = get16(d + size);
        size += 2;
    }
    if (checksum) {
        if (len < size + EW_CHECKSUM_BYTES)
            return false;
        /* ENet writes the checksum in host byte order; we keep the bytes as they are. */
        memcpy(&h->checksum, d + size, sizeof h->checksum);
        size += EW_CHECKSUM_BYTES;
    }
    h->size = size;
    return true;
}

void ew_walk_init(EwWalk *w, const uint8_t *d, size_t len, const EwHeader *h)
{
    w->d = d;
    w->len = len;
    w->pos = h->size <= len ? h->size : len;
    w->commands = 0;
    w->error = EW_OK;
}

static EwStatus walk_bad(EwWalk *w, EwError e)
{
    w->error = e;
    return EW_BAD;
}

/* Fills the command-specific fields from the fixed part at p (size already checked). */
static void read_fields(const uint8_t *p, EwCommand *c)
{
    switch (c->number) {
    case EW_CMD_ACKNOWLEDGE:
        c->acked_seq = get16(p + 4);
        c->acked_sent_time = get16(p + 6);
        break;
    case EW_CMD_CONNECT:
    case EW_CMD_VERIFY_CONNECT:
        c->outgoing_peer_id = get16(p + 4);
        c->incoming_session = p[6];
        c->outgoing_session = p[7];
        c->mtu = get32(p + 8);
        c->window_size = get32(p + 12);
        c->channel_count = get32(p + 16);
        c->bandwidth_in = get32(p + 20);
        c->bandwidth_out = get32(p + 24);
        c->throttle_interval = get32(p + 28);
        c->throttle_accel = get32(p + 32);
        c->throttle_decel = get32(p + 36);
        c->connect_id = get32(p + 40);
        if (c->number == EW_CMD_CONNECT)
            c->connect_data = get32(p + 44);
        break;
    case EW_CMD_DISCONNECT:
        c->connect_data = get32(p + 4);
        break;
    case EW_CMD_SEND_RELIABLE:
        c->data_len = get16(p + 4);
        break;
    case EW_CMD_SEND_UNRELIABLE:
    case EW_CMD_SEND_UNSEQUENCED:
        c->sequence = get16(p + 4);
        c->data_len = get16(p + 6);
        break;
    case EW_CMD_SEND_FRAGMENT:
    case EW_CMD_SEND_UNRELIABLE_FRAGMENT:
        c->sequence = get16(p + 4);
        c->data_len = get16(p + 6);
        c->fragment_count = get32(p + 8);
        c->fragment_number = get32(p + 12);
        c->total_length = get32(p + 16);
        c->fragment_offset = get32(p + 20);
        break;
    case EW_CMD_BANDWIDTH_LIMIT:
        c->bandwidth_in = get32(p + 4);
        c->bandwidth_out = get32(p + 8);
        break;
    case EW_CMD_THROTTLE_CONFIGURE:
        c->throttle_interval = get32(p + 4);
        c->throttle_accel = get32(p + 8);
        c->throttle_decel = get32(p + 12);
        break;
    default:
        break;
    }
}

EwStatus ew_walk_next(EwWalk *w, EwCommand *c)
{
    memset(c, 0, sizeof *c);
    if (w->pos == w->len)
        return EW_END;
    if (w->commands == EW_MAX_COMMANDS)
        return walk_bad(w, EW_ERR_TOO_MANY);
    if (w->len - w->pos < 4)
        return walk_bad(w, EW_ERR_CUT);
    const uint8_t *p = w->d + w->pos;
    uint8_t number = p[0] & EW_CMD_MASK;
    size_t size = ew_command_size(number);
    if (size == 0)
        return walk_bad(w, EW_ERR_UNKNOWN);
    if (size > w->len - w->pos)
        return walk_bad(w, EW_ERR_CUT);
    c->number = number;
    c->flags = p[0] & (uint8_t)~EW_CMD_MASK;
    c->channel = p[1];
    c->reliable_seq = get16(p + 2);
    read_fields(p, c);
    if (c->data_len > w->len - w->pos - size)
        return walk_bad(w, EW_ERR_PAYLOAD);
    c->data = c->data_len > 0 ? p + size : NULL;
    w->pos += size + c->data_len;
    w->commands++;
    return EW_COMMAND;
}

size_t ew_write_header(const EwHeader *h, bool checksum, uint8_t *out, size_t cap)
{
    size_t n = EW_HEADER_MIN + (h->has_sent_time ? 2u : 0u) + (checksum ? EW_CHECKSUM_BYTES : 0u);
    if (cap < n || h->peer_id > EW_PEER_ID_MASK || h->session > EW_SESSION_MASK)
        return 0;
    uint16_t raw = (uint16_t)(h->peer_id | (h->session << EW_SESSION_SHIFT));
    if (h->compressed)
        raw |= EW_FLAG_COMPRESSED;
    if (h->has_sent_time)
        raw |= EW_FLAG_SENT_TIME;
    put16(out, raw);
    size_t pos = EW_HEADER_MIN;
    if (h->has_sent_time) {
        put16(out + pos, h->sent_time);
        pos += 2;
    }
    if (checksum)
        memcpy(out + pos, &h->checksum, EW_CHECKSUM_BYTES);
    return n;
}

static void write_fields(const EwCommand *c, uint8_t *p)
{
    switch (c->number) {
    case EW_CMD_ACKNOWLEDGE:
        put16(p + 4, c->acked_seq);
        put16(p + 6, c->acked_sent_time);
        break;
    case EW_CMD_CONNECT:
    case EW_CMD_VERIFY_CONNECT:
        put16(p + 4, c->outgoing_peer_id);
        p[6] = c->incoming_session;
        p[7] = c->outgoing_session;
        put32(p + 8, c->mtu);
        put32(p + 12, c->window_size);
        put32(p + 16, c->channel_count);
        put32(p + 20, c->bandwidth_in);
        put32(p + 24, c->bandwidth_out);
        put32(p + 28, c->throttle_interval);
        put32(p + 32, c->throttle_accel);
        put32(p + 36, c->throttle_decel);
        put32(p + 40, c->connect_id);
        if (c->number == EW_CMD_CONNECT)
            put32(p + 44, c->connect_data);
        break;
    case EW_CMD_DISCONNECT:
        put32(p + 4, c->connect_data);
        break;
    case EW_CMD_SEND_RELIABLE:
        put16(p + 4, c->data_len);
        break;
    case EW_CMD_SEND_UNRELIABLE:
    case EW_CMD_SEND_UNSEQUENCED:
        put16(p + 4, c->sequence);
        put16(p + 6, c->data_len);
        break;
    case EW_CMD_SEND_FRAGMENT:
    case EW_CMD_SEND_UNRELIABLE_FRAGMENT:
        put16(p + 4, c->sequence);
        put16(p + 6, c->data_len);
        put32(p + 8, c->fragment_count);
        put32(p + 12, c->fragment_number);
        put32(p + 16, c->total_length);
        put32(p + 20, c->fragment_offset);
        break;
    case EW_CMD_BANDWIDTH_LIMIT:
        put32(p + 4, c->bandwidth_in);
        put32(p + 8, c->bandwidth_out);
        break;
    case EW_CMD_THROTTLE_CONFIGURE:
        put32(p + 4, c->throttle_interval);
        put32(p + 8, c->throttle_accel);
        put32(p + 12, c->throttle_decel);
        break;
    default:
        break;
    }
}

static bool carries_data(uint8_t number)
{
    return number == EW_CMD_SEND_RELIABLE || number == EW_CMD_SEND_UNRELIABLE ||
           number == EW_CMD_SEND_UNSEQUENCED || number == EW_CMD_SEND_FRAGMENT ||
           number == EW_CMD_SEND_UNRELIABLE_FRAGMENT;
}

size_t ew_write_command(const EwCommand *c, uint8_t *out, size_t cap)
{
    size_t size = ew_command_size(c->number);
    size_t data = carries_data(c->number) ? c->data_len : 0u;
    if (size == 0 || (c->flags & EW_CMD_MASK) != 0 || size + data > cap ||
        (data > 0 && c->data == NULL))
        return 0;
    memset(out, 0, size);
    out[0] = (uint8_t)(c->number | c->flags);
    out[1] = c->channel;
    put16(out + 2, c->reliable_seq);
    write_fields(c, out);
    if (data > 0)
        memcpy(out + size, c->data, data);
    return size + data;
}

const char *ew_error_str(EwError e)
{
    switch (e) {
    case EW_OK:
        return "ok";
    case EW_ERR_HEADER:
        return "datagram shorter than its header";
    case EW_ERR_CUT:
        return "command cut short";
    case EW_ERR_UNKNOWN:
        return "unknown command";
    case EW_ERR_TOO_MANY:
        return "too many commands";
    case EW_ERR_PAYLOAD:
        return "payload longer than the datagram";
    }
    return "unknown error";
}
