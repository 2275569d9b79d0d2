#!/usr/bin/env python3
"""codec_compare.py — snapshot codec speed of this tree against an older git revision.

Builds arena-codec-bench (Release) from REV (git archive into a scratch directory, cached by
commit) and from the work tree (build/rel), then runs the two binaries alternately, old/new/
old/new..., and keeps per row the best (lowest) mean ns of the runs: on a shared machine the
best run is the one least disturbed. Prints a markdown table old / new / new÷old per row.
Ratios below 1 mean the work tree is faster. Byte sizes must agree (same wire format); a
mismatch is reported.

usage: scripts/codec_compare.py REV [--runs N] [--ticks T] [--players P] [--scratch DIR]"""
import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROW = re.compile(r"^\| (encode full|encode delta|decode delta|delta vs \d+ ticks back) \| ([\d.]+) \|")


def sh(cmd, **kw):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)


def build(src, build_dir):
    sh(["cmake", "-S", src, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
        "-DARENA_BIN_DIR=" + os.path.join(build_dir, "bin")])
    sh(["cmake", "--build", build_dir, "-j2", "--target", "arena-codec-bench"])
    return os.path.join(build_dir, "bin", "arena-codec-bench")


def build_rev(rev, scratch):
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--verify", rev + "^{commit}"],
                            check=True, capture_output=True, text=True).stdout.strip()
    base = os.path.join(scratch, commit[:12])
    src = os.path.join(base, "src")
    if not os.path.isdir(src):
        os.makedirs(src)
        archive = subprocess.Popen(["git", "-C", ROOT, "archive", commit], stdout=subprocess.PIPE)
        sh(["tar", "-x", "-C", src], stdin=archive.stdout)
        if archive.wait() != 0:
            sys.exit("codec_compare: git archive %s failed" % rev)
    return build(src, os.path.join(base, "build")), commit[:12]


def run(binary, args):
    """{(scenario, row): mean} of one run."""
    out = subprocess.run([binary] + args, capture_output=True, text=True).stdout
    rows, scenario = {}, None
    for line in out.splitlines():
        if line.startswith("### "):
            scenario = line[4:]
        m = ROW.match(line)
        if m and scenario:
            rows[(scenario, m.group(1))] = float(m.group(2))
    if not rows:
        sys.exit("codec_compare: %s printed no table" % binary)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rev", help="the older revision, e.g. 92a2910")
    ap.add_argument("--runs", type=int, default=15, help="runs of each binary (default 15)")
    ap.add_argument("--ticks", type=int, default=6000, help="ticks per scenario (default 6000)")
    ap.add_argument("--players", type=int, default=16)
    ap.add_argument("--scratch", default="/tmp/arena-codec-compare",
                    help="where old revisions are built (default /tmp/arena-codec-compare)")
    a = ap.parse_args()
    old_bin, commit = build_rev(a.rev, a.scratch)
    new_bin = build(ROOT, os.path.join(ROOT, "build", "rel"))
    args = ["--ticks", str(a.ticks), "--players", str(a.players)]
    best = {"old": {}, "new": {}}
    for _ in range(a.runs):
        for name, binary in (("old", old_bin), ("new", new_bin)):
            for key, v in run(binary, args).items():
                best[name][key] = min(v, best[name].get(key, v))
    print("Best of %d alternating runs, %d players, %d ticks per scenario; old = %s.\n"
          % (a.runs, a.players, a.ticks, commit))
    print("| scenario | row | old ns | new ns | new / old |")
    print("|---|---|---:|---:|---:|")
    for key in best["old"]:
        old, new = best["old"][key], best["new"].get(key)
        if key[1].startswith("delta vs"):
            if new != old:
                print("| %s | delta bytes differ: old %.1f, new %s | | | |" % (key[0], old, new))
            continue
        print("| %s | %s | %.0f | %.0f | %.3f |" % (key[0], key[1], old, new, new / old))


if __name__ == "__main__":
    main()
