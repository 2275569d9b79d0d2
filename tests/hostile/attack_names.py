#!/usr/bin/env python3
"""attack_names.py — impersonation. While the legit `bot0` plays, an attacker (127.0.0.5) tries
names that look like it: invisible characters (zero-width space/joiner, word joiner, soft
hyphen, BOM), bidi overrides, space-like characters (U+00A0, U+2000, U+3000, U+3164 Hangul
filler), a Cyrillic homoglyph, fullwidth forms, other cases, 0/O. Every one must be refused
with ERR name or ERR taken, and no JOIN of a look-alike may reach the chatters.
Hall of fame (SQLite, pre-seeded before the server starts): the legend `vini` (with a claim
hash) cannot be taken without its claim or with a wrong one, can with the right one (and
wears the crown: `arena-ctl who` says legend); the legacy row `ana` (no claim hash yet) hands
its first login a `CLAIM ana <hex>` line, whose BLAKE2b-256 is then in the database and which
from then on is needed to log in as ana."""
import os
import re
import sqlite3
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness as H  # noqa: E402

ATTACKER = "127.0.0.5"

LOOKALIKES = [
    ("zero-width space", "bot\u200b0"),
    ("zero-width joiner", "bot\u200d0"),
    ("word joiner", "bot\u20600"),
    ("soft hyphen", "bo\u00adt0"),
    ("BOM", "\ufeffbot0"),
    ("RTL override", "\u202ebot0"),
    ("RTL override at the end", "bot0\u202e"),
    ("LTR isolate", "\u2066bot0\u2069"),
    ("no-break space", "bot\u00a00"),
    ("en quad", "bot\u20000"),
    ("ideographic space", "bot\u30000"),
    ("Hangul filler", "bot\u31640"),
    ("Cyrillic o", "b\u043et0"),
    ("fullwidth", "\uff42\uff4f\uff54\uff10"),
    ("upper case", "BOT0"),
    ("title case", "Bot0"),
    ("0 as O", "botO"),
    ("O for 0 and o", "b0tO"),
    ("the name itself", "bot0"),
]


def attempt(port, name, version, claim=None, conn=None):
    """LOGIN name [version claim]; returns (answer line, conn, extra lines up to NOTICE)."""
    c = conn or H.LineConn(port, bind=ATTACKER, timeout=4.0)
    if conn is None:
        c.line(3.0)
    c.cmd("LOGIN %s%s" % (name, " %d %s" % (version, claim) if claim else ""))
    m, seen = c.expect(r"^(OK |ERR ).*$", 3.0)
    return (m.group(0) if m else None), c, seen


def body(ctx):
    secret = os.urandom(16)
    data_dir = os.path.join(ctx.tmp, "srv_data")
    H.create_fame_db(data_dir, [("vini", H.claim_hash(secret)), ("ana", None)])
    sc = H.Scenario(ctx, bot_seconds=4, data_dir=data_dir, attacker_players=2).start()
    srv, v = sc.server, sc.version
    sc.begin_attack()
    st0 = sc.before_stats
    conn = None
    refused = 0
    for label, name in LOOKALIKES:
        ans, conn, _ = attempt(srv.port, name, v, conn=conn)
        ok = ans is not None and (ans.startswith("ERR name ") or ans.startswith("ERR taken "))
        refused += ok
        ctx.check("look-alike of bot0 refused: %s" % label, ok, "%r -> %r" % (name, ans))
        if ans and ans.startswith("OK"):
            conn.close()
            conn = None
    if conn:
        conn.close()
    # The legend.
    wrong = os.urandom(16).hex()
    for label, name, claim in (("no claim", "vini", None), ("other case, no claim", "VINI", None),
                               ("wrong claim", "vini", wrong)):
        ans, c, _ = attempt(srv.port, name, v, claim)
        c.close()
        ctx.check("legend vini not taken with %s" % label,
                  ans is not None and re.match(r"^ERR taken .*legend", ans), ans)
    ans, vini, _ = attempt(srv.port, "vini", v, secret.hex())
    ctx.check("legend vini logs in with its claim", ans is not None and ans.startswith("OK"), ans)
    # The legacy row: the first login gets the claim.
    ans, ana, seen = attempt(srv.port, "ana", v)
    claim_line = None
    if ans and ans.startswith("OK"):
        m, more = ana.expect(r"^CLAIM ana ([0-9a-f]{32})$", 2.0)
        claim_line = m
    ctx.check("legacy legend ana: first login gets a CLAIM line",
              claim_line is not None, "%r then %r" % (ans, claim_line and claim_line.group(0)))
    rc, who, err = srv.ctl("who")
    crowned = {m.group(1) for m in re.finditer(r"^PLAYER \d+ (\S+) \S+ \S+ \S+ \d+ legend", who,
                                               re.M)}
    ctx.check("arena-ctl who: vini and ana wear the crown", rc == 0 and
              {"vini", "ana"} <= crowned, "rc %s, legends %s, %s" % (rc, sorted(crowned), err))
    db = sqlite3.connect(os.path.join(data_dir, "arena.db"))
    row = db.execute("SELECT claim_hash FROM hall_of_fame WHERE name = 'ana'").fetchone()
    db.close()
    ctx.check("ana's claim hash stored (BLAKE2b-256 of the secret)", claim_line is not None and
              row is not None and row[0] == H.claim_hash(bytes.fromhex(claim_line.group(1))),
              "db %r" % (row,))
    left_before = len(srv.wait_log(r"'ana' left \(quit\)", 0))
    ana.cmd("QUIT")
    ana.expect(r"^BYE", 2.0)
    ana.close()
    srv.wait_log(r"'ana' left \(quit\)", 2.0, count=left_before + 1)  # the name is free
    ans, c, _ = attempt(srv.port, "ana", v)
    c.close()
    ctx.check("ana without its new claim: ERR taken",
              ans is not None and ans.startswith("ERR taken"), ans)
    if claim_line is not None:
        ans, ana2, _ = attempt(srv.port, "ana", v, claim_line.group(1))
        ctx.check("ana with its claim: OK", ans is not None and ans.startswith("OK"), ans)
        ana2.close()
    vini.close()
    sc.end_attack()
    final = sc.finish()
    chat = sc.chatters.result or {}
    joins = [l for c in chat.get("chatters", {}).values() for l in c["other"]
             if l.startswith("JOIN ")]
    fake = [l for l in joins if re.search(r"(?i)b.?[o0].?t.?[0o]", l) and
            not re.match(r"^JOIN \d+ bot\d$", l)]
    ctx.check("no JOIN of a look-alike reached the chatters", not fake, fake[:3])
    for k in ("login_bad_name", "login_taken"):
        d = H.stat_delta(st0, final, k)
        ctx.check("%s counted" % k, d is not None and d > 0, "+%s" % d)
    ctx.row["sent"] = ("%d look-alikes of bot0 (invisible, bidi, space-like, Cyrillic, "
                       "fullwidth, case, 0/O); legend vini without/with wrong/right claim; "
                       "legacy legend ana" % len(LOOKALIKES))
    ctx.row["server"] = "%d/%d refused; %s; crowned %s" % (
        refused, len(LOOKALIKES), H.describe_deltas(st0, final, ["login_bad_name",
                                                                 "login_taken"]),
        sorted(crowned))
    ctx.row["amplification"] = "n/a (TCP)"


if __name__ == "__main__":
    H.main("names", __doc__, body)
