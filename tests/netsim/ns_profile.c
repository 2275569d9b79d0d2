/* ns_profile.c — arena-netsim's named network profiles: one row each, per direction.
 *
 * Every number is ONE WAY and applies to each direction unless a column says up/down (the
 * round trip is about twice the latency plus the jitter of both ways). docs/operations.md
 * has the same table for players; keep the two in step. */
#include <string.h>

#include "ns_options.h"

typedef struct NsProfile {
    const char *name;
    double latency_ms, jitter_ms;
    bool reorder;
    double loss_pct;                        /* random (the good state's when bursty) */
    double ge_enter, ge_leave, ge_loss_pct; /* Gilbert-Elliott, percent per datagram */
    double dup_pct;
    unsigned up_kbps, up_queue, down_kbps, down_queue; /* kbit/s, bytes; 0 = uncapped */
} NsProfile;

static const NsProfile profiles[] = {
    /* A wired LAN: a millisecond, nothing lost. */
    {"lan", 0.5, 0.5, false, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    /* Home Wi-Fi: a few ms with retransmission jitter, losses that come in short bursts. */
    {"wifi", 3, 6, false, 0.2, 2, 30, 20, 0, 0, 0, 0, 0},
    /* DSL: ~15 ms to the first hop and beyond, little jitter, 1 Mbit/s up, 16 Mbit/s down,
     * modem buffers of a few hundred ms. */
    {"dsl", 15, 2, false, 0.1, 0, 0, 0, 0, 1000, 32000, 16000, 256000},
    /* 4G/LTE: 40 ms each way, 20 ms of jitter, 1 % loss and bursts in fades, 2 Mbit/s up and
     * 10 Mbit/s down. */
    {"mobile", 40, 20, false, 1, 1, 20, 50, 0, 2000, 32000, 10000, 128000},
    /* netcode.io's soak setting (its test "network_simulator"): 250 ms latency, 250 ms
     * jitter, 5 % loss, 10 % duplicates, delivered in time order (so reordered). */
    {"netcode", 250, 250, true, 5, 0, 0, 0, 10, 0, 0, 0, 0},
};

static void link_from(NsLinkConfig *l, const NsProfile *p, unsigned kbps, unsigned queue)
{
    *l = (NsLinkConfig){
        .latency_us = (uint32_t)(p->latency_ms * 1000.0),
        .jitter_us = (uint32_t)(p->jitter_ms * 1000.0),
        .reorder = p->reorder,
        .loss = p->loss_pct / 100.0,
        .ge_enter = p->ge_enter / 100.0,
        .ge_leave = p->ge_leave / 100.0,
        .ge_loss = p->ge_loss_pct / 100.0,
        .duplicate = p->dup_pct / 100.0,
        .rate_bytes_per_s = kbps * 125u,
        .queue_bytes = queue,
    };
}

bool ns_profile_apply(NsOptions *o, const char *name)
{
    for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++) {
        const NsProfile *p = &profiles[i];
        if (strcmp(p->name, name) != 0)
            continue;
        link_from(&o->link[NS_UP], p, p->up_kbps, p->up_queue);
        link_from(&o->link[NS_DOWN], p, p->down_kbps, p->down_queue);
        o->tcp_latency_us = (uint32_t)(p->latency_ms * 1000.0);
        o->tcp_rate_bytes_per_s = 0;
        snprintf(o->profile, sizeof o->profile, "%s", p->name);
        return true;
    }
    return false;
}

const char *ns_profile_names(void)
{
    return "lan, wifi, dsl, mobile, netcode";
}
