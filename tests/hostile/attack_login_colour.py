#!/usr/bin/env python3
"""attack_login_colour.py — LOGIN's colour=N (protocol 4). While the legit bots play, an
attacker (127.0.0.6) sends malformed colours (256, -1, 01, +3, letters, empty, 2^64, a colour=
with a space inside): every one must be answered `ERR args` and counted (login_bad_colour),
with no player made. Then the attacker takes colour 200 three times and every colour a legit bot has:
no two players may ever share a colour (OK's colour=), and a taken wish gets the nearest free
one and a NOTICE saying so. A plain `LOGIN name` (as nc types it) still works, with a colour
given by the server."""
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness as H  # noqa: E402

ATTACKER = "127.0.0.6"

BAD = ["colour=256", "colour=-1", "colour=01", "colour=+3", "colour=red", "colour=",
       "colour=18446744073709551616", "colour=1\u00a0", "colour=0x5"]


def login(port, line):
    c = H.LineConn(port, bind=ATTACKER, timeout=4.0)
    c.line(3.0)
    c.cmd(line)
    m, seen = c.expect(r"^(OK |ERR ).*$", 3.0)
    return (m.group(0) if m else None), c


def colour_of(ok):
    m = re.search(r" colour=(\d+)$", ok or "")
    return int(m.group(1)) if m else None


def body(ctx):
    sc = H.Scenario(ctx, bot_seconds=4, attacker_players=8).start()
    srv, v = sc.server, sc.version
    sc.begin_attack()
    st0 = sc.before_stats
    refused = 0
    for i, tok in enumerate(BAD):
        ans, c = login(srv.port, "LOGIN mallory%d %d %s" % (i, v, tok))
        c.close()
        ok = ans is not None and ans.startswith("ERR args ")
        refused += ok
        ctx.check("malformed %r refused with ERR args" % tok, ok, ans)
    held, colours = [], {}
    for name, line in (("c5a", "LOGIN c5a %d colour=200" % v), ("c5b", "LOGIN c5b %d colour=200" % v),
                       ("c5c", "LOGIN c5c colour=200"), ("plain", "LOGIN plain")):
        ans, c = login(srv.port, line)
        held.append(c)
        colours[name] = colour_of(ans)
        ctx.check("%s logged in with a colour" % name, colours[name] is not None, ans)
        if name == "c5b":
            m, _ = c.expect(r"^NOTICE colour 200 is taken: you have colour (\d+)", 2.0)
            ctx.check("the second colour=200 is told it is taken and gets the nearest free one",
                      m is not None and int(m.group(1)) in (199, 201) and
                      int(m.group(1)) == colours[name], m and m.group(0))
    ctx.check("the first colour=200 gets 200", colours.get("c5a") == 200, colours)
    # Every bot's colour, wished for by the attacker: still all distinct.
    for i in range(8):
        ans, c = login(srv.port, "LOGIN wish%d %d colour=%d" % (i, v, i))
        if ans and ans.startswith("OK"):
            held.append(c)
            colours["wish%d" % i] = colour_of(ans)
        else:
            c.close()
    rc, who, err = srv.ctl("who")
    got = [x for x in colours.values() if x is not None]
    ctx.check("no two of the attacker's players share a colour", len(got) == len(set(got)),
              sorted(got))
    for c in held:
        c.close()
    sc.end_attack()
    final = sc.finish()
    d = H.stat_delta(st0, final, "login_bad_colour")
    ctx.check("login_bad_colour counted", d is not None and d >= len(BAD), "+%s" % d)
    ctx.row["sent"] = "%d malformed colour=, colour=200 three times, 8 wishes for bots' colours, " \
                      "a plain LOGIN" % len(BAD)
    ctx.row["server"] = "%d/%d refused; colours %s; %s" % (
        refused, len(BAD), sorted(got), H.describe_deltas(st0, final, ["login_bad_colour"]))
    ctx.row["amplification"] = "n/a (TCP)"


if __name__ == "__main__":
    H.main("login_colour", __doc__, body)
