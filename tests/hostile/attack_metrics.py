#!/usr/bin/env python3
"""attack_metrics.py — the Prometheus endpoint (metrics_port, on its default metrics_bind
127.0.0.1) against hostile HTTP clients while a game runs. For 6 s at once: a slowloris (8
addresses x 4 connections, one header byte every 200 ms, never finished), two hoarders that
open connections as fast as they can and hold them, and junk (a TLS hello, binary bytes, a
40 KB header, request lines without a version, POST/PUT/DELETE, other paths, a 1 MB body).
Meanwhile a scraper on another address scrapes every 250 ms, as Prometheus would.

Asserts: the game does not notice (the suite's legit checks: 30 Hz, no gap over 250 ms, every
chat line); every scrape is answered 200 within 1 s with ticks that move on; what the endpoint
refused is counted (metrics_refused, metrics_unanswered, metrics_bad_request at least the junk
that reached it); the server's RSS stays bounded; after the attack a scrape still works."""
import socket
import sys
import threading
import time
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness as H  # noqa: E402

ATTACK_S = 6.0
SCRAPE_EVERY_S = 0.25
SCRAPE_MAX_S = 1.0
BAD_METHODS_PATHS = [b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
                     b"PUT /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
                     b"DELETE /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
                     b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
                     b"GET /metrics/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
                     b"GET /admin HTTP/1.0\r\n\r\n"]
JUNK = [b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)),
        bytes(range(256)) * 4,
        b"GET /metrics HTTP/1.1\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n",
        b"GET /metrics\r\n\r\n",
        b"\r\n\r\n\r\n",
        b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n" + b"z" * 65536]


def connect(src, port, timeout=2.0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((src, 0))
    s.connect((H.LOCAL, port))
    return s


def exchange(src, port, data):
    """Sends data, returns what came back until EOF or 2 s."""
    try:
        s = connect(src, port)
        s.sendall(data)
        out = b""
        end = H.now() + 2.0
        while H.now() < end:
            d = s.recv(65536)
            if not d:
                break
            out += d
        s.close()
        return out
    except OSError:
        return None


class Slowloris(threading.Thread):
    def __init__(self, port, until):
        super().__init__(daemon=True)
        self.port, self.until, self.opened, self.cut = port, until, 0, 0

    def run(self):
        socks = []
        for a in range(8):
            for _ in range(4):
                try:
                    s = connect("127.0.0.%d" % (20 + a), self.port)
                    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                    socks.append(s)
                    self.opened += 1
                except OSError:
                    pass
        while H.now() < self.until and socks:
            for s in list(socks):
                try:
                    s.sendall(b"a")
                except OSError:
                    socks.remove(s)
                    self.cut += 1
            time.sleep(0.2)
        for s in socks:
            s.close()


class Hoarder(threading.Thread):
    def __init__(self, src, port, until):
        super().__init__(daemon=True)
        self.src, self.port, self.until, self.opened = src, port, until, 0

    def run(self):
        held = []
        while H.now() < self.until and self.opened < 3000:
            try:
                s = connect(self.src, self.port, timeout=0.5)
                s.sendall(b"GET /met")
                held.append(s)
                self.opened += 1
            except OSError:
                pass
            if len(held) > 64:
                held.pop(0).close()
            time.sleep(0.003)
        for s in held:
            s.close()


class Scraper(threading.Thread):
    def __init__(self, port, until):
        super().__init__(daemon=True)
        self.port, self.until = port, until
        self.ok, self.failed, self.slowest, self.ticks = 0, [], 0.0, []

    def run(self):
        while H.now() < self.until:
            t0 = H.now()
            try:
                with urllib.request.urlopen("http://%s:%d/metrics" % (H.LOCAL, self.port),
                                            timeout=3) as r:
                    text = r.read().decode()
                dt = H.now() - t0
                self.slowest = max(self.slowest, dt)
                for line in text.splitlines():
                    if line.startswith("arena_ticks_total "):
                        self.ticks.append(float(line.split()[1]))
                if dt <= SCRAPE_MAX_S:
                    self.ok += 1
                else:
                    self.failed.append("took %.2f s" % dt)
            except OSError as e:
                self.failed.append(str(e))
            time.sleep(max(0.0, SCRAPE_EVERY_S - (H.now() - t0)))


def body(ctx):
    mport = H.free_port(tcp_too=True)
    sc = H.Scenario(ctx, bot_seconds=9.0, sets={"metrics_port": str(mport)}).start()
    srv = sc.server
    ctx.check("metrics endpoint answers before the attack",
              exchange("127.0.0.99", mport, b"GET /metrics HTTP/1.0\r\n\r\n") is not None)
    sc.begin_attack()
    until = H.now() + ATTACK_S
    scraper = Scraper(mport, until)
    loris = Slowloris(mport, until)
    hoarders = [Hoarder("127.0.0.%d" % (40 + i), mport, until) for i in range(2)]
    for t in [loris, scraper] + hoarders:
        t.start()
    answers = {}
    for i, req in enumerate(BAD_METHODS_PATHS * 5):
        out = exchange("127.0.0.%d" % (60 + i % 8), mport, req)
        code = out.split(b" ", 2)[1].decode() if out and out.startswith(b"HTTP/") else "none"
        answers[code] = answers.get(code, 0) + 1
    junk = {}
    for i, req in enumerate(JUNK * 3):
        out = exchange("127.0.0.%d" % (70 + i % 8), mport, req)
        code = out.split(b" ", 2)[1].decode() if out and out.startswith(b"HTTP/") else "none"
        junk[code] = junk.get(code, 0) + 1
    for t in [loris, scraper] + hoarders:
        t.join(ATTACK_S + 5)
    sc.end_attack()
    after = exchange("127.0.0.98", mport, b"GET /metrics HTTP/1.0\r\n\r\n") or b""
    ctx.check("a scrape after the attack is answered 200", after.startswith(b"HTTP/1.1 200"),
              after[:60])
    bad_sent = len(BAD_METHODS_PATHS) * 5
    ctx.check("every wrong method or path answered 404/405, never the metrics",
              sum(answers.get(c, 0) for c in ("404", "405")) == bad_sent, answers)
    ctx.check("junk never answered 200", "200" not in junk, junk)
    ctx.check("the scraper: every scrape answered 200 within %.0f s" % SCRAPE_MAX_S,
              scraper.ok >= int(ATTACK_S / SCRAPE_EVERY_S) - 2 and not scraper.failed,
              "%d ok, failed %s, slowest %.3f s" % (scraper.ok, scraper.failed[:3],
                                                    scraper.slowest))
    ctx.check("the scraper saw the game tick on", len(scraper.ticks) >= 2 and
              scraper.ticks[-1] - scraper.ticks[0] >= 60 * (ATTACK_S - 2),
              "arena_ticks_total %s" % (scraper.ticks[:1] + scraper.ticks[-1:]))
    final = sc.finish()
    d = {k: H.stat_delta(sc.before_stats, final, k) for k in
         ("metrics_refused", "metrics_unanswered", "metrics_bad_request")}
    ctx.check("refusals counted: metrics_refused > 0", (d["metrics_refused"] or 0) > 0, d)
    ctx.check("every slowloris connection counted: refused at accept or closed unanswered",
              (d["metrics_unanswered"] or 0) + (d["metrics_refused"] or 0) >= loris.opened and
              (d["metrics_unanswered"] or 0) > 0, "%s, slowloris %d" % (d, loris.opened))
    ctx.check("wrong requests counted: metrics_bad_request >= %d" % bad_sent,
              (d["metrics_bad_request"] or 0) >= bad_sent, d)
    ctx.row["sent"] = ("%.0f s: slowloris %d conns from 8 addresses, 2 hoarders %d conns, %d "
                       "wrong method/path, %d junk (TLS, binary, 40 KB header, 1 MB body)" %
                       (ATTACK_S, loris.opened, sum(h.opened for h in hoarders), bad_sent,
                        len(JUNK) * 3))
    ctx.row["server"] = ("scraper %d/%d ok, slowest %.3f s; answers %s, junk %s; %s" %
                         (scraper.ok, scraper.ok + len(scraper.failed), scraper.slowest,
                          answers, junk, ", ".join("%s %s" % kv for kv in d.items())))
    ctx.row["amplification"] = "n/a (TCP)"


if __name__ == "__main__":
    H.main("metrics", __doc__, body)
