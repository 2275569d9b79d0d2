#!/usr/bin/env python3
"""attack_agones.py — a lying Agones SDK sidecar (the stand-in of tests/agones/, told to break
every answer) while a game runs under it. For 6 s every call gets one of: an empty body, cut
JSON, 100,000 nested '[', bytes that are not UTF-8, a state of the wrong type, a 10 KB state
name, a state with a space, duplicate keys, 1 MiB of junk (past the client's 64 KiB answer
buffer), null, an array.

Asserts: the game does not notice (the suite's legit checks); the broken answers are a logged
failure, once for the streak, not a line per answer; once the sidecar answers properly again
the server says so and reads the GameServer's state again; the server's RSS stays bounded."""
import json
import os
import subprocess
import sys
import time
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness as H  # noqa: E402

STANDIN = os.path.join(H.HERE, "..", "agones", "sdk_standin.py")
ATTACK_S = 6.0


def control(port, path, body=None):
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path),
                                 data=None if body is None else json.dumps(body).encode(),
                                 method="GET" if body is None else "POST")
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read() or b"{}")


def body(ctx):
    sdk = H.free_port(tcp_too=True)
    sc = H.Scenario(ctx, bot_seconds=10.0, sets={"agones_health_s": "1"},
                    env={"AGONES_SDK_HTTP_PORT": str(sdk)})
    # Players reach the server where it listens (status.ports "default").
    standin = ctx.spawn([sys.executable, STANDIN, "--port", str(sdk), "--counter", "players=64",
                         "--game-port", str(sc.server.port)],
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    ctx.check("the SDK stand-in started", standin.stdout.readline().startswith(b"sdk-standin"))
    sc.start()
    srv = sc.server
    ready = srv.wait_log(r"\[agones\] Ready", 10.0)
    ctx.check("Ready told to the sidecar", ready)
    sc.begin_attack()
    lines_before = srv.log_text().count("[agones]")
    control(sdk, "/_standin/mode", {"mode": "junk"})
    time.sleep(ATTACK_S)
    n_junk = len(control(sdk, "/_standin/log")["calls"])
    control(sdk, "/_standin/mode", {"mode": "ok"})
    sc.end_attack()
    during = srv.log_text().count("[agones]") - lines_before
    recovered = srv.wait_log(r"GetGameServer works again", 10.0)
    st = control(sdk, "/_standin/log")
    polls_after = [c for c in st["calls"] if c["path"] == "/gameserver"][-1:]
    ctx.check("broken answers logged as a failure once for the streak",
              srv.log_text().count("GetGameServer failed") == 1 and during <= 3,
              "%d [agones] lines during the attack" % during)
    ctx.check("after the attack: the recovery logged and the state read again",
              recovered and polls_after, "recovered %s" % recovered)
    ctx.check("the sidecar's junk was asked for (the client kept trying, with pauses)",
              n_junk > 3, "%d calls in all" % n_junk)
    final = sc.finish()
    ctx.row["sent"] = "%.0f s of broken sidecar answers (12 kinds, up to 1 MiB), %d calls in " \
                      "the run" % (ATTACK_S, n_junk)
    ctx.row["server"] = "%d [agones] log lines during it; recovered %s; ticks %s" % (
        during, recovered, (final or {}).get("ticks"))
    ctx.row["amplification"] = "n/a (the server is the client)"


if __name__ == "__main__":
    H.main("agones", __doc__, body)
