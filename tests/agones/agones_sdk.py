#!/usr/bin/env python3
"""agones_sdk.py ARENA_SERVER ARENA_BOT MAP — arena-server under a stand-in of the Agones SDK
sidecar (sdk_standin.py: not Agones; docs/deploy/README.md says what it checks).

1. The sidecar starts after the server (Agones allows it): the server's first call fails, is
   logged once, retried, and it recovers without a restart.
2. Before Ready: the labels (arena-map as a valid label value, arena-protocol), the annotation
   with the map's name, and the players counter's capacity = max_players; then Ready.
3. Health every agones_health_s while the loop runs.
4. Players in: the players counter follows them (3 bots: count 3, then 0 when they leave).
5. An allocation (as the controller would make): the server sees Allocated, and at the end of
   the match (agones_shutdown_after_match) it asks for Shutdown.
6. A sidecar that hangs for 3 s and then fails with 500s: the game never notices (the bots'
   snapshots at >= 29 Hz, no gap over 250 ms), the failure is logged once and the recovery.
7. A fleet without the players counter (the sidecar answers 500, as Agones does): Ready does
   not wait for it, it is given up after at most 3 tries, logged; and players are
   told the port the GameServer's status.ports gives (the node's), not the container's.
The server exits 0 on SIGTERM each time. Waits for the stand-in's log, bounded."""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
with open(os.path.join(HERE, "..", "..", "shared", "protocol.h")) as _f:
    PROTO_VERSION = int(re.search(r"PROTO_VERSION = (\d+),", _f.read()).group(1))
from ports import free_port  # noqa: E402


def fail(msg, log=None):
    print("agones_sdk: FAIL: " + msg, file=sys.stderr)
    if log and os.path.exists(log):
        print("---- server log ----\n" + open(log).read()[-4000:], file=sys.stderr)
    sys.exit(1)




class Sidecar:
    def __init__(self, port, counters, game_port):
        self.port = port
        cmd = [sys.executable, os.path.join(HERE, "sdk_standin.py"), "--port", str(port),
               "--game-port", str(game_port)]
        for c in counters:
            cmd += ["--counter", c]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if not self.proc.stdout.readline().startswith(b"sdk-standin on"):
            fail("the stand-in did not start")

    def call(self, path, body=None):
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path),
                                     data=None if body is None else json.dumps(body).encode(),
                                     method="GET" if body is None else "POST")
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.loads(r.read() or b"{}")

    def log(self):
        return self.call("/_standin/log")

    def wait(self, pred, timeout, what, log=None):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            st = self.log()
            if pred(st):
                return st
            time.sleep(0.1)
        fail("no %s within %.0f s; calls: %s" % (what, timeout,
                                                 [(c["method"], c["path"])
                                                  for c in self.log()["calls"][-12:]]), log)

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def calls(st, method, path):
    return [c for c in st["calls"] if c["method"] == method and c["path"] == path]


def start_server(server, mapfile, tmp, sdk_port, sets):
    port = free_port()
    log = os.path.join(tmp, "server-%d.log" % port)
    cmd = [server, "--port", str(port), "--map", mapfile, "--data-dir", os.path.join(tmp, "d"),
           "--set", "bind=127.0.0.1", "--set", "discovery_port=0", "--set", "agones_health_s=1"]
    for s in sets:
        cmd += ["--set", s]
    env = dict(os.environ, AGONES_SDK_HTTP_PORT=str(sdk_port))
    p = subprocess.Popen(cmd, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    return p, port, log


def stop_server(p, log):
    p.terminate()
    try:
        rc = p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        fail("the server did not stop within 10 s of SIGTERM", log)
    if rc != 0:
        fail("the server exited %s" % rc, log)
    if "ERROR: AddressSanitizer" in open(log).read() or "runtime error:" in open(log).read():
        fail("sanitizer report", log)


def main_run(server, bot, mapfile, tmp):
    sdk_port = free_port()
    srv, port, log = start_server(server, mapfile, tmp, sdk_port,
                                  ["warmup_s=1", "time_limit_s=5", "end_screen_s=2",
                                   "max_players=32", "agones_shutdown_after_match=true"])
    # 1. The sidecar comes up after the server.
    end = time.monotonic() + 10
    while "the SDK sidecar does not answer" not in open(log).read():
        if time.monotonic() > end or srv.poll() is not None:
            fail("no logged failure while the sidecar was not there", log)
        time.sleep(0.05)
    sc = Sidecar(sdk_port, ["players=1000"], port)  # players reach it where it listens
    try:
        st = sc.wait(lambda s: calls(s, "POST", "/ready"), 15, "POST /ready", log)
        # 2. Labels, annotation, capacity before Ready.
        ready_t = calls(st, "POST", "/ready")[0]["t"]
        ready_i = next(i for i, c in enumerate(st["calls"]) if c["path"] == "/ready")
        before = st["calls"][:ready_i]
        labels = {c["body"]["key"]: c["body"]["value"] for c in before
                  if c["path"] == "/metadata/label"}
        notes = {c["body"]["key"]: c["body"]["value"] for c in before
                 if c["path"] == "/metadata/annotation"}
        caps = [c["body"] for c in before if c["path"] == "/v1beta1/counters/players"]
        if labels != {"arena-map": "Road-to-Localhost", "arena-protocol": str(PROTO_VERSION)}:
            fail("labels before Ready: %s" % labels, log)
        if notes != {"arena-map-name": "Road to Localhost"}:
            fail("annotations before Ready: %s" % notes, log)
        if caps != [{"capacity": 32}]:
            fail("players counter capacity before Ready: %s" % caps, log)
        if open(log).read().count("the SDK sidecar does not answer") != 1 or \
                "the SDK sidecar answers again" not in open(log).read():
            fail("the missing sidecar: not logged once, or its recovery not logged", log)
        # 3. Health every second while the loop runs.
        st = sc.wait(lambda s: len([c for c in calls(s, "POST", "/health")
                                    if c["t"] > ready_t]) >= 3, 6, "3 Health calls", log)
        hs = [c["t"] for c in calls(st, "POST", "/health") if c["t"] > ready_t]
        gaps = [b - a for a, b in zip(hs, hs[1:])]
        if not all(0.5 <= g <= 2.5 for g in gaps):
            fail("Health gaps %s for agones_health_s=1" % gaps, log)
        # 4. Players in: the counter follows.
        bots = subprocess.Popen([bot, "--server", "127.0.0.1:%d" % port, "--count", "3",
                                 "--seconds", "11", "--json", os.path.join(tmp, "bots.json")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sc.wait(lambda s: s["counters"]["players"]["count"] == 3, 10, "players count 3", log)
        # 5. Allocated by the "controller": seen, then Shutdown at the match's end.
        sc.call("/_standin/allocate", {})
        end = time.monotonic() + 8
        while "GameServer state: Allocated" not in open(log).read():
            if time.monotonic() > end:
                fail("the server never saw Allocated", log)
            time.sleep(0.1)
        # 6. While the match runs: the sidecar hangs, then fails; the game goes on.
        sc.call("/_standin/mode", {"mode": "hang"})
        time.sleep(3)
        sc.call("/_standin/mode", {"mode": "fail"})
        end = time.monotonic() + 6
        while "failed (an error answer)" not in open(log).read():
            if time.monotonic() > end:
                fail("no error answer logged while the sidecar answered 500", log)
            time.sleep(0.05)
        sc.call("/_standin/mode", {"mode": "ok"})
        st = sc.wait(lambda s: calls(s, "POST", "/shutdown"), 15, "POST /shutdown", log)
        if "the allocated match is over, its end screen too: asking Agones for Shutdown" \
                not in open(log).read():
            fail("Shutdown without the match's end logged", log)
        if bots.wait(40) != 0:
            fail("the bots failed", log)
        b = json.load(open(os.path.join(tmp, "bots.json")))
        if b["connected"] != 3 or b["disconnects"] != 0 or b["snapshot_rate_hz_min"] < 29 or \
                b["snapshot_gap_ms_max"] > 250:
            fail("the game noticed the sidecar: %s" % {k: b[k] for k in (
                "connected", "disconnects", "snapshot_rate_hz_min", "snapshot_gap_ms_max")}, log)
        end = time.monotonic() + 12
        while time.monotonic() < end:  # every call that failed works again
            text = open(log).read()
            if text.count("works again") >= text.count("failed (an error answer)"):
                break
            time.sleep(0.05)
        text = open(log).read()
        errs = text.count("failed (an error answer)")
        if text.count("the SDK sidecar does not answer") != 2 or \
                text.count("the SDK sidecar answers again") != 2 or errs < 1 or \
                text.count("works again") != errs:
            fail("a silent sidecar (at start, hung) must be logged once each time with its "
                 "recovery, and each call's error answers once with its recovery", log)
        sc.wait(lambda s: s["counters"]["players"]["count"] == 0, 10, "players count 0", log)
        stop_server(srv, log)
        return b
    finally:
        if srv.poll() is None:
            srv.kill()
        sc.stop()


def ok_line(port):
    c = socket.create_connection(("127.0.0.1", port), 2.0)
    c.settimeout(3.0)
    f = c.makefile("rwb")
    f.readline()  # HELLO
    f.write(b"LOGIN porter\n")
    f.flush()
    line = f.readline().decode().strip()
    c.close()
    return line


def no_counter_run(server, mapfile, tmp):
    sdk_port = free_port()
    sc = Sidecar(sdk_port, [], 40001)  # the node's port, mapped to the container's
    srv, port, log = start_server(server, mapfile, tmp, sdk_port, [])
    try:
        sc.wait(lambda s: calls(s, "POST", "/ready"), 15, "POST /ready (no counter)", log)
        ok = ok_line(port)
        if " udp=40001 " not in ok:
            fail("players must be told the port Agones gives (status.ports): %r" % ok, log)
        time.sleep(1.5)
        st = sc.log()
        tries = [c for c in st["calls"] if c["path"].startswith("/v1beta1/counters/")]
        ready_i = next(i for i, c in enumerate(st["calls"]) if c["path"] == "/ready")
        first_try = next(i for i, c in enumerate(st["calls"])
                         if c["path"].startswith("/v1beta1/counters/"))
        if not 1 <= len(tries) <= 3 or "defines no \"players\" counter" not in open(log).read():
            fail("without a players counter: %d counter calls (want 1 to 3), logged %s" %
                 (len(tries), "defines no" in open(log).read()), log)
        if first_try > ready_i or any(c["path"] == "/ready" for c in st["calls"][:first_try]):
            fail("Ready must come after one try of the counter", log)
        stop_server(srv, log)
    finally:
        if srv.poll() is None:
            srv.kill()
        sc.stop()


def main():
    server, bot, mapfile = sys.argv[1:4]
    tmp = tempfile.mkdtemp(prefix="agones_")
    try:
        b = main_run(server, bot, mapfile, tmp)
        no_counter_run(server, mapfile, tmp)
    finally:
        subprocess.run(["rm", "-rf", tmp])
    print("agones_sdk: ok: sidecar late, labels+capacity before Ready, Health each second, "
          "players counter 3 -> 0, Allocated seen, Shutdown after the match; through a hung "
          "and failing sidecar the bots kept %.1f Hz (gap max %s ms); no counter: one 404; "
          "OK tells the node's port" %
          (b["snapshot_rate_hz_min"], b["snapshot_gap_ms_max"]))


if __name__ == "__main__":
    main()
