#!/usr/bin/env bash
# egg_hunt.sh SERVER BOT MAP — SPOILER (docs/SPOILER-easter-egg.md).
#
# On one server, at the same time:
#   - a hunter bot finds the hidden road through the network protocol alone;
#   - eight bound cheater bots wander while saying the word every half second;
#   - a plain TCP client (never in the arena) says the word too;
#   - a TCP bystander reads the room: it gets the announcement but never the finder's word.
# Then: only the hunter was announced and only the hunter is in the hall of fame, and the hunter
# got its name's claim secret (kept in its --claims file); the server is stopped and started
# again on the same data directory, and the hall of fame (FAME over TCP, and --hall-of-fame for
# the operator) still holds the hunter, whose name nobody else can take, while the hunter with
# its claim logs in as the legend.
# With ARENA_TEST_DATABASE set (tests/pg/with_postgres.sh), the same on that PostgreSQL.
set -euo pipefail
server=$1 bot=$2 map=$3
here=$(cd "$(dirname "$0")" && pwd)
proto=$(sed -n 's/^ *PROTO_VERSION = \([0-9]*\),.*/\1/p' "$here/../../shared/protocol.h")
[ -n "$proto" ] || { echo "egg_hunt: no PROTO_VERSION in shared/protocol.h" >&2; exit 1; }
work=$(mktemp -d)
pids=()
store=()
[ -z "${ARENA_TEST_DATABASE:-}" ] || store=(--set "database=$ARENA_TEST_DATABASE")
cleanup() {
    for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "egg_hunt: $*" >&2
    for f in "$work"/*.log; do echo "---- $f" >&2; tail -n 30 "$f" >&2; done
    exit 1
}

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_server() {
    "$server" --port "$port" --set bind=127.0.0.1 --set discovery_port=0 --map "$map" \
        --data-dir "$work/data" "${store[@]}" >>"$work/server.log" 2>&1 &
    server_pid=$!
    pids+=("$server_pid")
    for _ in $(seq 1 100); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2).close()" \
            2>/dev/null && return 0
        sleep 0.1
    done
    fail "server did not start"
}
stop_server() {
    kill -TERM "$server_pid"
    wait "$server_pid" || fail "server exited non-zero on SIGTERM"
}

start_server
"$bot" --server "127.0.0.1:$port" --count 8 --seconds 25 --behaviour wander --chat-every 0.5 \
    --say "Pyhtonista" --name-prefix cheat --quiet >"$work/cheaters.log" 2>&1 &
cheaters=$!
pids+=("$cheaters")
python3 - "$port" >"$work/tcp_cheater.log" 2>&1 <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"LOGIN tcpcheat\n")
for _ in range(20):
    s.sendall(b"SAY Pyhtonista\n")
    time.sleep(0.6)
s.sendall(b"QUIT\n")
PY
tcp_cheater=$!
pids+=("$tcp_cheater")

# A bystander on TCP reads the room until the announcement: it must never see the finder's
# word as chat (the line that completes the hunt is not broadcast).
python3 - "$port" >"$work/bystander.log" 2>&1 <<'PY' &
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=120)
s.sendall(b"LOGIN bystander\n")
buf = b""
while b"found the Road" not in buf:
    chunk = s.recv(4096)
    if not chunk:
        sys.exit("bystander: the server closed before the announcement")
    buf += chunk
for line in buf.decode(errors="replace").splitlines():
    print(line)
    if line.startswith("CHAT Hunter0 ") and "pyhtonista" in line.lower():
        sys.exit("bystander read the finder's word: " + line)
PY
bystander=$!
pids+=("$bystander")

"$bot" --server "127.0.0.1:$port" --count 1 --seconds 90 --behaviour hunt --name-prefix Hunter \
    --claims "$work/claims" --json "$work/hunter.json" >"$work/hunter.log" 2>&1 ||
    fail "hunter bot failed"
wait "$cheaters" || true
wait "$tcp_cheater" || true
wait "$bystander" || fail "the finder's word reached the room as chat"
grep -q "^NOTICE Hunter0 found the Road to Localhost! Hall of fame #1" "$work/bystander.log" ||
    fail "the bystander did not read the announcement"

python3 - "$work/hunter.json" <<'PY' || fail "the hunter was not announced"
import json, sys
assert json.load(open(sys.argv[1]))["legends"] == 1
PY
grep -q "'Hunter0' found the Road to Localhost (hall of fame #1)" "$work/server.log" ||
    fail "server did not record the hunter"
if grep "found the Road" "$work/server.log" | grep -v "'Hunter0'"; then
    fail "somebody other than the hunter was recorded"
fi
grep -qE "^127\.0\.0\.1:$port Hunter0 [0-9a-f]{32}\$" "$work/claims" ||
    fail "the hunter's claim secret was not kept in its claims file"
[ "$(stat -c %a "$work/claims")" = 600 ] || fail "the claims file is not private (0600)"
stop_server

# A restart keeps the hall of fame.
start_server
python3 - "$port" "$proto" <<'PY' || fail "FAME after restart"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"LOGIN reader\nFAME\n")
buf = b""
while b"FAME END" not in buf:
    chunk = s.recv(4096)
    if not chunk:
        break
    buf += chunk
lines = [l for l in buf.decode().splitlines() if l.startswith("FAME")]
assert lines[0].startswith("FAME 1 Hunter0 "), lines
assert lines[-1] == "FAME END 1", lines
# The legend's name is the legend's: without its claim, or with a wrong one, it is taken.
v = sys.argv[2].encode()  # PROTO_VERSION, from shared/protocol.h
for login in (b"LOGIN Hunter0\n", b"LOGIN hunter0 " + v + b"\n", b"LOGIN HUNTER0 " + v + b" " + b"0" * 32 + b"\n"):
    t = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
    t.sendall(login)
    got = b""
    while b"ERR" not in got and b"OK " not in got:
        chunk = t.recv(4096)
        if not chunk:
            break
        got += chunk
    assert b"ERR taken" in got and b"legend" in got, (login, got)
    t.close()
PY
# The hunter, with its claim, plays under its name again, wearing the crown.
"$bot" --server "127.0.0.1:$port" --count 1 --seconds 2 --behaviour idle --name-prefix Hunter \
    --claims "$work/claims" --quiet >"$work/hunter2.log" 2>&1 || fail "the legend could not log in"
grep -q "logged in as 'Hunter0' (slot [0-9]*, legend)" "$work/server.log" ||
    fail "the legend's login was not recognised"
stop_server
"$server" --hall-of-fame --data-dir "$work/data" "${store[@]}" | grep -q "Hunter0" || fail "--hall-of-fame"
echo "egg_hunt: hunter found it, 9 cheaters did not, hall of fame survived a restart"
