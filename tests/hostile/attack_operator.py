#!/usr/bin/env python3
"""attack_operator.py — the operator's tools against live players, and the control socket
against everyone else. arena-ctl kicks a playing peer and a chatter, mutes and unmutes, says
a notice to everyone, bans a name and an address (the banned are kicked, refused at TCP accept
with `ERR banned` and at ENet admission: udp_connect_banned); the IP ban survives a restart of
the server on the same data directory. `arena-ctl status` must count the players who are
really playing. Another uid is refused: by the socket file's mode (0600) and, when it gets
past the file (CAP_DAC_OVERRIDE), by the server itself (`ERR permission denied`, ctl_refused).
Garbage commands get ERR and exit 1 (refused) or 2 (usage)."""
import json
import os
import re
import socket
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness as H  # noqa: E402

NOBODY = 65534


def as_nobody_plain(path):
    """Connects to the control socket as uid nobody (no capabilities): errno or None."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            os._exit(0)
        except PermissionError:
            os._exit(13)
        except OSError as e:
            os._exit(min(e.errno or 1, 120))
        except BaseException:
            os._exit(121)
    _, status = os.waitpid(pid, 0)
    return os.WEXITSTATUS(status)


NOBODY_CODE = r"""
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(1.5)
s.connect(sys.argv[1])
data = b""
try:  # a refusal comes at once; only if nothing came, try a command
    data = s.recv(4096)
    if not data:
        raise SystemExit
except socket.timeout:
    s.sendall(b"status\n")
    s.settimeout(3)
    try:
        while True:
            d = s.recv(4096)
            if not d:
                break
            data += d
    except (socket.timeout, OSError):
        pass
sys.stdout.write(data.decode("utf-8", "replace"))
"""


def as_nobody_with_dac_override(path):
    """uid nobody that may bypass file permissions: what does the server itself answer?"""
    cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
           "--inh-caps=+dac_override", "--ambient-caps=+dac_override",
           os.path.realpath(sys.executable), "-c", NOBODY_CODE, path]
    r = subprocess.run(cmd, capture_output=True, timeout=10)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def raw_ctl(path, data, timeout=3.0):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    s.sendall(data)
    out = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
            if out.count(b"\n") >= 1 and (b"ERR" in out or b"OK" in out) and len(data) < 100:
                break
    except socket.timeout:
        pass
    s.close()
    return out.decode("utf-8", "replace")


def playing_in_who(text):
    return sum(1 for l in text.splitlines() if re.match(r"^PLAYER \d+ \S+ \S+ playing ", l))


def body(ctx):
    sc = H.Scenario(ctx, bot_seconds=5.5, attacker_players=5).start()
    srv, v = sc.server, sc.version
    sock_path = os.path.join(srv.data_dir, "arena.sock")
    ctx.check("arena-ctl exists", ctx.have("arena-ctl"), ctx.bin("arena-ctl"))
    sc.begin_attack()
    st0 = sc.before_stats
    # Targets: a playing peer, chatters.
    pv, okp, seen = H.login(srv.port, "victim", bind="127.0.0.11")
    peer = None
    if okp:
        peer = H.RawPeer(srv, "127.0.0.11", v)
        if peer.handshake(H.connect_tag(H.token_of(okp))):
            peer.bind(H.token_of(okp))
            end = H.now() + 2
            while H.now() < end and "'victim' entered the arena" not in srv.log_text():
                peer.pump()
                time.sleep(0.02)
    ctx.check("victim playing", "'victim' entered the arena" in srv.log_text())
    talker, _, _ = H.login(srv.port, "talker", bind="127.0.0.11")
    mutee, _, _ = H.login(srv.port, "mutee", bind="127.0.0.12")
    bannee, _, _ = H.login(srv.port, "bannee", bind="127.0.0.13")
    baddie, _, _ = H.login(srv.port, "baddie", bind="127.0.0.14")

    rc, out, err = srv.ctl("kick", "victim", "go", "away")
    peer.pump() if peer else None
    m, _ = pv.expect(r"^BYE kicked go away$", 2.0)
    lines, eof = pv.read_to_eof(2.0)
    ctx.check("kick a playing player: exit 0, BYE kicked <reason>, EOF",
              rc == 0 and m is not None and eof, "rc %s %r %r, BYE %s, EOF %s" %
              (rc, out.strip(), err.strip(), m is not None, eof))
    srv.wait_log(r"'victim' left \(kicked\)", 2.0)
    if peer:
        peer.pump()
    rc, out, err = srv.ctl("kick", "talker")
    m, _ = talker.expect(r"^BYE kicked", 2.0)
    ctx.check("kick a chatter: exit 0, BYE kicked", rc == 0 and m is not None, (rc, out, err))
    # status must count what who shows as playing.
    rc1, who, _ = srv.ctl("who")
    st = None
    rc2, out, _ = srv.ctl("status")
    for line in out.splitlines():
        if line.startswith("{"):
            st = json.loads(line)
    ctx.check("status counts the players really playing (as who shows them)",
              rc1 == 0 and st is not None and st.get("players") == playing_in_who(who),
              "status players %s, who shows %d playing" %
              (st and st.get("players"), playing_in_who(who)))

    rc, out, err = srv.ctl("mute", "mutee", "1")
    m1, _ = mutee.expect(r"^NOTICE .*muted", 2.0)
    mutee.cmd("SAY while muted forged-mute")
    m2, _ = mutee.expect(r"^ERR flood muted by the operator", 2.0)
    rcw, who, _ = srv.ctl("who")
    muted_shown = re.search(r"^PLAYER \d+ mutee .* muted$", who, re.M) is not None
    rcu, _, _ = srv.ctl("unmute", "mutee")
    mutee.expect(r"^NOTICE ", 2.0)
    mutee.cmd("SAY after unmute")
    m3, _ = mutee.expect(r"^CHAT mutee after unmute$", 2.0)
    ctx.check("mute: exit 0, NOTICE, SAY refused, who says muted; unmute: SAY works",
              rc == 0 and m1 and m2 and muted_shown and rcu == 0 and m3,
              "rc %s notice %s refused %s who %s unmute %s said %s" %
              (rc, bool(m1), bool(m2), muted_shown, rcu, bool(m3)))
    rc, out, err = srv.ctl("say", "hello", "from", "the", "operator")
    ctx.check("say: exit 0", rc == 0, (rc, out, err))

    rc, out, err = srv.ctl("ban", "127.0.0.13", "60", "test", "ban")
    m, _ = bannee.expect(r"^BYE ", 2.0)
    _, eof = bannee.read_to_eof(2.0)
    c = H.LineConn(srv.port, bind="127.0.0.13")
    first = c.line(2.0)
    c.close()
    ctx.check("ban an address: exit 0, its player gets BYE and EOF, a new connection ERR banned",
              rc == 0 and m is not None and eof and first is not None and
              first.startswith("ERR banned"), "rc %s %r, %r, EOF %s, new: %r" %
              (rc, out.strip(), m and m.group(0), eof, first))
    rc, out, err = srv.ctl("ban", "baddie", "60")
    m, _ = baddie.expect(r"^BYE ", 2.0)
    c, okb, seenb = H.login(srv.port, "baddie", bind="127.0.0.15")
    c.close()
    ctx.check("ban a name: exit 0, kicked, the name refused from another address",
              rc == 0 and m is not None and okb is None and seenb and
              str(seenb[-1]).startswith("ERR banned"), "rc %s %r, then %r" % (rc, out, seenb[-1:]))
    rc, bans, _ = srv.ctl("bans")
    ctx.check("bans lists the address ban", rc == 0 and re.search(r"^BAN ip 127\.0\.0\.13 ", bans,
                                                                  re.M), bans.strip()[:200])
    # A CONNECT from the banned address is refused at admission.
    bp = H.RawPeer(srv, "127.0.0.13", v)
    got = bp.handshake(0x12345678, timeout=0.6)
    ctx.check("CONNECT from a banned address: no answer", not got, "VERIFY %s" % got)
    # Garbage commands.
    bad = [(("frobnicate",), (1, 2)), (("kick",), (1, 2)), (("mute", "nobody_here"), (1,)),
           (("ban",), (1, 2)), (("mute", "mutee", "0"), (1, 2)),
           (("say", "x\u2028forged-ctl"), (1, 2)), (("unban", "127.9.9.9"), (1,)),
           (("unmute", "nobody_here"), (1,)), (("--no-such-option", "who"), (2,)),
           (("kick", "x" * 600), (1, 2))]
    bad_ok = 0
    for args, codes in bad:
        rc, out, err = srv.ctl(*args)
        ok = rc in codes and err.strip() != ""
        bad_ok += ok
        ctx.check("garbage command %r: exit %s with a message" % (args[:2], codes), ok,
                  "rc %s, stderr %r" % (rc, err.strip()[:120]))
    if os.path.exists(sock_path):
        out = raw_ctl(sock_path, b"\xff\xfe\xfd\n")
        ctx.check("control socket: invalid UTF-8 answered ERR", out.startswith("ERR"), repr(out))
        out = raw_ctl(sock_path, b"help\n" * 200, timeout=2.0)
        ctx.check("control socket: a pile of commands is cut off with ERR",
                  "ERR" in out, repr(out[-80:]))
        mode = os.stat(sock_path).st_mode & 0o777
        ctx.check("control socket is mode 0600", mode == 0o600, oct(mode))
        e = as_nobody_plain(sock_path)
        ctx.check("uid nobody cannot open the control socket (EACCES)", e == 13, "exit %s" % e)
        rc, out, err = as_nobody_with_dac_override(sock_path)
        ctx.check("uid nobody past the file mode: the server answers ERR permission denied",
                  out.startswith("ERR permission denied") and '"stats"' not in out,
                  "rc %s out %r err %r" % (rc, out[:80], err.strip()[:120]))
    else:
        ctx.check("control socket exists", False, sock_path)
    for x in (pv, talker, mutee, bannee, baddie):
        x.close()
    sc.end_attack()
    final = sc.finish()
    chat = sc.chatters.result or {}
    first = list(chat.get("chatters", {}).values())[:1]
    other = [l for ch in first for l in ch["other"]]
    ctx.check("chatters got the operator's notice",
              "NOTICE [operator] hello from the operator" in other, [l for l in other
                                                                    if "operator" in l][:2])
    ctx.check("chatters saw LEAVE ... kicked", any(re.match(r"^LEAVE \d+ victim kicked", l)
                                                   for l in other),
              [l for l in other if l.startswith("LEAVE")][:4])
    ctx.check("the muted line never reached anyone, the unmuted one did",
              all("forged-mute" not in l for l in other) and
              first and first[0]["chat_from"].get("mutee") == 1,
              "CHAT lines from mutee: %s" % (first and first[0]["chat_from"].get("mutee")))
    for k in ("tcp_banned", "login_banned", "udp_connect_banned", "ctl_refused"):
        d = H.stat_delta(st0, final, k)
        ctx.check("%s counted" % k, d is not None and d > 0, "+%s" % d)
    # Restart on the same data directory: the address ban is still there.
    srv2 = H.Server(ctx, tag="srv2", data_dir=srv.data_dir, port=srv.port,
                    disc_port=srv.disc_port).start()
    c = H.LineConn(srv2.port, bind="127.0.0.13")
    first_line = c.line(2.0)
    c.close()
    rc, bans, _ = srv2.ctl("bans")
    ctx.check("after a restart: the banned address gets ERR banned",
              first_line is not None and first_line.startswith("ERR banned"), first_line)
    ctx.check("after a restart: bans lists it", rc == 0 and "127.0.0.13" in bans, bans.strip())
    rc, out, err = srv2.ctl("unban", "127.0.0.13")
    c = H.LineConn(srv2.port, bind="127.0.0.13")
    after = c.line(2.0)
    c.close()
    ctx.check("unban: exit 0, the address is let in", rc == 0 and after is not None and
              after.startswith("HELLO "), "rc %s, %r" % (rc, after))
    quick = H.Bots(ctx, srv2, 2, 1.5, prefix="bot").start()
    res = quick.wait()
    rc2 = srv2.stop()
    ctx.check("restarted server: bots play, exit 0", res is not None and
              res.get("connected") == 2 and res.get("disconnects") == 0 and rc2 == 0,
              "bots %s, exit %s" % (res and res.get("connected"), rc2))
    rep = srv2.sanitizer_reports()
    ctx.check("no sanitizer report in the restarted server's log", not rep, rep[:2])
    ctx.row["sent"] = ("kick (playing, chatting), mute/unmute, say, ban IP and name, %d garbage "
                       "commands, invalid UTF-8 and 200 lines on the socket, uid nobody; restart"
                       % len(bad))
    ctx.row["server"] = "%s; garbage refused %d/%d; after restart: %r" % (
        H.describe_deltas(st0, final, ["tcp_banned", "login_banned", "udp_connect_banned",
                                       "ctl_refused"]), bad_ok, len(bad), first_line)
    ctx.row["amplification"] = "n/a"


if __name__ == "__main__":
    H.main("operator", __doc__, body)
