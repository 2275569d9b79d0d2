/* fuzz_srv_config.c — libFuzzer target for the server's config file parser (server/config.h),
 * which SIGHUP makes a path into a running server.
 *
 * Any bytes are a config file's text. srv_config_parse must answer without a crash; on
 * failure the error text is non-empty and NUL-terminated; on success (or failure: a file is
 * applied line by line) every string setting is NUL-terminated within its array and every
 * number is within the range --help documents for it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "lagcomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

#define TERMINATED(field) CHECK(memchr(c.field, '\0', sizeof c.field) != NULL)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SrvConfig c;
    srv_default_config(&c);
    char err[300];
    memset(err, 0x5A, sizeof err);
    bool ok = srv_config_parse(&c, (const char *)data, size, err, sizeof err);
    if (!ok)
        CHECK(memchr(err, '\0', sizeof err) != NULL && err[0] != '\0');
    TERMINATED(name);
    TERMINATED(bind);
    TERMINATED(map_path);
    TERMINATED(data_dir);
    TERMINATED(ctl_socket);
    TERMINATED(metrics_bind);
    TERMINATED(record_dir);
    TERMINATED(demo_truth);
    CHECK(c.max_players >= 1 && c.max_players <= PROTO_MAX_PLAYERS);
    CHECK(c.snapshot_hz >= PROTO_SNAPSHOT_HZ_MIN && c.snapshot_hz <= PROTO_SNAPSHOT_HZ_MAX);
    CHECK(c.game_port >= 1 && c.login_port >= 1);
    CHECK(c.udp_reads_per_tick >= 1 && c.udp_reads_per_tick <= 8);
    CHECK(c.view_max >= 16 && c.view_max <= PROTO_MAX_ENTITIES);
    CHECK(c.lagcomp_max_ms <= LC_MAX_MS_LIMIT);
    CHECK(c.score_limit <= 1000 && c.time_limit_s <= 36000 && c.warmup_s <= 600);
    CHECK(c.end_screen_s >= 1 && c.end_screen_s <= 600);
    CHECK(c.tcp_max_conns >= 1 && c.tcp_max_conns <= 4096);
    CHECK(c.agones_health_s >= 1 && c.agones_health_s <= 60); /* x 1000 fits a uint32_t */
    return 0;
}
