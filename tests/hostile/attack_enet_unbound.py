#!/usr/bin/env python3
"""attack_enet_unbound.py — eight logged-in ENet peers from one host (127.0.0.2), with a
correct handshake, address, session and checksum, send what a game client never sends, as
fast as one Python process can: out-of-order reliable commands, fragments of huge packets
(totalLength up to 32 MB, fragment numbers all over), unreliable sends and INPUT before
BIND; then the same peers BIND properly and keep going (plus oversized INPUT).

The server must drop all of it before ENet queues or reassembles anything: udp_unbound
before BIND, udp_unexpected after, udp_rate_limited over the per-peer budget; its RSS
stays bounded and comes back; the legitimate players see nothing.

bind_timeout_ms is raised to 8000 so the eight peers stay alive, unbound, through the whole
unbound phase (with the default 2 s they would be disconnected half way, and the rest of the
flood would hit peers already gone)."""
import os
import random
import time
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness as H  # noqa: E402

ATTACKER = "127.0.0.2"
PEERS = 8
UNBOUND_S = 3.0
BOUND_S = 2.5
MAX_TOTAL = 32 * 1024 * 1024
MAX_DATAGRAMS = 4000000  # per phase: the time bound comes first on this machine


def junk(peer, kind, rng):
    """One datagram (commands) the gate must refuse. kind < 100: before BIND; >= 100: after."""
    v = peer.version
    seq = rng.randint(2, 65535)
    if kind in (0, 100):  # reliable, out of order, on the reliable channel
        c = H.cmd_reliable(0, seq, os.urandom(rng.randint(1, 300)))
    elif kind == 1:  # reliable message #1 on the wrong channel
        c = H.cmd_reliable(rng.choice((1, 2)), 1, bytes([1, v]) + os.urandom(16))
    elif kind in (2, 101):  # a fragment of a huge packet
        count = rng.randint(2, 1000000)
        total = rng.randint(1 << 20, MAX_TOTAL)
        num = rng.randrange(count)
        c = H.cmd_fragment(0, seq, seq, count, num, total, (num * 1100) % total, os.urandom(1100))
    elif kind in (3, 102):  # unreliable fragments, four of one huge packet in a datagram
        count = rng.randint(1000, 30000)
        total = rng.randint(1 << 20, MAX_TOTAL)
        start = rng.randint(0, 65535)
        c = b""
        for _ in range(4):
            num = rng.randrange(count)
            c += H.cmd_fragment(1, start, start, count, num, total, (num * 280) % total,
                                os.urandom(280), unreliable=True)
    elif kind in (4, 103):  # unreliable send
        c = H.cmd_unreliable(1, 0, rng.randint(0, 65535), os.urandom(rng.randint(1, 600)))
    elif kind == 5:  # an INPUT before BIND
        peer.group += 1
        c = H.cmd_unsequenced(2, peer.group, H.VALID_INPUT)
    elif kind in (6, 104):  # an allowed command, then a fragment: the whole datagram goes
        c = H.cmd_ping(rng.randint(1, 65535)) + H.cmd_fragment(
            0, seq, seq, 64, 3, 64 * 1000, 3000, os.urandom(1000))
    elif kind == 105:  # INPUT too long
        peer.group += 1
        c = H.cmd_unsequenced(2, peer.group, H.VALID_INPUT + os.urandom(rng.randint(78, 400)))
    elif kind == 106:  # unsequenced on the wrong channel
        peer.group += 1
        c = H.cmd_unsequenced(rng.choice((0, 1)), peer.group, H.VALID_INPUT)
    else:
        raise ValueError(kind)
    return peer.dgram(c)


def flood(peers, kinds, seconds, rng, pool_per_peer=48):
    """Sends precomputed junk round-robin over the peers as fast as possible, ACKing what the
    server sends (so the connections stay healthy). Returns datagrams sent."""
    pools = [[junk(p, kinds[i % len(kinds)], rng) for i in range(pool_per_peer)] for p in peers]
    deadline = H.now() + seconds
    n = 0
    i = 0
    while H.now() < deadline and n < MAX_DATAGRAMS:
        for _ in range(64):
            for p, pool in zip(peers, pools):
                if p.send_raw(pool[i % pool_per_peer]):
                    n += 1
            i += 1
        for p in peers:
            p.pump()
        if i % 1024 == 0:  # fresh sent times and sequence numbers now and then
            pools = [[junk(p, kinds[j % len(kinds)], rng) for j in range(pool_per_peer)]
                     for p in peers]
    return n


def body(ctx):
    rng = random.Random(0xE7E7)
    sc = H.Scenario(ctx, bot_seconds=8.5, sets={"bind_timeout_ms": "8000"},
                    attacker_players=PEERS, sniff=True).start()
    srv = sc.server
    # Eight logins and eight handshakes from one host.
    tcps, peers, tokens = [], [], []
    for i in range(PEERS):
        c, ok, seen = H.login(srv.port, "ub%d" % i, bind=ATTACKER)
        if not ctx.check("attacker login ub%d" % i, ok is not None, seen[-1:]):
            return
        tcps.append(c)
        tokens.append(H.token_of(ok))
    for i in range(PEERS):
        p = H.RawPeer(srv, ATTACKER, sc.version)
        if not ctx.check("attacker handshake ub%d" % i,
                         p.handshake(H.connect_tag(tokens[i])), "peer id %s" % p.peer_id):
            return
        peers.append(p)
    sc.begin_attack()
    st0 = sc.before_stats
    n_unbound = flood(peers, [0, 1, 2, 3, 4, 5, 6], UNBOUND_S, rng)
    st1 = srv.live_stats()
    rss_unbound = srv.rss_kb()
    d = H.stat_delta(st0, st1 or {}, "udp_unbound") if st1 else None
    ctx.check("before BIND: dropped (udp_unbound counted)", d is not None and d > 0,
              "%d datagrams; %s" % (n_unbound, H.describe_deltas(
                  st0, st1, ["udp_unbound", "udp_rate_limited", "udp_spoofed"])))
    # Now BIND properly and keep going.
    for p, tok in zip(peers, tokens):
        p.bind(tok)
    names = ["ub%d" % i for i in range(PEERS)]
    deadline = H.now() + 3.0
    while H.now() < deadline:
        for p in peers:
            p.pump()
        text = srv.log_text()
        if all("'%s' entered the arena" % n in text for n in names):
            break
        time.sleep(0.02)
    text = srv.log_text()
    bound = sum("'%s' entered the arena" % n in text for n in names)
    ctx.check("attacker peers bound after BIND", bound == PEERS, "%d of %d" % (bound, PEERS))
    n_bound = flood(peers, [100, 101, 102, 103, 104, 105, 106], BOUND_S, rng)
    for c in tcps:
        c.close()
    sc.end_attack()
    st2 = srv.live_stats()
    d = H.stat_delta(st1, st2, "udp_unexpected") if st1 and st2 else None
    ctx.check("after BIND: dropped (udp_unexpected counted)", d is not None and d > 0,
              "%d datagrams; %s" % (n_bound, H.describe_deltas(
                  st1, st2, ["udp_unexpected", "udp_rate_limited", "udp_unbound"])))
    # Let the server settle, then the legit players finish.
    time.sleep(0.5)
    for p in peers:
        p.pump()
    sent_p = sum(p.sent_pkts for p in peers)
    sent_b = sum(p.sent_bytes for p in peers)
    recv_p = sum(p.recv_pkts for p in peers)
    recv_b = sum(p.recv_bytes for p in peers)
    final = sc.finish()
    for p in peers:
        p.close()
    keys = ["udp_unbound", "udp_unexpected", "udp_rate_limited", "udp_malformed", "udp_spoofed",
            "udp_no_peer", "bad_packets"]
    for k in ("udp_unbound", "udp_unexpected", "udp_rate_limited"):
        d = H.stat_delta(st0, final, k)
        ctx.check("%s counted" % k, d is not None and d > 0, "+%s" % d)
    dropped = sum(H.stat_delta(st0, final, k) or 0 for k in keys[:6])
    ctx.check("no attacker datagram reached the game as a message",
              H.stat_delta(st0, final, "bad_packets") == 0,
              "bad_packets +%s" % H.stat_delta(st0, final, "bad_packets"))
    amp = H.amplification(ctx, sent_p, sent_b, recv_p, recv_b)
    sn_p, sn_b = sc.sniffer.totals(lambda sp, ip, port: ip == ATTACKER)
    amp += "; " + H.amplification(ctx, sent_p, sent_b, sn_p, sn_b,
                                  "sniffer: all server datagrams to %s" % ATTACKER)
    ctx.row["sent"] = ("%d ENet peers from %s: %d junk datagrams before BIND (out-of-order "
                       "reliable, 32 MB fragments, unreliable, INPUT), %d after BIND" %
                       (PEERS, ATTACKER, n_unbound, n_bound))
    ctx.row["server"] = "%s (%d of %d counted); RSS after unbound phase %s MB" % (
        H.describe_deltas(st0, final, keys), dropped, n_unbound + n_bound, H.mb(rss_unbound))
    ctx.row["amplification"] = amp


if __name__ == "__main__":
    H.main("enet_unbound", __doc__, body)
