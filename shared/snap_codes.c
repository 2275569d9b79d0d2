/* snap_codes.c — the snapshot codec's small bit codes (docs/protocol.md "SNAPSHOT").
 *
 * Zigzag, the bucketed residual codes for positions and velocities, and g3 (groups of 3 bits
 * with a "more" bit). Each reader accepts only the shortest spelling of a value, so every
 * encoding is canonical. Pure; never reads past the BsReader's end. */
#include <assert.h>
#include <string.h>

#include "snap_internal.h"

/* Bucketed residual codes: bucket i is announced by i one-bits then a zero (the last bucket
 * has no zero), followed by width[i] bits of zigzag(value); a width of 0 holds only 0. The
 * position code's last bucket holds the raw absolute 16-bit coordinate instead. Widths were
 * tuned on arena-codec-bench: most residuals are a few 1/8 units, velocity mostly unchanged
 * on one axis. */
enum { POS_BUCKETS = 4, VEL_BUCKETS = 4, VEL_WIDEST = 9 };
static const uint8_t POS_WIDTH[POS_BUCKETS] = {3, 6, 9, Q_POS_BITS};
static const uint8_t VEL_WIDTH[VEL_BUCKETS] = {0, 3, 6, VEL_WIDEST};
/* The widest velocity bucket holds any difference of two valid velocities. */
_Static_assert(2 * Q_VEL_MAX < (1 << (VEL_WIDEST - 1)), "velocity code holds |d| <= 254");

uint32_t snap_zz32(int32_t v)
{
    uint32_t u = (uint32_t)v;
    return (u << 1) ^ (v < 0 ? 0xFFFFFFFFu : 0u);
}

int32_t snap_as_i32(uint32_t u)
{
    int32_t v;
    memcpy(&v, &u, sizeof v);
    return v;
}

int32_t snap_unzz32(uint32_t z)
{
    return snap_as_i32((z >> 1) ^ (0u - (z & 1u)));
}

/* Does v fit a zigzag field of `width` bits, i.e. -2^(w-1) <= v < 2^(w-1)? */
static bool fits_zz(int64_t v, unsigned width)
{
    if (width == 0)
        return v == 0;
    int64_t half = (int64_t)1 << (width - 1);
    return v >= -half && v < half;
}

static unsigned bucket_prefix_bits(unsigned i, unsigned nbuckets)
{
    return i + 1 < nbuckets ? i + 1 : i;
}

/* Bucket i's prefix (i one-bits, then a zero unless it is the last bucket) and payload, as one
 * value of bucket_prefix_bits + width bits. */
static void bucket_write(SnapBits *w, unsigned i, unsigned nbuckets, uint32_t payload,
                         unsigned width)
{
    unsigned pbits = bucket_prefix_bits(i, nbuckets);
    snap_bits_put(w, ((1u << i) - 1u) | payload << pbits, pbits + width);
}

static unsigned bucket_read_prefix(BsReader *r, unsigned nbuckets)
{
    unsigned i = 0;
    while (i + 1 < nbuckets && bs_read_bool(r))
        i++;
    return i;
}

/* The smallest of the first n - 1 zigzag buckets (widths) that holds v, else the last. */
static unsigned smallest_bucket(int64_t v, const uint8_t *widths, unsigned n)
{
    for (unsigned i = 0; i + 1 < n; i++)
        if (fits_zz(v, widths[i]))
            return i;
    return n - 1;
}

/* Position residual: smallest zigzag bucket that holds r, else the raw absolute value. */
static unsigned pos_bucket(int64_t r)
{
    return smallest_bucket(r, POS_WIDTH, POS_BUCKETS);
}

void snap_pos_code_write(SnapBits *w, uint16_t value, int64_t predicted)
{
    int64_t r = (int64_t)value - predicted;
    unsigned i = pos_bucket(r);
    uint32_t payload = i == POS_BUCKETS - 1 ? value : snap_zz32((int32_t)r);
    bucket_write(w, i, POS_BUCKETS, payload, POS_WIDTH[i]);
}

SnapError snap_pos_code_read(BsReader *r, int64_t predicted, uint16_t *value)
{
    unsigned i = bucket_read_prefix(r, POS_BUCKETS);
    uint32_t raw = bs_read_bits(r, POS_WIDTH[i]);
    if (r->error)
        return SNAP_ERR_TRUNCATED;
    int64_t v;
    if (i == POS_BUCKETS - 1) {
        v = raw;
    } else {
        v = predicted + snap_unzz32(raw);
        if (v < 0 || v > UINT16_MAX)
            return SNAP_ERR_VALUE;
    }
    if (pos_bucket(v - predicted) != i) /* not the shortest code: non-canonical */
        return SNAP_ERR_VALUE;
    *value = (uint16_t)v;
    return SNAP_OK;
}

static unsigned vel_bucket(int32_t d)
{
    return smallest_bucket(d, VEL_WIDTH, VEL_BUCKETS);
}

void snap_vel_code_write(SnapBits *w, int32_t d)
{
    unsigned i = vel_bucket(d);
    assert(fits_zz(d, VEL_WIDTH[i]));
    bucket_write(w, i, VEL_BUCKETS, snap_zz32(d), VEL_WIDTH[i]);
}

SnapError snap_vel_code_read(BsReader *r, int32_t base, int32_t *value)
{
    unsigned i = bucket_read_prefix(r, VEL_BUCKETS);
    uint32_t raw = bs_read_bits(r, VEL_WIDTH[i]);
    if (r->error)
        return SNAP_ERR_TRUNCATED;
    int32_t d = snap_unzz32(raw);
    int32_t v = base + d;
    if (v < -Q_VEL_MAX || v > Q_VEL_MAX || vel_bucket(d) != i)
        return SNAP_ERR_VALUE;
    *value = v;
    return SNAP_OK;
}

unsigned snap_g3_bits(uint32_t v)
{
    unsigned groups = 1;
    while ((v >>= SNAP_G3_BITS) != 0)
        groups++;
    return groups * (SNAP_G3_BITS + 1);
}

/* All groups as one value: g3 of a score or count is <= SNAP_G3_MAX_GROUPS * 4 bits. */
void snap_g3_write(SnapBits *w, uint32_t v)
{
    uint32_t code = 0;
    unsigned n = 0;
    do {
        uint32_t group = v & ((1u << SNAP_G3_BITS) - 1u);
        v >>= SNAP_G3_BITS;
        code |= (group | (uint32_t)(v != 0) << SNAP_G3_BITS) << n;
        n += SNAP_G3_BITS + 1;
    } while (v != 0 && n < 32);
    assert(v == 0);
    snap_bits_put(w, code, n);
}

SnapError snap_g3_read(BsReader *r, uint32_t *out)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < SNAP_G3_MAX_GROUPS; i++) {
        uint32_t group = bs_read_bits(r, SNAP_G3_BITS);
        bool more = bs_read_bool(r);
        if (r->error)
            return SNAP_ERR_TRUNCATED;
        if (i > 0 && group == 0 && !more)
            return SNAP_ERR_VALUE;
        v |= group << (SNAP_G3_BITS * i);
        if (!more) {
            *out = v;
            return SNAP_OK;
        }
    }
    return SNAP_ERR_VALUE;
}

/* ---- SnapBits --------------------------------------------------------------------------- */

size_t snap_bits_end_aligned(SnapBits *s)
{
    unsigned nbytes = (s->n + 7) / 8;
    bool fits = s->pos + nbytes <= s->cap;
    if (fits)
        for (unsigned i = 0; i < nbytes; i++)
            s->buf[s->pos + i] = (uint8_t)(s->acc >> (8 * i));
    s->pos += nbytes;
    s->acc = 0;
    s->n = 0;
    return fits ? s->pos : 0;
}
