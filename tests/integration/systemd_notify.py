#!/usr/bin/env python3
"""systemd_notify.py ARENA_SERVER ARENA_BOT MAP — the service manager's side of arena-server,
against a real NOTIFY_SOCKET this test binds (what systemd gives a Type=notify service).

Checks, from the datagrams and their sender credentials (NotifyAccess=main: every one must
come from the server's own pid): READY=1 comes first, and only once the login port answers
HELLO; WATCHDOG=1 comes at half of WATCHDOG_USEC, never a gap over the whole period (systemd
would kill the service); STATUS= tells the players in; SIGHUP says RELOADING=1 then READY=1,
applies a live setting (the name, seen in STATUS= and in HELLO) and keeps one that needs a
restart (max_players, logged); a config file with an error is refused whole (the old name
stays); SIGTERM says STOPPING=1 and the server exits 0. Waits for datagrams, bounded."""
import os
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ports import free_port  # noqa: E402

WATCHDOG_USEC = 2000000  # pings every second: a gap must stay under the 2 s period


def fail(msg, log=None):
    print("systemd_notify: FAIL: " + msg, file=sys.stderr)
    if log:
        print("---- server log ----\n" + open(log).read()[-3000:], file=sys.stderr)
    sys.exit(1)




def hello(port):
    try:
        c = socket.create_connection(("127.0.0.1", port), 1.0)
        c.settimeout(2.0)
        line = c.makefile("rb").readline().decode()
        c.close()
        return line.strip()
    except OSError:
        return None


class Notify:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self.seen = []  # (time, pid, fields)

    def next(self, timeout):
        self.sock.settimeout(timeout)
        try:
            msg, anc, _, _ = self.sock.recvmsg(4096, socket.CMSG_SPACE(12))
        except socket.timeout:
            return None
        pid = None
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid = int.from_bytes(data[:4], "little")
        fields = dict(l.split("=", 1) for l in msg.decode().split("\n") if "=" in l)
        self.seen.append((time.monotonic(), pid, fields))
        return fields

    def wait(self, pred, timeout, what):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            f = self.next(max(0.01, end - time.monotonic()))
            if f is not None and pred(f):
                return f
        fail("no %s within %.0f s; got %s" % (what, timeout,
                                              [x[2] for x in self.seen[-8:]]))


def main():
    server, bot, mapfile = sys.argv[1:4]
    tmp = tempfile.mkdtemp(prefix="notify_")
    port = free_port()
    conf = os.path.join(tmp, "arena.conf")
    log = os.path.join(tmp, "server.log")
    open(conf, "w").write("name = First\nmax_players = 64\n")
    n = Notify(os.path.join(tmp, "notify"))
    env = dict(os.environ, NOTIFY_SOCKET=os.path.join(tmp, "notify"),
               WATCHDOG_USEC=str(WATCHDOG_USEC))
    env.pop("WATCHDOG_PID", None)
    srv = subprocess.Popen([server, "--config", conf, "--port", str(port), "--map", mapfile,
                            "--data-dir", os.path.join(tmp, "data"), "--set", "bind=127.0.0.1",
                            "--set", "discovery_port=0"], env=env, stdout=open(log, "w"),
                           stderr=subprocess.STDOUT)
    try:
        first = n.next(15)
        if first is None or first.get("READY") != "1":
            fail("first message is not READY=1: %s" % first, log)
        h = hello(port)
        if h is None or not h.startswith("HELLO ") or not h.endswith(" First"):
            fail("READY=1 but the login port does not answer HELLO: %r" % h, log)
        if "0/64 players in 'First'" not in first.get("STATUS", ""):
            fail("STATUS with READY: %r" % first.get("STATUS"), log)
        # The watchdog: pings at half the period, no gap as long as the period.
        t0 = time.monotonic()
        while time.monotonic() < t0 + 4.0:
            n.next(1.0)
        pings = [t for t, _, f in n.seen if f.get("WATCHDOG") == "1"]
        gaps = [b - a for a, b in zip(pings, pings[1:])]
        if len(pings) < 3 or max(gaps) >= WATCHDOG_USEC / 1e6:
            fail("watchdog pings %d in 4 s, largest gap %.3f s (period %.1f s)" %
                 (len(pings), max(gaps or [0]), WATCHDOG_USEC / 1e6), log)
        # Players in: STATUS says so.
        bots = subprocess.Popen([bot, "--server", "127.0.0.1:%d" % port, "--count", "3",
                                 "--seconds", "4"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        n.wait(lambda f: "3/64 players" in f.get("STATUS", ""), 15, "STATUS with 3 players")
        bots.wait(30)
        # SIGHUP: a live setting applied, one that needs a restart kept.
        open(conf, "w").write("name = Second\nmax_players = 10\n")
        srv.send_signal(1)
        n.wait(lambda f: f.get("RELOADING") == "1", 5, "RELOADING=1")
        r = n.wait(lambda f: f.get("READY") == "1", 5, "READY=1 after the reload")
        if "in 'Second'" not in r.get("STATUS", "") or "/64 players" not in r.get("STATUS", ""):
            fail("STATUS after the reload: %r" % r.get("STATUS"), log)
        h = hello(port)
        if h is None or not h.endswith(" Second"):
            fail("HELLO after the reload: %r" % h, log)
        if "max_players: '64' -> '10' needs a restart" not in open(log).read():
            fail("the setting that needs a restart was not logged", log)
        # A config with an error: refused whole.
        open(conf, "w").write("name = Third\nmax_players = many\n")
        srv.send_signal(1)
        n.wait(lambda f: f.get("RELOADING") == "1", 5, "RELOADING=1 (bad file)")
        r = n.wait(lambda f: f.get("READY") == "1", 5, "READY=1 after the refused reload")
        h = hello(port)
        if "in 'Second'" not in r.get("STATUS", "") or h is None or not h.endswith(" Second"):
            fail("a bad config file changed something: STATUS %r, HELLO %r" %
                 (r.get("STATUS"), h), log)
        if "settings refused, nothing changed" not in open(log).read():
            fail("the refused reload was not logged", log)
        srv.terminate()
        n.wait(lambda f: f.get("STOPPING") == "1", 5, "STOPPING=1")
        rc = srv.wait(10)
        if rc != 0:
            fail("exit code %s after SIGTERM" % rc, log)
        bad = [(pid, f) for _, pid, f in n.seen if pid != srv.pid]
        if bad:
            fail("datagrams not from the server's pid %d: %s" % (srv.pid, bad[:3]), log)
        print("systemd_notify: ok: %d datagrams, %d watchdog pings in the first 4 s (largest gap "
              "%.3f s), reload applied and refused as it should" %
              (len(n.seen), len(pings), max(gaps)))
    finally:
        if srv.poll() is None:
            srv.kill()
            srv.wait()
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
