#!/usr/bin/env python3
"""report.py FILE — prints the hostile suite's result rows (one JSON line per test, as the tests
append them to $ARENA_HOSTILE_RESULTS) as a Markdown table, then the failed checks."""
import json
import sys

COLS = [("result", None), ("attack class", "class"), ("what was sent", "sent"),
        ("what the server did", "server"),
        ("legit: snapshot rate min / max gap / drops / chat delivered", "legit"),
        ("server RSS before → peak → after", "rss"), ("amplification", "amplification")]


def cell(v):
    return str("-" if v is None else v).replace("|", "\\|").replace("\n", " ")


def main(argv):
    if len(argv) != 2:
        print("usage: report.py FILE", file=sys.stderr)
        return 2
    rows = []
    with open(argv[1], encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    print("| " + " | ".join(c for c, _ in COLS) + " |")
    print("|" + "---|" * len(COLS))
    for r in rows:
        vals = ["PASS" if r.get("passed") else "**FAIL**"] + \
               [cell(r.get(k)) for _, k in COLS[1:]]
        print("| " + " | ".join(vals) + " |")
    failed = [r for r in rows if not r.get("passed")]
    if failed:
        print()
        print("Failed checks:")
        for r in failed:
            for c in r.get("failed_checks", []):
                print("- %s: %s" % (r.get("class"), c))
    total = sum(r.get("wall_s", 0) for r in rows)
    print()
    print("%d tests, %d passed, %d failed; %.0f s in the tests" %
          (len(rows), len(rows) - len(failed), len(failed), total))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
