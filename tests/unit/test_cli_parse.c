/* test_cli_parse.c — the login answer lines and the raw-datagram peek.
 *
 * What a user would notice: a valid login refused (or a garbled one accepted and then a
 * confusing BIND failure), the wrong error reason shown, or a wrong "largest snapshot
 * datagram" figure in the bot's report (a datagram counted for the wrong channel). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <enet/enet.h>
#include <stdio.h>
#include <string.h>

#include "cli_parse.h"

static const char k_token[] = "00112233445566778899aabbccddeeff";

static void test_login_ok(void **state)
{
    (void)state;
    CliLoginOk ok;
    char line[128];
    snprintf(line, sizeof line,
             "token=00112233445566778899aabbccddeeff id=12 udp=7777 version=%d tick=60 snap=30 "
             "colour=9",
             PROTO_VERSION);
    assert_true(cli_parse_login_ok(line, &ok));
    static const uint8_t want[PROTO_TOKEN_BYTES] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                                    0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
    assert_memory_equal(ok.token, want, sizeof want);
    assert_int_equal(ok.player_id, 12);
    assert_int_equal(ok.udp_port, 7777);
    assert_int_equal(ok.snapshot_hz, 30);
    /* Order does not matter, upper-case hex is fine, unknown fields are ignored. */
    assert_true(
        cli_parse_login_ok("udp=1 motd=hi id=1023 token=00112233445566778899AABBCCDDEEFF", &ok));
    assert_int_equal(ok.player_id, 1023);
    assert_int_equal(ok.udp_port, 1);
    assert_int_equal(ok.token[15], 0xff);
}

static void test_login_ok_rejects(void **state)
{
    (void)state;
    char line[256];
    static const char *const bad[] = {
        "",
        "id=1 udp=7777",                                        /* no token */
        "token=%s udp=7777",                                    /* no id */
        "token=%s id=1",                                        /* no udp */
        "token=0011 id=1 udp=7777",                             /* short token */
        "token=%s0 id=1 udp=7777",                              /* long token */
        "token=g0112233445566778899aabbccddeeff id=1 udp=7777", /* not hex */
        "token=%s id=1024 udp=7777",                            /* id out of range */
        "token=%s id=-1 udp=7777",
        "token=%s id=01 udp=7777", /* non-canonical number */
        "token=%s id=1 udp=0",     /* port 0 */
        "token=%s id=1 udp=65536",
        "token=%s id=1 udp=",
        "token=%s id=1 udp=7777 version=4", /* another protocol */
        "token=%s id=1 udp=7777 tick=30",   /* another tick rate */
        "token=%s id=1 udp=7777 snap=5",    /* snapshot rate out of range */
        "token=%s id=1 id=2 udp=7777",      /* duplicate field */
        "token=%s id=99999999999 udp=7777", /* overflow */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(line, sizeof line, bad[i], k_token);
        CliLoginOk ok;
        memset(&ok, 0x77, sizeof ok);
        if (cli_parse_login_ok(line, &ok))
            fail_msg("accepted '%s'", line);
        assert_int_equal(ok.player_id, 0);
        assert_int_equal(ok.udp_port, 0);
    }
}

static void test_hello_and_err(void **state)
{
    (void)state;
    assert_int_equal(cli_parse_hello_version("HELLO 1 Localhost Arena"), 1);
    assert_int_equal(cli_parse_hello_version("HELLO 7"), 7);
    assert_int_equal(cli_parse_hello_version("HELLO x Arena"), -1);
    assert_int_equal(cli_parse_hello_version("HELLO  1"), -1);
    assert_int_equal(cli_parse_hello_version("HELO 1"), -1);

    char code[CLI_ERR_CODE_MAX + 1];
    const char *text = NULL;
    assert_true(cli_parse_err("taken the name bob is in use", code, &text));
    assert_string_equal(code, "taken");
    assert_string_equal(text, "the name bob is in use");
    assert_true(cli_parse_err("full", code, &text));
    assert_string_equal(code, "full");
    assert_string_equal(text, "");
    assert_false(cli_parse_err("", code, &text));
    assert_false(cli_parse_err(" leading space", code, &text));
    assert_false(cli_parse_err("averyveryverylongcode text", code, &text));
    assert_string_equal(code, "");
}

/* ---- CLAIM ------------------------------------------------------------------------------ */

static void test_claim(void **state)
{
    (void)state;
    char name[PROTO_NAME_MAX + 1], hex[2 * PROTO_TOKEN_BYTES + 1];
    assert_true(cli_parse_claim("bob 00112233445566778899aabbccddeeff", name, hex));
    assert_string_equal(name, "bob");
    assert_string_equal(hex, k_token);
    /* upper-case hex is stored in lower case (the claims file only takes lower case) */
    assert_true(cli_parse_claim("Bob 00112233445566778899AABBCCDDEEFF", name, hex));
    assert_string_equal(name, "Bob");
    assert_string_equal(hex, k_token);
    assert_true(cli_parse_claim("x 0123456789ABCDEFabcdefABCDEF0123", name, hex));
    assert_string_equal(hex, "0123456789abcdefabcdefabcdef0123");
    /* a UTF-8 name, and one of exactly PROTO_NAME_MAX bytes */
    assert_true(cli_parse_claim("Jos\xC3\xA9 00112233445566778899aabbccddeeff", name, hex));
    assert_string_equal(name, "Jos\xC3\xA9");
    assert_true(cli_parse_claim("abcdefghijklmnop 00112233445566778899aabbccddeeff", name, hex));
    assert_string_equal(name, "abcdefghijklmnop");
}

static void test_claim_rejects(void **state)
{
    (void)state;
    char name[PROTO_NAME_MAX + 1], hex[2 * PROTO_TOKEN_BYTES + 1];
    static const char *const bad[] = {
        "",
        "bob",
        "bob ",
        " 00112233445566778899aabbccddeeff",      /* no name */
        "00112233445566778899aabbccddeeff",       /* no name, no space */
        "bob 00112233445566778899aabbccddeef",    /* 31 digits */
        "bob 00112233445566778899aabbccddeeff0",  /* 33 */
        "bob 00112233445566778899aabbccddeefg",   /* not hex */
        "bob 0011223344556677-899aabbccddeeff",   /* not hex */
        "bob 0x112233445566778899aabbccddeeff",   /* not hex */
        "bob  00112233445566778899aabbccddeeff",  /* two spaces */
        "bob 00112233445566778899aabbccddeeff ",  /* trailing space */
        "bob 00112233445566778899aabbccddeeff\r", /* trailing CR */
        "bob 0011223344556677 8899aabbccddeeff",  /* split secret */
        "bob 00112233445566778899aabbccddeeff extra",
        "abcdefghijklmnopq 00112233445566778899aabbccddeeff", /* 17-byte name */
        "b\x01ob 00112233445566778899aabbccddeeff",           /* control */
        "b\x7F 00112233445566778899aabbccddeeff",             /* DEL */
        "\xFF 00112233445566778899aabbccddeeff",              /* not UTF-8 */
        "ab\xC3 00112233445566778899aabbccddeeff",            /* cut UTF-8 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        strcpy(name, "untouched");
        if (cli_parse_claim(bad[i], name, hex))
            fail_msg("accepted: '%s'", bad[i]);
        /* the name is only written for a good line */
        assert_string_equal(name, "untouched");
    }
}

/* ---- raw ENet datagrams --------------------------------------------------------------- */

typedef struct Dgram {
    uint8_t b[256];
    size_t n;
} Dgram;

static void put16(Dgram *d, size_t at, uint16_t v)
{
    d->b[at] = (uint8_t)(v >> 8);
    d->b[at + 1] = (uint8_t)v;
}

/* Header bytes: peer id, the optional sent time, then the 4-byte checksum every game datagram
 * carries (protocol version 2). */
static size_t header_size(bool sent_time)
{
    return (sent_time ? sizeof(ENetProtocolHeader) : offsetof(ENetProtocolHeader, sentTime)) + 4;
}

static void header(Dgram *d, bool sent_time)
{
    memset(d, 0, sizeof *d);
    put16(d, 0, (uint16_t)(3 | (sent_time ? ENET_PROTOCOL_HEADER_FLAG_SENT_TIME : 0)));
    d->n = header_size(sent_time);
}

/* Appends a command of the given number on channel with `data_len` payload bytes. */
static void command(Dgram *d, unsigned cmd, uint8_t channel, uint16_t data_len, size_t len_off)
{
    size_t size = enet_protocol_command_size((enet_uint8)cmd);
    assert_true(size > 0 && d->n + size + data_len <= sizeof d->b);
    d->b[d->n] = (uint8_t)cmd;
    d->b[d->n + 1] = channel;
    if (len_off != 0)
        put16(d, d->n + len_off, data_len);
    memset(d->b + d->n + size, 4, data_len);
    d->n += size + data_len;
}

static void test_datagram_channels(void **state)
{
    (void)state;
    Dgram d;
    /* An ack, then a snapshot-sized unreliable send on channel 1. */
    header(&d, true);
    command(&d, ENET_PROTOCOL_COMMAND_ACKNOWLEDGE, 0, 0, 0);
    command(&d, ENET_PROTOCOL_COMMAND_SEND_UNRELIABLE, 1, 100,
            offsetof(ENetProtocolSendUnreliable, dataLength));
    assert_true(cli_datagram_has_channel_data(d.b, d.n, 1));
    assert_false(cli_datagram_has_channel_data(d.b, d.n, 0));
    assert_false(cli_datagram_has_channel_data(d.b, d.n, 2));

    /* Reliable on 0, then unsequenced on 2; no sent time in the header. */
    header(&d, false);
    command(&d, ENET_PROTOCOL_COMMAND_SEND_RELIABLE, 0, 20,
            offsetof(ENetProtocolSendReliable, dataLength));
    command(&d, ENET_PROTOCOL_COMMAND_SEND_UNSEQUENCED, 2, 12,
            offsetof(ENetProtocolSendUnsequenced, dataLength));
    assert_true(cli_datagram_has_channel_data(d.b, d.n, 0));
    assert_true(cli_datagram_has_channel_data(d.b, d.n, 2));
    assert_false(cli_datagram_has_channel_data(d.b, d.n, 1));

    /* A fragment on channel 1. */
    header(&d, true);
    command(&d, ENET_PROTOCOL_COMMAND_SEND_FRAGMENT, 1, 50,
            offsetof(ENetProtocolSendFragment, dataLength));
    assert_true(cli_datagram_has_channel_data(d.b, d.n, 1));

    /* Pings and acks only: no data anywhere. */
    header(&d, true);
    command(&d, ENET_PROTOCOL_COMMAND_PING, 1, 0, 0);
    command(&d, ENET_PROTOCOL_COMMAND_ACKNOWLEDGE, 1, 0, 0);
    assert_false(cli_datagram_has_channel_data(d.b, d.n, 1));
}

static void test_datagram_hostile(void **state)
{
    (void)state;
    Dgram d;
    header(&d, true);
    command(&d, ENET_PROTOCOL_COMMAND_SEND_UNRELIABLE, 1, 100,
            offsetof(ENetProtocolSendUnreliable, dataLength));
    /* Every truncation: never true with the payload cut off, never out of bounds (ASan). */
    for (size_t n = 0; n < d.n; n++)
        assert_false(cli_datagram_has_channel_data(d.b, n, 1));
    /* A length pointing past the end. */
    Dgram e = d;
    put16(&e, header_size(true) + offsetof(ENetProtocolSendUnreliable, dataLength), 0xffff);
    assert_false(cli_datagram_has_channel_data(e.b, e.n, 1));
    /* Compressed: cannot tell. */
    e = d;
    put16(
        &e, 0,
        (uint16_t)(3 | ENET_PROTOCOL_HEADER_FLAG_SENT_TIME | ENET_PROTOCOL_HEADER_FLAG_COMPRESSED));
    assert_false(cli_datagram_has_channel_data(e.b, e.n, 1));
    /* Unknown command numbers. */
    e = d;
    e.b[header_size(true)] = 0;
    assert_false(cli_datagram_has_channel_data(e.b, e.n, 1));
    e.b[header_size(true)] = 15;
    assert_false(cli_datagram_has_channel_data(e.b, e.n, 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_login_ok),         cmocka_unit_test(test_login_ok_rejects),
        cmocka_unit_test(test_hello_and_err),    cmocka_unit_test(test_datagram_channels),
        cmocka_unit_test(test_datagram_hostile), cmocka_unit_test(test_claim),
        cmocka_unit_test(test_claim_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
