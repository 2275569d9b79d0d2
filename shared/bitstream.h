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
#include <stdint.h>

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
/* Writes the low `nbits` (0..32) bits of value. Bits above nbits must be zero (asserted). */
void bs_write_bits(BsWriter *w, uint32_t value, unsigned nbits);
void bs_write_bool(BsWriter *w, bool v);
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
uint32_t bs_read_bits(BsReader *r, unsigned nbits);
bool bs_read_bool(BsReader *r);
/* Rejects (sets error) non-minimal encodings and values above UINT32_MAX. */
uint32_t bs_read_uvarint(BsReader *r);
int32_t bs_read_svarint(BsReader *r);
void bs_read_bytes(BsReader *r, void *dst, size_t n);
/* Reads a string written by bs_write_string into dst (NUL-terminated). Sets the error if the
 * length exceeds maxlen or dst_cap - 1, or if the bytes contain NUL. dst is "" on error. */
void bs_read_string(BsReader *r, char *dst, size_t dst_cap, size_t maxlen);
void bs_read_align(BsReader *r);
/* Bits left to read. */
size_t bs_reader_remaining(const BsReader *r);
/* True when no error occurred, fewer than 8 bits remain and all of them are zero: the message
 * was consumed exactly. Decoders call this last to reject trailing garbage. */
bool bs_reader_finished(const BsReader *r);

#endif
