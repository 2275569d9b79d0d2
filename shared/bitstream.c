/* bitstream.c — see bitstream.h. Bounds are checked before every byte access; a failed call
 * leaves the buffer untouched past the point of failure and sets the sticky error. */
#include "bitstream.h"

#include <assert.h>
#include <string.h>

void bs_writer_init(BsWriter *w, uint8_t *buf, size_t cap)
{
    w->buf = buf;
    w->cap = cap;
    w->bitpos = 0;
    w->error = false;
}

void bs_write_uvarint(BsWriter *w, uint32_t v)
{
    do {
        uint32_t group = v & 0x7Fu;
        v >>= 7;
        bs_write_bits(w, group, 7);
        bs_write_bits(w, v != 0, 1);
    } while (v != 0);
}

void bs_write_svarint(BsWriter *w, int32_t v)
{
    /* Zigzag without shifting a negative number: well defined for every int32_t. */
    uint32_t u = (uint32_t)v;
    uint32_t z = (u << 1) ^ (v < 0 ? 0xFFFFFFFFu : 0u);
    bs_write_uvarint(w, z);
}

void bs_write_bytes(BsWriter *w, const void *src, size_t n)
{
    const uint8_t *p = src;
    if (w->error)
        return;
    if (n > w->cap || w->bitpos + n * 8 > w->cap * 8) {
        w->error = true;
        return;
    }
    if (w->bitpos % 8 == 0) {
        memcpy(w->buf + w->bitpos / 8, p, n);
        w->bitpos += n * 8;
        return;
    }
    for (size_t i = 0; i < n; i++)
        bs_write_bits(w, p[i], 8);
}

void bs_write_string(BsWriter *w, const char *s, size_t maxlen)
{
    size_t n = strlen(s);
    if (n > maxlen || n > UINT32_MAX) {
        w->error = true;
        return;
    }
    bs_write_uvarint(w, (uint32_t)n);
    bs_write_bytes(w, s, n);
}

void bs_write_align(BsWriter *w)
{
    unsigned off = (unsigned)(w->bitpos % 8);
    if (off != 0)
        bs_write_bits(w, 0, 8 - off);
}

size_t bs_writer_bytes(const BsWriter *w)
{
    return (w->bitpos + 7) / 8;
}

size_t bs_writer_bits(const BsWriter *w)
{
    return w->bitpos;
}

void bs_reader_init(BsReader *r, const uint8_t *buf, size_t len)
{
    r->buf = buf;
    r->len = len;
    r->bitpos = 0;
    r->error = false;
}

uint32_t bs_read_uvarint(BsReader *r)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < 5; i++) {
        uint32_t group = bs_read_bits(r, 7);
        bool more = bs_read_bool(r);
        if (r->error)
            return 0;
        if (i == 4 && (group > 0x0Fu || more)) { /* would exceed 32 bits */
            r->error = true;
            return 0;
        }
        if (i > 0 && group == 0 && !more) { /* trailing zero group: not minimal */
            r->error = true;
            return 0;
        }
        v |= group << (7 * i);
        if (!more)
            return v;
    }
    r->error = true; /* unreachable: group 4 never has "more" */
    return 0;
}

int32_t bs_read_svarint(BsReader *r)
{
    uint32_t z = bs_read_uvarint(r);
    uint32_t u = (z >> 1) ^ (0u - (z & 1u));
    int32_t v;
    memcpy(&v, &u, sizeof v); /* two's complement reinterpretation, no overflow */
    return v;
}

void bs_read_bytes(BsReader *r, void *dst, size_t n)
{
    uint8_t *p = dst;
    if (r->error)
        return;
    if (n > r->len || n * 8 > bs_reader_remaining(r)) {
        r->error = true;
        return;
    }
    if (r->bitpos % 8 == 0) {
        memcpy(p, r->buf + r->bitpos / 8, n);
        r->bitpos += n * 8;
        return;
    }
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)bs_read_bits(r, 8);
}

void bs_read_string(BsReader *r, char *dst, size_t dst_cap, size_t maxlen)
{
    assert(dst_cap > 0);
    dst[0] = '\0';
    uint32_t n = bs_read_uvarint(r);
    if (r->error)
        return;
    if (n > maxlen || n >= dst_cap) {
        r->error = true;
        return;
    }
    bs_read_bytes(r, dst, n);
    if (r->error || memchr(dst, '\0', n) != NULL) {
        r->error = true;
        dst[0] = '\0';
        return;
    }
    dst[n] = '\0';
}

void bs_read_align(BsReader *r)
{
    unsigned off = (unsigned)(r->bitpos % 8);
    if (off != 0)
        (void)bs_read_bits(r, 8 - off);
}

bool bs_reader_finished(const BsReader *r)
{
    if (r->error)
        return false;
    size_t left = bs_reader_remaining(r);
    if (left >= 8)
        return false;
    if (left == 0)
        return true;
    unsigned off = (unsigned)(r->bitpos % 8);
    return (r->buf[r->bitpos / 8] >> off) == 0;
}
