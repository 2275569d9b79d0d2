/* line.h — framing and validation for the TCP line protocol (login and chat).
 *
 * Owns what a line is: UTF-8 text ending in "\n" ("\r\n" accepted), at most PROTO_LINE_MAX
 * bytes including the terminator, strictly valid UTF-8 (no overlongs, surrogates or code
 * points above U+10FFFF), no control characters (C0, DEL, C1) other than the terminator.
 * The reader takes bytes as recv() returns them, in any split, and never allocates. Empty
 * lines are skipped silently (they are keep-alives). */
#ifndef ARENA_LINE_H
#define ARENA_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

typedef enum LineStatus {
    LINE_NEED_MORE = 0, /* consumed everything given; no complete line yet */
    LINE_READY,         /* a valid line is in reader->line (NUL-terminated, no terminator) */
    LINE_ERR_TOO_LONG,  /* no "\n" within PROTO_LINE_MAX bytes; the rest of it is skipped */
    LINE_ERR_UTF8,      /* the line was not valid UTF-8; dropped */
    LINE_ERR_CONTROL,   /* the line held a control character (NUL included); dropped */
} LineStatus;

typedef struct LineReader {
    char line[PROTO_LINE_MAX + 1]; /* current line; valid after LINE_READY */
    size_t len;                    /* bytes in line */
    bool skipping;                 /* discarding the rest of an over-long line */
    bool done;                     /* line holds a finished line; the next byte starts anew */
} LineReader;

void line_reader_init(LineReader *r);
/* Consumes bytes from data[0..len) up to and including the end of the next line or error and
 * returns what happened; *consumed says how many bytes were used. Call again with the rest
 * until it returns LINE_NEED_MORE. An error is reported once per bad line; the reader is ready
 * for the next line afterwards.
 *
 * The PROTO_LINE_MAX limit counts every byte of the line including "\r\n" or "\n".
 * LINE_ERR_TOO_LONG is returned as soon as PROTO_LINE_MAX bytes have arrived without a "\n"
 * (the call consumes exactly up to that byte); the rest, through the next "\n", is then
 * discarded silently. A "\r" is stripped only directly before the "\n"; anywhere else it is a
 * control character. Content that is both invalid UTF-8 and holds a control character is
 * reported as LINE_ERR_UTF8. The result never depends on how the bytes are split across
 * calls. */
LineStatus line_reader_feed(LineReader *r, const uint8_t *data, size_t len, size_t *consumed);

/* Strict UTF-8 check of s[0..len). */
bool line_utf8_valid(const uint8_t *s, size_t len);
/* True if s[0..len) is valid UTF-8 with no control characters (what a line may contain). */
bool line_text_valid(const uint8_t *s, size_t len);
/* Number of code points in valid UTF-8. */
size_t line_utf8_length(const uint8_t *s, size_t len);
/* The longest prefix of s[0..len) that does not end inside a UTF-8 sequence: len itself, or
 * less when the last character was cut (use it to shorten text without breaking it). */
size_t line_utf8_boundary(const uint8_t *s, size_t len);
/* True if valid text (line_text_valid) also holds nothing that makes one line look like two
 * or reorders what follows it: no U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR, U+0085
 * NEXT LINE (also a C1 control), and no bidi embeddings, overrides or isolates (U+202A..202E,
 * U+2066..2069). Chat, action and whisper text must pass (Python's str.splitlines() and
 * terminals would otherwise show a line the sender forged). */
bool line_text_safe(const uint8_t *s, size_t len);

const char *line_status_str(LineStatus s);

#endif
