#!/usr/bin/env bash
# udp_floor.sh ARENA_UDPFLOOR — the floor tool sends what it says and refuses bad flags.
# (No timing is checked: the CPU numbers are the benchmark's, not a test's.)
set -euo pipefail
tool=$1
fail() { echo "udp_floor: FAIL: $*" >&2; exit 1; }
out=$("$tool" --receivers 4 --bytes 100 --rate 30 --seconds 1) || fail "exit $?"
python3 - "$out" <<'PY' || fail "bad report: $out"
import json, sys
r = json.loads(sys.argv[1])
want = {"receivers": 4, "bytes": 100, "rate_hz": 30, "seconds": 1, "datagrams_sent": 120,
        "send_errors": 0}
bad = {k: (r.get(k), v) for k, v in want.items() if r.get(k) != v}
assert not bad, f"got/want {bad}"
assert r["datagrams_received"] <= 120 and r["datagrams_received"] >= 100, r
assert r["cpu_us"] >= 0 and "cpu_us_per_datagram" in r, r
print("udp_floor:", sys.argv[1])
PY
for args in "--receivers 0 --bytes 10" "--receivers 4 --bytes 1201" "--receivers 4" \
    "--receivers 4 --bytes 10 --rate x" "--bogus 1" "--receivers 4 --bytes 10 --seconds"; do
    set +e
    # shellcheck disable=SC2086
    err=$("$tool" $args 2>&1 >/dev/null)
    rc=$?
    set -e
    [ "$rc" = 2 ] || fail "'$args' exited $rc (want 2)"
    case "$err" in arena-udpfloor:*usage:*) ;; *) fail "'$args': no clear error: $err" ;; esac
done
echo "udp_floor: ok"
