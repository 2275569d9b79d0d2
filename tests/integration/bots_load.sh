#!/usr/bin/env bash
# bots_load.sh ARENA_BOT [INPUT_HZ] — run by with_server.sh (arena-server on free loopback
# ports, with input_hz=INPUT_HZ when it is given; 60 by default).
#
# The light load path (arena-bot --behaviour load) over two processes (--procs 2): every bot
# joins and stays, decodes every snapshot against its baseline and acknowledges it (so the
# server sends deltas, not full snapshots), sends an INPUT every 60 / INPUT_HZ client ticks
# (WELCOME's input_hz) with every input not applied yet, predicts nothing, and one merged JSON
# reports all the bots with the processes' CPU. No input may reach the server late.
set -euo pipefail
bot_bin=$1
input_hz=${2:-60}
bots=12
work=$ARENA_WORK

fail() {
    echo "bots_load: FAIL: $*" >&2
    echo "---- bot output ----" >&2
    cat "$work/bot.log" >&2 2>/dev/null || true
    exit 1
}

set +e
timeout -k 5 60 "$bot_bin" --server "$ARENA_HOST:$ARENA_PORT" --count "$bots" --seconds 4 \
    --behaviour load --procs 2 --json "$work/load.json" --seed 7 >"$work/bot.log" 2>&1
bot_rc=$?
set -e
[ "$bot_rc" = 0 ] || fail "arena-bot exited with $bot_rc"
[ -s "$work/load.json" ] || fail "arena-bot wrote no JSON"

# The server writes its statistics as it stops: stop it and wait for the file.
kill -TERM "$ARENA_SERVER_PID"
for _ in $(seq 1 100); do
    python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$ARENA_STATS" 2>/dev/null && break
    sleep 0.1
done

python3 - "$work/load.json" "$ARENA_STATS" "$bots" "$input_hz" <<'PY' || fail "statistics out of bounds"
import json, sys
r = json.load(open(sys.argv[1]))
s = json.load(open(sys.argv[2]))
bots = int(sys.argv[3])
interval = 60 // int(sys.argv[4])  # ticks per INPUT (msg_input_interval_ticks)
problems = []
def check(ok, what):
    if not ok:
        problems.append(what)
check(r["bots"] == bots, f"bots {r['bots']} != {bots} (the two processes' reports merged)")
check(r["procs"] == 2, f"procs {r['procs']} != 2")
check(r["behaviour"] == "load", f"behaviour {r['behaviour']}")
check(r["connected"] == bots, f"connected {r['connected']} != {bots}")
check(r["disconnects"] == 0, f"disconnects {r['disconnects']}")
check(r["decode_errors"] == 0, f"decode_errors {r['decode_errors']}")
check(abs(r["snapshot_rate_hz"] - 30.0) <= 3.0, f"snapshot_rate_hz {r['snapshot_rate_hz']} not 30 +-10%")
# Acknowledged: after each bot's first full snapshot the server sends deltas.
check(r["full_snapshots"] <= 2 * bots, f"full_snapshots {r['full_snapshots']} for {bots} bots")
check(s["snapshots_sent"] > 0 and s["full_snapshots"] * 4 < s["snapshots_sent"],
      f"server: {s['full_snapshots']} of {s['snapshots_sent']} snapshots were full")
check(r["snapshots_received"] <= s["snapshots_sent"],
      f"snapshots_received {r['snapshots_received']} > sent {s['snapshots_sent']}")
# An INPUT every `interval` client ticks (60 Hz: every tick), snapshots at 30 Hz; each INPUT
# carries the ticks since the last, and none reaches the server after its tick.
per_tick = r["inputs_sent"] / max(r["input_ticks"], 1)
check(abs(per_tick - 1.0 / interval) <= 0.1 / interval,
      f"inputs_sent {r['inputs_sent']} for {r['input_ticks']} ticks: not one per {interval}")
check(r["inputs_sent"] >= 0.8 * (2.0 / interval) * r["snapshots_received"],
      f"inputs_sent {r['inputs_sent']} for {r['snapshots_received']} snapshots")
check(s["inputs_late"] == 0, f"server: inputs_late {s['inputs_late']}")
check(r["reconciliations"] == 0, f"reconciliations {r['reconciliations']}: a light bot predicted")
check(r["cpu_s"] > 0, f"cpu_s {r['cpu_s']}")
# The server loop's wake-ups per second, printed (not checked yet: see docs/architecture.md
# "The loop", the batched-read experiment).
wakes = s["wakeups"] / max(s["run_us"], 1) * 1e6
for p in problems:
    print("bots_load:", p, file=sys.stderr)
print("bots_load: " + ", ".join(f"{k}={r[k]}" for k in (
    "connected", "snapshots_received", "full_snapshots", "inputs_sent", "input_ticks",
    "snapshot_rate_hz", "cpu_s")) + f", server snapshots_sent={s['snapshots_sent']} full={s['full_snapshots']}"
      f" wakeups/s={wakes:.0f}")
sys.exit(1 if problems else 0)
PY
echo "bots_load: ok"
