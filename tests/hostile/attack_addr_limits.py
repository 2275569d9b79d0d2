#!/usr/bin/env python3
"""attack_addr_limits.py — one host (127.0.0.3) takes everything it can: idle TCP connections,
chat-only logins, ENet peers (lingering ones: it logs out without acknowledging the server's
DISCONNECT, and logs in again), each up to and past its per-address limit (ip_max_prelogin 16,
ip_max_conns 32, ip_max_logins 24, ip_max_peers 32: the extra ones get `ERR full ... (per-address
limit N)`); then 40 more hosts (127.0.4.x) fill the whole connection table (512) with idle
connections, so the oldest not-logged-in ones are closed (`ERR full server busy`,
tcp_evicted). A newcomer from another address must still log in (Python, 127.0.0.7) and play
(arena-bot). Last, `arena-bot --count 16` from 127.0.0.1 (beside the 6 legit bots) must all
join this default-configured server (the old server refused the 9th game connection of one
address)."""
import re
import select
import time
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness as H  # noqa: E402

HOST = "127.0.0.3"


def open_idle(port, bind, n_max, stop_on_refusal=True):
    """Opens connections until one is refused. Returns (open conns, refusal line or None)."""
    conns = []
    for _ in range(n_max):
        try:
            c = H.LineConn(port, bind=bind, timeout=3.0)
            first = c.line(3.0)
        except (OSError, TimeoutError) as e:
            return conns, "error %s" % e
        if first is not None and first.startswith("HELLO "):
            conns.append(c)
            continue
        c.close()
        if stop_on_refusal:
            return conns, first
    return conns, None


def body(ctx):
    sc = H.Scenario(ctx, bot_seconds=6.5, attacker_players=24 + 2 + 16, sniff=True,
                    bot_pattern=r"^(bot|new|big)\d+$").start()
    srv, v = sc.server, sc.version
    port = srv.port
    sc.begin_attack()
    st0 = sc.before_stats
    notes = []

    # 1. idle connections up to ip_max_prelogin.
    idle, refusal = open_idle(port, HOST, 40)
    ok = refusal is not None and re.match(r"^ERR full .*per-address limit 16\)$", refusal)
    ctx.check("idle connections from one address: 16, then ERR full (per-address limit 16)",
              len(idle) == 16 and ok, "%d accepted, then %r" % (len(idle), refusal))
    notes.append("%d idle then %r" % (len(idle), refusal))
    # 2. log them in (chat only), then idle ones up to ip_max_conns.
    logged = []
    for i, c in enumerate(idle):
        c.cmd("LOGIN lim%d" % i)
        m, seen = c.expect(r"^(OK |ERR )", 3.0)
        if m and m.group(0).startswith("OK"):
            logged.append(c)
    more, refusal2 = open_idle(port, HOST, 40)
    ok = refusal2 is not None and re.match(r"^ERR full .*per-address limit 32\)$", refusal2)
    ctx.check("connections from one address: 32, then ERR full (per-address limit 32)",
              len(logged) == 16 and len(more) == 16 and ok,
              "%d logged in, %d more idle, then %r" % (len(logged), len(more), refusal2))
    # 3. logins up to ip_max_logins.
    login_refusal = None
    for i, c in enumerate(more):
        c.cmd("LOGIN lim%d" % (16 + i))
        m, seen = c.expect(r"^(OK |ERR ).*", 3.0)
        if m and m.group(0).startswith("OK"):
            logged.append(c)
        else:
            login_refusal = m.group(0) if m else seen[-1:]
            break
    ok = isinstance(login_refusal, str) and \
        re.match(r"^ERR full .*per-address limit 24\)$", login_refusal)
    ctx.check("logins from one address: 24, then ERR full (per-address limit 24)",
              len(logged) == 24 and ok, "%d logins, then %r" % (len(logged), login_refusal))
    # 4. ENet peers: one per login, then lingering ones (QUIT without acknowledging the
    #    server's DISCONNECT), until the per-address peer limit answers.
    peers = []
    peer_refusal = None
    # Room for the peer logins: eight lim* players leave (the server logs each release).
    left = r"'lim\d+' left \(quit\)"
    left_before = len(srv.wait_log(left, 0))
    for c in logged[:8]:
        c.cmd("QUIT")
        c.close()
    srv.wait_log(left, 3.0, count=left_before + 8)
    cycle = 0
    while cycle < 40 and peer_refusal is None:
        c, okm, seen = H.login(port, "peer%d" % cycle, bind=HOST)
        if okm is None:
            peer_refusal = "login refused: %r" % seen[-1:]
            break
        p = H.RawPeer(srv, HOST, v)
        got = p.handshake(H.connect_tag(H.token_of(okm)), timeout=1.0)
        peers.append(p)
        if not got:
            m, seen = c.expect(r"^ERR .*", 1.0)
            peer_refusal = m.group(0) if m else "no VERIFY_CONNECT, no ERR (%r)" % seen[-2:]
            c.close()
            break
        c.cmd("QUIT")  # the server disconnects the peer; we never acknowledge: it lingers
        c.expect(r"^BYE", 2.0)
        c.close()
        cycle += 1
    # Peers from this address now: 16 lim* logins have none; each cycle left one lingering.
    ok = isinstance(peer_refusal, str) and \
        re.match(r"^ERR full .*game connections.*per-address limit 32\)$", peer_refusal)
    ctx.check("ENet peers from one address: ERR full (per-address limit 32) past the limit", ok,
              "%d peers admitted, then %r" % (cycle, peer_refusal))
    # 5. fill the whole table from 40 other hosts.
    fill, evicted_lines = [], []
    for h in range(40):
        got, _ = open_idle(port, "127.0.4.%d" % (h + 1), 16)
        fill += got
        if len(fill) + 40 > 560:
            break
    # The evicted got one line and EOF: read whatever is readable (bounded).
    deadline = H.now() + 1.0
    pending = {c.s.fileno(): c for c in fill + idle + more if c.s.fileno() >= 0}
    poller = select.poll()
    for fd in pending:
        poller.register(fd, select.POLLIN)
    while pending and H.now() < deadline:
        r = poller.poll(100)
        if not r:
            break
        for fd, _ in r:
            poller.unregister(fd)
            c = pending.pop(fd)
            try:
                ln = c.line(0.05)
            except (TimeoutError, OSError):
                continue
            if ln is not None and ln.startswith("ERR full server busy"):
                evicted_lines.append(ln)
    ctx.check("table full: oldest idle connections closed with ERR full server busy",
              len(evicted_lines) >= 1,
              "%d idle connections opened from 40 hosts, %d got %r" %
              (len(fill), len(evicted_lines), evicted_lines[:1]))
    # 6. a newcomer from another address logs in and plays while the table is full.
    nc, okm, seen = H.login(port, "newbie", bind="127.0.0.7")
    ctx.check("newcomer (127.0.0.7) logs in with the table full", okm is not None, seen[-2:])
    newcomer = H.Bots(ctx, srv, 1, 2.5, prefix="new").start()
    sc.extra_bots.append(newcomer)
    join = newcomer.wait_playing(5.0)
    ctx.check("newcomer bot joins with the table full", join is not None, "%s s" % join)
    for c in fill + idle + more:
        c.close()
    nc.close()
    sc.end_attack()
    time.sleep(0.5)
    sc.mark_after()  # the sixteen bots below add players (and their memory) of their own
    # 7. sixteen bots from 127.0.0.1 (the legit six are there too) against this server.
    big = H.Bots(ctx, srv, 16, 2.5, prefix="big").start()
    sc.extra_bots.append(big)
    big_join = big.wait_playing(6.0)
    try:
        big_ports = big.udp_ports()
    except OSError:
        big_ports = []
    final = sc.finish()
    # What the server sent to each of the sixteen (seen on lo): tells a snapshot the server
    # never sent from one the bot lost.
    sent_to = sc.sniffer.per_dst(lambda sp, ip, port: sp == srv.port and ip == H.LOCAL and
                                 port in big_ports)
    counts = sorted(v[0] for v in sent_to.values())
    rates = sorted(round(r, 1) for r in sc.sniffer.snapshot_rates(
        lambda sp, ip, port: ip == H.LOCAL and port in big_ports).values())
    H.log("snapshots/s the server sent to each of the 16 bots (seen on lo): %s" % rates)
    for p in peers:
        p.close()
    sc.check_bots(newcomer, newcomer.result, sc.chatters.result, label="newcomer bot")
    sc.check_bots(big, big.result, sc.chatters.result, label="16 bots from one address")
    ctx.check("16 bots from 127.0.0.1 all joined", big_join is not None,
              "%s s; the server sent them %s snapshots/s (seen on lo, slowest to fastest)" %
              (big_join, rates[:2] + ["..."] + rates[-2:] if len(rates) > 4 else rates))
    for k in ("tcp_prelogin_limit", "tcp_addr_limit", "login_addr_limit", "udp_connect_limit",
              "tcp_evicted"):
        d = H.stat_delta(st0, final, k)
        ctx.check("%s counted" % k, d is not None and d > 0, "+%s" % d)
    ctx.row["sent"] = ("127.0.0.3: idle TCP to 17, 33 connections, 25 logins, lingering ENet "
                       "peers to the limit; 40 hosts x 16 idle (%d) to fill 512; newcomers; "
                       "16 bots from 127.0.0.1" % len(fill))
    ctx.row["server"] = "%s; answers: %r / %r / %r / %r / %d x %r" % (
        H.describe_deltas(st0, final, ["tcp_prelogin_limit", "tcp_addr_limit",
                                       "login_addr_limit", "udp_connect_limit", "tcp_evicted"]),
        refusal, refusal2, login_refusal, peer_refusal, len(evicted_lines),
        evicted_lines[0][:24] if evicted_lines else None)
    ctx.row["amplification"] = "n/a (TCP; ENet handshakes only)"


if __name__ == "__main__":
    H.main("addr_limits", __doc__, body)
