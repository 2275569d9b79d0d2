/* map.c — the text map loader (format: docs/maps.md) and tile queries.
 *
 * Owns parsing a caller-supplied buffer into a Map. One pass over the bytes, no allocation,
 * no I/O, never reads outside [text, text + len). Map text may come from the network (the MAP
 * message), so every byte is treated as hostile: the first problem stops the load and is
 * reported with a 1-based line and column (columns count UTF-8 characters). */
#include "map.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum {
    /* A map travels in one MAP message, so no valid map text is longer than this. */
    MAP_TEXT_MAX = PROTO_MAP_TEXT_MAX,
    QUOTE_MAX = 24, /* bytes of user text echoed in an error message */
};

typedef enum ParseState {
    ST_MAGIC,  /* waiting for "arena-map 1" */
    ST_HEADER, /* key = value lines until "grid" */
    ST_GRID,   /* grid rows until "end" */
    ST_DONE,   /* after "end": only blank lines and comments */
} ParseState;

typedef struct Parser {
    Map *m;
    MapError *err;
    const unsigned char *line; /* current line, without its terminator */
    size_t line_len;
    int line_no;
    int name_line;                /* line of "name = ...", 0 if not seen yet */
    int zone_line[MAP_MAX_ZONES]; /* line of "zone x = ...", 0 if not declared */
    int grid_line;                /* line of the first grid row */
} Parser;

/* ---- error reporting ---------------------------------------------------------------- */

/* 1-based character column of byte offset `off` in the current line (the line before off is
 * valid UTF-8 whenever this is called, so counting non-continuation bytes counts characters). */
static int col_of(const Parser *p, size_t off)
{
    int col = 1;
    for (size_t i = 0; i < off && i < p->line_len; i++) {
        if ((p->line[i] & 0xC0) != 0x80) {
            col++;
        }
    }
    return col;
}

static bool fail_at(Parser *p, MapErrorCode code, int line, int col, const char *fmt, ...)
{
    if (p->err) {
        p->err->code = code;
        p->err->line = line;
        p->err->col = col;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* Copies at most QUOTE_MAX bytes of s[0..n) into out, cut on a character boundary (s is valid
 * UTF-8), with "..." appended when shortened. out must hold QUOTE_MAX + 4 bytes. */
static void quote_text(char *out, const unsigned char *s, size_t n)
{
    size_t k = n;
    if (k > QUOTE_MAX) {
        k = QUOTE_MAX;
        while (k > 0 && (s[k] & 0xC0) == 0x80) {
            k--;
        }
    }
    memcpy(out, s, k);
    if (k < n) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k] = '\0';
}

/* ---- bytes and lines ----------------------------------------------------------------- */

static bool is_blank(unsigned char c)
{
    return c == ' ' || c == '\t';
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 if invalid (overlong forms, surrogates
 * and code points above U+10FFFF are invalid; so is a sequence cut short by the line end). */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        return 1;
    }
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) {
            lo = 0xA0;
        } else if (c == 0xED) {
            hi = 0x9F;
        }
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) {
            lo = 0x90;
        } else if (c == 0xF4) {
            hi = 0x8F;
        }
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi) {
        return 0;
    }
    for (size_t i = 2; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
    }
    return len;
}

/* Every line must be valid UTF-8 without control characters (tab excepted). */
static bool check_line_bytes(Parser *p)
{
    size_t i = 0;
    while (i < p->line_len) {
        unsigned char c = p->line[i];
        if (c == 0) {
            return fail_at(p, MAP_ERR_TEXT, p->line_no, col_of(p, i), "NUL byte in map text");
        }
        if (c == '\r') {
            return fail_at(p, MAP_ERR_TEXT, p->line_no, col_of(p, i),
                           "carriage return not followed by a line feed");
        }
        if ((c < 0x20 && c != '\t') || c == 0x7F) {
            return fail_at(p, MAP_ERR_TEXT, p->line_no, col_of(p, i),
                           "control character U+%04X is not allowed", (unsigned)c);
        }
        size_t n = utf8_seq_len(p->line + i, p->line_len - i);
        if (n == 0) {
            return fail_at(p, MAP_ERR_TEXT, p->line_no, col_of(p, i), "invalid UTF-8 (byte 0x%02X)",
                           (unsigned)c);
        }
        if (n == 2 && c == 0xC2 && p->line[i + 1] < 0xA0) { /* C1 controls U+0080..U+009F */
            return fail_at(p, MAP_ERR_TEXT, p->line_no, col_of(p, i),
                           "control character U+%04X is not allowed", (unsigned)p->line[i + 1]);
        }
        i += n;
    }
    return true;
}

/* Trims blanks on both ends of line[*b, *e). */
static void trim(const unsigned char *line, size_t *b, size_t *e)
{
    while (*b < *e && is_blank(line[*b])) {
        (*b)++;
    }
    while (*e > *b && is_blank(line[*e - 1])) {
        (*e)--;
    }
}

static bool span_is(const unsigned char *s, size_t n, const char *word)
{
    size_t wl = strlen(word);
    return n == wl && memcmp(s, word, wl) == 0;
}

/* ---- header -------------------------------------------------------------------------- */

static bool parse_magic(Parser *p, size_t b, size_t e)
{
    const unsigned char *l = p->line;
    size_t t = b;
    while (t < e && !is_blank(l[t])) {
        t++;
    }
    if (!span_is(l + b, t - b, "arena-map")) {
        return fail_at(p, MAP_ERR_HEADER, p->line_no, col_of(p, b),
                       "the first line must be 'arena-map %d' (the map format header)",
                       MAP_FORMAT_VERSION);
    }
    size_t v = t;
    while (v < e && is_blank(l[v])) {
        v++;
    }
    if (v == e) {
        return fail_at(p, MAP_ERR_HEADER, p->line_no, col_of(p, e),
                       "missing format version after 'arena-map'");
    }
    unsigned long version = 0;
    size_t d = v;
    while (d < e && l[d] >= '0' && l[d] <= '9') {
        if (version <= MAP_FORMAT_VERSION) { /* anything larger is unsupported anyway */
            version = version * 10 + (unsigned long)(l[d] - '0');
        }
        d++;
    }
    if (d == v || (d < e && !is_blank(l[d]))) {
        return fail_at(p, MAP_ERR_HEADER, p->line_no, col_of(p, v),
                       "format version must be a whole number");
    }
    if (version != MAP_FORMAT_VERSION) {
        char q[QUOTE_MAX + 4];
        quote_text(q, l + v, d - v);
        return fail_at(p, MAP_ERR_HEADER, p->line_no, col_of(p, v),
                       "unsupported map format version %s (this loader reads version %d)", q,
                       MAP_FORMAT_VERSION);
    }
    if (d < e) {
        size_t x = d;
        while (is_blank(l[x])) {
            x++;
        }
        return fail_at(p, MAP_ERR_HEADER, p->line_no, col_of(p, x),
                       "unexpected text after the format version");
    }
    return true;
}

/* Validates a name value line[b, e) (already trimmed) and copies it into out[max + 1]. */
static bool take_name(Parser *p, const char *what, size_t eq, size_t b, size_t e, char *out,
                      size_t max)
{
    if (b == e) {
        return fail_at(p, MAP_ERR_DECL, p->line_no, col_of(p, eq + 1), "%s must not be empty",
                       what);
    }
    if (e - b > max) {
        return fail_at(p, MAP_ERR_DECL, p->line_no, col_of(p, b),
                       "%s is %zu bytes long; the limit is %zu", what, e - b, max);
    }
    for (size_t i = b; i < e; i++) {
        if (p->line[i] == '\t') {
            return fail_at(p, MAP_ERR_DECL, p->line_no, col_of(p, i), "tab in %s (use spaces)",
                           what);
        }
    }
    memcpy(out, p->line + b, e - b);
    out[e - b] = '\0';
    return true;
}

static bool parse_header_line(Parser *p, size_t b, size_t e, ParseState *st)
{
    const unsigned char *l = p->line;
    if (span_is(l + b, e - b, "grid")) {
        if (p->name_line == 0) {
            return fail_at(p, MAP_ERR_LAYOUT, p->line_no, 0,
                           "missing 'name = ...' line before 'grid'");
        }
        *st = ST_GRID;
        return true;
    }
    size_t eq = b;
    while (eq < e && l[eq] != '=') {
        eq++;
    }
    if (eq == e) {
        return fail_at(p, MAP_ERR_DECL, p->line_no, col_of(p, b),
                       "expected 'key = value', 'grid' or a '#' comment");
    }
    size_t kb = b, ke = eq, vb = eq + 1, ve = e;
    trim(l, &kb, &ke);
    trim(l, &vb, &ve);
    if (kb == ke) {
        return fail_at(p, MAP_ERR_DECL, p->line_no, col_of(p, eq), "missing key before '='");
    }
    if (span_is(l + kb, ke - kb, "name")) {
        if (p->name_line != 0) {
            return fail_at(p, MAP_ERR_DECL, p->line_no, col_of(p, kb),
                           "duplicate key 'name' (first set on line %d)", p->name_line);
        }
        if (!take_name(p, "name", eq, vb, ve, p->m->name, PROTO_MAP_NAME_MAX)) {
            return false;
        }
        p->name_line = p->line_no;
        return true;
    }
    if (ke - kb >= 4 && memcmp(l + kb, "zone", 4) == 0 && (ke - kb == 4 || is_blank(l[kb + 4]))) {
        size_t zb = kb + 4, ze = ke;
        trim(l, &zb, &ze);
        if (ze - zb != 1 || l[zb] < 'a' || l[zb] > 'z') {
            return fail_at(p, MAP_ERR_DECL, p->line_no, col_of(p, zb == ze ? kb : zb),
                           "zone keys look like 'zone q = name' with one letter a-z");
        }
        unsigned z = (unsigned)(l[zb] - 'a');
        if (p->zone_line[z] != 0) {
            return fail_at(p, MAP_ERR_DECL, p->line_no, col_of(p, zb),
                           "zone '%c' is already declared on line %d", l[zb], p->zone_line[z]);
        }
        if (!take_name(p, "zone name", eq, vb, ve, p->m->zone_names[z], MAP_ZONE_NAME_MAX)) {
            return false;
        }
        p->zone_line[z] = p->line_no;
        return true;
    }
    char q[QUOTE_MAX + 4];
    quote_text(q, l + kb, ke - kb);
    return fail_at(p, MAP_ERR_DECL, p->line_no, col_of(p, kb),
                   "unknown key '%s' (known: name, zone <letter>)", q);
}

/* ---- grid ---------------------------------------------------------------------------- */

static bool bad_grid_char(Parser *p, size_t i)
{
    const unsigned char *l = p->line;
    int col = col_of(p, i);
    if (l[i] == '\t') {
        return fail_at(p, MAP_ERR_GRID, p->line_no, col, "tab in grid (use # . S or a-z)");
    }
    if (l[i] == ' ') {
        return fail_at(p, MAP_ERR_GRID, p->line_no, col, "space in grid (use # . S or a-z)");
    }
    /* Quote the whole character (the line is valid UTF-8 here). */
    char q[8];
    size_t n = utf8_seq_len(l + i, p->line_len - i);
    memcpy(q, l + i, n);
    q[n] = '\0';
    return fail_at(p, MAP_ERR_GRID, p->line_no, col,
                   "unexpected character '%s' in grid (use # . S or a-z)", q);
}

static bool parse_grid_row(Parser *p)
{
    Map *m = p->m;
    const unsigned char *l = p->line;
    size_t n = p->line_len;
    if (m->h == 0) {
        p->grid_line = p->line_no;
    }
    if (m->h >= MAP_MAX_H) {
        return fail_at(p, MAP_ERR_GRID, p->line_no, 0, "grid has more than %d rows", MAP_MAX_H);
    }
    if (n == 0) {
        return fail_at(p, MAP_ERR_GRID, p->line_no, 0,
                       "empty line in grid (a grid ends with 'end')");
    }
    unsigned ty = m->h;
    for (size_t i = 0; i < n; i++) {
        if (i >= MAP_MAX_W) {
            return fail_at(p, MAP_ERR_GRID, p->line_no, col_of(p, i),
                           "grid row is wider than %d tiles", MAP_MAX_W);
        }
        if (m->h > 0 && i >= m->w) {
            return fail_at(p, MAP_ERR_GRID, p->line_no, col_of(p, i),
                           "row is longer than the first grid row (line %d, %u tiles)",
                           p->grid_line, (unsigned)m->w);
        }
        unsigned char c = l[i];
        uint8_t tile = MAP_FLOOR, zone = 0;
        if (c == '#') {
            tile = MAP_WALL;
        } else if (c == '.') {
            /* plain floor */
        } else if (c == 'S') {
            if (m->spawn_count >= MAP_MAX_SPAWNS) {
                return fail_at(p, MAP_ERR_SPAWN, p->line_no, col_of(p, i),
                               "more than %d spawn points", MAP_MAX_SPAWNS);
            }
            m->spawns[m->spawn_count].tx = (uint16_t)i;
            m->spawns[m->spawn_count].ty = (uint16_t)ty;
            m->spawn_count++;
        } else if (c >= 'a' && c <= 'z') {
            if (p->zone_line[c - 'a'] == 0) {
                return fail_at(p, MAP_ERR_GRID, p->line_no, col_of(p, i),
                               "zone '%c' is not declared (add 'zone %c = <name>' before 'grid')",
                               c, c);
            }
            zone = (uint8_t)(c - 'a' + 1);
        } else {
            return bad_grid_char(p, i);
        }
        m->tiles[ty][i] = tile;
        m->zones[ty][i] = zone;
    }
    if (m->h == 0) {
        if (n < MAP_MIN_W) {
            return fail_at(p, MAP_ERR_GRID, p->line_no, 0,
                           "grid rows must be at least %d tiles wide", MAP_MIN_W);
        }
        m->w = (uint16_t)n;
    } else if (n < m->w) {
        return fail_at(p, MAP_ERR_GRID, p->line_no, col_of(p, n),
                       "row is shorter than the first grid row (line %d, %u tiles)", p->grid_line,
                       (unsigned)m->w);
    }
    m->h++;
    return true;
}

/* The grid character a floor tile was written as. */
static char tile_char(const Map *m, unsigned tx, unsigned ty)
{
    if (m->zones[ty][tx] != 0) {
        return (char)('a' + m->zones[ty][tx] - 1);
    }
    for (unsigned i = 0; i < m->spawn_count; i++) {
        if (m->spawns[i].tx == tx && m->spawns[i].ty == ty) {
            return 'S';
        }
    }
    return '.';
}

/* Called on the "end" line: checks what needs the whole grid. */
static bool finish_grid(Parser *p)
{
    const Map *m = p->m;
    if (m->h < MAP_MIN_H) {
        return fail_at(p, MAP_ERR_GRID, p->line_no, 0, "grid has %u rows; at least %d are needed",
                       (unsigned)m->h, MAP_MIN_H);
    }
    for (unsigned ty = 0; ty < m->h; ty++) {
        bool edge_row = ty == 0 || ty + 1 == m->h;
        for (unsigned tx = 0; tx < m->w; tx++) {
            if (!edge_row && tx != 0 && tx + 1 != m->w) {
                continue;
            }
            if (m->tiles[ty][tx] != MAP_WALL) {
                /* Grid rows are consecutive lines and pure ASCII: col is tx + 1. */
                return fail_at(p, MAP_ERR_GRID, p->grid_line + (int)ty, (int)tx + 1,
                               "border tile '%c' is not a wall: the outer edge of the grid must "
                               "be all '#'",
                               tile_char(m, tx, ty));
            }
        }
    }
    if (m->spawn_count == 0) {
        return fail_at(p, MAP_ERR_SPAWN, p->line_no, 0, "the grid has no spawn point 'S'");
    }
    return true;
}

const char *map_error_str(MapErrorCode code)
{
    switch (code) {
    case MAP_OK:
        return "ok";
    case MAP_ERR_TEXT:
        return "not map text (size, NUL, UTF-8 or control character)";
    case MAP_ERR_HEADER:
        return "bad or missing 'arena-map' header";
    case MAP_ERR_DECL:
        return "bad name or zone declaration";
    case MAP_ERR_GRID:
        return "bad grid";
    case MAP_ERR_SPAWN:
        return "too many or no spawn points";
    case MAP_ERR_LAYOUT:
        return "section missing or out of order";
    }
    return "unknown error";
}

/* ---- driver -------------------------------------------------------------------------- */

/* One line of text, already checked to be valid text, in state *st. */
static bool parse_line(Parser *p, ParseState *st)
{
    size_t b = 0, e = p->line_len;
    trim(p->line, &b, &e);
    bool blank_or_comment = b == e || p->line[b] == '#';
    switch (*st) {
    case ST_MAGIC:
        if (!blank_or_comment) {
            if (!parse_magic(p, b, e)) {
                return false;
            }
            *st = ST_HEADER;
        }
        break;
    case ST_HEADER:
        if (!blank_or_comment && !parse_header_line(p, b, e, st)) {
            return false;
        }
        break;
    case ST_GRID:
        if (span_is(p->line + b, e - b, "end")) {
            if (!finish_grid(p)) {
                return false;
            }
            *st = ST_DONE;
        } else if (!parse_grid_row(p)) {
            return false;
        }
        break;
    case ST_DONE:
        if (!blank_or_comment) {
            return fail_at(p, MAP_ERR_LAYOUT, p->line_no, col_of(p, b),
                           "unexpected text after 'end' (only blank lines and comments may "
                           "follow)");
        }
        break;
    }
    return true;
}

/* The text ended in state st: only after 'end' is the map complete. */
static bool parse_end(Parser *p, ParseState st)
{
    int last = p->line_no > 0 ? p->line_no : 1;
    switch (st) {
    case ST_MAGIC:
        return fail_at(p, MAP_ERR_HEADER, last, 0,
                       "missing 'arena-map %d' header (the file has no content)",
                       MAP_FORMAT_VERSION);
    case ST_HEADER:
        return fail_at(p, MAP_ERR_LAYOUT, last, 0, "missing 'grid' line and grid");
    case ST_GRID:
        if (p->m->h == 0) {
            return fail_at(p, MAP_ERR_LAYOUT, last, 0, "missing grid rows and 'end' after 'grid'");
        }
        return fail_at(p, MAP_ERR_LAYOUT, last, 0,
                       "missing 'end' after the grid (which starts on line %d)", p->grid_line);
    case ST_DONE:
        break;
    }
    return true;
}

bool map_load(Map *m, const char *text, size_t len, MapError *err)
{
    assert(m != NULL);
    assert(text != NULL || len == 0);
    memset(m, 0, sizeof *m);
    if (err) {
        memset(err, 0, sizeof *err);
    }
    Parser p;
    memset(&p, 0, sizeof p);
    p.m = m;
    p.err = err;

    if (len > MAP_TEXT_MAX) {
        return fail_at(&p, MAP_ERR_TEXT, 1, 0, "map text is %zu bytes; the limit is %d", len,
                       MAP_TEXT_MAX);
    }
    const unsigned char *s = (const unsigned char *)text;
    size_t pos = 0;
    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        pos = 3; /* a UTF-8 byte order mark some editors write; not part of line 1 */
    }

    ParseState st = ST_MAGIC;
    while (pos < len) {
        const unsigned char *nl = memchr(s + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - s) : len;
        size_t next = nl ? end + 1 : len;
        if (nl && end > pos && s[end - 1] == '\r') {
            end--; /* CRLF line ending */
        }
        p.line = s + pos;
        p.line_len = end - pos;
        p.line_no++;
        pos = next;
        if (!check_line_bytes(&p) || !parse_line(&p, &st)) {
            return false;
        }
    }
    if (!parse_end(&p, st)) {
        return false;
    }
    m->checksum = map_fnv1a32(text, len);
    return true;
}

bool map_is_wall(const Map *m, int32_t tx, int32_t ty)
{
    if (tx < 0 || ty < 0 || tx >= (int32_t)m->w || ty >= (int32_t)m->h) {
        return true;
    }
    return m->tiles[ty][tx] == MAP_WALL;
}

unsigned map_zone_at(const Map *m, int32_t tx, int32_t ty)
{
    if (tx < 0 || ty < 0 || tx >= (int32_t)m->w || ty >= (int32_t)m->h) {
        return 0;
    }
    return m->zones[ty][tx];
}

uint32_t map_fnv1a32(const void *data, size_t len)
{
    const unsigned char *b = data;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= b[i];
        h *= 16777619u;
    }
    return h;
}
