/* test_cli_discover.c — where a LAN discovery query goes (cli_discover_dests): the configured
 * address, and for the limited broadcast also each up interface's own broadcast address, so
 * a LAN with no default route (no router) still finds its servers. The interface list is
 * built here, as getifaddrs would return it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "cli_discover.h"

typedef struct FakeIf {
    struct ifaddrs ifa;
    struct sockaddr_in addr, brd;
} FakeIf;

static void fake(FakeIf *f, const char *name, unsigned flags, const char *addr, const char *brd,
                 FakeIf *next)
{
    memset(f, 0, sizeof *f);
    f->ifa.ifa_name = (char *)name;
    f->ifa.ifa_flags = flags;
    f->addr.sin_family = AF_INET;
    inet_pton(AF_INET, addr, &f->addr.sin_addr);
    f->ifa.ifa_addr = (struct sockaddr *)&f->addr;
    if (brd != NULL) {
        f->brd.sin_family = AF_INET;
        inet_pton(AF_INET, brd, &f->brd.sin_addr);
        f->ifa.ifa_broadaddr = (struct sockaddr *)&f->brd;
    }
    f->ifa.ifa_next = next != NULL ? &next->ifa : NULL;
}

static uint32_t ip(const char *s)
{
    struct in_addr a;
    inet_pton(AF_INET, s, &a);
    return a.s_addr;
}

static void test_limited_broadcast_adds_interfaces(void **state)
{
    (void)state;
    FakeIf lo, eth, eth_alias, down, p2p, wlan;
    fake(&wlan, "wlan0", IFF_UP | IFF_BROADCAST, "192.168.1.20", "192.168.1.255", NULL);
    fake(&p2p, "tun0", IFF_UP | IFF_POINTOPOINT, "10.8.0.2", NULL, &wlan);
    fake(&down, "eth1", IFF_BROADCAST, "172.16.0.2", "172.16.0.255", &p2p);
    fake(&eth_alias, "eth0", IFF_UP | IFF_BROADCAST, "10.0.0.3", "10.0.0.255", &down);
    fake(&eth, "eth0", IFF_UP | IFF_BROADCAST, "10.0.0.2", "10.0.0.255", &eth_alias);
    fake(&lo, "lo", IFF_UP | IFF_LOOPBACK | IFF_BROADCAST, "127.0.0.1", "127.255.255.255", &eth);
    uint32_t out[CLI_DISCOVER_MAX_DESTS];
    unsigned n = cli_discover_dests(htonl(INADDR_BROADCAST), &lo.ifa, out, CLI_DISCOVER_MAX_DESTS);
    /* 255.255.255.255 first, then each up broadcast interface once; not loopback, not a
     * point-to-point link, not an interface that is down. */
    assert_int_equal(n, 3);
    assert_int_equal(out[0], htonl(INADDR_BROADCAST));
    assert_int_equal(out[1], ip("10.0.0.255"));
    assert_int_equal(out[2], ip("192.168.1.255"));
    /* The cap holds. */
    assert_int_equal(cli_discover_dests(htonl(INADDR_BROADCAST), &lo.ifa, out, 2), 2);
}

static void test_explicit_address_is_alone(void **state)
{
    (void)state;
    FakeIf eth;
    fake(&eth, "eth0", IFF_UP | IFF_BROADCAST, "10.0.0.2", "10.0.0.255", NULL);
    uint32_t out[CLI_DISCOVER_MAX_DESTS];
    /* --broadcast 10.1.2.255 (or a server's unicast address) means exactly that. */
    assert_int_equal(cli_discover_dests(ip("10.1.2.255"), &eth.ifa, out, CLI_DISCOVER_MAX_DESTS),
                     1);
    assert_int_equal(out[0], ip("10.1.2.255"));
    /* No interface list (getifaddrs failed): the configured address alone. */
    assert_int_equal(cli_discover_dests(htonl(INADDR_BROADCAST), NULL, out, 4), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limited_broadcast_adds_interfaces),
        cmocka_unit_test(test_explicit_address_is_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
