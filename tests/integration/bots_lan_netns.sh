#!/usr/bin/env bash
# bots_lan_netns.sh — LAN discovery across a real (virtual) LAN: two network namespaces joined
# by a bridge, the server in one, arena-bot --discover in the other. Neither has a default
# route (a switch and static addresses, as at many LAN parties): the default query to
# 255.255.255.255 must still find the server, then a swarm joins through --broadcast.
#
# usage: bots_lan_netns.sh ARENA_SERVER ARENA_BOT MAP_FILE
# Exits 77 (skipped) when not root or when network namespaces cannot be used. The bridge and
# every address live inside the namespaces (10.x.y.0/24); nothing is added to the host's own
# network. Everything is torn down on exit, and every step is bounded in time.
set -euo pipefail

if [ $# -ne 3 ]; then
    echo "usage: $0 ARENA_SERVER ARENA_BOT MAP_FILE" >&2
    exit 2
fi
server_bin=$1
bot_bin=$2
map=$3
bots=4

skip() {
    echo "bots_lan_netns: skipped: $*" >&2
    exit 77
}
[ "$(id -u)" = 0 ] || skip "needs root"
command -v ip >/dev/null 2>&1 || skip "no 'ip' command"

tag=$$
ns_srv="arena_srv_$tag"
ns_bot="arena_bot_$tag"
subnet="10.$((tag / 250 % 250 + 1)).$((tag % 250 + 1))"
work=$(mktemp -d "${TMPDIR:-/tmp}/arena-netns.XXXXXX")
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    # Deleting a namespace deletes its bridge and veth ends with it.
    ip netns del "$ns_srv" 2>/dev/null || true
    ip netns del "$ns_bot" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
    echo "bots_lan_netns: FAIL: $*" >&2
    echo "---- server log (last 40 lines) ----" >&2
    tail -n 40 "$work/server.log" >&2 2>/dev/null || true
    echo "---- bot output ----" >&2
    cat "$work/bot.log" >&2 2>/dev/null || true
    exit 1
}

# Setup problems mean this machine cannot run the test: skip, do not fail.
ip netns add "$ns_srv" 2>/dev/null || skip "cannot create a network namespace"
ip netns add "$ns_bot" 2>/dev/null || skip "cannot create a second network namespace"
{
    ip -n "$ns_srv" link add br0 type bridge &&
        ip -n "$ns_srv" link add veth_s type veth peer name veth_b netns "$ns_bot" &&
        ip -n "$ns_srv" link set veth_s master br0 &&
        ip -n "$ns_srv" addr add "$subnet.1/24" broadcast "$subnet.255" dev br0 &&
        ip -n "$ns_bot" addr add "$subnet.2/24" broadcast "$subnet.255" dev veth_b &&
        ip -n "$ns_srv" link set lo up &&
        ip -n "$ns_srv" link set veth_s up &&
        ip -n "$ns_srv" link set br0 up &&
        ip -n "$ns_bot" link set lo up &&
        ip -n "$ns_bot" link set veth_b up
} 2>"$work/setup.log" || skip "cannot build the bridge ($(head -n 1 "$work/setup.log"))"

# The LAN works at all (the bridge may need a moment to forward). Without ping, the same is
# checked over TCP once the server listens (below).
have_ping=0
command -v ping >/dev/null 2>&1 && have_ping=1
if [ "$have_ping" = 1 ]; then
    reachable=0
    for _ in $(seq 1 50); do
        if ip netns exec "$ns_bot" ping -c 1 -W 1 "$subnet.1" >/dev/null 2>&1; then
            reachable=1
            break
        fi
        sleep 0.1
    done
    [ "$reachable" = 1 ] || fail "the bot namespace cannot reach $subnet.1"
fi

ip netns exec "$ns_srv" "$server_bin" --port 7777 --map "$map" --data-dir "$work/data" \
    --name "netns-$tag" --set discovery_port=7778 --set status_interval_s=1 \
    >"$work/server.log" 2>&1 &
server_pid=$!
up=0
for _ in $(seq 1 100); do
    kill -0 "$server_pid" 2>/dev/null || fail "arena-server died at start"
    if ip netns exec "$ns_srv" python3 -c \
        "import socket; socket.create_connection(('127.0.0.1', 7777), 0.2).close()" 2>/dev/null; then
        up=1
        break
    fi
    sleep 0.1
done
[ "$up" = 1 ] || fail "arena-server did not start listening"
if [ "$have_ping" = 0 ]; then
    reachable=0
    for _ in $(seq 1 50); do
        if ip netns exec "$ns_bot" python3 -c \
            "import socket; socket.create_connection(('$subnet.1', 7777), 0.2).close()" 2>/dev/null; then
            reachable=1
            break
        fi
        sleep 0.1
    done
    [ "$reachable" = 1 ] || fail "the bot namespace cannot reach $subnet.1:7777 over the bridge"
fi

# A LAN with no router: neither namespace has a default route, so the kernel refuses
# 255.255.255.255 ("Network is unreachable"). The default query must still find the server
# (it also goes to each interface's broadcast address).
if ip -n "$ns_bot" route show default | grep -q .; then
    fail "the bot namespace has a default route; this test needs none"
fi
set +e
timeout -k 5 30 ip netns exec "$ns_bot" "$bot_bin" --discover --count 1 --seconds 1 \
    --seed 3 >"$work/bot.log" 2>&1
bot_rc=$?
set -e
[ "$bot_rc" = 0 ] || fail "arena-bot --discover (default broadcast, no default route) exited with $bot_rc"
grep -q "discovered 'netns-$tag' at $subnet.1:7777" "$work/bot.log" ||
    fail "arena-bot --discover without a default route did not find the server"

set +e
timeout -k 5 60 ip netns exec "$ns_bot" "$bot_bin" --discover --broadcast "$subnet.255" \
    --count "$bots" --seconds 3 --json "$work/out.json" --seed 7 >"$work/bot.log" 2>&1
bot_rc=$?
set -e
[ "$bot_rc" = 0 ] || fail "arena-bot exited with $bot_rc"
grep -q "discovered 'netns-$tag' at $subnet.1:7777" "$work/bot.log" ||
    fail "arena-bot did not report discovering the server at $subnet.1"
python3 - "$work/out.json" "$bots" <<'EOF' || fail "the bots did not all join"
import json, sys
r = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
ok = r["connected"] == n and r["disconnects"] == 0 and r["snapshots_received"] > 0
print(f"bots_lan_netns: connected={r['connected']} snapshots={r['snapshots_received']} "
      f"rtt_ms_p50={r['rtt_ms_p50']}", file=sys.stderr if not ok else sys.stdout)
sys.exit(0 if ok else 1)
EOF

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
echo "bots_lan_netns: ok"
