/* fuzz_netsim_options.c — libFuzzer target for arena-netsim's command line (ns_options.c)
 * and its login-answer scanner (ns_login.c).
 *
 * Options: the input, split at NUL bytes, is argv. Whatever it holds, the parser returns -1,
 * 0 or 2, and when it accepts, every link setting passes the link's own check (a parsed
 * command line never makes a relay that fails to start, or one with a probability outside
 * 0..1). Scanner: the same bytes as a server stream, cut at a point the input picks, give
 * the same output as uncut, within the documented bound, and only an OK line changes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns_link.h"
#include "ns_login.h"
#include "ns_options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { ARGS_MAX = 48, BYTES_MAX = 4096 };

static void fuzz_options(const uint8_t *data, size_t size)
{
    static FILE *null_out; /* one stream for every run: opening it is not what we test */
    if (null_out == NULL && (null_out = fopen("/dev/null", "w")) == NULL)
        abort();
    char buf[BYTES_MAX + 1];
    size_t n = size < BYTES_MAX ? size : BYTES_MAX;
    memcpy(buf, data, n);
    buf[n] = '\0';
    char *argv[ARGS_MAX + 1];
    int argc = 0;
    argv[argc++] = "arena-netsim";
    for (size_t i = 0; i < n && argc < ARGS_MAX;) {
        argv[argc++] = buf + i;
        i += strlen(buf + i) + 1;
    }
    argv[argc] = NULL;
    NsOptions o;
    ns_options_default(&o);
    int rc = ns_options_parse(&o, argc, argv, null_out, null_out);
    if (rc != -1 && rc != 0 && rc != 2)
        abort();
    if (rc != -1)
        return;
    for (int d = 0; d < NS_DIRS; d++) {
        NsLink l;
        NsPending slot;
        if (ns_link_init(&l, &o.link[d], 0, &slot, 1) != NS_OK)
            abort();
    }
    if (o.listen_port == 0 || o.to_port == 0 || o.max_clients == 0 || o.slots == 0 ||
        o.tcp_buffer < NS_TCP_BUFFER_MIN)
        abort();
}

static void fuzz_login(const uint8_t *data, size_t size)
{
    if (size < 2)
        return;
    size_t cut = data[0] % size;
    uint16_t port = (uint16_t)(1 + data[1] * 257);
    data += 2, size -= 2;
    if (size > BYTES_MAX)
        size = BYTES_MAX;
    if (cut > size)
        cut = size;
    static uint8_t whole[BYTES_MAX + NS_LOGIN_LINE_MAX + NS_LOGIN_GROWTH];
    static uint8_t split[2 * (BYTES_MAX + NS_LOGIN_LINE_MAX + NS_LOGIN_GROWTH)];
    NsLoginScan a, b;
    ns_login_init(&a, port);
    ns_login_init(&b, port);
    size_t wa = ns_login_feed(&a, data, size, whole, sizeof whole);
    size_t wb = ns_login_feed(&b, data, cut, split, sizeof split);
    wb += ns_login_feed(&b, data + cut, size - cut, split + wb, sizeof split - wb);
    /* Held-back bytes of an unfinished line come out later: compare what came out. */
    if (wa != wb || a.held != b.held || memcmp(whole, split, wa) != 0)
        abort();
    if (wa + a.held > size + NS_LOGIN_GROWTH || a.rewritten > 1)
        abort();
    if (a.rewritten == 0 && (wa + a.held != size || memcmp(whole, data, wa) != 0))
        abort(); /* nothing rewritten: nothing changed */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_options(data, size);
    fuzz_login(data, size);
    return 0;
}
