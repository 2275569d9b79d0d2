#!/usr/bin/env python3
"""attack_half_close.py — `printf 'LOGIN bob\\nWHO\\n' | nc -N host port`: a client that sends its
lines and shuts down its write side at once. It must get every answer (HELLO, OK, NOTICE, WHO
and its PLAYER lines), then EOF within ~2 s — for a fresh connection, and for one already
logged in (SAY, WHO, PING, then the half-close). A server that closes on the client's FIN
loses the answers; one that never closes keeps the connection forever."""
import re
import socket
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness as H  # noqa: E402

ATTACKER = "127.0.0.5"
EOF_WITHIN_S = 2.0
BROADCAST = re.compile(r"^(CHAT|ACTION|JOIN|LEAVE|HIT|NOTICE) ")


def check_who(lines, start):
    """From lines[start:], a WHO n followed by n PLAYER lines (broadcasts may interleave)."""
    i = start
    while i < len(lines) and not lines[i].startswith("WHO "):
        i += 1
    if i == len(lines):
        return False, "no WHO line"
    n = int(lines[i].split()[1])
    players = [l for l in lines[i + 1:] if l.startswith("PLAYER ")]
    return len(players) >= n and n >= 1, "WHO %d, %d PLAYER lines" % (n, len(players))


def fresh(ctx, port, name, version):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((ATTACKER, 0))
    s.settimeout(3)
    s.connect((H.LOCAL, port))
    s.sendall(("LOGIN %s\nWHO\n" % name).encode())
    s.shutdown(socket.SHUT_WR)
    t0 = H.now()
    c = H.LineConn.__new__(H.LineConn)
    c.s, c.buf, c.eof, c.bad, c.invalid, c.received, c.all = s, b"", False, [], [], 0, []
    lines, eof = c.read_to_eof(EOF_WITHIN_S + 1.0)
    took = H.now() - t0
    own = [l for l in lines if not BROADCAST.match(l) or l.startswith("NOTICE ")]
    ok = (len(own) >= 3 and own[0].startswith("HELLO %d " % version) and
          re.match(r"^OK token=[0-9a-f]{32} id=\d+ ", own[1]) and own[2].startswith("NOTICE "))
    who_ok, who_txt = check_who(lines, 0)
    ctx.check("half-close (fresh, %s): HELLO, OK, NOTICE, WHO+PLAYERs, then EOF within %g s" %
              (name, EOF_WITHIN_S), ok and who_ok and eof and took <= EOF_WITHIN_S and not c.bad,
              "%s; EOF %s after %.2f s; lines %r" % (who_txt, eof, took, own[:6]))
    s.close()
    return ok and who_ok and eof and took <= EOF_WITHIN_S


def logged_in(ctx, port, name, version):
    c, ok, seen = H.login(port, name, bind=ATTACKER)
    if not ctx.check("half-close (logged in): login", ok is not None, seen[-1:]):
        return False
    c.expect(r"^NOTICE ", 2.0)
    c.send("SAY hi from %s\nWHO\nPING x\n" % name)
    c.s.shutdown(socket.SHUT_WR)
    t0 = H.now()
    lines, eof = c.read_to_eof(EOF_WITHIN_S + 1.0)
    took = H.now() - t0
    said = any(l == "CHAT %s hi from %s" % (name, name) for l in lines)
    who_ok, who_txt = check_who(lines, 0)
    pong = any(l == "PONG x" for l in lines)
    good = said and who_ok and pong and eof and took <= EOF_WITHIN_S and not c.bad
    ctx.check("half-close (logged in, %s): CHAT, WHO+PLAYERs, PONG, then EOF within %g s" %
              (name, EOF_WITHIN_S), good, "CHAT %s, %s, PONG %s, EOF %s after %.2f s; %r" %
              (said, who_txt, pong, eof, took, lines[-5:]))
    c.close()
    return good


def body(ctx):
    sc = H.Scenario(ctx, bot_seconds=4, attacker_players=2).start()
    srv, v = sc.server, sc.version
    sc.begin_attack()
    st0 = sc.before_stats
    n_ok = 0
    n = 0
    for i in range(4):
        n += 1
        n_ok += fresh(ctx, srv.port, "bob%d" % i, v)
    for i in range(3):
        n += 1
        n_ok += logged_in(ctx, srv.port, "carol%d" % i, v)
    sc.end_attack()
    final = sc.finish()
    chat = sc.chatters.result or {}
    first = list(chat.get("chatters", {}).values())[:1]
    from_carol = sum(v for ch in first for k, v in ch["chat_from"].items()
                     if k.startswith("carol"))
    ctx.check("the half-closed SAY reached the chatters", from_carol == 3,
              "%d CHAT lines from carol*" % from_carol)
    ctx.row["sent"] = "4 x printf 'LOGIN bobN\\nWHO\\n' | nc -N; 3 logged-in SAY/WHO/PING + " \
                      "half-close"
    ctx.row["server"] = "%d/%d answered everything then closed within %g s" % (
        n_ok, n, EOF_WITHIN_S)
    ctx.row["amplification"] = "n/a (TCP)"


if __name__ == "__main__":
    H.main("half_close", __doc__, body)
