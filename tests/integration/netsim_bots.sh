#!/usr/bin/env bash
# netsim_bots.sh ARENA_NETSIM ARENA_BOT [PROFILE] — run by with_server.sh (which starts
# arena-server on free loopback ports, then stops it with SIGTERM and checks a clean exit).
#
# A few arena-bots play through arena-netsim (default profile lan), pointed at the relay's
# port exactly as a player would (--server 127.0.0.1:RELAY): every bot joins through the
# relay's login rewrite and stays, snapshots arrive, nothing fails to decode, every chat line
# is delivered; the relay saw one UDP client per bot, rewrote every login answer, and stops
# cleanly on SIGTERM with its stats file.
set -euo pipefail
netsim=$1 bot_bin=$2 profile=${3:-lan}
bots=3
work=$ARENA_WORK
relay_pid=
cleanup() {
    if [ -n "$relay_pid" ] && kill -0 "$relay_pid" 2>/dev/null; then
        kill -KILL "$relay_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT

fail() {
    echo "netsim_bots: FAIL: $*" >&2
    echo "---- relay output ----" >&2; cat "$work/netsim.log" >&2 2>/dev/null || true
    echo "---- bot output ----" >&2; tail -n 40 "$work/bot.log" >&2 2>/dev/null || true
    exit 1
}

relay_port=$(python3 - <<'PY'
import socket
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p))
    except OSError:
        t.close(); continue
    t.close(); u.close(); print(p); break
PY
)
"$netsim" --listen "127.0.0.1:$relay_port" --to "$ARENA_HOST:$ARENA_PORT" --profile "$profile" \
    --seed 5 --stats-json "$work/netsim.json" --duration 60 >"$work/netsim.log" 2>&1 &
relay_pid=$!
# Ready when it prints that it relays (after both sockets are bound).
for _ in $(seq 1 100); do
    grep -q "relaying" "$work/netsim.log" 2>/dev/null && break
    kill -0 "$relay_pid" 2>/dev/null || fail "arena-netsim exited at start"
    sleep 0.05
done
grep -q "relaying" "$work/netsim.log" || fail "arena-netsim did not start"

set +e
timeout -k 5 60 "$bot_bin" --server "127.0.0.1:$relay_port" --count "$bots" --seconds 4 \
    --chat-every 1 --json "$work/out.json" --seed 42 >"$work/bot.log" 2>&1
bot_rc=$?
set -e
[ "$bot_rc" = 0 ] || fail "arena-bot exited with $bot_rc"

kill -TERM "$relay_pid"
relay_rc=0
wait "$relay_pid" || relay_rc=$?
relay_pid=
[ "$relay_rc" = 0 ] || fail "arena-netsim exited with $relay_rc after SIGTERM"
if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$work/netsim.log"; then
    fail "sanitizer report from arena-netsim"
fi

python3 - "$work/out.json" "$work/netsim.json" "$bots" <<'PY' || fail "statistics out of bounds"
import json, sys
r = json.load(open(sys.argv[1]))
ns = json.load(open(sys.argv[2]))
bots = int(sys.argv[3])
problems = []
def check(ok, what):
    if not ok:
        problems.append(what)
check(r["connected"] == bots, f"connected {r['connected']} != {bots}")
check(r["disconnects"] == 0, f"disconnects {r['disconnects']}")
check(r["snapshot_rate_hz"] >= 27.0, f"snapshot_rate_hz {r['snapshot_rate_hz']} < 27")
check(r["decode_errors"] == 0, f"decode_errors {r['decode_errors']}")
check(r["chat_sent"] > 0, "no chat sent")
check(r["chat_received"] == r["chat_sent"] * (bots - 1),
      f"chat_received {r['chat_received']} != chat_sent {r['chat_sent']} * {bots - 1}")
# Through the relay, not round it: one UDP client per bot, every login answer rewritten,
# game traffic both ways.
check(ns["udp"]["clients_seen"] == bots, f"relay saw {ns['udp']['clients_seen']} UDP clients")
check(ns["tcp"]["login_rewrites"] == bots, f"login_rewrites {ns['tcp']['login_rewrites']}")
check(ns["tcp"]["port_mismatch"] == 0, "the server announced another game port")
check(ns["down"]["datagrams_out"] >= bots * 30 * 3,
      f"only {ns['down']['datagrams_out']} datagrams down")
check(ns["up"]["datagrams_out"] > 0, "no datagrams up")
for p in problems:
    print("netsim_bots:", p, file=sys.stderr)
print(f"netsim_bots ({ns['profile']}): " + ", ".join(f"{k}={r[k]}" for k in (
    "connected", "snapshot_rate_hz", "rtt_ms_p50", "rtt_ms_p99", "chat_sent",
    "chat_received")) + f", relay up {ns['up']['datagrams_out']} down "
    f"{ns['down']['datagrams_out']} datagrams, mean delay {ns['down']['delay_ms_mean']} ms")
sys.exit(1 if problems else 0)
PY
echo "netsim_bots: ok"
