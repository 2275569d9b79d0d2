#!/usr/bin/env python3
"""attack_spoofed_disconnect.py — a blind spoofer knows a legit bot's address and port (on a LAN
it can see them) and sends, from that address:port (raw socket), DISCONNECTs and SENDs for every
peer id of the server's table (and beyond) x every session, with zero, random and
wrong-connection checksums. ENet 1.3 without checksums would take the one with the right peer
id and session and drop the bot. The server must drop every one (udp_spoofed for live peer
ids, udp_no_peer for free ones) and no bot may notice."""
import os
import random
import time
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness as H  # noqa: E402

ROUNDS = 2
PEER_IDS = 192  # the table holds 2 x 64 + 32 = 160 peers; 32 more ids out of range


def grid(version, port_bot):
    """Every datagram of one round for one bot address: (payload, kind)."""
    out = []
    for peer_id in range(PEER_IDS):
        for session in range(4):
            cmds = [H.cmd_disconnect(0, 0), H.cmd_disconnect(1, 6, reliable=True),
                    H.cmd_reliable(0, 2, b"\x01" + bytes([version]) + os.urandom(16)),
                    H.cmd_unsequenced(2, random.randint(1, 60000), H.VALID_INPUT)]
            for ci, c in enumerate(cmds):
                if version < 2:
                    out.append((H.datagram(version, peer_id, session, c, sent_time=123), ci))
                    continue
                for ck in ("zero", "random", "crc0"):
                    if ck == "crc0":  # a correct CRC, over connect id 0 (not the connection's)
                        d = H.datagram(version, peer_id, session, c, b"\0\0\0\0", 123, "ok")
                    else:
                        d = H.datagram(version, peer_id, session, c, sent_time=123, checksum=ck)
                    out.append((d, ci))
    return out


def body(ctx):
    sc = H.Scenario(ctx, bot_seconds=6.5).start()
    srv, v = sc.server, sc.version
    ports = sc.bots.udp_ports()
    ctx.check("found the bots' UDP ports", len(ports) == sc.n_bots, ports)
    raw = H.RawUdp()
    packets = []
    for bp in ports:
        for d, kind in grid(v, bp):
            packets.append((raw.packet(H.LOCAL, bp, H.LOCAL, srv.port, d), len(d), kind))
    random.shuffle(packets)
    sc.begin_attack()
    st0 = sc.before_stats
    by_kind = [0, 0, 0, 0]
    for r in range(ROUNDS):
        for i, (pkt, ln, kind) in enumerate(packets):
            if raw.send_packet(pkt, H.LOCAL, ln):
                by_kind[kind] += 1
            if i % 150 == 149:
                time.sleep(0.002)  # the server's socket buffer holds a few hundred
    # Until the server has counted (nearly) all of them as dropped, at most 3 s.
    deadline = H.now() + 3.0
    while True:
        st1 = srv.live_stats()
        d = [H.stat_delta(st0, st1, k) for k in ("udp_spoofed", "udp_no_peer")]
        if (None not in d and sum(d) >= 0.98 * raw.sent) or H.now() >= deadline:
            break
        time.sleep(0.05)
    sc.end_attack()
    final = sc.finish()
    raw.close()
    sent = raw.sent
    got = (H.stat_delta(st0, final, "udp_spoofed"), H.stat_delta(st0, final, "udp_no_peer"))
    counted = None if None in got else got[0] + got[1]
    ctx.check("spoofed datagrams dropped and counted (udp_spoofed + udp_no_peer)",
              counted is not None and got[0] > 0 and counted >= 0.98 * sent,
              "sent %d, udp_spoofed +%s, udp_no_peer +%s" % (sent, got[0], got[1]))
    for k in ("udp_unbound", "udp_unexpected", "bad_packets"):
        d = H.stat_delta(st0, final, k)
        ctx.check("no spoofed datagram got past the checksum (%s)" % k, d == 0, "+%s" % d)
    ctx.row["sent"] = ("%d raw datagrams from the 6 bots' own address:port: %d DISCONNECT, %d "
                       "reliable DISCONNECT, %d SEND_RELIABLE, %d INPUT; peer ids 0..%d x 4 "
                       "sessions x zero/random/wrong-connection checksums" %
                       (sent, by_kind[0], by_kind[1], by_kind[2], by_kind[3], PEER_IDS - 1))
    ctx.row["server"] = H.describe_deltas(st0, final, ["udp_spoofed", "udp_no_peer",
                                                       "udp_malformed", "udp_unbound"])
    ctx.row["amplification"] = ("0 B to the attacker (raw socket); replies would go to the "
                                "bot, which saw no disconnect")


if __name__ == "__main__":
    H.main("spoofed_disconnect", __doc__, body)
