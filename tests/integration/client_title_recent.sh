#!/usr/bin/env bash
# client_title_recent.sh ARENA_CLIENT — the title screen shows the recent servers and
# favourites from $XDG_STATE_HOME/localhost-arena/servers.
#
# arena-client (offscreen SDL driver, software renderer, LAN queries to a port where nothing
# answers) on its title screen, twice: with a servers file holding one favourite and one
# recent server, and with none. In the server list's first row the favourite's "★ name" is
# drawn in the accent colour (ACCENT from --print-palette): at least 20 such pixels there
# with the file, none without it. A bad line in the file is skipped and said on stderr.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 ARENA_CLIENT" >&2; exit 2; }
client=$1
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d "${TMPDIR:-/tmp}/arena-title.XXXXXX")
trap 'rm -rf "$out"' EXIT
export SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy
export LSAN_OPTIONS="suppressions=$here/client_lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
fail() {
    echo "client_title_recent: FAIL: $*" >&2
    for f in "$out"/*.log; do
        [ -f "$f" ] || continue
        echo "---- $(basename "$f") ----" >&2
        tail -n 20 "$f" >&2
    done
    exit 1
}
mkdir -p "$out/with/localhost-arena" "$out/without"
printf '# localhost-arena servers 1\nserver 192.168.1.20 7777 1 1700000000 Basement LAN\nserver arena.example 7000 0 1700000100\nserver bad host 1 0 0\n' \
    >"$out/with/localhost-arena/servers"
chmod 600 "$out/with/localhost-arena/servers"
for run in with without; do
    XDG_STATE_HOME="$out/$run" XDG_CONFIG_HOME="$out/$run" timeout -k 5 60 "$client" \
        --software --broadcast 127.0.0.1:9 --screenshot "$out/$run.bmp" --quit-after 2 \
        >"$out/$run.log" 2>&1 || fail "arena-client ($run) exited with $?"
    if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$out/$run.log"; then
        fail "sanitizer report ($run)"
    fi
done
grep -q "1 bad line skipped" "$out/with.log" || fail "the bad line was not reported"
"$client" --print-palette >"$out/palette.txt" || fail "arena-client --print-palette failed"
python3 - "$out/with.bmp" "$out/without.bmp" "$out/palette.txt" <<'PY' || fail "the favourite is not on the title screen"
import struct, sys
def load(path):
    d = open(path, "rb").read()
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
    sh = [shift(m) for m in masks]
    rows, stride, bpx = abs(h), (w * bpp + 31) // 32 * 4, bpp // 8
    def px(x, y):
        r = y if h < 0 else rows - 1 - y
        o = off + r * stride + x * bpx
        if bpp == 24:
            return (d[o + 2], d[o + 1], d[o])
        v, = struct.unpack_from("<I", d, o)
        return tuple((v & m) >> s for m, s in zip(masks, sh))
    return w, rows, px
roles = {}
for line in open(sys.argv[3]):
    f = line.split()
    if f[0] != "player":
        roles[f[0]] = tuple(int(x) for x in f[1:4])
ACCENT = roles["accent"]
counts = []
for path in sys.argv[1:3]:
    w, h, px = load(path)
    # The list's first row, name column (the default 1280x720 layout: list from y 274,
    # rows of about 34 px, the name column from x 242 to the map column at 45 %).
    n = sum(1 for y in range(276, 308) for x in range(236, 600) if px(x, y) == ACCENT)
    counts.append(n)
print(f"client_title_recent: accent pixels in the first row: with the file {counts[0]}, "
      f"without {counts[1]}")
sys.exit(0 if counts[0] >= 20 and counts[1] == 0 else 1)
PY
echo "client_title_recent: ok"
