/* test_agones.c — the Agones client's policy (agones_plan.h) and JSON (agones_json.h).
 *
 * What a fleet operator would notice: a server that says Ready before its labels are set (an
 * allocator's selector misses it), Health sent while the game loop is stuck (Agones never
 * replaces a frozen server), a sidecar hammered in a tight loop when it is down, a player count
 * that is never corrected, a Shutdown never sent; a state misread from the sidecar's JSON; a
 * label value Kubernetes refuses. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "agones_json.h"
#include "agones_plan.h"

static const AgonesTiming timing = {
    .health_ms = 1000, .poll_ms = 2000, .retry_min_ms = 250, .retry_max_ms = 5000};

/* Notes each call of the AG_NONE-ended list as answered at 1000 ms. */
static void said(AgonesSync *s, const AgonesWant *w, const AgonesCall *calls)
{
    for (; *calls != AG_NONE; calls++)
        agones_done(s, &timing, *calls, w, AG_OK, 1000);
}

/* Says every call it is told to, successfully, until nothing is due at now. */
static void settle(const AgonesWant *w, AgonesSync *s, uint64_t now)
{
    uint32_t wait;
    for (int i = 0; i < 20; i++) {
        AgonesCall c = agones_next(w, s, &timing, now, &wait);
        if (c == AG_NONE)
            return;
        agones_done(s, &timing, c, w, AG_OK, now);
    }
    fail_msg("does not settle");
}

static void test_order_labels_capacity_then_ready(void **state)
{
    (void)state;
    AgonesSync s;
    agones_sync_init(&s);
    AgonesWant w = {.beat = 1, .players = 0, .capacity = 64};
    uint32_t wait;
    /* Ready after the labels, the capacity and a first read of the GameServer (its port). */
    const AgonesCall want[] = {AG_HEALTH, AG_LABELS, AG_CAPACITY, AG_POLL, AG_READY, AG_PLAYERS};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        AgonesCall c = agones_next(&w, &s, &timing, 1000, &wait);
        assert_int_equal(c, want[i]);
        agones_done(&s, &timing, c, &w, AG_OK, 1000);
    }
    assert_int_equal(agones_next(&w, &s, &timing, 1000, &wait), AG_NONE);
    assert_true(wait > 0 && wait <= 1000);
}

static void test_health_only_while_the_loop_ticks(void **state)
{
    (void)state;
    AgonesSync s;
    agones_sync_init(&s);
    AgonesWant w = {.beat = 5, .capacity = 8};
    settle(&w, &s, 1000);
    uint32_t wait;
    /* A period later with the same tick count: the loop is stuck, no Health. */
    assert_int_not_equal(agones_next(&w, &s, &timing, 2100, &wait), AG_HEALTH);
    w.beat = 6;
    assert_int_equal(agones_next(&w, &s, &timing, 2100, &wait), AG_HEALTH);
    /* Ticking, but not a period yet: no Health. */
    agones_done(&s, &timing, AG_HEALTH, &w, AG_OK, 2100);
    w.beat = 7;
    assert_int_not_equal(agones_next(&w, &s, &timing, 2500, &wait), AG_HEALTH);
}

static void test_players_shutdown_and_poll(void **state)
{
    (void)state;
    AgonesSync s;
    agones_sync_init(&s);
    AgonesWant w = {.beat = 1, .capacity = 8};
    settle(&w, &s, 1000);
    uint32_t wait;
    w.players = 3;
    assert_int_equal(agones_next(&w, &s, &timing, 1100, &wait), AG_PLAYERS);
    agones_done(&s, &timing, AG_PLAYERS, &w, AG_OK, 1100);
    assert_int_equal(agones_next(&w, &s, &timing, 1100, &wait), AG_NONE);
    w.shutdown = true;
    assert_int_equal(agones_next(&w, &s, &timing, 1200, &wait), AG_SHUTDOWN);
    agones_done(&s, &timing, AG_SHUTDOWN, &w, AG_OK, 1200);
    assert_int_not_equal(agones_next(&w, &s, &timing, 1200, &wait), AG_SHUTDOWN); /* once */
    assert_int_equal(agones_next(&w, &s, &timing, 3000, &wait), AG_POLL);
}

static void test_failures_back_off_per_call_and_recover(void **state)
{
    (void)state;
    AgonesSync s;
    agones_sync_init(&s);
    AgonesWant w = {.beat = 1, .capacity = 8};
    settle(&w, &s, 1000);
    uint32_t wait;
    uint64_t now = 3000; /* a poll is due */
    /* Health every minute here, so that only the poll's pauses decide the waits. */
    const AgonesTiming slow = {
        .health_ms = 60000, .poll_ms = 2000, .retry_min_ms = 250, .retry_max_ms = 5000};
    const uint32_t pauses[] = {250, 500, 1000, 2000, 4000, 5000, 5000};
    for (size_t i = 0; i < sizeof pauses / sizeof pauses[0]; i++) {
        w.beat = now; /* the loop ticks */
        AgonesCall c = agones_next(&w, &s, &slow, now, &wait);
        if (c == AG_HEALTH) { /* Health works all along */
            agones_done(&s, &slow, c, &w, AG_OK, now);
            c = agones_next(&w, &s, &slow, now, &wait);
        }
        assert_int_equal(c, AG_POLL);
        AgonesNote n = agones_done(&s, &slow, c, &w, AG_FAILED, now);
        assert_int_equal(n, i == 0 ? AG_NOTE_FAILING : AG_NOTE_NONE); /* logged once */
        /* The poll waits its pause; a player count still goes at once. */
        w.players++;
        assert_int_equal(agones_next(&w, &s, &slow, now, &wait), AG_PLAYERS);
        agones_done(&s, &slow, AG_PLAYERS, &w, AG_OK, now);
        assert_int_equal(agones_next(&w, &s, &slow, now + pauses[i] - 1, &wait), AG_NONE);
        assert_int_equal(wait, 1);
        now += pauses[i];
    }
    assert_int_equal(agones_next(&w, &s, &slow, now, &wait), AG_POLL);
    assert_int_equal(agones_done(&s, &slow, AG_POLL, &w, AG_OK, now), AG_NOTE_RECOVERED);
    assert_int_equal(s.failures[AG_POLL], 0);
}

static void test_ready_waits_for_labels_even_when_they_fail(void **state)
{
    (void)state;
    AgonesSync s;
    agones_sync_init(&s);
    AgonesWant w = {.beat = 1, .capacity = 8};
    uint32_t wait;
    agones_done(&s, &timing, AG_HEALTH, &w, AG_OK, 1000);
    assert_int_equal(agones_next(&w, &s, &timing, 1000, &wait), AG_LABELS);
    agones_done(&s, &timing, AG_LABELS, &w, AG_UNREACHABLE, 1000);
    AgonesCall c = agones_next(&w, &s, &timing, 1001, &wait);
    assert_true(c != AG_READY && c != AG_CAPACITY && c != AG_PLAYERS);
}

static void test_no_players_counter_is_asked_once(void **state)
{
    (void)state;
    AgonesSync s;
    agones_sync_init(&s);
    AgonesWant w = {.beat = 1, .players = 2, .capacity = 8};
    uint32_t wait;
    said(&s, &w, (const AgonesCall[]){AG_HEALTH, AG_LABELS, AG_NONE});
    assert_int_equal(agones_next(&w, &s, &timing, 1000, &wait), AG_CAPACITY);
    assert_int_equal(agones_done(&s, &timing, AG_CAPACITY, &w, AG_NOT_FOUND, 1000), AG_NOTE_NONE);
    assert_int_equal(agones_next(&w, &s, &timing, 1000, &wait), AG_POLL); /* no pause */
    agones_done(&s, &timing, AG_POLL, &w, AG_OK, 1000);
    assert_int_equal(agones_next(&w, &s, &timing, 1000, &wait), AG_READY);
    agones_done(&s, &timing, AG_READY, &w, AG_OK, 1000);
    for (unsigned p = 0; p < 5; p++) {
        w.players = p;
        assert_int_not_equal(agones_next(&w, &s, &timing, 1000 + p, &wait), AG_PLAYERS);
    }
    /* A 404 elsewhere is a failure like any other. */
    assert_int_equal(agones_done(&s, &timing, AG_POLL, &w, AG_NOT_FOUND, 1000), AG_NOTE_FAILING);
}

static void test_parse_state(void **state)
{
    (void)state;
    char st[AGONES_STATE_MAX] = "before";
    const char ok[] = "{\"object_meta\":{\"name\":\"x\"},\"status\":{\"state\":\"Allocated\","
                      "\"address\":\"1.2.3.4\"}}";
    assert_true(agones_parse_state(ok, sizeof ok - 1, st, sizeof st));
    assert_string_equal(st, "Allocated");
    static const char *const bad[] = {
        "",
        "{",
        "{\"status\":{\"state\":42}}",
        "{\"status\":\"Allocated\"}",
        "{\"status\":{\"state\":\"\"}}",
        "{\"status\":{\"state\":\"Al located\"}}",
        "{\"status\":{\"state\":\"Ready\\u0000x\"}}",
        "{\"status\":{\"state\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}}",
        "{\"status\":{\"state\":\"Ready\"},\"status\":{\"state\":\"Allocated\"}}",
        "[\"status\"]",
        "null",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        strcpy(st, "kept");
        if (agones_parse_state(bad[i], strlen(bad[i]), st, sizeof st))
            fail_msg("accepted %s", bad[i]);
        assert_string_equal(st, "kept");
    }
    /* Length is the buffer's, not a NUL's: a prefix that is whole JSON is read as given. */
    assert_false(agones_parse_state(ok, 10, st, sizeof st));
    /* The port players reach: status.ports' "default" entry, 1..65535. */
    uint16_t port = 1;
    const char ports[] = "{\"status\":{\"state\":\"Ready\",\"ports\":[{\"name\":\"other\","
                         "\"port\":1},{\"name\":\"default\",\"port\":7342}]}}";
    assert_true(agones_parse_gameserver(ports, sizeof ports - 1, st, sizeof st, "default", &port));
    assert_int_equal(port, 7342);
    static const char *const no_port[] = {
        "{\"status\":{\"state\":\"Ready\"}}",
        "{\"status\":{\"state\":\"Ready\",\"ports\":[{\"name\":\"default\",\"port\":70000}]}}",
        "{\"status\":{\"state\":\"Ready\",\"ports\":[{\"name\":\"default\",\"port\":\"7\"}]}}",
        "{\"status\":{\"state\":\"Ready\",\"ports\":{\"name\":\"default\",\"port\":7}}}",
        "{\"status\":{\"state\":\"Ready\",\"ports\":[{\"name\":\"game\",\"port\":7}]}}",
    };
    for (size_t i = 0; i < sizeof no_port / sizeof no_port[0]; i++) {
        port = 1;
        assert_true(agones_parse_gameserver(no_port[i], strlen(no_port[i]), st, sizeof st,
                                            "default", &port));
        if (port != 0)
            fail_msg("port %u from %s", port, no_port[i]);
    }
}

static void test_bodies_and_label_values(void **state)
{
    (void)state;
    char b[128];
    const char want[] = "{\"key\":\"arena-map\",\"value\":\"a\\\"b\"}";
    assert_int_equal(agones_body_key_value("arena-map", "a\"b", b, sizeof b), sizeof want - 1);
    assert_string_equal(b, want);
    assert_int_equal(agones_body_key_value("k", "v", b, 10), 0); /* does not fit */
    agones_body_count("capacity", 1000, b, sizeof b);
    assert_string_equal(b, "{\"capacity\":1000}");
    char v[AGONES_LABEL_VALUE_MAX];
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"Road to Localhost", "Road-to-Localhost"},
        {"  --Déjà vu!  ", "D-j-vu"},
        {"a.b_c-d", "a.b_c-d"},
        {"***", "unnamed"},
        {"", "unnamed"},
        {"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        agones_label_value(cases[i].in, v, sizeof v);
        assert_string_equal(v, cases[i].out);
    }
    assert_int_equal(strlen(cases[5].out), 63);
}

static void test_ready_waits_for_the_port_the_loop_tells(void **state)
{
    (void)state;
    AgonesSync s;
    agones_sync_init(&s);
    AgonesWant w = {.beat = 1, .capacity = 8};
    uint32_t wait;
    said(&s, &w, (const AgonesCall[]){AG_HEALTH, AG_LABELS, AG_CAPACITY, AG_POLL, AG_NONE});
    s.polled_port = 7342; /* what the poll found */
    assert_int_not_equal(agones_next(&w, &s, &timing, 1000, &wait), AG_READY);
    w.port = 7342; /* the loop tells it now */
    assert_int_equal(agones_next(&w, &s, &timing, 1000, &wait), AG_READY);
}

/* Agones answers 500 for a counter the fleet does not define: Ready does not wait for it, and
 * after AGONES_COUNTER_TRIES error answers it is given up. An unreachable sidecar is no answer
 * about the counter at all. */
static void test_counter_errors_neither_block_ready_nor_last(void **state)
{
    (void)state;
    AgonesSync s;
    agones_sync_init(&s);
    AgonesWant w = {.beat = 1, .players = 2, .capacity = 8};
    uint32_t wait;
    said(&s, &w, (const AgonesCall[]){AG_HEALTH, AG_LABELS, AG_POLL, AG_NONE});
    assert_int_equal(agones_next(&w, &s, &timing, 1000, &wait), AG_CAPACITY);
    agones_done(&s, &timing, AG_CAPACITY, &w, AG_FAILED, 1000);
    assert_int_equal(agones_next(&w, &s, &timing, 1000, &wait), AG_READY);
    agones_done(&s, &timing, AG_READY, &w, AG_OK, 1000);
    uint64_t now = 1000;
    for (unsigned i = 0; i < 10 && !s.counter_missing; i++) {
        now += 10000;
        AgonesCall c = agones_next(&w, &s, &timing, now, &wait);
        if (c == AG_HEALTH || c == AG_POLL) {
            agones_done(&s, &timing, c, &w, AG_OK, now);
            continue;
        }
        assert_true(c == AG_CAPACITY || c == AG_PLAYERS);
        agones_done(&s, &timing, c, &w, i == 0 ? AG_UNREACHABLE : AG_FAILED, now);
    }
    assert_true(s.counter_missing);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_labels_capacity_then_ready),
        cmocka_unit_test(test_health_only_while_the_loop_ticks),
        cmocka_unit_test(test_players_shutdown_and_poll),
        cmocka_unit_test(test_failures_back_off_per_call_and_recover),
        cmocka_unit_test(test_ready_waits_for_labels_even_when_they_fail),
        cmocka_unit_test(test_no_players_counter_is_asked_once),
        cmocka_unit_test(test_ready_waits_for_the_port_the_loop_tells),
        cmocka_unit_test(test_counter_errors_neither_block_ready_nor_last),
        cmocka_unit_test(test_parse_state),
        cmocka_unit_test(test_bodies_and_label_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
