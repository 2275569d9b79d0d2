#!/usr/bin/env bash
# demo_replay.sh ARENA_SERVER ARENA_BOT ARENA_CLIENT MAP [SECONDS [BOTS]] — demos end to end.
#
# Records a match of BOTS (16) wandering, chatting bots for SECONDS (8) with
# `arena-server --record DIR --demo-truth FILE` (the server's own positions at every recorded
# frame), stops the server, and checks what a user would notice:
#   1. one demo file per match in DIR, named by date/time and match number;
#   2. the headless replay (`arena-client --demo FILE --dump-positions`) shows every entity at
#      every recorded tick exactly where the server had it (1/8 unit, as snapshots carry it:
#      replay error 0), and no entity the server did not have; prints the quantization error
#      against the simulation's own Q8 positions and the demo's size per minute;
#   3. the demo player's window (SDL offscreen) shows the map, the players in their colours,
#      the scoreboard's colour dots and the timeline's progress bar;
#   4. crafted files (bad magic, a cut header, a record of 4 GB, ticks going back) end the
#      player at once with a clear error, exit 1, no crash or sanitizer report;
#   5. with 2 s matches (no warm-up, a 1 s end screen), each match is its own file (m001,
#      m002, ...), cut when the end screen is over, and each one replays.
set -euo pipefail
server=$1 bot=$2 client=$3 map=$4 seconds=${5:-8} bots=${6:-16}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/arena-demo.XXXXXX")
server_pid=
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
export SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy
export LSAN_OPTIONS="suppressions=$here/client_lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

fail() {
    echo "demo_replay: FAIL: $*" >&2
    for f in "$work"/*.log; do
        [ -f "$f" ] || continue
        echo "---- $(basename "$f") ----" >&2
        tail -n 30 "$f" >&2
    done
    exit 1
}
no_sanitizer_report() {
    if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$1"; then
        fail "sanitizer report in $(basename "$1")"
    fi
}

port=$(python3 - <<'PY'
import socket
while True:
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM); t.bind(("127.0.0.1", 0))
    p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p))
    except OSError:
        t.close(); continue
    t.close(); u.close(); print(p); break
PY
)
mkdir -p "$work/rec" "$work/data"
"$server" --port "$port" --set bind=127.0.0.1 --set discovery_port=0 --set ctl_socket=off \
    --map "$map" --data-dir "$work/data" --record "$work/rec" --demo-truth "$work/truth.txt" \
    >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2).close()" \
        2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || fail "the server did not start"
    sleep 0.1
done
set +e
timeout -k 5 $((seconds + 60)) "$bot" --server "127.0.0.1:$port" --count "$bots" \
    --seconds "$seconds" --chat-every 1 --seed 11 -q >"$work/bot.log" 2>&1
bot_rc=$?
kill -TERM "$server_pid"
wait "$server_pid"
server_rc=$?
set -e
server_pid=
[ "$bot_rc" = 0 ] || fail "arena-bot exited with $bot_rc"
[ "$server_rc" = 0 ] || fail "arena-server exited with $server_rc"
no_sanitizer_report "$work/server.log"

# ---- 1. one file, named by date/time and match ------------------------------------------
files=("$work"/rec/*.demo)
[ "${#files[@]}" = 1 ] || fail "want one demo file, found ${#files[@]}"
demo=${files[0]}
[[ "$(basename "$demo")" =~ ^arena-[0-9]{8}-[0-9]{6}-m001\.demo$ ]] ||
    fail "demo file name $(basename "$demo")"

# ---- 2. the replay equals the server's world ----------------------------------------------
"$client" --demo "$demo" --dump-positions >"$work/dump.txt" 2>"$work/dump.log" ||
    fail "the headless replay failed"
no_sanitizer_report "$work/dump.log"
python3 - "$work/truth.txt" "$work/dump.txt" "$demo" "$seconds" "$bots" <<'PY' || fail "the replay differs from the server"
import os, sys
truth, dump = {}, {}
for line in open(sys.argv[1]):
    t, i, qx, qy, fx, fy = map(int, line.split())
    truth[(t, i)] = (qx, qy, fx, fy)
for line in open(sys.argv[2]):
    t, i, qx, qy = map(int, line.split())
    dump[(t, i)] = (qx, qy)
missing, extra = set(truth) - set(dump), set(dump) - set(truth)
common = set(truth) & set(dump)
ticks = {k[0] for k in truth}
# Replay error: replayed against the server's position, world units (1/8 unit steps).
replay = max((max(abs(dump[k][0] - truth[k][0]), abs(dump[k][1] - truth[k][1])) / 8
              for k in common), default=0.0)
# Quantization: the snapshot's 1/8 unit against the simulation's Q8 (1/256 unit).
quant = max((max(abs(v[0] / 8 - v[2] / 256), abs(v[1] / 8 - v[3] / 256))
             for v in truth.values()), default=0.0)
size, secs = os.path.getsize(sys.argv[3]), float(sys.argv[4])
print(f"demo_replay: {len(truth)} entity positions at {len(ticks)} recorded ticks, "
      f"{len(missing)} missing, {len(extra)} extra; replay error {replay:.4f} world units at "
      f"recorded ticks; snapshot quantization vs the simulation's Q8 positions {quant:.4f} units")
print(f"demo_replay: {sys.argv[5]} bots, {secs:.0f} s: {size} bytes, "
      f"{size / secs * 60 / 1024:.1f} KiB per minute")
problems = []
if not truth:
    problems.append("no ground truth")
if missing:
    problems.append(f"{len(missing)} server positions not in the replay, e.g. {sorted(missing)[:3]}")
if extra:
    problems.append(f"{len(extra)} replayed positions the server did not have, e.g. {sorted(extra)[:3]}")
if len(ticks) < secs * 30 * 0.8:
    problems.append(f"only {len(ticks)} recorded ticks in {secs} s at 30 Hz")
if replay != 0:
    problems.append(f"replay error {replay} world units")
if quant > 1 / 16:
    problems.append(f"quantization error {quant} over 1/16 unit")
for p in problems:
    print("demo_replay:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY

# ---- 3. the player's window ---------------------------------------------------------------
set +e
timeout -k 5 60 "$client" --demo "$demo" --software --quit-after 2.5 \
    --screenshot "$work/shot.bmp" >"$work/player.log" 2>&1
rc=$?
set -e
[ "$rc" = 0 ] || fail "the demo player exited with $rc"
no_sanitizer_report "$work/player.log"
"$client" --print-palette >"$work/palette.txt"
python3 - "$work/shot.bmp" "$work/palette.txt" <<'PY' || fail "the demo player's screenshot is wrong"
import struct, sys
d = open(sys.argv[1], "rb").read()
off, = struct.unpack_from("<I", d, 10)
hsz, w, h, planes, bpp, comp = struct.unpack_from("<IiiHHI", d, 14)
assert bpp in (24, 32) and comp in (0, 3), f"unsupported BMP {bpp} {comp}"
bp, stride, rows = bpp // 8, (w * bpp + 31) // 32 * 4, abs(h)
def px(x, y):  # top-down coordinates
    r = y if h < 0 else rows - 1 - y
    o = off + r * stride + x * bp
    return (d[o + 2], d[o + 1], d[o])
roles, pal = {}, []
for line in open(sys.argv[2]):
    f = line.split()
    if f[0] == "player":
        pal.append(tuple(map(int, f[2:5])))
    else:
        roles[f[0]] = tuple(map(int, f[1:4]))
counts = {}
for y in range(0, rows, 2):
    for x in range(0, w, 2):
        c = px(x, y)
        counts[c] = counts.get(c, 0) + 1
total = (rows // 2) * (w // 2)
problems = []
if counts.get(roles["floor"], 0) < 0.1 * total:
    problems.append("too little floor")
if counts.get(roles["wall"], 0) < 0.02 * total:
    problems.append("too little wall")
shown = [i for i, c in enumerate(pal) if counts.get(c, 0) >= 6]
if len(shown) < 2:
    problems.append(f"player colours shown: {shown}")
# The scoreboard (top right, 220 px wide from 16 px off the edge): a colour dot per player.
x0 = w - 16 - 220
dots = {px(x, y) for y in range(16, 16 + 26 + 20 * 16) for x in range(x0 + 8, x0 + 21)}
on_board = [i for i, c in enumerate(pal) if c in dots]
if len(on_board) < 8:
    problems.append(f"scoreboard colour dots: {on_board}")
# The timeline (24 px margins, 10 px high, at the bottom): a filled run then the rest.
y, bx0, bx1 = h - 24 - 5, 24, w - 24
row = [px(x, y) for x in range(bx0, bx1)]
fill = row[0]
n = 0
while n < len(row) and row[n] == fill:
    n += 1
rest = set(row[n:])
frac = n / len(row)
print(f"demo_replay: screenshot {w}x{rows}, player colours {shown}, scoreboard dots "
      f"{len(on_board)}, timeline {100 * frac:.0f}% played (fill {fill}, rest {rest})")
if not (0.02 < frac < 0.98) or len(rest) != 1 or fill in rest:
    problems.append("no timeline progress bar")
for p in problems:
    print("demo_replay:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY

# ---- 4. crafted files: a clear error, quickly --------------------------------------------
python3 - "$demo" "$work" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
n = d[28]
first = 29 + n + 4 + struct.unpack_from("<I", d, 29 + n)[0]
def put(name, b):
    open(f"{sys.argv[2]}/{name}.demo", "wb").write(bytes(b))
put("magic", b"NOTADEMO" + d[8:])
put("cut", d[:20])
huge = bytearray(d); huge[first + 5:first + 9] = b"\xff\xff\xff\xff"; put("huge", huge)
back = bytearray(d); p = first
while back[p] != 1:  # the first FRAME
    p += 9 + struct.unpack_from("<I", back, p + 5)[0]
p += 9 + struct.unpack_from("<I", back, p + 5)[0]
while back[p] != 1:  # the second
    p += 9 + struct.unpack_from("<I", back, p + 5)[0]
back[p + 1:p + 5] = b"\x01\x00\x00\x00"; put("back", back)
PY
for bad in magic cut huge back; do
    set +e
    timeout -k 2 20 "$client" --demo "$work/$bad.demo" --software --quit-after 5 \
        >"$work/bad-$bad.log" 2>&1
    rc=$?
    set -e
    [ "$rc" = 1 ] || fail "crafted $bad.demo: exit $rc, want 1"
    grep -qE "not a playable demo|corrupt demo|no frames" "$work/bad-$bad.log" ||
        fail "crafted $bad.demo: no clear error"
    no_sanitizer_report "$work/bad-$bad.log"
    echo "demo_replay: $bad.demo: $(grep -E 'demo' "$work/bad-$bad.log" | tail -1)"
done
# ---- 5. one file per match -----------------------------------------------------------------
mkdir -p "$work/rec2" "$work/data2"
"$server" --port "$port" --set bind=127.0.0.1 --set discovery_port=0 --set ctl_socket=off \
    --map "$map" --data-dir "$work/data2" --record "$work/rec2" --warmup 0 --time-limit 2 \
    --set end_screen_s=1 >"$work/server2.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2).close()" \
        2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || fail "the second server did not start"
    sleep 0.1
done
set +e
# Until the server has logged its fourth match start (three whole matches and their end
# screens behind it: stopping right at the third start could leave match 3's file without a
# frame, as CI saw once), bounded by the bots' own run.
"$bot" --server "127.0.0.1:$port" --count 3 --seconds 20 --seed 12 -q >"$work/bot2.log" 2>&1 &
bot2=$!
for _ in $(seq 1 200); do
    grep -q "\[match\] match 4 started" "$work/server2.log" && break
    sleep 0.1
done
kill -TERM "$bot2" 2>/dev/null
wait "$bot2"
kill -TERM "$server_pid"
wait "$server_pid"
server_rc=$?
set -e
server_pid=
[ "$server_rc" = 0 ] || fail "the second arena-server exited with $server_rc"
no_sanitizer_report "$work/server2.log"
files=("$work"/rec2/*.demo)
[ "${#files[@]}" -ge 3 ] || fail "2 s matches: want a file per match (>= 3), found ${#files[@]}"
for i in 1 2 3; do
    f=$(ls "$work"/rec2/*-m00$i.demo 2>/dev/null | head -1)
    [ -n "$f" ] || fail "no file for match $i: $(ls "$work/rec2")"
    "$client" --demo "$f" --dump-positions >"$work/dump-m$i.txt" 2>"$work/dump-m$i.log" ||
        fail "match $i's demo does not replay"
    [ -s "$work/dump-m$i.txt" ] || fail "match $i's demo has no frames"
done
echo "demo_replay: ${#files[@]} files for 2 s matches: $(cd "$work/rec2" && ls | tr '\n' ' ')"
echo "demo_replay: ok"
