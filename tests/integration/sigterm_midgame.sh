#!/usr/bin/env bash
# sigterm_midgame.sh ARENA_BOT — run by with_server.sh. Four bots join and play; the server
# gets SIGTERM while they are in the arena. It must tell them (each bot sees the shutdown),
# exit 0 within 5 s and write its stats file showing the game that was going on.
set -euo pipefail
bot=$1
work=$ARENA_WORK
"$bot" --server "$ARENA_HOST:$ARENA_PORT" --count 4 --seconds 20 --behaviour chase \
    --json "$work/bots.json" >"$work/bots.log" 2>&1 &
bot_pid=$!
trap 'kill -KILL $bot_pid 2>/dev/null || true' EXIT

# Wait until all four are in the arena (the server logs each entry).
for _ in $(seq 1 100); do
    [ "$(grep -c "entered the arena" "$work/server.log" || true)" -ge 4 ] && break
    sleep 0.1
done
[ "$(grep -c "entered the arena" "$work/server.log" || true)" -ge 4 ] || {
    echo "bots did not enter the arena" >&2; cat "$work/bots.log" >&2; exit 1; }
sleep 1 # mid-game

kill -TERM "$ARENA_SERVER_PID"
for _ in $(seq 1 50); do kill -0 "$ARENA_SERVER_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$ARENA_SERVER_PID" 2>/dev/null; then
    echo "server still running 5 s after SIGTERM" >&2; exit 1
fi
# The bots notice and stop well before their 20 s (they fail: the server went away).
bot_rc=0
for _ in $(seq 1 100); do kill -0 $bot_pid 2>/dev/null || break; sleep 0.1; done
kill -0 $bot_pid 2>/dev/null && { echo "bots did not notice the shutdown" >&2; exit 1; }
wait $bot_pid || bot_rc=$?
[ $bot_rc -ne 0 ] || { echo "bots exited 0 although the server went away" >&2; exit 1; }

# The datagram budget (PROTO_MAX_DATAGRAM, docs/protocol.md) is checked on what the bots
# really received: every datagram's full length as ENet's intercept saw it (the server's own
# max_datagram_bytes is computed, not measured).
python3 - "$ARENA_STATS" "$work/bots.json" <<'PY'
import json, sys
st = json.load(open(sys.argv[1]))
bots = json.load(open(sys.argv[2]))
limit = 1200
assert st["players_peak"] == 4, st["players_peak"]
assert st["ticks"] > 60 and st["snapshots_sent"] > 4 * 30, (st["ticks"], st["snapshots_sent"])
dgram = bots["max_datagram_bytes"]
assert 0 < bots["max_snapshot_datagram_bytes"] <= dgram, bots["max_snapshot_datagram_bytes"]
assert dgram <= limit, f"a bot received a datagram of {dgram} bytes (budget {limit})"
print("stats after SIGTERM:", {k: st[k] for k in ("ticks", "players_peak", "snapshots_sent")},
      "largest datagram received:", dgram)
PY
grep -q "stopping: telling 4 players" "$ARENA_WORK/server.log" || {
    echo "server did not tell the players" >&2; exit 1; }
