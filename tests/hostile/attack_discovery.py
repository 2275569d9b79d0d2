#!/usr/bin/env python3
"""attack_discovery.py — LAN discovery as a reflector. Queries of other protocol versions and
malformed ones must get no answer (disc_wrong_version); then five heavy sources (127.21.0.x)
query as fast as they can while 300 rotating sources (127.20.x.y) query too: one source gets
at most 10 answers a second (token bucket: 10 burst + 10/s; its bucket must not be forgotten
while hundreds of others rotate through the table: disc_source_limited), all sources together
at most 10 per 100 ms (disc_budget_limited), and no reply is larger than its query:
amplification <= 1 in bytes and packets, on the attacker's sockets and as seen on lo."""
import struct
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness as H  # noqa: E402

LOAD_S = 3.0
PER_SOURCE_RATE, PER_SOURCE_BURST = 10, 10
GLOBAL_PER_100MS = 10


def query(version, nonce, pad=119, magic=b"LHAQ", nonzero_pad=False):
    body = bytearray(magic + bytes([version]) + struct.pack("<I", nonce) + bytes(pad))
    if nonzero_pad and pad:
        body[-1] = 1
    return bytes(body)


def window_max(times, width):
    """The most time stamps within any window of width seconds."""
    times = sorted(times)
    best = j = 0
    for i, t in enumerate(times):
        while times[j] < t - width:
            j += 1
        best = max(best, i - j + 1)
    return best


def body(ctx):
    sc = H.Scenario(ctx, bot_seconds=6.5, sniff=True).start()
    srv, v = sc.server, sc.version
    dst = (H.LOCAL, srv.disc_port)
    sc.begin_attack()
    st0 = sc.before_stats
    # 1. Versions and malformed queries: no answer. Then one good query: one good answer.
    probe = H.Swarm(["127.0.0.5"])
    others = [x for x in (0, 1, 2, 3, 4, 255) if x != v]
    for ver in others:
        for k in range(3):
            probe.send(0, query(ver, 0x1000 + ver * 8 + k), dst)
    for bad in (query(v, 1, pad=118), query(v, 2, pad=120), query(v, 3, magic=b"LHAX"),
                query(v, 4, nonzero_pad=True), b"LHA", b""):
        probe.send(0, bad, dst)
    probe.drain(400, keep=True)
    ctx.check("queries of other versions and malformed ones unanswered", not probe.replies,
              "%d queries (versions %s + 6 malformed), %d replies" %
              (probe.sent_pkts, others, len(probe.replies)))
    probe.send(0, query(v, 0xA1B2C3D4), dst)
    probe.drain(500, keep=True)
    good = [r for r in probe.replies if r[2][:4] == b"LHAR"]
    rep = good[0][2] if good else b""
    ctx.check("a query of this version answered: LHAR, version, same nonce, <= 83 bytes",
              len(good) == 1 and rep[4] == v and rep[5:9] == struct.pack("<I", 0xA1B2C3D4) and
              len(rep) <= 83, "%d replies, %r" % (len(good), rep[:12]))
    st1 = srv.live_stats()
    # 2. Load: heavy sources and rotating ones.
    heavy = H.Swarm(["127.21.0.%d" % (i + 1) for i in range(5)], rcvbuf=1 << 20)
    rot = H.Swarm(["127.20.%d.%d" % (i // 50 + 1, i % 50 + 1) for i in range(300)],
                  rcvbuf=1 << 16)
    qs = [query(v, n) for n in range(64)]
    t0 = H.now()
    i = 0
    while H.now() - t0 < LOAD_S and i < 2000000:
        for k in range(5):
            heavy.send(k, qs[i % 64], dst)
        rot.send(i % 300, qs[(i + 7) % 64], dst)
        i += 1
        if i % 16 == 0:
            heavy.drain(0, keep=True)
            rot.drain(0, keep=True)
    t_end = H.now()
    heavy.drain(300, keep=True)
    rot.drain(0, keep=True)
    sc.end_attack()
    T = t_end - t0 + 0.05
    replies = [(t, "h%d" % s, d) for t, s, d in heavy.replies] + \
              [(t, "r%d" % s, d) for t, s, d in rot.replies]
    by_src = {}
    for t, s, d in replies:
        by_src.setdefault(s, []).append(t)
    per_src_total = max((len(x) for x in by_src.values()), default=0)
    per_src_1s = max((window_max(x, 1.0) for x in by_src.values()), default=0)
    heavy_each = [len(by_src.get("h%d" % k, [])) for k in range(5)]
    all_t = [t for t, _, _ in replies]
    g100 = window_max(all_t, 0.1)
    g1s = window_max(all_t, 1.0)
    limit_total = PER_SOURCE_BURST + PER_SOURCE_RATE * T
    ctx.check("per source: at most 10 burst + 10 answers/s",
              per_src_total <= limit_total + 1 and per_src_1s <= 2 * PER_SOURCE_RATE + 1,
              "busiest source %d answers in %.1f s (limit %.0f), most in 1 s: %d; heavy sources "
              "got %s" % (per_src_total, T, limit_total, per_src_1s, heavy_each))
    ctx.check("all sources: at most 10 answers per 100 ms",
              len(all_t) <= GLOBAL_PER_100MS * (1 + 10 * T) + 2 and g100 <= 2 * GLOBAL_PER_100MS
              + 2 and g1s <= 11 * GLOBAL_PER_100MS + 2,
              "%d answers in %.1f s (limit %.0f), most in 100 ms: %d, in 1 s: %d" %
              (len(all_t), T, GLOBAL_PER_100MS * (1 + 10 * T), g100, g1s))
    oversize = [len(d) for _, _, d in replies if len(d) > 83 or d[:4] != b"LHAR"]
    ctx.check("every reply an LHAR of at most 83 bytes", not oversize, oversize[:5])
    sent_p = probe.sent_pkts + heavy.sent_pkts + rot.sent_pkts
    sent_b = probe.sent_bytes + heavy.sent_bytes + rot.sent_bytes
    recv_p = probe.recv_pkts + heavy.recv_pkts + rot.recv_pkts
    recv_b = probe.recv_bytes + heavy.recv_bytes + rot.recv_bytes
    final = sc.finish()
    amp = H.amplification(ctx, sent_p, sent_b, recv_p, recv_b)
    sn_p, sn_b = sc.sniffer.totals(lambda sp, ip, port: sp == srv.disc_port)
    amp2 = H.amplification(ctx, sent_p, sent_b, sn_p, sn_b, "sniffer: all discovery replies")
    d = H.stat_delta(st0, st1, "disc_wrong_version") if st1 else \
        H.stat_delta(st0, final, "disc_wrong_version")
    ctx.check("disc_wrong_version counted", d is not None and d >= 3 * len(others), "+%s" % d)
    for k in ("disc_source_limited", "disc_budget_limited"):
        d = H.stat_delta(st0, final, k)
        ctx.check("%s counted" % k, d is not None and d > 0, "+%s" % d)
    for s in (probe, heavy, rot):
        s.close()
    ctx.row["sent"] = ("%d queries of versions %s + 6 malformed; %d in %.1f s from 5 heavy "
                       "sources and 300 rotating ones" % (
                           3 * len(others), others, heavy.sent_pkts + rot.sent_pkts, T))
    ctx.row["server"] = ("%d answers (%d in the busiest 100 ms, %d in 1 s); busiest source %d "
                         "(%d in 1 s); %s" % (
                             len(all_t), g100, g1s, per_src_total, per_src_1s,
                             H.describe_deltas(st0, final, ["disc_wrong_version",
                                                            "disc_source_limited",
                                                            "disc_budget_limited",
                                                            "disc_answered"])))
    ctx.row["amplification"] = amp + "; " + amp2


if __name__ == "__main__":
    H.main("discovery", __doc__, body)
