#!/usr/bin/env bash
# with_server.sh SERVER MAP -- [server options...] -- TEST_COMMAND...
#
# Starts arena-server on free loopback ports, waits until it accepts TCP, runs TEST_COMMAND
# with ARENA_HOST, ARENA_PORT (game UDP = login TCP), ARENA_DISC_PORT and ARENA_METRICS_PORT
# (a free TCP port; @METRICS_PORT@ in a server option is replaced by it) in the environment,
# then stops the server with SIGTERM (mid-game) and checks that it exits 0 within 5 s and
# wrote a stats file with every documented key. Fails if the server printed a sanitizer
# report.
set -euo pipefail
server=$1 map=$2
shift 2
[ "$1" = "--" ] && shift
server_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do server_args+=("$1"); shift; done
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || { echo "with_server.sh: no test command" >&2; exit 2; }

work=$(mktemp -d)
server_pid=
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# Free ports: one TCP+UDP pair for the game/login, one UDP for discovery, one TCP that a
# server option may name as @METRICS_PORT@ (the metrics endpoint).
read -r port disc mport < <(python3 - <<'PY'
import socket
def free():
    while True:
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM); t.bind(("127.0.0.1", 0))
        p = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", p))
        except OSError:
            t.close(); continue
        t.close(); u.close(); return p
a = free(); b = free()
while b == a: b = free()
c = free()
while c in (a, b): c = free()
print(a, b, c)
PY
)
export ARENA_HOST=127.0.0.1 ARENA_PORT=$port ARENA_DISC_PORT=$disc ARENA_STATS=$work/stats.json
export ARENA_WORK=$work ARENA_METRICS_PORT=$mport
for i in "${!server_args[@]}"; do server_args[$i]=${server_args[$i]//@METRICS_PORT@/$mport}; done
"$server" --port "$port" --set discovery_port="$disc" --set bind=127.0.0.1 --map "$map" \
    --data-dir "$work/data" --stats-json "$work/stats.json" "${server_args[@]}" \
    >"$work/server.log" 2>&1 &
server_pid=$!
export ARENA_SERVER_PID=$server_pid

ready=0
for _ in $(seq 1 100); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2).close()" 2>/dev/null; then
        ready=1; break
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
if [ $ready = 0 ]; then
    echo "server did not start:" >&2; cat "$work/server.log" >&2; exit 1
fi

rc=0
"$@" || rc=$?

kill -TERM "$server_pid" 2>/dev/null || true # the test may have stopped it already
src=0
for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$server_pid" 2>/dev/null; then
    echo "server did not stop within 5 s of SIGTERM" >&2; rc=1
fi
wait "$server_pid" || src=$?
server_pid=
if [ $src -ne 0 ]; then
    echo "server exited with $src after SIGTERM" >&2; rc=1
fi
if ! python3 - "$work/stats.json" <<'PY'
import json, sys
want = ["ticks", "tick_us_p50", "tick_us_p99", "tick_us_max", "tick_overruns", "wakeups", "run_us", "players_peak",
        "bytes_out", "packets_out", "max_snapshot_wire_bytes", "snapshots_sent", "rss_kb_peak",
        "tick_cpu_us_p99", "tick_cpu_us_max", "tick_overruns_cpu", "events_sent", "events_messages",
        "udp_flood_polls", "udp_polled_ms"]
try:
    st = json.load(open(sys.argv[1]))
except Exception as e:
    sys.exit(f"stats file unreadable: {e}")
missing = [k for k in want if not isinstance(st.get(k), int)]
if missing:
    sys.exit(f"stats file lacks {missing}")
if st["ticks"] <= 0:
    sys.exit("stats: no ticks ran")
# A tick's CPU time cannot pass its wall time (one thread; 1 ms for the clocks' steps).
if st["tick_cpu_us_max"] > st["tick_us_max"] + 1000 or st["tick_overruns_cpu"] > st["tick_overruns"]:
    sys.exit("stats: tick CPU time above its wall time: %r" % {k: st[k] for k in st if "tick" in k})
PY
then
    echo "bad stats file" >&2; rc=1
fi
if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$work/server.log"; then
    echo "sanitizer report from the server" >&2; rc=1
fi
if [ $rc -ne 0 ]; then
    echo "---- server log ----" >&2; tail -n 80 "$work/server.log" >&2
fi
exit $rc
