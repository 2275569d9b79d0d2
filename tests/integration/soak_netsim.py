#!/usr/bin/env python3
"""soak_netsim.py NETSIM BOT PROFILE [--seconds S] [--bots N] [--behaviour B] [--json OUT]
                  [--no-assert] [-- NETSIM_ARGS...]

Run by with_server.sh (ARENA_HOST, ARENA_PORT, ARENA_STATS, ARENA_SERVER_PID, ARENA_WORK in
the environment). Puts arena-netsim with PROFILE between a swarm of chatting arena-bots and
the server, plays for S seconds (60 by default), stops the relay and the server, then checks
what the netcode promises on a bad network (docs/operations.md, "Bad networks"):

  - every bot joins and none is dropped, nothing fails to decode;
  - every chat line reaches every other bot (TCP through the relay's latency);
  - every datagram, both ways, is within the 1200-byte budget;
  - at <= 10 % random loss no input is lost at the server: the 32-input window carries
    every tick (inputs_missing - inputs_late, the ticks whose input never arrived, is 0);
    an input that arrived after its tick (a stall or a jitter spike longer than the client's
    lead) is rare: at most 0.1 % of the player ticks;
  - deltas keep flowing: full snapshots only at join (one per bot) and after a loss burst
    longer than the baseline ring, i.e. a small share of all snapshots;
  - ENet destroyed nothing unsent and fragmented nothing.

Prints one JSON line with the measured numbers (also written to --json OUT), which the
per-profile table of scripts/netbench.py reads. Every wait is bounded.
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time


def free_port():
    """A port free for both TCP and UDP on 127.0.0.1 (the relay listens on both)."""
    while True:
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind(("127.0.0.1", 0))
        p = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", p))
        except OSError:
            t.close()
            continue
        t.close()
        u.close()
        return p


def wait_tcp(port, proc, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def stop(proc, seconds=10):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None


def stop_server(seconds=10):
    pid = int(os.environ["ARENA_SERVER_PID"])
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("netsim")
    ap.add_argument("bot")
    ap.add_argument("profile")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--bots", type=int, default=16)
    ap.add_argument("--behaviour", default="wander")
    ap.add_argument("--json")
    ap.add_argument("--no-assert", action="store_true")
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    a = ap.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    work = os.environ["ARENA_WORK"]
    name = f"soak[{a.profile}]"
    relay_port = free_port()
    ns_json = os.path.join(work, "netsim.json")
    bot_json = os.path.join(work, "bots.json")
    ns_log = open(os.path.join(work, "netsim.log"), "w")
    limit = int(a.seconds + 60)
    relay = subprocess.Popen(
        [a.netsim, "--listen", f"127.0.0.1:{relay_port}",
         "--to", f"{os.environ['ARENA_HOST']}:{os.environ['ARENA_PORT']}",
         "--profile", a.profile, "--seed", "7", "--stats-json", ns_json,
         "--duration", str(limit)] + extra,
        stdout=ns_log, stderr=subprocess.STDOUT)
    problems = []
    try:
        if not wait_tcp(relay_port, relay, 10):
            print(f"{name}: FAIL: arena-netsim did not start", file=sys.stderr)
            print(open(os.path.join(work, "netsim.log")).read(), file=sys.stderr)
            return 1
        with open(os.path.join(work, "bot.log"), "w") as bl:
            bot = subprocess.run(
                [a.bot, "--server", f"127.0.0.1:{relay_port}", "--count", str(a.bots),
                 "--seconds", str(a.seconds), "--chat-every", "3", "--behaviour", a.behaviour,
                 "--seed", "42", "--json", bot_json, "--quiet"],
                stdout=bl, stderr=subprocess.STDOUT, timeout=limit)
        if bot.returncode != 0:
            problems.append(f"arena-bot exited with {bot.returncode}")
    finally:
        stop(relay)
        stop_server()
    bots = json.load(open(bot_json)) if os.path.exists(bot_json) else None
    ns = json.load(open(ns_json)) if os.path.exists(ns_json) else None
    srv_path = os.environ["ARENA_STATS"]
    srv = json.load(open(srv_path)) if os.path.exists(srv_path) else None
    if bots is None or ns is None or srv is None:
        print(f"{name}: FAIL: missing statistics (bots {bots is not None}, netsim "
              f"{ns is not None}, server {srv is not None})", file=sys.stderr)
        print(open(os.path.join(work, "bot.log")).read(), file=sys.stderr)
        return 1
    row = measure(a, bots, ns, srv)
    print(json.dumps(row))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(row, f, indent=1)
    if not a.no_assert:
        problems += check(a, row, bots)
    for p in problems:
        print(f"{name}: FAIL: {p}", file=sys.stderr)
    if problems:
        print(open(os.path.join(work, "bot.log")).read()[-4000:], file=sys.stderr)
        return 1
    print(f"{name}: ok")
    return 0


def direction(ns, key):
    """The relay's stats for one direction ('up' or 'down')."""
    return ns.get(key, {})


def measure(a, bots, ns, srv):
    up, down = direction(ns, "up"), direction(ns, "down")
    sent = srv.get("snapshots_sent", 0)
    return {
        "profile": a.profile,
        "bots": bots["bots"],
        "connected": bots["connected"],
        "disconnects": bots["disconnects"],
        "decode_errors": bots["decode_errors"],
        "snapshots_sent": sent,
        "snapshots_received": bots["snapshots_received"],
        "delivered_pct": 100.0 * bots["snapshots_received"] / sent if sent else 0.0,
        "full_snapshots": srv.get("full_snapshots", 0),
        "full_lost_baseline": srv.get("full_snapshots_lost_baseline", 0),
        "delta_snapshots": sent - srv.get("full_snapshots", 0),
        "inputs_missing": srv.get("inputs_missing", 0),
        "inputs_late": srv.get("inputs_late", 0),
        "inputs_early": srv.get("inputs_early", 0),
        "player_ticks": bots.get("input_ticks", 0),
        "bursty": any((ns.get("config", {}).get(d, {}).get("burst_enter") or 0) > 0
                      for d in ("up", "down")),
        "pred_err_mean": bots.get("prediction_error_mean_all_units", 0.0),
        "pred_err_p99": bots.get("prediction_error_p99_units", 0.0),
        "pred_err_max": bots.get("prediction_error_max_units", 0.0),
        "visible_corrections": bots.get("visible_corrections", 0),
        "interp_delay_mean": bots.get("interp_delay_ms_mean", 0.0),
        "interp_delay_max": bots.get("interp_delay_ms_max"),
        "starvations": bots.get("interp_starvations"),
        "rtt_p50": bots["rtt_ms_p50"],
        "rtt_p99": bots["rtt_ms_p99"],
        "down_Bps": bots["bytes_down_per_bot_per_s"],
        "hits": bots.get("hits", 0),
        "shots": bots.get("shots_fired"),
        "hit_rate": bots.get("hit_rate"),
        "chat_sent": bots["chat_sent"],
        "chat_received": bots["chat_received"],
        "max_datagram_down": bots["max_datagram_bytes"],
        "max_snapshot_wire": srv.get("max_snapshot_wire_bytes", 0),
        "max_datagram_up": up.get("max_bytes", 0),
        "relay_up": {k: up.get(k) for k in ("datagrams_in", "datagrams_out", "lost", "duplicated")},
        "relay_down": {k: down.get(k) for k in ("datagrams_in", "datagrams_out", "lost",
                                                  "duplicated")},
        "enet_unsent": srv.get("enet_unsent_unreliable", 0) + bots.get("enet_unsent_inputs", 0),
        "unreliable_oversize": srv.get("unreliable_oversize", 0),
        "loss_pct": 100.0 * max(
            up.get("lost", 0) / max(1, up.get("datagrams_in", 0)),
            down.get("lost", 0) / max(1, down.get("datagrams_in", 0))),
    }


def check(a, row, bots):
    n = a.bots
    p = []
    if row["connected"] != n:
        p.append(f"connected {row['connected']} != {n}")
    if row["disconnects"] != 0:
        p.append(f"disconnects {row['disconnects']}")
    if row["decode_errors"] != 0:
        p.append(f"decode_errors {row['decode_errors']}")
    if row["chat_sent"] == 0 or row["chat_received"] != row["chat_sent"] * (n - 1):
        p.append(f"chat_received {row['chat_received']} != chat_sent {row['chat_sent']} * {n - 1}")
    for k in ("max_datagram_down", "max_snapshot_wire", "max_datagram_up"):
        if not 0 <= row[k] <= 1200:
            p.append(f"{k} {row[k]} over the 1200-byte budget")
    # The 32-input window: at <= 10 % random loss every tick's input arrives. Each input that
    # came after its tick was simulated is counted late once, and its tick missing once (the
    # last input was repeated), so missing - late is the ticks whose input never came: the
    # window's promise. Late ones are a timing matter (a stall of the server or the relay
    # longer than the client's lead, seen once under ASan on a loaded CI machine): rare, not
    # zero. Bursty loss (Gilbert-Elliott, the mobile profile) can take every INPUT carrying a
    # tick: there the share must stay small (measured ~0.5-2 %, reported in the table).
    ticks = max(1, row["player_ticks"])
    lost = row["inputs_missing"] - row["inputs_late"]
    if row["bursty"]:
        if row["inputs_missing"] > 0.03 * ticks:
            p.append(f"inputs_missing {row['inputs_missing']} of {ticks} ticks in bursty loss")
    elif row["loss_pct"] <= 11.0:
        if lost > 0:
            p.append(f"{lost} inputs never arrived (inputs_missing {row['inputs_missing']}, "
                     f"inputs_late {row['inputs_late']}) at {row['loss_pct']:.1f} % loss")
        if row["inputs_late"] > 0.001 * ticks:
            p.append(f"inputs_late {row['inputs_late']} of {ticks} ticks at "
                     f"{row['loss_pct']:.1f} % loss: over 0.1 %")
    # Full snapshots only at join (until the first acknowledgement is back) and after a loss
    # burst longer than the baseline ring (128 ticks): none on these profiles.
    if row["full_lost_baseline"] != 0:
        p.append(f"full_snapshots_lost_baseline {row['full_lost_baseline']} (of "
                 f"{row['full_snapshots']} full): deltas do not keep flowing")
    if row["inputs_early"] != 0:
        p.append(f"inputs_early {row['inputs_early']}: the client ran too far ahead")
    if row["enet_unsent"] != 0 or row["unreliable_oversize"] != 0:
        p.append(f"ENet dropped {row['enet_unsent']} unsent, {row['unreliable_oversize']} oversize")
    return p


if __name__ == "__main__":
    sys.exit(main())
