#!/usr/bin/env bash
# client_audio.sh ARENA_CLIENT ARENA_BOT — what arena-client sounds like in a game, recorded.
#
# Run through with_server.sh. SDL's offscreen video and disk audio drivers: the client joins
# with --autoplay (it moves and fires by itself) next to two strafing, chatting bots, a second bot
# joins and leaves meanwhile, and the client's audio is recorded to a file. Checks:
#   1. the client played the cues of what happened (its summary line on exit): its own shots,
#      the bots' shots, a chat ping, a join and a leave;
#   2. the recording is about as long as the client ran and has non-silent sections, among
#      them at least two lone own shots of the cue's length (+- 8 ms) and level (+- 1 dB),
#      centred; prints every section, and the lone chat pings and panned sounds (others' shots,
#      one ear louder) it recognises (not required: they overlap, or are out of earshot);
#   3. SDL_AUDIODRIVER=nonexistent still plays the game (exit 0, "no sound" said once), and so
#      does --no-audio.
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
out=$(mktemp -d "${TMPDIR:-/tmp}/arena-audio.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do
        kill -KILL "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export SDL_VIDEODRIVER=offscreen
export LSAN_OPTIONS="suppressions=$here/client_lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

fail() {
    echo "client_audio: FAIL: $*" >&2
    for f in "$out"/*.log; do
        [ -f "$f" ] || continue
        echo "---- $(basename "$f") ----" >&2
        tail -n 30 "$f" >&2
    done
    exit 1
}

no_sanitizer_report() {
    if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:|LeakSanitizer has encountered" "$1"; then
        fail "sanitizer report in $(basename "$1")"
    fi
}

# Waits (up to 15 s) until the file $1 contains the text $2.
wait_for() {
    for _ in $(seq 1 150); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    fail "no '$2' in $(basename "$1") within 15 s"
}

# ---- 1. a game, recorded --------------------------------------------------------------------
"$bot" --server "$ARENA_HOST:$ARENA_PORT" --count 2 --seconds 40 --behaviour strafe \
    --chat-every 3 --name-prefix chaser --seed 11 >"$out/bot.log" 2>&1 &
pids+=($!)

SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE="$out/audio.raw" \
    timeout -k 5 60 "$client" --connect "$ARENA_HOST:$ARENA_PORT" --name listener --software \
    --autoplay --window 1280x720 --quit-after 8 >"$out/client.log" 2>&1 &
client_pid=$!
pids+=("$client_pid")
wait_for "$out/client.log" "in the arena"
t0=$(date +%s.%N)
# A second player comes and goes while the client listens.
sleep 1
"$bot" --server "$ARENA_HOST:$ARENA_PORT" --count 1 --seconds 1.5 --behaviour idle \
    --name-prefix visitor --seed 3 >"$out/visitor.log" 2>&1 || fail "the visiting bot failed"
set +e
wait "$client_pid"
rc=$?
set -e
t1=$(date +%s.%N)
[ "$rc" = 0 ] || fail "arena-client exited with $rc (want 0)"
no_sanitizer_report "$out/client.log"
summary=$(grep "arena-client: sound:" "$out/client.log") || fail "no sound summary from the client"
echo "client_audio: $summary"
for cue in shot shot-other chat join leave; do
    grep -qE " $cue=[0-9]+" <<<"$summary" || fail "no '$cue' cue played"
done

python3 - "$out/audio.raw" "$t0" "$t1" <<'PY' || fail "the recording is not what a player would hear"
import math, struct, sys
data = open(sys.argv[1], "rb").read()
rate = 48000
n = len(data) // 4
s = struct.unpack("<%dh" % (2 * n), data[: 4 * n])
secs = n / rate
arena = float(sys.argv[3]) - float(sys.argv[2])
print(f"client_audio: recorded {secs:.2f} s of audio; the arena lasted about {arena:.2f} s")
assert secs > 0.6 * arena, "the recording is much shorter than the run"
# Non-silent sections: |sample| > 30 (about -61 dBFS), silences under 20 ms joined.
thr, join = 30, rate // 50
secs_list, start, last = [], None, None
for i in range(n):
    v = max(abs(s[2 * i]), abs(s[2 * i + 1]))
    if v <= thr:
        continue
    if start is not None and i - last < join:
        last = i
        continue
    if start is not None:
        secs_list.append((start, last + 1))
    start = last = i
if start is not None:
    secs_list.append((start, last + 1))
def stats(a, b):
    l = r = p = 0.0
    for i in range(a, b):
        x, y = s[2 * i], s[2 * i + 1]
        l += x * x; r += y * y; p = max(p, abs(x), abs(y))
    k = b - a
    db = lambda v: 20 * math.log10(v) if v > 0 else -120.0
    return db(math.sqrt(l / k) / 32768), db(math.sqrt(r / k) / 32768), db(p / 32768)
sound = sum(b - a for a, b in secs_list) / rate
print(f"client_audio: {len(secs_list)} non-silent sections, {sound:.2f} s of sound")
# Lone cues recognised by length and peak: at the default volume (80) a centred cue peaks at
# its synth peak (synth.c) * 0.7071 (equal-power centre) * 0.8. Own shot: 140 ms, peak 0.80;
# chat ping: 120 ms, peak 0.45. Others' shots are panned: one ear 3 dB louder than the other.
def level(peak):
    return 20 * math.log10(peak * 0.70710678 * 0.8)
kinds = {"own shot": (140, level(0.80)), "chat ping": (120, level(0.45))}
found = {"own shot": 0, "chat ping": 0, "panned": 0}
for a, b in secs_list:
    ms = (b - a) * 1000 / rate
    rl, rr, pk = stats(a, b)
    what = ""
    for k, (want_ms, want_db) in kinds.items():
        if abs(ms - want_ms) <= 8 and abs(pk - want_db) <= 1.0 and abs(rl - rr) < 0.5:
            what = k
    if not what and abs(rl - rr) > 3:
        what = "panned"
    if what:
        found[what] += 1
    print(f"  at {a / rate:6.2f} s  {ms:6.0f} ms  rms L {rl:6.1f} R {rr:6.1f} dBFS  "
          f"peak {pk:6.1f} dBFS  {what}")
print("client_audio: recognised " + ", ".join(f"{v} {k}" for k, v in found.items()))
assert found["own shot"] >= 2, "fewer than two lone own shots of the expected length and level"
PY

# ---- 2. no audio device, and --no-audio, are not errors --------------------------------------
for how in nonexistent no-audio; do
    args=()
    if [ "$how" = nonexistent ]; then drv=nonexistent; else drv=dummy; args=(--no-audio); fi
    set +e
    SDL_AUDIODRIVER=$drv timeout -k 5 60 "$client" --connect "$ARENA_HOST:$ARENA_PORT" \
        --name "quiet$RANDOM" --software --quit-after 2 "${args[@]}" >"$out/$how.log" 2>&1
    rc=$?
    set -e
    [ "$rc" = 0 ] || fail "arena-client with $how exited with $rc (want 0)"
    no_sanitizer_report "$out/$how.log"
    [ "$(grep -c "no sound" "$out/$how.log")" = 1 ] || fail "$how: 'no sound' not said exactly once"
    grep -q "in the arena" "$out/$how.log" || fail "$how: never in the arena"
done
echo "client_audio: OK"
