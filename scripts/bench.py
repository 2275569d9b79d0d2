#!/usr/bin/env python3
"""bench.py — runs arena-server and arena-bot on loopback and prints a markdown table.

Each scenario starts a server on free ports, runs one arena-bot process with N bots for S
seconds (the bot process stops by itself), stops the server with SIGTERM and reads both JSON
reports. Server CPU comes from /proc/PID/stat. Nothing leaves 127.0.0.1."""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

TARGETS = """Targets (2-core machine): 256 bots: tick p99 <= 2000 us, 0 overruns, 0 disconnects,
>= 99 % snapshots delivered; 16 moving players at 30 Hz: <= 4000 B/s per client down; every
datagram <= 1200 B; server RSS <= 64 MB at 256 players; 0 heap allocations in ticks."""


def free_port():
    while True:
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind(("127.0.0.1", 0))
        p = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", p))
        except OSError:
            t.close()
            continue
        t.close()
        u.close()
        return p


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14, 15)


def run(bin_dir, map_path, bots, seconds, delta, behaviour, work):
    port = free_port()
    stats = os.path.join(work, "server-%d-%s.json" % (bots, delta))
    bot_json = os.path.join(work, "bots-%d-%s.json" % (bots, delta))
    log = open(os.path.join(work, "server-%d-%s.log" % (bots, delta)), "w")
    srv = subprocess.Popen(
        [os.path.join(bin_dir, "arena-server"), "--port", str(port), "--set", "bind=127.0.0.1",
         "--set", "discovery_port=0", "--map", map_path, "--max-players", str(max(bots, 16)),
         "--set", "ip_max_logins=%d" % min(bots + 8, 256), "--set", "ip_max_peers=%d" % (bots + 16),
         "--set", "ip_max_conns=%d" % (bots + 16), "--set", "delta=%s" % delta,
         "--set", "status_interval_s=5", "--data-dir", os.path.join(work, "data"),
         "--stats-json", stats], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                if time.time() > deadline or srv.poll() is not None:
                    raise RuntimeError("server did not start")
                time.sleep(0.1)
        hz = os.sysconf("SC_CLK_TCK")
        c0, t0 = cpu_ticks(srv.pid), time.time()
        bot = subprocess.run(
            [os.path.join(bin_dir, "arena-bot"), "--server", "127.0.0.1:%d" % port,
             "--count", str(bots), "--seconds", str(seconds), "--behaviour", behaviour,
             "--json", bot_json], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            timeout=seconds + 120)
        c1, t1 = cpu_ticks(srv.pid), time.time()
    finally:
        srv.send_signal(signal.SIGTERM)
        try:
            srv.wait(timeout=10)
        except subprocess.TimeoutExpired:
            srv.kill()
            srv.wait()
        log.close()
    s = json.load(open(stats))
    b = json.load(open(bot_json))
    return {
        "bots": bots, "delta": delta, "bot_rc": bot.returncode,
        "cpu": 100.0 * (c1 - c0) / hz / (t1 - t0), "cpu_s": (c1 - c0) / hz, "s": s, "b": b,
    }


def row(r):
    s, b = r["s"], r["b"]
    sent = max(s.get("snapshots_sent", 0), 1)
    delivered = 100.0 * b.get("snapshots_received", 0) / sent
    mean_snap = s.get("snapshot_bytes", 0) / sent
    return ("| %d%s | %d / %d / %d | %d | %.0f %% | %.1f MB | %.0f / %.0f | %.0f / %d | %.1f %% "
            "| %.1f | %d | %d |" % (
                r["bots"], "" if r["delta"] == "true" else " (no delta)",
                s["tick_us_p50"], s["tick_us_p99"], s["tick_us_max"], s["tick_overruns"],
                r["cpu"], s["rss_kb_peak"] / 1024.0,
                b.get("bytes_down_per_bot_per_s", 0), b.get("bytes_up_per_bot_per_s", 0),
                mean_snap, max(s.get("max_snapshot_wire_bytes", 0), b.get("max_snapshot_datagram_bytes", 0)),
                delivered, b.get("rtt_ms_p99", 0), b.get("disconnects", 0),
                s.get("enet_allocs_in_tick", 0)))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bin", default="build/bin")
    ap.add_argument("--map", default="assets/arena.map")
    ap.add_argument("--seconds", type=int, default=int(os.environ.get("ARENA_BENCH_SECONDS", 20)))
    ap.add_argument("--sizes", default="16,64,256")
    ap.add_argument("--behaviour", default="wander")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    results = []
    with tempfile.TemporaryDirectory() as work:
        for n in sizes:
            print("running %d bots for %d s ..." % (n, args.seconds), file=sys.stderr)
            results.append(run(args.bin, args.map, n, args.seconds, "true", args.behaviour, work))
        print("running 16 bots without delta compression ...", file=sys.stderr)
        nodelta = run(args.bin, args.map, 16, args.seconds, "false", args.behaviour, work)
    print("\n### arena-server on loopback (%s bots, %d s each)\n" % (args.behaviour, args.seconds))
    print("| bots | tick p50 / p99 / max (us) | overruns | server CPU | server peak RSS "
          "| B/s per client down / up | snapshot mean / max datagram (B) | snapshots delivered "
          "| RTT p99 (ms) | disconnects | ENet allocs in ticks |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results + [nodelta]:
        print(row(r))
    base = next((r for r in results if r["bots"] == 16), None)
    if base:
        d = base["b"].get("bytes_down_per_bot_per_s", 0)
        nd = nodelta["b"].get("bytes_down_per_bot_per_s", 0)
        print("\nDelta compression, 16 bots: %.0f B/s per client down with delta, %.0f without:"
              " delta uses %.0f %% of the bandwidth (ratio %.2fx)." % (
                  d, nd, 100.0 * d / nd if nd else 0, nd / d if d else 0))
    print("\n" + TARGETS)
    bad = [r for r in results + [nodelta] if r["bot_rc"] != 0]
    for r in bad:
        print("\nWARNING: arena-bot exited %d for %d bots" % (r["bot_rc"], r["bots"]))
    print("\nSnapshot codec (arena-codec-bench):\n", flush=True)
    cb = subprocess.run([os.path.join(args.bin, "arena-codec-bench")])
    return 1 if bad or cb.returncode != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
