#!/usr/bin/env bash
# bots_loopback.sh — a real arena-server and a swarm of 16 arena-bots on 127.0.0.1.
#
# usage: bots_loopback.sh ARENA_SERVER ARENA_BOT MAP_FILE
# Checks what players would notice: everyone gets in and stays, snapshots arrive at the
# server's 30 Hz, nothing fails to decode, every chat line reaches every other player,
# no snapshot datagram is over the 1200-byte budget, and the server stops cleanly on SIGTERM.
# Everything is bounded in time; child processes are always cleaned up.
set -euo pipefail

if [ $# -ne 3 ]; then
    echo "usage: $0 ARENA_SERVER ARENA_BOT MAP_FILE" >&2
    exit 2
fi
server_bin=$1
bot_bin=$2
map=$3
bots=16

work=$(mktemp -d "${TMPDIR:-/tmp}/arena-bots.XXXXXX")
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
    echo "bots_loopback: FAIL: $*" >&2
    echo "---- server log (last 40 lines) ----" >&2
    tail -n 40 "$work/server.log" >&2 2>/dev/null || true
    echo "---- bot output ----" >&2
    cat "$work/bot.log" >&2 2>/dev/null || true
    exit 1
}

# A port free for both TCP and UDP on 127.0.0.1 (the game and login share it).
free_port() {
    python3 - <<'EOF'
import random, socket
for _ in range(200):
    p = random.randint(20000, 60000)
    try:
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind(("127.0.0.1", p))
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("127.0.0.1", p))
        t.close(); u.close()
        print(p)
        break
    except OSError:
        continue
EOF
}

# Waits until the server accepts TCP on $1 (10 s at most) or dies.
wait_listening() {
    local port=$1
    for _ in $(seq 1 100); do
        if ! kill -0 "$server_pid" 2>/dev/null; then
            return 1
        fi
        if python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1', $port), 0.2); s.close()" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# The port can be taken between the check and the bind: try a few.
port=""
for attempt in 1 2 3; do
    port=$(free_port)
    [ -n "$port" ] || fail "no free port"
    "$server_bin" --port "$port" --map "$map" --data-dir "$work/data" \
        --set bind=127.0.0.1 --set discovery_port=0 --set peers_per_ip=64 \
        --set status_interval_s=1 >"$work/server.log" 2>&1 &
    server_pid=$!
    if wait_listening "$port"; then
        break
    fi
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
    [ "$attempt" = 3 ] && fail "arena-server did not start"
done

set +e
timeout -k 5 60 "$bot_bin" --server "127.0.0.1:$port" --count "$bots" --seconds 5 \
    --chat-every 1 --json "$work/out.json" --seed 42 >"$work/bot.log" 2>&1
bot_rc=$?
set -e
[ "$bot_rc" = 0 ] || fail "arena-bot exited with $bot_rc"
[ -s "$work/out.json" ] || fail "arena-bot wrote no JSON"

python3 - "$work/out.json" "$bots" <<'EOF' || fail "statistics out of bounds"
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
check(0 < r["max_snapshot_bytes"] <= 1200, f"max_snapshot_bytes {r['max_snapshot_bytes']}")
check(r["snapshots_received"] > 0, "no snapshots")
for p in problems:
    print("bots_loopback:", p, file=sys.stderr)
print("bots_loopback: " + ", ".join(f"{k}={r[k]}" for k in (
    "connected", "snapshot_rate_hz", "max_snapshot_bytes", "rtt_ms_p50", "rtt_ms_p99",
    "bytes_down_per_bot_per_s", "prediction_errors", "chat_sent", "chat_received")))
sys.exit(1 if problems else 0)
EOF

# SIGTERM: the server tells everyone, closes and exits 0 within a few seconds.
kill -TERM "$server_pid"
for _ in $(seq 1 100); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$server_pid" 2>/dev/null && fail "arena-server still running 10 s after SIGTERM"
set +e
wait "$server_pid"
server_rc=$?
set -e
server_pid=""
[ "$server_rc" = 0 ] || fail "arena-server exited with $server_rc after SIGTERM"
echo "bots_loopback: ok"
