#!/usr/bin/env python3
"""attack_input_path.py — a bound player (127.0.0.12: login, handshake, BIND) aims at the gate's
INPUT fast path (server/udp_cmds.h: a datagram of nothing but INPUTs is taken by the gate, and
ENet never sees it). For ~4 s, 60 datagrams a second, in turn:

  packed   32 valid INPUTs in one datagram (the most ENet puts in one), for upcoming ticks;
  replayed the previous packed datagram again, 4 times (ENet's duplicate window is skipped);
  junk     32 INPUT commands of type 3 and random bytes (each fails to decode);
  typed    32 INPUT commands whose message type is not INPUT;
  ack-asked one INPUT asking for an acknowledgement (ENet's: it must see the request);
  mixed    a ping and an INPUT (ENet's: it must acknowledge the ping).

The server must take every command of the first four straight from the datagram (inputs_direct
rises by each of them), count each junk and typed one as a bad packet (and nothing else), hand
the last two to ENet (their INPUTs still taken, through its events), keep the player connected,
and the legitimate players must not notice (the common checks: rates, gaps, chat, RSS, no
sanitizer report)."""
import os
import random
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness as H  # noqa: E402

ATTACKER = "127.0.0.12"
ATTACK_S = 4.0
RATE = 60  # datagrams per second (plus the replays), well under udp_peer_rate
PACKED = 32  # EW_MAX_COMMANDS
REPLAYS = 4
KINDS = ("packed", "replayed", "junk", "typed", "ack-asked", "mixed")


def unseq(p, msg, flags=0):
    p.group += 1
    return (H.cmd_header(H.CMD_UNSEQUENCED, 2, 0, H.FLAG_UNSEQ | flags) +
            H.struct.pack(">HH", p.group & 0xFFFF, len(msg)) + msg)


def build(p, kind, tick, rng):
    """The datagram(s) of one turn and how many INPUT commands the gate must take itself."""
    if kind == "packed":
        cmds = b"".join(unseq(p, H.input_msg(tick + k, 0, aim=rng.randint(0, 4095)))
                        for k in range(PACKED))
        return [p.dgram(cmds)], PACKED
    if kind == "junk":
        cmds = b"".join(unseq(p, b"\x03" + os.urandom(rng.randint(0, 40))) for _ in range(PACKED))
        return [p.dgram(cmds)], PACKED
    if kind == "typed":
        cmds = b"".join(unseq(p, bytes([rng.choice([0, 1, 2, 4, 9, 200])]) + os.urandom(8))
                        for _ in range(PACKED))
        return [p.dgram(cmds)], PACKED
    if kind == "ack-asked":
        return [p.dgram(unseq(p, H.input_msg(tick, 0), flags=H.FLAG_ACK))], 0
    # mixed: a ping (ENet acknowledges it) and an INPUT
    return [p.dgram(H.cmd_ping(tick) + unseq(p, H.input_msg(tick, 0)))], 0


def body(ctx):
    rng = random.Random(0x1F7)
    sc = H.Scenario(ctx, bot_seconds=7.5, attacker_players=1).start()
    srv, v = sc.server, sc.version
    if not ctx.check("the server speaks protocol 3 or later", v >= 3, "protocol %d" % v):
        return
    joined = H.bound_raw_peer(ctx, srv, v, "packer", ATTACKER)
    if joined is None:
        return
    c, p = joined
    sc.begin_attack()
    st0 = sc.before_stats
    t_base, tick_base = H.now(), (st0 or {}).get("ticks", 0)
    sent = dict((k, 0) for k in KINDS)
    direct = bad = 0
    last_packed = None
    turn = 0
    next_send = H.now()
    while H.now() - sc.t_attack < ATTACK_S and turn < RATE * 10:
        if H.now() >= next_send:
            kind = KINDS[turn % len(KINDS)]
            tick = tick_base + int((H.now() - t_base) * 60) + 3
            if kind == "replayed":
                grams, n = ([last_packed] * REPLAYS, PACKED) if last_packed else ([], 0)
            else:
                grams, n = build(p, kind, tick, rng)
            if kind == "packed":
                last_packed = grams[0]
            for g in grams:
                if p.send_raw(g):
                    sent[kind] += 1
                    direct += n
                    bad += n if kind in ("junk", "typed") else 0
            turn += 1
            next_send += 1.0 / RATE
        p.pump()
        H.time.sleep(0.002)
    sc.end_attack()
    st1 = srv.live_stats()
    p.pump()
    ctx.check("packer still connected", not p.disconnected)
    final = sc.finish()
    c.close()
    p.close()
    d = H.stat_delta(st0, final, "inputs_direct")
    # The legitimate bots' INPUTs go the same way: at least the attacker's, and more.
    ctx.check("every INPUT-only command taken by the gate (inputs_direct)",
              d is not None and d >= direct, "+%s, the attacker's %d" % (d, direct))
    d1 = H.stat_delta(st0, st1, "inputs_direct") if st1 else None
    ctx.check("counted while it happened (arena-ctl status)", d1 is not None and d1 > 0,
              "+%s" % d1)
    b = H.stat_delta(st0, final, "bad_packets")
    ctx.check("each junk and typed INPUT a bad packet, nothing else",
              b is not None and 0.9 * bad <= b <= bad, "+%s of %d" % (b, bad))
    for key in ("udp_unexpected", "udp_malformed", "udp_rate_limited", "udp_spoofed"):
        dk = H.stat_delta(st0, final, key)
        ctx.check("no gate drop (%s)" % key, not dk, "+%s" % dk)
    ctx.row["sent"] = ("%s datagrams from bound peer %s in %.1f s (%d INPUT commands for the "
                       "gate, %d of them malformed)" % (
                           ", ".join("%d %s" % (sent[k], k) for k in KINDS), ATTACKER,
                           ATTACK_S, direct, bad))
    ctx.row["server"] = "%s" % H.describe_deltas(st0, final,
                                                  ["inputs_direct", "bad_packets",
                                                   "inputs_early", "udp_rate_limited"])
    ctx.row["amplification"] = "n/a (a playing client: its snapshots come back)"


if __name__ == "__main__":
    H.main("input_path", __doc__, body)
