/* test_msg.c — codecs of INPUT, BIND, WELCOME, MAP and LAN discovery.
 *
 * What a user would notice: a client and a server built from this code understand each other
 * (round trips, exact wire bytes pinned against the documented layout), a malformed or
 * truncated packet is refused with the right error instead of being half-applied, and a
 * discovery reply can never be bigger than the query that asked for it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "bitstream.h"
#include "lagcomp.h"
#include "line.h"
#include "map.h"
#include "msg.h"

/* ---- helpers ----------------------------------------------------------------------------- */

static uint32_t rng_next(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

enum { BUF_CAP = MSG_MAP_MAX_BYTES + 64 };
static uint8_t buf_a[BUF_CAP], buf_b[BUF_CAP], buf_c[BUF_CAP]; /* test scratch, off the stack */

static MsgInput sample_input(void)
{
    MsgInput m;
    memset(&m, 0, sizeof m);
    m.snapshot_ack = 1000;
    m.newest_tick = 1234;
    m.count = 5;
    m.view_lag = 224; /* 14 ticks */
    const SimInput in[5] = {{SIM_BTN_UP | SIM_BTN_FIRE, 100},
                            {SIM_BTN_UP | SIM_BTN_FIRE, 100}, /* same */
                            {SIM_BTN_UP, 100},                /* buttons changed */
                            {SIM_BTN_UP, 4095},               /* aim changed */
                            {0, 0}};                          /* both changed */
    memcpy(m.inputs, in, sizeof in);
    return m;
}

static MsgWelcome sample_welcome(void)
{
    MsgWelcome m;
    memset(&m, 0, sizeof m);
    m.version = PROTO_VERSION;
    m.player_id = 7;
    m.server_tick = 123456;
    m.tick_hz = PROTO_TICK_HZ;
    m.snapshot_hz = PROTO_SNAPSHOT_HZ_DEFAULT;
    m.input_hz = 30;
    m.map_checksum = 0xCAFEBABEu;
    strcpy(m.map_name, "Dust \xC3\xA9t\xC3\xA9"); /* UTF-8 is fine */
    return m;
}

static MsgDiscoveryReply sample_reply(void)
{
    MsgDiscoveryReply m;
    memset(&m, 0, sizeof m);
    m.version = PROTO_VERSION;
    m.nonce = 0xA1B2C3D4u;
    strcpy(m.server_name, "Bob's arena");
    strcpy(m.map_name, "duel");
    m.players = 3;
    m.capacity = 16;
    m.game_port = PROTO_GAME_PORT;
    m.login_port = 7779;
    return m;
}

static void assert_input_equal(const MsgInput *a, const MsgInput *b)
{
    assert_int_equal(a->snapshot_ack, b->snapshot_ack);
    assert_int_equal(a->newest_tick, b->newest_tick);
    assert_int_equal(a->count, b->count);
    assert_int_equal(a->view_lag, b->view_lag);
    for (unsigned i = 0; i < a->count; i++) {
        assert_int_equal(a->inputs[i].buttons, b->inputs[i].buttons);
        assert_int_equal(a->inputs[i].aim, b->inputs[i].aim);
    }
}

static void assert_welcome_equal(const MsgWelcome *a, const MsgWelcome *b)
{
    assert_int_equal(a->version, b->version);
    assert_int_equal(a->player_id, b->player_id);
    assert_int_equal(a->server_tick, b->server_tick);
    assert_int_equal(a->tick_hz, b->tick_hz);
    assert_int_equal(a->snapshot_hz, b->snapshot_hz);
    assert_int_equal(a->input_hz, b->input_hz);
    assert_int_equal(a->map_checksum, b->map_checksum);
    assert_string_equal(a->map_name, b->map_name);
}

static void assert_reply_equal(const MsgDiscoveryReply *a, const MsgDiscoveryReply *b)
{
    assert_int_equal(a->version, b->version);
    assert_int_equal(a->nonce, b->nonce);
    assert_string_equal(a->server_name, b->server_name);
    assert_string_equal(a->map_name, b->map_name);
    assert_int_equal(a->players, b->players);
    assert_int_equal(a->capacity, b->capacity);
    assert_int_equal(a->game_port, b->game_port);
    assert_int_equal(a->login_port, b->login_port);
}

static bool all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != 0)
            return false;
    return true;
}

/* ---- decode -> re-encode adapters (used by the prefix and mutation tests) ----------------- */

/* Decodes buf; on success re-encodes into out, decodes that again and checks both decodes
 * agree. Returns the decode result; *out_len is the re-encoded size (0 on failure). */
typedef MsgError (*RoundTripFn)(const uint8_t *buf, size_t len, uint8_t *out, size_t cap,
                                size_t *out_len);

static MsgError rt_input(const uint8_t *buf, size_t len, uint8_t *out, size_t cap, size_t *n)
{
    MsgInput a, b;
    memset(&a, 0xEE, sizeof a);
    MsgError e = msg_input_decode(buf, len, &a);
    *n = 0;
    if (e != MSG_OK) {
        assert_true(all_zero(&a, sizeof a));
        return e;
    }
    assert_true(a.count >= 1 && a.count <= PROTO_INPUT_WINDOW && a.newest_tick >= a.count);
    for (unsigned i = 0; i < a.count; i++)
        assert_true(a.inputs[i].buttons <= SIM_BTN_MASK && a.inputs[i].aim < SIM_ANGLE_STEPS);
    *n = msg_input_encode(&a, out, cap);
    assert_true(*n > 0 && *n <= MSG_INPUT_MAX_BYTES);
    assert_int_equal(msg_input_decode(out, *n, &b), MSG_OK);
    assert_input_equal(&a, &b);
    return e;
}

static MsgError rt_event(const uint8_t *buf, size_t len, uint8_t *out, size_t cap, size_t *n)
{
    MsgEvent a, b;
    memset(&a, 0xEE, sizeof a);
    MsgError e = msg_event_decode(buf, len, &a);
    *n = 0;
    if (e != MSG_OK) {
        assert_true(all_zero(&a, sizeof a));
        return e;
    }
    assert_true(a.kind >= MSG_EV_PLAYER && a.kind <= MSG_EV_STATS);
    assert_true(a.a < PROTO_MAX_PLAYERS && a.b < PROTO_MAX_PLAYERS);
    *n = msg_event_encode(&a, out, cap);
    assert_true(*n > 0 && *n <= MSG_EVENT_MAX_BYTES);
    assert_int_equal(msg_event_decode(out, *n, &b), MSG_OK);
    assert_int_equal(a.kind, b.kind);
    assert_int_equal(a.a, b.a);
    assert_int_equal(a.b, b.b);
    assert_string_equal(a.name, b.name);
    assert_int_equal(a.health, b.health);
    assert_memory_equal(&a.stats, &b.stats, sizeof a.stats);
    assert_int_equal(a.match.phase, b.match.phase);
    assert_int_equal(a.match.has_winner, b.match.has_winner);
    assert_int_equal(a.match.phase_end, b.match.phase_end);
    assert_int_equal(a.match.score_limit, b.match.score_limit);
    assert_int_equal(a.match.time_limit, b.match.time_limit);
    return e;
}

static MsgError rt_bind(const uint8_t *buf, size_t len, uint8_t *out, size_t cap, size_t *n)
{
    MsgBind a, b;
    memset(&a, 0xEE, sizeof a);
    MsgError e = msg_bind_decode(buf, len, &a);
    *n = 0;
    if (e != MSG_OK) {
        assert_true(all_zero(&a, sizeof a));
        return e;
    }
    *n = msg_bind_encode(&a, out, cap);
    assert_int_equal(*n, MSG_BIND_BYTES);
    assert_int_equal(msg_bind_decode(out, *n, &b), MSG_OK);
    assert_int_equal(a.version, b.version);
    assert_memory_equal(a.token, b.token, PROTO_TOKEN_BYTES);
    return e;
}

static MsgError rt_welcome(const uint8_t *buf, size_t len, uint8_t *out, size_t cap, size_t *n)
{
    MsgWelcome a, b;
    memset(&a, 0xEE, sizeof a);
    MsgError e = msg_welcome_decode(buf, len, &a);
    *n = 0;
    if (e != MSG_OK) {
        assert_true(all_zero(&a, sizeof a));
        return e;
    }
    assert_true(a.player_id < PROTO_MAX_PLAYERS && a.tick_hz == PROTO_TICK_HZ);
    assert_true(a.snapshot_hz >= PROTO_SNAPSHOT_HZ_MIN && a.snapshot_hz <= PROTO_SNAPSHOT_HZ_MAX);
    assert_true(strlen(a.map_name) >= 1);
    assert_true(line_text_valid((const uint8_t *)a.map_name, strlen(a.map_name)));
    *n = msg_welcome_encode(&a, out, cap);
    assert_true(*n > 0 && *n <= MSG_WELCOME_MAX_BYTES);
    assert_int_equal(msg_welcome_decode(out, *n, &b), MSG_OK);
    assert_welcome_equal(&a, &b);
    return e;
}

static MsgError rt_map(const uint8_t *buf, size_t len, uint8_t *out, size_t cap, size_t *n)
{
    MsgMap a, b;
    memset(&a, 0xEE, sizeof a);
    MsgError e = msg_map_decode(buf, len, &a);
    *n = 0;
    if (e != MSG_OK) {
        assert_null(a.text);
        assert_int_equal(a.len, 0);
        assert_int_equal(a.checksum, 0);
        return e;
    }
    /* text points into the input, inside it */
    assert_true((const uint8_t *)a.text > buf && (const uint8_t *)a.text + a.len <= buf + len);
    assert_true(a.len >= 1 && a.len <= PROTO_MAP_TEXT_MAX);
    assert_int_equal(map_fnv1a32(a.text, a.len), a.checksum);
    *n = msg_map_encode(&a, out, cap);
    assert_true(*n > 0);
    assert_int_equal(msg_map_decode(out, *n, &b), MSG_OK);
    assert_int_equal(a.checksum, b.checksum);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.text, b.text, a.len);
    return e;
}

static MsgError rt_query(const uint8_t *buf, size_t len, uint8_t *out, size_t cap, size_t *n)
{
    MsgDiscoveryQuery a, b;
    memset(&a, 0xEE, sizeof a);
    MsgError e = msg_discovery_query_decode(buf, len, &a);
    *n = 0;
    if (e != MSG_OK) {
        assert_true(all_zero(&a, sizeof a));
        return e;
    }
    *n = msg_discovery_query_encode(&a, out, cap);
    assert_int_equal(*n, PROTO_DISCOVERY_QUERY_BYTES);
    assert_int_equal(msg_discovery_query_decode(out, *n, &b), MSG_OK);
    assert_int_equal(a.version, b.version);
    assert_int_equal(a.nonce, b.nonce);
    return e;
}

static MsgError rt_reply(const uint8_t *buf, size_t len, uint8_t *out, size_t cap, size_t *n)
{
    MsgDiscoveryReply a, b;
    memset(&a, 0xEE, sizeof a);
    MsgError e = msg_discovery_reply_decode(buf, len, &a);
    *n = 0;
    if (e != MSG_OK) {
        assert_true(all_zero(&a, sizeof a));
        return e;
    }
    assert_true(a.capacity >= 1 && a.capacity <= PROTO_MAX_PLAYERS);
    assert_true(a.players <= a.capacity && a.game_port != 0 && a.login_port != 0);
    assert_true(strlen(a.server_name) >= 1);
    *n = msg_discovery_reply_encode(&a, out, cap, PROTO_DISCOVERY_QUERY_BYTES);
    assert_true(*n > 0 && *n <= MSG_DISCOVERY_REPLY_MAX_BYTES);
    assert_int_equal(msg_discovery_reply_decode(out, *n, &b), MSG_OK);
    assert_reply_equal(&a, &b);
    return e;
}

/* EVENTS: decoded, then rebuilt with msg_events_append. */
static MsgError rt_events(const uint8_t *buf, size_t len, uint8_t *out, size_t cap, size_t *n)
{
    static MsgEvent evs[MSG_EVENTS_MAX_COUNT];
    size_t count = 99;
    MsgError e = msg_events_decode(buf, len, evs, MSG_EVENTS_MAX_COUNT, &count);
    *n = 0;
    if (e != MSG_OK) {
        assert_int_equal(count, 0);
        return e;
    }
    assert_true(count >= 1 && count <= MSG_EVENTS_MAX_COUNT);
    size_t built = 0;
    for (size_t i = 0; i < count; i++)
        assert_true(msg_events_append(out, &built, cap, &evs[i]) || len > MSG_EVENTS_MAX_BYTES);
    *n = built;
    return e;
}

/* Every accepted message re-encodes to exactly its own bytes (encodings are canonical). */
static void expect_canonical(RoundTripFn fn, const uint8_t *buf, size_t len)
{
    size_t n;
    assert_int_equal(fn(buf, len, buf_c, sizeof buf_c, &n), MSG_OK);
    assert_int_equal(n, len);
    assert_memory_equal(buf_c, buf, len);
}

/* Every strict prefix of a valid message is refused as truncated. */
static void expect_prefixes_truncated(RoundTripFn fn, const uint8_t *buf, size_t len)
{
    for (size_t k = 0; k < len; k++) {
        /* Copy to an exact-size heap-free spot at the end of buf_b so ASan would catch a read
         * past the prefix. */
        uint8_t *p = buf_b + sizeof buf_b - k;
        memcpy(p, buf, k);
        size_t n;
        assert_int_equal(fn(k ? p : NULL, k, buf_c, sizeof buf_c, &n), MSG_ERR_TRUNCATED);
    }
}

/* ---- INPUT ------------------------------------------------------------------------------- */

static void test_input_round_trip(void **state)
{
    (void)state;
    MsgInput m = sample_input(), d;
    size_t n = msg_input_encode(&m, buf_a, sizeof buf_a);
    assert_true(n > 0);
    assert_int_equal(msg_input_decode(buf_a, n, &d), MSG_OK);
    assert_input_equal(&m, &d);
    expect_canonical(rt_input, buf_a, n);
    expect_prefixes_truncated(rt_input, buf_a, n);
}

static void test_input_exact_layout(void **state)
{
    (void)state;
    /* Built field by field from the spec, independent of msg.c. */
    MsgInput m = sample_input();
    uint8_t want[32];
    BsWriter w;
    bs_writer_init(&w, want, sizeof want);
    bs_write_bits(&w, PROTO_MSG_INPUT, 8);
    bs_write_bits(&w, 1000, 32);
    bs_write_bits(&w, 1234, 32);
    bs_write_bits(&w, 4, 5);    /* count - 1 */
    bs_write_bits(&w, 224, 10); /* view_lag */
    bs_write_bits(&w, SIM_BTN_UP | SIM_BTN_FIRE, 5);
    bs_write_bits(&w, 100, 12);
    bs_write_bits(&w, 0, 1); /* [1] same */
    bs_write_bits(&w, 1, 1); /* [2] differs: buttons yes, aim no */
    bs_write_bits(&w, 1, 1);
    bs_write_bits(&w, SIM_BTN_UP, 5);
    bs_write_bits(&w, 0, 1);
    bs_write_bits(&w, 1, 1); /* [3] differs: buttons no, aim yes */
    bs_write_bits(&w, 0, 1);
    bs_write_bits(&w, 1, 1);
    bs_write_bits(&w, 4095, 12);
    bs_write_bits(&w, 1, 1); /* [4] differs: both */
    bs_write_bits(&w, 1, 1);
    bs_write_bits(&w, 0, 5);
    bs_write_bits(&w, 1, 1);
    bs_write_bits(&w, 0, 12);
    assert_false(w.error);
    size_t n = msg_input_encode(&m, buf_a, sizeof buf_a);
    assert_int_equal(n, bs_writer_bytes(&w));
    assert_memory_equal(buf_a, want, n);
    /* first bytes by hand: type 3, then ack 1000 little-endian */
    assert_int_equal(buf_a[0], 3);
    assert_int_equal(buf_a[1], 0xE8);
    assert_int_equal(buf_a[2], 0x03);
}

static void test_input_sizes_and_edges(void **state)
{
    (void)state;
    MsgInput m, d;
    memset(&m, 0, sizeof m);
    /* one input, minimum legal tick */
    m.count = 1;
    m.newest_tick = 1;
    m.inputs[0] = (SimInput){SIM_BTN_MASK, SIM_ANGLE_STEPS - 1};
    size_t n = msg_input_encode(&m, buf_a, sizeof buf_a);
    assert_int_equal(n, MSG_INPUT_MIN_BYTES);
    assert_int_equal(msg_input_decode(buf_a, n, &d), MSG_OK);
    assert_input_equal(&m, &d);

    /* a full window of identical inputs costs one bit each */
    m.count = PROTO_INPUT_WINDOW;
    m.newest_tick = UINT32_MAX;
    m.snapshot_ack = UINT32_MAX;
    for (unsigned i = 0; i < PROTO_INPUT_WINDOW; i++)
        m.inputs[i] = (SimInput){SIM_BTN_LEFT, 2048};
    n = msg_input_encode(&m, buf_a, sizeof buf_a);
    m.view_lag = LC_VIEW_LAG_MAX;
    n = msg_input_encode(&m, buf_a, sizeof buf_a);
    assert_int_equal(n, (87 + 17 + 31 + 7) / 8); /* header, first input, 31 flags */
    assert_int_equal(msg_input_decode(buf_a, n, &d), MSG_OK);
    assert_input_equal(&m, &d);
    expect_prefixes_truncated(rt_input, buf_a, n);

    /* a full window where every input differs in both fields is the largest */
    m.newest_tick = PROTO_INPUT_WINDOW;
    for (unsigned i = 0; i < PROTO_INPUT_WINDOW; i++)
        m.inputs[i] = (SimInput){(uint8_t)(i % 2 ? 31 : 0), (uint16_t)(i % 2 ? 4095 : 0)};
    n = msg_input_encode(&m, buf_a, sizeof buf_a);
    assert_int_equal(n, MSG_INPUT_MAX_BYTES);
    assert_int_equal(msg_input_decode(buf_a, n, &d), MSG_OK);
    assert_input_equal(&m, &d);
    expect_canonical(rt_input, buf_a, n);

    /* does not fit: refused, nothing claimed */
    assert_int_equal(msg_input_encode(&m, buf_a, MSG_INPUT_MAX_BYTES - 1), 0);
}

static void test_input_encoder_rejects_invalid(void **state)
{
    (void)state;
    MsgInput m = sample_input();
    m.count = 0;
    assert_int_equal(msg_input_encode(&m, buf_a, sizeof buf_a), 0);
    m = sample_input();
    m.count = PROTO_INPUT_WINDOW + 1;
    assert_int_equal(msg_input_encode(&m, buf_a, sizeof buf_a), 0);
    m = sample_input();
    m.newest_tick = m.count - 1; /* the oldest input would be for tick 0 */
    assert_int_equal(msg_input_encode(&m, buf_a, sizeof buf_a), 0);
    m.newest_tick = m.count;
    assert_true(msg_input_encode(&m, buf_a, sizeof buf_a) > 0);
    m = sample_input();
    m.inputs[4].buttons = SIM_BTN_MASK + 1;
    assert_int_equal(msg_input_encode(&m, buf_a, sizeof buf_a), 0);
    m = sample_input();
    m.inputs[0].aim = SIM_ANGLE_STEPS;
    assert_int_equal(msg_input_encode(&m, buf_a, sizeof buf_a), 0);
    m = sample_input();
    m.view_lag = LC_VIEW_LAG_MAX + 1; /* does not fit its 10 bits */
    assert_int_equal(msg_input_encode(&m, buf_a, sizeof buf_a), 0);
}

/* The example of docs/protocol.md §3.1, byte for byte, both ways. */
static void test_input_protocol_example(void **state)
{
    (void)state;
    static const uint8_t bytes[] = {0x03, 0xE8, 0x03, 0x00, 0x00, 0xD2, 0x04, 0x00,
                                    0x00, 0x02, 0x9C, 0x48, 0x06, 0x0E, 0x00};
    MsgInput m;
    memset(&m, 0, sizeof m);
    m.snapshot_ack = 1000;
    m.newest_tick = 1234;
    m.count = 3;
    m.view_lag = 224;
    m.inputs[0] = m.inputs[1] = (SimInput){17, 100};
    m.inputs[2] = (SimInput){1, 100};
    size_t n = msg_input_encode(&m, buf_a, sizeof buf_a);
    assert_int_equal(n, sizeof bytes);
    assert_memory_equal(buf_a, bytes, n);
    MsgInput d;
    assert_int_equal(msg_input_decode(bytes, sizeof bytes, &d), MSG_OK);
    assert_input_equal(&m, &d);
}

/* Builds an INPUT by hand: header, then raw bits from `body` (pairs of value, width). */
static size_t handmade_input(uint32_t newest, unsigned count, const uint32_t *body, size_t pairs,
                             size_t extra_bytes)
{
    BsWriter w;
    bs_writer_init(&w, buf_a, sizeof buf_a);
    bs_write_bits(&w, PROTO_MSG_INPUT, 8);
    bs_write_bits(&w, 0, 32);
    bs_write_bits(&w, newest, 32);
    bs_write_bits(&w, count - 1, 5);
    bs_write_bits(&w, 0, 10); /* view_lag */
    for (size_t i = 0; i < pairs; i++)
        bs_write_bits(&w, body[2 * i], (unsigned)body[2 * i + 1]);
    for (size_t i = 0; i < extra_bytes; i++)
        bs_write_bits(&w, 0, 8);
    assert_false(w.error);
    return bs_writer_bytes(&w);
}

static void test_input_decoder_rejects(void **state)
{
    (void)state;
    MsgInput d;
    size_t n;
    /* reference: two inputs, second differs in buttons */
    const uint32_t ok[] = {3, 5, 10, 12, 1, 1, 1, 1, 4, 5, 0, 1};
    n = handmade_input(2, 2, ok, 6, 0);
    assert_int_equal(msg_input_decode(buf_a, n, &d), MSG_OK);
    assert_int_equal(d.inputs[1].buttons, 4);
    assert_int_equal(d.inputs[1].aim, 10);

    /* wrong type */
    memcpy(buf_b, buf_a, n);
    buf_b[0] = PROTO_MSG_BIND;
    assert_int_equal(msg_input_decode(buf_b, n, &d), MSG_ERR_TYPE);
    /* newest_tick too small for the count: oldest would be tick 0 */
    n = handmade_input(1, 2, ok, 6, 0);
    assert_int_equal(msg_input_decode(buf_a, n, &d), MSG_ERR_VALUE);
    /* "differs" with neither field changed */
    const uint32_t none[] = {3, 5, 10, 12, 1, 1, 0, 1, 0, 1};
    n = handmade_input(5, 2, none, 5, 0);
    assert_int_equal(msg_input_decode(buf_a, n, &d), MSG_ERR_VALUE);
    /* "buttons changed" to the same buttons */
    const uint32_t same_b[] = {3, 5, 10, 12, 1, 1, 1, 1, 3, 5, 0, 1};
    n = handmade_input(5, 2, same_b, 6, 0);
    assert_int_equal(msg_input_decode(buf_a, n, &d), MSG_ERR_VALUE);
    /* "aim changed" to the same aim */
    const uint32_t same_a[] = {3, 5, 10, 12, 1, 1, 0, 1, 1, 1, 10, 12};
    n = handmade_input(5, 2, same_a, 6, 0);
    assert_int_equal(msg_input_decode(buf_a, n, &d), MSG_ERR_VALUE);
    /* a trailing zero byte */
    n = handmade_input(5, 2, ok, 6, 1);
    assert_int_equal(msg_input_decode(buf_a, n, &d), MSG_ERR_TRAILING);
    /* a set bit in the final padding: 77 header bits, 17 + 1 input bits, then 1 padding bit
     * completes the 12th byte */
    const uint32_t pad[] = {3, 5, 10, 12, 0, 1, 1, 1};
    n = handmade_input(5, 2, pad, 4, 0);
    assert_int_equal(msg_input_decode(buf_a, n, &d), MSG_ERR_TRAILING);
    /* ...which decodes when the marker bit is cleared */
    const uint32_t pad0[] = {3, 5, 10, 12, 0, 1, 0, 1};
    n = handmade_input(5, 2, pad0, 4, 0);
    assert_int_equal(msg_input_decode(buf_a, n, &d), MSG_OK);
    /* empty */
    assert_int_equal(msg_input_decode(NULL, 0, &d), MSG_ERR_TRUNCATED);
}

/* ---- BIND -------------------------------------------------------------------------------- */

static void test_bind_round_trip_and_layout(void **state)
{
    (void)state;
    MsgBind m, d;
    m.version = PROTO_VERSION;
    for (int i = 0; i < PROTO_TOKEN_BYTES; i++)
        m.token[i] = (uint8_t)(0xF0 + i);
    size_t n = msg_bind_encode(&m, buf_a, sizeof buf_a);
    assert_int_equal(n, 18);
    assert_int_equal(buf_a[0], PROTO_MSG_BIND);
    assert_int_equal(buf_a[1], PROTO_VERSION);
    assert_memory_equal(buf_a + 2, m.token, PROTO_TOKEN_BYTES);
    assert_int_equal(msg_bind_decode(buf_a, n, &d), MSG_OK);
    assert_int_equal(d.version, m.version);
    assert_memory_equal(d.token, m.token, PROTO_TOKEN_BYTES);
    expect_canonical(rt_bind, buf_a, n);
    expect_prefixes_truncated(rt_bind, buf_a, n);
    assert_int_equal(msg_bind_encode(&m, buf_a, 17), 0);

    /* any version decodes, so the server can tell the client it is outdated */
    buf_a[1] = PROTO_VERSION + 1;
    assert_int_equal(msg_bind_decode(buf_a, n, &d), MSG_OK);
    assert_int_equal(d.version, PROTO_VERSION + 1);
    buf_a[18] = 0;
    assert_int_equal(msg_bind_decode(buf_a, 19, &d), MSG_ERR_TRAILING);
    buf_a[0] = PROTO_MSG_INPUT;
    assert_int_equal(msg_bind_decode(buf_a, n, &d), MSG_ERR_TYPE);
}

/* ---- WELCOME ----------------------------------------------------------------------------- */

static void test_welcome_round_trip_and_layout(void **state)
{
    (void)state;
    MsgWelcome m = sample_welcome(), d;
    size_t n = msg_welcome_encode(&m, buf_a, sizeof buf_a);
    assert_true(n > 0);
    uint8_t want[64];
    BsWriter w;
    bs_writer_init(&w, want, sizeof want);
    bs_write_bits(&w, PROTO_MSG_WELCOME, 8);
    bs_write_bits(&w, PROTO_VERSION, 8);
    bs_write_bits(&w, 7, 10);
    bs_write_bits(&w, 123456, 32);
    bs_write_bits(&w, PROTO_TICK_HZ, 8);
    bs_write_bits(&w, PROTO_SNAPSHOT_HZ_DEFAULT, 8);
    bs_write_bits(&w, 30, 8);
    bs_write_bits(&w, 0xCAFEBABEu, 32);
    bs_write_uvarint(&w, (uint32_t)strlen(m.map_name));
    bs_write_bytes(&w, m.map_name, strlen(m.map_name));
    assert_int_equal(n, bs_writer_bytes(&w));
    assert_memory_equal(buf_a, want, n);
    assert_int_equal(msg_welcome_decode(buf_a, n, &d), MSG_OK);
    assert_welcome_equal(&m, &d);
    expect_canonical(rt_welcome, buf_a, n);
    expect_prefixes_truncated(rt_welcome, buf_a, n);

    /* edges: last slot, rate limits, longest name */
    m.player_id = PROTO_MAX_PLAYERS - 1;
    m.snapshot_hz = PROTO_SNAPSHOT_HZ_MIN;
    m.input_hz = PROTO_INPUT_HZ_MIN;
    m.server_tick = UINT32_MAX;
    memset(m.map_name, 'm', PROTO_MAP_NAME_MAX);
    m.map_name[PROTO_MAP_NAME_MAX] = '\0';
    n = msg_welcome_encode(&m, buf_a, sizeof buf_a);
    assert_int_equal(n, MSG_WELCOME_MAX_BYTES);
    assert_int_equal(msg_welcome_decode(buf_a, n, &d), MSG_OK);
    assert_welcome_equal(&m, &d);
    m.snapshot_hz = PROTO_SNAPSHOT_HZ_MAX;
    n = msg_welcome_encode(&m, buf_a, sizeof buf_a);
    assert_int_equal(msg_welcome_decode(buf_a, n, &d), MSG_OK);
    assert_int_equal(d.snapshot_hz, PROTO_SNAPSHOT_HZ_MAX);
    m.input_hz = PROTO_INPUT_HZ_MAX;
    n = msg_welcome_encode(&m, buf_a, sizeof buf_a);
    assert_int_equal(msg_welcome_decode(buf_a, n, &d), MSG_OK);
    assert_int_equal(d.input_hz, PROTO_INPUT_HZ_MAX);
    assert_int_equal(msg_welcome_encode(&m, buf_a, n - 1), 0);
}

static void test_welcome_encoder_rejects_invalid(void **state)
{
    (void)state;
    MsgWelcome m = sample_welcome();
    m.version = PROTO_VERSION + 1;
    assert_int_equal(msg_welcome_encode(&m, buf_a, sizeof buf_a), 0);
    m = sample_welcome();
    m.player_id = PROTO_MAX_PLAYERS;
    assert_int_equal(msg_welcome_encode(&m, buf_a, sizeof buf_a), 0);
    m = sample_welcome();
    m.tick_hz = PROTO_TICK_HZ / 2;
    assert_int_equal(msg_welcome_encode(&m, buf_a, sizeof buf_a), 0);
    m = sample_welcome();
    m.snapshot_hz = PROTO_SNAPSHOT_HZ_MIN - 1;
    assert_int_equal(msg_welcome_encode(&m, buf_a, sizeof buf_a), 0);
    m.snapshot_hz = PROTO_SNAPSHOT_HZ_MAX + 1;
    assert_int_equal(msg_welcome_encode(&m, buf_a, sizeof buf_a), 0);
    m = sample_welcome();
    m.input_hz = PROTO_INPUT_HZ_MIN - 1;
    assert_int_equal(msg_welcome_encode(&m, buf_a, sizeof buf_a), 0);
    m.input_hz = PROTO_INPUT_HZ_MAX + 1;
    assert_int_equal(msg_welcome_encode(&m, buf_a, sizeof buf_a), 0);
    m = sample_welcome();
    m.map_name[0] = '\0';
    assert_int_equal(msg_welcome_encode(&m, buf_a, sizeof buf_a), 0);
    strcpy(m.map_name, "bad\tname");
    assert_int_equal(msg_welcome_encode(&m, buf_a, sizeof buf_a), 0);
    strcpy(m.map_name, "bad\xFF");
    assert_int_equal(msg_welcome_encode(&m, buf_a, sizeof buf_a), 0);
    memset(m.map_name, 'x', sizeof m.map_name); /* not terminated */
    assert_int_equal(msg_welcome_encode(&m, buf_a, sizeof buf_a), 0);
}

/* WELCOME with fields given directly, for decoder rejection tests. */
static size_t handmade_welcome(uint32_t version, uint32_t id, uint32_t tick_hz, uint32_t snap_hz,
                               uint32_t input_hz, const void *name, uint32_t name_len_field,
                               size_t name_bytes)
{
    BsWriter w;
    bs_writer_init(&w, buf_a, sizeof buf_a);
    bs_write_bits(&w, PROTO_MSG_WELCOME, 8);
    bs_write_bits(&w, version, 8);
    bs_write_bits(&w, id, 10);
    bs_write_bits(&w, 99, 32);
    bs_write_bits(&w, tick_hz, 8);
    bs_write_bits(&w, snap_hz, 8);
    bs_write_bits(&w, input_hz, 8);
    bs_write_bits(&w, 0x12345678u, 32);
    bs_write_uvarint(&w, name_len_field);
    bs_write_bytes(&w, name, name_bytes);
    assert_false(w.error);
    return bs_writer_bytes(&w);
}

static void test_welcome_decoder_rejects(void **state)
{
    (void)state;
    MsgWelcome d;
    const int V = PROTO_VERSION, T = PROTO_TICK_HZ, S = PROTO_SNAPSHOT_HZ_DEFAULT, I = 30;
    size_t n = handmade_welcome(V, 1, T, S, I, "ok", 2, 2);
    assert_int_equal(msg_welcome_decode(buf_a, n, &d), MSG_OK);
    assert_string_equal(d.map_name, "ok");

    n = handmade_welcome(V + 1, 1, T, S, I, "ok", 2, 2);
    assert_int_equal(msg_welcome_decode(buf_a, n, &d), MSG_ERR_VALUE);
    /* The id field has PROTO_PLAYER_ID_BITS: every value it holds is a player id (protocol 4's
     * 10-bit field could say 256..1023, which were refused). */
    n = handmade_welcome(V, PROTO_MAX_PLAYERS - 1, T, S, I, "ok", 2, 2);
    assert_int_equal(msg_welcome_decode(buf_a, n, &d), MSG_OK);
    assert_int_equal(d.player_id, PROTO_MAX_PLAYERS - 1);
    n = handmade_welcome(V, 1, T + 1, S, I, "ok", 2, 2);
    assert_int_equal(msg_welcome_decode(buf_a, n, &d), MSG_ERR_VALUE);
    n = handmade_welcome(V, 1, T, PROTO_SNAPSHOT_HZ_MIN - 1, I, "ok", 2, 2);
    assert_int_equal(msg_welcome_decode(buf_a, n, &d), MSG_ERR_VALUE);
    n = handmade_welcome(V, 1, T, PROTO_SNAPSHOT_HZ_MAX + 1, I, "ok", 2, 2);
    assert_int_equal(msg_welcome_decode(buf_a, n, &d), MSG_ERR_VALUE);
    n = handmade_welcome(V, 1, T, S, PROTO_INPUT_HZ_MIN - 1, "ok", 2, 2);
    assert_int_equal(msg_welcome_decode(buf_a, n, &d), MSG_ERR_VALUE);
    n = handmade_welcome(V, 1, T, S, PROTO_INPUT_HZ_MAX + 1, "ok", 2, 2);
    assert_int_equal(msg_welcome_decode(buf_a, n, &d), MSG_ERR_VALUE);
    n = handmade_welcome(V, 1, T, S, PROTO_INPUT_HZ_MIN, "ok", 2, 2);
    assert_int_equal(msg_welcome_decode(buf_a, n, &d), MSG_OK);
    assert_int_equal(d.input_hz, PROTO_INPUT_HZ_MIN);
    n = handmade_welcome(V, 1, T, S, I, "", 0, 0); /* empty name */
    assert_int_equal(msg_welcome_decode(buf_a, n, &d), MSG_ERR_VALUE);
    char longname[PROTO_MAP_NAME_MAX + 1];
    memset(longname, 'x', sizeof longname);
    n = handmade_welcome(V, 1, T, S, I, longname, sizeof longname, sizeof longname);
    assert_int_equal(msg_welcome_decode(buf_a, n, &d), MSG_ERR_VALUE);
    n = handmade_welcome(V, 1, T, S, I, "a\nb", 3, 3); /* control */
    assert_int_equal(msg_welcome_decode(buf_a, n, &d), MSG_ERR_VALUE);
    n = handmade_welcome(V, 1, T, S, I, "a\0b", 3, 3); /* NUL */
    assert_int_equal(msg_welcome_decode(buf_a, n, &d), MSG_ERR_VALUE);
    n = handmade_welcome(V, 1, T, S, I, "\xC0\xAF", 2, 2); /* overlong UTF-8 */
    assert_int_equal(msg_welcome_decode(buf_a, n, &d), MSG_ERR_VALUE);
    n = handmade_welcome(V, 1, T, S, I, "ok", 3, 2); /* length says 3, 2 present */
    assert_int_equal(msg_welcome_decode(buf_a, n, &d), MSG_ERR_TRUNCATED);
    n = handmade_welcome(V, 1, T, S, I, "okk", 2, 3); /* one byte too many */
    assert_int_equal(msg_welcome_decode(buf_a, n, &d), MSG_ERR_TRAILING);
    n = handmade_welcome(V, 1, T, S, I, "ok", 2, 2);
    buf_a[0] = PROTO_MSG_MAP;
    assert_int_equal(msg_welcome_decode(buf_a, n, &d), MSG_ERR_TYPE);

    /* a non-minimal length varint (2 as two groups) is malformed, not truncated */
    BsWriter w;
    bs_writer_init(&w, buf_a, sizeof buf_a);
    bs_write_bits(&w, PROTO_MSG_WELCOME, 8);
    bs_write_bits(&w, V, 8);
    bs_write_bits(&w, 1, 10);
    bs_write_bits(&w, 99, 32);
    bs_write_bits(&w, T, 8);
    bs_write_bits(&w, S, 8);
    bs_write_bits(&w, I, 8);
    bs_write_bits(&w, 0, 32);
    bs_write_bits(&w, 0x82, 8);
    bs_write_bits(&w, 0x00, 8);
    bs_write_bytes(&w, "ok", 2);
    assert_int_equal(msg_welcome_decode(buf_a, bs_writer_bytes(&w), &d), MSG_ERR_VALUE);
}

/* The ticks between INPUTs at WELCOME's rate: 60 / input_hz rounded down, 1 off the range. */
static void test_input_interval(void **state)
{
    (void)state;
    assert_int_equal(msg_input_interval_ticks(60), 1);
    assert_int_equal(msg_input_interval_ticks(45), 1);
    assert_int_equal(msg_input_interval_ticks(30), 2);
    assert_int_equal(msg_input_interval_ticks(29), 2);
    assert_int_equal(msg_input_interval_ticks(20), 3);
    assert_int_equal(msg_input_interval_ticks(15), 4);
    assert_int_equal(msg_input_interval_ticks(PROTO_INPUT_HZ_MIN), 6);
    assert_int_equal(msg_input_interval_ticks(PROTO_INPUT_HZ_MIN - 1), 1);
    assert_int_equal(msg_input_interval_ticks(0), 1);
    assert_int_equal(msg_input_interval_ticks(PROTO_INPUT_HZ_MAX + 1), 1);
}

/* ---- MAP --------------------------------------------------------------------------------- */

static void test_map_round_trip_and_layout(void **state)
{
    (void)state;
    const char *text = "a";
    MsgMap m = {map_fnv1a32(text, 1), text, 1}, d;
    assert_int_equal(m.checksum, 0xE40C292Cu); /* FNV-1a 32 of "a" */
    size_t n = msg_map_encode(&m, buf_a, sizeof buf_a);
    const uint8_t want[] = {PROTO_MSG_MAP, 0x2C, 0x29, 0x0C, 0xE4, 0x01, 'a'};
    assert_int_equal(n, sizeof want);
    assert_memory_equal(buf_a, want, n);
    assert_int_equal(msg_map_decode(buf_a, n, &d), MSG_OK);
    assert_ptr_equal(d.text, (const char *)buf_a + 6); /* points into the packet */
    assert_int_equal(d.len, 1);
    expect_canonical(rt_map, buf_a, n);
    expect_prefixes_truncated(rt_map, buf_a, n);

    /* largest map: 3-byte length */
    static char big[PROTO_MAP_TEXT_MAX];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)(i % 50 == 49 ? '\n' : "#.S"[i % 3]);
    m = (MsgMap){map_fnv1a32(big, sizeof big), big, sizeof big};
    n = msg_map_encode(&m, buf_a, sizeof buf_a);
    assert_int_equal(n, MSG_MAP_MAX_BYTES);
    assert_int_equal(msg_map_decode(buf_a, n, &d), MSG_OK);
    assert_int_equal(d.len, sizeof big);
    assert_memory_equal(d.text, big, sizeof big);
    expect_canonical(rt_map, buf_a, n);
    assert_int_equal(msg_map_encode(&m, buf_a, n - 1), 0);
    /* a handful of prefixes of the big one (all of them would be slow to hash) */
    size_t cuts[] = {0, 1, 5, 6, 7, 8, 100, n - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
        assert_int_equal(msg_map_decode(buf_a, cuts[i], &d), MSG_ERR_TRUNCATED);
}

static void test_map_rejects(void **state)
{
    (void)state;
    MsgMap m = {0, "x", 1}, d;
    /* encoder: wrong checksum, empty, too long, NULL text */
    m.checksum = map_fnv1a32("x", 1) ^ 1u;
    assert_int_equal(msg_map_encode(&m, buf_a, sizeof buf_a), 0);
    m = (MsgMap){map_fnv1a32("", 0), "", 0};
    assert_int_equal(msg_map_encode(&m, buf_a, sizeof buf_a), 0);
    m = (MsgMap){0, NULL, 1};
    assert_int_equal(msg_map_encode(&m, buf_a, sizeof buf_a), 0);
    static char big[PROTO_MAP_TEXT_MAX + 1];
    memset(big, '.', sizeof big);
    m = (MsgMap){map_fnv1a32(big, sizeof big), big, sizeof big};
    assert_int_equal(msg_map_encode(&m, buf_a, sizeof buf_a), 0);

    /* decoder */
    m = (MsgMap){map_fnv1a32("xy", 2), "xy", 2};
    size_t n = msg_map_encode(&m, buf_a, sizeof buf_a);
    assert_int_equal(n, 8);
    buf_a[7] = 'z'; /* text no longer matches the checksum */
    assert_int_equal(msg_map_decode(buf_a, n, &d), MSG_ERR_VALUE);
    buf_a[7] = 'y';
    buf_a[8] = 0;
    assert_int_equal(msg_map_decode(buf_a, n + 1, &d), MSG_ERR_TRAILING);
    buf_a[5] = 0; /* length 0 */
    assert_int_equal(msg_map_decode(buf_a, 6, &d), MSG_ERR_VALUE);
    buf_a[0] = PROTO_MSG_WELCOME;
    assert_int_equal(msg_map_decode(buf_a, n, &d), MSG_ERR_TYPE);
    /* length PROTO_MAP_TEXT_MAX + 1 = 32769 = 0x81 0x80 0x02 */
    const uint8_t too_long[] = {PROTO_MSG_MAP, 0, 0, 0, 0, 0x81, 0x80, 0x02, 'a'};
    assert_int_equal(msg_map_decode(too_long, sizeof too_long, &d), MSG_ERR_VALUE);
    /* a non-minimal length */
    const uint8_t nonmin[] = {PROTO_MSG_MAP, 0x2C, 0x29, 0x0C, 0xE4, 0x81, 0x00, 'a'};
    assert_int_equal(msg_map_decode(nonmin, sizeof nonmin, &d), MSG_ERR_VALUE);
    const uint8_t minimal[] = {PROTO_MSG_MAP, 0x2C, 0x29, 0x0C, 0xE4, 0x01, 'a'};
    assert_int_equal(msg_map_decode(minimal, sizeof minimal, &d), MSG_OK);
}

/* ---- discovery --------------------------------------------------------------------------- */

static void test_disc_query_round_trip_and_layout(void **state)
{
    (void)state;
    MsgDiscoveryQuery q = {PROTO_VERSION, 0x11223344u}, d;
    size_t n = msg_discovery_query_encode(&q, buf_a, sizeof buf_a);
    assert_int_equal(n, PROTO_DISCOVERY_QUERY_BYTES);
    const uint8_t head[] = {'L', 'H', 'A', 'Q', PROTO_VERSION, 0x44, 0x33, 0x22, 0x11};
    assert_memory_equal(buf_a, head, sizeof head);
    assert_true(all_zero(buf_a + sizeof head, n - sizeof head));
    assert_int_equal(msg_discovery_query_decode(buf_a, n, &d), MSG_OK);
    assert_int_equal(d.version, q.version);
    assert_int_equal(d.nonce, q.nonce);
    expect_canonical(rt_query, buf_a, n);
    expect_prefixes_truncated(rt_query, buf_a, n);
    assert_int_equal(msg_discovery_query_encode(&q, buf_a, PROTO_DISCOVERY_QUERY_BYTES - 1), 0);

    /* another version still decodes (the server decides whether to answer) */
    buf_a[4] = 200;
    assert_int_equal(msg_discovery_query_decode(buf_a, n, &d), MSG_OK);
    assert_int_equal(d.version, 200);
    buf_a[4] = PROTO_VERSION;
    /* one byte too many, even zero */
    buf_a[n] = 0;
    assert_int_equal(msg_discovery_query_decode(buf_a, n + 1, &d), MSG_ERR_TRAILING);
    /* non-zero padding anywhere */
    for (size_t i = sizeof head; i < n; i += 17) {
        buf_a[i] = 1;
        assert_int_equal(msg_discovery_query_decode(buf_a, n, &d), MSG_ERR_VALUE);
        buf_a[i] = 0;
    }
    buf_a[n - 1] = 0x80;
    assert_int_equal(msg_discovery_query_decode(buf_a, n, &d), MSG_ERR_VALUE);
    buf_a[n - 1] = 0;
    /* magic */
    buf_a[3] = 'R';
    assert_int_equal(msg_discovery_query_decode(buf_a, n, &d), MSG_ERR_TYPE);
}

static void test_disc_reply_round_trip_and_layout(void **state)
{
    (void)state;
    MsgDiscoveryReply m = sample_reply(), d;
    size_t n = msg_discovery_reply_encode(&m, buf_a, sizeof buf_a, PROTO_DISCOVERY_QUERY_BYTES);
    const uint8_t want[] = {'L', 'H', 'A', 'R',  PROTO_VERSION, 0xD4, 0xC3, 0xB2, 0xA1,
                            11,  'B', 'o', 'b',  '\'',          's',  ' ',  'a',  'r',
                            'e', 'n', 'a', 4,    'd',           'u',  'e',  'l',  3,
                            0,   16,  0,   0x61, 0x1E,          0x63, 0x1E};
    assert_int_equal(n, sizeof want);
    assert_memory_equal(buf_a, want, n);
    assert_int_equal(msg_discovery_reply_decode(buf_a, n, &d), MSG_OK);
    assert_reply_equal(&m, &d);
    expect_canonical(rt_reply, buf_a, n);
    expect_prefixes_truncated(rt_reply, buf_a, n);

    /* largest reply, full server, empty map name allowed */
    memset(m.server_name, 'S', PROTO_SERVER_NAME_MAX);
    m.server_name[PROTO_SERVER_NAME_MAX] = '\0';
    memset(m.map_name, 'M', PROTO_MAP_NAME_MAX);
    m.map_name[PROTO_MAP_NAME_MAX] = '\0';
    m.players = m.capacity = PROTO_MAX_PLAYERS;
    n = msg_discovery_reply_encode(&m, buf_a, sizeof buf_a, PROTO_DISCOVERY_QUERY_BYTES);
    assert_int_equal(n, MSG_DISCOVERY_REPLY_MAX_BYTES);
    assert_true(n <= PROTO_DISCOVERY_QUERY_BYTES);
    assert_int_equal(msg_discovery_reply_decode(buf_a, n, &d), MSG_OK);
    assert_reply_equal(&m, &d);
    m.map_name[0] = '\0';
    m.players = 0;
    n = msg_discovery_reply_encode(&m, buf_a, sizeof buf_a, PROTO_DISCOVERY_QUERY_BYTES);
    assert_int_equal(msg_discovery_reply_decode(buf_a, n, &d), MSG_OK);
    assert_reply_equal(&m, &d);
}

static void test_disc_reply_rejects(void **state)
{
    (void)state;
    MsgDiscoveryReply m = sample_reply(), d;
    const size_t Q = PROTO_DISCOVERY_QUERY_BYTES;
    /* encoder */
    m.version = PROTO_VERSION + 1;
    assert_int_equal(msg_discovery_reply_encode(&m, buf_a, sizeof buf_a, Q), 0);
    m = sample_reply();
    m.server_name[0] = '\0';
    assert_int_equal(msg_discovery_reply_encode(&m, buf_a, sizeof buf_a, Q), 0);
    m = sample_reply();
    strcpy(m.server_name, "evil\x1B[2J");
    assert_int_equal(msg_discovery_reply_encode(&m, buf_a, sizeof buf_a, Q), 0);
    m = sample_reply();
    strcpy(m.map_name, "\xED\xA0\x80");
    assert_int_equal(msg_discovery_reply_encode(&m, buf_a, sizeof buf_a, Q), 0);
    m = sample_reply();
    m.capacity = 0;
    m.players = 0;
    assert_int_equal(msg_discovery_reply_encode(&m, buf_a, sizeof buf_a, Q), 0);
    m = sample_reply();
    m.capacity = PROTO_MAX_PLAYERS + 1;
    assert_int_equal(msg_discovery_reply_encode(&m, buf_a, sizeof buf_a, Q), 0);
    m = sample_reply();
    m.players = m.capacity + 1;
    assert_int_equal(msg_discovery_reply_encode(&m, buf_a, sizeof buf_a, Q), 0);
    m = sample_reply();
    m.game_port = 0;
    assert_int_equal(msg_discovery_reply_encode(&m, buf_a, sizeof buf_a, Q), 0);
    m = sample_reply();
    m.login_port = 0;
    assert_int_equal(msg_discovery_reply_encode(&m, buf_a, sizeof buf_a, Q), 0);

    /* decoder: patch the sample's bytes (layout pinned above) */
    m = sample_reply();
    size_t n = msg_discovery_reply_encode(&m, buf_a, sizeof buf_a, Q);
    assert_int_equal(n, 34);
    struct {
        size_t at;
        uint8_t val;
        MsgError want;
    } patches[] = {
        {0, 'X', MSG_ERR_TYPE},    {3, 'Q', MSG_ERR_TYPE}, {4, PROTO_VERSION + 1, MSG_ERR_VALUE},
        {10, 0x07, MSG_ERR_VALUE}, /* control char in the server name */
        {10, 0xC0, MSG_ERR_VALUE}, /* invalid UTF-8 */
        {22, 0x00, MSG_ERR_VALUE}, /* NUL in the map name */
        {26, 17, MSG_ERR_VALUE},   /* players 17 > capacity 16 */
        {28, 0, MSG_ERR_VALUE},    /* capacity 0 */
        {29, 0x04, MSG_ERR_VALUE}, /* capacity 1040 > PROTO_MAX_PLAYERS */
    };
    for (size_t i = 0; i < sizeof patches / sizeof patches[0]; i++) {
        memcpy(buf_b, buf_a, n);
        buf_b[patches[i].at] = patches[i].val;
        assert_int_equal(msg_discovery_reply_decode(buf_b, n, &d), patches[i].want);
    }
    /* ports of zero */
    memcpy(buf_b, buf_a, n);
    buf_b[30] = buf_b[31] = 0;
    assert_int_equal(msg_discovery_reply_decode(buf_b, n, &d), MSG_ERR_VALUE);
    memcpy(buf_b, buf_a, n);
    buf_b[32] = buf_b[33] = 0;
    assert_int_equal(msg_discovery_reply_decode(buf_b, n, &d), MSG_ERR_VALUE);
    /* empty server name: a reply built by hand */
    const uint8_t empty_name[] = {'L', 'H', 'A', 'R', PROTO_VERSION, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0,
                                  1,   0,   1,   0};
    assert_int_equal(msg_discovery_reply_decode(empty_name, sizeof empty_name, &d), MSG_ERR_VALUE);
    /* server name longer than PROTO_SERVER_NAME_MAX (length byte says 33) */
    memcpy(buf_b, buf_a, n);
    buf_b[9] = PROTO_SERVER_NAME_MAX + 1;
    assert_int_equal(msg_discovery_reply_decode(buf_b, n, &d), MSG_ERR_VALUE);
    /* trailing byte */
    memcpy(buf_b, buf_a, n);
    buf_b[n] = 0;
    assert_int_equal(msg_discovery_reply_decode(buf_b, n + 1, &d), MSG_ERR_TRAILING);
}

static void test_disc_reply_never_larger_than_query(void **state)
{
    (void)state;
    uint32_t seed = 4242;
    size_t answered = 0, refused = 0;
    for (int iter = 0; iter < 20000; iter++) {
        MsgDiscoveryReply m = sample_reply();
        size_t sl = 1 + rng_next(&seed) % PROTO_SERVER_NAME_MAX;
        size_t ml = rng_next(&seed) % (PROTO_MAP_NAME_MAX + 1);
        memset(m.server_name, 'a' + (int)(rng_next(&seed) % 26), sl);
        m.server_name[sl] = '\0';
        memset(m.map_name, 'b', ml);
        m.map_name[ml] = '\0';
        m.capacity = (uint16_t)(1 + rng_next(&seed) % PROTO_MAX_PLAYERS);
        m.players = (uint16_t)(rng_next(&seed) % (m.capacity + 1u));
        size_t needed = 4 + 1 + 4 + 1 + sl + 1 + ml + 8;
        size_t query_len = rng_next(&seed) % (2 * PROTO_DISCOVERY_QUERY_BYTES);
        size_t cap = rng_next(&seed) % 2 ? sizeof buf_a : rng_next(&seed) % 100;
        memset(buf_a, 0xA5, 4 * PROTO_DISCOVERY_QUERY_BYTES);
        size_t n = msg_discovery_reply_encode(&m, buf_a, cap, query_len);
        if (n == 0) {
            assert_true(needed > query_len || needed > cap);
            refused++;
        } else {
            assert_int_equal(n, needed);
            assert_true(n <= query_len && n <= cap);
            answered++;
        }
        /* nothing written past what a reply of query_len bytes may use */
        size_t limit = query_len < cap ? query_len : cap;
        for (size_t i = limit; i < limit + 8 && i < sizeof buf_a; i++)
            assert_int_equal(buf_a[i], 0xA5);
        /* any valid reply fits the reply to a well-formed query */
        assert_true(
            msg_discovery_reply_encode(&m, buf_b, sizeof buf_b, PROTO_DISCOVERY_QUERY_BYTES) > 0);
    }
    assert_true(answered > 1000 && refused > 1000);
}

/* ---- mutation robustness ----------------------------------------------------------------- */

/* Mutates src[0..len) into dst and returns the new length (<= cap). */
static size_t mutate(uint32_t *seed, const uint8_t *src, size_t len, uint8_t *dst, size_t cap)
{
    memcpy(dst, src, len);
    unsigned edits = 1 + rng_next(seed) % 4;
    for (unsigned e = 0; e < edits; e++) {
        uint32_t x = rng_next(seed);
        size_t at = len ? rng_next(seed) % len : 0;
        switch (x % 7) {
        case 0: /* flip a bit */
        case 1:
            if (len)
                dst[at] ^= (uint8_t)(1u << (x >> 8) % 8);
            break;
        case 2: /* random byte */
            if (len)
                dst[at] = (uint8_t)(x >> 8);
            break;
        case 3: /* truncate */
            len = at;
            break;
        case 4: /* append */
            if (len < cap)
                dst[len++] = (uint8_t)(x >> 8);
            break;
        case 5: /* delete one byte */
            if (len) {
                memmove(dst + at, dst + at + 1, len - at - 1);
                len--;
            }
            break;
        default: /* insert one byte */
            if (len < cap) {
                memmove(dst + at + 1, dst + at, len - at);
                dst[at] = (uint8_t)(x >> 8);
                len++;
            }
            break;
        }
    }
    return len;
}

static void fuzz_mutations(RoundTripFn fn, const uint8_t *const *seeds, const size_t *lens,
                           size_t nseeds, uint32_t seed, int iters)
{
    size_t ok = 0;
    for (int i = 0; i < iters; i++) {
        size_t s = rng_next(&seed) % nseeds;
        size_t len = mutate(&seed, seeds[s], lens[s], buf_b, 200);
        /* an exact-size tail copy so reading one byte past len is an ASan error */
        uint8_t *p = buf_a + sizeof buf_a - len;
        memmove(p, buf_b, len);
        size_t n;
        MsgError e = fn(len ? p : NULL, len, buf_c, sizeof buf_c, &n);
        assert_true(e >= MSG_OK && e <= MSG_ERR_TRAILING);
        if (e == MSG_OK) {
            /* canonical: the accepted bytes are exactly what the encoder writes */
            assert_int_equal(n, len);
            assert_memory_equal(buf_c, p, len);
            ok++;
        }
    }
    assert_true(ok > 0); /* some mutations (e.g. a flipped value bit) must stay valid */
}

enum { MUTATIONS = 100000 };

static void test_mutations_input(void **state)
{
    (void)state;
    static uint8_t s0[MSG_INPUT_MAX_BYTES], s1[MSG_INPUT_MAX_BYTES];
    MsgInput m = sample_input();
    size_t l0 = msg_input_encode(&m, s0, sizeof s0);
    m.count = PROTO_INPUT_WINDOW;
    m.newest_tick = 5000;
    for (unsigned i = 5; i < PROTO_INPUT_WINDOW; i++)
        m.inputs[i] = (SimInput){(uint8_t)(i % 3), (uint16_t)(i * 100 % 4096)};
    size_t l1 = msg_input_encode(&m, s1, sizeof s1);
    const uint8_t *seeds[] = {s0, s1};
    const size_t lens[] = {l0, l1};
    fuzz_mutations(rt_input, seeds, lens, 2, 1, MUTATIONS);
}

static void test_mutations_bind(void **state)
{
    (void)state;
    static uint8_t s0[MSG_BIND_BYTES];
    MsgBind m = {PROTO_VERSION, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};
    size_t l0 = msg_bind_encode(&m, s0, sizeof s0);
    const uint8_t *seeds[] = {s0};
    fuzz_mutations(rt_bind, seeds, &l0, 1, 2, MUTATIONS);
}

static void test_mutations_welcome(void **state)
{
    (void)state;
    static uint8_t s0[MSG_WELCOME_MAX_BYTES], s1[MSG_WELCOME_MAX_BYTES];
    MsgWelcome m = sample_welcome();
    size_t l0 = msg_welcome_encode(&m, s0, sizeof s0);
    strcpy(m.map_name, "x");
    m.player_id = 255;
    size_t l1 = msg_welcome_encode(&m, s1, sizeof s1);
    const uint8_t *seeds[] = {s0, s1};
    const size_t lens[] = {l0, l1};
    fuzz_mutations(rt_welcome, seeds, lens, 2, 3, MUTATIONS);
}

static void test_mutations_map(void **state)
{
    (void)state;
    static uint8_t s0[64], s1[256];
    const char *t0 = "name duel\n#####\n#S.S#\n#####\n";
    MsgMap m = {map_fnv1a32(t0, strlen(t0)), t0, strlen(t0)};
    size_t l0 = msg_map_encode(&m, s0, sizeof s0);
    static char t1[150];
    memset(t1, '#', sizeof t1);
    m = (MsgMap){map_fnv1a32(t1, sizeof t1), t1, sizeof t1}; /* 2-byte length */
    size_t l1 = msg_map_encode(&m, s1, sizeof s1);
    const uint8_t *seeds[] = {s0, s1};
    const size_t lens[] = {l0, l1};
    /* The checksum covers the text, so few mutations survive (e.g. a byte overwritten with
     * its own value); the harness only needs one. */
    fuzz_mutations(rt_map, seeds, lens, 2, 4, MUTATIONS);
}

static void test_mutations_disc_query(void **state)
{
    (void)state;
    static uint8_t s0[PROTO_DISCOVERY_QUERY_BYTES];
    MsgDiscoveryQuery q = {PROTO_VERSION, 77};
    size_t l0 = msg_discovery_query_encode(&q, s0, sizeof s0);
    const uint8_t *seeds[] = {s0};
    fuzz_mutations(rt_query, seeds, &l0, 1, 5, MUTATIONS);
}

static void test_mutations_disc_reply(void **state)
{
    (void)state;
    static uint8_t s0[MSG_DISCOVERY_REPLY_MAX_BYTES], s1[MSG_DISCOVERY_REPLY_MAX_BYTES];
    MsgDiscoveryReply m = sample_reply();
    size_t l0 = msg_discovery_reply_encode(&m, s0, sizeof s0, PROTO_DISCOVERY_QUERY_BYTES);
    strcpy(m.server_name, "\xE2\x98\x83 snow");
    m.map_name[0] = '\0';
    size_t l1 = msg_discovery_reply_encode(&m, s1, sizeof s1, PROTO_DISCOVERY_QUERY_BYTES);
    const uint8_t *seeds[] = {s0, s1};
    const size_t lens[] = {l0, l1};
    fuzz_mutations(rt_reply, seeds, lens, 2, 6, MUTATIONS);
}

/* MATCH's rules: a phase in 1..3, a winner only when the match ended, a = 0 without one; the
 * encoder refuses them and the decoder rejects the bytes. */
static void bad_match_rejected(const MsgEvent *good)
{
    uint8_t buf[MSG_EVENT_MAX_BYTES];
    MsgEvent out, bad = *good;
    bad.match.phase = SIM_PHASE_RUNNING; /* a winner while running */
    assert_int_equal(msg_event_encode(&bad, buf, sizeof buf), 0);
    bad.match.phase = 4;
    bad.match.has_winner = false;
    bad.a = 0;
    assert_int_equal(msg_event_encode(&bad, buf, sizeof buf), 0);
    bad = *good;
    bad.match.has_winner = false; /* a = 5 with no winner */
    assert_int_equal(msg_event_encode(&bad, buf, sizeof buf), 0);
    size_t n = msg_event_encode(good, buf, sizeof buf);
    assert_true(n > 0);
    buf[3] = (uint8_t)(buf[3] ^ (3u << 2)); /* phase 3 -> 0 (bits 26..33) */
    assert_int_equal(msg_event_decode(buf, n, &out), MSG_ERR_VALUE);
}

static void test_event_round_trip_and_rejects(void **state)
{
    (void)state;
    static uint8_t buf[64];
    MsgEvent out;
    MsgEvent join = {.kind = MSG_EV_PLAYER, .a = 255, .colour = 201};
    strcpy(join.name, "Pythonista");
    size_t n = msg_event_encode(&join, buf, sizeof buf);
    /* type 8, kind 8, id 10, uvarint length 8, 10 name bytes, colour 8 = 122 bits -> 16 bytes */
    assert_int_equal(n, 16);
    assert_int_equal(buf[0], PROTO_MSG_EVENT);
    assert_int_equal(buf[1], MSG_EV_PLAYER);
    /* Golden bytes (docs/protocol.md §3.6): id 255 in bits 16..25, length 10 from bit 26,
     * "Pythonista" from bit 34, then the colour 201 in bits 114..121. */
    static const uint8_t golden[16] = {0x06, 0x01, 0xFF, 0x28, 0x40, 0xE5, 0xD1, 0xA1,
                                       0xBD, 0xB9, 0xA5, 0xCD, 0xD1, 0x85, 0x25, 0x03};
    assert_memory_equal(buf, golden, sizeof golden);
    assert_int_equal((buf[14] >> 2) | ((buf[15] << 6) & 0xFF), 201);
    assert_int_equal(msg_event_decode(buf, n, &out), MSG_OK);
    assert_string_equal(out.name, "Pythonista");
    assert_int_equal(out.a, 255);
    assert_int_equal(out.colour, 201);
    expect_canonical(rt_event, buf, n);
    expect_prefixes_truncated(rt_event, buf, n);

    MsgEvent hit = {.kind = MSG_EV_HIT, .a = 3, .b = 200, .health = 66};
    n = msg_event_encode(&hit, buf, sizeof buf);
    assert_int_equal(n, 6); /* 8 + 8 + 10 + 10 + 8 bits */
    assert_int_equal(msg_event_decode(buf, n, &out), MSG_OK);
    assert_int_equal(out.a, 3);
    assert_int_equal(out.b, 200);
    assert_int_equal(out.health, 66);
    expect_prefixes_truncated(rt_event, buf, n);

    /* version 4: KILL, SPAWN, MATCH, STATS */
    MsgEvent kill = {.kind = MSG_EV_KILL, .a = 9, .b = 10};
    n = msg_event_encode(&kill, buf, sizeof buf);
    assert_int_equal(n, 5); /* 8 + 8 + 10 + 10 bits */
    assert_int_equal(msg_event_decode(buf, n, &out), MSG_OK);
    assert_int_equal(out.kind, MSG_EV_KILL);
    assert_int_equal(out.b, 10);
    MsgEvent spawn = {.kind = MSG_EV_SPAWN, .a = 11};
    n = msg_event_encode(&spawn, buf, sizeof buf);
    assert_int_equal(n, 4);
    assert_int_equal(msg_event_decode(buf, n, &out), MSG_OK);
    assert_int_equal(out.kind, MSG_EV_SPAWN);
    MsgEvent match = {.kind = MSG_EV_MATCH,
                      .a = 5,
                      .match = {.phase = SIM_PHASE_ENDED,
                                .has_winner = true,
                                .phase_end = 123456,
                                .score_limit = 20,
                                .time_limit = 300}};
    n = msg_event_encode(&match, buf, sizeof buf);
    assert_int_equal(n, 14); /* 26 + 8 + 8 + 32 + 16 + 16 bits = 106 */
    assert_int_equal(msg_event_decode(buf, n, &out), MSG_OK);
    assert_int_equal(out.a, 5);
    assert_true(out.match.has_winner);
    assert_int_equal(out.match.phase_end, 123456);
    assert_int_equal(out.match.score_limit, 20);
    assert_int_equal(out.match.time_limit, 300);
    expect_canonical(rt_event, buf, n);
    expect_prefixes_truncated(rt_event, buf, n);
    bad_match_rejected(&match);
    MsgEvent stats = {.kind = MSG_EV_STATS, .a = 6, .stats = {7, 8, 900, 65535}};
    n = msg_event_encode(&stats, buf, sizeof buf);
    assert_int_equal(n, 12); /* 26 + 64 bits */
    assert_int_equal(msg_event_decode(buf, n, &out), MSG_OK);
    assert_int_equal(out.stats.shots, 900);
    assert_int_equal(out.stats.hits, 65535);
    expect_prefixes_truncated(rt_event, buf, n);
    MsgEvent hurt = hit;
    hurt.health = PROTO_MAX_HEALTH + 1;
    assert_int_equal(msg_event_encode(&hurt, buf, sizeof buf), 0);
    hurt.health = PROTO_MAX_HEALTH;
    n = msg_event_encode(&hurt, buf, sizeof buf);
    buf[4] = (uint8_t)(buf[4] + 16); /* health 100 -> 101: bits 36..43 */
    assert_int_equal(msg_event_decode(buf, n, &out), MSG_ERR_VALUE);

    MsgEvent left = {.kind = MSG_EV_LEFT, .a = 7};
    n = msg_event_encode(&left, buf, sizeof buf);
    assert_int_equal(n, 4);
    assert_int_equal(msg_event_decode(buf, n, &out), MSG_OK);
    assert_int_equal(out.kind, MSG_EV_LEFT);

    MsgEvent legend = {.kind = MSG_EV_LEGEND, .a = 42};
    n = msg_event_encode(&legend, buf, sizeof buf);
    assert_int_equal(n, 4);
    assert_int_equal(msg_event_decode(buf, n, &out), MSG_OK);
    assert_int_equal(out.kind, MSG_EV_LEGEND);
    assert_int_equal(out.a, 42);
    buf[1] = MSG_EV_STATS + 1; /* the first unknown kind */
    assert_int_equal(msg_event_decode(buf, n, &out), MSG_ERR_VALUE);

    /* encoder refuses what the decoder would reject */
    MsgEvent bad = hit;
    bad.b = PROTO_MAX_PLAYERS;
    assert_int_equal(msg_event_encode(&bad, buf, sizeof buf), 0);
    bad = join;
    bad.name[0] = '\0';
    assert_int_equal(msg_event_encode(&bad, buf, sizeof buf), 0);
    bad = join;
    strcpy(bad.name, "tab\there");
    assert_int_equal(msg_event_encode(&bad, buf, sizeof buf), 0);
    bad = left;
    bad.kind = 9;
    assert_int_equal(msg_event_encode(&bad, buf, sizeof buf), 0);

    /* decoder: unknown kind, the highest id, trailing bytes, wrong type (every value of the
     * 10-bit id field is a player id since protocol 5: none is out of range) */
    n = msg_event_encode(&hit, buf, sizeof buf);
    buf[1] = 9;
    assert_int_equal(msg_event_decode(buf, n, &out), MSG_ERR_VALUE);
    n = msg_event_encode(&hit, buf, sizeof buf);
    buf[2] = 0xFF;
    buf[3] |= 0x03; /* id a = 1023 */
    assert_int_equal(msg_event_decode(buf, n, &out), MSG_OK);
    assert_int_equal(out.a, PROTO_MAX_PLAYERS - 1);
    n = msg_event_encode(&left, buf, sizeof buf);
    buf[n] = 1;
    assert_int_equal(msg_event_decode(buf, n + 1, &out), MSG_ERR_TRAILING);
    buf[0] = PROTO_MSG_WELCOME;
    assert_int_equal(msg_event_decode(buf, n, &out), MSG_ERR_TYPE);
}

static void test_mutations_event(void **state)
{
    (void)state;
    static uint8_t s0[MSG_EVENT_MAX_BYTES], s1[MSG_EVENT_MAX_BYTES], s2[MSG_EVENT_MAX_BYTES],
        s3[MSG_EVENT_MAX_BYTES], s4[MSG_EVENT_MAX_BYTES];
    MsgEvent join = {.kind = MSG_EV_PLAYER, .a = 12, .colour = 7};
    strcpy(join.name, "gamer");
    MsgEvent hit = {.kind = MSG_EV_HIT, .a = 1, .b = 2};
    MsgEvent left = {.kind = MSG_EV_LEFT, .a = 40};
    size_t l0 = msg_event_encode(&join, s0, sizeof s0);
    size_t l1 = msg_event_encode(&hit, s1, sizeof s1);
    size_t l2 = msg_event_encode(&left, s2, sizeof s2);
    MsgEvent match = {.kind = MSG_EV_MATCH,
                      .match = {.phase = SIM_PHASE_RUNNING, .phase_end = 7200, .score_limit = 20}};
    MsgEvent stats = {.kind = MSG_EV_STATS, .a = 3, .stats = {1, 2, 3, 4}};
    size_t l3 = msg_event_encode(&match, s3, sizeof s3);
    size_t l4 = msg_event_encode(&stats, s4, sizeof s4);
    const uint8_t *seeds[] = {s0, s1, s2, s3, s4};
    const size_t lens[] = {l0, l1, l2, l3, l4};
    fuzz_mutations(rt_event, seeds, lens, 5, 7, MUTATIONS);
}

/* ---- EVENTS (version 6) ------------------------------------------------------------------- */

static void test_events_round_trip_and_layout(void **state)
{
    (void)state;
    MsgEvent left = {.kind = MSG_EV_LEFT, .a = 40};
    MsgEvent hit = {.kind = MSG_EV_HIT, .a = 1, .b = 2, .health = 66};
    size_t len = 0;
    assert_true(msg_events_append(buf_a, &len, sizeof buf_a, &left));
    assert_true(msg_events_append(buf_a, &len, sizeof buf_a, &hit));
    uint8_t one[MSG_EVENT_MAX_BYTES], two[MSG_EVENT_MAX_BYTES];
    size_t l1 = msg_event_encode(&left, one, sizeof one);
    size_t l2 = msg_event_encode(&hit, two, sizeof two);
    /* type 7, count 2, then each EVENT as a length byte and its bytes (protocol.md §3.7) */
    assert_int_equal(len, 2 + 1 + l1 + 1 + l2);
    assert_int_equal(buf_a[0], PROTO_MSG_EVENTS);
    assert_int_equal(buf_a[1], 2);
    assert_int_equal(buf_a[2], l1);
    assert_memory_equal(buf_a + 3, one, l1);
    assert_int_equal(buf_a[3 + l1], l2);
    assert_memory_equal(buf_a + 4 + l1, two, l2);
    MsgEvent out[2];
    size_t count = 0;
    assert_int_equal(msg_events_decode(buf_a, len, out, 2, &count), MSG_OK);
    assert_int_equal(count, 2);
    assert_int_equal(out[0].kind, MSG_EV_LEFT);
    assert_int_equal(out[0].a, 40);
    assert_int_equal(out[1].kind, MSG_EV_HIT);
    assert_int_equal(out[1].b, 2);
    assert_int_equal(out[1].health, 66);
    expect_canonical(rt_events, buf_a, len);
    expect_prefixes_truncated(rt_events, buf_a, len);
    /* more events than the caller has room for */
    assert_int_equal(msg_events_decode(buf_a, len, out, 1, &count), MSG_ERR_VALUE);
    assert_int_equal(count, 0);
}

static void test_events_rejects(void **state)
{
    (void)state;
    MsgEvent left = {.kind = MSG_EV_LEFT, .a = 40};
    size_t len = 0, count = 0;
    assert_true(msg_events_append(buf_a, &len, sizeof buf_a, &left));
    static MsgEvent out[MSG_EVENTS_MAX_COUNT];
    memcpy(buf_b, buf_a, len);
    buf_b[0] = PROTO_MSG_EVENT;
    assert_int_equal(msg_events_decode(buf_b, len, out, MSG_EVENTS_MAX_COUNT, &count),
                     MSG_ERR_TYPE);
    memcpy(buf_b, buf_a, len);
    buf_b[1] = 0; /* no events */
    assert_int_equal(msg_events_decode(buf_b, len, out, MSG_EVENTS_MAX_COUNT, &count),
                     MSG_ERR_VALUE);
    memcpy(buf_b, buf_a, len);
    buf_b[2] = 0; /* an empty item */
    assert_int_equal(msg_events_decode(buf_b, len, out, MSG_EVENTS_MAX_COUNT, &count),
                     MSG_ERR_VALUE);
    memcpy(buf_b, buf_a, len);
    buf_b[2] = MSG_EVENT_MAX_BYTES + 1; /* longer than any EVENT */
    assert_int_equal(msg_events_decode(buf_b, len, out, MSG_EVENTS_MAX_COUNT, &count),
                     MSG_ERR_VALUE);
    memcpy(buf_b, buf_a, len);
    buf_b[3] = PROTO_MSG_WELCOME; /* the item is not an EVENT */
    assert_int_equal(msg_events_decode(buf_b, len, out, MSG_EVENTS_MAX_COUNT, &count),
                     MSG_ERR_TYPE);
    memcpy(buf_b, buf_a, len);
    buf_b[2] = (uint8_t)(buf_b[2] - 1); /* the item cut short: its EVENT is truncated */
    assert_int_equal(msg_events_decode(buf_b, len - 1, out, MSG_EVENTS_MAX_COUNT, &count),
                     MSG_ERR_VALUE);
    memcpy(buf_b, buf_a, len);
    buf_b[len] = 0; /* a byte after the last event */
    assert_int_equal(msg_events_decode(buf_b, len + 1, out, MSG_EVENTS_MAX_COUNT, &count),
                     MSG_ERR_TRAILING);
    assert_int_equal(count, 0);
    /* an event that does not encode is refused, the message unchanged */
    MsgEvent bad = {.kind = MSG_EV_HIT, .a = 1, .b = PROTO_MAX_PLAYERS};
    size_t before = len;
    assert_false(msg_events_append(buf_a, &len, sizeof buf_a, &bad));
    assert_int_equal(len, before);
}

/* The appender stops at the byte cap (MSG_EVENTS_MAX_BYTES at most). */
static void test_events_limits(void **state)
{
    (void)state;
    MsgEvent left = {.kind = MSG_EV_LEFT, .a = 1};
    uint8_t one[MSG_EVENT_MAX_BYTES];
    size_t item = 1 + msg_event_encode(&left, one, sizeof one);
    size_t len = 0, n = 0;
    while (msg_events_append(buf_a, &len, 100, &left))
        n++;
    assert_int_equal(n, (100 - 2) / item);
    assert_true(len <= 100);
    len = 0;
    n = 0;
    while (msg_events_append(buf_a, &len, sizeof buf_a, &left))
        n++;
    assert_int_equal(n, (MSG_EVENTS_MAX_BYTES - 2) / item); /* 204: the count (255) never binds */
    assert_true(n < MSG_EVENTS_MAX_COUNT);
    assert_true(len <= MSG_EVENTS_MAX_BYTES);
    static MsgEvent out[MSG_EVENTS_MAX_COUNT];
    size_t count = 0;
    assert_int_equal(msg_events_decode(buf_a, len, out, MSG_EVENTS_MAX_COUNT, &count), MSG_OK);
    assert_int_equal(count, n);
}

static void test_mutations_events(void **state)
{
    (void)state;
    static uint8_t s0[MSG_EVENTS_MAX_BYTES], s1[MSG_EVENTS_MAX_BYTES];
    MsgEvent join = {.kind = MSG_EV_PLAYER, .a = 12, .colour = 7};
    strcpy(join.name, "gamer");
    MsgEvent hit = {.kind = MSG_EV_HIT, .a = 1, .b = 2, .health = 32};
    MsgEvent kill = {.kind = MSG_EV_KILL, .a = 1, .b = 2};
    size_t l0 = 0, l1 = 0;
    assert_true(msg_events_append(s0, &l0, sizeof s0, &join));
    assert_true(msg_events_append(s1, &l1, sizeof s1, &hit));
    assert_true(msg_events_append(s1, &l1, sizeof s1, &kill));
    assert_true(msg_events_append(s1, &l1, sizeof s1, &join));
    const uint8_t *seeds[] = {s0, s1};
    const size_t lens[] = {l0, l1};
    fuzz_mutations(rt_events, seeds, lens, 2, 11, MUTATIONS);
}

static void test_error_strings(void **state)
{
    (void)state;
    for (int e = MSG_OK; e <= MSG_ERR_TRAILING; e++) {
        const char *s = msg_error_str((MsgError)e);
        assert_non_null(s);
        assert_true(strlen(s) > 0);
        for (int f = MSG_OK; f < e; f++)
            assert_string_not_equal(s, msg_error_str((MsgError)f));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_input_round_trip),
        cmocka_unit_test(test_input_exact_layout),
        cmocka_unit_test(test_input_sizes_and_edges),
        cmocka_unit_test(test_input_encoder_rejects_invalid),
        cmocka_unit_test(test_input_protocol_example),
        cmocka_unit_test(test_input_decoder_rejects),
        cmocka_unit_test(test_bind_round_trip_and_layout),
        cmocka_unit_test(test_welcome_round_trip_and_layout),
        cmocka_unit_test(test_welcome_encoder_rejects_invalid),
        cmocka_unit_test(test_welcome_decoder_rejects),
        cmocka_unit_test(test_input_interval),
        cmocka_unit_test(test_map_round_trip_and_layout),
        cmocka_unit_test(test_map_rejects),
        cmocka_unit_test(test_disc_query_round_trip_and_layout),
        cmocka_unit_test(test_disc_reply_round_trip_and_layout),
        cmocka_unit_test(test_disc_reply_rejects),
        cmocka_unit_test(test_disc_reply_never_larger_than_query),
        cmocka_unit_test(test_mutations_input),
        cmocka_unit_test(test_mutations_bind),
        cmocka_unit_test(test_mutations_welcome),
        cmocka_unit_test(test_mutations_map),
        cmocka_unit_test(test_mutations_disc_query),
        cmocka_unit_test(test_mutations_disc_reply),
        cmocka_unit_test(test_event_round_trip_and_rejects),
        cmocka_unit_test(test_mutations_event),
        cmocka_unit_test(test_events_round_trip_and_layout),
        cmocka_unit_test(test_events_rejects),
        cmocka_unit_test(test_events_limits),
        cmocka_unit_test(test_mutations_events),
        cmocka_unit_test(test_error_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
