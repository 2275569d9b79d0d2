/* fuzz_line.c — libFuzzer target for the TCP line reader and the UTF-8 checks.
 *
 * The first bytes of the input choose chunk sizes; the rest is the byte stream. The stream is
 * fed once whole and once in those chunks: both must produce the same sequence of lines and
 * errors, every LINE_READY line must be valid text within the length limit, and each call must
 * make progress. The raw input also goes through the validators (line_text_safe implies
 * line_text_valid implies line_utf8_valid) and line_utf8_boundary (never cuts a character). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

enum { CHUNK_TABLE = 8 };

/* FNV-1a over the outcome sequence: status, then the line for LINE_READY. */
static uint32_t mix(uint32_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 16777619u;
    }
    return h;
}

static void feed(LineReader *r, const uint8_t *p, size_t n, uint32_t *hash, size_t *events)
{
    while (true) {
        size_t used = SIZE_MAX;
        LineStatus st = line_reader_feed(r, p, n, &used);
        CHECK(used <= n);
        if (st == LINE_NEED_MORE) {
            CHECK(used == n);
            return;
        }
        CHECK(used >= 1);
        CHECK(st == LINE_READY || st == LINE_ERR_TOO_LONG || st == LINE_ERR_UTF8 ||
              st == LINE_ERR_CONTROL);
        uint8_t s = (uint8_t)st;
        *hash = mix(*hash, &s, 1);
        if (st == LINE_READY) {
            CHECK(r->len >= 1 && r->len < PROTO_LINE_MAX);
            CHECK(strlen(r->line) == r->len);
            CHECK(line_text_valid((const uint8_t *)r->line, r->len));
            CHECK(line_utf8_length((const uint8_t *)r->line, r->len) <= r->len);
            *hash = mix(*hash, r->line, r->len + 1);
        }
        (*events)++;
        p += used;
        n -= used;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Validators alone on the raw bytes: safe text is text, text is UTF-8. */
    if (line_text_safe(data, size))
        CHECK(line_text_valid(data, size));
    if (line_text_valid(data, size))
        CHECK(line_utf8_valid(data, size));
    /* Cutting: never longer than asked; on valid UTF-8 the cut is valid UTF-8, drops at most
     * one unfinished character and nothing when the prefix was already whole. */
    bool utf8 = line_utf8_valid(data, size);
    size_t cuts[] = {size,
                     size / 2,
                     size > 0 ? size - 1 : 0,
                     size > 1 ? size - 2 : 0,
                     size > 2 ? size - 3 : 0,
                     size > 0 ? data[0] % (size + 1) : 0};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        size_t n = cuts[i], b = line_utf8_boundary(data, n);
        CHECK(b <= n);
        if (utf8) {
            CHECK(line_utf8_valid(data, b));
            CHECK(n - b <= 3);
            CHECK(b == n || !line_utf8_valid(data, n));
        }
    }

    if (size < CHUNK_TABLE)
        return 0;
    const uint8_t *sizes = data;
    const uint8_t *stream = data + CHUNK_TABLE;
    size_t len = size - CHUNK_TABLE;

    LineReader whole, chunked;
    uint32_t h1 = 2166136261u, h2 = 2166136261u;
    size_t e1 = 0, e2 = 0;
    line_reader_init(&whole);
    feed(&whole, stream, len, &h1, &e1);

    line_reader_init(&chunked);
    size_t at = 0;
    for (unsigned k = 0; at < len; k++) {
        size_t n = sizes[k % CHUNK_TABLE];
        if (n == 0) {
            feed(&chunked, stream + at, 0, &h2, &e2); /* an empty read changes nothing */
            n = 1;
        }
        if (n > len - at)
            n = len - at;
        feed(&chunked, stream + at, n, &h2, &e2);
        at += n;
    }
    CHECK(e1 == e2);
    CHECK(h1 == h2);
    return 0;
}
