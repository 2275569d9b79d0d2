#!/usr/bin/env bash
# client_killfeed_shot.sh ARENA_CLIENT ARENA_BOT — the kill feed, headless, in pixels.
#
# Run through with_server.sh on killroom.map (an 8 x 4 room) with no warm-up. Six chase bots
# kill each other there about once a second (measured: 17 kills in 20 s with four). An idle
# client joins and takes a screenshot after 8 s with the SDL offscreen video driver and the
# software renderer; a kill stays in the feed for 6 s, so the feed is not empty then. The
# room is drawn in the middle of the screen, so the feed's place (top right, under the
# minimap) shows nothing but the feed: the test checks there, in pixels, that
#   - at least two different player colours are there (a killer's and a victim's name), and
#   - the text colour is there (the " > " between them: about 3 exact pixels each);
# and that the bots did kill (their JSON). Any sanitizer report from the client fails it.
set -euo pipefail
if [ $# -ne 2 ]; then
    echo "usage: $0 ARENA_CLIENT ARENA_BOT (run by with_server.sh)" >&2
    exit 2
fi
client=$1
bot=$2
: "${ARENA_HOST:?run me through with_server.sh}" "${ARENA_PORT:?}"
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d "${TMPDIR:-/tmp}/arena-feed.XXXXXX")
bot_pid=""
cleanup() {
    if [ -n "$bot_pid" ] && kill -0 "$bot_pid" 2>/dev/null; then
        kill -KILL "$bot_pid" 2>/dev/null || true
        wait "$bot_pid" 2>/dev/null || true
    fi
    [ -n "${KEEP_OUT:-}" ] && cp -r "$out" "$KEEP_OUT"; rm -rf "$out"
}
trap cleanup EXIT
export SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy
export LSAN_OPTIONS="suppressions=$here/client_lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

fail() {
    echo "client_killfeed_shot: FAIL: $*" >&2
    for f in "$out"/*.log; do
        [ -f "$f" ] || continue
        echo "---- $(basename "$f") ----" >&2
        tail -n 30 "$f" >&2
    done
    exit 1
}

"$client" --print-palette >"$out/palette.txt" || fail "arena-client --print-palette failed"
"$bot" --server "$ARENA_HOST:$ARENA_PORT" --count 6 --seconds 12 --behaviour chase \
    --json "$out/bots.json" --quiet >"$out/bot.log" 2>&1 &
bot_pid=$!
set +e
timeout -k 5 60 "$client" --connect "$ARENA_HOST:$ARENA_PORT" --name watcher --software \
    --screenshot "$out/feed.bmp" --quit-after 8 >"$out/client.log" 2>&1
rc=$?
set -e
[ "$rc" = 0 ] || fail "arena-client exited with $rc (want 0)"
if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$out/client.log"; then
    fail "sanitizer report in client.log"
fi
[ -s "$out/feed.bmp" ] || fail "no screenshot"
wait "$bot_pid" || true
bot_pid=""

python3 - "$here" "$out/palette.txt" "$out/feed.bmp" "$out/bots.json" <<'PY' || fail "pixels"
import json, sys
sys.path.insert(0, sys.argv[1])
import bmp

roles, players = bmp.palette(sys.argv[2])
w, h, px = bmp.load(sys.argv[3])
kills = json.load(open(sys.argv[4]))["kills"]
# The feed's place: right of the centred room, below the minimap (at most 150 + 16 + 12
# pixels tall), six lines down.
box = (3 * w // 4, 180, w, h // 2)
names = sorted(((bmp.count(px, c, *box), i) for i, c in enumerate(players)), reverse=True)
arrows = bmp.count(px, roles["text"], *box)
shown = [f"player {i}: {n}" for n, i in names if n]
print(f"client_killfeed_shot: bots' kills {kills}; in the feed's place: text pixels {arrows}, "
      f"player colours {', '.join(shown) or 'none'}")
problems = []
if kills < 1:
    problems.append("the bots killed nobody in 12 s (the room is too big or the match is off)")
if len([n for n, _ in names if n >= 15]) < 2:
    problems.append("fewer than two player colours (15 pixels each) in the kill feed's place")
if arrows < 5:
    problems.append(f"no ' > ' in the text colour in the kill feed's place ({arrows} pixels)")
for p in problems:
    print("client_killfeed_shot:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
echo "client_killfeed_shot: ok"
