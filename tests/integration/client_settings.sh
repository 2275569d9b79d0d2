#!/usr/bin/env bash
# client_settings.sh ARENA_CLIENT — the settings screen and its file, headless (SDL offscreen
# driver, software renderer, no server).
#   1. a settings file with colour 3, volume 35, a rebound key and an unknown key: the client
#      starts, warns about the unknown key by line number, and the screenshot of the settings
#      screen (--settings-screen) shows the focused name box (accent frame), the colour as a
#      player-3 disc, and a volume bar; with volume 100 the bar is longer (the file is read);
#   2. a bad value is an error naming its line, and the client still starts (defaults);
#   3. --settings none reads nothing.
# Pixel checks only use colours the client prints (--print-palette) or relative counts.
set -euo pipefail
if [ $# -ne 1 ]; then
    echo "usage: $0 ARENA_CLIENT" >&2
    exit 2
fi
client=$1
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d "${TMPDIR:-/tmp}/arena-settings.XXXXXX")
trap 'rm -rf "$out"' EXIT
export SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy XDG_CONFIG_HOME="$out/config"
export LSAN_OPTIONS="suppressions=$here/client_lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
dir="$XDG_CONFIG_HOME/localhost-arena"
mkdir -p "$dir"

fail() {
    echo "client_settings: FAIL: $*" >&2
    for f in "$out"/*.log; do
        [ -f "$f" ] || continue
        echo "---- $(basename "$f") ----" >&2
        tail -n 20 "$f" >&2
    done
    exit 1
}

shot() { # NAME: the settings screen with the current file
    timeout -k 5 60 "$client" --software --window 1280x720 --settings-screen \
        --screenshot "$out/$1.bmp" --quit-after 1.5 >"$out/$1.log" 2>&1 ||
        fail "$1: the client exited with status $?"
    [ -s "$out/$1.bmp" ] || fail "$1: no screenshot"
    if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$out/$1.log"; then
        fail "$1: sanitizer report"
    fi
}

"$client" --print-palette >"$out/palette.txt" || fail "--print-palette failed"

printf 'version = 1\ncolour = 3\nwhat = 1\nvolume = 35\nbind.fire = Space\n' >"$dir/settings"
shot vol35
grep -q "settings: .*line 3: unknown key 'what' (skipped)" "$out/vol35.log" ||
    fail "no warning naming line 3's unknown key"
printf 'colour = 3\nvolume = 100\n' >"$dir/settings"
shot vol100

python3 - "$out/vol35.bmp" "$out/vol100.bmp" "$out/palette.txt" <<'PY' || fail "the settings screen is not what the file says"
import struct, sys
def load(path):
    d = open(path, "rb").read()
    assert d[:2] == b"BM", "not a BMP"
    off, = struct.unpack_from("<I", d, 10)
    hsz, w, h, planes, bpp, comp = struct.unpack_from("<IiiHHI", d, 14)
    masks = (0xFF0000, 0xFF00, 0xFF)
    if comp == 3:
        masks = struct.unpack_from("<III", d, 14 + 40) if hsz >= 52 else struct.unpack_from("<III", d, 14 + hsz)
    shifts = [next(s for s in range(32) if (m >> s) & 1) for m in masks]
    stride, bpp_b = (w * bpp + 31) // 32 * 4, bpp // 8
    def px(x, y):
        row = abs(h) - 1 - y if h > 0 else y
        p = off + row * stride + x * bpp_b
        if bpp == 24:
            return (d[p + 2], d[p + 1], d[p])
        v, = struct.unpack_from("<I", d, p)
        return tuple((v & m) >> s for m, s in zip(masks, shifts))
    return w, abs(h), px
def count(img, pred, x0, y0, x1, y1):
    w, h, px = img
    return sum(1 for y in range(y0, y1) for x in range(x0, x1) if pred(px(x, y)))
pal = {}
for line in open(sys.argv[3]):
    f = line.split()
    if f[0] == "player":
        pal[int(f[1])] = tuple(int(x) for x in f[2:5])
a, b = load(sys.argv[1]), load(sys.argv[2])
assert a[0] == 1280 and a[1] == 720, f"window {a[0]}x{a[1]}"
# The left column: name row at y 114..146, colour 154..186, volume 194..226 (1280x720 layout).
yellowish = lambda c: c[0] > 200 and c[1] > 170 and c[2] < 140
frame = count(a, yellowish, 380, 108, 640, 152)
green = lambda c: c[1] > c[0] + 60 and c[1] > c[2] + 40
bar35, bar100 = count(a, green, 380, 194, 640, 228), count(b, green, 380, 194, 640, 228)
disc = count(a, lambda c: c == pal[3], 380, 154, 640, 188)
print(f"client_settings: accent frame {frame} px, colour-3 disc {disc} px, volume bar {bar35} px at 35, {bar100} px at 100")
assert frame >= 400, "no focused name box"
assert disc >= 150, "no player-3 colour disc on the colour row"
assert bar35 >= 60 and bar100 >= 2 * bar35, "the volume bar does not follow the file"
PY

printf 'volume = 20\nvolume = loud\n' >"$dir/settings"
shot bad
grep -q "settings: .*line 2: volume wants 0..100, got 'loud'" "$out/bad.log" ||
    fail "a bad value is not an error naming line 2"

timeout -k 5 30 "$client" --software --settings none --screenshot "$out/none.bmp" \
    --quit-after 0.5 >"$out/none.log" 2>&1 || fail "--settings none: status $?"
if grep -q "settings:" "$out/none.log"; then fail "--settings none read a file"; fi
echo "client_settings: ok"
