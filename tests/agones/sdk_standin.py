#!/usr/bin/env python3
"""sdk_standin.py — a local stand-in for the Agones SDK sidecar's REST API (NOT Agones).

Written from Agones' published SDK API (proto/sdk/sdk.proto and proto/sdk/beta/beta.proto in
googleforgames/agones, and the REST guide at agones.dev/site/docs/guides/client-sdks/rest/),
for tests only. It answers the calls arena-server makes, as the sidecar's HTTP gateway does:

  POST /ready, /health, /allocate, /shutdown   body {}            -> {}
  POST /reserve                               {"seconds": N}     -> {}
  GET  /gameserver                                               -> GameServer JSON
  PUT  /metadata/label, /metadata/annotation  {"key","value"}    -> {}  (label keys are stored
       with Agones' "agones.dev/sdk-" prefix, as the sidecar does)
  GET  /v1beta1/counters/{name}                                  -> Counter; 500 if undefined
       (the sidecar returns a plain error, "counter not found", which its gateway makes 500)
  PATCH /v1beta1/counters/{name}  {"count"} or {"capacity"}      -> Counter; 400 out of range

State: Scheduled -> Ready (after /ready) -> Allocated (/allocate, or the test's allocation) ->
Shutdown (/shutdown); Reserved after /reserve. What it does not do: Kubernetes, the controller
(health deadlines, restarts), WatchGameServer streaming, lists, the alpha player tracking.

Test controls, under /_standin/ (not part of Agones): GET /_standin/log (every call so far),
POST /_standin/allocate (an allocation as the controller would make), POST /_standin/mode with
{"mode": "ok" | "hang" | "fail" | "junk"} (hang: answers after 5 s; fail: 500; junk: broken
bodies of many kinds)."""
import argparse
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

JUNK = [b"", b"{", b"[" * 100000, b"\xff\xfe not utf-8", b'{"status": {"state": 42}}',
        b'{"status": {"state": "' + b"A" * 10000 + b'"}}', b'{"status": "Allocated"}',
        b'{"status": {"state": "Ready"}, "status": {"state": "Allocated"}}',
        b'{"status": {"state": "Al located"}}', b"x" * (1 << 20), b"null", b"[]"]


class Standin:
    def __init__(self, counters, game_port):
        self.game_port = game_port
        self.lock = threading.Lock()
        self.calls = []
        self.state = "Scheduled"
        self.labels = {}
        self.annotations = {}
        self.counters = {n: {"name": n, "count": 0, "capacity": c} for n, c in counters.items()}
        self.mode = "ok"
        self.junk_i = 0
        self.t0 = time.monotonic()

    def gameserver(self):
        return {"object_meta": {"name": "arena-standin", "namespace": "default",
                                "labels": self.labels, "annotations": self.annotations,
                                "creation_timestamp": str(int(time.time()))},
                "spec": {"health": {"period_seconds": 5, "failure_threshold": 3}},
                "status": {"state": self.state, "address": "127.0.0.1",
                           "ports": [{"name": "default", "port": self.game_port}]}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sdk-standin"

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, obj=None, raw=None):
        body = raw if raw is not None else json.dumps({} if obj is None else obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n > 0 else b""
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return None

    def handle_any(self, method):
        sd = self.server.standin
        path = self.path.split("?", 1)[0]
        data = self.body()
        if path.startswith("/_standin/"):
            return self.control(sd, method, path, data)
        with sd.lock:
            sd.calls.append({"t": round(time.monotonic() - sd.t0, 3), "method": method,
                             "path": path, "body": data})
            mode = sd.mode
        if mode == "hang":
            time.sleep(5)
        if mode == "fail":
            return self.reply(500, {"error": "stand-in told to fail"})
        if mode == "junk":
            with sd.lock:
                raw = JUNK[sd.junk_i % len(JUNK)]
                sd.junk_i += 1
            return self.reply(200, raw=raw)
        if data is None:
            return self.reply(400, {"error": "body is not JSON"})
        return self.api(sd, method, path, data)

    def api(self, sd, method, path, data):
        with sd.lock:
            if method == "POST" and path in ("/ready", "/health", "/allocate", "/shutdown",
                                             "/reserve"):
                sd.state = {"/ready": "Ready", "/allocate": "Allocated", "/shutdown": "Shutdown",
                            "/reserve": "Reserved"}.get(path, sd.state)
                return self.reply(200, {})
            if method == "GET" and path == "/gameserver":
                return self.reply(200, sd.gameserver())
            if method == "PUT" and path in ("/metadata/label", "/metadata/annotation"):
                if not isinstance(data.get("key"), str) or not isinstance(data.get("value"), str):
                    return self.reply(400, {"error": "key and value are strings"})
                if path.endswith("label"):
                    if not re.fullmatch(r"([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]?",
                                        data["value"]) or len(data["value"]) > 63:
                        return self.reply(400, {"error": "not a Kubernetes label value"})
                    sd.labels["agones.dev/sdk-" + data["key"]] = data["value"]
                else:
                    sd.annotations["agones.dev/sdk-" + data["key"]] = data["value"]
                return self.reply(200, {})
            m = re.fullmatch(r"/v1beta1/counters/([^/]+)", path)
            if m and method in ("GET", "PATCH"):
                c = sd.counters.get(m.group(1))
                if c is None:  # the sidecar's answer: a plain error, so HTTP 500 (not 404)
                    return self.reply(500, {"error": "counter not found: %s" % m.group(1),
                                            "code": 2})
                if method == "PATCH":
                    new = dict(c)
                    for k in ("count", "capacity"):
                        if k in data:
                            new[k] = int(data[k])
                    if not 0 <= new["count"] <= new["capacity"]:
                        return self.reply(400, {"error": "out of range", "code": 11})
                    c.update(new)
                return self.reply(200, c)
        return self.reply(404, {"error": "no such call"})

    def control(self, sd, method, path, data):
        with sd.lock:
            if path == "/_standin/log":
                return self.reply(200, {"calls": sd.calls, "state": sd.state,
                                        "labels": sd.labels, "annotations": sd.annotations,
                                        "counters": sd.counters})
            if path == "/_standin/allocate" and method == "POST":
                sd.state = "Allocated"
                return self.reply(200, {})
            if path == "/_standin/mode" and method == "POST" and data:
                sd.mode = data.get("mode", "ok")
                return self.reply(200, {})
        return self.reply(404, {})

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_PATCH(self):
        self.handle_any("PATCH")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--game-port", type=int, default=7777,
                    help="the port status.ports names \"default\" (what players reach)")
    ap.add_argument("--counter", action="append", default=[],
                    help="NAME=CAPACITY: a counter the fleet defines (repeatable)")
    args = ap.parse_args()
    counters = {}
    for c in args.counter:
        name, cap = c.split("=", 1)
        counters[name] = int(cap)
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    httpd.daemon_threads = True
    httpd.standin = Standin(counters, args.game_port)
    print("sdk-standin on 127.0.0.1:%d" % args.port, flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
