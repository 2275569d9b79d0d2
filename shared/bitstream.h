/* bitstream.h — bit-packed writer and reader over caller-owned buffers.
 *
 * Owns the wire's bit order and primitive encodings (see docs/protocol.md "Bit packing").
 * Never allocates, never reads or writes outside [buf, buf + cap). Any failure (out of room,
 * reading past the end, a malformed varint or string) sets a sticky error flag: later calls do
 * nothing, reads return 0, and the caller checks the flag once at the end.
 *
 * Bit order: bit k of the stream is bit (k % 8) of byte k / 8 (least significant first); an
 * n-bit value is written least significant bit first. So byte-aligned 8/16/32-bit fields are
 * little-endian. Unused bits of the last byte are zero. */
#ifndef ARENA_BITSTREAM_H
#define ARENA_BITSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <assert.h>
#include <stdint.h>
#include <string.h>

typedef struct BsWriter {
    uint8_t *buf;
    size_t cap;    /* bytes */
    size_t bitpos; /* bits written */
    bool error;
} BsWriter;

typedef struct BsReader {
    const uint8_t *buf;
    size_t len;    /* bytes */
    size_t bitpos; /* bits consumed */
    bool error;
} BsReader;

void bs_writer_init(BsWriter *w, uint8_t *buf, size_t cap);
/* Unsigned LEB128 in the bit stream: groups of 7 value bits (least significant group first),
 * each followed by one "more" bit. 1 to 5 groups; the encoding is always minimal. */
void bs_write_uvarint(BsWriter *w, uint32_t v);
/* Zigzag (0,-1,1,-2,... -> 0,1,2,3,...) then uvarint. */
void bs_write_svarint(BsWriter *w, int32_t v);
/* n raw bytes, at whatever bit offset the writer is at. */
void bs_write_bytes(BsWriter *w, const void *src, size_t n);
/* uvarint byte length then the bytes; sets the error if strlen(s) > maxlen. */
void bs_write_string(BsWriter *w, const char *s, size_t maxlen);
/* Pads with zero bits to the next byte boundary. */
void bs_write_align(BsWriter *w);
/* Bytes used so far (partial last byte counts). */
size_t bs_writer_bytes(const BsWriter *w);
size_t bs_writer_bits(const BsWriter *w);

void bs_reader_init(BsReader *r, const uint8_t *buf, size_t len);
/* Rejects (sets error) non-minimal encodings and values above UINT32_MAX. */
uint32_t bs_read_uvarint(BsReader *r);
int32_t bs_read_svarint(BsReader *r);
void bs_read_bytes(BsReader *r, void *dst, size_t n);
/* Reads a string written by bs_write_string into dst (NUL-terminated). Sets the error if the
 * length exceeds maxlen or dst_cap - 1, or if the bytes contain NUL. dst is "" on error. */
void bs_read_string(BsReader *r, char *dst, size_t dst_cap, size_t maxlen);
void bs_read_align(BsReader *r);
/* True when no error occurred, fewer than 8 bits remain and all of them are zero: the message
 * was consumed exactly. Decoders call this last to reject trailing garbage. */
bool bs_reader_finished(const BsReader *r);

/* The hot primitives are inline: codecs call them a few times per field. */

/* Writes the low `nbits` (0..32) bits of value. Bits above nbits must be zero (asserted). */
static inline void bs_write_bits(BsWriter *w, uint32_t value, unsigned nbits)
{
    assert(nbits <= 32);
    assert(nbits == 32 || (value >> nbits) == 0);
    if (w->error || nbits == 0)
        return;
    if (w->bitpos + nbits > w->cap * 8) {
        w->error = true;
        return;
    }
    /* Build the touched bytes in a 64-bit word (off + nbits <= 39 bits), keeping the bits
     * already written below `off` in the first byte; bits above the value are zero. */
    size_t byte = w->bitpos / 8;
    unsigned off = (unsigned)(w->bitpos % 8);
    uint64_t v = (uint64_t)value << off;
    if (off != 0)
        v |= w->buf[byte] & ((1u << off) - 1u);
    unsigned nbytes = (off + nbits + 7) / 8;
    for (unsigned i = 0; i < nbytes; i++)
        w->buf[byte + i] = (uint8_t)(v >> (8 * i));
    w->bitpos += nbits;
}

static inline void bs_write_bool(BsWriter *w, bool v)
{
    bs_write_bits(w, v ? 1u : 0u, 1);
}

/* Bits left to read. */
static inline size_t bs_reader_remaining(const BsReader *r)
{
    return r->len * 8 - r->bitpos;
}

/* Reads nbits (0..32); 0 and the sticky error if fewer remain. */
static inline uint32_t bs_read_bits(BsReader *r, unsigned nbits)
{
    assert(nbits <= 32);
    if (r->error || nbits == 0)
        return 0;
    size_t at = r->bitpos / 8;
    if (r->len >= 8 && at <= r->len - 8) {
        /* 8 bytes from the read position are inside the buffer (>= 57 bits, so nbits fit):
         * one load and a shift. */
        uint64_t w = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        memcpy(&w, r->buf + at, sizeof w);
#else
        for (unsigned i = 0; i < 8; i++)
            w |= (uint64_t)r->buf[at + i] << (8 * i);
#endif
        w >>= r->bitpos % 8;
        r->bitpos += nbits;
        return (uint32_t)(w & ((UINT64_C(1) << nbits) - 1u));
    }
    if (nbits > bs_reader_remaining(r)) {
        r->error = true;
        return 0;
    }
    /* Gather the touched bytes (all inside the buffer) into a 64-bit word, then cut. */
    size_t byte = r->bitpos / 8;
    unsigned off = (unsigned)(r->bitpos % 8);
    unsigned nbytes = (off + nbits + 7) / 8;
    uint64_t v = 0;
    for (unsigned i = 0; i < nbytes; i++)
        v |= (uint64_t)r->buf[byte + i] << (8 * i);
    r->bitpos += nbits;
    return (uint32_t)((v >> off) & ((UINT64_C(1) << nbits) - 1u));
}

static inline bool bs_read_bool(BsReader *r)
{
    return bs_read_bits(r, 1) != 0;
}

#endif
