#!/usr/bin/env bash
# client_chat_shot.sh ARENA_CLIENT — the chat overlay wraps long lines (run by with_server.sh).
#
# arena-client (offscreen SDL driver, software renderer) joins the server as "reader"; a
# Python chatter logs in over TCP as "talker", waits until WHO shows reader playing, then
# says a long line with spaces (190 bytes) and one long word (120 letters). The screenshot's
# chat column (bottom left, 55 % of the width) must show the chat colour (CHAT_SAY from
# --print-palette) in at least 5 separate text rows (the long line wrapped to 2+ rows, the
# word hard-broken to 2+; without wrapping they are 2 rows cut at the column's edge), and
# none of it right of the column. Any sanitizer report from the client fails the test.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 ARENA_CLIENT (run by with_server.sh)" >&2; exit 2; }
client=$1
: "${ARENA_HOST:?run me through with_server.sh}" "${ARENA_PORT:?}"
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d "${TMPDIR:-/tmp}/arena-chat.XXXXXX")
talker_pid=""
cleanup() {
    if [ -n "$talker_pid" ] && kill -0 "$talker_pid" 2>/dev/null; then
        kill "$talker_pid" 2>/dev/null || true
        wait "$talker_pid" 2>/dev/null || true
    fi
    [ -n "${KEEP_SHOT:-}" ] && cp "$out"/chat.bmp "$KEEP_SHOT" 2>/dev/null
    rm -rf "$out"
}
trap cleanup EXIT
export SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy
export LSAN_OPTIONS="suppressions=$here/client_lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
fail() {
    echo "client_chat_shot: FAIL: $*" >&2
    for f in "$out"/*.log; do
        [ -f "$f" ] || continue
        echo "---- $(basename "$f") ----" >&2
        tail -n 30 "$f" >&2
    done
    exit 1
}

# The talker: says its two lines once reader plays, then stays until stdin closes.
python3 - "$ARENA_HOST" "$ARENA_PORT" >"$out/talker.log" 2>&1 <<'PY' &
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)
f = s.makefile("rw", encoding="utf-8", newline="\n")
def send(t):
    f.write(t + "\n"); f.flush()
send("LOGIN talker")
deadline = time.monotonic() + 40
said = False
pending = 0  # PLAYER lines still to come of the WHO answer being read
send("WHO")
while time.monotonic() < deadline:
    line = f.readline()
    if not line:
        break
    line = line.rstrip("\n")
    print(line, flush=True)
    if line.startswith("WHO "):
        pending = int(line.split()[1])
    elif line.startswith("PLAYER ") and pending > 0:
        pending -= 1
        if not said and " reader " in line and line.endswith(" playing"):
            words = " ".join("word%02d" % i for i in range(27))  # 27 * 7 - 1 = 188 bytes
            send("SAY " + words)
            send("SAY " + "x" * 120)
            said = True
            print("said", flush=True)
    else:
        continue
    if pending == 0 and not said:
        time.sleep(0.1)  # polling WHO until reader plays
        send("WHO")
PY
talker_pid=$!

set +e
timeout -k 5 60 "$client" --connect "$ARENA_HOST:$ARENA_PORT" --name reader --software \
    --screenshot "$out/chat.bmp" --quit-after 6 >"$out/client.log" 2>&1
rc=$?
set -e
[ "$rc" = 0 ] || fail "arena-client exited with $rc (want 0)"
if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$out/client.log"; then
    fail "sanitizer report in the client log"
fi
grep -q "^said" "$out/talker.log" || fail "the talker never saw reader playing"
[ -s "$out/chat.bmp" ] || fail "no screenshot"
"$client" --print-palette >"$out/palette.txt" || fail "arena-client --print-palette failed"

python3 - "$out/chat.bmp" "$out/palette.txt" <<'PY' || fail "the chat lines are not wrapped"
import struct, sys
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
rows, stride, bpx = abs(h), (w * bpp + 31) // 32 * 4, bpp // 8
def pixel(x, y):  # y from the top
    r = y if h < 0 else rows - 1 - y
    o = off + r * stride + x * bpx
    if bpp == 24:
        return (d[o + 2], d[o + 1], d[o])
    v, = struct.unpack_from("<I", d, o)
    return tuple((v & m) >> s for m, s in zip(masks, shifts))
roles = {}
for line in open(sys.argv[2]):
    f = line.split()
    if f[0] != "player":
        roles[f[0]] = tuple(int(x) for x in f[1:4])
SAY = roles["chat_say"]
col_right = w * 55 // 100 + 12  # the chat column: MARGIN .. MARGIN + 55 % of the width
hit_rows, outside, rightmost = [], 0, 0
for y in range(rows // 2, rows - 20):
    n = 0
    for x in range(0, w):
        if pixel(x, y) == SAY:
            if x < col_right:
                n += 1
                rightmost = max(rightmost, x)
            else:
                outside += 1
    if n:
        hit_rows.append(y)
bands = []
for y in hit_rows:
    if bands and y - bands[-1][1] <= 2:
        bands[-1][1] = y
    else:
        bands.append([y, y])
print(f"client_chat_shot: chat-colour text rows {[(a, b) for a, b in bands]}, rightmost x "
      f"{rightmost} (column ends at {col_right}), {outside} pixels right of the column")
problems = []
if len(bands) < 5:
    problems.append(f"{len(bands)} text rows in the chat colour, want >= 5 (two long lines wrapped)")
if rightmost < w * 30 // 100:
    problems.append("the wrapped lines do not use the column's width")
if outside:
    problems.append("chat-colour pixels right of the chat column")
for p in problems:
    print("client_chat_shot:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
echo "client_chat_shot: ok"
