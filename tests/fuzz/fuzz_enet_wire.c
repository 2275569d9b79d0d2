/* fuzz_enet_wire.c — libFuzzer target for the ENet datagram walker (shared/enet_wire.h).
 *
 * Any bytes are a datagram, read once with and once without the checksum field. The walk must
 * stay inside the input (ASan on an exact-size copy), end within EW_MAX_COMMANDS commands and
 * hand on only whole commands. A datagram that walks cleanly is rewritten with
 * ew_write_header/ew_write_command: the layout has no reserved bytes (every bit of the header
 * word and of each fixed command part is a field), so the rewrite must reproduce the input
 * byte for byte, and walking the rewrite gives the same fields. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "enet_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static bool carries_data(uint8_t number)
{
    return number == EW_CMD_SEND_RELIABLE || number == EW_CMD_SEND_UNRELIABLE ||
           number == EW_CMD_SEND_UNSEQUENCED || number == EW_CMD_SEND_FRAGMENT ||
           number == EW_CMD_SEND_UNRELIABLE_FRAGMENT;
}

static bool same_command(const EwCommand *a, const EwCommand *b)
{
    return a->number == b->number && a->flags == b->flags && a->channel == b->channel &&
           a->reliable_seq == b->reliable_seq && a->acked_seq == b->acked_seq &&
           a->acked_sent_time == b->acked_sent_time && a->outgoing_peer_id == b->outgoing_peer_id &&
           a->incoming_session == b->incoming_session &&
           a->outgoing_session == b->outgoing_session && a->mtu == b->mtu &&
           a->window_size == b->window_size && a->channel_count == b->channel_count &&
           a->bandwidth_in == b->bandwidth_in && a->bandwidth_out == b->bandwidth_out &&
           a->throttle_interval == b->throttle_interval && a->throttle_accel == b->throttle_accel &&
           a->throttle_decel == b->throttle_decel && a->connect_id == b->connect_id &&
           a->connect_data == b->connect_data && a->sequence == b->sequence &&
           a->fragment_count == b->fragment_count && a->fragment_number == b->fragment_number &&
           a->total_length == b->total_length && a->fragment_offset == b->fragment_offset &&
           a->data_len == b->data_len &&
           (a->data_len == 0 || memcmp(a->data, b->data, a->data_len) == 0);
}

/* Walks d[0..len); returns the final status and the commands in out. */
static EwStatus walk(const uint8_t *d, size_t len, const EwHeader *h, EwCommand *out,
                     unsigned *count)
{
    EwWalk w;
    ew_walk_init(&w, d, len, h);
    *count = 0;
    size_t last_pos = w.pos;
    for (;;) {
        EwCommand c;
        EwStatus st = ew_walk_next(&w, &c);
        CHECK(st == EW_END || st == EW_COMMAND || st == EW_BAD);
        if (st != EW_COMMAND)
            return st;
        CHECK(*count < EW_MAX_COMMANDS);
        CHECK(c.number > 0 && c.number < EW_CMD_COUNT);
        CHECK((c.flags & EW_CMD_MASK) == 0);
        size_t fixed = ew_command_size(c.number);
        CHECK(fixed >= 4);
        CHECK(w.pos == last_pos + fixed + c.data_len);
        CHECK(w.pos <= len);
        CHECK(c.data_len == 0 || carries_data(c.number));
        if (c.data_len > 0)
            CHECK(c.data == d + last_pos + fixed);
        else
            CHECK(c.data == NULL);
        last_pos = w.pos;
        out[(*count)++] = c;
    }
}

static void one(const uint8_t *d, size_t len, bool checksum)
{
    EwHeader h;
    if (!ew_read_header(d, len, checksum, &h))
        return;
    CHECK(h.size >= EW_HEADER_MIN && h.size <= len);
    CHECK(h.peer_id <= EW_PEER_ID_MASK && h.session <= EW_SESSION_MASK);
    EwCommand cmds[EW_MAX_COMMANDS];
    unsigned count = 0;
    if (walk(d, len, &h, cmds, &count) != EW_END)
        return;

    /* Canonical: the rewrite is the input. */
    uint8_t *out = malloc(len);
    CHECK(out != NULL);
    size_t n = ew_write_header(&h, checksum, out, len);
    CHECK(n == h.size);
    for (unsigned i = 0; i < count; i++) {
        size_t k = ew_write_command(&cmds[i], out + n, len - n);
        CHECK(k == ew_command_size(cmds[i].number) + cmds[i].data_len);
        n += k;
    }
    CHECK(n == len);
    CHECK(memcmp(out, d, len) == 0);

    /* And walking the rewrite gives the same fields. */
    EwHeader h2;
    CHECK(ew_read_header(out, len, checksum, &h2));
    CHECK(h2.peer_id == h.peer_id && h2.session == h.session && h2.compressed == h.compressed &&
          h2.has_sent_time == h.has_sent_time && h2.sent_time == h.sent_time &&
          h2.checksum == h.checksum && h2.size == h.size);
    EwCommand again[EW_MAX_COMMANDS];
    unsigned count2 = 0;
    CHECK(walk(out, len, &h2, again, &count2) == EW_END);
    CHECK(count2 == count);
    for (unsigned i = 0; i < count; i++)
        CHECK(same_command(&again[i], &cmds[i]));
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy: ASan reports any read past the datagram. */
    uint8_t *d = malloc(size ? size : 1);
    if (d == NULL)
        return 0;
    memcpy(d, data, size);
    one(d, size, true);
    one(d, size, false);
    free(d);
    return 0;
}
