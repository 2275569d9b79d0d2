#!/usr/bin/env python3
"""attack_line_forging.py — chat text that would forge lines or reorder what a terminal shows:
SAY/ME/WHISPER with U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR, bidi embeddings,
overrides and isolates (U+202A-202E, U+2066-2069) must get `ERR args` (chat_unsafe) and reach
nobody; U+0085 (NEL, a C1 control) gets `ERR line control character`. Echoes of attacker
bytes cut to a length (the unknown command, the version, the whisper target) must stay valid
UTF-8 when the cut falls inside a character. The chatters' strict UTF-8 and forbidden
character checks, and a search for the forged text, prove nothing got through."""
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness as H  # noqa: E402

ATTACKER = "127.0.0.5"

UNSAFE = [0x2028, 0x2029, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]


def probes():
    """(line, expected answer regex, label)."""
    out = []
    for i, cp in enumerate(UNSAFE):
        ch = chr(cp)
        verb = ("SAY %s", "ME %s", "WHISPER lara %s")[i % 3]
        text = "hi%sCHAT theo forged-%d" % (ch, i)
        out.append((verb % text, r"^ERR args ", "%s with U+%04X" % (verb.split()[0], cp)))
    out.append(("SAY ok\u2028CHAT lara forged-sep", r"^ERR args ", "SAY U+2028 mid-text"))
    out.append(("WHISPER theo \u202eforged-rlo", r"^ERR args ", "WHISPER U+202E"))
    out.append(("SAY nel\u0085CHAT lara forged-nel", r"^ERR line control character$",
                "SAY with U+0085"))
    out.append(("ME nel\u0085forged-nel2", r"^ERR line control character$", "ME with U+0085"))
    # Echoes cut inside a character.
    for label, word in (("é at byte 32", "X" * 31 + "é"), ("emoji at byte 31", "X" * 30 + "😀"),
                        ("€ x 11", "€" * 11), ("é x 17", "é" * 17),
                        ("U+2028 at byte 31", "X" * 30 + "\u2028"),
                        ("U+2028 inside", "X" * 5 + "\u2028Y")):
        # An unknown command is echoed (cut on a character boundary) only when the echo is
        # safe text; one holding a separator is answered without the echo.
        sep = word.encode().find("\u2028".encode())
        echoed_sep = 0 <= sep and sep + 3 <= 32  # the echo is at most 32 bytes, whole chars
        answer = (r"^ERR unknown no such command \(try HELP\)$" if echoed_sep
                  else r"^ERR unknown no command '.*' \(try HELP\)$")
        out.append((word + " rest", answer, "unknown command cut: " + label))
    out.append(("WHISPER " + "€" * 6 + " hi", r"^ERR nosuch ", "whisper target cut"))
    return out


def body(ctx):
    sc = H.Scenario(ctx, bot_seconds=4, attacker_players=1).start()
    srv, v = sc.server, sc.version
    sc.begin_attack()
    st0 = sc.before_stats
    conns, answers, bad = [], [], []
    c = None
    chats = 0
    n = 0
    for line, rx, label in probes():
        # Flood points (1000 a chat or rejected line, 250 another): a fresh connection
        # before the mute (above 5000) could hide the answer under test.
        weight = 1000 if re.match(r"^(SAY|ME|WHISPER) ", line) or "\x85" in line else 250
        if c is None or chats + weight > 4000:
            c, ok, seen = H.login(srv.port, "mallory%d" % n, bind=ATTACKER)
            n += 1
            conns.append(c)
            chats = 0
            if not ctx.check("attacker logs in", ok is not None, seen[-1:]):
                return
        chats += weight
        c.cmd(line)
        # Our answer, or our own line relayed (what a server without the rule does); not
        # the broadcasts of others.
        m, seen = c.expect(r"^(ERR .*|(CHAT|ACTION|WHISPER) mallory\d+ .*)$", 3.0)
        ans = m.group(0) if m else None
        answers.append(ans)
        ctx.check("%s answered %s" % (label, rx), ans is not None and re.match(rx, ans),
                  "%r -> %r" % (line, ans))
    # The version echo, before login.
    c2 = H.LineConn(srv.port, bind=ATTACKER)
    c2.line(3.0)
    c2.cmd("LOGIN zed 1" + "€" * 6)
    m, _ = c2.expect(r"^ERR .*$", 3.0)
    ctx.check("version echo cut inside a character stays valid", m is not None and
              m.group(0).startswith("ERR version"), m and m.group(0))
    c2.send(b"SAY \xff\xfe bad bytes\n")
    m, _ = c2.expect(r"^ERR .*$", 3.0)
    ctx.check("invalid UTF-8 line: ERR line invalid UTF-8", m is not None and
              m.group(0) == "ERR line invalid UTF-8", m and m.group(0))
    conns.append(c2)
    echoed = []
    for x in conns:
        x.cmd("PING end")
        x.expect(r"^PONG end$", 2.0)
        bad += x.invalid
        echoed += [b for b in x.bad if b not in x.invalid]
        x.close()
    ctx.check("every byte the attacker got is strict UTF-8", not bad, bad[:3])
    if echoed:  # only back to the sender itself: noted, not a forgery of someone else's line
        H.log("note: separators/bidi echoed back to the attacker itself: %s" % echoed[:3])
    sc.end_attack()
    final = sc.finish()
    chat = sc.chatters.result or {}
    forged = [l for ch in chat.get("chatters", {}).values() for l in ch["other"]
              if "forged" in l]
    ctx.check("nothing forged reached the chatters", not forged, forged[:3])
    d = H.stat_delta(st0, final, "chat_unsafe")
    ctx.check("chat_unsafe counted", d is not None and d >= len(UNSAFE) + 2, "+%s" % d)
    ctx.row["sent"] = ("%d chat lines with U+2028/2029/bidi/NEL from %d connections; 5 unknown "
                       "commands cut mid-character; a version and a whisper target cut "
                       "mid-character; invalid UTF-8" % (len(UNSAFE) + 4, n))
    ctx.row["server"] = ("%s; %d/%d expected answers; attacker bytes all valid UTF-8: %s; "
                         "separators echoed to the sender itself: %d line(s)") % (
        H.describe_deltas(st0, final, ["chat_unsafe", "tcp_bad_lines"]),
        sum(1 for c in ctx.checks if " answered " in c[0] and c[1]), len(answers), not bad,
        len(echoed))
    ctx.row["amplification"] = "n/a (TCP)"


if __name__ == "__main__":
    H.main("line_forging", __doc__, body)
