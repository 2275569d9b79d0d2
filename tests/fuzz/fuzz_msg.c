/* fuzz_msg.c — libFuzzer target for the small message decoders. Built once per message with
 * exactly one of FUZZ_MSG_INPUT, _BIND, _WELCOME, _MAP, _DISC_QUERY, _DISC_REPLY, _EVENT,
 * _EVENTS defined to 1.
 *
 * Invariants: decoding never crashes or reads past `size`; a message that decodes passes its
 * own range rules, re-encodes to exactly the same bytes (encodings are canonical), and that
 * re-encoding decodes to the same value. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lagcomp.h"
#include "line.h"
#include "map.h"
#include "msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static uint8_t out[MSG_MAP_MAX_BYTES];

static void check_same_bytes(const uint8_t *data, size_t size, size_t n)
{
    CHECK(n == size);
    CHECK(memcmp(out, data, size) == 0);
}

#if defined(FUZZ_MSG_WELCOME) || defined(FUZZ_MSG_DISC_REPLY)
static bool text_ok(const char *s, bool nonempty)
{
    size_t n = strlen(s);
    return (!nonempty || n > 0) && line_text_valid((const uint8_t *)s, n);
}
#endif

#if defined(FUZZ_MSG_INPUT)
static void run(const uint8_t *data, size_t size)
{
    MsgInput a, b;
    if (msg_input_decode(data, size, &a) != MSG_OK)
        return;
    CHECK(a.count >= 1 && a.count <= PROTO_INPUT_WINDOW && a.newest_tick >= a.count);
    CHECK(a.view_lag <= LC_VIEW_LAG_MAX);
    for (unsigned i = 0; i < a.count; i++)
        CHECK(a.inputs[i].buttons <= SIM_BTN_MASK && a.inputs[i].aim < SIM_ANGLE_STEPS);
    size_t n = msg_input_encode(&a, out, sizeof out);
    check_same_bytes(data, size, n);
    CHECK(msg_input_decode(out, n, &b) == MSG_OK);
    CHECK(a.snapshot_ack == b.snapshot_ack && a.newest_tick == b.newest_tick);
    CHECK(a.count == b.count && a.view_lag == b.view_lag);
    for (unsigned i = 0; i < a.count; i++)
        CHECK(a.inputs[i].buttons == b.inputs[i].buttons && a.inputs[i].aim == b.inputs[i].aim);
}
#elif defined(FUZZ_MSG_BIND)
static void run(const uint8_t *data, size_t size)
{
    MsgBind a, b;
    if (msg_bind_decode(data, size, &a) != MSG_OK)
        return;
    size_t n = msg_bind_encode(&a, out, sizeof out);
    check_same_bytes(data, size, n);
    CHECK(msg_bind_decode(out, n, &b) == MSG_OK);
    CHECK(a.version == b.version && memcmp(a.token, b.token, sizeof a.token) == 0);
}
#elif defined(FUZZ_MSG_WELCOME)
static void run(const uint8_t *data, size_t size)
{
    MsgWelcome a, b;
    if (msg_welcome_decode(data, size, &a) != MSG_OK)
        return;
    CHECK(a.version == PROTO_VERSION && a.player_id < PROTO_MAX_PLAYERS);
    CHECK(a.tick_hz == PROTO_TICK_HZ);
    CHECK(a.snapshot_hz >= PROTO_SNAPSHOT_HZ_MIN && a.snapshot_hz <= PROTO_SNAPSHOT_HZ_MAX);
    CHECK(text_ok(a.map_name, true));
    size_t n = msg_welcome_encode(&a, out, sizeof out);
    check_same_bytes(data, size, n);
    CHECK(msg_welcome_decode(out, n, &b) == MSG_OK);
    CHECK(a.version == b.version && a.player_id == b.player_id);
    CHECK(a.server_tick == b.server_tick && a.tick_hz == b.tick_hz);
    CHECK(a.snapshot_hz == b.snapshot_hz && a.map_checksum == b.map_checksum);
    CHECK(strcmp(a.map_name, b.map_name) == 0);
}
#elif defined(FUZZ_MSG_MAP)
static void run(const uint8_t *data, size_t size)
{
    MsgMap a, b;
    if (msg_map_decode(data, size, &a) != MSG_OK)
        return;
    CHECK(a.len >= 1 && a.len <= PROTO_MAP_TEXT_MAX);
    CHECK((const uint8_t *)a.text > data && (const uint8_t *)a.text + a.len <= data + size);
    CHECK(map_fnv1a32(a.text, a.len) == a.checksum);
    size_t n = msg_map_encode(&a, out, sizeof out);
    check_same_bytes(data, size, n);
    CHECK(msg_map_decode(out, n, &b) == MSG_OK);
    CHECK(a.checksum == b.checksum && a.len == b.len);
    CHECK(memcmp(a.text, b.text, a.len) == 0);
}
#elif defined(FUZZ_MSG_DISC_QUERY)
static void run(const uint8_t *data, size_t size)
{
    MsgDiscoveryQuery a, b;
    if (msg_discovery_query_decode(data, size, &a) != MSG_OK)
        return;
    CHECK(size == PROTO_DISCOVERY_QUERY_BYTES);
    size_t n = msg_discovery_query_encode(&a, out, sizeof out);
    check_same_bytes(data, size, n);
    CHECK(msg_discovery_query_decode(out, n, &b) == MSG_OK);
    CHECK(a.version == b.version && a.nonce == b.nonce);
}
#elif defined(FUZZ_MSG_DISC_REPLY)
static void run(const uint8_t *data, size_t size)
{
    MsgDiscoveryReply a, b;
    if (msg_discovery_reply_decode(data, size, &a) != MSG_OK)
        return;
    CHECK(a.version == PROTO_VERSION);
    CHECK(a.capacity >= 1 && a.capacity <= PROTO_MAX_PLAYERS && a.players <= a.capacity);
    CHECK(a.game_port != 0 && a.login_port != 0);
    CHECK(text_ok(a.server_name, true) && text_ok(a.map_name, false));
    size_t n = msg_discovery_reply_encode(&a, out, sizeof out, PROTO_DISCOVERY_QUERY_BYTES);
    check_same_bytes(data, size, n);
    CHECK(n <= PROTO_DISCOVERY_QUERY_BYTES);
    CHECK(msg_discovery_reply_decode(out, n, &b) == MSG_OK);
    CHECK(a.nonce == b.nonce && a.players == b.players && a.capacity == b.capacity);
    CHECK(a.game_port == b.game_port && a.login_port == b.login_port);
    CHECK(strcmp(a.server_name, b.server_name) == 0 && strcmp(a.map_name, b.map_name) == 0);
    /* the encoder refuses to answer a shorter query with this reply */
    CHECK(msg_discovery_reply_encode(&a, out, sizeof out, n - 1) == 0);
}
#elif defined(FUZZ_MSG_EVENT)
static void run(const uint8_t *data, size_t size)
{
    MsgEvent a, b;
    if (msg_event_decode(data, size, &a) != MSG_OK)
        return;
    CHECK(a.kind >= MSG_EV_PLAYER && a.kind <= MSG_EV_STATS);
    CHECK(a.a < PROTO_MAX_PLAYERS && a.b < PROTO_MAX_PLAYERS && a.health <= PROTO_MAX_HEALTH);
    CHECK(a.kind != MSG_EV_MATCH ||
          (a.match.phase >= SIM_PHASE_WARMUP && a.match.phase <= SIM_PHASE_ENDED &&
           (!a.match.has_winner || a.match.phase == SIM_PHASE_ENDED)));
    size_t n = msg_event_encode(&a, out, sizeof out);
    check_same_bytes(data, size, n);
    CHECK(msg_event_decode(out, n, &b) == MSG_OK);
    CHECK(a.kind == b.kind && a.a == b.a && a.b == b.b && strcmp(a.name, b.name) == 0);
    CHECK(a.kind != MSG_EV_PLAYER || a.colour == b.colour);
    CHECK(a.health == b.health && memcmp(&a.stats, &b.stats, sizeof a.stats) == 0);
    CHECK(a.match.phase == b.match.phase && a.match.has_winner == b.match.has_winner &&
          a.match.phase_end == b.match.phase_end && a.match.score_limit == b.match.score_limit &&
          a.match.time_limit == b.match.time_limit);
}
#elif defined(FUZZ_MSG_EVENTS)
static MsgEvent evs[MSG_EVENTS_MAX_COUNT], again[MSG_EVENTS_MAX_COUNT];
static uint8_t built[MSG_EVENTS_MAX_COUNT * (1 + MSG_EVENT_MAX_BYTES) + 2];

/* An EVENTS message whose events all decode rebuilds to the same bytes, event by event, and
 * every event in it is a valid EVENT. msg_events_append caps what it builds at
 * MSG_EVENTS_MAX_BYTES, a decoder takes more: longer inputs are rebuilt by hand. */
static void run(const uint8_t *data, size_t size)
{
    size_t count = 0;
    if (msg_events_decode(data, size, evs, MSG_EVENTS_MAX_COUNT, &count) != MSG_OK)
        return;
    CHECK(count >= 1 && count <= MSG_EVENTS_MAX_COUNT);
    size_t n = 2;
    built[0] = PROTO_MSG_EVENTS;
    built[1] = (uint8_t)count;
    for (size_t i = 0; i < count; i++) {
        CHECK(evs[i].kind >= MSG_EV_PLAYER && evs[i].kind <= MSG_EV_STATS);
        size_t one = msg_event_encode(&evs[i], built + n + 1, MSG_EVENT_MAX_BYTES);
        CHECK(one > 0);
        built[n] = (uint8_t)one;
        n += 1 + one;
    }
    CHECK(n == size && memcmp(built, data, size) == 0);
    if (size <= MSG_EVENTS_MAX_BYTES) {
        size_t len = 0;
        for (size_t i = 0; i < count; i++)
            CHECK(msg_events_append(out, &len, MSG_EVENTS_MAX_BYTES, &evs[i]));
        check_same_bytes(data, size, len);
    }
    size_t count2 = 0;
    CHECK(msg_events_decode(built, n, again, MSG_EVENTS_MAX_COUNT, &count2) == MSG_OK);
    CHECK(count2 == count);
}
#else
#error "define one of FUZZ_MSG_INPUT, _BIND, _WELCOME, _MAP, _DISC_QUERY, _DISC_REPLY, _EVENT(S)"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(data, size);
    return 0;
}
