#!/usr/bin/env python3
"""test_tcp.py — the TCP login/chat protocol, spoken the way the seed talk does it: a plain
socket, send(), recv(), encode()/decode(). Run by with_server.sh, which provides ARENA_HOST and
ARENA_PORT; the server runs with --max-players 8, login_timeout_ms=1500, tcp_outbuf_bytes=4096.
Every check is something a player with nc would notice."""
import os
import re
import socket
import sys
import time
import unittest

HOST = os.environ.get("ARENA_HOST", "127.0.0.1")
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "protocol.h")) as f:
    PROTO_VERSION = int(re.search(r"PROTO_VERSION = (\d+),", f.read()).group(1))
PORT = int(os.environ.get("ARENA_PORT", "7777"))


class Client:
    def __init__(self, rcvbuf=None):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.settimeout(5)
        self.s.connect((HOST, PORT))
        self.buf = b""
        hello = self.line()
        assert hello.startswith("HELLO %d " % PROTO_VERSION), hello

    def send(self, text):
        self.s.sendall(text.encode() if isinstance(text, str) else text)

    def cmd(self, text):
        self.send(text + "\n")

    def line(self, timeout=3.0):
        """Next line, or None at EOF. Raises on timeout."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no line within %.1fs (have %r)" % (timeout, self.buf))
            self.s.settimeout(left)
            try:
                chunk = self.s.recv(4096)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                return None
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\n", 1)
        return raw.decode()

    def _until(self, pattern, timeout):
        """Reads lines until one matches pattern (regex): (the match, the lines before it)."""
        seen = []
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no line matching %r; saw %r" % (pattern, seen))
            ln = self.line(left)
            if ln is None:
                raise AssertionError("closed before %r; saw %r" % (pattern, seen))
            m = re.match(pattern, ln)
            if m:
                return m, seen
            seen.append(ln)

    def expect(self, pattern, timeout=3.0):
        """Reads lines until one matches pattern (regex), skipping the others; the match."""
        return self._until(pattern, timeout)[0]

    def lines_until(self, pattern, timeout=3.0):
        """Every line before the first that matches pattern (which is consumed)."""
        return self._until(pattern, timeout)[1]

    def closed(self, timeout=3.0):
        """True if the server closes the connection within timeout (lines are skipped)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.line(deadline - time.monotonic()) is None:
                    return True
            except TimeoutError:
                return False
        return False

    def login(self, name):
        self.cmd("LOGIN " + name)
        m = self.expect(r"^OK token=([0-9a-f]{32}) id=(\d+) udp=(\d+) version=" + str(PROTO_VERSION) + r" tick=60 snap=(\d+) colour=(\d+)$")
        self.id = int(m.group(2))
        self.udp = int(m.group(3))
        return m

    def close(self):
        self.s.close()


class TcpProtocol(unittest.TestCase):
    def test_login_answers_ok_with_token_and_ports(self):
        c = Client()
        m = c.login("vini")
        self.assertEqual(c.udp, PORT)
        c.cmd("QUIT")
        c.expect(r"^BYE$")
        self.assertTrue(c.closed())

    def test_say_me_whisper_reach_the_right_people(self):
        a, b, c = Client(), Client(), Client()
        a.login("ana")
        b.login("Bia")
        c.login("caio")
        a.cmd("SAY ola, mundo! Road to Localhost")
        for x in (a, b, c):
            x.expect(r"^CHAT ana ola, mundo! Road to Localhost$")
        b.cmd("ME acena")
        for x in (a, b, c):
            x.expect(r"^ACTION Bia acena$")
        a.cmd("WHISPER bia psiu, segredo")  # names match case-insensitively
        a.expect(r"^WHISPER ana Bia psiu, segredo$")
        b.expect(r"^WHISPER ana Bia psiu, segredo$")
        # The server handled the whisper before c's PING (a's line came first and b has it),
        # so a whisper sent to c would arrive before the PONG.
        c.cmd("PING marker")
        before = c.lines_until(r"^PONG marker$")
        self.assertFalse([ln for ln in before if "psiu" in ln or ln.startswith("WHISPER")],
                         "a third player saw the whisper: %r" % before)
        a.cmd("WHISPER nobody hi")
        a.expect(r"^ERR nosuch ")
        a.cmd("WHO")
        n = int(a.expect(r"^WHO (\d+)$").group(1))
        names = {a.expect(r"^PLAYER \d+ (\S+) \d+ (?:-|\d+) (?:playing|chatting)$").group(1)
                 for _ in range(n)}
        self.assertTrue({"ana", "Bia", "caio"} <= names)
        c.cmd("QUIT bye")
        a.expect(r"^LEAVE %d caio quit$" % c.id)
        for x in (a, b, c):
            x.close()

    def test_login_errors(self):
        a = Client()
        a.cmd("SAY before login")
        a.expect(r"^ERR auth ")
        a.cmd("LOGIN bad!name")
        a.expect(r"^ERR name ")
        a.cmd("LOGIN " + "x" * 17)
        a.expect(r"^ERR name ")
        a.cmd("LOGIN someone 99")
        a.expect(r"^ERR version ")
        a.cmd("LOGIN")
        a.expect(r"^ERR args ")
        a.login("Gamer")
        a.cmd("LOGIN again")
        a.expect(r"^ERR state ")
        # The command table checks arguments before a command runs.
        a.cmd("WHISPER nobody")
        a.expect(r"^ERR args usage: WHISPER <name> <text>$")
        a.cmd("SAY")
        a.expect(r"^ERR args chat text must be 1-200 bytes$")
        b = Client()
        b.cmd("LOGIN gamer")
        b.expect(r"^ERR taken ")
        b.cmd("FROBNICATE")
        b.expect(r"^ERR unknown ")
        b.login("Pythonista")  # the talk's own word, spelled right
        a.close()
        b.close()

    def test_bad_lines_get_errors_and_the_connection_keeps_working(self):
        a = Client()
        a.login("lines")
        a.send(b"SAY " + b"y" * 600 + b"\n")
        a.expect(r"^ERR line .*too long")
        a.send(b"SAY \xff\xfe broken\n")
        a.expect(r"^ERR line .*UTF-8")
        a.send(b"SAY nul\x00byte\n")
        a.expect(r"^ERR line .*control")
        a.send(b"\r\n\n")  # empty lines are ignored
        a.send(b"PI")
        # A round trip on another connection: its PING arrived after the "PI", so by its PONG
        # the server has read the "PI" alone.
        other = Client()
        other.cmd("PING after")
        other.expect(r"^PONG after$")
        other.close()
        a.send(b"NG split\r\n")  # a line split across two sends
        a.expect(r"^PONG split$")
        a.send("SAY ação é ok, 日本語も\n".encode())
        a.expect(r"^CHAT lines ação é ok, 日本語も$")
        a.close()

    def test_flood_mutes_then_disconnects_and_server_keeps_serving(self):
        a = Client()
        a.login("spammer")
        w = Client()
        w.login("watcher")
        for i in range(12):
            a.cmd("SAY spam %d" % i)
        a.expect(r"^NOTICE you are muted")
        a.expect(r"^ERR flood muted for \d+ s$")
        got = 0
        w.cmd("PING end")
        while True:
            ln = w.line()
            if ln == "PONG end":
                break
            if ln.startswith("CHAT spammer"):
                got += 1
        self.assertLess(got, 12)  # the muted lines never reached anyone
        self.assertGreaterEqual(got, 4)  # a short burst is fine
        for i in range(40):
            try:
                a.cmd("SAY more spam %d" % i)
            except (BrokenPipeError, ConnectionResetError):
                break
        self.assertTrue(a.closed())
        w.expect(r"^LEAVE \d+ spammer flood$")
        c = Client()
        c.login("afterflood")
        for x in (a, w, c):
            x.close()

    def test_silent_connection_times_out(self):
        a = Client()
        a.expect(r"^ERR timeout ", timeout=4)
        self.assertTrue(a.closed())

    def test_slow_reader_is_dropped_not_buffered(self):
        slow = Client(rcvbuf=1024)
        slow.login("slowpoke")
        talkers = [Client() for _ in range(4)]
        for i, t in enumerate(talkers):
            t.login("talker%d" % i)
        # The slow client asks for lots of output and never reads it.
        for _ in range(60):
            try:
                slow.cmd("HELP")
            except (BrokenPipeError, ConnectionResetError):
                break
        text = "z" * 200
        for t in talkers:
            for _ in range(4):
                t.cmd("SAY " + text)
        talkers[0].expect(r"^LEAVE %d slowpoke disconnected$" % slow.id, timeout=5)
        for t in talkers:
            t.close()
        slow.close()

    def test_server_full(self):
        # --max-players 8: fill what is left, then one more is refused.
        clients, full = [], None
        for i in range(9):
            c = Client()
            c.cmd("LOGIN filler%d" % i)
            ln = c.expect(r"^(?:OK|ERR) .*$").group(0)
            clients.append(c)
            if ln.startswith("ERR"):
                self.assertRegex(ln, r"^ERR full ")
                full = c
                break
        self.assertIsNotNone(full, "nine logins all accepted with max_players 8")
        for c in clients:
            c.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
