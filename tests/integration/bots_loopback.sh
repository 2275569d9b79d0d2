#!/usr/bin/env bash
# bots_loopback.sh ARENA_BOT — run by with_server.sh (which starts arena-server on free
# loopback ports, then stops it with SIGTERM and checks a clean exit and the stats file).
#
# A swarm of 16 arena-bots. Checks what players would notice: everyone gets in and stays,
# snapshots arrive at the server's 30 Hz, nothing fails to decode, every chat line reaches
# every other player, no snapshot datagram is over the 1200-byte budget.
set -euo pipefail
bot_bin=$1
bots=16
work=$ARENA_WORK

fail() {
    echo "bots_loopback: FAIL: $*" >&2
    echo "---- bot output ----" >&2
    cat "$work/bot.log" >&2 2>/dev/null || true
    exit 1
}

set +e
timeout -k 5 60 "$bot_bin" --server "$ARENA_HOST:$ARENA_PORT" --count "$bots" --seconds 5 \
    --chat-every 1 --json "$work/out.json" --seed 42 >"$work/bot.log" 2>&1
bot_rc=$?
set -e
[ "$bot_rc" = 0 ] || fail "arena-bot exited with $bot_rc"
[ -s "$work/out.json" ] || fail "arena-bot wrote no JSON"

python3 - "$work/out.json" "$bots" <<'PY' || fail "statistics out of bounds"
import json, sys
r = json.load(open(sys.argv[1]))
bots = int(sys.argv[2])
problems = []
def check(ok, what):
    if not ok:
        problems.append(what)
check(r["bots"] == bots, f"bots {r['bots']} != {bots}")
check(r["connected"] == bots, f"connected {r['connected']} != {bots}")
check(r["disconnects"] == 0, f"disconnects {r['disconnects']}")
check(abs(r["snapshot_rate_hz"] - 30.0) <= 3.0, f"snapshot_rate_hz {r['snapshot_rate_hz']} not 30 +-10%")
check(r["decode_errors"] == 0, f"decode_errors {r['decode_errors']}")
check(r["chat_sent"] > 0, "no chat sent")
check(r["chat_received"] == r["chat_sent"] * (bots - 1),
      f"chat_received {r['chat_received']} != chat_sent {r['chat_sent']} * {bots - 1}")
check(0 < r["max_snapshot_datagram_bytes"] <= 1200,
      f"max_snapshot_datagram_bytes {r['max_snapshot_datagram_bytes']}")
check(r["snapshots_received"] > 0, "no snapshots")
for p in problems:
    print("bots_loopback:", p, file=sys.stderr)
print("bots_loopback: " + ", ".join(f"{k}={r[k]}" for k in (
    "connected", "snapshot_rate_hz", "max_snapshot_datagram_bytes", "rtt_ms_p50", "rtt_ms_p99",
    "bytes_down_per_bot_per_s", "prediction_errors", "chat_sent", "chat_received")))
sys.exit(1 if problems else 0)
PY
echo "bots_loopback: ok"
