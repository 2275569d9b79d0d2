/* fuzz_metrics_http.c — libFuzzer target for the metrics endpoint (server/metrics_http.h):
 * libmicrohttpd's request parser and our handler, exactly as the server configures them.
 *
 * Any bytes are what one HTTP client sends on a connection before it closes its side. The
 * endpoint runs without its thread (metrics_http_start_external); the connection is a
 * socketpair handed to it, and the daemon is run a bounded number of rounds. It must not
 * crash or hang, the published text may only be answered to a request for it, and the
 * connection's slot must be free again once the client closed. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "metrics_http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static const char published[] = "# HELP fuzz_secret x\n# TYPE fuzz_secret gauge\nfuzz_secret 1\n";

static MetricsHttp *endpoint(void)
{
    static MetricsHttp *m;
    if (m == NULL) {
        char err[200];
        m = metrics_http_start_external(err, sizeof err);
        CHECK(m != NULL);
        CHECK(metrics_http_publish(m, published, strlen(published)));
    }
    return m;
}

static int contains(const uint8_t *data, size_t size, const char *what)
{
    size_t n = strlen(what);
    for (size_t i = 0; i + n <= size; i++)
        if (memcmp(data + i, what, n) == 0)
            return 1;
    return 0;
}

/* A weak oracle on purpose: libmicrohttpd's request line is its own (it skips empty lines
 * before it, and hands the handler C strings, so "/metrics\0junk" is /metrics); but no answer
 * of the text can come without GET or HEAD and /metrics in what was sent. */
static int asked_for_metrics(const uint8_t *data, size_t size)
{
    return (contains(data, size, "GET") || contains(data, size, "HEAD")) &&
           contains(data, size, "/metrics");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    MetricsHttp *m = endpoint();
    struct MHD_Daemon *d = metrics_http_daemon(m);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return 0;
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(40000)};
    a.sin_addr.s_addr = htonl(0x7f000001u);
    if (MHD_add_connection(d, sv[1], (struct sockaddr *)&a, sizeof a) != MHD_YES) {
        close(sv[0]);
        return 0;
    }
    size_t off = 0;
    static char got[1 << 16];
    size_t len = 0;
    int eof = 0;
    for (int round = 0; round < 400 && !eof; round++) {
        if (off < size) {
            ssize_t w = write(sv[0], data + off, size - off);
            if (w > 0)
                off += (size_t)w;
            if (off == size)
                shutdown(sv[0], SHUT_WR);
        } else if (size == 0 && round == 0) {
            shutdown(sv[0], SHUT_WR);
        }
        MHD_run(d);
        ssize_t n = read(sv[0], got + len, sizeof got - 1 - len);
        if (n == 0)
            eof = 1;
        else if (n > 0)
            len += (size_t)n;
    }
    got[len] = '\0';
    if (strstr(got, "fuzz_secret") != NULL || strncmp(got, "HTTP/1.1 200", 12) == 0)
        CHECK(asked_for_metrics(data, size));
    close(sv[0]);
    /* The connection's slot is given back once it is closed: none may leak (a leaked slot
     * would lock scrapers out for good). */
    for (int round = 0; round < 50 && metrics_http_open_conns(m) > 0; round++)
        MHD_run(d);
    CHECK(metrics_http_open_conns(m) == 0);
    return 0;
}
