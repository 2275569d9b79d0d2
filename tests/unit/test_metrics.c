/* test_metrics.c — the Prometheus text (metrics.c) and the HTTP endpoint (metrics_http.c).
 *
 * What an operator would notice: a histogram whose buckets do not add up (alerts on the tick
 * duration lie), a counter missing for a drop kind, a line Prometheus rejects (the whole
 * scrape fails), an endpoint that answers other paths or methods, or that a few slow or
 * hoarding connections lock the scraper out. The endpoint runs here without its thread:
 * connections are socketpairs handed to libmicrohttpd, which this test drives. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "metrics.h"
#include "metrics_http.h"

static SrvStats st;
static char text[METRICS_TEXT_MAX];

static MetricsGauges some_gauges(void)
{
    return (MetricsGauges){.players = 3,
                           .players_lobby = 1,
                           .players_max = 64,
                           .tcp_connections = 4,
                           .enet_peers = 3,
                           .rss_bytes = 1u << 20,
                           .cpu_seconds = 1.5,
                           .start_time_seconds = 1796300000.25,
                           .version = "0.1.0",
                           .protocol = 6};
}

static size_t render(void)
{
    MetricsGauges g = some_gauges();
    return metrics_render(&st, &g, text, sizeof text);
}

/* The value of the sample line that starts with `series ` (name and labels). */
static double sample(const char *series)
{
    size_t n = strlen(series);
    for (const char *p = text; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : p)
        if (strncmp(p, series, n) == 0 && p[n] == ' ')
            return strtod(p + n + 1, NULL);
    fail_msg("no sample %s", series);
    return -1;
}

static void test_histogram_is_cumulative_and_exact(void **state)
{
    (void)state;
    memset(&st, 0, sizeof st);
    stats_hist_add(&st.tick_us, 100);   /* <= 250 us */
    stats_hist_add(&st.tick_us, 250);   /* the bound itself is in its bucket */
    stats_hist_add(&st.tick_us, 251);   /* <= 500 us */
    stats_hist_add(&st.tick_us, 15999); /* <= 16 ms */
    stats_hist_add(&st.tick_us, 40000); /* an overrun: only +Inf */
    assert_true(render() > 0);
    assert_int_equal(sample("arena_tick_duration_seconds_bucket{le=\"0.00025\"}"), 2);
    assert_int_equal(sample("arena_tick_duration_seconds_bucket{le=\"0.0005\"}"), 3);
    assert_int_equal(sample("arena_tick_duration_seconds_bucket{le=\"0.012\"}"), 3);
    assert_int_equal(sample("arena_tick_duration_seconds_bucket{le=\"0.016\"}"), 4);
    assert_int_equal(sample("arena_tick_duration_seconds_bucket{le=\"+Inf\"}"), 5);
    assert_int_equal(sample("arena_tick_duration_seconds_count"), 5);
    assert_float_equal(sample("arena_tick_duration_seconds_sum"), 0.0566, 1e-9);
}

static void test_every_drop_kind_and_counter(void **state)
{
    (void)state;
    memset(&st, 0, sizeof st);
    for (unsigned k = 0; k < DROP_COUNT; k++)
        st.drops.count[k] = 1000 + k;
    st.enet_guard.unsent = 7;
    st.overruns = 5;
    st.overruns_cpu = 2;
    st.bytes_in = 123456789012ull;
    assert_true(render() > 0);
    for (unsigned k = 0; k < DROP_COUNT; k++) {
        char series[96];
        snprintf(series, sizeof series, "arena_drops_total{kind=\"%s\"}", drop_key((SrvDrop)k));
        assert_int_equal(sample(series), 1000 + k);
    }
    assert_int_equal(sample("arena_snapshots_dropped_total{reason=\"enet_unsent\"}"), 7);
    assert_int_equal(sample("arena_tick_overruns_total{clock=\"wall\"}"), 5);
    assert_int_equal(sample("arena_tick_overruns_total{clock=\"cpu\"}"), 2);
    assert_float_equal(sample("arena_udp_bytes_total{direction=\"in\"}"), 123456789012.0, 0.5);
    assert_int_equal(sample("arena_players"), 3);
    assert_float_equal(sample("process_start_time_seconds"), 1796300000.25, 1e-3);
}

/* Every line is a comment (HELP, TYPE) or a sample of the text format, every family has one
 * HELP and one TYPE before its samples, and no family appears twice. */
static void test_lines_follow_the_text_format(void **state)
{
    (void)state;
    memset(&st, 0, sizeof st);
    assert_true(render() > 0);
    regex_t comment, sample_re;
    assert_int_equal(
        regcomp(&comment, "^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$", REG_EXTENDED | REG_NOSUB),
        0);
    assert_int_equal(regcomp(&sample_re,
                             "^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|"
                             "\\\\.)*\",?)*\\})? [-+0-9.eE]+(Inf)?$",
                             REG_EXTENDED | REG_NOSUB),
                     0);
    char *copy = strdup(text);
    char *families[256];
    unsigned nf = 0;
    for (char *line = strtok(copy, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (line[0] == '#') {
            if (regexec(&comment, line, 0, NULL, 0) != 0)
                fail_msg("bad comment line: %s", line);
            if (strncmp(line, "# TYPE ", 7) == 0) {
                char *name = line + 7;
                *strchr(name, ' ') = '\0';
                for (unsigned i = 0; i < nf; i++)
                    if (strcmp(families[i], name) == 0)
                        fail_msg("family %s twice", name);
                assert_true(nf < 256);
                families[nf++] = name;
            }
        } else if (regexec(&sample_re, line, 0, NULL, 0) != 0) {
            fail_msg("bad sample line: %s", line);
        }
    }
    assert_true(nf > 40);
    free(copy);
    regfree(&comment);
    regfree(&sample_re);
}

static void test_label_values_are_escaped(void **state)
{
    (void)state;
    memset(&st, 0, sizeof st);
    MetricsGauges g = some_gauges();
    g.version = "1\"2\\3\n4";
    assert_true(metrics_render(&st, &g, text, sizeof text) > 0);
    assert_non_null(
        strstr(text, "arena_build_info{version=\"1\\\"2\\\\3\\n4\",protocol=\"6\"} 1\n"));
}

static void test_too_small_a_buffer_is_refused(void **state)
{
    (void)state;
    memset(&st, 0, sizeof st);
    MetricsGauges g = some_gauges();
    size_t full = metrics_render(&st, &g, text, sizeof text);
    assert_true(full > 0 && full < sizeof text);
    assert_int_equal(metrics_render(&st, &g, text, full), 0); /* no room for the NUL */
    assert_int_equal(metrics_render(&st, &g, text, full + 1), full);
    assert_int_equal(metrics_render(&st, &g, text, 0), 0);
}

/* ---- the endpoint, driven by hand ------------------------------------------------------- */

typedef struct Client {
    int fd;
    char got[65536];
    size_t len;
    bool eof;
} Client;

static MetricsHttp *http;

static int setup_http(void **state)
{
    (void)state;
    char err[200];
    http = metrics_http_start_external(err, sizeof err);
    if (http == NULL)
        fprintf(stderr, "%s\n", err);
    else /* nothing goes stale by itself here, however slow the machine: a test says when */
        metrics_http_set_stale_ms(http, UINT_MAX);
    return http == NULL ? -1 : 0;
}

static int teardown_http(void **state)
{
    (void)state;
    metrics_http_stop(http);
    http = NULL;
    return 0;
}

/* A connection from ip (dotted), accepted or refused by the endpoint. */
static bool connect_from(Client *c, const char *ip)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(40000)};
    inet_pton(AF_INET, ip, &a.sin_addr);
    memset(c, 0, sizeof *c);
    c->fd = sv[0];
    return MHD_add_connection(metrics_http_daemon(http), sv[1], (struct sockaddr *)&a, sizeof a) ==
           MHD_YES;
}

/* Runs the daemon and reads what the client got, a bounded number of rounds. */
static void pump(Client *c)
{
    for (int round = 0; round < 1000 && !c->eof; round++) {
        MHD_run(metrics_http_daemon(http));
        ssize_t n = read(c->fd, c->got + c->len, sizeof c->got - 1 - c->len);
        if (n == 0)
            c->eof = true;
        else if (n > 0)
            c->len += (size_t)n;
    }
    c->got[c->len] = '\0';
}

static void request(Client *c, const char *req)
{
    assert_int_equal(write(c->fd, req, strlen(req)), (ssize_t)strlen(req));
    pump(c);
}

static void done(Client *c)
{
    close(c->fd);
    for (int round = 0; round < 5; round++)
        MHD_run(metrics_http_daemon(http));
}

static void test_endpoint_answers_get_metrics_only(void **state)
{
    (void)state;
    Client c;
    assert_true(connect_from(&c, "127.0.0.5"));
    request(&c, "GET /metrics HTTP/1.0\r\n\r\n");
    assert_non_null(strstr(c.got, "HTTP/1.1 503")); /* nothing published yet */
    done(&c);

    const char body[] = "# HELP x y\n# TYPE x gauge\nx 1\n";
    assert_true(metrics_http_publish(http, body, strlen(body)));
    assert_true(connect_from(&c, "127.0.0.5"));
    request(&c, "GET /metrics?x=1 HTTP/1.0\r\n\r\n");
    assert_non_null(strstr(c.got, "HTTP/1.1 200 OK"));
    assert_non_null(strstr(c.got, "Content-Type: text/plain; version=0.0.4; charset=utf-8"));
    assert_non_null(strstr(c.got, "\r\n\r\n# HELP x y\n# TYPE x gauge\nx 1\n"));
    done(&c);

    static const struct {
        const char *req, *status;
    } bad[] = {
        {"POST /metrics HTTP/1.0\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 405"},
        {"DELETE /metrics HTTP/1.0\r\n\r\n", "HTTP/1.1 405"},
        {"GET / HTTP/1.0\r\n\r\n", "HTTP/1.1 404"},
        {"GET /metrics/../etc/passwd HTTP/1.0\r\n\r\n", "HTTP/1.1 404"},
        {"GET /METRICS HTTP/1.0\r\n\r\n", "HTTP/1.1 404"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_true(connect_from(&c, "127.0.0.5"));
        request(&c, bad[i].req);
        if (strstr(c.got, bad[i].status) == NULL)
            fail_msg("%s: got %.40s", bad[i].req, c.got);
        assert_null(strstr(c.got, "x 1\n"));
        done(&c);
    }
    MetricsHttpCounts n;
    metrics_http_counts(http, &n);
    assert_int_equal(n.scrapes, 1);
    assert_int_equal(n.bad, 1 + 5); /* the 503 and the five */
    assert_int_equal(n.unanswered, 0);
}

static void test_junk_and_huge_requests_are_closed_unanswered(void **state)
{
    (void)state;
    Client c;
    assert_true(connect_from(&c, "127.0.0.6"));
    request(&c, "\x16\x03\x01\x02\x01\x01\xfc\x03\x03 not http\r\n\r\n"); /* TLS? */
    assert_true(c.eof);
    assert_null(strstr(c.got, "200 OK"));
    done(&c);
    assert_true(connect_from(&c, "127.0.0.6"));
    static char big[METRICS_REQUEST_MEM * 2 + 64];
    memset(big, 'a', sizeof big);
    memcpy(big, "GET /metrics HTTP/1.0\r\nX-Big: ", 30);
    memcpy(big + sizeof big - 5, "\r\n\r\n", 5);
    ssize_t w = write(c.fd, big, sizeof big - 1);
    assert_true(w > 0);
    pump(&c);
    assert_non_null(strstr(c.got, "HTTP/1.1 431")); /* libmicrohttpd's own answer */
    done(&c);
    MetricsHttpCounts n;
    metrics_http_counts(http, &n);
    assert_int_equal(n.scrapes, 0);
    assert_int_equal(n.unanswered, 2);
}

static void connect_n(Client *c, int n, const char *fmt, int first)
{
    for (int i = 0; i < n; i++) {
        char ip[32];
        snprintf(ip, sizeof ip, fmt, first + i);
        if (!connect_from(&c[i], ip))
            fail_msg("%s refused", ip);
        request(&c[i], "GET /met"); /* never finished */
    }
}

static void test_per_address_limit_evicts_only_the_stale(void **state)
{
    (void)state;
    const char body[] = "x 1\n";
    assert_true(metrics_http_publish(http, body, strlen(body)));
    Client hog[1], c;
    connect_n(hog, 1, "127.0.0.%d", 7);
    Client same[METRICS_CONN_PER_IP];
    for (int i = 0; i < METRICS_CONN_PER_IP; i++)
        assert_true(connect_from(&same[i], "127.0.0.20"));
    assert_false(connect_from(&c, "127.0.0.20")); /* its limit, none stale */
    close(c.fd);
    MetricsHttpCounts n;
    metrics_http_counts(http, &n);
    assert_int_equal(n.refused, 1);
    metrics_http_set_stale_ms(http, 0);
    assert_true(connect_from(&c, "127.0.0.20")); /* its stalest makes room */
    request(&c, "GET /metrics HTTP/1.0\r\n\r\n");
    assert_non_null(strstr(c.got, "HTTP/1.1 200 OK"));
    pump(&same[0]);
    assert_true(same[0].eof);
    pump(&hog[0]);
    assert_false(hog[0].eof); /* another address's is left alone */
    done(&c);
    done(&hog[0]);
    for (int i = 0; i < METRICS_CONN_PER_IP; i++)
        done(&same[i]);
}

static void test_when_full_the_hoarder_loses_first(void **state)
{
    (void)state;
    const char body[] = "x 1\n";
    assert_true(metrics_http_publish(http, body, strlen(body)));
    enum { ADDRS = METRICS_CONN_MAX / METRICS_CONN_PER_IP };
    Client hog[METRICS_CONN_MAX], c;
    for (int a = 0; a < ADDRS; a++)
        for (int i = 0; i < METRICS_CONN_PER_IP; i++) {
            char ip[32];
            snprintf(ip, sizeof ip, "127.0.1.%d", a);
            Client *h = &hog[a * METRICS_CONN_PER_IP + i];
            assert_true(connect_from(h, ip));
            request(h, "GET /met");
        }
    /* Full of connections from a few addresses: a newcomer gets in at once, and the stalest of
     * those holding the most is shut down. */
    assert_true(connect_from(&c, "127.0.0.10"));
    request(&c, "GET /metrics HTTP/1.0\r\n\r\n");
    assert_non_null(strstr(c.got, "HTTP/1.1 200 OK"));
    done(&c);
    pump(&hog[0]);
    assert_true(hog[0].eof);
    pump(&hog[1]);
    assert_false(hog[1].eof);
    for (int i = 0; i < METRICS_CONN_MAX; i++)
        done(&hog[i]);
    /* Full of older single connections and one hoarder: the hoarder loses, not the older. */
    connect_n(hog, METRICS_CONN_MAX - METRICS_CONN_PER_IP, "127.0.4.%d", 1);
    for (int i = METRICS_CONN_MAX - METRICS_CONN_PER_IP; i < METRICS_CONN_MAX; i++) {
        assert_true(connect_from(&hog[i], "127.0.5.1"));
        request(&hog[i], "GET /met");
    }
    assert_true(connect_from(&c, "127.0.0.10"));
    done(&c);
    pump(&hog[0]);
    assert_false(hog[0].eof);
    pump(&hog[METRICS_CONN_MAX - METRICS_CONN_PER_IP]);
    assert_true(hog[METRICS_CONN_MAX - METRICS_CONN_PER_IP].eof);
    for (int i = 0; i < METRICS_CONN_MAX; i++)
        done(&hog[i]);
    /* Full of one connection per address, none stale (whatever a slow machine takes to get
     * here): refused (counted); once stale, the stalest makes room. */
    metrics_http_set_stale_ms(http, UINT_MAX);
    connect_n(hog, METRICS_CONN_MAX, "127.0.2.%d", 1);
    assert_false(connect_from(&c, "127.0.3.1"));
    close(c.fd);
    MetricsHttpCounts n;
    metrics_http_counts(http, &n);
    assert_int_equal(n.refused, 1);
    metrics_http_set_stale_ms(http, 0);
    assert_true(connect_from(&c, "127.0.3.1"));
    request(&c, "GET /metrics HTTP/1.0\r\n\r\n");
    assert_non_null(strstr(c.got, "HTTP/1.1 200 OK"));
    done(&c);
    pump(&hog[0]);
    assert_true(hog[0].eof);
    for (int i = 0; i < METRICS_CONN_MAX; i++)
        done(&hog[i]);
    metrics_http_counts(http, &n);
    assert_int_equal(n.refused, 1);
    assert_int_equal(n.scrapes, 2);
    assert_int_equal(n.unanswered, 3 * METRICS_CONN_MAX + 1);
}

static void test_nobody_takes_below_its_own_share(void **state)
{
    (void)state;
    enum { ADDRS = METRICS_CONN_MAX / METRICS_CONN_PER_IP };
    Client hog[METRICS_CONN_MAX], c, d;
    for (int a = 0; a < ADDRS; a++)
        for (int i = 0; i < METRICS_CONN_PER_IP; i++) {
            char ip[32];
            snprintf(ip, sizeof ip, "127.0.1.%d", a);
            assert_true(connect_from(&hog[a * METRICS_CONN_PER_IP + i], ip));
        }
    /* A newcomer takes one of address 0's (it held the most, 4 against its 0): address 0 now
     * holds 3, and may not take back from those holding 4 (they would fall to its share). */
    assert_true(connect_from(&c, "127.0.0.10"));
    pump(&hog[0]);
    assert_true(hog[0].eof);
    assert_false(connect_from(&d, "127.0.1.0"));
    close(d.fd);
    MetricsHttpCounts n;
    metrics_http_counts(http, &n);
    assert_int_equal(n.refused, 1);
    done(&c);
    for (int i = 0; i < METRICS_CONN_MAX; i++)
        done(&hog[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_histogram_is_cumulative_and_exact),
        cmocka_unit_test(test_every_drop_kind_and_counter),
        cmocka_unit_test(test_lines_follow_the_text_format),
        cmocka_unit_test(test_label_values_are_escaped),
        cmocka_unit_test(test_too_small_a_buffer_is_refused),
        cmocka_unit_test_setup_teardown(test_endpoint_answers_get_metrics_only, setup_http,
                                        teardown_http),
        cmocka_unit_test_setup_teardown(test_junk_and_huge_requests_are_closed_unanswered,
                                        setup_http, teardown_http),
        cmocka_unit_test_setup_teardown(test_per_address_limit_evicts_only_the_stale, setup_http,
                                        teardown_http),
        cmocka_unit_test_setup_teardown(test_when_full_the_hoarder_loses_first, setup_http,
                                        teardown_http),
        cmocka_unit_test_setup_teardown(test_nobody_takes_below_its_own_share, setup_http,
                                        teardown_http),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
