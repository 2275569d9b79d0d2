#!/usr/bin/env bash
# client_match_screenshot.sh ARENA_CLIENT ARENA_BOT — the match HUD and the end screen, headless.
#
# Run through with_server.sh with a 6 s match, no warm-up and a 20 s end screen
# (--time-limit 6 --warmup 0 --set end_screen_s=20). With the SDL offscreen video driver and
# the software renderer it checks, in pixels, what a player sees (an idle bot plays along):
#   1. during the match: the health bar (full: the "good" colour, a 220 x 14 bar) in the top
#      centre, and no end screen (no accent line of 400 pixels: its frame);
#   2. a player joining while the match is over sees the end screen: the accent-coloured frame
#      of its panel in the middle of the screen, and its title: the winner's name in a player
#      colour, or (nobody scored: a draw) "Draw: no winner" in the text colour.
# Any sanitizer report from the client fails the test.
set -euo pipefail
if [ $# -ne 2 ]; then
    echo "usage: $0 ARENA_CLIENT ARENA_BOT (run by with_server.sh)" >&2
    exit 2
fi
client=$1
bot=$2
: "${ARENA_HOST:?run me through with_server.sh}" "${ARENA_PORT:?}"
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d "${TMPDIR:-/tmp}/arena-match.XXXXXX")
bot_pid=""
cleanup() {
    if [ -n "$bot_pid" ] && kill -0 "$bot_pid" 2>/dev/null; then
        kill -KILL "$bot_pid" 2>/dev/null || true
        wait "$bot_pid" 2>/dev/null || true
    fi
    rm -rf "$out"
}
trap cleanup EXIT
export SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy
export LSAN_OPTIONS="suppressions=$here/client_lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

fail() {
    echo "client_match_screenshot: FAIL: $*" >&2
    for f in "$out"/*.log; do
        [ -f "$f" ] || continue
        echo "---- $(basename "$f") ----" >&2
        tail -n 30 "$f" >&2
    done
    exit 1
}

shoot() { # LOG BMP SECONDS
    set +e
    timeout -k 5 60 "$client" --connect "$ARENA_HOST:$ARENA_PORT" --name "$4" --software \
        --screenshot "$2" --quit-after "$3" >"$1" 2>&1
    local rc=$?
    set -e
    [ "$rc" = 0 ] || fail "arena-client exited with $rc (want 0)"
    if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$1"; then
        fail "sanitizer report in $(basename "$1")"
    fi
    [ -s "$2" ] || fail "no screenshot $2"
}

"$client" --print-palette >"$out/palette.txt" || fail "arena-client --print-palette failed"

# The bot joins with the first client (the match starts when the first player is in) and wins
# it, standing still, after the first client left.
"$bot" --server "$ARENA_HOST:$ARENA_PORT" --count 1 --seconds 30 --behaviour idle \
    >"$out/bot.log" 2>&1 &
bot_pid=$!
# 1. The match is on: the HUD.
shoot "$out/running.log" "$out/running.bmp" 2 alpha
# 2. The 6 s match is over 5 s later (the end screen lasts 20 s): a new player sees it.
sleep 5
shoot "$out/ended.log" "$out/ended.bmp" 3 bravo

python3 - "$here" "$out/palette.txt" "$out/running.bmp" "$out/ended.bmp" <<'PY' || fail "pixels"
import sys
sys.path.insert(0, sys.argv[1])
import bmp

roles, players = bmp.palette(sys.argv[2])
problems = []
w, h, run = bmp.load(sys.argv[3])
bar = bmp.count(run, roles["good"], w // 2 - 130, 0, w // 2 + 130, 110)
# The end screen's frame: a horizontal accent line at least 400 pixels long (its panel is 520
# wide); the player's own ring and name label, also accent, are far shorter.
mid_run = bmp.longest_run(run, roles["accent"], w // 8, h // 8, 7 * w // 8, 7 * h // 8)
print(f"client_match_screenshot: running: health bar pixels {bar}, longest accent line {mid_run}")
if bar < 2500:
    problems.append(f"no full health bar in the top centre ({bar} good pixels, want >= 2500)")
if mid_run >= 400:
    problems.append(f"an end screen during the match (an accent line of {mid_run} pixels)")
w, h, end = bmp.load(sys.argv[4])
frame = bmp.longest_run(end, roles["accent"], w // 8, h // 8, 7 * w // 8, 7 * h // 8)
winner = max(bmp.count(end, c, w // 4, h // 8, 3 * w // 4, h // 2) for c in players)
draw = bmp.count(end, roles["text"], w // 4, h // 8, 3 * w // 4, h // 2)
print(f"client_match_screenshot: ended: longest accent line {frame}, winner colour pixels "
      f"{winner}, title text pixels {draw}")
if frame < 400:
    problems.append(f"no end screen frame (longest accent line {frame} pixels, want >= 400)")
if winner < 100 and draw < 300:
    problems.append(f"no title: neither a winner's name in a player colour ({winner} pixels) "
                    f"nor the draw in the text colour ({draw} pixels)")
for p in problems:
    print("client_match_screenshot:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
echo "client_match_screenshot: ok"
