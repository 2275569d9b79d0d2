#!/usr/bin/env python3
"""attack_join_refusals.py — every way a logged-in player's game join can be refused or fail,
each of which used to end in a silent ENet timeout on the client ("timeout: no ENet
connection") with nothing in the server log. The server (ip_max_peers 8, bind_timeout_ms
2000, token_ttl_ms 3000) must say each one in words on the login's TCP session
(docs/protocol.md §6, "ERR <code> <text>") and log it with the address and the reason:

  - the 9th game connection from one address (127.0.0.4: eight raw ENet peers bound, a ninth
    login's CONNECT): `ERR full too many game connections ... (per-address limit 8)`;
  - the 9th player from one address with the real client code: arena-bot --count 3 from
    127.0.0.1 beside the 6 legit bots; the third prints "never joined: server full: too many
    game connections from your address (per-address limit 8)", not a timeout;
  - a BIND with a token that is not the login's: `ERR join BIND token refused ...`;
  - a BIND with another protocol version: `ERR version BIND speaks protocol 99 ...`;
  - a connection that never sends its BIND: `ERR join no BIND within 2000 ms ...`;
  - a CONNECT after the login's token expired: `ERR join login token expired ...`.

Each refusal is told once per login (a retransmitted CONNECT does not repeat it). The legit
players see nothing."""
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness as H  # noqa: E402

CROWD = "127.0.0.4"  # fills its per-address peer share
LONE = "127.0.0.5"  # one login at a time, each failing differently
LIMIT = 8


def wait_err(conn, pattern, timeout, peer=None, tag=None):
    """Reads conn until an ERR line matching pattern (re-sending peer's CONNECT every second
    when peer is given, as an ENet client does). Returns (line or None, ERR lines seen)."""
    errs = []
    deadline = H.now() + timeout
    next_send = 0.0
    rx = re.compile(pattern)
    while H.now() < deadline:
        if peer is not None and H.now() >= next_send:
            peer.send_raw(peer.connect_datagram(tag))
            next_send = H.now() + 1.0
        m, seen = conn.expect(r"^ERR .*$", min(0.2, max(0.01, deadline - H.now())))
        if peer is not None:
            peer.pump()
        if m is None:
            if conn.eof:
                break
            continue
        errs.append(m.group(0))
        if rx.match(m.group(0)):
            return m.group(0), errs
    return None, errs


def check_told(ctx, srv, what, conn, tcp_rx, log_rx, timeout=6.0, peer=None, tag=None):
    line, errs = wait_err(conn, tcp_rx, timeout, peer, tag)
    ctx.check("%s: told on TCP" % what, line is not None, line or errs)
    logged = srv.wait_log(log_rx, 3.0)
    ctx.check("%s: logged with address and reason" % what, len(logged) == 1,
              "%d log lines /%s/" % (len(logged), log_rx))
    return line


def lone_login(ctx, srv, name, handshake=True):
    c, ok, seen = H.login(srv.port, name, bind=LONE)
    if not ctx.check("login %s" % name, ok is not None, seen[-1:]):
        return None, None, None
    token = H.token_of(ok)
    p = H.RawPeer(srv, LONE, srv.version)
    if handshake and not ctx.check("handshake %s" % name, p.handshake(H.connect_tag(token))):
        return None, None, None
    return c, p, token


def crowd(ctx, sc, srv):
    """Eight bound peers from CROWD, then a ninth login whose CONNECT is over the limit."""
    held = []
    for i in range(LIMIT):
        c, ok, seen = H.login(srv.port, "cr%d" % i, bind=CROWD)
        if not ctx.check("crowd login cr%d" % i, ok is not None, seen[-1:]):
            return held
        p = H.RawPeer(srv, CROWD, sc.version)
        if not ctx.check("crowd handshake cr%d" % i, p.handshake(H.connect_tag(H.token_of(ok)))):
            return held
        p.bind(H.token_of(ok))
        held.append((c, p))
    srv.wait_log(r"'cr%d' entered the arena" % (LIMIT - 1), 5.0)
    c, ok, seen = H.login(srv.port, "cr%d" % LIMIT, bind=CROWD)
    ctx.check("the 9th login from one address succeeds", ok is not None, seen[-1:])
    if ok is None:
        return held
    p = H.RawPeer(srv, CROWD, sc.version)
    check_told(ctx, srv, "9th game connection from one address", c,
               r"^ERR full too many game connections from your address \(per-address limit 8\)$",
               r"127\.0\.0\.4: game join of 'cr8' \(slot \d+\) refused: too many game "
               r"connections from your address \(per-address limit 8\)",
               peer=p, tag=H.connect_tag(H.token_of(ok)))
    # Its CONNECT keeps coming (ENet retries): still told once.
    line, errs = wait_err(c, r"^ERR ", 1.2, p, H.connect_tag(H.token_of(ok)))
    ctx.check("a refusal is told once per login", line is None, errs)
    held.append((c, p))
    return held


def ninth_bot(ctx, srv):
    """arena-bot from 127.0.0.1 beside the 6 legit bots: its third bot is the 9th player."""
    out = subprocess.run([ctx.bin("arena-bot"), "--server", "%s:%d" % (H.LOCAL, srv.port),
                          "--count", "3", "--seconds", "1", "--name-prefix", "nth",
                          "--behaviour", "idle"], capture_output=True, text=True, timeout=40)
    text = out.stdout + out.stderr
    said = re.search(r"never joined: server full: too many game connections from your address "
                     r"\(per-address limit 8\)", text)
    ctx.check("arena-bot prints the 9th player's reason (not a timeout)",
              said is not None and "timeout" not in text, text.strip()[-400:])


def lone(ctx, srv):
    # A BIND with someone else's (a made-up) token.
    c, p, token = lone_login(ctx, srv, "badtok")
    if c is None:
        return
    p.bind(os.urandom(16))
    check_told(ctx, srv, "BIND with a wrong token", c,
               r"^ERR join BIND token refused \(expired, already used or not this login's\)$",
               r"127\.0\.0\.5: game join of 'badtok' \(slot \d+\) refused: BIND token refused")
    c.close()
    p.close()
    # A BIND of another protocol version.
    c, p, token = lone_login(ctx, srv, "oldver")
    if c is None:
        return
    p.reliable_seq = 1
    p.send_raw(p.dgram(H.cmd_reliable(0, 1, bytes([1, 99]) + token)))
    check_told(ctx, srv, "BIND of another version", c,
               r"^ERR version BIND speaks protocol 99, this server \d+$",
               r"127\.0\.0\.5: game join of 'oldver' \(slot \d+\) refused: BIND speaks protocol 99")
    c.close()
    p.close()
    # A connection that never binds.
    c, p, token = lone_login(ctx, srv, "nobind")
    if c is None:
        return
    check_told(ctx, srv, "no BIND", c, r"^ERR join no BIND within 2000 ms of the game connection$",
               r"127\.0\.0\.5: game join of 'nobind' \(slot \d+\) refused: no BIND within 2000 ms")
    c.close()
    p.close()
    # A CONNECT after the token expired (token_ttl_ms 3000; the server logs the expiry).
    c, p, token = lone_login(ctx, srv, "stale", handshake=False)
    if c is None:
        return
    ctx.check("an unused token's expiry is logged",
              srv.wait_log(r"'stale' \(slot \d+\) has not joined the game: its token expired", 6.0))
    check_told(ctx, srv, "CONNECT after the token expired", c,
               r"^ERR join login token expired or already used: log in again$",
               r"127\.0\.0\.5: game join of 'stale' \(slot \d+\) refused: login token expired",
               timeout=8.0, peer=p, tag=H.connect_tag(token))
    c.close()
    p.close()


def body(ctx):
    sets = {"ip_max_peers": str(LIMIT), "bind_timeout_ms": "2000", "token_ttl_ms": "3000"}
    sc = H.Scenario(ctx, bot_seconds=14.0, sets=sets, attacker_players=LIMIT + 6,
                    bot_pattern=r"^(bot|nth)\d+$").start()
    srv = sc.server
    sc.begin_attack()
    held = crowd(ctx, sc, srv)
    ninth_bot(ctx, srv)
    for c, p in held:
        c.close()
        p.close()
    lone(ctx, srv)
    sc.end_attack()
    sc.finish()


if __name__ == "__main__":
    H.main("join_refusals", __doc__, body)
