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

python3 - "$here" "$out/vol35.bmp" "$out/vol100.bmp" "$out/palette.txt" <<'PY' || fail "the settings screen is not what the file says"
import sys
sys.path.insert(0, sys.argv[1])
import bmp
_, pal = bmp.palette(sys.argv[4])
a, b = bmp.load(sys.argv[2]), bmp.load(sys.argv[3])
assert a[0] == 1280 and a[1] == 720, f"window {a[0]}x{a[1]}"
# The left column: name row at y 114..146, colour 154..186, volume 194..226 (1280x720 layout).
yellowish = lambda c: c[0] > 200 and c[1] > 170 and c[2] < 140
frame = bmp.count(a[2], yellowish, 380, 108, 640, 152)
green = lambda c: c[1] > c[0] + 60 and c[1] > c[2] + 40
bar35, bar100 = bmp.count(a[2], green, 380, 194, 640, 228), bmp.count(b[2], green, 380, 194, 640, 228)
disc = bmp.count(a[2], pal[3], 380, 154, 640, 188)
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
