#!/usr/bin/env python3
"""harness.py — the hostile-input suite's common ground (tests/hostile/, docs/security.md).

Owns everything the attack scripts share: an arena-server on free 127.0.0.1 ports (started,
probed for its protocol version from the HELLO line, stopped with SIGTERM), the legitimate
players (arena-bot swarms and two Python chatters in their own process), an RSS sampler, a
loopback sniffer (what the server sends to attacker addresses, spoofed ones included), the
ENet 1.3 datagram builder and a minimal raw ENet peer, a raw-socket IPv4/UDP spoofer,
the common assertions and the one-row summary each test prints and appends to
$ARENA_HOSTILE_RESULTS.

What every test asserts for the legit players (Scenario.finish): every bot connected, 0
disconnects, slowest bot >= 29 snapshots/s, no snapshot gap over 250 ms, 0 decode errors,
every CHAT line delivered (bots: exactly the lines broadcast while each was in, counted on a
chatter's stream; chatters: every line of every chatter), every byte to a chatter strict UTF-8
without U+2028/2029/0085/bidi controls; the server exits 0 on SIGTERM with its stats JSON and
no sanitizer report in its log; its RSS peak stays within idle + 64 MB + 2 MB per player (idle
= the RSS of the same ASan server measured at start with nobody in) and after the attack it is
back within 8 MB of where it was before. A key missing from the stats JSON (an older server)
counts as "not counted", a failure; so does a key missing from the bots' JSON.

The protocol version comes from the HELLO line: a version 1 server (no ENet checksum, CONNECT
data 1, no connect tags) gets datagrams of its own kind, and old bots from --bin-dir.

Python 3 standard library only. Sends traffic only to 127.0.0.0/8. Every loop is bounded in
time and count. Run as root (raw and packet sockets, uid nobody). Never touches processes it
did not start.

`python3 harness.py chatters ...` is the chatter process (see chatters_main)."""
import argparse
import ctypes
import errno
import json
import os
import random
import re
import select
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
LOCAL = "127.0.0.1"
MB = 1024  # kB per MB (RSS is read in kB)

# Characters no byte from the server may carry (line/paragraph separators, NEL, bidi
# embeddings/overrides/isolates): they let chat text forge lines or reorder a terminal.
FORBIDDEN = {0x2028, 0x2029, 0x0085} | set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))

SANITIZER_PATTERNS = ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer")

# Legit-player targets (never weakened; see README in the final report).
RATE_MIN_HZ = 29.0
GAP_MAX_MS = 250.0
# RSS bound: the idle server's own RSS (measured at every start: ASan's shadow memory and
# allocator make it ~22 MB instead of ~8 MB) + 64 MB + 2 MB per player it holds.
RSS_HEADROOM_KB = 64 * MB
RSS_PER_PLAYER_KB = 2 * MB
RSS_AFTER_SLACK_KB = 8 * MB  # "back down": within 8 MB of the RSS before the attack
# The server's memory is what is measured, not ASan's: a small quarantine, freed memory given
# back at once, and no fake stacks for stack-use-after-return detection (scripts/test turns
# it on; the fake stacks are mapped per frame size and only ever grow, about 8 MB over one
# attack here, which is ASan's, not the server's; every other test keeps it on).
ASAN_SERVER_OPTIONS = ("quarantine_size_mb=4:allocator_release_to_os_interval_ms=0:"
                       "detect_stack_use_after_return=0")


def now():
    return time.monotonic()


def legit_priority():
    """preexec_fn of the legit players' processes. On a LAN they run on machines of their own;
    here they share two cores with the server and an attacker that sends as fast as Python
    can. A little more CPU priority for them (nice -5) keeps the measurement about the
    server, which runs at the same priority as the attacker."""
    try:
        os.nice(-5)
    except OSError:
        pass


def log(*a):
    print("[hostile %7.3f]" % (now() - T0), *a, file=sys.stderr, flush=True)


T0 = time.monotonic()


# ---- command line --------------------------------------------------------------------------

def parse_args(description):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--bin-dir", required=True, help="directory with arena-server, arena-bot, "
                    "arena-ctl (the build's bin dir, or /tmp/old)")
    ap.add_argument("--map", required=True, help="assets/arena.map")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return ap.parse_args()


class Ctx:
    """One test run: binaries, a temporary directory, processes to clean up, checks."""

    def __init__(self, args, attack_class):
        self.bin_dir = os.path.abspath(args.bin_dir)
        self.map = os.path.abspath(args.map)
        self.keep = args.keep
        self.attack_class = attack_class
        self.tmp = tempfile.mkdtemp(prefix="hostile_%s_" % attack_class)
        self.procs = []  # Popen objects we started
        self.checks = []  # (name, ok, detail)
        self.row = {"class": attack_class}
        self.started = now()
        self._help_keys = None

    def bin(self, name):
        return os.path.join(self.bin_dir, name)

    def have(self, name):
        return os.access(self.bin(name), os.X_OK)

    def server_keys(self):
        """The --set keys this arena-server knows (from its --help)."""
        if self._help_keys is None:
            out = subprocess.run([self.bin("arena-server"), "--help"], capture_output=True,
                                 text=True, timeout=20).stdout
            part = out.split("Settings", 1)[-1]
            self._help_keys = set(re.findall(r"^  ([a-z_0-9]+)\s", part, re.M))
        return self._help_keys

    def check(self, name, ok, detail=""):
        ok = bool(ok)
        self.checks.append((name, ok, str(detail)))
        log("%s %s: %s" % ("PASS" if ok else "FAIL", name, detail))
        return ok

    def spawn(self, cmd, **kw):
        p = subprocess.Popen(cmd, **kw)
        self.procs.append(p)
        return p

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.kill(p.pid, signal.SIGCONT)
                    p.kill()
                    p.wait(5)
                except (OSError, subprocess.TimeoutExpired):
                    pass
        if not self.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)
        else:
            log("kept", self.tmp)

    def finish(self):
        """Prints the summary row, appends it to $ARENA_HOSTILE_RESULTS, returns the exit code."""
        failed = [c for c in self.checks if not c[1]]
        self.row["passed"] = not failed and bool(self.checks)
        self.row["failed_checks"] = ["%s: %s" % (n, d) for n, _, d in failed]
        self.row["checks"] = len(self.checks)
        self.row["wall_s"] = round(now() - self.started, 1)
        cols = ["class", "sent", "server", "legit", "rss", "amplification"]
        line = " | ".join(str(self.row.get(c, "-")) for c in cols)
        print("%s | %s" % ("PASS" if self.row["passed"] else "FAIL", line), flush=True)
        for f in failed:
            print("  FAILED %s: %s" % (f[0], f[2]), flush=True)
        path = os.environ.get("ARENA_HOSTILE_RESULTS")
        if path:
            with open(path, "a", encoding="utf-8") as f:
                f.write(json.dumps(self.row, ensure_ascii=False) + "\n")
        return 0 if self.row["passed"] else 1


def main(attack_class, description, body):
    """Runs body(ctx) with cleanup and the summary row; exits with its status."""
    args = parse_args(description)
    if os.geteuid() != 0:
        print("SKIP | %s | needs root (raw and packet sockets, uid nobody)" % attack_class)
        sys.exit(77)
    ctx = Ctx(args, attack_class)
    try:
        body(ctx)
    except Exception as e:  # a crash of the test is a failed test, with its reason in the row
        import traceback
        traceback.print_exc()
        ctx.check("test ran to the end", False, "%s: %s" % (type(e).__name__, e))
    finally:
        ctx.cleanup()
    sys.exit(ctx.finish())


# ---- ports and addresses -------------------------------------------------------------------

def free_port(tcp_too=True, avoid=()):
    for _ in range(200):
        p = random.randint(20000, 59999)
        if p in avoid:
            continue
        socks = []
        try:
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            socks.append(u)
            u.bind((LOCAL, p))
            if tcp_too:
                t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                socks.append(t)
                t.bind((LOCAL, p))
            return p
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free port")


# ---- the server ----------------------------------------------------------------------------

class Server:
    """An arena-server on free 127.0.0.1 ports, its log, stats and RSS."""

    def __init__(self, ctx, tag="srv", sets=None, data_dir=None, port=None, disc_port=None,
                 max_players=None, env=None):
        self.ctx = ctx
        self.env = dict(env or {})  # added to the server's environment
        self.tag = tag
        self.sets = dict(sets or {})
        self.port = port or free_port()
        self.disc_port = disc_port or free_port(tcp_too=False, avoid=(self.port,))
        self.data_dir = data_dir or os.path.join(ctx.tmp, tag + "_data")
        self.stats_path = os.path.join(ctx.tmp, tag + "_stats.json")
        self.log_path = os.path.join(ctx.tmp, tag + ".log")
        self.max_players = max_players
        self.proc = None
        self.version = None
        self.hello = None
        self.rc = None
        self.stats = None
        self.unset = []  # keys this server does not know (old binaries)

    def start(self, timeout=15.0):
        keys = self.ctx.server_keys()
        cmd = [self.ctx.bin("arena-server"), "--port", str(self.port), "--map", self.ctx.map,
               "--data-dir", self.data_dir, "--stats-json", self.stats_path]
        sets = {"bind": LOCAL, "discovery_port": str(self.disc_port), "status_interval_s": "1"}
        sets.update(self.sets)
        for k, v in sets.items():
            if k in keys:
                cmd += ["--set", "%s=%s" % (k, v)]
            else:
                self.unset.append(k)
        if self.max_players:
            cmd += ["--max-players", str(self.max_players)]
        if self.unset:
            log("%s: this arena-server does not know %s (left at its defaults)" %
                (self.tag, ", ".join(self.unset)))
        if os.path.exists(self.stats_path):
            os.remove(self.stats_path)
        self.logf = open(self.log_path, "ab")
        env = dict(os.environ)
        # ASan keeps freed blocks in a 256 MB quarantine and never hands freed pages back to
        # the OS (RSS that is the sanitizer's, not the server's): a small quarantine keeps
        # use-after-free detection for recent frees, and releasing at once does what the
        # server's malloc_trim does for glibc. Appended, so it wins over an inherited setting.
        env["ASAN_OPTIONS"] = ":".join(x for x in (os.environ.get("ASAN_OPTIONS", ""),
                                                   ASAN_SERVER_OPTIONS) if x)
        env.update(self.env)
        self.proc = self.ctx.spawn(cmd, stdout=self.logf, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, env=env)
        deadline = now() + timeout
        while now() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited with %s at start: %s" %
                                   (self.tag, self.proc.returncode, self.log_text()[-2000:]))
            try:
                c = LineConn(self.port, timeout=1.0)
                self.hello = c.line(2.0)
                c.close()
                m = re.match(r"^HELLO (\d+) ", self.hello or "")
                if m:
                    self.version = int(m.group(1))
                    break
            except OSError:
                pass
            time.sleep(0.05)
        if self.version is None:
            raise RuntimeError("%s did not answer HELLO on TCP %d" % (self.tag, self.port))
        self.pid = self.proc.pid
        self.started_at = now()
        return self

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def wait_log(self, pattern, timeout, count=1):
        """Waits until pattern (regex) matched count times in the log; returns the matches."""
        rx = re.compile(pattern, re.M)
        deadline = now() + timeout
        while True:
            found = rx.findall(self.log_text())
            if len(found) >= count:
                return found
            if now() >= deadline or (self.proc and self.proc.poll() is not None):
                return found
            time.sleep(0.05)

    def rss_kb(self):
        try:
            with open("/proc/%d/status" % self.pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            return None
        return None

    def ctl(self, *args, timeout=10, user=None):
        """Runs arena-ctl; returns (rc, stdout, stderr), rc None if there is no arena-ctl."""
        if not self.ctx.have("arena-ctl"):
            return None, "", "no arena-ctl in %s" % self.ctx.bin_dir
        cmd = [self.ctx.bin("arena-ctl"), "--data-dir", self.data_dir] + list(args)
        r = subprocess.run(cmd, capture_output=True, timeout=timeout)
        return (r.returncode, r.stdout.decode("utf-8", "replace"),
                r.stderr.decode("utf-8", "replace"))

    def live_stats(self):
        """The server's counters now (arena-ctl status), or None if it cannot tell."""
        rc, out, _ = self.ctl("status")
        if rc != 0:
            return None
        for line in out.splitlines():
            if line.startswith("{"):
                try:
                    return json.loads(line).get("stats")
                except ValueError:
                    return None
        return None

    def stop(self, timeout=15.0):
        """SIGTERM, wait, read the stats file. Returns the exit code."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGCONT)  # in case a test left it stopped
            os.kill(self.proc.pid, signal.SIGTERM)
        try:
            self.rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.rc = self.proc.wait(5)
            log("%s: did not stop within %.0f s of SIGTERM" % (self.tag, timeout))
        self.logf.close()
        try:
            with open(self.stats_path) as f:
                self.stats = json.load(f)
        except (OSError, ValueError):
            self.stats = None
        return self.rc

    def sanitizer_reports(self):
        text = self.log_text()
        return [l for l in text.splitlines() if any(p in l for p in SANITIZER_PATTERNS)]


def stat_delta(before, after, key):
    """after[key] - before[key]; None if the server does not count key (a failure)."""
    if after is None or key not in after:
        return None
    b = before.get(key, 0) if before else 0
    return after[key] - b


def describe_deltas(before, after, keys):
    parts = []
    for k in keys:
        d = stat_delta(before, after, k)
        parts.append("%s %s" % (k, "missing" if d is None else "+%d" % d))
    return ", ".join(parts)


# ---- TCP line connections ------------------------------------------------------------------

class LineConn:
    """A TCP connection to the login port that reads lines and checks every byte received:
    strict UTF-8 and none of FORBIDDEN. Problems go to .bad."""

    def __init__(self, port, bind=None, timeout=5.0, rcvbuf=None):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if bind:
            self.s.bind((bind, 0))
        self.s.settimeout(timeout)
        self.s.connect((LOCAL, port))
        self.buf = b""
        self.eof = False
        self.bad = []  # every problem
        self.invalid = []  # invalid UTF-8 only
        self.received = 0
        self.all = []

    def send(self, data):
        self.s.sendall(data.encode() if isinstance(data, str) else data)

    def cmd(self, text):
        self.send(text + "\n")

    def _decode(self, raw):
        try:
            t = raw.decode("utf-8", "strict")
        except UnicodeDecodeError as e:
            self.bad.append("invalid UTF-8 from the server: %r (%s)" % (raw[:80], e))
            self.invalid.append(self.bad[-1])
            return raw.decode("utf-8", "replace")
        bad = sorted({"U+%04X" % ord(ch) for ch in t if ord(ch) in FORBIDDEN})
        if bad:
            self.bad.append("forbidden %s in %r" % (",".join(bad), t[:80]))
        return t

    def line(self, timeout=3.0):
        """The next line; None at EOF; raises TimeoutError."""
        deadline = now() + timeout
        while b"\n" not in self.buf:
            if self.eof:
                return None
            left = deadline - now()
            if left <= 0:
                raise TimeoutError("no line within %.1f s (have %r)" % (timeout, self.buf[:100]))
            self.s.settimeout(left)
            try:
                chunk = self.s.recv(65536)
            except (ConnectionResetError, BrokenPipeError):
                chunk = b""
            except socket.timeout:
                continue
            if not chunk:
                self.eof = True
                if self.buf:
                    self.bad.append("bytes after the last newline: %r" % self.buf[:80])
                return None
            self.received += len(chunk)
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\n", 1)
        t = self._decode(raw)
        self.all.append(t)
        return t

    def expect(self, pattern, timeout=3.0):
        """Reads until a line matches pattern; returns (match, lines seen before it). The match
        is None on EOF or timeout."""
        seen = []
        deadline = now() + timeout
        rx = re.compile(pattern)
        while now() < deadline:
            try:
                ln = self.line(deadline - now())
            except TimeoutError:
                break
            if ln is None:
                break
            m = rx.match(ln)
            if m:
                return m, seen
            seen.append(ln)
        return None, seen

    def read_to_eof(self, timeout):
        """Every line until EOF; (lines, eof_seen)."""
        lines = []
        deadline = now() + timeout
        while now() < deadline:
            try:
                ln = self.line(deadline - now())
            except TimeoutError:
                break
            if ln is None:
                return lines, True
            lines.append(ln)
        return lines, False

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass


def login(port, name, bind=None, version=None, extra="", timeout=4.0):
    """Connects and logs in. Returns (conn, ok_match or None, lines before the answer)."""
    c = LineConn(port, bind=bind, timeout=timeout)
    hello = c.line(timeout)
    if hello is None or not hello.startswith("HELLO "):
        return c, None, [hello]
    c.cmd("LOGIN %s%s%s" % (name, " %d" % version if version else "", extra))
    m, seen = c.expect(r"^(OK token=([0-9a-f]{32}) id=(\d+) udp=(\d+) .*|ERR .*)$", timeout)
    if m and m.group(0).startswith("OK"):
        return c, m, seen
    return c, None, seen + ([m.group(0)] if m else [])


def token_of(ok_match):
    return bytes.fromhex(ok_match.group(2))


def connect_tag(token):
    return int.from_bytes(token[0:4], "little")


# ---- RSS sampler ---------------------------------------------------------------------------

class RssSampler(threading.Thread):
    """VmRSS of a pid every 100 ms, with time stamps."""

    def __init__(self, pid, period=0.1):
        super().__init__(daemon=True)
        self.pid = pid
        self.period = period
        self.samples = []
        self.stop_flag = threading.Event()

    def run(self):
        path = "/proc/%d/status" % self.pid
        while not self.stop_flag.is_set():
            try:
                with open(path) as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            self.samples.append((now(), int(line.split()[1])))
                            break
            except (OSError, ValueError):
                pass
            self.stop_flag.wait(self.period)

    def stop(self):
        self.stop_flag.set()
        self.join(2)

    def at(self, t):
        best = None
        for ts, kb in self.samples:
            if ts <= t:
                best = kb
        return best if best is not None else (self.samples[0][1] if self.samples else None)

    def peak(self, t0=None, t1=None):
        vals = [kb for ts, kb in self.samples
                if (t0 is None or ts >= t0) and (t1 is None or ts <= t1)]
        return max(vals) if vals else None

    def last(self):
        return self.samples[-1][1] if self.samples else None


# ---- loopback sniffer ----------------------------------------------------------------------

ETH_P_IP = 0x0800
SO_ATTACH_FILTER = 26


def _bpf_udp_from_ports(ports):
    """Classic BPF: IPv4 UDP (unfragmented) whose source port is in ports. (On lo a packet
    socket sees each datagram once, as PACKET_HOST.)"""
    ins = []

    def op(code, jt, jf, k):
        ins.append((code, jt, jf, k & 0xFFFFFFFF))

    n = len(ports)
    op(0x30, 0, 0, 9)                      # ldb [9] protocol
    op(0x15, 0, 4 + n, 17)                 # jeq UDP
    op(0x28, 0, 0, 6)                      # ldh [6] flags+fragment offset
    op(0x45, 2 + n, 0, 0x1FFF)             # jset fragment offset -> drop
    op(0xB1, 0, 0, 0)                      # ldxb 4*([0]&0xf)
    op(0x48, 0, 0, 0)                      # ldh [x+0] source port
    for i, p in enumerate(ports):
        op(0x15, n - i, 0, p)              # jeq port -> accept
    op(0x06, 0, 0, 0)                      # drop
    op(0x06, 0, 0, 0xFFFF)                 # accept
    return ins


class Sniffer(threading.Thread):
    """Counts the UDP datagrams the server sends from its ports, by destination, as seen on lo
    (so replies to spoofed sources count too)."""

    def __init__(self, ports, enet_version=None):
        super().__init__(daemon=True)
        self.ports = list(ports)
        self.enet_version = enet_version  # set: also count snapshots (unreliable, channel 1)
        self.snapshots = {}  # (src_port, dst_ip, dst_port) -> [first t, last t, count]
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
        prog = _bpf_udp_from_ports(self.ports)
        raw = b"".join(struct.pack("HBBI", c, jt, jf, k) for c, jt, jf, k in prog)
        self._filter = ctypes.create_string_buffer(raw)
        fprog = struct.pack("HL", len(prog), ctypes.addressof(self._filter))
        self.s.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, fprog)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.s.bind(("lo", ETH_P_IP))
        self.s.settimeout(0.1)
        self.lock = threading.Lock()
        self.by_dst = {}  # (src_port, dst_ip, dst_port) -> [packets, payload bytes, first t]
        self.stop_flag = threading.Event()

    def run(self):
        while True:
            try:
                data, addr = self.s.recvfrom(65535)
            except socket.timeout:
                if self.stop_flag.is_set():
                    break  # stopped, and nothing left queued
                continue
            except OSError:
                break
            if len(data) < 28:
                continue
            ihl = (data[0] & 15) * 4
            src_port, dst_port, ulen = struct.unpack_from(">HHH", data, ihl)
            dst_ip = socket.inet_ntoa(data[16:20])
            key = (src_port, dst_ip, dst_port)
            t = now()
            with self.lock:
                e = self.by_dst.setdefault(key, [0, 0, t])
                e[0] += 1
                e[1] += ulen - 8
            if self.enet_version and src_port == self.ports[0]:
                p = parse_datagram(data[ihl + 8:], self.enet_version)
                n = sum(1 for c in p[1] if c["num"] == CMD_UNRELIABLE and c["channel"] == 1) \
                    if p else 0
                if n:
                    with self.lock:
                        s = self.snapshots.setdefault(key, [t, t, 0])
                        s[1] = t
                        s[2] += n

    def stop(self):
        self.stop_flag.set()
        self.join(5)
        try:  # struct tpacket_stats: packets, drops (what the kernel could not queue for us)
            st = self.s.getsockopt(263, 6, 8)  # SOL_PACKET, PACKET_STATISTICS
            self.kernel_drops = struct.unpack("II", st)[1]
        except OSError:
            self.kernel_drops = None
        self.s.close()

    def totals(self, want):
        """(packets, bytes) to destinations for which want(src_port, ip, port) is true."""
        p = b = 0
        with self.lock:
            for (sp, ip, port), (n, nb, _) in self.by_dst.items():
                if want(sp, ip, port):
                    p += n
                    b += nb
        return p, b

    def snapshot_total(self):
        with self.lock:
            return sum(v[2] for v in self.snapshots.values())

    def snapshot_rates(self, want):
        """Snapshots per second the server sent to each destination that want() picks."""
        with self.lock:
            return {k: (v[2] - 1) / (v[1] - v[0]) for k, v in self.snapshots.items()
                    if want(*k) and v[2] > 1 and v[1] > v[0]}

    def per_dst(self, want):
        with self.lock:
            return {k: tuple(v[:2]) for k, v in self.by_dst.items() if want(*k)}


# ---- raw IPv4/UDP spoofing -----------------------------------------------------------------

def _csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class RawUdp:
    """Sends UDP datagrams with any 127.x source address and port (raw socket, IP_HDRINCL)."""

    def __init__(self):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        self.sent = 0
        self.bytes = 0

    def packet(self, src, sport, dst, dport, payload):
        ulen = 8 + len(payload)
        s_ip, d_ip = socket.inet_aton(src), socket.inet_aton(dst)
        pseudo = s_ip + d_ip + struct.pack("!BBH", 0, 17, ulen)
        udp = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
        c = _csum(pseudo + udp) or 0xFFFF
        udp = udp[:6] + struct.pack("!H", c) + udp[8:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, random.randint(0, 65535), 0x4000,
                         64, 17, 0, s_ip, d_ip)
        ip = ip[:10] + struct.pack("!H", _csum(ip)) + ip[12:]
        return ip + udp

    def send(self, src, sport, dst, dport, payload):
        return self.send_packet(self.packet(src, sport, dst, dport, payload), dst, len(payload))

    def send_packet(self, pkt, dst, payload_len):
        for _ in range(50):
            try:
                self.s.sendto(pkt, (dst, 0))
                self.sent += 1
                self.bytes += payload_len
                return True
            except (BlockingIOError, OSError) as e:
                if getattr(e, "errno", None) not in (errno.ENOBUFS, errno.EAGAIN):
                    raise
                time.sleep(0.001)
        return False

    def close(self):
        self.s.close()


# ---- ENet 1.3 datagrams --------------------------------------------------------------------

CMD_ACK, CMD_CONNECT, CMD_VERIFY, CMD_DISCONNECT, CMD_PING = 1, 2, 3, 4, 5
CMD_RELIABLE, CMD_UNRELIABLE, CMD_FRAGMENT, CMD_UNSEQUENCED = 6, 7, 8, 9
CMD_BANDWIDTH, CMD_THROTTLE, CMD_UNRELIABLE_FRAGMENT = 10, 11, 12
FLAG_ACK, FLAG_UNSEQ = 0x80, 0x40
CMD_SIZES = {1: 8, 2: 48, 3: 44, 4: 8, 5: 4, 6: 6, 7: 8, 8: 24, 9: 8, 10: 12, 11: 16, 12: 24}


def cmd_header(number, channel, seq, flags=0):
    return struct.pack(">BBH", number | flags, channel, seq & 0xFFFF)


def cmd_connect(connect_id, data, seq=1, channel_count=3, outgoing_peer_id=0):
    """connect_id: 4 raw bytes."""
    return (cmd_header(CMD_CONNECT, 0xFF, seq, FLAG_ACK) +
            struct.pack(">HBBIIIIIIII", outgoing_peer_id, 0xFF, 0xFF, 1200, 65536, channel_count,
                        0, 0, 5000, 2, 2) + connect_id + struct.pack(">I", data & 0xFFFFFFFF))


def cmd_ack(seq, sent_time, channel=0xFF):
    return cmd_header(CMD_ACK, channel, seq) + struct.pack(">HH", seq & 0xFFFF, sent_time & 0xFFFF)


def cmd_disconnect(seq=0, data=0, reliable=False):
    return cmd_header(CMD_DISCONNECT, 0xFF, seq, FLAG_ACK if reliable else 0) + \
        struct.pack(">I", data)


def cmd_ping(seq):
    return cmd_header(CMD_PING, 0xFF, seq, FLAG_ACK)


def cmd_reliable(channel, seq, data):
    return cmd_header(CMD_RELIABLE, channel, seq, FLAG_ACK) + struct.pack(">H", len(data)) + data


def cmd_unreliable(channel, seq, useq, data):
    return cmd_header(CMD_UNRELIABLE, channel, seq) + struct.pack(">HH", useq, len(data)) + data


def cmd_fragment(channel, seq, start_seq, count, number, total, offset, data, unreliable=False):
    num = CMD_UNRELIABLE_FRAGMENT if unreliable else CMD_FRAGMENT
    return (cmd_header(num, channel, seq, 0 if unreliable else FLAG_ACK) +
            struct.pack(">HHIIII", start_seq, len(data), count, number, total, offset) + data)


def cmd_unsequenced(channel, group, data):
    return cmd_header(CMD_UNSEQUENCED, channel, 0, FLAG_UNSEQ) + \
        struct.pack(">HH", group & 0xFFFF, len(data)) + data


def datagram(version, peer_id, session, commands, connect_id=b"\0\0\0\0", sent_time=None,
             checksum="ok"):
    """An ENet datagram. Version >= 2 carries the 4-byte CRC-32 (checksum: "ok", "zero",
    "random" or 4 raw bytes); version 1 has no checksum field."""
    field = (peer_id & 0xFFF) | ((session & 3) << 12)
    if sent_time is not None:
        field |= 0x8000
    head = struct.pack(">H", field)
    if sent_time is not None:
        head += struct.pack(">H", sent_time & 0xFFFF)
    if version < 2:
        return head + commands
    if checksum == "ok":
        crc = zlib.crc32(head + connect_id + commands) & 0xFFFFFFFF
        ck = struct.pack(">I", crc)
    elif checksum == "zero":
        ck = b"\0\0\0\0"
    elif checksum == "random":
        ck = os.urandom(4)
    else:
        ck = checksum
    return head + ck + commands


def parse_datagram(d, version):
    """(header dict, [command dicts]) of a datagram from the server, or None."""
    if len(d) < 2:
        return None
    field = struct.unpack_from(">H", d)[0]
    h = {"peer_id": field & 0xFFF, "session": (field >> 12) & 3, "sent_time": None}
    pos = 2
    if field & 0x8000:
        if len(d) < 4:
            return None
        h["sent_time"] = struct.unpack_from(">H", d, 2)[0]
        pos = 4
    if version >= 2:
        pos += 4
    cmds = []
    while pos + 4 <= len(d):
        b, ch, seq = struct.unpack_from(">BBH", d, pos)
        num = b & 0x0F
        size = CMD_SIZES.get(num)
        if size is None or pos + size > len(d):
            break
        c = {"num": num, "flags": b & 0xF0, "channel": ch, "seq": seq, "pos": pos}
        extra = 0
        if num == CMD_VERIFY:
            (c["outgoing_peer_id"], c["in_session"], c["out_session"]) = \
                struct.unpack_from(">HBB", d, pos + 4)
            c["connect_id"] = d[pos + 40:pos + 44]
        elif num == CMD_RELIABLE:
            extra = struct.unpack_from(">H", d, pos + 4)[0]
        elif num in (CMD_UNRELIABLE, CMD_UNSEQUENCED):
            extra = struct.unpack_from(">H", d, pos + 6)[0]
        elif num in (CMD_FRAGMENT, CMD_UNRELIABLE_FRAGMENT):
            extra = struct.unpack_from(">H", d, pos + 6)[0]
        elif num == CMD_DISCONNECT:
            c["data"] = struct.unpack_from(">I", d, pos + 4)[0]
        c["payload"] = d[pos + size:pos + size + extra]
        cmds.append(c)
        pos += size + extra
    return h, cmds


class RawPeer:
    """A minimal ENet client written by hand: handshake, BIND, ACKs; then it sends whatever
    the attack wants with the right (or wrong) address, session and checksum."""

    def __init__(self, server, bind_ip, version):
        self.server = server
        self.version = version
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.bind((bind_ip, 0))
        self.sock.setblocking(False)
        self.addr = self.sock.getsockname()
        self.dst = (LOCAL, server.port)
        self.connect_id = os.urandom(4)
        self.peer_id = None
        self.session = 0
        self.sent_pkts = self.sent_bytes = 0
        self.recv_pkts = self.recv_bytes = 0
        self.verifies = 0
        self.disconnected = False
        self.reliable_seq = 0
        self.group = 0
        self.t0 = now()

    def sent_time(self):
        return int((now() - self.t0) * 1000) & 0xFFFF

    def send_raw(self, data):
        try:
            self.sock.sendto(data, self.dst)
        except (BlockingIOError, OSError) as e:
            if getattr(e, "errno", None) in (errno.EAGAIN, errno.ENOBUFS):
                return False
            raise
        self.sent_pkts += 1
        self.sent_bytes += len(data)
        return True

    def dgram(self, commands, sent_time=True, checksum="ok"):
        return datagram(self.version, self.peer_id, self.session, commands, self.connect_id,
                        self.sent_time() if sent_time else None, checksum)

    def connect_datagram(self, tag):
        data = tag if self.version >= 2 else 1
        return datagram(self.version, 0xFFF, 0, cmd_connect(self.connect_id, data),
                        b"\0\0\0\0", self.sent_time())

    def pump(self, ack=True, max_n=256):
        """Receives what is waiting; ACKs reliable commands; notes VERIFY_CONNECT/DISCONNECT."""
        got = []
        for _ in range(max_n):
            try:
                d, _ = self.sock.recvfrom(65535)
            except (BlockingIOError, InterruptedError):
                break
            self.recv_pkts += 1
            self.recv_bytes += len(d)
            p = parse_datagram(d, self.version)
            if p is None:
                continue
            h, cmds = p
            acks = b""
            for c in cmds:
                got.append(c)
                if c["num"] == CMD_VERIFY:
                    self.verifies += 1
                    if self.peer_id is None:
                        self.peer_id = c["outgoing_peer_id"]
                        self.session = c["out_session"]
                elif c["num"] == CMD_DISCONNECT:
                    self.disconnected = True
                if ack and c["flags"] & FLAG_ACK and h["sent_time"] is not None:
                    acks += cmd_ack(c["seq"], h["sent_time"], c["channel"])
            if acks and self.peer_id is not None:
                self.send_raw(self.dgram(acks, sent_time=False))
        return got

    def handshake(self, tag, timeout=3.0, complete=True):
        """CONNECT, wait for VERIFY_CONNECT, ACK it (complete=True). True on success."""
        d = self.connect_datagram(tag)
        deadline = now() + timeout
        next_send = 0
        while now() < deadline:
            if now() >= next_send:
                self.send_raw(d)
                next_send = now() + 1.0
            r, _, _ = select.select([self.sock], [], [], 0.05)
            if r:
                self.pump(ack=complete)
                if self.peer_id is not None:
                    return True
        return False

    def bind(self, token):
        """BIND: reliable message #1 on channel 0 (type 1, version, token)."""
        self.reliable_seq = 1
        msg = bytes([1, self.version]) + token
        return self.send_raw(self.dgram(cmd_reliable(0, 1, msg)))

    def close(self):
        self.sock.close()


def bound_raw_peer(ctx, srv, version, name, ip):
    """A player that plays by hand: logs in as `name` from `ip`, completes the ENet handshake
    with a RawPeer and BINDs. Returns (TCP connection, RawPeer), or None after a failed check."""
    c, ok, seen = login(srv.port, name, bind=ip)
    if not ctx.check("%s logs in" % name, ok is not None, seen[-1:]):
        return None
    tok = token_of(ok)
    p = RawPeer(srv, ip, version)
    if not ctx.check("%s handshake" % name, p.handshake(connect_tag(tok)), p.peer_id):
        return None
    p.bind(tok)
    ctx.check("%s bound" % name, bool(srv.wait_log(r"'%s' entered the arena" % name, 2.0)))
    return c, p


# INPUT example from docs/protocol.md §3.1 (ack 1000, newest 1234, view lag 224, three
# inputs): a valid INPUT message (protocol 3), for floods that must look legitimate to the gate.
VALID_INPUT = bytes.fromhex("03E8030000D2040000029C48060E00")


def input_msg(newest, view_lag, ack=0, buttons=0, aim=0):
    """An INPUT (protocol 3) of one input for tick `newest` carrying `view_lag` (0..1023)."""
    bits, n = 0, 0
    for v, w in ((3, 8), (ack, 32), (newest, 32), (0, 5), (view_lag, 10), (buttons, 5),
                 (aim, 12)):
        bits |= (v & ((1 << w) - 1)) << n
        n += w
    return bits.to_bytes((n + 7) // 8, "little")


class Swarm:
    """Many UDP sockets, one per source address (127.x.y.z), non-blocking, with counters of
    what they sent and what came back."""

    def __init__(self, addrs, rcvbuf=1 << 16):
        self.socks = []
        for a in addrs:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            s.bind((a, 0))
            s.setblocking(False)
            self.socks.append(s)
        self.by_fd = {s.fileno(): s for s in self.socks}
        self.poller = select.poll()
        for s in self.socks:
            self.poller.register(s, select.POLLIN)
        self.sent_pkts = self.sent_bytes = self.recv_pkts = self.recv_bytes = 0
        self.replies = []  # (time, source index, datagram) if keep=True
        self.index = {s.fileno(): i for i, s in enumerate(self.socks)}

    def send(self, i, data, dst):
        try:
            self.socks[i].sendto(data, dst)
        except (BlockingIOError, OSError) as e:
            if getattr(e, "errno", None) in (errno.EAGAIN, errno.ENOBUFS, errno.ECONNREFUSED):
                return False
            raise
        self.sent_pkts += 1
        self.sent_bytes += len(data)
        return True

    def drain(self, timeout_ms=0, keep=False):
        for fd, _ in self.poller.poll(timeout_ms):
            s = self.by_fd[fd]
            for _ in range(64):
                try:
                    d = s.recv(65535)
                except (BlockingIOError, InterruptedError):
                    break
                except ConnectionRefusedError:
                    continue
                self.recv_pkts += 1
                self.recv_bytes += len(d)
                if keep:
                    self.replies.append((now(), self.index[fd], d))

    def close(self):
        for s in self.socks:
            s.close()


# ---- legitimate players --------------------------------------------------------------------

class Bots:
    """An arena-bot swarm: `--count N --seconds S --chat-every 1 --json FILE --quiet`."""

    def __init__(self, ctx, server, count, seconds, prefix="bot", chat_every=1):
        self.ctx = ctx
        self.server = server
        self.count = count
        self.seconds = seconds
        self.prefix = prefix
        self.chat_every = chat_every
        self.json_path = os.path.join(ctx.tmp, "%s_%s.json" % (server.tag, prefix))
        self.out_path = os.path.join(ctx.tmp, "%s_%s.out" % (server.tag, prefix))
        self.proc = None
        self.result = None
        self.rc = None

    def names(self):
        return ["%s%d" % (self.prefix, i) for i in range(self.count)]

    def start(self):
        cmd = [self.ctx.bin("arena-bot"), "--server", "%s:%d" % (LOCAL, self.server.port),
               "--count", str(self.count), "--seconds", str(self.seconds), "--json",
               self.json_path, "--quiet", "--name-prefix", self.prefix]
        if self.chat_every:
            cmd += ["--chat-every", str(self.chat_every)]
        self.outf = open(self.out_path, "wb")
        self.started_at = now()
        self.proc = self.ctx.spawn(cmd, stdout=self.outf, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, preexec_fn=legit_priority)
        return self

    def wait_playing(self, timeout=10.0):
        """Seconds until every bot entered the arena (server log), or None."""
        names = self.names()
        deadline = now() + timeout
        while now() < deadline:
            text = self.server.log_text()
            if all(("'%s' entered the arena" % n) in text for n in names):
                return now() - self.started_at
            if self.proc.poll() is not None:
                return None
            time.sleep(0.03)
        return None

    def wait(self, timeout=None):
        timeout = timeout if timeout is not None else self.seconds + 20
        try:
            self.rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.rc = self.proc.wait(5)
        self.outf.close()
        try:
            with open(self.json_path) as f:
                self.result = json.load(f)
        except (OSError, ValueError):
            self.result = None
        return self.result

    def summary_text(self):
        try:
            with open(self.out_path, "rb") as f:
                return f.read().decode("utf-8", "replace").strip()[-400:]
        except OSError:
            return ""

    def udp_ports(self):
        """The local UDP ports of this bot process's sockets (/proc/<pid>/fd + net/udp)."""
        inodes = set()
        fd_dir = "/proc/%d/fd" % self.proc.pid
        for fd in os.listdir(fd_dir):
            try:
                t = os.readlink(os.path.join(fd_dir, fd))
            except OSError:
                continue
            m = re.match(r"socket:\[(\d+)\]", t)
            if m:
                inodes.add(m.group(1))
        ports = []
        with open("/proc/%d/net/udp" % self.proc.pid) as f:
            next(f)
            for line in f:
                parts = line.split()
                local, inode = parts[1], parts[9]
                if inode in inodes:
                    ports.append(int(local.split(":")[1], 16))
        return sorted(ports)


class Chatters:
    """Two (or more) Python chatters in their own process (python3 harness.py chatters)."""

    def __init__(self, ctx, server, names=("lara", "theo"), bind="127.0.0.8",
                 bot_pattern=r"^(bot|new|post|big)\d+$", every=1.0):
        self.ctx = ctx
        self.server = server
        self.names = list(names)
        self.out_path = os.path.join(ctx.tmp, "%s_chatters.json" % server.tag)
        self.cmd = [sys.executable, os.path.join(HERE, "harness.py"), "chatters", "--port",
                    str(server.port), "--names", ",".join(self.names), "--bind", bind, "--out",
                    self.out_path, "--bot-pattern", bot_pattern, "--every", str(every)]
        self.proc = None
        self.result = None

    def start(self, timeout=8.0):
        self.proc = self.ctx.spawn(self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=None, preexec_fn=legit_priority)
        r, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline().decode().strip() if r else ""
        if line != "ready":
            raise RuntimeError("chatters did not log in: %r" % line)
        return self

    def stop(self, timeout=15.0):
        try:
            self.proc.stdin.write(b"stop\n")
            self.proc.stdin.flush()
        except OSError:
            pass
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        try:
            with open(self.out_path) as f:
                self.result = json.load(f)
        except (OSError, ValueError):
            self.result = None
        return self.result


# ---- the chatter process -------------------------------------------------------------------

def chatters_main(argv):
    """Logs in every name, prints "ready", SAYs a numbered line per chatter every --every s
    until "stop" arrives on stdin, then waits until every chatter received every other
    chatter's lines, QUITs and writes a JSON report: per chatter what it sent, what it got,
    any invalid or forbidden byte, every non-CHAT line, and — from the first chatter's
    stream, which has the same order as every other connection's — how many CHAT lines each
    bot must have received (those broadcast between its JOIN and its LEAVE, not its own)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--names", required=True)
    ap.add_argument("--bind", default="127.0.0.8")
    ap.add_argument("--out", required=True)
    ap.add_argument("--bot-pattern", required=True)
    # Not ~0.7 s: the flood control (1000 points a chat line, draining 1000/s, muted above
    # 5000) mutes a chatter who keeps up more than a line a second: at 0.7 s after ~10 s, at
    # 0.8 s after ~16 s or as soon as a server stall makes a few lines arrive at once. One
    # line a second is the fastest a legit chatter can keep up for ever.
    ap.add_argument("--every", type=float, default=1.0)
    a = ap.parse_args(argv)
    names = a.names.split(",")
    bot_rx = re.compile(a.bot_pattern)
    report = {"ok_login": [], "chatters": {}}
    conns = {}
    for n in names:
        c, ok, seen = login(a.port, n, bind=a.bind, timeout=5.0)
        if ok is None:
            report["ok_login"].append("%s: %s" % (n, seen))
        c.s.setblocking(False)
        conns[n] = {"c": c, "sent": 0, "got": {m: [] for m in names}, "chat_from": {},
                    "other": [], "eof_early": False, "quit": False, "done": False}
    if report["ok_login"]:
        print("login failed", flush=True)
        with open(a.out, "w") as f:
            json.dump(report, f)
        return 1
    print("ready", flush=True)
    # Bot accounting on the first chatter's stream.
    acct_open, acct_done = {}, {}

    def account(kind, who):
        if kind == "join" and bot_rx.match(who):
            acct_open[who] = 0
        elif kind == "leave" and who in acct_open:
            acct_done.setdefault(who, []).append(acct_open.pop(who))
        elif kind == "chat":
            for b in acct_open:
                if b != who:
                    acct_open[b] += 1

    rx_chat = re.compile(r"^CHAT (\S+) (.*)$")
    rx_line = re.compile(r"^line (\d+) from (\S+)$")

    def handle(name, st, text):
        m = rx_chat.match(text)
        first = name == names[0]
        if m:
            who, body = m.group(1), m.group(2)
            st["chat_from"][who] = st["chat_from"].get(who, 0) + 1
            lm = rx_line.match(body)
            if who in st["got"] and lm and lm.group(2) == who:
                st["got"][who].append(int(lm.group(1)))
            elif who in st["got"]:
                st["other"].append("forged? " + text)
            if first:
                account("chat", who)
            return
        if first:
            j = re.match(r"^JOIN \d+ (\S+)$", text)
            l = re.match(r"^LEAVE \d+ (\S+)( .*)?$", text)
            if j:
                account("join", j.group(1))
            elif l:
                account("leave", l.group(1))
        if len(st["other"]) < 3000:
            st["other"].append(text)

    def service(timeout, watch_stdin=True):
        socks = [st["c"].s for st in conns.values() if not st["done"]]
        extra = [sys.stdin] if watch_stdin else []
        r, _, _ = select.select(socks + extra, [], [], max(0.0, timeout))
        stop = False
        for s in r:
            if s is sys.stdin:
                sys.stdin.readline()  # "stop" (or EOF: the parent is gone)
                stop = True
                continue
            for name, st in conns.items():
                if st["c"].s is s:
                    c = st["c"]
                    try:
                        chunk = s.recv(65536)
                    except (BlockingIOError, InterruptedError):
                        continue
                    except OSError:
                        chunk = b""
                    if not chunk:
                        st["done"] = True
                        if not st["quit"]:
                            st["eof_early"] = True
                        continue
                    c.buf += chunk
                    while b"\n" in c.buf:
                        raw, c.buf = c.buf.split(b"\n", 1)
                        handle(name, st, c._decode(raw))
        return stop

    def say(name, st):
        st["sent"] += 1
        try:
            st["c"].s.setblocking(True)
            st["c"].s.settimeout(2.0)
            st["c"].s.sendall(("SAY line %d from %s\n" % (st["sent"], name)).encode())
        except OSError as e:
            st["other"].append("send failed: %s" % e)
        finally:
            st["c"].s.setblocking(False)

    start = now()
    next_say = {n: start + a.every * i / len(names) for i, n in enumerate(names)}
    hard_deadline = start + 120  # the chatter process never outlives a test
    stopping = False
    while not stopping and now() < hard_deadline:
        t = min(next_say.values())
        stopping = service(t - now())
        for n, st in conns.items():
            if now() >= next_say[n] and not st["done"]:
                say(n, st)
                next_say[n] += a.every
    # Drain: every chatter must receive every other chatter's last line.
    deadline = now() + 4.0
    while now() < deadline:
        missing = any(len(conns[n]["got"][m]) < conns[m]["sent"] for n in names for m in names
                      if not conns[n]["done"])
        if not missing:
            break
        service(0.1, False)
    for n, st in conns.items():
        st["quit"] = True
        try:
            st["c"].s.setblocking(True)
            st["c"].s.settimeout(1.0)
            st["c"].s.sendall(b"QUIT\n")
            st["c"].s.setblocking(False)
        except OSError:
            pass
    deadline = now() + 3.0
    while now() < deadline and not all(st["done"] for st in conns.values()):
        service(0.1, False)
    for n, st in conns.items():
        c = st["c"]
        miss = {}
        for m in names:
            want = set(range(1, conns[m]["sent"] + 1))
            got = st["got"][m]
            lost = sorted(want - set(got))
            if lost or len(got) != len(set(got)):
                miss[m] = {"lost": lost[:20], "n_lost": len(lost), "dupes": len(got) - len(set(got))}
        report["chatters"][n] = {"sent": st["sent"], "missing": miss, "bad": c.bad[:20],
                                 "n_bad": len(c.bad), "eof_early": st["eof_early"],
                                 "chat_from": st["chat_from"], "other": st["other"]}
    for b, n in acct_open.items():  # still logged in at the end (should not happen)
        acct_done.setdefault(b, []).append(n)
    report["bot_expected"] = {b: sum(v) for b, v in acct_done.items()}
    report["bot_sessions"] = {b: len(v) for b, v in acct_done.items()}
    with open(a.out, "w") as f:
        json.dump(report, f, ensure_ascii=False)
    return 0


# ---- the common scenario -------------------------------------------------------------------

class Scenario:
    """A server, its RSS sampler, 6 legit bots and 2 chatters; the attack runs between
    begin_attack() and end_attack(); finish() stops everything and runs the common checks."""

    def __init__(self, ctx, bot_seconds, sets=None, bots=6, tag="srv", sniff=False,
                 attacker_players=0, max_players=None, data_dir=None, bot_pattern=None,
                 bot_rate_gap=True, env=None):
        self.ctx = ctx
        self.server = Server(ctx, tag=tag, sets=sets, max_players=max_players, data_dir=data_dir,
                             env=env)
        self.bot_seconds = bot_seconds
        self.n_bots = bots
        self.sniff = sniff
        self.attacker_players = attacker_players
        self.bot_pattern = bot_pattern
        self.bot_rate_gap = bot_rate_gap  # False: the test judges rate and gaps itself
        self.extra_bots = []  # other Bots runs whose chat also counts (newcomers)
        self.before_stats = None
        self.sniffer = None
        self.rss_after = None

    def start(self):
        s = self.server.start()
        self.version = s.version
        log("server pid %d, protocol %d, TCP/UDP %d, discovery %d" %
            (s.pid, s.version, s.port, s.disc_port))
        self.rss = RssSampler(s.pid)
        self.rss.start()
        if self.sniff:
            self.sniffer = Sniffer([s.port, s.disc_port], enet_version=s.version)
            self.sniffer.start()
        # The idle baseline: the server with nobody in, after its start-up settled.
        time.sleep(0.3)
        self.rss_idle = s.rss_kb()
        kw = {}
        if self.bot_pattern:
            kw["bot_pattern"] = self.bot_pattern
        self.chatters = Chatters(self.ctx, s, **kw).start()
        self.bots = Bots(self.ctx, s, self.n_bots, self.bot_seconds).start()
        self.join_s = self.bots.wait_playing(10.0)
        self.ctx.check("legit bots joined before the attack", self.join_s is not None,
                       "%s s" % (None if self.join_s is None else round(self.join_s, 2)))
        time.sleep(0.3)
        return self

    def begin_attack(self):
        self.before_stats = self.server.live_stats()
        self.t_attack = now()
        self.rss_before = self.server.rss_kb()
        log("attack starts (RSS %s kB)" % self.rss_before)

    def end_attack(self):
        self.t_attack_end = now()
        dur = self.t_attack_end - self.t_attack
        log("attack ends after %.1f s" % dur)
        self.ctx.check("attack lasted at most 10 s", dur <= 10.5, "%.1f s" % dur)

    def mark_after(self):
        """Takes the "after" RSS sample now (default: when the legit players are done)."""
        self.rss_after = self.server.rss_kb()
        self.t_after = now()

    def finish(self):
        """Waits for the legit players, stops the server, common checks. Returns final stats."""
        ctx, s = self.ctx, self.server
        bots = self.bots.wait()
        for b in self.extra_bots:
            b.wait()
        chat = self.chatters.stop()
        if self.rss_after is None:
            self.rss_after = s.rss_kb()
        t_end = now()
        rc = s.stop()
        self.rss.stop()
        if self.sniffer:
            self.sniffer.stop()
        self.stats = s.stats
        ctx.check("server exited 0 on SIGTERM", rc == 0, "exit code %s" % rc)
        ctx.check("server wrote its stats JSON", s.stats is not None, s.stats_path)
        rep = s.sanitizer_reports()
        ctx.check("no sanitizer report in the server log", not rep, "; ".join(rep[:3]))
        self.check_bots(self.bots, bots, chat, rate_gap=self.bot_rate_gap)
        self.check_chatters(chat)
        if self.sniffer and self.sniffer.kernel_drops == 0 and s.stats:
            # The sniffer saw every datagram the server sent: a snapshot the server handed
            # to ENet (snapshots_sent) that is not on lo was dropped inside the server.
            wire = self.sniffer.snapshot_total()
            ctx.check("every snapshot the server sent went on the wire",
                      s.stats.get("snapshots_sent") == wire,
                      "snapshots_sent %s, seen on lo %d" % (s.stats.get("snapshots_sent"), wire))
        # RSS
        peak = self.rss.peak(self.t_attack, t_end)
        players = self.n_bots + len(self.chatters.names) + self.attacker_players + \
            sum(b.count for b in self.extra_bots)
        bound = (self.rss_idle or 0) + RSS_HEADROOM_KB + RSS_PER_PLAYER_KB * players
        self.rss_peak = peak
        ctx.row["rss"] = "%s → %s → %s MB (idle %s, bound %s)" % (
            mb(self.rss_before), mb(peak), mb(self.rss_after), mb(self.rss_idle), mb(bound))
        ctx.check("server RSS peak within idle + 64 MB + 2 MB/player",
                  peak is not None and peak <= bound,
                  "peak %s MB, bound %s MB (idle %s MB, %d players)" %
                  (mb(peak), mb(bound), mb(self.rss_idle), players))
        ctx.check("server RSS back down after the attack",
                  self.rss_after is not None and self.rss_before is not None and
                  self.rss_after <= self.rss_before + RSS_AFTER_SLACK_KB,
                  "before %s MB, after %s MB (slack %d MB)" %
                  (mb(self.rss_before), mb(self.rss_after), RSS_AFTER_SLACK_KB // MB))
        return s.stats

    def check_bots(self, bots_run, bots, chat, rate_gap=True, label="legit bots"):
        ctx = self.ctx
        if bots is None:
            ctx.check("%s wrote their JSON" % label, False, bots_run.summary_text())
            ctx.row.setdefault("legit", "bots: no JSON")
            return
        n = bots_run.count
        ctx.check("%s: all %d connected, 0 disconnects" % (label, n),
                  bots.get("connected") == n and bots.get("disconnects") == 0,
                  "connected %s, disconnects %s, exit %s" %
                  (bots.get("connected"), bots.get("disconnects"), bots_run.rc))
        rmin, gap = bots.get("snapshot_rate_hz_min"), bots.get("snapshot_gap_ms_max")
        if rate_gap:
            ctx.check("%s: slowest bot >= %g snapshots/s" % (label, RATE_MIN_HZ),
                      rmin is not None and rmin >= RATE_MIN_HZ,
                      "snapshot_rate_hz_min %s (mean %s; %s snapshots, %s stale, rtt p99 %s ms)" %
                      (rmin, bots.get("snapshot_rate_hz"), bots.get("snapshots_received"),
                       bots.get("stale_snapshots"), bots.get("rtt_ms_p99")))
            ctx.check("%s: no snapshot gap over %g ms" % (label, GAP_MAX_MS),
                      gap is not None and gap <= GAP_MAX_MS, "snapshot_gap_ms_max %s" % gap)
        ctx.check("%s: 0 decode errors" % label, bots.get("decode_errors") == 0,
                  "decode_errors %s" % bots.get("decode_errors"))
        sent, got = bots.get("chat_sent"), bots.get("chat_received")
        expected = None
        if chat and "bot_expected" in chat:
            expected = sum(v for b, v in chat["bot_expected"].items()
                           if b in bots_run.names())
        # The main swarm must have chatted; a short extra run may join too late to chat
        # (bots keep quiet in their last second) but must still receive every line.
        ok = sent is not None and (sent > 0 or label != "legit bots") and got == expected and \
            got is not None and got >= sent * (n - 1)
        ctx.check("%s: every CHAT line delivered to every bot" % label, ok,
                  "chat_sent %s, chat_received %s, expected %s (= %s from other bots + every "
                  "other CHAT broadcast while each bot was in)" %
                  (sent, got, expected, None if sent is None else sent * (n - 1)))
        if label == "legit bots":
            rate = "%s Hz" % rmin if rmin is not None else "n/a (mean %s Hz)" % \
                bots.get("snapshot_rate_hz")
            ctx.row["legit"] = "rate min %s / gap max %s ms / drops %s / chat %s/%s" % (
                rate, gap, bots.get("disconnects"), got, expected)

    def check_chatters(self, chat):
        ctx = self.ctx
        if chat is None or chat.get("ok_login"):
            ctx.check("chatters logged in and reported", False, chat and chat.get("ok_login"))
            return
        lost = {n: c["missing"] for n, c in chat["chatters"].items() if c["missing"]}
        bad = {n: c["bad"] for n, c in chat["chatters"].items() if c["bad"]}
        early = [n for n, c in chat["chatters"].items() if c["eof_early"]]
        sent = {n: c["sent"] for n, c in chat["chatters"].items()}
        ctx.check("chatters: every line of every chatter arrived to every chatter", not lost,
                  "sent %s, missing %s" % (sent, lost))
        ctx.check("chatters: every byte strict UTF-8, no separators/bidi/NEL", not bad,
                  json.dumps(bad, ensure_ascii=True)[:300])
        ctx.check("chatters: never disconnected", not early, early)
        # The bots' own lines reached the chatters too.
        b = self.bots.result or {}
        first = chat["chatters"][self.chatters.names[0]]
        from_bots = sum(v for k, v in first["chat_from"].items() if k in self.bots.names())
        ctx.check("chatters: every bot CHAT line arrived", from_bots == b.get("chat_sent"),
                  "from bots %d, bots sent %s" % (from_bots, b.get("chat_sent")))
        ctx.row["legit"] = ctx.row.get("legit", "") + " / chatters %s lines, lost %d" % (
            sum(sent.values()), sum(sum(x["n_lost"] for x in m.values()) for m in lost.values()))


def mb(kb):
    return None if kb is None else round(kb / 1024.0, 1)


def amplification(ctx, sent_pkts, sent_bytes, recv_pkts, recv_bytes, what="attacker sockets"):
    """Checks received/sent <= 1 in bytes and packets; returns the text for the row."""
    rb = recv_bytes / sent_bytes if sent_bytes else 0.0
    rp = recv_pkts / sent_pkts if sent_pkts else 0.0
    ctx.check("amplification <= 1 (%s)" % what, sent_pkts > 0 and rb <= 1.0 and rp <= 1.0,
              "sent %d pkts / %d B, received %d pkts / %d B: %.4f bytes, %.4f packets" %
              (sent_pkts, sent_bytes, recv_pkts, recv_bytes, rb, rp))
    return "%.3f B, %.3f pkts (%s)" % (rb, rp, what)


def create_fame_db(data_dir, rows):
    """Pre-creates DIR/arena.db with hall_of_fame rows (name, claim_hash or None)."""
    os.makedirs(data_dir, exist_ok=True)
    db = sqlite3.connect(os.path.join(data_dir, "arena.db"))
    db.execute("CREATE TABLE IF NOT EXISTS hall_of_fame (rank INTEGER PRIMARY KEY AUTOINCREMENT,"
               " name TEXT NOT NULL UNIQUE COLLATE NOCASE, found_at TEXT NOT NULL, map TEXT NOT "
               "NULL, name_key TEXT, claim_hash TEXT);")
    for name, claim_hash in rows:
        db.execute("INSERT INTO hall_of_fame (name, found_at, map, name_key, claim_hash) VALUES "
                   "(?, '2026-11-01 12:00:00', 'Road to Localhost', NULL, ?)", (name, claim_hash))
    db.commit()
    db.close()


def claim_hash(secret):
    import hashlib
    return hashlib.blake2b(secret, digest_size=32).hexdigest()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "chatters":
        sys.exit(chatters_main(sys.argv[2:]))
    print(__doc__)
