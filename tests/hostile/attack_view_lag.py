#!/usr/bin/env python3
"""attack_view_lag.py — a bound player (127.0.0.11: login, handshake, BIND) lies about its
view lag for lag compensation: for ~4 s it plays at a normal client's rate (60 INPUTs a
second, for the ticks the server is about to simulate), firing all the time, every INPUT
claiming a view lag over the server's cap (193..1023 sixteenths of a tick, up to 1065 ms,
where the cap of lagcomp_max_ms = 200 is 192), to make the server check its shots against
where the others were long ago.

The server must clamp every one to the cap and count it (lagcomp_clamped: at least the lies;
the legitimate bots add their own first seconds, when a new client's cautious lead puts its
view more than 200 ms behind), keep the player
(nothing malformed: bad_packets unchanged, no disconnect), and the legitimate players must
not notice (the common checks: rates, gaps, chat, RSS, no sanitizer report)."""
import random
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness as H  # noqa: E402

ATTACKER = "127.0.0.11"
ATTACK_S = 4.0
RATE = 60  # INPUTs per second, a normal client's
CAP = 192  # lagcomp_max_ms = 200 in sixteenths of a tick


def body(ctx):
    rng = random.Random(0x1A6)
    sc = H.Scenario(ctx, bot_seconds=7.5, attacker_players=1).start()
    srv, v = sc.server, sc.version
    if not ctx.check("the server speaks protocol 3 or later (INPUT has view_lag)", v >= 3,
                     "protocol %d" % v):
        return
    joined = H.bound_raw_peer(ctx, srv, v, "liar", ATTACKER)
    if joined is None:
        return
    c, p = joined
    sc.begin_attack()
    st0 = sc.before_stats
    # The server's tick, roughly: its tick count when asked, then 60 a second.
    t_base, tick_base = H.now(), (st0 or {}).get("ticks", 0)
    sent = 0
    lags = []
    next_send = H.now()
    while H.now() - sc.t_attack < ATTACK_S and sent < RATE * 10:
        if H.now() >= next_send:
            tick = tick_base + int((H.now() - t_base) * 60) + 3
            lag = rng.randint(CAP + 1, 1023)
            lags.append(lag)
            p.group += 1
            msg = H.input_msg(tick, lag, buttons=16, aim=rng.randint(0, 4095))
            p.send_raw(p.dgram(H.cmd_unsequenced(2, p.group, msg)))
            sent += 1
            next_send += 1.0 / RATE
        p.pump()
        H.time.sleep(0.002)
    sc.end_attack()
    st1 = srv.live_stats()
    p.pump()
    ctx.check("liar still connected", not p.disconnected)
    final = sc.finish()
    c.close()
    p.close()
    d = H.stat_delta(st0, final, "lagcomp_clamped")
    ctx.check("every lie clamped and counted (lagcomp_clamped)",
              d is not None and d >= 0.9 * sent, "+%s of %d INPUTs" % (d, sent))
    d1 = H.stat_delta(st0, st1, "lagcomp_clamped") if st1 else None
    ctx.check("counted while it happened (arena-ctl status)", d1 is not None and d1 > 0,
              "+%s" % d1)
    bad = H.stat_delta(st0, final, "bad_packets")
    ctx.check("nothing malformed (bad_packets unchanged)", bad == 0, "+%s" % bad)
    ctx.row["sent"] = ("%d INPUTs (FIRE held) from bound peer %s in %.1f s, view lag %d..%d "
                       "(cap %d)" % (sent, ATTACKER, ATTACK_S, min(lags), max(lags), CAP))
    ctx.row["server"] = "%s" % H.describe_deltas(st0, final,
                                                  ["lagcomp_clamped", "bad_packets",
                                                   "udp_rate_limited", "inputs_early"])
    ctx.row["amplification"] = "n/a (a playing client: its snapshots come back)"


if __name__ == "__main__":
    H.main("view_lag", __doc__, body)
