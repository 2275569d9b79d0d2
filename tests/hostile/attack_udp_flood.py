#!/usr/bin/env python3
"""attack_udp_flood.py — the game port flooded for ~5 s, as fast as one Python process can:
garbage datagrams from one source (127.0.0.9: too short, compressed, malformed CONNECTs, random
bytes, ENet headers for a legit peer id from the wrong address, datagrams longer than ENet's
4096-byte buffer, which ENet 1.3.17 answers with an error that ends its whole read) and, at the
same time, a properly bound peer (127.0.0.10: login, handshake, BIND) sending valid-looking INPUT
datagrams with a correct checksum far over its budget. The legit players must not notice;
udp_malformed and udp_rate_limited are counted; the garbage source gets nothing back and the
flooder less than it sends (amplification <= 1, attacker sockets and sniffer)."""
import os
import random
import struct
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness as H  # noqa: E402

FLOOD_S = 4.5
GARBAGE = "127.0.0.9"
FLOODER = "127.0.0.10"


def garbage_pool(v, rng, n=512):
    pool = []
    for i in range(n):
        k = i % 7
        if k == 0:
            d = os.urandom(rng.randint(1, 3))
        elif k == 1:  # compressed flag (the server never decompresses)
            d = struct.pack(">H", 0x4000 | rng.randint(0, 0xFFF)) + os.urandom(rng.randint(4, 300))
        elif k == 2:  # CONNECT peer id, garbage after
            d = struct.pack(">H", 0xFFF) + os.urandom(rng.randint(4, 200))
        elif k == 3:  # a CONNECT cut short
            full = H.datagram(v, 0xFFF, 0, H.cmd_connect(os.urandom(4), 1), sent_time=7)
            d = full[:rng.randint(3, len(full) - 1)]
        elif k == 4:  # a legit peer id (0..7), from the wrong address
            d = H.datagram(v, rng.randint(0, 7), rng.randint(0, 3),
                           H.cmd_unsequenced(2, i, H.VALID_INPUT), os.urandom(4), 99)
        elif k == 5:
            d = os.urandom(rng.randint(4, 1400))
        else:  # longer than ENet's receive buffer (the server's recvmmsg drops and counts it)
            d = os.urandom(rng.randint(4097, 9000))
        pool.append(d)
    return pool


def body(ctx):
    rng = random.Random(0xF100D)
    sc = H.Scenario(ctx, bot_seconds=7.5, sniff=True, attacker_players=1).start()
    srv, v = sc.server, sc.version
    dst = (H.LOCAL, srv.port)
    c, ok, seen = H.login(srv.port, "flooder", bind=FLOODER)
    if not ctx.check("flooder logs in", ok is not None, seen[-1:]):
        return
    tok = H.token_of(ok)
    p = H.RawPeer(srv, FLOODER, v)
    if not ctx.check("flooder handshake", p.handshake(H.connect_tag(tok)), p.peer_id):
        return
    p.bind(tok)
    bound = srv.wait_log(r"'flooder' entered the arena", 2.0)
    ctx.check("flooder bound", bool(bound))
    g = H.Swarm([GARBAGE], rcvbuf=1 << 20)
    pool = garbage_pool(v, rng)
    inputs = []
    for i in range(256):
        p.group += 1
        inputs.append(p.dgram(H.cmd_unsequenced(2, p.group, H.VALID_INPUT)))
    sc.begin_attack()
    st0 = sc.before_stats
    t0 = H.now()
    i = 0
    while H.now() - t0 < FLOOD_S and i < 4000000:
        for _ in range(32):
            g.send(0, pool[i % 512], dst)
            p.send_raw(inputs[i % 256])
            i += 1
        p.pump()
        g.drain()
        if i % 8192 == 0:  # fresh unsequenced groups: ENet's window must stay valid
            inputs = []
            for _ in range(256):
                p.group += 1
                inputs.append(p.dgram(H.cmd_unsequenced(2, p.group, H.VALID_INPUT)))
    sc.end_attack()
    p.pump()
    g.drain(200)
    c.close()
    final = sc.finish()
    d_mal = H.stat_delta(st0, final, "udp_malformed")
    d_rate = H.stat_delta(st0, final, "udp_rate_limited")
    ctx.check("garbage counted (udp_malformed)", d_mal is not None and d_mal > 0, "+%s" % d_mal)
    d_over = H.stat_delta(st0, final, "udp_oversize")
    ctx.check("datagrams over 4096 bytes dropped and counted (udp_oversize)",
              d_over is not None and d_over > 0, "+%s" % d_over)
    ctx.check("the game socket's datagrams are batched (udp_batched)",
              final.get("udp_batched") == 1, final.get("udp_batched"))
    ctx.check("INPUT flood over budget counted (udp_rate_limited)",
              d_rate is not None and d_rate >= 0.5 * p.sent_pkts,
              "+%s of %d INPUT datagrams" % (d_rate, p.sent_pkts))
    # The slot reads' fallback (udp_gate.h gate_judge_flood): through the flood the socket is
    # polled, read as datagrams arrive, so the gate sees them instead of a full kernel buffer.
    d_polls = H.stat_delta(st0, final, "udp_flood_polls")
    d_polled = H.stat_delta(st0, final, "udp_polled_ms")
    ctx.check("the flood switched the game socket to polling (udp_flood_polls, udp_polled_ms)",
              d_polls is not None and d_polls >= 1 and d_polled is not None and d_polled >= 250,
              "+%s times, +%s ms" % (d_polls, d_polled))
    drop_keys = ["udp_malformed", "udp_oversize", "udp_no_peer", "udp_spoofed",
                 "udp_connect_refused"]
    counted = sum(H.stat_delta(st0, final, k) or 0 for k in drop_keys)
    ctx.check("garbage source got nothing back", g.recv_pkts == 0,
              "%d datagrams back" % g.recv_pkts)
    amp = H.amplification(ctx, g.sent_pkts + p.sent_pkts, g.sent_bytes + p.sent_bytes,
                          g.recv_pkts + p.recv_pkts, g.recv_bytes + p.recv_bytes)
    sn_p, sn_b = sc.sniffer.totals(lambda sp, ip, port: ip in (GARBAGE, FLOODER))
    amp2 = H.amplification(ctx, g.sent_pkts + p.sent_pkts, g.sent_bytes + p.sent_bytes, sn_p,
                           sn_b, "sniffer: all server datagrams to both attackers")
    g.close()
    p.close()
    ctx.row["sent"] = "%d garbage datagrams (%d kB) from %s + %d INPUT datagrams from bound " \
                      "peer %s in %.1f s" % (g.sent_pkts, g.sent_bytes // 1024, GARBAGE,
                                             p.sent_pkts, FLOODER, FLOOD_S)
    ctx.row["server"] = "%s, udp_rate_limited +%s (garbage counted: %d of %d)" % (
        H.describe_deltas(st0, final, drop_keys), d_rate, counted, g.sent_pkts)
    ctx.row["amplification"] = amp + "; " + amp2


if __name__ == "__main__":
    H.main("udp_flood", __doc__, body)
