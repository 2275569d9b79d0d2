#!/usr/bin/env python3
"""bench_pair.py — is build B cheaper per snapshot than build A? Runs them side by side.

One `scripts/bench` run after another cannot tell a change of less than about 15 % apart on a
shared machine: identical code measured 17.6 to 20.1 us per snapshot at 1000 bots in four
runs. Here the two servers run at the same time, each with its own arena-bot processes and
the same number of bots, so both meet the same noise; their ratio is the measurement. Each
run swaps which one starts first, and the table ends with the ratios' mean and spread.

    scripts/bench_pair.py --a build-old/bin --b build/bin [--bots 500 --seconds 30 --runs 4]

Nothing leaves 127.0.0.1; every run stops by itself (the bots' --seconds, then SIGTERM)."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the bench's own helpers: one definition of a run's processes)


def side_by_side(builds, map_path, bots, seconds, work, procs, nice, rt):
    """Both servers and their bots at once; per build: CPU us per snapshot, preemptions/s."""
    hz = os.sysconf("SC_CLK_TCK")
    side = []
    try:
        for name, bin_dir in builds:
            port = bench.free_port()
            d = os.path.join(work, name)
            os.makedirs(d, exist_ok=True)
            stats = os.path.join(d, "server.json")
            log = open(os.path.join(d, "server.log"), "w")
            srv = subprocess.Popen(
                bench.server_cmd(bin_dir, map_path, bots, port, "true", d, stats, rt),
                stdout=log, stderr=subprocess.STDOUT)
            side.append({"name": name, "bin": bin_dir, "port": port, "srv": srv, "log": log,
                         "stats": stats, "bots_json": os.path.join(d, "bots.json")})
            bench.wait_listening(srv, port)
        for x in side:
            x["c0"], x["p0"] = bench.cpu_ticks(x["srv"].pid), bench.preemptions(x["srv"].pid)
        t0 = time.time()
        for x in side:
            x["bot"] = subprocess.Popen(
                bench.bot_cmd(x["bin"], x["port"], bots, seconds, "load", procs, nice,
                              x["bots_json"]), stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
        for x in side:
            x["bot_rc"] = x["bot"].wait(timeout=seconds + 120)
        t1 = time.time()
        for x in side:
            x["c1"], x["p1"] = bench.cpu_ticks(x["srv"].pid), bench.preemptions(x["srv"].pid)
    finally:
        for x in side:
            if x.get("bot") and x["bot"].poll() is None:
                x["bot"].kill()
                x["bot"].wait()
            bench.stop(x["srv"])
            x["log"].close()
    out = {}
    for x in side:
        s = json.load(open(x["stats"]))
        if x["bot_rc"] != 0:
            raise RuntimeError("arena-bot exited %d for %s" % (x["bot_rc"], x["name"]))
        sent = max(s.get("snapshots_sent", 0), 1)
        out[x["name"]] = {"us": 1e6 * (x["c1"] - x["c0"]) / hz / sent, "sent": sent,
                          "preempt_s": (x["p1"] - x["p0"]) / (t1 - t0),
                          "overruns": "%d / %d" % (s["tick_overruns"], s["tick_overruns_cpu"])}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--a", required=True, help="bin directory of the reference build")
    ap.add_argument("--b", required=True, help="bin directory of the build measured against it")
    ap.add_argument("--map", default="assets/arena.map")
    ap.add_argument("--bots", type=int, default=500, help="bots per server")
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--runs", type=int, default=4)
    ap.add_argument("--bot-nice", type=int, default=10)
    ap.add_argument("--bots-per-proc", type=int, default=250)
    ap.add_argument("--server-rt", type=int, default=10, help="as scripts/bench.py --server-rt")
    args = ap.parse_args()
    if args.runs < 1 or args.bots < 1 or args.seconds < 1:
        ap.error("--runs, --bots and --seconds must be at least 1")
    for d in (args.a, args.b):
        if not os.path.exists(os.path.join(d, "arena-server")):
            ap.error("no arena-server in %s" % d)
    rt = bench.rt_prefix(args.server_rt)
    procs = max(1, -(-args.bots // max(args.bots_per_proc, 1)))
    secs = args.seconds + args.bots // bench.JOIN_PER_S
    print("| run | first | A us/snapshot | B us/snapshot | B / A | A / B overruns (wall / CPU) "
          "| A / B preempted/s |")
    print("|---|---|---|---|---|---|---|")
    ratios = []
    for i in range(args.runs):
        builds = [("A", args.a), ("B", args.b)]
        if i % 2:
            builds.reverse()
        with tempfile.TemporaryDirectory() as work:
            r = side_by_side(builds, args.map, args.bots, secs, work, procs, args.bot_nice, rt)
        ratios.append(r["B"]["us"] / r["A"]["us"])
        print("| %d | %s | %.2f | %.2f | %.3f | %s / %s | %.0f / %.0f |" % (
            i + 1, builds[0][0], r["A"]["us"], r["B"]["us"], ratios[-1], r["A"]["overruns"],
            r["B"]["overruns"], r["A"]["preempt_s"], r["B"]["preempt_s"]), flush=True)
    spread = statistics.stdev(ratios) if len(ratios) > 1 else 0.0
    print("\nB / A: mean %.3f, min %.3f, max %.3f, stdev %.3f over %d runs (%d bots each, %d s)"
          % (statistics.mean(ratios), min(ratios), max(ratios), spread, len(ratios), args.bots,
             secs))


if __name__ == "__main__":
    main()
