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


def preemptions(pid):
    """How often the kernel took the CPU from the process while it could run (involuntary
    context switches): what turns a tick that needs 8 ms of CPU into 20 ms of wall time."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("nonvoluntary_ctxt_switches:"):
                return int(line.split()[1])
    return 0


def rt_prefix(prio):
    """The command that starts the server at SCHED_FIFO priority `prio` (docs/operations.md
    "Priority"), children and threads at the normal policy; [] when prio is 0 or not allowed."""
    if prio <= 0:
        return []
    try:
        ok = subprocess.run(["chrt", "--fifo", "--reset-on-fork", str(prio), "true"],
                            capture_output=True, timeout=10).returncode == 0
    except OSError:
        ok = False
    if not ok:
        print("  (chrt --fifo %d is not allowed here: the server runs at the normal policy)" % prio,
              file=sys.stderr)
        return []
    return ["chrt", "--fifo", "--reset-on-fork", str(prio)]


def floor_once(tool, receivers, size, seconds):
    out = subprocess.run([tool, "--receivers", str(receivers), "--bytes", str(size), "--rate",
                          "30", "--seconds", str(seconds)], capture_output=True, text=True,
                         timeout=seconds + 60)
    return json.loads(out.stdout) if out.returncode == 0 else None


def floor(bin_dir, receivers, size, seconds, runs):
    """The bare-sendto floor (arena-udpfloor) for `receivers` clients at 30 Hz, measured `runs`
    times (the machine is shared: one run can land on a busy moment): the median run's CPU per
    datagram, and every run's, or None."""
    tool = os.path.join(bin_dir, "arena-udpfloor")
    if not os.path.exists(tool):
        return None
    each = [f for f in (floor_once(tool, receivers, size, seconds) for _ in range(runs)) if f]
    if not each:
        return None
    per = sorted(f["cpu_us_per_datagram"] for f in each)
    return {"cpu_us_per_datagram": per[len(per) // 2], "runs": per, "bytes": size}


def floor_spread(r):
    """The floor's runs as 'min-max (n)', or 'n/a'."""
    runs = (r.get("floor") or {}).get("runs")
    if not runs:
        return "n/a"
    return "%.1f-%.1f (%d)" % (runs[0], runs[-1], len(runs))


def match_settings(run_s):
    """A whole match inside a run of run_s seconds: a 3 s warm-up, a match of half the run, a
    2 s end screen and the next match's start, so the figures hold both mass spawns and the end
    of a match (at 1000 players a match's end once cost 88 ms in one tick); 0: the server's
    own defaults (a 20-kill match that a short run may never finish)."""
    if run_s <= 0:
        return []
    return ["--set", "warmup_s=3", "--set", "time_limit_s=%d" % max(5, run_s // 2),
            "--set", "end_screen_s=2"]


def server_cmd(bin_dir, map_path, bots, port, delta, data_dir, stats, rt=(), match_s=0,
               extra=()):
    """arena-server for `bots` players on loopback, its limits opened for one address; with
    match_s, a whole match in a run of that many seconds (match_settings); `extra` settings
    (KEY=VALUE) last, so they win."""
    return list(rt) + [
        os.path.join(bin_dir, "arena-server"), "--port", str(port), "--set", "bind=127.0.0.1",
        "--set", "discovery_port=0", "--map", map_path, "--max-players", str(max(bots, 16)),
        "--set", "ip_max_logins=%d" % min(bots + 8, 1024), "--set", "ip_max_peers=%d" % (bots + 16),
        "--set", "ip_max_conns=%d" % (bots + 16), "--set", "ip_max_prelogin=%d" % (bots + 16),
        "--set", "tcp_max_conns=%d" % (bots + 16), "--set", "delta=%s" % delta,
        "--set", "status_interval_s=5", "--data-dir", data_dir, "--stats-json", stats
    ] + match_settings(match_s) + [a for kv in extra for a in ("--set", kv)]


def bot_cmd(bin_dir, port, bots, seconds, behaviour, procs, nice, bot_json, chat_every=0):
    """arena-bot processes that stop by themselves after `seconds`; with chat_every, each bot
    says a line every that many seconds."""
    return (["nice", "-n", str(nice)] if nice > 0 else []) + [
        os.path.join(bin_dir, "arena-bot"), "--server", "127.0.0.1:%d" % port,
        "--count", str(bots), "--seconds", str(seconds), "--behaviour", behaviour,
        "--procs", str(procs), "--json", bot_json] + (
            ["--chat-every", str(chat_every)] if chat_every > 0 else [])


def wait_listening(srv, port):
    deadline = time.time() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            if time.time() > deadline or srv.poll() is not None:
                raise RuntimeError("server did not start")
            time.sleep(0.1)


def stop(srv):
    srv.send_signal(signal.SIGTERM)
    try:
        srv.wait(timeout=10)
    except subprocess.TimeoutExpired:
        srv.kill()
        srv.wait()


def run(bin_dir, map_path, bots, seconds, delta, behaviour, work, procs=1, nice=0, rt=(),
        extra=(), chat_every=0):
    port = free_port()
    tag = "%d-%s%s" % (bots, delta, "-chat" if chat_every else "")
    stats = os.path.join(work, "server-%s.json" % tag)
    bot_json = os.path.join(work, "bots-%s.json" % tag)
    log = open(os.path.join(work, "server-%s.log" % tag), "w")
    srv = subprocess.Popen(
        server_cmd(bin_dir, map_path, bots, port, delta, os.path.join(work, "data"), stats, rt,
                   seconds, extra),
        stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_listening(srv, port)
        hz = os.sysconf("SC_CLK_TCK")
        c0, t0, p0 = cpu_ticks(srv.pid), time.time(), preemptions(srv.pid)
        bot = subprocess.run(
            bot_cmd(bin_dir, port, bots, seconds, behaviour, procs, nice, bot_json, chat_every),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=seconds + 120)
        c1, t1, p1 = cpu_ticks(srv.pid), time.time(), preemptions(srv.pid)
    finally:
        stop(srv)
        log.close()
    s = json.load(open(stats))
    b = json.load(open(bot_json))
    return {
        "bots": bots, "delta": delta, "bot_rc": bot.returncode,
        "cpu": 100.0 * (c1 - c0) / hz / (t1 - t0), "cpu_s": (c1 - c0) / hz, "s": s, "b": b,
        "preempt_s": (p1 - p0) / (t1 - t0), "rt": bool(rt), "chat_every": chat_every,
    }


def row(r):
    s, b = r["s"], r["b"]
    mean_snap = s.get("snapshot_bytes", 0) / max(s.get("snapshots_sent", 0), 1)
    return ("| %d%s | %d / %d / %d | %d / %s | %s | %.0f %% | %.1f MB | %.0f / %.0f | %.0f / %d "
            "| %.1f %% | %.1f | %d | %d |" % (
                r["bots"], "" if r["delta"] == "true" else " (no delta)",
                s["tick_us_p50"], s["tick_us_p99"], s["tick_us_max"], s["tick_overruns"],
                s.get("tick_overruns_cpu", "n/a"), s.get("snapshots_deferred", "n/a"), r["cpu"],
                s["rss_kb_peak"] / 1024.0,
                b.get("bytes_down_per_bot_per_s", 0), b.get("bytes_up_per_bot_per_s", 0),
                mean_snap, max(s.get("max_snapshot_wire_bytes", 0), b.get("max_snapshot_datagram_bytes", 0)),
                delivered(r), b.get("rtt_ms_p99", 0), b.get("disconnects", 0),
                s.get("enet_allocs_in_tick", 0)))


# What ENet puts around one unreliable message (server/enet_guard.h ENET_GUARD_WIRE_OVERHEAD:
# its 4-byte header, the 4-byte checksum, the 8-byte unreliable command).
WIRE_OVERHEAD = 16


def delivered(r):
    """Snapshots the bots received, % of those the server sent."""
    return 100.0 * r["b"].get("snapshots_received", 0) / max(r["s"].get("snapshots_sent", 0), 1)


def per_snapshot(r):
    """(server CPU us per snapshot sent, the floor's us per datagram or None, the ratio as
    text): the derived values both the printed table and docs/perf.md show."""
    sent = max(r["s"].get("snapshots_sent", 0), 1)
    per = 1e6 * r["cpu_s"] / sent
    fl = (r.get("floor") or {}).get("cpu_us_per_datagram")
    return per, fl, ("%.1fx" % (per / fl)) if fl else "n/a"


def inputs_cell(b):
    """INPUT messages a second per bot (WELCOME's input_hz: 60 up to 64 players, 30 above) and
    the bots' mean tick-clock lead beyond RTT/2, in ticks (one more at 30 Hz: the price)."""
    if "inputs_sent" not in b or "clock_margin_ticks_mean" not in b:
        return "n/a"
    per_s = b["inputs_sent"] / max(b.get("connected", 1), 1) / max(b.get("seconds", 1), 1)
    return "%.0f (%.1f)" % (per_s, b["clock_margin_ticks_mean"])


def print_floor(results, seconds):
    """The server's CPU per snapshot against a bare sendto of the same size to as many
    loopback receivers at 30 Hz, measured right after it in the same run."""
    print("\n### Cost per snapshot against the bare `sendto` floor (same run)\n")
    print("| bots | connected | server CPU us per snapshot | floor us per datagram (median) "
          "| floor runs min-max | ratio | loop wake-ups/s "
          "| ENet unsent (throttle) | kernel drops | inputs late "
          "| INPUTs/s per client (lead, ticks) | EVENTs / reliable + unreliable EVENTS msgs per client-s "
          "| bots' CPU (procs) | server preempted/s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        s, b = r["s"], r["b"]
        per_snap, fl, ratio = per_snapshot(r)
        wakes = ("%.0f" % (s["wakeups"] / max(s["run_us"], 1) * 1e6)) if "wakeups" in s else "n/a"
        if "udp_polled_ms" in s:  # the flood fallback of the slot reads (udp_gate.h)
            wakes += " (polled %.1f s)" % (s["udp_polled_ms"] / 1000.0)
        bot_cpu = ("%.0f %%" % (100.0 * b["cpu_s"] / r.get("seconds", seconds))) if "cpu_s" in b else "n/a"
        client_s = max(b.get("connected", r["bots"]), 1) * s["run_us"] / 1e6
        events = ("%.0f / %.1f + %.1f" % (s["events_sent"] / client_s,
                                          s["events_messages"] / client_s,
                                          s.get("events_onlooker_messages", 0) / client_s)
                  if "events_messages" in s else "n/a")
        print("| %d | %s | %.1f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s (%d) | %.0f |" % (
            r["bots"], b.get("connected", "n/a"), per_snap, "%.1f" % fl if fl else "n/a",
            floor_spread(r), ratio, wakes,
            s.get("enet_unsent_unreliable", "n/a"), s.get("udp_kernel_drops", "n/a"),
            s.get("inputs_late", "n/a"), inputs_cell(b), events, bot_cpu, r.get("procs", 1),
            r.get("preempt_s", 0)))


def chat_lines(chat, base):
    """The chat run against the run of as many bots without chat: what the room took, and what
    it cost the server per snapshot (markdown lines)."""
    s, b = chat["s"], chat["b"]
    per, _, _ = per_snapshot(chat)
    per0, _, _ = per_snapshot(base)
    secs = max(chat.get("seconds", 1), 1)
    return [
        "| bots | lines offered / s | SAY/ME taken | refused (room busy) | lines heard by bots "
        "| server CPU us / snapshot, chat / no chat | chat / no chat | tick p99 / max (us) "
        "| overruns (wall / CPU) | delivered | disconnects |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        "| %d (a line every %d s each) | %.0f | %s | %s | %s | %.1f / %.1f | %.2fx | %d / %d "
        "| %d / %s | %.1f %% | %d |" % (
            chat["bots"], chat["chat_every"], b.get("chat_sent", 0) / secs,
            s.get("chat_lines", "n/a"), s.get("chat_room_busy", "n/a"),
            b.get("chat_received", "n/a"), per, per0, per / per0 if per0 else 0,
            s["tick_us_p99"], s["tick_us_max"], s["tick_overruns"],
            s.get("tick_overruns_cpu", "n/a"),
            delivered(chat), b.get("disconnects", 0))]


CHAT_TEXT = ("Chat fan-out: the same number of bots, each saying a line every few seconds over "
             "TCP; every accepted SAY goes to every session. The room takes `chat_room_rate` "
             "lines a second (60), one address at most half of it, and all the bots share "
             "127.0.0.1, so about 30 a second are taken and the rest refused (`ERR flood`). "
             "The cost is the server's CPU per snapshot against the run without chat.")


PLOTS = [  # file, title, y label, columns of bench.dat (1 = players)
    ("cpu_per_snapshot.png", "CPU per snapshot: server vs bare sendto floor", "CPU us",
     [(2, "server, per snapshot"), (3, "sendto floor, per datagram")]),
    ("tick_p99.png", "Tick duration p99", "us", [(4, "tick p99")]),
    ("bytes_per_client.png", "Bytes per client per second (down)", "B/s", [(5, "down")]),
]


def write_perf_doc(results, seconds, behaviour, doc, failed=(), rt=0, chat=None):
    """docs/perf.md: the machine, the table, and gnuplot plots of the bench's own data."""
    out_dir = os.path.join(os.path.dirname(doc), "perf")
    os.makedirs(out_dir, exist_ok=True)
    dat = os.path.join(out_dir, "bench.dat")
    with open(dat, "w") as f:
        f.write("# players server_us_per_snapshot floor_us_per_datagram tick_p99_us "
                "bytes_down_per_client_s\n")
        for r in results:
            per, fl, _ = per_snapshot(r)
            f.write("%d %.2f %.2f %d %.0f\n" % (
                r["bots"], per, fl or 0, r["s"]["tick_us_p99"],
                r["b"].get("bytes_down_per_bot_per_s", 0)))
    plotted = []
    for png, title, ylabel, cols in PLOTS:
        lines = ", ".join("'%s' using 1:%d with linespoints title '%s'" % (dat, c, t)
                          for c, t in cols)
        script = ("set terminal pngcairo size 720,420 noenhanced\nset output '%s'\n"
                  "set title '%s'\nset xlabel 'players'\nset ylabel '%s'\nset grid\n"
                  "set key top left\nset yrange [0:*]\nplot %s\n" % (
                      os.path.join(out_dir, png), title, ylabel, lines))
        try:
            ok = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True,
                                timeout=60).returncode == 0
        except OSError:
            ok = False
        if ok:
            plotted.append((png, title))
    cpu = "unknown"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    with open(doc, "w") as f:
        f.write("# Server performance\n\nWritten by `scripts/bench` (`scripts/bench.py`) on %s: "
                "%d CPUs (%s), %s bots, %d s per run plus 1 s per %d bots for the joins, one server and "
                "its arena-bot processes on "
                "loopback; each run plays a whole match (a 3 s warm-up, a match of half the run, a 2 s end "
                "screen, the next match's start), so the mass spawns and a match's end are in the "
                "figures. Regenerate with `scripts/bench`; `--no-docs` leaves this file alone.\n\n"
                % (time.strftime("%Y-%m-%d"), os.cpu_count() or 0, cpu, behaviour, seconds, JOIN_PER_S))
        f.write("How it is measured: the server's CPU (utime + stime from /proc) over the bots' "
                "run, divided by the snapshots it sent; the floor is `arena-udpfloor`, run right "
                "after the server in the same run: one datagram of the server's mean snapshot "
                "size (plus ENet's 16 bytes) to as many loopback receivers at 30 Hz, its CPU per "
                "datagram, measured several times (the median, and the runs' spread). Their ratio "
                "is what the server costs above a bare `sendto`.\n\n")
        f.write(("The server ran at real-time priority (`chrt --fifo --reset-on-fork %d`, as "
                 "docs/operations.md \"Priority\" recommends at this scale). " % rt
                 if any(r.get("rt") for r in results) else
                 "The server ran at the normal scheduling policy. ") +
                "Preempted/s is how often the kernel took its CPU while it could run "
                "(involuntary context switches): a wall overrun with no CPU overrun is one of "
                "those.\n\n")
        f.write("| players | connected | server CPU us / snapshot | floor us / datagram (median) "
                "| floor runs min-max | ratio | tick p50 / p99 / "
                "max (us) | overruns (wall / CPU) | snapshots a tick late | tick CPU p99 / max (us) "
                "| server CPU | RSS peak | B/s per client down | INPUTs/s per client (lead, ticks) "
                "| delivered | disconnects "
                "| preempted/s |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
        for r in results:
            s, b = r["s"], r["b"]
            per, fl, ratio = per_snapshot(r)
            f.write("| %d | %s | %.1f | %s | %s | %s | %d / %d / %d | %d / %s | %s | %s / %s "
                    "| %.0f %% | %.1f MB | %.0f | %s | %.1f %% | %d | %.0f |\n" % (
                        r["bots"], b.get("connected", "n/a"), per, "%.1f" % fl if fl else "n/a",
                        floor_spread(r), ratio, s["tick_us_p50"],
                        s["tick_us_p99"], s["tick_us_max"], s["tick_overruns"],
                        s.get("tick_overruns_cpu", "n/a"), s.get("snapshots_deferred", "n/a"),
                        s.get("tick_cpu_us_p99", "n/a"),
                        s.get("tick_cpu_us_max", "n/a"), r["cpu"],
                        s["rss_kb_peak"] / 1024.0, b.get("bytes_down_per_bot_per_s", 0),
                        inputs_cell(b), delivered(r), b.get("disconnects", 0),
                        r.get("preempt_s", 0)))
        if chat:
            f.write("\n%s\n\n%s\n" % (CHAT_TEXT, "\n".join(chat_lines(*chat))))
        for n, why in failed:
            f.write("\nThe %d-player run did not run: %s.\n" % (n, why))
        f.write("\nThe data behind the plots: [perf/bench.dat](perf/bench.dat).\n")
        for png, title in plotted:
            f.write("\n![%s](perf/%s)\n" % (title, png))
        if not plotted:
            f.write("\n(No plots: gnuplot was not found or failed.)\n")
    print("\nwrote %s and %d plots in %s" % (doc, len(plotted), out_dir), file=sys.stderr)


# arena-bot joins about this many bots a second on the bench machine (connects never leave more
# than 10 bots not logged in): each run gets this much longer, so its steady part is not only
# the joins (at 1000 bots and 12 s, only 572 had joined before this).
JOIN_PER_S = 40


def run_seconds(bots, seconds):
    return seconds + bots // JOIN_PER_S


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bin", default="build/bin")
    ap.add_argument("--map", default="assets/arena.map")
    ap.add_argument("--seconds", type=int, default=int(os.environ.get("ARENA_BENCH_SECONDS", 20)))
    ap.add_argument("--sizes", default="16,64,256,512,1000")
    ap.add_argument("--behaviour", default="load",
                    help="arena-bot --behaviour: load (default) is the light client path, which "
                    "still decodes and acknowledges every snapshot; wander is the full one")
    ap.add_argument("--bot-nice", type=int, default=10,
                    help="niceness of the arena-bot processes (0: none): on a 2-core machine the "
                    "bots otherwise take the server's core and the bench measures the scheduler")
    ap.add_argument("--bots-per-proc", type=int, default=250,
                    help="arena-bot processes get at most this many bots each")
    ap.add_argument("--floor-runs", type=int, default=3,
                    help="times the sendto floor is measured per size (the median is used; the "
                    "runs share the run's --seconds)")
    ap.add_argument("--server-rt", type=int, default=10,
                    help="run the server at this SCHED_FIFO priority with chrt, as docs/operations.md "
                         "\"Priority\" recommends at scale (0: the normal policy; then a 2-core machine's scheduler "
                         "preempts it for the bots and turns long ticks into wall overruns)")
    ap.add_argument("--server-set", action="append", default=[], metavar="KEY=VALUE",
                    help="an arena-server setting for every run (repeatable), e.g. view_max=512 "
                         "to give the server more work per snapshot than this machine's "
                         "defaults do; implies --no-docs")
    ap.add_argument("--chat-bots", type=int, default=-1,
                    help="one more run of this many bots, chatting, compared with the run of "
                         "that size (default: the largest size; 0: none)")
    ap.add_argument("--chat-every", type=int, default=10,
                    help="seconds between two lines of one bot in the chat run")
    ap.add_argument("--docs", default="docs/perf.md", help="where to write the report")
    ap.add_argument("--no-docs", action="store_true", help="do not write docs/perf.md")
    args = ap.parse_args()
    if args.floor_runs < 1:
        ap.error("--floor-runs must be at least 1")
    sizes = [int(x) for x in args.sizes.split(",")]
    results, failed = [], []
    rt = rt_prefix(args.server_rt)
    with tempfile.TemporaryDirectory() as work:
        for n in sizes:
            secs = run_seconds(n, args.seconds)
            print("running %d bots for %d s ..." % (n, secs), file=sys.stderr)
            procs = max(1, -(-n // max(args.bots_per_proc, 1)))
            try:
                r = run(args.bin, args.map, n, secs, "true", args.behaviour, work, procs,
                        args.bot_nice, rt, args.server_set)
            except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as e:
                failed.append((n, str(e)))
                continue
            r["procs"] = procs
            r["seconds"] = secs
            sent = max(r["s"].get("snapshots_sent", 0), 1)
            size = int(r["s"].get("snapshot_bytes", 0) / sent) + WIRE_OVERHEAD
            print("  the sendto floor: %d receivers, %d B ..." % (n, size), file=sys.stderr)
            r["floor"] = floor(args.bin, n, max(1, min(size, 1200)),
                               max(2, args.seconds // args.floor_runs), args.floor_runs)
            results.append(r)
        chat_n = max(sizes) if args.chat_bots < 0 else args.chat_bots
        chat_base = next((r for r in results if r["bots"] == chat_n), None)
        chat = None
        if chat_n > 0 and chat_base:
            print("running %d bots chatting ..." % chat_n, file=sys.stderr)
            try:
                c = run(args.bin, args.map, chat_n, chat_base["seconds"], "true", args.behaviour,
                        work, chat_base["procs"], args.bot_nice, rt, args.server_set,
                        max(args.chat_every, 1))
                c["procs"], c["seconds"] = chat_base["procs"], chat_base["seconds"]
                chat = (c, chat_base)
            except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as e:
                failed.append((chat_n, "chat: " + str(e)))
        print("running 16 bots without delta compression ...", file=sys.stderr)
        nodelta = run(args.bin, args.map, 16, args.seconds, "false", args.behaviour, work, 1,
                      args.bot_nice, rt, args.server_set)
    print("\n### arena-server on loopback (%s bots, %d s each plus 1 s per %d bots; a whole match "
          "in each run)\n" % (args.behaviour, args.seconds, JOIN_PER_S))
    print("| bots | tick p50 / p99 / max (us) | overruns (wall / CPU) | snapshots a tick late "
          "| server CPU | server peak RSS | B/s per client down / up "
          "| snapshot mean / max datagram (B) | snapshots delivered | RTT p99 (ms) | disconnects "
          "| ENet allocs in ticks |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results + [nodelta]:
        print(row(r))
    print_floor(results, args.seconds)
    if chat:
        print("\n### Chat\n\n" + "\n".join(chat_lines(*chat)))
    if not args.no_docs and not args.server_set and results:
        who = args.behaviour + (" (arena-bot at nice %d)" % args.bot_nice if args.bot_nice > 0 else "")
        write_perf_doc(results, args.seconds, who, args.docs, failed, args.server_rt, chat)
    for n, why in failed:
        print("\nERROR: the %d-player run did not run: %s" % (n, why))
    base = next((r for r in results if r["bots"] == 16), None)
    if base:
        d = base["b"].get("bytes_down_per_bot_per_s", 0)
        nd = nodelta["b"].get("bytes_down_per_bot_per_s", 0)
        print("\nDelta compression, 16 bots: %.0f B/s per client down with delta, %.0f without:"
              " delta uses %.0f %% of the bandwidth (ratio %.2fx)." % (
                  d, nd, 100.0 * d / nd if nd else 0, nd / d if d else 0))
    print("\n" + TARGETS)
    bad = [r for r in results + [nodelta] + ([chat[0]] if chat else []) if r["bot_rc"] != 0] + failed
    for r in bad:
        if isinstance(r, dict):
            print("\nWARNING: arena-bot exited %d for %d bots" % (r["bot_rc"], r["bots"]))
    print("\nSnapshot codec (arena-codec-bench):\n", flush=True)
    cb = subprocess.run([os.path.join(args.bin, "arena-codec-bench")])
    return 1 if bad or cb.returncode != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
