#!/usr/bin/env bash
# client_rejoin.sh ARENA_SERVER ARENA_CLIENT ARENA_CTL MAP — the client rejoins a restarted
# server by itself, and does not rejoin after a kick; the server it joined is remembered in
# the recent-servers file ($XDG_STATE_HOME/localhost-arena/servers, mode 600).
#
# arena-client (offscreen SDL driver, software renderer) joins a server as "rejoiner". The
# server is stopped with SIGTERM (its SHUTDOWN disconnect and BYE shutdown) and started again
# on the same port: the client must say the connection was lost, retry with backoff and be
# back in the arena (the new server's log says "'rejoiner' entered the arena", the client's
# says "rejoined"), with the same name. Then the operator kicks it (arena-ctl kick): the
# client must say so and must not try again. Every step waits for a log line, with a
# deadline; no sleeps decide anything. Any sanitizer report fails the test.
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 ARENA_SERVER ARENA_CLIENT ARENA_CTL MAP" >&2; exit 2; }
server=$1 client=$2 ctl=$3 map=$4
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d "${TMPDIR:-/tmp}/arena-rejoin.XXXXXX")
srv_pid="" cli_pid=""
cleanup() {
    for p in $cli_pid $srv_pid; do
        if kill -0 "$p" 2>/dev/null; then kill -KILL "$p" 2>/dev/null || true; fi
    done
    wait 2>/dev/null || true
    rm -rf "$out"
}
trap cleanup EXIT
export SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy
export XDG_STATE_HOME="$out/state" XDG_CONFIG_HOME="$out/config" # the recent-servers file
export LSAN_OPTIONS="suppressions=$here/client_lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
fail() {
    echo "client_rejoin: FAIL: $*" >&2
    for f in "$out"/*.log; do
        [ -f "$f" ] || continue
        echo "---- $(basename "$f") ----" >&2
        tail -n 30 "$f" >&2
    done
    exit 1
}
# wait_for FILE REGEX SECONDS: until the file has a line matching REGEX (polled every 50 ms).
wait_for() {
    local deadline=$((SECONDS + $3))
    until grep -qE "$2" "$1" 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.05
    done
}
port=$(python3 -c '
import socket
for _ in range(50):
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
    finally:
        t.close(); u.close()
')
start_server() { # LOG
    "$server" --port "$port" --map "$map" --data-dir "$out/data" --set bind=127.0.0.1 \
        --set discovery_port=0 --set status_interval_s=0 >"$1" 2>&1 &
    srv_pid=$!
    wait_for "$1" "playing '" 15 || fail "the server did not start"
}

start_server "$out/server1.log"
"$client" --connect "127.0.0.1:$port" --name rejoiner --software >"$out/client.log" 2>&1 &
cli_pid=$!
wait_for "$out/client.log" "in the arena on 127\.0\.0\.1:$port as rejoiner" 20 ||
    fail "the client never joined"

# 1. A restart: SIGTERM (SHUTDOWN), then the same port again.
kill -TERM "$srv_pid"
wait "$srv_pid" || fail "the server did not exit 0 on SIGTERM"
srv_pid=""
wait_for "$out/client.log" "connection lost: .*rejoining 127\.0\.0\.1:$port" 10 ||
    fail "the client did not say it lost the connection and is rejoining"
start_server "$out/server2.log"
wait_for "$out/server2.log" "'rejoiner' entered the arena" 30 ||
    fail "the client did not rejoin the restarted server"
wait_for "$out/client.log" "rejoined 127\.0\.0\.1:$port after [0-9]+ attempt" 5 ||
    fail "the client did not say it rejoined"
grep -E "connection lost|rejoin" "$out/client.log" | sed 's/^/client_rejoin: /'
# The server it joined is remembered for the title screen (docs/client.md "Recent servers").
servers="$out/state/localhost-arena/servers"
grep -qE "^server 127\.0\.0\.1 $port 0 [0-9]+$" "$servers" 2>/dev/null ||
    fail "the joined server is not in $servers"
[ "$(stat -c %a "$servers")" = 600 ] || fail "$servers is not mode 600"

# 2. A kick is not retried.
"$ctl" --data-dir "$out/data" kick rejoiner "testing" >"$out/ctl.log" 2>&1 || fail "arena-ctl kick failed"
wait_for "$out/client.log" "disconnected from .*kicked" 10 || fail "the client did not say it was kicked"
# The client is on the title screen now; had it retried, the server would log a new login
# within the first backoff step (0.5 s); the server's next status of the room says who is in.
lines_before=$(grep -c "rejoining" "$out/client.log" || true)
"$ctl" --data-dir "$out/data" who >"$out/who.log" 2>&1 || fail "arena-ctl who failed"
kill -TERM "$cli_pid"
wait "$cli_pid" || fail "the client did not exit 0 on SIGTERM"
cli_pid=""
lines_after=$(grep -c "rejoining" "$out/client.log" || true)
[ "$lines_before" = "$lines_after" ] || fail "the client tried to rejoin after a kick"
if grep -c "logged in as 'rejoiner'" "$out/server2.log" | grep -qv '^1$'; then
    fail "the client logged in again after the kick"
fi
if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$out/client.log" "$out"/server*.log; then
    fail "sanitizer report"
fi
kill -TERM "$srv_pid"
wait "$srv_pid" || fail "the server did not exit 0 on SIGTERM"
srv_pid=""
echo "client_rejoin: ok"
