/* msg.c — see msg.h. Encoders validate exactly what the decoders validate, so anything that
 * encodes also decodes; decoders read only through a BsReader and never trust a count or
 * length before checking it. No allocation, no I/O, no globals. */
#include "msg.h"

#include <assert.h>
#include <string.h>

#include "bitstream.h"
#include "lagcomp.h"
#include "line.h"
#include "map.h"

enum {
    MSG_INPUT_COUNT_BITS = 5, /* count - 1 */
    MSG_PLAYER_ID_BITS = PROTO_PLAYER_ID_BITS,
    MSG_DISCOVERY_MAGIC_BYTES = 4,
    MSG_DISCOVERY_QUERY_USED = 9, /* magic, version, nonce; the rest is zero padding */
};

static const uint8_t disc_query_magic[MSG_DISCOVERY_MAGIC_BYTES] = {'L', 'H', 'A', 'Q'};
static const uint8_t disc_reply_magic[MSG_DISCOVERY_MAGIC_BYTES] = {'L', 'H', 'A', 'R'};

/* ---- shared helpers ---------------------------------------------------------------------- */

static bool input_valid(SimInput in)
{
    return in.buttons <= SIM_BTN_MASK && in.aim < SIM_ANGLE_STEPS;
}

static bool input_equal(SimInput a, SimInput b)
{
    return a.buttons == b.buttons && a.aim == b.aim;
}

/* A string field of a struct: NUL-terminated within cap bytes, at most maxlen bytes, valid
 * text (UTF-8 without control characters), non-empty if required. */
static bool text_field_valid(const char *s, size_t cap, size_t maxlen, bool nonempty)
{
    const char *end = memchr(s, '\0', cap);
    if (end == NULL)
        return false;
    size_t n = (size_t)(end - s);
    if (n > maxlen || (nonempty && n == 0))
        return false;
    return line_text_valid((const uint8_t *)s, n);
}

/* Reads n bits; TRUNCATED if they are not there (the only way bs_read_bits fails). */
static MsgError read_bits(BsReader *r, unsigned nbits, uint32_t *out)
{
    *out = bs_read_bits(r, nbits);
    return r->error ? MSG_ERR_TRUNCATED : MSG_OK;
}

/* Reads a uvarint and tells a cut-off varint (TRUNCATED) from a malformed one (VALUE). */
static MsgError read_uvarint(BsReader *r, uint32_t *out)
{
    BsReader probe = *r;
    uint32_t v = bs_read_uvarint(&probe);
    if (!probe.error) {
        *r = probe;
        *out = v;
        return MSG_OK;
    }
    BsReader scan = *r;
    for (unsigned i = 0; i < 5; i++) {
        if (bs_reader_remaining(&scan) < 8)
            return MSG_ERR_TRUNCATED;
        (void)bs_read_bits(&scan, 7);
        if (!bs_read_bool(&scan))
            break;
    }
    return MSG_ERR_VALUE; /* non-minimal or above UINT32_MAX */
}

/* Reads a string field (uvarint length, then the bytes) into dst[maxlen + 1]. */
static MsgError read_text(BsReader *r, char *dst, size_t maxlen, bool nonempty)
{
    uint32_t n;
    MsgError e = read_uvarint(r, &n);
    if (e != MSG_OK)
        return e;
    if (n > maxlen || (nonempty && n == 0))
        return MSG_ERR_VALUE;
    if (bs_reader_remaining(r) / 8 < n)
        return MSG_ERR_TRUNCATED;
    bs_read_bytes(r, dst, n);
    if (r->error)
        return MSG_ERR_TRUNCATED;
    dst[n] = '\0';
    if (!line_text_valid((const uint8_t *)dst, n))
        return MSG_ERR_VALUE;
    return MSG_OK;
}

/* Reads the message type byte. */
static MsgError read_type(BsReader *r, ProtoMsgType want)
{
    uint32_t t;
    MsgError e = read_bits(r, 8, &t);
    if (e != MSG_OK)
        return e;
    return t == (uint32_t)want ? MSG_OK : MSG_ERR_TYPE;
}

static MsgError finish(const BsReader *r)
{
    return bs_reader_finished(r) ? MSG_OK : MSG_ERR_TRAILING;
}

/* Returns from the decoder with expr's error, if any. */
#define MSG_TRY(expr)                                                                              \
    do {                                                                                           \
        MsgError e_ = (expr);                                                                      \
        if (e_ != MSG_OK)                                                                          \
            return e_;                                                                             \
    } while (0)

static size_t writer_result(const BsWriter *w, size_t max)
{
    if (w->error)
        return 0;
    size_t n = bs_writer_bytes(w);
    assert(n > 0 && n <= max); /* postcondition: never more than the documented maximum */
    (void)max;
    return n;
}

/* Every decoder's outer shape: decode the whole buffer into a zeroed scratch copy, hand it
 * over only on success, zero the caller's value on failure. */
typedef MsgError (*MsgBodyFn)(BsReader *r, void *out);

static MsgError decode_whole(const uint8_t *buf, size_t len, void *m, size_t size, MsgBodyFn body)
{
    assert(m != NULL && (buf != NULL || len == 0));
    union {
        MsgInput input;
        MsgBind bind;
        MsgWelcome welcome;
        MsgMap map;
        MsgDiscoveryQuery query;
        MsgDiscoveryReply reply;
        MsgEvent event;
    } tmp;
    assert(size <= sizeof tmp);
    memset(&tmp, 0, sizeof tmp);
    BsReader r;
    bs_reader_init(&r, buf, len);
    MsgError e = body(&r, &tmp);
    if (e == MSG_OK)
        memcpy(m, &tmp, size);
    else
        memset(m, 0, size);
    return e;
}

/* ---- INPUT ------------------------------------------------------------------------------- */

static bool msg_input_valid(const MsgInput *m)
{
    if (m->count < 1 || m->count > PROTO_INPUT_WINDOW)
        return false;
    if (m->newest_tick < m->count) /* the oldest input's tick must be >= 1 */
        return false;
    if (m->view_lag > LC_VIEW_LAG_MAX)
        return false;
    for (unsigned i = 0; i < m->count; i++)
        if (!input_valid(m->inputs[i]))
            return false;
    return true;
}

size_t msg_input_encode(const MsgInput *m, uint8_t *out, size_t cap)
{
    assert(m != NULL && (out != NULL || cap == 0));
    if (!msg_input_valid(m))
        return 0;
    BsWriter w;
    bs_writer_init(&w, out, cap);
    bs_write_bits(&w, PROTO_MSG_INPUT, 8);
    bs_write_bits(&w, m->snapshot_ack, 32);
    bs_write_bits(&w, m->newest_tick, 32);
    bs_write_bits(&w, (uint32_t)m->count - 1u, MSG_INPUT_COUNT_BITS);
    bs_write_bits(&w, m->view_lag, LC_VIEW_LAG_BITS);
    bs_write_bits(&w, m->inputs[0].buttons, SIM_BTN_BITS);
    bs_write_bits(&w, m->inputs[0].aim, SIM_ANGLE_BITS);
    for (unsigned i = 1; i < m->count; i++) {
        SimInput prev = m->inputs[i - 1], cur = m->inputs[i];
        if (input_equal(prev, cur)) {
            bs_write_bool(&w, false);
            continue;
        }
        bs_write_bool(&w, true);
        bs_write_bool(&w, cur.buttons != prev.buttons);
        if (cur.buttons != prev.buttons)
            bs_write_bits(&w, cur.buttons, SIM_BTN_BITS);
        bs_write_bool(&w, cur.aim != prev.aim);
        if (cur.aim != prev.aim)
            bs_write_bits(&w, cur.aim, SIM_ANGLE_BITS);
    }
    return writer_result(&w, MSG_INPUT_MAX_BYTES);
}

static MsgError input_decode(BsReader *r, void *out)
{
    MsgInput *m = out;
    uint32_t v;
    MSG_TRY(read_type(r, PROTO_MSG_INPUT));
    MSG_TRY(read_bits(r, 32, &m->snapshot_ack));
    MSG_TRY(read_bits(r, 32, &m->newest_tick));
    MSG_TRY(read_bits(r, MSG_INPUT_COUNT_BITS, &v));
    m->count = (uint8_t)(v + 1u); /* 1..32 by construction */
    if (m->newest_tick < m->count)
        return MSG_ERR_VALUE;
    MSG_TRY(read_bits(r, LC_VIEW_LAG_BITS, &v));
    m->view_lag = (uint16_t)v; /* every value is legal; the server clamps it to its cap */
    MSG_TRY(read_bits(r, SIM_BTN_BITS, &v));
    m->inputs[0].buttons = (uint8_t)v;
    MSG_TRY(read_bits(r, SIM_ANGLE_BITS, &v));
    m->inputs[0].aim = (uint16_t)v;
    for (unsigned i = 1; i < m->count; i++) {
        SimInput prev = m->inputs[i - 1], cur = prev;
        uint32_t differs, bch, ach;
        MSG_TRY(read_bits(r, 1, &differs));
        if (differs) {
            MSG_TRY(read_bits(r, 1, &bch));
            if (bch) {
                MSG_TRY(read_bits(r, SIM_BTN_BITS, &v));
                cur.buttons = (uint8_t)v;
            }
            MSG_TRY(read_bits(r, 1, &ach));
            if (ach) {
                MSG_TRY(read_bits(r, SIM_ANGLE_BITS, &v));
                cur.aim = (uint16_t)v;
            }
            /* Canonical form only: a "changed" flag must mean a different value. */
            if ((!bch && !ach) || (bch && cur.buttons == prev.buttons) ||
                (ach && cur.aim == prev.aim))
                return MSG_ERR_VALUE;
        }
        m->inputs[i] = cur;
    }
    return finish(r);
}

MsgError msg_input_decode(const uint8_t *buf, size_t len, MsgInput *m)
{
    return decode_whole(buf, len, m, sizeof *m, input_decode);
}

/* ---- BIND -------------------------------------------------------------------------------- */

size_t msg_bind_encode(const MsgBind *m, uint8_t *out, size_t cap)
{
    assert(m != NULL && (out != NULL || cap == 0));
    BsWriter w;
    bs_writer_init(&w, out, cap);
    bs_write_bits(&w, PROTO_MSG_BIND, 8);
    bs_write_bits(&w, m->version, 8);
    bs_write_bytes(&w, m->token, PROTO_TOKEN_BYTES);
    size_t n = writer_result(&w, MSG_BIND_BYTES);
    assert(n == 0 || n == MSG_BIND_BYTES);
    return n;
}

static MsgError bind_decode(BsReader *r, void *out)
{
    MsgBind *m = out;
    uint32_t v;
    MSG_TRY(read_type(r, PROTO_MSG_BIND));
    MSG_TRY(read_bits(r, 8, &v));
    m->version = (uint8_t)v;
    if (bs_reader_remaining(r) < PROTO_TOKEN_BYTES * 8)
        return MSG_ERR_TRUNCATED;
    bs_read_bytes(r, m->token, PROTO_TOKEN_BYTES);
    return finish(r);
}

MsgError msg_bind_decode(const uint8_t *buf, size_t len, MsgBind *m)
{
    return decode_whole(buf, len, m, sizeof *m, bind_decode);
}

/* ---- WELCOME ----------------------------------------------------------------------------- */

static bool snapshot_hz_valid(uint32_t hz)
{
    return hz >= PROTO_SNAPSHOT_HZ_MIN && hz <= PROTO_SNAPSHOT_HZ_MAX;
}

static bool input_hz_valid(uint32_t hz)
{
    return hz >= PROTO_INPUT_HZ_MIN && hz <= PROTO_INPUT_HZ_MAX;
}

unsigned msg_input_interval_ticks(unsigned input_hz)
{
    return input_hz_valid(input_hz) ? PROTO_TICK_HZ / input_hz : 1u;
}

size_t msg_welcome_encode(const MsgWelcome *m, uint8_t *out, size_t cap)
{
    assert(m != NULL && (out != NULL || cap == 0));
    if (m->version != PROTO_VERSION || m->player_id >= PROTO_MAX_PLAYERS ||
        m->tick_hz != PROTO_TICK_HZ || !snapshot_hz_valid(m->snapshot_hz) ||
        !input_hz_valid(m->input_hz) ||
        !text_field_valid(m->map_name, sizeof m->map_name, PROTO_MAP_NAME_MAX, true))
        return 0;
    BsWriter w;
    bs_writer_init(&w, out, cap);
    bs_write_bits(&w, PROTO_MSG_WELCOME, 8);
    bs_write_bits(&w, m->version, 8);
    bs_write_bits(&w, m->player_id, MSG_PLAYER_ID_BITS);
    bs_write_bits(&w, m->server_tick, 32);
    bs_write_bits(&w, m->tick_hz, 8);
    bs_write_bits(&w, m->snapshot_hz, 8);
    bs_write_bits(&w, m->input_hz, 8);
    bs_write_bits(&w, m->map_checksum, 32);
    bs_write_string(&w, m->map_name, PROTO_MAP_NAME_MAX);
    return writer_result(&w, MSG_WELCOME_MAX_BYTES);
}

static MsgError welcome_decode(BsReader *r, void *out)
{
    MsgWelcome *m = out;
    uint32_t v;
    MSG_TRY(read_type(r, PROTO_MSG_WELCOME));
    MSG_TRY(read_bits(r, 8, &v));
    if (v != PROTO_VERSION)
        return MSG_ERR_VALUE;
    m->version = (uint8_t)v;
    MSG_TRY(read_bits(r, MSG_PLAYER_ID_BITS, &v));
    if (v >= PROTO_MAX_PLAYERS)
        return MSG_ERR_VALUE;
    m->player_id = (uint16_t)v;
    MSG_TRY(read_bits(r, 32, &m->server_tick));
    MSG_TRY(read_bits(r, 8, &v));
    if (v != PROTO_TICK_HZ)
        return MSG_ERR_VALUE;
    m->tick_hz = (uint8_t)v;
    MSG_TRY(read_bits(r, 8, &v));
    if (!snapshot_hz_valid(v))
        return MSG_ERR_VALUE;
    m->snapshot_hz = (uint8_t)v;
    MSG_TRY(read_bits(r, 8, &v));
    if (!input_hz_valid(v))
        return MSG_ERR_VALUE;
    m->input_hz = (uint8_t)v;
    MSG_TRY(read_bits(r, 32, &m->map_checksum));
    MSG_TRY(read_text(r, m->map_name, PROTO_MAP_NAME_MAX, true));
    return finish(r);
}

MsgError msg_welcome_decode(const uint8_t *buf, size_t len, MsgWelcome *m)
{
    return decode_whole(buf, len, m, sizeof *m, welcome_decode);
}

/* ---- MAP --------------------------------------------------------------------------------- */

size_t msg_map_encode(const MsgMap *m, uint8_t *out, size_t cap)
{
    assert(m != NULL && (out != NULL || cap == 0));
    if (m->text == NULL || m->len < 1 || m->len > PROTO_MAP_TEXT_MAX ||
        map_fnv1a32(m->text, m->len) != m->checksum)
        return 0;
    BsWriter w;
    bs_writer_init(&w, out, cap);
    bs_write_bits(&w, PROTO_MSG_MAP, 8);
    bs_write_bits(&w, m->checksum, 32);
    bs_write_uvarint(&w, (uint32_t)m->len);
    bs_write_align(&w); /* no-op: the fields above are whole bytes; kept for the format */
    bs_write_bytes(&w, m->text, m->len);
    return writer_result(&w, MSG_MAP_MAX_BYTES);
}

static MsgError map_decode(BsReader *r, void *out)
{
    MsgMap *m = out;
    uint32_t n;
    MSG_TRY(read_type(r, PROTO_MSG_MAP));
    MSG_TRY(read_bits(r, 32, &m->checksum));
    MSG_TRY(read_uvarint(r, &n));
    if (n < 1 || n > PROTO_MAP_TEXT_MAX)
        return MSG_ERR_VALUE;
    bs_read_align(r); /* reads zero bits: always aligned here */
    assert(r->bitpos % 8 == 0);
    if (bs_reader_remaining(r) / 8 < n)
        return MSG_ERR_TRUNCATED;
    const char *text = (const char *)(r->buf + r->bitpos / 8);
    r->bitpos += (size_t)n * 8; /* skip the text in place; bounds checked just above */
    if (map_fnv1a32(text, n) != m->checksum)
        return MSG_ERR_VALUE;
    MSG_TRY(finish(r));
    m->text = text;
    m->len = n;
    return MSG_OK;
}

MsgError msg_map_decode(const uint8_t *buf, size_t len, MsgMap *m)
{
    MsgError e = decode_whole(buf, len, m, sizeof *m, map_decode);
    if (e != MSG_OK)
        m->text = NULL;
    return e;
}

/* ---- discovery --------------------------------------------------------------------------- */

size_t msg_discovery_query_encode(const MsgDiscoveryQuery *m, uint8_t *out, size_t cap)
{
    assert(m != NULL && (out != NULL || cap == 0));
    if (cap < PROTO_DISCOVERY_QUERY_BYTES)
        return 0;
    BsWriter w;
    bs_writer_init(&w, out, cap);
    bs_write_bytes(&w, disc_query_magic, MSG_DISCOVERY_MAGIC_BYTES);
    bs_write_bits(&w, m->version, 8);
    bs_write_bits(&w, m->nonce, 32);
    while (bs_writer_bytes(&w) < PROTO_DISCOVERY_QUERY_BYTES)
        bs_write_bits(&w, 0, 8);
    size_t n = writer_result(&w, PROTO_DISCOVERY_QUERY_BYTES);
    assert(n == PROTO_DISCOVERY_QUERY_BYTES);
    return n;
}

/* Checks the 4-byte magic; cut-off input is TRUNCATED, a mismatch TYPE. */
static MsgError read_magic(BsReader *r, const uint8_t magic[MSG_DISCOVERY_MAGIC_BYTES])
{
    uint8_t got[MSG_DISCOVERY_MAGIC_BYTES];
    if (bs_reader_remaining(r) < MSG_DISCOVERY_MAGIC_BYTES * 8)
        return MSG_ERR_TRUNCATED;
    bs_read_bytes(r, got, sizeof got);
    return memcmp(got, magic, sizeof got) == 0 ? MSG_OK : MSG_ERR_TYPE;
}

static MsgError disc_query_decode(BsReader *r, void *out)
{
    MsgDiscoveryQuery *m = out;
    uint32_t v;
    MSG_TRY(read_magic(r, disc_query_magic));
    if (r->len < PROTO_DISCOVERY_QUERY_BYTES)
        return MSG_ERR_TRUNCATED;
    if (r->len > PROTO_DISCOVERY_QUERY_BYTES)
        return MSG_ERR_TRAILING;
    MSG_TRY(read_bits(r, 8, &v));
    m->version = (uint8_t)v;
    MSG_TRY(read_bits(r, 32, &m->nonce));
    for (size_t i = MSG_DISCOVERY_QUERY_USED; i < PROTO_DISCOVERY_QUERY_BYTES; i++) {
        MSG_TRY(read_bits(r, 8, &v));
        if (v != 0)
            return MSG_ERR_VALUE; /* padding must be zero */
    }
    return finish(r);
}

MsgError msg_discovery_query_decode(const uint8_t *buf, size_t len, MsgDiscoveryQuery *m)
{
    return decode_whole(buf, len, m, sizeof *m, disc_query_decode);
}

static bool disc_counts_valid(uint32_t players, uint32_t capacity)
{
    return capacity >= 1 && capacity <= PROTO_MAX_PLAYERS && players <= capacity;
}

size_t msg_discovery_reply_encode(const MsgDiscoveryReply *m, uint8_t *out, size_t cap,
                                  size_t query_len)
{
    assert(m != NULL && (out != NULL || cap == 0));
    if (m->version != PROTO_VERSION || !disc_counts_valid(m->players, m->capacity) ||
        m->game_port == 0 || m->login_port == 0 ||
        !text_field_valid(m->server_name, sizeof m->server_name, PROTO_SERVER_NAME_MAX, true) ||
        !text_field_valid(m->map_name, sizeof m->map_name, PROTO_MAP_NAME_MAX, false))
        return 0;
    /* Never answer with more bytes than were asked with: no amplification. */
    if (cap > query_len)
        cap = query_len;
    BsWriter w;
    bs_writer_init(&w, out, cap);
    bs_write_bytes(&w, disc_reply_magic, MSG_DISCOVERY_MAGIC_BYTES);
    bs_write_bits(&w, m->version, 8);
    bs_write_bits(&w, m->nonce, 32);
    bs_write_string(&w, m->server_name, PROTO_SERVER_NAME_MAX);
    bs_write_string(&w, m->map_name, PROTO_MAP_NAME_MAX);
    bs_write_bits(&w, m->players, 16);
    bs_write_bits(&w, m->capacity, 16);
    bs_write_bits(&w, m->game_port, 16);
    bs_write_bits(&w, m->login_port, 16);
    size_t n = writer_result(&w, MSG_DISCOVERY_REPLY_MAX_BYTES);
    assert(n <= query_len);
    return n;
}

static MsgError disc_reply_decode(BsReader *r, void *out)
{
    MsgDiscoveryReply *m = out;
    uint32_t v, players, capacity, game_port, login_port;
    MSG_TRY(read_magic(r, disc_reply_magic));
    MSG_TRY(read_bits(r, 8, &v));
    if (v != PROTO_VERSION)
        return MSG_ERR_VALUE;
    m->version = (uint8_t)v;
    MSG_TRY(read_bits(r, 32, &m->nonce));
    MSG_TRY(read_text(r, m->server_name, PROTO_SERVER_NAME_MAX, true));
    MSG_TRY(read_text(r, m->map_name, PROTO_MAP_NAME_MAX, false));
    MSG_TRY(read_bits(r, 16, &players));
    MSG_TRY(read_bits(r, 16, &capacity));
    MSG_TRY(read_bits(r, 16, &game_port));
    MSG_TRY(read_bits(r, 16, &login_port));
    if (!disc_counts_valid(players, capacity) || game_port == 0 || login_port == 0)
        return MSG_ERR_VALUE;
    m->players = (uint16_t)players;
    m->capacity = (uint16_t)capacity;
    m->game_port = (uint16_t)game_port;
    m->login_port = (uint16_t)login_port;
    return finish(r);
}

MsgError msg_discovery_reply_decode(const uint8_t *buf, size_t len, MsgDiscoveryReply *m)
{
    return decode_whole(buf, len, m, sizeof *m, disc_reply_decode);
}

/* ---- EVENT ------------------------------------------------------------------------------- */

enum { MSG_EVENT_KIND_BITS = 8 };

/* MATCH's body: phase, winner flag, phase end, limits; false if a value is out of range. */
static bool match_write(BsWriter *w, const MsgEvent *m)
{
    const MsgMatch *x = &m->match;
    if (x->phase < SIM_PHASE_WARMUP || x->phase > SIM_PHASE_ENDED ||
        (x->has_winner && x->phase != SIM_PHASE_ENDED) || (!x->has_winner && m->a != 0))
        return false;
    bs_write_bits(w, x->phase, 8);
    bs_write_bits(w, x->has_winner ? 1u : 0u, 8);
    bs_write_bits(w, x->phase_end, 32);
    bs_write_bits(w, x->score_limit, 16);
    bs_write_bits(w, x->time_limit, 16);
    return true;
}

static void stats_write(BsWriter *w, const MsgStats *x)
{
    bs_write_bits(w, x->kills, 16);
    bs_write_bits(w, x->deaths, 16);
    bs_write_bits(w, x->shots, 16);
    bs_write_bits(w, x->hits, 16);
}

size_t msg_event_encode(const MsgEvent *m, uint8_t *out, size_t cap)
{
    assert(m != NULL && (out != NULL || cap == 0));
    if (m->a >= PROTO_MAX_PLAYERS)
        return 0;
    BsWriter w;
    bs_writer_init(&w, out, cap);
    bs_write_bits(&w, PROTO_MSG_EVENT, 8);
    bs_write_bits(&w, m->kind, MSG_EVENT_KIND_BITS);
    bs_write_bits(&w, m->a, MSG_PLAYER_ID_BITS);
    switch (m->kind) {
    case MSG_EV_PLAYER:
        if (!text_field_valid(m->name, sizeof m->name, PROTO_NAME_MAX, true))
            return 0;
        bs_write_string(&w, m->name, PROTO_NAME_MAX);
        bs_write_bits(&w, m->colour, 8);
        break;
    case MSG_EV_LEFT:
    case MSG_EV_LEGEND:
    case MSG_EV_SPAWN:
        break;
    case MSG_EV_HIT:
    case MSG_EV_KILL:
        if (m->b >= PROTO_MAX_PLAYERS || (m->kind == MSG_EV_HIT && m->health > PROTO_MAX_HEALTH))
            return 0;
        bs_write_bits(&w, m->b, MSG_PLAYER_ID_BITS);
        if (m->kind == MSG_EV_HIT)
            bs_write_bits(&w, m->health, 8);
        break;
    case MSG_EV_MATCH:
        if (!match_write(&w, m))
            return 0;
        break;
    case MSG_EV_STATS:
        stats_write(&w, &m->stats);
        break;
    default:
        return 0;
    }
    return writer_result(&w, MSG_EVENT_MAX_BYTES);
}

static MsgError match_read(BsReader *r, MsgEvent *m)
{
    MsgMatch *x = &m->match;
    uint32_t phase, winner, end, score, time;
    MSG_TRY(read_bits(r, 8, &phase));
    MSG_TRY(read_bits(r, 8, &winner));
    MSG_TRY(read_bits(r, 32, &end));
    MSG_TRY(read_bits(r, 16, &score));
    MSG_TRY(read_bits(r, 16, &time));
    if (phase < SIM_PHASE_WARMUP || phase > SIM_PHASE_ENDED || winner > 1 ||
        (winner == 1 && phase != SIM_PHASE_ENDED) || (winner == 0 && m->a != 0))
        return MSG_ERR_VALUE;
    x->phase = (uint8_t)phase;
    x->has_winner = winner == 1;
    x->phase_end = end;
    x->score_limit = (uint16_t)score;
    x->time_limit = (uint16_t)time;
    return MSG_OK;
}

static MsgError stats_read(BsReader *r, MsgStats *x)
{
    uint32_t v[4];
    for (unsigned i = 0; i < 4; i++)
        MSG_TRY(read_bits(r, 16, &v[i]));
    x->kills = (uint16_t)v[0];
    x->deaths = (uint16_t)v[1];
    x->shots = (uint16_t)v[2];
    x->hits = (uint16_t)v[3];
    return MSG_OK;
}

/* HIT and KILL: the victim (and for HIT its health). */
static MsgError victim_read(BsReader *r, MsgEvent *m)
{
    uint32_t v;
    MSG_TRY(read_bits(r, MSG_PLAYER_ID_BITS, &v));
    if (v >= PROTO_MAX_PLAYERS)
        return MSG_ERR_VALUE;
    m->b = (uint16_t)v;
    if (m->kind == MSG_EV_HIT) {
        MSG_TRY(read_bits(r, 8, &v));
        if (v > PROTO_MAX_HEALTH)
            return MSG_ERR_VALUE;
        m->health = (uint8_t)v;
    }
    return MSG_OK;
}

static MsgError event_decode(BsReader *r, void *out)
{
    MsgEvent *m = out;
    uint32_t v;
    MSG_TRY(read_type(r, PROTO_MSG_EVENT));
    MSG_TRY(read_bits(r, MSG_EVENT_KIND_BITS, &v));
    if (v < MSG_EV_PLAYER || v > MSG_EV_STATS)
        return MSG_ERR_VALUE;
    m->kind = (uint8_t)v;
    MSG_TRY(read_bits(r, MSG_PLAYER_ID_BITS, &v));
    if (v >= PROTO_MAX_PLAYERS)
        return MSG_ERR_VALUE;
    m->a = (uint16_t)v;
    if (m->kind == MSG_EV_PLAYER) {
        MSG_TRY(read_text(r, m->name, PROTO_NAME_MAX, true));
        MSG_TRY(read_bits(r, 8, &v));
        m->colour = (uint8_t)v;
    } else if (m->kind == MSG_EV_HIT || m->kind == MSG_EV_KILL) {
        MSG_TRY(victim_read(r, m));
    } else if (m->kind == MSG_EV_MATCH) {
        MSG_TRY(match_read(r, m));
    } else if (m->kind == MSG_EV_STATS) {
        MSG_TRY(stats_read(r, &m->stats));
    }
    return finish(r);
}

MsgError msg_event_decode(const uint8_t *buf, size_t len, MsgEvent *m)
{
    return decode_whole(buf, len, m, sizeof *m, event_decode);
}

const char *msg_error_str(MsgError e)
{
    switch (e) {
    case MSG_OK:
        return "ok";
    case MSG_ERR_TRUNCATED:
        return "truncated";
    case MSG_ERR_TYPE:
        return "wrong message type";
    case MSG_ERR_VALUE:
        return "field out of range";
    case MSG_ERR_TRAILING:
        return "trailing bytes";
    }
    return "unknown message error";
}

uint32_t msg_connect_tag(const uint8_t token[PROTO_TOKEN_BYTES])
{
    return (uint32_t)token[0] | ((uint32_t)token[1] << 8) | ((uint32_t)token[2] << 16) |
           ((uint32_t)token[3] << 24);
}
