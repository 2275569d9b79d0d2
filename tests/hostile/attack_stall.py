#!/usr/bin/env python3
"""attack_stall.py — the server process is stopped for 3 s (SIGSTOP, as a swapped-out VM or a
debugger would), then continued. Every legit bot must stay (0 disconnects), the server must
log "stalled for about ... ms" and catch up without counting the inputs that waited in its
socket as too early (inputs_early stays under 1% of what the bots sent), and snapshots must
resume at full rate.

How the 250 ms gap rule is read here: the six legit bots play through the stall, so each has
exactly one gap of about the stall's length; for them the test asks that the longest gap is at
most the stall + 250 ms and that there is at most one gap over 250 ms per bot (the stall
itself). Their mean snapshot rate includes the stall and is only reported. A second run of
three bots, started 0.5 s after SIGCONT, is held to the full rule: slowest bot >= 29
snapshots/s, no gap over 250 ms."""
import os
import signal
import time
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness as H  # noqa: E402

STALL_S = 3.0


def body(ctx):
    sc = H.Scenario(ctx, bot_seconds=8, bot_rate_gap=False, attacker_players=3,
                    bot_pattern=r"^(bot|post)\d+$").start()
    srv = sc.server
    time.sleep(0.8)
    sc.begin_attack()
    st0 = sc.before_stats
    os.kill(srv.pid, signal.SIGSTOP)
    t_stop = H.now()
    time.sleep(STALL_S)
    os.kill(srv.pid, signal.SIGCONT)
    stalled = H.now() - t_stop
    sc.end_attack()
    found = srv.wait_log(r"stalled for about (\d+) ms", 3.0)
    time.sleep(0.5)
    post = H.Bots(ctx, srv, 3, 2.5, prefix="post").start()
    sc.extra_bots.append(post)
    final = sc.finish()
    ms = int(found[0]) if found else None
    ctx.check("server logged 'stalled for about ... ms'", ms is not None and
              abs(ms - stalled * 1000) <= 600, "logged %s ms for a %.0f ms stop" %
              (ms, stalled * 1000))
    b = sc.bots.result or {}
    gap, over = b.get("snapshot_gap_ms_max"), b.get("snapshot_gaps_over_250ms")
    ctx.check("legit bots through the stall: longest gap <= stall + 250 ms",
              gap is not None and gap <= stalled * 1000 + 250,
              "snapshot_gap_ms_max %s for a %.0f ms stall" % (gap, stalled * 1000))
    ctx.check("legit bots through the stall: at most one gap over 250 ms each (the stall)",
              over is not None and over <= sc.n_bots,
              "snapshot_gaps_over_250ms %s for %d bots" % (over, sc.n_bots))
    sc.check_bots(post, post.result, sc.chatters.result, label="bots after the stall")
    # The server counts every early input of every INPUT message it reads (a message carries
    # the unacknowledged window, up to 32 inputs). The bots send an INPUT a tick (60/s): the
    # most inputs they can have sent is 32 per message.
    messages = sc.n_bots * 60 * sc.bot_seconds + post.count * 60 * post.seconds
    inputs_sent = 32 * messages
    keys = ["inputs_early", "inputs_late", "inputs_missing", "ticks_fast_forwarded",
            "ticks_skipped", "stalls"]
    vals = {k: H.stat_delta(st0, final, k) for k in keys}
    ctx.check("inputs_early under 1%% of the <= %d inputs (%d INPUT messages) the bots sent" %
              (inputs_sent, messages),
              vals["inputs_early"] is not None and vals["inputs_early"] <= 0.01 * inputs_sent,
              "inputs_early %s" % vals["inputs_early"])
    ctx.check("the stall was counted (stalls)", vals["stalls"] is not None and
              vals["stalls"] >= 1, "stalls %s" % vals["stalls"])
    ctx.row["sent"] = "SIGSTOP %.1f s, SIGCONT (6 bots playing, 2 chatters)" % stalled
    ctx.row["server"] = "logged 'stalled for about %s ms'; %s; bots through it: gap max %s ms, " \
                        "%s gaps > 250 ms, mean rate %s Hz, rtt p99 %s ms, %s prediction " \
                        "errors" % (ms, ", ".join("%s %s" % (k, v) for k, v in vals.items()),
                                    gap, over, b.get("snapshot_rate_hz"), b.get("rtt_ms_p99"),
                                    b.get("prediction_errors"))
    pr = post.result or {}
    ctx.row["legit"] = "after the stall: rate min %s Hz / gap max %s ms; through it: drops %s " \
                       "/ chat %s; %s" % (pr.get("snapshot_rate_hz_min"),
                                          pr.get("snapshot_gap_ms_max"), b.get("disconnects"),
                                          b.get("chat_received"), ctx.row.get("legit", ""))
    ctx.row["amplification"] = "n/a"


if __name__ == "__main__":
    H.main("stall", __doc__, body)
