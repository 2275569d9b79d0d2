#!/usr/bin/env python3
"""netbench.py — the netcode on bad networks: one table row per arena-netsim profile.

For each profile, a server on free loopback ports (tests/integration/with_server.sh), the
relay with that profile in front of it, 16 chatting bots for S seconds
(tests/integration/soak_netsim.py, the soak test's own measurement), then the same with
lag compensation off (`lagcomp_max_ms=0`) for the hit rate. Bots use the `chase`
behaviour so they aim at the players they see (interpolated) and fire. Prints a markdown
table; --json writes every run's numbers. Every run is bounded (the relay and the bots stop
by themselves); nothing leaves 127.0.0.1.

  python3 scripts/netbench.py --bin build/bin --map assets/arena.map --seconds 60
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROFILES = ["lan", "wifi", "dsl", "mobile", "netcode"]


def run(a, profile, lagcomp_ms):
    out = tempfile.mktemp(prefix=f"netbench-{profile}-", suffix=".json")
    server_args = ["--set", f"lagcomp_max_ms={lagcomp_ms}"] if lagcomp_ms is not None else []
    cmd = [os.path.join(ROOT, "tests/integration/with_server.sh"),
           os.path.join(a.bin, "arena-server"), a.map, "--"] + server_args + [
           "--", sys.executable, os.path.join(ROOT, "tests/integration/soak_netsim.py"),
           os.path.join(a.bin, "arena-netsim"), os.path.join(a.bin, "arena-bot"), profile,
           "--seconds", str(a.seconds), "--bots", str(a.bots), "--behaviour", "chase",
           "--no-assert", "--json", out]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=a.seconds + 180)
    if p.returncode != 0 or not os.path.exists(out):
        print(f"netbench: {profile} (lagcomp {lagcomp_ms}) failed:\n{p.stderr[-3000:]}",
              file=sys.stderr)
        return None
    with open(out) as f:
        row = json.load(f)
    os.unlink(out)
    return row


def fmt(v, spec="{:.1f}"):
    return "—" if v is None else spec.format(v)


def rate(r):
    if r is None or not r.get("shots"):
        return None
    return 100.0 * r["hits"] / r["shots"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "build/bin"))
    ap.add_argument("--map", default=os.path.join(ROOT, "assets/arena.map"))
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--bots", type=int, default=16)
    ap.add_argument("--profiles", default=",".join(PROFILES))
    ap.add_argument("--no-lagcomp-runs", action="store_true",
                    help="skip the second run of each profile with lag compensation off")
    ap.add_argument("--json")
    a = ap.parse_args()
    rows = []
    for prof in a.profiles.split(","):
        on = run(a, prof, None)
        off = None if a.no_lagcomp_runs else run(a, prof, 0)
        rows.append((prof, on, off))
        print(f"netbench: {prof} done", file=sys.stderr)
    print(f"{a.bots} bots (chase, chatting), {a.seconds:.0f} s per run, arena-netsim seed 7, "
          "bot seed 42; hit rate = hits / shots fired.\n")
    print("| profile | snapshots delivered | full / delta | inputs lost at server | "
          "prediction error mean / p99 / max (units) | visible corrections | "
          "interp delay mean / max (ms) | starvations | RTT p50 / p99 (ms) | B/s down per client | "
          "hit rate lagcomp on / off | disconnects | decode errors |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for prof, r, off in rows:
        if r is None:
            print(f"| {prof} | run failed |||||||||||| ")
            continue
        print(f"| {prof} | {r['delivered_pct']:.1f} % | {r['full_snapshots']} / "
              f"{r['delta_snapshots']} | {r['inputs_missing']} | "
              f"{r['pred_err_mean']:.3f} / {r['pred_err_p99']:.3f} / {r['pred_err_max']:.2f} | "
              f"{r['visible_corrections']} | {fmt(r['interp_delay_mean'])} / "
              f"{fmt(r['interp_delay_max'])} | {fmt(r['starvations'], '{}')} | "
              f"{r['rtt_p50']} / {r['rtt_p99']} | {r['down_Bps']:.0f} | "
              f"{fmt(rate(r))} % / {fmt(rate(off))} % | {r['disconnects']} | "
              f"{r['decode_errors']} |")
    if a.json:
        with open(a.json, "w") as f:
            json.dump([{"profile": p, "lagcomp": on, "no_lagcomp": off} for p, on, off in rows],
                      f, indent=1)
    return 0 if all(r is not None for _, r, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
