#!/usr/bin/env bash
# client_screenshot.sh ARENA_CLIENT ARENA_BOT — arena-client, headless, against a real server.
#
# Run through with_server.sh (which starts arena-server on free loopback ports and exports
# ARENA_HOST, ARENA_PORT, ARENA_DISC_PORT). With the SDL offscreen video driver and the
# software renderer it checks what a player would see or notice:
#   1. with 6 wandering bots in the arena, `--connect ... --screenshot --quit-after 4` exits 0
#      and the picture shows the map (floor and wall colours in quantity) and players (at
#      least two palette colours, one of them a whole player disc);
#   2. against a port where nothing listens it exits non-zero quickly, saying why;
#   3. a name already in use is refused in words, non-zero, quickly;
#   4. the title screen finds the server by LAN discovery (sent to 127.0.0.1);
#   5. with the server stopped (SIGSTOP) the HUD shows the CONNECTION PROBLEM warning.
# Any sanitizer report from the client fails the test (LSan suppressions: third-party
# libraries only, client_lsan.supp).
set -euo pipefail
if [ $# -ne 2 ]; then
    echo "usage: $0 ARENA_CLIENT ARENA_BOT (run by with_server.sh)" >&2
    exit 2
fi
client=$1
bot=$2
: "${ARENA_HOST:?run me through with_server.sh}" "${ARENA_PORT:?}" "${ARENA_DISC_PORT:?}"
here=$(cd "$(dirname "$0")" && pwd)
proto=$(sed -n 's/^ *PROTO_VERSION = \([0-9]*\),.*/\1/p' "$here/../../shared/protocol.h")
[ -n "$proto" ] || { echo "client_screenshot: no PROTO_VERSION in shared/protocol.h" >&2; exit 1; }
out=$(mktemp -d "${TMPDIR:-/tmp}/arena-client.XXXXXX")
bot_pid=""
cleanup() {
    if [ -n "$bot_pid" ] && kill -0 "$bot_pid" 2>/dev/null; then
        kill -KILL "$bot_pid" 2>/dev/null || true
        wait "$bot_pid" 2>/dev/null || true
    fi
    rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy
export LSAN_OPTIONS="suppressions=$here/client_lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

fail() {
    echo "client_screenshot: FAIL: $*" >&2
    for f in "$out"/*.log; do
        [ -f "$f" ] || continue
        echo "---- $(basename "$f") ----" >&2
        tail -n 40 "$f" >&2
    done
    exit 1
}

no_sanitizer_report() {
    if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:|LeakSanitizer has encountered" "$1"; then
        fail "sanitizer report in $(basename "$1")"
    fi
}

# Runs the client with a time limit; sets rc and secs.
run_client() {
    local log=$1
    shift
    local t0 t1
    t0=$(date +%s.%N)
    set +e
    timeout -k 5 60 "$client" "$@" >"$log" 2>&1
    rc=$?
    set -e
    t1=$(date +%s.%N)
    secs=$(python3 -c "print(f'{$t1 - $t0:.1f}')")
}

# Players on the server, by LAN discovery (QUERY/REPLY, docs/protocol.md section 4).
players_online() {
    python3 - "$ARENA_HOST" "$ARENA_DISC_PORT" "$proto" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.5)
s.sendto(b"LHAQ" + bytes([int(sys.argv[3])]) + struct.pack("<I", 0x5EED) + bytes(119), (sys.argv[1], int(sys.argv[2])))  # argv[3]: PROTO_VERSION
try:
    d, _ = s.recvfrom(512)
except OSError:
    print(-1); sys.exit(0)
p = 9
def string(p):  # uvarint length (< 128 here) then bytes
    n = d[p]; return p + 1 + n
p = string(p); p = string(p)
print(struct.unpack_from("<H", d, p)[0])
PY
}

# ---- 1. the arena, with bots --------------------------------------------------------------
"$bot" --server "$ARENA_HOST:$ARENA_PORT" --count 6 --seconds 45 --behaviour wander \
    --seed 7 >"$out/bot.log" 2>&1 &
bot_pid=$!
for _ in $(seq 1 150); do
    [ "$(players_online)" -ge 6 ] && break
    kill -0 "$bot_pid" 2>/dev/null || fail "arena-bot ended early"
    sleep 0.1
done
[ "$(players_online)" -ge 6 ] || fail "the bots did not join within 15 s"

run_client "$out/client.log" --connect "$ARENA_HOST:$ARENA_PORT" --name tester --software \
    --screenshot "$out/shot.bmp" --quit-after 4
[ "$rc" = 0 ] || fail "arena-client exited with $rc (want 0)"
no_sanitizer_report "$out/client.log"
grep -q "in the arena" "$out/client.log" || fail "the client never said it was in the arena"
[ -s "$out/shot.bmp" ] || fail "no screenshot"

"$client" --print-palette >"$out/palette.txt" || fail "arena-client --print-palette failed"
python3 - "$out/shot.bmp" "$out/palette.txt" <<'PY' || fail "the screenshot does not show the arena"
import struct, sys
# BMP reader: BITMAPFILEHEADER + any BITMAPINFOHEADER version; 24 or 32 bits per pixel,
# uncompressed (BI_RGB) or BI_BITFIELDS; bottom-up or top-down rows padded to 4 bytes.
d = open(sys.argv[1], "rb").read()
assert d[:2] == b"BM", "not a BMP"
off, = struct.unpack_from("<I", d, 10)
hsz, w, h, planes, bpp, comp = struct.unpack_from("<IiiHHI", d, 14)
assert bpp in (24, 32) and comp in (0, 3), f"unsupported BMP: {bpp} bpp, compression {comp}"
masks = (0xFF0000, 0xFF00, 0xFF)
if comp == 3:
    masks = struct.unpack_from("<III", d, 14 + 40) if hsz >= 52 else struct.unpack_from("<III", d, 14 + hsz)
def shift(m):
    s = 0
    while m and not (m >> s) & 1: s += 1
    return s
shifts = [shift(m) for m in masks]
rows, stride, bytes_pp = abs(h), (w * bpp + 31) // 32 * 4, bpp // 8
counts = {}
for y in range(rows):
    row = d[off + y * stride: off + y * stride + w * bytes_pp]
    if bpp == 24:
        for x in range(0, len(row), 3):
            key = (row[x + 2], row[x + 1], row[x])
            counts[key] = counts.get(key, 0) + 1
    else:
        for (v,) in struct.iter_unpack("<I", row):
            key = tuple((v & m) >> s for m, s in zip(masks, shifts))
            counts[key] = counts.get(key, 0) + 1
total = w * rows
# The colours come from their owner (client/app/palette.c via --print-palette).
roles, PALETTE = {}, []
for line in open(sys.argv[2]):
    f = line.split()
    if f[0] == "player":
        assert int(f[1]) == len(PALETTE), line
        PALETTE.append(tuple(int(x) for x in f[2:5]))
    else:
        roles[f[0]] = tuple(int(x) for x in f[1:4])
assert len(PALETTE) >= 8 and "floor" in roles and "wall" in roles, "no palette from the client"
FLOOR, WALL = roles["floor"], roles["wall"]
floor, wall = counts.get(FLOOR, 0), counts.get(WALL, 0)
players = sorted(((counts.get(c, 0), i) for i, c in enumerate(PALETTE)), reverse=True)
shown = [(n, i) for n, i in players if n >= 6]
print(f"client_screenshot: {w}x{rows}, floor {100 * floor / total:.1f}%, wall "
      f"{100 * wall / total:.1f}%, player colours (pixels, id) {shown}")
problems = []
if (w, rows) != (1280, 720):
    problems.append(f"size {w}x{rows}, want the default window 1280x720")
if floor < 0.10 * total:
    problems.append("too little floor colour")
if wall < 0.02 * total:
    problems.append("too little wall colour")
if len(shown) < 2:
    problems.append("fewer than two player colours")
if not shown or shown[0][0] < 150:
    problems.append("no whole player disc")
for p in problems:
    print("client_screenshot:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY

# ---- 5. a stalled server: the HUD says so -------------------------------------------------
# A second after the client logged in (7 players with the bots; joining the arena takes a
# fraction of that), the server is stopped (SIGSTOP) for 4 s, the last ~2.5 s of the client's
# 5: its screenshot must show the CONNECTION PROBLEM warning,
# red text in the top centre, which the first screenshot (a healthy connection) must not.
(
    for _ in $(seq 1 100); do
        [ "$(players_online)" -ge 7 ] && break
        sleep 0.05
    done
    sleep 1.0
    kill -STOP "$ARENA_SERVER_PID"
    sleep 4
    kill -CONT "$ARENA_SERVER_PID"
) &
stopper=$!
run_client "$out/stall.log" --connect "$ARENA_HOST:$ARENA_PORT" --name staller --software \
    --screenshot "$out/stall.bmp" --quit-after 5
wait "$stopper" || true
kill -CONT "$ARENA_SERVER_PID" 2>/dev/null || true
[ "$rc" = 0 ] || fail "the stalled run exited with $rc (want 0)"
no_sanitizer_report "$out/stall.log"
[ -s "$out/stall.bmp" ] || fail "no screenshot of the stalled server"
python3 - "$out/shot.bmp" "$out/stall.bmp" "$out/palette.txt" <<'PY' || fail "no CONNECTION PROBLEM warning on the HUD"
import struct, sys
def pixels(path, want, x0, y0, x1, y1):
    """Pixels of exactly colour `want` in [x0, x1) x [y0, y1) (top-down) of a 24/32-bit BMP."""
    d = open(path, "rb").read()
    off, = struct.unpack_from("<I", d, 10)
    hsz, w, h, planes, bpp, comp = struct.unpack_from("<IiiHHI", d, 14)
    masks = (0xFF0000, 0xFF00, 0xFF)
    if comp == 3:
        masks = struct.unpack_from("<III", d, 14 + 40) if hsz >= 52 else struct.unpack_from("<III", d, 14 + hsz)
    shifts = [next(s for s in range(32) if (m >> s) & 1) for m in masks]
    stride, bpp_b, n = (w * bpp + 31) // 32 * 4, bpp // 8, 0
    for y in range(y0, y1):
        row = abs(h) - 1 - y if h > 0 else y
        for x in range(x0, x1):
            p = off + row * stride + x * bpp_b
            if bpp == 24:
                c = (d[p + 2], d[p + 1], d[p])
            else:
                v, = struct.unpack_from("<I", d, p)
                c = tuple((v & m) >> s for m, s in zip(masks, shifts))
            n += c == want
    return n
bad = next(tuple(int(x) for x in l.split()[1:4]) for l in open(sys.argv[3]) if l.startswith("bad "))
region = (340, 142, 940, 200)  # the warnings' first line: hud.c draw_lag_warnings, 1280x720
healthy, stalled = pixels(sys.argv[1], bad, *region), pixels(sys.argv[2], bad, *region)
print(f"client_screenshot: warning-red pixels at the top centre: healthy {healthy}, stalled {stalled}")
sys.exit(0 if stalled >= 60 and healthy < 20 else 1)
PY

# ---- 3. a name in use (the bots are still there) ----------------------------------------
run_client "$out/taken.log" --connect "$ARENA_HOST:$ARENA_PORT" --name bot0 --software \
    --screenshot "$out/taken.bmp" --quit-after 20
[ "$rc" != 0 ] || fail "joining with a name in use exited 0"
[ "$rc" != 124 ] && [ "$rc" != 137 ] || fail "joining with a name in use hung"
grep -q "name taken" "$out/taken.log" || fail "no 'name taken' message"
python3 -c "import sys; sys.exit(0 if $secs < 10 else 1)" || fail "name in use took $secs s"
no_sanitizer_report "$out/taken.log"

kill -TERM "$bot_pid" 2>/dev/null || true
wait "$bot_pid" 2>/dev/null || true
bot_pid=""

# ---- 2. nobody there --------------------------------------------------------------------
dead_port=$(python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
run_client "$out/none.log" --connect "127.0.0.1:$dead_port" --name tester --software \
    --screenshot "$out/none.bmp" --quit-after 20
[ "$rc" != 0 ] || fail "joining a port with no server exited 0"
[ "$rc" != 124 ] && [ "$rc" != 137 ] || fail "joining a port with no server hung"
grep -qE "could not join 127\.0\.0\.1:$dead_port: cannot connect .*refused" "$out/none.log" ||
    fail "no clear message for a port with no server"
python3 -c "import sys; sys.exit(0 if $secs < 10 else 1)" || fail "no server: took $secs s"
no_sanitizer_report "$out/none.log"

# ---- 4. the title screen finds the server on the "LAN" ------------------------------------
run_client "$out/title.log" --broadcast "127.0.0.1:$ARENA_DISC_PORT" --software \
    --screenshot "$out/title.bmp" --quit-after 2.5
[ "$rc" = 0 ] || fail "title screen run exited with $rc"
grep -q "LAN: found '.*' at 127.0.0.1:$ARENA_PORT" "$out/title.log" ||
    fail "the title screen did not find the server"
[ -s "$out/title.bmp" ] || fail "no title screenshot"
no_sanitizer_report "$out/title.log"

echo "client_screenshot: ok"
