#!/usr/bin/env bash
# server_syscalls.sh (SERVER | --build SRC) BOT CTL MAP UNIT
#
# Does arena-server stay inside the sandbox its systemd unit (UNIT, packaging/
# arena-server.service.in) puts it in? Runs a release server under `strace -f` on loopback
# the way the unit does (--config FILE, data_dir) through a real game: 8 chase bots that
# chat, shoot and kill, two short matches recorded as demos, arena-ctl commands on the
# control socket, scrapes of the metrics endpoint, systemd's notify socket with its watchdog,
# the Agones client talking to the SDK stand-in (tests/agones/), a SIGHUP reload, SIGTERM at
# the end. Then checks, from the trace:
#   - every system call is allowed by the unit's SystemCallFilter= lines (the groups as
#     `systemd-analyze syscall-filter` expands them); a call outside would fail with EPERM
#     under systemd (SystemCallErrorNumber=EPERM);
#   - every socket() family is in RestrictAddressFamilies=;
#   - no writable+executable mapping (MemoryDenyWriteExecute=).
# Fails with the list of what is missing. With --build SRC (a sanitized tree, whose server
# makes the sanitizers' own calls and cannot run its leak check under strace) it first builds
# a Release arena-server from SRC in its temporary directory.
set -euo pipefail
if [ "$1" = --build ]; then
    src=$2
    shift 2
else
    server=$1 src=
    shift
fi
bot_bin=$1 ctl_bin=$2 map=$3 unit=$4
bots=8

for tool in strace systemd-analyze python3; do
    command -v "$tool" >/dev/null || { echo "server_syscalls: needs $tool" >&2; exit 1; }
done

work=$(mktemp -d)
here=$(cd "$(dirname "$0")" && pwd)
strace_pid=
server_pid=
helper_pids=()
cleanup() {
    [ -n "$server_pid" ] && kill -KILL "$server_pid" 2>/dev/null || true
    [ -n "$strace_pid" ] && kill -KILL "$strace_pid" 2>/dev/null || true
    for p in "${helper_pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "server_syscalls: FAIL: $*" >&2
    for log in server.log bots.log build.log; do
        if [ -s "$work/$log" ]; then
            echo "---- $log ----" >&2
            tail -n 40 "$work/$log" >&2
        fi
    done
    exit 1
}

if [ -n "$src" ]; then
    echo "server_syscalls: building a Release arena-server from $src"
    cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DARENA_TESTS=OFF \
        -DARENA_BIN_DIR="$work/build/bin" >"$work/build.log" 2>&1 || fail "cmake configure"
    cmake --build "$work/build" --target arena-server -j"$(nproc 2>/dev/null || echo 2)" \
        >>"$work/build.log" 2>&1 || fail "cmake build"
    server=$work/build/bin/arena-server
    rm -f "$work/build.log"
fi

read -r port disc mport sdk < <(python3 - <<'PY'
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
ports = []
while len(ports) < 4:
    p = free()
    if p not in ports:
        ports.append(p)
print(*ports)
PY
)

# The settings the unit's config file sets (packaging/arena-server.conf.in), on loopback, with
# short matches so a match ends, its demo is closed and the next one starts.
mkdir -p "$work/data" "$work/demos"
cat >"$work/arena-server.conf" <<EOF
data_dir = $work/data
map_path = $map
bind = 127.0.0.1
game_port = $port
login_port = $port
discovery_port = $disc
status_interval_s = 1
record_dir = $work/demos
time_limit_s = 3
warmup_s = 0
end_screen_s = 1
metrics_port = $mport
agones_health_s = 1
EOF

# The service manager's notify socket (systemd's side: READY, STATUS, WATCHDOG) and the Agones
# SDK stand-in, so their calls are in the trace too.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
print("ready", flush=True)
while True:
    open(sys.argv[2], "ab").write(s.recv(4096) + b"\n")
' "$work/notify" "$work/notify.log" >"$work/notify.out" 2>&1 &
helper_pids+=($!)
python3 "$here/../agones/sdk_standin.py" --port "$sdk" --game-port "$port" \
    --counter players=64 >"$work/standin.out" 2>&1 &
helper_pids+=($!)
for _ in $(seq 1 100); do
    grep -q ready "$work/notify.out" 2>/dev/null && grep -q sdk-standin "$work/standin.out" \
        2>/dev/null && break
    sleep 0.05
done

NOTIFY_SOCKET=$work/notify WATCHDOG_USEC=2000000 AGONES_SDK_HTTP_PORT=$sdk \
    strace -f -qq -o "$work/trace" -- "$server" --config "$work/arena-server.conf" \
    --stats-json "$work/stats.json" >"$work/server.log" 2>&1 &
strace_pid=$!

ready=0
for _ in $(seq 1 200); do
    if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2).close()" 2>/dev/null; then
        ready=1
        break
    fi
    kill -0 "$strace_pid" 2>/dev/null || break
    sleep 0.1
done
[ $ready = 1 ] || fail "the server did not start under strace"
# The traced server is the process of the trace's first line (its execve).
server_pid=$(awk 'NR == 1 { print $1; exit }' "$work/trace")
[ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null || fail "no server process in the trace"

timeout -k 5 60 "$bot_bin" --server "127.0.0.1:$port" --count "$bots" --seconds 8 \
    --behaviour chase --chat-every 1 --seed 7 --json "$work/bots.json" >"$work/bots.log" 2>&1 &
bots_pid=$!

# Operator commands while the bots play: wait until arena-ctl sees them all.
seen=0
for _ in $(seq 1 150); do
    seen=$("$ctl_bin" -d "$work/data" who 2>/dev/null | grep -c '^PLAYER' || true)
    [ "$seen" -ge "$bots" ] && break
    kill -0 "$bots_pid" 2>/dev/null || break
    sleep 0.1
done
[ "$seen" -ge "$bots" ] || fail "arena-ctl saw $seen of $bots bots"
"$ctl_bin" -d "$work/data" status >/dev/null || fail "arena-ctl status"
"$ctl_bin" -d "$work/data" say syscall check >/dev/null || fail "arena-ctl say"
"$ctl_bin" -d "$work/data" mute bot1 1 >/dev/null || fail "arena-ctl mute"
for _ in 1 2; do
    python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=5).read()" \
        "http://127.0.0.1:$mport/metrics" || fail "metrics scrape"
done
kill -HUP "$server_pid"

bots_rc=0
wait "$bots_pid" || bots_rc=$?
[ "$bots_rc" = 0 ] || fail "arena-bot exited with $bots_rc"

kill -TERM "$server_pid"
server_rc=0
wait "$strace_pid" || server_rc=$? # strace exits with its tracee's status
strace_pid= server_pid=
[ "$server_rc" = 0 ] || fail "the server exited with $server_rc after SIGTERM"
ls "$work"/demos/*.demo >/dev/null 2>&1 || fail "no demo recorded"
grep -q 'match 2 started' "$work/server.log" || fail "the first match did not end"
grep -q 'settings reloaded' "$work/server.log" || fail "no reload on SIGHUP"
grep -q '\[agones\] Ready' "$work/server.log" || fail "the Agones client never said Ready"
grep -q 'READY=1' "$work/notify.log" || fail "no READY=1 on the notify socket"
grep -q 'WATCHDOG=1' "$work/notify.log" || fail "no WATCHDOG=1 on the notify socket"

python3 - "$work/trace" "$unit" "$work/bots.json" "$bots" <<'PY'
import collections, json, re, subprocess, sys

trace_path, unit_path, bots_path, bots = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

r = json.load(open(bots_path))
if r["connected"] != bots or r["snapshots_received"] == 0:
    sys.exit(f"server_syscalls: FAIL: the game did not run: connected {r['connected']}, "
             f"snapshots {r['snapshots_received']}")

groups = {}
def expand(name):
    """A system call, or a @group with its nested groups, as systemd-analyze lists them."""
    if not name.startswith("@"):
        return {name}
    if name not in groups:
        groups[name] = set()
        out = subprocess.run(["systemd-analyze", "syscall-filter", "--no-pager", name],
                             check=True, capture_output=True, text=True).stdout
        members = set()
        for line in out.splitlines()[1:]:
            word = line.strip()
            if word and not word.startswith("#"):
                members |= expand(word)
        groups[name] = members
    return groups[name]

# The unit's settings, in order (a later SystemCallFilter= line adds to the first, `~`
# removes, an empty one resets).
allowed, families, mdwe = None, None, False
for line in open(unit_path):
    key, _, value = line.strip().partition("=")
    words = value.split()
    if key == "SystemCallFilter":
        if not words:
            allowed = None
            continue
        deny = words[0].startswith("~")
        names = set()
        for w in [words[0].lstrip("~")] + words[1:]:
            names |= expand(w.split(":")[0])
        allowed = (allowed or set()) - names if deny else (allowed or set()) | names
    elif key == "RestrictAddressFamilies":
        families = set(words)
    elif key == "MemoryDenyWriteExecute":
        mdwe = value.strip() in ("yes", "true", "1", "on")
if not allowed:
    sys.exit(f"server_syscalls: FAIL: {unit_path} has no SystemCallFilter= allow list")

call = re.compile(r"^(\d+)\s+(?:<\.\.\. )?([a-z_][a-z0-9_]*)[( ]")
seen = collections.Counter()
example = {}
bad_families, wx = [], []
for line in open(trace_path, errors="replace"):
    m = call.match(line)
    if not m:
        continue  # signals (---), exits (+++)
    name = m.group(2)
    seen[name] += 1
    example.setdefault(name, line.strip())
    if name == "socket" and families is not None:
        fam = re.search(r"socket\((AF_\w+)", line)
        if fam and fam.group(1) not in families:
            bad_families.append(line.strip())
    if mdwe and name in ("mmap", "mprotect", "pkey_mprotect") and "PROT_EXEC" in line:
        if name != "mmap" or "PROT_WRITE" in line:
            wx.append(line.strip())

missing = sorted(n for n in seen if n not in allowed)
print(f"server_syscalls: {sum(seen.values())} calls of {len(seen)} kinds traced; "
      f"{len(allowed)} allowed by the unit:", " ".join(sorted(seen)))
problems = 0
if missing:
    problems += 1
    print("server_syscalls: FAIL: system calls outside the unit's SystemCallFilter:",
          " ".join(missing), file=sys.stderr)
    for n in missing:
        print(f"  {n} x{seen[n]}: {example[n]}", file=sys.stderr)
if bad_families:
    problems += 1
    print("server_syscalls: FAIL: sockets outside RestrictAddressFamilies:", file=sys.stderr)
    for l in bad_families[:10]:
        print("  " + l, file=sys.stderr)
if wx:
    problems += 1
    print("server_syscalls: FAIL: writable+executable memory (MemoryDenyWriteExecute):",
          file=sys.stderr)
    for l in wx[:10]:
        print("  " + l, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
echo "server_syscalls: ok"
