#!/usr/bin/env python3
"""clientbench.py — arena-client's frame rate on the software renderer, by player count.

For each player count N: a server on free loopback ports (tests/integration/with_server.sh),
N-1 wandering bots, then arena-client (SDL offscreen video, the software renderer, no vsync,
no frame cap, 1280x720; SDL's dummy audio driver, so the mixing is counted) joined for S seconds, twice: the normal view, and the whole map in
view (--overview: every player drawn). The client's own --stats-json gives the frame rate.
Each row's FPS is also given as a ratio to the first row (the lone player) measured in the
same run, since absolute FPS on a shared machine says little. Every run is bounded; nothing
leaves 127.0.0.1.

  python3 scripts/clientbench.py --bin build/bin --players 1,16,64 --seconds 10
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

INNER = r'''
set -euo pipefail
bin=$1 bots=$2 secs=$3 out=$4 overview=$5
pid=
if [ "$bots" -gt 0 ]; then
    "$bin/arena-bot" --server "$ARENA_HOST:$ARENA_PORT" --count "$bots" --seconds $((secs + 15)) \
        --behaviour wander --quiet >/dev/null 2>&1 &
    pid=$!
    sleep 3  # the bots join (bounded: the client measures only its own frames)
fi
extra=()
[ "$overview" = 1 ] && extra+=(--overview)
SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy "$bin/arena-client" --connect \
    "$ARENA_HOST:$ARENA_PORT" --name bench --software --no-vsync --max-fps 0 \
    --window 1280x720 --quit-after "$secs" --stats-json "$out" "${extra[@]}" >/dev/null 2>&1
[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait || true
'''


def run(a, players, overview):
    out = tempfile.mktemp(prefix=f"clientbench-{players}-", suffix=".json")
    cmd = [os.path.join(ROOT, "tests/integration/with_server.sh"),
           os.path.join(a.bin, "arena-server"), a.map, "--", "--max-players", str(max(players, 8)),
           "--set", "ip_max_logins=256", "--set", "ip_max_peers=256", "--set",
           "ip_max_conns=300", "--set", "ip_max_prelogin=300", "--",
           "bash", "-c", INNER, "inner", a.bin, str(players - 1), str(a.seconds), out,
           "1" if overview else "0"]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=a.seconds + 120)
    if not os.path.exists(out):
        print(f"clientbench: {players} players failed:\n{p.stderr[-2000:]}", file=sys.stderr)
        return None
    with open(out) as f:
        row = json.load(f)
    os.unlink(out)
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "build/bin"))
    ap.add_argument("--map", default=os.path.join(ROOT, "assets/arena.map"))
    ap.add_argument("--players", default="1,16,64")
    ap.add_argument("--seconds", type=int, default=10)
    a = ap.parse_args()
    rows = []
    for n in [int(x) for x in a.players.split(",")]:
        rows.append((n, run(a, n, False), run(a, n, True)))
        print(f"clientbench: {n} players done", file=sys.stderr)
    base = {}
    print(f"arena-client, software renderer, 1280x720 offscreen, no vsync, no frame cap, "
          f"{a.seconds} s per run; players = the client + wandering bots.\n")
    print("| players | view | players drawn (mean) | FPS mean | FPS 1 % low | frame max (ms) | "
          "FPS vs 1 player |")
    print("|---|---|---|---|---|---|---|")
    for n, normal, whole in rows:
        for view, r in (("normal", normal), ("whole map", whole)):
            if r is None:
                print(f"| {n} | {view} | run failed ||||| ")
                continue
            base.setdefault(view, r["fps_mean"])
            ratio = r["fps_mean"] / base[view] if base[view] else 0.0
            print(f"| {n} | {view} | {r.get('players_in_view_mean', 0):.1f} | "
                  f"{r['fps_mean']:.0f} | {r['fps_p1_low']:.0f} | {r['frame_ms_max']:.1f} | "
                  f"{ratio:.2f} |")
    return 0 if all(r is not None for _, x, y in rows for r in (x, y)) else 1


if __name__ == "__main__":
    sys.exit(main())
