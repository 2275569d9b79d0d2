#!/usr/bin/env python3
"""netsim_measure.py NETSIM {loss|latency|tcp} — measures what arena-netsim does.

Starts arena-netsim on free loopback ports in front of a small Python peer (a UDP sink, a
UDP echo, a TCP echo), pushes traffic through it and checks what a user of the relay relies
on, against both what the peer received and the relay's own --stats-json:
  loss     10,000 datagrams through --loss 5: 95 % +- 1 % arrive; the relay's counts agree
           with the receiver's to the datagram; the same seed loses the same datagrams
           again, another seed others.
  shape    --dup 10 --mtu 600: 10 % +- 1.5 % duplicates, nothing over the MTU; --rate 800
           --queue 20000: what passes is paced to the cap, the rest counted as queue drops.
  backpressure  a server that does not read: the client's sends stop within the relay's
           bounded buffer plus the kernels'; then every byte arrives in order.
  latency  --latency 40 --jitter 10 each way: no datagram comes back sooner than the two
           latencies; the mean one-way delay is within [latency, latency + jitter + slack].
  tcp      512 KiB through --tcp-latency 30 --tcp-rate 4000 and back (echo): bytes intact, the
           first round trip >= 2 x 30 ms, the transfer no faster than the rate allows, the
           half-close passed on (the echo sees EOF, the client then sees EOF).
Prints the measured numbers. Timing is asserted only as bounds (a shared, noisy machine can
only make things slower, and the bounds allow for that). Standard library only."""
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

LOCAL = "127.0.0.1"


def free_port():
    """A port free for both TCP and UDP on loopback (the relay uses one number for both)."""
    while True:
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind((LOCAL, 0))
        p = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind((LOCAL, p))
        except OSError:
            t.close()
            continue
        t.close()
        u.close()
        return p


class Relay:
    def __init__(self, netsim, to_port, args):
        self.port = free_port()
        self.work = tempfile.mkdtemp(prefix="netsim-")
        self.stats_path = os.path.join(self.work, "stats.json")
        self.log = open(os.path.join(self.work, "netsim.log"), "w+")
        cmd = [netsim, "--listen", f"{LOCAL}:{self.port}", "--to", f"{LOCAL}:{to_port}",
               "--stats-json", self.stats_path, "--duration", "120"] + args
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while True:  # ready when it accepts TCP (it binds UDP first)
            if self.proc.poll() is not None:
                sys.exit(f"arena-netsim exited at start: {self.output()}")
            try:
                socket.create_connection((LOCAL, self.port), 0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    sys.exit("arena-netsim did not start listening")
                time.sleep(0.05)

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        """SIGTERM; it must exit 0 within 5 s with its stats file. Returns the stats."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            sys.exit("arena-netsim did not stop within 5 s of SIGTERM")
        out = self.output()
        if rc != 0:
            sys.exit(f"arena-netsim exited {rc}: {out}")
        for bad in ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer"):
            if bad in out:
                sys.exit(f"sanitizer report from arena-netsim: {out}")
        with open(self.stats_path) as f:
            return json.load(f)


def udp_socket(port=0):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((LOCAL, port))
    return s


problems = []


def check(ok, what):
    if not ok:
        problems.append(what)


def lose_run(netsim, n, seed):
    """n numbered datagrams from one client through --loss 5 --seed SEED to a sink: the set
    of numbers that arrived, and the relay's stats."""
    sink = udp_socket()
    got = set()
    done = threading.Event()

    def receive():
        sink.settimeout(0.2)
        while not done.is_set():
            try:
                d, _ = sink.recvfrom(2048)
            except socket.timeout:
                continue
            got.add(int.from_bytes(d[:4], "big"))

    th = threading.Thread(target=receive)
    th.start()
    relay = Relay(netsim, sink.getsockname()[1], ["--loss", "5", "--seed", str(seed), "--quiet"])
    c = udp_socket()
    start = time.monotonic()
    for i in range(n):  # paced: ~5000/s, well under what the relay and loopback carry
        c.sendto(i.to_bytes(4, "big") + bytes(60), (LOCAL, relay.port))
        if i % 50 == 49:
            time.sleep(0.01)
    # Wait for the relay to have delivered everything: its count stops moving.
    last, still = -1, 0
    while still < 5 and time.monotonic() - start < 60:
        time.sleep(0.05)
        still = still + 1 if len(got) == last else 0
        last = len(got)
    done.set()
    th.join()
    sink.close()
    c.close()
    return got, relay.stop()


def test_loss(netsim):
    n, seed = 10000, 7
    got, st = lose_run(netsim, n, seed)
    up = st["up"]
    pct = 100.0 * len(got) / n
    print(f"netsim loss: sent {n}, received {len(got)} ({pct:.2f} %), relay in "
          f"{up['datagrams_in']} out {up['datagrams_out']} lost {up['lost']}")
    check(abs(pct - 95.0) <= 1.0, f"{pct:.2f} % arrived, not 95 +- 1 %")
    check(up["datagrams_in"] == n, f"relay saw {up['datagrams_in']} of {n} datagrams")
    check(up["datagrams_out"] == len(got),
          f"relay says {up['datagrams_out']} out, receiver counted {len(got)}")
    check(up["lost"] == n - len(got), f"relay lost {up['lost']} != {n - len(got)}")
    check(up["dropped_mtu"] == 0 and up["dropped_queue"] == 0 and up["duplicated"] == 0,
          "drops or duplicates nobody asked for")
    check(st["udp"]["clients_seen"] == 1, f"clients_seen {st['udp']['clients_seen']}")
    # Deterministic from --seed: the same datagrams lost again; another seed, others.
    n2 = 2000
    a, _ = lose_run(netsim, n2, seed)
    b, _ = lose_run(netsim, n2, seed + 1)
    same = a == {i for i in got if i < n2}
    print(f"netsim loss: seed {seed} again: {'the same' if same else 'other'} "
          f"{n2 - len(a)} of the first {n2} lost; seed {seed + 1}: {n2 - len(b)} lost, "
          f"{len(a ^ b)} numbers differ")
    check(same, "the same seed lost other datagrams")
    check(a != b, "another seed lost the same datagrams")


def test_shape(netsim):
    """--dup 10 --mtu 600, then --rate 800 --queue 20000: what the receiver counts."""
    sink = udp_socket()
    got = []  # (time, number, length)
    done = threading.Event()

    def receive():
        sink.settimeout(0.2)
        while not done.is_set():
            try:
                d, _ = sink.recvfrom(4096)
            except socket.timeout:
                continue
            got.append((time.monotonic(), int.from_bytes(d[:4], "big"), len(d)))

    th = threading.Thread(target=receive)
    th.start()

    def push(relay, n, size_of, pace_every):
        c = udp_socket()
        for i in range(n):
            c.sendto(i.to_bytes(4, "big") + bytes(size_of(i) - 4), (LOCAL, relay.port))
            if i % pace_every == pace_every - 1:
                time.sleep(0.01)
        last, still = -1, 0
        while still < 5:  # until the receiver's count stops moving
            time.sleep(0.05)
            still = still + 1 if len(got) == last else 0
            last = len(got)
        c.close()

    # Duplicates and the MTU cap: every 4th datagram is 1000 bytes, over --mtu 600.
    n = 4000
    relay = Relay(netsim, sink.getsockname()[1], ["--dup", "10", "--mtu", "600", "--quiet"])
    push(relay, n, lambda i: 1000 if i % 4 == 0 else 100, 50)
    st = relay.stop()
    small = n - n // 4
    nums = [k for _, k, _ in got]
    uniq = set(nums)
    dups = len(nums) - len(uniq)
    print(f"netsim shape: --dup 10 --mtu 600: {len(nums)} received, {len(uniq)} distinct of "
          f"{small} under the MTU, {dups} duplicates ({100.0 * dups / small:.2f} %), relay "
          f"dropped_mtu {st['up']['dropped_mtu']} duplicated {st['up']['duplicated']}")
    check(all(k % 4 != 0 for k in uniq), "a datagram over the MTU got through")
    check(len(uniq) == small, f"{len(uniq)} of {small} datagrams under the MTU arrived")
    check(st["up"]["dropped_mtu"] == n // 4, f"dropped_mtu {st['up']['dropped_mtu']}")
    check(abs(100.0 * dups / small - 10.0) <= 1.5, f"{dups} duplicates of {small}: not 10 +- 1.5 %")
    check(st["up"]["duplicated"] == dups, f"relay duplicated {st['up']['duplicated']} != {dups}")

    # The bandwidth cap: 1000 datagrams of 1000 bytes offered at ~1 MB/s to --rate 800
    # (100,000 B/s) with a 20,000-byte queue: the rest is dropped, what passes is paced.
    got.clear()
    relay = Relay(netsim, sink.getsockname()[1], ["--rate", "800", "--queue", "20000", "--quiet"])
    push(relay, 1000, lambda i: 1000, 10)
    st = relay.stop()
    done.set()
    th.join()
    up = st["up"]
    span = got[-1][0] - got[0][0] if len(got) > 1 else 0
    rate = (sum(l for _, _, l in got) - got[0][2]) / span if span > 0 else float("inf")
    print(f"netsim shape: --rate 800 --queue 20000: {len(got)} of 1000 through at "
          f"{rate / 1000:.1f} kB/s (cap 100.0), relay dropped_queue {up['dropped_queue']}")
    check(rate <= 100000 * 1.05, f"{rate:.0f} B/s through a 100,000 B/s cap")
    check(up["dropped_queue"] > 0 and up["dropped_queue"] + up["datagrams_out"] == 1000,
          f"queue drops {up['dropped_queue']} + out {up['datagrams_out']} != 1000")
    check(up["datagrams_out"] == len(got), f"relay out {up['datagrams_out']} != {len(got)}")


def test_latency(netsim):
    lat, jit, n = 40.0, 10.0, 300
    echo = udp_socket()
    stop = threading.Event()

    def serve():
        echo.settimeout(0.2)
        while not stop.is_set():
            try:
                d, a = echo.recvfrom(2048)
            except socket.timeout:
                continue
            echo.sendto(d, a)

    th = threading.Thread(target=serve)
    th.start()
    relay = Relay(netsim, echo.getsockname()[1],
                  ["--latency", str(lat), "--jitter", str(jit), "--quiet"])
    c = udp_socket()
    c.settimeout(2)
    rtts = []
    sent_at = {}
    for i in range(n):
        sent_at[i] = time.monotonic()
        c.sendto(i.to_bytes(4, "big"), (LOCAL, relay.port))
        time.sleep(0.003)
        c.setblocking(False)
        try:
            while True:
                d = c.recv(2048)
                k = int.from_bytes(d[:4], "big")
                rtts.append(time.monotonic() - sent_at[k])
        except BlockingIOError:
            pass
        c.setblocking(True)
    c.settimeout(2)
    while len(rtts) < n:
        try:
            d = c.recv(2048)
        except socket.timeout:
            break
        rtts.append(time.monotonic() - sent_at[int.from_bytes(d[:4], "big")])
    stop.set()
    th.join()
    st = relay.stop()
    rtts_ms = sorted(r * 1000 for r in rtts)
    mean_rtt = sum(rtts_ms) / len(rtts_ms) if rtts_ms else 0
    one_way = mean_rtt / 2
    print(f"netsim latency: --latency {lat:.0f} --jitter {jit:.0f} each way: {len(rtts)}/{n} "
          f"echoed, RTT min {rtts_ms[0]:.1f} mean {mean_rtt:.1f} max {rtts_ms[-1]:.1f} ms "
          f"(one way {one_way:.1f} ms); relay's mean delay up {st['up']['delay_ms_mean']:.1f} "
          f"down {st['down']['delay_ms_mean']:.1f} ms")
    check(len(rtts) == n, f"only {len(rtts)} of {n} came back (no loss was asked for)")
    check(rtts_ms[0] >= 2 * lat, f"a datagram came back in {rtts_ms[0]:.1f} ms < 2 x {lat}")
    # The scheduled delays: at least the latency, at most latency + jitter, mean in between
    # (waiting behind the one before only adds, so the mean sits above latency + jitter / 2).
    for d in ("up", "down"):
        m = st[d]["delay_ms_mean"]
        check(lat + jit / 2 - 1 <= m <= lat + jit, f"{d} scheduled mean delay {m:.1f} ms")
        check(st[d]["delay_ms_max"] <= lat + jit, f"{d} max delay {st[d]['delay_ms_max']}")
    # What the peers saw: the scheduled delay plus the machine's own (a bound, not a target).
    check(lat + jit / 2 - 1 <= one_way <= lat + jit + 15,
          f"measured one-way mean {one_way:.1f} ms outside [{lat + jit / 2 - 1}, "
          f"{lat + jit + 15}]")


def test_tcp(netsim):
    lat, kbps, size = 30.0, 4000, 1 << 19
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind((LOCAL, 0))
    srv.listen(4)
    echo_saw_eof = threading.Event()

    def echo_one(conn):
        conn.settimeout(30)
        n = 0
        while True:
            d = conn.recv(65536)
            if not d:
                break
            n += len(d)
            conn.sendall(d)
        if n > 0:  # not the relay's readiness probe
            echo_saw_eof.set()
        conn.close()  # after EOF: the client must see EOF too

    def echo():
        srv.settimeout(30)
        for _ in range(2):  # the readiness probe (Relay), then the test's connection
            conn, _ = srv.accept()
            threading.Thread(target=echo_one, args=(conn,), daemon=True).start()

    th = threading.Thread(target=echo)
    th.start()
    relay = Relay(netsim, srv.getsockname()[1],
                  ["--tcp-latency", str(lat), "--tcp-rate", str(kbps), "--quiet"])
    c = socket.create_connection((LOCAL, relay.port), 5)
    c.settimeout(30)
    t0 = time.monotonic()
    c.sendall(b"ping")
    first = c.recv(4)
    first_rtt = (time.monotonic() - t0) * 1000
    data = os.urandom(size)
    back = bytearray()

    def reader():
        while True:
            d = c.recv(65536)
            if not d:
                break
            back.extend(d)

    t1 = time.monotonic()
    rd = threading.Thread(target=reader)
    rd.start()
    c.sendall(data)
    c.shutdown(socket.SHUT_WR)
    rd.join(60)
    elapsed = time.monotonic() - t1
    th.join(10)
    echo_saw_eof.wait(5)
    st = relay.stop()
    rate = size / elapsed / 125.0  # kbit/s
    print(f"netsim tcp: first round trip {first_rtt:.1f} ms (2 x {lat:.0f} asked), 512 KiB "
          f"echoed in {elapsed:.2f} s = {rate:.0f} kbit/s (cap {kbps}); relay bytes up "
          f"{st['tcp']['bytes_up']} down {st['tcp']['bytes_down']}")
    check(first == b"ping", f"first answer {first!r}")
    check(first_rtt >= 2 * lat, f"round trip {first_rtt:.1f} ms < 2 x {lat}")
    check(hashlib.sha256(bytes(back)).digest() == hashlib.sha256(data).digest(),
          f"bytes not intact ({len(back)} of {size} came back)")
    check(echo_saw_eof.is_set(), "the half-close did not reach the server")
    check(rate <= kbps * 1.05, f"{rate:.0f} kbit/s is over the {kbps} cap")
    check(st["tcp"]["bytes_up"] == size + 4 and st["tcp"]["bytes_down"] == size + 4,
          f"relay counted {st['tcp']['bytes_up']} up, {st['tcp']['bytes_down']} down")
    check(st["tcp"]["connections"] == 2 and st["tcp"]["errors"] == 0, f"tcp {st['tcp']}")


def test_backpressure(netsim):
    """A server that does not read: the relay holds at most --tcp-buffer per direction, so
    the client's sends stop (its kernel buffers fill) instead of the relay's memory growing;
    once the server reads, every byte arrives in order."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind((LOCAL, 0))
    srv.listen(4)
    conns = []
    accepted = threading.Event()

    def accept():
        srv.settimeout(30)
        for _ in range(2):  # the readiness probe, then the test's connection
            conns.append(srv.accept()[0])
        accepted.set()

    th = threading.Thread(target=accept)
    th.start()
    relay = Relay(netsim, srv.getsockname()[1], ["--tcp-buffer", "65536", "--quiet"])
    c = socket.create_connection((LOCAL, relay.port), 5)
    accepted.wait(10)
    c.setblocking(False)
    sent = 0
    block = os.urandom(65536)
    end = time.monotonic() + 30
    stalled_since = None
    while time.monotonic() < end:  # until the sends have stopped going anywhere for 0.5 s
        try:
            sent += c.send(block[sent % 65536:] if sent % 65536 else block)
            stalled_since = None
        except BlockingIOError:
            stalled_since = stalled_since or time.monotonic()
            if time.monotonic() - stalled_since > 0.5:
                break
            time.sleep(0.01)
    rss_kb = 0
    with open(f"/proc/{relay.proc.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss_kb = int(line.split()[1])
    server_side = conns[-1]
    server_side.settimeout(10)
    c.shutdown(socket.SHUT_WR)
    got = 0
    ok = True
    while True:
        d = server_side.recv(65536)
        if not d:
            break
        for k in range(0, len(d), 4096):  # in order: the stream is block repeated
            chunk = d[k:k + 4096]
            off = (got + k) % 65536
            want = (block + block)[off:off + len(chunk)]
            ok = ok and chunk == want
        got += len(d)
    th.join(5)
    st = relay.stop()
    print(f"netsim backpressure: the client could send {sent} bytes into a server that did "
          f"not read (relay buffer 65536), relay RSS {rss_kb} kB; then {got} bytes arrived "
          f"{'in order' if ok else 'CORRUPTED'}")
    check(sent < 16 << 20, f"{sent} bytes accepted: the relay does not push back")
    check(got == sent and ok, f"{got} of {sent} bytes arrived (in order: {ok})")
    check(st["tcp"]["bytes_up"] == sent, f"relay counted {st['tcp']['bytes_up']} up")


def main():
    netsim, what = sys.argv[1], sys.argv[2]
    {"loss": test_loss, "latency": test_latency, "tcp": test_tcp, "shape": test_shape,
     "backpressure": test_backpressure}[what](
        netsim)
    for p in problems:
        print(f"netsim {what}: FAIL: {p}", file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
