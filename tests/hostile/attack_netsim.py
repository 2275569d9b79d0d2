#!/usr/bin/env python3
"""attack_netsim.py — arena-netsim's sockets are an input path: anyone on the machine can
send to the relay's port. For ~4 s, 240 source addresses (127.77.x.y) send small datagrams
(each would need a client-table entry) and oversize ones (1501..60000 bytes, past any MTU),
and 40 TCP connections are opened and held, against a relay with --max-clients 8 and
--tcp-max 16 in front of a real arena-server with 2 legitimate bots playing through it.

Asserts: the legit bots stay in (0 disconnects, 0 decode errors, chat delivered, snapshots
keep coming), the relay's table never holds more than --max-clients (clients_peak), the
addresses that found it full are counted (clients_refused), the oversize datagrams are
counted as MTU drops and never forwarded, the extra TCP connections are refused and counted,
the relay's RSS stays within its bound (idle + the table's worst case + slack), and after
the flood a new player joins through the relay and plays. The relay exits 0 on SIGTERM with
its stats file and no sanitizer report."""
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness as H  # noqa: E402

FLOOD_S = 4.0
ADDRS = ["127.77.%d.%d" % (i // 200, 1 + i % 200) for i in range(240)]
MAX_CLIENTS, SLOTS, TCP_MAX, TCP_FLOOD = 8, 256, 16, 40
SLOT_KB = 1.6  # an NsPending: 1500 bytes of data and its header


class Via:
    """The relay seen as a server by H.Bots: its port, the real server's log."""

    def __init__(self, server, port):
        self.server, self.port, self.tag = server, port, "relay"

    def log_text(self):
        return self.server.log_text()


def start_relay(ctx, srv):
    port = H.free_port()
    stats = os.path.join(ctx.tmp, "netsim.json")
    log_path = os.path.join(ctx.tmp, "netsim.log")
    logf = open(log_path, "w")
    proc = ctx.spawn([ctx.bin("arena-netsim"), "--listen", "%s:%d" % (H.LOCAL, port), "--to",
                      "%s:%d" % (H.LOCAL, srv.port), "--profile", "lan", "--max-clients",
                      str(MAX_CLIENTS), "--slots", str(SLOTS), "--tcp-max", str(TCP_MAX),
                      "--stats-json", stats, "--duration", "55"],
                     stdout=logf, stderr=subprocess.STDOUT)
    deadline = H.now() + 10
    while H.now() < deadline and proc.poll() is None:
        with open(log_path) as f:
            if "relaying" in f.read():
                break
        time.sleep(0.05)
    return proc, port, stats, log_path


def flood(ctx, port):
    """Small and oversize datagrams from every address, as fast as Python can, and TCP
    connections held open. Returns (small sent, oversize sent, tcp connections made)."""
    rng = random.Random(0x4E5)
    sw = H.Swarm(ADDRS, rcvbuf=1 << 16)
    dst = (H.LOCAL, port)
    small = big = 0
    big_pool = [os.urandom(n) for n in (1501, 4000, 20000, 60000)]
    held = []
    for _ in range(TCP_FLOOD):
        try:
            held.append(socket.create_connection(dst, 2))
        except OSError:
            break
    end = H.now() + FLOOD_S
    while H.now() < end:
        for i in range(len(ADDRS)):
            if sw.send(i, os.urandom(rng.randint(1, 200)), dst):
                small += 1
            if i % 4 == 0 and sw.send(i, big_pool[i // 4 % len(big_pool)], dst):
                big += 1
        sw.drain(0)
    sw.close()
    for s in held:
        s.close()
    return small, big, len(held)


def body(ctx):
    if not ctx.have("arena-netsim"):
        ctx.check("arena-netsim built", False, ctx.bin("arena-netsim"))
        return
    srv = H.Server(ctx, tag="srv")
    srv.start()
    relay, port, stats_path, log_path = start_relay(ctx, srv)
    if not ctx.check("relay started", relay.poll() is None):
        return
    rss = H.RssSampler(relay.pid)
    rss.start()
    time.sleep(0.3)
    idle_kb = rss.last() or 0
    via = Via(srv, port)
    bots = H.Bots(ctx, via, 2, seconds=FLOOD_S + 5, prefix="legit").start()
    ctx.check("legit bots in through the relay", bots.wait_playing(10.0) is not None)
    small, big, held = flood(ctx, port)
    ctx.row["sent"] = "%d small + %d oversize datagrams from %d addresses, %d TCP" % (
        small, big, len(ADDRS), held)
    # The flood's entries were never answered by the server: forgotten after 5 s of silence.
    time.sleep(5.5)
    late = H.Bots(ctx, via, 1, seconds=3, prefix="late").start()
    ctx.check("a new player joins through the relay after the flood",
              late.wait_playing(10.0) is not None)
    res, late_res = bots.wait(), late.wait()
    for name, r, n in (("legit", res, 2), ("late", late_res, 1)):
        ok = r is not None and r["connected"] == n and r["disconnects"] == 0
        ctx.check("%s bots connected, 0 disconnects" % name, ok, r and {
            k: r[k] for k in ("connected", "disconnects", "snapshot_rate_hz")})
        ctx.check("%s bots: 0 decode errors" % name, r is not None and r["decode_errors"] == 0)
    ctx.check("legit bots kept getting snapshots", res is not None and
              res["snapshot_rate_hz"] >= 20.0, res and res["snapshot_rate_hz"])
    peak_kb = rss.peak() or 0
    rss.stop()
    relay.send_signal(signal.SIGTERM)
    try:
        rc = relay.wait(10)
    except subprocess.TimeoutExpired:
        rc = None
    ctx.check("relay exits 0 on SIGTERM", rc == 0, rc)
    with open(log_path) as f:
        text = f.read()
    ctx.check("no sanitizer report from the relay",
              not any(p in text for p in H.SANITIZER_PATTERNS))
    try:
        with open(stats_path) as f:
            st = json.load(f)
    except (OSError, ValueError) as e:
        ctx.check("relay stats file", False, e)
        return
    udp, tcp, up = st["udp"], st["tcp"], st["up"]
    ctx.check("client table bounded", udp["clients_peak"] <= MAX_CLIENTS, udp)
    ctx.check("full table: datagrams refused and counted", udp["clients_refused"] > 0, udp)
    ctx.check("oversize datagrams counted as MTU drops", up["dropped_mtu"] >= big * 0.5,
              "%d dropped_mtu of %d sent" % (up["dropped_mtu"], big))
    down = st["down"]
    ctx.check("nothing oversize forwarded", up["bytes_out"] <= up["datagrams_out"] * 1500)
    ctx.check("extra TCP connections refused and counted", tcp["refused"] >= held - TCP_MAX - 3,
              tcp)
    bound_kb = idle_kb + MAX_CLIENTS * 2 * SLOTS * SLOT_KB + 16 * H.MB
    ctx.check("relay RSS bounded", peak_kb <= bound_kb,
              "peak %d kB, idle %d kB, bound %d kB" % (peak_kb, idle_kb, bound_kb))
    ctx.row["server"] = "refused %d, dropped_mtu %d, peak clients %d, tcp refused %d" % (
        udp["clients_refused"], up["dropped_mtu"], udp["clients_peak"], tcp["refused"])
    ctx.row["legit"] = "%s Hz, down %d datagrams" % (
        res and res["snapshot_rate_hz"], down["datagrams_out"])
    ctx.row["rss"] = "%d -> %d kB" % (idle_kb, peak_kb)
    srv.stop()


if __name__ == "__main__":
    H.main("netsim", __doc__.splitlines()[0], body)
