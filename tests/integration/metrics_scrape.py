#!/usr/bin/env python3
"""metrics_scrape.py ARENA_BOT — run by with_server.sh with metrics_port=@METRICS_PORT@.

Scrapes the Prometheus endpoint during a game of 16 bots, as Prometheus would: the text must
pass `promtool check metrics` (Debian's prometheus package) with no complaint, hold every
family the operator's dashboard needs (docs/operations.md "Metrics"), show the players in,
and between two scrapes a second of game apart no counter may go down while the ones a game
moves (ticks, snapshots, bytes) go up; histogram buckets are cumulative up to +Inf = _count.
ARENA_METRICS_OUT=FILE keeps the last scrape. Waits for events (the players in, ticks
counted), bounded in time."""
import json
import os
import re
import subprocess
import sys
import time
import urllib.request

BOTS = 16
NEEDED = [
    "arena_players", "arena_tcp_connections", "arena_enet_peers", "arena_tick_duration_seconds",
    "arena_tick_cpu_seconds", "arena_tick_overruns_total", "arena_snapshots_sent_total",
    "arena_snapshots_dropped_total", "arena_udp_bytes_total", "arena_udp_packets_total",
    "arena_drops_total", "arena_chat_lines_total", "arena_discovery_answers_total",
    "arena_discovery_dropped_total", "arena_tick_heap_allocations_total",
    "process_resident_memory_bytes", "arena_build_info",
]


def fail(msg):
    print("metrics_scrape: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def scrape(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5) as r:
        if r.status != 200:
            fail("status %d" % r.status)
        ctype = r.headers.get("Content-Type", "")
        if not ctype.startswith("text/plain; version=0.0.4"):
            fail("Content-Type %r" % ctype)
        return r.read().decode("utf-8")


def parse(text):
    """{series: value}, {family: type}"""
    samples, types = {}, {}
    for line in text.splitlines():
        m = re.match(r"^# TYPE (\S+) (\S+)$", line)
        if m:
            types[m.group(1)] = m.group(2)
        elif line and not line.startswith("#"):
            series, value = line.rsplit(" ", 1)
            samples[series] = float(value)
    return samples, types


def family_of(series, types):
    name = series.split("{", 1)[0]
    for suffix in ("_bucket", "_sum", "_count"):
        if name.endswith(suffix) and types.get(name[: -len(suffix)]) == "histogram":
            return name[: -len(suffix)]
    return name


def wait_for(port, what, pred, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        s, t = parse(scrape(port))
        if pred(s):
            return s, t
        time.sleep(0.1)
    fail("timed out waiting for " + what)


def main():
    bot, port, work = sys.argv[1], int(os.environ["ARENA_METRICS_PORT"]), os.environ["ARENA_WORK"]
    bots = subprocess.Popen([bot, "--server", "%s:%s" % (os.environ["ARENA_HOST"],
                                                        os.environ["ARENA_PORT"]),
                             "--count", str(BOTS), "--seconds", "8", "--chat-every", "2",
                             "--json", os.path.join(work, "bots.json")],
                            stdout=open(os.path.join(work, "bots.log"), "w"),
                            stderr=subprocess.STDOUT)
    try:
        a, types = wait_for(port, "%d players in arena_players" % BOTS,
                            lambda s: s.get("arena_players") == BOTS, 20)
        text_a = scrape(port)
        a, types = parse(text_a)
        r = subprocess.run(["promtool", "check", "metrics"], input=text_a, capture_output=True,
                           text=True, timeout=30)
        if r.returncode != 0 or r.stdout.strip() or r.stderr.strip():
            fail("promtool check metrics: rc %d: %s%s" % (r.returncode, r.stdout, r.stderr))
        missing = [f for f in NEEDED if f not in types]
        if missing:
            fail("families missing: %s" % missing)
        ticks_a = a["arena_ticks_total"]
        b, _ = wait_for(port, "a second of ticks", lambda s: s["arena_ticks_total"] >= ticks_a + 60
                        and s.get("arena_snapshots_sent_total", 0) >
                        a["arena_snapshots_sent_total"], 10)
        text_b = scrape(port)
        b, types = parse(text_b)
        for series, va in a.items():
            fam = family_of(series, types)
            if types.get(fam) in ("counter", "histogram") and b.get(series, -1) < va:
                fail("%s went down: %s -> %s" % (series, va, b.get(series)))
        for series in ("arena_snapshots_sent_total", 'arena_udp_bytes_total{direction="out"}',
                       'arena_udp_packets_total{direction="in"}',
                       "arena_tick_duration_seconds_count", "arena_loop_wakeups_total"):
            if not b[series] > a[series]:
                fail("%s did not grow: %s -> %s" % (series, a[series], b[series]))
        for h in ("arena_tick_duration_seconds", "arena_tick_cpu_seconds"):
            buckets = sorted(((float(re.search(r'le="([^"]+)"', k).group(1)), v)
                              for k, v in b.items() if k.startswith(h + "_bucket{")))
            counts = [v for _, v in buckets]
            if counts != sorted(counts) or buckets[-1][0] != float("inf") or \
                    counts[-1] != b[h + "_count"]:
                fail("%s buckets not cumulative to _count: %s" % (h, buckets))
        if b["arena_tick_heap_allocations_total"] != 0:
            print("metrics_scrape: note: %d heap allocations in ticks" %
                  b["arena_tick_heap_allocations_total"])
        out = os.environ.get("ARENA_METRICS_OUT")
        if out:
            open(out, "w").write(text_b)
    finally:
        try:
            rc = bots.wait(60)
        except subprocess.TimeoutExpired:
            bots.kill()
            rc = -1
    if rc != 0:
        fail("arena-bot exited with %s: %s" % (rc, open(os.path.join(work, "bots.log")).read()))
    res = json.load(open(os.path.join(work, "bots.json")))
    if res["connected"] != BOTS or res["disconnects"] != 0:
        fail("bots: connected %s, disconnects %s" % (res["connected"], res["disconnects"]))
    print("metrics_scrape: ok: %d families, promtool clean, %d players seen, %d snapshots" %
          (len(types), BOTS, b["arena_snapshots_sent_total"]))


if __name__ == "__main__":
    main()
