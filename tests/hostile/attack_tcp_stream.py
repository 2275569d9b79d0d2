#!/usr/bin/env python3
"""attack_tcp_stream.py — one TCP connection (from 127.0.0.4) streams bytes as fast as it can:
one endless line, then nothing but "\\n", then a flood of valid command lines (logged in:
SAY and PING). The server must read it at its budget (tcp_read_rate: tcp_throttled), report
the over-long line once (ERR line), drop the flooder (BYE flood: tcp_flood_dropped), keep its
memory bounded, and the legitimate players must not notice."""
import select
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness as H  # noqa: E402

ATTACKER = "127.0.0.4"
PHASE_S = 1.6


def stream(port, chunk, seconds, login_name=None):
    """Connects, optionally logs in, then sends chunk over and over for seconds, reading
    whatever comes back. Returns (bytes the kernel took, lines received, eof seen, bad bytes),
    or, when the login is refused, (None, [the greeting, the answer], True, [])."""
    c = H.LineConn(port, bind=ATTACKER, timeout=3.0)
    hello = c.line(3.0)  # HELLO
    if login_name:
        c.cmd("LOGIN " + login_name)
        m, _ = c.expect(r"^(OK .*|ERR .*)$", 3.0)
        if m is None or not m.group(0).startswith("OK "):
            c.close()
            return None, [hello, m.group(0) if m else None], True, []
    s = c.s
    s.setblocking(False)
    sent = 0
    deadline = H.now() + seconds
    raw = b""
    eof = False
    while H.now() < deadline and not eof and sent < (1 << 30):
        try:
            sent += s.send(chunk)
        except BlockingIOError:
            pass
        except (BrokenPipeError, ConnectionResetError):
            eof = True
            break
        r, w, _ = select.select([s], [s], [], 0.01)
        if r:
            try:
                d = s.recv(65536)
                if not d:
                    eof = True
                raw += d
            except (BlockingIOError, ConnectionResetError):
                pass
    # What else is already there (an answer to the last bytes).
    end = H.now() + 0.3
    while H.now() < end and not eof:
        r, _, _ = select.select([s], [], [], 0.05)
        if r:
            try:
                d = s.recv(65536)
            except (BlockingIOError, ConnectionResetError):
                d = b""
            if not d:
                eof = True
            raw += d
    c.buf = raw
    lines = []
    while b"\n" in c.buf:
        ln, c.buf = c.buf.split(b"\n", 1)
        lines.append(c._decode(ln))
    bad = c.bad
    c.close()
    return sent, lines, eof, bad


def body(ctx):
    sc = H.Scenario(ctx, bot_seconds=7.5, attacker_players=1).start()
    srv = sc.server
    port = srv.port
    sc.begin_attack()
    st0 = sc.before_stats

    # A: one endless line.
    sent_a, lines_a, _, bad_a = stream(port, b"A" * 65536, PHASE_S)
    st1 = srv.live_stats()
    too_long = [l for l in lines_a if l.startswith("ERR line")]
    ctx.check("endless line: exactly one ERR line (too long)", len(too_long) == 1,
              "%d bytes sent, got %r" % (sent_a, lines_a[:4]))
    d = H.stat_delta(st0, st1 or srv.live_stats(), "tcp_throttled")
    ctx.check("endless line: reading throttled (tcp_throttled counted)", d is not None and d > 0,
              "tcp_throttled %s" % ("missing" if d is None else "+%d" % d))

    # B: nothing but newlines (empty lines are ignored: only the read budget stops them).
    sent_b, lines_b, _, bad_b = stream(port, b"\n" * 65536, PHASE_S)
    st2 = srv.live_stats()
    d = H.stat_delta(st1, st2, "tcp_throttled") if st1 else None
    ctx.check("newline stream: reading throttled (tcp_throttled counted)",
              d is not None and d > 0, "%d bytes sent; tcp_throttled %s, answers %r" %
              (sent_b, "missing" if d is None else "+%d" % d, lines_b[:3]))

    # C: valid command lines, logged in, reconnecting each time the server drops us.
    # A round whose login is refused (the previous rounds' connections from this address not
    # closed yet: the per-address limits) sends nothing and is not a flood round.
    rounds, byes, sent_c, lines_c, bad_c, refused = 0, 0, 0, [], [], []
    flood = b"".join(b"SAY spam %d\nPING x\n" % i for i in range(2000))
    end = H.now() + PHASE_S
    while H.now() < end and rounds < 20000:
        n, lines, eof, bad = stream(port, flood, max(0.2, end - H.now()), login_name="mallory")
        if n is None:
            refused.append(lines)
            time.sleep(0.01)
            continue
        rounds += 1
        sent_c += n
        lines_c += lines
        bad_c += bad
        byes += sum(1 for l in lines if l == "BYE flood")
        if not eof:
            break
    sc.end_attack()
    ctx.check("command flood: BYE flood each round", byes >= 1 and byes == rounds,
              "%d rounds, %d BYE flood, last lines %r; %d logins refused (%r)" %
              (rounds, byes, lines_c[-3:], len(refused), refused[:1]))
    ctx.check("command flood: logins refused only while earlier rounds' connections close",
              len(refused) <= rounds, "%d refused, %d rounds" % (len(refused), rounds))
    ctx.check("attacker got only valid UTF-8 without separators", not (bad_a + bad_b + bad_c),
              (bad_a + bad_b + bad_c)[:3])

    final = sc.finish()
    d = H.stat_delta(st0, final, "tcp_flood_dropped")
    ctx.check("command flood: tcp_flood_dropped counted", d is not None and d >= byes,
              "tcp_flood_dropped %s" % ("missing" if d is None else "+%d" % d))
    ctx.row["sent"] = ("endless line %d kB; newlines %d kB; %d flood rounds (%d kB of SAY/PING)" %
                       (sent_a // 1024, sent_b // 1024, rounds, sent_c // 1024))
    ctx.row["server"] = "%s; attacker got: %s / BYE flood x%d" % (
        H.describe_deltas(st0, final, ["tcp_throttled", "tcp_bad_lines", "tcp_flood_dropped"]),
        too_long[:1], byes)
    ctx.row["amplification"] = "n/a (TCP)"


if __name__ == "__main__":
    H.main("tcp_stream", __doc__, body)
